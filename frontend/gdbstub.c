/* The GDB remote serial protocol; see gdbstub.h. Packets are $data#xx
 * with a two-digit checksum, acknowledged with + (until QStartNoAckMode);
 * a lone 0x03 byte is an interrupt request. The registers, in target.xml
 * order, are what 'g' sends and 'p' numbers. */
#include "gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpu.h"
#include "debug.h"
#include "debugctl.h"
#include "debugger.h"
#include "fpu.h"
#include "machine.h"

#define PACKET_MAX 4096         /* what we accept and announce (PacketSize) */
#define REPLY_MAX (PACKET_MAX * 2 + 16)

enum rx_state { RX_IDLE, RX_DATA, RX_ESCAPE, RX_SUM1, RX_SUM2 };

struct gdbstub {
    struct debugctl *ctl;
    int listen_fd;
    int fd;                     /* gdb's connection, or -1 */
    enum rx_state rx;
    char pkt[PACKET_MAX + 1];
    size_t pkt_len;
    uint8_t sum;                /* checksum of the data so far */
    uint8_t sent_sum;           /* the two hex digits gdb sent */
    bool no_ack;
    bool running;               /* gdb waits for a stop reply */
    bool ctrl_c;                /* gdb interrupted the machine (SIGINT) */
    char last[REPLY_MAX];       /* the last packet sent, for a '-' */
    size_t last_len;
};

/* ---- The target description ---- */

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "<architecture>i386</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "  <flags id=\"i386_eflags\" size=\"4\">\n"
    "    <field name=\"CF\" start=\"0\" end=\"0\"/>\n"
    "    <field name=\"\" start=\"1\" end=\"1\"/>\n"
    "    <field name=\"PF\" start=\"2\" end=\"2\"/>\n"
    "    <field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "    <field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
    "    <field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "    <field name=\"TF\" start=\"8\" end=\"8\"/>\n"
    "    <field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "    <field name=\"DF\" start=\"10\" end=\"10\"/>\n"
    "    <field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "    <field name=\"NT\" start=\"14\" end=\"14\"/>\n"
    "    <field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "    <field name=\"VM\" start=\"17\" end=\"17\"/>\n"
    "    <field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "    <field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
    "    <field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "    <field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "  </flags>\n"
    "  <reg name=\"eax\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "  <reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "  <reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "  <reg name=\"eflags\" bitsize=\"32\" type=\"i386_eflags\"/>\n"
    "  <reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "  <reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "  <reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  <reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "</feature>\n"
    "<feature name=\"org.ember.i386.system\">\n"
    "  <reg name=\"cr0\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"cr2\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"cr3\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"cr4\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"dr0\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"dr1\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"dr2\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"dr3\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"dr6\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"dr7\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"gdtr_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"gdtr_limit\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"idtr_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"idtr_limit\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"ldtr\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"tr\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"es_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"cs_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"ss_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"ds_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"fs_seg_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "  <reg name=\"gs_seg_base\" bitsize=\"32\" type=\"int32\" group=\"system\"/>\n"
    "</feature>\n"
    "</target>\n";

/* Register numbers, in target.xml order. */
enum {
    R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI, R_EIP, R_EFLAGS,
    R_CS, R_SS, R_DS, R_ES, R_FS, R_GS,
    R_ST0, R_ST7 = R_ST0 + 7,
    R_FCTRL, R_FSTAT, R_FTAG, R_FISEG, R_FIOFF, R_FOSEG, R_FOOFF, R_FOP,
    R_CR0, R_CR2, R_CR3, R_CR4, R_DR0, R_DR3 = R_DR0 + 3, R_DR6, R_DR7,
    R_GDTR_BASE, R_GDTR_LIMIT, R_IDTR_BASE, R_IDTR_LIMIT, R_LDTR, R_TR,
    R_SEG_BASE, R_SEG_BASE_LAST = R_SEG_BASE + 5,
    R_COUNT
};
/* gdb's order of the segment registers, and ember's. */
static const int gdb_seg[6] = { CS, SS, DS, ES, FS, GS };

