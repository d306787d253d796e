/* Hardware task switching (SDM vol. 3 7.3, 7.6, table 7-1).
 *
 * The order keeps the rule that a fault before the switch commits leaves
 * the CPU as it was: the outgoing state is written to the old TSS, the new
 * TSS is read whole, the busy bits and back link are written; only then do
 * TR, CR0.TS, CR3, EFLAGS, EIP and the general registers change. The
 * segment registers are then loaded with their selectors but marked
 * unusable, and qualified one by one (LDTR, SS, CS, DS, ES, FS, GS); a
 * failure there is a fault in the new task's context (SDM vol. 3 7.3
 * step 12 and the note after table 7-1).
 *
 * 16-bit TSS (SDM vol. 3 7.6): no CR3, FS, GS, T bit or I/O map. Loading
 * one sets the upper halves of the general registers to FFFFh (the SDM
 * leaves them unspecified; Bochs does the same), clears the upper half of
 * EFLAGS and EIP, and makes FS and GS null. */
#include "task.h"

#include "debug.h"
#include "mem.h"
#include "segment.h"

#define TSS32_MIN_LIMIT 0x67u
#define TSS16_MIN_LIMIT 0x2Bu
#define DESC_BUSY (2u << 8)         /* the busy bit of a TSS descriptor's type, in hi */
#define DR7_LOCAL_ENABLES 0x155u    /* L0-L3 and LE: cleared by a task switch (SDM vol. 3 17.2.4) */

/* The registers a TSS holds (offsets: SDM vol. 3 figures 7-2 and 7-10). */
struct tss_state {
    uint32_t cr3, eip, eflags;
    uint32_t reg[8];
    uint16_t sreg[SEG_COUNT];
    uint16_t ldt;
    bool trap;
};

static bool tss_is_32(uint32_t ar) { return (ar & AR_TYPE) >= SYS_TSS32_AVAIL; }
static uint32_t ar_of(uint32_t hi) { return (hi >> 8) & 0xF0FFu; }
static unsigned dpl_of(uint32_t ar) { return (ar & AR_DPL) >> 5; }
static uint32_t sel_error(uint16_t sel, uint32_t ext) { return (sel & 0xFFFCu) | ext; }

static void read_tss32(struct cpu *cpu, uint32_t base, struct tss_state *t)
{
    t->cr3 = sys_read32(cpu, base + 0x1C);
    t->eip = sys_read32(cpu, base + 0x20);
    t->eflags = sys_read32(cpu, base + 0x24);
    for (int r = 0; r < 8; r++)
        t->reg[r] = sys_read32(cpu, base + 0x28 + 4 * (uint32_t)r);
    for (int s = 0; s < SEG_COUNT; s++)     /* ES CS SS DS FS GS, as enum sreg */
        t->sreg[s] = sys_read16(cpu, base + 0x48 + 4 * (uint32_t)s);
    t->ldt = sys_read16(cpu, base + 0x60);
    t->trap = (sys_read16(cpu, base + 0x64) & 1) != 0;
}

static void read_tss16(struct cpu *cpu, uint32_t base, struct tss_state *t)
{
    t->cr3 = cpu->cr3;
    t->eip = sys_read16(cpu, base + 0x0E);
    t->eflags = sys_read16(cpu, base + 0x10);
    for (int r = 0; r < 8; r++)
        t->reg[r] = 0xFFFF0000u | sys_read16(cpu, base + 0x12 + 2 * (uint32_t)r);
    for (int s = ES; s <= DS; s++)          /* ES CS SS DS */
        t->sreg[s] = sys_read16(cpu, base + 0x22 + 2 * (uint32_t)s);
    t->sreg[FS] = t->sreg[GS] = 0;
    t->ldt = sys_read16(cpu, base + 0x2A);
    t->trap = false;
}

