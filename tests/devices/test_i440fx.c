/* The i440FX host bridge (82441FX PMC) at the register level: its PCI
 * header, PAM shadow RAM control of 0xC0000-0xFFFFF with real RAM and ROM
 * reads and writes through the physical memory map, SMRAM, DRB and reset. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "i440fx.h"
#include "pci.h"

#define RAM_SIZE (32u << 20)
#define BIOS_SIZE 0x20000u

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct pci_bus *bus;
    struct i440fx *host;
    unsigned map_changes;
};

static void count_map_change(void *opaque)
{
    struct rig *r = opaque;
    r->map_changes++;
}

/* The BIOS byte at offset k of the image: recognizable, never 0 or 0xFF. */
static uint8_t bios_byte(uint32_t k)
{
    return (uint8_t)(0x40 + (k * 7 + (k >> 12)) % 0x80);
}

/* The layout devices/machine.c makes: the image at the top of 4 GiB and
 * its last 128 KiB again at 0xE0000. */
static struct rig *rig_create(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(RAM_SIZE);
    uint8_t *image = malloc(BIOS_SIZE);
    for (uint32_t k = 0; k < BIOS_SIZE; k++)
        image[k] = bios_byte(k);
    phys_map_rom(r->mem, 0x100000000ull - BIOS_SIZE, BIOS_SIZE, image, BIOS_SIZE);
    free(image);
    const struct phys_region *top = phys_region_of(r->mem, 0xFFFFF000u);
    phys_map_alias(r->mem, 0xE0000, BIOS_SIZE, PHYS_ROM, top->host);
    r->mem->map_changed = count_map_change;
    r->mem->map_opaque = r;
    r->bus = pci_bus_create(&r->io, r->mem);
    r->host = i440fx_create(r->bus, r->mem);
    return r;
}

static void rig_destroy(struct rig *r)
{
    i440fx_ops.destroy(r->host);
    pci_bus_destroy(r->bus);
    phys_mem_destroy(r->mem);
    free(r);
}

static uint32_t cfg_read(struct rig *r, uint32_t reg, unsigned size)
{
    return pci_config_read(r->bus, 0, reg, size);
}

static void cfg_write(struct rig *r, uint32_t reg, uint32_t value, unsigned size)
{
    pci_config_write(r->bus, 0, reg, value, size);
}

/* The RAM byte itself, whatever the routing shows. */
static uint8_t ram_byte(struct rig *r, uint32_t addr)
{
    return r->mem->ram[addr];
}

static void the_header_names_an_intel_82441fx_host_bridge_on_qemu(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, cfg_read(r, PCI_VENDOR_ID, 4), 0x12378086);
    CHECK_EQ(t, cfg_read(r, PCI_CLASS_DEVICE, 2), 0x0600);
    CHECK_EQ(t, cfg_read(r, PCI_REVISION_ID, 1), 0x02);
    CHECK_EQ(t, cfg_read(r, PCI_SUBSYSTEM_VENDOR_ID, 4), 0x11001AF4);
    CHECK_EQ(t, cfg_read(r, PCI_HEADER_TYPE, 1), 0x00);
    rig_destroy(r);
}

static void at_reset_the_bios_area_reads_rom_and_ignores_writes(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, cfg_read(r, I440FX_PAM0, 4), 0);
    CHECK_EQ(t, phys_read(r->mem, 0xFFFF0, 1), bios_byte(0x1FFF0));
    CHECK_EQ(t, phys_read(r->mem, 0xE0000, 1), bios_byte(0));
    phys_write(r->mem, 0xF0000, 0x00, 1);
    CHECK_EQ(t, phys_read(r->mem, 0xF0000, 1), bios_byte(0x10000));
    CHECK_EQ(t, ram_byte(r, 0xF0000), 0);
    CHECK_EQ(t, phys_read(r->mem, 0xC0000, 1), 0xFF);       /* PCI: nothing there */
    rig_destroy(r);
}

static void write_enable_alone_lets_the_bios_copy_itself_under_its_rom(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, I440FX_PAM0, 0x20, 1);                     /* WE: read ROM, write RAM */
    phys_write(r->mem, 0xF1234, phys_read(r->mem, 0xF1234, 1), 1);
    CHECK_EQ(t, ram_byte(r, 0xF1234), bios_byte(0x11234));
    CHECK_EQ(t, phys_read(r->mem, 0xF1235, 1), bios_byte(0x11235));
    phys_write(r->mem, 0xF1235, 0x99, 1);
    CHECK_EQ(t, phys_read(r->mem, 0xF1235, 1), bios_byte(0x11235)); /* still the ROM */
    cfg_write(r, I440FX_PAM0, 0x30, 1);                     /* RE + WE: RAM */
    CHECK_EQ(t, phys_read(r->mem, 0xF1234, 1), bios_byte(0x11234));
    CHECK_EQ(t, phys_read(r->mem, 0xF1235, 1), 0x99);
    rig_destroy(r);
}

