// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_display - the display half of the tests' guest driver
 * (vgpu_display.h): patterned framebuffers, pipes and planes, the VMM's
 * plane query, dma-bufs, regions and EDIDs.
 */
#include "vgpu_display.h"

struct vd_mode vd_mode_simple(u32 w, u32 h, u32 htotal, u32 vtotal, u32 hz)
{
	struct vd_mode m = {
		.w = w, .h = h,
		.htotal = htotal, .hss = w + 8, .hse = w + 40,
		.vtotal = vtotal, .vss = h + 3, .vse = h + 9,
		.clock_khz = (u32)((u64)htotal * vtotal * hz / 1000),
	};

	return m;
}

void vd_fb_init(struct vd_fb *fb, u64 gfx, u32 w, u32 h)
{
	fb->gfx = gfx;
	fb->w = w;
	fb->h = h;
	fb->stride = (w * 4 + VGPU_PLANE_STRIDE_UNIT - 1) &
		     ~(VGPU_PLANE_STRIDE_UNIT - 1);
	fb->size = ((u64)fb->stride * h + PAGE - 1) & ~(PAGE - 1);
	fb->pat = -1;
}

void vd_fb_alloc(struct vg *g, struct vd_fb *fb, u32 w, u32 h)
{
	vd_fb_init(fb, 0, w, h);
	fb->gfx = vg_alloc(g, fb->size);
}

u32 vd_color(int pat, int i)
{
	u32 v = (u32)(pat + 1) * 0x9e3779b1U ^ (u32)(i + 1) * 0x85ebca77U;

	v ^= v >> 15;
	v *= 0x2c1b3c6dU;
	v ^= v >> 12;
	/* Never zero: the zero page must not look like a drawn pixel. */
	return v | 0x01000000;
}

void vd_rects(const struct vd_fb *fb, int pat, struct vd_rect r[VD_RECTS])
{
	u32 w = fb->w, h = fb->h, i;
	u32 sy = h / 3, sh = h / 16 ? h / 16 : 1;

	r[0] = (struct vd_rect){ 0, 0, w / 2, h / 2, 0 };
	r[1] = (struct vd_rect){ w / 2, 0, w, h / 2, 0 };
	r[2] = (struct vd_rect){ 0, h / 2, w / 2, h, 0 };
	r[3] = (struct vd_rect){ w / 2, h / 2, w, h, 0 };
	r[4] = (struct vd_rect){ 0, sy, w, sy + sh, 0 };
	r[5] = (struct vd_rect){ w - 1, 0, w, h, 0 };
	r[6] = (struct vd_rect){ 0, 0, 1, 1, 0 };
	for (i = 0; i < VD_RECTS; i++)
		r[i].color = vd_color(pat, i);
}

u32 vd_expect(const struct vd_rect r[VD_RECTS], u32 x, u32 y)
{
	int i;

	for (i = VD_RECTS - 1; i >= 0; i--)
		if (x >= r[i].x1 && x < r[i].x2 && y >= r[i].y1 &&
		    y < r[i].y2)
			return r[i].color;
	return 0;
}

void vd_fill_rect(struct vg *g, u64 surf, u32 pitch, const struct vd_rect *r)
{
	struct vgpu_surface s = vg_surf32(surf, pitch);

	VG_CMD(g, COPY, vgpu_cmd_color_blt, &s, r->x1, r->y1, r->x2 - r->x1,
	       r->y2 - r->y1, r->color);
}

void vd_fb_draw(struct vg *g, struct vd_fb *fb, int pat)
{
	struct vd_rect r[VD_RECTS];
	int i;

	vd_rects(fb, pat, r);
	for (i = 0; i < VD_RECTS; i++) {
		vd_fill_rect(g, fb->gfx, fb->stride, &r[i]);
		vg_run(g, COPY);
	}
	fb->pat = pat;
}

