/* Intel 82371SB PIIX3, function 0: the PCI-to-ISA bridge at PCI 00:01.0
 * (8086:7000), with the PIRQ router and the reset control register.
 *
 * Reference: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator
 * datasheet, order 290550, section 2.2 (function 0 configuration
 * registers: IORT 4Ch, XBCS 4Eh, PIRQRC[A:D] 60h-63h, TOM 69h, MSTAT 6Ah,
 * MBIRQ0 70h, MBDMA 76h, PCSC 78h, APICBASE 80h, DLC 82h, SMICNTL A0h,
 * SMIEN A2h, SEE A4h, FTMR A8h, SMIREQ AAh, CTLTMR ACh, CTHTMR AEh) and
 * 2.4 (RC, the reset control register at I/O 0CF9h).
 *
 * PIRQRC[A:D]: bit 7 IRQROUTEN (1 = not routed), bits 3:0 the ISA IRQ
 * (3-7, 9-12, 14, 15). A PIRQ's level (the wired OR of the PCI INTx on it,
 * from the PCI bus) drives the ISA IRQ it is routed to; the IRQ's ELCR bit
 * (the PIC's 0x4D0/0x4D1, set by the BIOS) makes it level-triggered.
 * RC: writing RCPU (bit 2) = 1 resets the system (SRST, bit 1, chooses hard
 * or soft; both reset the whole machine here).
 *
 * Coprocessor error (section 4.8.5 of the datasheet, and the PC/AT): the
 * CPU's FERR# raises IRQ 13; an I/O write to port F0h lowers IRQ 13 and
 * asserts the CPU's IGNNE# until FERR# goes away, so the x87 handler's
 * next FPU instruction runs. */
#ifndef EMBER_DEVICES_PIIX3_H
#define EMBER_DEVICES_PIIX3_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "irq.h"
#include "pci.h"

struct cpu;

#define PIIX3_PIRQRC 0x60
#define PIIX3_PIRQRC_DISABLE 0x80
#define PIIX3_RC_PORT 0xCF9
#define PIIX3_RC_SRST 0x02
#define PIIX3_RC_RCPU 0x04

struct piix3 {
    struct pci_device pci;
    uint8_t rc;                 /* reset control (SRST kept) */
    uint16_t irq_out;           /* ISA IRQs this bridge drives high now */
    const struct irq_line *isa_irq;     /* the board's 16 ISA lines */
    void (*reset)(void *opaque);        /* system reset request */
    void *reset_opaque;
    bool ferr;                  /* the CPU's FERR# output */
    bool *ignne;                /* the CPU's IGNNE# input (NULL: none) */
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops piix3_ops;

/* Creates the bridge at 00:01.0 (multi-function), makes it the bus's PIRQ
 * router and the owner of 0xCF9; isa_irq points at 16 lines. NULL on
 * failure. */
struct piix3 *piix3_create(struct pci_bus *bus, const struct irq_line *isa_irq,
                           void (*reset)(void *opaque), void *reset_opaque);

/* The CPU's FERR# output changed (the shape of cpu_hooks.ferr). */
void piix3_ferr(void *opaque, bool asserted);
/* Wire IGNNE# to the CPU's input and claim port F0h. */
void piix3_connect_coprocessor(struct piix3 *p, struct io_bus *io, bool *ignne);

#endif
