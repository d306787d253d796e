/* ATA disks, the ATAPI CD-ROM and the PIIX3 bus master (devices/ata.c,
 * devices/piix_ide.c), through the legacy ports and BAR4 as SeaBIOS and
 * Linux's ata_piix drive them, against temporary image files. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "piix_ide.h"

#define RAM_SIZE (4u << 20)
#define IDE_DEVFN PCI_DEVFN(1, 1)
#define BMIBA 0xC000u
#define PRI 0x1F0u
#define SEC 0x170u
#define PRI_CTL 0x3F6u
#define SEC_CTL 0x376u

struct rig_opts {
    uint64_t disk_sectors;      /* primary master disk; 0 = none */
    bool sparse;                /* the disk's pattern is written by the test */
    bool snapshot;
    bool readonly;
    uint32_t cd_sectors;        /* a CD-ROM with an ISO of that many sectors; 0 = none */
    int cd_slot;                /* 1 = primary slave, 2 = secondary master */
};

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct clock clock;
    uint64_t now;
    struct pci_bus *pci;
    struct piix_ide *ide;
    int irq[16];
    int irq_rises[16];
    char disk[64], cd[64];
};

static void record_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    if (level && !r->irq[n])
        r->irq_rises[n]++;
    r->irq[n] = level;
}

static uint8_t disk_pattern(uint64_t offset)
{
    return (uint8_t)((offset >> 9) * 13 + offset);
}

static uint8_t cd_pattern(uint64_t offset)
{
    return (uint8_t)((offset >> 11) * 5 + (offset >> 3));
}

