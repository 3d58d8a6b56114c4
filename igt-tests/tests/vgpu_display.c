// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_display: a vGPU's heads as docs/display.md describes them. The test
 * plays both sides: the guest draws framebuffers with the copy engine and
 * programs pipes, planes and the cursor; the VMM queries the displayed
 * plane, reads it through the plane regions (the region protocol) or
 * through exported dma-bufs (the dmabuf protocol), replaces EDIDs through
 * the VFIO EDID region and unmaps guest memory. Every pixel is compared
 * exactly with the pattern the guest drew; refused programmings must say
 * why and leave nothing pinned. Pipe CRCs are compared with a CRC-32 the
 * test computes over the frame it composes itself.
 */
#include <stddef.h>
#include <sys/wait.h>

#include "drm_prime.h"
#include "vgpu_display.h"

#define REGION		VFIO_GFX_PLANE_TYPE_REGION
#define DMABUF		VFIO_GFX_PLANE_TYPE_DMABUF
#define PROBE		VFIO_GFX_PLANE_TYPE_PROBE
#define PRIMARY		VD_PLANE_PRIMARY
#define CURSOR		VD_PLANE_CURSOR
#define PROTO_DMABUF	"dmabuf\n"	/* as echo writes it */
#define PINNED		"display_pinned_pages"

/* Exactly @hz: 1250 * 800 * 60 Hz = 60 MHz. */
static struct vd_mode mode_1024(u32 hz)
{
	return vd_mode_simple(1024, 768, 1250, 800, hz);
}

static bool within(double got, double want, double tolerance)
{
	double d = got > want ? got - want : want - got;

	return d <= want * tolerance;
}

static void read_protocol(struct vg *g, char *buf, size_t len)
{
	igt_assert_lt(0, mdev_attr_read(g->uuid, "vgpu/display_protocol", buf,
					len));
}

static void check_plane_region(struct vg *g, u32 index, u32 subtype)
{
	const struct vfio_region *rg = vfio_dev_region(&g->dev, index);

	igt_assert_f(rg && rg->has_type, "region %u has no type\n", index);
	igt_assert_eq_u32(rg->type, VD_VENDOR_REGION_TYPE);
	igt_assert_eq_u32(rg->subtype, subtype);
	igt_assert_eq(vfio_region_find_by_type(&g->dev, VD_VENDOR_REGION_TYPE,
					       subtype), (int)index);
	igt_assert(rg->flags & VFIO_REGION_INFO_FLAG_READ);
	igt_assert(rg->flags & VFIO_REGION_INFO_FLAG_MMAP);
	igt_assert(!(rg->flags & VFIO_REGION_INFO_FLAG_WRITE));
}

/* ---- plane-region-pixels ----------------------------------------------- */

static void plane_region_pixels(void *data)
{
	struct vfio_device_gfx_plane_info pi, pi0;
	const u32 idx = VGPU_VFIO_REGION_PRIMARY(0);
	u8 edid[VD_EDID_BLOCK];
	struct vd_dtd dtd;
	struct vd_mode m;
	struct vd_fb fb;
	char proto[32];
	void *map, *buf;
	struct vg g;
	u64 len;
	u32 max;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "region");
	igt_assert(vg_rd(&g, VGPU_PV_CAPS) & VGPU_PV_CAP_DISPLAY);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_NUM_HEADS), 1);
	max = vg_rd(&g, VGPU_PV_MAX_MODE);
	igt_assert_eq_u32(max, 1080U << 16 | 1920);
	igt_assert_eq(g.dev.info.num_regions,
		      VGPU_VFIO_REGION_FIRST + VGPU_VFIO_REGIONS_PER_HEAD);
	check_plane_region(&g, idx, VGPU_REGION_SUBTYPE_PRIMARY(0));
	igt_assert_lte(1920 * 1080 * 4, vfio_dev_region(&g.dev, idx)->size);

	/* The mode a guest driver picks: the EDID's preferred timing. */
	igt_assert_lte(VD_EDID_BLOCK, vg_rd(&g, VGPU_PV_HEAD_EDID_SIZE(0)));
	vd_pv_edid(&g, 0, edid, sizeof(edid));
	vd_dtd_decode(edid + 54, &dtd);
	m = vd_dtd_mode(&dtd);
	igt_assert_eq_u32(m.w, 1024);
	igt_assert_eq_u32(m.h, 768);
	igt_info("preferred mode %ux%u, %ux%u total, %u kHz\n", m.w, m.h,
		 m.htotal, m.vtotal, m.clock_khz);

	vd_fb_alloc(&g, &fb, m.w, m.h);
	vd_fb_draw(&g, &fb, 0);
	vd_check_guest(&g, &fb);
	vd_assert_nothing(&g, PRIMARY, REGION);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);

	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_query_ok(&g, PRIMARY, REGION, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	igt_assert_eq_u32(pi.region_index, idx);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	/* QEMU's region path leaves drm_plane_type 0: the primary plane. */
	vd_query_ok(&g, 0, REGION, &pi0);
	vd_assert_primary(&pi0, &fb, 0, 0);
	igt_assert_eq_u32(pi0.region_index, idx);
	igt_assert_eq(vd_query(&g, 3, REGION, &pi0), -EINVAL);

	len = vd_page_align(pi.size);
	map = vd_mmap_region(&g, idx, len);
	vd_check(&fb, map, pi.stride, "region mmap");
	buf = vd_read_region(&g, idx, pi.size);
	vd_check(&fb, buf, pi.stride, "region pread");
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);
	/* Read only. */
	igt_assert_lt(vfio_region_write(&g.dev, idx, 0, buf, 4), 0);
	free(buf);
	/* Past the displayed surface: the zero page. */
	{
		u8 tail[256];
		ssize_t n = vfio_region_read(&g.dev, idx, len, tail,
					     sizeof(tail));

		igt_assert_eq(n, (ssize_t)sizeof(tail));
		igt_assert(vd_all_zero(tail, sizeof(tail)));
	}

	/* Disabled: nothing reported, the same mapping reads zeros. */
	vg_wr(&g, VGPU_REG_PLANE_CTL(0), 0);
	vg_wr(&g, VGPU_REG_PLANE_SURF(0), (u32)fb.gfx);
	igt_assert_f(vd_wait_nothing(&g, PRIMARY, REGION, 5),
		     "disabled plane still reported\n");
	igt_assert_f(vd_all_zero(map, len),
		     "region mapping not zero after the disable\n");
	buf = vd_read_region(&g, idx, len);
	igt_assert(vd_all_zero(buf, len));
	free(buf);
	igt_assert(vg_wait_stat(&g, PINNED, 0, 2));

	/* Enabled again: the same mapping faults the surface back in. */
	vd_show(&g, 0, &fb);
	vd_check(&fb, map, fb.stride, "region mmap after re-enable");
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);

	/* Pipe off: planes off, pages unpinned at once. */
	vd_pipe_off(&g, 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	vd_assert_nothing(&g, PRIMARY, REGION);
	igt_assert_f(vd_all_zero(map, len),
		     "region mapping not zero after pipe off\n");
	igt_assert_eq(munmap(map, len), 0);
	vg_destroy(&g);
}

/* ---- plane-dmabuf-pixels ----------------------------------------------- */

static void plane_dmabuf_pixels(void *data)
{
	struct vfio_device_gfx_plane_info pi, pi2;
	struct stat st1, st2;
	struct vd_fb fb;
	struct vd_mode m = mode_1024(60);
	char proto[32];
	void *map, *map2;
	struct vg g;
	int fd, fd2;
	off_t end;
	u64 len;

	(void)data;
	vd_start(&g, "small", PROTO_DMABUF, 0);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "dmabuf");
	vd_fb_alloc(&g, &fb, 1024, 768);
	vd_fb_draw(&g, &fb, 1);
	vd_check_guest(&g, &fb);
	vd_assert_nothing(&g, PRIMARY, DMABUF);
	igt_assert_eq_u64(vg_stat(&g, "dmabufs"), 0);

	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	len = vd_page_align(pi.size);

	fd = vd_get_dmabuf(&g, pi.dmabuf_id);
	igt_assert_f(fd >= 0, "GET_GFX_DMABUF(%u): %d\n", pi.dmabuf_id, fd);
	end = lseek(fd, 0, SEEK_END);
	igt_assert_lte((long long)pi.size, (long long)end);
	map = vd_mmap_fd(fd, len);
	vd_check(&fb, map, pi.stride, "dma-buf mmap");

	/* Nothing changed: the same id. */
	vd_query_ok(&g, PRIMARY, DMABUF, &pi2);
	igt_assert_eq_u32(pi2.dmabuf_id, pi.dmabuf_id);
	vd_assert_primary(&pi2, &fb, 0, 0);

	/* Another descriptor of the same dma-buf. */
	fd2 = vd_get_dmabuf(&g, pi.dmabuf_id);
	igt_assert_lte(0, fd2);
	igt_assert_neq(fd, fd2);
	igt_assert_eq(fstat(fd, &st1), 0);
	igt_assert_eq(fstat(fd2, &st2), 0);
	igt_assert_eq_u64(st1.st_ino, st2.st_ino);
	map2 = vd_mmap_fd(fd2, len);
	vd_check(&fb, map2, pi.stride, "second dma-buf descriptor");
	igt_assert_eq_u64(vg_stat(&g, "dmabufs"), 1);
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);

	/* An id nobody was given. */
	igt_assert_lt(vd_get_dmabuf(&g, pi.dmabuf_id + 1000), 0);

	igt_assert_eq(munmap(map2, len), 0);
	igt_assert_eq(munmap(map, len), 0);
	close(fd2);
	close(fd);
	vd_pipe_off(&g, 0);
	igt_assert(vg_wait_stat(&g, "dmabufs", 0, 2));
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	vg_destroy(&g);
}

/* ---- probe --------------------------------------------------------------- */

static void probe(void *data)
{
	struct vfio_device_gfx_plane_info pi;
	char proto[32];
	struct vg g, c;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "region");
	igt_assert_eq(vd_query(&g, PRIMARY, PROBE | REGION, &pi), 0);
	igt_assert_eq(vd_query(&g, PRIMARY, PROBE | DMABUF, &pi), -EINVAL);
	igt_assert_eq(vd_query(&g, PRIMARY, PROBE | DMABUF | REGION, &pi),
		      -EINVAL);
	/* Not while the device is open. */
	igt_assert_eq(vd_set_protocol(&g, PROTO_DMABUF), -EBUSY);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "region");
	vg_close(&g);

	igt_assert_eq(vd_set_protocol(&g, "foo"), -EINVAL);
	igt_assert_eq(vd_set_protocol(&g, "\n"), -EINVAL);
	igt_assert_eq(vd_set_protocol(&g, "dmabufs"), -EINVAL);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "region");
	igt_assert_eq(vd_set_protocol(&g, PROTO_DMABUF), 0);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "dmabuf");

	vg_open(&g);
	igt_assert_eq(vd_query(&g, PRIMARY, PROBE | DMABUF, &pi), 0);
	igt_assert_eq(vd_query(&g, PRIMARY, PROBE | REGION, &pi), -EINVAL);
	igt_assert_eq(vd_query(&g, CURSOR, PROBE | DMABUF, &pi), 0);
	igt_assert_eq(vd_set_protocol(&g, "region"), -EBUSY);
	vg_close(&g);
	igt_assert_eq(vd_set_protocol(&g, "region"), 0);
	read_protocol(&g, proto, sizeof(proto));
	igt_assert_eq_str(proto, "region");
	vg_destroy(&g);

	/* No heads: neither protocol. */
	vg_start(&c, "copy");
	igt_assert_eq_u32(vg_rd(&c, VGPU_PV_NUM_HEADS), 0);
	igt_assert_eq_u32(vg_rd(&c, VGPU_PV_CAPS) & VGPU_PV_CAP_DISPLAY, 0);
	igt_assert_eq(c.dev.info.num_regions, VFIO_PCI_NUM_REGIONS);
	igt_assert_eq(vd_query(&c, PRIMARY, PROBE | REGION, &pi), -EINVAL);
	igt_assert_eq(vd_query(&c, PRIMARY, PROBE | DMABUF, &pi), -EINVAL);
	vg_destroy(&c);
}

/* ---- flip ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define FLIPS	20

static void flip_dmabuf(void)
{
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	const u32 pos = VD_XY(100, 50);
	u32 id_a, id_b, cur_id;
	void *map_a, *map_b, *map, *p;
	int fd_a, fd_b, fd, i, cur;
	double lat[FLIPS], t0;
	struct vd_fb fb[2];
	struct vg g;
	u64 len;

	vd_start(&g, "small", PROTO_DMABUF, 0);
	vd_fb_alloc(&g, &fb[0], 640, 480);
	vd_fb_alloc(&g, &fb[1], 640, 480);
	vd_fb_draw(&g, &fb[0], 10);
	vd_fb_draw(&g, &fb[1], 11);
	vd_check_guest(&g, &fb[0]);
	vd_check_guest(&g, &fb[1]);
	len = vd_page_align((u64)fb[0].stride * fb[0].h);

	vd_pipe_on(&g, 0, &m);
	vd_show_at(&g, 0, &fb[0], pos);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb[0], 100, 50);
	id_a = pi.dmabuf_id;
	fd_a = vd_get_dmabuf(&g, id_a);
	igt_assert_lte(0, fd_a);
	map_a = vd_mmap_fd(fd_a, len);
	vd_check(&fb[0], map_a, fb[0].stride, "A");
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb[0].size / PAGE);

	/* A -> B: a new id with B's pixels; A's descriptor keeps A. */
	vd_flip(&g, 0, fb[1].gfx);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb[1], 100, 50);
	id_b = pi.dmabuf_id;
	igt_assert_neq_u32(id_b, id_a);
	fd_b = vd_get_dmabuf(&g, id_b);
	igt_assert_lte(0, fd_b);
	map_b = vd_mmap_fd(fd_b, len);
	vd_check(&fb[1], map_b, fb[1].stride, "B after A->B");
	vd_check(&fb[0], map_a, fb[0].stride, "old mapping of A after A->B");
	p = vd_mmap_fd(fd_a, len);
	vd_check(&fb[0], p, fb[0].stride, "new mapping of A's fd after A->B");
	igt_assert_eq(munmap(p, len), 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), (fb[0].size + fb[1].size) / PAGE);

	/* B -> A: a new id again. */
	vd_flip(&g, 0, fb[0].gfx);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb[0], 100, 50);
	igt_assert_neq_u32(pi.dmabuf_id, id_b);
	igt_info("B->A: id %u (A's first id %u)\n", pi.dmabuf_id, id_a);
	fd = vd_get_dmabuf(&g, pi.dmabuf_id);
	igt_assert_lte(0, fd);
	map = vd_mmap_fd(fd, len);
	vd_check(&fb[0], map, fb[0].stride, "A after B->A");
	vd_check(&fb[1], map_b, fb[1].stride, "old mapping of B after B->A");
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	igt_assert_eq(munmap(map_a, len), 0);
	igt_assert_eq(munmap(map_b, len), 0);
	close(fd_a);
	close(fd_b);
	igt_assert_f(vg_wait_stat(&g, PINNED, fb[0].size / PAGE, 2),
		     "%llu pages pinned with only A shown and no fd open\n",
		     vg_stat(&g, PINNED));

	/* Latency: PLANE_SURF write to a new dma-buf showing the new pixels. */
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	cur_id = pi.dmabuf_id;
	cur = 0;
	for (i = 0; i < FLIPS; i++) {
		int next = !cur;

		t0 = vg_now();
		vg_wr(&g, VGPU_REG_PLANE_SURF(0), (u32)fb[next].gfx);
		for (;;) {
			igt_assert_f(vg_now() - t0 < 10,
				     "flip %d: no new dma-buf after 10 s\n", i);
			vd_query_ok(&g, PRIMARY, DMABUF, &pi);
			if (!pi.drm_format || pi.dmabuf_id == cur_id) {
				usleep(200);
				continue;
			}
			fd = vd_get_dmabuf(&g, pi.dmabuf_id);
			igt_assert_lte(0, fd);
			map = vd_mmap_fd(fd, len);
			igt_assert_f(vd_quick_match(&fb[next], map, pi.stride),
				     "flip %d: new id %u does not show buffer %d\n",
				     i, pi.dmabuf_id, next);
			lat[i] = vg_now() - t0;
			vd_check(&fb[next], map, pi.stride, "flipped dma-buf");
			igt_assert_eq(munmap(map, len), 0);
			close(fd);
			break;
		}
		vd_assert_primary(&pi, &fb[next], 100, 50);
		igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PLANE_SURFLIVE(0)),
				  (u32)fb[next].gfx);
		cur_id = pi.dmabuf_id;
		cur = next;
	}
	qsort(lat, FLIPS, sizeof(lat[0]), cmp_double);
	igt_info("flip-to-dmabuf latency: median %.1f ms, max %.1f ms (%d flips, 60 Hz)\n",
		 (lat[FLIPS / 2 - 1] + lat[FLIPS / 2]) / 2 * 1000,
		 lat[FLIPS - 1] * 1000, FLIPS);
	vd_pipe_off(&g, 0);
	igt_assert(vg_wait_stat(&g, "dmabufs", 0, 2));
	vg_destroy(&g);
}

