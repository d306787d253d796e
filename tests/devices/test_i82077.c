/* The 82077AA floppy controller (devices/i82077_fdc.c) with the DMA pair
 * and a 1.44 MB image, through ports 0x3F2-0x3F7 as SeaBIOS and Linux
 * drive them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "i82077_fdc.h"

#define RAM_SIZE (1u << 20)
#define FLOPPY_144 1474560u

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct clock clock;
    uint64_t now;
    struct i8237_pair *dma;
    struct i82077 *fdc;
    int irq6;
    char path[64];
};

static void record_irq(void *opaque, int n, int level)
{
    (void)n;
    ((struct rig *)opaque)->irq6 = level;
}

/* Byte k of the image: sector number and offset mixed. */
static uint8_t pattern(uint32_t offset)
{
    return (uint8_t)(offset / 512 * 3 + offset % 512);
}

static void make_image(struct rig *r, uint32_t size)
{
    snprintf(r->path, sizeof r->path, "/tmp/ember-fdc-XXXXXX");
    int fd = mkstemp(r->path);
    uint8_t *buf = malloc(size);
    for (uint32_t k = 0; k < size; k++)
        buf[k] = pattern(k);
    if (write(fd, buf, size) != (ssize_t)size)
        fprintf(stderr, "short write of the test image\n");
    free(buf);
    close(fd);
}

static void run(struct rig *r, uint64_t ns)
{
    uint64_t target = r->now + ns;
    while (clock_next_deadline(&r->clock) <= target) {
        r->now = clock_next_deadline(&r->clock);
        clock_sync(&r->clock, r->now);
        clock_run_timers(&r->clock);
    }
    r->now = target;
    clock_sync(&r->clock, r->now);
}

static void outb(struct rig *r, uint32_t port, uint8_t v)
{
    io_write(&r->io, port, v, 1);
}

static uint8_t inb(struct rig *r, uint32_t port)
{
    return (uint8_t)io_read(&r->io, port, 1);
}

/* Leave reset with DMA and interrupts on, and take the four polling
 * statuses. */
static void start_controller(struct rig *r)
{
    outb(r, 0x3F2, 0x1C);
    run(r, 1000000);
    for (int k = 0; k < 4; k++) {
        outb(r, 0x3F5, 0x08);
        inb(r, 0x3F5);
        inb(r, 0x3F5);
    }
}

static struct rig *rig_with(uint32_t image_size, bool readonly)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(RAM_SIZE);
    clock_init(&r->clock);
    r->dma = i8237_create(&r->io, r->mem);
    struct irq_line line = { record_irq, r, 6 };
    r->fdc = i82077_create(&r->io, &r->clock, line, r->dma);
    make_image(r, image_size);
    struct blockdev *bd = blockdev_open(r->path, BLOCKDEV_FLOPPY, readonly, false, stderr);
    i82077_attach(r->fdc, 0, bd, stderr);
    io_write(&r->io, 0xD6, 0xC0, 1);        /* channel 4 cascades, as the BIOS sets it */
    io_write(&r->io, 0xD4, 0x00, 1);
    start_controller(r);
    return r;
}

static struct rig *rig_new(void)
{
    return rig_with(FLOPPY_144, false);
}

static void rig_free(struct rig *r)
{
    i82077_ops.destroy(r->fdc);
    i8237_pair_ops.destroy(r->dma);
    phys_mem_destroy(r->mem);
    unlink(r->path);
    free(r);
}

static void command(struct rig *r, const uint8_t *bytes, int n)
{
    for (int k = 0; k < n; k++)
        outb(r, 0x3F5, bytes[k]);
}

static int results(struct rig *r, uint8_t *out, int max)
{
    int n = 0;
    while (n < max && (inb(r, 0x3F4) & 0xC0) == 0xC0)
        out[n++] = inb(r, 0x3F5);
    return n;
}

