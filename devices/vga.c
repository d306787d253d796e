/* The VGA core: registers and display memory; see vga.h.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, Video
 * Subsystem: "Graphics Controller Registers" (Set/Reset, Enable Set/Reset,
 * Color Compare, Data Rotate, Read Map Select, Graphics Mode, Miscellaneous,
 * Color Don't Care, Bit Mask), "Sequencer Registers" (Map Mask, Memory
 * Mode), "CRT Controller Registers", "Attribute Controller Registers",
 * "Video DAC"; FreeVGA "VGA/SVGA Video Programming" (write modes 0-3,
 * read modes 0-1, the latches, chain-4 and odd/even addressing). */
#include "vga.h"
#include "vga_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger.h"

/* ------------------------------------------------------------------------
 * Time: the frame, the vertical retrace and display enable */

#define DOT_CLOCK_25 25175000ull
#define DOT_CLOCK_28 28322000ull
#define VBE_REFRESH_HZ 60

uint64_t vga_now(const struct vga *v)
{
    return v->clock ? clock_now(v->clock) : 0;
}

/* Where the beam is: lines of the frame and where in it they show. */
struct vga_timing {
    uint64_t line_ns;
    uint32_t total_lines, display_lines, retrace_start, retrace_lines;
    uint32_t total_chars, display_chars;
};

static uint32_t crtc_vertical(const struct vga *v, unsigned reg, unsigned bit8, unsigned bit9)
{
    uint8_t ovf = v->crtc[CRTC_OVERFLOW];
    return v->crtc[reg] | ((ovf >> bit8) & 1u) << 8 | ((ovf >> bit9) & 1u) << 9;
}

/* The standard 640x400 at 70 Hz, for a CRTC nobody has programmed yet. */
static void default_timing(struct vga_timing *t)
{
    *t = (struct vga_timing){ .line_ns = 800 * NS_PER_SEC / DOT_CLOCK_25, .total_lines = 449,
                              .display_lines = 400, .retrace_start = 412,
                              .retrace_lines = 2, .total_chars = 100, .display_chars = 80 };
}

static void vbe_timing(const struct vga *v, struct vga_timing *t)
{
    uint32_t lines = v->vbe.regs[VBE_DISPI_INDEX_YRES];
    t->display_lines = lines;
    t->total_lines = lines + lines / 20 + 3;
    t->retrace_start = lines + 1;
    t->retrace_lines = 2;
    t->line_ns = NS_PER_SEC / VBE_REFRESH_HZ / t->total_lines;
    t->total_chars = 100;
    t->display_chars = 80;
}

static void crtc_timing(const struct vga *v, struct vga_timing *t)
{
    t->total_lines = crtc_vertical(v, 0x06, 0, 5) + 2;
    t->display_lines = crtc_vertical(v, CRTC_VERT_DISPLAY_END, 1, 6) + 1;
    t->retrace_start = crtc_vertical(v, 0x10, 2, 7);
    uint32_t end = v->crtc[CRTC_VRETRACE_END] & 0x0F;
    t->retrace_lines = ((end - t->retrace_start) & 0x0F) ? ((end - t->retrace_start) & 0x0F) : 16;
    t->total_chars = v->crtc[0x00] + 5u;
    t->display_chars = v->crtc[CRTC_HORIZ_DISPLAY_END] + 1u;
    unsigned dots = (v->seq[SEQ_CLOCKING_MODE] & 0x01) ? 8 : 9;
    uint64_t clock = ((v->misc >> 2) & 3) == 1 ? DOT_CLOCK_28 : DOT_CLOCK_25;
    if (v->seq[SEQ_CLOCKING_MODE] & 0x08)
        clock /= 2;
    t->line_ns = t->total_chars * dots * NS_PER_SEC / clock;
}

static void vga_timing(const struct vga *v, struct vga_timing *t)
{
    if (vbe_enabled(&v->vbe) && v->vbe.regs[VBE_DISPI_INDEX_YRES]) {
        vbe_timing(v, t);
        return;
    }
    crtc_timing(v, t);
    if (t->total_lines < 100 || t->total_chars < 20 || t->display_lines > t->total_lines)
        default_timing(t);
}

