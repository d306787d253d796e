/* Guest memory access through the CPU (cpu/mem.h, cpu/mem.c): the TLB
 * fast and slow paths, #PF and CR2, flushes on CR0/CR3/CR4/A20 changes,
 * page-crossing accesses, alignment checks, self-modifying code, ROM and
 * MMIO. Faults are caught by pointing the CPU's unwind buffer at the test
 * (cpu_raise() longjmps there, as it does to cpu_run()). */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "decode.h"
#include "harness.h"
#include "mem.h"

#define MIB (1u << 20)
#define NO_FAULT (-1)

#define PTE_P  0x001u
#define PTE_W  0x002u
#define PTE_U  0x004u
#define PTE_D  0x040u
#define PTE_PS 0x080u
#define PTE_G  0x100u

#define PD_BASE 0x10000u
#define PT_BASE 0x11000u

struct rig {
    struct phys_mem *mem;
    struct io_bus *io;
    struct cpu *cpu;
};

static bool rig_up(struct test_ctx *t, struct rig *r, uint32_t ram)
{
    r->mem = phys_mem_create(ram);
    r->io = malloc(sizeof *r->io);
    if (r->io)
        io_bus_init(r->io);
    r->cpu = r->mem && r->io ? cpu_create(r->mem, r->io) : NULL;
    return CHECK(t, r->cpu != NULL);
}

static void rig_down(struct rig *r)
{
    cpu_destroy(r->cpu);
    phys_mem_destroy(r->mem);
    free(r->io);
}

/* Protected mode with paging: a page directory at PD_BASE whose entry 0
 * (user, writable) points at a page table at PT_BASE. */
static void enable_paging(struct rig *r)
{
    phys_write(r->mem, PD_BASE, PT_BASE | PTE_P | PTE_W | PTE_U, 4);
    cpu_set_cr3(r->cpu, PD_BASE);
    cpu_set_cr0(r->cpu, r->cpu->cr0 | CR0_PE | CR0_PG);
}

static void map(struct rig *r, uint32_t lin, uint32_t phys, uint32_t rights)
{
    phys_write(r->mem, PT_BASE + ((lin >> 12) & 0x3FF) * 4, (phys & ~0xFFFu) | rights, 4);
}

static uint32_t pte_of(struct rig *r, uint32_t lin)
{
    return phys_read(r->mem, PT_BASE + ((lin >> 12) & 0x3FF) * 4, 4);
}

static void set_cpl(struct cpu *cpu, int cpl)
{
    cpu->cpl = cpl;
    cpu_update_mode(cpu);
}

/* Each try_ runs one access and returns the exception vector it raised,
 * or NO_FAULT. */
static int try_read(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t *out)
{
    if (setjmp(cpu->unwind))
        return (int)cpu->fault_vector;
    *out = size == 1 ? lin_read8(cpu, lin) : size == 2 ? lin_read16(cpu, lin) : lin_read32(cpu, lin);
    return NO_FAULT;
}

static int try_write(struct cpu *cpu, uint32_t lin, unsigned size, uint32_t value)
{
    if (setjmp(cpu->unwind))
        return (int)cpu->fault_vector;
    if (size == 1)
        lin_write8(cpu, lin, (uint8_t)value);
    else if (size == 2)
        lin_write16(cpu, lin, (uint16_t)value);
    else
        lin_write32(cpu, lin, value);
    return NO_FAULT;
}

static int try_sys_read32(struct cpu *cpu, uint32_t lin, uint32_t *out)
{
    if (setjmp(cpu->unwind))
        return (int)cpu->fault_vector;
    *out = sys_read32(cpu, lin);
    return NO_FAULT;
}

static int try_probe_write(struct cpu *cpu, uint32_t lin, unsigned size)
{
    if (setjmp(cpu->unwind))
        return (int)cpu->fault_vector;
    lin_probe_write(cpu, lin, size);
    return NO_FAULT;
}

static int try_seg_read16(struct cpu *cpu, int seg, uint32_t off, uint32_t *out)
{
    if (setjmp(cpu->unwind))
        return (int)cpu->fault_vector;
    *out = read16(cpu, seg, off);
    return NO_FAULT;
}

