/* The PIIX3 IDE function and its bus master IDE engine; see piix_ide.h.
 * Reference: Intel 82371FB/82371SB (PIIX/PIIX3) datasheet, 2.3 (function
 * 1 configuration), 2.7 (BMICOM, BMISTA, BMIDTP), 5.6 (bus master IDE). */
#include "piix_ide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BM_PORTS 16
#define PRD_EOT 0x80000000u
#define PRD_COUNT_MASK 0xFFFEu
#define PRD_MAX 0x10000u

static const uint16_t legacy_command_base[2] = { 0x1F0, 0x170 };
static const uint16_t legacy_control_port[2] = { 0x3F6, 0x376 };

/* The opaque of a channel's struct ata_dma: which engine. */
struct bm_port {
    struct piix_ide *ide;
    int n;
};

struct piix_ide_box {
    struct piix_ide ide;
    struct bm_port port[2];
};

static struct piix_ide *of_pci(struct pci_device *d)
{
    return (struct piix_ide *)d;    /* pci is the first member */
}

/* ---- legacy port decode ---- */

static bool legacy_enabled(const struct piix_ide *ide, int n)
{
    uint16_t idetim = pci_get_word(&ide->pci, n ? PIIX_IDETIM_SEC : PIIX_IDETIM_PRI);
    return (pci_get_word(&ide->pci, PCI_COMMAND) & PCI_COMMAND_IO) && (idetim & PIIX_IDETIM_IDE);
}

static void update_legacy(struct piix_ide *ide)
{
    for (int n = 0; n < 2; n++) {
        bool want = legacy_enabled(ide, n);
        if (want == ide->legacy_mapped[n])
            continue;
        if (want) {
            io_map(ide->io, legacy_command_base[n], 8, &ata_command_block_ops, &ide->ch[n]);
            io_map(ide->io, legacy_control_port[n], 1, &ata_control_block_ops, &ide->ch[n]);
        } else {
            io_unmap(ide->io, legacy_command_base[n], 8);
            io_unmap(ide->io, legacy_control_port[n], 1);
        }
        ide->legacy_mapped[n] = want;
    }
}

static void config_write(struct pci_device *d, uint32_t addr, uint32_t old, unsigned size)
{
    (void)addr; (void)old; (void)size;
    update_legacy(of_pci(d));
}

/* ---- guest memory ---- */

/* Reads go page by page: straight from RAM or ROM where the page has
 * host bytes, else through the slow accessor (MMIO, nothing there). */
static void dma_read_memory(struct phys_mem *mem, uint32_t addr, uint8_t *dst, uint32_t len)
{
    while (len) {
        uint32_t chunk = 0x1000 - (addr & 0xFFF);
        if (chunk > len)
            chunk = len;
        const uint8_t *host = phys_host_ptr(mem, addr, 0);
        if (host)
            memcpy(dst, host, chunk);
        else
            phys_read_block(mem, addr, dst, chunk);
        addr += chunk;
        dst += chunk;
        len -= chunk;
    }
}

/* ---- the PRD walk ---- */

/* Fetch the next descriptor into bm (addr, count, last). */
static void fetch_prd(struct piix_ide *ide, struct piix_bm *bm)
{
    uint32_t base = phys_read(ide->mem, bm->prd_next, 4);
    uint32_t word = phys_read(ide->mem, bm->prd_next + 4, 4);
    bm->prd_next += 8;
    bm->addr = base & ~1u;
    bm->count = (word & PRD_COUNT_MASK) ? (word & PRD_COUNT_MASK) : PRD_MAX;
    bm->last = word & PRD_EOT;
    uint64_t room = 0x100000000ull - bm->addr;      /* never past 4 GiB */
    if (bm->count > room)
        bm->count = (uint32_t)room;
}

static void table_used_up(struct piix_bm *bm)
{
    bm->done = true;
    bm->status &= (uint8_t)~BM_ST_ACTIVE;
}

/* struct ata_dma transfer: move up to len bytes along the table in the
 * direction RWCON gives. The engine goes inactive when its table is used
 * up, whether or not the device wanted more. */
static uint32_t bm_transfer(void *opaque, void *buf, uint32_t len)
{
    struct bm_port *port = opaque;
    struct piix_ide *ide = port->ide;
    struct piix_bm *bm = &ide->bm[port->n];
    uint8_t *data = buf;
    if (!(bm->command & BM_CMD_START) || bm->done ||
        !(pci_get_word(&ide->pci, PCI_COMMAND) & PCI_COMMAND_MASTER))
        return 0;
    uint32_t moved = 0;
    while (moved < len) {
        if (!bm->count) {
            if (bm->last) {
                table_used_up(bm);
                break;
            }
            fetch_prd(ide, bm);
        }
        uint32_t n = len - moved < bm->count ? len - moved : bm->count;
        if (bm->command & BM_CMD_WRITE)
            phys_write_block(ide->mem, bm->addr, data + moved, n);
        else
            dma_read_memory(ide->mem, bm->addr, data + moved, n);
        bm->addr += n;
        bm->count -= n;
        moved += n;
    }
    if (!bm->count && bm->last)
        table_used_up(bm);
    return moved;
}