uint64_t vga_frame_ns(const struct vga *v)
{
    struct vga_timing t;
    vga_timing(v, &t);
    return t.line_ns * t.total_lines;
}

/* Input Status 1: bit 3 vertical retrace, bit 0 display disabled (the beam
 * is in a horizontal or vertical blank). Reading it resets the attribute
 * controller's flip-flop to "index". */
static uint8_t input_status_1(struct vga *v)
{
    v->ac_flipflop = 0;
    struct vga_timing t;
    vga_timing(v, &t);
    uint64_t now = vga_now(v);
    uint64_t in_frame = now % (t.line_ns * t.total_lines);
    uint32_t line = (uint32_t)(in_frame / t.line_ns);
    uint64_t in_line = in_frame % t.line_ns;
    uint8_t value = 0;
    if (line >= t.retrace_start && line < t.retrace_start + t.retrace_lines)
        value |= 0x08;
    if (line >= t.display_lines || in_line * t.total_chars >= t.line_ns * t.display_chars)
        value |= 0x01;
    return value;
}

/* ------------------------------------------------------------------------
 * Register ports */

static const uint8_t seq_mask[VGA_SEQ_COUNT] = { 0x03, 0x3D, 0x0F, 0x3F, 0x0E };
static const uint8_t gc_mask[VGA_GC_COUNT] = { 0x0F, 0x0F, 0x0F, 0x1F, 0x03,
                                               0x7B, 0x0F, 0x0F, 0xFF };
static const uint8_t ac_mask[VGA_AC_COUNT] = {
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0xEF, 0xFF, 0x3F, 0x0F, 0x0F,
};

static bool color_mode(const struct vga *v) { return (v->misc & MISC_IOAS) != 0; }

/* The CRTC, Feature Control and Input Status 1 answer at 0x3Bx or 0x3Dx as
 * the Miscellaneous Output register's I/O address select says. */
static bool crtc_port_live(const struct vga *v, uint32_t port)
{
    return (port & 0xFFF0) == (color_mode(v) ? 0x3D0u : 0x3B0u);
}

/* Scan-out features the picture (vga_render.c) does not draw: the CRTC's
 * Count By Two and Divide Scan Line Clock By 2 (Mode Control bits 3 and 2)
 * and Count By 4 (Underline Location bit 5); the sequencer's Shift Load
 * and Shift 4 (Clocking Mode bits 2 and 4). No BIOS mode sets them. */
static void check_crtc(struct vga *v, unsigned i, uint8_t value)
{
    if (i == CRTC_MODE_CONTROL && (value & 0x0C))
        trace_unimp_key(v, value & 0x0C, "VGA CRTC Mode Control %02xh:%s%s not implemented: "
                        "the picture is drawn without it", value,
                        (value & 0x08) ? " Count By Two (bit 3)" : "",
                        (value & 0x04) ? " Divide Scan Line Clock By 2 (bit 2)" : "");
    else if (i == CRTC_UNDERLINE_LOC && (value & 0x20))
        trace_unimp(v, "VGA CRTC Underline Location %02xh: Count By 4 (bit 5) not "
                    "implemented: the picture is drawn without it", value);
}

static void check_seq(struct vga *v, unsigned i, uint8_t value)
{
    if (i == SEQ_CLOCKING_MODE && (value & 0x14))
        trace_unimp_key(v, value & 0x14, "VGA sequencer Clocking Mode %02xh:%s%s not "
                        "implemented: the picture is drawn without it", value,
                        (value & 0x04) ? " Shift Load (bit 2)" : "",
                        (value & 0x10) ? " Shift 4 (bit 4)" : "");
}

static void crtc_write(struct vga *v, uint8_t value)
{
    unsigned i = v->crtc_index;
    check_crtc(v, i, value);
    bool protect = (v->crtc[CRTC_VRETRACE_END] & 0x80) != 0;
    if (protect && i <= CRTC_OVERFLOW) {
        if (i == CRTC_OVERFLOW)     /* only the line compare bit 8 stays writable */
            v->crtc[i] = (uint8_t)((v->crtc[i] & ~0x10) | (value & 0x10));
        return;
    }
    v->crtc[i] = value;
}

