/* PS/2 (MF2) keyboard; see ps2_keyboard.h.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference (keyboard
 * commands ED-FF, the 16-byte buffer and its overrun code, scan code sets
 * 1-3 and the set-3 key types); Andries Brouwer, "Keyboard scancodes",
 * section 9 (the 8042 translation table and the set 1/2/3 correspondence).
 *
 * Key codes are produced in set 2 first; set 1 is set 2 run through the
 * 8042 translation (exactly how the two sets correspond), set 3 has a
 * code of its own per key and no prefixes. */
#include "ps2_keyboard.h"

#include <stdlib.h>
#include <string.h>

#include "debugger.h"

/* Keyboard commands (bytes from the host). */
enum {
    KBD_SET_LEDS = 0xED,
    KBD_ECHO = 0xEE,
    KBD_SCANCODE_SET = 0xF0,
    KBD_IDENTIFY = 0xF2,
    KBD_TYPEMATIC = 0xF3,
    KBD_ENABLE = 0xF4,
    KBD_DEFAULT_DISABLE = 0xF5,
    KBD_SET_DEFAULT = 0xF6,
    KBD_ALL_TYPEMATIC = 0xF7,
    KBD_ALL_MAKE_BREAK = 0xF8,
    KBD_ALL_MAKE = 0xF9,
    KBD_ALL_TYPEMATIC_MAKE_BREAK = 0xFA,
    KBD_KEY_TYPEMATIC = 0xFB,
    KBD_KEY_MAKE_BREAK = 0xFC,
    KBD_KEY_MAKE = 0xFD,
    KBD_RESEND = 0xFE,
    KBD_RESET = 0xFF,
};

/* The first byte value that is a command rather than a parameter. */
#define KBD_FIRST_COMMAND KBD_SET_LEDS

#define KBD_ID_1 0xAB               /* MF2 keyboard */
#define KBD_ID_2 0x83
#define KBD_TYPEMATIC_DEFAULT 0x2B  /* 10.9 characters/s after 500 ms */
#define KBD_MAX_SEQUENCE 8

/* Set-2 codes of the keys the sequences depend on. */
#define KEY_LSHIFT 0x12
#define KEY_RSHIFT 0x59
#define KEY_LCTRL 0x14
#define KEY_RCTRL (PS2_KEY_E0 | 0x14)
#define KEY_LALT 0x11
#define KEY_RALT (PS2_KEY_E0 | 0x11)
#define KEY_SYSRQ 0x84              /* Alt+PrintScreen */

/* ---- the byte FIFO ---- */

void ps2_fifo_clear(struct ps2_fifo *f)
{
    f->head = 0;
    f->count = 0;
}

bool ps2_fifo_push(struct ps2_fifo *f, uint8_t byte)
{
    if (f->count >= PS2_FIFO_SIZE)
        return false;
    f->data[(f->head + f->count) % PS2_FIFO_SIZE] = byte;
    f->count++;
    return true;
}

uint8_t ps2_fifo_pop(struct ps2_fifo *f)
{
    if (f->count == 0)
        return 0;
    uint8_t byte = f->data[f->head];
    f->head = (uint8_t)((f->head + 1) % PS2_FIFO_SIZE);
    f->count--;
    return byte;
}

/* ---- scan code sets ---- */

