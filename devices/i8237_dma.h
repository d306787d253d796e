/* The PC/AT DMA controller pair: two Intel 8237A chips, the first
 * serving 8-bit channels 0-3 at ports 0x00-0x0F, the second 16-bit
 * channels 4-7 at 0xC0-0xDF (register n at 0xC0 + 2n; channel 4 cascades
 * the first chip), and the 74LS612 page registers at 0x80-0x8F.
 *
 * References: Intel 8237A High Performance Programmable DMA Controller
 * datasheet (registers, modes, auto-initialize, terminal count, the
 * mask set at TC); IBM PC/AT Technical Reference (the page registers and
 * the 16-bit channels: word addresses, page bit 0 ignored); Intel 82371SB
 * (PIIX3) datasheet 2.5 (the same registers in the PIIX3, and the read of
 * all mask bits at 0x0F/0xDE).
 *
 * Addresses: an 8-bit channel moves bytes at page << 16 | address and
 * its address counter wraps within the 64 KiB page; a 16-bit channel
 * moves words at (page & 0xFE) << 16 | address << 1, wrapping within its
 * 128 KiB. The count register holds transfers - 1; terminal count comes
 * when it rolls over from 0 to 0xFFFF: the status register shows it, and
 * the channel reloads (auto-initialize) or masks itself.
 *
 * Channel 4 is the cascade and never transfers; channels 0-3 are not held
 * back when the BIOS has not programmed it (a kernel booted with the BIOS
 * bypassed never does, and no guest relies on the block).
 *
 * Devices (the floppy controller, later a sound card) do not drive DREQ
 * lines: a device with data calls i8237_transfer, and asks to be told by
 * i8237_set_client when its channel is unmasked. */
#ifndef EMBER_DEVICES_I8237_DMA_H
#define EMBER_DEVICES_I8237_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "device.h"
#include "memory.h"

#define DMA_CHANNELS 8

/* Mode register fields. */
#define DMA_MODE_TYPE   0x0C        /* 00 verify, 04 write (to memory), 08 read (from memory) */
#define DMA_MODE_VERIFY 0x00
#define DMA_MODE_WRITE  0x04
#define DMA_MODE_READ   0x08
#define DMA_MODE_AUTOINIT 0x10
#define DMA_MODE_DECREMENT 0x20
#define DMA_MODE_CASCADE 0xC0

#define DMA_CMD_MEM_TO_MEM 0x01     /* command register: memory-to-memory enable */
#define DMA_CMD_DISABLE 0x04        /* command register: controller disable */

struct cpu;

struct i8237_channel {
    uint16_t base_address, base_count;
    uint16_t address, count;        /* current */
    uint8_t mode;
};

/* One 8237A. */
struct i8237 {
    struct i8237_channel ch[4];
    uint8_t command;
    uint8_t status;                 /* TC bits 3:0, request bits 7:4 */
    uint8_t request;                /* software requests */
    uint8_t mask;                   /* bit n: channel n masked */
    uint8_t temp;
    bool flipflop;                  /* next address/count byte is the high one */
};

/* Told that the channel is unmasked (the device may have data waiting). */
struct i8237_client {
    void (*ready)(void *opaque, int channel);
    void *opaque;
};

struct i8237_pair {
    struct i8237 chip[2];           /* 0: channels 0-3; 1: channels 4-7 */
    uint8_t page[16];               /* 0x80-0x8F */
    struct i8237_client client[DMA_CHANNELS];
    struct phys_mem *mem;
    struct cpu *cpu;                /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops i8237_pair_ops;

/* Maps the ports; NULL without memory. */
struct i8237_pair *i8237_create(struct io_bus *io, struct phys_mem *mem);
void i8237_set_client(struct i8237_pair *dma, int channel, const struct i8237_client *client);

/* The transfer a device asks for on channel (0-7): up to len bytes
 * between buf and memory, in the direction the channel's mode gives
 * (write: buf to memory; read: memory to buf; verify: none). Returns the
 * bytes counted (0 while the channel is masked, cascaded or the chip
 * disabled); *tc tells whether terminal count ended it. A 16-bit channel
 * moves whole words (an odd last byte is left). */
size_t i8237_transfer(struct i8237_pair *dma, int channel, void *buf, size_t len, bool *tc);
/* Is the channel unmasked and programmed for transfers? */
bool i8237_channel_ready(const struct i8237_pair *dma, int channel);

#endif
