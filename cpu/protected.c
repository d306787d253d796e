/* Protected-mode and virtual-8086-mode control transfers, after the
 * pseudo-code of SDM vol. 2 (JMP, CALL, RET, IRET, INT n) and SDM vol. 3
 * chapters 5 (privilege checks), 6 (interrupt delivery), 7 (tasks) and 20
 * (virtual-8086 mode).
 *
 * Every transfer runs in three phases so that a fault leaves the CPU as it
 * was (cpu_run restores only EIP): check (descriptors, privilege, limits,
 * room on the stack: raises #GP/#NP/#SS/#TS), write (the new stack frame,
 * accessed bits: may raise #PF, touching only memory), commit (segment
 * registers, ESP, CPL, EFLAGS, EIP). A frame is built in a struct frame
 * that checks each push against the stack segment's limits before anything
 * is written.
 *
 * Error codes (SDM vol. 3 6.13): a selector error is the selector with its
 * RPL bits replaced by EXT, which is 1 while delivering an event external
 * to the program (a hardware interrupt, an exception, INT1) and 0 for
 * instructions and for INT n, INT3, INTO. An IDT error is vector * 8 + 2
 * + EXT. */
#include "protected.h"

#include "debug.h"
#include "exec.h"
#include "segment.h"
#include "task.h"

/* ------------------------------------------------------------------------
 * Descriptors */

struct desc {
    uint16_t sel;
    uint32_t lo, hi;
    uint32_t ar;        /* access rights, AR_* */
};

static uint32_t ar_of(uint32_t hi) { return (hi >> 8) & 0xF0FFu; }
static unsigned dpl_of(uint32_t ar) { return (ar & AR_DPL) >> 5; }
static bool is_present(uint32_t ar) { return (ar & AR_P) != 0; }
static bool is_code(uint32_t ar) { return (ar & (AR_S | AR_CODE)) == (AR_S | AR_CODE); }
static bool is_conforming(uint32_t ar) { return is_code(ar) && (ar & AR_C); }
static bool is_writable_data(uint32_t ar)
{
    return (ar & (AR_S | AR_CODE | AR_W)) == (AR_S | AR_W);
}
/* The type of a system descriptor; 0 (a reserved type) for code/data. */
static unsigned sys_type(uint32_t ar) { return (ar & AR_S) ? 0 : ar & AR_TYPE; }
static uint32_t sel_error(uint16_t sel, uint32_t ext) { return (sel & 0xFFFCu) | ext; }
static uint32_t limit_of(const struct desc *d) { return desc_limit(d->lo, d->hi); }

static bool read_desc(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    d->sel = sel;
    if (!desc_fetch(cpu, sel, &d->lo, &d->hi))
        return false;
    d->ar = ar_of(d->hi);
    return true;
}

/* Gates (SDM vol. 3 figure 5-8 and 6-2). */
static uint16_t gate_selector(const struct desc *g) { return (uint16_t)(g->lo >> 16); }
static bool gate_is_32(const struct desc *g) { return (g->ar & 8) != 0; }
static unsigned gate_size(const struct desc *g) { return gate_is_32(g) ? 4 : 2; }
static uint32_t gate_offset(const struct desc *g)
{
    return gate_is_32(g) ? (g->hi & 0xFFFF0000u) | (g->lo & 0xFFFF) : g->lo & 0xFFFF;
}

/* The descriptor named by a far JMP or CALL operand. */
static void read_target(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(cpu);
    if (!read_desc(cpu, sel, d))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
}

/* The code segment named by a call, interrupt or trap gate. */
static void read_gate_code(struct cpu *cpu, uint16_t sel, uint32_t ext, struct desc *d)
{
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, EXC_GP, ext);
    if (!read_desc(cpu, sel, d))
        cpu_raise(cpu, EXC_GP, sel_error(sel, ext));
}

/* A TSS that a JMP, CALL or interrupt may switch to: in the GDT, available,
 * present (SDM vol. 3 7.2.2: a TSS selector with TI set is #GP). */
static void read_available_tss(struct cpu *cpu, uint16_t sel, uint32_t ext, struct desc *t)
{
    if ((sel & 4) || !read_desc(cpu, sel, t))
        cpu_raise(cpu, EXC_GP, sel_error(sel, ext));
    unsigned type = sys_type(t->ar);
    if (type != SYS_TSS16_AVAIL && type != SYS_TSS32_AVAIL)
        cpu_raise(cpu, EXC_GP, sel_error(sel, ext));
    if (!is_present(t->ar))
        cpu_raise(cpu, EXC_NP, sel_error(sel, ext));
}

/* The stack of an inner privilege level dpl, from the current TSS (SDM
 * vol. 3 7.2.1: SSn:ESPn, or SSn:SPn in a 16-bit TSS). */
static void tss_stack(struct cpu *cpu, unsigned dpl, uint32_t ext, uint16_t *ss, uint32_t *esp)
{
    const struct segment *tr = &cpu->tr;
    if ((tr->ar & AR_TYPE) >= SYS_TSS32_AVAIL) {
        uint32_t at = (dpl << 3) + 4;
        if (at + 5 > tr->limit)
            cpu_raise(cpu, EXC_TS, sel_error(tr->sel, ext));
        *esp = sys_read32(cpu, tr->base + at);
        *ss = sys_read16(cpu, tr->base + at + 4);
    } else {
        uint32_t at = (dpl << 2) + 2;
        if (at + 3 > tr->limit)
            cpu_raise(cpu, EXC_TS, sel_error(tr->sel, ext));
        *esp = sys_read16(cpu, tr->base + at);
        *ss = sys_read16(cpu, tr->base + at + 2);
    }
}