/* The 8042's translation of set-2 bytes 00-7F to set 1 (Brouwer 9.3). */
static const uint8_t set2_to_set1[128] = {
    0xFF, 0x43, 0x41, 0x3F, 0x3D, 0x3B, 0x3C, 0x58, 0x64, 0x44, 0x42, 0x40, 0x3E, 0x0F, 0x29, 0x59,
    0x65, 0x38, 0x2A, 0x70, 0x1D, 0x10, 0x02, 0x5A, 0x66, 0x71, 0x2C, 0x1F, 0x1E, 0x11, 0x03, 0x5B,
    0x67, 0x2E, 0x2D, 0x20, 0x12, 0x05, 0x04, 0x5C, 0x68, 0x39, 0x2F, 0x21, 0x14, 0x13, 0x06, 0x5D,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5E, 0x6A, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5F,
    0x6B, 0x33, 0x25, 0x17, 0x18, 0x0B, 0x0A, 0x60, 0x6C, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0C, 0x61,
    0x6D, 0x73, 0x28, 0x74, 0x1A, 0x0D, 0x62, 0x6E, 0x3A, 0x36, 0x1C, 0x1B, 0x75, 0x2B, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7A, 0x0E, 0x7B, 0x7C, 0x4F, 0x7D, 0x4B, 0x47, 0x7E, 0x7F, 0x6F,
    0x52, 0x53, 0x50, 0x4C, 0x4D, 0x48, 0x01, 0x45, 0x57, 0x4E, 0x51, 0x4A, 0x37, 0x49, 0x46, 0x54,
};

uint8_t ps2_translate_to_set1(uint8_t b)
{
    if (b < 0x80)
        return set2_to_set1[b];
    if (b == 0x83)          /* F7 */
        return 0x41;
    if (b == 0x84)          /* Alt+SysRq */
        return 0x54;
    return b;               /* prefixes and replies pass unchanged */
}

/* Set-3 code of a key: most unprefixed keys keep their set-2 code; the
 * function keys, modifiers, keypad operators and the E0 keys move. 0 for
 * keys set 3 has no code for. */
static uint8_t set3_code(unsigned key)
{
    switch (key) {
    case 0x76: return 0x08;                 /* Esc */
    case 0x05: return 0x07;                 /* F1 */
    case 0x06: return 0x0F;                 /* F2 */
    case 0x04: return 0x17;                 /* F3 */
    case 0x0C: return 0x1F;                 /* F4 */
    case 0x03: return 0x27;                 /* F5 */
    case 0x0B: return 0x2F;                 /* F6 */
    case 0x83: return 0x37;                 /* F7 */
    case 0x0A: return 0x3F;                 /* F8 */
    case 0x01: return 0x47;                 /* F9 */
    case 0x09: return 0x4F;                 /* F10 */
    case 0x78: return 0x56;                 /* F11 */
    case 0x07: return 0x5E;                 /* F12 */
    case KEY_SYSRQ: return 0x57;
    case 0x7E: return 0x5F;                 /* ScrollLock */
    case 0x5D: return 0x5C;                 /* backslash */
    case 0x61: return 0x13;                 /* the 102nd key (ISO) */
    case 0x58: return 0x14;                 /* CapsLock */
    case KEY_LCTRL: return 0x11;
    case KEY_LALT: return 0x19;
    case 0x77: return 0x76;                 /* NumLock */
    case 0x7C: return 0x7E;                 /* keypad * */
    case 0x7B: return 0x84;                 /* keypad - */
    case 0x79: return 0x7C;                 /* keypad + */
    case KEY_RALT: return 0x39;
    case KEY_RCTRL: return 0x58;
    case PS2_KEY_E0 | 0x70: return 0x67;    /* Insert */
    case PS2_KEY_E0 | 0x71: return 0x64;    /* Delete */
    case PS2_KEY_E0 | 0x6C: return 0x6E;    /* Home */
    case PS2_KEY_E0 | 0x69: return 0x65;    /* End */
    case PS2_KEY_E0 | 0x7D: return 0x6F;    /* PageUp */
    case PS2_KEY_E0 | 0x7A: return 0x6D;    /* PageDown */
    case PS2_KEY_E0 | 0x6B: return 0x61;    /* Left */
    case PS2_KEY_E0 | 0x75: return 0x63;    /* Up */
    case PS2_KEY_E0 | 0x72: return 0x60;    /* Down */
    case PS2_KEY_E0 | 0x74: return 0x6A;    /* Right */
    case PS2_KEY_E0 | 0x4A: return 0x77;    /* keypad / */
    case PS2_KEY_E0 | 0x5A: return 0x79;    /* keypad Enter */
    case PS2_KEY_PRINT_SCREEN: return 0x57;
    case PS2_KEY_E0 | 0x1F: return 0x8B;    /* left Windows */
    case PS2_KEY_E0 | 0x27: return 0x8C;    /* right Windows */
    case PS2_KEY_E0 | 0x2F: return 0x8D;    /* Menu */
    case PS2_KEY_E0 | 0x3F: return 0x7F;    /* Sleep */
    case PS2_KEY_PAUSE: return 0x62;
    default:
        return key < 0x80 ? (uint8_t)key : 0;
    }
}

