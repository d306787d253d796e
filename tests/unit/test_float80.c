/* float80 unit tests (cpu/float80.h): the x87's arithmetic against values
 * worked out by hand from the SDM's rules (vol. 1 4.8, 4.9, 8.5) and
 * against exact integer arithmetic. The differential test (tests/hostdiff)
 * compares the same code with the host's x87 at large. */
#include <string.h>

#include "float80.h"
#include "harness.h"

/* An environment: rounding control, precision, everything masked. */
static struct f80_env env(unsigned rc, unsigned prec)
{
    struct f80_env e = { (uint8_t)rc, (uint8_t)prec, F80_ALL, 0 };
    return e;
}

static struct f80 val(uint16_t se, uint64_t sig)
{
    struct f80 v = { sig, se };
    return v;
}

static bool same(struct f80 a, struct f80 b) { return a.se == b.se && a.sig == b.sig; }

#define ONE val(0x3FFF, 0x8000000000000000ull)
#define TWO val(0x4000, 0x8000000000000000ull)
#define THREE val(0x4000, 0xC000000000000000ull)

static void one_plus_one_is_two_exactly(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    CHECK(t, same(f80_add(&e, ONE, ONE), TWO));
    CHECK_EQ(t, e.flags, 0);
}

static void one_third_rounds_to_nearest_even_and_up_by_rounding_control(struct test_ctx *t)
{
    /* 1/3 = 0.0101...: 64 bits end in ...1010 and the next bits are
     * 1010..., over half: nearest rounds up (C1), toward zero truncates. */
    struct f80_env e = env(F80_RN, 64);
    struct f80 r = f80_div(&e, ONE, THREE);
    CHECK(t, same(r, val(0x3FFD, 0xAAAAAAAAAAAAAAABull)));
    CHECK_EQ(t, e.flags, F80_PE | F80_C1);
    e = env(F80_RZ, 64);
    r = f80_div(&e, ONE, THREE);
    CHECK(t, same(r, val(0x3FFD, 0xAAAAAAAAAAAAAAAAull)));
    CHECK_EQ(t, e.flags, F80_PE);
}

static void precision_control_rounds_the_significand_and_keeps_the_exponent_range(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 24);
    struct f80 r = f80_div(&e, ONE, THREE);
    CHECK(t, same(r, val(0x3FFD, 0xAAAAAB0000000000ull)));      /* 24 bits, rounded up */
    CHECK_EQ(t, e.flags, F80_PE | F80_C1);
    e = env(F80_RN, 53);
    struct f80 tiny = val(0x0001, 0x8000000000000000ull);       /* 2^-16382 */
    r = f80_mul(&e, tiny, ONE);
    CHECK(t, same(r, tiny));                                     /* no double-range underflow */
}

static void division_by_zero_raises_ze_and_gives_a_signed_infinity(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 r = f80_div(&e, f80_neg(ONE), f80_zero(false));
    CHECK(t, same(r, f80_inf(true)));
    CHECK_EQ(t, e.flags, F80_ZE);
}

static void zero_over_zero_and_infinity_minus_infinity_are_invalid(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    CHECK(t, same(f80_div(&e, f80_zero(false), f80_zero(true)), f80_indefinite()));
    CHECK_EQ(t, e.flags, F80_IE);
    e = env(F80_RN, 64);
    CHECK(t, same(f80_sub(&e, f80_inf(false), f80_inf(false)), f80_indefinite()));
    CHECK_EQ(t, e.flags, F80_IE);
}

static void an_snan_operand_is_invalid_and_comes_back_quiet(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 snan = val(0x7FFF, 0x8000000000001234ull);
    struct f80 r = f80_add(&e, ONE, snan);
    CHECK(t, same(r, val(0x7FFF, 0xC000000000001234ull)));
    CHECK_EQ(t, e.flags, F80_IE);
}

