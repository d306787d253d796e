/* Interrupts and exceptions: real-mode delivery through the IVT here,
 * protected and V86 mode through the IDT in protected.c (SDM vol. 3 6.12,
 * 20.1.4). */
#include "debug.h"
#include "debugger.h"
#include "exec.h"
#include "protected.h"
#include "segment.h"

static void real_mode_interrupt(struct cpu *cpu, int vector, uint32_t ret_eip)
{
    uint32_t entry = (uint32_t)vector * 4;
    if (entry + 3 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, entry | 2);
    uint16_t ip = sys_read16(cpu, cpu->idtr.base + entry);
    uint16_t cs = sys_read16(cpu, cpu->idtr.base + entry + 2);
    push16(cpu, (uint16_t)cpu_get_eflags(cpu));
    push16(cpu, cpu->seg[CS].sel);
    push16(cpu, (uint16_t)ret_eip);
    cpu_set_eflags(cpu, 0, FL_IF | FL_TF | FL_AC | FL_RF);
    seg_load_real(cpu, CS, cs);
    cpu->eip = cpu->next_eip = ip;
}

void cpu_interrupt(struct cpu *cpu, int vector, enum int_source src,
                   bool has_error, uint32_t error)
{
    bool after = src == INT_SOFTWARE || src == INT_SOFT_EXC || src == INT_ICEBP;
    uint32_t ret_eip = after ? cpu->next_eip : cpu->eip;
    if (unlikely(cpu->dbg_hooks & DBG_HOOK_INT))
        debugger_interrupt(cpu, vector, src, has_error, error);
    cpu->halted = false;
    if (cpu->mode == MODE_REAL)
        real_mode_interrupt(cpu, vector, ret_eip);
    else
        pm_interrupt(cpu, vector, src, has_error, error, ret_eip);
    if (after)  /* the handler runs untraced (SDM vol. 3 17.3.1.4) */
        debug_drop_step_trap(cpu);
    cpu->exit_block = true;
}

void cpu_iret(struct cpu *cpu, int op32)
{
    if (cpu->mode != MODE_REAL) {
        pm_iret(cpu, op32);
        return;
    }
    uint32_t eip, cs, fl;
    if (op32) {
        eip = stack_peek(cpu, 0, true);
        cs = stack_peek(cpu, 4, true) & 0xFFFF;
        fl = stack_peek(cpu, 8, true);
        if (eip > cpu->seg[CS].hi)
            cpu_raise_gp0(cpu);
        set_sp(cpu, cpu->reg[ESP] + 12);
        cpu_set_eflags(cpu, fl, 0x00257FD5u);   /* VM, VIF, VIP unchanged */
    } else {
        eip = stack_peek(cpu, 0, false);
        cs = stack_peek(cpu, 2, false);
        fl = stack_peek(cpu, 4, false);
        set_sp(cpu, cpu->reg[ESP] + 6);
        cpu_set_eflags(cpu, fl, 0x7FD5u);
    }
    seg_load_real(cpu, CS, (uint16_t)cs);
    cpu->next_eip = eip;
    cpu->nmi_blocked = false;
    debug_rf_loaded(cpu);   /* IRETD may have set RF */
}