/* DMA channel 2 for count bytes at addr; mode 0x46 = write to memory. */
static void program_dma(struct rig *r, uint32_t addr, uint32_t count, uint8_t mode)
{
    outb(r, 0x0A, 0x06);
    outb(r, 0x0C, 0);
    outb(r, 0x04, (uint8_t)addr);
    outb(r, 0x04, (uint8_t)(addr >> 8));
    outb(r, 0x0C, 0);
    outb(r, 0x05, (uint8_t)(count - 1));
    outb(r, 0x05, (uint8_t)((count - 1) >> 8));
    outb(r, 0x0B, mode);
    outb(r, 0x81, (uint8_t)(addr >> 16));
    outb(r, 0x0A, 0x02);
}

/* READ DATA (MT MFM SK as SeaBIOS sends it): drive 0. */
static int read_data(struct rig *r, uint8_t cmd0, uint8_t c, uint8_t h, uint8_t s, uint8_t eot,
                     uint8_t *res)
{
    uint8_t cmd[9] = { cmd0, (uint8_t)(h << 2), c, h, s, 2, eot, 0x1B, 0xFF };
    command(r, cmd, 9);
    run(r, 1000000);
    return results(r, res, 7);
}

static uint32_t offset_of(uint8_t c, uint8_t h, uint8_t s)
{
    return ((c * 2u + h) * 18u + s - 1u) * 512u;
}

static void version_reports_an_82077aa(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F5, 0x10);
    uint8_t res[2];
    CHECK_EQ(t, results(r, res, 2), 1);
    CHECK_EQ(t, res[0], 0x90);
    rig_free(r);
}

static void leaving_reset_interrupts_and_four_sense_interrupts_report_polling(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F2, 0x08);                   /* reset */
    CHECK_EQ(t, inb(r, 0x3F4), 0x00);
    outb(r, 0x3F2, 0x0C);
    run(r, 1000000);
    CHECK_EQ(t, r->irq6, 1);
    for (int k = 0; k < 4; k++) {
        outb(r, 0x3F5, 0x08);
        uint8_t res[2];
        CHECK_EQ(t, results(r, res, 2), 2);
        CHECK_EQ(t, res[0], 0xC0 | k);
        CHECK_EQ(t, r->irq6, 0);
    }
    outb(r, 0x3F5, 0x08);
    uint8_t res[2];
    CHECK_EQ(t, results(r, res, 2), 1);
    CHECK_EQ(t, res[0], 0x80);
    rig_free(r);
}

static void sense_interrupt_after_recalibrate_reports_seek_end_at_cylinder_0(struct test_ctx *t)
{
    struct rig *r = rig_new();
    const uint8_t seek[3] = { 0x0F, 0x00, 40 };
    command(r, seek, 3);
    run(r, 1000000);
    outb(r, 0x3F5, 0x08);
    uint8_t res[2];
    results(r, res, 2);
    const uint8_t recal[2] = { 0x07, 0x00 };
    command(r, recal, 2);
    CHECK_EQ(t, inb(r, 0x3F4) & 0x01, 0x01);    /* drive 0 busy seeking */
    run(r, 1000000);
    CHECK_EQ(t, r->irq6, 1);
    outb(r, 0x3F5, 0x08);
    CHECK_EQ(t, results(r, res, 2), 2);
    CHECK_EQ(t, res[0], 0x20);
    CHECK_EQ(t, res[1], 0);
    CHECK_EQ(t, r->irq6, 0);
    rig_free(r);
}

static void seek_moves_the_head_to_the_cylinder_given(struct test_ctx *t)
{
    struct rig *r = rig_new();
    const uint8_t seek[3] = { 0x0F, 0x04, 33 };
    command(r, seek, 3);
    run(r, 1000000);
    outb(r, 0x3F5, 0x08);
    uint8_t res[2];
    CHECK_EQ(t, results(r, res, 2), 2);
    CHECK_EQ(t, res[0], 0x24);              /* seek end, head 1 */
    CHECK_EQ(t, res[1], 33);
    const uint8_t rel[3] = { 0xC0 | 0x0F, 0x00, 5 };   /* relative seek inwards */
    command(r, rel, 3);
    run(r, 1000000);
    outb(r, 0x3F5, 0x08);
    results(r, res, 2);
    CHECK_EQ(t, res[1], 38);
    rig_free(r);
}

