/* The P6 local APIC (xAPIC registers); see lapic.h.
 *
 * Reference: Intel 64 and IA-32 Architectures Software Developer's Manual,
 * vol. 3A, chapter 10 "Advanced Programmable Interrupt Controller (APIC)"
 * (section numbers below are that chapter's). */
#include "lapic.h"

#include <stdlib.h>
#include <string.h>

#include "debugger.h"

#define APIC_PAGE 0x1000u
#define APIC_ID_BITS 0xFF000000u
#define APIC_LDR_BITS 0xFF000000u
#define APIC_DFR_MODEL 0xF0000000u          /* 0xF: flat, 0x0: cluster */
#define APIC_SVR_HARDWIRED 0x0Fu            /* P6: vector bits 3:0 read as 1s */
#define APIC_SVR_WRITABLE 0x3F0u
#define APIC_ICR_LOW_WRITABLE 0x000CCFFFu
#define APIC_TIMER_DIVIDE_BITS 0x0Bu
#define BROADCAST_ID 0xFFu

/* The bits software may write in each LVT entry (figure 10-8). */
static const uint32_t lvt_writable[LVT_COUNT] = {
    [LVT_TIMER] = APIC_VECTOR | APIC_LVT_MASKED | APIC_TIMER_PERIODIC,
    [LVT_PERF] = APIC_VECTOR | APIC_DELIVERY_MODE | APIC_LVT_MASKED,
    [LVT_LINT0] = APIC_VECTOR | APIC_DELIVERY_MODE | APIC_POLARITY_LOW | APIC_TRIGGER_LEVEL |
                  APIC_LVT_MASKED,
    [LVT_LINT1] = APIC_VECTOR | APIC_DELIVERY_MODE | APIC_POLARITY_LOW | APIC_TRIGGER_LEVEL |
                  APIC_LVT_MASKED,
    [LVT_ERROR] = APIC_VECTOR | APIC_LVT_MASKED,
};

static void update_intr(struct lapic *l);
static void raise_error(struct lapic *l, uint32_t bits);

/* ------------------------------------------------------------------------
 * State */

static bool hardware_enabled(const struct lapic *l)
{
    return (l->s.apic_base & APIC_BASE_ENABLE) != 0;
}

static bool software_enabled(const struct lapic *l)
{
    return (l->s.regs.svr & APIC_SVR_ENABLE) != 0;
}

/* The APIC delivers interrupts; otherwise the board is in PIC mode. */
static bool in_use(const struct lapic *l)
{
    return hardware_enabled(l) && software_enabled(l);
}

static uint8_t apic_id(const struct lapic *l)
{
    return (uint8_t)(l->s.regs.id >> 24);
}

static unsigned delivery_mode(uint32_t entry)
{
    return (entry & APIC_DELIVERY_MODE) >> 8;
}

/* 10.4.7.1: the registers after power-up or RESET; INIT (10.4.7.3) is the
 * same but keeps the APIC ID. */
static void regs_reset(struct lapic_regs *r, bool keep_id)
{
    uint32_t id = r->id;
    memset(r, 0, sizeof *r);
    r->id = keep_id ? id : 0;
    r->dfr = 0xFFFFFFFFu;
    r->svr = 0xFF;
    for (int k = 0; k < LVT_COUNT; k++)
        r->lvt[k] = APIC_LVT_MASKED;
}

/* ------------------------------------------------------------------------
 * The 256-bit registers and priorities (10.8) */

static bool bit_test(const uint32_t *reg, unsigned v)
{
    return (reg[v / 32] >> (v % 32)) & 1u;
}

static void bit_set(uint32_t *reg, unsigned v, bool on)
{
    uint32_t mask = 1u << (v % 32);
    reg[v / 32] = on ? reg[v / 32] | mask : reg[v / 32] & ~mask;
}

/* The highest vector set, or -1. */
static int highest_vector(const uint32_t *reg)
{
    for (int k = 7; k >= 0; k--)
        if (reg[k])
            return k * 32 + 31 - __builtin_clz(reg[k]);
    return -1;
}

