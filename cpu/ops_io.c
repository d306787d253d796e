/* Port I/O: IN and OUT (the string forms are in ops_string.c) and the I/O
 * permission check shared by all of them (SDM vol. 1 19.5, vol. 3 20.2.8). */
#include "exec.h"

#define TSS32_IOMAP_BASE 0x66

static bool tss_allows(struct cpu *cpu, uint32_t port, unsigned size)
{
    const struct segment *tr = &cpu->tr;
    unsigned type = tr->ar & AR_TYPE;
    if (!(tr->ar & AR_P) || (type != 9 && type != 11) || tr->limit < TSS32_IOMAP_BASE + 1)
        return false;   /* only a 32-bit TSS has an I/O permission bitmap */
    uint32_t base = sys_read16(cpu, tr->base + TSS32_IOMAP_BASE);
    uint32_t byte = base + port / 8;
    if (byte + 1 > tr->limit)
        return false;
    uint32_t bits = sys_read16(cpu, tr->base + byte);
    uint32_t want = ((1u << size) - 1) << (port & 7);
    return (bits & want) == 0;
}

void io_check(struct cpu *cpu, uint32_t port, unsigned size)
{
    if (cpu->mode == MODE_REAL)
        return;
    unsigned iopl = (cpu->flags & FL_IOPL) >> 12;
    if (cpu->mode == MODE_PROT && (unsigned)cpu->cpl <= iopl)
        return;
    if (!tss_allows(cpu, port, size))
        cpu_raise_gp0(cpu);
}

static void in(struct cpu *cpu, uint32_t port, unsigned size)
{
    io_check(cpu, port, size);
    set_reg(cpu, EAX, io_read(cpu->io, port, size), size);
}

static void out(struct cpu *cpu, uint32_t port, unsigned size)
{
    io_check(cpu, port, size);
    io_write(cpu->io, port, get_reg(cpu, EAX, size), size);
    cpu->exit_block = true;     /* a device may have raised an interrupt */
}

void op_in_ALIb(struct cpu *cpu, const struct insn *i) { in(cpu, i->imm & 0xFF, 1); }
void op_in_AXIb(struct cpu *cpu, const struct insn *i) { in(cpu, i->imm & 0xFF, 2); }
void op_in_EAXIb(struct cpu *cpu, const struct insn *i) { in(cpu, i->imm & 0xFF, 4); }
void op_in_ALDX(struct cpu *cpu, const struct insn *i) { (void)i; in(cpu, get_r16(cpu, EDX), 1); }
void op_in_AXDX(struct cpu *cpu, const struct insn *i) { (void)i; in(cpu, get_r16(cpu, EDX), 2); }
void op_in_EAXDX(struct cpu *cpu, const struct insn *i) { (void)i; in(cpu, get_r16(cpu, EDX), 4); }
void op_out_IbAL(struct cpu *cpu, const struct insn *i) { out(cpu, i->imm & 0xFF, 1); }
void op_out_IbAX(struct cpu *cpu, const struct insn *i) { out(cpu, i->imm & 0xFF, 2); }
void op_out_IbEAX(struct cpu *cpu, const struct insn *i) { out(cpu, i->imm & 0xFF, 4); }
void op_out_DXAL(struct cpu *cpu, const struct insn *i) { (void)i; out(cpu, get_r16(cpu, EDX), 1); }
void op_out_DXAX(struct cpu *cpu, const struct insn *i) { (void)i; out(cpu, get_r16(cpu, EDX), 2); }
void op_out_DXEAX(struct cpu *cpu, const struct insn *i) { (void)i; out(cpu, get_r16(cpu, EDX), 4); }
