/* Intel 8042 keyboard controller; see i8042_kbc.h.
 *
 * References: Intel UPI-41AH/42AH data sheet (the chip: output buffer,
 * status register, the P2 output port); IBM Personal System/2 Hardware
 * Interface Technical Reference, "Keyboard and Auxiliary Device
 * Controller" (the command byte and commands 20-FF as PC firmware
 * programs them); SeaBIOS src/hw/ps2port.c and Linux
 * drivers/input/serio/i8042.c for the commands real guests use.
 *
 * The controller owns one output buffer. Whenever it is empty it is
 * refilled from, in this order: the controller's own replies, then the
 * keyboard and the mouse taking turns (a port is skipped while its clock
 * is disabled in the command byte). Keyboard bytes go through the set 2 ->
 * set 1 translation when the command byte asks for it. IRQ 1 and IRQ 12
 * follow "output buffer full with data of that port, and its interrupt
 * enabled", the level of the 8042's OBF pins. */
#include "i8042_kbc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger.h"

/* Controller commands (writes to 0x64). */
enum {
    CMD_READ_RAM = 0x20,            /* 20-3F: read RAM byte 0-31 */
    CMD_WRITE_RAM = 0x60,           /* 60-7F: write RAM byte 0-31 */
    CMD_PASSWORD_CHECK = 0xA4,
    CMD_AUX_DISABLE = 0xA7,
    CMD_AUX_ENABLE = 0xA8,
    CMD_AUX_TEST = 0xA9,
    CMD_SELF_TEST = 0xAA,
    CMD_KBD_TEST = 0xAB,
    CMD_KBD_DISABLE = 0xAD,
    CMD_KBD_ENABLE = 0xAE,
    CMD_READ_INPUT = 0xC0,
    CMD_READ_OUTPUT = 0xD0,
    CMD_WRITE_OUTPUT = 0xD1,
    CMD_WRITE_KBD_OBUF = 0xD2,
    CMD_WRITE_AUX_OBUF = 0xD3,
    CMD_WRITE_AUX = 0xD4,
    CMD_A20_DISABLE = 0xDD,
    CMD_A20_ENABLE = 0xDF,
    CMD_PULSE = 0xF0,               /* F0-FF: pulse output port bits 0-3 low */
};

#define SELF_TEST_OK 0x55
#define INTERFACE_OK 0x00
#define NO_PASSWORD 0xF1

/* Input port (C0): keyboard not inhibited (bit 7), no manufacturing
 * jumper (bit 5), second 256 KiB of board RAM (bit 4), colour display
 * (bit 6 clear). */
#define INPUT_PORT 0xB0

/* Power-on values: both interrupts on, translation on, both clocks
 * running, the system flag clear (a cold start). */
#define CTR_POWER_ON (I8042_CTR_KBDINT | I8042_CTR_AUXINT | I8042_CTR_XLATE)
#define OUT_POWER_ON (I8042_OUT_RESET | I8042_OUT_A20 | I8042_OUT_AUX_DATA | \
                      I8042_OUT_AUX_CLOCK | I8042_OUT_KBD_CLOCK | I8042_OUT_KBD_DATA)

/* Entries of the controller's queue. */
#define QUEUE_AUX 0x100
#define QUEUE_TIMEOUT 0x200

/* ---- the output buffer and the IRQ lines ---- */

static void set_line(const struct irq_line *line, bool *level, bool want)
{
    if (*level == want)
        return;
    *level = want;
    irq_set(line, want);
}

/* The OBF pins: output buffer full with that port's data, its interrupt on. */
static bool kbd_irq_wanted(const struct i8042 *kbc)
{
    return kbc->obuf_full && !kbc->obuf_aux && (kbc->ram[0] & I8042_CTR_KBDINT);
}

static bool aux_irq_wanted(const struct i8042 *kbc)
{
    return kbc->obuf_full && kbc->obuf_aux && (kbc->ram[0] & I8042_CTR_AUXINT);
}

static void update_irqs(struct i8042 *kbc)
{
    set_line(&kbc->kbd_irq, &kbc->kbd_irq_level, kbd_irq_wanted(kbc));
    set_line(&kbc->aux_irq, &kbc->aux_irq_level, aux_irq_wanted(kbc));
}

