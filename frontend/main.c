/* ember: command line, machine set-up and the run. Option names follow
 * QEMU's where they exist. Exit status: the guest's through port 0xF4
 * (always odd), else 0 for a clean stop, 2 for bad usage or files, 4 for a
 * guest halted for good, 6 when -max-insns ran out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bios.h"
#include "display.h"
#include "linux_boot.h"
#include "machine.h"
#include "options.h"
#include "piix_ide.h"

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

/* -kernel: load the kernel (and initrd, command line) straight into the
 * machine and start it at the kernel's 32-bit entry, BIOS bypassed. */
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
        rc = linux_boot_load(&lb, m->mem, m->cpu, stderr);
    }
    if (rc == 0 && m->pc.ide)
        piix_ide_firmware_setup(m->pc.ide);     /* the IDE decode the bypassed BIOS sets */
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

    size_t bios_size = 0, vga_size = 0;
    uint8_t *bios = load_bios(&opt, &bios_size);
    uint8_t *vga = NULL;
    if (bios && wants_vga_rom(&opt)) {
        vga = load_vga_rom(&opt, &vga_size);
        if (!vga) {
            free(bios);
            bios = NULL;
        }
    }
    if (!bios) {
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
        .no_reboot = opt.no_reboot,
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
    if (m) {
        struct display *disp = display_create(m, wants_window(&opt), opt.name);
        if (disp) {
            m->cfg.frontend_poll = poll_display;
            m->cfg.frontend_opaque = disp;
            status = status_of(m, machine_run(m));
            if (opt.screendump_path)
                display_screendump(m, opt.screendump_path);
            display_destroy(disp);
        }
        machine_destroy(m);
    }
    options_free(&opt);
    return status;
}
