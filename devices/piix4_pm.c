/* Intel 82371AB PIIX4 function 3: ACPI power management and SMBus; see
 * piix4_pm.h. Reference: Intel 82371AB (PIIX4) datasheet, 3.5, 7.2, 7.3;
 * ACPI 1.0b chapter 4. */
#include "piix4_pm.h"

#include <stdlib.h>

#include "debugger.h"

#define PIIX4_PM_VENDOR 0x8086
#define PIIX4_PM_DEVICE 0x7113
#define PIIX4_PM_REVISION 0x03
#define PIIX4_PM_CLASS 0x068000     /* other bridge */
#define DEVACTB_APMC_EN (1u << 25)
#define PMREGMISC_PMIOSE 0x01
#define SMBHSTCFG_HST_EN 0x01
#define SMBHSTCFG_INTRSEL 0x0E
#define SMBHSTCFG_IRQ9 0x08
#define GLBSTS_BIOS_STS 0x0001
#define APM_ACPI_ENABLE 0xF1
#define APM_ACPI_DISABLE 0xF0
#define PMEN_WRITABLE (PMSTS_TMROF | PMSTS_GBL | PMSTS_PWRBTN | PMSTS_RTC)
#define PMSTS_W1C (PMEN_WRITABLE | PMSTS_BM | PMSTS_WAK)
#define PMCNTRL_WRITABLE (PMCNTRL_SCI_EN | PMCNTRL_BRLD_EN_BM | PMCNTRL_SUS_TYP)
#define TMR_BITS 24
#define TMR_MSB_SHIFT 23            /* TMROF_STS: bit 23 of the count toggled */
#define QEMU_SUBSYSTEM_VENDOR 0x1AF4
#define QEMU_SUBSYSTEM 0x1100

/* ---- the PM timer ---- */

static uint64_t ticks_at(uint64_t ns)
{
    return ns / NS_PER_SEC * PM_TIMER_HZ + ns % NS_PER_SEC * PM_TIMER_HZ / NS_PER_SEC;
}

/* The first virtual ns at which the count reaches ticks. */
static uint64_t ns_of_tick(uint64_t ticks)
{
    uint64_t rem = ticks % PM_TIMER_HZ;
    return ticks / PM_TIMER_HZ * NS_PER_SEC + (rem * NS_PER_SEC + PM_TIMER_HZ - 1) / PM_TIMER_HZ;
}

static uint64_t ticks_now(struct piix4_pm *pm)
{
    return ticks_at(clock_now(pm->clock));
}

uint32_t piix4_pm_timer(struct piix4_pm *pm)
{
    return (uint32_t)(ticks_now(pm) & ((1u << TMR_BITS) - 1));
}

/* TMROF_STS is set each time bit 23 of the count toggles. */
static void sync_tmrof(struct piix4_pm *pm)
{
    uint64_t now = ticks_now(pm);
    if ((now >> TMR_MSB_SHIFT) != (pm->tmr_seen >> TMR_MSB_SHIFT))
        pm->pmsts |= PMSTS_TMROF;
    pm->tmr_seen = now;
}

static void arm_tmrof(struct piix4_pm *pm)
{
    if (!(pm->pmen & PMSTS_TMROF)) {
        timer_cancel(pm->clock, &pm->tmr_timer);
        return;
    }
    uint64_t next = ((pm->tmr_seen >> TMR_MSB_SHIFT) + 1) << TMR_MSB_SHIFT;
    timer_arm(pm->clock, &pm->tmr_timer, ns_of_tick(next));
}

/* ---- SCI (IRQ 9): ACPI events while SCI_EN, and the SMBus interrupt ---- */

static bool smbus_irq(const struct piix4_pm *pm)
{
    uint8_t cfg = pci_get_byte(&pm->pci, PIIX4_PM_SMBHSTCFG);
    uint8_t done = SMBHSTSTS_INTER | SMBHSTSTS_DEV_ERR | SMBHSTSTS_BUS_ERR | SMBHSTSTS_FAILED;
    return (cfg & SMBHSTCFG_HST_EN) && (cfg & SMBHSTCFG_INTRSEL) == SMBHSTCFG_IRQ9 &&
           (pm->smb_hstcnt & SMBHSTCNT_INTEREN) && (pm->smb_hststs & done);
}

