/* Motorola MC146818A real-time clock plus RAM; see mc146818_rtc.h.
 *
 * Datasheet: Motorola MC146818A Real-Time Clock Plus RAM (RTC), "Time,
 * Calendar and Alarm Locations", "Registers", "Interrupts", "Divider
 * Stages". CMOS layout: IBM Personal Computer AT Technical Reference,
 * "CMOS RAM Address Map", with the extensions SeaBIOS reads on QEMU
 * (0x30-0x35 memory sizes, 0x38/0x3D boot order, 0x5B-0x5D high memory).
 *
 * Time is counted in ticks of the 32.768 kHz time base since the divider
 * chain started. The chip updates the time once a second, the first
 * update half a second after the chain leaves reset; the update-in-
 * progress bit is up for the 244 us (8 ticks) before each update. The
 * periodic flag rises on each tap edge the rate select picks. */
#include "mc146818_rtc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "debugger.h"
#include "machine.h"

#define TIME_BASE_HZ 32768u
#define FIRST_UPDATE_TICK (TIME_BASE_HZ / 2)
#define UIP_TICKS 8u                    /* 244 us before an update */
#define SECONDS_PER_DAY 86400u
#define NEVER UINT64_MAX

#define ALARM_DONT_CARE 0xC0            /* alarm bytes 0xC0-0xFF match any value */
#define HOUR_PM 0x80                    /* 12-hour mode */

/* ------------------------------------------------------------------------
 * The time base */

static uint64_t ticks_of_ns(uint64_t ns)
{
    return ns / NS_PER_SEC * TIME_BASE_HZ + ns % NS_PER_SEC * TIME_BASE_HZ / NS_PER_SEC;
}

static uint64_t ns_of_tick(uint64_t tick)
{
    uint64_t rest = tick % TIME_BASE_HZ * NS_PER_SEC;
    return tick / TIME_BASE_HZ * NS_PER_SEC + (rest + TIME_BASE_HZ - 1) / TIME_BASE_HZ;
}

static bool divider_running(const struct mc146818 *rtc)
{
    return (rtc->cmos[RTC_REG_A] & RTC_A_DV) == RTC_A_DV_32768;
}

static uint64_t current_tick(const struct mc146818 *rtc)
{
    uint64_t now = clock_now(rtc->clock);
    return now > rtc->divider_origin_ns ? ticks_of_ns(now - rtc->divider_origin_ns) : 0;
}

/* Updates at ticks 16384, 16384 + 32768, ...: how many by tick t. */
static uint64_t updates_by(uint64_t t)
{
    return t >= FIRST_UPDATE_TICK ? (t - FIRST_UPDATE_TICK) / TIME_BASE_HZ + 1 : 0;
}

static uint64_t next_update_after(uint64_t t)
{
    return FIRST_UPDATE_TICK + updates_by(t) * TIME_BASE_HZ;
}

/* The periodic interrupt's period in ticks for RS3-RS0 (0: none). With a
 * 32.768 kHz time base, rates 1 and 2 repeat rates 8 and 9. */
static uint64_t periodic_ticks(const struct mc146818 *rtc)
{
    unsigned rs = rtc->cmos[RTC_REG_A] & RTC_A_RS;
    if (rs == 0)
        return 0;
    if (rs <= 2)
        rs += 7;
    return 1ull << (rs - 1);
}

/* ------------------------------------------------------------------------
 * Calendar */

struct rtc_time {
    unsigned sec, min, hour;    /* hour 0-23 whatever the register format */
    unsigned dow;               /* 1 = Sunday */
    unsigned day, month, year;  /* year 0-99 */
};

static bool binary_mode(const struct mc146818 *rtc)
{
    return (rtc->cmos[RTC_REG_B] & RTC_B_DM) != 0;
}

static bool hour24_mode(const struct mc146818 *rtc)
{
    return (rtc->cmos[RTC_REG_B] & RTC_B_24H) != 0;
}

static unsigned decode(const struct mc146818 *rtc, uint8_t v)
{
    return binary_mode(rtc) ? v : (v >> 4) * 10u + (v & 0xFu);
}