static void write_image(char *path, uint64_t size, uint8_t (*pattern)(uint64_t), bool sparse)
{
    snprintf(path, 64, "/tmp/ember-ata-XXXXXX");
    int fd = mkstemp(path);
    if (sparse) {
        if (ftruncate(fd, (off_t)size) < 0)
            perror("ftruncate");
        close(fd);
        return;
    }
    uint8_t buf[8192];
    for (uint64_t off = 0; off < size; off += sizeof buf) {
        for (size_t k = 0; k < sizeof buf; k++)
            buf[k] = pattern(off + k);
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        if (write(fd, buf, n) != (ssize_t)n)
            perror("write");
    }
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

/* Long enough for any command's delay. */
static void settle(struct rig *r)
{
    run(r, 200000);
}

static void outb(struct rig *r, uint32_t port, uint8_t v)
{
    io_write(&r->io, port, v, 1);
}

static uint8_t inb(struct rig *r, uint32_t port)
{
    return (uint8_t)io_read(&r->io, port, 1);
}

static uint16_t inw(struct rig *r, uint32_t port)
{
    return (uint16_t)io_read(&r->io, port, 2);
}

static void outw(struct rig *r, uint32_t port, uint16_t v)
{
    io_write(&r->io, port, v, 2);
}

static void enable_function(struct rig *r)
{
    pci_config_write(r->pci, IDE_DEVFN, PCI_BASE_ADDRESS_0 + 16, BMIBA | 1, 4);
    pci_config_write(r->pci, IDE_DEVFN, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
    pci_config_write(r->pci, IDE_DEVFN, PIIX_IDETIM_PRI, PIIX_IDETIM_IDE, 2);
    pci_config_write(r->pci, IDE_DEVFN, PIIX_IDETIM_SEC, PIIX_IDETIM_IDE, 2);
}

static struct rig *rig_new(struct rig_opts o)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(RAM_SIZE);
    clock_init(&r->clock);
    r->pci = pci_bus_create(&r->io, r->mem);
    struct irq_line lines[2] = { { record_irq, r, 14 }, { record_irq, r, 15 } };
    r->ide = piix_ide_create(r->pci, IDE_DEVFN, &r->io, r->mem, &r->clock, lines);
    if (o.disk_sectors) {
        write_image(r->disk, o.disk_sectors * 512, disk_pattern, o.sparse);
        struct blockdev *bd = blockdev_open(r->disk, BLOCKDEV_DISK, o.readonly, o.snapshot,
                                            stderr);
        ata_attach(&r->ide->ch[0], 0, ATA_DISK, bd);
    }
    if (o.cd_sectors) {
        write_image(r->cd, (uint64_t)o.cd_sectors * 2048, cd_pattern, false);
        struct blockdev *bd = blockdev_open(r->cd, BLOCKDEV_CDROM, true, false, stderr);
        int slot = o.cd_slot ? o.cd_slot : 2;
        ata_attach(&r->ide->ch[slot / 2], slot % 2, ATA_CDROM, bd);
    }
    enable_function(r);
    return r;
}

static void rig_free(struct rig *r)
{
    piix_ide_ops.destroy(r->ide);
    pci_bus_destroy(r->pci);
    phys_mem_destroy(r->mem);
    if (r->disk[0])
        unlink(r->disk);
    if (r->cd[0])
        unlink(r->cd);
    free(r);
}

static struct rig *disk_rig(uint64_t sectors)
{
    return rig_new((struct rig_opts){ .disk_sectors = sectors });
}

/* ---- ATA helpers ---- */

static void lba28(struct rig *r, uint32_t base, uint32_t lba, uint8_t count)
{
    outb(r, base + 6, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
    outb(r, base + 2, count);
    outb(r, base + 3, (uint8_t)lba);
    outb(r, base + 4, (uint8_t)(lba >> 8));
    outb(r, base + 5, (uint8_t)(lba >> 16));
}

static void lba48(struct rig *r, uint32_t base, uint64_t lba, uint16_t count)
{
    outb(r, base + 6, 0x40);
    outb(r, base + 2, (uint8_t)(count >> 8));
    outb(r, base + 3, (uint8_t)(lba >> 24));
    outb(r, base + 4, (uint8_t)(lba >> 32));
    outb(r, base + 5, (uint8_t)(lba >> 40));
    outb(r, base + 2, (uint8_t)count);
    outb(r, base + 3, (uint8_t)lba);
    outb(r, base + 4, (uint8_t)(lba >> 8));
    outb(r, base + 5, (uint8_t)(lba >> 16));
}

static void command(struct rig *r, uint32_t base, uint8_t cmd)
{
    outb(r, base + 7, cmd);
    settle(r);
}

static void read_data(struct rig *r, uint32_t base, uint8_t *buf, uint32_t bytes)
{
    for (uint32_t k = 0; k < bytes; k += 2) {
        uint16_t w = inw(r, base);
        buf[k] = (uint8_t)w;
        buf[k + 1] = (uint8_t)(w >> 8);
    }
}

static void write_data(struct rig *r, uint32_t base, const uint8_t *buf, uint32_t bytes)
{
    for (uint32_t k = 0; k < bytes; k += 2)
        outw(r, base, (uint16_t)(buf[k] | buf[k + 1] << 8));
}

static void identify(struct rig *r, uint32_t base, uint8_t cmd, uint16_t *id)
{
    command(r, base, cmd);
    for (int k = 0; k < 256; k++)
        id[k] = inw(r, base);
}

static bool same_as_disk(const uint8_t *buf, uint64_t lba, uint32_t bytes)
{
    for (uint32_t k = 0; k < bytes; k++)
        if (buf[k] != disk_pattern(lba * 512 + k))
            return false;
    return true;
}

static void read_file(const char *path, uint64_t offset, uint8_t *buf, size_t len)
{
    int fd = open(path, O_RDONLY);
    if (pread(fd, buf, len, (off_t)offset) != (ssize_t)len)
        memset(buf, 0xEE, len);
    close(fd);
}

/* ---- ATAPI helpers ---- */

static void packet(struct rig *r, uint32_t base, const uint8_t cdb[12], uint16_t limit, bool dma)
{
    outb(r, base + 1, dma ? 1 : 0);
    outb(r, base + 4, (uint8_t)limit);
    outb(r, base + 5, (uint8_t)(limit >> 8));
    command(r, base, 0xA0);
    for (int k = 0; k < 12; k += 2)
        outw(r, base, (uint16_t)(cdb[k] | cdb[k + 1] << 8));
    settle(r);
}

/* Read every DRQ block of a PIO packet command's data; returns bytes. */
static uint32_t packet_data(struct rig *r, uint32_t base, uint8_t *buf, uint32_t cap)
{
    uint32_t got = 0;
    while ((inb(r, base + 7) & (ATA_SR_BSY | ATA_SR_DRQ)) == ATA_SR_DRQ) {
        uint32_t n = inb(r, base + 4) | (uint32_t)inb(r, base + 5) << 8;
        for (uint32_t k = 0; k < n; k += 2) {
            uint16_t w = inw(r, base);
            if (got + k + 1 < cap) {
                buf[got + k] = (uint8_t)w;
                buf[got + k + 1] = (uint8_t)(w >> 8);
            }
        }
        got += n;
        settle(r);
    }
    return got;
}

static void request_sense(struct rig *r, uint32_t base, uint8_t *sense)
{
    const uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 };
    packet(r, base, cdb, 18, false);
    packet_data(r, base, sense, 18);
}

/* Clear the power-on unit attention as a driver does. */
static void clear_unit_attention(struct rig *r, uint32_t base)
{
    const uint8_t tur[12] = { 0 };
    uint8_t sense[18];
    packet(r, base, tur, 0, false);
    request_sense(r, base, sense);
}

/* ---- bus master helpers ---- */

static void put_prd(struct rig *r, uint32_t at, uint32_t addr, uint32_t count, bool last)
{
    phys_write(r->mem, at, addr, 4);
    phys_write(r->mem, at + 4, (count & 0xFFFF) | (last ? 0x80000000u : 0), 4);
}

static void bm_setup(struct rig *r, int ch, uint32_t table, bool to_memory)
{
    uint32_t base = BMIBA + (uint32_t)ch * 8;
    io_write(&r->io, base + BM_PRDT, table, 4);
    outb(r, base + BM_STATUS, BM_ST_INTR | BM_ST_ERROR);
    outb(r, base + BM_COMMAND, to_memory ? BM_CMD_WRITE : 0);
}

static void bm_start(struct rig *r, int ch, bool to_memory)
{
    outb(r, BMIBA + (uint32_t)ch * 8 + BM_COMMAND,
         (uint8_t)((to_memory ? BM_CMD_WRITE : 0) | BM_CMD_START));
    settle(r);
}

static uint8_t bm_status(struct rig *r, int ch)
{
    return inb(r, BMIBA + (uint32_t)ch * 8 + BM_STATUS);
}

/* ================= ATA disk ================= */

static void identify_reports_the_chs_translation_and_both_lba_capacities(struct test_ctx *t)
{
    struct rig *r = disk_rig(20160 + 5);
    uint16_t id[256];
    identify(r, PRI, 0xEC, id);
    CHECK_EQ(t, id[0], 0x0040);
    CHECK_EQ(t, id[1], 20);
    CHECK_EQ(t, id[3], 16);
    CHECK_EQ(t, id[6], 63);
    CHECK_EQ(t, id[60] | (uint32_t)id[61] << 16, 20165);
    CHECK_EQ(t, id[100] | (uint32_t)id[101] << 16, 20165);
    CHECK_EQ(t, id[83] & 0x0400, 0x0400);
    CHECK_EQ(t, id[49] & 0x0300, 0x0300);
    CHECK_EQ(t, id[47], 0x8010);
    uint8_t sum = 0;
    for (int k = 0; k < 256; k++)
        sum = (uint8_t)(sum + (id[k] & 0xFF) + (id[k] >> 8));
    CHECK_EQ(t, id[255] & 0xFF, 0xA5);
    CHECK_EQ(t, sum, 0);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    rig_free(r);
}

static void identify_strings_are_ata_strings_high_byte_first(struct test_ctx *t)
{
    struct rig *r = disk_rig(1024);
    uint16_t id[256];
    identify(r, PRI, 0xEC, id);
    char model[41];
    for (int k = 0; k < 20; k++) {
        model[2 * k] = (char)(id[27 + k] >> 8);
        model[2 * k + 1] = (char)id[27 + k];
    }
    model[40] = 0;
    CHECK(t, !strncmp(model, "EMBER HARDDISK      ", 20));
    CHECK_EQ(t, id[10] >> 8, 'E');
    rig_free(r);
}

static void identify_advertises_multiword_dma_2_and_udma_and_shows_the_mode_set(struct test_ctx *t)
{
    struct rig *r = disk_rig(1024);
    uint16_t id[256];
    identify(r, PRI, 0xEC, id);
    CHECK_EQ(t, id[63], 0x0007);
    CHECK_EQ(t, id[88], 0x003F);
    CHECK_EQ(t, id[53] & 0x0006, 0x0006);
    outb(r, PRI + 1, 0x03);
    outb(r, PRI + 2, 0x22);                 /* MWDMA2, as ata_piix picks on a PIIX3 */
    command(r, PRI, 0xEF);
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_ERR, 0);
    identify(r, PRI, 0xEC, id);
    CHECK_EQ(t, id[63], 0x0407);
    CHECK_EQ(t, id[88], 0x003F);
    outb(r, PRI + 2, 0x50);                 /* no such mode */
    outb(r, PRI + 1, 0x03);
    command(r, PRI, 0xEF);
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_ERR, ATA_SR_ERR);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_ABRT);
    rig_free(r);
}

