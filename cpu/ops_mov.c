/* Data movement: MOV (all forms), MOVZX, MOVSX, LEA, XCHG, CBW/CWDE,
 * CWD/CDQ, LAHF, SAHF, XLAT, and the far-pointer loads LDS LES LSS LFS LGS
 * (SDM vol. 2). */
#include "exec.h"

void op_mov_EbGb(struct cpu *cpu, const struct insn *i) { set_E8(cpu, i, get_r8(cpu, i->reg)); }
void op_mov_EwGw(struct cpu *cpu, const struct insn *i) { set_E16(cpu, i, get_r16(cpu, i->reg)); }
void op_mov_EdGd(struct cpu *cpu, const struct insn *i) { set_E32(cpu, i, cpu->reg[i->reg]); }
void op_mov_GbEb(struct cpu *cpu, const struct insn *i) { set_r8(cpu, i->reg, get_E8(cpu, i)); }
void op_mov_GwEw(struct cpu *cpu, const struct insn *i) { set_r16(cpu, i->reg, get_E16(cpu, i)); }
void op_mov_GdEd(struct cpu *cpu, const struct insn *i) { cpu->reg[i->reg] = get_E32(cpu, i); }
void op_mov_EbIb(struct cpu *cpu, const struct insn *i) { set_E8(cpu, i, (uint8_t)i->imm); }
void op_mov_EwIw(struct cpu *cpu, const struct insn *i) { set_E16(cpu, i, (uint16_t)i->imm); }
void op_mov_EdId(struct cpu *cpu, const struct insn *i) { set_E32(cpu, i, i->imm); }
void op_mov_ZbIb(struct cpu *cpu, const struct insn *i) { set_r8(cpu, i->reg, (uint8_t)i->imm); }
void op_mov_ZwIw(struct cpu *cpu, const struct insn *i) { set_r16(cpu, i->reg, (uint16_t)i->imm); }
void op_mov_ZdId(struct cpu *cpu, const struct insn *i) { cpu->reg[i->reg] = i->imm; }

/* moffs forms: the offset is in disp, the segment DS unless overridden. */
void op_mov_ALOb(struct cpu *cpu, const struct insn *i) { set_r8(cpu, 0, read8(cpu, i->seg, i->disp)); }
void op_mov_AXOw(struct cpu *cpu, const struct insn *i) { set_r16(cpu, EAX, read16(cpu, i->seg, i->disp)); }
void op_mov_EAXOd(struct cpu *cpu, const struct insn *i) { cpu->reg[EAX] = read32(cpu, i->seg, i->disp); }
void op_mov_ObAL(struct cpu *cpu, const struct insn *i) { write8(cpu, i->seg, i->disp, get_r8(cpu, 0)); }
void op_mov_OwAX(struct cpu *cpu, const struct insn *i) { write16(cpu, i->seg, i->disp, get_r16(cpu, EAX)); }
void op_mov_OdEAX(struct cpu *cpu, const struct insn *i) { write32(cpu, i->seg, i->disp, cpu->reg[EAX]); }

/* MOV r/m, Sreg: a memory destination is always 16 bits; a register gets
 * the selector zero-extended with a 32-bit operand (P6, SDM vol. 2 MOV). */
static unsigned sreg_of(struct cpu *cpu, const struct insn *i)
{
    if (i->reg >= SEG_COUNT)
        cpu_raise_ud(cpu);
    return i->reg;
}

void op_mov_EwSw(struct cpu *cpu, const struct insn *i)
{
    set_E16(cpu, i, cpu->seg[sreg_of(cpu, i)].sel);
}

void op_mov_EdSw(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel = cpu->seg[sreg_of(cpu, i)].sel;
    if (is_mem(i))
        set_E16(cpu, i, sel);
    else
        cpu->reg[i->rm] = sel;
}

/* MOV Sreg, r/m: CS is not a legal destination (#UD); loading SS holds off
 * interrupts and traps until the next instruction has run (SDM vol. 3 6.8.3). */
void op_mov_SwEw(struct cpu *cpu, const struct insn *i)
{
    unsigned s = sreg_of(cpu, i);
    if (s == CS)
        cpu_raise_ud(cpu);
    cpu_load_seg(cpu, (int)s, get_E16(cpu, i));
    if (s == SS)
        cpu->inhibit_irq = true;
}

void op_lea_w(struct cpu *cpu, const struct insn *i) { set_r16(cpu, i->reg, (uint16_t)ea(cpu, i)); }
void op_lea_d(struct cpu *cpu, const struct insn *i) { cpu->reg[i->reg] = ea(cpu, i); }

