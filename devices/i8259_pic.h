/* The PC/AT pair of Intel 8259A programmable interrupt controllers: the
 * master at 0x20/0x21 drives the CPU's INTR pin, the slave at 0xA0/0xA1 is
 * cascaded on the master's IR2. Also the two edge/level control registers
 * (ELCR, 0x4D0/0x4D1) that the PIIX3 adds in front of the pair.
 *
 * ISA IRQ n enters the pair through i8259_set_irq(pair, n, level): IRQ 0-7
 * are the master's IR0-IR7, IRQ 8-15 the slave's IR0-IR7. */
#ifndef EMBER_DEVICES_I8259_PIC_H
#define EMBER_DEVICES_I8259_PIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "device.h"
#include "irq.h"

struct cpu;

#define I8259_MASTER_PORT 0x20
#define I8259_SLAVE_PORT 0xA0
#define I8259_ELCR_PORT 0x4D0
#define I8259_CASCADE_IRQ 2

/* One 8259A. Plain data only: the struct is saved whole in snapshots. */
struct i8259 {
    uint8_t irr;                /* interrupt request register */
    uint8_t isr;                /* in-service register */
    uint8_t imr;                /* interrupt mask register (OCW1) */
    uint8_t input_level;        /* IR0-IR7 pins as last driven */
    uint8_t elcr;               /* 1 = level-triggered input (PIIX3 ELCR) */
    uint8_t elcr_writable;      /* ELCR bits that exist for this chip */
    uint8_t vector_base;        /* ICW2 T7-T3 */
    uint8_t icw3;               /* master: IRs with a slave; slave: its ID */
    uint8_t lowest_priority;    /* IR with the lowest priority (7 after ICW1) */
    uint8_t icw_expected;       /* next ICW to be written: 2, 3, 4, or 0 */
    bool is_master;
    bool single;                /* ICW1 SNGL: no cascade, no ICW3 */
    bool icw4_needed;           /* ICW1 IC4 */
    bool level_triggered_mode;  /* ICW1 LTIM: every input level-triggered */
    bool auto_eoi;              /* ICW4 AEOI */
    bool special_fully_nested;  /* ICW4 SFNM */
    bool rotate_on_auto_eoi;    /* OCW2 R=1 SL=0 EOI=0 */
    bool special_mask;          /* OCW3 SMM */
    bool read_isr;              /* OCW3 RR/RIS: port A0=0 reads ISR, else IRR */
    bool poll;                  /* OCW3 P: the next read is a poll */
    bool int_output;            /* INT pin as last driven */
};

struct i8259_pair {
    struct i8259 chip[2];       /* [0] master, [1] slave */
    struct irq_line intr;       /* the master's INT output: the CPU's INTR */
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops i8259_ops;

/* Map the ports (0x20, 0xA0, 0x4D0) and return a pair in its reset state
 * with its INT output going nowhere; NULL when out of memory. */
struct i8259_pair *i8259_create(struct io_bus *io);
/* Drive the CPU's INTR pin with the master's INT output and answer its
 * interrupt acknowledge (cpu->intc): a machine without a local APIC. */
void i8259_connect_cpu(struct i8259_pair *pair, struct cpu *cpu);
/* Send the INT output to any line (tests; other CPU models). */
void i8259_set_intr_output(struct i8259_pair *pair, struct irq_line intr);

/* The level of ISA IRQ n (0-15): the signature of irq_line.set, with the
 * pair as opaque. IRQ 2 is the cascade inside the pair; a device cannot
 * drive it. */
void i8259_set_irq(void *opaque, int n, int level);
/* The irq_line for ISA IRQ n. */
struct irq_line i8259_irq_line(struct i8259_pair *pair, int n);

/* The INTA cycle: the vector of the highest-priority request, with the
 * ISR/IRR bookkeeping done; IRQ 7 (or 15) of the base if the request went
 * away before INTA (a spurious interrupt). The cpu_intc.intr_ack shape. */
int i8259_intr_ack(void *opaque);

/* ELCR1 (IRQ 0-7) in the low byte, ELCR2 (IRQ 8-15) in the high byte: a
 * set bit makes that IRQ level-triggered. IRQ 0, 1, 2, 8 and 13 are
 * always edge-triggered. */
void i8259_set_elcr(struct i8259_pair *pair, uint16_t elcr);

/* The state of both chips, for the monitor's "info pic". */
void i8259_info(const struct i8259_pair *pair, FILE *out);

#endif
