/* The case generator; see gen.h.
 *
 * A case is built in phases:
 *   1. a row of the opcode table (weighted by kind), its concrete opcode
 *      and ModRM.reg; prefixes (0x66, 0x67, a segment override, LOCK,
 *      REP/REPNE where the SDM defines them, rarely a padding run that
 *      takes the instruction past 15 bytes);
 *   2. random registers and flags, ESP inside the window;
 *   3. layout (per kind): registers with a role are pinned (string
 *      pointers, counts, the dividend...), the memory operand's effective
 *      address is solved into the window using the registers still free
 *      (or the displacement), and every byte range the instruction may
 *      touch is declared as a span;
 *   4. the spans are merged and filled with random operand values;
 *   5. values (per kind): memory operands that need a particular value
 *      (selectors, bounds, divisors, equal CMPXCHG operands...);
 *   6. encoding, landing addresses, and the undefined-result mask. */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "rng.h"
#include "x87.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI, R_NONE };
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS };

#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_TF 0x0100u
#define F_DF 0x0400u
#define F_OF 0x0800u
#define F_NT 0x4000u
#define F_AC 0x40000u
#define F_ID 0x200000u

#define MAX_DECLARED 40
#define MAX_ATTEMPTS 10000
#define EA_LO 0x40u
#define EA_HI 0xFF80u

struct gen {
    struct row *rows;
    unsigned nrows;
    unsigned *pick;             /* row indices, repeated by weight */
    unsigned npick;
    struct hd_hello env;
};

/* A case under construction. */
struct cg {
    struct rng *r;
    const struct gen *g;
    const struct row *row;
    struct gen_case *out;
    struct hd_case *c;
    unsigned opcode, reg;       /* concrete opcode byte; ModRM.reg or opcode+r */
    unsigned osize;
    bool o16, a16, lock, rep, repne, pad;
    int seg;                    /* segment override, or -1 */
    uint16_t sel[6];            /* an HD_LDT_* segment per register, or 0 */
    int loads;                  /* the segment register it loads, or -1 */
    uint32_t pinned;            /* registers whose value is decided */
    /* ModRM operand */
    bool mem;
    uint8_t modrm, sib;
    bool has_sib;
    unsigned base, index, scale;
    unsigned disp_size;
    uint32_t disp;
    uint32_t ea;                /* window offset of the memory operand */
    unsigned access;            /* its size in bytes */
    uint32_t ea_lo, ea_hi;
    /* immediates, in encoding order */
    uint8_t imm[8];
    unsigned imm_len;
    /* memory spans: declared, then merged into c->span */
    struct hd_span declared[MAX_DECLARED];
    unsigned ndeclared;
    bool failed;
};

/* ------------------------------------------------------------------ */
/* Small helpers.                                                       */

static bool is(const struct cg *cg, const char *mn)
{
    return !strcmp(cg->row->mn, mn);
}

static bool form_is(const struct cg *cg, const char *form)
{
    return !strcmp(cg->row->form, form);
}

static uint32_t size_mask(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static void pin(struct cg *cg, unsigned reg, uint32_t value)
{
    cg->c->reg[reg] = value;
    cg->pinned |= 1u << reg;
}

static bool pinned(const struct cg *cg, unsigned reg)
{
    return reg == R_NONE || (cg->pinned >> reg) & 1;
}

/* SS is the 16-bit expand-down segment: the stack pointer is SP. */
static bool stack16(const struct cg *cg)
{
    return cg->sel[S_SS] == HD_LDT_SEL(HD_LDT_DOWN16);
}

/* The window offset of the top of the stack. */
static uint32_t stack_top(const struct cg *cg)
{
    uint32_t esp = cg->c->reg[R_ESP];
    return stack16(cg) ? esp & 0xFFFF : esp;
}

static uint32_t rv(const struct cg *cg, unsigned reg)
{
    return reg == R_NONE ? 0 : cg->c->reg[reg];
}

/* Set the low size bytes of a register by operand encoding (8-bit: AL CL
 * DL BL AH CH DH BH), unless its register is pinned. */
static void set_reg_sized(struct cg *cg, unsigned n, unsigned size, uint32_t v)
{
    unsigned full = size == 1 ? n & 3 : n;
    if (pinned(cg, full))
        return;
    uint32_t *r = &cg->c->reg[full];
    if (size == 1 && n >= 4)
        *r = (*r & 0xFFFF00FFu) | ((v & 0xFF) << 8);
    else
        *r = (*r & ~size_mask(size)) | (v & size_mask(size));
    cg->pinned |= 1u << full;
}

static uint32_t get_reg_sized(const struct cg *cg, unsigned n, unsigned size)
{
    if (size == 1)
        return n >= 4 ? (cg->c->reg[n & 3] >> 8) & 0xFF : cg->c->reg[n] & 0xFF;
    return cg->c->reg[n] & size_mask(size);
}

static void put_imm(struct cg *cg, uint32_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        cg->imm[cg->imm_len++] = (uint8_t)(v >> (8 * k));
}

/* ------------------------------------------------------------------ */
/* Memory spans.                                                        */

static void declare(struct cg *cg, int64_t from, int64_t to)
{
    if (from < 0)
        from = 0;
    if (to > (int64_t)HD_WIN_SIZE)
        to = HD_WIN_SIZE;
    if (from >= to)
        return;
    if (cg->ndeclared == MAX_DECLARED) {
        cg->failed = true;
        return;
    }
    cg->declared[cg->ndeclared++] = (struct hd_span){ (uint32_t)from, (uint32_t)(to - from) };
}

static int by_offset(const void *a, const void *b)
{
    const struct hd_span *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Merge the declared ranges (closer than 16 bytes: one span) into the
 * case and fill them with operand-like values. */
static void finalize_spans(struct cg *cg)
{
    struct hd_case *c = cg->c;
    qsort(cg->declared, cg->ndeclared, sizeof cg->declared[0], by_offset);
    c->nspans = 0;
    uint32_t total = 0;
    for (unsigned k = 0; k < cg->ndeclared && !cg->failed; k++) {
        const struct hd_span *d = &cg->declared[k];
        struct hd_span *last = c->nspans ? &c->span[c->nspans - 1] : NULL;
        if (last && d->off <= last->off + last->len + 16) {
            uint32_t end = d->off + d->len;
            if (end > last->off + last->len)
                last->len = end - last->off;
        } else if (c->nspans == HD_MAX_SPANS) {
            cg->failed = true;
        } else {
            c->span[c->nspans++] = *d;
        }
    }
    for (unsigned k = 0; k < c->nspans; k++)
        total += c->span[k].len;
    if (total > HD_MEM_BYTES) {
        cg->failed = true;
        return;
    }
    for (uint32_t at = 0; at < total; at += 4) {
        uint32_t v = rng_value(cg->r);
        for (unsigned b = 0; b < 4 && at + b < total; b++)
            c->mem[at + b] = (uint8_t)(v >> (8 * b));
    }
}

/* The byte of c->mem holding window offset off, or NULL. */
static uint8_t *mem_byte(struct cg *cg, uint32_t off)
{
    uint32_t at = 0;
    for (unsigned k = 0; k < cg->c->nspans; k++) {
        const struct hd_span *s = &cg->c->span[k];
        if (off >= s->off && off < s->off + s->len)
            return &cg->c->mem[at + off - s->off];
        at += s->len;
    }
    return NULL;
}

static void mem_put(struct cg *cg, uint32_t off, uint32_t v, unsigned size)
{
    for (unsigned k = 0; k < size; k++) {
        uint8_t *p = mem_byte(cg, off + k);
        if (!p) {
            cg->failed = true;
            return;
        }
        *p = (uint8_t)(v >> (8 * k));
    }
}

static uint32_t mem_get(struct cg *cg, uint32_t off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++) {
        uint8_t *p = mem_byte(cg, off + k);
        if (!p) {
            cg->failed = true;
            return 0;
        }
        v |= (uint32_t)*p << (8 * k);
    }
    return v;
}

/* ------------------------------------------------------------------ */
/* The ModRM memory operand: pick an addressing form, then solve the     */
/* registers (or the displacement) so the effective address lands in     */
/* [ea_lo, ea_hi] of the window.                                         */

static uint32_t seg_delta(int seg)
{
    /* DS ES FS SS are based at the window; CS is flat. */
    return seg == S_CS ? HD_WIN_LIN : 0;
}

/* The selector in a segment register for this case (0: the test
 * segment, flat 4 GiB at the window). */
static uint16_t sel_in(const struct cg *cg, int seg)
{
    return seg >= 0 ? cg->sel[seg] : 0;
}

/* An offset for an access through segment seg: near the limits of an
 * HD_LDT_* segment half of the time, else anywhere in [lo, hi]. */
static uint32_t pick_target(struct cg *cg, int seg, uint32_t lo, uint32_t hi)
{
    uint16_t sel = sel_in(cg, seg);
    if (sel && rng_chance(cg->r, 50)) {
        switch (sel >> 3) {
        case HD_LDT_LIMITED: return rng_range(cg->r, HD_LIMITED_LIMIT - 0x40, HD_LIMITED_LIMIT + 0x10);
        case HD_LDT_DOWN32: return rng_range(cg->r, HD_DOWN32_LIMIT - 0x40, HD_DOWN32_LIMIT + 0x40);
        case HD_LDT_DOWN16:
            return rng_chance(cg->r, 50)
                       ? rng_range(cg->r, HD_DOWN16_LIMIT - 0x40, HD_DOWN16_LIMIT + 0x40)
                       : rng_range(cg->r, 0xFFC0, 0x10010);
        default: break;
        }
    }
    return rng_range(cg->r, lo, hi);
}

static void pick_form32(struct cg *cg)
{
    unsigned mod = rng_below(cg->r, 3), rm = rng_below(cg->r, 8);
    cg->has_sib = rm == 4;
    cg->base = rm;
    cg->index = R_NONE;
    cg->scale = 0;
    cg->disp_size = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (cg->has_sib) {
        unsigned base = rng_below(cg->r, 8), index = rng_below(cg->r, 8);
        cg->scale = rng_below(cg->r, 4);
        cg->sib = (uint8_t)((cg->scale << 6) | (index << 3) | base);
        cg->index = index == 4 ? R_NONE : index;
        cg->base = base;
        if (base == 5 && mod == 0) {
            cg->base = R_NONE;
            cg->disp_size = 4;
        }
    } else if (rm == 5 && mod == 0) {
        cg->base = R_NONE;
        cg->disp_size = 4;
    }
    cg->modrm = (uint8_t)((mod << 6) | ((cg->reg & 7) << 3) | rm);
}

static void pick_form16(struct cg *cg)
{
    static const uint8_t base16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
    static const uint8_t index16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_NONE, R_NONE, R_NONE, R_NONE };
    unsigned mod = rng_below(cg->r, 3), rm = rng_below(cg->r, 8);
    cg->has_sib = false;
    cg->base = base16[rm];
    cg->index = index16[rm];
    cg->scale = 0;
    cg->disp_size = mod == 1 ? 1 : mod == 2 ? 2 : 0;
    if (mod == 0 && rm == 6) {
        cg->base = R_NONE;
        cg->disp_size = 2;
    }
    cg->modrm = (uint8_t)((mod << 6) | ((cg->reg & 7) << 3) | rm);
}

