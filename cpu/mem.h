/* Guest memory access from the CPU: segmentation, then the TLB fast path
 * (a tag compare and a host load), else the slow path in mem.c (page walk,
 * MMIO, page-crossing accesses, alignment check, code-page writes).
 *
 * seg_addr() applies the segment's limit and rights (SDM vol. 3 5.3) and
 * raises #GP(0), or #SS(0) for SS, when they are broken. */
#ifndef EMBER_CPU_MEM_H
#define EMBER_CPU_MEM_H

#include <string.h>

#include "cpu.h"
#include "../mmu/paging.h"

_Noreturn void seg_fault(struct cpu *cpu, int seg);

static inline uint32_t seg_addr(struct cpu *cpu, int s, uint32_t off, unsigned size,
                                unsigned need)
{
    const struct segment *sg = &cpu->seg[s];
    if (unlikely((sg->ok & need) != need || off < sg->lo || off > sg->hi ||
                 sg->hi - off < size - 1))
        seg_fault(cpu, s);
    return sg->base + off;
}

static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "ember's memory fast path assumes a little-endian host"
#endif

/* Slow paths (mem.c). view is an enum tlb_view. */
uint32_t lin_read_slow(struct cpu *cpu, uint32_t lin, unsigned size, int view);
void lin_write_slow(struct cpu *cpu, uint32_t lin, uint32_t value, unsigned size, int view);
/* Fill the TLB for an access (raising #PF on failure); returns the entry. */
struct tlb_entry *tlb_fill(struct cpu *cpu, uint32_t lin, unsigned acc, int view);

#define FAST_OK(e, tag, lin, size) \
    ((e)->tag == ((lin) & ~0xFFFu) && ((lin) & 0xFFFu) <= 0x1000u - (size))

static inline uint8_t lin_read8_v(struct cpu *cpu, uint32_t lin, int view)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (likely(FAST_OK(e, tag_r, lin, 1)))
        return e->host[lin & 0xFFF];
    return (uint8_t)lin_read_slow(cpu, lin, 1, view);
}
static inline uint16_t lin_read16_v(struct cpu *cpu, uint32_t lin, int view)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (likely(FAST_OK(e, tag_r, lin, 2)))
        return ld16(e->host + (lin & 0xFFF));
    return (uint16_t)lin_read_slow(cpu, lin, 2, view);
}
static inline uint32_t lin_read32_v(struct cpu *cpu, uint32_t lin, int view)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (likely(FAST_OK(e, tag_r, lin, 4)))
        return ld32(e->host + (lin & 0xFFF));
    return lin_read_slow(cpu, lin, 4, view);
}
static inline void lin_write8_v(struct cpu *cpu, uint32_t lin, uint8_t v, int view)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (likely(FAST_OK(e, tag_w, lin, 1)))
        e->host[lin & 0xFFF] = v;
    else
        lin_write_slow(cpu, lin, v, 1, view);
}
static inline void lin_write16_v(struct cpu *cpu, uint32_t lin, uint16_t v, int view)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (likely(FAST_OK(e, tag_w, lin, 2)))
        st16(e->host + (lin & 0xFFF), v);
    else
        lin_write_slow(cpu, lin, v, 2, view);
}
static inline void lin_write32_v(struct cpu *cpu, uint32_t lin, uint32_t v, int view)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (likely(FAST_OK(e, tag_w, lin, 4)))
        st32(e->host + (lin & 0xFFF), v);
    else
        lin_write_slow(cpu, lin, v, 4, view);
}
/* Make sure a write to [lin, lin+size) will not fault (for read-modify-
 * write instructions, whose write permission is checked before the read):
 * page permission, and alignment when #AC is armed. */
static inline void lin_probe_write(struct cpu *cpu, uint32_t lin, unsigned size)
{
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, cpu->view, lin);
    if (likely(FAST_OK(e, tag_w, lin, size)))
        return;
    if (cpu->view == TLB_USER_AC && (lin & (size - 1)))
        cpu_raise(cpu, EXC_AC, 0);      /* as the access itself would */
    int view = cpu->view == TLB_USER_AC ? TLB_USER : cpu->view;
    tlb_fill(cpu, lin, ACC_WRITE, view);
    if ((lin & 0xFFF) + size > 0x1000)
        tlb_fill(cpu, (lin | 0xFFFu) + 1, ACC_WRITE, view);
}

/* Ordinary accesses, with the current privilege's view. */
#define lin_read8(c, l) lin_read8_v(c, l, (c)->view)
#define lin_read16(c, l) lin_read16_v(c, l, (c)->view)
#define lin_read32(c, l) lin_read32_v(c, l, (c)->view)
#define lin_write8(c, l, v) lin_write8_v(c, l, v, (c)->view)
#define lin_write16(c, l, v) lin_write16_v(c, l, v, (c)->view)
#define lin_write32(c, l, v) lin_write32_v(c, l, v, (c)->view)

/* Supervisor-privileged accesses to system structures (GDT, LDT, IDT,
 * TSS): SDM vol. 3 5.5 "implicit supervisor-mode accesses". */
#define sys_read8(c, l) lin_read8_v(c, l, TLB_SUPERVISOR)
#define sys_read16(c, l) lin_read16_v(c, l, TLB_SUPERVISOR)
#define sys_read32(c, l) lin_read32_v(c, l, TLB_SUPERVISOR)
#define sys_write8(c, l, v) lin_write8_v(c, l, v, TLB_SUPERVISOR)
#define sys_write16(c, l, v) lin_write16_v(c, l, v, TLB_SUPERVISOR)
#define sys_write32(c, l, v) lin_write32_v(c, l, v, TLB_SUPERVISOR)

/* Segment:offset accesses. */
static inline uint8_t read8(struct cpu *cpu, int s, uint32_t off)
{
    return lin_read8(cpu, seg_addr(cpu, s, off, 1, SEG_OK_READ));
}
static inline uint16_t read16(struct cpu *cpu, int s, uint32_t off)
{
    return lin_read16(cpu, seg_addr(cpu, s, off, 2, SEG_OK_READ));
}
static inline uint32_t read32(struct cpu *cpu, int s, uint32_t off)
{
    return lin_read32(cpu, seg_addr(cpu, s, off, 4, SEG_OK_READ));
}
static inline void write8(struct cpu *cpu, int s, uint32_t off, uint8_t v)
{
    lin_write8(cpu, seg_addr(cpu, s, off, 1, SEG_OK_WRITE), v);
}
static inline void write16(struct cpu *cpu, int s, uint32_t off, uint16_t v)
{
    lin_write16(cpu, seg_addr(cpu, s, off, 2, SEG_OK_WRITE), v);
}
static inline void write32(struct cpu *cpu, int s, uint32_t off, uint32_t v)
{
    lin_write32(cpu, seg_addr(cpu, s, off, 4, SEG_OK_WRITE), v);
}

/* Code fetch for the decoder: up to max bytes starting at lin, copied into
 * buf, stopping at the end of the page; returns how many. Raises #PF if
 * the first byte's page is not executable. */
unsigned fetch_code(struct cpu *cpu, uint32_t lin, uint8_t *buf, unsigned max);

#endif
