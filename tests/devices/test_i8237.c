/* The 8237A DMA controller pair (devices/i8237_dma.c), through its ports
 * as a BIOS programs it, and i8237_transfer as a device drives it. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "i8237_dma.h"

#define RAM_SIZE (2u << 20)

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct i8237_pair *dma;
    int ready_calls;
    int ready_channel;
};

static void on_ready(void *opaque, int channel)
{
    struct rig *r = opaque;
    r->ready_calls++;
    r->ready_channel = channel;
}

static struct rig *rig_new(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(RAM_SIZE);
    r->dma = i8237_create(&r->io, r->mem);
    struct i8237_client client = { on_ready, r };
    for (int c = 0; c < DMA_CHANNELS; c++)
        i8237_set_client(r->dma, c, &client);
    return r;
}

static void rig_free(struct rig *r)
{
    i8237_pair_ops.destroy(r->dma);
    phys_mem_destroy(r->mem);
    free(r);
}

static void outb(struct rig *r, uint32_t port, uint8_t v)
{
    io_write(&r->io, port, v, 1);
}

static uint8_t inb(struct rig *r, uint32_t port)
{
    return (uint8_t)io_read(&r->io, port, 1);
}

/* What SeaBIOS does first: channel 4 cascades the first chip. */
static void enable_cascade(struct rig *r)
{
    outb(r, 0xD6, 0xC0);
    outb(r, 0xD4, 0x00);
}

static const uint8_t page_port[8] = { 0x87, 0x83, 0x81, 0x82, 0x8F, 0x8B, 0x89, 0x8A };

/* Program an 8-bit channel (0-3) like a BIOS: mask, flip-flop, address,
 * count, mode, page, unmask. */
static void program8(struct rig *r, int ch, uint32_t addr, uint16_t count, uint8_t mode)
{
    outb(r, 0x0A, (uint8_t)(4 | ch));
    outb(r, 0x0C, 0);
    outb(r, (uint32_t)(ch * 2), (uint8_t)addr);
    outb(r, (uint32_t)(ch * 2), (uint8_t)(addr >> 8));
    outb(r, (uint32_t)(ch * 2 + 1), (uint8_t)count);
    outb(r, (uint32_t)(ch * 2 + 1), (uint8_t)(count >> 8));
    outb(r, 0x0B, (uint8_t)(mode | ch));
    outb(r, page_port[ch], (uint8_t)(addr >> 16));
    outb(r, 0x0A, (uint8_t)ch);
}

/* A 16-bit channel (5-7): word address and word count. */
static void program16(struct rig *r, int ch, uint32_t byte_addr, uint16_t words_minus_1,
                      uint8_t mode)
{
    int c = ch - 4;
    uint16_t word_addr = (uint16_t)(byte_addr >> 1);
    outb(r, 0xD4, (uint8_t)(4 | c));
    outb(r, 0xD8, 0);
    outb(r, (uint32_t)(0xC0 + c * 4), (uint8_t)word_addr);
    outb(r, (uint32_t)(0xC0 + c * 4), (uint8_t)(word_addr >> 8));
    outb(r, (uint32_t)(0xC2 + c * 4), (uint8_t)words_minus_1);
    outb(r, (uint32_t)(0xC2 + c * 4), (uint8_t)(words_minus_1 >> 8));
    outb(r, 0xD6, (uint8_t)(mode | c));
    outb(r, page_port[ch], (uint8_t)(byte_addr >> 16));
    outb(r, 0xD4, (uint8_t)c);
}

static uint8_t ram(struct rig *r, uint32_t addr)
{
    return r->mem->ram[addr];
}

static void address_and_count_read_back_low_byte_then_high_byte(struct test_ctx *t)
{
    struct rig *r = rig_new();
    program8(r, 1, 0x12345, 0x0ABC, DMA_MODE_WRITE);
    outb(r, 0x0C, 0);
    CHECK_EQ(t, inb(r, 0x02), 0x45);
    CHECK_EQ(t, inb(r, 0x02), 0x23);
    CHECK_EQ(t, inb(r, 0x03), 0xBC);
    CHECK_EQ(t, inb(r, 0x03), 0x0A);
    rig_free(r);
}

