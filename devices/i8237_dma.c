/* The DMA controller pair and page registers; see i8237_dma.h.
 * Reference: Intel 8237A datasheet (register map: 0-7 base/current
 * address and count of channels 0-3, 8 status/command, 9 request, A
 * single mask bit, B mode, C clear byte pointer flip-flop, D temporary/
 * master clear, E clear mask, F all mask bits); IBM PC/AT Technical
 * Reference (page registers, 16-bit channels). */
#include "i8237_dma.h"

#include <stdlib.h>
#include <string.h>

#include "debugger.h"

enum {
    REG_STATUS = 8, REG_REQUEST = 9, REG_SINGLE_MASK = 10, REG_MODE = 11,
    REG_CLEAR_FLIPFLOP = 12, REG_TEMP_MASTER_CLEAR = 13, REG_CLEAR_MASK = 14, REG_ALL_MASK = 15,
};

/* Which page register (offset from 0x80) each channel uses. */
static const uint8_t page_index[DMA_CHANNELS] = { 7, 3, 1, 2, 0xF, 0xB, 9, 0xA };

/* ---- readiness ---- */

static bool chip_enabled(const struct i8237 *chip)
{
    return !(chip->command & DMA_CMD_DISABLE);
}

bool i8237_channel_ready(const struct i8237_pair *dma, int channel)
{
    if (channel < 0 || channel >= DMA_CHANNELS || channel == 4)
        return false;
    const struct i8237 *chip = &dma->chip[channel / 4];
    int c = channel % 4;
    uint8_t mode = chip->ch[c].mode;
    return chip_enabled(chip) && !(chip->mask & (1u << c)) &&
           (mode & DMA_MODE_CASCADE) != DMA_MODE_CASCADE && (mode & DMA_MODE_TYPE) != 0x0C;
}

/* Tell the clients whose channels became ready since before (a mask of
 * channels that were ready). */
static void notify_ready(struct i8237_pair *dma, unsigned before)
{
    for (int c = 0; c < DMA_CHANNELS; c++) {
        const struct i8237_client *cl = &dma->client[c];
        if (!(before & (1u << c)) && i8237_channel_ready(dma, c) && cl->ready)
            cl->ready(cl->opaque, c);
    }
}

static unsigned ready_mask(const struct i8237_pair *dma)
{
    unsigned mask = 0;
    for (int c = 0; c < DMA_CHANNELS; c++)
        if (i8237_channel_ready(dma, c))
            mask |= 1u << c;
    return mask;
}

/* ---- transfers ---- */

static uint32_t memory_address(const struct i8237_pair *dma, int channel)
{
    const struct i8237_channel *ch = &dma->chip[channel / 4].ch[channel % 4];
    uint32_t page = dma->page[page_index[channel]];
    if (channel >= 4)
        return (page & 0xFE) << 16 | (uint32_t)ch->address << 1;
    return page << 16 | ch->address;
}

static void move_bytes(struct i8237_pair *dma, uint8_t mode, uint32_t addr, uint8_t *buf,
                       size_t len)
{
    if ((mode & DMA_MODE_TYPE) == DMA_MODE_WRITE)
        phys_write_block(dma->mem, addr, buf, len);
    else if ((mode & DMA_MODE_TYPE) == DMA_MODE_READ)
        phys_read_block(dma->mem, addr, buf, len);
}

/* Terminal count: report it, then reload or mask the channel. */
static void terminal_count(struct i8237 *chip, int c)
{
    struct i8237_channel *ch = &chip->ch[c];
    chip->status |= (uint8_t)(1u << c);
    chip->request &= (uint8_t)~(1u << c);
    if (ch->mode & DMA_MODE_AUTOINIT) {
        ch->address = ch->base_address;
        ch->count = ch->base_count;
    } else {
        chip->mask |= (uint8_t)(1u << c);
    }
}

/* Units the channel can move in one block copy: up to terminal count and
 * (incrementing) up to the wrap of its address counter. */
static size_t run_length(const struct i8237_channel *ch, size_t units)
{
    size_t to_tc = (size_t)ch->count + 1;
    size_t run = units < to_tc ? units : to_tc;
    if (ch->mode & DMA_MODE_DECREMENT)
        return 1;
    size_t to_wrap = 0x10000u - ch->address;
    return run < to_wrap ? run : to_wrap;
}

