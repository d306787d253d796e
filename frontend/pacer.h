/* The host's clock for the frontend, and -icount sleep=on: a halted
 * guest's time passes as the host's does.
 *
 * ember's virtual clock counts instructions, and while the CPU is halted
 * it jumps straight to the next timer, so an idle guest's time runs far
 * ahead of the wall clock (a 30-second login timeout passes in a blink).
 * With sleep=on (QEMU's name) the machine asks the pacer instead
 * (machine_config.idle_wait): from the moment the CPU halts, virtual
 * time advances as fast as host time does, in waits of at most 10 ms so
 * the window and gdb stay alive. Time spent running instructions is not
 * paced: a busy guest goes as fast as the interpreter. Only host timing
 * changes, so runs stay deterministic and recordings replay the same. */
#ifndef EMBER_FRONTEND_PACER_H
#define EMBER_FRONTEND_PACER_H

#include <stdbool.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t host_ns(void);

struct pacer {
    bool idling;                /* in a stretch of halted time */
    uint64_t anchor_virtual;    /* where the stretch began, virtual ns */
    uint64_t anchor_host;       /* ... and host ns */
    uint64_t reached;           /* virtual ns last handed out */
};

/* machine_config.idle_wait with opaque = a struct pacer (zeroed). */
uint64_t pacer_idle(void *opaque, uint64_t now_ns, uint64_t deadline_ns);

#endif
