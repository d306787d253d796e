/* The Operation sections of SDM vol. 2 DAA, DAS, AAA and AAS. */
#include "bcd.h"

static struct bcd_result daa(uint8_t al, bool cf, bool af)
{
    uint8_t old_al = al;
    bool old_cf = cf;
    cf = false;
    if ((al & 0x0F) > 9 || af) {
        cf = old_cf || al > 0xFF - 6;
        al = (uint8_t)(al + 6);
        af = true;
    } else {
        af = false;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al + 0x60);
        cf = true;
    } else {
        cf = false;
    }
    return (struct bcd_result){ al, cf, af };
}

static struct bcd_result das(uint8_t al, bool cf, bool af)
{
    uint8_t old_al = al;
    bool old_cf = cf;
    cf = false;
    if ((al & 0x0F) > 9 || af) {
        cf = old_cf || al < 6;
        al = (uint8_t)(al - 6);
        af = true;
    } else {
        af = false;
    }
    if (old_al > 0x99 || old_cf) {
        al = (uint8_t)(al - 0x60);
        cf = true;
    }
    return (struct bcd_result){ al, cf, af };
}

/* AAA: AX + 106h; AAS: AX - 6 and AH - 1; then AL keeps its low digit. */
static struct bcd_result aaa_aas(bool sub, uint16_t ax, bool af)
{
    bool adjust = (ax & 0x0F) > 9 || af;
    if (adjust)
        ax = sub ? (uint16_t)(ax - 6 - 0x100) : (uint16_t)(ax + 0x106);
    ax &= 0xFF0F;
    return (struct bcd_result){ ax, adjust, adjust };
}

struct bcd_result bcd_sdm(uint8_t op, uint16_t ax, uint16_t flags)
{
    bool cf = flags & 0x01, af = flags & 0x10;
    struct bcd_result r;
    switch (op) {
    case 0x27:
        r = daa((uint8_t)ax, cf, af);
        break;
    case 0x2F:
        r = das((uint8_t)ax, cf, af);
        break;
    default:
        return aaa_aas(op == 0x3F, ax, af);
    }
    r.ax = (uint16_t)((ax & 0xFF00) | (r.ax & 0xFF));
    return r;
}