/* 10.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] with 0s. */
static uint32_t processor_priority(const struct lapic *l)
{
    int isrv = highest_vector(l->s.regs.isr);
    uint32_t tpr = l->s.regs.tpr & 0xFF;
    if (isrv < 0 || (tpr & 0xF0) >= ((uint32_t)isrv & 0xF0))
        return tpr;
    return (uint32_t)isrv & 0xF0;
}

/* 10.8.3.x (P6): APR = TPR if TPR[7:4] >= IRRV[7:4] and TPR[7:4] >
 * ISRV[7:4], else the highest of the three classes with 0s. */
static uint32_t arbitration_priority(const struct lapic *l)
{
    int isrv = highest_vector(l->s.regs.isr), irrv = highest_vector(l->s.regs.irr);
    uint32_t tpr = l->s.regs.tpr & 0xFF;
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;
    uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xF0;
    if ((tpr & 0xF0) >= irr_class && (tpr & 0xF0) > isr_class)
        return tpr;
    uint32_t top = tpr & 0xF0;
    if (isr_class > top)
        top = isr_class;
    if (irr_class > top)
        top = irr_class;
    return top;
}

/* The vector the APIC would hand the CPU now, or -1: the highest request
 * whose class is above the processor priority (10.8.3.1). */
static int deliverable_vector(const struct lapic *l)
{
    int v = highest_vector(l->s.regs.irr);
    if (v < 0 || ((uint32_t)v & 0xF0) <= (processor_priority(l) & 0xF0))
        return -1;
    return v;
}

/* ------------------------------------------------------------------------
 * Accepting interrupts */

/* A fixed interrupt enters the IRR (10.8.1): vectors 0-15 are illegal and
 * never set an IRR bit; a request for a vector already in the IRR merges
 * with it. TMR records the trigger mode. */
static void accept_fixed(struct lapic *l, unsigned vector, bool level)
{
    if (vector < 16) {
        raise_error(l, APIC_ESR_RECEIVE_ILLEGAL_VECTOR);
        return;
    }
    bit_set(l->s.regs.irr, vector, true);
    bit_set(l->s.regs.tmr, vector, level);
    update_intr(l);
}

/* An edge on the CPU's NMI or INIT pin. */
static void pulse(const struct irq_line *line)
{
    irq_raise(line);
    irq_lower(line);
}

static void cancel_timer(struct lapic *l)
{
    timer_cancel(l->clock, &l->timer);
}

/* INIT (10.4.7.3): the APIC returns to its power-up state but for its ID,
 * and the CPU takes INIT at its next instruction boundary. */
static void deliver_init(struct lapic *l)
{
    cancel_timer(l);
    regs_reset(&l->s.regs, true);
    update_intr(l);
    pulse(&l->w.init);
}

/* An error (10.5.3): logged for the next ESR write, and signalled through
 * the LVT error entry. An error entry with an illegal vector only logs. */
static void raise_error(struct lapic *l, uint32_t bits)
{
    struct lapic_regs *r = &l->s.regs;
    r->esr_pending |= bits;
    uint32_t entry = r->lvt[LVT_ERROR];
    if (entry & APIC_LVT_MASKED)
        return;
    if ((entry & APIC_VECTOR) < 16) {
        r->esr_pending |= APIC_ESR_RECEIVE_ILLEGAL_VECTOR;
        return;
    }
    accept_fixed(l, entry & APIC_VECTOR, false);
}

/* A local source (timer, error) through its LVT entry: fixed, edge. */
static void local_interrupt(struct lapic *l, enum lapic_lvt which)
{
    uint32_t entry = l->s.regs.lvt[which];
    if (!(entry & APIC_LVT_MASKED))
        accept_fixed(l, entry & APIC_VECTOR, false);
}

/* ------------------------------------------------------------------------
 * INTR and INTA */

