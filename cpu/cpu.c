/* The CPU loop: find (or decode) the block at CS:EIP, run its instructions,
 * service interrupts between blocks, and catch every fault in one place. */
#include "cpu.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "debug.h"
#include "debugger.h"
#include "decode.h"
#include "flags.h"
#include "mem.h"

#define MAX_INSN_LEN 15

static void on_code_written(void *opaque, uint32_t pfn)
{
    struct cpu *cpu = opaque;
    block_invalidate_page(cpu->blocks, pfn);
    /* The running block may be one of them: stop after this insn. */
    cpu->exit_block = true;
}

/* A20 or the memory routing changed: every translation and every block
 * decoded from a remapped page may be stale. */
static void on_map_changed(void *opaque)
{
    struct cpu *cpu = opaque;
    block_cache_flush(cpu->blocks);
    tlb_flush_all(&cpu->tlb);
    cpu->exit_block = true;
    if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMU))
        debugger_tlb_flush(cpu, "memory map change", 0);
}

static void on_a20_changed(void *opaque)
{
    struct cpu *cpu = opaque;
    tlb_flush_all(&cpu->tlb);
    cpu->exit_block = true;
    if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMU))
        debugger_tlb_flush(cpu, "A20 change", cpu->mem->a20_mask);
}

struct cpu *cpu_create(struct phys_mem *mem, struct io_bus *io)
{
    struct cpu *cpu = calloc(1, sizeof *cpu);
    if (!cpu)
        return NULL;
    cpu->mem = mem;
    cpu->io = io;
    cpu->blocks = block_cache_create(mem->ram_size);
    if (!cpu->blocks) {
        free(cpu);
        return NULL;
    }
    mem->code_written = on_code_written;
    mem->code_opaque = cpu;
    mem->a20_changed = on_a20_changed;
    mem->a20_opaque = cpu;
    mem->map_changed = on_map_changed;
    mem->map_opaque = cpu;
    cpu_reset(cpu);
    return cpu;
}

void cpu_destroy(struct cpu *cpu)
{
    if (!cpu)
        return;
    block_cache_destroy(cpu->blocks);
    free(cpu);
}

static void reset_segment(struct segment *s, uint16_t sel, uint32_t base)
{
    s->sel = sel;
    s->base = base;
    s->limit = 0xFFFF;
    s->ar = AR_P | AR_S | AR_W | AR_A;  /* present read/write data */
    seg_update_cache(s);
}

void cpu_reset(struct cpu *cpu)
{
    struct phys_mem *mem = cpu->mem;
    struct io_bus *io = cpu->io;
    struct block_cache *bc = cpu->blocks;
    struct cpu_hooks hooks = cpu->hooks;
    struct cpu_intc intc = cpu->intc;
    uint64_t icount = cpu->icount;
    struct debugger *dbg = cpu->dbg;
    uint8_t dbg_hooks = cpu->dbg_hooks;
    bool dbg_hold_irq = cpu->dbg_hold_irq;
    uint8_t watch = cpu->data_bp_armed & DEBUG_WATCH_ARMED;
    memset(cpu, 0, sizeof *cpu);
    cpu->dbg = dbg;             /* the debugger outlives resets */
    cpu->dbg_hooks = dbg_hooks;
    cpu->dbg_hold_irq = dbg_hold_irq;
    cpu->data_bp_armed = watch;
    cpu->mem = mem;
    cpu->io = io;
    cpu->blocks = bc;
    cpu->hooks = hooks;
    cpu->intc = intc;
    cpu->icount = icount;

    /* SDM vol. 3 9.1.1, table 9-1: processor state after RESET. */
    cpu->reg[EDX] = CPUID_SIGNATURE;
    cpu->flags = FL_1;
    cpu->eip = 0xFFF0;
    for (int s = 0; s < SEG_COUNT; s++)
        reset_segment(&cpu->seg[s], 0, 0);
    reset_segment(&cpu->seg[CS], 0xF000, 0xFFFF0000u);
    reset_segment(&cpu->ldtr, 0, 0);
    cpu->ldtr.ar = AR_P | 2;   /* LDT */
    reset_segment(&cpu->tr, 0, 0);
    cpu->tr.ar = AR_P | 3;     /* busy 16-bit TSS */
    cpu->gdtr.limit = cpu->idtr.limit = 0xFFFF;
    cpu->cr0 = CR0_CD | CR0_NW | CR0_ET;
    cpu->dr[6] = 0xFFFF0FF0u;
    cpu->dr[7] = 0x00000400u;
    cpu->apic_base = 0xFEE00900u;   /* enabled, bootstrap processor */
    cpu->pat = 0x0007040600070406ull;
    fpu_reset(&cpu->fpu);
    tlb_flush_all(&cpu->tlb);
    if (bc)
        block_cache_flush(bc);
    cpu_update_mode(cpu);
}

