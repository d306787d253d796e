/* Command-line parsing; see options.h. Each option is a row of a table:
 * its name, whether it takes a value, and the function that applies it. */
#include "options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trace.h"

static const char usage[] =
    "usage: ember [options]\n"
    "Machine:\n"
    "  -m SIZE              guest RAM: 128, 64M, 1G (default 128M)\n"
    "  -bios FILE|none      BIOS or bare-metal ROM (default " DEFAULT_BIOS "); none:\n"
    "                       no firmware, -kernel boots directly (a reset ends the run)\n"
    "  -vga-rom FILE        VGA option ROM (default " DEFAULT_VGA_ROM ")\n"
    "  -no-reboot           exit instead of resetting the machine\n"
    "  -rtc base=utc|localtime|YYYY-MM-DDTHH:MM:SS   RTC start time\n"
    "Linux:\n"
    "  -kernel bzImage      boot this kernel: through the BIOS, like QEMU (an option ROM\n"
    "                       loads it from fw_cfg), or directly with -bios none\n"
    "  -initrd FILE         its initial ramdisk\n"
    "  -append CMDLINE      its command line\n"
    "Drives:\n"
    "  -hda/-hdb/-hdc/-hdd FILE   IDE disk image (primary/secondary, master/slave)\n"
    "  -cdrom FILE          ISO 9660 image on the secondary master\n"
    "  -fda/-fdb FILE       floppy image (1.44 MB, 2.88 MB, ...)\n"
    "  -drive file=F[,format=raw][,if=ide|floppy][,media=disk|cdrom][,index=N][,readonly=on]\n"
    "  -boot a|c|d|order=LIST   boot device order (default order=cad)\n"
    "  -snapshot            guest writes stay in memory; images are never written\n"
    "Input and output:\n"
    "  -display sdl|none    SDL2 window, or none (serial and debug console only)\n"
    "  -serial stdio|file:PATH|none   COM1 (default: stdio with -display none)\n"
    "  -name NAME           guest name, shown in the window title\n"
    "  -screendump FILE.png write a screenshot when the emulator exits\n"
    "  -d bios              SeaBIOS debug output (port 0x402) on stderr\n"
    "Debugging (docs/debugging.md):\n"
    "  -s                   short for -gdb tcp::1234\n"
    "  -gdb tcp::PORT       wait for gdb on 127.0.0.1:PORT (tcp:HOST:PORT: elsewhere)\n"
    "  -S                   start stopped: gdb's continue or the monitor's c starts it\n"
    "  -monitor stdio|none  the monitor on the terminal (-serial then defaults to none)\n"
    "  -d LIST              traces: in_asm,exec,cpu,int,mmu,io,pci,unimp (-d help)\n"
    "  -D FILE              the traces go to FILE (default: stderr)\n"
    "  -dfilter RANGES      exec and in_asm only in ADDR[+LEN|..LAST][,...]\n"
    "  -keys [at=MS,][every=MS,]TEXT   type TEXT on the PS/2 keyboard from virtual\n"
    "                       time AT ms (default 1000), one key each EVERY ms (default\n"
    "                       40); \\n Enter, \\t Tab, \\b Backspace, \\e Esc, \\\\ backslash\n"
    "  -icount [sleep=on,][rr=record|replay,rrfile=FILE]   sleep=on: an idle guest's time\n"
    "                       passes in real time (default: it jumps to the next timer);\n"
    "                       rr: record the run's input (keys, mouse, serial input, RTC\n"
    "                       time) to FILE, or replay it exactly (and backwards in the\n"
    "                       monitor and gdb, from checkpoints every rrcheckpoint=N\n"
    "                       instructions, default 100000000; 0: from the start)\n"
    "Testing:\n"
    "  -max-insns N         stop with status 6 after N instructions\n"
    "  -h, -help            this text\n";

struct option_row {
    const char *name;
    bool takes_value;
    int (*apply)(struct options *opt, const char *name, const char *val, FILE *err);
};

static int bad(FILE *err, const char *name, const char *val, const char *expected)
{
    fprintf(err, "ember: %s %s: expected %s\n", name, val ? val : "", expected);
    return -1;
}

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
    if (*end || v == 0 || v * mul > 0xE0000000ull || v * mul < (1ull << 20))
        return -1;
    *out = (uint32_t)(v * mul);
    return 0;
}

static int opt_m(struct options *opt, const char *name, const char *val, FILE *err)
{
    if (parse_size(val, &opt->ram_size) < 0)
        return bad(err, name, val, "a size from 1M to 3584M, like 128, 64M or 1G");
    return 0;
}

static int opt_bios(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->bios_none = !strcmp(val, "none");
    opt->bios_path = opt->bios_none ? NULL : val;
    opt->bios_given = !opt->bios_none;
    return 0;
}