static void flip_region(void)
{
	struct vfio_device_gfx_plane_info pi;
	const u32 idx = VGPU_VFIO_REGION_PRIMARY(0);
	struct vd_mode m = mode_1024(60);
	struct vd_fb fb[2];
	void *map, *buf;
	struct vg g;
	u64 len;
	int i;

	vd_start(&g, "small", NULL, 0);
	vd_fb_alloc(&g, &fb[0], 640, 480);
	vd_fb_alloc(&g, &fb[1], 640, 480);
	vd_fb_draw(&g, &fb[0], 12);
	vd_fb_draw(&g, &fb[1], 13);
	len = vd_page_align((u64)fb[0].stride * fb[0].h);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb[0]);
	map = vd_mmap_region(&g, idx, len);
	vd_check(&fb[0], map, fb[0].stride, "region A");
	/* One mapping, kept across flips: zapped and faulted anew. */
	for (i = 1; i <= 4; i++) {
		const struct vd_fb *f = &fb[i % 2];

		vd_flip(&g, 0, f->gfx);
		vd_query_ok(&g, PRIMARY, REGION, &pi);
		vd_assert_primary(&pi, f, 0, 0);
		igt_assert_eq_u32(pi.region_index, idx);
		vd_check(f, map, f->stride, "region mapping after a flip");
		buf = vd_read_region(&g, idx, pi.size);
		vd_check(f, buf, f->stride, "region pread after a flip");
		free(buf);
	}
	igt_assert_eq(munmap(map, len), 0);
	vg_destroy(&g);
}

static void flip(void *data)
{
	(void)data;
	flip_dmabuf();
	flip_region();
}

/* ---- cursor ------------------------------------------------------------ */

static u32 cursor_pixel(u32 x, u32 y)
{
	return (x * 4 + 3) << 24 | (y * 4) << 16 | (x ^ y) << 8 | (x + y);
}

static void check_cursor(const u32 *p, const char *what)
{
	u32 x, y;

	for (y = 0; y < VGPU_CURSOR_SIZE; y++)
		for (x = 0; x < VGPU_CURSOR_SIZE; x++)
			igt_assert_f(p[y * 64 + x] == cursor_pixel(x, y),
				     "%s: cursor pixel (%u,%u) = %#x, want %#x\n",
				     what, x, y, p[y * 64 + x],
				     cursor_pixel(x, y));
}

static bool wait_cursor(struct vg *g, u32 flags,
			struct vfio_device_gfx_plane_info *pi)
{
	double end = vg_now() + 5;

	do {
		vd_query_ok(g, CURSOR, flags, pi);
		if (pi->drm_format)
			return true;
		usleep(1000);
	} while (vg_now() < end);
	return false;
}

static void cursor_one(bool dmabuf)
{
	const u32 flags = dmabuf ? DMABUF : REGION;
	const u64 csize = VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE * 4;
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	u32 x, y, *img, id;
	struct vd_fb fb;
	void *map, *buf;
	struct vg g;
	u64 cur;
	int fd = -1;

	vd_start(&g, "small", dmabuf ? PROTO_DMABUF : NULL, 0);
	cur = vg_alloc(&g, csize);
	img = vg_ptr(&g, cur);
	for (y = 0; y < VGPU_CURSOR_SIZE; y++)
		for (x = 0; x < VGPU_CURSOR_SIZE; x++)
			img[y * 64 + x] = cursor_pixel(x, y);
	vd_fb_alloc(&g, &fb, 256, 256);
	vd_fb_draw(&g, &fb, 20);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_assert_nothing(&g, CURSOR, flags);

	vg_wr(&g, VGPU_PV_HEAD_CURSOR_HOT(0), 7 << VGPU_CURSOR_HOT_Y_SHIFT | 5);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_CURSOR_HOT(0)),
			  7 << VGPU_CURSOR_HOT_Y_SHIFT | 5);
	vg_wr(&g, VGPU_REG_CURCNTR(0), VGPU_CURCNTR_MODE_64_ARGB);
	vg_wr(&g, VGPU_REG_CURPOS(0), vd_curpos(100, -20));
	vg_wr(&g, VGPU_REG_CURBASE(0), (u32)cur);
	igt_assert_f(wait_cursor(&g, flags, &pi), "cursor never shown (%#x)\n",
		     vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)));
	igt_assert_eq_u32(pi.drm_format, VD_FORMAT_ARGB8888);
	igt_assert_eq_u64(pi.drm_format_mod, 0);
	igt_assert_eq_u32(pi.width, 64);
	igt_assert_eq_u32(pi.height, 64);
	igt_assert_eq_u32(pi.stride, 256);
	igt_assert_eq_u32(pi.size, csize);
	igt_assert_eq_u32(pi.x_pos, 100);
	igt_assert_eq_u32(pi.y_pos, 0);	/* -20 clamped */
	igt_assert_eq_u32(pi.x_hot, 5);
	igt_assert_eq_u32(pi.y_hot, 7);
	if (dmabuf) {
		id = pi.dmabuf_id;
		fd = vd_get_dmabuf(&g, id);
		igt_assert_lte(0, fd);
		map = vd_mmap_fd(fd, csize);
		check_cursor(map, "cursor dma-buf");
	} else {
		id = 0;
		igt_assert_eq_u32(pi.region_index, VGPU_VFIO_REGION_CURSOR(0));
		check_plane_region(&g, pi.region_index,
				   VGPU_REGION_SUBTYPE_CURSOR(0));
		map = vd_mmap_region(&g, pi.region_index, csize);
		check_cursor(map, "cursor region mmap");
		buf = vd_read_region(&g, pi.region_index, csize);
		check_cursor(buf, "cursor region pread");
		free(buf);
	}
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE + csize / PAGE);

	/* Position and hotspot apply at once; the image stays the same. */
	vg_wr(&g, VGPU_REG_CURPOS(0), vd_curpos(-3, 600));
	vg_wr(&g, VGPU_PV_HEAD_CURSOR_HOT(0), 63 << VGPU_CURSOR_HOT_Y_SHIFT);
	vd_query_ok(&g, CURSOR, flags, &pi);
	igt_assert_eq_u32(pi.x_pos, 0);
	igt_assert_eq_u32(pi.y_pos, 600);
	igt_assert_eq_u32(pi.x_hot, 0);
	igt_assert_eq_u32(pi.y_hot, 63);
	igt_assert_eq_u32(pi.drm_format, VD_FORMAT_ARGB8888);
	if (dmabuf)
		igt_assert_eq_u32(pi.dmabuf_id, id);
	check_cursor(map, "cursor after a move");

	/* The primary plane is still reported as it was. */
	vd_query_ok(&g, PRIMARY, flags, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);

	/* Off. */
	vg_wr(&g, VGPU_REG_CURCNTR(0), VGPU_CURCNTR_MODE_DISABLE);
	vg_wr(&g, VGPU_REG_CURBASE(0), (u32)cur);
	igt_assert(vd_wait_nothing(&g, CURSOR, flags, 5));
	if (!dmabuf)
		igt_assert(vd_all_zero(map, csize));
	igt_assert_eq(munmap(map, csize), 0);
	if (fd >= 0)
		close(fd);
	igt_assert(vg_wait_stat(&g, PINNED, fb.size / PAGE, 2));
	vg_destroy(&g);
}

static void cursor(void *data)
{
	(void)data;
	cursor_one(false);
	cursor_one(true);
}

/* ---- vblank-rate ------------------------------------------------------- */

/*
 * Count vblank interrupts of pipe 0 for @secs (MSI eventfd, DE_PIPE_IIR
 * read and cleared each time); returns vblanks per second from the first
 * to the last one seen, and PIPE_FRMCOUNT's rate over the same time.
 */
static double count_vblanks(struct vg *g, double secs, u32 hz,
			    double *frm_rate)
{
	double t0 = 0, tl = 0, tf0, tf1, end, now, gap, max_gap = 0;
	u32 f0, f1, iir;
	int n = -1, gaps = 0;

	vfio_eventfd_wait(g->irq_fd, 0, NULL);
	vg_wr(g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
	end = vg_now() + 5;
	while (n < 0) {
		igt_assert_f(vg_now() < end, "no vblank interrupt in 5 s\n");
		if (vfio_eventfd_wait(g->irq_fd, 200, NULL))
			continue;
		iir = vg_rd(g, VGPU_REG_DE_PIPE_IIR(0));
		if (!(iir & VGPU_DE_PIPE_VBLANK))
			continue;
		igt_assert(vg_rd(g, VGPU_REG_MASTER_IRQ) &
			   VGPU_MASTER_IRQ_PIPE(0));
		vg_wr(g, VGPU_REG_DE_PIPE_IIR(0), iir);
		t0 = vg_now();
		tl = t0;
		n = 0;
	}
	tf0 = vg_now();
	f0 = vg_rd(g, VGPU_REG_PIPE_FRMCOUNT(0));
	end = t0 + secs;
	while (vg_now() < end) {
		vfio_eventfd_wait(g->irq_fd, 100, NULL);
		iir = vg_rd(g, VGPU_REG_DE_PIPE_IIR(0));
		if (iir & VGPU_DE_PIPE_VBLANK) {
			vg_wr(g, VGPU_REG_DE_PIPE_IIR(0), iir);
			now = vg_now();
			gap = now - tl;
			if (gap > 1.5 / hz)
				gaps++;
			if (gap > max_gap)
				max_gap = gap;
			tl = now;
			n++;
		}
	}
	f1 = vg_rd(g, VGPU_REG_PIPE_FRMCOUNT(0));
	tf1 = vg_now();
	*frm_rate = (f1 - f0) / (tf1 - tf0);
	igt_assert_lt(0, n);
	igt_info("%u Hz: %d vblanks in %.3f s, %d gaps over 1.5 frames, longest %.1f ms\n",
		 hz, n, tl - t0, gaps, max_gap * 1000);
	return n / (tl - t0);
}

static double frame_rate(struct vg *g, int p, double secs)
{
	double t0 = vg_now(), t1;
	u32 f0 = vg_rd(g, VGPU_REG_PIPE_FRMCOUNT(p)), f1;

	usleep(secs * 1e6);
	f1 = vg_rd(g, VGPU_REG_PIPE_FRMCOUNT(p));
	t1 = vg_now();
	return (f1 - f0) / (t1 - t0);
}

static void vblank_rate(void *data)
{
	struct vd_mode m = mode_1024(60);
	double rate, frm;
	struct vg g;
	u32 hz;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vg_enable_msi(&g);
	vg_wr(&g, VGPU_REG_DE_PIPE_IER(0), VGPU_DE_PIPE_VBLANK);
	vg_wr(&g, VGPU_REG_DE_PIPE_IMR(0), 0);
	igt_assert_eq_u32(m.clock_khz, 60000);

	for (hz = 60; hz >= 30; hz -= 30) {
		m = mode_1024(hz);
		vd_pipe_on(&g, 0, &m);
		rate = count_vblanks(&g, 2.0, hz, &frm);
		igt_info("%u Hz programmed: %.2f vblank interrupts/s, PIPE_FRMCOUNT %.2f/s\n",
			 hz, rate, frm);
		igt_assert_f(within(rate, hz, 0.10),
			     "%.2f vblanks/s, programmed %u Hz\n", rate, hz);
		igt_assert_f(within(frm, hz, 0.10),
			     "PIPE_FRMCOUNT %.2f/s, programmed %u Hz\n", frm,
			     hz);
		if (hz == 60)
			vd_pipe_off(&g, 0);
	}

	/* Masked: no vblank events, but the frame counter keeps counting. */
	vg_wr(&g, VGPU_REG_DE_PIPE_IMR(0), VGPU_DE_PIPE_VBLANK);
	usleep(50000);
	vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
	vfio_eventfd_wait(g.irq_fd, 0, NULL);
	frm = frame_rate(&g, 0, 0.5);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_DE_PIPE_IIR(0)) &
			  VGPU_DE_PIPE_VBLANK, 0);
	igt_assert_eq(vfio_eventfd_wait(g.irq_fd, 0, NULL), -ETIMEDOUT);
	frm = (frm + frame_rate(&g, 0, 0.5)) / 2;
	igt_info("masked at 30 Hz: PIPE_FRMCOUNT %.2f/s\n", frm);
	igt_assert_f(within(frm, 30, 0.10), "PIPE_FRMCOUNT %.2f/s masked\n",
		     frm);

	/* Unmasked again: interrupts resume. */
	vg_wr(&g, VGPU_REG_DE_PIPE_IMR(0), 0);
	igt_assert_eq(vfio_eventfd_wait(g.irq_fd, 1000, NULL), 0);
	igt_assert(vg_rd(&g, VGPU_REG_DE_PIPE_IIR(0)) & VGPU_DE_PIPE_VBLANK);

	/* 1000 Hz asked: clamped to 240 Hz. */
	vd_pipe_off(&g, 0);
	m = mode_1024(1000);
	vd_pipe_on(&g, 0, &m);
	frm = frame_rate(&g, 0, 1.0);
	igt_info("1000 Hz programmed: PIPE_FRMCOUNT %.2f/s\n", frm);
	igt_assert_f(within(frm, 240, 0.10), "PIPE_FRMCOUNT %.2f/s, want 240\n",
		     frm);

	/* Stopped: the counter stands still. */
	vd_pipe_off(&g, 0);
	frm = frame_rate(&g, 0, 0.2);
	igt_assert_f(frm == 0, "PIPE_FRMCOUNT moves with the pipe off\n");
	vg_destroy(&g);
}

