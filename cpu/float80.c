/* float80: classification, rounding, and the basic arithmetic of the x87
 * (SDM vol. 1 chapter 4 and 8.5; vol. 2 FADD FSUB FMUL FDIV FSQRT
 * FRNDINT FSCALE FXTRACT FPREM FPREM1 FCOM). See float80.h. */
#include "float80_internal.h"

struct f80_env f80_env_of_cw(uint16_t cw)
{
    /* Precision control (SDM vol. 1 8.1.5.2): 00 single, 10 double, 11
     * extended; the reserved 01 acts as extended. */
    static const uint8_t prec[4] = { 24, 64, 53, 64 };
    struct f80_env e = { (uint8_t)((cw >> 10) & 3), prec[(cw >> 8) & 3], (uint8_t)(cw & F80_ALL), 0 };
    return e;
}

/* SDM vol. 1 8.2.2 and table 8-3: with exponent 0x7FFF only 1.0...0
 * (infinity) and 1.x (NaN) are supported, with another nonzero exponent
 * only normalized numbers; J clear there makes an unsupported encoding. */
enum f80_class f80_classify(struct f80 a)
{
    unsigned exp = f80_exp(a);
    if (exp == 0)
        return a.sig == 0 ? F80_ZERO : F80_DENORMAL;
    if (!(a.sig & F80_J))
        return F80_UNSUPPORTED;
    if (exp != F80_EXP_MAX)
        return F80_NORMAL;
    if ((a.sig << 1) == 0)
        return F80_INF;
    return (a.sig & F80_QUIET) ? F80_QNAN : F80_SNAN;
}

uint64_t div128_64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
    /* Restoring division, one quotient bit per step (hi < d). */
    uint64_t q = 0;
    for (int k = 0; k < 64; k++) {
        bool top = (hi >> 63) != 0;
        hi = hi << 1 | lo >> 63;
        lo <<= 1;
        q <<= 1;
        if (top || hi >= d) {
            hi -= d;
            q |= 1;
        }
    }
    *rem = hi;
    return q;
}

struct unpacked f80_unpack(struct f80 a)
{
    struct unpacked u = { f80_sign(a), (int32_t)f80_exp(a) - F80_BIAS, a.sig };
    if (f80_exp(a) == 0)
        u.exp = EXT_EMIN;
    unsigned s = clz64(u.sig);
    u.sig <<= s;
    u.exp -= (int32_t)s;
    return u;
}

/* ------------------------------------------------------------------------
 * Rounding */

uint64_t shift_round(struct u128 m, unsigned n, unsigned rc, bool sign, bool *inexact,
                            bool *up, bool *carry)
{
    uint64_t q;
    bool half, sticky;
    if (n >= 129) {
        q = 0;
        half = false;
        sticky = !u128_is_zero(m);
    } else if (n == 128) {
        q = 0;
        half = (m.hi >> 63) != 0;
        sticky = (m.hi << 1 | m.lo) != 0;
    } else {
        struct u128 rest;
        q = u128_shr(m, n).lo;
        rest = u128_sub(m, u128_shl(u128_of(0, q), n));
        struct u128 halfway = u128_shl(u128_of(0, 1), n - 1);
        half = u128_cmp(rest, halfway) >= 0;
        sticky = !u128_is_zero(u128_sub(rest, half ? halfway : u128_of(0, 0)));
    }
    bool inc;
    switch (rc) {
    case F80_RN: inc = half && (sticky || (q & 1)); break;
    case F80_RD: inc = sign && (half || sticky); break;
    case F80_RU: inc = !sign && (half || sticky); break;
    default: inc = false; break;
    }
    *inexact = half || sticky;
    *up = inc;
    q += inc;
    *carry = inc && q == 0;
    return q;
}

/* The largest finite value of the format, for a masked overflow that
 * rounds toward zero. */
static struct rounded largest(const struct fmt *f, bool sign)
{
    struct rounded r = { R_FINITE, sign, f->emax, ~0ull << (64 - f->prec) };
    return r;
}

