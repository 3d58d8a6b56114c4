/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_guest.h - a minimal guest driver for the vGPU tests: creates a vGPU
 * (an mdev of vgpu.ko), opens it through the VFIO harness, maps "guest
 * memory" into the start of its graphics memory slice through the GGTT,
 * and drives its rings the way a guest kernel driver would (commands in
 * guest memory, a RING_TAIL write to submit, RING_HEAD and the status page
 * to wait). Header-only: every vgpu_*.c test includes it.
 */
#ifndef VGPU_GUEST_H
#define VGPU_GUEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/vgpu_if.h>

#include "igt_core.h"
#include "mdev_sysfs.h"
#include "vfio_harness.h"

typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;

#define LO(a)		((u32)(a))
#define HI(a)		((u32)((u64)(a) >> 32))
#define RENDER		VGPU_ENGINE_RENDER
#define COPY		VGPU_ENGINE_COPY
#define BAR0		VFIO_PCI_BAR0_REGION_INDEX
#define RGBA		(VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB)
#define PAGE		4096ULL

/* Guest memory every test maps at the start of its slice. */
#define VG_MEM_IOVA	0x40000000ULL
#define VG_MEM_SIZE	(8ULL << 20)
#define VG_RING_SIZE	0x4000

/**
 * struct vg_ring - one engine's ring as the guest sees it
 * @gfx: graphics address of the ring
 * @size: bytes
 * @hws: graphics address of the status page
 * @tail: where the next command goes
 */
struct vg_ring {
	u64 gfx;
	u32 size;
	u64 hws;
	u32 tail;
};

/**
 * struct vg - one vGPU driven by a test
 * @uuid: the mdev
 * @parent: its parent device
 * @type: its type directory name
 * @dev: the VFIO device
 * @mem: guest memory, mapped at @slice_base onwards
 * @mem_size: bytes of guest memory vg_open() allocates (0: VG_MEM_SIZE)
 * @mapped: bytes of @mem mapped through the GGTT
 * @slice_base: first graphics address of the slice (PV info page)
 * @slice_size: bytes in the slice
 * @next: bump allocator over the mapped part of the slice
 * @irq_fd: MSI eventfd, -1 when not enabled
 * @ring: per engine
 */
struct vg {
	char uuid[MDEV_UUID_STRLEN];
	char parent[64];
	char type[64];
	struct vfio_dev dev;
	struct vfio_guest_mem mem;
	u64 mem_size;
	u64 mapped;
	u64 slice_base;
	u64 slice_size;
	u64 next;
	int irq_fd;
	struct vg_ring ring[VGPU_ENGINE_COUNT];
};

static inline double vg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The first mdev parent (in name order) with the type "@driver-@suffix".
 * The mdev core names a type after its parent's driver ("refgpu-small",
 * "mtty-2"); the parent is named after its device, a PCI address for the
 * reference GPU.
 */
static inline int vg_find_type_of(const char *driver, const char *suffix,
				  char *parent, size_t plen, char *type,
				  size_t tlen)
{
	char **parents = NULL, **types = NULL;
	char name[64];
	int np, nt, i, j, ret = -ENOENT;

	snprintf(name, sizeof(name), "%s-%s", driver, suffix);
	np = mdev_list_parents(&parents);
	for (i = 0; i < np && ret; i++) {
		nt = mdev_list_types(parents[i], &types);
		for (j = 0; j < nt; j++) {
			if (!strcmp(name, types[j])) {
				snprintf(parent, plen, "%s", parents[i]);
				snprintf(type, tlen, "%s", types[j]);
				ret = 0;
				break;
			}
		}
		mdev_list_free(types, nt > 0 ? nt : 0);
	}
	mdev_list_free(parents, np > 0 ? np : 0);
	return ret;
}

/* The first reference GPU with vGPU type @suffix ("small", ...). */
static inline int vg_find_type(const char *suffix, char *parent, size_t plen,
			       char *type, size_t tlen)
{
	return vg_find_type_of("refgpu", suffix, parent, plen, type, tlen);
}

static inline u32 vg_rd(struct vg *g, u64 off)
{
	u32 v = 0;

	igt_assert_eq(vfio_region_read32(&g->dev, BAR0, off, &v), 0);
	return v;
}

