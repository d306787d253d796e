/* Segment-wraparound model; see wrap.h. */
#include "wrap.h"

#include <string.h>

#define FL_DF 0x0400u
#define FL_OF 0x0800u

struct model {
    const struct ref_insn *d;
    const uint16_t *reg;        /* initial registers, enum ss_reg order */
    uint16_t sp;
    bool i8086;
    struct wrap_result *out;
};

static bool crossed(const struct model *m)
{
    return m->out->kind != WRAP_NONE;
}

static void touch(struct model *m, int seg, uint16_t off, unsigned size)
{
    if (!crossed(m) && (unsigned)off + size - 1 > 0xFFFFu) {
        m->out->kind = WRAP_DATA;
        m->out->seg = seg;
        m->out->vector = seg == RS_SS ? 12 : 13;
    }
}

static void push(struct model *m, unsigned words)
{
    for (unsigned k = 0; k < words; k++) {
        m->sp = (uint16_t)(m->sp - 2);
        touch(m, RS_SS, m->sp, 2);
    }
}

static void pop(struct model *m, unsigned words)
{
    for (unsigned k = 0; k < words; k++) {
        touch(m, RS_SS, m->sp, 2);
        m->sp = (uint16_t)(m->sp + 2);
    }
}

/* Bytes accessed through the ModRM memory operand (0: none, e.g. LEA). */
static unsigned modrm_size(const struct model *m)
{
    unsigned key = m->d->key, w = 1 + (key & 1);
    if (key < 0x40)
        return w;
    if (key == 0x62 || key == 0xC4 || key == 0xC5)
        return 4;
    if (key == 0xFF)
        return m->d->reg == 3 || m->d->reg == 5 ? 4 : 2;
    if (key == 0x8D || (key >= 0xD8 && key <= 0xDF) || (key >= 0x60 && key <= 0x6F && m->i8086))
        return 0;
    if (key == 0xFE || key == 0x80 || key == 0x82)
        return 1;
    if (key == 0x81 || key == 0x83 || key == 0x8C || key == 0x8E || key == 0x8F ||
        key >= 0x100 || (key >= 0x60 && key <= 0x6F))
        return 2;
    return w;
}

static void modrm_access(struct model *m)
{
    int seg;
    uint16_t off = ref_ea(m->d, m->reg, &seg);
    unsigned size = modrm_size(m);
    if (m->d->key == 0x8F)
        pop(m, 1);          /* POP m16 reads the stack first */
    if (size)
        touch(m, seg, off, size);
    if (m->d->key == 0xFF && (m->d->reg == 2 || m->d->reg == 6))
        push(m, 1);         /* CALL near m16, PUSH m16 */
    if (m->d->key == 0xFF && m->d->reg == 3)
        push(m, 2);         /* CALL far m16:16 */
}

/* Iterations a string instruction performs: 1 without REP, else what
 * the expected CX says (one more when it ended in an exception). */
static unsigned string_iterations(const struct ref_insn *d, const struct ss_test *t)
{
    if (!d->rep && !d->repne)
        return 1;
    uint16_t cx0 = t->init.reg[R_CX];
    unsigned done = (uint16_t)(cx0 - ss_final_reg(t, R_CX));
    if (t->has_excp && done < cx0)
        done++;
    return done;
}

/* Source (DS:SI, overridable) and destination (ES:DI) use per opcode. */
static void string_uses(unsigned key, bool *src, bool *dst)
{
    unsigned base = key & ~1u;
    *src = base == 0xA4 || base == 0xA6 || base == 0xAC || base == 0x6E;
    *dst = base == 0xA4 || base == 0xA6 || base == 0xAA || base == 0xAE || base == 0x6C;
}

static void string_access(struct model *m, const struct ss_test *t)
{
    unsigned w = 1 + (m->d->key & 1);
    int step = (m->reg[R_FLAGS] & FL_DF) ? -(int)w : (int)w;
    int src_seg = m->d->seg_override != RS_NONE ? m->d->seg_override : RS_DS;
    uint16_t si = m->reg[R_SI], di = m->reg[R_DI];
    bool src, dst;
    string_uses(m->d->key, &src, &dst);
    unsigned n = string_iterations(m->d, t);
    for (unsigned k = 0; k < n && !crossed(m); k++) {
        if (src)
            touch(m, src_seg, si, w);
        if (dst)
            touch(m, RS_ES, di, w);
        if (crossed(m))
            break;
        m->out->iterations++;
        si = (uint16_t)(si + step);
        di = (uint16_t)(di + step);
    }
}