static struct rounded overflow(struct f80_env *e, const struct fmt *f, struct rounded r,
                               bool inexact, bool up)
{
    e->flags |= F80_OE;
    if (!(e->masks & F80_OE)) {
        /* The caller biases the exponent, or stores nothing. */
        if (inexact)
            e->flags |= F80_PE | (up ? F80_C1 : 0);
        return r;
    }
    e->flags |= F80_PE;
    bool to_inf = e->rc == F80_RN || (e->rc == F80_RU && !r.sign) || (e->rc == F80_RD && r.sign);
    if (!to_inf)
        return largest(f, r.sign);
    e->flags |= F80_C1;
    r.kind = R_INF;
    return r;
}

/* Tiny after rounding, masked underflow: denormalize to the format's
 * grid, 2^(emin - prec + 1) (SDM vol. 1 4.9.1.5). */
static struct rounded denormalize(struct f80_env *e, const struct fmt *f, bool sign, int32_t exp,
                                  struct u128 m)
{
    bool inexact, up, carry;
    unsigned shift = (unsigned)(f->emin - exp);
    uint64_t q = shift_round(m, 128 - f->prec + shift, e->rc, sign, &inexact, &up, &carry);
    struct rounded r = { R_TINY, sign, f->emin, q << (64 - f->prec) };
    if (inexact) {
        e->flags |= F80_UE | F80_PE;
        if (up)
            e->flags |= F80_C1;
    }
    return r;
}

struct rounded round_to_format(struct f80_env *e, const struct fmt *f, bool sign, int32_t exp,
                               struct u128 m)
{
    bool inexact, up, carry;
    uint64_t q = shift_round(m, 128 - f->prec, e->rc, sign, &inexact, &up, &carry);
    int32_t rexp = exp;
    if (carry || (f->prec < 64 && (q >> f->prec) != 0)) {
        rexp++;     /* all ones rounded up to the next power of two */
        q = 1ull << (f->prec - 1);
    }
    struct rounded r = { R_FINITE, sign, rexp, q << (64 - f->prec) };
    if (rexp < f->emin) {
        if (e->masks & F80_UE)
            return denormalize(e, f, sign, exp, m);
        e->flags |= F80_UE;     /* unmasked: tiny, exact or not */
    }
    if (rexp > f->emax)
        return overflow(e, f, r, inexact, up);
    if (inexact) {
        e->flags |= F80_PE;
        if (up)
            e->flags |= F80_C1;
    }
    return r;
}

static struct f80 pack_ext(struct rounded r)
{
    if (r.kind == R_INF)
        return f80_inf(r.sign);
    if (r.kind == R_TINY)
        return f80_make(r.sign, (r.sig >> 63) ? 1 : 0, r.sig);
    return f80_make(r.sign, (unsigned)(r.exp + F80_BIAS), r.sig);
}

struct f80 round_pack(struct f80_env *e, unsigned prec, bool sign, int32_t exp, struct u128 m)
{
    const struct fmt f = { prec, EXT_EMIN, EXT_EMAX };
    struct rounded r = round_to_format(e, &f, sign, exp, m);
    if (r.kind == R_FINITE && r.exp > EXT_EMAX)
        r.exp -= EXT_BIAS_ADJUST;           /* unmasked overflow */
    else if (r.kind == R_FINITE && r.exp < EXT_EMIN)
        r.exp += EXT_BIAS_ADJUST;           /* unmasked underflow */
    if (r.kind == R_FINITE && r.exp > EXT_EMAX) {
        /* Beyond even the biased range (FSCALE by a huge count): an
         * infinity, rounded up, as the hardware delivers. */
        e->flags |= F80_PE | F80_C1;
        return f80_inf(r.sign);
    }
    if (r.kind == R_FINITE && r.exp < EXT_EMIN) {
        e->flags = (uint16_t)((e->flags | F80_PE) & ~F80_C1);
        return f80_zero(r.sign);
    }
    return pack_ext(r);
}

