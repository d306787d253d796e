/* PS/2 mouse with IntelliMouse extensions; see ps2_mouse.h.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, "Pointing
 * Device" (commands E6-FF, the status bytes, the 3-byte packet with sign
 * and overflow bits, 2:1 scaling); Adam Chapweske, "The PS/2 Mouse
 * Interface" (wrap mode, Resend/Error replies, the IntelliMouse
 * sample-rate sequences 200,100,80 -> ID 3 and 200,200,80 -> ID 4). */
#include "ps2_mouse.h"

#include <stdlib.h>

#include "debugger.h"

enum {
    AUX_SET_SCALE_1_1 = 0xE6,
    AUX_SET_SCALE_2_1 = 0xE7,
    AUX_SET_RESOLUTION = 0xE8,
    AUX_STATUS_REQUEST = 0xE9,
    AUX_SET_STREAM = 0xEA,
    AUX_READ_DATA = 0xEB,
    AUX_RESET_WRAP = 0xEC,
    AUX_SET_WRAP = 0xEE,
    AUX_SET_REMOTE = 0xF0,
    AUX_GET_ID = 0xF2,
    AUX_SET_SAMPLE_RATE = 0xF3,
    AUX_ENABLE = 0xF4,
    AUX_DISABLE = 0xF5,
    AUX_SET_DEFAULTS = 0xF6,
    AUX_RESEND = 0xFE,
    AUX_RESET = 0xFF,
};

/* Byte 1 of a movement packet. */
#define PKT_ALWAYS_ONE 0x08
#define PKT_X_SIGN 0x10
#define PKT_Y_SIGN 0x20
#define PKT_X_OVERFLOW 0x40
#define PKT_Y_OVERFLOW 0x80

/* Byte 1 of the status reply. */
#define STATUS_RIGHT 0x01
#define STATUS_MIDDLE 0x02
#define STATUS_LEFT 0x04
#define STATUS_SCALING_2_1 0x10
#define STATUS_ENABLED 0x20
#define STATUS_REMOTE 0x40

#define DEFAULT_SAMPLE_RATE 100
#define DEFAULT_RESOLUTION 2    /* 4 counts/mm */
#define ID_STANDARD 0
#define ID_WHEEL 3
#define ID_WHEEL_5_BUTTONS 4

static void notify(struct ps2_mouse *mouse)
{
    if (mouse->fifo.count && mouse->data_ready)
        mouse->data_ready(mouse->opaque);
}

static void reply(struct ps2_mouse *mouse, uint8_t byte)
{
    ps2_fifo_push(&mouse->fifo, byte);
}

static void reset_counters(struct ps2_mouse *mouse)
{
    mouse->dx = mouse->dy = mouse->dz = 0;
    mouse->buttons_changed = false;
}

static void set_defaults(struct ps2_mouse *mouse)
{
    mouse->sample_rate = DEFAULT_SAMPLE_RATE;
    mouse->resolution = DEFAULT_RESOLUTION;
    mouse->scaling_2to1 = false;
    mouse->reporting = false;
    reset_counters(mouse);
}

static void power_on(struct ps2_mouse *mouse)
{
    ps2_fifo_clear(&mouse->fifo);
    mouse->command = 0;
    mouse->last_sent = 0;
    mouse->mode = PS2_MOUSE_STREAM;
    mouse->wrap_from = PS2_MOUSE_STREAM;
    mouse->last_invalid = false;
    mouse->device_id = ID_STANDARD;
    mouse->rates[0] = mouse->rates[1] = mouse->rates[2] = 0;
    mouse->buttons = 0;
    set_defaults(mouse);
}

/* ---- movement packets ---- */

static unsigned packet_size(const struct ps2_mouse *mouse)
{
    return mouse->device_id == ID_STANDARD ? 3 : 4;
}

/* 2:1 scaling (stream mode): 1->1, 2->1, 3->3, 4->6, 5->9, else double. */
static int32_t scale_2to1(int32_t v)
{
    static const int32_t small[6] = { 0, 1, 1, 3, 6, 9 };
    int32_t mag = v < 0 ? -v : v;
    int32_t out = mag < 6 ? small[mag] : 2 * mag;
    return v < 0 ? -out : out;
}

/* One axis into a 9-bit two's complement field: the low byte, with the
 * sign and (when the counter ran past -256..255) overflow bits. */
static uint8_t axis_byte(int32_t v, uint8_t *flags, uint8_t sign, uint8_t overflow)
{
    if (v > 255 || v < -256) {
        *flags |= overflow;
        v = v > 0 ? 255 : -256;
    }
    if (v < 0)
        *flags |= sign;
    return (uint8_t)(v & 0xFF);
}

