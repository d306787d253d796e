/* The PC's ACPI tables and the linker/loader script; see acpi.h.
 * References: ACPI 2.0 (5.2 tables, 6.4 resource descriptors, 16 AML);
 * QEMU hw/acpi/bios-linker-loader.c; SeaBIOS src/fw/romfile_loader.c. */
#include "acpi.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Growable byte buffers */

struct buf {
    uint8_t *data;
    size_t len, cap;
    bool oom;
};

static void put(struct buf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void put8(struct buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put_le(struct buf *b, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        put8(b, (uint8_t)(v >> (8 * k)));
}

static void put_zeros(struct buf *b, size_t n)
{
    for (size_t k = 0; k < n; k++)
        put8(b, 0);
}

static void buf_free(struct buf *b)
{
    free(b->data);
    *b = (struct buf){ 0 };
}

/* Append src and free it (a finished sub-buffer). */
static void take(struct buf *b, struct buf *src)
{
    put(b, src->data, src->len);
    b->oom = b->oom || src->oom;
    buf_free(src);
}

static void patch_le(struct buf *b, size_t at, uint64_t v, unsigned bytes)
{
    if (b->oom)
        return;
    for (unsigned k = 0; k < bytes; k++)
        b->data[at + k] = (uint8_t)(v >> (8 * k));
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t k = 0; k < len; k++)
        sum = (uint8_t)(sum + p[k]);
    return (uint8_t)-sum;
}

/* ------------------------------------------------------------------------
 * AML (ACPI 2.0 chapter 16) */

enum {
    AML_ZERO = 0x00, AML_ONE = 0x01, AML_NAME = 0x08, AML_BYTE = 0x0A, AML_WORD = 0x0B,
    AML_DWORD = 0x0C, AML_STRING = 0x0D, AML_QWORD = 0x0E, AML_SCOPE = 0x10,
    AML_BUFFER = 0x11, AML_PACKAGE = 0x12, AML_METHOD = 0x14, AML_DUAL_NAME = 0x2E,
    AML_MULTI_NAME = 0x2F, AML_EXT = 0x5B, AML_LOCAL0 = 0x60, AML_ARG0 = 0x68,
    AML_STORE = 0x70, AML_DECREMENT = 0x76, AML_SHIFT_LEFT = 0x79, AML_AND = 0x7B,
    AML_OR = 0x7D, AML_FIND_SET_RIGHT_BIT = 0x82, AML_CREATE_WORD_FIELD = 0x8B,
    AML_LNOT = 0x92, AML_IF = 0xA0, AML_ELSE = 0xA1, AML_RETURN = 0xA4,
    AML_NULL_NAME = 0x00,
};
enum { AML_EXT_OP_REGION = 0x80, AML_EXT_FIELD = 0x81, AML_EXT_DEVICE = 0x82,
       AML_EXT_PROCESSOR = 0x83 };
enum { AML_METHOD_SERIALIZED = 0x08 };
enum { AML_REGION_PCI_CONFIG = 0x02 };
enum { AML_FIELD_BYTE_ACC = 0x01 };

/* A PkgLength holding value itself (field widths) or value + its own size. */
static void aml_pkglength_value(struct buf *b, size_t v)
{
    if (v <= 0x3F) {
        put8(b, (uint8_t)v);
    } else if (v <= 0xFFF) {
        put8(b, (uint8_t)(0x40 | (v & 0xF)));
        put8(b, (uint8_t)(v >> 4));
    } else if (v <= 0xFFFFF) {
        put8(b, (uint8_t)(0x80 | (v & 0xF)));
        put8(b, (uint8_t)(v >> 4));
        put8(b, (uint8_t)(v >> 12));
    } else {
        put8(b, (uint8_t)(0xC0 | (v & 0xF)));
        put8(b, (uint8_t)(v >> 4));
        put8(b, (uint8_t)(v >> 12));
        put8(b, (uint8_t)(v >> 20));
    }
}

/* PkgLength + body, body freed. */
static void aml_pkg(struct buf *b, struct buf *body)
{
    size_t n = body->len;
    size_t total = n + 1 <= 0x3F ? n + 1 : n + 2 <= 0xFFF ? n + 2 : n + 3 <= 0xFFFFF ? n + 3 : n + 4;
    aml_pkglength_value(b, total);
    take(b, body);
}

static void aml_nameseg(struct buf *b, const char *seg, size_t len)
{
    for (size_t k = 0; k < 4; k++)
        put8(b, (uint8_t)(k < len ? seg[k] : '_'));
}

/* "\\_SB.PCI0.ISA", "^LNKA", "_HID". */
static void aml_namestring(struct buf *b, const char *path)
{
    while (*path == '\\' || *path == '^')
        put8(b, (uint8_t)*path++);
    size_t count = *path ? 1 : 0;
    for (const char *p = path; *p; p++)
        count += *p == '.';
    if (count == 0) {
        put8(b, AML_NULL_NAME);
        return;
    }
    if (count == 2)
        put8(b, AML_DUAL_NAME);
    else if (count > 2) {
        put8(b, AML_MULTI_NAME);
        put8(b, (uint8_t)count);
    }
    while (*path) {
        size_t len = strcspn(path, ".");
        aml_nameseg(b, path, len);
        path += len + (path[len] == '.');
    }
}

static void aml_int(struct buf *b, uint64_t v)
{
    if (v == 0)
        put8(b, AML_ZERO);
    else if (v == 1)
        put8(b, AML_ONE);
    else if (v <= 0xFF)
        put8(b, AML_BYTE), put8(b, (uint8_t)v);
    else if (v <= 0xFFFF)
        put8(b, AML_WORD), put_le(b, v, 2);
    else if (v <= 0xFFFFFFFF)
        put8(b, AML_DWORD), put_le(b, v, 4);
    else
        put8(b, AML_QWORD), put_le(b, v, 8);
}

/* EisaId("PNP0A03"): three letters packed in 5 bits each, then four hex
 * digits, stored big endian as a DWord. */
static void aml_eisaid(struct buf *b, const char *id)
{
    uint16_t vendor = (uint16_t)(((id[0] - 0x40) & 0x1F) << 10 | ((id[1] - 0x40) & 0x1F) << 5 |
                                 ((id[2] - 0x40) & 0x1F));
    uint16_t product = (uint16_t)strtoul(id + 3, NULL, 16);
    put8(b, AML_DWORD);
    put8(b, (uint8_t)(vendor >> 8));
    put8(b, (uint8_t)vendor);
    put8(b, (uint8_t)(product >> 8));
    put8(b, (uint8_t)product);
}

static void aml_name_int(struct buf *b, const char *name, uint64_t v)
{
    put8(b, AML_NAME);
    aml_namestring(b, name);
    aml_int(b, v);
}

static void aml_name_eisaid(struct buf *b, const char *name, const char *id)
{
    put8(b, AML_NAME);
    aml_namestring(b, name);
    aml_eisaid(b, id);
}

/* Buffer(len) { bytes }, bytes freed. */
static void aml_buffer(struct buf *b, struct buf *bytes)
{
    struct buf body = { 0 };
    aml_int(&body, bytes->len);
    take(&body, bytes);
    put8(b, AML_BUFFER);
    aml_pkg(b, &body);
}

/* ResourceTemplate: the descriptors, an end tag (checksum 0 = none). */
static void aml_name_resources(struct buf *b, const char *name, struct buf *res)
{
    put8(res, 0x79);
    put8(res, 0x00);
    put8(b, AML_NAME);
    aml_namestring(b, name);
    aml_buffer(b, res);
}

static void aml_named_block(struct buf *b, uint8_t ext_op, const char *name, struct buf *body)
{
    struct buf inner = { 0 };
    aml_namestring(&inner, name);
    take(&inner, body);
    if (ext_op)
        put8(b, AML_EXT), put8(b, ext_op);
    else
        put8(b, AML_SCOPE);
    aml_pkg(b, &inner);
}

static void aml_scope(struct buf *b, const char *name, struct buf *body)
{
    aml_named_block(b, 0, name, body);
}

static void aml_device(struct buf *b, const char *name, struct buf *body)
{
    aml_named_block(b, AML_EXT_DEVICE, name, body);
}

static void aml_method(struct buf *b, const char *name, unsigned args, bool serialized,
                       struct buf *body)
{
    struct buf inner = { 0 };
    aml_namestring(&inner, name);
    put8(&inner, (uint8_t)((args & 7) | (serialized ? AML_METHOD_SERIALIZED : 0)));
    take(&inner, body);
    put8(b, AML_METHOD);
    aml_pkg(b, &inner);
}

/* If (pred) { then } Else { otherwise } (otherwise may be NULL). */
static void aml_if_else(struct buf *b, struct buf *pred, struct buf *then, struct buf *otherwise)
{
    take(pred, then);
    put8(b, AML_IF);
    aml_pkg(b, pred);
    if (otherwise) {
        put8(b, AML_ELSE);
        aml_pkg(b, otherwise);
    }
}

/* ------------------------------------------------------------------------
 * Resource descriptors (ACPI 2.0 6.4) */

static void res_io(struct buf *r, uint16_t base, uint8_t align, uint8_t len)
{
    put8(r, 0x47);                  /* I/O port, 7 bytes */
    put8(r, 0x01);                  /* 16-bit decode */
    put_le(r, base, 2);
    put_le(r, base, 2);
    put8(r, align);
    put8(r, len);
}

static void res_irq_noflags(struct buf *r, uint16_t mask)
{
    put8(r, 0x22);
    put_le(r, mask, 2);
}

/* IRQ(Level, ActiveLow, Shared): PCI interrupts through the PIIX3. */
static void res_irq_pci(struct buf *r, uint16_t mask)
{
    put8(r, 0x23);
    put_le(r, mask, 2);
    put8(r, 0x18);                  /* _LL active low, _SHR shared, level */
}

static void res_dma(struct buf *r, uint8_t mask, uint8_t flags)
{
    put8(r, 0x2A);
    put8(r, mask);
    put8(r, flags);
}

/* Word address space (bus numbers, I/O): producer, fixed min and max. */
static void res_word_space(struct buf *r, uint8_t type, uint8_t type_flags, uint16_t min,
                           uint16_t max)
{
    put8(r, 0x88);
    put_le(r, 13, 2);
    put8(r, type);
    put8(r, 0x0C);                  /* producer, positive decode, _MIF, _MAF */
    put8(r, type_flags);
    put_le(r, 0, 2);                /* granularity */
    put_le(r, min, 2);
    put_le(r, max, 2);
    put_le(r, 0, 2);                /* translation */
    put_le(r, (uint32_t)max - min + 1, 2);
}

/* DWordMemory(ResourceProducer, PosDecode, MinFixed, MaxFixed, Cacheable,
 * ReadWrite). */
static void res_dword_memory(struct buf *r, uint32_t min, uint32_t max)
{
    put8(r, 0x87);
    put_le(r, 23, 2);
    put8(r, 0x00);                  /* memory */
    put8(r, 0x0C);
    put8(r, 0x03);                  /* read/write, cacheable */
    put_le(r, 0, 4);
    put_le(r, min, 4);
    put_le(r, max, 4);
    put_le(r, 0, 4);
    put_le(r, max - min + 1, 4);
}

/* ------------------------------------------------------------------------
 * The DSDT */

#define PIRQ_FIELD "\\_SB.PCI0.ISA.PRQ"
#define LINK_IRQS 0x0C20            /* IRQ 5, 10, 11: what the links offer */
#define PIRQ_DISABLED 0x80
#define PCI_SLOTS 32

/* Device(name) { _HID, _UID (if uid), _CRS }, res freed. */
static void isa_device(struct buf *b, const char *name, const char *hid, unsigned uid,
                       struct buf *res)
{
    struct buf dev = { 0 };
    aml_name_eisaid(&dev, "_HID", hid);
    if (uid)
        aml_name_int(&dev, "_UID", uid);
    aml_name_resources(&dev, "_CRS", res);
    aml_device(b, name, &dev);
}

static void isa_system_devices(struct buf *isa)
{
    struct buf r = { 0 };
    res_io(&r, 0x20, 1, 2);
    res_io(&r, 0xA0, 1, 2);
    res_io(&r, 0x4D0, 1, 2);
    res_irq_noflags(&r, 1u << 2);
    isa_device(isa, "PIC", "PNP0000", 0, &r);
    res_io(&r, 0x00, 1, 0x10);
    res_io(&r, 0x81, 1, 0x0F);
    res_io(&r, 0xC0, 1, 0x20);
    res_dma(&r, 1u << 4, 0x01);     /* channel 4 (cascade), 8/16-bit */
    isa_device(isa, "DMA", "PNP0200", 0, &r);
    res_io(&r, 0x40, 1, 4);
    res_irq_noflags(&r, 1u << 0);
    isa_device(isa, "TMR", "PNP0100", 0, &r);
    res_io(&r, 0x70, 1, 2);
    res_irq_noflags(&r, 1u << 8);
    isa_device(isa, "RTC", "PNP0B00", 0, &r);
    res_io(&r, 0x61, 1, 1);
    isa_device(isa, "SPKR", "PNP0800", 0, &r);
    res_io(&r, 0xF0, 1, 0x10);
    res_irq_noflags(&r, 1u << 13);
    isa_device(isa, "FPU", "PNP0C04", 0, &r);
}

static void isa_peripherals(struct buf *isa, const struct acpi_config *cfg)
{
    struct buf r = { 0 };
    res_io(&r, 0x60, 1, 1);
    res_io(&r, 0x64, 1, 1);
    res_irq_noflags(&r, 1u << 1);
    isa_device(isa, "KBD", "PNP0303", 0, &r);
    res_irq_noflags(&r, 1u << 12);
    isa_device(isa, "MOU", "PNP0F13", 0, &r);
    res_io(&r, 0x3F2, 1, 4);
    res_io(&r, 0x3F7, 1, 1);
    res_irq_noflags(&r, 1u << 6);
    res_dma(&r, 1u << 2, 0x00);     /* channel 2, 8-bit */
    isa_device(isa, "FDC0", "PNP0700", 0, &r);
    static const struct { const char *name; uint16_t port; uint8_t irq; } com[] = {
        { "COM1", 0x3F8, 4 }, { "COM2", 0x2F8, 3 },
    };
    for (unsigned k = 0; k < cfg->serial_ports && k < 2; k++) {
        res_io(&r, com[k].port, 1, 8);
        res_irq_noflags(&r, (uint16_t)(1u << com[k].irq));
        isa_device(isa, com[k].name, "PNP0501", k + 1, &r);
    }
}

/* Ports no ISA device claims: port 92, APM, fw_cfg, the PM and SMBus
 * blocks, the SeaBIOS debug port. */
static void isa_motherboard(struct buf *isa, const struct acpi_config *cfg)
{
    struct buf r = { 0 };
    res_io(&r, 0x92, 1, 1);
    res_io(&r, cfg->smi_cmd, 1, 2);
    res_io(&r, 0x402, 1, 1);
    res_io(&r, 0x510, 1, 0x0C);
    res_io(&r, cfg->pm_base, 1, 0x40);
    res_io(&r, (uint16_t)(cfg->pm_base + 0x100), 1, 0x10);
    isa_device(isa, "SYS", "PNP0C02", 1, &r);
}

/* The PIIX3 function 0 (00:01.0): PIRQRC[A:D] as fields PRQ0-PRQ3. */
static void isa_bridge(struct buf *pci0, const struct acpi_config *cfg)
{
    struct buf isa = { 0 };
    aml_name_int(&isa, "_ADR", 0x00010000);
    put8(&isa, AML_EXT);
    put8(&isa, AML_EXT_OP_REGION);
    aml_namestring(&isa, "P40C");
    put8(&isa, AML_REGION_PCI_CONFIG);
    aml_int(&isa, 0x60);
    aml_int(&isa, 0x04);
    struct buf field = { 0 };
    aml_namestring(&field, "P40C");
    put8(&field, AML_FIELD_BYTE_ACC);
    for (int k = 0; k < 4; k++) {
        char name[5] = { 'P', 'R', 'Q', (char)('0' + k), 0 };
        aml_nameseg(&field, name, 4);
        aml_pkglength_value(&field, 8);
    }
    put8(&isa, AML_EXT);
    put8(&isa, AML_EXT_FIELD);
    aml_pkg(&isa, &field);
    isa_system_devices(&isa);
    isa_peripherals(&isa, cfg);
    isa_motherboard(&isa, cfg);
    aml_device(pci0, "ISA", &isa);
}

/* And(PRQn, mask, NullName) */
static void aml_and_pirq(struct buf *b, const char *pirq, uint8_t mask)
{
    put8(b, AML_AND);
    aml_namestring(b, pirq);
    aml_int(b, mask);
    put8(b, AML_NULL_NAME);
}

static void link_sta(struct buf *dev, const char *pirq)
{
    struct buf body = { 0 }, pred = { 0 }, then = { 0 }, otherwise = { 0 };
    aml_and_pirq(&pred, pirq, PIRQ_DISABLED);
    put8(&then, AML_RETURN);
    aml_int(&then, 0x09);           /* present, not enabled, functioning */
    put8(&otherwise, AML_RETURN);
    aml_int(&otherwise, 0x0B);      /* present, enabled, functioning */
    aml_if_else(&body, &pred, &then, &otherwise);
    aml_method(dev, "_STA", 0, false, &body);
}

static void link_dis(struct buf *dev, const char *pirq)
{
    struct buf body = { 0 };
    put8(&body, AML_OR);
    aml_namestring(&body, pirq);
    aml_int(&body, PIRQ_DISABLED);
    aml_namestring(&body, pirq);
    aml_method(dev, "_DIS", 0, false, &body);
}

/* Name(BUF0, IRQ template); CreateWordField(BUF0, 1, IRQW);
 * If (!(PRQn & 0x80)) { IRQW = 1 << (PRQn & 0x0F) }; Return (BUF0) */
static void link_crs(struct buf *dev, const char *pirq)
{
    struct buf body = { 0 }, res = { 0 }, pred = { 0 }, then = { 0 };
    res_irq_pci(&res, 0);
    aml_name_resources(&body, "BUF0", &res);
    put8(&body, AML_CREATE_WORD_FIELD);
    aml_namestring(&body, "BUF0");
    aml_int(&body, 1);
    aml_namestring(&body, "IRQW");
    put8(&pred, AML_LNOT);
    aml_and_pirq(&pred, pirq, PIRQ_DISABLED);
    put8(&then, AML_SHIFT_LEFT);
    aml_int(&then, 1);
    aml_and_pirq(&then, pirq, 0x0F);
    aml_namestring(&then, "IRQW");
    aml_if_else(&body, &pred, &then, NULL);
    put8(&body, AML_RETURN);
    aml_namestring(&body, "BUF0");
    aml_method(dev, "_CRS", 0, true, &body);
}

/* CreateWordField(Arg0, 1, IRQW); FindSetRightBit(IRQW, Local0);
 * Decrement(Local0); Store(Local0, PRQn) */
static void link_srs(struct buf *dev, const char *pirq)
{
    struct buf body = { 0 };
    put8(&body, AML_CREATE_WORD_FIELD);
    put8(&body, AML_ARG0);
    aml_int(&body, 1);
    aml_namestring(&body, "IRQW");
    put8(&body, AML_FIND_SET_RIGHT_BIT);
    aml_namestring(&body, "IRQW");
    put8(&body, AML_LOCAL0);
    put8(&body, AML_DECREMENT);
    put8(&body, AML_LOCAL0);
    put8(&body, AML_STORE);
    put8(&body, AML_LOCAL0);
    aml_namestring(&body, pirq);
    aml_method(dev, "_SRS", 1, true, &body);
}

/* LNKA-LNKD: the PCI interrupt links, one per PIIX3 PIRQ. */
static void pci_links(struct buf *sb)
{
    for (int k = 0; k < 4; k++) {
        char name[5] = { 'L', 'N', 'K', (char)('A' + k), 0 };
        char pirq[sizeof PIRQ_FIELD + 1];
        memcpy(pirq, PIRQ_FIELD, sizeof PIRQ_FIELD - 1);
        pirq[sizeof PIRQ_FIELD - 1] = (char)('0' + k);
        pirq[sizeof PIRQ_FIELD] = 0;
        struct buf dev = { 0 }, prs = { 0 };
        aml_name_eisaid(&dev, "_HID", "PNP0C0F");
        aml_name_int(&dev, "_UID", (uint64_t)k + 1);
        res_irq_pci(&prs, LINK_IRQS);
        aml_name_resources(&dev, "_PRS", &prs);
        link_sta(&dev, pirq);
        link_dis(&dev, pirq);
        link_crs(&dev, pirq);
        link_srs(&dev, pirq);
        aml_device(sb, name, &dev);
    }
}

/* _PRT: slot s, pin p (0 = INTA) -> LNK[(p + s - 1) & 3], the PIIX swizzle. */
static void pci_prt(struct buf *pci0)
{
    struct buf pkg = { 0 };
    put8(&pkg, PCI_SLOTS * 4);
    for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            char link[5] = { 'L', 'N', 'K', (char)('A' + ((pin + slot + 3) & 3)), 0 };
            struct buf entry = { 0 };
            put8(&entry, 4);
            aml_int(&entry, (uint64_t)slot << 16 | 0xFFFF);
            aml_int(&entry, pin);
            aml_namestring(&entry, link);
            aml_int(&entry, 0);
            put8(&pkg, AML_PACKAGE);
            aml_pkg(&pkg, &entry);
        }
    }
    put8(pci0, AML_NAME);
    aml_namestring(pci0, "_PRT");
    put8(pci0, AML_PACKAGE);
    aml_pkg(pci0, &pkg);
}