static void update_sci(struct piix4_pm *pm)
{
    bool acpi = (pm->pmcntrl & PMCNTRL_SCI_EN) &&
                ((pm->pmsts & pm->pmen & PMEN_WRITABLE) || (pm->gpsts & pm->gpen));
    int level = acpi || smbus_irq(pm);
    if (level != pm->sci_level) {
        pm->sci_level = level;
        irq_set(&pm->sci, level);
    }
}

static void tmrof_fire(void *opaque)
{
    struct piix4_pm *pm = opaque;
    sync_tmrof(pm);
    update_sci(pm);
    arm_tmrof(pm);
}

void piix4_pm_power_button(struct piix4_pm *pm)
{
    pm->pmsts |= PMSTS_PWRBTN;
    update_sci(pm);
}

/* ---- PM I/O block ---- */

/* The register holding byte off: its first byte and width (0: none). */
static unsigned reg_width(uint32_t start)
{
    switch (start) {
    case PM_PMSTS: case PM_PMEN: case PM_PMCNTRL: case PM_GPSTS: case PM_GPEN:
    case PM_GLBSTS: case PM_GLBEN:
        return 2;
    case PM_PMTMR: case PM_PCNTRL: case PM_DEVSTS: case PM_GLBCTL: case PM_DEVCTL:
    case PM_GPIREG: case PM_GPOREG:
        return 4;
    default:
        return 0;
    }
}

/* The register holding byte off: its first byte, and its width in *width
 * (0 for a reserved byte, which is then its own "register"). */
static uint32_t reg_start(uint32_t off, unsigned *width)
{
    uint32_t word = off & ~1u, dword = off & ~3u;
    if (reg_width(word) == 2) {
        *width = 2;
        return word;
    }
    if (reg_width(dword) == 4) {
        *width = 4;
        return dword;
    }
    *width = 0;
    return off;
}

static uint32_t reg_value(struct piix4_pm *pm, uint32_t reg, uint32_t tmr)
{
    switch (reg) {
    case PM_PMSTS: sync_tmrof(pm); return pm->pmsts;
    case PM_PMEN: return pm->pmen;
    case PM_PMCNTRL: return pm->pmcntrl;
    case PM_PMTMR: return tmr;
    case PM_GPSTS: return pm->gpsts;
    case PM_GPEN: return pm->gpen;
    case PM_PCNTRL: return pm->pcntrl;
    case PM_GLBSTS: return pm->glbsts;
    case PM_DEVSTS: return pm->devsts;
    case PM_GLBEN: return pm->glben;
    case PM_GLBCTL: return pm->glbctl;
    case PM_DEVCTL: return pm->devctl;
    case PM_GPIREG: return 0;           /* no general purpose inputs wired */
    case PM_GPOREG: return pm->gpo;
    default: return 0;                  /* P_LVL2/3 and reserved bytes */
    }
}

static uint32_t pm_read(void *opaque, uint32_t addr, unsigned size)
{
    struct piix4_pm *pm = opaque;
    uint32_t tmr = piix4_pm_timer(pm);
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++) {
        unsigned width;
        uint32_t off = addr + k, reg = reg_start(off, &width);
        uint32_t byte = (reg_value(pm, reg, tmr) >> (8 * (off - reg))) & 0xFF;
        value |= byte << (8 * k);
    }
    return value;
}

static uint16_t w1c16(uint16_t reg, uint32_t value, uint16_t bits)
{
    return (uint16_t)(reg & ~(value & bits));
}

static void write_pmcntrl(struct piix4_pm *pm, uint32_t value)
{
    pm->pmcntrl = (uint16_t)(value & PMCNTRL_WRITABLE);
    if (value & PMCNTRL_GBL_RLS) {
        pm->glbsts |= GLBSTS_BIOS_STS;  /* would be an SMI to the BIOS */
        trace_unimp(pm, "PIIX4 PMCNTRL GBL_RLS: the SMI it raises for the BIOS is not "
                    "implemented (no SMM): only BIOS_STS is set");
    }
    /* Only soft-off is announced (the DSDT's \_S5); other sleep types
     * are not entered. */
    unsigned sus_typ = (value & PMCNTRL_SUS_TYP) >> 10;
    if (!(value & PMCNTRL_SUS_EN))
        return;
    if (sus_typ == SUS_TYP_SOFF && pm->poweroff)
        pm->poweroff(pm->poweroff_opaque);
    else if (sus_typ != SUS_TYP_SOFF)
        trace_unimp_key(pm, sus_typ, "PIIX4 PMCNTRL SUS_EN with SUS_TYP %u (a sleep state "
                        "other than soft-off) is not implemented: the machine runs on",
                        sus_typ);
}