static void read_enable_alone_makes_shadow_ram_read_only(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, I440FX_PAM0, 0x30, 1);
    phys_write(r->mem, 0xF8000, 0x5A, 1);
    cfg_write(r, I440FX_PAM0, 0x10, 1);                     /* RE only: locked */
    phys_write(r->mem, 0xF8000, 0xA5, 1);
    CHECK_EQ(t, phys_read(r->mem, 0xF8000, 1), 0x5A);
    CHECK_EQ(t, ram_byte(r, 0xF8000), 0x5A);
    cfg_write(r, I440FX_PAM0, 0x00, 1);                     /* back to the ROM */
    CHECK_EQ(t, phys_read(r->mem, 0xF8000, 1), bios_byte(0x18000));
    rig_destroy(r);
}

static void each_pam_nibble_controls_its_own_16k_segment(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, I440FX_PAM0 + 1, 0x03, 1);                 /* PAM1 low: 0xC0000 */
    phys_write(r->mem, 0xC0000, 0x11, 1);
    phys_write(r->mem, 0xC4000, 0x22, 1);                   /* PAM1 high: disabled */
    CHECK_EQ(t, phys_read(r->mem, 0xC0000, 1), 0x11);
    CHECK_EQ(t, phys_read(r->mem, 0xC4000, 1), 0xFF);
    CHECK_EQ(t, ram_byte(r, 0xC4000), 0);
    cfg_write(r, I440FX_PAM0 + 6, 0x30, 1);                 /* PAM6 high: 0xEC000 */
    phys_write(r->mem, 0xEC000, 0x33, 1);
    phys_write(r->mem, 0xE8000, 0x44, 1);
    CHECK_EQ(t, phys_read(r->mem, 0xEC000, 1), 0x33);
    CHECK_EQ(t, phys_read(r->mem, 0xE8000, 1), bios_byte(0x8000));
    CHECK_EQ(t, phys_read(r->mem, 0xEBFFF, 1), bios_byte(0xBFFF));
    rig_destroy(r);
}

static void the_seabios_unlock_and_lock_sequence_shadows_the_bios(struct test_ctx *t)
{
    struct rig *r = rig_create();
    /* make_bios_writable: PAM0 = 0x30, PAM1-6 = 0x33, written back as the
     * two dwords at 0x58 and 0x5C it read them from. */
    uint32_t low = cfg_read(r, 0x58, 4), high = cfg_read(r, 0x5C, 4);
    low = (low & 0x000000FF) | 0x33333000;
    high = 0x33333333;
    cfg_write(r, 0x58, low, 4);
    cfg_write(r, 0x5C, high, 4);
    CHECK_EQ(t, cfg_read(r, 0x58, 4), low);
    uint8_t copy[0x100];
    for (uint32_t a = 0xE0000; a < 0x100000; a += sizeof copy) {
        for (uint32_t k = 0; k < sizeof copy; k++)
            copy[k] = bios_byte(a - 0xE0000 + k);       /* from the high alias */
        phys_write_block(r->mem, a, copy, sizeof copy);
    }
    /* make_bios_readonly: 0x10 at PAM0, 0x11 for the option ROM area. */
    cfg_write(r, I440FX_PAM0, 0x10, 1);
    phys_write(r->mem, 0xFFFF0, 0, 1);
    CHECK_EQ(t, phys_read(r->mem, 0xFFFF0, 1), bios_byte(0x1FFF0));
    CHECK_EQ(t, ram_byte(r, 0xFFFF0), bios_byte(0x1FFF0));
    CHECK_EQ(t, phys_read(r->mem, 0xE0000, 1), bios_byte(0));
    CHECK_EQ(t, cfg_read(r, I440FX_PAM0, 1), 0x10);
    rig_destroy(r);
}

static void pam_reserved_bits_read_as_zero(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, I440FX_PAM0, 0xFF, 1);
    CHECK_EQ(t, cfg_read(r, I440FX_PAM0, 1), 0x30);
    cfg_write(r, I440FX_PAM0 + 3, 0xFF, 1);
    CHECK_EQ(t, cfg_read(r, I440FX_PAM0 + 3, 1), 0x33);
    rig_destroy(r);
}

