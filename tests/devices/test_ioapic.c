/* The 82093AA I/O APIC through IOREGSEL/IOWIN in its MMIO page: the ID,
 * version and arbitration registers, the redirection entries, edge and
 * level pins, remote IRR and the EOI; first with the APIC bus replaced by
 * a recorder, then with a local APIC behind it (82093AA datasheet, Intel
 * SDM vol. 3A chapter 10). */
#include <stdlib.h>

#include "harness.h"
#include "ioapic.h"
#include "lapic.h"
#include "memory.h"

#define BASE IOAPIC_DEFAULT_BASE
#define MAX_MESSAGES 16

struct fixture {
    struct phys_mem *mem;
    struct ioapic *io;
    struct apic_message sent[MAX_MESSAGES];
    unsigned nsent;
    bool refuse;                /* the APIC bus accepts nothing */
};

static bool record(void *opaque, const struct apic_message *msg)
{
    struct fixture *f = opaque;
    if (f->nsent < MAX_MESSAGES)
        f->sent[f->nsent] = *msg;
    f->nsent++;
    return !f->refuse;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->mem = phys_mem_create(1u << 20);
    f->io = ioapic_create(f->mem, BASE, record, f);
    return f;
}

static void teardown(struct fixture *f)
{
    ioapic_ops.destroy(f->io);
    phys_mem_destroy(f->mem);
    free(f);
}

static uint32_t rd(struct fixture *f, uint32_t index)
{
    phys_write(f->mem, BASE + IOAPIC_IOREGSEL, index, 4);
    return phys_read(f->mem, BASE + IOAPIC_IOWIN, 4);
}

static void wr(struct fixture *f, uint32_t index, uint32_t v)
{
    phys_write(f->mem, BASE + IOAPIC_IOREGSEL, index, 4);
    phys_write(f->mem, BASE + IOAPIC_IOWIN, v, 4);
}

static void program(struct fixture *f, int pin, uint64_t entry)
{
    wr(f, IOREDTBL + 2u * (unsigned)pin + 1, (uint32_t)(entry >> 32));
    wr(f, IOREDTBL + 2u * (unsigned)pin, (uint32_t)entry);
}

static uint32_t entry_low(struct fixture *f, int pin)
{
    return rd(f, IOREDTBL + 2u * (unsigned)pin);
}

static void pin(struct fixture *f, int n, int level)
{
    ioapic_set_irq(f->io, n, level);
}

/* ---- Registers ---- */

static void the_version_register_reads_0x170011_and_every_entry_starts_masked(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    CHECK_EQ(t, rd(f, IOAPICVER), 0x00170011);
    CHECK_EQ(t, rd(f, IOAPICID), 0);
    for (int n = 0; n < IOAPIC_PINS; n++) {
        CHECK_EQ(t, entry_low(f, n), IOREDTBL_MASKED);
        CHECK_EQ(t, rd(f, IOREDTBL + 2u * (unsigned)n + 1), 0);
    }
    teardown(f);
}

static void ioregsel_selects_the_register_iowin_shows(struct test_ctx *t)
{
    struct fixture *f = setup();
    phys_write(f->mem, BASE + IOAPIC_IOREGSEL, IOAPICVER, 4);
    CHECK_EQ(t, phys_read(f->mem, BASE + IOAPIC_IOREGSEL, 4), IOAPICVER);
    CHECK_EQ(t, phys_read(f->mem, BASE + IOAPIC_IOWIN, 4), 0x00170011);
    CHECK_EQ(t, phys_read(f->mem, BASE + IOAPIC_IOWIN + 2, 1), 0x17);  /* a byte of it */
    CHECK_EQ(t, phys_read(f->mem, BASE + 0x40, 4), 0);                /* nothing else */
    teardown(f);
}

static void the_id_keeps_bits_27_24_and_the_arbitration_id_follows_it(struct test_ctx *t)
{
    struct fixture *f = setup();
    wr(f, IOAPICID, 0xFFFFFFFFu);
    CHECK_EQ(t, rd(f, IOAPICID), 0x0F000000);
    wr(f, IOAPICID, 0x02000000);
    CHECK_EQ(t, rd(f, IOAPICID), 0x02000000);
    CHECK_EQ(t, rd(f, IOAPICARB), 0x02000000);
    wr(f, IOAPICARB, 0x05000000);                   /* read-only */
    CHECK_EQ(t, rd(f, IOAPICARB), 0x02000000);
    wr(f, IOAPICVER, 0);
    CHECK_EQ(t, rd(f, IOAPICVER), 0x00170011);
    teardown(f);
}