static int default_seg(const struct cg *cg)
{
    if (cg->a16) {
        unsigned rm = cg->modrm & 7, mod = cg->modrm >> 6;
        return (rm == 2 || rm == 3 || (rm == 6 && mod != 0)) ? S_SS : S_DS;
    }
    return (cg->base == R_ESP || cg->base == R_EBP) ? S_SS : S_DS;
}

static int eff_seg(const struct cg *cg)
{
    return cg->seg >= 0 ? cg->seg : default_seg(cg);
}

static uint32_t random_disp(struct cg *cg)
{
    if (cg->disp_size == 1)
        return (uint32_t)(int32_t)(int8_t)rng_below(cg->r, 256);
    if (cg->disp_size == 2)
        return rng_below(cg->r, 0x10000);
    return cg->disp_size == 4 ? rng32(cg->r) : 0;
}

static uint32_t ea32(const struct cg *cg)
{
    return rv(cg, cg->base) + (rv(cg, cg->index) << cg->scale) + cg->disp;
}

static uint32_t ea16(const struct cg *cg)
{
    return (rv(cg, cg->base) + rv(cg, cg->index) + cg->disp) & 0xFFFF;
}

static void solve32(struct cg *cg, uint32_t want)
{
    unsigned b = cg->base, x = cg->index, s = cg->scale;
    bool bfree = !pinned(cg, b), xfree = !pinned(cg, x);
    if (b != R_NONE && b == x) {
        if (bfree)
            cg->c->reg[b] = (want - cg->disp) / (1u + (1u << s));
        else if (cg->disp_size == 4)
            cg->disp = want - (rv(cg, b) << s) - rv(cg, b);
    } else if (bfree) {
        if (xfree)
            cg->c->reg[x] = rng_value(cg->r);
        cg->c->reg[b] = want - cg->disp - (rv(cg, x) << s);
    } else if (xfree) {
        cg->c->reg[x] = (want - cg->disp - rv(cg, b)) >> s;
    } else if (cg->disp_size == 4) {
        cg->disp = want - rv(cg, b) - (rv(cg, x) << s);
    }
}

static void solve16(struct cg *cg, uint32_t want)
{
    unsigned b = cg->base, x = cg->index;
    unsigned free = !pinned(cg, b) ? b : !pinned(cg, x) ? x : R_NONE;
    if (free != R_NONE) {
        uint32_t other = rv(cg, free == b ? x : b);
        uint32_t low = (want - other - cg->disp) & 0xFFFF;
        cg->c->reg[free] = (rng32(cg->r) & 0xFFFF0000u) | low;
    } else if (cg->disp_size == 2) {
        cg->disp = (want - rv(cg, b) - rv(cg, x)) & 0xFFFF;
    }
}

