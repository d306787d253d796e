/* The 82C54 PIT and port 0x61, driven through their ports while a
 * hand-advanced virtual clock runs the timers: the six modes, BCD, the
 * access modes and flip-flops, latches, read-back, GATE, OUT and IRQ 0. */
#include <stdlib.h>

#include "device.h"
#include "harness.h"
#include "i8254_pit.h"
#include "port61.h"

struct fixture {
    struct io_bus io;
    struct clock clock;
    struct i8254 *pit;
    struct port61 *port61;
    int out0;                   /* IRQ 0 as last driven */
    unsigned rising_edges;
    uint64_t last_edge_ns;
};

static void record_out0(void *opaque, int n, int level)
{
    struct fixture *f = opaque;
    (void)n;
    if (level && !f->out0) {
        f->rising_edges++;
        f->last_edge_ns = clock_ns(&f->clock);
    }
    f->out0 = level;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    io_bus_init(&f->io);
    clock_init(&f->clock);
    struct irq_line out0 = { .set = record_out0, .opaque = f, .n = 0 };
    f->pit = i8254_create(&f->io, &f->clock, out0);
    f->port61 = port61_create(&f->io, &f->clock, f->pit);
    return f;
}

static void teardown(struct fixture *f)
{
    port61_ops.destroy(f->port61);
    i8254_ops.destroy(f->pit);
    free(f);
}

/* Let virtual time reach ns, firing each timer at its deadline as the
 * machine's run loop does. */
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

static void run_to_pulse(struct fixture *f, uint64_t pulse)
{
    run_to_ns(f, i8254_ns_of_pulse(pulse));
}

static void out8(struct fixture *f, uint32_t port, uint8_t v)
{
    io_write(&f->io, port, v, 1);
}

static uint8_t in8(struct fixture *f, uint32_t port)
{
    return (uint8_t)io_read(&f->io, port, 1);
}

static void control(struct fixture *f, uint8_t v)
{
    out8(f, 0x43, v);
}

static void write_word(struct fixture *f, int counter, uint16_t count)
{
    out8(f, 0x40 + (uint32_t)counter, (uint8_t)count);
    out8(f, 0x40 + (uint32_t)counter, (uint8_t)(count >> 8));
}

static uint16_t read_word(struct fixture *f, int counter)
{
    uint8_t lsb = in8(f, 0x40 + (uint32_t)counter);
    return (uint16_t)(lsb | in8(f, 0x40 + (uint32_t)counter) << 8);
}

/* Counter latch, then both bytes. */
static uint16_t latched_count(struct fixture *f, int counter)
{
    control(f, (uint8_t)(counter << 6));
    return read_word(f, counter);
}

static uint8_t status(struct fixture *f, int counter)
{
    control(f, (uint8_t)(0xE0 | 2 << counter));     /* read-back: status only */
    return in8(f, 0x40 + (uint32_t)counter);
}

static bool out2(struct fixture *f)
{
    return (in8(f, 0x61) & PORT61_TIMER2_OUT) != 0;
}

static void mode_0_raises_out_n_plus_1_pulses_after_the_count_is_written(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x30);           /* counter 0, LSB then MSB, mode 0 */
    CHECK_EQ(t, f->out0, 0);
    write_word(f, 0, 10);
    run_to_pulse(f, 10);
    CHECK_EQ(t, f->out0, 0);
    CHECK_EQ(t, latched_count(f, 0), 1);
    run_to_pulse(f, 11);
    CHECK_EQ(t, f->out0, 1);
    CHECK_EQ(t, f->rising_edges, 1);
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(11));
    run_to_pulse(f, 100000);
    CHECK_EQ(t, f->rising_edges, 1);    /* one shot: no further interrupt */
    teardown(f);
}

static void mode_0_counts_down_through_zero_and_wraps_to_ffff(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x30);
    write_word(f, 0, 0x1000);
    run_to_pulse(f, 1 + 0x100);
    CHECK_EQ(t, read_word(f, 0), 0x0F00);
    run_to_pulse(f, 1 + 0x1000);
    CHECK_EQ(t, read_word(f, 0), 0x0000);
    run_to_pulse(f, 2 + 0x1000);
    CHECK_EQ(t, read_word(f, 0), 0xFFFF);
    CHECK_EQ(t, f->out0, 1);
    teardown(f);
}

