/* One hardware-captured test, in the same shape whichever file format
 * (MOO or JSON) it came from. */
#ifndef EMBER_SS_TESTCASE_H
#define EMBER_SS_TESTCASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register order of the MOO REGS chunk (and its presence bitmask). */
enum ss_reg {
    R_AX, R_BX, R_CX, R_DX, R_CS, R_SS, R_DS, R_ES,
    R_SP, R_BP, R_SI, R_DI, R_IP, R_FLAGS, R_COUNT
};

extern const char *const ss_reg_names[R_COUNT];

struct ss_ram {
    uint32_t addr;
    uint8_t value;
};

struct ss_state {
    uint16_t reg[R_COUNT];
    uint16_t present;           /* bit n: reg[n] was given */
    const struct ss_ram *ram;
    size_t nram;
};

#define SS_MAX_BYTES 32
#define SS_MAX_NAME 96

struct ss_test {
    uint32_t idx;               /* position in its file */
    char name[SS_MAX_NAME];     /* disassembly from the capture */
    uint8_t bytes[SS_MAX_BYTES];
    unsigned nbytes;
    struct ss_state init, fina; /* fina lists only what changed */
    bool has_excp;              /* the capture saw an exception (MOO EXCP) */
    uint8_t excp_vector;
    uint32_t excp_flag_addr;    /* linear address of the pushed FLAGS word */
    char hash[65];              /* lower-case hex, "" when absent */
};

/* A growable list of RAM entries that a reader reuses from test to test. */
struct ss_ram_buf {
    struct ss_ram *v;
    size_t n, cap;
};

int ss_ram_push(struct ss_ram_buf *b, uint32_t addr, uint8_t value);
void ss_ram_free(struct ss_ram_buf *b);

/* The expected final value of a register: FINA over INIT. */
static inline uint16_t ss_final_reg(const struct ss_test *t, enum ss_reg r)
{
    return (t->fina.present >> r) & 1 ? t->fina.reg[r] : t->init.reg[r];
}

#endif
