/* The monitor's commands; see monitor.h. Each command is a row of one
 * table: its name, aliases, whether it runs or stops the guest (gdb may
 * not use those), its handler and its help line. */
#include "monitor.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ata.h"
#include "cpu.h"
#include "debugctl.h"
#include "debugger.h"
#include "disasm.h"
#include "display.h"
#include "i8254_pit.h"
#include "i8259_pic.h"
#include "inspect.h"
#include "machine.h"
#include "mc146818_rtc.h"
#include "ns16550_uart.h"
#include "pci.h"
#include "piix_ide.h"
#include "replay.h"
#include "trace.h"
#include "vga.h"

#define LINE_MAX_LEN 1024
#define PROMPT "(ember) "

struct monitor {
    struct debugctl *ctl;
    struct machine *m;
    struct disasm *dis;
    struct trace *trace;
    int in_fd;
    FILE *out;
    char buf[8192];             /* input not run yet */
    size_t buflen;
    bool eof;                   /* the input has ended */
    bool held;                  /* waiting lines run at the next stop */
    /* x and xp remember the last format, size and address, as QEMU's do. */
    char last_format;
    unsigned last_size;
};

struct cmd_ctx {
    struct monitor *mon;
    FILE *out;
    const char *args;           /* after the command word, spaces skipped */
    const char *name;           /* the command word as typed */
};

struct monitor *monitor_create(struct debugctl *ctl, struct machine *m, struct disasm *dis,
                               struct trace *trace, int in_fd, FILE *out)
{
    struct monitor *mon = calloc(1, sizeof *mon);
    if (!mon)
        return NULL;
    mon->ctl = ctl;
    mon->m = m;
    mon->dis = dis;
    mon->trace = trace;
    mon->in_fd = -1;
    mon->out = out;
    mon->last_format = 'x';
    mon->last_size = 4;
    if (in_fd >= 0)
        monitor_open(mon, in_fd);
    return mon;
}

void monitor_destroy(struct monitor *mon)
{
    free(mon);
}

int monitor_fd(const struct monitor *mon)
{
    return mon->in_fd;
}

static void prompt(struct monitor *mon)
{
    fputs(PROMPT, mon->out);
    fflush(mon->out);
}

void monitor_open(struct monitor *mon, int fd)
{
    if (mon->in_fd >= 0)
        return;
    mon->in_fd = fd;
    fprintf(mon->out, "ember monitor - type 'help' for the commands\n");
    prompt(mon);
}

/* ---- Parsing ---- */

