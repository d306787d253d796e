/* Physical address space; see memory.h. */
#include "memory.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct phys_mem *phys_mem_create(uint32_t ram_size)
{
    struct phys_mem *mem = calloc(1, sizeof *mem);
    if (!mem)
        return NULL;
    ram_size = (ram_size + 0xFFF) & ~0xFFFu;
    mem->ram = calloc(1, ram_size ? ram_size : 1);
    mem->code_chunks = calloc((ram_size >> 12) + 1, sizeof(uint64_t));
    if (!mem->ram || !mem->code_chunks) {
        phys_mem_destroy(mem);
        return NULL;
    }
    mem->ram_size = ram_size;
    mem->a20_mask = 0xFFFFFFFFu;
    if (ram_size)
        phys_map_alias(mem, 0, ram_size, PHYS_RAM, mem->ram);
    return mem;
}

void phys_mem_destroy(struct phys_mem *mem)
{
    if (!mem)
        return;
    for (unsigned k = 0; k < mem->nregions; k++)
        if (mem->regions[k].kind == PHYS_ROM && mem->regions[k].host &&
            mem->regions[k].opaque == mem) /* ROM bytes we own */
            free(mem->regions[k].host);
    free(mem->ram);
    free(mem->code_chunks);
    free(mem);
}

static int add_region(struct phys_mem *mem, const struct phys_region *r)
{
    if (mem->nregions >= PHYS_MAX_REGIONS || (r->base & 0xFFF) || !r->size ||
        (uint64_t)r->base + r->size > 0x100000000ull)
        return -1;
    mem->regions[mem->nregions++] = *r;
    uint32_t first = r->base >> 12;
    uint32_t pages = (r->size + 0xFFF) >> 12;
    memset(&mem->page_region[first], (int)mem->nregions, pages);
    memset(&mem->page_write[first], (int)mem->nregions, pages);
    return 0;
}

int phys_map_rom(struct phys_mem *mem, uint32_t base, uint32_t size,
                 const void *data, size_t data_len)
{
    size_t whole = ((size_t)size + 0xFFF) & ~(size_t)0xFFF;   /* pages are mapped whole */
    uint8_t *bytes = malloc(whole ? whole : 1);
    if (!bytes)
        return -1;
    memset(bytes, 0xFF, whole);
    memcpy(bytes, data, data_len < size ? data_len : size);
    struct phys_region r = { .base = base, .size = size, .kind = PHYS_ROM,
                             .host = bytes, .opaque = mem };
    if (add_region(mem, &r) < 0) {
        free(bytes);
        return -1;
    }
    return 0;
}

int phys_map_alias(struct phys_mem *mem, uint32_t base, uint32_t size,
                   enum phys_kind kind, uint8_t *host)
{
    struct phys_region r = { .base = base, .size = size, .kind = kind, .host = host };
    return add_region(mem, &r);
}

int phys_map_mmio(struct phys_mem *mem, uint32_t base, uint32_t size,
                  const struct io_ops *ops, void *opaque)
{
    struct phys_region r = { .base = base, .size = size, .kind = PHYS_MMIO,
                             .ops = ops, .opaque = opaque };
    return add_region(mem, &r);
}

void phys_set_a20(struct phys_mem *mem, int enabled)
{
    uint32_t mask = enabled ? 0xFFFFFFFFu : ~(1u << 20);
    if (mask == mem->a20_mask)
        return;
    mem->a20_mask = mask;
    if (mem->a20_changed)
        mem->a20_changed(mem->a20_opaque);
}

int phys_region_at(const struct phys_mem *mem, uint32_t paddr)
{
    return mem->page_region[paddr >> 12];
}

int phys_route(struct phys_mem *mem, uint32_t base, uint32_t size, int read_handle,
               int write_handle)
{
    if ((base & 0xFFF) || (size & 0xFFF) || (uint64_t)base + size > 0x100000000ull ||
        read_handle < 0 || write_handle < 0 || read_handle > (int)mem->nregions ||
        write_handle > (int)mem->nregions)
        return -1;
    memset(&mem->page_region[base >> 12], read_handle, size >> 12);
    memset(&mem->page_write[base >> 12], write_handle, size >> 12);
    if (mem->map_changed)
        mem->map_changed(mem->map_opaque);
    return 0;
}

uint8_t *phys_host_ptr(struct phys_mem *mem, uint32_t paddr, int for_write)
{
    const struct phys_region *r = for_write ? phys_write_region_of(mem, paddr)
                                            : phys_region_of(mem, paddr);
    if (!r || !r->host)
        return NULL;
    if (r->kind == PHYS_ROM && for_write)
        return NULL;
    return r->host + (paddr - r->base);
}

static uint64_t chunk_mask(uint32_t paddr, uint32_t len)
{
    unsigned first = (paddr & 0xFFF) >> 6, last = ((paddr & 0xFFF) + len - 1) >> 6;
    if (last > 63)
        last = 63;
    uint64_t upto_last = last == 63 ? ~0ull : (2ull << last) - 1;
    return upto_last & ~((1ull << first) - 1);
}

