/* The x87 FPU of the P6 (Intel SDM vol. 1 chapter 8): its registers, and
 * what the rest of the emulator uses of it.
 *
 * State (vol. 1 8.1): eight 80-bit data registers R0-R7 used as a stack
 * whose top is the status word's TOP field (ST(i) is R((TOP + i) mod 8)),
 * the control word, the status word, a tag per register (kept as an
 * empty/non-empty bit: the two-bit tags FSTENV stores are computed from
 * the contents, vol. 1 8.1.7), and the pointers to the last non-control
 * instruction and its memory operand with its opcode (8.1.8, 8.1.9).
 *
 * Exceptions (vol. 1 8.6, 8.7): an unmasked exception sets the status
 * word's ES and B bits and is reported when the next waiting x87
 * instruction (or WAIT) starts: as #MF with CR0.NE set, otherwise through
 * the FERR# output (the PC routes it to IRQ 13, cpu_hooks.ferr) after
 * which the instruction waits for an interrupt, unless IGNNE# is active
 * (cpu->ignne, driven by the chipset: port F0h on a PC). */
#ifndef EMBER_CPU_FPU_H
#define EMBER_CPU_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "float80.h"

/* Status word (vol. 1 8.1.3). */
#define FSW_IE  0x0001u
#define FSW_DE  0x0002u
#define FSW_ZE  0x0004u
#define FSW_OE  0x0008u
#define FSW_UE  0x0010u
#define FSW_PE  0x0020u
#define FSW_SF  0x0040u     /* stack fault (with IE) */
#define FSW_ES  0x0080u     /* exception summary */
#define FSW_C0  0x0100u
#define FSW_C1  0x0200u
#define FSW_C2  0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3  0x4000u
#define FSW_B   0x8000u     /* busy: mirrors ES on the 387 and later */
#define FSW_EXC 0x003Fu
#define FSW_CC  (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* Control word (vol. 1 8.1.5). Bits 6 and 13-15 are reserved; bit 6
 * reads as 1, X (infinity control, bit 12) is kept but has no effect. */
#define FCW_MASKS 0x003Fu
#define FCW_PC    0x0300u
#define FCW_RC    0x0C00u
#define FCW_X     0x1000u
#define FCW_INIT  0x037Fu   /* FNINIT (vol. 2 FINIT) */
#define FCW_RESET 0x0040u   /* power-on (vol. 3 table 9-1) */

/* Two-bit tags as stored by FSTENV and FSAVE (vol. 1 8.1.7). */
enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

struct fpu {
    struct f80 r[8];        /* physical registers R0-R7 */
    uint16_t cw, sw;        /* TOP lives in sw bits 13:11 */
    uint8_t used;           /* bit n: Rn is not empty */
    bool ferr;              /* FERR# is asserted */
    uint16_t fop;           /* 11 bits: first opcode byte & 7, ModRM */
    uint16_t fcs, fds;      /* selectors of the last instruction and operand */
    uint32_t fip, fdp;      /* their offsets */
};

struct cpu;

/* Power-on (RESET) state; INIT leaves the FPU alone (vol. 3 9.1.1). */
void fpu_reset(struct fpu *f);
/* FNINIT: CW 037Fh, SW 0, all registers empty, pointers cleared. */
void fpu_init(struct fpu *f);
/* The two-bit tag of physical register n, from its contents. */
unsigned fpu_tag(const struct fpu *f, unsigned n);
/* The full tag word as FSTENV stores it, and the abridged one of FXSAVE. */
uint16_t fpu_tag_word(const struct fpu *f);

/* WAIT/FWAIT (vol. 2 WAIT): #NM with CR0.TS and CR0.MP, then any pending
 * unmasked x87 exception. */
void fpu_wait(struct cpu *cpu);

/* The state as FNSAVE stores it in 32-bit protected mode (108 bytes),
 * and back as FRSTOR loads it: for debuggers and tests. */
void fpu_save_image(const struct fpu *f, uint8_t image[108]);
void fpu_load_image(struct fpu *f, const uint8_t image[108]);

#endif
