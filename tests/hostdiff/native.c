/* hostdiff_native: runs test instructions on the host CPU in a 32-bit
 * process, for the differential test (hostdiff.c). Built with -m32.
 *
 * Reads batches of struct hd_case from stdin and writes struct hd_result
 * to stdout (protocol.h). For each case it maps nothing new: the window,
 * the code page and its control block are mapped once at fixed addresses.
 * A trampoline written as machine code at HD_CODE_LIN loads EFLAGS, the
 * eight registers and the case's data segments into DS, ES, FS and SS
 * (the test segment, based at HD_WIN_LIN, from a GDT TLS entry obtained
 * with set_thread_area, or an entry of the helper's LDT) and jumps to the
 * instruction at HD_INSN_LIN. Each landing address gets a stub that
 * records where execution went and jumps to an epilogue, which stores the
 * selectors, the registers and EFLAGS through a segment that still holds
 * the test segment (DS, or FS when DS does not: hd_case.epi_fs), then
 * restores the C environment. A fault is caught by a signal handler on an
 * alternate stack, which takes the registers, the trap number and the
 * error code from the signal's ucontext and siglongjmps back.
 *
 * The control block lives at a fixed address (CTL_LIN) because the signal
 * handler must find it: this program has no mutable globals. */
#include <asm/ldt.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <unistd.h>

#include "protocol.h"

#if !defined(__i386__)
#error "hostdiff_native must be built for 32-bit x86 (-m32)"
#endif

#define CTL_LIN       0x00040000u
#define EPI_DS_LIN    (HD_CODE_LIN + 0x800u)
#define EPI_FS_LIN    (HD_CODE_LIN + 0x900u)
#define ALTSTACK_SIZE 65536u
#define FL_AC_NT      0x00044000u

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };

/* State of the fault that ended a case. */
struct fault {
    uint32_t reg[8];
    uint32_t eflags, eip, trapno, err;
    uint16_t sreg[6];
    uint8_t fpu[HD_FPU_BYTES];      /* the x87 state at the fault */
};

/* The control block at CTL_LIN. The trampolines address its fields by
 * absolute address (CTL_LIN + offsetof). */
struct ctl {
    uint32_t in_reg[8];
    uint32_t in_eflags;
    uint32_t out_reg[8];
    uint32_t out_eflags;
    uint32_t out_eip;
    uint16_t out_sreg[6];
    uint16_t test_sel, flat_sel, zero_sel, host_gs;
    uint16_t es_sel, ds_sel, fs_sel, ss_sel;    /* this case's segments */
    uint32_t host_esp;
    uint32_t host_eflags;
    volatile int armed;
    struct fault fault;
    sigjmp_buf env;
};

#define CTL ((struct ctl *)(uintptr_t)CTL_LIN)
#define CTL_ADDR(field) (CTL_LIN + (uint32_t)offsetof(struct ctl, field))

/* ------------------------------------------------------------------ */
/* Machine code emission.                                              */

struct emit {
    uint8_t *p;
};

static void e8(struct emit *e, uint8_t b)
{
    *e->p++ = b;
}

static void e32(struct emit *e, uint32_t v)
{
    memcpy(e->p, &v, 4);
    e->p += 4;
}

static uint32_t here(const struct emit *e)
{
    return (uint32_t)(uintptr_t)e->p;
}

/* opcode + ModRM with mod 00, rm 101 (a disp32 absolute address). */
static void e_abs(struct emit *e, uint8_t opcode, unsigned reg, uint32_t addr)
{
    e8(e, opcode);
    e8(e, (uint8_t)((reg << 3) | 5));
    e32(e, addr);
}

/* The same through the epilogue's segment: DS (no prefix) or FS; both
 * are based at HD_WIN_LIN, so the offset is the address minus that. */
static void e_seg(struct emit *e, bool fs, uint8_t opcode, unsigned reg, uint32_t addr)
{
    if (fs)
        e8(e, 0x64);
    e_abs(e, opcode, reg, addr - HD_WIN_LIN);
}

