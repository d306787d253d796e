/* The VGA and its Bochs VBE extensions, driven through ports and memory
 * like a guest does: register indexing, the attribute flip-flop, the DAC's
 * three-byte cycles, the write modes and read modes with their latches,
 * chain-4 and odd/even addressing, retrace timing, text, mode 13h and VBE
 * pictures to exact pixels, and the PCI function. */
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "harness.h"
#include "pci.h"
#include "vga.h"
#include "vga_render.h"

#define WINDOW 0xA0000u

struct fixture {
    struct io_bus io;
    struct phys_mem *mem;
    struct clock clock;
    struct pci_bus *pci;
    struct vga *vga;
    struct vga_frame frame;
};

static struct fixture *setup_with(bool pci, const uint8_t *rom, size_t rom_size)
{
    struct fixture *f = calloc(1, sizeof *f);
    io_bus_init(&f->io);
    f->mem = phys_mem_create(1u << 20);
    clock_init(&f->clock);
    if (pci)
        f->pci = pci_bus_create(&f->io, f->mem);
    struct vga_config cfg = { .io = &f->io, .mem = f->mem, .pci = f->pci, .clock = &f->clock,
                              .rom = rom, .rom_size = rom_size };
    f->vga = vga_create(&cfg);
    return f;
}

static struct fixture *setup(void) { return setup_with(false, NULL, 0); }

static void teardown(struct fixture *f)
{
    vga_frame_free(&f->frame);
    vga_destroy(f->vga);
    if (f->pci)
        pci_bus_destroy(f->pci);
    phys_mem_destroy(f->mem);
    free(f);
}

static void out8(struct fixture *f, uint32_t port, uint8_t v) { io_write(&f->io, port, v, 1); }
static uint8_t in8(struct fixture *f, uint32_t port) { return (uint8_t)io_read(&f->io, port, 1); }
static void out16(struct fixture *f, uint32_t port, uint16_t v) { io_write(&f->io, port, v, 2); }
static uint16_t in16(struct fixture *f, uint32_t port) { return (uint16_t)io_read(&f->io, port, 2); }

static void seq(struct fixture *f, uint8_t i, uint8_t v) { out8(f, 0x3C4, i); out8(f, 0x3C5, v); }
static void gc(struct fixture *f, uint8_t i, uint8_t v) { out8(f, 0x3CE, i); out8(f, 0x3CF, v); }
static void crtc(struct fixture *f, uint8_t i, uint8_t v) { out8(f, 0x3D4, i); out8(f, 0x3D5, v); }

static void ac(struct fixture *f, uint8_t i, uint8_t v)
{
    in8(f, 0x3DA);
    out8(f, 0x3C0, i);
    out8(f, 0x3C0, v);
}

static void dac(struct fixture *f, uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
    out8(f, 0x3C8, i);
    out8(f, 0x3C9, r);
    out8(f, 0x3C9, g);
    out8(f, 0x3C9, b);
}

static void vbe(struct fixture *f, uint16_t index, uint16_t value)
{
    out16(f, VBE_DISPI_IOPORT_INDEX, index);
    out16(f, VBE_DISPI_IOPORT_DATA, value);
}

static uint16_t vbe_get(struct fixture *f, uint16_t index)
{
    out16(f, VBE_DISPI_IOPORT_INDEX, index);
    return in16(f, VBE_DISPI_IOPORT_DATA);
}

static uint8_t mem8(struct fixture *f, uint32_t a) { return (uint8_t)phys_read(f->mem, a, 1); }
static void poke8(struct fixture *f, uint32_t a, uint8_t v) { phys_write(f->mem, a, v, 1); }
static uint8_t plane(struct fixture *f, unsigned p, uint32_t offset) { return f->vga->vram[offset * 4 + p]; }

/* Planar graphics at 0xA0000 (64 KiB), all maps writable, write mode 0. */
static void planar_mode(struct fixture *f)
{
    out8(f, 0x3C2, 0x63);
    seq(f, SEQ_MAP_MASK, 0x0F);
    seq(f, SEQ_MEMORY_MODE, 0x06);
    gc(f, GC_MODE, 0x00);
    gc(f, GC_MISC, 0x05);
    gc(f, GC_BIT_MASK, 0xFF);
}

/* The register values of BIOS mode 3 (IBM's table): 80x25 text, 9-dot
 * characters 16 scan lines high, B8000, odd/even. */
static const uint8_t mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t mode3_crtc[25] = {
    0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00,
    0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF,
};
static const uint8_t mode3_gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF };
static const uint8_t mode3_ac[21] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
    0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00,
};

static void load_registers(struct fixture *f, uint8_t misc, const uint8_t *s, const uint8_t *c,
                           const uint8_t *g, const uint8_t *a)
{
    out8(f, 0x3C2, misc);
    for (uint8_t i = 0; i < 5; i++)
        seq(f, i, s[i]);
    crtc(f, 0x11, 0x00);                            /* unprotect 0-7 */
    for (uint8_t i = 0; i < 25; i++)
        crtc(f, i, c[i]);
    for (uint8_t i = 0; i < 9; i++)
        gc(f, i, g[i]);
    for (uint8_t i = 0; i < 21; i++)
        ac(f, i, a[i]);
    out8(f, 0x3C0, AC_PAS);                         /* display on */
}

