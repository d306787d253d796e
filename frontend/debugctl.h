/* The debugger's front end: it ties the GDB stub, the monitor and the
 * traces to the machine loop. machine_run() calls debugctl_poll() between
 * CPU slices (through cfg.frontend_poll); there it looks at the gdb socket
 * and the monitor's input (at most every few milliseconds of host time),
 * and when the debugger has stopped the CPU it waits for gdb or the
 * monitor to say go on, refreshing the window meanwhile. Nothing here
 * runs on another thread. */
#ifndef EMBER_FRONTEND_DEBUGCTL_H
#define EMBER_FRONTEND_DEBUGCTL_H

#include <stdbool.h>
#include <stdint.h>

#include "debugger.h"
#include "machine.h"

struct debugctl;

struct debugctl_config {
    const char *gdb;            /* -gdb tcp::PORT (or -s); NULL: no stub */
    bool start_stopped;         /* -S */
    bool monitor_stdio;         /* -monitor stdio */
    unsigned trace;             /* -d categories, DBG_TRACE_* */
    const char *trace_file;     /* -D FILE; NULL: standard error */
    struct dbg_range filter[DBG_MAX_FILTERS];   /* -dfilter */
    unsigned nfilter;
};

/* Attach the debugger to m's CPU and open what cfg asks for (the gdb
 * socket, the trace file). NULL after printing why. */
struct debugctl *debugctl_create(struct machine *m, const struct debugctl_config *cfg);
void debugctl_destroy(struct debugctl *c);

/* Called while stopped, about every 20 ms of host time (the window). */
void debugctl_set_idle(struct debugctl *c, void (*idle)(void *opaque), void *opaque);
/* Before machine_run(): with -S, wait for gdb or the monitor to start the
 * machine (or to end it: machine_run then returns at once). */
void debugctl_start(struct debugctl *c);
/* Between CPU slices (machine.cfg.frontend_poll). */
void debugctl_poll(struct debugctl *c);
/* machine_run() returned: tell gdb the program exited; flush the traces.
 * Returns true when the machine runs again (a replay went back from
 * its end): call machine_run() again. */
bool debugctl_finish(struct debugctl *c, enum machine_status status, int exit_code);
/* A replay: how to build the machine again as it was at the start (the
 * machine, the kernel, -keys), so it can go back; rebuild returns -1
 * after printing why. checkpoint_every: take a checkpoint (checkpoint.h)
 * each time that many instructions have run, so that going back starts
 * from the last one before the target; 0: always start over. */
void debugctl_set_rebuild(struct debugctl *c, int (*rebuild)(void *opaque), void *opaque,
                          uint64_t checkpoint_every);
/* The SDL window's monitor key: read monitor commands from the terminal
 * from now on, if standard input is free. */
void debugctl_open_monitor(struct debugctl *c);

/* ---- For the GDB stub and the monitor ---- */

struct debugger *debugctl_debugger(const struct debugctl *c);
struct machine *debugctl_machine(const struct debugctl *c);
/* Run on, or run n instructions then stop. */
void debugctl_continue(struct debugctl *c);
void debugctl_step(struct debugctl *c, uint64_t n);
/* Stop at the next boundary (the machine is between slices now). */
void debugctl_stop(struct debugctl *c);
/* End the run now, as a power-off would (status 0). */
void debugctl_quit(struct debugctl *c);
/* quit (or gdb's kill) was asked for. */
bool debugctl_quitting(const struct debugctl *c);
/* gdb went away (detach, kill or a dropped connection). */
void debugctl_gdb_gone(struct debugctl *c);
/* ---- Moving in a replay ---- */

/* Is this a replay, which can go back? */
bool debugctl_replaying(const struct debugctl *c);
/* Go to instruction count target and stop there: forward by running on
 * (in any run), back by starting the replay over and running to it with
 * the debugger muted. false (and why on out) when it cannot. */
bool debugctl_seek(struct debugctl *c, uint64_t target, FILE *out);
/* Go back n instructions (reverse-stepi). */
bool debugctl_reverse_step(struct debugctl *c, uint64_t n, FILE *out);
/* Go back to the last breakpoint or watchpoint hit before here, or to
 * the start of the replay when there is none (reverse-continue). */
bool debugctl_reverse_continue(struct debugctl *c, FILE *out);
/* The replay's checkpoints: how many, the memory they hold, and the
 * interval (0: none are taken). */
void debugctl_checkpoints(const struct debugctl *c, unsigned *count, uint64_t *bytes,
                          uint64_t *every);
/* The last reverse-continue found no hit and stopped at the start. */
bool debugctl_at_replay_start(const struct debugctl *c);

/* Run a monitor command for gdb's "monitor" (qRcmd). */
bool debugctl_monitor_command(struct debugctl *c, const char *line, FILE *out);

#endif
