/* i8042 keyboard controller with its PS/2 keyboard and mouse, at the
 * register level: ports 0x60/0x64 on an I/O bus, IRQ lines into a probe,
 * the A20 gate in a physical memory map. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "i8042_kbc.h"

/* ---- the rig ---- */

struct irq_probe {
    int level[16];
    unsigned raises[16];
};

static void probe_set(void *opaque, int n, int level)
{
    struct irq_probe *p = opaque;
    if (level && !p->level[n])
        p->raises[n]++;
    p->level[n] = level;
}

struct rig {
    struct io_bus io;
    struct device_list devs;
    struct phys_mem *mem;
    struct irq_probe irq;
    struct i8042 *kbc;
    struct ps2_keyboard *kbd;
    struct ps2_mouse *mouse;
    unsigned resets;
};

static void count_reset(void *opaque)
{
    struct rig *r = opaque;
    r->resets++;
}

static struct rig *rig_create_with(bool keyboard, bool mouse)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(2u << 20);
    struct irq_line kbd_irq = { probe_set, &r->irq, 1 };
    struct irq_line aux_irq = { probe_set, &r->irq, 12 };
    r->kbc = i8042_create(&r->devs, &r->io, r->mem, keyboard, mouse, kbd_irq, aux_irq,
                          count_reset, r);
    r->kbd = i8042_keyboard(r->kbc);
    r->mouse = i8042_mouse(r->kbc);
    return r;
}

static struct rig *rig_create(void)
{
    return rig_create_with(true, true);
}

static void rig_destroy(struct rig *r)
{
    devices_destroy(&r->devs);
    phys_mem_destroy(r->mem);
    free(r);
}

static uint8_t status(struct rig *r)
{
    return (uint8_t)io_read(&r->io, 0x64, 1);
}

static void command(struct rig *r, uint8_t cmd)
{
    io_write(&r->io, 0x64, cmd, 1);
}

static void data(struct rig *r, uint8_t value)
{
    io_write(&r->io, 0x60, value, 1);
}

static void command_data(struct rig *r, uint8_t cmd, uint8_t value)
{
    command(r, cmd);
    data(r, value);
}

/* The next byte of the output buffer, or -1 if it is empty. */
static int next(struct rig *r)
{
    if (!(status(r) & I8042_STR_OBF))
        return -1;
    return (int)io_read(&r->io, 0x60, 1);
}

/* Read bytes into out until the buffer is empty; returns how many. */
static unsigned drain(struct rig *r, uint8_t *out, unsigned max)
{
    unsigned n = 0;
    int b;
    while (n < max && (b = next(r)) >= 0)
        out[n++] = (uint8_t)b;
    return n;
}

static void set_ctr(struct rig *r, uint8_t ctr)
{
    command_data(r, 0x60, ctr);
}

static bool bytes_are(struct test_ctx *t, const uint8_t *got, unsigned n, const uint8_t *want,
                      unsigned wn)
{
    bool ok = CHECK_EQ(t, n, wn);
    for (unsigned k = 0; ok && k < n; k++)
        ok = CHECK_EQ(t, got[k], want[k]);
    return ok;
}

#define EXPECT_BYTES(t, r, ...)                                                   \
    do {                                                                          \
        static const uint8_t want_[] = { __VA_ARGS__ };                           \
        uint8_t got_[32];                                                         \
        unsigned n_ = drain((r), got_, sizeof got_);                              \
        bytes_are((t), got_, n_, want_, sizeof want_);                            \
    } while (0)

/* ---- controller ---- */

static void the_self_test_answers_55_and_sets_the_system_flag(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, status(r) & I8042_STR_SYS, 0);
    command(r, 0xAA);
    CHECK(t, status(r) & I8042_STR_A2);
    EXPECT_BYTES(t, r, 0x55);
    CHECK(t, status(r) & I8042_STR_SYS);
    rig_destroy(r);
}

