/* 16550A UART at the register level: COM1 on an I/O bus, a hand-advanced
 * virtual clock, a test host end that records what is sent and feeds
 * what it is given, and a probe on the IRQ line. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ns16550_uart.h"

#define COM1 0x3F8
#define NS_115200_8N1 86805ull      /* 10 bits at 115200 baud, rounded down */

/* ---- the rig ---- */

struct host {
    uint8_t sent[64];
    unsigned nsent;
    const char *input;              /* bytes to type */
    unsigned typed;
    unsigned polls;
};

static void host_send(void *opaque, uint8_t byte)
{
    struct host *h = opaque;
    if (h->nsent < sizeof h->sent)
        h->sent[h->nsent++] = byte;
}

static int host_receive(void *opaque, uint8_t *byte)
{
    struct host *h = opaque;
    h->polls++;
    if (!h->input || !h->input[h->typed])
        return 0;
    *byte = (uint8_t)h->input[h->typed++];
    return 1;
}

static const struct serial_host_ops host_ops = { host_send, host_receive };

struct rig {
    struct io_bus io;
    struct device_list devs;
    struct clock clock;
    uint64_t icount;
    int irq_level;
    unsigned irq_raises;
    struct host host;
    struct ns16550 *uart;
};

static void probe_set(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    (void)n;
    if (level && !r->irq_level)
        r->irq_raises++;
    r->irq_level = level;
}

static struct rig *rig_create(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    clock_init(&r->clock);
    struct irq_line irq = { probe_set, r, 4 };
    r->uart = ns16550_create(&r->devs, &r->io, 0, irq, &r->clock, &host_ops, &r->host);
    if (r->uart)
        ns16550_set_line_rate(r->uart, true);   /* the tests time the wire */
    return r;
}

static void rig_destroy(struct rig *r)
{
    devices_destroy(&r->devs);
    free(r);
}

/* Let ns of virtual time pass, firing each timer at its own deadline. */
static void advance(struct rig *r, uint64_t ns)
{
    uint64_t target = clock_ns(&r->clock) + ns;
    while (clock_ns(&r->clock) < target) {
        uint64_t next = clock_next_deadline(&r->clock);
        uint64_t to = next < target ? next : target;
        r->icount += to - clock_ns(&r->clock);
        clock_sync(&r->clock, r->icount);
        clock_run_timers(&r->clock);
    }
}

static uint8_t in(struct rig *r, unsigned reg)
{
    return (uint8_t)io_read(&r->io, COM1 + reg, 1);
}

static void out(struct rig *r, unsigned reg, uint8_t value)
{
    io_write(&r->io, COM1 + reg, value, 1);
}

/* 115200 baud, 8 data bits, no parity, 1 stop bit. */
static void set_115200_8n1(struct rig *r)
{
    out(r, UART_LCR, UART_LCR_DLAB);
    out(r, UART_DLL, 1);
    out(r, UART_DLM, 0);
    out(r, UART_LCR, 0x03);
}

/* ---- registers ---- */

static void the_divisor_latch_is_reached_through_dlab(struct test_ctx *t)
{
    struct rig *r = rig_create();
    out(r, UART_IER, 0x05);
    out(r, UART_LCR, 0x83);
    out(r, UART_DLL, 0x0C);
    out(r, UART_DLM, 0x01);
    CHECK_EQ(t, in(r, UART_DLL), 0x0C);
    CHECK_EQ(t, in(r, UART_DLM), 0x01);
    out(r, UART_LCR, 0x03);
    CHECK_EQ(t, in(r, UART_IER), 0x05);         /* untouched behind the latch */
    CHECK_EQ(t, in(r, UART_LCR), 0x03);
    /* 268 * 16 / 1.8432 MHz per bit, 10 bits. */
    CHECK_EQ(t, ns16550_char_ns(r->uart), 10ull * 268 * 16 * 1000000000ull / 1843200);
    rig_destroy(r);
}

static void the_line_format_sets_the_character_time(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    CHECK_EQ(t, ns16550_char_ns(r->uart), NS_115200_8N1);
    out(r, UART_LCR, 0x0F);                     /* 8 bits, parity, 2 stop: 12 bits */
    CHECK_EQ(t, ns16550_char_ns(r->uart), 12ull * 16 * 1000000000ull / 1843200);
    out(r, UART_LCR, 0x04);                     /* 5 bits, 1.5 stop: 7.5 bits */
    CHECK_EQ(t, ns16550_char_ns(r->uart), 15ull * 16 * 1000000000ull / (2 * 1843200));
    rig_destroy(r);
}

