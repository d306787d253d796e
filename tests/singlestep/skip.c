/* Test classification; see skip.h. References: Intel SDM (vol. 2 per
 * instruction, vol. 3 chapter 22 "Architecture Compatibility"), the
 * 80286 Programmer's Reference Manual, and the test sets' READMEs. */
#include "skip.h"

#include <string.h>

#include "bcd.h"
#include "wrap.h"

static const struct skip_info infos[SKIP_COUNT] = {
    [SKIP_NONE] = { "none", "" },
    [SKIP_REVOKED] = { "revoked",
        "listed in revocation_list.txt: the capture is known to be wrong" },
    [SKIP_SUSPECT] = { "suspect capture",
        "listed in skip.c's suspect-capture table: the capture contradicts itself (its "
        "exception frame holds SS where the CS it ran in belongs, unlike every other test of "
        "the instruction); to be reported upstream for revocation_list.txt" },
    [SKIP_SALC] = { "SALC (D6)",
        "undocumented on the 8086/80286 (metadata status 'undocumented'); not an architectural "
        "instruction in the SDM" },
    [SKIP_POP_CS] = { "POP CS (8086 0F)",
        "the 8086 pops CS; on the 286+ 0F starts a two-byte opcode (SDM vol. 3 22.15)" },
    [SKIP_SMSW] = { "SMSW (0F 01 /4)",
        "the 286 reads MSW bits 4-15 as 1; the 386+ return CR0 bits 4-15 (SDM vol. 2 SMSW)" },
    [SKIP_META_UNDEFINED] = { "metadata: undefined",
        "metadata.json status 'undefined': no defined behaviour on the captured chip "
        "(8F/C6/C7/FE with a reserved ModRM.reg, 0F 00 /6-7, ...)" },
    [SKIP_META_ALIAS] = { "metadata: alias",
        "metadata.json status 'alias': an undocumented alias on the captured chip "
        "(8086 60-6F = Jcc, C0/C1 = RET, C8/C9 = RETF; 82; F6/F7 /1; FF /7)" },
    [SKIP_META_UNDOCUMENTED] = { "metadata: undocumented",
        "metadata.json status 'undocumented' (8086 SETMO/SETMOC D0-D3 /6, 186 C0/C1 /6)" },
    [SKIP_META_FPU] = { "metadata: fpu",
        "metadata.json status 'fpu': ESC opcodes captured without an x87; ember's P6 executes "
        "them as x87 instructions" },
    [SKIP_META_OTHER] = { "metadata: other",
        "metadata.json gives a status other than 'normal' (prefix, extension, or unknown)" },
    [SKIP_LEN_LIMIT] = { "286 10-byte limit",
        "the 286 raises #GP(13) for an instruction longer than 10 bytes (80286 PRM); the 386+ "
        "limit is 15 bytes (SDM vol. 2 2.3.11)" },
    [SKIP_LOCK] = { "286 LOCK anywhere",
        "the 286 accepts LOCK on any instruction; the 386+ raise #UD unless it prefixes a "
        "lockable instruction with a memory destination (SDM vol. 2 LOCK)" },
    [SKIP_SREG_4_7] = { "MOV Sreg, reg 4-7",
        "ModRM.reg 4-7 in 8C/8E: the 8086 ignores bit 2 (ES..DS), the 286 raises #UD; the 386+ "
        "name FS and GS there (SDM vol. 2 MOV)" },
    [SKIP_MOV_CS] = { "8086 MOV CS",
        "8E with reg CS: the 8086 loads CS; the 386+ raise #UD (SDM vol. 2 MOV)" },
    [SKIP_PUSH_SP] = { "8086 PUSH SP",
        "the 8086 pushes the decremented SP; the 286+ push SP as it was before (SDM vol. 2 "
        "PUSH, IA-32 Architecture Compatibility)" },
    [SKIP_BCD_8086] = { "8086 BCD adjust",
        "the 8086's result differs from the SDM algorithm the 286+ follow (DAA/DAS: 9Fh "
        "threshold when AF is set, no CF from the low digit; AAA/AAS: no carry or borrow "
        "between AL and AH) (SDM vol. 2 DAA, DAS, AAA, AAS Operation)" },
    [SKIP_SHIFT_COUNT] = { "8086 shift count",
        "the 8086 shifts by all of CL; the 286+ mask the count to 5 bits (SDM vol. 2 "
        "SAL/SAR/SHL/SHR, IA-32 Architecture Compatibility); tests with CL >= 32" },
    [SKIP_REP_MULDIV] = { "8086 REP IMUL/IDIV",
        "on the 8086 a REP/REPNE prefix negates the IMUL product or IDIV quotient (microcode "
        "quirk, test README); the 386+ ignore the prefix" },
    [SKIP_DIV_NEXT_IP] = { "8086 #DE return address",
        "the 8086 divide-error interrupt pushes the address of the next instruction; the 286+ "
        "push the faulting instruction (SDM vol. 3 6.5, 22.18)" },
    [SKIP_DIV_MISSED] = { "divide overflow missed",
        "the captured chip returned a quotient (80h) instead of raising #DE for a DIV/IDIV "
        "whose quotient does not fit; the SDM requires #DE (SDM vol. 2 IDIV)" },
    [SKIP_WRAP_FETCH] = { "8086 IP wrap",
        "the instruction runs past CS:FFFF: the 8086 wraps to offset 0; the 386+ raise #GP "
        "(SDM vol. 3 22.33.1)" },
    [SKIP_WRAP_DATA] = { "8086 offset wrap",
        "an operand straddles offset FFFFh: the 8086 wraps it to offset 0; the 386+ raise "
        "#GP, or #SS for SS (SDM vol. 3 22.33.1)" },
    [SKIP_SS_AS_GP] = { "286 stack limit = #GP",
        "an SS access past FFFFh: the 286 raises interrupt 13 in real mode; the 386+ raise "
        "#SS (interrupt 12) (SDM vol. 3 22.33.1)" },
    [SKIP_FAULT_STATE] = { "286 fault state",
        "the 286 had already committed part of a faulting instruction (SI/DI/CX of a string "
        "op, POP m16's SP, AAM 0's flags); 386+ faults are restartable and leave the state "
        "as it was before the instruction (SDM vol. 3 6.5)" },
};