/* ExtINT: LINT0 or LINT1 programmed ExtINT and asserted (level-sensitive,
 * 10.5.1), or an ExtINT message from an I/O APIC. */
static bool extint_pending(const struct lapic *l)
{
    if (l->s.regs.extint_message)
        return true;
    for (int n = 0; n < 2; n++) {
        uint32_t entry = l->s.regs.lvt[LVT_LINT0 + n];
        if (l->s.lint[n] && !(entry & APIC_LVT_MASKED) &&
            delivery_mode(entry) == APIC_DM_EXTINT)
            return true;
    }
    return false;
}

static bool intr_wanted(const struct lapic *l)
{
    if (!in_use(l))
        return l->s.lint[0];            /* PIC mode: LINT0 is INTR */
    return extint_pending(l) || deliverable_vector(l) >= 0;
}

static void update_intr(struct lapic *l)
{
    irq_set(&l->w.intr, intr_wanted(l));
}

static uint8_t spurious_vector(const struct lapic *l)
{
    return (uint8_t)(l->s.regs.svr | APIC_SVR_HARDWIRED);
}

static int extint_ack(struct lapic *l)
{
    l->s.regs.extint_message = false;
    int vector = l->w.extint_ack ? l->w.extint_ack(l->w.extint_opaque) : spurious_vector(l);
    update_intr(l);
    return vector;
}

/* The INTA cycle (10.8.1, 10.9): ExtINT goes to the 8259; otherwise the
 * highest deliverable request moves from IRR to ISR. A request that TPR
 * masked between INTR and INTA gives the spurious vector, ISR untouched. */
int lapic_intr_ack(void *opaque)
{
    struct lapic *l = opaque;
    if (!in_use(l) || extint_pending(l))
        return extint_ack(l);
    int v = deliverable_vector(l);
    if (v < 0) {
        update_intr(l);
        return spurious_vector(l);
    }
    bit_set(l->s.regs.irr, (unsigned)v, false);
    bit_set(l->s.regs.isr, (unsigned)v, true);
    update_intr(l);
    return v;
}

/* ------------------------------------------------------------------------
 * LINT0 and LINT1 (10.5.1) */

/* A fixed-mode LINT: on the rising edge, or, level-triggered, while the
 * pin is asserted and the remote IRR (set on acceptance, cleared by the
 * EOI of its vector) is clear. */
static void lint_fixed(struct lapic *l, int n, bool rising)
{
    uint32_t *entry = &l->s.regs.lvt[LVT_LINT0 + n];
    if (*entry & APIC_LVT_MASKED)
        return;
    if (*entry & APIC_TRIGGER_LEVEL) {
        if (l->s.lint[n] && !(*entry & APIC_REMOTE_IRR)) {
            *entry |= APIC_REMOTE_IRR;
            accept_fixed(l, *entry & APIC_VECTOR, true);
        }
    } else if (rising) {
        accept_fixed(l, *entry & APIC_VECTOR, false);
    }
}

/* What LINTn does after its pin or its LVT entry changed. NMI, INIT and
 * SMI act on the rising edge (always edge-sensitive); ExtINT is a level. */
static void lint_evaluate(struct lapic *l, int n, bool rising)
{
    if (!in_use(l)) {                   /* PIC mode */
        if (n == 0)
            update_intr(l);
        else if (rising)
            pulse(&l->w.nmi);
        return;
    }
    uint32_t entry = l->s.regs.lvt[LVT_LINT0 + n];
    switch (delivery_mode(entry)) {
    case APIC_DM_FIXED:
        lint_fixed(l, n, rising);
        break;
    case APIC_DM_NMI:
        if (rising && !(entry & APIC_LVT_MASKED))
            pulse(&l->w.nmi);
        break;
    case APIC_DM_INIT:
        if (rising && !(entry & APIC_LVT_MASKED))
            deliver_init(l);
        break;
    default:                            /* ExtINT; SMI (no SMM here) */
        if (delivery_mode(entry) == APIC_DM_SMI && rising && !(entry & APIC_LVT_MASKED))
            trace_unimp_key(l, n, "local APIC LINT%d with delivery mode SMI (LVT %08xh) is "
                            "not implemented (no SMM): the edge is ignored", n, entry);
        update_intr(l);
        break;
    }
}