static const char *skip_spaces(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The next word of *s (up to a space), copied into buf; *s moves past it. */
static bool next_word(const char **s, char *buf, size_t len)
{
    const char *p = skip_spaces(*s);
    size_t n = 0;
    while (p[n] && p[n] != ' ' && p[n] != '\t')
        n++;
    if (n == 0 || n >= len)
        return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    *s = skip_spaces(p + n);
    return true;
}

static bool register_value(struct cpu *cpu, const char *name, size_t n, uint32_t *v)
{
    static const char *const r32[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
    static const char *const r16[8] = { "ax", "cx", "dx", "bx", "sp", "bp", "si", "di" };
    static const char *const r8[8] = { "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh" };
    static const char *const sregs[6] = { "es", "cs", "ss", "ds", "fs", "gs" };
    char reg[8];
    if (n == 0 || n >= sizeof reg)
        return false;
    for (size_t k = 0; k < n; k++)
        reg[k] = (char)tolower((unsigned char)name[k]);
    reg[n] = 0;
    for (unsigned k = 0; k < 8; k++) {
        if (!strcmp(reg, r32[k])) { *v = cpu->reg[k]; return true; }
        if (!strcmp(reg, r16[k])) { *v = get_r16(cpu, k); return true; }
        if (!strcmp(reg, r8[k])) { *v = get_r8(cpu, k); return true; }
    }
    for (unsigned k = 0; k < 6; k++)
        if (!strcmp(reg, sregs[k])) { *v = cpu->seg[k].sel; return true; }
    if (!strcmp(reg, "eip") || !strcmp(reg, "ip")) { *v = cpu->eip; return true; }
    if (!strcmp(reg, "pc")) { *v = cpu->seg[CS].base + cpu->eip; return true; }
    if (!strcmp(reg, "eflags") || !strcmp(reg, "efl")) { *v = cpu_get_eflags(cpu); return true; }
    if (!strcmp(reg, "cr0")) { *v = cpu->cr0; return true; }
    if (!strcmp(reg, "cr2")) { *v = cpu->cr2; return true; }
    if (!strcmp(reg, "cr3")) { *v = cpu->cr3; return true; }
    if (!strcmp(reg, "cr4")) { *v = cpu->cr4; return true; }
    return false;
}

/* expr := term (('+' | '-') term)*; term := number | $reg | (expr). */
static bool parse_expr(struct cpu *cpu, const char **s, uint32_t *v);

static bool parse_term(struct cpu *cpu, const char **s, uint32_t *v)
{
    const char *p = skip_spaces(*s);
    if (*p == '(') {
        p++;
        if (!parse_expr(cpu, &p, v))
            return false;
        p = skip_spaces(p);
        if (*p != ')')
            return false;
        *s = p + 1;
        return true;
    }
    if (*p == '$' || *p == '%') {
        p++;
        size_t n = 0;
        while (isalnum((unsigned char)p[n]))
            n++;
        if (!register_value(cpu, p, n, v))
            return false;
        *s = p + n;
        return true;
    }
    if (!isdigit((unsigned char)*p))
        return false;
    char *end;
    errno = 0;
    unsigned long long n = (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) ? strtoull(p, &end, 16)
                                                                         : strtoull(p, &end, 10);
    if (errno || n > 0xFFFFFFFFull || isalnum((unsigned char)*end))
        return false;
    *v = (uint32_t)n;
    *s = end;
    return true;
}

static bool parse_expr(struct cpu *cpu, const char **s, uint32_t *v)
{
    if (!parse_term(cpu, s, v))
        return false;
    for (;;) {
        const char *p = skip_spaces(*s);
        if (*p != '+' && *p != '-')
            return true;
        uint32_t t;
        const char *q = p + 1;
        if (!parse_term(cpu, &q, &t))
            return false;
        *v = *p == '+' ? *v + t : *v - t;
        *s = q;
    }
}

/* A whole argument that must be one expression (spaces allowed inside). */
static bool parse_value(struct cmd_ctx *c, const char **s, uint32_t *v)
{
    if (!parse_expr(c->mon->m->cpu, s, v)) {
        fprintf(c->out, "%s: cannot read a value from '%s' (a number, 0x.. for hex, or $reg)\n",
                c->name, skip_spaces(*s));
        return false;
    }
    *s = skip_spaces(*s);
    return true;
}

static bool at_end(struct cmd_ctx *c, const char *s)
{
    s = skip_spaces(s);
    if (!*s)
        return true;
    fprintf(c->out, "%s: unexpected '%s'\n", c->name, s);
    return false;
}

/* ---- Memory dumps: x, xp (QEMU's /FMT: count, format x d u o c i, size b h w g) ---- */

static void dump_insns(struct cmd_ctx *c, uint32_t addr, unsigned count, bool physical)
{
    struct monitor *mon = c->mon;
    struct cpu *cpu = mon->m->cpu;
    for (unsigned k = 0; k < count; k++) {
        char text[DISASM_TEXT];
        unsigned n = disasm_guest(mon->dis, cpu, addr, physical, cpu->code32, text, sizeof text, NULL);
        fprintf(c->out, "0x%08x:  %s\n", addr, text);
        if (n == 0) {
            if (!strcmp(text, "(unreadable)"))
                return;
            n = 1;
        }
        addr += n;
    }
}

static void dump_memory(struct cmd_ctx *c, uint32_t addr, unsigned count, char format,
                        unsigned size, bool physical)
{
    struct cpu *cpu = c->mon->m->cpu;
    unsigned per_line = format == 'c' ? 16 : 16 / size;
    if (per_line == 0)
        per_line = 1;
    for (unsigned k = 0; k < count; k++) {
        uint32_t a = addr + k * size;
        if (k % per_line == 0)
            fprintf(c->out, "%s%08x:", k ? "\n" : "", a);
        uint8_t b[8] = { 0 };
        if (debugger_read(cpu, a, b, size, physical) != size) {
            fprintf(c->out, " Cannot access memory at %08x (%s)\n", a,
                    physical ? "no RAM or ROM there" : "not mapped, or no RAM or ROM there");
            return;
        }
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= (uint64_t)b[i] << (8 * i);
        int64_t sv = size == 8 ? (int64_t)v : (int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size);
        switch (format) {
        case 'd': fprintf(c->out, " %lld", (long long)sv); break;
        case 'u': fprintf(c->out, " %llu", (unsigned long long)v); break;
        case 'o': fprintf(c->out, " %#llo", (unsigned long long)v); break;
        case 'c':
            if (v >= 0x20 && v < 0x7F)
                fprintf(c->out, " '%c'", (int)v);
            else
                fprintf(c->out, " \\x%02llx", (unsigned long long)(v & 0xFF));
            break;
        default: fprintf(c->out, " 0x%0*llx", (int)size * 2, (unsigned long long)v); break;
        }
    }
    fputc('\n', c->out);
}

static bool cmd_x(struct cmd_ctx *c)
{
    struct monitor *mon = c->mon;
    bool physical = !strcmp(c->name, "xp");
    const char *s = c->args;
    unsigned count = 1, size = 0;
    char format = mon->last_format;
    if (*s == '/') {
        s++;
        if (isdigit((unsigned char)*s)) {
            char *end;
            count = (unsigned)strtoul(s, &end, 10);
            s = end;
        }
        for (; *s && *s != ' ' && *s != '\t'; s++) {
            switch (*s) {
            case 'x': case 'd': case 'u': case 'o': case 'c': case 'i': format = *s; break;
            case 'b': size = 1; break;
            case 'h': size = 2; break;
            case 'w': size = 4; break;
            case 'g': size = 8; break;
            default:
                fprintf(c->out, "%s: unknown format letter '%c' (formats x d u o c i, sizes b h w g)\n",
                        c->name, *s);
                return false;
            }
        }
        s = skip_spaces(s);
    }
    if (count == 0 || count > 65536) {
        fprintf(c->out, "%s: a count from 1 to 65536\n", c->name);
        return false;
    }
    if (!size)
        size = format == 'c' ? 1 : format == mon->last_format ? mon->last_size : 4;
    uint32_t addr;
    if (!*s) {
        fprintf(c->out, "usage: %s/FMT ADDR (e.g. %s/4xw 0x1000, x/10i $pc)\n", c->name, c->name);
        return false;
    }
    if (!parse_value(c, &s, &addr) || !at_end(c, s))
        return false;
    mon->last_format = format;
    if (format != 'i')
        mon->last_size = size;
    if (format == 'i')
        dump_insns(c, addr, count, physical);
    else
        dump_memory(c, addr, count, format, size, physical);
    return true;
}

/* disas [ADDR [N]]: N instructions at ADDR, or around CS:EIP (some before,
 * found by decoding from a little way back until the stream lands on
 * EIP, and the current one marked). */
static bool cmd_disas(struct cmd_ctx *c)
{
    struct monitor *mon = c->mon;
    struct cpu *cpu = mon->m->cpu;
    const char *s = c->args;
    uint32_t pc = cpu->seg[CS].base + cpu->eip, addr = pc, count = 10;
    bool around = !*s;
    if (*s && !parse_value(c, &s, &addr))
        return false;
    if (*s && !parse_value(c, &s, &count))
        return false;
    if (!at_end(c, s) || count == 0 || count > 10000)
        return false;
    if (around) {
        /* Up to 5 instructions before EIP, from the farthest start that
         * decodes into EIP exactly. */
        for (uint32_t back = 48; back > 0; back--) {
            uint32_t a = pc - back, starts[64];
            unsigned n = 0;
            while (a < pc && n < 64) {
                char text[DISASM_TEXT];
                unsigned len = disasm_guest(mon->dis, cpu, a, false, cpu->code32, text, sizeof text,
                                            NULL);
                if (!len)
                    break;
                starts[n++] = a;
                a += len;
            }
            if (a == pc && n > 0) {
                addr = starts[n > 5 ? n - 5 : 0];
                break;
            }
        }
    }
    for (unsigned k = 0; k < count; k++) {
        char text[DISASM_TEXT];
        uint8_t raw[16];
        unsigned len = disasm_guest(mon->dis, cpu, addr, false, cpu->code32, text, sizeof text, raw);
        char hex[48] = "";
        for (unsigned i = 0, at = 0; i < (len ? len : 1) && at + 4 < sizeof hex; i++)
            at += (unsigned)snprintf(hex + at, sizeof hex - at, "%02x ", raw[i]);
        fprintf(c->out, "%s0x%08x:  %-24s %s\n", addr == pc ? "=> " : "   ", addr, hex, text);
        if (!len) {
            if (!strcmp(text, "(unreadable)"))
                break;
            len = 1;
        }
        addr += len;
    }
    return true;
}

/* ---- Registers, tables, devices ---- */

static bool info_registers(struct cmd_ctx *c)
{
    inspect_registers(c->out, c->mon->m->cpu);
    return true;
}

static bool info_fpu(struct cmd_ctx *c)
{
    inspect_fpu(c->out, c->mon->m->cpu);
    return true;
}

static bool info_gdt(struct cmd_ctx *c)
{
    inspect_descriptor_table(c->out, c->mon->m->cpu, false);
    return true;
}

static bool info_ldt(struct cmd_ctx *c)
{
    inspect_descriptor_table(c->out, c->mon->m->cpu, true);
    return true;
}

static bool info_idt(struct cmd_ctx *c)
{
    inspect_idt(c->out, c->mon->m->cpu);
    return true;
}

static bool info_tss(struct cmd_ctx *c)
{
    inspect_tss(c->out, c->mon->m->cpu);
    return true;
}

/* info tlb [ADDR] / info walk ADDR */
static bool info_walk(struct cmd_ctx *c)
{
    const char *s = c->args;
    if (!*s) {
        if (!strcmp(c->name, "walk")) {
            fprintf(c->out, "usage: info walk ADDR\n");
            return false;
        }
        inspect_mappings(c->out, c->mon->m->cpu);
        return true;
    }
    uint32_t lin;
    if (!parse_value(c, &s, &lin) || !at_end(c, s))
        return false;
    inspect_walk(c->out, c->mon->m->cpu, lin);
    return true;
}

static bool info_mem(struct cmd_ctx *c)
{
    inspect_mem(c->out, c->mon->m->cpu);
    return true;
}

static bool no_device(struct cmd_ctx *c, const char *what)
{
    fprintf(c->out, "this machine has no %s\n", what);
    return true;
}

static bool info_pic(struct cmd_ctx *c)
{
    if (!c->mon->m->pc.pic)
        return no_device(c, "8259 PIC");
    i8259_info(c->mon->m->pc.pic, c->out);
    return true;
}

static bool info_pit(struct cmd_ctx *c)
{
    if (!c->mon->m->pc.pit)
        return no_device(c, "8254 PIT");
    i8254_info(c->mon->m->pc.pit, c->out);
    return true;
}

static bool info_vga(struct cmd_ctx *c)
{
    if (!c->mon->m->pc.vga)
        return no_device(c, "VGA");
    vga_info(c->mon->m->pc.vga, c->out);
    return true;
}

static bool info_ide(struct cmd_ctx *c)
{
    if (!c->mon->m->pc.ide)
        return no_device(c, "IDE controller");
    piix_ide_info(c->mon->m->pc.ide, c->out);
    return true;
}

static bool info_rtc(struct cmd_ctx *c)
{
    if (!c->mon->m->pc.rtc)
        return no_device(c, "RTC");
    mc146818_info(c->mon->m->pc.rtc, c->out);
    return true;
}

static bool info_serial(struct cmd_ctx *c)
{
    bool any = false;
    for (unsigned k = 0; k < SERIAL_PORTS; k++) {
        const struct ns16550 *u = c->mon->m->pc.uart[k];
        if (!u)
            continue;
        fprintf(c->out, "COM%u at %03x:\n", k + 1, ns16550_com_base(k));
        ns16550_info(u, c->out);
        any = true;
    }
    return any ? true : no_device(c, "serial port");
}

static bool info_pci(struct cmd_ctx *c)
{
    if (!c->mon->m->pc.pci)
        return no_device(c, "PCI bus");
    pci_bus_info(c->mon->m->pc.pci, c->out);
    return true;
}

/* ---- Breakpoints ---- */

static const char *kind_name(enum dbg_bp_kind k)
{
    switch (k) {
    case BP_LINEAR: return "break";
    case BP_PHYS: return "break phys";
    case BP_WATCH: return "watch";
    case BP_IO: return "break io";
    case BP_INT: return "break int";
    default: return "break exc";
    }
}

static const char *access_name(unsigned access)
{
    return access == BP_READ ? "read" : access == BP_WRITE ? "write" : "read/write";
}

static void describe_breakpoint(FILE *out, const struct dbg_breakpoint *bp)
{
    fprintf(out, "%-3d %-10s ", bp->id, kind_name(bp->kind));
    switch (bp->kind) {
    case BP_LINEAR: fprintf(out, "linear %08x", bp->addr); break;
    case BP_PHYS: fprintf(out, "physical %08x", bp->addr); break;
    case BP_WATCH: fprintf(out, "%s of %08x-%08x", access_name(bp->access), bp->addr,
                           bp->addr + bp->len - 1); break;
    case BP_IO: fprintf(out, "%s of port %04x-%04x", access_name(bp->access), bp->addr,
                        bp->addr + bp->len - 1); break;
    default:
        fprintf(out, "vector %02x", bp->addr);
        if (bp->kind == BP_EXC && *inspect_exception_name((int)bp->addr))
            fprintf(out, " %s", inspect_exception_name((int)bp->addr));
        break;
    }
    fprintf(out, " (%s, %llu hit%s)\n", bp->owner == DBG_OWNER_GDB ? "gdb" : "monitor",
            (unsigned long long)bp->hits, bp->hits == 1 ? "" : "s");
}

static bool info_break(struct cmd_ctx *c)
{
    const struct debugger *d = debugctl_debugger(c->mon->ctl);
    if (!d->nbp)
        fprintf(c->out, "no breakpoints\n");
    for (unsigned k = 0; k < d->nbp; k++)
        describe_breakpoint(c->out, &d->bp[k]);
    return true;
}

static bool added(struct cmd_ctx *c, int id)
{
    struct debugger *d = debugctl_debugger(c->mon->ctl);
    if (id < 0) {
        fprintf(c->out, "%s: no room for another breakpoint (at most %d)\n", c->name,
                DBG_MAX_BREAKPOINTS);
        return false;
    }
    for (unsigned k = 0; k < d->nbp; k++)
        if (d->bp[k].id == id)
            describe_breakpoint(c->out, &d->bp[k]);
    return true;
}

static bool parse_access(struct cmd_ctx *c, const char **s, unsigned *access)
{
    char word[8];
    *access = BP_ACCESS;
    if (!**s)
        return true;
    if (!next_word(s, word, sizeof word)) {
        fprintf(c->out, "%s: expected r, w or rw\n", c->name);
        return false;
    }
    if (!strcmp(word, "r"))
        *access = BP_READ;
    else if (!strcmp(word, "w"))
        *access = BP_WRITE;
    else if (strcmp(word, "rw")) {
        fprintf(c->out, "%s: expected r, w or rw, not '%s'\n", c->name, word);
        return false;
    }
    return true;
}

/* break ADDR | break phys ADDR | break io PORT[+LEN|-LAST] [r|w|rw]
 * | break int N | break exc N */
static bool cmd_break(struct cmd_ctx *c)
{
    struct debugger *d = debugctl_debugger(c->mon->ctl);
    const char *s = c->args;
    char word[8];
    const char *after = s;
    enum dbg_bp_kind kind = BP_LINEAR;
    if (next_word(&after, word, sizeof word)) {
        if (!strcmp(word, "phys"))
            kind = BP_PHYS, s = after;
        else if (!strcmp(word, "io"))
            kind = BP_IO, s = after;
        else if (!strcmp(word, "int"))
            kind = BP_INT, s = after;
        else if (!strcmp(word, "exc"))
            kind = BP_EXC, s = after;
    }
    if (!*s) {
        fprintf(c->out, "usage: break ADDR | break phys ADDR | break io PORT[-LAST] [r|w|rw] | "
                        "break int N | break exc N\n");
        return false;
    }
    uint32_t addr, len = 1;
    unsigned access = 0;
    if (!parse_value(c, &s, &addr))
        return false;
    if (kind == BP_IO) {
        uint32_t last = addr;
        if (*s == '+' || *s == '-') {
            char op = *s++;
            uint32_t v;
            if (!parse_value(c, &s, &v))
                return false;
            last = op == '+' ? addr + v - 1 : v;
        }
        if (addr > 0xFFFF || last > 0xFFFF || last < addr) {
            fprintf(c->out, "break io: ports are 0 to 0xffff\n");
            return false;
        }
        len = last - addr + 1;
        if (!parse_access(c, &s, &access))
            return false;
    }
    if ((kind == BP_INT || kind == BP_EXC) && addr > 255) {
        fprintf(c->out, "%s: vectors are 0 to 255\n", c->name);
        return false;
    }
    if (!at_end(c, s))
        return false;
    return added(c, debugger_add(d, kind, addr, len, access, DBG_OWNER_MONITOR, false));
}

/* watch ADDR [LEN], rwatch, awatch: LEN bytes (default 4) at linear ADDR. */
static bool cmd_watch(struct cmd_ctx *c)
{
    struct debugger *d = debugctl_debugger(c->mon->ctl);
    const char *s = c->args;
    uint32_t addr, len = 4;
    if (!*s) {
        fprintf(c->out, "usage: %s ADDR [LEN]\n", c->name);
        return false;
    }
    if (!parse_value(c, &s, &addr) || (*s && !parse_value(c, &s, &len)) || !at_end(c, s))
        return false;
    if (len == 0 || len > 0x10000) {
        fprintf(c->out, "%s: a length from 1 to 65536\n", c->name);
        return false;
    }
    unsigned access = c->name[0] == 'r' ? BP_READ : c->name[0] == 'a' ? BP_ACCESS : BP_WRITE;
    return added(c, debugger_add(d, BP_WATCH, addr, len, access, DBG_OWNER_MONITOR, false));
}

/* delete [N]: one breakpoint, or all of the monitor's. */
static bool cmd_delete(struct cmd_ctx *c)
{
    struct debugger *d = debugctl_debugger(c->mon->ctl);
    const char *s = c->args;
    if (!*s) {
        debugger_remove_owner(d, DBG_OWNER_MONITOR);
        fprintf(c->out, "deleted the monitor's breakpoints\n");
        return true;
    }
    uint32_t id;
    if (!parse_value(c, &s, &id) || !at_end(c, s))
        return false;
    if (!debugger_remove(d, (int)id)) {
        fprintf(c->out, "delete: no breakpoint %u\n", id);
        return false;
    }
    return true;
}

/* ---- Running ---- */

static bool cmd_continue(struct cmd_ctx *c)
{
    if (!at_end(c, c->args))
        return false;
    debugctl_continue(c->mon->ctl);
    return true;
}

static bool cmd_step(struct cmd_ctx *c)
{
    const char *s = c->args;
    uint32_t n = 1;
    if (*s && (!parse_value(c, &s, &n) || !at_end(c, s)))
        return false;
    if (n == 0) {
        fprintf(c->out, "step: at least one instruction\n");
        return false;
    }
    debugctl_step(c->mon->ctl, n);
    return true;
}

/* ---- Moving in a replay: reverse-step, reverse-continue, replay_seek ---- */

static bool parse_count(struct cmd_ctx *c, uint64_t *n)
{
    const char *s = skip_spaces(c->args);
    if (!*s)
        return true;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || errno || *s == '-' || !at_end(c, end)) {
        fprintf(c->out, "%s: expected a count, not '%s'\n", c->name, s);
        return false;
    }
    *n = v;
    return true;
}

static bool cmd_reverse_step(struct cmd_ctx *c)
{
    uint64_t n = 1;
    if (!parse_count(c, &n))
        return false;
    if (n == 0) {
        fprintf(c->out, "%s: at least one instruction\n", c->name);
        return false;
    }
    return debugctl_reverse_step(c->mon->ctl, n, c->out);
}

static bool cmd_reverse_continue(struct cmd_ctx *c)
{
    if (!at_end(c, c->args))
        return false;
    return debugctl_reverse_continue(c->mon->ctl, c->out);
}

static bool cmd_replay_seek(struct cmd_ctx *c)
{
    uint64_t n = UINT64_MAX;
    if (!parse_count(c, &n))
        return false;
    if (n == UINT64_MAX) {
        fprintf(c->out, "%s: which instruction count?\n", c->name);
        return false;
    }
    return debugctl_seek(c->mon->ctl, n, c->out);
}

static bool info_replay(struct cmd_ctx *c)
{
    const struct replay *r = c->mon->m->cfg.replay;
    unsigned long long now = (unsigned long long)c->mon->m->cpu->icount;
    if (!r) {
        fprintf(c->out, "neither recording nor replaying (-icount rr=record|replay,rrfile=FILE); "
                        "instruction %llu\n", now);
        return true;
    }
    if (r->mode == REPLAY_RECORD) {
        fprintf(c->out, "recording to %s: %llu events so far; instruction %llu\n", r->path,
                (unsigned long long)r->recorded, now);
        return true;
    }
    fprintf(c->out, "replaying %s: %zu events, %zu applied; instruction %llu", r->path, r->nev,
            r->next_input < r->next_serial ? r->next_input : r->next_serial, now);
    uint64_t end = replay_end_icount(r);
    if (end != UINT64_MAX)
        fprintf(c->out, " of %llu", (unsigned long long)end);
    unsigned n;
    uint64_t bytes, every;
    debugctl_checkpoints(c->mon->ctl, &n, &bytes, &every);
    if (every)
        fprintf(c->out, "; %u checkpoint%s (%llu MiB), one every %llu instructions", n,
                n == 1 ? "" : "s", (unsigned long long)(bytes >> 20), (unsigned long long)every);
    else
        fprintf(c->out, "; no checkpoints: going back starts the replay over");
    fprintf(c->out, "\n");
    return true;
}

static bool cmd_stop(struct cmd_ctx *c)
{
    if (!at_end(c, c->args))
        return false;
    if (debugger_stopped(debugctl_debugger(c->mon->ctl)))
        fprintf(c->out, "the machine is stopped already\n");
    debugctl_stop(c->mon->ctl);
    return true;
}

static bool cmd_quit(struct cmd_ctx *c)
{
    debugctl_quit(c->mon->ctl);
    return true;
}

static bool cmd_system_reset(struct cmd_ctx *c)
{
    if (!at_end(c, c->args))
        return false;
    if (machine_user_reset(c->mon->m) < 0) {
        fprintf(c->out, "system_reset: a replay takes no input but its recording's\n");
        return false;
    }
    fprintf(c->out, "the machine was reset: CS:EIP %04x:%08x\n", c->mon->m->cpu->seg[CS].sel,
            c->mon->m->cpu->eip);
    return true;
}

static bool cmd_screendump(struct cmd_ctx *c)
{
    const char *s = c->args;
    char path[512];
    if (!next_word(&s, path, sizeof path) || !at_end(c, s)) {
        fprintf(c->out, "usage: screendump FILE.png (or FILE.txt for the text screen)\n");
        return false;
    }
    if (display_screendump(c->mon->m, path) < 0) {
        fprintf(c->out, "screendump: failed (see the message above)\n");
        return false;
    }
    fprintf(c->out, "wrote %s\n", path);
    return true;
}

/* log CATEGORIES | log none: switch the -d traces on the fly. */
static bool cmd_log(struct cmd_ctx *c)
{
    struct trace *t = c->mon->trace;
    if (!t) {
        fprintf(c->out, "log: no trace output was opened\n");
        return false;
    }
    unsigned cats = 0;
    bool bios;
    if (!*c->args) {
        trace_describe(t, c->out);
        return true;
    }
    if (strcmp(c->args, "none") && trace_parse_categories(c->args, &cats, &bios, c->out) != 0)
        return false;
    trace_enable(t, cats);
    return true;
}

/* ---- The command table ---- */

struct command {
    const char *name;
    const char *alias;
    bool runs;                  /* runs or stops the guest: not for gdb */
    bool (*fn)(struct cmd_ctx *c);
    const char *help;
};

static bool cmd_help(struct cmd_ctx *c);
static bool cmd_info(struct cmd_ctx *c);

static const struct command commands[] = {
    { "help", "?", false, cmd_help, "help                 this list" },
    { "info", "i", false, cmd_info, "info WHAT            registers fpu gdt ldt idt tss tlb [ADDR] walk ADDR mem\n"
      "                     break pic pit vga ide rtc serial pci replay (info alone lists them)" },
    { "x", NULL, false, cmd_x, "x/FMT ADDR           linear memory: FMT = count, format x d u o c i,\n"
      "                     size b h w g (x/4xw 0x1000, x/10i $pc)" },
    { "xp", NULL, false, cmd_x, "xp/FMT ADDR          physical memory, the same formats" },
    { "disas", "u", false, cmd_disas, "disas [ADDR [N]]     N instructions at ADDR, or around CS:EIP" },
    { "step", "s", true, cmd_step, "step [N]             run N instructions (default 1), then stop" },
    { "continue", "c", true, cmd_continue, "continue, c          run on (also 'cont')" },
    { "cont", NULL, true, cmd_continue, NULL },
    { "stop", NULL, true, cmd_stop, "stop                 stop the machine" },
    { "reverse-step", "rs", true, cmd_reverse_step,
      "reverse-step [N]     go back N instructions (default 1; a replay)" },
    { "reverse-continue", "rc", true, cmd_reverse_continue,
      "reverse-continue     go back to the last breakpoint or watchpoint hit (a replay)" },
    { "replay_seek", "seek", true, cmd_replay_seek,
      "replay_seek N        go to instruction count N (back only in a replay)" },
    { "break", "b", false, cmd_break, "break ADDR           stop before the instruction at linear ADDR\n"
      "break phys ADDR      ... at physical ADDR\n"
      "break io PORT[-LAST] [r|w|rw]   stop after an access to the ports\n"
      "break int N          stop at the handler of INT N or hardware vector N\n"
      "break exc N          stop at the handler of exception N" },
    { "watch", NULL, false, cmd_watch, "watch ADDR [LEN]     stop after a write to LEN bytes (default 4)" },
    { "rwatch", NULL, false, cmd_watch, "rwatch ADDR [LEN]    ... after a read" },
    { "awatch", NULL, false, cmd_watch, "awatch ADDR [LEN]    ... after a read or a write" },
    { "delete", "d", false, cmd_delete, "delete [N]           remove breakpoint N (no N: all of the monitor's)" },
    { "log", NULL, false, cmd_log, "log CATS|none        switch -d traces (in_asm,exec,cpu,int,mmu,io,pci,unimp)" },
    { "screendump", NULL, false, cmd_screendump, "screendump FILE.png  write the screen" },
    { "system_reset", NULL, false, cmd_system_reset, "system_reset         reset the machine" },
    { "quit", "q", true, cmd_quit, "quit                 end ember" },
};

static const struct command info_commands[] = {
    { "registers", "r", false, info_registers, "the CPU registers" },
    { "fpu", NULL, false, info_fpu, "the x87 registers" },
    { "gdt", NULL, false, info_gdt, "the global descriptor table" },
    { "ldt", NULL, false, info_ldt, "the current local descriptor table" },
    { "idt", NULL, false, info_idt, "the interrupt descriptor table (IVT in real mode)" },
    { "tss", NULL, false, info_tss, "the current task state segment" },
    { "tlb", NULL, false, info_walk, "[ADDR] the page walk of ADDR, or every mapped page" },
    { "walk", NULL, false, info_walk, "ADDR the page walk of ADDR" },
    { "mem", NULL, false, info_mem, "mapped linear ranges and their rights" },
    { "break", "breakpoints", false, info_break, "the breakpoints and watchpoints" },
    { "pic", NULL, false, info_pic, "the 8259 pair" },
    { "pit", NULL, false, info_pit, "the 8254 counters" },
    { "vga", NULL, false, info_vga, "the VGA's mode and registers" },
    { "ide", NULL, false, info_ide, "the IDE channels and drives" },
    { "rtc", NULL, false, info_rtc, "the RTC and CMOS" },
    { "serial", NULL, false, info_serial, "the UARTs" },
    { "pci", NULL, false, info_pci, "the PCI functions and their BARs" },
    { "replay", NULL, false, info_replay, "the recording or replay and the instruction count" },
};

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static const struct command *find(const struct command *table, size_t n, const char *word)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(table[k].name, word) || (table[k].alias && !strcmp(table[k].alias, word)))
            return &table[k];
    return NULL;
}

