/* What the devices report to -d unimp (trace_unimp): a board put together
 * as devices/pc.c does it, handed a CPU whose debugger traces "unimp" into
 * a recorder through devices_set_cpu, then poked through its ports and
 * registers. Each test checks that a feature a device lacks is reported,
 * once, in hardware terms; that its neighbours that work (or that the
 * hardware itself refuses) are not; and that the device still answers as
 * before. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu.h"
#include "debugger.h"
#include "device.h"
#include "fw_cfg.h"
#include "harness.h"
#include "i8042_kbc.h"
#include "i82077_fdc.h"
#include "i8237_dma.h"
#include "i8254_pit.h"
#include "i8259_pic.h"
#include "lapic.h"
#include "mc146818_rtc.h"
#include "ns16550_uart.h"
#include "pci.h"
#include "piix3.h"
#include "piix4_pm.h"
#include "piix_ide.h"
#include "port61.h"
#include "vga.h"

#define RAM_SIZE (8u << 20)
#define IDE_DEVFN PCI_DEVFN(1, 1)
#define PM_DEVFN PCI_DEVFN(1, 3)
#define ISA_DEVFN PCI_DEVFN(1, 0)
#define PRI 0x1F0u
#define SEC 0x170u
#define PMBA 0x600u
#define SMBBA 0x700u
#define MAX_REPORTS 300

/* ---- the recorder behind the debugger ---- */

struct reports {
    char text[MAX_REPORTS][256];
    unsigned n;
};

static void record(void *opaque, const char *site, const char *message)
{
    struct reports *r = opaque;
    (void)site;
    if (r->n < MAX_REPORTS)
        snprintf(r->text[r->n++], sizeof r->text[0], "%s", message);
}

static const struct dbg_trace_ops recorder_ops = { .unimp = record };

/* ---- the board ---- */

struct board {
    struct io_bus io;
    struct phys_mem *mem;
    struct clock clock;
    uint64_t now;
    struct device_list devs;
    struct irq_line isa_irq[16];        /* going nowhere */
    struct pci_bus *pci;
    struct i8259_pair *pic;
    struct lapic *lapic;
    struct i8254 *pit;
    struct mc146818 *rtc;
    struct piix3 *isa;
    struct piix4_pm *pm;
    struct fw_cfg *fw;
    struct i8042 *kbc;
    struct i8237_pair *dma;
    struct i82077 *fdc;
    struct piix_ide *ide;
    struct vga *vga;
    char disk[64], cd[64];
    /* The CPU (on a memory of its own) whose debugger hears the reports. */
    struct phys_mem *cpu_mem;
    struct cpu *cpu;
    struct debugger *dbg;
    struct reports reports;
};

static void add(struct board *b, const struct device_ops *ops, void *dev)
{
    if (!dev || device_add(&b->devs, ops, dev) < 0)
        abort();
}