static void the_command_byte_reads_back_what_was_written(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x65);
    CHECK_EQ(t, status(r) & I8042_STR_A2, 0);   /* the last write was data */
    command(r, 0x20);
    EXPECT_BYTES(t, r, 0x65);
    CHECK(t, status(r) & I8042_STR_SYS);        /* bit 2 of the command byte */
    command_data(r, 0x7F, 0x5A);                /* RAM byte 31 */
    command(r, 0x3F);
    EXPECT_BYTES(t, r, 0x5A);
    rig_destroy(r);
}

static void interface_tests_of_both_ports_report_no_error(struct test_ctx *t)
{
    struct rig *r = rig_create();
    command(r, 0xAB);
    EXPECT_BYTES(t, r, 0x00);
    command(r, 0xA9);
    EXPECT_BYTES(t, r, 0x00);
    command(r, 0xC0);
    EXPECT_BYTES(t, r, 0xB0);                   /* input port: keyboard not inhibited */
    rig_destroy(r);
}

static void disabling_a_port_sets_its_command_byte_bit_and_holds_its_data(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x01);
    command(r, 0xAD);
    command(r, 0xA7);
    command(r, 0x20);
    EXPECT_BYTES(t, r, 0x31);
    ps2_keyboard_key(r->kbd, 0x1C, true);       /* A */
    CHECK_EQ(t, status(r) & I8042_STR_OBF, 0);
    command(r, 0xAE);
    EXPECT_BYTES(t, r, 0x1C);
    command(r, 0xA8);
    command(r, 0x20);
    EXPECT_BYTES(t, r, 0x01);
    rig_destroy(r);
}

static void the_output_port_gates_a20_and_reads_back(struct test_ctx *t)
{
    struct rig *r = rig_create();
    command_data(r, 0xD1, 0xDD);
    CHECK_EQ(t, r->mem->a20_mask, 0xFFEFFFFFu);
    command(r, 0xD0);
    CHECK_EQ(t, next(r) & 0x03, 0x01);
    command_data(r, 0xD1, 0xDF);
    CHECK_EQ(t, r->mem->a20_mask, 0xFFFFFFFFu);
    command(r, 0xD0);
    int port = next(r);
    CHECK_EQ(t, port & 0x03, 0x03);
    CHECK_EQ(t, port & I8042_OUT_KBD_IRQ, 0);
    command(r, 0xDD);                           /* the HP Vectra commands too */
    CHECK_EQ(t, r->mem->a20_mask, 0xFFEFFFFFu);
    command(r, 0xDF);
    CHECK_EQ(t, r->mem->a20_mask, 0xFFFFFFFFu);
    CHECK_EQ(t, r->resets, 0);
    rig_destroy(r);
}

static void a_pulse_of_output_port_bit_0_resets_the_machine(struct test_ctx *t)
{
    struct rig *r = rig_create();
    command(r, 0xFF);                           /* pulses nothing */
    CHECK_EQ(t, r->resets, 0);
    command(r, 0xFE);
    CHECK_EQ(t, r->resets, 1);
    command_data(r, 0xD1, 0x02);                /* reset line written low */
    CHECK_EQ(t, r->resets, 2);
    rig_destroy(r);
}

static void keyboard_data_raises_irq_1_only_when_enabled(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x40);                           /* translate, no interrupts */
    ps2_keyboard_key(r->kbd, 0x1C, true);
    CHECK(t, status(r) & I8042_STR_OBF);
    CHECK_EQ(t, r->irq.raises[1], 0);
    set_ctr(r, 0x41);
    CHECK_EQ(t, r->irq.level[1], 1);
    CHECK_EQ(t, next(r), 0x1E);
    CHECK_EQ(t, r->irq.level[1], 0);
    ps2_keyboard_key(r->kbd, 0x1C, false);
    CHECK_EQ(t, r->irq.raises[1], 2);
    CHECK_EQ(t, r->irq.raises[12], 0);
    rig_destroy(r);
}

