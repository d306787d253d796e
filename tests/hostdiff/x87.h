/* The x87 part of the differential test: the FPU state a case starts
 * from (an FRSTOR image, protocol.h), the values of x87 memory operands,
 * what the SDM leaves undefined for each x87 instruction, and the
 * comparison and printing of the state after (an FNSAVE image). */
#ifndef EMBER_TESTS_HOSTDIFF_X87_H
#define EMBER_TESTS_HOSTDIFF_X87_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gen.h"
#include "rng.h"

/* Is this row an x87 instruction (D8-DF, FXSAVE, FXRSTOR)? */
bool x87_row(const struct row *row);
/* The size of an x87 memory operand (form text "m32fp"...). */
unsigned x87_operand_size(const struct row *row, bool o16);

/* The FNINIT state, for every case that is not an x87 one. */
void x87_default_state(uint8_t image[HD_FPU_BYTES]);
/* A random state: registers of every class, tags, TOP, control word
 * (rounding, precision, masks), exception flags, pointers. */
void x87_random_state(struct rng *r, const struct row *row, uint8_t image[HD_FPU_BYTES]);
/* The bytes of an x87 memory operand for this row. */
void x87_operand_bytes(struct rng *r, const struct row *row, bool o16, uint8_t *buf, unsigned n);

/* What the SDM leaves undefined for an x87 instruction (undefined.c
 * calls it). */
void x87_undefined(const struct row *row, const struct gen_case *gc, struct hd_mask *m);
/* Do the states after differ beyond the mask? */
bool x87_state_differs(const struct gen_case *gc, const struct hd_result *a,
                       const struct hd_result *b, const struct hd_mask *m);
/* The states before and after, for a mismatch report. */
void x87_print(FILE *out, const struct gen_case *gc, const struct hd_result *native,
               const struct hd_result *emu);

#endif
