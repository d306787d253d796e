/* Control transfers: Jcc, JMP, CALL, RET (near and far), LOOP/LOOPcc,
 * JCXZ/JECXZ, INT n, INT3, INTO, INT1, IRET (SDM vol. 2). Near targets are
 * cut to 16 bits with a 16-bit operand size and checked against the CS
 * limit before anything is pushed. */
#include "exec.h"

void op_jcc_w(struct cpu *cpu, const struct insn *i)
{
    if (cond_true(cpu, i->cc))
        branch_to(cpu, cpu->next_eip + i->imm, false);
}
void op_jcc_d(struct cpu *cpu, const struct insn *i)
{
    if (cond_true(cpu, i->cc))
        branch_to(cpu, cpu->next_eip + i->imm, true);
}

void op_jmp_Jw(struct cpu *cpu, const struct insn *i) { branch_to(cpu, cpu->next_eip + i->imm, false); }
void op_jmp_Jd(struct cpu *cpu, const struct insn *i) { branch_to(cpu, cpu->next_eip + i->imm, true); }
void op_jmp_Ew(struct cpu *cpu, const struct insn *i) { branch_to(cpu, get_E16(cpu, i), false); }
void op_jmp_Ed(struct cpu *cpu, const struct insn *i) { branch_to(cpu, get_E32(cpu, i), true); }

static void call_near(struct cpu *cpu, uint32_t target, bool o32)
{
    uint32_t ret = cpu->next_eip;
    branch_to(cpu, target, o32);
    push_n(cpu, ret, o32);
}
void op_call_Jw(struct cpu *cpu, const struct insn *i) { call_near(cpu, cpu->next_eip + i->imm, false); }
void op_call_Jd(struct cpu *cpu, const struct insn *i) { call_near(cpu, cpu->next_eip + i->imm, true); }
void op_call_Ew(struct cpu *cpu, const struct insn *i) { call_near(cpu, get_E16(cpu, i), false); }
void op_call_Ed(struct cpu *cpu, const struct insn *i) { call_near(cpu, get_E32(cpu, i), true); }

static void ret_near(struct cpu *cpu, bool o32, uint32_t pop_bytes)
{
    uint32_t target = stack_peek(cpu, 0, o32);
    branch_to(cpu, target, o32);
    set_sp(cpu, cpu->reg[ESP] + (o32 ? 4 : 2) + pop_bytes);
}
void op_ret_w(struct cpu *cpu, const struct insn *i) { (void)i; ret_near(cpu, false, 0); }
void op_ret_d(struct cpu *cpu, const struct insn *i) { (void)i; ret_near(cpu, true, 0); }
void op_ret_Iw_w(struct cpu *cpu, const struct insn *i) { ret_near(cpu, false, i->imm & 0xFFFF); }
void op_ret_Iw_d(struct cpu *cpu, const struct insn *i) { ret_near(cpu, true, i->imm & 0xFFFF); }

void op_retf_w(struct cpu *cpu, const struct insn *i) { (void)i; cpu_far_ret(cpu, false, 0); }
void op_retf_d(struct cpu *cpu, const struct insn *i) { (void)i; cpu_far_ret(cpu, true, 0); }
void op_retf_Iw_w(struct cpu *cpu, const struct insn *i) { cpu_far_ret(cpu, false, (uint16_t)i->imm); }
void op_retf_Iw_d(struct cpu *cpu, const struct insn *i) { cpu_far_ret(cpu, true, (uint16_t)i->imm); }

void op_jmp_Ap_w(struct cpu *cpu, const struct insn *i) { cpu_far_jmp(cpu, i->imm2, i->imm & 0xFFFF, false); }
void op_jmp_Ap_d(struct cpu *cpu, const struct insn *i) { cpu_far_jmp(cpu, i->imm2, i->imm, true); }
void op_call_Ap_w(struct cpu *cpu, const struct insn *i) { cpu_far_call(cpu, i->imm2, i->imm & 0xFFFF, false); }
void op_call_Ap_d(struct cpu *cpu, const struct insn *i) { cpu_far_call(cpu, i->imm2, i->imm, true); }

/* m16:16 or m16:32 far pointer operand. */
static void read_far_pointer(struct cpu *cpu, const struct insn *i, bool o32,
                             uint16_t *sel, uint32_t *offset)
{
    uint32_t off = ea(cpu, i);
    *offset = o32 ? read32(cpu, i->seg, off) : read16(cpu, i->seg, off);
    uint32_t sel_off = off + (o32 ? 4 : 2);
    if (!a32(i))
        sel_off &= 0xFFFF;
    *sel = read16(cpu, i->seg, sel_off);
}

