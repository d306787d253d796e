/* MMU unit tests: the physical address space (mmu/memory.h), the page walk
 * (mmu/paging.h, Intel SDM vol. 3 4.3, 4.6, 4.8, 4.10) and the software
 * TLB's flushes (mmu/tlb.h). No CPU here: page_walk and the TLB are called
 * directly. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "memory.h"
#include "paging.h"
#include "tlb.h"

#define MIB (1u << 20)

/* ---- helpers ---- */

struct mmio_log {
    unsigned reads, writes;
    uint32_t addr, value;
    unsigned size;
};

static uint32_t log_read(void *opaque, uint32_t addr, unsigned size)
{
    struct mmio_log *l = opaque;
    l->reads++;
    l->addr = addr;
    l->size = size;
    return 0xA5000000u | addr;
}

static void log_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct mmio_log *l = opaque;
    l->writes++;
    l->addr = addr;
    l->value = value;
    l->size = size;
}

static const struct io_ops log_ops = { "log", log_read, log_write };
static const struct io_ops write_only_ops = { "write-only", NULL, log_write };

struct code_log {
    unsigned calls;
    uint32_t pfn;
};

static void on_code_written(void *opaque, uint32_t pfn)
{
    struct code_log *l = opaque;
    l->calls++;
    l->pfn = pfn;
}

static void on_a20_changed(void *opaque)
{
    unsigned *calls = opaque;
    (*calls)++;
}

/* ---- physical memory ---- */

static void unassigned_physical_memory_reads_as_all_ones(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    if (!CHECK(t, mem != NULL))
        return;
    CHECK_EQ(t, phys_read(mem, 0x200000, 4), 0xFFFFFFFFu);
    CHECK_EQ(t, phys_read(mem, 0x200002, 2), 0xFFFF);
    CHECK_EQ(t, phys_read(mem, 0xFFFFFFFFu, 1), 0xFF);
    CHECK(t, phys_region_of(mem, 0x200000) == NULL);
    phys_mem_destroy(mem);
}

static void writes_to_unassigned_physical_memory_are_dropped(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    phys_write(mem, 0x300000, 0x12345678, 4);
    CHECK_EQ(t, phys_read(mem, 0x300000, 4), 0xFFFFFFFFu);
    phys_mem_destroy(mem);
}

static void ram_is_little_endian_and_reads_back_what_was_written(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    phys_write(mem, 0x1000, 0x11223344, 4);
    CHECK_EQ(t, phys_read(mem, 0x1000, 1), 0x44);
    CHECK_EQ(t, phys_read(mem, 0x1002, 2), 0x1122);
    CHECK_EQ(t, phys_read(mem, 0x1000, 4), 0x11223344);
    CHECK_EQ(t, mem->ram[0x1003], 0x11);
    phys_write(mem, 0x1001, 0xAB, 1);
    CHECK_EQ(t, phys_read(mem, 0x1000, 4), 0x1122AB44);
    phys_mem_destroy(mem);
}

static void ram_size_is_rounded_up_to_whole_pages(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(0x1801);
    CHECK_EQ(t, mem->ram_size, 0x2000);
    phys_write(mem, 0x1FFC, 0xCAFEF00D, 4);
    CHECK_EQ(t, phys_read(mem, 0x1FFC, 4), 0xCAFEF00D);
    CHECK_EQ(t, phys_read(mem, 0x2000, 4), 0xFFFFFFFFu);
    phys_mem_destroy(mem);
}

static void rom_ignores_writes_from_the_cpu_and_from_dma(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    static const uint8_t image[4] = { 0xEA, 0x5B, 0xE0, 0x00 };
    if (!CHECK_EQ(t, phys_map_rom(mem, 0xF0000, 0x10000, image, sizeof image), 0))
        goto out;
    CHECK_EQ(t, phys_read(mem, 0xF0000, 4), 0x00E05BEA);
    phys_write(mem, 0xF0000, 0, 4);
    CHECK_EQ(t, phys_read(mem, 0xF0000, 4), 0x00E05BEA);
    static const uint8_t zeros[8] = { 0 };
    phys_write_block(mem, 0xF0000, zeros, sizeof zeros);
    CHECK_EQ(t, phys_read(mem, 0xF0000, 4), 0x00E05BEA);
out:
    phys_mem_destroy(mem);
}

