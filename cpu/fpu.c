/* The x87 FPU: state, the instruction prologue with the device-not-
 * available and pending-exception rules, exception reporting (#MF or
 * FERR#), the last-instruction pointers, memory operands, and the control
 * instructions (SDM vol. 1 chapter 8; vol. 2 FINIT FCLEX FLDCW FSTCW
 * FSTSW FINCSTP FDECSTP FFREE FNOP WAIT; vol. 3 2.5 and table 2-2). */
#include "fpu_internal.h"

/* ------------------------------------------------------------------------
 * State */

void fpu_init(struct fpu *f)
{
    f->cw = FCW_INIT;
    f->sw = 0;
    f->used = 0;
    f->fop = 0;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
}

void fpu_reset(struct fpu *f)
{
    /* SDM vol. 3 table 9-1: FCW 0040h, FSW 0, FTW 5555h (every register
     * +0.0, tagged zero), pointers and opcode 0. */
    fpu_init(f);
    f->cw = FCW_RESET;
    f->used = 0xFF;
    for (int n = 0; n < 8; n++)
        f->r[n] = f80_zero(false);
    f->ferr = false;
}

unsigned fpu_tag(const struct fpu *f, unsigned n)
{
    if (!((f->used >> n) & 1))
        return TAG_EMPTY;
    switch (f80_classify(f->r[n])) {
    case F80_NORMAL: return TAG_VALID;
    case F80_ZERO: return TAG_ZERO;
    default: return TAG_SPECIAL;    /* NaN, infinity, denormal, unsupported */
    }
}

uint16_t fpu_tag_word(const struct fpu *f)
{
    uint16_t tw = 0;
    for (unsigned n = 0; n < 8; n++)
        tw = (uint16_t)(tw | fpu_tag(f, n) << (2 * n));
    return tw;
}

/* ------------------------------------------------------------------------
 * The opcode of each table row, for the FOP register: the x87 rows'
 * first byte (D8-DF), from the one opcode table. */

static const uint8_t row_opcode[OPID_COUNT] = {
#define OP(id, map, opc, ext, mn, form, h16, h32, attrs) (uint8_t)(opc),
#include "opcodes.def"
#undef OP
};

void fpu_note_insn(struct cpu *cpu, const struct insn *i)
{
    /* FIP points at the instruction's first prefix (vol. 1 8.1.8); FOP
     * holds the low three bits of the escape and the ModRM byte (8.1.9). */
    cpu->fpu.fip = cpu->eip;
    cpu->fpu.fcs = cpu->seg[CS].sel;
    cpu->fpu.fop = (uint16_t)((row_opcode[i->op] & 7) << 8 | i->modrm);
}

void fpu_note_operand(struct cpu *cpu, const struct insn *i)
{
    cpu->fpu.fdp = ea(cpu, i);
    cpu->fpu.fds = cpu->seg[i->seg].sel;
}

/* ------------------------------------------------------------------------
 * Exceptions */

static void set_summary(struct cpu *cpu)
{
    if (cpu->fpu.sw & ~cpu->fpu.cw & FSW_EXC)
        cpu->fpu.sw |= FSW_ES | FSW_B;
}

void fpu_raise(struct cpu *cpu, unsigned flags)
{
    cpu->fpu.sw = (uint16_t)(cpu->fpu.sw | (flags & FSW_EXC));
    set_summary(cpu);
}

void fpu_report(struct cpu *cpu, const struct f80_env *e)
{
    fpu_set_cc(cpu, FSW_C1, (e->flags & F80_C1) ? FSW_C1 : 0);
    fpu_raise(cpu, e->flags);
}

void fpu_release_ferr(struct cpu *cpu)
{
    if (cpu->fpu.ferr && !(cpu->fpu.sw & FSW_ES)) {
        cpu->fpu.ferr = false;
        if (cpu->hooks.ferr)
            cpu->hooks.ferr(cpu->hooks.opaque, false);
    }
}

void fpu_recompute_es(struct cpu *cpu)
{
    cpu->fpu.sw &= (uint16_t)~(FSW_ES | FSW_B);
    set_summary(cpu);
    fpu_release_ferr(cpu);
}

bool fpu_stack_fault(struct cpu *cpu, bool overflow)
{
    fpu_set_cc(cpu, FSW_C1, overflow ? FSW_C1 : 0);
    cpu->fpu.sw |= FSW_SF;
    fpu_raise(cpu, FSW_IE);
    return fpu_masked(cpu, FSW_IE);
}

/* A pending unmasked exception met a waiting instruction (vol. 1 8.7,
 * vol. 3 2.5 CR0.NE): #MF, or the MS-DOS compatible path: FERR# goes
 * active and, unless IGNNE# is, the processor waits for an interrupt
 * before the instruction (vol. 1 appendix D). A board that does not
 * receive FERR# (no hook) is taken to hold IGNNE# active. */
static bool report_pending(struct cpu *cpu)
{
    if (cpu->cr0 & CR0_NE)
        cpu_raise(cpu, EXC_MF, 0);
    if (!cpu->fpu.ferr) {
        cpu->fpu.ferr = true;
        if (cpu->hooks.ferr)
            cpu->hooks.ferr(cpu->hooks.opaque, true);
    }
    if (cpu->ignne || !cpu->hooks.ferr)
        return true;
    cpu->halted = true;
    cpu->next_eip = cpu->eip;   /* run this instruction again after the interrupt */
    cpu->exit_block = true;
    return false;
}

bool fpu_begin(struct cpu *cpu, bool waits)
{
    if (cpu->cr0 & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, 0);
    if (waits && (cpu->fpu.sw & FSW_ES))
        return report_pending(cpu);
    return true;
}