/* ---- set-3 key types ---- */

static bool bit_get(const uint8_t *bits, unsigned n)
{
    return (bits[n / 8] >> (n % 8)) & 1;
}

static void bit_put(uint8_t *bits, unsigned n, bool on)
{
    if (on)
        bits[n / 8] |= (uint8_t)(1u << (n % 8));
    else
        bits[n / 8] &= (uint8_t)~(1u << (n % 8));
}

/* Power-on key types of set 3: every key repeats and sends only a make
 * code, except the shift keys (make/break, no repeat) and the keys newer
 * than the original set (Windows, Menu: make/break and repeat). */
static void set3_default_types(struct ps2_keyboard *kbd)
{
    static const uint8_t shift_keys[] = { 0x11, 0x12, 0x14, 0x19, 0x59 };
    memset(kbd->set3_break, 0, sizeof kbd->set3_break);
    memset(kbd->set3_repeat, 0xFF, sizeof kbd->set3_repeat);
    for (unsigned k = 0; k < sizeof shift_keys; k++) {
        bit_put(kbd->set3_break, shift_keys[k], true);
        bit_put(kbd->set3_repeat, shift_keys[k], false);
    }
    for (unsigned code = 0x8B; code <= 0x8D; code++)
        bit_put(kbd->set3_break, code, true);
}

static void set3_all_types(struct ps2_keyboard *kbd, bool make_break, bool repeat)
{
    memset(kbd->set3_break, make_break ? 0xFF : 0, sizeof kbd->set3_break);
    memset(kbd->set3_repeat, repeat ? 0xFF : 0, sizeof kbd->set3_repeat);
}

/* ---- output ---- */

static void notify(struct ps2_keyboard *kbd)
{
    if (kbd->fifo.count && kbd->data_ready)
        kbd->data_ready(kbd->opaque);
}

static void reply(struct ps2_keyboard *kbd, uint8_t byte)
{
    ps2_fifo_push(&kbd->fifo, byte);
}

/* A key's bytes go in whole or not at all; the last free byte of the
 * buffer is kept for the overrun code (00, or FF in set 1). */
static void emit(struct ps2_keyboard *kbd, const uint8_t *seq, unsigned n)
{
    unsigned room = ps2_fifo_room(&kbd->fifo);
    if (n == 0 || room == 0)
        return;
    if (room > n) {
        for (unsigned k = 0; k < n; k++)
            ps2_fifo_push(&kbd->fifo, seq[k]);
    } else {
        ps2_fifo_push(&kbd->fifo, kbd->scancode_set == 1 ? 0xFF : 0x00);
    }
    notify(kbd);
}

/* ---- keys ---- */

static bool held(const struct ps2_keyboard *kbd, unsigned key)
{
    return bit_get(kbd->held, key);
}

static bool shift_held(const struct ps2_keyboard *kbd)
{
    return held(kbd, KEY_LSHIFT) || held(kbd, KEY_RSHIFT);
}

static bool ctrl_held(const struct ps2_keyboard *kbd)
{
    return held(kbd, KEY_LCTRL) || held(kbd, KEY_RCTRL);
}

static bool alt_held(const struct ps2_keyboard *kbd)
{
    return held(kbd, KEY_LALT) || held(kbd, KEY_RALT);
}

