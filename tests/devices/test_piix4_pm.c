/* PIIX4 function 3 (ACPI power management, SMBus) at the register level:
 * the PM I/O block where PMBA puts it, the PM timer against the virtual
 * clock, TMROF and the SCI, S5 power-off, APM ACPI enable, the SMBus host
 * with no device on the bus. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "machine.h"
#include "pci.h"
#include "piix4_pm.h"

#define PM_DEVFN PCI_DEVFN(1, 3)
#define PMBA 0x600
#define SMBBA 0x700

struct rig {
    struct io_bus io;
    struct phys_mem *mem;
    struct pci_bus *bus;
    struct clock clock;
    struct piix4_pm *pm;
    int sci;
    unsigned sci_raises;
    unsigned poweroffs;
};

static void sci_set(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    (void)n;
    if (level && !r->sci)
        r->sci_raises++;
    r->sci = level;
}

static void count_poweroff(void *opaque)
{
    struct rig *r = opaque;
    r->poweroffs++;
}

static void cfg_write(struct rig *r, uint32_t reg, uint32_t value, unsigned size)
{
    pci_config_write(r->bus, PM_DEVFN, reg, value, size);
}

static uint32_t cfg_read(struct rig *r, uint32_t reg, unsigned size)
{
    return pci_config_read(r->bus, PM_DEVFN, reg, size);
}

/* A rig with the PM block at 0x600, as SeaBIOS sets it up. */
static struct rig *rig_create_raw(void)
{
    struct rig *r = calloc(1, sizeof *r);
    io_bus_init(&r->io);
    r->mem = phys_mem_create(1u << 20);
    r->bus = pci_bus_create(&r->io, r->mem);
    clock_init(&r->clock);
    struct irq_line sci = { sci_set, r, PIIX4_SCI_IRQ };
    r->pm = piix4_pm_create(r->bus, PM_DEVFN, &r->io, &r->clock, sci, count_poweroff, r);
    return r;
}

static struct rig *rig_create(void)
{
    struct rig *r = rig_create_raw();
    cfg_write(r, PIIX4_PM_PMBA, PMBA | 1, 4);
    cfg_write(r, PIIX4_PM_PMREGMISC, 0x01, 1);
    return r;
}

static void rig_destroy(struct rig *r)
{
    piix4_pm_ops.destroy(r->pm);
    pci_bus_destroy(r->bus);
    phys_mem_destroy(r->mem);
    free(r);
}

/* Let virtual time pass (one instruction is one ns) and fire due timers. */
static void advance_ns(struct rig *r, uint64_t ns)
{
    clock_sync(&r->clock, clock_ns(&r->clock) + ns);
    clock_run_timers(&r->clock);
}

static uint32_t timer(struct rig *r)
{
    return io_read(&r->io, PMBA + PM_PMTMR, 4);
}

static void the_header_is_an_82371ab_function_3_with_smm_marked_done(struct test_ctx *t)
{
    struct rig *r = rig_create_raw();
    CHECK_EQ(t, cfg_read(r, PCI_VENDOR_ID, 4), 0x71138086);
    CHECK_EQ(t, cfg_read(r, PCI_CLASS_DEVICE, 2), 0x0680);
    CHECK_EQ(t, cfg_read(r, PCI_REVISION_ID, 1), 0x03);
    CHECK_EQ(t, cfg_read(r, PCI_INTERRUPT_PIN, 1), 1);
    CHECK_EQ(t, cfg_read(r, PIIX4_PM_PMBA, 4), 0x00000001);
    CHECK_EQ(t, cfg_read(r, PIIX4_PM_DEVACTB, 4) & (1u << 25), 1u << 25);
    rig_destroy(r);
}

static void the_pm_block_appears_at_pmba_only_while_pmiose_is_set(struct test_ctx *t)
{
    struct rig *r = rig_create_raw();
    cfg_write(r, PIIX4_PM_PMBA, 0xFFFFFFFF, 4);
    CHECK_EQ(t, cfg_read(r, PIIX4_PM_PMBA, 4), 0x0000FFC1);
    cfg_write(r, PIIX4_PM_PMBA, PMBA | 1, 4);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2), 0xFFFF);
    cfg_write(r, PIIX4_PM_PMREGMISC, 0x01, 1);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2), 0x0000);
    cfg_write(r, PIIX4_PM_PMBA, 0xB000 | 1, 4);             /* moved */
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2), 0xFFFF);
    CHECK_EQ(t, io_read(&r->io, 0xB000 + PM_PMCNTRL, 2), 0x0000);
    cfg_write(r, PIIX4_PM_PMREGMISC, 0x00, 1);
    CHECK_EQ(t, io_read(&r->io, 0xB000 + PM_PMCNTRL, 2), 0xFFFF);
    rig_destroy(r);
}

