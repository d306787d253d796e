/* System instructions (SDM vol. 2): descriptor-table registers, LDTR and
 * TR, segment checks (LAR LSL VERR VERW ARPL), control and debug registers,
 * MSRs, TSC, CPUID, SYSENTER/SYSEXIT, HLT and WAIT. */
#include "debug.h"
#include "exec.h"
#include "segment.h"

/* ------------------------------------------------------------------------
 * Privilege */

/* SLDT STR LLDT LTR VERR VERW LAR LSL ARPL: #UD in real and V86 mode. */
static void require_protected_mode(struct cpu *cpu)
{
    if (cpu->mode != MODE_PROT)
        cpu_raise_ud(cpu);
}

/* Privileged instructions: #GP(0) unless CPL 0 (V86 mode runs at CPL 3;
 * real mode is CPL 0). */
static void require_cpl0(struct cpu *cpu)
{
    if (cpu->cpl != 0)
        cpu_raise_gp0(cpu);
}

static uint32_t ar_of(uint32_t hi) { return (hi >> 8) & 0xF0FFu; }
static unsigned dpl_of(uint32_t ar) { return (ar & AR_DPL) >> 5; }

/* ------------------------------------------------------------------------
 * LDTR and TR */

/* SLDT/STR: a register destination takes the selector zero-extended with a
 * 32-bit operand (P6 and later); memory always gets 16 bits. */
static void store_selector(struct cpu *cpu, const struct insn *i, uint16_t sel)
{
    if (is_mem(i))
        write16(cpu, i->seg, ea(cpu, i), sel);
    else if (op32(i))
        cpu->reg[i->rm] = sel;
    else
        set_r16(cpu, i->rm, sel);
}

void op_sldt(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    store_selector(cpu, i, cpu->ldtr.sel);
}

void op_str(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    store_selector(cpu, i, cpu->tr.sel);
}

/* A system descriptor that LLDT or LTR loads: in the GDT, of the given
 * type, present. */
static void fetch_gdt_system_desc(struct cpu *cpu, uint16_t sel, unsigned type,
                                  uint32_t *lo, uint32_t *hi)
{
    if ((sel & 4) || !desc_fetch(cpu, sel, lo, hi))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    uint32_t ar = ar_of(*hi);
    if ((ar & AR_S) || (ar & AR_TYPE) != type)
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if (!(ar & AR_P))
        cpu_raise(cpu, EXC_NP, sel & 0xFFFC);
}

void op_lldt(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    require_cpl0(cpu);
    uint16_t sel = get_E16(cpu, i);
    if ((sel & ~3u) == 0) {     /* a null selector leaves the LDTR unusable */
        cpu->ldtr.sel = sel;
        cpu->ldtr.base = cpu->ldtr.limit = cpu->ldtr.ar = 0;
        seg_update_cache(&cpu->ldtr);
        return;
    }
    uint32_t lo, hi;
    fetch_gdt_system_desc(cpu, sel, SYS_LDT, &lo, &hi);
    seg_from_desc(&cpu->ldtr, sel, lo, hi);
}

/* LTR: an available TSS, marked busy in the GDT as it loads. */
void op_ltr(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    require_cpl0(cpu);
    uint16_t sel = get_E16(cpu, i);
    if ((sel & ~3u) == 0)
        cpu_raise_gp0(cpu);
    uint32_t lo, hi;
    if ((sel & 4) || !desc_fetch(cpu, sel, &lo, &hi))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    uint32_t ar = ar_of(hi);
    unsigned type = ar & AR_TYPE;
    if ((ar & AR_S) || (type != SYS_TSS16_AVAIL && type != SYS_TSS32_AVAIL))
        cpu_raise(cpu, EXC_GP, sel & 0xFFFC);
    if (!(ar & AR_P))
        cpu_raise(cpu, EXC_NP, sel & 0xFFFC);
    hi |= 2u << 8;      /* busy */
    sys_write32(cpu, cpu->gdtr.base + (sel & ~7u) + 4, hi);
    seg_from_desc(&cpu->tr, sel, lo, hi);
}

/* ------------------------------------------------------------------------
 * Segment checks: ZF says whether the selector passes */

static void set_zf(struct cpu *cpu, bool on)
{
    flags_set_some(cpu, FL_ZF, on ? FL_ZF : 0);
}

/* DPL >= CPL and DPL >= RPL: what a non-conforming segment asks of the
 * requester. */
static bool privilege_allows(const struct cpu *cpu, uint16_t sel, uint32_t ar)
{
    unsigned dpl = dpl_of(ar);
    return dpl >= (unsigned)cpu->cpl && dpl >= (sel & 3u);
}

