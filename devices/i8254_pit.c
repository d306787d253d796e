/* Intel 82C54 programmable interval timer; see i8254_pit.h.
 *
 * Datasheet: Intel 82C54 CHMOS Programmable Interval Timer (order number
 * 231244), "Mode Definitions", "Read Operations" and "Read-Back Command".
 *
 * Each counter keeps its counting element (CE) as a count loaded at some
 * pulse plus the pulses elapsed since, so any later state is a formula:
 *   modes 0, 1, 4, 5: CE = count - elapsed, wrapping past zero;
 *   mode 2: a cycle of count pulses, OUT low on the last one;
 *   mode 3: a cycle of count pulses, OUT high for the first (count+1)/2.
 * A load (a count written, or a GATE trigger) happens on the next pulse;
 * that pulse does not count, hence the datasheet's "N+1 pulses". */
#include "i8254_pit.h"

#include <stdio.h>
#include <stdlib.h>

#define CONTROL_PORT 3

/* Control word: SC1-SC0, RW1-RW0, M2-M0, BCD. */
#define CW_SC_SHIFT 6
#define CW_SC_READ_BACK 3
#define CW_RW_SHIFT 4
#define CW_RW_LATCH 0
#define CW_MODE_SHIFT 1
#define CW_BCD 0x01
/* Read-back command: COUNT and STATUS are active low; CNT2-CNT0. */
#define RB_NO_COUNT 0x20
#define RB_NO_STATUS 0x10
/* Status byte. */
#define STATUS_OUT 0x80
#define STATUS_NULL_COUNT 0x40

#define ACCESS_LSB 1
#define ACCESS_MSB 2
#define ACCESS_WORD 3

#define NEVER UINT64_MAX

uint64_t i8254_pulses_at(uint64_t ns)
{
    return ns / NS_PER_SEC * I8254_HZ + ns % NS_PER_SEC * I8254_HZ / NS_PER_SEC;
}

uint64_t i8254_ns_of_pulse(uint64_t pulse)
{
    uint64_t rest = pulse % I8254_HZ * NS_PER_SEC;
    return pulse / I8254_HZ * NS_PER_SEC + (rest + I8254_HZ - 1) / I8254_HZ;
}

/* ------------------------------------------------------------------------
 * Counter arithmetic */

static unsigned mode_of(const struct i8254_counter *c)
{
    return c->mode_bits >= 6 ? c->mode_bits - 4u : c->mode_bits;
}

static bool is_periodic(const struct i8254_counter *c)
{
    unsigned mode = mode_of(c);
    return mode == 2 || mode == 3;
}

