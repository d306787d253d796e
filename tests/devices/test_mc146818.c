/* The MC146818A RTC/CMOS, driven through ports 0x70/0x71 while a
 * hand-advanced virtual clock runs the timers: time keeping in its data
 * modes, update timing and UIP, the three interrupts and register C, the
 * divider, SET, DSE, and the PC CMOS layout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "harness.h"
#include "machine.h"
#include "mc146818_rtc.h"

#define MS 1000000ull
#define US 1000ull

struct fixture {
    struct io_bus io;
    struct clock clock;
    struct mc146818 *rtc;
    int irq8;
    unsigned irq_raises;
};

static void record_irq8(void *opaque, int n, int level)
{
    struct fixture *f = opaque;
    (void)n;
    if (level && !f->irq8)
        f->irq_raises++;
    f->irq8 = level;
}

static struct fixture *setup(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    io_bus_init(&f->io);
    clock_init(&f->clock);
    struct irq_line irq = { .set = record_irq8, .opaque = f, .n = 8 };
    f->rtc = mc146818_create(&f->io, &f->clock, irq);
    return f;
}

static void teardown(struct fixture *f)
{
    mc146818_ops.destroy(f->rtc);
    free(f);
}

static void run_to_ns(struct fixture *f, uint64_t ns)
{
    while (clock_next_deadline(&f->clock) <= ns) {
        uint64_t deadline = clock_next_deadline(&f->clock);
        if (deadline > f->clock.now)
            f->clock.now = deadline;
        clock_run_timers(&f->clock);
    }
    f->clock.now = ns;
}

static uint8_t cmos(struct fixture *f, uint8_t index)
{
    io_write(&f->io, 0x70, index, 1);
    return (uint8_t)io_read(&f->io, 0x71, 1);
}

static void set_cmos(struct fixture *f, uint8_t index, uint8_t v)
{
    io_write(&f->io, 0x70, index, 1);
    io_write(&f->io, 0x71, v, 1);
}

/* Updates come at 0.5 s, 1.5 s, ... after the divider started (time 0). */
static uint64_t update_ns(unsigned n)
{
    return 500 * MS + n * 1000 * MS;
}

static void check_time(struct test_ctx *t, struct fixture *f, uint8_t year, uint8_t month,
                       uint8_t day, uint8_t hours, uint8_t minutes, uint8_t seconds)
{
    CHECK_EQ(t, cmos(f, RTC_YEAR), year);
    CHECK_EQ(t, cmos(f, RTC_MONTH), month);
    CHECK_EQ(t, cmos(f, RTC_DATE_OF_MONTH), day);
    CHECK_EQ(t, cmos(f, RTC_HOURS), hours);
    CHECK_EQ(t, cmos(f, RTC_MINUTES), minutes);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), seconds);
}

static void the_clock_reads_the_set_time_in_bcd_24_hour_mode(struct test_ctx *t)
{
    struct fixture *f = setup();
    mc146818_set_time(f->rtc, 1709164798);     /* 2024-02-28 23:59:58, a Wednesday */
    check_time(t, f, 0x24, 0x02, 0x28, 0x23, 0x59, 0x58);
    CHECK_EQ(t, cmos(f, RTC_DAY_OF_WEEK), 4);
    CHECK_EQ(t, cmos(f, CMOS_CENTURY), 0x20);
    CHECK_EQ(t, cmos(f, RTC_REG_A), 0x26);
    CHECK_EQ(t, cmos(f, RTC_REG_B), 0x02);
    teardown(f);
}

static void the_first_update_comes_half_a_second_after_the_divider_starts(struct test_ctx *t)
{
    struct fixture *f = setup();
    run_to_ns(f, update_ns(0) - 1);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x00);
    run_to_ns(f, update_ns(0));
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x01);
    run_to_ns(f, update_ns(59));
    check_time(t, f, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00);
    teardown(f);
}

