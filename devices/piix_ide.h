/* The PIIX3 IDE function, PCI 00:01.1 (8086:7010): two IDE channels on
 * the legacy ports and IRQs, and the bus master IDE engine at BAR4.
 *
 * Reference: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE Xcelerator
 * datasheet: 2.3 (PCI configuration registers of function 1: PCICMD,
 * BMIBA, IDETIM, SIDETIM), 2.7 (bus master IDE I/O registers BMICOM,
 * BMISTA, BMIDTP) and 5.6 ("Bus Master IDE Function": physical region
 * descriptors, the end-of-table bit, interrupt and error handling).
 *
 * - Programming interface 80h: both channels in compatibility mode
 *   (primary 0x1F0-0x1F7, 0x3F6, ISA IRQ 14; secondary 0x170-0x177,
 *   0x376, ISA IRQ 15), bus mastering capable.
 * - The legacy ports decode while PCICMD I/O space is enabled and the
 *   channel's IDETIM "IDE decode enable" bit (bit 15) is set.
 * - BMISTA's interrupt bit is set on each rising edge of the channel's
 *   INTRQ, which also goes to the ISA IRQ line.
 * - A PRD: dword 0 the physical address (bit 0 zero), dword 1 the byte
 *   count in bits 15:1 (0 = 64 KiB) and the end of table in bit 31. DMA
 *   reaches memory with phys_read_block/phys_write_block, so a PRD that
 *   points past RAM reads all ones and writes nothing there; a region
 *   never wraps past 4 GiB. */
#ifndef EMBER_DEVICES_PIIX_IDE_H
#define EMBER_DEVICES_PIIX_IDE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ata.h"
#include "device.h"
#include "irq.h"
#include "memory.h"
#include "pci.h"

#define PIIX_IDE_VENDOR 0x8086
#define PIIX_IDE_DEVICE 0x7010

/* Configuration registers of function 1. */
#define PIIX_IDETIM_PRI 0x40
#define PIIX_IDETIM_SEC 0x42
#define PIIX_SIDETIM    0x44
#define PIIX_IDETIM_IDE 0x8000      /* IDE decode enable */

/* Bus master IDE registers (offsets in BAR4; the secondary at +8). */
#define BM_COMMAND 0
#define BM_STATUS  2
#define BM_PRDT    4
#define BM_CMD_START 0x01           /* SSBM */
#define BM_CMD_WRITE 0x08           /* RWCON: 1 = write to memory */
#define BM_ST_ACTIVE 0x01           /* BMIDEA */
#define BM_ST_ERROR  0x02
#define BM_ST_INTR   0x04           /* IDEINTS */
#define BM_ST_DRV0_DMA 0x20
#define BM_ST_DRV1_DMA 0x40

/* One channel's bus master registers and its place in the PRD table. */
struct piix_bm {
    uint8_t command, status;
    uint32_t prdt;                  /* BMIDTP */
    uint32_t prd_next;              /* address of the next descriptor to fetch */
    uint32_t addr, count;           /* what is left of the current region */
    bool last;                      /* the current region ends the table */
    bool done;                      /* the table is used up */
};

struct piix_ide {
    struct pci_device pci;
    struct ata_channel ch[2];
    struct piix_bm bm[2];
    struct irq_line isa_irq[2];     /* ISA IRQ 14 and 15 */
    struct io_bus *io;
    struct phys_mem *mem;
    bool legacy_mapped[2];
};

extern const struct device_ops piix_ide_ops;

/* Creates the function and adds it to bus at devfn; irq14_15 are the ISA
 * lines of the two channels. Drives are attached after with ata_attach
 * on &ide->ch[n]. NULL without memory or when devfn is taken. */
struct piix_ide *piix_ide_create(struct pci_bus *bus, uint8_t devfn, struct io_bus *io,
                                 struct phys_mem *mem, struct clock *clock,
                                 const struct irq_line irq14_15[2]);

/* What a BIOS does to the function at POST (SeaBIOS's piix_ide_setup):
 * IDE decode enable in both IDETIM registers, which Linux's ata_piix
 * checks before it uses a channel. For a kernel booted with the BIOS
 * bypassed; SeaBIOS does the same itself. */
void piix_ide_firmware_setup(struct piix_ide *ide);

/* CMOS byte 0x39 as QEMU fills it for SeaBIOS: the BIOS CHS translation of
 * each drive (2 bits each, primary master first): 1 (LBA) for a disk of
 * more than 1024 cylinders, else 0 (none). */
#define CMOS_DISK_TRANSLATION 0x39
uint8_t piix_ide_bios_translation(const struct piix_ide *ide);

/* Both channels, their drives and bus masters, for "info ide". */
void piix_ide_info(const struct piix_ide *ide, FILE *out);

#endif