static inline void vg_wr(struct vg *g, u64 off, u32 v)
{
	igt_assert_eq(vfio_region_write32(&g->dev, BAR0, off, v), 0);
}

static inline void vg_pte(struct vg *g, u64 gfx, u64 pte)
{
	igt_assert_eq(vfio_region_write64(&g->dev, BAR0, VGPU_GGTT_OFFSET +
					  (gfx >> 12) * 8, pte), 0);
}

static inline u64 vg_pte_read(struct vg *g, u64 gfx)
{
	u64 v = 0;

	igt_assert_eq(vfio_region_read64(&g->dev, BAR0, VGPU_GGTT_OFFSET +
					 (gfx >> 12) * 8, &v), 0);
	return v;
}

/* A u64 attribute of the vGPU's sysfs directory (vgpu/<name>). */
static inline unsigned long long vg_stat(struct vg *g, const char *name)
{
	char attr[64], buf[128];

	snprintf(attr, sizeof(attr), "vgpu/%s", name);
	igt_assert_lt(0, mdev_attr_read(g->uuid, attr, buf, sizeof(buf)));
	return strtoull(buf, NULL, 0);
}

/*
 * Replaced or cleared GGTT entries' pages are unpinned behind a GGTT flush
 * vgpu.ko does within 10 ms (VGPU_GTT_FLUSH_DELAY_MS); a loaded test VM
 * may run its work item much later.
 */
#define VG_PIN_SETTLE_S		5.0

/* Poll a vgpu/ attribute until it reads @want; false on timeout. */
static inline bool vg_wait_stat(struct vg *g, const char *name,
				unsigned long long want, double secs)
{
	double end = vg_now() + secs;

	do {
		if (vg_stat(g, name) == want)
			return true;
		usleep(2000);
	} while (vg_now() < end);
	return vg_stat(g, name) == want;
}

static inline void vg_set(struct vg *g, const char *name, unsigned int v)
{
	char attr[64], buf[32];

	snprintf(attr, sizeof(attr), "vgpu/%s", name);
	snprintf(buf, sizeof(buf), "%u", v);
	igt_assert_eq(mdev_attr_write(g->uuid, attr, buf), 0);
}

/* Create a vGPU of type @suffix; returns -errno instead of failing. */
static inline int vg_create(struct vg *g, const char *suffix)
{
	int ret;

	memset(g, 0, sizeof(*g));
	vfio_dev_init(&g->dev);
	g->irq_fd = -1;
	ret = vg_find_type(suffix, g->parent, sizeof(g->parent), g->type,
			   sizeof(g->type));
	if (ret)
		return ret;
	igt_assert_eq(mdev_uuid_generate(g->uuid), 0);
	return mdev_create(g->parent, g->type, g->uuid);
}

/* Map @size bytes of guest memory at graphics address @gfx. */
static inline void vg_map(struct vg *g, u64 gfx, u64 iova, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += PAGE)
		vg_pte(g, gfx + off, (iova + off) | VGPU_GGTT_PTE_PRESENT);
}

/* Open the vGPU, read its slice and map guest memory into it. */
static inline void vg_open(struct vg *g)
{
	igt_assert_eq(vfio_dev_open_mdev(&g->dev, g->uuid), 0);
	igt_assert_eq_u32(vg_rd(g, VGPU_PV_MAGIC_LO), LO(VGPU_PV_MAGIC));
	g->slice_base = vg_rd(g, VGPU_PV_GM_BASE_LO(0)) |
			(u64)vg_rd(g, VGPU_PV_GM_BASE_HI(0)) << 32;
	g->slice_size = vg_rd(g, VGPU_PV_GM_SIZE_LO(0)) |
			(u64)vg_rd(g, VGPU_PV_GM_SIZE_HI(0)) << 32;
	igt_assert(g->slice_size >= PAGE);
	if (!g->mem_size)
		g->mem_size = VG_MEM_SIZE;
	igt_assert_eq(vfio_guest_mem_alloc(&g->dev, &g->mem, VG_MEM_IOVA,
					   g->mem_size), 0);
	g->mapped = g->slice_size < g->mem_size ? g->slice_size : g->mem_size;
	vg_map(g, g->slice_base, VG_MEM_IOVA, g->mapped);
	g->next = g->slice_base;
}

