/* The i8259A pair, driven through its ports like a guest does: the
 * initialization sequence, priorities and EOIs, cascade, triggering,
 * poll, special modes, spurious interrupts. */
#include <stdlib.h>

#include "device.h"
#include "harness.h"
#include "i8259_pic.h"

struct fixture {
    struct io_bus io;
    struct i8259_pair *pic;
    int intr;               /* the INT output as last driven */
};

static void record_intr(void *opaque, int n, int level)
{
    struct fixture *f = opaque;
    (void)n;
    f->intr = level;
}

static void out8(struct fixture *f, uint32_t port, uint8_t v)
{
    io_write(&f->io, port, v, 1);
}

static uint8_t in8(struct fixture *f, uint32_t port)
{
    return (uint8_t)io_read(&f->io, port, 1);
}

/* The BIOS's initialization: vectors 0x08 and 0x70, slave on IR2,
 * 8086 mode, every IRQ unmasked. icw4 is the ICW4 for both chips. */
static void init_pair(struct fixture *f, uint8_t icw4)
{
    out8(f, 0x20, 0x11);
    out8(f, 0x21, 0x08);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, icw4);
    out8(f, 0xA0, 0x11);
    out8(f, 0xA1, 0x70);
    out8(f, 0xA1, 0x02);
    out8(f, 0xA1, icw4);
    out8(f, 0x21, 0x00);
    out8(f, 0xA1, 0x00);
}

static struct fixture *setup_with(uint8_t icw4)
{
    struct fixture *f = calloc(1, sizeof *f);
    io_bus_init(&f->io);
    f->pic = i8259_create(&f->io);
    struct irq_line intr = { .set = record_intr, .opaque = f, .n = 0 };
    i8259_set_intr_output(f->pic, intr);
    init_pair(f, icw4);
    return f;
}

static struct fixture *setup(void)
{
    return setup_with(0x01);
}

static void teardown(struct fixture *f)
{
    i8259_ops.destroy(f->pic);
    free(f);
}

static void irq(struct fixture *f, int n, int level)
{
    i8259_set_irq(f->pic, n, level);
}

static void pulse(struct fixture *f, int n)
{
    irq(f, n, 1);
    irq(f, n, 0);
}

static int inta(struct fixture *f)
{
    return i8259_intr_ack(f->pic);
}

static uint8_t read_isr(struct fixture *f, uint32_t port)
{
    out8(f, port, 0x0B);
    return in8(f, port);
}

static uint8_t read_irr(struct fixture *f, uint32_t port)
{
    out8(f, port, 0x0A);
    return in8(f, port);
}

static void an_unmasked_edge_request_raises_intr_and_inta_returns_its_vector(struct test_ctx *t)
{
    struct fixture *f = setup();
    CHECK_EQ(t, f->intr, 0);
    pulse(f, 3);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, read_irr(f, 0x20), 0x08);
    CHECK_EQ(t, inta(f), 0x0B);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, read_isr(f, 0x20), 0x08);
    CHECK_EQ(t, read_irr(f, 0x20), 0x00);
    teardown(f);
}

static void a_masked_request_waits_in_irr_until_it_is_unmasked(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x21, 0x10);
    CHECK_EQ(t, in8(f, 0x21), 0x10);
    pulse(f, 4);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, read_irr(f, 0x20), 0x10);
    out8(f, 0x21, 0x00);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x0C);
    teardown(f);
}

static void a_lower_priority_request_waits_for_the_eoi_of_a_higher_level(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 1);
    CHECK_EQ(t, inta(f), 0x09);
    pulse(f, 5);
    CHECK_EQ(t, f->intr, 0);
    out8(f, 0x20, 0x20);        /* non-specific EOI */
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x0D);
    teardown(f);
}

static void a_higher_priority_request_interrupts_a_lower_level_in_service(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 6);
    CHECK_EQ(t, inta(f), 0x0E);
    pulse(f, 3);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x0B);
    CHECK_EQ(t, read_isr(f, 0x20), 0x48);
    teardown(f);
}

static void a_non_specific_eoi_clears_the_highest_priority_in_service_bit(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 6);
    inta(f);
    pulse(f, 3);
    inta(f);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, read_isr(f, 0x20), 0x40);
    teardown(f);
}

static void a_specific_eoi_clears_only_the_named_in_service_bit(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 6);
    inta(f);
    pulse(f, 3);
    inta(f);
    out8(f, 0x20, 0x66);        /* specific EOI, level 6 */
    CHECK_EQ(t, read_isr(f, 0x20), 0x08);
    teardown(f);
}

