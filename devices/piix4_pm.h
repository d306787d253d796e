/* Intel 82371AB PIIX4, function 3: power management (ACPI) and the SMBus
 * host controller, at PCI 00:01.3 (8086:7113), as QEMU's "pc" machine puts
 * it beside the PIIX3.
 *
 * Reference: Intel 82371AB PCI-TO-ISA / IDE XCELERATOR (PIIX4) datasheet,
 * order 290562: 3.5 (function 3 configuration: PMBA 40h, DEVACTB 58h,
 * PMREGMISC 80h, SMBBA 90h, SMBHSTCFG D2h), 7.2 (power management I/O:
 * PMSTS 00h, PMEN 02h, PMCNTRL 04h, PMTMR 08h, GPSTS 0Ch, GPEN 0Eh, PCNTRL
 * 10h, GLBSTS 18h, DEVSTS 1Ch, GLBEN 20h, GLBCTL 28h, DEVCTL 2Ch, GPIREG
 * 30h, GPOREG 34h), 7.3 (SMBus I/O: SMBHSTSTS 00h .. SMBSLVDAT 0Ch); and
 * ACPI 1.0b chapter 4 (PM1 event/control blocks, PM timer, GPE0 block).
 *
 * ACPI view (what the FADT announces): PM1a_EVT_BLK = PMBA+0 (PMSTS,
 * PMEN), PM1a_CNT_BLK = PMBA+4 (PMCNTRL), PM_TMR_BLK = PMBA+8 (24 bits at
 * 3.579545 MHz), GPE0_BLK = PMBA+0xC (GPSTS, GPEN), SCI on ISA IRQ 9
 * (level, shared by nothing). SUS_TYP 0 with SUS_EN is soft-off (S5).
 * APMC/APMS (0xB2/0xB3): without SMM, a write of ACPI_ENABLE (0xF1) or
 * ACPI_DISABLE (0xF0) to APMC does what the BIOS's SMI handler would: sets
 * or clears SCI_EN. DEVACTB APMC_EN starts set, which tells SeaBIOS that
 * SMM is already set up (it has no SMM to set up). */
#ifndef EMBER_DEVICES_PIIX4_PM_H
#define EMBER_DEVICES_PIIX4_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "device.h"
#include "irq.h"
#include "pci.h"

struct cpu;

#define PIIX4_PM_PMBA 0x40
#define PIIX4_PM_DEVACTB 0x58
#define PIIX4_PM_PMREGMISC 0x80
#define PIIX4_PM_SMBBA 0x90
#define PIIX4_PM_SMBHSTCFG 0xD2

#define PIIX4_PM_IO_SIZE 64
#define PIIX4_SMB_IO_SIZE 16
#define PIIX4_APM_PORT 0xB2
#define PIIX4_SCI_IRQ 9

/* PM I/O registers (offsets from PMBA). */
#define PM_PMSTS 0x00
#define PM_PMEN 0x02
#define PM_PMCNTRL 0x04
#define PM_PMTMR 0x08
#define PM_GPSTS 0x0C
#define PM_GPEN 0x0E
#define PM_PCNTRL 0x10
#define PM_GLBSTS 0x18
#define PM_DEVSTS 0x1C
#define PM_GLBEN 0x20
#define PM_GLBCTL 0x28
#define PM_DEVCTL 0x2C
#define PM_GPIREG 0x30
#define PM_GPOREG 0x34

/* PMSTS / PMEN bits. */
#define PMSTS_TMROF 0x0001
#define PMSTS_BM 0x0010
#define PMSTS_GBL 0x0020
#define PMSTS_PWRBTN 0x0100
#define PMSTS_RTC 0x0400
#define PMSTS_WAK 0x8000
/* PMCNTRL bits. */
#define PMCNTRL_SCI_EN 0x0001
#define PMCNTRL_BRLD_EN_BM 0x0002
#define PMCNTRL_GBL_RLS 0x0004
#define PMCNTRL_SUS_TYP 0x1C00
#define PMCNTRL_SUS_EN 0x2000
#define SUS_TYP_SOFF 0          /* S5, soft off */

/* SMBus I/O registers (offsets from SMBBA). */
#define SMB_HSTSTS 0x00
#define SMB_HSTCNT 0x02
#define SMB_HSTCMD 0x03
#define SMB_HSTADD 0x04
#define SMB_HSTDAT0 0x05
#define SMB_HSTDAT1 0x06
#define SMB_BLKDAT 0x07
#define SMB_SLVCNT 0x08
#define SMB_SHDWCMD 0x09
#define SMB_SLVEVT 0x0A
#define SMB_SLVDAT 0x0C
#define SMBHSTSTS_HOST_BUSY 0x01
#define SMBHSTSTS_INTER 0x02
#define SMBHSTSTS_DEV_ERR 0x04
#define SMBHSTSTS_BUS_ERR 0x08
#define SMBHSTSTS_FAILED 0x10
#define SMBHSTCNT_INTEREN 0x01
#define SMBHSTCNT_KILL 0x02
#define SMBHSTCNT_START 0x40

#define PM_TIMER_HZ 3579545u

struct piix4_pm {
    struct pci_device pci;
    /* PM I/O registers. */
    uint16_t pmsts, pmen, pmcntrl;
    uint16_t gpsts, gpen;
    uint32_t pcntrl;
    uint16_t glbsts, glben;
    uint32_t devsts, glbctl, devctl;
    uint32_t gpo;
    uint64_t tmr_seen;          /* PM timer ticks when TMROF was last checked */
    /* APM ports. */
    uint8_t apmc, apms;
    /* SMBus host registers. */
    uint8_t smb_hststs, smb_hstcnt, smb_hstcmd, smb_hstadd, smb_hstdat0, smb_hstdat1;
    uint8_t smb_slvcnt, smb_shdwcmd;
    uint16_t smb_slvevt, smb_slvdat;
    int sci_level;
    /* Where the I/O blocks are mapped now (0 = not mapped). */
    uint16_t pm_base, smb_base;
    struct io_bus *io;
    struct clock *clock;
    struct timer tmr_timer;     /* the next TMROF while TMROF_EN is set */
    struct irq_line sci;
    void (*poweroff)(void *opaque);
    void *poweroff_opaque;
    struct cpu *cpu;            /* trace_unimp() reports go to its debugger; may be NULL */
};

extern const struct device_ops piix4_pm_ops;

/* Creates function 3 at devfn (00:01.3 on the PC), maps APMC/APMS; the PM
 * and SMBus blocks appear where the guest puts them. NULL on failure. */
struct piix4_pm *piix4_pm_create(struct pci_bus *bus, uint8_t devfn, struct io_bus *io,
                                 struct clock *clock, struct irq_line sci,
                                 void (*poweroff)(void *opaque), void *poweroff_opaque);
/* The PM timer's 24-bit count now. */
uint32_t piix4_pm_timer(struct piix4_pm *pm);
/* The power button was pressed (PWRBTN_STS, an SCI if enabled). */
void piix4_pm_power_button(struct piix4_pm *pm);

#endif