static unsigned reg_size(int r)
{
    return r >= R_ST0 && r <= R_ST7 ? 10 : 4;
}

static struct cpu *cpu_of(const struct gdbstub *g)
{
    return debugctl_machine(g->ctl)->cpu;
}

/* Register r as little-endian bytes. */
static void read_reg(struct gdbstub *g, int r, uint8_t *out)
{
    struct cpu *cpu = cpu_of(g);
    const struct fpu *f = &cpu->fpu;
    uint32_t v = 0;
    if (r >= R_ST0 && r <= R_ST7) {
        struct f80 x = f->r[(((f->sw & FSW_TOP) >> 11) + (unsigned)(r - R_ST0)) & 7];
        for (int k = 0; k < 8; k++)
            out[k] = (uint8_t)(x.sig >> (8 * k));
        out[8] = (uint8_t)x.se;
        out[9] = (uint8_t)(x.se >> 8);
        return;
    }
    if (r <= R_EDI)
        v = cpu->reg[r];
    else if (r == R_EIP)
        v = cpu->eip;
    else if (r == R_EFLAGS)
        v = cpu_get_eflags(cpu);
    else if (r >= R_CS && r <= R_GS)
        v = cpu->seg[gdb_seg[r - R_CS]].sel;
    else if (r == R_FCTRL)
        v = f->cw;
    else if (r == R_FSTAT)
        v = f->sw;
    else if (r == R_FTAG)
        v = fpu_tag_word(f);
    else if (r == R_FISEG)
        v = f->fcs;
    else if (r == R_FIOFF)
        v = f->fip;
    else if (r == R_FOSEG)
        v = f->fds;
    else if (r == R_FOOFF)
        v = f->fdp;
    else if (r == R_FOP)
        v = f->fop;
    else if (r == R_CR0)
        v = cpu->cr0;
    else if (r == R_CR2)
        v = cpu->cr2;
    else if (r == R_CR3)
        v = cpu->cr3;
    else if (r == R_CR4)
        v = cpu->cr4;
    else if (r >= R_DR0 && r <= R_DR3)
        v = cpu->dr[r - R_DR0];
    else if (r == R_DR6)
        v = cpu->dr[6];
    else if (r == R_DR7)
        v = cpu->dr[7];
    else if (r == R_GDTR_BASE)
        v = cpu->gdtr.base;
    else if (r == R_GDTR_LIMIT)
        v = cpu->gdtr.limit;
    else if (r == R_IDTR_BASE)
        v = cpu->idtr.base;
    else if (r == R_IDTR_LIMIT)
        v = cpu->idtr.limit;
    else if (r == R_LDTR)
        v = cpu->ldtr.sel;
    else if (r == R_TR)
        v = cpu->tr.sel;
    else if (r >= R_SEG_BASE && r <= R_SEG_BASE_LAST)
        v = cpu->seg[r - R_SEG_BASE].base;
    for (int k = 0; k < 4; k++)
        out[k] = (uint8_t)(v >> (8 * k));
}

/* Write register r from little-endian bytes. Values equal to the current
 * one change nothing (a 'G' of unchanged segment registers must not
 * reload their descriptors). False for a value the CPU cannot take. */