static void pci_root(struct buf *sb, const struct acpi_config *cfg)
{
    struct buf pci0 = { 0 }, res = { 0 };
    aml_name_eisaid(&pci0, "_HID", "PNP0A03");
    aml_name_int(&pci0, "_UID", 1);
    res_word_space(&res, 2, 0x00, 0x00, 0xFF);         /* bus numbers */
    res_io(&res, 0xCF8, 1, 8);
    res_word_space(&res, 1, 0x03, 0x0000, 0x0CF7);     /* I/O, entire range */
    res_word_space(&res, 1, 0x03, 0x0D00, 0xFFFF);
    res_dword_memory(&res, 0x000A0000, 0x000BFFFF);
    res_dword_memory(&res, cfg->pci_hole_start, 0xFEBFFFFF);
    aml_name_resources(&pci0, "_CRS", &res);
    pci_prt(&pci0);
    isa_bridge(&pci0, cfg);
    aml_device(sb, "PCI0", &pci0);
}

/* Name(_Sx, Package(4) { SLP_TYPa, SLP_TYPb, 0, 0 }) */
static void sleep_state(struct buf *b, const char *name, uint8_t slp_typ)
{
    struct buf pkg = { 0 };
    put8(&pkg, 4);
    aml_int(&pkg, slp_typ);
    aml_int(&pkg, slp_typ);
    aml_int(&pkg, 0);
    aml_int(&pkg, 0);
    put8(b, AML_NAME);
    aml_namestring(b, name);
    put8(b, AML_PACKAGE);
    aml_pkg(b, &pkg);
}