static void clearing_the_flip_flop_restarts_at_the_low_byte(struct test_ctx *t)
{
    struct rig *r = rig_new();
    program8(r, 2, 0x4321, 7, DMA_MODE_WRITE);
    outb(r, 0x0C, 0);
    inb(r, 0x04);
    outb(r, 0x0C, 0);
    CHECK_EQ(t, inb(r, 0x04), 0x21);
    rig_free(r);
}

static void a_write_transfer_puts_device_bytes_at_page_and_address(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 2, 0x12000, 511, DMA_MODE_WRITE);
    uint8_t buf[512];
    for (int k = 0; k < 512; k++)
        buf[k] = (uint8_t)(k ^ 0x5A);
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 2, buf, 512, &tc), 512);
    CHECK(t, tc);
    CHECK_EQ(t, ram(r, 0x12000), 0x5A);
    CHECK_EQ(t, ram(r, 0x121FF), (uint8_t)(511 ^ 0x5A));
    CHECK_EQ(t, ram(r, 0x12200), 0);
    rig_free(r);
}

static void a_read_transfer_gives_the_device_memory_bytes(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    for (int k = 0; k < 16; k++)
        r->mem->ram[0x3000 + k] = (uint8_t)(0x80 + k);
    program8(r, 3, 0x3000, 15, DMA_MODE_READ);
    uint8_t buf[16] = { 0 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 3, buf, 16, &tc), 16);
    CHECK_EQ(t, buf[0], 0x80);
    CHECK_EQ(t, buf[15], 0x8F);
    rig_free(r);
}

static void a_verify_transfer_counts_but_moves_nothing(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 2, 0x5000, 99, DMA_MODE_VERIFY);
    uint8_t buf[100];
    memset(buf, 0xEE, sizeof buf);
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 2, buf, 100, &tc), 100);
    CHECK(t, tc);
    CHECK_EQ(t, ram(r, 0x5000), 0);
    CHECK_EQ(t, buf[0], 0xEE);
    rig_free(r);
}

static void terminal_count_sets_the_status_bit_and_masks_the_channel(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 2, 0x1000, 9, DMA_MODE_WRITE);
    uint8_t buf[64] = { 0 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 2, buf, 64, &tc), 10);
    CHECK(t, tc);
    CHECK_EQ(t, inb(r, 0x08) & 0x0F, 0x04);
    CHECK_EQ(t, inb(r, 0x0F) & 0x04, 0x04);
    CHECK_EQ(t, i8237_transfer(r->dma, 2, buf, 64, &tc), 0);
    rig_free(r);
}

static void reading_the_status_clears_the_terminal_count_bits(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 1, 0x1000, 0, DMA_MODE_WRITE);
    uint8_t b = 0;
    bool tc;
    i8237_transfer(r->dma, 1, &b, 1, &tc);
    CHECK_EQ(t, inb(r, 0x08) & 0x0F, 0x02);
    CHECK_EQ(t, inb(r, 0x08) & 0x0F, 0x00);
    rig_free(r);
}

static void auto_initialize_reloads_address_and_count_at_terminal_count(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 1, 0x2000, 3, DMA_MODE_WRITE | DMA_MODE_AUTOINIT);
    uint8_t buf[4] = { 1, 2, 3, 4 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 1, buf, 4, &tc), 4);
    CHECK(t, tc);
    uint8_t again[4] = { 9, 9, 9, 9 };
    CHECK_EQ(t, i8237_transfer(r->dma, 1, again, 4, &tc), 4);
    CHECK_EQ(t, ram(r, 0x2000), 9);
    CHECK_EQ(t, ram(r, 0x2004), 0);
    outb(r, 0x0C, 0);
    CHECK_EQ(t, inb(r, 0x02), 0x00);
    CHECK_EQ(t, inb(r, 0x02), 0x20);
    rig_free(r);
}

static void an_8_bit_channel_wraps_within_its_64_kib_page(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 2, 0x3FFFE, 3, DMA_MODE_WRITE);
    uint8_t buf[4] = { 0xA1, 0xA2, 0xA3, 0xA4 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 2, buf, 4, &tc), 4);
    CHECK_EQ(t, ram(r, 0x3FFFE), 0xA1);
    CHECK_EQ(t, ram(r, 0x3FFFF), 0xA2);
    CHECK_EQ(t, ram(r, 0x30000), 0xA3);     /* not 0x40000: the page stays */
    CHECK_EQ(t, ram(r, 0x30001), 0xA4);
    CHECK_EQ(t, ram(r, 0x40000), 0);
    rig_free(r);
}

