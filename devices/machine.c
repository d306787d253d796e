/* The machine: memory map, ports, CPU and devices, and the run loop. */
#include "machine.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "i8042_kbc.h"
#include "pc.h"
#include "ps2_keyboard.h"
#include "ps2_mouse.h"
#include "replay.h"

#define BIOS_MAX (256u * 1024)
#define RUN_SLICE 100000        /* instructions between looks at the clock */

void machine_request_reset(struct machine *m)
{
    m->cpu->reset_request = true;
    m->cpu->triple_fault = false;
    m->cpu->stop_request = true;
}

void machine_request_poweroff(struct machine *m)
{
    m->poweroff_requested = true;
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

/* Instructions retired, counting those of the running block before the
 * current one (icount itself advances once per block). */
static uint64_t live_icount(void *opaque)
{
    return cpu_retired(opaque);
}

/* A timer armed while the CPU runs must fire on time: end the slice then. */
static void earliest_changed(void *opaque, uint64_t ns)
{
    struct cpu *cpu = opaque;
    uint64_t retired = cpu_retired(cpu);
    uint64_t insns = ns / CLOCK_NS_PER_INSN;
    if (retired + insns < cpu->icount_limit) {
        cpu->icount_limit = retired + (insns ? insns : 1);
        cpu->exit_block = true;
    }
}

/* Everything of m but the struct itself, from cfg; -1 after printing why
 * (machine_release() then frees what was made). */
static int machine_init(struct machine *m, const struct machine_config *cfg)
{
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    m->mem = phys_mem_create(cfg->ram_size);
    if (!m->mem) {
        fprintf(stderr, "ember: cannot allocate %u MiB of guest RAM\n", cfg->ram_size >> 20);
        return -1;
    }
    io_bus_init(&m->io);
    if (cfg->bios && map_bios(m) < 0)
        return -1;
    m->cpu = cpu_create(m->mem, &m->io);
    if (!m->cpu) {
        fprintf(stderr, "ember: out of memory for the CPU\n");
        return -1;
    }
    clock_init(&m->clock);
    m->clock.live_icount = live_icount;
    m->clock.live_opaque = m->cpu;
    m->clock.earliest_changed = earliest_changed;
    if (pc_init(m) < 0)
        return -1;
    if (cfg->replay)
        replay_attach(cfg->replay, m);
    m->status = MACHINE_RUNNING;
    return 0;
}

static void machine_release(struct machine *m)
{
    if (m->cfg.replay && m->cfg.replay->m == m)
        replay_detach(m->cfg.replay);
    devices_destroy(&m->devices);
    cpu_destroy(m->cpu);
    phys_mem_destroy(m->mem);
    m->cpu = NULL;
    m->mem = NULL;
}

struct machine *machine_create(const struct machine_config *cfg)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m) {
        fprintf(stderr, "ember: out of memory\n");
        return NULL;
    }
    if (machine_init(m, cfg) < 0) {
        machine_destroy(m);
        return NULL;
    }
    return m;
}

int machine_rebuild(struct machine *m)
{
    struct machine_config cfg = m->cfg;
    machine_release(m);
    if (machine_init(m, &cfg) < 0) {
        m->status = MACHINE_HALTED;
        return -1;
    }
    return 0;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    machine_release(m);
    free(m);
}

void machine_reset(struct machine *m)
{
    m->resets++;
    cpu_reset(m->cpu);
    phys_set_a20(m->mem, 1);
    m->port92.value = 0x02;
    devices_reset(&m->devices);
}

/* ---- Host input ---- */

static bool replaying(const struct machine *m)
{
    return m->cfg.replay && m->cfg.replay->mode == REPLAY_PLAY;
}

static void apply_key(struct machine *m, unsigned code, bool down)
{
    if (m->pc.kbc)
        ps2_keyboard_key(i8042_keyboard(m->pc.kbc), code, down);
}

static void apply_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons)
{
    if (m->pc.kbc)
        ps2_mouse_move(i8042_mouse(m->pc.kbc), dx, dy, dz, buttons);
}

void machine_key(struct machine *m, unsigned code, bool down)
{
    if (replaying(m))
        return;
    if (m->cfg.replay)
        replay_note(m->cfg.replay, RR_KEY, (int32_t)code, down, 0, 0);
    apply_key(m, code, down);
}