/* The new stack of a privilege change inward to dpl (SDM vol. 2 CALL
 * MORE-PRIVILEGE, INT n INTER-PRIVILEGE-LEVEL-INTERRUPT). */
static void read_inner_stack(struct cpu *cpu, uint16_t sel, unsigned dpl, uint32_t ext,
                             struct desc *d)
{
    if ((sel & ~3u) == 0)
        cpu_raise(cpu, EXC_TS, ext);
    if ((sel & 3) != dpl || !read_desc(cpu, sel, d))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if (dpl_of(d->ar) != dpl || !is_writable_data(d->ar))
        cpu_raise(cpu, EXC_TS, sel_error(sel, ext));
    if (!is_present(d->ar))
        cpu_raise(cpu, EXC_SS, sel_error(sel, ext));
}

/* The stack popped by RET or IRET to an outer privilege level rpl. */
static void read_outer_stack(struct cpu *cpu, uint16_t sel, unsigned rpl, struct desc *d)
{
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(cpu);
    if (!read_desc(cpu, sel, d))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if ((sel & 3) != rpl || !is_writable_data(d->ar) || dpl_of(d->ar) != rpl)
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if (!is_present(d->ar))
        cpu_raise(cpu, EXC_SS, sel & 0xFFFC);
}

/* The code segment popped by RET or IRET (SDM vol. 2 RET PROTECTED-MODE). */
static void read_return_cs(struct cpu *cpu, uint16_t sel, struct desc *d)
{
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(cpu);
    if (!read_desc(cpu, sel, d) || !is_code(d->ar))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    unsigned rpl = sel & 3, dpl = dpl_of(d->ar);
    if (rpl < (unsigned)cpu->cpl)
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if (is_conforming(d->ar) ? dpl > rpl : dpl != rpl)
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if (!is_present(d->ar))
        cpu_raise(cpu, EXC_NP, sel & 0xFFFC);
}

/* A far JMP or CALL straight to a code segment: conforming needs DPL <=
 * CPL, non-conforming RPL <= CPL and DPL == CPL; the CPL stays. */
static void check_direct_code(struct cpu *cpu, const struct desc *d)
{
    unsigned cpl = (unsigned)cpu->cpl, dpl = dpl_of(d->ar), rpl = d->sel & 3;
    if (is_conforming(d->ar) ? dpl > cpl : (rpl > cpl || dpl != cpl))
        cpu_raise(cpu, EXC_GP, d->sel & 0xFFFC);
    if (!is_present(d->ar))
        cpu_raise(cpu, EXC_NP, d->sel & 0xFFFC);
}

/* The new EIP, cut to 16 bits for a 16-bit operand or gate, within the
 * new code segment's limit (#GP(ext) otherwise). */
static uint32_t checked_offset(struct cpu *cpu, const struct desc *cs, uint32_t offset,
                               bool o32, uint32_t ext)
{
    if (!o32)
        offset &= 0xFFFF;
    if (offset > limit_of(cs))
        cpu_raise(cpu, EXC_GP, ext);
    return offset;
}

/* ------------------------------------------------------------------------
 * Committing */

static void mark_accessed(struct cpu *cpu, const struct desc *d)
{
    desc_set_accessed(cpu, d->sel, d->hi);
}

/* CS from a checked code descriptor; CS.RPL becomes the CPL. */
static void load_cs(struct cpu *cpu, const struct desc *d, unsigned cpl)
{
    seg_from_desc(&cpu->seg[CS], (uint16_t)((d->sel & ~3u) | cpl), d->lo, d->hi | (AR_A << 8));
    cpu->cpl = (int)cpl;
}

static void load_ss(struct cpu *cpu, const struct desc *d)
{
    seg_from_desc(&cpu->seg[SS], d->sel, d->lo, d->hi | (AR_A << 8));
}

/* ESP after SS changed: with a 16-bit stack segment only SP is written and
 * the upper half of ESP keeps its old value, as on the hardware (the reason
 * for Linux's "espfix"). */
static void set_stack_pointer(struct cpu *cpu, uint32_t esp)
{
    if (cpu->seg[SS].ar & AR_DB)
        cpu->reg[ESP] = esp;
    else
        set_r16(cpu, ESP, (uint16_t)esp);
}

static void jump_to(struct cpu *cpu, uint32_t eip)
{
    cpu->next_eip = eip;
    cpu_update_mode(cpu);
}

/* Data segment registers the new, outer privilege level may not use become
 * null (SDM vol. 2 RET RETURN-TO-OUTER-PRIVILEGE-LEVEL). */
static void drop_inaccessible_data_segments(struct cpu *cpu)
{
    static const int data_segs[] = { ES, DS, FS, GS };
    for (unsigned k = 0; k < sizeof data_segs / sizeof data_segs[0]; k++) {
        const struct segment *s = &cpu->seg[data_segs[k]];
        bool null = (s->sel & ~3u) == 0;
        if (null || (!is_conforming(s->ar) && dpl_of(s->ar) < (unsigned)cpu->cpl))
            seg_load_null(cpu, data_segs[k], 0);
    }
}

/* ------------------------------------------------------------------------
 * Stack frames */