static void a_slave_request_arrives_through_ir2_with_the_slave_vector(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 12);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x74);
    CHECK_EQ(t, read_isr(f, 0x20), 0x04);
    CHECK_EQ(t, read_isr(f, 0xA0), 0x10);
    CHECK_EQ(t, f->intr, 0);
    out8(f, 0xA0, 0x20);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, read_isr(f, 0x20), 0x00);
    CHECK_EQ(t, read_isr(f, 0xA0), 0x00);
    teardown(f);
}

static void a_second_slave_request_follows_after_both_eois(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 14);
    pulse(f, 15);
    CHECK_EQ(t, inta(f), 0x76);
    CHECK_EQ(t, f->intr, 0);
    out8(f, 0xA0, 0x20);        /* slave first, as Linux does */
    CHECK_EQ(t, f->intr, 0);    /* the master's IR2 is still in service */
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x77);
    teardown(f);
}

static void an_edge_request_latched_by_a_pulse_is_delivered_once(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 4);
    CHECK_EQ(t, inta(f), 0x0C);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, read_irr(f, 0x20), 0x00);
    irq(f, 4, 1);               /* a held line needs a new edge */
    inta(f);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void a_level_triggered_irq_requests_again_after_eoi_while_its_line_is_high(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x4D1, 0x08);       /* IRQ 11 level-triggered */
    CHECK_EQ(t, in8(f, 0x4D1), 0x08);
    irq(f, 11, 1);
    CHECK_EQ(t, inta(f), 0x73);
    out8(f, 0xA0, 0x20);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x73);
    irq(f, 11, 0);
    out8(f, 0xA0, 0x20);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void a_level_request_that_vanishes_before_inta_gives_spurious_irq_7(struct test_ctx *t)
{
    struct fixture *f = setup();
    i8259_set_elcr(f->pic, 0x0020);
    irq(f, 5, 1);
    CHECK_EQ(t, f->intr, 1);
    irq(f, 5, 0);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, inta(f), 0x0F);
    CHECK_EQ(t, read_isr(f, 0x20), 0x00);
    teardown(f);
}

static void a_slave_request_that_vanishes_gives_irq_15_with_the_master_ir2_in_service(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    i8259_set_elcr(f->pic, 0x0200);     /* IRQ 9 level-triggered */
    irq(f, 9, 1);
    irq(f, 9, 0);                       /* the master latched the slave's edge */
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x77);
    CHECK_EQ(t, read_isr(f, 0xA0), 0x00);
    CHECK_EQ(t, read_isr(f, 0x20), 0x04);
    teardown(f);
}

static void auto_eoi_leaves_nothing_in_service(struct test_ctx *t)
{
    struct fixture *f = setup_with(0x03);
    pulse(f, 1);
    CHECK_EQ(t, inta(f), 0x09);
    CHECK_EQ(t, read_isr(f, 0x20), 0x00);
    pulse(f, 4);
    CHECK_EQ(t, f->intr, 1);
    teardown(f);
}

static void rotate_on_non_specific_eoi_makes_the_serviced_level_lowest(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 0);
    inta(f);
    out8(f, 0x20, 0xA0);        /* rotate on non-specific EOI */
    pulse(f, 0);
    pulse(f, 1);
    CHECK_EQ(t, inta(f), 0x09);  /* IR1 is now the highest, IR0 the lowest */
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, inta(f), 0x08);
    teardown(f);
}

static void rotate_on_specific_eoi_and_set_priority_move_the_lowest_level(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x20, 0xC4);        /* set priority: IR4 lowest, IR5 highest */
    pulse(f, 3);
    pulse(f, 5);
    CHECK_EQ(t, inta(f), 0x0D);
    out8(f, 0x20, 0xE5);        /* rotate on specific EOI 5: IR6 highest */
    CHECK_EQ(t, read_isr(f, 0x20), 0x00);
    pulse(f, 6);
    CHECK_EQ(t, inta(f), 0x0E);
    teardown(f);
}

static void rotate_in_auto_eoi_mode_rotates_on_each_acknowledge(struct test_ctx *t)
{
    struct fixture *f = setup_with(0x03);
    out8(f, 0x20, 0x80);        /* set rotate in automatic EOI mode */
    pulse(f, 3);
    pulse(f, 4);
    CHECK_EQ(t, inta(f), 0x0B);  /* IR3 first, then it becomes lowest */
    pulse(f, 3);
    CHECK_EQ(t, inta(f), 0x0C);
    CHECK_EQ(t, inta(f), 0x0B);
    teardown(f);
}

