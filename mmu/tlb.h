/* Software TLB: direct-mapped, 256 entries per privilege view (supervisor,
 * user). Each entry caches one linear page with a tag per access kind
 * (read, write, execute) and a host pointer to the page's bytes.
 *
 * A tag equals the linear page address (low 12 bits clear) when that access
 * kind may take the fast path: plain RAM (or ROM, for reads), permission
 * already checked, accessed/dirty bits already set. Otherwise the tag has
 * TLB_INVALID (no translation cached) or TLB_SLOW (translated, but the
 * access must go through the slow path: MMIO, a ROM write, a write to a
 * page holding decoded code) set, so the fast compare fails. */
#ifndef EMBER_MMU_TLB_H
#define EMBER_MMU_TLB_H

#include <stdint.h>

#define TLB_BITS 8
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_INVALID 0x1u
#define TLB_SLOW 0x2u

/* The third view is user mode with alignment checking on (CR0.AM, EFLAGS.AC,
 * CPL 3): it is never filled, so every access takes the slow path, which
 * checks alignment; the fast path pays nothing for #AC. */
enum tlb_view { TLB_SUPERVISOR, TLB_USER, TLB_USER_AC, TLB_VIEWS };

struct tlb_entry {
    uint32_t tag_r, tag_w, tag_x;
    uint32_t phys;      /* physical page address */
    uint8_t *host;      /* host bytes of the page, or NULL */
    uint8_t global;     /* from a PGE global page: kept across CR3 loads */
};

struct tlb {
    struct tlb_entry e[TLB_VIEWS][TLB_SIZE];
    uint32_t epoch;     /* bumped by every flush: caches of translations check it */
};

static inline struct tlb_entry *tlb_entry_for(struct tlb *t, int view, uint32_t lin)
{
    return &t->e[view][(lin >> 12) & (TLB_SIZE - 1)];
}

void tlb_flush_all(struct tlb *t);
/* A CR3 load: everything but global pages (when CR4.PGE is on). */
void tlb_flush_nonglobal(struct tlb *t);
/* INVLPG: the entries for one linear page, global or not. */
void tlb_flush_page(struct tlb *t, uint32_t lin);
/* A physical page became a code page: its write entries must go slow. */
void tlb_protect_code_page(struct tlb *t, uint32_t phys_page);

#endif
