/* The debugger's front end; see debugctl.h. */
#include "debugctl.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "disasm.h"
#include "gdbstub.h"
#include "monitor.h"
#include "trace.h"

/* Host time between looks at the socket and the terminal while the guest
 * runs: Ctrl-C and monitor commands wait at most this long. */
#define LOOK_NS 10000000ull
/* While stopped, how often the window is refreshed. */
#define IDLE_MS 20

struct debugctl {
    struct machine *m;
    struct debugger *dbg;
    struct disasm *dis;
    struct trace *trace;
    struct gdbstub *gdb;
    struct monitor *mon;
    bool stdin_free;            /* the serial port does not read standard input */
    void (*idle)(void *opaque);
    void *idle_opaque;
    uint64_t last_look;         /* host ns */
    uint64_t announced;         /* debugger stops reported so far */
    bool ended;                 /* machine_run() returned: look, but no more running */
    bool quit;                  /* quit or kill */
};

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct debugctl *debugctl_create(struct machine *m, const struct debugctl_config *cfg)
{
    struct debugctl *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "ember: out of memory for the debugger\n");
        return NULL;
    }
    c->m = m;
    c->stdin_free = cfg->monitor_stdio || m->cfg.serial != SERIAL_STDIO;
    c->dbg = debugger_create(m->cpu);
    c->dis = c->dbg ? disasm_create() : NULL;
    c->trace = c->dis ? trace_create(m, c->dis, cfg->trace_file) : NULL;
    if (!c->trace) {
        if (!c->dbg)
            fprintf(stderr, "ember: out of memory for the debugger\n");
        debugctl_destroy(c);
        return NULL;
    }
    debugger_set_filter(c->dbg, cfg->filter, cfg->nfilter);
    if (cfg->trace)
        trace_enable(c->trace, cfg->trace);
    if (cfg->start_stopped)
        debugger_stop_now(c->dbg, DBG_STOP_REQUEST);
    if (cfg->gdb && !(c->gdb = gdbstub_create(c, cfg->gdb))) {
        debugctl_destroy(c);
        return NULL;
    }
    c->mon = monitor_create(c, m, c->dis, c->trace, cfg->monitor_stdio ? STDIN_FILENO : -1,
                            stdout);
    if (!c->mon) {
        fprintf(stderr, "ember: out of memory for the monitor\n");
        debugctl_destroy(c);
        return NULL;
    }
    return c;
}

void debugctl_destroy(struct debugctl *c)
{
    if (!c)
        return;
    monitor_destroy(c->mon);
    gdbstub_destroy(c->gdb);
    trace_destroy(c->trace);
    disasm_destroy(c->dis);
    debugger_destroy(c->dbg);
    free(c);
}

void debugctl_set_idle(struct debugctl *c, void (*idle)(void *opaque), void *opaque)
{
    c->idle = idle;
    c->idle_opaque = opaque;
}

/* Wait up to timeout_ms (-1: forever) for gdb or the monitor, and let
 * them have their say. */
static void service(struct debugctl *c, int timeout_ms)
{
    struct pollfd fds[2];
    int n = 0, gdb_at = -1, mon_at = -1;
    if (c->gdb) {
        gdbstub_pollfd(c->gdb, &fds[n]);
        gdb_at = n++;
    }
    if (monitor_fd(c->mon) >= 0) {
        fds[n] = (struct pollfd){ .fd = monitor_fd(c->mon), .events = POLLIN };
        mon_at = n++;
    }
    if (n == 0) {       /* nothing to wait on: just let the time pass */
        if (timeout_ms)
            poll(NULL, 0, timeout_ms < 0 ? IDLE_MS : timeout_ms);
        return;
    }
    if (poll(fds, (nfds_t)n, timeout_ms) <= 0)
        return;
    if (gdb_at >= 0)
        gdbstub_handle(c->gdb, &fds[gdb_at]);
    if (mon_at >= 0 && fds[mon_at].revents && monitor_fd(c->mon) == fds[mon_at].fd)
        monitor_input(c->mon);
}

static bool going(const struct debugctl *c)
{
    if (c->ended)
        return !c->quit;
    return c->m->status == MACHINE_RUNNING && !c->m->poweroff_requested;
}