void lapic_set_lint(void *opaque, int n, int level)
{
    struct lapic *l = opaque;
    if (n < 0 || n > 1)
        return;
    bool rising = level && !l->s.lint[n];
    l->s.lint[n] = level != 0;
    lint_evaluate(l, n, rising);
}

struct irq_line lapic_lint_line(struct lapic *l, int n)
{
    struct irq_line line = { .set = lapic_set_lint, .opaque = l, .n = n };
    return line;
}

/* The EOI of a level-triggered vector frees a fixed, level LINT with that
 * vector, which requests again if its pin is still asserted. */
static void lint_eoi(struct lapic *l, unsigned vector)
{
    for (int n = 0; n < 2; n++) {
        uint32_t *entry = &l->s.regs.lvt[LVT_LINT0 + n];
        if ((*entry & APIC_REMOTE_IRR) && (*entry & APIC_VECTOR) == vector) {
            *entry &= ~APIC_REMOTE_IRR;
            lint_evaluate(l, n, false);
        }
    }
}

/* ------------------------------------------------------------------------
 * The timer (10.5.4) */

static uint64_t timer_divisor(const struct lapic *l)
{
    uint32_t dcr = l->s.regs.timer_divide;
    unsigned code = (dcr & 3u) | ((dcr >> 1) & 4u);
    return code == 7 ? 1 : 2ull << code;
}

static uint64_t ns_per_count(const struct lapic *l)
{
    return timer_divisor(l) * (NS_PER_SEC / LAPIC_BUS_HZ);
}

static bool timer_periodic(const struct lapic *l)
{
    return (l->s.regs.lvt[LVT_TIMER] & APIC_TIMER_PERIODIC) != 0;
}

/* The current count at time now: timer_base at timer_start, counting down
 * one per ns_per_count; at 0 a one-shot timer stops, a periodic one
 * reloads the initial count. */
static uint32_t count_at(const struct lapic *l, uint64_t now)
{
    const struct lapic_regs *r = &l->s.regs;
    if (r->timer_base == 0)
        return 0;
    uint64_t elapsed = (now - r->timer_start) / ns_per_count(l);
    if (elapsed < r->timer_base)
        return (uint32_t)(r->timer_base - elapsed);
    if (!timer_periodic(l) || r->timer_initial == 0)
        return 0;
    return (uint32_t)(r->timer_initial - (elapsed - r->timer_base) % r->timer_initial);
}

uint32_t lapic_timer_current(struct lapic *l)
{
    return count_at(l, clock_now(l->clock));
}

/* Count down from count starting now (0 stops the timer). */
static void timer_start(struct lapic *l, uint32_t count)
{
    struct lapic_regs *r = &l->s.regs;
    uint64_t now = clock_now(l->clock);
    r->timer_start = now;
    r->timer_base = count;
    if (count == 0) {
        cancel_timer(l);
        return;
    }
    r->timer_deadline = now + count * ns_per_count(l);
    timer_arm(l->clock, &l->timer, r->timer_deadline);
}

/* The divider or the mode changed: go on from the count reached so far. */
static void timer_rebase(struct lapic *l)
{
    timer_start(l, lapic_timer_current(l));
}

static void timer_fired(void *opaque)
{
    struct lapic *l = opaque;
    struct lapic_regs *r = &l->s.regs;
    if (timer_periodic(l) && r->timer_initial) {
        r->timer_deadline += r->timer_initial * ns_per_count(l);
        timer_arm(l->clock, &l->timer, r->timer_deadline);
    }
    local_interrupt(l, LVT_TIMER);
}

/* ------------------------------------------------------------------------
 * EOI, destinations and the interrupt command register (10.6, 10.8.5) */

