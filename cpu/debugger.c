/* The CPU side of the debugger; see debugger.h for what it costs the CPU
 * and when a stop takes effect. */
#include "debugger.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "debug.h"
#include "decode.h"
#include "exec.h"
#include "segment.h"

/* ---- Which hooks the CPU must call ---- */

static bool tracing_insns(const struct debugger *d)
{
    return (d->trace & (DBG_TRACE_EXEC | DBG_TRACE_CPU)) && d->ops && d->ops->insn;
}

static void io_watch(void *opaque, uint32_t port, uint32_t value, unsigned size, unsigned flags);

/* Recompute cpu->dbg_hooks and the rest of what the CPU tests from the
 * breakpoints, the steps and the traces. watch_changed: the watched pages
 * changed, so TLB entries made before must go. */
static void update_hooks(struct debugger *d, bool watch_changed)
{
    struct cpu *cpu = d->cpu;
    unsigned t = d->trace;
    bool exec = tracing_insns(d);
    uint8_t h = 0;
    if (d->n_code || d->n_int || (t & DBG_TRACE_MMU) || (exec && d->nfilter) ||
        d->stop.reason != DBG_STOP_NONE)
        h |= DBG_HOOK_BLOCKS;
    if (d->step_left || (exec && !d->nfilter))
        h |= DBG_HOOK_STEPS;
    if (t & DBG_TRACE_IN_ASM)
        h |= DBG_HOOK_BUILD;
    if (t & DBG_TRACE_MMU)
        h |= DBG_HOOK_MMU;
    if (t & (DBG_TRACE_IO | DBG_TRACE_UNIMP))
        h |= DBG_HOOK_MMIO;
    if ((t & DBG_TRACE_INT) || d->n_int || d->step_left)
        h |= DBG_HOOK_INT;
    if (d->muted)
        h = 0;      /* catching up to a place in a replay: full speed */
    cpu->dbg_hooks = h;
    cpu->dbg_hold_irq = d->step_left && !d->step_irqs;
    cpu->single_step_mode = debug_wants_single_steps(cpu);
    cpu->exit_block = true;

    if (cpu->io) {
        bool io = !d->muted && (d->n_io || (t & (DBG_TRACE_IO | DBG_TRACE_PCI | DBG_TRACE_UNIMP)));
        cpu->io->watch = io ? io_watch : NULL;
        cpu->io->watch_opaque = io ? d : NULL;
    }

    uint8_t armed = d->n_watch && !d->muted ? DEBUG_WATCH_ARMED : 0;
    if ((cpu->data_bp_armed & DEBUG_WATCH_ARMED) != armed || (armed && watch_changed)) {
        cpu->data_bp_armed = (uint8_t)((cpu->data_bp_armed & ~DEBUG_WATCH_ARMED) | armed);
        tlb_flush_all(&cpu->tlb);   /* watched pages lose their fast entries */
    }
}

static void recount(struct debugger *d)
{
    d->n_code = d->n_phys = d->n_watch = d->n_io = d->n_int = 0;
    for (unsigned k = 0; k < d->nbp; k++) {
        switch (d->bp[k].kind) {
        case BP_LINEAR: d->n_code++; break;
        case BP_PHYS: d->n_code++; d->n_phys++; break;
        case BP_WATCH: d->n_watch++; break;
        case BP_IO: d->n_io++; break;
        case BP_INT: case BP_EXC: d->n_int++; break;
        }
    }
}

struct debugger *debugger_create(struct cpu *cpu)
{
    struct debugger *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->cpu = cpu;
    cpu->dbg = d;
    update_hooks(d, false);
    return d;
}

void debugger_destroy(struct debugger *d)
{
    if (!d)
        return;
    struct cpu *cpu = d->cpu;
    d->nbp = 0;
    d->trace = 0;
    d->step_left = 0;
    d->stop.reason = DBG_STOP_NONE;
    recount(d);
    update_hooks(d, false);
    cpu->dbg = NULL;
    free(d);
}

/* ---- Breakpoints ---- */