static bool is_string(unsigned key, bool i8086)
{
    return (key >= 0xA4 && key <= 0xA7) || (key >= 0xAA && key <= 0xAF) ||
           (!i8086 && key >= 0x6C && key <= 0x6F);
}

/* ENTER (80286 PRM): push BP, copy level-1 frame pointers, push the new
 * frame pointer. */
static void enter_access(struct model *m)
{
    unsigned level = m->d->imm2 & 31;
    uint16_t bp = m->reg[R_BP];
    push(m, 1);
    for (unsigned k = 1; k < level; k++) {
        bp = (uint16_t)(bp - 2);
        touch(m, RS_SS, bp, 2);
        push(m, 1);
    }
    if (level)
        push(m, 1);
}

/* Stack words pushed (>0) or popped (<0) by the non-ModRM opcodes. */
static int stack_words(const struct model *m)
{
    unsigned key = m->d->key;
    bool i86 = m->i8086;
    switch (key) {
    case 0x06: case 0x0E: case 0x16: case 0x1E: case 0x9C: case 0xE8:
        return 1;
    case 0x07: case 0x17: case 0x1F: case 0x9D: case 0xC2: case 0xC3:
        return -1;
    case 0x0F: return i86 ? -1 : 0;             /* 8086 POP CS */
    case 0x60: return i86 ? 0 : 8;
    case 0x61: return i86 ? 0 : -8;
    case 0x68: case 0x6A: return i86 ? 0 : 1;
    case 0x9A: return 2;
    case 0xC0: case 0xC1: return i86 ? -1 : 0;  /* 8086 RET aliases */
    case 0xC8: case 0xC9: return i86 ? -2 : 0;  /* 8086 RETF aliases */
    case 0xCA: case 0xCB: return -2;
    case 0xCC: case 0xCD: return 3;
    case 0xCE: return (m->reg[R_FLAGS] & FL_OF) ? 3 : 0;
    case 0xCF: return -3;
    default:
        if (key >= 0x50 && key <= 0x57)
            return 1;
        if (key >= 0x58 && key <= 0x5F)
            return -1;
        return 0;
    }
}

static void other_access(struct model *m, const struct ss_test *t)
{
    unsigned key = m->d->key;
    int words = stack_words(m);
    if (words > 0) {
        push(m, (unsigned)words);
        if (key == 0x60 && crossed(m))
            m->out->vector = 13;    /* SDM vol. 2 PUSHA: #GP for SP = 7, 9, ... 15 */
    } else if (words < 0) {
        pop(m, (unsigned)-words);
    } else if (key >= 0xA0 && key <= 0xA3) {
        touch(m, m->d->seg_override != RS_NONE ? m->d->seg_override : RS_DS,
              m->d->imm, 1 + (key & 1));
    } else if (is_string(key, m->i8086)) {
        string_access(m, t);
    } else if (key == 0xC8 && !m->i8086) {
        enter_access(m);
    } else if (key == 0xC9 && !m->i8086) {
        m->sp = m->reg[R_BP];   /* LEAVE */
        pop(m, 1);
    }
}

void wrap_first(const struct ref_insn *d, const struct ss_test *t, bool i8086,
                struct wrap_result *out)
{
    memset(out, 0, sizeof *out);
    out->seg = RS_NONE;
    if ((unsigned)t->init.reg[R_IP] + d->len - 1 > 0xFFFFu) {
        out->kind = WRAP_FETCH;
        out->seg = RS_CS;
        out->vector = 13;
        return;
    }
    struct model m = { .d = d, .reg = t->init.reg, .sp = t->init.reg[R_SP],
                       .i8086 = i8086, .out = out };
    if (ref_has_mem(d))
        modrm_access(&m);
    else
        other_access(&m, t);
}
