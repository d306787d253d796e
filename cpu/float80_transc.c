/* float80 transcendentals: FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X
 * FYL2XP1 and the constants (SDM vol. 2 for each; vol. 1 8.3.10 for the
 * accuracy and the argument reduction).
 *
 * Every function is computed in a 128-bit "wide" floating format (series
 * after argument reduction, about 120 correct bits) and rounded once to
 * 64 bits by the rounding control: correctly rounded except in cases
 * that would need more than 56 bits beyond the result's last, and well
 * inside the SDM's bound of one unit in the last place. The precision
 * control does not apply to these instructions (vol. 1 8.1.5.2).
 *
 * FSIN FCOS FSINCOS FPTAN reduce their argument as the x87 does, modulo
 * pi/2 approximated by the 66-bit pi66 = 0xC90FDAA22168C234C * 2^-66 * 4
 * (vol. 1 8.3.10: "the value of pi used ... is a 66-bit approximation"),
 * exactly, so arguments near a multiple of pi give the hardware's
 * results, and arguments of 2^63 and more are left unchanged with C2. */
#include "float80_internal.h"

/* ------------------------------------------------------------------------
 * Wide values: m * 2^(exp - 127), m normalized (bit 127 set) or zero. */

struct wide {
    bool sign;
    int32_t exp;
    struct u128 m;
};

#define WIDE_BITS 128

static bool w_is_zero(struct wide a) { return u128_is_zero(a.m); }

static struct wide w_norm(bool sign, int32_t exp, struct u128 m)
{
    struct wide w = { sign, 0, m };
    if (u128_is_zero(m))
        return w;
    unsigned s = u128_clz(m);
    w.m = u128_shl(m, s);
    w.exp = exp - (int32_t)s;
    return w;
}

static struct wide w_const(uint64_t hi, uint64_t lo, int32_t exp)
{
    struct wide w = { false, exp, u128_of(hi, lo) };
    return w;
}

static struct wide w_int(int64_t v)
{
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    return w_norm(sign, 127, u128_of(0, m));
}

/* A finite value (the caller has ruled out NaNs, infinities and
 * unsupported encodings). */
static struct wide w_of(struct f80 a)
{
    if (f80_classify(a) == F80_ZERO)
        return w_norm(f80_sign(a), 0, u128_of(0, 0));
    struct unpacked u = f80_unpack(a);
    struct wide w = { u.sign, u.exp, u128_of(u.sig, 0) };
    return w;
}

static struct wide w_neg(struct wide a)
{
    a.sign = !a.sign;
    return a;
}

static struct wide w_ldexp(struct wide a, int32_t n)
{
    if (!w_is_zero(a))
        a.exp += n;
    return a;
}

static struct wide w_add(struct wide a, struct wide b)
{
    if (w_is_zero(a))
        return b;
    if (w_is_zero(b))
        return a;
    if (b.exp > a.exp || (b.exp == a.exp && u128_cmp(b.m, a.m) > 0)) {
        struct wide t = a;
        a = b;
        b = t;
    }
    int32_t d = a.exp - b.exp;
    struct u128 bm = u128_shr_jam(b.m, (unsigned)(d > 200 ? 200 : d));   /* sticky: a tiny b still counts */
    if (a.sign == b.sign) {
        struct u128 s = u128_add(a.m, bm);
        if (u128_cmp(s, a.m) < 0) {
            s = u128_shr(s, 1);
            s.hi |= F80_J;
            return (struct wide){ a.sign, a.exp + 1, s };
        }
        return (struct wide){ a.sign, a.exp, s };
    }
    return w_norm(a.sign, a.exp, u128_sub(a.m, bm));
}

static struct wide w_sub(struct wide a, struct wide b) { return w_add(a, w_neg(b)); }

