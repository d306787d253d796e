/* The VGA's picture: the state of struct vga turned into 32-bit RGB pixels
 * as the CRT controller, attribute controller and DAC would scan it out.
 * Nothing here runs per instruction or per guest frame: the frontend asks
 * for a picture when it wants one (a window refresh, a screendump).
 *
 * The picture has one pixel per distinct dot of the mode: 720x400 for the
 * 9-dot text modes, 640x480 for mode 12h, 320x200 for modes 0Dh, 04h and
 * 13h (the CRTC's doubled scan lines are shown once), the VBE resolution
 * for VBE modes. The display aspect ratio says how a monitor would stretch
 * it: 4:3 for the VGA's own modes, square pixels for VBE modes.
 *
 * References: IBM PS/2 Hardware Interface Technical Reference, Video
 * Subsystem ("CRT Controller", "Attribute Controller", "Video DAC",
 * "Character Map Select", the Offset, Underline Location, Mode Control and
 * Line Compare registers); FreeVGA "VGA Text Mode Operation". */
#ifndef EMBER_DEVICES_VGA_RENDER_H
#define EMBER_DEVICES_VGA_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "vga.h"

struct vga_frame {
    uint32_t *pixels;           /* 0x00RRGGBB, row after row */
    unsigned width, height;
    unsigned aspect_w, aspect_h;
    size_t capacity;            /* pixels allocated */
};

/* Draw the picture as it is at virtual time now (blink phases come from
 * it). Grows f's buffer as needed; returns 0, or -1 without memory. */
int vga_render(const struct vga *v, uint64_t now, struct vga_frame *f);
void vga_frame_free(struct vga_frame *f);

/* Text modes, for dumps and tests: whether the card shows text, the size
 * of the screen in cells, and one cell's character and attribute (row and
 * column counted from the start address). */
bool vga_text_mode(const struct vga *v);
void vga_text_size(const struct vga *v, unsigned *cols, unsigned *rows);
void vga_text_cell(const struct vga *v, unsigned row, unsigned col, uint8_t *ch, uint8_t *attr);

#endif