static bool write_reg(struct gdbstub *g, int r, const uint8_t *in)
{
    struct cpu *cpu = cpu_of(g);
    struct fpu *f = &cpu->fpu;
    uint8_t cur[10];
    read_reg(g, r, cur);
    if (!memcmp(cur, in, reg_size(r)))
        return true;
    if (r >= R_ST0 && r <= R_ST7) {
        unsigned phys = (((f->sw & FSW_TOP) >> 11) + (unsigned)(r - R_ST0)) & 7;
        struct f80 x = { 0, 0 };
        for (int k = 0; k < 8; k++)
            x.sig |= (uint64_t)in[k] << (8 * k);
        x.se = (uint16_t)(in[8] | in[9] << 8);
        f->r[phys] = x;
        f->used |= (uint8_t)(1u << phys);
        return true;
    }
    uint32_t v = (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 |
                 (uint32_t)in[3] << 24;
    if (r <= R_EDI)
        cpu->reg[r] = v;
    else if (r == R_EIP)
        cpu->eip = cpu->next_eip = v;
    else if (r == R_EFLAGS)
        cpu_set_eflags(cpu, v, 0xFFFFFFFFu);
    else if (r >= R_CS && r <= R_GS)
        return debugger_load_seg(cpu, gdb_seg[r - R_CS], (uint16_t)v);
    else if (r == R_FCTRL)
        f->cw = (uint16_t)v;
    else if (r == R_FSTAT)
        f->sw = (uint16_t)v;
    else if (r == R_FISEG)
        f->fcs = (uint16_t)v;
    else if (r == R_FIOFF)
        f->fip = v;
    else if (r == R_FOSEG)
        f->fds = (uint16_t)v;
    else if (r == R_FOOFF)
        f->fdp = v;
    else if (r == R_FOP)
        f->fop = (uint16_t)(v & 0x7FF);
    else if (r == R_CR0)
        cpu_set_cr0(cpu, v);
    else if (r == R_CR2)
        cpu->cr2 = v;
    else if (r == R_CR3)
        cpu_set_cr3(cpu, v);
    else if (r == R_CR4)
        cpu_set_cr4(cpu, v);
    else if ((r >= R_DR0 && r <= R_DR3) || r == R_DR7) {
        cpu->dr[r == R_DR7 ? 7 : r - R_DR0] = v;
        cpu_update_mode(cpu);
        debug_update_data_breakpoints(cpu);
    } else if (r == R_DR6)
        cpu->dr[6] = v;
    else if (r == R_GDTR_BASE)
        cpu->gdtr.base = v;
    else if (r == R_GDTR_LIMIT)
        cpu->gdtr.limit = v & 0xFFFF;
    else if (r == R_IDTR_BASE)
        cpu->idtr.base = v;
    else if (r == R_IDTR_LIMIT)
        cpu->idtr.limit = v & 0xFFFF;
    else
        return false;   /* FTAG, LDTR, TR and the bases are read-only here */
    return true;
}

/* ---- Hex ---- */

static const char hexdig[] = "0123456789abcdef";

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *put_hex(char *out, const uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        *out++ = hexdig[b[k] >> 4];
        *out++ = hexdig[b[k] & 15];
    }
    *out = 0;
    return out;
}

/* Hex bytes from s into b (n of them); false on a bad digit. */
static bool get_hex(const char *s, uint8_t *b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        int hi = hexval(s[2 * k]), lo = hi < 0 ? -1 : hexval(s[2 * k + 1]);
        if (lo < 0)
            return false;
        b[k] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* A hex number at *s, up to a non-hex character; false if none. */
static bool get_num(const char **s, uint32_t *v)
{
    const char *p = *s;
    uint64_t n = 0;
    int d;
    while ((d = hexval(*p)) >= 0) {
        n = n << 4 | (unsigned)d;
        if (n > 0xFFFFFFFFull)
            return false;
        p++;
    }
    if (p == *s)
        return false;
    *v = (uint32_t)n;
    *s = p;
    return true;
}

/* ---- Sending ---- */

static void drop_connection(struct gdbstub *g);

static bool send_all(struct gdbstub *g, const char *buf, size_t len)
{
    while (len && g->fd >= 0) {
        ssize_t n = send(g->fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            struct pollfd p = { .fd = g->fd, .events = POLLOUT };
            poll(&p, 1, 1000);
        } else {
            drop_connection(g);
            return false;
        }
    }
    return g->fd >= 0;
}

/* Send data (binary-safe: '#', '$', '}' and '*' are escaped) as a packet. */
static void send_packet_len(struct gdbstub *g, const char *data, size_t len)
{
    char *out = g->last;
    size_t at = 0;
    uint8_t sum = 0;
    out[at++] = '$';
    for (size_t k = 0; k < len && at + 6 < sizeof g->last; k++) {
        char c = data[k];
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            out[at++] = '}';
            sum += '}';
            c ^= 0x20;
        }
        out[at++] = c;
        sum += (uint8_t)c;
    }
    out[at++] = '#';
    out[at++] = hexdig[sum >> 4];
    out[at++] = hexdig[sum & 15];
    g->last_len = at;
    send_all(g, out, at);
}