/* value holds the register's bytes in place, mask the bytes written. */
static void reg_write(struct piix4_pm *pm, uint32_t reg, uint32_t value, uint32_t mask)
{
    uint32_t merged = (reg_value(pm, reg, 0) & ~mask) | (value & mask);
    switch (reg) {
    case PM_PMSTS:
        sync_tmrof(pm);
        pm->pmsts = w1c16(pm->pmsts, value & mask, PMSTS_W1C);
        break;
    case PM_PMEN:
        sync_tmrof(pm);
        pm->pmen = (uint16_t)(merged & PMEN_WRITABLE);
        arm_tmrof(pm);
        break;
    case PM_PMCNTRL:
        write_pmcntrl(pm, (merged & ~(uint32_t)(PMCNTRL_GBL_RLS | PMCNTRL_SUS_EN)) |
                              (value & mask & (PMCNTRL_GBL_RLS | PMCNTRL_SUS_EN)));
        break;
    case PM_GPSTS: pm->gpsts = w1c16(pm->gpsts, value & mask, 0xFFFF); break;
    case PM_GPEN: pm->gpen = (uint16_t)merged; break;
    case PM_PCNTRL: pm->pcntrl = merged; break;
    case PM_GLBSTS: pm->glbsts = w1c16(pm->glbsts, value & mask, 0xFFFF); break;
    case PM_DEVSTS: pm->devsts &= ~(value & mask); break;
    case PM_GLBEN: pm->glben = (uint16_t)merged; break;
    case PM_GLBCTL: pm->glbctl = merged; break;
    case PM_DEVCTL: pm->devctl = merged; break;
    case PM_GPOREG: pm->gpo = merged; break;
    default: break;                     /* PMTMR, GPIREG: read only */
    }
}

static void pm_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct piix4_pm *pm = opaque;
    uint32_t off = addr;
    while (off < addr + size) {
        unsigned width;
        uint32_t reg = reg_start(off, &width);
        uint32_t in_value = 0, mask = 0;
        for (; off < addr + size && off < reg + (width ? width : 1); off++) {
            uint32_t byte = (value >> (8 * (off - addr))) & 0xFF;
            in_value |= byte << (8 * (off - reg));
            mask |= 0xFFu << (8 * (off - reg));
        }
        if (width)
            reg_write(pm, reg, in_value, mask);
    }
    update_sci(pm);
}

static const struct io_ops pm_ops = { .name = "piix4-pm", .read = pm_read, .write = pm_write };

/* ---- SMBus host controller (no devices on the bus) ---- */

static uint8_t smb_byte(struct piix4_pm *pm, uint32_t off)
{
    switch (off) {
    case SMB_HSTSTS: return pm->smb_hststs;
    case SMB_HSTCNT: return pm->smb_hstcnt & (uint8_t)~SMBHSTCNT_START;
    case SMB_HSTCMD: return pm->smb_hstcmd;
    case SMB_HSTADD: return pm->smb_hstadd;
    case SMB_HSTDAT0: return pm->smb_hstdat0;
    case SMB_HSTDAT1: return pm->smb_hstdat1;
    case SMB_SLVCNT: return pm->smb_slvcnt;
    case SMB_SHDWCMD: return pm->smb_shdwcmd;
    case SMB_SLVEVT: return (uint8_t)pm->smb_slvevt;
    case SMB_SLVEVT + 1: return (uint8_t)(pm->smb_slvevt >> 8);
    case SMB_SLVDAT: return (uint8_t)pm->smb_slvdat;
    case SMB_SLVDAT + 1: return (uint8_t)(pm->smb_slvdat >> 8);
    default: return 0;                  /* BLKDAT: no data ever arrives */
    }
}

static uint32_t smb_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++)
        value |= (uint32_t)smb_byte(opaque, addr + k) << (8 * k);
    return value;
}