/* Glyph ch of map 0: 16 rows of the given bits. */
static void load_glyph(struct fixture *f, uint8_t ch, uint8_t bits)
{
    seq(f, SEQ_MAP_MASK, 0x04);
    seq(f, SEQ_MEMORY_MODE, 0x06);
    gc(f, GC_MODE, 0x00);
    gc(f, GC_MISC, 0x04);
    for (unsigned row = 0; row < 16; row++)
        poke8(f, WINDOW + ch * 32u + row, bits);
    seq(f, SEQ_MAP_MASK, mode3_seq[2]);
    seq(f, SEQ_MEMORY_MODE, mode3_seq[4]);
    gc(f, GC_MODE, mode3_gc[5]);
    gc(f, GC_MISC, mode3_gc[6]);
}

static uint32_t pixel(struct fixture *f, unsigned x, unsigned y)
{
    return f->frame.pixels[(size_t)y * f->frame.width + x];
}

static void render(struct fixture *f)
{
    vga_render(f->vga, clock_ns(&f->clock), &f->frame);
}

/* ---- Registers ---- */

static void the_sequencer_index_selects_which_register_0x3c5_reaches(struct test_ctx *t)
{
    struct fixture *f = setup();
    seq(f, SEQ_MAP_MASK, 0x0A);
    seq(f, SEQ_CHAR_MAP_SELECT, 0x15);
    out8(f, 0x3C4, SEQ_MAP_MASK);
    CHECK_EQ(t, in8(f, 0x3C4), SEQ_MAP_MASK);
    CHECK_EQ(t, in8(f, 0x3C5), 0x0A);
    out8(f, 0x3C4, SEQ_CHAR_MAP_SELECT);
    CHECK_EQ(t, in8(f, 0x3C5), 0x15);
    io_write(&f->io, 0x3C4, 0x0702, 2);             /* index and data in one word */
    out8(f, 0x3C4, SEQ_MAP_MASK);
    CHECK_EQ(t, in8(f, 0x3C5), 0x07);
    teardown(f);
}

static void the_crtc_answers_at_0x3d4_in_colour_mode_and_0x3b4_in_mono(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x3C2, 0x01);
    crtc(f, CRTC_OFFSET, 0x28);
    CHECK_EQ(t, in8(f, 0x3D5), 0x28);
    CHECK_EQ(t, in8(f, 0x3B5), 0xFF);
    out8(f, 0x3C2, 0x00);
    CHECK_EQ(t, in8(f, 0x3D5), 0xFF);
    out8(f, 0x3B4, CRTC_OFFSET);
    CHECK_EQ(t, in8(f, 0x3B5), 0x28);
    CHECK_EQ(t, in8(f, 0x3CC), 0x00);
    teardown(f);
}

static void crtc_registers_0_to_7_are_protected_by_bit_7_of_register_0x11(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x3C2, 0x01);
    crtc(f, 0x01, 0x4F);
    crtc(f, 0x11, 0x80);
    crtc(f, 0x01, 0x27);
    crtc(f, CRTC_OVERFLOW, 0xFF);
    out8(f, 0x3D4, 0x01);
    CHECK_EQ(t, in8(f, 0x3D5), 0x4F);
    out8(f, 0x3D4, CRTC_OVERFLOW);
    CHECK_EQ(t, in8(f, 0x3D5), 0x10);               /* line compare bit 8 stays writable */
    crtc(f, CRTC_OFFSET, 0x50);                     /* 0x13 is not protected */
    CHECK_EQ(t, in8(f, 0x3D5), 0x50);
    teardown(f);
}

static void the_graphics_controller_keeps_only_the_defined_bits(struct test_ctx *t)
{
    struct fixture *f = setup();
    gc(f, GC_SET_RESET, 0xFF);
    CHECK_EQ(t, in8(f, 0x3CF), 0x0F);
    gc(f, GC_READ_MAP_SELECT, 0xFF);
    CHECK_EQ(t, in8(f, 0x3CF), 0x03);
    gc(f, GC_BIT_MASK, 0xA5);
    CHECK_EQ(t, in8(f, 0x3CF), 0xA5);
    teardown(f);
}

static void the_attribute_controller_alternates_index_and_data(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x3C2, 0x01);
    in8(f, 0x3DA);
    out8(f, 0x3C0, 0x05);
    out8(f, 0x3C0, 0x2A);
    out8(f, 0x3C0, 0x06);
    out8(f, 0x3C0, 0x15);
    out8(f, 0x3C0, 0x25);                           /* index 5, with PAS */
    CHECK_EQ(t, in8(f, 0x3C0), 0x25);
    CHECK_EQ(t, in8(f, 0x3C1), 0x2A);
    out8(f, 0x3C0, 0x33);                           /* data: palette 5 */
    in8(f, 0x3DA);
    out8(f, 0x3C0, 0x06);
    CHECK_EQ(t, in8(f, 0x3C1), 0x15);
    CHECK_EQ(t, f->vga->ac[5], 0x33);
    teardown(f);
}

static void reading_input_status_1_resets_the_flip_flop_to_index(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x3C2, 0x01);
    in8(f, 0x3DA);
    out8(f, 0x3C0, 0x01);                           /* index; next is data */
    in8(f, 0x3DA);                                  /* back to index */
    out8(f, 0x3C0, 0x02);
    out8(f, 0x3C0, 0x3F);
    CHECK_EQ(t, f->vga->ac[1], 0x00);
    CHECK_EQ(t, f->vga->ac[2], 0x3F);
    out8(f, 0x3C2, 0x00);                           /* mono: 0x3BA resets it */
    out8(f, 0x3C0, 0x03);
    in8(f, 0x3BA);
    out8(f, 0x3C0, 0x04);
    out8(f, 0x3C0, 0x11);
    CHECK_EQ(t, f->vga->ac[3], 0x00);
    CHECK_EQ(t, f->vga->ac[4], 0x11);
    teardown(f);
}

static void the_dac_write_index_cycles_red_green_blue_and_advances(struct test_ctx *t)
{
    struct fixture *f = setup();
    out8(f, 0x3C8, 0x10);
    for (uint8_t k = 0; k < 6; k++)
        out8(f, 0x3C9, (uint8_t)(0x41 + k));        /* bit 6 is dropped: 6-bit DAC */
    CHECK_EQ(t, f->vga->dac.palette[0x10][0], 0x01);
    CHECK_EQ(t, f->vga->dac.palette[0x10][2], 0x03);
    CHECK_EQ(t, f->vga->dac.palette[0x11][0], 0x04);
    CHECK_EQ(t, f->vga->dac.palette[0x11][2], 0x06);
    CHECK_EQ(t, in8(f, 0x3C8), 0x12);
    CHECK_EQ(t, in8(f, 0x3C7), 0x00);               /* DAC state: write */
    teardown(f);
}

static void the_dac_read_index_cycles_and_reports_the_read_state(struct test_ctx *t)
{
    struct fixture *f = setup();
    dac(f, 7, 0x3F, 0x20, 0x01);
    dac(f, 8, 0x02, 0x03, 0x04);
    out8(f, 0x3C7, 7);
    CHECK_EQ(t, in8(f, 0x3C7), 0x03);               /* DAC state: read */
    CHECK_EQ(t, in8(f, 0x3C9), 0x3F);
    CHECK_EQ(t, in8(f, 0x3C9), 0x20);
    CHECK_EQ(t, in8(f, 0x3C9), 0x01);
    CHECK_EQ(t, in8(f, 0x3C9), 0x02);
    out8(f, 0x3C6, 0x0F);
    CHECK_EQ(t, in8(f, 0x3C6), 0x0F);
    teardown(f);
}

static void vertical_retrace_comes_70_times_a_second_of_virtual_time(struct test_ctx *t)
{
    struct fixture *f = setup();
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    uint64_t frame = vga_frame_ns(f->vga);
    CHECK(t, frame > 14200000 && frame < 14300000);        /* 70.08 Hz */
    unsigned edges = 0;
    bool was = false;
    for (uint64_t ns = 0; ns < NS_PER_SEC; ns += 10000) {
        f->clock.now = ns;
        bool now = (in8(f, 0x3DA) & 0x08) != 0;
        edges += now && !was;
        was = now;
    }
    CHECK_EQ(t, edges, 70);
    f->clock.now = 0;
    CHECK_EQ(t, in8(f, 0x3DA) & 0x09, 0x00);       /* top left: displaying */
    f->clock.now = frame - 1000;
    CHECK_EQ(t, in8(f, 0x3DA) & 0x01, 0x01);       /* bottom: blanked */
    teardown(f);
}

/* ---- Memory: write modes, read modes, latches ---- */

static void write_mode_0_with_set_reset_fills_the_enabled_planes(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    gc(f, GC_SET_RESET, 0x05);
    gc(f, GC_ENABLE_SET_RESET, 0x07);               /* plane 3 takes the CPU byte */
    poke8(f, WINDOW + 0x10, 0x3C);
    CHECK_EQ(t, plane(f, 0, 0x10), 0xFF);
    CHECK_EQ(t, plane(f, 1, 0x10), 0x00);
    CHECK_EQ(t, plane(f, 2, 0x10), 0xFF);
    CHECK_EQ(t, plane(f, 3, 0x10), 0x3C);
    teardown(f);
}

static void write_mode_0_rotates_then_combines_with_the_latches(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    poke8(f, WINDOW + 1, 0xF0);                     /* all planes 0xF0 */
    mem8(f, WINDOW + 1);                            /* latches = F0 F0 F0 F0 */
    gc(f, GC_DATA_ROTATE, 0x18 | 4);                /* XOR, rotate right 4 */
    gc(f, GC_BIT_MASK, 0x3C);
    poke8(f, WINDOW + 1, 0xF0);                     /* rotated: 0x0F; F0^0F = FF */
    CHECK_EQ(t, plane(f, 2, 1), (0xFF & 0x3C) | (0xF0 & ~0x3C));
    gc(f, GC_DATA_ROTATE, 0x08);                    /* AND */
    gc(f, GC_BIT_MASK, 0xFF);
    mem8(f, WINDOW + 1);
    poke8(f, WINDOW + 1, 0x0F);
    CHECK_EQ(t, plane(f, 0, 1), 0xFC & 0x0F);
    teardown(f);
}

static void write_mode_1_copies_the_latches(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    gc(f, GC_ENABLE_SET_RESET, 0x0F);
    gc(f, GC_SET_RESET, 0x09);
    poke8(f, WINDOW + 5, 0);                        /* planes 0,3 = FF; 1,2 = 00 */
    gc(f, GC_MODE, 0x01);
    mem8(f, WINDOW + 5);
    poke8(f, WINDOW + 100, 0x12);                   /* the CPU byte does not matter */
    CHECK_EQ(t, plane(f, 0, 100), 0xFF);
    CHECK_EQ(t, plane(f, 1, 100), 0x00);
    CHECK_EQ(t, plane(f, 3, 100), 0xFF);
    teardown(f);
}

