/* The x86 I/O port space: 64 Ki byte-wide ports, each owned by at most one
 * region. A wide access that lies in one region goes to it whole; one that
 * spans regions (or unmapped ports) is split into bytes, lowest first. */
#include "bus.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void io_bus_init(struct io_bus *bus)
{
    memset(bus, 0, sizeof *bus);
}

/* A slot io_unmap freed, or a new one; 0 when the table is full. */
static unsigned free_slot(struct io_bus *bus)
{
    for (unsigned k = 0; k < bus->nregions; k++)
        if (!bus->regions[k].ops)
            return k + 1;
    if (bus->nregions >= IO_MAX_REGIONS)
        return 0;
    return ++bus->nregions;
}

int io_map(struct io_bus *bus, uint32_t base, uint32_t len,
           const struct io_ops *ops, void *opaque)
{
    if (base + len > IO_PORT_COUNT || !ops)
        return -1;
    unsigned slot = free_slot(bus);
    if (!slot)
        return -1;
    struct io_region *r = &bus->regions[slot - 1];
    r->base = base;
    r->len = len;
    r->ops = ops;
    r->opaque = opaque;
    memset(&bus->port_region[base], (int)slot, len);
    return 0;
}

static bool slot_in_use(const struct io_bus *bus, unsigned slot)
{
    const struct io_region *r = &bus->regions[slot - 1];
    for (uint32_t p = r->base; p < r->base + r->len; p++)
        if (bus->port_region[p] == slot)
            return true;
    return false;
}

void io_unmap(struct io_bus *bus, uint32_t base, uint32_t len)
{
    if (base >= IO_PORT_COUNT)
        return;
    if (base + len > IO_PORT_COUNT)
        len = IO_PORT_COUNT - base;
    for (uint32_t p = base; p < base + len; p++) {
        unsigned slot = bus->port_region[p];
        bus->port_region[p] = 0;
        if (slot && !slot_in_use(bus, slot))
            memset(&bus->regions[slot - 1], 0, sizeof bus->regions[slot - 1]);
    }
}

static const struct io_region *region_of(struct io_bus *bus, uint32_t port)
{
    uint8_t idx = bus->port_region[port & 0xFFFF];
    return idx ? &bus->regions[idx - 1] : NULL;
}

static int whole_in_one_region(struct io_bus *bus, uint32_t port, unsigned size)
{
    if ((port & 0xFFFF) + size > IO_PORT_COUNT)
        return 0;
    uint8_t idx = bus->port_region[port];
    for (unsigned k = 1; k < size; k++)
        if (bus->port_region[port + k] != idx)
            return 0;
    return idx != 0;
}

static void note_unmapped(struct io_bus *bus, uint32_t port)
{
    (void)port;
    bus->warned_unmapped = 1;
}

uint32_t io_read(struct io_bus *bus, uint32_t port, unsigned size)
{
    port &= 0xFFFF;
    uint32_t value = 0;
    unsigned flags = 0;
    if (whole_in_one_region(bus, port, size)) {
        const struct io_region *r = region_of(bus, port);
        if (r->ops->read)
            value = r->ops->read(r->opaque, port - r->base, size);
        else
            value = size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
    } else {
        for (unsigned k = 0; k < size; k++) {
            uint32_t p = (port + k) & 0xFFFF;
            const struct io_region *r = region_of(bus, p);
            uint32_t byte = 0xFF;
            if (r && r->ops->read)
                byte = r->ops->read(r->opaque, p - r->base, 1) & 0xFF;
            else if (!r) {
                note_unmapped(bus, p);
                flags |= IO_WATCH_UNMAPPED;
            }
            value |= byte << (8 * k);
        }
    }
    if (bus->watch)
        bus->watch(bus->watch_opaque, port, value, size, flags);
    return value;
}

void io_write(struct io_bus *bus, uint32_t port, uint32_t value, unsigned size)
{
    port &= 0xFFFF;
    unsigned flags = IO_WATCH_WRITE;
    if (whole_in_one_region(bus, port, size)) {
        const struct io_region *r = region_of(bus, port);
        if (r->ops->write)
            r->ops->write(r->opaque, port - r->base, value, size);
    } else {
        for (unsigned k = 0; k < size; k++) {
            uint32_t p = (port + k) & 0xFFFF;
            const struct io_region *r = region_of(bus, p);
            if (r && r->ops->write)
                r->ops->write(r->opaque, p - r->base, (value >> (8 * k)) & 0xFF, 1);
            else if (!r) {
                note_unmapped(bus, p);
                flags |= IO_WATCH_UNMAPPED;
            }
        }
    }
    if (bus->watch)
        bus->watch(bus->watch_opaque, port, value, size, flags);
}
