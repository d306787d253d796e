/* x87 data transfer (SDM vol. 1 8.3.3, vol. 2): FLD FST FSTP in every
 * format, FILD FIST FISTP, FBLD FBSTP, FXCH, FCMOVcc, the constants, FCHS
 * and FABS; with the stack faults' masked responses (vol. 1 8.5.1.1). */
#include "fpu_internal.h"

/* ------------------------------------------------------------------------
 * Pushing a value: stack overflow when the register that becomes ST(0)
 * is in use; the masked response pushes the default NaN. */

/* Checks the register that the push will fill. False when an unmasked
 * overflow stops the instruction; *overflowed when the masked response
 * was delivered instead of the value. */
static bool push_checked(struct cpu *cpu, bool *overflowed)
{
    *overflowed = false;
    if (!st_used(cpu, 7))
        return true;
    *overflowed = true;
    if (fpu_stack_fault(cpu, true))
        fpu_push(cpu, f80_indefinite());
    return false;
}

/* The push of a load: C1 cleared, unless an unmasked IE (an SNaN source,
 * SDM vol. 2 FLD #IA) stops it; a denormal source (#D) is loaded
 * normalized even when DE is unmasked, as the hardware does. */
static void push_loaded(struct cpu *cpu, struct f80_env *e, struct f80 v)
{
    fpu_set_cc(cpu, FSW_C1, 0);
    if (!f80_unmasked(e, F80_IE))
        fpu_push(cpu, v);
    fpu_raise(cpu, e->flags);
}

/* Read a memory operand of n bytes (alignment a) and record the pointers. */
static void read_operand(struct cpu *cpu, const struct insn *i, uint8_t *b, unsigned n, unsigned a)
{
    fpu_read(cpu, fpu_operand(cpu, i, n, SEG_OK_READ, a), b, n);
    fpu_note_insn(cpu, i);
    fpu_note_operand(cpu, i);
}

/* ------------------------------------------------------------------------
 * FLD */

enum mem_type { M32FP, M64FP, M80FP, M16INT, M32INT, M64INT, M80BCD };

static const uint8_t type_size[] = { 4, 8, 10, 2, 4, 8, 10 };
static const uint8_t type_align[] = { 4, 8, 8, 2, 4, 8, 8 };

/* A memory operand as a value, for a load: conversion exceptions in e. */
static struct f80 load_value(struct f80_env *e, enum mem_type t, const uint8_t *b)
{
    switch (t) {
    case M32FP: return f80_from_f32(e, get_le32(b));
    case M64FP: return f80_from_f64(e, get_le64(b));
    case M80FP: return get_f80(b);
    case M16INT: return f80_from_int((int16_t)get_le16(b));
    case M32INT: return f80_from_int((int32_t)get_le32(b));
    case M64INT: return f80_from_int((int64_t)get_le64(b));
    default: return f80_from_bcd(b);
    }
}

static void load_mem(struct cpu *cpu, const struct insn *i, enum mem_type t)
{
    if (!fpu_begin_wait(cpu))
        return;
    uint8_t b[10];
    read_operand(cpu, i, b, type_size[t], type_align[t]);
    bool overflowed;
    if (!push_checked(cpu, &overflowed))
        return;
    struct f80_env e = fpu_env(cpu);
    push_loaded(cpu, &e, load_value(&e, t, b));
}

void op_fld_m32fp(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M32FP); }
void op_fld_m64fp(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M64FP); }
void op_fld_m80fp(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M80FP); }
void op_fild_m16int(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M16INT); }
void op_fild_m32int(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M32INT); }
void op_fild_m64int(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M64INT); }
void op_fbld(struct cpu *cpu, const struct insn *i) { load_mem(cpu, i, M80BCD); }

/* FLD ST(i): an empty ST(i) is a stack underflow (checked before the
 * overflow) whose masked response pushes the default NaN. */
void op_fld_sti(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, i->rm)) {
        if (fpu_stack_fault(cpu, false))
            fpu_push(cpu, f80_indefinite());
        return;
    }
    bool overflowed;
    if (!push_checked(cpu, &overflowed))
        return;
    fpu_set_cc(cpu, FSW_C1, 0);
    fpu_push(cpu, st_get(cpu, i->rm));
}

/* ------------------------------------------------------------------------
 * Constants: pushed like a load, rounded by RC, no exception but the
 * stack overflow. */