static void of_two_quiet_nans_the_larger_significand_wins(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 a = val(0xFFFF, 0xC000000000000001ull), b = val(0x7FFF, 0xC000000000000002ull);
    CHECK(t, same(f80_mul(&e, a, b), b));
    CHECK(t, same(f80_mul(&e, b, a), b));
    CHECK_EQ(t, e.flags, 0);
}

static void a_denormal_operand_raises_de_and_an_unsupported_one_ie(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    f80_add(&e, ONE, val(0x0000, 0x0000000000000001ull));
    CHECK_EQ(t, e.flags & F80_DE, F80_DE);
    e = env(F80_RN, 64);
    CHECK(t, same(f80_add(&e, ONE, val(0x3FFF, 0x4000000000000000ull)), f80_indefinite()));
    CHECK_EQ(t, e.flags, F80_IE);   /* an unnormal */
}

static void masked_overflow_gives_infinity_or_the_largest_value_by_rounding(struct test_ctx *t)
{
    struct f80 big = val(0x7FFE, 0xFFFFFFFFFFFFFFFFull);
    struct f80_env e = env(F80_RN, 64);
    CHECK(t, same(f80_add(&e, big, big), f80_inf(false)));
    CHECK_EQ(t, e.flags, F80_OE | F80_PE | F80_C1);
    e = env(F80_RZ, 64);
    CHECK(t, same(f80_add(&e, big, big), big));
    CHECK_EQ(t, e.flags, F80_OE | F80_PE);
}

static void unmasked_overflow_and_underflow_bias_the_exponent_by_24576(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    e.masks = F80_ALL & ~(F80_OE | F80_UE);
    struct f80 r = f80_mul(&e, val(0x7FFE, 0x8000000000000000ull), TWO);
    CHECK(t, same(r, val(0x7FFF - 24576, 0x8000000000000000ull)));
    CHECK_EQ(t, e.flags, F80_OE);
    e.flags = 0;
    r = f80_mul(&e, val(0x0001, 0x8000000000000000ull), val(0x3FFE, 0x8000000000000000ull));
    CHECK(t, same(r, val(24576, 0x8000000000000000ull)));
    CHECK_EQ(t, e.flags, F80_UE);   /* tiny, exact: still UE when unmasked */
}

static void masked_underflow_denormalizes_and_flags_only_an_inexact_result(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 r = f80_mul(&e, val(0x0001, 0x8000000000000000ull), val(0x3FFE, 0x8000000000000000ull));
    CHECK(t, same(r, val(0x0000, 0x4000000000000000ull)));
    CHECK_EQ(t, e.flags, 0);
    e = env(F80_RN, 64);
    r = f80_mul(&e, val(0x0001, 0x8000000000000001ull), val(0x3FFE, 0x8000000000000000ull));
    CHECK(t, same(r, val(0x0000, 0x4000000000000000ull)));      /* the tie goes to even */
    CHECK_EQ(t, e.flags, F80_UE | F80_PE);
}

static void square_root_of_two_is_correctly_rounded(struct test_ctx *t)
{
    /* sqrt(2) = 1.6A09E667F3BCC908B2FB... : 0xB504F333F9DE6484 597D... */
    struct f80_env e = env(F80_RN, 64);
    CHECK(t, same(f80_sqrt(&e, TWO), val(0x3FFF, 0xB504F333F9DE6484ull)));
    CHECK_EQ(t, e.flags, F80_PE);
    e = env(F80_RU, 64);
    CHECK(t, same(f80_sqrt(&e, TWO), val(0x3FFF, 0xB504F333F9DE6485ull)));
    e = env(F80_RN, 64);
    CHECK(t, same(f80_sqrt(&e, val(0x4002, 0x9000000000000000ull)), THREE));   /* sqrt(9) */
    CHECK_EQ(t, e.flags, 0);
    e = env(F80_RN, 64);
    CHECK(t, same(f80_sqrt(&e, f80_neg(ONE)), f80_indefinite()));
    CHECK_EQ(t, e.flags, F80_IE);
}

