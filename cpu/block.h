/* Decoded-block cache. A block is a run of decoded instructions starting at
 * a physical address, decoded under one CS.D, ending at a control transfer
 * or mode change (END in opcodes.def), at the end of the page, or after
 * BLOCK_MAX_INSNS. Blocks never cross a page, so a block is valid as long
 * as its one page is not written; a write to the page drops every block on
 * it (self-modifying code). An instruction that itself crosses a page is
 * decoded afresh each time it runs (see cpu.c). */
#ifndef EMBER_CPU_BLOCK_H
#define EMBER_CPU_BLOCK_H

#include <stdint.h>

#include "decode.h"

#define BLOCK_MAX_INSNS 32
#define BLOCK_HASH_BITS 15
#define BLOCK_POOL 32768u        /* blocks; all are dropped when it fills */
#define INSN_POOL (BLOCK_POOL * 8u)
#define NO_BLOCK 0xFFFFFFFFu

struct block {
    uint32_t phys;          /* physical address of the first byte */
    uint32_t bytes;         /* length in bytes of all instructions */
    uint32_t first;         /* index of the first insn in the insn pool */
    uint32_t next_hash;     /* chain in the hash bucket */
    uint32_t next_page;     /* chain of blocks on the same page */
    uint16_t n;             /* number of instructions */
    uint8_t code32;         /* CS.D it was decoded under */
    uint8_t live;
};

/* The jump cache: linear EIP to block, skipping the TLB and the hash. An
 * entry holds while the TLB epoch it was made in lasts (any TLB flush may
 * change a linear-to-physical mapping) and the block is live. */
#define JUMP_CACHE_BITS 12
struct jump_entry {
    uint32_t lin;
    uint32_t mode;      /* view << 1 | CS.D */
    uint32_t epoch;
    uint32_t block;
};

struct block_cache {
    uint32_t hash[1u << BLOCK_HASH_BITS];
    struct jump_entry jump[1u << JUMP_CACHE_BITS];
    uint32_t nblocks, ninsns;
    uint32_t *page_head;    /* per RAM page: first block on it */
    uint32_t ram_pages;
    uint64_t flushes, builds, invalidations;
    struct block blocks[BLOCK_POOL];
    struct insn insns[INSN_POOL];
};

struct block_cache *block_cache_create(uint32_t ram_size);
void block_cache_destroy(struct block_cache *bc);
void block_cache_flush(struct block_cache *bc);

static inline struct jump_entry *jump_slot(struct block_cache *bc, uint32_t lin)
{
    return &bc->jump[(lin ^ (lin >> JUMP_CACHE_BITS)) & ((1u << JUMP_CACHE_BITS) - 1)];
}

/* Find the block at phys for this CS.D, or NULL. */
static inline struct block *block_find(struct block_cache *bc, uint32_t phys, bool code32)
{
    uint32_t h = ((phys >> 2) ^ (phys >> 13)) & ((1u << BLOCK_HASH_BITS) - 1);
    for (uint32_t k = bc->hash[h]; k != NO_BLOCK; k = bc->blocks[k].next_hash) {
        struct block *b = &bc->blocks[k];
        if (b->phys == phys && b->code32 == code32)
            return b;
    }
    return NULL;
}

/* Reserve room for a new block of up to BLOCK_MAX_INSNS (flushing the
 * cache if it is full); fill its insns, then call block_commit. */
struct block *block_begin(struct block_cache *bc, uint32_t phys, bool code32);
void block_commit(struct block_cache *bc, struct block *b);
static inline struct insn *block_insns(struct block_cache *bc, const struct block *b)
{
    return &bc->insns[b->first];
}

/* Drop every block on a physical page; returns how many. */
unsigned block_invalidate_page(struct block_cache *bc, uint32_t pfn);

#endif