void machine_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons)
{
    if (replaying(m))
        return;
    if (m->cfg.replay)
        replay_note(m->cfg.replay, RR_MOUSE, dx, dy, dz, buttons);
    apply_mouse(m, dx, dy, dz, buttons);
}

int machine_user_reset(struct machine *m)
{
    if (replaying(m))
        return -1;
    if (m->cfg.replay)
        replay_note(m->cfg.replay, RR_RESET, 0, 0, 0, 0);
    machine_reset(m);
    return 0;
}

bool machine_has_mouse(const struct machine *m)
{
    return m->pc.kbc != NULL;
}

void machine_apply_input(struct machine *m, const struct replay_event *e)
{
    if (e->kind == RR_KEY)
        apply_key(m, (unsigned)e->a, e->b != 0);
    else if (e->kind == RR_MOUSE)
        apply_mouse(m, e->a, e->b, e->c, e->d);
    else if (e->kind == RR_RESET)
        machine_reset(m);
}

/* ---- The run loop ---- */

/* How many instructions to run before the next timer is due. */
static uint64_t next_slice(struct machine *m)
{
    uint64_t slice = RUN_SLICE;
    uint64_t deadline = clock_next_deadline(&m->clock);
    uint64_t now = clock_ns(&m->clock);
    if (deadline != UINT64_MAX) {
        uint64_t until = deadline > now ? (deadline - now) / CLOCK_NS_PER_INSN : 0;
        if (until < slice)
            slice = until ? until : 1;
    }
    if (m->cfg.max_insns) {
        uint64_t left = m->cfg.max_insns - m->cpu->icount;
        if (left < slice)
            slice = left;
    }
    if (m->pause_at > m->cpu->icount && m->pause_at - m->cpu->icount < slice)
        slice = m->pause_at - m->cpu->icount;
    else if (m->pause_at && m->pause_at <= m->cpu->icount)
        slice = 0;
    return slice;
}

/* The CPU is halted: time jumps to the next timer (the TSC keeps
 * counting), or with -icount sleep=on moves on as the host's time does. */
static bool idle_until_next_timer(struct machine *m)
{
    uint64_t before = clock_ns(&m->clock);
    uint64_t deadline = clock_next_deadline(&m->clock);
    if (deadline == UINT64_MAX)
        return false;
    uint64_t to = deadline;
    if (m->cfg.idle_wait) {
        to = m->cfg.idle_wait(m->cfg.idle_opaque, before, deadline);
        to = to < deadline ? to : deadline;
    }
    clock_skip_to(&m->clock, to);
    m->cpu->tsc_offset += clock_ns(&m->clock) - before;
    return true;
}

/* HLT with IF clear: only NMI, INIT or a reset could wake the CPU, and no
 * device of this machine sends an NMI; time passing changes nothing. */
static bool halted_for_good(const struct cpu *cpu)
{
    return !(cpu->flags & FL_IF) && !cpu->nmi_pending;
}

enum machine_status machine_run(struct machine *m)
{
    while (m->status == MACHINE_RUNNING) {
        if (m->cfg.max_insns && m->cpu->icount >= m->cfg.max_insns) {
            m->status = MACHINE_INSN_LIMIT;
            break;
        }
        /* A replay's input for this moment, where the recording's host
         * gave it: after the last slice, before the timers due now. */
        if (replaying(m) && !replay_apply_due(m->cfg.replay))
            break;      /* diverged, or the end of the recording */
        clock_sync(&m->clock, m->cpu->icount);
        clock_run_timers(&m->clock);
        enum run_exit why = cpu_run(m->cpu, next_slice(m));
        clock_sync(&m->clock, m->cpu->icount);
        if (m->poweroff_requested) {
            m->status = MACHINE_POWEROFF;
        } else if (m->debug.exit_requested) {
            m->exit_code = m->debug.exit_code;
            m->status = MACHINE_EXIT;
        } else if (why == RUN_RESET || m->cpu->reset_request) {
            if (m->cfg.no_reboot)
                m->status = MACHINE_RESET_EXIT;
            else
                machine_reset(m);
        } else if (why == RUN_HALT && (halted_for_good(m->cpu) || !idle_until_next_timer(m))) {
            m->status = MACHINE_HALTED;     /* nothing can ever wake it */
        }
        if (m->cfg.frontend_poll)
            m->cfg.frontend_poll(m->cfg.frontend_opaque);
    }
    return m->status;
}
