/* The debugger's front end; see debugctl.h. */
#include "debugctl.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "disasm.h"
#include "gdbstub.h"
#include "monitor.h"
#include "pacer.h"
#include "replay.h"
#include "trace.h"

/* Host time between looks at the socket and the terminal while the guest
 * runs: Ctrl-C and monitor commands wait at most this long. */
#define LOOK_NS 10000000ull
/* While stopped, how often the window is refreshed. */
#define IDLE_MS 20

/* Going to a place in a replay (debugctl_seek): run to seek_target with
 * the debugger muted (GOTO), or first once with it scanning for the last
 * breakpoint hit before seek_target (SCAN, reverse-continue). */
enum seek_phase { SEEK_NONE, SEEK_SCAN, SEEK_GOTO };
/* What happens at the target: stop there, or run on so that the hit a
 * scan found happens again and stops the machine as it did. */
enum seek_arrival { ARRIVE_STOP, ARRIVE_LIVE };

/* At most this many checkpoints; when full, the interval doubles and every
 * other one goes. */
#define MAX_CHECKPOINTS 32

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
    int (*rebuild)(void *opaque);   /* a replay: start the machine over */
    void *rebuild_opaque;
    enum seek_phase seek;
    uint64_t seek_target;       /* instruction count */
    enum seek_arrival arrival;
    bool at_start;              /* a reverse-continue found no hit */
    uint64_t scan_from;         /* where the scan began (0: the start) */
    /* Checkpoints of the replay, by instruction count. */
    struct checkpoint *cps[MAX_CHECKPOINTS];
    unsigned ncps;
    uint64_t checkpoint_every;  /* 0: none */
};

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

static void free_checkpoints(struct debugctl *c);