static void blank_image(char *path, size_t size)
{
    snprintf(path, 64, "/tmp/ember-unimp-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
        abort();
    close(fd);
}

/* A disk on the primary master, a CD-ROM drive with a disc on the
 * secondary master, both channels decoding. */
static void add_ide(struct board *b)
{
    const struct irq_line lines[2] = { b->isa_irq[14], b->isa_irq[15] };
    b->ide = piix_ide_create(b->pci, IDE_DEVFN, &b->io, b->mem, &b->clock, lines);
    add(b, &piix_ide_ops, b->ide);
    blank_image(b->disk, 64 * 512);
    blank_image(b->cd, 16 * 2048);
    ata_attach(&b->ide->ch[0], 0, ATA_DISK,
               blockdev_open(b->disk, BLOCKDEV_DISK, false, true, stderr));
    ata_attach(&b->ide->ch[1], 0, ATA_CDROM,
               blockdev_open(b->cd, BLOCKDEV_CDROM, true, false, stderr));
    pci_config_write(b->pci, IDE_DEVFN, PCI_COMMAND, PCI_COMMAND_IO, 2);
    pci_config_write(b->pci, IDE_DEVFN, PIIX_IDETIM_PRI, PIIX_IDETIM_IDE, 2);
    pci_config_write(b->pci, IDE_DEVFN, PIIX_IDETIM_SEC, PIIX_IDETIM_IDE, 2);
}

static void add_chipset(struct board *b)
{
    b->pic = i8259_create(&b->io);
    add(b, &i8259_ops, b->pic);
    const struct lapic_wiring wiring = { 0 };
    b->lapic = lapic_create(b->mem, &b->clock, &wiring);
    add(b, &lapic_ops, b->lapic);
    b->pit = i8254_create(&b->io, &b->clock, b->isa_irq[0]);
    add(b, &i8254_ops, b->pit);
    add(b, &port61_ops, port61_create(&b->io, &b->clock, b->pit));
    b->rtc = mc146818_create(&b->io, &b->clock, b->isa_irq[8]);
    add(b, &mc146818_ops, b->rtc);
    b->pci = pci_bus_create(&b->io, b->mem);
    add(b, &pci_bus_ops, b->pci);
    b->isa = piix3_create(b->pci, b->isa_irq, NULL, NULL);
    add(b, &piix3_ops, b->isa);
    b->pm = piix4_pm_create(b->pci, PM_DEVFN, &b->io, &b->clock, b->isa_irq[9], NULL, NULL);
    add(b, &piix4_pm_ops, b->pm);
    b->fw = fw_cfg_create(&b->io, b->mem);
    add(b, &fw_cfg_ops, b->fw);
}

static void add_isa_devices(struct board *b)
{
    b->kbc = i8042_create(&b->devs, &b->io, b->mem, true, true, b->isa_irq[1], b->isa_irq[12],
                          NULL, NULL);
    if (!b->kbc || !ns16550_create(&b->devs, &b->io, 0, b->isa_irq[4], &b->clock, NULL, NULL))
        abort();
    b->dma = i8237_create(&b->io, b->mem);
    add(b, &i8237_pair_ops, b->dma);
    b->fdc = i82077_create(&b->io, &b->clock, b->isa_irq[6], b->dma);
    add(b, &i82077_ops, b->fdc);
}

static struct board *board_new(void)
{
    struct board *b = calloc(1, sizeof *b);
    io_bus_init(&b->io);
    b->mem = phys_mem_create(RAM_SIZE);
    clock_init(&b->clock);
    add_chipset(b);
    add_isa_devices(b);
    add_ide(b);
    const struct vga_config vc = { .io = &b->io, .mem = b->mem, .pci = b->pci, .clock = &b->clock };
    b->vga = vga_create(&vc);
    add(b, &vga_device_ops, b->vga);
    b->cpu_mem = phys_mem_create(1u << 20);
    b->cpu = cpu_create(b->cpu_mem, NULL);
    b->dbg = debugger_create(b->cpu);
    debugger_set_trace(b->dbg, DBG_TRACE_UNIMP, &recorder_ops, &b->reports);
    devices_set_cpu(&b->devs, b->cpu);
    return b;
}

static void board_free(struct board *b)
{
    devices_destroy(&b->devs);
    phys_mem_destroy(b->mem);
    debugger_destroy(b->dbg);
    cpu_destroy(b->cpu);
    phys_mem_destroy(b->cpu_mem);
    unlink(b->disk);
    unlink(b->cd);
    free(b);
}

/* How many reports contain text. */
static unsigned reported(const struct board *b, const char *text)
{
    unsigned n = 0;
    for (unsigned k = 0; k < b->reports.n; k++)
        n += strstr(b->reports.text[k], text) != NULL;
    return n;
}

/* The reports so far, under a failed check. */
static void show_reports(struct test_ctx *t, const struct board *b)
{
    for (unsigned k = 0; k < b->reports.n; k++)
        test_note(t, "report: %s", b->reports.text[k]);
}

#define CHECK_REPORTED(t, b, text, times)                 \
    do {                                                  \
        if (!CHECK_EQ(t, reported(b, text), times))      \
            show_reports(t, b);                           \
    } while (0)

static void outb(struct board *b, uint32_t port, uint8_t v)
{
    io_write(&b->io, port, v, 1);
}

static uint8_t inb(struct board *b, uint32_t port)
{
    return (uint8_t)io_read(&b->io, port, 1);
}

/* Long enough for any device's command delay. */
static void settle(struct board *b)
{
    uint64_t target = b->now + 500000;
    while (clock_next_deadline(&b->clock) <= target) {
        b->now = clock_next_deadline(&b->clock);
        clock_sync(&b->clock, b->now);
        clock_run_timers(&b->clock);
    }
    b->now = target;
    clock_sync(&b->clock, b->now);
}

/* ---- ATA and ATAPI ---- */

static void ata_command(struct board *b, uint32_t base, uint8_t cmd)
{
    outb(b, base + 6, 0xE0);
    outb(b, base + 7, cmd);
    settle(b);
}

static void an_ata_command_the_disk_lacks_is_reported_once_per_opcode(struct test_ctx *t)
{
    struct board *b = board_new();
    ata_command(b, PRI, 0xF2);
    ata_command(b, PRI, 0xF2);
    CHECK_EQ(t, inb(b, PRI + 7) & ATA_SR_ERR, ATA_SR_ERR);
    CHECK_EQ(t, inb(b, PRI + 1), ATA_ER_ABRT);
    ata_command(b, PRI, 0xB0);
    ata_command(b, PRI, 0x00);             /* NOP: aborted by every device */
    ata_command(b, PRI, 0x08);             /* DEVICE RESET: a disk aborts it */
    ata_command(b, PRI, 0xEC);             /* IDENTIFY DEVICE: works */
    CHECK_REPORTED(t, b, "ATA command f2h (SECURITY UNLOCK) to the disk is not implemented: "
                         "aborted", 1);
    CHECK_REPORTED(t, b, "ATA command b0h (SMART) to the disk", 1);
    CHECK_EQ(t, b->reports.n, 2);
    board_free(b);
}

static void an_ata_command_the_cd_rom_drive_aborts_as_a_packet_device_is_not_reported(
    struct test_ctx *t)
{
    struct board *b = board_new();
    ata_command(b, SEC, 0xEC);             /* IDENTIFY DEVICE: a packet device aborts it */
    ata_command(b, SEC, 0x20);             /* READ SECTORS: likewise */
    CHECK_EQ(t, inb(b, SEC + 1), ATA_ER_ABRT);
    CHECK_EQ(t, b->reports.n, 0);
    ata_command(b, SEC, 0xDA);
    CHECK_REPORTED(t, b, "ATA command dah (GET MEDIA STATUS) to the ATAPI CD-ROM drive", 1);
    board_free(b);
}

static void a_set_features_subcommand_the_drive_lacks_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, PRI + 1, 0x02);                /* enable the write cache: works */
    ata_command(b, PRI, 0xEF);
    CHECK_EQ(t, inb(b, PRI + 7) & ATA_SR_ERR, 0);
    outb(b, PRI + 1, 0x05);
    ata_command(b, PRI, 0xEF);
    CHECK_EQ(t, inb(b, PRI + 1), ATA_ER_ABRT);
    CHECK_REPORTED(t, b, "ATA SET FEATURES subcommand 05h (enable advanced power management) "
                         "is not implemented: aborted", 1);
    CHECK_EQ(t, b->reports.n, 1);
    board_free(b);
}

