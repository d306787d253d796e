/* Running one test on the emulator and comparing the result; see rig.h. */
#include "rig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HALT_BUDGET 1000        /* instructions to reach the HLT (286 set) */
#define REP_STEP_BUDGET 70000   /* steps of a REP string op done piecewise */
#define PAGE 4096u

static const struct { enum ss_reg ss; enum gpr cpu; } gprs[8] = {
    { R_AX, EAX }, { R_BX, EBX }, { R_CX, ECX }, { R_DX, EDX },
    { R_SP, ESP }, { R_BP, EBP }, { R_SI, ESI }, { R_DI, EDI },
};

static const struct { enum ss_reg ss; enum sreg cpu; } sregs[4] = {
    { R_ES, ES }, { R_CS, CS }, { R_SS, SS }, { R_DS, DS },
};

static void note_dirty(struct rig *r, uint32_t pfn)
{
    for (unsigned k = 0; k < r->ndirty; k++)
        if (r->dirty[k] == pfn)
            return;
    if (r->ndirty == RIG_MAX_DIRTY)
        r->dirty_overflow = true;
    else
        r->dirty[r->ndirty++] = pfn;
}

/* The memory's code_written hook: record, then let the CPU drop its
 * decoded blocks as usual. */
static void on_page_written(void *opaque, uint32_t pfn)
{
    struct rig *r = opaque;
    if (r->tracking)
        note_dirty(r, pfn);
    if (r->cpu_hook)
        r->cpu_hook(r->cpu_hook_opaque, pfn);
}

static void mark_page(struct rig *r, uint32_t addr)
{
    phys_mark_code(r->mem, addr & ~(PAGE - 1), PAGE);
}

static void mark_all_pages(struct rig *r)
{
    for (uint32_t a = 0; a < RIG_RAM_SIZE; a += PAGE)
        mark_page(r, a);
}

int rig_init(struct rig *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->mem = phys_mem_create(RIG_RAM_SIZE);
    r->io = malloc(sizeof *r->io);
    if (r->mem && r->io) {
        io_bus_init(r->io);
        r->cpu = cpu_create(r->mem, r->io);
    }
    if (!r->cpu) {
        snprintf(err, errlen, "cannot create the machine (out of memory)");
        rig_destroy(r);
        return -1;
    }
    r->cpu_hook = r->mem->code_written;
    r->cpu_hook_opaque = r->mem->code_opaque;
    r->mem->code_written = on_page_written;
    r->mem->code_opaque = r;
    mark_all_pages(r);
    return 0;
}

void rig_destroy(struct rig *r)
{
    cpu_destroy(r->cpu);
    phys_mem_destroy(r->mem);
    free(r->io);
    free(r->expect);
    memset(r, 0, sizeof *r);
}

static void add_diff(struct rig_outcome *o, const char *what, uint32_t expected, uint32_t got)
{
    o->pass = false;
    if (o->ndiff == RIG_MAX_DIFFS) {
        o->more++;
        return;
    }
    struct rig_diff *d = &o->diff[o->ndiff++];
    snprintf(d->what, sizeof d->what, "%s", what);
    d->expected = expected;
    d->got = got;
}

static void fail_note(struct rig_outcome *o, const char *note)
{
    o->pass = false;
    if (!o->note[0])
        snprintf(o->note, sizeof o->note, "%s", note);
}

