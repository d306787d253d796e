/* Debug registers DR0-DR7, single-step and breakpoints (SDM vol. 3 17).
 *
 * How a single-step trap is decided (SDM vol. 3 17.3.1.4): step_one() notes
 * TF at the start of the instruction; after it completes, the trap is taken
 * unless the instruction
 *  - raised a fault (the longjmp skips the check: no trap),
 *  - delivered a software interrupt (INT n, INT3, INTO, INT1): the handler
 *    runs with TF clear and the trap resumes only after its IRET,
 *  - loaded SS with MOV or POP: the trap waits one instruction (SDM vol. 3
 *    6.8.3); TF is still set then, so the next instruction traps,
 *  - switched to a task whose TSS has the T bit: the #DB (BT) has already
 *    been delivered, and a due single-step only adds BS to DR6.
 *
 * RF (SDM vol. 3 17.3.1.1): cleared at the start of every instruction, after
 * the instruction-breakpoint check; loaded by IRETD and task switches; set
 * in the image pushed for a fault (protected.c). While RF is set the CPU
 * runs one instruction at a time so that it is cleared on time. */
#ifndef EMBER_CPU_DEBUG_H
#define EMBER_CPU_DEBUG_H

#include "cpu.h"

#define DR6_B0 0x0001u
#define DR6_BD 0x2000u
#define DR6_BS 0x4000u
#define DR6_BT 0x8000u
#define DR7_GD 0x2000u

/* struct cpu.db_trap: what happened to this instruction's #DB trap. */
#define DB_TRAP_DROP      1u    /* a software interrupt: no single-step trap */
#define DB_TRAP_DELIVERED 2u    /* a task-switch #DB went out already */

/* Any instruction breakpoint enabled in DR7 (forces one-at-a-time steps). */
bool debug_breakpoints_armed(const struct cpu *cpu);
/* Whether the CPU must run one instruction at a time: TF, RF, or an armed
 * instruction breakpoint. */
bool debug_wants_single_steps(const struct cpu *cpu);
/* Before an instruction: raise #DB (a fault) if an enabled instruction
 * breakpoint matches CS:EIP and EFLAGS.RF is clear; then clear RF. */
void debug_check_code_breakpoints(struct cpu *cpu);
/* After instruction i completed: true if a #DB trap is due (single-step
 * when TF was set at its start); DR6 is updated. */
bool debug_pending_traps(struct cpu *cpu, bool tf_before, const struct insn *i);
/* DR0-3 or DR7 changed: recompute the armed data breakpoints. Pages that
 * hold one lose their fast TLB entries, so every access to them reaches
 * the slow path and debug_check_data. */
void debug_update_data_breakpoints(struct cpu *cpu);
/* Does the page at lin hold an armed data breakpoint? */
bool debug_page_watched(const struct cpu *cpu, uint32_t lin);
/* A data access of size bytes at lin (slow path): note the breakpoints it
 * hits; the #DB trap follows the instruction (SDM vol. 3 17.2.5). */
void debug_check_data(struct cpu *cpu, uint32_t lin, unsigned size, bool write);
/* After an instruction: the data breakpoints it hit, moved into DR6 (B0-B3);
 * returns whether a #DB trap is due. */
bool debug_take_data_hits(struct cpu *cpu);
/* A software interrupt was delivered: this instruction takes no
 * single-step trap. */
void debug_drop_step_trap(struct cpu *cpu);
/* A task switch loaded a TSS with the T bit: deliver #DB (DR6.BT) now,
 * before the new task's first instruction (SDM vol. 3 17.3.1.5). */
void debug_task_switch_trap(struct cpu *cpu);
/* EFLAGS.RF may have been loaded (IRETD, task switch): keep the CPU in
 * one-instruction steps until it is cleared. */
void debug_rf_loaded(struct cpu *cpu);

#endif