static void e_jmp(struct emit *e, uint32_t target)
{
    e8(e, 0xE9);
    e32(e, target - (here(e) + 4));
}

/* Called as void (*)(void): saves the C state, loads the test state. */
static void emit_prologue(struct emit *e)
{
    e8(e, 0x60);                                   /* pushad */
    e_abs(e, 0x89, R_ESP, CTL_ADDR(host_esp));     /* mov [host_esp], esp */
    e_abs(e, 0x8C, 5, CTL_ADDR(host_gs));          /* mov [host_gs], gs */
    e8(e, 0x9C);                                   /* pushfd */
    e_abs(e, 0x8F, 0, CTL_ADDR(host_eflags));      /* pop [host_eflags] */
    e_abs(e, 0xFF, 6, CTL_ADDR(in_eflags));        /* push [in_eflags] */
    e8(e, 0x9D);                                   /* popfd */
    e_abs(e, 0x8E, 0, CTL_ADDR(es_sel));           /* mov es, [es_sel] */
    e_abs(e, 0x8E, 4, CTL_ADDR(fs_sel));           /* mov fs, [fs_sel] */
    for (unsigned r = 0; r < 8; r++)
        if (r != R_ESP)
            e_abs(e, 0x8B, r, CTL_ADDR(in_reg) + 4 * r);
    e_abs(e, 0x8E, 2, CTL_ADDR(ss_sel));           /* mov ss, [ss_sel] */
    e_abs(e, 0x8B, R_ESP, CTL_ADDR(in_reg) + 4 * R_ESP);
    e_abs(e, 0x8E, 3, CTL_ADDR(ds_sel));           /* mov ds, [ds_sel] */
    e_jmp(e, HD_INSN_LIN);
}

/* Stores the test state through DS or FS, then returns to C. */
static void emit_epilogue(struct emit *e, bool fs)
{
    for (unsigned s = 0; s < 6; s++)               /* mov [out_sreg+2s], sreg */
        e_seg(e, fs, 0x8C, s, CTL_ADDR(out_sreg) + 2 * s);
    for (unsigned r = 0; r < 8; r++)               /* mov [out_reg+4r], reg */
        e_seg(e, fs, 0x89, r, CTL_ADDR(out_reg) + 4 * r);
    e_seg(e, fs, 0x8E, 2, CTL_ADDR(flat_sel));     /* mov ss, [flat_sel] */
    e_seg(e, fs, 0x8B, R_ESP, CTL_ADDR(host_esp)); /* mov esp, [host_esp] */
    e8(e, 0x9C);                                   /* pushfd */
    e_seg(e, fs, 0x8F, 0, CTL_ADDR(out_eflags));   /* pop [out_eflags] */
    e_seg(e, fs, 0x8E, 3, CTL_ADDR(flat_sel));     /* mov ds, [flat_sel] */
    e_abs(e, 0x8E, 0, CTL_ADDR(flat_sel));         /* mov es, [flat_sel] */
    e_abs(e, 0x8E, 4, CTL_ADDR(zero_sel));         /* mov fs, [zero_sel] */
    e_abs(e, 0x8E, 5, CTL_ADDR(host_gs));          /* mov gs, [host_gs] */
    e_abs(e, 0xFF, 6, CTL_ADDR(host_eflags));      /* push [host_eflags] */
    e8(e, 0x9D);                                   /* popfd */
    e8(e, 0x61);                                   /* popad */
    e8(e, 0xC3);                                   /* ret */
}

/* At a landing address: record it, go to the epilogue. 15 or 16 bytes. */
static void emit_landing(uint32_t at, bool fs)
{
    struct emit e = { (uint8_t *)(uintptr_t)at };
    if (fs)
        e8(&e, 0x64);
    e8(&e, 0xC7);                                  /* mov dword [out_eip], at */
    e8(&e, 0x05);
    e32(&e, CTL_ADDR(out_eip) - HD_WIN_LIN);
    e32(&e, at);
    e_jmp(&e, fs ? EPI_FS_LIN : EPI_DS_LIN);
}

