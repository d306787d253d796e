/* Counting and printing results: failures in detail (the first few),
 * failures per opcode, skips per category with their reasons, and the
 * closing "N passed, N failed, N skipped" line. */
#ifndef EMBER_SS_REPORT_H
#define EMBER_SS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "rig.h"
#include "skip.h"
#include "testcase.h"

struct fail_count {
    char key[32];               /* "80286 D2.4" */
    unsigned long n;
};

struct report {
    FILE *out;
    unsigned max_detail, detailed;
    unsigned long passed, failed, skipped, unsampled;
    unsigned long skip_count[SKIP_COUNT];
    unsigned long sdm_of, sdm_cf;   /* tests with SDM-undefined OF/CF masked */
    struct fail_count *fails;
    size_t nfails, fails_cap;
};

void report_init(struct report *rep, FILE *out, unsigned max_detail);
void report_free(struct report *rep);
void report_pass(struct report *rep);
void report_skip(struct report *rep, enum skip_cat c);
/* Counts a test whose metadata mask fmask loses the SDM-undefined bits
 * undef (sdmflags.h) that it still had. */
void report_sdm_mask(struct report *rep, uint16_t fmask, uint16_t undef);
/* A failed test of file stem in set: counted, and printed in detail while
 * fewer than max_detail have been. */
void report_failure(struct report *rep, const char *set, const char *stem,
                    const struct ss_test *t, const struct rig_outcome *o);
/* A file that could not be read counts as one failure. */
void report_file_error(struct report *rep, const char *set, const char *stem, const char *msg);
/* Failures per opcode, skip categories, sampling note, closing line. */
void report_summary(struct report *rep, unsigned sample);

#endif
