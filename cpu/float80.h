/* float80: ember's own 80-bit extended-precision soft-float, the
 * arithmetic of the x87 FPU (Intel SDM vol. 1 chapter 4 "Data Types",
 * 4.8 "Real Numbers and Floating-Point Formats", 4.9 "Overview of
 * Floating-Point Exceptions", and chapter 8 "Programming with the x87
 * FPU"). It never uses the host's floating point, so results are the
 * same on every host.
 *
 * A value is the register image: a sign/exponent word and a 64-bit
 * significand with an explicit integer bit (J, bit 63). Every operation
 * takes a struct f80_env with the rounding control, the precision control
 * and the exception masks of the x87 control word, and ORs the exceptions
 * it detects into env->flags, in the status word's bit positions (IE DE
 * ZE OE UE PE, plus F80_C1 when an inexact result was rounded up in
 * magnitude: the x87's C1 "round up" bit).
 *
 * Exceptions follow the x87's precedence (SDM vol. 1 4.9.2): an SNaN or
 * unsupported operand reports only IE; a QNaN operand is propagated with
 * no exception; then the other invalid cases; then the denormal operand
 * (DE); then divide by zero; then overflow/underflow; then precision. A
 * pre-computation exception (IE, DE, ZE) that is unmasked stops the
 * operation: the returned value must then not be stored (the caller checks
 * f80_unmasked()). Unmasked overflow and underflow deliver the rounded
 * result with its exponent biased by 24576 (SDM vol. 1 4.9.1.4, 4.9.1.5),
 * as the x87 does for a register destination. */
#ifndef EMBER_CPU_FLOAT80_H
#define EMBER_CPU_FLOAT80_H

#include <stdbool.h>
#include <stdint.h>

struct f80 {
    uint64_t sig;       /* significand, bit 63 = the integer bit J */
    uint16_t se;        /* bit 15 sign, bits 14:0 biased exponent */
};

#define F80_BIAS 16383
#define F80_EXP_MAX 0x7FFF
#define F80_J (1ull << 63)
#define F80_QUIET (1ull << 62)

/* Exception flags: the x87 status word's bits (SDM vol. 1 8.1.3.1). */
#define F80_IE 0x0001u      /* invalid operation */
#define F80_DE 0x0002u      /* denormal operand */
#define F80_ZE 0x0004u      /* divide by zero */
#define F80_OE 0x0008u      /* overflow */
#define F80_UE 0x0010u      /* underflow */
#define F80_PE 0x0020u      /* precision (inexact) */
#define F80_ALL 0x003Fu
#define F80_C1 0x0200u      /* the inexact result was rounded up in magnitude */

/* Rounding control, as the x87 control word's RC field. */
enum f80_rc { F80_RN = 0, F80_RD = 1, F80_RU = 2, F80_RZ = 3 };

struct f80_env {
    uint8_t rc;         /* enum f80_rc */
    uint8_t prec;       /* 24, 53 or 64 significand bits (precision control) */
    uint8_t masks;      /* exception masks, F80_* bits (control word bits 5:0) */
    uint16_t flags;     /* exceptions raised so far, and F80_C1 */
};

/* The environment of an x87 control word. */
struct f80_env f80_env_of_cw(uint16_t cw);

static inline bool f80_unmasked(const struct f80_env *e, unsigned flags)
{
    return (e->flags & ~e->masks & flags) != 0;
}

/* Classes of an 80-bit register value (SDM vol. 1 8.2.2, table 8-3). */
enum f80_class {
    F80_ZERO,
    F80_DENORMAL,       /* exponent 0, significand nonzero (incl. pseudo-denormals) */
    F80_NORMAL,
    F80_INF,
    F80_QNAN,
    F80_SNAN,
    F80_UNSUPPORTED,    /* unnormals, pseudo-NaNs, pseudo-infinities */
};

static inline bool f80_sign(struct f80 a) { return (a.se >> 15) != 0; }
static inline unsigned f80_exp(struct f80 a) { return a.se & 0x7FFFu; }
static inline struct f80 f80_make(bool sign, unsigned exp, uint64_t sig)
{
    struct f80 r = { sig, (uint16_t)((sign ? 0x8000u : 0) | (exp & 0x7FFFu)) };
    return r;
}
static inline struct f80 f80_neg(struct f80 a) { a.se ^= 0x8000u; return a; }
static inline struct f80 f80_abs(struct f80 a) { a.se &= 0x7FFFu; return a; }

enum f80_class f80_classify(struct f80 a);
static inline bool f80_is_nan(struct f80 a)
{
    enum f80_class c = f80_classify(a);
    return c == F80_QNAN || c == F80_SNAN;
}

/* The default NaN ("real indefinite", SDM vol. 1 table 4-3). */
static inline struct f80 f80_indefinite(void) { return f80_make(true, F80_EXP_MAX, 0xC000000000000000ull); }
static inline struct f80 f80_zero(bool sign) { return f80_make(sign, 0, 0); }
static inline struct f80 f80_inf(bool sign) { return f80_make(sign, F80_EXP_MAX, F80_J); }
static inline struct f80 f80_one(void) { return f80_make(false, F80_BIAS, F80_J); }

