/* The CPU side of the debugger: breakpoints on linear and physical
 * addresses, watchpoints, I/O-port breakpoints, interrupt and exception
 * breakpoints, single-step requests, and the trace callbacks behind -d.
 * The GDB stub, the monitor and the traces (frontend/) drive it; nothing
 * here talks to a socket or a terminal.
 *
 * What it costs the CPU (docs/debugging.md has the whole story):
 *  - Nothing is tested per instruction on the fast path. cpu_run() tests
 *    cpu->dbg_hooks & DBG_HOOK_BLOCKS once per block; when it is set,
 *    debugger_block_wants_step() says whether that block holds a
 *    breakpoint (or a pending stop, or an address -dfilter traces), and
 *    such a block runs one instruction at a time through step_one().
 *  - Stepping and -d exec set DBG_HOOK_STEPS, which joins the reasons
 *    (TF, RF, DR7) for which the CPU already runs one instruction at a
 *    time (debug_wants_single_steps).
 *  - Watchpoints reuse the data-breakpoint mechanism of debug.c: a page
 *    with a watchpoint loses its fast TLB entries (bit DEBUG_WATCH_ARMED of
 *    cpu->data_bp_armed), so accesses to it reach debug_check_data() on the
 *    slow path. A hit ends the block after the instruction, like a DR7
 *    data breakpoint, and stops the machine instead of raising #DB.
 *  - The interrupt, page-fault, TLB-flush, MMIO and block-decode hooks sit
 *    on paths that are slow already, each behind one flag test.
 *
 * Stopping: a breakpoint, a finished step or a watchpoint records why in
 * the debugger and sets cpu->stop_request, so cpu_run() returns at the
 * next instruction boundary. The machine loop then calls the frontend
 * (cfg.frontend_poll), which sees debugger_stopped() and waits for the
 * user. A code breakpoint stops before its instruction runs; a watchpoint
 * or I/O breakpoint after the instruction that hit it; an interrupt or
 * exception breakpoint at the first instruction of the handler. */
#ifndef EMBER_CPU_DEBUGGER_H
#define EMBER_CPU_DEBUGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"

struct block;
struct insn;

/* cpu->data_bp_armed bit: the debugger has watchpoints (bits 0-3 are
 * DR0-DR3). cpu->data_bp_hits bit: this instruction hit one. */
#define DEBUG_WATCH_ARMED 0x10u
#define DEBUG_WATCH_HIT 0x10u

/* Trace categories (-d). */
#define DBG_TRACE_IN_ASM 0x001u  /* each block as decoded, disassembled */
#define DBG_TRACE_EXEC   0x002u  /* each instruction executed */
#define DBG_TRACE_CPU    0x004u  /* the registers before each traced instruction */
#define DBG_TRACE_INT    0x008u  /* interrupts and exceptions */
#define DBG_TRACE_MMU    0x010u  /* page faults and TLB flushes */
#define DBG_TRACE_IO     0x020u  /* port and MMIO accesses */
#define DBG_TRACE_PCI    0x040u  /* PCI configuration space accesses */
#define DBG_TRACE_UNIMP  0x080u  /* guest use of what is not implemented */

enum dbg_bp_kind {
    BP_LINEAR,      /* code at a linear address */
    BP_PHYS,        /* code at a physical address */
    BP_WATCH,       /* data at linear addresses [addr, addr+len) */
    BP_IO,          /* ports [addr, addr+len) */
    BP_INT,         /* INT n or a hardware interrupt with vector addr */
    BP_EXC,         /* exception with vector addr */
};

/* Access kinds of watchpoints and I/O breakpoints. */
#define BP_READ 1u
#define BP_WRITE 2u
#define BP_ACCESS (BP_READ | BP_WRITE)

/* Who set a breakpoint: gdb removes only its own. */
enum dbg_owner { DBG_OWNER_MONITOR, DBG_OWNER_GDB };

struct dbg_breakpoint {
    int id;                     /* the monitor's number, from 1 */
    enum dbg_bp_kind kind;
    enum dbg_owner owner;
    uint32_t addr;
    uint32_t len;               /* watchpoints and port ranges; 1 otherwise */
    unsigned access;            /* BP_READ/BP_WRITE for BP_WATCH and BP_IO */
    bool hw;                    /* gdb's Z1 (hardware) rather than Z0 */
    uint64_t hits;
};