static void the_pm_timer_counts_3579545_ticks_per_virtual_second(struct test_ctx *t)
{
    struct rig *r = rig_create();
    uint32_t start = timer(r);
    advance_ns(r, NS_PER_SEC);
    CHECK_EQ(t, (timer(r) - start) & 0xFFFFFF, 3579545);
    advance_ns(r, NS_PER_SEC / 1000);                       /* a millisecond: 3579.5 */
    uint32_t ms = (timer(r) - start - 3579545) & 0xFFFFFF;
    CHECK(t, ms == 3579 || ms == 3580);
    rig_destroy(r);
}

static void the_pm_timer_is_24_bits_wide_and_wraps(struct test_ctx *t)
{
    struct rig *r = rig_create();
    advance_ns(r, 5 * NS_PER_SEC);                          /* 17.9 M ticks > 2^24 */
    CHECK_EQ(t, timer(r), (5ull * 3579545) & 0xFFFFFF);
    CHECK_EQ(t, timer(r) >> 24, 0);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMTMR + 2, 1), ((5ull * 3579545) >> 16) & 0xFF);
    io_write(&r->io, PMBA + PM_PMTMR, 0, 4);                /* read only */
    CHECK_EQ(t, timer(r), (5ull * 3579545) & 0xFFFFFF);
    rig_destroy(r);
}

/* Time until the count's bit 23 next toggles, plus a little. */
static uint64_t ns_past_next_toggle(struct rig *r)
{
    uint32_t now = timer(r);
    uint32_t left = 0x800000 - (now & 0x7FFFFF);
    return (uint64_t)left * NS_PER_SEC / PM_TIMER_HZ + 1000;
}

static void tmrof_sets_when_bit_23_toggles_and_clears_on_writing_one(struct test_ctx *t)
{
    struct rig *r = rig_create();
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMSTS, 2) & PMSTS_TMROF, 0);
    advance_ns(r, ns_past_next_toggle(r));
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMSTS, 2) & PMSTS_TMROF, PMSTS_TMROF);
    io_write(&r->io, PMBA + PM_PMSTS, 0, 2);                /* writing 0 keeps it */
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMSTS, 2) & PMSTS_TMROF, PMSTS_TMROF);
    io_write(&r->io, PMBA + PM_PMSTS, PMSTS_TMROF, 2);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMSTS, 2) & PMSTS_TMROF, 0);
    CHECK_EQ(t, r->sci, 0);                                 /* not enabled */
    rig_destroy(r);
}

static void an_enabled_timer_overflow_raises_the_sci_in_acpi_mode(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PIIX4_APM_PORT, 0xF1, 1);              /* ACPI enable */
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2) & PMCNTRL_SCI_EN, PMCNTRL_SCI_EN);
    io_write(&r->io, PMBA + PM_PMEN, PMSTS_TMROF, 2);
    advance_ns(r, ns_past_next_toggle(r) - 2000);
    CHECK_EQ(t, r->sci, 0);
    advance_ns(r, 2000);
    CHECK_EQ(t, r->sci, 1);                                 /* from the timer, unread */
    io_write(&r->io, PMBA + PM_PMSTS, PMSTS_TMROF, 2);
    CHECK_EQ(t, r->sci, 0);
    advance_ns(r, ns_past_next_toggle(r));
    CHECK_EQ(t, r->sci_raises, 2);
    rig_destroy(r);
}

static void apm_acpi_disable_clears_sci_en(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PIIX4_APM_PORT, 0xF1, 1);
    io_write(&r->io, PIIX4_APM_PORT, 0xF0, 1);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2) & PMCNTRL_SCI_EN, 0);
    CHECK_EQ(t, io_read(&r->io, PIIX4_APM_PORT, 1), 0xF0);
    io_write(&r->io, PIIX4_APM_PORT + 1, 0x5A, 1);          /* APMS is a scratch byte */
    CHECK_EQ(t, io_read(&r->io, PIIX4_APM_PORT + 1, 1), 0x5A);
    rig_destroy(r);
}

static void slp_en_with_the_s5_type_powers_the_machine_off(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PMBA + PM_PMCNTRL, PMCNTRL_SCI_EN | (1u << 10), 2);  /* type only */
    CHECK_EQ(t, r->poweroffs, 0);
    io_write(&r->io, PMBA + PM_PMCNTRL, PMCNTRL_SCI_EN | (1u << 10) | PMCNTRL_SUS_EN, 2);
    CHECK_EQ(t, r->poweroffs, 0);                           /* type 1 is not S5 */
    io_write(&r->io, PMBA + PM_PMCNTRL, PMCNTRL_SCI_EN | PMCNTRL_SUS_EN, 2);
    CHECK_EQ(t, r->poweroffs, 1);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2) & PMCNTRL_SUS_EN, 0);   /* write only */
    rig_destroy(r);
}