/* A finite unpacked value at e's precision. */
static struct f80 round_unpacked(struct f80_env *e, struct unpacked u)
{
    return round_pack(e, e->prec, u.sign, u.exp, u128_of(u.sig, 0));
}

/* ------------------------------------------------------------------------
 * Operand checks shared by the operations */

/* SDM vol. 1 table 4-7 for the x87: an SNaN and a QNaN give the QNaN;
 * two NaNs of the same kind give the one with the larger significand. */
struct f80 propagate_nan(struct f80_env *e, struct f80 a, struct f80 b)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    bool na = ca == F80_QNAN || ca == F80_SNAN, nb = cb == F80_QNAN || cb == F80_SNAN;
    if (ca == F80_SNAN || cb == F80_SNAN)
        e->flags |= F80_IE;
    if (!nb)
        return f80_quiet(a);
    if (!na)
        return f80_quiet(b);
    if (ca != cb)
        return ca == F80_QNAN ? a : b;
    uint64_t ma = a.sig & ~F80_QUIET, mb = b.sig & ~F80_QUIET;
    if (ma != mb)
        return f80_quiet(ma > mb ? a : b);
    return f80_quiet(a.se < b.se ? a : b);
}

/* An unsupported operand (IE, the default NaN) or a NaN operand decides
 * the result of a two-operand operation: true and *r set. */
static bool special_operands(struct f80_env *e, struct f80 a, struct f80 b, struct f80 *r)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED) {
        *r = invalid(e);
        return true;
    }
    if (ca == F80_QNAN || ca == F80_SNAN || cb == F80_QNAN || cb == F80_SNAN) {
        *r = propagate_nan(e, a, b);
        return true;
    }
    return false;
}

static bool one_operand_special(struct f80_env *e, struct f80 a, struct f80 *r)
{
    enum f80_class c = f80_classify(a);
    if (c == F80_UNSUPPORTED) {
        *r = invalid(e);
        return true;
    }
    if (c == F80_SNAN || c == F80_QNAN) {
        *r = propagate_nan(e, a, a);
        return true;
    }
    return false;
}

/* The denormal-operand exception (SDM vol. 1 8.5.2): true when it is
 * unmasked, which stops the operation. */
static bool denormal_stops(struct f80_env *e, struct f80 a, struct f80 b)
{
    if (f80_classify(a) == F80_DENORMAL || f80_classify(b) == F80_DENORMAL)
        e->flags |= F80_DE;
    return f80_unmasked(e, F80_DE);
}

/* ------------------------------------------------------------------------
 * Addition and subtraction */

static struct f80 exact_zero_sum(const struct f80_env *e, bool sa, bool sb)
{
    /* x + (-x) is +0, or -0 rounding down (SDM vol. 1 4.8.3.5 via IEEE). */
    return f80_zero(sa == sb ? sa : e->rc == F80_RD);
}

static struct f80 add_finite(struct f80_env *e, struct unpacked x, struct unpacked y)
{
    if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) {
        struct unpacked t = x;
        x = y;
        y = t;
    }
    struct u128 mx = u128_of(x.sig, 0);
    struct u128 my = u128_shr_jam(u128_of(y.sig, 0), (unsigned)(x.exp - y.exp > 200 ? 200 : x.exp - y.exp));
    int32_t exp = x.exp;
    struct u128 m;
    if (x.sign == y.sign) {
        m = u128_add(mx, my);
        if (u128_cmp(m, mx) < 0) {      /* carried out of bit 127 */
            m = u128_shr_jam(m, 1);
            m.hi |= F80_J;
            exp++;
        }
    } else {
        m = u128_sub(mx, my);
        if (u128_is_zero(m))
            return exact_zero_sum(e, x.sign, y.sign);
        unsigned s = u128_clz(m);
        m = u128_shl(m, s);
        exp -= (int32_t)s;
    }
    return round_pack(e, e->prec, x.sign, exp, m);
}

