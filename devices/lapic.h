/* The local APIC of a P6-family CPU, in xAPIC form: the interrupt
 * controller in front of the CPU's INTR, NMI and INIT pins. Its registers
 * are a 4 KiB page of MMIO at IA32_APIC_BASE (0xFEE00000 after reset).
 *
 * Reference: Intel 64 and IA-32 Architectures Software Developer's Manual,
 * vol. 3A, chapter 10 "Advanced Programmable Interrupt Controller (APIC)":
 * 10.4 (IA32_APIC_BASE, the ID and version registers, the state after
 * power-up, INIT and software disable), 10.5 (the local vector table, the
 * error status register, the timer), 10.6 (the interrupt command register
 * and destinations), 10.8 (IRR, ISR, TMR, TPR, PPR, APR, EOI), 10.9 (the
 * spurious vector). Register names are the SDM's.
 *
 * What this model is:
 * - Version 0x14 (an integrated APIC; Linux treats 0x14 and up as an
 *   xAPIC with an 8-bit ID) with the P6 family's local vector table: five
 *   entries, Max LVT Entry = 4 (timer, performance counters, LINT0, LINT1,
 *   error; the thermal entry at 0x330 is a P4 one and is reserved here).
 *   As on the P6, bits 3:0 of the spurious vector read as 1s and the timer
 *   has one-shot and periodic modes only (no TSC deadline).
 * - The timer counts at LAPIC_BUS_HZ (1 GHz, the rate of the TSC and of
 *   the virtual clock: one count per ns) divided by the divide
 *   configuration register; its state is computed from the clock when the
 *   guest reads it and a clock timer is armed only for its next expiry.
 * - LINT0 receives the 8259's INT output, LINT1 the board's NMI. The 8259
 *   answers the INTA cycle of an ExtINT interrupt (lapic_wiring.extint_ack).
 * - PIC mode: until software enables the APIC (SVR bit 8) or while
 *   IA32_APIC_BASE disables it, LINT0 is the CPU's INTR and LINT1 its NMI,
 *   straight through, as on a board that powers up in the MultiProcessor
 *   Specification's PIC mode (and as SDM 10.4.3 says for a disabled APIC).
 *   Programs that never touch the APIC, and Linux with "nolapic" after a
 *   direct kernel boot, keep the 8259 exactly as on a machine without one.
 *   The registers themselves follow the SDM: after reset every LVT entry is
 *   masked; a BIOS sets LINT0 to ExtINT and LINT1 to NMI (virtual wire).
 * - One CPU: an IPI reaches this APIC or nothing. A message addressed to
 *   another APIC ID is not accepted by anyone (Send Accept Error); a
 *   broadcast that excludes self, or a start-up IPI to this bootstrap
 *   processor, does nothing. SMI and remote read have nothing to act on.
 * - Pins and messages are logical levels (asserted = 1): the polarity
 *   bits are kept and read back, as on QEMU's model of the same board. */
#ifndef EMBER_DEVICES_LAPIC_H
#define EMBER_DEVICES_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "device.h"
#include "irq.h"
#include "memory.h"

struct cpu;

#define LAPIC_DEFAULT_BASE 0xFEE00000u
#define LAPIC_VERSION 0x14u
#define LAPIC_MAX_LVT 4u                /* five LVT entries */
#define LAPIC_BUS_HZ 1000000000u        /* timer input before the divider */

/* IA32_APIC_BASE (SDM figure 10-5). */
#define APIC_BASE_BSP 0x100u
#define APIC_BASE_ENABLE 0x800u
#define APIC_BASE_ADDRESS 0xFFFFFF000ull

/* Register offsets in the APIC page (SDM table 10-1). */
enum lapic_register {
    APIC_ID = 0x020,
    APIC_VERSION = 0x030,
    APIC_TPR = 0x080,               /* task priority */
    APIC_APR = 0x090,               /* arbitration priority */
    APIC_PPR = 0x0A0,               /* processor priority */
    APIC_EOI = 0x0B0,
    APIC_RRD = 0x0C0,               /* remote read */
    APIC_LDR = 0x0D0,               /* logical destination */
    APIC_DFR = 0x0E0,               /* destination format */
    APIC_SVR = 0x0F0,               /* spurious interrupt vector */
    APIC_ISR = 0x100,               /* in-service, 8 registers */
    APIC_TMR = 0x180,               /* trigger mode, 8 registers */
    APIC_IRR = 0x200,               /* interrupt request, 8 registers */
    APIC_ESR = 0x280,               /* error status */
    APIC_ICR_LOW = 0x300,           /* interrupt command, bits 31:0 */
    APIC_ICR_HIGH = 0x310,          /* interrupt command, bits 63:32 */
    APIC_LVT_TIMER = 0x320,
    APIC_LVT_THERMAL = 0x330,       /* not on the P6: reserved */
    APIC_LVT_PERF = 0x340,          /* performance-monitoring counters */
    APIC_LVT_LINT0 = 0x350,
    APIC_LVT_LINT1 = 0x360,
    APIC_LVT_ERROR = 0x370,
    APIC_TIMER_INITIAL = 0x380,     /* initial count */
    APIC_TIMER_CURRENT = 0x390,     /* current count */
    APIC_TIMER_DIVIDE = 0x3E0,      /* divide configuration */
};

/* Delivery modes of LVT entries, the ICR and I/O APIC redirection
 * entries (bits 10:8). */
enum apic_delivery {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWEST = 1,             /* lowest priority */
    APIC_DM_SMI = 2,
    APIC_DM_REMOTE_READ = 3,        /* ICR only (P6) */
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_STARTUP = 6,            /* ICR only */
    APIC_DM_EXTINT = 7,
};