static void an_invalid_command_answers_0x80(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F5, 0x18);                   /* PART ID: not on the 82077AA */
    uint8_t res[2];
    CHECK_EQ(t, results(r, res, 2), 1);
    CHECK_EQ(t, res[0], 0x80);
    CHECK_EQ(t, inb(r, 0x3F4), 0x80);
    rig_free(r);
}

static void read_data_moves_a_sector_into_ram_through_dma_channel_2(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);                   /* 500 kb/s */
    program_dma(r, 0x20000, 512, 0x46);
    uint8_t res[7];
    CHECK_EQ(t, read_data(r, 0xE6, 5, 1, 7, 7, res), 7);
    CHECK_EQ(t, res[0] & 0xC3, 0);          /* normal termination, drive 0 */
    CHECK_EQ(t, res[1], 0);
    CHECK_EQ(t, res[3], 6);                 /* MT at EOT on side 1: next cylinder */
    CHECK_EQ(t, res[4], 0);
    CHECK_EQ(t, res[5], 1);
    bool same = true;
    for (uint32_t k = 0; k < 512; k++)
        same = same && r->mem->ram[0x20000 + k] == pattern(offset_of(5, 1, 7) + k);
    CHECK(t, same);
    rig_free(r);
}

static void read_data_of_three_sectors_ends_at_terminal_count(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    program_dma(r, 0x30000, 3 * 512, 0x46);
    uint8_t res[7];
    read_data(r, 0x66, 2, 0, 4, 18, res);
    CHECK_EQ(t, res[0] & 0xC0, 0);
    CHECK_EQ(t, res[5], 7);                 /* the sector after the last one read */
    CHECK_EQ(t, r->mem->ram[0x30000 + 1024], pattern(offset_of(2, 0, 6)));
    CHECK_EQ(t, r->mem->ram[0x30000 + 1536], 0);
    rig_free(r);
}

static void multi_track_reads_go_on_to_side_1(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    program_dma(r, 0x40000, 2 * 512, 0x46);
    uint8_t res[7];
    read_data(r, 0xE6, 3, 0, 18, 18, res);
    CHECK_EQ(t, res[0] & 0xC0, 0);
    CHECK_EQ(t, r->mem->ram[0x40000], pattern(offset_of(3, 0, 18)));
    CHECK_EQ(t, r->mem->ram[0x40000 + 512], pattern(offset_of(3, 1, 1)));
    CHECK_EQ(t, res[4], 1);
    CHECK_EQ(t, res[5], 2);
    rig_free(r);
}

static void running_past_the_end_of_track_reports_end_of_cylinder(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    program_dma(r, 0x40000, 4 * 512, 0x46);
    uint8_t res[7];
    read_data(r, 0x66, 0, 0, 17, 18, res);  /* two sectors to EOT, DMA wants four */
    CHECK_EQ(t, res[0] & 0xC0, 0x40);
    CHECK_EQ(t, res[1], 0x80);
    CHECK_EQ(t, res[3], 1);
    rig_free(r);
}

static void write_data_puts_a_sector_from_ram_into_the_image(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    memset(r->mem->ram + 0x50000, 0x3C, 512);
    program_dma(r, 0x50000, 512, 0x4A);
    uint8_t cmd[9] = { 0xC5, 0x00, 10, 0, 3, 2, 3, 0x1B, 0xFF };
    command(r, cmd, 9);
    run(r, 1000000);
    uint8_t res[7];
    CHECK_EQ(t, results(r, res, 7), 7);
    CHECK_EQ(t, res[0] & 0xC0, 0);
    FILE *f = fopen(r->path, "rb");
    fseek(f, (long)offset_of(10, 0, 3), SEEK_SET);
    uint8_t back[512];
    CHECK_EQ(t, fread(back, 1, 512, f), 512);
    fclose(f);
    CHECK_EQ(t, back[0], 0x3C);
    CHECK_EQ(t, back[511], 0x3C);
    rig_free(r);
}