static void a_large_disk_caps_the_chs_geometry_and_the_lba28_capacity(struct test_ctx *t)
{
    struct rig *r = rig_new((struct rig_opts){ .disk_sectors = (1ull << 28) + 64, .sparse = true });
    uint16_t id[256];
    identify(r, PRI, 0xEC, id);
    CHECK_EQ(t, id[1], 16383);
    CHECK_EQ(t, id[60] | (uint32_t)id[61] << 16, 0x0FFFFFFF);
    CHECK_EQ(t, id[100] | (uint32_t)id[101] << 16 | (uint64_t)id[102] << 32, (1ull << 28) + 64);
    rig_free(r);
}

static void read_sectors_returns_the_image_bytes_with_an_interrupt_per_sector(struct test_ctx *t)
{
    struct rig *r = disk_rig(2048);
    lba28(r, PRI, 100, 2);
    outb(r, PRI + 7, 0x20);
    CHECK_EQ(t, inb(r, PRI_CTL), ATA_SR_BSY);
    settle(r);
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ);
    CHECK_EQ(t, r->irq[14], 0);
    uint8_t buf[1024];
    read_data(r, PRI, buf, 512);
    settle(r);
    CHECK_EQ(t, r->irq_rises[14], 2);
    read_data(r, PRI, buf + 512, 512);
    CHECK(t, same_as_disk(buf, 100, 1024));
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    CHECK_EQ(t, r->irq_rises[14], 2);       /* no interrupt after the last PIO block */
    rig_free(r);
}

static void read_sectors_takes_32_bit_data_port_reads(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    lba28(r, PRI, 9, 1);
    command(r, PRI, 0x20);
    uint8_t buf[512];
    for (int k = 0; k < 512; k += 4) {
        uint32_t v = io_read(&r->io, PRI, 4);
        memcpy(buf + k, &v, 4);
    }
    CHECK(t, same_as_disk(buf, 9, 512));
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_DRQ, 0);
    rig_free(r);
}

static void write_sectors_reaches_the_image_file(struct test_ctx *t)
{
    struct rig *r = disk_rig(256);
    lba28(r, PRI, 17, 2);
    command(r, PRI, 0x30);
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_DRQ, ATA_SR_DRQ);
    CHECK_EQ(t, r->irq_rises[14], 0);       /* the first block comes without one */
    uint8_t buf[1024], back[1024];
    for (int k = 0; k < 1024; k++)
        buf[k] = (uint8_t)(k * 3 + 1);
    write_data(r, PRI, buf, 512);
    settle(r);
    CHECK_EQ(t, r->irq_rises[14], 1);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ);
    write_data(r, PRI, buf + 512, 512);
    settle(r);
    CHECK_EQ(t, r->irq_rises[14], 2);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    read_file(r->disk, 17 * 512, back, 1024);
    CHECK(t, memcmp(back, buf, 1024) == 0);
    read_file(r->disk, 19 * 512, back, 512);
    CHECK(t, same_as_disk(back, 19, 512));
    rig_free(r);
}

static void lba48_reads_and_writes_sectors_past_the_28_bit_limit(struct test_ctx *t)
{
    uint64_t big = (1ull << 28) + 64;
    struct rig *r = rig_new((struct rig_opts){ .disk_sectors = big, .sparse = true });
    uint64_t lba = (1ull << 28) + 5;
    uint8_t buf[512], back[512];
    for (int k = 0; k < 512; k++)
        buf[k] = (uint8_t)(k ^ 0xA7);
    lba48(r, PRI, lba, 1);
    command(r, PRI, 0x34);                  /* WRITE SECTORS EXT */
    write_data(r, PRI, buf, 512);
    settle(r);
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_ERR, 0);
    read_file(r->disk, lba * 512, back, 512);
    CHECK(t, memcmp(back, buf, 512) == 0);
    memset(back, 0, sizeof back);
    lba48(r, PRI, lba, 1);
    command(r, PRI, 0x24);                  /* READ SECTORS EXT */
    read_data(r, PRI, back, 512);
    CHECK(t, memcmp(back, buf, 512) == 0);
    outb(r, PRI_CTL, ATA_DC_HOB);
    CHECK_EQ(t, inb(r, PRI + 3), (uint8_t)(lba >> 24));
    outb(r, PRI_CTL, 0);
    rig_free(r);
}

static void chs_addresses_use_16_heads_and_63_sectors(struct test_ctx *t)
{
    struct rig *r = disk_rig(4096);
    outb(r, PRI + 6, 0xA1);                 /* CHS, head 1 */
    outb(r, PRI + 2, 1);
    outb(r, PRI + 3, 2);                    /* sector 2 */
    outb(r, PRI + 4, 1);                    /* cylinder 1 */
    outb(r, PRI + 5, 0);
    command(r, PRI, 0x20);
    uint8_t buf[512];
    read_data(r, PRI, buf, 512);
    CHECK(t, same_as_disk(buf, (1 * 16 + 1) * 63 + 1, 512));
    outb(r, PRI + 3, 0);                    /* sector 0 does not exist */
    command(r, PRI, 0x20);
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_ERR, ATA_SR_ERR);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_IDNF);
    rig_free(r);
}

static void initialize_device_parameters_changes_the_chs_translation(struct test_ctx *t)
{
    struct rig *r = disk_rig(4096);
    outb(r, PRI + 6, 0xA0 | 3);             /* 4 heads */
    outb(r, PRI + 2, 32);                   /* 32 sectors per track */
    command(r, PRI, 0x91);
    CHECK_EQ(t, inb(r, PRI + 7) & ATA_SR_ERR, 0);
    uint16_t id[256];
    identify(r, PRI, 0xEC, id);
    CHECK_EQ(t, id[55], 4);
    CHECK_EQ(t, id[56], 32);
    CHECK_EQ(t, id[54], 32);
    outb(r, PRI + 6, 0xA2);
    outb(r, PRI + 2, 1);
    outb(r, PRI + 3, 5);
    outb(r, PRI + 4, 3);
    outb(r, PRI + 5, 0);
    command(r, PRI, 0x20);
    uint8_t buf[512];
    read_data(r, PRI, buf, 512);
    CHECK(t, same_as_disk(buf, (3 * 4 + 2) * 32 + 4, 512));
    rig_free(r);
}