size_t i8237_transfer(struct i8237_pair *dma, int channel, void *buf, size_t len, bool *tc)
{
    *tc = false;
    if (!i8237_channel_ready(dma, channel))
        return 0;
    struct i8237 *chip = &dma->chip[channel / 4];
    int c = channel % 4;
    struct i8237_channel *ch = &chip->ch[c];
    size_t unit = channel >= 4 ? 2 : 1, units = len / unit, done = 0;
    uint8_t *bytes = buf;
    while (done < units) {
        size_t run = run_length(ch, units - done);
        bool reaches_tc = run == (size_t)ch->count + 1;
        move_bytes(dma, ch->mode, memory_address(dma, channel), bytes + done * unit, run * unit);
        if (ch->mode & DMA_MODE_DECREMENT)
            ch->address = (uint16_t)(ch->address - run);
        else
            ch->address = (uint16_t)(ch->address + run);
        ch->count = (uint16_t)(ch->count - run);
        done += run;
        if (reaches_tc) {
            terminal_count(chip, c);
            *tc = true;
            break;
        }
    }
    return done * unit;
}

/* ---- registers ---- */

static uint8_t read_chip(struct i8237 *chip, unsigned reg)
{
    if (reg < 8) {
        const struct i8237_channel *ch = &chip->ch[reg >> 1];
        uint16_t value = (reg & 1) ? ch->count : ch->address;
        bool high = chip->flipflop;
        chip->flipflop = !chip->flipflop;
        return (uint8_t)(high ? value >> 8 : value);
    }
    switch (reg) {
    case REG_STATUS: {
        uint8_t value = (uint8_t)(chip->status | chip->request << 4);
        chip->status &= 0xF0;       /* reading clears the TC bits */
        return value;
    }
    case REG_TEMP_MASTER_CLEAR:
        return chip->temp;
    case REG_ALL_MASK:
        return (uint8_t)(0xF0 | chip->mask);
    default:
        return 0xFF;
    }
}

static void write_address_or_count(struct i8237 *chip, unsigned reg, uint8_t value)
{
    struct i8237_channel *ch = &chip->ch[reg >> 1];
    uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_address;
    uint16_t *cur = (reg & 1) ? &ch->count : &ch->address;
    if (chip->flipflop)
        *base = (uint16_t)((*base & 0x00FF) | value << 8);
    else
        *base = (uint16_t)((*base & 0xFF00) | value);
    *cur = *base;
    chip->flipflop = !chip->flipflop;
}

static void master_clear(struct i8237 *chip)
{
    chip->command = 0;
    chip->status = 0;
    chip->request = 0;
    chip->temp = 0;
    chip->flipflop = false;
    chip->mask = 0x0F;
}

static void write_chip(struct i8237 *chip, unsigned reg, uint8_t value)
{
    unsigned c = value & 3;
    if (reg < 8) {
        write_address_or_count(chip, reg, value);
        return;
    }
    switch (reg) {
    case REG_STATUS:                /* the command register */
        chip->command = value;
        break;
    case REG_REQUEST:
        if (value & 4)
            chip->request |= (uint8_t)(1u << c);
        else
            chip->request &= (uint8_t)~(1u << c);
        break;
    case REG_SINGLE_MASK:
        if (value & 4)
            chip->mask |= (uint8_t)(1u << c);
        else
            chip->mask &= (uint8_t)~(1u << c);
        break;
    case REG_MODE:
        chip->ch[c].mode = value;
        break;
    case REG_CLEAR_FLIPFLOP:
        chip->flipflop = false;
        break;
    case REG_TEMP_MASTER_CLEAR:
        master_clear(chip);
        break;
    case REG_CLEAR_MASK:
        chip->mask = 0;
        break;
    default:                        /* write all mask bits */
        chip->mask = value & 0x0F;
        break;
    }
}

/* Transfers no device starts: memory-to-memory (channels 0 and 1 copy a
 * block by themselves), a software DREQ (request register), and cascade
 * mode on a channel other than 4, where an ISA bus master would take the
 * bus. Here only devices move data (i8237_transfer): none of these does. */