static uint8_t wheel_byte(struct ps2_mouse *mouse)
{
    int32_t z = mouse->dz < -8 ? -8 : mouse->dz > 7 ? 7 : mouse->dz;
    mouse->dz -= z;     /* the wheel keeps what one packet cannot carry */
    if (mouse->device_id == ID_WHEEL)
        return (uint8_t)z;
    return (uint8_t)((z & 0x0F) | (mouse->buttons & PS2_MOUSE_BUTTON4 ? 0x10 : 0) |
                     (mouse->buttons & PS2_MOUSE_BUTTON5 ? 0x20 : 0));
}

static void send_packet(struct ps2_mouse *mouse)
{
    int32_t dx = mouse->dx, dy = mouse->dy;
    if (mouse->scaling_2to1 && mouse->mode == PS2_MOUSE_STREAM) {
        dx = scale_2to1(dx);
        dy = scale_2to1(dy);
    }
    uint8_t b0 = (uint8_t)(PKT_ALWAYS_ONE | (mouse->buttons & 0x07));
    uint8_t bx = axis_byte(dx, &b0, PKT_X_SIGN, PKT_X_OVERFLOW);
    uint8_t by = axis_byte(dy, &b0, PKT_Y_SIGN, PKT_Y_OVERFLOW);
    reply(mouse, b0);
    reply(mouse, bx);
    reply(mouse, by);
    if (mouse->device_id != ID_STANDARD)
        reply(mouse, wheel_byte(mouse));
    mouse->dx = mouse->dy = 0;
    mouse->buttons_changed = false;
}

static bool movement_pending(const struct ps2_mouse *mouse)
{
    return mouse->dx || mouse->dy || mouse->dz || mouse->buttons_changed;
}

/* Stream mode with reporting on: report what is pending if a whole packet
 * fits (otherwise the counters keep counting). */
static void stream_report(struct ps2_mouse *mouse)
{
    if (mouse->mode != PS2_MOUSE_STREAM || !mouse->reporting || !movement_pending(mouse))
        return;
    if (ps2_fifo_room(&mouse->fifo) < packet_size(mouse))
        return;
    send_packet(mouse);
    notify(mouse);
}

static int32_t saturate(int64_t v, int32_t limit)
{
    return (int32_t)(v > limit ? limit : v < -limit ? -limit : v);
}

void ps2_mouse_move(struct ps2_mouse *mouse, int dx, int dy, int dz, unsigned buttons)
{
    buttons &= 0x1F;
    if (buttons != mouse->buttons) {
        mouse->buttons = (uint8_t)buttons;
        mouse->buttons_changed = true;
    }
    /* Saturate far beyond the packet range: overflow is reported anyway. */
    mouse->dx = saturate((int64_t)mouse->dx + dx, 4096);
    mouse->dy = saturate((int64_t)mouse->dy + dy, 4096);
    mouse->dz = saturate((int64_t)mouse->dz + dz, 127);
    stream_report(mouse);
}

/* ---- commands ---- */

static void status_reply(struct ps2_mouse *mouse)
{
    uint8_t s = 0;
    if (mouse->buttons & PS2_MOUSE_LEFT)
        s |= STATUS_LEFT;
    if (mouse->buttons & PS2_MOUSE_MIDDLE)
        s |= STATUS_MIDDLE;
    if (mouse->buttons & PS2_MOUSE_RIGHT)
        s |= STATUS_RIGHT;
    if (mouse->scaling_2to1)
        s |= STATUS_SCALING_2_1;
    if (mouse->reporting)
        s |= STATUS_ENABLED;
    if (mouse->mode == PS2_MOUSE_REMOTE)
        s |= STATUS_REMOTE;
    reply(mouse, PS2_ACK);
    reply(mouse, s);
    reply(mouse, mouse->resolution);
    reply(mouse, mouse->sample_rate);
}

static bool valid_rate(uint8_t rate)
{
    static const uint8_t rates[] = { 10, 20, 40, 60, 80, 100, 200 };
    for (unsigned k = 0; k < sizeof rates; k++)
        if (rates[k] == rate)
            return true;
    return false;
}

/* The IntelliMouse knock: rates 200,100,80 give a wheel (ID 3), then
 * 200,200,80 the fourth and fifth buttons (ID 4). */