/* VERR and VERW (SDM vol. 2): the checks of a data segment register load,
 * without the present bit. */
static bool verifiable(struct cpu *cpu, uint16_t sel, bool write)
{
    uint32_t lo, hi;
    if ((sel & ~3u) == 0 || !desc_fetch(cpu, sel, &lo, &hi))
        return false;
    uint32_t ar = ar_of(hi);
    bool code = (ar & AR_CODE) != 0;
    if (!(ar & AR_S))
        return false;
    if (write)
        return !code && (ar & AR_W) && privilege_allows(cpu, sel, ar);
    if (code && !(ar & AR_R))
        return false;
    return (code && (ar & AR_C)) || privilege_allows(cpu, sel, ar);
}

void op_verr(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    set_zf(cpu, verifiable(cpu, get_E16(cpu, i), false));
}

void op_verw(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    set_zf(cpu, verifiable(cpu, get_E16(cpu, i), true));
}

/* The descriptor LAR or LSL may report: code and data segments, and the
 * system types each accepts (SDM vol. 2 LAR, LSL), visible at CPL and RPL
 * unless conforming code. */
static bool inspectable(struct cpu *cpu, uint16_t sel, bool for_lsl, uint32_t *lo, uint32_t *hi)
{
    if ((sel & ~3u) == 0 || !desc_fetch(cpu, sel, lo, hi))
        return false;
    uint32_t ar = ar_of(*hi);
    if (ar & AR_S) {
        bool conforming = (ar & AR_CODE) && (ar & AR_C);
        return conforming || privilege_allows(cpu, sel, ar);
    }
    switch (ar & AR_TYPE) {
    case SYS_TSS16_AVAIL: case SYS_LDT: case SYS_TSS16_BUSY:
    case SYS_TSS32_AVAIL: case SYS_TSS32_BUSY:
        break;
    case SYS_CALL_GATE16: case SYS_TASK_GATE: case SYS_CALL_GATE32:
        if (for_lsl)
            return false;   /* gates have no limit */
        break;
    default:
        return false;
    }
    return privilege_allows(cpu, sel, ar);
}

static bool lar(struct cpu *cpu, const struct insn *i, uint32_t *rights)
{
    require_protected_mode(cpu);
    uint32_t lo, hi;
    if (!inspectable(cpu, get_E16(cpu, i), false, &lo, &hi)) {
        set_zf(cpu, false);
        return false;
    }
    *rights = hi & 0x00FFFF00u;     /* type, DPL, P, limit 19:16, AVL, D/B, G */
    set_zf(cpu, true);
    return true;
}

void op_lar_w(struct cpu *cpu, const struct insn *i)
{
    uint32_t rights;
    if (lar(cpu, i, &rights))
        set_r16(cpu, i->reg, (uint16_t)(rights & 0xFF00));
}

void op_lar_d(struct cpu *cpu, const struct insn *i)
{
    uint32_t rights;
    if (lar(cpu, i, &rights))
        cpu->reg[i->reg] = rights;
}

static bool lsl(struct cpu *cpu, const struct insn *i, uint32_t *limit)
{
    require_protected_mode(cpu);
    uint32_t lo, hi;
    if (!inspectable(cpu, get_E16(cpu, i), true, &lo, &hi)) {
        set_zf(cpu, false);
        return false;
    }
    *limit = desc_limit(lo, hi);    /* in bytes, scaled by G */
    set_zf(cpu, true);
    return true;
}

void op_lsl_w(struct cpu *cpu, const struct insn *i)
{
    uint32_t limit;
    if (lsl(cpu, i, &limit))
        set_r16(cpu, i->reg, (uint16_t)limit);
}

void op_lsl_d(struct cpu *cpu, const struct insn *i)
{
    uint32_t limit;
    if (lsl(cpu, i, &limit))
        cpu->reg[i->reg] = limit;
}

/* ARPL r/m16, r16: raise the destination's RPL to the source's. */
void op_arpl(struct cpu *cpu, const struct insn *i)
{
    require_protected_mode(cpu);
    uint16_t src_rpl = get_r16(cpu, i->reg) & 3;
    uint32_t lin = 0;
    uint16_t dst;
    if (is_mem(i)) {
        lin = rmw_lin(cpu, i, 2);
        dst = lin_read16(cpu, lin);
    } else {
        dst = get_r16(cpu, i->rm);
    }
    bool raise = (dst & 3) < src_rpl;
    if (raise) {
        dst = (uint16_t)((dst & ~3u) | src_rpl);
        if (is_mem(i))
            lin_write16(cpu, lin, dst);
        else
            set_r16(cpu, i->rm, dst);
    }
    set_zf(cpu, raise);
}

