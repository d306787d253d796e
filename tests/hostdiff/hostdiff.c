/* hostdiff: the differential test of the CPU against the host.
 *
 * Random user-mode integer instructions, generated from the emulator's
 * opcode table (gen.c), run natively in a 32-bit helper process
 * (native.c, built with -m32) and in the emulator at CPL 3 in 32-bit
 * protected mode (emu.c), from the same registers, flags and memory.
 * Registers, EFLAGS, segment selectors, memory, where execution went and
 * any exception (vector, error code, faulting EIP) must agree, except the
 * results the Intel SDM leaves undefined for that instruction and those
 * inputs (undefined.c).
 *
 * Usage: hostdiff [--count N] [--seed S] [--first N] [--only MNEMONIC|ROW]
 *                 [--show N] [--helper PATH] [-v] [--all]
 * -v prints every mismatch and the whole per-instruction table; --all
 * prints every case as well.
 * Exit status: 0 all passed, 1 a mismatch (or a harness error), 77 the
 * test cannot run here (not an x86 host, no 32-bit helper, the helper's
 * fixed mappings refused). */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "gen.h"
#include "report.h"

#define SKIP 77
#define DEFAULT_COUNT 200000ull
#define DEFAULT_SEED 0x486F737444696666ull  /* "HostDiff" */
#define DEFAULT_SHOW 20u
#define BATCH 256u

_Static_assert(BATCH <= HD_MAX_BATCH, "a batch fits the helper's buffer");

struct options {
    uint64_t count, seed, first;
    const char *only;
    const char *helper;
    unsigned show;
    bool verbose;
    bool all;           /* print every case, passed or not */
};

struct helper {
    pid_t pid;
    int to, from;
};

struct row_tally {
    uint64_t cases, failed, unverified;
};

struct run {
    struct options opt;
    struct helper h;
    struct gen *gen;
    struct emu *emu;
    struct report *rp;
    struct row_tally *tally;    /* per row and operand size: [2 * row + o16] */
    uint64_t passed, failed, unverified, shown;
    struct gen_case *cases;
    struct hd_case *wire;
    struct hd_result *native, *emulated;
};

/* ------------------------------------------------------------------ */
/* Options.                                                             */

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || !*s || *end)
        return false;
    *out = v;
    return true;
}

static int usage(const char *bad)
{
    fprintf(stderr, "hostdiff: bad argument '%s'\n"
            "usage: hostdiff [--count N] [--seed S] [--first N] [--only MNEMONIC|ROW]\n"
            "                [--show N] [--helper PATH] [-v] [--all]\n", bad);
    return 2;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){ DEFAULT_COUNT, DEFAULT_SEED, 0, NULL, NULL, DEFAULT_SHOW, false, false };
#ifdef HOSTDIFF_HELPER
    o->helper = HOSTDIFF_HELPER;
#endif
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
        uint64_t n;
        if (!strcmp(a, "-v") || !strcmp(a, "--all")) {
            o->verbose = true;
            o->all = a[1] == '-';
            continue;
        }
        if (!v)
            return usage(a);
        k++;
        if (!strcmp(a, "--count") && parse_u64(v, &n))
            o->count = n;
        else if (!strcmp(a, "--seed") && parse_u64(v, &n))
            o->seed = n;
        else if (!strcmp(a, "--first") && parse_u64(v, &n))
            o->first = n;
        else if (!strcmp(a, "--show") && parse_u64(v, &n))
            o->show = (unsigned)n;
        else if (!strcmp(a, "--only"))
            o->only = v;
        else if (!strcmp(a, "--helper"))
            o->helper = v;
        else
            return usage(a);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The native helper process.                                           */

