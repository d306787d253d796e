/* Reference 8086/80286 decoder; see refdec.h. Operand shapes follow the
 * 80286 Programmer's Reference Manual opcode map (appendix A); the 8086
 * differences are its aliases: 60-6F decode as Jcc, C0/C1 as RET, C8/C9
 * as RETF, 0F as POP CS. */
#include "refdec.h"

#include <string.h>

#include "testcase.h"

/* Immediate shapes. */
enum imm_kind { IMM_NONE, IMM_B, IMM_W, IMM_WB, IMM_WW, IMM_GRP3B, IMM_GRP3W };

struct shape {
    bool modrm;
    enum imm_kind imm;
};

static struct shape shape_0x60(uint8_t op)
{
    switch (op) {
    case 0x62: case 0x63: return (struct shape){ true, IMM_NONE };
    case 0x68: return (struct shape){ false, IMM_W };
    case 0x69: return (struct shape){ true, IMM_W };
    case 0x6A: return (struct shape){ false, IMM_B };
    case 0x6B: return (struct shape){ true, IMM_B };
    default: return (struct shape){ false, IMM_NONE };
    }
}

static struct shape shape_0x80(uint8_t op)
{
    if (op == 0x81)
        return (struct shape){ true, IMM_W };
    if (op <= 0x83)
        return (struct shape){ true, IMM_B };
    if (op <= 0x8F)
        return (struct shape){ true, IMM_NONE };
    if (op == 0x9A)
        return (struct shape){ false, IMM_WW };
    if (op <= 0x9F)
        return (struct shape){ false, IMM_NONE };
    if (op <= 0xA3 || op == 0xA9)
        return (struct shape){ false, IMM_W };
    if (op == 0xA8)
        return (struct shape){ false, IMM_B };
    if (op <= 0xAF)
        return (struct shape){ false, IMM_NONE };
    return (struct shape){ false, op <= 0xB7 ? IMM_B : IMM_W };
}

static struct shape shape_0xc0(uint8_t op, bool i8086)
{
    switch (op) {
    case 0xC0: return i8086 ? (struct shape){ false, IMM_W } : (struct shape){ true, IMM_B };
    case 0xC1: return i8086 ? (struct shape){ false, IMM_NONE } : (struct shape){ true, IMM_B };
    case 0xC2: case 0xCA: return (struct shape){ false, IMM_W };
    case 0xC4: case 0xC5: return (struct shape){ true, IMM_NONE };
    case 0xC6: return (struct shape){ true, IMM_B };
    case 0xC7: return (struct shape){ true, IMM_W };
    case 0xC8: return (struct shape){ false, i8086 ? IMM_W : IMM_WB };
    case 0xCD: return (struct shape){ false, IMM_B };
    default: return (struct shape){ false, IMM_NONE };
    }
}

static struct shape shape_0xd0(uint8_t op)
{
    if (op <= 0xD3 || (op >= 0xD8 && op <= 0xDF))
        return (struct shape){ true, IMM_NONE };
    if (op == 0xD4 || op == 0xD5 || (op >= 0xE0 && op <= 0xE7) || op == 0xEB)
        return (struct shape){ false, IMM_B };
    if (op == 0xE8 || op == 0xE9)
        return (struct shape){ false, IMM_W };
    if (op == 0xEA)
        return (struct shape){ false, IMM_WW };
    if (op == 0xF6)
        return (struct shape){ true, IMM_GRP3B };
    if (op == 0xF7)
        return (struct shape){ true, IMM_GRP3W };
    return (struct shape){ op >= 0xFE, IMM_NONE };
}

/* One-byte opcodes (the 286's 0F is handled by the caller). */
static struct shape shape_of(uint8_t op, bool i8086)
{
    if (op < 0x40) {
        unsigned low = op & 7;
        if (low < 4)
            return (struct shape){ true, IMM_NONE };
        return (struct shape){ false, low == 4 ? IMM_B : low == 5 ? IMM_W : IMM_NONE };
    }
    if (op < 0x60)
        return (struct shape){ false, IMM_NONE };
    if (op < 0x70)
        return i8086 ? (struct shape){ false, IMM_B } : shape_0x60(op);
    if (op < 0x80)
        return (struct shape){ false, IMM_B };
    if (op < 0xC0)
        return shape_0x80(op);
    if (op < 0xD0)
        return shape_0xc0(op, i8086);
    return shape_0xd0(op);
}

