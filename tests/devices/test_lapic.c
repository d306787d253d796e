/* The local APIC through its registers (the MMIO page, as the CPU reaches
 * it), with the CPU's pins, the 8259 behind LINT0 and the I/O APIC's EOI
 * input replaced by recorders, and a hand-advanced virtual clock running
 * the timer (Intel SDM vol. 3A chapter 10). */
#include <stdlib.h>

#include "device.h"
#include "harness.h"
#include "lapic.h"
#include "memory.h"

#define BASE LAPIC_DEFAULT_BASE

struct fixture {
    struct phys_mem *mem;
    struct clock clock;
    struct lapic *apic;
    int intr;                   /* the CPU's INTR as last driven */
    unsigned nmi_edges, init_edges;
    int nmi_level, init_level;
    unsigned pic_acks;          /* INTA cycles that reached the 8259 */
    int pic_vector;             /* what the 8259 answers */
    unsigned eois;              /* EOI broadcasts */
    int eoi_vector;
};

enum { PIN_INTR, PIN_NMI, PIN_INIT };

static void record_pin(void *opaque, int n, int level)
{
    struct fixture *f = opaque;
    if (n == PIN_INTR) {
        f->intr = level;
    } else if (n == PIN_NMI) {
        f->nmi_edges += level && !f->nmi_level;
        f->nmi_level = level;
    } else {
        f->init_edges += level && !f->init_level;
        f->init_level = level;
    }
}

static int pic_ack(void *opaque)
{
    struct fixture *f = opaque;
    f->pic_acks++;
    return f->pic_vector;
}

static void record_eoi(void *opaque, uint8_t vector)
{
    struct fixture *f = opaque;
    f->eois++;
    f->eoi_vector = vector;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->mem = phys_mem_create(1u << 20);
    clock_init(&f->clock);
    f->pic_vector = 0x08;
    const struct lapic_wiring w = {
        .intr = { .set = record_pin, .opaque = f, .n = PIN_INTR },
        .nmi = { .set = record_pin, .opaque = f, .n = PIN_NMI },
        .init = { .set = record_pin, .opaque = f, .n = PIN_INIT },
        .extint_ack = pic_ack, .extint_opaque = f,
        .eoi = record_eoi, .eoi_opaque = f,
    };
    f->apic = lapic_create(f->mem, &f->clock, &w);
    return f;
}

static void teardown(struct fixture *f)
{
    lapic_ops.destroy(f->apic);
    phys_mem_destroy(f->mem);
    free(f);
}

static uint32_t rd(struct fixture *f, uint32_t reg)
{
    return phys_read(f->mem, BASE + reg, 4);
}

static void wr(struct fixture *f, uint32_t reg, uint32_t v)
{
    phys_write(f->mem, BASE + reg, v, 4);
}

/* Software-enable with the spurious vector 0xFF, as a BIOS does. */
static void enable(struct fixture *f)
{
    wr(f, APIC_SVR, APIC_SVR_ENABLE | 0xFF);
}

static void self_ipi(struct fixture *f, uint8_t vector)
{
    wr(f, APIC_ICR_LOW, 1u << APIC_SHORTHAND_SHIFT | vector);
}

static int inta(struct fixture *f)
{
    return lapic_intr_ack(f->apic);
}

static bool bit_in(struct fixture *f, uint32_t bank, unsigned v)
{
    return (rd(f, bank + (v / 32) * 0x10) >> (v % 32)) & 1u;
}

/* Let virtual time reach ns, firing each timer at its deadline. */
static void run_to_ns(struct fixture *f, uint64_t ns)
{
    while (clock_next_deadline(&f->clock) <= ns) {
        uint64_t deadline = clock_next_deadline(&f->clock);
        if (deadline > f->clock.now)
            f->clock.now = deadline;
        clock_run_timers(&f->clock);
    }
    f->clock.now = ns;
}

