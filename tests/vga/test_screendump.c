/* Screenshots: the PNG writer checked byte by byte against the PNG
 * specification (signature, IHDR fields, chunk CRCs, the zlib stream
 * inflated back to the pixels), and the text dump of a VGA text screen. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "png.h"
#include "text_dump.h"
#include "vga.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct chunk {
    const uint8_t *type, *data;
    uint32_t len, crc;
};

/* The chunk at *at, advancing *at past it; false past the end. */
static bool next_chunk(const uint8_t *png, size_t len, size_t *at, struct chunk *c)
{
    if (*at + 12 > len)
        return false;
    c->len = be32(png + *at);
    if (*at + 12 + c->len > len)
        return false;
    c->type = png + *at + 4;
    c->data = png + *at + 8;
    c->crc = be32(png + *at + 8 + c->len);
    *at += 12 + c->len;
    return true;
}

static const uint32_t tiny[6] = { 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0x123456 };

static void a_png_starts_with_the_signature_and_an_ihdr_for_8_bit_rgb(struct test_ctx *t)
{
    uint8_t *png;
    size_t len;
    CHECK_EQ(t, png_encode_rgb32(tiny, 3, 2, &png, &len), 0);
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A };
    CHECK(t, memcmp(png, sig, 8) == 0);
    size_t at = 8;
    struct chunk c;
    CHECK(t, next_chunk(png, len, &at, &c));
    CHECK(t, memcmp(c.type, "IHDR", 4) == 0);
    CHECK_EQ(t, c.len, 13);
    CHECK_EQ(t, be32(c.data), 3);
    CHECK_EQ(t, be32(c.data + 4), 2);
    CHECK_EQ(t, c.data[8], 8);                      /* bit depth */
    CHECK_EQ(t, c.data[9], 2);                      /* truecolour */
    CHECK_EQ(t, c.data[10] | c.data[11] | c.data[12], 0);
    free(png);
}

static void every_chunk_carries_the_crc_of_its_type_and_data(struct test_ctx *t)
{
    uint8_t *png;
    size_t len;
    CHECK_EQ(t, png_encode_rgb32(tiny, 3, 2, &png, &len), 0);
    size_t at = 8;
    struct chunk c;
    unsigned chunks = 0;
    const uint8_t *last = NULL;
    while (next_chunk(png, len, &at, &c)) {
        CHECK_EQ(t, c.crc, crc32(0L, c.type, 4 + c.len));
        last = c.type;
        chunks++;
    }
    CHECK_EQ(t, chunks, 3);
    CHECK_EQ(t, at, len);
    CHECK(t, last && memcmp(last, "IEND", 4) == 0);
    free(png);
}

static void the_idat_inflates_to_filtered_rows_of_the_pixels(struct test_ctx *t)
{
    uint8_t *png;
    size_t len;
    CHECK_EQ(t, png_encode_rgb32(tiny, 3, 2, &png, &len), 0);
    size_t at = 8;
    struct chunk c;
    next_chunk(png, len, &at, &c);
    CHECK(t, next_chunk(png, len, &at, &c) && memcmp(c.type, "IDAT", 4) == 0);
    uint8_t raw[64];
    uLongf raw_len = sizeof raw;
    CHECK_EQ(t, uncompress(raw, &raw_len, c.data, c.len), Z_OK);
    CHECK_EQ(t, raw_len, 2 * (1 + 3 * 3));
    static const uint8_t want[20] = {
        0, 0xFF, 0, 0, 0, 0xFF, 0, 0, 0, 0xFF,
        0, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x12, 0x34, 0x56,
    };
    CHECK(t, memcmp(raw, want, sizeof want) == 0);
    free(png);
}

static void the_same_pixels_always_give_the_same_bytes(struct test_ctx *t)
{
    uint8_t *a, *b;
    size_t alen, blen;
    png_encode_rgb32(tiny, 2, 3, &a, &alen);
    png_encode_rgb32(tiny, 2, 3, &b, &blen);
    CHECK_EQ(t, alen, blen);
    CHECK(t, memcmp(a, b, alen) == 0);
    free(a);
    free(b);
}

