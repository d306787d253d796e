/* The slow paths of guest memory access: TLB fill (page walk or identity
 * map), MMIO, ROM, accesses that cross a page, alignment checks, and
 * writes to pages holding decoded code. */
#include "mem.h"

#include "debug.h"
#include "debugger.h"

_Noreturn void seg_fault(struct cpu *cpu, int seg)
{
    cpu_raise(cpu, seg == SS ? EXC_SS : EXC_GP, 0);
}

static struct paging_ctx paging_of(const struct cpu *cpu)
{
    struct paging_ctx ctx = {
        .cr3 = cpu->cr3,
        .wp = (cpu->cr0 & CR0_WP) != 0,
        .pse = (cpu->cr4 & CR4_PSE) != 0,
        .pge = (cpu->cr4 & CR4_PGE) != 0,
    };
    return ctx;
}

struct tlb_entry *tlb_fill(struct cpu *cpu, uint32_t lin, unsigned acc, int view)
{
    struct walk_result w = { 0 };
    unsigned user = view == TLB_SUPERVISOR ? 0 : ACC_USER;
    if (cpu->cr0 & CR0_PG) {
        struct paging_ctx ctx = paging_of(cpu);
        uint32_t err = page_walk(cpu->mem, &ctx, lin, (acc & ACC_WRITE) | user, &w);
        if (err) {
            cpu->cr2 = lin;
            if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMU))
                debugger_page_fault(cpu, lin, err & 0xFF);
            cpu_raise(cpu, EXC_PF, err & 0xFF);
        }
    } else {
        w.phys_page = (lin & 0xFFFFF000u) & cpu->mem->a20_mask;
        w.writable = w.dirty = w.user = 1;
    }

    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    uint32_t page = lin & 0xFFFFF000u;
    const struct phys_region *r = phys_region_of(cpu->mem, w.phys_page);
    e->phys = w.phys_page;
    e->global = (uint8_t)w.global;
    e->host = (r && r->host) ? r->host + (w.phys_page - r->base) : NULL;
    e->tag_r = e->tag_x = page | (e->host ? 0 : TLB_SLOW);
    if (unlikely(cpu->data_bp_armed) && debug_page_watched(cpu, lin))
        e->tag_r |= TLB_SLOW;   /* data breakpoints are checked on the slow path */
    /* Fast writes only where reads and writes reach the same RAM. */
    const struct phys_region *wr = phys_write_region_of(cpu->mem, w.phys_page);
    if (!(w.writable && w.dirty))
        e->tag_w = page | TLB_INVALID;
    else if (!e->host || r != wr || r->kind != PHYS_RAM ||
             phys_is_code_page(cpu->mem, w.phys_page) ||
             (cpu->data_bp_armed && debug_page_watched(cpu, lin)))
        e->tag_w = page | TLB_SLOW;
    else
        e->tag_w = page;
    return e;
}

static int fill_view(int view)
{
    return view == TLB_USER_AC ? TLB_USER : view;
}

static void check_alignment(struct cpu *cpu, uint32_t lin, unsigned size, int view)
{
    /* SDM vol. 3 6.15, interrupt 17: CPL 3, CR0.AM, EFLAGS.AC. */
    if (view == TLB_USER_AC && (lin & (size - 1)))
        cpu_raise(cpu, EXC_AC, 0);
}

static uint32_t read_in_page(struct cpu *cpu, uint32_t lin, unsigned size, int view)
{
    if (unlikely(cpu->data_bp_armed))
        debug_check_data(cpu, lin, size, false);
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if ((e->tag_r & ~0xFFFu) != (lin & ~0xFFFu) || (e->tag_r & TLB_INVALID))
        e = tlb_fill(cpu, lin, ACC_READ, view);
    uint32_t off = lin & 0xFFF;
    if (e->host) {
        const uint8_t *p = e->host + off;
        return size == 1 ? p[0] : size == 2 ? ld16(p) : ld32(p);
    }
    uint32_t v = phys_read(cpu->mem, e->phys | off, size);
    if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMIO))
        debugger_mmio(cpu, e->phys | off, v, size, false);
    return v;
}

uint32_t lin_read_slow(struct cpu *cpu, uint32_t lin, unsigned size, int view)
{
    check_alignment(cpu, lin, size, view);
    view = fill_view(view);
    if ((lin & 0xFFF) + size <= 0x1000)
        return read_in_page(cpu, lin, size, view);
    /* Crosses a page: translate both before reading either. */
    tlb_fill(cpu, lin, ACC_READ, view);
    tlb_fill(cpu, (lin | 0xFFFu) + 1, ACC_READ, view);   /* CR2 = start of the second page */
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= read_in_page(cpu, lin + k, 1, view) << (8 * k);
    return v;
}

static void write_in_page(struct cpu *cpu, uint32_t lin, uint32_t value, unsigned size, int view)
{
    if (unlikely(cpu->data_bp_armed))
        debug_check_data(cpu, lin, size, true);
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if ((e->tag_w & ~0xFFFu) != (lin & ~0xFFFu) || (e->tag_w & TLB_INVALID))
        e = tlb_fill(cpu, lin, ACC_WRITE, view);
    uint32_t off = lin & 0xFFF;
    if (e->tag_w & TLB_SLOW) {
        /* MMIO, ROM, or a page with decoded code on it. */
        phys_write(cpu->mem, e->phys | off, value, size);
        if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMIO))
            debugger_mmio(cpu, e->phys | off, value, size, true);
        if (e->host && !phys_is_code_page(cpu->mem, e->phys))
            tlb_fill(cpu, lin, ACC_WRITE, view);
        return;
    }
    uint8_t *p = e->host + off;
    if (size == 1)
        p[0] = (uint8_t)value;
    else if (size == 2)
        st16(p, (uint16_t)value);
    else
        st32(p, value);
}

void lin_write_slow(struct cpu *cpu, uint32_t lin, uint32_t value, unsigned size, int view)
{
    check_alignment(cpu, lin, size, view);
    view = fill_view(view);
    if ((lin & 0xFFF) + size <= 0x1000) {
        write_in_page(cpu, lin, value, size, view);
        return;
    }
    tlb_fill(cpu, lin, ACC_WRITE, view);
    tlb_fill(cpu, (lin | 0xFFFu) + 1, ACC_WRITE, view);
    for (unsigned k = 0; k < size; k++)
        write_in_page(cpu, lin + k, (value >> (8 * k)) & 0xFF, 1, view);
}

unsigned fetch_code(struct cpu *cpu, uint32_t lin, uint8_t *buf, unsigned max)
{
    int view = fill_view(cpu->view);
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if ((e->tag_x & ~0xFFFu) != (lin & ~0xFFFu) || (e->tag_x & TLB_INVALID))
        e = tlb_fill(cpu, lin, ACC_EXEC, view);
    uint32_t off = lin & 0xFFF;
    unsigned n = 0x1000 - off;
    if (n > max)
        n = max;
    if (e->host)
        memcpy(buf, e->host + off, n);
    else
        phys_read_block(cpu->mem, e->phys | off, buf, n);
    return n;
}