/* Take every pending interrupt (INTA then EOI); returns how many. */
static unsigned drain(struct fixture *f)
{
    unsigned n = 0;
    while (f->intr) {
        inta(f);
        wr(f, APIC_EOI, 0);
        n++;
    }
    return n;
}

/* ---- Reset state ---- */

static void after_reset_the_apic_is_software_disabled_with_every_lvt_masked(struct test_ctx *t)
{
    struct fixture *f = setup();
    CHECK_EQ(t, rd(f, APIC_ID), 0);
    CHECK_EQ(t, rd(f, APIC_VERSION), 0x00040014);   /* P6 LVT: max entry 4 */
    CHECK_EQ(t, rd(f, APIC_SVR), 0xFF);
    CHECK_EQ(t, rd(f, APIC_DFR), 0xFFFFFFFFu);
    CHECK_EQ(t, rd(f, APIC_TPR), 0);
    CHECK_EQ(t, rd(f, APIC_LDR), 0);
    static const uint32_t lvts[] = { APIC_LVT_TIMER, APIC_LVT_PERF, APIC_LVT_LINT0,
                                     APIC_LVT_LINT1, APIC_LVT_ERROR };
    for (unsigned k = 0; k < 5; k++)
        CHECK_EQ(t, rd(f, lvts[k]), APIC_LVT_MASKED);
    CHECK_EQ(t, rd(f, APIC_TIMER_INITIAL), 0);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 0);
    CHECK_EQ(t, rd(f, APIC_TIMER_DIVIDE), 0);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void the_spurious_vector_keeps_bits_3_0_at_one_as_on_the_p6(struct test_ctx *t)
{
    struct fixture *f = setup();
    wr(f, APIC_SVR, 0x320);
    CHECK_EQ(t, rd(f, APIC_SVR), 0x32F);
    wr(f, APIC_SVR, 0xFFFFFFFFu);
    CHECK_EQ(t, rd(f, APIC_SVR), 0x3FF);            /* focus check bit 9, enable bit 8 */
    teardown(f);
}

static void the_id_ldr_and_dfr_keep_only_their_defined_bits(struct test_ctx *t)
{
    struct fixture *f = setup();
    wr(f, APIC_ID, 0x05FFFFFF);
    CHECK_EQ(t, rd(f, APIC_ID), 0x05000000);
    wr(f, APIC_LDR, 0x12345678);
    CHECK_EQ(t, rd(f, APIC_LDR), 0x12000000);
    wr(f, APIC_DFR, 0x0ABCDEF0);
    CHECK_EQ(t, rd(f, APIC_DFR), 0x0FFFFFFF);
    teardown(f);
}

/* ---- PIC mode and ExtINT ---- */

static void while_software_disabled_lint0_is_the_cpu_intr_and_inta_reaches_the_8259(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    lapic_set_lint(f->apic, 0, 1);
    CHECK_EQ(t, f->intr, 1);
    f->pic_vector = 0x20;
    CHECK_EQ(t, inta(f), 0x20);
    CHECK_EQ(t, f->pic_acks, 1);
    lapic_set_lint(f->apic, 0, 0);
    CHECK_EQ(t, f->intr, 0);
    lapic_set_lint(f->apic, 1, 1);                  /* LINT1 is the NMI pin */
    CHECK_EQ(t, f->nmi_edges, 1);
    teardown(f);
}

static void lint0_in_extint_mode_passes_the_8259_and_acknowledges_through_it(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT0, 0x8700);                  /* ExtINT, level: what SeaBIOS writes */
    CHECK_EQ(t, rd(f, APIC_LVT_LINT0), 0x8700);
    lapic_set_lint(f->apic, 0, 1);
    CHECK_EQ(t, f->intr, 1);
    f->pic_vector = 0x09;
    CHECK_EQ(t, inta(f), 0x09);
    CHECK_EQ(t, f->pic_acks, 1);
    CHECK_EQ(t, rd(f, APIC_ISR + 0x00), 0);         /* the APIC keeps no record */
    lapic_set_lint(f->apic, 0, 0);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void a_masked_lint0_holds_the_8259_back_once_the_apic_is_enabled(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT0, APIC_LVT_MASKED | 0x700);
    lapic_set_lint(f->apic, 0, 1);
    CHECK_EQ(t, f->intr, 0);
    wr(f, APIC_LVT_LINT0, 0x700);                   /* unmasking lets the level through */
    CHECK_EQ(t, f->intr, 1);
    teardown(f);
}