/* One attempt at a memory form whose address lands in the window. */
static bool try_memory_form(struct cg *cg)
{
    if (cg->a16)
        pick_form16(cg);
    else
        pick_form32(cg);
    cg->disp = random_disp(cg);
    if (cg->row->kind == K_NOACCESS)
        return true;        /* any address: nothing is accessed */
    int seg = eff_seg(cg);
    if (seg == S_CS && cg->a16)
        return false;       /* CS is flat: a 16-bit offset misses the window */
    uint32_t t = pick_target(cg, seg, cg->ea_lo, cg->ea_hi);
    if ((cg->lock || is(cg, "xchg")) && cg->access <= 8)
        t &= ~(uint32_t)(cg->access - 1);   /* no split locks */
    if ((is(cg, "fxsave") || is(cg, "fxrstor")) && rng_chance(cg->r, 80))
        t &= ~15u;                          /* misaligned: #GP(0) */
    uint32_t lo = t < cg->ea_lo + 16 ? t - (t < 16 ? t : 16) : cg->ea_lo;
    uint32_t hi = t > cg->ea_hi ? t + 16 : cg->ea_hi;
    uint32_t delta = seg_delta(seg);
    if (cg->a16)
        solve16(cg, t);
    else
        solve32(cg, delta + t);
    uint32_t off = (cg->a16 ? ea16(cg) : ea32(cg)) - delta;
    if (off < lo || off > hi || off + cg->access + 16 > HD_WIN_SIZE)
        return false;
    cg->ea = off;
    cg->pinned |= (1u << cg->base | 1u << cg->index) & 0xFFu;
    return true;
}

/* Bytes of the ModRM memory operand, from the form text. */
static unsigned access_size(const struct cg *cg)
{
    const char *f = cg->row->form;
    if (cg->row->kind == K_X87)
        return x87_operand_size(cg->row, cg->o16);
    if (cg->row->kind == K_BOUND)
        return 2 * cg->osize;
    for (const char *p = f; *p; p++) {
        if (p != f && p[-1] != ',')
            continue;
        if (p[0] == 'E' || p[0] == 'M') {
            switch (p[1]) {
            case 'b': return 1;
            case 'w': return 2;
            case 'q': return 8;
            case 'p': return cg->osize + 2;
            case 's': return 6;
            default: return cg->osize;
            }
        }
        if (p[0] == 'S' && p[1] == 'w')
            return 2;
    }
    return cg->osize;
}

/* Register forms (mod 3) that are #UD on the P6 but other instructions
 * on this host: C4/C5 (LES/LDS) are the VEX prefixes, 62 (BOUND) the
 * EVEX prefix, and 0F 01 with mod 3 holds VMX/SVM, MONITOR, XGETBV,
 * RDTSCP, CLZERO... (SDM vol. 2 tables ). */
static bool host_reads_register_form_differently(const struct cg *cg)
{
    const struct row *row = cg->row;
    if (row->map == 0)
        return row->opc == 0xC4 || row->opc == 0xC5 || row->opc == 0x62;
    return row->opc == 0x01 && (row->attrs & MEM);
}

static void layout_modrm_memory(struct cg *cg);

/* Decide register or memory for the ModRM operand and solve it. */
static void layout_modrm(struct cg *cg)
{
    const struct row *row = cg->row;
    if (!row->modrm)
        return;
    if (row->attrs & MODREG) {      /* MOV CRn/DRn: mod ignored, no disp */
        cg->modrm = (uint8_t)((rng_below(cg->r, 256) & 0xC7) | ((cg->reg & 7) << 3));
        return;
    }
    cg->mem = (row->attrs & MEM) ? rng_chance(cg->r, 97) : rng_chance(cg->r, 50);
    if (host_reads_register_form_differently(cg))
        cg->mem = true;
    if (!cg->mem) {
        cg->modrm = (uint8_t)(0xC0 | ((cg->reg & 7) << 3) | rng_below(cg->r, 8));
        return;
    }
    layout_modrm_memory(cg);
}

/* A memory ModRM operand, solved into the window. */
static void layout_modrm_memory(struct cg *cg)
{
    const struct row *row = cg->row;
    cg->access = access_size(cg);
    for (unsigned tries = 0; tries < 16; tries++) {
        if (try_memory_form(cg)) {
            if (row->kind != K_NOACCESS)
                declare(cg, (int64_t)cg->ea - 16, (int64_t)cg->ea + cg->access + 16);
            return;
        }
    }
    cg->failed = true;
}

static unsigned rm_reg(const struct cg *cg)
{
    return cg->modrm & 7;
}

/* Write the ModRM operand's value: the register (if free) or memory. */
static void set_e(struct cg *cg, uint32_t v, unsigned size)
{
    if (cg->mem)
        mem_put(cg, cg->ea, v, size);
    else
        set_reg_sized(cg, rm_reg(cg), size, v);
}

static uint32_t get_e(struct cg *cg, unsigned size)
{
    return cg->mem ? mem_get(cg, cg->ea, size) : get_reg_sized(cg, rm_reg(cg), size);
}

/* ------------------------------------------------------------------ */
/* Generic immediates.                                                  */

static void generic_imm(struct cg *cg)
{
    switch (cg->row->imm) {
    case IMM_B:
    case IMM_BS: put_imm(cg, rng_value(cg->r), 1); break;
    case IMM_W: put_imm(cg, rng_value(cg->r), 2); break;
    case IMM_Z: put_imm(cg, rng_value(cg->r), cg->o16 ? 2 : 4); break;
    case IMM_WB: put_imm(cg, rng_value(cg->r), 2); put_imm(cg, rng_value(cg->r), 1); break;
    default: break;
    }
}

/* ------------------------------------------------------------------ */
/* Selectors for segment loads and LAR/LSL/VERR/VERW: the host's own     */
/* user-visible descriptors, null, the kernel's (faulting) ones, LDT     */
/* selectors (no LDT: fault), and past the GDT limit.                    */

static uint16_t pick_selector(struct cg *cg, bool for_limit)
{
    const struct hd_hello *e = &cg->g->env;
    const uint16_t usual[] = { e->test_sel, e->flat_ds, e->cs, e->gs, 0x33 };
    uint32_t p = rng_below(cg->r, 100);
    uint16_t sel;
    if (p < 40)
        sel = usual[rng_below(cg->r, 5)];
    else if (p < 50)
        sel = (uint16_t)((usual[rng_below(cg->r, 5)] & ~3u) | rng_below(cg->r, 4));
    else if (p < 60)
        sel = (uint16_t)rng_below(cg->r, 4);
    else if (p < 75)
        sel = (uint16_t)((rng_below(cg->r, 18) << 3) | rng_below(cg->r, 4));
    else if (p < 90)
        sel = (uint16_t)(HD_LDT_SEL(rng_below(cg->r, HD_LDT_COUNT + 2)) &
                         (rng_chance(cg->r, 70) ? 0xFFFF : 0xFFFC | rng_below(cg->r, 4)));
    else
        sel = (uint16_t)rng32(cg->r);
    if (for_limit && (sel >> 3) == 15 && !(sel & 4))
        sel = e->test_sel;      /* entry 15's limit is the current CPU number */
    return sel;
}

/* ------------------------------------------------------------------ */
/* Kinds: layout (pins and spans) and values.                          */

static void layout_plain(struct cg *cg)
{
    layout_modrm(cg);
}

