/* PCI bus 0 at the register level: configuration mechanism #1 through
 * ports 0xCF8/0xCFC, type 0 headers and their BARs mapped on a real I/O bus
 * and physical memory map, the expansion ROM, INTx through the PIIX3's
 * PIRQ routing, and the PIIX3's reset control register at 0xCF9. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pci.h"
#include "piix3.h"

/* ---- the rig: a bus, a PIIX3 and a test device in slot 3 ---- */

struct irq_probe {
    int level[16];
};

static void probe_set(void *opaque, int n, int level)
{
    struct irq_probe *p = opaque;
    p->level[n] = level;
}

/* A device with an I/O BAR (0, 16 ports), an MMIO BAR (1, 4 KiB) and a
 * RAM-like BAR (2, 8 KiB of bytes). */
struct testdev {
    struct pci_device pci;
    uint8_t regs[16];
    uint32_t mmio_last_write;
    uint8_t vram[8192];
    int changed_bar;
    uint32_t changed_addr;
};

static uint32_t regs_read(void *opaque, uint32_t addr, unsigned size)
{
    struct testdev *d = opaque;
    (void)size;
    return d->regs[addr & 15];
}

static void regs_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct testdev *d = opaque;
    (void)size;
    d->regs[addr & 15] = (uint8_t)value;
}

static const struct io_ops regs_ops = { .name = "test-io", .read = regs_read, .write = regs_write };

static uint32_t mmio_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)opaque; (void)size;
    return 0xA5000000u | addr;
}

static void mmio_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct testdev *d = opaque;
    (void)addr; (void)size;
    d->mmio_last_write = value;
}

static const struct io_ops mmio_ops = { .name = "test-mmio", .read = mmio_read, .write = mmio_write };

static void note_bar(struct pci_device *pci, int bar, uint32_t addr)
{
    struct testdev *d = (struct testdev *)pci;
    d->changed_bar = bar;
    d->changed_addr = addr;
}

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct pci_bus *bus;
    struct piix3 *isa;
    struct testdev dev;
    struct irq_probe irq;
    struct irq_line lines[16];
    unsigned resets;
};

static void count_reset(void *opaque)
{
    struct rig *r = opaque;
    r->resets++;
}

#define TEST_SLOT 3
#define TEST_DEVFN PCI_DEVFN(TEST_SLOT, 0)

static struct rig *rig_create(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(1u << 20);
    r->bus = pci_bus_create(&r->io, r->mem);
    for (int n = 0; n < 16; n++)
        r->lines[n] = (struct irq_line){ probe_set, &r->irq, n };
    r->isa = piix3_create(r->bus, r->lines, count_reset, r);
    struct testdev *d = &r->dev;
    pci_device_init(&d->pci, 0x1234, 0x5678, 0x020000);
    pci_bar_io(&d->pci, 0, 16, &regs_ops, d);
    pci_bar_mem(&d->pci, 1, 4096, 0, &mmio_ops, NULL, d);
    pci_bar_mem(&d->pci, 2, sizeof d->vram, PCI_BAR_PREFETCH, NULL, d->vram, d);
    pci_set_pin(&d->pci, 1);
    d->pci.bar_changed = note_bar;
    d->changed_bar = -1;
    pci_bus_add(r->bus, &d->pci, TEST_DEVFN);
    return r;
}

static void rig_destroy(struct rig *r)
{
    pci_device_destroy(&r->dev.pci);
    piix3_ops.destroy(r->isa);
    pci_bus_destroy(r->bus);
    phys_mem_destroy(r->mem);
    free(r);
}

static uint32_t confadd(uint8_t devfn, uint32_t reg)
{
    return PCI_CONFIG_ENABLE | (uint32_t)devfn << 8 | (reg & 0xFC);
}

