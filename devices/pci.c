/* PCI bus 0: configuration mechanism #1, type 0 headers, BARs and INTx;
 * see pci.h. References: PCI Local Bus Specification 3.0 chapter 6 and
 * 3.2.2.3.2; Intel 82441FX datasheet 3.2 (CONFADD/CONFDATA). */
#include "pci.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFADD_MASK 0x80FFFFFCu   /* bits 30:24 and 1:0 are reserved */
#define COMMAND_WRITABLE 0x0547u    /* I/O, memory, master, parity, SERR, INTx disable */
#define ROM_MIN_SIZE 0x1000u
#define PAGE_SIZE 0x1000u

/* ---- config space bytes ---- */

void pci_set_byte(struct pci_device *d, uint32_t reg, uint8_t value)
{
    d->config[reg & 0xFF] = value;
}

void pci_set_word(struct pci_device *d, uint32_t reg, uint16_t value)
{
    pci_set_byte(d, reg, (uint8_t)value);
    pci_set_byte(d, reg + 1, (uint8_t)(value >> 8));
}

void pci_set_long(struct pci_device *d, uint32_t reg, uint32_t value)
{
    pci_set_word(d, reg, (uint16_t)value);
    pci_set_word(d, reg + 2, (uint16_t)(value >> 16));
}

uint8_t pci_get_byte(const struct pci_device *d, uint32_t reg)
{
    return d->config[reg & 0xFF];
}

uint16_t pci_get_word(const struct pci_device *d, uint32_t reg)
{
    return (uint16_t)(pci_get_byte(d, reg) | pci_get_byte(d, reg + 1) << 8);
}

uint32_t pci_get_long(const struct pci_device *d, uint32_t reg)
{
    return pci_get_word(d, reg) | (uint32_t)pci_get_word(d, reg + 2) << 16;
}

static void set_wmask_long(struct pci_device *d, uint32_t reg, uint32_t mask)
{
    for (unsigned k = 0; k < 4; k++)
        d->wmask[(reg + k) & 0xFF] = (uint8_t)(mask >> (8 * k));
}

static uint32_t bar_reg(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4u * (uint32_t)n;
}

/* ---- the header ---- */

void pci_device_init(struct pci_device *d, uint16_t vendor, uint16_t device, uint32_t class_code)
{
    memset(d, 0, sizeof *d);
    pci_set_word(d, PCI_VENDOR_ID, vendor);
    pci_set_word(d, PCI_DEVICE_ID, device);
    pci_set_byte(d, PCI_CLASS_PROG, (uint8_t)class_code);
    pci_set_word(d, PCI_CLASS_DEVICE, (uint16_t)(class_code >> 8));
    pci_set_word(d, PCI_STATUS, PCI_STATUS_FAST_BACK | PCI_STATUS_DEVSEL_MEDIUM);
    d->wmask[PCI_COMMAND] = (uint8_t)COMMAND_WRITABLE;
    d->wmask[PCI_COMMAND + 1] = (uint8_t)(COMMAND_WRITABLE >> 8);
    d->w1cmask[PCI_STATUS + 1] = (uint8_t)(PCI_STATUS_ERRORS >> 8);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xFF;
    d->wmask[PCI_LATENCY_TIMER] = 0xFF;
    d->wmask[PCI_INTERRUPT_LINE] = 0xFF;
    for (int n = 0; n <= PCI_ROM_SLOT; n++)
        d->bar[n].mapped = PCI_BAR_UNMAPPED;
}

static uint32_t round_pow2(uint32_t size, uint32_t min)
{
    uint32_t p = min;
    while (p < size && p < 0x80000000u)
        p <<= 1;
    return p;
}

static int declare_bar(struct pci_device *d, int n, enum pci_bar_kind kind, uint32_t size,
                       uint32_t low_bits)
{
    struct pci_bar *b = &d->bar[n];
    b->kind = kind;
    b->size = size;
    b->region = 0;
    b->mapped = PCI_BAR_UNMAPPED;
    uint32_t reg = bar_reg(n);
    uint32_t low_mask = kind == PCI_BAR_IO ? 0x3u : kind == PCI_BAR_ROM ? 0x7FFu : 0xFu;
    set_wmask_long(d, reg, ~(size - 1) & ~low_mask);
    if (kind == PCI_BAR_ROM)
        d->wmask[reg] |= PCI_ROM_ENABLE;
    pci_set_long(d, reg, low_bits);
    return 0;
}