static void ier_keeps_four_bits_and_scratch_keeps_all_eight(struct test_ctx *t)
{
    struct rig *r = rig_create();
    out(r, UART_IER, 0xFF);
    CHECK_EQ(t, in(r, UART_IER), 0x0F);
    out(r, UART_SCR, 0xA5);
    CHECK_EQ(t, in(r, UART_SCR), 0xA5);
    out(r, UART_MCR, 0xFF);
    CHECK_EQ(t, in(r, UART_MCR), 0x1F);
    rig_destroy(r);
}

static void a_master_reset_keeps_the_divisor_and_scratch(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_SCR, 0x42);
    out(r, UART_IER, 0x0F);
    out(r, UART_FCR, 0x01);
    devices_reset(&r->devs);
    CHECK_EQ(t, in(r, UART_IER), 0);
    CHECK_EQ(t, in(r, UART_IIR), 0x01);
    CHECK_EQ(t, in(r, UART_LSR), 0x60);
    CHECK_EQ(t, in(r, UART_SCR), 0x42);
    out(r, UART_LCR, 0x80);
    CHECK_EQ(t, in(r, UART_DLL), 1);
    rig_destroy(r);
}

static void fifo_control_shows_in_the_iir_top_bits(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, in(r, UART_IIR), 0x01);
    out(r, UART_FCR, 0xE7);                     /* Linux's 16550A probe */
    CHECK_EQ(t, in(r, UART_IIR), 0xC1);
    out(r, UART_FCR, 0x00);
    CHECK_EQ(t, in(r, UART_IIR), 0x01);
    rig_destroy(r);
}

/* ---- transmitter ---- */

static void by_default_a_byte_reaches_the_host_after_one_microsecond(struct test_ctx *t)
{
    struct rig *r = rig_create();
    ns16550_set_line_rate(r->uart, false);
    set_115200_8n1(r);
    out(r, UART_THR, 'F');
    advance(r, 999);
    CHECK_EQ(t, r->host.nsent, 0);
    advance(r, 1);
    CHECK_EQ(t, r->host.nsent, 1);
    CHECK_EQ(t, in(r, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
             UART_LSR_THRE | UART_LSR_TEMT);
    rig_destroy(r);
}

static void a_byte_reaches_the_host_one_character_time_after_thr(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_THR, 'E');
    CHECK_EQ(t, in(r, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE);
    advance(r, NS_115200_8N1 - 1);
    CHECK_EQ(t, r->host.nsent, 0);
    advance(r, 1);
    CHECK_EQ(t, r->host.nsent, 1);
    CHECK_EQ(t, r->host.sent[0], 'E');
    CHECK_EQ(t, in(r, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
             UART_LSR_THRE | UART_LSR_TEMT);
    rig_destroy(r);
}

static void thre_returns_one_character_time_after_a_waiting_byte(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_THR, 'a');                      /* straight to the shift register */
    out(r, UART_THR, 'b');                      /* waits in THR */
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_THRE, 0);
    advance(r, NS_115200_8N1 / 2);
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_THRE, 0);
    advance(r, NS_115200_8N1 - NS_115200_8N1 / 2);
    CHECK_EQ(t, in(r, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), UART_LSR_THRE);
    advance(r, NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_TEMT, UART_LSR_TEMT);
    CHECK_EQ(t, r->host.nsent, 2);
    CHECK_EQ(t, r->host.sent[1], 'b');
    rig_destroy(r);
}

static void the_transmit_fifo_takes_sixteen_bytes_at_the_line_rate(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_FCR, 0x07);
    for (unsigned k = 0; k < 20; k++)           /* 1 in the TSR, 16 queued, 3 lost */
        out(r, UART_THR, (uint8_t)('A' + k));
    advance(r, 10 * NS_115200_8N1);
    CHECK_EQ(t, r->host.nsent, 10);
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_THRE, 0);
    advance(r, 7 * NS_115200_8N1);
    CHECK_EQ(t, r->host.nsent, 17);
    CHECK_EQ(t, r->host.sent[16], 'Q');
    CHECK(t, in(r, UART_LSR) & UART_LSR_TEMT);
    rig_destroy(r);
}