static void fprem_gives_the_remainder_and_the_low_quotient_bits(struct test_ctx *t)
{
    /* 13 rem 3 = 1, quotient 4 (100b); FPREM1: 13 = 4 * 3 + 1 too. */
    struct f80_env e = env(F80_RN, 64);
    unsigned q;
    bool partial;
    struct f80 thirteen = f80_from_int(13);
    CHECK(t, same(f80_rem(&e, thirteen, THREE, false, &q, &partial), ONE));
    CHECK_EQ(t, q, 4);
    CHECK(t, !partial);
    /* 14 rem1 3: 14 / 3 = 4.67 rounds to 5: 14 - 15 = -1. */
    CHECK(t, same(f80_rem(&e, f80_from_int(14), THREE, true, &q, &partial), f80_neg(ONE)));
    CHECK_EQ(t, q, 5);
    CHECK_EQ(t, e.flags, 0);
}

static void fprem_with_a_huge_exponent_difference_reduces_partially(struct test_ctx *t)
{
    /* D = 100: N = 32 + 100 mod 32 = 36, so the exponent drops by D - N. */
    struct f80_env e = env(F80_RN, 64);
    unsigned q;
    bool partial;
    struct f80 r = f80_rem(&e, val(0x3FFF + 100, 0xD1234567890ABCDEull), THREE, false, &q, &partial);
    CHECK(t, partial);
    CHECK(t, f80_exp(r) <= 0x3FFF + 64);
    CHECK(t, f80_exp(r) >= 0x3FFF + 60);
}

static void integer_stores_round_by_rc_and_overflow_to_the_indefinite(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 two_and_half = val(0x4000, 0xA000000000000000ull);
    CHECK_EQ(t, f80_to_int(&e, two_and_half, 16), 2);              /* tie to even */
    CHECK_EQ(t, e.flags, F80_PE);
    e = env(F80_RD, 64);
    CHECK_EQ(t, f80_to_int(&e, f80_neg(two_and_half), 32), -3);
    CHECK_EQ(t, e.flags, F80_PE | F80_C1);
    e = env(F80_RN, 64);
    CHECK_EQ(t, f80_to_int(&e, f80_from_int(32768), 16), -32768); /* the indefinite */
    CHECK_EQ(t, e.flags, F80_IE);
    e = env(F80_RN, 64);
    CHECK_EQ(t, f80_to_int(&e, f80_from_int(-32768), 16), -32768);
    CHECK_EQ(t, e.flags, 0);
}

static void packed_bcd_loads_and_stores_eighteen_digits_and_the_sign(struct test_ctx *t)
{
    const uint8_t bcd[10] = { 0x90, 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0, 0x80 };
    struct f80 v = f80_from_bcd(bcd);
    CHECK(t, same(v, f80_from_int(-1234567890)));
    uint8_t out[10];
    struct f80_env e = env(F80_RN, 64);
    f80_to_bcd(&e, v, out);
    CHECK(t, !memcmp(out, bcd, 10));
    f80_to_bcd(&e, f80_from_int(1000000000000000000ll), out);    /* 10^18: too large */
    static const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF };
    CHECK(t, !memcmp(out, indefinite, 10));
    CHECK_EQ(t, e.flags, F80_IE);
}

static void double_stores_round_and_denormalize_at_the_double_range(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    CHECK_EQ(t, f80_to_f64(&e, f80_div(&e, ONE, THREE)), 0x3FD5555555555555ull);
    e = env(F80_RN, 64);
    /* 2^-1074 is the smallest double denormal. */
    CHECK_EQ(t, f80_to_f64(&e, val(0x3FFF - 1074, 0x8000000000000000ull)), 1);
    CHECK_EQ(t, e.flags, 0);
    CHECK_EQ(t, f80_to_f64(&e, val(0x3FFF - 1076, 0x8000000000000000ull)), 0);
    CHECK_EQ(t, e.flags, F80_UE | F80_PE);
}