u64 vd_diff(const struct vd_fb *fb, const void *buf, u32 stride,
	    const char *what)
{
	struct vd_rect r[VD_RECTS];
	u64 bad = 0;
	u32 x, y;

	vd_rects(fb, fb->pat, r);
	for (y = 0; y < fb->h; y++) {
		const u32 *p = (const u32 *)((const u8 *)buf +
					     (u64)y * stride);

		for (x = 0; x < fb->w; x++) {
			u32 want = vd_expect(r, x, y);

			if (p[x] == want)
				continue;
			if (bad++ < 5)
				igt_info("%s: pixel (%u,%u) = %#010x, want %#010x\n",
					 what, x, y, p[x], want);
		}
	}
	return bad;
}

void vd_check(const struct vd_fb *fb, const void *buf, u32 stride,
	      const char *what)
{
	u64 bad = vd_diff(fb, buf, stride, what);

	igt_assert_f(!bad, "%s: %llu of %u pixels differ from pattern %d\n",
		     what, (unsigned long long)bad, fb->w * fb->h, fb->pat);
}

void vd_check_guest(struct vg *g, const struct vd_fb *fb)
{
	vd_check(fb, vg_ptr(g, fb->gfx), fb->stride, "guest memory");
}

bool vd_quick_match(const struct vd_fb *fb, const void *buf, u32 stride)
{
	struct vd_rect r[VD_RECTS];
	int i;

	vd_rects(fb, fb->pat, r);
	for (i = 0; i < VD_RECTS; i++) {
		u32 x = r[i].x2 - 1, y = r[i].y2 - 1;
		const u32 *p = (const u32 *)((const u8 *)buf +
					     (u64)y * stride);

		if (p[x] != vd_expect(r, x, y))
			return false;
	}
	return true;
}

bool vd_all_zero(const void *buf, u64 len)
{
	const u64 *p = buf;
	u64 i;

	for (i = 0; i < len / 8; i++)
		if (p[i])
			return false;
	return true;
}

u32 vd_hi_lo(u32 hi, u32 lo)
{
	return (hi - 1) << VGPU_TIMING_HI_SHIFT | (lo - 1);
}

void vd_timings(struct vg *g, int p, const struct vd_mode *m)
{
	vg_wr(g, VGPU_REG_HTOTAL(p), vd_hi_lo(m->htotal, m->w));
	vg_wr(g, VGPU_REG_HBLANK(p), vd_hi_lo(m->htotal, m->w));
	vg_wr(g, VGPU_REG_HSYNC(p), vd_hi_lo(m->hse, m->hss));
	vg_wr(g, VGPU_REG_VTOTAL(p), vd_hi_lo(m->vtotal, m->h));
	vg_wr(g, VGPU_REG_VBLANK(p), vd_hi_lo(m->vtotal, m->h));
	vg_wr(g, VGPU_REG_VSYNC(p), vd_hi_lo(m->vse, m->vss));
	vg_wr(g, VGPU_REG_PIPESRC(p), (m->w - 1) << VGPU_PIPESRC_WIDTH_SHIFT |
	      (m->h - 1));
	vg_wr(g, VGPU_PV_HEAD_DOTCLOCK_KHZ(p), m->clock_khz);
}

bool vd_pipe_running(struct vg *g, int p)
{
	return vg_rd(g, VGPU_REG_PIPECONF(p)) & VGPU_PIPECONF_STATE;
}

void vd_pipe_on(struct vg *g, int p, const struct vd_mode *m)
{
	vd_timings(g, p, m);
	vg_wr(g, VGPU_REG_PIPECONF(p), VGPU_PIPECONF_ENABLE);
	igt_assert_f(vd_pipe_running(g, p),
		     "pipe %d did not start (%ux%u, PIPECONF %#x, error %#x)\n",
		     p, m->w, m->h, vg_rd(g, VGPU_REG_PIPECONF(p)),
		     vg_rd(g, VGPU_PV_HEAD_DISPLAY_ERROR(p)));
}

void vd_pipe_off(struct vg *g, int p)
{
	vg_wr(g, VGPU_REG_PIPECONF(p), 0);
	igt_assert(!vd_pipe_running(g, p));
}

