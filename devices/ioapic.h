/* The Intel 82093AA I/O APIC: 24 interrupt input pins, each with a
 * redirection entry that turns the pin's signal into an interrupt message
 * for the local APICs. Two registers in memory (at 0xFEC00000 on the PC):
 * IOREGSEL (+0x00) selects an internal register, IOWIN (+0x10) reads and
 * writes it.
 *
 * Reference: Intel 82093AA I/O Advanced Programmable Interrupt Controller
 * (IOAPIC) datasheet, order number 290566-001: 3.0 "Register Description"
 * (IOREGSEL, IOWIN, IOAPICID, IOAPICVER, IOAPICARB, IOREDTBL[0:23]),
 * 3.2.4 (the redirection entry fields). Register names are the
 * datasheet's.
 *
 * Pins carry logical levels (asserted = 1): the board's firmware tables
 * say which polarity each wire has and the guest programs the same bit,
 * so the entry's polarity bit is kept and read back but inverts nothing
 * (QEMU models this board the same way). A level-triggered entry with
 * fixed or lowest-priority delivery sets its remote IRR when a local APIC
 * accepts the message; the EOI of its vector clears it, and the pin
 * requests again if still asserted. NMI, INIT and ExtINT entries act as
 * edge-triggered ones, as the datasheet requires them to be programmed.
 * Writing an entry as edge-triggered clears its remote IRR (Linux relies
 * on this to unstick a pin on I/O APICs without an EOI register). */
#ifndef EMBER_DEVICES_IOAPIC_H
#define EMBER_DEVICES_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "irq.h"
#include "lapic.h"
#include "memory.h"

#define IOAPIC_DEFAULT_BASE 0xFEC00000u
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x11u

/* Memory-mapped registers. */
#define IOAPIC_IOREGSEL 0x00u
#define IOAPIC_IOWIN 0x10u

/* Internal registers (IOREGSEL values). */
enum ioapic_register {
    IOAPICID = 0x00,
    IOAPICVER = 0x01,
    IOAPICARB = 0x02,
    IOREDTBL = 0x10,            /* entry n: 0x10 + 2n (bits 31:0), 0x11 + 2n (63:32) */
};

/* Redirection entry bits (3.2.4). */
#define IOREDTBL_VECTOR 0x00000000000000FFull
#define IOREDTBL_DELIVERY_MODE 0x0000000000000700ull
#define IOREDTBL_DEST_LOGICAL 0x0000000000000800ull
#define IOREDTBL_DELIVERY_STATUS 0x0000000000001000ull
#define IOREDTBL_POLARITY_LOW 0x0000000000002000ull
#define IOREDTBL_REMOTE_IRR 0x0000000000004000ull
#define IOREDTBL_TRIGGER_LEVEL 0x0000000000008000ull
#define IOREDTBL_MASKED 0x0000000000010000ull
#define IOREDTBL_DEST_SHIFT 56

/* Plain data only: saved whole in snapshots. */
struct ioapic_state {
    uint32_t ioregsel;
    uint32_t id;                /* IOAPICID: the ID in bits 27:24 */
    uint32_t arb;               /* IOAPICARB: the arbitration ID in bits 27:24 */
    uint64_t redir[IOAPIC_PINS];
    uint32_t pins;              /* input levels, bit n = pin n */
};

/* Where messages go: the APIC bus (the local APIC). Returns whether an
 * APIC accepted the message. */
typedef bool (*ioapic_deliver_fn)(void *opaque, const struct apic_message *msg);

struct ioapic {
    struct ioapic_state s;
    ioapic_deliver_fn deliver;
    void *deliver_opaque;
};

extern const struct device_ops ioapic_ops;

/* Map the two registers at base (a 4 KiB page) and return an I/O APIC in
 * its reset state (ID 0, every entry masked); NULL when out of memory or
 * the memory map is full. */
struct ioapic *ioapic_create(struct phys_mem *mem, uint32_t base, ioapic_deliver_fn deliver,
                             void *opaque);

/* The level of input pin n (0-23): the irq_line setter shape. */
void ioapic_set_irq(void *opaque, int n, int level);
struct irq_line ioapic_irq_line(struct ioapic *io, int n);

/* An EOI message from a local APIC for vector (lapic_wiring.eoi shape). */
void ioapic_eoi(void *opaque, uint8_t vector);

/* The registers as software sees them through IOREGSEL/IOWIN. */
uint32_t ioapic_read_register(struct ioapic *io, uint32_t index);
void ioapic_write_register(struct ioapic *io, uint32_t index, uint32_t value);

#endif
