/* Bit instructions: BT BTS BTR BTC, BSF BSR, BSWAP, SETcc, CMOVcc (SDM vol. 2). */
#include "exec.h"

enum bit_op { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

static uint32_t apply_bit(uint32_t v, unsigned bit, enum bit_op op)
{
    switch (op) {
    case BIT_SET: return v | (1u << bit);
    case BIT_RESET: return v & ~(1u << bit);
    case BIT_COMPLEMENT: return v ^ (1u << bit);
    default: return v;
    }
}

/* CF = the selected bit; ZF unaffected; OF SF AF PF undefined (kept). */
static void set_cf(struct cpu *cpu, bool cf)
{
    flags_set_some(cpu, FL_CF, cf ? FL_CF : 0);
}

/* With a register bit offset and a memory operand, the offset is a signed
 * bit index from the operand's address and may reach outside it (SDM vol. 2
 * BT, "bit offset operand"). With an immediate it is taken modulo the size. */
static void bit_op(struct cpu *cpu, const struct insn *i, unsigned size, uint32_t offset,
                   bool from_register, enum bit_op op)
{
    unsigned bits = size * 8;
    if (!is_mem(i)) {
        unsigned bit = offset & (bits - 1);
        uint32_t v = get_reg(cpu, i->rm, size);
        set_cf(cpu, (v >> bit) & 1);
        if (op != BIT_TEST)
            set_reg(cpu, i->rm, apply_bit(v, bit, op), size);
        return;
    }
    uint32_t off = ea(cpu, i);
    unsigned bit;
    if (from_register) {
        int32_t index = size == 2 ? (int16_t)offset : (int32_t)offset;
        off += (uint32_t)((index >> (size == 2 ? 4 : 5)) * (int32_t)size);
        if (!a32(i))
            off &= 0xFFFF;
        bit = (unsigned)index & (bits - 1);
    } else {
        bit = offset & (bits - 1);
    }
    if (op == BIT_TEST) {
        set_cf(cpu, (read_n(cpu, i->seg, off, size) >> bit) & 1);
        return;
    }
    uint32_t lin = seg_addr(cpu, i->seg, off, size, SEG_OK_READ | SEG_OK_WRITE);
    lin_probe_write(cpu, lin, size);
    uint32_t v = lin_read_n(cpu, lin, size);
    lin_write_n(cpu, lin, apply_bit(v, bit, op), size);
    set_cf(cpu, (v >> bit) & 1);
}

#define BIT_HANDLERS(name, op)                                                              \
    void op_##name##_EwGw(struct cpu *cpu, const struct insn *i) { bit_op(cpu, i, 2, get_r16(cpu, i->reg), true, op); } \
    void op_##name##_EdGd(struct cpu *cpu, const struct insn *i) { bit_op(cpu, i, 4, cpu->reg[i->reg], true, op); }     \
    void op_##name##_EwIb(struct cpu *cpu, const struct insn *i) { bit_op(cpu, i, 2, i->imm, false, op); }              \
    void op_##name##_EdIb(struct cpu *cpu, const struct insn *i) { bit_op(cpu, i, 4, i->imm, false, op); }

BIT_HANDLERS(bt, BIT_TEST)
BIT_HANDLERS(bts, BIT_SET)
BIT_HANDLERS(btr, BIT_RESET)
BIT_HANDLERS(btc, BIT_COMPLEMENT)

/* BSF/BSR: a zero source sets ZF and leaves the destination unchanged (the
 * SDM says undefined; every P6 leaves it). CF OF SF AF PF undefined: kept. */
static void bit_scan(struct cpu *cpu, const struct insn *i, unsigned size, bool reverse)
{
    uint32_t v = get_E(cpu, i, size);
    if (!v) {
        flags_set_some(cpu, FL_ZF, FL_ZF);
        return;
    }
    unsigned index = reverse ? 31u - (unsigned)__builtin_clz(v) : (unsigned)__builtin_ctz(v);
    set_reg(cpu, i->reg, index, size);
    flags_set_some(cpu, FL_ZF, 0);
}

void op_bsf_w(struct cpu *cpu, const struct insn *i) { bit_scan(cpu, i, 2, false); }
void op_bsf_d(struct cpu *cpu, const struct insn *i) { bit_scan(cpu, i, 4, false); }
void op_bsr_w(struct cpu *cpu, const struct insn *i) { bit_scan(cpu, i, 2, true); }
void op_bsr_d(struct cpu *cpu, const struct insn *i) { bit_scan(cpu, i, 4, true); }

void op_bswap_d(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = __builtin_bswap32(cpu->reg[i->reg]);
}

/* BSWAP with a 16-bit operand is undefined; Intel CPUs clear the low word. */
void op_bswap_w(struct cpu *cpu, const struct insn *i)
{
    set_r16(cpu, i->reg, 0);
}

void op_setcc(struct cpu *cpu, const struct insn *i)
{
    set_E8(cpu, i, cond_true(cpu, i->cc) ? 1 : 0);
}

/* CMOVcc reads its source whether or not it moves (and may fault on it). */
void op_cmovcc_w(struct cpu *cpu, const struct insn *i)
{
    uint16_t v = get_E16(cpu, i);
    if (cond_true(cpu, i->cc))
        set_r16(cpu, i->reg, v);
}

void op_cmovcc_d(struct cpu *cpu, const struct insn *i)
{
    uint32_t v = get_E32(cpu, i);
    if (cond_true(cpu, i->cc))
        cpu->reg[i->reg] = v;
}
