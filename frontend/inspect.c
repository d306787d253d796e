/* Machine state for people to read; see inspect.h. Descriptor layouts are
 * those of the SDM vol. 3: 3.4.5 (segment descriptors), 6.11 (gates),
 * 7.2.1 and 7.6 (32- and 16-bit TSS), 4.3 (32-bit paging entries). */
#include "inspect.h"

#include <math.h>
#include <string.h>

#include "cpu.h"
#include "debugger.h"
#include "fpu.h"
#include "segment.h"

const char *inspect_exception_name(int vector)
{
    static const char *const names[] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
        "#SS", "#GP", "#PF", "", "#MF", "#AC", "#MC", "#XM",
    };
    return vector >= 0 && vector < (int)(sizeof names / sizeof names[0]) ? names[vector] : "";
}

const char *inspect_event_name(int vector, enum int_source src)
{
    bool exception = src == INT_EXCEPTION || src == INT_SOFT_EXC || src == INT_ICEBP ||
                     (src == INT_HARDWARE && vector == EXC_NMI);
    return exception ? inspect_exception_name(vector) : "";
}

static uint32_t read32(const struct cpu *cpu, uint32_t lin, bool *ok)
{
    uint32_t v = 0;
    if (debugger_read(cpu, lin, &v, 4, false) != 4)
        *ok = false;
    return v;
}

static uint16_t read16(const struct cpu *cpu, uint32_t lin, bool *ok)
{
    uint16_t v = 0;
    if (debugger_read(cpu, lin, &v, 2, false) != 2)
        *ok = false;
    return v;
}

/* ---- Registers ---- */

/* What a segment register's access rights say, QEMU-style: "CS32 [-R-]". */
static void describe_rights(char *out, size_t len, uint32_t ar, bool in_segment_reg)
{
    unsigned type = ar & AR_TYPE;
    if (!(ar & AR_P) && in_segment_reg) {
        snprintf(out, len, "unusable");
        return;
    }
    if (ar & AR_S) {
        if (ar & AR_CODE)
            snprintf(out, len, "DPL=%u CS%s [%c%c%c]", (ar & AR_DPL) >> 5,
                     (ar & AR_DB) ? "32" : "16", (type & AR_C) ? 'C' : '-',
                     (type & AR_R) ? 'R' : '-', (type & AR_A) ? 'A' : '-');
        else
            snprintf(out, len, "DPL=%u DS%s [%c%c%c]", (ar & AR_DPL) >> 5,
                     (ar & AR_DB) ? "  " : "16", (type & AR_E) ? 'E' : '-',
                     (type & AR_W) ? 'W' : '-', (type & AR_A) ? 'A' : '-');
        return;
    }
    static const char *const sys[16] = {
        "reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16",
        "TrapGate16", "reserved", "TSS32-avl", "reserved", "TSS32-busy", "CallGate32",
        "reserved", "IntGate32", "TrapGate32",
    };
    snprintf(out, len, "DPL=%u %s", (ar & AR_DPL) >> 5, sys[type]);
}

static void print_segment(FILE *out, const char *name, const struct segment *s)
{
    char rights[48];
    describe_rights(rights, sizeof rights, s->ar, true);
    fprintf(out, "%-3s=%04x %08x %08x %08x %s\n", name, s->sel, s->base, s->limit, s->ar << 8,
            rights);
}

static const char *mode_name(const struct cpu *cpu)
{
    switch (cpu->mode) {
    case MODE_REAL: return "real mode";
    case MODE_V86: return "virtual-8086 mode";
    default: return (cpu->cr0 & CR0_PG) ? "protected mode, paging" : "protected mode";
    }
}

