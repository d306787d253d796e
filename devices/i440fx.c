/* Intel 82441FX PMC (i440FX host bridge); see i440fx.h.
 * Reference: Intel 82440FX PCIset datasheet, 3.2 (configuration registers). */
#include "i440fx.h"

#include <stdlib.h>

#define I440FX_VENDOR 0x8086
#define I440FX_DEVICE 0x1237
#define I440FX_REVISION 0x02
#define I440FX_CLASS 0x060000       /* host bridge */
#define I440FX_PMCCFG 0x50
#define I440FX_DRAMC 0x57
#define I440FX_DRAMT 0x58
#define I440FX_FDHC 0x68
#define I440FX_MTT 0x70
#define I440FX_CLT 0x71
#define I440FX_ERRCMD 0x90
#define I440FX_ERRSTS 0x91
#define QEMU_SUBSYSTEM_VENDOR 0x1AF4    /* what SeaBIOS looks for on QEMU */
#define QEMU_SUBSYSTEM 0x1100

#define DRB_UNIT (8u << 20)          /* DRB rows count 8 MiB */
#define SMRAM_BASE 0xA0000u
#define SMRAM_SIZE 0x20000u
#define PAGE 0x1000u

/* The range a PAM nibble controls: PAM0's high nibble is 0xF0000-0xFFFFF;
 * PAM1-6 split 0xC0000-0xEFFFF into 16 KiB halves, low nibble first. */
struct pam_range {
    uint32_t base, size;
};

static struct pam_range pam_range(int pam, int high)
{
    if (pam == 0)
        return (struct pam_range){ 0xF0000, 0x10000 };
    uint32_t base = 0xC0000u + (uint32_t)(pam - 1) * 0x8000u + (high ? 0x4000u : 0);
    return (struct pam_range){ base, 0x4000 };
}

/* What the PCI side holds at addr: the newest visible region there other
 * than RAM (the BIOS ROM, an option ROM, the VGA window), or nothing. */
static int pci_side(const struct phys_mem *mem, uint32_t addr, int ram)
{
    for (int k = (int)mem->nregions; k > 0; k--) {
        const struct phys_region *r = &mem->regions[k - 1];
        if (k != ram && !r->hidden && addr >= r->base && addr - r->base < r->size)
            return k;
    }
    return 0;
}

/* Route [base, base+size) page by page, one phys_route per run of pages
 * that go the same way. */
static void route(struct i440fx *h, uint32_t base, uint32_t size, int read_dram, int write_dram)
{
    uint32_t run = base;
    int run_read = -1, run_write = -1;
    for (uint32_t a = base; a <= base + size; a += PAGE) {
        int rd = -1, wr = -1;
        if (a < base + size) {
            int pci = pci_side(h->mem, a, h->ram_handle);
            rd = read_dram ? h->ram_handle : pci;
            wr = write_dram ? h->ram_handle : pci;
        }
        if (a > run && (rd != run_read || wr != run_write)) {
            phys_route(h->mem, run, a - run, run_read, run_write);
            run = a;
        }
        if (a == run) {
            run_read = rd;
            run_write = wr;
        }
    }
}

static void apply_pam(struct i440fx *h)
{
    for (int pam = 0; pam < I440FX_PAMS; pam++) {
        uint8_t value = pci_get_byte(&h->pci, I440FX_PAM0 + (uint32_t)pam);
        for (int high = pam == 0 ? 1 : 0; high < 2; high++) {
            unsigned attr = (value >> (high ? 4 : 0)) & 0x3;
            struct pam_range r = pam_range(pam, high);
            route(h, r.base, r.size, attr & PAM_RE, attr & PAM_WE);
        }
    }
}

static bool smram_open(const struct i440fx *h)
{
    uint8_t v = pci_get_byte(&h->pci, I440FX_SMRAM);
    return (v & SMRAM_G_SMRAME) && (v & SMRAM_D_OPEN);
}

static void apply_smram(struct i440fx *h)
{
    int open = smram_open(h);
    route(h, SMRAM_BASE, SMRAM_SIZE, open, open);
}

/* SMRAM: D_LCK locks D_OPEN to 0 and itself, G_SMRAME and C_BASE_SEG to
 * their values until reset; C_BASE_SEG is always 010b. */
static void write_smram(struct i440fx *h, uint8_t old)
{
    uint8_t v = pci_get_byte(&h->pci, I440FX_SMRAM);
    if (old & SMRAM_D_LCK)
        v = (uint8_t)((v & SMRAM_D_CLS) | (old & ~SMRAM_D_CLS));
    v = (uint8_t)((v & ~SMRAM_C_BASE_SEG) | 0x02);
    if (v & SMRAM_D_LCK) {
        v &= (uint8_t)~SMRAM_D_OPEN;
        h->pci.wmask[I440FX_SMRAM] = SMRAM_D_CLS;
    }
    pci_set_byte(&h->pci, I440FX_SMRAM, v);
    bool was_open = (old & SMRAM_G_SMRAME) && (old & SMRAM_D_OPEN);
    if (was_open != smram_open(h))
        apply_smram(h);
}