static void a_rom_image_shorter_than_its_region_reads_as_all_ones_past_the_image(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    static const uint8_t image[3] = { 1, 2, 3 };
    if (CHECK_EQ(t, phys_map_rom(mem, 0xC0000, 0x2000, image, sizeof image), 0)) {
        CHECK_EQ(t, phys_read(mem, 0xC0000, 4), 0xFF030201u);
        CHECK_EQ(t, phys_read(mem, 0xC1FFC, 4), 0xFFFFFFFFu);
    }
    phys_mem_destroy(mem);
}

static void a_later_mapping_replaces_an_earlier_one_page_by_page(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    static const uint8_t image[1] = { 0x42 };
    phys_write(mem, 0xDF000, 0x11111111, 4);
    phys_write(mem, 0xE0000, 0x22222222, 4);
    if (CHECK_EQ(t, phys_map_rom(mem, 0xE0000, 0x10000, image, sizeof image), 0)) {
        CHECK_EQ(t, phys_read(mem, 0xDF000, 4), 0x11111111);     /* still RAM */
        CHECK_EQ(t, phys_read(mem, 0xE0000, 4), 0xFFFFFF42u);    /* now the ROM */
        CHECK_EQ(t, phys_region_of(mem, 0xE0000)->kind, PHYS_ROM);
        CHECK_EQ(t, phys_region_of(mem, 0xF0000)->kind, PHYS_RAM);
    }
    phys_mem_destroy(mem);
}

static void mmio_accesses_reach_the_handler_with_the_offset_and_size(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct mmio_log log = { 0 };
    if (CHECK_EQ(t, phys_map_mmio(mem, 0xFEE00000u, 0x1000, &log_ops, &log), 0)) {
        CHECK_EQ(t, phys_read(mem, 0xFEE00020u, 4), 0xA5000020u);
        CHECK_EQ(t, log.size, 4);
        phys_write(mem, 0xFEE000B2u, 0xBEEF, 2);
        CHECK_EQ(t, log.writes, 1);
        CHECK_EQ(t, log.addr, 0xB2);
        CHECK_EQ(t, log.value, 0xBEEF);
        CHECK_EQ(t, log.size, 2);
        CHECK(t, phys_host_ptr(mem, 0xFEE00000u, 0) == NULL);
    }
    phys_mem_destroy(mem);
}

static void an_mmio_region_without_a_read_handler_reads_as_all_ones(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct mmio_log log = { 0 };
    phys_map_mmio(mem, 0xE0000000u, 0x1000, &write_only_ops, &log);
    CHECK_EQ(t, phys_read(mem, 0xE0000010u, 2), 0xFFFF);
    phys_mem_destroy(mem);
}

static void phys_host_ptr_gives_ram_and_rom_for_reads_but_not_rom_for_writes(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    static const uint8_t image[1] = { 0x99 };
    phys_map_rom(mem, 0xF0000, 0x10000, image, sizeof image);
    CHECK(t, phys_host_ptr(mem, 0x1234, 1) == mem->ram + 0x1234);
    uint8_t *rom = phys_host_ptr(mem, 0xF0000, 0);
    if (CHECK(t, rom != NULL))
        CHECK_EQ(t, rom[0], 0x99);
    CHECK(t, phys_host_ptr(mem, 0xF0000, 1) == NULL);
    CHECK(t, phys_host_ptr(mem, 0x500000, 0) == NULL);
    phys_mem_destroy(mem);
}

static void the_region_table_rejects_unaligned_empty_or_wrapping_ranges(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct mmio_log log = { 0 };
    CHECK_EQ(t, phys_map_mmio(mem, 0x123, 0x1000, &log_ops, &log), -1);
    CHECK_EQ(t, phys_map_mmio(mem, 0x200000, 0, &log_ops, &log), -1);
    CHECK_EQ(t, phys_map_mmio(mem, 0xFFFFF000u, 0x2000, &log_ops, &log), -1);
    CHECK_EQ(t, phys_map_mmio(mem, 0xFFFFF000u, 0x1000, &log_ops, &log), 0);
    phys_mem_destroy(mem);
}

