/* The BIOS linker/loader the emulator runs itself for -bios none
 * (firmware/acpi_loader.c): the PC's ACPI tables from firmware/acpi.c,
 * handed over as fw_cfg files, come out in guest memory where the zones
 * say, with every pointer patched and every checksum zero. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "acpi_loader.h"
#include "fw_cfg.h"
#include "harness.h"

#define RAM (16u << 20)
#define LOW_BASE 0x9FC00u
#define LOW_SIZE 0x400u
#define HIGH_ROOM (128u << 10)

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct fw_cfg *f;
    FILE *err;
    struct acpi_placement p;
};

static struct rig *rig_create(bool with_tables)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(RAM);
    r->f = fw_cfg_create(&r->io, r->mem);
    r->err = tmpfile();
    r->p = (struct acpi_placement){ .high_top = RAM, .high_limit = RAM - HIGH_ROOM,
                                    .low_base = LOW_BASE, .low_size = LOW_SIZE };
    if (with_tables) {
        const struct acpi_config cfg = { .pm_base = 0x600, .sci_irq = 9, .smi_cmd = 0xB2,
                                         .pci_hole_start = RAM, .serial_ports = 2 };
        struct acpi_tables t;
        if (acpi_build(&cfg, &t) == 0) {
            fw_cfg_add_file(r->f, ACPI_FILE_TABLES, t.tables.data, (uint32_t)t.tables.len);
            fw_cfg_add_file(r->f, ACPI_FILE_RSDP, t.rsdp.data, (uint32_t)t.rsdp.len);
            fw_cfg_add_file(r->f, ACPI_FILE_LOADER, t.loader.data, (uint32_t)t.loader.len);
            acpi_tables_free(&t);
        }
    }
    return r;
}

static void rig_destroy(struct rig *r)
{
    fw_cfg_destroy(r->f);
    phys_mem_destroy(r->mem);
    fclose(r->err);
    free(r);
}

static unsigned err_lines(struct rig *r)
{
    unsigned n = 0;
    int c;
    rewind(r->err);
    while ((c = fgetc(r->err)) != EOF)
        n += c == '\n';
    return n;
}

static uint32_t rd32(struct rig *r, uint32_t addr)
{
    return phys_read(r->mem, addr, 4);
}

/* The byte sum of len bytes at addr (0 for a good ACPI table). */
static uint8_t sum_at(struct rig *r, uint32_t addr, uint32_t len)
{
    uint8_t s = 0;
    for (uint32_t k = 0; k < len; k++)
        s = (uint8_t)(s + phys_read(r->mem, addr + k, 1));
    return s;
}

static bool signature_at(struct rig *r, uint32_t addr, const char *sig)
{
    for (size_t k = 0; sig[k]; k++)
        if (phys_read(r->mem, addr + (uint32_t)k, 1) != (uint8_t)sig[k])
            return false;
    return true;
}

static bool in_high_zone(struct rig *r, uint32_t addr)
{
    return addr >= r->p.high_base && addr < r->p.high_top;
}

static void the_rsdp_lands_in_the_low_area_with_a_zero_checksum(struct test_ctx *t)
{
    struct rig *r = rig_create(true);
    CHECK_EQ(t, acpi_loader_run(r->f, r->mem, &r->p, r->err), 0);
    CHECK_EQ(t, r->p.rsdp, LOW_BASE);
    CHECK(t, signature_at(r, r->p.rsdp, "RSD PTR "));
    CHECK_EQ(t, sum_at(r, r->p.rsdp, 20), 0);
    CHECK_EQ(t, err_lines(r), 0);
    rig_destroy(r);
}

