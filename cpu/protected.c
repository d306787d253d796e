/* Protected-mode control transfers: being written (see protected.h). */
#include "protected.h"

void pm_far_jmp(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    (void)sel; (void)offset; (void)op32;
    cpu_raise_gp0(cpu);
}

void pm_far_call(struct cpu *cpu, uint16_t sel, uint32_t offset, int op32)
{
    (void)sel; (void)offset; (void)op32;
    cpu_raise_gp0(cpu);
}

void pm_far_ret(struct cpu *cpu, int op32, uint16_t pop_bytes)
{
    (void)op32; (void)pop_bytes;
    cpu_raise_gp0(cpu);
}

void pm_iret(struct cpu *cpu, int op32)
{
    (void)op32;
    cpu_raise_gp0(cpu);
}

void pm_interrupt(struct cpu *cpu, int vector, enum int_source src, bool has_error,
                  uint32_t error, uint32_t ret_eip)
{
    (void)vector; (void)src; (void)has_error; (void)error; (void)ret_eip;
    cpu_raise_gp0(cpu);
}
