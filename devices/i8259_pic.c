/* Intel 8259A programmable interrupt controller, the PC/AT master/slave
 * pair; see i8259_pic.h.
 *
 * Datasheet: Intel 8259A/8259A-2 Programmable Interrupt Controller
 * (order number 231468). ELCR: Intel 82371FB (PIIX) and 82371SB (PIIX3)
 * PCI ISA IDE Xcelerator, "ELCR1/ELCR2 - Edge/Level Control Registers"
 * (I/O 4D0h and 4D1h).
 *
 * The chip is always in 8086/8088 mode: an x86 CPU cannot run the 8080/85
 * CALL sequence, so ICW4 uPM is ignored (and reported to -d unimp), as are
 * BUF and M/S (they only steer the data bus buffers). */
#include "i8259_pic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "debugger.h"

enum { MASTER, SLAVE };

/* ICW1 (A0 = 0, D4 = 1). */
#define ICW1_IC4 0x01           /* ICW4 will follow */
#define ICW1_SNGL 0x02          /* single 8259A, no ICW3 */
#define ICW1_LTIM 0x08          /* level-triggered inputs */
#define ICW1_SELECT 0x10
/* ICW4. */
#define ICW4_UPM 0x01           /* 8086/8088 mode (0: MCS-80/85) */
#define ICW4_AEOI 0x02
#define ICW4_SFNM 0x10
/* OCW2 (A0 = 0, D4 = 0, D3 = 0): R, SL, EOI and the level L2-L0. */
#define OCW2_COMMAND 0xE0
#define OCW2_ROTATE_AEOI_CLEAR 0x00
#define OCW2_NON_SPECIFIC_EOI 0x20
#define OCW2_NO_OPERATION 0x40
#define OCW2_SPECIFIC_EOI 0x60
#define OCW2_ROTATE_AEOI_SET 0x80
#define OCW2_ROTATE_NON_SPECIFIC_EOI 0xA0
#define OCW2_SET_PRIORITY 0xC0
#define OCW2_ROTATE_SPECIFIC_EOI 0xE0
#define OCW2_LEVEL 0x07
/* OCW3 (A0 = 0, D4 = 0, D3 = 1). */
#define OCW3_SELECT 0x08
#define OCW3_RIS 0x01
#define OCW3_RR 0x02
#define OCW3_P 0x04
#define OCW3_SMM 0x20
#define OCW3_ESMM 0x40
/* The poll word: I (an interrupt is pending) and W2-W0. */
#define POLL_INTERRUPT 0x80

#define SPURIOUS_IR 7

/* PIIX3: ELCR1 bits 0-2 (IRQ 0, 1, 2) and ELCR2 bits 0 and 5 (IRQ 8, 13)
 * are reserved; those inputs are always edge-triggered. */
#define ELCR1_WRITABLE 0xF8
#define ELCR2_WRITABLE 0xDE

/* ------------------------------------------------------------------------
 * Priority */

/* Rank of IR ir: 0 is the highest priority, 7 the lowest. Rotation moves
 * lowest_priority; the IR after it is the highest. */
static unsigned rank(const struct i8259 *c, unsigned ir)
{
    return (ir - c->lowest_priority - 1u) & 7u;
}

/* The IR of highest priority among the bits set, or -1. */
static int highest_priority(const struct i8259 *c, uint8_t bits)
{
    for (unsigned k = 0; k < 8; k++) {
        unsigned ir = (c->lowest_priority + 1u + k) & 7u;
        if (bits & (1u << ir))
            return (int)ir;
    }
    return -1;
}

static uint8_t level_triggered_inputs(const struct i8259 *c)
{
    return c->level_triggered_mode ? 0xFF : c->elcr;
}

static bool has_slave_on(const struct i8259 *c, int ir)
{
    return c->is_master && !c->single && (c->icw3 & (1u << ir));
}

/* The IR this chip signals on INT now, or -1: the highest unmasked
 * request whose priority is above every level in service. */
