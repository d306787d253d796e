/* The -d traces (QEMU's categories) and -D, -dfilter: the lines the
 * debugger's trace callbacks (cpu/debugger.h) turn into text.
 *
 *   in_asm  each block when it is decoded, disassembled with capstone
 *   exec    each instruction before it runs: icount, CS:EIP, bytes, text
 *   cpu     the registers before each traced instruction (implies exec)
 *   int     interrupts and exceptions: vector, cause, error code, CS:EIP
 *   mmu     page faults and TLB flushes (CR0/CR3/CR4 loads, INVLPG, A20)
 *   io      port accesses and the CPU's MMIO accesses with their values
 *   pci     PCI configuration space accesses (through 0xCF8/0xCFC)
 *   unimp   what the guest used that ember does not implement: ports and
 *           physical memory nothing answers, and trace_unimp() reports
 *
 * With exec (or cpu) the CPU runs one instruction at a time through
 * step_one(); with -dfilter only the blocks that meet the ranges do. The
 * fast path is untouched while no category is on. */
#ifndef EMBER_FRONTEND_TRACE_H
#define EMBER_FRONTEND_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "debugger.h"

struct machine;
struct disasm;
struct trace;

/* Parse a -d list ("in_asm,int"): the categories, and whether "bios" was
 * named (the SeaBIOS console, which is not a debugger trace). "help"
 * prints the categories and returns 1; a bad name prints why and returns
 * -1; else 0. */
int trace_parse_categories(const char *list, unsigned *categories, bool *bios, FILE *err);
void trace_print_categories(FILE *out);
/* Parse -dfilter ADDR[+LEN|..LAST][,...]; -1 after printing why. */
int trace_parse_filter(const char *spec, struct dbg_range *ranges, unsigned max, unsigned *n,
                       FILE *err);

/* Traces of m's CPU into path (NULL: standard error, buffered). Off until
 * trace_enable. NULL after printing why. */
struct trace *trace_create(struct machine *m, struct disasm *dis, const char *path);
void trace_destroy(struct trace *t);
/* Switch categories on (0: all off); the debugger starts calling. */
void trace_enable(struct trace *t, unsigned categories);
unsigned trace_categories(const struct trace *t);
/* "tracing: int,mmu" (or "nothing") for the monitor's log command. */
void trace_describe(const struct trace *t, FILE *out);
/* The lines written so far reach the file (at every stop and at exit). */
void trace_flush(struct trace *t);

#endif
