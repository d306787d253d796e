/* Debug registers, single-step and breakpoints (SDM vol. 3 17.2, 17.3);
 * the rules are summed up in debug.h. */
#include "debug.h"

#include "debugger.h"
#include "decode.h"

/* DR7: L0/G0..L3/G3 in bits 0-7; R/W and LEN for breakpoint n in bits
 * 16+4n..19+4n. R/W 00 is an instruction breakpoint. */
static bool bp_enabled(uint32_t dr7, int n) { return (dr7 >> (2 * n)) & 3; }
static unsigned bp_rw(uint32_t dr7, int n) { return (dr7 >> (16 + 4 * n)) & 3; }

/* LEN: 00 one byte, 01 two, 11 four, 10 eight (undefined on the P6). */
static unsigned bp_len(uint32_t dr7, int n)
{
    static const unsigned len[4] = { 1, 2, 8, 4 };
    return len[(dr7 >> (18 + 4 * n)) & 3];
}

void debug_update_data_breakpoints(struct cpu *cpu)
{
    uint8_t armed = 0;
    for (int n = 0; n < 4; n++) {
        unsigned rw = bp_rw(cpu->dr[7], n);
        if (bp_enabled(cpu->dr[7], n) && (rw == 1 || rw == 3))
            armed |= (uint8_t)(1u << n);
    }
    if (armed || (cpu->data_bp_armed & 0xFu))
        tlb_flush_all(&cpu->tlb);
    cpu->data_bp_armed = armed | (cpu->data_bp_armed & DEBUG_WATCH_ARMED);
}

bool debug_page_watched(const struct cpu *cpu, uint32_t lin)
{
    for (int n = 0; n < 4; n++)
        if ((cpu->data_bp_armed >> n) & 1) {
            uint32_t start = cpu->dr[n] & ~(bp_len(cpu->dr[7], n) - 1);
            uint32_t last = start + bp_len(cpu->dr[7], n) - 1;
            if ((start ^ lin) < 0x1000 || (last ^ lin) < 0x1000)
                return true;
        }
    if (cpu->data_bp_armed & DEBUG_WATCH_ARMED)     /* the debugger's watchpoints */
        return debugger_page_watched(cpu->dbg, lin);
    return false;
}

void debug_check_data(struct cpu *cpu, uint32_t lin, unsigned size, bool write)
{
    for (int n = 0; n < 4; n++) {
        if (!((cpu->data_bp_armed >> n) & 1))
            continue;
        if (!write && bp_rw(cpu->dr[7], n) != 3)
            continue;   /* R/W 01 breaks on writes only */
        unsigned len = bp_len(cpu->dr[7], n);
        uint32_t start = cpu->dr[n] & ~(len - 1);
        if (lin - start < len || start - lin < size) {
            cpu->data_bp_hits |= (uint8_t)(1u << n);
            cpu->exit_block = true;
        }
    }
    if (cpu->data_bp_armed & DEBUG_WATCH_ARMED)
        debugger_check_watch(cpu, lin, size, write);
}

bool debug_take_data_hits(struct cpu *cpu)
{
    if (!cpu->data_bp_hits)
        return false;
    if (cpu->data_bp_hits & DEBUG_WATCH_HIT) {  /* the debugger's, not the guest's */
        cpu->data_bp_hits &= (uint8_t)~DEBUG_WATCH_HIT;
        debugger_watch_fired(cpu);
        if (!cpu->data_bp_hits)
            return false;
    }
    cpu->dr[6] = (cpu->dr[6] & ~0xFu) | cpu->data_bp_hits;
    cpu->data_bp_hits = 0;
    return true;
}

bool debug_breakpoints_armed(const struct cpu *cpu)
{
    for (int n = 0; n < 4; n++)
        if (bp_enabled(cpu->dr[7], n) && bp_rw(cpu->dr[7], n) == 0)
            return true;
    return false;
}

void debug_check_code_breakpoints(struct cpu *cpu)
{
    cpu->db_trap = 0;
    if (!(cpu->flags & FL_RF)) {
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
    /* SDM vol. 3 17.3.1.1: RF is cleared at the start of the instruction,
     * after the instruction-breakpoint check. */
    cpu->flags &= ~FL_RF;
}

/* MOV SS and POP SS hold off debug traps for one instruction (SDM vol. 3
 * 6.8.3); LSS does not. */
static bool loads_ss(const struct insn *i)
{
    return i->op == OPID_pop_SS || (i->op == OPID_mov_SwEw && i->reg == SS);
}

bool debug_wants_single_steps(const struct cpu *cpu)
{
    return (cpu->flags & (FL_TF | FL_RF)) || debug_breakpoints_armed(cpu) ||
           (cpu->dbg_hooks & DBG_HOOK_STEPS);
}

bool debug_pending_traps(struct cpu *cpu, bool tf_before, const struct insn *i)
{
    unsigned state = cpu->db_trap;
    cpu->db_trap = 0;
    cpu->single_step_mode = debug_wants_single_steps(cpu);
    if (!tf_before || (state & DB_TRAP_DROP) || loads_ss(i))
        return false;
    cpu->dr[6] |= DR6_BS;
    return !(state & DB_TRAP_DELIVERED);
}

void debug_drop_step_trap(struct cpu *cpu)
{
    cpu->db_trap |= DB_TRAP_DROP;
}

void debug_task_switch_trap(struct cpu *cpu)
{
    cpu->dr[6] |= DR6_BT;
    cpu->db_trap |= DB_TRAP_DELIVERED;
    /* A trap of its own, not part of the event that switched tasks: a
     * fault while delivering it must not count as a double fault. */
    int nesting = cpu->exc_nesting, first = cpu->first_exc;
    cpu->exc_nesting = 1;
    cpu->first_exc = EXC_DB;
    cpu_interrupt(cpu, EXC_DB, INT_EXCEPTION, false, 0);
    cpu->exc_nesting = nesting;
    cpu->first_exc = first;
}

void debug_rf_loaded(struct cpu *cpu)
{
    if (cpu->flags & FL_RF)
        cpu->single_step_mode = true;
}
