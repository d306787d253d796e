/* Protected-mode and virtual-8086-mode control transfers (SDM vol. 3
 * chapters 5-7 and 20): far JMP/CALL/RET through code segments, call gates
 * and task gates; interrupt and exception delivery through interrupt,
 * trap and task gates; IRET in all its forms; hardware task switches. */
#ifndef EMBER_CPU_PROTECTED_H
#define EMBER_CPU_PROTECTED_H

#include "cpu.h"

void pm_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32);
void pm_far_call(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32);
void pm_far_ret(struct cpu *cpu, int op32, uint16_t pop_bytes);
/* IRET in protected mode (including return to V86 and nested-task return)
 * and in V86 mode (IOPL-sensitive). */
void pm_iret(struct cpu *cpu, int op32);
/* Deliver through the IDT (protected or V86 mode); ret_eip is the EIP the
 * handler returns to. */
void pm_interrupt(struct cpu *cpu, int vector, enum int_source src, bool has_error,
                  uint32_t error, uint32_t ret_eip);

#endif