static void ac_write(struct vga *v, uint8_t value)
{
    if (!v->ac_flipflop) {
        v->ac_index = value & 0x3F;
    } else if ((v->ac_index & 0x1F) < VGA_AC_COUNT) {
        unsigned i = v->ac_index & 0x1F;
        v->ac[i] = value & ac_mask[i];
    }
    v->ac_flipflop ^= 1;
}

static uint8_t dac_max(const struct vga *v) { return vbe_dac_8bit(&v->vbe) ? 0xFF : 0x3F; }

static void dac_write_data(struct vga *v, uint8_t value)
{
    struct vga_dac *d = &v->dac;
    d->write_latch[d->component++] = value & dac_max(v);
    if (d->component == 3) {
        memcpy(d->palette[d->write_index], d->write_latch, 3);
        d->write_index++;
        d->component = 0;
    }
}

static uint8_t dac_read_data(struct vga *v)
{
    struct vga_dac *d = &v->dac;
    if (d->component == 0)
        memcpy(d->read_latch, d->palette[d->read_index], 3);
    uint8_t value = d->read_latch[d->component++];
    if (d->component == 3) {
        d->read_index++;
        d->component = 0;
    }
    return value;
}

static void dac_set_index(struct vga *v, uint32_t port, uint8_t value)
{
    struct vga_dac *d = &v->dac;
    d->component = 0;
    if (port == 0x3C7) {
        d->read_index = value;
        d->state = 3;
    } else {
        d->write_index = value;
        d->state = 0;
    }
}

static void write_indexed(struct vga *v, uint32_t port, uint8_t value)
{
    switch (port) {
    case 0x3C4:
        v->seq_index = value & 0x07;
        break;
    case 0x3C5:
        check_seq(v, v->seq_index, value);
        v->seq[v->seq_index] = v->seq_index < VGA_SEQ_COUNT ? value & seq_mask[v->seq_index] : value;
        break;
    case 0x3CE:
        v->gc_index = value & 0x0F;
        break;
    case 0x3CF:
        v->gc[v->gc_index] = v->gc_index < VGA_GC_COUNT ? value & gc_mask[v->gc_index] : value;
        break;
    case 0x3B4: case 0x3D4:
        v->crtc_index = value & 0x3F;
        break;
    case 0x3B5: case 0x3D5:
        crtc_write(v, value);
        break;
    }
}

void vga_port_write(struct vga *v, uint32_t port, uint8_t value)
{
    if ((port & 0xFFF0) != 0x3C0 && !crtc_port_live(v, port))
        return;
    switch (port) {
    case 0x3C0:
        ac_write(v, value);
        break;
    case 0x3C2:
        v->misc = value;
        break;
    case 0x3C6:
        v->dac.pel_mask = value;
        break;
    case 0x3C7: case 0x3C8:
        dac_set_index(v, port, value);
        break;
    case 0x3C9:
        dac_write_data(v, value);
        break;
    case 0x3BA: case 0x3DA:
        v->feature = value;
        break;
    default:
        write_indexed(v, port, value);
        break;
    }
}

static uint8_t read_indexed(struct vga *v, uint32_t port)
{
    switch (port) {
    case 0x3C4: return v->seq_index;
    case 0x3C5: return v->seq[v->seq_index];
    case 0x3CE: return v->gc_index;
    case 0x3CF: return v->gc[v->gc_index];
    case 0x3B4: case 0x3D4: return v->crtc_index;
    case 0x3B5: case 0x3D5: return v->crtc[v->crtc_index];
    default: return 0xFF;
    }
}

