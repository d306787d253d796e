/* Two-level 32-bit paging (Intel SDM vol. 3 4.3): 4 KiB pages, 4 MiB pages
 * with CR4.PSE, global pages with CR4.PGE, write protection with CR0.WP.
 * The walk sets accessed bits (and the dirty bit on a write) only when the
 * translation succeeds, as the P6 does. */
#ifndef EMBER_MMU_PAGING_H
#define EMBER_MMU_PAGING_H

#include <stdint.h>

#include "memory.h"

/* Access kinds; also the #PF error code bits for W and U. */
#define ACC_READ  0u
#define ACC_WRITE 2u
#define ACC_USER  4u
#define ACC_EXEC  8u  /* fetch: checked like a read (no NX without PAE) */

/* #PF error code bits (SDM vol. 3 6.15, interrupt 14). */
#define PF_PRESENT 1u
#define PF_WRITE   2u
#define PF_USER    4u

struct paging_ctx {
    uint32_t cr3;
    int wp;         /* CR0.WP */
    int pse;        /* CR4.PSE */
    int pge;        /* CR4.PGE */
};

struct walk_result {
    uint32_t phys_page; /* physical address of the 4 KiB page */
    int writable;       /* a write with this view is allowed */
    int user;           /* the page is user-accessible */
    int dirty;          /* dirty bit is now set */
    int global;
};

/* Returns 0 and fills *out, or returns PF error code | 0x100 on a fault
 * (the 0x100 keeps a not-present supervisor read distinct from success). */
#define WALK_FAULT 0x100u
uint32_t page_walk(struct phys_mem *mem, const struct paging_ctx *ctx,
                   uint32_t lin, unsigned access, struct walk_result *out);

#endif
