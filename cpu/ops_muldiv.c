/* MUL, IMUL (one-, two- and three-operand forms), DIV, IDIV (SDM vol. 2).
 * After MUL/IMUL, CF = OF = "the upper half is significant"; SF, ZF, AF and
 * PF are undefined: like the P6 we set SF/ZF/PF from the low half of the
 * result and clear AF. DIV/IDIV leave all six undefined: unchanged here.
 * A zero divisor or a quotient too large raises #DE before any write. */
#include "exec.h"

static void mul_flags(struct cpu *cpu, uint32_t low, unsigned size, bool overflow)
{
    flags_set_all(cpu, flags_szp(low, size) | (overflow ? FL_CF | FL_OF : 0));
}

void op_mul_Eb(struct cpu *cpu, const struct insn *i)
{
    uint32_t r = (uint32_t)get_r8(cpu, EAX) * get_E8(cpu, i);
    set_r16(cpu, EAX, (uint16_t)r);
    mul_flags(cpu, r, 1, (r >> 8) != 0);
}

void op_mul_Ew(struct cpu *cpu, const struct insn *i)
{
    uint32_t r = (uint32_t)get_r16(cpu, EAX) * get_E16(cpu, i);
    set_r16(cpu, EAX, (uint16_t)r);
    set_r16(cpu, EDX, (uint16_t)(r >> 16));
    mul_flags(cpu, r, 2, (r >> 16) != 0);
}

void op_mul_Ed(struct cpu *cpu, const struct insn *i)
{
    uint64_t r = (uint64_t)cpu->reg[EAX] * get_E32(cpu, i);
    cpu->reg[EAX] = (uint32_t)r;
    cpu->reg[EDX] = (uint32_t)(r >> 32);
    mul_flags(cpu, (uint32_t)r, 4, (r >> 32) != 0);
}

void op_imul_Eb(struct cpu *cpu, const struct insn *i)
{
    int32_t r = (int8_t)get_r8(cpu, EAX) * (int8_t)get_E8(cpu, i);
    set_r16(cpu, EAX, (uint16_t)r);
    mul_flags(cpu, (uint32_t)r, 1, r != (int8_t)r);
}

void op_imul_Ew(struct cpu *cpu, const struct insn *i)
{
    int32_t r = (int16_t)get_r16(cpu, EAX) * (int16_t)get_E16(cpu, i);
    set_r16(cpu, EAX, (uint16_t)r);
    set_r16(cpu, EDX, (uint16_t)((uint32_t)r >> 16));
    mul_flags(cpu, (uint32_t)r, 2, r != (int16_t)r);
}

void op_imul_Ed(struct cpu *cpu, const struct insn *i)
{
    int64_t r = (int64_t)(int32_t)cpu->reg[EAX] * (int32_t)get_E32(cpu, i);
    cpu->reg[EAX] = (uint32_t)r;
    cpu->reg[EDX] = (uint32_t)((uint64_t)r >> 32);
    mul_flags(cpu, (uint32_t)r, 4, r != (int32_t)r);
}

static uint16_t imul16(struct cpu *cpu, uint16_t a, uint16_t b)
{
    int32_t r = (int16_t)a * (int16_t)b;
    mul_flags(cpu, (uint32_t)r, 2, r != (int16_t)r);
    return (uint16_t)r;
}

static uint32_t imul32(struct cpu *cpu, uint32_t a, uint32_t b)
{
    int64_t r = (int64_t)(int32_t)a * (int32_t)b;
    mul_flags(cpu, (uint32_t)r, 4, r != (int32_t)r);
    return (uint32_t)r;
}

void op_imul_GwEw(struct cpu *cpu, const struct insn *i)
{
    set_r16(cpu, i->reg, imul16(cpu, get_r16(cpu, i->reg), get_E16(cpu, i)));
}

void op_imul_GdEd(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = imul32(cpu, cpu->reg[i->reg], get_E32(cpu, i));
}

void op_imul_GwEwIw(struct cpu *cpu, const struct insn *i)
{
    set_r16(cpu, i->reg, imul16(cpu, get_E16(cpu, i), (uint16_t)i->imm));
}

void op_imul_GdEdId(struct cpu *cpu, const struct insn *i)
{
    cpu->reg[i->reg] = imul32(cpu, get_E32(cpu, i), i->imm);
}

static _Noreturn void divide_error(struct cpu *cpu)
{
    cpu_raise(cpu, EXC_DE, 0);
}

void op_div_Eb(struct cpu *cpu, const struct insn *i)
{
    uint32_t divisor = get_E8(cpu, i), dividend = get_r16(cpu, EAX);
    if (!divisor || dividend / divisor > 0xFF)
        divide_error(cpu);
    set_r8(cpu, 0, (uint8_t)(dividend / divisor));      /* AL */
    set_r8(cpu, 4, (uint8_t)(dividend % divisor));      /* AH */
}

void op_div_Ew(struct cpu *cpu, const struct insn *i)
{
    uint32_t divisor = get_E16(cpu, i);
    uint32_t dividend = ((uint32_t)get_r16(cpu, EDX) << 16) | get_r16(cpu, EAX);
    if (!divisor || dividend / divisor > 0xFFFF)
        divide_error(cpu);
    set_r16(cpu, EAX, (uint16_t)(dividend / divisor));
    set_r16(cpu, EDX, (uint16_t)(dividend % divisor));
}

void op_div_Ed(struct cpu *cpu, const struct insn *i)
{
    uint64_t divisor = get_E32(cpu, i);
    uint64_t dividend = ((uint64_t)cpu->reg[EDX] << 32) | cpu->reg[EAX];
    if (!divisor || dividend / divisor > 0xFFFFFFFFull)
        divide_error(cpu);
    cpu->reg[EAX] = (uint32_t)(dividend / divisor);
    cpu->reg[EDX] = (uint32_t)(dividend % divisor);
}

void op_idiv_Eb(struct cpu *cpu, const struct insn *i)
{
    int32_t divisor = (int8_t)get_E8(cpu, i), dividend = (int16_t)get_r16(cpu, EAX);
    if (!divisor)
        divide_error(cpu);
    int32_t q = dividend / divisor;
    if (q != (int8_t)q)
        divide_error(cpu);
    set_r8(cpu, 0, (uint8_t)q);
    set_r8(cpu, 4, (uint8_t)(dividend % divisor));
}

void op_idiv_Ew(struct cpu *cpu, const struct insn *i)
{
    int32_t divisor = (int16_t)get_E16(cpu, i);
    int32_t dividend = (int32_t)(((uint32_t)get_r16(cpu, EDX) << 16) | get_r16(cpu, EAX));
    if (!divisor || (dividend == INT32_MIN && divisor == -1))
        divide_error(cpu);
    int32_t q = dividend / divisor;
    if (q != (int16_t)q)
        divide_error(cpu);
    set_r16(cpu, EAX, (uint16_t)q);
    set_r16(cpu, EDX, (uint16_t)(dividend % divisor));
}

void op_idiv_Ed(struct cpu *cpu, const struct insn *i)
{
    int64_t divisor = (int32_t)get_E32(cpu, i);
    int64_t dividend = (int64_t)(((uint64_t)cpu->reg[EDX] << 32) | cpu->reg[EAX]);
    if (!divisor || (dividend == INT64_MIN && divisor == -1))
        divide_error(cpu);
    int64_t q = dividend / divisor;
    if (q != (int32_t)q)
        divide_error(cpu);
    cpu->reg[EAX] = (uint32_t)q;
    cpu->reg[EDX] = (uint32_t)(dividend % divisor);
}
