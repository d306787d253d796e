/* PCI bus 0 of the PC: configuration mechanism #1, type 0 configuration
 * headers, base address registers and INTx.
 *
 * References: PCI Local Bus Specification 2.1/3.0 (chapter 6, configuration
 * space; 3.2.2.3.2, configuration mechanism #1); Intel 82441FX (i440FX)
 * datasheet 3.2 (CONFADD at 0xCF8, CONFDATA at 0xCFC).
 *
 * How a device uses it:
 *   struct my_dev { struct pci_device pci; ... };   (embed it)
 *   pci_device_init(&d->pci, 0x1234, 0x1111, 0x030000);  ids and class code
 *   pci_bar_mem(&d->pci, 0, 16 << 20, PCI_BAR_PREFETCH, NULL, vram, d);
 *   pci_bar_io(&d->pci, 4, 16, &bmdma_ops, d);
 *   pci_set_rom(&d->pci, rom, rom_len);           expansion ROM (BAR 6)
 *   d->pci.config_write = my_config_write;         device registers
 *   pci_bus_add(bus, &d->pci, PCI_DEVFN(2, 0));
 * The bus then maps and unmaps the BARs as the guest programs them and
 * flips the command register's I/O and memory enables; a device that wants
 * to know (or to map a BAR itself) sets bar_changed.
 *
 * Snapshots: a device declares STATE_FIELD(..., pci.config) (and pci.irq_level
 * if it drives INTx, pci.wmask if it changes write masks at run time) and
 * calls pci_device_post_load() from its post_load; memory BARs must be at
 * least 4 KiB (the physical map is per page).
 *
 * INTx: pci_set_irq(&d->pci, level) with the pin from config 0x3D. Bus 0 of
 * the i440FX/PIIX board swizzles pins onto PIRQA-D as QEMU and SeaBIOS do:
 * PIRQ = (pin - 1 + slot - 1) & 3; the PIIX3 routes PIRQs to ISA IRQs. */
#ifndef EMBER_DEVICES_PCI_H
#define EMBER_DEVICES_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "device.h"
#include "memory.h"

/* Type 0 header offsets (PCI 3.0, 6.1). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_STATUS          0x06
#define PCI_REVISION_ID     0x08
#define PCI_CLASS_PROG      0x09
#define PCI_CLASS_DEVICE    0x0A    /* class and subclass, 16 bits */
#define PCI_CACHE_LINE_SIZE 0x0C
#define PCI_LATENCY_TIMER   0x0D
#define PCI_HEADER_TYPE     0x0E
#define PCI_BIST            0x0F
#define PCI_BASE_ADDRESS_0  0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2C
#define PCI_SUBSYSTEM_ID    0x2E
#define PCI_ROM_ADDRESS     0x30
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE  0x3C
#define PCI_INTERRUPT_PIN   0x3D
#define PCI_MIN_GNT         0x3E
#define PCI_MAX_LAT         0x3F

/* Command register bits. */
#define PCI_COMMAND_IO      0x0001
#define PCI_COMMAND_MEMORY  0x0002
#define PCI_COMMAND_MASTER  0x0004
#define PCI_COMMAND_SERR    0x0100
#define PCI_COMMAND_INTX_DISABLE 0x0400

/* Status register bits. */
#define PCI_STATUS_INTERRUPT 0x0008
#define PCI_STATUS_FAST_BACK 0x0080
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200
#define PCI_STATUS_ERRORS   0xF900  /* the write-1-to-clear error bits */

#define PCI_HEADER_MULTI_FUNCTION 0x80

/* BAR low bits. */
#define PCI_BAR_SPACE_IO    0x01
#define PCI_BAR_MEM_PREFETCH 0x08
#define PCI_ROM_ENABLE      0x01

#define PCI_CONFIG_SIZE 256
#define PCI_BARS 6
#define PCI_ROM_SLOT 6              /* bar[6] is the expansion ROM */
#define PCI_MAX_DEVFN 256           /* bus 0: 32 slots of 8 functions */
#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))
#define PCI_SLOT(devfn) ((devfn) >> 3)
#define PCI_FUNC(devfn) ((devfn) & 7)

