/* What instruction handlers share: the effective address, ModRM operand
 * access, read-modify-write, the stack, and branch targets. */
#ifndef EMBER_CPU_EXEC_H
#define EMBER_CPU_EXEC_H

#include "cpu.h"
#include "decode.h"
#include "flags.h"
#include "mem.h"

/* Effective address: disp + base + index << scale, cut to 16 bits with
 * 16-bit addressing. reg[REG_NONE] is 0, so absent parts cost nothing. */
static inline uint32_t ea(const struct cpu *cpu, const struct insn *i)
{
    uint32_t a = i->disp + cpu->reg[i->base] + (cpu->reg[i->index] << i->scale);
    return (i->attr & INSN_A32) ? a : (a & 0xFFFF);
}

static inline bool is_mem(const struct insn *i) { return (i->attr & INSN_MEM) != 0; }
static inline bool op32(const struct insn *i) { return (i->attr & INSN_O32) != 0; }
static inline bool a32(const struct insn *i) { return (i->attr & INSN_A32) != 0; }

/* The r/m operand, read. */
static inline uint8_t get_E8(struct cpu *cpu, const struct insn *i)
{
    return is_mem(i) ? read8(cpu, i->seg, ea(cpu, i)) : get_r8(cpu, i->rm);
}
static inline uint16_t get_E16(struct cpu *cpu, const struct insn *i)
{
    return is_mem(i) ? read16(cpu, i->seg, ea(cpu, i)) : get_r16(cpu, i->rm);
}
static inline uint32_t get_E32(struct cpu *cpu, const struct insn *i)
{
    return is_mem(i) ? read32(cpu, i->seg, ea(cpu, i)) : cpu->reg[i->rm];
}

/* The r/m operand, written. */
static inline void set_E8(struct cpu *cpu, const struct insn *i, uint8_t v)
{
    if (is_mem(i))
        write8(cpu, i->seg, ea(cpu, i), v);
    else
        set_r8(cpu, i->rm, v);
}
static inline void set_E16(struct cpu *cpu, const struct insn *i, uint16_t v)
{
    if (is_mem(i))
        write16(cpu, i->seg, ea(cpu, i), v);
    else
        set_r16(cpu, i->rm, v);
}
static inline void set_E32(struct cpu *cpu, const struct insn *i, uint32_t v)
{
    if (is_mem(i))
        write32(cpu, i->seg, ea(cpu, i), v);
    else
        cpu->reg[i->rm] = v;
}

/* Linear address of a memory operand that is read then written: segment
 * rights and page write permission are checked before the read. */
static inline uint32_t rmw_lin(struct cpu *cpu, const struct insn *i, unsigned size)
{
    uint32_t lin = seg_addr(cpu, i->seg, ea(cpu, i), size, SEG_OK_READ | SEG_OK_WRITE);
    lin_probe_write(cpu, lin, size);
    return lin;
}