const struct skip_info *skip_describe(enum skip_cat c)
{
    return &infos[c < SKIP_COUNT ? c : SKIP_NONE];
}

static enum skip_cat of_status(enum meta_status st)
{
    switch (st) {
    case META_NORMAL: return SKIP_NONE;
    case META_UNDEFINED: return SKIP_META_UNDEFINED;
    case META_ALIAS: return SKIP_META_ALIAS;
    case META_UNDOCUMENTED: return SKIP_META_UNDOCUMENTED;
    case META_FPU: return SKIP_META_FPU;
    default: return SKIP_META_OTHER;
    }
}

/* Opcodes that SDM vol. 2 "LOCK" allows (those with a memory destination
 * only): ADD ADC AND OR SBB SUB XOR, NOT NEG, INC DEC, XCHG (and the 386+
 * BT*, CMPXCHG, XADD, which the 286 set does not have). */
static bool lock_allowed(const struct ref_insn *d)
{
    unsigned k = d->key;
    if (!ref_has_mem(d))
        return false;
    if (k < 0x40)
        return (k & 7) < 2 && (k >> 3) != 7;    /* not CMP */
    if (k >= 0x80 && k <= 0x83)
        return d->reg != 7;
    if (k == 0x86 || k == 0x87)
        return true;
    if (k == 0xF6 || k == 0xF7)
        return d->reg == 2 || d->reg == 3;
    if (k == 0xFE || k == 0xFF)
        return d->reg <= 1;
    return false;
}

/* Captures that contradict themselves; see SKIP_SUSPECT. */
static const char *const suspect_hashes[] = {
    "7df1d2a948c416f5a4416e2f747d2d357d497570",   /* 80286 CE #1193: frame CS = SS */
    "ab0cea0f2b89ae469a98eaf20dedc9ff2ca08c91",   /* 80286 FF.3 #1141: frame CS = SS */
};