/* The dynamic fields of the outgoing task (SDM vol. 3 7.2.1). */
static void save_outgoing(struct cpu *cpu, uint32_t eflags, uint32_t eip)
{
    uint32_t base = cpu->tr.base;
    if (tss_is_32(cpu->tr.ar)) {
        sys_write32(cpu, base + 0x20, eip);
        sys_write32(cpu, base + 0x24, eflags);
        for (int r = 0; r < 8; r++)
            sys_write32(cpu, base + 0x28 + 4 * (uint32_t)r, cpu->reg[r]);
        for (int s = 0; s < SEG_COUNT; s++)
            sys_write16(cpu, base + 0x48 + 4 * (uint32_t)s, cpu->seg[s].sel);
    } else {
        sys_write16(cpu, base + 0x0E, (uint16_t)eip);
        sys_write16(cpu, base + 0x10, (uint16_t)eflags);
        for (int r = 0; r < 8; r++)
            sys_write16(cpu, base + 0x12 + 2 * (uint32_t)r, (uint16_t)cpu->reg[r]);
        for (int s = ES; s <= DS; s++)
            sys_write16(cpu, base + 0x22 + 2 * (uint32_t)s, cpu->seg[s].sel);
    }
}

static void set_busy(struct cpu *cpu, uint16_t sel, bool busy)
{
    uint32_t at = cpu->gdtr.base + (sel & ~7u) + 4;
    uint32_t hi = sys_read32(cpu, at);
    sys_write32(cpu, at, busy ? hi | DESC_BUSY : hi & ~DESC_BUSY);
}

/* Step 12 of SDM vol. 3 7.3 starts with every segment register holding
 * its new selector over an unusable cache. */
static void load_selectors(struct cpu *cpu, const struct tss_state *t)
{
    for (int s = 0; s < SEG_COUNT; s++) {
        if (cpu->mode == MODE_V86)
            seg_load_real(cpu, s, t->sreg[s]);
        else
            seg_load_null(cpu, s, t->sreg[s]);
    }
    cpu->ldtr.sel = t->ldt;
    cpu->ldtr.base = cpu->ldtr.limit = cpu->ldtr.ar = 0;
    seg_update_cache(&cpu->ldtr);
}

static void commit_registers(struct cpu *cpu, const struct tss_state *t)
{
    cpu_set_eflags(cpu, t->eflags, 0xFFFFFFFFu);
    cpu->eip = cpu->next_eip = t->eip;
    for (int r = 0; r < 8; r++)
        cpu->reg[r] = t->reg[r];
    cpu->cpl = (t->eflags & FL_VM) ? 3 : t->sreg[CS] & 3;
    cpu->dr[7] &= ~DR7_LOCAL_ENABLES;
    debug_update_data_breakpoints(cpu);
    cpu_update_mode(cpu);
    load_selectors(cpu, t);
}

/* Table 7-1: the new task's LDT must be a present LDT descriptor in the
 * GDT; any failure is #TS(LDT selector). A null selector leaves no LDT. */
static void qualify_ldt(struct cpu *cpu, uint16_t sel, uint32_t ext)
{
    uint32_t lo, hi;
    if ((sel & ~3u) == 0)
        return;
    if ((sel & 4) || !desc_fetch(cpu, sel, &lo, &hi))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    uint32_t ar = ar_of(hi);
    if ((ar & AR_S) || (ar & AR_TYPE) != SYS_LDT || !(ar & AR_P))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    seg_from_desc(&cpu->ldtr, sel, lo, hi);
}

static void load_checked(struct cpu *cpu, int seg, uint16_t sel, uint32_t lo, uint32_t hi)
{
    desc_set_accessed(cpu, sel, hi);
    seg_from_desc(&cpu->seg[seg], sel, lo, hi | (AR_A << 8));
}

static void qualify_ss(struct cpu *cpu, uint16_t sel, unsigned cpl, uint32_t ext)
{
    uint32_t lo, hi;
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, EXC_TS, ext);
    if ((sel & 3) != cpl || !desc_fetch(cpu, sel, &lo, &hi))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    uint32_t ar = ar_of(hi);
    bool writable_data = (ar & (AR_S | AR_CODE | AR_W)) == (AR_S | AR_W);
    if (!writable_data || dpl_of(ar) != cpl)
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if (!(ar & AR_P))
        cpu_raise(cpu, EXC_SS, sel_error(sel, ext));
    load_checked(cpu, SS, sel, lo, hi);
}