static unsigned put_code(uint8_t *out, unsigned n, bool e0, bool down, uint8_t code)
{
    if (e0)
        out[n++] = 0xE0;
    if (!down)
        out[n++] = 0xF0;
    out[n++] = code;
    return n;
}

/* Pause: E1 14 77 E1 F0 14 F0 77 on press, nothing on release; with Ctrl
 * it is Break, E0 7E E0 F0 7E. */
static unsigned pause_sequence(const struct ps2_keyboard *kbd, bool down, uint8_t *out)
{
    static const uint8_t pause[] = { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 };
    unsigned n = 0;
    if (!down)
        return 0;
    if (ctrl_held(kbd)) {
        n = put_code(out, n, true, true, 0x7E);
        return put_code(out, n, true, false, 0x7E);
    }
    memcpy(out, pause, sizeof pause);
    return sizeof pause;
}

/* PrintScreen: E0 12 E0 7C / E0 F0 7C E0 F0 12 alone, E0 7C / E0 F0 7C
 * with Shift or Ctrl, and SysRq (84 / F0 84) with Alt. */
static unsigned print_screen_sequence(const struct ps2_keyboard *kbd, bool down, uint8_t *out)
{
    unsigned n = 0;
    if (alt_held(kbd))
        return put_code(out, n, false, down, KEY_SYSRQ);
    if (shift_held(kbd) || ctrl_held(kbd))
        return put_code(out, n, true, down, 0x7C);
    if (down) {
        n = put_code(out, n, true, true, KEY_LSHIFT);
        return put_code(out, n, true, true, 0x7C);
    }
    n = put_code(out, n, true, false, 0x7C);
    return put_code(out, n, true, false, KEY_LSHIFT);
}

static unsigned set2_sequence(const struct ps2_keyboard *kbd, unsigned key, bool down,
                              uint8_t *out)
{
    if (key == PS2_KEY_PAUSE)
        return pause_sequence(kbd, down, out);
    if (key == PS2_KEY_PRINT_SCREEN)
        return print_screen_sequence(kbd, down, out);
    return put_code(out, 0, (key & PS2_KEY_E0) != 0, down, (uint8_t)key);
}

/* Set 1 is set 2 through the 8042's table, F0 becoming bit 7. */
static unsigned to_set1(uint8_t *seq, unsigned n)
{
    unsigned out = 0;
    uint8_t brk = 0;
    for (unsigned k = 0; k < n; k++) {
        if (seq[k] == 0xF0) {
            brk = 0x80;
            continue;
        }
        seq[out++] = (uint8_t)(ps2_translate_to_set1(seq[k]) | brk);
        brk = 0;
    }
    return out;
}

static unsigned set3_sequence(const struct ps2_keyboard *kbd, unsigned key, bool down,
                              bool repeat, uint8_t *out)
{
    uint8_t code = set3_code(key);
    if (!code)
        return 0;
    if (down && repeat && !bit_get(kbd->set3_repeat, code))
        return 0;
    if (!down && !bit_get(kbd->set3_break, code))
        return 0;
    return put_code(out, 0, false, down, code);
}

void ps2_keyboard_key(struct ps2_keyboard *kbd, unsigned keycode, bool down)
{
    if (keycode >= PS2_KEYCODES)
        return;
    bool repeat = down && held(kbd, keycode);
    if (!down && !held(kbd, keycode))
        return;             /* a release of a key never pressed */
    uint8_t seq[KBD_MAX_SEQUENCE];
    unsigned n = 0;
    if (kbd->scanning) {
        if (kbd->scancode_set == 3) {
            n = set3_sequence(kbd, keycode, down, repeat, seq);
        } else if (!(repeat && keycode == PS2_KEY_PAUSE)) {
            n = set2_sequence(kbd, keycode, down, seq);
            if (kbd->scancode_set == 1)
                n = to_set1(seq, n);
        }
    }
    bit_put(kbd->held, keycode, down);
    emit(kbd, seq, n);
}

uint8_t ps2_keyboard_leds(const struct ps2_keyboard *kbd)
{
    return kbd->leds;
}