static void updates_carry_into_a_leap_day_and_the_new_year(struct test_ctx *t)
{
    struct fixture *f = setup();
    mc146818_set_time(f->rtc, 1709164798);     /* 2024-02-28 23:59:58 */
    run_to_ns(f, update_ns(1));
    check_time(t, f, 0x24, 0x02, 0x29, 0x00, 0x00, 0x00);
    CHECK_EQ(t, cmos(f, RTC_DAY_OF_WEEK), 5);
    mc146818_set_time(f->rtc, 1704067199);     /* 2023-12-31 23:59:59, a Sunday */
    run_to_ns(f, update_ns(2));
    check_time(t, f, 0x24, 0x01, 0x01, 0x00, 0x00, 0x00);
    CHECK_EQ(t, cmos(f, RTC_DAY_OF_WEEK), 2);
    teardown(f);
}

static void binary_mode_keeps_the_time_in_binary(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_DM);
    mc146818_set_time(f->rtc, 1704067199);
    check_time(t, f, 23, 12, 31, 23, 59, 59);
    CHECK_EQ(t, cmos(f, CMOS_CENTURY), 20);
    run_to_ns(f, update_ns(0));
    check_time(t, f, 24, 1, 1, 0, 0, 0);
    teardown(f);
}

static void twelve_hour_mode_goes_from_11_59_59_pm_to_12_am_of_the_next_day(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_SET);          /* 12-hour, BCD, set */
    set_cmos(f, RTC_HOURS, 0x80 | 0x11);
    set_cmos(f, RTC_MINUTES, 0x59);
    set_cmos(f, RTC_SECONDS, 0x59);
    set_cmos(f, RTC_REG_B, 0);
    run_to_ns(f, update_ns(0));
    CHECK_EQ(t, cmos(f, RTC_HOURS), 0x12);
    CHECK_EQ(t, cmos(f, RTC_DATE_OF_MONTH), 0x02);
    set_cmos(f, RTC_HOURS, 0x11);               /* 11:59:59 AM */
    set_cmos(f, RTC_MINUTES, 0x59);
    set_cmos(f, RTC_SECONDS, 0x59);
    run_to_ns(f, update_ns(1));
    CHECK_EQ(t, cmos(f, RTC_HOURS), 0x92);      /* 12 PM */
    teardown(f);
}

static void uip_is_set_for_the_244_us_before_each_update(struct test_ctx *t)
{
    struct fixture *f = setup();
    run_to_ns(f, update_ns(3) - 250 * US);
    CHECK_EQ(t, cmos(f, RTC_REG_A) & RTC_A_UIP, 0);
    run_to_ns(f, update_ns(3) - 240 * US);
    CHECK_EQ(t, cmos(f, RTC_REG_A) & RTC_A_UIP, RTC_A_UIP);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x03);    /* the old time until the update */
    run_to_ns(f, update_ns(3));
    CHECK_EQ(t, cmos(f, RTC_REG_A) & RTC_A_UIP, 0);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x04);
    teardown(f);
}

static void the_set_bit_stops_updates_and_clears_uip_and_uie(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_SET | RTC_B_UIE);
    CHECK_EQ(t, cmos(f, RTC_REG_B), RTC_B_24H | RTC_B_SET);
    run_to_ns(f, update_ns(4) - 100 * US);
    CHECK_EQ(t, cmos(f, RTC_REG_A) & RTC_A_UIP, 0);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x00);
    CHECK_EQ(t, cmos(f, RTC_REG_C), RTC_C_PF);  /* the divider runs, but no update: no UF */
    set_cmos(f, RTC_REG_B, RTC_B_24H);
    run_to_ns(f, update_ns(4));
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x01);
    teardown(f);
}

static void the_periodic_interrupt_at_1024_hz_raises_irq_8_until_register_c_is_read(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    run_to_ns(f, 976562);
    CHECK_EQ(t, f->irq8, 0);
    run_to_ns(f, 976563);                       /* 32 ticks of 32.768 kHz */
    CHECK_EQ(t, f->irq8, 1);
    run_to_ns(f, 10 * MS);
    CHECK_EQ(t, f->irq_raises, 1);              /* held until C is read */
    CHECK_EQ(t, cmos(f, RTC_REG_C), RTC_C_IRQF | RTC_C_PF);
    CHECK_EQ(t, f->irq8, 0);
    unsigned before = f->irq_raises;
    run_to_ns(f, 10 * MS + 976563);
    CHECK_EQ(t, f->irq_raises, before + 1);
    teardown(f);
}