int debugger_add(struct debugger *d, enum dbg_bp_kind kind, uint32_t addr, uint32_t len,
                 unsigned access, enum dbg_owner owner, bool hw)
{
    if (d->nbp >= DBG_MAX_BREAKPOINTS)
        return -1;
    if (kind == BP_WATCH || kind == BP_IO) {
        if (len == 0 || !(access & BP_ACCESS) || (access & ~BP_ACCESS))
            return -1;
        if (kind == BP_IO && (addr > 0xFFFF || len > 0x10000 - addr))
            return -1;
    } else {
        len = 1;
        access = 0;
        if ((kind == BP_INT || kind == BP_EXC) && addr > 255)
            return -1;
    }
    struct dbg_breakpoint *bp = &d->bp[d->nbp++];
    *bp = (struct dbg_breakpoint){
        .id = ++d->next_id, .kind = kind, .owner = owner, .addr = addr, .len = len,
        .access = access, .hw = hw,
    };
    recount(d);
    update_hooks(d, kind == BP_WATCH);
    return bp->id;
}

static void remove_at(struct debugger *d, unsigned k)
{
    bool watch = d->bp[k].kind == BP_WATCH;
    memmove(&d->bp[k], &d->bp[k + 1], (d->nbp - k - 1) * sizeof d->bp[0]);
    d->nbp--;
    recount(d);
    update_hooks(d, watch);
}

bool debugger_remove(struct debugger *d, int id)
{
    for (unsigned k = 0; k < d->nbp; k++)
        if (d->bp[k].id == id) {
            remove_at(d, k);
            return true;
        }
    return false;
}

bool debugger_remove_match(struct debugger *d, enum dbg_bp_kind kind, uint32_t addr,
                           uint32_t len, unsigned access, enum dbg_owner owner)
{
    for (unsigned k = 0; k < d->nbp; k++) {
        const struct dbg_breakpoint *bp = &d->bp[k];
        if (bp->kind != kind || bp->addr != addr || bp->owner != owner)
            continue;
        if ((kind == BP_WATCH || kind == BP_IO) && (bp->len != len || bp->access != access))
            continue;
        remove_at(d, k);
        return true;
    }
    return false;
}

void debugger_remove_owner(struct debugger *d, enum dbg_owner owner)
{
    for (unsigned k = d->nbp; k-- > 0;)
        if (d->bp[k].owner == owner)
            remove_at(d, k);
}

/* ---- Running and stopping ---- */

bool debugger_stopped(const struct debugger *d)
{
    return d->stop.reason != DBG_STOP_NONE;
}

const struct dbg_stop *debugger_stop_info(const struct debugger *d)
{
    return &d->stop;
}

/* Scanning: note a hit that happens before the scan's limit instead of
 * stopping. Where its cause began: before the instruction for a code
 * breakpoint, an I/O access (during the instruction) or an interrupt;
 * one instruction back for a watchpoint (reported after it). */
static void note_scan_hit(struct debugger *d, enum dbg_stop_reason reason)
{
    uint64_t retired = cpu_retired(d->cpu);
    if (retired < d->scan_limit) {
        d->scan_found = true;
        d->scan_stop = d->stop;
        d->scan_stop.reason = reason;
        d->scan_begin = reason == DBG_STOP_WATCH && retired ? retired - 1 : retired;
    }
    memset(&d->stop, 0, sizeof d->stop);
}

/* Record the stop (the caller filled the details in d->stop) and make
 * cpu_run() return at the next instruction boundary. Returns false when
 * scanning, which only notes the hit. */
static bool stop_cpu(struct debugger *d, enum dbg_stop_reason reason)
{
    struct cpu *cpu = d->cpu;
    if (d->scanning) {
        note_scan_hit(d, reason);
        return false;
    }
    d->stop.reason = reason;
    d->stops++;
    d->step_left = 0;
    cpu->stop_request = true;
    cpu->exit_block = true;
    update_hooks(d, false);
    return true;
}

static void begin_stop(struct debugger *d)
{
    memset(&d->stop, 0, sizeof d->stop);
    d->stop.from_cs = d->cpu->seg[CS].sel;
    d->stop.from_eip = d->cpu->eip;
}

