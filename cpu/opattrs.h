/* The attribute column of opcodes.def and the "any ModRM.reg" marker,
 * shared by the decoder and the build-time table generator. */
#ifndef EMBER_CPU_OPATTRS_H
#define EMBER_CPU_OPATTRS_H

#define ANY    8
#define LOCK   0x01u
#define END    0x02u
#define R8     0x04u
#define CC16   0x08u
#define MEM    0x10u
#define MODREG 0x20u
#define I486   0x40u
#define I586   0x80u
#define I686   0x100u
#define MOD3   0x200u
/* An ext of C0-FF names a whole ModRM byte (mod 3): the x87's D9 E0 FCHS. */
#define EXT_MODRM 0xC0

#endif
