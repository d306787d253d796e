/* The e820 map for fw_cfg; see e820.h. */
#include "e820.h"

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

size_t e820_pc_map(uint32_t ram_size, struct e820_entry *out, size_t max)
{
    if (max < 1 || ram_size == 0)
        return 0;
    out[0] = (struct e820_entry){ .address = 0, .length = ram_size, .type = E820_RAM };
    return 1;
}

void e820_encode(const struct e820_entry *entries, size_t n, uint8_t *buf)
{
    for (size_t k = 0; k < n; k++) {
        uint8_t *p = buf + k * E820_ENTRY_SIZE;
        put_le(p, entries[k].address, 8);
        put_le(p + 8, entries[k].length, 8);
        put_le(p + 16, entries[k].type, 4);
    }
}
