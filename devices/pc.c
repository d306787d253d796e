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
    struct pc *pc = &m->pc;
    (void)pc;

    /* --- i8259 PIC pair: fills pc->isa_irq[0..15] and the CPU's INTA hook --- */

    /* --- i8254 PIT (IRQ 0) and port 0x61 (speaker gate, refresh toggle) --- */

    /* --- MC146818 RTC/CMOS (IRQ 8) --- */

    /* --- PCI bus, i440FX host bridge (PAM), PIIX3 ISA bridge, PIIX4 PM --- */

    /* --- fw_cfg (0x510/0x511) --- */

    /* --- i8042 keyboard controller, PS/2 keyboard (IRQ 1) and mouse (IRQ 12) --- */

    /* --- 16550A UARTs COM1-COM4 (IRQ 4, 3, 4, 3) --- */

    /* --- i8237 DMA pair, 82077AA floppy controller (IRQ 6, DMA 2) --- */

    /* --- PIIX IDE: ATA disks and ATAPI CD-ROM (IRQ 14, 15), bus-master DMA --- */

    /* --- VGA with Bochs VBE, its option ROM --- */

    /* Debug console 0xE9 and isa-debug-exit 0xF4. */
    debug_port_init(&m->debug, &m->io, m->cfg.debug_out, stop_cpu, m);
    debug_port_add_bios_console(&m->debug, &m->io, (m->cfg.trace & TRACE_BIOS) ? stderr : NULL);

    /* System control port A (0x92): fast A20 and reset. */
    port92_init(&m->port92, &m->io, m->mem, request_reset, m);

    return 0;
}