#define FRAME_MAX 40    /* SS, ESP, 31 call-gate parameters, CS, EIP */

struct frame {
    struct segment ss;  /* the stack segment the frame goes on */
    uint32_t esp;
    bool big;           /* SS.B: ESP rather than SP moves */
    int view;           /* privilege of the writes */
    uint32_t error;     /* #SS error code when a push leaves the segment */
    unsigned n;
    uint32_t lin[FRAME_MAX], val[FRAME_MAX];
    uint8_t size[FRAME_MAX];
};

static void frame_start(struct frame *f, const struct segment *ss, uint32_t esp, int view,
                        uint32_t error)
{
    f->ss = *ss;
    f->esp = esp;
    f->big = (ss->ar & AR_DB) != 0;
    f->view = view;
    f->error = error;
    f->n = 0;
}

/* A frame on the current stack, written at the current privilege. */
static void frame_on_current(struct cpu *cpu, struct frame *f, uint32_t error)
{
    frame_start(f, &cpu->seg[SS], cpu->reg[ESP], cpu->view, error);
}

/* A frame on a stack being switched to (ESP := NewESP; only SP with a
 * 16-bit SS, see set_stack_pointer), written at privilege cpl. */
static void frame_on_new(struct cpu *cpu, struct frame *f, const struct desc *ss,
                         uint32_t esp, unsigned cpl, uint32_t error)
{
    struct segment cache;
    seg_from_desc(&cache, ss->sel, ss->lo, ss->hi);
    if (!(cache.ar & AR_DB))
        esp = (cpu->reg[ESP] & 0xFFFF0000u) | (esp & 0xFFFF);
    frame_start(f, &cache, esp, cpl == 3 ? TLB_USER : TLB_SUPERVISOR, error);
}

static void frame_push(struct cpu *cpu, struct frame *f, uint32_t value, unsigned size)
{
    uint32_t mask = f->big ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t sp = (f->esp - size) & mask;
    const struct segment *s = &f->ss;
    if (!(s->ok & SEG_OK_WRITE) || sp < s->lo || sp > s->hi || s->hi - sp < size - 1)
        cpu_raise(cpu, EXC_SS, f->error);
    f->esp = (f->esp & ~mask) | sp;
    f->lin[f->n] = s->base + sp;
    f->val[f->n] = size == 2 ? value & 0xFFFF : value;
    f->size[f->n] = (uint8_t)size;
    f->n++;
}

static void frame_write(struct cpu *cpu, const struct frame *f)
{
    for (unsigned k = 0; k < f->n; k++) {
        if (f->size[k] == 4)
            lin_write32_v(cpu, f->lin[k], f->val[k], f->view);
        else
            lin_write16_v(cpu, f->lin[k], (uint16_t)f->val[k], f->view);
    }
}

/* ------------------------------------------------------------------------
 * Task switches started by JMP, CALL and IRET */

static void switch_task(struct cpu *cpu, const struct desc *tss, enum task_source src)
{
    bool trap = task_switch(cpu, tss->sel, tss->lo, tss->hi, src, cpu->next_eip, 0);
    task_switch_done(cpu, trap, 0);
}

/* JMP or CALL to a TSS descriptor (SDM vol. 2 JMP/CALL TASK-STATE-SEGMENT). */
static void transfer_to_tss(struct cpu *cpu, const struct desc *t, enum task_source src)
{
    unsigned dpl = dpl_of(t->ar), type = sys_type(t->ar);
    if ((t->sel & 4) || dpl < (unsigned)cpu->cpl || dpl < (t->sel & 3u) ||
        (type != SYS_TSS16_AVAIL && type != SYS_TSS32_AVAIL))
        cpu_raise(cpu, EXC_GP, t->sel & 0xFFFC);
    if (!is_present(t->ar))
        cpu_raise(cpu, EXC_NP, t->sel & 0xFFFC);
    switch_task(cpu, t, src);
}

/* JMP or CALL through a task gate (SDM vol. 2 JMP/CALL TASK-GATE). */
static void transfer_via_task_gate(struct cpu *cpu, const struct desc *gate, enum task_source src)
{
    unsigned dpl = dpl_of(gate->ar);
    if (dpl < (unsigned)cpu->cpl || dpl < (gate->sel & 3u))
        cpu_raise(cpu, EXC_GP, gate->sel & 0xFFFC);
    if (!is_present(gate->ar))
        cpu_raise(cpu, EXC_NP, gate->sel & 0xFFFC);
    struct desc tss;
    read_available_tss(cpu, gate_selector(gate), 0, &tss);
    switch_task(cpu, &tss, src);
}

/* ------------------------------------------------------------------------
 * Far JMP */

static void jmp_code(struct cpu *cpu, const struct desc *cs, uint32_t offset, bool o32)
{
    check_direct_code(cpu, cs);
    offset = checked_offset(cpu, cs, offset, o32, 0);
    mark_accessed(cpu, cs);
    load_cs(cpu, cs, (unsigned)cpu->cpl);
    jump_to(cpu, offset);
}

