/* The ACPI tables of the PC, built by the emulator and handed to SeaBIOS
 * through fw_cfg as QEMU does: the blobs "etc/acpi/tables" (FACS, DSDT,
 * FADT, MADT, RSDT) and "etc/acpi/rsdp", and "etc/table-loader", a script of
 * QEMU's BIOS linker/loader commands (ALLOCATE, ADD_POINTER, ADD_CHECKSUM)
 * that tells the firmware where to put the blobs, how to patch the
 * pointers between them, and which checksums to fix.
 *
 * References: ACPI 2.0 (5.2 tables: RSDP, RSDT, FADT, FACS, DSDT, MADT; 16 AML
 * grammar; 6.4 resource descriptors); QEMU hw/acpi/bios-linker-loader.c
 * (the command layout) and SeaBIOS src/fw/romfile_loader.c (how the BIOS
 * runs it).
 *
 * What the tables describe: the PIIX4 PM blocks at pm_base (PM1a event
 * +0, PM1a control +4, PM timer +8, GPE0 +0xC, P_BLK +0x10), SCI on IRQ 9,
 * the APM command port (0xB2) with ACPI_ENABLE 0xF1 / ACPI_DISABLE 0xF0,
 * the reset register (I/O 0xCF9, value 6), the RTC century byte (0x32); a
 * DSDT with \_S5 (SLP_TYP 0, the PIIX4's soft-off), a processor object, the
 * PCI root bridge (PNP0A03) with its _CRS (bus 0-255, I/O around
 * 0xCF8-0xCFF, the VGA window and the PCI hole [ram_size, 0xFEC00000)),
 * _PRT routing every slot's INTA-D to the PIIX3 links LNKA-D (PNP0C0F on
 * PIRQRC 60h-63h), and the ISA devices (PIC, PIT, RTC, DMA, speaker, FPU,
 * PS/2 keyboard and mouse, floppy controller, COM1/COM2, motherboard
 * ports); a MADT with the local APIC (processor 0, APIC ID 0), the I/O APIC
 * (ID 0 at 0xFEC00000, GSIs 0-23), ISA IRQ 0 on GSI 2, the SCI level and
 * active high, and the local APICs' NMI on LINT1 (as QEMU's "pc" has). */
#ifndef EMBER_FIRMWARE_ACPI_H
#define EMBER_FIRMWARE_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_FILE_TABLES "etc/acpi/tables"
#define ACPI_FILE_RSDP "etc/acpi/rsdp"
#define ACPI_FILE_LOADER "etc/table-loader"

/* BIOS linker/loader commands: 128 bytes each, little endian. */
#define LOADER_ENTRY_SIZE 128
#define LOADER_FILE_SIZE 56
#define LOADER_ALLOCATE 1
#define LOADER_ADD_POINTER 2
#define LOADER_ADD_CHECKSUM 3
#define LOADER_ZONE_HIGH 1
#define LOADER_ZONE_FSEG 2

struct acpi_config {
    uint16_t pm_base;           /* PIIX4 PMBA: 0x600 */
    uint8_t sci_irq;            /* 9 */
    uint16_t smi_cmd;           /* APMC: 0xB2 */
    uint32_t pci_hole_start;    /* end of RAM below 4 GiB */
    uint8_t serial_ports;       /* COM1.. announced (0-2) */
};

struct acpi_blob {
    uint8_t *data;
    size_t len;
};

/* Where the MADT puts the interrupt controllers (the PC's fixed addresses,
 * devices/lapic.h and ioapic.h). */
#define ACPI_LOCAL_APIC_BASE 0xFEE00000u
#define ACPI_IO_APIC_BASE 0xFEC00000u

struct acpi_tables {
    struct acpi_blob tables, rsdp, loader;
    /* Offsets inside tables (for tests and the loader). */
    size_t facs, dsdt, fadt, madt, rsdt;
};

/* Build all three blobs. 0, or -1 when out of memory (nothing to free). */
int acpi_build(const struct acpi_config *cfg, struct acpi_tables *out);
void acpi_tables_free(struct acpi_tables *t);

/* The byte that makes len bytes at p sum to zero (mod 256). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif
