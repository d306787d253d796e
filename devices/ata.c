/* ATA disks and ATAPI CD-ROM drives on an IDE channel; see ata.h.
 *
 * References: ATA/ATAPI-6 (T13/1410D): 7 (registers), 8 (commands),
 * 9 (protocols and reset); SFF-8020i and MMC-3 (T10/1363D) for the packet
 * commands; SPC-2 for the fixed sense data format.
 *
 * Every command runs in two steps: writing the command register sets BSY
 * and arms the drive's timer; when it fires the command executes (sets
 * DRQ for data, or the final status) and INTRQ is raised. PIO data moves
 * through the drive's buffer one DRQ block at a time. */
#include "ata.h"

#include <stdio.h>
#include <string.h>

#include "debugger.h"

#define ATA_DELAY_NS 2000u      /* command (or next DRQ block) turnaround */
#define ATA_RESET_NS 10000u     /* SRST released until the signature is up */
#define ATA_DMA_NS 4000u        /* bus master started until the data moved */

#define LBA28_MAX 0x0FFFFFFFu
#define CHS_MAX_CYLINDERS 16383u
#define CD_MAX_SECTORS 360000u  /* 80 minutes: more than that is a DVD */

enum ata_phase { PH_IDLE, PH_BUSY, PH_PIO_IN, PH_PIO_OUT, PH_PACKET, PH_DMA };

enum ata_event {
    EV_NONE, EV_EXEC, EV_READ_BLOCK, EV_WRITE_BLOCK, EV_DMA, EV_PACKET, EV_ATAPI_BLOCK,
    EV_RESET, EV_DIAG
};

/* Command opcodes (ATA-6 chapter 8). */
enum {
    CMD_NOP = 0x00, CMD_DEVICE_RESET = 0x08, CMD_RECALIBRATE = 0x10,
    CMD_READ_SECTORS = 0x20, CMD_READ_SECTORS_NR = 0x21, CMD_READ_SECTORS_EXT = 0x24,
    CMD_READ_DMA_EXT = 0x25, CMD_READ_MULTIPLE_EXT = 0x29,
    CMD_WRITE_SECTORS = 0x30, CMD_WRITE_SECTORS_NR = 0x31, CMD_WRITE_SECTORS_EXT = 0x34,
    CMD_WRITE_DMA_EXT = 0x35, CMD_WRITE_MULTIPLE_EXT = 0x39,
    CMD_READ_VERIFY = 0x40, CMD_READ_VERIFY_NR = 0x41, CMD_READ_VERIFY_EXT = 0x42,
    CMD_SEEK = 0x70, CMD_EXEC_DIAG = 0x90, CMD_INIT_PARAMS = 0x91,
    CMD_STANDBY_IMMEDIATE_OLD = 0x94, CMD_IDLE_IMMEDIATE_OLD = 0x95, CMD_STANDBY_OLD = 0x96,
    CMD_IDLE_OLD = 0x97, CMD_CHECK_POWER_MODE_OLD = 0x98, CMD_SLEEP_OLD = 0x99,
    CMD_PACKET = 0xA0, CMD_IDENTIFY_PACKET = 0xA1,
    CMD_READ_MULTIPLE = 0xC4, CMD_WRITE_MULTIPLE = 0xC5, CMD_SET_MULTIPLE = 0xC6,
    CMD_READ_DMA = 0xC8, CMD_READ_DMA_NR = 0xC9, CMD_WRITE_DMA = 0xCA, CMD_WRITE_DMA_NR = 0xCB,
    CMD_STANDBY_IMMEDIATE = 0xE0, CMD_IDLE_IMMEDIATE = 0xE1, CMD_STANDBY = 0xE2,
    CMD_IDLE = 0xE3, CMD_CHECK_POWER_MODE = 0xE5, CMD_SLEEP = 0xE6, CMD_FLUSH_CACHE = 0xE7,
    CMD_FLUSH_CACHE_EXT = 0xEA, CMD_IDENTIFY = 0xEC, CMD_SET_FEATURES = 0xEF,
};

/* SET FEATURES subcommands (feature register). */
enum {
    SF_WCACHE_ON = 0x02, SF_XFER_MODE = 0x03, SF_LOOKAHEAD_OFF = 0x55,
    SF_REVERT_OFF = 0x66, SF_WCACHE_OFF = 0x82, SF_LOOKAHEAD_ON = 0xAA, SF_REVERT_ON = 0xCC,
};

/* Packet commands (MMC-3). */
enum {
    GPCMD_TEST_UNIT_READY = 0x00, GPCMD_REQUEST_SENSE = 0x03, GPCMD_INQUIRY = 0x12,
    GPCMD_START_STOP_UNIT = 0x1B, GPCMD_PREVENT_ALLOW = 0x1E, GPCMD_READ_CAPACITY = 0x25,
    GPCMD_READ_10 = 0x28, GPCMD_SEEK_10 = 0x2B, GPCMD_READ_TOC = 0x43,
    GPCMD_GET_CONFIGURATION = 0x46, GPCMD_GET_EVENT_STATUS = 0x4A,
    GPCMD_READ_DISC_INFO = 0x51, GPCMD_MODE_SENSE_10 = 0x5A, GPCMD_READ_12 = 0xA8,
    GPCMD_SET_CD_SPEED = 0xBB, GPCMD_MECHANISM_STATUS = 0xBD,
};

/* Sense keys and additional sense codes (SPC-2, MMC-3 annex). */
enum {
    SENSE_NONE = 0x00, SENSE_NOT_READY = 0x02, SENSE_ILLEGAL_REQUEST = 0x05,
    SENSE_UNIT_ATTENTION = 0x06,
};
enum {
    ASC_INVALID_OPCODE = 0x20, ASC_LBA_OUT_OF_RANGE = 0x21, ASC_INVALID_FIELD = 0x24,
    ASC_MEDIUM_CHANGED = 0x28, ASC_POWER_ON = 0x29, ASC_SAVING_NOT_SUPPORTED = 0x39,
    ASC_MEDIUM_NOT_PRESENT = 0x3A, ASC_REMOVAL_PREVENTED = 0x53,
};

/* GET EVENT STATUS NOTIFICATION media event codes. */
enum { MEDIA_EVENT_NONE = 0, MEDIA_EVENT_NEW = 2, MEDIA_EVENT_REMOVED = 3 };

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static uint32_t get_be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
    return get_be16(p) << 16 | get_be16(p + 2);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* ---- the channel: selection, INTRQ, timers ---- */

static bool channel_empty(const struct ata_channel *ch)
{
    return ch->drive[0].kind == ATA_NONE && ch->drive[1].kind == ATA_NONE;
}

static struct ata_drive *selected(struct ata_channel *ch)
{
    return &ch->drive[(ch->s.device & ATA_DEV_DEV) ? 1 : 0];
}

/* INTRQ of the selected device, unless nIEN masks it (ATA-6 5.2.9). */
static void update_irq(struct ata_channel *ch)
{
    struct ata_drive *d = selected(ch);
    int level = d->kind != ATA_NONE && d->s.intrq && !(ch->s.control & ATA_DC_NIEN);
    if (level != ch->s.irq_level) {
        ch->s.irq_level = level;
        irq_set(&ch->irq, level);
    }
}

static void raise_intrq(struct ata_drive *d)
{
    d->s.intrq = true;
    update_irq(d->ch);
}

static void schedule(struct ata_drive *d, uint8_t event, uint64_t delay)
{
    d->s.pending = event;
    d->s.deadline = clock_ns(d->ch->clock) + delay;
    d->s.timer_armed = true;
    timer_arm(d->ch->clock, &d->timer, d->s.deadline);
}

static void cancel(struct ata_drive *d)
{
    timer_cancel(d->ch->clock, &d->timer);
    d->s.timer_armed = false;
    d->s.pending = EV_NONE;
}

/* BSY until the event runs. */
static void go_busy(struct ata_drive *d, uint8_t event, uint64_t delay)
{
    d->s.tf.status = ATA_SR_BSY;
    d->s.phase = PH_BUSY;
    schedule(d, event, delay);
}

/* ---- command completion ---- */

static uint8_t ready_status(const struct ata_drive *d)
{
    return d->kind == ATA_DISK ? ATA_SR_DRDY | ATA_SR_DSC : ATA_SR_DRDY;
}

static void end_transfer(struct ata_drive *d)
{
    d->s.phase = PH_IDLE;
    d->s.uses_dma = false;
    d->s.dma_waiting = false;
    d->s.cd_stream = false;
    d->s.cur = d->s.end = d->s.fill = 0;
}

static void finish_ok(struct ata_drive *d)
{
    end_transfer(d);
    d->s.tf.status = ready_status(d);
    d->s.tf.error = 0;
    raise_intrq(d);
}

static void finish_error(struct ata_drive *d, uint8_t error)
{
    end_transfer(d);
    d->s.tf.status = ready_status(d) | ATA_SR_ERR;
    d->s.tf.error = error;
    raise_intrq(d);
}

/* ---- signatures and resets (ATA-6 9.12) ---- */

static void set_signature(struct ata_drive *d)
{
    struct ata_taskfile *tf = &d->s.tf;
    tf->nsector = tf->lba_low = 1;
    tf->lba_mid = d->kind == ATA_CDROM ? 0x14 : 0x00;
    tf->lba_high = d->kind == ATA_CDROM ? 0xEB : 0x00;
    tf->hob_feature = tf->hob_nsector = tf->hob_lba_low = tf->hob_lba_mid = tf->hob_lba_high = 0;
    tf->feature = 0;
}