/* A configuration read the way the CPU makes it. */
static uint32_t cfg_read(struct rig *r, uint8_t devfn, uint32_t reg, unsigned size)
{
    io_write(&r->io, 0xCF8, confadd(devfn, reg), 4);
    return io_read(&r->io, 0xCFC + (reg & 3), size);
}

static void cfg_write(struct rig *r, uint8_t devfn, uint32_t reg, uint32_t value, unsigned size)
{
    io_write(&r->io, 0xCF8, confadd(devfn, reg), 4);
    io_write(&r->io, 0xCFC + (reg & 3), value, size);
}

/* ---- configuration mechanism #1 ---- */

static void config_mechanism_1_reads_ids_as_dwords_words_and_bytes(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x00, 4), 0x56781234);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x00, 2), 0x1234);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x02, 2), 0x5678);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x03, 1), 0x56);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x0B, 1), 0x02);   /* class: network */
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(1, 0), 0x00, 4), 0x70008086);
    rig_destroy(r);
}

static void a_missing_device_other_buses_and_a_disabled_confadd_read_all_ones(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(9, 0), 0x00, 4), 0xFFFFFFFF);
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(9, 0), 0x02, 2), 0xFFFF);
    io_write(&r->io, 0xCF8, PCI_CONFIG_ENABLE | 1u << 16 | TEST_DEVFN << 8, 4);
    CHECK_EQ(t, io_read(&r->io, 0xCFC, 4), 0xFFFFFFFF);
    io_write(&r->io, 0xCF8, TEST_DEVFN << 8, 4);            /* enable bit clear */
    CHECK_EQ(t, io_read(&r->io, 0xCFC, 4), 0xFFFFFFFF);
    rig_destroy(r);
}

static void confadd_reads_back_without_its_reserved_bits(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, 0xCF8, 0xFFFFFFFF, 4);
    CHECK_EQ(t, io_read(&r->io, 0xCF8, 4), 0x80FFFFFC);
    rig_destroy(r);
}

static void read_only_bits_ignore_writes_and_status_errors_clear_on_writing_one(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, TEST_DEVFN, 0x00, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x00, 4), 0x56781234);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, 0xFFFF, 2);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, PCI_COMMAND, 2), 0x0547);
    r->dev.pci.config[PCI_STATUS + 1] |= 0x20;              /* received master abort */
    cfg_write(r, TEST_DEVFN, PCI_STATUS, 0x2000, 2);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, PCI_STATUS, 2) & 0x2000, 0);
    cfg_write(r, TEST_DEVFN, PCI_INTERRUPT_LINE, 0x0B, 1);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, PCI_INTERRUPT_LINE, 1), 0x0B);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, PCI_INTERRUPT_PIN, 1), 1);
    rig_destroy(r);
}

/* ---- BARs ---- */

static void bars_report_their_sizes_when_all_ones_are_written(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, TEST_DEVFN, 0x10, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x10, 4), 0xFFFFFFF1);     /* 16 ports, I/O */
    cfg_write(r, TEST_DEVFN, 0x14, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x14, 4), 0xFFFFF000);     /* 4 KiB memory */
    cfg_write(r, TEST_DEVFN, 0x18, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x18, 4), 0xFFFFE008);     /* 8 KiB prefetchable */
    cfg_write(r, TEST_DEVFN, 0x1C, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, 0x1C, 4), 0);              /* unused */
    rig_destroy(r);
}

static void an_io_bar_decodes_its_ports_only_while_io_space_is_enabled(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, TEST_DEVFN, 0x10, 0xC000, 4);
    io_write(&r->io, 0xC003, 0x42, 1);
    CHECK_EQ(t, r->dev.regs[3], 0);
    CHECK_EQ(t, io_read(&r->io, 0xC003, 1), 0xFF);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, PCI_COMMAND_IO, 2);
    io_write(&r->io, 0xC003, 0x42, 1);
    CHECK_EQ(t, io_read(&r->io, 0xC003, 1), 0x42);
    CHECK_EQ(t, r->dev.changed_bar, 0);
    CHECK_EQ(t, r->dev.changed_addr, 0xC000);
    cfg_write(r, TEST_DEVFN, 0x10, 0xD000, 4);              /* move it */
    CHECK_EQ(t, io_read(&r->io, 0xC003, 1), 0xFF);
    CHECK_EQ(t, io_read(&r->io, 0xD003, 1), 0x42);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, 0, 2);
    CHECK_EQ(t, io_read(&r->io, 0xD003, 1), 0xFF);
    CHECK_EQ(t, r->dev.changed_addr, PCI_BAR_UNMAPPED);
    rig_destroy(r);
}

