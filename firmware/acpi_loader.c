/* The BIOS linker/loader for boots without a BIOS; see acpi_loader.h.
 * References: QEMU hw/acpi/bios-linker-loader.c (the command layout) and
 * SeaBIOS src/fw/romfile_loader.c (what the firmware does with them). */
#include "acpi_loader.h"

#include <stdlib.h>
#include <string.h>

#include "acpi.h"

#define LOADER_MAX_FILES 16

/* Offsets inside one 128-byte command. */
#define CMD_KIND 0
#define CMD_FILE 4                              /* every command's first name */
#define CMD_ALLOC_ALIGN (CMD_FILE + LOADER_FILE_SIZE)
#define CMD_ALLOC_ZONE (CMD_ALLOC_ALIGN + 4)
#define CMD_PTR_SRC (CMD_FILE + LOADER_FILE_SIZE)
#define CMD_PTR_OFFSET (CMD_PTR_SRC + LOADER_FILE_SIZE)
#define CMD_PTR_SIZE (CMD_PTR_OFFSET + 4)
#define CMD_SUM_OFFSET (CMD_FILE + LOADER_FILE_SIZE)
#define CMD_SUM_START (CMD_SUM_OFFSET + 4)
#define CMD_SUM_LENGTH (CMD_SUM_START + 4)

struct placed_file {
    char name[LOADER_FILE_SIZE];
    uint8_t *data;              /* a copy, patched here, then written out */
    uint32_t len;
    uint32_t addr;
};

struct loader_run {
    struct placed_file files[LOADER_MAX_FILES];
    unsigned nfiles;
    uint32_t high_next, low_next;
    struct acpi_placement *p;
    FILE *err;
};

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static int loader_error(struct loader_run *r, const char *what, const char *name)
{
    fprintf(r->err, "ember: ACPI tables: %s '%.*s'\n", what, LOADER_FILE_SIZE, name);
    return -1;
}

static struct placed_file *placed(struct loader_run *r, const uint8_t *name)
{
    for (unsigned k = 0; k < r->nfiles; k++)
        if (!strncmp(r->files[k].name, (const char *)name, LOADER_FILE_SIZE))
            return &r->files[k];
    return NULL;
}

static int allocate(struct loader_run *r, const struct fw_cfg *f, const uint8_t *cmd)
{
    char name[LOADER_FILE_SIZE + 1];
    memcpy(name, cmd + CMD_FILE, LOADER_FILE_SIZE);
    name[LOADER_FILE_SIZE] = 0;
    const struct fw_cfg_item *it = fw_cfg_find_file(f, name);
    if (!it)
        return loader_error(r, "the table loader names a missing file", name);
    if (r->nfiles >= LOADER_MAX_FILES || placed(r, cmd + CMD_FILE))
        return loader_error(r, "too many files, or one allocated twice:", name);
    uint32_t align = le32(cmd + CMD_ALLOC_ALIGN);
    if (align == 0 || (align & (align - 1)))
        return loader_error(r, "an alignment that is not a power of two for", name);
    uint32_t addr;
    if (cmd[CMD_ALLOC_ZONE] == LOADER_ZONE_FSEG) {
        addr = (r->low_next + align - 1) & ~(align - 1);
        if (addr < r->low_next || (uint64_t)addr + it->len > (uint64_t)r->p->low_base + r->p->low_size)
            return loader_error(r, "no room in the low area for", name);
        r->low_next = addr + it->len;
    } else {
        if (it->len > r->high_next - r->p->high_limit)
            return loader_error(r, "no room at the top of RAM for", name);
        addr = (r->high_next - it->len) & ~(align - 1);
        if (addr < r->p->high_limit)
            return loader_error(r, "no room at the top of RAM for", name);
        r->high_next = addr;
    }
    struct placed_file *pf = &r->files[r->nfiles];
    pf->data = malloc(it->len ? it->len : 1);
    if (!pf->data)
        return loader_error(r, "out of memory for", name);
    memcpy(pf->data, it->data, it->len);
    memcpy(pf->name, cmd + CMD_FILE, LOADER_FILE_SIZE);
    pf->len = it->len;
    pf->addr = addr;
    r->nfiles++;
    return 0;
}

static int add_pointer(struct loader_run *r, const uint8_t *cmd)
{
    struct placed_file *dest = placed(r, cmd + CMD_FILE);
    struct placed_file *src = placed(r, cmd + CMD_PTR_SRC);
    uint32_t offset = le32(cmd + CMD_PTR_OFFSET);
    unsigned size = cmd[CMD_PTR_SIZE];
    if (!dest || !src)
        return loader_error(r, "a pointer between files not allocated:",
                            (const char *)(dest ? cmd + CMD_PTR_SRC : cmd + CMD_FILE));
    if ((size != 1 && size != 2 && size != 4 && size != 8) || offset > dest->len ||
        size > dest->len - offset)
        return loader_error(r, "a pointer outside its file", dest->name);
    uint64_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint64_t)dest->data[offset + k] << (8 * k);
    value += src->addr;
    for (unsigned k = 0; k < size; k++)
        dest->data[offset + k] = (uint8_t)(value >> (8 * k));
    return 0;
}

static int add_checksum(struct loader_run *r, const uint8_t *cmd)
{
    struct placed_file *pf = placed(r, cmd + CMD_FILE);
    if (!pf)
        return loader_error(r, "a checksum of a file not allocated:", (const char *)cmd + CMD_FILE);
    uint32_t at = le32(cmd + CMD_SUM_OFFSET), start = le32(cmd + CMD_SUM_START);
    uint32_t length = le32(cmd + CMD_SUM_LENGTH);
    if (at >= pf->len || start > pf->len || length > pf->len - start)
        return loader_error(r, "a checksum outside its file", pf->name);
    /* acpi_checksum gives the byte that zeroes the sum: adding it is
     * subtracting the sum, as the firmware does. */
    pf->data[at] = (uint8_t)(pf->data[at] + acpi_checksum(pf->data + start, length));
    return 0;
}

int acpi_loader_run(const struct fw_cfg *f, struct phys_mem *mem, struct acpi_placement *p,
                    FILE *err)
{
    p->high_base = p->high_top;
    p->rsdp = 0;
    const struct fw_cfg_item *script = fw_cfg_find_file(f, ACPI_FILE_LOADER);
    if (!script)
        return 0;
    struct loader_run r = { .high_next = p->high_top, .low_next = p->low_base, .p = p, .err = err };
    int rc = 0;
    for (uint32_t at = 0; rc == 0 && at + LOADER_ENTRY_SIZE <= script->len; at += LOADER_ENTRY_SIZE) {
        const uint8_t *cmd = script->data + at;
        switch (le32(cmd + CMD_KIND)) {
        case LOADER_ALLOCATE:
            rc = allocate(&r, f, cmd);
            break;
        case LOADER_ADD_POINTER:
            rc = add_pointer(&r, cmd);
            break;
        case LOADER_ADD_CHECKSUM:
            rc = add_checksum(&r, cmd);
            break;
        default:
            break;              /* as SeaBIOS: commands it does not know are skipped */
        }
    }
    for (unsigned k = 0; k < r.nfiles; k++) {
        struct placed_file *pf = &r.files[k];
        if (rc == 0) {
            phys_write_block(mem, pf->addr, pf->data, pf->len);
            if (!strncmp(pf->name, ACPI_FILE_RSDP, LOADER_FILE_SIZE))
                p->rsdp = pf->addr;
        }
        free(pf->data);
    }
    if (rc == 0)
        p->high_base = r.high_next;
    return rc;
}
