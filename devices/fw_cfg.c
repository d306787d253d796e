/* QEMU fw_cfg; see fw_cfg.h. Reference: QEMU docs/specs/fw_cfg.rst. */
#include "fw_cfg.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger.h"

#define FW_CFG_SIG "QEMU"
#define DMA_ACCESS_SIZE 16          /* be32 control, be32 length, be64 address */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* ---- items ---- */

static struct fw_cfg_item *find_item(struct fw_cfg *f, uint16_t key)
{
    for (unsigned k = 0; k < f->nitems; k++)
        if (f->items[k].key == key)
            return &f->items[k];
    return NULL;
}

const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *f, uint16_t key)
{
    return find_item((struct fw_cfg *)f, key);
}

static struct fw_cfg_item *set_item(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    struct fw_cfg_item *it = find_item(f, key);
    if (!it) {
        if (f->nitems >= FW_CFG_MAX_ITEMS)
            return NULL;
        it = &f->items[f->nitems++];
        memset(it, 0, sizeof *it);
        it->key = key;
    }
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy)
        return NULL;
    if (len)
        memcpy(copy, data, len);
    free(it->data);
    it->data = copy;
    it->len = len;
    return it;
}

int fw_cfg_add_bytes(struct fw_cfg *f, uint16_t key, const void *data, uint32_t len)
{
    return set_item(f, key & (uint16_t)~FW_CFG_WRITE_CHANNEL, data, len) ? 0 : -1;
}

int fw_cfg_add_i16(struct fw_cfg *f, uint16_t key, uint16_t value)
{
    uint8_t b[2] = { (uint8_t)value, (uint8_t)(value >> 8) };
    return fw_cfg_add_bytes(f, key, b, sizeof b);
}

int fw_cfg_add_i32(struct fw_cfg *f, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    for (int k = 0; k < 4; k++)
        b[k] = (uint8_t)(value >> (8 * k));
    return fw_cfg_add_bytes(f, key, b, sizeof b);
}

int fw_cfg_add_i64(struct fw_cfg *f, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (uint8_t)(value >> (8 * k));
    return fw_cfg_add_bytes(f, key, b, sizeof b);
}

/* The directory item: a be32 count, then one 64-byte entry per file in key
 * order (SeaBIOS takes them as they come). */
static int rebuild_directory(struct fw_cfg *f)
{
    uint32_t len = 4 + f->nfiles * FW_CFG_DIR_ENTRY_SIZE;
    uint8_t *dir = calloc(1, len);
    if (!dir)
        return -1;
    put_be32(dir, f->nfiles);
    for (unsigned k = 0; k < f->nitems; k++) {
        const struct fw_cfg_item *it = &f->items[k];
        if (it->key < FW_CFG_FILE_FIRST || it->key >= FW_CFG_FILE_FIRST + f->nfiles)
            continue;
        uint8_t *e = dir + 4 + (it->key - FW_CFG_FILE_FIRST) * FW_CFG_DIR_ENTRY_SIZE;
        put_be32(e, it->len);
        put_be16(e + 4, it->key);
        memcpy(e + 8, it->name, FW_CFG_MAX_FILE_NAME);
    }
    int rc = fw_cfg_add_bytes(f, FW_CFG_FILE_DIR, dir, len);
    free(dir);
    return rc;
}

static struct fw_cfg_item *find_file(struct fw_cfg *f, const char *name)
{
    for (unsigned k = 0; k < f->nitems; k++)
        if (f->items[k].key >= FW_CFG_FILE_FIRST && f->items[k].key < FW_CFG_ARCH_LOCAL &&
            !strncmp(f->items[k].name, name, FW_CFG_MAX_FILE_NAME))
            return &f->items[k];
    return NULL;
}

const struct fw_cfg_item *fw_cfg_find_file(const struct fw_cfg *f, const char *name)
{
    return find_file((struct fw_cfg *)f, name);
}

int fw_cfg_add_file(struct fw_cfg *f, const char *name, const void *data, uint32_t len)
{
    if (strlen(name) >= FW_CFG_MAX_FILE_NAME)
        return -1;
    struct fw_cfg_item *old = find_file(f, name);
    uint16_t key = old ? old->key : (uint16_t)(FW_CFG_FILE_FIRST + f->nfiles);
    struct fw_cfg_item *it = set_item(f, key, data, len);
    if (!it)
        return -1;
    memset(it->name, 0, sizeof it->name);
    strcpy(it->name, name);
    if (!old)
        f->nfiles++;
    return rebuild_directory(f);
}

