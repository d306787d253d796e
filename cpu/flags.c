/* Lazy arithmetic flags: the per-operation rules. Invariants in flags.h. */
#include "flags.h"

bool lf_cf(const struct cpu *cpu)
{
    const struct lazy_flags *f = &cpu->lf;
    uint32_t m = size_mask(f->size), bits = f->size * 8u;
    uint32_t dst = f->dst & m, src = f->src & m;
    switch (f->op) {
    case LF_ADD: return f->res < dst;
    case LF_ADC: return f->aux ? f->res <= dst : f->res < dst;
    case LF_SUB: return dst < src;
    case LF_SBB: return f->aux ? dst <= src : dst < src;
    case LF_LOGIC: return false;
    case LF_INC:
    case LF_DEC: return f->aux != 0;
    case LF_SHL: return f->src <= bits && ((dst >> (bits - f->src)) & 1);
    case LF_SHR: return f->src <= bits && ((dst >> (f->src - 1)) & 1);
    case LF_SAR: {
        uint32_t sign = dst & size_sign(f->size) ? 1 : 0;
        if (f->src > bits)
            return sign;
        return (dst >> (f->src - 1)) & 1;
    }
    default: return (cpu->flags & FL_CF) != 0;
    }
}

bool lf_of(const struct cpu *cpu)
{
    const struct lazy_flags *f = &cpu->lf;
    uint32_t sign = size_sign(f->size);
    switch (f->op) {
    case LF_ADD:
    case LF_ADC: return ((f->dst ^ f->res) & (f->src ^ f->res) & sign) != 0;
    case LF_SUB:
    case LF_SBB: return ((f->dst ^ f->src) & (f->dst ^ f->res) & sign) != 0;
    case LF_LOGIC: return false;
    case LF_INC: return f->res == sign;
    case LF_DEC: return f->res == sign - 1;
    case LF_SHL: return ((f->res & sign) != 0) ^ lf_cf(cpu);
    case LF_SHR: return (f->dst & sign) != 0;
    case LF_SAR: return false;
    default: return (cpu->flags & FL_OF) != 0;
    }
}

bool lf_af(const struct cpu *cpu)
{
    const struct lazy_flags *f = &cpu->lf;
    switch (f->op) {
    case LF_ADD: case LF_ADC: case LF_SUB: case LF_SBB:
        return ((f->dst ^ f->src ^ f->res) & 0x10) != 0;
    case LF_INC: return (f->res & 0xF) == 0;
    case LF_DEC: return (f->res & 0xF) == 0xF;
    case LF_LOGIC: case LF_SHL: case LF_SHR: case LF_SAR: return false;
    default: return (cpu->flags & FL_AF) != 0;
    }
}

uint32_t flags_szp(uint32_t res, unsigned size)
{
    res &= size_mask(size);
    uint32_t f = 0;
    if (res == 0)
        f |= FL_ZF;
    if (res & size_sign(size))
        f |= FL_SF;
    if (!__builtin_parity(res & 0xFF))
        f |= FL_PF;
    return f;
}

void flags_materialize(struct cpu *cpu)
{
    if (!cpu->lf.op)
        return;
    uint32_t f = flags_szp(cpu->lf.res, cpu->lf.size);
    if (lf_cf(cpu)) f |= FL_CF;
    if (lf_of(cpu)) f |= FL_OF;
    if (lf_af(cpu)) f |= FL_AF;
    cpu->flags = (cpu->flags & ~FL_ARITH) | f;
    cpu->lf.op = LF_NONE;
}

/* After CMP/SUB (the common case before a Jcc) the conditions come
 * straight from the operands. Returns -1 when cc needs the general path. */
static int cond_after_sub(const struct lazy_flags *f, unsigned cc)
{
    uint32_t m = size_mask(f->size), d = f->dst & m, s = f->src & m;
    unsigned shift = 32 - f->size * 8;
    int32_t sd = (int32_t)(d << shift), ss = (int32_t)(s << shift);
    switch (cc >> 1) {
    case 1: return d < s;      /* B */
    case 2: return d == s;     /* Z */
    case 3: return d <= s;     /* BE */
    case 6: return sd < ss;    /* L */
    case 7: return sd <= ss;   /* LE */
    default: return -1;
    }
}

bool cond_true(const struct cpu *cpu, unsigned cc)
{
    if (cpu->lf.op == LF_SUB) {
        int r = cond_after_sub(&cpu->lf, cc);
        if (r >= 0)
            return (bool)r ^ (cc & 1);
    }
    bool r;
    switch (cc >> 1) {
    case 0: r = flag_of(cpu); break;                          /* O */
    case 1: r = flag_cf(cpu); break;                          /* B */
    case 2: r = flag_zf(cpu); break;                          /* Z */
    case 3: r = flag_cf(cpu) || flag_zf(cpu); break;          /* BE */
    case 4: r = flag_sf(cpu); break;                          /* S */
    case 5: r = flag_pf(cpu); break;                          /* P */
    case 6: r = flag_sf(cpu) != flag_of(cpu); break;          /* L */
    default: r = flag_zf(cpu) || flag_sf(cpu) != flag_of(cpu); break; /* LE */
    }
    return r ^ (cc & 1);
}
