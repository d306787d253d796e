/* Architectural state of one IA-32 CPU (P6 class) and its public API.
 *
 * The CPU owns its software TLB and decoded-block cache; it reaches memory
 * through a struct phys_mem and ports through a struct io_bus, both owned
 * by the machine. Faults unwind with cpu_raise() (longjmp) to the single
 * handler in cpu_run(), which restores EIP to the faulting instruction and
 * delivers the exception. */
#ifndef EMBER_CPU_CPU_H
#define EMBER_CPU_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "../mmu/bus.h"
#include "../mmu/memory.h"
#include "../mmu/tlb.h"
#include "fpu.h"

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define ALWAYS_INLINE inline
#endif

enum gpr { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, REG_NONE /* reads 0 */ };
enum sreg { ES, CS, SS, DS, FS, GS, SEG_COUNT };

/* EFLAGS bits (Intel SDM vol. 1 3.4.3). */
#define FL_CF   0x00000001u
#define FL_1    0x00000002u   /* reserved, always 1 */
#define FL_PF   0x00000004u
#define FL_AF   0x00000010u
#define FL_ZF   0x00000040u
#define FL_SF   0x00000080u
#define FL_TF   0x00000100u
#define FL_IF   0x00000200u
#define FL_DF   0x00000400u
#define FL_OF   0x00000800u
#define FL_IOPL 0x00003000u
#define FL_NT   0x00004000u
#define FL_RF   0x00010000u
#define FL_VM   0x00020000u
#define FL_AC   0x00040000u
#define FL_VIF  0x00080000u
#define FL_VIP  0x00100000u
#define FL_ID   0x00200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME 0x001u
#define CR4_PVI 0x002u
#define CR4_TSD 0x004u
#define CR4_DE  0x008u
#define CR4_PSE 0x010u
#define CR4_PAE 0x020u
#define CR4_MCE 0x040u
#define CR4_PGE 0x080u
#define CR4_PCE 0x100u
#define CR4_OSFXSR 0x200u

/* Exception vectors (SDM vol. 3 6.3.1). */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
    EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18,
};

/* Descriptor access-rights bits as kept in struct segment.ar: bits 8..23 of
 * the descriptor's high dword shifted down by 8 (SDM vol. 3 3.4.5). */
#define AR_TYPE  0x000Fu
#define AR_A     0x0001u   /* accessed (code/data) */
#define AR_W     0x0002u   /* data: writable */
#define AR_R     0x0002u   /* code: readable */
#define AR_E     0x0004u   /* data: expand-down */
#define AR_C     0x0004u   /* code: conforming */
#define AR_CODE  0x0008u
#define AR_S     0x0010u   /* code/data (not system) */
#define AR_DPL   0x0060u
#define AR_P     0x0080u
#define AR_AVL   0x1000u
#define AR_DB    0x4000u
#define AR_G     0x8000u

/* Which accesses a loaded segment allows (struct segment.ok). */
#define SEG_OK_READ  1u
#define SEG_OK_WRITE 2u

struct segment {
    uint16_t sel;
    uint32_t base;
    uint32_t limit;     /* byte-granular limit from the descriptor */
    uint32_t ar;        /* access rights, AR_* */
    uint32_t lo, hi;    /* valid offsets are lo..hi (expand-down aware) */
    uint32_t ok;        /* SEG_OK_*; 0 for a null or unusable segment */
};

struct dtr {
    uint32_t base;
    uint32_t limit;
};

/* Lazy arithmetic flags: see flags.h for the invariants. */
struct lazy_flags {
    uint32_t res, dst, src;
    uint32_t aux;       /* carry-in for ADC/SBB, old CF for INC/DEC */
    uint8_t op;         /* enum lf_op; LF_NONE = flags live in cpu->flags */
    uint8_t size;       /* operand size in bytes */
};

/* CPUID leaf 1 EAX and EDX at reset: family 6, model 5, stepping 2. */
#define CPUID_SIGNATURE 0x00000652u

/* Machine-check banks (MCG_CAP.Count): the P6 family's five. */
#define MCA_BANKS 5

enum cpu_mode { MODE_REAL, MODE_PROT, MODE_V86 };

/* How an event reaches the interrupt logic (SDM vol. 3 6.4, 6.5). */
enum int_source {
    INT_EXCEPTION,  /* a fault or trap raised by the CPU */
    INT_SOFTWARE,   /* INT n: DPL checked, IOPL checked in V86 */
    INT_SOFT_EXC,   /* INT3, INTO: like INT n, vectors 3 and 4 */
    INT_ICEBP,      /* INT1 (0xF1): no DPL check */
    INT_HARDWARE,   /* INTR or NMI */
};

/* Why cpu_run() returned. */
enum run_exit {
    RUN_BUDGET,     /* executed the requested instruction count */
    RUN_HALT,       /* HLT with interrupts that cannot arrive */
    RUN_STOP,       /* cpu->stop_request was set (by a device) */
    RUN_RESET,      /* triple fault or reset request */
    RUN_SHUTDOWN,   /* the CPU cannot continue (e.g. #DF handler triple) */
};

