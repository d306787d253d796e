/* Decimal adjust and ASCII adjust: DAA DAS AAA AAS AAM AAD, and SALC
 * (SDM vol. 2; the pseudo-code there is followed line by line). Flags the
 * SDM leaves undefined: OF clear; SF/ZF/PF from AL where not defined. */
#include "exec.h"

static uint8_t al(const struct cpu *cpu) { return get_r8(cpu, 0); }
static void set_al(struct cpu *cpu, uint8_t v) { set_r8(cpu, 0, v); }

void op_daa(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint8_t old_al = al(cpu), a = old_al;
    bool old_cf = flag_cf(cpu), cf = false, af = false;
    if ((a & 0x0F) > 9 || flag_af(cpu)) {
        cf = old_cf || a > 0xF9;    /* carry out of AL + 6 */
        a = (uint8_t)(a + 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        a = (uint8_t)(a + 0x60);
        cf = true;
    } else {
        cf = false;
    }
    set_al(cpu, a);
    flags_set_all(cpu, flags_szp(a, 1) | (cf ? FL_CF : 0) | (af ? FL_AF : 0));
}

void op_das(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint8_t old_al = al(cpu), a = old_al;
    bool old_cf = flag_cf(cpu), cf = false, af = false;
    if ((a & 0x0F) > 9 || flag_af(cpu)) {
        cf = old_cf || a < 6;       /* borrow from AL - 6 */
        a = (uint8_t)(a - 6);
        af = true;
    }
    if (old_al > 0x99 || old_cf) {
        a = (uint8_t)(a - 0x60);
        cf = true;
    }
    set_al(cpu, a);
    flags_set_all(cpu, flags_szp(a, 1) | (cf ? FL_CF : 0) | (af ? FL_AF : 0));
}

void op_aaa(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint16_t ax = get_r16(cpu, EAX);
    bool adjust = (ax & 0x0F) > 9 || flag_af(cpu);
    if (adjust)
        ax = (uint16_t)(ax + 0x106);
    ax &= 0xFF0F;
    set_r16(cpu, EAX, ax);
    flags_set_all(cpu, flags_szp(ax & 0xFF, 1) | (adjust ? FL_AF | FL_CF : 0));
}

void op_aas(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    uint16_t ax = get_r16(cpu, EAX);
    bool adjust = (ax & 0x0F) > 9 || flag_af(cpu);
    if (adjust) {
        ax = (uint16_t)(ax - 6);
        ax = (uint16_t)(ax - 0x100);
    }
    ax &= 0xFF0F;
    set_r16(cpu, EAX, ax);
    flags_set_all(cpu, flags_szp(ax & 0xFF, 1) | (adjust ? FL_AF | FL_CF : 0));
}

void op_aam(struct cpu *cpu, const struct insn *i)
{
    uint8_t base = (uint8_t)i->imm;
    if (base == 0)
        cpu_raise(cpu, EXC_DE, 0);
    uint8_t a = al(cpu);
    set_r8(cpu, 4, (uint8_t)(a / base));
    set_al(cpu, (uint8_t)(a % base));
    flags_set_all(cpu, flags_szp(a % base, 1));
}

void op_aad(struct cpu *cpu, const struct insn *i)
{
    uint8_t base = (uint8_t)i->imm;
    uint8_t a = (uint8_t)(al(cpu) + get_r8(cpu, 4) * base);
    set_r16(cpu, EAX, a);
    flags_set_all(cpu, flags_szp(a, 1));
}

/* SALC (0xD6, undocumented but present on every Intel CPU): AL = CF ? FF : 0. */
void op_salc(struct cpu *cpu, const struct insn *i)
{
    (void)i;
    set_al(cpu, flag_cf(cpu) ? 0xFF : 0x00);
}
