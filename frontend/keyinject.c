/* Typed input on the virtual clock; see keyinject.h.
 *
 * The text becomes a list of key events (keycode, down or up, virtual
 * time), made once when -keys is parsed. One timer on the machine's clock
 * walks the list: when it fires it hands every event that is due to the
 * keyboard and re-arms itself for the next one. Characters are named by
 * their key on a US keyboard through the USB HID usage, which
 * ps2_keycode_from_sdl_scancode() (input.h) turns into a PS/2 keycode. */
#include "keyinject.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "input.h"
#include "ps2_keyboard.h"

#define NS_PER_MS 1000000ull
#define MAX_MS 100000000ull     /* about 28 hours of virtual time */

/* HID usages (USB HID Usage Tables 1.12, chapter 10). */
#define HID_A 0x04
#define HID_1 0x1E
#define HID_0 0x27
#define HID_ENTER 0x28
#define HID_ESC 0x29
#define HID_BACKSPACE 0x2A
#define HID_TAB 0x2B
#define HID_SPACE 0x2C
#define HID_LEFT_SHIFT 0xE1

struct key_event {
    uint64_t at;                /* virtual ns */
    uint16_t keycode;           /* PS/2 keycode (ps2_keyboard.h) */
    bool down;
};

struct keyinject {
    struct key_event *events;
    unsigned count, next;
    struct timer timer;
    struct clock *clock;
    struct ps2_keyboard *kbd;
};

/* A US keyboard: the key of each printable character that is not a letter
 * or a digit, and whether Shift goes with it. */
static const struct {
    char ch;
    uint8_t usage;
    bool shift;
} punctuation[] = {
    { ' ', HID_SPACE, false },
    { '!', HID_1 + 0, true }, { '@', HID_1 + 1, true }, { '#', HID_1 + 2, true },
    { '$', HID_1 + 3, true }, { '%', HID_1 + 4, true }, { '^', HID_1 + 5, true },
    { '&', HID_1 + 6, true }, { '*', HID_1 + 7, true }, { '(', HID_1 + 8, true },
    { ')', HID_0, true },
    { '-', 0x2D, false }, { '_', 0x2D, true }, { '=', 0x2E, false }, { '+', 0x2E, true },
    { '[', 0x2F, false }, { '{', 0x2F, true }, { ']', 0x30, false }, { '}', 0x30, true },
    { '\\', 0x31, false }, { '|', 0x31, true }, { ';', 0x33, false }, { ':', 0x33, true },
    { '\'', 0x34, false }, { '"', 0x34, true }, { '`', 0x35, false }, { '~', 0x35, true },
    { ',', 0x36, false }, { '<', 0x36, true }, { '.', 0x37, false }, { '>', 0x37, true },
    { '/', 0x38, false }, { '?', 0x38, true },
};

/* The HID usage of ASCII character c and whether it needs Shift; false
 * for a character no key types. */
static bool usage_of(char c, uint8_t *usage, bool *shift)
{
    *shift = false;
    if (c >= 'a' && c <= 'z') {
        *usage = (uint8_t)(HID_A + (c - 'a'));
        return true;
    }
    if (c >= 'A' && c <= 'Z') {
        *usage = (uint8_t)(HID_A + (c - 'A'));
        *shift = true;
        return true;
    }
    if (c >= '1' && c <= '9') {
        *usage = (uint8_t)(HID_1 + (c - '1'));
        return true;
    }
    if (c == '0') {
        *usage = HID_0;
        return true;
    }
    for (size_t k = 0; k < sizeof punctuation / sizeof punctuation[0]; k++) {
        if (punctuation[k].ch == c) {
            *usage = punctuation[k].usage;
            *shift = punctuation[k].shift;
            return true;
        }
    }
    return false;
}

/* The usage of escape \c, or 0. */
static uint8_t usage_of_escape(char c)
{
    switch (c) {
    case 'n':
    case 'r':
        return HID_ENTER;
    case 't':
        return HID_TAB;
    case 'b':
        return HID_BACKSPACE;
    case 'e':
        return HID_ESC;
    default:
        return 0;
    }
}

static void add_event(struct keyinject *k, uint64_t at, uint8_t usage, bool down)
{
    struct key_event *e = &k->events[k->count++];
    e->at = at;
    e->keycode = (uint16_t)ps2_keycode_from_sdl_scancode(usage);
    e->down = down;
}

