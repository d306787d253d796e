/* Flag instructions: CLC STC CMC CLD STD CLI STI (SDM vol. 2). CLI and STI
 * are IOPL-sensitive in protected and V86 mode (#GP(0) when CPL > IOPL). */
#include "exec.h"

void op_clc(struct cpu *cpu, const struct insn *i) { (void)i; flags_set_some(cpu, FL_CF, 0); }
void op_stc(struct cpu *cpu, const struct insn *i) { (void)i; flags_set_some(cpu, FL_CF, FL_CF); }
void op_cmc(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    flags_set_some(cpu, FL_CF, flag_cf(cpu) ? 0 : FL_CF);
}
void op_cld(struct cpu *cpu, const struct insn *i) { (void)i; cpu->flags &= ~FL_DF; }
void op_std(struct cpu *cpu, const struct insn *i) { (void)i; cpu->flags |= FL_DF; }

static void check_iopl(struct cpu *cpu)
{
    if (cpu->mode != MODE_REAL && (unsigned)cpu->cpl > ((cpu->flags & FL_IOPL) >> 12))
        cpu_raise_gp0(cpu);
}

void op_cli(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    check_iopl(cpu);
    cpu->flags &= ~FL_IF;
}

/* STI: interrupts are recognized only after the next instruction (SDM
 * vol. 2 STI), when IF was clear before. */
void op_sti(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    check_iopl(cpu);
    if (!(cpu->flags & FL_IF))
        cpu->inhibit_irq = true;
    cpu->flags |= FL_IF;
}
