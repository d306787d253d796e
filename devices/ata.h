/* ATA disks and ATAPI CD-ROM drives on an IDE channel.
 *
 * References: ATA/ATAPI-6 (T13/1410D rev 3b): the register set (chapter
 * 7), the protocols (chapter 9: PIO data-in/out, non-data, DMA, PACKET),
 * the commands (chapter 8), IDENTIFY (DEVICE) and IDENTIFY PACKET DEVICE
 * words, the signatures after reset (9.12). SFF-8020i and MMC-3 (T10/1363D)
 * for the packet commands and sense data of the CD-ROM.
 *
 * A channel holds two device slots (0 = master, 1 = slave). Each device
 * keeps its own copy of the command block registers; a write reaches both
 * slots and a read answers from the selected one (as device 0 answers for
 * an absent device 1), except that an absent device's status reads 0. A
 * channel with no device at all reads as a floating bus (0xFF).
 *
 * Commands complete after a small virtual delay (a timer on the clock):
 * BSY is set meanwhile, then DRQ or the final status and INTRQ. INTRQ
 * reaches the channel's IRQ line while the selected device has it pending
 * and nIEN is clear; reading the status register clears it.
 *
 * DMA commands move their data through the bus master that serves the
 * channel (struct ata_dma, the PIIX's BMIDE): once the command is ready
 * and the engine has been started, the whole transfer runs, then INTRQ. */
#ifndef EMBER_DEVICES_ATA_H
#define EMBER_DEVICES_ATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "blockdev.h"
#include "bus.h"
#include "clock.h"
#include "irq.h"

struct cpu;

/* Status register (ATA-6 7.15). */
#define ATA_SR_BSY  0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF   0x20
#define ATA_SR_DSC  0x10
#define ATA_SR_DRQ  0x08
#define ATA_SR_ERR  0x01

/* Error register (ATA-6 7.9). */
#define ATA_ER_UNC  0x40
#define ATA_ER_IDNF 0x10
#define ATA_ER_ABRT 0x04

/* Device control register (ATA-6 7.8). */
#define ATA_DC_HOB  0x80
#define ATA_DC_SRST 0x04
#define ATA_DC_NIEN 0x02

/* Device register (ATA-6 7.7). */
#define ATA_DEV_LBA 0x40
#define ATA_DEV_DEV 0x10

/* ATAPI interrupt reason (the sector count register). */
#define ATAPI_IR_COD 0x01
#define ATAPI_IR_IO  0x02

/* The command block registers (offsets from 0x1F0 / 0x170). */
enum ata_reg {
    ATA_REG_DATA, ATA_REG_ERROR, ATA_REG_NSECTOR, ATA_REG_LBA_LOW, ATA_REG_LBA_MID,
    ATA_REG_LBA_HIGH, ATA_REG_DEVICE, ATA_REG_STATUS
};
#define ATA_REG_FEATURE ATA_REG_ERROR
#define ATA_REG_COMMAND ATA_REG_STATUS

#define ATA_SECTOR 512u
#define ATAPI_SECTOR 2048u
#define ATA_MAX_MULTIPLE 16     /* sectors per DRQ block (IDENTIFY word 47) */
#define ATA_BUF_SIZE (128u * 1024)

enum ata_kind { ATA_NONE, ATA_DISK, ATA_CDROM };

/* The bus master that moves a channel's DMA data. */
struct ata_dma {
    /* Move up to len bytes between buf and guest memory along the PRD
     * table, in the direction the engine is programmed for; returns the
     * bytes moved, fewer when the table ended. */
    uint32_t (*transfer)(void *opaque, void *buf, uint32_t len);
    /* Has the guest started the engine? */
    bool (*running)(void *opaque);
    void *opaque;
};

/* One device's registers as the host sees them. */
struct ata_taskfile {
    uint8_t feature, nsector, lba_low, lba_mid, lba_high;
    uint8_t hob_feature, hob_nsector, hob_lba_low, hob_lba_mid, hob_lba_high;
    uint8_t status, error;
};

/* One device's state: registers, the command in progress and its data
 * buffer. Plain bytes, saved whole in snapshots. */