void vd_plane_regs(struct vg *g, int p, u32 ctl, u32 w, u32 h, u32 stride,
		   u32 pos, u32 offset)
{
	vg_wr(g, VGPU_REG_PLANE_CTL(p), ctl);
	vg_wr(g, VGPU_REG_PLANE_STRIDE(p), stride / VGPU_PLANE_STRIDE_UNIT);
	vg_wr(g, VGPU_REG_PLANE_POS(p), pos);
	vg_wr(g, VGPU_REG_PLANE_SIZE(p), (h - 1) << VGPU_PLANE_SIZE_H_SHIFT |
	      (w - 1));
	vg_wr(g, VGPU_REG_PLANE_OFFSET(p), offset);
}

bool vd_wait_iir(struct vg *g, int p, u32 bits, double secs)
{
	double end = vg_now() + secs;

	do {
		if (vg_rd(g, VGPU_REG_DE_PIPE_IIR(p)) & bits)
			return true;
		usleep(500);
	} while (vg_now() < end);
	return vg_rd(g, VGPU_REG_DE_PIPE_IIR(p)) & bits;
}

void vd_flip(struct vg *g, int p, u64 surf)
{
	vg_wr(g, VGPU_REG_DE_PIPE_IER(p),
	      vg_rd(g, VGPU_REG_DE_PIPE_IER(p)) | VGPU_DE_PIPE_FLIP_DONE);
	vg_wr(g, VGPU_REG_DE_PIPE_IIR(p), VGPU_DE_PIPE_FLIP_DONE);
	vg_wr(g, VGPU_REG_PLANE_SURF(p), (u32)surf);
	igt_assert_f(vd_wait_iir(g, p, VGPU_DE_PIPE_FLIP_DONE, 10),
		     "pipe %d: no flip-done for %#llx (error %#x, IIR %#x)\n",
		     p, (unsigned long long)surf,
		     vg_rd(g, VGPU_PV_HEAD_DISPLAY_ERROR(p)),
		     vg_rd(g, VGPU_REG_DE_PIPE_IIR(p)));
	igt_assert_eq_u32(vg_rd(g, VGPU_REG_PLANE_SURFLIVE(p)), (u32)surf);
}

void vd_show_at(struct vg *g, int p, const struct vd_fb *fb, u32 pos)
{
	vd_plane_regs(g, p, VD_PLANE_CTL_XRGB, fb->w, fb->h, fb->stride, pos,
		      0);
	vd_flip(g, p, fb->gfx);
}

void vd_show(struct vg *g, int p, const struct vd_fb *fb)
{
	vd_show_at(g, p, fb, 0);
}

u32 vd_curpos(int x, int y)
{
	u32 v = 0;

	if (x < 0) {
		v |= VGPU_CURPOS_X_SIGN;
		x = -x;
	}
	if (y < 0) {
		v |= VGPU_CURPOS_Y_SIGN;
		y = -y;
	}
	return v | ((u32)y << VGPU_CURPOS_Y_SHIFT & VGPU_CURPOS_Y_MASK) |
	       ((u32)x & VGPU_CURPOS_X_MASK);
}

int vd_query(struct vg *g, u32 plane, u32 flags,
	     struct vfio_device_gfx_plane_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->argsz = sizeof(*pi);
	pi->flags = flags;
	pi->drm_plane_type = plane;
	return vfio_dev_ioctl(&g->dev, VFIO_DEVICE_QUERY_GFX_PLANE, pi);
}

void vd_query_ok(struct vg *g, u32 plane, u32 flags,
		 struct vfio_device_gfx_plane_info *pi)
{
	igt_assert_eq(vd_query(g, plane, flags, pi), 0);
}

void vd_assert_nothing(struct vg *g, u32 plane, u32 flags)
{
	struct vfio_device_gfx_plane_info pi;

	vd_query_ok(g, plane, flags, &pi);
	igt_assert_f(pi.drm_format == 0 && pi.size == 0,
		     "plane %u shown: format %#x size %u\n", plane,
		     pi.drm_format, pi.size);
}

bool vd_wait_nothing(struct vg *g, u32 plane, u32 flags, double secs)
{
	struct vfio_device_gfx_plane_info pi;
	double end = vg_now() + secs;

	do {
		vd_query_ok(g, plane, flags, &pi);
		if (!pi.drm_format)
			return true;
		usleep(1000);
	} while (vg_now() < end);
	return false;
}

