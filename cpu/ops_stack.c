/* Stack instructions: PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE
 * (SDM vol. 2). Multi-access instructions do every memory access before
 * changing ESP, so a fault restarts them cleanly. */
#include "exec.h"

void op_push_Zw(struct cpu *cpu, const struct insn *i) { push16(cpu, get_r16(cpu, i->reg)); }
void op_push_Zd(struct cpu *cpu, const struct insn *i) { push32(cpu, cpu->reg[i->reg]); }
void op_pop_Zw(struct cpu *cpu, const struct insn *i) { uint16_t v = pop16(cpu); set_r16(cpu, i->reg, v); }
void op_pop_Zd(struct cpu *cpu, const struct insn *i) { uint32_t v = pop32(cpu); cpu->reg[i->reg] = v; }
void op_push_Iw(struct cpu *cpu, const struct insn *i) { push16(cpu, (uint16_t)i->imm); }
void op_push_Id(struct cpu *cpu, const struct insn *i) { push32(cpu, i->imm); }
void op_push_Ew(struct cpu *cpu, const struct insn *i) { push16(cpu, get_E16(cpu, i)); }
void op_push_Ed(struct cpu *cpu, const struct insn *i) { push32(cpu, get_E32(cpu, i)); }

/* POP r/m: the address is computed with ESP already incremented (SDM vol.
 * 2 POP), but ESP changes only once the write has succeeded. */
static void pop_E(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t sp = cpu->reg[ESP] & sp_mask(cpu);
    uint32_t v = read_n(cpu, SS, sp, size);
    uint32_t old_esp = cpu->reg[ESP];
    set_sp(cpu, sp + size);
    uint32_t new_esp = cpu->reg[ESP];
    if (is_mem(i)) {
        uint32_t off = ea(cpu, i);
        cpu->reg[ESP] = old_esp;
        write_n(cpu, i->seg, off, v, size);
        cpu->reg[ESP] = new_esp;
    } else {
        set_reg(cpu, i->rm, v, size);
    }
}
void op_pop_Ew(struct cpu *cpu, const struct insn *i) { pop_E(cpu, i, 2); }
void op_pop_Ed(struct cpu *cpu, const struct insn *i) { pop_E(cpu, i, 4); }

/* PUSH Sreg with a 32-bit operand size moves 16 bits into the 4-byte slot,
 * leaving its upper half as it was (SDM vol. 2 PUSH). */
void op_push_sreg_w(struct cpu *cpu, const struct insn *i) { push16(cpu, cpu->seg[i->reg].sel); }
void op_push_sreg_d(struct cpu *cpu, const struct insn *i)
{
    uint32_t sp = (cpu->reg[ESP] - 4) & sp_mask(cpu);
    seg_addr(cpu, SS, sp, 4, SEG_OK_WRITE);
    write16(cpu, SS, sp, cpu->seg[i->reg].sel);
    set_sp(cpu, sp);
}

static void pop_sreg(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t sp = cpu->reg[ESP] & sp_mask(cpu);
    uint16_t sel = (uint16_t)read_n(cpu, SS, sp, size);
    cpu_load_seg(cpu, i->reg, sel);
    set_sp(cpu, sp + size);
    if (i->reg == SS)
        cpu->inhibit_irq = true;    /* SDM vol. 3 6.8.3 */
}
void op_pop_sreg_w(struct cpu *cpu, const struct insn *i) { pop_sreg(cpu, i, 2); }
void op_pop_sreg_d(struct cpu *cpu, const struct insn *i) { pop_sreg(cpu, i, 4); }

/* PUSHA: EAX ECX EDX EBX (original ESP) EBP ESI EDI. The whole frame is
 * checked before anything is written. In real and V86 mode a frame that
 * wraps through the middle of a slot (SP 7, 9, 11, 13 or 15 for PUSHA) is
 * #GP(0) (SDM vol. 2 PUSHA, real-address mode exceptions). */
static void pusha(struct cpu *cpu, unsigned size)
{
    uint32_t sp = cpu->reg[ESP];
    if (cpu->mode != MODE_PROT && !cpu->stack32 && (sp & 0xFFFF) < 8 * size &&
        (sp & (size - 1)))
        cpu_raise_gp0(cpu);
    for (unsigned r = 0; r < 8; r++)
        seg_addr(cpu, SS, (sp - size * (r + 1)) & sp_mask(cpu), size, SEG_OK_WRITE);
    for (unsigned r = 0; r < 8; r++)
        write_n(cpu, SS, (sp - size * (r + 1)) & sp_mask(cpu), get_reg(cpu, r, size), size);
    set_sp(cpu, sp - 8 * size);
}
void op_pusha_w(struct cpu *cpu, const struct insn *i) { (void)i; pusha(cpu, 2); }
void op_pusha_d(struct cpu *cpu, const struct insn *i) { (void)i; pusha(cpu, 4); }

/* POPA: the reverse, skipping the stored ESP. */
static void popa(struct cpu *cpu, unsigned size)
{
    uint32_t sp = cpu->reg[ESP], v[8];
    for (unsigned r = 0; r < 8; r++)
        v[r] = read_n(cpu, SS, (sp + size * (7 - r)) & sp_mask(cpu), size);
    for (unsigned r = 0; r < 8; r++)
        if (r != ESP)
            set_reg(cpu, r, v[r], size);
    set_sp(cpu, sp + 8 * size);
}
void op_popa_w(struct cpu *cpu, const struct insn *i) { (void)i; popa(cpu, 2); }
void op_popa_d(struct cpu *cpu, const struct insn *i) { (void)i; popa(cpu, 4); }