static uint8_t encode(const struct mc146818 *rtc, unsigned n)
{
    return binary_mode(rtc) ? (uint8_t)n : (uint8_t)((n / 10 % 10) << 4 | n % 10);
}

static unsigned decode_hours(const struct mc146818 *rtc, uint8_t v)
{
    if (hour24_mode(rtc))
        return decode(rtc, v);
    unsigned h = decode(rtc, v & (uint8_t)~HOUR_PM) % 12;  /* 12 AM is hour 0 */
    return (v & HOUR_PM) ? h + 12 : h;
}

static uint8_t encode_hours(const struct mc146818 *rtc, unsigned h)
{
    if (hour24_mode(rtc))
        return encode(rtc, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(encode(rtc, h12) | (h >= 12 ? HOUR_PM : 0));
}

static struct rtc_time read_time(const struct mc146818 *rtc)
{
    const uint8_t *r = rtc->cmos;
    struct rtc_time t = {
        .sec = decode(rtc, r[RTC_SECONDS]),
        .min = decode(rtc, r[RTC_MINUTES]),
        .hour = decode_hours(rtc, r[RTC_HOURS]),
        .dow = decode(rtc, r[RTC_DAY_OF_WEEK]),
        .day = decode(rtc, r[RTC_DATE_OF_MONTH]),
        .month = decode(rtc, r[RTC_MONTH]),
        .year = decode(rtc, r[RTC_YEAR]),
    };
    return t;
}

static void write_time(struct mc146818 *rtc, const struct rtc_time *t)
{
    uint8_t *r = rtc->cmos;
    r[RTC_SECONDS] = encode(rtc, t->sec);
    r[RTC_MINUTES] = encode(rtc, t->min);
    r[RTC_HOURS] = encode_hours(rtc, t->hour);
    r[RTC_DAY_OF_WEEK] = encode(rtc, t->dow);
    r[RTC_DATE_OF_MONTH] = encode(rtc, t->day);
    r[RTC_MONTH] = encode(rtc, t->month);
    r[RTC_YEAR] = encode(rtc, t->year);
}

/* The chip's leap year rule: every fourth year (right for 1901-2099). */
static unsigned days_in_month(unsigned month, unsigned year)
{
    static const uint8_t days[13] = { 31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && year % 4 == 0)
        return 29;
    return month <= 12 ? days[month] : 31;
}

static void next_day(struct rtc_time *t)
{
    t->dow = t->dow % 7 + 1;
    if (++t->day <= days_in_month(t->month, t->year))
        return;
    t->day = 1;
    if (++t->month <= 12)
        return;
    t->month = 1;
    t->year = (t->year + 1) % 100;
}

static bool is_last_sunday(const struct rtc_time *t)
{
    return t->dow == 1 && t->day + 7 > days_in_month(t->month, t->year);
}

/* Daylight saving (DSE): on the last Sunday in April 1:59:59 AM is
 * followed by 3:00:00 AM; on the last Sunday in October the first
 * 1:59:59 AM is followed by 1:00:00 AM. True when it applied. */
static bool daylight_saving_step(struct mc146818 *rtc, struct rtc_time *t)
{
    if (t->hour != 1 || t->min != 59 || t->sec != 59 || !is_last_sunday(t))
        return false;
    if (t->month == 4) {
        t->hour = 3;
        t->min = t->sec = 0;
        return true;
    }
    if (t->month == 10) {
        rtc->october_hour_repeated = !rtc->october_hour_repeated;
        if (rtc->october_hour_repeated) {
            t->min = t->sec = 0;
            return true;
        }
    }
    return false;
}

/* One update cycle. Out-of-range values written by the guest roll over
 * at the next update. */
static void next_second(struct mc146818 *rtc, struct rtc_time *t)
{
    if ((rtc->cmos[RTC_REG_B] & RTC_B_DSE) && daylight_saving_step(rtc, t))
        return;
    if (++t->sec < 60)
        return;
    t->sec = 0;
    if (++t->min < 60)
        return;
    t->min = 0;
    if (++t->hour < 24)
        return;
    t->hour = 0;
    next_day(t);
}

static bool alarm_byte_matches(uint8_t alarm, uint8_t value)
{
    return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == value;
}

static bool alarm_matches(const struct mc146818 *rtc, const struct rtc_time *t)
{
    const uint8_t *r = rtc->cmos;
    return alarm_byte_matches(r[RTC_SECONDS_ALARM], encode(rtc, t->sec)) &&
           alarm_byte_matches(r[RTC_MINUTES_ALARM], encode(rtc, t->min)) &&
           alarm_byte_matches(r[RTC_HOURS_ALARM], encode_hours(rtc, t->hour));
}

/* Run n update cycles: the time advances, UF rises, AF rises if an
 * updated time matches the alarm. Past a day of seconds the alarm has
 * matched or never will, so without DSE whole days go at once. */
static void run_updates(struct mc146818 *rtc, uint64_t n)
{
    struct rtc_time t = read_time(rtc);
    bool dse = (rtc->cmos[RTC_REG_B] & RTC_B_DSE) != 0;
    uint64_t checked = 0;
    while (n > 0) {
        bool alarm_known = (rtc->cmos[RTC_REG_C] & RTC_C_AF) || checked >= SECONDS_PER_DAY;
        if (!dse && alarm_known && n >= SECONDS_PER_DAY) {
            next_day(&t);
            n -= SECONDS_PER_DAY;
            continue;
        }
        next_second(rtc, &t);
        n--;
        if (!alarm_known) {
            checked++;
            if (alarm_matches(rtc, &t))
                rtc->cmos[RTC_REG_C] |= RTC_C_AF;
        }
    }
    write_time(rtc, &t);
    rtc->cmos[RTC_REG_C] |= RTC_C_UF;
}

/* ------------------------------------------------------------------------
 * Interrupts */

/* IRQF and the IRQ pin: any flag whose enable bit is set. */
static void update_irq(struct mc146818 *rtc)
{
    uint8_t b = rtc->cmos[RTC_REG_B];
    uint8_t c = rtc->cmos[RTC_REG_C] & (RTC_C_PF | RTC_C_AF | RTC_C_UF);
    bool irqf = ((c & RTC_C_PF) && (b & RTC_B_PIE)) || ((c & RTC_C_AF) && (b & RTC_B_AIE)) ||
                ((c & RTC_C_UF) && (b & RTC_B_UIE));
    rtc->cmos[RTC_REG_C] = c | (irqf ? RTC_C_IRQF : 0);
    if (irqf != rtc->irq_level) {
        rtc->irq_level = irqf;
        irq_set(&rtc->irq, irqf);
    }
}

/* Account for the ticks since the last look: periodic edges and updates. */
static void sync(struct mc146818 *rtc)
{
    if (!divider_running(rtc))
        return;
    uint64_t now = current_tick(rtc);
    if (now <= rtc->synced_tick)
        return;
    uint64_t period = periodic_ticks(rtc);
    if (period && now / period != rtc->synced_tick / period)
        rtc->cmos[RTC_REG_C] |= RTC_C_PF;
    uint64_t updates = updates_by(now) - updates_by(rtc->synced_tick);
    if (updates && !(rtc->cmos[RTC_REG_B] & RTC_B_SET))
        run_updates(rtc, updates);
    rtc->synced_tick = now;
    update_irq(rtc);
}

/* A timer only while IRQ is low and an enabled interrupt can come. */
static void arm_timer(struct mc146818 *rtc)
{
    uint8_t b = rtc->cmos[RTC_REG_B];
    uint64_t next = NEVER;
    if (divider_running(rtc) && !rtc->irq_level) {
        uint64_t period = periodic_ticks(rtc);
        if ((b & RTC_B_PIE) && period)
            next = (rtc->synced_tick / period + 1) * period;
        if ((b & (RTC_B_UIE | RTC_B_AIE)) && !(b & RTC_B_SET)) {
            uint64_t update = next_update_after(rtc->synced_tick);
            if (update < next)
                next = update;
        }
    }
    if (next == NEVER)
        timer_cancel(rtc->clock, &rtc->timer);
    else
        timer_arm(rtc->clock, &rtc->timer, rtc->divider_origin_ns + ns_of_tick(next));
}

static void timer_fired(void *opaque)
{
    struct mc146818 *rtc = opaque;
    sync(rtc);
    arm_timer(rtc);
}

/* ------------------------------------------------------------------------
 * Registers */

static bool update_in_progress(const struct mc146818 *rtc)
{
    if (!divider_running(rtc) || (rtc->cmos[RTC_REG_B] & RTC_B_SET))
        return false;
    uint64_t now = current_tick(rtc);
    return next_update_after(now) - now <= UIP_TICKS;
}

/* DV2-DV0 other than 010 (32.768 kHz time base) and 11x (divider chain
 * in reset): the 4.194304 MHz and 1.048576 MHz time bases, which assume
 * another crystal than the PC's, and the test modes. */
static void check_divider(struct mc146818 *rtc, uint8_t v)
{
    unsigned dv = (v & RTC_A_DV) >> 4;
    if (dv == RTC_A_DV_32768 >> 4 || (v & RTC_A_DV_RESET) == RTC_A_DV_RESET)
        return;
    trace_unimp_key(rtc, dv, "MC146818 register A %02xh selects divider DV2-DV0 = %u%u%ub "
                    "(%s), which is not implemented: the clock stands still", v, dv >> 2,
                    (dv >> 1) & 1, dv & 1, dv == 0 ? "4.194304 MHz time base"
                                         : dv == 1 ? "1.048576 MHz time base" : "test mode");
}

static void write_register_a(struct mc146818 *rtc, uint8_t v)
{
    check_divider(rtc, v);
    bool was_running = divider_running(rtc);
    rtc->cmos[RTC_REG_A] = v & (uint8_t)~RTC_A_UIP;
    if (!was_running && divider_running(rtc)) {
        /* The chain starts now; the first update is half a second away. */
        rtc->divider_origin_ns = clock_now(rtc->clock);
        rtc->synced_tick = 0;
    }
}

static void write_register_b(struct mc146818 *rtc, uint8_t v)
{
    if (v & RTC_B_SET)      /* SET aborts the update cycle and clears UIE */
        v &= (uint8_t)~RTC_B_UIE;
    rtc->cmos[RTC_REG_B] = v;
}

uint8_t mc146818_read(struct mc146818 *rtc, uint8_t index)
{
    index &= MC146818_BYTES - 1;
    switch (index) {
    case RTC_REG_A:
        sync(rtc);
        return (uint8_t)(rtc->cmos[RTC_REG_A] | (update_in_progress(rtc) ? RTC_A_UIP : 0));
    case RTC_REG_C: {
        sync(rtc);
        uint8_t v = rtc->cmos[RTC_REG_C];
        rtc->cmos[RTC_REG_C] = 0;   /* reading C clears every flag */
        update_irq(rtc);
        arm_timer(rtc);
        return v;
    }
    case RTC_REG_D:
        return RTC_D_VRT;           /* the battery is always good */
    default:
        if (index < RTC_REG_A)
            sync(rtc);
        return rtc->cmos[index];
    }
}

static void write_register(struct mc146818 *rtc, uint8_t index, uint8_t v)
{
    switch (index) {
    case RTC_REG_A:
        sync(rtc);
        write_register_a(rtc, v);
        break;
    case RTC_REG_B:
        sync(rtc);
        write_register_b(rtc, v);
        update_irq(rtc);
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        return;                     /* read-only */
    default:
        if (index < RTC_REG_A)
            sync(rtc);
        rtc->cmos[index] = v;
        return;
    }
    arm_timer(rtc);
}

static uint32_t rtc_read(void *opaque, uint32_t addr, unsigned size)
{
    struct mc146818 *rtc = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++) {
        /* Port 0x70 is write-only: the bus floats. */
        uint8_t byte = (addr + k) & 1 ? mc146818_read(rtc, rtc->index) : 0xFF;
        value |= (uint32_t)byte << (8 * k);
    }
    return value;
}

