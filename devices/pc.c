/* The PC board; see pc.h. Each chip gets one block here: create it, map
 * its ports and memory, hand it its IRQ lines, add it to the device list. */
#include "pc.h"

#include "machine.h"
#include "blockdev.h"
#include "i8237_dma.h"
#include "i82077_fdc.h"
#include "piix_ide.h"
#include "chardev.h"
#include "i8042_kbc.h"
#include "ns16550_uart.h"
#include "i8254_pit.h"
#include "i8259_pic.h"
#include "ioapic.h"
#include "lapic.h"
#include "mc146818_rtc.h"
#include "port61.h"
#include "vga.h"
#include "pci.h"
#include "i440fx.h"
#include "piix3.h"
#include "piix4_pm.h"
#include "fw_cfg.h"
#include "e820.h"
#include "acpi.h"

static void stop_cpu(void *opaque)
{
    struct machine *m = opaque;
    m->cpu->stop_request = true;
}

static void request_reset(void *opaque)
{
    machine_request_reset(opaque);
}

static void request_poweroff(void *opaque)
{
    machine_request_poweroff(opaque);
}

/* ISA IRQ n goes to the 8259's input n and to the I/O APIC's pin n, except
 * IRQ 0 (the PIT), which is on pin 2 as the MADT's interrupt source
 * override and the MP table say; IRQ 2 is the 8259's cascade. */
static void isa_irq_set(void *opaque, int n, int level)
{
    struct pc *pc = opaque;
    i8259_set_irq(pc->pic, n, level);
    if (n != 2)
        ioapic_set_irq(pc->ioapic, n == 0 ? 2 : n, level);
}

int pc_init(struct machine *m)
{
    struct pc *pc = &m->pc;
    (void)pc;

    /* --- i8259 PIC pair: fills pc->isa_irq[0..15] and the CPU's INTA hook --- */
    pc->pic = i8259_create(&m->io);
    if (!pc->pic || device_add(&m->devices, &i8259_ops, pc->pic) < 0)
        return -1;
    i8259_connect_cpu(pc->pic, m->cpu);
    for (int n = 0; n < ISA_IRQS; n++)
        pc->isa_irq[n] = i8259_irq_line(pc->pic, n);

    /* --- local APIC and I/O APIC (between the PIC and the CPU) --- */
    {
        /* The local APIC drives the CPU's INTR, NMI and INIT and answers
         * its INTA; the 8259's INT moves from the CPU to LINT0 (ExtINT,
         * acknowledged through the 8259). Nothing drives LINT1 (NMI). */
        const struct lapic_wiring wiring = {
            .intr = { .set = cpu_set_pin, .opaque = m->cpu, .n = CPU_PIN_INTR },
            .nmi = { .set = cpu_set_pin, .opaque = m->cpu, .n = CPU_PIN_NMI },
            .init = { .set = cpu_set_pin, .opaque = m->cpu, .n = CPU_PIN_INIT },
            .extint_ack = i8259_intr_ack,
            .extint_opaque = pc->pic,
        };
        pc->lapic = lapic_create(m->mem, &m->clock, &wiring);
        if (!pc->lapic || device_add(&m->devices, &lapic_ops, pc->lapic) < 0)
            return -1;
        m->cpu->intc = (struct cpu_intc){
            .intr_ack = lapic_intr_ack, .apic_base_written = lapic_base_written,
            .opaque = pc->lapic,
        };
        i8259_set_intr_output(pc->pic, lapic_lint_line(pc->lapic, 0));
        /* The I/O APIC at 0xFEC00000 sends its messages to the local APIC,
         * which broadcasts the EOIs of level-triggered vectors back. */
        pc->ioapic = ioapic_create(m->mem, IOAPIC_DEFAULT_BASE, lapic_accept_message, pc->lapic);
        if (!pc->ioapic || device_add(&m->devices, &ioapic_ops, pc->ioapic) < 0)
            return -1;
        lapic_set_eoi_listener(pc->lapic, ioapic_eoi, pc->ioapic);
        /* From here on the ISA lines (and the PCI INTx the PIIX3 routes
         * onto them) reach both the 8259 and the I/O APIC. */
        for (int n = 0; n < ISA_IRQS; n++)
            pc->isa_irq[n] = (struct irq_line){ .set = isa_irq_set, .opaque = pc, .n = n };
    }

    /* --- i8254 PIT (IRQ 0) and port 0x61 (speaker gate, refresh toggle) --- */
    pc->pit = i8254_create(&m->io, &m->clock, pc->isa_irq[0]);
    if (!pc->pit || device_add(&m->devices, &i8254_ops, pc->pit) < 0)
        return -1;
    pc->port61 = port61_create(&m->io, &m->clock, pc->pit);
    if (!pc->port61 || device_add(&m->devices, &port61_ops, pc->port61) < 0)
        return -1;

    /* --- MC146818 RTC/CMOS (IRQ 8) --- */
    pc->rtc = mc146818_create(&m->io, &m->clock, pc->isa_irq[8]);
    if (!pc->rtc || device_add(&m->devices, &mc146818_ops, pc->rtc) < 0)
        return -1;
    mc146818_setup_pc_cmos(pc->rtc, &m->cfg);

    /* --- PCI bus, i440FX host bridge (PAM), PIIX3 ISA bridge, PIIX4 PM --- */
    pc->pci = pci_bus_create(&m->io, m->mem);
    if (!pc->pci || device_add(&m->devices, &pci_bus_ops, pc->pci) < 0)
        return -1;
    pc->host_bridge = i440fx_create(pc->pci, m->mem);
    if (!pc->host_bridge || device_add(&m->devices, &i440fx_ops, pc->host_bridge) < 0)
        return -1;
    pc->isa_bridge = piix3_create(pc->pci, pc->isa_irq, request_reset, m);
    if (!pc->isa_bridge || device_add(&m->devices, &piix3_ops, pc->isa_bridge) < 0)
        return -1;
    /* FERR# to IRQ 13 and IGNNE# from port F0h (the legacy x87 error path). */
    piix3_connect_coprocessor(pc->isa_bridge, &m->io, &m->cpu->ignne);
    m->cpu->hooks.ferr = piix3_ferr;
    m->cpu->hooks.opaque = pc->isa_bridge;
    pc->pm = piix4_pm_create(pc->pci, PCI_DEVFN(1, 3), &m->io, &m->clock,
                             pc->isa_irq[PIIX4_SCI_IRQ], request_poweroff, m);
    if (!pc->pm || device_add(&m->devices, &piix4_pm_ops, pc->pm) < 0)
        return -1;

    /* --- fw_cfg (0x510/0x511) --- */
    pc->fw_cfg = fw_cfg_create(&m->io, m->mem);
    if (!pc->fw_cfg || device_add(&m->devices, &fw_cfg_ops, pc->fw_cfg) < 0)
        return -1;
    {
        struct fw_cfg *f = pc->fw_cfg;
        struct e820_entry map[E820_MAX_ENTRIES];
        uint8_t map_bytes[E820_MAX_ENTRIES * E820_ENTRY_SIZE];
        size_t nmap = e820_pc_map(m->cfg.ram_size, map, E820_MAX_ENTRIES);
        e820_encode(map, nmap, map_bytes);
        enum fw_cfg_boot_media ide[FW_CFG_IDE_SLOTS];
        bool floppy[FW_CFG_FLOPPIES];
        for (int k = 0; k < FW_CFG_IDE_SLOTS; k++)
            ide[k] = m->cfg.ide[k].media == MEDIA_DISK ? FW_CFG_BOOT_DISK
                   : m->cfg.ide[k].media == MEDIA_CDROM ? FW_CFG_BOOT_CDROM : FW_CFG_BOOT_NONE;
        for (int k = 0; k < FW_CFG_FLOPPIES; k++)
            floppy[k] = m->cfg.floppy[k].media == MEDIA_FLOPPY;
        static const uint8_t uuid[16];
        static const uint8_t boot_fail_wait[4] = { 0xFF, 0xFF, 0xFF, 0xFF }; /* never retry */
        if (fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, m->cfg.ram_size) < 0 ||
            fw_cfg_add_i16(f, FW_CFG_NB_CPUS, 1) < 0 || fw_cfg_add_i16(f, FW_CFG_MAX_CPUS, 1) < 0 ||
            fw_cfg_add_i16(f, FW_CFG_BOOT_MENU, 0) < 0 ||
            fw_cfg_add_bytes(f, FW_CFG_UUID, uuid, sizeof uuid) < 0 ||
            fw_cfg_add_i32(f, FW_CFG_IRQ0_OVERRIDE, 1) < 0 ||
            fw_cfg_add_file(f, "etc/e820", map_bytes, (uint32_t)(nmap * E820_ENTRY_SIZE)) < 0 ||
            fw_cfg_add_file(f, "etc/boot-fail-wait", boot_fail_wait, 4) < 0 ||
            fw_cfg_add_bootorder(f, m->cfg.boot_order, ide, floppy) < 0) {
            fprintf(stderr, "ember: out of memory for the fw_cfg items\n");
            return -1;
        }
        const struct acpi_config acpi = {
            .pm_base = 0x600, .sci_irq = PIIX4_SCI_IRQ, .smi_cmd = PIIX4_APM_PORT,
            .pci_hole_start = m->cfg.ram_size, .serial_ports = 2,
        };
        struct acpi_tables tables;
        if (acpi_build(&acpi, &tables) < 0)
            return -1;
        int rc = fw_cfg_add_file(f, ACPI_FILE_TABLES, tables.tables.data, (uint32_t)tables.tables.len);
        rc |= fw_cfg_add_file(f, ACPI_FILE_RSDP, tables.rsdp.data, (uint32_t)tables.rsdp.len);
        rc |= fw_cfg_add_file(f, ACPI_FILE_LOADER, tables.loader.data, (uint32_t)tables.loader.len);
        acpi_tables_free(&tables);
        if (rc < 0)
            return -1;
    }

    /* --- i8042 keyboard controller, PS/2 keyboard (IRQ 1) and mouse (IRQ 12) --- */
    pc->kbc = i8042_create(&m->devices, &m->io, m->mem, true, true, pc->isa_irq[1],
                           pc->isa_irq[12], request_reset, m);
    if (!pc->kbc)
        return -1;

    /* --- 16550A UARTs COM1-COM4 (IRQ 4, 3, 4, 3) --- */
    {
        static const int com_irq[SERIAL_PORTS] = { 4, 3, 4, 3 };
        enum chardev_kind kind = m->cfg.serial == SERIAL_STDIO ? CHARDEV_STDIO
                               : m->cfg.serial == SERIAL_FILE ? CHARDEV_FILE : CHARDEV_NULL;
        struct chardev *com1 = NULL;
        if (kind != CHARDEV_NULL) {
            com1 = chardev_open(&m->devices, kind, m->cfg.serial_path, m->cfg.serial_append);
            if (!com1)
                return -1;
        }
        for (unsigned k = 0; k < SERIAL_PORTS; k++) {
            bool host = k == 0 && com1;
            pc->uart[k] = ns16550_create(&m->devices, &m->io, k, pc->isa_irq[com_irq[k]],
                                         &m->clock, host ? &chardev_serial_ops : NULL,
                                         host ? com1 : NULL);
            if (!pc->uart[k])
                return -1;
        }
    }

    /* --- i8237 DMA pair, 82077AA floppy controller (IRQ 6, DMA 2) --- */
    pc->dma = i8237_create(&m->io, m->mem);
    if (!pc->dma || device_add(&m->devices, &i8237_pair_ops, pc->dma) < 0)
        return -1;
    pc->fdc = i82077_create(&m->io, &m->clock, pc->isa_irq[6], pc->dma);
    if (!pc->fdc || device_add(&m->devices, &i82077_ops, pc->fdc) < 0)
        return -1;
    for (int k = 0; k < FLOPPY_DRIVES; k++) {
        const struct drive_config *dc = &m->cfg.floppy[k];
        if (!dc->path)
            continue;
        struct blockdev *bd = blockdev_open(dc->path, BLOCKDEV_FLOPPY, dc->readonly,
                                            m->cfg.snapshot, stderr);
        if (!bd || i82077_attach(pc->fdc, k, bd, stderr) < 0)
            return -1;
    }

    /* --- PIIX IDE: ATA disks and ATAPI CD-ROM (IRQ 14, 15), bus-master DMA --- */
    {
        const struct irq_line ide_irq[2] = { pc->isa_irq[14], pc->isa_irq[15] };
        pc->ide = piix_ide_create(pc->pci, PCI_DEVFN(1, 1), &m->io, m->mem, &m->clock, ide_irq);
        if (!pc->ide || device_add(&m->devices, &piix_ide_ops, pc->ide) < 0)
            return -1;
        for (int k = 0; k < IDE_DRIVES; k++) {
            const struct drive_config *dc = &m->cfg.ide[k];
            bool cd = dc->media == MEDIA_CDROM;
            if (!dc->path)
                continue;
            struct blockdev *bd = blockdev_open(dc->path, cd ? BLOCKDEV_CDROM : BLOCKDEV_DISK,
                                                dc->readonly || cd, m->cfg.snapshot, stderr);
            if (!bd)
                return -1;
            if (ata_attach(&pc->ide->ch[k / 2], k % 2, cd ? ATA_CDROM : ATA_DISK, bd) < 0) {
                blockdev_close(bd);
                return -1;
            }
        }
        /* Outside the checksummed CMOS range; the RAM outlives resets. */
        pc->rtc->cmos[CMOS_DISK_TRANSLATION] = piix_ide_bios_translation(pc->ide);
    }

    /* --- VGA with Bochs VBE, its option ROM --- */
    {
        struct vga_config vc = {
            .io = &m->io, .mem = m->mem, .pci = pc->pci, .clock = &m->clock,
            .rom = m->cfg.vga_rom, .rom_size = m->cfg.vga_rom_size,
        };
        pc->vga = vga_create(&vc);
        if (!pc->vga || device_add(&m->devices, &vga_device_ops, pc->vga) < 0)
            return -1;
    }

    /* Debug console 0xE9 and isa-debug-exit 0xF4. */
    debug_port_init(&m->debug, &m->io, m->cfg.debug_out, stop_cpu, m);
    debug_port_add_bios_console(&m->debug, &m->io, (m->cfg.trace & TRACE_BIOS) ? stderr : NULL);

    /* System control port A (0x92): fast A20 and reset. */
    port92_init(&m->port92, &m->io, m->mem, request_reset, m);

    /* What the guest uses that a device does not implement goes to the
     * CPU's debugger when one traces it (-d unimp). */
    devices_set_cpu(&m->devices, m->cpu);

    return 0;
}