/* Decode one instruction written in hex and run its handler. */
static int try_insn(struct cpu *cpu, const char *hex, bool code32)
{
    uint8_t bytes[16];
    unsigned n = 0;
    while (*hex && n < sizeof bytes) {
        char *end;
        bytes[n++] = (uint8_t)strtoul(hex, &end, 16);
        hex = end;
    }
    struct insn i;          /* not changed after setjmp: survives the longjmp */
    if (decode_insn(bytes, n, code32, &i) != DECODE_OK)
        return -2;
    if (setjmp(cpu->unwind))
        return (int)cpu->fault_vector;
    cpu->cur_insn = cpu->block_first = &i;
    cpu->next_eip = cpu->eip + i.len;
    i.fn(cpu, &i);
    cpu->cur_insn = NULL;
    return NO_FAULT;
}

static uint32_t read32_or_fail(struct test_ctx *t, struct cpu *cpu, uint32_t lin)
{
    uint32_t v = 0;
    CHECK_EQ(t, try_read(cpu, lin, 4, &v), NO_FAULT);
    return v;
}

/* ---- translation ---- */

static void with_paging_off_linear_addresses_are_physical(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 2 * MIB))
        return;
    phys_write(r.mem, 0x12344, 0xDEADBEEF, 4);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x12344), 0xDEADBEEF);
    CHECK_EQ(t, try_write(r.cpu, 0x1FFFFC, 4, 0x01020304), NO_FAULT);
    CHECK_EQ(t, phys_read(r.mem, 0x1FFFFC, 4), 0x01020304);
    rig_down(&r);
}

static void with_a20_disabled_linear_1mib_reaches_physical_0_even_after_a_cached_access(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 2 * MIB))
        return;
    phys_write(r.mem, 0x100010, 0xAAAAAAAA, 4);
    phys_write(r.mem, 0x000010, 0xBBBBBBBB, 4);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x100010), 0xAAAAAAAA);   /* cached now */
    phys_set_a20(r.mem, 0);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x100010), 0xBBBBBBBB);
    phys_set_a20(r.mem, 1);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x100010), 0xAAAAAAAA);
    rig_down(&r);
}

static void turning_paging_on_drops_the_identity_translations(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x3000, 0x11111111, 4);
    phys_write(r.mem, 0x200000, 0x22222222, 4);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x3000), 0x11111111);
    map(&r, 0x3000, 0x200000, PTE_P | PTE_W);
    enable_paging(&r);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x3000), 0x22222222);
    rig_down(&r);
}

static void a_page_fault_puts_the_address_in_cr2_and_the_error_code_on_the_fault(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    enable_paging(&r);
    uint32_t v;
    CHECK_EQ(t, try_read(r.cpu, 0x5123, 4, &v), EXC_PF);     /* not present */
    CHECK_EQ(t, r.cpu->cr2, 0x5123);
    CHECK_EQ(t, r.cpu->fault_error, 0);
    map(&r, 0x6000, 0x200000, PTE_P | PTE_U);
    set_cpl(r.cpu, 3);
    CHECK_EQ(t, try_write(r.cpu, 0x6FFC, 4, 1), EXC_PF);     /* read-only, user */
    CHECK_EQ(t, r.cpu->cr2, 0x6FFC);
    CHECK_EQ(t, r.cpu->fault_error, PF_PRESENT | PF_WRITE | PF_USER);
    rig_down(&r);
}

static void user_and_supervisor_translations_are_cached_apart(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    map(&r, 0x7000, 0x200000, PTE_P | PTE_W);                /* supervisor page */
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0x7000);                        /* cached for CPL 0 */
    set_cpl(r.cpu, 3);
    uint32_t v;
    CHECK_EQ(t, try_read(r.cpu, 0x7000, 4, &v), EXC_PF);
    CHECK_EQ(t, r.cpu->fault_error, PF_PRESENT | PF_USER);
    rig_down(&r);
}

static void implicit_supervisor_accesses_at_cpl_3_reach_supervisor_pages(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x200000, 0x600DF00D, 4);
    map(&r, 0x7000, 0x200000, PTE_P | PTE_W);
    enable_paging(&r);
    set_cpl(r.cpu, 3);
    uint32_t v = 0;
    CHECK_EQ(t, try_sys_read32(r.cpu, 0x7000, &v), NO_FAULT);
    CHECK_EQ(t, v, 0x600DF00D);
    rig_down(&r);
}