static void values_plain(struct cg *cg)
{
    generic_imm(cg);
}

static uint32_t pick_count(struct cg *cg, unsigned bits)
{
    uint32_t p = rng_below(cg->r, 100);
    if (p < 10)
        return 0;
    if (p < 25)
        return 1;
    if (p < 65)
        return rng_range(cg->r, 2, 31);
    if (p < 80)
        return bits - 1 + rng_below(cg->r, 3);
    return rng_below(cg->r, 256);
}

/* Shifts, rotates, SHLD/SHRD: the count is an immediate, 1, or CL. */
static void values_count(struct cg *cg)
{
    uint32_t count = pick_count(cg, 8 * cg->osize);
    const char *f = cg->row->form;
    size_t n = strlen(f);
    if (f[n - 1] == '1') {
        count = 1;
    } else if (f[n - 1] == 'L') {           /* ...,CL */
        if (pinned(cg, R_ECX))
            count = cg->c->reg[R_ECX] & 0xFF;
        else
            set_reg_sized(cg, R_ECX, 1, count);
    } else {
        put_imm(cg, count, 1);
    }
    cg->out->facts.count = count & 0xFF;
}

static int64_t sext(uint32_t v, unsigned bits)
{
    uint32_t sign = 1u << (bits - 1);
    v &= size_mask(bits / 8);
    return (int64_t)(v ^ sign) - (int64_t)sign;
}

/* A dividend whose quotient by d fits: q * d + r with r below d. */
static uint64_t unsigned_dividend(struct cg *cg, uint32_t d, unsigned bits)
{
    uint64_t q = rng_value(cg->r) & size_mask(bits / 8);
    uint64_t rem = d > 1 ? rng32(cg->r) % d : 0;
    return q * d + rem;
}

/* The same signed: the remainder takes the dividend's sign (SDM IDIV). */
static uint64_t signed_dividend(struct cg *cg, uint32_t draw, unsigned bits)
{
    int64_t d = sext(draw, bits), q = sext(rng_value(cg->r), bits);
    uint64_t ad = (uint64_t)(d < 0 ? -d : d);
    int64_t rem = ad > 1 ? (int64_t)(rng32(cg->r) % ad) : 0;
    int64_t prod = q * d;
    bool negative = prod < 0 || (prod == 0 && rng_chance(cg->r, 50));
    return (uint64_t)(prod + (negative ? -rem : rem));
}

static void set_dividend(struct cg *cg, uint64_t dividend, unsigned size)
{
    if (size == 1) {
        set_reg_sized(cg, R_EAX, 2, (uint32_t)dividend);
    } else {
        set_reg_sized(cg, R_EAX, size, (uint32_t)dividend);
        set_reg_sized(cg, R_EDX, size, (uint32_t)(dividend >> (8 * size)));
    }
}

/* DIV/IDIV: mostly a quotient that fits; else a zero divisor, the most
 * negative dividend by -1, or a random dividend (mostly #DE). */
static void values_div(struct cg *cg)
{
    unsigned size = cg->osize, bits = 8 * size;
    bool sign = is(cg, "idiv");
    unsigned e = rm_reg(cg);
    bool e_in_dividend = !cg->mem && (size == 1 ? (e & 3) == R_EAX : e == R_EAX || e == R_EDX);
    uint32_t p = rng_below(cg->r, 100), d = rng_value(cg->r) & size_mask(size);
    if (p < 5)
        d = 0;
    else if (d == 0 || (sign && p < 10))
        d = sign ? size_mask(size) : 1;
    set_e(cg, d, size);
    d = get_e(cg, size);
    if (e_in_dividend || pinned(cg, R_EAX) || pinned(cg, R_EDX) || p < 5 || p >= 85 || d == 0)
        return;
    if (sign && p < 10) {
        set_dividend(cg, (uint64_t)sext(1u << (bits - 1), bits), size);
        return;
    }
    set_dividend(cg, sign ? signed_dividend(cg, d, bits) : unsigned_dividend(cg, d, bits), size);
}

static void values_bcd(struct cg *cg)
{
    uint32_t al = rng_chance(cg->r, 70) ? rng_below(cg->r, 10) << 4 | rng_below(cg->r, 10)
                                        : rng_below(cg->r, 256);
    if (rng_chance(cg->r, 15))
        al |= 0x0A + rng_below(cg->r, 6);   /* a non-decimal low digit */
    set_reg_sized(cg, R_EAX, 1, al);
    if (is(cg, "aam") || is(cg, "aad")) {
        uint32_t p = rng_below(cg->r, 100);
        put_imm(cg, p < 60 ? 10 : p < 65 ? 0 : rng_below(cg->r, 256), 1);
    }
}

/* BT with a register bit offset and a memory base reaches outside the
 * operand: keep the offset small and leave room around the address. */
static void layout_bt(struct cg *cg)
{
    if (form_is(cg, "Ev,Gv") && cg->reg != R_ESP && rng_chance(cg->r, 50)) {
        pin(cg, cg->reg, (uint32_t)(int32_t)rng_range(cg->r, 0, 400) - 200);
        cg->ea_lo = 0x100;
        cg->ea_hi = 0xFE00;
        cg->mem = true;
        cg->access = cg->osize;
        for (unsigned tries = 0; tries < 16; tries++)
            if (try_memory_form(cg)) {
                declare(cg, (int64_t)cg->ea - 48, (int64_t)cg->ea + 48);
                return;
            }
        cg->failed = true;
        return;
    }
    if (form_is(cg, "Ev,Gv")) {
        cg->modrm = (uint8_t)(0xC0 | (cg->reg << 3) | rng_below(cg->r, 8));
        return;
    }
    layout_modrm(cg);
}

static void values_bsf(struct cg *cg)
{
    if (rng_chance(cg->r, 25))
        set_e(cg, 0, cg->osize);
}

static void values_cmpxchg(struct cg *cg)
{
    if (rng_chance(cg->r, 50))
        set_e(cg, get_reg_sized(cg, R_EAX, cg->osize), cg->osize);
}

static void layout_cx8(struct cg *cg)
{
    pin(cg, R_EAX, rng_value(cg->r));
    pin(cg, R_EDX, rng_value(cg->r));
    layout_modrm(cg);
}

static void values_cx8(struct cg *cg)
{
    if (cg->mem && rng_chance(cg->r, 50)) {
        mem_put(cg, cg->ea, cg->c->reg[R_EAX], 4);
        mem_put(cg, cg->ea + 4, cg->c->reg[R_EDX], 4);
    }
}