static inline void vg_close(struct vg *g)
{
	if (g->irq_fd >= 0) {
		vfio_irq_disable(&g->dev, VFIO_PCI_MSI_IRQ_INDEX);
		close(g->irq_fd);
		g->irq_fd = -1;
	}
	vfio_dev_close(&g->dev);
	if (g->mem.vaddr)
		vfio_guest_mem_free(&g->dev, &g->mem);
}

static inline void vg_destroy(struct vg *g)
{
	vg_close(g);
	igt_assert_eq(mdev_remove(g->uuid), 0);
}

/* Create and open a vGPU of type @suffix. */
static inline void vg_start(struct vg *g, const char *suffix)
{
	int ret = vg_create(g, suffix);

	igt_require_f(ret != -ENOENT, "no vGPU type %s\n", suffix);
	igt_assert_eq(ret, 0);
	vg_open(g);
}

/* Memory in the mapped part of the slice, zeroed. */
static inline u64 vg_alloc(struct vg *g, u64 size)
{
	u64 gfx = g->next;

	size = (size + PAGE - 1) & ~(PAGE - 1);
	igt_assert(gfx + size <= g->slice_base + g->mapped);
	g->next += size;
	memset((u8 *)g->mem.vaddr + (gfx - g->slice_base), 0, size);
	return gfx;
}

/* The CPU's view of graphics address @gfx (guest memory). */
static inline void *vg_ptr(struct vg *g, u64 gfx)
{
	igt_assert(gfx >= g->slice_base && gfx < g->slice_base + g->mapped);
	return (u8 *)g->mem.vaddr + (gfx - g->slice_base);
}

static inline u32 vg_base(int e)
{
	return VGPU_RING_BASE(e);
}

/* Program engine @e's ring (guest memory) and status page. */
static inline void vg_ring_init(struct vg *g, int e)
{
	struct vg_ring *r = &g->ring[e];

	r->size = VG_RING_SIZE;
	r->gfx = vg_alloc(g, r->size);
	r->hws = vg_alloc(g, PAGE);
	r->tail = 0;
	vg_wr(g, VGPU_RING_CTL(vg_base(e)), 0);
	vg_wr(g, VGPU_RING_HEAD(vg_base(e)), 0);
	vg_wr(g, VGPU_RING_START(vg_base(e)), r->gfx);
	vg_wr(g, VGPU_RING_HWS_PGA(vg_base(e)), r->hws);
	vg_wr(g, VGPU_RING_CTL(vg_base(e)),
	      VGPU_RING_CTL_FROM_SIZE(r->size) | VGPU_RING_CTL_ENABLE);
}

static inline void vg_emit(struct vg *g, int e, const u32 *dw, u32 n)
{
	struct vg_ring *r = &g->ring[e];
	u32 *ring = vg_ptr(g, r->gfx);
	u32 i;

	for (i = 0; i < n; i++) {
		ring[r->tail / 4] = dw[i];
		r->tail = (r->tail + 4) % r->size;
	}
}

#define VG_EMIT(g, e, ...) do {						\
	const u32 vg_dw__[] = { __VA_ARGS__ };				\
	vg_emit(g, e, vg_dw__, sizeof(vg_dw__) / sizeof(u32));		\
} while (0)

/* Pad to a qword and write RING_TAIL. */
static inline void vg_submit(struct vg *g, int e)
{
	if (g->ring[e].tail & 7)
		VG_EMIT(g, e, VGPU_MI_NOOP);
	vg_wr(g, VGPU_RING_TAIL(vg_base(e)), g->ring[e].tail);
}

static inline u32 vg_error(struct vg *g, int e)
{
	return vg_rd(g, VGPU_PV_ENGINE_ERROR(e));
}

/*
 * Wait until RING_HEAD reaches the tail. Returns 0, -EIO when the engine
 * stopped in error, -ETIMEDOUT.
 */