/* A transaction: the address is never acknowledged (no slave present), so
 * it ends at once with DEV_ERR. KILL ends one with FAILED. */
static void smb_control(struct piix4_pm *pm, uint8_t value)
{
    pm->smb_hstcnt = value & (uint8_t)~SMBHSTCNT_START;
    if (value & SMBHSTCNT_KILL) {
        pm->smb_hststs = (uint8_t)((pm->smb_hststs & ~SMBHSTSTS_HOST_BUSY) | SMBHSTSTS_FAILED);
        return;
    }
    if (value & SMBHSTCNT_START) {
        trace_unimp(pm, "PIIX4 SMBus transaction to address %02xh: no SMBus device (SPD "
                    "EEPROM or other) is implemented: ended with DEV_ERR", pm->smb_hstadd >> 1);
        pm->smb_hststs = (uint8_t)((pm->smb_hststs & ~SMBHSTSTS_HOST_BUSY) | SMBHSTSTS_DEV_ERR);
    }
}

static void smb_write_byte(struct piix4_pm *pm, uint32_t off, uint8_t value)
{
    switch (off) {
    case SMB_HSTSTS:
        pm->smb_hststs &= (uint8_t)~(value & (SMBHSTSTS_INTER | SMBHSTSTS_DEV_ERR |
                                              SMBHSTSTS_BUS_ERR | SMBHSTSTS_FAILED));
        break;
    case SMB_HSTCNT: smb_control(pm, value); break;
    case SMB_HSTCMD: pm->smb_hstcmd = value; break;
    case SMB_HSTADD: pm->smb_hstadd = value; break;
    case SMB_HSTDAT0: pm->smb_hstdat0 = value; break;
    case SMB_HSTDAT1: pm->smb_hstdat1 = value; break;
    case SMB_SLVCNT: pm->smb_slvcnt = value & 0x0F; break;
    case SMB_SHDWCMD: pm->smb_shdwcmd = value; break;
    case SMB_SLVEVT: pm->smb_slvevt = (uint16_t)((pm->smb_slvevt & 0xFF00) | value); break;
    case SMB_SLVEVT + 1:
        pm->smb_slvevt = (uint16_t)((pm->smb_slvevt & 0x00FF) | value << 8);
        break;
    default: break;                     /* BLKDAT, SLVDAT: nothing to send */
    }
}

static void smb_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct piix4_pm *pm = opaque;
    for (unsigned k = 0; k < size; k++)
        smb_write_byte(pm, addr + k, (uint8_t)(value >> (8 * k)));
    update_sci(pm);
}

static const struct io_ops smb_ops = { .name = "piix4-smbus", .read = smb_read, .write = smb_write };

/* ---- APMC/APMS (0xB2/0xB3) ---- */

static uint32_t apm_read(void *opaque, uint32_t addr, unsigned size)
{
    struct piix4_pm *pm = opaque;
    uint32_t value = 0;
    for (unsigned k = 0; k < size; k++) {
        uint32_t off = addr + k;
        value |= (uint32_t)(off == 0 ? pm->apmc : off == 1 ? pm->apms : 0xFF) << (8 * k);
    }
    return value;
}

static void apm_command(struct piix4_pm *pm, uint8_t cmd)
{
    pm->apmc = cmd;
    if (cmd == APM_ACPI_ENABLE)
        pm->pmcntrl |= PMCNTRL_SCI_EN;
    else if (cmd == APM_ACPI_DISABLE)
        pm->pmcntrl &= (uint16_t)~PMCNTRL_SCI_EN;
    else
        trace_unimp_key(pm, cmd, "APM control port (B2h) command %02xh: the SMI it raises "
                        "is not implemented (no SMM): ignored", cmd);
    update_sci(pm);
}

static void apm_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    struct piix4_pm *pm = opaque;
    for (unsigned k = 0; k < size; k++) {
        uint8_t byte = (uint8_t)(value >> (8 * k));
        if (addr + k == 0)
            apm_command(pm, byte);
        else if (addr + k == 1)
            pm->apms = byte;
    }
}

static const struct io_ops apm_ops = { .name = "apm", .read = apm_read, .write = apm_write };

/* ---- configuration space: where the I/O blocks live ---- */

