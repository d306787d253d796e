/* The x87 part of the differential test; see x87.h.
 *
 * A case's x87 state is an FRSTOR image: registers of every class the
 * x87 knows (zeros, denormals and pseudo-denormals, normals near the
 * rounding points of the three precisions, infinities, quiet and
 * signaling NaNs, the default NaN, unsupported encodings), some empty,
 * TOP anywhere, a control word with every rounding and precision control
 * and, now and then, unmasked exceptions, and status flags (a pending
 * unmasked exception makes a waiting instruction raise #MF). Memory
 * operands hold values of their format with the same bias.
 *
 * Compared after: the whole FNSAVE image, except what the SDM leaves
 * undefined for the instruction (its "FPU Flags Affected" and the
 * operand ranges of F2XM1, FYL2XP1 and FBLD), FDP/FDS after an
 * instruction without a memory operand (SDM vol. 1 8.1.8), and the
 * results of the transcendental instructions, which are compared to
 * within two units in the last place: the SDM bounds their error by one
 * (vol. 1 8.3.10) and the two sides may err in opposite directions. */
#include "x87.h"

#include <string.h>

#include "decode.h"

#define J (1ull << 63)
#define QUIET (1ull << 62)

/* ------------------------------------------------------------------ */
/* Which rows, which operand sizes.                                     */

bool x87_row(const struct row *row)
{
    if (row->map == 0)
        return row->opc >= 0xD8 && row->opc <= 0xDF;
    return !strcmp(row->mn, "fxsave") || !strcmp(row->mn, "fxrstor");
}

static bool is(const struct row *row, const char *mn) { return !strcmp(row->mn, mn); }

