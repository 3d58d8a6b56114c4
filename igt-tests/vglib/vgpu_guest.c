// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_guest - the tests' minimal guest driver (vgpu_guest.h): vGPU
 * creation, BAR0 and GGTT access, guest memory, rings, submission and
 * waits, the commands the tests put in rings, the saturating loaders and
 * the GPU's slice knob.
 */
#include <glob.h>
#include <limits.h>

#include "vgpu_guest.h"

double vg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool vg_ksym(const char *name, unsigned long *start, unsigned long *end)
{
	char line[512], sym[256], type;
	unsigned long addr, at = 0, next = ~0UL;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return false;
	while (!at && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) == 3 &&
		    (type == 't' || type == 'T') && !strcmp(sym, name))
			at = addr;
	rewind(f);
	while (at && end && fgets(line, sizeof(line), f)) {
		addr = strtoul(line, NULL, 16);
		if (addr > at && addr < next)
			next = addr;
	}
	fclose(f);
	if (start)
		*start = at;
	if (end)
		*end = at ? next : 0;
	return at != 0;
}

double vg_watchdog_s(void)
{
	char buf[32], *end;
	unsigned long ms;

	igt_assert_lt(0, sysfs_read_str("/sys/module/vgpu/parameters/watchdog_ms",
					buf, sizeof(buf)));
	ms = strtoul(buf, &end, 10);
	igt_assert_f(end != buf && !*end && ms,
		     "vgpu.ko's watchdog_ms is '%s'\n", buf);
	return ms / 1e3;
}

long vg_slab_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f;

	igt_assert_eq(sysfs_write_str("/proc/sys/vm/drop_caches", "3"), 0);
	f = fopen("/proc/meminfo", "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &v) == 1)
			break;
	fclose(f);
	igt_assert_lte(0, v);
	return v;
}

long vg_slab_settled(long before)
{
	long after = vg_slab_kib(), now;
	int i;

	for (i = 0; i < 20 && after - before >= 1024; i++) {
		usleep(500 * 1000);
		now = vg_slab_kib();
		if (now < after)
			after = now;
	}
	return after;
}

int vg_find_type_of(const char *driver, const char *suffix, char *parent,
		    size_t plen, char *type, size_t tlen)
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

int vg_find_type(const char *suffix, char *parent, size_t plen, char *type,
		 size_t tlen)
{
	return vg_find_type_of("refgpu", suffix, parent, plen, type, tlen);
}

u32 vg_rd(struct vg *g, u64 off)
{
	u32 v = 0;

	igt_assert_eq(vfio_region_read32(&g->dev, BAR0, off, &v), 0);
	return v;
}

void vg_wr(struct vg *g, u64 off, u32 v)
{
	igt_assert_eq(vfio_region_write32(&g->dev, BAR0, off, v), 0);
}

void vg_pte(struct vg *g, u64 gfx, u64 pte)
{
	igt_assert_eq(vfio_region_write64(&g->dev, BAR0, VGPU_GGTT_OFFSET +
					  (gfx >> 12) * 8, pte), 0);
}

u64 vg_pte_read(struct vg *g, u64 gfx)
{
	u64 v = 0;

	igt_assert_eq(vfio_region_read64(&g->dev, BAR0, VGPU_GGTT_OFFSET +
					 (gfx >> 12) * 8, &v), 0);
	return v;
}

unsigned long long vg_stat(struct vg *g, const char *name)
{
	char attr[64], buf[128];

	snprintf(attr, sizeof(attr), "vgpu/%s", name);
	igt_assert_lt(0, mdev_attr_read(g->uuid, attr, buf, sizeof(buf)));
	return strtoull(buf, NULL, 0);
}

bool vg_wait_stat(struct vg *g, const char *name, unsigned long long want,
		  double secs)
{
	double end = vg_now() + secs;

	do {
		if (vg_stat(g, name) == want)
			return true;
		usleep(2000);
	} while (vg_now() < end);
	return vg_stat(g, name) == want;
}

void vg_set(struct vg *g, const char *name, unsigned int v)
{
	char attr[64], buf[32];

	snprintf(attr, sizeof(attr), "vgpu/%s", name);
	snprintf(buf, sizeof(buf), "%u", v);
	igt_assert_eq(mdev_attr_write(g->uuid, attr, buf), 0);
}

int vg_create(struct vg *g, const char *suffix)
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

void vg_map(struct vg *g, u64 gfx, u64 iova, u64 size)
{
	u64 off;

	for (off = 0; off < size; off += PAGE)
		vg_pte(g, gfx + off, (iova + off) | VGPU_GGTT_PTE_PRESENT);
}

void vg_open(struct vg *g)
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

