/* What the Intel SDM (vol. 2, "Flags Affected" and "Operation" of each
 * instruction) leaves undefined, so the comparison ignores it: only that,
 * and only for the inputs where the SDM says so. Everything else it
 * defines is compared, including behaviour the SDM pins to the P6 family
 * (MOV r32,Sreg zero-extends) and what this emulator chooses to model as
 * the P6 does where the SDM is silent (BSF/BSR with a zero source leave
 * the destination unchanged: compared, not masked).
 *
 * When the instruction faults, nothing is masked: a faulting instruction
 * changes nothing, so every flag is defined (see report.c). */
#include <string.h>

#include "gen.h"
#include "x87.h"

#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_OF 0x0800u
#define F_ALL (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)

static bool one_of(const char *mn, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(mn, *list))
            return true;
    return false;
}

static void flags(struct hd_mask *m, uint32_t bits, const char *why)
{
    m->flags |= bits;
    m->why = why;
}

static void dest_undefined(struct hd_mask *m, const struct gen_facts *f, uint32_t reg_bits)
{
    if (f->dest_mem) {
        m->mem[m->nmem++] = (struct hd_span){ f->dest_off, f->osize };
    } else if (f->dest_reg >= 0) {
        m->reg[f->dest_reg] |= reg_bits;
    }
}

/* SAL/SAR/SHL/SHR "Flags Affected": count 0 changes nothing; for a
 * nonzero count AF is undefined, OF is undefined unless the count is 1,
 * and CF is undefined for SHL/SHR when the count is at least the operand
 * size. ROL/ROR/RCL/RCR: OF is undefined unless the count is 1. The count
 * is masked to 5 bits first. */
static void shift_mask(const char *mn, const struct gen_facts *f, struct hd_mask *m)
{
    static const char *const rotates[] = { "rol", "ror", "rcl", "rcr", NULL };
    unsigned count = f->count & 31, bits = 8 * f->osize;
    if (count == 0)
        return;
    if (one_of(mn, rotates)) {
        if (count != 1)
            flags(m, F_OF, "SDM vol. 2 RCL/RCR/ROL/ROR: OF undefined for counts other than 1");
        return;
    }
    uint32_t u = F_AF | (count != 1 ? F_OF : 0);
    if (strcmp(mn, "sar") && count >= bits)
        u |= F_CF;
    flags(m, u, "SDM vol. 2 SAL/SAR/SHL/SHR: AF undefined for a nonzero count, OF unless 1, "
                "CF for SHL/SHR by the operand size or more");
}

/* SHLD/SHRD "Flags Affected": AF undefined when a shift happens, OF for
 * counts over 1; a count over the operand size (16-bit only, the count
 * being masked to 5 bits) leaves the destination and all flags undefined. */
static void double_shift_mask(const struct gen_facts *f, struct hd_mask *m)
{
    unsigned count = f->count & 31, bits = 8 * f->osize;
    if (count == 0)
        return;
    if (count > bits) {
        flags(m, F_ALL, "SDM vol. 2 SHLD/SHRD: count above the operand size: result and flags undefined");
        dest_undefined(m, f, 0xFFFFu);
        return;
    }
    flags(m, F_AF | (count != 1 ? F_OF : 0),
          "SDM vol. 2 SHLD/SHRD: AF undefined when shifting, OF for counts over 1");
}

struct flag_rule {
    const char *const *mnemonics;
    uint32_t undefined;
    const char *why;
};

static const char *const logic[] = { "and", "or", "xor", "test", NULL };
static const char *const mul[] = { "mul", "imul", NULL };
static const char *const divs[] = { "div", "idiv", NULL };
static const char *const ascii[] = { "aaa", "aas", NULL };
static const char *const ascii_md[] = { "aam", "aad", NULL };
static const char *const decimal[] = { "daa", "das", NULL };
static const char *const bittest[] = { "bt", "bts", "btr", "btc", NULL };
static const char *const bitscan[] = { "bsf", "bsr", NULL };

static const struct flag_rule rules[] = {
    { logic, F_AF, "SDM vol. 2 AND/OR/XOR/TEST: AF undefined" },
    { mul, F_SF | F_ZF | F_AF | F_PF, "SDM vol. 2 MUL/IMUL: SF ZF AF PF undefined" },
    { divs, F_ALL, "SDM vol. 2 DIV/IDIV: CF OF SF ZF AF PF undefined" },
    { ascii, F_OF | F_SF | F_ZF | F_PF, "SDM vol. 2 AAA/AAS: OF SF ZF PF undefined" },
    { ascii_md, F_OF | F_AF | F_CF, "SDM vol. 2 AAM/AAD: OF AF CF undefined" },
    { decimal, F_OF, "SDM vol. 2 DAA/DAS: OF undefined" },
    { bittest, F_OF | F_SF | F_AF | F_PF, "SDM vol. 2 BT/BTS/BTR/BTC: OF SF AF PF undefined" },
    { bitscan, F_CF | F_OF | F_SF | F_AF | F_PF, "SDM vol. 2 BSF/BSR: CF OF SF AF PF undefined" },
};

void undefined_mask(const struct row *row, const struct gen_case *gc, struct hd_mask *m)
{
    const struct gen_facts *f = &gc->facts;
    const char *mn = row->mn;
    memset(m, 0, sizeof *m);
    for (unsigned k = 0; k < sizeof rules / sizeof rules[0]; k++)
        if (one_of(mn, rules[k].mnemonics))
            flags(m, rules[k].undefined, rules[k].why);
    if (row->kind == K_SHIFT)
        shift_mask(mn, f, m);
    if (row->kind == K_SHXD)
        double_shift_mask(f, m);
    if (!strcmp(mn, "bswap") && f->osize == 2) {
        /* SDM vol. 2 BSWAP: "When the BSWAP instruction references a
         * 16-bit register, the result is undefined." */
        m->reg[f->dest_reg] |= 0xFFFFu;
        m->why = "SDM vol. 2 BSWAP: 16-bit operand: result undefined";
    }
    if (!strcmp(mn, "lar") && f->osize == 4) {
        /* SDM vol. 2 LAR: the second descriptor dword "masked by
         * 00FxFF00H": bits 19:16 (the limit's top) are undefined. */
        m->reg[f->dest_reg] |= 0x000F0000u;
        m->why = "SDM vol. 2 LAR: bits 19:16 of a 32-bit result undefined";
    }
    if (!strcmp(mn, "push") && !strcmp(row->form, "Sreg") && f->osize == 4) {
        /* SDM vol. 2 PUSH: a segment register with a 32-bit operand size
         * is either zero-extended or written with a 16-bit move. */
        m->mem[m->nmem++] = (struct hd_span){ f->esp - 2, 2 };
        m->why = "SDM vol. 2 PUSH Sreg: upper half of a 32-bit slot undefined";
    }
    x87_undefined(row, gc, m);
}
