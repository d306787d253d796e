/* The case generator: one random instruction from the opcode table, with
 * prefixes, operands, registers, flags and memory, and the parts of the
 * result the Intel SDM leaves undefined for it (see undefined.c). */
#ifndef EMBER_TESTS_HOSTDIFF_GEN_H
#define EMBER_TESTS_HOSTDIFF_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "optab.h"
#include "protocol.h"

/* What the comparison ignores, with the SDM page that says why. */
struct hd_mask {
    uint32_t flags;             /* EFLAGS bits */
    uint32_t reg[8];            /* register bits */
    struct hd_span mem[2];      /* window byte ranges */
    unsigned nmem;
    const char *why;            /* the SDM reference, or NULL */
    /* x87 (x87.c) */
    uint16_t fsw;               /* status word bits */
    bool x87_fdp;               /* FDP and FDS */
    uint8_t x87_undefined;      /* ST(i) after the instruction, bit i */
    uint8_t x87_ulps;           /* ST(i) compared to within 2 units in the last place */
};

/* The facts about a case that decide its mask. */
struct gen_facts {
    unsigned osize;             /* operand size: 1, 2 or 4 */
    uint32_t count;             /* shift/rotate count as encoded or in CL */
    int dest_reg;               /* register destination (0-7), or -1 */
    bool dest_mem;              /* memory destination at dest_off */
    uint32_t dest_off;          /* window offset of the memory operand */
    uint32_t esp;               /* ESP before the instruction */
};

struct gen_case {
    struct hd_case c;
    unsigned row;               /* index into the generator's rows */
    bool o16, a16;
    struct gen_facts facts;
    struct hd_mask mask;
};

struct gen;

/* only: NULL, or a mnemonic or OP() id to restrict the generator to. */
struct gen *gen_create(const char *only, const struct hd_hello *env, char *err, size_t errlen);
void gen_destroy(struct gen *g);
void gen_case(const struct gen *g, uint64_t seed, uint64_t index, struct gen_case *out);
const struct row *gen_row(const struct gen *g, unsigned row);
unsigned gen_row_count(const struct gen *g);

/* undefined.c */
void undefined_mask(const struct row *row, const struct gen_case *gc, struct hd_mask *m);

#endif
