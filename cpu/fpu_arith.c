/* x87 arithmetic and comparison (SDM vol. 1 8.3.5-8.3.8, vol. 2): FADD
 * FSUB FSUBR FMUL FDIV FDIVR in all their forms, FSQRT FRNDINT FSCALE
 * FXTRACT FPREM FPREM1, FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP FICOM
 * FICOMP FCOMI FUCOMI FCOMIP FUCOMIP FTST FXAM. */
#include "fpu_internal.h"

/* ------------------------------------------------------------------------
 * The basic operations: dest = x op y */

enum arith_op { A_ADD, A_MUL, A_SUB, A_SUBR, A_DIV, A_DIVR };

static struct f80 compute(struct f80_env *e, enum arith_op op, struct f80 x, struct f80 y)
{
    switch (op) {
    case A_ADD: return f80_add(e, x, y);
    case A_MUL: return f80_mul(e, x, y);
    case A_SUB: return f80_sub(e, x, y);
    case A_SUBR: return f80_sub(e, y, x);
    case A_DIV: return f80_div(e, x, y);
    default: return f80_div(e, y, x);
    }
}

/* An empty operand: stack underflow, whose masked response writes the
 * default NaN to the destination (and pops when the instruction does). */
static void underflow_into(struct cpu *cpu, unsigned dst, bool pop)
{
    if (!fpu_stack_fault(cpu, false))
        return;
    st_put(cpu, dst, f80_indefinite());
    if (pop)
        fpu_pop(cpu);
}

/* The result of an operation into ST(dst) unless an unmasked IE, DE or
 * ZE stopped it; unmasked OE and UE deliver the biased result. */
static void deliver(struct cpu *cpu, struct f80_env *e, unsigned dst, struct f80 r, bool pop)
{
    if (!fpu_blocked(e)) {
        st_put(cpu, dst, r);
        if (pop)
            fpu_pop(cpu);
    }
    fpu_report(cpu, e);
}

/* ST(dst) = ST(dst) op ST(src), D8 (dst 0), DC and DE (src 0). */
static void arith_regs(struct cpu *cpu, const struct insn *i, enum arith_op op, unsigned dst,
                       unsigned src, bool pop)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, dst) || !st_used(cpu, src)) {
        underflow_into(cpu, dst, pop);
        return;
    }
    struct f80_env e = fpu_env(cpu);
    deliver(cpu, &e, dst, compute(&e, op, st_get(cpu, dst), st_get(cpu, src)), pop);
}

enum operand_type { T_M32FP, T_M64FP, T_M16INT, T_M32INT };

/* A memory operand of an arithmetic instruction as a value: an SNaN stays
 * signaling for the NaN rules; *denormal when DE is due. */
static struct f80 mem_operand(struct cpu *cpu, const struct insn *i, enum operand_type t,
                              bool *denormal)
{
    static const uint8_t size[] = { 4, 8, 2, 4 };
    uint8_t b[8];
    fpu_read(cpu, fpu_operand(cpu, i, size[t], SEG_OK_READ, size[t]), b, size[t]);
    fpu_note_insn(cpu, i);
    fpu_note_operand(cpu, i);
    *denormal = false;
    switch (t) {
    case T_M32FP: return f80_widen_f32(get_le32(b), denormal);
    case T_M64FP: return f80_widen_f64(get_le64(b), denormal);
    case T_M16INT: return f80_from_int((int16_t)get_le16(b));
    default: return f80_from_int((int32_t)get_le32(b));
    }
}

/* A denormal memory operand: DE, unless the register operand is a NaN or
 * unsupported (which take precedence, SDM vol. 1 4.9.2). */
static void operand_denormal(struct f80_env *e, struct f80 other)
{
    enum f80_class c = f80_classify(other);
    if (c != F80_QNAN && c != F80_SNAN && c != F80_UNSUPPORTED)
        e->flags |= F80_DE;
}

