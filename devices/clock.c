/* The virtual clock and its timer queue; see clock.h. */
#include "clock.h"

#include <stddef.h>

void clock_init(struct clock *c)
{
    c->now = 0;
    c->skipped = 0;
    c->queue = NULL;
    c->live_icount = NULL;
    c->live_opaque = NULL;
    c->earliest_changed = NULL;
}

void clock_sync(struct clock *c, uint64_t icount)
{
    c->now = icount * CLOCK_NS_PER_INSN + c->skipped;
}

void timer_init(struct timer *t, void (*fire)(void *opaque), void *opaque)
{
    t->deadline = 0;
    t->fire = fire;
    t->opaque = opaque;
    t->next = NULL;
    t->armed = false;
}

void timer_cancel(struct clock *c, struct timer *t)
{
    if (!t->armed)
        return;
    for (struct timer **link = &c->queue; *link; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            break;
        }
    }
    t->armed = false;
    t->next = NULL;
}

void timer_arm(struct clock *c, struct timer *t, uint64_t deadline)
{
    timer_cancel(c, t);
    t->deadline = deadline;
    struct timer **link = &c->queue;
    while (*link && (*link)->deadline <= deadline)
        link = &(*link)->next;
    t->next = *link;
    *link = t;
    t->armed = true;
    if (c->queue == t && c->earliest_changed) {
        uint64_t now = clock_now(c);
        c->earliest_changed(c->live_opaque, deadline > now ? deadline - now : 0);
    }
}

uint64_t clock_next_deadline(const struct clock *c)
{
    return c->queue ? c->queue->deadline : UINT64_MAX;
}

void clock_run_timers(struct clock *c)
{
    while (c->queue && c->queue->deadline <= c->now) {
        struct timer *t = c->queue;
        c->queue = t->next;
        t->next = NULL;
        t->armed = false;
        t->fire(t->opaque);
    }
}

void clock_skip_to(struct clock *c, uint64_t ns)
{
    if (ns > c->now) {
        c->skipped += ns - c->now;
        c->now = ns;
    }
}

bool clock_skip_to_next(struct clock *c)
{
    if (!c->queue)
        return false;
    clock_skip_to(c, c->queue->deadline);
    return true;
}
