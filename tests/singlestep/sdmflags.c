/* SDM-undefined flags of the shift and rotate group; see sdmflags.h. */
#include "sdmflags.h"

/* The count after the 5-bit mask, or -1 for opcodes outside the group. */
static int shift_count(const struct ref_insn *d, const struct ss_test *t)
{
    switch (d->key) {
    case 0xC0: case 0xC1: return d->imm & 0x1F;
    case 0xD0: case 0xD1: return 1;
    case 0xD2: case 0xD3: return t->init.reg[R_CX] & 0x1F;
    default: return -1;
    }
}

uint16_t sdm_undefined_flags(const struct ref_insn *d, const struct ss_test *t)
{
    int count = shift_count(d, t);
    if (count < 0 || !d->has_modrm)
        return 0;
    int width = (d->key & 1) ? 16 : 8;
    uint16_t undef = 0;
    if (count > 1)
        undef |= SDM_UNDEF_OF;
    if (d->reg >= 4 && d->reg <= 6 && count >= width)
        undef |= SDM_UNDEF_CF;
    return undef;
}