static void bytes_the_line_has_not_sent_reach_the_host_when_the_machine_stops(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_FCR, 0x07);
    out(r, UART_THR, 'o');
    out(r, UART_THR, 'k');
    out(r, UART_THR, '\n');
    advance(r, NS_115200_8N1);                  /* 'o' has gone, 'k' is on the wire */
    CHECK_EQ(t, r->host.nsent, 1);
    devices_destroy(&r->devs);
    CHECK_EQ(t, r->host.nsent, 3);
    CHECK_EQ(t, r->host.sent[1], 'k');
    CHECK_EQ(t, r->host.sent[2], '\n');
    free(r);
}

/* ---- interrupts ---- */

static void enabling_etbei_with_thr_empty_raises_the_thre_interrupt(struct test_ctx *t)
{
    struct rig *r = rig_create();
    out(r, UART_MCR, UART_MCR_OUT2);
    out(r, UART_IER, UART_IER_ETBEI);
    CHECK_EQ(t, r->irq_level, 1);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_THRI);
    CHECK_EQ(t, r->irq_level, 0);               /* reading IIR cleared it */
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_NO_INT);
    out(r, UART_IER, 0);                        /* Linux's THRE re-assert test */
    out(r, UART_IER, UART_IER_ETBEI);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_THRI);
    rig_destroy(r);
}

static void the_irq_reaches_the_bus_only_with_out2_and_not_in_loopback(struct test_ctx *t)
{
    struct rig *r = rig_create();
    out(r, UART_IER, UART_IER_ETBEI);
    CHECK_EQ(t, in(r, UART_IIR) & UART_IIR_NO_INT, 0);  /* pending inside the chip */
    out(r, UART_IER, 0);
    out(r, UART_IER, UART_IER_ETBEI);
    CHECK_EQ(t, r->irq_raises, 0);
    out(r, UART_MCR, UART_MCR_OUT2);
    CHECK_EQ(t, r->irq_level, 1);
    out(r, UART_MCR, UART_MCR_OUT2 | UART_MCR_LOOP);
    CHECK_EQ(t, r->irq_level, 0);
    rig_destroy(r);
}

static void iir_puts_line_status_before_data_before_thre(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_MCR, UART_MCR_LOOP);
    out(r, UART_IER, 0x07);
    out(r, UART_THR, 1);
    out(r, UART_THR, 2);                        /* overruns the 1-byte RBR */
    advance(r, 2 * NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_RLSI);
    CHECK_EQ(t, in(r, UART_LSR) & (UART_LSR_OE | UART_LSR_DR), UART_LSR_OE | UART_LSR_DR);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_RDI);
    CHECK_EQ(t, in(r, UART_RBR), 2);            /* the new byte overwrote RBR */
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_THRI);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_NO_INT);
    rig_destroy(r);
}

static void received_data_interrupts_at_the_fifo_trigger_level(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_MCR, UART_MCR_LOOP);
    out(r, UART_FCR, 0x41);                     /* trigger at 4 bytes */
    out(r, UART_IER, UART_IER_ERBFI);
    for (unsigned k = 0; k < 4; k++)
        out(r, UART_THR, (uint8_t)('0' + k));
    advance(r, 3 * NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_IIR), 0xC1);         /* 3 bytes: below the trigger */
    CHECK(t, in(r, UART_LSR) & UART_LSR_DR);
    advance(r, NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_IIR), 0xC4);
    CHECK_EQ(t, in(r, UART_RBR), '0');
    CHECK_EQ(t, in(r, UART_IIR), 0xC1);         /* 3 left */
    out(r, UART_FCR, 0xC3);                     /* trigger 14, clear the receiver */
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_DR, 0);
    rig_destroy(r);
}

static void character_timeout_fires_after_four_character_times(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_MCR, UART_MCR_LOOP);
    out(r, UART_FCR, 0xC1);                     /* trigger 14 */
    out(r, UART_IER, UART_IER_ERBFI);
    out(r, UART_THR, 'x');
    out(r, UART_THR, 'y');
    advance(r, 2 * NS_115200_8N1);              /* both received */
    advance(r, 4 * NS_115200_8N1 - 1);
    CHECK_EQ(t, in(r, UART_IIR), 0xC1);
    advance(r, 1);
    CHECK_EQ(t, in(r, UART_IIR), 0xCC);
    CHECK_EQ(t, in(r, UART_RBR), 'x');          /* a read clears it... */
    CHECK_EQ(t, in(r, UART_IIR), 0xC1);
    advance(r, 4 * NS_115200_8N1);              /* ...and restarts the wait */
    CHECK_EQ(t, in(r, UART_IIR), 0xCC);
    CHECK_EQ(t, in(r, UART_RBR), 'y');
    advance(r, 8 * NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_IIR), 0xC1);         /* empty: no timeout */
    rig_destroy(r);
}