static void memory_bars_appear_where_programmed_and_uncover_what_lay_below(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, TEST_DEVFN, 0x14, 0xFEB00000, 4);
    cfg_write(r, TEST_DEVFN, 0x18, 0x00080000, 4);          /* over RAM, on purpose */
    phys_write(r->mem, 0x80000, 0x11223344, 4);
    CHECK_EQ(t, phys_read(r->mem, 0xFEB00010, 4), 0xFFFFFFFF);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    CHECK_EQ(t, phys_read(r->mem, 0xFEB00010, 4), 0xA5000010);
    phys_write(r->mem, 0xFEB00000, 0x77, 4);
    CHECK_EQ(t, r->dev.mmio_last_write, 0x77);
    phys_write(r->mem, 0x80004, 0xCAFE, 2);                 /* lands in the BAR's bytes */
    CHECK_EQ(t, r->dev.vram[4] | r->dev.vram[5] << 8, 0xCAFE);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, 0, 2);
    CHECK_EQ(t, phys_read(r->mem, 0x80000, 4), 0x11223344);  /* RAM is back */
    CHECK_EQ(t, phys_read(r->mem, 0xFEB00010, 4), 0xFFFFFFFF);
    rig_destroy(r);
}

static void sizing_a_memory_bar_with_decoding_on_does_not_map_it_at_the_top(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, TEST_DEVFN, 0x14, 0xFEB00000, 4);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    cfg_write(r, TEST_DEVFN, 0x14, 0xFFFFFFFF, 4);
    CHECK_EQ(t, pci_bar_address(&r->dev.pci, 1), PCI_BAR_UNMAPPED);
    CHECK_EQ(t, phys_read(r->mem, 0xFFFFF000, 4), 0xFFFFFFFF);
    rig_destroy(r);
}

static void the_expansion_rom_is_read_only_and_visible_only_when_enabled(struct test_ctx *t)
{
    struct rig *r = rig_create();
    uint8_t image[6000];
    for (size_t k = 0; k < sizeof image; k++)
        image[k] = (uint8_t)k;
    image[0] = 0x55;
    image[1] = 0xAA;
    CHECK_EQ(t, pci_set_rom(&r->dev.pci, image, sizeof image), 0);
    cfg_write(r, TEST_DEVFN, PCI_ROM_ADDRESS, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, TEST_DEVFN, PCI_ROM_ADDRESS, 4), 0xFFFFE001);   /* 8 KiB */
    cfg_write(r, TEST_DEVFN, PCI_ROM_ADDRESS, 0xFEBF0000, 4);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    CHECK_EQ(t, phys_read(r->mem, 0xFEBF0000, 2), 0xFFFF);                  /* not enabled */
    cfg_write(r, TEST_DEVFN, PCI_ROM_ADDRESS, 0xFEBF0001, 4);
    CHECK_EQ(t, phys_read(r->mem, 0xFEBF0000, 2), 0xAA55);
    CHECK_EQ(t, phys_read(r->mem, 0xFEBF1000, 1), (uint8_t)0x1000);
    CHECK_EQ(t, phys_read(r->mem, 0xFEBF1FFF, 1), 0xFF);                   /* padding */
    phys_write(r->mem, 0xFEBF0000, 0, 2);
    CHECK_EQ(t, phys_read(r->mem, 0xFEBF0000, 2), 0xAA55);
    rig_destroy(r);
}