/* ---- edid-hotplug ------------------------------------------------------ */

#define EDID_FIELD(f)	offsetof(struct vfio_region_gfx_edid, f)

static u32 edid_rd(struct vg *g, u32 off)
{
	u32 v = 0;

	igt_assert_eq(vfio_region_read32(&g->dev, VGPU_VFIO_REGION_EDID(0),
					 off, &v), 0);
	return v;
}

static int edid_wr(struct vg *g, u32 off, u32 v)
{
	return vfio_region_write32(&g->dev, VGPU_VFIO_REGION_EDID(0), off, v);
}

static int edid_blob(struct vg *g, const u8 *blob, u32 len)
{
	ssize_t n = vfio_region_write(&g->dev, VGPU_VFIO_REGION_EDID(0),
				      VGPU_EDID_BLOB_OFFSET, blob, len);

	return n < 0 ? (int)n : n == (ssize_t)len ? 0 : -EIO;
}

static bool connected(struct vg *g)
{
	return vg_rd(g, VGPU_PV_HEAD_STATUS(0)) & VGPU_HEAD_STATUS_CONNECTED;
}

/* Wait for head 0's hotplug event and clear it. */
static void expect_hotplug(struct vg *g, const char *what)
{
	double end = vg_now() + 2;

	while (!(vg_rd(g, VGPU_REG_DE_PORT_IIR) & VGPU_DE_PORT_HOTPLUG(0))) {
		igt_assert_f(vg_now() < end, "no hotplug event after %s\n",
			     what);
		usleep(1000);
	}
	vg_wr(g, VGPU_REG_DE_PORT_IIR, VGPU_DE_PORT_HOTPLUG(0));
}

static void link_down(struct vg *g)
{
	igt_assert_eq(edid_wr(g, EDID_FIELD(link_state),
			      VFIO_DEVICE_GFX_LINK_STATE_DOWN), 0);
	expect_hotplug(g, "link down");
	igt_assert(!connected(g));
	igt_assert_eq_u32(vg_rd(g, VGPU_PV_HEAD_EDID_SIZE(0)), 0);
	igt_assert_eq_u32(edid_rd(g, EDID_FIELD(link_state)),
			  VFIO_DEVICE_GFX_LINK_STATE_DOWN);
}

/* A bad blob: going up fails with EINVAL, the head stays disconnected. */
static void refused_edid(struct vg *g, const u8 *blob, u32 len, u32 size,
			 const char *what)
{
	igt_assert_eq(edid_blob(g, blob, len), 0);
	igt_assert_eq(edid_wr(g, EDID_FIELD(edid_size), size), 0);
	igt_assert_f(edid_wr(g, EDID_FIELD(link_state),
			     VFIO_DEVICE_GFX_LINK_STATE_UP) == -EINVAL,
		     "link up with %s was not refused with EINVAL\n", what);
	igt_assert_f(!connected(g), "connected with %s\n", what);
	igt_assert_eq_u32(edid_rd(g, EDID_FIELD(link_state)),
			  VFIO_DEVICE_GFX_LINK_STATE_DOWN);
	igt_assert_eq_u32(vg_rd(g, VGPU_PV_HEAD_EDID_SIZE(0)), 0);
}

/* Going up with a good blob: hotplug, connected, the PV copy is @blob. */
static void accepted_edid(struct vg *g, const u8 *blob, u32 len)
{
	u8 pv[VGPU_PV_EDID_MAX];

	igt_assert_eq(edid_blob(g, blob, len), 0);
	igt_assert_eq(edid_wr(g, EDID_FIELD(edid_size), len), 0);
	igt_assert_eq_u32(edid_rd(g, EDID_FIELD(edid_size)), len);
	igt_assert(!connected(g));
	igt_assert_eq(edid_wr(g, EDID_FIELD(link_state),
			      VFIO_DEVICE_GFX_LINK_STATE_UP), 0);
	expect_hotplug(g, "link up");
	igt_assert(connected(g));
	igt_assert_eq_u32(edid_rd(g, EDID_FIELD(link_state)),
			  VFIO_DEVICE_GFX_LINK_STATE_UP);
	igt_assert_eq_u32(vg_rd(g, VGPU_PV_HEAD_EDID_SIZE(0)), len);
	vd_pv_edid(g, 0, pv, len);
	igt_assert_f(!memcmp(pv, blob, len), "PV EDID is not the new blob\n");
}

/*
 * A generated EDID: preferred timing @prefw x @prefh at 60 Hz and, unless
 * that is the largest mode, a second detailed timing @maxw x @maxh.
 */
static void check_generated_edid(const u8 *e, u32 size, u32 prefw,
				 u32 prefh, u32 maxw, u32 maxh)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0 };
	bool name = false, range = false;
	struct vd_dtd t;
	u32 i, dtds = 0;

	igt_assert_eq_u32(size % VD_EDID_BLOCK, 0);
	igt_assert_eq_u32(size, (e[126] + 1) * VD_EDID_BLOCK);
	igt_assert_f(!memcmp(e, header, 8), "EDID header %02x %02x %02x\n",
		     e[0], e[1], e[2]);
	for (i = 0; i < size; i += VD_EDID_BLOCK)
		igt_assert_f(vd_edid_sum(e + i) == 0,
			     "EDID block %u checksum\n", i / VD_EDID_BLOCK);
	igt_assert_eq(e[18], 1);
	igt_assert_eq(e[19], 4);
	vd_dtd_decode(e + 54, &t);
	igt_assert_eq_u32(t.ha, prefw);
	igt_assert_eq_u32(t.va, prefh);
	igt_assert_lt(0, t.clock_khz);
	igt_assert_f(within(t.clock_khz * 1000.0 / ((t.ha + t.hb) *
						     (t.va + t.vb)), 60, 0.02),
		     "preferred timing is not 60 Hz\n");
	for (i = 72; i < 126; i += 18) {
		if (e[i] || e[i + 1]) {
			/* The second detailed timing: the maximum mode. */
			vd_dtd_decode(e + i, &t);
			igt_assert_eq_u32(t.ha, maxw);
			igt_assert_eq_u32(t.va, maxh);
			dtds++;
			continue;
		}
		if (e[i + 3] == 0xfc)
			name = !memcmp(e + i + 5, "vGPU", 4) &&
			       (e[i + 9] == '\n' || e[i + 9] == ' ');
		if (e[i + 3] == 0xfd)
			range = true;
	}
	igt_assert_eq_u32(dtds, prefw == maxw && prefh == maxh ? 0 : 1);
	igt_assert_f(name, "no monitor name \"vGPU\"\n");
	igt_assert_f(range, "no range limits descriptor\n");
}

static void check_default_edid(const u8 *e, u32 size, u32 maxw, u32 maxh)
{
	check_generated_edid(e, size, 1024, 768, maxw, maxh);
}

static void edid_hotplug(void *data)
{
	/* 800x600 at 60 Hz, VESA: 40 MHz, 1056 x 628. */
	const struct vd_dtd svga = {
		.clock_khz = 40000, .ha = 800, .hb = 256, .hso = 40,
		.hsw = 128, .va = 600, .vb = 28, .vso = 1, .vsw = 4,
	};
	u8 def[VGPU_PV_EDID_MAX], blob[VGPU_PV_EDID_MAX], pv[VGPU_PV_EDID_MAX];
	u8 bad[2 * VD_EDID_BLOCK];
	const struct vfio_region *rg;
	struct vg g;
	u32 size;

	(void)data;
	vd_start(&g, "small", NULL, 0);

	/* The generated EDID, as the guest sees it. */
	igt_assert(connected(&g));
	size = vg_rd(&g, VGPU_PV_HEAD_EDID_SIZE(0));
	igt_assert_lte(VD_EDID_BLOCK, size);
	igt_assert_lte(size, VGPU_PV_EDID_MAX);
	vd_pv_edid(&g, 0, def, size);
	check_default_edid(def, size, 1920, 1080);

	/* The EDID region, found by type like QEMU finds it. */
	igt_assert_eq(vfio_region_find_by_type(&g.dev, VFIO_REGION_TYPE_GFX,
					       VFIO_REGION_SUBTYPE_GFX_EDID),
		      VGPU_VFIO_REGION_EDID(0));
	rg = vfio_dev_region(&g.dev, VGPU_VFIO_REGION_EDID(0));
	igt_assert(rg->flags & VFIO_REGION_INFO_FLAG_READ);
	igt_assert(rg->flags & VFIO_REGION_INFO_FLAG_WRITE);
	igt_assert_lte(VGPU_EDID_BLOB_OFFSET + VGPU_PV_EDID_MAX, rg->size);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(edid_offset)),
			  VGPU_EDID_BLOB_OFFSET);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(edid_max_size)),
			  VGPU_PV_EDID_MAX);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(edid_size)), size);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(max_xres)), 1920);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(max_yres)), 1080);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(link_state)),
			  VFIO_DEVICE_GFX_LINK_STATE_UP);
	igt_assert_eq(vfio_region_read(&g.dev, VGPU_VFIO_REGION_EDID(0),
				       VGPU_EDID_BLOB_OFFSET, blob, size),
		      (ssize_t)size);
	igt_assert_f(!memcmp(blob, def, size),
		     "EDID region blob differs from the PV EDID\n");

	/* Read-only fields stay as they are. */
	igt_assert_lt(edid_wr(&g, EDID_FIELD(edid_offset), 0), 0);
	igt_assert_lt(edid_wr(&g, EDID_FIELD(edid_max_size), 4096), 0);
	igt_assert_lt(edid_wr(&g, EDID_FIELD(max_xres), 4096), 0);
	igt_assert_lt(edid_wr(&g, EDID_FIELD(max_yres), 4096), 0);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(edid_offset)),
			  VGPU_EDID_BLOB_OFFSET);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(edid_max_size)),
			  VGPU_PV_EDID_MAX);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(max_xres)), 1920);
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(max_yres)), 1080);

	/* While the link is up, blob and size are locked. */
	vd_edid_build(blob, &svga, "vGPU-test");
	igt_assert_eq(edid_blob(&g, blob, VD_EDID_BLOCK), -EBUSY);
	igt_assert_eq(edid_wr(&g, EDID_FIELD(edid_size), VD_EDID_BLOCK),
		      -EBUSY);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_EDID_SIZE(0)), size);
	vd_pv_edid(&g, 0, pv, size);
	igt_assert(!memcmp(pv, def, size));

	/* Unplug, new monitor, plug: a hotplug event each time. */
	vg_wr(&g, VGPU_REG_DE_PORT_IER, VGPU_DE_PORT_HOTPLUG(0));
	vg_wr(&g, VGPU_REG_DE_PORT_IIR, ~0U);
	link_down(&g);
	accepted_edid(&g, blob, VD_EDID_BLOCK);

	/* Refused blobs. */
	link_down(&g);
	igt_assert_eq(edid_wr(&g, EDID_FIELD(edid_size), 1024), -EINVAL);
	igt_assert_eq(edid_wr(&g, EDID_FIELD(edid_size),
			      VGPU_PV_EDID_MAX + VD_EDID_BLOCK), -EINVAL);
	memcpy(bad, blob, VD_EDID_BLOCK);
	bad[127] ^= 0x01;
	refused_edid(&g, bad, VD_EDID_BLOCK, VD_EDID_BLOCK, "a bad checksum");
	memcpy(bad, blob, VD_EDID_BLOCK);
	bad[1] = 0x00;
	vd_edid_fix_sum(bad);
	refused_edid(&g, bad, VD_EDID_BLOCK, VD_EDID_BLOCK, "a bad header");
	refused_edid(&g, blob, VD_EDID_BLOCK, 100, "a size of 100");
	/* Two blocks, the extension's checksum wrong. */
	memcpy(bad, blob, VD_EDID_BLOCK);
	bad[126] = 1;
	vd_edid_fix_sum(bad);
	memset(bad + VD_EDID_BLOCK, 0, VD_EDID_BLOCK);
	bad[VD_EDID_BLOCK] = 0x02;	/* CTA-861 */
	bad[VD_EDID_BLOCK + 1] = 0x03;
	bad[VD_EDID_BLOCK + 2] = 4;
	vd_edid_fix_sum(bad + VD_EDID_BLOCK);
	bad[2 * VD_EDID_BLOCK - 1] ^= 0x80;
	refused_edid(&g, bad, sizeof(bad), sizeof(bad),
		     "a bad extension checksum");
	/* ...and right: two blocks accepted. */
	bad[2 * VD_EDID_BLOCK - 1] ^= 0x80;
	accepted_edid(&g, bad, sizeof(bad));

	/* Back to the generated EDID. */
	link_down(&g);
	accepted_edid(&g, def, size);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_DE_PORT_IIR) &
			  VGPU_DE_PORT_HOTPLUG(0), 0);
	vg_destroy(&g);
}

/* ---- edid-mode-sysfs --------------------------------------------------- */

#define EDID_MODE	"vgpu/display_edid_mode"

static void edid_mode_is(struct vg *g, const char *want)
{
	char buf[128];

	igt_assert_lt(0, mdev_attr_read(g->uuid, EDID_MODE, buf, sizeof(buf)));
	igt_assert_f(!strcmp(buf, want), "%s reads \"%s\", want \"%s\"\n",
		     EDID_MODE, buf, want);
}

/* Hotplug interrupts enabled and unmasked for every head, MSI on. */
static void hotplug_msi_on(struct vg *g)
{
	vg_enable_msi(g);
	vg_wr(g, VGPU_REG_DE_PORT_IER, ~0U);
	vg_wr(g, VGPU_REG_DE_PORT_IMR, 0);
	vg_wr(g, VGPU_REG_DE_PORT_IIR, ~0U);
	vfio_eventfd_wait(g->irq_fd, 0, NULL);
}

/* The hotplug of head @h arrived as an MSI, and no other head's; clear. */
static void expect_hotplug_msi(struct vg *g, int h, const char *what)
{
	igt_assert_f(!vfio_eventfd_wait(g->irq_fd, 2000, NULL),
		     "no MSI after %s\n", what);
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_DE_PORT_IIR),
			  VGPU_DE_PORT_HOTPLUG(h));
	vg_wr(g, VGPU_REG_DE_PORT_IIR, ~0U);
}

static void expect_no_hotplug(struct vg *g, const char *what)
{
	igt_assert_f(vfio_eventfd_wait(g->irq_fd, 0, NULL) == -ETIMEDOUT,
		     "an MSI after %s\n", what);
	igt_assert_f(!vg_rd(g, VGPU_REG_DE_PORT_IIR), "hotplug after %s\n",
		     what);
}