static uint32_t modulus(const struct i8254_counter *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Digits A-F in a BCD count are out of spec; they weigh 10-15 here. */
static uint32_t bcd_to_binary(uint16_t v)
{
    return (v >> 12) * 1000u + ((v >> 8) & 0xF) * 100u + ((v >> 4) & 0xF) * 10u + (v & 0xF);
}

static uint16_t binary_to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* The count in CR as a number of pulses: 0 is the largest count. */
static uint32_t initial_count(const struct i8254_counter *c)
{
    uint32_t v = c->bcd ? bcd_to_binary(c->count_register) % 10000 : c->count_register;
    return v ? v : modulus(c);
}

/* Mode 3: OUT is high for the first half of a cycle, the longer one when
 * the count is odd. */
static uint32_t high_half(uint32_t count)
{
    return (count + 1) / 2;
}

/* GATE low stops counting in modes 0, 2, 3, 4; in modes 1 and 5 GATE
 * only triggers. */
static bool gate_allows_counting(const struct i8254_counter *c)
{
    unsigned mode = mode_of(c);
    return mode == 1 || mode == 5 || c->gate;
}

/* CE as the guest reads it (in BCD when the counter counts in BCD). */
static uint16_t counting_element(const struct i8254_counter *c)
{
    if (!c->counting)
        return c->held;
    uint32_t m = modulus(c), v;
    switch (mode_of(c)) {
    case 2:
        v = c->count - (uint32_t)c->elapsed;
        break;
    case 3: {
        /* Decrements by two from the count (count - 1 when odd) in each half. */
        uint32_t h = high_half(c->count), into = (uint32_t)c->elapsed;
        if (into >= h)
            into -= h;
        v = (c->count & ~1u) - 2 * into;
        break;
    }
    default:
        v = (uint32_t)((c->count + m - c->elapsed % m) % m);
        break;
    }
    v %= m;
    return c->bcd ? binary_to_bcd(v) : (uint16_t)v;
}

static bool out_level(const struct i8254_counter *c)
{
    /* Modes 2 and 3: GATE low forces OUT high, and a trigger keeps it high
     * until the reload. */
    if (is_periodic(c) && (!c->gate || c->load_pending))
        return true;
    if (!c->counting)
        return c->idle_out;
    switch (mode_of(c)) {
    case 0:
    case 1:
        return c->elapsed >= c->count;
    case 2:
        return c->elapsed != c->count - 1;
    case 3:
        return c->elapsed < high_half(c->count);
    default:        /* modes 4 and 5: low for the one pulse at terminal count */
        return c->elapsed != c->count;
    }
}

/* Stop the counting element where it stands, OUT at out. */
static void hold(struct i8254_counter *c, bool out)
{
    c->held = counting_element(c);
    c->counting = false;
    c->load_pending = false;
    c->idle_out = out;
}

static void load_counting_element(struct i8254_counter *c)
{
    c->count = initial_count(c);
    c->elapsed = 0;
    c->counting = true;
    c->load_pending = false;
    c->null_count = false;
}

/* Modes 2 and 3 take a newly written count at the end of the current cycle
 * (mode 2) or half-cycle (mode 3), which reloads the counter. */
static uint64_t next_reload(const struct i8254_counter *c)
{
    if (mode_of(c) == 3 && c->elapsed < high_half(c->count))
        return high_half(c->count);
    return c->count;
}

static void advance_periodic(struct i8254_counter *c, uint64_t pulses)
{
    if (c->null_count) {
        uint64_t reload = next_reload(c);
        if (c->elapsed + pulses < reload) {
            c->elapsed += pulses;
            return;
        }
        pulses -= reload - c->elapsed;
        bool into_low_half = reload != c->count;
        c->count = initial_count(c);
        c->null_count = false;
        c->elapsed = into_low_half ? high_half(c->count) : 0;
    }
    c->elapsed = (c->elapsed + pulses) % c->count;
}

/* Let pulses input clock pulses go by (GATE steady meanwhile). */
static void advance(struct i8254_counter *c, uint64_t pulses)
{
    if (pulses == 0)
        return;
    if (c->load_pending) {
        load_counting_element(c);
        pulses--;
    }
    if (!c->counting || !gate_allows_counting(c) || pulses == 0)
        return;
    if (is_periodic(c))
        advance_periodic(c, pulses);
    else
        c->elapsed += pulses;
}

/* The pulse at which OUT next rises, from the state as of synced_pulse. */
static uint64_t next_rising_edge(const struct i8254_counter *c)
{
    struct i8254_counter s = *c;
    uint64_t at = s.synced_pulse;
    if (s.load_pending) {
        bool was_high = out_level(&s);
        advance(&s, 1);
        at++;
        if (!was_high && out_level(&s))
            return at;
    }
    if (!s.counting || !gate_allows_counting(&s))
        return NEVER;
    switch (mode_of(&s)) {
    case 0:
    case 1:
        return s.elapsed < s.count ? at + (s.count - s.elapsed) : NEVER;
    case 2: {
        /* OUT rises at each reload, unless the cycle is one pulse long. */
        uint32_t next_count = s.null_count ? initial_count(&s) : s.count;
        return next_count > 1 ? at + (s.count - s.elapsed) : NEVER;
    }
    case 3:
        if (s.null_count && s.elapsed < high_half(s.count)) {
            uint64_t to_half = high_half(s.count) - s.elapsed;
            advance(&s, to_half);
            at += to_half;
        }
        return s.count > 1 ? at + (s.count - s.elapsed) : NEVER;
    default:
        return s.elapsed <= s.count ? at + (s.count + 1 - s.elapsed) : NEVER;
    }
}

/* ------------------------------------------------------------------------
 * Time and the OUT lines */

static bool has_line(const struct i8254 *pit, int i)
{
    return pit->output[i].line.set != NULL;
}

/* An edge the PIC must see even if the falling half was never sent. */
static void send_rising_edge(struct i8254 *pit, int i)
{
    struct i8254_counter *c = &pit->counter[i];
    const struct irq_line *line = &pit->output[i].line;
    irq_set(line, 0);
    irq_set(line, 1);
    c->out_driven = out_level(c);
    if (!c->out_driven)
        irq_set(line, 0);
}

/* Bring counter i up to the current pulse, reporting a rising edge of OUT
 * that happened meanwhile. */
static void sync(struct i8254 *pit, int i)
{
    struct i8254_counter *c = &pit->counter[i];
    uint64_t now = i8254_pulses_at(clock_now(pit->clock));
    if (now <= c->synced_pulse)
        return;
    bool edge_passed = has_line(pit, i) && next_rising_edge(c) <= now;
    advance(c, now - c->synced_pulse);
    c->synced_pulse = now;
    if (edge_passed)
        send_rising_edge(pit, i);
}

static void arm_edge_timer(struct i8254 *pit, int i)
{
    struct i8254_output *o = &pit->output[i];
    uint64_t edge = has_line(pit, i) ? next_rising_edge(&pit->counter[i]) : NEVER;
    if (edge == NEVER)
        timer_cancel(pit->clock, &o->edge_timer);
    else
        timer_arm(pit->clock, &o->edge_timer, i8254_ns_of_pulse(edge));
}

/* After the guest changed counter i: its OUT level now, its next edge. */
static void settle(struct i8254 *pit, int i)
{
    struct i8254_counter *c = &pit->counter[i];
    bool out = out_level(c);
    if (has_line(pit, i) && out != c->out_driven) {
        c->out_driven = out;
        irq_set(&pit->output[i].line, out);
    }
    arm_edge_timer(pit, i);
}

static void edge_timer_fired(void *opaque)
{
    struct i8254_output *o = opaque;
    sync(o->pit, o->index);
    settle(o->pit, o->index);
}

/* ------------------------------------------------------------------------
 * Guest accesses */

static void latch_count(struct i8254_counter *c)
{
    if (c->count_latched)   /* a second latch before the read is ignored */
        return;
    c->output_latch = counting_element(c);
    c->count_latched = true;
}

static void latch_status(struct i8254_counter *c)
{
    if (c->status_latched)
        return;
    c->status_latch = (uint8_t)((out_level(c) ? STATUS_OUT : 0) |
                                (c->null_count ? STATUS_NULL_COUNT : 0) |
                                c->access << CW_RW_SHIFT | c->mode_bits << CW_MODE_SHIFT |
                                (c->bcd ? CW_BCD : 0));
    c->status_latched = true;
}

/* A control word resets the counter's logic: it stops, OUT goes to the
 * mode's initial level (low in mode 0, else high), and waits for a count. */
static void write_control(struct i8254_counter *c, uint8_t v)
{
    unsigned rw = (v >> CW_RW_SHIFT) & 3u;
    if (rw == CW_RW_LATCH) {
        latch_count(c);
        return;
    }
    hold(c, ((v >> CW_MODE_SHIFT) & 7u) != 0);
    c->mode_bits = (v >> CW_MODE_SHIFT) & 7u;
    c->access = (uint8_t)rw;
    c->bcd = (v & CW_BCD) != 0;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latched = false;
    c->status_latched = false;
    c->count_written = false;
    c->null_count = true;
}

/* Mode 0, first byte of a two-byte count: OUT goes low at once. The 82C54
 * stops counting, unless the count had already passed zero: then it
 * counts on (as if from its current value, OUT low). */
static void first_byte_in_mode_0(struct i8254_counter *c)
{
    if (c->counting && c->elapsed > c->count) {
        uint32_t m = modulus(c);
        uint32_t now = (uint32_t)((c->count + m - c->elapsed % m) % m);
        c->count = now ? now : m;
        c->elapsed = 0;
    } else {
        hold(c, false);
    }
}

static void count_complete(struct i8254_counter *c)
{
    c->null_count = true;
    c->count_written = true;
    switch (mode_of(c)) {
    case 0:
        if (c->access != ACCESS_WORD)
            hold(c, false);
        c->load_pending = true;
        break;
    case 2:
    case 3:
        /* While counting, the new count waits for the end of the cycle. */
        if (!c->counting)
            c->load_pending = true;
        break;
    case 4:
        c->load_pending = true;
        break;
    default:        /* modes 1 and 5 wait for a trigger on GATE */
        break;
    }
}

static void write_count(struct i8254_counter *c, uint8_t v)
{
    switch (c->access) {
    case ACCESS_LSB:
        c->count_register = v;
        break;
    case ACCESS_MSB:
        c->count_register = (uint16_t)(v << 8);
        break;
    default:
        if (!c->write_msb_next) {
            c->written_lsb = v;
            c->write_msb_next = true;
            if (mode_of(c) == 0)
                first_byte_in_mode_0(c);
            return;
        }
        c->count_register = (uint16_t)(c->written_lsb | v << 8);
        c->write_msb_next = false;
        break;
    }
    count_complete(c);
}

static uint8_t read_counter(struct i8254_counter *c)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status_latch;
    }
    uint16_t v = c->count_latched ? c->output_latch : counting_element(c);
    uint8_t byte;
    bool done = true;
    switch (c->access) {
    case ACCESS_LSB:
        byte = (uint8_t)v;
        break;
    case ACCESS_MSB:
        byte = (uint8_t)(v >> 8);
        break;
    default:
        byte = c->read_msb_next ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->read_msb_next = !c->read_msb_next;
        done = !c->read_msb_next;
        break;
    }
    if (c->count_latched && done)
        c->count_latched = false;
    return byte;
}

