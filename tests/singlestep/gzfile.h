/* Whole-file reading of gzip-compressed (or plain) files through zlib. */
#ifndef EMBER_SS_GZFILE_H
#define EMBER_SS_GZFILE_H

#include <stddef.h>
#include <stdint.h>

/* Reads the decompressed contents of path into a new buffer, followed by
 * one NUL byte not counted in *len. Returns 0, or -1 with errno-style text
 * in err (size errlen). The caller frees *data. */
int gz_slurp(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen);

#endif