void fpu_wait(struct cpu *cpu)
{
    if ((cpu->cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
        cpu_raise(cpu, EXC_NM, 0);
    if (cpu->fpu.sw & FSW_ES)
        report_pending(cpu);
}

/* ------------------------------------------------------------------------
 * Memory operands */

static int data_view(const struct cpu *cpu)
{
    return cpu->view == TLB_USER_AC ? TLB_USER : cpu->view;
}

static bool misaligned(const struct cpu *cpu, uint32_t lin, unsigned align)
{
    return cpu->view == TLB_USER_AC && (lin & (align - 1));     /* vol. 3 6.15, #AC */
}

/* A memory operand is accessed in parts of up to 8 bytes (an area in
 * parts of its fields' width): the first part's segment check, then the
 * alignment check, then the rest's segment checks, as on the hardware we
 * compare with (the SDM leaves the order of the two faults open). */
uint32_t fpu_area(struct cpu *cpu, const struct insn *i, uint32_t off, unsigned size, unsigned need,
                  unsigned align, unsigned first)
{
    uint32_t lin = seg_addr(cpu, i->seg, off, first < size ? first : size, need);
    if (misaligned(cpu, lin, align))
        cpu_raise(cpu, EXC_AC, 0);
    return seg_addr(cpu, i->seg, off, size, need);
}

uint32_t fpu_operand(struct cpu *cpu, const struct insn *i, unsigned size, unsigned need,
                     unsigned align)
{
    return fpu_area(cpu, i, ea(cpu, i), size, need, align, 8);
}

void fpu_read(struct cpu *cpu, uint32_t lin, uint8_t *buf, unsigned n)
{
    int view = data_view(cpu);
    unsigned k = 0;
    for (; k + 4 <= n; k += 4)
        put_le32(buf + k, lin_read32_v(cpu, lin + k, view));
    for (; k < n; k++)
        buf[k] = lin_read8_v(cpu, lin + k, view);
}

void fpu_write(struct cpu *cpu, uint32_t lin, const uint8_t *buf, unsigned n)
{
    int view = data_view(cpu);
    uint32_t first = lin & ~0xFFFu, last = (lin + n - 1) & ~0xFFFu;
    for (uint32_t page = first;; page += 0x1000u) {
        uint32_t at = page == first ? lin : page;
        if (tlb_entry_for(&cpu->tlb, view, at)->tag_w != page)
            tlb_fill(cpu, at, ACC_WRITE, view);     /* #PF before any byte is written */
        if (page == last)
            break;
    }
    unsigned k = 0;
    for (; k + 4 <= n; k += 4)
        lin_write32_v(cpu, lin + k, get_le32(buf + k), view);
    for (; k < n; k++)
        lin_write8_v(cpu, lin + k, buf[k], view);
}

/* ------------------------------------------------------------------------
 * Control instructions: they leave the pointers alone (vol. 1 8.1.8) */

void op_fninit(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    fpu_begin(cpu, false);
    fpu_init(&cpu->fpu);
    fpu_release_ferr(cpu);
}

void op_fnclex(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    fpu_begin(cpu, false);
    cpu->fpu.sw &= (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
    fpu_release_ferr(cpu);
}

/* FNENI, FNDISI (8087) and FNSETPM (287) do nothing on the 387 and later,
 * not even record the pointers. */
void op_fnop_legacy(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    fpu_begin(cpu, false);
}

/* FLDCW: bit 6 is reserved and reads 1, bits 13-15 read 0. A flag the
 * new word unmasks is reported by the next waiting instruction (vol. 2
 * FLDCW). */
void op_fldcw(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    uint8_t b[2];
    fpu_read(cpu, fpu_operand(cpu, i, 2, SEG_OK_READ, 2), b, 2);
    cpu->fpu.cw = (uint16_t)((get_le16(b) & 0x1F3Fu) | 0x0040u);
    fpu_recompute_es(cpu);
}

void op_fnstcw(struct cpu *cpu, const struct insn *i)
{
    fpu_begin(cpu, false);
    uint8_t b[2];
    put_le16(b, cpu->fpu.cw);
    fpu_write(cpu, fpu_operand(cpu, i, 2, SEG_OK_WRITE, 2), b, 2);
}

void op_fnstsw_m2byte(struct cpu *cpu, const struct insn *i)
{
    fpu_begin(cpu, false);
    uint8_t b[2];
    put_le16(b, cpu->fpu.sw);
    fpu_write(cpu, fpu_operand(cpu, i, 2, SEG_OK_WRITE, 2), b, 2);
}

void op_fnstsw_ax(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    fpu_begin(cpu, false);
    set_r16(cpu, EAX, cpu->fpu.sw);
}

/* ------------------------------------------------------------------------
 * Stack management: non-control, they record the pointers */

void op_fincstp(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    fpu_set_top(cpu, fpu_top(cpu) + 1);
    fpu_set_cc(cpu, FSW_C1, 0);
}

void op_fdecstp(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    fpu_set_top(cpu, fpu_top(cpu) - 1);
    fpu_set_cc(cpu, FSW_C1, 0);
}

void op_ffree(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    st_free(cpu, i->rm);
}

/* FFREEP ST(i) (DF C0+i): FFREE, then pop, with no stack check. */
void op_ffreep(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
    st_free(cpu, i->rm);
    fpu_pop(cpu);
}

void op_fnop(struct cpu *cpu, const struct insn *i)
{
    if (!fpu_begin_wait(cpu))
        return;
    fpu_note_insn(cpu, i);
}
