/* Shifts and rotates: ROL ROR RCL RCR SHL/SAL SHR SAR, SHLD, SHRD (SDM vol. 2
 * "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD"). The count is masked
 * to 5 bits (the 8086 did not; the 286 and later do). A masked count of 0
 * changes nothing, flags included. */
#include "exec.h"

typedef uint32_t (*shift_fn)(struct cpu *cpu, uint32_t d, unsigned count, unsigned size);

static uint32_t do_shl(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    uint32_t r = count < 32 ? d << count : 0;
    lf_record(cpu, LF_SHL, size, d & size_mask(size), count, r);
    return r;
}

static uint32_t do_shr(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    d &= size_mask(size);
    uint32_t r = d >> count;
    lf_record(cpu, LF_SHR, size, d, count, r);
    return r;
}

static uint32_t do_sar(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    unsigned shift = 32 - size * 8;
    int32_t sd = (int32_t)(d << shift) >> shift;   /* sign-extend to 32 bits */
    uint32_t r = (uint32_t)(sd >> (count > 31 ? 31 : count));
    lf_record(cpu, LF_SAR, size, d & size_mask(size), count, r);
    return r;
}

/* Rotates change only CF and OF. */
static void set_cf_of(struct cpu *cpu, bool cf, bool of)
{
    flags_set_some(cpu, FL_CF | FL_OF, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
}

static uint32_t do_rol(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    unsigned bits = size * 8, t = count % bits;
    d &= size_mask(size);
    uint32_t r = t ? ((d << t) | (d >> (bits - t))) & size_mask(size) : d;
    bool cf = r & 1;
    set_cf_of(cpu, cf, ((r >> (bits - 1)) & 1) ^ cf);
    return r;
}

static uint32_t do_ror(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    unsigned bits = size * 8, t = count % bits;
    d &= size_mask(size);
    uint32_t r = t ? ((d >> t) | (d << (bits - t))) & size_mask(size) : d;
    bool msb = (r >> (bits - 1)) & 1, next = (r >> (bits - 2)) & 1;
    set_cf_of(cpu, msb, msb ^ next);
    return r;
}

/* RCL/RCR rotate the (size*8 + 1)-bit value CF:operand. */
static uint32_t do_rcl(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    unsigned bits = size * 8, t = count % (bits + 1);
    uint64_t mask = (1ull << (bits + 1)) - 1;
    uint64_t v = ((uint64_t)flag_cf(cpu) << bits) | (d & size_mask(size));
    if (t)
        v = ((v << t) | (v >> (bits + 1 - t))) & mask;
    uint32_t r = (uint32_t)v & size_mask(size);
    bool cf = (v >> bits) & 1;
    set_cf_of(cpu, cf, ((r >> (bits - 1)) & 1) ^ cf);
    return r;
}

static uint32_t do_rcr(struct cpu *cpu, uint32_t d, unsigned count, unsigned size)
{
    unsigned bits = size * 8, t = count % (bits + 1);
    uint64_t mask = (1ull << (bits + 1)) - 1;
    bool cf_in = flag_cf(cpu);
    d &= size_mask(size);
    bool of = ((d >> (bits - 1)) & 1) ^ cf_in;  /* from the operand before */
    uint64_t v = ((uint64_t)cf_in << bits) | d;
    if (t)
        v = ((v >> t) | (v << (bits + 1 - t))) & mask;
    uint32_t r = (uint32_t)v & size_mask(size);
    set_cf_of(cpu, (v >> bits) & 1, of);
    return r;
}

static ALWAYS_INLINE void shift_E(struct cpu *cpu, const struct insn *i, unsigned size,
                           unsigned count, shift_fn fn)
{
    count &= 0x1F;
    if (is_mem(i)) {
        uint32_t lin = rmw_lin(cpu, i, size);
        uint32_t d = lin_read_n(cpu, lin, size);
        if (count)
            lin_write_n(cpu, lin, fn(cpu, d, count, size), size);
    } else if (count) {
        set_reg(cpu, i->rm, fn(cpu, get_reg(cpu, i->rm, size), count, size), size);
    }
}

#define SHIFT_HANDLERS(name)                                                                \
    void op_##name##_EbIb(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 1, i->imm, do_##name); } \
    void op_##name##_EwIb(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 2, i->imm, do_##name); } \
    void op_##name##_EdIb(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 4, i->imm, do_##name); } \
    void op_##name##_Eb1(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 1, 1, do_##name); }       \
    void op_##name##_Ew1(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 2, 1, do_##name); }       \
    void op_##name##_Ed1(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 4, 1, do_##name); }       \
    void op_##name##_EbCL(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 1, get_r8(cpu, ECX), do_##name); } \
    void op_##name##_EwCL(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 2, get_r8(cpu, ECX), do_##name); } \
    void op_##name##_EdCL(struct cpu *cpu, const struct insn *i) { shift_E(cpu, i, 4, get_r8(cpu, ECX), do_##name); }

SHIFT_HANDLERS(rol)
SHIFT_HANDLERS(ror)
SHIFT_HANDLERS(rcl)
SHIFT_HANDLERS(rcr)
SHIFT_HANDLERS(shl)
SHIFT_HANDLERS(shr)
SHIFT_HANDLERS(sar)

/* Double-precision shifts. For a 16-bit operand and a count over 16 the SDM
 * leaves the result undefined; like the P6, the bits keep coming from the
 * 48-bit pattern dest:src:dest. */
static uint32_t shld_value(uint32_t d, uint32_t s, unsigned count, unsigned size, bool *cf)
{
    if (size == 4) {
        *cf = (d >> (32 - count)) & 1;
        return (d << count) | (count ? s >> (32 - count) : 0);
    }
    uint64_t pattern = ((uint64_t)(d & 0xFFFF) << 32) | ((uint64_t)(s & 0xFFFF) << 16) | (d & 0xFFFF);
    pattern <<= count;
    *cf = (pattern >> 48) & 1;
    return (uint32_t)(pattern >> 32) & 0xFFFF;
}

static uint32_t shrd_value(uint32_t d, uint32_t s, unsigned count, unsigned size, bool *cf)
{
    if (size == 4) {
        *cf = (d >> (count - 1)) & 1;
        return (d >> count) | (s << (32 - count));
    }
    uint64_t pattern = ((uint64_t)(d & 0xFFFF) << 32) | ((uint64_t)(s & 0xFFFF) << 16) | (d & 0xFFFF);
    *cf = (pattern >> (count - 1)) & 1;
    return (uint32_t)(pattern >> count) & 0xFFFF;
}

static void double_shift(struct cpu *cpu, const struct insn *i, unsigned size, unsigned count,
                         bool left)
{
    count &= 0x1F;
    uint32_t lin = 0, d;
    if (is_mem(i)) {
        lin = rmw_lin(cpu, i, size);
        d = lin_read_n(cpu, lin, size);
    } else {
        d = get_reg(cpu, i->rm, size);
    }
    if (!count)
        return;
    uint32_t s = get_reg(cpu, i->reg, size);
    bool cf;
    uint32_t r = left ? shld_value(d, s, count, size, &cf) : shrd_value(d, s, count, size, &cf);
    r &= size_mask(size);
    uint32_t sign = size_sign(size);
    bool of = ((r ^ d) & sign) != 0;     /* sign changed (defined for count 1) */
    flags_set_all(cpu, flags_szp(r, size) | (cf ? FL_CF : 0) | (of ? FL_OF : 0));
    if (is_mem(i))
        lin_write_n(cpu, lin, r, size);
    else
        set_reg(cpu, i->rm, r, size);
}

void op_shld_EwGwIb(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 2, i->imm, true); }
void op_shld_EdGdIb(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 4, i->imm, true); }
void op_shld_EwGwCL(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 2, get_r8(cpu, ECX), true); }
void op_shld_EdGdCL(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 4, get_r8(cpu, ECX), true); }
void op_shrd_EwGwIb(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 2, i->imm, false); }
void op_shrd_EdGdIb(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 4, i->imm, false); }
void op_shrd_EwGwCL(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 2, get_r8(cpu, ECX), false); }
void op_shrd_EdGdCL(struct cpu *cpu, const struct insn *i) { double_shift(cpu, i, 4, get_r8(cpu, ECX), false); }
