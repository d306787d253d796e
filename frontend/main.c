/* ember: command line, machine set-up and the run. Option names follow
 * QEMU's where they exist. Exit status: the guest's through port 0xF4
 * (always odd), else 0 for a clean stop, 2 for bad usage or files, 4 for a
 * guest halted for good, 6 when -max-insns ran out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bios.h"
#include "machine.h"
#include "options.h"

int main(int argc, char **argv)
{
    struct options opt;
    int rc = options_parse(&opt, argc, argv, stderr);
    if (rc != OPTIONS_OK)
        return rc == OPTIONS_HELP ? 0 : 2;

    size_t bios_size = 0;
    uint8_t *bios = bios_load(opt.bios_path, &bios_size, stderr);
    if (!bios)
        return 2;

    struct machine_config cfg = {
        .ram_size = opt.ram_size,
        .bios = bios,
        .bios_size = bios_size,
        .no_reboot = opt.no_reboot,
        .max_insns = opt.max_insns,
        .debug_out = stdout,
    };
    struct machine *m = machine_create(&cfg);
    free(bios);
    if (!m)
        return 2;

    int status;
    switch (machine_run(m)) {
    case MACHINE_EXIT:
        status = m->exit_code;
        break;
    case MACHINE_HALTED:
        fprintf(stderr, "ember: the guest halted with no interrupt that can wake it "
                        "(EIP %04x:%08x)\n", m->cpu->seg[CS].sel, m->cpu->eip);
        status = 4;
        break;
    case MACHINE_INSN_LIMIT:
        fprintf(stderr, "ember: stopped after %llu instructions (-max-insns)\n",
                (unsigned long long)m->cpu->icount);
        status = 6;
        break;
    default:
        status = 0;
        break;
    }
    machine_destroy(m);
    return status;
}