static bool is_suspect(const char *hash)
{
    for (size_t k = 0; k < sizeof suspect_hashes / sizeof suspect_hashes[0]; k++)
        if (strcmp(hash, suspect_hashes[k]) == 0)
            return true;
    return false;
}

/* Named differences that also carry a non-normal metadata status. */
static enum skip_cat named_opcode(const struct set_rules *s, const struct ref_insn *d)
{
    if (d->key == 0xD6)
        return SKIP_SALC;
    if (s->i8086 && d->key == 0x0F)
        return SKIP_POP_CS;
    if (!s->i8086 && d->key == 0x101 && d->has_modrm && d->reg == 4)
        return SKIP_SMSW;
    return SKIP_NONE;
}

static bool is_div(const struct ref_insn *d)
{
    return d->key == 0xD4 || ((d->key == 0xF6 || d->key == 0xF7) && d->reg >= 6);
}

/* The 8086 took a divide error: it ended at the vector-0 handler of the
 * initial IVT, with three words pushed. */
static bool took_divide_error(const struct ss_test *t, const struct ref_insn *d)
{
    uint8_t ivt[4];
    unsigned found = 0;
    if (!is_div(d))
        return false;
    for (size_t k = 0; k < t->init.nram; k++) {
        if (t->init.ram[k].addr < 4) {
            ivt[t->init.ram[k].addr] = t->init.ram[k].value;
            found |= 1u << t->init.ram[k].addr;
        }
    }
    return found == 15 &&
           ss_final_reg(t, R_IP) == (ivt[0] | ivt[1] << 8) &&
           ss_final_reg(t, R_CS) == (ivt[2] | ivt[3] << 8) &&
           ss_final_reg(t, R_SP) == (uint16_t)(t->init.reg[R_SP] - 6);
}

/* The test's initial byte at addr (RAM starts zeroed). */
static uint8_t initial_byte(const struct ss_test *t, uint32_t addr)
{
    for (size_t k = t->init.nram; k-- > 0;)
        if (t->init.ram[k].addr == addr)
            return t->init.ram[k].value;
    return 0;
}

/* The initial value of the ModRM operand (size 1 or 2). */
static uint16_t modrm_value(const struct ss_test *t, const struct ref_insn *d, bool i8086,
                            unsigned size)
{
    static const enum ss_reg r16[8] = { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI };
    static const enum ss_reg sreg[4] = { R_ES, R_CS, R_SS, R_DS };
    if (d->mod == 3) {
        uint16_t v = t->init.reg[r16[size == 2 ? d->rm : d->rm & 3]];
        return size == 2 ? v : d->rm < 4 ? v & 0xFF : v >> 8;
    }
    int seg;
    uint16_t off = ref_ea(d, t->init.reg, &seg);
    uint32_t base = (uint32_t)t->init.reg[sreg[seg]] << 4, mask = i8086 ? 0xFFFFF : 0xFFFFFF;
    uint16_t v = initial_byte(t, (base + off) & mask);
    if (size == 2)
        v |= (uint16_t)(initial_byte(t, (base + (uint16_t)(off + 1)) & mask) << 8);
    return v;
}

/* Whether SDM vol. 2 DIV/IDIV raises #DE for the test's operands. */
static bool sdm_divide_error(const struct ss_test *t, const struct ref_insn *d, bool i8086)
{
    bool word = d->key & 1, sign = d->reg == 7;
    int64_t divisor = modrm_value(t, d, i8086, word ? 2 : 1);
    int64_t dividend = word ? (int64_t)((uint32_t)t->init.reg[R_DX] << 16 | t->init.reg[R_AX])
                            : (int64_t)t->init.reg[R_AX];
    if (sign) {
        divisor = word ? (int16_t)divisor : (int8_t)divisor;
        dividend = word ? (int32_t)dividend : (int16_t)dividend;
    }
    if (divisor == 0)
        return true;
    int64_t q = dividend / divisor;
    if (sign)
        return word ? q < INT16_MIN || q > INT16_MAX : q < INT8_MIN || q > INT8_MAX;
    return q > (word ? 0xFFFF : 0xFF);
}