static void the_tables_land_at_the_top_of_ram_linked_and_checksummed(struct test_ctx *t)
{
    struct rig *r = rig_create(true);
    CHECK_EQ(t, acpi_loader_run(r->f, r->mem, &r->p, r->err), 0);
    CHECK(t, r->p.high_base >= RAM - HIGH_ROOM && r->p.high_base < RAM);
    uint32_t rsdt = rd32(r, r->p.rsdp + 16);
    CHECK(t, in_high_zone(r, rsdt));
    CHECK(t, signature_at(r, rsdt, "RSDT"));
    uint32_t rsdt_len = rd32(r, rsdt + 4);
    CHECK_EQ(t, sum_at(r, rsdt, rsdt_len), 0);
    bool fadt_seen = false;
    for (uint32_t e = rsdt + 36; e + 4 <= rsdt + rsdt_len; e += 4) {
        uint32_t table = rd32(r, e);
        CHECK(t, in_high_zone(r, table));
        CHECK_EQ(t, sum_at(r, table, rd32(r, table + 4)), 0);
        if (!signature_at(r, table, "FACP"))
            continue;
        fadt_seen = true;
        uint32_t facs = rd32(r, table + 36), dsdt = rd32(r, table + 40);
        CHECK(t, signature_at(r, facs, "FACS"));
        CHECK_EQ(t, facs % 64, 0);
        CHECK(t, signature_at(r, dsdt, "DSDT"));
        CHECK_EQ(t, sum_at(r, dsdt, rd32(r, dsdt + 4)), 0);
        CHECK_EQ(t, rd32(r, table + 140), dsdt);        /* X_DSDT, low half */
    }
    CHECK(t, fadt_seen);
    rig_destroy(r);
}

static void without_a_table_loader_nothing_is_placed(struct test_ctx *t)
{
    struct rig *r = rig_create(false);
    CHECK_EQ(t, acpi_loader_run(r->f, r->mem, &r->p, r->err), 0);
    CHECK_EQ(t, r->p.rsdp, 0);
    CHECK_EQ(t, r->p.high_base, RAM);
    rig_destroy(r);
}

static void a_loader_naming_a_missing_file_fails_with_one_line(struct test_ctx *t)
{
    struct rig *r = rig_create(false);
    uint8_t cmd[LOADER_ENTRY_SIZE] = { LOADER_ALLOCATE };
    strcpy((char *)cmd + 4, "etc/acpi/absent");
    cmd[4 + LOADER_FILE_SIZE] = 16;                     /* align */
    cmd[8 + LOADER_FILE_SIZE] = LOADER_ZONE_HIGH;
    fw_cfg_add_file(r->f, ACPI_FILE_LOADER, cmd, sizeof cmd);
    CHECK_EQ(t, acpi_loader_run(r->f, r->mem, &r->p, r->err), -1);
    CHECK_EQ(t, err_lines(r), 1);
    CHECK_EQ(t, r->p.rsdp, 0);
    rig_destroy(r);
}

static void tables_larger_than_their_zone_fail_with_one_line(struct test_ctx *t)
{
    struct rig *r = rig_create(true);
    r->p.high_limit = RAM - 256;
    CHECK_EQ(t, acpi_loader_run(r->f, r->mem, &r->p, r->err), -1);
    CHECK_EQ(t, err_lines(r), 1);
    rig_destroy(r);
}

static void commands_the_loader_does_not_know_are_skipped(struct test_ctx *t)
{
    struct rig *r = rig_create(true);
    const struct fw_cfg_item *script = fw_cfg_find_file(r->f, ACPI_FILE_LOADER);
    size_t len = script->len + LOADER_ENTRY_SIZE;
    uint8_t *longer = calloc(1, len);
    memcpy(longer, script->data, script->len);
    longer[script->len] = 0x7F;                         /* an unknown command */
    fw_cfg_add_file(r->f, ACPI_FILE_LOADER, longer, (uint32_t)len);
    free(longer);
    CHECK_EQ(t, acpi_loader_run(r->f, r->mem, &r->p, r->err), 0);
    CHECK_EQ(t, r->p.rsdp, LOW_BASE);
    rig_destroy(r);
}

static const struct test tests[] = {
    TEST(the_rsdp_lands_in_the_low_area_with_a_zero_checksum),
    TEST(the_tables_land_at_the_top_of_ram_linked_and_checksummed),
    TEST(without_a_table_loader_nothing_is_placed),
    TEST(a_loader_naming_a_missing_file_fails_with_one_line),
    TEST(tables_larger_than_their_zone_fail_with_one_line),
    TEST(commands_the_loader_does_not_know_are_skipped),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("ACPI table loader (-bios none)", tests);
    static const struct suite *const suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
