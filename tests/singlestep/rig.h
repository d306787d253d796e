/* The machine a test runs on: 16 MiB of RAM, an empty I/O bus (every port
 * reads as all ones) and one CPU, created once and reset per test.
 *
 * Write tracking: every RAM page is kept marked as a code page, so the
 * first CPU write to a page after the test starts goes through the
 * memory's code_written hook, which the rig wraps (still calling the
 * CPU's own handler). The pages so recorded are the ones the test wrote:
 * they are searched for stray writes and cleared afterwards, which keeps
 * RAM all zero between tests without clearing 16 MiB each time. */
#ifndef EMBER_SS_RIG_H
#define EMBER_SS_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "testcase.h"

#define RIG_RAM_SIZE (16u << 20)
#define RIG_MAX_DIRTY 64
#define RIG_MAX_DIFFS 24

/* One byte a test names, with its expected final value. */
struct rig_byte {
    uint32_t addr;
    uint32_t order;             /* position in INIT then FINA: later wins */
    uint8_t value;
};

struct rig {
    struct phys_mem *mem;
    struct io_bus *io;
    struct cpu *cpu;
    void (*cpu_hook)(void *opaque, uint32_t pfn);
    void *cpu_hook_opaque;
    bool tracking;
    uint32_t dirty[RIG_MAX_DIRTY];  /* page numbers written by the CPU */
    unsigned ndirty;
    bool dirty_overflow;
    struct rig_byte *expect;        /* the test's bytes, final values, by address */
    size_t nexpect, expect_cap;
};

/* How one test is run and judged. */
struct rig_params {
    bool halt_mode;             /* 286 set: run to HLT; else one instruction */
    bool a20;
    bool rep_string;            /* the instruction is a REP string op */
    uint16_t flags_mask;        /* defined FLAGS bits to compare */
    struct { uint32_t addr; uint8_t mask; } byte_mask[4];  /* pushed FLAGS */
    unsigned nbyte_mask;
};

struct rig_diff {
    char what[32];
    uint32_t expected, got;
};

struct rig_outcome {
    bool pass;
    char note[96];              /* a failure not tied to one value */
    struct rig_diff diff[RIG_MAX_DIFFS];
    unsigned ndiff, more;       /* more: differences not stored */
};

int rig_init(struct rig *r, char *err, size_t errlen);
void rig_destroy(struct rig *r);
void rig_run(struct rig *r, const struct ss_test *t, const struct rig_params *p,
             struct rig_outcome *o);

#endif