static void rtc_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct mc146818 *rtc = opaque;
    for (unsigned k = 0; k < size; k++) {
        uint8_t byte = (uint8_t)(value >> (8 * k));
        if ((addr + k) & 1) {
            write_register(rtc, rtc->index, byte);
        } else {
            rtc->index = byte & (MC146818_BYTES - 1);
            rtc->nmi_disabled = (byte & 0x80) != 0;
        }
    }
}

static const struct io_ops rtc_ops = {
    .name = "mc146818", .read = rtc_read, .write = rtc_write,
};

bool mc146818_nmi_disabled(const struct mc146818 *rtc)
{
    return rtc->nmi_disabled;
}

void mc146818_set_time(struct mc146818 *rtc, int64_t unix_seconds)
{
    time_t seconds = (time_t)unix_seconds;
    struct tm tm;
    if (!gmtime_r(&seconds, &tm))
        return;
    sync(rtc);
    struct rtc_time t = {
        .sec = (unsigned)tm.tm_sec % 60, .min = (unsigned)tm.tm_min, .hour = (unsigned)tm.tm_hour,
        .dow = (unsigned)tm.tm_wday + 1, .day = (unsigned)tm.tm_mday,
        .month = (unsigned)tm.tm_mon + 1, .year = (unsigned)(tm.tm_year + 1900) % 100,
    };
    write_time(rtc, &t);
    rtc->cmos[CMOS_CENTURY] = encode(rtc, (unsigned)(tm.tm_year + 1900) / 100);
    rtc->october_hour_repeated = false;
}