/* EOI: the highest vector in service is done; for a level-triggered one
 * the EOI also goes to the I/O APICs (the P6 broadcasts it always). */
static void write_eoi(struct lapic *l)
{
    int v = highest_vector(l->s.regs.isr);
    if (v < 0)
        return;
    bit_set(l->s.regs.isr, (unsigned)v, false);
    if (bit_test(l->s.regs.tmr, (unsigned)v)) {
        lint_eoi(l, (unsigned)v);
        if (l->w.eoi)
            l->w.eoi(l->w.eoi_opaque, (uint8_t)v);
    }
    update_intr(l);
}

/* 10.6.2: physical (this ID, or the broadcast 0xFF) or logical, in the
 * flat model (a bit of the logical ID) or the cluster model (the cluster
 * in bits 7:4, members in bits 3:0). */
static bool is_destination(const struct lapic *l, uint8_t dest, bool logical)
{
    if (dest == BROADCAST_ID)
        return true;
    if (!logical)
        return dest == apic_id(l);
    uint8_t ldr = (uint8_t)(l->s.regs.ldr >> 24);
    if ((l->s.regs.dfr & APIC_DFR_MODEL) == APIC_DFR_MODEL)
        return (ldr & dest) != 0;
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0x0F) != 0;
}

bool lapic_accept_message(void *opaque, const struct apic_message *msg)
{
    struct lapic *l = opaque;
    if (!hardware_enabled(l) || !is_destination(l, msg->dest, msg->logical))
        return false;
    switch (msg->delivery) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:        /* one CPU: it is the lowest */
        if (!software_enabled(l))
            return false;
        accept_fixed(l, msg->vector, msg->level);
        return true;
    case APIC_DM_EXTINT:
        if (!software_enabled(l))
            return false;
        l->s.regs.extint_message = true;
        update_intr(l);
        return true;
    case APIC_DM_NMI:
        pulse(&l->w.nmi);
        return true;
    case APIC_DM_INIT:
        deliver_init(l);
        return true;
    case APIC_DM_SMI:           /* accepted; there is no SMM to enter */
        trace_unimp(l, "local APIC: an SMI message (I/O APIC vector %02xh) is not implemented "
                    "(no SMM): accepted and ignored", msg->vector);
        return true;
    default:
        return false;
    }
}

/* Which APICs the ICR names: this one or none (one CPU). *others says
 * whether the message was meant for APICs other than this one too. */
static bool icr_reaches_self(const struct lapic *l, bool *others)
{
    uint32_t low = l->s.regs.icr_low;
    uint8_t dest = (uint8_t)(l->s.regs.icr_high >> 24);
    *others = true;
    switch ((low & APIC_SHORTHAND) >> APIC_SHORTHAND_SHIFT) {
    case 0:
        *others = dest == BROADCAST_ID;
        return is_destination(l, dest, (low & APIC_DEST_LOGICAL) != 0);
    case 1:
        *others = false;
        return true;
    case 2:
        return true;
    default:
        return false;
    }
}

/* A write to ICR bits 31:0 sends the IPI (10.6.1). Delivery is at once,
 * so the delivery status always reads idle. */
static void send_ipi(struct lapic *l)
{
    uint32_t low = l->s.regs.icr_low;
    unsigned mode = delivery_mode(low), vector = low & APIC_VECTOR;
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
        raise_error(l, APIC_ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    bool others;
    if (!icr_reaches_self(l, &others)) {
        if (!others)
            raise_error(l, APIC_ESR_SEND_ACCEPT);   /* no such APIC */
        return;
    }
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        if (software_enabled(l))
            accept_fixed(l, vector, (low & APIC_TRIGGER_LEVEL) != 0);
        break;
    case APIC_DM_NMI:
        pulse(&l->w.nmi);
        break;
    case APIC_DM_INIT:
        /* INIT level de-assert only resynchronizes arbitration IDs. */
        if ((low & APIC_LEVEL_ASSERT) || !(low & APIC_TRIGGER_LEVEL))
            deliver_init(l);
        break;
    case APIC_DM_SMI:
        trace_unimp(l, "local APIC: an SMI IPI (ICR %08xh) is not implemented (no SMM): "
                    "ignored", low);
        break;
    case APIC_DM_REMOTE_READ:
        trace_unimp(l, "local APIC: a remote read IPI (ICR %08xh) is not implemented: RRD "
                    "stays 0 and remote read status never says valid", low);
        break;
    default:    /* start-up: the BSP is not waiting for one */
        break;
    }
}

