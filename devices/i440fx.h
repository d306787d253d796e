/* Intel 82441FX PCI and Memory Controller (PMC), the host bridge of the
 * i440FX chipset, at PCI 00:00.0 (8086:1237).
 *
 * Reference: Intel 82440FX PCIset datasheet (82441FX PMC and 82442FX DBX),
 * order 290549, section 3.2 (PCI configuration registers): PAM0-PAM6
 * (59h-5Fh), DRB0-DRB7 (60h-67h), SMRAM (72h).
 *
 * PAM: each nibble gives one range of 0xC0000-0xFFFFF two enables, RE
 * (reads from DRAM) and WE (writes to DRAM); a disabled direction goes to
 * PCI, which on this board is the BIOS ROM (0xE0000-0xFFFFF) or nothing.
 * The routing goes through phys_route(). SMRAM: with G_SMRAME and D_OPEN
 * the CPU sees DRAM at 0xA0000-0xBFFFF instead of the VGA window. */
#ifndef EMBER_DEVICES_I440FX_H
#define EMBER_DEVICES_I440FX_H

#include <stdint.h>

#include "device.h"
#include "memory.h"
#include "pci.h"

#define I440FX_PAM0 0x59
#define I440FX_PAMS 7
#define I440FX_DRB0 0x60
#define I440FX_SMRAM 0x72

/* SMRAM bits. */
#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_C_BASE_SEG 0x07    /* 010b: 0xA0000, read only */

/* PAM nibble bits. */
#define PAM_RE 0x1
#define PAM_WE 0x2

struct i440fx {
    struct pci_device pci;
    struct phys_mem *mem;
    int ram_handle;             /* phys_region_at(mem, 0) */
};

extern const struct device_ops i440fx_ops;

/* Creates the bridge and adds it to bus at 00:00.0; NULL on failure. */
struct i440fx *i440fx_create(struct pci_bus *bus, struct phys_mem *mem);

#endif
