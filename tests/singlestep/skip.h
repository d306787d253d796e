/* Which tests the runner skips, and why. A test is skipped only when the
 * captured chip's behaviour is not what a 386-class CPU in real mode must
 * do (the documented 8086/80286-vs-IA-32 differences, named with their
 * reference), when metadata.json marks the form as not normal, or when
 * the test is revoked. Never because of what the emulator does. */
#ifndef EMBER_SS_SKIP_H
#define EMBER_SS_SKIP_H

#include <stdbool.h>

#include "meta.h"
#include "refdec.h"
#include "revoke.h"
#include "testcase.h"

enum skip_cat {
    SKIP_NONE,
    SKIP_REVOKED,
    SKIP_SUSPECT,
    SKIP_SALC,
    SKIP_POP_CS,
    SKIP_SMSW,
    SKIP_META_UNDEFINED,
    SKIP_META_ALIAS,
    SKIP_META_UNDOCUMENTED,
    SKIP_META_FPU,
    SKIP_META_OTHER,
    SKIP_LEN_LIMIT,
    SKIP_LOCK,
    SKIP_SREG_4_7,
    SKIP_MOV_CS,
    SKIP_PUSH_SP,
    SKIP_BCD_8086,
    SKIP_SHIFT_COUNT,
    SKIP_REP_MULDIV,
    SKIP_DIV_NEXT_IP,
    SKIP_DIV_MISSED,
    SKIP_WRAP_FETCH,
    SKIP_WRAP_DATA,
    SKIP_SS_AS_GP,
    SKIP_FAULT_STATE,
    SKIP_COUNT
};

struct skip_info {
    const char *name;
    const char *reason;
};

const struct skip_info *skip_describe(enum skip_cat c);

/* What one test set needs for classification. */
struct set_rules {
    bool i8086;                     /* the 8086 set (else the 80286 set) */
    const struct meta *meta;
    const struct revoke_list *revoked;
};

/* The category of test t decoded as d; *flags_mask gets the mask of
 * defined FLAGS bits for the comparison (metadata.json's flags-mask). */
enum skip_cat skip_classify(const struct set_rules *s, const struct ss_test *t,
                            const struct ref_insn *d, uint16_t *flags_mask);

#endif