#define DBG_MAX_BREAKPOINTS 64
#define DBG_MAX_FILTERS 16
#define DBG_MAX_UNIMP_SITES 256

enum dbg_stop_reason {
    DBG_STOP_NONE,
    DBG_STOP_REQUEST,           /* the user (Ctrl-C, stop, -S, gdb attaching) */
    DBG_STOP_STEP,              /* the requested steps are done */
    DBG_STOP_BREAK,             /* a code breakpoint, before its instruction */
    DBG_STOP_WATCH,             /* a watchpoint, after the access */
    DBG_STOP_IO,                /* an I/O breakpoint, after the access */
    DBG_STOP_INT,               /* an interrupt or exception breakpoint */
};

struct dbg_stop {
    enum dbg_stop_reason reason;
    struct dbg_breakpoint bp;   /* a copy of the breakpoint that hit */
    uint32_t addr;              /* watch: the accessed address; io: port */
    unsigned access;            /* BP_READ or BP_WRITE */
    uint32_t value;             /* io: the value moved */
    unsigned size;              /* io and watch: access size */
    int vector;                 /* int/exc */
    enum int_source source;
    bool has_error;
    uint32_t error;
    uint16_t from_cs;           /* CS:EIP where the event happened */
    uint32_t from_eip;
};

/* What -d output goes through: frontend/trace.c. Any may be NULL. */
struct dbg_trace_ops {
    /* Before an instruction at CS:EIP (linear lin) runs (exec, cpu). */
    void (*insn)(void *opaque, struct cpu *cpu, const struct insn *i, uint32_t lin);
    /* A block was decoded (in_asm): its bytes, at linear lin. */
    void (*block)(void *opaque, struct cpu *cpu, uint32_t lin, uint32_t phys,
                  const uint8_t *bytes, unsigned len, bool code32);
    /* Before an interrupt or exception is delivered. */
    void (*interrupt)(void *opaque, struct cpu *cpu, int vector, enum int_source src,
                      bool has_error, uint32_t error);
    void (*page_fault)(void *opaque, struct cpu *cpu, uint32_t lin, uint32_t error);
    /* why: "CR3 load", "INVLPG", ...; value: the register or address. */
    void (*tlb_flush)(void *opaque, struct cpu *cpu, const char *why, uint32_t value);
    /* A port access; flags: DBG_IO_* . */
    void (*io)(void *opaque, uint32_t port, uint32_t value, unsigned size, unsigned flags);
    /* A CPU access to MMIO (or to nothing: unassigned is true). */
    void (*mmio)(void *opaque, uint32_t phys, uint32_t value, unsigned size, bool write,
                 bool unassigned);
    /* trace_unimp(), once per site (and key). */
    void (*unimp)(void *opaque, const char *site, const char *message);
};

#define DBG_IO_WRITE IO_WATCH_WRITE
#define DBG_IO_UNMAPPED IO_WATCH_UNMAPPED

struct dbg_range {
    uint32_t start, last;       /* inclusive */
};

struct debugger {
    struct cpu *cpu;
    struct dbg_breakpoint bp[DBG_MAX_BREAKPOINTS];
    unsigned nbp;
    int next_id;
    unsigned n_code, n_phys, n_watch, n_io, n_int;

    /* Stepping: instructions left to run before stopping (0: not). */
    uint64_t step_left;
    bool step_irqs;             /* let interrupts in while stepping */

    /* The stop in force (reason NONE while running). */
    struct dbg_stop stop;
    /* A watchpoint hit by the running instruction (stops after it). */
    bool watch_pending;
    struct dbg_stop watch_hit;
    uint64_t stops;             /* how many so far */
    /* Resuming from a code breakpoint: do not stop again at once. */
    bool resume_skip;
    uint32_t resume_lin;
    uint64_t resume_icount;

    /* Traces. */
    unsigned trace;             /* DBG_TRACE_* */
    const struct dbg_trace_ops *ops;
    void *trace_opaque;
    struct dbg_range filter[DBG_MAX_FILTERS];   /* -dfilter; none: all */
    unsigned nfilter;
    struct dbg_unimp_seen {     /* trace_unimp() reports made: site and key */
        const char *site;
        uint32_t key;
    } unimp_seen[DBG_MAX_UNIMP_SITES];
    unsigned nunimp;
    bool unimp_full;            /* the table filled up: no more reports */