static void dsdt_body(struct buf *aml, const struct acpi_config *cfg)
{
    struct buf pr = { 0 }, cpu = { 0 }, sb = { 0 }, pic = { 0 };
    /* Processor (CPU0, 0, P_BLK, 6) */
    aml_namestring(&cpu, "CPU0");
    put8(&cpu, 0);
    put_le(&cpu, (uint32_t)cfg->pm_base + 0x10, 4);
    put8(&cpu, 6);
    put8(&pr, AML_EXT);
    put8(&pr, AML_EXT_PROCESSOR);
    aml_pkg(&pr, &cpu);
    aml_scope(aml, "\\_PR", &pr);
    /* \_PIC(mode): the OS says PIC (0) or APIC (1). _PRT is the same in
     * both: the links' ISA IRQs reach the 8259 and the I/O APIC alike. */
    aml_name_int(aml, "PICM", 0);
    put8(&pic, AML_STORE);
    put8(&pic, AML_ARG0);
    aml_namestring(&pic, "PICM");
    aml_method(aml, "_PIC", 1, false, &pic);
    sleep_state(aml, "_S0", 0);
    sleep_state(aml, "_S5", 0);     /* PIIX4 SUS_TYP 0: soft off */
    pci_links(&sb);
    pci_root(&sb, cfg);
    aml_scope(aml, "\\_SB", &sb);
}

/* ------------------------------------------------------------------------
 * Tables */

#define OEM_ID "EMBER "
#define OEM_TABLE_ID "EMBERPC "
#define CREATOR_ID "EMBR"
#define ACPI_HEADER_SIZE 36
#define FACS_SIZE 64
#define FADT_SIZE 244               /* ACPI 2.0 FADT, revision 3 */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_X_DSDT 140
#define RSDP_SIZE 20                /* ACPI 1.0 RSDP (revision 0) */
#define RSDP_RSDT 16
#define RESET_PORT 0xCF9
#define RESET_VALUE 0x06
#define RTC_CENTURY 0x32

static void table_header(struct buf *b, const char *sig, uint8_t revision)
{
    put(b, sig, 4);
    put_le(b, 0, 4);                /* length, patched */
    put8(b, revision);
    put8(b, 0);                     /* checksum, fixed by the loader */
    put(b, OEM_ID, 6);
    put(b, OEM_TABLE_ID, 8);
    put_le(b, 1, 4);
    put(b, CREATOR_ID, 4);
    put_le(b, 1, 4);
}

static void table_end(struct buf *b, size_t start)
{
    patch_le(b, start + 4, b->len - start, 4);
}

static void align_to(struct buf *b, size_t align)
{
    while (b->len % align)
        put8(b, 0);
}

