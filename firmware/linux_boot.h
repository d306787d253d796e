/* Linux kernel boot (-kernel, -initrd, -append), two ways.
 *
 * Through the BIOS (the default, as QEMU does it): the emulator checks the
 * bzImage, fills in its setup header and hands the pieces to the firmware
 * as QEMU's fw_cfg kernel items (FW_CFG_SETUP_*, FW_CFG_KERNEL_*,
 * FW_CFG_CMDLINE_*, FW_CFG_INITRD_*), with the project's own option ROM
 * (firmware/linuxboot.asm) as the fw_cfg file "genroms/linuxboot.bin",
 * named first in "bootorder". SeaBIOS runs its POST, builds its tables
 * (e820, ACPI from the emulator's table loader, SMBIOS, MP), then boots
 * the ROM, which loads the pieces with fw_cfg DMA and starts the kernel's
 * real-mode setup code with the 16-bit boot protocol. A reset boots the
 * kernel again the same way.
 *
 * Without a BIOS (-bios none): the 32-bit boot protocol straight into the
 * kernel. The emulator does what the firmware would have done for it:
 * enables the PIIX4 power-management and SMBus I/O blocks and the IDE
 * decode, lays the ACPI tables out in RAM by running the fw_cfg table
 * loader itself (firmware/acpi_loader.h; the RSDP in the EBDA, where the
 * kernel's scan finds it, and in boot_params.acpi_rsdp_addr), writes the
 * zero page (struct boot_params: setup header, e820 map with the tables'
 * pages as ACPI data, screen_info, memory sizes), loads a GDT with
 * __BOOT_CS/__BOOT_DS and leaves the CPU in flat 32-bit protected mode at
 * the kernel's 32-bit entry with ESI pointing at the zero page.
 *
 * Reference: Linux Documentation/arch/x86/boot.rst and zero-page.rst. */
#ifndef EMBER_FIRMWARE_LINUX_BOOT_H
#define EMBER_FIRMWARE_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct machine;

struct linux_boot {
    const uint8_t *kernel;      /* the bzImage file */
    size_t kernel_size;
    const uint8_t *initrd;      /* may be NULL */
    size_t initrd_size;
    const char *cmdline;        /* may be NULL */
};

/* Where the loaders put things. */
#define LINUX_KERNEL        0x00100000u /* the protected-mode kernel (both) */
/* Through the BIOS: the real-mode part at 0x10000, its heap up to
 * 0x1E000, the command line from there to 0x20000 (the ROM's scratch
 * memory follows). */
#define LINUX_REAL_MODE     0x00010000u
#define LINUX_HEAP_END      0x0000E000u /* offset from LINUX_REAL_MODE */
#define LINUX_BIOS_CMDLINE  (LINUX_REAL_MODE + LINUX_HEAP_END)
#define LINUX_BIOS_CMDLINE_ROOM 0x2000u
/* The top of RAM left to SeaBIOS's own tables (its "high zone": ACPI,
 * SMBIOS, the relocated init code) when placing the initrd. */
#define LINUX_BIOS_HIGH_RESERVE (1u << 20)
/* Without a BIOS: the zero page, command line and GDT below the EBDA;
 * the ACPI tables in the top 128 KiB of RAM at most, the RSDP in the
 * EBDA (0x9FC00, 1 KiB). */
#define LINUX_ZERO_PAGE     0x00090000u
#define LINUX_CMDLINE       0x00091000u
#define LINUX_GDT           0x00092000u
#define LINUX_EBDA          0x0009FC00u
#define LINUX_EBDA_SIZE     0x400u
#define LINUX_ACPI_ROOM     (128u << 10)

/* The option ROM (firmware/linuxboot.asm, assembled at build time). */
extern const uint8_t linuxboot_rom[];
extern const size_t linuxboot_rom_size;
#define LINUXBOOT_ROM_FILE "genroms/linuxboot.bin"

/* Prepare a boot through the BIOS: fw_cfg items, the ROM and the boot
 * order. Returns 0, or -1 after one line on err naming the problem (not a
 * bzImage, too old a protocol, a command line over the kernel's limit, an
 * initrd too large for RAM). */
int linux_boot_bios(struct machine *m, const struct linux_boot *lb, FILE *err);

/* Boot without a BIOS: load everything and set the CPU up at the kernel's
 * 32-bit entry. Same errors as linux_boot_bios. */
int linux_boot_direct(struct machine *m, const struct linux_boot *lb, FILE *err);

#endif