static void write_mode_2_expands_the_colour_under_the_bit_mask(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    gc(f, GC_MODE, 0x02);
    gc(f, GC_BIT_MASK, 0x81);
    mem8(f, WINDOW + 7);                            /* latches: zeros */
    poke8(f, WINDOW + 7, 0x0A);                     /* colour 1010 */
    CHECK_EQ(t, plane(f, 0, 7), 0x00);
    CHECK_EQ(t, plane(f, 1, 7), 0x81);
    CHECK_EQ(t, plane(f, 2, 7), 0x00);
    CHECK_EQ(t, plane(f, 3, 7), 0x81);
    teardown(f);
}

static void write_mode_3_ands_the_rotated_byte_with_the_bit_mask(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    gc(f, GC_MODE, 0x03);
    gc(f, GC_SET_RESET, 0x0C);
    gc(f, GC_BIT_MASK, 0xF0);
    gc(f, GC_DATA_ROTATE, 0x01);                    /* rotate right 1 */
    mem8(f, WINDOW + 9);
    poke8(f, WINDOW + 9, 0x3C);                     /* rotated: 0x1E; & F0 = 0x10 */
    CHECK_EQ(t, plane(f, 0, 9), 0x00);
    CHECK_EQ(t, plane(f, 2, 9), 0x10);
    CHECK_EQ(t, plane(f, 3, 9), 0x10);
    teardown(f);
}

static void the_map_mask_limits_which_planes_a_write_reaches(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    seq(f, SEQ_MAP_MASK, 0x06);
    poke8(f, WINDOW + 3, 0x5A);
    CHECK_EQ(t, plane(f, 0, 3), 0x00);
    CHECK_EQ(t, plane(f, 1, 3), 0x5A);
    CHECK_EQ(t, plane(f, 2, 3), 0x5A);
    CHECK_EQ(t, plane(f, 3, 3), 0x00);
    teardown(f);
}

static void read_mode_0_returns_the_selected_map_and_loads_the_latches(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    for (unsigned p = 0; p < 4; p++)
        f->vga->vram[0x20 * 4 + p] = (uint8_t)(0x10 + p);
    gc(f, GC_READ_MAP_SELECT, 2);
    CHECK_EQ(t, mem8(f, WINDOW + 0x20), 0x12);
    CHECK_EQ(t, f->vga->latch, 0x13121110);
    gc(f, GC_READ_MAP_SELECT, 3);
    CHECK_EQ(t, mem8(f, WINDOW + 0x20), 0x13);
    teardown(f);
}

static void read_mode_1_compares_colours_except_the_dont_care_planes(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    uint8_t planes[4] = { 0xF0, 0xCC, 0xAA, 0x0F };
    memcpy(&f->vga->vram[0x30 * 4], planes, 4);
    gc(f, GC_MODE, 0x08);
    gc(f, GC_COLOR_COMPARE, 0x05);                  /* 0101 */
    gc(f, GC_COLOR_DONT_CARE, 0x0F);
    /* pixel x has colour bits (p0,p1,p2,p3); it matches where p0=1,p1=0,p2=1,p3=0 */
    CHECK_EQ(t, mem8(f, WINDOW + 0x30), (0xF0 & ~0xCC & 0xAA & ~0x0F) & 0xFF);
    gc(f, GC_COLOR_DONT_CARE, 0x01);                /* only plane 0 counts */
    CHECK_EQ(t, mem8(f, WINDOW + 0x30), 0xF0);
    teardown(f);
}

static void chain_4_uses_address_bits_0_and_1_to_pick_the_plane(struct test_ctx *t)
{
    struct fixture *f = setup();
    planar_mode(f);
    seq(f, SEQ_MEMORY_MODE, 0x0E);
    gc(f, GC_MODE, 0x40);
    for (uint32_t a = 0; a < 8; a++)
        poke8(f, WINDOW + 0x100 + a, (uint8_t)(0xA0 + a));
    CHECK_EQ(t, plane(f, 0, 0x100), 0xA0);
    CHECK_EQ(t, plane(f, 3, 0x100), 0xA3);
    CHECK_EQ(t, plane(f, 1, 0x104), 0xA5);
    CHECK_EQ(t, plane(f, 0, 0x101), 0x00);          /* offsets 1-3 are skipped */
    CHECK_EQ(t, mem8(f, WINDOW + 0x106), 0xA6);
    teardown(f);
}

static void odd_even_sends_even_addresses_to_map_0_and_odd_to_map_1(struct test_ctx *t)
{
    struct fixture *f = setup();
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    poke8(f, 0xB8000 + 4, 'H');
    poke8(f, 0xB8000 + 5, 0x1F);
    CHECK_EQ(t, plane(f, 0, 4), 'H');
    CHECK_EQ(t, plane(f, 1, 4), 0x1F);
    CHECK_EQ(t, plane(f, 1, 5), 0x00);
    CHECK_EQ(t, mem8(f, 0xB8000 + 4), 'H');
    CHECK_EQ(t, mem8(f, 0xB8000 + 5), 0x1F);
    teardown(f);
}