static void reading_register_c_lowers_irq_8_and_clears_every_flag(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    run_to_ns(f, update_ns(0));
    CHECK_EQ(t, f->irq8, 1);
    CHECK_EQ(t, cmos(f, RTC_REG_C), RTC_C_IRQF | RTC_C_PF | RTC_C_UF);
    CHECK_EQ(t, f->irq8, 0);
    CHECK_EQ(t, cmos(f, RTC_REG_C), 0);
    teardown(f);
}

static void flags_rise_without_their_enable_bits_but_irq_8_stays_low(struct test_ctx *t)
{
    struct fixture *f = setup();
    run_to_ns(f, 2 * MS);
    CHECK_EQ(t, cmos(f, RTC_REG_C), RTC_C_PF);
    CHECK_EQ(t, f->irq_raises, 0);
    set_cmos(f, RTC_REG_A, RTC_A_DV_32768 | 0x0F);  /* 2 Hz */
    run_to_ns(f, 3 * MS);
    CHECK_EQ(t, cmos(f, RTC_REG_C), 0);
    run_to_ns(f, 600 * MS);
    CHECK_EQ(t, f->irq8, 0);
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);  /* enabling a pending flag asserts IRQ */
    CHECK_EQ(t, f->irq8, 1);
    teardown(f);
}

static void the_rate_select_picks_the_periodic_rate(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    set_cmos(f, RTC_REG_A, RTC_A_DV_32768 | 0x03);  /* 8192 Hz: 122.07 us */
    run_to_ns(f, 122 * US);
    CHECK_EQ(t, f->irq8, 0);
    run_to_ns(f, 123 * US);
    CHECK_EQ(t, f->irq8, 1);
    cmos(f, RTC_REG_C);
    set_cmos(f, RTC_REG_A, RTC_A_DV_32768 | 0x01);  /* 256 Hz, as rate 8 */
    run_to_ns(f, 3906 * US);
    CHECK_EQ(t, f->irq8, 0);
    run_to_ns(f, 3907 * US);
    CHECK_EQ(t, f->irq8, 1);
    cmos(f, RTC_REG_C);
    set_cmos(f, RTC_REG_A, RTC_A_DV_32768);         /* rate 0: none */
    run_to_ns(f, 2000 * MS);
    CHECK_EQ(t, f->irq8, 0);
    teardown(f);
}

static void the_alarm_interrupt_fires_when_the_time_matches(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_SECONDS_ALARM, 0x05);
    set_cmos(f, RTC_MINUTES_ALARM, 0x00);
    set_cmos(f, RTC_HOURS_ALARM, 0x00);
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_AIE);
    run_to_ns(f, update_ns(3));
    CHECK_EQ(t, f->irq8, 0);
    run_to_ns(f, update_ns(4));
    CHECK_EQ(t, f->irq8, 1);
    CHECK_EQ(t, cmos(f, RTC_REG_C) & (RTC_C_IRQF | RTC_C_AF), RTC_C_IRQF | RTC_C_AF);
    run_to_ns(f, update_ns(10));
    CHECK_EQ(t, f->irq8, 0);
    teardown(f);
}

static void alarm_bytes_of_c0_and_above_match_any_value(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_SECONDS_ALARM, 0xC0);
    set_cmos(f, RTC_MINUTES_ALARM, 0xFF);
    set_cmos(f, RTC_HOURS_ALARM, 0xC5);
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_AIE);
    for (unsigned n = 0; n < 3; n++) {
        run_to_ns(f, update_ns(n));
        CHECK_EQ(t, f->irq8, 1);
        CHECK(t, cmos(f, RTC_REG_C) & RTC_C_AF);
    }
    teardown(f);
}