/* The product to 128 bits, the rest as a sticky bit. */
static struct wide w_mul(struct wide a, struct wide b)
{
    bool sign = a.sign != b.sign;
    if (w_is_zero(a) || w_is_zero(b))
        return w_norm(sign, 0, u128_of(0, 0));
    struct u128 t0 = mul64(a.m.lo, b.m.lo), t1 = mul64(a.m.hi, b.m.lo);
    struct u128 t2 = mul64(a.m.lo, b.m.hi), t3 = mul64(a.m.hi, b.m.hi);
    /* Sum the middle word with its carries, then the top two. */
    uint64_t w1 = t0.hi, c1 = 0;
    w1 += t1.lo;
    c1 += w1 < t1.lo;
    w1 += t2.lo;
    c1 += w1 < t2.lo;
    struct u128 top = u128_add(t3, u128_of(0, t1.hi));
    top = u128_add(top, u128_of(0, t2.hi));
    top = u128_add(top, u128_of(0, c1));
    int32_t exp = a.exp + b.exp + 1;
    if (!(top.hi >> 63)) {
        top = u128_shl(top, 1);
        top.lo |= w1 >> 63;
        w1 <<= 1;
        exp--;
    }
    if (w1 | t0.lo)
        top.lo |= 1;
    return (struct wide){ sign, exp, top };
}

/* The quotient, 128 bits by restoring division, the rest as a sticky
 * bit. */
static struct wide w_div(struct wide a, struct wide b)
{
    bool sign = a.sign != b.sign;
    if (w_is_zero(a))
        return w_norm(sign, 0, u128_of(0, 0));
    struct u128 r = a.m, q = u128_of(0, 0);
    int32_t exp = a.exp - b.exp;
    bool carry = false;
    if (u128_cmp(r, b.m) < 0) {
        carry = (r.hi >> 63) != 0;
        r = u128_shl(r, 1);
        exp--;
    }
    for (int k = 0; k < WIDE_BITS; k++) {
        bool bit = carry || u128_cmp(r, b.m) >= 0;
        if (bit)
            r = u128_sub(r, b.m);
        q = u128_shl(q, 1);
        q.lo |= bit;
        carry = (r.hi >> 63) != 0;
        r = u128_shl(r, 1);
    }
    if (carry || !u128_is_zero(r))
        q.lo |= 1;
    return (struct wide){ sign, exp, q };
}

static struct wide w_div_int(struct wide a, uint32_t k)
{
    uint64_t rem;
    uint64_t hi = div128_64(0, a.m.hi, k, &rem);
    uint64_t lo = div128_64(rem, a.m.lo, k, &rem);
    return w_norm(a.sign, a.exp, u128_of(hi, lo));
}

/* The wide value rounded to 64 bits as a value (no exceptions): the
 * seed of the square root's iteration. */
static struct f80 w_to_f80_quiet(struct wide a)
{
    struct f80_env scratch = { F80_RN, 64, F80_ALL, 0 };
    if (w_is_zero(a))
        return f80_zero(a.sign);
    return round_pack(&scratch, 64, a.sign, a.exp, a.m);
}

/* sqrt(a), a > 0: the extended square root refined by two Newton steps. */
static struct wide w_sqrt(struct wide a)
{
    struct f80_env scratch = { F80_RN, 64, F80_ALL, 0 };
    struct wide s = w_of(f80_sqrt(&scratch, w_to_f80_quiet(a)));
    for (int k = 0; k < 2; k++)
        s = w_ldexp(w_add(s, w_div(a, s)), -1);
    return s;
}

/* Round to the destination (64 bits; PE when inexact). */
static struct f80 w_round(struct f80_env *e, struct wide w)
{
    if (w_is_zero(w))
        return f80_zero(w.sign);
    return round_pack(e, 64, w.sign, w.exp, w.m);
}

/* ------------------------------------------------------------------------
 * Constants, to 128 bits */

static struct wide pi_w(void) { return w_const(0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1); }
static struct wide ln2_w(void) { return w_const(0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1); }
static struct wide one_w(void) { return w_int(1); }

