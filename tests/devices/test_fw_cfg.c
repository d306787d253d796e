/* QEMU's fw_cfg interface at the register level (selector 0x510, data
 * 0x511, DMA 0x514), the files the PC hands SeaBIOS through it (bootorder,
 * etc/e820), and the ACPI tables of firmware/acpi.c as the BIOS linker/
 * loader script links them. */
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "e820.h"
#include "fw_cfg.h"
#include "harness.h"

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct fw_cfg *f;
};

static struct rig *rig_create(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(1u << 20);
    r->f = fw_cfg_create(&r->io, r->mem);
    return r;
}

static void rig_destroy(struct rig *r)
{
    fw_cfg_destroy(r->f);
    phys_mem_destroy(r->mem);
    free(r);
}

static void select_key(struct rig *r, uint16_t key)
{
    io_write(&r->io, FW_CFG_PORT_SEL, key, 2);
}

static void read_bytes(struct rig *r, uint8_t *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
        out[k] = (uint8_t)io_read(&r->io, FW_CFG_PORT_DATA, 1);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* ---- the port interface ---- */

static void the_signature_reads_qemu_through_the_data_port(struct test_ctx *t)
{
    struct rig *r = rig_create();
    uint8_t sig[4];
    select_key(r, FW_CFG_SIGNATURE);
    read_bytes(r, sig, 4);
    CHECK(t, !memcmp(sig, "QEMU", 4));
    rig_destroy(r);
}

static void the_id_announces_the_dma_interface(struct test_ctx *t)
{
    struct rig *r = rig_create();
    uint8_t id[4];
    select_key(r, FW_CFG_ID);
    read_bytes(r, id, 4);
    CHECK_EQ(t, le32(id), FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    rig_destroy(r);
}

static void items_are_little_endian_and_read_as_zeros_past_their_end(struct test_ctx *t)
{
    struct rig *r = rig_create();
    fw_cfg_add_i64(r->f, FW_CFG_RAM_SIZE, 0x08000000);
    uint8_t b[10];
    select_key(r, FW_CFG_RAM_SIZE);
    read_bytes(r, b, sizeof b);
    CHECK_EQ(t, le32(b), 0x08000000);
    CHECK_EQ(t, le32(b + 4), 0);
    CHECK_EQ(t, b[8] | b[9], 0);
    select_key(r, 0x7777);                                  /* no such item */
    read_bytes(r, b, 4);
    CHECK_EQ(t, le32(b), 0);
    rig_destroy(r);
}

static void selecting_a_key_starts_it_again_from_its_first_byte(struct test_ctx *t)
{
    struct rig *r = rig_create();
    uint8_t b[2];
    select_key(r, FW_CFG_SIGNATURE);
    read_bytes(r, b, 2);
    select_key(r, FW_CFG_SIGNATURE);
    read_bytes(r, b, 1);
    CHECK_EQ(t, b[0], 'Q');
    io_write(&r->io, FW_CFG_PORT_DATA, 0x00, 1);            /* data writes are ignored */
    read_bytes(r, b, 1);
    CHECK_EQ(t, b[0], 'E');
    rig_destroy(r);
}

/* Find name in the directory: its selector and size, via the ports. */
static int find_in_directory(struct rig *r, const char *name, uint16_t *select, uint32_t *size)
{
    uint8_t head[4], entry[FW_CFG_DIR_ENTRY_SIZE];
    select_key(r, FW_CFG_FILE_DIR);
    read_bytes(r, head, 4);
    for (uint32_t k = 0; k < be32(head); k++) {
        read_bytes(r, entry, sizeof entry);
        if (!strncmp((const char *)entry + 8, name, FW_CFG_MAX_FILE_NAME)) {
            *size = be32(entry);
            *select = (uint16_t)(entry[4] << 8 | entry[5]);
            return 0;
        }
    }
    return -1;
}

static void the_file_directory_lists_files_big_endian_with_their_selectors(struct test_ctx *t)
{
    struct rig *r = rig_create();
    fw_cfg_add_file(r->f, "etc/one", "1", 1);
    fw_cfg_add_file(r->f, "etc/two", "22", 2);
    uint8_t head[4];
    select_key(r, FW_CFG_FILE_DIR);
    read_bytes(r, head, 4);
    CHECK_EQ(t, be32(head), 2);
    uint16_t sel = 0;
    uint32_t size = 0;
    CHECK_EQ(t, find_in_directory(r, "etc/two", &sel, &size), 0);
    CHECK_EQ(t, sel, FW_CFG_FILE_FIRST + 1);
    CHECK_EQ(t, size, 2);
    uint8_t b[2];
    select_key(r, sel);
    read_bytes(r, b, 2);
    CHECK(t, b[0] == '2' && b[1] == '2');
    fw_cfg_add_file(r->f, "etc/one", "111", 3);             /* replaced, same key */
    select_key(r, FW_CFG_FILE_DIR);
    read_bytes(r, head, 4);
    CHECK_EQ(t, be32(head), 2);
    CHECK_EQ(t, find_in_directory(r, "etc/one", &sel, &size), 0);
    CHECK_EQ(t, sel, FW_CFG_FILE_FIRST);
    CHECK_EQ(t, size, 3);
    rig_destroy(r);
}

/* ---- DMA ---- */

#define ACCESS 0x1000u
#define BUFFER 0x2000u

/* Write a FWCfgDmaAccess at ACCESS and start it as SeaBIOS does: one
 * 32-bit write of the big-endian address to 0x518. */
static uint32_t dma(struct rig *r, uint32_t control, uint32_t length, uint32_t address)
{
    uint8_t access[16] = { 0 };
    put_be32(access, control);
    put_be32(access + 4, length);
    put_be32(access + 12, address);
    phys_write_block(r->mem, ACCESS, access, sizeof access);
    uint8_t be[4];
    put_be32(be, ACCESS);
    io_write(&r->io, FW_CFG_PORT_DMA + 4, le32(be), 4);
    phys_read_block(r->mem, ACCESS, access, 4);
    return be32(access);
}

static void a_dma_read_selects_copies_and_clears_its_control_word(struct test_ctx *t)
{
    struct rig *r = rig_create();
    fw_cfg_add_file(r->f, "etc/data", "abcdefgh", 8);
    memset(r->mem->ram + BUFFER, 0xEE, 16);
    uint32_t ctl = (uint32_t)FW_CFG_FILE_FIRST << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    CHECK_EQ(t, dma(r, ctl, 10, BUFFER), 0);
    CHECK(t, !memcmp(r->mem->ram + BUFFER, "abcdefgh\0\0", 10));   /* zeros past the end */
    CHECK_EQ(t, r->mem->ram[BUFFER + 10], 0xEE);
    rig_destroy(r);
}

static void dma_skip_advances_and_a_dma_write_reports_an_error(struct test_ctx *t)
{
    struct rig *r = rig_create();
    fw_cfg_add_file(r->f, "etc/data", "abcdefgh", 8);
    uint32_t sel = (uint32_t)FW_CFG_FILE_FIRST << 16 | FW_CFG_DMA_CTL_SELECT;
    CHECK_EQ(t, dma(r, sel | FW_CFG_DMA_CTL_SKIP, 3, 0), 0);
    CHECK_EQ(t, dma(r, FW_CFG_DMA_CTL_READ, 2, BUFFER), 0);
    CHECK(t, !memcmp(r->mem->ram + BUFFER, "de", 2));
    uint8_t b;
    read_bytes(r, &b, 1);                                   /* ports share the offset */
    CHECK_EQ(t, b, 'f');
    CHECK_EQ(t, dma(r, FW_CFG_DMA_CTL_WRITE, 2, BUFFER), FW_CFG_DMA_CTL_ERROR);
    rig_destroy(r);
}

static void the_dma_register_reads_back_the_qemu_cfg_signature(struct test_ctx *t)
{
    struct rig *r = rig_create();
    char sig[9] = { 0 };
    for (int k = 0; k < 8; k++)
        sig[k] = (char)io_read(&r->io, FW_CFG_PORT_DMA + (uint32_t)k, 1);
    CHECK(t, !strcmp(sig, "QEMU CFG"));
    rig_destroy(r);
}

/* ---- what the PC puts in it ---- */

static void the_bootorder_file_lists_devices_in_the_order_asked(struct test_ctx *t)
{
    struct rig *r = rig_create();
    const enum fw_cfg_boot_media ide[FW_CFG_IDE_SLOTS] = {
        FW_CFG_BOOT_DISK, FW_CFG_BOOT_NONE, FW_CFG_BOOT_CDROM, FW_CFG_BOOT_NONE,
    };
    const bool floppy[FW_CFG_FLOPPIES] = { true, false };
    CHECK_EQ(t, fw_cfg_add_bootorder(r->f, "dac", ide, floppy), 0);
    uint16_t sel;
    uint32_t size;
    CHECK_EQ(t, find_in_directory(r, "bootorder", &sel, &size), 0);
    char text[256] = { 0 };
    select_key(r, sel);
    read_bytes(r, (uint8_t *)text, size < sizeof text ? size : sizeof text - 1);
    const char want[] = "/pci@i0cf8/ide@1,1/drive@1/disk@0\n"
                        "/pci@i0cf8/isa@1/fdc@03f0/floppy@0\n"
                        "/pci@i0cf8/ide@1,1/drive@0/disk@0";
    CHECK(t, !strcmp(text, want));
    CHECK_EQ(t, size, sizeof want);
    const enum fw_cfg_boot_media none[FW_CFG_IDE_SLOTS] = { 0 };
    const bool no_floppy[FW_CFG_FLOPPIES] = { false, false };
    fw_cfg_add_bootorder(r->f, "cad", none, no_floppy);
    CHECK_EQ(t, find_in_directory(r, "bootorder", &sel, &size), 0);
    CHECK_EQ(t, size, 0);
    rig_destroy(r);
}

static void the_e820_file_gives_all_ram_from_zero_as_qemu_does(struct test_ctx *t)
{
    struct e820_entry map[E820_MAX_ENTRIES];
    size_t n = e820_pc_map(128u << 20, map, E820_MAX_ENTRIES);
    CHECK_EQ(t, n, 1);
    uint8_t bytes[E820_ENTRY_SIZE];
    e820_encode(map, n, bytes);
    CHECK_EQ(t, le32(bytes), 0);
    CHECK_EQ(t, le32(bytes + 8), 128u << 20);
    CHECK_EQ(t, le32(bytes + 12), 0);
    CHECK_EQ(t, le32(bytes + 16), E820_RAM);
}

/* ---- ACPI ---- */

static const struct acpi_config pc_acpi = {
    .pm_base = 0x600, .sci_irq = 9, .smi_cmd = 0xB2, .pci_hole_start = 128u << 20,
    .serial_ports = 2,
};

/* The firmware's side of the linker/loader: place the two blobs in one
 * flat "memory" at fixed addresses, then run the commands. */
#define RSDP_ADDR 0xF5A00u
#define TABLES_ADDR 0x07FF0000u

struct loaded {
    uint8_t *rsdp, *tables;
    size_t rsdp_len, tables_len;
    unsigned allocations, pointers, checksums, unknown;
};

static uint8_t *file_data(struct loaded *l, const char *name, size_t *len, uint32_t *addr)
{
    if (!strcmp(name, ACPI_FILE_RSDP)) {
        *len = l->rsdp_len, *addr = RSDP_ADDR;
        return l->rsdp;
    }
    if (!strcmp(name, ACPI_FILE_TABLES)) {
        *len = l->tables_len, *addr = TABLES_ADDR;
        return l->tables;
    }
    return NULL;
}

static void run_command(struct loaded *l, const uint8_t *c)
{
    size_t dlen, slen;
    uint32_t daddr, saddr;
    switch (le32(c)) {
    case LOADER_ALLOCATE:
        l->allocations += file_data(l, (const char *)c + 4, &dlen, &daddr) != NULL;
        break;
    case LOADER_ADD_POINTER: {
        uint8_t *dst = file_data(l, (const char *)c + 4, &dlen, &daddr);
        uint8_t *src = file_data(l, (const char *)c + 60, &slen, &saddr);
        uint32_t off = le32(c + 116);
        uint8_t size = c[120];
        if (!dst || !src || off + size > dlen)
            break;
        uint64_t v = 0;
        for (int k = 0; k < size; k++)
            v |= (uint64_t)dst[off + k] << (8 * k);
        v += saddr;
        for (int k = 0; k < size; k++)
            dst[off + k] = (uint8_t)(v >> (8 * k));
        l->pointers++;
        break;
    }
    case LOADER_ADD_CHECKSUM: {
        uint8_t *d = file_data(l, (const char *)c + 4, &dlen, &daddr);
        uint32_t off = le32(c + 60), start = le32(c + 64), len = le32(c + 68);
        if (!d || start + len > dlen || off >= dlen)
            break;
        d[off] = (uint8_t)(d[off] + acpi_checksum(d + start, len));
        l->checksums++;
        break;
    }
    default:
        l->unknown++;
    }
}

static void load(struct loaded *l, const struct acpi_tables *a)
{
    memset(l, 0, sizeof *l);
    l->rsdp = malloc(a->rsdp.len);
    l->tables = malloc(a->tables.len);
    memcpy(l->rsdp, a->rsdp.data, a->rsdp.len);
    memcpy(l->tables, a->tables.data, a->tables.len);
    l->rsdp_len = a->rsdp.len;
    l->tables_len = a->tables.len;
    for (size_t at = 0; at + LOADER_ENTRY_SIZE <= a->loader.len; at += LOADER_ENTRY_SIZE)
        run_command(l, a->loader.data + at);
}

static void unload(struct loaded *l)
{
    free(l->rsdp);
    free(l->tables);
}

/* The loaded table at guest address addr (NULL if outside the blob). */
static const uint8_t *table_at(const struct loaded *l, uint64_t addr)
{
    if (addr < TABLES_ADDR || addr - TABLES_ADDR + 8 > l->tables_len)
        return NULL;
    return l->tables + (addr - TABLES_ADDR);
}

static bool sums_to_zero(const uint8_t *p, size_t len)
{
    return acpi_checksum(p, len) == 0;
}

static void the_loader_script_links_the_tables_and_fixes_every_checksum(struct test_ctx *t)
{
    struct acpi_tables a;
    CHECK_EQ(t, acpi_build(&pc_acpi, &a), 0);
    CHECK_EQ(t, a.loader.len % LOADER_ENTRY_SIZE, 0);
    struct loaded l;
    load(&l, &a);
    CHECK_EQ(t, l.allocations, 2);
    CHECK_EQ(t, l.pointers, 6);
    CHECK_EQ(t, l.checksums, 5);
    CHECK_EQ(t, l.unknown, 0);
    CHECK(t, !memcmp(l.rsdp, "RSD PTR ", 8));
    CHECK(t, sums_to_zero(l.rsdp, 20));
    const uint8_t *rsdt = table_at(&l, le32(l.rsdp + 16));
    if (!CHECK(t, rsdt != NULL) || !CHECK(t, !memcmp(rsdt, "RSDT", 4)))
        goto out;
    CHECK(t, sums_to_zero(rsdt, le32(rsdt + 4)));
    CHECK_EQ(t, le32(rsdt + 4), 36 + 8);                    /* FADT and MADT */
    const uint8_t *madt = table_at(&l, le32(rsdt + 40));
    CHECK(t, madt && !memcmp(madt, "APIC", 4) && sums_to_zero(madt, le32(madt + 4)));
    const uint8_t *fadt = table_at(&l, le32(rsdt + 36));
    if (!CHECK(t, fadt != NULL) || !CHECK(t, !memcmp(fadt, "FACP", 4)))
        goto out;
    CHECK_EQ(t, le32(fadt + 4), 244);
    CHECK(t, sums_to_zero(fadt, 244));
    const uint8_t *facs = table_at(&l, le32(fadt + 36));
    const uint8_t *dsdt = table_at(&l, le32(fadt + 40));
    CHECK(t, facs && !memcmp(facs, "FACS", 4) && le32(facs + 4) == 64);
    CHECK_EQ(t, (le32(fadt + 36) & 63), 0);                 /* FACS 64-byte aligned */
    CHECK(t, dsdt && !memcmp(dsdt, "DSDT", 4) && sums_to_zero(dsdt, le32(dsdt + 4)));
    CHECK_EQ(t, le32(fadt + 140), le32(fadt + 40));          /* X_DSDT = DSDT */
out:
    unload(&l);
    acpi_tables_free(&a);
}

static void the_fadt_describes_the_piix4_pm_blocks_the_sci_and_the_reset_register(struct test_ctx *t)
{
    struct acpi_tables a;
    CHECK_EQ(t, acpi_build(&pc_acpi, &a), 0);
    const uint8_t *f = a.tables.data + a.fadt;
    CHECK_EQ(t, f[46] | f[47] << 8, 9);                     /* SCI_INT */
    CHECK_EQ(t, le32(f + 48), 0xB2);                        /* SMI_CMD */
    CHECK_EQ(t, f[52], 0xF1);
    CHECK_EQ(t, f[53], 0xF0);
    CHECK_EQ(t, le32(f + 56), 0x600);                       /* PM1a_EVT_BLK */
    CHECK_EQ(t, le32(f + 64), 0x604);                       /* PM1a_CNT_BLK */
    CHECK_EQ(t, le32(f + 76), 0x608);                       /* PM_TMR_BLK */
    CHECK_EQ(t, le32(f + 80), 0x60C);                       /* GPE0_BLK */
    CHECK_EQ(t, f[88], 4);
    CHECK_EQ(t, f[89], 2);
    CHECK_EQ(t, f[91], 4);
    CHECK_EQ(t, f[92], 4);
    CHECK_EQ(t, f[108], 0x32);                              /* CENTURY */
    CHECK_EQ(t, le32(f + 112) & (1u << 10), 1u << 10);      /* RESET_REG_SUP */
    CHECK_EQ(t, le32(f + 112) & (1u << 8), 0);              /* 24-bit PM timer */
    CHECK_EQ(t, f[116], 1);                                 /* RESET_REG: system I/O */
    CHECK_EQ(t, le32(f + 120), 0xCF9);
    CHECK_EQ(t, f[128], 6);                                 /* RESET_VALUE */
    CHECK_EQ(t, le32(f + 148 + 4), 0x600);                  /* X_PM1a_EVT_BLK */
    CHECK_EQ(t, le32(f + 208 + 4), 0x608);                  /* X_PM_TMR_BLK */
    acpi_tables_free(&a);
}

/* The MADT entry of a type, the n-th of its kind (NULL if none). */
static const uint8_t *madt_entry(const uint8_t *madt, uint8_t type, unsigned n)
{
    uint32_t len = le32(madt + 4);
    for (uint32_t at = 44; at + 2 <= len && madt[at + 1] >= 2; at += madt[at + 1])
        if (madt[at] == type && n-- == 0)
            return madt + at;
    return NULL;
}

static void the_madt_lists_the_local_apic_the_io_apic_irq0_on_gsi2_and_lint1_nmi(
    struct test_ctx *t)
{
    struct acpi_tables a;
    CHECK_EQ(t, acpi_build(&pc_acpi, &a), 0);
    const uint8_t *m = a.tables.data + a.madt;
    CHECK(t, !memcmp(m, "APIC", 4));
    CHECK_EQ(t, le32(m + 36), 0xFEE00000);                  /* local APIC address */
    CHECK_EQ(t, le32(m + 40), 1);                           /* PCAT_COMPAT: 8259s too */
    const uint8_t *lapic = madt_entry(m, 0, 0);
    if (CHECK(t, lapic != NULL)) {
        CHECK_EQ(t, lapic[1], 8);
        CHECK_EQ(t, lapic[2], 0);                           /* \_PR.CPU0's processor ID */
        CHECK_EQ(t, lapic[3], 0);                           /* APIC ID */
        CHECK_EQ(t, le32(lapic + 4), 1);                    /* enabled */
    }
    const uint8_t *ioapic = madt_entry(m, 1, 0);
    if (CHECK(t, ioapic != NULL)) {
        CHECK_EQ(t, ioapic[1], 12);
        CHECK_EQ(t, ioapic[2], 0);                          /* I/O APIC ID */
        CHECK_EQ(t, le32(ioapic + 4), 0xFEC00000);
        CHECK_EQ(t, le32(ioapic + 8), 0);                   /* GSI base */
    }
    const uint8_t *irq0 = madt_entry(m, 2, 0), *sci = madt_entry(m, 2, 1);
    if (CHECK(t, irq0 != NULL && sci != NULL)) {
        CHECK_EQ(t, irq0[2], 0);                            /* ISA */
        CHECK_EQ(t, irq0[3], 0);
        CHECK_EQ(t, le32(irq0 + 4), 2);
        CHECK_EQ(t, irq0[8] | irq0[9] << 8, 0);             /* conforms to ISA: edge, high */
        CHECK_EQ(t, sci[3], 9);
        CHECK_EQ(t, le32(sci + 4), 9);
        CHECK_EQ(t, sci[8] | sci[9] << 8, 0x000D);          /* level, active high */
    }
    CHECK(t, madt_entry(m, 2, 2) == NULL);
    const uint8_t *nmi = madt_entry(m, 4, 0);
    if (CHECK(t, nmi != NULL)) {
        CHECK_EQ(t, nmi[1], 6);
        CHECK_EQ(t, nmi[2], 0xFF);                          /* every processor */
        CHECK_EQ(t, nmi[5], 1);                             /* LINT1 */
    }
    acpi_tables_free(&a);
}

/* ---- a structural walk of the DSDT's AML, as SeaBIOS's parser does it ---- */

struct aml_walk {
    const uint8_t *aml;
    size_t len;
    bool error;
    char devices[32][5];
    uint32_t hids[32];
    unsigned ndevices;
    int current;                /* device being walked, or -1 */
};

static size_t pkglength(const uint8_t *p, size_t *value)
{
    unsigned extra = p[0] >> 6;
    *value = extra ? (size_t)(p[0] & 0x0F) : (size_t)(p[0] & 0x3F);
    for (unsigned k = 0; k < extra; k++)
        *value |= (size_t)p[1 + k] << (4 + 8 * k);
    return 1 + extra;
}

static size_t namestring(const uint8_t *p, char last[5])
{
    size_t at = 0;
    while (p[at] == '\\' || p[at] == '^')
        at++;
    size_t segs = 1;
    if (p[at] == 0x00)
        return at + 1;
    if (p[at] == 0x2E)
        segs = 2, at++;
    else if (p[at] == 0x2F)
        segs = p[at + 1], at += 2;
    memcpy(last, p + at + 4 * (segs - 1), 4);
    last[4] = 0;
    return at + 4 * segs;
}

static size_t data_object(struct aml_walk *w, const uint8_t *p)
{
    size_t v;
    switch (p[0]) {
    case 0x00: case 0x01: return 1;
    case 0x0A: return 2;
    case 0x0B: return 3;
    case 0x0C: return 5;
    case 0x0D: return strlen((const char *)p + 1) + 2;
    case 0x11: case 0x12: return 1 + (pkglength(p + 1, &v), v);
    default: w->error = true; return 1;
    }
}

static void walk_terms(struct aml_walk *w, const uint8_t *p, size_t len);

static size_t walk_block(struct aml_walk *w, const uint8_t *p, bool device)
{
    size_t v, at = pkglength(p, &v);
    char name[5];
    at += namestring(p + at, name);
    int outer = w->current;
    if (device && w->ndevices < 32) {
        memcpy(w->devices[w->ndevices], name, 5);
        w->current = (int)w->ndevices++;
    }
    if (at > v)
        w->error = true;
    else
        walk_terms(w, p + at, v - at);
    w->current = outer;
    return v;
}

static size_t walk_term(struct aml_walk *w, const uint8_t *p)
{
    size_t v;
    char name[5];
    switch (p[0]) {
    case 0x08: {
        size_t at = 1 + namestring(p + 1, name);
        if (!strcmp(name, "_HID") && w->current >= 0 && p[at] == 0x0C)
            w->hids[w->current] = (uint32_t)p[at + 1] << 24 | (uint32_t)p[at + 2] << 16 |
                                  (uint32_t)p[at + 3] << 8 | p[at + 4];
        return at + data_object(w, p + at);
    }
    case 0x10: return 1 + walk_block(w, p + 1, false);
    case 0x14: return 1 + (pkglength(p + 1, &v), v);
    case 0x5B:
        switch (p[1]) {
        case 0x80: {
            size_t at = 2 + namestring(p + 2, name) + 1;
            at += data_object(w, p + at);
            return at + data_object(w, p + at);
        }
        case 0x81: case 0x83: return 2 + (pkglength(p + 2, &v), v);
        case 0x82: return 2 + walk_block(w, p + 2, true);
        default: break;
        }
        break;
    default: break;
    }
    w->error = true;
    return 1;
}

static void walk_terms(struct aml_walk *w, const uint8_t *p, size_t len)
{
    size_t at = 0;
    while (at < len && !w->error)
        at += walk_term(w, p + at);
    if (at != len)
        w->error = true;
}

static uint32_t hid_of(const struct aml_walk *w, const char *device)
{
    for (unsigned k = 0; k < w->ndevices; k++)
        if (!strcmp(w->devices[k], device))
            return w->hids[k];
    return 0;
}

static void the_dsdt_parses_the_way_seabios_reads_it_and_names_the_devices(struct test_ctx *t)
{
    struct acpi_tables a;
    CHECK_EQ(t, acpi_build(&pc_acpi, &a), 0);
    const uint8_t *dsdt = a.tables.data + a.dsdt;
    struct aml_walk w = { .current = -1 };
    walk_terms(&w, dsdt + 36, le32(dsdt + 4) - 36);
    CHECK(t, !w.error);
    CHECK_EQ(t, hid_of(&w, "PCI0"), 0x41D00A03);            /* EisaId("PNP0A03") */
    CHECK_EQ(t, hid_of(&w, "KBD_"), 0x41D00303);
    CHECK_EQ(t, hid_of(&w, "MOU_"), 0x41D00F13);
    CHECK_EQ(t, hid_of(&w, "FDC0"), 0x41D00700);
    CHECK_EQ(t, hid_of(&w, "COM1"), 0x41D00501);
    CHECK_EQ(t, hid_of(&w, "RTC_"), 0x41D00B00);
    CHECK_EQ(t, hid_of(&w, "LNKD"), 0x41D00C0F);
    CHECK_EQ(t, hid_of(&w, "LPT_"), 0);                     /* no parallel port */
    acpi_tables_free(&a);
}

static void the_dsdt_sleeps_to_s5_with_the_piix4_soft_off_type(struct test_ctx *t)
{
    struct acpi_tables a;
    CHECK_EQ(t, acpi_build(&pc_acpi, &a), 0);
    const uint8_t *dsdt = a.tables.data + a.dsdt;
    size_t len = le32(dsdt + 4);
    /* Name(_S5, Package(4) { Zero, Zero, Zero, Zero }) */
    static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    bool found = false;
    for (size_t k = 0; k + sizeof s5 <= len && !found; k++)
        found = !memcmp(dsdt + k, s5, sizeof s5);
    CHECK(t, found);
    acpi_tables_free(&a);
}

static const struct test port_tests[] = {
    TEST(the_signature_reads_qemu_through_the_data_port),
    TEST(the_id_announces_the_dma_interface),
    TEST(items_are_little_endian_and_read_as_zeros_past_their_end),
    TEST(selecting_a_key_starts_it_again_from_its_first_byte),
    TEST(the_file_directory_lists_files_big_endian_with_their_selectors),
    TEST(a_dma_read_selects_copies_and_clears_its_control_word),
    TEST(dma_skip_advances_and_a_dma_write_reports_an_error),
    TEST(the_dma_register_reads_back_the_qemu_cfg_signature),
};

static const struct test file_tests[] = {
    TEST(the_bootorder_file_lists_devices_in_the_order_asked),
    TEST(the_e820_file_gives_all_ram_from_zero_as_qemu_does),
};

static const struct test acpi_tests[] = {
    TEST(the_loader_script_links_the_tables_and_fixes_every_checksum),
    TEST(the_fadt_describes_the_piix4_pm_blocks_the_sci_and_the_reset_register),
    TEST(the_madt_lists_the_local_apic_the_io_apic_irq0_on_gsi2_and_lint1_nmi),
    TEST(the_dsdt_parses_the_way_seabios_reads_it_and_names_the_devices),
    TEST(the_dsdt_sleeps_to_s5_with_the_piix4_soft_off_type),
};

int main(int argc, char **argv)
{
    static const struct suite ports = SUITE("fw_cfg ports and DMA", port_tests);
    static const struct suite files = SUITE("fw_cfg files of the PC", file_tests);
    static const struct suite acpi = SUITE("ACPI tables and the linker/loader", acpi_tests);
    const struct suite *const suites[] = { &ports, &files, &acpi };
    return harness_run(argc, argv, suites, 3);
}
