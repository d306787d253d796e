/* Lazy flags unit tests (cpu/flags.h): each arithmetic flag against the
 * SDM's definition (vol. 1 3.4.3.1, and vol. 2 for each instruction),
 * computed here independently with wider arithmetic. */
#include <string.h>

#include "flags.h"
#include "harness.h"

/* A CPU with nothing but the flag state in use. */
static void blank_cpu(struct cpu *c)
{
    memset(c, 0, sizeof *c);
    c->flags = FL_1;
}

/* The six arithmetic flags as the lazy state gives them, without folding. */
static uint32_t lazy_arith(const struct cpu *c)
{
    return (flag_cf(c) ? FL_CF : 0) | (flag_pf(c) ? FL_PF : 0) | (flag_af(c) ? FL_AF : 0) |
           (flag_zf(c) ? FL_ZF : 0) | (flag_sf(c) ? FL_SF : 0) | (flag_of(c) ? FL_OF : 0);
}

/* Even parity of the low byte, counted bit by bit. */
static bool even_parity(uint32_t v)
{
    unsigned ones = 0;
    for (unsigned k = 0; k < 8; k++)
        ones += (v >> k) & 1;
    return (ones & 1) == 0;
}

/* ZF SF PF of a result of the given size, computed here. */
static uint32_t ref_szp(uint64_t res, unsigned size)
{
    uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (size * 8)) - 1;
    uint32_t f = 0;
    if ((res & mask) == 0)
        f |= FL_ZF;
    if ((res >> (size * 8 - 1)) & 1)
        f |= FL_SF;
    if (even_parity((uint32_t)res))
        f |= FL_PF;
    return f;
}

static int64_t sign_extend(uint32_t v, unsigned size)
{
    unsigned bits = size * 8;
    int64_t x = (int64_t)(v & (bits == 32 ? 0xFFFFFFFFull : (1ull << bits) - 1));
    if (x & (1ll << (bits - 1)))
        x -= 1ll << bits;
    return x;
}

/* ADD/ADC (sub = false) or SUB/SBB (sub = true) with carry-in cin: the six
 * flags from the definitions. */
static uint32_t ref_addsub(uint32_t a, uint32_t b, unsigned cin, unsigned size, bool sub)
{
    uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (size * 8)) - 1;
    uint64_t ua = a & mask, ub = b & mask;
    int64_t sa = sign_extend(a, size), sb = sign_extend(b, size);
    int64_t smin = -(1ll << (size * 8 - 1)), smax = (1ll << (size * 8 - 1)) - 1;
    uint64_t res;
    int64_t sres;
    bool cf, af;
    if (sub) {
        res = ua - ub - cin;
        sres = sa - sb - (int64_t)cin;
        cf = ua < ub + cin;
        af = (ua & 0xF) < (ub & 0xF) + cin;
    } else {
        res = ua + ub + cin;
        sres = sa + sb + (int64_t)cin;
        cf = res > mask;
        af = (ua & 0xF) + (ub & 0xF) + cin > 0xF;
    }
    uint32_t f = ref_szp(res & mask, size);
    if (cf)
        f |= FL_CF;
    if (af)
        f |= FL_AF;
    if (sres < smin || sres > smax)
        f |= FL_OF;
    return f;
}

/* What the handlers record for ADD/ADC/SUB/SBB. */
static void record_addsub(struct cpu *c, uint32_t a, uint32_t b, unsigned cin, unsigned size,
                          bool sub)
{
    if (sub)
        lf_record_aux(c, cin ? LF_SBB : LF_SUB, size, a, b, a - b - cin, cin);
    else
        lf_record_aux(c, cin ? LF_ADC : LF_ADD, size, a, b, a + b + cin, cin);
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- ADD, SUB, ADC, SBB ---- */

static void sub_sets_carry_when_the_subtrahend_is_larger(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SUB, 4, 1, 2, 1u - 2u);
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_sf(&c));
    CHECK(t, !flag_zf(&c));
    CHECK(t, !flag_of(&c));
    lf_record(&c, LF_SUB, 4, 2, 1, 1);
    CHECK(t, !flag_cf(&c));
}

static void sub_of_equal_values_sets_zero_and_parity_and_clears_carry(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SUB, 2, 0x1234, 0x1234, 0);
    CHECK_EQ(t, lazy_arith(&c), FL_ZF | FL_PF);
}

