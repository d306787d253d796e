/* Result counting and printing; see report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "sdmflags.h"

void report_init(struct report *rep, FILE *out, unsigned max_detail)
{
    memset(rep, 0, sizeof *rep);
    rep->out = out;
    rep->max_detail = max_detail;
}

void report_free(struct report *rep)
{
    free(rep->fails);
    rep->fails = NULL;
    rep->nfails = rep->fails_cap = 0;
}

void report_pass(struct report *rep)
{
    rep->passed++;
}

void report_skip(struct report *rep, enum skip_cat c)
{
    rep->skipped++;
    rep->skip_count[c < SKIP_COUNT ? c : SKIP_NONE]++;
}

void report_sdm_mask(struct report *rep, uint16_t fmask, uint16_t undef)
{
    if (fmask & undef & SDM_UNDEF_OF)
        rep->sdm_of++;
    if (fmask & undef & SDM_UNDEF_CF)
        rep->sdm_cf++;
}

static void count_failure(struct report *rep, const char *set, const char *stem)
{
    char key[32];
    snprintf(key, sizeof key, "%s %s", set, stem);
    rep->failed++;
    for (size_t k = 0; k < rep->nfails; k++) {
        if (strcmp(rep->fails[k].key, key) == 0) {
            rep->fails[k].n++;
            return;
        }
    }
    if (rep->nfails == rep->fails_cap) {
        size_t ncap = rep->fails_cap ? rep->fails_cap * 2 : 64;
        struct fail_count *nf = realloc(rep->fails, ncap * sizeof *nf);
        if (!nf)
            return;     /* still counted in rep->failed */
        rep->fails = nf;
        rep->fails_cap = ncap;
    }
    snprintf(rep->fails[rep->nfails].key, sizeof rep->fails[rep->nfails].key, "%s", key);
    rep->fails[rep->nfails++].n = 1;
}

/* FLAGS as letters, upper case when set: "odItszaPc". */
static void flag_letters(uint32_t f, char *out)
{
    static const struct { uint32_t bit; char c; } fl[] = {
        { 0x800, 'o' }, { 0x400, 'd' }, { 0x200, 'i' }, { 0x100, 't' }, { 0x80, 's' },
        { 0x40, 'z' }, { 0x10, 'a' }, { 0x4, 'p' }, { 0x1, 'c' },
    };
    for (size_t k = 0; k < sizeof fl / sizeof fl[0]; k++)
        out[k] = (f & fl[k].bit) ? (char)(fl[k].c - 'a' + 'A') : fl[k].c;
    out[sizeof fl / sizeof fl[0]] = 0;
}

static void print_state(FILE *out, const char *label, const struct ss_state *s)
{
    fprintf(out, "    %s:", label);
    for (int k = 0; k < R_COUNT; k++)
        if ((s->present >> k) & 1)
            fprintf(out, " %s=%04X", ss_reg_names[k], s->reg[k]);
    fprintf(out, "\n");
}

static void print_diff(FILE *out, const struct rig_diff *d)
{
    if (strcmp(d->what, "flags") == 0) {
        char e[16], g[16], x[16];
        flag_letters(d->expected, e);
        flag_letters(d->got, g);
        flag_letters(d->expected ^ d->got, x);
        fprintf(out, "    flags: expected %04X %s, got %04X %s (differ: %s; masked)\n",
                (unsigned)d->expected, e, (unsigned)d->got, g, x);
        return;
    }
    fprintf(out, "    %s: expected %04X, got %04X\n", d->what, (unsigned)d->expected,
            (unsigned)d->got);
}

static void print_failure(FILE *out, const char *set, const char *stem,
                          const struct ss_test *t, const struct rig_outcome *o)
{
    fprintf(out, "FAIL %s %s #%u \"%s\" bytes:", set, stem, (unsigned)t->idx, t->name);
    for (unsigned k = 0; k < t->nbytes; k++)
        fprintf(out, " %02X", t->bytes[k]);
    fprintf(out, "%s%s\n", t->hash[0] ? " hash " : "", t->hash);
    print_state(out, "initial", &t->init);
    print_state(out, "final  ", &t->fina);
    if (t->has_excp)
        fprintf(out, "    exception %u on the capture (FLAGS pushed at %06X)\n",
                t->excp_vector, (unsigned)t->excp_flag_addr);
    if (o->note[0])
        fprintf(out, "    %s\n", o->note);
    for (unsigned k = 0; k < o->ndiff; k++)
        print_diff(out, &o->diff[k]);
    if (o->more)
        fprintf(out, "    ... and %u more differences\n", o->more);
}

void report_failure(struct report *rep, const char *set, const char *stem,
                    const struct ss_test *t, const struct rig_outcome *o)
{
    count_failure(rep, set, stem);
    if (rep->detailed < rep->max_detail) {
        rep->detailed++;
        print_failure(rep->out, set, stem, t, o);
    }
}

void report_file_error(struct report *rep, const char *set, const char *stem, const char *msg)
{
    count_failure(rep, set, stem);
    fprintf(rep->out, "ERROR %s %s: %s\n", set, stem, msg);
}

static int cmp_fail(const void *a, const void *b)
{
    return strcmp(((const struct fail_count *)a)->key, ((const struct fail_count *)b)->key);
}

static void print_fail_counts(struct report *rep)
{
    if (!rep->nfails)
        return;
    qsort(rep->fails, rep->nfails, sizeof *rep->fails, cmp_fail);
    if (rep->failed > rep->detailed)
        fprintf(rep->out, "(%lu failures not shown in detail)\n", rep->failed - rep->detailed);
    fprintf(rep->out, "failures per opcode:\n");
    for (size_t k = 0; k < rep->nfails; k++)
        fprintf(rep->out, "  %-12s %6lu\n", rep->fails[k].key, rep->fails[k].n);
}

void report_summary(struct report *rep, unsigned sample)
{
    print_fail_counts(rep);
    for (int c = SKIP_NONE + 1; c < SKIP_COUNT; c++) {
        const struct skip_info *si = skip_describe((enum skip_cat)c);
        if (rep->skip_count[c])
            fprintf(rep->out, "skipped %7lu  %s: %s\n", rep->skip_count[c], si->name, si->reason);
    }
    if (rep->sdm_of || rep->sdm_cf)
        fprintf(rep->out, "masked as SDM-undefined beyond metadata.json: OF in %lu tests (shift or "
                "rotate by more than 1), CF in %lu tests (SHL/SHR by the operand width or more)\n",
                rep->sdm_of, rep->sdm_cf);
    if (sample > 1)
        fprintf(rep->out, "sampled: ran 1 test in %u (--sample %u); %lu tests not run\n",
                sample, sample, rep->unsampled);
    fprintf(rep->out, "%lu passed, %lu failed, %lu skipped\n", rep->passed, rep->failed,
            rep->skipped);
}
