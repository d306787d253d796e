/* Comparing a native result with the emulator's, and printing a
 * mismatch: the bytes (disassembled by capstone when it is available),
 * the inputs, both outcomes and what differs. */
#ifndef EMBER_TESTS_HOSTDIFF_REPORT_H
#define EMBER_TESTS_HOSTDIFF_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gen.h"

enum diff {
    D_VECTOR = 1u << 0,     /* one faulted and the other did not, or not alike */
    D_EIP = 1u << 1,        /* a different landing or fault address */
    D_ERROR = 1u << 2,      /* the exception's error code */
    D_REG = 1u << 3,
    D_FLAGS = 1u << 4,
    D_SREG = 1u << 5,
    D_MEM = 1u << 6,
    D_STRAY = 1u << 7,      /* a write outside the declared spans */
    D_X87 = 1u << 8,        /* the x87 state */
};

struct outcome {
    unsigned diffs;         /* enum diff bits; 0 = the same */
    bool unverified;        /* the emulator could not deliver the exception
                               the host raised: its vector is unknown */
};

struct outcome compare_results(const struct gen_case *gc, const struct hd_result *native,
                               const struct hd_result *emu);

struct report;  /* the disassembler */
struct report *report_create(void);
void report_destroy(struct report *rp);

/* Everything about one case, for a mismatch (or, with -v, any case). */
void report_case(struct report *rp, FILE *out, const struct row *row, uint64_t index,
                 const struct gen_case *gc, const struct hd_result *native,
                 const struct hd_result *emu, struct outcome o);

/* "add Ev,Gv" with the operand size: the per-instruction table's key. */
void report_label(const struct row *row, bool o16, char *buf, size_t len);

#endif