/* The state a reset leaves: signature, diagnostic code 01h (passed), and
 * DRDY for a disk (an ATAPI device shows 00h until it gets a command). */
static void drive_after_reset(struct ata_drive *d)
{
    end_transfer(d);
    set_signature(d);
    d->s.tf.error = 0x01;
    d->s.tf.status = d->kind == ATA_DISK ? ATA_SR_DRDY | ATA_SR_DSC : 0;
    d->s.power = 0xFF;
}

static void drive_power_on(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    cancel(d);
    s->intrq = false;
    s->multiple = 0;
    s->cylinders = d->cylinders;
    s->heads = (uint8_t)d->heads;
    s->spt = (uint8_t)d->spt;
    s->xfer_mode = 0;
    s->write_cache = true;
    s->lookahead = true;
    s->sense_key = s->asc = s->ascq = 0;
    s->ua_asc = d->kind == ATA_CDROM && d->bd ? ASC_POWER_ON : 0;
    s->media_event = MEDIA_EVENT_NONE;
    s->locked = false;
    s->tray_open = false;
    drive_after_reset(d);
}

static void srst_assert(struct ata_channel *ch)
{
    for (int k = 0; k < 2; k++) {
        struct ata_drive *d = &ch->drive[k];
        if (d->kind == ATA_NONE)
            continue;
        cancel(d);
        end_transfer(d);
        d->s.intrq = false;
        d->s.tf.status = ATA_SR_BSY;
        d->s.phase = PH_BUSY;
    }
    ch->s.device = 0;
    update_irq(ch);
}

static void srst_release(struct ata_channel *ch)
{
    for (int k = 0; k < 2; k++)
        if (ch->drive[k].kind != ATA_NONE)
            schedule(&ch->drive[k], EV_RESET, ATA_RESET_NS);
}

/* EXECUTE DEVICE DIAGNOSTIC: both devices run it; device 0 (or the only
 * one) raises INTRQ. */
static void exec_diag_start(struct ata_channel *ch)
{
    ch->s.device = 0;
    for (int k = 0; k < 2; k++) {
        struct ata_drive *d = &ch->drive[k];
        if (d->kind == ATA_NONE)
            continue;
        cancel(d);
        d->s.intrq = false;
        go_busy(d, EV_DIAG, ATA_DELAY_NS);
    }
    update_irq(ch);
}

static void exec_diag_done(struct ata_drive *d)
{
    drive_after_reset(d);
    struct ata_drive *first = d->ch->drive[0].kind != ATA_NONE ? &d->ch->drive[0] : d;
    if (first == d)
        raise_intrq(d);
}

/* ---- IDENTIFY ---- */

/* An ATA string: two characters a word, the first in the high byte,
 * padded with spaces. */
static void put_string(uint16_t *id, unsigned word, unsigned words, const char *text)
{
    size_t len = strlen(text);
    for (unsigned k = 0; k < 2 * words; k++) {
        uint16_t c = k < len ? (uint8_t)text[k] : ' ';
        if (k & 1)
            id[word + k / 2] |= c;
        else
            id[word + k / 2] = (uint16_t)(c << 8);
    }
}

/* Word 93: hardware reset results, as device 0 or 1 reports them. */
static uint16_t reset_result(const struct ata_drive *d)
{
    if (d->slot == 1)
        return 0x6000 | 0x0100 | 0x0200 | 0x0800;
    bool other = d->ch->drive[1].kind != ATA_NONE;
    return 0x6000 | 0x0001 | 0x0002 | 0x0008 | (other ? 0x0030 : 0x0040);
}

static uint16_t mwdma_word(const struct ata_drive *d)
{
    uint8_t m = d->s.xfer_mode;
    return (uint16_t)(0x0007 | ((m & 0xF8) == 0x20 ? 0x100 << (m & 7) : 0));
}

static uint16_t udma_word(const struct ata_drive *d)
{
    uint8_t m = d->s.xfer_mode;
    return (uint16_t)(0x003F | ((m & 0xF8) == 0x40 ? 0x100 << (m & 7) : 0));
}

/* Word 255: signature A5h and a checksum making the 512 bytes sum to 0. */
static void put_integrity(uint16_t *id)
{
    uint8_t sum = 0xA5;
    for (unsigned k = 0; k < 255; k++)
        sum = (uint8_t)(sum + (id[k] & 0xFF) + (id[k] >> 8));
    id[255] = (uint16_t)(((uint8_t)-sum) << 8 | 0xA5);
}

static void put_common(const struct ata_drive *d, uint16_t *id)
{
    put_string(id, 10, 10, d->serial);
    put_string(id, 23, 4, "1.0");
    put_string(id, 27, 20, d->model);
    id[50] = 0x4000;
    id[63] = mwdma_word(d);
    id[64] = 0x0003;                    /* PIO modes 3 and 4 */
    id[65] = id[66] = id[67] = id[68] = 120;
    id[80] = 0x007E;                    /* ATA-1 to ATA/ATAPI-6 */
    id[84] = id[87] = 0x4000;
    id[88] = udma_word(d);
    id[93] = reset_result(d);
}