    /* Going to a place in a replay (frontend/debugctl.c). */
    bool muted;                 /* no hooks, no traces, no stops */
    unsigned muted_trace;       /* the traces to restore */
    bool scanning;              /* hits are noted, not stopped at */
    unsigned scan_trace;
    uint64_t scan_limit;        /* note hits before this instruction count */
    bool scan_found;
    struct dbg_stop scan_stop;  /* the last hit noted */
    uint64_t scan_begin;        /* where its cause began (instructions) */
    uint64_t scan_hits[DBG_MAX_BREAKPOINTS];
};

/* Attach a debugger to the CPU (cpu->dbg). NULL without memory. */
struct debugger *debugger_create(struct cpu *cpu);
/* Detach and free. */
void debugger_destroy(struct debugger *d);

/* ---- Breakpoints ---- */

/* Returns the new breakpoint's id, or -1 when the table is full or the
 * arguments are bad (a length of 0, an access of 0). */
int debugger_add(struct debugger *d, enum dbg_bp_kind kind, uint32_t addr, uint32_t len,
                 unsigned access, enum dbg_owner owner, bool hw);
/* Remove by id; false if there is none. */
bool debugger_remove(struct debugger *d, int id);
/* Remove the owner's breakpoint that matches exactly (gdb's z packets). */
bool debugger_remove_match(struct debugger *d, enum dbg_bp_kind kind, uint32_t addr,
                           uint32_t len, unsigned access, enum dbg_owner owner);
/* Remove all of an owner's breakpoints (gdb detaching). */
void debugger_remove_owner(struct debugger *d, enum dbg_owner owner);

/* ---- Running and stopping ---- */

bool debugger_stopped(const struct debugger *d);
const struct dbg_stop *debugger_stop_info(const struct debugger *d);
/* Stop now, between CPU slices (the CPU is at an instruction boundary). */
void debugger_stop_now(struct debugger *d, enum dbg_stop_reason reason);
/* Run on; a code breakpoint at the current instruction does not stop it
 * again before it has run. */
void debugger_continue(struct debugger *d);
/* Run n instructions, then stop (n >= 1). With irqs false, interrupts
 * wait while stepping (as QEMU's gdbstub does by default), unless the
 * CPU is halted and only an interrupt can move it. */
void debugger_step(struct debugger *d, uint64_t n, bool irqs);

/* ---- Traces ---- */

void debugger_set_trace(struct debugger *d, unsigned categories,
                        const struct dbg_trace_ops *ops, void *opaque);
/* -dfilter: exec and in_asm only for these linear ranges (n = 0: all).
 * Returns -1 when there are more than DBG_MAX_FILTERS. */
int debugger_set_filter(struct debugger *d, const struct dbg_range *ranges, unsigned n);
/* Does [lin, lin + len) meet the filter (always true without one)? */
bool debugger_filter_match(const struct debugger *d, uint32_t lin, uint32_t len);

/* Unimplemented device features the guest used (-d unimp): each report
 * is made once per call site and key; d may be NULL (no debugger). Past
 * DBG_MAX_UNIMP_SITES different reports one last line says that the rest
 * are left out. */