static void add_sets_carry_and_zero_on_unsigned_wraparound(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_ADD, 4, 0xFFFFFFFFu, 1, 0);
    CHECK_EQ(t, lazy_arith(&c), FL_CF | FL_ZF | FL_PF | FL_AF);
}

static void add_sets_overflow_when_two_positives_make_a_negative(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_ADD, 1, 0x7F, 1, 0x80);
    CHECK_EQ(t, lazy_arith(&c), FL_OF | FL_SF | FL_AF);
}

static void sub_sets_overflow_when_a_negative_minus_a_positive_is_positive(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SUB, 1, 0x80, 1, 0x7F);
    CHECK_EQ(t, lazy_arith(&c), FL_OF | FL_AF);
}

static void adc_with_a_carry_in_carries_out_when_the_sum_wraps_to_dst(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record_aux(&c, LF_ADC, 1, 0xFF, 0xFF, 0x1FF, 1);     /* 0xFF + 0xFF + 1 = 0x1FF */
    CHECK(t, flag_cf(&c));
    CHECK_EQ(t, c.lf.res, 0xFF);
    lf_record_aux(&c, LF_ADC, 2, 0, 0xFFFF, 0x10000, 1);    /* 0 + 0xFFFF + 1 = 0x10000 */
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_zf(&c));
    lf_record_aux(&c, LF_ADC, 4, 5, 6, 12, 1);
    CHECK(t, !flag_cf(&c));
}

static void sbb_with_a_borrow_in_borrows_when_the_operands_are_equal(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record_aux(&c, LF_SBB, 4, 5, 5, 5u - 5u - 1u, 1);
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_sf(&c));
    lf_record_aux(&c, LF_SBB, 4, 5, 5, 0, 0);
    CHECK(t, !flag_cf(&c));
    CHECK(t, flag_zf(&c));
}

static void neg_recorded_as_sub_from_zero_carries_unless_the_operand_is_zero(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SUB, 4, 0, 5, 0u - 5u);
    CHECK(t, flag_cf(&c));
    lf_record(&c, LF_SUB, 4, 0, 0, 0);
    CHECK(t, !flag_cf(&c));
    lf_record(&c, LF_SUB, 1, 0, 0x80, 0x80);                 /* NEG -128 overflows */
    CHECK(t, flag_of(&c));
}

static void eight_bit_add_adc_sub_and_sbb_flags_match_the_definitions_exhaustively(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    unsigned bad = 0;
    for (unsigned sub = 0; sub < 2; sub++)
        for (unsigned cin = 0; cin < 2; cin++)
            for (uint32_t a = 0; a < 256; a++)
                for (uint32_t b = 0; b < 256; b++) {
                    record_addsub(&c, a, b, cin, 1, sub);
                    uint32_t want = ref_addsub(a, b, cin, 1, sub);
                    if (lazy_arith(&c) != want && bad++ < 4)
                        CHECK_EQ(t, lazy_arith(&c), want);
                }
    CHECK_EQ(t, bad, 0);
}

static void sixteen_and_thirty_two_bit_arithmetic_flags_match_the_definitions(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    uint64_t seed = 1;
    unsigned bad = 0;
    static const uint32_t edges[] = { 0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF,
                                      0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 0x0F, 0x10 };
    for (unsigned n = 0; n < 200000; n++) {
        uint64_t r = splitmix(&seed);
        uint32_t a = (uint32_t)r, b = (uint32_t)(r >> 32);
        if (n % 4 == 0)
            a = edges[a % (sizeof edges / sizeof edges[0])];
        if (n % 3 == 0)
            b = edges[b % (sizeof edges / sizeof edges[0])];
        unsigned size = n & 1 ? 4 : 2, cin = (n >> 1) & 1;
        bool sub = (n >> 2) & 1;
        record_addsub(&c, a, b, cin, size, sub);
        uint32_t want = ref_addsub(a, b, cin, size, sub);
        if (lazy_arith(&c) != want && bad++ < 4)
            CHECK_EQ(t, lazy_arith(&c), want);
    }
    CHECK_EQ(t, bad, 0);
}

/* ---- INC, DEC ---- */

static void inc_keeps_the_old_carry_and_overflows_at_the_signed_maximum(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record_aux(&c, LF_INC, 2, 0x7FFF, 1, 0x8000, 1);
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_of(&c));
    CHECK(t, flag_sf(&c));
    CHECK(t, flag_af(&c));
    lf_record_aux(&c, LF_INC, 4, 0xFFFFFFFFu, 1, 0, 0);      /* wraps, but CF stays 0 */
    CHECK(t, !flag_cf(&c));
    CHECK(t, flag_zf(&c));
    CHECK(t, !flag_of(&c));
}