static int cmp_byte(const void *a, const void *b)
{
    const struct rig_byte *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int add_bytes(struct rig *r, const struct ss_state *s)
{
    for (size_t k = 0; k < s->nram; k++) {
        if (r->nexpect == r->expect_cap) {
            size_t ncap = r->expect_cap ? r->expect_cap * 2 : 512;
            struct rig_byte *nv = realloc(r->expect, ncap * sizeof *nv);
            if (!nv)
                return -1;
            r->expect = nv;
            r->expect_cap = ncap;
        }
        struct rig_byte *b = &r->expect[r->nexpect];
        b->addr = s->ram[k].addr;
        b->value = s->ram[k].value;
        b->order = (uint32_t)r->nexpect++;
    }
    return 0;
}

/* The test's bytes sorted by address, each with its final value. */
static int build_expect(struct rig *r, const struct ss_test *t)
{
    r->nexpect = 0;
    if (add_bytes(r, &t->init) < 0 || add_bytes(r, &t->fina) < 0)
        return -1;
    if (r->nexpect > 1)
        qsort(r->expect, r->nexpect, sizeof *r->expect, cmp_byte);
    size_t out = 0;
    for (size_t k = 0; k < r->nexpect; k++) {
        if (out && r->expect[out - 1].addr == r->expect[k].addr)
            out--;              /* a later entry for the same byte wins */
        r->expect[out++] = r->expect[k];
    }
    r->nexpect = out;
    return 0;
}

static bool is_expected(const struct rig *r, uint32_t addr)
{
    size_t lo = 0, hi = r->nexpect;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->expect[mid].addr == addr)
            return true;
        if (r->expect[mid].addr < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static void load_ram(struct rig *r, const struct ss_state *s)
{
    for (size_t k = 0; k < s->nram; k++)
        phys_write(r->mem, s->ram[k].addr, s->ram[k].value, 1);
    for (size_t k = 0; k < s->nram; k++)
        mark_page(r, s->ram[k].addr);
}

/* Real mode as the test describes it. FLAGS bits 12-15 are loaded as 0:
 * what the 286 holds in real mode (its README: mask them); the 8086's
 * constant ones there would set IOPL and NT on a 386. */
static void load_regs(struct cpu *cpu, const struct ss_state *s)
{
    for (int k = 0; k < 8; k++)
        cpu->reg[gprs[k].cpu] = s->reg[gprs[k].ss];
    for (int k = 0; k < 4; k++)
        seg_load_real(cpu, sregs[k].cpu, s->reg[sregs[k].ss]);
    cpu->eip = s->reg[R_IP];
    cpu_set_eflags(cpu, s->reg[R_FLAGS] & 0x0FFFu, 0xFFFFu);
}

/* Exactly one instruction (cpu_run's budget is exact); the 8086 tests
 * leave NOPs and zeros after the instruction, which must not run. */
static void step(struct cpu *cpu)
{
    cpu_run(cpu, 1);
}

static void execute(struct rig *r, const struct rig_params *p, struct rig_outcome *o)
{
    struct cpu *cpu = r->cpu;
    if (p->halt_mode) {
        enum run_exit e = cpu_run(cpu, HALT_BUDGET);
        if (e == RUN_BUDGET)
            fail_note(o, "no HLT within 1000 instructions");
        else if (e != RUN_HALT)
            fail_note(o, e == RUN_RESET ? "triple fault (RUN_RESET) before the HLT"
                                        : "CPU stopped before the HLT");
        return;
    }
    uint32_t ip0 = cpu->eip;
    uint16_t cs0 = cpu->seg[CS].sel;
    step(cpu);
    /* A long REP string instruction yields with EIP left on itself. */
    for (unsigned n = 0; p->rep_string && n < REP_STEP_BUDGET &&
                         cpu->eip == ip0 && cpu->seg[CS].sel == cs0; n++)
        step(cpu);
}

static void compare_regs(struct rig *r, const struct ss_test *t, const struct rig_params *p,
                         struct rig_outcome *o)
{
    struct cpu *cpu = r->cpu;
    char what[32];
    for (int k = 0; k < 8; k++) {
        uint16_t exp = ss_final_reg(t, gprs[k].ss);
        uint32_t got = cpu->reg[gprs[k].cpu];
        if ((got & 0xFFFF) != exp)
            add_diff(o, ss_reg_names[gprs[k].ss], exp, got & 0xFFFF);
        if (got >> 16) {
            snprintf(what, sizeof what, "e%s[31:16]", ss_reg_names[gprs[k].ss]);
            add_diff(o, what, 0, got >> 16);
        }
    }
    for (int k = 0; k < 4; k++) {
        uint16_t exp = ss_final_reg(t, sregs[k].ss);
        const struct segment *s = &cpu->seg[sregs[k].cpu];
        if (s->sel != exp) {
            add_diff(o, ss_reg_names[sregs[k].ss], exp, s->sel);
        } else if (s->base != (uint32_t)exp << 4) {
            snprintf(what, sizeof what, "%s.base", ss_reg_names[sregs[k].ss]);
            add_diff(o, what, (uint32_t)exp << 4, s->base);
        }
    }
    /* The capture holds the 16-bit IP (for the 286, as pushed by the NMI
     * that ended the test): an instruction ending at CS:FFFF leaves EIP at
     * 10000h on a 386, whose next push or fetch sees IP 0000 as well. */
    if ((uint16_t)cpu->eip != ss_final_reg(t, R_IP))
        add_diff(o, "ip", ss_final_reg(t, R_IP), cpu->eip);
    uint32_t m = p->flags_mask & 0x0FFFu;
    uint32_t got = cpu_get_eflags(cpu), exp = ss_final_reg(t, R_FLAGS);
    if ((got ^ exp) & m)
        add_diff(o, "flags", exp & m, got & m);
}

static uint8_t byte_mask_at(const struct rig_params *p, uint32_t addr)
{
    for (unsigned k = 0; k < p->nbyte_mask; k++)
        if (p->byte_mask[k].addr == addr)
            return p->byte_mask[k].mask;
    return 0xFF;
}

static void compare_ram(struct rig *r, const struct rig_params *p, struct rig_outcome *o)
{
    char what[32];
    for (size_t k = 0; k < r->nexpect; k++) {
        const struct rig_byte *b = &r->expect[k];
        uint8_t got = r->mem->ram[b->addr], m = byte_mask_at(p, b->addr);
        if (!((got ^ b->value) & m))
            continue;
        snprintf(what, sizeof what, "mem[%06X]", (unsigned)b->addr);
        add_diff(o, what, b->value & m, got & m);
    }
    for (unsigned k = 0; k < r->ndirty; k++) {
        uint32_t base = r->dirty[k] * PAGE;
        for (uint32_t a = base; a < base + PAGE && a < RIG_RAM_SIZE; a++) {
            if (!r->mem->ram[a] || is_expected(r, a))
                continue;
            snprintf(what, sizeof what, "stray[%06X]", (unsigned)a);
            add_diff(o, what, 0, r->mem->ram[a]);
        }
    }
    if (r->dirty_overflow)
        fail_note(o, "the CPU wrote to more pages than the rig tracks");
}

/* Back to all-zero RAM with every page marked, ready for the next test. */
static void clean_up(struct rig *r)
{
    uint8_t *ram = r->mem->ram;
    for (size_t k = 0; k < r->nexpect; k++) {
        ram[r->expect[k].addr] = 0;
        mark_page(r, r->expect[k].addr);
    }
    for (unsigned k = 0; k < r->ndirty; k++) {
        if (r->dirty[k] * PAGE >= RIG_RAM_SIZE)
            continue;
        memset(ram + r->dirty[k] * PAGE, 0, PAGE);
        mark_page(r, r->dirty[k] * PAGE);
    }
    if (r->dirty_overflow) {
        memset(ram, 0, RIG_RAM_SIZE);
        mark_all_pages(r);
    }
    r->ndirty = 0;
    r->dirty_overflow = false;
}

static bool addresses_fit(const struct rig *r)
{
    return !r->nexpect || r->expect[r->nexpect - 1].addr < RIG_RAM_SIZE;
}

void rig_run(struct rig *r, const struct ss_test *t, const struct rig_params *p,
             struct rig_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->pass = true;
    if (build_expect(r, t) < 0 || !addresses_fit(r)) {
        fail_note(o, r->nexpect ? "a RAM address is beyond 16 MiB" : "out of memory");
        r->nexpect = 0;
        return;
    }
    cpu_reset(r->cpu);
    phys_set_a20(r->mem, p->a20);
    load_ram(r, &t->init);
    load_regs(r->cpu, &t->init);
    r->tracking = true;
    execute(r, p, o);
    r->tracking = false;
    compare_regs(r, t, p, o);
    compare_ram(r, p, o);
    clean_up(r);
}