static void the_a20_mask_clears_bit_20_when_disabled(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(2 * MIB);
    CHECK_EQ(t, mem->a20_mask, 0xFFFFFFFFu);
    phys_set_a20(mem, 0);
    CHECK_EQ(t, mem->a20_mask, 0xFFEFFFFFu);
    CHECK_EQ(t, 0x10FFF0u & mem->a20_mask, 0x0FFF0);           /* FFFF:0010 wraps to 0 */
    phys_set_a20(mem, 1);
    CHECK_EQ(t, mem->a20_mask, 0xFFFFFFFFu);
    phys_mem_destroy(mem);
}

static void a20_changes_call_the_hook_only_when_the_mask_changes(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    unsigned calls = 0;
    mem->a20_changed = on_a20_changed;
    mem->a20_opaque = &calls;
    phys_set_a20(mem, 1);
    CHECK_EQ(t, calls, 0);
    phys_set_a20(mem, 0);
    phys_set_a20(mem, 0);
    CHECK_EQ(t, calls, 1);
    phys_set_a20(mem, 1);
    CHECK_EQ(t, calls, 2);
    phys_mem_destroy(mem);
}

static void block_transfers_cross_pages_and_region_boundaries(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(0x3000);
    uint8_t out[0x2010], in[0x2010];
    for (unsigned k = 0; k < sizeof out; k++)
        out[k] = (uint8_t)(k * 7 + 1);
    phys_write_block(mem, 0xFF8, out, sizeof out);   /* RAM ends at 0x3000 */
    phys_read_block(mem, 0xFF8, in, sizeof in);
    CHECK(t, !memcmp(in, out, 0x3000 - 0xFF8));
    unsigned ones = 0;
    for (unsigned k = 0x3000 - 0xFF8; k < sizeof in; k++)
        ones += in[k] == 0xFF;
    CHECK_EQ(t, ones, sizeof in - (0x3000 - 0xFF8));
    phys_mem_destroy(mem);
}

/* ---- code tracking ---- */

static void a_write_to_a_chunk_holding_code_reports_the_page_once(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct code_log log = { 0 };
    mem->code_written = on_code_written;
    mem->code_opaque = &log;
    phys_mark_code(mem, 0x5010, 16);
    CHECK(t, phys_is_code_page(mem, 0x5FFF));
    phys_write(mem, 0x5018, 0x90, 1);
    CHECK_EQ(t, log.calls, 1);
    CHECK_EQ(t, log.pfn, 5);
    CHECK(t, !phys_is_code_page(mem, 0x5000));
    phys_write(mem, 0x5018, 0x90, 1);
    CHECK_EQ(t, log.calls, 1);
    CHECK_EQ(t, phys_read(mem, 0x5018, 1), 0x90);
    phys_mem_destroy(mem);
}

static void a_write_to_another_chunk_of_a_code_page_reports_nothing(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct code_log log = { 0 };
    mem->code_written = on_code_written;
    mem->code_opaque = &log;
    phys_mark_code(mem, 0x5000, 0x40);
    phys_write(mem, 0x5040, 0xFFFFFFFFu, 4);
    phys_write(mem, 0x5FFC, 0xFFFFFFFFu, 4);
    CHECK_EQ(t, log.calls, 0);
    CHECK(t, phys_is_code_page(mem, 0x5000));
    phys_mem_destroy(mem);
}

static void a_write_straddling_into_a_code_chunk_reports_the_page(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct code_log log = { 0 };
    mem->code_written = on_code_written;
    mem->code_opaque = &log;
    phys_mark_code(mem, 0x5040, 1);
    phys_write(mem, 0x503E, 0xFFFFFFFFu, 4);                 /* bytes 3E..41 */
    CHECK_EQ(t, log.calls, 1);
    phys_mem_destroy(mem);
}

static void a_dma_block_write_over_code_reports_the_page(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    struct code_log log = { 0 };
    mem->code_written = on_code_written;
    mem->code_opaque = &log;
    phys_mark_code(mem, 0x7FC0, 0x40);                       /* the page's last chunk */
    uint8_t data[0x100] = { 0 };
    phys_write_block(mem, 0x6F00, data, sizeof data);        /* another page */
    CHECK_EQ(t, log.calls, 0);
    phys_write_block(mem, 0x7F00, data, sizeof data);        /* 0x7F00..0x7FFF */
    CHECK_EQ(t, log.calls, 1);
    CHECK_EQ(t, log.pfn, 7);
    phys_mem_destroy(mem);
}