static void a_byte_write_of_the_high_control_byte_also_sleeps(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PMBA + PM_PMCNTRL + 1, PMCNTRL_SUS_EN >> 8, 1);
    CHECK_EQ(t, r->poweroffs, 1);
    rig_destroy(r);
}

static void the_power_button_raises_the_sci_when_enabled(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PIIX4_APM_PORT, 0xF1, 1);
    piix4_pm_power_button(r->pm);
    CHECK_EQ(t, r->sci, 0);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMSTS, 2) & PMSTS_PWRBTN, PMSTS_PWRBTN);
    io_write(&r->io, PMBA + PM_PMEN, PMSTS_PWRBTN, 2);
    CHECK_EQ(t, r->sci, 1);
    io_write(&r->io, PMBA, (uint32_t)PMSTS_PWRBTN, 4);      /* PMSTS+PMEN as one dword */
    CHECK_EQ(t, r->sci, 0);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMEN, 2), 0);
    rig_destroy(r);
}

static void the_gpe_block_raises_the_sci_for_enabled_status_bits(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PIIX4_APM_PORT, 0xF1, 1);
    r->pm->gpsts = 0x0001;
    io_write(&r->io, PMBA + PM_GPEN, 0x0001, 2);
    CHECK_EQ(t, r->sci, 1);
    io_write(&r->io, PMBA + PM_GPSTS, 0x0001, 2);
    CHECK_EQ(t, r->sci, 0);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_GPEN, 2), 0x0001);
    rig_destroy(r);
}

static void smbus_transactions_end_with_no_device_error(struct test_ctx *t)
{
    struct rig *r = rig_create();
    cfg_write(r, PIIX4_PM_SMBBA, SMBBA | 1, 4);
    cfg_write(r, PIIX4_PM_SMBHSTCFG, 0x09, 1);              /* enabled, IRQ 9 */
    CHECK_EQ(t, io_read(&r->io, SMBBA + SMB_HSTSTS, 1), 0xFF);  /* I/O space off */
    cfg_write(r, PCI_COMMAND, PCI_COMMAND_IO, 2);
    CHECK_EQ(t, io_read(&r->io, SMBBA + SMB_HSTSTS, 1), 0x00);
    io_write(&r->io, SMBBA + SMB_HSTADD, (0x50 << 1) | 1, 1);   /* read from SPD 0x50 */
    io_write(&r->io, SMBBA + SMB_HSTCMD, 0x00, 1);
    io_write(&r->io, SMBBA + SMB_HSTCNT, SMBHSTCNT_START | (2 << 2), 1);
    CHECK_EQ(t, io_read(&r->io, SMBBA + SMB_HSTSTS, 1), SMBHSTSTS_DEV_ERR);
    CHECK_EQ(t, r->sci, 0);                                 /* INTEREN clear */
    io_write(&r->io, SMBBA + SMB_HSTSTS, 0xFF, 1);
    CHECK_EQ(t, io_read(&r->io, SMBBA + SMB_HSTSTS, 1), 0x00);
    io_write(&r->io, SMBBA + SMB_HSTCNT, SMBHSTCNT_START | SMBHSTCNT_INTEREN | (2 << 2), 1);
    CHECK_EQ(t, r->sci, 1);
    io_write(&r->io, SMBBA + SMB_HSTSTS, SMBHSTSTS_DEV_ERR, 1);
    CHECK_EQ(t, r->sci, 0);
    rig_destroy(r);
}

static void reset_unmaps_the_blocks_and_clears_the_registers(struct test_ctx *t)
{
    struct rig *r = rig_create();
    io_write(&r->io, PIIX4_APM_PORT, 0xF1, 1);
    piix4_pm_ops.reset(r->pm);
    CHECK_EQ(t, cfg_read(r, PIIX4_PM_PMREGMISC, 1), 0);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2), 0xFFFF);
    cfg_write(r, PIIX4_PM_PMBA, PMBA | 1, 4);
    cfg_write(r, PIIX4_PM_PMREGMISC, 0x01, 1);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2), 0);
    rig_destroy(r);
}