static void sample_rate_param(struct ps2_mouse *mouse, uint8_t rate)
{
    mouse->sample_rate = rate;
    mouse->rates[0] = mouse->rates[1];
    mouse->rates[1] = mouse->rates[2];
    mouse->rates[2] = rate;
    if (mouse->rates[0] == 200 && mouse->rates[2] == 80) {
        if (mouse->rates[1] == 100 && mouse->device_id == ID_STANDARD)
            mouse->device_id = ID_WHEEL;
        else if (mouse->rates[1] == 200 && mouse->device_id == ID_WHEEL)
            mouse->device_id = ID_WHEEL_5_BUTTONS;
    }
}

static void parameter(struct ps2_mouse *mouse, uint8_t value)
{
    uint8_t cmd = mouse->command;
    mouse->command = 0;
    if (cmd == AUX_SET_RESOLUTION && value <= 3) {
        mouse->resolution = value;
    } else if (cmd == AUX_SET_SAMPLE_RATE && valid_rate(value)) {
        sample_rate_param(mouse, value);
    } else {
        reply(mouse, PS2_RESEND);
        return;
    }
    reply(mouse, PS2_ACK);
}

static void set_mode(struct ps2_mouse *mouse, enum ps2_mouse_mode mode)
{
    if (mode == PS2_MOUSE_WRAP && mouse->mode != PS2_MOUSE_WRAP)
        mouse->wrap_from = mouse->mode;
    mouse->mode = (uint8_t)mode;
    reset_counters(mouse);
    reply(mouse, PS2_ACK);
}

static void set_reporting(struct ps2_mouse *mouse, bool on)
{
    mouse->reporting = on;
    reset_counters(mouse);
    reply(mouse, PS2_ACK);
}

static void reset(struct ps2_mouse *mouse)
{
    power_on(mouse);
    reply(mouse, PS2_ACK);
    reply(mouse, PS2_BAT_OK);
    reply(mouse, ID_STANDARD);
}

/* Commands this mouse does not take: vendor commands of pointing devices
 * that speak the PS/2 protocol (TrackPoint: IBM TrackPoint System Version
 * 4.0 Engineering Specification). */
static const char *unimplemented_command_name(uint8_t cmd)
{
    switch (cmd) {
    case 0xE1: return "TrackPoint read secondary ID";
    case 0xE2: return "TrackPoint command";
    default: return "no such command on a PS/2 or IntelliMouse";
    }
}

static void unknown(struct ps2_mouse *mouse, uint8_t cmd)
{
    trace_unimp_key(mouse, cmd, "PS/2 mouse command %02xh (%s) is not implemented: "
                    "answered FEh (resend), FCh (error) when it follows another such byte",
                    cmd, unimplemented_command_name(cmd));
    reply(mouse, mouse->last_invalid ? PS2_ERROR : PS2_RESEND);
    mouse->last_invalid = true;
}

/* Commands that answer with ACK and (maybe) data. */
static bool query(struct ps2_mouse *mouse, uint8_t cmd)
{
    switch (cmd) {
    case AUX_STATUS_REQUEST:
        status_reply(mouse);
        reset_counters(mouse);
        return true;
    case AUX_READ_DATA:
        reply(mouse, PS2_ACK);
        send_packet(mouse);
        reset_counters(mouse);
        return true;
    case AUX_GET_ID:
        reply(mouse, PS2_ACK);
        reply(mouse, mouse->device_id);
        reset_counters(mouse);
        return true;
    case AUX_RESEND:
        reply(mouse, mouse->last_sent);
        return true;
    default:
        return false;
    }
}

static void command(struct ps2_mouse *mouse, uint8_t cmd)
{
    if (query(mouse, cmd)) {
        mouse->last_invalid = false;
        return;
    }
    switch (cmd) {
    case AUX_SET_SCALE_1_1:
    case AUX_SET_SCALE_2_1:
        mouse->scaling_2to1 = cmd == AUX_SET_SCALE_2_1;
        reply(mouse, PS2_ACK);
        break;
    case AUX_SET_RESOLUTION:
    case AUX_SET_SAMPLE_RATE:
        mouse->command = cmd;
        reply(mouse, PS2_ACK);
        break;
    case AUX_SET_STREAM:
        set_mode(mouse, PS2_MOUSE_STREAM);
        break;
    case AUX_SET_REMOTE:
        set_mode(mouse, PS2_MOUSE_REMOTE);
        break;
    case AUX_SET_WRAP:
        set_mode(mouse, PS2_MOUSE_WRAP);
        break;
    case AUX_RESET_WRAP:        /* outside wrap mode: acknowledged, the mode stays */
        set_mode(mouse, (enum ps2_mouse_mode)mouse->mode);
        break;
    case AUX_ENABLE:
    case AUX_DISABLE:
        set_reporting(mouse, cmd == AUX_ENABLE);
        break;
    case AUX_SET_DEFAULTS:
        set_defaults(mouse);
        reply(mouse, PS2_ACK);
        break;
    case AUX_RESET:
        reset(mouse);
        break;
    default:
        unknown(mouse, cmd);
        return;
    }
    mouse->last_invalid = false;
}

