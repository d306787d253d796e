/* Which memory accesses of a test's instruction cross offset FFFFh of
 * their segment. The 8086 wraps such an access around to offset 0; the
 * 80286 and the 386+ raise an exception instead, and the 286 and the 386+
 * differ in which (SDM vol. 3 22.33.1 "Segment Wraparound": #GP for CS,
 * DS, ES, #SS for SS; the 286 reports both as interrupt 13).
 *
 * The model replays the instruction's accesses in order, as 386-class
 * operand sizes (a far pointer or a BOUND pair is one 4-byte access, a
 * stack word one 2-byte access with SP wrapping between words), and
 * stops at the first one that crosses. */
#ifndef EMBER_SS_WRAP_H
#define EMBER_SS_WRAP_H

#include <stdbool.h>

#include "refdec.h"
#include "testcase.h"

enum wrap_kind {
    WRAP_NONE,
    WRAP_FETCH,     /* the instruction's own bytes run past CS:FFFF */
    WRAP_DATA,      /* an operand or a stack word straddles FFFFh/0000h */
};

struct wrap_result {
    enum wrap_kind kind;
    int seg;                    /* enum ref_seg of the access that crosses */
    int vector;                 /* what a 386+ raises for it: 12 (#SS), 13 (#GP) */
    unsigned iterations;        /* string instructions: iterations that
                                 * completed before it */
};

/* The first crossing access of test t decoded as d (i8086: as the 8086
 * runs it). REP iteration counts come from the expected final CX. */
void wrap_first(const struct ref_insn *d, const struct ss_test *t, bool i8086,
                struct wrap_result *out);

#endif