static void load_obuf(struct i8042 *kbc, uint8_t value, bool aux, bool timeout)
{
    kbc->obuf = value;
    kbc->obuf_full = true;
    kbc->obuf_aux = aux;
    kbc->obuf_timeout = timeout;
}

static bool take_from_queue(struct i8042 *kbc)
{
    if (!kbc->queue_count)
        return false;
    uint16_t e = kbc->queue[kbc->queue_head];
    kbc->queue_head = (uint8_t)((kbc->queue_head + 1) % I8042_QUEUE_SIZE);
    kbc->queue_count--;
    load_obuf(kbc, (uint8_t)e, (e & QUEUE_AUX) != 0, (e & QUEUE_TIMEOUT) != 0);
    return true;
}

/* The next keyboard byte, translated when the command byte says so; an F0
 * is swallowed and sets bit 7 of the byte after it. */
static bool take_from_keyboard(struct i8042 *kbc)
{
    if (!kbc->kbd || (kbc->ram[0] & I8042_CTR_KBDDIS))
        return false;
    while (ps2_keyboard_has_data(kbc->kbd)) {
        uint8_t b = ps2_keyboard_read(kbc->kbd);
        if (kbc->ram[0] & I8042_CTR_XLATE) {
            if (b == 0xF0) {
                kbc->xlat_break = true;
                continue;
            }
            b = (uint8_t)(ps2_translate_to_set1(b) | (kbc->xlat_break ? 0x80 : 0));
            kbc->xlat_break = false;
        }
        load_obuf(kbc, b, false, false);
        kbc->aux_next = true;
        return true;
    }
    return false;
}

static bool take_from_mouse(struct i8042 *kbc)
{
    if (!kbc->mouse || (kbc->ram[0] & I8042_CTR_AUXDIS) || !ps2_mouse_has_data(kbc->mouse))
        return false;
    load_obuf(kbc, ps2_mouse_read(kbc->mouse), true, false);
    kbc->aux_next = false;
    return true;
}

/* Refill an empty output buffer and drive the IRQ lines. */
static void refill(struct i8042 *kbc)
{
    if (!kbc->obuf_full && !take_from_queue(kbc)) {
        if (kbc->aux_next) {
            if (!take_from_mouse(kbc))
                take_from_keyboard(kbc);
        } else if (!take_from_keyboard(kbc)) {
            take_from_mouse(kbc);
        }
    }
    update_irqs(kbc);
}

/* A byte the controller sends itself. */
static void queue_byte(struct i8042 *kbc, uint16_t entry)
{
    if (kbc->queue_count < I8042_QUEUE_SIZE) {
        kbc->queue[(kbc->queue_head + kbc->queue_count) % I8042_QUEUE_SIZE] = entry;
        kbc->queue_count++;
    }
    refill(kbc);
}

static void device_has_data(void *opaque)
{
    refill(opaque);
}

/* ---- the output port: A20 and reset ---- */

static uint8_t output_port(const struct i8042 *kbc)
{
    uint8_t v = kbc->output_port & (uint8_t)~(I8042_OUT_KBD_IRQ | I8042_OUT_AUX_IRQ);
    if (kbc->obuf_full)
        v |= kbc->obuf_aux ? I8042_OUT_AUX_IRQ : I8042_OUT_KBD_IRQ;
    return v;
}

static void set_a20(struct i8042 *kbc, bool on)
{
    if (on)
        kbc->output_port |= I8042_OUT_A20;
    else
        kbc->output_port &= (uint8_t)~I8042_OUT_A20;
    if (kbc->mem)
        phys_set_a20(kbc->mem, on);
}

static void request_reset(struct i8042 *kbc)
{
    if (kbc->reset)
        kbc->reset(kbc->reset_opaque);
}

static void write_output_port(struct i8042 *kbc, uint8_t value)
{
    kbc->output_port = value;
    set_a20(kbc, (value & I8042_OUT_A20) != 0);
    if (!(value & I8042_OUT_RESET))
        request_reset(kbc);
}

/* F0-FF: bits 0-3 clear = pulse those output lines low for 6 us; only the
 * reset line (bit 0) has a lasting effect. */
static void pulse_output_port(struct i8042 *kbc, uint8_t cmd)
{
    if (!(cmd & I8042_OUT_RESET))
        request_reset(kbc);
}

/* ---- data to the devices ---- */

