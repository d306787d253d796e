/* The BIOS memory map (INT 15h AX=E820h) as the emulator hands it to the
 * firmware: QEMU's fw_cfg file "etc/e820", an array of packed little-endian
 * { u64 address, u64 length, u32 type } entries.
 *
 * Reference: ACPI 3.0 section 14 (System Address Map Interfaces); QEMU
 * hw/i386/e820_memory_layout.h and SeaBIOS src/fw/paravirt.c qemu_cfg_e820
 * (RAM below the CMOS-derived RamSize is taken from CMOS; entries above it
 * and reservations are added as given). */
#ifndef EMBER_FIRMWARE_E820_H
#define EMBER_FIRMWARE_E820_H

#include <stddef.h>
#include <stdint.h>

enum e820_type {
    E820_RAM = 1,
    E820_RESERVED = 2,
    E820_ACPI = 3,
    E820_NVS = 4,
    E820_UNUSABLE = 5,
};

struct e820_entry {
    uint64_t address;
    uint64_t length;
    uint32_t type;
};

#define E820_ENTRY_SIZE 20      /* packed: 8 + 8 + 4 */
#define E820_MAX_ENTRIES 8

/* The map of a PC with ram_size bytes of RAM from address 0 (all below
 * 4 GiB), as QEMU's "pc" machine gives it in etc/e820: one RAM entry. The
 * firmware carves the legacy holes (EBDA, VGA, BIOS) out of it itself.
 * Returns the number of entries written to out (at most max). */
size_t e820_pc_map(uint32_t ram_size, struct e820_entry *out, size_t max);
/* Serialize n entries to buf (n * E820_ENTRY_SIZE bytes). */
void e820_encode(const struct e820_entry *entries, size_t n, uint8_t *buf);

#endif