struct block_cache;
struct debugger;

/* struct cpu.dbg_hooks: where the debugger (cpu/debugger.h) looks in. */
#define DBG_HOOK_BLOCKS 0x01u   /* before each block: debugger_block_wants_step() */
#define DBG_HOOK_STEPS  0x02u   /* one instruction at a time (single_step_mode) */
#define DBG_HOOK_BUILD  0x04u   /* each block as it is decoded (-d in_asm) */
#define DBG_HOOK_MMU    0x08u   /* page faults and TLB flushes (-d mmu) */
#define DBG_HOOK_MMIO   0x10u   /* the CPU's MMIO accesses (-d io, unimp) */
#define DBG_HOOK_INT    0x20u   /* interrupts and exceptions */

/* The interrupt controller in front of the CPU: it drives the INTR, NMI
 * and INIT pins (cpu_set_pin), answers the INTA cycle, and, when it is the
 * CPU's local APIC, follows IA32_APIC_BASE. On the PC that is the local
 * APIC, which passes the 8259's INTR on through LINT0 (devices/lapic.h);
 * a machine without one has the 8259 here (i8259_connect_cpu). */
struct cpu_intc {
    /* INTA: the vector of the interrupt the CPU takes now. */
    int (*intr_ack)(void *opaque);
    /* IA32_APIC_BASE was written (base, global enable). NULL: the CPU has
     * no local APIC, and CPUID does not report one. */
    void (*apic_base_written)(void *opaque, uint64_t apic_base);
    void *opaque;
};

/* The CPU's interrupt input pins (SDM vol. 3 6.3, 9.1, 10.1). INTR is a
 * level; NMI and INIT act on their rising edge and are taken at the next
 * instruction boundary (INIT first: a reset that keeps what table 9-1
 * says INIT leaves unchanged). */
enum cpu_pin { CPU_PIN_INTR, CPU_PIN_NMI, CPU_PIN_INIT };
/* Drive a pin: the shape of a device IRQ line's setter (opaque = cpu,
 * n = enum cpu_pin), so the interrupt controller holds plain IRQ lines. */
void cpu_set_pin(void *cpu, int pin, int level);

struct cpu_hooks {
    /* The FERR# output changed: an unmasked x87 exception met a waiting
     * x87 instruction with CR0.NE clear (the PC routes it to IRQ 13). */
    void (*ferr)(void *opaque, bool asserted);
    void *opaque;
};

struct cpu {
    /* Hot state first: registers and the lazy flags. */
    uint32_t reg[9];            /* EAX..EDI; reg[REG_NONE] is always 0 */
    uint32_t eip;               /* start of the current instruction */
    uint32_t next_eip;          /* where execution goes after it */
    uint32_t flags;             /* EFLAGS; arithmetic bits stale if lf.op */
    struct lazy_flags lf;
    struct segment seg[SEG_COUNT];
    int view;                   /* enum tlb_view for ordinary accesses */
    int cpl;
    enum cpu_mode mode;
    bool code32;                /* CS.D: default operand/address size */
    bool stack32;               /* SS.B: ESP or SP */
    bool exit_block;            /* stop the current block after this insn */
    const struct insn *cur_insn;   /* the instruction being executed */
    const struct insn *block_first; /* first instruction of its block */

    struct tlb tlb;
    struct phys_mem *mem;
    struct io_bus *io;

    struct segment ldtr, tr;
    struct dtr gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];

    /* MSRs (SDM vol. 4). */
    uint64_t tsc_offset;        /* TSC = icount + tsc_offset */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;
    uint64_t mtrr_def_type, mtrr_fixed[11], mtrr_var[16], pat;
    uint64_t mcg_status, mcg_ctl;
    uint64_t mc_ctl[MCA_BANKS];  /* IA32_MCi_CTL; STATUS/ADDR/MISC stay 0 */
    /* P6 performance counters: PerfEvtSel0/1 and PerfCtr0/1 (40 bits). */
    uint32_t perf_evtsel[2];
    uint64_t perf_count[2];     /* the counter at perf_since */
    uint64_t perf_since[2];     /* cpu_retired() when perf_count was set */

    struct fpu fpu;             /* x87 (fpu.h) */
    bool ignne;                 /* IGNNE# input: ignore x87 errors (chipset) */

    /* Execution control. */
    uint64_t icount;            /* instructions retired since power-on */
    uint64_t icount_limit;      /* cpu_run stops here */
    bool halted;
    bool intr_line;             /* INTR pin (cpu_set_pin) */
    bool nmi_pin, init_pin;     /* NMI and INIT pins as last driven */
    bool nmi_pending;
    bool init_pending;          /* INIT seen, not yet taken */
    bool nmi_blocked;           /* inside an NMI handler until IRET */
    bool inhibit_irq;           /* after STI, MOV SS, POP SS */
    bool stop_request;
    bool reset_request;
    bool triple_fault;          /* the last reset request was a triple fault */
    bool single_step_mode;      /* TF, RF, debug registers: step one insn */
    uint8_t db_trap;            /* DB_TRAP_* (debug.h): this insn's #DB trap state */
    uint8_t data_bp_armed;      /* DR0-3 enabled as data breakpoints (bits) */
    uint8_t data_bp_hits;       /* data breakpoints this instruction hit */
    int exc_nesting;            /* for #DF and triple-fault detection */
    int first_exc;              /* class of the exception being delivered */
    jmp_buf unwind;             /* cpu_raise() jumps here */
    uint32_t fault_vector, fault_error;
    bool fault_has_error;

    struct cpu_intc intc;
    struct cpu_hooks hooks;
    struct block_cache *blocks;

    /* The debugger, NULL and 0 when none is attached; cpu_run() tests
     * dbg_hooks once per block, nothing per instruction. */
    struct debugger *dbg;
    uint8_t dbg_hooks;          /* DBG_HOOK_* */
    bool dbg_hold_irq;          /* stepping: interrupts wait */
};