static void send_packet(struct gdbstub *g, const char *s)
{
    send_packet_len(g, s, strlen(s));
}

/* ---- Stop replies ---- */

static void stop_reply(struct gdbstub *g)
{
    const struct debugger *d = debugctl_debugger(g->ctl);
    const struct dbg_stop *st = debugger_stop_info(d);
    char buf[96];
    switch (st->reason) {
    case DBG_STOP_REQUEST:      /* SIGINT for gdb's Ctrl-C, else as attached */
        snprintf(buf, sizeof buf, "T%02xthread:01;", g->ctrl_c ? 2 : 5);
        break;
    case DBG_STOP_WATCH:
        snprintf(buf, sizeof buf, "T05%s:%x;thread:01;",
                 st->bp.access == BP_WRITE ? "watch" : st->bp.access == BP_READ ? "rwatch" : "awatch",
                 st->addr);
        break;
    case DBG_STOP_BREAK:        /* the monitor's: a plain SIGTRAP to gdb */
        snprintf(buf, sizeof buf, "T05%sthread:01;", st->bp.owner != DBG_OWNER_GDB ? ""
                                                    : st->bp.hw ? "hwbreak:;" : "swbreak:;");
        break;
    default:                    /* a reverse-continue with no hit: the start */
        snprintf(buf, sizeof buf, "T05%sthread:01;",
                 debugctl_at_replay_start(g->ctl) ? "replaylog:begin;" : "");
        break;
    }
    send_packet(g, buf);
}

void gdbstub_stopped(struct gdbstub *g)
{
    if (!g || g->fd < 0 || !g->running)
        return;
    g->running = false;
    stop_reply(g);
}

void gdbstub_exited(struct gdbstub *g, int status)
{
    if (!g || g->fd < 0)
        return;
    char buf[16];
    snprintf(buf, sizeof buf, "W%02x", status & 0xFF);
    send_packet(g, buf);
    drop_connection(g);
}

/* ---- Packets ---- */

static void reply_registers(struct gdbstub *g)
{
    char buf[R_COUNT * 20 + 1], *p = buf;
    for (int r = 0; r < R_COUNT; r++) {
        uint8_t v[10];
        read_reg(g, r, v);
        p = put_hex(p, v, reg_size(r));
    }
    send_packet(g, buf);
}

static void write_registers(struct gdbstub *g, const char *hex)
{
    size_t len = strlen(hex);
    bool ok = true;
    for (int r = 0; r < R_COUNT && len >= 2 * reg_size(r); r++) {
        uint8_t v[10];
        if (!get_hex(hex, v, reg_size(r))) {
            send_packet(g, "E01");
            return;
        }
        if (r != R_FTAG && r != R_LDTR && r != R_TR && !(r >= R_SEG_BASE && r <= R_SEG_BASE_LAST))
            ok &= write_reg(g, r, v);
        hex += 2 * reg_size(r);
        len -= 2 * reg_size(r);
    }
    send_packet(g, ok ? "OK" : "E01");
}

static void reply_register(struct gdbstub *g, const char *args)
{
    uint32_t r;
    if (!get_num(&args, &r) || *args || r >= R_COUNT) {
        send_packet(g, "E01");
        return;
    }
    uint8_t v[10];
    char buf[24];
    read_reg(g, (int)r, v);
    put_hex(buf, v, reg_size((int)r));
    send_packet(g, buf);
}

