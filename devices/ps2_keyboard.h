/* PS/2 (MF2) keyboard: the device at the far end of the i8042's keyboard
 * port. It answers the host's commands and turns key presses into scan
 * codes of the selected set (1, 2 or 3), kept in a 16-byte FIFO until the
 * controller takes them.
 *
 * References: IBM Personal System/2 Hardware Interface Technical
 * Reference, "Keyboard and Auxiliary Device Controller" and "101/102-Key
 * Keyboard"; Adam Chapweske, "The PS/2 Keyboard Interface"; Andries
 * Brouwer, "Keyboard scancodes" (sets 1, 2, 3 and the 8042 translation).
 *
 * Keys are named by a keycode: the key's set-2 make code, with
 * PS2_KEY_E0 added for the keys whose code has an E0 prefix, and two
 * special values for the keys whose codes are sequences (Pause and
 * PrintScreen). The frontend maps host keys to keycodes (frontend/input.h). */
#ifndef EMBER_DEVICES_PS2_KEYBOARD_H
#define EMBER_DEVICES_PS2_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"

struct cpu;

#define PS2_KEY_E0 0x100                /* E0-prefixed: PS2_KEY_E0 | set-2 code */
#define PS2_KEY_PRINT_SCREEN 0x17C      /* E0 7C, with its fake shift */
#define PS2_KEY_PAUSE 0x200             /* E1 14 77 E1 F0 14 F0 77, no break */
#define PS2_KEYCODES 0x201

/* Bytes the PS/2 devices send. */
#define PS2_ACK 0xFA
#define PS2_RESEND 0xFE
#define PS2_ERROR 0xFC
#define PS2_BAT_OK 0xAA
#define PS2_ECHO 0xEE

/* LED bits of the Set LEDs (ED) command. */
#define PS2_LED_SCROLL 0x01
#define PS2_LED_NUM 0x02
#define PS2_LED_CAPS 0x04

/* The byte FIFO of a PS/2 device (shared with the mouse). */
#define PS2_FIFO_SIZE 16

struct ps2_fifo {
    uint8_t data[PS2_FIFO_SIZE];
    uint8_t head;
    uint8_t count;
};

void ps2_fifo_clear(struct ps2_fifo *f);
/* Returns false (and drops the byte) when the FIFO is full. */
bool ps2_fifo_push(struct ps2_fifo *f, uint8_t byte);
uint8_t ps2_fifo_pop(struct ps2_fifo *f);
static inline unsigned ps2_fifo_room(const struct ps2_fifo *f)
{
    return PS2_FIFO_SIZE - f->count;
}

/* The 8042's set 2 -> set 1 translation of one byte (F0 handled by the
 * caller: it sets bit 7 of the next byte). */
uint8_t ps2_translate_to_set1(uint8_t set2_byte);

struct ps2_keyboard {
    struct ps2_fifo fifo;
    uint8_t command;            /* command awaiting its parameter, 0 = none */
    uint8_t last_sent;          /* for Resend (FE) */
    uint8_t scancode_set;       /* 1, 2 or 3 */
    uint8_t leds;               /* PS2_LED_* */
    uint8_t typematic;          /* rate/delay byte of F3 */
    bool scanning;              /* enabled by F4, disabled by F5 */
    uint8_t set3_break[32];     /* set 3: key (by set-3 code) sends a break code */
    uint8_t set3_repeat[32];    /* set 3: key repeats while held */
    uint8_t held[(PS2_KEYCODES + 7) / 8]; /* keys down, by keycode */

    /* Wiring (not state): told when bytes are waiting. */
    void (*data_ready)(void *opaque);
    void *opaque;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops ps2_keyboard_ops;

/* Returns NULL when out of memory. */
struct ps2_keyboard *ps2_keyboard_create(void);
void ps2_keyboard_set_client(struct ps2_keyboard *kbd, void (*data_ready)(void *opaque),
                             void *opaque);

/* A byte from the host (a command or a parameter). */
void ps2_keyboard_write(struct ps2_keyboard *kbd, uint8_t byte);
bool ps2_keyboard_has_data(const struct ps2_keyboard *kbd);
/* The next byte for the host (0 if there is none). */
uint8_t ps2_keyboard_read(struct ps2_keyboard *kbd);

/* A key went down or up; a down for a key already down is a repeat. */
void ps2_keyboard_key(struct ps2_keyboard *kbd, unsigned keycode, bool down);
/* The LEDs the guest last set (PS2_LED_*). */
uint8_t ps2_keyboard_leds(const struct ps2_keyboard *kbd);

#endif