static void controller_writes_to_its_output_buffer_come_back_as_either_port(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x03);
    command_data(r, 0xD2, 0x12);
    CHECK_EQ(t, status(r) & (I8042_STR_OBF | I8042_STR_AUXOBF), I8042_STR_OBF);
    CHECK_EQ(t, r->irq.level[1], 1);
    CHECK_EQ(t, next(r), 0x12);
    command_data(r, 0xD3, 0xA5);                /* Linux's AUX loopback probe */
    CHECK_EQ(t, status(r) & (I8042_STR_OBF | I8042_STR_AUXOBF),
             I8042_STR_OBF | I8042_STR_AUXOBF);
    CHECK_EQ(t, r->irq.level[12], 1);
    CHECK_EQ(t, next(r), 0xA5);
    CHECK_EQ(t, r->irq.level[12], 0);
    rig_destroy(r);
}

static void an_absent_mouse_answers_with_a_timeout(struct test_ctx *t)
{
    struct rig *r = rig_create_with(true, false);
    command_data(r, 0xD4, 0xF2);
    uint8_t s = status(r);
    CHECK(t, s & I8042_STR_TIMEOUT);
    CHECK(t, s & I8042_STR_AUXOBF);
    CHECK_EQ(t, next(r), 0xFE);
    CHECK_EQ(t, status(r) & I8042_STR_TIMEOUT, 0);
    rig_destroy(r);
}

/* ---- keyboard ---- */

static void keyboard_reset_replies_ack_then_bat_ok(struct test_ctx *t)
{
    struct rig *r = rig_create();
    data(r, 0xFF);
    EXPECT_BYTES(t, r, 0xFA, 0xAA);
    rig_destroy(r);
}

static void identify_reports_ab_83_raw_and_ab_41_translated(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    data(r, 0xF2);
    EXPECT_BYTES(t, r, 0xFA, 0xAB, 0x83);
    set_ctr(r, 0x40);
    data(r, 0xF2);
    EXPECT_BYTES(t, r, 0xFA, 0xAB, 0x41);
    rig_destroy(r);
}

static void translation_turns_set_2_make_and_break_into_set_1(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x40);
    ps2_keyboard_key(r->kbd, 0x1C, true);       /* A */
    ps2_keyboard_key(r->kbd, 0x1C, false);
    ps2_keyboard_key(r->kbd, PS2_KEY_E0 | 0x75, true);  /* Up */
    ps2_keyboard_key(r->kbd, PS2_KEY_E0 | 0x75, false);
    EXPECT_BYTES(t, r, 0x1E, 0x9E, 0xE0, 0x48, 0xE0, 0xC8);
    set_ctr(r, 0x00);
    ps2_keyboard_key(r->kbd, 0x1C, true);
    ps2_keyboard_key(r->kbd, 0x1C, false);
    EXPECT_BYTES(t, r, 0x1C, 0xF0, 0x1C);
    rig_destroy(r);
}

static void the_scan_code_set_is_selected_and_reported(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    data(r, 0xF0);
    data(r, 0x00);
    EXPECT_BYTES(t, r, 0xFA, 0xFA, 0x02);
    data(r, 0xF0);
    data(r, 0x01);
    EXPECT_BYTES(t, r, 0xFA, 0xFA);
    ps2_keyboard_key(r->kbd, 0x1C, true);       /* set 1 from the keyboard itself */
    ps2_keyboard_key(r->kbd, 0x1C, false);
    EXPECT_BYTES(t, r, 0x1E, 0x9E);
    set_ctr(r, 0x40);
    data(r, 0xF0);
    data(r, 0x00);
    EXPECT_BYTES(t, r, 0xFA, 0xFA, 0x43);       /* "1" translated */
    data(r, 0xF0);
    data(r, 0x04);
    EXPECT_BYTES(t, r, 0xFA, 0xFE);             /* no set 4 */
    rig_destroy(r);
}