static int pending_request(const struct i8259 *c)
{
    uint8_t requests = c->irr & (uint8_t)~c->imr;
    uint8_t blocking = c->isr;
    if (c->special_mask) {
        /* Special mask mode: only the mask holds a level back, so lower
         * levels may interrupt a routine that masked its own. */
        requests &= (uint8_t)~c->isr;
        blocking = 0;
    } else if (c->special_fully_nested && c->is_master && !c->single) {
        /* A slave in service does not block its own higher-priority IRs. */
        blocking &= (uint8_t)~c->icw3;
    }
    int ir = highest_priority(c, requests);
    if (ir < 0)
        return -1;
    int busy = highest_priority(c, blocking);
    if (busy >= 0 && rank(c, (unsigned)busy) <= rank(c, (unsigned)ir))
        return -1;
    return ir;
}

/* ------------------------------------------------------------------------
 * Inputs and outputs */

/* An IR pin changes level. Edge-triggered inputs latch a request on the
 * rising edge and keep it until INTA even if the pin falls again: devices
 * here signal an edge with a pulse (irq_pulse), where the real chip
 * wants the pin held until INTA. Level-triggered IRR bits follow the pin. */
static void set_input(struct i8259 *c, unsigned ir, bool level)
{
    uint8_t bit = (uint8_t)(1u << ir);
    bool was_high = (c->input_level & bit) != 0;
    if (level)
        c->input_level |= bit;
    else
        c->input_level &= (uint8_t)~bit;
    if (level_triggered_inputs(c) & bit)
        c->irr = (uint8_t)((c->irr & ~bit) | (level ? bit : 0));
    else if (level && !was_high)
        c->irr |= bit;
}

/* Recompute the slave's INT (the master's IR2) and the master's INT. */
static void update_outputs(struct i8259_pair *p)
{
    struct i8259 *master = &p->chip[MASTER], *slave = &p->chip[SLAVE];
    bool slave_int = pending_request(slave) >= 0;
    if (slave_int != slave->int_output) {
        slave->int_output = slave_int;
        set_input(master, I8259_CASCADE_IRQ, slave_int);
    }
    bool master_int = pending_request(master) >= 0;
    if (master_int != master->int_output) {
        master->int_output = master_int;
        irq_set(&p->intr, master_int);
    }
}

void i8259_set_irq(void *opaque, int n, int level)
{
    struct i8259_pair *p = opaque;
    if (n < 0 || n >= 16 || n == I8259_CASCADE_IRQ)
        return;
    set_input(&p->chip[n >> 3], (unsigned)n & 7u, level != 0);
    update_outputs(p);
}

struct irq_line i8259_irq_line(struct i8259_pair *pair, int n)
{
    struct irq_line line = { .set = i8259_set_irq, .opaque = pair, .n = n };
    return line;
}

/* ------------------------------------------------------------------------
 * Interrupt acknowledge and poll */

/* What the INTA pulses do for IR ir: an edge request is consumed, the
 * level goes in service (unless auto-EOI, which may rotate). */
static void acknowledge(struct i8259 *c, int ir)
{
    uint8_t bit = (uint8_t)(1u << ir);
    if (!(level_triggered_inputs(c) & bit))
        c->irr &= (uint8_t)~bit;
    if (c->auto_eoi) {
        if (c->rotate_on_auto_eoi)
            c->lowest_priority = (uint8_t)ir;
    } else {
        c->isr |= bit;
    }
}

/* The vector a chip puts on the bus for its highest request; IR7's vector
 * without any bookkeeping if the request is gone (spurious). */
static int chip_vector(struct i8259 *c)
{
    int ir = pending_request(c);
    if (ir < 0)
        return c->vector_base | SPURIOUS_IR;
    acknowledge(c, ir);
    return c->vector_base | ir;
}

int i8259_intr_ack(void *opaque)
{
    struct i8259_pair *p = opaque;
    struct i8259 *master = &p->chip[MASTER];
    int ir = pending_request(master);
    int vector;
    if (ir < 0) {
        vector = master->vector_base | SPURIOUS_IR;
    } else {
        acknowledge(master, ir);
        /* The master's IR with a slave: the slave sends the vector (and
         * IRQ 15 if its request went away; the master's IR2 stays in
         * service, so the handler must still EOI the master). */
        vector = has_slave_on(master, ir) ? chip_vector(&p->chip[SLAVE])
                                          : master->vector_base | ir;
    }
    update_outputs(p);
    return vector;
}