static bool bm_running(void *opaque)
{
    struct bm_port *port = opaque;
    return port->ide->bm[port->n].command & BM_CMD_START;
}

/* ---- BMICOM, BMISTA, BMIDTP ---- */

static void write_bm_command(struct piix_ide *ide, int n, uint8_t value)
{
    struct piix_bm *bm = &ide->bm[n];
    uint8_t old = bm->command;
    bm->command = value & (BM_CMD_START | BM_CMD_WRITE);
    if (!(old & BM_CMD_START) && (value & BM_CMD_START)) {
        bm->prd_next = bm->prdt;
        bm->count = 0;
        bm->last = false;
        bm->done = false;
        bm->status |= BM_ST_ACTIVE;
        ata_channel_dma_started(&ide->ch[n]);
    } else if ((old & BM_CMD_START) && !(value & BM_CMD_START)) {
        bm->status &= (uint8_t)~BM_ST_ACTIVE;
    }
}

static void write_bm_status(struct piix_bm *bm, uint8_t value)
{
    uint8_t keep = bm->status & (uint8_t)~(value & (BM_ST_ERROR | BM_ST_INTR));
    bm->status = (uint8_t)((keep & (BM_ST_ACTIVE | BM_ST_ERROR | BM_ST_INTR)) |
                           (value & (BM_ST_DRV0_DMA | BM_ST_DRV1_DMA)));
}

static uint8_t read_bm_byte(struct piix_ide *ide, uint32_t addr)
{
    const struct piix_bm *bm = &ide->bm[addr >> 3];
    unsigned reg = addr & 7;
    switch (reg) {
    case BM_COMMAND:
        return bm->command;
    case BM_STATUS:
        return bm->status;
    case BM_PRDT: case BM_PRDT + 1: case BM_PRDT + 2: case BM_PRDT + 3:
        return (uint8_t)(bm->prdt >> (8 * (reg - BM_PRDT)));
    default:
        return 0;
    }
}

static void write_bm_byte(struct piix_ide *ide, uint32_t addr, uint8_t value)
{
    int n = (int)(addr >> 3);
    struct piix_bm *bm = &ide->bm[n];
    unsigned reg = addr & 7;
    if (reg == BM_COMMAND) {
        write_bm_command(ide, n, value);
    } else if (reg == BM_STATUS) {
        write_bm_status(bm, value);
    } else if (reg >= BM_PRDT) {
        unsigned shift = 8 * (reg - BM_PRDT);
        bm->prdt = (bm->prdt & ~(0xFFu << shift)) | (uint32_t)value << shift;
        bm->prdt &= ~3u;
    }
}

static uint32_t bm_read(void *opaque, uint32_t addr, unsigned size)
{
    uint32_t value = 0;
    for (unsigned k = 0; k < size && addr + k < BM_PORTS; k++)
        value |= (uint32_t)read_bm_byte(opaque, addr + k) << (8 * k);
    return value;
}

static void bm_write(void *opaque, uint32_t addr, uint32_t value, unsigned size)
{
    for (unsigned k = 0; k < size && addr + k < BM_PORTS; k++)
        write_bm_byte(opaque, addr + k, (uint8_t)(value >> (8 * k)));
}

static const struct io_ops bm_ops = {
    .name = "piix-bmide", .read = bm_read, .write = bm_write,
};

/* ---- interrupts ---- */

/* A channel's INTRQ: on each rise, BMISTA's interrupt bit; the level goes
 * on to the channel's ISA IRQ. */
static void channel_irq(void *opaque, int n, int level)
{
    struct piix_ide *ide = opaque;
    if (level)
        ide->bm[n].status |= BM_ST_INTR;
    irq_set(&ide->isa_irq[n], level);
}

/* ---- the device ---- */

static void config_defaults(struct piix_ide *ide)
{
    for (uint32_t reg = PIIX_IDETIM_PRI; reg <= PIIX_SIDETIM; reg++) {
        ide->pci.wmask[reg] = 0xFF;
        pci_set_byte(&ide->pci, reg, 0);
    }
}

static void piix_ide_reset(void *dev)
{
    struct piix_ide *ide = dev;
    pci_device_reset(&ide->pci);
    config_defaults(ide);
    memset(ide->bm, 0, sizeof ide->bm);
    for (int n = 0; n < 2; n++)
        ata_channel_reset(&ide->ch[n]);
    update_legacy(ide);
}