/* ---- the boot order ---- */

#define BOOTORDER_MAX 512

static size_t append_path(char *buf, size_t pos, const char *path)
{
    size_t n = strlen(path);
    if (pos + n + 1 >= BOOTORDER_MAX)
        return pos;
    memcpy(buf + pos, path, n);
    buf[pos + n] = '\n';
    return pos + n + 1;
}

static size_t add_ide(char *buf, size_t pos, const enum fw_cfg_boot_media ide[FW_CFG_IDE_SLOTS],
                      enum fw_cfg_boot_media want)
{
    char path[64];
    for (int k = 0; k < FW_CFG_IDE_SLOTS; k++) {
        if (ide[k] != want)
            continue;
        snprintf(path, sizeof path, "/pci@i0cf8/ide@1,1/drive@%x/disk@%x", k / 2, k % 2);
        pos = append_path(buf, pos, path);
    }
    return pos;
}

int fw_cfg_add_bootorder(struct fw_cfg *f, const char *order,
                         const enum fw_cfg_boot_media ide[FW_CFG_IDE_SLOTS],
                         const bool floppy[FW_CFG_FLOPPIES])
{
    char buf[BOOTORDER_MAX], path[64];
    size_t pos = 0;
    for (const char *c = order; *c; c++) {
        if (*c == 'c')
            pos = add_ide(buf, pos, ide, FW_CFG_BOOT_DISK);
        else if (*c == 'd')
            pos = add_ide(buf, pos, ide, FW_CFG_BOOT_CDROM);
        for (int k = 0; *c == 'a' && k < FW_CFG_FLOPPIES; k++) {
            if (!floppy[k])
                continue;
            snprintf(path, sizeof path, "/pci@i0cf8/isa@1/fdc@03f0/floppy@%x", k);
            pos = append_path(buf, pos, path);
        }
    }
    if (pos > 0)
        buf[pos - 1] = 0;           /* the last newline ends the list */
    return fw_cfg_add_file(f, "bootorder", buf, (uint32_t)pos);
}

/* ---- the data port ---- */

static uint8_t next_byte(struct fw_cfg *f)
{
    const struct fw_cfg_item *it = find_item(f, f->selector & (uint16_t)~FW_CFG_WRITE_CHANNEL);
    if (!it || f->offset >= it->len)
        return 0;
    return it->data[f->offset++];
}

static void select_key(struct fw_cfg *f, uint16_t key)
{
    f->selector = key;
    f->offset = 0;
}

static uint32_t port_read(void *opaque, uint32_t addr, unsigned size)
{
    struct fw_cfg *f = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        if (addr + k == 1)
            value |= (uint32_t)next_byte(f) << (8 * k);
    return value;
}

static void port_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct fw_cfg *f = opaque;
    if (addr == 0)
        select_key(f, (uint16_t)(size == 1 ? value & 0xFF : value & 0xFFFF));
    /* Writes to the data port are ignored (fw_cfg.rst: read only since
     * QEMU 2.4). */
}

static const struct io_ops port_ops = { .name = "fw_cfg", .read = port_read, .write = port_write };

/* ---- DMA ---- */

/* Copy len bytes of the selected item to guest memory at dest; past its
 * end the guest gets zeros. */
static void copy_out(struct fw_cfg *f, uint32_t dest, uint32_t len)
{
    const struct fw_cfg_item *it = find_item(f, f->selector & (uint16_t)~FW_CFG_WRITE_CHANNEL);
    uint32_t avail = it && f->offset < it->len ? it->len - f->offset : 0;
    uint32_t n = len < avail ? len : avail;
    if (n) {
        phys_write_block(f->mem, dest, it->data + f->offset, n);
        f->offset += n;
    }
    static const uint8_t zeros[256];
    for (uint32_t done = n; done < len;) {
        uint32_t z = len - done < sizeof zeros ? len - done : (uint32_t)sizeof zeros;
        phys_write_block(f->mem, dest + done, zeros, z);
        done += z;
    }
}

static void skip(struct fw_cfg *f, uint32_t len)
{
    const struct fw_cfg_item *it = find_item(f, f->selector & (uint16_t)~FW_CFG_WRITE_CHANNEL);
    if (!it)
        return;
    uint64_t end = (uint64_t)f->offset + len;
    f->offset = end > it->len ? it->len : (uint32_t)end;
}

/* Runs the FWCfgDmaAccess at guest address access and writes back its
 * control word: 0, or ERROR for a write (no item is writable) or an
 * address above 4 GiB. */