/* ------------------------------------------------------------------ */
/* Setup.                                                               */

static bool map_fixed(uint32_t addr, uint32_t size, int prot, char *msg, size_t msglen)
{
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_FIXED_NOREPLACE
    flags |= MAP_FIXED_NOREPLACE;
#endif
    void *want = (void *)(uintptr_t)addr;
    void *p = mmap(want, size, prot, flags, -1, 0);
    if (p == want)
        return true;
    snprintf(msg, msglen, "cannot map %u bytes at 0x%08x (%s); see /proc/sys/vm/mmap_min_addr",
             size, addr, p == MAP_FAILED ? strerror(errno) : "address taken");
    if (p != MAP_FAILED)
        munmap(p, size);
    return false;
}

/* A GDT TLS entry for the test data segment: base HD_WIN_LIN, 4 GiB. */
static bool make_test_segment(uint16_t *sel, char *msg, size_t msglen)
{
    struct user_desc d;
    memset(&d, 0, sizeof d);
    d.entry_number = (unsigned)-1;
    d.base_addr = HD_WIN_LIN;
    d.limit = 0xFFFFF;
    d.seg_32bit = 1;
    d.limit_in_pages = 1;
    d.useable = 1;
    if (syscall(SYS_set_thread_area, &d) != 0) {
        snprintf(msg, msglen, "set_thread_area failed (%s): no segment with a base",
                 strerror(errno));
        return false;
    }
    *sel = (uint16_t)((d.entry_number << 3) | 3);
    return true;
}

/* The LDT entries of protocol.h, as modify_ldt takes them. */
struct ldt_spec {
    unsigned index;
    uint32_t base, limit;
    unsigned seg_32bit, contents, read_exec_only, limit_in_pages, seg_not_present;
};

static const struct ldt_spec ldt_specs[] = {
    { HD_LDT_LIMITED, HD_WIN_LIN, HD_LIMITED_LIMIT, 1, MODIFY_LDT_CONTENTS_DATA, 0, 0, 0 },
    { HD_LDT_DOWN32, HD_WIN_LIN, HD_DOWN32_LIMIT, 1, MODIFY_LDT_CONTENTS_STACK, 0, 0, 0 },
    { HD_LDT_DOWN16, HD_WIN_LIN, HD_DOWN16_LIMIT, 0, MODIFY_LDT_CONTENTS_STACK, 0, 0, 0 },
    { HD_LDT_RDONLY, HD_WIN_LIN, 0xFFFFF, 1, MODIFY_LDT_CONTENTS_DATA, 1, 1, 0 },
    { HD_LDT_ABSENT, HD_WIN_LIN, 0xFFFFF, 1, MODIFY_LDT_CONTENTS_DATA, 0, 1, 1 },
    { HD_LDT_XONLY, 0, 0xFFFFF, 1, MODIFY_LDT_CONTENTS_CODE, 1, 1, 0 },
    { HD_LDT_CODE_R, 0, 0xFFFFF, 1, MODIFY_LDT_CONTENTS_CODE, 0, 1, 0 },
    { HD_LDT_FLAT, 0, 0xFFFFF, 1, MODIFY_LDT_CONTENTS_DATA, 0, 1, 0 },
};

static bool make_ldt(struct hd_hello *h, char *msg, size_t msglen)
{
    for (unsigned k = 0; k < sizeof ldt_specs / sizeof ldt_specs[0]; k++) {
        const struct ldt_spec *l = &ldt_specs[k];
        struct user_desc d;
        memset(&d, 0, sizeof d);
        d.entry_number = l->index;
        d.base_addr = l->base;
        d.limit = l->limit;
        d.seg_32bit = l->seg_32bit;
        d.contents = l->contents;
        d.read_exec_only = l->read_exec_only;
        d.limit_in_pages = l->limit_in_pages;
        d.seg_not_present = l->seg_not_present;
        if (syscall(SYS_modify_ldt, 1, &d, sizeof d) != 0) {
            snprintf(msg, msglen, "modify_ldt failed (%s)", strerror(errno));
            return false;
        }
        h->ldt_base[l->index] = l->base;
    }
    return true;
}