#define PCI_BAR_UNMAPPED 0xFFFFFFFFu
#define PCI_PIRQS 4                 /* PIRQA-D */

/* Config mechanism #1 ports. */
#define PCI_CONFIG_ADDRESS_PORT 0xCF8
#define PCI_CONFIG_DATA_PORT 0xCFC
#define PCI_CONFIG_ENABLE 0x80000000u

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM, PCI_BAR_ROM };
enum pci_bar_flags { PCI_BAR_PREFETCH = 1 };

struct pci_bus;
struct pci_device;

/* One base address register (or the expansion ROM). The bus maps it while
 * it is enabled: I/O BARs with io_map, memory BARs as an MMIO region (ops)
 * or as directly mapped bytes (host: frame buffers, the ROM image). */
struct pci_bar {
    enum pci_bar_kind kind;
    uint32_t size;              /* a power of two; memory BARs >= 4 KiB */
    bool prefetch;
    const struct io_ops *ops;   /* handlers, or NULL with host bytes */
    uint8_t *host;
    void *opaque;
    int region;                 /* phys_mem handle of a memory BAR */
    uint32_t mapped;            /* where it decodes now, or PCI_BAR_UNMAPPED */
};

struct pci_device {
    struct pci_bus *bus;
    uint8_t devfn;
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];     /* 1 = a guest write changes the bit */
    uint8_t w1cmask[PCI_CONFIG_SIZE];   /* 1 = writing 1 clears the bit */
    struct pci_bar bar[PCI_BARS + 1];
    uint8_t *rom;                       /* copy of the expansion ROM image */
    int irq_level;                      /* INTx as the device drives it */
    /* Device registers: called after the masked write of size bytes at addr
     * has landed in config[] (old holds the bytes before it). */
    void (*config_write)(struct pci_device *d, uint32_t addr, uint32_t old, unsigned size);
    /* Live registers: may replace value (what config[] holds) on a read. */
    uint32_t (*config_read)(struct pci_device *d, uint32_t addr, unsigned size, uint32_t value);
    /* A BAR was mapped at addr or unmapped (addr == PCI_BAR_UNMAPPED). */
    void (*bar_changed)(struct pci_device *d, int bar, uint32_t addr);
};

/* The router of PIRQA-D (the PIIX3): level of one PIRQ, the wired OR of the
 * devices on it. */
typedef void (*pci_pirq_fn)(void *opaque, int pirq, int level);

struct pci_bus {
    struct io_bus *io;
    struct phys_mem *mem;
    uint32_t config_address;            /* CONFADD (0xCF8) */
    struct pci_device *devices[PCI_MAX_DEVFN];
    int pirq_level[PCI_PIRQS];          /* last level told to the router */
    pci_pirq_fn pirq_set;
    void *pirq_opaque;
    /* Byte and word accesses to 0xCF8-0xCFB are not CONFADD: on the PC they
     * reach the PIIX3's reset control register at 0xCF9. The ops get the
     * offset from 0xCF8 (1 for 0xCF9). */
    const struct io_ops *cf8_other_ops;
    void *cf8_other_opaque;
};

/* The bus as a device of the machine (reset clears CONFADD; the state is
 * CONFADD; destroy frees the bus, not the devices on it). */
extern const struct device_ops pci_bus_ops;

