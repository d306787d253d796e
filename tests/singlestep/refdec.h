/* A reference decoder for the 8086/80286 instruction set, independent of
 * the emulator's: the runner uses it only to classify tests (opcode key
 * for metadata.json, ModRM.reg, instruction length, prefixes and the
 * memory operand's segment and offset), never to execute them. */
#ifndef EMBER_SS_REFDEC_H
#define EMBER_SS_REFDEC_H

#include <stdbool.h>
#include <stdint.h>

/* Segment registers, numbered as in the ModRM sreg field. */
enum ref_seg { RS_ES, RS_CS, RS_SS, RS_DS, RS_NONE = -1 };

struct ref_insn {
    unsigned len;           /* bytes, prefixes included */
    unsigned nprefix;
    int seg_override;       /* enum ref_seg of the last segment prefix */
    bool lock, rep, repne;  /* F0 (8086: also F1), F3, F2 */
    unsigned key;           /* 0x00..0xFF, or 0x100 + byte for 0F xx */
    bool has_modrm;
    uint8_t mod, reg, rm;
    uint16_t disp;          /* displacement, disp8 sign-extended */
    uint16_t imm;           /* first immediate (moffs for A0-A3) */
    uint8_t imm2;           /* second immediate: ENTER's nesting level */
    bool complete;          /* the bytes held the whole instruction */
};

/* Decodes bytes[0..n) as the 8086 (i8086) or the 80286 would. */
void ref_decode(const uint8_t *bytes, unsigned n, bool i8086, struct ref_insn *out);

/* Whether the instruction has a ModRM memory operand. */
static inline bool ref_has_mem(const struct ref_insn *d)
{
    return d->has_modrm && d->mod != 3;
}

/* Offset of the ModRM memory operand from 16-bit registers indexed by
 * enum ss_reg (testcase.h); *seg gets its segment (override applied). */
uint16_t ref_ea(const struct ref_insn *d, const uint16_t *regs, int *seg);

#endif
