// SPDX-License-Identifier: GPL-2.0
/*
 * GGTT shadowing. The guest programs GGTT entries through BAR0; only the
 * entries of its slice are accepted. An accepted present entry pins the
 * guest page with vfio_pin_pages() and maps it in the physical GGTT;
 * replacing or clearing the entry unmaps it and unpins the old page once a
 * GGTT flush guarantees no engine still uses it (unpins are batched behind
 * one flush, done at the latest VGPU_GTT_FLUSH_DELAY_MS after the first by
 * a work item). dma_unmap, reset and close clear every entry concerned
 * first, flush once, then unpin. Everything here runs under vgpu->lock.
 * Every change of an entry's value is recorded in a dirty bitmap, so that
 * migration pre-copy resends only the entries changed since it sent them.
 */
#include <linux/bitmap.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include <vgpu/migration_stream.h>

#include "vgpu_drv.h"
#include "vgpu_trace.h"

#define VGPU_GTT_PAGE		((u64)VGPU_GTT_PAGE_SIZE)

static void vgpu_gtt_flush_work(struct work_struct *work)
{
	struct vgpu_gtt *gtt = container_of(to_delayed_work(work),
					    struct vgpu_gtt, flush_work);
	struct vgpu *vgpu = container_of(gtt, struct vgpu, gtt);

	mutex_lock(&vgpu->lock);
	vgpu_gtt_flush_deferred(vgpu);
	mutex_unlock(&vgpu->lock);
}

int vgpu_gtt_init(struct vgpu *vgpu)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;

	INIT_DELAYED_WORK(&gtt->flush_work, vgpu_gtt_flush_work);
	gtt->nr_entries = vgpu_slice_size(vgpu) >> VGPU_GTT_PAGE_SHIFT;
	gtt->entries = kvcalloc(gtt->nr_entries, sizeof(*gtt->entries),
				GFP_KERNEL);
	gtt->deferred = kcalloc(VGPU_GTT_DEFERRED_MAX, sizeof(*gtt->deferred),
				GFP_KERNEL);
	gtt->mig_dirty = bitmap_zalloc(gtt->nr_entries, GFP_KERNEL);
	if (!gtt->entries || !gtt->deferred || !gtt->mig_dirty) {
		vgpu_gtt_fini(vgpu);
		return -ENOMEM;
	}
	gtt->nr_deferred = 0;
	gtt->nr_mig_dirty = 0;
	return 0;
}

/* The device is gone (release) or was never visible (init failed). */
void vgpu_gtt_fini(struct vgpu *vgpu)
{
	lockdep_assert_not_held(&vgpu->lock);
	cancel_delayed_work_sync(&vgpu->gtt.flush_work);
	kvfree(vgpu->gtt.entries);
	kfree(vgpu->gtt.deferred);
	bitmap_free(vgpu->gtt.mig_dirty);
	vgpu->gtt.entries = NULL;
	vgpu->gtt.deferred = NULL;
	vgpu->gtt.mig_dirty = NULL;
}

static u32 vgpu_gtt_first(const struct vgpu *vgpu)
{
	return vgpu_slice_start(vgpu) >> VGPU_GTT_PAGE_SHIFT;
}

/* Every change of an entry's value goes through here: pre-copy tracks it. */
static void vgpu_gtt_set(struct vgpu *vgpu, struct vgpu_gtt_entry *e, u64 pte)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;

	lockdep_assert_held(&vgpu->lock);
	if (e->pte != pte &&
	    !__test_and_set_bit(e - gtt->entries, gtt->mig_dirty))
		gtt->nr_mig_dirty++;
	e->pte = pte;
}

static dma_addr_t vgpu_pte_iova(u64 pte)
{
	return pte & VGPU_GGTT_PTE_ADDR_MASK;
}

static void vgpu_gtt_unpin(struct vgpu *vgpu, dma_addr_t iova)
{
	vfio_unpin_pages(&vgpu->vdev, iova, 1);
	vgpu->stats.pinned--;
	vgpu->stats.unpins++;
	trace_vgpu_unpin(vgpu, iova);
}

/**
 * vgpu_gtt_flush_deferred() - unpin the deferred pages
 * @vgpu: the vGPU
 *
 * Flushes the physical GGTT, then drops the pins whose entries were
 * replaced or cleared since the last flush.
 */