static void a_long_gap_advances_days_and_still_catches_the_alarm(struct test_ctx *t)
{
    struct fixture *f = setup();
    mc146818_set_time(f->rtc, 1709294400);     /* 2024-03-01 12:00:00, a Friday */
    set_cmos(f, RTC_HOURS_ALARM, 0x03);
    set_cmos(f, RTC_MINUTES_ALARM, 0x00);
    set_cmos(f, RTC_SECONDS_ALARM, 0x00);
    run_to_ns(f, update_ns(40 * 86400 - 1));   /* no timer: looked at once, 40 days later */
    check_time(t, f, 0x24, 0x04, 0x10, 0x12, 0x00, 0x00);
    CHECK_EQ(t, cmos(f, RTC_DAY_OF_WEEK), 4);
    CHECK_EQ(t, cmos(f, RTC_REG_C), RTC_C_PF | RTC_C_AF | RTC_C_UF);
    teardown(f);
}

static void the_update_ended_interrupt_comes_once_a_second(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_UIE);
    for (unsigned n = 0; n < 5; n++) {
        run_to_ns(f, update_ns(n) - 1);
        CHECK_EQ(t, f->irq8, 0);
        run_to_ns(f, update_ns(n));
        CHECK_EQ(t, f->irq8, 1);
        cmos(f, RTC_REG_C);
    }
    CHECK_EQ(t, f->irq_raises, 5);
    teardown(f);
}

static void a_divider_reset_holds_the_clock_and_release_starts_a_new_half_second(
    struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_A, RTC_A_DV_RESET | 0x06);
    run_to_ns(f, 5000 * MS);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x00);
    CHECK_EQ(t, cmos(f, RTC_REG_C), 0);
    set_cmos(f, RTC_REG_A, RTC_A_DV_32768 | 0x06);
    run_to_ns(f, 5499 * MS);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x00);
    run_to_ns(f, 5500 * MS);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x01);
    teardown(f);
}

static void register_d_reports_valid_time_and_c_and_d_ignore_writes(struct test_ctx *t)
{
    struct fixture *f = setup();
    CHECK_EQ(t, cmos(f, RTC_REG_D), RTC_D_VRT);
    set_cmos(f, RTC_REG_D, 0x00);
    CHECK_EQ(t, cmos(f, RTC_REG_D), RTC_D_VRT);
    set_cmos(f, RTC_REG_C, 0xF0);
    CHECK_EQ(t, cmos(f, RTC_REG_C), 0x00);
    set_cmos(f, RTC_REG_A, 0xA6);               /* UIP is read-only */
    CHECK_EQ(t, cmos(f, RTC_REG_A) & 0x7F, 0x26);
    teardown(f);
}

static void port_70_bit_7_masks_nmi_and_bits_0_to_6_select_the_byte(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, 0x40, 0x5A);
    io_write(&f->io, 0x70, 0x80 | 0x40, 1);
    CHECK(t, mc146818_nmi_disabled(f->rtc));
    CHECK_EQ(t, io_read(&f->io, 0x71, 1), 0x5A);
    io_write(&f->io, 0x70, 0x40, 1);
    CHECK(t, !mc146818_nmi_disabled(f->rtc));
    CHECK_EQ(t, io_read(&f->io, 0x70, 1), 0xFF);    /* write-only */
    teardown(f);
}

static void a_reset_clears_the_interrupt_enables_and_keeps_ram_and_time(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, CMOS_SHUTDOWN_STATUS, 0x0A);
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE | RTC_B_UIE | RTC_B_DM);
    run_to_ns(f, update_ns(0));
    CHECK_EQ(t, f->irq8, 1);
    mc146818_ops.reset(f->rtc);
    CHECK_EQ(t, f->irq8, 0);
    CHECK_EQ(t, cmos(f, RTC_REG_B), RTC_B_24H | RTC_B_DM);
    CHECK_EQ(t, cmos(f, RTC_REG_C), 0);
    CHECK_EQ(t, cmos(f, CMOS_SHUTDOWN_STATUS), 0x0A);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 1);
    teardown(f);
}

