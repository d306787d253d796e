/* Linux kernel boot through the BIOS or without it; see linux_boot.h.
 * Offsets are those of struct setup_header and struct boot_params in the
 * kernel's Documentation/arch/x86/boot.rst and zero-page.rst. */
#include "linux_boot.h"

#include <stdlib.h>
#include <string.h>

#include "acpi_loader.h"
#include "e820.h"
#include "fw_cfg.h"
#include "machine.h"
#include "pci.h"
#include "piix3.h"
#include "piix4_pm.h"
#include "piix_ide.h"
#include "segment.h"

/* Setup header fields (offsets in the bzImage and in the zero page). */
#define HDR_SETUP_SECTS     0x1F1
#define HDR_BOOT_FLAG       0x1FE
#define HDR_JUMP            0x200
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_CODE32_START    0x214
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21C
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_CMDLINE_SIZE    0x238
#define HDR_INIT_SIZE       0x260

/* Zero page fields outside the setup header. */
#define ZP_EXT_MEM_K        0x002
#define ZP_ORIG_VIDEO_MODE  0x006
#define ZP_ORIG_VIDEO_COLS  0x007
#define ZP_ORIG_VIDEO_LINES 0x00E
#define ZP_ORIG_VIDEO_ISVGA 0x00F
#define ZP_ORIG_VIDEO_POINTS 0x010
#define ZP_ACPI_RSDP_ADDR   0x070
#define ZP_ALT_MEM_K        0x1E0
#define ZP_E820_ENTRIES     0x1E8
#define ZP_E820_TABLE       0x2D0

#define LOADED_HIGH         0x01
#define CAN_USE_HEAP        0x80
#define MIN_PROTOCOL        0x0206  /* cmdline_size, initrd_addr_max */
#define BOOT_CS             0x10    /* __BOOT_CS */
#define BOOT_DS             0x18    /* __BOOT_DS */
#define LOADER_UNDEFINED    0xFF    /* type_of_loader: "no assigned ID" */
#define PAGE_MASK           0xFFFull

/* The BIOS data area: the EBDA segment and the base memory size in KiB. */
#define BDA_EBDA_SEG        0x40E
#define BDA_BASE_MEM_K      0x413

/* The I/O blocks SeaBIOS gives the PIIX4 (and the DSDT describes). */
#define PM_IO_BASE          0x600
#define SMB_IO_BASE         0x700