static void layout_stack(struct cg *cg)
{
    uint32_t esp = stack_top(cg);
    if (is(cg, "enter")) {
        uint32_t p = rng_below(cg->r, 100);
        uint32_t level = p < 40 ? 0 : p < 70 ? 1 : p < 90 ? rng_range(cg->r, 2, 5)
                                                        : rng_below(cg->r, 256);
        uint32_t depth = 4 * ((level & 31) + 2);
        uint32_t room = esp > depth + 0x40 ? esp - depth - 0x40 : 0;
        uint32_t q = rng_below(cg->r, 100);
        uint32_t alloc = q < 50 ? rng_below(cg->r, 64) : q < 97 ? rng_below(cg->r, room + 1)
                                                               : rng32(cg->r);
        put_imm(cg, alloc, 2);
        put_imm(cg, level, 1);
        /* EBP is only read from with a nesting level over 1. */
        pin(cg, R_EBP, (level & 31) > 1 ? rng_range(cg->r, 0x400, 0xFC00) : rng_value(cg->r));
        declare(cg, (int64_t)esp - depth - 16, (int64_t)esp + 16);
        declare(cg, (int64_t)cg->c->reg[R_EBP] - depth - 16, (int64_t)cg->c->reg[R_EBP] + 16);
        return;
    }
    if (form_is(cg, "Sreg") && !cg->o16 && (esp & 3) == 2 && (cg->c->eflags & F_AC)) {
        /* PUSH Sreg with a 32-bit operand size writes 16 or 32 bits (SDM
         * vol. 2 PUSH): whether ESP-4 = 2 mod 4 raises #AC is the
         * implementation's choice (this host: it does). */
        pin(cg, R_ESP, cg->c->reg[R_ESP] & ~3u);
    }
    if (is(cg, "leave")) {
        pin(cg, R_EBP, rng_range(cg->r, 0x300, 0xFD00));
        declare(cg, (int64_t)cg->c->reg[R_EBP] - 16, (int64_t)cg->c->reg[R_EBP] + 16);
        return;
    }
    layout_modrm(cg);
}

static void values_stack(struct cg *cg)
{
    if (is(cg, "popf"))     /* TF would trap after the instruction */
        mem_put(cg, stack_top(cg), rng32(cg->r) & ~F_TF, cg->o16 ? 2 : 4);
    if (!is(cg, "enter"))
        generic_imm(cg);
}

/* POP Sreg, MOV Sreg,Ew, LDS/LES/LSS/LFS/LGS. */
static void layout_segload(struct cg *cg)
{
    static const char *const far[] = { "les", NULL, "lss", "lds", "lfs", "lgs" };
    layout_modrm(cg);
    if (form_is(cg, "Sreg"))    /* POP ES/SS/DS (07 17 1F), POP FS/GS (0F A1/A9) */
        cg->loads = cg->row->map == 0 ? (int)(cg->opcode >> 3) : cg->opcode == 0xA1 ? S_FS : S_GS;
    else if (form_is(cg, "Sw,Ew"))
        cg->loads = (int)cg->reg;
    for (int k = 0; k < 6; k++)
        if (far[k] && is(cg, far[k]))
            cg->loads = k;
}

static void values_segload(struct cg *cg)
{
    uint16_t sel = pick_selector(cg, false);
    if (form_is(cg, "Sreg")) {
        mem_put(cg, stack_top(cg), sel, 2);
    } else if (form_is(cg, "Sw,Ew")) {
        set_e(cg, sel, 2);
    } else if (cg->mem) {
        mem_put(cg, cg->ea + cg->osize, sel, 2);
    }
}

static void values_selector(struct cg *cg)
{
    set_e(cg, pick_selector(cg, is(cg, "lsl") || is(cg, "lar")), 2);
}

static void values_bound(struct cg *cg)
{
    unsigned bits = 8 * cg->osize;
    int64_t g = sext(cg->c->reg[cg->reg], bits);
    int64_t lo_min = cg->osize == 2 ? -32768 : INT32_MIN, hi_max = -lo_min - 1;
    uint32_t p = rng_below(cg->r, 100);
    int64_t lo = g - rng_below(cg->r, 100), hi = g + rng_below(cg->r, 100);
    if (p < 20)
        lo = g + 1 + rng_below(cg->r, 100);
    else if (p < 40)
        hi = g - 1 - rng_below(cg->r, 100);
    lo = lo < lo_min ? lo_min : lo > hi_max ? hi_max : lo;
    hi = hi < lo_min ? lo_min : hi > hi_max ? hi_max : hi;
    if (cg->mem) {
        mem_put(cg, cg->ea, (uint32_t)lo, cg->osize);
        mem_put(cg, cg->ea + cg->osize, (uint32_t)hi, cg->osize);
    }
}

/* String instructions: ESI (source, DS or the override) and EDI (ES),
 * each element's address declared, with ECX (or CX) small under REP. */
static uint32_t string_elem(const struct cg *cg, uint32_t start, unsigned k, unsigned s)
{
    uint32_t step = (cg->c->eflags & F_DF) ? (uint32_t)-(int32_t)(k * s) : k * s;
    return cg->a16 ? (start + step) & 0xFFFF : start + step;
}

static void string_pointer(struct cg *cg, unsigned reg, int seg, unsigned n)
{
    unsigned s = cg->osize;
    uint32_t delta = seg_delta(seg), start;
    if (cg->a16) {
        start = rng_below(cg->r, 0x10000);
        pin(cg, reg, (rng32(cg->r) & 0xFFFF0000u) | start);
    } else {
        start = pick_target(cg, seg, 0x100, 0xFE00);
        pin(cg, reg, delta + start);
    }
    for (unsigned k = 0; k < (n ? n : 1); k++) {
        uint32_t a = string_elem(cg, start, k, s);
        declare(cg, (int64_t)a - 8, (int64_t)a + s + 8);
    }
}

static bool string_reads_source(const struct cg *cg)
{
    return cg->row->mn[0] == 'm' || cg->row->mn[0] == 'c' || cg->row->mn[0] == 'l';
}

static bool string_uses_dest(const struct cg *cg)
{
    return cg->row->mn[0] != 'l';
}

static unsigned string_count(const struct cg *cg)
{
    if (!cg->rep && !cg->repne)
        return 1;
    return (cg->c->reg[R_ECX] & (cg->a16 ? 0xFFFF : 0xFFFFFFFFu));
}

static void layout_string(struct cg *cg)
{
    if (cg->rep || cg->repne) {
        uint32_t n = rng_below(cg->r, 13);
        pin(cg, R_ECX, cg->a16 ? (rng32(cg->r) & 0xFFFF0000u) | n : n);
    }
    unsigned n = string_count(cg);
    if (cg->seg == S_CS && cg->a16)
        cg->seg = S_DS;
    if (string_reads_source(cg))
        string_pointer(cg, R_ESI, cg->seg >= 0 ? cg->seg : S_DS, n);
    if (string_uses_dest(cg))
        string_pointer(cg, R_EDI, S_ES, n);
}

/* CMPS/SCAS under REPE/REPNE: make a run of equal elements. */
static void values_string(struct cg *cg)
{
    unsigned n = string_count(cg), s = cg->osize;
    bool cmps = cg->row->mn[0] == 'c', scas = cg->row->mn[0] == 's' && cg->row->mn[1] == 'c';
    if ((!cmps && !scas) || !rng_chance(cg->r, 50))
        return;
    unsigned m = rng_below(cg->r, n + 1);
    uint32_t si = cg->c->reg[R_ESI], di = cg->c->reg[R_EDI];
    uint32_t src = cg->a16 ? si & 0xFFFF : si - seg_delta(cg->seg >= 0 ? cg->seg : S_DS);
    uint32_t dst = cg->a16 ? di & 0xFFFF : di;
    for (unsigned k = 0; k < m; k++) {
        uint32_t v = cmps ? mem_get(cg, string_elem(cg, src, k, s), s) : cg->c->reg[R_EAX];
        mem_put(cg, string_elem(cg, dst, k, s), v, s);
    }
}

