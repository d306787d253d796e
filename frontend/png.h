/* A PNG writer for screenshots: 8-bit RGB (colour type 2), no interlace,
 * filter type 0 on every row and one IDAT chunk compressed with zlib at a
 * fixed level, so the same pixels always give the same bytes (golden
 * screenshots in tests compare files byte for byte).
 *
 * Reference: PNG Specification, second edition (W3C/ISO 15948): 5.2 the
 * signature, 5.3 chunk layout and CRC, 11.2.2 IHDR, 11.2.4 IDAT, 11.2.5
 * IEND. */
#ifndef EMBER_FRONTEND_PNG_H
#define EMBER_FRONTEND_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Encode width x height pixels (0x00RRGGBB, row after row) into a new
 * buffer (*out, *len; free() it). Returns 0, or -1 without memory or for
 * an empty or oversized image. */
int png_encode_rgb32(const uint32_t *pixels, unsigned width, unsigned height, uint8_t **out,
                     size_t *len);
/* The same, into the file at path. Returns 0, or -1 after printing why. */
int png_write_rgb32(const char *path, const uint32_t *pixels, unsigned width, unsigned height);

#endif