/* A bus with 0xCF8-0xCFF mapped on io; NULL without memory or ports. */
struct pci_bus *pci_bus_create(struct io_bus *io, struct phys_mem *mem);
void pci_bus_destroy(struct pci_bus *bus);
void pci_bus_reset(struct pci_bus *bus);
/* The level of PIRQ n (0-3): the wired OR of the INTx that reach it. */
int pci_bus_pirq_level(const struct pci_bus *bus, int pirq);
void pci_bus_set_pirq_router(struct pci_bus *bus, pci_pirq_fn set, void *opaque);
void pci_bus_set_cf8_other(struct pci_bus *bus, const struct io_ops *ops, void *opaque);
/* Returns 0, or -1 if devfn is taken. */
int pci_bus_add(struct pci_bus *bus, struct pci_device *d, uint8_t devfn);
/* The device at devfn, or NULL. */
struct pci_device *pci_bus_device(const struct pci_bus *bus, uint8_t devfn);
/* The PIIX's PIRQ line (0-3: PIRQA-D) that d's INTx pin reaches: the
 * board's swizzle, (slot - 1 + pin - 1) mod 4, as the DSDT's _PRT says;
 * -1 without an interrupt pin. */
int pci_pirq_of(const struct pci_device *d);

/* Configuration cycles as the CPU makes them through 0xCFC (and as tests
 * make them): reg is the byte offset, size 1, 2 or 4 within one dword.
 * Reads of a missing device return all ones. */
uint32_t pci_config_read(struct pci_bus *bus, uint8_t devfn, uint32_t reg, unsigned size);
void pci_config_write(struct pci_bus *bus, uint8_t devfn, uint32_t reg, uint32_t value,
                      unsigned size);

/* Set up a type 0 header: ids, class (class << 16 | subclass << 8 | prog-if),
 * the writable command/latency/interrupt-line bits, status 0x0280 (fast
 * back-to-back, medium DEVSEL). BARs start unused, pin 0 (no INTx). */
void pci_device_init(struct pci_device *d, uint16_t vendor, uint16_t device, uint32_t class_code);
/* Declare BAR n (0-5): size is rounded up to a power of two (I/O >= 4,
 * memory >= 4 KiB). Memory BARs: ops/opaque for MMIO, or host bytes of at
 * least size. Return 0, or -1 for a bad size or no free memory region. */
int pci_bar_io(struct pci_device *d, int n, uint32_t size, const struct io_ops *ops, void *opaque);
int pci_bar_mem(struct pci_device *d, int n, uint32_t size, unsigned flags,
                const struct io_ops *ops, uint8_t *host, void *opaque);
/* The expansion ROM BAR (0x30): a copy of image, read only, as big as the
 * next power of two (at least 4 KiB). 0, or -1 without memory. */
int pci_set_rom(struct pci_device *d, const uint8_t *image, size_t len);
/* Which INTx pin the device drives: 1 = INTA .. 4 = INTD, 0 = none. */
void pci_set_pin(struct pci_device *d, int pin);
/* Drive INTx (ignored while the command register's INTx disable is set). */
void pci_set_irq(struct pci_device *d, int level);
/* Read-only helpers for the bits of config space a device owns. */
void pci_set_byte(struct pci_device *d, uint32_t reg, uint8_t value);
void pci_set_word(struct pci_device *d, uint32_t reg, uint16_t value);
void pci_set_long(struct pci_device *d, uint32_t reg, uint32_t value);
uint8_t pci_get_byte(const struct pci_device *d, uint32_t reg);
uint16_t pci_get_word(const struct pci_device *d, uint32_t reg);
uint32_t pci_get_long(const struct pci_device *d, uint32_t reg);

/* Frees the ROM copy (the device struct is its owner's). */
void pci_device_destroy(struct pci_device *d);
/* Back to power-on values: command 0, BARs 0, INTx low. The device's own
 * registers are its business (it resets them after calling this). */
void pci_device_reset(struct pci_device *d);
/* After config[] and irq_level were loaded from a snapshot: map the BARs
 * as the loaded registers say and redrive INTx. */
void pci_device_post_load(struct pci_device *d);
/* The address BAR n (or PCI_ROM_SLOT) decodes at now, or PCI_BAR_UNMAPPED. */
uint32_t pci_bar_address(const struct pci_device *d, int n);

/* Every function on the bus with its ids, command, INTx and BARs, for
 * "info pci". */
void pci_bus_info(const struct pci_bus *bus, FILE *out);

#endif
