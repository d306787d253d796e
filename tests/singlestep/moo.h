/* Reader of MOO v1 test files (SingleStepTests' chunked binary format,
 * described in testdata/singlestep/SOURCES.md): a "MOO " header, META,
 * then one TEST chunk per test. Unknown chunks are skipped. */
#ifndef EMBER_SS_MOO_H
#define EMBER_SS_MOO_H

#include <stddef.h>
#include <stdint.h>

#include "testcase.h"

struct moo_reader {
    uint8_t *data;
    size_t len, pos;
    uint32_t count;             /* tests announced by the header */
    char cpu[5];                /* CPU id from the header, e.g. "C286" */
    struct ss_ram_buf init_ram, fina_ram;
    char err[192];
};

/* Reads and checks the header. Returns 0, or -1 with r->err set. */
int moo_open(struct moo_reader *r, const char *path);
/* The next test into *t (its RAM lists stay valid until the next call).
 * Returns 1, 0 at the end of the file, or -1 with r->err set. */
int moo_next(struct moo_reader *r, struct ss_test *t);
void moo_close(struct moo_reader *r);

#endif
