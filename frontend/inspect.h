/* Machine state for people to read: the registers, descriptor tables, the
 * TSS, page walks and mappings. The monitor's "info" commands and the
 * -d cpu trace print through these. Nothing here changes the guest: memory
 * is read with debugger_read() (RAM and ROM only, no accessed bits). */
#ifndef EMBER_FRONTEND_INSPECT_H
#define EMBER_FRONTEND_INSPECT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

struct cpu;

/* "#PF" for 14 and so on; "" for vectors that are no exception. */
const char *inspect_exception_name(int vector);
/* The exception's name when the CPU raised it (or NMI), else "": INT 13h
 * is no #XM. */
const char *inspect_event_name(int vector, enum int_source src);

/* General, segment, control and debug registers (QEMU's layout). */
void inspect_registers(FILE *out, struct cpu *cpu);
/* The x87 state: control, status, tags, the stack. */
void inspect_fpu(FILE *out, const struct cpu *cpu);
/* Every non-empty descriptor of the GDT (ldt false) or the current LDT. */
void inspect_descriptor_table(FILE *out, const struct cpu *cpu, bool ldt);
/* The IDT's gates (protected mode) or the IVT (real mode). */
void inspect_idt(FILE *out, const struct cpu *cpu);
/* The current task's TSS, field by field. */
void inspect_tss(FILE *out, const struct cpu *cpu);
/* The page walk of one linear address, entry by entry. */
void inspect_walk(FILE *out, const struct cpu *cpu, uint32_t lin);
/* Every present page (4 MiB pages once), QEMU's "info tlb". */
void inspect_mappings(FILE *out, const struct cpu *cpu);
/* Runs of linear addresses with the same rights, QEMU's "info mem". */
void inspect_mem(FILE *out, const struct cpu *cpu);

#endif
