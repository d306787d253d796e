/* ember: command line, machine set-up and the run. Option names follow
 * QEMU's where they exist. Exit status: the guest's through port 0xF4
 * (always odd), else 0 for a clean stop, 2 for bad usage or files, 4 for a
 * guest halted for good, 6 when -max-insns ran out, 7 when a replay went
 * another way than its recording. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "bios.h"
#include "checkpoint.h"
#include "debugctl.h"
#include "display.h"
#include "i8042_kbc.h"
#include "keyinject.h"
#include "linux_boot.h"
#include "machine.h"
#include "options.h"
#include "pacer.h"
#include "replay.h"

/* The BIOS: -bios FILE, or SeaBIOS from the Debian package. */
static uint8_t *load_bios(const struct options *opt, size_t *size)
{
    if (opt->bios_given)
        return bios_load(opt->bios_path, size, stderr);
    if (access(DEFAULT_BIOS, R_OK) != 0) {
        fprintf(stderr, "ember: SeaBIOS is not installed (%s is missing): "
                        "install the Debian package 'seabios' (apt-get install seabios) "
                        "or give -bios FILE\n", DEFAULT_BIOS);
        return NULL;
    }
    return bios_load(DEFAULT_BIOS, size, stderr);
}

/* The VGA ROM: -vga-rom FILE, or SeaVGABIOS beside the default SeaBIOS. A
 * bare-metal image given with -bios gets none unless asked for. */
static bool wants_vga_rom(const struct options *opt)
{
    return opt->vga_rom_path || !opt->bios_given;
}

static uint8_t *load_vga_rom(const struct options *opt, size_t *size)
{
    const char *path = opt->vga_rom_path ? opt->vga_rom_path : DEFAULT_VGA_ROM;
    return rom_load(path, 128 * 1024, size, stderr);
}

/* -display: the window when asked for, and by default when a display
 * server is there and SDL starts; otherwise none. */
static bool wants_window(const struct options *opt)
{
    if (opt->display == DISPLAY_DEFAULT)
        return display_window_available();
    return opt->display == DISPLAY_SDL;
}

static void poll_display(void *opaque)
{
    display_poll(opaque);
}

/* The window's monitor key (Ctrl+Alt+2). */
static void open_monitor(void *opaque)
{
    debugctl_open_monitor(opaque);
}

/* Between CPU slices: the window, then gdb and the monitor (debugctl.h). */
struct frontend {
    struct display *disp;
    struct debugctl *ctl;
};

static void poll_frontend(void *opaque)
{
    struct frontend *fe = opaque;
    display_poll(fe->disp);
    debugctl_poll(fe->ctl);
}

static struct debugctl_config debug_config(const struct options *opt)
{
    struct debugctl_config dc = {
        .gdb = opt->gdb,
        .start_stopped = opt->start_stopped,
        .monitor_stdio = opt->monitor_stdio,
        .trace = opt->debug_trace,
        .trace_file = opt->trace_file,
        .nfilter = opt->ndfilter,
    };
    memcpy(dc.filter, opt->dfilter, sizeof dc.filter);
    return dc;
}

/* -kernel: read the kernel (and initrd) and hand them to the machine:
 * through the BIOS (fw_cfg and the linuxboot option ROM, as QEMU does),
 * or, with -bios none, straight into RAM with the CPU at the kernel's
 * 32-bit entry. Every problem is one line on stderr and -1. */
static int load_kernel(const struct options *opt, struct machine *m)
{
    struct linux_boot lb = { .cmdline = opt->append };
    uint8_t *kernel = file_read_all(opt->kernel_path, 64u << 20, &lb.kernel_size, "kernel", stderr);
    uint8_t *initrd = NULL;
    int rc = -1;
    if (kernel && opt->initrd_path)
        initrd = file_read_all(opt->initrd_path, m->mem->ram_size, &lb.initrd_size, "initrd",
                               stderr);
    if (kernel && (initrd || !opt->initrd_path)) {
        lb.kernel = kernel;
        lb.initrd = initrd;
        rc = opt->bios_none ? linux_boot_direct(m, &lb, stderr) : linux_boot_bios(m, &lb, stderr);
    }
    free(kernel);
    free(initrd);
    return rc;
}

/* ---- -icount rr=record|replay ---- */

/* The drives a recording depends on: present, size and CRC-32 of each
 * image, so a replay can refuse images that changed since. */
static int describe_drive(const struct drive_config *dc, struct replay_drive *rd)
{
    memset(rd, 0, sizeof *rd);
    if (!dc->path)
        return 0;
    FILE *f = fopen(dc->path, "rb");
    if (!f) {
        fprintf(stderr, "ember: %s: %s\n", dc->path, strerror(errno));
        return -1;
    }
    static const size_t chunk = 1u << 20;
    unsigned char *buf = malloc(chunk);
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t n;
    while (buf && (n = fread(buf, 1, chunk, f)) > 0) {
        crc = crc32(crc, buf, (uInt)n);
        rd->size += n;
    }
    bool ok = buf && !ferror(f);
    free(buf);
    fclose(f);
    if (!ok) {
        fprintf(stderr, "ember: cannot read %s to record it\n", dc->path);
        return -1;
    }
    rd->present = true;
    rd->crc = (uint32_t)crc;
    return 0;
}