int pci_bar_io(struct pci_device *d, int n, uint32_t size, const struct io_ops *ops, void *opaque)
{
    if (n < 0 || n >= PCI_BARS || size == 0 || size > 0x10000)
        return -1;
    d->bar[n].ops = ops;
    d->bar[n].host = NULL;
    d->bar[n].opaque = opaque;
    d->bar[n].prefetch = false;
    return declare_bar(d, n, PCI_BAR_IO, round_pow2(size, 4), PCI_BAR_SPACE_IO);
}

int pci_bar_mem(struct pci_device *d, int n, uint32_t size, unsigned flags,
                const struct io_ops *ops, uint8_t *host, void *opaque)
{
    if (n < 0 || n >= PCI_BARS || size == 0 || size > 0x80000000u)
        return -1;
    d->bar[n].ops = ops;
    d->bar[n].host = host;
    d->bar[n].opaque = opaque;
    d->bar[n].prefetch = (flags & PCI_BAR_PREFETCH) != 0;
    uint32_t low = d->bar[n].prefetch ? PCI_BAR_MEM_PREFETCH : 0;
    return declare_bar(d, n, PCI_BAR_MEM, round_pow2(size, PAGE_SIZE), low);
}

int pci_set_rom(struct pci_device *d, const uint8_t *image, size_t len)
{
    if (len == 0 || len > 0x1000000)
        return -1;
    uint32_t size = round_pow2((uint32_t)len, ROM_MIN_SIZE);
    uint8_t *copy = malloc(size);
    if (!copy)
        return -1;
    memset(copy, 0xFF, size);
    memcpy(copy, image, len);
    free(d->rom);
    d->rom = copy;
    struct pci_bar *b = &d->bar[PCI_ROM_SLOT];
    b->ops = NULL;
    b->host = copy;
    b->opaque = NULL;
    b->prefetch = false;
    return declare_bar(d, PCI_ROM_SLOT, PCI_BAR_ROM, size, 0);
}

void pci_set_pin(struct pci_device *d, int pin)
{
    pci_set_byte(d, PCI_INTERRUPT_PIN, (uint8_t)(pin >= 0 && pin <= 4 ? pin : 0));
}

void pci_device_destroy(struct pci_device *d)
{
    free(d->rom);
    d->rom = NULL;
    d->bar[PCI_ROM_SLOT].host = NULL;
}

/* ---- BAR decoding ---- */

static bool decodes(const struct pci_device *d, uint16_t enable)
{
    return (pci_get_word(d, PCI_COMMAND) & enable) != 0;
}

uint32_t pci_bar_address(const struct pci_device *d, int n)
{
    const struct pci_bar *b = &d->bar[n];
    uint32_t value = pci_get_long(d, bar_reg(n));
    uint32_t addr, limit;
    switch (b->kind) {
    case PCI_BAR_IO:
        if (!decodes(d, PCI_COMMAND_IO))
            return PCI_BAR_UNMAPPED;
        addr = value & ~(b->size - 1) & ~0x3u;
        limit = 0x10000;        /* the x86 I/O space */
        break;
    case PCI_BAR_MEM:
        if (!decodes(d, PCI_COMMAND_MEMORY))
            return PCI_BAR_UNMAPPED;
        addr = value & ~(b->size - 1) & ~0xFu;
        limit = 0xFFFFFFFFu;    /* all ones is sizing, not an address */
        break;
    case PCI_BAR_ROM:
        if (!decodes(d, PCI_COMMAND_MEMORY) || !(value & PCI_ROM_ENABLE))
            return PCI_BAR_UNMAPPED;
        addr = value & ~(b->size - 1) & ~0x7FFu;
        limit = 0xFFFFFFFFu;
        break;
    default:
        return PCI_BAR_UNMAPPED;
    }
    if (addr == 0 || (uint64_t)addr + b->size > limit)
        return PCI_BAR_UNMAPPED;
    return addr;
}