/* What INIT leaves alone (SDM vol. 3 9.1, table 9-1): the x87/SSE state,
 * the MSRs (TSC, SYSENTER, MTRRs, PAT, machine check, APIC base,
 * performance counters), CR0.CD and NW (below); and what is not
 * architectural state at all: the pins' levels and the running cpu_run()
 * (its budget and its unwind point). */
#define KEPT(field) { offsetof(struct cpu, field), sizeof(((struct cpu *)0)->field) }
static const struct { size_t offset, size; } init_kept[] = {
    KEPT(fpu), KEPT(ignne), KEPT(tsc_offset),
    KEPT(sysenter_cs), KEPT(sysenter_esp), KEPT(sysenter_eip), KEPT(apic_base),
    KEPT(mtrr_def_type), KEPT(mtrr_fixed), KEPT(mtrr_var), KEPT(pat),
    KEPT(mcg_status), KEPT(mcg_ctl), KEPT(mc_ctl),
    KEPT(perf_evtsel), KEPT(perf_count), KEPT(perf_since),
    KEPT(intr_line), KEPT(nmi_pin), KEPT(init_pin), KEPT(nmi_pending),
    KEPT(icount_limit), KEPT(unwind),
};
#undef KEPT

/* INIT, at an instruction boundary: the bootstrap processor starts over
 * at the reset vector (an application processor would wait for a SIPI;
 * this CPU is always the BSP). */
static void take_init(struct cpu *cpu)
{
    uint8_t saved[sizeof(struct cpu)];  /* the kept fields, at their offsets */
    const uint8_t *live = (const uint8_t *)cpu;
    uint32_t cache = cpu->cr0 & (CR0_CD | CR0_NW);
    for (size_t k = 0; k < sizeof init_kept / sizeof init_kept[0]; k++)
        memcpy(saved + init_kept[k].offset, live + init_kept[k].offset, init_kept[k].size);
    cpu_reset(cpu);
    for (size_t k = 0; k < sizeof init_kept / sizeof init_kept[0]; k++)
        memcpy((uint8_t *)cpu + init_kept[k].offset, saved + init_kept[k].offset,
               init_kept[k].size);
    cpu->cr0 = (cpu->cr0 & ~(CR0_CD | CR0_NW)) | cache;
}

void cpu_set_pin(void *opaque, int pin, int level)
{
    struct cpu *cpu = opaque;
    bool high = level != 0;
    bool rising;
    switch (pin) {
    case CPU_PIN_INTR:
        rising = high && !cpu->intr_line;
        cpu->intr_line = high;
        break;
    case CPU_PIN_NMI:
        rising = high && !cpu->nmi_pin;
        cpu->nmi_pin = high;
        cpu->nmi_pending |= rising;
        break;
    case CPU_PIN_INIT:
        rising = high && !cpu->init_pin;
        cpu->init_pin = high;
        cpu->init_pending |= rising;
        break;
    default:
        return;
    }
    if (rising)
        cpu->exit_block = true;     /* look at the pins after this instruction */
}

void cpu_update_mode(struct cpu *cpu)
{
    if (!(cpu->cr0 & CR0_PE)) {
        cpu->mode = MODE_REAL;
        cpu->cpl = 0;
    } else if (cpu->flags & FL_VM) {
        cpu->mode = MODE_V86;
        cpu->cpl = 3;
    } else {
        cpu->mode = MODE_PROT;
    }
    cpu->code32 = cpu->mode != MODE_V86 && (cpu->seg[CS].ar & AR_DB);
    cpu->stack32 = cpu->mode != MODE_V86 && (cpu->seg[SS].ar & AR_DB);
    if (cpu->cpl != 3)
        cpu->view = TLB_SUPERVISOR;
    else if ((cpu->cr0 & CR0_AM) && (cpu->flags & FL_AC))
        cpu->view = TLB_USER_AC;
    else
        cpu->view = TLB_USER;
    cpu->single_step_mode = debug_wants_single_steps(cpu);
    cpu->exit_block = true;
}

uint64_t cpu_retired(const struct cpu *cpu)
{
    uint64_t n = cpu->icount;
    if (cpu->cur_insn && cpu->block_first)
        n += (uint64_t)(cpu->cur_insn - cpu->block_first);
    return n;
}