static void add_facs(struct buf *b)
{
    put(b, "FACS", 4);
    put_le(b, FACS_SIZE, 4);
    put_le(b, 0, 4);                /* hardware signature */
    put_le(b, 0, 4);                /* firmware waking vector */
    put_le(b, 0, 4);                /* global lock */
    put_le(b, 0, 4);                /* flags: no S4BIOS */
    put_le(b, 0, 8);                /* X firmware waking vector */
    put8(b, 1);                     /* version */
    put_zeros(b, FACS_SIZE - 33);
}

static void add_dsdt(struct buf *b, const struct acpi_config *cfg)
{
    size_t start = b->len;
    table_header(b, "DSDT", 1);
    struct buf aml = { 0 };
    dsdt_body(&aml, cfg);
    take(b, &aml);
    table_end(b, start);
}

/* A Generic Address Structure in system I/O space. */
static void gas_io(struct buf *b, uint8_t bits, uint32_t port)
{
    put8(b, 1);
    put8(b, bits);
    put8(b, 0);
    put8(b, 0);
    put_le(b, port, 8);
}

static void fadt_blocks(struct buf *b, const struct acpi_config *cfg)
{
    uint32_t pm = cfg->pm_base;
    put_le(b, pm, 4);               /* PM1a_EVT_BLK */
    put_le(b, 0, 4);                /* PM1b_EVT_BLK */
    put_le(b, pm + 0x04, 4);        /* PM1a_CNT_BLK */
    put_le(b, 0, 4);                /* PM1b_CNT_BLK */
    put_le(b, 0, 4);                /* PM2_CNT_BLK */
    put_le(b, pm + 0x08, 4);        /* PM_TMR_BLK */
    put_le(b, pm + 0x0C, 4);        /* GPE0_BLK */
    put_le(b, 0, 4);                /* GPE1_BLK */
    put8(b, 4);                     /* PM1_EVT_LEN */
    put8(b, 2);                     /* PM1_CNT_LEN */
    put8(b, 0);                     /* PM2_CNT_LEN */
    put8(b, 4);                     /* PM_TMR_LEN */
    put8(b, 4);                     /* GPE0_BLK_LEN */
    put8(b, 0);                     /* GPE1_BLK_LEN */
    put8(b, 0);                     /* GPE1_BASE */
    put8(b, 0);                     /* CST_CNT */
    put_le(b, 0x0FFF, 2);           /* P_LVL2_LAT: no C2 */
    put_le(b, 0x0FFF, 2);           /* P_LVL3_LAT: no C3 */
}

