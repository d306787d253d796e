/* The Bochs/QEMU debug console (port 0xE9: bytes written appear on the
 * host) and QEMU's isa-debug-exit (port 0xF4: a write ends the emulator
 * with exit code (value << 1) | 1). */
#ifndef EMBER_DEVICES_DEBUG_PORT_H
#define EMBER_DEVICES_DEBUG_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"

#define DEBUG_CONSOLE_PORT 0xE9
#define DEBUG_EXIT_PORT 0xF4
#define BIOS_DEBUG_PORT 0x402   /* SeaBIOS's debug output on QEMU */

struct debug_port {
    FILE *out;
    FILE *bios_out;             /* port 0x402, NULL = discard */
    bool exit_requested;
    int exit_code;
    void (*on_exit)(void *opaque);  /* tells the machine to stop the CPU */
    void *opaque;
};

void debug_port_init(struct debug_port *d, struct io_bus *io, FILE *out,
                     void (*on_exit)(void *opaque), void *opaque);
/* Also listen on port 0x402 (SeaBIOS debug) and copy it to out. */
void debug_port_add_bios_console(struct debug_port *d, struct io_bus *io, FILE *out);

#endif