static unsigned iopl(const struct cpu *cpu) { return (cpu->flags & FL_IOPL) >> 12; }

/* PUSHF/POPF are IOPL-sensitive in V86 mode (SDM vol. 3 20.2.7): with
 * IOPL < 3 they raise #GP(0), unless CR4.VME lets the 16-bit forms work
 * on VIF (SDM vol. 3 20.3.3). */
static bool v86_virtual_flags(struct cpu *cpu, bool o32)
{
    if (cpu->mode != MODE_V86 || iopl(cpu) == 3)
        return false;
    if (!(cpu->cr4 & CR4_VME) || o32)
        cpu_raise_gp0(cpu);
    return true;
}

/* The pushed image has VM and RF clear (SDM vol. 2 PUSHF). */
void op_pushf_w(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint32_t fl = cpu_get_eflags(cpu);
    if (v86_virtual_flags(cpu, false))
        fl = (fl & ~(FL_IF | FL_IOPL)) | ((fl & FL_VIF) ? FL_IF : 0) | FL_IOPL;
    push16(cpu, (uint16_t)fl);
}
void op_pushf_d(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    v86_virtual_flags(cpu, true);
    push32(cpu, cpu_get_eflags(cpu) & ~(FL_VM | FL_RF));
}

/* Which flags POPF may change at the current privilege (SDM vol. 2 POPF):
 * IOPL only at CPL 0, IF only when CPL <= IOPL; VM, VIP, VIF never; RF is
 * cleared. */
static uint32_t popf_mask(const struct cpu *cpu, bool o32)
{
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT;
    if (o32)
        mask |= FL_AC | FL_ID | FL_RF;
    if (cpu->mode == MODE_REAL || cpu->cpl == 0)
        mask |= FL_IOPL | FL_IF;
    else if (cpu->mode == MODE_V86 || (unsigned)cpu->cpl <= iopl(cpu))
        mask |= FL_IF;
    return mask;
}

void op_popf_w(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    if (v86_virtual_flags(cpu, false)) {
        uint16_t v = (uint16_t)stack_peek(cpu, 0, false);
        if ((v & FL_TF) || ((v & FL_IF) && (cpu->flags & FL_VIP)))
            cpu_raise_gp0(cpu);
        set_sp(cpu, cpu->reg[ESP] + 2);
        uint32_t vif = (v & FL_IF) ? FL_VIF : 0;
        cpu_set_eflags(cpu, v | vif, FL_ARITH | FL_DF | FL_NT | FL_VIF);
        return;
    }
    uint16_t v = pop16(cpu);
    cpu_set_eflags(cpu, v, popf_mask(cpu, false));
}
void op_popf_d(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    v86_virtual_flags(cpu, true);
    uint32_t v = pop32(cpu) & ~FL_RF;
    cpu_set_eflags(cpu, v, popf_mask(cpu, true));
}

/* ENTER size, level (SDM vol. 2 ENTER): push EBP, copy level-1 frame
 * pointers from the enclosing frame, push the new frame pointer, then
 * reserve size bytes, probing the new stack top with an operand-size write
 * access as the hardware does (#SS, #PF or #AC there). All memory accesses
 * happen before ESP/EBP change. EBP gets the frame pointer by operand size;
 * on a 16-bit stack only SP moves. */
static void enter(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t alloc = i->imm & 0xFFFF;
    unsigned level = i->imm2 & 31;
    uint32_t mask = sp_mask(cpu);
    uint32_t sp = cpu->reg[ESP], bp = cpu->reg[EBP];
    sp -= size;
    write_n(cpu, SS, sp & mask, get_reg(cpu, EBP, size), size);
    uint32_t frame = (cpu->reg[ESP] & ~mask) | (sp & mask);
    if (level > 0) {
        for (unsigned k = 1; k < level; k++) {
            bp -= size;
            uint32_t v = read_n(cpu, SS, bp & mask, size);
            sp -= size;
            write_n(cpu, SS, sp & mask, v, size);
        }
        sp -= size;
        write_n(cpu, SS, sp & mask, frame, size);
    }
    sp -= alloc;
    lin_probe_write(cpu, seg_addr(cpu, SS, sp & mask, size, SEG_OK_WRITE), size);
    set_reg(cpu, EBP, frame, size);
    set_sp(cpu, sp);
}
void op_enter_w(struct cpu *cpu, const struct insn *i) { enter(cpu, i, 2); }
void op_enter_d(struct cpu *cpu, const struct insn *i) { enter(cpu, i, 4); }

static void leave(struct cpu *cpu, unsigned size)
{
    uint32_t bp = cpu->reg[EBP] & sp_mask(cpu);
    uint32_t v = read_n(cpu, SS, bp, size);
    set_sp(cpu, bp + size);
    set_reg(cpu, EBP, v, size);
}
void op_leave_w(struct cpu *cpu, const struct insn *i) { (void)i; leave(cpu, 2); }
void op_leave_d(struct cpu *cpu, const struct insn *i) { (void)i; leave(cpu, 4); }