static void read_back(struct i8254 *pit, uint8_t v)
{
    for (int i = 0; i < I8254_COUNTERS; i++) {
        if (!(v & (2u << i)))
            continue;
        sync(pit, i);
        if (!(v & RB_NO_STATUS))
            latch_status(&pit->counter[i]);
        if (!(v & RB_NO_COUNT))
            latch_count(&pit->counter[i]);
    }
}

static void write_control_port(struct i8254 *pit, uint8_t v)
{
    unsigned sc = v >> CW_SC_SHIFT;
    if (sc == CW_SC_READ_BACK) {
        read_back(pit, v);
        return;
    }
    sync(pit, (int)sc);
    write_control(&pit->counter[sc], v);
    settle(pit, (int)sc);
}

static void pit_write_byte(struct i8254 *pit, uint32_t addr, uint8_t v)
{
    if (addr == CONTROL_PORT) {
        write_control_port(pit, v);
        return;
    }
    sync(pit, (int)addr);
    write_count(&pit->counter[addr], v);
    settle(pit, (int)addr);
}

static uint8_t pit_read_byte(struct i8254 *pit, uint32_t addr)
{
    if (addr == CONTROL_PORT)
        return 0xFF;    /* no operation: the bus floats */
    sync(pit, (int)addr);
    uint8_t v = read_counter(&pit->counter[addr]);
    settle(pit, (int)addr);
    return v;
}