static void code_marks_outside_ram_are_ignored(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(MIB);
    phys_mark_code(mem, MIB + 0x100, 16);
    CHECK(t, !phys_is_code_page(mem, MIB + 0x100));
    phys_mark_code(mem, 0x3000, 0);
    CHECK(t, !phys_is_code_page(mem, 0x3000));
    phys_mem_destroy(mem);
}

/* ---- the page walk ---- */

#define PTE_P  0x001u
#define PTE_W  0x002u
#define PTE_U  0x004u
#define PTE_A  0x020u
#define PTE_D  0x040u
#define PTE_PS 0x080u
#define PTE_G  0x100u

#define PD_BASE 0x10000u
#define PT_BASE 0x11000u

/* A page directory at PD_BASE whose first entry points to a page table at
 * PT_BASE; PTE n maps linear page n. */
static struct phys_mem *paging_setup(uint32_t pde_rights)
{
    struct phys_mem *mem = phys_mem_create(8 * MIB);
    if (mem)
        phys_write(mem, PD_BASE, PT_BASE | pde_rights, 4);
    return mem;
}

static void set_pte(struct phys_mem *mem, unsigned n, uint32_t value)
{
    phys_write(mem, PT_BASE + 4 * n, value, 4);
}

static uint32_t pte(struct phys_mem *mem, unsigned n)
{
    return phys_read(mem, PT_BASE + 4 * n, 4);
}

static uint32_t pde(struct phys_mem *mem, unsigned n)
{
    return phys_read(mem, PD_BASE + 4 * n, 4);
}

static const struct paging_ctx plain = { PD_BASE, 0, 0, 0 };
static const struct paging_ctx with_wp = { PD_BASE, 1, 0, 0 };
static const struct paging_ctx with_pse = { PD_BASE, 0, 1, 0 };
static const struct paging_ctx with_pge = { PD_BASE, 0, 0, 1 };

static void a_not_present_pde_faults_with_error_code_0_for_a_supervisor_read(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    CHECK_EQ(t, page_walk(mem, &plain, 0x00400000, ACC_READ, &w), WALK_FAULT);
    CHECK_EQ(t, page_walk(mem, &plain, 0x00400000, ACC_WRITE | ACC_USER, &w),
             WALK_FAULT | PF_WRITE | PF_USER);
    phys_mem_destroy(mem);
}

static void a_not_present_pte_faults_with_the_write_and_user_bits_of_the_access(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 3, 0x00123000 | PTE_W | PTE_U);             /* P clear */
    CHECK_EQ(t, page_walk(mem, &plain, 0x3000, ACC_WRITE | ACC_USER, &w),
             WALK_FAULT | PF_WRITE | PF_USER);
    CHECK_EQ(t, page_walk(mem, &plain, 0x3000, ACC_USER, &w), WALK_FAULT | PF_USER);
    CHECK_EQ(t, page_walk(mem, &plain, 0x3000, ACC_EXEC, &w), WALK_FAULT);
    phys_mem_destroy(mem);
}

static void a_write_to_a_read_only_user_page_faults_with_present_write_user_error_code(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 1, 0x00200000 | PTE_P | PTE_U);
    CHECK_EQ(t, page_walk(mem, &plain, 0x1000, ACC_WRITE | ACC_USER, &w),
             WALK_FAULT | PF_PRESENT | PF_WRITE | PF_USER);
    CHECK_EQ(t, page_walk(mem, &plain, 0x1000, ACC_USER, &w), 0);
    phys_mem_destroy(mem);
}

static void a_user_read_of_a_supervisor_page_faults_with_present_and_user(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 2, 0x00200000 | PTE_P | PTE_W);
    CHECK_EQ(t, page_walk(mem, &plain, 0x2000, ACC_USER, &w),
             WALK_FAULT | PF_PRESENT | PF_USER);
    CHECK_EQ(t, page_walk(mem, &plain, 0x2000, ACC_READ, &w), 0);
    CHECK(t, !w.user);
    phys_mem_destroy(mem);
}

static void a_supervisor_write_to_a_read_only_page_faults_only_with_cr0_wp(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 1, 0x00200000 | PTE_P | PTE_U);
    CHECK_EQ(t, page_walk(mem, &plain, 0x1000, ACC_WRITE, &w), 0);
    CHECK(t, w.writable);
    CHECK_EQ(t, page_walk(mem, &with_wp, 0x1000, ACC_WRITE, &w),
             WALK_FAULT | PF_PRESENT | PF_WRITE);
    CHECK_EQ(t, page_walk(mem, &with_wp, 0x1000, ACC_READ, &w), 0);
    CHECK(t, !w.writable);
    phys_mem_destroy(mem);
}

