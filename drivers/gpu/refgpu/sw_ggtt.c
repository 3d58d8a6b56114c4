// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPU's GGTT: 1 Mi 64-bit entries covering the 4 GiB graphics
 * address space, kept as a two-level table whose 4 KiB leaves are
 * allocated only where ranges are reserved. The pages behind the entries
 * belong to the clients; the GGTT only holds their physical addresses.
 *
 * Entries change without locks (one 64-bit exchange each), so a client can
 * update them from any context. The engines read them, and touch the pages
 * they point to, inside an SRCU read section per command:
 * sw_ggtt_flush() is the barrier after which a page that is no longer
 * mapped may be freed.
 */
#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "sw.h"

#ifdef CONFIG_HIGHMEM
#error "the software GPU reaches pages through the kernel's linear map"
#endif

#define SW_PAGES		VGPU_GGTT_ENTRIES
#define SW_LEAF_MASK		(SW_LEAF_ENTRIES - 1)
#define SW_GTT_PAGE		((u64)VGPU_GTT_PAGE_SIZE)

static u64 *sw_leaf(struct sw_ggtt *g, u64 idx)
{
	/* Pairs with the release in sw_ggtt_leaves(): a zeroed leaf. */
	return smp_load_acquire(&g->leaf[idx >> SW_LEAF_SHIFT]);
}

int sw_ggtt_init(struct sw_gpu *gpu)
{
	struct sw_ggtt *g = &gpu->ggtt;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != VGPU_GTT_PAGE_SIZE);
	BUILD_BUG_ON(SW_LEAF_ENTRIES * sizeof(u64) != PAGE_SIZE);
	BUILD_BUG_ON(SW_LEAF_ENTRIES != 1 << SW_LEAF_SHIFT);

	g->leaf = kcalloc(SW_LEAVES, sizeof(*g->leaf), GFP_KERNEL);
	g->used = kvcalloc(BITS_TO_LONGS(SW_PAGES), sizeof(unsigned long),
			   GFP_KERNEL);
	if (!g->leaf || !g->used) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = init_srcu_struct(&g->srcu);
	if (ret)
		goto err_free;
	mutex_init(&g->lock);
	INIT_LIST_HEAD(&g->ranges);
	atomic64_set(&g->present, 0);
	return 0;

err_free:
	kvfree(g->used);
	kfree(g->leaf);
	return ret;
}

void sw_ggtt_fini(struct sw_gpu *gpu)
{
	struct sw_ggtt *g = &gpu->ggtt;
	struct sw_range *r, *tmp;
	unsigned int i;

	/* Clients release their ranges in remove(); anything left is a bug. */
	list_for_each_entry_safe(r, tmp, &g->ranges, node) {
		dev_err(gpu->base.dev, "range [%#llx, %#llx) still reserved\n",
			r->base.start, r->base.start + r->base.size);
		list_del(&r->node);
		kfree(r);
	}
	for (i = 0; i < SW_LEAVES; i++)
		if (g->leaf[i])
			free_page((unsigned long)g->leaf[i]);
	cleanup_srcu_struct(&g->srcu);
	kvfree(g->used);
	kfree(g->leaf);
}

void *sw_ggtt_lookup(struct sw_gpu *gpu, u64 page_addr)
{
	u64 idx = page_addr >> VGPU_GTT_PAGE_SHIFT;
	u64 *leaf, pte;

	if (idx >= SW_PAGES)
		return NULL;
	leaf = sw_leaf(&gpu->ggtt, idx);
	if (!leaf)
		return NULL;
	pte = READ_ONCE(leaf[idx & SW_LEAF_MASK]);
	if (!(pte & VGPU_GGTT_PTE_PRESENT))
		return NULL;
	return page_address(pfn_to_page(PHYS_PFN(pte & SW_PTE_ADDR_MASK)));
}

/* Allocate the leaves covering pages [first, first + n). */
static int sw_ggtt_leaves(struct sw_ggtt *g, u64 first, u64 n)
{
	u64 l, last = (first + n - 1) >> SW_LEAF_SHIFT;
	u64 *leaf;

	lockdep_assert_held(&g->lock);
	for (l = first >> SW_LEAF_SHIFT; l <= last; l++) {
		if (g->leaf[l])
			continue;
		leaf = (u64 *)get_zeroed_page(GFP_KERNEL);
		if (!leaf)
			return -ENOMEM;
		/* Publish it zeroed; pairs with the acquire in sw_leaf(). */
		smp_store_release(&g->leaf[l], leaf);
		g->leaves++;
	}
	return 0;
}