/* ------------------------------------------------------------------------
 * The PC CMOS layout */

static void put16(struct mc146818 *rtc, uint8_t index, unsigned v)
{
    rtc->cmos[index] = (uint8_t)v;
    rtc->cmos[index + 1] = (uint8_t)(v >> 8);
}

static long image_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    fclose(f);
    return size;
}

/* Drive types: 1 = 360 KB 5.25", 2 = 1.2 MB 5.25", 3 = 720 KB 3.5",
 * 4 = 1.44 MB 3.5", 5 = 2.88 MB 3.5"; chosen from the image size. */
static uint8_t floppy_type(const struct drive_config *d)
{
    if (!d->path)
        return 0;
    long size = image_size(d->path);
    if (size < 0)
        return 4;
    if (size <= 368640)
        return 1;
    if (size <= 737280)
        return 3;
    if (size == 1228800)
        return 2;
    if (size <= 1966080)    /* 1.44 MB and the larger formats of HD disks */
        return 4;
    return 5;
}

static bool is_floppy(const struct drive_config *d)
{
    return d->path != NULL;
}

static bool is_hard_disk(const struct drive_config *d)
{
    return d->path && d->media == MEDIA_DISK;
}

/* Type 47, the user-defined type: cylinders, heads, write precompensation
 * (none), control byte, landing zone, sectors per track. */
