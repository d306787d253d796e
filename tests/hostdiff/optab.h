/* The instructions the differential test generates, read from the
 * emulator's own opcode table (cpu/opcodes.def, cpu/forms.def): one row
 * per OP() line, with the kind of operands it needs. Rows of kind K_SKIP
 * (control transfers other than Jcc/LOOP/JCXZ, and the instructions
 * whose result depends on the host rather than the architecture) are never
 * generated; everything else in the table is. */
#ifndef EMBER_TESTS_HOSTDIFF_OPTAB_H
#define EMBER_TESTS_HOSTDIFF_OPTAB_H

#include <stdbool.h>
#include <stdint.h>

enum kind {
    K_SKIP,
    K_PLAIN,    /* ModRM/immediate operands, nothing special */
    K_NOACCESS, /* a memory form that does not access memory: LEA, NOP Ev, UD1 */
    K_SHIFT,    /* ROL ROR RCL RCR SHL SHR SAL SAR */
    K_SHXD,     /* SHLD SHRD */
    K_MUL,      /* MUL, IMUL (all forms) */
    K_DIV,      /* DIV IDIV */
    K_BCD,      /* DAA DAS AAA AAS AAM AAD */
    K_BT,       /* BT BTS BTR BTC */
    K_BSF,      /* BSF BSR */
    K_CMPXCHG,  /* CMPXCHG */
    K_CX8,      /* CMPXCHG8B */
    K_STACK,    /* PUSH POP PUSHA POPA PUSHF POPF ENTER LEAVE */
    K_SEGLOAD,  /* POP Sreg, MOV Sreg,Ew, LDS LES LSS LFS LGS */
    K_SELECTOR, /* LAR LSL VERR VERW */
    K_BOUND,
    K_STRING,   /* MOVS CMPS STOS LODS SCAS */
    K_XLAT,
    K_MOFFS,    /* MOV AL/eAX <-> moffs */
    K_BRANCH,   /* Jcc LOOP LOOPE LOOPNE JCXZ */
    K_TRAP,     /* INT3 INTO INT1 */
    K_UD,       /* UD2 */
    K_PRIV,     /* #GP(0) at CPL 3: CLI HLT IN OUT LGDT MOV CRn ... */
    K_X87,      /* x87 (D8-DF), FXSAVE, FXRSTOR: with an x87 state (x87.c) */
    K_COUNT
};

enum imm_kind { IMM_NONE, IMM_B, IMM_BS, IMM_W, IMM_Z, IMM_ZS, IMM_WB, IMM_FAR, IMM_MOFFS };

#define ANY_EXT 8

struct row {
    const char *id;         /* the OP() id: "add_EbGb" */
    const char *mn;         /* mnemonic: "add" */
    const char *form;       /* operand form text: "Eb,Gb" */
    uint16_t attrs;         /* LOCK, R8, CC16, MEM, MODREG... (decode.h) */
    uint8_t map, opc, ext;  /* ext: ModRM.reg, or ANY_EXT */
    uint8_t imm;            /* enum imm_kind */
    bool modrm;             /* has a ModRM byte */
    bool byte_op;           /* the first operand is a byte */
    enum kind kind;
};

/* The number of OP() lines in opcodes.def, and all of them, in order,
 * into rows[optab_count()]. */
unsigned optab_count(void);
void optab_fill(struct row *rows);
/* Is (map, opcode, ModRM.reg) of row r taken by a later row (0x90 NOP over
 * XCHG eAX,eAX)? reg is ANY_EXT for rows without ModRM. */
bool optab_overridden(unsigned r, unsigned opcode, unsigned reg);
const char *kind_name(enum kind k);

#endif
