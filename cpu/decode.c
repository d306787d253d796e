/* The decoder (Intel SDM vol. 2 chapter 2): prefixes, opcode, ModRM, SIB,
 * displacement and immediates, looked up in the table that opcodes.def
 * expands to. */
#include "decode.h"

#include <string.h>

#include "decode_tables.h"

enum imm_kind { IMM_NONE, IMM_B, IMM_BS, IMM_W, IMM_Z, IMM_ZS, IMM_WB, IMM_FAR, IMM_MOFFS };

static const uint8_t form_imm[FORM_COUNT] = {
#define FORM(name, modrm, imm, text) IMM_##imm,
#include "forms.def"
#undef FORM
};

static const char *const form_text[FORM_COUNT] = {
#define FORM(name, modrm, imm, text) text,
#include "forms.def"
#undef FORM
};

struct opinfo {
    insn_fn fn16, fn32;
    const char *mnemonic;
    uint16_t attrs;
    uint8_t form;
};

static const struct opinfo opinfo[OPID_COUNT + 1] = {
#define OP(id, map, opc, ext, mn, form, h16, h32, attrs) \
    { op_##h16, op_##h32, mn, attrs, FORM_##form },
#include "opcodes.def"
#undef OP
    { op_ud, op_ud, "(bad)", END, FORM_none },
};

const char *insn_mnemonic(const struct insn *i) { return opinfo[i->op].mnemonic; }
const char *insn_form_text(const struct insn *i) { return form_text[opinfo[i->op].form]; }
unsigned op_attrs(unsigned op) { return op <= OPID_COUNT ? opinfo[op].attrs : 0; }

void op_ud(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    cpu_raise_ud(cpu);
}

#define MAX_INSN_LEN 15

struct reader {
    const uint8_t *p;
    unsigned pos, avail;
    bool short_of_bytes;
};

static uint32_t take(struct reader *r, unsigned n)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < n; k++) {
        if (r->pos >= r->avail) {
            r->short_of_bytes = true;
            return 0;
        }
        v |= (uint32_t)r->p[r->pos++] << (8 * k);
    }
    return v;
}

/* 16-bit ModRM addressing (SDM vol. 2 table 2-1). */
static void decode_modrm16(struct reader *r, unsigned mod, unsigned rm, struct insn *out)
{
    static const uint8_t base16[8] = { EBX, EBX, EBP, EBP, ESI, EDI, EBP, EBX };
    static const uint8_t index16[8] = { ESI, EDI, ESI, EDI, REG_NONE, REG_NONE, REG_NONE, REG_NONE };
    out->base = base16[rm];
    out->index = index16[rm];
    out->scale = 0;
    out->seg = (rm == 2 || rm == 3 || (rm == 6 && mod != 0)) ? SS : DS;
    if (mod == 0 && rm == 6) {
        out->base = REG_NONE;
        out->disp = take(r, 2);
    } else if (mod == 1) {
        out->disp = (uint32_t)(int32_t)(int8_t)take(r, 1);
    } else if (mod == 2) {
        out->disp = take(r, 2);
    } else {
        out->disp = 0;
    }
}

/* 32-bit ModRM and SIB addressing (SDM vol. 2 tables 2-2, 2-3). */
static void decode_modrm32(struct reader *r, unsigned mod, unsigned rm, struct insn *out)
{
    out->index = REG_NONE;
    out->scale = 0;
    if (rm == 4) {
        uint8_t sib = (uint8_t)take(r, 1);
        unsigned base = sib & 7, index = (sib >> 3) & 7;
        out->scale = sib >> 6;
        out->index = index == 4 ? REG_NONE : (uint8_t)index;
        if (base == 5 && mod == 0) {
            out->base = REG_NONE;
            out->disp = take(r, 4);
            out->seg = DS;
            return;
        }
        out->base = (uint8_t)base;
    } else if (rm == 5 && mod == 0) {
        out->base = REG_NONE;
        out->disp = take(r, 4);
        out->seg = DS;
        return;
    } else {
        out->base = (uint8_t)rm;
    }
    out->seg = (out->base == ESP || out->base == EBP) ? SS : DS;
    if (mod == 1)
        out->disp = (uint32_t)(int32_t)(int8_t)take(r, 1);
    else if (mod == 2)
        out->disp = take(r, 4);
    else
        out->disp = 0;
}

static void decode_immediate(struct reader *r, enum imm_kind kind, bool o32, bool a32,
                             struct insn *out)
{
    switch (kind) {
    case IMM_NONE: break;
    case IMM_B: out->imm = take(r, 1); break;
    case IMM_BS: out->imm = (uint32_t)(int32_t)(int8_t)take(r, 1); break;
    case IMM_W: out->imm = take(r, 2); break;
    case IMM_Z: out->imm = take(r, o32 ? 4 : 2); break;
    case IMM_ZS: out->imm = o32 ? take(r, 4) : (uint32_t)(int32_t)(int16_t)take(r, 2); break;
    case IMM_WB: out->imm = take(r, 2); out->imm2 = (uint16_t)take(r, 1); break;
    case IMM_FAR: out->imm = take(r, o32 ? 4 : 2); out->imm2 = (uint16_t)take(r, 2); break;
    case IMM_MOFFS: out->disp = take(r, a32 ? 4 : 2); break;
    }
}

