/* Bochs VBE DISPI registers; see vga_vbe.h.
 *
 * Reference: Bochs iodev/display/vga.cc (the dispi register semantics:
 * XRES a multiple of 8, virtual height derived from the memory left,
 * GETCAPS reporting the maxima, NOCLEARMEM) and QEMU
 * docs/specs/standard-vga.rst. */
#include "vga_vbe.h"

#include <string.h>

#include "vga.h"

#define BANK_SIZE 0x10000u

static uint16_t *reg(struct vga *v, unsigned index) { return &v->vbe.regs[index]; }

bool vbe_enabled(const struct vga_vbe *vbe)
{
    return (vbe->regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_ENABLED) != 0;
}

unsigned vbe_bpp(const struct vga_vbe *vbe) { return vbe->regs[VBE_DISPI_INDEX_BPP]; }

bool vbe_dac_8bit(const struct vga_vbe *vbe)
{
    return (vbe->regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_8BIT_DAC) != 0;
}

/* Bytes per pixel, rounded up (15 bpp takes two). 4 bpp is planar: 0. */
static unsigned bytes_per_pixel(unsigned bpp) { return bpp == 4 ? 0 : (bpp + 7) / 8; }

static uint32_t line_bytes_for(unsigned bpp, uint32_t width)
{
    return bpp == 4 ? width / 8 : width * bytes_per_pixel(bpp);
}

/* Bytes of VRAM one line-step can address (4 bpp: one plane of four). */
static uint32_t addressable(unsigned bpp) { return bpp == 4 ? VGA_VRAM_SIZE / 4 : VGA_VRAM_SIZE; }

uint32_t vbe_line_bytes(const struct vga_vbe *vbe)
{
    return line_bytes_for(vbe_bpp(vbe), vbe->regs[VBE_DISPI_INDEX_VIRT_WIDTH]);
}

uint32_t vbe_start(const struct vga_vbe *vbe)
{
    unsigned bpp = vbe_bpp(vbe);
    uint32_t x = vbe->regs[VBE_DISPI_INDEX_X_OFFSET];
    uint32_t y = vbe->regs[VBE_DISPI_INDEX_Y_OFFSET];
    uint32_t xbytes = bpp == 4 ? x / 8 : x * bytes_per_pixel(bpp);
    return y * vbe_line_bytes(vbe) + xbytes;
}

uint32_t vbe_bank_offset(const struct vga_vbe *vbe)
{
    return (uint32_t)vbe->regs[VBE_DISPI_INDEX_BANK] * BANK_SIZE;
}

static bool bpp_valid(unsigned bpp)
{
    return bpp == 4 || bpp == 8 || bpp == 15 || bpp == 16 || bpp == 24 || bpp == 32;
}

/* Keep the virtual screen at least the visible one and inside the VRAM. */
static void fix_virtual_size(struct vga *v)
{
    unsigned bpp = vbe_bpp(&v->vbe);
    uint16_t *vw = reg(v, VBE_DISPI_INDEX_VIRT_WIDTH);
    uint16_t *vh = reg(v, VBE_DISPI_INDEX_VIRT_HEIGHT);
    if (*vw < *reg(v, VBE_DISPI_INDEX_XRES))
        *vw = *reg(v, VBE_DISPI_INDEX_XRES);
    uint32_t line = line_bytes_for(bpp, *vw);
    uint32_t max_lines = line ? addressable(bpp) / line : 0;
    if (max_lines > 0xFFFF)
        max_lines = 0xFFFF;
    if (*vh < *reg(v, VBE_DISPI_INDEX_YRES))
        *vh = *reg(v, VBE_DISPI_INDEX_YRES);
    if (*vh > max_lines)
        *vh = (uint16_t)max_lines;
}

/* Does the programmed mode fit the VRAM? */
static bool mode_fits(const struct vga *v)
{
    const uint16_t *r = v->vbe.regs;
    unsigned bpp = r[VBE_DISPI_INDEX_BPP];
    if (!bpp_valid(bpp) || r[VBE_DISPI_INDEX_XRES] == 0 || r[VBE_DISPI_INDEX_YRES] == 0)
        return false;
    uint64_t need = (uint64_t)line_bytes_for(bpp, r[VBE_DISPI_INDEX_XRES]) *
                    r[VBE_DISPI_INDEX_YRES];
    return need <= addressable(bpp);
}

/* The legacy registers a VBE mode needs so that the 0xA0000 window decodes
 * 64 KiB of graphics memory (planar for 4 bpp, chained above). */
static void set_legacy_graphics(struct vga *v)
{
    v->gc[GC_MISC] = 0x05;                      /* graphics, A0000-AFFFF */
    v->gc[GC_MODE] = 0x00;
    v->gc[GC_BIT_MASK] = 0xFF;
    v->seq[SEQ_MAP_MASK] = 0x0F;
    v->seq[SEQ_MEMORY_MODE] = vbe_bpp(&v->vbe) == 4 ? 0x06 : 0x0E;
    v->ac[AC_MODE_CONTROL] |= 0x01;
    v->misc |= MISC_ERAM;
}

