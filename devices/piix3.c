/* Intel 82371SB PIIX3 function 0, the PCI-to-ISA bridge; see piix3.h.
 * Reference: Intel 82371FB/82371SB datasheet, 2.2 and 2.4. */
#include "piix3.h"

#include <stdlib.h>

#include "debugger.h"

#define PIIX3_VENDOR 0x8086
#define PIIX3_DEVICE 0x7000
#define PIIX3_CLASS 0x060100        /* ISA bridge */
#define PIIX3_IORT 0x4C
#define PIIX3_XBCS 0x4E
#define PIIX3_TOM 0x69
#define PIIX3_MSTAT 0x6A
#define PIIX3_MBIRQ0 0x70
#define PIIX3_MBIRQ1 0x71
#define PIIX3_MBDMA0 0x76
#define PIIX3_MBDMA1 0x77
#define PIIX3_PCSC 0x78
#define PIIX3_APICBASE 0x80
#define PIIX3_DLC 0x82
#define PIIX3_SMICNTL 0xA0
#define PIIX3_SMIEN 0xA2
#define PIIX3_SEE 0xA4
#define PIIX3_FTMR 0xA8
#define PIIX3_SMIREQ 0xAA
#define PIIX3_CTLTMR 0xAC
#define PIIX3_CTHTMR 0xAE
#define QEMU_SUBSYSTEM_VENDOR 0x1AF4
#define QEMU_SUBSYSTEM 0x1100

/* ISA IRQs a PIRQ may be routed to (3-7, 9-12, 14, 15). */
#define ROUTABLE_IRQS 0xDEF8u

/* ---- PIRQ routing ---- */

static int pirq_target(const struct piix3 *p, int pirq)
{
    uint8_t rc = pci_get_byte(&p->pci, PIIX3_PIRQRC + (uint32_t)pirq);
    int irq = rc & 0x0F;
    if ((rc & PIIX3_PIRQRC_DISABLE) || !((ROUTABLE_IRQS >> irq) & 1))
        return -1;
    return irq;
}

/* Recompute which ISA IRQs the PIRQs hold high and drive the changes. */
static void update_irqs(struct piix3 *p)
{
    uint16_t out = 0;
    for (int pirq = 0; pirq < PCI_PIRQS; pirq++) {
        int irq = pirq_target(p, pirq);
        if (irq >= 0 && pci_bus_pirq_level(p->pci.bus, pirq))
            out |= (uint16_t)(1u << irq);
    }
    uint16_t changed = out ^ p->irq_out;
    p->irq_out = out;
    for (int irq = 0; irq < 16; irq++)
        if ((changed >> irq) & 1)
            irq_set(&p->isa_irq[irq], (out >> irq) & 1);
}

static void pirq_set(void *opaque, int pirq, int level)
{
    (void)pirq;
    (void)level;
    update_irqs(opaque);
}

/* APICBASE moves the I/O APIC's two registers within FEC00000h-FEC0FC00h
 * (bits 5:2 and 1:0 are address bits 15:12 and 11:10); the I/O APIC here
 * stays where the MP table and the MADT say it is. */
static void check_apicbase(struct piix3 *p)
{
    uint8_t v = pci_get_byte(&p->pci, PIIX3_APICBASE);
    if (v & 0x3F)
        trace_unimp(p, "PIIX3 APICBASE %02xh moves the I/O APIC to %08xh, which is not "
                    "implemented: it stays at FEC00000h", v,
                    0xFEC00000u | (uint32_t)(v & 0x3C) << 10 | (uint32_t)(v & 0x03) << 10);
}

static void piix3_config_write(struct pci_device *d, uint32_t reg, uint32_t old, unsigned size)
{
    (void)old;
    if (reg < PIIX3_PIRQRC + PCI_PIRQS && reg + size > PIIX3_PIRQRC)
        update_irqs((struct piix3 *)d);
    if (reg <= PIIX3_APICBASE && reg + size > PIIX3_APICBASE)
        check_apicbase((struct piix3 *)d);
}