uint8_t vga_port_read(struct vga *v, uint32_t port)
{
    if ((port & 0xFFF0) != 0x3C0 && !crtc_port_live(v, port))
        return 0xFF;
    switch (port) {
    case 0x3C0: return v->ac_index;
    case 0x3C1: return (v->ac_index & 0x1F) < VGA_AC_COUNT ? v->ac[v->ac_index & 0x1F] : 0;
    case 0x3C2: return 0x00;                        /* Input Status 0 */
    case 0x3C3: return 0x01;                        /* video subsystem enable */
    case 0x3C6: return v->dac.pel_mask;
    case 0x3C7: return v->dac.state;
    case 0x3C8: return v->dac.write_index;
    case 0x3C9: return dac_read_data(v);
    case 0x3CA: return v->feature;
    case 0x3CC: return v->misc;
    case 0x3BA: case 0x3DA: return input_status_1(v);
    default: return read_indexed(v, port);
    }
}

static uint32_t ports_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)vga_port_read(opaque, VGA_PORT_BASE + addr + k) << (8 * k);
    return value;
}

/* A word write to an index port sets the index and then the data. */
static void ports_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        vga_port_write(opaque, VGA_PORT_BASE + addr + k, (uint8_t)(value >> (8 * k)));
}

static const struct io_ops vga_port_ops = {
    .name = "vga",
    .read = ports_read,
    .write = ports_write,
};

/* ------------------------------------------------------------------------
 * Display memory as the CPU sees it */

/* The offset into the memory map select's range of the window, or -1 when
 * the address falls outside it (GC Miscellaneous bits 3-2). */
static int32_t window_offset(const struct vga *v, uint32_t addr)
{
    switch ((v->gc[GC_MISC] >> 2) & 3) {
    case 0: return (int32_t)addr;                                   /* A0000, 128K */
    case 1: return addr < 0x10000 ? (int32_t)addr : -1;             /* A0000, 64K */
    case 2: return addr >= 0x10000 && addr < 0x18000 ? (int32_t)(addr - 0x10000) : -1;
    default: return addr >= 0x18000 ? (int32_t)(addr - 0x18000) : -1;
    }
}

/* The VBE modes of 8 bpp and more see VRAM linearly through the window. */
static bool vbe_linear_window(const struct vga *v)
{
    return vbe_enabled(&v->vbe) && vbe_bpp(&v->vbe) > 4;
}

static uint32_t plane_limit(const struct vga *v)
{
    return vbe_enabled(&v->vbe) ? VGA_VRAM_SIZE / 4 : VGA_PLANE_SIZE;
}

/* Offset within the maps for a window offset (before plane selection). */
static uint32_t map_offset(const struct vga *v, uint32_t off)
{
    if (vbe_enabled(&v->vbe))
        off += vbe_bank_offset(&v->vbe);
    return off % plane_limit(v);
}