static void the_memory_map_select_decides_which_window_answers(struct test_ctx *t)
{
    struct fixture *f = setup();
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    CHECK_EQ(t, mem8(f, 0xA0000), 0xFF);            /* B8000 only */
    CHECK_EQ(t, mem8(f, 0xB0000), 0xFF);
    gc(f, GC_MISC, 0x0A);                           /* B0000-B7FFF */
    poke8(f, 0xB0000, 'M');
    CHECK_EQ(t, plane(f, 0, 0), 'M');
    out8(f, 0x3C2, 0x65);                           /* RAM disabled */
    CHECK_EQ(t, mem8(f, 0xB0000), 0xFF);
    teardown(f);
}

/* ---- Pictures ---- */

static void a_text_character_renders_to_exact_pixels(struct test_ctx *t)
{
    struct fixture *f = setup();
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    crtc(f, CRTC_CURSOR_START, 0x20);               /* no cursor */
    dac(f, 0x01, 0x00, 0x00, 0x2A);                 /* blue background */
    dac(f, 0x3E, 0x3F, 0x3F, 0x15);                 /* yellow: palette 14 -> DAC 3E */
    load_glyph(f, 'A', 0x81);
    load_glyph(f, 0xC4, 0x01);
    poke8(f, 0xB8000 + 0, 'A');
    poke8(f, 0xB8000 + 1, 0x1E);
    poke8(f, 0xB8000 + 2, 0xC4);
    poke8(f, 0xB8000 + 3, 0x1E);
    render(f);
    CHECK_EQ(t, f->frame.width, 720);
    CHECK_EQ(t, f->frame.height, 400);
    uint32_t yellow = 0xFFFF55, blue = 0x0000AA;
    CHECK_EQ(t, pixel(f, 0, 0), yellow);
    CHECK_EQ(t, pixel(f, 1, 0), blue);
    CHECK_EQ(t, pixel(f, 7, 15), yellow);
    CHECK_EQ(t, pixel(f, 8, 0), blue);              /* 9th dot: background */
    CHECK_EQ(t, pixel(f, 9 + 7, 3), yellow);
    CHECK_EQ(t, pixel(f, 9 + 8, 3), yellow);        /* line graphics: 8th repeated */
    CHECK_EQ(t, pixel(f, 0, 16), 0x000000);         /* next row: blank cell */
    teardown(f);
}

static void the_cursor_blinks_every_8_frames(struct test_ctx *t)
{
    struct fixture *f = setup();
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    dac(f, 0x07, 0x2A, 0x2A, 0x2A);
    poke8(f, 0xB8000 + 2 * 81, ' ');
    poke8(f, 0xB8000 + 2 * 81 + 1, 0x07);
    crtc(f, CRTC_CURSOR_LOC_HIGH, 0);
    crtc(f, CRTC_CURSOR_LOC_LOW, 81);               /* row 1, column 1 */
    uint64_t frame = vga_frame_ns(f->vga);
    f->clock.now = frame / 2;
    render(f);
    CHECK_EQ(t, pixel(f, 9 + 4, 16 + 13), 0xAAAAAA);   /* lines 13-14 (0D-0E) */
    CHECK_EQ(t, pixel(f, 9 + 4, 16 + 12), 0x000000);
    f->clock.now = frame * 8 + frame / 2;
    render(f);
    CHECK_EQ(t, pixel(f, 9 + 4, 16 + 13), 0x000000);
    teardown(f);
}

static void blinking_characters_vanish_every_other_16_frames(struct test_ctx *t)
{
    struct fixture *f = setup();
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    crtc(f, CRTC_CURSOR_START, 0x20);
    dac(f, 0x01, 0x00, 0x00, 0x2A);
    dac(f, 0x3F, 0x3F, 0x3F, 0x3F);
    load_glyph(f, 'B', 0xFF);
    poke8(f, 0xB8000, 'B');
    poke8(f, 0xB8001, 0x9F);                        /* blink, blue on white */
    uint64_t frame = vga_frame_ns(f->vga);
    f->clock.now = frame / 2;
    render(f);
    CHECK_EQ(t, pixel(f, 3, 3), 0xFFFFFF);
    f->clock.now = 16 * frame + frame / 2;
    render(f);
    CHECK_EQ(t, pixel(f, 3, 3), 0x0000AA);          /* only the background */
    ac(f, AC_MODE_CONTROL, 0x04);                   /* blink off: bit 7 is intensity */
    out8(f, 0x3C0, AC_PAS);
    dac(f, 0x39, 0x15, 0x15, 0x3F);                 /* palette 9 -> DAC 39 */
    render(f);
    CHECK_EQ(t, pixel(f, 3, 3), 0xFFFFFF);
    CHECK_EQ(t, pixel(f, 8, 3), 0x5555FF);          /* the 9th dot: background 9 */
    teardown(f);
}

static void mode_13h_pixels_go_through_the_dac(struct test_ctx *t)
{
    static const uint8_t s[5] = { 0x03, 0x01, 0x0F, 0x00, 0x0E };
    static const uint8_t c[25] = {
        0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF,
    };
    static const uint8_t g[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF };
    static const uint8_t a[21] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
        0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00,
    };
    struct fixture *f = setup();
    load_registers(f, 0x63, s, c, g, a);
    dac(f, 0x80, 0x3F, 0x00, 0x00);
    dac(f, 0x81, 0x00, 0x3F, 0x00);
    poke8(f, WINDOW + 0, 0x80);
    poke8(f, WINDOW + 319, 0x81);
    poke8(f, WINDOW + 320 * 199 + 5, 0x81);
    render(f);
    CHECK_EQ(t, f->frame.width, 320);
    CHECK_EQ(t, f->frame.height, 200);
    CHECK_EQ(t, f->frame.aspect_w * 3, f->frame.aspect_h * 4);
    CHECK_EQ(t, pixel(f, 0, 0), 0xFF0000);
    CHECK_EQ(t, pixel(f, 1, 0), 0x000000);
    CHECK_EQ(t, pixel(f, 319, 0), 0x00FF00);
    CHECK_EQ(t, pixel(f, 5, 199), 0x00FF00);
    teardown(f);
}