static struct f80 add_signed(struct f80_env *e, struct f80 a, struct f80 b, bool negate_b)
{
    struct f80 r;
    if (special_operands(e, a, b, &r))
        return r;
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    bool sa = f80_sign(a), sb = f80_sign(b) ^ negate_b;
    if (ca == F80_INF && cb == F80_INF && sa != sb)
        return invalid(e);
    if (denormal_stops(e, a, b))
        return a;
    if (ca == F80_INF || cb == F80_INF)
        return f80_inf(ca == F80_INF ? sa : sb);
    if (ca == F80_ZERO && cb == F80_ZERO)
        return exact_zero_sum(e, sa, sb);
    if (ca == F80_ZERO) {
        struct unpacked y = f80_unpack(b);
        y.sign = sb;
        return round_unpacked(e, y);
    }
    if (cb == F80_ZERO)
        return round_unpacked(e, f80_unpack(a));
    struct unpacked x = f80_unpack(a), y = f80_unpack(b);
    y.sign = sb;
    return add_finite(e, x, y);
}

struct f80 f80_add(struct f80_env *e, struct f80 a, struct f80 b) { return add_signed(e, a, b, false); }
struct f80 f80_sub(struct f80_env *e, struct f80 a, struct f80 b) { return add_signed(e, a, b, true); }

/* ------------------------------------------------------------------------
 * Multiplication and division */

struct f80 f80_mul(struct f80_env *e, struct f80 a, struct f80 b)
{
    struct f80 r;
    if (special_operands(e, a, b, &r))
        return r;
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    bool sign = f80_sign(a) ^ f80_sign(b);
    if ((ca == F80_INF && cb == F80_ZERO) || (ca == F80_ZERO && cb == F80_INF))
        return invalid(e);
    if (denormal_stops(e, a, b))
        return a;
    if (ca == F80_INF || cb == F80_INF)
        return f80_inf(sign);
    if (ca == F80_ZERO || cb == F80_ZERO)
        return f80_zero(sign);
    struct unpacked x = f80_unpack(a), y = f80_unpack(b);
    struct u128 m = mul64(x.sig, y.sig);
    int32_t exp = x.exp + y.exp + 1;
    if (!(m.hi >> 63)) {
        m = u128_shl(m, 1);
        exp--;
    }
    return round_pack(e, e->prec, sign, exp, m);
}

/* The quotient of two normalized significands as a 128-bit number with
 * bit 127 set (sticky in bit 0); *exp_adjust is 0 when x >= y, else -1. */
static struct u128 divide_sig(uint64_t x, uint64_t y, int32_t *exp_adjust)
{
    uint64_t rem, q1, q0;
    if (x >= y) {       /* x * 2^127 / y: words [x >> 1, x << 63, 0] */
        q1 = div128_64(x >> 1, x << 63, y, &rem);
        *exp_adjust = 0;
    } else {            /* x * 2^128 / y: words [x, 0, 0] */
        q1 = div128_64(x, 0, y, &rem);
        *exp_adjust = -1;
    }
    q0 = div128_64(rem, 0, y, &rem);
    struct u128 q = u128_of(q1, q0);
    if (rem)
        q.lo |= 1;
    return q;
}

struct f80 f80_div(struct f80_env *e, struct f80 a, struct f80 b)
{
    struct f80 r;
    if (special_operands(e, a, b, &r))
        return r;
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    bool sign = f80_sign(a) ^ f80_sign(b);
    if ((ca == F80_INF && cb == F80_INF) || (ca == F80_ZERO && cb == F80_ZERO))
        return invalid(e);
    if (cb == F80_ZERO && ca != F80_INF) {
        /* Finite nonzero / 0: ZE (SDM vol. 1 8.5.3), checked before the
         * dividend's DE, as the hardware does. */
        e->flags |= F80_ZE;
        return f80_inf(sign);
    }
    if (denormal_stops(e, a, b))
        return a;
    if (ca == F80_INF || cb == F80_ZERO)
        return f80_inf(sign);
    if (ca == F80_ZERO || cb == F80_INF)
        return f80_zero(sign);
    struct unpacked x = f80_unpack(a), y = f80_unpack(b);
    int32_t adjust;
    struct u128 m = divide_sig(x.sig, y.sig, &adjust);
    return round_pack(e, e->prec, sign, x.exp - y.exp + adjust, m);
}