unsigned x87_operand_size(const struct row *row, bool o16)
{
    static const struct { const char *form; unsigned size16, size32; } sizes[] = {
        { "m32fp", 4, 4 }, { "m64fp", 8, 8 }, { "m80fp", 10, 10 }, { "m16int", 2, 2 },
        { "m32int", 4, 4 }, { "m64int", 8, 8 }, { "m80bcd", 10, 10 }, { "m2byte", 2, 2 },
        { "m14/28byte", 14, 28 }, { "m94/108byte", 94, 108 }, { "m512byte", 512, 512 },
    };
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        if (!strcmp(row->form, sizes[k].form))
            return o16 ? sizes[k].size16 : sizes[k].size32;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Values.                                                              */

struct x80 {
    uint64_t sig;
    uint16_t se;
};

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put80(uint8_t *p, struct x80 v) { put64(p, v.sig); put16(p + 8, v.se); }
static struct x80 get80(const uint8_t *p) { struct x80 v = { get64(p), (uint16_t)get16(p + 8) }; return v; }

/* A significand with the patterns rounding cares about: a power of two,
 * all ones, a run of ones, trailing zeros, a halfway point of the 24-,
 * 53- or 64-bit precision. */
static uint64_t pattern_sig(struct rng *r)
{
    uint64_t m = rng_next(r);
    switch (rng_below(r, 12)) {
    case 0: return J;
    case 1: return ~0ull;
    case 2: return m | ~0ull << rng_below(r, 64);
    case 3: return m & ~0ull << rng_below(r, 64);
    case 4: return (m & ~((1ull << 40) - 1)) | 1ull << 39;
    case 5: return (m & ~((1ull << 11) - 1)) | 1ull << 10;
    case 6: return (m & ~((1ull << 40) - 1)) | ((1ull << 40) - 1);
    default: return m;
    }
}

static struct x80 x80_of(bool sign, unsigned exp, uint64_t sig)
{
    struct x80 v = { sig, (uint16_t)((sign ? 0x8000u : 0) | (exp & 0x7FFF)) };
    return v;
}

/* An 80-bit register value of a random class. */
static struct x80 random_x80(struct rng *r)
{
    bool sign = rng_chance(r, 50);
    uint64_t m = pattern_sig(r) | J;
    unsigned p = rng_below(r, 100);
    if (p < 40)
        return x80_of(sign, 0x3FFF + rng_range(r, 0, 140) - 70, m);
    if (p < 50)     /* small integers and simple fractions */
        return x80_of(sign, 0x3FFF + rng_range(r, 0, 20) - 4, m & ~0ull << rng_range(r, 40, 63));
    if (p < 57)
        return x80_of(sign, rng_range(r, 1, 0x7FFE), m);
    if (p < 61)
        return x80_of(sign, rng_range(r, 1, 70), m);
    if (p < 65)
        return x80_of(sign, rng_range(r, 0x7FFE - 70, 0x7FFE), m);
    if (p < 70)
        return x80_of(sign, 0, (m & ~J) >> rng_below(r, 64));     /* denormal (maybe zero) */
    if (p < 72)
        return x80_of(sign, 0, m);                                  /* pseudo-denormal */
    if (p < 77)
        return x80_of(sign, 0, 0);
    if (p < 81)
        return x80_of(sign, 0x7FFF, J);
    if (p < 86)
        return x80_of(sign, 0x7FFF, m | QUIET);
    if (p < 91) {
        uint64_t s = (m & ~QUIET) | J;
        return x80_of(sign, 0x7FFF, s == J ? J | 1 : s);            /* SNaN */
    }
    if (p < 94)
        return x80_of(true, 0x7FFF, J | QUIET);                     /* the default NaN */
    if (p < 97)     /* integers near the limits of FIST and FBSTP */
        return x80_of(sign, 0x3FFF + (unsigned[]){ 15, 31, 63, 59, 14, 30, 62 }[rng_below(r, 7)],
                      rng_chance(r, 50) ? J : m);
    /* unsupported: an unnormal, a pseudo-infinity or a pseudo-NaN */
    return x80_of(sign, rng_chance(r, 50) ? rng_range(r, 1, 0x7FFE) : 0x7FFF, m & ~J);
}

/* A value in a range, by its unbiased exponent at most emax. */
static struct x80 small_x80(struct rng *r, int emax, int span)
{
    return x80_of(rng_chance(r, 50), (unsigned)(0x3FFF + emax - (int)rng_below(r, (uint32_t)span)),
                  pattern_sig(r) | J);
}

/* The register values a row works best with: arguments inside the
 * defined ranges, scale factors that stay in range, remainders with
 * every exponent difference. */
static void tune_operands(struct rng *r, const struct row *row, struct x80 *st0, struct x80 *st1)
{
    if (!rng_chance(r, 75))
        return;
    if (is(row, "f2xm1"))
        *st0 = small_x80(r, -1, 66);
    else if (is(row, "fyl2xp1"))
        *st0 = small_x80(r, -2, 66);
    else if (is(row, "fyl2x"))
        st0->se &= 0x7FFF;
    else if (is(row, "fscale"))
        *st1 = x80_of(rng_chance(r, 50), 0x3FFF + rng_below(r, 15), pattern_sig(r) | J);
    else if (is(row, "fprem") || is(row, "fprem1"))
        st0->se = (uint16_t)((st0->se & 0x8000) | ((st1->se + rng_below(r, 200) - 10) & 0x7FFF));
    else if (is(row, "fsin") || is(row, "fcos") || is(row, "fsincos") || is(row, "fptan"))
        *st0 = small_x80(r, rng_chance(r, 80) ? 3 : 64, 70);
}

/* ------------------------------------------------------------------ */
/* The state.                                                           */

/* The environment as FNSAVE stores it in 32-bit protected mode (the
 * reserved upper halves written as ones). */
static void put_env32(uint8_t *b, uint16_t cw, uint16_t sw, uint16_t tw, uint32_t fip, uint16_t fcs,
                      uint16_t fop, uint32_t fdp, uint16_t fds)
{
    put32(b + 0, 0xFFFF0000u | cw);
    put32(b + 4, 0xFFFF0000u | sw);
    put32(b + 8, 0xFFFF0000u | tw);
    put32(b + 12, fip);
    put32(b + 16, fcs | (uint32_t)(fop & 0x7FF) << 16);
    put32(b + 20, fdp);
    put32(b + 24, 0xFFFF0000u | fds);
}

void x87_default_state(uint8_t image[HD_FPU_BYTES])
{
    memset(image, 0, HD_FPU_BYTES);
    put_env32(image, 0x037F, 0, 0xFFFF, 0, 0, 0, 0, 0);
}

static uint16_t random_cw(struct rng *r)
{
    static const uint16_t pc[] = { 0x300, 0x300, 0x300, 0x200, 0x000, 0x100 };
    uint16_t masks = rng_chance(r, 80) ? 0x3F : (uint16_t)(rng32(r) & 0x3F);
    uint16_t cw = (uint16_t)(0x0040 | rng_below(r, 4) << 10 | pc[rng_below(r, 6)] | masks);
    if (rng_chance(r, 5))
        cw |= 0x1000;       /* the 287's infinity control: ignored */
    return cw;
}

/* Status flags, ES and B consistent with the masks; most cases without
 * a pending exception. */
static uint16_t random_sw(struct rng *r, uint16_t cw, unsigned top)
{
    uint16_t sw = (uint16_t)(rng32(r) & 0x4700);            /* C0 C1 C2 C3 */
    if (rng_chance(r, 40))
        sw |= (uint16_t)(rng32(r) & 0x7F);                  /* flags and SF */
    if ((sw & ~cw & 0x3F) && rng_chance(r, 80))
        sw &= (uint16_t)~(~cw & 0x3F);                      /* nothing pending */
    if (sw & ~cw & 0x3F)
        sw |= 0x8080;
    return (uint16_t)(sw | top << 11);
}

void x87_random_state(struct rng *r, const struct row *row, uint8_t image[HD_FPU_BYTES])
{
    uint16_t cw = random_cw(r);
    unsigned top = rng_below(r, 8), mode = rng_below(r, 100);
    uint16_t tw = 0;
    struct x80 st[8];
    for (unsigned k = 0; k < 8; k++) {
        /* ST(k) is physical register (top + k) & 7 */
        bool used = mode < 5 ? true : mode < 8 ? false : k < 2 ? rng_chance(r, 93) : rng_chance(r, 60);
        unsigned tag = used ? rng_below(r, 3) : 3;
        tw = (uint16_t)(tw | tag << (2 * ((top + k) & 7)));
        st[k] = random_x80(r);
    }
    tune_operands(r, row, &st[0], &st[1]);
    /* FYL2X of a power of two can be exact: this host raises PE anyway,
     * the SDM only when inexact; not generated (README). */
    if (is(row, "fyl2x") && st[0].sig && (st[0].sig & (st[0].sig - 1)) == 0)
        st[0].sig |= st[0].sig == 1 ? 2 : 1;
    /* F2XM1 of -1 is -0.5 exactly: this host raises PE, the SDM only
     * when inexact; not generated (README). */
    if (is(row, "f2xm1") && (st[0].se & 0x7FFF) == 0x3FFF && st[0].sig == J)
        st[0].sig |= 1;
    uint16_t sw = random_sw(r, cw, top);
    /* FCOMI and friends: the SDM clears C1, this host (AMD) leaves it;
     * generated with C1 clear (README, host behaviour). */
    if (!strncmp(row->mn, "fcomi", 5) || !strncmp(row->mn, "fucomi", 6))
        sw &= (uint16_t)~0x0200u;
    /* D9 D8+i, the undocumented FSTP alias: this host runs it as FSTPNCE
     * (no stack fault, the empty tag copied); generated with ST(0) in
     * use (README, host behaviour). */
    if (row->opc == 0xD9 && row->ext == 3 && (row->attrs & MOD3))
        tw = (uint16_t)(tw & ~(3u << (2 * top)));
    /* FXSAVE: this host (AMD) stores FIP, FDP and FOP only while ES is
     * set; generated with an unmasked exception pending (README). */
    if (is(row, "fxsave")) {
        cw &= (uint16_t)~1u;
        sw |= 0x8081;
    }
    put_env32(image, cw, sw, tw, rng32(r), (uint16_t)rng32(r), (uint16_t)rng32(r),
              rng32(r), (uint16_t)rng32(r));
    for (unsigned k = 0; k < 8; k++)
        put80(image + 28 + 10 * k, st[k]);
}

/* ------------------------------------------------------------------ */
/* Memory operands.                                                     */

/* A single or double of a random class, as its bits. */
static uint64_t random_ieee(struct rng *r, unsigned frac_bits, unsigned exp_bits)
{
    uint64_t emax = (1ull << exp_bits) - 1, bias = emax >> 1;
    uint64_t frac = pattern_sig(r) >> (64 - frac_bits), exp;
    unsigned p = rng_below(r, 100);
    if (p < 50)
        exp = bias + rng_range(r, 0, 60) - 30;
    else if (p < 62)
        exp = rng_range(r, 1, (uint32_t)emax - 1);
    else if (p < 72)
        exp = 0;        /* zero or denormal */
    else if (p < 80)
        exp = emax, frac = rng_chance(r, 50) ? 0 : frac;
    else if (p < 85)
        exp = 0, frac = 0;
    else
        exp = rng_chance(r, 50) ? rng_range(r, 1, 20) : emax - rng_range(r, 1, 20);
    if (exp == emax && frac && rng_chance(r, 50))
        frac &= ~(1ull << (frac_bits - 1));                  /* signaling */
    if (exp == emax && frac == 0 && rng_chance(r, 30))
        frac = 1;
    uint64_t sign = rng_chance(r, 50);
    return sign << (frac_bits + exp_bits) | exp << frac_bits | frac;
}

static uint64_t random_int(struct rng *r, unsigned bits)
{
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1, v = rng_next(r);
    switch (rng_below(r, 6)) {
    case 0: return (v % 200 - 100) & mask;
    case 1: return (1ull << (bits - 1)) + rng_below(r, 3) - 1;     /* around the limits */
    case 2: return v >> rng_below(r, bits) & mask;
    default: return v & mask;
    }
}

static void random_bcd(struct rng *r, uint8_t *b)
{
    unsigned digits = rng_below(r, 19);
    for (unsigned k = 0; k < 9; k++) {
        unsigned lo = 2 * k < digits ? rng_below(r, 10) : 0, hi = 2 * k + 1 < digits ? rng_below(r, 10) : 0;
        b[k] = (uint8_t)(hi << 4 | lo);
    }
    b[9] = rng_chance(r, 50) ? 0x80 : 0;
    if (rng_chance(r, 10))
        for (unsigned k = 0; k < 10; k++)
            b[k] = (uint8_t)rng32(r);       /* invalid digits: undefined */
}

/* An environment (and for FRSTOR the registers) in the layout the row's
 * operand size selects, protected mode. */
static void random_env(struct rng *r, const struct row *row, bool o16, uint8_t *buf, unsigned n)
{
    uint8_t image[HD_FPU_BYTES];
    x87_random_state(r, row, image);
    if (!o16) {
        memcpy(buf, image, n < HD_FPU_BYTES ? n : HD_FPU_BYTES);
        return;
    }
    static const unsigned from[7] = { 0, 4, 8, 12, 16, 20, 24 };
    for (unsigned k = 0; k < 7; k++)
        put16(buf + 2 * k, get16(image + from[k]));
    if (n > 14)
        memcpy(buf + 14, image + 28, 80);
}

/* FXRSTOR: the header and the registers of a random state, MXCSR valid
 * (the host has SSE: reserved MXCSR bits would be #GP there). */
static void random_fxsave_area(struct rng *r, const struct row *row, uint8_t *buf, unsigned n)
{
    uint8_t image[HD_FPU_BYTES];
    for (unsigned k = 0; k < n; k++)
        buf[k] = (uint8_t)rng32(r);
    x87_random_state(r, row, image);
    put16(buf + 0, get16(image));
    put16(buf + 2, get16(image + 4));
    uint16_t tw = (uint16_t)get16(image + 8);
    uint8_t abridged = 0;
    for (unsigned k = 0; k < 8; k++)
        if (((tw >> (2 * k)) & 3) != 3)
            abridged = (uint8_t)(abridged | 1u << k);
    buf[4] = abridged;
    buf[5] = 0;
    put16(buf + 6, get32(image + 16) >> 16 & 0x7FF);
    put32(buf + 8, get32(image + 12));
    put32(buf + 12, get16(image + 16));
    put32(buf + 16, get32(image + 20));
    put32(buf + 20, get16(image + 24));
    put32(buf + 24, 0x1F80);
    put32(buf + 28, 0xFFFF);
    for (unsigned k = 0; k < 8; k++) {
        memcpy(buf + 32 + 16 * k, image + 28 + 10 * k, 10);
        memset(buf + 42 + 16 * k, 0, 6);
    }
}

void x87_operand_bytes(struct rng *r, const struct row *row, bool o16, uint8_t *buf, unsigned n)
{
    const char *f = row->form;
    if (!strcmp(f, "m32fp"))
        put32(buf, (uint32_t)random_ieee(r, 23, 8));
    else if (!strcmp(f, "m64fp"))
        put64(buf, random_ieee(r, 52, 11));
    else if (!strcmp(f, "m80fp"))
        put80(buf, random_x80(r));
    else if (!strcmp(f, "m16int"))
        put16(buf, (uint32_t)random_int(r, 16));
    else if (!strcmp(f, "m32int"))
        put32(buf, (uint32_t)random_int(r, 32));
    else if (!strcmp(f, "m64int"))
        put64(buf, random_int(r, 64));
    else if (!strcmp(f, "m80bcd"))
        random_bcd(r, buf);
    else if (!strcmp(f, "m2byte"))
        put16(buf, rng_chance(r, 80) ? random_cw(r) : rng32(r));
    else if (!strcmp(f, "m14/28byte") || !strcmp(f, "m94/108byte"))
        random_env(r, row, o16, buf, n);
    else if (!strcmp(f, "m512byte"))
        random_fxsave_area(r, row, buf, n);
}

/* ------------------------------------------------------------------ */
/* Undefined results (SDM vol. 2, each instruction's "FPU Flags         */
/* Affected" and operand ranges).                                       */

static bool one_of(const struct row *row, const char *const *list)
{
    for (; *list; list++)
        if (is(row, *list))
            return true;
    return false;
}

#define SW_C0 0x0100u
#define SW_C1 0x0200u
#define SW_C2 0x0400u
#define SW_C3 0x4000u

/* Instructions whose C0, C2 and C3 the SDM leaves undefined. */
static const char *const c023_undefined[] = {
    "fadd", "faddp", "fiadd", "fsub", "fsubp", "fisub", "fsubr", "fsubrp", "fisubr",
    "fmul", "fmulp", "fimul", "fdiv", "fdivp", "fidiv", "fdivr", "fdivrp", "fidivr",
    "fsqrt", "frndint", "fscale", "f2xm1", "fyl2x", "fyl2xp1", "fpatan", "fxtract",
    "fld", "fild", "fbld", "fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz",
    "fst", "fstp", "fist", "fistp", "fbstp", "fxch", "fchs", "fabs", "fincstp", "fdecstp",
    "fcmovb", "fcmove", "fcmovbe", "fcmovu", "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu",
    NULL,
};
/* ... and C0 to C3. */
static const char *const cc_undefined[] = {
    "ffree", "ffreep", "fnop", "fneni", "fndisi", "fnsetpm", "fnclex", "fldcw", "fnstcw",
    "fnstsw", NULL,
};
/* Results within two units in the last place: ST(i) after, by mask. */
static const struct { const char *mn; uint8_t slots; } approximate[] = {
    { "fsin", 1 }, { "fcos", 1 }, { "fptan", 2 }, { "fsincos", 3 }, { "fpatan", 1 },
    { "fyl2x", 1 }, { "fyl2xp1", 1 }, { "f2xm1", 1 },
};

/* The input ST(0), from the case's image. */
static struct x80 input_st0(const struct gen_case *gc) { return get80(gc->c.fpu + 28); }

/* |v| as a fraction of 2^64 scaled: is |v| < limit (limit's exponent
 * and significand)? */
static bool magnitude_below(struct x80 v, unsigned exp, uint64_t sig)
{
    unsigned e = v.se & 0x7FFF;
    return e < exp || (e == exp && v.sig < sig);
}

static bool bcd_valid(const uint8_t *b)
{
    for (unsigned k = 0; k < 9; k++)
        if ((b[k] & 15) > 9 || (b[k] >> 4) > 9)
            return false;
    return true;
}

static void operand_ranges(const struct row *row, const struct gen_case *gc, struct hd_mask *m)
{
    struct x80 x = input_st0(gc);
    /* F2XM1: -1 <= x <= +1; FYL2XP1: |x| < 1 - sqrt(2)/2 (0.2928...). */
    /* An undefined result: its value, tag, exceptions and C1. */
    const uint16_t result_flags = 0x80BF | SW_C1;
    if (is(row, "f2xm1") && !magnitude_below(x, 0x3FFF, J + 1)) {
        m->x87_undefined |= 1;
        m->fsw |= result_flags;
        m->why = "SDM vol. 2 F2XM1: result undefined outside -1..+1";
    }
    if (is(row, "fyl2xp1") && !magnitude_below(x, 0x3FFD, 0x95F619980C4336F7ull)) {
        m->x87_undefined |= 1;
        m->fsw |= result_flags;
        m->why = "SDM vol. 2 FYL2XP1: result undefined for |ST(0)| >= 1 - sqrt(2)/2";
    }
    if (is(row, "fbld") && gc->facts.dest_mem) {
        uint8_t b[10];
        uint32_t at = 0;
        bool found = false;
        for (unsigned k = 0; k < gc->c.nspans && !found; k++) {
            const struct hd_span *s = &gc->c.span[k];
            if (gc->facts.dest_off >= s->off && gc->facts.dest_off + 10 <= s->off + s->len) {
                memcpy(b, gc->c.mem + at + (gc->facts.dest_off - s->off), 10);
                found = true;
            }
            at += s->len;
        }
        if (found && !bcd_valid(b)) {
            m->x87_undefined |= 1;
            m->why = "SDM vol. 2 FBLD: invalid BCD digits give an undefined result";
        }
    }
}

void x87_undefined(const struct row *row, const struct gen_case *gc, struct hd_mask *m)
{
    if (!x87_row(row))
        return;
    if (one_of(row, c023_undefined))
        m->fsw |= SW_C0 | SW_C2 | SW_C3;
    if (one_of(row, cc_undefined))
        m->fsw |= SW_C0 | SW_C1 | SW_C2 | SW_C3;
    if (is(row, "fsin") || is(row, "fcos") || is(row, "fsincos") || is(row, "fptan"))
        m->fsw |= SW_C0 | SW_C3;
    for (unsigned k = 0; k < sizeof approximate / sizeof approximate[0]; k++)
        if (is(row, approximate[k].mn)) {
            m->x87_ulps |= approximate[k].slots;
            m->fsw |= SW_C1;    /* the rounding direction of an approximation */
        }
    /* FDP and FDS after an instruction without a memory operand (SDM
     * vol. 1 8.1.8: "undefined (reserved)"). */
    if (!gc->facts.dest_mem && !is(row, "fnstenv") && !is(row, "fnsave"))
        m->x87_fdp = true;
    operand_ranges(row, gc, m);
    if (is(row, "fxsave") && gc->facts.dest_mem) {
        /* Without SSE, MXCSR and the XMM area are reserved: FXSAVE leaves
         * them alone (SDM vol. 2 FXSAVE, table 3-53); the host stores
         * its SSE state there. */
        m->mem[m->nmem++] = (struct hd_span){ gc->facts.dest_off + 24, 8 };
        m->mem[m->nmem++] = (struct hd_span){ gc->facts.dest_off + 160, 352 };
        m->why = "SDM vol. 2 FXSAVE: MXCSR and the XMM registers, reserved without SSE";
    }
    if (m->fsw && !m->why)
        m->why = "SDM vol. 2 FPU flags affected: condition codes undefined";
}

/* ------------------------------------------------------------------ */
/* Comparison.                                                          */

/* Within two units in the last place (same sign, adjacent exponents). */
static bool close_x80(struct x80 a, struct x80 b)
{
    if (a.se == b.se) {
        uint64_t d = a.sig > b.sig ? a.sig - b.sig : b.sig - a.sig;
        return d <= 2;
    }
    if ((a.se ^ b.se) & 0x8000)
        return false;
    struct x80 hi = (a.se & 0x7FFF) > (b.se & 0x7FFF) ? a : b, lo = (a.se & 0x7FFF) > (b.se & 0x7FFF) ? b : a;
    if ((hi.se & 0x7FFF) != (lo.se & 0x7FFF) + 1 || hi.sig > J + 1)
        return false;
    return ~lo.sig <= 4;    /* lo just under the power of two */
}

bool x87_state_differs(const struct gen_case *gc, const struct hd_result *a,
                       const struct hd_result *b, const struct hd_mask *m)
{
    (void)gc;
    const uint8_t *x = a->fpu, *y = b->fpu;
    uint32_t sw_mask = m ? m->fsw : 0;
    /* After a fault the host's state comes from the signal frame, saved
     * by the kernel with FXSAVE/XSAVE: a 64-bit kernel writes the current
     * CS and DS in place of FCS and FDS and no opcode (the 64-bit format
     * has no selectors), and this host's (AMD) saves FIP and FDP only
     * while ES is set. Those are not comparable then. */
    bool faulted = a->vector != HD_NONE, ptrs = !faulted || (get32(x + 4) & 0x80);
    uint32_t sel_mask = faulted ? 0xFFFFu : 0;
    uint32_t fop_mask = faulted ? 0x07FF0000u : 0;
    if (get32(x) != get32(y) || ((get32(x + 4) ^ get32(y + 4)) & ~sw_mask) ||
        (ptrs && get32(x + 12) != get32(y + 12)) ||
        ((get32(x + 16) ^ get32(y + 16)) & ~(sel_mask | fop_mask)))
        return true;
    if (!(m && m->x87_fdp) && ((ptrs && get32(x + 20) != get32(y + 20)) ||
                               ((get32(x + 24) ^ get32(y + 24)) & ~sel_mask)))
        return true;
    /* The tags follow the contents: an undefined result's tag is too. */
    uint32_t tag_mask = 0;
    unsigned top = (get32(x + 4) >> 11) & 7;
    for (unsigned k = 0; m && k < 8; k++)
        if ((m->x87_undefined >> k) & 1)
            tag_mask |= 3u << (2 * ((top + k) & 7));
    if ((get32(x + 8) ^ get32(y + 8)) & ~tag_mask)
        return true;
    for (unsigned k = 0; k < 8; k++) {
        struct x80 p = get80(x + 28 + 10 * k), q = get80(y + 28 + 10 * k);
        if (m && (m->x87_undefined >> k) & 1)
            continue;
        if (m && (m->x87_ulps >> k) & 1 ? !close_x80(p, q) : (p.sig != q.sig || p.se != q.se))
            return true;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Printing.                                                            */

static void print_image(FILE *out, const char *who, const uint8_t *img)
{
    uint32_t sw = get32(img + 4), tw = get32(img + 8);
    unsigned top = (sw >> 11) & 7;
    fprintf(out, "  %-8s cw=%04x sw=%04x tw=%04x fip=%08x fcs:fop=%08x fdp=%08x fds=%08x\n", who,
            get32(img) & 0xFFFF, sw & 0xFFFF, tw & 0xFFFF, get32(img + 12), get32(img + 16),
            get32(img + 20), get32(img + 24));
    fprintf(out, "          ");
    for (unsigned k = 0; k < 8; k++) {
        struct x80 v = get80(img + 28 + 10 * k);
        unsigned tag = (tw >> (2 * ((top + k) & 7))) & 3;
        fprintf(out, "st%u=%04x:%016llx%s%s", k, v.se, (unsigned long long)v.sig,
                tag == 3 ? "(e)" : "", k % 3 == 2 ? "\n          " : " ");
    }
    fprintf(out, "\n");
}

void x87_print(FILE *out, const struct gen_case *gc, const struct hd_result *native,
               const struct hd_result *emu)
{
    print_image(out, "x87 in", gc->c.fpu);
    print_image(out, "native", native->fpu);
    print_image(out, "emulator", emu->fpu);
}