static void write_data_on_a_read_only_disk_reports_not_writable(struct test_ctx *t)
{
    struct rig *r = rig_with(FLOPPY_144, true);
    outb(r, 0x3F7, 0x00);
    program_dma(r, 0x50000, 512, 0x4A);
    uint8_t cmd[9] = { 0xC5, 0x00, 1, 0, 1, 2, 1, 0x1B, 0xFF };
    command(r, cmd, 9);
    run(r, 1000000);
    uint8_t res[7];
    results(r, res, 7);
    CHECK_EQ(t, res[0] & 0xC0, 0x40);
    CHECK_EQ(t, res[1], 0x02);
    rig_free(r);
}

static void the_wrong_data_rate_finds_no_address_mark(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x02);                   /* 250 kb/s: a 720K rate */
    const uint8_t read_id[2] = { 0x4A, 0x00 };
    command(r, read_id, 2);
    run(r, 1000000);
    uint8_t res[7];
    CHECK_EQ(t, results(r, res, 7), 7);
    CHECK_EQ(t, res[0] & 0xC0, 0x40);
    CHECK_EQ(t, res[1], 0x01);
    rig_free(r);
}

static void read_id_reports_the_present_cylinder(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    const uint8_t seek[3] = { 0x0F, 0x00, 12 };
    command(r, seek, 3);
    run(r, 1000000);
    uint8_t res[7];
    outb(r, 0x3F5, 0x08);
    results(r, res, 2);
    const uint8_t read_id[2] = { 0x4A, 0x04 };
    command(r, read_id, 2);
    run(r, 1000000);
    CHECK_EQ(t, r->irq6, 1);
    CHECK_EQ(t, results(r, res, 7), 7);
    CHECK_EQ(t, res[0], 0x04);
    CHECK_EQ(t, res[3], 12);
    CHECK_EQ(t, res[4], 1);
    CHECK_EQ(t, res[6], 2);
    CHECK_EQ(t, r->irq6, 0);
    rig_free(r);
}

static void format_track_fills_each_sector_with_the_filler_byte(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    const uint8_t seek[3] = { 0x0F, 0x00, 7 };
    command(r, seek, 3);
    run(r, 1000000);
    uint8_t res[7];
    outb(r, 0x3F5, 0x08);
    results(r, res, 2);
    for (int s = 0; s < 18; s++) {
        uint8_t *id = r->mem->ram + 0x60000 + s * 4;
        id[0] = 7;
        id[1] = 1;
        id[2] = (uint8_t)(s + 1);
        id[3] = 2;
    }
    program_dma(r, 0x60000, 18 * 4, 0x4A);
    const uint8_t fmt[6] = { 0x4D, 0x04, 2, 18, 0x6C, 0xF6 };
    command(r, fmt, 6);
    run(r, 1000000);
    CHECK_EQ(t, results(r, res, 7), 7);
    CHECK_EQ(t, res[0] & 0xC0, 0);
    FILE *f = fopen(r->path, "rb");
    fseek(f, (long)offset_of(7, 1, 1), SEEK_SET);
    int first = fgetc(f);
    fseek(f, (long)offset_of(7, 1, 18) + 511, SEEK_SET);
    int last = fgetc(f);
    fseek(f, (long)offset_of(7, 0, 18), SEEK_SET);
    int other_side = fgetc(f);
    fclose(f);
    CHECK_EQ(t, first, 0xF6);
    CHECK_EQ(t, last, 0xF6);
    CHECK_EQ(t, other_side, pattern(offset_of(7, 0, 18)));
    rig_free(r);
}

static void dumpreg_returns_the_specify_and_configure_values(struct test_ctx *t)
{
    struct rig *r = rig_new();
    const uint8_t specify[3] = { 0x03, 0xAF, 0x02 };
    command(r, specify, 3);
    const uint8_t configure[4] = { 0x13, 0x00, 0x1A, 0x05 };
    command(r, configure, 4);
    outb(r, 0x3F5, 0x0E);
    uint8_t res[10];
    CHECK_EQ(t, results(r, res, 10), 10);
    CHECK_EQ(t, res[4], 0xAF);
    CHECK_EQ(t, res[5], 0x02);
    CHECK_EQ(t, res[8], 0x1A);
    CHECK_EQ(t, res[9], 0x05);
    rig_free(r);
}