/* SDM vol. 2 JMP CALL-GATE: no privilege change, no stack switch. */
static void jmp_call_gate(struct cpu *cpu, const struct desc *gate)
{
    unsigned cpl = (unsigned)cpu->cpl, gdpl = dpl_of(gate->ar);
    if (gdpl < cpl || gdpl < (gate->sel & 3u))
        cpu_raise(cpu, EXC_GP, gate->sel & 0xFFFC);
    if (!is_present(gate->ar))
        cpu_raise(cpu, EXC_NP, gate->sel & 0xFFFC);
    struct desc cs;
    read_gate_code(cpu, gate_selector(gate), 0, &cs);
    unsigned dpl = dpl_of(cs.ar);
    if (!is_code(cs.ar) || (is_conforming(cs.ar) ? dpl > cpl : dpl != cpl))
        cpu_raise(cpu, EXC_GP, cs.sel & 0xFFFC);
    if (!is_present(cs.ar))
        cpu_raise(cpu, EXC_NP, cs.sel & 0xFFFC);
    uint32_t offset = checked_offset(cpu, &cs, gate_offset(gate), true, 0);
    mark_accessed(cpu, &cs);
    load_cs(cpu, &cs, cpl);
    jump_to(cpu, offset);
}

void pm_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    struct desc d;
    read_target(cpu, sel, &d);
    if (is_code(d.ar)) {
        jmp_code(cpu, &d, offset, op32);
        return;
    }
    switch (sys_type(d.ar)) {
    case SYS_CALL_GATE16:
    case SYS_CALL_GATE32:
        jmp_call_gate(cpu, &d);
        return;
    case SYS_TASK_GATE:
        transfer_via_task_gate(cpu, &d, TASK_FROM_JMP);
        return;
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
    case SYS_TSS16_BUSY:
    case SYS_TSS32_BUSY:
        transfer_to_tss(cpu, &d, TASK_FROM_JMP);
        return;
    default:
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    }
}

/* ------------------------------------------------------------------------
 * Far CALL */

/* Push the return CS:EIP (size bytes each) on the current stack and jump
 * to cs:offset at the current privilege level. */
static void call_same_level(struct cpu *cpu, const struct desc *cs, uint32_t offset,
                            unsigned size, bool o32)
{
    struct frame f;
    frame_on_current(cpu, &f, 0);
    frame_push(cpu, &f, cpu->seg[CS].sel, size);
    frame_push(cpu, &f, cpu->next_eip, size);
    offset = checked_offset(cpu, cs, offset, o32, 0);
    frame_write(cpu, &f);
    mark_accessed(cpu, cs);
    load_cs(cpu, cs, (unsigned)cpu->cpl);
    cpu->reg[ESP] = f.esp;
    jump_to(cpu, offset);
}

/* SDM vol. 2 CALL MORE-PRIVILEGE: switch to the TSS stack of the target
 * level, copy the gate's parameter count of words or dwords across, push
 * the return address. */
static void call_gate_inner(struct cpu *cpu, const struct desc *gate, const struct desc *cs)
{
    unsigned dpl = dpl_of(cs->ar), size = gate_size(gate), count = gate->hi & 0x1F;
    uint16_t ss_sel;
    uint32_t esp;
    struct desc ss;
    tss_stack(cpu, dpl, 0, &ss_sel, &esp);
    read_inner_stack(cpu, ss_sel, dpl, 0, &ss);

    uint32_t param[31];
    for (unsigned k = 0; k < count; k++)
        param[k] = stack_peek(cpu, k * size, size == 4);
    struct frame f;
    frame_on_new(cpu, &f, &ss, esp, dpl, ss_sel & 0xFFFC);
    frame_push(cpu, &f, cpu->seg[SS].sel, size);
    frame_push(cpu, &f, cpu->reg[ESP], size);
    for (unsigned k = count; k-- > 0;)
        frame_push(cpu, &f, param[k], size);
    frame_push(cpu, &f, cpu->seg[CS].sel, size);
    frame_push(cpu, &f, cpu->next_eip, size);
    uint32_t offset = checked_offset(cpu, cs, gate_offset(gate), true, 0);

    frame_write(cpu, &f);
    mark_accessed(cpu, &ss);
    mark_accessed(cpu, cs);
    load_ss(cpu, &ss);
    load_cs(cpu, cs, dpl);
    cpu->reg[ESP] = f.esp;
    jump_to(cpu, offset);
}

/* SDM vol. 2 CALL CALL-GATE. */
static void call_gate(struct cpu *cpu, const struct desc *gate)
{
    unsigned cpl = (unsigned)cpu->cpl, gdpl = dpl_of(gate->ar);
    if (gdpl < cpl || (gate->sel & 3u) > gdpl)
        cpu_raise(cpu, EXC_GP, gate->sel & 0xFFFC);
    if (!is_present(gate->ar))
        cpu_raise(cpu, EXC_NP, gate->sel & 0xFFFC);
    struct desc cs;
    read_gate_code(cpu, gate_selector(gate), 0, &cs);
    unsigned dpl = dpl_of(cs.ar);
    if (!is_code(cs.ar) || dpl > cpl)
        cpu_raise(cpu, EXC_GP, cs.sel & 0xFFFC);
    if (!is_present(cs.ar))
        cpu_raise(cpu, EXC_NP, cs.sel & 0xFFFC);
    if (!is_conforming(cs.ar) && dpl < cpl)
        call_gate_inner(cpu, gate, &cs);
    else
        call_same_level(cpu, &cs, gate_offset(gate), gate_size(gate), true);
}