/*
 * Write "@h @w x @ht" to the knob: one replug of head @h (an MSI, the
 * head connected), the guest's EDID the generated one preferring w x ht,
 * the EDID region's blob the same EDID.
 */
static void edid_mode_set(struct vg *g, int h, u32 w, u32 ht, u32 maxw,
			  u32 maxh)
{
	u8 pv[VGPU_PV_EDID_MAX], blob[VD_EDID_BLOCK];
	char val[64], want[32];
	struct vd_dtd t;
	u32 size;

	snprintf(val, sizeof(val), "%d %ux%u\n", h, w, ht);
	igt_assert_eq(mdev_attr_write(g->uuid, EDID_MODE, val), 0);
	expect_hotplug_msi(g, h, val);
	igt_assert(vg_rd(g, VGPU_PV_HEAD_STATUS(h)) &
		   VGPU_HEAD_STATUS_CONNECTED);
	size = vg_rd(g, VGPU_PV_HEAD_EDID_SIZE(h));
	igt_assert_eq_u32(size, VD_EDID_BLOCK);
	vd_pv_edid(g, h, pv, size);
	check_generated_edid(pv, size, w, ht, maxw, maxh);
	/* Reduced blanking: 160 blank pixels per line. */
	vd_dtd_decode(pv + 54, &t);
	igt_assert_eq_u32(t.hb, 160);
	igt_assert_eq(vfio_region_read(&g->dev, VGPU_VFIO_REGION_EDID(h),
				       VGPU_EDID_BLOB_OFFSET, blob,
				       sizeof(blob)), (ssize_t)sizeof(blob));
	igt_assert_f(!memcmp(blob, pv, sizeof(blob)),
		     "EDID region blob differs from the PV EDID\n");
	snprintf(want, sizeof(want), "%d %ux%u", h, w, ht);
	if (!h)
		edid_mode_is(g, want);
}

static void edid_mode_sysfs(void *data)
{
	static const char * const refused[] = {
		"1 1280x800", "4294967296 1280x800", "0 1921x1080",
		"0 1920x1081", "0 3840x2160", "0 639x480", "0 640x479",
		"0 0x0", "\n", "garbage", "0", "0 1280", "0 1280x",
		"0 x800", "0 1280 800", "0  1280x800", "0 1280x800x1",
		"0 -1280x800", "0 +1280x800", "0 0x500x800", "0 1280X800",
		"0 1280\nx800", "0\t1280x800",
		"0 4294968576x800",	/* 1280 + 2^32: no wrap-around */
		"0 00000000000000000000000000000001280x800", "x 1280x800",
	};
	const struct vd_dtd svga = {
		.clock_khz = 40000, .ha = 800, .hb = 256, .hso = 40,
		.hsw = 128, .va = 600, .vb = 28, .vso = 1, .vsw = 4,
	};
	u8 def[VD_EDID_BLOCK], before[VD_EDID_BLOCK], pv[VD_EDID_BLOCK];
	u8 blob[VD_EDID_BLOCK];
	struct vg g;
	unsigned int i;
	int ret;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	edid_mode_is(&g, "0 1024x768");
	vd_pv_edid(&g, 0, def, sizeof(def));
	hotplug_msi_on(&g);

	/* The operator's replug: hotplug, the new preferred timing. */
	edid_mode_set(&g, 0, 1280, 800, 1920, 1080);

	/* Refused: EINVAL, nothing changes, no hotplug. */
	vd_pv_edid(&g, 0, before, sizeof(before));
	for (i = 0; i < IGT_ARRAY_SIZE(refused); i++) {
		ret = mdev_attr_write(g.uuid, EDID_MODE, refused[i]);
		igt_assert_f(ret == -EINVAL, "\"%s\": %d, want -EINVAL\n",
			     refused[i], ret);
		expect_no_hotplug(&g, refused[i]);
		vd_pv_edid(&g, 0, pv, sizeof(pv));
		igt_assert_f(!memcmp(pv, before, sizeof(pv)),
			     "EDID changed by \"%s\"\n", refused[i]);
		igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_EDID_SIZE(0)),
				  VD_EDID_BLOCK);
	}
	edid_mode_is(&g, "0 1280x800");

	/* The bounds, and a width that is not a multiple of 8. */
	edid_mode_set(&g, 0, 1920, 1080, 1920, 1080);
	edid_mode_set(&g, 0, 640, 480, 1920, 1080);
	edid_mode_set(&g, 0, 1366, 768, 1920, 1080);

	/* A VMM between its link down and up: EBUSY, nothing changes. */
	igt_assert_eq(edid_wr(&g, EDID_FIELD(link_state),
			      VFIO_DEVICE_GFX_LINK_STATE_DOWN), 0);
	expect_hotplug_msi(&g, 0, "link down");
	edid_mode_is(&g, "0 disconnected");
	igt_assert_eq(mdev_attr_write(g.uuid, EDID_MODE, "0 1280x800"),
		      -EBUSY);
	expect_no_hotplug(&g, "a refused replug");
	igt_assert(!connected(&g));
	igt_assert_eq_u32(edid_rd(&g, EDID_FIELD(link_state)),
			  VFIO_DEVICE_GFX_LINK_STATE_DOWN);

	/* The VMM's own EDID. */
	vd_edid_build(blob, &svga, "vGPU-test");
	igt_assert_eq(edid_blob(&g, blob, VD_EDID_BLOCK), 0);
	igt_assert_eq(edid_wr(&g, EDID_FIELD(edid_size), VD_EDID_BLOCK), 0);
	igt_assert_eq(edid_wr(&g, EDID_FIELD(link_state),
			      VFIO_DEVICE_GFX_LINK_STATE_UP), 0);
	expect_hotplug_msi(&g, 0, "link up");
	edid_mode_is(&g, "0 vmm");

	/* Back to the creation EDID, byte for byte. */
	edid_mode_set(&g, 0, 1024, 768, 1920, 1080);
	vd_pv_edid(&g, 0, pv, sizeof(pv));
	igt_assert_f(!memcmp(pv, def, sizeof(pv)),
		     "1024x768 is not the EDID of creation\n");
	vg_destroy(&g);

	/* Two heads: only the head named changes. */
	vd_start(&g, "medium", NULL, 0);
	hotplug_msi_on(&g);
	edid_mode_is(&g, "0 1024x768\n1 1024x768");
	vd_pv_edid(&g, 0, def, sizeof(def));
	edid_mode_set(&g, 1, 2560, 1600, 2560, 1600);
	edid_mode_is(&g, "0 1024x768\n1 2560x1600");
	vd_pv_edid(&g, 0, pv, sizeof(pv));
	igt_assert(!memcmp(pv, def, sizeof(pv)));
	igt_assert_eq(mdev_attr_write(g.uuid, EDID_MODE, "2 1280x800"),
		      -EINVAL);
	igt_assert_eq(mdev_attr_write(g.uuid, EDID_MODE, "1 2561x1600"),
		      -EINVAL);
	expect_no_hotplug(&g, "refused writes");
	vg_destroy(&g);
}

/* ---- bad-modes --------------------------------------------------------- */

static void bad_modes(void *data)
{
	const u32 mode_err = VGPU_DISPLAY_PIPE << VGPU_DISPLAY_ERROR_PLANE_SHIFT |
			     VGPU_DISPLAY_ERR_MODE;
	struct {
		const char *name;
		struct vd_mode m;
		u32 pipesrc;	/* 0: the mode's */
	} cases[] = {
		{ "wider than max", vd_mode_simple(1921, 1080, 2200, 1125, 60), 0 },
		{ "taller than max", vd_mode_simple(1920, 1081, 2200, 1125, 60), 0 },
		{ "htotal < active", vd_mode_simple(1024, 768, 1000, 800, 60), 0 },
		{ "vtotal < active", vd_mode_simple(1024, 768, 1250, 700, 60), 0 },
		{ "PIPESRC > active", mode_1024(60),
		  1279U << VGPU_PIPESRC_WIDTH_SHIFT | 767 },
	};
	struct vd_mode max = vd_mode_simple(1920, 1080, 2200, 1125, 60);
	unsigned long long errs;
	struct vg g;
	u32 count, i;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
		count = vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
		errs = vg_stat(&g, "display_errors");
		vd_timings(&g, 0, &cases[i].m);
		if (cases[i].pipesrc)
			vg_wr(&g, VGPU_REG_PIPESRC(0), cases[i].pipesrc);
		vg_wr(&g, VGPU_REG_PIPECONF(0), VGPU_PIPECONF_ENABLE);
		igt_assert_f(!vd_pipe_running(&g, 0), "%s: pipe runs\n",
			     cases[i].name);
		igt_assert_f(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)) ==
			     mode_err, "%s: error %#x, want %#x\n",
			     cases[i].name,
			     vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)),
			     mode_err);
		igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)),
				  count + 1);
		igt_assert_eq_u64(vg_stat(&g, "display_errors"), errs + 1);
		vg_wr(&g, VGPU_REG_PIPECONF(0), 0);
	}
	/* The largest mode of the type runs, and the error is gone. */
	igt_assert_eq_u32(max.clock_khz, 148500);
	vd_pipe_on(&g, 0, &max);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	igt_assert_f(within(frame_rate(&g, 0, 0.5), 60, 0.10),
		     "1920x1080 does not run at 60 Hz\n");
	vg_destroy(&g);
}

/* ---- bad-planes -------------------------------------------------------- */

enum { SURF_FB, SURF_TAIL, SURF_PAST };

/**
 * struct bad_plane - one refused programming
 * @name: what is wrong
 * @reason: the expected enum vgpu_display_error
 * @ctl_clear: PLANE_CTL bits cleared from a good value
 * @ctl_set: PLANE_CTL bits set (the cursor: CURCNTR mode, 0 = 0x27)
 * @w: plane width (0: the framebuffer's)
 * @h: plane height (0: the framebuffer's)
 * @stride: bytes (0: the framebuffer's)
 * @pos: PLANE_POS
 * @offset: PLANE_OFFSET
 * @surf: where the surface starts: the framebuffer, the last pages of the
 *	slice, just past the slice
 * @cursor: program the cursor instead of the primary plane
 * @stride0: stride 0
 * @hole: a page in the middle of the surface has no GGTT entry
 * @pipe_off: the pipe is stopped first
 * @reset: VFIO_DEVICE_RESET first (the pipe is not restarted)
 */
struct bad_plane {
	const char *name;
	u32 reason;
	u32 ctl_clear, ctl_set;
	u32 w, h, stride;
	u32 pos, offset;
	int surf;
	bool cursor, stride0, hole, pipe_off, reset;
};

static const struct bad_plane bad_plane_table[] = {
	{ "extent beyond the slice", VGPU_DISPLAY_ERR_RANGE,
	  .surf = SURF_TAIL },
	{ "start outside the slice", VGPU_DISPLAY_ERR_RANGE,
	  .surf = SURF_PAST },
	{ "unmapped page", VGPU_DISPLAY_ERR_UNMAPPED, .hole = true },
	{ "stride 0", VGPU_DISPLAY_ERR_STRIDE, .stride0 = true },
	{ "stride < width * 4", VGPU_DISPLAY_ERR_STRIDE, .stride = 960 },
	{ "format 2", VGPU_DISPLAY_ERR_FORMAT,
	  .ctl_clear = VGPU_PLANE_CTL_FORMAT_MASK,
	  .ctl_set = 2 << VGPU_PLANE_CTL_FORMAT_SHIFT },
	{ "X tiled", VGPU_DISPLAY_ERR_FORMAT, .ctl_set = 1 << 10 },
	{ "rotated 90", VGPU_DISPLAY_ERR_FORMAT, .ctl_set = 1 },
	{ "RGBX order", VGPU_DISPLAY_ERR_FORMAT,
	  .ctl_set = VGPU_PLANE_CTL_ORDER_RGBX },
	{ "wider than the max mode", VGPU_DISPLAY_ERR_SIZE, .w = 1921,
	  .h = 16, .stride = 7744 },
	{ "outside the pipe", VGPU_DISPLAY_ERR_SIZE, .pos = VD_XY(900, 0) },
	{ "unaligned offset", VGPU_DISPLAY_ERR_ALIGN, .offset = VD_XY(1, 0) },
	{ "pipe off", VGPU_DISPLAY_ERR_PIPE_OFF, .pipe_off = true },
	{ "cursor mode 0x22", VGPU_DISPLAY_ERR_FORMAT, .cursor = true,
	  .ctl_set = 0x22 },
	{ "cursor outside the slice", VGPU_DISPLAY_ERR_RANGE, .cursor = true,
	  .surf = SURF_PAST },
	{ "after a device reset", VGPU_DISPLAY_ERR_PIPE_OFF, .reset = true },
};

/* The second vGPU: a fill of one line per case, queued as we go. */
static void bystander_fill(struct vg *b, u64 buf, u64 busy, u32 i)
{
	struct vd_rect line = { 0, 0, 1024, 1, 0xb0000000 | i };

	vg_fill(b, COPY, busy, 4096, 1024, 64, i);
	vd_fill_rect(b, buf + (u64)i * 4096, 4096, &line);
	vg_submit(b, COPY);
}

static u64 past_slice(struct vg *g)
{
	u64 end = g->slice_base + g->slice_size;

	if (end <= 0xfffff000ULL)
		return end;
	igt_assert_lte(1 << 20, g->slice_base);
	return g->slice_base - (1 << 20);
}

/*
 * The primary plane with alpha: both premultiplied encodings are
 * ARGB8888 and the bytes, alpha included, reach the VMM unchanged; the
 * fourth alpha value is not a format this device has.
 */
static void primary_argb(void *data)
{
	const u32 alpha[] = { VGPU_PLANE_CTL_ALPHA_SW_PREMUL,
			      VGPU_PLANE_CTL_ALPHA_HW_PREMUL };
	const u32 base = VGPU_PLANE_CTL_ENABLE | VGPU_PLANE_CTL_FORMAT_8888 <<
			 VGPU_PLANE_CTL_FORMAT_SHIFT;
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	struct vd_fb fb;
	struct vg g;
	unsigned int i;
	void *buf;
	u64 len;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vd_fb_alloc(&g, &fb, 512, 384);
	vd_fb_draw(&g, &fb, 7);
	len = vd_page_align((u64)fb.stride * fb.h);
	vd_pipe_on(&g, 0, &m);
	for (i = 0; i < IGT_ARRAY_SIZE(alpha); i++) {
		vd_plane_regs(&g, 0, base | alpha[i], fb.w, fb.h, fb.stride,
			      0, 0);
		vd_flip(&g, 0, fb.gfx);
		vd_query_ok(&g, PRIMARY, REGION, &pi);
		igt_assert_eq_u32(pi.drm_format, VD_FORMAT_ARGB8888);
		igt_assert_eq_u32(pi.width, fb.w);
		igt_assert_eq_u32(pi.stride, fb.stride);
		buf = vd_read_region(&g, VGPU_VFIO_REGION_PRIMARY(0), len);
		vd_check(&fb, buf, fb.stride, "ARGB8888 primary plane");
		free(buf);
	}
	/* Alpha field 1: neither none nor premultiplied. */
	vd_plane_regs(&g, 0, base | (VGPU_PLANE_CTL_ALPHA_MASK &
				     ~VGPU_PLANE_CTL_ALPHA_SW_PREMUL),
		      fb.w, fb.h, fb.stride, 0, 0);
	vg_wr(&g, VGPU_REG_PLANE_SURF(0), (u32)fb.gfx);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)),
			  VGPU_DISPLAY_PRIMARY << VGPU_DISPLAY_ERROR_PLANE_SHIFT |
			  VGPU_DISPLAY_ERR_FORMAT);
	vd_assert_nothing(&g, PRIMARY, REGION);
	vg_destroy(&g);
}

