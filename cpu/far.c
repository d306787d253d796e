/* Far JMP, CALL and RET: the real-mode and V86 forms here; protected mode
 * (code segments, call gates, task gates) in protected.c. */
#include "exec.h"
#include "protected.h"
#include "segment.h"

static void real_far_target(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    if (!op32)
        offset &= 0xFFFF;
    if (offset > cpu->seg[CS].hi)   /* the limit is kept across the load */
        cpu_raise_gp0(cpu);
    seg_load_real(cpu, CS, sel);
    cpu->next_eip = offset;
}

void cpu_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    if (cpu->mode == MODE_PROT) {
        pm_far_jmp(cpu, sel, offset, op32);
        return;
    }
    real_far_target(cpu, sel, offset, op32);
}

void cpu_far_call(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    if (cpu->mode == MODE_PROT) {
        pm_far_call(cpu, sel, offset, op32);
        return;
    }
    uint32_t sp = cpu->reg[ESP];
    uint32_t size = op32 ? 4 : 2;
    uint32_t mask = sp_mask(cpu);
    /* Both pushes are checked before either changes ESP. */
    write_n(cpu, SS, (sp - size) & mask, cpu->seg[CS].sel, size);
    write_n(cpu, SS, (sp - 2 * size) & mask, cpu->next_eip, size);
    if (!op32)
        offset &= 0xFFFF;
    if (offset > cpu->seg[CS].hi)
        cpu_raise_gp0(cpu);
    set_sp(cpu, sp - 2 * size);
    seg_load_real(cpu, CS, sel);
    cpu->next_eip = offset;
}

void cpu_far_ret(struct cpu *cpu, int op32, uint16_t pop_bytes)
{
    if (cpu->mode == MODE_PROT) {
        pm_far_ret(cpu, op32, pop_bytes);
        return;
    }
    uint32_t size = op32 ? 4 : 2;
    uint32_t eip = stack_peek(cpu, 0, op32);
    uint16_t cs = (uint16_t)stack_peek(cpu, size, op32);
    if (eip > cpu->seg[CS].hi)
        cpu_raise_gp0(cpu);
    set_sp(cpu, cpu->reg[ESP] + 2 * size + pop_bytes);
    seg_load_real(cpu, CS, cs);
    cpu->next_eip = eip;
}