static void daylight_saving_skips_an_hour_in_april_and_repeats_one_in_october(struct test_ctx *t)
{
    struct fixture *f = setup();
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_DSE);
    mc146818_set_time(f->rtc, 1714269598);     /* 2024-04-28 01:59:58, last Sunday */
    run_to_ns(f, update_ns(0));
    CHECK_EQ(t, cmos(f, RTC_HOURS), 0x01);
    run_to_ns(f, update_ns(1));
    CHECK_EQ(t, cmos(f, RTC_HOURS), 0x03);
    CHECK_EQ(t, cmos(f, RTC_MINUTES), 0x00);
    mc146818_set_time(f->rtc, 1729994398);     /* 2024-10-27 01:59:58, last Sunday */
    run_to_ns(f, update_ns(3));
    CHECK_EQ(t, cmos(f, RTC_HOURS), 0x01);
    CHECK_EQ(t, cmos(f, RTC_MINUTES), 0x00);
    CHECK_EQ(t, cmos(f, RTC_SECONDS), 0x00);
    run_to_ns(f, update_ns(3 + 3600));          /* the second 1:59:59 goes on to 2:00 */
    CHECK_EQ(t, cmos(f, RTC_HOURS), 0x02);
    CHECK_EQ(t, cmos(f, RTC_MINUTES), 0x00);
    teardown(f);
}

static void a_snapshot_restores_the_clock_and_rearms_the_periodic_interrupt(struct test_ctx *t)
{
    struct fixture *f = setup();
    struct device_list list = { .count = 0 };
    device_add(&list, &mc146818_ops, f->rtc);
    set_cmos(f, RTC_REG_B, RTC_B_24H | RTC_B_PIE);
    set_cmos(f, RTC_REG_A, RTC_A_DV_32768 | 0x0F);  /* 2 Hz */
    set_cmos(f, 0x50, 0x77);
    uint8_t buf[512];
    size_t n = devices_save(&list, buf, sizeof buf);
    CHECK(t, n <= sizeof buf);
    set_cmos(f, RTC_REG_B, RTC_B_24H);
    set_cmos(f, 0x50, 0x00);
    CHECK_EQ(t, devices_load(&list, buf, n), 0);
    CHECK_EQ(t, cmos(f, 0x50), 0x77);
    run_to_ns(f, 500 * MS);
    CHECK_EQ(t, f->irq8, 1);
    teardown(f);
}

static void write_image(const char *path, long size)
{
    FILE *file = fopen(path, "wb");
    if (!file)
        return;
    if (size > 0) {
        fseek(file, size - 1, SEEK_SET);
        fputc(0, file);
    }
    fclose(file);
}

static void the_pc_layout_has_memory_sizes_drives_boot_order_and_a_checksum(struct test_ctx *t)
{
    struct fixture *f = setup();
    char floppy[] = "/tmp/ember-cmos-fdXXXXXX";
    char disk[] = "/tmp/ember-cmos-hdXXXXXX";
    close(mkstemp(floppy));
    close(mkstemp(disk));
    write_image(floppy, 1474560);
    write_image(disk, 16l * 63 * 512 * 100);
    struct machine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ram_size = 32u << 20;
    cfg.floppy[0].path = floppy;
    cfg.floppy[0].media = MEDIA_FLOPPY;
    cfg.ide[0].path = disk;
    cfg.ide[0].media = MEDIA_DISK;
    strcpy(cfg.boot_order, "dca");
    cfg.rtc_fixed = true;
    cfg.rtc_base = 4102444799;                  /* 2099-12-31 23:59:59 */
    mc146818_setup_pc_cmos(f->rtc, &cfg);
    remove(floppy);
    remove(disk);

    CHECK_EQ(t, cmos(f, CMOS_FLOPPY_TYPES), 0x40);
    CHECK_EQ(t, cmos(f, CMOS_EQUIPMENT), 0x03);
    CHECK_EQ(t, cmos(f, CMOS_DISK_TYPES), 0xF0);
    CHECK_EQ(t, cmos(f, CMOS_DISK0_TYPE), 47);
    CHECK_EQ(t, cmos(f, CMOS_DISK0_PARAMS), 100);
    CHECK_EQ(t, cmos(f, CMOS_DISK0_PARAMS + 2), 16);
    CHECK_EQ(t, cmos(f, CMOS_DISK0_PARAMS + 8), 63);
    CHECK_EQ(t, cmos(f, 0x15) | cmos(f, 0x16) << 8, 640);
    CHECK_EQ(t, cmos(f, 0x17) | cmos(f, 0x18) << 8, 31 * 1024);
    CHECK_EQ(t, cmos(f, 0x30) | cmos(f, 0x31) << 8, 31 * 1024);
    CHECK_EQ(t, cmos(f, 0x34) | cmos(f, 0x35) << 8, (32 - 16) * 16);
    CHECK_EQ(t, cmos(f, 0x5B) | cmos(f, 0x5C) | cmos(f, 0x5D), 0);
    CHECK_EQ(t, cmos(f, CMOS_BOOT_FLAG_FIRST), 0x23);
    CHECK_EQ(t, cmos(f, CMOS_BOOT_FLAG_THIRD), 0x10);
    unsigned sum = 0;
    for (uint8_t k = 0x10; k < 0x2E; k++)
        sum += cmos(f, k);
    CHECK_EQ(t, cmos(f, 0x2E) << 8 | cmos(f, 0x2F), sum);
    CHECK_EQ(t, cmos(f, CMOS_CENTURY), 0x20);
    check_time(t, f, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59);
    run_to_ns(f, update_ns(0));
    check_time(t, f, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00);
    teardown(f);
}

