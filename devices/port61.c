/* System control port B (0x61); see port61.h.
 *
 * Datasheet: Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE
 * Xcelerator, "NMISC - NMI Status and Control Register (I/O 61h)". Bits 0-3
 * are read/write, bits 4-7 read-only. */
#include "port61.h"

#include <stdlib.h>

#include "debugger.h"

#define WRITABLE 0x0F

/* Bit 4 toggles with each DRAM refresh request, every 15.085 us, whether
 * or not counter 1 is programmed: the PIIX3 times refresh itself. */
static uint8_t refresh_toggle(const struct port61 *p)
{
    return (clock_now(p->clock) / PORT61_REFRESH_NS) & 1 ? PORT61_REFRESH : 0;
}

static uint8_t port61_value(struct port61 *p)
{
    uint8_t v = p->control | refresh_toggle(p);
    if (i8254_out(p->pit, 2))
        v |= PORT61_TIMER2_OUT;
    return v;
}

static uint32_t port61_read(void *opaque, uint32_t addr, unsigned size)
{
    struct port61 *p = opaque;
    (void)addr;
    uint8_t v = port61_value(p);
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)v << (8 * k);
    return value;
}

static void set_control(struct port61 *p, uint8_t v)
{
    uint8_t speaker = PORT61_TIMER2_GATE | PORT61_SPEAKER_DATA;
    if ((v & speaker) == speaker)
        trace_unimp(p, "PC speaker (port 61h %02xh: counter 2 gated, its output to the "
                    "speaker) is not implemented: no sound", v);
    p->control = v & WRITABLE;
    i8254_set_gate(p->pit, 2, (p->control & PORT61_TIMER2_GATE) != 0);
}

static void port61_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    (void)addr; (void)size;
    set_control(opaque, (uint8_t)value);
}

static const struct io_ops io_ops = {
    .name = "port61", .read = port61_read, .write = port61_write,
};

static void port61_reset(void *dev)
{
    set_control(dev, 0);
}

static void port61_destroy(void *dev)
{
    free(dev);
}

/* The PIT saves its own GATE; this only keeps the two consistent. */
static void port61_post_load(void *dev)
{
    struct port61 *p = dev;
    i8254_set_gate(p->pit, 2, (p->control & PORT61_TIMER2_GATE) != 0);
}

static void port61_set_cpu(void *dev, struct cpu *cpu)
{
    struct port61 *p = dev;
    p->cpu = cpu;
}

static const struct state_field port61_fields[] = {
    STATE_FIELD(struct port61, control),
};

static const struct device_state port61_state = {
    .version = 1,
    .fields = port61_fields,
    .nfields = sizeof port61_fields / sizeof port61_fields[0],
    .post_load = port61_post_load,
};

const struct device_ops port61_ops = {
    .name = "port61",
    .reset = port61_reset,
    .destroy = port61_destroy,
    .state = &port61_state,
    .set_cpu = port61_set_cpu,
};

struct port61 *port61_create(struct io_bus *io, struct clock *clock, struct i8254 *pit)
{
    struct port61 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->clock = clock;
    p->pit = pit;
    port61_reset(p);
    if (io_map(io, PORT61_PORT, 1, &io_ops, p) < 0) {
        free(p);
        return NULL;
    }
    return p;
}