void debugctl_destroy(struct debugctl *c)
{
    if (!c)
        return;
    free_checkpoints(c);
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

static void seek_arrived(struct debugctl *c);
static void maybe_checkpoint(struct debugctl *c);
static bool begin_scan(struct debugctl *c, uint64_t end);

static struct replay *replay_of(const struct debugctl *c)
{
    return c->m->cfg.replay;
}

void debugctl_poll(struct debugctl *c)
{
    maybe_checkpoint(c);
    if (c->seek != SEEK_NONE && c->m->cpu->icount >= c->seek_target)
        seek_arrived(c);
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
static void seek_abandon(struct debugctl *c);

bool debugctl_finish(struct debugctl *c, enum machine_status status, int exit_code)
{
    trace_flush(c->trace);
    seek_abandon(c);
    bool inspectable = status == MACHINE_HALTED || status == MACHINE_RESET_EXIT ||
                       status == MACHINE_INSN_LIMIT || status == MACHINE_REPLAY_END;
    if (inspectable && !c->quit && (gdbstub_attached(c->gdb) || monitor_active(c->mon))) {
        fprintf(stderr, "ember: the machine cannot run on; it stays stopped for inspection "
                        "(continue or quit ends ember%s)\n",
                c->rebuild ? "; a replay can go back" : "");
        c->ended = true;
        debugger_stop_now(c->dbg, DBG_STOP_REQUEST);
        wait_stopped(c);
        if (!c->quit && c->m->status == MACHINE_RUNNING) {
            c->ended = false;   /* the replay went back: run again */
            return true;
        }
    }
    gdbstub_exited(c->gdb, status == MACHINE_EXIT ? exit_code : 0);
    return false;
}

void debugctl_set_rebuild(struct debugctl *c, int (*rebuild)(void *opaque), void *opaque,
                          uint64_t checkpoint_every)
{
    c->rebuild = rebuild;
    c->rebuild_opaque = opaque;
    c->checkpoint_every = checkpoint_every;
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
    c->at_start = false;
    debugger_continue(c->dbg);
}

void debugctl_step(struct debugctl *c, uint64_t n)
{
    /* Holding interrupts back while stepping changes where they come, and
     * that is no input a recording keeps: recording and replaying, steps
     * let them in. */
    c->at_start = false;
    debugger_step(c->dbg, n, replay_of(c) != NULL);
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

/* ---- Moving in a replay ---- */

bool debugctl_replaying(const struct debugctl *c)
{
    return c->rebuild != NULL;
}

static void set_quiet(struct debugctl *c, bool quiet)
{
    if (replay_of(c))
        replay_of(c)->quiet = quiet;
}

static void free_checkpoints(struct debugctl *c)
{
    for (unsigned k = 0; k < c->ncps; k++)
        checkpoint_free(c->cps[k]);
    c->ncps = 0;
}

/* The machine starts over from the beginning of the replay. Its
 * checkpoints go: they point into the machine that is no more. */
static bool restart(struct debugctl *c, FILE *out)
{
    free_checkpoints(c);
    debugger_set_muted(c->dbg, true);
    set_quiet(c, true);     /* what the old machine's UART still holds was seen */
    trace_flush(c->trace);
    fflush(stdout);
    if (c->rebuild(c->rebuild_opaque) < 0) {
        fprintf(out, "ember: the replay cannot start over: the run ends\n");
        c->quit = true;
        c->m->status = MACHINE_POWEROFF;
        return false;
    }
    debugger_attach(c->dbg, c->m->cpu);
    return true;
}

/* ---- Checkpoints ---- */

/* The last checkpoint before instruction count limit (strictly: before),
 * or NULL. */
static struct checkpoint *checkpoint_before(const struct debugctl *c, uint64_t limit)
{
    struct checkpoint *best = NULL;
    for (unsigned k = 0; k < c->ncps; k++)
        if (checkpoint_icount(c->cps[k]) < limit)
            best = c->cps[k];
    return best;
}

/* Full: the interval doubles, and of the checkpoints in each new interval
 * only the first stays. */
static void thin_checkpoints(struct debugctl *c)
{
    c->checkpoint_every *= 2;
    unsigned kept = 0;
    uint64_t last_slot = 0;
    for (unsigned k = 0; k < c->ncps; k++) {
        uint64_t slot = checkpoint_icount(c->cps[k]) / c->checkpoint_every;
        if (slot == 0 || (kept && slot == last_slot)) {
            checkpoint_free(c->cps[k]);
            continue;
        }
        last_slot = slot;
        c->cps[kept++] = c->cps[k];
    }
    c->ncps = kept;
}

/* Between slices of a replay: one checkpoint in each interval (none in
 * the first: the start is a rebuild away). */
static void maybe_checkpoint(struct debugctl *c)
{
    uint64_t now = c->m->cpu->icount, every = c->checkpoint_every;
    if (!every || c->m->status != MACHINE_RUNNING || now < every)
        return;
    uint64_t slot_start = now / every * every;
    struct checkpoint *prev = checkpoint_before(c, now + 1);
    if (prev && checkpoint_icount(prev) >= slot_start)
        return;
    struct checkpoint *cp = checkpoint_take(c->m, prev);
    if (!cp) {
        fprintf(stderr, "ember: out of memory for a replay checkpoint: going back will "
                        "start the replay over\n");
        c->checkpoint_every = 0;
        return;
    }
    unsigned at = c->ncps;
    while (at > 0 && checkpoint_icount(c->cps[at - 1]) > now)
        at--;
    memmove(&c->cps[at + 1], &c->cps[at], (c->ncps - at) * sizeof c->cps[0]);
    c->cps[at] = cp;
    if (++c->ncps == MAX_CHECKPOINTS)
        thin_checkpoints(c);
}

/* Go back to the last checkpoint before limit, or start the replay over:
 * the machine is then at or before limit, the debugger muted. */
static bool go_back(struct debugctl *c, uint64_t limit, FILE *out)
{
    struct checkpoint *cp = checkpoint_before(c, limit + 1);
    if (cp) {
        debugger_set_muted(c->dbg, true);
        set_quiet(c, true);
        if (checkpoint_restore(c->m, cp)) {
            debugger_attach(c->dbg, c->m->cpu);
            return true;
        }
    }
    return restart(c, out);
}

/* quiet: the replay went back, so the guest's serial output up to the
 * target was seen already. */
static void begin_goto(struct debugctl *c, uint64_t target, enum seek_arrival arrival, bool quiet)
{
    c->seek = SEEK_GOTO;
    c->seek_target = target;
    c->arrival = arrival;
    debugger_set_muted(c->dbg, true);
    set_quiet(c, quiet);
    c->m->pause_at = target;
    if (c->m->cpu->icount >= target)
        seek_arrived(c);
}

static void seek_arrived(struct debugctl *c)
{
    c->m->pause_at = 0;
    if (c->seek == SEEK_SCAN) {
        bool found = c->dbg->scan_found;
        uint64_t begin = c->dbg->scan_begin;
        debugger_set_scanning(c->dbg, false, 0);
        c->seek = SEEK_NONE;
        if (!found && c->scan_from > 0) {
            begin_scan(c, c->scan_from);    /* nothing here: the stretch before */
            return;
        }
        if (!go_back(c, found ? begin : 0, stderr))
            return;
        c->at_start = !found;
        begin_goto(c, found ? begin : 0, found ? ARRIVE_LIVE : ARRIVE_STOP, true);
        return;
    }
    c->seek = SEEK_NONE;
    set_quiet(c, false);
    debugger_set_muted(c->dbg, false);
    if (c->arrival == ARRIVE_LIVE)
        debugger_run_live(c->dbg);      /* the hit happens again and stops */
    else
        debugger_stop_now(c->dbg, DBG_STOP_STEP);
}

/* The run ended during a seek (a forward seek past the end). */
static void seek_abandon(struct debugctl *c)
{
    if (c->seek == SEEK_NONE)
        return;
    if (c->seek == SEEK_SCAN)
        debugger_set_scanning(c->dbg, false, 0);
    c->seek = SEEK_NONE;
    c->m->pause_at = 0;
    set_quiet(c, false);
    debugger_set_muted(c->dbg, false);
}

/* Run the stretch before end once more with the breakpoints noting their
 * hits, from the last checkpoint before end (or the start); seek_arrived()
 * goes on to the last hit, or to the stretch before if there was none. */
static bool begin_scan(struct debugctl *c, uint64_t end)
{
    struct checkpoint *cp = checkpoint_before(c, end);
    if (!go_back(c, cp ? checkpoint_icount(cp) : 0, stderr))
        return false;
    c->scan_from = c->m->cpu->icount;
    debugger_set_muted(c->dbg, false);
    debugger_set_scanning(c->dbg, true, end);
    set_quiet(c, true);
    c->seek = SEEK_SCAN;
    c->seek_target = end;
    c->m->pause_at = end;
    if (c->m->cpu->icount >= end)
        seek_arrived(c);
    return true;
}

static bool can_move(struct debugctl *c, FILE *out)
{
    if (c->seek != SEEK_NONE) {
        fprintf(out, "ember: already on the way to instruction %llu\n",
                (unsigned long long)c->seek_target);
        return false;
    }
    return true;
}

bool debugctl_seek(struct debugctl *c, uint64_t target, FILE *out)
{
    if (!can_move(c, out))
        return false;
    c->at_start = false;
    bool back = target < c->m->cpu->icount;
    if (back) {
        if (!debugctl_replaying(c)) {
            fprintf(out, "ember: going back needs a replay (-icount rr=replay,rrfile=FILE)\n");
            return false;
        }
        if (!go_back(c, target, out))
            return false;
    }
    begin_goto(c, target, ARRIVE_STOP, back);
    return true;
}

bool debugctl_reverse_step(struct debugctl *c, uint64_t n, FILE *out)
{
    uint64_t now = c->m->cpu->icount;
    if (now == 0) {
        fprintf(out, "ember: at the start of the replay already\n");
        return false;
    }
    return debugctl_seek(c, now > n ? now - n : 0, out);
}

bool debugctl_reverse_continue(struct debugctl *c, FILE *out)
{
    if (!can_move(c, out))
        return false;
    if (!debugctl_replaying(c)) {
        fprintf(out, "ember: going back needs a replay (-icount rr=replay,rrfile=FILE)\n");
        return false;
    }
    c->at_start = false;
    return begin_scan(c, c->m->cpu->icount);
}

void debugctl_checkpoints(const struct debugctl *c, unsigned *count, uint64_t *bytes,
                          uint64_t *every)
{
    *count = c->ncps;
    *bytes = 0;
    for (unsigned k = 0; k < c->ncps; k++)
        *bytes += checkpoint_own_bytes(c->cps[k]);
    *every = c->checkpoint_every;
}

bool debugctl_at_replay_start(const struct debugctl *c)
{
    return c->at_start;
}
