/* The BIOS linker/loader run by the emulator itself, for boots without a
 * BIOS (-bios none): it executes the fw_cfg file "etc/table-loader" the
 * way SeaBIOS's romfile_loader does, over the same fw_cfg files, so the
 * guest gets the very tables SeaBIOS would have installed.
 *
 * Commands (QEMU hw/acpi/bios-linker-loader.c, 128 bytes each):
 *   ALLOCATE     copy a file into guest memory, aligned, in a zone: HIGH
 *                (top of RAM, here given as an area to fill downwards) or
 *                FSEG (where the RSDP scan finds it, here a low area);
 *   ADD_POINTER  add the address of one allocated file to a little-endian
 *                pointer of 1, 2, 4 or 8 bytes inside another;
 *   ADD_CHECKSUM subtract the byte sum of a range from one byte, so that
 *                the range sums to zero.
 * Other commands (WRITE_POINTER: a pointer the firmware writes back to
 * fw_cfg) are skipped, as SeaBIOS skips what it does not know; the PC's
 * tables use none. */
#ifndef EMBER_FIRMWARE_ACPI_LOADER_H
#define EMBER_FIRMWARE_ACPI_LOADER_H

#include <stdint.h>
#include <stdio.h>

#include "fw_cfg.h"
#include "memory.h"

struct acpi_placement {
    /* In: the areas the zones may use. */
    uint32_t high_top;          /* HIGH files go below this address */
    uint32_t high_limit;        /* ... and not below this one */
    uint32_t low_base;          /* FSEG files go from here upwards */
    uint32_t low_size;
    /* Out: what the run used. */
    uint32_t high_base;         /* lowest HIGH address used (high_top: none) */
    uint32_t rsdp;              /* where "etc/acpi/rsdp" went; 0 if nowhere */
};

/* Run the table loader of f into mem. Returns 0 (also when f has no
 * loader: then nothing is placed and rsdp is 0), or -1 after one line on
 * err (a file the script names is missing, a zone is full, a command
 * points outside its file, no memory). */
int acpi_loader_run(const struct fw_cfg *f, struct phys_mem *mem, struct acpi_placement *p,
                    FILE *err);

#endif