static void packet(struct board *b, const uint8_t cdb[12])
{
    outb(b, SEC + 1, 0);
    outb(b, SEC + 4, 0xFE);
    outb(b, SEC + 5, 0xFF);
    ata_command(b, SEC, 0xA0);
    for (int k = 0; k < 12; k += 2)
        io_write(&b->io, SEC, (uint32_t)(cdb[k] | cdb[k + 1] << 8), 2);
    settle(b);
}

/* TEST UNIT READY until the power-on unit attention is gone. */
static void atapi_ready(struct board *b)
{
    const uint8_t tur[12] = { 0x00 };
    packet(b, tur);
    packet(b, tur);
}

static void an_atapi_packet_command_the_drive_lacks_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    atapi_ready(b);
    const uint8_t read_cd[12] = { 0xBE, 0, 0, 0, 0, 0, 0, 0, 1, 0x10 };
    packet(b, read_cd);
    packet(b, read_cd);
    CHECK_EQ(t, inb(b, SEC + 7) & ATA_SR_ERR, ATA_SR_ERR);
    const uint8_t write10[12] = { 0x2A, 0, 0, 0, 0, 0, 0, 0, 1 };
    packet(b, write10);                    /* a read-only drive refuses it rightly */
    CHECK_REPORTED(t, b, "ATAPI packet command beh (READ CD) is not implemented: CHECK "
                         "CONDITION, invalid opcode", 1);
    CHECK_EQ(t, b->reports.n, 1);
    board_free(b);
}

