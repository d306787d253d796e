/* Motorola MC146818A real-time clock and its battery-backed RAM, the PC's
 * "CMOS": index port 0x70 (bit 7 disables NMI), data port 0x71, 128
 * bytes. Registers 0x00-0x0D are the clock; the rest is RAM laid out as
 * the IBM PC/AT BIOS and its successors (SeaBIOS, QEMU) expect.
 *
 * The clock is not stepped every second: its registers are brought up to
 * date from the virtual clock when the guest looks, and a timer is armed
 * only while an enabled interrupt can come. */
#ifndef EMBER_DEVICES_MC146818_RTC_H
#define EMBER_DEVICES_MC146818_RTC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "clock.h"
#include "device.h"
#include "irq.h"

struct cpu;
struct machine_config;

#define MC146818_PORT 0x70
#define MC146818_BYTES 128

/* Clock registers. */
#define RTC_SECONDS 0x00
#define RTC_SECONDS_ALARM 0x01
#define RTC_MINUTES 0x02
#define RTC_MINUTES_ALARM 0x03
#define RTC_HOURS 0x04
#define RTC_HOURS_ALARM 0x05
#define RTC_DAY_OF_WEEK 0x06
#define RTC_DATE_OF_MONTH 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0A
#define RTC_REG_B 0x0B
#define RTC_REG_C 0x0C
#define RTC_REG_D 0x0D

/* Register A. */
#define RTC_A_UIP 0x80
#define RTC_A_DV 0x70               /* DV2-DV0 */
#define RTC_A_DV_32768 0x20         /* 32.768 kHz time base: running */
#define RTC_A_DV_RESET 0x60         /* 11x: divider chain held in reset */
#define RTC_A_RS 0x0F               /* RS3-RS0 */
/* Register B. */
#define RTC_B_SET 0x80
#define RTC_B_PIE 0x40
#define RTC_B_AIE 0x20
#define RTC_B_UIE 0x10
#define RTC_B_SQWE 0x08
#define RTC_B_DM 0x04               /* 1 = binary, 0 = BCD */
#define RTC_B_24H 0x02
#define RTC_B_DSE 0x01
/* Register C. */
#define RTC_C_IRQF 0x80
#define RTC_C_PF 0x40
#define RTC_C_AF 0x20
#define RTC_C_UF 0x10
/* Register D. */
#define RTC_D_VRT 0x80

/* The IBM PC CMOS RAM bytes set up for the BIOS. */
#define CMOS_SHUTDOWN_STATUS 0x0F
#define CMOS_FLOPPY_TYPES 0x10
#define CMOS_DISK_TYPES 0x12
#define CMOS_EQUIPMENT 0x14
#define CMOS_BASE_MEMORY 0x15       /* and 0x16: KiB */
#define CMOS_EXTENDED_MEMORY 0x17   /* and 0x18: KiB above 1 MiB */
#define CMOS_DISK0_TYPE 0x19
#define CMOS_DISK1_TYPE 0x1A
#define CMOS_DISK0_PARAMS 0x1B      /* 9 bytes of user-defined drive type */
#define CMOS_DISK1_PARAMS 0x24
#define CMOS_CHECKSUM 0x2E          /* and 0x2F: sum of 0x10-0x2D, high byte first */
#define CMOS_EXTENDED_MEMORY_POST 0x30  /* and 0x31 */
#define CMOS_CENTURY 0x32
#define CMOS_MEMORY_ABOVE_16M 0x34  /* and 0x35: 64 KiB units */
#define CMOS_BOOT_FLAG_THIRD 0x38   /* QEMU: third boot device, floppy check */
#define CMOS_BOOT_FLAG_FIRST 0x3D   /* QEMU: first and second boot devices */
#define CMOS_MEMORY_ABOVE_4G 0x5B   /* 0x5B-0x5D: 64 KiB units */

struct mc146818 {
    uint8_t cmos[MC146818_BYTES];
    uint8_t index;              /* register selected through port 0x70 */
    bool nmi_disabled;          /* bit 7 of the last write to port 0x70 */
    bool october_hour_repeated; /* DSE: this October's 1:00-1:59 has run twice */
    bool irq_level;
    uint64_t divider_origin_ns; /* when the divider chain last started */
    uint64_t synced_tick;       /* 32.768 kHz ticks since then that are accounted for */
    struct clock *clock;
    struct irq_line irq;
    struct timer timer;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops mc146818_ops;

/* Map 0x70/0x71. The clock runs (32.768 kHz time base, 1024 Hz periodic
 * rate, BCD, 24-hour) from 2000-01-01 00:00:00 until set; the RAM is
 * zero. NULL when out of memory. */
struct mc146818 *mc146818_create(struct io_bus *io, struct clock *clock, struct irq_line irq);
/* Set the clock registers (in the current data mode) and the century
 * byte to a time in seconds since 1970-01-01 00:00:00 UTC. */
void mc146818_set_time(struct mc146818 *rtc, int64_t unix_seconds);
/* The PC layout: memory sizes, drives, equipment, boot order, checksum,
 * and the time (host UTC, or cfg->rtc_base when cfg->rtc_fixed). */
void mc146818_setup_pc_cmos(struct mc146818 *rtc, const struct machine_config *cfg);
/* A byte of RAM or a clock register, as the guest reads it. */
uint8_t mc146818_read(struct mc146818 *rtc, uint8_t index);
bool mc146818_nmi_disabled(const struct mc146818 *rtc);

/* Clock registers and the CMOS bytes, for "info rtc". */
void mc146818_info(const struct mc146818 *rtc, FILE *out);

#endif
