/* Intel 82093AA I/O APIC; see ioapic.h.
 *
 * Datasheet: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC), order number 290566-001 (section numbers below are its). */
#include "ioapic.h"

#include <stdlib.h>
#include <string.h>

#define IOAPIC_PAGE 0x1000u
#define IOAPIC_ID_BITS 0x0F000000u
/* IOAPICVER: maximum redirection entry (bits 23:16) and version. */
#define IOAPICVER_VALUE ((uint32_t)(IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION)
/* The bits software may write in an entry: all but delivery status and
 * remote IRR in bits 31:0, the destination field in bits 63:32. */
#define IOREDTBL_LOW_WRITABLE 0x0001AFFFull
#define IOREDTBL_HIGH_WRITABLE 0xFF00000000000000ull

static unsigned entry_delivery(uint64_t e)
{
    return (unsigned)((e & IOREDTBL_DELIVERY_MODE) >> 8);
}

/* Fixed and lowest-priority entries may be level-triggered; NMI, INIT and
 * ExtINT ones act on edges whatever their trigger bit says (3.2.4). */
static bool level_triggered(uint64_t e)
{
    unsigned mode = entry_delivery(e);
    return (e & IOREDTBL_TRIGGER_LEVEL) && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST);
}

static bool pin_asserted(const struct ioapic *io, int n)
{
    return (io->s.pins >> n) & 1u;
}

/* Send pin n's interrupt message. A level-triggered entry waits for the
 * EOI of the last one (remote IRR) before it sends again. */
static void send(struct ioapic *io, int n)
{
    uint64_t *e = &io->s.redir[n];
    if (*e & IOREDTBL_MASKED)
        return;
    bool level = level_triggered(*e);
    if (level && (*e & IOREDTBL_REMOTE_IRR))
        return;
    struct apic_message msg = {
        .vector = (uint8_t)(*e & IOREDTBL_VECTOR),
        .delivery = (uint8_t)entry_delivery(*e),
        .dest = (uint8_t)(*e >> IOREDTBL_DEST_SHIFT),
        .logical = (*e & IOREDTBL_DEST_LOGICAL) != 0,
        .level = level,
    };
    bool accepted = io->deliver && io->deliver(io->deliver_opaque, &msg);
    if (accepted && level)
        *e |= IOREDTBL_REMOTE_IRR;
}

void ioapic_set_irq(void *opaque, int n, int level)
{
    struct ioapic *io = opaque;
    if (n < 0 || n >= IOAPIC_PINS)
        return;
    bool was = pin_asserted(io, n);
    uint32_t bit = 1u << n;
    io->s.pins = level ? io->s.pins | bit : io->s.pins & ~bit;
    /* A masked pin ignores its edges; a level is looked at again when
     * the entry is unmasked. */
    if (level && (level_triggered(io->s.redir[n]) || !was))
        send(io, n);
}

struct irq_line ioapic_irq_line(struct ioapic *io, int n)
{
    struct irq_line line = { .set = ioapic_set_irq, .opaque = io, .n = n };
    return line;
}

void ioapic_eoi(void *opaque, uint8_t vector)
{
    struct ioapic *io = opaque;
    for (int n = 0; n < IOAPIC_PINS; n++) {
        uint64_t *e = &io->s.redir[n];
        if (!(*e & IOREDTBL_REMOTE_IRR) || (*e & IOREDTBL_VECTOR) != vector)
            continue;
        *e &= ~IOREDTBL_REMOTE_IRR;
        if (pin_asserted(io, n) && level_triggered(*e))
            send(io, n);
    }
}

/* ------------------------------------------------------------------------
 * Registers (3.0) */

static void write_entry(struct ioapic *io, int n, bool high, uint32_t value)
{
    uint64_t *e = &io->s.redir[n];
    uint64_t writable = high ? IOREDTBL_HIGH_WRITABLE : IOREDTBL_LOW_WRITABLE;
    uint64_t v = high ? (uint64_t)value << 32 : value;
    *e = (*e & ~writable) | (v & writable);
    if (!(*e & IOREDTBL_TRIGGER_LEVEL))
        *e &= ~IOREDTBL_REMOTE_IRR;
    if (pin_asserted(io, n) && level_triggered(*e))
        send(io, n);
}