void debugger_stop_now(struct debugger *d, enum dbg_stop_reason reason)
{
    if (debugger_stopped(d))
        return;
    begin_stop(d);
    stop_cpu(d, reason);
}

static void resume(struct debugger *d)
{
    struct cpu *cpu = d->cpu;
    memset(&d->stop, 0, sizeof d->stop);
    d->watch_pending = false;
    d->resume_skip = true;
    d->resume_lin = cpu->seg[CS].base + cpu->eip;
    d->resume_icount = cpu->icount;
}

void debugger_continue(struct debugger *d)
{
    resume(d);
    d->step_left = 0;
    update_hooks(d, false);
}

void debugger_step(struct debugger *d, uint64_t n, bool irqs)
{
    resume(d);
    d->step_left = n ? n : 1;
    d->step_irqs = irqs;
    update_hooks(d, false);
}

/* ---- Traces ---- */

void debugger_set_trace(struct debugger *d, unsigned categories,
                        const struct dbg_trace_ops *ops, void *opaque)
{
    d->trace = categories;
    d->ops = ops;
    d->trace_opaque = opaque;
    update_hooks(d, false);
}

int debugger_set_filter(struct debugger *d, const struct dbg_range *ranges, unsigned n)
{
    if (n > DBG_MAX_FILTERS)
        return -1;
    memcpy(d->filter, ranges, n * sizeof *ranges);
    d->nfilter = n;
    update_hooks(d, false);
    return 0;
}

bool debugger_filter_match(const struct debugger *d, uint32_t lin, uint32_t len)
{
    if (!d->nfilter)
        return true;
    uint32_t last = lin + (len ? len - 1 : 0);
    for (unsigned k = 0; k < d->nfilter; k++) {
        const struct dbg_range *r = &d->filter[k];
        if (lin <= r->last && last >= r->start)
            return true;
    }
    return false;
}

static bool unimp_seen(const struct debugger *d, const char *site, uint32_t key)
{
    for (unsigned k = 0; k < d->nunimp; k++) {
        const struct dbg_unimp_seen *e = &d->unimp_seen[k];
        if (e->key == key && (e->site == site || !strcmp(e->site, site)))
            return true;
    }
    return false;
}

void debugger_unimp(struct debugger *d, const char *site, uint32_t key, const char *fmt, ...)
{
    if (!d || !(d->trace & DBG_TRACE_UNIMP) || !d->ops || !d->ops->unimp)
        return;
    if (d->unimp_full || unimp_seen(d, site, key))
        return;
    if (d->nunimp == DBG_MAX_UNIMP_SITES) {
        d->unimp_full = true;
        d->ops->unimp(d->trace_opaque, site, "more kinds of unimplemented use than can be "
                                             "remembered: the rest are not reported");
        return;
    }
    d->unimp_seen[d->nunimp++] = (struct dbg_unimp_seen){ .site = site, .key = key };
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->ops->unimp(d->trace_opaque, site, msg);
}

/* ---- Guest memory without side effects ---- */

/* A 32-bit page-table entry, only from RAM or ROM (a table in MMIO would
 * make a device see reads: none is done). */
static bool peek32(struct phys_mem *mem, uint32_t paddr, uint32_t *v)
{
    const uint8_t *p = phys_host_ptr(mem, paddr, 0);
    if (!p)
        return false;
    memcpy(v, p, 4);
    return true;
}

#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_PS 0x080u