/* ---- commands ---- */

static void set_defaults(struct ps2_keyboard *kbd)
{
    kbd->typematic = KBD_TYPEMATIC_DEFAULT;
    set3_default_types(kbd);
}

static void power_on(struct ps2_keyboard *kbd)
{
    ps2_fifo_clear(&kbd->fifo);
    kbd->command = 0;
    kbd->last_sent = 0;
    kbd->scancode_set = 2;
    kbd->leds = 0;
    kbd->scanning = true;
    memset(kbd->held, 0, sizeof kbd->held);
    set_defaults(kbd);
}

/* F0 nn: 0 asks for the set (ACK, then 1, 2 or 3), 1-3 select one. */
static void scancode_set_param(struct ps2_keyboard *kbd, uint8_t value)
{
    if (value > 3) {
        reply(kbd, PS2_RESEND);
        return;
    }
    reply(kbd, PS2_ACK);
    if (value == 0)
        reply(kbd, kbd->scancode_set);
    else
        kbd->scancode_set = value;
}

/* FB/FC/FD nn...: key types for single set-3 keys, until a command. */
static void key_type_param(struct ps2_keyboard *kbd, uint8_t code)
{
    bit_put(kbd->set3_break, code, kbd->command != KBD_KEY_TYPEMATIC && kbd->command != KBD_KEY_MAKE);
    bit_put(kbd->set3_repeat, code, kbd->command == KBD_KEY_TYPEMATIC);
    reply(kbd, PS2_ACK);
}

static void parameter(struct ps2_keyboard *kbd, uint8_t value)
{
    switch (kbd->command) {
    case KBD_SET_LEDS:
        kbd->leds = value & 0x07;
        reply(kbd, PS2_ACK);
        break;
    case KBD_TYPEMATIC:
        kbd->typematic = value & 0x7F;
        reply(kbd, PS2_ACK);
        break;
    case KBD_SCANCODE_SET:
        scancode_set_param(kbd, value);
        break;
    default:                /* FB, FC, FD: the list goes on */
        key_type_param(kbd, value);
        return;
    }
    kbd->command = 0;
}

/* Commands that clear the buffer, set the defaults and (F5) stop scanning. */
static void restart(struct ps2_keyboard *kbd, bool scanning)
{
    ps2_fifo_clear(&kbd->fifo);
    set_defaults(kbd);
    kbd->scanning = scanning;
    reply(kbd, PS2_ACK);
}

static void set3_all(struct ps2_keyboard *kbd, uint8_t cmd)
{
    set3_all_types(kbd, cmd == KBD_ALL_MAKE_BREAK || cmd == KBD_ALL_TYPEMATIC_MAKE_BREAK,
                   cmd == KBD_ALL_TYPEMATIC || cmd == KBD_ALL_TYPEMATIC_MAKE_BREAK);
    reply(kbd, PS2_ACK);
}

static void command(struct ps2_keyboard *kbd, uint8_t cmd)
{
    kbd->command = 0;
    switch (cmd) {
    case KBD_SET_LEDS:
    case KBD_SCANCODE_SET:
    case KBD_TYPEMATIC:
    case KBD_KEY_TYPEMATIC:
    case KBD_KEY_MAKE_BREAK:
    case KBD_KEY_MAKE:
        kbd->command = cmd;
        reply(kbd, PS2_ACK);
        break;
    case KBD_ECHO:
        reply(kbd, PS2_ECHO);
        break;
    case KBD_IDENTIFY:
        reply(kbd, PS2_ACK);
        reply(kbd, KBD_ID_1);
        reply(kbd, KBD_ID_2);
        break;
    case KBD_ENABLE:
        ps2_fifo_clear(&kbd->fifo);
        kbd->scanning = true;
        reply(kbd, PS2_ACK);
        break;
    case KBD_DEFAULT_DISABLE:
        restart(kbd, false);
        break;
    case KBD_SET_DEFAULT:
        restart(kbd, true);
        break;
    case KBD_ALL_TYPEMATIC:
    case KBD_ALL_MAKE_BREAK:
    case KBD_ALL_MAKE:
    case KBD_ALL_TYPEMATIC_MAKE_BREAK:
        set3_all(kbd, cmd);
        break;
    case KBD_RESEND:
        reply(kbd, kbd->last_sent);
        break;
    case KBD_RESET:
        power_on(kbd);
        reply(kbd, PS2_ACK);
        reply(kbd, PS2_BAT_OK);
        break;
    default:                        /* not a command this keyboard knows */
        trace_unimp_key(kbd, cmd, "PS/2 keyboard command %02xh is not implemented: "
                        "answered FEh (resend)", cmd);
        reply(kbd, PS2_RESEND);
        break;
    }
}