static void remap(struct piix4_pm *pm, uint16_t *mapped, uint16_t want, uint32_t len,
                  const struct io_ops *ops)
{
    if (*mapped == want)
        return;
    if (*mapped)
        io_unmap(pm->io, *mapped, len);
    *mapped = 0;
    if (want && io_map(pm->io, want, len, ops, pm) == 0)
        *mapped = want;
}

static void update_io(struct piix4_pm *pm)
{
    const struct pci_device *d = &pm->pci;
    uint16_t pm_base = 0, smb_base = 0;
    if (pci_get_byte(d, PIIX4_PM_PMREGMISC) & PMREGMISC_PMIOSE)
        pm_base = (uint16_t)(pci_get_long(d, PIIX4_PM_PMBA) & 0xFFC0);
    if ((pci_get_byte(d, PIIX4_PM_SMBHSTCFG) & SMBHSTCFG_HST_EN) &&
        (pci_get_word(d, PCI_COMMAND) & PCI_COMMAND_IO))
        smb_base = (uint16_t)(pci_get_long(d, PIIX4_PM_SMBBA) & 0xFFF0);
    remap(pm, &pm->pm_base, pm_base, PIIX4_PM_IO_SIZE, &pm_ops);
    remap(pm, &pm->smb_base, smb_base, PIIX4_SMB_IO_SIZE, &smb_ops);
}

static void pm_config_write(struct pci_device *d, uint32_t reg, uint32_t old, unsigned size)
{
    (void)reg; (void)old; (void)size;
    struct piix4_pm *pm = (struct piix4_pm *)d;
    update_io(pm);
    update_sci(pm);
}

/* ---- device ---- */

static void pm_registers_reset(struct piix4_pm *pm)
{
    pm->pmsts = pm->pmen = pm->pmcntrl = 0;
    pm->gpsts = pm->gpen = 0;
    pm->pcntrl = 0;
    pm->glbsts = pm->glben = 0;
    pm->devsts = pm->glbctl = pm->devctl = 0;
    pm->gpo = 0;
    pm->apmc = pm->apms = 0;
    pm->smb_hststs = pm->smb_hstcnt = pm->smb_hstcmd = pm->smb_hstadd = 0;
    pm->smb_hstdat0 = pm->smb_hstdat1 = pm->smb_slvcnt = pm->smb_shdwcmd = 0;
    pm->smb_slvevt = pm->smb_slvdat = 0;
    pm->tmr_seen = ticks_now(pm);
}

static void piix4_pm_reset(void *dev)
{
    struct piix4_pm *pm = dev;
    pci_device_reset(&pm->pci);
    pci_set_long(&pm->pci, PIIX4_PM_PMBA, PCI_BAR_SPACE_IO);
    for (uint32_t reg = 0x44; reg < 0x80; reg++)
        pci_set_byte(&pm->pci, reg, 0);
    /* No SMM on this CPU: tell the BIOS that SMM is already set up. */
    pci_set_long(&pm->pci, PIIX4_PM_DEVACTB, DEVACTB_APMC_EN);
    pci_set_byte(&pm->pci, PIIX4_PM_PMREGMISC, 0);
    pci_set_long(&pm->pci, PIIX4_PM_SMBBA, PCI_BAR_SPACE_IO);
    for (uint32_t reg = PIIX4_PM_SMBHSTCFG; reg < 0xD6; reg++)
        pci_set_byte(&pm->pci, reg, 0);
    pm_registers_reset(pm);
    timer_cancel(pm->clock, &pm->tmr_timer);
    update_io(pm);
    update_sci(pm);
}

static void piix4_pm_post_load(void *dev)
{
    struct piix4_pm *pm = dev;
    pci_device_post_load(&pm->pci);
    update_io(pm);
    irq_set(&pm->sci, pm->sci_level);
    arm_tmrof(pm);
}

static void piix4_pm_destroy(void *dev)
{
    struct piix4_pm *pm = dev;
    timer_cancel(pm->clock, &pm->tmr_timer);
    pci_device_destroy(&pm->pci);
    free(pm);
}

static void piix4_pm_set_cpu(void *dev, struct cpu *cpu)
{
    struct piix4_pm *pm = dev;
    pm->cpu = cpu;
}