#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_SLP_BUTTON (1u << 5)
#define FADT_RTC_S4 (1u << 7)
#define FADT_RESET_REG_SUP (1u << 10)
#define BOOT_ARCH_LEGACY_DEVICES 0x0001
#define BOOT_ARCH_8042 0x0002

static void add_fadt(struct buf *b, const struct acpi_config *cfg, size_t facs, size_t dsdt)
{
    size_t start = b->len;
    table_header(b, "FACP", 3);
    put_le(b, facs, 4);             /* FIRMWARE_CTRL: offset, the loader adds */
    put_le(b, dsdt, 4);             /* DSDT: likewise */
    put8(b, 0);                     /* reserved (1.0 INT_MODEL) */
    put8(b, 0);                     /* Preferred_PM_Profile: unspecified */
    put_le(b, cfg->sci_irq, 2);
    put_le(b, cfg->smi_cmd, 4);
    put8(b, 0xF1);                  /* ACPI_ENABLE */
    put8(b, 0xF0);                  /* ACPI_DISABLE */
    put8(b, 0);                     /* S4BIOS_REQ */
    put8(b, 0);                     /* PSTATE_CNT */
    fadt_blocks(b, cfg);
    put_le(b, 0, 2);                /* FLUSH_SIZE */
    put_le(b, 0, 2);                /* FLUSH_STRIDE */
    put8(b, 0);                     /* DUTY_OFFSET */
    put8(b, 0);                     /* DUTY_WIDTH */
    put8(b, 0);                     /* DAY_ALRM */
    put8(b, 0);                     /* MON_ALRM */
    put8(b, RTC_CENTURY);
    put_le(b, BOOT_ARCH_LEGACY_DEVICES | BOOT_ARCH_8042, 2);
    put8(b, 0);
    put_le(b, FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON | FADT_RTC_S4 | FADT_RESET_REG_SUP, 4);
    gas_io(b, 8, RESET_PORT);
    put8(b, RESET_VALUE);
    put_zeros(b, 3);
    put_le(b, 0, 8);                /* X_FIRMWARE_CTRL: FIRMWARE_CTRL is used */
    put_le(b, dsdt, 8);             /* X_DSDT */
    gas_io(b, 32, cfg->pm_base);
    gas_io(b, 0, 0);
    gas_io(b, 16, cfg->pm_base + 0x04u);
    gas_io(b, 0, 0);
    gas_io(b, 0, 0);
    gas_io(b, 32, cfg->pm_base + 0x08u);
    gas_io(b, 32, cfg->pm_base + 0x0Cu);
    gas_io(b, 0, 0);
    table_end(b, start);
}