uint32_t ioapic_read_register(struct ioapic *io, uint32_t index)
{
    if (index >= IOREDTBL && index < IOREDTBL + 2 * IOAPIC_PINS) {
        uint64_t e = io->s.redir[(index - IOREDTBL) / 2];
        return (index & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    switch (index) {
    case IOAPICID: return io->s.id;
    case IOAPICVER: return IOAPICVER_VALUE;
    case IOAPICARB: return io->s.arb;
    default: return 0;
    }
}

void ioapic_write_register(struct ioapic *io, uint32_t index, uint32_t value)
{
    if (index >= IOREDTBL && index < IOREDTBL + 2 * IOAPIC_PINS) {
        write_entry(io, (int)(index - IOREDTBL) / 2, index & 1, value);
        return;
    }
    if (index == IOAPICID) {
        io->s.id = value & IOAPIC_ID_BITS;
        io->s.arb = io->s.id;   /* the arbitration ID follows the ID */
    }
    /* IOAPICVER and IOAPICARB are read-only. */
}

/* ------------------------------------------------------------------------
 * MMIO: IOREGSEL at +0x00 and IOWIN at +0x10 (32-bit registers; narrower
 * accesses see their bytes); the rest of the page reads as 0. */

static uint32_t window_read(struct ioapic *io, uint32_t reg)
{
    return reg == IOAPIC_IOREGSEL ? io->s.ioregsel : ioapic_read_register(io, io->s.ioregsel);
}

static uint32_t mmio_read(void *opaque, uint32_t addr, unsigned size)
{
    struct ioapic *io = opaque;
    uint32_t reg = addr & ~0xFu, lane = addr & 0xF;
    if ((reg != IOAPIC_IOREGSEL && reg != IOAPIC_IOWIN) || lane >= 4 || addr >= 0x20)
        return 0;
    uint32_t v = window_read(io, reg) >> (8 * lane);
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct ioapic *io = opaque;
    uint32_t reg = addr & ~0xFu, lane = addr & 0xF;
    if ((reg != IOAPIC_IOREGSEL && reg != IOAPIC_IOWIN) || lane >= 4 || addr >= 0x20)
        return;
    if (size < 4 || lane) {
        uint32_t mask = (size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1) << (8 * lane);
        value = (window_read(io, reg) & ~mask) | ((value << (8 * lane)) & mask);
    }
    if (reg == IOAPIC_IOREGSEL)
        io->s.ioregsel = value & 0xFF;
    else
        ioapic_write_register(io, io->s.ioregsel, value);
}

static const struct io_ops ioapic_mmio_ops = {
    .name = "ioapic", .read = mmio_read, .write = mmio_write,
};

/* ------------------------------------------------------------------------
 * Device */

/* After reset: ID 0 and every entry masked (3.0); the pins stay as the
 * devices drive them. */
static void ioapic_reset(void *dev)
{
    struct ioapic *io = dev;
    uint32_t pins = io->s.pins;
    memset(&io->s, 0, sizeof io->s);
    io->s.pins = pins;
    for (int n = 0; n < IOAPIC_PINS; n++)
        io->s.redir[n] = IOREDTBL_MASKED;
}

static void ioapic_destroy(void *dev)
{
    free(dev);
}

static const struct state_field ioapic_fields[] = {
    STATE_FIELD(struct ioapic, s),
};

static const struct device_state ioapic_state_desc = {
    .version = 1,
    .fields = ioapic_fields,
    .nfields = sizeof ioapic_fields / sizeof ioapic_fields[0],
    .post_load = NULL,
};

const struct device_ops ioapic_ops = {
    .name = "ioapic",
    .reset = ioapic_reset,
    .destroy = ioapic_destroy,
    .state = &ioapic_state_desc,
};

struct ioapic *ioapic_create(struct phys_mem *mem, uint32_t base, ioapic_deliver_fn deliver,
                             void *opaque)
{
    struct ioapic *io = calloc(1, sizeof *io);
    if (!io)
        return NULL;
    io->deliver = deliver;
    io->deliver_opaque = opaque;
    ioapic_reset(io);
    if (phys_map_mmio(mem, base, IOAPIC_PAGE, &ioapic_mmio_ops, io) < 0) {
        free(io);
        return NULL;
    }
    return io;
}
