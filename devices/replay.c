/* Record and replay of a run; see replay.h. */
#include "replay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "machine.h"
#include "ns16550_uart.h"

#define MAGIC "EMBERRR1"
#define VERSION 1u
#define DRIVE_BYTES 13u                 /* u8 present, u64 size, u32 crc */
#define HEADER_BYTES (8u + 4u + 8u + 4u + REPLAY_DRIVES * DRIVE_BYTES)
#define EVENT_BYTES 40u

/* ---- Little-endian fields ---- */

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned k = 0; k < n; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

static void encode_header(const struct replay_header *h, uint8_t *p)
{
    memcpy(p, MAGIC, 8);
    put_le(p + 8, VERSION, 4);
    put_le(p + 12, (uint64_t)h->rtc_base, 8);
    put_le(p + 20, h->ram_size, 4);
    uint8_t *d = p + 24;
    for (unsigned k = 0; k < REPLAY_DRIVES; k++, d += DRIVE_BYTES) {
        d[0] = h->drive[k].present;
        put_le(d + 1, h->drive[k].size, 8);
        put_le(d + 9, h->drive[k].crc, 4);
    }
}

static bool decode_header(const uint8_t *p, struct replay_header *h)
{
    if (memcmp(p, MAGIC, 8) != 0 || get_le(p + 8, 4) != VERSION)
        return false;
    h->rtc_base = (int64_t)get_le(p + 12, 8);
    h->ram_size = (uint32_t)get_le(p + 20, 4);
    const uint8_t *d = p + 24;
    for (unsigned k = 0; k < REPLAY_DRIVES; k++, d += DRIVE_BYTES) {
        h->drive[k].present = d[0] != 0;
        h->drive[k].size = get_le(d + 1, 8);
        h->drive[k].crc = (uint32_t)get_le(d + 9, 4);
    }
    return true;
}

static void encode_event(const struct replay_event *e, uint8_t *p)
{
    memset(p, 0, EVENT_BYTES);
    put_le(p, e->ns, 8);
    put_le(p + 8, e->icount, 8);
    put_le(p + 16, e->eip, 4);
    p[20] = e->kind;
    put_le(p + 24, (uint32_t)e->a, 4);
    put_le(p + 28, (uint32_t)e->b, 4);
    put_le(p + 32, (uint32_t)e->c, 4);
    put_le(p + 36, e->d, 4);
}

static void decode_event(const uint8_t *p, struct replay_event *e)
{
    e->ns = get_le(p, 8);
    e->icount = get_le(p + 8, 8);
    e->eip = (uint32_t)get_le(p + 16, 4);
    e->kind = p[20];
    e->a = (int32_t)(uint32_t)get_le(p + 24, 4);
    e->b = (int32_t)(uint32_t)get_le(p + 28, 4);
    e->c = (int32_t)(uint32_t)get_le(p + 32, 4);
    e->d = (uint32_t)get_le(p + 36, 4);
}

const char *replay_kind_name(enum replay_kind kind)
{
    switch (kind) {
    case RR_KEY: return "key";
    case RR_MOUSE: return "mouse";
    case RR_SERIAL: return "serial byte";
    case RR_SERIAL_END: return "serial end";
    case RR_END: return "end";
    case RR_RESET: return "reset";
    }
    return "unknown";
}

/* ---- Opening and closing ---- */

static struct replay *replay_new(enum replay_mode mode, const char *path, FILE *err)
{
    struct replay *r = calloc(1, sizeof *r);
    char *copy = strdup(path);
    if (!r || !copy) {
        fprintf(err, "ember: out of memory for the replay\n");
        free(r);
        free(copy);
        return NULL;
    }
    r->mode = mode;
    r->path = copy;
    return r;
}

static void replay_free(struct replay *r)
{
    free(r->ev);
    free(r->path);
    free(r);
}

struct replay *replay_record(const char *path, const struct replay_header *h, FILE *err)
{
    struct replay *r = replay_new(REPLAY_RECORD, path, err);
    if (!r)
        return NULL;
    r->header = *h;
    r->out = fopen(path, "wb");
    uint8_t head[HEADER_BYTES];
    encode_header(h, head);
    if (!r->out || fwrite(head, sizeof head, 1, r->out) != 1 || fflush(r->out) != 0) {
        fprintf(err, "ember: cannot write the recording %s: %s\n", path, strerror(errno));
        if (r->out)
            fclose(r->out);
        replay_free(r);
        return NULL;
    }
    return r;
}

