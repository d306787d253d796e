/* System control port A (0x92), the "fast A20 gate" of PS/2 and later
 * chipsets: bit 1 = A20 enable, bit 0 = fast reset (write 1). */
#ifndef EMBER_DEVICES_PORT92_H
#define EMBER_DEVICES_PORT92_H

#include <stdint.h>

#include "bus.h"
#include "memory.h"

struct port92 {
    uint8_t value;
    struct phys_mem *mem;
    void (*reset)(void *opaque);
    void *opaque;
};

void port92_init(struct port92 *p, struct io_bus *io, struct phys_mem *mem,
                 void (*reset)(void *opaque), void *opaque);

#endif