static void an_open_smram_shows_dram_under_the_vga_window(struct test_ctx *t)
{
    struct rig *r = rig_create();
    r->mem->ram[0xA0000] = 0x77;
    CHECK_EQ(t, cfg_read(r, I440FX_SMRAM, 1), 0x02);
    CHECK_EQ(t, phys_read(r->mem, 0xA0000, 1), 0xFF);       /* nothing on PCI here */
    cfg_write(r, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_OPEN, 1);
    CHECK_EQ(t, cfg_read(r, I440FX_SMRAM, 1), 0x4A);
    CHECK_EQ(t, phys_read(r->mem, 0xA0000, 1), 0x77);
    cfg_write(r, I440FX_SMRAM, SMRAM_G_SMRAME, 1);          /* closed again */
    CHECK_EQ(t, phys_read(r->mem, 0xA0000, 1), 0xFF);
    rig_destroy(r);
}

static void d_lck_closes_smram_and_locks_it_until_reset(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_OPEN, 1);
    cfg_write(r, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_OPEN | SMRAM_D_LCK, 1);
    CHECK_EQ(t, cfg_read(r, I440FX_SMRAM, 1), 0x1A);
    cfg_write(r, I440FX_SMRAM, SMRAM_D_OPEN, 1);
    CHECK_EQ(t, cfg_read(r, I440FX_SMRAM, 1), 0x1A);
    CHECK_EQ(t, phys_read(r->mem, 0xA0000, 1), 0xFF);
    i440fx_ops.reset(r->host);
    CHECK_EQ(t, cfg_read(r, I440FX_SMRAM, 1), 0x02);
    cfg_write(r, I440FX_SMRAM, SMRAM_G_SMRAME | SMRAM_D_OPEN, 1);
    CHECK_EQ(t, cfg_read(r, I440FX_SMRAM, 1), 0x4A);
    rig_destroy(r);
}

static void reset_returns_the_bios_area_to_the_rom(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, I440FX_PAM0, 0x30, 1);
    phys_write(r->mem, 0xFFFF0, 0xEA, 1);
    i440fx_ops.reset(r->host);
    CHECK_EQ(t, cfg_read(r, I440FX_PAM0, 1), 0);
    CHECK_EQ(t, phys_read(r->mem, 0xFFFF0, 1), bios_byte(0x1FFF0));
    rig_destroy(r);
}

static void drbs_count_the_ram_in_8_mib_rows(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, cfg_read(r, I440FX_DRB0, 1), RAM_SIZE >> 23);
    CHECK_EQ(t, cfg_read(r, I440FX_DRB0 + 7, 1), RAM_SIZE >> 23);
    rig_destroy(r);
}

static void a_snapshot_brings_back_the_shadow_routing(struct test_ctx *t)
{
    struct rig *r = rig_create();
    struct device_list list = { 0 };
    device_add(&list, &i440fx_ops, r->host);
    cfg_write(r, I440FX_PAM0, 0x30, 1);
    phys_write(r->mem, 0xF0000, 0x12, 1);
    size_t need = devices_save(&list, NULL, 0);
    uint8_t *snap = malloc(need);
    devices_save(&list, snap, need);
    i440fx_ops.reset(r->host);
    CHECK_EQ(t, phys_read(r->mem, 0xF0000, 1), bios_byte(0x10000));
    CHECK_EQ(t, devices_load(&list, snap, need), 0);
    CHECK_EQ(t, cfg_read(r, I440FX_PAM0, 1), 0x30);
    CHECK_EQ(t, phys_read(r->mem, 0xF0000, 1), 0x12);
    free(snap);
    rig_destroy(r);
}

static void pam_changes_tell_the_cpu_the_map_changed(struct test_ctx *t)
{
    struct rig *r = rig_create();
    unsigned before = r->map_changes;
    cfg_write(r, I440FX_PAM0, 0x30, 1);
    CHECK(t, r->map_changes > before);
    rig_destroy(r);
}

static const struct test tests[] = {
    TEST(the_header_names_an_intel_82441fx_host_bridge_on_qemu),
    TEST(at_reset_the_bios_area_reads_rom_and_ignores_writes),
    TEST(write_enable_alone_lets_the_bios_copy_itself_under_its_rom),
    TEST(read_enable_alone_makes_shadow_ram_read_only),
    TEST(each_pam_nibble_controls_its_own_16k_segment),
    TEST(the_seabios_unlock_and_lock_sequence_shadows_the_bios),
    TEST(pam_reserved_bits_read_as_zero),
    TEST(an_open_smram_shows_dram_under_the_vga_window),
    TEST(d_lck_closes_smram_and_locks_it_until_reset),
    TEST(reset_returns_the_bios_area_to_the_rom),
    TEST(drbs_count_the_ram_in_8_mib_rows),
    TEST(a_snapshot_brings_back_the_shadow_routing),
    TEST(pam_changes_tell_the_cpu_the_map_changed),
};

int main(int argc, char **argv)
{
    static const struct suite host = SUITE("i440FX host bridge", tests);
    const struct suite *const suites[] = { &host };
    return harness_run(argc, argv, suites, 1);
}