/* Wrap mode echoes every byte except Reset Wrap Mode and Reset. */
static void wrap_byte(struct ps2_mouse *mouse, uint8_t byte)
{
    if (byte == AUX_RESET)
        reset(mouse);
    else if (byte == AUX_RESET_WRAP)
        set_mode(mouse, (enum ps2_mouse_mode)mouse->wrap_from);
    else
        reply(mouse, byte);
}

void ps2_mouse_write(struct ps2_mouse *mouse, uint8_t byte)
{
    if (mouse->mode == PS2_MOUSE_WRAP)
        wrap_byte(mouse, byte);
    else if (mouse->command)
        parameter(mouse, byte);
    else
        command(mouse, byte);
    notify(mouse);
}

bool ps2_mouse_has_data(const struct ps2_mouse *mouse)
{
    return mouse->fifo.count != 0;
}

uint8_t ps2_mouse_read(struct ps2_mouse *mouse)
{
    if (!mouse->fifo.count)
        return 0;
    uint8_t byte = ps2_fifo_pop(&mouse->fifo);
    mouse->last_sent = byte;
    stream_report(mouse);   /* room again for what was held back */
    return byte;
}

/* ---- device ---- */

struct ps2_mouse *ps2_mouse_create(void)
{
    struct ps2_mouse *mouse = calloc(1, sizeof *mouse);
    if (mouse)
        power_on(mouse);
    return mouse;
}

void ps2_mouse_set_client(struct ps2_mouse *mouse, void (*data_ready)(void *opaque),
                          void *opaque)
{
    mouse->data_ready = data_ready;
    mouse->opaque = opaque;
}

static void mouse_reset(void *dev)
{
    power_on(dev);
}

static void mouse_destroy(void *dev)
{
    free(dev);
}

static void mouse_post_load(void *dev)
{
    struct ps2_mouse *mouse = dev;
    mouse->fifo.head %= PS2_FIFO_SIZE;
    if (mouse->fifo.count > PS2_FIFO_SIZE)
        mouse->fifo.count = PS2_FIFO_SIZE;
    if (mouse->mode > PS2_MOUSE_WRAP)
        mouse->mode = PS2_MOUSE_STREAM;
    if (mouse->wrap_from > PS2_MOUSE_REMOTE)
        mouse->wrap_from = PS2_MOUSE_STREAM;
}

static void mouse_set_cpu(void *dev, struct cpu *cpu)
{
    struct ps2_mouse *mouse = dev;
    mouse->cpu = cpu;
}

static const struct state_field mouse_fields[] = {
    STATE_FIELD(struct ps2_mouse, fifo),
    STATE_FIELD(struct ps2_mouse, command),
    STATE_FIELD(struct ps2_mouse, last_sent),
    STATE_FIELD(struct ps2_mouse, mode),
    STATE_FIELD(struct ps2_mouse, wrap_from),
    STATE_FIELD(struct ps2_mouse, reporting),
    STATE_FIELD(struct ps2_mouse, scaling_2to1),
    STATE_FIELD(struct ps2_mouse, last_invalid),
    STATE_FIELD(struct ps2_mouse, sample_rate),
    STATE_FIELD(struct ps2_mouse, resolution),
    STATE_FIELD(struct ps2_mouse, device_id),
    STATE_FIELD(struct ps2_mouse, rates),
    STATE_FIELD(struct ps2_mouse, buttons),
    STATE_FIELD(struct ps2_mouse, buttons_changed),
    STATE_FIELD(struct ps2_mouse, dx),
    STATE_FIELD(struct ps2_mouse, dy),
    STATE_FIELD(struct ps2_mouse, dz),
};

static const struct device_state mouse_state = {
    .version = 1,
    .fields = mouse_fields,
    .nfields = sizeof mouse_fields / sizeof mouse_fields[0],
    .post_load = mouse_post_load,
};

const struct device_ops ps2_mouse_ops = {
    .name = "ps2-mouse",
    .reset = mouse_reset,
    .destroy = mouse_destroy,
    .state = &mouse_state,
    .set_cpu = mouse_set_cpu,
};
