/* Port I/O and MMIO regions share one handler shape: a device registers
 * a range with a const ops table and an opaque pointer, and the bus calls
 * back with the offset inside the range and the access size in bytes.
 * Reads of nothing return all ones (see io_bus and phys_mem). */
#ifndef EMBER_MMU_BUS_H
#define EMBER_MMU_BUS_H

#include <stdint.h>

struct io_ops {
    const char *name;
    /* size is 1, 2 or 4; addr is the offset from the region's base. */
    uint32_t (*read)(void *opaque, uint32_t addr, unsigned size);
    void (*write)(void *opaque, uint32_t addr, uint32_t value, unsigned size);
};

#define IO_PORT_COUNT 0x10000u
#define IO_MAX_REGIONS 255

struct io_region {
    uint32_t base, len;
    const struct io_ops *ops;
    void *opaque;
};

/* io_bus.watch flags. */
#define IO_WATCH_WRITE 1u
#define IO_WATCH_UNMAPPED 2u    /* some byte of the access reached no device */

/* The 64 KiB x86 I/O port space. */
struct io_bus {
    uint8_t port_region[IO_PORT_COUNT]; /* 0 = unmapped, else index+1 */
    struct io_region regions[IO_MAX_REGIONS];
    unsigned nregions;
    uint8_t warned_unmapped; /* log an unmapped port once, not per access */
    /* The debugger's look at every access once it is done (-d io, I/O
     * breakpoints; cpu/debugger.c): NULL when nothing watches. */
    void (*watch)(void *opaque, uint32_t port, uint32_t value, unsigned size, unsigned flags);
    void *watch_opaque;
};

void io_bus_init(struct io_bus *bus);
/* Returns 0, or -1 when the region table is full. */
int io_map(struct io_bus *bus, uint32_t base, uint32_t len,
           const struct io_ops *ops, void *opaque);
/* Release the ports [base, base+len) (a PCI BAR moving); the regions that
 * lay wholly inside are freed for reuse by io_map. */
void io_unmap(struct io_bus *bus, uint32_t base, uint32_t len);
uint32_t io_read(struct io_bus *bus, uint32_t port, unsigned size);
void io_write(struct io_bus *bus, uint32_t port, uint32_t value, unsigned size);

#endif
