/* The small board devices: the debug console (0xE9), isa-debug-exit (0xF4),
 * port 0x92 (fast A20 and reset), the I/O bus itself (unmapped ports,
 * split and joined widths), and the virtual clock's timer queue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "debug_port.h"
#include "harness.h"
#include "memory.h"
#include "port92.h"

/* ---- debug console and exit port ---- */

struct exit_probe {
    int calls;
};

static void on_exit_request(void *opaque)
{
    ((struct exit_probe *)opaque)->calls++;
}

static void bytes_written_to_port_e9_appear_on_the_console(struct test_ctx *t)
{
    struct io_bus io;
    struct debug_port d;
    char buf[32] = { 0 };
    FILE *out = fmemopen(buf, sizeof buf, "w");
    io_bus_init(&io);
    debug_port_init(&d, &io, out, NULL, NULL);
    io_write(&io, 0xE9, 'o', 1);
    io_write(&io, 0xE9, 'k', 1);
    fflush(out);
    CHECK(t, strcmp(buf, "ok") == 0);
    CHECK_EQ(t, io_read(&io, 0xE9, 1), 0xE9);     /* the Bochs presence signature */
    fclose(out);
}

static void a_write_to_port_f4_exits_with_twice_the_value_plus_one(struct test_ctx *t)
{
    struct io_bus io;
    struct debug_port d;
    struct exit_probe probe = { 0 };
    io_bus_init(&io);
    debug_port_init(&d, &io, NULL, on_exit_request, &probe);
    CHECK(t, !d.exit_requested);
    io_write(&io, 0xF4, 0x21, 1);
    CHECK(t, d.exit_requested);
    CHECK_EQ(t, d.exit_code, 0x43);
    CHECK_EQ(t, probe.calls, 1);
}

static void the_bios_console_at_0x402_is_silent_without_a_file(struct test_ctx *t)
{
    struct io_bus io;
    struct debug_port d;
    char buf[16] = { 0 };
    FILE *out = fmemopen(buf, sizeof buf, "w");
    io_bus_init(&io);
    debug_port_init(&d, &io, out, NULL, NULL);
    debug_port_add_bios_console(&d, &io, NULL);
    io_write(&io, 0x402, 'x', 1);
    fflush(out);
    CHECK_EQ(t, buf[0], 0);
    fclose(out);
}

/* ---- port 0x92 ---- */

struct reset_probe {
    int resets;
};

static void on_reset(void *opaque)
{
    ((struct reset_probe *)opaque)->resets++;
}

static void port_92_bit_1_gates_a20(struct test_ctx *t)
{
    struct io_bus io;
    struct port92 p;
    struct reset_probe probe = { 0 };
    struct phys_mem *mem = phys_mem_create(2u << 20);
    io_bus_init(&io);
    port92_init(&p, &io, mem, on_reset, &probe);
    CHECK_EQ(t, io_read(&io, 0x92, 1) & 2, 2);
    CHECK_EQ(t, mem->a20_mask, 0xFFFFFFFFu);
    io_write(&io, 0x92, 0x00, 1);
    CHECK_EQ(t, mem->a20_mask, 0xFFEFFFFFu);
    CHECK_EQ(t, io_read(&io, 0x92, 1) & 2, 0);
    io_write(&io, 0x92, 0x02, 1);
    CHECK_EQ(t, mem->a20_mask, 0xFFFFFFFFu);
    CHECK_EQ(t, probe.resets, 0);
    phys_mem_destroy(mem);
}

static void port_92_bit_0_resets_the_machine(struct test_ctx *t)
{
    struct io_bus io;
    struct port92 p;
    struct reset_probe probe = { 0 };
    struct phys_mem *mem = phys_mem_create(1u << 20);
    io_bus_init(&io);
    port92_init(&p, &io, mem, on_reset, &probe);
    io_write(&io, 0x92, 0x03, 1);
    CHECK_EQ(t, probe.resets, 1);
    CHECK_EQ(t, mem->a20_mask, 0xFFFFFFFFu);    /* bit 1 still set */
    phys_mem_destroy(mem);
}

/* ---- the I/O bus ---- */

struct byte_port {
    uint8_t value[4];
    unsigned widths_seen;
};

static uint32_t byte_read(void *opaque, uint32_t addr, unsigned size)
{
    struct byte_port *b = opaque;
    b->widths_seen |= size;
    return b->value[addr & 3];
}

static const struct io_ops byte_ops = { .name = "bytes", .read = byte_read };

static void unmapped_ports_read_as_all_ones(struct test_ctx *t)
{
    struct io_bus io;
    io_bus_init(&io);
    CHECK_EQ(t, io_read(&io, 0x1234, 1), 0xFF);
    CHECK_EQ(t, io_read(&io, 0x1234, 2), 0xFFFF);
    CHECK_EQ(t, io_read(&io, 0x1234, 4), 0xFFFFFFFFu);
}