static int opt_vga_rom(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->vga_rom_path = val;
    return 0;
}

static int opt_hd(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)err;
    struct drive_config *d = &opt->ide[name[3] - 'a'];
    d->path = val;
    d->media = MEDIA_DISK;
    return 0;
}

static int opt_cdrom(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->ide[2].path = val;
    opt->ide[2].media = MEDIA_CDROM;
    opt->ide[2].readonly = true;
    return 0;
}

static int opt_fd(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)err;
    struct drive_config *d = &opt->floppy[name[3] - 'a'];
    d->path = val;
    d->media = MEDIA_FLOPPY;
    return 0;
}

/* -drive file=F,format=raw,if=ide,media=cdrom,index=N,readonly=on. The
 * description is copied and cut in place; the copy lives as long as opt. */
static int opt_drive(struct options *opt, const char *name, const char *val, FILE *err)
{
    if (opt->nowned >= MAX_DRIVE_OPTIONS)
        return bad(err, name, val, "at most 8 -drive options");
    char *buf = strdup(val);
    if (!buf)
        return -1;
    opt->owned[opt->nowned++] = buf;
    const char *file = NULL, *iface = "ide", *media = "disk";
    int index = -1;
    bool readonly = false;
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            return bad(err, name, val, "key=value pairs (file, format, if, media, index, readonly)");
        *eq = 0;
        const char *k = kv, *v = eq + 1;
        if (!strcmp(k, "file"))
            file = v;
        else if (!strcmp(k, "format")) {
            if (strcmp(v, "raw"))
                return bad(err, name, v, "format=raw (the only image format so far)");
        } else if (!strcmp(k, "if"))
            iface = v;
        else if (!strcmp(k, "media"))
            media = v;
        else if (!strcmp(k, "index"))
            index = atoi(v);
        else if (!strcmp(k, "readonly"))
            readonly = !strcmp(v, "on");
        else {
            fprintf(err, "ember: -drive: unknown key '%s'\n", k);
            return -1;
        }
    }
    bool floppy = !strcmp(iface, "floppy"), cdrom = !strcmp(media, "cdrom");
    if (!file || !*file)
        return bad(err, name, val, "a file= key");
    if ((!floppy && strcmp(iface, "ide")) || (!cdrom && strcmp(media, "disk")) || (floppy && cdrom))
        return bad(err, name, val, "if=ide or if=floppy, media=disk or media=cdrom");
    struct drive_config *slots = floppy ? opt->floppy : opt->ide;
    int count = floppy ? FLOPPY_DRIVES : IDE_DRIVES;
    if (index < 0) {
        index = 0;
        if (cdrom && !slots[2].path)
            index = 2;      /* QEMU's default place for a CD: secondary master */
        while (index < count && slots[index].path)
            index++;
    }
    if (index >= count)
        return bad(err, name, val, floppy ? "index 0 or 1" : "index 0 to 3, or a free IDE slot");
    slots[index].path = file;
    slots[index].media = floppy ? MEDIA_FLOPPY : cdrom ? MEDIA_CDROM : MEDIA_DISK;
    slots[index].readonly = readonly || cdrom;
    return 0;
}

static int opt_boot(struct options *opt, const char *name, const char *val, FILE *err)
{
    const char *list = !strncmp(val, "order=", 6) ? val + 6 : val;
    size_t n = strlen(list);
    if (n == 0 || n >= sizeof opt->boot_order || strspn(list, "acd") != n)
        return bad(err, name, val, "a, c, d or order= with those letters (floppy, disk, CD)");
    strcpy(opt->boot_order, list);
    return 0;
}

static int opt_snapshot(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)val; (void)err;
    opt->snapshot = true;
    return 0;
}

static int opt_serial(struct options *opt, const char *name, const char *val, FILE *err)
{
    if (!strcmp(val, "stdio"))
        opt->serial = SERIAL_STDIO;
    else if (!strcmp(val, "none"))
        opt->serial = SERIAL_NONE;
    else if (!strncmp(val, "file:", 5) && val[5])
        opt->serial = SERIAL_FILE, opt->serial_path = val + 5;
    else
        return bad(err, name, val, "stdio, file:PATH or none");
    opt->serial_given = true;
    return 0;
}

static int opt_display(struct options *opt, const char *name, const char *val, FILE *err)
{
    if (!strcmp(val, "none"))
        opt->display = DISPLAY_NONE;
    else if (!strcmp(val, "sdl"))
        opt->display = DISPLAY_SDL;
    else
        return bad(err, name, val, "sdl or none");
    return 0;
}

static int opt_name(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->name = val;
    return 0;
}

static int opt_no_reboot(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)val; (void)err;
    opt->no_reboot = true;
    return 0;
}