static bool cmd_help(struct cmd_ctx *c)
{
    for (size_t k = 0; k < COUNT(commands); k++)
        if (commands[k].help)
            fprintf(c->out, "%s\n", commands[k].help);
    return true;
}

static bool cmd_info(struct cmd_ctx *c)
{
    const char *s = c->args;
    char word[16];
    if (!next_word(&s, word, sizeof word)) {
        for (size_t k = 0; k < COUNT(info_commands); k++)
            fprintf(c->out, "info %-10s %s\n", info_commands[k].name, info_commands[k].help);
        return true;
    }
    const struct command *cmd = find(info_commands, COUNT(info_commands), word);
    if (!cmd) {
        fprintf(c->out, "info: unknown item '%s' (type 'info' for the list)\n", word);
        return false;
    }
    struct cmd_ctx sub = { c->mon, c->out, s, cmd->name };
    return cmd->fn(&sub);
}

bool monitor_command(struct monitor *mon, const char *line, FILE *out, bool from_gdb)
{
    const char *s = skip_spaces(line);
    if (!*s || *s == '#')
        return true;
    /* The command word ends at a space or at x's '/'. */
    char word[32];
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '/' && n + 1 < sizeof word) {
        word[n] = s[n];
        n++;
    }
    word[n] = 0;
    const struct command *cmd = find(commands, COUNT(commands), word);
    if (!cmd) {
        fprintf(out, "unknown command '%s' (type 'help')\n", word);
        return false;
    }
    if (from_gdb && cmd->runs) {
        fprintf(out, "%s: use gdb's own commands to run or stop the machine\n", cmd->name);
        return false;
    }
    struct cmd_ctx c = { mon, out, skip_spaces(s + n), cmd->name };
    if (cmd->fn == cmd_x)
        c.args = s + n;     /* keeps the /FMT */
    return cmd->fn(&c);
}

