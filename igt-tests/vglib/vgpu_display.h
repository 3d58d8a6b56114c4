/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_display.h - the display half of the minimal guest driver of
 * vgpu_guest.h, for vgpu_display.c: framebuffers drawn by the copy engine
 * with a known pattern, pipe timings, primary plane and cursor programming
 * the way a guest kernel driver does it, and the VMM side: the plane query,
 * dma-buf export, plane regions and EDIDs (building and parsing them).
 * Compiled once into libvg.a with vgpu_guest.c.
 */
#ifndef VGPU_DISPLAY_H
#define VGPU_DISPLAY_H

#include <sys/mman.h>
#include <sys/stat.h>

#include "vgpu_guest.h"

/* drm_fourcc.h and drm_mode.h values (no libdrm headers needed). */
#define VD_FOURCC(a, b, c, d)	((u32)(a) | (u32)(b) << 8 | (u32)(c) << 16 | \
				 (u32)(d) << 24)
#define VD_FORMAT_XRGB8888	VD_FOURCC('X', 'R', '2', '4')
#define VD_FORMAT_ARGB8888	VD_FOURCC('A', 'R', '2', '4')
#define VD_PLANE_PRIMARY	1	/* DRM_PLANE_TYPE_PRIMARY */
#define VD_PLANE_CURSOR		2	/* DRM_PLANE_TYPE_CURSOR */

#define VD_VENDOR_REGION_TYPE	(VFIO_REGION_TYPE_PCI_VENDOR_TYPE | \
				 VGPU_PCI_VENDOR_ID)

/* PLANE_CTL of an enabled linear XRGB8888 plane. */
#define VD_PLANE_CTL_XRGB	(VGPU_PLANE_CTL_ENABLE | \
				 VGPU_PLANE_CTL_FORMAT_8888 << \
				 VGPU_PLANE_CTL_FORMAT_SHIFT | \
				 VGPU_PLANE_CTL_ALPHA_NONE)

/**
 * struct vd_mode - one display mode
 * @w: horizontal active pixels
 * @h: vertical active lines
 * @htotal: pixels per line including the blanking
 * @hss: first pixel of the horizontal sync
 * @hse: first pixel after it
 * @vtotal: lines per frame including the blanking
 * @vss: first line of the vertical sync
 * @vse: first line after it
 * @clock_khz: pixel clock (PV DOTCLOCK_KHZ)
 */
struct vd_mode {
	u32 w, h;
	u32 htotal, hss, hse;
	u32 vtotal, vss, vse;
	u32 clock_khz;
};

/* 1250 * 800 * 60 = 60 000 000: exactly 60 Hz at 60 MHz. */
struct vd_mode vd_mode_simple(u32 w, u32 h, u32 htotal, u32 vtotal, u32 hz);

/**
 * struct vd_fb - a framebuffer in guest memory
 * @gfx: graphics address of the surface (4 KiB aligned)
 * @w: width in pixels
 * @h: height in lines
 * @stride: bytes per line (a multiple of 64)
 * @size: bytes allocated (stride * h, page aligned)
 * @pat: the pattern drawn into it (vd_fb_draw()), -1 if none
 */
struct vd_fb {
	u64 gfx;
	u32 w, h, stride;
	u64 size;
	int pat;
};

void vd_fb_init(struct vd_fb *fb, u64 gfx, u32 w, u32 h);

void vd_fb_alloc(struct vg *g, struct vd_fb *fb, u32 w, u32 h);

/*
 * The pattern: four quadrants, a horizontal stripe across them, the last
 * column and the first pixel, each a different colour; later rectangles
 * are drawn over earlier ones.
 */
#define VD_RECTS	7

struct vd_rect {
	u32 x1, y1, x2, y2;	/* x2, y2 exclusive */
	u32 color;
};

u32 vd_color(int pat, int i);

void vd_rects(const struct vd_fb *fb, int pat, struct vd_rect r[VD_RECTS]);

/* The expected pixel at (x, y) of a framebuffer drawn with @r. */
u32 vd_expect(const struct vd_rect r[VD_RECTS], u32 x, u32 y);

/* XY_COLOR_BLT of one rectangle of a 32 bpp surface. */
void vd_fill_rect(struct vg *g, u64 surf, u32 pitch, const struct vd_rect *r);

/*
 * Draw pattern @pat into @fb with the copy engine (the ring must be set
 * up), one submission per rectangle so no single run is long under TCG.
 */
void vd_fb_draw(struct vg *g, struct vd_fb *fb, int pat);

/*
 * Compare @fb's pattern with @buf (@stride bytes per line): every pixel.
 * Returns the number of wrong pixels, printing the first few.
 */
u64 vd_diff(const struct vd_fb *fb, const void *buf, u32 stride,
	    const char *what);

void vd_check(const struct vd_fb *fb, const void *buf, u32 stride,
	      const char *what);

/* The guest's own view of @fb: the copy engine drew what it was told. */
void vd_check_guest(struct vg *g, const struct vd_fb *fb);