static void read_multiple_moves_blocks_of_the_multiple_count(struct test_ctx *t)
{
    struct rig *r = disk_rig(512);
    outb(r, PRI + 2, 4);
    command(r, PRI, 0xC6);
    uint16_t id[256];
    identify(r, PRI, 0xEC, id);
    CHECK_EQ(t, id[59], 0x0104);
    int before = r->irq_rises[14];
    lba28(r, PRI, 40, 6);
    command(r, PRI, 0xC4);
    uint8_t buf[6 * 512];
    inb(r, PRI + 7);
    read_data(r, PRI, buf, 4 * 512);
    CHECK_EQ(t, inb(r, PRI_CTL), ATA_SR_BSY);
    settle(r);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_DRQ);
    read_data(r, PRI, buf + 4 * 512, 2 * 512);
    CHECK(t, same_as_disk(buf, 40, sizeof buf));
    CHECK_EQ(t, r->irq_rises[14] - before, 2);
    rig_free(r);
}

static void read_multiple_aborts_until_set_multiple_mode(struct test_ctx *t)
{
    struct rig *r = disk_rig(512);
    lba28(r, PRI, 0, 1);
    command(r, PRI, 0xC4);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_ERR);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_ABRT);
    outb(r, PRI + 2, 3);                    /* not a power of two */
    command(r, PRI, 0xC6);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_ABRT);
    rig_free(r);
}

static void a_read_past_the_end_sets_err_and_idnf(struct test_ctx *t)
{
    struct rig *r = disk_rig(100);
    lba28(r, PRI, 99, 2);
    command(r, PRI, 0x20);
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_ERR);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_IDNF);
    CHECK_EQ(t, inb(r, PRI + 3), 100);      /* the first address that is not there */
    lba28(r, PRI, 100, 1);
    command(r, PRI, 0x40);                  /* READ VERIFY */
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_IDNF);
    lba28(r, PRI, 99, 1);
    command(r, PRI, 0x40);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    rig_free(r);
}

static void snapshot_keeps_the_image_file_byte_for_byte(struct test_ctx *t)
{
    struct rig *r = rig_new((struct rig_opts){ .disk_sectors = 128, .snapshot = true });
    uint8_t buf[512], back[512];
    memset(buf, 0x42, sizeof buf);
    lba28(r, PRI, 3, 1);
    command(r, PRI, 0x30);
    write_data(r, PRI, buf, 512);
    settle(r);
    command(r, PRI, 0xE7);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    lba28(r, PRI, 3, 1);
    command(r, PRI, 0x20);
    read_data(r, PRI, back, 512);
    CHECK(t, memcmp(back, buf, 512) == 0);
    piix_ide_ops.destroy(r->ide);
    r->ide = NULL;
    bool unchanged = true;
    for (uint64_t s = 0; s < 128; s++) {
        read_file(r->disk, s * 512, back, 512);
        unchanged = unchanged && same_as_disk(back, s, 512);
    }
    CHECK(t, unchanged);
    pci_bus_destroy(r->pci);
    phys_mem_destroy(r->mem);
    unlink(r->disk);
    free(r);
}

static void flush_cache_completes_and_the_data_is_in_the_file(struct test_ctx *t)
{
    struct rig *r = disk_rig(128);
    uint8_t buf[512], back[512];
    memset(buf, 0x99, sizeof buf);
    lba48(r, PRI, 7, 1);
    command(r, PRI, 0x34);
    write_data(r, PRI, buf, 512);
    settle(r);
    command(r, PRI, 0xEA);                  /* FLUSH CACHE EXT */
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    read_file(r->disk, 7 * 512, back, 512);
    CHECK(t, memcmp(back, buf, 512) == 0);
    rig_free(r);
}

static void a_write_to_a_read_only_disk_aborts(struct test_ctx *t)
{
    struct rig *r = rig_new((struct rig_opts){ .disk_sectors = 64, .readonly = true });
    lba28(r, PRI, 1, 1);
    command(r, PRI, 0x30);
    CHECK_EQ(t, inb(r, PRI + 7) & (ATA_SR_ERR | ATA_SR_DRQ), ATA_SR_ERR);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_ABRT);
    rig_free(r);
}

static void srst_puts_the_ata_and_atapi_signatures_in_the_registers(struct test_ctx *t)
{
    struct rig *r = rig_new((struct rig_opts){ .disk_sectors = 64, .cd_sectors = 16, .cd_slot = 1 });
    outb(r, PRI_CTL, ATA_DC_SRST | ATA_DC_NIEN);
    CHECK_EQ(t, inb(r, PRI_CTL) & ATA_SR_BSY, ATA_SR_BSY);
    outb(r, PRI_CTL, ATA_DC_NIEN);
    settle(r);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    CHECK_EQ(t, inb(r, PRI + 1), 0x01);
    CHECK_EQ(t, inb(r, PRI + 2), 1);
    CHECK_EQ(t, inb(r, PRI + 3), 1);
    CHECK_EQ(t, inb(r, PRI + 4), 0x00);
    CHECK_EQ(t, inb(r, PRI + 5), 0x00);
    outb(r, PRI + 6, 0xB0);
    CHECK_EQ(t, inb(r, PRI + 6), 0xB0);
    CHECK_EQ(t, inb(r, PRI + 7), 0x00);     /* ATAPI: no DRDY until a command */
    CHECK_EQ(t, inb(r, PRI + 4), 0x14);
    CHECK_EQ(t, inb(r, PRI + 5), 0xEB);
    CHECK_EQ(t, r->irq[14], 0);
    rig_free(r);
}

static void nien_keeps_the_interrupt_off_the_line(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    outb(r, PRI_CTL, ATA_DC_NIEN);
    command(r, PRI, 0xE7);
    CHECK_EQ(t, r->irq[14], 0);
    outb(r, PRI_CTL, 0);
    CHECK_EQ(t, r->irq[14], 1);             /* still pending: it shows once enabled */
    inb(r, PRI + 7);
    CHECK_EQ(t, r->irq[14], 0);
    rig_free(r);
}

