/* Page walk and TLB maintenance; see paging.h and tlb.h. */
#include "paging.h"

#include <string.h>

#include "tlb.h"

#define PTE_P   0x001u
#define PTE_W   0x002u
#define PTE_U   0x004u
#define PTE_A   0x020u
#define PTE_D   0x040u
#define PTE_PS  0x080u
#define PTE_G   0x100u

static uint32_t fault_code(int present, unsigned access)
{
    return WALK_FAULT | (present ? PF_PRESENT : 0) | (access & (PF_WRITE | PF_USER));
}

/* Permission of the combined PDE/PTE rights (SDM vol. 3 4.6). */
static int access_allowed(uint32_t rights, unsigned access, int wp)
{
    int user = (access & ACC_USER) != 0, write = (access & ACC_WRITE) != 0;
    if (user && !(rights & PTE_U))
        return 0;
    if (write && !(rights & PTE_W) && (user || wp))
        return 0;
    return 1;
}

static void set_bits(struct phys_mem *mem, uint32_t addr, uint32_t entry, uint32_t bits)
{
    if ((entry & bits) != bits)
        phys_write(mem, addr, entry | bits, 4);
}

uint32_t page_walk(struct phys_mem *mem, const struct paging_ctx *ctx,
                   uint32_t lin, unsigned access, struct walk_result *out)
{
    int write = (access & ACC_WRITE) != 0;
    uint32_t pde_addr = ((ctx->cr3 & 0xFFFFF000u) | ((lin >> 22) << 2)) & mem->a20_mask;
    uint32_t pde = phys_read(mem, pde_addr, 4);
    if (!(pde & PTE_P))
        return fault_code(0, access);

    if ((pde & PTE_PS) && ctx->pse) {
        if (!access_allowed(pde, access, ctx->wp))
            return fault_code(1, access);
        set_bits(mem, pde_addr, pde, PTE_A | (write ? PTE_D : 0));
        out->phys_page = ((pde & 0xFFC00000u) | (lin & 0x003FF000u)) & mem->a20_mask;
        out->dirty = write || (pde & PTE_D);
        out->global = ctx->pge && (pde & PTE_G);
        out->user = (pde & PTE_U) != 0;
        out->writable = access_allowed(pde, (access & ACC_USER) | ACC_WRITE, ctx->wp);
        return 0;
    }

    uint32_t pte_addr = ((pde & 0xFFFFF000u) | ((lin >> 10) & 0xFFCu)) & mem->a20_mask;
    uint32_t pte = phys_read(mem, pte_addr, 4);
    if (!(pte & PTE_P))
        return fault_code(0, access);
    uint32_t rights = pde & pte & (PTE_U | PTE_W);
    if (!access_allowed(rights, access, ctx->wp))
        return fault_code(1, access);
    set_bits(mem, pde_addr, pde, PTE_A);
    set_bits(mem, pte_addr, pte, PTE_A | (write ? PTE_D : 0));
    out->phys_page = (pte & 0xFFFFF000u) & mem->a20_mask;
    out->dirty = write || (pte & PTE_D);
    out->global = ctx->pge && (pte & PTE_G);
    out->user = (rights & PTE_U) != 0;
    out->writable = access_allowed(rights, (access & ACC_USER) | ACC_WRITE, ctx->wp);
    return 0;
}

static void invalidate(struct tlb_entry *e)
{
    e->tag_r = e->tag_w = e->tag_x = TLB_INVALID;
    e->host = NULL;
    e->global = 0;
}

void tlb_flush_all(struct tlb *t)
{
    t->epoch++;
    for (int v = 0; v < TLB_VIEWS; v++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            invalidate(&t->e[v][k]);
}

void tlb_flush_nonglobal(struct tlb *t)
{
    t->epoch++;
    for (int v = 0; v < TLB_VIEWS; v++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            if (!t->e[v][k].global)
                invalidate(&t->e[v][k]);
}

void tlb_flush_page(struct tlb *t, uint32_t lin)
{
    t->epoch++;
    /* Direct-mapped: the page can only live in this slot of each view. */
    for (int v = 0; v < TLB_VIEWS; v++)
        invalidate(tlb_entry_for(t, v, lin));
}

void tlb_protect_code_page(struct tlb *t, uint32_t phys_page)
{
    for (int v = 0; v < TLB_VIEWS; v++)
        for (unsigned k = 0; k < TLB_SIZE; k++) {
            struct tlb_entry *e = &t->e[v][k];
            if (e->phys == phys_page && !(e->tag_w & TLB_INVALID))
                e->tag_w |= TLB_SLOW;
        }
}