/* ------------------------------------------------------------------------
 * GDTR, IDTR, machine status word */

/* SGDT/SIDT: limit, then base; with a 16-bit operand the P6 stores only 24
 * bits of base and a zero top byte (SDM vol. 2 SGDT). */
static void store_table_register(struct cpu *cpu, const struct insn *i, const struct dtr *t)
{
    uint32_t off = ea(cpu, i), mask = a32(i) ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t base_lin = seg_addr(cpu, i->seg, (off + 2) & mask, 4, SEG_OK_WRITE);
    uint32_t limit_lin = seg_addr(cpu, i->seg, off, 2, SEG_OK_WRITE);
    lin_write16(cpu, limit_lin, (uint16_t)t->limit);
    lin_write32(cpu, base_lin, op32(i) ? t->base : t->base & 0x00FFFFFFu);
}

void op_sgdt(struct cpu *cpu, const struct insn *i) { store_table_register(cpu, i, &cpu->gdtr); }
void op_sidt(struct cpu *cpu, const struct insn *i) { store_table_register(cpu, i, &cpu->idtr); }

/* LGDT/LIDT: a 16-bit operand loads 24 bits of base. */
static void load_table_register(struct cpu *cpu, const struct insn *i, struct dtr *t, bool o32)
{
    require_cpl0(cpu);
    uint32_t off = ea(cpu, i), mask = a32(i) ? 0xFFFFFFFFu : 0xFFFFu;
    uint16_t limit = read16(cpu, i->seg, off);
    uint32_t base = read32(cpu, i->seg, (off + 2) & mask);
    t->limit = limit;
    t->base = o32 ? base : base & 0x00FFFFFFu;
}

void op_lgdt_w(struct cpu *cpu, const struct insn *i) { load_table_register(cpu, i, &cpu->gdtr, false); }
void op_lgdt_d(struct cpu *cpu, const struct insn *i) { load_table_register(cpu, i, &cpu->gdtr, true); }
void op_lidt_w(struct cpu *cpu, const struct insn *i) { load_table_register(cpu, i, &cpu->idtr, false); }
void op_lidt_d(struct cpu *cpu, const struct insn *i) { load_table_register(cpu, i, &cpu->idtr, true); }

/* SMSW is not privileged. A 32-bit register destination gets all of CR0
 * (P6 and later); otherwise the low 16 bits. */
void op_smsw_w(struct cpu *cpu, const struct insn *i) { set_E16(cpu, i, (uint16_t)cpu->cr0); }
void op_smsw_d(struct cpu *cpu, const struct insn *i)
{
    if (is_mem(i))
        write16(cpu, i->seg, ea(cpu, i), (uint16_t)cpu->cr0);
    else
        cpu->reg[i->rm] = cpu->cr0;
}

/* LMSW loads PE, MP, EM and TS; it can set PE but never clear it. */
void op_lmsw(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint32_t msw = get_E16(cpu, i) & 0xF;
    cpu_set_cr0(cpu, (cpu->cr0 & ~0xFu) | msw | (cpu->cr0 & CR0_PE));
}

void op_clts(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    require_cpl0(cpu);
    cpu_set_cr0(cpu, cpu->cr0 & ~CR0_TS);
}

/* INVD and WBINVD: there are no caches to write back or drop. */
void op_invd(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    require_cpl0(cpu);
}

/* INVLPG: the translation of the page holding the operand's linear
 * address (no segment limit check). The TLB keeps a 4 MiB page as 4 KiB
 * entries, so with CR4.PSE every entry in the operand's 4 MiB region goes:
 * the page may have been a large one. */
void op_invlpg(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    uint32_t lin = cpu->seg[i->seg].base + ea(cpu, i);
    tlb_flush_page(&cpu->tlb, lin);
    if (!(cpu->cr4 & CR4_PSE))
        return;
    uint32_t region = lin & 0xFFC00000u;
    for (int v = 0; v < TLB_VIEWS; v++)
        for (unsigned k = 0; k < TLB_SIZE; k++) {
            uint32_t tag = cpu->tlb.e[v][k].tag_r;
            if (!(tag & TLB_INVALID) && (tag & 0xFFC00000u) == region)
                tlb_flush_page(&cpu->tlb, tag & ~0xFFFu);
        }
}

/* ------------------------------------------------------------------------
 * Control registers */

#define CR0_DEFINED (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | \
                     CR0_AM | CR0_NW | CR0_CD | CR0_PG)