/* OCW3 P: the next read returns I and the highest level requesting, and
 * acts as an INTA for it (the CPU polls with interrupts disabled). */
static uint8_t poll_read(struct i8259_pair *p, struct i8259 *c)
{
    c->poll = false;
    int ir = pending_request(c);
    if (ir < 0)
        return 0;
    acknowledge(c, ir);
    update_outputs(p);
    return (uint8_t)(POLL_INTERRUPT | ir);
}

/* ------------------------------------------------------------------------
 * Command words */

static void write_icw1(struct i8259 *c, uint8_t v)
{
    c->single = (v & ICW1_SNGL) != 0;
    c->icw4_needed = (v & ICW1_IC4) != 0;
    c->level_triggered_mode = (v & ICW1_LTIM) != 0;
    c->imr = 0;
    c->isr = 0;     /* the datasheet is silent; a re-initialized chip starts idle */
    /* The edge sense circuit is reset: an edge input needs a new rising
     * edge, a level input still requests while its pin is high. */
    c->irr = c->input_level & level_triggered_inputs(c);
    c->lowest_priority = 7;
    c->special_mask = false;
    c->read_isr = false;
    c->poll = false;
    c->rotate_on_auto_eoi = false;
    if (!c->icw4_needed) {
        c->auto_eoi = false;
        c->special_fully_nested = false;
    }
    c->icw_expected = 2;
}

static void write_icw4(struct i8259 *c, uint8_t v)
{
    c->auto_eoi = (v & ICW4_AEOI) != 0;
    c->special_fully_nested = (v & ICW4_SFNM) != 0;
}

/* Initialization: ICW2, then ICW3 unless single, then ICW4 if asked. */
static void write_next_icw(struct i8259 *c, uint8_t v)
{
    switch (c->icw_expected) {
    case 2:
        c->vector_base = v & 0xF8;
        c->icw_expected = !c->single ? 3 : c->icw4_needed ? 4 : 0;
        break;
    case 3:
        c->icw3 = v;
        c->icw_expected = c->icw4_needed ? 4 : 0;
        break;
    default:
        write_icw4(c, v);
        c->icw_expected = 0;
        break;
    }
}

/* End of interrupt for the highest-priority level in service. */
static void non_specific_eoi(struct i8259 *c, bool rotate)
{
    int ir = highest_priority(c, c->isr);
    if (ir < 0)
        return;
    c->isr &= (uint8_t)~(1u << ir);
    if (rotate)
        c->lowest_priority = (uint8_t)ir;
}

static void write_ocw2(struct i8259 *c, uint8_t v)
{
    uint8_t level = v & OCW2_LEVEL;
    switch (v & OCW2_COMMAND) {
    case OCW2_NON_SPECIFIC_EOI:
        non_specific_eoi(c, false);
        break;
    case OCW2_ROTATE_NON_SPECIFIC_EOI:
        non_specific_eoi(c, true);
        break;
    case OCW2_SPECIFIC_EOI:
        c->isr &= (uint8_t)~(1u << level);
        break;
    case OCW2_ROTATE_SPECIFIC_EOI:
        c->isr &= (uint8_t)~(1u << level);
        c->lowest_priority = level;
        break;
    case OCW2_SET_PRIORITY:
        c->lowest_priority = level;
        break;
    case OCW2_ROTATE_AEOI_SET:
        c->rotate_on_auto_eoi = true;
        break;
    case OCW2_ROTATE_AEOI_CLEAR:
        c->rotate_on_auto_eoi = false;
        break;
    case OCW2_NO_OPERATION:
        break;
    }
}

static void write_ocw3(struct i8259 *c, uint8_t v)
{
    if (v & OCW3_ESMM)
        c->special_mask = (v & OCW3_SMM) != 0;
    if (v & OCW3_P)
        c->poll = true;
    if (v & OCW3_RR)
        c->read_isr = (v & OCW3_RIS) != 0;
}

static const char *chip_name(const struct i8259 *c)
{
    return c->is_master ? "master" : "slave";
}