/* ------------------------------------------------------------------------
 * Registers */

static uint32_t read_lvt(const struct lapic *l, enum lapic_lvt which)
{
    return l->s.regs.lvt[which];
}

/* The LVT entry of a register offset, or -1. */
static int lvt_of(uint32_t reg)
{
    switch (reg) {
    case APIC_LVT_TIMER: return LVT_TIMER;
    case APIC_LVT_PERF: return LVT_PERF;
    case APIC_LVT_LINT0: return LVT_LINT0;
    case APIC_LVT_LINT1: return LVT_LINT1;
    case APIC_LVT_ERROR: return LVT_ERROR;
    default: return -1;
    }
}

/* Reads of the register at reg (16-byte aligned); false if reserved. */
static bool read_register(struct lapic *l, uint32_t reg, uint32_t *v)
{
    const struct lapic_regs *r = &l->s.regs;
    int lvt = lvt_of(reg);
    if (lvt >= 0) {
        *v = read_lvt(l, (enum lapic_lvt)lvt);
        return true;
    }
    if (reg >= APIC_ISR && reg < APIC_ESR) {
        const uint32_t *bank = reg < APIC_TMR ? r->isr : reg < APIC_IRR ? r->tmr : r->irr;
        *v = bank[(reg >> 4) & 7];
        return true;
    }
    switch (reg) {
    case APIC_ID: *v = r->id; return true;
    case APIC_VERSION: *v = LAPIC_MAX_LVT << 16 | LAPIC_VERSION; return true;
    case APIC_TPR: *v = r->tpr; return true;
    case APIC_APR: *v = arbitration_priority(l); return true;
    case APIC_PPR: *v = processor_priority(l); return true;
    case APIC_EOI: *v = 0; return true;
    case APIC_RRD: *v = 0; return true;     /* no remote read ever completes */
    case APIC_LDR: *v = r->ldr; return true;
    case APIC_DFR: *v = r->dfr; return true;
    case APIC_SVR: *v = r->svr | APIC_SVR_HARDWIRED; return true;
    case APIC_ESR: *v = r->esr; return true;
    case APIC_ICR_LOW: *v = r->icr_low; return true;
    case APIC_ICR_HIGH: *v = r->icr_high; return true;
    case APIC_TIMER_INITIAL: *v = r->timer_initial; return true;
    case APIC_TIMER_CURRENT: *v = lapic_timer_current(l); return true;
    case APIC_TIMER_DIVIDE: *v = r->timer_divide; return true;
    default: return false;
    }
}

uint32_t lapic_read(struct lapic *l, uint32_t offset)
{
    uint32_t v = 0;
    if (offset >= APIC_PAGE || !read_register(l, offset & ~0xFu, &v)) {
        raise_error(l, APIC_ESR_ILLEGAL_REGISTER);
        return 0;
    }
    return v;
}

/* Software disable (10.4.7.2) masks every LVT entry; they stay masked
 * while the APIC is software-disabled. */
static void write_svr(struct lapic *l, uint32_t v)
{
    struct lapic_regs *r = &l->s.regs;
    r->svr = v & APIC_SVR_WRITABLE;
    if (!software_enabled(l))
        for (int k = 0; k < LVT_COUNT; k++)
            r->lvt[k] |= APIC_LVT_MASKED;
    lint_evaluate(l, 0, false);
    lint_evaluate(l, 1, false);
    update_intr(l);
}