static void a_toc_format_or_mode_page_the_drive_lacks_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    atapi_ready(b);
    const uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 0xFF };         /* format 0: works */
    packet(b, toc);
    const uint8_t atip[12] = { 0x43, 0, 0x04, 0, 0, 0, 0, 0, 0xFF };
    packet(b, atip);
    const uint8_t page_2a[12] = { 0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 0xFF };  /* works */
    packet(b, page_2a);
    const uint8_t page_0d[12] = { 0x5A, 0, 0x0D, 0, 0, 0, 0, 0, 0xFF };
    packet(b, page_0d);
    CHECK_REPORTED(t, b, "ATAPI READ TOC/PMA/ATIP format 4 (ATIP) is not implemented", 1);
    CHECK_REPORTED(t, b, "ATAPI MODE SENSE page 0dh is not implemented", 1);
    CHECK_EQ(t, b->reports.n, 2);
    board_free(b);
}

/* ---- interrupt controllers ---- */

static void init_8259(struct board *b, uint32_t port, uint8_t icw1, uint8_t icw4)
{
    outb(b, port, icw1);
    outb(b, port + 1, port == 0x20 ? 0x08 : 0x70);
    outb(b, port + 1, port == 0x20 ? 0x04 : 0x02);
    if (icw1 & 0x01)
        outb(b, port + 1, icw4);
}

static void the_8259_reports_mcs80_mode(struct test_ctx *t)
{
    struct board *b = board_new();
    init_8259(b, 0x20, 0x11, 0x01);        /* as a PC BIOS does */
    init_8259(b, 0xA0, 0x11, 0x01);
    CHECK_EQ(t, b->reports.n, 0);
    init_8259(b, 0x20, 0x11, 0x00);
    init_8259(b, 0xA0, 0x10, 0);
    CHECK_REPORTED(t, b, "8259 master ICW4 00h selects MCS-80/85 mode (uPM = 0), which is not "
                         "implemented: 8086 mode", 1);
    CHECK_REPORTED(t, b, "8259 slave ICW1 10h without ICW4 (IC4 = 0) selects MCS-80/85 mode", 1);
    CHECK_EQ(t, inb(b, 0x21), 0);          /* OCW1 after the ICWs: the mask, as before */
    board_free(b);
}

static void the_local_apic_reports_smi_remote_read_and_the_performance_counter_entry(
    struct test_ctx *t)
{
    struct board *b = board_new();
    lapic_write(b->lapic, APIC_SVR, 0x1FF);
    lapic_write(b->lapic, APIC_LVT_PERF, APIC_LVT_MASKED | APIC_DM_NMI << 8);
    lapic_write(b->lapic, APIC_LVT_TIMER, 0x30);
    CHECK_EQ(t, b->reports.n, 0);
    lapic_write(b->lapic, APIC_LVT_PERF, APIC_DM_NMI << 8);
    lapic_write(b->lapic, APIC_ICR_LOW, 1u << APIC_SHORTHAND_SHIFT | APIC_DM_SMI << 8);
    lapic_write(b->lapic, APIC_ICR_LOW, 1u << APIC_SHORTHAND_SHIFT | APIC_DM_REMOTE_READ << 8);
    const struct apic_message smi = { .delivery = APIC_DM_SMI, .dest = 0 };
    CHECK(t, lapic_accept_message(b->lapic, &smi));
    CHECK_REPORTED(t, b, "local APIC LVT performance counter entry 00000400h unmasked: counter "
                         "overflow interrupts are not implemented", 1);
    CHECK_REPORTED(t, b, "local APIC: an SMI IPI (ICR 00040200h) is not implemented", 1);
    CHECK_REPORTED(t, b, "local APIC: a remote read IPI (ICR 00040300h) is not implemented", 1);
    CHECK_REPORTED(t, b, "local APIC: an SMI message (I/O APIC vector 00h) is not implemented", 1);
    CHECK_EQ(t, b->reports.n, 4);
    board_free(b);
}

