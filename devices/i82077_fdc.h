/* The Intel 82077AA floppy disk controller in PC-AT mode, at 0x3F0-0x3F7
 * (without 0x3F6, the IDE's), IRQ 6 and DMA channel 2, with up to two
 * 3.5"/5.25" drives.
 *
 * Reference: Intel 82077AA CHMOS Single-Chip Floppy Disk Controller
 * datasheet: 2.0 (registers DOR, TDR, DSR, MSR, FIFO, DIR, CCR), 5.0
 * (command set: READ DATA, WRITE DATA, READ ID, FORMAT TRACK, RECALIBRATE,
 * SEEK and RELATIVE SEEK, SENSE INTERRUPT STATUS, SENSE DRIVE STATUS,
 * SPECIFY, CONFIGURE, VERSION, DUMPREG, PERPENDICULAR MODE, LOCK; the
 * status registers ST0-ST3; the C/H/R/N a transfer ends on), 6.0 (reset:
 * the four polling interrupts).
 *
 * - Geometry comes from the image size: 360K (40/2/9), 720K (80/2/9),
 *   1.2M (80/2/15), 1.44M (80/2/18), 2.88M (80/2/36); each wants its data
 *   rate (DSR/CCR), as the media would: 1.44M and 1.2M 500 kb/s, 2.88M
 *   1 Mb/s, 720K 250 kb/s, 360K 250 or 300 kb/s. A wrong rate, an FM
 *   command or no drive finds no address mark (ST1 MA).
 * - Transfers run through the DMA controller (i8237 channel 2) while the
 *   DOR's DMA gate is set and SPECIFY chose DMA; terminal count ends them
 *   normally, running past the programmed end of track without it ends
 *   with "end of cylinder". With SPECIFY's ND bit the data goes through
 *   the FIFO instead (non-DMA mode, an interrupt per byte).
 * - READ/WRITE/FORMAT move the head to the command's cylinder first, as
 *   the implied seek does (SeaBIOS relies on it).
 * - The disk change line (DIR bit 7) is set at power-on and cleared by a
 *   seek or recalibrate of a drive with a disk.
 * - The interrupt and DMA request reach the bus only while DOR bit 3 is
 *   set. Commands and seeks complete after a small virtual delay. */
#ifndef EMBER_DEVICES_I82077_FDC_H
#define EMBER_DEVICES_I82077_FDC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "blockdev.h"
#include "bus.h"
#include "clock.h"
#include "device.h"
#include "i8237_dma.h"
#include "irq.h"

#define FDC_BASE 0x3F0
#define FDC_DMA_CHANNEL 2
#define FDC_DRIVES 2
#define FDC_SECTOR 512u

struct cpu;

/* A disk format: geometry, the CMOS drive type that reads it, and the
 * data rates (bit n: DSR rate n) that find its sectors. */
struct fdc_format {
    uint32_t size;
    uint8_t tracks, heads, spt;
    uint8_t cmos_type;
    uint8_t rates;
    const char *name;
};

struct fdc_drive {
    struct blockdev *bd;            /* owned; NULL = no drive */
    const struct fdc_format *format;
};

/* The controller's registers, phases and the transfer in progress:
 * plain bytes, saved whole. */
struct fdc_state {
    uint8_t dor, tdr, rate, dsr_power;
    uint8_t phase;                  /* enum fdc_phase (i82077_fdc.c) */
    uint8_t cmd[9], cmd_len, cmd_pos;
    uint8_t result[10], res_len, res_pos;
    uint8_t pcn[4];                 /* present cylinder of each drive select */
    uint8_t seek_st0[4];
    uint8_t seek_done;              /* bit n: drive n has a seek/recal status */
    uint8_t busy;                   /* MSR drive busy bits */
    uint8_t reset_sense;            /* polling statuses owed after a reset */
    bool intr;                      /* INT pending */
    int irq_level;
    uint8_t specify[2];             /* SRT/HUT, HLT/ND */
    uint8_t config, pretrk, perpendicular;
    bool lock;
    bool disk_changed[FDC_DRIVES];
    /* the seek under way */
    uint8_t seek_drive, seek_target;
    bool seek_recal;
    /* the READ/WRITE/FORMAT in progress */
    uint8_t op, drive, c, h, r, n, eot, head;
    bool mt, pio, in_sector;
    uint8_t st0, st1, st2;
    uint16_t pos;
    uint8_t formatted;              /* FORMAT: sectors done */
    uint8_t sector[FDC_SECTOR];
    /* the timer */
    uint8_t pending;
    bool timer_armed;
    uint64_t deadline;
};

struct i82077 {
    struct fdc_state s;
    struct fdc_drive drive[FDC_DRIVES];
    struct clock *clock;
    struct timer timer;
    struct irq_line irq;
    struct i8237_pair *dma;
    struct cpu *cpu;                /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops i82077_ops;

/* Maps the ports and takes DMA channel 2; NULL without memory. */
struct i82077 *i82077_create(struct io_bus *io, struct clock *clock, struct irq_line irq,
                             struct i8237_pair *dma);
/* Put an image in drive unit (0 = A:, 1 = B:); the controller owns bd
 * from now on. An image of no known size is refused with a message to
 * err naming the file and the sizes accepted: -1 (bd is then closed). */
int i82077_attach(struct i82077 *fdc, int unit, struct blockdev *bd, FILE *err);
/* CMOS byte 0x10: drive A's type in the high nibble, B's in the low. */
uint8_t i82077_cmos_types(const struct i82077 *fdc);

#endif