static uint32_t get16(const uint8_t *p, size_t off) { return p[off] | (uint32_t)p[off + 1] << 8; }
static uint32_t get32(const uint8_t *p, size_t off) { return get16(p, off) | get16(p, off + 2) << 16; }
static void put16(uint8_t *p, size_t off, uint32_t v) { p[off] = (uint8_t)v; p[off + 1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, size_t off, uint32_t v) { put16(p, off, v); put16(p, off + 2, v >> 16); }

/* What the checks found: sizes, and where the pieces go. */
struct linux_plan {
    size_t setup_size;          /* the real-mode part, boot sector included */
    size_t pm_size;             /* the protected-mode part */
    uint64_t kernel_end;        /* LINUX_KERNEL + what it needs to unpack */
    size_t cmdline_len;         /* without the NUL */
    uint32_t initrd_addr;       /* 0 without an initrd */
};

static int fail(FILE *err, const char *what)
{
    fprintf(err, "ember: -kernel: %s\n", what);
    return -1;
}

/* Is this a bzImage we can boot? */
static int check_header(const struct linux_boot *lb, FILE *err)
{
    const uint8_t *k = lb->kernel;
    if (lb->kernel_size < 0x1000 || get16(k, HDR_BOOT_FLAG) != 0xAA55 ||
        memcmp(k + HDR_MAGIC, "HdrS", 4) != 0)
        return fail(err, "not a Linux bzImage (no 'HdrS' setup header)");
    if (get16(k, HDR_VERSION) < MIN_PROTOCOL)
        return fail(err, "boot protocol older than 2.06: too old a kernel");
    if (!(k[HDR_LOADFLAGS] & LOADED_HIGH))
        return fail(err, "a zImage (loaded low): only bzImage kernels are supported");
    return 0;
}

/* The checks both paths share; initrd_top is the end of the RAM the
 * initrd may use. Fills plan, or prints one line and returns -1. */
static int plan_boot(const struct linux_boot *lb, uint32_t ram_size, uint64_t initrd_top,
                     struct linux_plan *plan, FILE *err)
{
    if (check_header(lb, err) < 0)
        return -1;
    const uint8_t *k = lb->kernel;
    unsigned sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    plan->setup_size = (sects + 1) * 512u;
    if (plan->setup_size >= lb->kernel_size)
        return fail(err, "the setup header claims more sectors than the file has");
    plan->pm_size = lb->kernel_size - plan->setup_size;
    uint32_t init_size = get32(k, HDR_INIT_SIZE);
    plan->kernel_end = (uint64_t)LINUX_KERNEL + (init_size > plan->pm_size ? init_size : plan->pm_size);
    if (plan->kernel_end > ram_size) {
        fprintf(err, "ember: -kernel: the kernel needs %llu MiB of RAM to unpack; give more with -m\n",
                (unsigned long long)((plan->kernel_end + 0xFFFFF) >> 20));
        return -1;
    }

    plan->cmdline_len = lb->cmdline ? strlen(lb->cmdline) : 0;
    uint32_t cmdline_max = get32(k, HDR_CMDLINE_SIZE);
    if (plan->cmdline_len > cmdline_max) {
        fprintf(err, "ember: -append: the command line is %zu bytes; this kernel takes at most %u\n",
                plan->cmdline_len, cmdline_max);
        return -1;
    }

    plan->initrd_addr = 0;
    if (lb->initrd) {
        uint64_t top = (uint64_t)get32(k, HDR_INITRD_ADDR_MAX) + 1;
        if (top > initrd_top)
            top = initrd_top;
        if (lb->initrd_size > top || ((top - lb->initrd_size) & ~PAGE_MASK) < plan->kernel_end) {
            fprintf(err, "ember: -initrd: %zu KiB does not fit between the kernel and "
                         "the highest address it may use (%u MiB of RAM): give more with -m\n",
                    lb->initrd_size >> 10, ram_size >> 20);
            return -1;
        }
        plan->initrd_addr = (uint32_t)((top - lb->initrd_size) & ~PAGE_MASK);
    }
    return 0;
}

/* The setup header fields a boot loader fills in (hdr holds the header at
 * its bzImage offsets: the real-mode part, or the zero page). */
static void fill_header(uint8_t *hdr, const struct linux_boot *lb, const struct linux_plan *plan,
                        uint32_t cmdline_addr)
{
    hdr[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    put32(hdr, HDR_CMD_LINE_PTR, cmdline_addr);
    put32(hdr, HDR_RAMDISK_IMAGE, plan->initrd_addr);
    put32(hdr, HDR_RAMDISK_SIZE, lb->initrd ? (uint32_t)lb->initrd_size : 0);
}

/* ------------------------------------------------------------------------
 * Through the BIOS */

/* The ROM with its two checksums: the PnP header's and the whole image's
 * (its last byte). NULL when out of memory. */
static uint8_t *finished_rom(size_t *size)
{
    uint8_t *rom = malloc(linuxboot_rom_size);
    if (!rom)
        return NULL;
    memcpy(rom, linuxboot_rom, linuxboot_rom_size);
    size_t pnp = get16(rom, 0x1A);
    size_t pnp_len = (size_t)rom[pnp + 5] * 16;
    uint8_t sum = 0;
    rom[pnp + 9] = 0;
    for (size_t k = 0; k < pnp_len; k++)
        sum = (uint8_t)(sum + rom[pnp + k]);
    rom[pnp + 9] = (uint8_t)-sum;
    sum = 0;
    for (size_t k = 0; k + 1 < linuxboot_rom_size; k++)
        sum = (uint8_t)(sum + rom[k]);
    rom[linuxboot_rom_size - 1] = (uint8_t)-sum;
    *size = linuxboot_rom_size;
    return rom;
}

/* "bootorder" with the ROM first, then what the board listed. */
static int rom_first_in_bootorder(struct fw_cfg *f)
{
    static const char rom_path[] = "/rom@" LINUXBOOT_ROM_FILE;
    const struct fw_cfg_item *old = fw_cfg_find_file(f, "bootorder");
    size_t old_len = old ? strnlen((const char *)old->data, old->len) : 0;
    size_t len = sizeof rom_path + (old_len ? old_len + 1 : 0);
    char *order = malloc(len);
    if (!order)
        return -1;
    memcpy(order, rom_path, sizeof rom_path - 1);
    size_t pos = sizeof rom_path - 1;
    if (old_len) {
        order[pos++] = '\n';
        memcpy(order + pos, old->data, old_len);
        pos += old_len;
    }
    order[pos] = 0;
    int rc = fw_cfg_add_file(f, "bootorder", order, (uint32_t)len);
    free(order);
    return rc;
}

int linux_boot_bios(struct machine *m, const struct linux_boot *lb, FILE *err)
{
    uint32_t ram_size = m->mem->ram_size;
    struct linux_plan plan;
    uint64_t initrd_top = ram_size > LINUX_BIOS_HIGH_RESERVE ? ram_size - LINUX_BIOS_HIGH_RESERVE : 0;
    if (plan_boot(lb, ram_size, initrd_top, &plan, err) < 0)
        return -1;
    if (plan.setup_size > LINUX_HEAP_END - 0x200)
        return fail(err, "the real-mode setup code is larger than the loader's 55 KiB for it");
    if (plan.cmdline_len + 1 > LINUX_BIOS_CMDLINE_ROOM)
        return fail(err, "the command line is longer than the loader's 8 KiB for it");

    struct fw_cfg *f = m->pc.fw_cfg;
    uint8_t *setup = malloc(plan.setup_size);
    size_t rom_size = 0;
    uint8_t *rom = finished_rom(&rom_size);
    if (!setup || !rom) {
        free(setup);
        free(rom);
        return fail(err, "out of memory");
    }
    memcpy(setup, lb->kernel, plan.setup_size);
    fill_header(setup, lb, &plan, LINUX_BIOS_CMDLINE);
    setup[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    put16(setup, HDR_HEAP_END_PTR, LINUX_HEAP_END - 0x200);

    const char *cmdline = lb->cmdline ? lb->cmdline : "";
    int rc = 0;
    rc |= fw_cfg_add_i32(f, FW_CFG_SETUP_ADDR, LINUX_REAL_MODE);
    rc |= fw_cfg_add_i32(f, FW_CFG_SETUP_SIZE, (uint32_t)plan.setup_size);
    rc |= fw_cfg_add_bytes(f, FW_CFG_SETUP_DATA, setup, (uint32_t)plan.setup_size);
    rc |= fw_cfg_add_i32(f, FW_CFG_KERNEL_ADDR, LINUX_KERNEL);
    rc |= fw_cfg_add_i32(f, FW_CFG_KERNEL_SIZE, (uint32_t)plan.pm_size);
    rc |= fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, lb->kernel + plan.setup_size, (uint32_t)plan.pm_size);
    rc |= fw_cfg_add_i32(f, FW_CFG_CMDLINE_ADDR, LINUX_BIOS_CMDLINE);
    rc |= fw_cfg_add_i32(f, FW_CFG_CMDLINE_SIZE, (uint32_t)plan.cmdline_len + 1);
    rc |= fw_cfg_add_bytes(f, FW_CFG_CMDLINE_DATA, cmdline, (uint32_t)plan.cmdline_len + 1);
    rc |= fw_cfg_add_i32(f, FW_CFG_INITRD_ADDR, plan.initrd_addr);
    rc |= fw_cfg_add_i32(f, FW_CFG_INITRD_SIZE, lb->initrd ? (uint32_t)lb->initrd_size : 0);
    rc |= fw_cfg_add_bytes(f, FW_CFG_INITRD_DATA, lb->initrd, lb->initrd ? (uint32_t)lb->initrd_size : 0);
    rc |= fw_cfg_add_file(f, LINUXBOOT_ROM_FILE, rom, (uint32_t)rom_size);
    rc |= rom_first_in_bootorder(f);
    free(setup);
    free(rom);
    if (rc)
        return fail(err, "out of memory for the fw_cfg kernel items");
    return 0;
}

/* ------------------------------------------------------------------------
 * Without a BIOS */

/* PCI interrupts as SeaBIOS routes them: PIRQA-D to ISA IRQs 10, 10, 11,
 * 11, and each function's interrupt line set to where its pin arrives
 * (slot s, pin INTx -> PIRQ (s + x) mod 4, the swizzle the DSDT's _PRT
 * describes). */
static void route_pci_interrupts(struct piix3 *isa)
{
    static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };
    struct pci_bus *bus = isa->pci.bus;
    for (int k = 0; k < 4; k++)
        pci_config_write(bus, isa->pci.devfn, PIIX3_PIRQRC + (uint32_t)k, pirq_irq[k], 1);
    for (unsigned devfn = 0; devfn < 256; devfn++) {
        const struct pci_device *d = pci_bus_device(bus, (uint8_t)devfn);
        int pirq = d ? pci_pirq_of(d) : -1;
        if (pirq >= 0)
            pci_config_write(bus, (uint8_t)devfn, PCI_INTERRUPT_LINE, pirq_irq[pirq], 1);
    }
}

/* What SeaBIOS's POST would have done that the kernel relies on: the
 * PIIX4 PM block (ACPI PM timer, PM1 control for S5) and SMBus at the
 * addresses the DSDT names, PCI interrupt routing, the IDE decode. */
static void platform_setup(struct machine *m)
{
    struct pc *pc = &m->pc;
    if (pc->isa_bridge)
        route_pci_interrupts(pc->isa_bridge);
    if (pc->pm) {
        struct pci_bus *bus = pc->pm->pci.bus;
        uint8_t devfn = pc->pm->pci.devfn;
        pci_config_write(bus, devfn, PIIX4_PM_PMBA, PM_IO_BASE | 1, 4);
        pci_config_write(bus, devfn, PIIX4_PM_PMREGMISC, 0x01, 1);        /* PMIOSE */
        pci_config_write(bus, devfn, PIIX4_PM_SMBBA, SMB_IO_BASE | 1, 4);
        pci_config_write(bus, devfn, PIIX4_PM_SMBHSTCFG, 0x09, 1);        /* HST_EN, IRQ 9 */
        uint32_t cmd = pci_config_read(bus, devfn, PCI_COMMAND, 2);
        pci_config_write(bus, devfn, PCI_COMMAND, cmd | PCI_COMMAND_IO, 2);
    }
    if (pc->ide)
        piix_ide_firmware_setup(pc->ide);
}

/* The memory map: conventional memory up to the EBDA, the EBDA and the
 * BIOS area reserved, RAM from 1 MiB up to the ACPI tables, which are
 * ACPI data to the top of RAM. */
static size_t direct_boot_map(uint32_t ram_size, uint32_t acpi_base, struct e820_entry *map)
{
    size_t n = 0;
    map[n++] = (struct e820_entry){ 0, LINUX_EBDA, E820_RAM };
    map[n++] = (struct e820_entry){ LINUX_EBDA, LINUX_EBDA_SIZE, E820_RESERVED };
    map[n++] = (struct e820_entry){ 0xF0000, 0x10000, E820_RESERVED };
    if (acpi_base > LINUX_KERNEL)
        map[n++] = (struct e820_entry){ LINUX_KERNEL, acpi_base - LINUX_KERNEL, E820_RAM };
    if (ram_size > acpi_base)
        map[n++] = (struct e820_entry){ acpi_base, ram_size - acpi_base, E820_ACPI };
    return n;
}

static void write_zero_page(const struct linux_boot *lb, const struct linux_plan *plan,
                            struct phys_mem *mem, uint32_t acpi_base, uint32_t rsdp)
{
    uint8_t zp[4096];
    const uint8_t *k = lb->kernel;
    memset(zp, 0, sizeof zp);
    /* The setup header runs from 0x1F1 to 0x202 + the byte at 0x201. */
    size_t hdr_end = 0x202u + k[HDR_JUMP + 1];
    memcpy(zp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    fill_header(zp, lb, plan, LINUX_CMDLINE);

    /* An 80x25 colour VGA text console (screen_info). */
    zp[ZP_ORIG_VIDEO_MODE] = 3;
    zp[ZP_ORIG_VIDEO_COLS] = 80;
    zp[ZP_ORIG_VIDEO_LINES] = 25;
    zp[ZP_ORIG_VIDEO_ISVGA] = 0x22;     /* VIDEO_TYPE_VGAC */
    put16(zp, ZP_ORIG_VIDEO_POINTS, 16);

    uint32_t ext_k = mem->ram_size > 0x100000 ? (mem->ram_size - 0x100000) / 1024 : 0;
    put16(zp, ZP_EXT_MEM_K, ext_k > 0xFFFF ? 0xFFFF : ext_k);
    put32(zp, ZP_ALT_MEM_K, ext_k);
    put32(zp, ZP_ACPI_RSDP_ADDR, rsdp);  /* a u64; the high half stays 0 */

    struct e820_entry map[E820_MAX_ENTRIES];
    size_t n = direct_boot_map(mem->ram_size, acpi_base, map);
    zp[ZP_E820_ENTRIES] = (uint8_t)n;
    e820_encode(map, n, zp + ZP_E820_TABLE);
    phys_write_block(mem, LINUX_ZERO_PAGE, zp, sizeof zp);
}

/* A GDT with the flat __BOOT_CS and __BOOT_DS the protocol asks for, and
 * the CPU in 32-bit protected mode at the kernel's entry. */
static void enter_kernel(struct phys_mem *mem, struct cpu *cpu, uint32_t entry)
{
    static const uint32_t gdt[8] = {
        0, 0, 0, 0,
        0x0000FFFFu, 0x00CF9A00u,   /* 0x10: code, base 0, 4 GiB */
        0x0000FFFFu, 0x00CF9200u,   /* 0x18: data, base 0, 4 GiB */
    };
    for (unsigned k = 0; k < 8; k++)
        phys_write(mem, LINUX_GDT + 4 * k, gdt[k], 4);
    cpu->gdtr.base = LINUX_GDT;
    cpu->gdtr.limit = sizeof gdt - 1;
    for (int s = 0; s < SEG_COUNT; s++)
        seg_from_desc(&cpu->seg[s], BOOT_DS, gdt[6], gdt[7] | (AR_A << 8));
    seg_from_desc(&cpu->seg[CS], BOOT_CS, gdt[4], gdt[5] | (AR_A << 8));
    cpu->cpl = 0;
    cpu_set_eflags(cpu, 0, 0xFFFFFFFFu);
    cpu_set_cr0(cpu, cpu->cr0 | CR0_PE);
    for (int r = 0; r < 8; r++)
        cpu->reg[r] = 0;
    cpu->reg[ESI] = LINUX_ZERO_PAGE;
    cpu->eip = entry;
}

int linux_boot_direct(struct machine *m, const struct linux_boot *lb, FILE *err)
{
    struct phys_mem *mem = m->mem;
    uint32_t ram_size = mem->ram_size;
    if (ram_size < LINUX_KERNEL + LINUX_ACPI_ROOM)
        return fail(err, "too little RAM for a kernel: give more with -m");
    if (check_header(lb, err) < 0)
        return -1;

    /* The ACPI tables first: the initrd goes below them. */
    struct acpi_placement acpi = {
        .high_top = ram_size, .high_limit = ram_size - LINUX_ACPI_ROOM,
        .low_base = LINUX_EBDA, .low_size = LINUX_EBDA_SIZE,
    };
    if (m->pc.fw_cfg && acpi_loader_run(m->pc.fw_cfg, mem, &acpi, err) < 0)
        return -1;
    uint32_t acpi_base = acpi.high_base & ~(uint32_t)PAGE_MASK;

    struct linux_plan plan;
    if (plan_boot(lb, ram_size, acpi_base, &plan, err) < 0)
        return -1;
    if (plan.cmdline_len + 1 > LINUX_GDT - LINUX_CMDLINE)
        return fail(err, "the command line is longer than the loader's 4 KiB for it");

    platform_setup(m);
    phys_write(mem, BDA_EBDA_SEG, LINUX_EBDA >> 4, 2);
    phys_write(mem, BDA_BASE_MEM_K, LINUX_EBDA >> 10, 2);
    if (lb->initrd)
        phys_write_block(mem, plan.initrd_addr, lb->initrd, lb->initrd_size);
    phys_write_block(mem, LINUX_KERNEL, lb->kernel + plan.setup_size, plan.pm_size);
    phys_write_block(mem, LINUX_CMDLINE, lb->cmdline ? lb->cmdline : "", plan.cmdline_len);
    phys_write(mem, LINUX_CMDLINE + (uint32_t)plan.cmdline_len, 0, 1);
    write_zero_page(lb, &plan, mem, acpi_base, acpi.rsdp);
    enter_kernel(mem, m->cpu, get32(lb->kernel, HDR_CODE32_START));
    return 0;
}