void vd_assert_primary(const struct vfio_device_gfx_plane_info *pi,
		       const struct vd_fb *fb, u32 x, u32 y)
{
	igt_assert_eq_u32(pi->drm_format, VD_FORMAT_XRGB8888);
	igt_assert_eq_u64(pi->drm_format_mod, 0);
	igt_assert_eq_u32(pi->width, fb->w);
	igt_assert_eq_u32(pi->height, fb->h);
	igt_assert_eq_u32(pi->stride, fb->stride);
	igt_assert_eq_u32(pi->size, fb->stride * fb->h);
	igt_assert_eq_u32(pi->x_pos, x);
	igt_assert_eq_u32(pi->y_pos, y);
}

int vd_get_dmabuf(struct vg *g, u32 id)
{
	__u32 arg = id;

	return vfio_dev_ioctl(&g->dev, VFIO_DEVICE_GET_GFX_DMABUF, &arg);
}

void *vd_mmap_fd(int fd, u64 len)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	igt_assert_f(p != MAP_FAILED, "mmap of dma-buf fd %d (%llu bytes)\n",
		     fd, (unsigned long long)len);
	return p;
}

void *vd_mmap_region(struct vg *g, u32 index, u64 len)
{
	void *p = NULL;

	igt_assert_eq(vfio_region_mmap(&g->dev, index, 0, len, PROT_READ, &p),
		      0);
	return p;
}

void *vd_read_region(struct vg *g, u32 index, u64 len)
{
	u8 *buf = malloc(len);
	u64 done = 0;
	ssize_t n;

	igt_assert(buf);
	while (done < len) {
		n = vfio_region_read(&g->dev, index, done, buf + done,
				     len - done);
		igt_assert_f(n > 0, "region %u read at %llu: %zd\n", index,
			     (unsigned long long)done, n);
		done += n;
	}
	return buf;
}

u64 vd_page_align(u64 v)
{
	return (v + PAGE - 1) & ~(PAGE - 1);
}

int vd_set_protocol(struct vg *g, const char *proto)
{
	return mdev_attr_write(g->uuid, "vgpu/display_protocol", proto);
}

void vd_start(struct vg *g, const char *type, const char *proto, u64 mem_size)
{
	int ret = vg_create(g, type);

	igt_require_f(ret != -ENOENT, "no vGPU type %s\n", type);
	igt_assert_eq(ret, 0);
	if (proto)
		igt_assert_eq(vd_set_protocol(g, proto), 0);
	g->mem_size = mem_size;
	vg_open(g);
	vg_ring_init(g, COPY);
}

void vd_dtd_encode(u8 *d, const struct vd_dtd *t, u32 wmm, u32 hmm)
{
	u32 clk = t->clock_khz / 10;

	memset(d, 0, 18);
	d[0] = clk & 0xff;
	d[1] = clk >> 8;
	d[2] = t->ha & 0xff;
	d[3] = t->hb & 0xff;
	d[4] = (t->ha >> 8) << 4 | (t->hb >> 8);
	d[5] = t->va & 0xff;
	d[6] = t->vb & 0xff;
	d[7] = (t->va >> 8) << 4 | (t->vb >> 8);
	d[8] = t->hso & 0xff;
	d[9] = t->hsw & 0xff;
	d[10] = (t->vso & 0xf) << 4 | (t->vsw & 0xf);
	d[11] = (t->hso >> 8) << 6 | (t->hsw >> 8) << 4 |
		(t->vso >> 4) << 2 | (t->vsw >> 4);
	d[12] = wmm & 0xff;
	d[13] = hmm & 0xff;
	d[14] = (wmm >> 8) << 4 | (hmm >> 8);
	d[17] = 0x1e;	/* digital separate sync, both polarities + */
}