static void piix_ide_destroy(void *dev)
{
    struct piix_ide *ide = dev;
    for (int n = 0; n < 2; n++)
        ata_channel_destroy(&ide->ch[n]);
    pci_device_destroy(&ide->pci);
    free(ide);
}

static void piix_ide_post_load(void *dev)
{
    struct piix_ide *ide = dev;
    pci_device_post_load(&ide->pci);
    update_legacy(ide);
    for (int n = 0; n < 2; n++)
        ata_channel_post_load(&ide->ch[n]);
}

static const struct state_field piix_ide_fields[] = {
    STATE_FIELD(struct piix_ide, pci.config),
    STATE_FIELD(struct piix_ide, pci.irq_level),
    STATE_FIELD(struct piix_ide, bm),
    STATE_FIELD(struct piix_ide, ch[0].s),
    STATE_FIELD(struct piix_ide, ch[0].drive[0].s),
    STATE_FIELD(struct piix_ide, ch[0].drive[1].s),
    STATE_FIELD(struct piix_ide, ch[1].s),
    STATE_FIELD(struct piix_ide, ch[1].drive[0].s),
    STATE_FIELD(struct piix_ide, ch[1].drive[1].s),
};

/* The drives report what they do not implement (trace_unimp). */
static void piix_ide_set_cpu(void *dev, struct cpu *cpu)
{
    struct piix_ide *ide = dev;
    for (int n = 0; n < 2; n++)
        ide->ch[n].cpu = cpu;
}

static const struct device_state piix_ide_state = {
    .version = 1,
    .fields = piix_ide_fields,
    .nfields = sizeof piix_ide_fields / sizeof piix_ide_fields[0],
    .post_load = piix_ide_post_load,
};

const struct device_ops piix_ide_ops = {
    .name = "piix3-ide",
    .reset = piix_ide_reset,
    .destroy = piix_ide_destroy,
    .state = &piix_ide_state,
    .set_cpu = piix_ide_set_cpu,
};

struct piix_ide *piix_ide_create(struct pci_bus *bus, uint8_t devfn, struct io_bus *io,
                                 struct phys_mem *mem, struct clock *clock,
                                 const struct irq_line irq14_15[2])
{
    struct piix_ide_box *box = calloc(1, sizeof *box);
    if (!box)
        return NULL;
    struct piix_ide *ide = &box->ide;
    ide->io = io;
    ide->mem = mem;
    pci_device_init(&ide->pci, PIIX_IDE_VENDOR, PIIX_IDE_DEVICE, 0x010180);
    ide->pci.config_write = config_write;
    config_defaults(ide);
    if (pci_bar_io(&ide->pci, 4, BM_PORTS, &bm_ops, ide) < 0) {
        free(box);
        return NULL;
    }
    for (int n = 0; n < 2; n++) {
        ide->isa_irq[n] = irq14_15[n];
        box->port[n] = (struct bm_port){ ide, n };
        struct ata_dma dma = { bm_transfer, bm_running, &box->port[n] };
        struct irq_line line = { channel_irq, ide, n };
        ata_channel_init(&ide->ch[n], (unsigned)n, clock, line, &dma);
    }
    if (pci_bus_add(bus, &ide->pci, devfn) < 0) {
        pci_device_destroy(&ide->pci);
        free(box);
        return NULL;
    }
    return ide;
}

uint8_t piix_ide_bios_translation(const struct piix_ide *ide)
{
    uint8_t flags = 0;
    for (int k = 0; k < 4; k++) {
        uint16_t cylinders;
        uint8_t heads, spt;
        if (ata_disk_geometry(&ide->ch[k / 2], k % 2, &cylinders, &heads, &spt) &&
            cylinders > 1024)
            flags |= (uint8_t)(1u << (2 * k));
    }
    return flags;
}

void piix_ide_firmware_setup(struct piix_ide *ide)
{
    struct pci_bus *bus = ide->pci.bus;
    pci_config_write(bus, ide->pci.devfn, PIIX_IDETIM_PRI, PIIX_IDETIM_IDE, 2);
    pci_config_write(bus, ide->pci.devfn, PIIX_IDETIM_SEC, PIIX_IDETIM_IDE, 2);
}

/* ------------------------------------------------------------------------
 * The monitor's "info ide" */

void piix_ide_info(const struct piix_ide *ide, FILE *out)
{
    for (int n = 0; n < 2; n++) {
        const struct piix_bm *bm = &ide->bm[n];
        fprintf(out, "%s channel: ports %03x/%03x %s, bus master command %02x status %02x "
                     "PRD table %08x\n",
                n ? "secondary" : "primary", legacy_command_base[n], legacy_control_port[n],
                ide->legacy_mapped[n] ? "decoded" : "not decoded", bm->command, bm->status,
                bm->prdt);
        ata_channel_info(&ide->ch[n], out);
    }
}