void op_jmp_Mp_w(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel; uint32_t off;
    read_far_pointer(cpu, i, false, &sel, &off);
    cpu_far_jmp(cpu, sel, off, false);
}
void op_jmp_Mp_d(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel; uint32_t off;
    read_far_pointer(cpu, i, true, &sel, &off);
    cpu_far_jmp(cpu, sel, off, true);
}
void op_call_Mp_w(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel; uint32_t off;
    read_far_pointer(cpu, i, false, &sel, &off);
    cpu_far_call(cpu, sel, off, false);
}
void op_call_Mp_d(struct cpu *cpu, const struct insn *i)
{
    uint16_t sel; uint32_t off;
    read_far_pointer(cpu, i, true, &sel, &off);
    cpu_far_call(cpu, sel, off, true);
}

/* LOOP family: the counter is CX or ECX by address size; the target is cut
 * by operand size and checked before the counter is written back. */
static void loop_common(struct cpu *cpu, const struct insn *i, int cond)
{
    uint32_t count = (a32(i) ? cpu->reg[ECX] : get_r16(cpu, ECX)) - 1;
    if (!a32(i))
        count &= 0xFFFF;
    bool take = count != 0;
    if (cond == 1)
        take = take && flag_zf(cpu);
    else if (cond == 0)
        take = take && !flag_zf(cpu);
    if (take)
        branch_to(cpu, cpu->next_eip + i->imm, op32(i));
    if (a32(i))
        cpu->reg[ECX] = count;
    else
        set_r16(cpu, ECX, (uint16_t)count);
}
void op_loop(struct cpu *cpu, const struct insn *i) { loop_common(cpu, i, -1); }
void op_loope(struct cpu *cpu, const struct insn *i) { loop_common(cpu, i, 1); }
void op_loopne(struct cpu *cpu, const struct insn *i) { loop_common(cpu, i, 0); }

void op_jcxz(struct cpu *cpu, const struct insn *i)
{
    uint32_t count = a32(i) ? cpu->reg[ECX] : get_r16(cpu, ECX);
    if (count == 0)
        branch_to(cpu, cpu->next_eip + i->imm, op32(i));
}

void op_int_Ib(struct cpu *cpu, const struct insn *i)
{
    cpu_interrupt(cpu, (int)(i->imm & 0xFF), INT_SOFTWARE, false, 0);
}
void op_int3(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    cpu_interrupt(cpu, EXC_BP, INT_SOFT_EXC, false, 0);
}
void op_into(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    if (flag_of(cpu))
        cpu_interrupt(cpu, EXC_OF, INT_SOFT_EXC, false, 0);
}
void op_int1(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    cpu_interrupt(cpu, EXC_DB, INT_ICEBP, false, 0);
}
void op_iret_w(struct cpu *cpu, const struct insn *i) { (void)i; cpu_iret(cpu, false); }
void op_iret_d(struct cpu *cpu, const struct insn *i) { (void)i; cpu_iret(cpu, true); }

/* BOUND r, m: #BR unless m.lower <= r <= m.upper, signed (SDM vol. 2 BOUND). */
void op_bound_w(struct cpu *cpu, const struct insn *i)
{
    uint32_t off = ea(cpu, i);
    int16_t lower = (int16_t)read16(cpu, i->seg, off);
    int16_t upper = (int16_t)read16(cpu, i->seg, (off + 2) & (a32(i) ? 0xFFFFFFFFu : 0xFFFFu));
    int16_t index = (int16_t)get_r16(cpu, i->reg);
    if (index < lower || index > upper)
        cpu_raise(cpu, EXC_BR, 0);
}

void op_bound_d(struct cpu *cpu, const struct insn *i)
{
    uint32_t off = ea(cpu, i);
    int32_t lower = (int32_t)read32(cpu, i->seg, off);
    int32_t upper = (int32_t)read32(cpu, i->seg, (off + 4) & (a32(i) ? 0xFFFFFFFFu : 0xFFFFu));
    int32_t index = (int32_t)cpu->reg[i->reg];
    if (index < lower || index > upper)
        cpu_raise(cpu, EXC_BR, 0);
}
