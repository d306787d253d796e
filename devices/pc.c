/* The PC board; see pc.h. Each chip gets one block here: create it, map
 * its ports and memory, hand it its IRQ lines, add it to the device list. */
#include "pc.h"

#include "machine.h"

static void stop_cpu(void *opaque)
{
    struct machine *m = opaque;
    m->cpu->stop_request = true;
}

static void request_reset(void *opaque)
{
    machine_request_reset(opaque);
}

int pc_init(struct machine *m)
{
    /* Debug console 0xE9 and isa-debug-exit 0xF4. */
    debug_port_init(&m->debug, &m->io, m->cfg.debug_out, stop_cpu, m);

    /* System control port A (0x92): fast A20 and reset. */
    port92_init(&m->port92, &m->io, m->mem, request_reset, m);

    return 0;
}
