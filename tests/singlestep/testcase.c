/* Shared helpers of struct ss_test. */
#include "testcase.h"

#include <stdlib.h>

const char *const ss_reg_names[R_COUNT] = {
    "ax", "bx", "cx", "dx", "cs", "ss", "ds", "es",
    "sp", "bp", "si", "di", "ip", "flags",
};

int ss_ram_push(struct ss_ram_buf *b, uint32_t addr, uint8_t value)
{
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 256;
        struct ss_ram *nv = realloc(b->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        b->v = nv;
        b->cap = ncap;
    }
    b->v[b->n].addr = addr;
    b->v[b->n].value = value;
    b->n++;
    return 0;
}

void ss_ram_free(struct ss_ram_buf *b)
{
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}