/* ST(0) = ST(0) op m. */
static void arith_mem(struct cpu *cpu, const struct insn *i, enum arith_op op, enum operand_type t)
{
    if (!fpu_begin_wait(cpu))
        return;
    bool denormal;
    struct f80 y = mem_operand(cpu, i, t, &denormal);
    if (!st_used(cpu, 0)) {
        underflow_into(cpu, 0, false);
        return;
    }
    struct f80_env e = fpu_env(cpu);
    struct f80 x = st_get(cpu, 0);
    if (denormal && !(op == A_DIVR && f80_classify(x) == F80_ZERO))
        operand_denormal(&e, x);    /* (m / 0 is ZE alone, as for registers) */
    if (f80_unmasked(&e, F80_DE)) {
        fpu_report(cpu, &e);
        return;
    }
    deliver(cpu, &e, 0, compute(&e, op, x, y), false);
}

#define ARITH_HANDLERS(name, iname, op)                                                     \
    void op_##name##_m32fp(struct cpu *cpu, const struct insn *i) { arith_mem(cpu, i, op, T_M32FP); } \
    void op_##name##_m64fp(struct cpu *cpu, const struct insn *i) { arith_mem(cpu, i, op, T_M64FP); } \
    void op_##iname##_m32int(struct cpu *cpu, const struct insn *i) { arith_mem(cpu, i, op, T_M32INT); } \
    void op_##iname##_m16int(struct cpu *cpu, const struct insn *i) { arith_mem(cpu, i, op, T_M16INT); } \
    void op_##name##_st0_sti(struct cpu *cpu, const struct insn *i) { arith_regs(cpu, i, op, 0, i->rm, false); } \
    void op_##name##_sti_st0(struct cpu *cpu, const struct insn *i) { arith_regs(cpu, i, op, i->rm, 0, false); } \
    void op_##name##p(struct cpu *cpu, const struct insn *i) { arith_regs(cpu, i, op, i->rm, 0, true); }

ARITH_HANDLERS(fadd, fiadd, A_ADD)
ARITH_HANDLERS(fmul, fimul, A_MUL)
ARITH_HANDLERS(fsub, fisub, A_SUB)
ARITH_HANDLERS(fsubr, fisubr, A_SUBR)
ARITH_HANDLERS(fdiv, fidiv, A_DIV)
ARITH_HANDLERS(fdivr, fidivr, A_DIVR)
#undef ARITH_HANDLERS

/* ------------------------------------------------------------------------
 * One-operand arithmetic on ST(0) */

/* The prologue of an instruction on ST(0) (and ST(1) when two): false
 * after a stack underflow, whose masked response already wrote ST(0). */
static bool operands_present(struct cpu *cpu, const struct insn *i, bool two)
{
    fpu_note_insn(cpu, i);
    if (st_used(cpu, 0) && (!two || st_used(cpu, 1)))
        return true;
    underflow_into(cpu, 0, false);
    return false;
}

void op_fsqrt(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu) || !operands_present(cpu, i, false))
        return;
    struct f80_env e = fpu_env(cpu);
    deliver(cpu, &e, 0, f80_sqrt(&e, st_get(cpu, 0)), false);
}

/* FRNDINT rounds to an integer by RC at 64-bit precision. */
void op_frndint(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu) || !operands_present(cpu, i, false))
        return;
    struct f80_env e = fpu_env(cpu);
    deliver(cpu, &e, 0, f80_round_to_int(&e, st_get(cpu, 0)), false);
}

void op_fscale(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu) || !operands_present(cpu, i, true))
        return;
    struct f80_env e = fpu_env(cpu);
    deliver(cpu, &e, 0, f80_scale(&e, st_get(cpu, 0), st_get(cpu, 1)), false);
}

/* FXTRACT: ST(0) becomes the exponent, then the significand is pushed.
 * A full stack (ST(7) in use) is an overflow (SDM vol. 2 FXTRACT #IS). */
void op_fxtract(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0) || st_used(cpu, 7)) {
        /* Underflow or overflow: the masked response gives the default
         * NaN for both results. */
        if (fpu_stack_fault(cpu, st_used(cpu, 0))) {
            st_put(cpu, 0, f80_indefinite());
            fpu_push(cpu, f80_indefinite());
        }
        return;
    }
    struct f80_env e = fpu_env(cpu);
    struct f80 exponent, significand;
    f80_extract(&e, st_get(cpu, 0), &exponent, &significand);
    if (!fpu_blocked(&e)) {
        st_put(cpu, 0, exponent);
        fpu_push(cpu, significand);
    }
    fpu_report(cpu, &e);
}