/* The CR4 bits of the features CPUID reports (PAE is not). CR4.MCE
 * enables #MC, which nothing here ever raises. */
#define CR4_DEFINED (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | \
                     CR4_PCE | CR4_OSFXSR)

/* CR0, CR2, CR3 and CR4 exist; CR1 and CR5-CR7 are #UD. */
static void require_control_register(struct cpu *cpu, unsigned n)
{
    if (n == 1 || n > 4)
        cpu_raise_ud(cpu);
}

void op_mov_RdCd(struct cpu *cpu, const struct insn *i)
{
    require_control_register(cpu, i->reg);
    require_cpl0(cpu);
    uint32_t v;
    switch (i->reg) {
    case 0: v = cpu->cr0; break;
    case 2: v = cpu->cr2; break;
    case 3: v = cpu->cr3; break;
    default: v = cpu->cr4; break;
    }
    cpu->reg[i->rm] = v;
}

/* MOV CR0: reserved bits are ignored; paging without protection and
 * not-write-through with caching on are #GP(0) (SDM vol. 2 MOV CR). */
static void write_cr0(struct cpu *cpu, uint32_t v)
{
    v &= CR0_DEFINED;
    if ((v & CR0_PG) && !(v & CR0_PE))
        cpu_raise_gp0(cpu);
    if ((v & CR0_NW) && !(v & CR0_CD))
        cpu_raise_gp0(cpu);
    cpu_set_cr0(cpu, v);
}

void op_mov_CdRd(struct cpu *cpu, const struct insn *i)
{
    require_control_register(cpu, i->reg);
    require_cpl0(cpu);
    uint32_t v = cpu->reg[i->rm];
    switch (i->reg) {
    case 0:
        write_cr0(cpu, v);
        break;
    case 2:
        cpu->cr2 = v;
        break;
    case 3:
        cpu_set_cr3(cpu, v);
        break;
    default:
        if (v & ~CR4_DEFINED)
            cpu_raise_gp0(cpu);
        cpu_set_cr4(cpu, v);
        break;
    }
}

/* ------------------------------------------------------------------------
 * Debug registers (SDM vol. 3 17.2) */

#define DR6_FIXED_ONES 0xFFFF0FF0u
#define DR6_WRITABLE   0x0000E00Fu
#define DR7_FIXED_ONES 0x00000400u
#define DR7_WRITABLE   0xFFFF23FFu

/* DR4 and DR5 alias DR6 and DR7 unless CR4.DE makes them #UD. */
static unsigned debug_register(struct cpu *cpu, unsigned n)
{
    if (n == 4 || n == 5) {
        if (cpu->cr4 & CR4_DE)
            cpu_raise_ud(cpu);
        return n + 2;
    }
    return n;
}

/* DR7.GD: any debug register access is a #DB fault with DR6.BD; the
 * processor clears GD so the handler can use the registers, and as for
 * every fault the pushed RF is 1 (SDM vol. 3 17.2.4, 17.3.1.1). */
static void check_general_detect(struct cpu *cpu)
{
    if (!(cpu->dr[7] & DR7_GD))
        return;
    cpu->dr[6] |= DR6_BD;
    cpu->dr[7] &= ~DR7_GD;
    cpu->flags |= FL_RF;
    cpu_raise(cpu, EXC_DB, 0);
}

void op_mov_RdDd(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    unsigned n = debug_register(cpu, i->reg);
    check_general_detect(cpu);
    cpu->reg[i->rm] = cpu->dr[n];
}

void op_mov_DdRd(struct cpu *cpu, const struct insn *i)
{
    require_cpl0(cpu);
    unsigned n = debug_register(cpu, i->reg);
    check_general_detect(cpu);
    uint32_t v = cpu->reg[i->rm];
    if (n == 6) {
        cpu->dr[6] = (v & DR6_WRITABLE) | DR6_FIXED_ONES;
    } else if (n == 7) {
        cpu->dr[7] = (v & DR7_WRITABLE) | DR7_FIXED_ONES;
        cpu_update_mode(cpu);   /* instruction breakpoints may be armed now */
        debug_update_data_breakpoints(cpu);
    } else {
        cpu->dr[n] = v;
        debug_update_data_breakpoints(cpu);
    }
}

/* ------------------------------------------------------------------------
 * Time-stamp and performance counters */

static uint64_t read_tsc(const struct cpu *cpu) { return cpu_retired(cpu) + cpu->tsc_offset; }