/* Basic arithmetic: the result rounded to the precision control. */
struct f80 f80_add(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_sub(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_mul(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_div(struct f80_env *e, struct f80 a, struct f80 b);
struct f80 f80_sqrt(struct f80_env *e, struct f80 a);

/* FRNDINT: a to an integral value by the rounding control. */
struct f80 f80_round_to_int(struct f80_env *e, struct f80 a);
/* FSCALE: a * 2^trunc(b). */
struct f80 f80_scale(struct f80_env *e, struct f80 a, struct f80 b);
/* FXTRACT: a's unbiased exponent (as a value) and its significand (a
 * value in [1, 2) with a's sign). */
void f80_extract(struct f80_env *e, struct f80 a, struct f80 *exponent, struct f80 *significand);

/* FPREM (ieee false: quotient truncated) and FPREM1 (ieee true: quotient
 * rounded to nearest): the partial remainder of a by b. *quotient gets
 * the low three bits of the quotient, or F80_NO_QUOTIENT when a special
 * operand (zero, infinity, NaN) decided the result; *partial whether the
 * reduction is incomplete (C2). */
#define F80_NO_QUOTIENT 8u
struct f80 f80_rem(struct f80_env *e, struct f80 a, struct f80 b, bool ieee,
                   unsigned *quotient, bool *partial);

/* Comparison. quiet: only SNaNs are invalid (FUCOM); otherwise every
 * NaN is (FCOM). Unsupported operands are always invalid. */
enum f80_order { F80_LT, F80_EQ, F80_GT, F80_UNORDERED };
enum f80_order f80_compare(struct f80_env *e, struct f80 a, struct f80 b, bool quiet);

/* Conversions. Loading single and double is exact (DE for a denormal,
 * IE and a quieted NaN for an SNaN). Storing rounds by the rounding
 * control to the format's precision and range (the precision control
 * does not apply); an unmasked OE or UE means nothing is to be stored. */
struct f80 f80_from_f32(struct f80_env *e, uint32_t v);
struct f80 f80_from_f64(struct f80_env *e, uint64_t v);
/* The same widening for an arithmetic operand: an SNaN stays signaling
 * and nothing is raised; *denormal says whether DE is due. */
struct f80 f80_widen_f32(uint32_t v, bool *denormal);
struct f80 f80_widen_f64(uint64_t v, bool *denormal);
uint32_t f80_to_f32(struct f80_env *e, struct f80 a);
uint64_t f80_to_f64(struct f80_env *e, struct f80 a);
struct f80 f80_from_int(int64_t v);
/* To a signed integer of bits (16, 32, 64) by the rounding control; IE
 * and the integer indefinite (the most negative value) when a NaN,
 * infinity or out-of-range value does not fit. */
int64_t f80_to_int(struct f80_env *e, struct f80 a, unsigned bits);
/* Packed BCD (18 digits, sign in bit 7 of byte 9; SDM vol. 1 4.7). */
struct f80 f80_from_bcd(const uint8_t bcd[10]);
void f80_to_bcd(struct f80_env *e, struct f80 a, uint8_t bcd[10]);

/* The x87's constants (FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2), rounded to
 * 64 bits by the rounding control (SDM vol. 2 FLD1/FLDL2T/...: rounding
 * to nearest gives the 8087's values). */
enum f80_constant { F80_CONST_L2T, F80_CONST_L2E, F80_CONST_PI, F80_CONST_LG2, F80_CONST_LN2 };
struct f80 f80_constant(enum f80_constant c, unsigned rc);

/* Transcendentals (float80_transc.c), correctly rounded by the rounding
 * control to 64 bits from an internal 128-bit computation. The trigono-
 * metric ones reduce their argument modulo the x87's 66-bit pi (SDM vol.
 * 1 8.3.10) and return false, changing nothing, when |a| >= 2^63 (C2). */
bool f80_sin(struct f80_env *e, struct f80 a, struct f80 *out);
bool f80_cos(struct f80_env *e, struct f80 a, struct f80 *out);
bool f80_sincos(struct f80_env *e, struct f80 a, struct f80 *sin_out, struct f80 *cos_out);
bool f80_tan(struct f80_env *e, struct f80 a, struct f80 *out);
struct f80 f80_atan2(struct f80_env *e, struct f80 y, struct f80 x);   /* FPATAN */
struct f80 f80_2xm1(struct f80_env *e, struct f80 a);                  /* F2XM1 */
struct f80 f80_yl2x(struct f80_env *e, struct f80 y, struct f80 x);    /* FYL2X */
struct f80 f80_yl2xp1(struct f80_env *e, struct f80 y, struct f80 x);  /* FYL2XP1 */

#endif
