/* ROM image loading; see bios.h. */
#include "bios.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint8_t *file_read_all(const char *path, size_t max, size_t *size, const char *what, FILE *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(err, "ember: cannot open %s '%s': %s\n", what, path, strerror(errno));
        return NULL;
    }
    uint8_t *raw = malloc(max + 1);
    size_t n = raw ? fread(raw, 1, max + 1, f) : 0;
    int failed = !raw || ferror(f);
    fclose(f);
    if (failed || n == 0 || n > max) {
        if (failed)
            fprintf(err, "ember: cannot read %s '%s'\n", what, path);
        else
            fprintf(err, "ember: %s '%s' is %s (expected 1 byte to %zu KiB)\n", what, path,
                    n ? "too large" : "empty", max / 1024);
        free(raw);
        return NULL;
    }
    *size = n;
    return raw;
}

uint8_t *rom_load(const char *path, size_t max, size_t *size, FILE *err)
{
    return file_read_all(path, max, size, "ROM image", err);
}

uint8_t *bios_load(const char *path, size_t *size, FILE *err)
{
    size_t n;
    uint8_t *raw = rom_load(path, BIOS_MAX_SIZE, &n, err);
    if (!raw)
        return NULL;
    size_t padded = (n + 0xFFF) & ~(size_t)0xFFF;
    uint8_t *image = malloc(padded);
    if (!image) {
        free(raw);
        fprintf(err, "ember: out of memory\n");
        return NULL;
    }
    memset(image, 0xFF, padded - n);
    memcpy(image + (padded - n), raw, n);
    free(raw);
    *size = padded;
    return image;
}