/* ---- RC, 0xCF9 (byte accesses to 0xCF8-0xCFB that are not CONFADD) ---- */

static uint32_t rc_read(void *opaque, uint32_t addr, unsigned size)
{
    struct piix3 *p = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (addr + k == 1 ? p->rc : 0xFFu) << (8 * k);
    return value;
}

static void rc_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct piix3 *p = opaque;
    if (addr > 1 || addr + size <= 1)
        return;
    uint8_t rc = (uint8_t)(value >> (8 * (1 - addr)));
    p->rc = rc & PIIX3_RC_SRST;
    if ((rc & PIIX3_RC_RCPU) && p->reset)
        p->reset(p->reset_opaque);
}

static const struct io_ops rc_ops = { .name = "piix3-rc", .read = rc_read, .write = rc_write };

/* ---- device ---- */

static void piix3_reset(void *dev)
{
    struct piix3 *p = dev;
    pci_device_reset(&p->pci);
    p->ferr = false;
    if (p->ignne)
        *p->ignne = false;
    pci_set_word(&p->pci, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    pci_set_byte(&p->pci, PIIX3_IORT, 0x4D);
    pci_set_word(&p->pci, PIIX3_XBCS, 0x0003);
    for (uint32_t k = 0; k < PCI_PIRQS; k++)
        pci_set_byte(&p->pci, PIIX3_PIRQRC + k, PIIX3_PIRQRC_DISABLE);
    pci_set_byte(&p->pci, PIIX3_TOM, 0x02);
    pci_set_word(&p->pci, PIIX3_MSTAT, 0);
    pci_set_byte(&p->pci, PIIX3_MBIRQ0, 0x80);
    pci_set_byte(&p->pci, PIIX3_MBIRQ1, 0x80);
    pci_set_byte(&p->pci, PIIX3_MBDMA0, 0x04);
    pci_set_byte(&p->pci, PIIX3_MBDMA1, 0x04);
    pci_set_word(&p->pci, PIIX3_PCSC, 0x0002);
    pci_set_byte(&p->pci, PIIX3_APICBASE, 0);
    pci_set_byte(&p->pci, PIIX3_DLC, 0);
    pci_set_byte(&p->pci, PIIX3_SMICNTL, 0x08);
    pci_set_word(&p->pci, PIIX3_SMIEN, 0);
    pci_set_long(&p->pci, PIIX3_SEE, 0);
    pci_set_byte(&p->pci, PIIX3_FTMR, 0x0F);
    pci_set_word(&p->pci, PIIX3_SMIREQ, 0);
    pci_set_byte(&p->pci, PIIX3_CTLTMR, 0);
    pci_set_byte(&p->pci, PIIX3_CTHTMR, 0);
    p->rc = 0;
    update_irqs(p);
}

/* irq_out was loaded with the rest: drive only what the loaded routing and
 * the loaded PCI devices' INTx change. */
static void piix3_post_load(void *dev)
{
    struct piix3 *p = dev;
    pci_device_post_load(&p->pci);
    update_irqs(p);
}

static void piix3_destroy(void *dev)
{
    struct piix3 *p = dev;
    pci_device_destroy(&p->pci);
    free(p);
}

static void piix3_set_cpu(void *dev, struct cpu *cpu)
{
    struct piix3 *p = dev;
    p->cpu = cpu;
}

static const struct state_field piix3_fields[] = {
    STATE_FIELD(struct piix3, pci.config),
    STATE_FIELD(struct piix3, rc),
    STATE_FIELD(struct piix3, irq_out),
    STATE_FIELD(struct piix3, ferr),
};

static const struct device_state piix3_state = {
    .version = 1, .fields = piix3_fields, .nfields = sizeof piix3_fields / sizeof piix3_fields[0],
    .post_load = piix3_post_load,
};

const struct device_ops piix3_ops = {
    .name = "piix3", .reset = piix3_reset, .destroy = piix3_destroy, .state = &piix3_state,
    .set_cpu = piix3_set_cpu,
};

static void set_wmask(struct piix3 *p, uint32_t reg, unsigned bytes, uint32_t mask)
{
    for (unsigned k = 0; k < bytes; k++)
        p->pci.wmask[reg + k] = (uint8_t)(mask >> (8 * k));
}

static void declare_registers(struct piix3 *p)
{
    p->pci.wmask[PCI_INTERRUPT_LINE] = 0;   /* no interrupt pin */
    set_wmask(p, PIIX3_IORT, 1, 0x7F);
    set_wmask(p, PIIX3_XBCS, 2, 0x07F7);
    set_wmask(p, PIIX3_PIRQRC, 4, 0x8F8F8F8F);
    set_wmask(p, PIIX3_TOM, 1, 0xFE);
    set_wmask(p, PIIX3_MSTAT, 2, 0x0080);
    set_wmask(p, PIIX3_MBIRQ0, 2, 0xEFEF);
    set_wmask(p, PIIX3_MBDMA0, 2, 0x8787);
    set_wmask(p, PIIX3_PCSC, 2, 0xFFFF);
    set_wmask(p, PIIX3_APICBASE, 1, 0x7F);
    set_wmask(p, PIIX3_DLC, 1, 0x0F);
    set_wmask(p, PIIX3_SMICNTL, 1, 0x1F);
    set_wmask(p, PIIX3_SMIEN, 2, 0x00FF);
    set_wmask(p, PIIX3_SEE, 4, 0xFFFFFFFF);
    set_wmask(p, PIIX3_FTMR, 1, 0xFF);
    set_wmask(p, PIIX3_SMIREQ, 2, 0x01FF);
    set_wmask(p, PIIX3_CTLTMR, 1, 0xFF);
    set_wmask(p, PIIX3_CTHTMR, 1, 0xFF);
}

struct piix3 *piix3_create(struct pci_bus *bus, const struct irq_line *isa_irq,
                           void (*reset)(void *opaque), void *reset_opaque)
{
    struct piix3 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->isa_irq = isa_irq;
    p->reset = reset;
    p->reset_opaque = reset_opaque;
    pci_device_init(&p->pci, PIIX3_VENDOR, PIIX3_DEVICE, PIIX3_CLASS);
    pci_set_byte(&p->pci, PCI_HEADER_TYPE, PCI_HEADER_MULTI_FUNCTION);
    pci_set_word(&p->pci, PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM);
    pci_set_word(&p->pci, PCI_SUBSYSTEM_VENDOR_ID, QEMU_SUBSYSTEM_VENDOR);
    pci_set_word(&p->pci, PCI_SUBSYSTEM_ID, QEMU_SUBSYSTEM);
    declare_registers(p);
    p->pci.config_write = piix3_config_write;
    if (pci_bus_add(bus, &p->pci, PCI_DEVFN(1, 0)) < 0) {
        free(p);
        return NULL;
    }
    pci_bus_set_pirq_router(bus, pirq_set, p);
    pci_bus_set_cf8_other(bus, &rc_ops, p);
    piix3_reset(p);
    return p;
}

/* ---- coprocessor error: FERR# to IRQ 13, port F0h to IGNNE# ---- */

#define FERR_IRQ 13
#define COPROCESSOR_PORT 0xF0

void piix3_ferr(void *opaque, bool asserted)
{
    struct piix3 *p = opaque;
    p->ferr = asserted;
    if (!asserted && p->ignne)
        *p->ignne = false;
    irq_set(&p->isa_irq[FERR_IRQ], asserted);
}

static void coprocessor_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct piix3 *p = opaque;
    (void)addr; (void)value; (void)size;
    irq_lower(&p->isa_irq[FERR_IRQ]);
    if (p->ferr && p->ignne)
        *p->ignne = true;
}

static const struct io_ops coprocessor_ops = {
    .name = "coprocessor-error", .write = coprocessor_write,
};

void piix3_connect_coprocessor(struct piix3 *p, struct io_bus *io, bool *ignne)
{
    p->ignne = ignne;
    if (ignne)
        *ignne = false;
    io_map(io, COPROCESSOR_PORT, 1, &coprocessor_ops, p);
}
