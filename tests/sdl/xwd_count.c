/* Counts the pixels of an X window dump (xwd -root) inside a rectangle that
 * are not black: enough to tell that a window really shows a picture.
 * Usage: xwd_count FILE X Y W H   prints "N of M pixels lit".
 * XWD format: X11 XWDFile.h (a big-endian header of 25 CARD32s, the window
 * name, ncolors XWDColor entries of 12 bytes, then the pixels). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: xwd_count FILE X Y W H\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static uint8_t buf[64 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n < 100) {
        fprintf(stderr, "xwd_count: %s is not an XWD file\n", argv[1]);
        return 2;
    }
    uint32_t header_size = be32(buf), width = be32(buf + 16), height = be32(buf + 20);
    uint32_t byte_order = be32(buf + 28), bpp = be32(buf + 44), bytes_per_line = be32(buf + 48);
    uint32_t rgb = be32(buf + 56) | be32(buf + 60) | be32(buf + 64), ncolors = be32(buf + 76);
    size_t data = header_size + (size_t)ncolors * 12;
    if ((bpp != 24 && bpp != 32) || data + (size_t)bytes_per_line * height > n) {
        fprintf(stderr, "xwd_count: unsupported XWD (%u bpp) or truncated\n", bpp);
        return 2;
    }
    long x0 = atol(argv[2]), y0 = atol(argv[3]), w = atol(argv[4]), h = atol(argv[5]);
    unsigned long lit = 0, total = 0;
    for (long y = y0; y < y0 + h && y < (long)height; y++)
        for (long x = x0; x < x0 + w && x < (long)width; x++) {
            const uint8_t *p = buf + data + (size_t)y * bytes_per_line + (size_t)x * (bpp / 8);
            uint32_t px = 0;
            for (unsigned k = 0; k < bpp / 8; k++)  /* byte_order 1 = MSB first */
                px |= (uint32_t)p[k] << (8 * (byte_order ? bpp / 8 - 1 - k : k));
            px &= rgb;
            total++;
            if (px)
                lit++;
        }
    printf("%lu of %lu pixels lit\n", lit, total);
    return 0;
}
