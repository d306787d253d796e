/* Checkpoints of a whole machine; see checkpoint.h. */
#include "checkpoint.h"

#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "machine.h"
#include "replay.h"

#define PAGE 4096u

/* ---- Paged copies: unchanged pages are shared, zero pages are NULL ---- */

struct page {
    unsigned refs;
    uint8_t bytes[PAGE];
};

struct paged {
    struct page **pages;
    size_t npages;
    size_t len;
};

static bool all_zero(const uint8_t *p, size_t n)
{
    return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static void paged_free(struct paged *p)
{
    for (size_t k = 0; k < p->npages; k++)
        if (p->pages[k] && --p->pages[k]->refs == 0)
            free(p->pages[k]);
    free(p->pages);
    p->pages = NULL;
    p->npages = 0;
}

/* Copy len bytes of data, sharing the pages of prev (same len) that are
 * equal. Returns false when out of memory; own counts the new bytes. */
static bool paged_take(struct paged *out, const uint8_t *data, size_t len,
                       const struct paged *prev, uint64_t *own)
{
    out->len = len;
    out->npages = (len + PAGE - 1) / PAGE;
    out->pages = calloc(out->npages ? out->npages : 1, sizeof *out->pages);
    if (!out->pages)
        return false;
    bool share = prev && prev->len == len;
    for (size_t k = 0; k < out->npages; k++) {
        const uint8_t *src = data + k * PAGE;
        size_t n = len - k * PAGE < PAGE ? len - k * PAGE : PAGE;
        struct page *old = share ? prev->pages[k] : NULL;
        if (all_zero(src, n))
            continue;
        if (old && memcmp(old->bytes, src, n) == 0) {
            old->refs++;
            out->pages[k] = old;
            continue;
        }
        struct page *pg = malloc(sizeof *pg);
        if (!pg) {
            paged_free(out);
            return false;
        }
        pg->refs = 1;
        memcpy(pg->bytes, src, n);
        out->pages[k] = pg;
        *own += PAGE;
    }
    return true;
}

static void paged_restore(const struct paged *p, uint8_t *data)
{
    for (size_t k = 0; k < p->npages; k++) {
        size_t n = p->len - k * PAGE < PAGE ? p->len - k * PAGE : PAGE;
        if (p->pages[k])
            memcpy(data + k * PAGE, p->pages[k]->bytes, n);
        else
            memset(data + k * PAGE, 0, n);
    }
}

/* ---- The checkpoint ---- */

struct armed_timer {
    struct timer *timer;
    uint64_t deadline;
};

struct checkpoint {
    uint64_t icount;
    uint64_t own_bytes;
    struct cpu cpu;
    struct paged ram;
    struct paged devices;
    uint32_t a20_mask;
    uint64_t clock_now, clock_skipped;
    struct armed_timer *timers;     /* the queue, in order */
    unsigned ntimers;
    /* The machine's own fields. */
    int exit_code;
    unsigned resets;
    bool poweroff_requested;
    bool exit_requested;
    int debug_exit_code;
    uint8_t port92;
    /* The replay's place in its recording. */
    size_t next_input, next_serial;
    bool replay_ended;
};

bool checkpoint_possible(const struct machine *m)
{
    for (unsigned k = 0; k < IDE_DRIVES; k++) {
        const struct drive_config *d = &m->cfg.ide[k];
        if (d->path && d->media != MEDIA_CDROM && !d->readonly)
            return false;   /* a writable disk: its overlay is not in a checkpoint */
    }
    for (unsigned k = 0; k < FLOPPY_DRIVES; k++) {
        const struct drive_config *d = &m->cfg.floppy[k];
        if (d->path && !d->readonly)
            return false;
    }
    return true;
}

static bool take_timers(struct checkpoint *cp, const struct clock *c)
{
    for (const struct timer *t = c->queue; t; t = t->next)
        cp->ntimers++;
    cp->timers = calloc(cp->ntimers ? cp->ntimers : 1, sizeof *cp->timers);
    if (!cp->timers)
        return false;
    unsigned k = 0;
    for (struct timer *t = c->queue; t; t = t->next)
        cp->timers[k++] = (struct armed_timer){ t, t->deadline };
    return true;
}

static bool take_devices(struct checkpoint *cp, struct machine *m, const struct checkpoint *prev)
{
    size_t len = devices_save(&m->devices, NULL, 0);
    uint8_t *image = malloc(len ? len : 1);
    if (!image)
        return false;
    devices_save(&m->devices, image, len);
    bool ok = paged_take(&cp->devices, image, len, prev ? &prev->devices : NULL, &cp->own_bytes);
    free(image);
    return ok;
}

struct checkpoint *checkpoint_take(struct machine *m, const struct checkpoint *prev)
{
    struct checkpoint *cp = calloc(1, sizeof *cp);
    if (!cp)
        return NULL;
    clock_sync(&m->clock, m->cpu->icount);
    cp->icount = m->cpu->icount;
    memcpy(&cp->cpu, m->cpu, sizeof cp->cpu);
    cp->own_bytes = sizeof *cp;
    if (!paged_take(&cp->ram, m->mem->ram, m->mem->ram_size, prev ? &prev->ram : NULL,
                    &cp->own_bytes) ||
        !take_devices(cp, m, prev) || !take_timers(cp, &m->clock)) {
        checkpoint_free(cp);
        return NULL;
    }
    cp->a20_mask = m->mem->a20_mask;
    cp->clock_now = m->clock.now;
    cp->clock_skipped = m->clock.skipped;
    cp->exit_code = m->exit_code;
    cp->resets = m->resets;
    cp->poweroff_requested = m->poweroff_requested;
    cp->exit_requested = m->debug.exit_requested;
    cp->debug_exit_code = m->debug.exit_code;
    cp->port92 = m->port92.value;
    if (m->cfg.replay) {
        cp->next_input = m->cfg.replay->next_input;
        cp->next_serial = m->cfg.replay->next_serial;
        cp->replay_ended = m->cfg.replay->ended;
    }
    return cp;
}

/* The guest's CPU state comes back. The pointers in the copy are this
 * CPU's own (its memory, ports, caches: the same objects); what the
 * debugger set since, and the run's bookkeeping, stay as they are now. */
static void restore_cpu(struct cpu *live, const struct cpu *saved)
{
    struct debugger *dbg = live->dbg;
    uint8_t dbg_hooks = live->dbg_hooks;
    bool dbg_hold_irq = live->dbg_hold_irq;
    bool stop_request = live->stop_request;
    uint64_t icount_limit = live->icount_limit;
    memcpy(live, saved, sizeof *live);
    live->dbg = dbg;
    live->dbg_hooks = dbg_hooks;
    live->dbg_hold_irq = dbg_hold_irq;
    live->stop_request = stop_request;
    live->icount_limit = icount_limit;
    live->cur_insn = live->block_first = NULL;
    tlb_flush_all(&live->tlb);
    block_cache_flush(live->blocks);    /* RAM changed under the code tracking */
    cpu_update_mode(live);
}

static void clear_timers(struct clock *c)
{
    while (c->queue)
        timer_cancel(c, c->queue);
}

bool checkpoint_restore(struct machine *m, const struct checkpoint *cp)
{
    uint8_t *image = malloc(cp->devices.len ? cp->devices.len : 1);
    if (!image)
        return false;
    restore_cpu(m->cpu, &cp->cpu);
    paged_restore(&cp->ram, m->mem->ram);
    m->mem->a20_mask = cp->a20_mask;
    clear_timers(&m->clock);
    m->clock.now = cp->clock_now;
    m->clock.skipped = cp->clock_skipped;
    paged_restore(&cp->devices, image);
    devices_load(&m->devices, image, cp->devices.len);     /* the post_load hooks run */
    free(image);
    /* The timers exactly as they were (post_load re-arms only those it
     * knows of, and may not order ties the same way). */
    clear_timers(&m->clock);
    for (unsigned k = 0; k < cp->ntimers; k++)
        timer_arm(&m->clock, cp->timers[k].timer, cp->timers[k].deadline);
    m->status = MACHINE_RUNNING;
    m->exit_code = cp->exit_code;
    m->resets = cp->resets;
    m->poweroff_requested = cp->poweroff_requested;
    m->debug.exit_requested = cp->exit_requested;
    m->debug.exit_code = cp->debug_exit_code;
    m->port92.value = cp->port92;
    if (m->cfg.replay) {
        m->cfg.replay->next_input = cp->next_input;
        m->cfg.replay->next_serial = cp->next_serial;
        m->cfg.replay->ended = cp->replay_ended;
        m->cfg.replay->diverged = false;
    }
    tlb_flush_all(&m->cpu->tlb);        /* the memory map may have moved (PAM, BARs) */
    return true;
}

uint64_t checkpoint_icount(const struct checkpoint *cp)
{
    return cp->icount;
}

uint64_t checkpoint_own_bytes(const struct checkpoint *cp)
{
    return cp->own_bytes;
}

void checkpoint_free(struct checkpoint *cp)
{
    if (!cp)
        return;
    paged_free(&cp->ram);
    paged_free(&cp->devices);
    free(cp->timers);
    free(cp);
}