static uint32_t pit_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)pit_read_byte(opaque, addr + k) << (8 * k);
    return value;
}

static void pit_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        pit_write_byte(opaque, addr + k, (uint8_t)(value >> (8 * k)));
}

static const struct io_ops pit_ops = {
    .name = "i8254", .read = pit_read, .write = pit_write,
};

void i8254_set_gate(struct i8254 *pit, int counter, bool level)
{
    struct i8254_counter *c = &pit->counter[counter];
    sync(pit, counter);
    bool trigger = level && !c->gate;
    c->gate = level;
    /* A rising edge (re)starts modes 1 and 5 and reloads modes 2 and 3. */
    if (trigger && c->count_written && mode_of(c) != 0 && mode_of(c) != 4)
        c->load_pending = true;
    settle(pit, counter);
}

bool i8254_out(struct i8254 *pit, int counter)
{
    sync(pit, counter);
    settle(pit, counter);
    return out_level(&pit->counter[counter]);
}

/* ------------------------------------------------------------------------
 * Device */

/* The 82C54's state after power-on is undefined; here each counter waits
 * in mode 0 for a count (OUT low), LSB then MSB, binary. */
static void counter_reset(struct i8254_counter *c, bool gate, uint64_t now)
{
    *c = (struct i8254_counter){
        .access = ACCESS_WORD, .gate = gate, .null_count = true, .synced_pulse = now,
    };
}