static void the_pde_and_pte_rights_combine_to_the_more_restrictive(struct test_ctx *t)
{
    struct walk_result w;
    struct phys_mem *mem = paging_setup(PTE_P | PTE_U);      /* read-only directory entry */
    set_pte(mem, 1, 0x00200000 | PTE_P | PTE_W | PTE_U);
    CHECK_EQ(t, page_walk(mem, &plain, 0x1000, ACC_WRITE | ACC_USER, &w),
             WALK_FAULT | PF_PRESENT | PF_WRITE | PF_USER);
    CHECK_EQ(t, page_walk(mem, &with_wp, 0x1000, ACC_WRITE, &w),
             WALK_FAULT | PF_PRESENT | PF_WRITE);
    phys_mem_destroy(mem);

    mem = paging_setup(PTE_P | PTE_W);                       /* supervisor directory entry */
    set_pte(mem, 1, 0x00200000 | PTE_P | PTE_W | PTE_U);
    CHECK_EQ(t, page_walk(mem, &plain, 0x1000, ACC_USER, &w),
             WALK_FAULT | PF_PRESENT | PF_USER);
    CHECK_EQ(t, page_walk(mem, &plain, 0x1000, ACC_WRITE, &w), 0);
    CHECK(t, !w.user);
    phys_mem_destroy(mem);
}

static void the_walk_sets_the_accessed_bits_on_a_read_and_not_the_dirty_bit(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 4, 0x00345000 | PTE_P | PTE_W | PTE_U);
    if (!CHECK_EQ(t, page_walk(mem, &plain, 0x4ABC, ACC_READ, &w), 0))
        goto out;
    CHECK_EQ(t, w.phys_page, 0x00345000);
    CHECK(t, !w.dirty);
    CHECK(t, w.writable);
    CHECK_EQ(t, pde(mem, 0) & (PTE_A | PTE_D), PTE_A);
    CHECK_EQ(t, pte(mem, 4) & (PTE_A | PTE_D), PTE_A);
out:
    phys_mem_destroy(mem);
}

static void the_walk_sets_the_dirty_bit_only_on_a_write(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 4, 0x00345000 | PTE_P | PTE_W | PTE_U);
    page_walk(mem, &plain, 0x4000, ACC_READ | ACC_USER, &w);
    CHECK_EQ(t, pte(mem, 4) & PTE_D, 0);
    CHECK_EQ(t, page_walk(mem, &plain, 0x4000, ACC_WRITE | ACC_USER, &w), 0);
    CHECK(t, w.dirty);
    CHECK_EQ(t, pte(mem, 4) & (PTE_A | PTE_D), PTE_A | PTE_D);
    CHECK_EQ(t, pde(mem, 0) & PTE_D, 0);                     /* a PDE of a table has no D */
    phys_mem_destroy(mem);
}

static void a_failed_walk_sets_no_accessed_or_dirty_bit(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 1, 0x00200000 | PTE_P | PTE_U);             /* read-only */
    page_walk(mem, &plain, 0x1000, ACC_WRITE | ACC_USER, &w);
    CHECK_EQ(t, pde(mem, 0) & PTE_A, 0);
    CHECK_EQ(t, pte(mem, 1) & (PTE_A | PTE_D), 0);
    phys_mem_destroy(mem);
}

static void a_4mib_page_is_used_only_when_cr4_pse_is_set(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(8 * MIB);
    struct walk_result w;
    /* PDE 1 (linear 4 MiB..8 MiB) has PS set and frame 0x00400000; as a page
     * table pointer (PSE off) it points at 0x00400000, which holds zeros. */
    phys_write(mem, PD_BASE + 4, 0x00400000u | PTE_PS | PTE_P | PTE_W | PTE_U, 4);
    if (CHECK_EQ(t, page_walk(mem, &with_pse, 0x00765432, ACC_READ, &w), 0))
        CHECK_EQ(t, w.phys_page, 0x00765000);
    phys_write(mem, PD_BASE + 8, 0x00000000u | PTE_PS | PTE_P | PTE_W | PTE_U, 4);
    if (CHECK_EQ(t, page_walk(mem, &with_pse, 0x00ABC123, ACC_READ, &w), 0))
        CHECK_EQ(t, w.phys_page, 0x002BC000);   /* frame 0 + bits 21..12 of the address */
    CHECK_EQ(t, page_walk(mem, &plain, 0x00765432, ACC_READ, &w), WALK_FAULT);
    phys_mem_destroy(mem);
}