static inline int vg_wait(struct vg *g, int e, double timeout_s)
{
	double end = vg_now() + timeout_s;

	for (;;) {
		if ((vg_rd(g, VGPU_RING_HEAD(vg_base(e))) &
		     VGPU_RING_HEAD_ADDR_MASK) == g->ring[e].tail)
			return 0;
		if (vg_error(g, e) & VGPU_ENGINE_ERROR_ACTIVE)
			return -EIO;
		if (vg_now() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
}

/*
 * vg_wait() sleeping on the MSI eventfd (vg_enable_msi()) instead of
 * polling, as a guest driver waits: each completion raises the engine's
 * user interrupt.
 */
static inline int vg_wait_irq(struct vg *g, int e, double timeout_s)
{
	double end = vg_now() + timeout_s;

	for (;;) {
		/* Clear first: a completion after this sends a new message. */
		vg_wr(g, VGPU_REG_GT_IIR(0), ~0U);
		if ((vg_rd(g, VGPU_RING_HEAD(vg_base(e))) &
		     VGPU_RING_HEAD_ADDR_MASK) == g->ring[e].tail)
			return 0;
		if (vg_error(g, e) & VGPU_ENGINE_ERROR_ACTIVE)
			return -EIO;
		if (vg_now() > end)
			return -ETIMEDOUT;
		vfio_eventfd_wait(g->irq_fd, 1000, NULL);
	}
}

static inline void vg_run(struct vg *g, int e)
{
	int ret;

	vg_submit(g, e);
	ret = vg_wait(g, e, 60);
	igt_assert_f(!ret, "engine %d: %d, error status %#x\n", e, ret,
		     vg_error(g, e));
}

/* Engine reset through GDRST, then re-enable the ring from offset 0. */
static inline void vg_reset_engine(struct vg *g, int e)
{
	vg_wr(g, VGPU_REG_GDRST, VGPU_GDRST_ENGINE(e));
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_GDRST) & VGPU_GDRST_ENGINE(e), 0);
	igt_assert_eq_u32(vg_error(g, e) & VGPU_ENGINE_ERROR_ACTIVE, 0);
	g->ring[e].tail = 0;
	vg_wr(g, VGPU_RING_CTL(vg_base(e)),
	      VGPU_RING_CTL_FROM_SIZE(g->ring[e].size) | VGPU_RING_CTL_ENABLE);
}

/* MSI with an eventfd, every GT interrupt enabled. */
static inline void vg_enable_msi(struct vg *g)
{
	int cap = vfio_config_find_cap(&g->dev, 0x05);
	__u16 flags;

	igt_assert_lt(0, cap);
	igt_assert_eq(vfio_config_read16(&g->dev, cap + 2, &flags), 0);
	igt_assert_eq(vfio_config_write16(&g->dev, cap + 2, flags | 1), 0);
	igt_assert_eq(vfio_irq_enable(&g->dev, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				      &g->irq_fd), 0);
	vg_wr(g, VGPU_REG_GT_IER(0), ~0U);
	vg_wr(g, VGPU_REG_GT_IMR(0), 0);
	vg_wr(g, VGPU_REG_MASTER_IRQ, VGPU_MASTER_IRQ_ENABLE);
}

static inline u32 vg_blt_dw1(u32 rop, u32 pitch)
{
	return VGPU_BLT_DEPTH_32 << VGPU_BLT_DEPTH_SHIFT |
	       rop << VGPU_BLT_ROP_SHIFT | pitch;
}

/*
 * Write at @p an XY_COLOR_BLT of a w x h rectangle at 32 bpp (for a ring
 * or a batch); returns its length in dwords.
 */
static inline u32 vg_encode_fill(u32 *p, u64 dst, u32 pitch, u32 w, u32 h,
				 u32 color)
{
	p[0] = VGPU_XY_COLOR_BLT | RGBA;
	p[1] = vg_blt_dw1(VGPU_BLT_ROP_PATCOPY, pitch);
	p[2] = VGPU_BLT_XY(0, 0);
	p[3] = VGPU_BLT_XY(w, h);
	p[4] = LO(dst);
	p[5] = HI(dst);
	p[6] = color;
	return VGPU_XY_COLOR_BLT_LEN;
}

/* XY_COLOR_BLT of a w x h rectangle at 32 bpp, in the ring. */
static inline void vg_fill(struct vg *g, int e, u64 dst, u32 pitch, u32 w,
			   u32 h, u32 color)
{
	u32 dw[VGPU_XY_COLOR_BLT_LEN];

	vg_emit(g, e, dw, vg_encode_fill(dw, dst, pitch, w, h, color));
}