struct f80 f80_constant(enum f80_constant c, unsigned rc)
{
    static const struct { uint64_t hi, lo; int32_t exp; } k[] = {
        [F80_CONST_L2T] = { 0xD49A784BCD1B8AFEull, 0x492BF6FF4DAFDB4Cull, 1 },
        [F80_CONST_L2E] = { 0xB8AA3B295C17F0BBull, 0xBE87FED0691D3E88ull, 0 },
        [F80_CONST_PI] = { 0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull, 1 },
        [F80_CONST_LG2] = { 0x9A209A84FBCFF798ull, 0x8F8959AC0B7C9178ull, -2 },
        [F80_CONST_LN2] = { 0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull, -1 },
    };
    struct f80_env scratch = { (uint8_t)rc, 64, F80_ALL, 0 };
    return round_pack(&scratch, 64, false, k[c].exp, u128_of(k[c].hi, k[c].lo));
}

/* ------------------------------------------------------------------------
 * Series, each summed until a term falls below the sum's last bit: that
 * term is added as a sticky bit (it and the smaller ones after it decide
 * only the direction of the rounding), then the sum stops, so a later
 * term of the other sign cannot cancel that sticky bit. */

static bool negligible(struct wide term, struct wide sum)
{
    return w_is_zero(term) || term.exp < sum.exp - 126;
}