static void with_cr4_pse_clear_a_pde_with_ps_set_points_to_a_page_table(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(8 * MIB);
    struct walk_result w;
    phys_write(mem, PD_BASE, PT_BASE | PTE_PS | PTE_P | PTE_W, 4);
    set_pte(mem, 5, 0x00777000 | PTE_P | PTE_W);
    if (CHECK_EQ(t, page_walk(mem, &plain, 0x5000, ACC_READ, &w), 0))
        CHECK_EQ(t, w.phys_page, 0x00777000);
    phys_mem_destroy(mem);
}

static void a_4mib_page_keeps_its_accessed_and_dirty_bits_in_the_pde(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(8 * MIB);
    struct walk_result w;
    phys_write(mem, PD_BASE + 4, 0x00400000u | PTE_PS | PTE_P | PTE_W, 4);
    page_walk(mem, &with_pse, 0x00400000, ACC_READ, &w);
    CHECK_EQ(t, pde(mem, 1) & (PTE_A | PTE_D), PTE_A);
    CHECK(t, !w.dirty);
    page_walk(mem, &with_pse, 0x00400000, ACC_WRITE, &w);
    CHECK_EQ(t, pde(mem, 1) & (PTE_A | PTE_D), PTE_A | PTE_D);
    CHECK(t, w.dirty);
    phys_mem_destroy(mem);
}

static void a_4mib_page_checks_user_and_write_rights_in_the_pde(struct test_ctx *t)
{
    struct phys_mem *mem = phys_mem_create(8 * MIB);
    struct walk_result w;
    phys_write(mem, PD_BASE + 4, 0x00400000u | PTE_PS | PTE_P, 4);
    CHECK_EQ(t, page_walk(mem, &with_pse, 0x00400000, ACC_USER, &w),
             WALK_FAULT | PF_PRESENT | PF_USER);
    struct paging_ctx pse_wp = with_pse;
    pse_wp.wp = 1;
    CHECK_EQ(t, page_walk(mem, &pse_wp, 0x00400000, ACC_WRITE, &w),
             WALK_FAULT | PF_PRESENT | PF_WRITE);
    phys_mem_destroy(mem);
}

static void the_global_bit_counts_only_with_cr4_pge(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W | PTE_U);
    struct walk_result w;
    set_pte(mem, 6, 0x00600000 | PTE_G | PTE_P | PTE_W);
    page_walk(mem, &plain, 0x6000, ACC_READ, &w);
    CHECK(t, !w.global);
    page_walk(mem, &with_pge, 0x6000, ACC_READ, &w);
    CHECK(t, w.global);
    set_pte(mem, 7, 0x00700000 | PTE_P | PTE_W);
    page_walk(mem, &with_pge, 0x7000, ACC_READ, &w);
    CHECK(t, !w.global);
    phys_mem_destroy(mem);
}

static void the_page_walk_wraps_its_table_addresses_at_1mib_when_a20_is_disabled(struct test_ctx *t)
{
    struct phys_mem *mem = paging_setup(PTE_P | PTE_W);
    struct walk_result w;
    set_pte(mem, 0, 0x00100000 | PTE_P | PTE_W);            /* frame with bit 20 set */
    struct paging_ctx high = { PD_BASE | 0x00100000u, 0, 0, 0 };
    CHECK_EQ(t, page_walk(mem, &high, 0, ACC_READ, &w), WALK_FAULT);   /* zeros up there */
    phys_set_a20(mem, 0);
    if (CHECK_EQ(t, page_walk(mem, &high, 0, ACC_READ, &w), 0))
        CHECK_EQ(t, w.phys_page, 0);
    phys_mem_destroy(mem);
}

/* ---- the TLB ---- */

static void fill(struct tlb *tl, int view, uint32_t lin, int global)
{
    struct tlb_entry *e = tlb_entry_for(tl, view, lin);
    e->tag_r = e->tag_w = e->tag_x = lin & ~0xFFFu;
    e->phys = lin & ~0xFFFu;
    e->host = (uint8_t *)tl;    /* any non-NULL pointer */
    e->global = (uint8_t)global;
}