static void a_full_receive_fifo_keeps_its_bytes_and_flags_overrun(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_MCR, UART_MCR_LOOP);
    out(r, UART_FCR, 0x07);
    for (unsigned k = 0; k < 16; k++)
        out(r, UART_THR, (uint8_t)k);
    advance(r, 17 * NS_115200_8N1);
    out(r, UART_THR, 0xEE);                     /* the 17th */
    advance(r, NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_OE, UART_LSR_OE);
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_OE, 0);  /* cleared by the read */
    for (unsigned k = 0; k < 16; k++)
        CHECK_EQ(t, in(r, UART_RBR), k);
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_DR, 0);
    rig_destroy(r);
}

/* ---- modem lines ---- */

static void loopback_wires_modem_outputs_to_inputs(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, in(r, UART_MSR) & 0xF0, UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD);
    out(r, UART_MCR, UART_MCR_LOOP | 0x0A);     /* Linux's probe: RTS, OUT2 */
    CHECK_EQ(t, in(r, UART_MSR) & 0xF0, 0x90);
    out(r, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT1 | UART_MCR_DTR);
    CHECK_EQ(t, in(r, UART_MSR) & 0xF0, UART_MSR_RI | UART_MSR_DSR);
    rig_destroy(r);
}

static void msr_delta_bits_report_changes_once(struct test_ctx *t)
{
    struct rig *r = rig_create();
    out(r, UART_MCR, UART_MCR_LOOP);
    in(r, UART_MSR);
    out(r, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS | UART_MCR_OUT1);
    CHECK_EQ(t, in(r, UART_MSR), UART_MSR_CTS | UART_MSR_RI | UART_MSR_DCTS);
    CHECK_EQ(t, in(r, UART_MSR), UART_MSR_CTS | UART_MSR_RI);
    out(r, UART_MCR, UART_MCR_LOOP);            /* RI falls: trailing edge */
    CHECK_EQ(t, in(r, UART_MSR), UART_MSR_DCTS | UART_MSR_TERI);
    out(r, UART_IER, UART_IER_EDSSI);
    out(r, UART_MCR, UART_MCR_LOOP | UART_MCR_DTR);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_MSI);
    in(r, UART_MSR);
    CHECK_EQ(t, in(r, UART_IIR), UART_IIR_NO_INT);
    rig_destroy(r);
}

/* ---- host side ---- */

static void loopback_keeps_transmitted_bytes_from_the_host(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    out(r, UART_MCR, UART_MCR_LOOP);
    out(r, UART_THR, 'L');
    advance(r, NS_115200_8N1);
    CHECK_EQ(t, r->host.nsent, 0);
    CHECK_EQ(t, in(r, UART_RBR), 'L');
    rig_destroy(r);
}

static void host_input_arrives_one_byte_per_character_time(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    r->host.input = "hi!";
    out(r, UART_FCR, 0x01);
    out(r, UART_IER, UART_IER_ERBFI);           /* interrupt-driven: keep polling */
    advance(r, 2 * NS_115200_8N1);
    CHECK_EQ(t, r->host.typed, 2);
    advance(r, 13 * NS_115200_8N1);
    CHECK(t, in(r, UART_LSR) & UART_LSR_DR);
    CHECK_EQ(t, in(r, UART_RBR), 'h');
    CHECK_EQ(t, in(r, UART_RBR), 'i');
    CHECK_EQ(t, in(r, UART_RBR), '!');
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_DR, 0);
    rig_destroy(r);
}

