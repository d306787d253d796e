/* Record and replay of a run (QEMU's -icount rr=record|replay,rrfile=FILE).
 *
 * The machine is deterministic by construction: the virtual clock counts
 * instructions (clock.h), timers end CPU slices exactly at their
 * deadlines, and interrupts are taken at exact instruction boundaries. So
 * two runs differ only in what comes from the host: keys and mouse moves
 * from the window, bytes on the serial line, and the wall-clock time the
 * RTC starts from. Recording writes each of them to a file, stamped with
 * the virtual time, the instruction count and the guest's EIP at the
 * moment the guest saw it; replaying feeds them back at those very
 * moments and ignores the host's. Every replayed event is checked against
 * its stamp: a replay that has gone another way (other disk contents, a
 * different command line) stops with a message instead of going on wrong.
 *
 * Where events enter:
 *  - keys, mouse and the user's reset: machine_key(), machine_mouse(),
 *    machine_user_reset(), between CPU slices;
 *    a replay applies them at the end of the slice that reaches their
 *    time (a replay timer makes the slice end there);
 *  - serial input: the UART polls its host end from a timer; the replay
 *    wraps COM1's host end (replay_attach) and answers those polls.
 *
 * File layout (all integers little-endian, so a recording made on one
 * host replays on any other):
 *   header: "EMBERRR1", u32 version, i64 RTC start (Unix seconds),
 *           u32 RAM size, then DRIVES x { u8 present, u64 size, u32 crc32 }
 *   events: EVENT_BYTES each: u64 ns, u64 icount, u32 linear EIP, u8 kind,
 *           3 bytes zero, i32 a, i32 b, i32 c, u32 d. */
#ifndef EMBER_DEVICES_REPLAY_H
#define EMBER_DEVICES_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"

struct machine;
struct serial_host_ops;

#define REPLAY_DRIVES 6         /* IDE 0-3, floppy 0-1 */

enum replay_mode { REPLAY_RECORD, REPLAY_PLAY };

enum replay_kind {
    RR_KEY = 1,         /* a: PS/2 key code (ps2_keyboard.h), b: 1 down, 0 up */
    RR_MOUSE = 2,       /* a, b, c: dx, dy, dz; d: buttons (ps2_mouse.h) */
    RR_SERIAL = 3,      /* a: the byte COM1's poll found */
    RR_SERIAL_END = 4,  /* COM1's poll found the input ended */
    RR_END = 5,         /* the recording stops here */
    RR_RESET = 6,       /* the user reset the machine (the monitor's system_reset) */
};

struct replay_event {
    uint64_t ns;            /* virtual time */
    uint64_t icount;        /* instructions retired */
    uint32_t eip;           /* linear address of the next instruction */
    uint8_t kind;           /* enum replay_kind */
    int32_t a, b, c;
    uint32_t d;
};

struct replay_drive {
    bool present;
    uint64_t size;
    uint32_t crc;
};

struct replay_header {
    int64_t rtc_base;       /* the RTC's start, Unix seconds */
    uint32_t ram_size;
    struct replay_drive drive[REPLAY_DRIVES];
};

struct replay {
    enum replay_mode mode;
    struct replay_header header;
    char *path;
    FILE *out;                      /* recording */
    uint64_t recorded;              /* events written */
    struct replay_event *ev;        /* replaying: every event of the file */
    size_t nev;
    size_t next_input;              /* next key, mouse or end event */
    size_t next_serial;             /* next serial event */
    bool quiet;                     /* drop the guest's serial output */
    bool ended;                     /* the end of the recording was reached */
    bool diverged;
    /* The machine being fed, and the host end of COM1 it wraps. */
    struct machine *m;
    const struct serial_host_ops *serial_host;
    void *serial_opaque;
    struct timer input_timer;       /* ends the slice at the next input event */
};

/* Start a recording into path with header h. NULL after printing why. */
struct replay *replay_record(const char *path, const struct replay_header *h, FILE *err);
/* Read a recording whole. NULL after printing why (a missing file, a bad
 * header, a truncated event). */
struct replay *replay_open(const char *path, FILE *err);
/* Detach, close the file, free. */
void replay_close(struct replay *r);

/* The machine m is (re)built: take over COM1's host end and, replaying,
 * start from the first event again. */
void replay_attach(struct replay *r, struct machine *m);
/* The machine is going (destroyed, or rebuilt): a recording writes its
 * end event, stamped now; the replay lets go of the machine. */
void replay_detach(struct replay *r);
/* Recording: note an input event the machine applies now. */
void replay_note(struct replay *r, enum replay_kind kind, int32_t a, int32_t b, int32_t c,
                 uint32_t d);
/* Replaying, between CPU slices: apply the key, mouse and end events due
 * now. Returns false when the replay diverged or ended (m->status says). */
bool replay_apply_due(struct replay *r);
/* The position of the end event (replaying): UINT64_MAX without one. */
uint64_t replay_end_icount(const struct replay *r);

const char *replay_kind_name(enum replay_kind kind);

#endif