static void write_lvt(struct lapic *l, enum lapic_lvt which, uint32_t v)
{
    uint32_t *entry = &l->s.regs.lvt[which];
    uint32_t old = *entry;
    *entry = (v & lvt_writable[which]) | (old & APIC_REMOTE_IRR);
    if (!software_enabled(l))
        *entry |= APIC_LVT_MASKED;
    /* The CPU's performance counters (cpu/ops_system.c) count, but have no
     * way to the APIC: an overflow never interrupts. */
    if (which == LVT_PERF && !(*entry & APIC_LVT_MASKED))
        trace_unimp(l, "local APIC LVT performance counter entry %08xh unmasked: counter "
                    "overflow interrupts are not implemented, none comes", *entry);
    if (which == LVT_TIMER && ((old ^ *entry) & APIC_TIMER_PERIODIC))
        timer_rebase(l);
    else if (which == LVT_LINT0 || which == LVT_LINT1)
        lint_evaluate(l, which - LVT_LINT0, false);
}

/* ESR (10.5.3): a write latches the errors seen since the last one. */
static void write_esr(struct lapic *l)
{
    l->s.regs.esr = l->s.regs.esr_pending;
    l->s.regs.esr_pending = 0;
}

static void write_divide(struct lapic *l, uint32_t v)
{
    uint32_t count = lapic_timer_current(l);
    l->s.regs.timer_divide = v & APIC_TIMER_DIVIDE_BITS;
    if (l->s.regs.timer_base)
        timer_start(l, count);
}

/* Writes of the register at reg; false if reserved. Read-only registers
 * ignore writes. */
static bool write_register(struct lapic *l, uint32_t reg, uint32_t v)
{
    struct lapic_regs *r = &l->s.regs;
    int lvt = lvt_of(reg);
    if (lvt >= 0) {
        write_lvt(l, (enum lapic_lvt)lvt, v);
        return true;
    }
    if (reg >= APIC_ISR && reg < APIC_ESR)
        return true;
    switch (reg) {
    case APIC_ID: r->id = v & APIC_ID_BITS; return true;
    case APIC_VERSION: case APIC_APR: case APIC_PPR: case APIC_RRD:
    case APIC_TIMER_CURRENT:
        return true;
    case APIC_TPR: r->tpr = v & 0xFF; update_intr(l); return true;
    case APIC_EOI: write_eoi(l); return true;
    case APIC_LDR: r->ldr = v & APIC_LDR_BITS; return true;
    case APIC_DFR: r->dfr = (v & APIC_DFR_MODEL) | ~APIC_DFR_MODEL; return true;
    case APIC_SVR: write_svr(l, v); return true;
    case APIC_ESR: write_esr(l); return true;
    case APIC_ICR_LOW:
        r->icr_low = v & APIC_ICR_LOW_WRITABLE;
        send_ipi(l);
        return true;
    case APIC_ICR_HIGH: r->icr_high = v & APIC_ID_BITS; return true;
    case APIC_TIMER_INITIAL:
        r->timer_initial = v;
        timer_start(l, v);
        return true;
    case APIC_TIMER_DIVIDE: write_divide(l, v); return true;
    default: return false;
    }
}

void lapic_write(struct lapic *l, uint32_t offset, uint32_t value)
{
    if (offset >= APIC_PAGE || !write_register(l, offset & ~0xFu, value))
        raise_error(l, APIC_ESR_ILLEGAL_REGISTER);
}

/* ------------------------------------------------------------------------
 * MMIO: registers are 32 bits at 16-byte strides; narrower accesses see
 * their bytes of the register, bytes 4-15 of each stride are nothing. */