static uint32_t load_latch(const struct vga *v, uint32_t offset)
{
    const uint8_t *p = &v->vram[offset * 4];
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Each of the four low bits of n becomes a byte of all ones or zeros. */
static uint32_t expand_bits(unsigned n)
{
    uint32_t out = 0;
    for (unsigned plane = 0; plane < 4; plane++)
        if (n & (1u << plane))
            out |= 0xFFu << (8 * plane);
    return out;
}

/* Read mode 1: a bit is 1 where every map the Color Don't Care register
 * includes matches its Color Compare bit. */
static uint8_t color_compare(const struct vga *v, uint32_t latch)
{
    uint32_t differ = (latch ^ expand_bits(v->gc[GC_COLOR_COMPARE])) &
                      expand_bits(v->gc[GC_COLOR_DONT_CARE]);
    return (uint8_t)~(differ | differ >> 8 | differ >> 16 | differ >> 24);
}

uint8_t vga_mem_read(struct vga *v, uint32_t addr)
{
    int32_t off = window_offset(v, addr);
    if (off < 0 || !(v->misc & MISC_ERAM))
        return 0xFF;
    if (vbe_linear_window(v))
        return v->vram[(vbe_bank_offset(&v->vbe) + (uint32_t)off) % VGA_VRAM_SIZE];
    uint32_t plane, offset = map_offset(v, (uint32_t)off);
    if (v->seq[SEQ_MEMORY_MODE] & 0x08) {               /* chain 4 */
        plane = offset & 3;
        offset &= ~3u;
    } else if (v->gc[GC_MODE] & 0x10) {                 /* odd/even */
        plane = (v->gc[GC_READ_MAP_SELECT] & 2) | (offset & 1);
        offset &= ~1u;
    } else {
        plane = v->gc[GC_READ_MAP_SELECT] & 3;
    }
    v->latch = load_latch(v, offset);
    if (v->gc[GC_MODE] & 0x08)
        return color_compare(v, v->latch);
    return (uint8_t)(v->latch >> (8 * plane));
}

static uint8_t rotate_right(uint8_t value, unsigned count)
{
    count &= 7;
    return (uint8_t)(value >> count | value << ((8 - count) & 7));
}

/* The ALU's function select (Data Rotate bits 4-3) against the latches. */
static uint32_t logical_op(const struct vga *v, uint32_t data)
{
    switch ((v->gc[GC_DATA_ROTATE] >> 3) & 3) {
    case 1: return data & v->latch;
    case 2: return data | v->latch;
    case 3: return data ^ v->latch;
    default: return data;
    }
}

static uint32_t apply_bit_mask(const struct vga *v, uint32_t data, uint8_t mask)
{
    uint32_t m = mask * 0x01010101u;
    return (data & m) | (v->latch & ~m);
}

/* What the four maps receive for a CPU byte in the current write mode. */
static uint32_t write_mode_data(const struct vga *v, uint8_t value)
{
    uint8_t rotated = rotate_right(value, v->gc[GC_DATA_ROTATE]);
    uint32_t set_reset = expand_bits(v->gc[GC_SET_RESET]);
    switch (v->gc[GC_MODE] & 3) {
    case 0: {
        uint32_t enable = expand_bits(v->gc[GC_ENABLE_SET_RESET]);
        uint32_t data = (rotated * 0x01010101u & ~enable) | (set_reset & enable);
        return apply_bit_mask(v, logical_op(v, data), v->gc[GC_BIT_MASK]);
    }
    case 1:
        return v->latch;
    case 2:
        return apply_bit_mask(v, logical_op(v, expand_bits(value)), v->gc[GC_BIT_MASK]);
    default:
        return apply_bit_mask(v, logical_op(v, set_reset), v->gc[GC_BIT_MASK] & rotated);
    }
}

static void store_planes(struct vga *v, uint32_t offset, uint32_t data, unsigned planes)
{
    uint8_t *p = &v->vram[offset * 4];
    for (unsigned plane = 0; plane < 4; plane++)
        if (planes & (1u << plane))
            p[plane] = (uint8_t)(data >> (8 * plane));
}

void vga_mem_write(struct vga *v, uint32_t addr, uint8_t value)
{
    int32_t off = window_offset(v, addr);
    if (off < 0 || !(v->misc & MISC_ERAM))
        return;
    if (vbe_linear_window(v)) {
        v->vram[(vbe_bank_offset(&v->vbe) + (uint32_t)off) % VGA_VRAM_SIZE] = value;
        return;
    }
    uint32_t offset = map_offset(v, (uint32_t)off);
    unsigned planes = v->seq[SEQ_MAP_MASK] & 0x0F;
    if (v->seq[SEQ_MEMORY_MODE] & 0x08) {               /* chain 4 */
        planes &= 1u << (offset & 3);
        offset &= ~3u;
    } else if (!(v->seq[SEQ_MEMORY_MODE] & 0x04)) {     /* odd/even */
        planes &= (offset & 1) ? 0x0A : 0x05;
        offset &= ~1u;
    }
    store_planes(v, offset, write_mode_data(v, value), planes);
}

static uint32_t window_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)vga_mem_read(opaque, addr + k) << (8 * k);
    return value;
}

static void window_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        vga_mem_write(opaque, addr + k, (uint8_t)(value >> (8 * k)));
}

static const struct io_ops vga_window_ops = {
    .name = "vga-window",
    .read = window_read,
    .write = window_write,
};

/* ------------------------------------------------------------------------
 * The card: PCI function, reset, life cycle, snapshots */

