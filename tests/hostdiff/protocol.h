/* What the test binary (hostdiff) and the native 32-bit helper
 * (hostdiff_native) exchange through pipes, and the address map both sides
 * share. Compiled into both programs: one 64-bit (or 32-bit) host build and
 * one `-m32` build, so every field is a fixed-width integer of at most 32
 * bits and every structure has the same layout in both (checked below).
 *
 * Address map (linear addresses, identical natively and in the emulator):
 *   HD_WIN_LIN   the data window, HD_WIN_SIZE bytes. DS, ES, FS and SS are
 *                a data segment based here (4 GiB limit), so offset 0 of
 *                every data access is the window's first byte; 16-bit
 *                addressing (offsets 0..0xFFFF) thus stays inside it.
 *   HD_CODE_LIN  the code page: HD_INSN_LIN holds the instruction under
 *                test, surrounded by HD_FILL_LEN bytes of 0xCC.
 * The native helper keeps its trampolines and control block at other
 * addresses of its own; the emulator its GDT, IDT, TSS and ring-0 stubs.
 *
 * Segments: the helper installs a small LDT (modify_ldt) of data and code
 * segments with limits, expand-down, read-only, not-present... (the
 * HD_LDT_* entries below, all based at HD_WIN_LIN but HD_LDT_FLAT). A case
 * may run with one of them in ES, DS, FS or SS instead of the test segment.
 *
 * Protocol: the helper first writes one struct hd_hello. Then, for each
 * batch, the test binary writes a uint32_t count followed by that many
 * struct hd_case, and the helper answers with as many struct hd_result.
 * A count of 0 ends the helper. */
#ifndef EMBER_TESTS_HOSTDIFF_PROTOCOL_H
#define EMBER_TESTS_HOSTDIFF_PROTOCOL_H

#include <stdint.h>

#define HD_MAGIC        0x48444946u     /* "HDIF" */
#define HD_WIN_LIN      0x00010000u
#define HD_WIN_SIZE     0x00011000u
#define HD_CODE_LIN     0x00030000u
#define HD_INSN_LIN     (HD_CODE_LIN + 0x400u)
#define HD_FILL_LIN     (HD_INSN_LIN - 0x100u)
#define HD_FILL_LEN     0x400u

#define HD_MAX_CODE     16
#define HD_MAX_LAND     2
#define HD_MAX_SPANS    8
#define HD_MEM_BYTES    768
#define HD_MAX_BATCH    512
#define HD_GDT_ENTRIES  16
/* The x87 state travels as the 108-byte image FNSAVE and FRSTOR use in
 * 32-bit protected mode (SDM vol. 1 figure 8-9): the environment, then
 * ST(0)..ST(7), 10 bytes each. */
#define HD_FPU_BYTES    108

/* LDT entries (selector = index << 3 | 7). */
enum {
    HD_LDT_LIMITED = 1,     /* data RW, limit 0x8FFF (bytes) */
    HD_LDT_DOWN32 = 2,      /* data RW expand-down, B=1, limit 0xFFF */
    HD_LDT_DOWN16 = 3,      /* data RW expand-down, B=0, limit 0x3FFF */
    HD_LDT_RDONLY = 4,      /* data read-only, 4 GiB */
    HD_LDT_ABSENT = 5,      /* data RW, not present */
    HD_LDT_XONLY = 6,       /* code execute-only */
    HD_LDT_CODE_R = 7,      /* code execute/read */
    HD_LDT_FLAT = 8,        /* data RW, base 0, 4 GiB */
    HD_LDT_COUNT = 9,
};
#define HD_LDT_SEL(index) ((uint16_t)((index) << 3 | 7))
#define HD_LIMITED_LIMIT 0x8FFFu
#define HD_DOWN32_LIMIT  0x0FFFu
#define HD_DOWN16_LIMIT  0x3FFFu

#define HD_NONE         0xFFFFFFFFu     /* no exception / no stray write */
#define HD_UNDELIVERED  0xFFFFFFFEu     /* emulator: exception not delivered */
#define HD_HANG         0xFFFFFFFDu     /* emulator: never reached a landing */

/* A byte range of the window: offset from HD_WIN_LIN and length. */
struct hd_span {
    uint32_t off, len;
};

struct hd_case {
    uint32_t reg[8];                /* EAX ECX EDX EBX ESP EBP ESI EDI */
    uint32_t eflags;                /* user-settable bits only */
    uint32_t land[HD_MAX_LAND];     /* where execution may go on */
    struct hd_span span[HD_MAX_SPANS];
    uint16_t es_sel, ds_sel;        /* ES, DS, FS and SS for the test: an */
    uint16_t fs_sel, ss_sel;        /* HD_LDT_* selector, or 0: the test segment */
    uint8_t code[HD_MAX_CODE];
    uint8_t len, nland, nspans;
    uint8_t epi_fs;                 /* DS is not the test segment after the
                                       instruction: the helper stores via FS */
    uint8_t mem[HD_MEM_BYTES];      /* the spans' initial bytes, in order */
    uint8_t fpu[HD_FPU_BYTES];      /* the x87 state (FRSTOR image) */
};

struct hd_result {
    uint32_t reg[8];
    uint32_t eflags;
    uint32_t eip;                   /* landing, or the exception's EIP */
    uint32_t vector;                /* HD_NONE, or the exception vector */
    uint32_t error;                 /* error code of the exception */
    uint32_t stray;                 /* first window offset written outside
                                       the spans, or HD_NONE */
    uint16_t sreg[6];               /* ES CS SS DS FS GS selectors */
    uint8_t mem[HD_MEM_BYTES];      /* the spans' final bytes */
    uint8_t fpu[HD_FPU_BYTES];      /* the x87 state after (FNSAVE image) */
};

/* The helper's environment: the selectors it runs the tests with, and
 * what LAR and LSL (at RPL 3) report for each GDT entry, so the emulator
 * can mirror every descriptor user mode can observe. */
struct hd_hello {
    uint32_t magic;
    uint32_t status;                /* 0, or the setup failed: see msg */
    uint16_t cs, flat_ds, gs, test_sel;
    uint32_t desc_ok;               /* bit i: LAR and LSL succeed on i */
    uint32_t lar[HD_GDT_ENTRIES];
    uint32_t lsl[HD_GDT_ENTRIES];
    uint32_t ldt_ok;                /* the same for the LDT (TI = 1) */
    uint32_t ldt_lar[HD_GDT_ENTRIES];
    uint32_t ldt_lsl[HD_GDT_ENTRIES];
    uint32_t ldt_base[HD_GDT_ENTRIES];
    char msg[200];
};

_Static_assert(sizeof(struct hd_case) == 36 + 4 * HD_MAX_LAND + 8 * HD_MAX_SPANS + 8 +
               HD_MAX_CODE + 4 + HD_MEM_BYTES + HD_FPU_BYTES, "hd_case has no padding");
_Static_assert(sizeof(struct hd_result) == 52 + 12 + HD_MEM_BYTES + HD_FPU_BYTES,
               "hd_result has no padding");
_Static_assert(sizeof(struct hd_hello) == 24 + 20 * HD_GDT_ENTRIES + 200, "hd_hello has no padding");

/* The window's contents outside the spans: the same on both sides. */
static inline uint8_t hd_background(uint32_t off)
{
    uint32_t x = (off + 1) * 0x9E3779B1u;
    return (uint8_t)((x >> 24) ^ (x >> 9));
}

#endif