static void setting_cr0_wp_makes_a_cached_supervisor_write_to_a_read_only_page_fault(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    map(&r, 0x8000, 0x200000, PTE_P | PTE_U);
    enable_paging(&r);
    CHECK_EQ(t, try_write(r.cpu, 0x8000, 4, 1), NO_FAULT);   /* WP clear: allowed, cached */
    cpu_set_cr0(r.cpu, r.cpu->cr0 | CR0_WP);
    CHECK_EQ(t, try_write(r.cpu, 0x8000, 4, 2), EXC_PF);
    CHECK_EQ(t, r.cpu->fault_error, PF_PRESENT | PF_WRITE);
    CHECK_EQ(t, phys_read(r.mem, 0x200000, 4), 1);
    rig_down(&r);
}

static void a_cr3_load_keeps_global_translations_only_when_cr4_pge_is_set(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x200000, 0xA1A1A1A1, 4);
    phys_write(r.mem, 0x201000, 0xB2B2B2B2, 4);
    phys_write(r.mem, 0x300000, 0xC3C3C3C3, 4);
    map(&r, 0x1000, 0x200000, PTE_P | PTE_W | PTE_G);
    map(&r, 0x2000, 0x201000, PTE_P | PTE_W);
    cpu_set_cr4(r.cpu, CR4_PGE);
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0x1000);
    read32_or_fail(t, r.cpu, 0x2000);
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W | PTE_G);        /* both remapped in memory */
    map(&r, 0x2000, 0x300000, PTE_P | PTE_W);
    cpu_set_cr3(r.cpu, PD_BASE);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x1000), 0xA1A1A1A1);   /* global: stale, kept */
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x2000), 0xC3C3C3C3);   /* not global: reloaded */
    rig_down(&r);
}

static void clearing_cr4_pge_flushes_global_translations(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x200000, 0xA1A1A1A1, 4);
    phys_write(r.mem, 0x300000, 0xC3C3C3C3, 4);
    map(&r, 0x1000, 0x200000, PTE_P | PTE_W | PTE_G);
    cpu_set_cr4(r.cpu, CR4_PGE);
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0x1000);
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W | PTE_G);
    cpu_set_cr4(r.cpu, 0);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x1000), 0xC3C3C3C3);
    rig_down(&r);
}

static void invlpg_drops_a_global_translation(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x200000, 0xA1A1A1A1, 4);
    phys_write(r.mem, 0x300000, 0xC3C3C3C3, 4);
    map(&r, 0x1000, 0x200000, PTE_P | PTE_W | PTE_G);
    cpu_set_cr4(r.cpu, CR4_PGE);
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0x1000);
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W | PTE_G);
    r.cpu->reg[EAX] = 0x1000;
    CHECK_EQ(t, try_insn(r.cpu, "0F 01 38", true), NO_FAULT);     /* invlpg [eax] */
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x1000), 0xC3C3C3C3);
    rig_down(&r);
}

static void without_cr4_pge_a_cr3_load_drops_pages_marked_global(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x200000, 0xA1A1A1A1, 4);
    phys_write(r.mem, 0x300000, 0xC3C3C3C3, 4);
    map(&r, 0x1000, 0x200000, PTE_P | PTE_W | PTE_G);
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0x1000);
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W | PTE_G);
    cpu_set_cr3(r.cpu, PD_BASE);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x1000), 0xC3C3C3C3);
    rig_down(&r);
}

static void a_4mib_page_translates_through_the_cpu_with_cr4_pse(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 8 * MIB))
        return;
    phys_write(r.mem, 0x00412344, 0x4D494221, 4);
    phys_write(r.mem, PD_BASE + 4 * 0x300, 0x00400000u | PTE_PS | PTE_P | PTE_W, 4);
    cpu_set_cr4(r.cpu, CR4_PSE);
    enable_paging(&r);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xC0012344u), 0x4D494221);
    rig_down(&r);
}

