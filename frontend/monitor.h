/* The monitor: QEMU-style commands for looking at and driving the machine
 * (`help` lists them). It reads standard input with -monitor stdio (or
 * once the SDL window's Ctrl+Alt+2 opens it), between CPU slices while the
 * guest runs and blocking while it is stopped; gdb reaches the same
 * commands through "monitor CMD" (qRcmd), less those that run the guest.
 *
 * Addresses are expressions: numbers (0x.. hex, else decimal), registers
 * ($eax, $eip, $cr3, ...; $pc is the linear address of CS:EIP), + and -. */
#ifndef EMBER_FRONTEND_MONITOR_H
#define EMBER_FRONTEND_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

struct machine;
struct debugctl;
struct disasm;
struct trace;
struct monitor;

/* in_fd: where commands come from (-1: none yet, only qRcmd). out: where
 * answers go. NULL without memory. */
struct monitor *monitor_create(struct debugctl *ctl, struct machine *m, struct disasm *dis,
                               struct trace *trace, int in_fd, FILE *out);
void monitor_destroy(struct monitor *mon);

/* The descriptor to poll for commands, or -1 (none, or input ended). */
int monitor_fd(const struct monitor *mon);
/* Reading commands, or holding some that wait for the next stop. */
bool monitor_active(const struct monitor *mon);
/* Start reading commands from fd now (the SDL window's key). */
void monitor_open(struct monitor *mon, int fd);
/* Input is waiting on monitor_fd(): read it and run the whole lines. */
void monitor_input(struct monitor *mon);
/* The machine stopped (breakpoint, step, ...): say where and why. */
void monitor_stopped(struct monitor *mon);

/* Run one command line, answers to out. from_gdb: refuse the commands
 * that would run or stop the guest behind gdb's back. Returns false for
 * an unknown or malformed command (after saying so on out). */
bool monitor_command(struct monitor *mon, const char *line, FILE *out, bool from_gdb);

#endif
