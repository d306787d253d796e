/* Intel 82C54 programmable interval timer at 0x40-0x43: three 16-bit
 * counters clocked at 1.193182 MHz. On the PC, counter 0's OUT is IRQ 0,
 * counter 1 once timed DRAM refresh, counter 2 feeds the speaker and its
 * GATE and OUT are bits 0 and 5 of port 0x61 (port61.h).
 *
 * The counters are not stepped tick by tick: their state is computed from
 * the virtual clock when the guest looks, and a timer is armed only for
 * the next rising edge of an OUT that has a line attached. */
#ifndef EMBER_DEVICES_I8254_PIT_H
#define EMBER_DEVICES_I8254_PIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"
#include "device.h"
#include "irq.h"

#define I8254_PORT 0x40
#define I8254_COUNTERS 3
#define I8254_HZ 1193182u

/* One counter. Plain data only: saved whole in snapshots. Times are in
 * input clock pulses counted from virtual time 0. */
struct i8254_counter {
    /* Programming (control word and count register). */
    uint8_t mode_bits;          /* M2-M1-M0 as written (6 and 7 act as 2 and 3) */
    uint8_t access;             /* RW1-RW0: 1 LSB, 2 MSB, 3 LSB then MSB */
    bool bcd;
    uint16_t count_register;    /* CR, as written (BCD digits in BCD mode) */
    uint8_t written_lsb;        /* LSB of a two-byte write awaiting its MSB */
    bool write_msb_next;        /* write flip-flop */
    bool read_msb_next;         /* read flip-flop */
    bool count_written;         /* a whole count has been written since the control word */
    bool null_count;            /* CR written but not yet in the counting element */
    /* Output latch and status latch. */
    bool count_latched;
    uint16_t output_latch;      /* OL */
    bool status_latched;
    uint8_t status_latch;
    /* The counting element. */
    bool gate;
    bool load_pending;          /* CE := CR on the next clock pulse (a load or trigger) */
    bool counting;              /* CE holds a loaded count */
    uint32_t count;             /* the count in use, binary: 1..65536 (10000 in BCD) */
    uint64_t elapsed;           /* pulses since the load (since the cycle began in modes 2, 3) */
    uint16_t held;              /* CE while not counting, as the guest reads it */
    bool idle_out;              /* OUT while not counting */
    uint64_t synced_pulse;      /* the state above is as of this pulse */
    bool out_driven;            /* the level last sent to the OUT line */
};

/* Where a counter's OUT goes, and the timer for its next rising edge. */
struct i8254_output {
    struct i8254 *pit;
    int index;
    struct irq_line line;       /* set = NULL: OUT goes nowhere */
    struct timer edge_timer;
};

struct i8254 {
    struct i8254_counter counter[I8254_COUNTERS];
    struct clock *clock;
    struct i8254_output output[I8254_COUNTERS];
};

extern const struct device_ops i8254_ops;

/* Map 0x40-0x43; counter 0's OUT drives out0 (IRQ 0). Gates 0 and 1 are
 * tied high, gate 2 starts low. NULL when out of memory. */
struct i8254 *i8254_create(struct io_bus *io, struct clock *clock, struct irq_line out0);
void i8254_set_gate(struct i8254 *pit, int counter, bool level);
/* OUT of a counter now. */
bool i8254_out(struct i8254 *pit, int counter);

/* Virtual nanoseconds and input clock pulses: the number of pulses that
 * have come by ns, and the first ns by which pulse n has come. */
uint64_t i8254_pulses_at(uint64_t ns);
uint64_t i8254_ns_of_pulse(uint64_t pulse);

/* Each counter's programming and its state now, for "info pit". */
void i8254_info(const struct i8254 *pit, FILE *out);

#endif