/* ---- Input ----
 *
 * Lines run in order. A command that sets the guest running (continue,
 * step) while more lines are already waiting holds them until the machine
 * stops again, so a script piped in runs step by step; a line typed while
 * the guest runs (stop, info ...) runs at once. */

static bool machine_going(const struct monitor *mon)
{
    return !debugctl_quitting(mon->ctl);
}

static bool stopped(const struct monitor *mon)
{
    return debugger_stopped(debugctl_debugger(mon->ctl));
}

static void process(struct monitor *mon)
{
    while (machine_going(mon)) {
        char *nl = memchr(mon->buf, '\n', mon->buflen);
        size_t n = nl ? (size_t)(nl - mon->buf) : mon->buflen;
        if (!nl && !(mon->eof && mon->buflen))
            break;
        if (mon->held && !stopped(mon))
            break;
        mon->held = false;
        char line[LINE_MAX_LEN];
        size_t len = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, mon->buf, len);
        line[len] = 0;
        if (len && line[len - 1] == '\r')
            line[len - 1] = 0;
        size_t used = nl ? n + 1 : n;
        memmove(mon->buf, mon->buf + used, mon->buflen - used);
        mon->buflen -= used;
        bool was_stopped = stopped(mon);
        uint64_t stops = debugctl_debugger(mon->ctl)->stops;
        if (n >= sizeof line - 1)
            fprintf(mon->out, "line too long: ignored\n");
        else
            monitor_command(mon, line, mon->out, false);
        if (stopped(mon) && debugctl_debugger(mon->ctl)->stops != stops)
            break;      /* stopped anew at once (going back to a checkpoint): the
                         * stop is reported first, then the rest runs */
        if (was_stopped && !stopped(mon) && memchr(mon->buf, '\n', mon->buflen))
            mon->held = true;   /* the rest waits for the next stop */
        if (stopped(mon) && machine_going(mon))
            prompt(mon);
        else
            fflush(mon->out);
    }
}

