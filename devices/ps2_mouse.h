/* PS/2 mouse on the i8042's auxiliary port, with the Microsoft
 * IntelliMouse extensions (a wheel: device ID 3; a wheel and buttons 4
 * and 5: device ID 4).
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Pointing
 * Device"; Adam Chapweske, "The PS/2 Mouse Interface" (commands, packets,
 * stream/remote/wrap modes, the IntelliMouse sample-rate knock sequences). */
#ifndef EMBER_DEVICES_PS2_MOUSE_H
#define EMBER_DEVICES_PS2_MOUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "ps2_keyboard.h"

/* Button bits of ps2_mouse_move (the first three as in byte 1 of a packet). */
#define PS2_MOUSE_LEFT 0x01
#define PS2_MOUSE_RIGHT 0x02
#define PS2_MOUSE_MIDDLE 0x04
#define PS2_MOUSE_BUTTON4 0x08
#define PS2_MOUSE_BUTTON5 0x10

enum ps2_mouse_mode { PS2_MOUSE_STREAM, PS2_MOUSE_REMOTE, PS2_MOUSE_WRAP };

struct ps2_mouse {
    struct ps2_fifo fifo;
    uint8_t command;            /* command awaiting its parameter, 0 = none */
    uint8_t last_sent;          /* for Resend (FE) */
    uint8_t mode;               /* enum ps2_mouse_mode */
    uint8_t wrap_from;          /* the mode to go back to after wrap mode */
    bool reporting;             /* data reporting enabled (F4) */
    bool scaling_2to1;
    bool last_invalid;          /* the previous byte was not understood */
    uint8_t sample_rate;
    uint8_t resolution;         /* 0-3: 1, 2, 4, 8 counts/mm */
    uint8_t device_id;          /* 0, 3 (wheel) or 4 (wheel + 5 buttons) */
    uint8_t rates[3];           /* the last three sample rates set */
    uint8_t buttons;            /* PS2_MOUSE_* */
    bool buttons_changed;       /* a button moved since the last packet */
    int32_t dx, dy, dz;         /* movement counters */

    /* Wiring (not state): told when bytes are waiting. */
    void (*data_ready)(void *opaque);
    void *opaque;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops ps2_mouse_ops;

/* Returns NULL when out of memory. */
struct ps2_mouse *ps2_mouse_create(void);
void ps2_mouse_set_client(struct ps2_mouse *mouse, void (*data_ready)(void *opaque),
                          void *opaque);

/* A byte from the host (a command or a parameter). */
void ps2_mouse_write(struct ps2_mouse *mouse, uint8_t byte);
bool ps2_mouse_has_data(const struct ps2_mouse *mouse);
/* The next byte for the host (0 if there is none). */
uint8_t ps2_mouse_read(struct ps2_mouse *mouse);

/* Movement in mouse counts: dx to the right, dy up (the PS/2 convention;
 * a window system's y grows downwards), dz toward the user (scroll down);
 * buttons is the PS2_MOUSE_* bits now held. In stream mode with reporting
 * on this sends a packet; a counter beyond the 9-bit range of a packet
 * sets that axis's overflow bit, as on the hardware. */
void ps2_mouse_move(struct ps2_mouse *mouse, int dx, int dy, int dz, unsigned buttons);

#endif
