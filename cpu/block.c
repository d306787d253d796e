/* Decoded-block cache; see block.h. */
#include "block.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_of(uint32_t phys)
{
    return ((phys >> 2) ^ (phys >> 13)) & ((1u << BLOCK_HASH_BITS) - 1);
}

struct block_cache *block_cache_create(uint32_t ram_size)
{
    struct block_cache *bc = malloc(sizeof *bc);
    if (!bc)
        return NULL;
    bc->ram_pages = (ram_size + 0xFFF) >> 12;
    bc->page_head = malloc(sizeof(uint32_t) * (bc->ram_pages + 1));
    if (!bc->page_head) {
        free(bc);
        return NULL;
    }
    bc->flushes = bc->builds = bc->invalidations = 0;
    block_cache_flush(bc);
    return bc;
}

void block_cache_destroy(struct block_cache *bc)
{
    if (!bc)
        return;
    free(bc->page_head);
    free(bc);
}

void block_cache_flush(struct block_cache *bc)
{
    memset(bc->hash, 0xFF, sizeof bc->hash);
    memset(bc->jump, 0xFF, sizeof bc->jump);
    memset(bc->page_head, 0xFF, sizeof(uint32_t) * (bc->ram_pages + 1));
    bc->nblocks = bc->ninsns = 0;
    bc->flushes++;
}

struct block *block_begin(struct block_cache *bc, uint32_t phys, bool code32)
{
    if (bc->nblocks >= BLOCK_POOL || bc->ninsns + BLOCK_MAX_INSNS > INSN_POOL)
        block_cache_flush(bc);
    struct block *b = &bc->blocks[bc->nblocks];
    b->phys = phys;
    b->code32 = code32;
    b->first = bc->ninsns;
    b->n = 0;
    b->bytes = 0;
    b->live = 0;
    return b;
}

void block_commit(struct block_cache *bc, struct block *b)
{
    uint32_t idx = (uint32_t)(b - bc->blocks);
    uint32_t h = hash_of(b->phys);
    b->next_hash = bc->hash[h];
    bc->hash[h] = idx;
    uint32_t pfn = b->phys >> 12;
    if (pfn < bc->ram_pages) {
        b->next_page = bc->page_head[pfn];
        bc->page_head[pfn] = idx;
    } else {
        b->next_page = NO_BLOCK;    /* ROM: never written */
    }
    b->live = 1;
    bc->nblocks++;
    bc->ninsns += b->n;
    bc->builds++;
}

static void unlink_hash(struct block_cache *bc, uint32_t idx)
{
    uint32_t *link = &bc->hash[hash_of(bc->blocks[idx].phys)];
    while (*link != NO_BLOCK) {
        if (*link == idx) {
            *link = bc->blocks[idx].next_hash;
            return;
        }
        link = &bc->blocks[*link].next_hash;
    }
}

unsigned block_invalidate_page(struct block_cache *bc, uint32_t pfn)
{
    if (pfn >= bc->ram_pages)
        return 0;
    unsigned n = 0;
    for (uint32_t k = bc->page_head[pfn]; k != NO_BLOCK; k = bc->blocks[k].next_page) {
        if (bc->blocks[k].live) {
            unlink_hash(bc, k);
            bc->blocks[k].live = 0;
            n++;
        }
    }
    bc->page_head[pfn] = NO_BLOCK;
    bc->invalidations += n;
    return n;
}