static void write_register(struct gdbstub *g, const char *args)
{
    uint32_t r;
    uint8_t v[10];
    if (!get_num(&args, &r) || *args != '=' || r >= R_COUNT ||
        strlen(args + 1) != 2 * reg_size((int)r) || !get_hex(args + 1, v, reg_size((int)r))) {
        send_packet(g, "E01");
        return;
    }
    send_packet(g, write_reg(g, (int)r, v) ? "OK" : "E01");
}

static void read_memory(struct gdbstub *g, const char *args)
{
    uint32_t addr, len;
    if (!get_num(&args, &addr) || *args++ != ',' || !get_num(&args, &len) || *args) {
        send_packet(g, "E01");
        return;
    }
    if (len > (PACKET_MAX - 16) / 2)
        len = (PACKET_MAX - 16) / 2;
    uint8_t data[PACKET_MAX / 2];
    size_t n = debugger_read(cpu_of(g), addr, data, len, false);
    if (n == 0 && len > 0) {
        send_packet(g, "E14");      /* EFAULT: not mapped, or a device */
        return;
    }
    char buf[PACKET_MAX + 1];
    put_hex(buf, data, n);
    send_packet(g, buf);
}

/* M addr,len:hex and X addr,len:binary (the packet already unescaped). */
static void write_memory(struct gdbstub *g, const char *args, size_t total, bool binary)
{
    const char *start = args;
    uint32_t addr, len;
    if (!get_num(&args, &addr) || *args++ != ',' || !get_num(&args, &len) || *args++ != ':' ||
        len > PACKET_MAX) {
        send_packet(g, "E01");
        return;
    }
    size_t have = total - (size_t)(args - start);
    uint8_t data[PACKET_MAX];
    if (binary) {
        if (have != len) {
            send_packet(g, "E01");
            return;
        }
        memcpy(data, args, len);
    } else if (have != 2 * (size_t)len || !get_hex(args, data, len)) {
        send_packet(g, "E01");
        return;
    }
    if (len && debugger_write(cpu_of(g), addr, data, len, false) != len) {
        send_packet(g, "E14");
        return;
    }
    send_packet(g, "OK");
}

/* Z/z TYPE,ADDR,KIND: 0 software, 1 hardware breakpoint; 2 write, 3 read,
 * 4 access watchpoint (KIND is then the length). */
static void breakpoint(struct gdbstub *g, const char *args, bool insert)
{
    struct debugger *d = debugctl_debugger(g->ctl);
    uint32_t type, addr, kind;
    if (!get_num(&args, &type) || *args++ != ',' || !get_num(&args, &addr) || *args++ != ',' ||
        !get_num(&args, &kind)) {
        send_packet(g, "E01");
        return;
    }
    if (type > 4) {
        send_packet(g, "");     /* not supported */
        return;
    }
    enum dbg_bp_kind k = type <= 1 ? BP_LINEAR : BP_WATCH;
    static const unsigned access[5] = { 0, 0, BP_WRITE, BP_READ, BP_ACCESS };
    uint32_t len = type <= 1 ? 1 : kind;
    if (insert) {
        bool ok = debugger_add(d, k, addr, len, access[type], DBG_OWNER_GDB, type == 1) >= 0;
        send_packet(g, ok ? "OK" : "E0e");
        return;
    }
    debugger_remove_match(d, k, addr, len, access[type], DBG_OWNER_GDB);   /* a miss is fine */
    send_packet(g, "OK");
}

static void resume(struct gdbstub *g, bool step)
{
    g->running = true;
    g->ctrl_c = false;
    if (step)
        debugctl_step(g->ctl, 1);
    else
        debugctl_continue(g->ctl);
}

/* bs, bc: reverse-stepi and reverse-continue, in a replay. At the start
 * of the replay gdb hears replaylog:begin, as from QEMU. */
