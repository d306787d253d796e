/* Disassembly of guest code through capstone (Intel syntax), for the
 * monitor's x/i and disas, the -d in_asm and exec traces, and gdb's
 * "monitor" command. One disassembler per user: no global state. */
#ifndef EMBER_FRONTEND_DISASM_H
#define EMBER_FRONTEND_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct disasm;

#define DISASM_TEXT 96          /* room for one instruction's text */

/* NULL after printing why (capstone cannot start). */
struct disasm *disasm_create(void);
void disasm_destroy(struct disasm *d);

/* Disassemble the instruction at the start of bytes (avail of them) as if
 * at address addr, in 32-bit (code32) or 16-bit mode. Returns its length
 * and its text in out ("mov eax, dword ptr [ebx + 4]"), or 0 and "(bad)"
 * when the bytes are no instruction. */
unsigned disasm_one(struct disasm *d, const uint8_t *bytes, size_t avail, uint32_t addr,
                    bool code32, char *out, size_t outlen);

/* The same for guest memory at linear lin (through the current paging,
 * without side effects); 0 and "(unreadable)" when nothing is there. The
 * bytes read are copied to raw (up to 15) when raw is not NULL. */
unsigned disasm_guest(struct disasm *d, const struct cpu *cpu, uint32_t lin, bool physical,
                      bool code32, char *out, size_t outlen, uint8_t *raw);

#endif