/* sin(r) and cos(r) for |r| <= pi/4 (Taylor). */
static struct wide sin_series(struct wide r)
{
    struct wide r2 = w_mul(r, r), term = r, sum = r;
    for (uint32_t n = 1; n < 60; n++) {
        term = w_neg(w_div_int(w_mul(term, r2), (2 * n) * (2 * n + 1)));
        sum = w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return sum;
}

static struct wide cos_series(struct wide r)
{
    struct wide r2 = w_mul(r, r), term = one_w(), sum = one_w();
    for (uint32_t n = 1; n < 60; n++) {
        term = w_neg(w_div_int(w_mul(term, r2), (2 * n - 1) * (2 * n)));
        sum = w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return sum;
}

/* atan(u) for |u| <= 0.1, and atanh(z) for |z| <= 0.18. */
static struct wide odd_series(struct wide u, bool alternate)
{
    struct wide u2 = w_mul(u, u), power = u, sum = u;
    for (uint32_t n = 1; n < 80; n++) {
        power = w_mul(power, u2);
        struct wide term = w_div_int(power, 2 * n + 1);
        sum = alternate && (n & 1) ? w_sub(sum, term) : w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return sum;
}

/* e^t - 1 for |t| <= 0.7. */
static struct wide expm1_series(struct wide t)
{
    struct wide term = t, sum = t;
    for (uint32_t n = 2; n < 80; n++) {
        term = w_div_int(w_mul(term, t), n);
        sum = w_add(sum, term);
        if (negligible(term, sum))
            break;
    }
    return sum;
}

/* atan(t) for 0 <= t <= 1: three halvings t / (1 + sqrt(1 + t^2)) bring
 * t under 0.1, then the series, times 8. */
static struct wide atan_unit(struct wide t)
{
    if (t.exp < -40)        /* t - t^3/3: the next term is below 2^-160 */
        return w_sub(t, w_div_int(w_mul(t, w_mul(t, t)), 3));
    for (int k = 0; k < 3; k++)
        t = w_div(t, w_add(one_w(), w_sqrt(w_add(one_w(), w_mul(t, t)))));
    return w_ldexp(odd_series(t, true), 3);
}

/* ln(m) for a normalized significand m in [1/sqrt2, sqrt2]:
 * 2 atanh((m - 1) / (m + 1)). */
static struct wide ln_near_one(struct wide m)
{
    struct wide z = w_div(w_sub(m, one_w()), w_add(m, one_w()));
    return w_ldexp(odd_series(z, false), 1);
}

/* log2(x) for x > 0. */
static struct wide log2_w(struct wide x)
{
    struct wide m = { false, 0, x.m };
    int32_t e = x.exp;
    /* m in [1, 2): above sqrt(2) (0xB504F333...) take m / 2, e + 1. */
    if (x.m.hi > 0xB504F333F9DE6484ull) {
        m.exp = -1;
        e++;
    }
    struct wide frac = w_div(ln_near_one(m), ln2_w());
    return w_add(w_int(e), frac);
}

/* ------------------------------------------------------------------------
 * Trigonometric functions */

/* pi66 / 2 as a 66-bit integer in units of 2^-65. */
static struct u128 half_pi66(void)
{
    return u128_of(0xC90FDAA22168C234ull >> 62, 0xC90FDAA22168C234ull << 2 | 3);
}

/* x = q * pi66/2 + r exactly, |r| <= pi66/4, for |x| < 2^63; returns q
 * mod 4. */
static unsigned reduce(struct unpacked x, struct wide *r)
{
    if (x.exp < -1) {       /* |x| < 0.5: no reduction */
        *r = (struct wide){ x.sign, x.exp, u128_of(x.sig, 0) };
        return 0;
    }
    struct u128 q66 = half_pi66();
    struct u128 rem = u128_shl(u128_of(0, x.sig), (unsigned)(x.exp + 2));  /* x * 2^65 */
    uint64_t k = 0;
    for (int b = 62; b >= 0; b--) {
        struct u128 t = u128_shl(q66, (unsigned)b);
        if (u128_cmp(rem, t) >= 0) {
            rem = u128_sub(rem, t);
            k |= 1ull << b;
        }
    }
    bool flip = false;
    if (u128_cmp(u128_shl(rem, 1), q66) > 0) {
        k++;
        rem = u128_sub(q66, rem);
        flip = true;
    }
    *r = w_norm(x.sign != flip, 127 - 65, rem);
    unsigned q = (unsigned)(k & 3);
    return x.sign ? (4 - q) & 3 : q;
}

/* Operand checks of the trigonometric instructions: NaNs propagate,
 * unsupported and infinite operands are invalid, zeros are decided by
 * the caller, denormals raise DE. True when *out is the result. */
static bool trig_special(struct f80_env *e, struct f80 a, struct f80 *out)
{
    enum f80_class c = f80_classify(a);
    if (c == F80_UNSUPPORTED || c == F80_INF) {
        *out = invalid(e);
        return true;
    }
    if (c == F80_QNAN || c == F80_SNAN) {
        *out = propagate_nan(e, a, a);
        return true;
    }
    if (c == F80_DENORMAL) {
        e->flags |= F80_DE;
        if (f80_unmasked(e, F80_DE)) {
            *out = a;
            return true;
        }
    }
    return false;
}

static bool in_range(struct f80 a)
{
    return f80_classify(a) != F80_NORMAL || f80_unpack(a).exp < 63;
}

/* sin and cos of a finite in-range a. */
static void sin_cos_w(struct f80 a, struct wide *s, struct wide *c)
{
    struct wide r;
    unsigned q = reduce(f80_unpack(a), &r);
    struct wide sr = sin_series(r), cr = cos_series(r);
    switch (q) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = w_neg(sr); break;
    case 2: *s = w_neg(sr); *c = w_neg(cr); break;
    default: *s = w_neg(cr); *c = sr; break;
    }
}

bool f80_sin(struct f80_env *e, struct f80 a, struct f80 *out)
{
    if (!in_range(a))
        return false;
    if (trig_special(e, a, out))
        return true;
    if (f80_classify(a) == F80_ZERO) {
        *out = a;
        return true;
    }
    struct wide s, c;
    sin_cos_w(a, &s, &c);
    *out = w_round(e, s);
    return true;
}

bool f80_cos(struct f80_env *e, struct f80 a, struct f80 *out)
{
    if (!in_range(a))
        return false;
    if (trig_special(e, a, out))
        return true;
    if (f80_classify(a) == F80_ZERO) {
        *out = f80_one();
        return true;
    }
    struct wide s, c;
    sin_cos_w(a, &s, &c);
    *out = w_round(e, c);
    return true;
}

bool f80_sincos(struct f80_env *e, struct f80 a, struct f80 *sin_out, struct f80 *cos_out)
{
    if (!in_range(a))
        return false;
    struct f80 r;
    if (trig_special(e, a, &r)) {
        *sin_out = *cos_out = r;
        return true;
    }
    if (f80_classify(a) == F80_ZERO) {
        *sin_out = a;
        *cos_out = f80_one();
        return true;
    }
    struct wide s, c;
    sin_cos_w(a, &s, &c);
    *sin_out = w_round(e, s);
    *cos_out = w_round(e, c);
    return true;
}

bool f80_tan(struct f80_env *e, struct f80 a, struct f80 *out)
{
    if (!in_range(a))
        return false;
    if (trig_special(e, a, out))
        return true;
    if (f80_classify(a) == F80_ZERO) {
        *out = a;
        return true;
    }
    struct wide r, t;
    unsigned q = reduce(f80_unpack(a), &r);
    if (r.exp < -40) {
        /* tan r = r + r^3/3, cot r = 1/r - r/3: the next terms are
         * below 2^-160 of the result, and a quotient of two rounded
         * series would lose the direction of the correction. */
        struct wide third = w_div_int(r, 3);
        t = (q & 1) ? w_neg(w_sub(w_div(one_w(), r), third))
                    : w_add(r, w_mul(third, w_mul(r, r)));
    } else {
        struct wide sr = sin_series(r), cr = cos_series(r);
        t = (q & 1) ? w_neg(w_div(cr, sr)) : w_div(sr, cr);
    }
    *out = w_round(e, t);
    return true;
}

/* ------------------------------------------------------------------------
 * FPATAN: atan(y / x) in the quadrant of (x, y) (SDM vol. 2 FPATAN,
 * table 3-29). */

/* pi * n / 4 (n = 1 to 4) with the given sign, rounded. */
static struct f80 pi_quarters(struct f80_env *e, unsigned n, bool sign)
{
    struct wide quarter = w_ldexp(pi_w(), -2), v = quarter;
    for (unsigned k = 1; k < n; k++)
        v = w_add(v, quarter);
    v.sign = sign;
    return w_round(e, v);
}

static bool two_operand_special(struct f80_env *e, struct f80 y, struct f80 x, struct f80 *out)
{
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    if (cy == F80_UNSUPPORTED || cx == F80_UNSUPPORTED) {
        *out = invalid(e);
        return true;
    }
    if (cy == F80_QNAN || cy == F80_SNAN || cx == F80_QNAN || cx == F80_SNAN) {
        *out = propagate_nan(e, x, y);
        return true;
    }
    return false;
}

static bool denormal_stops(struct f80_env *e, struct f80 a, struct f80 b, struct f80 *out)
{
    if (f80_classify(a) == F80_DENORMAL || f80_classify(b) == F80_DENORMAL)
        e->flags |= F80_DE;
    if (!f80_unmasked(e, F80_DE))
        return false;
    *out = a;
    return true;
}

struct f80 f80_atan2(struct f80_env *e, struct f80 y, struct f80 x)
{
    struct f80 r;
    if (two_operand_special(e, y, x, &r) || denormal_stops(e, y, x, &r))
        return r;
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    bool sy = f80_sign(y), sx = f80_sign(x);
    if (cy == F80_ZERO)
        return sx ? pi_quarters(e, 4, sy) : f80_zero(sy);
    if (cy == F80_INF)
        return pi_quarters(e, cx == F80_INF ? (sx ? 3 : 1) : 2, sy);
    if (cx == F80_ZERO)
        return pi_quarters(e, 2, sy);
    if (cx == F80_INF)
        return sx ? pi_quarters(e, 4, sy) : f80_zero(sy);
    struct wide wy = w_of(f80_abs(y)), wx = w_of(f80_abs(x)), a;
    if (wy.exp < wx.exp || (wy.exp == wx.exp && u128_cmp(wy.m, wx.m) <= 0))
        a = atan_unit(w_div(wy, wx));
    else
        a = w_sub(w_ldexp(pi_w(), -1), atan_unit(w_div(wx, wy)));
    if (sx)
        a = w_sub(pi_w(), a);
    a.sign = sy;
    return w_round(e, a);
}

/* ------------------------------------------------------------------------
 * F2XM1, FYL2X, FYL2XP1 */

struct f80 f80_2xm1(struct f80_env *e, struct f80 a)
{
    struct f80 r;
    enum f80_class c = f80_classify(a);
    if (c == F80_UNSUPPORTED)
        return invalid(e);
    if (c == F80_QNAN || c == F80_SNAN)
        return propagate_nan(e, a, a);
    if (c == F80_ZERO)
        return a;
    if (c == F80_INF)
        return f80_sign(a) ? f80_neg(f80_one()) : a;
    if (denormal_stops(e, a, a, &r))
        return r;
    struct unpacked u = f80_unpack(a);
    if (u.exp == 0 && u.sig == F80_J)      /* +-1: 1 and -0.5 exactly */
        return u.sign ? f80_make(true, F80_BIAS - 1, F80_J) : f80_one();
    if (u.exp >= 0) {
        /* Outside [-1, +1] the result is undefined (SDM vol. 2 F2XM1):
         * like the hardware we know of, the operand stays, with PE. */
        e->flags |= F80_PE;
        return a;
    }
    return w_round(e, expm1_series(w_mul(w_of(a), ln2_w())));
}

struct f80 f80_yl2x(struct f80_env *e, struct f80 y, struct f80 x)
{
    struct f80 r;
    if (two_operand_special(e, y, x, &r))
        return r;
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    bool sy = f80_sign(y);
    if (f80_sign(x) && cx != F80_ZERO)
        return invalid(e);      /* log of a negative number */
    if (cx == F80_ZERO) {       /* before DE, as for a division by zero */
        if (cy == F80_ZERO)
            return invalid(e);
        if (cy != F80_INF)
            e->flags |= F80_ZE;
        return f80_inf(!sy);
    }
    if (denormal_stops(e, y, x, &r))
        return r;
    if (cx == F80_INF) {
        if (cy == F80_ZERO)
            return invalid(e);
        return f80_inf(sy);
    }
    struct wide l = log2_w(w_of(x));
    bool lneg = l.sign && !w_is_zero(l);
    if (cy == F80_INF) {
        if (w_is_zero(l))
            return invalid(e);
        return f80_inf(sy != lneg);
    }
    if (cy == F80_ZERO || w_is_zero(l))
        return f80_zero(sy != lneg);
    return w_round(e, w_mul(w_of(y), l));
}

struct f80 f80_yl2xp1(struct f80_env *e, struct f80 y, struct f80 x)
{
    struct f80 r;
    if (two_operand_special(e, y, x, &r))
        return r;
    enum f80_class cy = f80_classify(y), cx = f80_classify(x);
    bool sy = f80_sign(y), sx = f80_sign(x);
    if ((cx == F80_ZERO && cy == F80_INF) || (cx == F80_INF && (sx || cy == F80_ZERO)))
        return invalid(e);      /* before DE, as the hardware checks */
    if (denormal_stops(e, y, x, &r))
        return r;
    if (cx == F80_ZERO)
        return f80_zero(sy != sx);
    if (cx == F80_INF)          /* outside the defined range */
        return f80_inf(sy);
    if (cy == F80_INF)
        return f80_inf(sy != sx);
    if (cy == F80_ZERO)
        return f80_zero(sy != sx);
    struct wide wx = w_of(x);
    struct wide one_plus = w_add(one_w(), wx);
    if (one_plus.sign || w_is_zero(one_plus)) {
        /* x <= -1, far outside the defined range (the result is
         * undefined): x itself, with PE, as the hardware we know of. */
        e->flags |= F80_PE;
        return x;
    }
    /* ln(1 + x) = 2 atanh(x / (2 + x)) */
    struct wide z = w_div(wx, w_add(w_int(2), wx));
    struct wide l;
    if (z.exp > -3)     /* |x| beyond the defined range: through log2 */
        l = log2_w(one_plus);
    else
        l = w_div(w_ldexp(odd_series(z, false), 1), ln2_w());
    return w_round(e, w_mul(w_of(y), l));
}