static void set_edx_eax(struct cpu *cpu, uint64_t v)
{
    cpu->reg[EAX] = (uint32_t)v;
    cpu->reg[EDX] = (uint32_t)(v >> 32);
}

/* RDTSC: #GP(0) outside CPL 0 when CR4.TSD is set. */
void op_rdtsc(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    if ((cpu->cr4 & CR4_TSD) && cpu->cpl != 0)
        cpu_raise_gp0(cpu);
    set_edx_eax(cpu, read_tsc(cpu));
}

/* RDPMC: the P6 has counters 0 and 1; #GP(0) outside CPL 0 unless CR4.PCE.
 * No counter is ever programmed (the event-select MSRs are not
 * implemented), so both read 0. */
static uint64_t perf_read(const struct cpu *cpu, int n);

void op_rdpmc(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    if (!(cpu->cr4 & CR4_PCE) && cpu->cpl != 0)
        cpu_raise_gp0(cpu);
    if (cpu->reg[ECX] > 1)
        cpu_raise_gp0(cpu);
    set_edx_eax(cpu, perf_read(cpu, (int)cpu->reg[ECX]));
}

/* ------------------------------------------------------------------------
 * Model-specific registers (SDM vol. 4, P6 family) */

enum {
    MSR_TSC = 0x10,
    MSR_PLATFORM_ID = 0x17,
    MSR_PERFCTR0 = 0xC1,
    MSR_PERFCTR1 = 0xC2,
    MSR_EVNTSEL0 = 0x186,
    MSR_EVNTSEL1 = 0x187,
    MSR_APIC_BASE = 0x1B,
    MSR_BIOS_SIGN_ID = 0x8B,
    MSR_MTRRCAP = 0xFE,
    MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175,
    MSR_SYSENTER_EIP = 0x176,
    MSR_MCG_CAP = 0x179,
    MSR_MCG_STATUS = 0x17A,
    MSR_MCG_CTL = 0x17B,
    MSR_MTRR_PHYS_FIRST = 0x200,    /* PHYSBASE0, PHYSMASK0, ... PHYSMASK7 */
    MSR_MTRR_PHYS_LAST = 0x20F,
    MSR_MTRR_FIX64K_00000 = 0x250,
    MSR_MTRR_FIX16K_80000 = 0x258,
    MSR_MTRR_FIX16K_A0000 = 0x259,
    MSR_MTRR_FIX4K_C0000 = 0x268,   /* to 0x26F */
    MSR_MTRR_FIX4K_F8000 = 0x26F,
    MSR_PAT = 0x277,
    MSR_MTRR_DEF_TYPE = 0x2FF,
    MSR_MC0_CTL = 0x400,            /* MCi_CTL, _STATUS, _ADDR, _MISC: 0x400 + 4i + 0..3 */
};

#define MTRRCAP_VALUE 0x508u            /* 8 variable ranges, fixed ranges, WC */
#define MCG_CAP_VALUE (0x100u | MCA_BANKS)  /* MCG_CTL present, the banks */
#define APIC_BASE_BSP 0x100u
#define APIC_BASE_WRITABLE 0xFFFFFF800ull   /* enable and base (36-bit addresses) */
#define MTRR_BASE_RESERVED 0xFFFFFFF000000F00ull
#define MTRR_MASK_RESERVED 0xFFFFFFF0000007FFull
#define MTRR_DEF_TYPE_RESERVED 0xFFFFFFFFFFFFF300ull

/* Machine-check banks (SDM vol. 3 15.3.2): MCi_CTL holds what is written;
 * no error is ever logged, so MCi_STATUS, MCi_ADDR and MCi_MISC read 0 and
 * only 0 may be written to them (the P6 rule for MCi_STATUS; Linux clears
 * them with 0). Returns false for an MSR outside the banks or a bad write. */
static bool mca_bank_msr(uint32_t msr)
{
    return msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * MCA_BANKS;
}

static uint64_t mca_bank_read(const struct cpu *cpu, uint32_t msr)
{
    unsigned bank = (msr - MSR_MC0_CTL) / 4;
    return (msr - MSR_MC0_CTL) % 4 == 0 ? cpu->mc_ctl[bank] : 0;
}

static bool mca_bank_write(struct cpu *cpu, uint32_t msr, uint64_t v)
{
    unsigned bank = (msr - MSR_MC0_CTL) / 4;
    if ((msr - MSR_MC0_CTL) % 4 == 0) {
        cpu->mc_ctl[bank] = v;
        return true;
    }
    return v == 0;
}

