/* singlestep_runner: runs the hardware-captured SingleStepTests vectors
 * (80286 real mode, MOO; 8086, JSON and one MOO file) on ember's CPU.
 *
 *   singlestep_runner [-v] [--limit N] [--sample N] [--only 80286|8086]
 *                     [--file XX] DIR
 *
 * DIR is the singlestep folder (80286/v1_real_mode, 8086/v1, ...). The
 * exit status is 0 when no test failed, 1 otherwise, 2 on a usage error
 * and 77 (ctest's SKIP) when the test data is not there. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsontests.h"
#include "moo.h"
#include "refdec.h"
#include "report.h"
#include "rig.h"
#include "sdmflags.h"
#include "skip.h"

#define EXIT_SKIP 77
#define MAX_DETAIL 20

struct options {
    bool verbose;
    unsigned long limit;        /* tests per file, 0 = all */
    unsigned sample;            /* run one test in this many */
    const char *only;           /* "80286", "8086" or NULL */
    const char *file;           /* a file stem ("D2.4") or NULL */
    const char *dir;
};

/* A folder of test files and the metadata that applies to them. */
struct set_desc {
    const char *name;           /* "80286" or "8086" */
    const char *subdir;
    const char *suffix;         /* ".MOO.gz" or ".json.gz" */
    const char *meta_dir;       /* where metadata.json is */
    const char *revoke_dir;     /* where revocation_list.txt may be */
    bool i8086;
};

static const struct set_desc sets[] = {
    { "80286", "80286/v1_real_mode", ".MOO.gz", "80286/v1_real_mode", "80286", false },
    { "8086", "8086/v1", ".json.gz", "8086/v1", "8086", true },
    { "8086", "8086/v1_binary", ".MOO.gz", "8086/v1", "8086", true },
};

struct runner {
    struct options opt;
    struct rig rig;
    struct report rep;
    struct meta meta;
    struct revoke_list revoked;
    struct set_rules rules;
};

/* Either reader behind one interface. */
struct source {
    bool moo;
    struct moo_reader moo_r;
    struct json_tests json_r;
};

static int source_open(struct source *s, bool moo, const char *path, const char **err)
{
    s->moo = moo;
    int r = moo ? moo_open(&s->moo_r, path) : jtests_open(&s->json_r, path);
    *err = moo ? s->moo_r.err : s->json_r.err;
    return r;
}

static int source_next(struct source *s, struct ss_test *t)
{
    return s->moo ? moo_next(&s->moo_r, t) : jtests_next(&s->json_r, t);
}

static void source_close(struct source *s)
{
    if (s->moo)
        moo_close(&s->moo_r);
    else
        jtests_close(&s->json_r);
}

static void usage(void)
{
    fprintf(stderr, "usage: singlestep_runner [-v] [--limit N] [--sample N] "
                    "[--only 80286|8086] [--file XX] DIR\n");
}

static bool parse_count(const char *s, unsigned long *out)
{
    char *end;
    if (!s || !*s)
        return false;
    *out = strtoul(s, &end, 10);
    return *end == 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->sample = 1;
    for (int k = 1; k < argc; k++) {
        const char *a = argv[k], *next = k + 1 < argc ? argv[k + 1] : NULL;
        unsigned long n;
        if (strcmp(a, "-v") == 0) {
            o->verbose = true;
            continue;
        }
        if (a[0] != '-') {
            if (o->dir)
                return -1;
            o->dir = a;
            continue;
        }
        if (!next)
            return -1;
        k++;
        if (strcmp(a, "--limit") == 0 && parse_count(next, &n))
            o->limit = n;
        else if (strcmp(a, "--sample") == 0 && parse_count(next, &n) && n > 0 && n < 1000000)
            o->sample = (unsigned)n;
        else if (strcmp(a, "--only") == 0 && (!strcmp(next, "80286") || !strcmp(next, "8086")))
            o->only = next;
        else if (strcmp(a, "--file") == 0)
            o->file = next;
        else
            return -1;
    }
    return o->dir ? 0 : -1;
}

/* a/b into out; false when it does not fit. */
static bool join_path(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    return n >= 0 && (size_t)n < cap;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool set_wanted(const struct options *o, const struct set_desc *s)
{
    return !o->only || strcmp(o->only, s->name) == 0;
}

/* Whether any wanted set's folder exists under DIR. */
static bool data_present(const struct options *o)
{
    char path[4096];
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        if (set_wanted(o, &sets[k]) && join_path(path, sizeof path, o->dir, sets[k].subdir) &&
            is_dir(path))
            return true;
    }
    return false;
}

