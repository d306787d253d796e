/* -keys (frontend/keyinject.c): the text becomes key presses on the
 * virtual clock. A PS/2 keyboard (scan code set 2, as after power-on) and
 * a clock driven by hand stand in for the machine; the bytes the keyboard
 * sends are read back and compared with the set-2 codes of the keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "harness.h"
#include "keyinject.h"
#include "ps2_keyboard.h"

#define MS 1000000ull

struct rig {
    struct clock clock;
    struct ps2_keyboard *kbd;
    struct keyinject *keys;
    FILE *err;
    char errbuf[256];
};

static struct rig *rig_create(const char *spec)
{
    struct rig *r = calloc(1, sizeof *r);
    clock_init(&r->clock);
    r->kbd = ps2_keyboard_create();
    r->err = fmemopen(r->errbuf, sizeof r->errbuf, "w");
    r->keys = keyinject_create(spec, r->err);
    fflush(r->err);
    if (r->keys)
        keyinject_start(r->keys, &r->clock, r->kbd);
    return r;
}

static void rig_destroy(struct rig *r)
{
    keyinject_destroy(r->keys);
    ps2_keyboard_ops.destroy(r->kbd);
    fclose(r->err);
    free(r);
}

/* Advance the virtual clock to ns and fire what is due. */
static void run_to(struct rig *r, uint64_t ns)
{
    clock_sync(&r->clock, ns / CLOCK_NS_PER_INSN);
    clock_run_timers(&r->clock);
}

/* The bytes the keyboard has for the host, as hex "12 33", or "". */
static const char *drain(struct rig *r)
{
    static char text[128];
    size_t n = 0;
    text[0] = 0;
    while (ps2_keyboard_has_data(r->kbd) && n + 4 < sizeof text)
        n += (size_t)snprintf(text + n, sizeof text - n, n ? " %02X" : "%02X",
                              ps2_keyboard_read(r->kbd));
    return text;
}

#define CHECK_BYTES(t, r, want)                                                  \
    do {                                                                         \
        const char *got_ = drain(r);                                             \
        if (!CHECK((t), strcmp(got_, (want)) == 0))                              \
            test_note((t), "keyboard sent \"%s\", expected \"%s\"", got_, (want)); \
    } while (0)

static void nothing_is_typed_before_the_start_time(struct test_ctx *t)
{
    struct rig *r = rig_create("at=10,every=20,a");
    CHECK(t, r->keys != NULL);
    run_to(r, 10 * MS - 1);
    CHECK_BYTES(t, r, "");
    CHECK_EQ(t, keyinject_typed(r->keys), 0);
    run_to(r, 10 * MS);
    CHECK_BYTES(t, r, "1C");
    rig_destroy(r);
}

static void a_key_goes_up_half_an_interval_after_it_went_down(struct test_ctx *t)
{
    struct rig *r = rig_create("at=10,every=20,a");
    run_to(r, 10 * MS);
    CHECK_BYTES(t, r, "1C");
    run_to(r, 20 * MS - 1);
    CHECK_BYTES(t, r, "");
    run_to(r, 20 * MS);
    CHECK_BYTES(t, r, "F0 1C");
    CHECK_EQ(t, keyinject_typed(r->keys), keyinject_events(r->keys));
    CHECK_EQ(t, clock_next_deadline(&r->clock), UINT64_MAX);
    rig_destroy(r);
}

static void keys_follow_one_another_at_the_interval(struct test_ctx *t)
{
    struct rig *r = rig_create("at=0,every=4,ab1");
    CHECK_EQ(t, keyinject_events(r->keys), 6);
    run_to(r, 0);
    CHECK_BYTES(t, r, "1C");
    run_to(r, 2 * MS);
    CHECK_BYTES(t, r, "F0 1C");
    run_to(r, 4 * MS);
    CHECK_BYTES(t, r, "32");
    run_to(r, 8 * MS);
    CHECK_BYTES(t, r, "F0 32 16");
    run_to(r, 10 * MS);
    CHECK_BYTES(t, r, "F0 16");
    rig_destroy(r);
}

static void a_capital_letter_is_typed_inside_shift(struct test_ctx *t)
{
    struct rig *r = rig_create("at=0,every=10,H");
    CHECK_EQ(t, keyinject_events(r->keys), 4);
    run_to(r, 0);
    CHECK_BYTES(t, r, "12 33");
    run_to(r, 5 * MS);
    CHECK_BYTES(t, r, "F0 33 F0 12");
    rig_destroy(r);
}

static void shifted_punctuation_uses_the_us_layout(struct test_ctx *t)
{
    struct rig *r = rig_create("at=0,every=10,!:~");
    run_to(r, 5 * MS);
    CHECK_BYTES(t, r, "12 16 F0 16 F0 12");
    run_to(r, 15 * MS);
    CHECK_BYTES(t, r, "12 4C F0 4C F0 12");
    run_to(r, 25 * MS);
    CHECK_BYTES(t, r, "12 0E F0 0E F0 12");
    rig_destroy(r);
}