static void fsin_reduces_by_the_66_bit_pi_as_the_x87_does(struct test_ctx *t)
{
    /* FLDPI is pi rounded up to 64 bits, 2^-64 above the x87's 66-bit pi:
     * FSIN of it is -2^-64 (the true sine would be -5.0165e-20). */
    struct f80_env e = env(F80_RN, 64);
    struct f80 r;
    CHECK(t, f80_sin(&e, f80_constant(F80_CONST_PI, F80_RN), &r));
    CHECK(t, same(r, val(0xBFFF - 64, 0x8000000000000000ull)));
    CHECK_EQ(t, e.flags, F80_PE | F80_C1);
}

static void trigonometry_leaves_arguments_of_2_to_the_63_alone(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 r;
    CHECK(t, !f80_sin(&e, val(0x3FFF + 63, 0x8000000000000000ull), &r));
    CHECK(t, !f80_tan(&e, val(0xBFFF + 70, 0x8000000000000000ull), &r));
    CHECK(t, f80_cos(&e, val(0x3FFF + 62, 0xFFFFFFFFFFFFFFFFull), &r));
    CHECK_EQ(t, e.flags & ~(F80_PE | F80_C1), 0);
}

static void constants_round_by_the_rounding_control(struct test_ctx *t)
{
    CHECK(t, same(f80_constant(F80_CONST_PI, F80_RN), val(0x4000, 0xC90FDAA22168C235ull)));
    CHECK(t, same(f80_constant(F80_CONST_PI, F80_RD), val(0x4000, 0xC90FDAA22168C234ull)));
    CHECK(t, same(f80_constant(F80_CONST_LN2, F80_RN), val(0x3FFE, 0xB17217F7D1CF79ACull)));
    CHECK(t, same(f80_constant(F80_CONST_L2E, F80_RZ), val(0x3FFF, 0xB8AA3B295C17F0BBull)));
}

static void logarithms_and_exponentials_are_exact_where_the_value_is(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    /* 3 * log2(8) = 9; 2^0.5 - 1 is irrational (PE); atan2(1, 1) = pi/4. */
    CHECK(t, same(f80_yl2x(&e, THREE, f80_from_int(8)), f80_from_int(9)));
    CHECK_EQ(t, e.flags, 0);
    f80_2xm1(&e, val(0x3FFE, 0x8000000000000000ull));
    CHECK_EQ(t, e.flags, F80_PE);
    e = env(F80_RN, 64);
    struct f80 quarter_pi = f80_atan2(&e, ONE, ONE);
    CHECK(t, same(quarter_pi, val(0x3FFE, 0xC90FDAA22168C235ull)));
}

static void comparison_orders_signed_zeros_equal_and_nans_unordered(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    CHECK_EQ(t, f80_compare(&e, f80_zero(true), f80_zero(false), false), F80_EQ);
    CHECK_EQ(t, f80_compare(&e, f80_neg(TWO), ONE, false), F80_LT);
    CHECK_EQ(t, f80_compare(&e, f80_inf(false), TWO, false), F80_GT);
    CHECK_EQ(t, e.flags, 0);
    CHECK_EQ(t, f80_compare(&e, f80_indefinite(), ONE, true), F80_UNORDERED);
    CHECK_EQ(t, e.flags, 0);        /* FUCOM: a QNaN is not invalid */
    CHECK_EQ(t, f80_compare(&e, f80_indefinite(), ONE, false), F80_UNORDERED);
    CHECK_EQ(t, e.flags, F80_IE);   /* FCOM: it is */
}

static void loading_a_single_denormal_normalizes_it_and_raises_de(struct test_ctx *t)
{
    struct f80_env e = env(F80_RN, 64);
    struct f80 v = f80_from_f32(&e, 0x00000001u);      /* 2^-149 */
    CHECK(t, same(v, val(0x3FFF - 149, 0x8000000000000000ull)));
    CHECK_EQ(t, e.flags, F80_DE);
    e = env(F80_RN, 64);
    v = f80_from_f64(&e, 0x7FF0000000000001ull);       /* an SNaN */
    CHECK(t, same(v, val(0x7FFF, 0xC000000000000800ull)));
    CHECK_EQ(t, e.flags, F80_IE);
}