static void layout_xlat(struct cg *cg)
{
    int seg = cg->seg >= 0 ? cg->seg : S_DS;
    if (seg == S_CS && cg->a16)
        seg = cg->seg = S_DS;
    uint32_t al = cg->c->reg[R_EAX] & 0xFF, t = pick_target(cg, seg, 0x100, 0xFE00);
    if (cg->a16)
        pin(cg, R_EBX, (rng32(cg->r) & 0xFFFF0000u) | ((t - al) & 0xFFFF));
    else
        pin(cg, R_EBX, seg_delta(seg) + t - al);
    pin(cg, R_EAX, cg->c->reg[R_EAX]);
    declare(cg, (int64_t)t - 8, (int64_t)t + 8);
}

static void layout_moffs(struct cg *cg)
{
    int seg = cg->seg >= 0 ? cg->seg : S_DS;
    if (seg == S_CS && cg->a16)
        seg = cg->seg = S_DS;
    uint32_t t = pick_target(cg, seg, EA_LO, EA_HI);
    if (cg->a16)
        t &= 0xFFFF;
    put_imm(cg, cg->a16 ? t : seg_delta(seg) + t, cg->a16 ? 2 : 4);
    declare(cg, (int64_t)t - 8, (int64_t)t + cg->osize + 8);
}

static void layout_branch(struct cg *cg)
{
    if (is(cg, "jcc"))
        return;
    uint32_t p = rng_below(cg->r, 100);
    uint32_t n = p < 25 ? 0 : p < 50 ? 1 : p < 65 ? 2 : rng_value(cg->r);
    uint32_t mask = cg->a16 ? 0xFFFF : 0xFFFFFFFFu;
    pin(cg, R_ECX, (rng32(cg->r) & ~mask) | (n & mask));
}

static void values_branch(struct cg *cg)
{
    (void)cg;   /* the displacement needs the length: see place_branch */
}

static void layout_noaccess(struct cg *cg)
{
    layout_modrm(cg);
}

static void layout_none(struct cg *cg)
{
    (void)cg;
}

/* x87 rows: a random x87 state; the ModRM byte the row names, an ST(i)
 * form, or a memory operand of the row's size and format. */
static void layout_x87(struct cg *cg)
{
    const struct row *row = cg->row;
    if (row->map == 1)
        cg->o16 = false;    /* 66 0F AE /0 /1 is #UD on this host (README) */
    x87_random_state(cg->r, row, cg->c->fpu);
    if (row->ext >= EXT_MODRM) {
        cg->modrm = row->ext;
        return;
    }
    if (row->attrs & MOD3) {
        cg->modrm = (uint8_t)(0xC0 | (row->ext & 7) << 3 | rng_below(cg->r, 8));
        return;
    }
    /* The register forms of the memory rows are other x87 instructions
     * (or #UD, which the decoder tests cover): always memory here. */
    cg->mem = true;
    layout_modrm_memory(cg);
    /* An area that runs past offset FFFFh with 16-bit addressing: this
     * host wraps the offset of each part (README, host behaviour). */
    if (cg->mem && cg->a16 && cg->ea + cg->access > 0x10000)
        cg->failed = true;
}

static void values_x87(struct cg *cg)
{
    if (!cg->mem || cg->failed)
        return;
    uint8_t buf[512];
    unsigned n = x87_operand_size(cg->row, cg->o16);
    x87_operand_bytes(cg->r, cg->row, cg->o16, buf, n);
    for (unsigned k = 0; k < n; k++)
        mem_put(cg, cg->ea + k, buf[k], 1);
}

struct kind_ops {
    void (*layout)(struct cg *cg);
    void (*values)(struct cg *cg);
    unsigned weight;
};

static const struct kind_ops kind_ops[K_COUNT] = {
    [K_SKIP] = { layout_none, values_plain, 0 },
    [K_PLAIN] = { layout_plain, values_plain, 4 },
    [K_NOACCESS] = { layout_noaccess, values_plain, 2 },
    [K_SHIFT] = { layout_plain, values_count, 4 },
    [K_SHXD] = { layout_plain, values_count, 8 },
    [K_MUL] = { layout_plain, values_plain, 6 },
    [K_DIV] = { layout_plain, values_div, 8 },
    [K_BCD] = { layout_none, values_bcd, 8 },
    [K_BT] = { layout_bt, values_plain, 4 },
    [K_BSF] = { layout_plain, values_bsf, 8 },
    [K_CMPXCHG] = { layout_plain, values_cmpxchg, 6 },
    [K_CX8] = { layout_cx8, values_cx8, 8 },
    [K_STACK] = { layout_stack, values_stack, 4 },
    [K_SEGLOAD] = { layout_segload, values_segload, 4 },
    [K_SELECTOR] = { layout_plain, values_selector, 4 },
    [K_BOUND] = { layout_plain, values_bound, 6 },
    [K_STRING] = { layout_string, values_string, 8 },
    [K_XLAT] = { layout_xlat, values_plain, 6 },
    [K_MOFFS] = { layout_moffs, values_plain, 3 },
    [K_BRANCH] = { layout_branch, values_branch, 6 },
    [K_TRAP] = { layout_none, values_plain, 3 },
    [K_UD] = { layout_none, values_plain, 2 },
    [K_PRIV] = { layout_plain, values_plain, 1 },
    [K_X87] = { layout_x87, values_x87, 3 },
};

/* ------------------------------------------------------------------ */
/* Prefixes, registers, flags.                                          */

/* Data segments with limits, expand-down or read-only (HD_LDT_*) in
 * place of the flat test segment: in FS when the instruction has an FS
 * override, in DS and ES now and then. */
static void special_data_segments(struct cg *cg)
{
    /* Not read-only under ARPL: see the CS override. */
    static const unsigned kinds[] = { HD_LDT_LIMITED, HD_LDT_DOWN32, HD_LDT_DOWN16,
                                      HD_LDT_RDONLY };
    unsigned n = is(cg, "arpl") ? 3 : 4;
    if (cg->seg == S_FS && rng_chance(cg->r, 40))
        cg->sel[S_FS] = HD_LDT_SEL(kinds[rng_below(cg->r, n)]);
    else if (rng_chance(cg->r, 8))
        cg->sel[S_DS] = HD_LDT_SEL(kinds[rng_below(cg->r, n)]);
    if (rng_chance(cg->r, cg->row->kind == K_STRING ? 20 : 5))
        cg->sel[S_ES] = HD_LDT_SEL(kinds[rng_below(cg->r, n)]);
}