static void alternate_status_leaves_the_interrupt_pending(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    command(r, PRI, 0xE5);
    CHECK_EQ(t, inb(r, PRI_CTL), ATA_SR_DRDY | ATA_SR_DSC);
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, bm_status(r, 0) & BM_ST_INTR, BM_ST_INTR);
    inb(r, PRI + 7);
    CHECK_EQ(t, r->irq[14], 0);
    rig_free(r);
}

static void an_absent_slave_reads_status_0_and_an_empty_channel_floats(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    outb(r, PRI + 6, 0xB0);
    CHECK_EQ(t, inb(r, PRI + 7), 0x00);
    outb(r, PRI + 2, 0x55);
    CHECK_EQ(t, inb(r, PRI + 2), 0x55);
    command(r, PRI, 0xEC);                  /* nobody there to run it */
    CHECK_EQ(t, inb(r, PRI + 7), 0x00);
    CHECK_EQ(t, inb(r, SEC + 7), 0xFF);
    CHECK_EQ(t, inb(r, SEC_CTL), 0xFF);
    rig_free(r);
}

static void check_power_mode_reports_standby_after_standby_immediate(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    command(r, PRI, 0xE5);
    CHECK_EQ(t, inb(r, PRI + 2), 0xFF);
    command(r, PRI, 0xE0);
    command(r, PRI, 0xE5);
    CHECK_EQ(t, inb(r, PRI + 2), 0x00);
    command(r, PRI, 0xE1);
    command(r, PRI, 0x98);                  /* the old CHECK POWER MODE */
    CHECK_EQ(t, inb(r, PRI + 2), 0x80);
    rig_free(r);
}

static void execute_device_diagnostic_reports_code_1_and_interrupts(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    outb(r, PRI + 4, 0x77);
    command(r, PRI, 0x90);
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, inb(r, PRI + 1), 0x01);
    CHECK_EQ(t, inb(r, PRI + 4), 0x00);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    rig_free(r);
}

static void seek_checks_the_address(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    lba28(r, PRI, 63, 0);
    command(r, PRI, 0x70);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    lba28(r, PRI, 64, 0);
    command(r, PRI, 0x70);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_IDNF);
    rig_free(r);
}

static void identify_packet_device_aborts_on_a_disk(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    command(r, PRI, 0xA1);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC | ATA_SR_ERR);
    CHECK_EQ(t, inb(r, PRI + 1), ATA_ER_ABRT);
    rig_free(r);
}

/* ================= ATAPI CD-ROM ================= */

static struct rig *cd_rig(uint32_t sectors)
{
    return rig_new((struct rig_opts){ .cd_sectors = sectors, .cd_slot = 2 });
}

static void identify_packet_device_describes_a_removable_cdrom(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    uint16_t id[256];
    identify(r, SEC, 0xA1, id);
    CHECK_EQ(t, id[0], 0x85C0);
    CHECK_EQ(t, (id[0] >> 8) & 0x1F, 5);
    CHECK_EQ(t, id[49] & 0x0300, 0x0300);
    CHECK_EQ(t, id[80] & 0x0040, 0x0040);
    CHECK_EQ(t, id[82] & 0x0010, 0x0010);
    CHECK_EQ(t, inb(r, SEC + 7), ATA_SR_DRDY);
    rig_free(r);
}

static void identify_device_on_the_cdrom_aborts_leaving_its_signature(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    command(r, SEC, 0xEC);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, ATA_SR_ERR);
    CHECK_EQ(t, inb(r, SEC + 1) & ATA_ER_ABRT, ATA_ER_ABRT);
    CHECK_EQ(t, inb(r, SEC + 4), 0x14);
    CHECK_EQ(t, inb(r, SEC + 5), 0xEB);
    rig_free(r);
}

static void the_first_command_after_power_on_reports_a_unit_attention_once(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    const uint8_t tur[12] = { 0 };
    packet(r, SEC, tur, 0, false);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, ATA_SR_ERR);
    CHECK_EQ(t, inb(r, SEC + 1) >> 4, 0x06);
    CHECK_EQ(t, inb(r, SEC + 2) & 3, ATAPI_IR_IO | ATAPI_IR_COD);
    packet(r, SEC, tur, 0, false);
    CHECK_EQ(t, inb(r, SEC + 7), ATA_SR_DRDY);
    rig_free(r);
}

static void read_10_returns_2048_byte_sectors_of_the_iso(struct test_ctx *t)
{
    struct rig *r = cd_rig(32);
    clear_unit_attention(r, SEC);
    const uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 16, 0, 0, 2 };
    packet(r, SEC, cdb, 0xFFFE, false);
    CHECK_EQ(t, r->irq[15], 1);
    CHECK_EQ(t, inb(r, SEC + 2) & 3, ATAPI_IR_IO);
    uint8_t buf[4096];
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 4096);
    bool same = true;
    for (uint32_t k = 0; k < 4096; k++)
        same = same && buf[k] == cd_pattern(16 * 2048 + k);
    CHECK(t, same);
    CHECK_EQ(t, inb(r, SEC + 7), ATA_SR_DRDY);
    CHECK_EQ(t, inb(r, SEC + 2) & 3, ATAPI_IR_IO | ATAPI_IR_COD);
    rig_free(r);
}

static void the_byte_count_limit_cuts_the_data_into_drq_blocks(struct test_ctx *t)
{
    struct rig *r = cd_rig(32);
    clear_unit_attention(r, SEC);
    const uint8_t cdb[12] = { 0xA8, 0, 0, 0, 0, 3, 0, 0, 0, 3 };   /* READ(12), 3 sectors */
    packet(r, SEC, cdb, 1000, false);
    CHECK_EQ(t, inb(r, SEC + 4) | inb(r, SEC + 5) << 8, 1000);
    uint8_t buf[3 * 2048];
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 3 * 2048);
    bool same = true;
    for (uint32_t k = 0; k < sizeof buf; k++)
        same = same && buf[k] == cd_pattern(3 * 2048 + k);
    CHECK(t, same);
    rig_free(r);
}