/* Someone who could start the machine again: a gdb (or the socket a gdb
 * can still connect to), or the monitor's input. */
static bool can_resume(const struct debugctl *c)
{
    return c->gdb || monitor_active(c->mon);
}

/* The machine is stopped: report it once, then wait for go or quit. */
static void wait_stopped(struct debugctl *c)
{
    while (debugger_stopped(c->dbg) && going(c)) {
        if (c->dbg->stops != c->announced) {
            c->announced = c->dbg->stops;
            trace_flush(c->trace);
            fflush(stdout);
            gdbstub_stopped(c->gdb);
            monitor_stopped(c->mon);
            continue;       /* the monitor may have run a held command */
        }
        if (!can_resume(c)) {
            if (!c->ended)
                fprintf(stderr, "ember: the monitor's input ended and no gdb can attach: "
                                "the machine runs on\n");
            debugger_continue(c->dbg);
            break;
        }
        service(c, c->idle ? IDLE_MS : -1);
        if (c->idle)
            c->idle(c->idle_opaque);
    }
}

void debugctl_start(struct debugctl *c)
{
    if (debugger_stopped(c->dbg))
        wait_stopped(c);
}

void debugctl_poll(struct debugctl *c)
{
    if (!debugger_stopped(c->dbg)) {
        uint64_t now = host_ns();
        if (now - c->last_look < LOOK_NS)
            return;
        c->last_look = now;
        service(c, 0);
    }
    if (debugger_stopped(c->dbg))
        wait_stopped(c);
}

/* The run ended without the guest asking (a halt for good, a reset with
 * -no-reboot, -max-insns): while a gdb or the monitor is there, stop so the
 * state can be looked at; continuing then ends ember. */
void debugctl_finish(struct debugctl *c, enum machine_status status, int exit_code)
{
    trace_flush(c->trace);
    bool inspectable = status == MACHINE_HALTED || status == MACHINE_RESET_EXIT ||
                       status == MACHINE_INSN_LIMIT;
    if (inspectable && !c->quit && (gdbstub_attached(c->gdb) || monitor_active(c->mon))) {
        fprintf(stderr, "ember: the machine cannot run on; it stays stopped for inspection "
                        "(continue or quit ends ember)\n");
        c->ended = true;
        debugger_stop_now(c->dbg, DBG_STOP_REQUEST);
        wait_stopped(c);
    }
    gdbstub_exited(c->gdb, status == MACHINE_EXIT ? exit_code : 0);
}

void debugctl_open_monitor(struct debugctl *c)
{
    if (monitor_fd(c->mon) >= 0)
        return;
    if (!c->stdin_free) {
        fprintf(stderr, "ember: the monitor needs the terminal, which the serial port "
                        "reads (-serial stdio): start ember with -monitor stdio\n");
        return;
    }
    monitor_open(c->mon, STDIN_FILENO);
}

struct debugger *debugctl_debugger(const struct debugctl *c)
{
    return c->dbg;
}

struct machine *debugctl_machine(const struct debugctl *c)
{
    return c->m;
}

void debugctl_continue(struct debugctl *c)
{
    debugger_continue(c->dbg);
}

void debugctl_step(struct debugctl *c, uint64_t n)
{
    debugger_step(c->dbg, n, false);
}

void debugctl_stop(struct debugctl *c)
{
    debugger_stop_now(c->dbg, DBG_STOP_REQUEST);
}

void debugctl_quit(struct debugctl *c)
{
    c->quit = true;
    trace_flush(c->trace);
    c->m->status = MACHINE_POWEROFF;    /* machine_run() returns at once */
}

bool debugctl_quitting(const struct debugctl *c)
{
    return c->quit;
}

void debugctl_gdb_gone(struct debugctl *c)
{
    debugger_remove_owner(c->dbg, DBG_OWNER_GDB);
    if (debugger_stopped(c->dbg) && going(c))
        debugger_continue(c->dbg);      /* as QEMU does when gdb detaches */
}

bool debugctl_monitor_command(struct debugctl *c, const char *line, FILE *out)
{
    return monitor_command(c->mon, line, out, true);
}