static void an_entry_keeps_what_software_writes_but_status_and_remote_irr(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 5, 0xFFFFFFFFFFFFFFFFull);
    CHECK_EQ(t, entry_low(f, 5), 0x0001AFFF);       /* polarity kept; bits 12, 14 read-only */
    CHECK_EQ(t, rd(f, IOREDTBL + 11), 0xFF000000);
    teardown(f);
}

/* ---- Edge and level pins ---- */

static void an_edge_pin_sends_one_message_per_rising_edge(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 2, 0x0300000000000830ull);           /* vector 0x30, logical, dest 3 */
    pin(f, 2, 1);
    pin(f, 2, 1);
    CHECK_EQ(t, f->nsent, 1);
    CHECK_EQ(t, f->sent[0].vector, 0x30);
    CHECK_EQ(t, f->sent[0].delivery, APIC_DM_FIXED);
    CHECK_EQ(t, f->sent[0].dest, 3);
    CHECK(t, f->sent[0].logical);
    CHECK(t, !f->sent[0].level);
    pin(f, 2, 0);
    pin(f, 2, 1);
    CHECK_EQ(t, f->nsent, 2);
    teardown(f);
}

static void a_masked_edge_is_lost(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 4, IOREDTBL_MASKED | 0x34);
    pin(f, 4, 1);
    pin(f, 4, 0);
    program(f, 4, 0x34);
    CHECK_EQ(t, f->nsent, 0);
    teardown(f);
}

static void a_level_pin_sets_remote_irr_and_sends_again_only_after_eoi(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 11, IOREDTBL_TRIGGER_LEVEL | IOREDTBL_POLARITY_LOW | 0x3B);
    pin(f, 11, 1);
    CHECK_EQ(t, f->nsent, 1);
    CHECK(t, f->sent[0].level);
    CHECK_EQ(t, entry_low(f, 11) & IOREDTBL_REMOTE_IRR, IOREDTBL_REMOTE_IRR);
    pin(f, 11, 1);
    CHECK_EQ(t, f->nsent, 1);                       /* remote IRR holds it */
    ioapic_eoi(f->io, 0x3C);                        /* another vector */
    CHECK_EQ(t, f->nsent, 1);
    ioapic_eoi(f->io, 0x3B);                        /* still asserted: again */
    CHECK_EQ(t, f->nsent, 2);
    pin(f, 11, 0);
    ioapic_eoi(f->io, 0x3B);
    CHECK_EQ(t, f->nsent, 2);
    CHECK_EQ(t, entry_low(f, 11) & IOREDTBL_REMOTE_IRR, 0);
    teardown(f);
}

static void unmasking_an_asserted_level_pin_sends_its_message(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 9, IOREDTBL_MASKED | IOREDTBL_TRIGGER_LEVEL | 0x39);
    pin(f, 9, 1);
    CHECK_EQ(t, f->nsent, 0);
    program(f, 9, IOREDTBL_TRIGGER_LEVEL | 0x39);
    CHECK_EQ(t, f->nsent, 1);
    teardown(f);
}

static void a_refused_level_message_leaves_remote_irr_clear(struct test_ctx *t)
{
    struct fixture *f = setup();
    f->refuse = true;
    program(f, 10, IOREDTBL_TRIGGER_LEVEL | 0x3A);
    pin(f, 10, 1);
    CHECK_EQ(t, entry_low(f, 10) & IOREDTBL_REMOTE_IRR, 0);
    teardown(f);
}

static void rewriting_an_entry_as_edge_triggered_clears_its_remote_irr(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 10, IOREDTBL_TRIGGER_LEVEL | 0x3A);
    pin(f, 10, 1);
    pin(f, 10, 0);
    CHECK_EQ(t, entry_low(f, 10) & IOREDTBL_REMOTE_IRR, IOREDTBL_REMOTE_IRR);
    program(f, 10, IOREDTBL_MASKED | 0x3A);         /* Linux's way to unstick a pin */
    program(f, 10, IOREDTBL_TRIGGER_LEVEL | 0x3A);
    CHECK_EQ(t, entry_low(f, 10) & IOREDTBL_REMOTE_IRR, 0);
    teardown(f);
}