static void write_command_byte(struct i8042 *kbc, uint8_t value)
{
    kbc->ram[0] = value;
    kbc->status = (uint8_t)((kbc->status & ~I8042_STR_SYS) | (value & I8042_CTR_SYS));
}

/* Sending to the keyboard releases its clock (firmware of PC keyboard
 * controllers re-enables the interface for the transfer). A device that
 * is not there answers with a timeout. */
static void write_keyboard(struct i8042 *kbc, uint8_t value)
{
    if (!kbc->kbd) {
        queue_byte(kbc, PS2_RESEND | QUEUE_TIMEOUT);
        return;
    }
    kbc->ram[0] &= (uint8_t)~I8042_CTR_KBDDIS;
    ps2_keyboard_write(kbc->kbd, value);
}

static void write_aux(struct i8042 *kbc, uint8_t value)
{
    if (!kbc->mouse) {
        queue_byte(kbc, PS2_RESEND | QUEUE_AUX | QUEUE_TIMEOUT);
        return;
    }
    ps2_mouse_write(kbc->mouse, value);
}

/* The data byte of a command that waited for one (60-7F, D1-D4). */
static void command_data(struct i8042 *kbc, uint8_t cmd, uint8_t value)
{
    if (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + I8042_RAM_SIZE) {
        if (cmd == CMD_WRITE_RAM)
            write_command_byte(kbc, value);
        else
            kbc->ram[cmd - CMD_WRITE_RAM] = value;
        return;
    }
    switch (cmd) {
    case CMD_WRITE_OUTPUT:
        write_output_port(kbc, value);
        break;
    case CMD_WRITE_KBD_OBUF:
        queue_byte(kbc, value);
        break;
    case CMD_WRITE_AUX_OBUF:
        queue_byte(kbc, value | QUEUE_AUX);
        break;
    case CMD_WRITE_AUX:
        write_aux(kbc, value);
        break;
    default:
        break;
    }
}

static void write_data(struct i8042 *kbc, uint8_t value)
{
    kbc->status &= (uint8_t)~I8042_STR_A2;
    uint8_t cmd = kbc->pending;
    kbc->pending = 0;
    if (cmd)
        command_data(kbc, cmd, value);
    else
        write_keyboard(kbc, value);
    refill(kbc);
}

/* ---- controller commands ---- */

/* Commands of PS/2 and AT controllers (IBM PS/2 Technical Reference; the
 * AMI and Phoenix firmware that most PC controllers ran) that this one
 * does not have. */
static const char *unimplemented_command_name(uint8_t cmd)
{
    switch (cmd) {
    case 0xA1: return "read controller firmware version";
    case 0xA5: return "load security password";
    case 0xA6: return "enable security";
    case 0xAC: return "diagnostic dump";
    case 0xC1: return "poll input port low nibble";
    case 0xC2: return "poll input port high nibble";
    case 0xCA: return "read controller mode";
    case 0xCB: return "write controller mode";
    case 0xE0: return "read test inputs";
    default: return "no such command";
    }
}

static bool waits_for_data(uint8_t cmd)
{
    return (cmd >= CMD_WRITE_RAM && cmd < CMD_WRITE_RAM + I8042_RAM_SIZE) ||
           (cmd >= CMD_WRITE_OUTPUT && cmd <= CMD_WRITE_AUX);
}

/* Commands that answer with one byte. */
static bool query(struct i8042 *kbc, uint8_t cmd)
{
    uint8_t answer;
    if (cmd >= CMD_READ_RAM && cmd < CMD_READ_RAM + I8042_RAM_SIZE)
        answer = kbc->ram[cmd - CMD_READ_RAM];
    else if (cmd == CMD_PASSWORD_CHECK)
        answer = NO_PASSWORD;
    else if (cmd == CMD_AUX_TEST || cmd == CMD_KBD_TEST)
        answer = INTERFACE_OK;
    else if (cmd == CMD_SELF_TEST)
        answer = SELF_TEST_OK;
    else if (cmd == CMD_READ_INPUT)
        answer = INPUT_PORT;
    else if (cmd == CMD_READ_OUTPUT)
        answer = output_port(kbc);
    else
        return false;
    if (cmd == CMD_SELF_TEST)
        kbc->status |= I8042_STR_SYS;
    queue_byte(kbc, answer);
    return true;
}

