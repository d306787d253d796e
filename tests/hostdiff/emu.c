/* The emulator side of the differential test; see emu.h.
 *
 * Guest RAM, identity-mapped by paging that maps only what the helper
 * process maps (window, code page, control page) as user pages and the
 * system area as supervisor pages, so an access anywhere else is a #PF on
 * both sides:
 *   HD_WIN_LIN, HD_CODE_LIN   as in protocol.h
 *   GDT_LIN   16 descriptors: those user mode can see on the host, rebuilt
 *             from the helper's LAR/LSL (with the test segment based at
 *             HD_WIN_LIN), plus ring-0 code (0x08), ring-0 data (0x10) and
 *             a busy 32-bit TSS (0x40), all three invisible at CPL 3 as the
 *             host's own entries 1, 2 and 8 are.
 *   LDT_LIN   the helper's LDT, rebuilt the same way (GDT entry 10, where
 *             the host keeps its LDT descriptor).
 *   IDT_LIN   32 interrupt gates to ring 0; vectors 3 and 4 have DPL 3
 *             (INT3, INTO from user mode), as Linux sets them.
 *   STUB_LIN  one `jmp $` per vector, 4 bytes apart: reaching stub v means
 *             exception v was delivered; its frame is on the ring-0 stack.
 *   TSS_LIN   SS0:ESP0 = 0x10:STACK0_TOP, no I/O bitmap (I/O at CPL 3
 *             faults, as on the host).
 * The instruction runs at CPL 3 with EFLAGS.IF set and IOPL 0, CR0.AM on
 * (alignment checks when EFLAGS.AC is set), like a Linux process. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "segment.h"

#define RAM_SIZE     0x00100000u
#define GDT_LIN      0x00050000u
#define IDT_LIN      0x00050800u
#define LDT_LIN      0x00050C00u
#define TSS_LIN      0x00051000u
#define STUB_LIN     0x00052000u
#define STACK0_TOP   0x00054000u
#define PAGE_DIR     0x00060000u
#define PAGE_TABLE   0x00061000u
#define CTL_PAGE     0x00040000u     /* the helper's control block page */
#define SYS_CHECKED  (STACK0_TOP - 0x1000u - GDT_LIN)  /* GDT..stubs */
#define RING0_CS     0x08u
#define RING0_SS     0x10u
#define TSS_SEL      0x40u
#define LDT_SEL      0x50u
#define NVECTORS     32u
#define RUN_LIMIT    100000u
#define DESC_G       0x00800000u

struct emu {
    struct phys_mem *mem;
    struct io_bus *io;
    struct cpu *cpu;
    struct hd_hello hello;
    uint32_t lo[HD_GDT_ENTRIES], hi[HD_GDT_ENTRIES];
    uint32_t ldt_lo[HD_GDT_ENTRIES], ldt_hi[HD_GDT_ENTRIES];
    uint8_t background[HD_WIN_SIZE];
    uint8_t system[SYS_CHECKED];    /* pristine GDT, IDT, TSS and stubs */
};

/* ------------------------------------------------------------------ */
/* Descriptor tables.                                                   */

static void make_desc(uint32_t *lo, uint32_t *hi, uint32_t base, uint32_t limit_field,
                      uint32_t rights)
{
    *lo = (base << 16) | (limit_field & 0xFFFFu);
    *hi = (base & 0xFF000000u) | ((base >> 16) & 0xFFu) | (limit_field & 0x000F0000u) |
          (rights & 0x00F0FF00u);
}

/* What LAR and LSL told about a host descriptor, as a descriptor. */
static void mirror_desc(uint32_t *lo, uint32_t *hi, uint32_t rights, uint32_t limit,
                        uint32_t base)
{
    uint32_t field = (rights & DESC_G) ? limit >> 12 : limit;
    make_desc(lo, hi, base, field, rights);
}

static void write_table(struct emu *e, uint32_t at, const uint32_t *lo, const uint32_t *hi)
{
    for (unsigned k = 0; k < HD_GDT_ENTRIES; k++) {
        phys_write(e->mem, at + 8 * k, lo[k], 4);
        phys_write(e->mem, at + 8 * k + 4, hi[k], 4);
    }
}