static void a_16_bit_channel_moves_words_wrapping_within_128_kib(struct test_ctx *t)
{
    struct rig *r = rig_new();
    program16(r, 5, 0x5FFFC, 3, DMA_MODE_WRITE);
    uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 5, buf, 8, &tc), 8);
    CHECK(t, tc);
    CHECK_EQ(t, ram(r, 0x5FFFC), 1);
    CHECK_EQ(t, ram(r, 0x5FFFF), 4);
    CHECK_EQ(t, ram(r, 0x40000), 5);        /* wrapped to the 128 KiB block's start */
    CHECK_EQ(t, ram(r, 0x40003), 8);
    CHECK_EQ(t, ram(r, 0x60000), 0);
    rig_free(r);
}

static void a_16_bit_channel_ignores_page_bit_0(struct test_ctx *t)
{
    struct rig *r = rig_new();
    program16(r, 6, 0x20010, 0, DMA_MODE_WRITE);
    outb(r, 0x89, 0x03);                    /* page 3: bit 0 is not an address bit */
    uint8_t buf[2] = { 0x77, 0x66 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 6, buf, 2, &tc), 2);
    CHECK_EQ(t, ram(r, 0x20010), 0x77);
    CHECK_EQ(t, ram(r, 0x20011), 0x66);
    rig_free(r);
}

static void address_decrement_mode_moves_downwards(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 3, 0x7003, 3, DMA_MODE_WRITE | DMA_MODE_DECREMENT);
    uint8_t buf[4] = { 0x10, 0x20, 0x30, 0x40 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 3, buf, 4, &tc), 4);
    CHECK_EQ(t, ram(r, 0x7003), 0x10);
    CHECK_EQ(t, ram(r, 0x7000), 0x40);
    rig_free(r);
}

static void a_masked_channel_transfers_nothing(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 2, 0x1000, 15, DMA_MODE_WRITE);
    outb(r, 0x0A, 0x06);
    uint8_t buf[16] = { 0xFF };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 2, buf, 16, &tc), 0);
    CHECK(t, !tc);
    CHECK(t, !i8237_channel_ready(r->dma, 2));
    rig_free(r);
}

static void master_clear_masks_every_channel(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x0E, 0);
    CHECK_EQ(t, inb(r, 0x0F) & 0x0F, 0);
    outb(r, 0x0D, 0);
    CHECK_EQ(t, inb(r, 0x0F) & 0x0F, 0x0F);
    outb(r, 0xDA, 0);
    CHECK_EQ(t, inb(r, 0xDE) & 0x0F, 0x0F);
    rig_free(r);
}

static void unmasking_a_channel_tells_its_device(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    outb(r, 0x0B, DMA_MODE_WRITE | 2);
    r->ready_calls = 0;
    outb(r, 0x0A, 0x02);
    CHECK_EQ(t, r->ready_calls, 1);
    CHECK_EQ(t, r->ready_channel, 2);
    outb(r, 0x0A, 0x02);                    /* already unmasked: no news */
    CHECK_EQ(t, r->ready_calls, 1);
    rig_free(r);
}

static void the_all_mask_register_writes_and_reads_back(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0x0F, 0x05);
    CHECK_EQ(t, inb(r, 0x0F) & 0x0F, 0x05);
    outb(r, 0x0E, 0);
    CHECK_EQ(t, inb(r, 0x0F) & 0x0F, 0x00);
    rig_free(r);
}

static void channel_4_is_the_cascade_and_never_transfers(struct test_ctx *t)
{
    struct rig *r = rig_new();
    program8(r, 2, 0x1000, 15, DMA_MODE_WRITE);
    CHECK(t, i8237_channel_ready(r->dma, 2));   /* even before the BIOS sets up 4 */
    enable_cascade(r);
    CHECK(t, !i8237_channel_ready(r->dma, 4));
    uint8_t buf[2];
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 4, buf, 2, &tc), 0);
    outb(r, 0xD6, 0x04);                    /* not even in another mode */
    CHECK_EQ(t, i8237_transfer(r->dma, 4, buf, 2, &tc), 0);
    rig_free(r);
}