static void reverse(struct gdbstub *g, bool step)
{
    struct machine *m = debugctl_machine(g->ctl);
    if (!debugctl_replaying(g->ctl)) {
        send_packet(g, "E01");
        return;
    }
    if (step && m->cpu->icount == 0) {
        send_packet(g, "T05replaylog:begin;thread:01;");
        return;
    }
    g->running = true;
    g->ctrl_c = false;
    bool ok = step ? debugctl_reverse_step(g->ctl, 1, stderr) : debugctl_reverse_continue(g->ctl, stderr);
    if (!ok) {
        g->running = false;
        send_packet(g, "E01");
    }
}

/* vCont;ACTION[:thread][;...]: the first action applies (one thread). */
static void vcont(struct gdbstub *g, const char *args)
{
    if (!strcmp(args, "?")) {
        send_packet(g, "vCont;c;C;s;S");
        return;
    }
    if (*args != ';') {
        send_packet(g, "E01");
        return;
    }
    char action = args[1];
    if (action == 'c' || action == 'C')
        resume(g, false);
    else if (action == 's' || action == 'S')
        resume(g, true);
    else
        send_packet(g, "E01");
}

static void monitor_command(struct gdbstub *g, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char *cmd = malloc(n + 1);
    if (!cmd || !get_hex(hex, (uint8_t *)cmd, n)) {
        free(cmd);
        send_packet(g, "E01");
        return;
    }
    cmd[n] = 0;
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    if (!out) {
        free(cmd);
        send_packet(g, "E01");
        return;
    }
    debugctl_monitor_command(g->ctl, cmd, out);
    fclose(out);
    free(cmd);
    /* The output as O packets, in pieces that fit. */
    for (size_t at = 0; at < text_len;) {
        size_t piece = text_len - at < (PACKET_MAX - 8) / 2 ? text_len - at : (PACKET_MAX - 8) / 2;
        char buf[PACKET_MAX];
        buf[0] = 'O';
        put_hex(buf + 1, (const uint8_t *)text + at, piece);
        send_packet(g, buf);
        at += piece;
    }
    free(text);
    send_packet(g, "OK");
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static void xfer_features(struct gdbstub *g, const char *args)
{
    static const char prefix[] = "target.xml:";
    uint32_t off, len;
    if (strncmp(args, prefix, sizeof prefix - 1)) {
        send_packet(g, "E00");
        return;
    }
    args += sizeof prefix - 1;
    if (!get_num(&args, &off) || *args++ != ',' || !get_num(&args, &len)) {
        send_packet(g, "E01");
        return;
    }
    size_t total = sizeof target_xml - 1;
    if (off >= total) {
        send_packet(g, "l");
        return;
    }
    if (len > PACKET_MAX - 8)
        len = PACKET_MAX - 8;
    size_t n = total - off < len ? total - off : len;
    char buf[PACKET_MAX];
    buf[0] = off + n < total ? 'm' : 'l';
    memcpy(buf + 1, target_xml + off, n);
    send_packet_len(g, buf, n + 1);
}

static void query(struct gdbstub *g, const char *q)
{
    if (!strncmp(q, "qSupported", 10)) {
        char buf[160];
        snprintf(buf, sizeof buf, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;"
                                  "QStartNoAckMode+;vContSupported+%s", PACKET_MAX,
                 debugctl_replaying(g->ctl) ? ";ReverseStep+;ReverseContinue+" : "");
        send_packet(g, buf);
    } else if (!strncmp(q, "qXfer:features:read:", 20)) {
        xfer_features(g, q + 20);
    } else if (!strcmp(q, "qAttached")) {
        send_packet(g, "1");
    } else if (!strcmp(q, "qC")) {
        send_packet(g, "QC1");
    } else if (!strcmp(q, "qfThreadInfo")) {
        send_packet(g, "m1");
    } else if (!strcmp(q, "qsThreadInfo")) {
        send_packet(g, "l");
    } else if (!strncmp(q, "qSymbol", 7)) {
        send_packet(g, "OK");
    } else if (!strncmp(q, "qRcmd,", 6)) {
        monitor_command(g, q + 6);
    } else if (!strncmp(q, "qThreadExtraInfo", 16)) {
        char buf[64];
        put_hex(buf, (const uint8_t *)"CPU 0", 5);
        send_packet(g, buf);
    } else {
        send_packet(g, "");
    }
}

static void detach(struct gdbstub *g)
{
    send_packet(g, "OK");
    drop_connection(g);
}

static void packet(struct gdbstub *g, char *p, size_t len)
{
    p[len] = 0;
    switch (p[0]) {
    case '?':
        g->running = false;
        stop_reply(g);
        break;
    case 'g':
        reply_registers(g);
        break;
    case 'G':
        write_registers(g, p + 1);
        break;
    case 'p':
        reply_register(g, p + 1);
        break;
    case 'P':
        write_register(g, p + 1);
        break;
    case 'm':
        read_memory(g, p + 1);
        break;
    case 'M':
        write_memory(g, p + 1, len - 1, false);
        break;
    case 'X':
        write_memory(g, p + 1, len - 1, true);
        break;
    case 'c':
    case 'C':
        resume(g, false);
        break;
    case 's':
    case 'S':
        resume(g, true);
        break;
    case 'Z':
    case 'z':
        breakpoint(g, p + 1, p[0] == 'Z');
        break;
    case 'b':
        if ((p[1] == 's' || p[1] == 'c') && !p[2])
            reverse(g, p[1] == 's');
        else
            send_packet(g, "");
        break;
    case 'H':
    case 'T':
        send_packet(g, "OK");
        break;
    case 'D':
        detach(g);
        break;
    case 'k':
        drop_connection(g);
        debugctl_quit(g->ctl);
        break;
    case 'q':
        query(g, p);
        break;
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            send_packet(g, "OK");
            g->no_ack = true;
        } else {
            send_packet(g, "");
        }
        break;
    case 'v':
        if (!strncmp(p, "vCont", 5))
            vcont(g, p + 5);
        else
            send_packet(g, "");     /* vMustReplyEmpty and the rest */
        break;
    default:
        send_packet(g, "");
        break;
    }
}