/* MADT (ACPI 2.0 5.2.10.4) entry types and the MPS INTI flags of an
 * interrupt source override (table 5-25: polarity in bits 1:0, trigger
 * mode in bits 3:2; 0 = conforms to the bus). */
#define MADT_PCAT_COMPAT 0x1u       /* the 8259 pair is there too */
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_SOURCE_OVERRIDE 2
#define MADT_LOCAL_APIC_NMI 4
#define MPS_ACTIVE_HIGH 0x1u
#define MPS_LEVEL 0xCu
#define ACPI_ALL_PROCESSORS 0xFF

static void madt_source_override(struct buf *b, uint8_t isa_irq, uint32_t gsi, uint16_t flags)
{
    put8(b, MADT_SOURCE_OVERRIDE);
    put8(b, 10);
    put8(b, 0);                     /* bus: ISA */
    put8(b, isa_irq);
    put_le(b, gsi, 4);
    put_le(b, flags, 2);
}

static void add_madt(struct buf *b, const struct acpi_config *cfg)
{
    size_t start = b->len;
    table_header(b, "APIC", 1);
    put_le(b, ACPI_LOCAL_APIC_BASE, 4);
    put_le(b, MADT_PCAT_COMPAT, 4);
    put8(b, MADT_LOCAL_APIC);       /* processor 0 (\_PR.CPU0), APIC ID 0, enabled */
    put8(b, 8);
    put8(b, 0);
    put8(b, 0);
    put_le(b, 1, 4);
    put8(b, MADT_IO_APIC);          /* ID 0, GSI base 0 */
    put8(b, 12);
    put8(b, 0);
    put8(b, 0);
    put_le(b, ACPI_IO_APIC_BASE, 4);
    put_le(b, 0, 4);
    madt_source_override(b, 0, 2, 0);   /* the PIT's IRQ 0 is on pin 2 */
    madt_source_override(b, cfg->sci_irq, cfg->sci_irq, MPS_ACTIVE_HIGH | MPS_LEVEL);
    put8(b, MADT_LOCAL_APIC_NMI);   /* every processor's LINT1, flags conform */
    put8(b, 6);
    put8(b, ACPI_ALL_PROCESSORS);
    put_le(b, 0, 2);
    put8(b, 1);
    table_end(b, start);
}

static void add_rsdt(struct buf *b, size_t fadt, size_t madt)
{
    size_t start = b->len;
    table_header(b, "RSDT", 1);
    put_le(b, fadt, 4);
    put_le(b, madt, 4);
    table_end(b, start);
}

static void build_rsdp(struct buf *b, size_t rsdt)
{
    put(b, "RSD PTR ", 8);
    put8(b, 0);                     /* checksum, fixed by the loader */
    put(b, OEM_ID, 6);
    put8(b, 0);                     /* revision 0: ACPI 1.0, RSDT only */
    put_le(b, rsdt, 4);
}

