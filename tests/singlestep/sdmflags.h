/* Flags that SDM vol. 2 leaves undefined on IA-32 where a set's
 * metadata.json (which describes the 8086's or the 286's own undefined
 * flags) still compares them. The emulator models a P6, so they are
 * masked too, and the runner says how often. */
#ifndef EMBER_SS_SDMFLAGS_H
#define EMBER_SS_SDMFLAGS_H

#include <stdint.h>

#include "refdec.h"
#include "testcase.h"

/* OF after a shift or rotate by more than one (SDM vol. 2 SAL/SAR/SHL/SHR,
 * RCL/RCR/ROL/ROR: "defined only for 1-bit" shifts and rotates). */
#define SDM_UNDEF_OF 0x0800u
/* CF after SHL/SHR by at least the operand width (SDM vol. 2 SAL/SAR/SHL/
 * SHR: "undefined ... where the count is greater than or equal to the
 * size"). */
#define SDM_UNDEF_CF 0x0001u

/* The FLAGS bits the SDM leaves undefined for this test (0 if none). */
uint16_t sdm_undefined_flags(const struct ref_insn *d, const struct ss_test *t);

#endif