static void mode_12h_planar_pixels_go_through_the_attribute_palette(struct test_ctx *t)
{
    static const uint8_t s[5] = { 0x03, 0x01, 0x0F, 0x00, 0x06 };
    static const uint8_t c[25] = {
        0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B, 0x3E, 0x00, 0x40, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00, 0xE7, 0x04, 0xE3, 0xFF,
    };
    static const uint8_t g[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x0F, 0xFF };
    static const uint8_t a[21] = {
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A,
        0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00,
    };
    struct fixture *f = setup();
    load_registers(f, 0xE3, s, c, g, a);
    dac(f, 0x3C, 0x3F, 0x00, 0x00);
    dac(f, 0x02, 0x00, 0x2A, 0x00);
    gc(f, GC_MODE, 0x02);
    gc(f, GC_BIT_MASK, 0x80);
    mem8(f, WINDOW + 80 * 479);
    poke8(f, WINDOW + 80 * 479, 0x0C);              /* pixel (0, 479): colour 12 */
    gc(f, GC_BIT_MASK, 0x01);
    mem8(f, WINDOW + 79);
    poke8(f, WINDOW + 79, 0x02);                    /* pixel (639, 0): colour 2 */
    render(f);
    CHECK_EQ(t, f->frame.width, 640);
    CHECK_EQ(t, f->frame.height, 480);
    CHECK_EQ(t, pixel(f, 0, 479), 0xFF0000);
    CHECK_EQ(t, pixel(f, 1, 479), 0x000000);
    CHECK_EQ(t, pixel(f, 639, 0), 0x00AA00);
    ac(f, AC_COLOR_PLANE_ENABLE, 0x03);             /* plane 2 and 3 off: 12 -> 0 */
    out8(f, 0x3C0, AC_PAS);
    render(f);
    CHECK_EQ(t, pixel(f, 0, 479), 0x000000);
    teardown(f);
}

static void mode_4_shows_cga_pixels_with_odd_lines_from_the_second_bank(struct test_ctx *t)
{
    static const uint8_t s[5] = { 0x03, 0x09, 0x03, 0x00, 0x02 };
    static const uint8_t c[25] = {
        0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF,
    };
    static const uint8_t g[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x00, 0xFF };
    static const uint8_t a[21] = {
        0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12,
        0x13, 0x14, 0x15, 0x16, 0x17, 0x01, 0x00, 0x03, 0x00, 0x00,
    };
    struct fixture *f = setup();
    load_registers(f, 0x63, s, c, g, a);
    dac(f, 0x13, 0x00, 0x3F, 0x3F);
    dac(f, 0x15, 0x3F, 0x00, 0x3F);
    dac(f, 0x17, 0x3F, 0x3F, 0x3F);
    poke8(f, 0xB8000, 0xE4);                        /* pixels 3 2 1 0 */
    poke8(f, 0xB8001, 0x03);                        /* pixel 7: colour 3 */
    poke8(f, 0xBA000, 0xC0);                        /* line 1, pixel 0 */
    render(f);
    CHECK_EQ(t, f->frame.width, 320);
    CHECK_EQ(t, f->frame.height, 200);
    CHECK_EQ(t, pixel(f, 0, 0), 0xFFFFFF);
    CHECK_EQ(t, pixel(f, 1, 0), 0xFF00FF);
    CHECK_EQ(t, pixel(f, 2, 0), 0x00FFFF);
    CHECK_EQ(t, pixel(f, 3, 0), 0x000000);
    CHECK_EQ(t, pixel(f, 7, 0), 0xFFFFFF);
    CHECK_EQ(t, pixel(f, 0, 1), 0xFFFFFF);
    CHECK_EQ(t, pixel(f, 1, 1), 0x000000);
    teardown(f);
}

static void line_compare_restarts_the_picture_at_address_0(struct test_ctx *t)
{
    static const uint8_t s[5] = { 0x03, 0x01, 0x0F, 0x00, 0x0E };
    static const uint8_t c[25] = {
        0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF,
    };
    static const uint8_t g[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF };
    static const uint8_t a[21] = { [0x10] = 0x41, [0x12] = 0x0F };
    struct fixture *f = setup();
    load_registers(f, 0x63, s, c, g, a);
    dac(f, 0x01, 0x3F, 0x3F, 0x3F);
    poke8(f, WINDOW + 0, 0x01);                     /* top-left pixel of memory */
    crtc(f, CRTC_START_ADDR_HIGH, 0x10);            /* show from 0x1000 * 4 */
    crtc(f, CRTC_LINE_COMPARE, 199);                /* split after 100 rows (scan line 199) */
    crtc(f, CRTC_OVERFLOW, 0x0F);                   /* line compare bits 8 and 9: 0 */
    crtc(f, CRTC_MAX_SCAN_LINE, 0x01);
    render(f);
    CHECK_EQ(t, pixel(f, 0, 0), 0x000000);
    CHECK_EQ(t, pixel(f, 0, 100), 0xFFFFFF);
    teardown(f);
}

