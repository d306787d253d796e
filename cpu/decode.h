/* The decoder: bytes to a struct insn, driven by opcodes.def.
 *
 * A decoded instruction carries everything execution needs so the bytes
 * are never looked at again: the handler for its operand size, the ModRM
 * memory operand as base + index * scale + disp with the effective
 * segment, the register operands, the immediate(s) and its length. */
#ifndef EMBER_CPU_DECODE_H
#define EMBER_CPU_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

#include "opattrs.h"

enum op_id {
#define OP(id, map, opc, ext, mn, form, h16, h32, attrs) OPID_##id,
#include "opcodes.def"
#undef OP
    OPID_COUNT,
    OPID_INVALID = OPID_COUNT,
};

enum form_id {
#define FORM(name, modrm, imm, text) FORM_##name,
#include "forms.def"
#undef FORM
    FORM_COUNT
};

/* struct insn.attr bits */
#define INSN_MEM    0x01u   /* the ModRM operand is memory (mod != 3) */
#define INSN_A32    0x02u   /* 32-bit addressing */
#define INSN_O32    0x04u   /* 32-bit operand size */
#define INSN_REP    0x08u   /* F3 */
#define INSN_REPNE  0x10u   /* F2 */
#define INSN_LOCK   0x20u
#define INSN_END    0x40u   /* ends a decoded block */
#define INSN_SEGOVR 0x80u   /* a segment override prefix was present */

struct insn {
    insn_fn fn;
    uint32_t disp;      /* displacement, or moffs */
    uint32_t imm;       /* first immediate (sign-extended where the form says) */
    uint16_t imm2;      /* ENTER's nesting level; a far pointer's selector */
    uint16_t op;        /* enum op_id */
    uint8_t len;
    uint8_t modrm;
    uint8_t base, index, scale; /* memory operand; REG_NONE when absent */
    uint8_t seg;        /* effective segment of the memory operand */
    uint8_t reg;        /* ModRM.reg, the register of opcode+r, or Sreg */
    uint8_t rm;         /* ModRM.rm: the register operand when mod == 3 */
    uint8_t attr;       /* INSN_* */
    uint8_t cc;         /* condition code of Jcc/SETcc/CMOVcc */
};

enum decode_status {
    DECODE_OK,          /* *out is valid (possibly an #UD instruction) */
    DECODE_MORE,        /* the bytes ran out before the instruction did */
    DECODE_TOO_LONG,    /* over 15 bytes: #GP(0) (SDM vol. 2 2.3.11) */
};

/* Decode one instruction from at most avail bytes. An opcode the table
 * lacks (or a LOCK where not allowed, a register where memory is required)
 * decodes as OK with op OPID_INVALID and a handler that raises #UD. */
enum decode_status decode_insn(const uint8_t *bytes, unsigned avail, bool code32,
                               struct insn *out);

const char *insn_mnemonic(const struct insn *i);
const char *insn_form_text(const struct insn *i);
/* Table attributes (LOCK, END, ...) of an op id. */
unsigned op_attrs(unsigned op);

/* Handlers, one per name in opcodes.def, plus op_ud. */
#define OP(id, map, opc, ext, mn, form, h16, h32, attrs) \
    void op_##h16(struct cpu *cpu, const struct insn *i); \
    void op_##h32(struct cpu *cpu, const struct insn *i);
#include "opcodes.def"
#undef OP
void op_ud(struct cpu *cpu, const struct insn *i);

#endif