/* mtrr_fixed[] index of a fixed-range MTRR, or -1. */
static int fixed_mtrr_index(uint32_t msr)
{
    if (msr == MSR_MTRR_FIX64K_00000)
        return 0;
    if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
        return 1 + (int)(msr - MSR_MTRR_FIX16K_80000);
    if (msr >= MSR_MTRR_FIX4K_C0000 && msr <= MSR_MTRR_FIX4K_F8000)
        return 3 + (int)(msr - MSR_MTRR_FIX4K_C0000);
    return -1;
}

/* UC, WC, WT, WP, WB (SDM vol. 3 table 11-8); PAT also has UC- (7). */
static bool valid_memory_type(unsigned type, bool pat)
{
    return type == 0 || type == 1 || (type >= 4 && type <= 6) || (pat && type == 7);
}

static bool valid_type_bytes(uint64_t v, bool pat)
{
    for (int k = 0; k < 8; k++)
        if (!valid_memory_type((unsigned)(v >> (8 * k)) & 0xFF, pat))
            return false;
    return true;
}

static bool msr_read(const struct cpu *cpu, uint32_t msr, uint64_t *v)
{
    int fixed = fixed_mtrr_index(msr);
    if (fixed >= 0) {
        *v = cpu->mtrr_fixed[fixed];
        return true;
    }
    if (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST) {
        *v = cpu->mtrr_var[msr - MSR_MTRR_PHYS_FIRST];
        return true;
    }
    if (mca_bank_msr(msr)) {
        *v = mca_bank_read(cpu, msr);
        return true;
    }
    switch (msr) {
    case MSR_TSC: *v = read_tsc(cpu); return true;
    case MSR_PLATFORM_ID: *v = 0; return true;      /* platform 0 (bits 52:50) */
    case MSR_PERFCTR0: *v = perf_read(cpu, 0); return true;
    case MSR_PERFCTR1: *v = perf_read(cpu, 1); return true;
    case MSR_EVNTSEL0: *v = cpu->perf_evtsel[0]; return true;
    case MSR_EVNTSEL1: *v = cpu->perf_evtsel[1]; return true;
    case MSR_APIC_BASE: *v = cpu->apic_base; return true;
    case MSR_BIOS_SIGN_ID: *v = 0; return true;     /* no microcode update loaded */
    case MSR_MTRRCAP: *v = MTRRCAP_VALUE; return true;
    case MSR_SYSENTER_CS: *v = cpu->sysenter_cs; return true;
    case MSR_SYSENTER_ESP: *v = cpu->sysenter_esp; return true;
    case MSR_SYSENTER_EIP: *v = cpu->sysenter_eip; return true;
    case MSR_MCG_CAP: *v = MCG_CAP_VALUE; return true;
    case MSR_MCG_STATUS: *v = cpu->mcg_status; return true;
    case MSR_MCG_CTL: *v = cpu->mcg_ctl; return true;
    case MSR_PAT: *v = cpu->pat; return true;
    case MSR_MTRR_DEF_TYPE: *v = cpu->mtrr_def_type; return true;
    default: return false;
    }
}

/* Performance monitoring (SDM vol. 3 19.6, "P6 family"): PerfEvtSel0's
 * EN bit (22) starts both counters. Of the events, INST_RETIRED (C0h) and
 * CPU_CLK_UNHALTED (79h; one instruction per clock here) count; the rest
 * of the P6's events describe caches and pipelines ember does not have,
 * and stay at their value. The overflow interrupt needs a local APIC. */
#define PERF_EN 0x00400000u
#define PERF_MASK ((1ull << 40) - 1)

static bool perf_counting(const struct cpu *cpu, int n)
{
    unsigned event = cpu->perf_evtsel[n] & 0xFF;
    return (cpu->perf_evtsel[0] & PERF_EN) && (event == 0xC0 || event == 0x79);
}

static uint64_t perf_read(const struct cpu *cpu, int n)
{
    uint64_t v = cpu->perf_count[n];
    if (perf_counting(cpu, n))
        v += cpu_retired(cpu) - cpu->perf_since[n];
    return v & PERF_MASK;
}

static void perf_set(struct cpu *cpu, int n, uint64_t v)
{
    cpu->perf_count[n] = v & PERF_MASK;
    cpu->perf_since[n] = cpu_retired(cpu);
}

/* Changing an event selector restarts its counter from its current value. */
static void perf_select(struct cpu *cpu, int n, uint32_t v)
{
    uint64_t c0 = perf_read(cpu, 0), c1 = perf_read(cpu, 1);
    cpu->perf_evtsel[n] = v;
    perf_set(cpu, 0, c0);
    perf_set(cpu, 1, c1);
}

