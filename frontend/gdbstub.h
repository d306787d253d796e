/* The GDB remote serial protocol over TCP (QEMU's -s, -gdb tcp::PORT):
 * one gdb at a time, one thread, i386 registers described by target.xml
 * (general, segment, EFLAGS, x87, and the control registers in a feature
 * of ember's own), memory through the guest's current paging, software
 * and hardware breakpoints (both kept by the debugger: guest memory is
 * never patched), write/read/access watchpoints, step, continue, Ctrl-C,
 * detach and kill, and "monitor CMD" for the monitor's commands
 * (physical memory: "monitor xp/16x 0x1000").
 *
 * The sockets never block the machine: debugctl polls them between CPU
 * slices, and waits on them only while the machine is stopped. */
#ifndef EMBER_FRONTEND_GDBSTUB_H
#define EMBER_FRONTEND_GDBSTUB_H

#include <poll.h>
#include <stdbool.h>

struct debugctl;
struct gdbstub;

/* Listen on spec ("tcp::1234", "tcp:HOST:PORT", "tcp:PORT"; an empty
 * host means 127.0.0.1). NULL after printing why. */
struct gdbstub *gdbstub_create(struct debugctl *ctl, const char *spec);
void gdbstub_destroy(struct gdbstub *g);

/* The descriptor to poll (the listening socket, or gdb's connection). */
void gdbstub_pollfd(const struct gdbstub *g, struct pollfd *p);
/* p came back from poll(): accept gdb, or read and answer its packets. */
void gdbstub_handle(struct gdbstub *g, const struct pollfd *p);
/* Is a gdb connected? */
bool gdbstub_attached(const struct gdbstub *g);
/* The machine stopped: answer gdb's continue or step with the reason. */
void gdbstub_stopped(struct gdbstub *g);
/* The run ended: tell gdb the program exited with status. */
void gdbstub_exited(struct gdbstub *g, int status);

#endif
