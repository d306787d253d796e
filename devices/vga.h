/* The VGA: registers, the 256 KiB of planar display memory and the CPU's
 * window onto it, plus the Bochs VBE extensions (vga_vbe.h) and the PCI
 * function of QEMU's standard VGA (1234:1111) whose BAR 0 is the linear
 * frame buffer. Turning this state into pixels is vga_render.h's job.
 *
 * References: IBM Personal System/2 Hardware Interface Technical Reference,
 * "Video Subsystem" (the VGA register names used here: Miscellaneous
 * Output, Sequencer, CRT Controller, Graphics Controller, Attribute
 * Controller, Video DAC); FreeVGA (www.osdever.net/FreeVGA/vga/vga.htm).
 *
 * Display memory layout: vram[offset * 4 + plane], so the four maps of one
 * address form one little-endian dword (the latches). The VBE modes above
 * 4 bpp read and write vram linearly; the LFB is vram itself.
 *
 * Timing comes from the machine's virtual clock: the frame (and so the
 * vertical retrace and display enable bits of Input Status 1, and the
 * cursor and character blink) repeats at the rate of the programmed mode
 * (70 Hz for the 400-line modes, 60 Hz for 480 lines). */
#ifndef EMBER_DEVICES_VGA_H
#define EMBER_DEVICES_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"
#include "device.h"
#include "memory.h"
#include "pci.h"
#include "vga_vbe.h"

struct cpu;
struct pci_bus;

#define VGA_VRAM_SIZE (16u << 20)
#define VGA_PLANE_SIZE 0x10000u         /* 64 KiB per map, 256 KiB in all */

#define VGA_PORT_BASE 0x3B0
#define VGA_PORT_COUNT 0x30             /* 0x3B0-0x3DF */
#define VGA_WINDOW_BASE 0xA0000u
#define VGA_WINDOW_SIZE 0x20000u        /* 0xA0000-0xBFFFF */
#define VGA_LFB_DEFAULT 0xE0000000u     /* where the LFB sits without PCI */

/* Register counts and the indices this code names (IBM names). */
#define VGA_SEQ_COUNT 5
#define VGA_CRTC_COUNT 0x19
#define VGA_GC_COUNT 9
#define VGA_AC_COUNT 0x15

enum vga_seq_reg {
    SEQ_RESET = 0, SEQ_CLOCKING_MODE = 1, SEQ_MAP_MASK = 2, SEQ_CHAR_MAP_SELECT = 3,
    SEQ_MEMORY_MODE = 4,
};
enum vga_crtc_reg {
    CRTC_HORIZ_DISPLAY_END = 0x01, CRTC_OVERFLOW = 0x07, CRTC_PRESET_ROW_SCAN = 0x08,
    CRTC_MAX_SCAN_LINE = 0x09, CRTC_CURSOR_START = 0x0A, CRTC_CURSOR_END = 0x0B,
    CRTC_START_ADDR_HIGH = 0x0C, CRTC_START_ADDR_LOW = 0x0D, CRTC_CURSOR_LOC_HIGH = 0x0E,
    CRTC_CURSOR_LOC_LOW = 0x0F, CRTC_VRETRACE_END = 0x11, CRTC_VERT_DISPLAY_END = 0x12,
    CRTC_OFFSET = 0x13, CRTC_UNDERLINE_LOC = 0x14, CRTC_MODE_CONTROL = 0x17,
    CRTC_LINE_COMPARE = 0x18,
};
enum vga_gc_reg {
    GC_SET_RESET = 0, GC_ENABLE_SET_RESET = 1, GC_COLOR_COMPARE = 2, GC_DATA_ROTATE = 3,
    GC_READ_MAP_SELECT = 4, GC_MODE = 5, GC_MISC = 6, GC_COLOR_DONT_CARE = 7, GC_BIT_MASK = 8,
};
enum vga_ac_reg {
    AC_MODE_CONTROL = 0x10, AC_OVERSCAN = 0x11, AC_COLOR_PLANE_ENABLE = 0x12,
    AC_HORIZ_PIXEL_PANNING = 0x13, AC_COLOR_SELECT = 0x14,
};

/* Miscellaneous Output Register bits. */
#define MISC_IOAS 0x01                  /* CRTC at 0x3Dx (colour), else 0x3Bx */
#define MISC_ERAM 0x02                  /* display memory reachable by the CPU */
#define MISC_PAGE 0x20                  /* odd/even page select */
/* Attribute Controller index bit: palette address source (display on). */
#define AC_PAS 0x20

struct vga_dac {
    uint8_t pel_mask;                   /* 0x3C6 */
    uint8_t read_index, write_index;    /* 0x3C7, 0x3C8 */
    uint8_t component;                  /* 0-2: red, green, blue of the cycle */
    uint8_t state;                      /* 0x3C7 read: 0 = writing, 3 = reading */
    uint8_t read_latch[3];
    uint8_t write_latch[3];
    uint8_t palette[256][3];            /* 6 bits each (8 with the VBE 8-bit DAC) */
};

struct vga {
    struct pci_device pci;              /* 00:02.0, 1234:1111 */
    uint8_t misc;                       /* Miscellaneous Output */
    uint8_t feature;                    /* Feature Control */
    uint8_t seq_index, seq[8];
    uint8_t crtc_index, crtc[0x40];
    uint8_t gc_index, gc[16];
    uint8_t ac_index, ac[0x20];
    uint8_t ac_flipflop;                /* 0: next 0x3C0 write is the index */
    struct vga_dac dac;
    uint32_t latch;                     /* the four map latches, map 0 lowest */
    struct vga_vbe vbe;
    struct clock *clock;                /* the virtual clock (clock_now) */
    struct phys_mem *mem;
    int lfb_region;                     /* without PCI: the fixed LFB */
    struct cpu *cpu;                    /* trace_unimp() reports go to its debugger; may be NULL */
    uint8_t vram[VGA_VRAM_SIZE];
};

struct vga_config {
    struct io_bus *io;
    struct phys_mem *mem;
    struct pci_bus *pci;                /* NULL: an ISA card, LFB at 0xE0000000 */
    struct clock *clock;
    const uint8_t *rom;                 /* the VGA BIOS for the PCI ROM BAR */
    size_t rom_size;
};

extern const struct device_ops vga_device_ops;

/* Creates the card and maps its ports and memory; NULL after printing why. */
struct vga *vga_create(const struct vga_config *cfg);
void vga_destroy(struct vga *v);
void vga_reset(struct vga *v);

/* The register ports 0x3B0-0x3DF (port = absolute port number). */
uint8_t vga_port_read(struct vga *v, uint32_t port);
void vga_port_write(struct vga *v, uint32_t port, uint8_t value);
/* The CPU's window 0xA0000-0xBFFFF (addr = offset from 0xA0000). */
uint8_t vga_mem_read(struct vga *v, uint32_t addr);
void vga_mem_write(struct vga *v, uint32_t addr, uint8_t value);

/* Virtual nanoseconds now (between the machine's clock syncs too). */
uint64_t vga_now(const struct vga *v);
/* The frame timing of the programmed mode, from the CRTC and clock select. */
uint64_t vga_frame_ns(const struct vga *v);

/* The mode and the registers, for "info vga". */
void vga_info(const struct vga *v, FILE *out);

#endif