static void extint_goes_before_the_apic_s_own_requests(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT0, 0x700);
    self_ipi(f, 0x40);
    lapic_set_lint(f->apic, 0, 1);
    f->pic_vector = 0x21;
    CHECK_EQ(t, inta(f), 0x21);
    lapic_set_lint(f->apic, 0, 0);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x40);
    teardown(f);
}

static void lint1_as_nmi_pulses_the_cpu_nmi_on_each_rising_edge(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT1, 0x400);                   /* NMI */
    lapic_set_lint(f->apic, 1, 1);
    lapic_set_lint(f->apic, 1, 1);
    CHECK_EQ(t, f->nmi_edges, 1);
    lapic_set_lint(f->apic, 1, 0);
    lapic_set_lint(f->apic, 1, 1);
    CHECK_EQ(t, f->nmi_edges, 2);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void a_fixed_level_lint_waits_for_the_eoi_of_its_vector(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT0, APIC_TRIGGER_LEVEL | 0x50);
    lapic_set_lint(f->apic, 0, 1);
    CHECK_EQ(t, rd(f, APIC_LVT_LINT0) & APIC_REMOTE_IRR, APIC_REMOTE_IRR);
    CHECK_EQ(t, inta(f), 0x50);
    CHECK(t, bit_in(f, APIC_TMR, 0x50));
    CHECK_EQ(t, f->intr, 0);
    wr(f, APIC_EOI, 0);                             /* still asserted: requests again */
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x50);
    lapic_set_lint(f->apic, 0, 0);
    wr(f, APIC_EOI, 0);
    CHECK_EQ(t, rd(f, APIC_LVT_LINT0) & APIC_REMOTE_IRR, 0);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

/* ---- IRR, ISR, priorities, EOI ---- */

static void a_self_ipi_sets_irr_and_inta_moves_it_to_isr_until_eoi(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    self_ipi(f, 0x41);
    CHECK(t, bit_in(f, APIC_IRR, 0x41));
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, rd(f, APIC_ICR_LOW) & APIC_DELIVERY_STATUS, 0);
    CHECK_EQ(t, inta(f), 0x41);
    CHECK(t, !bit_in(f, APIC_IRR, 0x41));
    CHECK(t, bit_in(f, APIC_ISR, 0x41));
    CHECK_EQ(t, rd(f, APIC_PPR), 0x40);
    CHECK_EQ(t, f->intr, 0);
    wr(f, APIC_EOI, 0);
    CHECK(t, !bit_in(f, APIC_ISR, 0x41));
    CHECK_EQ(t, rd(f, APIC_PPR), 0);
    CHECK_EQ(t, f->eois, 0);                        /* edge-triggered: no broadcast */
    teardown(f);
}

static void a_higher_class_interrupts_a_lower_one_and_the_lower_waits_for_eoi(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    self_ipi(f, 0x51);
    CHECK_EQ(t, inta(f), 0x51);
    self_ipi(f, 0x52);                              /* same class: waits */
    CHECK_EQ(t, f->intr, 0);
    self_ipi(f, 0x90);                              /* higher class: nests */
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x90);
    wr(f, APIC_EOI, 0);                             /* ends 0x90, the highest in service */
    CHECK(t, bit_in(f, APIC_ISR, 0x51));
    CHECK_EQ(t, f->intr, 0);
    wr(f, APIC_EOI, 0);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x52);
    teardown(f);
}