void vga_reset(struct vga *v)
{
    v->misc = 0;
    v->feature = 0;
    v->seq_index = v->crtc_index = v->gc_index = v->ac_index = 0;
    memset(v->seq, 0, sizeof v->seq);
    memset(v->crtc, 0, sizeof v->crtc);
    memset(v->gc, 0, sizeof v->gc);
    memset(v->ac, 0, sizeof v->ac);
    v->gc[GC_BIT_MASK] = 0xFF;
    v->ac_flipflop = 0;
    memset(&v->dac, 0, sizeof v->dac);
    v->dac.pel_mask = 0xFF;
    v->latch = 0;
    vbe_reset(v);
    if (v->pci.bus)
        pci_device_reset(&v->pci);
}

static void init_pci_function(struct vga *v)
{
    pci_device_init(&v->pci, 0x1234, 0x1111, 0x030000);
    pci_set_byte(&v->pci, PCI_REVISION_ID, 0x02);
    pci_set_word(&v->pci, PCI_SUBSYSTEM_VENDOR_ID, 0x1AF4);
    pci_set_word(&v->pci, PCI_SUBSYSTEM_ID, 0x1100);
}

static int attach_pci(struct vga *v, const struct vga_config *cfg)
{
    init_pci_function(v);
    if (pci_bar_mem(&v->pci, 0, VGA_VRAM_SIZE, PCI_BAR_PREFETCH, NULL, v->vram, v) < 0)
        return -1;
    if (cfg->rom && cfg->rom_size && pci_set_rom(&v->pci, cfg->rom, cfg->rom_size) < 0)
        return -1;
    return pci_bus_add(cfg->pci, &v->pci, PCI_DEVFN(2, 0));
}

/* An ISA card: the ROM at 0xC0000 and the LFB where Bochs puts it. */
static int attach_isa(struct vga *v, const struct vga_config *cfg)
{
    if (cfg->rom && cfg->rom_size &&
        phys_map_rom(cfg->mem, 0xC0000, (uint32_t)((cfg->rom_size + 0xFFF) & ~(size_t)0xFFF),
                     cfg->rom, cfg->rom_size) < 0)
        return -1;
    v->lfb_region = phys_create_region(cfg->mem, PHYS_RAM, VGA_VRAM_SIZE, v->vram, NULL, NULL);
    if (v->lfb_region < 0)
        return -1;
    return phys_place_region(cfg->mem, v->lfb_region, VGA_LFB_DEFAULT);
}

struct vga *vga_create(const struct vga_config *cfg)
{
    struct vga *v = calloc(1, sizeof *v);
    if (!v) {
        fprintf(stderr, "ember: out of memory for the VGA's 16 MiB of video memory\n");
        return NULL;
    }
    v->clock = cfg->clock;
    v->mem = cfg->mem;
    int rc = cfg->pci ? attach_pci(v, cfg) : attach_isa(v, cfg);
    if (rc == 0)
        rc = io_map(cfg->io, VGA_PORT_BASE, VGA_PORT_COUNT, &vga_port_ops, v);
    if (rc == 0)
        rc = vbe_map_ports(v, cfg->io);
    if (rc == 0)
        rc = phys_map_mmio(cfg->mem, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &vga_window_ops, v);
    if (rc < 0) {
        fprintf(stderr, "ember: cannot map the VGA (its ports, memory window, LFB or ROM)\n");
        vga_destroy(v);
        return NULL;
    }
    vga_reset(v);
    return v;
}

void vga_destroy(struct vga *v)
{
    if (!v)
        return;
    pci_device_destroy(&v->pci);
    free(v);
}

static void ops_reset(void *dev) { vga_reset(dev); }
static void ops_destroy(void *dev) { vga_destroy(dev); }

static void ops_set_cpu(void *dev, struct cpu *cpu)
{
    struct vga *v = dev;
    v->cpu = cpu;
}

static void post_load(void *dev)
{
    struct vga *v = dev;
    if (v->pci.bus)
        pci_device_post_load(&v->pci);
}

