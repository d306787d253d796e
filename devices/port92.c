/* Port 0x92 fast A20 gate and reset; see port92.h. */
#include "port92.h"

static uint32_t port92_read(void *opaque, uint32_t addr, unsigned size)
{
    struct port92 *p = opaque;
    (void)addr; (void)size;
    return p->value;
}

static void port92_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct port92 *p = opaque;
    (void)addr; (void)size;
    p->value = (uint8_t)(value & 0x02);
    phys_set_a20(p->mem, (value & 0x02) != 0);
    if ((value & 0x01) && p->reset)
        p->reset(p->opaque);
}

static const struct io_ops port92_ops = {
    .name = "port92", .read = port92_read, .write = port92_write,
};

void port92_init(struct port92 *p, struct io_bus *io, struct phys_mem *mem,
                 void (*reset)(void *opaque), void *opaque)
{
    p->value = 0x02;
    p->mem = mem;
    p->reset = reset;
    p->opaque = opaque;
    io_map(io, 0x92, 1, &port92_ops, p);
}
