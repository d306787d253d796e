/* The 82077AA floppy disk controller; see i82077_fdc.h.
 * Reference: Intel 82077AA datasheet, 2.0 (registers), 5.0 (commands,
 * status registers, result phase C/H/R/N), 6.0 (reset). */
#include "i82077_fdc.h"

#include <stdlib.h>
#include <string.h>

#include "debugger.h"

#define FDC_CMD_NS 20000u       /* command bytes in, until execution starts */
#define FDC_SEEK_NS 100000u     /* a seek or recalibrate */
#define FDC_RESET_NS 10000u     /* reset released, until the polling interrupt */

enum fdc_phase { PH_RESET, PH_COMMAND, PH_BUSY, PH_EXEC, PH_RESULT };
enum fdc_event { EV_NONE, EV_RESET_DONE, EV_SEEK_DONE, EV_EXEC };

/* Register offsets from 0x3F0. */
enum { REG_DOR = 2, REG_TDR = 3, REG_MSR = 4, REG_DSR = 4, REG_FIFO = 5, REG_DIR = 7 };

#define DOR_SELECT 0x03
#define DOR_NRESET 0x04
#define DOR_DMAGATE 0x08

#define MSR_RQM  0x80
#define MSR_DIO  0x40
#define MSR_NDMA 0x20
#define MSR_CB   0x10

#define DSR_SWRESET 0x80
#define DIR_DSKCHG 0x80

#define ST0_INVALID 0x80
#define ST0_ABNORMAL 0x40
#define ST0_POLLED 0xC0
#define ST0_SEEK_END 0x20
#define ST0_EQUIPMENT 0x10
#define ST1_EN 0x80
#define ST1_DE 0x20
#define ST1_ND 0x04
#define ST1_NW 0x02
#define ST1_MA 0x01
#define ST3_WP 0x40
#define ST3_READY 0x20
#define ST3_TRACK0 0x10
#define ST3_TWO_SIDE 0x08

#define CMD_MT 0x80
#define CMD_MFM 0x40
#define CMD_SK 0x20
#define SEEK_RELATIVE 0x80
#define SEEK_INWARD 0x40

#define CONFIG_DEFAULT 0x20     /* implied seek off, FIFO off, polling on */
#define CONFIG_POLL_OFF 0x10
#define VERSION_82077AA 0x90
#define SPECIFY_ND 0x01

enum {
    OP_SPECIFY = 0x03, OP_SENSE_DRIVE = 0x04, OP_WRITE = 0x05, OP_READ = 0x06,
    OP_RECALIBRATE = 0x07, OP_SENSE_INT = 0x08, OP_READ_ID = 0x0A, OP_FORMAT = 0x0D,
    OP_DUMPREG = 0x0E, OP_SEEK = 0x0F, OP_VERSION = 0x10, OP_PERPENDICULAR = 0x12,
    OP_CONFIGURE = 0x13, OP_LOCK = 0x14,
};

/* A command: its opcode (low 5 bits), length and the flag bits it takes. */
struct fdc_command {
    uint8_t op, len, flags;
};

static const struct fdc_command commands[] = {
    { OP_SPECIFY, 3, 0 },
    { OP_SENSE_DRIVE, 2, 0 },
    { OP_WRITE, 9, CMD_MT | CMD_MFM },
    { OP_READ, 9, CMD_MT | CMD_MFM | CMD_SK },
    { OP_RECALIBRATE, 2, 0 },
    { OP_SENSE_INT, 1, 0 },
    { OP_READ_ID, 2, CMD_MFM },
    { OP_FORMAT, 6, CMD_MFM },
    { OP_DUMPREG, 1, 0 },
    { OP_SEEK, 3, SEEK_RELATIVE | SEEK_INWARD },
    { OP_VERSION, 1, 0 },
    { OP_PERPENDICULAR, 2, 0 },
    { OP_CONFIGURE, 4, 0 },
    { OP_LOCK, 1, 0x80 },
};

static const struct fdc_format formats[] = {
    { 368640, 40, 2, 9, 1, 0x06, "360K" },      /* 300 or 250 kb/s */
    { 737280, 80, 2, 9, 3, 0x04, "720K" },      /* 250 kb/s */
    { 1228800, 80, 2, 15, 2, 0x01, "1.2M" },    /* 500 kb/s */
    { 1474560, 80, 2, 18, 4, 0x01, "1.44M" },   /* 500 kb/s */
    { 2949120, 80, 2, 36, 5, 0x08, "2.88M" },   /* 1 Mb/s */
};