static void lock_keeps_configure_across_a_software_reset(struct test_ctx *t)
{
    struct rig *r = rig_new();
    const uint8_t configure[4] = { 0x13, 0x00, 0x57, 0x09 };
    command(r, configure, 4);
    outb(r, 0x3F5, 0x94);
    uint8_t res[10];
    CHECK_EQ(t, results(r, res, 10), 1);
    CHECK_EQ(t, res[0], 0x10);
    outb(r, 0x3F4, 0x80);                   /* DSR software reset */
    run(r, 1000000);
    outb(r, 0x3F5, 0x0E);
    results(r, res, 10);
    CHECK_EQ(t, res[7] & 0x80, 0x80);
    CHECK_EQ(t, res[8], 0x57);
    CHECK_EQ(t, res[9], 0x09);
    outb(r, 0x3F5, 0x14);                   /* unlock */
    CHECK_EQ(t, results(r, res, 10), 1);
    CHECK_EQ(t, res[0], 0x00);
    outb(r, 0x3F4, 0x80);
    run(r, 1000000);
    outb(r, 0x3F5, 0x0E);
    results(r, res, 10);
    CHECK_EQ(t, res[8], 0x20);              /* back to the power-on CONFIGURE */
    rig_free(r);
}

static void sense_drive_status_reports_track_0_and_write_protect(struct test_ctx *t)
{
    struct rig *r = rig_with(FLOPPY_144, true);
    const uint8_t sense[2] = { 0x04, 0x00 };
    command(r, sense, 2);
    uint8_t res[2];
    CHECK_EQ(t, results(r, res, 2), 1);
    CHECK_EQ(t, res[0], 0x40 | 0x20 | 0x10 | 0x08);
    rig_free(r);
}

static void the_disk_change_line_is_set_at_power_on_and_cleared_by_a_seek(struct test_ctx *t)
{
    struct rig *r = rig_new();
    CHECK_EQ(t, inb(r, 0x3F7) & 0x80, 0x80);
    const uint8_t seek[3] = { 0x0F, 0x00, 1 };
    command(r, seek, 3);
    run(r, 1000000);
    CHECK_EQ(t, inb(r, 0x3F7) & 0x80, 0x00);
    rig_free(r);
}

static void non_dma_mode_reads_the_data_through_the_fifo(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F7, 0x00);
    const uint8_t specify[3] = { 0x03, 0xAF, 0x03 };   /* ND: non-DMA */
    command(r, specify, 3);
    uint8_t cmd[9] = { 0x46, 0x00, 4, 0, 9, 2, 9, 0x1B, 0xFF };
    command(r, cmd, 9);
    run(r, 1000000);
    CHECK_EQ(t, inb(r, 0x3F4), 0xF0);       /* RQM, DIO, NON-DMA, busy */
    CHECK_EQ(t, r->irq6, 1);
    bool same = true;
    for (uint32_t k = 0; k < 512; k++)
        same = same && inb(r, 0x3F5) == pattern(offset_of(4, 0, 9) + k);
    CHECK(t, same);
    uint8_t res[7];
    CHECK_EQ(t, results(r, res, 7), 7);
    CHECK_EQ(t, res[0] & 0xC0, 0x40);       /* no terminal count in PIO: end of cylinder */
    CHECK_EQ(t, res[1], 0x80);
    rig_free(r);
}

static void the_interrupt_reaches_irq_6_only_with_the_dor_dma_gate(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x3F2, 0x14);                   /* motor, not reset, DMA gate off */
    const uint8_t recal[2] = { 0x07, 0x00 };
    command(r, recal, 2);
    run(r, 1000000);
    CHECK_EQ(t, r->irq6, 0);
    outb(r, 0x3F2, 0x1C);
    CHECK_EQ(t, r->irq6, 1);
    rig_free(r);
}

