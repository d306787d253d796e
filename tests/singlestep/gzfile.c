/* Whole-file reading through zlib's gzopen/gzread (which also reads
 * uncompressed files transparently). */
#include "gzfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Grows *buf so that it holds at least need bytes; returns 0 or -1. */
static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 1u << 20;
    while (ncap < need)
        ncap *= 2;
    uint8_t *nb = realloc(*buf, ncap);
    if (!nb)
        return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

int gz_slurp(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen)
{
    gzFile f = gzopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t cap = 0, used = 0;
    for (;;) {
        if (grow(&buf, &cap, used + 65536 + 1) < 0) {
            snprintf(err, errlen, "out of memory");
            break;
        }
        int n = gzread(f, buf + used, 65536);
        if (n < 0) {
            int zerr;
            snprintf(err, errlen, "read error: %s", gzerror(f, &zerr));
            break;
        }
        if (n == 0) {
            gzclose(f);
            buf[used] = 0;
            *data = buf;
            *len = used;
            return 0;
        }
        used += (size_t)n;
    }
    gzclose(f);
    free(buf);
    return -1;
}
