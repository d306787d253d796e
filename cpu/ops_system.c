/* System instructions: being written by the protected-mode work; these
 * interim bodies let the tree link. */
#include "exec.h"

#define INTERIM(name) void op_##name(struct cpu *cpu, const struct insn *i) { (void)i; cpu_raise_ud(cpu); }
INTERIM(arpl) INTERIM(clts) INTERIM(cpuid) INTERIM(fpu_esc) INTERIM(invd) INTERIM(invlpg)
INTERIM(lar_d) INTERIM(lar_w) INTERIM(lgdt_d) INTERIM(lgdt_w) INTERIM(lidt_d) INTERIM(lidt_w)
INTERIM(lldt) INTERIM(lmsw) INTERIM(lsl_d) INTERIM(lsl_w) INTERIM(ltr) INTERIM(mov_CdRd)
INTERIM(mov_DdRd) INTERIM(mov_RdCd) INTERIM(mov_RdDd) INTERIM(rdmsr) INTERIM(rdpmc) INTERIM(rdtsc)
INTERIM(sgdt) INTERIM(sidt) INTERIM(sldt) INTERIM(smsw_d) INTERIM(smsw_w) INTERIM(str)
INTERIM(sysenter) INTERIM(sysexit) INTERIM(verr) INTERIM(verw) INTERIM(wait) INTERIM(wrmsr)
void op_hlt(struct cpu *cpu, const struct insn *i) { (void)i; cpu->halted = true; }
