/* Debug registers and single-step (SDM vol. 3 17.2, 17.3). */
#include "debug.h"

/* DR7: L0/G0..L3/G3 in bits 0-7; R/W and LEN for breakpoint n in bits
 * 16+4n..19+4n. R/W 00 is an instruction breakpoint. */
static bool bp_enabled(uint32_t dr7, int n) { return (dr7 >> (2 * n)) & 3; }
static unsigned bp_rw(uint32_t dr7, int n) { return (dr7 >> (16 + 4 * n)) & 3; }

bool debug_breakpoints_armed(const struct cpu *cpu)
{
    for (int n = 0; n < 4; n++)
        if (bp_enabled(cpu->dr[7], n) && bp_rw(cpu->dr[7], n) == 0)
            return true;
    return false;
}

void debug_check_code_breakpoints(struct cpu *cpu)
{
    if (cpu->flags & FL_RF)
        return;
    uint32_t lin = cpu->seg[CS].base + cpu->eip;
    uint32_t hits = 0;
    for (int n = 0; n < 4; n++)
        if (bp_enabled(cpu->dr[7], n) && bp_rw(cpu->dr[7], n) == 0 && cpu->dr[n] == lin)
            hits |= 1u << n;
    if (hits) {
        cpu->dr[6] = (cpu->dr[6] & ~0xFu) | hits;
        cpu_raise(cpu, EXC_DB, 0);
    }
}

bool debug_pending_traps(struct cpu *cpu, bool tf_before)
{
    if (!tf_before)
        return false;
    cpu->dr[6] |= DR6_BS;
    return true;
}