static void invlpg_of_a_4mib_page_drops_every_4kib_piece_of_it(struct test_ctx *t)
{
    /* SDM vol. 3 4.10.4.1: INVLPG invalidates the translations for the
     * page containing the address, whatever its size; the TLB keeps a
     * 4 MiB page as 4 KiB pieces in many slots. */
    struct rig r;
    if (!rig_up(t, &r, 8 * MIB))
        return;
    phys_write(r.mem, 0x00401000, 0x11111111, 4);
    phys_write(r.mem, 0x00001000, 0x22222222, 4);
    phys_write(r.mem, PD_BASE + 4 * 0x300, 0x00400000u | PTE_PS | PTE_P | PTE_W, 4);
    cpu_set_cr4(r.cpu, CR4_PSE);
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0xC0000000u);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xC0001000u), 0x11111111);
    phys_write(r.mem, PD_BASE + 4 * 0x300, 0x00000000u | PTE_PS | PTE_P | PTE_W, 4);
    r.cpu->reg[EAX] = 0xC0000000u;
    CHECK_EQ(t, try_insn(r.cpu, "0F 01 38", true), NO_FAULT);     /* invlpg [eax] */
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xC0001000u), 0x22222222);
    rig_down(&r);
}

static void the_first_write_through_a_read_filled_entry_sets_the_dirty_bit(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    map(&r, 0x9000, 0x200000, PTE_P | PTE_W);
    enable_paging(&r);
    read32_or_fail(t, r.cpu, 0x9000);
    CHECK_EQ(t, pte_of(&r, 0x9000) & PTE_D, 0);
    CHECK_EQ(t, try_write(r.cpu, 0x9004, 2, 0x1234), NO_FAULT);
    CHECK_EQ(t, pte_of(&r, 0x9000) & PTE_D, PTE_D);
    CHECK_EQ(t, phys_read(r.mem, 0x200004, 2), 0x1234);
    rig_down(&r);
}

/* ---- accesses that cross a page ---- */

static void a_split_read_combines_two_physical_frames_little_endian(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x300FFE, 0x2211, 2);
    phys_write(r.mem, 0x200000, 0x4433, 2);
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W);
    map(&r, 0x2000, 0x200000, PTE_P | PTE_W);
    enable_paging(&r);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x1FFE), 0x44332211);
    uint32_t v = 0;
    CHECK_EQ(t, try_read(r.cpu, 0x1FFF, 2, &v), NO_FAULT);
    CHECK_EQ(t, v, 0x3322);
    rig_down(&r);
}

static void a_split_write_lands_in_two_physical_frames(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W);
    map(&r, 0x2000, 0x200000, PTE_P | PTE_W);
    enable_paging(&r);
    CHECK_EQ(t, try_write(r.cpu, 0x1FFD, 4, 0x44332211), NO_FAULT);
    CHECK_EQ(t, phys_read(r.mem, 0x300FFD, 2), 0x2211);
    CHECK_EQ(t, phys_read(r.mem, 0x300FFF, 1), 0x33);
    CHECK_EQ(t, phys_read(r.mem, 0x200000, 1), 0x44);
    CHECK_EQ(t, pte_of(&r, 0x1000) & PTE_D, PTE_D);
    CHECK_EQ(t, pte_of(&r, 0x2000) & PTE_D, PTE_D);
    rig_down(&r);
}

static void a_split_write_faults_before_writing_either_page(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_write(r.mem, 0x300FFC, 0x55555555, 4);
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W);                /* page 2 not present */
    enable_paging(&r);
    CHECK_EQ(t, try_write(r.cpu, 0x1FFE, 4, 0), EXC_PF);
    CHECK_EQ(t, phys_read(r.mem, 0x300FFC, 4), 0x55555555);
    CHECK_EQ(t, r.cpu->cr2 & ~0xFFFu, 0x2000);               /* the second page */
    rig_down(&r);
}

static void a_fault_on_the_second_page_of_a_split_access_reports_its_first_byte_in_cr2(struct test_ctx *t)
{
    /* The linear address that faulted is the first byte of the access in
     * the page that is missing (as Bochs and QEMU report it). */
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W);
    enable_paging(&r);
    uint32_t v;
    CHECK_EQ(t, try_read(r.cpu, 0x1FFE, 4, &v), EXC_PF);   /* bytes 1FFE..2001 */
    CHECK_EQ(t, r.cpu->cr2, 0x2000);
    rig_down(&r);
}

