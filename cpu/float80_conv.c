/* float80 conversions: single and double precision, integers and packed
 * BCD (SDM vol. 1 4.2, 4.7, 4.8.3; vol. 2 FLD FST FILD FIST FBLD FBSTP). */
#include "float80_internal.h"

/* ------------------------------------------------------------------------
 * Single and double precision */

struct ieee_format {
    unsigned frac_bits;     /* 23 or 52 */
    unsigned exp_bits;      /* 8 or 11 */
    int32_t bias;
};

static const struct ieee_format single_fmt = { 23, 8, 127 };
static const struct ieee_format double_fmt = { 52, 11, 1023 };

/* A single or double (as its bit pattern) to extended, exactly: a
 * denormal is normalized, an SNaN stays signaling. */
static struct f80 widen(const struct ieee_format *f, uint64_t v, bool *denormal)
{
    bool sign = (v >> (f->frac_bits + f->exp_bits)) & 1;
    uint64_t emax = (1ull << f->exp_bits) - 1;
    uint64_t exp = (v >> f->frac_bits) & emax;
    uint64_t frac = v & ((1ull << f->frac_bits) - 1);
    unsigned align = 63 - f->frac_bits;
    *denormal = false;
    if (exp == emax)
        return f80_make(sign, F80_EXP_MAX, F80_J | frac << align);
    if (exp == 0) {
        if (frac == 0)
            return f80_zero(sign);
        *denormal = true;
        unsigned s = clz64(frac);
        int32_t lead = 1 - f->bias - (int32_t)f->frac_bits + (63 - (int32_t)s);
        return f80_make(sign, (unsigned)(lead + F80_BIAS), frac << s);
    }
    return f80_make(sign, (unsigned)((int32_t)exp - f->bias + F80_BIAS), F80_J | frac << align);
}

/* FLD m32fp/m64fp: IE and a quieted NaN for an SNaN, DE for a denormal
 * (SDM vol. 2 FLD). */
static struct f80 load_ieee(struct f80_env *e, const struct ieee_format *f, uint64_t v)
{
    bool denormal;
    struct f80 r = widen(f, v, &denormal);
    if (denormal)
        e->flags |= F80_DE;
    if (f80_classify(r) == F80_SNAN) {
        e->flags |= F80_IE;
        r = f80_quiet(r);
    }
    return r;
}

struct f80 f80_from_f32(struct f80_env *e, uint32_t v) { return load_ieee(e, &single_fmt, v); }
struct f80 f80_from_f64(struct f80_env *e, uint64_t v) { return load_ieee(e, &double_fmt, v); }
struct f80 f80_widen_f32(uint32_t v, bool *denormal) { return widen(&single_fmt, v, denormal); }
struct f80 f80_widen_f64(uint64_t v, bool *denormal) { return widen(&double_fmt, v, denormal); }

static uint64_t ieee_inf(const struct ieee_format *f, bool sign)
{
    uint64_t emax = (1ull << f->exp_bits) - 1;
    return (uint64_t)sign << (f->frac_bits + f->exp_bits) | emax << f->frac_bits;
}

/* Extended to single or double: rounded by the rounding control (not the
 * precision control), over- and underflowing at the format's range. */
static uint64_t to_ieee(struct f80_env *e, const struct ieee_format *f, struct f80 a)
{
    enum f80_class c = f80_classify(a);
    bool sign = f80_sign(a);
    unsigned align = 63 - f->frac_bits;
    uint64_t frac_mask = (1ull << f->frac_bits) - 1;
    switch (c) {
    case F80_UNSUPPORTED:
        e->flags |= F80_IE;
        return ieee_inf(f, true) | 1ull << (f->frac_bits - 1);     /* the default NaN */
    case F80_SNAN:
    case F80_QNAN:      /* quieted (IE for an SNaN), the payload truncated */
        if (c == F80_SNAN)
            e->flags |= F80_IE;
        return ieee_inf(f, sign) | ((a.sig | F80_QUIET) >> align & frac_mask);
    case F80_INF:
        return ieee_inf(f, sign);
    case F80_ZERO:
        return (uint64_t)sign << (f->frac_bits + f->exp_bits);
    default:
        break;
    }
    struct fmt rf = { f->frac_bits + 1, 1 - f->bias, f->bias };
    struct unpacked x = f80_unpack(a);
    struct rounded r = round_to_format(e, &rf, sign, x.exp, u128_of(x.sig, 0));
    uint64_t s = (uint64_t)sign << (f->frac_bits + f->exp_bits);
    if (r.kind == R_INF)
        return ieee_inf(f, sign);
    if (r.kind == R_TINY)
        return s | r.sig >> align;
    if (r.exp < rf.emin || r.exp > rf.emax)
        return s;       /* unmasked overflow/underflow: nothing is stored */
    return s | (uint64_t)(r.exp + f->bias) << f->frac_bits | (r.sig >> align & frac_mask);
}