/* ---- keyboard controller, keyboard, mouse ---- */

static void unknown_commands_of_the_keyboard_controller_and_its_devices_are_reported(
    struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0x64, 0xAA);                   /* self test: works */
    inb(b, 0x60);
    outb(b, 0x64, 0xA5);
    outb(b, 0x64, 0xC1);
    outb(b, 0x64, 0xC1);
    outb(b, 0x60, 0xF2);                   /* keyboard: identify, works */
    outb(b, 0x60, 0xEF);
    outb(b, 0x64, 0xD4);
    outb(b, 0x60, 0xE1);
    CHECK_REPORTED(t, b, "i8042 controller command a5h (load security password) is not "
                         "implemented: ignored", 1);
    CHECK_REPORTED(t, b, "i8042 controller command c1h (poll input port low nibble)", 1);
    CHECK_REPORTED(t, b, "PS/2 keyboard command efh is not implemented: answered FEh (resend)",
                   1);
    CHECK_REPORTED(t, b, "PS/2 mouse command e1h (TrackPoint read secondary ID) is not "
                         "implemented", 1);
    CHECK_EQ(t, b->reports.n, 4);
    board_free(b);
}

/* ---- the other ISA chips ---- */

static void a_break_on_the_serial_line_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0x3FB, 0x03);                  /* 8N1 */
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, 0x3FB, 0x43);
    CHECK_EQ(t, inb(b, 0x3FB), 0x43);
    CHECK_REPORTED(t, b, "16550 UART LCR 43h sets break control (bit 6), which is not "
                         "implemented", 1);
    board_free(b);
}

static void an_rtc_divider_other_than_32_khz_or_reset_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0x70, RTC_REG_A);
    outb(b, 0x71, 0x70);                   /* divider chain held in reset */
    outb(b, 0x71, 0x26);                   /* 32.768 kHz */
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, 0x71, 0x16);
    CHECK_REPORTED(t, b, "MC146818 register A 16h selects divider DV2-DV0 = 001b (1.048576 MHz "
                         "time base), which is not implemented: the clock stands still", 1);
    board_free(b);
}

static void dma_transfers_no_device_asks_for_are_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0xD6, 0xC0);                   /* channel 4 cascades the first chip */
    outb(b, 0x0B, 0x46);                   /* channel 2: single, write to memory */
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, 0x08, 0x01);
    outb(b, 0x09, 0x05);
    outb(b, 0x0B, 0xC1);
    CHECK_REPORTED(t, b, "8237 DMA 1 command register 01h enables memory-to-memory transfers", 1);
    CHECK_REPORTED(t, b, "8237 DMA software request (request register 05h) on channel 1 is not "
                         "implemented", 1);
    CHECK_REPORTED(t, b, "8237 DMA cascade mode (mode register c1h) on channel 1", 1);
    CHECK_EQ(t, b->reports.n, 3);
    board_free(b);
}

static void a_floppy_command_of_the_82077aa_the_model_lacks_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0x3F2, 0x0C);
    outb(b, 0x3F5, 0x10);                  /* VERSION: works */
    CHECK_EQ(t, inb(b, 0x3F5), 0x90);
    outb(b, 0x3F5, 0x1F);                  /* no such command on the chip */
    CHECK_EQ(t, inb(b, 0x3F5), 0x80);
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, 0x3F5, 0x4C);
    CHECK_EQ(t, inb(b, 0x3F5), 0x80);
    CHECK_REPORTED(t, b, "82077AA floppy command 4ch (READ DELETED DATA) is not implemented: "
                         "answered invalid (ST0 80h)", 1);
    board_free(b);
}

static void the_pc_speaker_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0x61, 0x01);                   /* counter 2 gated, speaker off */
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, 0x61, 0x03);
    CHECK_REPORTED(t, b, "PC speaker (port 61h 03h: counter 2 gated, its output to the speaker) "
                         "is not implemented: no sound", 1);
    board_free(b);
}

/* ---- PCI functions ---- */

