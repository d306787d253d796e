/* Command-line options (QEMU's names where they exist). */
#ifndef EMBER_FRONTEND_OPTIONS_H
#define EMBER_FRONTEND_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct options {
    const char *bios_path;
    uint32_t ram_size;
    bool no_reboot;
    bool display_none;
    uint64_t max_insns;
};

enum { OPTIONS_OK, OPTIONS_HELP, OPTIONS_ERROR };

/* Parses argv; on error prints one line naming the problem to err. */
int options_parse(struct options *opt, int argc, char **argv, FILE *err);

#endif