static void tpr_masks_every_class_at_or_below_its_own(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_TPR, 0x65);
    CHECK_EQ(t, rd(f, APIC_PPR), 0x65);
    self_ipi(f, 0x6F);
    CHECK_EQ(t, f->intr, 0);
    self_ipi(f, 0x70);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x70);
    CHECK_EQ(t, rd(f, APIC_PPR), 0x70);             /* ISRV's class is above TPR's */
    wr(f, APIC_EOI, 0);
    CHECK_EQ(t, f->intr, 0);
    wr(f, APIC_TPR, 0x50);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x6F);
    teardown(f);
}

static void a_request_masked_between_intr_and_inta_gives_the_spurious_vector(struct test_ctx *t)
{
    struct fixture *f = setup();
    wr(f, APIC_SVR, APIC_SVR_ENABLE | 0xE0);
    self_ipi(f, 0x45);
    CHECK_EQ(t, f->intr, 1);
    wr(f, APIC_TPR, 0x80);
    CHECK_EQ(t, inta(f), 0xEF);                     /* bits 3:0 hardwired to 1 */
    CHECK(t, bit_in(f, APIC_IRR, 0x45));            /* still requested */
    CHECK(t, !bit_in(f, APIC_ISR, 0x45));
    teardown(f);
}

static void apr_follows_tpr_unless_a_higher_class_is_requested_or_in_service(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_TPR, 0x35);
    CHECK_EQ(t, rd(f, APIC_APR), 0x35);
    self_ipi(f, 0x42);
    CHECK_EQ(t, rd(f, APIC_APR), 0x40);
    teardown(f);
}

static void eoi_of_a_level_triggered_vector_is_broadcast_to_the_io_apic(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    struct apic_message msg = { .vector = 0x61, .delivery = APIC_DM_FIXED, .dest = 0,
                                .level = true };
    CHECK(t, lapic_accept_message(f->apic, &msg));
    CHECK(t, bit_in(f, APIC_TMR, 0x61));
    CHECK_EQ(t, inta(f), 0x61);
    wr(f, APIC_EOI, 0);
    CHECK_EQ(t, f->eois, 1);
    CHECK_EQ(t, f->eoi_vector, 0x61);
    teardown(f);
}

static void vectors_0_to_15_are_illegal_and_never_reach_irr(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    self_ipi(f, 0x0E);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, rd(f, APIC_ESR), 0);                /* latched only by an ESR write */
    wr(f, APIC_ESR, 0);
    CHECK_EQ(t, rd(f, APIC_ESR), APIC_ESR_SEND_ILLEGAL_VECTOR);
    struct apic_message msg = { .vector = 0x03, .delivery = APIC_DM_FIXED, .dest = 0 };
    lapic_accept_message(f->apic, &msg);
    wr(f, APIC_ESR, 0);
    CHECK_EQ(t, rd(f, APIC_ESR), APIC_ESR_RECEIVE_ILLEGAL_VECTOR);
    wr(f, APIC_ESR, 0);
    CHECK_EQ(t, rd(f, APIC_ESR), 0);
    CHECK_EQ(t, rd(f, APIC_IRR), 0);
    teardown(f);
}

static void a_reserved_register_sets_illegal_register_address_through_lvt_error(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_ERROR, 0xFE);
    CHECK_EQ(t, rd(f, APIC_LVT_THERMAL), 0);        /* no thermal LVT on the P6 */
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0xFE);
    wr(f, APIC_ESR, 0);
    CHECK_EQ(t, rd(f, APIC_ESR), APIC_ESR_ILLEGAL_REGISTER);
    teardown(f);
}

/* ---- IPIs ---- */

