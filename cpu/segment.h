/* Descriptors and segment loading, shared by segment.c, far.c, interrupt.c
 * and task.c (SDM vol. 3 chapter 3 and 5). */
#ifndef EMBER_CPU_SEGMENT_H
#define EMBER_CPU_SEGMENT_H

#include "cpu.h"

/* System descriptor types (S = 0), SDM vol. 3 table 3-2. */
enum {
    SYS_TSS16_AVAIL = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL_GATE16 = 4,
    SYS_TASK_GATE = 5, SYS_INT_GATE16 = 6, SYS_TRAP_GATE16 = 7,
    SYS_TSS32_AVAIL = 9, SYS_TSS32_BUSY = 11, SYS_CALL_GATE32 = 12,
    SYS_INT_GATE32 = 14, SYS_TRAP_GATE32 = 15,
};

uint32_t desc_base(uint32_t lo, uint32_t hi);
uint32_t desc_limit(uint32_t lo, uint32_t hi);
/* Fill a segment register from a descriptor (no checks). */
void seg_from_desc(struct segment *s, uint16_t sel, uint32_t lo, uint32_t hi);
/* Read the descriptor for sel from the GDT or LDT; false if the selector
 * is outside the table (or the LDT is null). */
bool desc_fetch(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi);
/* The same, raising vector(sel & ~3) when outside the table. */
void desc_fetch_or_fault(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi,
                         int vector);
/* Set the accessed bit in the descriptor in memory (if clear). */
void desc_set_accessed(struct cpu *cpu, uint16_t sel, uint32_t hi);
/* A null selector in a data segment register: usable for nothing. */
void seg_load_null(struct cpu *cpu, int seg, uint16_t sel);

#endif
