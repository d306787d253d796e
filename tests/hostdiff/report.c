/* Comparison and mismatch reports; see report.h. */
#include "report.h"
#include "x87.h"

#include <stdlib.h>
#include <string.h>

#ifdef HOSTDIFF_HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

#define EFLAGS_BITS 0x003F7FD7u

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const sreg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

/* ------------------------------------------------------------------ */
/* Comparison.                                                          */

static bool masked_byte(const struct hd_mask *m, uint32_t off)
{
    for (unsigned k = 0; k < m->nmem; k++)
        if (off - m->mem[k].off < m->mem[k].len)
            return true;
    return false;
}

static bool memory_differs(const struct gen_case *gc, const struct hd_result *a,
                           const struct hd_result *b, const struct hd_mask *m)
{
    uint32_t at = 0;
    for (unsigned k = 0; k < gc->c.nspans; k++) {
        const struct hd_span *s = &gc->c.span[k];
        for (uint32_t j = 0; j < s->len; j++, at++)
            if (a->mem[at] != b->mem[at] && !(m && masked_byte(m, s->off + j)))
                return true;
    }
    return false;
}

static bool has_error_code(uint32_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

/* Registers, flags, selectors and memory, under mask m (NULL: none). */
static unsigned state_diffs(const struct gen_case *gc, const struct hd_result *a,
                            const struct hd_result *b, const struct hd_mask *m)
{
    unsigned d = 0;
    for (unsigned r = 0; r < 8; r++)
        if ((a->reg[r] ^ b->reg[r]) & ~(m ? m->reg[r] : 0))
            d |= D_REG;
    if ((a->eflags ^ b->eflags) & EFLAGS_BITS & ~(m ? m->flags : 0))
        d |= D_FLAGS;
    if (memcmp(a->sreg, b->sreg, sizeof a->sreg))
        d |= D_SREG;
    if (memory_differs(gc, a, b, m))
        d |= D_MEM;
    if (a->stray != b->stray)
        d |= D_STRAY;
    if (x87_state_differs(gc, a, b, m))
        d |= D_X87;
    return d;
}

struct outcome compare_results(const struct gen_case *gc, const struct hd_result *native,
                               const struct hd_result *emu)
{
    struct outcome o = { 0, false };
    bool nfault = native->vector != HD_NONE;
    if (nfault && emu->vector == HD_UNDELIVERED) {
        /* The host's vector cannot be checked; the state can (a faulting
         * instruction changes nothing). */
        o.unverified = true;
        o.diffs = state_diffs(gc, native, emu, NULL);
        return o;
    }
    if (native->vector != emu->vector) {
        o.diffs = D_VECTOR;
        return o;
    }
    if (native->eip != emu->eip)
        o.diffs |= D_EIP;
    if (nfault && has_error_code(native->vector) && native->error != emu->error)
        o.diffs |= D_ERROR;
    o.diffs |= state_diffs(gc, native, emu, nfault ? NULL : &gc->mask);
    return o;
}

/* ------------------------------------------------------------------ */
/* Printing.                                                            */

struct report {
#ifdef HOSTDIFF_HAVE_CAPSTONE
    csh cs;
    bool cs_ok;
#else
    int unused;
#endif
};

struct report *report_create(void)
{
    struct report *rp = calloc(1, sizeof *rp);
    if (!rp)
        return NULL;
#ifdef HOSTDIFF_HAVE_CAPSTONE
    rp->cs_ok = cs_open(CS_ARCH_X86, CS_MODE_32, &rp->cs) == CS_ERR_OK;
#endif
    return rp;
}

void report_destroy(struct report *rp)
{
    if (!rp)
        return;
#ifdef HOSTDIFF_HAVE_CAPSTONE
    if (rp->cs_ok)
        cs_close(&rp->cs);
#endif
    free(rp);
}

static void disassemble(struct report *rp, const struct hd_case *c, char *buf, size_t len)
{
    snprintf(buf, len, "(no disassembler)");
#ifdef HOSTDIFF_HAVE_CAPSTONE
    if (!rp->cs_ok)
        return;
    cs_insn *insn = NULL;
    size_t n = cs_disasm(rp->cs, c->code, c->len, HD_INSN_LIN, 1, &insn);
    if (n == 1)
        snprintf(buf, len, "%.31s %.159s", insn->mnemonic, insn->op_str);
    else
        snprintf(buf, len, "(capstone: invalid)");
    if (n)
        cs_free(insn, n);
#else
    (void)rp;
    (void)c;
#endif
}

void report_label(const struct row *row, bool o16, char *buf, size_t len)
{
    snprintf(buf, len, "%s %s%s", row->mn, row->form,
             row->byte_op ? (o16 ? " (66)" : "") : o16 ? " o16" : " o32");
}

static void flag_letters(uint32_t f, char *buf)
{
    static const struct { uint32_t bit; char c; } letters[] = {
        { 0x40000u, 'a' }, { 0x4000u, 'n' }, { 0x0800u, 'o' }, { 0x0400u, 'd' },
        { 0x0200u, 'i' }, { 0x0100u, 't' }, { 0x0080u, 's' }, { 0x0040u, 'z' },
        { 0x0010u, 'a' }, { 0x0004u, 'p' }, { 0x0001u, 'c' },
    };
    unsigned n = 0;
    for (unsigned k = 0; k < sizeof letters / sizeof letters[0]; k++) {
        char ch = letters[k].c;
        buf[n++] = (f & letters[k].bit) ? (char)(ch - 'a' + 'A') : ch;
    }
    buf[n] = 0;
}

static void print_flags_list(FILE *out, uint32_t bits)
{
    static const struct { uint32_t bit; const char *name; } names[] = {
        { 0x0001u, "CF" }, { 0x0004u, "PF" }, { 0x0010u, "AF" }, { 0x0040u, "ZF" },
        { 0x0080u, "SF" }, { 0x0100u, "TF" }, { 0x0200u, "IF" }, { 0x0400u, "DF" },
        { 0x0800u, "OF" }, { 0x3000u, "IOPL" }, { 0x4000u, "NT" }, { 0x10000u, "RF" },
        { 0x20000u, "VM" }, { 0x40000u, "AC" }, { 0x80000u, "VIF" }, { 0x100000u, "VIP" },
        { 0x200000u, "ID" },
    };
    for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
        if (bits & names[k].bit)
            fprintf(out, " %s", names[k].name);
}

static void print_regs(FILE *out, const uint32_t *reg, uint32_t eflags)
{
    char fl[16];
    flag_letters(eflags, fl);
    for (unsigned r = 0; r < 8; r++)
        fprintf(out, "%s=%08x%s", reg_names[r], reg[r], r == 3 ? "\n           " : " ");
    fprintf(out, "eflags=%08x [%s]\n", eflags, fl);
}

static void print_outcome(FILE *out, const char *who, const struct hd_result *r)
{
    fprintf(out, "  %-8s ", who);
    if (r->vector == HD_NONE)
        fprintf(out, "went on at %08x\n", r->eip);
    else if (r->vector == HD_UNDELIVERED)
        fprintf(out, "raised an exception it could not deliver (triple fault), eip=%08x\n", r->eip);
    else if (r->vector == HD_HANG)
        fprintf(out, "never reached a landing (eip=%08x)\n", r->eip);
    else
        fprintf(out, "exception %u (error %#x) at eip=%08x\n", r->vector, r->error, r->eip);
    fprintf(out, "           ");
    print_regs(out, r->reg, r->eflags);
    fprintf(out, "           ");
    for (unsigned s = 0; s < 6; s++)
        fprintf(out, "%s=%04x ", sreg_names[s], r->sreg[s]);
    if (r->stray != HD_NONE)
        fprintf(out, " STRAY WRITE at %#x", r->stray);
    fprintf(out, "\n");
}

static void print_mem_diffs(FILE *out, const struct gen_case *gc, const struct hd_result *a,
                            const struct hd_result *b)
{
    uint32_t at = 0;
    unsigned shown = 0;
    for (unsigned k = 0; k < gc->c.nspans; k++) {
        const struct hd_span *s = &gc->c.span[k];
        for (uint32_t j = 0; j < s->len; j++, at++) {
            if (a->mem[at] == b->mem[at] || shown++ >= 16)
                continue;
            fprintf(out, "  memory +%05x: in %02x native %02x emulator %02x%s\n", s->off + j,
                    gc->c.mem[at], a->mem[at], b->mem[at],
                    masked_byte(&gc->mask, s->off + j) ? " (undefined)" : "");
        }
    }
}

/* The bytes a side changed, as offset:old>new (the first 12). */
static void print_writes(FILE *out, const char *who, const struct gen_case *gc,
                         const struct hd_result *r)
{
    uint32_t at = 0;
    unsigned shown = 0;
    for (unsigned k = 0; k < gc->c.nspans; k++) {
        const struct hd_span *s = &gc->c.span[k];
        for (uint32_t j = 0; j < s->len; j++, at++) {
            if (gc->c.mem[at] == r->mem[at])
                continue;
            if (shown++ == 0)
                fprintf(out, "  %-8s wrote", who);
            if (shown <= 12)
                fprintf(out, " %05x:%02x>%02x", s->off + j, gc->c.mem[at], r->mem[at]);
        }
    }
    if (shown)
        fprintf(out, "%s\n", shown > 12 ? " ..." : "");
}

static void print_differences(FILE *out, const struct gen_case *gc, const struct hd_result *a,
                              const struct hd_result *b, struct outcome o)
{
    fprintf(out, "  differs:");
    if (o.diffs & D_VECTOR) fprintf(out, " exception");
    if (o.diffs & D_EIP) fprintf(out, " eip");
    if (o.diffs & D_ERROR) fprintf(out, " error-code");
    for (unsigned r = 0; r < 8; r++)
        if ((a->reg[r] ^ b->reg[r]) & ~gc->mask.reg[r])
            fprintf(out, " %s", reg_names[r]);
    if (o.diffs & D_FLAGS) {
        fprintf(out, " flags(");
        print_flags_list(out, (a->eflags ^ b->eflags) & EFLAGS_BITS);
        fprintf(out, " )");
    }
    if (o.diffs & D_SREG) fprintf(out, " selectors");
    if (o.diffs & D_MEM) fprintf(out, " memory");
    if (o.diffs & D_STRAY) fprintf(out, " stray-write");
    if (o.diffs & D_X87) fprintf(out, " x87");
    fprintf(out, "\n");
    if (o.diffs & D_MEM)
        print_mem_diffs(out, gc, a, b);
}

void report_case(struct report *rp, FILE *out, const struct row *row, uint64_t index,
                 const struct gen_case *gc, const struct hd_result *native,
                 const struct hd_result *emu, struct outcome o)
{
    char text[200], label[64];
    disassemble(rp, &gc->c, text, sizeof text);
    report_label(row, gc->o16, label, sizeof label);
    fprintf(out, "case %llu: %s (table row %s)%s%s\n  bytes:  ", (unsigned long long)index,
            label, row->id, gc->a16 ? " a16" : "", o.unverified ? " [vector unverified]" : "");
    for (unsigned k = 0; k < gc->c.len; k++)
        fprintf(out, "%02x ", gc->c.code[k]);
    fprintf(out, "   %s\n  in       ", text);
    print_regs(out, gc->c.reg, gc->c.eflags | 0x202u);
    print_outcome(out, "native", native);
    print_outcome(out, "emulator", emu);
    print_writes(out, "native", gc, native);
    print_writes(out, "emulator", gc, emu);
    if (x87_row(row) || (o.diffs & D_X87))
        x87_print(out, gc, native, emu);
    if (o.diffs)
        print_differences(out, gc, native, emu, o);
    if (gc->mask.flags || gc->mask.why) {
        fprintf(out, "  ignored:");
        print_flags_list(out, gc->mask.flags);
        fprintf(out, "  (%s)\n", gc->mask.why ? gc->mask.why : "");
    }
}