void vgpu_gtt_flush_deferred(struct vgpu *vgpu)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;
	u32 i;

	lockdep_assert_held(&vgpu->lock);
	if (!gtt->nr_deferred)
		return;
	refgpu_ggtt_flush(vgpu->gpu->rgpu);
	for (i = 0; i < gtt->nr_deferred; i++)
		vgpu_gtt_unpin(vgpu, gtt->deferred[i]);
	gtt->nr_deferred = 0;
}

/* @e's physical entry no longer maps its page: unpin it after a flush. */
static void vgpu_gtt_defer_unpin(struct vgpu *vgpu, struct vgpu_gtt_entry *e)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;

	if (!e->page)
		return;
	if (gtt->nr_deferred == VGPU_GTT_DEFERRED_MAX)
		vgpu_gtt_flush_deferred(vgpu);
	if (!gtt->nr_deferred)
		queue_delayed_work(vgpu_wq, &gtt->flush_work,
				   msecs_to_jiffies(VGPU_GTT_FLUSH_DELAY_MS));
	gtt->deferred[gtt->nr_deferred++] = vgpu_pte_iova(e->pte);
	e->page = NULL;
}

static u64 vgpu_gtt_read_pte(struct vgpu *vgpu, u32 index)
{
	u32 i = index - vgpu_gtt_first(vgpu);

	return i < vgpu->gtt.nr_entries ? vgpu->gtt.entries[i].pte : 0;
}

/* Refuse a write to entry @e: it reads back as zero and maps nothing. */
static void vgpu_gtt_refuse(struct vgpu *vgpu, struct vgpu_gtt_entry *e,
			    u64 gfx)
{
	vgpu->stats.gtt_refused++;
	if (e->page)
		refgpu_pte_clear(vgpu->gtt.range, gfx, VGPU_GTT_PAGE);
	vgpu_gtt_defer_unpin(vgpu, e);
	vgpu_gtt_set(vgpu, e, 0);
}

/*
 * The guest wrote GGTT entry @index (graphics address >> 12, any value);
 * @pte is untrusted.
 */
static void vgpu_gtt_write_pte(struct vgpu *vgpu, u32 index, u64 pte)
{
	u32 i = index - vgpu_gtt_first(vgpu);
	u64 gfx = (u64)index << VGPU_GTT_PAGE_SHIFT;
	struct vgpu_gtt_entry *e;
	struct page *page;
	int ret;

	if (i >= vgpu->gtt.nr_entries) {
		vgpu->stats.gtt_refused++;
		return;
	}
	e = &vgpu->gtt.entries[i];
	if ((pte & VGPU_GGTT_PTE_MBZ_MASK)) {
		vgpu_gtt_refuse(vgpu, e, gfx);
		return;
	}
	if (!(pte & VGPU_GGTT_PTE_PRESENT)) {
		if (e->page)
			refgpu_pte_clear(vgpu->gtt.range, gfx, VGPU_GTT_PAGE);
		vgpu_gtt_defer_unpin(vgpu, e);
		vgpu_gtt_set(vgpu, e, pte);
		return;
	}
	/* Same page again: only the ignored bits may change. */
	if (e->page && vgpu_pte_iova(e->pte) == vgpu_pte_iova(pte)) {
		vgpu_gtt_set(vgpu, e, pte);
		return;
	}

	ret = vfio_pin_pages(&vgpu->vdev, vgpu_pte_iova(pte), 1,
			     IOMMU_READ | IOMMU_WRITE, &page);
	if (ret != 1) {
		vgpu_gtt_refuse(vgpu, e, gfx);
		return;
	}
	vgpu->stats.pinned++;
	vgpu->stats.pins++;
	trace_vgpu_pin(vgpu, vgpu_pte_iova(pte));
	ret = refgpu_pte_set_page(vgpu->gtt.range, gfx, page);
	if (ret) {
		vgpu_gtt_unpin(vgpu, vgpu_pte_iova(pte));
		vgpu_gtt_refuse(vgpu, e, gfx);
		return;
	}
	/* The physical entry maps the new page now; retire the old one. */
	vgpu_gtt_defer_unpin(vgpu, e);
	vgpu_gtt_set(vgpu, e, pte);
	e->page = page;
}