/* ------------------------------------------------------------------------
 * Square root */

/* floor(sqrt(v * 2^68)) for a 66-bit v (hi holds bits 65:64), restoring
 * method two bits at a time; *exact when nothing remains. */
static struct u128 sqrt_bits(uint64_t v_hi, uint64_t v_lo, bool *exact)
{
    struct u128 rem = u128_of(0, 0), root = u128_of(0, 0);
    for (int k = 0; k < 67; k++) {
        /* bits 133-2k and 132-2k of v * 2^68 (v occupies bits 133:68) */
        int b = 133 - 2 * k;
        unsigned two = 0;
        for (int j = 0; j < 2; j++) {
            int pos = b - j - 68;
            unsigned bit = 0;
            if (pos >= 64)
                bit = (unsigned)(v_hi >> (pos - 64)) & 1;
            else if (pos >= 0)
                bit = (unsigned)(v_lo >> pos) & 1;
            two = two << 1 | bit;
        }
        rem = u128_shl(rem, 2);
        rem.lo |= two;
        struct u128 trial = u128_shl(root, 2);
        trial.lo |= 1;
        root = u128_shl(root, 1);
        if (u128_cmp(rem, trial) >= 0) {
            rem = u128_sub(rem, trial);
            root.lo |= 1;
        }
    }
    *exact = u128_is_zero(rem);
    return root;
}

struct f80 f80_sqrt(struct f80_env *e, struct f80 a)
{
    struct f80 r;
    if (one_operand_special(e, a, &r))
        return r;
    enum f80_class c = f80_classify(a);
    if (c == F80_ZERO)
        return a;
    if (f80_sign(a))
        return invalid(e);
    if (c == F80_INF)
        return a;
    if (denormal_stops(e, a, a))
        return a;
    struct unpacked x = f80_unpack(a);
    /* value = sig * 2^t, t = exp - 63 made even: v = sig or 2 * sig. */
    int32_t t = x.exp - 63;
    uint64_t v_hi = 0, v_lo = x.sig;
    if (t & 1) {
        v_hi = x.sig >> 63;
        v_lo = x.sig << 1;
        t--;
    }
    bool exact;
    struct u128 root = sqrt_bits(v_hi, v_lo, &exact);   /* sqrt(v) * 2^34 */
    unsigned s = u128_clz(root);
    int32_t exp = (127 - (int32_t)s) - 34 + t / 2;
    root = u128_shl(root, s);
    if (!exact)
        root.lo |= 1;
    return round_pack(e, e->prec, false, exp, root);
}

/* ------------------------------------------------------------------------
 * FRNDINT, FSCALE, FXTRACT */

/* A finite value to an integer value by the rounding control; flags PE
 * and C1 as rounding does. */
static struct f80 to_integral(struct f80_env *e, struct f80 a)
{
    struct unpacked x = f80_unpack(a);
    if (x.exp >= 63)
        return a;
    bool inexact, up, carry;
    uint64_t q = shift_round(u128_of(x.sig, 0), (unsigned)(64 + 63 - x.exp), e->rc, x.sign,
                             &inexact, &up, &carry);
    if (inexact) {
        e->flags |= F80_PE;
        if (up)
            e->flags |= F80_C1;
    }
    if (carry)
        return f80_make(x.sign, F80_BIAS + 64, F80_J);
    if (q == 0)
        return f80_zero(x.sign);
    unsigned s = clz64(q);
    return f80_make(x.sign, (unsigned)(F80_BIAS + 63 - (int)s), q << s);
}

struct f80 f80_round_to_int(struct f80_env *e, struct f80 a)
{
    struct f80 r;
    if (one_operand_special(e, a, &r))
        return r;
    enum f80_class c = f80_classify(a);
    if (c == F80_ZERO || c == F80_INF)
        return a;
    if (denormal_stops(e, a, a))
        return a;
    return to_integral(e, a);
}

/* FSCALE's special cases (SDM vol. 2 FSCALE, table 3-47): scaling by an
 * infinity. */