static void a_vbe_mode_set_and_an_lfb_write_show_in_the_picture(struct test_ctx *t)
{
    struct fixture *f = setup();
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_ID), VBE_DISPI_ID5);
    vbe(f, VBE_DISPI_INDEX_XRES, 800);
    vbe(f, VBE_DISPI_INDEX_YRES, 600);
    vbe(f, VBE_DISPI_INDEX_BPP, 32);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_VIRT_WIDTH), 800);
    phys_write(f->mem, VGA_LFB_DEFAULT + (10 * 800 + 20) * 4, 0x00123456, 4);
    poke8(f, WINDOW + 0, 0x80);                     /* the bank window: pixel 0, blue */
    render(f);
    CHECK_EQ(t, f->frame.width, 800);
    CHECK_EQ(t, f->frame.height, 600);
    CHECK_EQ(t, pixel(f, 20, 10), 0x123456);
    CHECK_EQ(t, pixel(f, 0, 0), 0x000080);
    vbe(f, VBE_DISPI_INDEX_Y_OFFSET, 10);           /* panning */
    render(f);
    CHECK_EQ(t, pixel(f, 20, 0), 0x123456);
    teardown(f);
}

static void vbe_16_bpp_pixels_are_rgb565(struct test_ctx *t)
{
    struct fixture *f = setup();
    vbe(f, VBE_DISPI_INDEX_XRES, 640);
    vbe(f, VBE_DISPI_INDEX_YRES, 480);
    vbe(f, VBE_DISPI_INDEX_BPP, 16);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    phys_write(f->mem, VGA_LFB_DEFAULT + 2 * 641, 0xF800, 2);
    phys_write(f->mem, VGA_LFB_DEFAULT + 2 * 642, 0x07E0, 2);
    render(f);
    CHECK_EQ(t, pixel(f, 1, 1), 0xFF0000);
    CHECK_EQ(t, pixel(f, 2, 1), 0x00FF00);
    teardown(f);
}

static void vbe_getcaps_reports_the_largest_mode(struct test_ctx *t)
{
    struct fixture *f = setup();
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_GETCAPS);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_XRES), VBE_DISPI_MAX_XRES);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_BPP), 32);
    vbe(f, VBE_DISPI_INDEX_ENABLE, 0);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_BPP), 8);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_VIDEO_MEMORY_64K), 256);
    teardown(f);
}

static void vbe_refuses_a_mode_that_does_not_fit_the_vram(struct test_ctx *t)
{
    struct fixture *f = setup();
    vbe(f, VBE_DISPI_INDEX_XRES, 4096);
    vbe(f, VBE_DISPI_INDEX_YRES, 4096);
    vbe(f, VBE_DISPI_INDEX_BPP, 32);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_ENABLE) & VBE_DISPI_ENABLED, 0);
    vbe(f, VBE_DISPI_INDEX_XRES, 1920);
    vbe(f, VBE_DISPI_INDEX_YRES, 1080);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    CHECK_EQ(t, vbe_get(f, VBE_DISPI_INDEX_ENABLE) & VBE_DISPI_ENABLED, 1);
    teardown(f);
}

static void the_vbe_bank_moves_the_window_over_the_vram(struct test_ctx *t)
{
    struct fixture *f = setup();
    vbe(f, VBE_DISPI_INDEX_XRES, 1024);
    vbe(f, VBE_DISPI_INDEX_YRES, 768);
    vbe(f, VBE_DISPI_INDEX_BPP, 8);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    vbe(f, VBE_DISPI_INDEX_BANK, 3);
    poke8(f, WINDOW + 0x1234, 0x77);
    CHECK_EQ(t, f->vga->vram[3 * 0x10000 + 0x1234], 0x77);
    CHECK_EQ(t, mem8(f, WINDOW + 0x1234), 0x77);
    teardown(f);
}

static void vbe_clears_the_vram_unless_told_not_to(struct test_ctx *t)
{
    struct fixture *f = setup();
    f->vga->vram[100] = 0x55;
    vbe(f, VBE_DISPI_INDEX_XRES, 640);
    vbe(f, VBE_DISPI_INDEX_YRES, 480);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_NOCLEARMEM);
    CHECK_EQ(t, f->vga->vram[100], 0x55);
    vbe(f, VBE_DISPI_INDEX_ENABLE, 0);
    vbe(f, VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED);
    CHECK_EQ(t, f->vga->vram[100], 0x00);
    teardown(f);
}

/* ---- The PCI function ---- */