static void choose_prefixes(struct cg *cg)
{
    enum kind k = cg->row->kind;
    cg->o16 = k != K_BRANCH && rng_chance(cg->r, 35);
    cg->a16 = rng_chance(cg->r, 30);
    cg->seg = -1;
    if (rng_chance(cg->r, 15)) {
        static const int segs[] = { S_ES, S_CS, S_SS, S_DS, S_FS };
        cg->seg = segs[rng_below(cg->r, 5)];
        if (cg->seg == S_CS && (cg->a16 || is(cg, "arpl")))
            cg->seg = S_SS;
    }
    special_data_segments(cg);
    /* LOCK where the SDM makes it #UD, except where this host gives it a
     * meaning: LOCK VERW runs, LOCK MOV CR0 is AMD's MOV CR8. */
    cg->lock = (cg->row->attrs & LOCK) ? rng_chance(cg->r, 25)
                                       : k != K_SELECTOR && k != K_PRIV && rng_chance(cg->r, 1);
    if (k == K_STRING) {
        bool compare = cg->row->mn[0] == 'c' || (cg->row->mn[0] == 's' && cg->row->mn[1] == 'c');
        if (rng_chance(cg->r, 60)) {
            cg->repne = compare && rng_chance(cg->r, 50);
            cg->rep = !cg->repne;
        }
    } else if (k == K_PRIV && (cg->row->mn[0] == 'i' || cg->row->mn[0] == 'o')) {
        cg->rep = rng_chance(cg->r, 30);
    }
    cg->pad = rng_chance(cg->r, 1);
}

/* The instruction is #UD on the P6 (an invalid opcode, a misplaced LOCK,
 * a register where memory is required). Which of #UD and the 15-byte
 * #GP wins is the implementation's: such instructions are not padded
 * (this host, for one, takes UD1 without its ModRM and reports #UD). */
static bool undefined_opcode(const struct cg *cg)
{
    const struct row *row = cg->row;
    if (row->kind == K_UD || is(cg, "ud1"))
        return true;
    if (cg->lock && (!(row->attrs & LOCK) || !cg->mem))
        return true;
    return (row->attrs & MEM) && !cg->mem;
}

static uint32_t random_flags(struct cg *cg)
{
    static const uint32_t coin[] = { F_CF, F_PF, F_AF, F_ZF, F_SF, F_DF, F_OF, F_ID };
    uint32_t f = 0;
    for (unsigned k = 0; k < sizeof coin / sizeof coin[0]; k++)
        if (rng_chance(cg->r, 50))
            f |= coin[k];
    if (rng_chance(cg->r, 10))
        f |= F_NT;
    if (rng_chance(cg->r, 5))
        f |= F_AC;
    return f;
}

/* A stack in one of the HD_LDT_* segments, ESP near its limits half of
 * the time: pushes and pops that cross them raise #SS(0). */
static uint32_t special_stack(struct cg *cg)
{
    static const unsigned kinds[] = { HD_LDT_LIMITED, HD_LDT_DOWN32, HD_LDT_DOWN16 };
    unsigned k = kinds[rng_below(cg->r, 3)];
    /* PUSHA/POPA across a limit: this host (AMD) faults with the first
     * registers already pushed or popped; the SDM's #SS reads as a check
     * of the start and end before any. Not generated. */
    bool all8 = is(cg, "popa") || is(cg, "pusha");
    bool edge = !all8 && rng_chance(cg->r, 50);
    cg->sel[S_SS] = HD_LDT_SEL(k);
    if (k == HD_LDT_LIMITED)
        return edge ? rng_range(cg->r, HD_LIMITED_LIMIT - 0x40, HD_LIMITED_LIMIT + 0x10)
                    : rng_range(cg->r, 0x300, HD_LIMITED_LIMIT - 0x40);
    if (k == HD_LDT_DOWN32)
        return edge ? rng_range(cg->r, HD_DOWN32_LIMIT - 0x40, HD_DOWN32_LIMIT + 0x40)
                    : rng_range(cg->r, HD_DOWN32_LIMIT + 0x100, 0xFD00);
    uint32_t sp = edge ? rng_range(cg->r, HD_DOWN16_LIMIT - 0x40, HD_DOWN16_LIMIT + 0x40)
                : !all8 && rng_chance(cg->r, 40) ? rng_range(cg->r, 0xFFC0, 0xFFFF)
                                        : rng_range(cg->r, HD_DOWN16_LIMIT + 0x100, 0xFE00);
    /* SP alone is the stack pointer: random high bits, unless ESP may
     * also address a ModRM operand. */
    return cg->row->modrm ? sp : (rng32(cg->r) & 0xFFFF0000u) | sp;
}

static void random_state(struct cg *cg)
{
    for (unsigned k = 0; k < 8; k++)
        cg->c->reg[k] = rng_value(cg->r);
    bool special = cg->row->kind == K_STACK && rng_chance(cg->r, 25);
    uint32_t esp = special ? special_stack(cg) : rng_range(cg->r, 0x300, 0xFD00);
    if (rng_chance(cg->r, 85))
        esp &= ~3u;
    pin(cg, R_ESP, esp);
    cg->c->eflags = random_flags(cg);
    cg->ea_lo = EA_LO;
    cg->ea_hi = EA_HI;
}

/* ------------------------------------------------------------------ */
/* Encoding.                                                            */

struct bytes {
    uint8_t b[32];
    unsigned n;
};

static void add(struct bytes *o, uint8_t v)
{
    if (o->n < sizeof o->b)
        o->b[o->n++] = v;
}

static void encode_prefixes(struct cg *cg, struct bytes *o)
{
    static const uint8_t seg_byte[6] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 };
    uint8_t p[6];
    unsigned n = 0;
    if (cg->o16) p[n++] = 0x66;
    if (cg->a16) p[n++] = 0x67;
    if (cg->seg >= 0) p[n++] = seg_byte[cg->seg];
    if (cg->lock) p[n++] = 0xF0;
    if (cg->rep) p[n++] = 0xF3;
    if (cg->repne) p[n++] = 0xF2;
    for (unsigned k = n; k > 1; k--) {
        unsigned j = rng_below(cg->r, k);
        uint8_t t = p[k - 1];
        p[k - 1] = p[j];
        p[j] = t;
    }
    for (unsigned k = 0; k < n; k++)
        add(o, p[k]);
}

static void encode_body(const struct cg *cg, struct bytes *o)
{
    if (cg->row->map == 1)
        add(o, 0x0F);
    add(o, (uint8_t)cg->opcode);
    if (cg->row->modrm) {
        add(o, cg->modrm);
        if (cg->mem && cg->has_sib)
            add(o, cg->sib);
        for (unsigned k = 0; cg->mem && k < cg->disp_size; k++)
            add(o, (uint8_t)(cg->disp >> (8 * k)));
    }
    for (unsigned k = 0; k < cg->imm_len; k++)
        add(o, cg->imm[k]);
}

/* A run of the segment prefix already there (or DS, which changes no
 * base here) up to 15 or 16 bytes: 16 is over the limit, #GP(0). */
static void pad_prefixes(struct cg *cg, struct bytes *o, unsigned body)
{
    static const uint8_t seg_byte[6] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 };
    uint8_t b = cg->seg >= 0 ? seg_byte[cg->seg] : 0x3E;
    unsigned want = rng_chance(cg->r, 50) ? 15 : 16;
    while (o->n + body < want)
        add(o, b);
}

/* Jcc, LOOPcc, JCXZ: a displacement to a landing that does not overlap
 * the instruction or the fall-through landing (landing stubs take 16
 * bytes natively). */