static void bad_planes(void *data)
{
	const u32 ntail = 4;
	struct vd_mode m = mode_1024(60);
	u64 tail, surf, cur, bbuf, bbusy;
	unsigned long long errs;
	u32 count, want, i, j;
	struct vd_fb fb;
	struct vg g, b;
	void *buf;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vd_start(&b, "small", NULL, 0);
	bbuf = vg_alloc(&b, IGT_ARRAY_SIZE(bad_plane_table) * 4096 + 4096);
	bbusy = vg_alloc(&b, 4096 * 64);
	vd_fb_alloc(&g, &fb, 256, 128);
	vd_fb_draw(&g, &fb, 50);
	cur = vg_alloc(&g, 64 * 64 * 4);
	tail = g.slice_base + g.slice_size - ntail * PAGE;
	igt_assert_lt(g.slice_base + g.mapped, tail);
	vd_pipe_on(&g, 0, &m);

	for (i = 0; i < IGT_ARRAY_SIZE(bad_plane_table); i++) {
		const struct bad_plane *c = &bad_plane_table[i];
		u32 plane = c->cursor ? VGPU_DISPLAY_CURSOR :
					VGPU_DISPLAY_PRIMARY;

		igt_debug("case: %s\n", c->name);
		if (c->reset) {
			igt_assert_eq(vfio_dev_reset(&g.dev), 0);
			igt_assert_f(!vd_pipe_running(&g, 0),
				     "pipe runs after a reset\n");
			igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPECONF(0)) &
					  VGPU_PIPECONF_ENABLE, 0);
			/* The guest maps its memory again, nothing else. */
			vg_map(&g, g.slice_base, VG_MEM_IOVA, g.mapped);
		} else if (c->pipe_off) {
			vd_pipe_off(&g, 0);
		} else if (!vd_pipe_running(&g, 0)) {
			vd_pipe_on(&g, 0, &m);
		}
		vg_wr(&g, VGPU_REG_DE_PIPE_IER(0), VGPU_DE_PIPE_PLANE_FAULT);
		vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
		surf = c->cursor ? cur : fb.gfx;
		if (c->surf == SURF_TAIL) {
			surf = tail;
			vg_map(&g, tail, VG_MEM_IOVA, ntail * PAGE);
		} else if (c->surf == SURF_PAST) {
			surf = past_slice(&g);
		}
		if (c->hole)
			vg_pte(&g, fb.gfx + 16 * PAGE, 0);
		count = vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
		errs = vg_stat(&g, "display_errors");

		if (c->cursor) {
			vg_wr(&g, VGPU_REG_CURCNTR(0), c->ctl_set ? c->ctl_set :
			      VGPU_CURCNTR_MODE_64_ARGB);
			vg_wr(&g, VGPU_REG_CURPOS(0), 0);
			vg_wr(&g, VGPU_REG_CURBASE(0), (u32)surf);
		} else {
			vd_plane_regs(&g, 0, (VD_PLANE_CTL_XRGB & ~c->ctl_clear) |
				      c->ctl_set, c->w ? c->w : fb.w,
				      c->h ? c->h : fb.h,
				      c->stride0 ? 0 : c->stride ? c->stride :
				      fb.stride, c->pos, c->offset);
			vg_wr(&g, VGPU_REG_PLANE_SURF(0), (u32)surf);
		}

		igt_assert_f(vd_wait_iir(&g, 0, VGPU_DE_PIPE_PLANE_FAULT, 2),
			     "%s: no plane fault (IIR %#x, error %#x)\n",
			     c->name, vg_rd(&g, VGPU_REG_DE_PIPE_IIR(0)),
			     vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)));
		want = plane << VGPU_DISPLAY_ERROR_PLANE_SHIFT | c->reason;
		igt_assert_f(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)) == want,
			     "%s: error %#x, want %#x\n", c->name,
			     vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)), want);
		igt_assert_f(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)) ==
			     count + 1, "%s: error count %u, was %u\n",
			     c->name,
			     vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)),
			     count);
		igt_assert_f(vg_stat(&g, "display_errors") == errs + 1,
			     "%s: display_errors %llu, was %llu\n", c->name,
			     vg_stat(&g, "display_errors"), errs);
		vd_assert_nothing(&g, PRIMARY, REGION);
		vd_assert_nothing(&g, CURSOR, REGION);
		igt_assert_f(vg_stat(&g, PINNED) == 0,
			     "%s: %llu pages pinned for display\n", c->name,
			     vg_stat(&g, PINNED));

		if (c->hole)
			vg_pte(&g, fb.gfx + 16 * PAGE,
			       (VG_MEM_IOVA + fb.gfx - g.slice_base + 16 * PAGE) |
			       VGPU_GGTT_PTE_PRESENT);
		if (c->surf == SURF_TAIL)
			for (j = 0; j < ntail; j++)
				vg_pte(&g, tail + j * PAGE, 0);
		bystander_fill(&b, bbuf, bbusy, i);
	}

	/* Not enabled in IER: counted, but no plane-fault event. */
	vg_wr(&g, VGPU_REG_DE_PIPE_IER(0), 0);
	vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
	count = vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
	vd_plane_regs(&g, 0, VD_PLANE_CTL_XRGB, fb.w, fb.h, 0, 0, 0);
	vg_wr(&g, VGPU_REG_PLANE_SURF(0), (u32)fb.gfx);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)),
			  count + 1);
	usleep(100000);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_DE_PIPE_IIR(0)) &
			  VGPU_DE_PIPE_PLANE_FAULT, 0);

	/* After all that, a good plane on the same vGPU. */
	vd_check_guest(&g, &fb);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	{
		struct vfio_device_gfx_plane_info pi;

		vd_query_ok(&g, PRIMARY, REGION, &pi);
		vd_assert_primary(&pi, &fb, 0, 0);
		buf = vd_read_region(&g, pi.region_index, pi.size);
		vd_check(&fb, buf, pi.stride, "good plane after the bad ones");
		free(buf);
	}
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);

	/* The other vGPU did its work undisturbed. */
	igt_assert_eq(vg_wait(&b, COPY, 60), 0);
	igt_assert_eq_u32(vg_error(&b, COPY), 0);
	for (i = 0; i < IGT_ARRAY_SIZE(bad_plane_table); i++)
		vg_check_fill(&b, bbuf + (u64)i * 4096, 1024, 0xb0000000 | i);
	igt_assert_eq_u32(vg_rd(&b, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)), 0);
	igt_assert_eq_u64(vg_stat(&b, "display_errors"), 0);
	vg_destroy(&b);
	vg_destroy(&g);
}

/* ---- shown-plane-changes ---------------------------------------------- */

/* Poll page @page of the primary region until it reads as @want. */
static bool wait_region_page(struct vg *g, u32 page, const void *want,
			     double secs)
{
	double end = vg_now() + secs;
	u8 buf[PAGE];

	do {
		igt_assert_eq(vfio_region_read(&g->dev,
					       VGPU_VFIO_REGION_PRIMARY(0),
					       (u64)page * PAGE, buf, PAGE),
			      (ssize_t)PAGE);
		if (!memcmp(buf, want, PAGE))
			return true;
		usleep(1000);
	} while (vg_now() < end);
	return false;
}

static u64 gfx_iova(struct vg *g, u64 gfx)
{
	return VG_MEM_IOVA + (gfx - g->slice_base);
}

/*
 * What happens to a shown plane when the guest rewrites a GGTT entry
 * under it (the plane is committed again: it shows the new page, or is
 * refused when the entry is gone), or commits a refused plane over it.
 */
/*
 * Re-committing the shown plane on unchanged pages, or rewriting one of
 * its GGTT entries with the same value, costs no pins and keeps the
 * dma-buf id; the host does not re-pin a framebuffer behind the guest's
 * back for writes that change nothing.
 */
static void same_plane_keeps_id(void *data)
{
	struct vfio_device_gfx_plane_info pi, pi2;
	struct vd_mode m = mode_1024(60);
	unsigned long long pins, pinned;
	struct vd_fb fb, fb2;
	struct vg g;
	u64 pte;
	int i;

	(void)data;
	vd_start(&g, "small", PROTO_DMABUF, 0);
	vd_fb_alloc(&g, &fb, 320, 200);
	vd_fb_alloc(&g, &fb2, 320, 200);
	vd_fb_draw(&g, &fb, 3);
	vd_fb_draw(&g, &fb2, 4);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	igt_assert_eq_u32(pi.x_hot, 0xffffffff);
	igt_assert_eq_u32(pi.y_hot, 0xffffffff);
	pinned = vg_stat(&g, PINNED);
	pins = vg_stat(&g, "pins");
	igt_assert_eq_u64(pinned, vd_page_align(pi.size) / PAGE);

	for (i = 0; i < 3; i++) {
		vd_flip(&g, 0, fb.gfx);
		pte = vg_pte_read(&g, fb.gfx + 2 * PAGE);
		vg_pte(&g, fb.gfx + 2 * PAGE, pte);
	}
	/* Let any re-commit a GGTT write could cause happen. */
	usleep(300 * 1000);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi2);
	igt_assert_eq_u32(pi2.dmabuf_id, pi.dmabuf_id);
	igt_assert_eq_u64(vg_stat(&g, PINNED), pinned);
	/* The GGTT's own pins did not move either. */
	igt_assert_eq_u64(vg_stat(&g, "pins"), pins);

	/* A real flip still gives a new id and moves the pins. */
	vd_flip(&g, 0, fb2.gfx);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi2);
	igt_assert_neq_u32(pi2.dmabuf_id, pi.dmabuf_id);
	igt_assert_eq_u64(vg_stat(&g, PINNED), pinned);
	vg_destroy(&g);
}

static void shown_plane_changes(void *data)
{
	const u32 bad = VGPU_DISPLAY_PRIMARY << VGPU_DISPLAY_ERROR_PLANE_SHIFT;
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	u32 count, *p, i;
	struct vd_fb fb;
	u64 spare, len;
	struct vg g;
	void *buf;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vd_fb_alloc(&g, &fb, 256, 128);
	vd_fb_draw(&g, &fb, 100);
	spare = vg_alloc(&g, PAGE);
	p = vg_ptr(&g, spare);
	for (i = 0; i < PAGE / 4; i++)
		p[i] = 0x5a5a5a5a;
	len = vd_page_align((u64)fb.stride * fb.h);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);

	/* Page 5 of the surface now maps the spare page. */
	vg_pte(&g, fb.gfx + 5 * PAGE, gfx_iova(&g, spare) |
	       VGPU_GGTT_PTE_PRESENT);
	igt_assert_f(wait_region_page(&g, 5, p, 2),
		     "the region does not show the remapped page\n");
	buf = vd_read_region(&g, VGPU_VFIO_REGION_PRIMARY(0), len);
	for (i = 0; i < PAGE / 4; i++)
		igt_assert_eq_u32(((u32 *)buf)[5 * PAGE / 4 + i], 0x5a5a5a5a);
	/* The other pages are still the framebuffer's. */
	memcpy((u8 *)buf + 5 * PAGE, (u8 *)vg_ptr(&g, fb.gfx) + 5 * PAGE,
	       PAGE);
	vd_check(&fb, buf, fb.stride, "surface with a remapped page");
	free(buf);
	vd_query_ok(&g, PRIMARY, REGION, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);
	vg_pte(&g, fb.gfx + 5 * PAGE, gfx_iova(&g, fb.gfx + 5 * PAGE) |
	       VGPU_GGTT_PTE_PRESENT);
	igt_assert_f(wait_region_page(&g, 5, vg_ptr(&g, fb.gfx + 5 * PAGE),
				      2),
		     "the region does not show the page mapped back\n");

	/*
	 * An entry under the shown surface cleared: at the next vblank the
	 * plane is committed again and refused.
	 */
	count = vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
	vg_wr(&g, VGPU_REG_DE_PIPE_IER(0), VGPU_DE_PIPE_PLANE_FAULT);
	vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
	vg_pte(&g, fb.gfx + 7 * PAGE, 0);
	igt_assert_f(vd_wait_iir(&g, 0, VGPU_DE_PIPE_PLANE_FAULT, 2),
		     "no plane fault after a shown page lost its entry (error %#x)\n",
		     vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)));
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)),
			  bad | VGPU_DISPLAY_ERR_UNMAPPED);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)),
			  count + 1);
	igt_assert(vd_wait_nothing(&g, PRIMARY, REGION, 2));
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	vg_pte(&g, fb.gfx + 7 * PAGE, gfx_iova(&g, fb.gfx + 7 * PAGE) |
	       VGPU_GGTT_PTE_PRESENT);
	vd_show(&g, 0, &fb);
	buf = vd_read_region(&g, VGPU_VFIO_REGION_PRIMARY(0), len);
	vd_check(&fb, buf, fb.stride, "plane shown again");
	free(buf);

	/* A refused commit over the shown plane takes it down at once. */
	count = vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
	vg_wr(&g, VGPU_REG_PLANE_STRIDE(0), 0);
	vg_wr(&g, VGPU_REG_PLANE_SURF(0), (u32)fb.gfx);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)),
			  bad | VGPU_DISPLAY_ERR_STRIDE);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)),
			  count + 1);
	vd_assert_nothing(&g, PRIMARY, REGION);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	vg_destroy(&g);
}

/* ---- dmabuf-unmap ------------------------------------------------------ */

#define EXTRA_IOVA	0x80000000ULL
#define EXTRA_SIZE	(2ULL << 20)

