/* ember: command line, machine set-up and the run. Option names follow
 * QEMU's where they exist. Exit status: the guest's through port 0xF4
 * (always odd), else 0 for a clean stop, 2 for bad usage or files, 4 for a
 * guest halted for good, 6 when -max-insns ran out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios.h"
#include "debugctl.h"
#include "display.h"
#include "i8042_kbc.h"
#include "keyinject.h"
#include "linux_boot.h"
#include "machine.h"
#include "options.h"

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

static int status_of(struct machine *m, enum machine_status st)
{
    switch (st) {
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
    default:
        return 0;
    }
}

int main(int argc, char **argv)
{
    struct options opt;
    int rc = options_parse(&opt, argc, argv, stderr);
    if (rc != OPTIONS_OK) {
        options_free(&opt);
        return rc == OPTIONS_HELP ? 0 : 2;
    }

    struct keyinject *keys = NULL;
    if (opt.keys && !(keys = keyinject_create(opt.keys, stderr))) {
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
    if (!bios && !opt.bios_none) {
        keyinject_destroy(keys);
        options_free(&opt);
        return 2;
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

    struct machine *m = machine_create(&cfg);
    free(bios);
    free(vga);
    int status = 2;
    if (m && opt.kernel_path && load_kernel(&opt, m) < 0) {
        machine_destroy(m);
        m = NULL;
    }
    if (m && keys)
        keyinject_start(keys, &m->clock, m->pc.kbc ? i8042_keyboard(m->pc.kbc) : NULL);
    if (m) {
        struct display *disp = display_create(m, wants_window(&opt), opt.name);
        struct debugctl_config dc = debug_config(&opt);
        struct debugctl *ctl = disp ? debugctl_create(m, &dc) : NULL;
        if (ctl) {
            struct frontend fe = { disp, ctl };
            m->cfg.frontend_poll = poll_frontend;
            m->cfg.frontend_opaque = &fe;
            debugctl_set_idle(ctl, poll_display, disp);
            display_set_monitor_key(disp, open_monitor, ctl);
            debugctl_start(ctl);    /* -S: waits for gdb or the monitor */
            status = status_of(m, machine_run(m));
            debugctl_finish(ctl, m->status, m->exit_code);
            if (opt.screendump_path)
                display_screendump(m, opt.screendump_path);
            debugctl_destroy(ctl);
        }
        display_destroy(disp);
        keyinject_destroy(keys);
        keys = NULL;
        machine_destroy(m);
    }
    keyinject_destroy(keys);
    options_free(&opt);
    return status;
}
