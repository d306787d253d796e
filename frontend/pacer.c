/* The host's clock and -icount sleep=on; see pacer.h. */
#include "pacer.h"

#include <time.h>

/* The longest single wait: the window and gdb are looked at in between. */
#define MAX_WAIT_NS 10000000ull

uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
    nanosleep(&ts, NULL);
}

uint64_t pacer_idle(void *opaque, uint64_t now_ns, uint64_t deadline_ns)
{
    struct pacer *p = opaque;
    uint64_t host = host_ns();
    if (!p->idling || now_ns != p->reached) {   /* the CPU ran since: a new stretch */
        p->idling = true;
        p->anchor_virtual = now_ns;
        p->anchor_host = host;
    }
    uint64_t reached = p->anchor_virtual + (host - p->anchor_host);
    if (reached < deadline_ns) {
        uint64_t wait = deadline_ns - reached;
        sleep_ns(wait < MAX_WAIT_NS ? wait : MAX_WAIT_NS);
        reached = p->anchor_virtual + (host_ns() - p->anchor_host);
    }
    p->reached = reached < deadline_ns ? reached : deadline_ns;
    return p->reached;
}