static void extended_memory_sizes_are_capped_at_65535(struct test_ctx *t)
{
    struct fixture *f = setup();
    struct machine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ram_size = 0xFFF00000u;
    strcpy(cfg.boot_order, "c");
    cfg.rtc_fixed = true;
    mc146818_setup_pc_cmos(f->rtc, &cfg);
    CHECK_EQ(t, cmos(f, 0x17) | cmos(f, 0x18) << 8, 0xFFFF);
    CHECK_EQ(t, cmos(f, 0x34) | cmos(f, 0x35) << 8, 0xFEF0);
    CHECK_EQ(t, cmos(f, CMOS_FLOPPY_TYPES), 0);
    CHECK_EQ(t, cmos(f, CMOS_EQUIPMENT), 0x02);
    CHECK_EQ(t, cmos(f, CMOS_BOOT_FLAG_FIRST), 0x02);
    teardown(f);
}

static const struct test rtc_tests[] = {
    TEST(the_clock_reads_the_set_time_in_bcd_24_hour_mode),
    TEST(the_first_update_comes_half_a_second_after_the_divider_starts),
    TEST(updates_carry_into_a_leap_day_and_the_new_year),
    TEST(binary_mode_keeps_the_time_in_binary),
    TEST(twelve_hour_mode_goes_from_11_59_59_pm_to_12_am_of_the_next_day),
    TEST(uip_is_set_for_the_244_us_before_each_update),
    TEST(the_set_bit_stops_updates_and_clears_uip_and_uie),
    TEST(the_periodic_interrupt_at_1024_hz_raises_irq_8_until_register_c_is_read),
    TEST(reading_register_c_lowers_irq_8_and_clears_every_flag),
    TEST(flags_rise_without_their_enable_bits_but_irq_8_stays_low),
    TEST(the_rate_select_picks_the_periodic_rate),
    TEST(the_alarm_interrupt_fires_when_the_time_matches),
    TEST(alarm_bytes_of_c0_and_above_match_any_value),
    TEST(a_long_gap_advances_days_and_still_catches_the_alarm),
    TEST(the_update_ended_interrupt_comes_once_a_second),
    TEST(a_divider_reset_holds_the_clock_and_release_starts_a_new_half_second),
    TEST(register_d_reports_valid_time_and_c_and_d_ignore_writes),
    TEST(port_70_bit_7_masks_nmi_and_bits_0_to_6_select_the_byte),
    TEST(a_reset_clears_the_interrupt_enables_and_keeps_ram_and_time),
    TEST(daylight_saving_skips_an_hour_in_april_and_repeats_one_in_october),
    TEST(a_snapshot_restores_the_clock_and_rearms_the_periodic_interrupt),
    TEST(the_pc_layout_has_memory_sizes_drives_boot_order_and_a_checksum),
    TEST(extended_memory_sizes_are_capped_at_65535),
};

static const struct suite rtc_suite = SUITE("mc146818", rtc_tests);

int main(int argc, char **argv)
{
    const struct suite *suites[] = { &rtc_suite };
    return harness_run(argc, argv, suites, 1);
}