static int opt_max_insns(struct options *opt, const char *name, const char *val, FILE *err)
{
    char *end;
    errno = 0;
    opt->max_insns = strtoull(val, &end, 0);
    if (errno || *end || !opt->max_insns)
        return bad(err, name, val, "a positive number");
    return 0;
}

/* -d LIST; "help" lists the categories (returns 1: the run stops there). */
static int opt_trace(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name;
    unsigned cats;
    bool bios;
    int rc = trace_parse_categories(val, &cats, &bios, err);
    if (rc != 0)
        return rc;
    opt->debug_trace |= cats;
    if (bios)
        opt->trace |= TRACE_BIOS;
    return 0;
}

static int opt_trace_file(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->trace_file = val;
    return 0;
}

static int opt_dfilter(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name;
    return trace_parse_filter(val, opt->dfilter, DBG_MAX_FILTERS, &opt->ndfilter, err);
}

static int opt_gdb(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)err;
    opt->gdb = !strcmp(name, "-s") ? "tcp::1234" : val;
    return 0;
}

static int opt_start_stopped(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)val; (void)err;
    opt->start_stopped = true;
    return 0;
}

static int opt_monitor(struct options *opt, const char *name, const char *val, FILE *err)
{
    if (!strcmp(val, "stdio"))
        opt->monitor_stdio = true;
    else if (!strcmp(val, "none"))
        opt->monitor_stdio = false;
    else
        return bad(err, name, val, "stdio or none");
    return 0;
}

static int opt_screendump(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->screendump_path = val;
    return 0;
}

/* -rtc base=utc|localtime|2006-06-17T16:01:21 */
static int opt_rtc(struct options *opt, const char *name, const char *val, FILE *err)
{
    if (strncmp(val, "base=", 5) != 0)
        return bad(err, name, val, "base=utc, base=localtime or base=YYYY-MM-DDTHH:MM:SS");
    const char *base = val + 5;
    if (!strcmp(base, "utc") || !strcmp(base, "localtime")) {
        opt->rtc_fixed = false;
        return 0;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(base, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end)
        return bad(err, name, val, "base=YYYY-MM-DDTHH:MM:SS");
    opt->rtc_fixed = true;
    opt->rtc_base = (int64_t)timegm(&tm);
    return 0;
}

/* -icount [shift=0,][sleep=on|off,][rr=record|replay,rrfile=FILE]: QEMU's
 * spelling. The virtual clock is always QEMU's shift=0 (one instruction,
 * one ns); sleep=on paces a halted CPU to the host's clock (pacer.h). */
static int icount_item(struct options *opt, const char *item, size_t n, FILE *err)
{
    if (n == 7 && !strncmp(item, "shift=0", n))
        return 0;
    if (n == 8 && !strncmp(item, "sleep=on", n)) {
        opt->sleep = true;
        return 0;
    }
    if (n == 9 && !strncmp(item, "sleep=off", n)) {
        opt->sleep = false;
        return 0;
    }
    if (n == 9 && !strncmp(item, "rr=record", n)) {
        opt->rr = RR_OPTION_RECORD;
        return 0;
    }
    if (n == 9 && !strncmp(item, "rr=replay", n)) {
        opt->rr = RR_OPTION_REPLAY;
        return 0;
    }
    if (n > 13 && !strncmp(item, "rrcheckpoint=", 13)) {
        char *end;
        errno = 0;
        opt->rr_checkpoint = strtoull(item + 13, &end, 0);
        if (end != item + n || errno || item[13] == '-') {
            fprintf(err, "ember: -icount: rrcheckpoint=%.*s: expected a count of instructions\n",
                    (int)(n - 13), item + 13);
            return -1;
        }
        return 0;
    }
    if (n > 7 && !strncmp(item, "rrfile=", 7)) {
        opt->rr_file = strndup(item + 7, n - 7);
        if (!opt->rr_file || opt->nowned > MAX_DRIVE_OPTIONS) {
            fprintf(err, "ember: -icount: out of memory\n");
            free(opt->rr_file);
            return -1;
        }
        opt->owned[opt->nowned++] = opt->rr_file;
        return 0;
    }
    fprintf(err, "ember: -icount: '%.*s' is not understood (expected shift=0, sleep=on|off, "
                 "rr=record, rr=replay, rrfile=FILE, rrcheckpoint=N; the clock is always 1 "
                 "instruction per ns)\n",
            (int)n, item);
    return -1;
}

static int opt_icount(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name;
    for (const char *s = val; *s;) {
        size_t n = strcspn(s, ",");
        if (icount_item(opt, s, n, err) < 0)
            return -1;
        s += n + (s[n] == ',');
    }
    if (opt->rr != RR_OPTION_NONE && !opt->rr_file) {
        fprintf(err, "ember: -icount: rr=record or rr=replay goes with rrfile=FILE\n");
        return -1;
    }
    if (opt->rr == RR_OPTION_NONE && opt->rr_file) {
        fprintf(err, "ember: -icount: rrfile=FILE goes with rr=record or rr=replay\n");
        return -1;
    }
    return 0;
}

static int opt_keys(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)name; (void)err;
    opt->keys = val;        /* parsed by keyinject_create() in main */
    return 0;
}