static void the_controller_disable_bit_stops_transfers(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 1, 0x1000, 15, DMA_MODE_WRITE);
    outb(r, 0x08, DMA_CMD_DISABLE);
    uint8_t buf[16] = { 0 };
    bool tc;
    CHECK_EQ(t, i8237_transfer(r->dma, 1, buf, 16, &tc), 0);
    outb(r, 0x08, 0);
    CHECK_EQ(t, i8237_transfer(r->dma, 1, buf, 16, &tc), 16);
    rig_free(r);
}

static void page_registers_read_back(struct test_ctx *t)
{
    struct rig *r = rig_new();
    for (uint32_t p = 0x80; p < 0x90; p++)
        outb(r, p, (uint8_t)(p * 3));
    CHECK_EQ(t, inb(r, 0x81), (uint8_t)(0x81 * 3));
    CHECK_EQ(t, inb(r, 0x8F), (uint8_t)(0x8F * 3));
    rig_free(r);
}

static void the_second_chip_answers_on_odd_ports_too(struct test_ctx *t)
{
    struct rig *r = rig_new();
    outb(r, 0xD8, 0);
    outb(r, 0xC5, 0x34);                    /* channel 5 address, through the alias */
    outb(r, 0xC5, 0x12);
    outb(r, 0xD8, 0);
    CHECK_EQ(t, inb(r, 0xC4), 0x34);
    CHECK_EQ(t, inb(r, 0xC4), 0x12);
    rig_free(r);
}

static void state_survives_a_save_and_load(struct test_ctx *t)
{
    struct rig *r = rig_new();
    enable_cascade(r);
    program8(r, 2, 0x12345, 0x200, DMA_MODE_WRITE | DMA_MODE_AUTOINIT);
    struct device_list list = { 0 };
    device_add(&list, &i8237_pair_ops, r->dma);
    uint8_t buf[4096];
    size_t len = devices_save(&list, buf, sizeof buf);
    i8237_pair_ops.reset(r->dma);
    CHECK(t, !i8237_channel_ready(r->dma, 2));
    CHECK_EQ(t, devices_load(&list, buf, len), 0);
    CHECK(t, i8237_channel_ready(r->dma, 2));
    outb(r, 0x0C, 0);
    CHECK_EQ(t, inb(r, 0x04), 0x45);
    CHECK_EQ(t, inb(r, 0x81), 0x01);
    rig_free(r);
}

static const struct test tests[] = {
    TEST(address_and_count_read_back_low_byte_then_high_byte),
    TEST(clearing_the_flip_flop_restarts_at_the_low_byte),
    TEST(a_write_transfer_puts_device_bytes_at_page_and_address),
    TEST(a_read_transfer_gives_the_device_memory_bytes),
    TEST(a_verify_transfer_counts_but_moves_nothing),
    TEST(terminal_count_sets_the_status_bit_and_masks_the_channel),
    TEST(reading_the_status_clears_the_terminal_count_bits),
    TEST(auto_initialize_reloads_address_and_count_at_terminal_count),
    TEST(an_8_bit_channel_wraps_within_its_64_kib_page),
    TEST(a_16_bit_channel_moves_words_wrapping_within_128_kib),
    TEST(a_16_bit_channel_ignores_page_bit_0),
    TEST(address_decrement_mode_moves_downwards),
    TEST(a_masked_channel_transfers_nothing),
    TEST(master_clear_masks_every_channel),
    TEST(unmasking_a_channel_tells_its_device),
    TEST(the_all_mask_register_writes_and_reads_back),
    TEST(channel_4_is_the_cascade_and_never_transfers),
    TEST(the_controller_disable_bit_stops_transfers),
    TEST(page_registers_read_back),
    TEST(the_second_chip_answers_on_odd_ports_too),
    TEST(state_survives_a_save_and_load),
};

int main(int argc, char **argv)
{
    static const struct suite suite = SUITE("i8237", tests);
    const struct suite *suites[] = { &suite };
    return harness_run(argc, argv, suites, 1);
}