static void request_sense_after_a_bad_lba_reports_lba_out_of_range(struct test_ctx *t)
{
    struct rig *r = cd_rig(32);
    clear_unit_attention(r, SEC);
    const uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 31, 0, 0, 2 };
    packet(r, SEC, cdb, 0xFFFE, false);
    CHECK_EQ(t, inb(r, SEC + 7) & (ATA_SR_ERR | ATA_SR_DRQ), ATA_SR_ERR);
    CHECK_EQ(t, inb(r, SEC + 1), 0x54);     /* ILLEGAL REQUEST, ABRT */
    uint8_t sense[18];
    request_sense(r, SEC, sense);
    CHECK_EQ(t, sense[0], 0x70);
    CHECK_EQ(t, sense[2], 0x05);
    CHECK_EQ(t, sense[7], 10);
    CHECK_EQ(t, sense[12], 0x21);
    request_sense(r, SEC, sense);           /* reported once */
    CHECK_EQ(t, sense[2], 0x00);
    rig_free(r);
}

static void read_capacity_gives_the_last_lba_and_the_block_size(struct test_ctx *t)
{
    struct rig *r = cd_rig(300);
    clear_unit_attention(r, SEC);
    const uint8_t cdb[12] = { 0x25 };
    packet(r, SEC, cdb, 8, false);
    uint8_t buf[8];
    CHECK_EQ(t, packet_data(r, SEC, buf, 8), 8);
    CHECK_EQ(t, buf[2] << 8 | buf[3], 299);
    CHECK_EQ(t, buf[6] << 8 | buf[7], 2048);
    rig_free(r);
}

static void read_toc_lists_track_1_and_the_lead_out_in_lba_and_msf(struct test_ctx *t)
{
    struct rig *r = cd_rig(300);
    clear_unit_attention(r, SEC);
    const uint8_t lba_cdb[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100 };
    packet(r, SEC, lba_cdb, 100, false);
    uint8_t buf[64];
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 20);
    CHECK_EQ(t, buf[1], 18);
    CHECK_EQ(t, buf[2], 1);
    CHECK_EQ(t, buf[3], 1);
    CHECK_EQ(t, buf[5], 0x14);
    CHECK_EQ(t, buf[6], 1);
    CHECK_EQ(t, buf[14], 0xAA);
    CHECK_EQ(t, buf[18] << 8 | buf[19], 300);
    const uint8_t msf_cdb[12] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100 };
    packet(r, SEC, msf_cdb, 100, false);
    packet_data(r, SEC, buf, sizeof buf);
    CHECK_EQ(t, buf[10], 2);                /* track 1 at 00:02:00 */
    CHECK_EQ(t, buf[17], 0);                /* lead-out: 450 frames = 00:06:00 */
    CHECK_EQ(t, buf[18], 6);
    CHECK_EQ(t, buf[19], 0);
    const uint8_t session_cdb[12] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 12 };
    packet(r, SEC, session_cdb, 100, false);
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 12);
    CHECK_EQ(t, buf[1], 10);
    const uint8_t raw_cdb[12] = { 0x43, 0x02, 2, 0, 0, 0, 0, 0, 100 };
    packet(r, SEC, raw_cdb, 100, false);
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 48);
    CHECK_EQ(t, buf[7], 0xA0);
    CHECK_EQ(t, buf[29], 0xA2);
    CHECK_EQ(t, buf[35], 6);
    rig_free(r);
}

static void mode_sense_returns_the_capabilities_and_error_recovery_pages(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    clear_unit_attention(r, SEC);
    const uint8_t cdb[12] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64 };
    packet(r, SEC, cdb, 64, false);
    uint8_t buf[64];
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 30);
    CHECK_EQ(t, buf[1], 28);
    CHECK_EQ(t, buf[8], 0x2A);
    CHECK_EQ(t, buf[9], 20);
    const uint8_t all[12] = { 0x5A, 0, 0x3F, 0, 0, 0, 0, 0, 64 };
    packet(r, SEC, all, 64, false);
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 42);
    CHECK_EQ(t, buf[8], 0x01);
    const uint8_t saved[12] = { 0x5A, 0, 0xC1, 0, 0, 0, 0, 0, 64 };
    packet(r, SEC, saved, 64, false);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, ATA_SR_ERR);
    rig_free(r);
}

static void get_configuration_reports_the_cdrom_profile(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    const uint8_t cdb[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 64 };
    packet(r, SEC, cdb, 64, false);         /* runs despite the unit attention */
    uint8_t buf[64];
    CHECK_EQ(t, packet_data(r, SEC, buf, sizeof buf), 32);
    CHECK_EQ(t, buf[3], 28);
    CHECK_EQ(t, buf[7], 0x08);
    CHECK_EQ(t, buf[13] == 0x10 && buf[17] == 0x08, 1);
    CHECK_EQ(t, buf[18], 1);                /* CD-ROM current */
    CHECK_EQ(t, buf[21], 0x01);             /* then the core feature */
    rig_free(r);
}

static void get_event_status_notification_polls_the_media_class(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    const uint8_t cdb[12] = { 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8 };
    packet(r, SEC, cdb, 8, false);
    uint8_t buf[8];
    CHECK_EQ(t, packet_data(r, SEC, buf, 8), 8);
    CHECK_EQ(t, buf[2], 0x04);
    CHECK_EQ(t, buf[5], 0x02);              /* media present, tray closed */
    const uint8_t async[12] = { 0x4A, 0, 0, 0, 0x10, 0, 0, 0, 8 };
    packet(r, SEC, async, 8, false);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, ATA_SR_ERR);
    rig_free(r);
}

static void a_locked_tray_will_not_eject_and_an_open_one_has_no_medium(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    clear_unit_attention(r, SEC);
    const uint8_t lock[12] = { 0x1E, 0, 0, 0, 1 };
    const uint8_t unlock[12] = { 0x1E, 0, 0, 0, 0 };
    const uint8_t eject[12] = { 0x1B, 0, 0, 0, 0x02 };
    const uint8_t load[12] = { 0x1B, 0, 0, 0, 0x03 };
    const uint8_t tur[12] = { 0 };
    uint8_t sense[18];
    packet(r, SEC, lock, 0, false);
    packet(r, SEC, eject, 0, false);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, ATA_SR_ERR);
    request_sense(r, SEC, sense);
    CHECK_EQ(t, sense[12], 0x53);
    packet(r, SEC, unlock, 0, false);
    packet(r, SEC, eject, 0, false);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, 0);
    packet(r, SEC, tur, 0, false);
    request_sense(r, SEC, sense);
    CHECK_EQ(t, sense[2], 0x02);
    CHECK_EQ(t, sense[12], 0x3A);
    packet(r, SEC, load, 0, false);
    packet(r, SEC, tur, 0, false);
    request_sense(r, SEC, sense);
    CHECK_EQ(t, sense[2], 0x06);            /* the medium may have changed */
    CHECK_EQ(t, sense[12], 0x28);
    packet(r, SEC, tur, 0, false);
    CHECK_EQ(t, inb(r, SEC + 7) & ATA_SR_ERR, 0);
    rig_free(r);
}