static struct f80 scale_by_infinity(struct f80_env *e, struct f80 a, bool b_negative)
{
    enum f80_class ca = f80_classify(a);
    if (b_negative) {
        if (ca == F80_INF)
            return invalid(e);
        if (denormal_stops(e, a, a))
            return a;
        return f80_zero(f80_sign(a));
    }
    if (ca == F80_ZERO)
        return invalid(e);
    if (denormal_stops(e, a, a))
        return a;
    return f80_inf(f80_sign(a));
}

struct f80 f80_scale(struct f80_env *e, struct f80 a, struct f80 b)
{
    struct f80 r;
    if (special_operands(e, a, b, &r))
        return r;
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (cb == F80_INF)
        return scale_by_infinity(e, a, f80_sign(b));
    if (denormal_stops(e, a, b))
        return a;
    if (ca == F80_ZERO || ca == F80_INF)
        return a;
    /* trunc(b), clamped: any count past 2^20 overflows or underflows. A
     * count of 0 still normalizes a pseudo-denormal. */
    struct unpacked y = cb == F80_ZERO ? (struct unpacked){ false, -1, 0 } : f80_unpack(b);
    int64_t n = 0;
    if (y.exp >= 20)
        n = 1 << 20;
    else if (y.exp >= 0)
        n = (int64_t)(y.sig >> (63 - y.exp));
    if (y.sign)
        n = -n;
    struct unpacked x = f80_unpack(a);
    return round_pack(e, 64, x.sign, x.exp + (int32_t)n, u128_of(x.sig, 0));
}

void f80_extract(struct f80_env *e, struct f80 a, struct f80 *exponent, struct f80 *significand)
{
    struct f80 r;
    if (one_operand_special(e, a, &r)) {
        *exponent = *significand = r;
        return;
    }
    enum f80_class c = f80_classify(a);
    if (c == F80_ZERO) {
        /* SDM vol. 2 FXTRACT: ZE, exponent -inf, significand the zero. */
        e->flags |= F80_ZE;
        *exponent = f80_inf(true);
        *significand = a;
        return;
    }
    if (c == F80_INF) {
        *exponent = f80_inf(false);
        *significand = a;
        return;
    }
    if (denormal_stops(e, a, a)) {
        *exponent = *significand = a;
        return;
    }
    struct unpacked x = f80_unpack(a);
    *significand = f80_make(x.sign, F80_BIAS, x.sig);
    *exponent = f80_from_int(x.exp);
}

/* ------------------------------------------------------------------------
 * FPREM and FPREM1 */

/* x - q * y for |x| / |y| < 2^64 (d = x.exp - y.exp in [0, 63]): the
 * truncated quotient's low bits and the exact remainder magnitude as a
 * 128-bit number r, the remainder being r * 2^(y.exp - 63 - 64). */
static uint64_t long_divide(struct unpacked x, struct unpacked y, int32_t d, struct u128 *r)
{
    struct u128 rem = u128_of(0, x.sig), div = u128_of(0, y.sig);
    uint64_t q = 0;
    for (int32_t k = 0; k <= d; k++) {
        q <<= 1;
        if (u128_cmp(rem, div) >= 0) {
            rem = u128_sub(rem, div);
            q |= 1;
        }
        if (k < d)
            rem = u128_shl(rem, 1);
    }
    *r = u128_shl(rem, 64);
    return q;
}

/* The remainder magnitude r * 2^(exp - 127) (r possibly zero) as an
 * exact result with the given sign. */
static struct f80 exact_result(struct f80_env *e, bool sign, int32_t exp, struct u128 r)
{
    if (u128_is_zero(r))
        return f80_zero(sign);
    unsigned s = u128_clz(r);
    return round_pack(e, 64, sign, exp - (int32_t)s, u128_shl(r, s));
}