static void a_word_read_across_two_devices_is_joined_from_bytes(struct test_ctx *t)
{
    struct io_bus io;
    struct byte_port a = { { 0x11, 0x22, 0x33, 0x44 }, 0 }, b = { { 0x55, 0x66, 0x77, 0x88 }, 0 };
    io_bus_init(&io);
    io_map(&io, 0x100, 1, &byte_ops, &a);
    io_map(&io, 0x101, 1, &byte_ops, &b);
    CHECK_EQ(t, io_read(&io, 0x100, 2), 0x5511);
    CHECK_EQ(t, a.widths_seen, 1);
    CHECK_EQ(t, b.widths_seen, 1);
    /* Half mapped: the unmapped byte reads all ones. */
    CHECK_EQ(t, io_read(&io, 0x101, 2), 0xFF55);
}

/* ---- the virtual clock ---- */

struct fire_log {
    char order[8];
    unsigned n;
};

struct tagged_timer {
    struct timer timer;
    struct fire_log *log;
    char tag;
};

static void log_fire(void *opaque)
{
    struct tagged_timer *tt = opaque;
    tt->log->order[tt->log->n++] = tt->tag;
}

static void timers_fire_in_deadline_order_once_their_time_has_come(struct test_ctx *t)
{
    struct clock c;
    struct fire_log log = { { 0 }, 0 };
    struct tagged_timer a = { .log = &log, .tag = 'a' }, b = { .log = &log, .tag = 'b' },
                        d = { .log = &log, .tag = 'd' };
    clock_init(&c);
    timer_init(&a.timer, log_fire, &a);
    timer_init(&b.timer, log_fire, &b);
    timer_init(&d.timer, log_fire, &d);
    timer_arm(&c, &d.timer, 300);
    timer_arm(&c, &a.timer, 100);
    timer_arm(&c, &b.timer, 200);
    CHECK_EQ(t, clock_next_deadline(&c), 100);
    clock_sync(&c, 150 / CLOCK_NS_PER_INSN);
    clock_run_timers(&c);
    CHECK_EQ(t, log.n, 1);
    clock_sync(&c, 1000 / CLOCK_NS_PER_INSN);
    clock_run_timers(&c);
    CHECK(t, memcmp(log.order, "abd", 3) == 0);
    CHECK_EQ(t, clock_next_deadline(&c), UINT64_MAX);
}

static void a_cancelled_timer_never_fires_and_rearming_moves_it(struct test_ctx *t)
{
    struct clock c;
    struct fire_log log = { { 0 }, 0 };
    struct tagged_timer a = { .log = &log, .tag = 'a' }, b = { .log = &log, .tag = 'b' };
    clock_init(&c);
    timer_init(&a.timer, log_fire, &a);
    timer_init(&b.timer, log_fire, &b);
    timer_arm(&c, &a.timer, 100);
    timer_arm(&c, &b.timer, 200);
    timer_cancel(&c, &a.timer);
    timer_arm(&c, &b.timer, 50);
    CHECK_EQ(t, clock_next_deadline(&c), 50);
    clock_sync(&c, 500 / CLOCK_NS_PER_INSN);
    clock_run_timers(&c);
    CHECK_EQ(t, log.n, 1);
    CHECK_EQ(t, log.order[0], 'b');
}

static void a_halted_machine_skips_time_to_the_next_deadline(struct test_ctx *t)
{
    struct clock c;
    struct fire_log log = { { 0 }, 0 };
    struct tagged_timer a = { .log = &log, .tag = 'a' };
    clock_init(&c);
    CHECK(t, !clock_skip_to_next(&c));
    timer_init(&a.timer, log_fire, &a);
    timer_arm(&c, &a.timer, 5000);
    clock_sync(&c, 10);
    CHECK(t, clock_skip_to_next(&c));
    CHECK_EQ(t, clock_ns(&c), 5000);
    clock_run_timers(&c);
    CHECK_EQ(t, log.n, 1);
    /* Time skipped stays in the clock when instructions run again. */
    clock_sync(&c, 20);
    CHECK_EQ(t, clock_ns(&c), 5010);
}

static const struct test board_tests[] = {
    TEST(bytes_written_to_port_e9_appear_on_the_console),
    TEST(a_write_to_port_f4_exits_with_twice_the_value_plus_one),
    TEST(the_bios_console_at_0x402_is_silent_without_a_file),
    TEST(port_92_bit_1_gates_a20),
    TEST(port_92_bit_0_resets_the_machine),
    TEST(unmapped_ports_read_as_all_ones),
    TEST(a_word_read_across_two_devices_is_joined_from_bytes),
    TEST(timers_fire_in_deadline_order_once_their_time_has_come),
    TEST(a_cancelled_timer_never_fires_and_rearming_moves_it),
    TEST(a_halted_machine_skips_time_to_the_next_deadline),
};
static const struct suite board_suite = SUITE("board ports and clock", board_tests);

int main(int argc, char **argv)
{
    const struct suite *suites[] = { &board_suite };
    return harness_run(argc, argv, suites, 1);
}