struct ata_state {
    struct ata_taskfile tf;
    bool intrq;                 /* INTRQ pending */
    uint8_t pending;            /* what the drive's timer will do (ata.c) */
    bool timer_armed;
    uint64_t deadline;
    uint8_t phase;              /* enum ata_phase (ata.c) */
    uint8_t cmd;                /* the command in progress */
    bool lba48;                 /* it uses 48-bit addresses */
    bool uses_dma;
    bool dma_waiting;           /* ready, waiting for the bus master */
    uint8_t multiple;           /* SET MULTIPLE MODE: sectors per block, 0 = off */
    uint8_t heads, spt;         /* current CHS translation */
    uint16_t cylinders;
    uint8_t xfer_mode;          /* SET FEATURES 03h value: 0x08 PIO, 0x20 MWDMA, 0x40 UDMA | mode */
    bool write_cache;
    bool lookahead;
    uint8_t power;              /* CHECK POWER MODE: 0xFF active, 0x80 idle, 0 standby */
    uint64_t lba;               /* next sector (512 or 2048 bytes) to transfer */
    uint64_t left;              /* ATA: sectors still to transfer; ATAPI: bytes */
    uint32_t cur, end, fill;    /* buf: next byte for the host, end of the DRQ block, bytes held */
    bool cd_stream;             /* ATAPI: buf is refilled from the disc as it drains */
    uint8_t packet[12];
    uint16_t byte_limit;        /* ATAPI: bytes per DRQ block the host allows */
    uint8_t sense_key, asc, ascq;
    uint8_t ua_asc;             /* unit attention to report once (0x28, 0x29), 0 = none */
    uint8_t media_event;        /* GET EVENT STATUS NOTIFICATION: pending event code */
    bool locked;                /* PREVENT ALLOW MEDIUM REMOVAL */
    bool tray_open;
    uint8_t buf[ATA_BUF_SIZE];
};

struct ata_channel;

struct ata_drive {
    struct ata_state s;
    struct ata_channel *ch;
    int slot;
    struct timer timer;
    enum ata_kind kind;
    struct blockdev *bd;        /* owned; NULL for an empty CD-ROM drive */
    uint64_t sectors;           /* capacity in the drive's sectors */
    uint16_t cylinders, heads, spt;  /* default CHS translation */
    char serial[21];
    char model[41];
};

/* What the channel saves besides its drives. */
struct ata_channel_state {
    uint8_t control;            /* device control register */
    uint8_t device;             /* device register (both devices hold the same) */
    int irq_level;              /* last level driven on the IRQ line */
};

struct ata_channel {
    struct ata_channel_state s;
    struct ata_drive drive[2];
    struct clock *clock;
    struct irq_line irq;
    struct ata_dma dma;
    unsigned index;             /* 0 = primary, 1 = secondary (serial numbers) */
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

/* The handlers for a channel's ports (opaque: the struct ata_channel):
 * the command block (8 ports at 0x1F0/0x170) and the control block
 * (alternate status / device control, 1 port at 0x3F6/0x376). */
extern const struct io_ops ata_command_block_ops;
extern const struct io_ops ata_control_block_ops;

/* An empty channel. irq is the channel's interrupt line; dma may be NULL
 * (no bus master: DMA commands then never complete, as on such hardware). */
void ata_channel_init(struct ata_channel *ch, unsigned index, struct clock *clock,
                      struct irq_line irq, const struct ata_dma *dma);
/* Put a drive in slot 0 or 1; the channel owns bd from now on (a CD-ROM
 * drive may have none: no disc). Returns 0, or -1 for a bad slot/kind. */
int ata_attach(struct ata_channel *ch, int slot, enum ata_kind kind, struct blockdev *bd);
/* Power-on reset of the channel and its drives. */
void ata_channel_reset(struct ata_channel *ch);
/* Closes the images (flushing written data). */
void ata_channel_destroy(struct ata_channel *ch);
/* After a snapshot load: re-arm the timer and redrive the IRQ line. */
void ata_channel_post_load(struct ata_channel *ch);
/* The bus master was started: a DMA command waiting for it proceeds. */
void ata_channel_dma_started(struct ata_channel *ch);

/* The default CHS geometry of a disk (IDENTIFY words 1, 3, 6), for the
 * BIOS's CMOS bytes; false for an empty slot or a CD-ROM drive. */
bool ata_disk_geometry(const struct ata_channel *ch, int slot, uint16_t *cylinders,
                       uint8_t *heads, uint8_t *spt);

/* Both drives' registers and the command in progress, for "info ide". */
void ata_channel_info(const struct ata_channel *ch, FILE *out);

#endif