static bool is_prefix(uint8_t b, bool i8086)
{
    switch (b) {
    case 0x26: case 0x2E: case 0x36: case 0x3E: case 0xF0: case 0xF2: case 0xF3:
        return true;
    case 0xF1:
        return i8086;   /* the 8086 decodes F1 as LOCK */
    default:
        return false;
    }
}

static void note_prefix(uint8_t b, struct ref_insn *d)
{
    switch (b) {
    case 0x26: d->seg_override = RS_ES; break;
    case 0x2E: d->seg_override = RS_CS; break;
    case 0x36: d->seg_override = RS_SS; break;
    case 0x3E: d->seg_override = RS_DS; break;
    case 0xF2: d->repne = true; d->rep = false; break;
    case 0xF3: d->rep = true; d->repne = false; break;
    default: d->lock = true; break;
    }
}

/* Byte k of the instruction, or 0 past the end (marking it incomplete). */
static uint8_t byte_at(const uint8_t *b, unsigned n, unsigned k, struct ref_insn *d)
{
    if (k < n)
        return b[k];
    d->complete = false;
    return 0;
}

static unsigned decode_modrm(const uint8_t *b, unsigned n, unsigned pos, struct ref_insn *d)
{
    uint8_t m = byte_at(b, n, pos++, d);
    d->has_modrm = true;
    d->mod = m >> 6;
    d->reg = (m >> 3) & 7;
    d->rm = m & 7;
    if (d->mod == 1) {
        d->disp = (uint16_t)(int8_t)byte_at(b, n, pos++, d);
    } else if (d->mod == 2 || (d->mod == 0 && d->rm == 6)) {
        d->disp = (uint16_t)(byte_at(b, n, pos, d) | byte_at(b, n, pos + 1, d) << 8);
        pos += 2;
    }
    return pos;
}

static unsigned imm_bytes(enum imm_kind k, const struct ref_insn *d)
{
    switch (k) {
    case IMM_B: return 1;
    case IMM_W: return 2;
    case IMM_WB: return 3;
    case IMM_WW: return 4;
    case IMM_GRP3B: return d->reg < 2 ? 1 : 0;
    case IMM_GRP3W: return d->reg < 2 ? 2 : 0;
    default: return 0;
    }
}

static unsigned decode_imm(const uint8_t *b, unsigned n, unsigned pos, enum imm_kind k,
                           struct ref_insn *d)
{
    unsigned len = imm_bytes(k, d);
    if (len == 1)
        d->imm = byte_at(b, n, pos, d);
    else if (len >= 2)
        d->imm = (uint16_t)(byte_at(b, n, pos, d) | byte_at(b, n, pos + 1, d) << 8);
    if (len == 3)
        d->imm2 = byte_at(b, n, pos + 2, d);
    return pos + len;
}

void ref_decode(const uint8_t *bytes, unsigned n, bool i8086, struct ref_insn *d)
{
    memset(d, 0, sizeof *d);
    d->seg_override = RS_NONE;
    d->complete = true;
    unsigned pos = 0;
    while (pos < n && is_prefix(bytes[pos], i8086))
        note_prefix(bytes[pos++], d);
    d->nprefix = pos;
    uint8_t op = byte_at(bytes, n, pos++, d);
    struct shape s;
    if (op == 0x0F && !i8086) {
        uint8_t op2 = byte_at(bytes, n, pos++, d);
        d->key = 0x100u + op2;
        s = (struct shape){ op2 <= 0x03, IMM_NONE };
    } else {
        d->key = op;
        s = shape_of(op, i8086);
    }
    if (s.modrm)
        pos = decode_modrm(bytes, n, pos, d);
    pos = decode_imm(bytes, n, pos, s.imm, d);
    d->len = pos;
}

uint16_t ref_ea(const struct ref_insn *d, const uint16_t *regs, int *seg)
{
    /* 80286 PRM table 2-x: the eight 16-bit base/index combinations. */
    static const int8_t base_reg[8] = { R_BX, R_BX, R_BP, R_BP, -1, -1, R_BP, R_BX };
    static const int8_t index_reg[8] = { R_SI, R_DI, R_SI, R_DI, R_SI, R_DI, -1, -1 };
    uint16_t off = d->disp;
    int base = base_reg[d->rm], index = index_reg[d->rm];
    if (d->mod == 0 && d->rm == 6)
        base = -1;  /* disp16 alone */
    if (base >= 0)
        off = (uint16_t)(off + regs[base]);
    if (index >= 0)
        off = (uint16_t)(off + regs[index]);
    *seg = d->seg_override != RS_NONE ? d->seg_override : base == R_BP ? RS_SS : RS_DS;
    return off;
}
