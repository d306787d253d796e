/* Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST, INC,
 * DEC, NOT, NEG (SDM vol. 2). Each operation is a small function per
 * width-generic body; flags are recorded lazily (flags.h). */
#include "exec.h"

typedef uint32_t (*alu_fn)(struct cpu *cpu, uint32_t dst, uint32_t src, unsigned size);

static inline uint32_t alu_add(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t r = d + s;
    lf_record(cpu, LF_ADD, size, d, s, r);
    return r;
}

static inline uint32_t alu_adc(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t cin = flag_cf(cpu);
    uint32_t r = d + s + cin;
    lf_record_aux(cpu, LF_ADC, size, d, s, r, cin);
    return r;
}

static inline uint32_t alu_sub(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t r = d - s;
    lf_record(cpu, LF_SUB, size, d, s, r);
    return r;
}

static inline uint32_t alu_sbb(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t cin = flag_cf(cpu);
    uint32_t r = d - s - cin;
    lf_record_aux(cpu, LF_SBB, size, d, s, r, cin);
    return r;
}

static inline uint32_t alu_and(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t r = d & s;
    lf_record(cpu, LF_LOGIC, size, r, 0, r);
    return r;
}

static inline uint32_t alu_or(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t r = d | s;
    lf_record(cpu, LF_LOGIC, size, r, 0, r);
    return r;
}

static inline uint32_t alu_xor(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    uint32_t r = d ^ s;
    lf_record(cpu, LF_LOGIC, size, r, 0, r);
    return r;
}

#define alu_cmp alu_sub

/* dst = fn(E, src) with E the ModRM operand; CMP and TEST only read. */
static ALWAYS_INLINE void alu_E(struct cpu *cpu, const struct insn *i, unsigned size, uint32_t src,
                         alu_fn fn, bool writeback)
{
    if (is_mem(i)) {
        if (writeback) {
            uint32_t lin = rmw_lin(cpu, i, size);
            uint32_t r = fn(cpu, lin_read_n(cpu, lin, size), src, size);
            lin_write_n(cpu, lin, r, size);
        } else {
            fn(cpu, read_n(cpu, i->seg, ea(cpu, i), size), src, size);
        }
    } else {
        uint32_t r = fn(cpu, get_reg(cpu, i->rm, size), src, size);
        if (writeback)
            set_reg(cpu, i->rm, r, size);
    }
}

/* reg = fn(reg, E) */
static ALWAYS_INLINE void alu_G(struct cpu *cpu, const struct insn *i, unsigned size, alu_fn fn,
                         bool writeback)
{
    uint32_t src = get_E(cpu, i, size);
    uint32_t r = fn(cpu, get_reg(cpu, i->reg, size), src, size);
    if (writeback)
        set_reg(cpu, i->reg, r, size);
}

/* AL/AX/EAX = fn(acc, imm) */
static ALWAYS_INLINE void alu_acc(struct cpu *cpu, const struct insn *i, unsigned size, alu_fn fn,
                           bool writeback)
{
    uint32_t r = fn(cpu, get_reg(cpu, EAX, size), i->imm & size_mask(size), size);
    if (writeback)
        set_reg(cpu, EAX, r, size);
}

