/* Intel 8042 keyboard controller as wired in the IBM PC/AT and PS/2: data
 * port 0x60, status/command port 0x64, the keyboard port (IRQ 1) and the
 * auxiliary (mouse) port (IRQ 12), the A20 gate and the CPU reset line on
 * its output port, and the set 2 -> set 1 scan code translation.
 *
 * References: Intel UPI-41AH/42AH (8042) data sheet; IBM Personal
 * System/2 Hardware Interface Technical Reference, "Keyboard and Auxiliary
 * Device Controller" (status register, command byte, controller commands
 * 20-FF, input and output ports); the commands as SeaBIOS (src/hw/ps2port.c)
 * and Linux (drivers/input/serio/i8042.c) use them. */
#ifndef EMBER_DEVICES_I8042_KBC_H
#define EMBER_DEVICES_I8042_KBC_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "device.h"
#include "irq.h"
#include "memory.h"
#include "ps2_keyboard.h"
#include "ps2_mouse.h"

#define I8042_DATA_PORT 0x60
#define I8042_COMMAND_PORT 0x64

/* Status register (read 0x64). */
#define I8042_STR_OBF 0x01      /* output buffer full */
#define I8042_STR_IBF 0x02      /* input buffer full */
#define I8042_STR_SYS 0x04      /* system flag */
#define I8042_STR_A2 0x08       /* last write was to 0x64 (command) */
#define I8042_STR_INH 0x10      /* keyboard not inhibited (keylock open) */
#define I8042_STR_AUXOBF 0x20   /* the output buffer holds auxiliary data */
#define I8042_STR_TIMEOUT 0x40  /* a device did not answer */
#define I8042_STR_PARITY 0x80   /* parity error on the last byte */

/* Command byte (controller RAM byte 0; commands 20/60). */
#define I8042_CTR_KBDINT 0x01   /* IRQ 1 when keyboard data arrives */
#define I8042_CTR_AUXINT 0x02   /* IRQ 12 when auxiliary data arrives */
#define I8042_CTR_SYS 0x04      /* the system flag */
#define I8042_CTR_IGNKEYLOCK 0x08
#define I8042_CTR_KBDDIS 0x10   /* keyboard clock held low */
#define I8042_CTR_AUXDIS 0x20   /* auxiliary clock held low */
#define I8042_CTR_XLATE 0x40    /* translate keyboard set 2 to set 1 */

/* Output port (commands D0/D1). */
#define I8042_OUT_RESET 0x01    /* 0 = hold the CPU in reset */
#define I8042_OUT_A20 0x02
#define I8042_OUT_AUX_DATA 0x04
#define I8042_OUT_AUX_CLOCK 0x08
#define I8042_OUT_KBD_IRQ 0x10  /* output buffer full with keyboard data */
#define I8042_OUT_AUX_IRQ 0x20  /* output buffer full with auxiliary data */
#define I8042_OUT_KBD_CLOCK 0x40
#define I8042_OUT_KBD_DATA 0x80

#define I8042_RAM_SIZE 32
#define I8042_QUEUE_SIZE 8

struct i8042 {
    uint8_t ram[I8042_RAM_SIZE];    /* ram[0] is the command byte */
    uint8_t status;                 /* the SYS and A2 bits */
    uint8_t output_port;
    uint8_t obuf;                   /* output buffer (read at 0x60) */
    bool obuf_full;
    bool obuf_aux;                  /* it holds auxiliary data */
    bool obuf_timeout;              /* it holds the answer of an absent device */
    uint8_t pending;                /* command waiting for its data byte, 0 = none */
    /* Bytes the controller itself sends (replies, D2/D3 data): the value
     * in bits 0-7, QUEUE_AUX and QUEUE_TIMEOUT above. */
    uint16_t queue[I8042_QUEUE_SIZE];
    uint8_t queue_head, queue_count;
    bool xlat_break;                /* translation swallowed an F0 */
    bool aux_next;                  /* round robin: the mouse is served first */
    bool kbd_irq_level, aux_irq_level;

    /* Wiring (not state). */
    struct ps2_keyboard *kbd;       /* NULL: nothing plugged in */
    struct ps2_mouse *mouse;        /* NULL: nothing plugged in */
    struct phys_mem *mem;
    struct irq_line kbd_irq, aux_irq;
    void (*reset)(void *opaque);
    void *reset_opaque;
    struct cpu *cpu;                /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops i8042_ops;

/* Create the controller at 0x60/0x64, plugged with a keyboard and a mouse
 * when the flags say so, and add all of them to devs (the PS/2 devices
 * first, so a reset reaches them before the controller). reset is called
 * when the guest pulses the reset line. Returns NULL after printing why. */
struct i8042 *i8042_create(struct device_list *devs, struct io_bus *io, struct phys_mem *mem,
                           bool with_keyboard, bool with_mouse, struct irq_line kbd_irq,
                           struct irq_line aux_irq, void (*reset)(void *opaque),
                           void *reset_opaque);

/* The devices on the two ports, for the frontend's input (NULL if none). */
struct ps2_keyboard *i8042_keyboard(struct i8042 *kbc);
struct ps2_mouse *i8042_mouse(struct i8042 *kbc);

#endif