uint32_t f80_to_f32(struct f80_env *e, struct f80 a) { return (uint32_t)to_ieee(e, &single_fmt, a); }
uint64_t f80_to_f64(struct f80_env *e, struct f80 a) { return to_ieee(e, &double_fmt, a); }

/* ------------------------------------------------------------------------
 * Integers */

struct f80 f80_from_int(int64_t v)
{
    if (v == 0)
        return f80_zero(false);
    bool sign = v < 0;
    uint64_t m = sign ? 0 - (uint64_t)v : (uint64_t)v;
    unsigned s = clz64(m);
    return f80_make(sign, (unsigned)(F80_BIAS + 63 - (int)s), m << s);
}

/* |a| rounded to an integer by the rounding control, with *fits false
 * when it needs more than 64 bits. PE and C1 are left to the caller. */
static uint64_t round_magnitude(const struct f80_env *e, struct f80 a, bool *fits, bool *inexact,
                                bool *up)
{
    struct unpacked x = f80_unpack(a);
    bool carry;
    *inexact = *up = false;
    *fits = true;
    if (x.exp > 63) {
        *fits = false;
        return 0;
    }
    if (x.exp == 63)
        return x.sig;
    uint64_t q = shift_round(u128_of(x.sig, 0), (unsigned)(64 + 63 - x.exp), e->rc, x.sign,
                             inexact, up, &carry);
    if (carry)
        *fits = false;
    return q;
}

int64_t f80_to_int(struct f80_env *e, struct f80 a, unsigned bits)
{
    uint64_t limit = 1ull << (bits - 1);    /* |min| */
    int64_t indefinite = (int64_t)(0 - limit);
    enum f80_class c = f80_classify(a);
    if (c == F80_ZERO)
        return 0;
    if (c != F80_NORMAL && c != F80_DENORMAL) {
        e->flags |= F80_IE;
        return indefinite;
    }
    bool fits, inexact, up;
    uint64_t m = round_magnitude(e, a, &fits, &inexact, &up);
    bool sign = f80_sign(a);
    if (!fits || m > limit || (m == limit && !sign)) {
        e->flags |= F80_IE;     /* SDM vol. 2 FIST: too large for the format */
        return indefinite;
    }
    if (inexact) {
        e->flags |= F80_PE;
        if (up)
            e->flags |= F80_C1;
    }
    return sign ? (int64_t)(0 - m) : (int64_t)m;
}

/* ------------------------------------------------------------------------
 * Packed BCD: bytes 0-8 hold 18 digits, two per byte, the low digit in
 * the low nibble; bit 7 of byte 9 is the sign. */

struct f80 f80_from_bcd(const uint8_t bcd[10])
{
    /* Digits above 9 are undefined (SDM vol. 2 FBLD); they weigh as their
     * binary value, which cannot overflow 64 bits. */
    uint64_t v = 0;
    for (int k = 8; k >= 0; k--)
        v = v * 100 + (uint64_t)(bcd[k] >> 4) * 10 + (bcd[k] & 15);
    bool sign = (bcd[9] & 0x80) != 0;
    if (v == 0)
        return f80_zero(sign);
    struct f80 r = f80_from_int((int64_t)v);
    r.se |= sign ? 0x8000 : 0;
    return r;
}

#define BCD_MAX 999999999999999999ull

void f80_to_bcd(struct f80_env *e, struct f80 a, uint8_t bcd[10])
{
    enum f80_class c = f80_classify(a);
    bool fits = true, inexact = false, up = false;
    uint64_t m = 0;
    if (c == F80_NORMAL || c == F80_DENORMAL)
        m = round_magnitude(e, a, &fits, &inexact, &up);
    else if (c != F80_ZERO)
        fits = false;
    if (!fits || m > BCD_MAX) {
        /* The packed BCD indefinite (SDM vol. 1 table 4-4). */
        static const uint8_t indefinite[10] = { 0, 0, 0, 0, 0, 0, 0, 0xC0, 0xFF, 0xFF };
        e->flags |= F80_IE;
        for (int k = 0; k < 10; k++)
            bcd[k] = indefinite[k];
        return;
    }
    if (inexact) {
        e->flags |= F80_PE;
        if (up)
            e->flags |= F80_C1;
    }
    for (int k = 0; k < 9; k++) {
        unsigned lo = (unsigned)(m % 10);
        m /= 10;
        unsigned hi = (unsigned)(m % 10);
        m /= 10;
        bcd[k] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = f80_sign(a) ? 0x80 : 0;
}