static const struct test tests[] = {
    TEST(one_plus_one_is_two_exactly),
    TEST(one_third_rounds_to_nearest_even_and_up_by_rounding_control),
    TEST(precision_control_rounds_the_significand_and_keeps_the_exponent_range),
    TEST(division_by_zero_raises_ze_and_gives_a_signed_infinity),
    TEST(zero_over_zero_and_infinity_minus_infinity_are_invalid),
    TEST(an_snan_operand_is_invalid_and_comes_back_quiet),
    TEST(of_two_quiet_nans_the_larger_significand_wins),
    TEST(a_denormal_operand_raises_de_and_an_unsupported_one_ie),
    TEST(masked_overflow_gives_infinity_or_the_largest_value_by_rounding),
    TEST(unmasked_overflow_and_underflow_bias_the_exponent_by_24576),
    TEST(masked_underflow_denormalizes_and_flags_only_an_inexact_result),
    TEST(square_root_of_two_is_correctly_rounded),
    TEST(fprem_gives_the_remainder_and_the_low_quotient_bits),
    TEST(fprem_with_a_huge_exponent_difference_reduces_partially),
    TEST(integer_stores_round_by_rc_and_overflow_to_the_indefinite),
    TEST(packed_bcd_loads_and_stores_eighteen_digits_and_the_sign),
    TEST(double_stores_round_and_denormalize_at_the_double_range),
    TEST(fsin_reduces_by_the_66_bit_pi_as_the_x87_does),
    TEST(trigonometry_leaves_arguments_of_2_to_the_63_alone),
    TEST(constants_round_by_the_rounding_control),
    TEST(logarithms_and_exponentials_are_exact_where_the_value_is),
    TEST(comparison_orders_signed_zeros_equal_and_nans_unordered),
    TEST(loading_a_single_denormal_normalizes_it_and_raises_de),
};

const struct suite float80_suite = SUITE("float80", tests);

/* ------------------------------------------------------------------------
 * The x87 exception reporting paths of the CPU (cpu/fpu.c): #MF with
 * CR0.NE, FERR# and IGNNE# without it (SDM vol. 1 8.7, appendix D). */

#include <stdlib.h>

#include "cpu.h"

struct fpu_rig {
    struct phys_mem *mem;
    struct io_bus io;
    struct cpu *cpu;
    int ferr_level, ferr_calls;
};

static void on_ferr(void *opaque, bool asserted)
{
    struct fpu_rig *r = opaque;
    r->ferr_level = asserted;
    r->ferr_calls++;
}

/* Real mode at 0000:1000 with code bytes there, a ZE pending (unmasked),
 * the #MF vector pointing at 0000:2000. */
static bool fpu_rig_up(struct test_ctx *t, struct fpu_rig *r, const uint8_t *code, unsigned n)
{
    memset(r, 0, sizeof *r);
    r->mem = phys_mem_create(1u << 20);
    io_bus_init(&r->io);
    r->cpu = r->mem ? cpu_create(r->mem, &r->io) : NULL;
    if (!CHECK(t, r->cpu != NULL))
        return false;
    r->cpu->hooks.ferr = on_ferr;
    r->cpu->hooks.opaque = r;
    phys_write_block(r->mem, 0x1000, code, n);
    phys_write(r->mem, 16 * 4, 0x00002000u, 4);
    phys_write(r->mem, 0x2000, 0xF4, 1);        /* hlt */
    seg_load_real(r->cpu, CS, 0);
    r->cpu->eip = 0x1000;
    cpu_update_mode(r->cpu);
    fpu_init(&r->cpu->fpu);
    r->cpu->fpu.cw = FCW_INIT & ~FSW_ZE;
    r->cpu->fpu.sw = FSW_ZE | FSW_ES | FSW_B;
    return true;
}

