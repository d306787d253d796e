/* System control port B (0x61), the PIIX3's "NMI Status and Control
 * Register": the speaker gate and data enable, the refresh toggle BIOSes
 * time short delays with, and timer 2's OUT. */
#ifndef EMBER_DEVICES_PORT61_H
#define EMBER_DEVICES_PORT61_H

#include <stdint.h>

#include "bus.h"
#include "clock.h"
#include "device.h"
#include "i8254_pit.h"

#define PORT61_PORT 0x61

#define PORT61_TIMER2_GATE 0x01     /* SPKR: counter 2's GATE */
#define PORT61_SPEAKER_DATA 0x02    /* the speaker follows counter 2's OUT */
#define PORT61_SERR_ENABLE 0x04     /* PCI SERR# NMI enable (active low) */
#define PORT61_IOCHK_ENABLE 0x08    /* IOCHK# NMI enable (active low) */
#define PORT61_REFRESH 0x10         /* toggles every refresh cycle */
#define PORT61_TIMER2_OUT 0x20      /* counter 2's OUT */
#define PORT61_IOCHK_NMI 0x40       /* IOCHK# NMI source (none here) */
#define PORT61_SERR_NMI 0x80        /* SERR# NMI source (none here) */

/* The refresh request toggle's half period: 15.085 us (PIIX3). */
#define PORT61_REFRESH_NS 15085u

struct cpu;

struct port61 {
    uint8_t control;            /* bits 0-3 as written */
    struct clock *clock;
    struct i8254 *pit;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops port61_ops;

/* Map port 0x61 in front of pit's counter 2. NULL when out of memory. */
struct port61 *port61_create(struct io_bus *io, struct clock *clock, struct i8254 *pit);

#endif