static void a_read_modify_write_probe_faults_on_a_read_only_page_with_the_write_code(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    map(&r, 0x1000, 0x300000, PTE_P | PTE_W | PTE_U);
    map(&r, 0x2000, 0x200000, PTE_P | PTE_U);                /* read-only */
    enable_paging(&r);
    set_cpl(r.cpu, 3);
    CHECK_EQ(t, try_probe_write(r.cpu, 0x1000, 4), NO_FAULT);
    CHECK_EQ(t, try_probe_write(r.cpu, 0x2000, 1), EXC_PF);
    CHECK_EQ(t, r.cpu->fault_error, PF_PRESENT | PF_WRITE | PF_USER);
    CHECK_EQ(t, try_probe_write(r.cpu, 0x1FFE, 4), EXC_PF);  /* the second page */
    rig_down(&r);
}

/* ---- alignment check (SDM vol. 3 6.15, interrupt 17) ---- */

static void alignment_check_faults_only_at_cpl_3_with_cr0_am_and_eflags_ac(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    cpu_set_cr0(r.cpu, r.cpu->cr0 | CR0_PE | CR0_AM);
    uint32_t v;
    set_cpl(r.cpu, 3);
    CHECK_EQ(t, try_read(r.cpu, 0x1001, 4, &v), NO_FAULT);   /* AC clear */
    cpu_set_eflags(r.cpu, FL_AC, FL_AC);
    CHECK_EQ(t, try_read(r.cpu, 0x1001, 4, &v), EXC_AC);
    CHECK_EQ(t, try_write(r.cpu, 0x1002, 4, 0), EXC_AC);
    CHECK_EQ(t, try_read(r.cpu, 0x1002, 2, &v), NO_FAULT);
    CHECK_EQ(t, try_read(r.cpu, 0x1003, 1, &v), NO_FAULT);
    CHECK_EQ(t, try_sys_read32(r.cpu, 0x1001, &v), NO_FAULT); /* supervisor access */
    set_cpl(r.cpu, 0);
    CHECK_EQ(t, try_read(r.cpu, 0x1001, 4, &v), NO_FAULT);
    rig_down(&r);
}

/* ---- instructions the SDM makes #UD, wherever ember detects it ---- */

static void loading_cs_with_mov_raises_ud(struct test_ctx *t)
{
    /* SDM vol. 2 MOV: "#UD if attempt is made to load the CS register". */
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    uint16_t cs = r.cpu->seg[CS].sel;
    CHECK_EQ(t, try_insn(r.cpu, "8E C8", false), EXC_UD);         /* mov cs,ax */
    CHECK_EQ(t, try_insn(r.cpu, "8E 08", false), EXC_UD);         /* mov cs,[bx+si] */
    CHECK_EQ(t, r.cpu->seg[CS].sel, cs);
    CHECK_EQ(t, try_insn(r.cpu, "8C C8", false), NO_FAULT);       /* mov ax,cs */
    CHECK_EQ(t, r.cpu->reg[EAX] & 0xFFFF, cs);
    rig_down(&r);
}

static void mov_with_segment_register_6_or_7_raises_ud(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    CHECK_EQ(t, try_insn(r.cpu, "8C F0", false), EXC_UD);
    CHECK_EQ(t, try_insn(r.cpu, "8E F8", true), EXC_UD);
    rig_down(&r);
}

static void moving_to_or_from_cr1_cr5_cr6_or_cr7_raises_ud(struct test_ctx *t)
{
    /* SDM vol. 2 MOV CRn: "#UD if an attempt is made to access CR1, CR5,
     * CR6, or CR7". */
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    CHECK_EQ(t, try_insn(r.cpu, "0F 20 C8", false), EXC_UD);      /* mov eax,cr1 */
    CHECK_EQ(t, try_insn(r.cpu, "0F 22 E8", false), EXC_UD);      /* mov cr5,eax */
    CHECK_EQ(t, try_insn(r.cpu, "0F 22 F0", true), EXC_UD);       /* mov cr6,eax */
    CHECK_EQ(t, try_insn(r.cpu, "0F 20 F8", true), EXC_UD);       /* mov eax,cr7 */
    CHECK_EQ(t, try_insn(r.cpu, "0F 20 C0", false), NO_FAULT);    /* mov eax,cr0 */
    CHECK_EQ(t, r.cpu->reg[EAX], r.cpu->cr0);
    rig_down(&r);
}