static void fpu_rig_down(struct fpu_rig *r)
{
    cpu_destroy(r->cpu);
    phys_mem_destroy(r->mem);
}

static const uint8_t fnop_fnclex[] = { 0xD9, 0xD0, 0xDB, 0xE2, 0xD9, 0xD0 };

static void with_cr0_ne_a_pending_exception_is_mf_at_the_next_waiting_insn(struct test_ctx *t)
{
    struct fpu_rig r;
    if (!fpu_rig_up(t, &r, fnop_fnclex, sizeof fnop_fnclex))
        return;
    cpu_set_cr0(r.cpu, r.cpu->cr0 | CR0_NE);
    cpu_run(r.cpu, 1);
    CHECK_EQ(t, r.cpu->eip, 0x2001);               /* the #MF handler's HLT ran */
    CHECK_EQ(t, phys_read(r.mem, 0xFFFA, 2), 0x1000);  /* the fault's IP: the FNOP */
    CHECK_EQ(t, r.ferr_calls, 0);
    fpu_rig_down(&r);
}

static void without_cr0_ne_it_asserts_ferr_and_waits_for_an_interrupt(struct test_ctx *t)
{
    struct fpu_rig r;
    if (!fpu_rig_up(t, &r, fnop_fnclex, sizeof fnop_fnclex))
        return;
    cpu_run(r.cpu, 1);
    CHECK_EQ(t, r.cpu->eip, 0x1000);               /* FNOP waits */
    CHECK_EQ(t, r.ferr_level, 1);
    CHECK(t, r.cpu->halted);
    CHECK_EQ(t, cpu_run(r.cpu, 1), RUN_HALT);      /* until an interrupt */
    fpu_rig_down(&r);
}

static void ignne_lets_the_instruction_run_and_fnclex_releases_ferr(struct test_ctx *t)
{
    struct fpu_rig r;
    if (!fpu_rig_up(t, &r, fnop_fnclex, sizeof fnop_fnclex))
        return;
    cpu_run(r.cpu, 1);                              /* FERR# asserted */
    r.cpu->ignne = true;                            /* the chipset after OUT F0h */
    r.cpu->halted = false;
    cpu_run(r.cpu, 1);
    CHECK_EQ(t, r.cpu->eip, 0x1002);               /* FNOP ran */
    CHECK_EQ(t, r.ferr_calls, 1);
    cpu_run(r.cpu, 1);                              /* FNCLEX */
    CHECK_EQ(t, r.ferr_level, 0);
    CHECK_EQ(t, r.ferr_calls, 2);
    CHECK_EQ(t, r.cpu->fpu.sw & (FSW_ES | FSW_B | FSW_ZE), 0);
    fpu_rig_down(&r);
}

static void an_escape_with_cr0_em_is_device_not_available(struct test_ctx *t)
{
    struct fpu_rig r;
    if (!fpu_rig_up(t, &r, fnop_fnclex, sizeof fnop_fnclex))
        return;
    phys_write(r.mem, 7 * 4, 0x00002000u, 4);       /* #NM to the same HLT */
    cpu_set_cr0(r.cpu, r.cpu->cr0 | CR0_EM | CR0_NE);
    cpu_run(r.cpu, 1);
    CHECK_EQ(t, r.cpu->eip, 0x2001);               /* the #NM handler's HLT ran */
    CHECK_EQ(t, r.cpu->fpu.sw & FSW_ZE, FSW_ZE);    /* #NM first: nothing ran */
    CHECK_EQ(t, r.ferr_calls, 0);
    fpu_rig_down(&r);
}

static const struct test fpu_tests[] = {
    TEST(with_cr0_ne_a_pending_exception_is_mf_at_the_next_waiting_insn),
    TEST(without_cr0_ne_it_asserts_ferr_and_waits_for_an_interrupt),
    TEST(ignne_lets_the_instruction_run_and_fnclex_releases_ferr),
    TEST(an_escape_with_cr0_em_is_device_not_available),
};

const struct suite fpu_suite = SUITE("fpu", fpu_tests);