uint32_t cpu_get_eflags(struct cpu *cpu)
{
    flags_materialize(cpu);
    return cpu->flags;
}

#define EFLAGS_VALID 0x003F7FD7u

void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask)
{
    flags_materialize(cpu);
    uint32_t old = cpu->flags;
    cpu->flags = ((old & ~mask) | (value & mask)) & EFLAGS_VALID;
    cpu->flags |= FL_1;
    if ((old ^ cpu->flags) & (FL_VM | FL_AC | FL_TF))
        cpu_update_mode(cpu);
}

void cpu_set_cr0(struct cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cr0;
    cpu->cr0 = value | CR0_ET;  /* the P6 hardwires ET (SDM vol. 3 2.5) */
    if ((old ^ cpu->cr0) & (CR0_PG | CR0_WP | CR0_PE)) {
        tlb_flush_all(&cpu->tlb);
        if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMU))
            debugger_tlb_flush(cpu, "CR0 load", cpu->cr0);
    }
    cpu_update_mode(cpu);
}

void cpu_set_cr3(struct cpu *cpu, uint32_t value)
{
    cpu->cr3 = value;
    if (cpu->cr4 & CR4_PGE)
        tlb_flush_nonglobal(&cpu->tlb);
    else
        tlb_flush_all(&cpu->tlb);
    if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMU))
        debugger_tlb_flush(cpu, "CR3 load", value);
}

void cpu_set_cr4(struct cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cr4;
    cpu->cr4 = value;
    if ((old ^ value) & (CR4_PSE | CR4_PGE | CR4_PAE)) {
        tlb_flush_all(&cpu->tlb);
        if (unlikely(cpu->dbg_hooks & DBG_HOOK_MMU))
            debugger_tlb_flush(cpu, "CR4 load", value);
    }
}

_Noreturn void cpu_raise(struct cpu *cpu, int vector, uint32_t error)
{
    cpu->fault_vector = (uint32_t)vector;
    cpu->fault_error = error;
    longjmp(cpu->unwind, 1);
}

/* Exception classes for double-fault detection (SDM vol. 3 table 6-4). */
enum exc_class { EXC_BENIGN, EXC_CONTRIBUTORY, EXC_PAGE_FAULT };

static enum exc_class class_of(int vector)
{
    switch (vector) {
    case EXC_DE: case EXC_TS: case EXC_NP: case EXC_SS: case EXC_GP:
        return EXC_CONTRIBUTORY;
    case EXC_PF:
        return EXC_PAGE_FAULT;
    default:
        return EXC_BENIGN;
    }
}