static void identify_disk(const struct ata_drive *d, uint16_t *id)
{
    const struct ata_state *s = &d->s;
    memset(id, 0, 512);
    id[0] = 0x0040;                     /* fixed device */
    id[1] = d->cylinders;
    id[3] = d->heads;
    id[6] = d->spt;
    id[47] = 0x8000 | ATA_MAX_MULTIPLE;
    id[49] = 0x0800 | 0x0200 | 0x0100;  /* IORDY, LBA, DMA */
    id[51] = 0x0200;
    id[53] = 0x0007;                    /* words 54-58, 64-70 and 88 valid */
    uint32_t chs = (uint32_t)s->cylinders * s->heads * s->spt;
    id[54] = s->cylinders;
    id[55] = s->heads;
    id[56] = s->spt;
    id[57] = (uint16_t)chs;
    id[58] = (uint16_t)(chs >> 16);
    id[59] = (uint16_t)(0x0100 | s->multiple);
    uint32_t lba28 = (uint32_t)min_u64(d->sectors, LBA28_MAX);
    id[60] = (uint16_t)lba28;
    id[61] = (uint16_t)(lba28 >> 16);
    id[82] = 0x0040 | 0x0020 | 0x0008;  /* look-ahead, write cache, power management */
    id[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400; /* FLUSH CACHE (EXT), 48-bit */
    id[85] = (uint16_t)((s->lookahead ? 0x0040 : 0) | (s->write_cache ? 0x0020 : 0) | 0x0008);
    id[86] = 0x2000 | 0x1000 | 0x0400;
    for (unsigned k = 0; k < 4; k++)
        id[100 + k] = (uint16_t)(d->sectors >> (16 * k));
    put_common(d, id);
    put_integrity(id);
}

static void identify_packet(const struct ata_drive *d, uint16_t *id)
{
    memset(id, 0, 512);
    id[0] = 0x85C0;     /* ATAPI, CD-ROM, removable, DRQ within 50 us, 12-byte packets */
    id[49] = 0x0200 | 0x0100;           /* LBA, DMA */
    id[53] = 0x0006;                    /* words 64-70 and 88 valid */
    id[71] = id[72] = 30;
    id[82] = 0x0200 | 0x0010 | 0x0008;  /* DEVICE RESET, PACKET, power management */
    id[83] = 0x4000;
    id[85] = id[82];
    put_common(d, id);
    put_integrity(id);
}

/* The buffer holds little-endian words, as the data port delivers them. */
static void store_identify(struct ata_drive *d, const uint16_t *id)
{
    for (unsigned k = 0; k < 256; k++) {
        d->s.buf[2 * k] = (uint8_t)id[k];
        d->s.buf[2 * k + 1] = (uint8_t)(id[k] >> 8);
    }
}

/* ---- PIO data-in blocks ---- */

/* A DRQ block for the host to read: buf[cur, end). */
static void offer_block_in(struct ata_drive *d, uint32_t cur, uint32_t end)
{
    d->s.cur = cur;
    d->s.end = end;
    d->s.phase = PH_PIO_IN;
    d->s.tf.status = ready_status(d) | ATA_SR_DRQ;
    raise_intrq(d);
}

/* A DRQ block for the host to write: buf[0, len). */
static void accept_block_out(struct ata_drive *d, uint32_t len, bool interrupt)
{
    d->s.cur = 0;
    d->s.end = len;
    d->s.phase = PH_PIO_OUT;
    d->s.tf.status = ready_status(d) | ATA_SR_DRQ;
    if (interrupt)
        raise_intrq(d);
}

/* ---- addresses ---- */

struct rw_command {
    bool write, lba48, dma, multiple;
};

static bool rw_command(uint8_t cmd, struct rw_command *rw)
{
    switch (cmd) {
    case CMD_READ_SECTORS: case CMD_READ_SECTORS_NR:
        *rw = (struct rw_command){ false, false, false, false }; return true;
    case CMD_READ_SECTORS_EXT:
        *rw = (struct rw_command){ false, true, false, false }; return true;
    case CMD_READ_MULTIPLE:
        *rw = (struct rw_command){ false, false, false, true }; return true;
    case CMD_READ_MULTIPLE_EXT:
        *rw = (struct rw_command){ false, true, false, true }; return true;
    case CMD_READ_DMA: case CMD_READ_DMA_NR:
        *rw = (struct rw_command){ false, false, true, false }; return true;
    case CMD_READ_DMA_EXT:
        *rw = (struct rw_command){ false, true, true, false }; return true;
    case CMD_WRITE_SECTORS: case CMD_WRITE_SECTORS_NR:
        *rw = (struct rw_command){ true, false, false, false }; return true;
    case CMD_WRITE_SECTORS_EXT:
        *rw = (struct rw_command){ true, true, false, false }; return true;
    case CMD_WRITE_MULTIPLE:
        *rw = (struct rw_command){ true, false, false, true }; return true;
    case CMD_WRITE_MULTIPLE_EXT:
        *rw = (struct rw_command){ true, true, false, true }; return true;
    case CMD_WRITE_DMA: case CMD_WRITE_DMA_NR:
        *rw = (struct rw_command){ true, false, true, false }; return true;
    case CMD_WRITE_DMA_EXT:
        *rw = (struct rw_command){ true, true, true, false }; return true;
    default:
        return false;
    }
}

static uint32_t sector_count(const struct ata_drive *d, bool lba48)
{
    const struct ata_taskfile *tf = &d->s.tf;
    if (lba48) {
        uint32_t n = (uint32_t)tf->hob_nsector << 8 | tf->nsector;
        return n ? n : 65536;
    }
    return tf->nsector ? tf->nsector : 256;
}

/* The address the registers give (LBA48, LBA28 or CHS in the current
 * translation); false for a CHS address outside the translation. */
static bool command_address(const struct ata_drive *d, bool lba48, uint64_t *lba)
{
    const struct ata_taskfile *tf = &d->s.tf;
    uint8_t dev = d->ch->s.device;
    uint64_t low24 = (uint64_t)tf->lba_high << 16 | (uint64_t)tf->lba_mid << 8 | tf->lba_low;
    if (lba48) {
        *lba = (uint64_t)tf->hob_lba_high << 40 | (uint64_t)tf->hob_lba_mid << 32 |
               (uint64_t)tf->hob_lba_low << 24 | low24;
        return true;
    }
    if (dev & ATA_DEV_LBA) {
        *lba = (uint64_t)(dev & 0x0F) << 24 | low24;
        return true;
    }
    const struct ata_state *s = &d->s;
    uint32_t cyl = (uint32_t)tf->lba_high << 8 | tf->lba_mid;
    uint32_t head = dev & 0x0F, sect = tf->lba_low;
    if (!s->heads || !s->spt || sect < 1 || sect > s->spt || head >= s->heads ||
        cyl >= s->cylinders)
        return false;
    *lba = ((uint64_t)cyl * s->heads + head) * s->spt + sect - 1;
    return true;
}

/* Put lba back in the registers in the command's form (the address of
 * the last sector done, or of the one that failed). */
static void report_address(struct ata_drive *d, uint64_t lba)
{
    struct ata_taskfile *tf = &d->s.tf;
    struct ata_channel *ch = d->ch;
    if (d->s.lba48) {
        tf->hob_lba_low = (uint8_t)(lba >> 24);
        tf->hob_lba_mid = (uint8_t)(lba >> 32);
        tf->hob_lba_high = (uint8_t)(lba >> 40);
    } else if (ch->s.device & ATA_DEV_LBA) {
        ch->s.device = (uint8_t)((ch->s.device & 0xF0) | ((lba >> 24) & 0x0F));
    } else if (d->s.heads && d->s.spt) {
        uint64_t track = lba / d->s.spt;
        ch->s.device = (uint8_t)((ch->s.device & 0xF0) | (track % d->s.heads));
        uint32_t cyl = (uint32_t)(track / d->s.heads);
        tf->lba_low = (uint8_t)(lba % d->s.spt + 1);
        tf->lba_mid = (uint8_t)cyl;
        tf->lba_high = (uint8_t)(cyl >> 8);
        return;
    }
    tf->lba_low = (uint8_t)lba;
    tf->lba_mid = (uint8_t)(lba >> 8);
    tf->lba_high = (uint8_t)(lba >> 16);
}

/* Check the range of a media access; on failure finish with IDNF and
 * the first address that is not there. */
static bool setup_range(struct ata_drive *d, bool lba48)
{
    uint64_t lba = 0;
    uint32_t count = sector_count(d, lba48);
    d->s.lba48 = lba48;
    d->s.power = 0xFF;
    if (!command_address(d, lba48, &lba)) {
        finish_error(d, ATA_ER_IDNF);
        return false;
    }
    if (lba >= d->sectors || count > d->sectors - lba) {
        report_address(d, lba < d->sectors ? d->sectors : lba);
        finish_error(d, ATA_ER_IDNF);
        return false;
    }
    d->s.lba = lba;
    d->s.left = count;
    return true;
}

/* ---- sector transfers ---- */

static uint32_t block_sectors(const struct ata_drive *d)
{
    struct rw_command rw;
    uint32_t block = rw_command(d->s.cmd, &rw) && rw.multiple ? d->s.multiple : 1;
    return (uint32_t)min_u64(block, d->s.left);
}

/* Read the next DRQ block of a PIO read and offer it. */
static void read_block(struct ata_drive *d)
{
    uint32_t n = block_sectors(d);
    if (blockdev_read(d->bd, d->s.lba * ATA_SECTOR, d->s.buf, n * ATA_SECTOR) < 0) {
        report_address(d, d->s.lba);
        finish_error(d, ATA_ER_UNC);
        return;
    }
    report_address(d, d->s.lba + n - 1);
    d->s.lba += n;
    d->s.left -= n;
    offer_block_in(d, 0, n * ATA_SECTOR);
}

/* The host filled a DRQ block of a PIO write: write it out. */
static void write_block(struct ata_drive *d)
{
    uint32_t n = d->s.end / ATA_SECTOR;
    if (blockdev_write(d->bd, d->s.lba * ATA_SECTOR, d->s.buf, n * ATA_SECTOR) < 0 ||
        (!d->s.write_cache && d->s.left == n && blockdev_flush(d->bd) < 0)) {
        report_address(d, d->s.lba);
        finish_error(d, ATA_ER_ABRT);
        d->s.tf.status |= ATA_SR_DF;
        return;
    }
    report_address(d, d->s.lba + n - 1);
    d->s.lba += n;
    d->s.left -= n;
    if (!d->s.left) {
        finish_ok(d);
        return;
    }
    accept_block_out(d, block_sectors(d) * ATA_SECTOR, true);
}

/* ---- DMA ---- */

/* One chunk of a disk DMA transfer; false when the bus master's table
 * ran out (the device then waits, as on hardware, for a reset). */
static bool disk_dma_chunk(struct ata_drive *d, bool write)
{
    uint32_t n = (uint32_t)min_u64(d->s.left, ATA_BUF_SIZE / ATA_SECTOR);
    uint32_t bytes = n * ATA_SECTOR;
    struct ata_dma *dma = &d->ch->dma;
    if (!write && blockdev_read(d->bd, d->s.lba * ATA_SECTOR, d->s.buf, bytes) < 0) {
        report_address(d, d->s.lba);
        finish_error(d, ATA_ER_UNC);
        return false;
    }
    if (dma->transfer(dma->opaque, d->s.buf, bytes) < bytes)
        return false;
    if (write && blockdev_write(d->bd, d->s.lba * ATA_SECTOR, d->s.buf, bytes) < 0) {
        report_address(d, d->s.lba);
        finish_error(d, ATA_ER_ABRT);
        d->s.tf.status |= ATA_SR_DF;
        return false;
    }
    d->s.lba += n;
    d->s.left -= n;
    return true;
}

static void disk_dma(struct ata_drive *d)
{
    struct rw_command rw = { 0 };
    rw_command(d->s.cmd, &rw);
    while (d->s.left)
        if (!disk_dma_chunk(d, rw.write))
            return;
    if (rw.write && !d->s.write_cache && blockdev_flush(d->bd) < 0) {
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    report_address(d, d->s.lba - 1);
    finish_ok(d);
}

static void atapi_dma(struct ata_drive *d);

/* Run a DMA transfer now if the bus master is started, else wait for it. */
static void try_dma(struct ata_drive *d)
{
    struct ata_dma *dma = &d->ch->dma;
    d->s.phase = PH_DMA;
    d->s.tf.status = ready_status(d) | ATA_SR_DRQ;
    if (!dma->transfer || !dma->running(dma->opaque)) {
        d->s.dma_waiting = true;
        return;
    }
    d->s.dma_waiting = false;
    if (d->kind == ATA_CDROM)
        atapi_dma(d);
    else
        disk_dma(d);
}

/* ---- commands this model does not implement ---- */

/* The name of an ATA-6 command this model has no code for (chapter 8). */
static const char *unimplemented_command_name(uint8_t cmd)
{
    switch (cmd) {
    case 0x03: return "CFA REQUEST EXTENDED ERROR";
    case 0x22: case 0x23: return "READ LONG";
    case 0x26: return "READ DMA QUEUED EXT";
    case 0x27: return "READ NATIVE MAX ADDRESS EXT";
    case 0x2F: return "READ LOG EXT";
    case 0x32: case 0x33: return "WRITE LONG";
    case 0x36: return "WRITE DMA QUEUED EXT";
    case 0x37: return "SET MAX ADDRESS EXT";
    case 0x38: return "CFA WRITE SECTORS WITHOUT ERASE";
    case 0x3F: return "WRITE LOG EXT";
    case 0x50: return "FORMAT TRACK";
    case 0x87: return "CFA TRANSLATE SECTOR";
    case 0x92: return "DOWNLOAD MICROCODE";
    case 0xA2: return "SERVICE";
    case 0xB0: return "SMART";
    case 0xB1: return "DEVICE CONFIGURATION";
    case 0xC0: return "CFA ERASE SECTORS";
    case 0xC7: return "READ DMA QUEUED";
    case 0xCC: return "WRITE DMA QUEUED";
    case 0xCD: return "CFA WRITE MULTIPLE WITHOUT ERASE";
    case 0xD1: return "CHECK MEDIA CARD TYPE";
    case 0xDA: return "GET MEDIA STATUS";
    case 0xDE: return "MEDIA LOCK";
    case 0xDF: return "MEDIA UNLOCK";
    case 0xE4: return "READ BUFFER";
    case 0xE8: return "WRITE BUFFER";
    case 0xED: return "MEDIA EJECT";
    case 0xF1: return "SECURITY SET PASSWORD";
    case 0xF2: return "SECURITY UNLOCK";
    case 0xF3: return "SECURITY ERASE PREPARE";
    case 0xF4: return "SECURITY ERASE UNIT";
    case 0xF5: return "SECURITY FREEZE LOCK";
    case 0xF6: return "SECURITY DISABLE PASSWORD";
    case 0xF8: return "READ NATIVE MAX ADDRESS";
    case 0xF9: return "SET MAX ADDRESS";
    default: return "not an ATA-6 command";
    }
}

/* Commands a disk or a CD-ROM drive here executes, or aborts because
 * ATA-6 says its kind of device does (NOP always; a disk: the PACKET
 * commands and DEVICE RESET; a PACKET device: the disk's commands). */
static bool modelled_command(uint8_t cmd)
{
    struct rw_command rw;
    if (rw_command(cmd, &rw) || (cmd & 0xF0) == CMD_RECALIBRATE)
        return true;
    switch (cmd) {
    case CMD_NOP: case CMD_DEVICE_RESET: case CMD_READ_VERIFY: case CMD_READ_VERIFY_NR:
    case CMD_READ_VERIFY_EXT: case CMD_SEEK: case CMD_EXEC_DIAG: case CMD_INIT_PARAMS:
    case CMD_STANDBY_IMMEDIATE_OLD: case CMD_IDLE_IMMEDIATE_OLD: case CMD_STANDBY_OLD:
    case CMD_IDLE_OLD: case CMD_CHECK_POWER_MODE_OLD: case CMD_SLEEP_OLD:
    case CMD_PACKET: case CMD_IDENTIFY_PACKET: case CMD_SET_MULTIPLE:
    case CMD_STANDBY_IMMEDIATE: case CMD_IDLE_IMMEDIATE: case CMD_STANDBY: case CMD_IDLE:
    case CMD_CHECK_POWER_MODE: case CMD_SLEEP: case CMD_FLUSH_CACHE: case CMD_FLUSH_CACHE_EXT:
    case CMD_IDENTIFY: case CMD_SET_FEATURES:
        return true;
    default:
        return false;
    }
}

/* A command about to be aborted: say so when it is one this model lacks
 * rather than one the device would abort anyway. */
static void report_unmodelled(struct ata_drive *d)
{
    uint8_t cmd = d->s.cmd;
    if (modelled_command(cmd))
        return;
    trace_unimp_key(d->ch, cmd, "ATA command %02xh (%s) to the %s is not implemented: aborted",
                    cmd, unimplemented_command_name(cmd),
                    d->kind == ATA_CDROM ? "ATAPI CD-ROM drive" : "disk");
}

/* ---- ATA commands ---- */

static void cmd_read_write(struct ata_drive *d, const struct rw_command *rw)
{
    if (rw->multiple && !d->s.multiple) {
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    if (rw->write && !blockdev_writable(d->bd)) {
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    if (!setup_range(d, rw->lba48))
        return;
    if (rw->dma) {
        d->s.uses_dma = true;
        try_dma(d);
    } else if (rw->write) {
        accept_block_out(d, block_sectors(d) * ATA_SECTOR, false);
    } else {
        read_block(d);
    }
}

/* READ VERIFY SECTOR(S): the range is all there is to check. */
static void cmd_verify(struct ata_drive *d, bool lba48)
{
    if (!setup_range(d, lba48))
        return;
    report_address(d, d->s.lba + d->s.left - 1);
    finish_ok(d);
}

/* SEEK: IDNF for an address that is not on the disk. */
static void cmd_seek(struct ata_drive *d)
{
    uint64_t lba = 0;
    d->s.lba48 = false;
    d->s.power = 0xFF;
    if (!command_address(d, false, &lba) || lba >= d->sectors)
        finish_error(d, ATA_ER_IDNF);
    else
        finish_ok(d);
}

static void cmd_init_params(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    if (!s->tf.nsector) {
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    s->heads = (uint8_t)((d->ch->s.device & 0x0F) + 1);
    s->spt = s->tf.nsector;
    uint64_t cyl = d->sectors / ((uint32_t)s->heads * s->spt);
    s->cylinders = (uint16_t)min_u64(cyl, 65535);
    finish_ok(d);
}

static void cmd_set_multiple(struct ata_drive *d)
{
    uint8_t n = d->s.tf.nsector;
    if (n > ATA_MAX_MULTIPLE || (n & (n - 1))) {
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    d->s.multiple = n;
    finish_ok(d);
}

static bool valid_xfer_mode(uint8_t mode)
{
    return mode <= 0x01 || (mode >= 0x08 && mode <= 0x0C) || (mode >= 0x20 && mode <= 0x22) ||
           (mode >= 0x40 && mode <= 0x45);
}

/* SET FEATURES subcommands of ATA-6 (8.37, table 29) this model lacks. */
static const char *unimplemented_feature_name(uint8_t feature)
{
    switch (feature) {
    case 0x05: return "enable advanced power management";
    case 0x85: return "disable advanced power management";
    case 0x06: return "enable power-up in standby";
    case 0x86: return "disable power-up in standby";
    case 0x07: return "power-up in standby device spin-up";
    case 0x0A: return "enable CFA power mode 1";
    case 0x8A: return "disable CFA power mode 1";
    case 0x31: return "disable Media Status Notification";
    case 0x95: return "enable Media Status Notification";
    case 0x42: return "enable automatic acoustic management";
    case 0xC2: return "disable automatic acoustic management";
    case 0x43: return "set maximum host interface sector times";
    case 0x5D: return "enable release interrupt";
    case 0xDD: return "disable release interrupt";
    case 0x5E: return "enable SERVICE interrupt";
    case 0xDE: return "disable SERVICE interrupt";
    default: return "not an ATA-6 subcommand";
    }
}

static void cmd_set_features(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    switch (s->tf.feature) {
    case SF_XFER_MODE:
        if (!valid_xfer_mode(s->tf.nsector)) {
            finish_error(d, ATA_ER_ABRT);
            return;
        }
        s->xfer_mode = s->tf.nsector;
        break;
    case SF_WCACHE_ON:
    case SF_WCACHE_OFF:
        s->write_cache = s->tf.feature == SF_WCACHE_ON;
        if (!s->write_cache && d->bd)
            blockdev_flush(d->bd);
        break;
    case SF_LOOKAHEAD_ON:
    case SF_LOOKAHEAD_OFF:
        s->lookahead = s->tf.feature == SF_LOOKAHEAD_ON;
        break;
    case SF_REVERT_ON:
    case SF_REVERT_OFF:
        break;
    default:
        trace_unimp_key(d->ch, s->tf.feature, "ATA SET FEATURES subcommand %02xh (%s) is "
                        "not implemented: aborted", s->tf.feature,
                        unimplemented_feature_name(s->tf.feature));
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    finish_ok(d);
}

static void cmd_flush(struct ata_drive *d)
{
    if (d->bd && blockdev_flush(d->bd) < 0) {
        finish_error(d, ATA_ER_ABRT);
        return;
    }
    finish_ok(d);
}

/* The power commands: IDLE/STANDBY (immediate or with a timer), SLEEP and
 * CHECK POWER MODE (nsector: FFh active or idle, 80h idle, 00h standby). */
static bool cmd_power(struct ata_drive *d, uint8_t cmd)
{
    switch (cmd) {
    case CMD_STANDBY_IMMEDIATE: case CMD_STANDBY_IMMEDIATE_OLD:
    case CMD_STANDBY: case CMD_STANDBY_OLD: case CMD_SLEEP: case CMD_SLEEP_OLD:
        d->s.power = 0x00;
        break;
    case CMD_IDLE_IMMEDIATE: case CMD_IDLE_IMMEDIATE_OLD: case CMD_IDLE: case CMD_IDLE_OLD:
        d->s.power = 0x80;
        break;
    case CMD_CHECK_POWER_MODE: case CMD_CHECK_POWER_MODE_OLD:
        d->s.tf.nsector = d->s.power;
        break;
    default:
        return false;
    }
    finish_ok(d);
    return true;
}

static void cmd_identify(struct ata_drive *d, bool packet)
{
    uint16_t id[256];
    if (packet)
        identify_packet(d, id);
    else
        identify_disk(d, id);
    store_identify(d, id);
    d->s.left = 0;
    offer_block_in(d, 0, 512);
}

static void execute_disk(struct ata_drive *d)
{
    uint8_t cmd = d->s.cmd;
    struct rw_command rw;
    if (rw_command(cmd, &rw)) {
        cmd_read_write(d, &rw);
        return;
    }
    if ((cmd & 0xF0) == CMD_RECALIBRATE) {
        finish_ok(d);
        return;
    }
    if (cmd_power(d, cmd))
        return;
    switch (cmd) {
    case CMD_READ_VERIFY: case CMD_READ_VERIFY_NR:
        cmd_verify(d, false);
        break;
    case CMD_READ_VERIFY_EXT:
        cmd_verify(d, true);
        break;
    case CMD_SEEK:
        cmd_seek(d);
        break;
    case CMD_INIT_PARAMS:
        cmd_init_params(d);
        break;
    case CMD_SET_MULTIPLE:
        cmd_set_multiple(d);
        break;
    case CMD_SET_FEATURES:
        cmd_set_features(d);
        break;
    case CMD_FLUSH_CACHE: case CMD_FLUSH_CACHE_EXT:
        cmd_flush(d);
        break;
    case CMD_IDENTIFY:
        cmd_identify(d, false);
        break;
    default:            /* NOP, DEVICE RESET, PACKET, IDENTIFY PACKET, ... */
        report_unmodelled(d);
        finish_error(d, ATA_ER_ABRT);
        break;
    }
}

/* ---- ATAPI: the packet and its phases ---- */

static bool has_media(const struct ata_drive *d)
{
    return d->bd && !d->s.tray_open;
}

static void atapi_ok(struct ata_drive *d)
{
    d->s.tf.nsector = (uint8_t)((d->s.tf.nsector & 0xF8) | ATAPI_IR_IO | ATAPI_IR_COD);
    finish_ok(d);
}

/* CHECK CONDITION: sense data kept for REQUEST SENSE, sense key in the
 * error register's high nibble. */
static void atapi_fail(struct ata_drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->s.sense_key = key;
    d->s.asc = asc;
    d->s.ascq = ascq;
    d->s.tf.nsector = (uint8_t)((d->s.tf.nsector & 0xF8) | ATAPI_IR_IO | ATAPI_IR_COD);
    finish_error(d, (uint8_t)(key << 4 | (key == SENSE_ILLEGAL_REQUEST ? ATA_ER_ABRT : 0)));
}

static void atapi_invalid_field(struct ata_drive *d)
{
    atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

/* Make buf[cur, cur + want) hold disc data: move what is left to the
 * front and read whole sectors after it. */
static bool atapi_refill(struct ata_drive *d, uint32_t want)
{
    struct ata_state *s = &d->s;
    uint32_t held = s->fill - s->cur;
    memmove(s->buf, s->buf + s->cur, held);
    s->cur = 0;
    s->fill = held;
    uint64_t unread = s->left - held;   /* disc bytes not yet in buf */
    if (held >= want || !unread)
        return true;
    uint32_t room = (ATA_BUF_SIZE - held) / ATAPI_SECTOR;
    uint32_t need = (want - held + ATAPI_SECTOR - 1) / ATAPI_SECTOR;
    uint32_t n = (uint32_t)min_u64(min_u64(need, room), unread / ATAPI_SECTOR);
    if (blockdev_read(d->bd, s->lba * ATAPI_SECTOR, s->buf + held, n * ATAPI_SECTOR) < 0)
        return false;
    s->lba += n;
    s->fill += n * ATAPI_SECTOR;
    return true;
}

/* The next DRQ block of a packet command's data (PIO): at most the byte
 * count limit the host gave, an even number unless it is the last; with
 * nothing left, the status phase. */
static void atapi_next_block(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    if (!s->left) {
        atapi_ok(d);
        return;
    }
    uint32_t limit = s->byte_limit > 1 ? s->byte_limit : s->byte_limit ? 2 : 0xFFFE;
    uint32_t chunk = s->left <= limit ? (uint32_t)s->left : (limit & ~1u);
    if (s->cd_stream && !atapi_refill(d, chunk)) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    s->left -= chunk;
    s->tf.lba_mid = (uint8_t)chunk;
    s->tf.lba_high = (uint8_t)(chunk >> 8);
    s->tf.nsector = (uint8_t)((s->tf.nsector & 0xF8) | ATAPI_IR_IO);
    offer_block_in(d, s->cur, s->cur + chunk);
}

static void atapi_begin_data(struct ata_drive *d)
{
    if (!d->s.left) {
        atapi_ok(d);
        return;
    }
    if (d->s.uses_dma)
        try_dma(d);
    else
        atapi_next_block(d);
}

/* Data for the host: len bytes built in buf, cut to the allocation length. */
static void atapi_reply(struct ata_drive *d, uint32_t len, uint32_t alloc)
{
    d->s.cd_stream = false;
    d->s.cur = 0;
    d->s.fill = len;
    d->s.left = len < alloc ? len : alloc;
    atapi_begin_data(d);
}

static void atapi_dma(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    struct ata_dma *dma = &d->ch->dma;
    while (s->left) {
        uint32_t chunk = (uint32_t)min_u64(s->left, ATA_BUF_SIZE);
        if (s->cd_stream) {
            chunk = (uint32_t)min_u64(s->left, ATA_BUF_SIZE / ATAPI_SECTOR * ATAPI_SECTOR);
            if (!atapi_refill(d, chunk)) {
                atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
                return;
            }
        }
        if (dma->transfer(dma->opaque, s->buf + s->cur, chunk) < chunk)
            return;
        s->cur += chunk;
        s->left -= chunk;
    }
    atapi_ok(d);
}

/* ---- ATAPI packet commands ---- */

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = (uint8_t)(lba / (75 * 60));
    p[1] = (uint8_t)(lba / 75 % 60);
    p[2] = (uint8_t)(lba % 75);
}

/* A TOC address: LBA, or 0:M:S:F. */
static void put_toc_address(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        put_be32(p, lba);
    }
}

static void pc_request_sense(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    uint8_t *b = s->buf;
    memset(b, 0, 18);
    b[0] = 0x70;                        /* current error, fixed format */
    b[7] = 10;                          /* additional length */
    if (s->sense_key == SENSE_NONE && s->ua_asc) {
        b[2] = SENSE_UNIT_ATTENTION;
        b[12] = s->ua_asc;
        s->ua_asc = 0;
    } else {
        b[2] = s->sense_key;
        b[12] = s->asc;
        b[13] = s->ascq;
    }
    s->sense_key = s->asc = s->ascq = 0;
    atapi_reply(d, 18, s->packet[4]);
}

static void pc_inquiry(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    if (p[1] & 0x01) {                  /* EVPD: no vital product data pages */
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->s.buf;
    memset(b, 0, 36);
    b[0] = 0x05;                        /* CD/DVD device */
    b[1] = 0x80;                        /* removable */
    b[3] = 0x21;                        /* ATAPI version 2, response format 1 */
    b[4] = 31;                          /* additional length */
    memcpy(b + 8, "EMBER   ", 8);
    memcpy(b + 16, "CD-ROM          ", 16);
    memcpy(b + 32, "1.0 ", 4);
    atapi_reply(d, 36, get_be16(p + 3));
}

static void pc_read_capacity(struct ata_drive *d)
{
    put_be32(d->s.buf, (uint32_t)(d->sectors - 1));
    put_be32(d->s.buf + 4, ATAPI_SECTOR);
    atapi_reply(d, 8, 8);
}

static void pc_read(struct ata_drive *d, uint32_t lba, uint32_t count)
{
    struct ata_state *s = &d->s;
    if ((uint64_t)lba + count > d->sectors) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    s->cd_stream = true;
    s->lba = lba;
    s->left = (uint64_t)count * ATAPI_SECTOR;
    s->cur = s->fill = 0;
    atapi_begin_data(d);
}

static void pc_seek(struct ata_drive *d)
{
    if (get_be32(d->s.packet + 2) >= d->sectors)
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
    else
        atapi_ok(d);
}

/* READ TOC format 0: track 1 (data) and the lead-out. */
static uint32_t toc_tracks(const struct ata_drive *d, uint8_t *b, uint8_t start, bool msf)
{
    uint32_t len = 4;
    b[2] = b[3] = 1;                    /* first and last track */
    if (start <= 1) {
        uint8_t *t = b + len;
        memset(t, 0, 8);
        t[1] = 0x14;                    /* ADR 1, data track */
        t[2] = 1;
        put_toc_address(t + 4, 0, msf);
        len += 8;
    }
    uint8_t *t = b + len;
    memset(t, 0, 8);
    t[1] = 0x14;
    t[2] = 0xAA;                        /* lead-out */
    put_toc_address(t + 4, (uint32_t)d->sectors, msf);
    len += 8;
    put_be16(b, len - 2);
    return len;
}

/* READ TOC format 1: the first track of the last (only) session. */
static uint32_t toc_session(uint8_t *b, bool msf)
{
    memset(b, 0, 12);
    put_be16(b, 10);
    b[2] = b[3] = 1;
    b[5] = 0x14;
    b[6] = 1;
    put_toc_address(b + 8, 0, msf);
    return 12;
}

static uint8_t *raw_toc_entry(uint8_t *t, uint8_t point)
{
    memset(t, 0, 11);
    t[0] = 1;                           /* session */
    t[1] = 0x14;
    t[3] = point;
    return t;
}

/* READ TOC format 2: the raw Q sub-channel entries A0h, A1h, A2h and
 * track 1; addresses in MSF. */
static uint32_t toc_raw(const struct ata_drive *d, uint8_t *b)
{
    b[2] = b[3] = 1;                    /* first and last session */
    uint8_t *t = raw_toc_entry(b + 4, 0xA0);
    t[8] = 1;                           /* first track; disc type CD-ROM */
    t = raw_toc_entry(b + 15, 0xA1);
    t[8] = 1;                           /* last track */
    t = raw_toc_entry(b + 26, 0xA2);
    lba_to_msf(t + 8, (uint32_t)d->sectors);
    t = raw_toc_entry(b + 37, 1);
    lba_to_msf(t + 8, 0);
    put_be16(b, 48 - 2);
    return 48;
}

static void pc_read_toc(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    bool msf = p[1] & 0x02;
    uint8_t format = p[2] & 0x0F;
    if (!format)
        format = p[9] >> 6;             /* the SFF-8020i place for it */
    uint8_t start = p[6];
    uint32_t len;
    switch (format) {
    case 0:
        if (start > 1 && start != 0xAA) {
            atapi_invalid_field(d);
            return;
        }
        len = toc_tracks(d, d->s.buf, start, msf);
        break;
    case 1:
        len = toc_session(d->s.buf, msf);
        break;
    case 2:
        len = toc_raw(d, d->s.buf);
        break;
    default:
        trace_unimp_key(d->ch, format, "ATAPI READ TOC/PMA/ATIP format %u (%s) is not "
                        "implemented: CHECK CONDITION, invalid field", format,
                        format == 3 ? "PMA" : format == 4 ? "ATIP" : format == 5 ? "CD-TEXT"
                                                                      : "reserved");
        atapi_invalid_field(d);
        return;
    }
    atapi_reply(d, len, get_be16(p + 7));
}

static uint32_t mode_page_error_recovery(uint8_t *b, bool changeable)
{
    memset(b, 0, 12);
    b[0] = 0x01;
    b[1] = 10;
    if (!changeable)
        b[3] = 5;                       /* read retry count */
    return 12;
}

static uint32_t mode_page_capabilities(const struct ata_drive *d, uint8_t *b, bool changeable)
{
    memset(b, 0, 22);
    b[0] = 0x2A;
    b[1] = 20;
    if (changeable)
        return 22;
    b[4] = 0x71;                        /* audio play, mode 2 form 1/2, multi-session */
    b[6] = (uint8_t)(0x29 | (d->s.locked ? 0x02 : 0)); /* tray, eject, lock (state) */
    put_be16(b + 8, 1411);              /* maximum speed, kB/s (8x) */
    put_be16(b + 10, 256);              /* volume levels */
    put_be16(b + 12, 512);              /* buffer, KiB */
    put_be16(b + 14, 1411);             /* current speed */
    return 22;
}

static void pc_mode_sense(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    uint8_t control = p[2] >> 6, page = p[2] & 0x3F;
    if (control == 3) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
        return;
    }
    bool changeable = control == 1;
    uint8_t *b = d->s.buf;
    uint32_t len = 8;
    memset(b, 0, 8);
    b[2] = has_media(d) ? 0x01 : 0x70;  /* 120 mm data disc, or no disc */
    if (page == 0x01 || page == 0x3F)
        len += mode_page_error_recovery(b + len, changeable);
    if (page == 0x2A || page == 0x3F)
        len += mode_page_capabilities(d, b + len, changeable);
    if (len == 8) {
        trace_unimp_key(d->ch, page, "ATAPI MODE SENSE page %02xh is not implemented (only "
                        "01h and 2Ah are): CHECK CONDITION, invalid field", page);
        atapi_invalid_field(d);
        return;
    }
    put_be16(b, len - 2);
    atapi_reply(d, len, get_be16(p + 7));
}

static uint16_t current_profile(const struct ata_drive *d)
{
    if (!has_media(d))
        return 0;
    return d->sectors > CD_MAX_SECTORS ? 0x0010 : 0x0008;   /* DVD-ROM : CD-ROM */
}

/* Feature 0000h: the profile list (DVD-ROM, CD-ROM). */
static uint32_t feature_profiles(const struct ata_drive *d, uint8_t *b)
{
    uint16_t cur = current_profile(d);
    memset(b, 0, 12);
    b[2] = 0x03;                        /* persistent, current */
    b[3] = 8;
    put_be16(b + 4, 0x0010);
    b[6] = cur == 0x0010;
    put_be16(b + 8, 0x0008);
    b[10] = cur == 0x0008;
    return 12;
}

/* Feature 0001h: core, over ATAPI. */
static uint32_t feature_core(uint8_t *b)
{
    memset(b, 0, 12);
    put_be16(b, 0x0001);
    b[2] = 0x0B;                        /* version 2, persistent, current */
    b[3] = 8;
    put_be32(b + 4, 2);                 /* physical interface: ATAPI */
    return 12;
}

static void pc_get_configuration(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    uint8_t rt = p[1] & 0x03;
    uint32_t start = get_be16(p + 2);
    if (rt == 3) {
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->s.buf;
    uint32_t len = 8;
    memset(b, 0, 8);
    put_be16(b + 6, current_profile(d));
    if (start == 0)
        len += feature_profiles(d, b + len);
    if (start <= 1 && !(rt == 2 && start == 0))
        len += feature_core(b + len);
    put_be32(b, len - 4);
    atapi_reply(d, len, get_be16(p + 7));
}

static void pc_get_event_status(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    if (!(p[1] & 0x01)) {               /* only polled operation */
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->s.buf;
    memset(b, 0, 8);
    b[3] = 0x10;                        /* supported classes: media */
    uint32_t len = 4;
    if (p[4] & 0x10) {
        b[2] = 0x04;                    /* media class */
        b[4] = d->s.media_event;
        b[5] = (uint8_t)((has_media(d) ? 0x02 : 0) | (d->s.tray_open ? 0x01 : 0));
        d->s.media_event = MEDIA_EVENT_NONE;
        len = 8;
    } else {
        b[2] = 0x80;                    /* no event available */
    }
    put_be16(b, len - 2);
    atapi_reply(d, len, get_be16(p + 7));
}

static void pc_start_stop(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    uint8_t op = s->packet[4] & 0x03;   /* LoEj, Start */
    if (op == 0x02) {
        if (s->locked) {
            atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED, 0x02);
            return;
        }
        if (!s->tray_open && d->bd)
            s->media_event = MEDIA_EVENT_REMOVED;
        s->tray_open = true;
    } else if (op == 0x03 && s->tray_open) {
        s->tray_open = false;
        if (d->bd) {
            s->media_event = MEDIA_EVENT_NEW;
            s->ua_asc = ASC_MEDIUM_CHANGED;
        }
    }
    atapi_ok(d);
}

static void pc_read_disc_info(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    if (p[1] & 0x07) {
        atapi_invalid_field(d);
        return;
    }
    uint8_t *b = d->s.buf;
    memset(b, 0, 34);
    put_be16(b, 32);
    b[2] = 0x0E;                        /* last session complete, disc complete */
    b[3] = b[4] = b[5] = b[6] = 1;      /* first track, sessions, tracks of the last one */
    b[7] = 0x20;                        /* unrestricted use */
    memset(b + 16, 0xFF, 8);            /* no lead-in or lead-out to come */
    atapi_reply(d, 34, get_be16(p + 7));
}

static void pc_mechanism_status(struct ata_drive *d)
{
    uint8_t *b = d->s.buf;
    memset(b, 0, 8);
    b[1] = d->s.tray_open ? 0x10 : 0x00;
    atapi_reply(d, 8, get_be16(d->s.packet + 8));
}

/* Commands that need a disc in the closed tray. */
static bool needs_media(uint8_t op)
{
    switch (op) {
    case GPCMD_TEST_UNIT_READY: case GPCMD_READ_CAPACITY: case GPCMD_READ_10:
    case GPCMD_READ_12: case GPCMD_SEEK_10: case GPCMD_READ_TOC: case GPCMD_READ_DISC_INFO:
        return true;
    default:
        return false;
    }
}

/* Commands that run even with a unit attention pending (and keep it). */
static bool ignores_unit_attention(uint8_t op)
{
    return op == GPCMD_INQUIRY || op == GPCMD_REQUEST_SENSE || op == GPCMD_GET_CONFIGURATION ||
           op == GPCMD_GET_EVENT_STATUS;
}

/* Packet commands (MMC-3, SPC-2) a CD-ROM or DVD-ROM drive may take that
 * this model lacks; NULL for those of writers, which a read-only drive
 * rejects as this one does (and for opcodes that name no command). */
static const char *unimplemented_packet_name(uint8_t op)
{
    switch (op) {
    case 0x01: return "REZERO UNIT";
    case 0x15: return "MODE SELECT(6)";
    case 0x1A: return "MODE SENSE(6)";
    case 0x23: return "READ FORMAT CAPACITIES";
    case 0x2F: return "VERIFY(10)";
    case 0x35: return "SYNCHRONIZE CACHE";
    case 0x42: return "READ SUB-CHANNEL";
    case 0x44: return "READ HEADER";
    case 0x45: return "PLAY AUDIO(10)";
    case 0x47: return "PLAY AUDIO MSF";
    case 0x4B: return "PAUSE/RESUME";
    case 0x4E: return "STOP PLAY/SCAN";
    case 0x52: return "READ TRACK INFORMATION";
    case 0x55: return "MODE SELECT(10)";
    case 0x5C: return "READ BUFFER CAPACITY";
    case 0xA3: return "SEND KEY";
    case 0xA4: return "REPORT KEY";
    case 0xA5: return "PLAY AUDIO(12)";
    case 0xAC: return "GET PERFORMANCE";
    case 0xAD: return "READ DVD STRUCTURE";
    case 0xB6: return "SET STREAMING";
    case 0xB9: return "READ CD MSF";
    case 0xBA: return "SCAN";
    case 0xBE: return "READ CD";
    default: return NULL;
    }
}

static void atapi_dispatch(struct ata_drive *d)
{
    const uint8_t *p = d->s.packet;
    switch (p[0]) {
    case GPCMD_TEST_UNIT_READY: case GPCMD_SET_CD_SPEED:
        atapi_ok(d);
        break;
    case GPCMD_REQUEST_SENSE:
        pc_request_sense(d);
        break;
    case GPCMD_INQUIRY:
        pc_inquiry(d);
        break;
    case GPCMD_START_STOP_UNIT:
        pc_start_stop(d);
        break;
    case GPCMD_PREVENT_ALLOW:
        d->s.locked = p[4] & 0x01;
        atapi_ok(d);
        break;
    case GPCMD_READ_CAPACITY:
        pc_read_capacity(d);
        break;
    case GPCMD_READ_10:
        pc_read(d, get_be32(p + 2), get_be16(p + 7));
        break;
    case GPCMD_READ_12:
        pc_read(d, get_be32(p + 2), get_be32(p + 6));
        break;
    case GPCMD_SEEK_10:
        pc_seek(d);
        break;
    case GPCMD_READ_TOC:
        pc_read_toc(d);
        break;
    case GPCMD_GET_CONFIGURATION:
        pc_get_configuration(d);
        break;
    case GPCMD_GET_EVENT_STATUS:
        pc_get_event_status(d);
        break;
    case GPCMD_READ_DISC_INFO:
        pc_read_disc_info(d);
        break;
    case GPCMD_MODE_SENSE_10:
        pc_mode_sense(d);
        break;
    case GPCMD_MECHANISM_STATUS:
        pc_mechanism_status(d);
        break;
    default:
        if (unimplemented_packet_name(p[0]))
            trace_unimp_key(d->ch, p[0], "ATAPI packet command %02xh (%s) is not implemented: "
                            "CHECK CONDITION, invalid opcode", p[0],
                            unimplemented_packet_name(p[0]));
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        break;
    }
}

/* The 12-byte packet arrived: check unit attention and media, run it. */
static void atapi_packet(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    uint8_t op = s->packet[0];
    if (op != GPCMD_REQUEST_SENSE)
        s->sense_key = s->asc = s->ascq = 0;
    if (s->ua_asc && !ignores_unit_attention(op)) {
        uint8_t asc = s->ua_asc;
        s->ua_asc = 0;
        atapi_fail(d, SENSE_UNIT_ATTENTION, asc, 0);
        return;
    }
    if (needs_media(op) && !has_media(d)) {
        atapi_fail(d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, s->tray_open ? 0x02 : 0x01);
        return;
    }
    atapi_dispatch(d);
}

/* PACKET: DRQ for the command packet (no INTRQ: DRQ comes within 50 us). */
static void cmd_packet(struct ata_drive *d)
{
    struct ata_state *s = &d->s;
    s->uses_dma = s->tf.feature & 0x01;
    s->byte_limit = (uint16_t)(s->tf.lba_high << 8 | s->tf.lba_mid);
    s->tf.nsector = (uint8_t)((s->tf.nsector & 0xF8) | ATAPI_IR_COD);
    s->cur = 0;
    s->end = sizeof s->packet;
    s->phase = PH_PACKET;
    s->tf.status = ATA_SR_DRDY | ATA_SR_DRQ;
}

/* Commands of the PACKET feature set device: the ATA ones it takes, and
 * the signature for those it aborts (so the host learns it is ATAPI). */
static void execute_cdrom(struct ata_drive *d)
{
    uint8_t cmd = d->s.cmd;
    if (cmd_power(d, cmd))
        return;
    switch (cmd) {
    case CMD_PACKET:
        cmd_packet(d);
        break;
    case CMD_IDENTIFY_PACKET:
        cmd_identify(d, true);
        break;
    case CMD_SET_FEATURES:
        cmd_set_features(d);
        break;
    case CMD_FLUSH_CACHE:
        finish_ok(d);
        break;
    default:
        report_unmodelled(d);
        set_signature(d);
        finish_error(d, ATA_ER_ABRT);
        break;
    }
}

/* DEVICE RESET (ATAPI): at once, no INTRQ. */
static void device_reset(struct ata_drive *d)
{
    cancel(d);
    d->s.intrq = false;
    drive_after_reset(d);
    update_irq(d->ch);
}

/* ---- the drive's timer ---- */

static void drive_event(void *opaque)
{
    struct ata_drive *d = opaque;
    uint8_t event = d->s.pending;
    d->s.pending = EV_NONE;
    d->s.timer_armed = false;
    switch (event) {
    case EV_EXEC:
        if (d->kind == ATA_CDROM)
            execute_cdrom(d);
        else
            execute_disk(d);
        break;
    case EV_READ_BLOCK:
        read_block(d);
        break;
    case EV_WRITE_BLOCK:
        write_block(d);
        break;
    case EV_DMA:
        try_dma(d);
        break;
    case EV_PACKET:
        atapi_packet(d);
        break;
    case EV_ATAPI_BLOCK:
        atapi_next_block(d);
        break;
    case EV_RESET:
        drive_after_reset(d);
        break;
    case EV_DIAG:
        exec_diag_done(d);
        break;
    default:
        break;
    }
}

/* ---- the data port ---- */

/* The host took the last byte of a data-in block. */
static void block_in_done(struct ata_drive *d)
{
    if (d->s.cmd == CMD_PACKET) {
        go_busy(d, EV_ATAPI_BLOCK, ATA_DELAY_NS);
    } else if (d->s.left) {
        go_busy(d, EV_READ_BLOCK, ATA_DELAY_NS);
    } else {                            /* the last block of a PIO read: no INTRQ */
        end_transfer(d);
        d->s.tf.status = ready_status(d);
    }
}

/* The host wrote the last byte of a data-out block (or of the packet). */
static void block_out_done(struct ata_drive *d)
{
    if (d->s.phase == PH_PACKET) {
        memcpy(d->s.packet, d->s.buf, sizeof d->s.packet);
        go_busy(d, EV_PACKET, ATA_DELAY_NS);
    } else {
        go_busy(d, EV_WRITE_BLOCK, ATA_DELAY_NS);
    }
}

static uint32_t data_read(struct ata_drive *d, unsigned size)
{
    struct ata_state *s = &d->s;
    if (s->phase != PH_PIO_IN)
        return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    uint32_t value = 0;
    for (unsigned k = 0; k < size && s->cur < s->end; k++)
        value |= (uint32_t)s->buf[s->cur++] << (8 * k);
    if (s->cur >= s->end)
        block_in_done(d);
    return value;
}

static void data_write(struct ata_drive *d, uint32_t value, unsigned size)
{
    struct ata_state *s = &d->s;
    if (s->phase != PH_PIO_OUT && s->phase != PH_PACKET)
        return;
    for (unsigned k = 0; k < size && s->cur < s->end; k++)
        s->buf[s->cur++] = (uint8_t)(value >> (8 * k));
    if (s->cur >= s->end)
        block_out_done(d);
}

/* ---- the registers ---- */

static uint8_t read_register(struct ata_channel *ch, unsigned reg)
{
    struct ata_drive *d = selected(ch);
    const struct ata_taskfile *tf = &d->s.tf;
    bool hob = ch->s.control & ATA_DC_HOB;
    switch (reg) {
    case ATA_REG_ERROR:
        return tf->error;
    case ATA_REG_NSECTOR:
        return hob ? tf->hob_nsector : tf->nsector;
    case ATA_REG_LBA_LOW:
        return hob ? tf->hob_lba_low : tf->lba_low;
    case ATA_REG_LBA_MID:
        return hob ? tf->hob_lba_mid : tf->lba_mid;
    case ATA_REG_LBA_HIGH:
        return hob ? tf->hob_lba_high : tf->lba_high;
    case ATA_REG_DEVICE:
        return ch->s.device;
    default:                            /* status: reading it clears INTRQ */
        if (d->kind == ATA_NONE)
            return 0;
        d->s.intrq = false;
        update_irq(ch);
        return tf->status;
    }
}

/* A register of the command block as both devices latch it: the value
 * written before moves to the "previous" (HOB) half. */
static void latch(uint8_t *cur, uint8_t *prev, uint8_t value)
{
    *prev = *cur;
    *cur = value;
}

static void write_taskfile(struct ata_taskfile *tf, unsigned reg, uint8_t value)
{
    switch (reg) {
    case ATA_REG_FEATURE:
        latch(&tf->feature, &tf->hob_feature, value);
        break;
    case ATA_REG_NSECTOR:
        latch(&tf->nsector, &tf->hob_nsector, value);
        break;
    case ATA_REG_LBA_LOW:
        latch(&tf->lba_low, &tf->hob_lba_low, value);
        break;
    case ATA_REG_LBA_MID:
        latch(&tf->lba_mid, &tf->hob_lba_mid, value);
        break;
    default:
        latch(&tf->lba_high, &tf->hob_lba_high, value);
        break;
    }
}

static void write_command(struct ata_channel *ch, uint8_t cmd)
{
    struct ata_drive *d = selected(ch);
    if (cmd == CMD_EXEC_DIAG && !(d->s.tf.status & ATA_SR_BSY)) {
        exec_diag_start(ch);            /* every device runs it, selected or not */
        return;
    }
    if (d->kind == ATA_NONE)
        return;
    if (cmd == CMD_DEVICE_RESET && d->kind == ATA_CDROM) {
        device_reset(d);
        return;
    }
    if (d->s.tf.status & ATA_SR_BSY)
        return;
    d->s.intrq = false;
    update_irq(ch);
    end_transfer(d);
    d->s.cmd = cmd;
    go_busy(d, EV_EXEC, ATA_DELAY_NS);
}

static void write_register(struct ata_channel *ch, unsigned reg, uint8_t value)
{
    ch->s.control &= (uint8_t)~ATA_DC_HOB;
    if (reg == ATA_REG_COMMAND) {
        write_command(ch, value);
    } else if (reg == ATA_REG_DEVICE) {
        ch->s.device = value;
        update_irq(ch);
    } else {
        for (int k = 0; k < 2; k++)
            write_taskfile(&ch->drive[k].s.tf, reg, value);
    }
}

static uint32_t all_ones(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

static uint32_t command_block_read(void *opaque, uint32_t addr, unsigned size)
{
    struct ata_channel *ch = opaque;
    if (channel_empty(ch))
        return all_ones(size);
    if (addr == ATA_REG_DATA)
        return data_read(selected(ch), size);
    uint32_t value = 0;
    for (unsigned k = 0; k < size && addr + k < 8; k++)
        value |= (uint32_t)read_register(ch, addr + k) << (8 * k);
    return value;
}

static void command_block_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct ata_channel *ch = opaque;
    if (channel_empty(ch))
        return;
    if (addr == ATA_REG_DATA) {
        data_write(selected(ch), value, size);
        return;
    }
    for (unsigned k = 0; k < size && addr + k < 8; k++)
        write_register(ch, addr + k, (uint8_t)(value >> (8 * k)));
}

/* Alternate status: the status without clearing INTRQ. */
static uint32_t control_block_read(void *opaque, uint32_t addr, unsigned size)
{
    struct ata_channel *ch = opaque;
    (void)addr;
    if (channel_empty(ch))
        return all_ones(size);
    struct ata_drive *d = selected(ch);
    return d->kind == ATA_NONE ? 0 : d->s.tf.status;
}

/* Device control: nIEN, SRST (assert, then release to reset), HOB. */
static void control_block_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct ata_channel *ch = opaque;
    (void)addr; (void)size;
    uint8_t old = ch->s.control;
    ch->s.control = (uint8_t)value;
    if (!(old & ATA_DC_SRST) && (value & ATA_DC_SRST))
        srst_assert(ch);
    else if ((old & ATA_DC_SRST) && !(value & ATA_DC_SRST))
        srst_release(ch);
    update_irq(ch);
}

const struct io_ops ata_command_block_ops = {
    .name = "ata-command", .read = command_block_read, .write = command_block_write,
};
const struct io_ops ata_control_block_ops = {
    .name = "ata-control", .read = control_block_read, .write = control_block_write,
};

/* ---- the channel's life ---- */

void ata_channel_init(struct ata_channel *ch, unsigned index, struct clock *clock,
                      struct irq_line irq, const struct ata_dma *dma)
{
    memset(ch, 0, sizeof *ch);
    ch->index = index;
    ch->clock = clock;
    ch->irq = irq;
    if (dma)
        ch->dma = *dma;
    for (int k = 0; k < 2; k++) {
        struct ata_drive *d = &ch->drive[k];
        d->ch = ch;
        d->slot = k;
        d->kind = ATA_NONE;
        timer_init(&d->timer, drive_event, d);
    }
}

/* The default translation: 16 heads, 63 sectors per track, cylinders up
 * to 16383 (8 GB); smaller disks get as many cylinders as they fill. */
static void default_geometry(struct ata_drive *d)
{
    uint64_t cyl = d->sectors / (16 * 63);
    d->heads = 16;
    d->spt = 63;
    d->cylinders = (uint16_t)(cyl < 1 ? 1 : min_u64(cyl, CHS_MAX_CYLINDERS));
}

int ata_attach(struct ata_channel *ch, int slot, enum ata_kind kind, struct blockdev *bd)
{
    if (slot < 0 || slot > 1 || kind == ATA_NONE || (kind == ATA_DISK && !bd))
        return -1;
    struct ata_drive *d = &ch->drive[slot];
    unsigned number = ch->index * 2 + (unsigned)slot;
    d->kind = kind;
    d->bd = bd;
    if (kind == ATA_DISK) {
        d->sectors = blockdev_size(bd) / ATA_SECTOR;
        default_geometry(d);
        snprintf(d->model, sizeof d->model, "EMBER HARDDISK");
    } else {
        d->sectors = bd ? blockdev_size(bd) / ATAPI_SECTOR : 0;
        snprintf(d->model, sizeof d->model, "EMBER CD-ROM");
    }
    snprintf(d->serial, sizeof d->serial, "EMB%017u", number + 1);
    drive_power_on(d);
    return 0;
}

void ata_channel_reset(struct ata_channel *ch)
{
    ch->s.control = 0;
    ch->s.device = 0;
    for (int k = 0; k < 2; k++)
        if (ch->drive[k].kind != ATA_NONE)
            drive_power_on(&ch->drive[k]);
    update_irq(ch);
}

void ata_channel_destroy(struct ata_channel *ch)
{
    for (int k = 0; k < 2; k++) {
        struct ata_drive *d = &ch->drive[k];
        if (d->kind != ATA_NONE)
            cancel(d);
        blockdev_close(d->bd);
        d->bd = NULL;
        d->kind = ATA_NONE;
    }
}

void ata_channel_post_load(struct ata_channel *ch)
{
    for (int k = 0; k < 2; k++) {
        struct ata_drive *d = &ch->drive[k];
        if (d->s.end > ATA_BUF_SIZE || d->s.fill > ATA_BUF_SIZE || d->s.cur > d->s.end)
            end_transfer(d);            /* not a state this code makes */
        timer_cancel(ch->clock, &d->timer);
        if (d->s.timer_armed)
            timer_arm(ch->clock, &d->timer, d->s.deadline);
    }
    irq_set(&ch->irq, ch->s.irq_level);
}

void ata_channel_dma_started(struct ata_channel *ch)
{
    for (int k = 0; k < 2; k++) {
        struct ata_drive *d = &ch->drive[k];
        if (d->kind != ATA_NONE && d->s.dma_waiting) {
            d->s.dma_waiting = false;
            schedule(d, EV_DMA, ATA_DMA_NS);
        }
    }
}

bool ata_disk_geometry(const struct ata_channel *ch, int slot, uint16_t *cylinders,
                       uint8_t *heads, uint8_t *spt)
{
    if (slot < 0 || slot > 1 || ch->drive[slot].kind != ATA_DISK)
        return false;
    const struct ata_drive *d = &ch->drive[slot];
    *cylinders = d->cylinders;
    *heads = (uint8_t)d->heads;
    *spt = (uint8_t)d->spt;
    return true;
}

/* ------------------------------------------------------------------------
 * The monitor's "info ide" */

void ata_channel_info(const struct ata_channel *ch, FILE *out)
{
    static const char *const phases[] = { "idle", "busy", "PIO in", "PIO out", "packet", "DMA" };
    fprintf(out, "  device control %02x (%s%s), selected device %d, IRQ %d\n", ch->s.control,
            (ch->s.control & ATA_DC_NIEN) ? "nIEN" : "interrupts on",
            (ch->s.control & ATA_DC_SRST) ? ", SRST" : "", (ch->s.device & ATA_DEV_DEV) ? 1 : 0,
            ch->s.irq_level);
    for (int slot = 0; slot < 2; slot++) {
        const struct ata_drive *d = &ch->drive[slot];
        const struct ata_state *s = &d->s;
        if (d->kind == ATA_NONE) {
            fprintf(out, "  %s: none\n", slot ? "slave " : "master");
            continue;
        }
        fprintf(out, "  %s: %s \"%s\", %llu sectors%s\n", slot ? "slave " : "master",
                d->kind == ATA_DISK ? "disk" : "CD-ROM", d->model,
                (unsigned long long)d->sectors,
                d->kind == ATA_CDROM && !d->bd ? " (no disc)" : "");
        fprintf(out, "          status %02x error %02x, %s, command %02x, LBA %llu, %llu left%s%s\n",
                s->tf.status, s->tf.error, s->phase < 6 ? phases[s->phase] : "?", s->cmd,
                (unsigned long long)s->lba, (unsigned long long)s->left,
                s->intrq ? ", INTRQ" : "", s->uses_dma ? ", DMA" : "");
        if (s->sense_key)
            fprintf(out, "          sense %x/%02x/%02x\n", s->sense_key, s->asc, s->ascq);
    }
}