static uint16_t read_gs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%gs, %0" : "=r"(v));
    return v;
}

static uint16_t read_cs(void)
{
    uint16_t v;
    __asm__ volatile("mov %%cs, %0" : "=r"(v));
    return v;
}

static uint16_t read_ds(void)
{
    uint16_t v;
    __asm__ volatile("mov %%ds, %0" : "=r"(v));
    return v;
}

/* LAR and LSL of a GDT or LDT entry at RPL 3. */
static bool probe_descriptor(unsigned index, bool ldt, uint32_t *ar, uint32_t *limit)
{
    uint32_t sel = (index << 3) | (ldt ? 7 : 3), a = 0, l = 0;
    uint8_t ok_a, ok_l;
    __asm__ volatile("lar %2, %0\n\tsetz %1" : "+r"(a), "=q"(ok_a) : "r"(sel) : "cc");
    __asm__ volatile("lsl %2, %0\n\tsetz %1" : "+r"(l), "=q"(ok_l) : "r"(sel) : "cc");
    *ar = a;
    *limit = l;
    return ok_a && ok_l;
}

/* The x87 state of the signal frame (the kernel's FSAVE-format copy,
 * tags computed from the contents as FSAVE does) as an FNSAVE image. */
static void x87_from_signal_frame(const struct _libc_fpstate *fp, uint8_t *image)
{
    const uint32_t env[7] = { (uint32_t)fp->cw, (uint32_t)fp->sw, (uint32_t)fp->tag,
                              (uint32_t)fp->ipoff, (uint32_t)fp->cssel, (uint32_t)fp->dataoff,
                              (uint32_t)fp->datasel };
    memcpy(image, env, sizeof env);
    memcpy(image + sizeof env, fp->_st, 80);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    /* The test may have left AC (alignment checks) or NT set. */
    __asm__ volatile("pushfl\n\tandl %0, (%%esp)\n\tpopfl" : : "i"(~FL_AC_NT) : "cc", "memory");
    (void)si;
    struct ctl *ctl = CTL;
    if (!ctl->armed) {
        signal(sig, SIG_DFL);   /* a fault of the helper itself: die */
        return;
    }
    const greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    static const int gpr[8] = { REG_EAX, REG_ECX, REG_EDX, REG_EBX,
                                REG_ESP, REG_EBP, REG_ESI, REG_EDI };
    static const int sr[6] = { REG_ES, REG_CS, REG_SS, REG_DS, REG_FS, REG_GS };
    for (unsigned r = 0; r < 8; r++)
        ctl->fault.reg[r] = (uint32_t)g[gpr[r]];
    for (unsigned s = 0; s < 6; s++)
        ctl->fault.sreg[s] = (uint16_t)g[sr[s]];
    ctl->fault.eflags = (uint32_t)g[REG_EFL];
    ctl->fault.eip = (uint32_t)g[REG_EIP];
    ctl->fault.trapno = (uint32_t)g[REG_TRAPNO];
    ctl->fault.err = (uint32_t)g[REG_ERR];
    x87_from_signal_frame(((ucontext_t *)ucv)->uc_mcontext.fpregs, ctl->fault.fpu);
    ctl->armed = 0;
    siglongjmp(ctl->env, 1);
}

static bool install_handlers(char *msg, size_t msglen)
{
    stack_t ss = { .ss_sp = malloc(ALTSTACK_SIZE), .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };
    if (!ss.ss_sp || sigaltstack(&ss, NULL) != 0) {
        snprintf(msg, msglen, "sigaltstack failed");
        return false;
    }
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
    for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[k], &sa, NULL) != 0) {
            snprintf(msg, msglen, "sigaction failed");
            return false;
        }
    }
    return true;
}

static void write_code(void)
{
    struct emit e = { (uint8_t *)(uintptr_t)HD_CODE_LIN };
    emit_prologue(&e);
    e.p = (uint8_t *)(uintptr_t)EPI_DS_LIN;
    emit_epilogue(&e, false);
    e.p = (uint8_t *)(uintptr_t)EPI_FS_LIN;
    emit_epilogue(&e, true);
}

