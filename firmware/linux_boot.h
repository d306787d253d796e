/* Direct Linux kernel boot without a BIOS: the 32-bit boot protocol of
 * Documentation/arch/x86/boot.rst. The loader reads a bzImage, checks its
 * setup header, places the protected-mode kernel at 1 MiB, the initrd as
 * high as the kernel allows, the command line and the "zero page"
 * (struct boot_params with the setup header and an e820 map), loads a
 * GDT with __BOOT_CS/__BOOT_DS, and leaves the CPU in flat 32-bit mode at
 * the kernel's 32-bit entry with ESI pointing at the zero page. */
#ifndef EMBER_FIRMWARE_LINUX_BOOT_H
#define EMBER_FIRMWARE_LINUX_BOOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "memory.h"

struct linux_boot {
    const uint8_t *kernel;      /* the bzImage file */
    size_t kernel_size;
    const uint8_t *initrd;      /* may be NULL */
    size_t initrd_size;
    const char *cmdline;        /* may be NULL */
};

/* Where the loader puts things (all below 1 MiB, in RAM the e820 map
 * reports as usable only above them). */
#define LINUX_ZERO_PAGE   0x00090000u
#define LINUX_CMDLINE     0x00091000u
#define LINUX_GDT         0x00092000u
#define LINUX_KERNEL      0x00100000u

/* Load the kernel into mem and set up cpu; returns 0, or -1 after one line
 * on err naming the problem (not a bzImage, too old a protocol, an initrd
 * too large for RAM, a command line too long). */
int linux_boot_load(const struct linux_boot *lb, struct phys_mem *mem, struct cpu *cpu,
                    FILE *err);

#endif