static void the_poll_command_returns_the_highest_request_and_acknowledges_it(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x21, 0xFF);        /* polled systems mask everything... */
    pulse(f, 6);
    out8(f, 0x21, 0x00);        /* ...or not; poll works either way */
    pulse(f, 5);
    out8(f, 0x20, 0x0C);        /* OCW3 poll */
    CHECK_EQ(t, in8(f, 0x20), 0x85);
    CHECK_EQ(t, read_isr(f, 0x20), 0x20);
    out8(f, 0x20, 0x0C);
    CHECK_EQ(t, in8(f, 0x21), 0x00);    /* IR6 is below IR5 in service */
    out8(f, 0x20, 0x20);
    out8(f, 0x20, 0x0C);
    CHECK_EQ(t, in8(f, 0x21), 0x86);    /* either address answers the poll */
    teardown(f);
}

static void ocw3_selects_whether_the_command_port_reads_irr_or_isr(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 7);
    pulse(f, 1);
    inta(f);
    CHECK_EQ(t, read_irr(f, 0x20), 0x80);
    CHECK_EQ(t, in8(f, 0x20), 0x80);    /* the choice sticks */
    CHECK_EQ(t, read_isr(f, 0x20), 0x02);
    CHECK_EQ(t, in8(f, 0x20), 0x02);
    out8(f, 0x20, 0x08);                /* OCW3 without RR leaves it */
    CHECK_EQ(t, in8(f, 0x20), 0x02);
    teardown(f);
}

static void special_mask_mode_lets_lower_levels_interrupt_a_masked_level(struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 3);
    CHECK_EQ(t, inta(f), 0x0B);
    out8(f, 0x21, 0x08);        /* the routine masks its own level */
    out8(f, 0x20, 0x68);        /* set special mask mode */
    pulse(f, 6);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x0E);
    out8(f, 0x20, 0x66);
    out8(f, 0x20, 0x48);        /* reset special mask mode */
    pulse(f, 7);
    CHECK_EQ(t, f->intr, 0);    /* IR3 in service blocks IR7 again */
    teardown(f);
}

static void special_fully_nested_mode_passes_a_higher_slave_request_while_the_slave_is_in_service(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x20, 0x11);        /* master again, with SFNM */
    out8(f, 0x21, 0x08);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, 0x11);
    pulse(f, 13);
    CHECK_EQ(t, inta(f), 0x75);
    pulse(f, 9);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, inta(f), 0x71);
    CHECK_EQ(t, read_isr(f, 0xA0), 0x22);
    teardown(f);
}

static void without_special_fully_nested_mode_the_slave_in_service_blocks_the_cascade(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    pulse(f, 13);
    inta(f);
    pulse(f, 9);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void icw1_clears_the_mask_the_requests_and_the_in_service_levels(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x21, 0xF0);
    pulse(f, 5);                /* masked: waits in IRR */
    pulse(f, 1);
    inta(f);                    /* IR1 in service */
    out8(f, 0x20, 0x11);
    CHECK_EQ(t, in8(f, 0x20), 0x00);    /* IRR, and reads select IRR again */
    out8(f, 0x21, 0x08);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, 0x01);
    CHECK_EQ(t, in8(f, 0x21), 0x00);
    CHECK_EQ(t, read_isr(f, 0x20), 0x00);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void the_icw_sequence_sets_the_vector_base_and_the_mask_follows(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x21, 0xF0);
    irq(f, 1, 1);               /* line held high */
    out8(f, 0x20, 0x11);
    CHECK_EQ(t, in8(f, 0x21), 0x00);
    out8(f, 0x21, 0x20);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, 0x01);
    CHECK_EQ(t, f->intr, 0);    /* the held line is not a new edge */
    irq(f, 1, 0);
    irq(f, 1, 1);
    CHECK_EQ(t, inta(f), 0x21);
    out8(f, 0x21, 0xFE);
    CHECK_EQ(t, in8(f, 0x21), 0xFE);
    teardown(f);
}