static void the_pci_function_is_a_1234_1111_display_with_a_16mib_lfb(struct test_ctx *t)
{
    struct fixture *f = setup_with(true, NULL, 0);
    uint8_t devfn = PCI_DEVFN(2, 0);
    CHECK_EQ(t, pci_config_read(f->pci, devfn, PCI_VENDOR_ID, 4), 0x11111234);
    CHECK_EQ(t, pci_config_read(f->pci, devfn, PCI_CLASS_DEVICE, 2), 0x0300);
    pci_config_write(f->pci, devfn, PCI_BASE_ADDRESS_0, 0xFFFFFFFF, 4);
    CHECK_EQ(t, pci_config_read(f->pci, devfn, PCI_BASE_ADDRESS_0, 4), 0xFF000008);
    pci_config_write(f->pci, devfn, PCI_BASE_ADDRESS_0, 0xFD000000, 4);
    pci_config_write(f->pci, devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    phys_write(f->mem, 0xFD000010, 0xCAFE, 2);
    CHECK_EQ(t, f->vga->vram[0x10], 0xFE);
    CHECK_EQ(t, f->vga->vram[0x11], 0xCA);
    teardown(f);
}

static void the_pci_rom_bar_serves_the_vga_bios(struct test_ctx *t)
{
    uint8_t rom[512] = { 0x55, 0xAA, 0x01 };
    struct fixture *f = setup_with(true, rom, sizeof rom);
    uint8_t devfn = PCI_DEVFN(2, 0);
    pci_config_write(f->pci, devfn, PCI_ROM_ADDRESS, 0xFEB00001, 4);
    pci_config_write(f->pci, devfn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    CHECK_EQ(t, phys_read(f->mem, 0xFEB00000, 2), 0xAA55);
    CHECK_EQ(t, phys_read(f->mem, 0xFEB00002, 1), 0x01);
    teardown(f);
}

static void a_snapshot_brings_back_registers_and_memory(struct test_ctx *t)
{
    struct fixture *f = setup();
    struct device_list list = { .count = 0 };
    device_add(&list, &vga_device_ops, f->vga);
    load_registers(f, 0x67, mode3_seq, mode3_crtc, mode3_gc, mode3_ac);
    poke8(f, 0xB8000, 'S');
    size_t size = devices_save(&list, NULL, 0);
    uint8_t *buf = malloc(size);
    devices_save(&list, buf, size);
    vga_reset(f->vga);
    f->vga->vram[0] = 0;
    CHECK_EQ(t, devices_load(&list, buf, size), 0);
    CHECK_EQ(t, f->vga->misc, 0x67);
    CHECK_EQ(t, f->vga->crtc[CRTC_OFFSET], 0x28);
    CHECK_EQ(t, plane(f, 0, 0), 'S');
    free(buf);
    teardown(f);
}

static const struct test registers[] = {
    TEST(the_sequencer_index_selects_which_register_0x3c5_reaches),
    TEST(the_crtc_answers_at_0x3d4_in_colour_mode_and_0x3b4_in_mono),
    TEST(crtc_registers_0_to_7_are_protected_by_bit_7_of_register_0x11),
    TEST(the_graphics_controller_keeps_only_the_defined_bits),
    TEST(the_attribute_controller_alternates_index_and_data),
    TEST(reading_input_status_1_resets_the_flip_flop_to_index),
    TEST(the_dac_write_index_cycles_red_green_blue_and_advances),
    TEST(the_dac_read_index_cycles_and_reports_the_read_state),
    TEST(vertical_retrace_comes_70_times_a_second_of_virtual_time),
};

static const struct test memory[] = {
    TEST(write_mode_0_with_set_reset_fills_the_enabled_planes),
    TEST(write_mode_0_rotates_then_combines_with_the_latches),
    TEST(write_mode_1_copies_the_latches),
    TEST(write_mode_2_expands_the_colour_under_the_bit_mask),
    TEST(write_mode_3_ands_the_rotated_byte_with_the_bit_mask),
    TEST(the_map_mask_limits_which_planes_a_write_reaches),
    TEST(read_mode_0_returns_the_selected_map_and_loads_the_latches),
    TEST(read_mode_1_compares_colours_except_the_dont_care_planes),
    TEST(chain_4_uses_address_bits_0_and_1_to_pick_the_plane),
    TEST(odd_even_sends_even_addresses_to_map_0_and_odd_to_map_1),
    TEST(the_memory_map_select_decides_which_window_answers),
};

static const struct test pictures[] = {
    TEST(a_text_character_renders_to_exact_pixels),
    TEST(the_cursor_blinks_every_8_frames),
    TEST(blinking_characters_vanish_every_other_16_frames),
    TEST(mode_13h_pixels_go_through_the_dac),
    TEST(mode_12h_planar_pixels_go_through_the_attribute_palette),
    TEST(mode_4_shows_cga_pixels_with_odd_lines_from_the_second_bank),
    TEST(line_compare_restarts_the_picture_at_address_0),
};

static const struct test vbe_and_pci[] = {
    TEST(a_vbe_mode_set_and_an_lfb_write_show_in_the_picture),
    TEST(vbe_16_bpp_pixels_are_rgb565),
    TEST(vbe_getcaps_reports_the_largest_mode),
    TEST(vbe_refuses_a_mode_that_does_not_fit_the_vram),
    TEST(the_vbe_bank_moves_the_window_over_the_vram),
    TEST(vbe_clears_the_vram_unless_told_not_to),
    TEST(the_pci_function_is_a_1234_1111_display_with_a_16mib_lfb),
    TEST(the_pci_rom_bar_serves_the_vga_bios),
    TEST(a_snapshot_brings_back_registers_and_memory),
};

int main(int argc, char **argv)
{
    static const struct suite s1 = SUITE("VGA registers", registers);
    static const struct suite s2 = SUITE("VGA memory", memory);
    static const struct suite s3 = SUITE("VGA pictures", pictures);
    static const struct suite s4 = SUITE("VBE and PCI", vbe_and_pci);
    static const struct suite *const suites[] = { &s1, &s2, &s3, &s4 };
    return harness_run(argc, argv, suites, 4);
}
