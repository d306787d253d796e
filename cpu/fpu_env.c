/* The x87 environment and state in memory (SDM vol. 1 8.1.10, figures
 * 8-9 to 8-12; vol. 2 FSTENV FLDENV FSAVE FRSTOR FXSAVE FXRSTOR): four
 * layouts of the environment by mode (protected, or real and virtual-8086)
 * and operand size, the 80 register bytes of FSAVE after it, and the
 * 512-byte FXSAVE area. */
#include "fpu_internal.h"

#define ENV32 28u
#define ENV16 14u
#define STATE_REGS 80u
#define FX_SIZE 512u
#define FX_USED 160u        /* header and the eight register slots */

/* ------------------------------------------------------------------------
 * The environment image */

/* A pointer as the real-mode layouts hold it: a linear address. */
static uint32_t real_linear(uint16_t sel, uint32_t off) { return ((uint32_t)sel << 4) + off; }

/* Store the environment of f in the given layout; returns its size. The
 * reserved upper halves of the 32-bit layouts read as ones. */
static unsigned put_env(const struct fpu *f, uint8_t *b, bool o32, bool real)
{
    uint16_t tw = fpu_tag_word(f), fop = f->fop & 0x7FF;
    uint32_t ip = real ? real_linear(f->fcs, f->fip) : f->fip;
    uint32_t dp = real ? real_linear(f->fds, f->fdp) : f->fdp;
    if (o32) {
        put_le32(b + 0, 0xFFFF0000u | f->cw);
        put_le32(b + 4, 0xFFFF0000u | f->sw);
        put_le32(b + 8, 0xFFFF0000u | tw);
        if (real) {     /* figure 8-10 */
            put_le32(b + 12, 0xFFFF0000u | (ip & 0xFFFF));
            put_le32(b + 16, (ip >> 16) << 12 | fop);
            put_le32(b + 20, 0xFFFF0000u | (dp & 0xFFFF));
            put_le32(b + 24, (dp >> 16) << 12);
        } else {        /* figure 8-9 */
            put_le32(b + 12, ip);
            put_le32(b + 16, f->fcs | (uint32_t)fop << 16);
            put_le32(b + 20, dp);
            put_le32(b + 24, 0xFFFF0000u | f->fds);
        }
        return ENV32;
    }
    put_le16(b + 0, f->cw);
    put_le16(b + 2, f->sw);
    put_le16(b + 4, tw);
    if (real) {         /* figure 8-12 */
        put_le16(b + 6, (uint16_t)ip);
        put_le16(b + 8, (uint16_t)((ip >> 16) << 12 | fop));
        put_le16(b + 10, (uint16_t)dp);
        put_le16(b + 12, (uint16_t)((dp >> 16) << 12));
    } else {            /* figure 8-11 */
        put_le16(b + 6, (uint16_t)ip);
        put_le16(b + 8, f->fcs);
        put_le16(b + 10, (uint16_t)dp);
        put_le16(b + 12, f->fds);
    }
    return ENV16;
}

/* Load an environment image. The tag word only says which registers are
 * empty; the others are tagged from their contents (vol. 1 8.1.7). */
static unsigned get_env(struct fpu *f, const uint8_t *b, bool o32, bool real)
{
    uint16_t cw, sw, tw;
    uint32_t w3, w4, w5, w6;
    if (o32) {
        cw = get_le16(b);
        sw = get_le16(b + 4);
        tw = get_le16(b + 8);
        w3 = get_le32(b + 12);
        w4 = get_le32(b + 16);
        w5 = get_le32(b + 20);
        w6 = get_le32(b + 24);
    } else {
        cw = get_le16(b);
        sw = get_le16(b + 2);
        tw = get_le16(b + 4);
        w3 = get_le16(b + 6);
        w4 = get_le16(b + 8);
        w5 = get_le16(b + 10);
        w6 = get_le16(b + 12);
    }
    f->cw = (uint16_t)((cw & 0x1F3Fu) | 0x0040u);
    f->sw = sw;
    f->used = 0;
    for (unsigned n = 0; n < 8; n++)
        if (((tw >> (2 * n)) & 3) != TAG_EMPTY)
            f->used = (uint8_t)(f->used | 1u << n);
    if (real) {         /* pointer bits 31:16 (19:16) sit at bits 27:12 (15:12) */
        uint32_t hi_mask = o32 ? 0xFFFFu : 0xFu;
        f->fip = (w3 & 0xFFFF) | ((w4 >> 12) & hi_mask) << 16;
        f->fop = (uint16_t)(w4 & 0x7FF);
        f->fdp = (w5 & 0xFFFF) | ((w6 >> 12) & hi_mask) << 16;
        f->fcs = f->fds = 0;
    } else {
        f->fip = w3;
        f->fcs = (uint16_t)w4;
        f->fop = o32 ? (uint16_t)((w4 >> 16) & 0x7FF) : 0;   /* figure 8-11 has none */
        f->fdp = w5;
        f->fds = (uint16_t)w6;
    }
    return o32 ? ENV32 : ENV16;
}