/* ------------------------------------------------------------------------
 * The linker/loader script */

static void loader_name(struct buf *b, const char *name)
{
    char field[LOADER_FILE_SIZE] = { 0 };
    strncpy(field, name, LOADER_FILE_SIZE - 1);
    put(b, field, LOADER_FILE_SIZE);
}

static void loader_allocate(struct buf *b, const char *file, uint32_t align, uint8_t zone)
{
    size_t start = b->len;
    put_le(b, LOADER_ALLOCATE, 4);
    loader_name(b, file);
    put_le(b, align, 4);
    put8(b, zone);
    put_zeros(b, LOADER_ENTRY_SIZE - (b->len - start));
}

static void loader_add_pointer(struct buf *b, const char *dest, const char *src, size_t offset,
                               uint8_t size)
{
    size_t start = b->len;
    put_le(b, LOADER_ADD_POINTER, 4);
    loader_name(b, dest);
    loader_name(b, src);
    put_le(b, offset, 4);
    put8(b, size);
    put_zeros(b, LOADER_ENTRY_SIZE - (b->len - start));
}

static void loader_add_checksum(struct buf *b, const char *file, size_t start_of_table,
                                size_t length)
{
    size_t start = b->len;
    put_le(b, LOADER_ADD_CHECKSUM, 4);
    loader_name(b, file);
    put_le(b, start_of_table + 9, 4);   /* the header's checksum byte */
    put_le(b, start_of_table, 4);
    put_le(b, length, 4);
    put_zeros(b, LOADER_ENTRY_SIZE - (b->len - start));
}

static uint32_t table_length(const struct buf *b, size_t at)
{
    if (b->oom)
        return 0;
    const uint8_t *p = b->data + at + 4;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void build_loader(struct buf *l, const struct buf *tables, const struct acpi_tables *t)
{
    loader_allocate(l, ACPI_FILE_RSDP, 16, LOADER_ZONE_FSEG);
    loader_allocate(l, ACPI_FILE_TABLES, 64, LOADER_ZONE_HIGH);
    loader_add_checksum(l, ACPI_FILE_TABLES, t->dsdt, table_length(tables, t->dsdt));
    loader_add_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, t->fadt + FADT_FIRMWARE_CTRL, 4);
    loader_add_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, t->fadt + FADT_DSDT, 4);
    loader_add_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, t->fadt + FADT_X_DSDT, 8);
    loader_add_checksum(l, ACPI_FILE_TABLES, t->fadt, table_length(tables, t->fadt));
    loader_add_checksum(l, ACPI_FILE_TABLES, t->madt, table_length(tables, t->madt));
    loader_add_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, t->rsdt + ACPI_HEADER_SIZE, 4);
    loader_add_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, t->rsdt + ACPI_HEADER_SIZE + 4, 4);
    loader_add_checksum(l, ACPI_FILE_TABLES, t->rsdt, table_length(tables, t->rsdt));
    loader_add_pointer(l, ACPI_FILE_RSDP, ACPI_FILE_TABLES, RSDP_RSDT, 4);
    size_t start = l->len;
    put_le(l, LOADER_ADD_CHECKSUM, 4);
    loader_name(l, ACPI_FILE_RSDP);
    put_le(l, 8, 4);                /* the RSDP checksum byte */
    put_le(l, 0, 4);
    put_le(l, RSDP_SIZE, 4);
    put_zeros(l, LOADER_ENTRY_SIZE - (l->len - start));
}

/* ------------------------------------------------------------------------ */

static struct acpi_blob blob_of(struct buf *b)
{
    return (struct acpi_blob){ .data = b->data, .len = b->len };
}

int acpi_build(const struct acpi_config *cfg, struct acpi_tables *out)
{
    struct buf tables = { 0 }, rsdp = { 0 }, loader = { 0 };
    memset(out, 0, sizeof *out);
    out->facs = tables.len;
    add_facs(&tables);
    out->dsdt = tables.len;
    add_dsdt(&tables, cfg);
    align_to(&tables, 4);
    out->fadt = tables.len;
    add_fadt(&tables, cfg, out->facs, out->dsdt);
    out->madt = tables.len;
    add_madt(&tables, cfg);
    align_to(&tables, 4);
    out->rsdt = tables.len;
    add_rsdt(&tables, out->fadt, out->madt);
    build_rsdp(&rsdp, out->rsdt);
    build_loader(&loader, &tables, out);
    if (tables.oom || rsdp.oom || loader.oom) {
        buf_free(&tables);
        buf_free(&rsdp);
        buf_free(&loader);
        return -1;
    }
    out->tables = blob_of(&tables);
    out->rsdp = blob_of(&rsdp);
    out->loader = blob_of(&loader);
    return 0;
}

void acpi_tables_free(struct acpi_tables *t)
{
    free(t->tables.data);
    free(t->rsdp.data);
    free(t->loader.data);
    memset(t, 0, sizeof *t);
}
