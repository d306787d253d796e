/* The physical address space (32 bits): RAM from 0, ROM images, MMIO
 * regions with handlers, and the A20 gate. Lookup is per 4 KiB page: each
 * page belongs to one region (a later mapping replaces an earlier one, so a
 * BIOS image can sit over RAM at 0xE0000). Unassigned memory reads as all
 * ones and ignores writes.
 *
 * Code tracking: for each RAM page, a mask of the 64-byte chunks from which
 * the CPU has decoded instructions. A write that touches a marked chunk (by
 * the CPU's slow path or a device's DMA) calls code_written so the decoded
 * blocks on that page are dropped; writes to the page's other chunks (data
 * sharing a page with code) cost only the slow path. */
#ifndef EMBER_MMU_MEMORY_H
#define EMBER_MMU_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "bus.h"

enum phys_kind { PHYS_UNASSIGNED, PHYS_RAM, PHYS_ROM, PHYS_MMIO };

struct phys_region {
    uint32_t base, size;
    enum phys_kind kind;
    uint8_t *host;              /* RAM or ROM bytes for [base, base+size) */
    const struct io_ops *ops;   /* MMIO */
    void *opaque;
    int hidden;                 /* a movable region not mapped now */
};

#define PHYS_PAGES (1u << 20)
#define PHYS_MAX_REGIONS 64

struct phys_mem {
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t a20_mask;          /* 0xFFFFFFFF, or 0xFFEFFFFF with A20 off */
    unsigned nregions;
    struct phys_region regions[PHYS_MAX_REGIONS];
    uint8_t page_region[PHYS_PAGES]; /* reads: 0 = unassigned, else index+1 */
    uint8_t page_write[PHYS_PAGES];  /* writes: the same, unless routed apart */
    uint64_t *code_chunks;      /* per RAM page: 64-byte chunks holding code */
    void (*code_written)(void *opaque, uint32_t pfn);
    void *code_opaque;
    void (*a20_changed)(void *opaque);
    void *a20_opaque;
    void (*map_changed)(void *opaque);  /* routing changed (PAM) */
    void *map_opaque;
};

/* Returns NULL when the RAM cannot be allocated. */
struct phys_mem *phys_mem_create(uint32_t ram_size);
void phys_mem_destroy(struct phys_mem *mem);

/* Each returns 0, or -1 when the region table is full or the range bad. */
int phys_map_rom(struct phys_mem *mem, uint32_t base, uint32_t size,
                 const void *data, size_t data_len);
/* Another window onto an existing region's bytes (a ROM alias). */
int phys_map_alias(struct phys_mem *mem, uint32_t base, uint32_t size,
                   enum phys_kind kind, uint8_t *host);
int phys_map_mmio(struct phys_mem *mem, uint32_t base, uint32_t size,
                  const struct io_ops *ops, void *opaque);

void phys_set_a20(struct phys_mem *mem, int enabled);

/* The region (index + 1) that reads of paddr reach, 0 if none. */
int phys_region_at(const struct phys_mem *mem, uint32_t paddr);
/* Route reads and writes of [base, base+size) (page-aligned) to two regions
 * given as phys_region_at() handles (0 = nothing): the i440FX's PAM shadow
 * RAM control, e.g. read ROM and write RAM while the BIOS copies itself.
 * Calls map_changed. Returns 0, or -1 for a bad range or handle. */
int phys_route(struct phys_mem *mem, uint32_t base, uint32_t size, int read_handle,
               int write_handle);

/* Regions that move (PCI BARs): create one hidden, then place it at a
 * page-aligned base or hide it again. The pages it leaves go back to the
 * newest other visible region covering them (RAM, the BIOS), or to nothing.
 * Both call map_changed. create returns the handle (> 0) or -1; place
 * returns 0, or -1 for a bad handle or range. */
int phys_create_region(struct phys_mem *mem, enum phys_kind kind, uint32_t size, uint8_t *host,
                       const struct io_ops *ops, void *opaque);
int phys_place_region(struct phys_mem *mem, int handle, uint32_t base);
void phys_hide_region(struct phys_mem *mem, int handle);

static inline const struct phys_region *phys_write_region_of(const struct phys_mem *mem,
                                                            uint32_t paddr)
{
    uint8_t idx = mem->page_write[paddr >> 12];
    return idx ? &mem->regions[idx - 1] : NULL;
}

static inline const struct phys_region *phys_region_of(const struct phys_mem *mem,
                                                      uint32_t paddr)
{
    uint8_t idx = mem->page_region[paddr >> 12];
    return idx ? &mem->regions[idx - 1] : NULL;
}

/* Host pointer to the byte at paddr for a RAM page (or, when !for_write,
 * a ROM page), else NULL. The pointer is good up to the end of the page. */
uint8_t *phys_host_ptr(struct phys_mem *mem, uint32_t paddr, int for_write);

/* Slow, general accessors (any region); size is 1, 2 or 4 and the access
 * must not cross a page. Writes to code pages call code_written. */
uint32_t phys_read(struct phys_mem *mem, uint32_t paddr, unsigned size);
void phys_write(struct phys_mem *mem, uint32_t paddr, uint32_t value, unsigned size);
/* Byte ranges of any length, for loaders and DMA. */
void phys_read_block(struct phys_mem *mem, uint32_t paddr, void *dst, size_t len);
void phys_write_block(struct phys_mem *mem, uint32_t paddr, const void *src, size_t len);

static inline int phys_is_code_page(const struct phys_mem *mem, uint32_t paddr)
{
    return paddr < mem->ram_size && mem->code_chunks[paddr >> 12] != 0;
}
/* Marks [paddr, paddr + len) (within one page) as holding decoded code. */
void phys_mark_code(struct phys_mem *mem, uint32_t paddr, uint32_t len);
/* A write of len bytes at paddr (within one page) is about to happen: if
 * it touches code, drop the page's marks and tell the CPU (code_written). */
void phys_code_write(struct phys_mem *mem, uint32_t paddr, uint32_t len);

#endif
