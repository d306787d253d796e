/* The PNG writer; see png.h. */
#include "png.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define PNG_LEVEL 6                 /* zlib level: fixed, for repeatable bytes */
#define PNG_MAX_SIDE 0x7FFFFFFFu    /* width and height are 31-bit */

static const uint8_t png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* One chunk at out: length, type, data, CRC of type and data. Returns the
 * bytes written (12 + len). */
static size_t put_chunk(uint8_t *out, const char type[4], const uint8_t *data, uint32_t len)
{
    put_be32(out, len);
    memcpy(out + 4, type, 4);
    if (len)
        memcpy(out + 8, data, len);
    uLong crc = crc32(0L, out + 4, 4 + len);
    put_be32(out + 8 + len, (uint32_t)crc);
    return 12 + (size_t)len;
}

/* The filtered image data: each row is filter byte 0 and then R, G, B. */
static uint8_t *raw_rows(const uint32_t *pixels, unsigned width, unsigned height, size_t *len)
{
    size_t row = 1 + (size_t)width * 3;
    uint8_t *raw = malloc(row * height);
    if (!raw)
        return NULL;
    for (unsigned y = 0; y < height; y++) {
        uint8_t *p = raw + y * row;
        *p++ = 0;
        for (unsigned x = 0; x < width; x++) {
            uint32_t c = pixels[(size_t)y * width + x];
            *p++ = (uint8_t)(c >> 16);
            *p++ = (uint8_t)(c >> 8);
            *p++ = (uint8_t)c;
        }
    }
    *len = row * height;
    return raw;
}

static uint8_t *deflate_rows(const uint8_t *raw, size_t raw_len, uLongf *zlen)
{
    *zlen = compressBound((uLong)raw_len);
    uint8_t *z = malloc(*zlen);
    if (z && compress2(z, zlen, raw, (uLong)raw_len, PNG_LEVEL) != Z_OK) {
        free(z);
        z = NULL;
    }
    return z;
}

static int assemble(const uint8_t *z, uLongf zlen, unsigned width, unsigned height,
                    uint8_t **out, size_t *len)
{
    uint8_t ihdr[13];
    put_be32(ihdr, width);
    put_be32(ihdr + 4, height);
    ihdr[8] = 8;        /* bit depth */
    ihdr[9] = 2;        /* colour type: truecolour */
    ihdr[10] = 0;       /* compression: deflate */
    ihdr[11] = 0;       /* filter method 0 */
    ihdr[12] = 0;       /* no interlace */
    uint8_t *png = malloc(sizeof png_signature + 12 + sizeof ihdr + 12 + zlen + 12);
    if (!png)
        return -1;
    size_t n = sizeof png_signature;
    memcpy(png, png_signature, n);
    n += put_chunk(png + n, "IHDR", ihdr, sizeof ihdr);
    n += put_chunk(png + n, "IDAT", z, (uint32_t)zlen);
    n += put_chunk(png + n, "IEND", NULL, 0);
    *out = png;
    *len = n;
    return 0;
}

int png_encode_rgb32(const uint32_t *pixels, unsigned width, unsigned height, uint8_t **out,
                     size_t *len)
{
    if (!width || !height || width > PNG_MAX_SIDE || height > PNG_MAX_SIDE ||
        (uint64_t)width * height > (1ull << 28))
        return -1;
    size_t raw_len;
    uint8_t *raw = raw_rows(pixels, width, height, &raw_len);
    if (!raw)
        return -1;
    uLongf zlen;
    uint8_t *z = deflate_rows(raw, raw_len, &zlen);
    free(raw);
    if (!z)
        return -1;
    int rc = assemble(z, zlen, width, height, out, len);
    free(z);
    return rc;
}

int png_write_rgb32(const char *path, const uint32_t *pixels, unsigned width, unsigned height)
{
    uint8_t *png;
    size_t len;
    if (png_encode_rgb32(pixels, width, height, &png, &len) < 0) {
        fprintf(stderr, "ember: cannot encode a %ux%u PNG for %s\n", width, height, path);
        return -1;
    }
    FILE *f = fopen(path, "wb");
    int rc = -1;
    if (!f) {
        fprintf(stderr, "ember: cannot write %s: %s\n", path, strerror(errno));
    } else {
        bool written = fwrite(png, 1, len, f) == len;
        if (fclose(f) == 0 && written)
            rc = 0;
        else
            fprintf(stderr, "ember: writing %s failed: %s\n", path, strerror(errno));
    }
    free(png);
    return rc;
}