void vd_dtd_decode(const u8 *d, struct vd_dtd *t)
{
	t->clock_khz = (d[0] | d[1] << 8) * 10;
	t->ha = d[2] | (d[4] >> 4) << 8;
	t->hb = d[3] | (d[4] & 0xf) << 8;
	t->va = d[5] | (d[7] >> 4) << 8;
	t->vb = d[6] | (d[7] & 0xf) << 8;
	t->hso = d[8] | (d[11] >> 6) << 8;
	t->hsw = d[9] | ((d[11] >> 4) & 3) << 8;
	t->vso = (d[10] >> 4) | ((d[11] >> 2) & 3) << 4;
	t->vsw = (d[10] & 0xf) | (d[11] & 3) << 4;
}

struct vd_mode vd_dtd_mode(const struct vd_dtd *t)
{
	struct vd_mode m = {
		.w = t->ha, .h = t->va,
		.htotal = t->ha + t->hb, .hss = t->ha + t->hso,
		.hse = t->ha + t->hso + t->hsw,
		.vtotal = t->va + t->vb, .vss = t->va + t->vso,
		.vse = t->va + t->vso + t->vsw,
		.clock_khz = t->clock_khz,
	};

	return m;
}

u8 vd_edid_sum(const u8 *block)
{
	u8 s = 0;
	int i;

	for (i = 0; i < VD_EDID_BLOCK; i++)
		s += block[i];
	return s;
}

void vd_edid_fix_sum(u8 *block)
{
	block[127] = 0;
	block[127] = (u8)(0x100 - vd_edid_sum(block));
}

void vd_edid_descriptor(u8 *d, u8 tag, const char *text)
{
	size_t n = strlen(text), i;

	memset(d, 0, 18);
	d[3] = tag;
	for (i = 0; i < 13; i++)
		d[5 + i] = i < n ? text[i] : i == n ? '\n' : ' ';
}

void vd_edid_build(u8 e[VD_EDID_BLOCK], const struct vd_dtd *t,
		   const char *name)
{
	static const u8 header[8] = { 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				      0 };
	static const u8 chroma[10] = { 0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99,
				       0x26, 0x0f, 0x50, 0x54 };
	u8 *d;
	int i;

	memset(e, 0, VD_EDID_BLOCK);
	memcpy(e, header, 8);
	e[8] = 0x52;		/* "TST" */
	e[9] = 0x74;
	e[10] = 0x34;		/* product 0x1234 */
	e[11] = 0x12;
	e[12] = 1;		/* serial */
	e[16] = 1;		/* week 1 of 2024 */
	e[17] = 2024 - 1990;
	e[18] = 1;
	e[19] = 4;
	e[20] = 0xa5;		/* digital, 8 bits per colour, DisplayPort */
	e[21] = 30;		/* 30 x 23 cm */
	e[22] = 23;
	e[23] = 120;		/* gamma 2.2 */
	e[24] = 0x06;		/* RGB, sRGB, preferred mode is native */
	memcpy(e + 25, chroma, 10);
	e[35] = 0x21;		/* 640x480@60, 800x600@60 */
	for (i = 38; i < 54; i++)
		e[i] = 1;	/* no standard timings */
	vd_dtd_encode(e + 54, t, 300, 225);
	vd_edid_descriptor(e + 72, 0xfc, name);
	d = e + 90;
	memset(d, 0, 18);
	d[3] = 0xfd;		/* range limits: 50-75 Hz, 30-80 kHz */
	d[5] = 50;
	d[6] = 75;
	d[7] = 30;
	d[8] = 80;
	d[9] = 10;		/* 100 MHz */
	d[10] = 0x01;
	d[11] = '\n';
	for (i = 12; i < 18; i++)
		d[i] = ' ';
	d = e + 108;
	memset(d, 0, 18);
	d[3] = 0x10;		/* dummy descriptor */
	e[126] = 0;
	vd_edid_fix_sum(e);
}

void vd_pv_edid(struct vg *g, int h, u8 *buf, u32 len)
{
	u32 i, v;

	for (i = 0; i < len; i += 4) {
		v = vg_rd(g, VGPU_PV_EDID(h) + i);
		memcpy(buf + i, &v, len - i < 4 ? len - i : 4);
	}
}