/* One byte from gdb, through the packet state machine. */
static void rx_byte(struct gdbstub *g, uint8_t c)
{
    switch (g->rx) {
    case RX_IDLE:
        if (c == '$') {
            g->rx = RX_DATA;
            g->pkt_len = 0;
            g->sum = 0;
        } else if (c == 0x03) {
            g->ctrl_c = true;       /* Ctrl-C */
            debugctl_stop(g->ctl);
        } else if (c == '-' && g->last_len) {
            send_all(g, g->last, g->last_len);
        }
        break;
    case RX_DATA:
    case RX_ESCAPE:
        if (c == '#' && g->rx == RX_DATA) {
            g->rx = RX_SUM1;
            break;
        }
        g->sum += c;
        if (g->rx == RX_DATA && c == '}') {
            g->rx = RX_ESCAPE;
            break;
        }
        if (g->rx == RX_ESCAPE) {
            c ^= 0x20;
            g->rx = RX_DATA;
        }
        if (g->pkt_len < PACKET_MAX)
            g->pkt[g->pkt_len++] = (char)c;
        break;
    case RX_SUM1:
        g->sent_sum = (uint8_t)(hexval((char)c) << 4);
        g->rx = RX_SUM2;
        break;
    case RX_SUM2:
        g->sent_sum |= (uint8_t)hexval((char)c);
        g->rx = RX_IDLE;
        if (!g->no_ack && g->sent_sum != g->sum) {
            send_all(g, "-", 1);
            break;
        }
        if (!g->no_ack)
            send_all(g, "+", 1);
        packet(g, g->pkt, g->pkt_len);
        break;
    }
}

/* ---- Connections ---- */