void pm_far_call(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    struct desc d;
    read_target(cpu, sel, &d);
    if (is_code(d.ar)) {
        check_direct_code(cpu, &d);
        call_same_level(cpu, &d, offset, op32 ? 4 : 2, op32);
        return;
    }
    switch (sys_type(d.ar)) {
    case SYS_CALL_GATE16:
    case SYS_CALL_GATE32:
        call_gate(cpu, &d);
        return;
    case SYS_TASK_GATE:
        transfer_via_task_gate(cpu, &d, TASK_FROM_CALL);
        return;
    case SYS_TSS16_AVAIL:
    case SYS_TSS32_AVAIL:
    case SYS_TSS16_BUSY:
    case SYS_TSS32_BUSY:
        transfer_to_tss(cpu, &d, TASK_FROM_CALL);
        return;
    default:
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    }
}

/* ------------------------------------------------------------------------
 * Far RET */

/* SDM vol. 2 RET RETURN-TO-OUTER-PRIVILEGE-LEVEL: the caller's SS:ESP sits
 * above the return address and the released parameters. */
static void ret_outer(struct cpu *cpu, const struct desc *cs, uint32_t eip, bool o32,
                      uint16_t pop_bytes)
{
    unsigned size = o32 ? 4 : 2, rpl = cs->sel & 3;
    uint32_t depth = 2 * size + pop_bytes;
    uint32_t esp = stack_peek(cpu, depth, o32);
    uint16_t ss_sel = (uint16_t)stack_peek(cpu, depth + size, o32);
    struct desc ss;
    read_outer_stack(cpu, ss_sel, rpl, &ss);
    if (eip > limit_of(cs))
        cpu_raise_gp0(cpu);

    mark_accessed(cpu, cs);
    mark_accessed(cpu, &ss);
    load_cs(cpu, cs, rpl);
    load_ss(cpu, &ss);
    set_stack_pointer(cpu, esp + pop_bytes);
    drop_inaccessible_data_segments(cpu);
    jump_to(cpu, eip);
}

void pm_far_ret(struct cpu *cpu, int op32, uint16_t pop_bytes)
{
    unsigned size = op32 ? 4 : 2;
    uint32_t eip = stack_peek(cpu, 0, op32);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, op32);
    struct desc cs;
    read_return_cs(cpu, sel, &cs);
    if ((sel & 3u) > (unsigned)cpu->cpl) {
        ret_outer(cpu, &cs, eip, op32, pop_bytes);
        return;
    }
    if (eip > limit_of(&cs))
        cpu_raise_gp0(cpu);
    mark_accessed(cpu, &cs);
    load_cs(cpu, &cs, (unsigned)cpu->cpl);
    set_sp(cpu, cpu->reg[ESP] + 2 * size + pop_bytes);
    jump_to(cpu, eip);
}

/* ------------------------------------------------------------------------
 * IRET */

/* Which EFLAGS bits a protected-mode IRET loads (SDM vol. 2 IRET
 * RETURN-TO-SAME-PRIVILEGE-LEVEL), judged at the CPL before the return. */
static uint32_t iret_flags_mask(const struct cpu *cpu, bool o32)
{
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT;
    unsigned cpl = (unsigned)cpu->cpl, iopl = (cpu->flags & FL_IOPL) >> 12;
    if (o32)
        mask |= FL_RF | FL_AC | FL_ID;
    if (cpl <= iopl)
        mask |= FL_IF;
    if (cpl == 0) {
        mask |= FL_IOPL;
        if (o32)
            mask |= FL_VIF | FL_VIP;
    }
    return mask;
}

/* SDM vol. 2 IRET TASK-RETURN: back to the task in the TSS's link field. */
static void iret_task_return(struct cpu *cpu)
{
    uint16_t link = sys_read16(cpu, cpu->tr.base);
    struct desc t;
    if ((link & 4) || !read_desc(cpu, link, &t))
        cpu_raise(cpu, EXC_TS, link & 0xFFFC);
    unsigned type = sys_type(t.ar);
    if (type != SYS_TSS16_BUSY && type != SYS_TSS32_BUSY)
        cpu_raise(cpu, EXC_TS, link & 0xFFFC);
    if (!is_present(t.ar))
        cpu_raise(cpu, EXC_NP, link & 0xFFFC);
    switch_task(cpu, &t, TASK_FROM_IRET);
}

/* SDM vol. 2 IRET RETURN-TO-VIRTUAL-8086-MODE (32-bit IRET at CPL 0 with VM
 * in the popped EFLAGS): a 36-byte frame, ending with ESP SS ES DS FS GS. */
static void iret_to_v86(struct cpu *cpu, uint32_t eip, uint16_t cs, uint32_t eflags)
{
    uint32_t esp = stack_peek(cpu, 12, true);
    uint16_t sel[SEG_COUNT];
    sel[CS] = cs;
    sel[SS] = (uint16_t)stack_peek(cpu, 16, true);
    sel[ES] = (uint16_t)stack_peek(cpu, 20, true);
    sel[DS] = (uint16_t)stack_peek(cpu, 24, true);
    sel[FS] = (uint16_t)stack_peek(cpu, 28, true);
    sel[GS] = (uint16_t)stack_peek(cpu, 32, true);
    if (eip > 0xFFFF)
        cpu_raise_gp0(cpu);
    cpu_set_eflags(cpu, eflags, 0xFFFFFFFFu);   /* VM set: the mode is V86 now */
    for (int s = 0; s < SEG_COUNT; s++)
        seg_load_real(cpu, s, sel[s]);
    cpu->reg[ESP] = esp;
    jump_to(cpu, eip);
    debug_rf_loaded(cpu);
}