static void mode_0_stops_counting_while_gate_is_low(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x61, PORT61_TIMER2_GATE);
    control(f, 0xB0);           /* counter 2, mode 0 */
    write_word(f, 2, 100);
    run_to_pulse(f, 41);
    CHECK_EQ(t, latched_count(f, 2), 60);
    out8(f, 0x61, 0);
    run_to_pulse(f, 1000);
    CHECK_EQ(t, latched_count(f, 2), 60);
    CHECK(t, !out2(f));
    out8(f, 0x61, PORT61_TIMER2_GATE);
    run_to_pulse(f, 1059);
    CHECK(t, !out2(f));
    run_to_pulse(f, 1060);
    CHECK(t, out2(f));
    teardown(f);
}

static void mode_0_first_byte_stops_the_count_until_the_second_byte(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x30);
    write_word(f, 0, 1000);
    run_to_pulse(f, 101);
    out8(f, 0x40, 0x34);        /* LSB of a new count */
    run_to_pulse(f, 500);
    CHECK_EQ(t, latched_count(f, 0), 900);
    out8(f, 0x40, 0x12);        /* MSB: 0x1234 loads on the next pulse */
    run_to_pulse(f, 501);
    CHECK_EQ(t, latched_count(f, 0), 0x1234);
    CHECK_EQ(t, f->out0, 0);
    teardown(f);
}

static void mode_1_a_gate_trigger_starts_a_one_shot_low_for_n_pulses(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0xB2);           /* counter 2, mode 1 */
    write_word(f, 2, 50);
    run_to_pulse(f, 100);
    CHECK(t, out2(f));          /* no trigger yet */
    out8(f, 0x61, PORT61_TIMER2_GATE);
    run_to_pulse(f, 101);
    CHECK(t, !out2(f));
    run_to_pulse(f, 150);
    CHECK(t, !out2(f));
    run_to_pulse(f, 151);
    CHECK(t, out2(f));
    out8(f, 0x61, 0);           /* retrigger */
    out8(f, 0x61, PORT61_TIMER2_GATE);
    run_to_pulse(f, 200);
    CHECK(t, !out2(f));
    CHECK_EQ(t, latched_count(f, 2), 2);
    teardown(f);
}

static void mode_2_reloads_and_pulses_out_low_for_one_clock(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x34);           /* counter 0, mode 2 */
    CHECK_EQ(t, f->out0, 1);
    write_word(f, 0, 4);
    run_to_pulse(f, 1);
    CHECK_EQ(t, latched_count(f, 0), 4);
    run_to_pulse(f, 3);
    CHECK_EQ(t, latched_count(f, 0), 2);
    CHECK(t, i8254_out(f->pit, 0));
    run_to_pulse(f, 4);
    CHECK_EQ(t, latched_count(f, 0), 1);
    CHECK(t, !i8254_out(f->pit, 0));
    run_to_pulse(f, 5);
    CHECK_EQ(t, latched_count(f, 0), 4);
    CHECK(t, i8254_out(f->pit, 0));
    teardown(f);
}

static void mode_2_raises_irq_0_once_every_period(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x34);
    write_word(f, 0, 0);        /* 65536: the BIOS's 18.2 Hz */
    f->rising_edges = 0;        /* the control word raised OUT from mode 0's low */
    run_to_pulse(f, 1 + 10 * 65536ull);
    CHECK_EQ(t, f->rising_edges, 10);
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(1 + 10 * 65536ull));
    teardown(f);
}

static void mode_2_takes_a_new_count_at_the_end_of_the_cycle(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x34);
    write_word(f, 0, 100);
    f->rising_edges = 0;
    run_to_pulse(f, 51);
    write_word(f, 0, 10);
    CHECK(t, status(f, 0) & 0x40);      /* null count until the reload */
    run_to_pulse(f, 100);
    CHECK_EQ(t, latched_count(f, 0), 1);
    run_to_pulse(f, 101);
    CHECK_EQ(t, latched_count(f, 0), 10);
    CHECK(t, !(status(f, 0) & 0x40));
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(101));
    run_to_pulse(f, 111);
    CHECK_EQ(t, f->rising_edges, 2);
    teardown(f);
}

static void mode_2_gate_low_forces_out_high_and_a_rising_gate_reloads(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x61, PORT61_TIMER2_GATE);
    control(f, 0xB4);
    write_word(f, 2, 10);
    run_to_pulse(f, 10);
    CHECK(t, !out2(f));         /* the low pulse */
    out8(f, 0x61, 0);
    CHECK(t, out2(f));
    run_to_pulse(f, 30);
    CHECK_EQ(t, latched_count(f, 2), 1);
    out8(f, 0x61, PORT61_TIMER2_GATE);
    run_to_pulse(f, 31);
    CHECK_EQ(t, latched_count(f, 2), 10);
    run_to_pulse(f, 40);
    CHECK(t, !out2(f));
    teardown(f);
}