static bool has_error_code(int vector)
{
    return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

/* Deliver an exception, escalating to #DF or a triple fault when it
 * arrives while another is being delivered (SDM vol. 3 table 6-5). */
static void deliver_exception(struct cpu *cpu, int vector, uint32_t error)
{
    if (cpu->exc_nesting > 0) {
        int first = cpu->first_exc;
        if (first == EXC_DF) {
            cpu->reset_request = true;   /* triple fault: shutdown */
            cpu->triple_fault = true;
            cpu->exc_nesting = 0;
            return;
        }
        enum exc_class a = class_of(first), b = class_of(vector);
        if ((a == EXC_CONTRIBUTORY && b == EXC_CONTRIBUTORY) ||
            (a == EXC_PAGE_FAULT && b != EXC_BENIGN)) {
            vector = EXC_DF;
            error = 0;
        }
    }
    cpu->exc_nesting++;
    cpu->first_exc = vector;
    /* Real mode pushes no error code (SDM vol. 3 20.1.4). */
    bool pushes_error = cpu->mode != MODE_REAL && has_error_code(vector);
    cpu_interrupt(cpu, vector, INT_EXCEPTION, pushes_error, pushes_error ? error : 0);
    cpu->exc_nesting = 0;
}

static uint64_t cs_room(const struct cpu *cpu)
{
    const struct segment *cs = &cpu->seg[CS];
    if (cpu->eip > cs->hi || cpu->eip < cs->lo)
        return 0;
    return (uint64_t)cs->hi - cpu->eip + 1;
}

/* Decode the instruction at CS:EIP without the cache: it crosses a page or
 * the CS limit, or comes from MMIO. Faults exactly as the fetch would. */
static void decode_uncached(struct cpu *cpu, struct insn *out)
{
    uint8_t buf[MAX_INSN_LEN];
    uint64_t room = cs_room(cpu);
    unsigned want = room < MAX_INSN_LEN ? (unsigned)room : MAX_INSN_LEN;
    if (want == 0)
        cpu_raise_gp0(cpu);
    uint32_t lin = cpu->seg[CS].base + cpu->eip;
    unsigned have = fetch_code(cpu, lin, buf, want);
    for (;;) {
        enum decode_status st = decode_insn(buf, have, cpu->code32, out);
        if (st == DECODE_OK)
            return;
        if (st == DECODE_TOO_LONG || have >= want)
            cpu_raise_gp0(cpu);   /* past the limit, or over 15 bytes */
        have += fetch_code(cpu, lin + have, buf + have, want - have);
    }
}

static struct block *build_block(struct cpu *cpu, uint32_t lin, uint32_t phys)
{
    _Static_assert(BLOCK_MAX_INSNS * MAX_INSN_LEN < 4096, "a block's bytes fit a page");
    uint8_t buf[4096];
    uint64_t room = cs_room(cpu);
    if (room == 0)
        cpu_raise_gp0(cpu);
    unsigned want = room < sizeof buf ? (unsigned)room : (unsigned)sizeof buf;
    unsigned have = fetch_code(cpu, lin, buf, want);

    struct block *b = block_begin(cpu->blocks, phys, cpu->code32);
    struct insn *insns = block_insns(cpu->blocks, b);
    unsigned pos = 0;
    while (b->n < BLOCK_MAX_INSNS && pos < have) {
        struct insn *i = &insns[b->n];
        if (decode_insn(buf + pos, have - pos, cpu->code32, i) != DECODE_OK)
            break;
        pos += i->len;
        b->n++;
        if (i->attr & INSN_END)
            break;
    }
    if (b->n == 0)
        return NULL;
    b->bytes = pos;
    if (!phys_is_code_page(cpu->mem, phys))
        tlb_protect_code_page(&cpu->tlb, phys & ~0xFFFu);
    phys_mark_code(cpu->mem, phys, pos);
    block_commit(cpu->blocks, b);
    if (unlikely(cpu->dbg_hooks & DBG_HOOK_BUILD))
        debugger_block_built(cpu, lin, phys, buf, pos);
    return b;
}

/* The block at CS:EIP, or NULL when the instruction there must be decoded
 * uncached. */
static struct block *find_block(struct cpu *cpu)
{
    uint32_t lin = cpu->seg[CS].base + cpu->eip;
    uint32_t mode = (uint32_t)cpu->view << 1 | cpu->code32;
    struct block_cache *bc = cpu->blocks;
    struct jump_entry *j = jump_slot(bc, lin);
    struct block *b;
    if (likely(j->lin == lin && j->mode == mode && j->epoch == cpu->tlb.epoch)) {
        b = &bc->blocks[j->block];
        if (likely(b->live))
            goto found;
    }
    int view = cpu->view == TLB_USER_AC ? TLB_USER : cpu->view;
    struct tlb_entry *e = tlb_entry_for(&cpu->tlb, view, lin);
    if (unlikely(e->tag_x != (lin & ~0xFFFu))) {
        e = tlb_fill(cpu, lin, ACC_EXEC, view);
        if (!e->host)
            return NULL;    /* executing MMIO */
    }
    uint32_t phys = e->phys | (lin & 0xFFF);
    b = block_find(bc, phys, cpu->code32);
    if (!b) {
        b = build_block(cpu, lin, phys);
        if (!b)
            return NULL;
    }
    j = jump_slot(bc, lin);     /* building may have flushed the cache */
    j->lin = lin;
    j->mode = mode;
    j->epoch = cpu->tlb.epoch;
    j->block = (uint32_t)(b - bc->blocks);
found:
    if (unlikely((uint64_t)cpu->eip + b->bytes - 1 > cpu->seg[CS].hi))
        return NULL;        /* cached under a larger CS limit */
    return b;
}

/* Runs the block's instructions, stopping early when the budget of
 * cpu_run() ends inside it (instruction counts stay exact). */
static void run_block(struct cpu *cpu, struct block *b)
{
    uint64_t left = cpu->icount_limit - cpu->icount;
    const struct insn *i = block_insns(cpu->blocks, b);
    const struct insn *end = i + (left < b->n ? left : b->n);
    const struct insn *start = i;
    cpu->block_first = i;
    cpu->exit_block = false;
    do {
        cpu->cur_insn = i;
        cpu->next_eip = cpu->eip + i->len;
        i->fn(cpu, i);
        cpu->eip = cpu->next_eip;
    } while (++i < end && !cpu->exit_block);
    cpu->icount += (uint64_t)(i - start);
    cpu->cur_insn = NULL;
}

/* One instruction with all the per-instruction checks: single-step traps,
 * debug breakpoints, the interrupt shadow. */
static void step_one(struct cpu *cpu)
{
    struct block *b = find_block(cpu);
    struct insn scratch;
    const struct insn *i;
    if (b) {
        i = block_insns(cpu->blocks, b);
    } else {
        decode_uncached(cpu, &scratch);
        i = &scratch;
    }
    bool dbg = (cpu->dbg_hooks & (DBG_HOOK_BLOCKS | DBG_HOOK_STEPS)) != 0;
    if (unlikely(dbg) && debugger_before_insn(cpu, i))
        return;     /* a debugger breakpoint: stop before it */
    debug_check_code_breakpoints(cpu);
    bool trap = (cpu->flags & FL_TF) != 0;
    cpu->exit_block = false;
    cpu->cur_insn = cpu->block_first = i;
    cpu->next_eip = cpu->eip + i->len;
    i->fn(cpu, i);
    cpu->eip = cpu->next_eip;
    cpu->icount++;
    cpu->cur_insn = NULL;
    if (unlikely(dbg))
        debugger_after_insn(cpu, i);
    bool data_trap = debug_take_data_hits(cpu);
    if (debug_pending_traps(cpu, trap, i) || data_trap)
        deliver_exception(cpu, EXC_DB, 0);
}

static bool interrupt_ready(const struct cpu *cpu)
{
    if (unlikely(cpu->dbg_hold_irq) && !cpu->halted)
        return false;   /* the debugger is stepping */
    if (cpu->init_pending || (cpu->nmi_pending && !cpu->nmi_blocked))
        return true;
    return cpu->intr_line && (cpu->flags & FL_IF) && cpu->intc.intr_ack;
}

/* INIT, then NMI, then INTR (SDM vol. 3 6.9, priority among events). */
static void service_interrupt(struct cpu *cpu)
{
    cpu->halted = false;
    if (cpu->init_pending) {
        take_init(cpu);
        return;
    }
    if (cpu->nmi_pending && !cpu->nmi_blocked) {
        cpu->nmi_pending = false;
        cpu->nmi_blocked = true;
        cpu_interrupt(cpu, EXC_NMI, INT_HARDWARE, false, 0);
        return;
    }
    int vector = cpu->intc.intr_ack(cpu->intc.opaque);
    if (vector >= 0)
        cpu_interrupt(cpu, vector, INT_HARDWARE, false, 0);
}

enum run_exit cpu_run(struct cpu *cpu, uint64_t budget)
{
    cpu->icount_limit = cpu->icount + budget;
    cpu->stop_request = false;
    if (setjmp(cpu->unwind)) {
        /* A fault: EIP still holds the faulting instruction. */
        if (cpu->cur_insn)  /* the block's instructions before it retired */
            cpu->icount += (uint64_t)(cpu->cur_insn - cpu->block_first);
        cpu->cur_insn = NULL;
        cpu->data_bp_hits = 0;      /* a faulting instruction does not complete */
        deliver_exception(cpu, (int)cpu->fault_vector, cpu->fault_error);
    }
    while (cpu->icount < cpu->icount_limit) {
        if (unlikely(cpu->reset_request))
            return RUN_RESET;
        if (unlikely(cpu->stop_request))
            return RUN_STOP;
        if (cpu->inhibit_irq) {
            cpu->inhibit_irq = false;
            step_one(cpu);
            continue;
        }
        if (unlikely(cpu->intr_line || cpu->nmi_pending || cpu->init_pending) &&
            interrupt_ready(cpu))
            service_interrupt(cpu);
        if (cpu->halted)
            return RUN_HALT;
        if (unlikely(cpu->single_step_mode)) {
            step_one(cpu);
            continue;
        }
        struct block *b = find_block(cpu);
        if (unlikely(cpu->dbg_hooks & DBG_HOOK_BLOCKS) && b && debugger_block_wants_step(cpu, b))
            b = NULL;   /* a debugger breakpoint in it: one at a time */
        if (b) {
            run_block(cpu, b);
            if (unlikely(cpu->data_bp_hits) && debug_take_data_hits(cpu))
                deliver_exception(cpu, EXC_DB, 0);  /* a data breakpoint trap */
        } else {
            step_one(cpu);
        }
    }
    return RUN_BUDGET;
}