static void drop_connection(struct gdbstub *g)
{
    if (g->fd < 0)
        return;
    close(g->fd);
    g->fd = -1;
    g->running = false;
    g->no_ack = false;
    g->rx = RX_IDLE;
    g->last_len = 0;
    debugctl_gdb_gone(g->ctl);
}

static void accept_gdb(struct gdbstub *g)
{
    int fd = accept(g->listen_fd, NULL, NULL);
    if (fd < 0)
        return;
    if (g->fd >= 0) {
        close(fd);      /* one gdb at a time */
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    g->fd = fd;
    g->rx = RX_IDLE;
    g->no_ack = false;
    g->running = false;
    /* gdb expects the target to be stopped once it is attached. */
    debugctl_stop(g->ctl);
}

void gdbstub_pollfd(const struct gdbstub *g, struct pollfd *p)
{
    p->fd = g->fd >= 0 ? g->fd : g->listen_fd;
    p->events = POLLIN;
    p->revents = 0;
}

void gdbstub_handle(struct gdbstub *g, const struct pollfd *p)
{
    if (!p->revents)
        return;
    if (p->fd == g->listen_fd) {
        accept_gdb(g);
        return;
    }
    uint8_t buf[4096];
    ssize_t n = recv(g->fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        drop_connection(g);     /* gdb went away: as a detach */
        return;
    }
    for (ssize_t k = 0; k < n && g->fd >= 0; k++)
        rx_byte(g, buf[k]);
}

bool gdbstub_attached(const struct gdbstub *g)
{
    return g && g->fd >= 0;
}

static bool parse_spec(const char *spec, char *host, size_t host_len, unsigned *port)
{
    if (strncmp(spec, "tcp:", 4))
        return false;
    const char *rest = spec + 4;
    const char *colon = strrchr(rest, ':');
    const char *port_text = colon ? colon + 1 : rest;
    size_t hl = colon ? (size_t)(colon - rest) : 0;
    if (hl >= host_len)
        return false;
    memcpy(host, rest, hl);
    host[hl] = 0;
    char *end;
    unsigned long p = strtoul(port_text, &end, 10);
    if (!*port_text || *end || p == 0 || p > 65535)
        return false;
    *port = (unsigned)p;
    return true;
}

struct gdbstub *gdbstub_create(struct debugctl *ctl, const char *spec)
{
    char host[64];
    unsigned port;
    if (!parse_spec(spec, host, sizeof host, &port)) {
        fprintf(stderr, "ember: -gdb %s: expected tcp::PORT or tcp:HOST:PORT\n", spec);
        return NULL;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, *host ? host : "127.0.0.1", &sa.sin_addr) != 1) {
        fprintf(stderr, "ember: -gdb %s: '%s' is not an IPv4 address\n", spec, host);
        return NULL;
    }
    struct gdbstub *g = calloc(1, sizeof *g);
    if (!g) {
        fprintf(stderr, "ember: out of memory for the gdb stub\n");
        return NULL;
    }
    g->ctl = ctl;
    g->fd = -1;
    g->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (g->listen_fd < 0 ||
        setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(g->listen_fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(g->listen_fd, 1) < 0) {
        fprintf(stderr, "ember: -gdb %s: cannot listen on %s:%u: %s\n", spec,
                *host ? host : "127.0.0.1", port, strerror(errno));
        if (g->listen_fd >= 0)
            close(g->listen_fd);
        free(g);
        return NULL;
    }
    fcntl(g->listen_fd, F_SETFL, fcntl(g->listen_fd, F_GETFL) | O_NONBLOCK);
    fprintf(stderr, "ember: waiting for gdb on %s:%u (target remote %s:%u)\n",
            *host ? host : "127.0.0.1", port, *host ? host : "localhost", port);
    return g;
}

void gdbstub_destroy(struct gdbstub *g)
{
    if (!g)
        return;
    if (g->fd >= 0)
        close(g->fd);
    close(g->listen_fd);
    free(g);
}