/* ---- INTx and the PIIX3 ---- */

static void intx_reaches_the_isa_irq_its_pirq_is_routed_to(struct test_ctx *t)
{
    struct rig *r = rig_create();
    /* Slot 3, INTA: PIRQ (0 + 3 - 1) & 3 = PIRQC, register 0x62. */
    pci_set_irq(&r->dev.pci, 1);
    CHECK_EQ(t, r->irq.level[11], 0);                       /* routing disabled */
    CHECK(t, cfg_read(r, TEST_DEVFN, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_write(r, PCI_DEVFN(1, 0), 0x62, 11, 1);
    CHECK_EQ(t, r->irq.level[11], 1);
    pci_set_irq(&r->dev.pci, 0);
    CHECK_EQ(t, r->irq.level[11], 0);
    rig_destroy(r);
}

/* The swizzle the DSDT's _PRT describes and -bios none programs
 * (firmware/linux_boot.c): slot s, pin p reaches PIRQ (s - 1 + p - 1) mod 4. */
static void the_pirq_of_a_pin_follows_the_board_swizzle(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, pci_pirq_of(&r->dev.pci), 2);                /* slot 3, INTA: PIRQC */
    pci_set_byte(&r->dev.pci, PCI_INTERRUPT_PIN, 2);
    CHECK_EQ(t, pci_pirq_of(&r->dev.pci), 3);                /* INTB: PIRQD */
    pci_set_byte(&r->dev.pci, PCI_INTERRUPT_PIN, 3);
    CHECK_EQ(t, pci_pirq_of(&r->dev.pci), 0);                /* INTC: PIRQA */
    pci_set_byte(&r->dev.pci, PCI_INTERRUPT_PIN, 0);
    CHECK_EQ(t, pci_pirq_of(&r->dev.pci), -1);               /* no pin */
    rig_destroy(r);
}

static void intx_disable_masks_the_interrupt(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, PCI_DEVFN(1, 0), 0x62, 10, 1);
    pci_set_irq(&r->dev.pci, 1);
    CHECK_EQ(t, r->irq.level[10], 1);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
    CHECK_EQ(t, r->irq.level[10], 0);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, 0, 2);
    CHECK_EQ(t, r->irq.level[10], 1);
    rig_destroy(r);
}

static void pirqs_sharing_an_irq_form_a_wired_or_and_rerouting_moves_it(struct test_ctx *t)
{
    struct rig *r = rig_create();
    struct pci_device other;
    pci_device_init(&other, 0x1234, 0x0001, 0xFF0000);
    pci_set_pin(&other, 1);
    pci_bus_add(r->bus, &other, PCI_DEVFN(4, 0));           /* INTA of slot 4: PIRQD */
    cfg_write(r, PCI_DEVFN(1, 0), 0x60, 0x0B0B0B0B, 4);     /* all four to IRQ 11 */
    pci_set_irq(&r->dev.pci, 1);
    pci_set_irq(&other, 1);
    pci_set_irq(&r->dev.pci, 0);
    CHECK_EQ(t, r->irq.level[11], 1);
    pci_set_irq(&other, 0);
    CHECK_EQ(t, r->irq.level[11], 0);
    pci_set_irq(&other, 1);
    cfg_write(r, PCI_DEVFN(1, 0), 0x63, 5, 1);              /* PIRQD to IRQ 5 */
    CHECK_EQ(t, r->irq.level[11], 0);
    CHECK_EQ(t, r->irq.level[5], 1);
    cfg_write(r, PCI_DEVFN(1, 0), 0x63, 0x80 | 5, 1);       /* disabled */
    CHECK_EQ(t, r->irq.level[5], 0);
    rig_destroy(r);
}

