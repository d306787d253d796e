/* The VGA's picture; see vga_render.h.
 *
 * Scan-out follows the CRT controller: each scan line starts at a memory
 * address (MA) counter that begins at the Start Address, advances by twice
 * the Offset register at the end of each character row, and restarts at 0
 * at the Line Compare line (the split screen). The counter becomes a
 * display memory address in byte, word or doubleword mode, with row scan
 * bits substituted for address bits 13 and 14 where the Mode Control
 * register says so (the CGA and Hercules banks). The attribute controller
 * maps 4-bit colours through its palette, Color Plane Enable and Color
 * Select to a DAC index; 256-colour pixels go to the DAC directly. */
#include "vga_render.h"

#include <stdlib.h>
#include <string.h>

#define LINE_MAX_PIXELS 4096        /* widest legacy line: 256 chars of 9 dots */

/* ------------------------------------------------------------------------
 * Colours */

static uint32_t expand6(uint8_t c) { return (uint32_t)((c & 0x3F) << 2 | (c & 0x3F) >> 4); }

static uint32_t dac_rgb(const struct vga *v, uint8_t index)
{
    const uint8_t *c = v->dac.palette[index & v->dac.pel_mask];
    if (vbe_dac_8bit(&v->vbe))
        return (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
    return expand6(c[0]) << 16 | expand6(c[1]) << 8 | expand6(c[2]);
}

/* A 4-bit colour through the attribute controller to a DAC index. */
static uint8_t ac_dac_index(const struct vga *v, unsigned colour)
{
    uint8_t p = v->ac[colour & v->ac[AC_COLOR_PLANE_ENABLE] & 0x0F];
    uint8_t select = v->ac[AC_COLOR_SELECT];
    if (v->ac[AC_MODE_CONTROL] & 0x80)         /* P5, P4 from Color Select */
        p = (uint8_t)((p & 0x0F) | (select & 0x03) << 4);
    return (uint8_t)((p & 0x3F) | (select & 0x0C) << 4);
}

struct palettes {
    uint32_t ac16[16];          /* 4-bit colours, through the AC */
    uint32_t dac256[256];       /* 8-bit colours, straight to the DAC */
};

static void make_palettes(const struct vga *v, struct palettes *p)
{
    for (unsigned i = 0; i < 16; i++)
        p->ac16[i] = dac_rgb(v, ac_dac_index(v, i));
    for (unsigned i = 0; i < 256; i++)
        p->dac256[i] = dac_rgb(v, (uint8_t)i);
}

/* ------------------------------------------------------------------------
 * The frame buffer */

static int frame_resize(struct vga_frame *f, unsigned width, unsigned height)
{
    size_t need = (size_t)width * height;
    if (need > f->capacity) {
        uint32_t *p = realloc(f->pixels, (need ? need : 1) * sizeof *p);
        if (!p)
            return -1;
        f->pixels = p;
        f->capacity = need;
    }
    f->width = width;
    f->height = height;
    return 0;
}

void vga_frame_free(struct vga_frame *f)
{
    free(f->pixels);
    memset(f, 0, sizeof *f);
}

/* ------------------------------------------------------------------------
 * The CRT controller's geometry */

enum shape { SHAPE_TEXT, SHAPE_PLANAR, SHAPE_CGA, SHAPE_256 };

struct scanout {
    enum shape shape;
    unsigned chars;             /* character clocks per line */
    unsigned dots;              /* dots per character clock (8 or 9) */
    unsigned pixels_per_char;   /* picture pixels per character clock */
    unsigned lines;             /* scan lines displayed */
    unsigned repeat;            /* scan lines per picture line */
    unsigned max_scan;          /* scan lines per character row - 1 */
    bool double_scan;
    uint32_t start;             /* MA at the top */
    uint32_t row_step;          /* MA added per character row */
    unsigned line_compare;
    unsigned pan;               /* horizontal pixel panning, in pixels */
    uint64_t frame_ns;
    uint64_t now;
};

static unsigned vertical(const struct vga *v, unsigned reg, unsigned bit8, unsigned bit9)
{
    uint8_t ovf = v->crtc[CRTC_OVERFLOW];
    return v->crtc[reg] | ((ovf >> bit8) & 1u) << 8 | ((ovf >> bit9) & 1u) << 9;
}

static enum shape shape_of(const struct vga *v)
{
    if (!(v->gc[GC_MISC] & 0x01))
        return SHAPE_TEXT;
    if (v->gc[GC_MODE] & 0x40)
        return SHAPE_256;
    return (v->gc[GC_MODE] & 0x20) ? SHAPE_CGA : SHAPE_PLANAR;
}

bool vga_text_mode(const struct vga *v)
{
    return !vbe_enabled(&v->vbe) && shape_of(v) == SHAPE_TEXT;
}

/* Horizontal Pixel Panning in picture pixels (9-dot text: 8 means 0,
 * 0-7 mean 1-8; 256 colours: two dots make a pixel). */
static unsigned pixel_pan(const struct vga *v, const struct scanout *s)
{
    unsigned pan = v->ac[AC_HORIZ_PIXEL_PANNING] & 0x0F;
    if (s->shape == SHAPE_TEXT && s->dots == 9)
        return pan >= 8 ? 0 : pan + 1;
    if (s->shape == SHAPE_256)
        return (pan & 7) / 2;
    return pan & 7;
}

static void measure(const struct vga *v, struct scanout *s)
{
    s->shape = shape_of(v);
    s->chars = v->crtc[CRTC_HORIZ_DISPLAY_END] + 1u;
    s->dots = (s->shape == SHAPE_TEXT && !(v->seq[SEQ_CLOCKING_MODE] & 0x01)) ? 9 : 8;
    s->pixels_per_char = s->shape == SHAPE_256 ? 4 : s->dots;
    s->lines = vertical(v, CRTC_VERT_DISPLAY_END, 1, 6) + 1;
    s->max_scan = v->crtc[CRTC_MAX_SCAN_LINE] & 0x1F;
    s->double_scan = (v->crtc[CRTC_MAX_SCAN_LINE] & 0x80) != 0;
    bool substitutes = (v->crtc[CRTC_MODE_CONTROL] & 0x03) != 0x03;
    s->repeat = s->double_scan ? 2 : 1;
    if (s->shape != SHAPE_TEXT && !substitutes)
        s->repeat *= s->max_scan + 1;
    uint32_t start = (uint32_t)v->crtc[CRTC_START_ADDR_HIGH] << 8 | v->crtc[CRTC_START_ADDR_LOW];
    s->start = start + ((v->crtc[CRTC_PRESET_ROW_SCAN] >> 5) & 3);
    s->row_step = 2u * v->crtc[CRTC_OFFSET];
    s->line_compare = v->crtc[CRTC_LINE_COMPARE] | ((v->crtc[CRTC_OVERFLOW] >> 4) & 1u) << 8 |
                      ((v->crtc[CRTC_MAX_SCAN_LINE] >> 6) & 1u) << 9;
    s->pan = pixel_pan(v, s);
    s->frame_ns = vga_frame_ns(v);
}

/* The display memory address (an offset within each map) for a counter
 * value on a scan line of row scan row_scan. */
static uint32_t memory_address(const struct vga *v, uint32_t ma, unsigned row_scan)
{
    uint8_t mode = v->crtc[CRTC_MODE_CONTROL];
    uint32_t a;
    if (v->crtc[CRTC_UNDERLINE_LOC] & 0x40)
        a = ma << 2;                                    /* doubleword */
    else if (!(mode & 0x40))
        a = ma << 1 | ((ma >> ((mode & 0x20) ? 15 : 13)) & 1);  /* word */
    else
        a = ma;                                         /* byte */
    if (!(mode & 0x01))
        a = (a & ~0x2000u) | (row_scan & 1u) << 13;
    if (!(mode & 0x02))
        a = (a & ~0x4000u) | (row_scan & 2u) << 13;
    return a & (VGA_PLANE_SIZE - 1);
}

static const uint8_t *maps_at(const struct vga *v, uint32_t address)
{
    return &v->vram[address * 4];
}

/* ------------------------------------------------------------------------
 * Text */

/* Plane 2 offset of character map n (Character Map Select encoding). */
static uint32_t font_base(unsigned n) { return ((n & 3) * 2 + (n >> 2)) * 0x2000u; }

struct text_cell_look {
    uint8_t glyph_row;          /* 8 dots, MSB leftmost */
    uint32_t fg, bg;
    bool ninth_is_fg_dot;       /* line graphics: the 9th dot repeats the 8th */
};

static uint8_t glyph_row(const struct vga *v, uint8_t ch, uint8_t attr, unsigned row_scan)
{
    uint8_t sel = v->seq[SEQ_CHAR_MAP_SELECT];
    unsigned map_a = (sel >> 2 & 3) | (sel >> 3 & 4);
    unsigned map_b = (sel & 3) | (sel >> 2 & 4);
    unsigned map = (attr & 0x08) ? map_a : map_b;
    return maps_at(v, font_base(map) + ch * 32u + (row_scan & 31))[2];
}

static bool blink_visible(uint64_t now, uint64_t frame_ns, unsigned frames_per_phase)
{
    if (!frame_ns)
        return true;
    return ((now / frame_ns / frames_per_phase) & 1) == 0;
}

static void look_of_cell(const struct vga *v, const struct scanout *s, const struct palettes *p,
                         uint32_t ma, unsigned row_scan, struct text_cell_look *look)
{
    const uint8_t *cell = maps_at(v, memory_address(v, ma, row_scan));
    uint8_t ch = cell[0], attr = cell[1];
    unsigned fg = attr & 0x0F, bg = attr >> 4;
    look->glyph_row = glyph_row(v, ch, attr, row_scan);
    if (v->ac[AC_MODE_CONTROL] & 0x08) {                /* blink enable */
        bg &= 7;
        if ((attr & 0x80) && !blink_visible(s->now, s->frame_ns, 16))
            look->glyph_row = 0;
    }
    if ((attr & 0x77) == 0x01 && row_scan == (v->crtc[CRTC_UNDERLINE_LOC] & 0x1Fu))
        look->glyph_row = 0xFF;
    uint16_t cursor = (uint16_t)(v->crtc[CRTC_CURSOR_LOC_HIGH] << 8 | v->crtc[CRTC_CURSOR_LOC_LOW]);
    unsigned cstart = v->crtc[CRTC_CURSOR_START] & 0x1F, cend = v->crtc[CRTC_CURSOR_END] & 0x1F;
    if ((ma & 0xFFFF) == cursor && !(v->crtc[CRTC_CURSOR_START] & 0x20) &&
        row_scan >= cstart && row_scan <= cend && blink_visible(s->now, s->frame_ns, 8))
        look->glyph_row = 0xFF;
    look->fg = p->ac16[fg];
    look->bg = p->ac16[bg];
    look->ninth_is_fg_dot = (v->ac[AC_MODE_CONTROL] & 0x04) && ch >= 0xC0 && ch <= 0xDF;
}

static void text_line(const struct vga *v, const struct scanout *s, const struct palettes *p,
                      uint32_t ma, unsigned row_scan, uint32_t *out)
{
    for (unsigned c = 0; c < s->chars + 1; c++, out += s->dots) {
        struct text_cell_look look;
        look_of_cell(v, s, p, ma + c, row_scan, &look);
        for (unsigned x = 0; x < 8; x++)
            out[x] = (look.glyph_row & (0x80 >> x)) ? look.fg : look.bg;
        if (s->dots == 9)
            out[8] = (look.ninth_is_fg_dot && (look.glyph_row & 1)) ? look.fg : look.bg;
    }
}

/* ------------------------------------------------------------------------
 * Graphics */

static void planar_char(const uint8_t *m, const uint32_t *pal, uint32_t *out)
{
    for (unsigned x = 0; x < 8; x++) {
        unsigned bit = 7 - x;
        unsigned c = (m[0] >> bit & 1) | (m[1] >> bit & 1) << 1 | (m[2] >> bit & 1) << 2 |
                     (m[3] >> bit & 1) << 3;
        out[x] = pal[c];
    }
}

/* The shift registers' interleaved mode (CGA 4 colours): maps 0 and 2 give
 * the first four pixels two bits each, maps 1 and 3 the next four. */
static void cga_char(const uint8_t *m, const uint32_t *pal, uint32_t *out)
{
    for (unsigned x = 0; x < 8; x++) {
        unsigned lo = x < 4 ? m[0] : m[1], hi = x < 4 ? m[2] : m[3];
        unsigned shift = 6 - 2 * (x & 3);
        out[x] = pal[((lo >> shift) & 3) | ((hi >> shift) & 3) << 2];
    }
}

static void graphics_line(const struct vga *v, const struct scanout *s, const struct palettes *p,
                          uint32_t ma, unsigned row_scan, uint32_t *out)
{
    for (unsigned c = 0; c < s->chars + 1; c++, out += s->pixels_per_char) {
        const uint8_t *m = maps_at(v, memory_address(v, ma + c, row_scan));
        if (s->shape == SHAPE_256)
            for (unsigned x = 0; x < 4; x++)
                out[x] = p->dac256[m[x]];
        else if (s->shape == SHAPE_CGA)
            cga_char(m, p->ac16, out);
        else
            planar_char(m, p->ac16, out);
    }
}

/* ------------------------------------------------------------------------
 * The legacy scan-out loop */

static void scan_line(const struct vga *v, const struct scanout *s, const struct palettes *p,
                      uint32_t ma, unsigned row_scan, unsigned pan, uint32_t *dst, unsigned width)
{
    uint32_t line[LINE_MAX_PIXELS + 16];
    if (s->shape == SHAPE_TEXT)
        text_line(v, s, p, ma, row_scan, line);
    else
        graphics_line(v, s, p, ma, row_scan, line);
    memcpy(dst, line + pan, width * sizeof *dst);
}

static int render_legacy(const struct vga *v, uint64_t now, struct vga_frame *f,
                         const struct palettes *p)
{
    struct scanout s;
    measure(v, &s);
    s.now = now;
    unsigned width = s.chars * s.pixels_per_char;
    if (frame_resize(f, width, (s.lines + s.repeat - 1) / s.repeat) < 0)
        return -1;
    f->aspect_w = 4;
    f->aspect_h = 3;
    uint32_t row_ma = s.start;
    unsigned row_scan = v->crtc[CRTC_PRESET_ROW_SCAN] & 0x1F, pan = s.pan;
    for (unsigned line = 0; line < s.lines; line++) {
        if (line == s.line_compare) {
            row_ma = 0;
            row_scan = 0;
            if (v->ac[AC_MODE_CONTROL] & 0x20)
                pan = 0;
        }
        if (line % s.repeat == 0)
            scan_line(v, &s, p, row_ma, row_scan, pan, &f->pixels[(line / s.repeat) * width], width);
        if (s.double_scan && !(line & 1))
            continue;
        if (row_scan++ >= s.max_scan) {
            row_scan = 0;
            row_ma += s.row_step;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * VBE modes */

static uint32_t vbe_pixel(const uint8_t *px, unsigned bpp, const struct palettes *p)
{
    uint32_t w = px[0] | (uint32_t)px[1] << 8;
    switch (bpp) {
    case 8:
        return p->dac256[px[0]];
    case 15:
        return ((w >> 10 & 0x1F) * 255 / 31) << 16 | ((w >> 5 & 0x1F) * 255 / 31) << 8 |
               (w & 0x1F) * 255 / 31;
    case 16:
        return ((w >> 11 & 0x1F) * 255 / 31) << 16 | ((w >> 5 & 0x3F) * 255 / 63) << 8 |
               (w & 0x1F) * 255 / 31;
    default:                                            /* 24, 32: B G R (X) */
        return (uint32_t)px[2] << 16 | (uint32_t)px[1] << 8 | px[0];
    }
}

static void vbe_planar_line(const struct vga *v, uint32_t offset, unsigned width,
                            const struct palettes *p, uint32_t *out)
{
    uint32_t line[8];
    for (unsigned x = 0; x < width; x += 8) {
        planar_char(maps_at(v, (offset + x / 8) % (VGA_VRAM_SIZE / 4)), p->ac16, line);
        unsigned n = width - x < 8 ? width - x : 8;
        memcpy(out + x, line, n * sizeof *out);
    }
}

static void vbe_line(const struct vga *v, uint32_t offset, unsigned width, unsigned bpp,
                     const struct palettes *p, uint32_t *out)
{
    if (bpp == 4) {
        vbe_planar_line(v, offset, width, p, out);
        return;
    }
    unsigned bytes = (bpp + 7) / 8;
    if (bpp == 32 && offset + width * 4u <= VGA_VRAM_SIZE) {
        const uint8_t *px = &v->vram[offset];
        for (unsigned x = 0; x < width; x++, px += 4)
            out[x] = (uint32_t)px[2] << 16 | (uint32_t)px[1] << 8 | px[0];
        return;
    }
    for (unsigned x = 0; x < width; x++) {
        uint32_t at = offset + x * bytes;
        out[x] = at + bytes <= VGA_VRAM_SIZE ? vbe_pixel(&v->vram[at], bpp, p) : 0;
    }
}

static int render_vbe(const struct vga *v, struct vga_frame *f, const struct palettes *p)
{
    unsigned width = v->vbe.regs[VBE_DISPI_INDEX_XRES];
    unsigned height = v->vbe.regs[VBE_DISPI_INDEX_YRES];
    if (frame_resize(f, width, height) < 0)
        return -1;
    f->aspect_w = width;
    f->aspect_h = height;
    uint32_t start = vbe_start(&v->vbe), step = vbe_line_bytes(&v->vbe);
    for (unsigned y = 0; y < height; y++)
        vbe_line(v, start + y * step, width, vbe_bpp(&v->vbe), p, &f->pixels[(size_t)y * width]);
    return 0;
}

/* ------------------------------------------------------------------------ */

static bool screen_blanked(const struct vga *v)
{
    return !(v->ac_index & AC_PAS) || (v->seq[SEQ_CLOCKING_MODE] & 0x20);
}

int vga_render(const struct vga *v, uint64_t now, struct vga_frame *f)
{
    struct palettes p;
    make_palettes(v, &p);
    int rc = vbe_enabled(&v->vbe) ? render_vbe(v, f, &p) : render_legacy(v, now, f, &p);
    if (rc == 0 && !vbe_enabled(&v->vbe) && screen_blanked(v))
        memset(f->pixels, 0, (size_t)f->width * f->height * sizeof *f->pixels);
    return rc;
}

/* ------------------------------------------------------------------------
 * Text cells */

void vga_text_size(const struct vga *v, unsigned *cols, unsigned *rows)
{
    unsigned height = (v->crtc[CRTC_MAX_SCAN_LINE] & 0x1Fu) + 1;
    unsigned lines = vertical(v, CRTC_VERT_DISPLAY_END, 1, 6) + 1;
    if (v->crtc[CRTC_MAX_SCAN_LINE] & 0x80)
        lines /= 2;
    *cols = v->crtc[CRTC_HORIZ_DISPLAY_END] + 1u;
    *rows = lines / height;
}

void vga_text_cell(const struct vga *v, unsigned row, unsigned col, uint8_t *ch, uint8_t *attr)
{
    uint32_t start = (uint32_t)v->crtc[CRTC_START_ADDR_HIGH] << 8 | v->crtc[CRTC_START_ADDR_LOW];
    uint32_t ma = start + row * 2u * v->crtc[CRTC_OFFSET] + col;
    const uint8_t *cell = maps_at(v, memory_address(v, ma, 0));
    *ch = cell[0];
    *attr = cell[1];
}