/* The rig's parameters for one test that is not skipped. */
static void params_for(const struct set_desc *s, const struct ss_test *t,
                       const struct ref_insn *d, uint16_t fmask, struct rig_params *p)
{
    memset(p, 0, sizeof *p);
    p->halt_mode = !s->i8086;
    p->a20 = !s->i8086;
    p->flags_mask = fmask;
    unsigned base = d->key & ~1u;
    p->rep_string = (d->rep || d->repne) &&
                    (base == 0xA4 || base == 0xA6 || base == 0xAA || base == 0xAC || base == 0xAE);
    uint32_t lo_addr, hi_addr;
    if (!s->i8086 && t->has_excp) {
        /* FLAGS sits above IP and CS in the frame that the (HLT-only)
         * handler leaves at SS:SP. EXCP's address is that of the word's
         * even bus cycle, one less than it for an odd SP. */
        uint32_t ss = (uint32_t)ss_final_reg(t, R_SS) << 4;
        lo_addr = ss + (uint16_t)(ss_final_reg(t, R_SP) + 4);
        hi_addr = ss + (uint16_t)(ss_final_reg(t, R_SP) + 5);
    } else if (s->i8086 && (d->key == 0x9C || d->key == 0xCC || d->key == 0xCD ||
                            (d->key == 0xCE && (t->init.reg[R_FLAGS] & 0x800)))) {
        /* The 8086 pushes FLAGS with bits 12-15 set; ember's 386 clear. */
        uint32_t ss = (uint32_t)t->init.reg[R_SS] << 4;
        lo_addr = (ss + (uint16_t)(t->init.reg[R_SP] - 2)) & 0xFFFFF;
        hi_addr = (ss + (uint16_t)(t->init.reg[R_SP] - 1)) & 0xFFFFF;
    } else {
        return;
    }
    p->byte_mask[0].addr = lo_addr;
    p->byte_mask[0].mask = (uint8_t)fmask;
    p->byte_mask[1].addr = hi_addr;
    p->byte_mask[1].mask = (uint8_t)((fmask >> 8) & 0x0F);
    p->nbyte_mask = 2;
}

static void run_test(struct runner *r, const struct set_desc *s, const char *stem,
                     const struct ss_test *t)
{
    struct ref_insn d;
    uint16_t fmask;
    ref_decode(t->bytes, t->nbytes, s->i8086, &d);
    enum skip_cat c = skip_classify(&r->rules, t, &d, &fmask);
    if (c != SKIP_NONE) {
        report_skip(&r->rep, c);
        return;
    }
    /* 286 C0/C1 are 186 forms; on the 8086 they are RET aliases. */
    uint16_t undef = s->i8086 && (d.key == 0xC0 || d.key == 0xC1) ? 0
                                                                  : sdm_undefined_flags(&d, t);
    report_sdm_mask(&r->rep, fmask, undef);
    fmask &= (uint16_t)~undef;
    struct rig_params p;
    struct rig_outcome o;
    params_for(s, t, &d, fmask, &p);
    rig_run(&r->rig, t, &p, &o);
    if (o.pass)
        report_pass(&r->rep);
    else
        report_failure(&r->rep, s->name, stem, t, &o);
}