static void pause_and_print_screen_send_their_sequences_in_set_2(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    ps2_keyboard_key(r->kbd, PS2_KEY_PAUSE, true);
    ps2_keyboard_key(r->kbd, PS2_KEY_PAUSE, false);
    EXPECT_BYTES(t, r, 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77);
    ps2_keyboard_key(r->kbd, PS2_KEY_PRINT_SCREEN, true);
    ps2_keyboard_key(r->kbd, PS2_KEY_PRINT_SCREEN, false);
    EXPECT_BYTES(t, r, 0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12);
    ps2_keyboard_key(r->kbd, 0x14, true);       /* Ctrl+Pause is Break */
    ps2_keyboard_key(r->kbd, PS2_KEY_PAUSE, true);
    EXPECT_BYTES(t, r, 0x14, 0xE0, 0x7E, 0xE0, 0xF0, 0x7E);
    rig_destroy(r);
}

static void set_3_sends_breaks_only_for_shift_keys_until_told_otherwise(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    data(r, 0xF0);
    data(r, 0x03);
    EXPECT_BYTES(t, r, 0xFA, 0xFA);
    ps2_keyboard_key(r->kbd, 0x76, true);       /* Esc: 08, make only */
    ps2_keyboard_key(r->kbd, 0x76, false);
    ps2_keyboard_key(r->kbd, 0x12, true);       /* left shift: make/break */
    ps2_keyboard_key(r->kbd, 0x12, false);
    EXPECT_BYTES(t, r, 0x08, 0x12, 0xF0, 0x12);
    data(r, 0xFA);                              /* all keys typematic make/break */
    EXPECT_BYTES(t, r, 0xFA);
    ps2_keyboard_key(r->kbd, PS2_KEY_E0 | 0x75, true);  /* Up: 63, no prefix */
    ps2_keyboard_key(r->kbd, PS2_KEY_E0 | 0x75, false);
    EXPECT_BYTES(t, r, 0x63, 0xF0, 0x63);
    rig_destroy(r);
}

static void echo_leds_and_resend_answer_as_the_keyboard_should(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    data(r, 0xEE);
    EXPECT_BYTES(t, r, 0xEE);
    data(r, 0xED);
    data(r, 0x07);
    EXPECT_BYTES(t, r, 0xFA, 0xFA);
    CHECK_EQ(t, ps2_keyboard_leds(r->kbd), 0x07);
    data(r, 0xFE);
    EXPECT_BYTES(t, r, 0xFA);
    data(r, 0xF5);                              /* disabled: keys are dropped */
    EXPECT_BYTES(t, r, 0xFA);
    ps2_keyboard_key(r->kbd, 0x1C, true);
    CHECK_EQ(t, next(r), -1);
    data(r, 0xF4);
    EXPECT_BYTES(t, r, 0xFA);
    rig_destroy(r);
}

static void a_full_keyboard_buffer_ends_with_the_overrun_code(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x10);                           /* keyboard clock off: nothing drains */
    for (unsigned k = 0; k < 10; k++) {
        ps2_keyboard_key(r->kbd, 0x1C, true);
        ps2_keyboard_key(r->kbd, 0x1C, false);
    }
    set_ctr(r, 0x00);
    uint8_t got[32];
    unsigned n = drain(r, got, sizeof got);
    CHECK_EQ(t, n, 16);
    CHECK_EQ(t, got[14], 0x1C);
    CHECK_EQ(t, got[15], 0x00);                 /* overrun, set 2 */
    rig_destroy(r);
}

/* ---- mouse ---- */

static void mouse_reset_replies_ack_bat_ok_and_id_0(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x02);
    command_data(r, 0xD4, 0xFF);
    CHECK(t, status(r) & I8042_STR_AUXOBF);
    CHECK_EQ(t, r->irq.level[12], 1);
    EXPECT_BYTES(t, r, 0xFA, 0xAA, 0x00);
    CHECK_EQ(t, r->irq.raises[12], 3);
    CHECK_EQ(t, r->irq.raises[1], 0);
    rig_destroy(r);
}