void vg_close(struct vg *g)
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

void vg_destroy(struct vg *g)
{
	vg_close(g);
	igt_assert_eq(mdev_remove(g->uuid), 0);
}

void vg_start_mem(struct vg *g, const char *suffix, u64 mem_size)
{
	int ret = vg_create(g, suffix);

	igt_require_f(ret != -ENOENT, "no vGPU type %s\n", suffix);
	igt_assert_eq(ret, 0);
	g->mem_size = mem_size;
	vg_open(g);
}

void vg_start(struct vg *g, const char *suffix)
{
	vg_start_mem(g, suffix, 0);
}

u64 vg_alloc(struct vg *g, u64 size)
{
	u64 gfx = g->next;

	size = (size + PAGE - 1) & ~(PAGE - 1);
	igt_assert(gfx + size <= g->slice_base + g->mapped);
	g->next += size;
	memset((u8 *)g->mem.vaddr + (gfx - g->slice_base), 0, size);
	return gfx;
}

void *vg_ptr(struct vg *g, u64 gfx)
{
	igt_assert(gfx >= g->slice_base && gfx < g->slice_base + g->mapped);
	return (u8 *)g->mem.vaddr + (gfx - g->slice_base);
}

u32 vg_base(int e)
{
	return VGPU_RING_BASE(e);
}

void vg_ring_init(struct vg *g, int e)
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

void vg_emit(struct vg *g, int e, const u32 *dw, u32 n)
{
	struct vg_ring *r = &g->ring[e];
	u32 *ring = vg_ptr(g, r->gfx);
	u32 i;

	for (i = 0; i < n; i++) {
		ring[r->tail / 4] = dw[i];
		r->tail = (r->tail + 4) % r->size;
	}
}

void vg_submit(struct vg *g, int e)
{
	if (g->ring[e].tail & 7)
		VG_CMD(g, e, vgpu_cmd_noop);
	vg_wr(g, VGPU_RING_TAIL(vg_base(e)), g->ring[e].tail);
}

u32 vg_error(struct vg *g, int e)
{
	return vg_rd(g, VGPU_PV_ENGINE_ERROR(e));
}

/* 0 when engine @e's ring is idle, -EIO when it stopped in error, else -EBUSY. */
static int vg_ring_state(struct vg *g, int e)
{
	if ((vg_rd(g, VGPU_RING_HEAD(vg_base(e))) &
	     VGPU_RING_HEAD_ADDR_MASK) == g->ring[e].tail)
		return 0;
	if (vg_error(g, e) & VGPU_ENGINE_ERROR_ACTIVE)
		return -EIO;
	return -EBUSY;
}

int vg_wait(struct vg *g, int e, double timeout_s)
{
	double end = vg_now() + timeout_s;
	int ret;

	for (;;) {
		ret = vg_ring_state(g, e);
		if (ret != -EBUSY)
			return ret;
		if (vg_now() > end)
			return -ETIMEDOUT;
		usleep(200);
	}
}

int vg_wait_irq(struct vg *g, int e, double timeout_s)
{
	double end = vg_now() + timeout_s;
	int ret;

	for (;;) {
		/* Clear first: a completion after this sends a new message. */
		vg_wr(g, VGPU_REG_GT_IIR(0), ~0U);
		ret = vg_ring_state(g, e);
		if (ret != -EBUSY)
			return ret;
		if (vg_now() > end)
			return -ETIMEDOUT;
		vfio_eventfd_wait(g->irq_fd, 1000, NULL);
	}
}

void vg_run(struct vg *g, int e)
{
	int ret;

	vg_submit(g, e);
	ret = vg_wait(g, e, 60);
	igt_assert_f(!ret, "engine %d: %d, error status %#x\n", e, ret,
		     vg_error(g, e));
}

void vg_reset_engine(struct vg *g, int e)
{
	vg_wr(g, VGPU_REG_GDRST, VGPU_GDRST_ENGINE(e));
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_GDRST) & VGPU_GDRST_ENGINE(e), 0);
	igt_assert_eq_u32(vg_error(g, e) & VGPU_ENGINE_ERROR_ACTIVE, 0);
	g->ring[e].tail = 0;
	vg_wr(g, VGPU_RING_CTL(vg_base(e)),
	      VGPU_RING_CTL_FROM_SIZE(g->ring[e].size) | VGPU_RING_CTL_ENABLE);
}

void vg_enable_msi(struct vg *g)
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

void vg_emit_cmd(struct vg *g, int e, const struct vgpu_cmd *c)
{
	igt_assert_eq(c->error, 0);
	vg_emit(g, e, c->dw, c->len);
}