static bool cached(struct tlb *tl, int view, uint32_t lin)
{
    return tlb_entry_for(tl, view, lin)->tag_r == (lin & ~0xFFFu);
}

static struct tlb *new_tlb(void)
{
    struct tlb *tl = malloc(sizeof *tl);
    if (tl) {
        memset(tl, 0, sizeof *tl);
        tlb_flush_all(tl);
    }
    return tl;
}

static void an_empty_tlb_misses_every_page_including_page_0(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    CHECK(t, !cached(tl, TLB_SUPERVISOR, 0));
    CHECK(t, !cached(tl, TLB_USER, 0));
    CHECK(t, tlb_entry_for(tl, TLB_SUPERVISOR, 0)->tag_w != 0);
    CHECK(t, tlb_entry_for(tl, TLB_SUPERVISOR, 0)->tag_x != 0);
    free(tl);
}

static void a_cr3_style_flush_keeps_global_entries_in_every_view(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    fill(tl, TLB_SUPERVISOR, 0xC0001000u, 1);
    fill(tl, TLB_USER, 0xC0002000u, 1);
    fill(tl, TLB_SUPERVISOR, 0x00003000u, 0);
    fill(tl, TLB_USER, 0x00004000u, 0);
    tlb_flush_nonglobal(tl);
    CHECK(t, cached(tl, TLB_SUPERVISOR, 0xC0001000u));
    CHECK(t, cached(tl, TLB_USER, 0xC0002000u));
    CHECK(t, !cached(tl, TLB_SUPERVISOR, 0x00003000u));
    CHECK(t, !cached(tl, TLB_USER, 0x00004000u));
    free(tl);
}

static void a_full_flush_drops_global_entries_too(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    fill(tl, TLB_SUPERVISOR, 0xC0001000u, 1);
    tlb_flush_all(tl);
    CHECK(t, !cached(tl, TLB_SUPERVISOR, 0xC0001000u));
    CHECK(t, tlb_entry_for(tl, TLB_SUPERVISOR, 0xC0001000u)->host == NULL);
    free(tl);
}

static void invlpg_drops_one_page_global_or_not_in_every_view(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    fill(tl, TLB_SUPERVISOR, 0xC0001000u, 1);
    fill(tl, TLB_USER, 0xC0001000u, 1);
    fill(tl, TLB_SUPERVISOR, 0xC0002000u, 1);
    tlb_flush_page(tl, 0xC0001234u);
    CHECK(t, !cached(tl, TLB_SUPERVISOR, 0xC0001000u));
    CHECK(t, !cached(tl, TLB_USER, 0xC0001000u));
    CHECK(t, cached(tl, TLB_SUPERVISOR, 0xC0002000u));
    free(tl);
}

static void every_kind_of_flush_starts_a_new_epoch(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    uint32_t e0 = tl->epoch;
    tlb_flush_all(tl);
    uint32_t e1 = tl->epoch;
    tlb_flush_nonglobal(tl);
    uint32_t e2 = tl->epoch;
    tlb_flush_page(tl, 0x1000);
    uint32_t e3 = tl->epoch;
    CHECK(t, e1 != e0 && e2 != e1 && e3 != e2);
    free(tl);
}

static void protecting_a_code_page_slows_its_writes_and_keeps_reads_fast(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    fill(tl, TLB_SUPERVISOR, 0x00005000u, 0);
    fill(tl, TLB_USER, 0x40005000u, 0);
    tlb_entry_for(tl, TLB_USER, 0x40005000u)->phys = 0x00005000u;
    fill(tl, TLB_SUPERVISOR, 0x00006000u, 0);
    tlb_protect_code_page(tl, 0x00005000u);
    struct tlb_entry *a = tlb_entry_for(tl, TLB_SUPERVISOR, 0x00005000u);
    struct tlb_entry *b = tlb_entry_for(tl, TLB_USER, 0x40005000u);
    CHECK(t, (a->tag_w & TLB_SLOW) != 0);
    CHECK(t, (b->tag_w & TLB_SLOW) != 0);   /* an alias of the same frame */
    CHECK_EQ(t, a->tag_r, 0x00005000u);
    CHECK_EQ(t, a->tag_x, 0x00005000u);
    CHECK_EQ(t, tlb_entry_for(tl, TLB_SUPERVISOR, 0x6000)->tag_w, 0x6000);
    free(tl);
}