static void dec_overflows_when_leaving_the_signed_minimum(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record_aux(&c, LF_DEC, 4, 0x80000000u, 1, 0x7FFFFFFFu, 0);
    CHECK(t, flag_of(&c));
    CHECK(t, flag_af(&c));
    CHECK(t, !flag_cf(&c));
    lf_record_aux(&c, LF_DEC, 1, 0x01, 1, 0x00, 1);
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_zf(&c));
    CHECK(t, !flag_of(&c));
}

static void inc_and_dec_flags_match_the_definitions_for_every_byte(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    unsigned bad = 0;
    for (uint32_t a = 0; a < 256; a++)
        for (unsigned cf = 0; cf < 2; cf++) {
            lf_record_aux(&c, LF_INC, 1, a, 1, a + 1, cf);
            uint32_t want = (ref_addsub(a, 1, 0, 1, false) & ~FL_CF) | (cf ? FL_CF : 0);
            if (lazy_arith(&c) != want && bad++ < 4)
                CHECK_EQ(t, lazy_arith(&c), want);
            lf_record_aux(&c, LF_DEC, 1, a, 1, a - 1, cf);
            want = (ref_addsub(a, 1, 0, 1, true) & ~FL_CF) | (cf ? FL_CF : 0);
            if (lazy_arith(&c) != want && bad++ < 4)
                CHECK_EQ(t, lazy_arith(&c), want);
        }
    CHECK_EQ(t, bad, 0);
}

/* ---- logic, result flags ---- */

static void logic_ops_clear_carry_overflow_and_auxiliary(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    c.flags = FL_1 | FL_CF | FL_OF | FL_AF;
    lf_record(&c, LF_LOGIC, 4, 0x80000001u, 0, 0x80000001u);
    CHECK_EQ(t, lazy_arith(&c), FL_SF);
}

static void parity_counts_only_the_low_byte(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_LOGIC, 4, 0x0300, 0, 0x0300);           /* low byte 0: even */
    CHECK(t, flag_pf(&c));
    lf_record(&c, LF_LOGIC, 4, 0x0101, 0, 0x0101);           /* one bit in the low byte */
    CHECK(t, !flag_pf(&c));
    lf_record(&c, LF_LOGIC, 2, 0x00FF, 0, 0x00FF);
    CHECK(t, flag_pf(&c));
}

static void sign_flag_follows_the_operand_size(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_LOGIC, 1, 0x80, 0, 0x80);
    CHECK(t, flag_sf(&c));
    lf_record(&c, LF_LOGIC, 2, 0x80, 0, 0x80);
    CHECK(t, !flag_sf(&c));
    lf_record(&c, LF_LOGIC, 2, 0x8000, 0, 0x8000);
    CHECK(t, flag_sf(&c));
}

static void zero_flag_ignores_bits_above_the_operand_size(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_ADD, 1, 0xFF, 1, 0x100);
    CHECK(t, flag_zf(&c));
    CHECK(t, flag_cf(&c));
    lf_record(&c, LF_ADD, 2, 0xFFFF, 1, 0x10000);
    CHECK(t, flag_zf(&c));
}

/* ---- shifts (SDM vol. 2 SAL/SAR/SHL/SHR: "the CF flag contains the
 * value of the last bit shifted out"; OF defined for a count of 1) ---- */

static void shl_carry_is_the_last_bit_shifted_out_and_overflow_is_msb_xor_carry(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SHL, 1, 0x81, 1, 0x102);
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_of(&c));                                   /* MSB 0 xor CF 1 */
    lf_record(&c, LF_SHL, 1, 0x40, 1, 0x80);
    CHECK(t, !flag_cf(&c));
    CHECK(t, flag_of(&c));                                   /* MSB 1 xor CF 0 */
    lf_record(&c, LF_SHL, 1, 0xC0, 1, 0x180);
    CHECK(t, flag_cf(&c));
    CHECK(t, !flag_of(&c));
}

static void shl_by_the_operand_width_moves_bit_0_into_carry(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SHL, 2, 0x0001, 16, 0x10000);
    CHECK(t, flag_cf(&c));
    CHECK(t, flag_zf(&c));
    lf_record(&c, LF_SHL, 1, 0xFE, 8, 0xFE00);
    CHECK(t, !flag_cf(&c));
}