struct f80 f80_rem(struct f80_env *e, struct f80 a, struct f80 b, bool ieee,
                   unsigned *quotient, bool *partial)
{
    struct f80 r;
    *quotient = F80_NO_QUOTIENT;
    *partial = false;
    if (special_operands(e, a, b, &r))
        return r;
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_INF || cb == F80_ZERO)
        return invalid(e);
    if (denormal_stops(e, a, b))
        return a;
    *quotient = 0;      /* from here on the quotient is known, if only 0 */
    if (ca == F80_ZERO)
        return a;
    struct unpacked x = f80_unpack(a);
    if (cb == F80_INF)      /* x itself (a pseudo-denormal normalized) */
        return exact_result(e, x.sign, x.exp, u128_of(x.sig, 0));
    struct unpacked y = f80_unpack(b);
    int32_t d = x.exp - y.exp;
    if (d >= 64) {
        /* Partial remainder (SDM vol. 2 FPREM): reduce the exponent by
         * D - N, N = 32 + D mod 32 as the hardware does. */
        int32_t n = 32 + d % 32;
        struct unpacked ys = y;
        ys.exp = y.exp + (d - n);
        struct u128 rem;
        long_divide(x, ys, n, &rem);
        *partial = true;
        *quotient = 0;
        return exact_result(e, x.sign, ys.exp, rem);
    }
    if (d < 0 && (!ieee || d < -1)) {   /* |x| < |y| (FPREM1: < |y| / 2): x */
        *quotient = 0;
        return exact_result(e, x.sign, x.exp, u128_of(x.sig, 0));
    }
    struct u128 rem;
    uint64_t q = 0;
    bool sign = x.sign;
    if (d >= 0)
        q = long_divide(x, y, d, &rem);
    else
        rem = u128_of(x.sig >> 1, x.sig << 63);    /* x as r * 2^(y.exp - 127) */
    if (ieee && !u128_is_zero(rem)) {
        /* Round the quotient to nearest: compare 2r with |y|. */
        struct u128 twice = u128_shl(rem, 1), ym = u128_of(y.sig, 0);
        int c = (rem.hi >> 63) ? 1 : u128_cmp(twice, ym);
        if (c > 0 || (c == 0 && (q & 1))) {
            q++;
            rem = u128_sub(ym, rem);
            sign = !sign;
        }
    }
    *quotient = (unsigned)(q & 7);
    return exact_result(e, sign, y.exp, rem);
}

/* ------------------------------------------------------------------------
 * Comparison */

enum f80_order f80_compare(struct f80_env *e, struct f80 a, struct f80 b, bool quiet)
{
    enum f80_class ca = f80_classify(a), cb = f80_classify(b);
    if (ca == F80_UNSUPPORTED || cb == F80_UNSUPPORTED || ca == F80_SNAN || cb == F80_SNAN) {
        e->flags |= F80_IE;
        return F80_UNORDERED;
    }
    if (ca == F80_QNAN || cb == F80_QNAN) {
        if (!quiet)
            e->flags |= F80_IE;
        return F80_UNORDERED;
    }
    /* DE, masked or not, does not stop a comparison. */
    if (ca == F80_DENORMAL || cb == F80_DENORMAL)
        e->flags |= F80_DE;
    if (ca == F80_ZERO && cb == F80_ZERO)
        return F80_EQ;
    bool sa = f80_sign(a), sb = f80_sign(b);
    if (sa != sb)
        return sa ? F80_LT : F80_GT;
    /* Same sign: order the magnitudes (zero, denormals, normals, inf). */
    int mag;
    if (ca == F80_ZERO || cb == F80_ZERO) {
        mag = ca == F80_ZERO ? -1 : 1;
    } else if (ca == F80_INF || cb == F80_INF) {
        mag = ca == cb ? 0 : ca == F80_INF ? 1 : -1;
    } else {
        struct unpacked x = f80_unpack(a), y = f80_unpack(b);
        mag = x.exp != y.exp ? (x.exp > y.exp ? 1 : -1) : x.sig != y.sig ? (x.sig > y.sig ? 1 : -1) : 0;
    }
    if (mag == 0)
        return F80_EQ;
    return (mag > 0) != sa ? F80_GT : F80_LT;
}