static void an_ipi_to_another_apic_id_is_accepted_by_nobody(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_ICR_HIGH, 0x03000000);
    wr(f, APIC_ICR_LOW, 0x40);
    CHECK_EQ(t, f->intr, 0);
    wr(f, APIC_ESR, 0);
    CHECK_EQ(t, rd(f, APIC_ESR), APIC_ESR_SEND_ACCEPT);
    wr(f, APIC_ICR_HIGH, 0);                        /* its own ID: accepted */
    wr(f, APIC_ICR_LOW, 0x40);
    CHECK_EQ(t, f->intr, 1);
    wr(f, APIC_ICR_LOW, 3u << APIC_SHORTHAND_SHIFT | 0x50);   /* all but self */
    CHECK(t, !bit_in(f, APIC_IRR, 0x50));
    wr(f, APIC_ICR_LOW, 2u << APIC_SHORTHAND_SHIFT | 0x50);   /* all including self */
    CHECK(t, bit_in(f, APIC_IRR, 0x50));
    teardown(f);
}

static void an_nmi_ipi_to_self_pulses_the_cpu_nmi(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_ICR_LOW, 0x400);                     /* NMI, physical, to ID 0 */
    CHECK_EQ(t, f->nmi_edges, 1);
    CHECK_EQ(t, f->nmi_level, 0);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void an_init_ipi_resets_the_apic_but_its_id_and_inits_the_cpu(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_ID, 0x02000000);
    wr(f, APIC_TPR, 0x20);
    wr(f, APIC_TIMER_INITIAL, 1000);
    wr(f, APIC_ICR_HIGH, 0x02000000);
    wr(f, APIC_ICR_LOW, APIC_LEVEL_ASSERT | 0x500);
    CHECK_EQ(t, f->init_edges, 1);
    CHECK_EQ(t, rd(f, APIC_ID), 0x02000000);
    CHECK_EQ(t, rd(f, APIC_TPR), 0);
    CHECK_EQ(t, rd(f, APIC_SVR), 0xFF);
    CHECK_EQ(t, rd(f, APIC_LVT_LINT0), APIC_LVT_MASKED);
    CHECK_EQ(t, clock_next_deadline(&f->clock), UINT64_MAX);  /* the timer stopped */
    enable(f);
    wr(f, APIC_ICR_HIGH, 0x02000000);               /* INIT level de-assert: no INIT */
    wr(f, APIC_ICR_LOW, APIC_TRIGGER_LEVEL | 0x500);
    CHECK_EQ(t, f->init_edges, 1);
    teardown(f);
}

static void a_start_up_ipi_to_the_bootstrap_processor_does_nothing(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_ICR_LOW, 0x000C4600 | 0x9F);         /* what SeaBIOS broadcasts */
    wr(f, APIC_ICR_LOW, 0x00004600 | 0x9F);         /* and to self by ID */
    CHECK_EQ(t, f->init_edges, 0);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

/* ---- Messages and destinations ---- */

static void messages_reach_the_apic_by_physical_id_or_logical_destination(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_ID, 0x01000000);
    wr(f, APIC_LDR, 0x04000000);
    struct apic_message msg = { .vector = 0x31, .delivery = APIC_DM_FIXED, .dest = 1 };
    CHECK(t, lapic_accept_message(f->apic, &msg));
    msg.dest = 0;
    CHECK(t, !lapic_accept_message(f->apic, &msg));
    msg.dest = 0xFF;
    CHECK(t, lapic_accept_message(f->apic, &msg));  /* broadcast */
    msg.logical = true;                             /* flat model: a bit of the LDR */
    msg.dest = 0x0C;
    CHECK(t, lapic_accept_message(f->apic, &msg));
    msg.dest = 0x03;
    CHECK(t, !lapic_accept_message(f->apic, &msg));
    wr(f, APIC_DFR, 0x0FFFFFFF);                    /* cluster model */
    wr(f, APIC_LDR, 0x21000000);                    /* cluster 2, member bit 0 */
    msg.dest = 0x21;
    CHECK(t, lapic_accept_message(f->apic, &msg));
    msg.dest = 0x11;
    CHECK(t, !lapic_accept_message(f->apic, &msg));
    msg.dest = 0x23;
    msg.delivery = APIC_DM_LOWEST;
    CHECK(t, lapic_accept_message(f->apic, &msg));
    teardown(f);
}