static void shl_and_shr_carry_match_the_definition_for_every_byte_and_count(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    unsigned bad = 0;
    for (uint32_t a = 0; a < 256; a++)
        for (unsigned n = 1; n <= 8; n++) {
            lf_record(&c, LF_SHL, 1, a, n, a << n);
            bool want = (a >> (8 - n)) & 1;
            if (flag_cf(&c) != want && bad++ < 4)
                CHECK_EQ(t, flag_cf(&c), want);
            if (flag_zf(&c) != (((a << n) & 0xFF) == 0) && bad++ < 4)
                CHECK(t, false);
            lf_record(&c, LF_SHR, 1, a, n, a >> n);
            want = (a >> (n - 1)) & 1;
            if (flag_cf(&c) != want && bad++ < 4)
                CHECK_EQ(t, flag_cf(&c), want);
        }
    CHECK_EQ(t, bad, 0);
}

static void shr_by_one_overflows_with_the_original_sign_bit(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_SHR, 1, 0x80, 1, 0x40);
    CHECK(t, flag_of(&c));
    CHECK(t, !flag_cf(&c));
    lf_record(&c, LF_SHR, 4, 0x00000003u, 1, 1);
    CHECK(t, !flag_of(&c));
    CHECK(t, flag_cf(&c));
}

static void sar_carry_is_the_sign_when_the_count_reaches_past_the_width(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    unsigned bad = 0;
    for (uint32_t a = 0; a < 256; a++)
        for (unsigned n = 1; n < 32; n++) {
            int32_t sa = (int32_t)(int8_t)a;
            lf_record(&c, LF_SAR, 1, a, n, (uint32_t)(sa >> n));
            bool want = (sa >> (n - 1)) & 1;
            if (flag_cf(&c) != want && bad++ < 4)
                CHECK_EQ(t, flag_cf(&c), want);
        }
    CHECK_EQ(t, bad, 0);
}

static void sar_clears_overflow(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    c.flags |= FL_OF;
    lf_record(&c, LF_SAR, 4, 0x80000000u, 1, 0xC0000000u);
    CHECK(t, !flag_of(&c));
    CHECK(t, flag_sf(&c));
}

/* ---- folding and editing the flags ---- */

static void flags_materialize_folds_the_lazy_state_and_keeps_the_other_bits(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    c.flags = FL_1 | FL_IF | FL_DF | FL_TF | FL_ZF;          /* stale ZF must go */
    lf_record(&c, LF_SUB, 1, 0x00, 0x01, 0xFF);
    flags_materialize(&c);
    CHECK_EQ(t, c.lf.op, LF_NONE);
    CHECK_EQ(t, c.flags, FL_1 | FL_IF | FL_DF | FL_TF | FL_CF | FL_SF | FL_PF | FL_AF);
}

static void materialized_flags_read_back_the_same(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    uint64_t seed = 7;
    unsigned bad = 0;
    for (unsigned n = 0; n < 10000; n++) {
        uint64_t r = splitmix(&seed);
        record_addsub(&c, (uint32_t)r, (uint32_t)(r >> 32), n & 1, 1u << (n % 3), (n >> 1) & 1);
        uint32_t before = lazy_arith(&c);
        flags_materialize(&c);
        if ((lazy_arith(&c) != before || (c.flags & FL_ARITH) != before) && bad++ < 4)
            CHECK_EQ(t, c.flags & FL_ARITH, before);
    }
    CHECK_EQ(t, bad, 0);
}

static void materializing_twice_changes_nothing(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_ADD, 4, 0x7FFFFFFF, 1, 0x80000000u);
    flags_materialize(&c);
    uint32_t once = c.flags;
    flags_materialize(&c);
    CHECK_EQ(t, c.flags, once);
}

static void flags_set_some_changes_only_the_masked_flags(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    lf_record(&c, LF_ADD, 4, 0xFFFFFFFFu, 1, 0);             /* CF ZF PF AF */
    flags_set_some(&c, FL_CF, 0);                            /* CLC */
    CHECK_EQ(t, c.lf.op, LF_NONE);
    CHECK_EQ(t, c.flags & FL_ARITH, FL_ZF | FL_PF | FL_AF);
    flags_set_some(&c, FL_CF | FL_OF, FL_OF | FL_SF);        /* SF outside the mask */
    CHECK_EQ(t, c.flags & FL_ARITH, FL_ZF | FL_PF | FL_AF | FL_OF);
}