/* Life cycle. */
struct cpu *cpu_create(struct phys_mem *mem, struct io_bus *io);
void cpu_destroy(struct cpu *cpu);
/* Power-on/RESET state (SDM vol. 3 9.1.1): real mode, CS:IP F000:FFF0. */
void cpu_reset(struct cpu *cpu);
/* Run until icount advances by budget (or an exit); see enum run_exit. */
enum run_exit cpu_run(struct cpu *cpu, uint64_t budget);

/* Instructions retired so far, exact also in the middle of a block (icount
 * advances per block): for the TSC and the virtual clock. */
uint64_t cpu_retired(const struct cpu *cpu);

/* Raise an exception from inside an instruction: never returns. The
 * error code is pushed for the vectors that have one. */
_Noreturn void cpu_raise(struct cpu *cpu, int vector, uint32_t error);
static inline _Noreturn void cpu_raise_ud(struct cpu *cpu) { cpu_raise(cpu, EXC_UD, 0); }
static inline _Noreturn void cpu_raise_gp0(struct cpu *cpu) { cpu_raise(cpu, EXC_GP, 0); }

/* Register access by encoding (8-bit: AL CL DL BL AH CH DH BH). */
static inline uint8_t get_r8(const struct cpu *cpu, unsigned n)
{
    return n < 4 ? (uint8_t)cpu->reg[n] : (uint8_t)(cpu->reg[n - 4] >> 8);
}
static inline void set_r8(struct cpu *cpu, unsigned n, uint8_t v)
{
    if (n < 4)
        cpu->reg[n] = (cpu->reg[n] & 0xFFFFFF00u) | v;
    else
        cpu->reg[n - 4] = (cpu->reg[n - 4] & 0xFFFF00FFu) | ((uint32_t)v << 8);
}
static inline uint16_t get_r16(const struct cpu *cpu, unsigned n) { return (uint16_t)cpu->reg[n]; }
static inline void set_r16(struct cpu *cpu, unsigned n, uint16_t v)
{
    cpu->reg[n] = (cpu->reg[n] & 0xFFFF0000u) | v;
}

/* EFLAGS as a whole (materializes the lazy flags). */
uint32_t cpu_get_eflags(struct cpu *cpu);
/* Writes the bits in mask, keeping the rest; updates derived state
 * (alignment-check view, single-step mode). No privilege checks here. */
void cpu_set_eflags(struct cpu *cpu, uint32_t value, uint32_t mask);

/* Derived state to recompute after CR0, CS, SS, EFLAGS.VM/AC changes. */
void cpu_update_mode(struct cpu *cpu);
/* Control registers with their side effects (TLB flushes, mode). */
void cpu_set_cr0(struct cpu *cpu, uint32_t value);
void cpu_set_cr3(struct cpu *cpu, uint32_t value);
void cpu_set_cr4(struct cpu *cpu, uint32_t value);

/* Segments (segment.c). cpu_load_seg does what MOV Sreg does in the
 * current mode, with every protected-mode check. */
void cpu_load_seg(struct cpu *cpu, int seg, uint16_t sel);
/* Real-mode/V86 style load: base = sel * 16, limits and rights kept as the
 * mode requires. */
void seg_load_real(struct cpu *cpu, int seg, uint16_t sel);
/* Put the CPU straight into 32-bit protected mode with flat 4 GiB ring-0
 * segments (CS selector 0x08, data 0x10), paging off, as a loader that
 * skips the BIOS would (the Linux 32-bit boot protocol's entry state). */
void cpu_enter_flat32(struct cpu *cpu);
/* Recompute lo/hi/ok from base/limit/ar (after any descriptor load). */
void seg_update_cache(struct segment *s);

/* Control transfers that change CS (far.c, interrupt.c, task.c). */
void cpu_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32);
void cpu_far_call(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32);
void cpu_far_ret(struct cpu *cpu, int op32, uint16_t pop_bytes);
void cpu_iret(struct cpu *cpu, int op32);
/* Deliver an interrupt or exception now, through the IVT or IDT. */
void cpu_interrupt(struct cpu *cpu, int vector, enum int_source src,
                   bool has_error, uint32_t error);

/* The instruction set reached through the opcode table. */
struct insn;
typedef void (*insn_fn)(struct cpu *cpu, const struct insn *i);

#endif