/* The chip computed a DIV/IDIV that the SDM says must raise #DE. */
static bool divide_error_missed(const struct ss_test *t, const struct ref_insn *d, bool i8086)
{
    if ((d->key != 0xF6 && d->key != 0xF7) || d->reg < 6)
        return false;
    bool raised = i8086 ? took_divide_error(t, d) : t->has_excp;  /* #DE, or #GP first */
    return !raised && sdm_divide_error(t, d, i8086);
}

/* The 8086's DAA/DAS/AAA/AAS result is not the SDM algorithm's. */
static bool bcd_differs(const struct ss_test *t, const struct ref_insn *d, uint16_t fmask)
{
    if (d->key != 0x27 && d->key != 0x2F && d->key != 0x37 && d->key != 0x3F)
        return false;
    struct bcd_result r = bcd_sdm((uint8_t)d->key, t->init.reg[R_AX], t->init.reg[R_FLAGS]);
    uint16_t flags = ss_final_reg(t, R_FLAGS);
    bool cf_differs = (fmask & 0x01) && r.cf != ((flags & 0x01) != 0);
    bool af_differs = (fmask & 0x10) && r.af != ((flags & 0x10) != 0);
    return r.ax != ss_final_reg(t, R_AX) || cf_differs || af_differs;
}

static bool is_push_sp(const struct ref_insn *d)
{
    return d->key == 0x54 || (d->key == 0xFF && d->reg == 6 && d->mod == 3 && d->rm == 4);
}

static enum skip_cat diff_8086(const struct ss_test *t, const struct ref_insn *d,
                               uint16_t fmask)
{
    unsigned k = d->key;
    if ((k == 0x8C || k == 0x8E) && d->reg >= 4)
        return SKIP_SREG_4_7;
    if (k == 0x8E && d->reg == 1)
        return SKIP_MOV_CS;
    if (is_push_sp(d))
        return SKIP_PUSH_SP;
    if (bcd_differs(t, d, fmask))
        return SKIP_BCD_8086;
    if ((k == 0xD2 || k == 0xD3) && (t->init.reg[R_CX] & 0xFF) >= 32)
        return SKIP_SHIFT_COUNT;
    if ((k == 0xF6 || k == 0xF7) && (d->reg == 5 || d->reg == 7) && (d->rep || d->repne))
        return SKIP_REP_MULDIV;
    if (took_divide_error(t, d))
        return SKIP_DIV_NEXT_IP;
    if (divide_error_missed(t, d, true))
        return SKIP_DIV_MISSED;
    struct wrap_result w;
    wrap_first(d, t, true, &w);
    if (w.kind == WRAP_FETCH)
        return SKIP_WRAP_FETCH;
    return w.kind == WRAP_DATA ? SKIP_WRAP_DATA : SKIP_NONE;
}

static bool is_string_286(unsigned k)
{
    return (k >= 0xA4 && k <= 0xA7) || (k >= 0xAA && k <= 0xAF) || (k >= 0x6C && k <= 0x6F);
}

/* A faulting string instruction whose expected registers are not those of
 * its last completed iteration. */
static bool string_state_differs(const struct ss_test *t, const struct ref_insn *d,
                                 const struct wrap_result *w)
{
    unsigned base = d->key & ~1u, size = 1 + (d->key & 1);
    bool src = base == 0xA4 || base == 0xA6 || base == 0xAC || base == 0x6E;
    bool dst = base == 0xA4 || base == 0xA6 || base == 0xAA || base == 0xAE || base == 0x6C;
    int step = (t->init.reg[R_FLAGS] & 0x400) ? -(int)size : (int)size;
    uint16_t n = (uint16_t)w->iterations;
    uint16_t si = (uint16_t)(t->init.reg[R_SI] + (src ? n * step : 0));
    uint16_t di = (uint16_t)(t->init.reg[R_DI] + (dst ? n * step : 0));
    uint16_t cx = (uint16_t)(t->init.reg[R_CX] - (d->rep || d->repne ? n : 0));
    return ss_final_reg(t, R_SI) != si || ss_final_reg(t, R_DI) != di ||
           ss_final_reg(t, R_CX) != cx;
}