static void a_software_disabled_apic_takes_nmi_but_not_fixed_interrupts(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    self_ipi(f, 0x44);
    wr(f, APIC_SVR, 0xFF);                          /* software disable */
    struct apic_message msg = { .vector = 0x33, .delivery = APIC_DM_FIXED, .dest = 0 };
    CHECK(t, !lapic_accept_message(f->apic, &msg));
    msg.delivery = APIC_DM_NMI;
    CHECK(t, lapic_accept_message(f->apic, &msg));
    CHECK_EQ(t, f->nmi_edges, 1);
    CHECK(t, bit_in(f, APIC_IRR, 0x44));            /* pending requests are kept */
    wr(f, APIC_LVT_TIMER, 0x30);                    /* cannot be unmasked */
    CHECK_EQ(t, rd(f, APIC_LVT_TIMER), APIC_LVT_MASKED | 0x30);
    teardown(f);
}

static void software_disable_masks_every_lvt_entry(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT0, 0x700);
    wr(f, APIC_LVT_LINT1, 0x400);
    wr(f, APIC_LVT_TIMER, 0x30);
    wr(f, APIC_SVR, 0xFF);
    CHECK_EQ(t, rd(f, APIC_LVT_LINT0), APIC_LVT_MASKED | 0x700);
    CHECK_EQ(t, rd(f, APIC_LVT_LINT1), APIC_LVT_MASKED | 0x400);
    CHECK_EQ(t, rd(f, APIC_LVT_TIMER), APIC_LVT_MASKED | 0x30);
    teardown(f);
}

/* ---- IA32_APIC_BASE ---- */

static void a_new_apic_base_moves_the_register_page(struct test_ctx *t)
{
    struct fixture *f = setup();
    lapic_base_written(f->apic, 0xFED00000u | APIC_BASE_ENABLE | APIC_BASE_BSP);
    CHECK_EQ(t, phys_read(f->mem, 0xFED00000u + APIC_VERSION, 4), 0x00040014);
    CHECK_EQ(t, phys_read(f->mem, BASE + APIC_VERSION, 4), 0xFFFFFFFFu);
    lapic_base_written(f->apic, BASE | APIC_BASE_ENABLE | APIC_BASE_BSP);
    CHECK_EQ(t, rd(f, APIC_VERSION), 0x00040014);
    teardown(f);
}

static void clearing_the_global_enable_unmaps_the_apic_and_restores_pic_mode(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_LINT0, APIC_LVT_MASKED | 0x700);
    lapic_set_lint(f->apic, 0, 1);
    CHECK_EQ(t, f->intr, 0);
    lapic_base_written(f->apic, BASE | APIC_BASE_BSP);
    CHECK_EQ(t, rd(f, APIC_VERSION), 0xFFFFFFFFu);
    CHECK_EQ(t, f->intr, 1);                        /* LINT0 is INTR again */
    struct apic_message msg = { .vector = 0x40, .delivery = APIC_DM_NMI, .dest = 0 };
    CHECK(t, !lapic_accept_message(f->apic, &msg));
    lapic_base_written(f->apic, BASE | APIC_BASE_ENABLE | APIC_BASE_BSP);
    CHECK_EQ(t, rd(f, APIC_SVR), 0xFF);             /* back in its power-up state */
    teardown(f);
}

/* ---- The timer ---- */