static void build_gdt(struct emu *e)
{
    const struct hd_hello *h = &e->hello;
    for (unsigned k = 0; k < HD_GDT_ENTRIES; k++) {
        e->lo[k] = e->hi[k] = e->ldt_lo[k] = e->ldt_hi[k] = 0;
        uint32_t base = k == (h->test_sel >> 3u) ? HD_WIN_LIN : 0;
        if (h->desc_ok & (1u << k))
            mirror_desc(&e->lo[k], &e->hi[k], h->lar[k], h->lsl[k], base);
        if (h->ldt_ok & (1u << k))
            mirror_desc(&e->ldt_lo[k], &e->ldt_hi[k], h->ldt_lar[k], h->ldt_lsl[k],
                        h->ldt_base[k]);
    }
    make_desc(&e->lo[RING0_CS >> 3], &e->hi[RING0_CS >> 3], 0, 0xFFFFF, 0x00CF9B00u);
    make_desc(&e->lo[RING0_SS >> 3], &e->hi[RING0_SS >> 3], 0, 0xFFFFF, 0x00CF9300u);
    make_desc(&e->lo[TSS_SEL >> 3], &e->hi[TSS_SEL >> 3], TSS_LIN, 0x67, 0x00008B00u);
    make_desc(&e->lo[LDT_SEL >> 3], &e->hi[LDT_SEL >> 3], LDT_LIN, 8 * HD_LDT_COUNT - 1,
              0x00008200u);
    write_table(e, GDT_LIN, e->lo, e->hi);
    write_table(e, LDT_LIN, e->ldt_lo, e->ldt_hi);
}

static void build_idt(struct emu *e)
{
    for (uint32_t v = 0; v < NVECTORS; v++) {
        uint32_t off = STUB_LIN + 4 * v;
        uint32_t dpl = (v == 3 || v == 4) ? 0x6000u : 0;
        phys_write(e->mem, IDT_LIN + 8 * v, (RING0_CS << 16) | (off & 0xFFFFu), 4);
        phys_write(e->mem, IDT_LIN + 8 * v + 4, (off & 0xFFFF0000u) | 0x8E00u | dpl, 4);
        phys_write(e->mem, off, 0xCCCCFEEBu, 4);   /* jmp $ */
    }
}

static void build_tss(struct emu *e)
{
    for (uint32_t k = 0; k < 0x68; k += 4)
        phys_write(e->mem, TSS_LIN + k, 0, 4);
    phys_write(e->mem, TSS_LIN + 4, STACK0_TOP, 4);
    phys_write(e->mem, TSS_LIN + 8, RING0_SS, 4);
    phys_write(e->mem, TSS_LIN + 0x64, 0x68u << 16, 4);   /* I/O map base */
}

/* ------------------------------------------------------------------ */
/* Paging: one page table for the first 4 MiB.                          */

static void map_pages(struct emu *e, uint32_t lin, uint32_t size, uint32_t flags)
{
    for (uint32_t page = lin & ~0xFFFu; page < lin + size; page += 0x1000)
        phys_write(e->mem, PAGE_TABLE + (page >> 12) * 4, page | flags, 4);
}

static void build_page_tables(struct emu *e)
{
    const uint32_t user = 0x7, supervisor = 0x3;   /* P|W|U, P|W */
    phys_write(e->mem, PAGE_DIR, PAGE_TABLE | user, 4);
    map_pages(e, HD_WIN_LIN, HD_WIN_SIZE, user);
    map_pages(e, HD_CODE_LIN, 0x1000, user);
    map_pages(e, CTL_PAGE, 0x1000, user);
    map_pages(e, GDT_LIN, STACK0_TOP - GDT_LIN, supervisor);
}

/* ------------------------------------------------------------------ */
/* Life cycle.                                                          */