/* A variable-range MTRR: even numbers are PHYSBASE (type and base), odd
 * ones PHYSMASK (valid bit and mask). */
static bool write_variable_mtrr(struct cpu *cpu, uint32_t msr, uint64_t v)
{
    unsigned k = msr - MSR_MTRR_PHYS_FIRST;
    if (k % 2 == 0) {
        if ((v & MTRR_BASE_RESERVED) || !valid_memory_type(v & 0xFF, false))
            return false;
    } else if (v & MTRR_MASK_RESERVED) {
        return false;
    }
    cpu->mtrr_var[k] = v;
    return true;
}

static bool msr_write(struct cpu *cpu, uint32_t msr, uint64_t v)
{
    int fixed = fixed_mtrr_index(msr);
    if (fixed >= 0) {
        if (!valid_type_bytes(v, false))
            return false;
        cpu->mtrr_fixed[fixed] = v;
        return true;
    }
    if (msr >= MSR_MTRR_PHYS_FIRST && msr <= MSR_MTRR_PHYS_LAST)
        return write_variable_mtrr(cpu, msr, v);
    if (mca_bank_msr(msr))
        return mca_bank_write(cpu, msr, v);
    switch (msr) {
    case MSR_TSC:
        /* P6: only the low 32 bits are written, the high ones cleared
         * (SDM vol. 3 17.17). */
        cpu->tsc_offset = (uint32_t)v - cpu_retired(cpu);
        return true;
    case MSR_APIC_BASE:
        if (v & ~(APIC_BASE_WRITABLE | APIC_BASE_BSP))
            return false;
        cpu->apic_base = (v & APIC_BASE_WRITABLE) | (cpu->apic_base & APIC_BASE_BSP);
        if (cpu->intc.apic_base_written)    /* the local APIC moves, or turns on or off */
            cpu->intc.apic_base_written(cpu->intc.opaque, cpu->apic_base);
        return true;
    case MSR_BIOS_SIGN_ID:
        return true;    /* cleared before CPUID to latch the signature: no effect */
    case MSR_PERFCTR0: perf_set(cpu, 0, v); return true;
    case MSR_PERFCTR1: perf_set(cpu, 1, v); return true;
    case MSR_EVNTSEL0: perf_select(cpu, 0, (uint32_t)v); return true;
    case MSR_EVNTSEL1: perf_select(cpu, 1, (uint32_t)v); return true;
    case MSR_SYSENTER_CS: cpu->sysenter_cs = (uint32_t)v; return true;
    case MSR_SYSENTER_ESP: cpu->sysenter_esp = (uint32_t)v; return true;
    case MSR_SYSENTER_EIP: cpu->sysenter_eip = (uint32_t)v; return true;
    case MSR_MCG_STATUS:
        if (v & ~7ull)      /* RIPV, EIPV, MCIP */
            return false;
        cpu->mcg_status = v;
        return true;
    case MSR_MCG_CTL:
        cpu->mcg_ctl = v;
        return true;
    case MSR_PAT:
        if (!valid_type_bytes(v, true))
            return false;
        cpu->pat = v;
        return true;
    case MSR_MTRR_DEF_TYPE:
        if ((v & MTRR_DEF_TYPE_RESERVED) || !valid_memory_type(v & 0xFF, false))
            return false;
        cpu->mtrr_def_type = v;
        return true;
    default:
        return false;   /* unknown, or read-only (MTRRCAP, MCG_CAP) */
    }
}

void op_rdmsr(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    require_cpl0(cpu);
    uint64_t v;
    if (!msr_read(cpu, cpu->reg[ECX], &v))
        cpu_raise_gp0(cpu);
    set_edx_eax(cpu, v);
}

void op_wrmsr(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    require_cpl0(cpu);
    uint64_t v = (uint64_t)cpu->reg[EDX] << 32 | cpu->reg[EAX];
    if (!msr_write(cpu, cpu->reg[ECX], v))
        cpu_raise_gp0(cpu);
}

/* ------------------------------------------------------------------------
 * SYSENTER and SYSEXIT (SDM vol. 2): flat 4 GiB segments made up from
 * IA32_SYSENTER_CS, not read from the GDT. */

static void load_flat_segment(struct segment *s, uint16_t sel, bool code, unsigned dpl)
{
    s->sel = sel;
    s->base = 0;
    s->limit = 0xFFFFFFFFu;
    s->ar = AR_P | AR_S | AR_DB | AR_G | AR_A | (dpl << 5) | (code ? AR_CODE | AR_R : AR_W);
    seg_update_cache(s);
}