static void the_one_shot_timer_counts_at_the_bus_clock_over_the_divider_and_fires_once(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_TIMER_DIVIDE, 0x3);                  /* divide by 16 */
    wr(f, APIC_LVT_TIMER, 0x30);
    wr(f, APIC_TIMER_INITIAL, 1000);                /* 1000 counts of 16 ns */
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 1000);
    run_to_ns(f, 16 * 250 + 15);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 750);
    CHECK_EQ(t, f->intr, 0);
    run_to_ns(f, 16 * 1000 - 1);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 1);
    CHECK_EQ(t, f->intr, 0);
    run_to_ns(f, 16 * 1000);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 0);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x30);
    wr(f, APIC_EOI, 0);
    run_to_ns(f, 16 * 100000);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 0);
    teardown(f);
}

static void the_divider_codes_give_1_to_128(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    static const struct { uint32_t code, divisor; } codes[] = {
        { 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
        { 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 },
    };
    for (unsigned k = 0; k < 8; k++) {
        wr(f, APIC_TIMER_DIVIDE, codes[k].code);
        CHECK_EQ(t, rd(f, APIC_TIMER_DIVIDE), codes[k].code);
        wr(f, APIC_TIMER_INITIAL, 100000);
        run_to_ns(f, f->clock.now + 10 * codes[k].divisor);
        CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 100000 - 10);
    }
    teardown(f);
}

static void the_periodic_timer_reloads_its_initial_count_every_period(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_TIMER_DIVIDE, 0xB);                  /* divide by 1: 1 count per ns */
    wr(f, APIC_LVT_TIMER, APIC_TIMER_PERIODIC | 0x31);
    wr(f, APIC_TIMER_INITIAL, 500);
    unsigned fired = 0;
    for (uint64_t ns = 100; ns <= 5000; ns += 100) {
        run_to_ns(f, ns);
        fired += drain(f);
    }
    CHECK_EQ(t, fired, 10);
    run_to_ns(f, 5200);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 300);    /* 200 counts into the 11th period */
    teardown(f);
}

static void changing_the_divider_mid_count_keeps_the_count_reached(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_TIMER, 0x32);
    wr(f, APIC_TIMER_DIVIDE, 0xB);
    wr(f, APIC_TIMER_INITIAL, 1000);
    run_to_ns(f, 400);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 600);
    wr(f, APIC_TIMER_DIVIDE, 0x0);                  /* now by 2 */
    run_to_ns(f, 400 + 2 * 300);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 300);
    CHECK_EQ(t, f->intr, 0);
    run_to_ns(f, 400 + 2 * 600);
    CHECK_EQ(t, f->intr, 1);
    teardown(f);
}

static void a_masked_timer_counts_but_does_not_interrupt(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_PERIODIC | 0x33);
    wr(f, APIC_TIMER_DIVIDE, 0xB);
    wr(f, APIC_TIMER_INITIAL, 100);
    run_to_ns(f, 1050);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 50);
    teardown(f);
}

static void writing_a_zero_initial_count_stops_the_timer(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_LVT_TIMER, APIC_TIMER_PERIODIC | 0x34);
    wr(f, APIC_TIMER_INITIAL, 100);
    wr(f, APIC_TIMER_INITIAL, 0);
    CHECK_EQ(t, clock_next_deadline(&f->clock), UINT64_MAX);
    run_to_ns(f, 100000);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, rd(f, APIC_TIMER_CURRENT), 0);
    teardown(f);
}

static void the_state_survives_a_save_and_load_with_the_timer_still_armed(struct test_ctx *t)
{
    struct fixture *f = setup();
    enable(f);
    wr(f, APIC_TPR, 0x20);
    wr(f, APIC_LVT_TIMER, 0x35);
    wr(f, APIC_TIMER_DIVIDE, 0xB);
    wr(f, APIC_TIMER_INITIAL, 1000);
    struct device_list list = { 0 };
    device_add(&list, &lapic_ops, f->apic);
    size_t need = devices_save(&list, NULL, 0);
    uint8_t *image = malloc(need);
    devices_save(&list, image, need);
    wr(f, APIC_TPR, 0);
    wr(f, APIC_TIMER_INITIAL, 0);
    CHECK_EQ(t, devices_load(&list, image, need), 0);
    CHECK_EQ(t, rd(f, APIC_TPR), 0x20);
    run_to_ns(f, 1000);
    CHECK_EQ(t, f->intr, 1);
    free(image);
    teardown(f);
}