void op_movzx_GwEb(struct cpu *cpu, const struct insn *i) { set_r16(cpu, i->reg, get_E8(cpu, i)); }
void op_movzx_GdEb(struct cpu *cpu, const struct insn *i) { cpu->reg[i->reg] = get_E8(cpu, i); }
void op_movzx_GwEw(struct cpu *cpu, const struct insn *i) { set_r16(cpu, i->reg, get_E16(cpu, i)); }
void op_movzx_GdEw(struct cpu *cpu, const struct insn *i) { cpu->reg[i->reg] = get_E16(cpu, i); }
void op_movsx_GwEb(struct cpu *cpu, const struct insn *i)
{
    set_r16(cpu, i->reg, (uint16_t)(int16_t)(int8_t)get_E8(cpu, i));
}
void op_movsx_GdEb(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = (uint32_t)(int32_t)(int8_t)get_E8(cpu, i);
}
void op_movsx_GwEw(struct cpu *cpu, const struct insn *i) { set_r16(cpu, i->reg, get_E16(cpu, i)); }
void op_movsx_GdEw(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = (uint32_t)(int32_t)(int16_t)get_E16(cpu, i);
}

/* XCHG with memory is always locked; the exchange is one read-modify-write. */
static void xchg(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t r = get_reg(cpu, i->reg, size);
    if (is_mem(i)) {
        uint32_t lin = rmw_lin(cpu, i, size);
        uint32_t m = lin_read_n(cpu, lin, size);
        lin_write_n(cpu, lin, r, size);
        set_reg(cpu, i->reg, m, size);
    } else {
        set_reg(cpu, i->reg, get_reg(cpu, i->rm, size), size);
        set_reg(cpu, i->rm, r, size);
    }
}
void op_xchg_EbGb(struct cpu *cpu, const struct insn *i) { xchg(cpu, i, 1); }
void op_xchg_EwGw(struct cpu *cpu, const struct insn *i) { xchg(cpu, i, 2); }
void op_xchg_EdGd(struct cpu *cpu, const struct insn *i) { xchg(cpu, i, 4); }

void op_xchg_AXZw(struct cpu *cpu, const struct insn *i)
{
    uint16_t t = get_r16(cpu, EAX);
    set_r16(cpu, EAX, get_r16(cpu, i->reg));
    set_r16(cpu, i->reg, t);
}

void op_xchg_EAXZd(struct cpu *cpu, const struct insn *i)
{
    uint32_t t = cpu->reg[EAX];
    cpu->reg[EAX] = cpu->reg[i->reg];
    cpu->reg[i->reg] = t;
}

void op_nop(struct cpu *cpu, const struct insn *i) { (void)cpu; (void)i; }

void op_cbw(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    set_r16(cpu, EAX, (uint16_t)(int16_t)(int8_t)get_r8(cpu, 0));
}
void op_cwde(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    cpu->reg[EAX] = (uint32_t)(int32_t)(int16_t)get_r16(cpu, EAX);
}
void op_cwd(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    set_r16(cpu, EDX, (get_r16(cpu, EAX) & 0x8000) ? 0xFFFF : 0);
}
void op_cdq(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    cpu->reg[EDX] = (cpu->reg[EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
}

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. SAHF loads those five flags from AH. */
void op_lahf(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    set_r8(cpu, 4, (uint8_t)((cpu_get_eflags(cpu) & 0xD5) | FL_1));
}
void op_sahf(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    flags_set_some(cpu, FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF, get_r8(cpu, 4));
}

void op_xlat(struct cpu *cpu, const struct insn *i)
{
    uint32_t base = a32(i) ? cpu->reg[EBX] : get_r16(cpu, EBX);
    uint32_t off = base + get_r8(cpu, 0);
    if (!a32(i))
        off &= 0xFFFF;
    set_r8(cpu, 0, read8(cpu, i->seg, off));
}

/* LDS/LES/LSS/LFS/LGS r, m16:16 or m16:32: offset first, then selector. */
static void load_far_pointer(struct cpu *cpu, const struct insn *i, int seg, bool o32)
{
    uint32_t off = ea(cpu, i);
    uint32_t offset = o32 ? read32(cpu, i->seg, off) : read16(cpu, i->seg, off);
    uint32_t sel_off = off + (o32 ? 4 : 2);
    if (!a32(i))
        sel_off &= 0xFFFF;
    uint16_t sel = read16(cpu, i->seg, sel_off);
    cpu_load_seg(cpu, seg, sel);
    set_reg(cpu, i->reg, offset, o32 ? 4 : 2);
}

void op_les_w(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, ES, false); }
void op_les_d(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, ES, true); }
void op_lds_w(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, DS, false); }
void op_lds_d(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, DS, true); }
void op_lss_w(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, SS, false); }
void op_lss_d(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, SS, true); }
void op_lfs_w(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, FS, false); }
void op_lfs_d(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, FS, true); }
void op_lgs_w(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, GS, false); }
void op_lgs_d(struct cpu *cpu, const struct insn *i) { load_far_pointer(cpu, i, GS, true); }