static const struct fdc_command *lookup(uint8_t byte)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        const struct fdc_command *c = &commands[k];
        if ((byte & 0x1F) != c->op || (byte & 0xE0 & ~c->flags))
            continue;
        if (c->op == OP_SEEK && (byte & (SEEK_RELATIVE | SEEK_INWARD)) == SEEK_INWARD)
            return NULL;
        return c;
    }
    return NULL;
}

/* ---- interrupt and timer ---- */

static void update_irq(struct i82077 *f)
{
    int level = f->s.intr && (f->s.dor & DOR_DMAGATE);
    if (level != f->s.irq_level) {
        f->s.irq_level = level;
        irq_set(&f->irq, level);
    }
}

static void raise_intr(struct i82077 *f)
{
    f->s.intr = true;
    update_irq(f);
}

static void lower_intr(struct i82077 *f)
{
    f->s.intr = false;
    update_irq(f);
}

static void schedule(struct i82077 *f, uint8_t event, uint64_t delay)
{
    f->s.pending = event;
    f->s.deadline = clock_ns(f->clock) + delay;
    f->s.timer_armed = true;
    timer_arm(f->clock, &f->timer, f->s.deadline);
}

static void cancel(struct i82077 *f)
{
    timer_cancel(f->clock, &f->timer);
    f->s.timer_armed = false;
    f->s.pending = EV_NONE;
}

static void set_result(struct i82077 *f, const uint8_t *bytes, uint8_t len, bool interrupt)
{
    memcpy(f->s.result, bytes, len);
    f->s.res_len = len;
    f->s.res_pos = 0;
    f->s.phase = PH_RESULT;
    if (interrupt)
        raise_intr(f);
}

/* ---- drives ---- */

static struct fdc_drive *drive_of(struct i82077 *f, unsigned select)
{
    return select < FDC_DRIVES && f->drive[select].bd ? &f->drive[select] : NULL;
}

/* Would the drive find sector IDs: a disk, at its data rate, in MFM? */
static bool finds_sectors(struct i82077 *f, unsigned select, bool mfm)
{
    struct fdc_drive *d = drive_of(f, select);
    return d && mfm && (d->format->rates & (1u << f->s.rate));
}

/* A step pulse to a drive with a disk clears its disk change line. */
static void stepped(struct i82077 *f, unsigned select)
{
    if (drive_of(f, select))
        f->s.disk_changed[select] = false;
}

/* ---- seeks ---- */

static void seek_done(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    unsigned drive = s->seek_drive;
    s->pcn[drive] = s->seek_target;
    s->seek_st0[drive] |= ST0_SEEK_END;
    if (s->seek_recal && !drive_of(f, drive))
        s->seek_st0[drive] |= ST0_ABNORMAL | ST0_EQUIPMENT;    /* track 0 never seen */
    stepped(f, drive);
    s->seek_done |= (uint8_t)(1u << drive);
    s->busy &= (uint8_t)~(1u << drive);
    raise_intr(f);
}

/* A seek still under way finishes now (one timer serves the controller). */
static void flush_seek(struct i82077 *f)
{
    if (f->s.timer_armed && f->s.pending == EV_SEEK_DONE) {
        cancel(f);
        seek_done(f);
    }
}

static void start_seek(struct i82077 *f, uint8_t target, bool recal)
{
    struct fdc_state *s = &f->s;
    flush_seek(f);
    unsigned drive = s->cmd[1] & 3;
    s->seek_drive = (uint8_t)drive;
    s->seek_target = target;
    s->seek_recal = recal;
    s->seek_st0[drive] = (uint8_t)(s->cmd[1] & 7);
    s->seek_done &= (uint8_t)~(1u << drive);
    s->busy |= (uint8_t)(1u << drive);
    s->phase = PH_COMMAND;
    schedule(f, EV_SEEK_DONE, FDC_SEEK_NS);
}