/**
 * vgpu_gtt_window_read() - a read of the GGTT window of BAR0
 * @vgpu: the vGPU
 * @off: offset in the window, aligned to @size
 * @size: 4 (half an entry) or 8 bytes
 *
 * Return: the entry, or its half; entries outside the slice read zero.
 */
u64 vgpu_gtt_window_read(struct vgpu *vgpu, u32 off, u32 size)
{
	u64 pte = vgpu_gtt_read_pte(vgpu, off / VGPU_GGTT_PTE_SIZE);

	return size == 8 ? pte : (u32)(pte >> ((off & 4) * 8));
}

/**
 * vgpu_gtt_window_write() - a write to the GGTT window of BAR0
 * @vgpu: the vGPU
 * @off: offset in the window, aligned to @size
 * @size: 4 (half an entry, merged with the other half) or 8 bytes
 * @val: the value, untrusted
 *
 * A plane showing the page is told when the entry maps another page.
 */
void vgpu_gtt_window_write(struct vgpu *vgpu, u32 off, u32 size, u64 val)
{
	u32 index = off / VGPU_GGTT_PTE_SIZE, shift;
	u64 old = vgpu_gtt_read_pte(vgpu, index);

	if (size == 4) {
		shift = (off & 4) * 8;
		val = (old & ~((u64)U32_MAX << shift)) |
		      (val & U32_MAX) << shift;
	}
	vgpu_gtt_write_pte(vgpu, index, val);
	if ((old ^ vgpu_gtt_read_pte(vgpu, index)) &
	    (VGPU_GGTT_PTE_ADDR_MASK | VGPU_GGTT_PTE_PRESENT))
		vgpu_display_gtt_changed(vgpu, (u64)index << VGPU_GTT_PAGE_SHIFT);
}

/**
 * vgpu_gtt_lookup() - the guest page a graphics address maps
 * @vgpu: the vGPU
 * @gfx: a graphics address inside the slice
 * @iova: set to the guest address of the page
 *
 * Return: true when the entry is present and its page pinned.
 */
bool vgpu_gtt_lookup(const struct vgpu *vgpu, u64 gfx, dma_addr_t *iova)
{
	const struct vgpu_gtt_entry *e;

	e = &vgpu->gtt.entries[(gfx - vgpu_slice_start(vgpu)) >>
			       VGPU_GTT_PAGE_SHIFT];
	*iova = vgpu_pte_iova(e->pte);
	return e->page;
}

/*
 * Clear every entry mapping a page of [@iova, @iova + @length), or every
 * entry with @all: unmap them, flush the physical GGTT once, then unpin.
 * Deferred unpins go too.
 */
static void vgpu_gtt_clear_matching(struct vgpu *vgpu, u64 iova, u64 length,
				    bool all)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;
	u64 gfx = vgpu_slice_start(vgpu);
	struct vgpu_gtt_entry *e;
	dma_addr_t a;
	bool any = false;
	u32 i;

	if (all) {
		refgpu_pte_clear(gtt->range, gfx, vgpu_slice_size(vgpu));
		any = true;
	} else {
		for (i = 0; i < gtt->nr_entries; i++) {
			e = &gtt->entries[i];
			a = vgpu_pte_iova(e->pte);
			if (!e->page || a < iova || a - iova >= length)
				continue;
			refgpu_pte_clear(gtt->range,
					 gfx + ((u64)i << VGPU_GTT_PAGE_SHIFT),
					 VGPU_GTT_PAGE);
			any = true;
		}
	}
	if (!any) {
		vgpu_gtt_flush_deferred(vgpu);
		return;
	}
	refgpu_ggtt_flush(vgpu->gpu->rgpu);
	for (i = 0; i < gtt->nr_deferred; i++)
		vgpu_gtt_unpin(vgpu, gtt->deferred[i]);
	gtt->nr_deferred = 0;
	for (i = 0; i < gtt->nr_entries; i++) {
		e = &gtt->entries[i];
		a = vgpu_pte_iova(e->pte);
		if (all) {
			if (e->page)
				vgpu_gtt_unpin(vgpu, a);
		} else if (!e->page || a < iova || a - iova >= length) {
			continue;
		} else {
			vgpu_gtt_unpin(vgpu, a);
		}
		e->page = NULL;
		vgpu_gtt_set(vgpu, e, 0);
	}
}