static void dma_transfer(struct fw_cfg *f, uint64_t access)
{
    if (access > 0xFFFFFFFFull - DMA_ACCESS_SIZE)
        return;
    uint8_t d[DMA_ACCESS_SIZE];
    phys_read_block(f->mem, (uint32_t)access, d, sizeof d);
    uint32_t control = be32(d), length = be32(d + 4);
    uint64_t address = (uint64_t)be32(d + 8) << 32 | be32(d + 12);
    uint32_t status = 0;
    if (control & FW_CFG_DMA_CTL_SELECT)
        select_key(f, (uint16_t)(control >> 16));
    if (control & FW_CFG_DMA_CTL_WRITE) {
        trace_unimp_key(f, f->selector, "fw_cfg DMA write of %u bytes to item %04xh is not "
                        "implemented (no item is writable): the transfer ends with an error",
                        length, f->selector);
        status = FW_CFG_DMA_CTL_ERROR;
    } else if (control & FW_CFG_DMA_CTL_READ) {
        if (address + length > 0x100000000ull)
            status = FW_CFG_DMA_CTL_ERROR;
        else
            copy_out(f, (uint32_t)address, length);
    } else if (control & FW_CFG_DMA_CTL_SKIP) {
        skip(f, length);
    }
    uint8_t done[4];
    put_be32(done, status);
    phys_write_block(f->mem, (uint32_t)access, done, sizeof done);
}

static uint32_t dma_read(void *opaque, uint32_t addr, unsigned size)
{
    (void)opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size && addr + k < 8; k++) {
        uint8_t byte = (uint8_t)(FW_CFG_DMA_SIGNATURE >> (8 * (7 - (addr + k))));
        value |= (uint32_t)byte << (8 * k);
    }
    return value;
}

static void dma_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct fw_cfg *f = opaque;
    bool go = false;
    for (unsigned k = 0; k < size && addr + k < 8; k++) {
        f->dma_address[addr + k] = (uint8_t)(value >> (8 * k));
        go = go || addr + k == 7;       /* the low half is complete */
    }
    if (!go)
        return;
    uint64_t access = 0;
    for (int k = 0; k < 8; k++)
        access = access << 8 | f->dma_address[k];
    memset(f->dma_address, 0, sizeof f->dma_address);
    dma_transfer(f, access);
}

static const struct io_ops dma_ops = { .name = "fw_cfg-dma", .read = dma_read, .write = dma_write };

/* ---- device ---- */

static void fw_cfg_reset(void *dev)
{
    struct fw_cfg *f = dev;
    select_key(f, FW_CFG_SIGNATURE);
    memset(f->dma_address, 0, sizeof f->dma_address);
}

void fw_cfg_destroy(struct fw_cfg *f)
{
    if (!f)
        return;
    for (unsigned k = 0; k < f->nitems; k++)
        free(f->items[k].data);
    free(f);
}

static void fw_cfg_destroy_dev(void *dev)
{
    fw_cfg_destroy(dev);
}

static void fw_cfg_set_cpu(void *dev, struct cpu *cpu)
{
    struct fw_cfg *f = dev;
    f->cpu = cpu;
}

static const struct state_field fw_cfg_fields[] = {
    STATE_FIELD(struct fw_cfg, selector),
    STATE_FIELD(struct fw_cfg, offset),
    STATE_FIELD(struct fw_cfg, dma_address),
};

static const struct device_state fw_cfg_state = {
    .version = 1, .fields = fw_cfg_fields, .nfields = sizeof fw_cfg_fields / sizeof fw_cfg_fields[0],
};

const struct device_ops fw_cfg_ops = {
    .name = "fw_cfg", .reset = fw_cfg_reset, .destroy = fw_cfg_destroy_dev, .state = &fw_cfg_state,
    .set_cpu = fw_cfg_set_cpu,
};

struct fw_cfg *fw_cfg_create(struct io_bus *io, struct phys_mem *mem)
{
    struct fw_cfg *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->mem = mem;
    if (fw_cfg_add_bytes(f, FW_CFG_SIGNATURE, FW_CFG_SIG, 4) < 0 ||
        fw_cfg_add_i32(f, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA) < 0 ||
        rebuild_directory(f) < 0 ||
        io_map(io, FW_CFG_PORT_SEL, 2, &port_ops, f) < 0 ||
        io_map(io, FW_CFG_PORT_DMA, 8, &dma_ops, f) < 0) {
        fw_cfg_destroy(f);
        return NULL;
    }
    fw_cfg_reset(f);
    return f;
}