static void pit_reset(void *dev)
{
    struct i8254 *pit = dev;
    uint64_t now = i8254_pulses_at(clock_now(pit->clock));
    for (int i = 0; i < I8254_COUNTERS; i++) {
        counter_reset(&pit->counter[i], pit->counter[i].gate, now);
        irq_set(&pit->output[i].line, 0);
        settle(pit, i);
    }
}

static void pit_destroy(void *dev)
{
    struct i8254 *pit = dev;
    for (int i = 0; i < I8254_COUNTERS; i++)
        timer_cancel(pit->clock, &pit->output[i].edge_timer);
    free(pit);
}

static void pit_post_load(void *dev)
{
    struct i8254 *pit = dev;
    for (int i = 0; i < I8254_COUNTERS; i++) {
        irq_set(&pit->output[i].line, pit->counter[i].out_driven);
        arm_edge_timer(pit, i);
    }
}

static const struct state_field pit_fields[] = {
    STATE_FIELD(struct i8254, counter),
};

static const struct device_state pit_state = {
    .version = 1,
    .fields = pit_fields,
    .nfields = sizeof pit_fields / sizeof pit_fields[0],
    .post_load = pit_post_load,
};

const struct device_ops i8254_ops = {
    .name = "i8254",
    .reset = pit_reset,
    .destroy = pit_destroy,
    .state = &pit_state,
};

struct i8254 *i8254_create(struct io_bus *io, struct clock *clock, struct irq_line out0)
{
    struct i8254 *pit = calloc(1, sizeof *pit);
    if (!pit)
        return NULL;
    pit->clock = clock;
    for (int i = 0; i < I8254_COUNTERS; i++) {
        pit->output[i].pit = pit;
        pit->output[i].index = i;
        timer_init(&pit->output[i].edge_timer, edge_timer_fired, &pit->output[i]);
        pit->counter[i].gate = i != 2;
    }
    pit->output[0].line = out0;
    pit_reset(pit);
    if (io_map(io, I8254_PORT, 4, &pit_ops, pit) < 0) {
        free(pit);
        return NULL;
    }
    return pit;
}

/* ------------------------------------------------------------------------
 * The monitor's "info pit" */

void i8254_info(const struct i8254 *pit, FILE *out)
{
    static const char *const access_names[4] = { "latch", "LSB", "MSB", "LSB then MSB" };
    uint64_t now = i8254_pulses_at(clock_ns(pit->clock));
    for (int i = 0; i < I8254_COUNTERS; i++) {
        /* Bring a copy up to now: the counter itself is synced lazily. */
        struct i8254_counter c = pit->counter[i];
        if (now > c.synced_pulse)
            advance(&c, now - c.synced_pulse);
        uint32_t count = initial_count(&c);
        fprintf(out, "counter %d: mode %u, %s, %s, count register %04x (%u pulses, %.3f Hz)\n",
                i, mode_of(&c), access_names[c.access & 3], c.bcd ? "BCD" : "binary",
                c.count_register, count, (double)I8254_HZ / count);
        fprintf(out, "           CE %04x%s, gate %d, OUT %d%s%s%s\n", counting_element(&c),
                c.counting ? "" : " (held)", c.gate, out_level(&c),
                c.null_count ? ", null count" : "", c.count_latched ? ", count latched" : "",
                c.status_latched ? ", status latched" : "");
    }
}
