/* The PC board: which chips a machine has and how they are wired (ports,
 * memory, IRQ lines). machine.c is the generic part; this is the PC.
 *
 * The layout follows QEMU's "pc" machine, which SeaBIOS and Linux expect:
 *   PCI 00:00.0 i440FX host bridge (8086:1237)
 *   PCI 00:01.0 PIIX3 ISA bridge (8086:7000), 00:01.1 PIIX3 IDE (8086:7010),
 *   PCI 00:01.3 PIIX4 power management / ACPI (8086:7113)
 *   PCI 00:02.0 standard VGA with Bochs VBE (1234:1111)
 *   ISA: PIC pair, PIT, RTC/CMOS, i8042, COM1-COM4, DMA pair, floppy,
 *        fw_cfg, debug ports.
 * Each device is created in its own block of pc_init() and reached by the
 * others through struct pc. */
#ifndef EMBER_DEVICES_PC_H
#define EMBER_DEVICES_PC_H

#include "irq.h"

struct machine;
struct i8259_pair;
struct i8254;
struct mc146818;
struct i8042;
struct ns16550;
struct i8237_pair;
struct i82077;
struct pci_bus;
struct i440fx;
struct piix3;
struct piix4_pm;
struct piix_ide;
struct vga;
struct fw_cfg;
struct port61;
struct lapic;
struct ioapic;

#define ISA_IRQS 16
#define SERIAL_PORTS 4

struct pc {
    /* ISA interrupt lines 0-15, driven by devices, received by the PIC
     * (input n) and the I/O APIC (pin n; IRQ 0 on pin 2). */
    struct irq_line isa_irq[ISA_IRQS];
    struct i8259_pair *pic;
    struct i8254 *pit;
    struct port61 *port61;
    struct mc146818 *rtc;
    struct i8042 *kbc;
    struct ns16550 *uart[SERIAL_PORTS];
    struct i8237_pair *dma;
    struct i82077 *fdc;
    struct pci_bus *pci;
    struct i440fx *host_bridge;
    struct piix3 *isa_bridge;
    struct piix_ide *ide;
    struct piix4_pm *pm;
    struct vga *vga;
    struct fw_cfg *fw_cfg;
    struct lapic *lapic;
    struct ioapic *ioapic;
};

/* Create and wire every device of the PC; returns 0, or -1 after printing
 * why (a missing image, no memory). */
int pc_init(struct machine *m);

#endif