static void command(struct i8042 *kbc, uint8_t cmd)
{
    if (waits_for_data(cmd)) {
        kbc->pending = cmd;
        return;
    }
    if (query(kbc, cmd))
        return;
    switch (cmd) {
    case CMD_AUX_DISABLE:
        kbc->ram[0] |= I8042_CTR_AUXDIS;
        break;
    case CMD_AUX_ENABLE:
        kbc->ram[0] &= (uint8_t)~I8042_CTR_AUXDIS;
        break;
    case CMD_KBD_DISABLE:
        kbc->ram[0] |= I8042_CTR_KBDDIS;
        break;
    case CMD_KBD_ENABLE:
        kbc->ram[0] &= (uint8_t)~I8042_CTR_KBDDIS;
        break;
    case CMD_A20_DISABLE:
    case CMD_A20_ENABLE:
        set_a20(kbc, cmd == CMD_A20_ENABLE);
        break;
    default:
        if (cmd >= CMD_PULSE)
            pulse_output_port(kbc, cmd);
        else                /* other commands: no such function here */
            trace_unimp_key(kbc, cmd, "i8042 controller command %02xh (%s) is not "
                            "implemented: ignored", cmd, unimplemented_command_name(cmd));
        break;
    }
}

static void write_command(struct i8042 *kbc, uint8_t value)
{
    kbc->status |= I8042_STR_A2;
    kbc->pending = 0;       /* a new command drops one awaiting its data */
    command(kbc, value);
    refill(kbc);
}

/* ---- ports ---- */

static uint8_t read_status(const struct i8042 *kbc)
{
    uint8_t s = (uint8_t)((kbc->status & (I8042_STR_SYS | I8042_STR_A2)) | I8042_STR_INH);
    if (kbc->obuf_full) {
        s |= I8042_STR_OBF;
        if (kbc->obuf_aux)
            s |= I8042_STR_AUXOBF;
        if (kbc->obuf_timeout)
            s |= I8042_STR_TIMEOUT;
    }
    return s;
}

/* Reading the data port empties the buffer (an empty one reads its last
 * byte again) and lets the next byte in. */
static uint8_t read_data(struct i8042 *kbc)
{
    uint8_t value = kbc->obuf;
    if (kbc->obuf_full) {
        kbc->obuf_full = false;
        update_irqs(kbc);   /* the OBF pin falls before the next byte */
        refill(kbc);
    }
    return value;
}

static uint32_t data_port_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)addr; (void)size;
    return read_data(opaque);
}

static void data_port_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    (void)addr; (void)size;
    write_data(opaque, (uint8_t)value);
}

static uint32_t command_port_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)addr; (void)size;
    return read_status(opaque);
}

static void command_port_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    (void)addr; (void)size;
    write_command(opaque, (uint8_t)value);
}

static const struct io_ops data_port_ops = {
    .name = "i8042-data", .read = data_port_read, .write = data_port_write,
};
static const struct io_ops command_port_ops = {
    .name = "i8042-command", .read = command_port_read, .write = command_port_write,
};

/* ---- device ---- */

static void kbc_reset(void *dev)
{
    struct i8042 *kbc = dev;
    memset(kbc->ram, 0, sizeof kbc->ram);
    kbc->ram[0] = CTR_POWER_ON;
    kbc->status = 0;
    kbc->output_port = OUT_POWER_ON;
    kbc->obuf = 0;
    kbc->obuf_full = kbc->obuf_aux = kbc->obuf_timeout = false;
    kbc->pending = 0;
    kbc->queue_head = kbc->queue_count = 0;
    kbc->xlat_break = false;
    kbc->aux_next = false;
    refill(kbc);
}

static void kbc_destroy(void *dev)
{
    free(dev);
}

static void kbc_post_load(void *dev)
{
    struct i8042 *kbc = dev;
    kbc->queue_head %= I8042_QUEUE_SIZE;
    if (kbc->queue_count > I8042_QUEUE_SIZE)
        kbc->queue_count = I8042_QUEUE_SIZE;
    /* Drive both lines to the loaded state whatever they were. */
    kbc->kbd_irq_level = kbd_irq_wanted(kbc);
    kbc->aux_irq_level = aux_irq_wanted(kbc);
    irq_set(&kbc->kbd_irq, kbc->kbd_irq_level);
    irq_set(&kbc->aux_irq, kbc->aux_irq_level);
    refill(kbc);
}