static uint8_t seek_target(const struct fdc_state *s)
{
    if (!(s->cmd[0] & SEEK_RELATIVE))
        return s->cmd[2];
    unsigned pcn = s->pcn[s->cmd[1] & 3];
    if (s->cmd[0] & SEEK_INWARD)
        return (uint8_t)(pcn + s->cmd[2] > 255 ? 255 : pcn + s->cmd[2]);
    return (uint8_t)(pcn < s->cmd[2] ? 0 : pcn - s->cmd[2]);
}

/* ---- immediate commands ---- */

static void sense_interrupt(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    lower_intr(f);
    if (s->reset_sense) {
        unsigned drive = 4u - s->reset_sense--;
        uint8_t r[2] = { (uint8_t)(ST0_POLLED | drive), s->pcn[drive] };
        set_result(f, r, 2, false);
        return;
    }
    for (unsigned drive = 0; drive < 4; drive++) {
        if (s->seek_done & (1u << drive)) {
            s->seek_done &= (uint8_t)~(1u << drive);
            uint8_t r[2] = { s->seek_st0[drive], s->pcn[drive] };
            set_result(f, r, 2, false);
            return;
        }
    }
    uint8_t r = ST0_INVALID;
    set_result(f, &r, 1, false);
}

static void sense_drive_status(struct i82077 *f)
{
    unsigned drive = f->s.cmd[1] & 3;
    struct fdc_drive *d = drive_of(f, drive);
    uint8_t st3 = (uint8_t)((f->s.cmd[1] & 7) | ST3_READY | ST3_TWO_SIDE);
    if (!f->s.pcn[drive])
        st3 |= ST3_TRACK0;
    if (d && !blockdev_writable(d->bd))
        st3 |= ST3_WP;
    set_result(f, &st3, 1, false);
}

static void dumpreg(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    uint8_t r[10] = {
        s->pcn[0], s->pcn[1], s->pcn[2], s->pcn[3], s->specify[0], s->specify[1], s->eot,
        (uint8_t)((s->lock ? 0x80 : 0) | (s->perpendicular & 0x3F)), s->config, s->pretrk,
    };
    set_result(f, r, 10, false);
}

static void perpendicular_mode(struct fdc_state *s)
{
    uint8_t v = s->cmd[1];
    if (v & 0x80)               /* OW: the drive bits D3-D0 are written too */
        s->perpendicular = v & 0x3F;
    else
        s->perpendicular = (uint8_t)((s->perpendicular & 0x3C) | (v & 0x03));
    s->phase = PH_COMMAND;
}

static void lock_command(struct i82077 *f)
{
    f->s.lock = f->s.cmd[0] & 0x80;
    uint8_t r = f->s.lock ? 0x10 : 0x00;
    set_result(f, &r, 1, false);
}

/* ---- transfers: READ DATA, WRITE DATA, FORMAT TRACK, READ ID ---- */

/* End of the execution phase: ST0-ST2 and the C/H/R/N reached. */
static void finish_transfer(struct i82077 *f, uint8_t st0, uint8_t st1, uint8_t st2)
{
    struct fdc_state *s = &f->s;
    s->in_sector = false;
    uint8_t r[7] = { (uint8_t)(st0 | s->head << 2 | s->drive), st1, st2, s->c, s->h, s->r, s->n };
    set_result(f, r, 7, true);
}

static bool sector_offset(struct i82077 *f, uint64_t *offset)
{
    const struct fdc_state *s = &f->s;
    const struct fdc_format *fmt = f->drive[s->drive].format;
    if (s->r < 1 || s->r > fmt->spt || s->c >= fmt->tracks || s->head >= fmt->heads)
        return false;
    *offset = (((uint64_t)s->c * fmt->heads + s->head) * fmt->spt + s->r - 1) * FDC_SECTOR;
    return true;
}

/* Find the sector C/H/R and, for a read, fetch it. */
static bool begin_sector(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    uint64_t offset;
    if (!sector_offset(f, &offset)) {
        finish_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return false;
    }
    if (s->op == OP_READ && blockdev_read(f->drive[s->drive].bd, offset, s->sector, FDC_SECTOR)) {
        finish_transfer(f, ST0_ABNORMAL, ST1_DE, 0);
        return false;
    }
    s->pos = 0;
    s->in_sector = true;
    return true;
}