static void check_unimplemented(struct i8237_pair *dma, int n, unsigned reg, uint8_t value)
{
    int channel = n * 4 + (value & 3);
    if (reg == REG_STATUS && (value & DMA_CMD_MEM_TO_MEM))
        trace_unimp_key(dma, n, "8237 DMA %u command register %02xh enables "
                        "memory-to-memory transfers, which are not implemented: none happen",
                        n + 1, value);
    else if (reg == REG_REQUEST && (value & 4))
        trace_unimp_key(dma, channel, "8237 DMA software request (request register %02xh) "
                        "on channel %d is not implemented: no transfer starts", value, channel);
    else if (reg == REG_MODE && (value & DMA_MODE_CASCADE) == DMA_MODE_CASCADE && channel != 4)
        trace_unimp_key(dma, channel, "8237 DMA cascade mode (mode register %02xh) on channel "
                        "%d is not implemented: no bus master can use it", value, channel);
}

static void chip_access_write(struct i8237_pair *dma, int n, unsigned reg, uint8_t value)
{
    check_unimplemented(dma, n, reg, value);
    unsigned before = ready_mask(dma);
    write_chip(&dma->chip[n], reg, value);
    notify_ready(dma, before);
}

/* The first chip: one register a port. */
static uint32_t chip0_read(void *opaque, uint32_t addr, unsigned size)
{
    struct i8237_pair *dma = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)read_chip(&dma->chip[0], (addr + k) & 15) << (8 * k);
    return value;
}

static void chip0_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        chip_access_write(opaque, 0, (addr + k) & 15, (uint8_t)(value >> (8 * k)));
}

/* The second chip: its A0 is the port's A1, so register n is at 2n (and
 * 2n + 1 answers too). */
static uint32_t chip1_read(void *opaque, uint32_t addr, unsigned size)
{
    struct i8237_pair *dma = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)read_chip(&dma->chip[1], ((addr + k) >> 1) & 15) << (8 * k);
    return value;
}

static void chip1_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size; k++)
        chip_access_write(opaque, 1, ((addr + k) >> 1) & 15, (uint8_t)(value >> (8 * k)));
}

static uint32_t page_read(void *opaque, uint32_t addr, unsigned size)
{
    struct i8237_pair *dma = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)dma->page[(addr + k) & 15] << (8 * k);
    return value;
}

static void page_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct i8237_pair *dma = opaque;
    for (unsigned k = 0; k < size; k++)
        dma->page[(addr + k) & 15] = (uint8_t)(value >> (8 * k));
}

static const struct io_ops chip0_ops = {
    .name = "dma1", .read = chip0_read, .write = chip0_write,
};
static const struct io_ops chip1_ops = {
    .name = "dma2", .read = chip1_read, .write = chip1_write,
};
static const struct io_ops page_ops = {
    .name = "dma-page", .read = page_read, .write = page_write,
};

/* ---- the device ---- */

static void i8237_reset(void *dev)
{
    struct i8237_pair *dma = dev;
    for (int n = 0; n < 2; n++) {
        master_clear(&dma->chip[n]);
        memset(dma->chip[n].ch, 0, sizeof dma->chip[n].ch);
    }
    memset(dma->page, 0, sizeof dma->page);
}

static void i8237_destroy(void *dev)
{
    free(dev);
}

static void i8237_set_cpu(void *dev, struct cpu *cpu)
{
    struct i8237_pair *dma = dev;
    dma->cpu = cpu;
}

static const struct state_field i8237_fields[] = {
    STATE_FIELD(struct i8237_pair, chip),
    STATE_FIELD(struct i8237_pair, page),
};

static const struct device_state i8237_state = {
    .version = 1,
    .fields = i8237_fields,
    .nfields = sizeof i8237_fields / sizeof i8237_fields[0],
};

const struct device_ops i8237_pair_ops = {
    .name = "i8237",
    .reset = i8237_reset,
    .destroy = i8237_destroy,
    .state = &i8237_state,
    .set_cpu = i8237_set_cpu,
};

struct i8237_pair *i8237_create(struct io_bus *io, struct phys_mem *mem)
{
    struct i8237_pair *dma = calloc(1, sizeof *dma);
    if (!dma)
        return NULL;
    dma->mem = mem;
    i8237_reset(dma);
    io_map(io, 0x00, 16, &chip0_ops, dma);
    io_map(io, 0xC0, 32, &chip1_ops, dma);
    io_map(io, 0x80, 16, &page_ops, dma);
    return dma;
}

void i8237_set_client(struct i8237_pair *dma, int channel, const struct i8237_client *client)
{
    if (channel >= 0 && channel < DMA_CHANNELS)
        dma->client[channel] = *client;
}