static const struct state_field kbc_fields[] = {
    STATE_FIELD(struct i8042, ram),
    STATE_FIELD(struct i8042, status),
    STATE_FIELD(struct i8042, output_port),
    STATE_FIELD(struct i8042, obuf),
    STATE_FIELD(struct i8042, obuf_full),
    STATE_FIELD(struct i8042, obuf_aux),
    STATE_FIELD(struct i8042, obuf_timeout),
    STATE_FIELD(struct i8042, pending),
    STATE_FIELD(struct i8042, queue),
    STATE_FIELD(struct i8042, queue_head),
    STATE_FIELD(struct i8042, queue_count),
    STATE_FIELD(struct i8042, xlat_break),
    STATE_FIELD(struct i8042, aux_next),
    STATE_FIELD(struct i8042, kbd_irq_level),
    STATE_FIELD(struct i8042, aux_irq_level),
};

/* The controller reports what it does not implement (trace_unimp). */
static void kbc_set_cpu(void *dev, struct cpu *cpu)
{
    struct i8042 *kbc = dev;
    kbc->cpu = cpu;
}

static const struct device_state kbc_state = {
    .version = 1,
    .fields = kbc_fields,
    .nfields = sizeof kbc_fields / sizeof kbc_fields[0],
    .post_load = kbc_post_load,
};

const struct device_ops i8042_ops = {
    .name = "i8042",
    .reset = kbc_reset,
    .destroy = kbc_destroy,
    .state = &kbc_state,
    .set_cpu = kbc_set_cpu,
};

/* Add a device to the list, or free it when the list is full. */
static int add_device(struct device_list *devs, const struct device_ops *ops, void *dev)
{
    if (device_add(devs, ops, dev) == 0)
        return 0;
    fprintf(stderr, "ember: too many devices to add %s\n", ops->name);
    ops->destroy(dev);
    return -1;
}

static int plug_devices(struct device_list *devs, struct i8042 *kbc, bool with_keyboard,
                        bool with_mouse)
{
    if (with_keyboard) {
        kbc->kbd = ps2_keyboard_create();
        if (!kbc->kbd || add_device(devs, &ps2_keyboard_ops, kbc->kbd) < 0)
            return -1;
        ps2_keyboard_set_client(kbc->kbd, device_has_data, kbc);
    }
    if (with_mouse) {
        kbc->mouse = ps2_mouse_create();
        if (!kbc->mouse || add_device(devs, &ps2_mouse_ops, kbc->mouse) < 0)
            return -1;
        ps2_mouse_set_client(kbc->mouse, device_has_data, kbc);
    }
    return 0;
}

struct i8042 *i8042_create(struct device_list *devs, struct io_bus *io, struct phys_mem *mem,
                           bool with_keyboard, bool with_mouse, struct irq_line kbd_irq,
                           struct irq_line aux_irq, void (*reset)(void *opaque),
                           void *reset_opaque)
{
    struct i8042 *kbc = calloc(1, sizeof *kbc);
    if (!kbc) {
        fprintf(stderr, "ember: out of memory for the keyboard controller\n");
        return NULL;
    }
    kbc->mem = mem;
    kbc->kbd_irq = kbd_irq;
    kbc->aux_irq = aux_irq;
    kbc->reset = reset;
    kbc->reset_opaque = reset_opaque;
    /* The PS/2 devices are owned by the list: on a failure they are
     * destroyed with it, and the controller (not yet added) here. */
    if (plug_devices(devs, kbc, with_keyboard, with_mouse) < 0 ||
        io_map(io, I8042_DATA_PORT, 1, &data_port_ops, kbc) < 0 ||
        io_map(io, I8042_COMMAND_PORT, 1, &command_port_ops, kbc) < 0) {
        fprintf(stderr, "ember: cannot set up the keyboard controller\n");
        free(kbc);
        return NULL;
    }
    kbc_reset(kbc);
    if (add_device(devs, &i8042_ops, kbc) < 0)
        return NULL;
    return kbc;
}

struct ps2_keyboard *i8042_keyboard(struct i8042 *kbc)
{
    return kbc->kbd;
}

struct ps2_mouse *i8042_mouse(struct i8042 *kbc)
{
    return kbc->mouse;
}