struct emu *emu_create(const struct hd_hello *hello, char *err, size_t errlen)
{
    struct emu *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->hello = *hello;
    e->mem = phys_mem_create(RAM_SIZE);
    e->io = calloc(1, sizeof *e->io);
    if (e->mem && e->io) {
        io_bus_init(e->io);
        e->cpu = cpu_create(e->mem, e->io);
    }
    if (!e->cpu) {
        snprintf(err, errlen, "cannot create the emulated machine");
        emu_destroy(e);
        return NULL;
    }
    for (uint32_t k = 0; k < HD_WIN_SIZE; k++)
        e->background[k] = hd_background(k);
    phys_write_block(e->mem, HD_WIN_LIN, e->background, HD_WIN_SIZE);
    build_gdt(e);
    build_idt(e);
    build_tss(e);
    phys_read_block(e->mem, GDT_LIN, e->system, SYS_CHECKED);
    build_page_tables(e);
    struct cpu *cpu = e->cpu;
    cpu->gdtr = (struct dtr){ GDT_LIN, 8 * HD_GDT_ENTRIES - 1 };
    cpu->idtr = (struct dtr){ IDT_LIN, 8 * NVECTORS - 1 };
    cpu_set_cr3(cpu, PAGE_DIR);
    cpu_set_cr0(cpu, CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG);
    return e;
}

void emu_destroy(struct emu *e)
{
    if (!e)
        return;
    cpu_destroy(e->cpu);
    phys_mem_destroy(e->mem);
    free(e->io);
    free(e);
}

/* ------------------------------------------------------------------ */
/* Running a case.                                                      */

static void set_seg(struct emu *e, struct segment *s, uint16_t sel)
{
    unsigned k = (sel >> 3) & (HD_GDT_ENTRIES - 1);
    if (sel & 4)
        seg_from_desc(s, sel, e->ldt_lo[k], e->ldt_hi[k]);
    else
        seg_from_desc(s, sel, e->lo[k], e->hi[k]);
}

static void load_state(struct emu *e, const struct hd_case *c)
{
    struct cpu *cpu = e->cpu;
    memcpy(cpu->reg, c->reg, 8 * sizeof cpu->reg[0]);
    cpu->reg[REG_NONE] = 0;
    set_seg(e, &cpu->seg[CS], e->hello.cs);
    set_seg(e, &cpu->seg[GS], e->hello.gs);
    set_seg(e, &cpu->seg[ES], c->es_sel ? c->es_sel : e->hello.test_sel);
    set_seg(e, &cpu->seg[DS], c->ds_sel ? c->ds_sel : e->hello.test_sel);
    set_seg(e, &cpu->seg[FS], c->fs_sel ? c->fs_sel : e->hello.test_sel);
    set_seg(e, &cpu->seg[SS], c->ss_sel ? c->ss_sel : e->hello.test_sel);
    set_seg(e, &cpu->tr, TSS_SEL);
    set_seg(e, &cpu->ldtr, LDT_SEL);
    cpu->gdtr = (struct dtr){ GDT_LIN, 8 * HD_GDT_ENTRIES - 1 };
    cpu->idtr = (struct dtr){ IDT_LIN, 8 * NVECTORS - 1 };
    cpu->cpl = 3;
    cpu->halted = cpu->reset_request = cpu->stop_request = false;
    cpu->inhibit_irq = cpu->nmi_pending = cpu->intr_line = false;
    cpu->exc_nesting = 0;
    cpu_set_eflags(cpu, c->eflags | FL_IF | FL_1, 0xFFFFFFFFu);
    fpu_load_image(&cpu->fpu, c->fpu);
    cpu->eip = cpu->next_eip = HD_INSN_LIN;
    cpu_update_mode(cpu);
}

static void place_memory(struct emu *e, const struct hd_case *c)
{
    uint8_t code[HD_FILL_LEN];
    memset(code, 0xCC, sizeof code);
    memcpy(code + (HD_INSN_LIN - HD_FILL_LIN), c->code, c->len);
    for (unsigned k = 0; k < c->nland; k++) {
        code[c->land[k] - HD_FILL_LIN] = 0xEB;     /* jmp $ */
        code[c->land[k] - HD_FILL_LIN + 1] = 0xFE;
    }
    phys_write_block(e->mem, HD_FILL_LIN, code, sizeof code);
    uint32_t at = 0;
    for (unsigned k = 0; k < c->nspans; k++) {
        phys_write_block(e->mem, HD_WIN_LIN + c->span[k].off, c->mem + at, c->span[k].len);
        at += c->span[k].len;
    }
}

