/* The one virtual clock. Guest time advances with executed instructions
 * (CLOCK_NS_PER_INSN each), so every timer the guest can read (PIT, RTC,
 * TSC, APIC timer, ACPI PM timer) comes from one source and a run with the
 * same inputs repeats exactly. While the CPU is halted the clock jumps to
 * the next deadline. Timers sit in a list ordered by deadline; the machine
 * runs the CPU until the earliest one and then fires what is due. */
#ifndef EMBER_DEVICES_CLOCK_H
#define EMBER_DEVICES_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* The nominal speed of the virtual CPU: 1 instruction per nanosecond
 * (a 1 GHz P6 retiring one instruction per clock; the TSC counts at 1 GHz). */
#define CLOCK_NS_PER_INSN 1
#define NS_PER_SEC 1000000000ull

struct timer {
    uint64_t deadline;          /* virtual ns */
    void (*fire)(void *opaque);
    void *opaque;
    struct timer *next;
    bool armed;
};

struct clock {
    uint64_t now;               /* virtual ns at the last sync */
    uint64_t skipped;           /* ns added while halted (not by insns) */
    struct timer *queue;        /* armed timers, earliest first */
    /* The CPU's instructions retired so far, counted up to the running
     * instruction (set by the machine; NULL in tests that drive the clock
     * by hand). */
    uint64_t (*live_icount)(void *opaque);
    void *live_opaque;
    /* A timer became the earliest, due in ns from now: the machine ends the
     * running CPU slice by then, so a timer armed mid-slice is not late. */
    void (*earliest_changed)(void *opaque, uint64_t ns);
};

void clock_init(struct clock *c);
/* Bring now up to date with the CPU's instruction count. */
void clock_sync(struct clock *c, uint64_t icount);
static inline uint64_t clock_ns(const struct clock *c) { return c->now; }
/* The time now, in the middle of a CPU slice too: for registers the guest
 * polls in a loop (the ACPI PM timer, PIT counters). */
static inline uint64_t clock_now(struct clock *c)
{
    if (c->live_icount)
        clock_sync(c, c->live_icount(c->live_opaque));
    return c->now;
}

void timer_init(struct timer *t, void (*fire)(void *opaque), void *opaque);
/* Arm (or re-arm) t to fire at the absolute virtual time deadline. */
void timer_arm(struct clock *c, struct timer *t, uint64_t deadline);
void timer_cancel(struct clock *c, struct timer *t);
/* The earliest armed deadline, or UINT64_MAX. */
uint64_t clock_next_deadline(const struct clock *c);
/* Fire every timer whose deadline has passed (callbacks may re-arm). */
void clock_run_timers(struct clock *c);
/* The CPU is halted: jump to the next deadline. Returns false if none. */
bool clock_skip_to_next(struct clock *c);
/* The CPU is halted: move on to ns (no further than the next deadline;
 * an earlier time than now changes nothing). */
void clock_skip_to(struct clock *c, uint64_t ns);

#endif