static void load_constant(struct cpu *cpu, const struct insn *i, struct f80 v)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    bool overflowed;
    if (!push_checked(cpu, &overflowed))
        return;
    fpu_set_cc(cpu, FSW_C1, 0);
    fpu_push(cpu, v);
}

static unsigned rc_of(const struct cpu *cpu) { return (cpu->fpu.cw >> 10) & 3; }

void op_fld1(struct cpu *cpu, const struct insn *i) { load_constant(cpu, i, f80_one()); }
void op_fldz(struct cpu *cpu, const struct insn *i) { load_constant(cpu, i, f80_zero(false)); }
void op_fldl2t(struct cpu *cpu, const struct insn *i)
{
    load_constant(cpu, i, f80_constant(F80_CONST_L2T, rc_of(cpu)));
}
void op_fldl2e(struct cpu *cpu, const struct insn *i)
{
    load_constant(cpu, i, f80_constant(F80_CONST_L2E, rc_of(cpu)));
}
void op_fldpi(struct cpu *cpu, const struct insn *i)
{
    load_constant(cpu, i, f80_constant(F80_CONST_PI, rc_of(cpu)));
}
void op_fldlg2(struct cpu *cpu, const struct insn *i)
{
    load_constant(cpu, i, f80_constant(F80_CONST_LG2, rc_of(cpu)));
}
void op_fldln2(struct cpu *cpu, const struct insn *i)
{
    load_constant(cpu, i, f80_constant(F80_CONST_LN2, rc_of(cpu)));
}

/* ------------------------------------------------------------------------
 * Stores to memory: an empty ST(0) stores the format's indefinite (masked
 * underflow); an unmasked IE, OE or UE stores nothing and does not pop
 * (SDM vol. 1 4.9.1.4, 4.9.1.5, 8.5.4, 8.5.5). */

/* The format's indefinite: the default NaN, the integer indefinite
 * (the most negative integer) or the packed BCD indefinite. */
static void indefinite_of(enum mem_type t, uint8_t *b)
{
    switch (t) {
    case M32FP: put_le32(b, 0xFFC00000u); break;
    case M64FP: put_le64(b, 0xFFF8000000000000ull); break;
    case M80FP: put_f80(b, f80_indefinite()); break;
    case M16INT: put_le16(b, 0x8000u); break;
    case M32INT: put_le32(b, 0x80000000u); break;
    case M64INT: put_le64(b, 0x8000000000000000ull); break;
    default: f80_to_bcd(&(struct f80_env){ 0, 64, F80_ALL, 0 }, f80_indefinite(), b); break;
    }
}

/* ST(0) converted for a store; exceptions and C1 in e. */
static void store_value(struct f80_env *e, enum mem_type t, struct f80 v, uint8_t *b)
{
    switch (t) {
    case M32FP: put_le32(b, f80_to_f32(e, v)); break;
    case M64FP: put_le64(b, f80_to_f64(e, v)); break;
    case M80FP: put_f80(b, v); break;
    case M16INT: put_le16(b, (uint16_t)f80_to_int(e, v, 16)); break;
    case M32INT: put_le32(b, (uint32_t)f80_to_int(e, v, 32)); break;
    case M64INT: put_le64(b, (uint64_t)f80_to_int(e, v, 64)); break;
    default: f80_to_bcd(e, v, b); break;
    }
}

static void store_mem(struct cpu *cpu, const struct insn *i, enum mem_type t, bool pop)
{
    if (!fpu_begin_wait(cpu))
        return;
    unsigned n = type_size[t];
    uint32_t lin = fpu_operand(cpu, i, n, SEG_OK_WRITE, type_align[t]);
    uint8_t b[10];
    struct f80_env e = fpu_env(cpu);
    bool underflow = !st_used(cpu, 0);
    if (underflow)
        indefinite_of(t, b);
    else
        store_value(&e, t, st_get(cpu, 0), b);
    bool stored = underflow ? fpu_masked(cpu, FSW_IE) : !f80_unmasked(&e, F80_IE | F80_OE | F80_UE);
    if (stored)
        fpu_write(cpu, lin, b, n);
    fpu_note_insn(cpu, i);
    fpu_note_operand(cpu, i);
    if (underflow) {
        fpu_stack_fault(cpu, false);
    } else {
        /* A store an unmasked OE or UE stopped reports no precision or
         * rounding: nothing was rounded into memory. */
        if (f80_unmasked(&e, F80_OE | F80_UE))
            e.flags &= (uint16_t)~(F80_PE | F80_C1);
        fpu_report(cpu, &e);
    }
    if (stored && pop)
        fpu_pop(cpu);
}

