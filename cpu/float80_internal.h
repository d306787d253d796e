/* What the float80 source files share: 128-bit integer helpers, the
 * unpacked form of a finite value, and the one rounding routine every
 * operation ends in. Not part of the public API (float80.h). */
#ifndef EMBER_CPU_FLOAT80_INTERNAL_H
#define EMBER_CPU_FLOAT80_INTERNAL_H

#include "float80.h"

/* ------------------------------------------------------------------------
 * 128-bit unsigned integers, portable (no __int128 needed). */

struct u128 {
    uint64_t hi, lo;
};

static inline struct u128 u128_of(uint64_t hi, uint64_t lo)
{
    struct u128 r = { hi, lo };
    return r;
}
static inline bool u128_is_zero(struct u128 a) { return (a.hi | a.lo) == 0; }
static inline int u128_cmp(struct u128 a, struct u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    return a.lo < b.lo ? -1 : a.lo > b.lo;
}
static inline struct u128 u128_add(struct u128 a, struct u128 b)
{
    struct u128 r = { a.hi + b.hi, a.lo + b.lo };
    r.hi += r.lo < a.lo;
    return r;
}
static inline struct u128 u128_sub(struct u128 a, struct u128 b)
{
    struct u128 r = { a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo };
    return r;
}
static inline struct u128 u128_shl(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_of(0, 0);
    if (n >= 64)
        return u128_of(a.lo << (n - 64), 0);
    return u128_of(a.hi << n | a.lo >> (64 - n), a.lo << n);
}
static inline struct u128 u128_shr(struct u128 a, unsigned n)
{
    if (n == 0)
        return a;
    if (n >= 128)
        return u128_of(0, 0);
    if (n >= 64)
        return u128_of(0, a.hi >> (n - 64));
    return u128_of(a.hi >> n, a.lo >> n | a.hi << (64 - n));
}
/* Shift right, ORing every bit shifted out into bit 0 ("jamming"). */
static inline struct u128 u128_shr_jam(struct u128 a, unsigned n)
{
    struct u128 r = u128_shr(a, n);
    if (!u128_is_zero(u128_sub(a, u128_shl(r, n))))
        r.lo |= 1;
    return r;
}
static inline unsigned clz64(uint64_t v)
{
    unsigned n = 0;
    if (v == 0)
        return 64;
    while (!(v & F80_J)) {
        v <<= 1;
        n++;
    }
    return n;
}
static inline unsigned u128_clz(struct u128 a)
{
    return a.hi ? clz64(a.hi) : 64 + clz64(a.lo);
}
/* The full product of two 64-bit numbers. */
static inline struct u128 mul64(uint64_t a, uint64_t b)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    struct u128 r;
    r.lo = (mid << 32) | (uint32_t)p00;
    r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return r;
}
/* (hi:lo) / d with hi < d: the 64-bit quotient, *rem the remainder. */
uint64_t div128_64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem);

/* ------------------------------------------------------------------------
 * Finite nonzero values, unpacked: value = sig * 2^(exp - 63), with the
 * significand normalized (bit 63 set). */

struct unpacked {
    bool sign;
    int32_t exp;        /* unbiased exponent of bit 63 */
    uint64_t sig;
};

/* An F80_NORMAL or F80_DENORMAL value, normalized (a pseudo-denormal's
 * exponent field 0 means 1, as for a denormal: SDM vol. 1 8.2.2). */
struct unpacked f80_unpack(struct f80 a);

/* (m >> n) rounded by rc for a value of the given sign, n >= 64: the
 * rounded integer; *inexact, *up (the magnitude grew), *carry (it
 * reached 2^64). */
uint64_t shift_round(struct u128 m, unsigned n, unsigned rc, bool sign, bool *inexact, bool *up,
                     bool *carry);

/* A destination format for rounding: significand bits and the exponent
 * range of normal values (unbiased). */
struct fmt {
    unsigned prec;
    int32_t emin, emax;
};

#define EXT_EMIN (-16382)
#define EXT_EMAX 16383
#define EXT_BIAS_ADJUST 24576   /* SDM vol. 1 table 4-10, double extended */

enum rounded_kind { R_FINITE, R_TINY, R_INF };

/* A rounded result: R_FINITE is sig * 2^(exp - 63) with bit 63 set (exp
 * possibly outside the format's range after an unmasked overflow or
 * underflow: the caller biases it); R_TINY is sig * 2^(emin - 63), a
 * denormal, a zero, or the smallest normal reached by rounding (bit 63
 * set); R_INF is an infinity. */
struct rounded {
    enum rounded_kind kind;
    bool sign;
    int32_t exp;
    uint64_t sig;
};

/* Round (m as a 128-bit integer) * 2^(exp - 127), m's bit 127 set, to
 * format f by e's rounding control, raising OE UE PE and C1 as the x87
 * does (tininess detected after rounding, SDM vol. 1 4.9.1.5). An
 * unmasked overflow or underflow returns the significand rounded to the
 * format's precision, its exponent unchanged: the caller applies the
 * bias adjustment or stores nothing. */
struct rounded round_to_format(struct f80_env *e, const struct fmt *f, bool sign, int32_t exp,
                               struct u128 m);

/* The same for the extended register format at e's precision control,
 * packed, with the 24576 bias adjustment for unmasked overflow and
 * underflow. */
struct f80 round_pack(struct f80_env *e, unsigned prec, bool sign, int32_t exp, struct u128 m);

/* The NaN an operation on a and b returns (one of them a NaN, neither
 * unsupported), IE for an SNaN (SDM vol. 1 table 4-7). */
struct f80 propagate_nan(struct f80_env *e, struct f80 a, struct f80 b);
static inline struct f80 f80_quiet(struct f80 a)
{
    a.sig |= F80_QUIET;
    return a;
}
/* An invalid operation: IE and the default NaN. */
static inline struct f80 invalid(struct f80_env *e)
{
    e->flags |= F80_IE;
    return f80_indefinite();
}

#endif
