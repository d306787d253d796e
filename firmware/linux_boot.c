/* Direct Linux kernel boot without a BIOS; see linux_boot.h. Offsets are
 * those of struct setup_header and struct boot_params in the kernel's
 * Documentation/arch/x86/boot.rst and zero-page.rst. */
#include "linux_boot.h"

#include <string.h>

#include "e820.h"
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
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_CMDLINE_SIZE    0x238
#define HDR_INIT_SIZE       0x260

/* Zero page fields outside the setup header. */
#define ZP_ORIG_VIDEO_MODE  0x006
#define ZP_ORIG_VIDEO_COLS  0x007
#define ZP_ORIG_VIDEO_LINES 0x00E
#define ZP_ORIG_VIDEO_ISVGA 0x00F
#define ZP_ORIG_VIDEO_POINTS 0x010
#define ZP_EXT_MEM_K        0x002
#define ZP_ALT_MEM_K        0x1E0
#define ZP_E820_ENTRIES     0x1E8
#define ZP_E820_TABLE       0x2D0
#define ZP_E820_MAX         128

#define LOADED_HIGH         0x01
#define MIN_PROTOCOL        0x0206  /* cmdline_size, initrd_addr_max */
#define BOOT_CS             0x10    /* __BOOT_CS */
#define BOOT_DS             0x18    /* __BOOT_DS */
#define LOADER_UNDEFINED    0xFF    /* type_of_loader: "no assigned ID" */

static uint32_t get16(const uint8_t *p, size_t off) { return p[off] | (uint32_t)p[off + 1] << 8; }
static uint32_t get32(const uint8_t *p, size_t off) { return get16(p, off) | get16(p, off + 2) << 16; }
static void put16(uint8_t *p, size_t off, uint32_t v) { p[off] = (uint8_t)v; p[off + 1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, size_t off, uint32_t v) { put16(p, off, v); put16(p, off + 2, v >> 16); }

static int fail(FILE *err, const char *what)
{
    fprintf(err, "ember: -kernel: %s\n", what);
    return -1;
}

/* Is this a bzImage we can boot with the 32-bit protocol? */
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

static size_t setup_bytes(const uint8_t *k)
{
    unsigned sects = k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4;
    return (sects + 1) * 512u;
}

/* The PC's memory map without a BIOS in the way: conventional memory up
 * to the EBDA, the BIOS area reserved, and everything from 1 MiB. */
static size_t direct_boot_map(uint32_t ram_size, struct e820_entry *map)
{
    size_t n = 0;
    map[n++] = (struct e820_entry){ 0, 0x9FC00, E820_RAM };
    map[n++] = (struct e820_entry){ 0x9FC00, 0x400, E820_RESERVED };
    map[n++] = (struct e820_entry){ 0xF0000, 0x10000, E820_RESERVED };
    if (ram_size > 0x100000)
        map[n++] = (struct e820_entry){ 0x100000, ram_size - 0x100000u, E820_RAM };
    return n;
}

static void write_zero_page(const struct linux_boot *lb, struct phys_mem *mem,
                            uint32_t initrd_addr)
{
    uint8_t zp[4096];
    const uint8_t *k = lb->kernel;
    memset(zp, 0, sizeof zp);
    /* The setup header runs from 0x1F1 to 0x202 + the byte at 0x201. */
    size_t hdr_end = 0x202u + k[HDR_JUMP + 1];
    memcpy(zp + HDR_SETUP_SECTS, k + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
    zp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    put32(zp, HDR_CMD_LINE_PTR, LINUX_CMDLINE);
    put32(zp, HDR_RAMDISK_IMAGE, lb->initrd ? initrd_addr : 0);
    put32(zp, HDR_RAMDISK_SIZE, lb->initrd ? (uint32_t)lb->initrd_size : 0);

    /* An 80x25 colour VGA text console (screen_info). */
    zp[ZP_ORIG_VIDEO_MODE] = 3;
    zp[ZP_ORIG_VIDEO_COLS] = 80;
    zp[ZP_ORIG_VIDEO_LINES] = 25;
    zp[ZP_ORIG_VIDEO_ISVGA] = 0x22;     /* VIDEO_TYPE_VGAC */
    put16(zp, ZP_ORIG_VIDEO_POINTS, 16);

    uint32_t ext_k = mem->ram_size > 0x100000 ? (mem->ram_size - 0x100000) / 1024 : 0;
    put16(zp, ZP_EXT_MEM_K, ext_k > 0xFFFF ? 0xFFFF : ext_k);
    put32(zp, ZP_ALT_MEM_K, ext_k);

    struct e820_entry map[E820_MAX_ENTRIES];
    size_t n = direct_boot_map(mem->ram_size, map);
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

int linux_boot_load(const struct linux_boot *lb, struct phys_mem *mem, struct cpu *cpu,
                    FILE *err)
{
    if (check_header(lb, err) < 0)
        return -1;
    const uint8_t *k = lb->kernel;
    size_t setup = setup_bytes(k);
    if (setup >= lb->kernel_size)
        return fail(err, "the setup header claims more sectors than the file has");
    size_t pm_size = lb->kernel_size - setup;
    uint32_t init_size = get32(k, HDR_INIT_SIZE);
    uint64_t kernel_end = (uint64_t)LINUX_KERNEL + (init_size > pm_size ? init_size : pm_size);
    if (kernel_end > mem->ram_size) {
        fprintf(err, "ember: -kernel: the kernel needs %llu MiB of RAM to unpack; give more with -m\n",
                (unsigned long long)((kernel_end + 0xFFFFF) >> 20));
        return -1;
    }

    size_t cmdline_len = lb->cmdline ? strlen(lb->cmdline) : 0;
    uint32_t cmdline_max = get32(k, HDR_CMDLINE_SIZE);
    if (cmdline_len > cmdline_max) {
        fprintf(err, "ember: -append: the command line is %zu bytes; this kernel takes at most %u\n",
                cmdline_len, cmdline_max);
        return -1;
    }

    uint32_t initrd_addr = 0;
    if (lb->initrd) {
        uint64_t top = (uint64_t)get32(k, HDR_INITRD_ADDR_MAX) + 1;
        if (top > mem->ram_size)
            top = mem->ram_size;
        if (lb->initrd_size > top || ((top - lb->initrd_size) & ~0xFFFull) < kernel_end) {
            fprintf(err, "ember: -initrd: %zu KiB does not fit between the kernel and "
                         "the highest address it may use (%llu MiB of RAM): give more with -m\n",
                    lb->initrd_size >> 10, (unsigned long long)(mem->ram_size >> 20));
            return -1;
        }
        initrd_addr = (uint32_t)((top - lb->initrd_size) & ~0xFFFull);
        phys_write_block(mem, initrd_addr, lb->initrd, lb->initrd_size);
    }

    phys_write_block(mem, LINUX_KERNEL, k + setup, pm_size);
    phys_write_block(mem, LINUX_CMDLINE, lb->cmdline ? lb->cmdline : "", cmdline_len);
    phys_write(mem, LINUX_CMDLINE + (uint32_t)cmdline_len, 0, 1);
    write_zero_page(lb, mem, initrd_addr);
    enter_kernel(mem, cpu, get32(k, HDR_CODE32_START));
    return 0;
}