/* FPREM and FPREM1: C2 set for an incomplete reduction, else C0 C3 C1 the
 * quotient's bits 2, 1, 0 (SDM vol. 2 FPREM). A stack fault clears C2
 * and C1 and leaves C0 C3 alone, as does a NaN result. */
static void partial_remainder(struct cpu *cpu, const struct insn *i, bool ieee)
{
    if (!fpu_begin_wait(cpu))
        return;
    if (!operands_present(cpu, i, true)) {
        fpu_set_cc(cpu, FSW_C2, 0);
        return;
    }
    struct f80_env e = fpu_env(cpu);
    unsigned q;
    bool partial;
    struct f80 r = f80_rem(&e, st_get(cpu, 0), st_get(cpu, 1), ieee, &q, &partial);
    if (!fpu_blocked(&e)) {
        st_put(cpu, 0, r);
        if (q == F80_NO_QUOTIENT)     /* a NaN result: C0 and C3 stay */
            fpu_set_cc(cpu, FSW_C1 | FSW_C2, 0);
        else
            fpu_set_cc(cpu, FSW_CC, (partial ? FSW_C2 : 0) | ((q & 4) ? FSW_C0 : 0) |
                                    ((q & 2) ? FSW_C3 : 0) | ((q & 1) ? FSW_C1 : 0));
    } else {
        fpu_set_cc(cpu, FSW_C1 | FSW_C2, 0);
    }
    fpu_raise(cpu, e.flags);
}

void op_fprem(struct cpu *cpu, const struct insn *i) { partial_remainder(cpu, i, false); }
void op_fprem1(struct cpu *cpu, const struct insn *i) { partial_remainder(cpu, i, true); }

/* ------------------------------------------------------------------------
 * Comparisons */

/* C3 C2 C0: 000 greater, 001 less, 100 equal, 111 unordered. */
static unsigned order_cc(enum f80_order o)
{
    switch (o) {
    case F80_GT: return 0;
    case F80_LT: return FSW_C0;
    case F80_EQ: return FSW_C3;
    default: return FSW_C3 | FSW_C2 | FSW_C0;
    }
}

/* Compare x with y into C3 C2 C0 (C1 cleared), then pop pops times.
 * The codes are set even when IE or DE is unmasked (unordered for an
 * invalid operand), but then nothing is popped: what the hardware does,
 * where the SDM says the codes are not set. */
static void compare_values(struct cpu *cpu, struct f80 x, struct f80 y, bool quiet, unsigned pops,
                           unsigned operand_flags)
{
    struct f80_env e = fpu_env(cpu);
    e.flags = (uint16_t)operand_flags;
    enum f80_order o = f80_compare(&e, x, y, quiet);
    fpu_set_cc(cpu, FSW_CC, order_cc(o));
    if (!f80_unmasked(&e, F80_IE | F80_DE))
        while (pops--)
            fpu_pop(cpu);
    fpu_raise(cpu, e.flags);
}

/* A stack underflow in a comparison: the codes say unordered, masked or
 * not; the masked response also pops. */
static void compare_underflow(struct cpu *cpu, unsigned pops)
{
    bool masked = fpu_stack_fault(cpu, false);
    fpu_set_cc(cpu, FSW_C3 | FSW_C2 | FSW_C0, FSW_C3 | FSW_C2 | FSW_C0);
    while (masked && pops--)
        fpu_pop(cpu);
}

static void compare_regs(struct cpu *cpu, const struct insn *i, unsigned s, bool quiet, unsigned pops)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0) || !st_used(cpu, s)) {
        compare_underflow(cpu, pops);
        return;
    }
    compare_values(cpu, st_get(cpu, 0), st_get(cpu, s), quiet, pops, 0);
}

static void compare_mem(struct cpu *cpu, const struct insn *i, enum operand_type t, unsigned pops)
{
    if (!fpu_begin_wait(cpu))
        return;
    bool denormal;
    struct f80 y = mem_operand(cpu, i, t, &denormal);
    if (!st_used(cpu, 0)) {
        compare_underflow(cpu, pops);
        return;
    }
    struct f80 x = st_get(cpu, 0);
    bool de = denormal && f80_classify(x) != F80_UNSUPPORTED && !f80_is_nan(x);
    compare_values(cpu, x, y, false, pops, de ? F80_DE : 0);
}