/* Read every event; the events of a kind come in time order. */
static bool read_events(struct replay *r, FILE *f, FILE *err)
{
    size_t cap = 0;
    uint8_t buf[EVENT_BYTES];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) == sizeof buf) {
        if (r->nev == cap) {
            cap = cap ? cap * 2 : 256;
            struct replay_event *grown = realloc(r->ev, cap * sizeof *grown);
            if (!grown) {
                fprintf(err, "ember: out of memory reading the recording %s\n", r->path);
                return false;
            }
            r->ev = grown;
        }
        struct replay_event *e = &r->ev[r->nev];
        decode_event(buf, e);
        if (e->kind < RR_KEY || e->kind > RR_RESET ||
            (r->nev && e->ns < r->ev[r->nev - 1].ns)) {
            fprintf(err, "ember: the recording %s is damaged at event %zu\n", r->path, r->nev);
            return false;
        }
        r->nev++;
    }
    if (got != 0) {
        fprintf(err, "ember: the recording %s ends in the middle of an event "
                     "(the recording ember did not stop cleanly); replaying what is whole\n",
                r->path);
    }
    return true;
}

struct replay *replay_open(const char *path, FILE *err)
{
    struct replay *r = replay_new(REPLAY_PLAY, path, err);
    if (!r)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(err, "ember: cannot open the recording %s: %s\n", path, strerror(errno));
        replay_free(r);
        return NULL;
    }
    uint8_t head[HEADER_BYTES];
    bool ok = fread(head, sizeof head, 1, f) == 1 && decode_header(head, &r->header);
    if (!ok)
        fprintf(err, "ember: %s is not an ember recording (version %u)\n", path, VERSION);
    else
        ok = read_events(r, f, err);
    fclose(f);
    if (!ok) {
        replay_free(r);
        return NULL;
    }
    return r;
}

static struct replay_event stamp(const struct replay *r, enum replay_kind kind)
{
    const struct cpu *cpu = r->m->cpu;
    struct replay_event e = {
        .ns = clock_ns(&r->m->clock),
        .icount = cpu_retired(cpu),
        .eip = cpu->seg[CS].base + cpu->eip,
        .kind = (uint8_t)kind,
    };
    return e;
}

static void write_event(struct replay *r, const struct replay_event *e)
{
    uint8_t buf[EVENT_BYTES];
    encode_event(e, buf);
    /* Each event is flushed: a recording stays usable up to a crash. */
    if (fwrite(buf, sizeof buf, 1, r->out) != 1 || fflush(r->out) != 0) {
        fprintf(stderr, "ember: writing the recording %s failed: %s; recording stops\n",
                r->path, strerror(errno));
        fclose(r->out);
        r->out = NULL;
        return;
    }
    r->recorded++;
}

void replay_detach(struct replay *r)
{
    if (!r->m)
        return;
    if (r->mode == REPLAY_RECORD && r->out) {
        clock_sync(&r->m->clock, r->m->cpu->icount);
        struct replay_event e = stamp(r, RR_END);
        write_event(r, &e);
    }
    if (r->input_timer.armed)
        timer_cancel(&r->m->clock, &r->input_timer);
    r->m = NULL;
}

void replay_close(struct replay *r)
{
    if (!r)
        return;
    replay_detach(r);
    if (r->out && fclose(r->out) != 0)
        fprintf(stderr, "ember: closing the recording %s failed: %s\n", r->path, strerror(errno));
    replay_free(r);
}

/* ---- Checking a replayed event against the machine ---- */

/* The machine is not where the recording was when the event came. */
static void diverged(struct replay *r, const struct replay_event *e, const char *what)
{
    struct replay_event now = stamp(r, (enum replay_kind)e->kind);
    fprintf(stderr,
            "ember: the replay diverged from the recording %s (%s): its %s event came at "
            "%" PRIu64 " ns, instruction %" PRIu64 ", EIP %08x; the replay is at %" PRIu64
            " ns, instruction %" PRIu64 ", EIP %08x. Replay with the same command line and "
            "disk images as the recording.\n",
            r->path, what, replay_kind_name((enum replay_kind)e->kind), e->ns, e->icount,
            e->eip, now.ns, now.icount, now.eip);
    r->diverged = true;
    r->m->status = MACHINE_REPLAY_DIVERGED;
    r->m->cpu->stop_request = true;
}

static bool matches(struct replay *r, const struct replay_event *e)
{
    struct replay_event now = stamp(r, (enum replay_kind)e->kind);
    if (now.icount != e->icount || now.eip != e->eip) {
        diverged(r, e, "not at the same instruction");
        return false;
    }
    return true;
}

/* ---- COM1's host end ---- */

/* Serial events are answers to COM1's polls; the rest (keys, mouse,
 * reset, end) are applied between CPU slices. */