static void flags_set_all_replaces_the_six_and_drops_the_lazy_state(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    c.flags |= FL_IF;
    lf_record(&c, LF_ADD, 4, 0xFFFFFFFFu, 1, 0);
    flags_set_all(&c, FL_SF | FL_OF | FL_DF);                /* DF is not arithmetic */
    CHECK_EQ(t, c.lf.op, LF_NONE);
    CHECK_EQ(t, c.flags, FL_1 | FL_IF | FL_SF | FL_OF);
    CHECK_EQ(t, lazy_arith(&c), FL_SF | FL_OF);
}

static void flags_szp_gives_zero_sign_and_parity_of_a_sized_result(struct test_ctx *t)
{
    CHECK_EQ(t, flags_szp(0, 4), FL_ZF | FL_PF);
    CHECK_EQ(t, flags_szp(0x100, 1), FL_ZF | FL_PF);
    CHECK_EQ(t, flags_szp(0x80, 1), FL_SF);
    CHECK_EQ(t, flags_szp(0x8003, 2), FL_SF | FL_PF);
    CHECK_EQ(t, flags_szp(0x7FFFFFFF, 4), FL_PF);
}

/* ---- conditions (SDM vol. 1 appendix B, table B-1) ---- */

/* The condition cc after CMP a,b of the given size, from the numbers. */
static bool ref_condition_after_cmp(uint32_t a, uint32_t b, unsigned size, unsigned cc)
{
    uint64_t mask = size == 4 ? 0xFFFFFFFFull : (1ull << (size * 8)) - 1;
    uint64_t ua = a & mask, ub = b & mask;
    int64_t sa = sign_extend(a, size), sb = sign_extend(b, size);
    uint64_t res = (ua - ub) & mask;
    int64_t diff = sa - sb;
    bool of = diff < -(1ll << (size * 8 - 1)) || diff > (1ll << (size * 8 - 1)) - 1;
    bool r;
    switch (cc >> 1) {
    case 0: r = of; break;
    case 1: r = ua < ub; break;
    case 2: r = ua == ub; break;
    case 3: r = ua <= ub; break;
    case 4: r = (res >> (size * 8 - 1)) & 1; break;
    case 5: r = even_parity((uint32_t)res); break;
    case 6: r = sa < sb; break;
    default: r = sa <= sb; break;
    }
    return r ^ (cc & 1);
}

static void every_condition_after_cmp_follows_the_unsigned_and_signed_order(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    static const uint32_t values[] = { 0, 1, 2, 0x7E, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x100,
                                       0x7FFF, 0x8000, 0xFFFF, 0x12345678, 0x7FFFFFFF,
                                       0x80000000u, 0x80000001u, 0xFFFFFFFEu, 0xFFFFFFFFu };
    const unsigned nv = sizeof values / sizeof values[0];
    unsigned bad = 0;
    for (unsigned size = 1; size <= 4; size *= 2)
        for (unsigned x = 0; x < nv; x++)
            for (unsigned y = 0; y < nv; y++)
                for (unsigned cc = 0; cc < 16; cc++) {
                    uint32_t a = values[x], b = values[y];
                    lf_record(&c, LF_SUB, size, a, b, a - b);
                    bool want = ref_condition_after_cmp(a, b, size, cc);
                    if (cond_true(&c, cc) != want && bad++ < 4) {
                        CHECK_EQ(t, cond_true(&c, cc), want);
                        test_note(t, "cmp 0x%x, 0x%x (size %u), condition %u", a, b, size, cc);
                    }
                }
    CHECK_EQ(t, bad, 0);
}