static void write_disk_params(struct mc146818 *rtc, uint8_t at, const struct drive_config *d)
{
    long size = image_size(d->path);
    unsigned heads = 16, sectors = 63;
    unsigned long cylinders = size > 0 ? (unsigned long)size / (heads * sectors * 512ul) : 0;
    if (cylinders < 1)
        cylinders = 1;
    if (cylinders > 16383)
        cylinders = 16383;
    put16(rtc, at, (unsigned)cylinders);
    rtc->cmos[at + 2] = (uint8_t)heads;
    put16(rtc, at + 3, 0xFFFF);
    rtc->cmos[at + 5] = (uint8_t)(0xC0 | (heads > 8 ? 0x08 : 0));
    put16(rtc, at + 6, (unsigned)cylinders);
    rtc->cmos[at + 8] = (uint8_t)sectors;
}

static void setup_drives(struct mc146818 *rtc, const struct machine_config *cfg)
{
    const struct drive_config *fd = cfg->floppy;
    rtc->cmos[CMOS_FLOPPY_TYPES] = (uint8_t)(floppy_type(&fd[0]) << 4 | floppy_type(&fd[1]));
    unsigned floppies = is_floppy(&fd[0]) + is_floppy(&fd[1]);

    /* Equipment: bit 0 floppy drives present, bits 7-6 their number - 1,
     * bit 1 math coprocessor, bits 5-4 = 00 primary display EGA/VGA. */
    uint8_t equipment = 0x02;
    if (floppies)
        equipment |= (uint8_t)(0x01 | (floppies - 1) << 6);
    rtc->cmos[CMOS_EQUIPMENT] = equipment;

    uint8_t disks = 0;
    if (is_hard_disk(&cfg->ide[0])) {
        disks |= 0xF0;
        rtc->cmos[CMOS_DISK0_TYPE] = 47;
        write_disk_params(rtc, CMOS_DISK0_PARAMS, &cfg->ide[0]);
    }
    if (is_hard_disk(&cfg->ide[1])) {
        disks |= 0x0F;
        rtc->cmos[CMOS_DISK1_TYPE] = 47;
        write_disk_params(rtc, CMOS_DISK1_PARAMS, &cfg->ide[1]);
    }
    rtc->cmos[CMOS_DISK_TYPES] = disks;
}