void debugger_walk(const struct cpu *cpu, uint32_t lin, struct dbg_walk *w)
{
    memset(w, 0, sizeof *w);
    uint32_t a20 = cpu->mem->a20_mask;
    if (!(cpu->cr0 & CR0_PG)) {
        w->present = true;
        w->phys = lin & a20;
        w->writable = w->user = true;
        return;
    }
    w->paging = true;
    w->pde_addr = ((cpu->cr3 & 0xFFFFF000u) | ((lin >> 22) << 2)) & a20;
    if (!peek32(cpu->mem, w->pde_addr, &w->pde) || !(w->pde & PTE_P))
        return;
    if ((w->pde & PTE_PS) && (cpu->cr4 & CR4_PSE)) {
        w->large = true;
        w->present = true;
        w->phys = ((w->pde & 0xFFC00000u) | (lin & 0x003FFFFFu)) & a20;
        w->writable = (w->pde & PTE_W) != 0;
        w->user = (w->pde & PTE_U) != 0;
        return;
    }
    w->has_pte = true;
    w->pte_addr = ((w->pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFCu)) & a20;
    if (!peek32(cpu->mem, w->pte_addr, &w->pte) || !(w->pte & PTE_P))
        return;
    w->present = true;
    w->phys = ((w->pte & 0xFFFFF000u) | (lin & 0xFFFu)) & a20;
    w->writable = (w->pde & w->pte & PTE_W) != 0;
    w->user = (w->pde & w->pte & PTE_U) != 0;
}

bool debugger_translate(const struct cpu *cpu, uint32_t lin, uint32_t *phys)
{
    struct dbg_walk w;
    debugger_walk(cpu, lin, &w);
    if (w.present)
        *phys = w.phys;
    return w.present;
}

/* The physical address of addr for a debugger access, and how many bytes
 * from there stay in the same page (and in the request). */
static bool debug_page(const struct cpu *cpu, uint32_t addr, bool physical, size_t left,
                       uint32_t *phys, size_t *chunk)
{
    if (physical)
        *phys = addr;
    else if (!debugger_translate(cpu, addr, phys))
        return false;
    size_t room = 0x1000 - (*phys & 0xFFFu);
    *chunk = room < left ? room : left;
    return true;
}

size_t debugger_read(const struct cpu *cpu, uint32_t addr, void *buf, size_t len,
                     bool physical)
{
    uint8_t *out = buf;
    size_t done = 0;
    while (done < len) {
        uint32_t a = addr + (uint32_t)done, phys;
        size_t chunk;
        if (!debug_page(cpu, a, physical, len - done, &phys, &chunk))
            break;
        const uint8_t *p = phys_host_ptr(cpu->mem, phys, 0);
        if (!p)
            break;
        memcpy(out + done, p, chunk);
        done += chunk;
        if ((uint64_t)a + chunk > 0xFFFFFFFFull)
            break;      /* the top of the address space */
    }
    return done;
}

size_t debugger_write(struct cpu *cpu, uint32_t addr, const void *buf, size_t len,
                      bool physical)
{
    const uint8_t *in = buf;
    size_t done = 0;
    while (done < len) {
        uint32_t a = addr + (uint32_t)done, phys;
        size_t chunk;
        if (!debug_page(cpu, a, physical, len - done, &phys, &chunk))
            break;
        uint8_t *ram = phys_host_ptr(cpu->mem, phys, 1);
        if (ram) {
            phys_code_write(cpu->mem, phys, (uint32_t)chunk);   /* drops decoded code */
            memcpy(ram, in + done, chunk);
        } else {
            const struct phys_region *r = phys_region_of(cpu->mem, phys);
            if (!r || r->kind != PHYS_ROM || !r->host)
                break;  /* MMIO or nothing: no device sees a debugger */
            memcpy(r->host + (phys - r->base), in + done, chunk);
            block_cache_flush(cpu->blocks);     /* ROM code is not tracked per page */
            cpu->exit_block = true;
        }
        done += chunk;
        if ((uint64_t)a + chunk > 0xFFFFFFFFull)
            break;
    }
    return done;
}

bool debugger_load_seg(struct cpu *cpu, int seg, uint16_t sel)
{
    if (cpu->mode != MODE_PROT) {
        seg_load_real(cpu, seg, sel);
        return true;
    }
    if ((sel & ~3u) == 0) {
        if (seg == CS || seg == SS)
            return false;
        seg_load_null(cpu, seg, sel);
        return true;
    }
    const struct segment *table = (sel & 4) ? &cpu->ldtr : NULL;
    uint32_t base = table ? table->base : cpu->gdtr.base;
    uint32_t limit = table ? table->limit : cpu->gdtr.limit;
    uint32_t off = sel & ~7u;
    uint32_t desc[2];
    if (off + 7 > limit || debugger_read(cpu, base + off, desc, 8, false) != 8)
        return false;
    seg_from_desc(&cpu->seg[seg], sel, desc[0], desc[1]);
    if (seg == CS)
        cpu->cpl = sel & 3;
    if (seg == CS || seg == SS)
        cpu_update_mode(cpu);
    return true;
}