/* Operand-size-generic access to a register (size 1, 2 or 4). */
static inline uint32_t get_reg(const struct cpu *cpu, unsigned n, unsigned size)
{
    return size == 1 ? get_r8(cpu, n) : size == 2 ? get_r16(cpu, n) : cpu->reg[n];
}
static inline void set_reg(struct cpu *cpu, unsigned n, uint32_t v, unsigned size)
{
    if (size == 1)
        set_r8(cpu, n, (uint8_t)v);
    else if (size == 2)
        set_r16(cpu, n, (uint16_t)v);
    else
        cpu->reg[n] = v;
}
static inline uint32_t lin_read_n(struct cpu *cpu, uint32_t lin, unsigned size)
{
    return size == 1 ? lin_read8(cpu, lin) : size == 2 ? lin_read16(cpu, lin) : lin_read32(cpu, lin);
}
static inline void lin_write_n(struct cpu *cpu, uint32_t lin, uint32_t v, unsigned size)
{
    if (size == 1)
        lin_write8(cpu, lin, (uint8_t)v);
    else if (size == 2)
        lin_write16(cpu, lin, (uint16_t)v);
    else
        lin_write32(cpu, lin, v);
}
static inline uint32_t read_n(struct cpu *cpu, int s, uint32_t off, unsigned size)
{
    return size == 1 ? read8(cpu, s, off) : size == 2 ? read16(cpu, s, off) : read32(cpu, s, off);
}
static inline void write_n(struct cpu *cpu, int s, uint32_t off, uint32_t v, unsigned size)
{
    if (size == 1)
        write8(cpu, s, off, (uint8_t)v);
    else if (size == 2)
        write16(cpu, s, off, (uint16_t)v);
    else
        write32(cpu, s, off, v);
}
static inline uint32_t get_E(struct cpu *cpu, const struct insn *i, unsigned size)
{
    return is_mem(i) ? read_n(cpu, i->seg, ea(cpu, i), size) : get_reg(cpu, i->rm, size);
}
static inline void set_E(struct cpu *cpu, const struct insn *i, uint32_t v, unsigned size)
{
    if (is_mem(i))
        write_n(cpu, i->seg, ea(cpu, i), v, size);
    else
        set_reg(cpu, i->rm, v, size);
}

/* The stack: SS:ESP or SS:SP by SS.B (SDM vol. 1 6.2.3). */
static inline uint32_t sp_mask(const struct cpu *cpu) { return cpu->stack32 ? 0xFFFFFFFFu : 0xFFFFu; }
static inline void set_sp(struct cpu *cpu, uint32_t sp)
{
    if (cpu->stack32)
        cpu->reg[ESP] = sp;
    else
        set_r16(cpu, ESP, (uint16_t)sp);
}
static inline void push16(struct cpu *cpu, uint16_t v)
{
    uint32_t sp = (cpu->reg[ESP] - 2) & sp_mask(cpu);
    write16(cpu, SS, sp, v);
    set_sp(cpu, sp);
}
static inline void push32(struct cpu *cpu, uint32_t v)
{
    uint32_t sp = (cpu->reg[ESP] - 4) & sp_mask(cpu);
    write32(cpu, SS, sp, v);
    set_sp(cpu, sp);
}
static inline void push_n(struct cpu *cpu, uint32_t v, bool o32)
{
    if (o32)
        push32(cpu, v);
    else
        push16(cpu, (uint16_t)v);
}
static inline uint16_t pop16(struct cpu *cpu)
{
    uint32_t sp = cpu->reg[ESP] & sp_mask(cpu);
    uint16_t v = read16(cpu, SS, sp);
    set_sp(cpu, sp + 2);
    return v;
}
static inline uint32_t pop32(struct cpu *cpu)
{
    uint32_t sp = cpu->reg[ESP] & sp_mask(cpu);
    uint32_t v = read32(cpu, SS, sp);
    set_sp(cpu, sp + 4);
    return v;
}
/* Read the stack at ESP + depth without moving ESP. */
static inline uint32_t stack_peek(struct cpu *cpu, uint32_t depth, bool o32)
{
    uint32_t sp = (cpu->reg[ESP] + depth) & sp_mask(cpu);
    return o32 ? read32(cpu, SS, sp) : read16(cpu, SS, sp);
}

/* Near branch: the new EIP, cut to 16 bits with a 16-bit operand size,
 * checked against the CS limit (#GP(0), SDM vol. 2 JMP). */
static inline void branch_to(struct cpu *cpu, uint32_t target, bool o32)
{
    if (!o32)
        target &= 0xFFFF;
    if (unlikely(target > cpu->seg[CS].hi))
        cpu_raise_gp0(cpu);
    cpu->next_eip = target;
}

/* I/O permission (SDM vol. 3 20.5 / vol. 1 19.5): raises #GP(0) if the
 * CPL/IOPL and the TSS I/O bitmap deny the access. */
void io_check(struct cpu *cpu, uint32_t port, unsigned size);

#endif