static int describe_machine(const struct options *opt, struct replay_header *h)
{
    memset(h, 0, sizeof *h);
    h->ram_size = opt->ram_size;
    h->rtc_base = opt->rtc_fixed ? opt->rtc_base : (int64_t)time(NULL);
    for (unsigned k = 0; k < IDE_DRIVES; k++)
        if (describe_drive(&opt->ide[k], &h->drive[k]) < 0)
            return -1;
    for (unsigned k = 0; k < FLOPPY_DRIVES; k++)
        if (describe_drive(&opt->floppy[k], &h->drive[IDE_DRIVES + k]) < 0)
            return -1;
    return 0;
}

static const char *drive_name(unsigned k)
{
    static const char *const names[REPLAY_DRIVES] = { "hda", "hdb", "hdc", "hdd", "fda", "fdb" };
    return names[k];
}

/* A replay needs the machine of its recording. */
static bool same_machine(const struct replay_header *rec, const struct replay_header *now,
                         const char *path)
{
    if (rec->ram_size != now->ram_size) {
        fprintf(stderr, "ember: %s was recorded with -m %uM, not %uM\n", path,
                rec->ram_size >> 20, now->ram_size >> 20);
        return false;
    }
    for (unsigned k = 0; k < REPLAY_DRIVES; k++) {
        const struct replay_drive *a = &rec->drive[k], *b = &now->drive[k];
        if (a->present != b->present || a->size != b->size || a->crc != b->crc) {
            fprintf(stderr, "ember: %s was recorded with another %s (%s): replay with the "
                            "images of the recording (record with -snapshot to keep them "
                            "unchanged)\n", path, drive_name(k),
                    a->present ? "an image that is different or changed since" : "none");
            return false;
        }
    }
    return true;
}

/* Opens the recording or the replay and sets cfg up for it. */
static struct replay *open_replay(const struct options *opt, struct machine_config *cfg)
{
    struct replay_header now;
    if (opt->rr == RR_OPTION_NONE || describe_machine(opt, &now) < 0)
        return NULL;
    struct replay *r;
    if (opt->rr == RR_OPTION_RECORD) {
        r = replay_record(opt->rr_file, &now, stderr);
        bool drives = false;
        for (unsigned k = 0; k < REPLAY_DRIVES; k++)
            drives |= now.drive[k].present;
        if (r && drives && !opt->snapshot)
            fprintf(stderr, "ember: recording without -snapshot: the guest's writes change the "
                            "disk images, and a replay needs them as they were\n");
    } else {
        r = replay_open(opt->rr_file, stderr);
        if (r && !same_machine(&r->header, &now, opt->rr_file)) {
            replay_close(r);
            r = NULL;
        }
        cfg->snapshot = true;   /* a replay never writes the images */
    }
    if (!r)
        return NULL;
    cfg->replay = r;
    cfg->rtc_fixed = true;
    cfg->rtc_base = r->header.rtc_base;
    return r;
}

static int status_of(struct machine *m, enum machine_status st)
{
    switch (st) {
    case MACHINE_REPLAY_END:
        fprintf(stderr, "ember: the replay reached the end of the recording (instruction "
                        "%llu)\n", (unsigned long long)m->cpu->icount);
        return 0;
    case MACHINE_REPLAY_DIVERGED:
        return 7;
    case MACHINE_EXIT:
        return m->exit_code;
    case MACHINE_HALTED:
        fprintf(stderr, "ember: the guest halted with no interrupt that can wake it "
                        "(EIP %04x:%08x)\n", m->cpu->seg[CS].sel, m->cpu->eip);
        return 4;
    case MACHINE_INSN_LIMIT:
        fprintf(stderr, "ember: stopped after %llu instructions (-max-insns) at %04x:%08x\n",
                (unsigned long long)m->cpu->icount, m->cpu->seg[CS].sel, m->cpu->eip);
        return 6;
    case MACHINE_POWEROFF:
        return 0;               /* a clean ACPI power-off */
    case MACHINE_RESET_EXIT:
        if (m->cpu->triple_fault)
            fprintf(stderr, "ember: triple fault (an exception while delivering #DF) at "
                            "%04x:%08x; %s ends the run\n", m->cpu->seg[CS].sel, m->cpu->eip,
                    m->cfg.bios ? "-no-reboot" : "without a BIOS, a reset");
        return 0;
    default:
        return 0;
    }
}

/* What a rebuild needs to make the machine as it was at the start. */
struct session {
    const struct options *opt;
    struct machine *m;
    struct keyinject *keys;
};