static void fill_background(uint8_t *p)
{
    for (uint32_t k = 0; k < HD_WIN_SIZE; k++)
        p[k] = hd_background(k);
}

static bool setup(struct hd_hello *h)
{
    char *msg = h->msg;
    size_t n = sizeof h->msg;
    if (!map_fixed(HD_WIN_LIN, HD_WIN_SIZE, PROT_READ | PROT_WRITE, msg, n) ||
        !map_fixed(HD_CODE_LIN, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, msg, n) ||
        !map_fixed(CTL_LIN, 0x1000, PROT_READ | PROT_WRITE, msg, n))
        return false;
    _Static_assert(sizeof(struct ctl) <= 0x1000, "the control block fits its page");
    struct ctl *ctl = CTL;
    if (!make_test_segment(&ctl->test_sel, msg, n))
        return false;
    ctl->flat_sel = read_ds();
    ctl->zero_sel = 0;
    h->cs = read_cs();
    h->flat_ds = ctl->flat_sel;
    h->gs = read_gs();
    h->test_sel = ctl->test_sel;
    if (!make_ldt(h, msg, n))
        return false;
    for (unsigned k = 0; k < HD_GDT_ENTRIES; k++) {
        if (probe_descriptor(k, false, &h->lar[k], &h->lsl[k]))
            h->desc_ok |= 1u << k;
        if (probe_descriptor(k, true, &h->ldt_lar[k], &h->ldt_lsl[k]))
            h->ldt_ok |= 1u << k;
    }
    fill_background((uint8_t *)(uintptr_t)HD_WIN_LIN);
    write_code();
    return install_handlers(msg, n);
}

/* ------------------------------------------------------------------ */
/* Running a case.                                                      */

static void load_spans(const struct hd_case *c)
{
    uint8_t *win = (uint8_t *)(uintptr_t)HD_WIN_LIN;
    uint32_t at = 0;
    for (unsigned k = 0; k < c->nspans; k++) {
        memcpy(win + c->span[k].off, c->mem + at, c->span[k].len);
        at += c->span[k].len;
    }
}

/* Save the spans into r, put the background back, and look for writes
 * anywhere else in the window. */
static void collect_memory(const struct hd_case *c, struct hd_result *r, const uint8_t *bg)
{
    uint8_t *win = (uint8_t *)(uintptr_t)HD_WIN_LIN;
    uint32_t at = 0;
    for (unsigned k = 0; k < c->nspans; k++) {
        const struct hd_span *s = &c->span[k];
        memcpy(r->mem + at, win + s->off, s->len);
        memcpy(win + s->off, bg + s->off, s->len);
        at += s->len;
    }
    r->stray = HD_NONE;
    if (memcmp(win, bg, HD_WIN_SIZE) == 0)
        return;
    for (uint32_t k = 0; k < HD_WIN_SIZE; k++)
        if (win[k] != bg[k]) {
            r->stray = k;
            break;
        }
    memcpy(win, bg, HD_WIN_SIZE);
}

static void place_code(const struct hd_case *c)
{
    memset((uint8_t *)(uintptr_t)HD_FILL_LIN, 0xCC, HD_FILL_LEN);
    memcpy((uint8_t *)(uintptr_t)HD_INSN_LIN, c->code, c->len);
    for (unsigned k = 0; k < c->nland; k++)
        emit_landing(c->land[k], c->epi_fs != 0);
}

static void take_fault(struct hd_result *r)
{
    const struct fault *f = &CTL->fault;
    memcpy(r->fpu, f->fpu, sizeof r->fpu);
    memcpy(r->reg, f->reg, sizeof r->reg);
    memcpy(r->sreg, f->sreg, sizeof r->sreg);
    r->eflags = f->eflags;
    r->eip = f->eip;
    r->vector = f->trapno;
    r->error = f->err;
}