void op_fcom_m32fp(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M32FP, 0); }
void op_fcom_m64fp(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M64FP, 0); }
void op_fcomp_m32fp(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M32FP, 1); }
void op_fcomp_m64fp(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M64FP, 1); }
void op_ficom_m16int(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M16INT, 0); }
void op_ficom_m32int(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M32INT, 0); }
void op_ficomp_m16int(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M16INT, 1); }
void op_ficomp_m32int(struct cpu *cpu, const struct insn *i) { compare_mem(cpu, i, T_M32INT, 1); }
void op_fcom_sti(struct cpu *cpu, const struct insn *i) { compare_regs(cpu, i, i->rm, false, 0); }
void op_fcomp_sti(struct cpu *cpu, const struct insn *i) { compare_regs(cpu, i, i->rm, false, 1); }
void op_fcompp(struct cpu *cpu, const struct insn *i) { compare_regs(cpu, i, 1, false, 2); }
void op_fucom_sti(struct cpu *cpu, const struct insn *i) { compare_regs(cpu, i, i->rm, true, 0); }
void op_fucomp_sti(struct cpu *cpu, const struct insn *i) { compare_regs(cpu, i, i->rm, true, 1); }
void op_fucompp(struct cpu *cpu, const struct insn *i) { compare_regs(cpu, i, 1, true, 2); }

/* FTST: ST(0) against +0.0. */
void op_ftst(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0)) {
        compare_underflow(cpu, 0);
        return;
    }
    compare_values(cpu, st_get(cpu, 0), f80_zero(false), false, 0, 0);
}

/* FCOMI and friends set ZF PF CF like C3 C2 C0 and clear OF SF AF (SDM
 * vol. 2 FCOMI); C1 is cleared. */
static uint32_t order_eflags(enum f80_order o)
{
    switch (o) {
    case F80_GT: return 0;
    case F80_LT: return FL_CF;
    case F80_EQ: return FL_ZF;
    default: return FL_ZF | FL_PF | FL_CF;
    }
}

static void compare_eflags(struct cpu *cpu, const struct insn *i, bool quiet, bool pop)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0) || !st_used(cpu, i->rm)) {
        bool masked = fpu_stack_fault(cpu, false);
        flags_set_all(cpu, FL_ZF | FL_PF | FL_CF);     /* unordered, masked or not */
        if (masked && pop)
            fpu_pop(cpu);
        return;
    }
    struct f80_env e = fpu_env(cpu);
    enum f80_order o = f80_compare(&e, st_get(cpu, 0), st_get(cpu, i->rm), quiet);
    fpu_set_cc(cpu, FSW_C1, 0);
    flags_set_all(cpu, order_eflags(o));
    if (pop && !f80_unmasked(&e, F80_IE | F80_DE))
        fpu_pop(cpu);
    fpu_raise(cpu, e.flags);
}

void op_fcomi(struct cpu *cpu, const struct insn *i) { compare_eflags(cpu, i, false, false); }
void op_fucomi(struct cpu *cpu, const struct insn *i) { compare_eflags(cpu, i, true, false); }
void op_fcomip(struct cpu *cpu, const struct insn *i) { compare_eflags(cpu, i, false, true); }
void op_fucomip(struct cpu *cpu, const struct insn *i) { compare_eflags(cpu, i, true, true); }

/* FXAM: C1 the sign, C3 C2 C0 the class (SDM vol. 2 FXAM): 000
 * unsupported, 001 NaN, 010 normal, 011 infinity, 100 zero, 101 empty,
 * 110 denormal. Never an exception. */
void op_fxam(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    struct f80 v = st_get(cpu, 0);
    unsigned cc = f80_sign(v) ? FSW_C1 : 0;
    if (!st_used(cpu, 0)) {
        cc |= FSW_C3 | FSW_C0;
    } else {
        switch (f80_classify(v)) {
        case F80_UNSUPPORTED: break;
        case F80_QNAN: case F80_SNAN: cc |= FSW_C0; break;
        case F80_NORMAL: cc |= FSW_C2; break;
        case F80_INF: cc |= FSW_C2 | FSW_C0; break;
        case F80_ZERO: cc |= FSW_C3; break;
        default: cc |= FSW_C3 | FSW_C2; break;
        }
    }
    fpu_set_cc(cpu, FSW_CC, cc);
}