static void qualify_cs(struct cpu *cpu, uint16_t sel, uint32_t ext)
{
    uint32_t lo, hi;
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, EXC_TS, ext);
    if (!desc_fetch(cpu, sel, &lo, &hi))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    uint32_t ar = ar_of(hi);
    unsigned dpl = dpl_of(ar), rpl = sel & 3;
    if ((ar & (AR_S | AR_CODE)) != (AR_S | AR_CODE))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if ((ar & AR_C) ? dpl > rpl : dpl != rpl)
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if (!(ar & AR_P))
        cpu_raise(cpu, EXC_NP, sel_error(sel, ext));
    load_checked(cpu, CS, sel, lo, hi);
}

static void qualify_data(struct cpu *cpu, int seg, uint16_t sel, unsigned cpl, uint32_t ext)
{
    uint32_t lo, hi;
    if ((sel & ~3u) == 0) {
        seg_load_null(cpu, seg, sel);
        return;
    }
    if (!desc_fetch(cpu, sel, &lo, &hi))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    uint32_t ar = ar_of(hi);
    bool code = (ar & AR_CODE) != 0, conforming = code && (ar & AR_C);
    unsigned dpl = dpl_of(ar), rpl = sel & 3;
    if (!(ar & AR_S) || (code && !(ar & AR_R)))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if (!conforming && (dpl < cpl || dpl < rpl))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if (!(ar & AR_P))
        cpu_raise(cpu, EXC_NP, sel_error(sel, ext));
    load_checked(cpu, seg, sel, lo, hi);
}

static void qualify_segments(struct cpu *cpu, const struct tss_state *t, uint32_t ext)
{
    qualify_ldt(cpu, t->ldt, ext);
    if (cpu->mode == MODE_V86)
        return;     /* V86 segments were loaded real-mode style */
    unsigned cpl = (unsigned)cpu->cpl;
    qualify_ss(cpu, t->sreg[SS], cpl, ext);
    qualify_cs(cpu, t->sreg[CS], ext);
    static const int data_segs[] = { DS, ES, FS, GS };
    for (unsigned k = 0; k < sizeof data_segs / sizeof data_segs[0]; k++)
        qualify_data(cpu, data_segs[k], t->sreg[data_segs[k]], cpl, ext);
    cpu_update_mode(cpu);
}

bool task_switch(struct cpu *cpu, uint16_t sel, uint32_t lo, uint32_t hi,
                 enum task_source src, uint32_t ret_eip, uint32_t ext)
{
    uint32_t ar = ar_of(hi), base = desc_base(lo, hi);
    bool new32 = tss_is_32(ar);
    if (desc_limit(lo, hi) < (new32 ? TSS32_MIN_LIMIT : TSS16_MIN_LIMIT))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));

    uint32_t eflags = cpu_get_eflags(cpu);
    if (src == TASK_FROM_IRET)
        eflags &= ~FL_NT;
    save_outgoing(cpu, eflags, ret_eip);
    struct tss_state t;
    if (new32)
        read_tss32(cpu, base, &t);
    else
        read_tss16(cpu, base, &t);
    uint16_t old_tr = cpu->tr.sel;
    if ((src == TASK_FROM_JMP || src == TASK_FROM_IRET) && (old_tr & ~3u) != 0)
        set_busy(cpu, old_tr, false);
    if (src == TASK_FROM_CALL || src == TASK_FROM_INT) {
        sys_write16(cpu, base, old_tr);     /* previous task link */
        t.eflags |= FL_NT;
    }
    if (src != TASK_FROM_IRET)
        set_busy(cpu, sel, true);

    /* Committed: from here faults belong to the new task. */
    seg_from_desc(&cpu->tr, sel, lo, hi | DESC_BUSY);
    cpu_set_cr0(cpu, cpu->cr0 | CR0_TS);
    if (new32 && (cpu->cr0 & CR0_PG))
        cpu_set_cr3(cpu, t.cr3);
    commit_registers(cpu, &t);
    qualify_segments(cpu, &t, ext);
    debug_rf_loaded(cpu);
    return t.trap;
}

void task_switch_done(struct cpu *cpu, bool t_bit, uint32_t ext)
{
    const struct segment *cs = &cpu->seg[CS];
    if (cpu->eip < cs->lo || cpu->eip > cs->hi)
        cpu_raise(cpu, EXC_GP, ext);
    if (t_bit)
        debug_task_switch_trap(cpu);
}