static bool is_serial(const struct replay_event *e)
{
    return e->kind == RR_SERIAL || e->kind == RR_SERIAL_END;
}

static bool is_input(const struct replay_event *e)
{
    return !is_serial(e);
}

static void serial_send(void *opaque, uint8_t byte)
{
    struct replay *r = opaque;
    if (!r->quiet && r->serial_host && r->serial_host->send)
        r->serial_host->send(r->serial_opaque, byte);
}

static int serial_recv_recording(struct replay *r, uint8_t *byte)
{
    int got = r->serial_host && r->serial_host->receive
                  ? r->serial_host->receive(r->serial_opaque, byte) : -1;
    if (got > 0)
        replay_note(r, RR_SERIAL, *byte, 0, 0, 0);
    else if (got < 0)
        replay_note(r, RR_SERIAL_END, 0, 0, 0, 0);
    return got;
}

/* Replaying, the poll gets what the recording's poll got at this moment. */
static int serial_recv_replaying(struct replay *r, uint8_t *byte)
{
    while (r->next_serial < r->nev && !is_serial(&r->ev[r->next_serial]))
        r->next_serial++;
    if (r->diverged || r->next_serial >= r->nev)
        return r->ended ? -1 : 0;
    const struct replay_event *e = &r->ev[r->next_serial];
    uint64_t now = clock_ns(&r->m->clock);
    if (e->ns > now)
        return 0;
    if (e->ns < now) {
        diverged(r, e, "the serial port was not polled at that time");
        return 0;
    }
    if (!matches(r, e))
        return 0;
    r->next_serial++;
    if (e->kind == RR_SERIAL_END)
        return -1;
    *byte = (uint8_t)e->a;
    return 1;
}

static int serial_recv(void *opaque, uint8_t *byte)
{
    struct replay *r = opaque;
    return r->mode == REPLAY_RECORD ? serial_recv_recording(r, byte)
                                    : serial_recv_replaying(r, byte);
}

static const struct serial_host_ops replay_serial_ops = {
    .send = serial_send,
    .receive = serial_recv,
};

/* ---- Key, mouse and end events ---- */

static void arm_input_timer(struct replay *r)
{
    while (r->next_input < r->nev && !is_input(&r->ev[r->next_input]))
        r->next_input++;
    if (r->next_input < r->nev && !r->diverged)
        timer_arm(&r->m->clock, &r->input_timer, r->ev[r->next_input].ns);
    else if (r->input_timer.armed)
        timer_cancel(&r->m->clock, &r->input_timer);
}

/* The timer only makes the CPU slice end (or a halted CPU's time stop) at
 * the event's time; replay_apply_due() applies it there. */
static void input_due(void *opaque)
{
    (void)opaque;
}

void replay_attach(struct replay *r, struct machine *m)
{
    r->m = m;
    struct ns16550 *com1 = m->pc.uart[0];
    if (com1) {
        r->serial_host = com1->host;
        r->serial_opaque = com1->host_opaque;
        com1->host = &replay_serial_ops;
        com1->host_opaque = r;
    }
    if (r->mode == REPLAY_PLAY) {
        r->next_input = r->next_serial = 0;
        r->ended = r->diverged = false;
        timer_init(&r->input_timer, input_due, r);
        arm_input_timer(r);
    }
}

void replay_note(struct replay *r, enum replay_kind kind, int32_t a, int32_t b, int32_t c,
                 uint32_t d)
{
    if (r->mode != REPLAY_RECORD || !r->out)
        return;
    struct replay_event e = stamp(r, kind);
    e.a = a;
    e.b = b;
    e.c = c;
    e.d = d;
    write_event(r, &e);
}

bool replay_apply_due(struct replay *r)
{
    uint64_t now = clock_ns(&r->m->clock);
    while (!r->diverged && r->next_input < r->nev) {
        const struct replay_event *e = &r->ev[r->next_input];
        if (!is_input(e)) {
            r->next_input++;
            continue;
        }
        if (e->ns > now)
            break;
        if (e->ns < now) {
            diverged(r, e, "the machine passed its time");
            break;
        }
        if (!matches(r, e))
            break;
        r->next_input++;
        if (e->kind == RR_END) {
            r->ended = true;
            r->m->status = MACHINE_REPLAY_END;
            break;
        }
        machine_apply_input(r->m, e);
    }
    if (!r->ended)
        arm_input_timer(r);
    return !r->diverged && !r->ended;
}

uint64_t replay_end_icount(const struct replay *r)
{
    for (size_t k = r->nev; k-- > 0;)
        if (r->ev[k].kind == RR_END)
            return r->ev[k].icount;
    return UINT64_MAX;
}