/**
 * vgpu_gtt_unmap_iova() - the VFIO user unmapped guest memory
 * @vgpu: the vGPU
 * @iova: start of the range
 * @length: bytes
 *
 * Every entry mapping a page of the range is cleared and its pin dropped
 * before this returns, as the type1 IOMMU backend requires.
 */
void vgpu_gtt_unmap_iova(struct vgpu *vgpu, u64 iova, u64 length)
{
	if (!vgpu->gtt.entries || !length)
		return;
	vgpu_gtt_clear_matching(vgpu, iova, length, false);
}

/**
 * vgpu_gtt_clear_all() - clear every entry and drop every pin
 * @vgpu: the vGPU (reset, close)
 */
void vgpu_gtt_clear_all(struct vgpu *vgpu)
{
	vgpu_gtt_clear_matching(vgpu, 0, 0, true);
}

bool vgpu_gtt_range_ok(const struct vgpu *vgpu, u64 addr, u64 len)
{
	u64 start = vgpu_slice_start(vgpu), size = vgpu_slice_size(vgpu);

	return len && addr >= start && addr - start < size &&
	       len <= size - (addr - start);
}

/**
 * vgpu_gtt_copy() - copy to or from guest graphics memory
 * @vgpu: the vGPU
 * @gfx_addr: graphics address
 * @buf: kernel buffer
 * @len: bytes
 * @write: copy @buf to graphics memory
 *
 * Goes through the vGPU's own GGTT entries and pinned pages, so it sees
 * exactly what the guest mapped, and only inside the slice.
 *
 * Return: 0, -ERANGE outside the slice, -EFAULT for an unmapped page.
 */
int vgpu_gtt_copy(struct vgpu *vgpu, u64 gfx_addr, void *buf, u32 len,
		  bool write)
{
	u64 first = vgpu_slice_start(vgpu);
	struct vgpu_gtt_entry *e;
	u32 off, n;
	void *va;

	if (!vgpu_gtt_range_ok(vgpu, gfx_addr, len))
		return -ERANGE;
	while (len) {
		e = &vgpu->gtt.entries[(gfx_addr - first) >> VGPU_GTT_PAGE_SHIFT];
		off = gfx_addr & (VGPU_GTT_PAGE - 1);
		n = min_t(u32, len, VGPU_GTT_PAGE - off);
		if (!e->page)
			return -EFAULT;
		va = kmap_local_page(e->page);
		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		buf += n;
		gfx_addr += n;
		len -= n;
	}
	return 0;
}

/* cmdparser_read_fn: batch buffers are copied from guest memory. */
int vgpu_gtt_read_cb(void *priv, u64 gfx_addr, void *dst, u32 len)
{
	return vgpu_gtt_copy(priv, gfx_addr, dst, len, false);
}

u32 vgpu_gtt_mig_size(const struct vgpu *vgpu)
{
	return VGPU_MIG_GGTT_BASE_HEAD +
	       vgpu->gtt.nr_entries * VGPU_MIG_GGTT_ENTRY;
}

/* The entries a save writes: those that are not zero. */
static u32 vgpu_gtt_nr_set(const struct vgpu_gtt *gtt)
{
	u32 i, n = 0;

	for (i = 0; i < gtt->nr_entries; i++)
		n += !!gtt->entries[i].pte;
	return n;
}

/**
 * vgpu_gtt_mig_estimate() - the GGTT section's payload if saved now
 * @vgpu: the vGPU
 *
 * What vgpu_gtt_mig_save() would write at this moment: the slice and the
 * entries set. The guest may change them until the device stops.
 */
u32 vgpu_gtt_mig_estimate(const struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return VGPU_MIG_GGTT_BASE_HEAD +
	       vgpu_gtt_nr_set(&vgpu->gtt) * VGPU_MIG_GGTT_ENTRY;
}

/* What a stream carries now is what the guest wrote: nothing is dirty. */
static void vgpu_gtt_mig_clean(struct vgpu *vgpu)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;

	bitmap_zero(gtt->mig_dirty, gtt->nr_entries);
	gtt->nr_mig_dirty = 0;
}