static void run_file(struct runner *r, const struct set_desc *s, const char *path,
                     const char *stem)
{
    struct source src;
    struct ss_test t;
    const char *err;
    unsigned long pass0 = r->rep.passed, fail0 = r->rep.failed, skip0 = r->rep.skipped;
    if (source_open(&src, strstr(s->suffix, "MOO") != NULL, path, &err) < 0) {
        report_file_error(&r->rep, s->name, stem, err);
        source_close(&src);
        return;
    }
    unsigned long n = 0;
    int st = 0;
    while ((r->opt.limit == 0 || n < r->opt.limit) && (st = source_next(&src, &t)) == 1) {
        if (n++ % r->opt.sample)
            r->rep.unsampled++;
        else
            run_test(r, s, stem, &t);
    }
    if (st < 0)
        report_file_error(&r->rep, s->name, stem, err);
    source_close(&src);
    if (r->opt.verbose)
        printf("%-5s %-6s %6lu passed %6lu failed %6lu skipped\n", s->name, stem,
               r->rep.passed - pass0, r->rep.failed - fail0, r->rep.skipped - skip0);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* File names in dir ending in suffix, sorted; NULL-terminated list. */
static char **list_files(const char *dir, const char *suffix, size_t *n)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t cap = 0, slen = strlen(suffix);
    *n = 0;
    if (!d)
        return NULL;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= slen || strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        if (*n + 1 >= cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[*n] = strdup(e->d_name);
        if (names[*n])
            (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(names, *n, sizeof *names, cmp_name);
    return names;
}

static void run_files(struct runner *r, const struct set_desc *s, const char *dir)
{
    size_t n;
    char **names = list_files(dir, s->suffix, &n);
    for (size_t k = 0; k < n; k++) {
        char stem[64], path[4096];
        size_t len = strlen(names[k]) - strlen(s->suffix);
        if (len < sizeof stem && join_path(path, sizeof path, dir, names[k])) {
            memcpy(stem, names[k], len);
            stem[len] = 0;
            if (!r->opt.file || strcmp(r->opt.file, stem) == 0)
                run_file(r, s, path, stem);
        }
        free(names[k]);
    }
    free(names);
}

/* Loads metadata.json and the revocation list for a set. */
static int load_rules(struct runner *r, const struct set_desc *s)
{
    char dir[4096], path[4096], err[256];
    if (!join_path(dir, sizeof dir, r->opt.dir, s->meta_dir) ||
        !join_path(path, sizeof path, dir, "metadata.json")) {
        report_file_error(&r->rep, s->name, "metadata.json", "path too long");
        return -1;
    }
    if (meta_load(&r->meta, path, err, sizeof err) < 0) {
        report_file_error(&r->rep, s->name, "metadata.json", err);
        return -1;
    }
    revoke_free(&r->revoked);
    int rv = -1;
    snprintf(err, sizeof err, "path too long");
    if (join_path(dir, sizeof dir, r->opt.dir, s->revoke_dir) &&
        join_path(path, sizeof path, dir, "revocation_list.txt"))
        rv = revoke_load(&r->revoked, path, err, sizeof err);
    if (rv < 0) {
        report_file_error(&r->rep, s->name, "revocation_list.txt", err);
        return -1;
    }
    if (r->opt.verbose)
        printf("%s: %s, %zu revoked tests\n", s->subdir,
               rv ? "revocation list read" : "no revocation list", r->revoked.n);
    r->rules.i8086 = s->i8086;
    r->rules.meta = &r->meta;
    r->rules.revoked = &r->revoked;
    return 0;
}

static void run_sets(struct runner *r)
{
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        char dir[4096];
        if (!set_wanted(&r->opt, &sets[k]))
            continue;
        if (!join_path(dir, sizeof dir, r->opt.dir, sets[k].subdir) || !is_dir(dir)) {
            report_file_error(&r->rep, sets[k].name, sets[k].subdir, "folder missing");
            continue;
        }
        if (load_rules(r, &sets[k]) == 0)
            run_files(r, &sets[k], dir);
    }
}

static int run(struct runner *r, int argc, char **argv)
{
    char err[256];
    if (parse_options(argc, argv, &r->opt) < 0) {
        usage();
        return 2;
    }
    if (!data_present(&r->opt)) {
        printf("singlestep: test data missing: looked for %s/80286/v1_real_mode and %s/8086/v1\n",
               r->opt.dir, r->opt.dir);
        return EXIT_SKIP;
    }
    if (rig_init(&r->rig, err, sizeof err) < 0) {
        fprintf(stderr, "singlestep: %s\n", err);
        return 2;
    }
    report_init(&r->rep, stdout, MAX_DETAIL);
    run_sets(r);
    report_summary(&r->rep, r->opt.sample);
    int status = r->rep.failed ? 1 : 0;
    report_free(&r->rep);
    revoke_free(&r->revoked);
    rig_destroy(&r->rig);
    return status;
}

int main(int argc, char **argv)
{
    struct runner *r = calloc(1, sizeof *r);    /* large: metadata tables */
    if (!r) {
        fprintf(stderr, "singlestep: out of memory\n");
        return 2;
    }
    int status = run(r, argc, argv);
    free(r);
    return status;
}