void ps2_keyboard_write(struct ps2_keyboard *kbd, uint8_t byte)
{
    /* A command byte while a parameter is awaited cancels the wait. */
    if (kbd->command && byte < KBD_FIRST_COMMAND)
        parameter(kbd, byte);
    else
        command(kbd, byte);
    notify(kbd);
}

bool ps2_keyboard_has_data(const struct ps2_keyboard *kbd)
{
    return kbd->fifo.count != 0;
}

uint8_t ps2_keyboard_read(struct ps2_keyboard *kbd)
{
    if (!kbd->fifo.count)
        return 0;
    kbd->last_sent = ps2_fifo_pop(&kbd->fifo);
    return kbd->last_sent;
}

/* ---- device ---- */

struct ps2_keyboard *ps2_keyboard_create(void)
{
    struct ps2_keyboard *kbd = calloc(1, sizeof *kbd);
    if (kbd)
        power_on(kbd);
    return kbd;
}

void ps2_keyboard_set_client(struct ps2_keyboard *kbd, void (*data_ready)(void *opaque),
                             void *opaque)
{
    kbd->data_ready = data_ready;
    kbd->opaque = opaque;
}

static void kbd_reset(void *dev)
{
    power_on(dev);
}

static void kbd_destroy(void *dev)
{
    free(dev);
}

/* A snapshot is input like any other: keep the FIFO indexes in range. */
static void kbd_post_load(void *dev)
{
    struct ps2_keyboard *kbd = dev;
    kbd->fifo.head %= PS2_FIFO_SIZE;
    if (kbd->fifo.count > PS2_FIFO_SIZE)
        kbd->fifo.count = PS2_FIFO_SIZE;
    if (kbd->scancode_set < 1 || kbd->scancode_set > 3)
        kbd->scancode_set = 2;
}

static void kbd_set_cpu(void *dev, struct cpu *cpu)
{
    struct ps2_keyboard *kbd = dev;
    kbd->cpu = cpu;
}

static const struct state_field kbd_fields[] = {
    STATE_FIELD(struct ps2_keyboard, fifo),
    STATE_FIELD(struct ps2_keyboard, command),
    STATE_FIELD(struct ps2_keyboard, last_sent),
    STATE_FIELD(struct ps2_keyboard, scancode_set),
    STATE_FIELD(struct ps2_keyboard, leds),
    STATE_FIELD(struct ps2_keyboard, typematic),
    STATE_FIELD(struct ps2_keyboard, scanning),
    STATE_FIELD(struct ps2_keyboard, set3_break),
    STATE_FIELD(struct ps2_keyboard, set3_repeat),
    STATE_FIELD(struct ps2_keyboard, held),
};

static const struct device_state kbd_state = {
    .version = 1,
    .fields = kbd_fields,
    .nfields = sizeof kbd_fields / sizeof kbd_fields[0],
    .post_load = kbd_post_load,
};

const struct device_ops ps2_keyboard_ops = {
    .name = "ps2-keyboard",
    .reset = kbd_reset,
    .destroy = kbd_destroy,
    .state = &kbd_state,
    .set_cpu = kbd_set_cpu,
};
