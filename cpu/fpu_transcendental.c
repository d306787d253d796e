/* x87 transcendental instructions (SDM vol. 1 8.3.9, 8.3.10; vol. 2
 * FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1). The arithmetic is
 * float80_transc.c; here are the stack and the condition codes: C2 says
 * an argument of the trigonometric ones was out of range (|x| >= 2^63,
 * ST(0) left as it was), C1 that the result was rounded up. */
#include "fpu_internal.h"

/* ST(0) and, when two, ST(1) are in use; else the masked response of the
 * stack underflow writes the default NaN to ST(dst) and pops if asked. */
static bool have_operands(struct cpu *cpu, const struct insn *i, bool two, unsigned dst, bool pop)
{
    fpu_note_insn(cpu, i);
    if (st_used(cpu, 0) && (!two || st_used(cpu, 1)))
        return true;
    if (fpu_stack_fault(cpu, false)) {
        st_put(cpu, dst, f80_indefinite());
        if (pop)
            fpu_pop(cpu);
    }
    return false;
}

/* ST(0) replaced by f(ST(0)). */
static void unary(struct cpu *cpu, const struct insn *i,
                  bool (*f)(struct f80_env *, struct f80, struct f80 *))
{
    if (!fpu_begin_wait(cpu))
        return;
    if (!have_operands(cpu, i, false, 0, false)) {
        fpu_set_cc(cpu, FSW_C2, 0);
        return;
    }
    struct f80_env e = fpu_env(cpu);
    struct f80 r;
    if (!f(&e, st_get(cpu, 0), &r)) {
        fpu_set_cc(cpu, FSW_C2, FSW_C2);
        return;
    }
    fpu_set_cc(cpu, FSW_C2, 0);
    if (!fpu_blocked(&e))
        st_put(cpu, 0, r);
    fpu_report(cpu, &e);
}

void op_fsin(struct cpu *cpu, const struct insn *i) { unary(cpu, i, f80_sin); }
void op_fcos(struct cpu *cpu, const struct insn *i) { unary(cpu, i, f80_cos); }

/* FSINCOS and FPTAN replace ST(0) and push a second value; with ST(7) in
 * use that push overflows and the masked response leaves the default NaN
 * in both places. */
static bool room_to_push(struct cpu *cpu, const struct insn *i)
{
    fpu_note_insn(cpu, i);
    if (st_used(cpu, 0) && !st_used(cpu, 7))
        return true;
    fpu_set_cc(cpu, FSW_C2, 0);
    if (fpu_stack_fault(cpu, st_used(cpu, 0))) {
        st_put(cpu, 0, f80_indefinite());
        fpu_push(cpu, f80_indefinite());
    }
    return false;
}

static void unary_push(struct cpu *cpu, const struct insn *i, bool tangent)
{
    if (!fpu_begin_wait(cpu) || !room_to_push(cpu, i))
        return;
    struct f80_env e = fpu_env(cpu);
    struct f80 first, second = f80_one();
    bool in_range = tangent ? f80_tan(&e, st_get(cpu, 0), &first)
                            : f80_sincos(&e, st_get(cpu, 0), &first, &second);
    if (!in_range) {
        fpu_set_cc(cpu, FSW_C2, FSW_C2);
        return;
    }
    fpu_set_cc(cpu, FSW_C2, 0);
    if (tangent && f80_is_nan(first))
        second = first;     /* a NaN result is pushed in place of the 1.0 */
    if (!fpu_blocked(&e)) {
        st_put(cpu, 0, first);
        fpu_push(cpu, second);
    }
    fpu_report(cpu, &e);
}

/* FPTAN: ST(0) = tan(ST(0)), then push 1.0 (SDM vol. 2 FPTAN). */
void op_fptan(struct cpu *cpu, const struct insn *i) { unary_push(cpu, i, true); }
/* FSINCOS: ST(0) = sin, then push cos. */
void op_fsincos(struct cpu *cpu, const struct insn *i) { unary_push(cpu, i, false); }

void op_f2xm1(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu) || !have_operands(cpu, i, false, 0, false))
        return;
    struct f80_env e = fpu_env(cpu);
    struct f80 r = f80_2xm1(&e, st_get(cpu, 0));
    if (!fpu_blocked(&e))
        st_put(cpu, 0, r);
    fpu_report(cpu, &e);
}

/* ST(1) = f(ST(1), ST(0)), then pop: FPATAN FYL2X FYL2XP1. */
static void binary_pop(struct cpu *cpu, const struct insn *i,
                       struct f80 (*f)(struct f80_env *, struct f80, struct f80))
{
    if (!fpu_begin_wait(cpu) || !have_operands(cpu, i, true, 1, true))
        return;
    struct f80_env e = fpu_env(cpu);
    struct f80 r = f(&e, st_get(cpu, 1), st_get(cpu, 0));
    if (!fpu_blocked(&e)) {
        st_put(cpu, 1, r);
        fpu_pop(cpu);
    }
    fpu_report(cpu, &e);
}

void op_fpatan(struct cpu *cpu, const struct insn *i) { binary_pop(cpu, i, f80_atan2); }
void op_fyl2x(struct cpu *cpu, const struct insn *i) { binary_pop(cpu, i, f80_yl2x); }
void op_fyl2xp1(struct cpu *cpu, const struct insn *i) { binary_pop(cpu, i, f80_yl2xp1); }