static void take_landing(struct hd_result *r)
{
    const struct ctl *ctl = CTL;
    memcpy(r->reg, ctl->out_reg, sizeof r->reg);
    memcpy(r->sreg, ctl->out_sreg, sizeof r->sreg);
    r->eflags = ctl->out_eflags;
    r->eip = ctl->out_eip;
    r->vector = HD_NONE;
    r->error = 0;
}

static void run_case(const struct hd_case *c, struct hd_result *r, const uint8_t *bg)
{
    struct ctl *ctl = CTL;
    void (*entry)(void) = (void (*)(void))(uintptr_t)HD_CODE_LIN;
    memset(r, 0, sizeof *r);
    load_spans(c);
    place_code(c);
    memcpy(ctl->in_reg, c->reg, sizeof ctl->in_reg);
    ctl->in_eflags = c->eflags;
    ctl->es_sel = c->es_sel ? c->es_sel : ctl->test_sel;
    ctl->ds_sel = c->ds_sel ? c->ds_sel : ctl->test_sel;
    ctl->fs_sel = c->fs_sel ? c->fs_sel : ctl->test_sel;
    ctl->ss_sel = c->ss_sel ? c->ss_sel : ctl->test_sel;
    ctl->out_eip = 0;
    if (sigsetjmp(ctl->env, 0) == 0) {
        ctl->armed = 1;
        /* The x87 state is loaded last and saved first: C code between
         * uses no floating point. */
        __asm__ volatile("frstor %0" : : "m"(*(const uint8_t(*)[HD_FPU_BYTES])c->fpu));
        entry();
        __asm__ volatile("fnsave %0" : "=m"(*(uint8_t(*)[HD_FPU_BYTES])r->fpu));
        ctl->armed = 0;
        take_landing(r);
    } else {
        take_fault(r);
    }
    collect_memory(c, r, bg);
}

/* FIP or FCS zero after a landing: the pointers may have been lost on
 * the way to FNSAVE (or the case set them so: running it again is
 * harmless). */
static bool x87_pointers_lost(const struct hd_result *r)
{
    uint32_t fip, fcs_fop;
    memcpy(&fip, r->fpu + 12, 4);
    memcpy(&fcs_fop, r->fpu + 16, 4);
    return r->vector == HD_NONE && (fip == 0 || (fcs_fop & 0xFFFF) == 0);
}

/* ------------------------------------------------------------------ */
/* The pipe protocol.                                                   */

static bool read_all(int fd, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static int serve(const uint8_t *bg)
{
    struct hd_case *cases = malloc(HD_MAX_BATCH * sizeof *cases);
    struct hd_result *results = malloc(HD_MAX_BATCH * sizeof *results);
    if (!cases || !results)
        return 1;
    for (;;) {
        uint32_t count;
        if (!read_all(0, &count, sizeof count) || count > HD_MAX_BATCH)
            return 1;
        if (count == 0)
            break;
        if (!read_all(0, cases, count * sizeof *cases))
            return 1;
        for (uint32_t k = 0; k < count; k++) {
            run_case(&cases[k], &results[k], bg);
            /* A task switch between the instruction and FNSAVE lets the
             * kernel's XSAVE/XRSTOR drop FCS and FDS (the 64-bit format
             * has none), and FIP and FDP (this host keeps them only while
             * ES is set): run such a case again. */
            for (int again = 0; again < 3 && x87_pointers_lost(&results[k]); again++)
                run_case(&cases[k], &results[k], bg);
        }
        if (!write_all(1, results, count * sizeof *results))
            return 1;
    }
    free(cases);
    free(results);
    return 0;
}

int main(void)
{
    struct hd_hello hello;
    memset(&hello, 0, sizeof hello);
    hello.magic = HD_MAGIC;
    uint8_t *bg = malloc(HD_WIN_SIZE);
    if (!bg || !setup(&hello))
        hello.status = 1;
    if (!write_all(1, &hello, sizeof hello) || hello.status)
        return 1;
    fill_background(bg);
    int rc = serve(bg);
    free(bg);
    return rc;
}