void phys_mark_code(struct phys_mem *mem, uint32_t paddr, uint32_t len)
{
    if (paddr < mem->ram_size && len)
        mem->code_chunks[paddr >> 12] |= chunk_mask(paddr, len);
}

void phys_code_write(struct phys_mem *mem, uint32_t paddr, uint32_t len)
{
    if (paddr >= mem->ram_size || !(mem->code_chunks[paddr >> 12] & chunk_mask(paddr, len)))
        return;
    mem->code_chunks[paddr >> 12] = 0;
    if (mem->code_written)
        mem->code_written(mem->code_opaque, paddr >> 12);
}

static uint32_t load_le(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < size; k++)
        v |= (uint32_t)p[k] << (8 * k);
    return v;
}

static void store_le(uint8_t *p, uint32_t v, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

uint32_t phys_read(struct phys_mem *mem, uint32_t paddr, unsigned size)
{
    const struct phys_region *r = phys_region_of(mem, paddr);
    if (!r)
        return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
    if (r->host)
        return load_le(r->host + (paddr - r->base), size);
    if (r->ops && r->ops->read)
        return r->ops->read(r->opaque, paddr - r->base, size);
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

void phys_write(struct phys_mem *mem, uint32_t paddr, uint32_t value, unsigned size)
{
    const struct phys_region *r = phys_write_region_of(mem, paddr);
    if (!r)
        return;
    if (r->kind == PHYS_RAM) {
        phys_code_write(mem, paddr, size);
        store_le(r->host + (paddr - r->base), value, size);
    } else if (r->kind == PHYS_MMIO && r->ops && r->ops->write) {
        r->ops->write(r->opaque, paddr - r->base, value, size);
    }
}

void phys_read_block(struct phys_mem *mem, uint32_t paddr, void *dst, size_t len)
{
    uint8_t *out = dst;
    for (size_t k = 0; k < len; k++)
        out[k] = (uint8_t)phys_read(mem, (uint32_t)(paddr + k), 1);
}

void phys_write_block(struct phys_mem *mem, uint32_t paddr, const void *src, size_t len)
{
    const uint8_t *in = src;
    while (len) {
        uint32_t chunk = 0x1000 - (paddr & 0xFFF);
        if (chunk > len)
            chunk = (uint32_t)len;
        uint8_t *host = phys_host_ptr(mem, paddr, 1);
        if (host) {
            phys_code_write(mem, paddr, chunk);
            memcpy(host, in, chunk);
        } else {
            for (uint32_t k = 0; k < chunk; k++)
                phys_write(mem, paddr + k, in[k], 1);
        }
        paddr += chunk;
        in += chunk;
        len -= chunk;
    }
}

int phys_create_region(struct phys_mem *mem, enum phys_kind kind, uint32_t size, uint8_t *host,
                       const struct io_ops *ops, void *opaque)
{
    if (mem->nregions >= PHYS_MAX_REGIONS || !size || (size & 0xFFF))
        return -1;
    struct phys_region *r = &mem->regions[mem->nregions++];
    *r = (struct phys_region){ .size = size, .kind = kind, .host = host, .ops = ops,
                               .opaque = opaque, .hidden = 1 };
    return (int)mem->nregions;
}

static bool valid_handle(const struct phys_mem *mem, int handle)
{
    return handle > 0 && handle <= (int)mem->nregions;
}

/* The newest visible region other than skip that covers the page. */
static uint8_t region_below(const struct phys_mem *mem, uint32_t page, int skip)
{
    uint64_t addr = (uint64_t)page << 12;
    for (int k = (int)mem->nregions; k > 0; k--) {
        const struct phys_region *r = &mem->regions[k - 1];
        if (k != skip && !r->hidden && addr >= r->base && addr < (uint64_t)r->base + r->size)
            return (uint8_t)k;
    }
    return 0;
}

static void uncover(struct phys_mem *mem, int handle)
{
    const struct phys_region *r = &mem->regions[handle - 1];
    uint32_t first = r->base >> 12, pages = r->size >> 12;
    for (uint32_t p = first; p < first + pages; p++) {
        if (mem->page_region[p] == handle)
            mem->page_region[p] = region_below(mem, p, handle);
        if (mem->page_write[p] == handle)
            mem->page_write[p] = region_below(mem, p, handle);
    }
}

int phys_place_region(struct phys_mem *mem, int handle, uint32_t base)
{
    if (!valid_handle(mem, handle) || (base & 0xFFF))
        return -1;
    struct phys_region *r = &mem->regions[handle - 1];
    if ((uint64_t)base + r->size > 0x100000000ull)
        return -1;
    if (!r->hidden)
        uncover(mem, handle);
    r->base = base;
    r->hidden = 0;
    memset(&mem->page_region[base >> 12], handle, r->size >> 12);
    memset(&mem->page_write[base >> 12], handle, r->size >> 12);
    if (mem->map_changed)
        mem->map_changed(mem->map_opaque);
    return 0;
}

void phys_hide_region(struct phys_mem *mem, int handle)
{
    if (!valid_handle(mem, handle) || mem->regions[handle - 1].hidden)
        return;
    uncover(mem, handle);
    mem->regions[handle - 1].hidden = 1;
    if (mem->map_changed)
        mem->map_changed(mem->map_opaque);
}