#define ALU_HANDLERS(name, wb)                                                            \
    void op_##name##_EbGb(struct cpu *cpu, const struct insn *i)                          \
    { alu_E(cpu, i, 1, get_r8(cpu, i->reg), alu_##name, wb); }                            \
    void op_##name##_EwGw(struct cpu *cpu, const struct insn *i)                          \
    { alu_E(cpu, i, 2, get_r16(cpu, i->reg), alu_##name, wb); }                           \
    void op_##name##_EdGd(struct cpu *cpu, const struct insn *i)                          \
    { alu_E(cpu, i, 4, cpu->reg[i->reg], alu_##name, wb); }                               \
    void op_##name##_GbEb(struct cpu *cpu, const struct insn *i) { alu_G(cpu, i, 1, alu_##name, wb); } \
    void op_##name##_GwEw(struct cpu *cpu, const struct insn *i) { alu_G(cpu, i, 2, alu_##name, wb); } \
    void op_##name##_GdEd(struct cpu *cpu, const struct insn *i) { alu_G(cpu, i, 4, alu_##name, wb); } \
    void op_##name##_ALIb(struct cpu *cpu, const struct insn *i) { alu_acc(cpu, i, 1, alu_##name, wb); } \
    void op_##name##_AXIw(struct cpu *cpu, const struct insn *i) { alu_acc(cpu, i, 2, alu_##name, wb); } \
    void op_##name##_EAXId(struct cpu *cpu, const struct insn *i) { alu_acc(cpu, i, 4, alu_##name, wb); } \
    void op_##name##_EbIb(struct cpu *cpu, const struct insn *i)                          \
    { alu_E(cpu, i, 1, i->imm & 0xFF, alu_##name, wb); }                                  \
    void op_##name##_EwIw(struct cpu *cpu, const struct insn *i)                          \
    { alu_E(cpu, i, 2, i->imm & 0xFFFF, alu_##name, wb); }                                \
    void op_##name##_EdId(struct cpu *cpu, const struct insn *i)                          \
    { alu_E(cpu, i, 4, i->imm, alu_##name, wb); }

ALU_HANDLERS(add, true)
ALU_HANDLERS(or, true)
ALU_HANDLERS(adc, true)
ALU_HANDLERS(sbb, true)
ALU_HANDLERS(and, true)
ALU_HANDLERS(sub, true)
ALU_HANDLERS(xor, true)
ALU_HANDLERS(cmp, false)

/* TEST: AND without the write (SDM vol. 2 TEST). */
void op_test_EbGb(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 1, get_r8(cpu, i->reg), alu_and, false); }
void op_test_EwGw(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 2, get_r16(cpu, i->reg), alu_and, false); }
void op_test_EdGd(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 4, cpu->reg[i->reg], alu_and, false); }
void op_test_EbIb(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 1, i->imm & 0xFF, alu_and, false); }
void op_test_EwIw(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 2, i->imm & 0xFFFF, alu_and, false); }
void op_test_EdId(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 4, i->imm, alu_and, false); }
void op_test_ALIb(struct cpu *cpu, const struct insn *i) { alu_acc(cpu, i, 1, alu_and, false); }
void op_test_AXIw(struct cpu *cpu, const struct insn *i) { alu_acc(cpu, i, 2, alu_and, false); }
void op_test_EAXId(struct cpu *cpu, const struct insn *i) { alu_acc(cpu, i, 4, alu_and, false); }

/* INC and DEC keep CF (recorded as aux). */
static inline uint32_t alu_inc(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    (void)s;
    uint32_t r = d + 1;
    lf_record_aux(cpu, LF_INC, size, d, 1, r, flag_cf(cpu));
    return r;
}

static inline uint32_t alu_dec(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    (void)s;
    uint32_t r = d - 1;
    lf_record_aux(cpu, LF_DEC, size, d, 1, r, flag_cf(cpu));
    return r;
}

static inline uint32_t alu_neg(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    (void)s;
    uint32_t r = 0 - d;
    lf_record(cpu, LF_SUB, size, 0, d, r);
    return r;
}

static inline uint32_t alu_not(struct cpu *cpu, uint32_t d, uint32_t s, unsigned size)
{
    (void)cpu; (void)s; (void)size;
    return ~d;
}

void op_inc_Eb(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 1, 0, alu_inc, true); }
void op_inc_Ew(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 2, 0, alu_inc, true); }
void op_inc_Ed(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 4, 0, alu_inc, true); }
void op_dec_Eb(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 1, 0, alu_dec, true); }
void op_dec_Ew(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 2, 0, alu_dec, true); }
void op_dec_Ed(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 4, 0, alu_dec, true); }
void op_neg_Eb(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 1, 0, alu_neg, true); }
void op_neg_Ew(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 2, 0, alu_neg, true); }
void op_neg_Ed(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 4, 0, alu_neg, true); }
void op_not_Eb(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 1, 0, alu_not, true); }
void op_not_Ew(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 2, 0, alu_not, true); }
void op_not_Ed(struct cpu *cpu, const struct insn *i) { alu_E(cpu, i, 4, 0, alu_not, true); }