static bool at_landing(const struct emu *e, const struct hd_case *c)
{
    if (e->cpu->seg[CS].sel != e->hello.cs)
        return false;
    for (unsigned k = 0; k < c->nland; k++)
        if (e->cpu->eip == c->land[k])
            return true;
    return false;
}

static bool at_stub(const struct emu *e)
{
    uint32_t eip = e->cpu->eip;
    return e->cpu->seg[CS].sel == RING0_CS && eip >= STUB_LIN &&
           eip < STUB_LIN + 4 * NVECTORS && (eip & 3) == 0;
}

static void take_state(struct emu *e, struct hd_result *r)
{
    struct cpu *cpu = e->cpu;
    memcpy(r->reg, cpu->reg, sizeof r->reg);
    for (unsigned s = 0; s < 6; s++)
        r->sreg[s] = cpu->seg[s].sel;
    r->eflags = cpu_get_eflags(cpu);
    r->eip = cpu->eip;
    r->error = 0;
    fpu_save_image(&cpu->fpu, r->fpu);
}

static bool has_error_code(uint32_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

/* The exception frame on the ring-0 stack (SDM vol. 3 6.12.1). */
static void take_exception(struct emu *e, struct hd_result *r)
{
    struct cpu *cpu = e->cpu;
    uint32_t v = (cpu->eip - STUB_LIN) / 4, sp = cpu->reg[ESP];
    take_state(e, r);
    r->vector = v;
    if (has_error_code(v)) {
        r->error = phys_read(e->mem, sp, 4);
        sp += 4;
    }
    r->eip = phys_read(e->mem, sp, 4);
    r->sreg[CS] = (uint16_t)phys_read(e->mem, sp + 4, 4);
    r->eflags = phys_read(e->mem, sp + 8, 4);
    r->reg[ESP] = phys_read(e->mem, sp + 12, 4);
    r->sreg[SS] = (uint16_t)phys_read(e->mem, sp + 16, 4);
}

static void execute(struct emu *e, const struct hd_case *c, struct hd_result *r)
{
    struct cpu *cpu = e->cpu;
    for (unsigned n = 0; n < RUN_LIMIT; n++) {
        enum run_exit why = cpu_run(cpu, 1);
        if (at_stub(e)) {
            take_exception(e, r);
            return;
        }
        if (why == RUN_RESET || why == RUN_SHUTDOWN) {
            take_state(e, r);
            r->vector = HD_UNDELIVERED;
            return;
        }
        if (at_landing(e, c) || why == RUN_HALT) {
            take_state(e, r);
            r->vector = HD_NONE;
            return;
        }
    }
    take_state(e, r);
    r->vector = HD_HANG;
}

/* Save the spans, put the background back, and look for stray writes in
 * the window (reported as window offsets) and in the system tables
 * (reported as their linear address, which is past the window). */
static void collect_memory(struct emu *e, const struct hd_case *c, struct hd_result *r)
{
    uint8_t *win = phys_host_ptr(e->mem, HD_WIN_LIN, 1);
    uint8_t *sys = phys_host_ptr(e->mem, GDT_LIN, 1);
    uint32_t at = 0;
    for (unsigned k = 0; k < c->nspans; k++) {
        const struct hd_span *s = &c->span[k];
        memcpy(r->mem + at, win + s->off, s->len);
        memcpy(win + s->off, e->background + s->off, s->len);
        at += s->len;
    }
    r->stray = HD_NONE;
    if (memcmp(win, e->background, HD_WIN_SIZE) != 0) {
        for (uint32_t k = 0; k < HD_WIN_SIZE && r->stray == HD_NONE; k++)
            if (win[k] != e->background[k])
                r->stray = k;
        memcpy(win, e->background, HD_WIN_SIZE);
    }
    if (memcmp(sys, e->system, SYS_CHECKED) != 0) {
        for (uint32_t k = 0; k < SYS_CHECKED && r->stray == HD_NONE; k++)
            if (sys[k] != e->system[k])
                r->stray = GDT_LIN + k;
        phys_write_block(e->mem, GDT_LIN, e->system, SYS_CHECKED);
    }
}

void emu_run(struct emu *e, const struct hd_case *c, struct hd_result *r)
{
    memset(r, 0, sizeof *r);
    place_memory(e, c);
    load_state(e, c);
    execute(e, c, r);
    collect_memory(e, c, r);
}