static void place_branch(struct cg *cg, unsigned len)
{
    bool rel32 = cg->row->map == 1;
    int32_t rel;
    if (rng_chance(cg->r, 50))
        rel = (int32_t)rng_range(cg->r, 16, rel32 ? 0x200 : 127);
    else
        rel = -(int32_t)rng_range(cg->r, len + 16, rel32 ? 0xF0 : 128);
    cg->imm_len = 0;
    put_imm(cg, (uint32_t)rel, rel32 ? 4 : 1);
    cg->c->land[1] = HD_INSN_LIN + len + (uint32_t)rel;
    cg->c->nland = 2;
}

static void encode(struct cg *cg)
{
    struct bytes pre = { .n = 0 }, body = { .n = 0 };
    if (cg->row->kind == K_BRANCH)
        put_imm(cg, 0, cg->row->map == 1 ? 4 : 1);  /* sized placeholder */
    encode_prefixes(cg, &pre);
    encode_body(cg, &body);
    if (cg->pad && !undefined_opcode(cg))
        pad_prefixes(cg, &pre, body.n);
    unsigned len = pre.n + body.n;
    if (len > HD_MAX_CODE) {
        cg->failed = true;
        return;
    }
    cg->c->nland = 1;
    if (cg->row->kind == K_BRANCH) {
        place_branch(cg, len);
        body.n = 0;
        encode_body(cg, &body);
    }
    memcpy(cg->c->code, pre.b, pre.n);
    memcpy(cg->c->code + pre.n, body.b, body.n);
    cg->c->len = (uint8_t)len;
    cg->c->land[0] = HD_INSN_LIN + len;
}

/* ------------------------------------------------------------------ */
/* The case.                                                            */

static bool choose_row(struct cg *cg, unsigned *index)
{
    const struct gen *g = cg->g;
    *index = g->pick[rng_below(cg->r, g->npick)];
    cg->row = &g->rows[*index];
    const struct row *row = cg->row;
    unsigned n = (row->attrs & R8) ? 8 : (row->attrs & CC16) ? 16 : 1;
    unsigned k = rng_below(cg->r, n);
    cg->opcode = row->opc + k;
    if (row->modrm)
        cg->reg = row->ext == ANY_EXT ? rng_below(cg->r, 8) : row->ext;
    else
        cg->reg = (row->attrs & R8) ? k : ANY_EXT;
    return !optab_overridden(*index, cg->opcode, row->modrm ? cg->reg : ANY_EXT);
}

static void record_facts(struct cg *cg)
{
    struct gen_facts *f = &cg->out->facts;
    f->osize = cg->osize;
    f->esp = stack_top(cg);
    f->dest_reg = -1;
    f->dest_mem = false;
    if (cg->row->modrm && cg->mem) {
        f->dest_mem = true;
        f->dest_off = cg->ea;
    } else if (cg->row->modrm) {
        f->dest_reg = (int)rm_reg(cg);
    }
    if (is(cg, "bswap"))
        f->dest_reg = (int)cg->reg;
    if (cg->row->kind == K_SELECTOR)
        f->dest_reg = (int)cg->reg;
}

/* Around the stack top, wrapping at 64 KiB for a 16-bit stack. */
static void declare_stack(struct cg *cg)
{
    int64_t top = stack_top(cg);
    declare(cg, top - 48, top + 48);
    if (stack16(cg) && top + 48 > 0x10000)
        declare(cg, 0, top + 48 - 0x10000);
}

static bool generate(struct cg *cg)
{
    unsigned index;
    if (!choose_row(cg, &index))
        return false;
    cg->out->row = index;
    choose_prefixes(cg);
    cg->osize = cg->row->byte_op ? 1 : cg->o16 ? 2 : 4;
    random_state(cg);
    const struct kind_ops *ops = &kind_ops[cg->row->kind];
    ops->layout(cg);
    if (cg->lock && !cg->mem && !rng_chance(cg->r, 20))
        cg->lock = false;   /* keep a few LOCKs on registers: #UD */
    declare_stack(cg);
    finalize_spans(cg);
    if (cg->failed)
        return false;
    ops->values(cg);
    encode(cg);
    if (cg->failed)
        return false;
    /* The helper's epilogue stores through DS, or through FS when DS is
     * not (or may not stay) the test segment; that one must be. */
    cg->c->epi_fs = cg->sel[S_DS] || cg->loads == S_DS;
    if (cg->c->epi_fs && (cg->sel[S_FS] || cg->loads == S_FS))
        return false;
    cg->c->es_sel = cg->sel[S_ES];
    cg->c->ds_sel = cg->sel[S_DS];
    cg->c->fs_sel = cg->sel[S_FS];
    cg->c->ss_sel = cg->sel[S_SS];
    cg->out->o16 = cg->o16;
    cg->out->a16 = cg->a16;
    record_facts(cg);
    undefined_mask(cg->row, cg->out, &cg->out->mask);
    return true;
}

void gen_case(const struct gen *g, uint64_t seed, uint64_t index, struct gen_case *out)
{
    struct rng r = rng_for_case(seed, index);
    for (unsigned attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        memset(out, 0, sizeof *out);
        x87_default_state(out->c.fpu);
        struct cg cg;
        memset(&cg, 0, sizeof cg);
        cg.r = &r;
        cg.g = g;
        cg.out = out;
        cg.c = &out->c;
        cg.loads = -1;
        if (generate(&cg))
            return;
    }
    fprintf(stderr, "hostdiff: the generator cannot build case %llu\n",
            (unsigned long long)index);
    abort();
}

/* ------------------------------------------------------------------ */
/* Life cycle.                                                          */

static bool matches(const struct row *row, const char *only)
{
    return !only || !strcmp(row->mn, only) || !strcmp(row->id, only);
}

struct gen *gen_create(const char *only, const struct hd_hello *env, char *err, size_t errlen)
{
    struct gen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->env = *env;
    g->nrows = optab_count();
    g->rows = calloc(g->nrows, sizeof *g->rows);
    g->pick = calloc((size_t)g->nrows * 8, sizeof *g->pick);
    if (!g->rows || !g->pick) {
        snprintf(err, errlen, "out of memory");
        gen_destroy(g);
        return NULL;
    }
    optab_fill(g->rows);
    for (unsigned k = 0; k < g->nrows; k++) {
        if (!matches(&g->rows[k], only))
            continue;
        for (unsigned w = 0; w < kind_ops[g->rows[k].kind].weight; w++)
            g->pick[g->npick++] = k;
    }
    if (g->npick == 0) {
        bool known = false;
        for (unsigned k = 0; k < g->nrows; k++)
            known |= matches(&g->rows[k], only);
        snprintf(err, errlen, known ? "'%s' is in the opcode table but not generated (optab.c says why)"
                                    : "no instruction of the opcode table matches '%s'",
                 only ? only : "");
        gen_destroy(g);
        return NULL;
    }
    return g;
}

void gen_destroy(struct gen *g)
{
    if (!g)
        return;
    free(g->rows);
    free(g->pick);
    free(g);
}

const struct row *gen_row(const struct gen *g, unsigned row)
{
    return &g->rows[row];
}

unsigned gen_row_count(const struct gen *g)
{
    return g->nrows;
}