static void start_keys(struct session *s)
{
    if (s->keys)
        keyinject_start(s->keys, &s->m->clock, s->m->pc.kbc ? i8042_keyboard(s->m->pc.kbc) : NULL);
}

/* A replay goes back: the machine starts over (debugctl.h). */
static int rebuild(void *opaque)
{
    struct session *s = opaque;
    s->m->cfg.serial_append = true;     /* the output so far stays */
    if (machine_rebuild(s->m) < 0)
        return -1;
    if (s->opt->kernel_path && load_kernel(s->opt, s->m) < 0)
        return -1;
    keyinject_destroy(s->keys);
    s->keys = NULL;
    if (s->opt->keys && !(s->keys = keyinject_create(s->opt->keys, stderr)))
        return -1;
    start_keys(s);
    return 0;
}

/* Runs the machine with the window and the debugger; the exit status. */
static int run(struct session *s)
{
    struct machine *m = s->m;
    int status = 2;
    struct display *disp = display_create(m, wants_window(s->opt), s->opt->name);
    struct debugctl_config dc = debug_config(s->opt);
    struct debugctl *ctl = disp ? debugctl_create(m, &dc) : NULL;
    if (ctl) {
        struct frontend fe = { disp, ctl };
        m->cfg.frontend_poll = poll_frontend;
        m->cfg.frontend_opaque = &fe;
        debugctl_set_idle(ctl, poll_display, disp);
        if (m->cfg.replay && m->cfg.replay->mode == REPLAY_PLAY) {
            /* A checkpoint holds the machine, not the -keys typist's place
             * nor a writable disk's overlay: without them, start over. */
            bool whole = !s->keys && checkpoint_possible(m);
            debugctl_set_rebuild(ctl, rebuild, s, whole ? s->opt->rr_checkpoint : 0);
        }
        display_set_monitor_key(disp, open_monitor, ctl);
        debugctl_start(ctl);    /* -S: waits for gdb or the monitor */
        do {
            status = status_of(m, machine_run(m));
            /* A reverse from a stop at the end starts the machine again. */
        } while (debugctl_finish(ctl, m->status, m->exit_code));
        if (s->opt->screendump_path)
            display_screendump(m, s->opt->screendump_path);
        debugctl_destroy(ctl);
    }
    display_destroy(disp);
    return status;
}

int main(int argc, char **argv)
{
    struct options opt;
    int rc = options_parse(&opt, argc, argv, stderr);
    if (rc != OPTIONS_OK) {
        options_free(&opt);
        return rc == OPTIONS_HELP ? 0 : 2;
    }

    struct session s = { .opt = &opt };
    if (opt.keys && !(s.keys = keyinject_create(opt.keys, stderr))) {
        options_free(&opt);
        return 2;
    }

    size_t bios_size = 0, vga_size = 0;
    uint8_t *bios = opt.bios_none ? NULL : load_bios(&opt, &bios_size);  /* -bios none: none */
    uint8_t *vga = NULL;
    if (bios && wants_vga_rom(&opt)) {
        vga = load_vga_rom(&opt, &vga_size);
        if (!vga) {
            free(bios);
            bios = NULL;
        }
    }
    struct machine_config cfg = {
        .ram_size = opt.ram_size,
        .bios = bios,
        .bios_size = bios_size,
        .vga_rom = vga,
        .vga_rom_size = vga_size,
        .snapshot = opt.snapshot,
        .serial = opt.serial,
        .serial_path = opt.serial_path,
        .name = opt.name,
        .no_reboot = opt.no_reboot || opt.bios_none,  /* no firmware to reset into */
        .max_insns = opt.max_insns,
        .trace = opt.trace,
        .rtc_fixed = opt.rtc_fixed,
        .rtc_base = opt.rtc_base,
        .debug_out = stdout,
    };
    memcpy(cfg.ide, opt.ide, sizeof cfg.ide);
    memcpy(cfg.floppy, opt.floppy, sizeof cfg.floppy);
    memcpy(cfg.boot_order, opt.boot_order, sizeof cfg.boot_order);

    struct pacer pacer = { 0 };
    if (opt.sleep) {
        cfg.idle_wait = pacer_idle;
        cfg.idle_opaque = &pacer;
    }
    int status = 2;
    struct replay *r = NULL;
    bool ready = bios || opt.bios_none;
    if (ready && opt.rr != RR_OPTION_NONE)
        ready = (r = open_replay(&opt, &cfg)) != NULL;
    /* The ROM images stay until the end: a replay's rebuild maps them again. */
    s.m = ready ? machine_create(&cfg) : NULL;
    if (s.m && opt.kernel_path && load_kernel(&opt, s.m) < 0) {
        machine_destroy(s.m);
        s.m = NULL;
    }
    if (s.m) {
        start_keys(&s);
        status = run(&s);
    }
    keyinject_destroy(s.keys);
    machine_destroy(s.m);       /* a recording's end event is written */
    replay_close(r);
    free(bios);
    free(vga);
    options_free(&opt);
    return status;
}
