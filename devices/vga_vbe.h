/* The Bochs VBE "DISPI" interface of the VGA: an index port at 0x1CE and a
 * 16-bit data port at 0x1CF that set a linear graphics mode of 4, 8, 15,
 * 16, 24 or 32 bits per pixel, seen through the banked 64 KiB window at
 * 0xA0000 and the linear frame buffer (PCI BAR 0). SeaVGABIOS (bochsvga.c)
 * and Linux's bochs-drm drive it.
 *
 * Reference: Bochs iodev/display/vga.h and docs ("VBE DISPI" register
 * list, IDs 0xB0C0-0xB0C5); QEMU docs/specs/standard-vga.rst. */
#ifndef EMBER_DEVICES_VGA_VBE_H
#define EMBER_DEVICES_VGA_VBE_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

struct vga;

#define VBE_DISPI_IOPORT_INDEX 0x1CE
#define VBE_DISPI_IOPORT_DATA 0x1CF

enum vbe_dispi_index {
    VBE_DISPI_INDEX_ID,
    VBE_DISPI_INDEX_XRES,
    VBE_DISPI_INDEX_YRES,
    VBE_DISPI_INDEX_BPP,
    VBE_DISPI_INDEX_ENABLE,
    VBE_DISPI_INDEX_BANK,
    VBE_DISPI_INDEX_VIRT_WIDTH,
    VBE_DISPI_INDEX_VIRT_HEIGHT,
    VBE_DISPI_INDEX_X_OFFSET,
    VBE_DISPI_INDEX_Y_OFFSET,
    VBE_DISPI_INDEX_VIDEO_MEMORY_64K,
    VBE_DISPI_INDEX_COUNT
};

#define VBE_DISPI_ID0 0xB0C0
#define VBE_DISPI_ID5 0xB0C5

/* ENABLE register bits. */
#define VBE_DISPI_ENABLED 0x01
#define VBE_DISPI_GETCAPS 0x02
#define VBE_DISPI_8BIT_DAC 0x20
#define VBE_DISPI_LFB_ENABLED 0x40
#define VBE_DISPI_NOCLEARMEM 0x80

/* What GETCAPS reports (QEMU's limits); a mode must also fit the VRAM. */
#define VBE_DISPI_MAX_XRES 16000
#define VBE_DISPI_MAX_YRES 12000
#define VBE_DISPI_MAX_BPP 32

struct vga_vbe {
    uint16_t index;
    uint16_t regs[VBE_DISPI_INDEX_COUNT];
};

/* Power-on: disabled, ID 0xB0C5 (the newest the card speaks). */
void vbe_reset(struct vga *v);
/* Map 0x1CE-0x1D0 (0x1D0 is the data port too, as on QEMU). */
int vbe_map_ports(struct vga *v, struct io_bus *io);
uint16_t vbe_read(struct vga *v, unsigned index);
void vbe_write(struct vga *v, unsigned index, uint16_t value);

/* The mode as the display sees it. */
bool vbe_enabled(const struct vga_vbe *vbe);
unsigned vbe_bpp(const struct vga_vbe *vbe);
/* Bytes from one line to the next (4 bpp: per plane). */
uint32_t vbe_line_bytes(const struct vga_vbe *vbe);
/* Offset of the first shown pixel (X_OFFSET, Y_OFFSET; 4 bpp: per plane). */
uint32_t vbe_start(const struct vga_vbe *vbe);
/* Where the 0xA0000 window starts in VRAM (4 bpp: per plane). */
uint32_t vbe_bank_offset(const struct vga_vbe *vbe);
bool vbe_dac_8bit(const struct vga_vbe *vbe);

#endif
