/* Hardware task switching (SDM vol. 3 7.3): used by far JMP and CALL to a
 * TSS or task gate, by interrupts through a task gate and by IRET with
 * EFLAGS.NT set (all in protected.c). */
#ifndef EMBER_CPU_TASK_H
#define EMBER_CPU_TASK_H

#include "cpu.h"

/* What started the switch: it decides the busy bits, the back link and NT
 * (SDM vol. 3 table 7-2). */
enum task_source {
    TASK_FROM_JMP,      /* old task: not busy; no link */
    TASK_FROM_CALL,     /* old task stays busy; new task links back, NT = 1 */
    TASK_FROM_INT,      /* like CALL, for an interrupt or exception */
    TASK_FROM_IRET,     /* old task: not busy, its saved NT cleared */
};

/* Switch to the task whose TSS descriptor (lo, hi) sel names. The caller
 * has checked the descriptor the way its instruction requires (in the GDT,
 * a TSS of the right busy state, present). ret_eip is saved as the old
 * task's EIP; ext (0 or 1) is the EXT bit of error codes raised on the way.
 * Until the new task's registers are loaded a fault leaves the CPU
 * untouched; after that, faults (#TS, #NP, #SS while checking the new
 * segment registers) are raised in the new task's context. Returns true if
 * the new TSS has its T (debug trap) bit set. */
bool task_switch(struct cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi,
                 enum task_source src, uint32_t ret_eip, uint32_t ext);

/* The last steps of every task switch, after an interrupt's error code is
 * pushed: #GP(ext) if EIP is outside the new CS limit, then the #DB the
 * T bit asks for. */
void task_switch_done(struct cpu *cpu, bool t_bit, uint32_t ext);

#endif
