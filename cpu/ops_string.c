/* String instructions: MOVS CMPS STOS LODS SCAS INS OUTS, with REP, REPE and
 * REPNE (SDM vol. 2). Each iteration commits ECX, ESI and EDI, so a fault in
 * the middle of a repeated string restarts at the element that faulted. A
 * long repeat yields every STRING_BATCH elements (EIP stays on the
 * instruction), so interrupts are taken between iterations as on hardware. */
#include "exec.h"

#define STRING_BATCH 4096

enum string_kind { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

static uint32_t addr_mask(const struct insn *i) { return a32(i) ? 0xFFFFFFFFu : 0xFFFFu; }

static uint32_t index_reg(const struct cpu *cpu, const struct insn *i, unsigned r)
{
    return cpu->reg[r] & addr_mask(i);
}

static void step_index(struct cpu *cpu, const struct insn *i, unsigned r, unsigned size)
{
    uint32_t delta = (cpu->flags & FL_DF) ? (uint32_t)-(int32_t)size : size;
    if (a32(i))
        cpu->reg[r] += delta;
    else
        set_r16(cpu, r, (uint16_t)(cpu->reg[r] + delta));
}

static void compare(struct cpu *cpu, uint32_t a, uint32_t b, unsigned size)
{
    lf_record(cpu, LF_SUB, size, a, b, a - b);
}

/* One element, committing ESI/EDI after its memory accesses. */
static void string_once(struct cpu *cpu, const struct insn *i, unsigned size,
                        enum string_kind kind)
{
    uint32_t si = index_reg(cpu, i, ESI), di = index_reg(cpu, i, EDI);
    switch (kind) {
    case STR_MOVS: {
        uint32_t v = read_n(cpu, i->seg, si, size);
        write_n(cpu, ES, di, v, size);
        step_index(cpu, i, ESI, size);
        step_index(cpu, i, EDI, size);
        break;
    }
    case STR_CMPS: {
        uint32_t a = read_n(cpu, i->seg, si, size);
        uint32_t b = read_n(cpu, ES, di, size);
        compare(cpu, a, b, size);
        step_index(cpu, i, ESI, size);
        step_index(cpu, i, EDI, size);
        break;
    }
    case STR_STOS:
        write_n(cpu, ES, di, get_reg(cpu, EAX, size), size);
        step_index(cpu, i, EDI, size);
        break;
    case STR_LODS:
        set_reg(cpu, EAX, read_n(cpu, i->seg, si, size), size);
        step_index(cpu, i, ESI, size);
        break;
    case STR_SCAS:
        compare(cpu, get_reg(cpu, EAX, size), read_n(cpu, ES, di, size), size);
        step_index(cpu, i, EDI, size);
        break;
    case STR_INS: {
        uint32_t port = get_r16(cpu, EDX);
        io_check(cpu, port, size);
        /* The destination is checked before the port is read. */
        uint32_t lin = seg_addr(cpu, ES, di, size, SEG_OK_WRITE);
        lin_probe_write(cpu, lin, size);
        lin_write_n(cpu, lin, io_read(cpu->io, port, size), size);
        step_index(cpu, i, EDI, size);
        break;
    }
    case STR_OUTS: {
        uint32_t port = get_r16(cpu, EDX);
        io_check(cpu, port, size);
        io_write(cpu->io, port, read_n(cpu, i->seg, si, size), size);
        step_index(cpu, i, ESI, size);
        break;
    }
    }
}

static bool repeat_ends(const struct cpu *cpu, const struct insn *i, enum string_kind kind)
{
    if (kind != STR_CMPS && kind != STR_SCAS)
        return false;
    return (i->attr & INSN_REP) ? !flag_zf(cpu) : flag_zf(cpu);
}

static void string_op(struct cpu *cpu, const struct insn *i, unsigned size, enum string_kind kind)
{
    if (!(i->attr & (INSN_REP | INSN_REPNE))) {
        string_once(cpu, i, size, kind);
        return;
    }
    uint32_t mask = addr_mask(i);
    if (kind == STR_INS || kind == STR_OUTS)
        io_check(cpu, get_r16(cpu, EDX), size);   /* even with a zero count */
    for (unsigned n = 0;; n++) {
        uint32_t count = cpu->reg[ECX] & mask;
        if (count == 0)
            return;
        if (n == STRING_BATCH) {
            cpu->next_eip = cpu->eip;   /* resume here after interrupts */
            cpu->exit_block = true;
            return;
        }
        string_once(cpu, i, size, kind);
        if (a32(i))
            cpu->reg[ECX] = count - 1;
        else
            set_r16(cpu, ECX, (uint16_t)(count - 1));
        if (repeat_ends(cpu, i, kind))
            return;
    }
}

void op_movsb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_MOVS); }
void op_movsw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_MOVS); }
void op_movsd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_MOVS); }
void op_cmpsb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_CMPS); }
void op_cmpsw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_CMPS); }
void op_cmpsd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_CMPS); }
void op_stosb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_STOS); }
void op_stosw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_STOS); }
void op_stosd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_STOS); }
void op_lodsb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_LODS); }
void op_lodsw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_LODS); }
void op_lodsd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_LODS); }
void op_scasb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_SCAS); }
void op_scasw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_SCAS); }
void op_scasd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_SCAS); }
void op_insb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_INS); }
void op_insw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_INS); }
void op_insd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_INS); }
void op_outsb(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 1, STR_OUTS); }
void op_outsw(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 2, STR_OUTS); }
void op_outsd(struct cpu *cpu, const struct insn *i) { string_op(cpu, i, 4, STR_OUTS); }