static void mouse_packets_carry_sign_and_overflow_bits(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    command_data(r, 0xD4, 0xF4);
    EXPECT_BYTES(t, r, 0xFA);
    ps2_mouse_move(r->mouse, 5, -3, 0, PS2_MOUSE_LEFT);
    EXPECT_BYTES(t, r, 0x29, 0x05, 0xFD);       /* Y sign, always-one, left */
    ps2_mouse_move(r->mouse, 300, 0, 0, PS2_MOUSE_LEFT);
    EXPECT_BYTES(t, r, 0x49, 0xFF, 0x00);       /* X overflow, clamped */
    ps2_mouse_move(r->mouse, -300, 0, 0, 0);
    EXPECT_BYTES(t, r, 0x58, 0x00, 0x00);       /* X overflow and sign: -256 */
    rig_destroy(r);
}

static void intellimouse_knock_gives_id_3_and_a_wheel_byte(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    static const uint8_t knock[] = { 200, 100, 80 };
    for (unsigned k = 0; k < 3; k++) {
        command_data(r, 0xD4, 0xF3);
        command_data(r, 0xD4, knock[k]);
    }
    EXPECT_BYTES(t, r, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA);
    command_data(r, 0xD4, 0xF2);
    EXPECT_BYTES(t, r, 0xFA, 0x03);
    command_data(r, 0xD4, 0xF4);
    EXPECT_BYTES(t, r, 0xFA);
    ps2_mouse_move(r->mouse, 1, 1, -2, 0);
    EXPECT_BYTES(t, r, 0x08, 0x01, 0x01, 0xFE);
    rig_destroy(r);
}

static void mouse_status_request_reports_mode_and_settings(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    command_data(r, 0xD4, 0xE8);
    command_data(r, 0xD4, 0x03);
    command_data(r, 0xD4, 0xE7);
    command_data(r, 0xD4, 0xF4);
    EXPECT_BYTES(t, r, 0xFA, 0xFA, 0xFA, 0xFA);
    command_data(r, 0xD4, 0xE9);
    EXPECT_BYTES(t, r, 0xFA, 0x30, 0x03, 100);
    rig_destroy(r);
}

static void remote_mode_reports_only_on_read_data(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    command_data(r, 0xD4, 0xF0);
    EXPECT_BYTES(t, r, 0xFA);
    ps2_mouse_move(r->mouse, 2, 3, 0, PS2_MOUSE_RIGHT);
    CHECK_EQ(t, next(r), -1);
    command_data(r, 0xD4, 0xEB);
    EXPECT_BYTES(t, r, 0xFA, 0x0A, 0x02, 0x03);
    rig_destroy(r);
}

static void wrap_mode_echoes_bytes_until_reset_wrap(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    command_data(r, 0xD4, 0xEE);
    command_data(r, 0xD4, 0x42);
    command_data(r, 0xD4, 0xF2);                /* echoed, not executed */
    command_data(r, 0xD4, 0xEC);
    command_data(r, 0xD4, 0xF2);
    EXPECT_BYTES(t, r, 0xFA, 0x42, 0xF2, 0xFA, 0xFA, 0x00);
    rig_destroy(r);
}

/* Outside wrap mode a mouse acknowledges Reset Wrap Mode and stays as it
 * was (Chapweske, "The PS/2 Mouse Interface"); Linux's psmouse probes it. */
static void reset_wrap_outside_wrap_mode_is_acknowledged(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x00);
    command_data(r, 0xD4, 0xEC);
    command_data(r, 0xD4, 0x42);                /* not echoed: no wrap mode */
    command_data(r, 0xD4, 0xF2);
    EXPECT_BYTES(t, r, 0xFA, 0xFE, 0xFA, 0x00);
    rig_destroy(r);
}