/* XY_SRC_COPY_BLT of a w x h rectangle at 32 bpp. */
static inline void vg_copy(struct vg *g, int e, u64 dst, u64 src, u32 pitch,
			   u32 w, u32 h)
{
	VG_EMIT(g, e, VGPU_XY_SRC_COPY_BLT | RGBA,
		vg_blt_dw1(VGPU_BLT_ROP_SRCCOPY, pitch), VGPU_BLT_XY(0, 0),
		VGPU_BLT_XY(w, h), LO(dst), HI(dst), VGPU_BLT_XY(0, 0), pitch,
		LO(src), HI(src));
}

static inline void vg_store(struct vg *g, int e, u64 addr, u32 val)
{
	VG_EMIT(g, e, VGPU_MI_STORE_DWORD_GGTT, LO(addr), HI(addr), val);
}

/* Check @n dwords at @gfx are all @val. */
static inline void vg_check_fill(struct vg *g, u64 gfx, u32 n, u32 val)
{
	const u32 *p = vg_ptr(g, gfx);
	u32 i;

	for (i = 0; i < n; i++)
		igt_assert_f(p[i] == val, "dword %u at %#llx: %#x, want %#x\n",
			     i, (unsigned long long)gfx, p[i], val);
}

/* Saturating load: fills per submission, submissions kept queued. */
#define VG_LOAD_FILLS		8
#define VG_LOAD_IN_FLIGHT	24

/**
 * struct vg_loader - a vGPU kept busy on its copy engine
 * @g: the vGPU
 * @surf: the 1 MiB surface its fills write
 * @submitted: submissions so far
 */
struct vg_loader {
	struct vg g;
	u64 surf;
	u32 submitted;
};

static inline void vg_loader_start(struct vg_loader *l)
{
	vg_start(&l->g, "small");
	l->surf = vg_alloc(&l->g, 1 << 20);
	vg_ring_init(&l->g, COPY);
	l->submitted = 0;
}

/* Keep VG_LOAD_IN_FLIGHT submissions queued on @l's copy engine. */
static inline void vg_loader_top_up(struct vg_loader *l)
{
	u32 head = vg_rd(&l->g, VGPU_RING_HEAD(VGPU_COPY_RING_BASE)) &
		   VGPU_RING_HEAD_ADDR_MASK;
	u32 size = l->g.ring[COPY].size, tail = l->g.ring[COPY].tail;
	u32 pending = (tail - head + size) % size;
	u32 per = VG_LOAD_FILLS * VGPU_XY_COLOR_BLT_LEN * 4 + 8, i;

	igt_assert_eq_u32(vg_error(&l->g, COPY), 0);
	while (pending + per < (u32)VG_LOAD_IN_FLIGHT * per && pending + 2 * per < size) {
		for (i = 0; i < VG_LOAD_FILLS; i++)
			vg_fill(&l->g, COPY, l->surf, 4096, 1024, 256,
				l->submitted);
		vg_submit(&l->g, COPY);
		l->submitted++;
		pending += per;
	}
}

static inline u64 vg_busy_copy(struct vg_loader *l)
{
	char buf[128];
	unsigned long long r, c;
	int n;

	igt_assert_lt(0, mdev_attr_read(l->g.uuid, "vgpu/busy_ns", buf,
					sizeof(buf)));
	n = sscanf(buf, "%llu %llu", &r, &c);
	igt_assert_eq(n, 2);
	return c;
}

/* Run @n loaders for @secs; @share: each one's share of the copy engine, %. */
static inline void vg_measure_shares(struct vg_loader *l, int n, double secs,
				     double *share)
{
	u64 b0[16], d[16], sum = 0;
	double end;
	int i;

	igt_assert(n <= 16);
	for (i = 0; i < n; i++)
		vg_loader_top_up(&l[i]);
	/* Settle for a moment, then measure. */
	end = vg_now() + 0.5;
	while (vg_now() < end)
		for (i = 0; i < n; i++)
			vg_loader_top_up(&l[i]);
	for (i = 0; i < n; i++)
		b0[i] = vg_busy_copy(&l[i]);
	end = vg_now() + secs;
	while (vg_now() < end) {
		for (i = 0; i < n; i++)
			vg_loader_top_up(&l[i]);
		usleep(2000);
	}
	for (i = 0; i < n; i++) {
		d[i] = vg_busy_copy(&l[i]) - b0[i];
		sum += d[i];
	}
	igt_assert(sum > 0);
	for (i = 0; i < n; i++)
		share[i] = 100.0 * d[i] / sum;
}

#endif /* VGPU_GUEST_H */