/* The next sector ID: R + 1 up to EOT, then (multi-track) side 1, then
 * the next cylinder. True when the cylinder is done. */
static bool next_sector(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    if (s->r < s->eot) {
        s->r++;
        return false;
    }
    s->r = 1;
    if (s->mt && s->head == 0 && f->drive[s->drive].format->heads > 1) {
        s->head = 1;
        s->h ^= 1;
        return false;
    }
    if (s->mt) {
        s->head = 0;
        s->h ^= 1;
    }
    s->c++;
    return true;
}

/* The sector's bytes all moved: store it (write), go on or stop. */
static bool end_sector(struct i82077 *f, bool tc)
{
    struct fdc_state *s = &f->s;
    uint64_t offset;
    s->in_sector = false;
    if (s->op == OP_WRITE && sector_offset(f, &offset) &&
        blockdev_write(f->drive[s->drive].bd, offset, s->sector, FDC_SECTOR) < 0) {
        finish_transfer(f, ST0_ABNORMAL, ST1_DE, 0);
        return false;
    }
    bool cylinder_done = next_sector(f);
    if (tc) {
        finish_transfer(f, 0, 0, 0);
        return false;
    }
    if (cylinder_done) {
        finish_transfer(f, ST0_ABNORMAL, ST1_EN, 0);
        return false;
    }
    return true;
}

static size_t dma_move(struct i82077 *f, uint8_t *buf, size_t len, bool *tc)
{
    *tc = false;
    if (!(f->s.dor & DOR_DMAGATE))
        return 0;
    return i8237_transfer(f->dma, FDC_DMA_CHANNEL, buf, len, tc);
}

/* READ/WRITE through DMA, until terminal count, the end of the
 * cylinder, an error, or the channel stops taking data. */
static void run_rw_dma(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    while (s->phase == PH_EXEC) {
        if (!s->in_sector && !begin_sector(f))
            return;
        bool tc;
        s->pos = (uint16_t)(s->pos + dma_move(f, s->sector + s->pos, FDC_SECTOR - s->pos, &tc));
        if (s->pos < FDC_SECTOR && !tc)
            return;                             /* the channel is not ready */
        if (s->pos < FDC_SECTOR && s->op == OP_WRITE)
            memset(s->sector + s->pos, 0, FDC_SECTOR - s->pos);
        if (!end_sector(f, tc))
            return;
    }
}

/* FORMAT: one sector ID (C, H, R, N) arrived; fill that sector. */
static void format_id_done(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    const struct fdc_format *fmt = f->drive[s->drive].format;
    uint8_t c = s->sector[0], r = s->sector[2];
    s->c = c;
    s->h = s->sector[1];
    s->r = r;
    s->n = s->sector[3];
    if (r >= 1 && r <= fmt->spt && c < fmt->tracks) {
        uint8_t fill[FDC_SECTOR];
        memset(fill, s->cmd[5], sizeof fill);
        uint64_t offset = (((uint64_t)c * fmt->heads + s->head) * fmt->spt + r - 1) * FDC_SECTOR;
        if (blockdev_write(f->drive[s->drive].bd, offset, fill, FDC_SECTOR) < 0) {
            finish_transfer(f, ST0_ABNORMAL, ST1_DE, 0);
            return;
        }
    }
    s->pos = 0;
    if (++s->formatted == s->cmd[3])
        finish_transfer(f, 0, 0, 0);
}

static void run_format_dma(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    while (s->phase == PH_EXEC) {
        bool tc;
        s->pos = (uint16_t)(s->pos + dma_move(f, s->sector + s->pos, 4u - s->pos, &tc));
        if (s->pos == 4)
            format_id_done(f);
        else if (!tc)
            return;                             /* the channel is not ready */
        if (tc && s->phase == PH_EXEC)
            finish_transfer(f, 0, 0, 0);
    }
}

static void run_dma(struct i82077 *f)
{
    if (f->s.op == OP_FORMAT)
        run_format_dma(f);
    else
        run_rw_dma(f);
}

static void dma_ready(void *opaque, int channel)
{
    struct i82077 *f = opaque;
    (void)channel;
    if (f->s.phase == PH_EXEC && !f->s.pio)
        run_dma(f);
}

