/* The machine: owns the CPU, the physical memory map, the I/O port space
 * and the devices, and runs them. No global state: two machines can live
 * in one process. */
#ifndef EMBER_DEVICES_MACHINE_H
#define EMBER_DEVICES_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"
#include "cpu.h"
#include "debug_port.h"
#include "device.h"
#include "pc.h"
#include "port92.h"

struct replay;
struct replay_event;

#define IDE_DRIVES 4            /* primary master/slave, secondary master/slave */
#define FLOPPY_DRIVES 2

enum drive_media { MEDIA_NONE, MEDIA_DISK, MEDIA_CDROM, MEDIA_FLOPPY };

struct drive_config {
    const char *path;           /* image file; NULL = no drive */
    enum drive_media media;
    bool readonly;
};

enum serial_mode { SERIAL_NONE, SERIAL_STDIO, SERIAL_FILE };

/* -d trace categories. */
#define TRACE_BIOS 0x1u         /* SeaBIOS debug port 0x402 to stderr */

struct machine_config {
    uint32_t ram_size;          /* bytes */
    const uint8_t *bios;        /* BIOS image, mapped below 4 GiB and 1 MiB */
    size_t bios_size;
    const uint8_t *vga_rom;     /* VGA option ROM (NULL: none) */
    size_t vga_rom_size;
    struct drive_config ide[IDE_DRIVES];
    struct drive_config floppy[FLOPPY_DRIVES];
    char boot_order[8];         /* "cad": disk, floppy, CD */
    bool snapshot;              /* guest writes stay in memory */
    enum serial_mode serial;
    const char *serial_path;
    const char *name;
    bool no_reboot;             /* a reset (triple fault) ends the run */
    uint64_t max_insns;         /* 0 = no limit; else stop with an error */
    unsigned trace;             /* TRACE_* */
    bool rtc_fixed;             /* the RTC starts at rtc_base, not host time */
    int64_t rtc_base;
    FILE *debug_out;            /* where port 0xE9 output goes */
    /* -icount rr=record|replay (replay.h); NULL: neither. Not owned: it
     * outlives a machine_rebuild(). */
    struct replay *replay;
    bool serial_append;         /* -serial file: append (a rebuilt machine) */
    /* -icount sleep=on: paces a halted CPU to the host's clock (main.c).
     * Told the virtual time now and the next timer's deadline, it may wait
     * a little on the host and returns the virtual time the halted CPU has
     * reached (the clock moves there, at most to the deadline). NULL: the
     * time of a halted CPU jumps straight to the next timer. */
    uint64_t (*idle_wait)(void *opaque, uint64_t now_ns, uint64_t deadline_ns);
    void *idle_opaque;
    /* The frontend, called between CPU slices (window refresh and input;
     * it paces itself by host time). NULL: none. */
    void (*frontend_poll)(void *opaque);
    void *frontend_opaque;
};

enum machine_status {
    MACHINE_RUNNING,
    MACHINE_EXIT,               /* the guest wrote to the exit port */
    MACHINE_HALTED,             /* HLT with no interrupt that can come */
    MACHINE_RESET_EXIT,         /* reset with no_reboot */
    MACHINE_INSN_LIMIT,         /* max_insns reached */
    MACHINE_POWEROFF,           /* the guest turned the machine off (ACPI S5) */
    MACHINE_REPLAY_END,         /* the replay reached the end of the recording */
    MACHINE_REPLAY_DIVERGED,    /* the replay went another way than the recording */
};

struct machine {
    struct machine_config cfg;
    struct phys_mem *mem;
    struct io_bus io;
    struct cpu *cpu;
    struct clock clock;
    struct device_list devices;
    struct pc pc;
    struct debug_port debug;
    struct port92 port92;
    enum machine_status status;
    int exit_code;
    unsigned resets;
    bool poweroff_requested;
    /* Run no further than this instruction count (0: no limit); the
     * debugger uses it to go to an exact place (debugctl.c). */
    uint64_t pause_at;
};

/* Returns NULL and prints why on failure (no memory, a bad BIOS size). */
struct machine *machine_create(const struct machine_config *cfg);
void machine_destroy(struct machine *m);
/* Build m again from its configuration, at the same address, as it was
 * when machine_create() returned (a replay starts over this way). -1
 * after printing why; m is then unusable but can still be destroyed. */
int machine_rebuild(struct machine *m);
void machine_reset(struct machine *m);
/* A device asks for a reset (keyboard controller pulse, port 0x92, 0xCF9). */
void machine_request_reset(struct machine *m);
/* A device turns the machine off (PIIX4 PM, SLP_EN with SLP_TYP = S5):
 * the run ends with MACHINE_POWEROFF after the current instruction. */
void machine_request_poweroff(struct machine *m);
/* Host input, between CPU slices: a key (a PS/2 code, ps2_keyboard.h)
 * and mouse motion and buttons (ps2_mouse.h). A recording notes them; a
 * replay ignores them (the recording's come instead). */
void machine_key(struct machine *m, unsigned code, bool down);
void machine_mouse(struct machine *m, int dx, int dy, int dz, unsigned buttons);
bool machine_has_mouse(const struct machine *m);
/* The user resets the machine (the monitor's system_reset); a recording
 * notes it. -1 in a replay, which takes no input but the recording's. */
int machine_user_reset(struct machine *m);
/* A replay applies a recorded key or mouse event (replay.c). */
void machine_apply_input(struct machine *m, const struct replay_event *e);

/* Run until the guest exits, halts for good or hits a limit. */
enum machine_status machine_run(struct machine *m);

#endif