void op_fst_m32fp(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M32FP, false); }
void op_fst_m64fp(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M64FP, false); }
void op_fstp_m32fp(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M32FP, true); }
void op_fstp_m64fp(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M64FP, true); }
void op_fstp_m80fp(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M80FP, true); }
void op_fist_m16int(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M16INT, false); }
void op_fist_m32int(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M32INT, false); }
void op_fistp_m16int(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M16INT, true); }
void op_fistp_m32int(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M32INT, true); }
void op_fistp_m64int(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M64INT, true); }
void op_fbstp(struct cpu *cpu, const struct insn *i) { store_mem(cpu, i, M80BCD, true); }

/* FST/FSTP ST(i): a copy, no exception but the underflow. */
static void store_reg(struct cpu *cpu, const struct insn *i, bool pop)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0)) {
        if (!fpu_stack_fault(cpu, false))
            return;
        st_put(cpu, i->rm, f80_indefinite());
    } else {
        fpu_set_cc(cpu, FSW_C1, 0);
        st_put(cpu, i->rm, st_get(cpu, 0));
    }
    if (pop)
        fpu_pop(cpu);
}

void op_fst_sti(struct cpu *cpu, const struct insn *i) { store_reg(cpu, i, false); }
void op_fstp_sti(struct cpu *cpu, const struct insn *i) { store_reg(cpu, i, true); }

/* ------------------------------------------------------------------------
 * FXCH, FCMOVcc, FCHS, FABS */

/* FXCH: with an empty register, the masked response fills it with the
 * default NaN before the exchange (SDM vol. 2 FXCH, #IS). */
void op_fxch(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    unsigned s = i->rm;
    if (!st_used(cpu, 0) || !st_used(cpu, s)) {
        if (!fpu_stack_fault(cpu, false))
            return;
        if (!st_used(cpu, 0))
            st_put(cpu, 0, f80_indefinite());
        if (!st_used(cpu, s))
            st_put(cpu, s, f80_indefinite());
    } else {
        fpu_set_cc(cpu, FSW_C1, 0);
    }
    struct f80 t = st_get(cpu, 0);
    st_put(cpu, 0, st_get(cpu, s));
    st_put(cpu, s, t);
}

/* FCMOVcc ST(0),ST(i) on EFLAGS (SDM vol. 2 FCMOVcc): C1 is cleared
 * only by a stack underflow. */
static void fcmov(struct cpu *cpu, const struct insn *i, bool cond)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0) || !st_used(cpu, i->rm)) {
        if (fpu_stack_fault(cpu, false))
            st_put(cpu, 0, f80_indefinite());
        return;
    }
    if (cond)
        st_put(cpu, 0, st_get(cpu, i->rm));
}

void op_fcmovb(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, flag_cf(cpu)); }
void op_fcmove(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, flag_zf(cpu)); }
void op_fcmovbe(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, flag_cf(cpu) || flag_zf(cpu)); }
void op_fcmovu(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, flag_pf(cpu)); }
void op_fcmovnb(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, !flag_cf(cpu)); }
void op_fcmovne(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, !flag_zf(cpu)); }
void op_fcmovnbe(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, !flag_cf(cpu) && !flag_zf(cpu)); }
void op_fcmovnu(struct cpu *cpu, const struct insn *i) { fcmov(cpu, i, !flag_pf(cpu)); }

/* FCHS and FABS change only the sign bit, of any encoding (no NaN or
 * unsupported check: they are non-arithmetic, SDM vol. 1 table 8-9). */
static void sign_op(struct cpu *cpu, const struct insn *i, bool abs)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    if (!st_used(cpu, 0)) {
        if (fpu_stack_fault(cpu, false))
            st_put(cpu, 0, f80_indefinite());
        return;
    }
    fpu_set_cc(cpu, FSW_C1, 0);
    struct f80 v = st_get(cpu, 0);
    st_put(cpu, 0, abs ? f80_abs(v) : f80_neg(v));
}

void op_fchs(struct cpu *cpu, const struct insn *i) { sign_op(cpu, i, false); }
void op_fabs(struct cpu *cpu, const struct insn *i) { sign_op(cpu, i, true); }