static void setup_memory(struct mc146818 *rtc, uint64_t ram)
{
    put16(rtc, CMOS_BASE_MEMORY, 640);
    uint64_t extended_kib = ram > 0x100000 ? (ram - 0x100000) / 1024 : 0;
    if (extended_kib > 0xFFFF)
        extended_kib = 0xFFFF;
    put16(rtc, CMOS_EXTENDED_MEMORY, (unsigned)extended_kib);
    put16(rtc, CMOS_EXTENDED_MEMORY_POST, (unsigned)extended_kib);
    uint64_t above_16m = ram > 0x1000000 ? (ram - 0x1000000) / 0x10000 : 0;
    if (above_16m > 0xFFFF)
        above_16m = 0xFFFF;
    put16(rtc, CMOS_MEMORY_ABOVE_16M, (unsigned)above_16m);
    memset(&rtc->cmos[CMOS_MEMORY_ABOVE_4G], 0, 3);
}

/* QEMU's encoding, which SeaBIOS reads: 1 floppy, 2 hard disk, 3 CD-ROM;
 * 0x3D = second << 4 | first, 0x38 = third << 4 | (1 = skip the floppy
 * boot signature check; 0 here: check it). */
static unsigned boot_device_code(char letter)
{
    switch (letter) {
    case 'a': return 1;
    case 'c': return 2;
    case 'd': return 3;
    default: return 0;
    }
}

static void setup_boot_order(struct mc146818 *rtc, const char *order)
{
    unsigned code[3] = { 0, 0, 0 };
    for (unsigned k = 0; k < 3 && order[k]; k++)
        code[k] = boot_device_code(order[k]);
    rtc->cmos[CMOS_BOOT_FLAG_FIRST] = (uint8_t)(code[1] << 4 | code[0]);
    rtc->cmos[CMOS_BOOT_FLAG_THIRD] = (uint8_t)(code[2] << 4);
}

static void write_checksum(struct mc146818 *rtc)
{
    unsigned sum = 0;
    for (unsigned k = CMOS_FLOPPY_TYPES; k < CMOS_CHECKSUM; k++)
        sum += rtc->cmos[k];
    rtc->cmos[CMOS_CHECKSUM] = (uint8_t)(sum >> 8);
    rtc->cmos[CMOS_CHECKSUM + 1] = (uint8_t)sum;
}

void mc146818_setup_pc_cmos(struct mc146818 *rtc, const struct machine_config *cfg)
{
    setup_drives(rtc, cfg);
    setup_memory(rtc, cfg->ram_size);
    setup_boot_order(rtc, cfg->boot_order);
    write_checksum(rtc);
    mc146818_set_time(rtc, cfg->rtc_fixed ? cfg->rtc_base : (int64_t)time(NULL));
}

/* ------------------------------------------------------------------------
 * Device */

/* The RESET pin: PIE, AIE, UIE, SQWE and the flags cleared, IRQ released;
 * the time, register A, DM, 24/12, DSE, SET and the RAM (with the
 * shutdown status byte) stay. */
static void rtc_reset(void *dev)
{
    struct mc146818 *rtc = dev;
    sync(rtc);
    rtc->cmos[RTC_REG_B] &= (uint8_t)~(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE | RTC_B_SQWE);
    rtc->cmos[RTC_REG_C] = 0;
    update_irq(rtc);
    arm_timer(rtc);
}

static void rtc_destroy(void *dev)
{
    struct mc146818 *rtc = dev;
    timer_cancel(rtc->clock, &rtc->timer);
    free(rtc);
}

