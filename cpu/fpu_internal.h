/* What the x87 instruction files (fpu*.c) share: the register stack, the
 * instruction prologue (#NM, pending exceptions), exception reporting,
 * the last-instruction pointers, and memory operands. */
#ifndef EMBER_CPU_FPU_INTERNAL_H
#define EMBER_CPU_FPU_INTERNAL_H

#include "exec.h"
#include "float80.h"
#include "fpu.h"

/* ------------------------------------------------------------------------
 * The register stack (SDM vol. 1 8.1.2) */

static inline unsigned fpu_top(const struct cpu *cpu) { return (cpu->fpu.sw >> 11) & 7; }
/* The physical register of ST(i). */
static inline unsigned st_reg(const struct cpu *cpu, unsigned i) { return (fpu_top(cpu) + i) & 7; }
static inline bool st_used(const struct cpu *cpu, unsigned i)
{
    return (cpu->fpu.used >> st_reg(cpu, i)) & 1;
}
static inline struct f80 st_get(const struct cpu *cpu, unsigned i) { return cpu->fpu.r[st_reg(cpu, i)]; }
/* Write ST(i), marking it non-empty. */
static inline void st_put(struct cpu *cpu, unsigned i, struct f80 v)
{
    unsigned n = st_reg(cpu, i);
    cpu->fpu.r[n] = v;
    cpu->fpu.used = (uint8_t)(cpu->fpu.used | 1u << n);
}
static inline void st_free(struct cpu *cpu, unsigned i)
{
    cpu->fpu.used = (uint8_t)(cpu->fpu.used & ~(1u << st_reg(cpu, i)));
}
static inline void fpu_set_top(struct cpu *cpu, unsigned top)
{
    cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~FSW_TOP) | (top & 7) << 11);
}
static inline void fpu_push(struct cpu *cpu, struct f80 v)
{
    fpu_set_top(cpu, fpu_top(cpu) - 1);
    st_put(cpu, 0, v);
}
static inline void fpu_pop(struct cpu *cpu)
{
    st_free(cpu, 0);
    fpu_set_top(cpu, fpu_top(cpu) + 1);
}

/* ------------------------------------------------------------------------
 * Instruction prologue and epilogue */

/* Every x87 instruction starts here: #NM when CR0.EM or CR0.TS is set
 * (vol. 3 table 2-2); a waiting instruction then reports a pending
 * unmasked exception (#MF, or FERR#). Returns false when the instruction
 * must wait for an interrupt (FERR# with IGNNE# inactive): the handler
 * returns at once and the instruction runs again after the interrupt. */
bool fpu_begin(struct cpu *cpu, bool waits);
static inline bool fpu_begin_wait(struct cpu *cpu) { return fpu_begin(cpu, true); }

/* A non-control instruction records its address, its opcode and (with a
 * memory operand) the operand's address (vol. 1 8.1.8, 8.1.9). */
void fpu_note_insn(struct cpu *cpu, const struct insn *i);
void fpu_note_operand(struct cpu *cpu, const struct insn *i);

/* The arithmetic environment of the control word. */
static inline struct f80_env fpu_env(const struct cpu *cpu) { return f80_env_of_cw(cpu->fpu.cw); }
static inline bool fpu_masked(const struct cpu *cpu, unsigned flag) { return (cpu->fpu.cw & flag) != 0; }

static inline void fpu_set_cc(struct cpu *cpu, unsigned mask, unsigned value)
{
    cpu->fpu.sw = (uint16_t)((cpu->fpu.sw & ~mask) | (value & mask));
}
/* Exception flags into the status word; ES and B follow the unmasked
 * ones (vol. 1 8.1.3.1). C1 is left alone. */
void fpu_raise(struct cpu *cpu, unsigned flags);
/* The flags of an arithmetic operation, with C1 = its round-up bit. */
void fpu_report(struct cpu *cpu, const struct f80_env *e);
/* ES and B recomputed from the flags and masks (FLDCW, FLDENV, FRSTOR),
 * and FERR# released when nothing is pending. */
void fpu_recompute_es(struct cpu *cpu);
void fpu_release_ferr(struct cpu *cpu);
/* Stack overflow (C1 = 1) or underflow (C1 = 0): IE and SF (vol. 1
 * 8.5.1.1). Returns whether IE is masked, i.e. whether the masked
 * response (the default NaN) is to be delivered. */
bool fpu_stack_fault(struct cpu *cpu, bool overflow);
/* An unmasked pre-computation exception (IE DE ZE): nothing is stored. */
static inline bool fpu_blocked(const struct f80_env *e)
{
    return f80_unmasked(e, F80_IE | F80_DE | F80_ZE);
}

/* ------------------------------------------------------------------------
 * Memory operands */

/* The linear address of the ModRM memory operand of size bytes, with the
 * segment checks (need: SEG_OK_READ/WRITE) and, at CPL 3 with CR0.AM and
 * EFLAGS.AC, the alignment check for align (vol. 3 table 6-7). */
uint32_t fpu_operand(struct cpu *cpu, const struct insn *i, unsigned size, unsigned need,
                     unsigned align);
/* The same for an area at an offset of the instruction's segment, whose
 * first part (first bytes) is checked before the alignment. */
uint32_t fpu_area(struct cpu *cpu, const struct insn *i, uint32_t off, unsigned size, unsigned need,
                  unsigned align, unsigned first);
void fpu_read(struct cpu *cpu, uint32_t lin, uint8_t *buf, unsigned n);
/* Writes n bytes after checking that every page takes the write, so a
 * fault leaves memory untouched. */
void fpu_write(struct cpu *cpu, uint32_t lin, const uint8_t *buf, unsigned n);

static inline uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_le64(const uint8_t *p)
{
    return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}
static inline void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, (uint16_t)v);
    put_le16(p + 2, (uint16_t)(v >> 16));
}
static inline void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}
static inline struct f80 get_f80(const uint8_t *p)
{
    struct f80 v = { get_le64(p), get_le16(p + 8) };
    return v;
}
static inline void put_f80(uint8_t *p, struct f80 v)
{
    put_le64(p, v.sig);
    put_le16(p + 8, v.se);
}

#endif