/* The expected byte at addr: FINA's, else INIT's, else 0 (zeroed RAM). */
static uint8_t expected_byte(const struct ss_test *t, uint32_t addr)
{
    for (size_t k = t->fina.nram; k-- > 0;)
        if (t->fina.ram[k].addr == addr)
            return t->fina.ram[k].value;
    for (size_t k = t->init.nram; k-- > 0;)
        if (t->init.ram[k].addr == addr)
            return t->init.ram[k].value;
    return 0;
}

/* After a fault, a 386 has every register but CS, IP, SP and FLAGS as
 * before, SP lowered by the 3-word frame, and the FLAGS of before the
 * instruction in that frame. */
static bool fault_state_differs(const struct ss_test *t, uint16_t fmask)
{
    static const enum ss_reg kept[] = { R_AX, R_BX, R_CX, R_DX, R_SS, R_DS, R_ES,
                                        R_BP, R_SI, R_DI };
    for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
        if (ss_final_reg(t, kept[k]) != t->init.reg[kept[k]])
            return true;
    uint16_t sp = ss_final_reg(t, R_SP);
    if (sp != (uint16_t)(t->init.reg[R_SP] - 6))
        return true;
    uint32_t ss = (uint32_t)ss_final_reg(t, R_SS) << 4;
    uint16_t pushed = (uint16_t)(expected_byte(t, ss + (uint16_t)(sp + 4)) |
                                 expected_byte(t, ss + (uint16_t)(sp + 5)) << 8);
    uint16_t m = fmask & 0x0FD5;    /* the flag bits, as far as defined */
    return ((pushed ^ t->init.reg[R_FLAGS]) & m) != 0;
}

/* INT3, INT n and INTO end in an interrupt that is no fault. */
static bool is_soft_int(const struct ref_insn *d)
{
    return d->key == 0xCC || d->key == 0xCD || d->key == 0xCE;
}

static enum skip_cat diff_286(const struct ss_test *t, const struct ref_insn *d,
                              uint16_t fmask)
{
    if (d->len > 10)
        return SKIP_LEN_LIMIT;
    if (d->lock && !lock_allowed(d))
        return SKIP_LOCK;
    if ((d->key == 0x8C || d->key == 0x8E) && (d->reg == 4 || d->reg == 5))
        return SKIP_SREG_4_7;
    if (divide_error_missed(t, d, false))
        return SKIP_DIV_MISSED;
    if (!t->has_excp || is_soft_int(d))
        return SKIP_NONE;
    struct wrap_result w;
    wrap_first(d, t, false, &w);
    if (is_string_286(d->key) ? w.kind != WRAP_NONE && string_state_differs(t, d, &w)
                              : fault_state_differs(t, fmask))
        return SKIP_FAULT_STATE;
    if (t->excp_vector == 13 && w.kind == WRAP_DATA && w.vector == 12)
        return SKIP_SS_AS_GP;
    return SKIP_NONE;
}

enum skip_cat skip_classify(const struct set_rules *s, const struct ss_test *t,
                            const struct ref_insn *d, uint16_t *flags_mask)
{
    int reg = d->has_modrm && meta_by_reg(s->meta, d->key) ? d->reg : -1;
    struct meta_info mi = meta_lookup(s->meta, d->key, reg);
    *flags_mask = mi.has_mask ? mi.flags_mask : 0xFFFF;
    if (revoke_has(s->revoked, t->hash))
        return SKIP_REVOKED;
    if (is_suspect(t->hash))
        return SKIP_SUSPECT;
    enum skip_cat c = named_opcode(s, d);
    if (c == SKIP_NONE)
        c = of_status((enum meta_status)mi.status);
    if (c == SKIP_NONE)
        c = s->i8086 ? diff_8086(t, d, *flags_mask) : diff_286(t, d, *flags_mask);
    return c;
}