static void ltim_in_icw1_makes_every_input_level_triggered(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x20, 0x19);
    out8(f, 0x21, 0x08);
    out8(f, 0x21, 0x04);
    out8(f, 0x21, 0x01);
    irq(f, 4, 1);
    CHECK_EQ(t, inta(f), 0x0C);
    out8(f, 0x20, 0x20);
    CHECK_EQ(t, f->intr, 1);
    irq(f, 4, 0);
    CHECK_EQ(t, f->intr, 0);
    teardown(f);
}

static void elcr_bits_for_irq_0_1_2_8_and_13_stay_edge_triggered(struct test_ctx *t)
{
    struct fixture *f = setup();
    io_write(&f->io, 0x4D0, 0xFFFF, 2);
    CHECK_EQ(t, io_read(&f->io, 0x4D0, 2), 0xDEF8);
    i8259_set_elcr(f->pic, 0);
    CHECK_EQ(t, in8(f, 0x4D0), 0x00);
    teardown(f);
}

static void irq_2_is_the_cascade_and_no_device_can_drive_it(struct test_ctx *t)
{
    struct fixture *f = setup();
    irq(f, 2, 1);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, read_irr(f, 0x20), 0x00);
    teardown(f);
}

static void a_snapshot_restores_the_registers_and_the_intr_level(struct test_ctx *t)
{
    struct fixture *f = setup();
    struct device_list list = { .count = 0 };
    device_add(&list, &i8259_ops, f->pic);
    out8(f, 0x21, 0x80);
    pulse(f, 5);
    uint8_t buf[256];
    size_t n = devices_save(&list, buf, sizeof buf);
    CHECK(t, n <= sizeof buf);
    inta(f);
    out8(f, 0x21, 0x00);
    CHECK_EQ(t, f->intr, 0);
    CHECK_EQ(t, devices_load(&list, buf, n), 0);
    CHECK_EQ(t, f->intr, 1);
    CHECK_EQ(t, in8(f, 0x21), 0x80);
    CHECK_EQ(t, inta(f), 0x0D);
    teardown(f);
}

static const struct test pic_tests[] = {
    TEST(an_unmasked_edge_request_raises_intr_and_inta_returns_its_vector),
    TEST(a_masked_request_waits_in_irr_until_it_is_unmasked),
    TEST(a_lower_priority_request_waits_for_the_eoi_of_a_higher_level),
    TEST(a_higher_priority_request_interrupts_a_lower_level_in_service),
    TEST(a_non_specific_eoi_clears_the_highest_priority_in_service_bit),
    TEST(a_specific_eoi_clears_only_the_named_in_service_bit),
    TEST(a_slave_request_arrives_through_ir2_with_the_slave_vector),
    TEST(a_second_slave_request_follows_after_both_eois),
    TEST(an_edge_request_latched_by_a_pulse_is_delivered_once),
    TEST(a_level_triggered_irq_requests_again_after_eoi_while_its_line_is_high),
    TEST(a_level_request_that_vanishes_before_inta_gives_spurious_irq_7),
    TEST(a_slave_request_that_vanishes_gives_irq_15_with_the_master_ir2_in_service),
    TEST(auto_eoi_leaves_nothing_in_service),
    TEST(rotate_on_non_specific_eoi_makes_the_serviced_level_lowest),
    TEST(rotate_on_specific_eoi_and_set_priority_move_the_lowest_level),
    TEST(rotate_in_auto_eoi_mode_rotates_on_each_acknowledge),
    TEST(the_poll_command_returns_the_highest_request_and_acknowledges_it),
    TEST(ocw3_selects_whether_the_command_port_reads_irr_or_isr),
    TEST(special_mask_mode_lets_lower_levels_interrupt_a_masked_level),
    TEST(special_fully_nested_mode_passes_a_higher_slave_request_while_the_slave_is_in_service),
    TEST(without_special_fully_nested_mode_the_slave_in_service_blocks_the_cascade),
    TEST(icw1_clears_the_mask_the_requests_and_the_in_service_levels),
    TEST(the_icw_sequence_sets_the_vector_base_and_the_mask_follows),
    TEST(ltim_in_icw1_makes_every_input_level_triggered),
    TEST(elcr_bits_for_irq_0_1_2_8_and_13_stay_edge_triggered),
    TEST(irq_2_is_the_cascade_and_no_device_can_drive_it),
    TEST(a_snapshot_restores_the_registers_and_the_intr_level),
};

static const struct suite pic_suite = SUITE("i8259", pic_tests);

int main(int argc, char **argv)
{
    const struct suite *suites[] = { &pic_suite };
    return harness_run(argc, argv, suites, 1);
}