void monitor_input(struct monitor *mon)
{
    if (mon->in_fd < 0)
        return;
    if (mon->buflen == sizeof mon->buf) {
        fprintf(mon->out, "monitor: input line too long: dropped\n");
        mon->buflen = 0;
    }
    ssize_t n = read(mon->in_fd, mon->buf + mon->buflen, sizeof mon->buf - mon->buflen);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        mon->eof = true;
        mon->in_fd = -1;
    } else {
        mon->buflen += (size_t)n;
    }
    process(mon);
}

bool monitor_active(const struct monitor *mon)
{
    return mon->in_fd >= 0 || mon->buflen > 0;
}

static void print_here(struct monitor *mon)
{
    struct cpu *cpu = mon->m->cpu;
    char text[DISASM_TEXT];
    uint32_t lin = cpu->seg[CS].base + cpu->eip;
    disasm_guest(mon->dis, cpu, lin, false, cpu->code32, text, sizeof text, NULL);
    fprintf(mon->out, "%04x:%08x  %s\n", cpu->seg[CS].sel, cpu->eip, text);
}

void monitor_stopped(struct monitor *mon)
{
    if (!monitor_active(mon))
        return;
    const struct dbg_stop *st = debugger_stop_info(debugctl_debugger(mon->ctl));
    FILE *out = mon->out;
    switch (st->reason) {
    case DBG_STOP_STEP:
        if (debugctl_at_replay_start(mon->ctl))
            fprintf(out, "the start of the replay: no breakpoint or watchpoint hit before\n");
        break;
    case DBG_STOP_BREAK:
        fprintf(out, "breakpoint %d (%s %08x)\n", st->bp.id,
                st->bp.kind == BP_PHYS ? "physical" : "linear", st->bp.addr);
        break;
    case DBG_STOP_WATCH:
        fprintf(out, "watchpoint %d: %s of %u byte%s at %08x by %04x:%08x\n", st->bp.id,
                st->access == BP_WRITE ? "write" : "read", st->size, st->size == 1 ? "" : "s",
                st->addr, st->from_cs, st->from_eip);
        break;
    case DBG_STOP_IO:
        fprintf(out, "I/O breakpoint %d: %s port %04x %s %0*x by %04x:%08x\n", st->bp.id,
                st->access == BP_WRITE ? "out" : "in", st->addr,
                st->access == BP_WRITE ? "<-" : "->", (int)st->size * 2, st->value, st->from_cs,
                st->from_eip);
        break;
    case DBG_STOP_INT: {
        const char *name = inspect_event_name(st->vector, st->source);
        fprintf(out, "%s breakpoint %d: vector %02x%s%s%s",
                st->bp.kind == BP_EXC ? "exception" : "interrupt", st->bp.id, st->vector,
                *name ? " " : "", name, st->source == INT_HARDWARE ? " (hardware)" : "");
        if (st->has_error)
            fprintf(out, " error %04x", st->error);
        if (st->vector == EXC_PF && st->source == INT_EXCEPTION)
            fprintf(out, " CR2=%08x", mon->m->cpu->cr2);
        fprintf(out, " at %04x:%08x; in the handler now\n", st->from_cs, st->from_eip);
        break;
    }
    default:
        fprintf(out, "stopped\n");
        break;
    }
    print_here(mon);
    prompt(mon);
    process(mon);
}