static void lock_on_a_register_destination_raises_ud(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    r.cpu->reg[EAX] = 5;
    CHECK_EQ(t, try_insn(r.cpu, "F0 01 C0", true), EXC_UD);       /* lock add eax,eax */
    CHECK_EQ(t, r.cpu->reg[EAX], 5);
    rig_down(&r);
}

/* ---- code, ROM, MMIO, unassigned ---- */

static void a_write_to_code_through_the_cpu_drops_the_decoded_blocks_of_the_page(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    read32_or_fail(t, r.cpu, 0x5000);                        /* a fast write entry */
    phys_mark_code(r.mem, 0x5000, 16);                       /* what build_block does */
    tlb_protect_code_page(&r.cpu->tlb, 0x5000);
    r.cpu->exit_block = false;
    CHECK_EQ(t, try_write(r.cpu, 0x5008, 4, 0xC3C3C3C3), NO_FAULT);
    CHECK(t, r.cpu->exit_block);
    CHECK(t, !phys_is_code_page(r.mem, 0x5000));
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x5008), 0xC3C3C3C3);
    /* With the code gone, the page's writes take the fast path again. */
    CHECK_EQ(t, tlb_entry_for(&r.cpu->tlb, TLB_SUPERVISOR, 0x5000)->tag_w, 0x5000);
    rig_down(&r);
}

static void a_write_to_data_sharing_a_page_with_code_keeps_the_blocks(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, 4 * MIB))
        return;
    phys_mark_code(r.mem, 0x5000, 16);
    tlb_protect_code_page(&r.cpu->tlb, 0x5000);
    r.cpu->exit_block = false;
    CHECK_EQ(t, try_write(r.cpu, 0x5800, 4, 0x12345678), NO_FAULT);
    CHECK(t, !r.cpu->exit_block);
    CHECK(t, phys_is_code_page(r.mem, 0x5000));
    CHECK_EQ(t, phys_read(r.mem, 0x5800, 4), 0x12345678);
    rig_down(&r);
}

static void rom_writes_through_the_cpu_are_dropped(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    static const uint8_t image[4] = { 0xEA, 0x5B, 0xE0, 0x00 };
    phys_map_rom(r.mem, 0xF0000, 0x10000, image, sizeof image);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xF0000), 0x00E05BEA);
    CHECK_EQ(t, try_write(r.cpu, 0xF0000, 4, 0), NO_FAULT);
    CHECK_EQ(t, try_write(r.cpu, 0xF0001, 1, 0), NO_FAULT);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xF0000), 0x00E05BEA);
    rig_down(&r);
}

struct mmio_counter {
    unsigned reads, writes;
    uint32_t last_addr, last_value;
};

static uint32_t count_read(void *opaque, uint32_t addr, unsigned size)
{
    struct mmio_counter *c = opaque;
    (void)size;
    c->reads++;
    c->last_addr = addr;
    return 0x10000000u + addr;
}

static void count_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct mmio_counter *c = opaque;
    (void)size;
    c->writes++;
    c->last_addr = addr;
    c->last_value = value;
}

static const struct io_ops counter_ops = { "counter", count_read, count_write };

static void mmio_accesses_through_the_cpu_reach_the_device_every_time(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    struct mmio_counter c = { 0 };
    phys_map_mmio(r.mem, 0xFEC00000u, 0x1000, &counter_ops, &c);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xFEC00010u), 0x10000010u);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0xFEC00010u), 0x10000010u);
    CHECK_EQ(t, c.reads, 2);
    CHECK_EQ(t, try_write(r.cpu, 0xFEC00040u, 2, 0xABCD), NO_FAULT);
    CHECK_EQ(t, try_write(r.cpu, 0xFEC00040u, 2, 0xABCE), NO_FAULT);
    CHECK_EQ(t, c.writes, 2);
    CHECK_EQ(t, c.last_addr, 0x40);
    CHECK_EQ(t, c.last_value, 0xABCE);
    rig_down(&r);
}