static void mode_3_with_an_even_count_is_a_square_wave_counting_by_two(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x36);           /* counter 0, mode 3 */
    write_word(f, 0, 8);
    f->rising_edges = 0;
    run_to_pulse(f, 1);
    CHECK_EQ(t, latched_count(f, 0), 8);
    run_to_pulse(f, 2);
    CHECK_EQ(t, latched_count(f, 0), 6);
    CHECK(t, i8254_out(f->pit, 0));
    run_to_pulse(f, 5);
    CHECK(t, !i8254_out(f->pit, 0));
    CHECK_EQ(t, latched_count(f, 0), 8);
    run_to_pulse(f, 8);
    CHECK(t, !i8254_out(f->pit, 0));
    run_to_pulse(f, 9);
    CHECK(t, i8254_out(f->pit, 0));
    run_to_pulse(f, 1 + 8 * 100);
    CHECK_EQ(t, f->rising_edges, 100);
    teardown(f);
}

static void mode_3_with_an_odd_count_is_high_one_pulse_longer(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x36);
    write_word(f, 0, 5);        /* high 3 pulses, low 2 */
    run_to_pulse(f, 1);
    CHECK_EQ(t, latched_count(f, 0), 4);
    run_to_pulse(f, 3);
    CHECK(t, i8254_out(f->pit, 0));
    run_to_pulse(f, 4);
    CHECK(t, !i8254_out(f->pit, 0));
    CHECK_EQ(t, latched_count(f, 0), 4);
    run_to_pulse(f, 5);
    CHECK(t, !i8254_out(f->pit, 0));
    run_to_pulse(f, 6);
    CHECK(t, i8254_out(f->pit, 0));
    teardown(f);
}

static void mode_3_takes_a_new_count_at_the_end_of_the_half_cycle(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x36);
    write_word(f, 0, 10);       /* high 5 pulses, low 5 */
    run_to_pulse(f, 3);
    write_word(f, 0, 4);
    f->rising_edges = 0;
    run_to_pulse(f, 5);
    CHECK(t, i8254_out(f->pit, 0));
    run_to_pulse(f, 6);         /* the high half ends: the low half of the new count */
    CHECK(t, !i8254_out(f->pit, 0));
    CHECK_EQ(t, latched_count(f, 0), 4);
    run_to_pulse(f, 8);
    CHECK(t, i8254_out(f->pit, 0));
    CHECK_EQ(t, f->rising_edges, 1);
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(8));
    run_to_pulse(f, 8 + 4 * 10);
    CHECK_EQ(t, f->rising_edges, 11);
    teardown(f);
}

static void mode_4_strobes_out_low_for_one_pulse_after_n_plus_1(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x38);           /* counter 0, mode 4 */
    CHECK_EQ(t, f->out0, 1);
    write_word(f, 0, 20);
    f->rising_edges = 0;
    run_to_pulse(f, 20);
    CHECK(t, i8254_out(f->pit, 0));
    run_to_pulse(f, 21);
    CHECK(t, !i8254_out(f->pit, 0));
    run_to_pulse(f, 22);
    CHECK(t, i8254_out(f->pit, 0));
    CHECK_EQ(t, f->rising_edges, 1);
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(22));
    run_to_pulse(f, 200000);
    CHECK_EQ(t, f->rising_edges, 1);
    teardown(f);
}

static void mode_5_strobes_out_low_n_plus_1_pulses_after_a_gate_trigger(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0xBA);           /* counter 2, mode 5 */
    write_word(f, 2, 7);
    run_to_pulse(f, 50);
    out8(f, 0x61, PORT61_TIMER2_GATE);
    run_to_pulse(f, 57);
    CHECK(t, out2(f));
    run_to_pulse(f, 58);
    CHECK(t, !out2(f));
    run_to_pulse(f, 59);
    CHECK(t, out2(f));
    teardown(f);
}