static int opt_kernel(struct options *opt, const char *name, const char *val, FILE *err)
{
    (void)err;
    if (!strcmp(name, "-kernel"))
        opt->kernel_path = val;
    else if (!strcmp(name, "-initrd"))
        opt->initrd_path = val;
    else
        opt->append = val;
    return 0;
}

static const struct option_row rows[] = {
    { "-kernel", true, opt_kernel },
    { "-initrd", true, opt_kernel },
    { "-append", true, opt_kernel },
    { "-m", true, opt_m },
    { "-bios", true, opt_bios },
    { "-vga-rom", true, opt_vga_rom },
    { "-hda", true, opt_hd }, { "-hdb", true, opt_hd },
    { "-hdc", true, opt_hd }, { "-hdd", true, opt_hd },
    { "-cdrom", true, opt_cdrom },
    { "-fda", true, opt_fd }, { "-fdb", true, opt_fd },
    { "-drive", true, opt_drive },
    { "-boot", true, opt_boot },
    { "-snapshot", false, opt_snapshot },
    { "-serial", true, opt_serial },
    { "-display", true, opt_display },
    { "-name", true, opt_name },
    { "-no-reboot", false, opt_no_reboot },
    { "-max-insns", true, opt_max_insns },
    { "-d", true, opt_trace },
    { "-D", true, opt_trace_file },
    { "-dfilter", true, opt_dfilter },
    { "-s", false, opt_gdb },
    { "-gdb", true, opt_gdb },
    { "-S", false, opt_start_stopped },
    { "-monitor", true, opt_monitor },
    { "-screendump", true, opt_screendump },
    { "-rtc", true, opt_rtc },
    { "-keys", true, opt_keys },
    { "-icount", true, opt_icount },
};

static const struct option_row *find_row(const char *name)
{
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
        if (!strcmp(rows[k].name, name))
            return &rows[k];
    return NULL;
}

void options_free(struct options *opt)
{
    for (unsigned k = 0; k < opt->nowned; k++)
        free(opt->owned[k]);
    opt->nowned = 0;
}

int options_parse(struct options *opt, int argc, char **argv, FILE *err)
{
    memset(opt, 0, sizeof *opt);
    opt->ram_size = 128u << 20;
    opt->rr_checkpoint = DEFAULT_RR_CHECKPOINT;
    opt->serial = SERIAL_STDIO;
    strcpy(opt->boot_order, "cad");
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k];
        if (!strcmp(a, "-h") || !strcmp(a, "-help") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return OPTIONS_HELP;
        }
        /* QEMU accepts --option as well as -option. */
        const char *name = (a[0] == '-' && a[1] == '-') ? a + 1 : a;
        const struct option_row *row = find_row(name);
        if (!row) {
            fprintf(err, "ember: unknown option '%s' (try -h)\n", a);
            return OPTIONS_ERROR;
        }
        const char *val = NULL;
        if (row->takes_value) {
            if (k + 1 >= argc) {
                fprintf(err, "ember: option %s needs a value\n", a);
                return OPTIONS_ERROR;
            }
            val = argv[++k];
        }
        int applied = row->apply(opt, name, val, err);
        if (applied < 0)
            return OPTIONS_ERROR;
        if (applied > 0)
            return OPTIONS_HELP;    /* -d help */
    }
    if (opt->monitor_stdio && opt->serial == SERIAL_STDIO) {
        if (opt->serial_given) {
            fprintf(err, "ember: -monitor stdio and -serial stdio both want standard input: "
                         "give -serial none or -serial file:PATH\n");
            return OPTIONS_ERROR;
        }
        opt->serial = SERIAL_NONE;  /* the terminal is the monitor's */
    }
    if (opt->start_stopped && !opt->gdb && !opt->monitor_stdio) {
        fprintf(err, "ember: -S: nothing could start the stopped machine: add -s, "
                     "-gdb tcp::PORT or -monitor stdio\n");
        return OPTIONS_ERROR;
    }
    if ((opt->initrd_path || opt->append) && !opt->kernel_path) {
        fprintf(err, "ember: -initrd and -append need -kernel\n");
        return OPTIONS_ERROR;
    }
    if (opt->bios_none && !opt->kernel_path) {
        fprintf(err, "ember: -bios none needs -kernel (without firmware only a kernel can start)\n");
        return OPTIONS_ERROR;
    }
    return OPTIONS_OK;
}