static void unmap_bar(struct pci_device *d, struct pci_bar *b)
{
    if (b->mapped == PCI_BAR_UNMAPPED || !d->bus)
        return;
    if (b->kind == PCI_BAR_IO && b->ops)
        io_unmap(d->bus->io, b->mapped, b->size);
    else if (b->region > 0)
        phys_hide_region(d->bus->mem, b->region);
    b->mapped = PCI_BAR_UNMAPPED;
}

static void map_mem_bar(struct pci_device *d, struct pci_bar *b, uint32_t addr)
{
    if (!b->ops && !b->host)
        return;                 /* the device maps it in bar_changed */
    if (b->region <= 0) {
        enum phys_kind kind = b->ops ? PHYS_MMIO : b->kind == PCI_BAR_ROM ? PHYS_ROM : PHYS_RAM;
        b->region = phys_create_region(d->bus->mem, kind, b->size, b->host, b->ops, b->opaque);
    }
    if (b->region > 0)
        phys_place_region(d->bus->mem, b->region, addr);
}

static void map_bar(struct pci_device *d, struct pci_bar *b, uint32_t addr)
{
    if (b->kind == PCI_BAR_IO) {
        if (b->ops)
            io_map(d->bus->io, addr, b->size, b->ops, b->opaque);
    } else {
        map_mem_bar(d, b, addr);
    }
    b->mapped = addr;
}

static void update_bars(struct pci_device *d)
{
    if (!d->bus)
        return;
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        struct pci_bar *b = &d->bar[n];
        uint32_t addr = pci_bar_address(d, n);
        if (addr == b->mapped)
            continue;
        unmap_bar(d, b);
        if (addr != PCI_BAR_UNMAPPED)
            map_bar(d, b, addr);
        if (d->bar_changed)
            d->bar_changed(d, n, addr);
    }
}

/* ---- INTx ---- */

/* Which PIRQ the device's pin reaches (the PIIX swizzle), or -1. */
int pci_pirq_of(const struct pci_device *d)
{
    int pin = pci_get_byte(d, PCI_INTERRUPT_PIN);
    if (pin < 1 || pin > 4)
        return -1;
    return (pin - 1 + PCI_SLOT(d->devfn) + 3) & 3;
}