static void conditions_agree_before_and_after_the_flags_are_materialized(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    uint64_t seed = 3;
    unsigned bad = 0;
    static const enum lf_op ops[] = { LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC,
                                      LF_DEC, LF_SHL, LF_SHR, LF_SAR };
    for (unsigned n = 0; n < 20000; n++) {
        uint64_t r = splitmix(&seed);
        enum lf_op op = ops[n % (sizeof ops / sizeof ops[0])];
        unsigned size = 1u << ((n / 10) % 3);
        uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
        uint32_t a = (uint32_t)r & mask, b = (uint32_t)(r >> 32) & mask, aux = (r >> 63) & 1;
        uint32_t res;
        switch (op) {
        case LF_ADD: res = a + b; break;
        case LF_ADC: res = a + b + aux; break;
        case LF_SUB: res = a - b; break;
        case LF_SBB: res = a - b - aux; break;
        case LF_INC: res = a + 1; break;
        case LF_DEC: res = a - 1; break;
        case LF_SHL: b = 1 + b % (size * 8); res = b < 32 ? a << b : 0; break;
        case LF_SHR: b = 1 + b % (size * 8); res = b < 32 ? a >> b : 0; break;
        case LF_SAR: b = 1 + b % (size * 8); res = (uint32_t)(sign_extend(a, size) >> b); break;
        default: res = a; b = 0; break;
        }
        lf_record_aux(&c, op, size, a, b, res, aux);
        bool lazy[16];
        for (unsigned cc = 0; cc < 16; cc++)
            lazy[cc] = cond_true(&c, cc);
        flags_materialize(&c);
        for (unsigned cc = 0; cc < 16; cc++)
            if (cond_true(&c, cc) != lazy[cc] && bad++ < 4) {
                CHECK_EQ(t, cond_true(&c, cc), lazy[cc]);
                test_note(t, "op %d size %u: 0x%x, 0x%x, condition %u", (int)op, size, a, b, cc);
            }
    }
    CHECK_EQ(t, bad, 0);
}

static void conditions_read_eflags_when_no_operation_is_pending(struct test_ctx *t)
{
    struct cpu c;
    blank_cpu(&c);
    c.flags = FL_1 | FL_ZF | FL_OF;
    CHECK(t, cond_true(&c, 0));      /* O */
    CHECK(t, cond_true(&c, 4));      /* E */
    CHECK(t, cond_true(&c, 6));      /* BE */
    CHECK(t, !cond_true(&c, 2));     /* B */
    CHECK(t, cond_true(&c, 0xC));    /* L: SF != OF */
    CHECK(t, cond_true(&c, 0xE));    /* LE */
    CHECK(t, !cond_true(&c, 0xF));   /* G */
}

static const struct test tests[] = {
    TEST(sub_sets_carry_when_the_subtrahend_is_larger),
    TEST(sub_of_equal_values_sets_zero_and_parity_and_clears_carry),
    TEST(add_sets_carry_and_zero_on_unsigned_wraparound),
    TEST(add_sets_overflow_when_two_positives_make_a_negative),
    TEST(sub_sets_overflow_when_a_negative_minus_a_positive_is_positive),
    TEST(adc_with_a_carry_in_carries_out_when_the_sum_wraps_to_dst),
    TEST(sbb_with_a_borrow_in_borrows_when_the_operands_are_equal),
    TEST(neg_recorded_as_sub_from_zero_carries_unless_the_operand_is_zero),
    TEST(eight_bit_add_adc_sub_and_sbb_flags_match_the_definitions_exhaustively),
    TEST(sixteen_and_thirty_two_bit_arithmetic_flags_match_the_definitions),
    TEST(inc_keeps_the_old_carry_and_overflows_at_the_signed_maximum),
    TEST(dec_overflows_when_leaving_the_signed_minimum),
    TEST(inc_and_dec_flags_match_the_definitions_for_every_byte),
    TEST(logic_ops_clear_carry_overflow_and_auxiliary),
    TEST(parity_counts_only_the_low_byte),
    TEST(sign_flag_follows_the_operand_size),
    TEST(zero_flag_ignores_bits_above_the_operand_size),
    TEST(shl_carry_is_the_last_bit_shifted_out_and_overflow_is_msb_xor_carry),
    TEST(shl_by_the_operand_width_moves_bit_0_into_carry),
    TEST(shl_and_shr_carry_match_the_definition_for_every_byte_and_count),
    TEST(shr_by_one_overflows_with_the_original_sign_bit),
    TEST(sar_carry_is_the_sign_when_the_count_reaches_past_the_width),
    TEST(sar_clears_overflow),
    TEST(flags_materialize_folds_the_lazy_state_and_keeps_the_other_bits),
    TEST(materialized_flags_read_back_the_same),
    TEST(materializing_twice_changes_nothing),
    TEST(flags_set_some_changes_only_the_masked_flags),
    TEST(flags_set_all_replaces_the_six_and_drops_the_lazy_state),
    TEST(flags_szp_gives_zero_sign_and_parity_of_a_sized_result),
    TEST(every_condition_after_cmp_follows_the_unsigned_and_signed_order),
    TEST(conditions_agree_before_and_after_the_flags_are_materialized),
    TEST(conditions_read_eflags_when_no_operation_is_pending),
};

const struct suite flags_suite = SUITE("flags", tests);