/* ---- Hooks called by the CPU ---- */

static bool ranges_meet(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
    return a - b < blen || b - a < alen;
}

bool debugger_block_wants_step(struct cpu *cpu, const struct block *b)
{
    const struct debugger *d = cpu->dbg;
    if (d->stop.reason != DBG_STOP_NONE)
        return true;
    uint32_t lin = cpu->seg[CS].base + cpu->eip;
    for (unsigned k = 0; d->n_code && k < d->nbp; k++) {
        const struct dbg_breakpoint *bp = &d->bp[k];
        if ((bp->kind == BP_LINEAR && bp->addr - lin < b->bytes) ||
            (bp->kind == BP_PHYS && bp->addr - b->phys < b->bytes))
            return true;
    }
    if (d->nfilter && tracing_insns(d) && debugger_filter_match(d, lin, b->bytes))
        return true;
    if (d->trace & DBG_TRACE_MMU) {     /* INVLPG is logged after it runs */
        const struct insn *i = block_insns(cpu->blocks, b);
        for (unsigned k = 0; k < b->n; k++)
            if (i[k].op == OPID_invlpg)
                return true;
    }
    return false;
}

static bool code_breakpoint_at(struct debugger *d, uint32_t lin)
{
    struct cpu *cpu = d->cpu;
    uint32_t phys = 0;
    bool have_phys = d->n_phys && debugger_translate(cpu, lin, &phys);
    for (unsigned k = 0; k < d->nbp; k++) {
        struct dbg_breakpoint *bp = &d->bp[k];
        if ((bp->kind == BP_LINEAR && bp->addr == lin) ||
            (bp->kind == BP_PHYS && have_phys && bp->addr == phys)) {
            bp->hits++;
            begin_stop(d);
            d->stop.bp = *bp;
            d->stop.addr = bp->addr;
            return stop_cpu(d, DBG_STOP_BREAK);
        }
    }
    return false;
}

bool debugger_before_insn(struct cpu *cpu, const struct insn *i)
{
    struct debugger *d = cpu->dbg;
    if (d->stop.reason != DBG_STOP_NONE) {
        cpu->stop_request = true;   /* still stopped: cpu_run() returns at once */
        return true;
    }
    uint32_t lin = cpu->seg[CS].base + cpu->eip;
    if (d->resume_skip && (cpu->icount != d->resume_icount || lin != d->resume_lin))
        d->resume_skip = false;
    if (d->n_code && !d->resume_skip && code_breakpoint_at(d, lin))
        return true;
    if (tracing_insns(d) && debugger_filter_match(d, lin, i->len))
        d->ops->insn(d->trace_opaque, cpu, i, lin);
    return false;
}

void debugger_after_insn(struct cpu *cpu, const struct insn *i)
{
    struct debugger *d = cpu->dbg;
    if ((d->trace & DBG_TRACE_MMU) && i->op == OPID_invlpg && d->ops && d->ops->tlb_flush)
        d->ops->tlb_flush(d->trace_opaque, cpu, "INVLPG", cpu->seg[i->seg].base + ea(cpu, i));
    if (d->step_left && d->stop.reason == DBG_STOP_NONE && --d->step_left == 0) {
        begin_stop(d);
        stop_cpu(d, DBG_STOP_STEP);
    }
}

void debugger_block_built(struct cpu *cpu, uint32_t lin, uint32_t phys, const uint8_t *bytes,
                          unsigned len)
{
    const struct debugger *d = cpu->dbg;
    if ((d->trace & DBG_TRACE_IN_ASM) && d->ops && d->ops->block &&
        debugger_filter_match(d, lin, len))
        d->ops->block(d->trace_opaque, cpu, lin, phys, bytes, len, cpu->code32);
}