static void bcd_counting_counts_down_in_decimal_digits(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x31);           /* mode 0, BCD */
    write_word(f, 0, 0x1000);
    run_to_pulse(f, 2);
    CHECK_EQ(t, latched_count(f, 0), 0x0999);
    run_to_pulse(f, 1001);
    CHECK_EQ(t, latched_count(f, 0), 0x0000);
    run_to_pulse(f, 1002);
    CHECK_EQ(t, latched_count(f, 0), 0x9999);
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(1001));
    teardown(f);
}

static void lsb_only_and_msb_only_access_read_and_write_one_byte(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x10);           /* LSB only, mode 0 */
    out8(f, 0x40, 0x80);
    run_to_pulse(f, 1);
    CHECK_EQ(t, in8(f, 0x40), 0x80);
    CHECK_EQ(t, in8(f, 0x40), 0x80);
    control(f, 0x20);           /* MSB only */
    out8(f, 0x40, 0x02);
    run_to_pulse(f, 2 + 0x100);
    CHECK_EQ(t, in8(f, 0x40), 0x01);
    control(f, 0x00);           /* latch */
    CHECK_EQ(t, in8(f, 0x40), 0x01);
    teardown(f);
}

static void a_latched_count_holds_until_both_bytes_are_read_and_a_second_latch_is_ignored(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x30);
    write_word(f, 0, 0x4000);
    run_to_pulse(f, 0x11);
    control(f, 0x00);
    run_to_pulse(f, 0x31);
    control(f, 0x00);           /* ignored: the first is not read */
    CHECK_EQ(t, in8(f, 0x40), 0xF0);
    run_to_pulse(f, 0x51);
    CHECK_EQ(t, in8(f, 0x40), 0x3F);
    CHECK_EQ(t, read_word(f, 0), 0x3FB0);   /* live again */
    teardown(f);
}

static void read_and_write_flip_flops_are_separate(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x30);
    write_word(f, 0, 0x1234);
    run_to_pulse(f, 1);
    control(f, 0x00);
    uint8_t lsb = in8(f, 0x40);
    out8(f, 0x40, 0x78);        /* new LSB between the reads */
    uint8_t msb = in8(f, 0x40);
    out8(f, 0x40, 0x56);
    CHECK_EQ(t, lsb, 0x34);
    CHECK_EQ(t, msb, 0x12);
    run_to_pulse(f, 2);
    CHECK_EQ(t, latched_count(f, 0), 0x5678);
    teardown(f);
}

static void read_back_latches_status_before_count(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x74);           /* counter 1, mode 2 */
    write_word(f, 1, 300);
    run_to_pulse(f, 101);
    control(f, 0xC4);           /* read-back: count and status of counter 1 */
    run_to_pulse(f, 151);
    CHECK_EQ(t, in8(f, 0x41), 0xB4);    /* OUT high, RW=3, mode 2, binary */
    CHECK_EQ(t, read_word(f, 1), 200);
    teardown(f);
}

static void status_shows_null_count_until_the_count_is_loaded(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x30);
    CHECK_EQ(t, status(f, 0), 0x70);    /* OUT low, null count, RW=3, mode 0 */
    write_word(f, 0, 5);
    CHECK_EQ(t, status(f, 0), 0x70);
    run_to_pulse(f, 1);
    CHECK_EQ(t, status(f, 0), 0x30);
    run_to_pulse(f, 6);
    CHECK_EQ(t, status(f, 0), 0xB0);
    teardown(f);
}

static void modes_6_and_7_act_as_2_and_3_and_read_back_as_written(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x3C);           /* mode 6 */
    write_word(f, 0, 3);
    run_to_pulse(f, 3);
    CHECK(t, !i8254_out(f->pit, 0));
    run_to_pulse(f, 4);
    CHECK(t, i8254_out(f->pit, 0));
    CHECK_EQ(t, status(f, 0) & 0x0E, 0x0C);
    control(f, 0x3E);           /* mode 7 */
    write_word(f, 0, 4);
    run_to_pulse(f, 7);
    CHECK(t, !i8254_out(f->pit, 0));
    teardown(f);
}

static void a_control_word_sets_out_low_in_mode_0_and_high_in_the_others(struct test_ctx *t)
{
    struct fixture *f = setup();
    control(f, 0x32);
    CHECK_EQ(t, f->out0, 1);
    control(f, 0x30);
    CHECK_EQ(t, f->out0, 0);
    control(f, 0x36);
    CHECK_EQ(t, f->out0, 1);
    teardown(f);
}