/* IRET in V86 mode (SDM vol. 2 IRET RETURN-FROM-VIRTUAL-8086-MODE, vol. 3
 * 20.4.1): at IOPL 3 a real-mode style return that leaves IOPL (and VM,
 * VIF, VIP) alone; below IOPL 3 a #GP(0) to the monitor, except that with
 * CR4.VME a 16-bit IRET works on VIF (SDM vol. 3 20.3.2): the popped IF
 * goes to VIF, and it faults if that would enable interrupts with VIP
 * pending, or if it would set TF. */
static void iret_from_v86(struct cpu *cpu, bool o32)
{
    unsigned iopl = (cpu->flags & FL_IOPL) >> 12, size = o32 ? 4 : 2;
    bool virtual_if = iopl < 3 && (cpu->cr4 & CR4_VME) && !o32;
    if (iopl < 3 && !virtual_if)
        cpu_raise_gp0(cpu);
    uint32_t eip = stack_peek(cpu, 0, o32);
    uint16_t cs = (uint16_t)stack_peek(cpu, size, o32);
    uint32_t fl = stack_peek(cpu, 2 * size, o32);
    if (eip > 0xFFFF)
        cpu_raise_gp0(cpu);
    uint32_t mask;
    if (virtual_if) {
        if (((fl & FL_IF) && (cpu->flags & FL_VIP)) || (fl & FL_TF))
            cpu_raise_gp0(cpu);
        mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_VIF;  /* IF and IOPL unchanged */
        fl = (fl & ~FL_VIF) | ((fl & FL_IF) ? FL_VIF : 0);
    } else {
        mask = o32 ? ~(FL_VM | FL_IOPL | FL_VIP | FL_VIF) : 0xFFFFu & ~FL_IOPL;
    }
    set_sp(cpu, cpu->reg[ESP] + 3 * size);
    cpu_set_eflags(cpu, fl, mask);
    seg_load_real(cpu, CS, cs);
    jump_to(cpu, eip);
    debug_rf_loaded(cpu);
}

/* SDM vol. 2 IRET PROTECTED-MODE-RETURN, to the same or an outer level. */
static void iret_protected(struct cpu *cpu, uint32_t eip, uint16_t sel, uint32_t fl, bool o32)
{
    unsigned size = o32 ? 4 : 2, rpl = sel & 3;
    struct desc cs, ss;
    read_return_cs(cpu, sel, &cs);
    uint32_t mask = iret_flags_mask(cpu, o32);
    bool outer = rpl > (unsigned)cpu->cpl;
    uint32_t esp = 0;
    if (outer) {
        esp = stack_peek(cpu, 3 * size, o32);
        read_outer_stack(cpu, (uint16_t)stack_peek(cpu, 4 * size, o32), rpl, &ss);
    }
    if (eip > limit_of(&cs))
        cpu_raise_gp0(cpu);

    mark_accessed(cpu, &cs);
    if (outer)
        mark_accessed(cpu, &ss);
    cpu_set_eflags(cpu, fl, mask);
    if (outer) {
        load_cs(cpu, &cs, rpl);
        load_ss(cpu, &ss);
        set_stack_pointer(cpu, esp);
        drop_inaccessible_data_segments(cpu);
    } else {
        load_cs(cpu, &cs, (unsigned)cpu->cpl);
        set_sp(cpu, cpu->reg[ESP] + 3 * size);
    }
    jump_to(cpu, eip);
    debug_rf_loaded(cpu);
}

void pm_iret(struct cpu *cpu, int op32)
{
    cpu->nmi_blocked = false;   /* even if this IRET faults (SDM vol. 2 IRET) */
    if (cpu->mode == MODE_V86) {
        iret_from_v86(cpu, op32);
        return;
    }
    if (cpu->flags & FL_NT) {
        iret_task_return(cpu);
        return;
    }
    unsigned size = op32 ? 4 : 2;
    uint32_t eip = stack_peek(cpu, 0, op32);
    uint16_t sel = (uint16_t)stack_peek(cpu, size, op32);
    uint32_t fl = stack_peek(cpu, 2 * size, op32);
    if ((fl & FL_VM) && cpu->cpl == 0)      /* only a 32-bit pop can carry VM */
        iret_to_v86(cpu, eip, sel, fl);
    else
        iret_protected(cpu, eip, sel, fl, op32);
}

/* ------------------------------------------------------------------------
 * Interrupts and exceptions */

struct event {
    int vector;
    bool soft;          /* INT n, INT3, INTO: the gate's DPL is checked */
    uint32_t ext;       /* EXT bit of the error codes of faults on the way */
    bool has_error;
    uint32_t error;
    uint32_t ret_eip;
};

/* Fault-class exceptions push RF = 1 (SDM vol. 3 17.3.1.1); #DB is left
 * out: an instruction breakpoint pushes RF as it is, and the one #DB fault
 * that needs RF = 1 (general detect) sets it where it is raised. */
static bool is_fault(int vector)
{
    switch (vector) {
    case EXC_DE: case EXC_BR: case EXC_UD: case EXC_NM: case EXC_TS: case EXC_NP:
    case EXC_SS: case EXC_GP: case EXC_PF: case EXC_MF: case EXC_AC:
        return true;
    default:
        return false;
    }
}

static uint32_t entry_flags_to_clear(const struct desc *gate)
{
    uint32_t clear = FL_TF | FL_NT | FL_RF | FL_VM;
    unsigned type = sys_type(gate->ar);
    if (type == SYS_INT_GATE16 || type == SYS_INT_GATE32)
        clear |= FL_IF;
    return clear;
}