static void enable(struct vga *v, uint16_t value)
{
    bool was = vbe_enabled(&v->vbe);
    if ((value & VBE_DISPI_ENABLED) && !was) {
        if (!mode_fits(v))
            value &= (uint16_t)~VBE_DISPI_ENABLED;
        else {
            *reg(v, VBE_DISPI_INDEX_VIRT_WIDTH) = *reg(v, VBE_DISPI_INDEX_XRES);
            *reg(v, VBE_DISPI_INDEX_VIRT_HEIGHT) = 0xFFFF;
            *reg(v, VBE_DISPI_INDEX_X_OFFSET) = 0;
            *reg(v, VBE_DISPI_INDEX_Y_OFFSET) = 0;
            *reg(v, VBE_DISPI_INDEX_BANK) = 0;
            fix_virtual_size(v);
            if (!(value & VBE_DISPI_NOCLEARMEM))
                memset(v->vram, 0, VGA_VRAM_SIZE);
            set_legacy_graphics(v);
        }
    } else if (!(value & VBE_DISPI_ENABLED)) {
        *reg(v, VBE_DISPI_INDEX_BANK) = 0;
    }
    *reg(v, VBE_DISPI_INDEX_ENABLE) = value & (VBE_DISPI_ENABLED | VBE_DISPI_GETCAPS |
                                              VBE_DISPI_8BIT_DAC | VBE_DISPI_LFB_ENABLED |
                                              VBE_DISPI_NOCLEARMEM);
}

static void write_geometry(struct vga *v, unsigned index, uint16_t value)
{
    switch (index) {
    case VBE_DISPI_INDEX_XRES:
        if (value <= VBE_DISPI_MAX_XRES && (value & 7) == 0)
            *reg(v, index) = value;
        break;
    case VBE_DISPI_INDEX_YRES:
        if (value <= VBE_DISPI_MAX_YRES)
            *reg(v, index) = value;
        break;
    case VBE_DISPI_INDEX_BPP:
        if (value == 0)
            value = 8;
        if (bpp_valid(value))
            *reg(v, index) = value;
        break;
    }
    if (vbe_enabled(&v->vbe))
        fix_virtual_size(v);
}

void vbe_write(struct vga *v, unsigned index, uint16_t value)
{
    switch (index) {
    case VBE_DISPI_INDEX_ID:
        if (value >= VBE_DISPI_ID0 && value <= VBE_DISPI_ID5)
            *reg(v, index) = value;
        break;
    case VBE_DISPI_INDEX_XRES:
    case VBE_DISPI_INDEX_YRES:
    case VBE_DISPI_INDEX_BPP:
        write_geometry(v, index, value);
        break;
    case VBE_DISPI_INDEX_ENABLE:
        enable(v, value);
        break;
    case VBE_DISPI_INDEX_BANK:
        if ((uint32_t)value * BANK_SIZE < addressable(vbe_bpp(&v->vbe)))
            *reg(v, index) = value;
        break;
    case VBE_DISPI_INDEX_VIRT_WIDTH:
        *reg(v, index) = value;
        *reg(v, VBE_DISPI_INDEX_VIRT_HEIGHT) = 0xFFFF;
        fix_virtual_size(v);
        break;
    case VBE_DISPI_INDEX_VIRT_HEIGHT:
        *reg(v, index) = value;
        fix_virtual_size(v);
        break;
    case VBE_DISPI_INDEX_X_OFFSET:
    case VBE_DISPI_INDEX_Y_OFFSET:
        *reg(v, index) = value;
        break;
    default:
        break;                  /* VIDEO_MEMORY_64K and beyond: read only */
    }
}

uint16_t vbe_read(struct vga *v, unsigned index)
{
    bool caps = (v->vbe.regs[VBE_DISPI_INDEX_ENABLE] & VBE_DISPI_GETCAPS) != 0;
    switch (index) {
    case VBE_DISPI_INDEX_XRES:
        return caps ? VBE_DISPI_MAX_XRES : v->vbe.regs[index];
    case VBE_DISPI_INDEX_YRES:
        return caps ? VBE_DISPI_MAX_YRES : v->vbe.regs[index];
    case VBE_DISPI_INDEX_BPP:
        return caps ? VBE_DISPI_MAX_BPP : v->vbe.regs[index];
    case VBE_DISPI_INDEX_VIDEO_MEMORY_64K:
        return (uint16_t)(VGA_VRAM_SIZE / BANK_SIZE);
    default:
        return index < VBE_DISPI_INDEX_COUNT ? v->vbe.regs[index] : 0;
    }
}

void vbe_reset(struct vga *v)
{
    memset(&v->vbe, 0, sizeof v->vbe);
    v->vbe.regs[VBE_DISPI_INDEX_ID] = VBE_DISPI_ID5;
    v->vbe.regs[VBE_DISPI_INDEX_BPP] = 8;
}

/* Port offsets from 0x1CE: 0 = index, 1 (and 2) = data. */
static uint32_t dispi_read(void *opaque, uint32_t addr, unsigned size)
{
    struct vga *v = opaque;
    (void)size;
    return addr == 0 ? v->vbe.index : vbe_read(v, v->vbe.index);
}

static void dispi_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct vga *v = opaque;
    (void)size;
    if (addr == 0)
        v->vbe.index = (uint16_t)value;
    else
        vbe_write(v, v->vbe.index, (uint16_t)value);
}

static const struct io_ops dispi_ops = {
    .name = "vbe-dispi",
    .read = dispi_read,
    .write = dispi_write,
};

int vbe_map_ports(struct vga *v, struct io_bus *io)
{
    return io_map(io, VBE_DISPI_IOPORT_INDEX, 3, &dispi_ops, v);
}