static bool int_breakpoint_matches(const struct dbg_breakpoint *bp, int vector,
                                   enum int_source src)
{
    if ((int)bp->addr != vector)
        return false;
    if (bp->kind == BP_INT)     /* INT n, INT3, INTO and hardware interrupts */
        return src == INT_SOFTWARE || src == INT_SOFT_EXC || src == INT_HARDWARE;
    if (bp->kind == BP_EXC)     /* exceptions, INT3/INTO/INT1 included */
        return src == INT_EXCEPTION || src == INT_SOFT_EXC || src == INT_ICEBP;
    return false;
}

void debugger_interrupt(struct cpu *cpu, int vector, enum int_source src, bool has_error,
                        uint32_t error)
{
    struct debugger *d = cpu->dbg;
    if ((d->trace & DBG_TRACE_INT) && d->ops && d->ops->interrupt)
        d->ops->interrupt(d->trace_opaque, cpu, vector, src, has_error, error);
    if (d->stop.reason != DBG_STOP_NONE)
        return;
    for (unsigned k = 0; d->n_int && k < d->nbp; k++) {
        struct dbg_breakpoint *bp = &d->bp[k];
        if (int_breakpoint_matches(bp, vector, src)) {
            bp->hits++;
            begin_stop(d);
            d->stop.bp = *bp;
            d->stop.vector = vector;
            d->stop.source = src;
            d->stop.has_error = has_error;
            d->stop.error = error;
            stop_cpu(d, DBG_STOP_INT);     /* at the handler, once delivered */
            return;
        }
    }
    /* A faulting instruction ends a step too: the step lands on the handler. */
    if (d->step_left && src == INT_EXCEPTION && --d->step_left == 0) {
        begin_stop(d);
        stop_cpu(d, DBG_STOP_STEP);
    }
}

void debugger_page_fault(struct cpu *cpu, uint32_t lin, uint32_t error)
{
    const struct debugger *d = cpu->dbg;
    if ((d->trace & DBG_TRACE_MMU) && d->ops && d->ops->page_fault)
        d->ops->page_fault(d->trace_opaque, cpu, lin, error);
}

void debugger_tlb_flush(struct cpu *cpu, const char *why, uint32_t value)
{
    const struct debugger *d = cpu->dbg;
    if ((d->trace & DBG_TRACE_MMU) && d->ops && d->ops->tlb_flush)
        d->ops->tlb_flush(d->trace_opaque, cpu, why, value);
}

void debugger_mmio(struct cpu *cpu, uint32_t phys, uint32_t value, unsigned size, bool write)
{
    const struct debugger *d = cpu->dbg;
    if (!d->ops || !d->ops->mmio)
        return;
    const struct phys_region *r = write ? phys_write_region_of(cpu->mem, phys)
                                        : phys_region_of(cpu->mem, phys);
    bool unassigned = !r || r->kind == PHYS_UNASSIGNED;
    if (!unassigned && r->kind != PHYS_MMIO)
        return;         /* a ROM write or a write to a page holding code */
    if ((d->trace & DBG_TRACE_IO) || (unassigned && (d->trace & DBG_TRACE_UNIMP)))
        d->ops->mmio(d->trace_opaque, phys, value, size, write, unassigned);
}

static void io_watch(void *opaque, uint32_t port, uint32_t value, unsigned size, unsigned flags)
{
    struct debugger *d = opaque;
    unsigned access = (flags & IO_WATCH_WRITE) ? BP_WRITE : BP_READ;
    for (unsigned k = 0; d->n_io && d->stop.reason == DBG_STOP_NONE && k < d->nbp; k++) {
        struct dbg_breakpoint *bp = &d->bp[k];
        if (bp->kind == BP_IO && (bp->access & access) && ranges_meet(port, size, bp->addr, bp->len)) {
            bp->hits++;
            begin_stop(d);
            d->stop.bp = *bp;
            d->stop.addr = port;
            d->stop.access = access;
            d->stop.value = value;
            d->stop.size = size;
            stop_cpu(d, DBG_STOP_IO);  /* after the instruction */
        }
    }
    if ((d->trace & (DBG_TRACE_IO | DBG_TRACE_PCI | DBG_TRACE_UNIMP)) && d->ops && d->ops->io)
        d->ops->io(d->trace_opaque, port, value, size, flags);
}