#define PM_FIELD(member) STATE_FIELD(struct piix4_pm, member)
static const struct state_field piix4_pm_fields[] = {
    PM_FIELD(pci.config), PM_FIELD(pci.irq_level),
    PM_FIELD(pmsts), PM_FIELD(pmen), PM_FIELD(pmcntrl), PM_FIELD(gpsts), PM_FIELD(gpen),
    PM_FIELD(pcntrl), PM_FIELD(glbsts), PM_FIELD(glben), PM_FIELD(devsts),
    PM_FIELD(glbctl), PM_FIELD(devctl), PM_FIELD(gpo), PM_FIELD(tmr_seen),
    PM_FIELD(apmc), PM_FIELD(apms),
    PM_FIELD(smb_hststs), PM_FIELD(smb_hstcnt), PM_FIELD(smb_hstcmd), PM_FIELD(smb_hstadd),
    PM_FIELD(smb_hstdat0), PM_FIELD(smb_hstdat1), PM_FIELD(smb_slvcnt), PM_FIELD(smb_shdwcmd),
    PM_FIELD(smb_slvevt), PM_FIELD(smb_slvdat), PM_FIELD(sci_level),
};

static const struct device_state piix4_pm_state = {
    .version = 1, .fields = piix4_pm_fields,
    .nfields = sizeof piix4_pm_fields / sizeof piix4_pm_fields[0],
    .post_load = piix4_pm_post_load,
};

const struct device_ops piix4_pm_ops = {
    .name = "piix4-pm", .reset = piix4_pm_reset, .destroy = piix4_pm_destroy,
    .state = &piix4_pm_state, .set_cpu = piix4_pm_set_cpu,
};

static void declare_registers(struct piix4_pm *pm)
{
    uint8_t *w = pm->pci.wmask;
    w[PIIX4_PM_PMBA] = 0xC0;            /* PMBA[15:6] */
    w[PIIX4_PM_PMBA + 1] = 0xFF;
    for (uint32_t reg = 0x44; reg < 0x80; reg++)
        w[reg] = 0xFF;                  /* device monitors and resources */
    w[PIIX4_PM_PMREGMISC] = PMREGMISC_PMIOSE;
    w[PIIX4_PM_SMBBA] = 0xF0;           /* SMBBA[15:4] */
    w[PIIX4_PM_SMBBA + 1] = 0xFF;
    w[PIIX4_PM_SMBHSTCFG] = SMBHSTCFG_HST_EN | SMBHSTCFG_INTRSEL;
    w[0xD3] = w[0xD4] = w[0xD5] = 0xFF; /* SMBSLVC, SMBSHDW1, SMBSHDW2 */
}

struct piix4_pm *piix4_pm_create(struct pci_bus *bus, uint8_t devfn, struct io_bus *io,
                                 struct clock *clock, struct irq_line sci,
                                 void (*poweroff)(void *opaque), void *poweroff_opaque)
{
    struct piix4_pm *pm = calloc(1, sizeof *pm);
    if (!pm)
        return NULL;
    pm->io = io;
    pm->clock = clock;
    pm->sci = sci;
    pm->poweroff = poweroff;
    pm->poweroff_opaque = poweroff_opaque;
    timer_init(&pm->tmr_timer, tmrof_fire, pm);
    pci_device_init(&pm->pci, PIIX4_PM_VENDOR, PIIX4_PM_DEVICE, PIIX4_PM_CLASS);
    pci_set_byte(&pm->pci, PCI_REVISION_ID, PIIX4_PM_REVISION);
    pci_set_word(&pm->pci, PCI_SUBSYSTEM_VENDOR_ID, QEMU_SUBSYSTEM_VENDOR);
    pci_set_word(&pm->pci, PCI_SUBSYSTEM_ID, QEMU_SUBSYSTEM);
    pci_set_pin(&pm->pci, 1);
    pci_set_byte(&pm->pci, 0xD6, 0x00);  /* SMBREV */
    declare_registers(pm);
    pm->pci.config_write = pm_config_write;
    if (pci_bus_add(bus, &pm->pci, devfn) < 0 ||
        io_map(io, PIIX4_APM_PORT, 2, &apm_ops, pm) < 0) {
        free(pm);
        return NULL;
    }
    piix4_pm_reset(pm);
    return pm;
}
