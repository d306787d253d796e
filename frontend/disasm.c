/* Capstone behind disasm.h. Two handles, 16- and 32-bit, each with its own
 * preallocated instruction so that disassembling allocates nothing. */
#include "disasm.h"

#include <capstone.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger.h"

#define MAX_INSN 15

struct disasm {
    csh handle[2];              /* [0] 16-bit, [1] 32-bit */
    cs_insn *insn[2];
};

struct disasm *disasm_create(void)
{
    struct disasm *d = calloc(1, sizeof *d);
    if (!d) {
        fprintf(stderr, "ember: out of memory for the disassembler\n");
        return NULL;
    }
    static const cs_mode modes[2] = { CS_MODE_16, CS_MODE_32 };
    for (int k = 0; k < 2; k++) {
        if (cs_open(CS_ARCH_X86, modes[k], &d->handle[k]) != CS_ERR_OK) {
            fprintf(stderr, "ember: capstone cannot start its x86 disassembler\n");
            disasm_destroy(d);
            return NULL;
        }
        cs_option(d->handle[k], CS_OPT_SYNTAX, CS_OPT_SYNTAX_INTEL);
        d->insn[k] = cs_malloc(d->handle[k]);
        if (!d->insn[k]) {
            fprintf(stderr, "ember: out of memory for the disassembler\n");
            disasm_destroy(d);
            return NULL;
        }
    }
    return d;
}

void disasm_destroy(struct disasm *d)
{
    if (!d)
        return;
    for (int k = 0; k < 2; k++) {
        if (d->insn[k])
            cs_free(d->insn[k], 1);
        if (d->handle[k])
            cs_close(&d->handle[k]);
    }
    free(d);
}

unsigned disasm_one(struct disasm *d, const uint8_t *bytes, size_t avail, uint32_t addr,
                    bool code32, char *out, size_t outlen)
{
    int k = code32 ? 1 : 0;
    const uint8_t *p = bytes;
    size_t left = avail < MAX_INSN ? avail : MAX_INSN;
    uint64_t a = addr;
    if (!cs_disasm_iter(d->handle[k], &p, &left, &a, d->insn[k])) {
        snprintf(out, outlen, "(bad)");
        return 0;
    }
    const cs_insn *i = d->insn[k];
    if (i->op_str[0])
        snprintf(out, outlen, "%s %s", i->mnemonic, i->op_str);
    else
        snprintf(out, outlen, "%s", i->mnemonic);
    return i->size;
}

unsigned disasm_guest(struct disasm *d, const struct cpu *cpu, uint32_t lin, bool physical,
                      bool code32, char *out, size_t outlen, uint8_t *raw)
{
    uint8_t buf[MAX_INSN];
    size_t n = debugger_read(cpu, lin, buf, sizeof buf, physical);
    if (raw)
        memcpy(raw, buf, n);
    if (n == 0) {
        snprintf(out, outlen, "(unreadable)");
        return 0;
    }
    return disasm_one(d, buf, n, lin, code32, out, outlen);
}