void vg_batch_init(struct vg *g, struct vgpu_cmd *c, u64 gfx, u32 bytes)
{
	vgpu_cmd_init(c, vg_ptr(g, gfx), bytes);
}

struct vgpu_surface vg_surf32(u64 gfx, u32 pitch)
{
	struct vgpu_surface s = { .addr = gfx, .pitch = pitch, .cpp = 4 };

	return s;
}

u32 vg_blt_dw1(u32 rop, u32 pitch)
{
	return VGPU_BLT_DEPTH_32 << VGPU_BLT_DEPTH_SHIFT |
	       rop << VGPU_BLT_ROP_SHIFT | pitch;
}

void vg_fill(struct vg *g, int e, u64 dst, u32 pitch, u32 w, u32 h, u32 color)
{
	struct vgpu_surface s = vg_surf32(dst, pitch);

	VG_CMD(g, e, vgpu_cmd_color_blt, &s, 0, 0, w, h, color);
}

void vg_copy(struct vg *g, int e, u64 dst, u64 src, u32 pitch, u32 w, u32 h)
{
	struct vgpu_surface d = vg_surf32(dst, pitch), s = vg_surf32(src, pitch);

	VG_CMD(g, e, vgpu_cmd_src_copy_blt, &d, 0, 0, &s, 0, 0, w, h);
}

void vg_store(struct vg *g, int e, u64 addr, u32 val)
{
	VG_CMD(g, e, vgpu_cmd_store_dword, addr, val);
}

void vg_check_fill(struct vg *g, u64 gfx, u32 n, u32 val)
{
	const u32 *p = vg_ptr(g, gfx);
	u32 i;

	for (i = 0; i < n; i++)
		igt_assert_f(p[i] == val, "dword %u at %#llx: %#x, want %#x\n",
			     i, (unsigned long long)gfx, p[i], val);
}

void vg_loader_start(struct vg_loader *l)
{
	vg_start(&l->g, "small");
	l->surf = vg_alloc(&l->g, 1 << 20);
	vg_ring_init(&l->g, COPY);
	l->submitted = 0;
}

void vg_loader_top_up(struct vg_loader *l)
{
	vg_loader_top_up_to(l, VG_LOAD_IN_FLIGHT);
}

void vg_loader_top_up_to(struct vg_loader *l, u32 in_flight)
{
	u32 head = vg_rd(&l->g, VGPU_RING_HEAD(VGPU_COPY_RING_BASE)) &
		   VGPU_RING_HEAD_ADDR_MASK;
	u32 size = l->g.ring[COPY].size, tail = l->g.ring[COPY].tail;
	u32 pending = (tail - head + size) % size;
	u32 per = VG_LOAD_FILLS * VGPU_XY_COLOR_BLT_LEN * 4 + 8, i;

	igt_assert_eq_u32(vg_error(&l->g, COPY), 0);
	while (pending + per < in_flight * per && pending + 2 * per < size) {
		for (i = 0; i < VG_LOAD_FILLS; i++)
			vg_fill(&l->g, COPY, l->surf, 4096, 1024, 256,
				l->submitted);
		vg_submit(&l->g, COPY);
		l->submitted++;
		pending += per;
	}
}

u64 vg_busy_copy(struct vg_loader *l)
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

void vg_measure_shares(struct vg_loader *l, int n, double secs, double *share)
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

double vg_share_error(const double *share, const unsigned int *w, int n)
{
	double wsum = 0, err, worst = 0;
	int i;

	for (i = 0; i < n; i++)
		wsum += w[i];
	for (i = 0; i < n; i++) {
		err = share[i] - 100.0 * w[i] / wsum;
		if (err < 0)
			err = -err;
		if (err > worst)
			worst = err;
	}
	return worst;
}

int vg_slice_path(const char *parent, char *path, size_t len)
{
	char pat[256];
	glob_t gl;
	int ret = -ENOENT;

	snprintf(pat, sizeof(pat),
		 "/sys/class/mdev_bus/%s/refgpu.vgpu.*/sched_slice_us", parent);
	if (!glob(pat, 0, NULL, &gl)) {
		if (gl.gl_pathc == 1) {
			snprintf(path, len, "%s", gl.gl_pathv[0]);
			ret = 0;
		}
		globfree(&gl);
	}
	return ret;
}

long vg_slice_read(const char *path)
{
	char buf[32], *end;
	unsigned long v;
	int ret;

	ret = sysfs_read_str(path, buf, sizeof(buf));
	if (ret <= 0)
		return ret ? ret : -ENODATA;
	v = strtoul(buf, &end, 10);
	return *end || v > LONG_MAX ? -EPROTO : (long)v;
}

int vg_slice_write(const char *path, long us)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", us);
	return sysfs_write_str(path, buf);
}