static void protecting_a_code_page_leaves_entries_without_write_permission_alone(struct test_ctx *t)
{
    struct tlb *tl = new_tlb();
    fill(tl, TLB_SUPERVISOR, 0x00005000u, 0);
    struct tlb_entry *e = tlb_entry_for(tl, TLB_SUPERVISOR, 0x5000);
    e->tag_w = 0x5000 | TLB_INVALID;
    tlb_protect_code_page(tl, 0x5000);
    CHECK_EQ(t, e->tag_w, 0x5000 | TLB_INVALID);
    free(tl);
}

static const struct test phys_tests[] = {
    TEST(unassigned_physical_memory_reads_as_all_ones),
    TEST(writes_to_unassigned_physical_memory_are_dropped),
    TEST(ram_is_little_endian_and_reads_back_what_was_written),
    TEST(ram_size_is_rounded_up_to_whole_pages),
    TEST(rom_ignores_writes_from_the_cpu_and_from_dma),
    TEST(a_rom_image_shorter_than_its_region_reads_as_all_ones_past_the_image),
    TEST(a_later_mapping_replaces_an_earlier_one_page_by_page),
    TEST(mmio_accesses_reach_the_handler_with_the_offset_and_size),
    TEST(an_mmio_region_without_a_read_handler_reads_as_all_ones),
    TEST(phys_host_ptr_gives_ram_and_rom_for_reads_but_not_rom_for_writes),
    TEST(the_region_table_rejects_unaligned_empty_or_wrapping_ranges),
    TEST(the_a20_mask_clears_bit_20_when_disabled),
    TEST(a20_changes_call_the_hook_only_when_the_mask_changes),
    TEST(block_transfers_cross_pages_and_region_boundaries),
    TEST(a_write_to_a_chunk_holding_code_reports_the_page_once),
    TEST(a_write_to_another_chunk_of_a_code_page_reports_nothing),
    TEST(a_write_straddling_into_a_code_chunk_reports_the_page),
    TEST(a_dma_block_write_over_code_reports_the_page),
    TEST(code_marks_outside_ram_are_ignored),
};

static const struct test paging_tests[] = {
    TEST(a_not_present_pde_faults_with_error_code_0_for_a_supervisor_read),
    TEST(a_not_present_pte_faults_with_the_write_and_user_bits_of_the_access),
    TEST(a_write_to_a_read_only_user_page_faults_with_present_write_user_error_code),
    TEST(a_user_read_of_a_supervisor_page_faults_with_present_and_user),
    TEST(a_supervisor_write_to_a_read_only_page_faults_only_with_cr0_wp),
    TEST(the_pde_and_pte_rights_combine_to_the_more_restrictive),
    TEST(the_walk_sets_the_accessed_bits_on_a_read_and_not_the_dirty_bit),
    TEST(the_walk_sets_the_dirty_bit_only_on_a_write),
    TEST(a_failed_walk_sets_no_accessed_or_dirty_bit),
    TEST(a_4mib_page_is_used_only_when_cr4_pse_is_set),
    TEST(with_cr4_pse_clear_a_pde_with_ps_set_points_to_a_page_table),
    TEST(a_4mib_page_keeps_its_accessed_and_dirty_bits_in_the_pde),
    TEST(a_4mib_page_checks_user_and_write_rights_in_the_pde),
    TEST(the_global_bit_counts_only_with_cr4_pge),
    TEST(the_page_walk_wraps_its_table_addresses_at_1mib_when_a20_is_disabled),
};

static const struct test tlb_tests[] = {
    TEST(an_empty_tlb_misses_every_page_including_page_0),
    TEST(a_cr3_style_flush_keeps_global_entries_in_every_view),
    TEST(a_full_flush_drops_global_entries_too),
    TEST(invlpg_drops_one_page_global_or_not_in_every_view),
    TEST(every_kind_of_flush_starts_a_new_epoch),
    TEST(protecting_a_code_page_slows_its_writes_and_keeps_reads_fast),
    TEST(protecting_a_code_page_leaves_entries_without_write_permission_alone),
};

const struct suite phys_suite = SUITE("physical memory", phys_tests);
const struct suite paging_suite = SUITE("page walk", paging_tests);
const struct suite tlb_suite = SUITE("tlb", tlb_tests);