/* A few pixels only (one per rectangle), for timed loops. */
bool vd_quick_match(const struct vd_fb *fb, const void *buf, u32 stride);

bool vd_all_zero(const void *buf, u64 len);

/* ---- pipes and planes (guest side) ---------------------------------- */

u32 vd_hi_lo(u32 hi, u32 lo);

/* Program @m's timings on pipe @p (without starting it). */
void vd_timings(struct vg *g, int p, const struct vd_mode *m);

bool vd_pipe_running(struct vg *g, int p);

/* Timings, then PIPECONF enable: the pipe must run. */
void vd_pipe_on(struct vg *g, int p, const struct vd_mode *m);

void vd_pipe_off(struct vg *g, int p);

/* PLANE_POS / PLANE_OFFSET value. */
#define VD_XY(x, y)	((u32)(y) << VGPU_PLANE_XY_Y_SHIFT | (u32)(x))

/* Every primary plane register but PLANE_SURF. */
void vd_plane_regs(struct vg *g, int p, u32 ctl, u32 w, u32 h, u32 stride,
		   u32 pos, u32 offset);

/* Poll DE_PIPE_IIR(p) until one of @bits is set; false on timeout. */
bool vd_wait_iir(struct vg *g, int p, u32 bits, double secs);

/*
 * Flip pipe @p's primary plane to @surf (the other plane registers as they
 * are) and wait until the flip is latched: flip-done, and PLANE_SURFLIVE
 * reads @surf.
 */
void vd_flip(struct vg *g, int p, u64 surf);

/* Show @fb full-size at @pos on pipe @p and wait for it to be latched. */
void vd_show_at(struct vg *g, int p, const struct vd_fb *fb, u32 pos);

void vd_show(struct vg *g, int p, const struct vd_fb *fb);

/* CURPOS encoding: sign and magnitude per axis. */
u32 vd_curpos(int x, int y);

/* ---- host side: query, dma-buf, regions ----------------------------- */

int vd_query(struct vg *g, u32 plane, u32 flags,
	     struct vfio_device_gfx_plane_info *pi);

void vd_query_ok(struct vg *g, u32 plane, u32 flags,
		 struct vfio_device_gfx_plane_info *pi);

/* The query reports nothing displayed. */
void vd_assert_nothing(struct vg *g, u32 plane, u32 flags);

/* Poll the query until nothing is displayed; false on timeout. */
bool vd_wait_nothing(struct vg *g, u32 plane, u32 flags, double secs);

/* The query describes @fb as the displayed primary plane. */
void vd_assert_primary(const struct vfio_device_gfx_plane_info *pi,
		       const struct vd_fb *fb, u32 x, u32 y);

int vd_get_dmabuf(struct vg *g, u32 id);

void *vd_mmap_fd(int fd, u64 len);

void *vd_mmap_region(struct vg *g, u32 index, u64 len);

/* pread() of @len bytes of region @index into a new buffer. */
void *vd_read_region(struct vg *g, u32 index, u64 len);

u64 vd_page_align(u64 v);

int vd_set_protocol(struct vg *g, const char *proto);

/*
 * Create a vGPU of @type, select the display protocol @proto (NULL: keep
 * the default) before the device is opened, open it with @mem_size bytes
 * of guest memory (0: the default) and set up its copy ring.
 */
void vd_start(struct vg *g, const char *type, const char *proto, u64 mem_size);

/* ---- EDID ------------------------------------------------------------ */

#define VD_EDID_BLOCK	128

/**
 * struct vd_dtd - a detailed timing descriptor, decoded
 * @clock_khz: pixel clock
 * @ha: horizontal active
 * @hb: horizontal blanking
 * @hso: horizontal sync offset (from the end of the active area)
 * @hsw: horizontal sync width
 * @va: vertical active
 * @vb: vertical blanking
 * @vso: vertical sync offset
 * @vsw: vertical sync width
 */
struct vd_dtd {
	u32 clock_khz;
	u32 ha, hb, hso, hsw;
	u32 va, vb, vso, vsw;
};

void vd_dtd_encode(u8 *d, const struct vd_dtd *t, u32 wmm, u32 hmm);

void vd_dtd_decode(const u8 *d, struct vd_dtd *t);

struct vd_mode vd_dtd_mode(const struct vd_dtd *t);

u8 vd_edid_sum(const u8 *block);

void vd_edid_fix_sum(u8 *block);

void vd_edid_descriptor(u8 *d, u8 tag, const char *text);

/*
 * An EDID 1.4 base block of a monitor whose preferred (and only detailed)
 * mode is @t, named @name, with a range-limits descriptor.
 */
void vd_edid_build(u8 e[VD_EDID_BLOCK], const struct vd_dtd *t,
		   const char *name);

/* Read @len bytes of head @h's EDID from the PV page. */
void vd_pv_edid(struct vg *g, int h, u8 *buf, u32 len);

#endif /* VGPU_DISPLAY_H */