static bool read_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool spawn_helper(const char *path, struct helper *h)
{
    int to[2], from[2];
    if (pipe(to) || pipe(from))
        return false;
    h->pid = fork();
    if (h->pid < 0)
        return false;
    if (h->pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        execl(path, path, (char *)NULL);
        fprintf(stderr, "hostdiff: cannot run the native helper %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    h->to = to[1];
    h->from = from[0];
    return true;
}

static void stop_helper(struct helper *h)
{
    uint32_t zero = 0;
    if (h->pid <= 0)
        return;
    write_all(h->to, &zero, sizeof zero);
    close(h->to);
    close(h->from);
    waitpid(h->pid, NULL, 0);
    h->pid = 0;
}

static void helper_died(struct helper *h)
{
    int status = 0;
    close(h->to);
    close(h->from);
    waitpid(h->pid, &status, 0);
    h->pid = 0;
    if (WIFSIGNALED(status))
        fprintf(stderr, "hostdiff: the native helper died of signal %d\n", WTERMSIG(status));
    else
        fprintf(stderr, "hostdiff: the native helper stopped (status %d)\n", WEXITSTATUS(status));
}

/* ------------------------------------------------------------------ */
/* Running.                                                             */

static void record(struct run *rn, uint64_t index, const struct gen_case *gc,
                   const struct hd_result *nat, const struct hd_result *emu)
{
    struct outcome o = compare_results(gc, nat, emu);
    struct row_tally *t = &rn->tally[2 * gc->row + (gc->o16 ? 1 : 0)];
    t->cases++;
    if (o.diffs) {
        t->failed++;
        rn->failed++;
    } else if (o.unverified) {
        t->unverified++;
        rn->unverified++;
    } else {
        rn->passed++;
    }
    bool show = rn->opt.all || (o.diffs && (rn->opt.verbose || rn->shown < rn->opt.show));
    if (show) {
        rn->shown++;
        report_case(rn->rp, stdout, gen_row(rn->gen, gc->row), index, gc, nat, emu, o);
        printf("  reproduce: hostdiff --seed %#" PRIx64 " --first %" PRIu64 " --count 1%s%s\n\n",
               rn->opt.seed, index, rn->opt.only ? " --only " : "",
               rn->opt.only ? rn->opt.only : "");
    }
}

static bool run_batch(struct run *rn, uint64_t start, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++) {
        gen_case(rn->gen, rn->opt.seed, start + k, &rn->cases[k]);
        rn->wire[k] = rn->cases[k].c;
    }
    if (!write_all(rn->h.to, &n, sizeof n) || !write_all(rn->h.to, rn->wire, n * sizeof *rn->wire))
        return false;
    for (uint32_t k = 0; k < n; k++)     /* while the helper runs its copy */
        emu_run(rn->emu, &rn->cases[k].c, &rn->emulated[k]);
    if (!read_all(rn->h.from, rn->native, n * sizeof *rn->native))
        return false;
    for (uint32_t k = 0; k < n; k++)
        record(rn, start + k, &rn->cases[k], &rn->native[k], &rn->emulated[k]);
    return true;
}

static bool run_all(struct run *rn)
{
    uint64_t done = 0, next_note = 1000000;
    while (done < rn->opt.count) {
        uint64_t left = rn->opt.count - done;
        uint32_t n = left < BATCH ? (uint32_t)left : BATCH;
        if (!run_batch(rn, rn->opt.first + done, n)) {
            helper_died(&rn->h);
            fprintf(stderr, "hostdiff: during cases %" PRIu64 "..%" PRIu64 "\n",
                    rn->opt.first + done, rn->opt.first + done + n - 1);
            return false;
        }
        done += n;
        if (done >= next_note) {
            fprintf(stderr, "hostdiff: %" PRIu64 " cases, %" PRIu64 " failed\n", done, rn->failed);
            next_note += 1000000;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* The summary.                                                         */

static void print_table(const struct run *rn)
{
    unsigned rows = gen_row_count(rn->gen);
    bool header = false;
    for (unsigned k = 0; k < 2 * rows; k++) {
        const struct row_tally *t = &rn->tally[k];
        if (!t->cases || (!t->failed && !t->unverified && !rn->opt.verbose))
            continue;
        if (!header) {
            printf("%-34s %10s %10s %10s\n", "instruction", "cases", "failed", "unverified");
            header = true;
        }
        char label[64];
        report_label(gen_row(rn->gen, k / 2), k & 1, label, sizeof label);
        printf("%-34s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 "\n", label, t->cases, t->failed,
               t->unverified);
    }
}

static void print_summary(const struct run *rn, double seconds)
{
    print_table(rn);
    printf("hostdiff: seed %#" PRIx64 ", cases %" PRIu64 "..%" PRIu64 ", %.1f s\n", rn->opt.seed,
           rn->opt.first, rn->opt.first + rn->opt.count - 1, seconds);
    if (rn->unverified)
        printf("%" PRIu64 " cases unverified: the host raised an exception the emulator could not "
               "deliver (its vector is unknown; the state was compared)\n", rn->unverified);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", rn->passed, rn->failed);
}

/* ------------------------------------------------------------------ */
/* Setup.                                                               */

static int skip(const char *why, const char *detail)
{
    printf("hostdiff: SKIP: %s%s%s\n", why, detail ? ": " : "", detail ? detail : "");
    return SKIP;
}

static int start(struct run *rn)
{
    if (!rn->opt.helper || access(rn->opt.helper, X_OK) != 0)
        return skip("the 32-bit native helper (hostdiff_native) was not built or is missing",
                    rn->opt.helper);
    signal(SIGPIPE, SIG_IGN);
    if (!spawn_helper(rn->opt.helper, &rn->h))
        return skip("cannot start the native helper", strerror(errno));
    struct hd_hello hello;
    if (!read_all(rn->h.from, &hello, sizeof hello) || hello.magic != HD_MAGIC) {
        helper_died(&rn->h);
        return skip("the native helper did not start", NULL);
    }
    if (hello.status) {
        hello.msg[sizeof hello.msg - 1] = 0;
        stop_helper(&rn->h);
        return skip("the native helper cannot set up its test area", hello.msg);
    }
    char err[200];
    rn->gen = gen_create(rn->opt.only, &hello, err, sizeof err);
    rn->emu = rn->gen ? emu_create(&hello, err, sizeof err) : NULL;
    rn->rp = report_create();
    rn->tally = rn->gen ? calloc(2 * gen_row_count(rn->gen), sizeof *rn->tally) : NULL;
    rn->cases = malloc(BATCH * sizeof *rn->cases);
    rn->wire = malloc(BATCH * sizeof *rn->wire);
    rn->native = malloc(BATCH * sizeof *rn->native);
    rn->emulated = malloc(BATCH * sizeof *rn->emulated);
    if (!rn->gen || !rn->emu || !rn->rp || !rn->tally || !rn->cases || !rn->wire ||
        !rn->native || !rn->emulated) {
        fprintf(stderr, "hostdiff: %s\n", rn->gen && rn->emu ? "out of memory" : err);
        stop_helper(&rn->h);
        return 1;
    }
    return 0;
}

static void finish(struct run *rn)
{
    stop_helper(&rn->h);
    gen_destroy(rn->gen);
    emu_destroy(rn->emu);
    report_destroy(rn->rp);
    free(rn->tally);
    free(rn->cases);
    free(rn->wire);
    free(rn->native);
    free(rn->emulated);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
#if !defined(__x86_64__) && !defined(__i386__)
    (void)argc;
    (void)argv;
    return skip("the host CPU is not x86: there is nothing to compare against", NULL);
#else
    struct run rn;
    memset(&rn, 0, sizeof rn);
    int rc = parse_options(argc, argv, &rn.opt);
    if (rc)
        return rc;
    rc = start(&rn);
    if (rc) {
        finish(&rn);
        return rc;
    }
    double t0 = now();
    bool ok = run_all(&rn);
    print_summary(&rn, now() - t0);
    finish(&rn);
    return ok && rn.failed == 0 ? 0 : 1;
#endif
}