int main(int argc, char **argv)
{
    static const struct test registers[] = {
        TEST(after_reset_the_apic_is_software_disabled_with_every_lvt_masked),
        TEST(the_spurious_vector_keeps_bits_3_0_at_one_as_on_the_p6),
        TEST(the_id_ldr_and_dfr_keep_only_their_defined_bits),
        TEST(a_new_apic_base_moves_the_register_page),
        TEST(clearing_the_global_enable_unmaps_the_apic_and_restores_pic_mode),
        TEST(the_state_survives_a_save_and_load_with_the_timer_still_armed),
    };
    static const struct test lint[] = {
        TEST(while_software_disabled_lint0_is_the_cpu_intr_and_inta_reaches_the_8259),
        TEST(lint0_in_extint_mode_passes_the_8259_and_acknowledges_through_it),
        TEST(a_masked_lint0_holds_the_8259_back_once_the_apic_is_enabled),
        TEST(extint_goes_before_the_apic_s_own_requests),
        TEST(lint1_as_nmi_pulses_the_cpu_nmi_on_each_rising_edge),
        TEST(a_fixed_level_lint_waits_for_the_eoi_of_its_vector),
    };
    static const struct test priority[] = {
        TEST(a_self_ipi_sets_irr_and_inta_moves_it_to_isr_until_eoi),
        TEST(a_higher_class_interrupts_a_lower_one_and_the_lower_waits_for_eoi),
        TEST(tpr_masks_every_class_at_or_below_its_own),
        TEST(a_request_masked_between_intr_and_inta_gives_the_spurious_vector),
        TEST(apr_follows_tpr_unless_a_higher_class_is_requested_or_in_service),
        TEST(eoi_of_a_level_triggered_vector_is_broadcast_to_the_io_apic),
        TEST(vectors_0_to_15_are_illegal_and_never_reach_irr),
        TEST(a_reserved_register_sets_illegal_register_address_through_lvt_error),
    };
    static const struct test ipis[] = {
        TEST(an_ipi_to_another_apic_id_is_accepted_by_nobody),
        TEST(an_nmi_ipi_to_self_pulses_the_cpu_nmi),
        TEST(an_init_ipi_resets_the_apic_but_its_id_and_inits_the_cpu),
        TEST(a_start_up_ipi_to_the_bootstrap_processor_does_nothing),
        TEST(messages_reach_the_apic_by_physical_id_or_logical_destination),
        TEST(a_software_disabled_apic_takes_nmi_but_not_fixed_interrupts),
        TEST(software_disable_masks_every_lvt_entry),
    };
    static const struct test timer[] = {
        TEST(the_one_shot_timer_counts_at_the_bus_clock_over_the_divider_and_fires_once),
        TEST(the_divider_codes_give_1_to_128),
        TEST(the_periodic_timer_reloads_its_initial_count_every_period),
        TEST(changing_the_divider_mid_count_keeps_the_count_reached),
        TEST(a_masked_timer_counts_but_does_not_interrupt),
        TEST(writing_a_zero_initial_count_stops_the_timer),
    };
    static const struct suite s1 = SUITE("local APIC registers and IA32_APIC_BASE", registers);
    static const struct suite s2 = SUITE("LINT0, LINT1, PIC mode and ExtINT", lint);
    static const struct suite s3 = SUITE("IRR, ISR, priorities and EOI", priority);
    static const struct suite s4 = SUITE("IPIs and messages", ipis);
    static const struct suite s5 = SUITE("the APIC timer", timer);
    const struct suite *const suites[] = { &s1, &s2, &s3, &s4, &s5 };
    return harness_run(argc, argv, suites, 5);
}