static const struct state_field vga_fields[] = {
    STATE_FIELD(struct vga, misc),        STATE_FIELD(struct vga, feature),
    STATE_FIELD(struct vga, seq_index),   STATE_FIELD(struct vga, seq),
    STATE_FIELD(struct vga, crtc_index),  STATE_FIELD(struct vga, crtc),
    STATE_FIELD(struct vga, gc_index),    STATE_FIELD(struct vga, gc),
    STATE_FIELD(struct vga, ac_index),    STATE_FIELD(struct vga, ac),
    STATE_FIELD(struct vga, ac_flipflop), STATE_FIELD(struct vga, dac),
    STATE_FIELD(struct vga, latch),       STATE_FIELD(struct vga, vbe),
    STATE_FIELD(struct vga, pci.config),  STATE_FIELD(struct vga, vram),
};

static const struct device_state vga_state = {
    .version = 1,
    .fields = vga_fields,
    .nfields = sizeof vga_fields / sizeof vga_fields[0],
    .post_load = post_load,
};

const struct device_ops vga_device_ops = {
    .name = "vga",
    .reset = ops_reset,
    .destroy = ops_destroy,
    .state = &vga_state,
    .set_cpu = ops_set_cpu,
};

/* ------------------------------------------------------------------------
 * The monitor's "info vga" */

static void vga_regs_info(FILE *out, const char *name, const uint8_t *regs, unsigned n)
{
    fprintf(out, "%-5s", name);
    for (unsigned k = 0; k < n; k++)
        fprintf(out, "%s%02x", k && k % 16 == 0 ? "\n     " : " ", regs[k]);
    fputc('\n', out);
}

void vga_info(const struct vga *v, FILE *out)
{
    if (vbe_enabled(&v->vbe)) {
        fprintf(out, "mode: VBE %ux%u, %u bpp, line %u bytes, start %u%s%s\n",
                v->vbe.regs[VBE_DISPI_INDEX_XRES], v->vbe.regs[VBE_DISPI_INDEX_YRES],
                vbe_bpp(&v->vbe), vbe_line_bytes(&v->vbe), vbe_start(&v->vbe),
                (v->vbe.regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_LFB_ENABLED) ? ", LFB" : "",
                vbe_dac_8bit(&v->vbe) ? ", 8-bit DAC" : "");
    } else if (vga_text_mode(v)) {
        unsigned cols, rows;
        vga_text_size(v, &cols, &rows);
        unsigned start = (unsigned)v->crtc[CRTC_START_ADDR_HIGH] << 8 | v->crtc[CRTC_START_ADDR_LOW];
        unsigned cursor = (unsigned)v->crtc[CRTC_CURSOR_LOC_HIGH] << 8 | v->crtc[CRTC_CURSOR_LOC_LOW];
        fprintf(out, "mode: text %ux%u, start address %04x, cursor %04x (row %u, column %u)%s\n",
                cols, rows, start, cursor, cols ? (cursor - start) / cols : 0,
                cols ? (cursor - start) % cols : 0,
                (v->crtc[CRTC_CURSOR_START] & 0x20) ? ", cursor off" : "");
    } else {
        fprintf(out, "mode: graphics (%s)\n", (v->gc[GC_MODE] & 0x40) ? "256 colours" :
                                              (v->gc[GC_MODE] & 0x20) ? "CGA shift" : "planar");
    }
    fprintf(out, "display %s, frame %.2f Hz, memory window %s\n",
            (v->ac_index & AC_PAS) ? "on" : "off (palette being loaded)",
            vga_frame_ns(v) ? 1e9 / (double)vga_frame_ns(v) : 0.0,
            (v->misc & MISC_ERAM) ? "enabled" : "disabled");
    fprintf(out, "misc %02x, feature %02x, DAC mask %02x, latches %08x\n", v->misc, v->feature,
            v->dac.pel_mask, v->latch);
    vga_regs_info(out, "SEQ", v->seq, VGA_SEQ_COUNT);
    vga_regs_info(out, "CRTC", v->crtc, VGA_CRTC_COUNT);
    vga_regs_info(out, "GC", v->gc, VGA_GC_COUNT);
    vga_regs_info(out, "AC", v->ac, VGA_AC_COUNT);
    fprintf(out, "VBE  ");
    for (unsigned k = 0; k < VBE_DISPI_INDEX_COUNT; k++)
        fprintf(out, " %04x", v->vbe.regs[k]);
    fputc('\n', out);
}
