/* Command-line parsing; see options.h. */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: ember [options]\n"
    "  -bios FILE        BIOS or bare-metal ROM image (reset vector at its end)\n"
    "  -m SIZE           guest RAM in MiB, or with a suffix: 64M, 1G (default 128M)\n"
    "  -display none     no window (the only display so far)\n"
    "  -no-reboot        exit instead of resetting on a triple fault\n"
    "  -max-insns N      stop with status 6 after N instructions\n"
    "  -h, -help         this text\n";

static int parse_size(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    unsigned long long mul = 1ull << 20;
    if (*end == 'M' || *end == 'm')
        end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1ull << 30, end++;
    else if (*end == 'K' || *end == 'k')
        mul = 1ull << 10, end++;
    if (*end || v == 0 || v * mul > 0xE0000000ull)
        return -1;
    *out = (uint32_t)(v * mul);
    return 0;
}

int options_parse(struct options *opt, int argc, char **argv, FILE *err)
{
    memset(opt, 0, sizeof *opt);
    opt->ram_size = 128u << 20;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        const char *val = k + 1 < argc ? argv[k + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "-help") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return OPTIONS_HELP;
        } else if (!strcmp(a, "-no-reboot")) {
            opt->no_reboot = true;
        } else if (!strcmp(a, "-bios") || !strcmp(a, "-m") || !strcmp(a, "-display") ||
                   !strcmp(a, "-max-insns")) {
            if (!val) {
                fprintf(err, "ember: option %s needs a value\n", a);
                return OPTIONS_ERROR;
            }
            k++;
            if (!strcmp(a, "-bios")) {
                opt->bios_path = val;
            } else if (!strcmp(a, "-m")) {
                if (parse_size(val, &opt->ram_size) < 0) {
                    fprintf(err, "ember: -m %s: expected a size like 128, 64M or 1G (up to 3.5G)\n", val);
                    return OPTIONS_ERROR;
                }
            } else if (!strcmp(a, "-display")) {
                if (strcmp(val, "none") != 0) {
                    fprintf(err, "ember: -display %s: only 'none' is available in this build\n", val);
                    return OPTIONS_ERROR;
                }
                opt->display_none = true;
            } else {
                char *end;
                opt->max_insns = strtoull(val, &end, 0);
                if (*end || !opt->max_insns) {
                    fprintf(err, "ember: -max-insns %s: expected a positive number\n", val);
                    return OPTIONS_ERROR;
                }
            }
        } else {
            fprintf(err, "ember: unknown option '%s' (try -h)\n", a);
            return OPTIONS_ERROR;
        }
    }
    if (!opt->bios_path) {
        fprintf(err, "ember: no BIOS or boot image given (use -bios FILE)\n");
        return OPTIONS_ERROR;
    }
    return OPTIONS_OK;
}