static void keyboard_and_mouse_bytes_take_turns(struct test_ctx *t)
{
    struct rig *r = rig_create();
    set_ctr(r, 0x40);
    command_data(r, 0xD4, 0xF4);
    EXPECT_BYTES(t, r, 0xFA);
    ps2_keyboard_key(r->kbd, PS2_KEY_E0 | 0x75, true);
    ps2_mouse_move(r->mouse, 1, 0, 0, 0);
    uint8_t s[5];
    uint8_t got[5];
    for (unsigned k = 0; k < 5; k++) {
        s[k] = status(r);
        got[k] = (uint8_t)next(r);
    }
    CHECK_EQ(t, got[0], 0xE0);
    CHECK_EQ(t, s[0] & I8042_STR_AUXOBF, 0);
    CHECK_EQ(t, got[1], 0x08);
    CHECK(t, s[1] & I8042_STR_AUXOBF);
    CHECK_EQ(t, got[2], 0x48);
    rig_destroy(r);
}

static void a_snapshot_restores_the_controller_and_its_devices(struct test_ctx *t)
{
    struct rig *a = rig_create();
    set_ctr(a, 0x43);
    ps2_keyboard_key(a->kbd, 0x1C, true);       /* 1E in the buffer */
    data(a, 0xEE);                              /* EE waiting in the keyboard */
    size_t size = devices_save(&a->devs, NULL, 0);
    uint8_t *image = malloc(size);
    CHECK_EQ(t, devices_save(&a->devs, image, size), size);

    struct rig *b = rig_create();
    CHECK_EQ(t, devices_load(&b->devs, image, size), 0);
    CHECK_EQ(t, b->irq.level[1], 1);
    EXPECT_BYTES(t, b, 0x1E, 0xEE);
    command(b, 0x20);
    EXPECT_BYTES(t, b, 0x43);
    free(image);
    rig_destroy(a);
    rig_destroy(b);
}

static const struct test controller_tests[] = {
    TEST(the_self_test_answers_55_and_sets_the_system_flag),
    TEST(the_command_byte_reads_back_what_was_written),
    TEST(interface_tests_of_both_ports_report_no_error),
    TEST(disabling_a_port_sets_its_command_byte_bit_and_holds_its_data),
    TEST(the_output_port_gates_a20_and_reads_back),
    TEST(a_pulse_of_output_port_bit_0_resets_the_machine),
    TEST(keyboard_data_raises_irq_1_only_when_enabled),
    TEST(controller_writes_to_its_output_buffer_come_back_as_either_port),
    TEST(an_absent_mouse_answers_with_a_timeout),
    TEST(keyboard_and_mouse_bytes_take_turns),
    TEST(a_snapshot_restores_the_controller_and_its_devices),
};

static const struct test keyboard_tests[] = {
    TEST(keyboard_reset_replies_ack_then_bat_ok),
    TEST(identify_reports_ab_83_raw_and_ab_41_translated),
    TEST(translation_turns_set_2_make_and_break_into_set_1),
    TEST(the_scan_code_set_is_selected_and_reported),
    TEST(pause_and_print_screen_send_their_sequences_in_set_2),
    TEST(set_3_sends_breaks_only_for_shift_keys_until_told_otherwise),
    TEST(echo_leds_and_resend_answer_as_the_keyboard_should),
    TEST(a_full_keyboard_buffer_ends_with_the_overrun_code),
};

static const struct test mouse_tests[] = {
    TEST(mouse_reset_replies_ack_bat_ok_and_id_0),
    TEST(mouse_packets_carry_sign_and_overflow_bits),
    TEST(intellimouse_knock_gives_id_3_and_a_wheel_byte),
    TEST(mouse_status_request_reports_mode_and_settings),
    TEST(remote_mode_reports_only_on_read_data),
    TEST(wrap_mode_echoes_bytes_until_reset_wrap),
    TEST(reset_wrap_outside_wrap_mode_is_acknowledged),
};

int main(int argc, char **argv)
{
    static const struct suite controller = SUITE("i8042 controller", controller_tests);
    static const struct suite keyboard = SUITE("PS/2 keyboard", keyboard_tests);
    static const struct suite mouse = SUITE("PS/2 mouse", mouse_tests);
    const struct suite *const suites[] = { &controller, &keyboard, &mouse };
    return harness_run(argc, argv, suites, 3);
}