/* MCS-80/85 mode: ICW4 with uPM = 0, or no ICW4 at all (ICW1 IC4 = 0),
 * which the datasheet says sets every ICW4 bit to 0. The INTA sequence of
 * that mode (a CALL opcode and a 16-bit address) means nothing to an x86
 * CPU, so the chip stays in 8086 mode. */
static void check_icw1(struct i8259_pair *p, const struct i8259 *c, uint8_t v)
{
    if (!(v & ICW1_IC4))
        trace_unimp(p, "8259 %s ICW1 %02xh without ICW4 (IC4 = 0) selects MCS-80/85 mode, "
                    "which is not implemented: 8086 mode", chip_name(c), v);
}

static void check_icw4(struct i8259_pair *p, const struct i8259 *c, uint8_t v)
{
    if (c->icw_expected == 4 && !(v & ICW4_UPM))
        trace_unimp(p, "8259 %s ICW4 %02xh selects MCS-80/85 mode (uPM = 0), which is not "
                    "implemented: 8086 mode", chip_name(c), v);
}

static void chip_write(struct i8259_pair *p, struct i8259 *c, unsigned a0, uint8_t v)
{
    if (a0 == 0) {
        if (v & ICW1_SELECT) {
            check_icw1(p, c, v);
            write_icw1(c, v);
        } else if (v & OCW3_SELECT) {
            write_ocw3(c, v);
        } else {
            write_ocw2(c, v);
        }
    } else if (c->icw_expected) {
        check_icw4(p, c, v);
        write_next_icw(c, v);
    } else {
        c->imr = v;     /* OCW1 */
    }
    update_outputs(p);
}

static uint8_t chip_read(struct i8259_pair *p, struct i8259 *c, unsigned a0)
{
    if (c->poll)    /* the poll answers the next read at either address */
        return poll_read(p, c);
    if (a0 == 0)
        return c->read_isr ? c->isr : c->irr;
    return c->imr;
}

/* ------------------------------------------------------------------------
 * Ports */

static uint32_t read_bytes(struct i8259_pair *p, struct i8259 *c, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)chip_read(p, c, (addr + k) & 1u) << (8 * k);
    return value;
}

static void write_bytes(struct i8259_pair *p, struct i8259 *c, uint32_t addr, uint32_t value,
                        unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        chip_write(p, c, (addr + k) & 1u, (uint8_t)(value >> (8 * k)));
}

static uint32_t master_read(void *opaque, uint32_t addr, unsigned size)
{
    struct i8259_pair *p = opaque;
    return read_bytes(p, &p->chip[MASTER], addr, size);
}

static void master_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct i8259_pair *p = opaque;
    write_bytes(p, &p->chip[MASTER], addr, value, size);
}

static uint32_t slave_read(void *opaque, uint32_t addr, unsigned size)
{
    struct i8259_pair *p = opaque;
    return read_bytes(p, &p->chip[SLAVE], addr, size);
}

static void slave_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct i8259_pair *p = opaque;
    write_bytes(p, &p->chip[SLAVE], addr, value, size);
}

static void set_chip_elcr(struct i8259 *c, uint8_t v)
{
    c->elcr = v & c->elcr_writable;
    uint8_t level = level_triggered_inputs(c);
    c->irr = (uint8_t)((c->irr & ~level) | (c->input_level & level));
}

void i8259_set_elcr(struct i8259_pair *pair, uint16_t elcr)
{
    set_chip_elcr(&pair->chip[MASTER], (uint8_t)elcr);
    set_chip_elcr(&pair->chip[SLAVE], (uint8_t)(elcr >> 8));
    update_outputs(pair);
}

static uint32_t elcr_read(void *opaque, uint32_t addr, unsigned size)
{
    struct i8259_pair *p = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)p->chip[(addr + k) & 1u].elcr << (8 * k);
    return value;
}

static void elcr_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct i8259_pair *p = opaque;
    for (unsigned k = 0; k < size; k++)
        set_chip_elcr(&p->chip[(addr + k) & 1u], (uint8_t)(value >> (8 * k)));
    update_outputs(p);
}