static void escapes_name_enter_tab_backspace_escape_and_backslash(struct test_ctx *t)
{
    struct rig *r = rig_create("at=0,every=2,\\n\\r\\t\\b\\e\\\\");
    CHECK_EQ(t, keyinject_events(r->keys), 12);
    run_to(r, 5 * MS);
    CHECK_BYTES(t, r, "5A F0 5A 5A F0 5A 0D F0 0D");
    run_to(r, 11 * MS);
    CHECK_BYTES(t, r, "66 F0 66 76 F0 76 5D F0 5D");
    rig_destroy(r);
}

static void the_defaults_start_at_one_second_and_type_every_40_ms(struct test_ctx *t)
{
    struct rig *r = rig_create("xy");
    run_to(r, 1000 * MS - 1);
    CHECK_BYTES(t, r, "");
    run_to(r, 1000 * MS);
    CHECK_BYTES(t, r, "22");
    run_to(r, 1020 * MS);
    CHECK_BYTES(t, r, "F0 22");
    run_to(r, 1040 * MS);
    CHECK_BYTES(t, r, "35");
    rig_destroy(r);
}

static void text_equals_lets_the_text_begin_like_an_option(struct test_ctx *t)
{
    struct rig *r = rig_create("at=0,every=2,text=at=1");
    CHECK(t, r->keys != NULL);
    CHECK_EQ(t, keyinject_events(r->keys), 8);      /* a t = 1: no Shift */
    run_to(r, 0);
    CHECK_BYTES(t, r, "1C");
    rig_destroy(r);
}

static void a_halted_guest_is_woken_by_the_next_key(struct test_ctx *t)
{
    struct rig *r = rig_create("at=7,every=10,q");
    CHECK_EQ(t, clock_next_deadline(&r->clock), 7 * MS);
    CHECK(t, clock_skip_to_next(&r->clock));
    clock_run_timers(&r->clock);
    CHECK_BYTES(t, r, "15");
    CHECK_EQ(t, clock_next_deadline(&r->clock), 12 * MS);
    rig_destroy(r);
}

static void destroying_it_takes_its_timer_off_the_clock(struct test_ctx *t)
{
    struct rig *r = rig_create("at=5,every=10,abc");
    CHECK_EQ(t, clock_next_deadline(&r->clock), 5 * MS);
    keyinject_destroy(r->keys);
    r->keys = NULL;
    CHECK_EQ(t, clock_next_deadline(&r->clock), UINT64_MAX);
    rig_destroy(r);
}

static void refused(struct test_ctx *t, const char *spec, const char *message_part)
{
    struct rig *r = rig_create(spec);
    if (!CHECK(t, r->keys == NULL))
        test_note(t, "-keys '%s' was accepted", spec);
    if (!CHECK(t, strstr(r->errbuf, message_part) != NULL))
        test_note(t, "-keys '%s': message \"%s\" lacks \"%s\"", spec, r->errbuf, message_part);
    if (!CHECK(t, strncmp(r->errbuf, "ember: ", 7) == 0))
        test_note(t, "-keys '%s': message \"%s\"", spec, r->errbuf);
    rig_destroy(r);
}

static void malformed_values_are_refused_with_a_message(struct test_ctx *t)
{
    refused(t, "", "no text");
    refused(t, "at=5,", "no text");
    refused(t, "text=", "no text");
    refused(t, "at=,x", "at needs a number");
    refused(t, "at=5", "at needs a number");
    refused(t, "at=-5,x", "at needs a number");
    refused(t, "every=x,y", "every needs a number");
    refused(t, "every=1,y", "at least 2");
    refused(t, "a\\qb", "unknown escape");
    refused(t, "ab\\", "unknown escape");
    refused(t, "caf\xc3\xa9", "no key types");
    refused(t, "tab\there", "no key types");
}

static const struct test tests[] = {
    TEST(nothing_is_typed_before_the_start_time),
    TEST(a_key_goes_up_half_an_interval_after_it_went_down),
    TEST(keys_follow_one_another_at_the_interval),
    TEST(a_capital_letter_is_typed_inside_shift),
    TEST(shifted_punctuation_uses_the_us_layout),
    TEST(escapes_name_enter_tab_backspace_escape_and_backslash),
    TEST(the_defaults_start_at_one_second_and_type_every_40_ms),
    TEST(text_equals_lets_the_text_begin_like_an_option),
    TEST(a_halted_guest_is_woken_by_the_next_key),
    TEST(destroying_it_takes_its_timer_off_the_clock),
    TEST(malformed_values_are_refused_with_a_message),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("keyinject (-keys)", tests);
    static const struct suite *const suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
