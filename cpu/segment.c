/* Segment registers: descriptor fetch, the checks of a data/stack segment
 * load (SDM vol. 2 MOV, POP, LDS; vol. 3 5.4-5.7), and the cached limits
 * and rights that every memory access tests. */
#include "segment.h"

#include "mem.h"

void seg_update_cache(struct segment *s)
{
    if (!(s->ar & AR_P)) {
        s->ok = 0;
        s->lo = 1;
        s->hi = 0;
        return;
    }
    bool code = (s->ar & AR_S) && (s->ar & AR_CODE);
    if (!(s->ar & AR_S))
        s->ok = SEG_OK_READ | SEG_OK_WRITE;   /* system segments: raw view */
    else if (code)
        s->ok = (s->ar & AR_R) ? SEG_OK_READ : 0;
    else
        s->ok = SEG_OK_READ | ((s->ar & AR_W) ? SEG_OK_WRITE : 0);
    if ((s->ar & AR_S) && !code && (s->ar & AR_E)) {
        s->lo = s->limit + 1;
        s->hi = (s->ar & AR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
        if (s->limit == s->hi)   /* expand-down with the top limit: empty */
            s->ok = 0;
    } else {
        s->lo = 0;
        s->hi = s->limit;
    }
}

/* A segment register in real mode or V86 mode (SDM vol. 3 20.1.1). In real
 * mode only the selector and base change (limits stay, "unreal mode"); in
 * V86 mode the segment becomes a 64 KiB read/write data segment at DPL 3. */
void seg_load_real(struct cpu *cpu, int seg, uint16_t sel)
{
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu->mode == MODE_V86) {
        s->limit = 0xFFFF;
        s->ar = AR_P | AR_S | AR_W | AR_A | AR_DPL;
        if (seg == CS)
            s->ar |= AR_CODE;
    } else if (seg == CS) {
        /* Real-mode CS stays writable through overrides. */
        s->ar = (s->ar & (AR_DB | AR_G)) | AR_P | AR_S | AR_W | AR_A;
    } else if (!(s->ar & AR_P) || !(s->ar & AR_S)) {
        s->ar = AR_P | AR_S | AR_W | AR_A;
    }
    seg_update_cache(s);
    if (seg == CS || seg == SS)
        cpu_update_mode(cpu);
}

uint32_t desc_base(uint32_t lo, uint32_t hi)
{
    return (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
}

uint32_t desc_limit(uint32_t lo, uint32_t hi)
{
    uint32_t limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
    if (hi & (AR_G << 8))
        limit = (limit << 12) | 0xFFF;
    return limit;
}

void seg_from_desc(struct segment *s, uint16_t sel, uint32_t lo, uint32_t hi)
{
    s->sel = sel;
    s->base = desc_base(lo, hi);
    s->limit = desc_limit(lo, hi);
    s->ar = (hi >> 8) & 0xF0FFu;
    seg_update_cache(s);
}

bool desc_fetch(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    uint32_t base, limit;
    if (sel & 4) {
        if (!(cpu->ldtr.ar & AR_P) || (cpu->ldtr.sel & ~3u) == 0)
            return false;
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    uint32_t off = sel & ~7u;
    if (off + 7 > limit)
        return false;
    *lo = sys_read32(cpu, base + off);
    *hi = sys_read32(cpu, base + off + 4);
    return true;
}

void desc_fetch_or_fault(struct cpu *cpu, uint16_t sel, uint32_t *lo, uint32_t *hi,
                         int vector)
{
    if (!desc_fetch(cpu, sel, lo, hi))
        cpu_raise(cpu, vector, sel & 0xFFFC);
}

void desc_set_accessed(struct cpu *cpu, uint16_t sel, uint32_t hi)
{
    if (hi & (AR_A << 8))
        return;
    uint32_t base = (sel & 4) ? cpu->ldtr.base : cpu->gdtr.base;
    sys_write32(cpu, base + (sel & ~7u) + 4, hi | (AR_A << 8));
}

void seg_load_null(struct cpu *cpu, int seg, uint16_t sel)
{
    struct segment *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = 0;
    s->limit = 0;
    s->ar = 0;   /* not present: every access faults */
    seg_update_cache(s);
}

/* SDM vol. 2 MOV (segment register) protected-mode checks. */
static void load_protected(struct cpu *cpu, int seg, uint16_t sel)
{
    uint32_t lo, hi;
    unsigned rpl = sel & 3, cpl = (unsigned)cpu->cpl;
    if ((sel & ~3u) == 0) {
        if (seg == SS)
            cpu_raise_gp0(cpu);
        seg_load_null(cpu, seg, sel);
        return;
    }
    desc_fetch_or_fault(cpu, sel, &lo, &hi, EXC_GP);
    uint32_t ar = (hi >> 8) & 0xF0FFu;
    unsigned dpl = (ar & AR_DPL) >> 5;
    bool code = (ar & AR_CODE) != 0;
    if (!(ar & AR_S))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if (seg == SS) {
        if (rpl != cpl || dpl != cpl || code || !(ar & AR_W))
            cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(cpu, EXC_SS, sel & 0xFFFC);
    } else {
        if (code && !(ar & AR_R))
            cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
        if ((!code || !(ar & AR_C)) && (rpl > dpl || cpl > dpl))
            cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(cpu, EXC_NP, sel & 0xFFFC);
    }
    desc_set_accessed(cpu, sel, hi);
    seg_from_desc(&cpu->seg[seg], sel, lo, hi | (AR_A << 8));
    if (seg == SS)
        cpu_update_mode(cpu);
}

void cpu_load_seg(struct cpu *cpu, int seg, uint16_t sel)
{
    if (cpu->mode == MODE_PROT)
        load_protected(cpu, seg, sel);
    else
        seg_load_real(cpu, seg, sel);
}

void cpu_enter_flat32(struct cpu *cpu)
{
    /* Descriptors 0x00CF9B00_0000FFFF (code) and 0x00CF9300_0000FFFF (data). */
    for (int s = 0; s < SEG_COUNT; s++)
        seg_from_desc(&cpu->seg[s], 0x10, 0x0000FFFFu, 0x00CF9300u);
    seg_from_desc(&cpu->seg[CS], 0x08, 0x0000FFFFu, 0x00CF9B00u);
    cpu->cpl = 0;
    cpu_set_cr0(cpu, cpu->cr0 | CR0_PE);
}
