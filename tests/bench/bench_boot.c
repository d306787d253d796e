/* `make bench`, the boot part: how fast SeaBIOS boots in ember, and the
 * same measured for QEMU when qemu-system-i386 is installed.
 *
 * The guest is tests/boot/exit.asm on a 1.44 MB floppy: its first
 * instruction reads the TSC, which it prints ("tsc 0x...") before it ends
 * the run through port 0xF4. Figures:
 *   - in process (the machine API, no process start-up): instructions
 *     SeaBIOS ran, CPU time, MIPS, and the time from power-on to the boot
 *     sector, virtual (the TSC it read; ember's TSC is virtual ns) and
 *     host (wall);
 *   - whole processes, as a user runs them: `ember -fda ...` and
 *     `qemu-system-i386 -fda ...` (wall and CPU time, medians of RUNS);
 *   - QEMU's virtual time to the boot sector with -icount shift=0 (one
 *     instruction = 1 ns, as in ember), from the TSC the guest printed.
 * A benchmark, never a test: it asserts nothing about speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "bios.h"
#include "machine.h"
#include "options.h"

#define RUNS 5

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time (user + system) of this process, or of its finished children:
 * unlike wall time, it does not grow while other work has the host's
 * cores. */
static double cpu_seconds(int who)
{
    struct rusage ru;
    getrusage(who, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The guest's "tsc 0x..." line in text: the TSC, or 0 if absent. */
static unsigned long long tsc_of(const char *text)
{
    const char *p = strstr(text, "tsc 0x");
    return p ? strtoull(p + 6, NULL, 16) : 0;
}

struct in_process {
    unsigned long long insns;
    unsigned long long tsc;     /* virtual ns at the boot sector */
    double host;                /* wall seconds */
    double cpu;                 /* CPU seconds */
};

/* One boot in this process. Returns 0, or -1 after printing why. */
static int boot_in_process(const char *floppy, struct in_process *r)
{
    size_t bios_size, vga_size;
    uint8_t *bios = bios_load(DEFAULT_BIOS, &bios_size, stderr);
    uint8_t *vga = rom_load(DEFAULT_VGA_ROM, 128 * 1024, &vga_size, stderr);
    char *console = NULL;
    size_t console_size = 0;
    FILE *debug = open_memstream(&console, &console_size);
    if (!bios || !vga || !debug) {
        free(bios);
        free(vga);
        if (debug)
            fclose(debug);
        free(console);
        return -1;
    }
    struct machine_config cfg = {
        .ram_size = 128u << 20,
        .bios = bios,
        .bios_size = bios_size,
        .vga_rom = vga,
        .vga_rom_size = vga_size,
        .snapshot = true,
        .serial = SERIAL_NONE,
        .boot_order = "a",
        .max_insns = 2000000000ull,
        .debug_out = debug,
    };
    cfg.floppy[0].path = floppy;
    cfg.floppy[0].media = MEDIA_FLOPPY;
    double t0 = now_seconds(), c0 = cpu_seconds(RUSAGE_SELF);
    struct machine *m = machine_create(&cfg);
    enum machine_status st = m ? machine_run(m) : MACHINE_RUNNING;
    r->host = now_seconds() - t0;
    r->cpu = cpu_seconds(RUSAGE_SELF) - c0;
    int rc = -1;
    if (m && st == MACHINE_EXIT) {
        fflush(debug);
        r->insns = m->cpu->icount;
        r->tsc = tsc_of(console ? console : "");
        rc = r->tsc ? 0 : -1;
    }
    if (rc < 0)
        fprintf(stderr, "bench_boot: the boot did not reach the boot sector (status %d)\n", st);
    machine_destroy(m);
    fclose(debug);
    free(console);
    free(bios);
    free(vga);
    return rc;
}

/* Run a shell command, its output into out (when not NULL); returns the
 * exit status (-1 if it could not run) and the wall time in *secs. */
static int run(const char *command, char *out, size_t out_size, double *secs)
{
    double t0 = now_seconds();
    FILE *p = popen(command, "r");
    if (!p)
        return -1;
    size_t n = 0;
    char buf[512];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
        if (out && n + 1 < out_size) {
            size_t take = got < out_size - 1 - n ? got : out_size - 1 - n;
            memcpy(out + n, buf, take);
            n += take;
        }
    }
    if (out)
        out[n] = 0;
    int status = pclose(p);
    *secs = now_seconds() - t0;
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The median wall and CPU times of RUNS runs of command, which must exit
 * with want_status; -1 when it does not. */
static int median_run(const char *command, int want_status, double *wall, double *cpu)
{
    double w[RUNS], c[RUNS];
    for (int k = 0; k < RUNS; k++) {
        double c0 = cpu_seconds(RUSAGE_CHILDREN);
        int st = run(command, NULL, 0, &w[k]);
        c[k] = cpu_seconds(RUSAGE_CHILDREN) - c0;
        if (st != want_status) {
            fprintf(stderr, "bench_boot: '%s' exited with %d, expected %d\n", command, st,
                    want_status);
            return -1;
        }
    }
    qsort(w, RUNS, sizeof w[0], compare_doubles);
    qsort(c, RUNS, sizeof c[0], compare_doubles);
    *wall = w[RUNS / 2];
    *cpu = c[RUNS / 2];
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: bench_boot EXIT_FLOPPY.img path/to/ember\n");
        return 2;
    }
    const char *floppy = argv[1], *ember = argv[2];

    /* In process: the best of RUNS boots (the first warms the caches). */
    struct in_process best = { 0, 0, 1e9, 1e9 };
    for (int k = 0; k < RUNS; k++) {
        struct in_process r;
        if (boot_in_process(floppy, &r) < 0)
            return 1;
        if (r.cpu < best.cpu)
            best = r;
    }
    printf("SeaBIOS boot in ember (in process): %llu instructions in %.1f ms CPU = %.1f MIPS\n",
           best.insns, best.cpu * 1e3, best.insns / best.cpu / 1e6);
    printf("  power-on to the boot sector: %.2f ms virtual (TSC), %.1f ms host (wall)\n",
           best.tsc / 1e6, best.host * 1e3);

    char command[4096];
    snprintf(command, sizeof command,
             "'%s' -fda '%s' -snapshot -display none -serial none >/dev/null 2>&1", ember, floppy);
    double ember_wall, ember_cpu;
    if (median_run(command, 1, &ember_wall, &ember_cpu) < 0)
        return 1;
    printf("  whole process (ember -fda ... -display none), median of %d: %.1f ms wall, "
           "%.1f ms CPU\n", RUNS, ember_wall * 1e3, ember_cpu * 1e3);

    double secs;
    if (run("qemu-system-i386 --version >/dev/null 2>&1", NULL, 0, &secs) != 0) {
        printf("QEMU: qemu-system-i386 is not installed, no comparison "
               "(Debian package qemu-system-x86)\n");
        return 0;
    }
    /* The same machine as far as QEMU allows: i440FX, std VGA, no NIC. */
    const char *qemu = "qemu-system-i386 -display none -serial none -monitor none -net none "
                       "-no-reboot -snapshot -device isa-debug-exit,iobase=0xf4,iosize=0x04";
    snprintf(command, sizeof command,
             "%s -drive file='%s',format=raw,if=floppy -debugcon stdio >/dev/null 2>&1", qemu,
             floppy);
    double qemu_wall, qemu_cpu;
    if (median_run(command, 1, &qemu_wall, &qemu_cpu) < 0)
        return 1;
    char out[256];
    snprintf(command, sizeof command,
             "%s -icount shift=0,sleep=off -drive file='%s',format=raw,if=floppy "
             "-debugcon stdio 2>/dev/null", qemu, floppy);
    int st = run(command, out, sizeof out, &secs);
    unsigned long long qemu_tsc = st == 1 ? tsc_of(out) : 0;
    printf("SeaBIOS boot in QEMU (qemu-system-i386, TCG):\n");
    printf("  whole process (qemu-system-i386 -fda ... -display none), median of %d: %.1f ms "
           "wall, %.1f ms CPU\n", RUNS, qemu_wall * 1e3, qemu_cpu * 1e3);
    if (qemu_tsc)
        printf("  power-on to the boot sector with -icount shift=0 (1 insn = 1 ns): %.2f ms "
               "virtual (TSC)\n", qemu_tsc / 1e6);
    else
        printf("  -icount shift=0 run gave no TSC (status %d)\n", st);
    return 0;
}