void debugger_unimp(struct debugger *d, const char *site, uint32_t key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The debugger attached to cpu, or NULL (no CPU, or no debugger). */
static inline struct debugger *debugger_of(const struct cpu *cpu)
{
    return cpu ? cpu->dbg : NULL;
}

/* Does d want trace_unimp() reports now? */
static inline bool debugger_wants_unimp(const struct debugger *d)
{
    return d && (d->trace & DBG_TRACE_UNIMP);
}

/* trace_unimp(m, fmt, ...): report, once per call site, a feature the
 * guest used that the device does not implement. m is anything with a
 * struct cpu *cpu member: the machine, or a device that was handed the
 * machine's CPU (device_ops.set_cpu); m->cpu may be NULL, as in device
 * tests without a CPU. The message says in hardware terms what the guest
 * did and what happens instead, e.g. "ATA command f2h (SECURITY UNLOCK)
 * is not implemented: aborted". With -d unimp off it costs one test and
 * evaluates none of the arguments; it belongs on the paths that handle
 * what is missing, never on the path of an access that works.
 * trace_unimp_key(m, key, fmt, ...) reports once per call site and key:
 * one line per unknown command byte, say, from one call site. */
#define DBG_STR2(x) #x
#define DBG_STR(x) DBG_STR2(x)
#define trace_unimp_key(m, key, ...)                                                    \
    do {                                                                                \
        struct debugger *unimp_dbg_ = debugger_of((m)->cpu);                            \
        if (debugger_wants_unimp(unimp_dbg_))                                           \
            debugger_unimp(unimp_dbg_, __FILE__ ":" DBG_STR(__LINE__), (uint32_t)(key), \
                           __VA_ARGS__);                                                \
    } while (0)
#define trace_unimp(m, ...) trace_unimp_key(m, 0, __VA_ARGS__)

/* ---- Going to a place in a replay (frontend/debugctl.c) ---- */

/* The machine was rebuilt: the debugger moves to its new CPU. */
void debugger_attach(struct debugger *d, struct cpu *cpu);
/* Muted, the CPU runs at full speed: no hook, trace or stop (the
 * breakpoints stay for later). Muting clears a stop in force. */
void debugger_set_muted(struct debugger *d, bool muted);
/* Scanning, breakpoints and watchpoints do not stop the CPU: the last one
 * hit before the instruction count limit is kept in scan_stop, and where
 * its cause began in scan_begin (reverse-continue runs the recording
 * forward once to find it). Traces are off meanwhile. */
void debugger_set_scanning(struct debugger *d, bool scanning, uint64_t limit);
/* Run on from here with no stop in force and without skipping a
 * breakpoint at this instruction: a hit found by a scan happens again. */
void debugger_run_live(struct debugger *d);

/* ---- Guest memory without side effects ---- */

/* The page walk as the CPU would do it now, reading the tables only from
 * RAM or ROM and setting no accessed or dirty bit. */
struct dbg_walk {
    bool paging;                /* CR0.PG: else phys = lin (A20 applied) */
    uint32_t pde_addr, pde;
    bool large;                 /* a 4 MiB page (CR4.PSE and PDE.PS) */
    bool has_pte;
    uint32_t pte_addr, pte;
    bool present;               /* the translation exists */
    uint32_t phys;              /* the physical address of lin, if present */
    bool writable, user;        /* combined rights */
};
void debugger_walk(const struct cpu *cpu, uint32_t lin, struct dbg_walk *w);
/* lin to phys; false when not mapped. */
bool debugger_translate(const struct cpu *cpu, uint32_t lin, uint32_t *phys);
/* Copy guest memory (linear through the current paging, or physical):
 * RAM and ROM only, never MMIO. Returns the bytes copied, fewer than len
 * where an unmapped page or a device region begins. */
size_t debugger_read(const struct cpu *cpu, uint32_t addr, void *buf, size_t len,
                     bool physical);
/* Write guest RAM (decoded code on it is dropped) or ROM bytes; returns
 * the bytes written as debugger_read does. */
size_t debugger_write(struct cpu *cpu, uint32_t addr, const void *buf, size_t len,
                      bool physical);

/* Load a segment register as a debugger does: real and V86 mode as the
 * CPU would; protected mode from the descriptor without checks (a null
 * selector gives an unusable segment). False when the descriptor cannot
 * be read. Never faults. */
bool debugger_load_seg(struct cpu *cpu, int seg, uint16_t sel);

/* ---- Hooks called by the CPU (cpu.c, mem.c, debug.c, interrupt.c) ---- */

bool debugger_block_wants_step(struct cpu *cpu, const struct block *b);
/* Before step_one() runs i: true = stop here, do not run it. */
bool debugger_before_insn(struct cpu *cpu, const struct insn *i);
void debugger_after_insn(struct cpu *cpu, const struct insn *i);
void debugger_block_built(struct cpu *cpu, uint32_t lin, uint32_t phys, const uint8_t *bytes,
                          unsigned len);
void debugger_interrupt(struct cpu *cpu, int vector, enum int_source src, bool has_error,
                        uint32_t error);
void debugger_page_fault(struct cpu *cpu, uint32_t lin, uint32_t error);
void debugger_tlb_flush(struct cpu *cpu, const char *why, uint32_t value);
void debugger_mmio(struct cpu *cpu, uint32_t phys, uint32_t value, unsigned size, bool write);
bool debugger_page_watched(const struct debugger *d, uint32_t lin);
void debugger_check_watch(struct cpu *cpu, uint32_t lin, unsigned size, bool write);
/* After the instruction that hit a watchpoint. */
void debugger_watch_fired(struct cpu *cpu);

#endif