static void sleep_states_smis_and_smbus_devices_of_the_piix4_are_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    pci_config_write(b->pci, PM_DEVFN, PIIX4_PM_PMBA, PMBA | 1, 4);
    pci_config_write(b->pci, PM_DEVFN, PIIX4_PM_PMREGMISC, 0x01, 1);
    pci_config_write(b->pci, PM_DEVFN, PIIX4_PM_SMBBA, SMBBA | 1, 4);
    pci_config_write(b->pci, PM_DEVFN, PIIX4_PM_SMBHSTCFG, 0x09, 1);
    pci_config_write(b->pci, PM_DEVFN, PCI_COMMAND, PCI_COMMAND_IO, 2);
    outb(b, PIIX4_APM_PORT, 0xF1);         /* ACPI enable: done without SMM */
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, PIIX4_APM_PORT, 0x55);
    io_write(&b->io, PMBA + PM_PMCNTRL, PMCNTRL_SUS_EN | 1u << 10, 2);
    io_write(&b->io, PMBA + PM_PMCNTRL, PMCNTRL_GBL_RLS, 2);
    outb(b, SMBBA + SMB_HSTADD, 0x50 << 1 | 1);
    outb(b, SMBBA + SMB_HSTCNT, SMBHSTCNT_START | 0x08);
    CHECK_EQ(t, inb(b, SMBBA + SMB_HSTSTS) & SMBHSTSTS_DEV_ERR, SMBHSTSTS_DEV_ERR);
    CHECK_REPORTED(t, b, "APM control port (B2h) command 55h: the SMI it raises is not "
                         "implemented", 1);
    CHECK_REPORTED(t, b, "PIIX4 PMCNTRL SUS_EN with SUS_TYP 1 (a sleep state other than "
                         "soft-off) is not implemented: the machine runs on", 1);
    CHECK_REPORTED(t, b, "PIIX4 PMCNTRL GBL_RLS: the SMI it raises for the BIOS is not "
                         "implemented", 1);
    CHECK_REPORTED(t, b, "PIIX4 SMBus transaction to address 50h: no SMBus device", 1);
    CHECK_EQ(t, b->reports.n, 4);
    board_free(b);
}

static void moving_the_io_apic_through_the_piix3_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    pci_config_write(b->pci, ISA_DEVFN, 0x80, 0x00, 1);
    CHECK_EQ(t, b->reports.n, 0);
    pci_config_write(b->pci, ISA_DEVFN, 0x80, 0x05, 1);
    CHECK_REPORTED(t, b, "PIIX3 APICBASE 05h moves the I/O APIC to fec01400h, which is not "
                         "implemented: it stays at FEC00000h", 1);
    board_free(b);
}

static void scan_out_features_the_vga_does_not_draw_are_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    outb(b, 0x3B4, 0x17);
    outb(b, 0x3B5, 0xA3);                  /* mode 3's Mode Control */
    CHECK_EQ(t, b->reports.n, 0);
    outb(b, 0x3B5, 0xAB);
    outb(b, 0x3C4, 0x01);
    outb(b, 0x3C5, 0x14);
    CHECK_REPORTED(t, b, "VGA CRTC Mode Control abh: Count By Two (bit 3) not implemented", 1);
    CHECK_REPORTED(t, b, "VGA sequencer Clocking Mode 14h: Shift Load (bit 2) Shift 4 (bit 4) "
                         "not implemented", 1);
    board_free(b);
}

/* A FWCfgDmaAccess at 0x1000, started by the write of its address. */
static void fw_cfg_dma(struct board *b, uint32_t control)
{
    uint8_t access[16] = { (uint8_t)(control >> 24), (uint8_t)(control >> 16),
                           (uint8_t)(control >> 8), (uint8_t)control, 0, 0, 0, 4,
                           0, 0, 0, 0, 0, 0, 0x20, 0 };
    phys_write_block(b->mem, 0x1000, access, sizeof access);
    io_write(&b->io, FW_CFG_PORT_DMA + 4, 0x00100000, 4);  /* 00001000h, big endian */
}