/* The execution phase begins: DMA runs now, PIO asks for its first byte. */
static void begin_execution(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    s->phase = PH_EXEC;
    s->pio = s->specify[1] & SPECIFY_ND;
    if (!s->pio) {
        run_dma(f);
        return;
    }
    if (s->op == OP_FORMAT || begin_sector(f))
        raise_intr(f);
}

static void setup_transfer(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    s->op = s->cmd[0] & 0x1F;
    s->drive = s->cmd[1] & 3;
    s->head = (s->cmd[1] >> 2) & 1;
    s->mt = s->cmd[0] & CMD_MT;
    s->in_sector = false;
    s->pos = 0;
}

static void start_read_write(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    setup_transfer(f);
    s->c = s->cmd[2];
    s->h = s->cmd[3];
    s->r = s->cmd[4];
    s->n = s->cmd[5];
    s->eot = s->cmd[6];
    if (!finds_sectors(f, s->drive, s->cmd[0] & CMD_MFM)) {
        finish_transfer(f, ST0_ABNORMAL, ST1_MA, 0);
        return;
    }
    if (s->pcn[s->drive] != s->c)
        stepped(f, s->drive);
    s->pcn[s->drive] = s->c;                    /* the implied seek */
    if (s->op == OP_WRITE && !blockdev_writable(f->drive[s->drive].bd)) {
        finish_transfer(f, ST0_ABNORMAL, ST1_NW, 0);
        return;
    }
    if (s->n != 2 || s->h != s->head) {
        finish_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return;
    }
    begin_execution(f);
}

static void start_format(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    setup_transfer(f);
    s->c = s->pcn[s->drive];
    s->h = s->head;
    s->r = 1;
    s->n = s->cmd[2];
    s->eot = s->cmd[3];
    s->formatted = 0;
    if (!finds_sectors(f, s->drive, s->cmd[0] & CMD_MFM)) {
        finish_transfer(f, ST0_ABNORMAL, ST1_MA, 0);
        return;
    }
    if (!blockdev_writable(f->drive[s->drive].bd)) {
        finish_transfer(f, ST0_ABNORMAL, ST1_NW, 0);
        return;
    }
    const struct fdc_format *fmt = f->drive[s->drive].format;
    if (s->n != 2 || !s->cmd[3] || s->cmd[3] > fmt->spt) {
        if (s->cmd[3])      /* the image's layout is fixed by its size */
            trace_unimp(f, "82077AA FORMAT TRACK of %u sectors of %u bytes is not implemented "
                        "on a %s image (%u sectors of 512 bytes a track): ended with ST1 ND",
                        s->cmd[3], 128u << (s->n & 7), fmt->name, fmt->spt);
        finish_transfer(f, ST0_ABNORMAL, ST1_ND, 0);
        return;
    }
    begin_execution(f);
}

static void read_id(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    setup_transfer(f);
    s->c = s->pcn[s->drive];
    s->h = s->head;
    s->r = 1;
    s->n = 2;
    if (!finds_sectors(f, s->drive, s->cmd[0] & CMD_MFM))
        finish_transfer(f, ST0_ABNORMAL, ST1_MA, 0);
    else
        finish_transfer(f, 0, 0, 0);
}

static void execute(struct i82077 *f)
{
    switch (f->s.cmd[0] & 0x1F) {
    case OP_READ_ID:
        read_id(f);
        break;
    case OP_FORMAT:
        start_format(f);
        break;
    default:
        start_read_write(f);
        break;
    }
}

/* ---- the command phase ---- */

static void dispatch(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    uint8_t version = VERSION_82077AA;
    s->phase = PH_COMMAND;
    switch (s->cmd[0] & 0x1F) {
    case OP_SPECIFY:
        s->specify[0] = s->cmd[1];
        s->specify[1] = s->cmd[2];
        break;
    case OP_SENSE_DRIVE:
        sense_drive_status(f);
        break;
    case OP_RECALIBRATE:
        start_seek(f, 0, true);
        break;
    case OP_SEEK:
        start_seek(f, seek_target(s), false);
        break;
    case OP_SENSE_INT:
        sense_interrupt(f);
        break;
    case OP_DUMPREG:
        dumpreg(f);
        break;
    case OP_VERSION:
        set_result(f, &version, 1, false);
        break;
    case OP_PERPENDICULAR:
        perpendicular_mode(s);
        break;
    case OP_CONFIGURE:
        s->config = s->cmd[2];
        s->pretrk = s->cmd[3];
        break;
    case OP_LOCK:
        lock_command(f);
        break;
    default:                    /* READ, WRITE, FORMAT, READ ID */
        flush_seek(f);
        s->phase = PH_BUSY;
        schedule(f, EV_EXEC, FDC_CMD_NS);
        break;
    }
}

