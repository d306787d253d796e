/* Reader of SingleStepTests JSON files: one array of test objects
 * ({name, bytes, initial, final, hash|test_hash, idx|test_num and an
 * optional exception}), turned into struct ss_test one at a time. */
#ifndef EMBER_SS_JSONTESTS_H
#define EMBER_SS_JSONTESTS_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "testcase.h"

struct json_tests {
    uint8_t *text;
    size_t len;
    struct json_doc doc;
    size_t next;
    struct ss_ram_buf init_ram, fina_ram;
    char err[192];
};

/* Reads and parses the whole file. Returns 0, or -1 with f->err set. */
int jtests_open(struct json_tests *f, const char *path);
/* 1 with the next test in *t, 0 at the end, -1 with f->err set. */
int jtests_next(struct json_tests *f, struct ss_test *t);
void jtests_close(struct json_tests *f);

#endif