/**
 * vgpu_gtt_mig_save() - the GGTT section
 * @vgpu: the vGPU
 * @w: the stream
 *
 * The slice (start, size), then the entry table (migration_stream.h):
 * every entry that is not zero as the guest wrote it, an index into the
 * slice and the entry, whose address is a guest IOVA. Host pages are not
 * in it: the destination pins its own. Pre-copy saves it while the guest
 * runs; from then on only changed entries are sent (GGTT_DELTA).
 */
void vgpu_gtt_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	const struct vgpu_gtt *gtt = &vgpu->gtt;
	u32 i, n;

	lockdep_assert_held(&vgpu->lock);
	n = vgpu_gtt_nr_set(gtt);
	vgpu_mig_put_u64(w, vgpu_slice_start(vgpu));
	vgpu_mig_put_u64(w, vgpu_slice_size(vgpu));
	vgpu_mig_put_u32(w, n);
	for (i = 0; i < gtt->nr_entries; i++) {
		if (!gtt->entries[i].pte)
			continue;
		vgpu_mig_put_u32(w, i);
		vgpu_mig_put_u64(w, gtt->entries[i].pte);
	}
	vgpu_gtt_mig_clean(vgpu);
}

u32 vgpu_gtt_delta_mig_size(const struct vgpu *vgpu)
{
	return VGPU_MIG_GGTT_DELTA_HEAD +
	       vgpu->gtt.nr_entries * VGPU_MIG_GGTT_ENTRY;
}

/* The GGTT_DELTA section's payload if saved now. */
u32 vgpu_gtt_delta_mig_estimate(const struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return VGPU_MIG_GGTT_DELTA_HEAD +
	       vgpu->gtt.nr_mig_dirty * VGPU_MIG_GGTT_ENTRY;
}

/* Did an entry change since a stream carried it? */
bool vgpu_gtt_mig_changed(const struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return vgpu->gtt.nr_mig_dirty;
}

/**
 * vgpu_gtt_delta_mig_save() - the GGTT_DELTA section
 * @vgpu: the vGPU
 * @w: the stream
 *
 * The entry table of the entries whose value changed since a stream
 * carried them, each with its value now (zero: cleared).
 */
void vgpu_gtt_delta_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	const struct vgpu_gtt *gtt = &vgpu->gtt;
	unsigned int i;

	lockdep_assert_held(&vgpu->lock);
	vgpu_mig_put_u32(w, gtt->nr_mig_dirty);
	for_each_set_bit(i, gtt->mig_dirty, gtt->nr_entries) {
		vgpu_mig_put_u32(w, i);
		vgpu_mig_put_u64(w, gtt->entries[i].pte);
	}
	vgpu_gtt_mig_clean(vgpu);
}

/**
 * vgpu_gtt_mig_load() - take the GGTT the stream's GGTT sections make
 * @vgpu: the vGPU, just reset (no entry set, nothing pinned)
 * @g: the GGTT base with its deltas applied (migration_stream.c checked
 *	the slice's size and that every index is inside it); untrusted
 *
 * Where the source's slice starts elsewhere on this GPU the vGPU moves to
 * the same graphics addresses (the guest's commands hold them) or the
 * stream is refused. Each entry is written as the guest writes one,
 * pinning its page; one the guest could not have written (bad bits, an
 * IOVA not mapped here) refuses the stream.
 *
 * Return: 0, -EINVAL, or the error of moving the slice (-EBUSY: the
 * addresses are in use here).
 */
int vgpu_gtt_mig_load(struct vgpu *vgpu, const struct vgpu_mig_ggtt *g)
{
	struct vgpu_gtt *gtt = &vgpu->gtt;
	u32 i;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	if (g->size != vgpu_slice_size(vgpu) || g->nr != gtt->nr_entries)
		return -EINVAL;
	if (g->start != vgpu_slice_start(vgpu)) {
		ret = vgpu_slice_move(vgpu, g->start);
		if (ret)
			return ret;
	}
	for (i = 0; i < g->nr; i++) {
		if (!g->pte[i])
			continue;
		vgpu_gtt_write_pte(vgpu, vgpu_gtt_first(vgpu) + i, g->pte[i]);
		if (gtt->entries[i].pte != g->pte[i])
			return -EINVAL;
	}
	return 0;
}
