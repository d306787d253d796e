/* The machine: memory map, ports, CPU and devices, and the run loop. */
#include "machine.h"

#include <stdlib.h>

#define BIOS_MAX (256u * 1024)
#define RUN_SLICE 100000

static void stop_cpu(void *opaque)
{
    struct machine *m = opaque;
    m->cpu->stop_request = true;
}

static void request_reset(void *opaque)
{
    struct machine *m = opaque;
    m->cpu->reset_request = true;
    m->cpu->stop_request = true;
}

/* The BIOS sits at the top of the 4 GiB space and its last 128 KiB (or all
 * of a smaller image) also below 1 MiB, where the reset vector F000:FFF0
 * and the real-mode BIOS segments reach it. */
static int map_bios(struct machine *m)
{
    size_t size = m->cfg.bios_size;
    if (size == 0 || size > BIOS_MAX || (size & 0xFFF)) {
        fprintf(stderr, "ember: BIOS image size %zu: expected a multiple of 4 KiB up to %u KiB\n",
                size, BIOS_MAX / 1024);
        return -1;
    }
    if (phys_map_rom(m->mem, (uint32_t)(0x100000000ull - size), (uint32_t)size,
                     m->cfg.bios, size) < 0)
        return -1;
    size_t low = size < 0x20000 ? size : 0x20000;
    const struct phys_region *top = phys_region_of(m->mem, 0xFFFFF000u);
    return phys_map_alias(m->mem, (uint32_t)(0x100000 - low), (uint32_t)low, PHYS_ROM,
                          top->host + (size - low));
}

struct machine *machine_create(const struct machine_config *cfg)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        fprintf(stderr, "ember: out of memory\n");
        return NULL;
    }
    m->cfg = *cfg;
    m->mem = phys_mem_create(cfg->ram_size);
    if (!m->mem) {
        fprintf(stderr, "ember: cannot allocate %u MiB of guest RAM\n", cfg->ram_size >> 20);
        machine_destroy(m);
        return NULL;
    }
    io_bus_init(&m->io);
    if (cfg->bios && map_bios(m) < 0) {
        machine_destroy(m);
        return NULL;
    }
    m->cpu = cpu_create(m->mem, &m->io);
    if (!m->cpu) {
        fprintf(stderr, "ember: out of memory for the CPU\n");
        machine_destroy(m);
        return NULL;
    }
    debug_port_init(&m->debug, &m->io, cfg->debug_out, stop_cpu, m);
    port92_init(&m->port92, &m->io, m->mem, request_reset, m);
    m->status = MACHINE_RUNNING;
    return m;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    cpu_destroy(m->cpu);
    phys_mem_destroy(m->mem);
    free(m);
}

void machine_reset(struct machine *m)
{
    m->resets++;
    cpu_reset(m->cpu);
    phys_set_a20(m->mem, 1);
    m->port92.value = 0x02;
}

enum machine_status machine_run(struct machine *m)
{
    while (m->status == MACHINE_RUNNING) {
        uint64_t slice = RUN_SLICE;
        if (m->cfg.max_insns) {
            if (m->cpu->icount >= m->cfg.max_insns) {
                m->status = MACHINE_INSN_LIMIT;
                break;
            }
            uint64_t left = m->cfg.max_insns - m->cpu->icount;
            if (left < slice)
                slice = left;
        }
        enum run_exit why = cpu_run(m->cpu, slice);
        if (m->debug.exit_requested) {
            m->exit_code = m->debug.exit_code;
            m->status = MACHINE_EXIT;
        } else if (why == RUN_RESET || m->cpu->reset_request) {
            if (m->cfg.no_reboot)
                m->status = MACHINE_RESET_EXIT;
            else
                machine_reset(m);
        } else if (why == RUN_HALT) {
            /* No device can raise an interrupt yet: the guest is stuck. */
            m->status = MACHINE_HALTED;
        }
    }
    return m->status;
}