static bool in_range(uint32_t reg, unsigned size, uint32_t first, uint32_t count)
{
    return reg < first + count && reg + size > first;
}

static void i440fx_config_write(struct pci_device *d, uint32_t reg, uint32_t old, unsigned size)
{
    struct i440fx *h = (struct i440fx *)d;
    if (in_range(reg, size, I440FX_PAM0, I440FX_PAMS))
        apply_pam(h);
    if (in_range(reg, size, I440FX_SMRAM, 1))
        write_smram(h, (uint8_t)(old >> (8 * (I440FX_SMRAM - reg))));
}

/* DRB0-7: cumulative row boundaries in 8 MiB units; all RAM in row 0
 * (saturating at the 82441FX's limit of 255 units). */
static void set_drbs(struct i440fx *h)
{
    uint32_t units = h->mem->ram_size / DRB_UNIT;
    if (units > 0xFF)
        units = 0xFF;
    for (uint32_t k = 0; k < 8; k++)
        pci_set_byte(&h->pci, I440FX_DRB0 + k, (uint8_t)units);
}

static void i440fx_reset(void *dev)
{
    struct i440fx *h = dev;
    pci_device_reset(&h->pci);
    pci_set_word(&h->pci, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    for (uint32_t k = 0; k < I440FX_PAMS; k++)
        pci_set_byte(&h->pci, I440FX_PAM0 + k, 0);
    pci_set_byte(&h->pci, I440FX_PMCCFG, 0);
    pci_set_byte(&h->pci, I440FX_DRAMC, 0x01);
    pci_set_byte(&h->pci, I440FX_DRAMT, 0x10);
    pci_set_byte(&h->pci, I440FX_FDHC, 0);
    pci_set_byte(&h->pci, I440FX_MTT, 0x20);
    pci_set_byte(&h->pci, I440FX_CLT, 0x10);
    pci_set_byte(&h->pci, I440FX_ERRCMD, 0);
    pci_set_byte(&h->pci, I440FX_ERRSTS, 0);
    pci_set_byte(&h->pci, I440FX_SMRAM, 0x02);
    h->pci.wmask[I440FX_SMRAM] = (uint8_t)~(0x80 | SMRAM_C_BASE_SEG);
    set_drbs(h);
    apply_pam(h);
    apply_smram(h);
}

static void i440fx_post_load(void *dev)
{
    struct i440fx *h = dev;
    pci_device_post_load(&h->pci);
    apply_pam(h);
    apply_smram(h);
}

static void i440fx_destroy(void *dev)
{
    struct i440fx *h = dev;
    pci_device_destroy(&h->pci);
    free(h);
}

static const struct state_field i440fx_fields[] = {
    STATE_FIELD(struct i440fx, pci.config),
    STATE_FIELD(struct i440fx, pci.wmask),
};

static const struct device_state i440fx_state = {
    .version = 1, .fields = i440fx_fields,
    .nfields = sizeof i440fx_fields / sizeof i440fx_fields[0],
    .post_load = i440fx_post_load,
};

const struct device_ops i440fx_ops = {
    .name = "i440fx", .reset = i440fx_reset, .destroy = i440fx_destroy, .state = &i440fx_state,
};

static void set_writable(struct i440fx *h, uint32_t reg, uint32_t count, uint8_t mask)
{
    for (uint32_t k = 0; k < count; k++)
        h->pci.wmask[reg + k] = mask;
}

struct i440fx *i440fx_create(struct pci_bus *bus, struct phys_mem *mem)
{
    struct i440fx *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->mem = mem;
    h->ram_handle = phys_region_at(mem, 0);
    pci_device_init(&h->pci, I440FX_VENDOR, I440FX_DEVICE, I440FX_CLASS);
    pci_set_byte(&h->pci, PCI_REVISION_ID, I440FX_REVISION);
    pci_set_word(&h->pci, PCI_SUBSYSTEM_VENDOR_ID, QEMU_SUBSYSTEM_VENDOR);
    pci_set_word(&h->pci, PCI_SUBSYSTEM_ID, QEMU_SUBSYSTEM);
    h->pci.wmask[PCI_INTERRUPT_LINE] = 0;   /* no interrupt */
    set_writable(h, I440FX_PMCCFG, 9, 0xFF);            /* 50h-58h */
    set_writable(h, I440FX_PAM0, 1, 0x30);              /* only the high nibble */
    set_writable(h, I440FX_PAM0 + 1, I440FX_PAMS - 1, 0x33);
    set_writable(h, I440FX_DRB0, 8, 0xFF);
    set_writable(h, I440FX_FDHC, 1, 0xC0);
    set_writable(h, I440FX_MTT, 2, 0xF8);
    set_writable(h, I440FX_ERRCMD, 1, 0xFF);
    h->pci.w1cmask[I440FX_ERRSTS] = 0xFF;
    h->pci.config_write = i440fx_config_write;
    if (pci_bus_add(bus, &h->pci, PCI_DEVFN(0, 0)) < 0) {
        free(h);
        return NULL;
    }
    i440fx_reset(h);
    return h;
}