/* Reads "at=N," or "every=N," at *p into *ms; returns 1 when it was
 * there, 0 when not, -1 when malformed. */
static int parse_prefix(const char **p, const char *key, uint64_t *ms, FILE *err)
{
    size_t n = strlen(key);
    if (strncmp(*p, key, n) != 0)
        return 0;
    const char *s = *p + n;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end != ',' || v > MAX_MS || s[0] == '-') {
        fprintf(err, "ember: -keys: %.*s needs a number of milliseconds followed by a comma\n",
                (int)(n - 1), key);
        return -1;
    }
    *ms = v;
    *p = end + 1;
    return 1;
}

struct keyinject *keyinject_create(const char *spec, FILE *err)
{
    uint64_t at_ms = KEYINJECT_DEFAULT_AT_MS, every_ms = KEYINJECT_DEFAULT_EVERY_MS;
    const char *p = spec;
    for (;;) {
        int a = parse_prefix(&p, "at=", &at_ms, err);
        int b = a < 0 ? 0 : parse_prefix(&p, "every=", &every_ms, err);
        if (a < 0 || b < 0)
            return NULL;
        if (!a && !b)
            break;
    }
    if (!strncmp(p, "text=", 5))
        p += 5;
    if (!*p) {
        fprintf(err, "ember: -keys %s: no text to type\n", spec);
        return NULL;
    }
    if (every_ms < 2) {
        fprintf(err, "ember: -keys %s: every= must be at least 2 (milliseconds)\n", spec);
        return NULL;
    }
    struct keyinject *k = calloc(1, sizeof *k);
    /* At most four events per character: Shift down, key down, key up,
     * Shift up. */
    if (k)
        k->events = calloc(strlen(p) * 4, sizeof *k->events);
    if (!k || !k->events) {
        fprintf(err, "ember: out of memory for -keys\n");
        keyinject_destroy(k);
        return NULL;
    }
    uint64_t at = at_ms * NS_PER_MS, every = every_ms * NS_PER_MS;
    for (; *p; p++, at += every) {
        uint8_t usage;
        bool shift = false;
        if (*p == '\\') {
            p++;
            usage = usage_of_escape(*p);
            if (*p == '\\')
                usage = 0x31;
            if (!usage) {
                fprintf(err, "ember: -keys: unknown escape '\\%c' (\\n \\r \\t \\b \\e \\\\ are known)\n",
                        *p ? *p : ' ');
                keyinject_destroy(k);
                return NULL;
            }
        } else if (!usage_of(*p, &usage, &shift)) {
            fprintf(err, "ember: -keys: no key types the character 0x%02x "
                         "(printable ASCII and \\n \\t \\b \\e only)\n", (unsigned char)*p);
            keyinject_destroy(k);
            return NULL;
        }
        if (shift)
            add_event(k, at, HID_LEFT_SHIFT, true);
        add_event(k, at, usage, true);
        add_event(k, at + every / 2, usage, false);
        if (shift)
            add_event(k, at + every / 2, HID_LEFT_SHIFT, false);
    }
    return k;
}

/* The timer: type everything that is due, then wait for the next event. */
static void type_due(void *opaque)
{
    struct keyinject *k = opaque;
    uint64_t now = clock_ns(k->clock);
    while (k->next < k->count && k->events[k->next].at <= now) {
        const struct key_event *e = &k->events[k->next++];
        ps2_keyboard_key(k->kbd, e->keycode, e->down);
    }
    if (k->next < k->count)
        timer_arm(k->clock, &k->timer, k->events[k->next].at);
}

void keyinject_start(struct keyinject *k, struct clock *c, struct ps2_keyboard *kbd)
{
    k->clock = c;
    k->kbd = kbd;
    timer_init(&k->timer, type_due, k);
    if (kbd && k->count)
        timer_arm(c, &k->timer, k->events[0].at);
}

void keyinject_destroy(struct keyinject *k)
{
    if (!k)
        return;
    if (k->clock)
        timer_cancel(k->clock, &k->timer);
    free(k->events);
    free(k);
}

unsigned keyinject_events(const struct keyinject *k)
{
    return k->count;
}

unsigned keyinject_typed(const struct keyinject *k)
{
    return k->next;
}
