/* Command-line options, with QEMU's names where they exist. */
#ifndef EMBER_FRONTEND_OPTIONS_H
#define EMBER_FRONTEND_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "debugger.h"
#include "machine.h"

#define DEFAULT_BIOS_DIR "/usr/share/seabios"
#define DEFAULT_BIOS DEFAULT_BIOS_DIR "/bios-256k.bin"
#define DEFAULT_VGA_ROM DEFAULT_BIOS_DIR "/vgabios-stdvga.bin"

#define MAX_DRIVE_OPTIONS 8

enum display_kind { DISPLAY_DEFAULT, DISPLAY_NONE, DISPLAY_SDL };
enum rr_option { RR_OPTION_NONE, RR_OPTION_RECORD, RR_OPTION_REPLAY };
/* Instructions between a replay's checkpoints (about half a second). */
#define DEFAULT_RR_CHECKPOINT 100000000ull

struct options {
    const char *bios_path;          /* NULL: SeaBIOS from the Debian package */
    bool bios_given;
    bool bios_none;                 /* -bios none: no firmware; -kernel boots directly */
    const char *vga_rom_path;       /* NULL: SeaVGABIOS next to SeaBIOS */
    uint32_t ram_size;
    struct drive_config ide[IDE_DRIVES];
    struct drive_config floppy[FLOPPY_DRIVES];
    char boot_order[8];             /* letters a, c, d in order */
    bool snapshot;
    enum serial_mode serial;
    const char *serial_path;
    enum display_kind display;
    const char *name;
    bool no_reboot;
    uint64_t max_insns;
    unsigned trace;                 /* TRACE_* bits from -d */
    const char *screendump_path;
    const char *kernel_path;        /* -kernel: Linux boot (through the BIOS, or direct) */
    const char *initrd_path;
    const char *append;
    bool rtc_fixed;
    int64_t rtc_base;               /* seconds since 1970 (UTC) with rtc_fixed */
    const char *keys;               /* -keys: text typed on the virtual clock (keyinject.h) */
    enum rr_option rr;              /* -icount rr=record|replay */
    bool sleep;                     /* -icount sleep=on */
    uint64_t rr_checkpoint;         /* -icount rrcheckpoint=N (0: none) */
    char *rr_file;                  /* -icount rrfile=FILE (in owned) */
    /* The debugger (debugctl.h). */
    const char *gdb;                /* -gdb tcp::PORT (-s: tcp::1234); NULL: none */
    bool start_stopped;             /* -S */
    bool monitor_stdio;             /* -monitor stdio */
    bool serial_given;              /* -serial was given */
    unsigned debug_trace;           /* -d categories but bios: DBG_TRACE_* */
    const char *trace_file;         /* -D FILE */
    struct dbg_range dfilter[DBG_MAX_FILTERS];  /* -dfilter */
    unsigned ndfilter;
    char *owned[MAX_DRIVE_OPTIONS + 1];  /* copies that -drive and -icount values point into */
    unsigned nowned;
};

enum { OPTIONS_OK, OPTIONS_HELP, OPTIONS_ERROR };

/* Parses argv; on error prints one line naming the problem to err. */
int options_parse(struct options *opt, int argc, char **argv, FILE *err);
void options_free(struct options *opt);

#endif