struct refgpu_range *sw_range_reserve(struct refgpu *rgpu, u64 start,
				      u64 size, u64 align, u32 flags)
{
	struct sw_gpu *gpu = to_sw_gpu(rgpu);
	struct sw_ggtt *g = &gpu->ggtt;
	unsigned long first, n;
	struct sw_range *r;
	int ret;

	if (!align)
		align = SW_GTT_PAGE;
	if (!size || (size & (SW_GTT_PAGE - 1)) || size > rgpu->gfx_size ||
	    (flags & ~REFGPU_RANGE_FIXED) || !is_power_of_2(align) ||
	    align < SW_GTT_PAGE || align > rgpu->gfx_size)
		return ERR_PTR(-EINVAL);
	if ((flags & REFGPU_RANGE_FIXED) &&
	    ((start & (align - 1)) || start > rgpu->gfx_size - size))
		return ERR_PTR(-EINVAL);

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	n = size >> VGPU_GTT_PAGE_SHIFT;

	mutex_lock(&g->lock);
	if (flags & REFGPU_RANGE_FIXED) {
		first = start >> VGPU_GTT_PAGE_SHIFT;
		ret = -EBUSY;
		if (find_next_bit(g->used, first + n, first) < first + n)
			goto err_unlock;
	} else {
		first = bitmap_find_next_zero_area(g->used, SW_PAGES, 0, n,
						   (align >> VGPU_GTT_PAGE_SHIFT) -
						   1);
		ret = -ENOSPC;
		if (first >= SW_PAGES)
			goto err_unlock;
	}
	ret = sw_ggtt_leaves(g, first, n);
	if (ret)
		goto err_unlock;
	bitmap_set(g->used, first, n);
	list_add_tail(&r->node, &g->ranges);
	g->nr_ranges++;
	mutex_unlock(&g->lock);

	r->base.gpu = rgpu;
	r->base.start = (u64)first << VGPU_GTT_PAGE_SHIFT;
	r->base.size = size;
	return &r->base;

err_unlock:
	mutex_unlock(&g->lock);
	kfree(r);
	return ERR_PTR(ret);
}

/* Replace entry @idx, keeping the count of present entries. */
static void sw_pte_write(struct sw_ggtt *g, u64 idx, u64 pte)
{
	u64 old = xchg(&sw_leaf(g, idx)[idx & SW_LEAF_MASK], pte);

	if ((old ^ pte) & VGPU_GGTT_PTE_PRESENT)
		atomic64_add(pte & VGPU_GGTT_PTE_PRESENT ? 1 : -1, &g->present);
}

/* Is [addr, addr + size) page aligned and inside @range? */
static bool sw_range_covers(const struct refgpu_range *range, u64 addr,
			    u64 size)
{
	return !(addr & (SW_GTT_PAGE - 1)) && !(size & (SW_GTT_PAGE - 1)) &&
	       size && addr >= range->start &&
	       addr - range->start < range->size &&
	       size <= range->size - (addr - range->start);
}

int sw_pte_clear(struct refgpu_range *range, u64 addr, u64 size)
{
	struct sw_ggtt *g = &to_sw_gpu(range->gpu)->ggtt;
	u64 idx, end;

	if (!sw_range_covers(range, addr, size))
		return -EINVAL;
	end = (addr + size) >> VGPU_GTT_PAGE_SHIFT;
	for (idx = addr >> VGPU_GTT_PAGE_SHIFT; idx < end; idx++)
		sw_pte_write(g, idx, 0);
	return 0;
}

void sw_range_release(struct refgpu_range *range)
{
	struct sw_range *r = container_of(range, struct sw_range, base);
	struct sw_ggtt *g = &to_sw_gpu(range->gpu)->ggtt;

	sw_pte_clear(range, range->start, range->size);
	synchronize_srcu_expedited(&g->srcu);
	mutex_lock(&g->lock);
	bitmap_clear(g->used, range->start >> VGPU_GTT_PAGE_SHIFT,
		     range->size >> VGPU_GTT_PAGE_SHIFT);
	list_del(&r->node);
	g->nr_ranges--;
	mutex_unlock(&g->lock);
	kfree(r);
}

int sw_pte_set_page(struct refgpu_range *range, u64 addr, struct page *page)
{
	struct sw_ggtt *g = &to_sw_gpu(range->gpu)->ggtt;

	if (!page || !sw_range_covers(range, addr, SW_GTT_PAGE))
		return -EINVAL;
	sw_pte_write(g, addr >> VGPU_GTT_PAGE_SHIFT,
		     page_to_phys(page) | VGPU_GGTT_PTE_PRESENT);
	return 0;
}

/*
 * The software GPU does no address translation of its own: a bus address
 * from the DMA API on its device is the page's physical address. Only RAM
 * the kernel maps can be used (no bounce buffers, no device memory).
 */
int sw_pte_set_dma(struct refgpu_range *range, u64 addr, dma_addr_t dma)
{
	struct sw_ggtt *g = &to_sw_gpu(range->gpu)->ggtt;

	if ((dma & (SW_GTT_PAGE - 1)) || !pfn_valid(PHYS_PFN(dma)) ||
	    !sw_range_covers(range, addr, SW_GTT_PAGE))
		return -EINVAL;
	sw_pte_write(g, addr >> VGPU_GTT_PAGE_SHIFT,
		     (u64)dma | VGPU_GGTT_PTE_PRESENT);
	return 0;
}

u64 sw_pte_read(struct refgpu *rgpu, u64 addr)
{
	u64 idx = addr >> VGPU_GTT_PAGE_SHIFT;
	u64 *leaf;

	if (idx >= SW_PAGES)
		return 0;
	leaf = sw_leaf(&to_sw_gpu(rgpu)->ggtt, idx);
	return leaf ? READ_ONCE(leaf[idx & SW_LEAF_MASK]) : 0;
}

void sw_ggtt_flush(struct refgpu *rgpu)
{
	synchronize_srcu_expedited(&to_sw_gpu(rgpu)->ggtt.srcu);
}