static void an_empty_image_is_refused(struct test_ctx *t)
{
    uint8_t *png = NULL;
    size_t len = 0;
    CHECK_EQ(t, png_encode_rgb32(tiny, 0, 2, &png, &len), -1);
    CHECK(t, png == NULL);
}

/* ---- The text dump ---- */

static void set_text_registers(struct vga *v)
{
    v->misc = 0x67;
    v->gc[GC_MODE] = 0x10;
    v->gc[GC_MISC] = 0x0E;
    v->seq[SEQ_MAP_MASK] = 0x03;
    v->seq[SEQ_MEMORY_MODE] = 0x02;
    v->crtc[CRTC_HORIZ_DISPLAY_END] = 79;
    v->crtc[CRTC_VERT_DISPLAY_END] = 0x8F;
    v->crtc[CRTC_OVERFLOW] = 0x1F;
    v->crtc[CRTC_MAX_SCAN_LINE] = 0x4F;
    v->crtc[CRTC_OFFSET] = 40;
    v->crtc[CRTC_MODE_CONTROL] = 0xA3;
}

static void put_text(struct vga *v, unsigned row, unsigned col, const char *s)
{
    for (unsigned k = 0; s[k]; k++) {
        uint32_t at = (row * 80 + col + k) * 2;
        vga_mem_write(v, 0x18000 + at, (uint8_t)s[k]);
        vga_mem_write(v, 0x18000 + at + 1, 0x07);
    }
}

static void the_text_dump_writes_each_row_without_trailing_blanks(struct test_ctx *t)
{
    struct io_bus *io = calloc(1, sizeof *io);
    struct phys_mem *mem = phys_mem_create(1u << 20);
    struct vga_config cfg = { .io = io, .mem = mem };
    struct vga *v = vga_create(&cfg);
    set_text_registers(v);
    put_text(v, 0, 0, "SeaBIOS");
    put_text(v, 2, 4, "\xC9\xCD\xBB");
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    CHECK_EQ(t, text_dump(v, f), 0);
    fclose(f);
    const char *want_start = "SeaBIOS\n\n    ╔═╗\n\n";
    CHECK(t, strncmp(text, want_start, strlen(want_start)) == 0);
    unsigned lines = 0;
    for (size_t k = 0; k < size; k++)
        lines += text[k] == '\n';
    CHECK_EQ(t, lines, 25);
    free(text);
    v->gc[GC_MISC] = 0x05;                          /* graphics: no text dump */
    CHECK_EQ(t, text_dump(v, stdout), -1);
    vga_destroy(v);
    phys_mem_destroy(mem);
    free(io);
}

static void every_code_page_437_character_has_a_spelling(struct test_ctx *t)
{
    for (unsigned ch = 0; ch < 256; ch++)
        if (!CHECK(t, text_dump_cp437((unsigned char)ch) != NULL))
            test_note(t, "character 0x%02X", ch);
    CHECK(t, strcmp(text_dump_cp437(0xB0), "░") == 0);
    CHECK(t, strcmp(text_dump_cp437(0xFE), "■") == 0);
    CHECK(t, strcmp(text_dump_cp437('~'), "~") == 0);
}

static const struct test png_tests[] = {
    TEST(a_png_starts_with_the_signature_and_an_ihdr_for_8_bit_rgb),
    TEST(every_chunk_carries_the_crc_of_its_type_and_data),
    TEST(the_idat_inflates_to_filtered_rows_of_the_pixels),
    TEST(the_same_pixels_always_give_the_same_bytes),
    TEST(an_empty_image_is_refused),
};

static const struct test text_tests[] = {
    TEST(the_text_dump_writes_each_row_without_trailing_blanks),
    TEST(every_code_page_437_character_has_a_spelling),
};

int main(int argc, char **argv)
{
    static const struct suite s1 = SUITE("PNG writer", png_tests);
    static const struct suite s2 = SUITE("text dump", text_tests);
    static const struct suite *const suites[] = { &s1, &s2 };
    return harness_run(argc, argv, suites, 2);
}