static void unassigned_memory_through_the_cpu_reads_all_ones_and_drops_writes(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x7FF00000u), 0xFFFFFFFFu);
    CHECK_EQ(t, try_write(r.cpu, 0x7FF00000u, 4, 0), NO_FAULT);
    CHECK_EQ(t, read32_or_fail(t, r.cpu, 0x7FF00000u), 0xFFFFFFFFu);
    uint32_t v = 0;
    CHECK_EQ(t, try_read(r.cpu, 0x7FF00001u, 1, &v), NO_FAULT);
    CHECK_EQ(t, v, 0xFF);
    rig_down(&r);
}

/* ---- segments and code fetch ---- */

static void a_real_mode_access_past_the_64k_limit_raises_gp_or_ss_for_the_stack(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    uint32_t v;
    CHECK_EQ(t, try_seg_read16(r.cpu, DS, 0xFFFE, &v), NO_FAULT);
    CHECK_EQ(t, try_seg_read16(r.cpu, DS, 0xFFFF, &v), EXC_GP);
    CHECK_EQ(t, try_seg_read16(r.cpu, SS, 0xFFFF, &v), EXC_SS);
    CHECK_EQ(t, r.cpu->fault_error, 0);
    rig_down(&r);
}

static void fetch_code_stops_at_the_end_of_the_page(struct test_ctx *t)
{
    struct rig r;
    if (!rig_up(t, &r, MIB))
        return;
    uint8_t buf[16];
    phys_write(r.mem, 0x1FFA, 0x04030201, 4);
    CHECK_EQ(t, fetch_code(r.cpu, 0x1FFA, buf, 15), 6);
    CHECK_EQ(t, buf[0], 1);
    CHECK_EQ(t, buf[3], 4);
    CHECK_EQ(t, fetch_code(r.cpu, 0x1000, buf, 15), 15);
    rig_down(&r);
}

static const struct test tests[] = {
    TEST(with_paging_off_linear_addresses_are_physical),
    TEST(with_a20_disabled_linear_1mib_reaches_physical_0_even_after_a_cached_access),
    TEST(turning_paging_on_drops_the_identity_translations),
    TEST(a_page_fault_puts_the_address_in_cr2_and_the_error_code_on_the_fault),
    TEST(user_and_supervisor_translations_are_cached_apart),
    TEST(implicit_supervisor_accesses_at_cpl_3_reach_supervisor_pages),
    TEST(setting_cr0_wp_makes_a_cached_supervisor_write_to_a_read_only_page_fault),
    TEST(a_cr3_load_keeps_global_translations_only_when_cr4_pge_is_set),
    TEST(clearing_cr4_pge_flushes_global_translations),
    TEST(invlpg_drops_a_global_translation),
    TEST(without_cr4_pge_a_cr3_load_drops_pages_marked_global),
    TEST(a_4mib_page_translates_through_the_cpu_with_cr4_pse),
    TEST(invlpg_of_a_4mib_page_drops_every_4kib_piece_of_it),
    TEST(the_first_write_through_a_read_filled_entry_sets_the_dirty_bit),
    TEST(a_split_read_combines_two_physical_frames_little_endian),
    TEST(a_split_write_lands_in_two_physical_frames),
    TEST(a_split_write_faults_before_writing_either_page),
    TEST(a_fault_on_the_second_page_of_a_split_access_reports_its_first_byte_in_cr2),
    TEST(a_read_modify_write_probe_faults_on_a_read_only_page_with_the_write_code),
    TEST(alignment_check_faults_only_at_cpl_3_with_cr0_am_and_eflags_ac),
    TEST(loading_cs_with_mov_raises_ud),
    TEST(mov_with_segment_register_6_or_7_raises_ud),
    TEST(moving_to_or_from_cr1_cr5_cr6_or_cr7_raises_ud),
    TEST(lock_on_a_register_destination_raises_ud),
    TEST(a_write_to_code_through_the_cpu_drops_the_decoded_blocks_of_the_page),
    TEST(a_write_to_data_sharing_a_page_with_code_keeps_the_blocks),
    TEST(rom_writes_through_the_cpu_are_dropped),
    TEST(mmio_accesses_through_the_cpu_reach_the_device_every_time),
    TEST(unassigned_memory_through_the_cpu_reads_all_ones_and_drops_writes),
    TEST(a_real_mode_access_past_the_64k_limit_raises_gp_or_ss_for_the_stack),
    TEST(fetch_code_stops_at_the_end_of_the_page),
};

const struct suite cpu_mem_suite = SUITE("memory through the cpu", tests);