static const struct io_ops master_ops = {
    .name = "i8259-master", .read = master_read, .write = master_write,
};
static const struct io_ops slave_ops = {
    .name = "i8259-slave", .read = slave_read, .write = slave_write,
};
static const struct io_ops elcr_ops = {
    .name = "elcr", .read = elcr_read, .write = elcr_write,
};

/* ------------------------------------------------------------------------
 * Device */

/* The pins stay as the devices drive them; everything else is cleared
 * (the BIOS initializes the pair with ICW1-ICW4). */
static void chip_reset(struct i8259 *c, bool master)
{
    uint8_t pins = c->input_level;
    memset(c, 0, sizeof *c);
    c->input_level = pins;
    c->is_master = master;
    c->elcr_writable = master ? ELCR1_WRITABLE : ELCR2_WRITABLE;
    c->lowest_priority = 7;
}

static void pair_reset(void *dev)
{
    struct i8259_pair *p = dev;
    chip_reset(&p->chip[MASTER], true);
    chip_reset(&p->chip[SLAVE], false);
    set_input(&p->chip[MASTER], I8259_CASCADE_IRQ, false);  /* the slave's INT is low */
    irq_set(&p->intr, 0);
    update_outputs(p);
}

static void pair_destroy(void *dev)
{
    free(dev);
}

static void pair_post_load(void *dev)
{
    struct i8259_pair *p = dev;
    irq_set(&p->intr, p->chip[MASTER].int_output);
}

static void pair_set_cpu(void *dev, struct cpu *cpu)
{
    struct i8259_pair *p = dev;
    p->cpu = cpu;
}

static const struct state_field pair_fields[] = {
    STATE_FIELD(struct i8259_pair, chip),
};

static const struct device_state pair_state = {
    .version = 1,
    .fields = pair_fields,
    .nfields = sizeof pair_fields / sizeof pair_fields[0],
    .post_load = pair_post_load,
};

const struct device_ops i8259_ops = {
    .name = "i8259",
    .reset = pair_reset,
    .destroy = pair_destroy,
    .state = &pair_state,
    .set_cpu = pair_set_cpu,
};

struct i8259_pair *i8259_create(struct io_bus *io)
{
    struct i8259_pair *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pair_reset(p);
    if (io_map(io, I8259_MASTER_PORT, 2, &master_ops, p) < 0 ||
        io_map(io, I8259_SLAVE_PORT, 2, &slave_ops, p) < 0 ||
        io_map(io, I8259_ELCR_PORT, 2, &elcr_ops, p) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

void i8259_set_intr_output(struct i8259_pair *pair, struct irq_line intr)
{
    pair->intr = intr;
    irq_set(&pair->intr, pair->chip[MASTER].int_output);
}

void i8259_connect_cpu(struct i8259_pair *pair, struct cpu *cpu)
{
    struct irq_line intr = { .set = cpu_set_pin, .opaque = cpu, .n = CPU_PIN_INTR };
    cpu->intc = (struct cpu_intc){ .intr_ack = i8259_intr_ack, .opaque = pair };
    i8259_set_intr_output(pair, intr);
}

/* ------------------------------------------------------------------------
 * The monitor's "info pic" */

static void i8259_chip_info(const struct i8259 *c, const char *name, FILE *out)
{
    fprintf(out, "%s: IRR=%02x ISR=%02x IMR=%02x vector base=%02x ELCR=%02x input=%02x INT=%d\n",
            name, c->irr, c->isr, c->imr, c->vector_base, c->elcr, c->input_level,
            c->int_output);
    fprintf(out, "        %s%s%s%s%s%s%s%s, lowest priority IR%u\n",
            c->icw_expected ? "initializing" : "ready",
            c->single ? ", single" : ", cascade",
            c->level_triggered_mode ? ", level (LTIM)" : ", edge",
            c->auto_eoi ? ", auto EOI" : "",
            c->special_fully_nested ? ", special fully nested" : "",
            c->special_mask ? ", special mask" : "",
            c->poll ? ", poll" : "",
            c->read_isr ? ", reads ISR" : ", reads IRR", c->lowest_priority);
}

void i8259_info(const struct i8259_pair *pair, FILE *out)
{
    i8259_chip_info(&pair->chip[0], "master", out);
    i8259_chip_info(&pair->chip[1], "slave ", out);
}