static void the_isa_bridge_is_multi_function_with_pirqs_disabled_at_reset(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(1, 0), PCI_HEADER_TYPE, 1), 0x80);
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(1, 0), 0x60, 4), 0x80808080);
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(1, 0), PCI_CLASS_DEVICE, 2), 0x0601);
    cfg_write(r, PCI_DEVFN(1, 0), 0x60, 0x0A, 1);
    piix3_ops.reset(r->isa);
    CHECK_EQ(t, cfg_read(r, PCI_DEVFN(1, 0), 0x60, 1), 0x80);
    rig_destroy(r);
}

static void writing_rcpu_to_cf9_resets_while_dword_cf8_stays_confadd(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, 0xCF8, confadd(TEST_DEVFN, 0), 4);
    CHECK_EQ(t, r->resets, 0);
    io_write(&r->io, 0xCF9, 0x02, 1);
    CHECK_EQ(t, r->resets, 0);
    CHECK_EQ(t, io_read(&r->io, 0xCF9, 1), 0x02);
    io_write(&r->io, 0xCF9, 0x06, 1);
    CHECK_EQ(t, r->resets, 1);
    CHECK_EQ(t, io_read(&r->io, 0xCF8, 4), confadd(TEST_DEVFN, 0));
    rig_destroy(r);
}

static void reloaded_config_space_maps_the_bars_again(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, TEST_DEVFN, 0x10, 0xC100, 4);
    cfg_write(r, TEST_DEVFN, PCI_COMMAND, PCI_COMMAND_IO, 2);
    uint8_t saved[PCI_CONFIG_SIZE];
    memcpy(saved, r->dev.pci.config, sizeof saved);
    pci_device_reset(&r->dev.pci);
    CHECK_EQ(t, io_read(&r->io, 0xC100, 1), 0xFF);
    memcpy(r->dev.pci.config, saved, sizeof saved);
    pci_device_post_load(&r->dev.pci);
    io_write(&r->io, 0xC100, 0x5A, 1);
    CHECK_EQ(t, io_read(&r->io, 0xC100, 1), 0x5A);
    rig_destroy(r);
}

static const struct test config_tests[] = {
    TEST(config_mechanism_1_reads_ids_as_dwords_words_and_bytes),
    TEST(a_missing_device_other_buses_and_a_disabled_confadd_read_all_ones),
    TEST(confadd_reads_back_without_its_reserved_bits),
    TEST(read_only_bits_ignore_writes_and_status_errors_clear_on_writing_one),
};

static const struct test bar_tests[] = {
    TEST(bars_report_their_sizes_when_all_ones_are_written),
    TEST(an_io_bar_decodes_its_ports_only_while_io_space_is_enabled),
    TEST(memory_bars_appear_where_programmed_and_uncover_what_lay_below),
    TEST(sizing_a_memory_bar_with_decoding_on_does_not_map_it_at_the_top),
    TEST(the_expansion_rom_is_read_only_and_visible_only_when_enabled),
    TEST(reloaded_config_space_maps_the_bars_again),
};

static const struct test piix3_tests[] = {
    TEST(intx_reaches_the_isa_irq_its_pirq_is_routed_to),
    TEST(the_pirq_of_a_pin_follows_the_board_swizzle),
    TEST(intx_disable_masks_the_interrupt),
    TEST(pirqs_sharing_an_irq_form_a_wired_or_and_rerouting_moves_it),
    TEST(the_isa_bridge_is_multi_function_with_pirqs_disabled_at_reset),
    TEST(writing_rcpu_to_cf9_resets_while_dword_cf8_stays_confadd),
};

int main(int argc, char **argv)
{
    static const struct suite config = SUITE("PCI configuration mechanism #1", config_tests);
    static const struct suite bars = SUITE("PCI base address registers", bar_tests);
    static const struct suite piix3 = SUITE("PIIX3 PIRQ routing and reset control", piix3_tests);
    const struct suite *const suites[] = { &config, &bars, &piix3 };
    return harness_run(argc, argv, suites, 3);
}