static void an_image_of_no_floppy_size_is_refused_with_the_sizes_accepted(struct test_ctx *t)
{
    struct rig *r = rig_new();
    char path[64];
    snprintf(path, sizeof path, "/tmp/ember-fdc-odd-XXXXXX");
    int fd = mkstemp(path);
    char zeros[1000] = { 0 };
    CHECK_EQ(t, write(fd, zeros, sizeof zeros), (ssize_t)sizeof zeros);
    close(fd);
    struct blockdev *bd = blockdev_open(path, BLOCKDEV_FLOPPY, false, false, stderr);
    char *text = NULL;
    size_t len = 0;
    FILE *err = open_memstream(&text, &len);
    CHECK_EQ(t, i82077_attach(r->fdc, 1, bd, err), -1);
    fclose(err);
    CHECK(t, text && strstr(text, path) != NULL);
    CHECK(t, text && strstr(text, "1474560") != NULL);
    CHECK(t, text && strstr(text, "2949120") != NULL);
    free(text);
    unlink(path);
    rig_free(r);
}

static void the_cmos_types_follow_the_image_sizes(struct test_ctx *t)
{
    struct rig *r = rig_new();
    CHECK_EQ(t, i82077_cmos_types(r->fdc), 0x40);
    rig_free(r);
    r = rig_with(2949120, false);
    CHECK_EQ(t, i82077_cmos_types(r->fdc), 0x50);
    rig_free(r);
}

static void a_2880k_disk_reads_36_sectors_a_track_at_1_mbps(struct test_ctx *t)
{
    struct rig *r = rig_with(2949120, false);
    outb(r, 0x3F7, 0x03);
    program_dma(r, 0x20000, 512, 0x46);
    uint8_t res[7];
    read_data(r, 0x66, 1, 1, 36, 36, res);
    CHECK_EQ(t, res[0] & 0xC0, 0);
    CHECK_EQ(t, r->mem->ram[0x20000], pattern(((1 * 2 + 1) * 36 + 35) * 512));
    rig_free(r);
}

static void the_main_status_register_follows_the_phases(struct test_ctx *t)
{
    struct rig *r = rig_new();
    CHECK_EQ(t, inb(r, 0x3F4), 0x80);       /* ready for a command */
    outb(r, 0x3F5, 0x0E);
    CHECK_EQ(t, inb(r, 0x3F4), 0xD0);       /* result: RQM, DIO, busy */
    uint8_t res[10];
    results(r, res, 10);
    outb(r, 0x3F5, 0x03);
    CHECK_EQ(t, inb(r, 0x3F4), 0x90);       /* more command bytes wanted */
    outb(r, 0x3F5, 0xAF);
    outb(r, 0x3F5, 0x02);
    CHECK_EQ(t, inb(r, 0x3F4), 0x80);
    rig_free(r);
}

static const struct test tests[] = {
    TEST(version_reports_an_82077aa),
    TEST(leaving_reset_interrupts_and_four_sense_interrupts_report_polling),
    TEST(sense_interrupt_after_recalibrate_reports_seek_end_at_cylinder_0),
    TEST(seek_moves_the_head_to_the_cylinder_given),
    TEST(an_invalid_command_answers_0x80),
    TEST(read_data_moves_a_sector_into_ram_through_dma_channel_2),
    TEST(read_data_of_three_sectors_ends_at_terminal_count),
    TEST(multi_track_reads_go_on_to_side_1),
    TEST(running_past_the_end_of_track_reports_end_of_cylinder),
    TEST(write_data_puts_a_sector_from_ram_into_the_image),
    TEST(write_data_on_a_read_only_disk_reports_not_writable),
    TEST(the_wrong_data_rate_finds_no_address_mark),
    TEST(read_id_reports_the_present_cylinder),
    TEST(format_track_fills_each_sector_with_the_filler_byte),
    TEST(dumpreg_returns_the_specify_and_configure_values),
    TEST(lock_keeps_configure_across_a_software_reset),
    TEST(sense_drive_status_reports_track_0_and_write_protect),
    TEST(the_disk_change_line_is_set_at_power_on_and_cleared_by_a_seek),
    TEST(non_dma_mode_reads_the_data_through_the_fifo),
    TEST(the_interrupt_reaches_irq_6_only_with_the_dor_dma_gate),
    TEST(an_image_of_no_floppy_size_is_refused_with_the_sizes_accepted),
    TEST(the_cmos_types_follow_the_image_sizes),
    TEST(a_2880k_disk_reads_36_sectors_a_track_at_1_mbps),
    TEST(the_main_status_register_follows_the_phases),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("i82077", tests);
    const struct suite *suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
