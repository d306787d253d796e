/* The -d traces; see trace.h for the categories and their cost. */
#include "trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu.h"
#include "decode.h"
#include "disasm.h"
#include "inspect.h"
#include "machine.h"
#include "pci.h"

#define UNASSIGNED_PAGES_LOGGED 256

struct trace {
    struct machine *m;
    struct disasm *dis;
    FILE *out;
    bool own_out;               /* fclose at the end */
    unsigned categories;
    uint8_t port_seen[0x10000 / 8];             /* unmapped ports reported */
    uint32_t pages_seen[UNASSIGNED_PAGES_LOGGED];   /* unassigned pages reported */
    unsigned npages_seen;
};

static const struct {
    const char *name;
    unsigned bit;
    const char *help;
} categories[] = {
    { "in_asm", DBG_TRACE_IN_ASM, "each block as it is decoded, disassembled" },
    { "exec", DBG_TRACE_EXEC, "each instruction before it runs" },
    { "cpu", DBG_TRACE_CPU, "the registers before each instruction (implies exec)" },
    { "int", DBG_TRACE_INT, "interrupts and exceptions" },
    { "mmu", DBG_TRACE_MMU, "page faults and TLB flushes" },
    { "io", DBG_TRACE_IO, "port and MMIO accesses" },
    { "pci", DBG_TRACE_PCI, "PCI configuration space accesses" },
    { "unimp", DBG_TRACE_UNIMP, "guest use of unimplemented features" },
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

void trace_print_categories(FILE *out)
{
    fprintf(out, "-d categories (comma-separated):\n");
    for (size_t k = 0; k < NCATEGORIES; k++)
        fprintf(out, "  %-7s %s\n", categories[k].name, categories[k].help);
    fprintf(out, "  %-7s %s\n", "bios", "SeaBIOS debug output (port 0x402) on stderr");
}

int trace_parse_categories(const char *list, unsigned *cats, bool *bios, FILE *err)
{
    *cats = 0;
    *bios = false;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        bool found = false;
        if (n == 4 && !strncmp(p, "help", 4)) {
            trace_print_categories(stdout);
            return 1;
        }
        if (n == 4 && !strncmp(p, "bios", 4)) {
            *bios = found = true;
        }
        for (size_t k = 0; k < NCATEGORIES && !found; k++)
            if (strlen(categories[k].name) == n && !strncmp(p, categories[k].name, n)) {
                *cats |= categories[k].bit;
                found = true;
            }
        if (!found) {
            fprintf(err, "ember: -d: unknown category '%.*s' (try -d help)\n", (int)n, p);
            return -1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (*cats & DBG_TRACE_CPU)
        *cats |= DBG_TRACE_EXEC;
    return 0;
}

static int parse_number(const char *s, char **end, uint32_t *out)
{
    errno = 0;
    unsigned long long v = strtoull(s, end, 0);
    if (errno || *end == s || v > 0xFFFFFFFFull)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int trace_parse_filter(const char *spec, struct dbg_range *ranges, unsigned max, unsigned *n,
                       FILE *err)
{
    *n = 0;
    const char *p = spec;
    while (*p) {
        char *end;
        uint32_t start, last;
        if (parse_number(p, &end, &start) < 0)
            goto bad;
        last = start;
        if (*end == '+') {
            uint32_t len;
            if (parse_number(end + 1, &end, &len) < 0 || len == 0 ||
                (uint64_t)start + len - 1 > 0xFFFFFFFFull)
                goto bad;
            last = start + len - 1;
        } else if (end[0] == '.' && end[1] == '.') {
            if (parse_number(end + 2, &end, &last) < 0 || last < start)
                goto bad;
        }
        if (*end && *end != ',')
            goto bad;
        if (*n >= max) {
            fprintf(err, "ember: -dfilter: at most %u ranges\n", max);
            return -1;
        }
        ranges[(*n)++] = (struct dbg_range){ start, last };
        p = *end ? end + 1 : end;
    }
    if (*n)
        return 0;
bad:
    fprintf(err, "ember: -dfilter %s: expected ADDR, ADDR+LEN or ADDR..LAST, "
                 "comma-separated (0x for hex)\n", spec);
    return -1;
}

/* ---- The callbacks ---- */

static void hex_bytes(char *out, size_t len, const uint8_t *b, unsigned n)
{
    size_t at = 0;
    out[0] = 0;
    for (unsigned k = 0; k < n && at + 4 < len; k++)
        at += (size_t)snprintf(out + at, len - at, "%s%02x", k ? " " : "", b[k]);
}

static void on_insn(void *opaque, struct cpu *cpu, const struct insn *i, uint32_t lin)
{
    struct trace *t = opaque;
    if (t->categories & DBG_TRACE_CPU)
        inspect_registers(t->out, cpu);
    char text[DISASM_TEXT], hex[48];
    uint8_t raw[16];
    unsigned len = disasm_guest(t->dis, cpu, lin, false, cpu->code32, text, sizeof text, raw);
    hex_bytes(hex, sizeof hex, raw, len ? len : i->len);
    fprintf(t->out, "exec %llu %04x:%08x", (unsigned long long)cpu->icount, cpu->seg[CS].sel,
            cpu->eip);
    if (lin != cpu->eip)
        fprintf(t->out, " (%08x)", lin);
    fprintf(t->out, " %-20s %s\n", hex, text);
}

static void on_block(void *opaque, struct cpu *cpu, uint32_t lin, uint32_t phys,
                     const uint8_t *bytes, unsigned len, bool code32)
{
    struct trace *t = opaque;
    fprintf(t->out, "----------------\nIN: %04x:%08x (linear %08x, physical %08x) %s, %u bytes\n",
            cpu->seg[CS].sel, cpu->eip, lin, phys, code32 ? "32-bit" : "16-bit", len);
    unsigned at = 0;
    while (at < len) {
        char text[DISASM_TEXT], hex[48];
        unsigned n = disasm_one(t->dis, bytes + at, len - at, lin + at, code32, text, sizeof text);
        if (n == 0)
            n = 1;
        hex_bytes(hex, sizeof hex, bytes + at, n);
        fprintf(t->out, "0x%08x:  %-20s %s\n", lin + at, hex, text);
        at += n;
    }
}

static const char *source_name(enum int_source src)
{
    switch (src) {
    case INT_EXCEPTION: return "exception";
    case INT_SOFTWARE: return "software INT";
    case INT_SOFT_EXC: return "INT3/INTO";
    case INT_ICEBP: return "INT1";
    default: return "hardware";
    }
}

static void on_interrupt(void *opaque, struct cpu *cpu, int vector, enum int_source src,
                         bool has_error, uint32_t error)
{
    struct trace *t = opaque;
    fprintf(t->out, "int: v=%02x", vector);
    const char *name = inspect_event_name(vector, src);
    if (*name)
        fprintf(t->out, " %s", name);
    fprintf(t->out, " %s", source_name(src));
    if (has_error)
        fprintf(t->out, " e=%04x", error);
    fprintf(t->out, " cpl=%d IP=%04x:%08x SP=%04x:%08x", cpu->cpl, cpu->seg[CS].sel, cpu->eip,
            cpu->seg[SS].sel, cpu->reg[ESP]);
    if (vector == EXC_PF && src == INT_EXCEPTION)
        fprintf(t->out, " CR2=%08x", cpu->cr2);
    fprintf(t->out, " icount=%llu\n", (unsigned long long)cpu_retired(cpu));
}

static void on_page_fault(void *opaque, struct cpu *cpu, uint32_t lin, uint32_t error)
{
    struct trace *t = opaque;
    fprintf(t->out, "mmu: #PF at %08x e=%x (%s, %s, %s) IP=%04x:%08x\n", lin, error,
            (error & 1) ? "protection" : "not present", (error & 2) ? "write" : "read",
            (error & 4) ? "user" : "supervisor", cpu->seg[CS].sel, cpu->eip);
}

static void on_tlb_flush(void *opaque, struct cpu *cpu, const char *why, uint32_t value)
{
    struct trace *t = opaque;
    fprintf(t->out, "mmu: TLB flush: %s %08x IP=%04x:%08x\n", why, value, cpu->seg[CS].sel,
            cpu->eip);
}

static char size_letter(unsigned size)
{
    return size == 1 ? 'b' : size == 2 ? 'w' : 'l';
}

/* A configuration cycle through 0xCFC-0xCFF, decoded from CONFADD. */
static void trace_pci(struct trace *t, uint32_t port, uint32_t value, unsigned size, bool write)
{
    const struct pci_bus *bus = t->m->pc.pci;
    if (!bus || port < PCI_CONFIG_DATA_PORT || port > PCI_CONFIG_DATA_PORT + 3)
        return;
    uint32_t a = bus->config_address;
    if (!(a & PCI_CONFIG_ENABLE))
        return;
    unsigned devfn = (a >> 8) & 0xFF;
    fprintf(t->out, "pci: %s %02x:%02x.%u reg %02x %c %s %0*x\n", write ? "write" : "read ",
            (a >> 16) & 0xFF, PCI_SLOT(devfn), PCI_FUNC(devfn), (a & 0xFC) | (port & 3),
            size_letter(size), write ? "<-" : "->", (int)size * 2, value);
}

static void on_io(void *opaque, uint32_t port, uint32_t value, unsigned size, unsigned flags)
{
    struct trace *t = opaque;
    bool write = flags & DBG_IO_WRITE;
    if (t->categories & DBG_TRACE_IO)
        fprintf(t->out, "io: %s %04x %c %s %0*x%s\n", write ? "out" : "in ", port,
                size_letter(size), write ? "<-" : "->", (int)size * 2, value,
                (flags & DBG_IO_UNMAPPED) ? " (no device)" : "");
    if (t->categories & DBG_TRACE_PCI)
        trace_pci(t, port, value, size, write);
    if ((t->categories & DBG_TRACE_UNIMP) && (flags & DBG_IO_UNMAPPED) &&
        !(t->port_seen[port >> 3] & (1u << (port & 7)))) {
        t->port_seen[port >> 3] |= (uint8_t)(1u << (port & 7));
        fprintf(t->out, "unimp: %s of I/O port %04x, which no device decodes (logged once)\n",
                write ? "write" : "read", port);
    }
}

static void on_mmio(void *opaque, uint32_t phys, uint32_t value, unsigned size, bool write,
                    bool unassigned)
{
    struct trace *t = opaque;
    if (t->categories & DBG_TRACE_IO)
        fprintf(t->out, "mmio: %s %08x %c %s %0*x%s\n", write ? "write" : "read ", phys,
                size_letter(size), write ? "<-" : "->", (int)size * 2, value,
                unassigned ? " (nothing there)" : "");
    if (!unassigned || !(t->categories & DBG_TRACE_UNIMP))
        return;
    uint32_t page = phys >> 12;
    for (unsigned k = 0; k < t->npages_seen; k++)
        if (t->pages_seen[k] == page)
            return;
    if (t->npages_seen < UNASSIGNED_PAGES_LOGGED)
        t->pages_seen[t->npages_seen++] = page;
    fprintf(t->out, "unimp: %s of physical address %08x, which nothing decodes "
                    "(logged once per page)\n", write ? "write" : "read", phys);
}

static void on_unimp(void *opaque, const char *site, const char *message)
{
    struct trace *t = opaque;
    fprintf(t->out, "unimp: %s (%s)\n", message, site);
}

static const struct dbg_trace_ops trace_ops = {
    .insn = on_insn,
    .block = on_block,
    .interrupt = on_interrupt,
    .page_fault = on_page_fault,
    .tlb_flush = on_tlb_flush,
    .io = on_io,
    .mmio = on_mmio,
    .unimp = on_unimp,
};

/* ---- Life cycle ---- */

struct trace *trace_create(struct machine *m, struct disasm *dis, const char *path)
{
    struct trace *t = calloc(1, sizeof *t);
    if (!t) {
        fprintf(stderr, "ember: out of memory for the traces\n");
        return NULL;
    }
    t->m = m;
    t->dis = dis;
    if (path) {
        t->out = fopen(path, "w");
        if (!t->out) {
            fprintf(stderr, "ember: -D %s: %s\n", path, strerror(errno));
            free(t);
            return NULL;
        }
    } else {
        /* Standard error, but buffered: a line per instruction is many. */
        int fd = dup(STDERR_FILENO);
        t->out = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!t->out) {
            fprintf(stderr, "ember: cannot open standard error for the traces: %s\n",
                    strerror(errno));
            if (fd >= 0)
                close(fd);
            free(t);
            return NULL;
        }
    }
    t->own_out = true;
    setvbuf(t->out, NULL, _IOFBF, 1 << 16);
    return t;
}

void trace_destroy(struct trace *t)
{
    if (!t)
        return;
    struct debugger *d = t->m->cpu->dbg;
    if (d && d->trace_opaque == t)
        debugger_set_trace(d, 0, NULL, NULL);
    if (t->own_out && fclose(t->out) != 0)
        fprintf(stderr, "ember: writing the trace failed: %s\n", strerror(errno));
    free(t);
}

void trace_enable(struct trace *t, unsigned cats)
{
    if (cats & DBG_TRACE_CPU)
        cats |= DBG_TRACE_EXEC;
    t->categories = cats;
    debugger_set_trace(t->m->cpu->dbg, cats, cats ? &trace_ops : NULL, cats ? t : NULL);
}

unsigned trace_categories(const struct trace *t)
{
    return t->categories;
}

void trace_describe(const struct trace *t, FILE *out)
{
    fprintf(out, "tracing:");
    bool any = false;
    for (size_t k = 0; k < NCATEGORIES; k++)
        if (t->categories & categories[k].bit) {
            fprintf(out, "%s%s", any ? "," : " ", categories[k].name);
            any = true;
        }
    fprintf(out, "%s\n", any ? "" : " nothing");
}

void trace_flush(struct trace *t)
{
    if (t)
        fflush(t->out);
}