void inspect_registers(FILE *out, struct cpu *cpu)
{
    static const char *const seg_names[SEG_COUNT] = { "ES", "CS", "SS", "DS", "FS", "GS" };
    uint32_t fl = cpu_get_eflags(cpu);
    fprintf(out, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n", cpu->reg[EAX], cpu->reg[EBX],
            cpu->reg[ECX], cpu->reg[EDX]);
    fprintf(out, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n", cpu->reg[ESI], cpu->reg[EDI],
            cpu->reg[EBP], cpu->reg[ESP]);
    fprintf(out, "EIP=%08x EFL=%08x [%c%c%c%c%c%c%c%c%c] IOPL=%u CPL=%d II=%d A20=%d HLT=%d (%s)\n",
            cpu->eip, fl, (fl & FL_OF) ? 'O' : '-', (fl & FL_DF) ? 'D' : '-',
            (fl & FL_IF) ? 'I' : '-', (fl & FL_TF) ? 'T' : '-', (fl & FL_SF) ? 'S' : '-',
            (fl & FL_ZF) ? 'Z' : '-', (fl & FL_AF) ? 'A' : '-', (fl & FL_PF) ? 'P' : '-',
            (fl & FL_CF) ? 'C' : '-', (fl & FL_IOPL) >> 12, cpu->cpl, cpu->inhibit_irq,
            cpu->mem->a20_mask == 0xFFFFFFFFu, cpu->halted, mode_name(cpu));
    for (int s = 0; s < SEG_COUNT; s++)
        print_segment(out, seg_names[s], &cpu->seg[s]);
    print_segment(out, "LDT", &cpu->ldtr);
    print_segment(out, "TR", &cpu->tr);
    fprintf(out, "GDT=     %08x %08x\n", cpu->gdtr.base, cpu->gdtr.limit);
    fprintf(out, "IDT=     %08x %08x\n", cpu->idtr.base, cpu->idtr.limit);
    fprintf(out, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n", cpu->cr0, cpu->cr2, cpu->cr3, cpu->cr4);
    fprintf(out, "DR0=%08x DR1=%08x DR2=%08x DR3=%08x\n", cpu->dr[0], cpu->dr[1], cpu->dr[2],
            cpu->dr[3]);
    fprintf(out, "DR6=%08x DR7=%08x\n", cpu->dr[6], cpu->dr[7]);
    fprintf(out, "icount=%llu\n", (unsigned long long)cpu->icount);
}

/* An 80-bit extended value as a double (close enough to read). */
static double f80_value(struct f80 v)
{
    int exp = v.se & 0x7FFF;
    double sign = (v.se & 0x8000) ? -1.0 : 1.0;
    if (exp == 0x7FFF)
        return (v.sig << 1) ? NAN : sign * INFINITY;
    return sign * ldexp((double)v.sig, (exp ? exp : 1) - 16383 - 63);
}

void inspect_fpu(FILE *out, const struct cpu *cpu)
{
    const struct fpu *f = &cpu->fpu;
    unsigned top = (f->sw & FSW_TOP) >> 11;
    fprintf(out, "FCW=%04x FSW=%04x [TOP=%u%s%s%s%s] FTW=%04x FOP=%04x\n", f->cw, f->sw, top,
            (f->sw & FSW_C0) ? " C0" : "", (f->sw & FSW_C1) ? " C1" : "",
            (f->sw & FSW_C2) ? " C2" : "", (f->sw & FSW_C3) ? " C3" : "", fpu_tag_word(f), f->fop);
    fprintf(out, "FIP=%04x:%08x FDP=%04x:%08x\n", f->fcs, f->fip, f->fds, f->fdp);
    static const char *const tags[4] = { "valid", "zero", "special", "empty" };
    for (unsigned i = 0; i < 8; i++) {
        unsigned r = (top + i) & 7;
        struct f80 v = f->r[r];
        fprintf(out, "ST%u=R%u %04x %016llx %-7s %.17g\n", i, r, v.se,
                (unsigned long long)v.sig, tags[fpu_tag(f, r)], f80_value(v));
    }
}

/* ---- Descriptor tables ---- */

static void describe_descriptor(char *out, size_t len, uint32_t lo, uint32_t hi)
{
    uint32_t ar = (hi >> 8) & 0xF0FFu;
    char rights[48];
    describe_rights(rights, sizeof rights, ar, false);
    unsigned type = ar & AR_TYPE;
    bool gate = !(ar & AR_S) && (type == 4 || type == 5 || type == 6 || type == 7 ||
                                 type == 12 || type == 14 || type == 15);
    if (gate)
        snprintf(out, len, "%s sel=%04x off=%08x%s", rights, lo >> 16,
                 (hi & 0xFFFF0000u) | (lo & 0xFFFF), (ar & AR_P) ? "" : " not present");
    else {
        uint32_t base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
        uint32_t limit = (lo & 0xFFFF) | (hi & 0x000F0000u);
        if (hi & (AR_G << 8))
            limit = (limit << 12) | 0xFFF;
        snprintf(out, len, "base=%08x limit=%08x %s%s", base, limit, rights,
                 (ar & AR_P) ? "" : " not present");
    }
}

void inspect_descriptor_table(FILE *out, const struct cpu *cpu, bool ldt)
{
    uint32_t base = ldt ? cpu->ldtr.base : cpu->gdtr.base;
    uint32_t limit = ldt ? cpu->ldtr.limit : cpu->gdtr.limit;
    if (ldt && ((cpu->ldtr.sel & ~3u) == 0 || !(cpu->ldtr.ar & AR_P))) {
        fprintf(out, "no LDT (LDTR=%04x)\n", cpu->ldtr.sel);
        return;
    }
    fprintf(out, "%s base=%08x limit=%04x (%u entries)\n", ldt ? "LDT" : "GDT", base, limit,
            (limit + 1) / 8);
    unsigned shown = 0;
    for (uint32_t off = 0; off + 7 <= limit; off += 8) {
        uint32_t d[2];
        if (debugger_read(cpu, base + off, d, 8, false) != 8) {
            fprintf(out, "%04x: (unreadable: the table leaves mapped memory)\n", off);
            return;
        }
        if (!d[0] && !d[1])
            continue;
        char text[96];
        describe_descriptor(text, sizeof text, d[0], d[1]);
        fprintf(out, "%04x: %08x %08x %s\n", off | (ldt ? 4 : 0), d[0], d[1], text);
        shown++;
    }
    if (!shown)
        fprintf(out, "(every entry is zero)\n");
}

void inspect_idt(FILE *out, const struct cpu *cpu)
{
    uint32_t base = cpu->idtr.base, limit = cpu->idtr.limit;
    if (cpu->mode == MODE_REAL) {
        fprintf(out, "IVT base=%08x limit=%04x\n", base, limit);
        for (unsigned v = 0; v < 256 && v * 4 + 3 <= limit; v++) {
            bool ok = true;
            uint32_t e = read32(cpu, base + v * 4, &ok);
            if (!ok) {
                fprintf(out, "\n(unreadable from vector %02x)", v);
                break;
            }
            fprintf(out, "%02x: %04x:%04x%s", v, e >> 16, e & 0xFFFF, v % 4 == 3 ? "\n" : "   ");
        }
        fputc('\n', out);
        return;
    }
    fprintf(out, "IDT base=%08x limit=%04x\n", base, limit);
    for (unsigned v = 0; v < 256 && v * 8 + 7 <= limit; v++) {
        uint32_t d[2];
        if (debugger_read(cpu, base + v * 8, d, 8, false) != 8) {
            fprintf(out, "(unreadable from vector %02x)\n", v);
            return;
        }
        if (!d[0] && !d[1])
            continue;
        char text[96];
        describe_descriptor(text, sizeof text, d[0], d[1]);
        fprintf(out, "%02x %-3s %s\n", v, inspect_exception_name((int)v), text);
    }
}

/* ---- TSS ---- */

void inspect_tss(FILE *out, const struct cpu *cpu)
{
    const struct segment *tr = &cpu->tr;
    unsigned type = tr->ar & AR_TYPE;
    char rights[48];
    describe_rights(rights, sizeof rights, tr->ar, false);
    fprintf(out, "TR=%04x base=%08x limit=%08x %s\n", tr->sel, tr->base, tr->limit, rights);
    if (cpu->mode == MODE_REAL || (tr->sel & ~3u) == 0) {
        fprintf(out, "(no task register loaded)\n");
        return;
    }
    bool ok = true;
    uint32_t b = tr->base;
    if (type == SYS_TSS32_AVAIL || type == SYS_TSS32_BUSY) {
        fprintf(out, "link=%04x\n", read16(cpu, b, &ok));
        for (int r = 0; r < 3; r++)
            fprintf(out, "ESP%d=%08x SS%d=%04x\n", r, read32(cpu, b + 4 + 8 * r, &ok), r,
                    read16(cpu, b + 8 + 8 * r, &ok));
        fprintf(out, "CR3=%08x EIP=%08x EFLAGS=%08x\n", read32(cpu, b + 28, &ok),
                read32(cpu, b + 32, &ok), read32(cpu, b + 36, &ok));
        static const char *const regs[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
        for (int r = 0; r < 8; r++)
            fprintf(out, "%s=%08x%c", regs[r], read32(cpu, b + 40 + 4 * r, &ok), r % 4 == 3 ? '\n' : ' ');
        static const char *const segs[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };
        for (int s = 0; s < 6; s++)
            fprintf(out, "%s=%04x ", segs[s], read16(cpu, b + 72 + 4 * s, &ok));
        fprintf(out, "LDT=%04x\n", read16(cpu, b + 96, &ok));
        uint16_t t = read16(cpu, b + 100, &ok), iomap = read16(cpu, b + 102, &ok);
        fprintf(out, "T=%u I/O map base=%04x%s\n", t & 1, iomap,
                iomap > tr->limit ? " (beyond the limit: no I/O bitmap)" : "");
    } else if (type == SYS_TSS16_AVAIL || type == SYS_TSS16_BUSY) {
        fprintf(out, "link=%04x\n", read16(cpu, b, &ok));
        for (int r = 0; r < 3; r++)
            fprintf(out, "SP%d=%04x SS%d=%04x\n", r, read16(cpu, b + 2 + 4 * r, &ok), r,
                    read16(cpu, b + 4 + 4 * r, &ok));
        fprintf(out, "IP=%04x FLAGS=%04x\n", read16(cpu, b + 14, &ok), read16(cpu, b + 16, &ok));
        static const char *const regs[8] = { "AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI" };
        for (int r = 0; r < 8; r++)
            fprintf(out, "%s=%04x%c", regs[r], read16(cpu, b + 18 + 2 * r, &ok), r % 4 == 3 ? '\n' : ' ');
        static const char *const segs[4] = { "ES", "CS", "SS", "DS" };
        for (int s = 0; s < 4; s++)
            fprintf(out, "%s=%04x ", segs[s], read16(cpu, b + 34 + 2 * s, &ok));
        fprintf(out, "LDT=%04x\n", read16(cpu, b + 42, &ok));
    } else {
        fprintf(out, "(TR does not hold a TSS)\n");
        return;
    }
    if (!ok)
        fprintf(out, "(part of the TSS is not in mapped memory: shown as 0)\n");
}

/* ---- Paging ---- */

static void entry_bits(char *out, size_t len, uint32_t e, bool pde)
{
    snprintf(out, len, "%s%s%s%s%s%s%s%s%s", (e & 1) ? "P" : "not-present",
             (e & 1) && (e & 2) ? " W" : "", (e & 1) && (e & 4) ? " U" : "",
             (e & 1) && (e & 8) ? " PWT" : "", (e & 1) && (e & 0x10) ? " PCD" : "",
             (e & 1) && (e & 0x20) ? " A" : "", (e & 1) && (e & 0x40) ? " D" : "",
             (e & 1) && (e & 0x80) ? (pde ? " PS" : " PAT") : "",
             (e & 1) && (e & 0x100) ? " G" : "");
}

void inspect_walk(FILE *out, const struct cpu *cpu, uint32_t lin)
{
    struct dbg_walk w;
    debugger_walk(cpu, lin, &w);
    fprintf(out, "linear %08x:", lin);
    if (!w.paging) {
        fprintf(out, " paging is off, physical %08x%s\n", w.phys,
                w.phys != lin ? " (A20 is off)" : "");
        return;
    }
    char bits[64];
    entry_bits(bits, sizeof bits, w.pde, true);
    fprintf(out, " CR3=%08x%s%s\n", cpu->cr3, (cpu->cr4 & CR4_PSE) ? " PSE" : "",
            (cpu->cr4 & CR4_PGE) ? " PGE" : "");
    fprintf(out, "  PDE[%03x] at %08x = %08x %s\n", lin >> 22, w.pde_addr, w.pde, bits);
    if (w.has_pte) {
        entry_bits(bits, sizeof bits, w.pte, false);
        fprintf(out, "  PTE[%03x] at %08x = %08x %s\n", (lin >> 12) & 0x3FF, w.pte_addr, w.pte,
                bits);
    }
    if (w.present)
        fprintf(out, "  -> physical %08x (%s page, %s, %s)\n", w.phys, w.large ? "4 MiB" : "4 KiB",
                w.writable ? "writable" : "read-only", w.user ? "user" : "supervisor");
    else
        fprintf(out, "  -> not mapped (a #PF)\n");
}

/* Calls fn for each present page: lin, phys, size, the entry's bits. */
static void each_mapping(const struct cpu *cpu,
                         void (*fn)(void *ctx, uint32_t lin, uint32_t phys, uint32_t size,
                                    uint32_t bits),
                         void *ctx)
{
    if (!(cpu->cr0 & CR0_PG))
        return;
    uint32_t dir = cpu->cr3 & 0xFFFFF000u;
    uint32_t pd[1024];
    if (debugger_read(cpu, dir, pd, sizeof pd, true) != sizeof pd)
        return;
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t pde = pd[i];
        if (!(pde & 1))
            continue;
        uint32_t lin = i << 22;
        if ((pde & 0x80) && (cpu->cr4 & CR4_PSE)) {
            fn(ctx, lin, pde & 0xFFC00000u, 0x400000, pde & 0x1FF);
            continue;
        }
        uint32_t pt[1024];
        if (debugger_read(cpu, pde & 0xFFFFF000u, pt, sizeof pt, true) != sizeof pt)
            continue;
        for (uint32_t j = 0; j < 1024; j++)
            if (pt[j] & 1)
                fn(ctx, lin | (j << 12), pt[j] & 0xFFFFF000u, 0x1000,
                   (pt[j] & 0x1FF & ~6u) | (pde & pt[j] & 6u));
    }
}

static void print_mapping(void *ctx, uint32_t lin, uint32_t phys, uint32_t size, uint32_t bits)
{
    (void)size;
    FILE *out = ctx;
    fprintf(out, "%08x: %08x %c%c%c%c%c%c%c%c\n", lin, phys, (bits & 0x100) ? 'G' : '-',
            (bits & 0x80) ? 'S' : '-', (bits & 0x40) ? 'D' : '-', (bits & 0x20) ? 'A' : '-',
            (bits & 0x10) ? 'C' : '-', (bits & 0x08) ? 'T' : '-', (bits & 4) ? 'U' : '-',
            (bits & 2) ? 'W' : '-');
}

void inspect_mappings(FILE *out, const struct cpu *cpu)
{
    if (!(cpu->cr0 & CR0_PG)) {
        fprintf(out, "paging is off: linear addresses are physical\n");
        return;
    }
    fprintf(out, "linear    physical flags (G global, S 4 MiB, D dirty, A accessed, "
                 "C PCD, T PWT, U user, W writable)\n");
    each_mapping(cpu, print_mapping, out);
}

struct mem_run {
    FILE *out;
    bool open;
    uint32_t start, end, rights;     /* end: one past the run's last byte */
};

static void flush_run(struct mem_run *r)
{
    if (!r->open)
        return;
    fprintf(r->out, "%08x-%08x %08x %cr%c\n", r->start, r->end - 1, r->end - r->start,
            (r->rights & 4) ? 'u' : '-', (r->rights & 2) ? 'w' : '-');
    r->open = false;
}

static void add_run(void *ctx, uint32_t lin, uint32_t phys, uint32_t size, uint32_t bits)
{
    (void)phys;
    struct mem_run *r = ctx;
    uint32_t rights = bits & 6;
    if (r->open && r->end == lin && r->rights == rights) {
        r->end = lin + size;
        if (r->end == 0) {      /* reached 4 GiB */
            fprintf(r->out, "%08x-ffffffff %08x %cr%c\n", r->start, 0u - r->start,
                    (rights & 4) ? 'u' : '-', (rights & 2) ? 'w' : '-');
            r->open = false;
        }
        return;
    }
    flush_run(r);
    *r = (struct mem_run){ r->out, true, lin, lin + size, rights };
}

void inspect_mem(FILE *out, const struct cpu *cpu)
{
    if (!(cpu->cr0 & CR0_PG)) {
        fprintf(out, "paging is off: linear addresses are physical\n");
        return;
    }
    struct mem_run r = { out, false, 0, 0, 0 };
    each_mapping(cpu, add_run, &r);
    flush_run(&r);
}