static void dmabuf_unmap(void *data)
{
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	struct vfio_guest_mem extra;
	unsigned long long base;
	void *map, *map2;
	struct vd_fb fb;
	struct vg g;
	__s64 n;
	u64 gfx, len;
	int fd;

	(void)data;
	igt_set_timeout(120, "dma_unmap under an exported plane");
	vd_start(&g, "small", PROTO_DMABUF, 0);
	/* The framebuffer lives in its own piece of guest memory. */
	igt_assert_eq(vfio_guest_mem_alloc(&g.dev, &extra, EXTRA_IOVA,
					   EXTRA_SIZE), 0);
	gfx = g.slice_base + g.mapped;
	vg_map(&g, gfx, extra.iova, extra.size);
	base = g.mapped / PAGE;
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"),
			  base + extra.size / PAGE);
	vd_fb_init(&fb, gfx, 640, 480);
	vd_fb_draw(&g, &fb, 30);
	vd_check(&fb, extra.vaddr, fb.stride, "guest memory");
	len = vd_page_align((u64)fb.stride * fb.h);

	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	fd = vd_get_dmabuf(&g, pi.dmabuf_id);
	igt_assert_lte(0, fd);
	map = vd_mmap_fd(fd, len);
	vd_check(&fb, map, fb.stride, "dma-buf before the unmap");
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);
	igt_assert_eq_u64(vg_stat(&g, "dmabufs"), 1);

	/* The VMM unmaps the memory under the exported plane. */
	n = vfio_dma_unmap(&g.dev, extra.iova, extra.size);
	igt_assert_eq(n, (__s64)extra.size);
	extra.dma_mapped = false;
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), base);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), 0);
	igt_assert_f(vd_all_zero(map, len),
		     "old dma-buf mapping not zero after the unmap\n");
	map2 = vd_mmap_fd(fd, len);
	igt_assert_f(vd_all_zero(map2, len),
		     "new mapping of a revoked dma-buf not zero\n");
	igt_assert_eq(munmap(map2, len), 0);
	igt_assert_f(vd_wait_nothing(&g, PRIMARY, DMABUF, 2),
		     "plane still reported after the unmap\n");
	igt_assert_eq_u64(vg_stat(&g, "dmabufs"), 1);
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	igt_assert_f(vg_wait_stat(&g, "dmabufs", 0, 2),
		     "dmabufs %llu after the last close\n",
		     vg_stat(&g, "dmabufs"));

	/* Mapped again, the vGPU works: a fill, and the plane again. */
	igt_assert_eq(vfio_dma_map(&g.dev, extra.vaddr, extra.iova, extra.size,
				   VFIO_DMA_MAP_FLAG_READ |
				   VFIO_DMA_MAP_FLAG_WRITE), 0);
	extra.dma_mapped = true;
	vg_map(&g, gfx, extra.iova, extra.size);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"),
			  base + extra.size / PAGE);
	memset(extra.vaddr, 0, extra.size);
	vd_fb_draw(&g, &fb, 31);
	vd_check(&fb, extra.vaddr, fb.stride, "guest memory after re-map");
	vd_flip(&g, 0, fb.gfx);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	fd = vd_get_dmabuf(&g, pi.dmabuf_id);
	igt_assert_lte(0, fd);
	map = vd_mmap_fd(fd, len);
	vd_check(&fb, map, fb.stride, "dma-buf after re-map");
	igt_assert_eq(munmap(map, len), 0);
	close(fd);

	/* Unmapped again while displayed (no descriptor open). */
	igt_assert_eq(vfio_guest_mem_free(&g.dev, &extra), 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	igt_assert(vg_wait_stat(&g, "dmabufs", 0, 2));
	vg_destroy(&g);
}

/*
 * A host DRM driver (vgem) imports the exported plane, which maps its
 * pages for DMA (DRM does not let user space map imported objects; the
 * dma-buf's own mapping stands in for the CPU view). A dma_unmap of the
 * memory with the import alive completes, and letting go of everything
 * leaves nothing pinned or exported.
 */
static void dmabuf_import(void *data)
{
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	struct vfio_guest_mem extra;
	u32 h1, h2;
	struct vd_fb fb;
	struct vg g;
	int fd, vgem, ret;
	void *map;
	u64 gfx, len;

	(void)data;
	vgem = vgem_open();
	igt_require_f(vgem >= 0, "no vgem: %s\n", strerror(-vgem));
	vd_start(&g, "small", PROTO_DMABUF, 0);
	igt_assert_eq(vfio_guest_mem_alloc(&g.dev, &extra, EXTRA_IOVA,
					   EXTRA_SIZE), 0);
	gfx = g.slice_base + g.mapped;
	vg_map(&g, gfx, extra.iova, extra.size);
	vd_fb_init(&fb, gfx, 640, 480);
	vd_fb_draw(&g, &fb, 40);
	len = vd_page_align((u64)fb.stride * fb.h);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	fd = vd_get_dmabuf(&g, pi.dmabuf_id);
	igt_assert_lte(0, fd);

	ret = vgem_import(vgem, fd, &h1);
	igt_assert_f(!ret, "import into vgem: %s\n", strerror(-ret));
	igt_assert_eq(vgem_import(vgem, fd, &h2), 0);
	igt_assert_eq_u32(h1, h2);
	map = vd_mmap_fd(fd, len);
	vd_check(&fb, map, fb.stride, "the imported plane");

	igt_assert_eq(vfio_dma_unmap(&g.dev, extra.iova, extra.size),
		      (__s64)extra.size);
	extra.dma_mapped = false;
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	igt_assert_f(vd_all_zero(map, len),
		     "the mapping is not zero after the unmap\n");
	/* Imported before the revocation, the import still holds it. */
	igt_assert_eq(vgem_import(vgem, fd, &h2), 0);
	igt_assert_eq_u32(h1, h2);

	igt_assert_eq(munmap(map, len), 0);
	igt_assert_eq(vgem_close_handle(vgem, h1), 0);
	close(fd);
	close(vgem);
	igt_assert_f(vg_wait_stat(&g, "dmabufs", 0, 2),
		     "dmabufs %llu after the importer let go\n",
		     vg_stat(&g, "dmabufs"));
	igt_assert_eq(vfio_guest_mem_free(&g.dev, &extra), 0);
	vg_destroy(&g);
}

/* ---- reset-close ------------------------------------------------------- */

static int show_and_export(struct vg *g, const struct vd_fb *fb, void **map)
{
	struct vfio_device_gfx_plane_info pi;
	u64 len = vd_page_align((u64)fb->stride * fb->h);
	int fd;

	vd_show(g, 0, fb);
	vd_query_ok(g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, fb, 0, 0);
	fd = vd_get_dmabuf(g, pi.dmabuf_id);
	igt_assert_lte(0, fd);
	*map = vd_mmap_fd(fd, len);
	vd_check(fb, *map, fb->stride, "exported plane");
	return fd;
}

/*
 * A small vGPU with the DMABUF protocol showing a 640x480 picture
 * (pattern @pat) at 60 Hz, exported and mapped: the dma-buf descriptor.
 */
static int start_exported(struct vg *g, struct vd_fb *fb, int pat, void **map,
			  u64 *len)
{
	struct vd_mode m = mode_1024(60);

	vd_start(g, "small", PROTO_DMABUF, 0);
	vd_fb_alloc(g, fb, 640, 480);
	vd_fb_draw(g, fb, pat);
	*len = vd_page_align((u64)fb->stride * fb->h);
	vd_pipe_on(g, 0, &m);
	return show_and_export(g, fb, map);
}

static void reset_close(void *data)
{
	struct vd_mode m = mode_1024(60);
	long long open_count;
	struct vd_fb fb;
	struct vg g;
	void *map;
	u64 len;
	int fd;

	(void)data;
	fd = start_exported(&g, &fb, 60, &map, &len);

	/* Reset with the dma-buf open. */
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPECONF(0)) &
			  (VGPU_PIPECONF_ENABLE | VGPU_PIPECONF_STATE), 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	vd_assert_nothing(&g, PRIMARY, DMABUF);
	igt_assert_f(vd_all_zero(map, len),
		     "dma-buf mapping not zero after the reset\n");
	igt_assert_eq_u64(vg_stat(&g, "dmabufs"), 1);
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	igt_assert(vg_wait_stat(&g, "dmabufs", 0, 2));

	/* The guest starts over: GGTT, ring, pipe, plane. */
	vg_map(&g, g.slice_base, VG_MEM_IOVA, g.mapped);
	vg_ring_init(&g, COPY);
	vd_check_guest(&g, &fb);
	vd_pipe_on(&g, 0, &m);
	fd = show_and_export(&g, &fb, &map);

	/* Close the device with the descriptor still open. */
	vg_close(&g);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	igt_assert_f(vd_all_zero(map, len),
		     "dma-buf mapping not zero after the device closed\n");
	open_count = vg_stat(&g, "dmabufs");
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	igt_assert_f(vg_wait_stat(&g, "dmabufs", 0, 2),
		     "dmabufs %lld after the last descriptor closed (%lld while it was open)\n",
		     (long long)vg_stat(&g, "dmabufs"), open_count);

	/* Opened again, it displays again. */
	vg_open(&g);
	vg_ring_init(&g, COPY);
	vd_fb_alloc(&g, &fb, 640, 480);
	vd_fb_draw(&g, &fb, 61);
	vd_pipe_on(&g, 0, &m);
	fd = show_and_export(&g, &fb, &map);
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	igt_assert(vg_wait_stat(&g, "dmabufs", 0, 2));
	vg_destroy(&g);
	/* Checked last: the run above matters more. */
	igt_assert_f(open_count == 1,
		     "dmabufs %lld with a dma-buf of the closed device open, want 1\n",
		     open_count);
}

/* ---- remove-with-dmabuf ------------------------------------------------- */

static void remove_with_dmabuf(void *data)
{
	struct vd_fb fb;
	struct vg g;
	void *map;
	int fd, i;
	u64 len;

	(void)data;
	fd = start_exported(&g, &fb, 80, &map, &len);

	/* Device closed and removed; the dma-buf outlives its vGPU. */
	vg_close(&g);
	igt_assert_eq(mdev_remove(g.uuid), 0);
	igt_assert(!mdev_exists(g.uuid));
	igt_assert_f(vd_all_zero(map, len),
		     "dma-buf of a removed vGPU still shows guest pages\n");
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	/*
	 * New vGPUs reuse the freed one's memory: with slub_debug a write
	 * to it after the free is reported now, during this subtest.
	 */
	for (i = 0; i < 4; i++) {
		igt_assert_eq(vg_create(&g, "small"), 0);
		igt_assert_eq(mdev_remove(g.uuid), 0);
	}

	/* The parent still works: a new vGPU displays and exports. */
	fd = start_exported(&g, &fb, 81, &map, &len);
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
	igt_assert(vg_wait_stat(&g, "dmabufs", 0, 2));
	vg_destroy(&g);
}

/* ---- two-heads --------------------------------------------------------- */

static void two_heads(void *data)
{
	struct vd_mode m0 = mode_1024(60);
	struct vd_mode m1 = vd_mode_simple(2560, 1600, 2720, 1650, 60);
	struct vfio_device_gfx_plane_info pi;
	unsigned int before, after;
	u8 edid[VGPU_PV_EDID_MAX];
	struct vd_fb fb[2];
	u32 size;
	void *map, *buf;
	struct vg g;
	double rate;
	int h;

	(void)data;
	igt_set_timeout(240, "two heads at up to 2560x1600");
	vd_start(&g, "medium", NULL, 24ULL << 20);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_NUM_HEADS), 2);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_MAX_MODE), 1600U << 16 | 2560);
	igt_assert(vg_rd(&g, VGPU_PV_CAPS) & VGPU_PV_CAP_DISPLAY);
	igt_assert_eq(g.dev.info.num_regions,
		      VGPU_VFIO_REGION_FIRST + 2 * VGPU_VFIO_REGIONS_PER_HEAD);
	for (h = 0; h < 2; h++) {
		check_plane_region(&g, VGPU_VFIO_REGION_PRIMARY(h),
				   VGPU_REGION_SUBTYPE_PRIMARY(h));
		check_plane_region(&g, VGPU_VFIO_REGION_CURSOR(h),
				   VGPU_REGION_SUBTYPE_CURSOR(h));
		igt_assert_lte(2560 * 1600 * 4,
			       vfio_dev_region(&g.dev,
					       VGPU_VFIO_REGION_PRIMARY(h))->size);
		igt_assert(vg_rd(&g, VGPU_PV_HEAD_STATUS(h)) &
			   VGPU_HEAD_STATUS_CONNECTED);
		size = vg_rd(&g, VGPU_PV_HEAD_EDID_SIZE(h));
		igt_assert_lte(VD_EDID_BLOCK, size);
		igt_assert_lte(size, VGPU_PV_EDID_MAX);
		vd_pv_edid(&g, h, edid, size);
		check_default_edid(edid, size, 2560, 1600);
	}

	vd_fb_alloc(&g, &fb[0], m0.w, m0.h);
	vd_fb_alloc(&g, &fb[1], m1.w, m1.h);
	vd_fb_draw(&g, &fb[0], 70);
	vd_fb_draw(&g, &fb[1], 71);
	vd_check_guest(&g, &fb[0]);
	vd_check_guest(&g, &fb[1]);
	vd_pipe_on(&g, 0, &m0);
	vd_pipe_on(&g, 1, &m1);
	vd_show(&g, 0, &fb[0]);
	vd_show(&g, 1, &fb[1]);

	/* The VFIO query reports head 0. */
	vd_query_ok(&g, PRIMARY, REGION, &pi);
	vd_assert_primary(&pi, &fb[0], 0, 0);
	igt_assert_eq_u32(pi.region_index, VGPU_VFIO_REGION_PRIMARY(0));
	for (h = 0; h < 2; h++) {
		u32 idx = VGPU_VFIO_REGION_PRIMARY(h);
		u64 len = vd_page_align((u64)fb[h].stride * fb[h].h);

		map = vd_mmap_region(&g, idx, len);
		vd_check(&fb[h], map, fb[h].stride, h ? "head 1 mmap" :
			 "head 0 mmap");
		igt_assert_eq(munmap(map, len), 0);
		buf = vd_read_region(&g, idx, (u64)fb[h].stride * fb[h].h);
		vd_check(&fb[h], buf, fb[h].stride, h ? "head 1 pread" :
			 "head 0 pread");
		free(buf);
	}
	igt_assert_eq_u64(vg_stat(&g, PINNED),
			  (fb[0].size + fb[1].size) / PAGE);

	/* Vblank on both pipes. */
	for (h = 0; h < 2; h++) {
		vg_wr(&g, VGPU_REG_DE_PIPE_IER(h), VGPU_DE_PIPE_VBLANK);
		vg_wr(&g, VGPU_REG_DE_PIPE_IMR(h), 0);
		vg_wr(&g, VGPU_REG_DE_PIPE_IIR(h), ~0U);
	}
	for (h = 0; h < 2; h++) {
		rate = frame_rate(&g, h, 0.5);
		igt_info("pipe %d: PIPE_FRMCOUNT %.2f/s\n", h, rate);
		igt_assert_f(within(rate, 60, 0.10), "pipe %d: %.2f frames/s\n",
			     h, rate);
		igt_assert(vg_rd(&g, VGPU_REG_DE_PIPE_IIR(h)) &
			   VGPU_DE_PIPE_VBLANK);
	}

	/* A third pipe does not exist. */
	before = vg_rd(&g, VGPU_PV_UNHANDLED_ACCESSES);
	vg_wr(&g, VGPU_REG_PIPECONF(2), VGPU_PIPECONF_ENABLE);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPECONF(2)), 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_HTOTAL(2)), 0);
	vg_wr(&g, VGPU_REG_PLANE_SURF(2), (u32)fb[0].gfx);
	after = vg_rd(&g, VGPU_PV_UNHANDLED_ACCESSES);
	igt_assert_eq_u32(after, before + 4);
	igt_assert(!vfio_dev_region(&g.dev, VGPU_VFIO_REGION_EDID(2)));

	vd_pipe_off(&g, 1);
	vd_pipe_off(&g, 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
	vg_destroy(&g);
}