static void make_invalid(struct insn *out)
{
    out->op = OPID_INVALID;
    out->fn = op_ud;
    out->attr |= INSN_END;
}

enum decode_status decode_insn(const uint8_t *bytes, unsigned avail, bool code32,
                               struct insn *out)
{
    struct reader r = { bytes, 0, avail < MAX_INSN_LEN ? avail : MAX_INSN_LEN, false };
    bool o32 = code32, a32 = code32;
    int seg_override = -1;
    uint8_t attr = 0;
    unsigned opcode, map = 0;

    memset(out, 0, sizeof *out);
    for (;;) {
        if (r.pos >= r.avail)
            return avail >= MAX_INSN_LEN ? DECODE_TOO_LONG : DECODE_MORE;
        opcode = bytes[r.pos++];
        switch (opcode) {
        case 0x26: seg_override = ES; continue;
        case 0x2E: seg_override = CS; continue;
        case 0x36: seg_override = SS; continue;
        case 0x3E: seg_override = DS; continue;
        case 0x64: seg_override = FS; continue;
        case 0x65: seg_override = GS; continue;
        case 0x66: o32 = !code32; continue;
        case 0x67: a32 = !code32; continue;
        case 0xF0: attr |= INSN_LOCK; continue;
        case 0xF2: attr = (uint8_t)((attr & ~INSN_REP) | INSN_REPNE); continue;
        case 0xF3: attr = (uint8_t)((attr & ~INSN_REPNE) | INSN_REP); continue;
        default: break;
        }
        break;
    }
    if (opcode == 0x0F) {
        map = 1;
        if (r.pos >= r.avail)
            return avail >= MAX_INSN_LEN ? DECODE_TOO_LONG : DECODE_MORE;
        opcode = bytes[r.pos++];
    }

    unsigned reg = 0, is_reg_form = 1;
    if (decode_has_modrm[map][opcode]) {
        if (r.pos >= r.avail)
            return avail >= MAX_INSN_LEN ? DECODE_TOO_LONG : DECODE_MORE;
        out->modrm = bytes[r.pos++];
        reg = (out->modrm >> 3) & 7;
        is_reg_form = (out->modrm >> 6) == 3;
    }
    unsigned op = decode_table[map][opcode][reg][is_reg_form];
    if (op & DECODE_SPLIT)
        op = decode_split[op & ~DECODE_SPLIT][out->modrm & 7];
    const struct opinfo *info = &opinfo[op];
    if (op != OPID_INVALID && (info->attrs & MODREG))
        is_reg_form = 1;

    out->seg = DS;
    out->base = out->index = REG_NONE;
    if (decode_has_modrm[map][opcode]) {
        out->reg = (uint8_t)reg;
        out->rm = out->modrm & 7;
        if (!is_reg_form) {
            attr |= INSN_MEM;
            if (a32)
                decode_modrm32(&r, out->modrm >> 6, out->rm, out);
            else
                decode_modrm16(&r, out->modrm >> 6, out->rm, out);
        }
    }
    if (op != OPID_INVALID) {
        if (info->attrs & CC16)
            out->cc = opcode & 15;
        if ((info->attrs & R8) && !decode_has_modrm[map][opcode])
            out->reg = opcode & 7;
        if (info->form == FORM_Sreg)
            out->reg = (opcode >> 3) & 7;
        decode_immediate(&r, (enum imm_kind)form_imm[info->form], o32, a32, out);
    }
    if (r.short_of_bytes)
        return avail >= MAX_INSN_LEN ? DECODE_TOO_LONG : DECODE_MORE;

    if (seg_override >= 0) {
        out->seg = (uint8_t)seg_override;
        attr |= INSN_SEGOVR;
    }
    if (a32) attr |= INSN_A32;
    if (o32) attr |= INSN_O32;
    out->attr = attr;
    out->len = (uint8_t)r.pos;
    out->op = (uint16_t)op;
    if (op == OPID_INVALID) {
        make_invalid(out);
        return DECODE_OK;
    }
    if ((info->form == FORM_Ew_Sw || info->form == FORM_Sw_Ew) && out->reg > GS) {
        make_invalid(out);  /* SDM vol. 2 MOV: Sreg 6 and 7 do not exist, #UD */
        return DECODE_OK;
    }
    if ((attr & INSN_LOCK) && (!(info->attrs & LOCK) || !(attr & INSN_MEM))) {
        make_invalid(out);  /* SDM vol. 2 LOCK: #UD unless a listed RMW on memory */
        return DECODE_OK;
    }
    out->fn = o32 ? info->fn32 : info->fn16;
    if (info->attrs & END)
        out->attr |= INSN_END;
    return DECODE_OK;
}