/* Bits of LVT entries and the ICR. */
#define APIC_VECTOR 0x000000FFu
#define APIC_DELIVERY_MODE 0x00000700u
#define APIC_DEST_LOGICAL 0x00000800u   /* ICR */
#define APIC_DELIVERY_STATUS 0x00001000u
#define APIC_POLARITY_LOW 0x00002000u   /* LINT0/1 */
#define APIC_REMOTE_IRR 0x00004000u     /* LINT0/1 */
#define APIC_LEVEL_ASSERT 0x00004000u   /* ICR */
#define APIC_TRIGGER_LEVEL 0x00008000u
#define APIC_LVT_MASKED 0x00010000u
#define APIC_TIMER_PERIODIC 0x00020000u
#define APIC_SHORTHAND 0x000C0000u      /* ICR: 0 none, 1 self, 2 all, 3 all but self */
#define APIC_SHORTHAND_SHIFT 18

/* SVR. */
#define APIC_SVR_ENABLE 0x100u
#define APIC_SVR_FOCUS_DISABLED 0x200u

/* ESR bits (P6 family: SDM figure 10-9). */
#define APIC_ESR_SEND_CHECKSUM 0x01u
#define APIC_ESR_RECEIVE_CHECKSUM 0x02u
#define APIC_ESR_SEND_ACCEPT 0x04u
#define APIC_ESR_RECEIVE_ACCEPT 0x08u
#define APIC_ESR_SEND_ILLEGAL_VECTOR 0x20u
#define APIC_ESR_RECEIVE_ILLEGAL_VECTOR 0x40u
#define APIC_ESR_ILLEGAL_REGISTER 0x80u

/* An interrupt message on the APIC bus, as an I/O APIC sends it. */
struct apic_message {
    uint8_t vector;
    uint8_t delivery;               /* enum apic_delivery */
    uint8_t dest;                   /* an APIC ID, or a logical destination */
    bool logical;                   /* destination mode */
    bool level;                     /* trigger mode */
};

/* The LVT entries in the order of their registers (0x320, 0x340-0x370). */
enum lapic_lvt { LVT_TIMER, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_COUNT };

/* The architectural registers: what power-up and INIT set (SDM 10.4.7). */
struct lapic_regs {
    uint32_t id;                    /* APIC ID in bits 31:24 */
    uint32_t tpr;
    uint32_t ldr, dfr, svr;
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t esr;                   /* errors latched by the last ESR write */
    uint32_t esr_pending;           /* errors seen since then */
    uint32_t icr_low, icr_high;
    uint32_t lvt[LVT_COUNT];
    uint32_t timer_initial;
    uint32_t timer_divide;          /* divide configuration register */
    uint64_t timer_start;           /* ns at which the count was timer_base */
    uint32_t timer_base;            /* 0: the timer is stopped */
    uint64_t timer_deadline;        /* the next expiry (ns), while running */
    bool extint_message;            /* an ExtINT message awaits its INTA */
};

/* Plain data only: saved whole in snapshots. */
struct lapic_state {
    struct lapic_regs regs;
    bool lint[2];                   /* LINT0 and LINT1 as last driven */
    uint64_t apic_base;             /* IA32_APIC_BASE as the CPU last wrote it */
};

/* How the APIC is wired to the CPU and the board. */
struct lapic_wiring {
    struct irq_line intr, nmi, init;    /* the CPU's pins (cpu_set_pin) */
    /* The INTA cycle of the 8259 behind LINT0 (ExtINT): its vector. */
    int (*extint_ack)(void *opaque);
    void *extint_opaque;
    /* An EOI for a level-triggered vector, broadcast to the I/O APICs. */
    void (*eoi)(void *opaque, uint8_t vector);
    void *eoi_opaque;
};

struct lapic {
    struct lapic_state s;
    struct lapic_wiring w;
    struct phys_mem *mem;
    struct clock *clock;
    struct timer timer;
    int region;                     /* the MMIO page (phys handle) */
    bool placed;                    /* the page is mapped at placed_at */
    uint32_t placed_at;
    struct cpu *cpu;                /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops lapic_ops;

/* An APIC in its power-up state (enabled in IA32_APIC_BASE, software
 * disabled, every LVT entry masked) with its page at 0xFEE00000; NULL when
 * out of memory or the memory map is full. */
struct lapic *lapic_create(struct phys_mem *mem, struct clock *clock,
                           const struct lapic_wiring *wiring);
void lapic_set_eoi_listener(struct lapic *l, void (*eoi)(void *opaque, uint8_t vector),
                            void *opaque);

/* The CPU's side (struct cpu_intc): the INTA cycle, and IA32_APIC_BASE
 * written (the page moves; clearing the enable bit returns the APIC to its
 * power-up state and to PIC mode). opaque = the APIC. */
int lapic_intr_ack(void *opaque);
void lapic_base_written(void *opaque, uint64_t apic_base);

/* LINT0 (n = 0) and LINT1 (n = 1): the irq_line setter shape. */
void lapic_set_lint(void *opaque, int n, int level);
struct irq_line lapic_lint_line(struct lapic *l, int n);

/* A message from the APIC bus (an I/O APIC): true when this APIC accepted
 * it. A software-disabled APIC takes only NMI, INIT and SMI. */
bool lapic_accept_message(void *opaque, const struct apic_message *msg);

/* The registers as the CPU reads and writes them (offset in the page). */
uint32_t lapic_read(struct lapic *l, uint32_t offset);
void lapic_write(struct lapic *l, uint32_t offset, uint32_t value);

/* The timer's current count now. */
uint32_t lapic_timer_current(struct lapic *l);

#endif