/* The 82077AA commands (datasheet 5.0, table 5-1) this model lacks,
 * by opcode (the low 5 bits of the first byte). */
static const char *unimplemented_command_name(uint8_t byte)
{
    switch (byte & 0x1F) {
    case 0x02: return "READ TRACK";
    case 0x09: return "WRITE DELETED DATA";
    case 0x0C: return "READ DELETED DATA";
    case 0x11: return "SCAN EQUAL";
    case 0x16: return "VERIFY";
    case 0x19: return "SCAN LOW OR EQUAL";
    case 0x1D: return "SCAN HIGH OR EQUAL";
    default: return NULL;
    }
}

/* A first byte that is no command here: the chip answers "invalid" (ST0
 * 80h), rightly unless the 82077AA has the command. */
static void invalid_command(struct i82077 *f, uint8_t value)
{
    const char *name = unimplemented_command_name(value);
    if (name)
        trace_unimp_key(f, value & 0x1F, "82077AA floppy command %02xh (%s) is not "
                        "implemented: answered invalid (ST0 80h)", value, name);
    uint8_t r = ST0_INVALID;
    set_result(f, &r, 1, false);
}

static void command_byte(struct i82077 *f, uint8_t value)
{
    struct fdc_state *s = &f->s;
    if (s->cmd_pos == 0) {
        const struct fdc_command *c = lookup(value);
        if (!c) {
            invalid_command(f, value);
            return;
        }
        s->cmd_len = c->len;
    }
    s->cmd[s->cmd_pos++] = value;
    if (s->cmd_pos == s->cmd_len) {
        s->cmd_pos = 0;
        dispatch(f);
    }
}

/* ---- non-DMA data through the FIFO ---- */

/* One data byte went through the FIFO: the INT line drops and, while
 * more is wanted, rises again. */
static void pio_byte_done(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    lower_intr(f);
    if (s->op == OP_FORMAT) {
        if (s->pos == 4)
            format_id_done(f);
    } else if (s->pos == FDC_SECTOR) {
        if (!end_sector(f, false) || !begin_sector(f))
            return;
    }
    if (s->phase == PH_EXEC)
        raise_intr(f);
}

static uint8_t fifo_read(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    if (s->phase == PH_RESULT) {
        uint8_t v = s->result[s->res_pos++];
        if (s->res_pos == 1)
            lower_intr(f);
        if (s->res_pos >= s->res_len)
            s->phase = PH_COMMAND;
        return v;
    }
    if (s->phase == PH_EXEC && s->pio && s->op == OP_READ && s->in_sector) {
        uint8_t v = s->sector[s->pos++];
        pio_byte_done(f);
        return v;
    }
    return 0xFF;
}

static void fifo_write(struct i82077 *f, uint8_t value)
{
    struct fdc_state *s = &f->s;
    if (s->phase == PH_COMMAND) {
        command_byte(f, value);
    } else if (s->phase == PH_EXEC && s->pio && s->op != OP_READ) {
        s->sector[s->pos++] = value;
        pio_byte_done(f);
    }
}

static uint8_t msr(const struct i82077 *f)
{
    const struct fdc_state *s = &f->s;
    switch (s->phase) {
    case PH_COMMAND:
        return (uint8_t)(MSR_RQM | (s->cmd_pos ? MSR_CB : 0) | s->busy);
    case PH_BUSY:
        return (uint8_t)(MSR_CB | s->busy);
    case PH_EXEC:
        if (!s->pio)
            return (uint8_t)(MSR_CB | s->busy);
        return (uint8_t)(MSR_RQM | MSR_NDMA | MSR_CB | (s->op == OP_READ ? MSR_DIO : 0));
    case PH_RESULT:
        return (uint8_t)(MSR_RQM | MSR_DIO | MSR_CB | s->busy);
    default:
        return 0;
    }
}

