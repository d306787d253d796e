/* Debug registers DR0-DR7, single-step and breakpoints (SDM vol. 3 17). */
#ifndef EMBER_CPU_DEBUG_H
#define EMBER_CPU_DEBUG_H

#include "cpu.h"

#define DR6_B0 0x0001u
#define DR6_BD 0x2000u
#define DR6_BS 0x4000u
#define DR6_BT 0x8000u

/* Any instruction breakpoint enabled in DR7 (forces one-at-a-time steps). */
bool debug_breakpoints_armed(const struct cpu *cpu);
/* Before an instruction: raise #DB (a fault) if an enabled instruction
 * breakpoint matches CS:EIP and EFLAGS.RF is clear. */
void debug_check_code_breakpoints(struct cpu *cpu);
/* After an instruction: true if a #DB trap is due (single-step when TF was
 * set at its start); DR6 is updated. */
bool debug_pending_traps(struct cpu *cpu, bool tf_before);

#endif
