/* Lazy arithmetic flags.
 *
 * Invariants:
 *  1. cpu->flags always holds the true value of every EFLAGS bit except the
 *     six arithmetic ones (CF PF AF ZF SF OF).
 *  2. When cpu->lf.op == LF_NONE, the arithmetic bits in cpu->flags are
 *     true too.
 *  3. Otherwise the arithmetic flags are those produced by operation lf.op
 *     on lf.size-byte operands: dst (first operand), src (second operand or
 *     shift count), res (result, truncated to the size), aux (carry in for
 *     ADC/SBB, the preserved CF for INC/DEC). ZF, SF and PF always come
 *     from res alone; CF, OF and AF depend on the operation.
 *  4. An instruction that changes only some arithmetic flags (BT, rotates,
 *     CLC...) first materializes them (flags_materialize) and then edits
 *     cpu->flags; one that sets all six from scratch calls flags_set_all.
 *  5. NEG is recorded as SUB with dst = 0. CMP is SUB; TEST is LOGIC.
 *  Flags the SDM leaves undefined get a fixed choice: AF = 0 after logic
 *  ops; for shifts, OF as for a count of 1, AF = 0.
 */
#ifndef EMBER_CPU_FLAGS_H
#define EMBER_CPU_FLAGS_H

#include "cpu.h"

enum lf_op {
    LF_NONE, LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC, LF_DEC,
    LF_SHL, LF_SHR, LF_SAR,
};

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

static inline uint32_t size_sign(unsigned size)
{
    return 1u << (size * 8 - 1);
}

static inline void lf_record(struct cpu *cpu, enum lf_op op, unsigned size,
                             uint32_t dst, uint32_t src, uint32_t res)
{
    cpu->lf.op = (uint8_t)op;
    cpu->lf.size = (uint8_t)size;
    cpu->lf.dst = dst;
    cpu->lf.src = src;
    cpu->lf.res = res & size_mask(size);
}

static inline void lf_record_aux(struct cpu *cpu, enum lf_op op, unsigned size,
                                 uint32_t dst, uint32_t src, uint32_t res, uint32_t aux)
{
    lf_record(cpu, op, size, dst, src, res);
    cpu->lf.aux = aux;
}

/* CF, OF and AF of the pending lazy operation (lf.op != LF_NONE). */
bool lf_cf(const struct cpu *cpu);
bool lf_of(const struct cpu *cpu);
bool lf_af(const struct cpu *cpu);

static inline bool flag_cf(const struct cpu *cpu)
{
    return cpu->lf.op ? lf_cf(cpu) : (cpu->flags & FL_CF) != 0;
}
static inline bool flag_of(const struct cpu *cpu)
{
    return cpu->lf.op ? lf_of(cpu) : (cpu->flags & FL_OF) != 0;
}
static inline bool flag_af(const struct cpu *cpu)
{
    return cpu->lf.op ? lf_af(cpu) : (cpu->flags & FL_AF) != 0;
}
static inline bool flag_zf(const struct cpu *cpu)
{
    return cpu->lf.op ? cpu->lf.res == 0 : (cpu->flags & FL_ZF) != 0;
}
static inline bool flag_sf(const struct cpu *cpu)
{
    return cpu->lf.op ? (cpu->lf.res & size_sign(cpu->lf.size)) != 0
                      : (cpu->flags & FL_SF) != 0;
}
static inline bool flag_pf(const struct cpu *cpu)
{
    return cpu->lf.op ? !__builtin_parity(cpu->lf.res & 0xFF) : (cpu->flags & FL_PF) != 0;
}

/* Fold the lazy state into cpu->flags (invariant 2 afterwards). */
void flags_materialize(struct cpu *cpu);

/* Set all six arithmetic flags at once (bits outside FL_ARITH ignored). */
static inline void flags_set_all(struct cpu *cpu, uint32_t arith)
{
    cpu->flags = (cpu->flags & ~FL_ARITH) | (arith & FL_ARITH);
    cpu->lf.op = LF_NONE;
}

/* Set ZF, SF and PF from a result, with CF, OF and AF given. */
uint32_t flags_szp(uint32_t res, unsigned size);

/* Change only the flags in mask (materializes first). */
static inline void flags_set_some(struct cpu *cpu, uint32_t mask, uint32_t bits)
{
    if (cpu->lf.op)
        flags_materialize(cpu);
    cpu->flags = (cpu->flags & ~mask) | (bits & mask);
}

/* Condition codes 0-15 as in Jcc/SETcc/CMOVcc (SDM vol. 1 appendix B). */
bool cond_true(const struct cpu *cpu, unsigned cc);

#endif