/* ---- reset ---- */

static void enter_reset(struct i82077 *f)
{
    cancel(f);
    f->s.phase = PH_RESET;
    f->s.intr = false;
    update_irq(f);
}

/* The chip comes out of reset: registers as the datasheet gives them
 * (CONFIGURE and PRETRK kept when LOCKed), then the polling interrupt. */
static void leave_reset(struct i82077 *f)
{
    struct fdc_state *s = &f->s;
    s->phase = PH_COMMAND;
    s->cmd_pos = 0;
    s->res_len = s->res_pos = 0;
    memset(s->pcn, 0, sizeof s->pcn);
    s->seek_done = 0;
    s->busy = 0;
    s->reset_sense = 0;
    s->in_sector = false;
    if (!s->lock) {
        s->config = CONFIG_DEFAULT;
        s->pretrk = 0;
    }
    s->perpendicular &= 0x3C;
    schedule(f, EV_RESET_DONE, FDC_RESET_NS);
}

static void reset_done(struct i82077 *f)
{
    if (f->s.config & CONFIG_POLL_OFF)
        return;
    f->s.reset_sense = 4;
    raise_intr(f);
}

static void timer_fired(void *opaque)
{
    struct i82077 *f = opaque;
    uint8_t event = f->s.pending;
    f->s.pending = EV_NONE;
    f->s.timer_armed = false;
    switch (event) {
    case EV_RESET_DONE:
        reset_done(f);
        break;
    case EV_SEEK_DONE:
        seek_done(f);
        break;
    case EV_EXEC:
        execute(f);
        break;
    default:
        break;
    }
}

/* ---- registers ---- */

static void dor_write(struct i82077 *f, uint8_t value)
{
    uint8_t old = f->s.dor;
    f->s.dor = value;
    if ((old & DOR_NRESET) && !(value & DOR_NRESET))
        enter_reset(f);
    else if (!(old & DOR_NRESET) && (value & DOR_NRESET))
        leave_reset(f);
    update_irq(f);
    if (!(old & DOR_DMAGATE) && (value & DOR_DMAGATE) && f->s.phase == PH_EXEC && !f->s.pio)
        run_dma(f);
}

static void dsr_write(struct i82077 *f, uint8_t value)
{
    f->s.rate = value & 3;
    f->s.dsr_power = value & 0x7C;
    if ((value & DSR_SWRESET) && (f->s.dor & DOR_NRESET)) {
        enter_reset(f);
        leave_reset(f);
    }
}

static uint8_t dir_read(struct i82077 *f)
{
    unsigned drive = f->s.dor & DOR_SELECT;
    return drive_of(f, drive) && f->s.disk_changed[drive] ? DIR_DSKCHG : 0;
}

static uint8_t read_reg(struct i82077 *f, unsigned reg)
{
    switch (reg) {
    case REG_DOR:
        return f->s.dor;
    case REG_TDR:
        return f->s.tdr & 3;
    case REG_MSR:
        return msr(f);
    case REG_FIFO:
        return fifo_read(f);
    default:
        return dir_read(f);
    }
}

static void write_reg(struct i82077 *f, unsigned reg, uint8_t value)
{
    switch (reg) {
    case REG_DOR:
        dor_write(f, value);
        break;
    case REG_TDR:
        f->s.tdr = value & 3;
        break;
    case REG_DSR:
        dsr_write(f, value);
        break;
    case REG_FIFO:
        if (f->s.phase != PH_RESET)
            fifo_write(f, value);
        break;
    default:                    /* CCR */
        f->s.rate = value & 3;
        break;
    }
}

/* 0x3F2-0x3F5 (base REG_DOR) and 0x3F7 (base REG_DIR). */
static uint32_t main_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)read_reg(opaque, REG_DOR + ((addr + k) & 3)) << (8 * k);
    return value;
}

static void main_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        write_reg(opaque, REG_DOR + ((addr + k) & 3), (uint8_t)(value >> (8 * k)));
}

static uint32_t dir_port_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)addr; (void)size;
    return read_reg(opaque, REG_DIR);
}

static void ccr_port_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    (void)addr; (void)size;
    write_reg(opaque, REG_DIR, (uint8_t)value);
}