/* The registers in stack order, ST(0) first, 10 bytes each. */
static void put_regs(const struct fpu *f, uint8_t *b)
{
    unsigned top = (f->sw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++)
        put_f80(b + 10 * k, f->r[(top + k) & 7]);
}

static void get_regs(struct fpu *f, const uint8_t *b)
{
    unsigned top = (f->sw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++)
        f->r[(top + k) & 7] = get_f80(b + 10 * k);
}

void fpu_save_image(const struct fpu *f, uint8_t image[108])
{
    put_regs(f, image + put_env(f, image, true, false));
}

void fpu_load_image(struct fpu *f, const uint8_t image[108])
{
    get_regs(f, image + get_env(f, image, true, false));
    f->sw &= (uint16_t)~(FSW_ES | FSW_B);
    if (f->sw & ~f->cw & FSW_EXC)
        f->sw |= FSW_ES | FSW_B;
}

/* ------------------------------------------------------------------------
 * FSTENV FLDENV FSAVE FRSTOR: control instructions (no pointer update) */

static bool real_layout(const struct cpu *cpu) { return cpu->mode != MODE_PROT; }
static unsigned env_size(bool o32) { return o32 ? ENV32 : ENV16; }

/* FNSTENV: store, then mask every exception (SDM vol. 2 FSTENV). */
static void fnstenv(struct cpu *cpu, const struct insn *i, bool o32)
{
    fpu_begin(cpu, false);
    unsigned n = env_size(o32);
    uint32_t lin = fpu_area(cpu, i, ea(cpu, i), n, SEG_OK_WRITE, o32 ? 4 : 2, o32 ? 4 : 2);
    uint8_t b[ENV32];
    put_env(&cpu->fpu, b, o32, real_layout(cpu));
    fpu_write(cpu, lin, b, n);
    cpu->fpu.cw |= FCW_MASKS;
    fpu_recompute_es(cpu);      /* nothing is unmasked now: ES and B clear */
}

static void fldenv(struct cpu *cpu, const struct insn *i, bool o32)
{
    if (!fpu_begin_wait(cpu))
        return;
    unsigned n = env_size(o32);
    uint8_t b[ENV32];
    fpu_read(cpu, fpu_area(cpu, i, ea(cpu, i), n, SEG_OK_READ, o32 ? 4 : 2, o32 ? 4 : 2), b, n);
    get_env(&cpu->fpu, b, o32, real_layout(cpu));
    fpu_recompute_es(cpu);
}

/* FNSAVE: the environment and the registers, then FNINIT. */
static void fnsave(struct cpu *cpu, const struct insn *i, bool o32)
{
    fpu_begin(cpu, false);
    unsigned n = env_size(o32) + STATE_REGS;
    uint32_t lin = fpu_area(cpu, i, ea(cpu, i), n, SEG_OK_WRITE, o32 ? 4 : 2, o32 ? 4 : 2);
    uint8_t b[ENV32 + STATE_REGS];
    put_regs(&cpu->fpu, b + put_env(&cpu->fpu, b, o32, real_layout(cpu)));
    fpu_write(cpu, lin, b, n);
    fpu_init(&cpu->fpu);
    fpu_release_ferr(cpu);
}

static void frstor(struct cpu *cpu, const struct insn *i, bool o32)
{
    if (!fpu_begin_wait(cpu))
        return;
    unsigned n = env_size(o32) + STATE_REGS;
    uint8_t b[ENV32 + STATE_REGS];
    fpu_read(cpu, fpu_area(cpu, i, ea(cpu, i), n, SEG_OK_READ, o32 ? 4 : 2, o32 ? 4 : 2), b, n);
    unsigned at = get_env(&cpu->fpu, b, o32, real_layout(cpu));
    get_regs(&cpu->fpu, b + at);
    fpu_recompute_es(cpu);
}