void op_inc_Zw(struct cpu *cpu, const struct insn *i)
{
    set_r16(cpu, i->reg, (uint16_t)alu_inc(cpu, get_r16(cpu, i->reg), 0, 2));
}
void op_inc_Zd(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = alu_inc(cpu, cpu->reg[i->reg], 0, 4);
}
void op_dec_Zw(struct cpu *cpu, const struct insn *i)
{
    set_r16(cpu, i->reg, (uint16_t)alu_dec(cpu, get_r16(cpu, i->reg), 0, 2));
}
void op_dec_Zd(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = alu_dec(cpu, cpu->reg[i->reg], 0, 4);
}

/* XADD: TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (SDM vol. 2 XADD). */
static void xadd(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t src = get_reg(cpu, i->reg, size);
    if (is_mem(i)) {
        uint32_t lin = rmw_lin(cpu, i, size);
        uint32_t dst = lin_read_n(cpu, lin, size);
        uint32_t sum = alu_add(cpu, dst, src, size);
        lin_write_n(cpu, lin, sum, size);
        set_reg(cpu, i->reg, dst, size);
    } else {
        uint32_t dst = get_reg(cpu, i->rm, size);
        uint32_t sum = alu_add(cpu, dst, src, size);
        set_reg(cpu, i->reg, dst, size);
        set_reg(cpu, i->rm, sum, size);
    }
}
void op_xadd_EbGb(struct cpu *cpu, const struct insn *i) { xadd(cpu, i, 1); }
void op_xadd_EwGw(struct cpu *cpu, const struct insn *i) { xadd(cpu, i, 2); }
void op_xadd_EdGd(struct cpu *cpu, const struct insn *i) { xadd(cpu, i, 4); }

/* CMPXCHG: compare the accumulator with DEST; equal: DEST = SRC, else the
 * accumulator = DEST. A memory destination is always written (the P6
 * writes back the old value on a mismatch; SDM vol. 2 CMPXCHG). */
static void cmpxchg(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t acc = get_reg(cpu, EAX, size);
    uint32_t src = get_reg(cpu, i->reg, size);
    if (is_mem(i)) {
        uint32_t lin = rmw_lin(cpu, i, size);
        uint32_t dst = lin_read_n(cpu, lin, size);
        alu_sub(cpu, acc, dst, size);
        if (acc == dst) {
            lin_write_n(cpu, lin, src, size);
        } else {
            lin_write_n(cpu, lin, dst, size);
            set_reg(cpu, EAX, dst, size);
        }
    } else {
        uint32_t dst = get_reg(cpu, i->rm, size);
        alu_sub(cpu, acc, dst, size);
        if (acc == dst)
            set_reg(cpu, i->rm, src, size);
        else
            set_reg(cpu, EAX, dst, size);
    }
}
void op_cmpxchg_EbGb(struct cpu *cpu, const struct insn *i) { cmpxchg(cpu, i, 1); }
void op_cmpxchg_EwGw(struct cpu *cpu, const struct insn *i) { cmpxchg(cpu, i, 2); }
void op_cmpxchg_EdGd(struct cpu *cpu, const struct insn *i) { cmpxchg(cpu, i, 4); }

/* CMPXCHG8B m64: EDX:EAX against m64; equal: m64 = ECX:EBX and ZF = 1,
 * else EDX:EAX = m64 and ZF = 0. Only ZF changes. */
void op_cmpxchg8b(struct cpu *cpu, const struct insn *i)
{
    uint32_t off = ea(cpu, i);
    uint32_t lin = seg_addr(cpu, i->seg, off, 8, SEG_OK_READ | SEG_OK_WRITE);
    if (cpu->view == TLB_USER_AC && (lin & 7))
        cpu_raise(cpu, EXC_AC, 0);      /* a quadword operand (SDM vol. 3 table 6-7) */
    lin_probe_write(cpu, lin, 4);
    lin_probe_write(cpu, lin + 4, 4);
    uint32_t lo = lin_read32(cpu, lin), hi = lin_read32(cpu, lin + 4);
    bool equal = lo == cpu->reg[EAX] && hi == cpu->reg[EDX];
    if (equal) {
        lin_write32(cpu, lin, cpu->reg[EBX]);
        lin_write32(cpu, lin + 4, cpu->reg[ECX]);
    } else {
        lin_write32(cpu, lin, lo);
        lin_write32(cpu, lin + 4, hi);
        cpu->reg[EAX] = lo;
        cpu->reg[EDX] = hi;
    }
    flags_set_some(cpu, FL_ZF, equal ? FL_ZF : 0);
}