/* ---- dmabuf-get-race -------------------------------------------------- */

/* GET_GFX_DMABUF and close as fast as possible until @end; returns loops. */
static unsigned long get_close_loop(struct vg *g, u32 id, double end)
{
	unsigned long n = 0;
	int fd;

	while (vg_now() < end) {
		fd = vd_get_dmabuf(g, id);
		if (fd < 0)
			return 0;
		close(fd);
		n++;
	}
	return n;
}

/*
 * Two processes export and close the displayed plane's dma-buf in a loop:
 * one's last close races the other's GET_GFX_DMABUF of the same object.
 */
static void dmabuf_get_race(void *data)
{
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_1024(60);
	unsigned long n;
	struct vd_fb fb;
	double end;
	struct vg g;
	int status;
	pid_t pid;

	(void)data;
	vd_start(&g, "small", PROTO_DMABUF, 0);
	vd_fb_alloc(&g, &fb, 256, 64);
	vd_fb_draw(&g, &fb, 90);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	end = vg_now() + 5;
	pid = fork();
	igt_assert_lte(0, pid);
	if (!pid)
		_exit(get_close_loop(&g, pi.dmabuf_id, end) ? 0 : 1);
	n = get_close_loop(&g, pi.dmabuf_id, end);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
		     "child: status %#x\n", status);
	igt_assert_lt(0, n);
	igt_info("%lu export/close pairs in this process\n", n);
	igt_assert_f(vg_wait_stat(&g, "dmabufs", 0, 2), "dmabufs %lld\n",
		     (long long)vg_stat(&g, "dmabufs"));
	igt_assert_eq_u64(vg_stat(&g, PINNED), fb.size / PAGE);
	vd_query_ok(&g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	vg_destroy(&g);
}

/* ---- pipe CRC ---------------------------------------------------------- */

#define CRC_ON		(VGPU_PIPE_CRC_ENABLE | VGPU_PIPE_CRC_SOURCE_PF)
#define CRCS		"display_crcs"
#define CRC_NS		"display_crc_ns"
#define CRC_ERROR	(VGPU_DISPLAY_CRC << VGPU_DISPLAY_ERROR_PLANE_SHIFT | \
			 VGPU_DISPLAY_ERR_MODE)
#define CUR		VGPU_CURSOR_SIZE

/* 640x480 at 60 Hz: a small frame, so CRCs come often under TCG. */
static struct vd_mode mode_crc(void)
{
	return vd_mode_simple(640, 480, 800, 525, 60);
}

/* CRC-32, IEEE 802.3 (reflected 0xedb88320), seed ~0, result inverted. */
static u32 crc32_ieee(const void *buf, size_t len)
{
	static u32 table[256];
	const u8 *p = buf;
	u32 c = ~0U, i, k;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			c = i;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320U ^ c >> 1 : c >> 1;
			table[i] = c;
		}
		c = ~0U;
	}
	while (len--)
		c = table[(c ^ *p++) & 0xff] ^ c >> 8;
	return ~c;
}

/**
 * struct crc_scene - what a frame shows, as the test composes it
 * @w: frame width (PIPESRC)
 * @h: frame height
 * @prim: the primary plane in guest memory, NULL if off
 * @px: its PLANE_POS x
 * @py: its PLANE_POS y
 * @pw: its width
 * @ph: its height
 * @stride: its stride in bytes
 * @cur: the 64x64 cursor image, NULL if off
 * @cx: CURPOS x (may be negative)
 * @cy: CURPOS y
 */
struct crc_scene {
	u32 w, h;
	const u32 *prim;
	u32 px, py, pw, ph, stride;
	const u32 *cur;
	int cx, cy;
};

/* Premultiplied over, per channel, saturated (docs/display.md). */
static u32 crc_blend(u32 src, u32 dst)
{
	u32 inv = 255 - (src >> 24), out = 0, s, d, c;
	int sh;

	for (sh = 0; sh < 24; sh += 8) {
		s = src >> sh & 0xff;
		d = dst >> sh & 0xff;
		c = s + d * inv / 255;
		out |= (c > 255 ? 255 : c) << sh;
	}
	return out;
}

/* The frame of @s, 0x00RRGGBB per pixel, into @out (w * h). */
static void crc_compose(const struct crc_scene *s, u32 *out)
{
	u32 x, y;
	int cx, cy;

	for (y = 0; y < s->h; y++) {
		for (x = 0; x < s->w; x++) {
			u32 v = 0;

			if (s->prim && x >= s->px && x - s->px < s->pw &&
			    y >= s->py && y - s->py < s->ph)
				v = s->prim[(y - s->py) * (s->stride / 4) +
					    (x - s->px)] & 0xffffff;
			cx = (int)x - s->cx;
			cy = (int)y - s->cy;
			if (s->cur && cx >= 0 && cx < CUR && cy >= 0 &&
			    cy < CUR)
				v = crc_blend(s->cur[cy * CUR + cx], v);
			out[(u64)y * s->w + x] = v;
		}
	}
}

/* The CRC the device must compute for @s. */
static u32 crc_expect(const struct crc_scene *s)
{
	u32 *frame = malloc((u64)s->w * s->h * 4), crc;

	igt_assert(frame);
	crc_compose(s, frame);
	crc = crc32_ieee(frame, (u64)s->w * s->h * 4);
	free(frame);
	return crc;
}

/* PIPE_CRC_RES and the frame it belongs to, read consistently. */
static u32 crc_read(struct vg *g, int p, u32 *frame)
{
	u32 f, crc;

	do {
		f = vg_rd(g, VGPU_PV_HEAD_CRC_FRAME(p));
		crc = vg_rd(g, VGPU_REG_PIPE_CRC_RES(p));
		*frame = vg_rd(g, VGPU_PV_HEAD_CRC_FRAME(p));
	} while (f != *frame);
	return crc;
}

/*
 * The next CRC latched (CRC_DONE) of a frame at or after @first; a frame
 * whose PIPE_FRMCOUNT was read after a change shows that change.
 */
static u32 crc_from(struct vg *g, int p, u32 first, u32 *frame)
{
	double end = vg_now() + 20;
	u32 crc, f;

	for (;;) {
		vg_wr(g, VGPU_REG_DE_PIPE_IIR(p), VGPU_DE_PIPE_CRC_DONE);
		igt_assert_f(vd_wait_iir(g, p, VGPU_DE_PIPE_CRC_DONE,
					 end - vg_now()),
			     "pipe %d: no CRC of frame %u (CTL %#x, error %#x)\n",
			     p, first, vg_rd(g, VGPU_REG_PIPE_CRC_CTL(p)),
			     vg_rd(g, VGPU_PV_HEAD_DISPLAY_ERROR(p)));
		crc = crc_read(g, p, &f);
		if ((int)(f - first) >= 0)
			break;
	}
	if (frame)
		*frame = f;
	return crc;
}

/* The CRC of what pipe @p shows from now on. */
static u32 crc_now(struct vg *g, int p)
{
	return crc_from(g, p, vg_rd(g, VGPU_REG_PIPE_FRMCOUNT(p)), NULL);
}

static void crc_enable(struct vg *g, int p)
{
	vg_wr(g, VGPU_REG_DE_PIPE_IER(p),
	      vg_rd(g, VGPU_REG_DE_PIPE_IER(p)) | VGPU_DE_PIPE_CRC_DONE);
	vg_wr(g, VGPU_REG_PIPE_CRC_CTL(p), CRC_ON);
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_PIPE_CRC_CTL(p)), CRC_ON);
}

/* A pixel with every channel and the alpha byte depending on @seed. */
static u32 crc_pixel(u32 x, u32 y, u32 seed)
{
	u32 v = (x * 0x9e3779b1U) ^ (y * 0x85ebca77U) ^ seed;

	v ^= v >> 13;
	return v * 0x2c1b3c6dU;
}

/*
 * Fill @fb from the CPU: pixels from @seed with alpha bytes from
 * @alpha_seed, the padding past each line with garbage.
 */
static void crc_fill(struct vg *g, const struct vd_fb *fb, u32 seed,
		     u32 alpha_seed)
{
	u32 *p = vg_ptr(g, fb->gfx), x, y;

	for (y = 0; y < fb->h; y++) {
		for (x = 0; x < fb->stride / 4; x++) {
			u32 v = crc_pixel(x, y, seed) & 0xffffff;

			if (x >= fb->w)
				v = crc_pixel(x, y, alpha_seed);
			p[y * (fb->stride / 4) + x] = v |
				crc_pixel(x, y, alpha_seed) << 24;
		}
	}
}

static struct crc_scene crc_scene_of(struct vg *g, const struct vd_mode *m,
				     const struct vd_fb *fb, u32 x, u32 y)
{
	struct crc_scene s = {
		.w = m->w, .h = m->h, .prim = vg_ptr(g, fb->gfx),
		.px = x, .py = y, .pw = fb->w, .ph = fb->h,
		.stride = fb->stride,
	};

	return s;
}

/*
 * Identical pixels give identical CRCs (two framebuffers that differ in
 * their alpha bytes and padding only), one changed pixel another CRC,
 * frame numbers advance, CRC_DONE fires, and the value is exactly the
 * CRC-32 of the frame composed as docs/display.md says.
 */
static void crc_frames(void *data)
{
	struct vd_mode m = mode_crc();
	u32 crc_a, crc_b, crc, frame, last, fc, want, n0, i;
	struct crc_scene s;
	struct vd_fb a, b;
	struct vg g;
	u32 *px;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vg_enable_msi(&g);
	vg_wr(&g, VGPU_REG_DE_PIPE_IMR(0), 0);
	/* Smaller than the pipe, not at the origin, padded lines. */
	vd_fb_alloc(&g, &a, 600, 400);
	vd_fb_alloc(&g, &b, 600, 400);
	igt_assert_lt(a.w * 4, a.stride);
	crc_fill(&g, &a, 1, 2);
	crc_fill(&g, &b, 1, 3);
	igt_assert(memcmp(vg_ptr(&g, a.gfx), vg_ptr(&g, b.gfx), a.size));
	vd_pipe_on(&g, 0, &m);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPE_CRC_CTL(0)), 0);
	n0 = vg_stat(&g, CRCS);
	igt_assert_eq_u32(n0, 0);

	/* Nothing shown: a black frame. */
	crc_enable(&g, 0);
	s = (struct crc_scene){ .w = m.w, .h = m.h };
	crc = crc_now(&g, 0);
	igt_assert_eq_u32(crc, crc_expect(&s));

	vd_show_at(&g, 0, &a, VD_XY(16, 40));
	crc_a = crc_now(&g, 0);
	s = crc_scene_of(&g, &m, &a, 16, 40);
	want = crc_expect(&s);
	igt_info("CRC of the frame: %#010x, computed here %#010x\n", crc_a,
		 want);
	igt_assert_eq_u32(crc_a, want);

	/* The same frame again and again: the same CRC, later frames. */
	crc = crc_read(&g, 0, &last);
	/* Nothing else pending (flip-done), so each CRC_DONE is an edge. */
	vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
	vfio_eventfd_wait(g.irq_fd, 0, NULL);
	for (i = 0; i < 4; i++) {
		crc = crc_from(&g, 0, last + 1, &frame);
		fc = vg_rd(&g, VGPU_REG_PIPE_FRMCOUNT(0));
		igt_assert_eq_u32(crc, crc_a);
		igt_assert_f((int)(frame - last) > 0 && (int)(fc - frame) > 0,
			     "CRC frame %u after %u, PIPE_FRMCOUNT %u\n",
			     frame, last, fc);
		last = frame;
	}
	igt_assert(vg_rd(&g, VGPU_REG_MASTER_IRQ) & VGPU_MASTER_IRQ_PIPE(0));
	igt_assert_eq(vfio_eventfd_wait(g.irq_fd, 1000, NULL), 0);

	/* Same pixels in another framebuffer (other alpha and padding). */
	vd_show_at(&g, 0, &b, VD_XY(16, 40));
	crc_b = crc_now(&g, 0);
	igt_assert_eq_u32(crc_b, crc_a);

	/* One pixel changes: the last one of the plane. */
	px = vg_ptr(&g, b.gfx + (u64)(b.h - 1) * b.stride + (b.w - 1) * 4);
	*px ^= 0x000100;
	crc = crc_now(&g, 0);
	igt_assert_neq_u32(crc, crc_a);
	s = crc_scene_of(&g, &m, &b, 16, 40);
	igt_assert_eq_u32(crc, crc_expect(&s));
	/* Moved by one pixel: another CRC. */
	*px ^= 0x000100;
	vd_show_at(&g, 0, &b, VD_XY(17, 40));
	crc = crc_now(&g, 0);
	igt_assert_neq_u32(crc, crc_a);
	s = crc_scene_of(&g, &m, &b, 17, 40);
	igt_assert_eq_u32(crc, crc_expect(&s));
	igt_assert_lt(n0, vg_stat(&g, CRCS));
	vg_destroy(&g);
}

/* A premultiplied cursor: alpha ramps, some colours past their alpha. */
static void crc_cursor_image(u32 *img)
{
	u32 x, y, a, r, gr, b;

	for (y = 0; y < CUR; y++) {
		for (x = 0; x < CUR; x++) {
			a = (x * 4 + y) & 0xff;
			if (x < 8)
				a = 0xff;
			else if (x >= CUR - 8)
				a = 0;
			r = a * ((x * 7 + y) & 0xff) / 255;
			gr = a * ((y * 5) & 0xff) / 255;
			b = a * ((x ^ y) * 3 & 0xff) / 255;
			/* Not premultiplied: the blend saturates. */
			if (y == 3)
				r = 0xff;
			img[y * CUR + x] = a << 24 | r << 16 | gr << 8 | b;
		}
	}
}

static void crc_cursor_on(struct vg *g, u64 cur, int x, int y)
{
	struct vfio_device_gfx_plane_info pi;

	vg_wr(g, VGPU_REG_CURCNTR(0), VGPU_CURCNTR_MODE_64_ARGB);
	vg_wr(g, VGPU_REG_CURPOS(0), vd_curpos(x, y));
	vg_wr(g, VGPU_REG_CURBASE(0), (u32)cur);
	igt_assert_f(wait_cursor(g, REGION, &pi), "cursor not shown (%#x)\n",
		     vg_rd(g, VGPU_PV_HEAD_DISPLAY_ERROR(0)));
}

/*
 * The cursor is blended on top (premultiplied alpha, clipped, CURPOS
 * negative too), and gives the same CRC as the same pixels drawn into
 * the primary plane.
 */