void op_fnstenv_w(struct cpu *cpu, const struct insn *i) { fnstenv(cpu, i, false); }
void op_fnstenv_d(struct cpu *cpu, const struct insn *i) { fnstenv(cpu, i, true); }
void op_fldenv_w(struct cpu *cpu, const struct insn *i) { fldenv(cpu, i, false); }
void op_fldenv_d(struct cpu *cpu, const struct insn *i) { fldenv(cpu, i, true); }
void op_fnsave_w(struct cpu *cpu, const struct insn *i) { fnsave(cpu, i, false); }
void op_fnsave_d(struct cpu *cpu, const struct insn *i) { fnsave(cpu, i, true); }
void op_frstor_w(struct cpu *cpu, const struct insn *i) { frstor(cpu, i, false); }
void op_frstor_d(struct cpu *cpu, const struct insn *i) { frstor(cpu, i, true); }

/* ------------------------------------------------------------------------
 * FXSAVE and FXRSTOR (SDM vol. 2 FXSAVE, table 3-53 for the 32-bit
 * layout). This CPU has no SSE: the MXCSR fields and the XMM area are
 * reserved, and FXSAVE leaves bytes 160-511 alone. Neither instruction
 * waits for pending x87 exceptions. */

/* #NM as for any x87 instruction; an area not 16-byte aligned is #GP(0).
 * With alignment checking on, SDM vol. 2 FXSAVE lets #AC take its place
 * and "the width of the alignment check may also vary with
 * implementation": here #AC for an address that is not 4-byte aligned,
 * #GP(0) for the other misalignments. */
static uint32_t fx_area(struct cpu *cpu, const struct insn *i, unsigned need)
{
    if (cpu->cr0 & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, 0);
    /* The first byte's limit, then the alignment, then the rights and the
     * whole area, as on the hardware we compare with. */
    uint32_t off = ea(cpu, i), lin = seg_addr(cpu, i->seg, off, 1, 0);
    if (lin & 15)
        cpu_raise(cpu, cpu->view == TLB_USER_AC && (lin & 3) ? EXC_AC : EXC_GP, 0);
    return seg_addr(cpu, i->seg, off, FX_SIZE, need);
}

void op_fxsave(struct cpu *cpu, const struct insn *i)
{
    uint32_t lin = fx_area(cpu, i, SEG_OK_WRITE);
    const struct fpu *f = &cpu->fpu;
    uint8_t b[FX_USED] = { 0 };
    put_le16(b + 0, f->cw);
    put_le16(b + 2, f->sw);
    b[4] = f->used;     /* the abridged tag: 1 = not empty, by physical register */
    put_le16(b + 6, f->fop & 0x7FF);
    put_le32(b + 8, f->fip);
    put_le16(b + 12, f->fcs);
    put_le32(b + 16, f->fdp);
    put_le16(b + 20, f->fds);
    unsigned top = (f->sw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++)
        put_f80(b + 32 + 16 * k, f->r[(top + k) & 7]);
    fpu_write(cpu, lin, b, FX_USED);
}

void op_fxrstor(struct cpu *cpu, const struct insn *i)
{
    uint32_t lin = fx_area(cpu, i, SEG_OK_READ);
    uint8_t b[FX_USED];
    fpu_read(cpu, lin, b, FX_USED);
    struct fpu *f = &cpu->fpu;
    f->cw = (uint16_t)((get_le16(b) & 0x1F3Fu) | 0x0040u);
    f->sw = get_le16(b + 2);
    f->used = b[4];
    f->fop = get_le16(b + 6) & 0x7FF;
    f->fip = get_le32(b + 8);
    f->fcs = get_le16(b + 12);
    f->fdp = get_le32(b + 16);
    f->fds = get_le16(b + 20);
    unsigned top = (f->sw >> 11) & 7;
    for (unsigned k = 0; k < 8; k++)
        f->r[(top + k) & 7] = get_f80(b + 32 + 16 * k);
    fpu_recompute_es(cpu);
}