static bool intx_asserted(const struct pci_device *d)
{
    return d->irq_level && !(pci_get_word(d, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

static void update_pirq(struct pci_bus *bus, int pirq)
{
    int level = 0;
    for (unsigned k = 0; k < PCI_MAX_DEVFN && !level; k++) {
        const struct pci_device *d = bus->devices[k];
        level = d && pci_pirq_of(d) == pirq && intx_asserted(d);
    }
    if (level == bus->pirq_level[pirq])
        return;
    bus->pirq_level[pirq] = level;
    if (bus->pirq_set)
        bus->pirq_set(bus->pirq_opaque, pirq, level);
}

static void update_intx(struct pci_device *d)
{
    uint16_t status = pci_get_word(d, PCI_STATUS) & (uint16_t)~PCI_STATUS_INTERRUPT;
    pci_set_word(d, PCI_STATUS, status | (d->irq_level ? PCI_STATUS_INTERRUPT : 0));
    int pirq = pci_pirq_of(d);
    if (d->bus && pirq >= 0)
        update_pirq(d->bus, pirq);
}

void pci_set_irq(struct pci_device *d, int level)
{
    level = level != 0;
    if (level == d->irq_level)
        return;
    d->irq_level = level;
    update_intx(d);
}

int pci_bus_pirq_level(const struct pci_bus *bus, int pirq)
{
    return pirq >= 0 && pirq < PCI_PIRQS ? bus->pirq_level[pirq] : 0;
}

/* ---- reset and snapshots ---- */

void pci_device_reset(struct pci_device *d)
{
    pci_set_word(d, PCI_COMMAND, 0);
    pci_set_word(d, PCI_STATUS, pci_get_word(d, PCI_STATUS) & (uint16_t)~PCI_STATUS_ERRORS);
    pci_set_byte(d, PCI_CACHE_LINE_SIZE, 0);
    pci_set_byte(d, PCI_LATENCY_TIMER, 0);
    pci_set_byte(d, PCI_INTERRUPT_LINE, 0);
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        uint32_t reg = bar_reg(n);
        uint32_t keep = d->bar[n].kind == PCI_BAR_IO ? 0x3u
                      : d->bar[n].kind == PCI_BAR_MEM ? 0xFu : 0;
        pci_set_long(d, reg, pci_get_long(d, reg) & keep);
    }
    d->irq_level = 0;
    update_bars(d);
    update_intx(d);
}

void pci_device_post_load(struct pci_device *d)
{
    update_bars(d);
    update_intx(d);
}

/* ---- configuration cycles ---- */

struct pci_device *pci_bus_device(const struct pci_bus *bus, uint8_t devfn)
{
    return bus->devices[devfn];
}

uint32_t pci_config_read(struct pci_bus *bus, uint8_t devfn, uint32_t reg, unsigned size)
{
    struct pci_device *d = bus->devices[devfn];
    if (!d)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)d->config[(reg + k) & 0xFF] << (8 * k);
    if (d->config_read)
        value = d->config_read(d, reg & 0xFF, size, value);
    return value;
}

static bool touches(uint32_t reg, unsigned size, uint32_t first, uint32_t last)
{
    return reg <= last && reg + size - 1 >= first;
}

void pci_config_write(struct pci_bus *bus, uint8_t devfn, uint32_t reg, uint32_t value,
                      unsigned size)
{
    struct pci_device *d = bus->devices[devfn];
    if (!d)
        return;
    reg &= 0xFF;
    uint32_t old = 0;
    for (unsigned k = 0; k < size && reg + k < PCI_CONFIG_SIZE; k++) {
        uint32_t a = reg + k;
        uint8_t byte = (uint8_t)(value >> (8 * k));
        old |= (uint32_t)d->config[a] << (8 * k);
        uint8_t now = (uint8_t)((d->config[a] & ~d->wmask[a]) | (byte & d->wmask[a]));
        d->config[a] = now & (uint8_t)~(byte & d->w1cmask[a]);
    }
    if (touches(reg, size, PCI_COMMAND, PCI_COMMAND + 1) ||
        touches(reg, size, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_0 + 4 * PCI_BARS - 1) ||
        touches(reg, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 3))
        update_bars(d);
    if (touches(reg, size, PCI_COMMAND, PCI_COMMAND + 1))
        update_intx(d);
    if (d->config_write)
        d->config_write(d, reg, old, size);
}

/* ---- the bus and its ports ---- */

static uint32_t cf8_read(void *opaque, uint32_t addr, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (addr >= 4) {
        uint32_t ca = bus->config_address;
        if (!(ca & PCI_CONFIG_ENABLE) || ((ca >> 16) & 0xFF) != 0)
            return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
        return pci_config_read(bus, (uint8_t)(ca >> 8), (ca & 0xFC) + (addr & 3), size);
    }
    if (addr == 0 && size == 4)
        return bus->config_address;
    if (bus->cf8_other_ops && bus->cf8_other_ops->read)
        return bus->cf8_other_ops->read(bus->cf8_other_opaque, addr, size);
    return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static void cf8_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct pci_bus *bus = opaque;
    if (addr >= 4) {
        uint32_t ca = bus->config_address;
        if ((ca & PCI_CONFIG_ENABLE) && ((ca >> 16) & 0xFF) == 0)
            pci_config_write(bus, (uint8_t)(ca >> 8), (ca & 0xFC) + (addr & 3), value, size);
    } else if (addr == 0 && size == 4) {
        bus->config_address = value & CONFADD_MASK;
    } else if (bus->cf8_other_ops && bus->cf8_other_ops->write) {
        bus->cf8_other_ops->write(bus->cf8_other_opaque, addr, value, size);
    }
}

static const struct io_ops cf8_ops = {
    .name = "pci-config", .read = cf8_read, .write = cf8_write,
};

struct pci_bus *pci_bus_create(struct io_bus *io, struct phys_mem *mem)
{
    struct pci_bus *bus = calloc(1, sizeof *bus);
    if (!bus)
        return NULL;
    bus->io = io;
    bus->mem = mem;
    if (io_map(io, PCI_CONFIG_ADDRESS_PORT, 8, &cf8_ops, bus) < 0) {
        free(bus);
        return NULL;
    }
    return bus;
}

void pci_bus_destroy(struct pci_bus *bus)
{
    free(bus);
}

void pci_bus_reset(struct pci_bus *bus)
{
    bus->config_address = 0;
}

void pci_bus_set_pirq_router(struct pci_bus *bus, pci_pirq_fn set, void *opaque)
{
    bus->pirq_set = set;
    bus->pirq_opaque = opaque;
}

void pci_bus_set_cf8_other(struct pci_bus *bus, const struct io_ops *ops, void *opaque)
{
    bus->cf8_other_ops = ops;
    bus->cf8_other_opaque = opaque;
}

int pci_bus_add(struct pci_bus *bus, struct pci_device *d, uint8_t devfn)
{
    if (bus->devices[devfn])
        return -1;
    bus->devices[devfn] = d;
    d->bus = bus;
    d->devfn = devfn;
    pci_device_post_load(d);
    return 0;
}

static void bus_reset(void *dev)
{
    pci_bus_reset(dev);
}

static void bus_destroy(void *dev)
{
    pci_bus_destroy(dev);
}

static const struct state_field bus_fields[] = {
    STATE_FIELD(struct pci_bus, config_address),
};

static const struct device_state bus_state = {
    .version = 1, .fields = bus_fields, .nfields = sizeof bus_fields / sizeof bus_fields[0],
};

const struct device_ops pci_bus_ops = {
    .name = "pci-bus", .reset = bus_reset, .destroy = bus_destroy, .state = &bus_state,
};

/* ------------------------------------------------------------------------
 * The monitor's "info pci" */

void pci_bus_info(const struct pci_bus *bus, FILE *out)
{
    fprintf(out, "CONFADD %08x\n", bus->config_address);
    for (unsigned devfn = 0; devfn < PCI_MAX_DEVFN; devfn++) {
        const struct pci_device *d = bus->devices[devfn];
        if (!d)
            continue;
        fprintf(out, "00:%02x.%u %04x:%04x class %02x%02x%02x rev %02x, command %04x status %04x",
                PCI_SLOT(devfn), PCI_FUNC(devfn), pci_get_word(d, PCI_VENDOR_ID),
                pci_get_word(d, PCI_DEVICE_ID), d->config[PCI_CLASS_DEVICE + 1],
                d->config[PCI_CLASS_DEVICE], d->config[PCI_CLASS_PROG], d->config[PCI_REVISION_ID],
                pci_get_word(d, PCI_COMMAND), pci_get_word(d, PCI_STATUS));
        if (d->config[PCI_INTERRUPT_PIN])
            fprintf(out, ", INT%c# line %u%s", 'A' + d->config[PCI_INTERRUPT_PIN] - 1,
                    d->config[PCI_INTERRUPT_LINE], d->irq_level ? " (asserted)" : "");
        fputc('\n', out);
        for (int n = 0; n <= PCI_ROM_SLOT; n++) {
            const struct pci_bar *b = &d->bar[n];
            if (b->kind == PCI_BAR_NONE)
                continue;
            const char *kind = b->kind == PCI_BAR_IO ? "I/O" : b->kind == PCI_BAR_ROM ? "ROM"
                             : b->prefetch ? "memory, prefetchable" : "memory";
            if (b->mapped == PCI_BAR_UNMAPPED)
                fprintf(out, "    %s%d: %s, %u bytes, not mapped\n", n == PCI_ROM_SLOT ? "ROM" : "BAR",
                        n == PCI_ROM_SLOT ? 0 : n, kind, b->size);
            else
                fprintf(out, "    %s%d: %s at %08x-%08x\n", n == PCI_ROM_SLOT ? "ROM" : "BAR",
                        n == PCI_ROM_SLOT ? 0 : n, kind, b->mapped, b->mapped + b->size - 1);
        }
    }
}