static void inquiry_names_a_removable_cd_device(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    const uint8_t cdb[12] = { 0x12, 0, 0, 0, 36 };
    packet(r, SEC, cdb, 36, false);         /* runs despite the unit attention */
    uint8_t buf[36];
    CHECK_EQ(t, packet_data(r, SEC, buf, 36), 36);
    CHECK_EQ(t, buf[0], 0x05);
    CHECK_EQ(t, buf[1], 0x80);
    CHECK(t, !memcmp(buf + 8, "EMBER", 5));
    clear_unit_attention(r, SEC);
    const uint8_t unknown[12] = { 0xEE };
    packet(r, SEC, unknown, 0, false);
    uint8_t sense[18];
    request_sense(r, SEC, sense);
    CHECK_EQ(t, sense[2], 0x05);
    CHECK_EQ(t, sense[12], 0x20);
    rig_free(r);
}

static void read_disc_information_describes_a_finished_disc(struct test_ctx *t)
{
    struct rig *r = cd_rig(16);
    clear_unit_attention(r, SEC);
    const uint8_t cdb[12] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34 };
    packet(r, SEC, cdb, 64, false);
    uint8_t buf[34];
    CHECK_EQ(t, packet_data(r, SEC, buf, 34), 34);
    CHECK_EQ(t, buf[1], 32);
    CHECK_EQ(t, buf[2] & 3, 2);
    CHECK_EQ(t, buf[3], 1);
    rig_free(r);
}

/* ================= bus master IDE ================= */

static void read_dma_fills_ram_through_the_prd_table_and_sets_the_interrupt_bit(struct test_ctx *t)
{
    struct rig *r = disk_rig(1024);
    put_prd(r, 0x1000, 0x10000, 1024, false);
    put_prd(r, 0x1008, 0x20000, 2048, true);
    bm_setup(r, 0, 0x1000, true);
    lba28(r, PRI, 200, 6);
    command(r, PRI, 0xC8);
    CHECK_EQ(t, r->irq[14], 0);             /* waiting for the engine */
    bm_start(r, 0, true);
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, bm_status(r, 0) & (BM_ST_INTR | BM_ST_ACTIVE), BM_ST_INTR);
    outb(r, BMIBA, BM_CMD_WRITE);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    CHECK(t, same_as_disk(r->mem->ram + 0x10000, 200, 1024));
    CHECK(t, same_as_disk(r->mem->ram + 0x20000, 202, 2048));
    outb(r, BMIBA + BM_STATUS, BM_ST_INTR);
    CHECK_EQ(t, bm_status(r, 0) & BM_ST_INTR, 0);
    rig_free(r);
}

static void write_dma_ext_takes_ram_into_the_image(struct test_ctx *t)
{
    struct rig *r = disk_rig(1024);
    for (int k = 0; k < 1024; k++)
        r->mem->ram[0x30000 + k] = (uint8_t)(k * 11);
    put_prd(r, 0x1000, 0x30000, 1024, true);
    bm_setup(r, 0, 0x1000, false);
    bm_start(r, 0, false);
    lba48(r, PRI, 500, 2);
    command(r, PRI, 0x35);
    CHECK_EQ(t, r->irq[14], 1);
    CHECK_EQ(t, inb(r, PRI + 7), ATA_SR_DRDY | ATA_SR_DSC);
    uint8_t back[1024];
    read_file(r->disk, 500 * 512, back, 1024);
    CHECK(t, memcmp(back, r->mem->ram + 0x30000, 1024) == 0);
    rig_free(r);
}

static void a_prd_past_the_end_of_ram_writes_nothing_outside_it(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    put_prd(r, 0x1000, RAM_SIZE - 512, 1024, false);
    put_prd(r, 0x1008, 0xFFFFFE00u, 1024, true);   /* would wrap past 4 GiB */
    bm_setup(r, 0, 0x1000, true);
    bm_start(r, 0, true);
    lba28(r, PRI, 0, 4);
    command(r, PRI, 0xC8);
    CHECK(t, same_as_disk(r->mem->ram + RAM_SIZE - 512, 0, 512));
    bool low_untouched = true;
    for (uint32_t k = 0; k < 0x1000; k++)
        low_untouched = low_untouched && r->mem->ram[k] == 0;
    CHECK(t, low_untouched);
    /* 1024 + 512 bytes of table for 2048 wanted: the table ran out. */
    CHECK_EQ(t, bm_status(r, 0) & (BM_ST_ACTIVE | BM_ST_INTR), 0);
    CHECK_EQ(t, r->irq[14], 0);
    rig_free(r);
}

static void a_table_longer_than_the_transfer_leaves_the_engine_active(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    put_prd(r, 0x1000, 0x8000, 4096, true);
    bm_setup(r, 0, 0x1000, true);
    bm_start(r, 0, true);
    lba28(r, PRI, 1, 2);
    command(r, PRI, 0xC8);
    CHECK_EQ(t, bm_status(r, 0) & (BM_ST_ACTIVE | BM_ST_INTR), BM_ST_ACTIVE | BM_ST_INTR);
    CHECK(t, same_as_disk(r->mem->ram + 0x8000, 1, 1024));
    outb(r, BMIBA, 0);
    CHECK_EQ(t, bm_status(r, 0) & BM_ST_ACTIVE, 0);
    rig_free(r);
}

static void a_prd_byte_count_of_zero_means_64_kib(struct test_ctx *t)
{
    struct rig *r = disk_rig(256);
    put_prd(r, 0x1000, 0x100000, 0, true);
    bm_setup(r, 0, 0x1000, true);
    bm_start(r, 0, true);
    lba28(r, PRI, 0, 128);
    command(r, PRI, 0xC8);
    CHECK_EQ(t, bm_status(r, 0) & (BM_ST_ACTIVE | BM_ST_INTR), BM_ST_INTR);
    CHECK(t, same_as_disk(r->mem->ram + 0x100000, 0, 65536));
    rig_free(r);
}