static void rtc_post_load(void *dev)
{
    struct mc146818 *rtc = dev;
    irq_set(&rtc->irq, rtc->irq_level);
    arm_timer(rtc);
}

static void rtc_set_cpu(void *dev, struct cpu *cpu)
{
    struct mc146818 *rtc = dev;
    rtc->cpu = cpu;
}

static const struct state_field rtc_fields[] = {
    STATE_FIELD(struct mc146818, cmos),
    STATE_FIELD(struct mc146818, index),
    STATE_FIELD(struct mc146818, nmi_disabled),
    STATE_FIELD(struct mc146818, october_hour_repeated),
    STATE_FIELD(struct mc146818, irq_level),
    STATE_FIELD(struct mc146818, divider_origin_ns),
    STATE_FIELD(struct mc146818, synced_tick),
};

static const struct device_state rtc_state = {
    .version = 1,
    .fields = rtc_fields,
    .nfields = sizeof rtc_fields / sizeof rtc_fields[0],
    .post_load = rtc_post_load,
};

const struct device_ops mc146818_ops = {
    .name = "mc146818",
    .reset = rtc_reset,
    .destroy = rtc_destroy,
    .state = &rtc_state,
    .set_cpu = rtc_set_cpu,
};

struct mc146818 *mc146818_create(struct io_bus *io, struct clock *clock, struct irq_line irq)
{
    struct mc146818 *rtc = calloc(1, sizeof *rtc);
    if (!rtc)
        return NULL;
    rtc->clock = clock;
    rtc->irq = irq;
    timer_init(&rtc->timer, timer_fired, rtc);
    rtc->cmos[RTC_REG_A] = RTC_A_DV_32768 | 0x06;   /* 1024 Hz periodic rate */
    rtc->cmos[RTC_REG_B] = RTC_B_24H;
    rtc->divider_origin_ns = clock_now(clock);
    mc146818_set_time(rtc, 946684800);              /* 2000-01-01 00:00:00 */
    if (io_map(io, MC146818_PORT, 2, &rtc_ops, rtc) < 0) {
        free(rtc);
        return NULL;
    }
    return rtc;
}

/* ------------------------------------------------------------------------
 * The monitor's "info rtc" */

void mc146818_info(const struct mc146818 *rtc, FILE *out)
{
    const uint8_t *c = rtc->cmos;
    fprintf(out, "time (as of the guest's last read): %02u%02u-%02u-%02u %02u:%02u:%02u, "
                 "weekday %u\n",
            decode(rtc, c[CMOS_CENTURY]), decode(rtc, c[RTC_YEAR]), decode(rtc, c[RTC_MONTH]),
            decode(rtc, c[RTC_DATE_OF_MONTH]), decode_hours(rtc, c[RTC_HOURS]),
            decode(rtc, c[RTC_MINUTES]), decode(rtc, c[RTC_SECONDS]),
            decode(rtc, c[RTC_DAY_OF_WEEK]));
    uint8_t b = c[RTC_REG_B];
    fprintf(out, "A=%02x (divider %s, rate %u) B=%02x (%s%s%s%s%s%s, %s) C=%02x D=%02x\n",
            c[RTC_REG_A], divider_running(rtc) ? "running" : "stopped", c[RTC_REG_A] & RTC_A_RS,
            b, (b & RTC_B_SET) ? "SET " : "", (b & RTC_B_PIE) ? "PIE " : "",
            (b & RTC_B_AIE) ? "AIE " : "", (b & RTC_B_UIE) ? "UIE " : "",
            (b & RTC_B_SQWE) ? "SQWE " : "", binary_mode(rtc) ? "binary" : "BCD",
            hour24_mode(rtc) ? "24h" : "12h", c[RTC_REG_C], RTC_D_VRT);
    fprintf(out, "index %02x, NMI %s, IRQ %d\n", rtc->index,
            rtc->nmi_disabled ? "disabled" : "enabled", rtc->irq_level);
    for (unsigned row = 0; row < MC146818_BYTES; row += 16) {
        fprintf(out, "%02x:", row);
        for (unsigned k = 0; k < 16; k++)
            fprintf(out, " %02x", c[row + k]);
        fputc('\n', out);
    }
}
