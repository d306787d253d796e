/* The machine: owns the CPU, the physical memory map, the I/O port space
 * and the devices, and runs them. No global state: two machines can live
 * in one process. */
#ifndef EMBER_DEVICES_MACHINE_H
#define EMBER_DEVICES_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"
#include "debug_port.h"
#include "port92.h"

struct machine_config {
    uint32_t ram_size;          /* bytes */
    const uint8_t *bios;        /* BIOS image, mapped below 4 GiB and 1 MiB */
    size_t bios_size;
    bool no_reboot;             /* a reset (triple fault) ends the run */
    uint64_t max_insns;         /* 0 = no limit; else stop with an error */
    FILE *debug_out;            /* where port 0xE9 output goes */
};

enum machine_status {
    MACHINE_RUNNING,
    MACHINE_EXIT,               /* the guest wrote to the exit port */
    MACHINE_HALTED,             /* HLT with no interrupt that can come */
    MACHINE_RESET_EXIT,         /* reset with no_reboot */
    MACHINE_INSN_LIMIT,         /* max_insns reached */
};

struct machine {
    struct machine_config cfg;
    struct phys_mem *mem;
    struct io_bus io;
    struct cpu *cpu;
    struct debug_port debug;
    struct port92 port92;
    enum machine_status status;
    int exit_code;
    unsigned resets;
};

/* Returns NULL and prints why on failure (no memory, a bad BIOS size). */
struct machine *machine_create(const struct machine_config *cfg);
void machine_destroy(struct machine *m);
void machine_reset(struct machine *m);
/* Run until the guest exits, halts for good or hits a limit. */
enum machine_status machine_run(struct machine *m);

#endif