static void without_fifos_host_input_waits_for_rbr_to_be_read(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    r->host.input = "ab";
    in(r, UART_LSR);                            /* a polling guest looks */
    advance(r, 20 * NS_115200_8N1);
    CHECK_EQ(t, r->host.typed, 1);              /* no room for 'b' yet */
    CHECK_EQ(t, in(r, UART_LSR) & UART_LSR_OE, 0);
    CHECK_EQ(t, in(r, UART_RBR), 'a');
    advance(r, 2 * NS_115200_8N1);
    CHECK_EQ(t, in(r, UART_RBR), 'b');
    rig_destroy(r);
}

static void an_unused_port_stops_polling_the_host(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_115200_8n1(r);
    CHECK_EQ(t, clock_next_deadline(&r->clock), UINT64_MAX);
    in(r, UART_LSR);
    CHECK(t, clock_next_deadline(&r->clock) != UINT64_MAX);
    advance(r, 3 * NS_115200_8N1);
    CHECK_EQ(t, r->host.polls, 2);              /* one more after the guest's look */
    CHECK_EQ(t, clock_next_deadline(&r->clock), UINT64_MAX);
    rig_destroy(r);
}

static void a_snapshot_taken_mid_character_finishes_it(struct test_ctx *t)
{
    struct rig *a = rig_create();
    set_115200_8n1(a);
    out(a, UART_SCR, 0x77);
    out(a, UART_THR, 'S');
    advance(a, NS_115200_8N1 / 2);
    size_t size = devices_save(&a->devs, NULL, 0);
    uint8_t *image = malloc(size);
    devices_save(&a->devs, image, size);

    struct rig *b = rig_create();
    advance(b, NS_115200_8N1 / 2);              /* the same point in time */
    CHECK_EQ(t, devices_load(&b->devs, image, size), 0);
    CHECK_EQ(t, in(b, UART_SCR), 0x77);
    CHECK_EQ(t, in(b, UART_LSR) & UART_LSR_TEMT, 0);
    advance(b, NS_115200_8N1 - NS_115200_8N1 / 2);
    CHECK_EQ(t, b->host.nsent, 1);
    CHECK_EQ(t, b->host.sent[0], 'S');
    free(image);
    rig_destroy(a);
    rig_destroy(b);
}

static const struct test register_tests[] = {
    TEST(the_divisor_latch_is_reached_through_dlab),
    TEST(bytes_the_line_has_not_sent_reach_the_host_when_the_machine_stops),
    TEST(the_line_format_sets_the_character_time),
    TEST(ier_keeps_four_bits_and_scratch_keeps_all_eight),
    TEST(a_master_reset_keeps_the_divisor_and_scratch),
    TEST(fifo_control_shows_in_the_iir_top_bits),
};

static const struct test transmit_tests[] = {
    TEST(a_byte_reaches_the_host_one_character_time_after_thr),
    TEST(thre_returns_one_character_time_after_a_waiting_byte),
    TEST(the_transmit_fifo_takes_sixteen_bytes_at_the_line_rate),
};

static const struct test interrupt_tests[] = {
    TEST(enabling_etbei_with_thr_empty_raises_the_thre_interrupt),
    TEST(the_irq_reaches_the_bus_only_with_out2_and_not_in_loopback),
    TEST(iir_puts_line_status_before_data_before_thre),
    TEST(received_data_interrupts_at_the_fifo_trigger_level),
    TEST(character_timeout_fires_after_four_character_times),
    TEST(a_full_receive_fifo_keeps_its_bytes_and_flags_overrun),
};

static const struct test modem_and_host_tests[] = {
    TEST(loopback_wires_modem_outputs_to_inputs),
    TEST(msr_delta_bits_report_changes_once),
    TEST(loopback_keeps_transmitted_bytes_from_the_host),
    TEST(host_input_arrives_one_byte_per_character_time),
    TEST(without_fifos_host_input_waits_for_rbr_to_be_read),
    TEST(an_unused_port_stops_polling_the_host),
    TEST(a_snapshot_taken_mid_character_finishes_it),
    TEST(by_default_a_byte_reaches_the_host_after_one_microsecond),
};

int main(int argc, char **argv)
{
    static const struct suite registers = SUITE("16550 registers", register_tests);
    static const struct suite transmit = SUITE("16550 transmitter", transmit_tests);
    static const struct suite interrupts = SUITE("16550 interrupts", interrupt_tests);
    static const struct suite modem = SUITE("16550 modem lines and host", modem_and_host_tests);
    const struct suite *const suites[] = { &registers, &transmit, &interrupts, &modem };
    return harness_run(argc, argv, suites, 4);
}