static uint32_t mmio_read(void *opaque, uint32_t addr, unsigned size)
{
    struct lapic *l = opaque;
    unsigned lane = addr & 0xF;
    if (lane >= 4)
        return 0;
    uint32_t v = lapic_read(l, addr & ~0xFu) >> (8 * lane);
    return size >= 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void mmio_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct lapic *l = opaque;
    unsigned lane = addr & 0xF;
    if (lane >= 4)
        return;
    uint32_t reg = addr & ~0xFu;
    if (size < 4 || lane) {
        uint32_t mask = (size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1) << (8 * lane);
        uint32_t old = 0;
        read_register(l, reg, &old);
        value = (old & ~mask) | ((value << (8 * lane)) & mask);
    }
    lapic_write(l, reg, value);
}

static const struct io_ops lapic_mmio_ops = {
    .name = "lapic", .read = mmio_read, .write = mmio_write,
};

/* ------------------------------------------------------------------------
 * IA32_APIC_BASE and the device */

/* Map the page where IA32_APIC_BASE says, or nowhere when it is disabled
 * or above 4 GiB. */
static void place_page(struct lapic *l)
{
    uint64_t base = l->s.apic_base & APIC_BASE_ADDRESS;
    bool visible = hardware_enabled(l) && base < 0x100000000ull;
    if (visible && l->placed && l->placed_at == (uint32_t)base)
        return;
    if (visible && phys_place_region(l->mem, l->region, (uint32_t)base) == 0) {
        l->placed = true;
        l->placed_at = (uint32_t)base;
        return;
    }
    if (l->placed)
        phys_hide_region(l->mem, l->region);
    l->placed = false;
}

void lapic_base_written(void *opaque, uint64_t apic_base)
{
    struct lapic *l = opaque;
    bool was_enabled = hardware_enabled(l);
    l->s.apic_base = apic_base;
    if (was_enabled && !hardware_enabled(l)) {
        cancel_timer(l);
        regs_reset(&l->s.regs, true);   /* 10.4.3: back to the power-up state */
    }
    place_page(l);
    update_intr(l);
}

static void lapic_reset(void *dev)
{
    struct lapic *l = dev;
    cancel_timer(l);
    regs_reset(&l->s.regs, false);
    l->s.apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_ENABLE | APIC_BASE_BSP;
    place_page(l);
    update_intr(l);
}

static void lapic_destroy(void *dev)
{
    struct lapic *l = dev;
    cancel_timer(l);
    free(l);
}

static void lapic_post_load(void *dev)
{
    struct lapic *l = dev;
    cancel_timer(l);
    if (l->s.regs.timer_base && count_at(l, clock_now(l->clock)) != 0)
        timer_arm(l->clock, &l->timer, l->s.regs.timer_deadline);
    place_page(l);
    update_intr(l);
}

static void lapic_set_cpu(void *dev, struct cpu *cpu)
{
    struct lapic *l = dev;
    l->cpu = cpu;
}

static const struct state_field lapic_fields[] = {
    STATE_FIELD(struct lapic, s),
};

static const struct device_state lapic_state_desc = {
    .version = 1,
    .fields = lapic_fields,
    .nfields = sizeof lapic_fields / sizeof lapic_fields[0],
    .post_load = lapic_post_load,
};

const struct device_ops lapic_ops = {
    .name = "lapic",
    .reset = lapic_reset,
    .destroy = lapic_destroy,
    .state = &lapic_state_desc,
    .set_cpu = lapic_set_cpu,
};

struct lapic *lapic_create(struct phys_mem *mem, struct clock *clock,
                           const struct lapic_wiring *wiring)
{
    struct lapic *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->mem = mem;
    l->clock = clock;
    l->w = *wiring;
    timer_init(&l->timer, timer_fired, l);
    l->region = phys_create_region(mem, PHYS_MMIO, APIC_PAGE, NULL, &lapic_mmio_ops, l);
    if (l->region < 0) {
        free(l);
        return NULL;
    }
    lapic_reset(l);
    return l;
}

void lapic_set_eoi_listener(struct lapic *l, void (*eoi)(void *opaque, uint8_t vector),
                            void *opaque)
{
    l->w.eoi = eoi;
    l->w.eoi_opaque = opaque;
}