static void port_61_reads_gate_speaker_refresh_toggle_and_timer_2_out(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x61, 0xFF);
    CHECK_EQ(t, in8(f, 0x61) & 0xCF, 0x0F);
    CHECK(t, i8254_out(f->pit, 2) == out2(f));
    run_to_ns(f, PORT61_REFRESH_NS - 1);
    CHECK_EQ(t, in8(f, 0x61) & PORT61_REFRESH, 0);
    run_to_ns(f, PORT61_REFRESH_NS);
    CHECK_EQ(t, in8(f, 0x61) & PORT61_REFRESH, PORT61_REFRESH);
    run_to_ns(f, 2 * PORT61_REFRESH_NS);
    CHECK_EQ(t, in8(f, 0x61) & PORT61_REFRESH, 0);
    teardown(f);
}

/* SeaBIOS's and Linux's TSC calibration: counter 2 in mode 0, gate on
 * through port 0x61, poll bit 5 until OUT2 rises. */
static void a_calibration_loop_sees_out2_rise_after_the_programmed_time(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x61, PORT61_TIMER2_GATE);
    control(f, 0xB0);
    write_word(f, 2, 11932);    /* 10 ms */
    uint64_t ns = 0;
    while (!out2(f) && ns < 20000000) {
        ns += 1000;
        run_to_ns(f, ns);
    }
    CHECK_EQ(t, ns, 10001000);
    teardown(f);
}

static void a_snapshot_restores_the_counters_and_rearms_irq_0(struct test_ctx *t)
{
    struct fixture *f = setup();
    struct device_list list = { .count = 0 };
    device_add(&list, &i8254_ops, f->pit);
    control(f, 0x34);
    write_word(f, 0, 1000);
    run_to_pulse(f, 500);
    uint8_t buf[512];
    size_t n = devices_save(&list, buf, sizeof buf);
    CHECK(t, n <= sizeof buf);
    control(f, 0x30);           /* something else meanwhile */
    CHECK_EQ(t, devices_load(&list, buf, n), 0);
    f->rising_edges = 0;
    run_to_pulse(f, 1001);
    CHECK_EQ(t, f->rising_edges, 1);
    CHECK_EQ(t, f->last_edge_ns, i8254_ns_of_pulse(1001));
    teardown(f);
}

static const struct test pit_tests[] = {
    TEST(mode_0_raises_out_n_plus_1_pulses_after_the_count_is_written),
    TEST(mode_0_counts_down_through_zero_and_wraps_to_ffff),
    TEST(mode_0_stops_counting_while_gate_is_low),
    TEST(mode_0_first_byte_stops_the_count_until_the_second_byte),
    TEST(mode_1_a_gate_trigger_starts_a_one_shot_low_for_n_pulses),
    TEST(mode_2_reloads_and_pulses_out_low_for_one_clock),
    TEST(mode_2_raises_irq_0_once_every_period),
    TEST(mode_2_takes_a_new_count_at_the_end_of_the_cycle),
    TEST(mode_2_gate_low_forces_out_high_and_a_rising_gate_reloads),
    TEST(mode_3_with_an_even_count_is_a_square_wave_counting_by_two),
    TEST(mode_3_with_an_odd_count_is_high_one_pulse_longer),
    TEST(mode_3_takes_a_new_count_at_the_end_of_the_half_cycle),
    TEST(mode_4_strobes_out_low_for_one_pulse_after_n_plus_1),
    TEST(mode_5_strobes_out_low_n_plus_1_pulses_after_a_gate_trigger),
    TEST(bcd_counting_counts_down_in_decimal_digits),
    TEST(lsb_only_and_msb_only_access_read_and_write_one_byte),
    TEST(a_latched_count_holds_until_both_bytes_are_read_and_a_second_latch_is_ignored),
    TEST(read_and_write_flip_flops_are_separate),
    TEST(read_back_latches_status_before_count),
    TEST(status_shows_null_count_until_the_count_is_loaded),
    TEST(modes_6_and_7_act_as_2_and_3_and_read_back_as_written),
    TEST(a_control_word_sets_out_low_in_mode_0_and_high_in_the_others),
    TEST(port_61_reads_gate_speaker_refresh_toggle_and_timer_2_out),
    TEST(a_calibration_loop_sees_out2_rise_after_the_programmed_time),
    TEST(a_snapshot_restores_the_counters_and_rearms_irq_0),
};

static const struct suite pit_suite = SUITE("i8254", pit_tests);

int main(int argc, char **argv)
{
    const struct suite *suites[] = { &pit_suite };
    return harness_run(argc, argv, suites, 1);
}