static void crc_cursor(void *data)
{
	static const int pos[][2] = {
		{ 100, 50 }, { -20, -10 }, { 600, 450 }, { -10, 470 },
	};
	struct vd_mode m = mode_crc();
	u32 *img, *comp, crc, want, i, y;
	struct crc_scene s;
	struct vd_fb a, b;
	struct vg g;
	u64 cur;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vd_fb_alloc(&g, &a, m.w, m.h);
	vd_fb_alloc(&g, &b, m.w, m.h);
	crc_fill(&g, &a, 7, 8);
	cur = vg_alloc(&g, CUR * CUR * 4);
	img = vg_ptr(&g, cur);
	crc_cursor_image(img);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &a);
	crc_enable(&g, 0);
	crc_cursor_on(&g, cur, pos[0][0], pos[0][1]);

	s = crc_scene_of(&g, &m, &a, 0, 0);
	s.cur = img;
	for (i = 0; i < IGT_ARRAY_SIZE(pos); i++) {
		/* CURPOS applies at once. */
		vg_wr(&g, VGPU_REG_CURPOS(0), vd_curpos(pos[i][0], pos[i][1]));
		s.cx = pos[i][0];
		s.cy = pos[i][1];
		crc = crc_now(&g, 0);
		want = crc_expect(&s);
		igt_assert_f(crc == want,
			     "cursor at (%d,%d): CRC %#010x, want %#010x\n",
			     s.cx, s.cy, crc, want);
	}

	/* The composed frame drawn into a primary plane, no cursor. */
	comp = malloc((u64)m.w * m.h * 4);
	igt_assert(comp);
	crc_compose(&s, comp);
	for (y = 0; y < m.h; y++)
		memcpy((u8 *)vg_ptr(&g, b.gfx) + (u64)y * b.stride,
		       comp + (u64)y * m.w, m.w * 4);
	free(comp);
	vg_wr(&g, VGPU_REG_CURCNTR(0), VGPU_CURCNTR_MODE_DISABLE);
	vg_wr(&g, VGPU_REG_CURBASE(0), (u32)cur);
	igt_assert(vd_wait_nothing(&g, CURSOR, REGION, 5));
	vd_flip(&g, 0, b.gfx);
	igt_assert_eq_u32(crc_now(&g, 0), crc);

	/* And the cursor over the plain plane again. */
	vd_flip(&g, 0, a.gfx);
	crc_cursor_on(&g, cur, s.cx, s.cy);
	igt_assert_eq_u32(crc_now(&g, 0), crc);
	vg_destroy(&g);
}

/*
 * Sources other than the pipe's output are refused like a bad mode: CRC
 * off, the guest sees why, it is counted, PLANE_FAULT fires; the pipe,
 * its plane and vblank carry on. A good enable afterwards works.
 */
static void crc_bad_source(void *data)
{
	static const u32 bad[] = {
		VGPU_PIPE_CRC_ENABLE,
		VGPU_PIPE_CRC_ENABLE | 0x20000000,
		VGPU_PIPE_CRC_ENABLE | VGPU_PIPE_CRC_SOURCE_MASK,
		~0U,
	};
	struct vfio_device_gfx_plane_info pi;
	struct vd_mode m = mode_crc();
	unsigned long long errs, n;
	u32 count, i, want;
	struct crc_scene s;
	struct vd_fb fb;
	struct vg g;

	(void)data;
	vd_start(&g, "small", NULL, 0);
	vd_fb_alloc(&g, &fb, m.w, m.h);
	crc_fill(&g, &fb, 11, 12);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	vg_wr(&g, VGPU_REG_DE_PIPE_IER(0), VGPU_DE_PIPE_PLANE_FAULT |
	      VGPU_DE_PIPE_VBLANK | VGPU_DE_PIPE_CRC_DONE);
	vg_wr(&g, VGPU_REG_DE_PIPE_IMR(0), 0);

	for (i = 0; i < IGT_ARRAY_SIZE(bad); i++) {
		/* Refused whether the CRC was off or on. */
		if (i % 2) {
			crc_enable(&g, 0);
			crc_now(&g, 0);
		}
		errs = vg_stat(&g, "display_errors");
		count = vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
		vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
		vg_wr(&g, VGPU_REG_PIPE_CRC_CTL(0), bad[i]);
		igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPE_CRC_CTL(0)), 0);
		igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)),
				  CRC_ERROR);
		igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)),
				  count + 1);
		igt_assert_eq_u64(vg_stat(&g, "display_errors"), errs + 1);
		igt_assert(vg_rd(&g, VGPU_REG_DE_PIPE_IIR(0)) &
			   VGPU_DE_PIPE_PLANE_FAULT);

		/* Nothing else changed; no CRC comes. */
		n = vg_stat(&g, CRCS);
		vg_wr(&g, VGPU_REG_DE_PIPE_IIR(0), ~0U);
		igt_assert(vd_wait_iir(&g, 0, VGPU_DE_PIPE_VBLANK, 2));
		usleep(100000);
		igt_assert(vd_pipe_running(&g, 0));
		vd_query_ok(&g, PRIMARY, REGION, &pi);
		vd_assert_primary(&pi, &fb, 0, 0);
		igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PLANE_SURFLIVE(0)),
				  (u32)fb.gfx);
		igt_assert_eq_u64(vg_stat(&g, CRCS), n);
		igt_assert_eq_u32(vg_rd(&g, VGPU_REG_DE_PIPE_IIR(0)) &
				  VGPU_DE_PIPE_CRC_DONE, 0);
	}

	/* A good enable clears the error; unknown bits read zero. */
	vg_wr(&g, VGPU_REG_PIPE_CRC_CTL(0), CRC_ON | 0x1fffffff);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPE_CRC_CTL(0)), CRC_ON);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	s = crc_scene_of(&g, &m, &fb, 0, 0);
	want = crc_expect(&s);
	igt_assert_eq_u32(crc_now(&g, 0), want);
	vg_destroy(&g);
}

/* display_crcs stands still for @secs. */
static void crc_assert_stopped(struct vg *g, const char *why)
{
	unsigned long long n = vg_stat(g, CRCS);

	vg_wr(g, VGPU_REG_DE_PIPE_IIR(0), VGPU_DE_PIPE_CRC_DONE);
	usleep(300000);
	igt_assert_f(vg_stat(g, CRCS) == n, "%s: %llu CRCs after %llu\n",
		     why, vg_stat(g, CRCS), n);
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_DE_PIPE_IIR(0)) &
			  VGPU_DE_PIPE_CRC_DONE, 0);
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_PIPE_CRC_CTL(0)), 0);
}

/*
 * Turning the CRC off stops the work at once; so do a pipe stop, a
 * dma_unmap of the shown plane (mid-walk, a frame at the type's largest
 * mode) and a reset, which also clears the results.
 */
static void crc_off(void *data)
{
	struct vd_mode m = mode_crc(), big;
	struct vfio_guest_mem extra;
	u32 crc, frame, black, i;
	struct crc_scene s = {};
	struct vd_fb fb;
	struct vg g;
	__s64 n;
	u64 gfx;

	(void)data;
	igt_set_timeout(120, "pipe CRC off");
	vd_start(&g, "small", NULL, 0);
	vd_fb_alloc(&g, &fb, m.w, m.h);
	crc_fill(&g, &fb, 21, 22);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);

	/* Off. */
	crc_enable(&g, 0);
	crc = crc_now(&g, 0);
	vg_wr(&g, VGPU_REG_PIPE_CRC_CTL(0), VGPU_PIPE_CRC_SOURCE_PF);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPE_CRC_CTL(0)),
			  VGPU_PIPE_CRC_SOURCE_PF);
	vg_wr(&g, VGPU_REG_PIPE_CRC_CTL(0), 0);
	crc_assert_stopped(&g, "CRC off");
	/* The last result stays readable. */
	igt_assert_eq_u32(crc_read(&g, 0, &frame), crc);

	/* A pipe stop turns it off; it stays off when the pipe restarts. */
	crc_enable(&g, 0);
	crc_now(&g, 0);
	vd_pipe_off(&g, 0);
	crc_assert_stopped(&g, "pipe off");
	vd_pipe_on(&g, 0, &m);
	crc_assert_stopped(&g, "pipe on again");

	/*
	 * dma_unmap of the plane's memory while CRCs of the largest frame
	 * run: the plane goes, nothing stays pinned, CRCs go on (black).
	 */
	big = vd_mode_simple(1920, 1080, 2200, 1125, 60);
	igt_assert_eq(vfio_guest_mem_alloc(&g.dev, &extra, EXTRA_IOVA,
					   9ULL << 20), 0);
	gfx = g.slice_base + g.mapped;
	vg_map(&g, gfx, extra.iova, extra.size);
	vd_fb_init(&fb, gfx, big.w, big.h);
	memset(extra.vaddr, 0x5a, extra.size);
	s.w = big.w;
	s.h = big.h;
	black = crc_expect(&s);
	vd_pipe_off(&g, 0);
	vd_pipe_on(&g, 0, &big);
	vd_show(&g, 0, &fb);
	crc_enable(&g, 0);
	crc_now(&g, 0);
	for (i = 0; i < 3; i++) {
		/* Land in the middle of a walk now and then. */
		usleep(i * 7000);
		n = vfio_dma_unmap(&g.dev, extra.iova, extra.size);
		igt_assert_eq(n, (__s64)extra.size);
		igt_assert_eq_u64(vg_stat(&g, PINNED), 0);
		igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPE_CRC_CTL(0)), CRC_ON);
		igt_assert_eq_u32(crc_now(&g, 0), black);
		igt_assert_eq(vfio_dma_map(&g.dev, extra.vaddr, extra.iova,
					   extra.size,
					   VFIO_DMA_MAP_FLAG_READ |
					   VFIO_DMA_MAP_FLAG_WRITE), 0);
		vg_map(&g, gfx, extra.iova, extra.size);
		vd_show(&g, 0, &fb);
		crc_now(&g, 0);
	}
	igt_assert_eq(vfio_guest_mem_free(&g.dev, &extra), 0);
	igt_assert_eq_u64(vg_stat(&g, PINNED), 0);

	/* Reset: off, results cleared. */
	crc_now(&g, 0);
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_REG_PIPE_CRC_RES(0)), 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_HEAD_CRC_FRAME(0)), 0);
	crc_assert_stopped(&g, "reset");
	vg_destroy(&g);
}

/*
 * What a CRC costs the host: wall time of the work item per frame
 * (display_crc_ns / display_crcs) at 1024x768 and at the largest modes
 * of the small and large types.
 */
static void crc_cost_one(const char *type, u32 w, u32 h, u32 htotal,
			 u32 vtotal)
{
	struct vd_mode m = vd_mode_simple(w, h, htotal, vtotal, 60);
	unsigned long long n0, ns0, n, ns;
	struct vd_fb fb;
	double t0, secs;
	struct vg g;

	vd_start(&g, type, NULL, (((u64)w * h * 4) & ~(PAGE - 1)) +
		 (2ULL << 20));
	vd_fb_alloc(&g, &fb, w, h);
	memset(vg_ptr(&g, fb.gfx), 0x35, fb.size);
	vd_pipe_on(&g, 0, &m);
	vd_show(&g, 0, &fb);
	crc_enable(&g, 0);
	crc_now(&g, 0);
	n0 = vg_stat(&g, CRCS);
	ns0 = vg_stat(&g, CRC_NS);
	t0 = vg_now();
	/*
	 * At least 1.5 s and one CRC: on the debug kernel (KASAN) one CRC
	 * of a 3840x2160 frame takes longer than that.
	 */
	do {
		usleep(100000);
		n = vg_stat(&g, CRCS) - n0;
		secs = vg_now() - t0;
	} while ((secs < 1.5 || !n) && secs < 60);
	n = vg_stat(&g, CRCS) - n0;
	ns = vg_stat(&g, CRC_NS) - ns0;
	igt_assert_f(n > 0, "no CRC of %ux%u in %.0f s\n", w, h, secs);
	igt_info("pipe CRC %ux%u (%s): %.2f ms per frame, %llu CRCs in %.1f s (%.1f/s of 60), %.0f %% of a CPU\n",
		 w, h, type, ns / 1e6 / n, n, secs, n / secs,
		 ns / 1e7 / secs);
	vg_destroy(&g);
}

static void crc_cost(void *data)
{
	(void)data;
	igt_set_timeout(300, "pipe CRC cost");
	crc_cost_one("small", 1024, 768, 1250, 800);
	crc_cost_one("small", 1920, 1080, 2200, 1125);
	crc_cost_one("large", 3840, 2160, 4000, 2222);
}

static const struct igt_subtest subtests[] = {
	{ "plane-region-pixels", plane_region_pixels,
	  "a plane drawn by the copy engine reads back exactly through the primary region" },
	{ "plane-dmabuf-pixels", plane_dmabuf_pixels,
	  "the dmabuf protocol exports the displayed plane with exact pixels" },
	{ "probe", probe,
	  "only the protocol selected in sysfs probes; it cannot change while open" },
	{ "flip", flip,
	  "flips give new dma-bufs, old ones keep their pixels; regions follow flips" },
	{ "cursor", cursor,
	  "the cursor image, position and hotspot reach the VMM" },
	{ "vblank-rate", vblank_rate,
	  "vblank interrupts and the frame counter run at the programmed rate" },
	{ "edid-hotplug", edid_hotplug,
	  "the generated EDID, EDID replacement through the VFIO region, hotplug" },
	{ "edid-mode-sysfs", edid_mode_sysfs,
	  "the host's display_edid_mode replugs a head with a generated EDID" },
	{ "bad-modes", bad_modes,
	  "invalid timings do not start the pipe and report MODE" },
	{ "primary-argb", primary_argb,
	  "an ARGB8888 primary plane keeps its alpha bytes" },
	{ "same-plane-keeps-id", same_plane_keeps_id,
	  "re-committing an unchanged plane keeps its pins and dma-buf id" },
	{ "bad-planes", bad_planes,
	  "every invalid plane is refused with its reason and pins nothing" },
	{ "shown-plane-changes", shown_plane_changes,
	  "GGTT rewrites and refused commits under a shown plane" },
	{ "dmabuf-unmap", dmabuf_unmap,
	  "dma_unmap of an exported plane's memory revokes the dma-buf" },
	{ "dmabuf-import", dmabuf_import,
	  "a host DRM driver imports the exported plane; dma_unmap under it" },
	{ "reset-close", reset_close,
	  "reset and close revoke an open dma-buf" },
	{ "two-heads", two_heads,
	  "two heads, one at 2560x1600, each with its own pixels and vblank" },
	{ "remove-with-dmabuf", remove_with_dmabuf,
	  "a dma-buf outlives its removed vGPU; releasing it touches nothing freed" },
	{ "crc-frames", crc_frames,
	  "pipe CRC: equal for equal pixels, exact CRC-32 of the frame, frames advance" },
	{ "crc-cursor", crc_cursor,
	  "pipe CRC: the cursor blended on top equals it drawn into the primary" },
	{ "crc-bad-source", crc_bad_source,
	  "pipe CRC: a source other than the pipe's output is refused and counted" },
	{ "crc-off", crc_off,
	  "pipe CRC: off, pipe stop, dma_unmap and reset stop the work" },
	{ "crc-cost", crc_cost,
	  "pipe CRC: host time per frame at 1024x768 and the largest modes" },
	/* Last: when it finds the race, the kernel does not recover. */
	{ "dmabuf-get-race", dmabuf_get_race,
	  "exports racing the last close of the same dma-buf" },
};

IGT_TEST_MAIN("vGPU display: planes, cursor, vblank, EDID, dma-buf", subtests);