void op_sysenter(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint16_t cs = (uint16_t)cpu->sysenter_cs & 0xFFFC;
    if (!(cpu->cr0 & CR0_PE) || cs == 0)
        cpu_raise_gp0(cpu);
    cpu_set_eflags(cpu, 0, FL_VM | FL_IF | FL_RF);
    cpu->cpl = 0;
    load_flat_segment(&cpu->seg[CS], cs, true, 0);
    load_flat_segment(&cpu->seg[SS], (uint16_t)(cs + 8), false, 0);
    cpu->reg[ESP] = cpu->sysenter_esp;
    cpu->next_eip = cpu->sysenter_eip;
    cpu_update_mode(cpu);
}

void op_sysexit(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (!(cpu->cr0 & CR0_PE) || (cs & 0xFFFC) == 0 || cpu->cpl != 0)
        cpu_raise_gp0(cpu);
    cpu->cpl = 3;
    load_flat_segment(&cpu->seg[CS], (uint16_t)((cs + 16) | 3), true, 3);
    load_flat_segment(&cpu->seg[SS], (uint16_t)((cs + 24) | 3), false, 3);
    cpu->reg[ESP] = cpu->reg[ECX];
    cpu->next_eip = cpu->reg[EDX];
    cpu_update_mode(cpu);
}

/* ------------------------------------------------------------------------
 * CPUID: a Pentium II (family 6, model 5) */

#define CPUID_MAX_LEAF 2u
#define FEAT_FPU  (1u << 0)
#define FEAT_VME  (1u << 1)
#define FEAT_DE   (1u << 2)
#define FEAT_PSE  (1u << 3)
#define FEAT_TSC  (1u << 4)
#define FEAT_MSR  (1u << 5)
#define FEAT_MCE  (1u << 7)
#define FEAT_CX8  (1u << 8)
#define FEAT_APIC (1u << 9)
#define FEAT_SEP  (1u << 11)
#define FEAT_MTRR (1u << 12)
#define FEAT_PGE  (1u << 13)
#define FEAT_MCA  (1u << 14)
#define FEAT_CMOV (1u << 15)
#define FEAT_PAT  (1u << 16)
#define FEAT_FXSR (1u << 24)
#define CPUID_FEATURES (FEAT_FPU | FEAT_VME | FEAT_DE | FEAT_PSE | FEAT_TSC | FEAT_MSR | \
                        FEAT_CX8 | FEAT_SEP | FEAT_PGE | FEAT_CMOV | FEAT_FXSR | \
                        FEAT_MCE | FEAT_MCA | FEAT_MTRR | FEAT_PAT)
#define APIC_BASE_ENABLE 0x800u
/* Leaf 2 descriptors, one CPUID(2) call: 01h ITLB 4K, 02h ITLB 4M, 03h DTLB
 * 4K, 04h DTLB 4M, 08h L1I 16K, 0Ch L1D 16K, 43h L2 512K. */
#define CPUID2_EAX 0x03020101u
#define CPUID2_EDX 0x0C040843u

void op_cpuid(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint32_t leaf = cpu->reg[EAX], a = 0, b = 0, c = 0, d = 0;
    if (leaf > CPUID_MAX_LEAF)      /* includes 8000_0000h and up: the highest leaf's data */
        leaf = CPUID_MAX_LEAF;
    switch (leaf) {
    case 0:
        a = CPUID_MAX_LEAF;
        b = 0x756E6547u;    /* "Genu" */
        d = 0x49656E69u;    /* "ineI" */
        c = 0x6C65746Eu;    /* "ntel" */
        break;
    case 1:
        a = CPUID_SIGNATURE;
        d = CPUID_FEATURES;
        /* A local APIC that IA32_APIC_BASE has not disabled (SDM vol. 3
         * 10.4.3: with the global enable clear, CPUID reports none). */
        if (cpu->intc.apic_base_written && (cpu->apic_base & APIC_BASE_ENABLE))
            d |= FEAT_APIC;
        break;
    default:
        a = CPUID2_EAX;
        d = CPUID2_EDX;
        break;
    }
    cpu->reg[EAX] = a;
    cpu->reg[EBX] = b;
    cpu->reg[ECX] = c;
    cpu->reg[EDX] = d;
}

/* ------------------------------------------------------------------------
 * HLT and WAIT */

void op_hlt(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    require_cpl0(cpu);
    cpu->halted = true;
}

/* WAIT/FWAIT: #NM when CR0.TS and CR0.MP are both set (SDM vol. 3 table
 * 2-2), then any pending unmasked x87 exception (fpu.c). */
void op_wait(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    fpu_wait(cpu);
}
