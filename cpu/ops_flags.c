/* Flag instructions: CLC STC CMC CLD STD CLI STI (SDM vol. 2). CLI and STI
 * are IOPL-sensitive in protected and V86 mode. */
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

static unsigned iopl(const struct cpu *cpu) { return (cpu->flags & FL_IOPL) >> 12; }

/* CLI/STI act on VIF instead of IF in V86 mode with CR4.VME, and at CPL 3
 * in protected mode with CR4.PVI, when IOPL is below 3 (SDM vol. 3 20.3,
 * 20.4); otherwise CPL > IOPL is #GP(0). */
static bool virtual_interrupts(const struct cpu *cpu)
{
    if (cpu->mode == MODE_V86)
        return (cpu->cr4 & CR4_VME) && iopl(cpu) < 3;
    return cpu->mode == MODE_PROT && (cpu->cr4 & CR4_PVI) && cpu->cpl == 3 && iopl(cpu) < 3;
}

static bool may_change_if(const struct cpu *cpu)
{
    return cpu->mode == MODE_REAL || (unsigned)cpu->cpl <= iopl(cpu);
}

void op_cli(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    if (may_change_if(cpu))
        cpu->flags &= ~FL_IF;
    else if (virtual_interrupts(cpu))
        cpu->flags &= ~FL_VIF;
    else
        cpu_raise_gp0(cpu);
}

/* STI: interrupts are recognized only after the next instruction (SDM
 * vol. 2 STI), when IF was clear before. */
void op_sti(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    if (may_change_if(cpu)) {
        if (!(cpu->flags & FL_IF))
            cpu->inhibit_irq = true;
        cpu->flags |= FL_IF;
    } else if (virtual_interrupts(cpu) && !(cpu->flags & FL_VIP)) {
        cpu->flags |= FL_VIF;
    } else {
        cpu_raise_gp0(cpu);
    }
}