static void enter_handler(struct cpu *cpu, const struct desc *gate, uint32_t offset)
{
    cpu_set_eflags(cpu, 0, entry_flags_to_clear(gate));
    cpu->eip = cpu->next_eip = offset;
    cpu_update_mode(cpu);
}

/* The return frame: EFLAGS, CS, EIP and the error code if there is one. */
static void push_return_frame(struct cpu *cpu, struct frame *f, const struct event *ev,
                              unsigned size)
{
    frame_push(cpu, f, cpu_get_eflags(cpu), size);
    frame_push(cpu, f, cpu->seg[CS].sel, size);
    frame_push(cpu, f, ev->ret_eip, size);
    if (ev->has_error)
        frame_push(cpu, f, ev->error, size);
}

/* SDM vol. 2 INT n INTRA-PRIVILEGE-LEVEL-INTERRUPT. */
static void interrupt_same_level(struct cpu *cpu, const struct event *ev,
                                 const struct desc *gate, const struct desc *cs)
{
    struct frame f;
    frame_on_current(cpu, &f, ev->ext);
    push_return_frame(cpu, &f, ev, gate_size(gate));
    uint32_t offset = checked_offset(cpu, cs, gate_offset(gate), true, ev->ext);
    frame_write(cpu, &f);
    mark_accessed(cpu, cs);
    load_cs(cpu, cs, (unsigned)cpu->cpl);
    cpu->reg[ESP] = f.esp;
    enter_handler(cpu, gate, offset);
}

/* SDM vol. 2 INT n INTER-PRIVILEGE-LEVEL-INTERRUPT, and from V86 mode
 * INTERRUPT-FROM-VIRTUAL-8086-MODE, which also saves and nulls GS FS DS
 * ES. */
static void interrupt_inner_level(struct cpu *cpu, const struct event *ev,
                                  const struct desc *gate, const struct desc *cs)
{
    unsigned dpl = dpl_of(cs->ar), size = gate_size(gate);
    bool from_v86 = cpu->mode == MODE_V86;
    uint16_t ss_sel;
    uint32_t esp;
    struct desc ss;
    tss_stack(cpu, dpl, ev->ext, &ss_sel, &esp);
    read_inner_stack(cpu, ss_sel, dpl, ev->ext, &ss);

    struct frame f;
    frame_on_new(cpu, &f, &ss, esp, dpl, sel_error(ss_sel, ev->ext));
    if (from_v86) {
        frame_push(cpu, &f, cpu->seg[GS].sel, size);
        frame_push(cpu, &f, cpu->seg[FS].sel, size);
        frame_push(cpu, &f, cpu->seg[DS].sel, size);
        frame_push(cpu, &f, cpu->seg[ES].sel, size);
    }
    frame_push(cpu, &f, cpu->seg[SS].sel, size);
    frame_push(cpu, &f, cpu->reg[ESP], size);
    push_return_frame(cpu, &f, ev, size);
    uint32_t offset = checked_offset(cpu, cs, gate_offset(gate), true, ev->ext);

    frame_write(cpu, &f);
    mark_accessed(cpu, &ss);
    mark_accessed(cpu, cs);
    cpu_set_eflags(cpu, 0, entry_flags_to_clear(gate));    /* leaves V86 mode */
    if (from_v86) {
        seg_load_null(cpu, GS, 0);
        seg_load_null(cpu, FS, 0);
        seg_load_null(cpu, DS, 0);
        seg_load_null(cpu, ES, 0);
    }
    load_ss(cpu, &ss);
    load_cs(cpu, cs, dpl);
    cpu->reg[ESP] = f.esp;
    enter_handler(cpu, gate, offset);
}

/* SDM vol. 2 INT n TRAP-OR-INTERRUPT-GATE. */
static void interrupt_through_gate(struct cpu *cpu, const struct event *ev,
                                   const struct desc *gate)
{
    struct desc cs;
    read_gate_code(cpu, gate_selector(gate), ev->ext, &cs);
    unsigned dpl = dpl_of(cs.ar), cpl = (unsigned)cpu->cpl;
    uint32_t cs_error = sel_error(cs.sel, ev->ext);
    if (!is_code(cs.ar) || dpl > cpl)
        cpu_raise(cpu, EXC_GP, cs_error);
    if (!is_present(cs.ar))
        cpu_raise(cpu, EXC_NP, cs_error);
    bool inner = !is_conforming(cs.ar) && dpl < cpl;
    if (cpu->mode == MODE_V86 && (!inner || dpl != 0))
        cpu_raise(cpu, EXC_GP, cs_error);   /* V86 handlers must run at ring 0 */
    if (inner)
        interrupt_inner_level(cpu, ev, gate, &cs);
    else
        interrupt_same_level(cpu, ev, gate, &cs);
}

/* SDM vol. 2 INT n TASK-GATE: the error code goes on the new task's stack. */
static void interrupt_through_task_gate(struct cpu *cpu, const struct event *ev,
                                        const struct desc *gate)
{
    struct desc tss;
    read_available_tss(cpu, gate_selector(gate), ev->ext, &tss);
    bool trap = task_switch(cpu, tss.sel, tss.lo, tss.hi, TASK_FROM_INT, ev->ret_eip, ev->ext);
    if (ev->has_error) {
        struct frame f;
        frame_on_current(cpu, &f, ev->ext);
        frame_push(cpu, &f, ev->error, sys_type(tss.ar) == SYS_TSS32_AVAIL ? 4 : 2);
        frame_write(cpu, &f);
        cpu->reg[ESP] = f.esp;
    }
    task_switch_done(cpu, trap, ev->ext);
}

