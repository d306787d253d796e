/* QEMU's firmware configuration interface (fw_cfg), the channel through
 * which SeaBIOS learns the RAM size, the e820 map, the boot order and the
 * ACPI tables of the machine.
 *
 * Reference: QEMU docs/specs/fw_cfg.rst (selector port 0x510, 16 bits,
 * little endian; data port 0x511, one byte at a time; DMA address register
 * at 0x514, 64 bits big endian, a write of its low half at 0x518 starting
 * the transfer), and SeaBIOS src/fw/paravirt.c (what the BIOS reads).
 *
 * Items are numbered by key; "files" get keys from FW_CFG_FILE_FIRST and are
 * listed in the directory item FW_CFG_FILE_DIR: a big-endian count, then
 * per file { be32 size, be16 select, u16 reserved, char name[56] }. A read
 * beyond an item's end, or of a key with no item, gives zeros. */
#ifndef EMBER_DEVICES_FW_CFG_H
#define EMBER_DEVICES_FW_CFG_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "device.h"
#include "memory.h"

struct cpu;

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA 0x514

/* Keys (fw_cfg.rst, "Selector Register"). */
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NOGRAPHIC 0x04
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MACHINE_ID 0x06
#define FW_CFG_KERNEL_ADDR 0x07
#define FW_CFG_KERNEL_SIZE 0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR 0x0A
#define FW_CFG_INITRD_SIZE 0x0B
#define FW_CFG_BOOT_DEVICE 0x0C
#define FW_CFG_NUMA 0x0D
#define FW_CFG_BOOT_MENU 0x0E
#define FW_CFG_MAX_CPUS 0x0F
#define FW_CFG_KERNEL_ENTRY 0x10
#define FW_CFG_KERNEL_DATA 0x11
#define FW_CFG_INITRD_DATA 0x12
#define FW_CFG_CMDLINE_ADDR 0x13
#define FW_CFG_CMDLINE_SIZE 0x14
#define FW_CFG_CMDLINE_DATA 0x15
#define FW_CFG_SETUP_ADDR 0x16
#define FW_CFG_SETUP_SIZE 0x17
#define FW_CFG_SETUP_DATA 0x18
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_FILE_FIRST 0x20
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)

/* FW_CFG_ID bits. */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits (the first big-endian word of a FWCfgDmaAccess). */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10
#define FW_CFG_DMA_SIGNATURE 0x51454D5520434647ull    /* "QEMU CFG" */

#define FW_CFG_MAX_FILE_NAME 56
#define FW_CFG_MAX_ITEMS 64
#define FW_CFG_DIR_ENTRY_SIZE 64

struct fw_cfg_item {
    uint16_t key;
    uint32_t len;
    uint8_t *data;              /* owned */
    char name[FW_CFG_MAX_FILE_NAME];   /* files only */
};

struct fw_cfg {
    struct fw_cfg_item items[FW_CFG_MAX_ITEMS];
    unsigned nitems;
    unsigned nfiles;
    /* Guest-visible state. */
    uint16_t selector;
    uint32_t offset;            /* next byte of the selected item */
    uint8_t dma_address[8];     /* big endian, as written to 0x514-0x51B */
    struct phys_mem *mem;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops fw_cfg_ops;

/* Maps the ports and adds the signature, the ID (with DMA) and an empty
 * file directory. NULL without memory or ports. */
struct fw_cfg *fw_cfg_create(struct io_bus *io, struct phys_mem *mem);
void fw_cfg_destroy(struct fw_cfg *f);

/* Add (or replace) an item; the bytes are copied. 0, or -1 when full or
 * out of memory. */
int fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len);
int fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t value);    /* little endian */
int fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t value);
int fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t value);
/* Add a named file (at the next free key, in the directory). 0 or -1. */
int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len);
/* The "bootorder" file of QEMU-style device paths that SeaBIOS matches
 * (src/boot.c): order is letters a (floppies), c (IDE disks), d (IDE
 * CD-ROMs); ide[k] is what sits at IDE slot k (primary master, primary
 * slave, secondary master, secondary slave), floppy[k] whether drive k
 * exists. Paths are newline separated, the last ends in a NUL; with no
 * device the file is empty, as QEMU's is. */
enum fw_cfg_boot_media { FW_CFG_BOOT_NONE, FW_CFG_BOOT_DISK, FW_CFG_BOOT_CDROM };
#define FW_CFG_IDE_SLOTS 4
#define FW_CFG_FLOPPIES 2
int fw_cfg_add_bootorder(struct fw_cfg *f, const char *order,
                         const enum fw_cfg_boot_media ide[FW_CFG_IDE_SLOTS],
                         const bool floppy[FW_CFG_FLOPPIES]);
/* The item at key (NULL if none), e.g. to check what a guest will read. */
const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *f, uint16_t key);
/* The file named name (NULL if none): firmware set-up that reads back what
 * the board added, e.g. the ACPI blobs and the table loader. */
const struct fw_cfg_item *fw_cfg_find_file(const struct fw_cfg *f, const char *name);

#endif