static void atapi_read_10_runs_by_dma_when_the_packet_asks(struct test_ctx *t)
{
    struct rig *r = cd_rig(32);
    clear_unit_attention(r, SEC);
    put_prd(r, 0x2000, 0x40000, 3 * 2048, true);
    bm_setup(r, 1, 0x2000, true);
    const uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 5, 0, 0, 3 };
    packet(r, SEC, cdb, 0xFFFE, true);
    bm_start(r, 1, true);
    CHECK_EQ(t, r->irq[15], 1);
    CHECK_EQ(t, bm_status(r, 1) & (BM_ST_ACTIVE | BM_ST_INTR), BM_ST_INTR);
    CHECK_EQ(t, inb(r, SEC + 7), ATA_SR_DRDY);
    bool same = true;
    for (uint32_t k = 0; k < 3 * 2048; k++)
        same = same && r->mem->ram[0x40000 + k] == cd_pattern(5 * 2048 + k);
    CHECK(t, same);
    rig_free(r);
}

static void the_legacy_ports_decode_only_with_io_space_and_idetim_enabled(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    pci_config_write(r->pci, IDE_DEVFN, PIIX_IDETIM_PRI, 0, 2);
    outb(r, PRI + 2, 0x12);
    CHECK_EQ(t, inb(r, PRI + 2), 0xFF);
    pci_config_write(r->pci, IDE_DEVFN, PIIX_IDETIM_PRI, PIIX_IDETIM_IDE, 2);
    outb(r, PRI + 2, 0x12);
    CHECK_EQ(t, inb(r, PRI + 2), 0x12);
    pci_config_write(r->pci, IDE_DEVFN, PCI_COMMAND, 0, 2);
    CHECK_EQ(t, inb(r, PRI + 2), 0xFF);
    CHECK_EQ(t, pci_config_read(r->pci, IDE_DEVFN, 0, 4), 0x70108086);
    CHECK_EQ(t, pci_config_read(r->pci, IDE_DEVFN, PCI_CLASS_PROG, 1), 0x80);
    rig_free(r);
}

static void a_transfer_resumes_after_a_state_save_and_load(struct test_ctx *t)
{
    struct rig *r = disk_rig(64);
    lba28(r, PRI, 10, 2);
    command(r, PRI, 0x20);
    uint8_t buf[1024];
    read_data(r, PRI, buf, 256);
    struct device_list list = { 0 };
    device_add(&list, &piix_ide_ops, r->ide);
    size_t len = devices_save(&list, NULL, 0);
    uint8_t *image = malloc(len);
    devices_save(&list, image, len);
    piix_ide_ops.reset(r->ide);
    CHECK_EQ(t, inb(r, PRI + 2), 0xFF);     /* reset: the ports no longer decode */
    CHECK_EQ(t, devices_load(&list, image, len), 0);
    read_data(r, PRI, buf + 256, 256);
    settle(r);
    read_data(r, PRI, buf + 512, 512);
    CHECK(t, same_as_disk(buf, 10, 1024));
    free(image);
    rig_free(r);
}

static const struct test tests[] = {
    TEST(identify_reports_the_chs_translation_and_both_lba_capacities),
    TEST(identify_strings_are_ata_strings_high_byte_first),
    TEST(identify_advertises_multiword_dma_2_and_udma_and_shows_the_mode_set),
    TEST(a_large_disk_caps_the_chs_geometry_and_the_lba28_capacity),
    TEST(read_sectors_returns_the_image_bytes_with_an_interrupt_per_sector),
    TEST(read_sectors_takes_32_bit_data_port_reads),
    TEST(write_sectors_reaches_the_image_file),
    TEST(lba48_reads_and_writes_sectors_past_the_28_bit_limit),
    TEST(chs_addresses_use_16_heads_and_63_sectors),
    TEST(initialize_device_parameters_changes_the_chs_translation),
    TEST(read_multiple_moves_blocks_of_the_multiple_count),
    TEST(read_multiple_aborts_until_set_multiple_mode),
    TEST(a_read_past_the_end_sets_err_and_idnf),
    TEST(snapshot_keeps_the_image_file_byte_for_byte),
    TEST(flush_cache_completes_and_the_data_is_in_the_file),
    TEST(a_write_to_a_read_only_disk_aborts),
    TEST(srst_puts_the_ata_and_atapi_signatures_in_the_registers),
    TEST(nien_keeps_the_interrupt_off_the_line),
    TEST(alternate_status_leaves_the_interrupt_pending),
    TEST(an_absent_slave_reads_status_0_and_an_empty_channel_floats),
    TEST(check_power_mode_reports_standby_after_standby_immediate),
    TEST(execute_device_diagnostic_reports_code_1_and_interrupts),
    TEST(seek_checks_the_address),
    TEST(identify_packet_device_aborts_on_a_disk),
    TEST(identify_packet_device_describes_a_removable_cdrom),
    TEST(identify_device_on_the_cdrom_aborts_leaving_its_signature),
    TEST(the_first_command_after_power_on_reports_a_unit_attention_once),
    TEST(read_10_returns_2048_byte_sectors_of_the_iso),
    TEST(the_byte_count_limit_cuts_the_data_into_drq_blocks),
    TEST(request_sense_after_a_bad_lba_reports_lba_out_of_range),
    TEST(read_capacity_gives_the_last_lba_and_the_block_size),
    TEST(read_toc_lists_track_1_and_the_lead_out_in_lba_and_msf),
    TEST(mode_sense_returns_the_capabilities_and_error_recovery_pages),
    TEST(get_configuration_reports_the_cdrom_profile),
    TEST(get_event_status_notification_polls_the_media_class),
    TEST(a_locked_tray_will_not_eject_and_an_open_one_has_no_medium),
    TEST(inquiry_names_a_removable_cd_device),
    TEST(read_disc_information_describes_a_finished_disc),
    TEST(read_dma_fills_ram_through_the_prd_table_and_sets_the_interrupt_bit),
    TEST(write_dma_ext_takes_ram_into_the_image),
    TEST(a_prd_past_the_end_of_ram_writes_nothing_outside_it),
    TEST(a_table_longer_than_the_transfer_leaves_the_engine_active),
    TEST(a_prd_byte_count_of_zero_means_64_kib),
    TEST(atapi_read_10_runs_by_dma_when_the_packet_asks),
    TEST(the_legacy_ports_decode_only_with_io_space_and_idetim_enabled),
    TEST(a_transfer_resumes_after_a_state_save_and_load),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("ata", tests);
    const struct suite *suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