static void a_fw_cfg_dma_write_is_reported(struct test_ctx *t)
{
    struct board *b = board_new();
    fw_cfg_dma(b, (uint32_t)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
    CHECK_EQ(t, b->reports.n, 0);
    fw_cfg_dma(b, (uint32_t)FW_CFG_FILE_FIRST << 16 | FW_CFG_DMA_CTL_SELECT |
                      FW_CFG_DMA_CTL_WRITE);
    CHECK_EQ(t, phys_read(b->mem, 0x1000, 1), 0);
    CHECK_EQ(t, phys_read(b->mem, 0x1003, 1), FW_CFG_DMA_CTL_ERROR);
    CHECK_REPORTED(t, b, "fw_cfg DMA write of 4 bytes to item 0020h is not implemented", 1);
    board_free(b);
}

/* ---- the trace itself ---- */

static void nothing_is_reported_while_the_unimp_trace_is_off_or_without_a_cpu(
    struct test_ctx *t)
{
    struct board *b = board_new();
    debugger_set_trace(b->dbg, DBG_TRACE_IO, &recorder_ops, &b->reports);
    outb(b, 0x64, 0xA5);
    outb(b, 0x08, 0x01);
    devices_set_cpu(&b->devs, NULL);
    debugger_set_trace(b->dbg, DBG_TRACE_UNIMP, &recorder_ops, &b->reports);
    outb(b, 0x64, 0xA6);
    ata_command(b, PRI, 0xF2);
    CHECK_EQ(t, b->reports.n, 0);
    devices_set_cpu(&b->devs, b->cpu);     /* the first report of its kind now */
    outb(b, 0x64, 0xA6);
    CHECK_REPORTED(t, b, "i8042 controller command a6h", 1);
    board_free(b);
}

static void past_256_kinds_of_report_one_line_says_the_rest_are_left_out(struct test_ctx *t)
{
    struct board *b = board_new();
    for (unsigned v = 0; v < 0xED; v++)    /* 237 bytes the keyboard does not know */
        outb(b, 0x60, (uint8_t)v);
    for (unsigned v = 0x80; v < 0xA4; v++) /* 36 controller commands */
        outb(b, 0x64, (uint8_t)v);
    outb(b, 0x64, 0xE0);
    CHECK_EQ(t, b->reports.n, 257);
    CHECK_REPORTED(t, b, "the rest are not reported", 1);
    CHECK(t, strstr(b->reports.text[256], "the rest are not reported") != NULL);
    board_free(b);
}

int main(int argc, char **argv)
{
    static const struct test ata[] = {
        TEST(an_ata_command_the_disk_lacks_is_reported_once_per_opcode),
        TEST(an_ata_command_the_cd_rom_drive_aborts_as_a_packet_device_is_not_reported),
        TEST(a_set_features_subcommand_the_drive_lacks_is_reported),
        TEST(an_atapi_packet_command_the_drive_lacks_is_reported),
        TEST(a_toc_format_or_mode_page_the_drive_lacks_is_reported),
    };
    static const struct test chips[] = {
        TEST(the_8259_reports_mcs80_mode),
        TEST(the_local_apic_reports_smi_remote_read_and_the_performance_counter_entry),
        TEST(unknown_commands_of_the_keyboard_controller_and_its_devices_are_reported),
        TEST(a_break_on_the_serial_line_is_reported),
        TEST(an_rtc_divider_other_than_32_khz_or_reset_is_reported),
        TEST(dma_transfers_no_device_asks_for_are_reported),
        TEST(a_floppy_command_of_the_82077aa_the_model_lacks_is_reported),
        TEST(the_pc_speaker_is_reported),
        TEST(sleep_states_smis_and_smbus_devices_of_the_piix4_are_reported),
        TEST(moving_the_io_apic_through_the_piix3_is_reported),
        TEST(scan_out_features_the_vga_does_not_draw_are_reported),
        TEST(a_fw_cfg_dma_write_is_reported),
    };
    static const struct test trace[] = {
        TEST(nothing_is_reported_while_the_unimp_trace_is_off_or_without_a_cpu),
        TEST(past_256_kinds_of_report_one_line_says_the_rest_are_left_out),
    };
    static const struct suite ata_suite = SUITE("unimp: ATA and ATAPI", ata);
    static const struct suite chip_suite = SUITE("unimp: the other chips", chips);
    static const struct suite trace_suite = SUITE("unimp: the trace", trace);
    const struct suite *suites[] = { &ata_suite, &chip_suite, &trace_suite };
    return harness_run(argc, argv, suites, 3);
}