/* The IDT gate for the event (SDM vol. 2 INT n PROTECTED-MODE). */
static void read_idt_gate(struct cpu *cpu, const struct event *ev, struct desc *gate)
{
    uint32_t at = (uint32_t)ev->vector * 8;
    uint32_t idt_error = at + 2 + ev->ext;
    if (at + 7 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, idt_error);
    gate->sel = 0;
    gate->lo = sys_read32(cpu, cpu->idtr.base + at);
    gate->hi = sys_read32(cpu, cpu->idtr.base + at + 4);
    gate->ar = ar_of(gate->hi);
    switch (sys_type(gate->ar)) {
    case SYS_TASK_GATE: case SYS_INT_GATE16: case SYS_TRAP_GATE16:
    case SYS_INT_GATE32: case SYS_TRAP_GATE32:
        break;
    default:
        cpu_raise(cpu, EXC_GP, idt_error);
    }
    if (ev->soft && dpl_of(gate->ar) < (unsigned)cpu->cpl)
        cpu_raise(cpu, EXC_GP, at + 2);
    if (!is_present(gate->ar))
        cpu_raise(cpu, EXC_NP, idt_error);
}

/* Bit n of the interrupt redirection bitmap, the 32 bytes below the I/O
 * map base of a 32-bit TSS (SDM vol. 3 20.3.3.5); #GP(0) if out of reach. */
static bool redirection_bit(struct cpu *cpu, int vector)
{
    const struct segment *tr = &cpu->tr;
    if ((tr->ar & AR_TYPE) < SYS_TSS32_AVAIL || tr->limit < 0x67)
        cpu_raise_gp0(cpu);
    uint32_t map = sys_read16(cpu, tr->base + 0x66);
    uint32_t at = map - 32 + (uint32_t)vector / 8;
    if (map < 32 || at > tr->limit)
        cpu_raise_gp0(cpu);
    return (sys_read8(cpu, tr->base + at) >> (vector & 7)) & 1;
}

/* A software interrupt redirected to the 8086 program's own vector table
 * at linear 0 (SDM vol. 3 20.3.3.5, methods 5 and 6): a real-mode frame on
 * the V86 stack. Below IOPL 3 the pushed FLAGS shows IOPL 3 and IF = VIF,
 * and VIF is cleared instead of IF. */
static void v86_redirect(struct cpu *cpu, const struct event *ev)
{
    bool iopl3 = (cpu->flags & FL_IOPL) == FL_IOPL;
    uint32_t at = (uint32_t)ev->vector * 4;
    uint16_t ip = lin_read16_v(cpu, at, cpu->view);
    uint16_t cs = lin_read16_v(cpu, at + 2, cpu->view);
    uint32_t fl = cpu_get_eflags(cpu) & 0xFFFF;
    if (!iopl3)
        fl = (fl & ~FL_IF) | FL_IOPL | ((cpu->flags & FL_VIF) ? FL_IF : 0);
    struct frame f;
    frame_on_current(cpu, &f, 0);
    frame_push(cpu, &f, fl, 2);
    frame_push(cpu, &f, cpu->seg[CS].sel, 2);
    frame_push(cpu, &f, ev->ret_eip, 2);
    frame_write(cpu, &f);
    cpu->reg[ESP] = f.esp;
    cpu_set_eflags(cpu, 0, FL_TF | FL_RF | (iopl3 ? FL_IF : FL_VIF));
    seg_load_real(cpu, CS, cs);
    cpu->eip = cpu->next_eip = ip;
}

/* INT n in V86 mode (SDM vol. 3 table 20-2): redirected when CR4.VME is on
 * and the bitmap bit is clear; otherwise IOPL < 3 traps to the monitor
 * with #GP(0) and IOPL 3 goes through the IDT. True if redirected. */
static bool v86_software_interrupt(struct cpu *cpu, const struct event *ev)
{
    if ((cpu->cr4 & CR4_VME) && !redirection_bit(cpu, ev->vector)) {
        v86_redirect(cpu, ev);
        return true;
    }
    if ((cpu->flags & FL_IOPL) != FL_IOPL)
        cpu_raise_gp0(cpu);
    return false;
}

void pm_interrupt(struct cpu *cpu, int vector, enum int_source src, bool has_error,
                  uint32_t error, uint32_t ret_eip)
{
    bool soft = src == INT_SOFTWARE || src == INT_SOFT_EXC;
    struct event ev = {
        .vector = vector, .soft = soft, .ext = soft ? 0 : 1,
        .has_error = has_error, .error = error, .ret_eip = ret_eip,
    };
    if (src == INT_EXCEPTION && is_fault(vector))
        cpu->flags |= FL_RF;
    if (cpu->mode == MODE_V86 && src == INT_SOFTWARE && v86_software_interrupt(cpu, &ev))
        return;
    struct desc gate;
    read_idt_gate(cpu, &ev, &gate);
    if (sys_type(gate.ar) == SYS_TASK_GATE)
        interrupt_through_task_gate(cpu, &ev, &gate);
    else
        interrupt_through_gate(cpu, &ev, &gate);
}