static const struct io_ops main_ops = {
    .name = "fdc", .read = main_read, .write = main_write,
};
static const struct io_ops dir_ops = {
    .name = "fdc-dir", .read = dir_port_read, .write = ccr_port_write,
};

/* ---- the device ---- */

/* Power-on: DOR 00h holds the chip in reset until the BIOS sets nRESET. */
static void i82077_reset(void *dev)
{
    struct i82077 *f = dev;
    struct fdc_state *s = &f->s;
    cancel(f);
    memset(s, 0, sizeof *s);
    s->rate = 2;                /* 250 kb/s */
    s->config = CONFIG_DEFAULT;
    for (int k = 0; k < FDC_DRIVES; k++)
        s->disk_changed[k] = f->drive[k].bd != NULL;
    s->phase = PH_RESET;
    s->irq_level = 0;
    irq_set(&f->irq, 0);
}

static void i82077_destroy(void *dev)
{
    struct i82077 *f = dev;
    cancel(f);
    for (int k = 0; k < FDC_DRIVES; k++)
        blockdev_close(f->drive[k].bd);
    free(f);
}

static void i82077_post_load(void *dev)
{
    struct i82077 *f = dev;
    struct fdc_state *s = &f->s;
    if (s->pos > FDC_SECTOR || s->cmd_pos >= sizeof s->cmd || s->res_len > sizeof s->result ||
        s->phase > PH_RESULT) {
        s->phase = PH_COMMAND;          /* not a state this code makes */
        s->pos = s->cmd_pos = s->res_len = s->res_pos = 0;
    }
    timer_cancel(f->clock, &f->timer);
    if (f->s.timer_armed)
        timer_arm(f->clock, &f->timer, f->s.deadline);
    irq_set(&f->irq, f->s.irq_level);
}

static void i82077_set_cpu(void *dev, struct cpu *cpu)
{
    struct i82077 *f = dev;
    f->cpu = cpu;
}

static const struct state_field i82077_fields[] = {
    STATE_FIELD(struct i82077, s),
};

static const struct device_state i82077_state = {
    .version = 1,
    .fields = i82077_fields,
    .nfields = 1,
    .post_load = i82077_post_load,
};

const struct device_ops i82077_ops = {
    .name = "i82077",
    .reset = i82077_reset,
    .destroy = i82077_destroy,
    .state = &i82077_state,
    .set_cpu = i82077_set_cpu,
};

struct i82077 *i82077_create(struct io_bus *io, struct clock *clock, struct irq_line irq,
                             struct i8237_pair *dma)
{
    struct i82077 *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->clock = clock;
    f->irq = irq;
    f->dma = dma;
    timer_init(&f->timer, timer_fired, f);
    i82077_reset(f);
    io_map(io, FDC_BASE + REG_DOR, 4, &main_ops, f);
    io_map(io, FDC_BASE + REG_DIR, 1, &dir_ops, f);
    struct i8237_client client = { dma_ready, f };
    i8237_set_client(dma, FDC_DMA_CHANNEL, &client);
    return f;
}

int i82077_attach(struct i82077 *fdc, int unit, struct blockdev *bd, FILE *err)
{
    uint64_t size = blockdev_file_size(bd);
    if (unit < 0 || unit >= FDC_DRIVES) {
        blockdev_close(bd);
        return -1;
    }
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++) {
        if (formats[k].size == size) {
            blockdev_close(fdc->drive[unit].bd);
            fdc->drive[unit].bd = bd;
            fdc->drive[unit].format = &formats[k];
            fdc->s.disk_changed[unit] = true;
            return 0;
        }
    }
    fprintf(err, "ember: floppy image '%s' is %llu bytes, not a floppy size; accepted:",
            blockdev_path(bd), (unsigned long long)size);
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
        fprintf(err, "%s %u (%s)", k ? "," : "", formats[k].size, formats[k].name);
    fprintf(err, "\n");
    blockdev_close(bd);
    return -1;
}

uint8_t i82077_cmos_types(const struct i82077 *fdc)
{
    uint8_t a = fdc->drive[0].format ? fdc->drive[0].format->cmos_type : 0;
    uint8_t b = fdc->drive[1].format ? fdc->drive[1].format->cmos_type : 0;
    return (uint8_t)(a << 4 | b);
}