bool debugger_page_watched(const struct debugger *d, uint32_t lin)
{
    if (!d)
        return false;
    uint32_t page = lin & ~0xFFFu;
    for (unsigned k = 0; k < d->nbp; k++) {
        const struct dbg_breakpoint *bp = &d->bp[k];
        if (bp->kind != BP_WATCH)
            continue;
        uint32_t first = bp->addr & ~0xFFFu, last = (bp->addr + bp->len - 1) & ~0xFFFu;
        if (first <= last ? (page >= first && page <= last) : (page >= first || page <= last))
            return true;
    }
    return false;
}

void debugger_check_watch(struct cpu *cpu, uint32_t lin, unsigned size, bool write)
{
    struct debugger *d = cpu->dbg;
    if (!d || (cpu->data_bp_hits & DEBUG_WATCH_HIT))
        return;     /* the first hit of an instruction is the one reported */
    unsigned access = write ? BP_WRITE : BP_READ;
    for (unsigned k = 0; k < d->nbp; k++) {
        struct dbg_breakpoint *bp = &d->bp[k];
        if (bp->kind != BP_WATCH || !(bp->access & access) ||
            !ranges_meet(lin, size, bp->addr, bp->len))
            continue;
        bp->hits++;
        memset(&d->watch_hit, 0, sizeof d->watch_hit);
        d->watch_hit.bp = *bp;
        d->watch_hit.addr = lin - bp->addr < bp->len ? lin : bp->addr;
        d->watch_hit.access = access;
        d->watch_hit.size = size;
        d->watch_hit.from_cs = cpu->seg[CS].sel;
        d->watch_hit.from_eip = cpu->eip;
        d->watch_pending = true;
        cpu->data_bp_hits |= DEBUG_WATCH_HIT;
        cpu->exit_block = true;     /* stop right after this instruction */
        return;
    }
}

void debugger_watch_fired(struct cpu *cpu)
{
    struct debugger *d = cpu->dbg;
    if (!d || !d->watch_pending)
        return;
    d->watch_pending = false;
    if (d->stop.reason != DBG_STOP_NONE && d->stop.reason != DBG_STOP_STEP)
        return;     /* a step that hit a watchpoint reports the watchpoint */
    d->stop = d->watch_hit;
    stop_cpu(d, DBG_STOP_WATCH);
}

/* ---- Going to a place in a replay ---- */

void debugger_attach(struct debugger *d, struct cpu *cpu)
{
    d->cpu = cpu;
    cpu->dbg = d;
    update_hooks(d, true);
}

void debugger_set_muted(struct debugger *d, bool muted)
{
    if (muted == d->muted)
        return;
    d->muted = muted;
    if (muted) {
        d->muted_trace = d->trace;
        d->trace = 0;
        d->step_left = 0;
        memset(&d->stop, 0, sizeof d->stop);
        d->watch_pending = false;
    } else {
        d->trace = d->muted_trace;
    }
    update_hooks(d, true);
}

void debugger_set_scanning(struct debugger *d, bool scanning, uint64_t limit)
{
    if (scanning == d->scanning)
        return;
    d->scanning = scanning;
    if (scanning) {
        d->scan_limit = limit;
        d->scan_found = false;
        d->scan_trace = d->trace;
        d->trace = 0;
        d->step_left = 0;
        memset(&d->stop, 0, sizeof d->stop);
        d->watch_pending = false;
        for (unsigned k = 0; k < d->nbp; k++)
            d->scan_hits[k] = d->bp[k].hits;
    } else {
        d->trace = d->scan_trace;
        for (unsigned k = 0; k < d->nbp; k++)
            d->bp[k].hits = d->scan_hits[k];    /* the scan's hits are not real */
    }
    update_hooks(d, false);
}

void debugger_run_live(struct debugger *d)
{
    memset(&d->stop, 0, sizeof d->stop);
    d->watch_pending = false;
    d->resume_skip = false;
    d->step_left = 0;
    update_hooks(d, false);
}
