/* The PC board: which chips a machine has and how they are wired (ports,
 * memory, IRQ lines). machine.c is the generic part; this is the PC. */
#ifndef EMBER_DEVICES_PC_H
#define EMBER_DEVICES_PC_H

struct machine;

/* Create and wire every device of the PC; returns 0, or -1 after printing
 * why (a missing image, no memory). */
int pc_init(struct machine *m);

#endif