static void a_snapshot_restores_the_registers_and_the_mapping(struct test_ctx *t)
{
    struct rig *r = rig_create();
    struct device_list list = { 0 };
    device_add(&list, &piix4_pm_ops, r->pm);
    io_write(&r->io, PIIX4_APM_PORT, 0xF1, 1);
    io_write(&r->io, PMBA + PM_PMEN, PMSTS_PWRBTN, 2);
    size_t need = devices_save(&list, NULL, 0);
    uint8_t *snap = malloc(need);
    devices_save(&list, snap, need);
    piix4_pm_ops.reset(r->pm);
    CHECK_EQ(t, devices_load(&list, snap, need), 0);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMEN, 2), PMSTS_PWRBTN);
    CHECK_EQ(t, io_read(&r->io, PMBA + PM_PMCNTRL, 2) & PMCNTRL_SCI_EN, PMCNTRL_SCI_EN);
    free(snap);
    rig_destroy(r);
}

/* A whole PC whose 4 KiB "BIOS" programs PMBA, enables the PM block and
 * writes SLP_EN with SLP_TYP 0 (real mode, at F000:F000). */
static void the_guest_turns_the_whole_machine_off_through_pm1a_cnt(struct test_ctx *t)
{
    static const uint8_t code[] = {
        0x66, 0xB8, 0x40, 0x0B, 0x00, 0x80,     /* mov eax, 0x80000B40 (00:01.3, PMBA) */
        0xBA, 0xF8, 0x0C,                       /* mov dx, 0xCF8 */
        0x66, 0xEF,                             /* out dx, eax */
        0x66, 0xB8, 0x01, 0x06, 0x00, 0x00,     /* mov eax, 0x601 */
        0xBA, 0xFC, 0x0C,                       /* mov dx, 0xCFC */
        0x66, 0xEF,                             /* out dx, eax */
        0x66, 0xB8, 0x80, 0x0B, 0x00, 0x80,     /* mov eax, 0x80000B80 (PMREGMISC) */
        0xBA, 0xF8, 0x0C,                       /* mov dx, 0xCF8 */
        0x66, 0xEF,                             /* out dx, eax */
        0xB0, 0x01,                             /* mov al, 1 (PMIOSE) */
        0xBA, 0xFC, 0x0C,                       /* mov dx, 0xCFC */
        0xEE,                                   /* out dx, al */
        0xB8, 0x00, 0x20,                       /* mov ax, 0x2000 (SLP_EN, type 0) */
        0xBA, 0x04, 0x06,                       /* mov dx, 0x604 */
        0xEF,                                   /* out dx, ax */
        0xF4,                                   /* hlt (not reached) */
        0xEB, 0xFD,                             /* jmp back to the hlt */
    };
    uint8_t bios[4096];
    memset(bios, 0xF4, sizeof bios);
    memcpy(bios, code, sizeof code);
    static const uint8_t reset_vector[] = { 0xEA, 0x00, 0xF0, 0x00, 0xF0 };  /* jmp F000:F000 */
    memcpy(bios + 0xFF0, reset_vector, sizeof reset_vector);
    struct machine_config cfg = { .ram_size = 16u << 20, .bios = bios, .bios_size = sizeof bios,
                                  .max_insns = 100000, .debug_out = stdout };
    strcpy(cfg.boot_order, "c");
    struct machine *m = machine_create(&cfg);
    if (!CHECK(t, m != NULL))
        return;
    CHECK_EQ(t, machine_run(m), MACHINE_POWEROFF);
    CHECK(t, m->cpu->icount < 100);
    machine_destroy(m);
}

static const struct test tests[] = {
    TEST(the_header_is_an_82371ab_function_3_with_smm_marked_done),
    TEST(the_pm_block_appears_at_pmba_only_while_pmiose_is_set),
    TEST(the_pm_timer_counts_3579545_ticks_per_virtual_second),
    TEST(the_pm_timer_is_24_bits_wide_and_wraps),
    TEST(tmrof_sets_when_bit_23_toggles_and_clears_on_writing_one),
    TEST(an_enabled_timer_overflow_raises_the_sci_in_acpi_mode),
    TEST(apm_acpi_disable_clears_sci_en),
    TEST(slp_en_with_the_s5_type_powers_the_machine_off),
    TEST(a_byte_write_of_the_high_control_byte_also_sleeps),
    TEST(the_power_button_raises_the_sci_when_enabled),
    TEST(the_gpe_block_raises_the_sci_for_enabled_status_bits),
    TEST(smbus_transactions_end_with_no_device_error),
    TEST(reset_unmaps_the_blocks_and_clears_the_registers),
    TEST(a_snapshot_restores_the_registers_and_the_mapping),
    TEST(the_guest_turns_the_whole_machine_off_through_pm1a_cnt),
};

int main(int argc, char **argv)
{
    static const struct suite pm = SUITE("PIIX4 power management", tests);
    const struct suite *const suites[] = { &pm };
    return harness_run(argc, argv, suites, 1);
}
