/* The generator's view of cpu/opcodes.def; see optab.h. */
#include "optab.h"

#include <string.h>

#include "decode.h"

enum form_index {
#define FORM(name, modrm, imm, text) F_##name,
#include "forms.def"
#undef FORM
    F_COUNT
};

struct form_info {
    bool modrm;
    uint8_t imm;
    const char *text;
};

static const struct form_info forms[F_COUNT] = {
#define FORM(name, modrm, imm, text) { modrm, IMM_##imm, text },
#include "forms.def"
#undef FORM
};

struct raw_row {
    const char *id, *mn;
    unsigned map, opc, ext, form, attrs;
};

static const struct raw_row raw[] = {
#define OP(id, map, opc, ext, mn, form, h16, h32, attrs) \
    { #id, mn, map, opc, ext, F_##form, attrs },
#include "opcodes.def"
#undef OP
};

#define NROWS (sizeof raw / sizeof raw[0])

/* Mnemonics and their kind; the first match wins. */
static const struct {
    const char *mn;
    enum kind kind;
} kinds[] = {
    { "add", K_PLAIN }, { "or", K_PLAIN }, { "adc", K_PLAIN }, { "sbb", K_PLAIN },
    { "and", K_PLAIN }, { "sub", K_PLAIN }, { "xor", K_PLAIN }, { "cmp", K_PLAIN },
    { "test", K_PLAIN }, { "inc", K_PLAIN }, { "dec", K_PLAIN }, { "not", K_PLAIN },
    { "neg", K_PLAIN }, { "xchg", K_PLAIN }, { "movzx", K_PLAIN }, { "movsx", K_PLAIN },
    { "cmovcc", K_PLAIN }, { "setcc", K_PLAIN }, { "xadd", K_PLAIN }, { "bswap", K_PLAIN },
    { "cbw", K_PLAIN }, { "cwd", K_PLAIN }, { "sahf", K_PLAIN }, { "lahf", K_PLAIN },
    { "salc", K_PLAIN }, { "clc", K_PLAIN }, { "stc", K_PLAIN }, { "cmc", K_PLAIN },
    { "cld", K_PLAIN }, { "std", K_PLAIN }, { "wait", K_PLAIN }, { "arpl", K_PLAIN },
    { "lea", K_NOACCESS }, { "nop", K_NOACCESS }, { "ud1", K_NOACCESS },
    { "rol", K_SHIFT }, { "ror", K_SHIFT }, { "rcl", K_SHIFT }, { "rcr", K_SHIFT },
    { "shl", K_SHIFT }, { "shr", K_SHIFT }, { "sal", K_SHIFT }, { "sar", K_SHIFT },
    { "shld", K_SHXD }, { "shrd", K_SHXD },
    { "mul", K_MUL }, { "imul", K_MUL }, { "div", K_DIV }, { "idiv", K_DIV },
    { "daa", K_BCD }, { "das", K_BCD }, { "aaa", K_BCD }, { "aas", K_BCD },
    { "aam", K_BCD }, { "aad", K_BCD },
    { "bt", K_BT }, { "bts", K_BT }, { "btr", K_BT }, { "btc", K_BT },
    { "bsf", K_BSF }, { "bsr", K_BSF },
    { "cmpxchg", K_CMPXCHG }, { "cmpxchg8b", K_CX8 },
    { "push", K_STACK }, { "pusha", K_STACK }, { "popa", K_STACK },
    { "pushf", K_STACK }, { "popf", K_STACK }, { "enter", K_STACK }, { "leave", K_STACK },
    { "lds", K_SEGLOAD }, { "les", K_SEGLOAD }, { "lss", K_SEGLOAD },
    { "lfs", K_SEGLOAD }, { "lgs", K_SEGLOAD },
    { "lar", K_SELECTOR }, { "lsl", K_SELECTOR }, { "verr", K_SELECTOR }, { "verw", K_SELECTOR },
    { "bound", K_BOUND }, { "xlat", K_XLAT },
    { "movsb", K_STRING }, { "movs", K_STRING }, { "cmpsb", K_STRING }, { "cmps", K_STRING },
    { "stosb", K_STRING }, { "stos", K_STRING }, { "lodsb", K_STRING }, { "lods", K_STRING },
    { "scasb", K_STRING }, { "scas", K_STRING },
    { "jcc", K_BRANCH }, { "loop", K_BRANCH }, { "loope", K_BRANCH },
    { "loopne", K_BRANCH }, { "jcxz", K_BRANCH },
    { "int3", K_TRAP }, { "into", K_TRAP },
    { "ud2", K_UD },
    /* Privileged, or IOPL-sensitive with IOPL 0: #GP(0) at CPL 3. */
    { "cli", K_PRIV }, { "sti", K_PRIV }, { "hlt", K_PRIV }, { "in", K_PRIV },
    { "out", K_PRIV }, { "insb", K_PRIV }, { "ins", K_PRIV }, { "outsb", K_PRIV },
    { "outs", K_PRIV }, { "clts", K_PRIV }, { "invd", K_PRIV }, { "wbinvd", K_PRIV },
    { "lgdt", K_PRIV }, { "lidt", K_PRIV }, { "lldt", K_PRIV }, { "ltr", K_PRIV },
    { "lmsw", K_PRIV }, { "invlpg", K_PRIV }, { "rdmsr", K_PRIV }, { "wrmsr", K_PRIV },
    /* Not generated, with the reason:
     * - control transfers (call, jmp, ret, retf, iret, int n: INT 0x80 is
     *   a Linux system call) and sysenter/sysexit;
     * - cpuid, rdtsc, rdpmc: the answer is the host's, not the model's;
     * - sgdt, sidt, sldt, str, smsw: #GP on hosts with CR4.UMIP (this one
     *   has it), valid on the P6;
     * - int1 (ICEBP): this host (a KVM guest on AMD) reports the #DB trap
     *   with EIP at the instruction, not after it as the SDM says for a
     *   trap: the hypervisor's ICEBP intercept, not the CPU. */
};

static enum kind classify(const struct raw_row *r)
{
    if ((r->map == 0 && r->opc >= 0xD8 && r->opc <= 0xDF) || !strcmp(r->mn, "fxsave") ||
        !strcmp(r->mn, "fxrstor"))
        return K_X87;
    if (r->form == F_Rd_Cd || r->form == F_Cd_Rd || r->form == F_Rd_Dd || r->form == F_Dd_Rd)
        return K_PRIV;                               /* MOV CRn/DRn */
    if (r->form == F_Sw_Ew)
        return K_SEGLOAD;                            /* MOV Sreg,Ew */
    if (r->form == F_AL_Ob || r->form == F_eAX_Ov || r->form == F_Ob_AL || r->form == F_Ov_eAX)
        return K_MOFFS;
    if (!strcmp(r->mn, "mov"))
        return K_PLAIN;
    if (!strcmp(r->mn, "pop"))
        return r->form == F_Sreg ? K_SEGLOAD : K_STACK;
    for (unsigned k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (!strcmp(r->mn, kinds[k].mn))
            return kinds[k].kind;
    return K_SKIP;
}

/* The first operand is a byte: Eb, Gb, AL, Zb, Ob, Yb or Xb. */
static bool first_operand_is_byte(const char *text)
{
    static const char *const byte_ops[] = { "Eb", "Gb", "AL", "Zb", "Ob", "Yb", "Xb" };
    for (unsigned k = 0; k < sizeof byte_ops / sizeof byte_ops[0]; k++)
        if (!strncmp(text, byte_ops[k], 2) && (text[2] == ',' || text[2] == 0))
            return true;
    return false;
}

unsigned optab_count(void)
{
    return NROWS;
}

void optab_fill(struct row *rows)
{
    for (unsigned k = 0; k < NROWS; k++) {
        const struct raw_row *r = &raw[k];
        struct row *o = &rows[k];
        o->id = r->id;
        o->mn = r->mn;
        o->form = forms[r->form].text;
        o->attrs = (uint16_t)r->attrs;
        o->map = (uint8_t)r->map;
        o->opc = (uint8_t)r->opc;
        o->ext = (uint8_t)r->ext;
        o->imm = forms[r->form].imm;
        o->modrm = forms[r->form].modrm;
        o->byte_op = first_operand_is_byte(o->form);
        o->kind = classify(r);
    }
}

static unsigned span_of(const struct raw_row *r)
{
    if (r->attrs & R8)
        return 8;
    if (r->attrs & CC16)
        return 16;
    return 1;
}

bool optab_overridden(unsigned r, unsigned opcode, unsigned reg)
{
    const struct raw_row *me = &raw[r];
    for (unsigned k = r + 1; k < NROWS; k++) {
        const struct raw_row *o = &raw[k];
        if (o->map != me->map || opcode < o->opc || opcode >= o->opc + span_of(o))
            continue;
        /* The x87's memory rows and register rows (MOD3, or one whole
         * ModRM byte) do not overlap. */
        bool o_reg_only = (o->attrs & MOD3) || o->ext >= EXT_MODRM;
        bool me_reg_only = (me->attrs & MOD3) || me->ext >= EXT_MODRM;
        if (((me->attrs & MEM) && o_reg_only) || (me_reg_only && (o->attrs & MEM)))
            continue;
        if (me->ext >= EXT_MODRM || o->ext >= EXT_MODRM) {
            if (me->ext == o->ext || (o->ext == ANY || (o->ext < 8 && o->ext == ((me->ext >> 3) & 7))))
                return true;
            continue;
        }
        if (o->ext == ANY || reg == ANY_EXT || o->ext == reg)
            return true;
    }
    return false;
}

const char *kind_name(enum kind k)
{
    static const char *const names[K_COUNT] = {
        "skip", "plain", "noaccess", "shift", "shxd", "mul", "div", "bcd", "bt", "bsf",
        "cmpxchg", "cmpxchg8b", "stack", "segload", "selector", "bound", "string", "xlat",
        "moffs", "branch", "trap", "ud", "priv", "x87",
    };
    return k < K_COUNT ? names[k] : "?";
}