static void nmi_and_extint_entries_act_on_edges_whatever_their_trigger_bit(struct test_ctx *t)
{
    struct fixture *f = setup();
    program(f, 0, IOREDTBL_TRIGGER_LEVEL | (uint64_t)APIC_DM_EXTINT << 8);
    pin(f, 0, 1);
    pin(f, 0, 1);
    CHECK_EQ(t, f->nsent, 1);
    CHECK_EQ(t, f->sent[0].delivery, APIC_DM_EXTINT);
    CHECK_EQ(t, entry_low(f, 0) & IOREDTBL_REMOTE_IRR, 0);
    program(f, 1, IOREDTBL_TRIGGER_LEVEL | (uint64_t)APIC_DM_NMI << 8);
    pin(f, 1, 1);
    CHECK_EQ(t, f->sent[1].delivery, APIC_DM_NMI);
    teardown(f);
}

static void pins_outside_0_to_23_are_ignored(struct test_ctx *t)
{
    struct fixture *f = setup();
    pin(f, 24, 1);
    pin(f, -1, 1);
    CHECK_EQ(t, f->nsent, 0);
    CHECK_EQ(t, rd(f, IOREDTBL + 48), 0);           /* past entry 23: nothing */
    teardown(f);
}

/* ---- With a local APIC on the bus ---- */

struct cpu_pins {
    int intr;
};

static void record_intr(void *opaque, int n, int level)
{
    struct cpu_pins *p = opaque;
    if (n == 0)
        p->intr = level;
}

static void a_level_interrupt_goes_round_from_pin_to_vector_to_eoi(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(1u << 20);
    struct clock clock;
    clock_init(&clock);
    struct cpu_pins cpu = { 0 };
    const struct lapic_wiring w = {
        .intr = { .set = record_intr, .opaque = &cpu, .n = 0 },
        .nmi = { .set = record_intr, .opaque = &cpu, .n = 1 },
        .init = { .set = record_intr, .opaque = &cpu, .n = 2 },
    };
    struct lapic *apic = lapic_create(mem, &clock, &w);
    struct ioapic *io = ioapic_create(mem, BASE, lapic_accept_message, apic);
    lapic_set_eoi_listener(apic, ioapic_eoi, io);
    lapic_write(apic, APIC_SVR, APIC_SVR_ENABLE | 0xFF);
    ioapic_write_register(io, IOREDTBL + 2 * 9, IOREDTBL_TRIGGER_LEVEL | 0x49);
    ioapic_set_irq(io, 9, 1);
    CHECK_EQ(t, cpu.intr, 1);
    CHECK_EQ(t, lapic_intr_ack(apic), 0x49);
    ioapic_set_irq(io, 9, 0);                       /* the handler quiets the device */
    lapic_write(apic, APIC_EOI, 0);
    CHECK_EQ(t, ioapic_read_register(io, IOREDTBL + 2 * 9) & IOREDTBL_REMOTE_IRR, 0);
    CHECK_EQ(t, cpu.intr, 0);
    ioapic_set_irq(io, 9, 1);                       /* and the next one comes */
    CHECK_EQ(t, cpu.intr, 1);
    ioapic_ops.destroy(io);
    lapic_ops.destroy(apic);
    phys_mem_destroy(mem);
}

int main(int argc, char **argv)
{
    static const struct test registers[] = {
        TEST(the_version_register_reads_0x170011_and_every_entry_starts_masked),
        TEST(ioregsel_selects_the_register_iowin_shows),
        TEST(the_id_keeps_bits_27_24_and_the_arbitration_id_follows_it),
        TEST(an_entry_keeps_what_software_writes_but_status_and_remote_irr),
    };
    static const struct test pins[] = {
        TEST(an_edge_pin_sends_one_message_per_rising_edge),
        TEST(a_masked_edge_is_lost),
        TEST(a_level_pin_sets_remote_irr_and_sends_again_only_after_eoi),
        TEST(unmasking_an_asserted_level_pin_sends_its_message),
        TEST(a_refused_level_message_leaves_remote_irr_clear),
        TEST(rewriting_an_entry_as_edge_triggered_clears_its_remote_irr),
        TEST(nmi_and_extint_entries_act_on_edges_whatever_their_trigger_bit),
        TEST(pins_outside_0_to_23_are_ignored),
        TEST(a_level_interrupt_goes_round_from_pin_to_vector_to_eoi),
    };
    static const struct suite s1 = SUITE("I/O APIC registers", registers);
    static const struct suite s2 = SUITE("redirection: edge, level, remote IRR", pins);
    const struct suite *const suites[] = { &s1, &s2 };
    return harness_run(argc, argv, suites, 2);
}
