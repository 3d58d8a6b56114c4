/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The display of a vGPU (docs/display.md): its registers, heads, planes,
 * pinned framebuffers, pipe CRCs, dma-bufs and plane regions, gathered in
 * struct vgpu_display (vgpu->display), the iterators over heads and
 * planes, and the functions of display.c, display_fb.c, display_crc.c,
 * display_region.c, dmabuf.c and edid.c. vgpu_drv.h includes this file
 * before struct vgpu, which embeds struct vgpu_display; the locking rules
 * are at the top of vgpu_drv.h.
 */
#ifndef _VGPU_DISPLAY_H
#define _VGPU_DISPLAY_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/vgpu_if.h>
#include <linux/workqueue.h>

struct file;
struct page;
struct vgpu;
struct vm_area_struct;

/*
 * Display registers of a pipe (display.c): the stored ones first, then
 * those computed when read.
 */
enum vgpu_disp_reg {
	VGPU_DISP_HTOTAL, VGPU_DISP_HBLANK, VGPU_DISP_HSYNC,
	VGPU_DISP_VTOTAL, VGPU_DISP_VBLANK, VGPU_DISP_VSYNC,
	VGPU_DISP_PIPESRC, VGPU_DISP_PIPECONF,
	VGPU_DISP_CURCNTR, VGPU_DISP_CURBASE, VGPU_DISP_CURPOS,
	VGPU_DISP_PLANE_CTL, VGPU_DISP_PLANE_STRIDE, VGPU_DISP_PLANE_POS,
	VGPU_DISP_PLANE_SIZE, VGPU_DISP_PLANE_SURF, VGPU_DISP_PLANE_OFFSET,
	VGPU_DISP_CURSOR_HOT, VGPU_DISP_DOTCLOCK,
	VGPU_DISP_LIVE_SURF,		/* PLANE_SURF of the shown plane */
	VGPU_DISP_NR_REGS,
	VGPU_DISP_FRMCOUNT = VGPU_DISP_NR_REGS,
	VGPU_DISP_SURFLIVE,
	VGPU_DISP_HEAD_STATUS,
	VGPU_DISP_EDID_SIZE,
	VGPU_DISP_ERROR,
	VGPU_DISP_ERROR_COUNT,
	VGPU_DISP_CRC_CTL,		/* display_crc.c owns these three */
	VGPU_DISP_CRC_RES,
	VGPU_DISP_CRC_FRAME,
};

enum vgpu_plane_id {
	VGPU_PLANE_PRIMARY,
	VGPU_PLANE_CURSOR,
	VGPU_PLANES
};

/**
 * struct vgpu_plane_desc - a plane as the guest programmed it, checked
 * @gfx: graphics address of the first displayed byte (4 KiB aligned)
 * @drm_format: DRM_FORMAT_XRGB8888 or DRM_FORMAT_ARGB8888
 * @width: pixels
 * @height: lines
 * @stride: bytes per line
 * @size: bytes exported: @stride * @height
 */
struct vgpu_plane_desc {
	u64 gfx;
	u32 drm_format;
	u32 width;
	u32 height;
	u32 stride;
	u32 size;
};

/**
 * struct vgpu_fb - a framebuffer whose guest pages are pinned
 * @ref: plane slots and dma-buf objects; @node holds one while pinned
 * @node: in vgpu->display.fbs while pinned
 * @desc: the plane it shows
 * @npages: pages in @pages
 * @iova: guest IOVA of each page (pinned with vfio_pin_pages())
 * @pages: the pages, each with a page reference until the fb is freed
 * @pinned: the vfio pins are held (only while on vgpu->display.fbs)
 */
struct vgpu_fb {
	struct kref ref;
	struct list_head node;
	struct vgpu_plane_desc desc;
	u32 npages;
	dma_addr_t *iova;
	struct page **pages;
	bool pinned;
};

/**
 * struct vgpu_plane - one plane of a head
 * @shown: the framebuffer displayed now, NULL when off (also under the
 *	display map's lock: the plane regions map its pages)
 * @pending: the accepted framebuffer waiting for the next vblank
 * @update: a commit waits for the next vblank (@pending NULL: disable)
 * @stale: the GGTT under the plane changed: commit it again at a vblank
 * @recommitted: when @stale last caused a commit
 */
struct vgpu_plane {
	struct vgpu_fb *shown;
	struct vgpu_fb *pending;
	bool update;
	bool stale;
	ktime_t recommitted;
};

/**
 * struct vgpu_crc_frame - what one CRC computation reads (a vblank's view)
 * @fb: the shown primary and cursor framebuffers, with a reference each;
 *	NULL for a plane that is off
 * @x: left edge of each plane in the frame (the cursor's may be negative)
 * @y: top edge of each plane in the frame
 * @width: frame width (PIPESRC), pixels
 * @height: frame height (PIPESRC), lines
 * @frame: PIPE_FRMCOUNT of the frame
 * @seq: vgpu_crc.seq when the frame was taken
 */
struct vgpu_crc_frame {
	struct vgpu_fb *fb[VGPU_PLANES];
	int x[VGPU_PLANES];
	int y[VGPU_PLANES];
	u32 width;
	u32 height;
	u32 frame;
	u32 seq;
};

/**
 * struct vgpu_crc - the pipe CRC of a head (display_crc.c)
 * @ctl: PIPE_CRC_CTL as last accepted (vgpu->lock)
 * @result: PIPE_CRC_RES (vgpu->lock)
 * @frame: VGPU_PV_HEAD_CRC_FRAME (vgpu->lock)
 * @seq: advanced whenever the CRC goes off, so a computation started
 *	before never latches (vgpu->lock)
 * @busy: @job is handed to @work and not finished (vgpu->lock)
 * @have_last: @last_frame is valid (vgpu->lock)
 * @last_frame: frame of the last job, so no frame is computed twice
 *	(vgpu->lock)
 * @abort: @work must not read @job's pages any more; set before taking
 *	@walk_lock, cleared with a new job (vgpu->lock)
 * @walk_lock: see the locking notes at the top of vgpu_drv.h
 * @job: the frame @work computes; set and released under vgpu->lock
 *	while @busy, read by @work without it
 * @work: computes @job and latches the result
 */
struct vgpu_crc {
	u32 ctl;
	u32 result;
	u32 frame;
	u32 seq;
	bool busy;
	bool have_last;
	u32 last_frame;
	bool abort;
	struct mutex walk_lock;		/* see above */
	struct vgpu_crc_frame job;
	struct work_struct work;
};

/**
 * struct vgpu_head - a head: pipe, planes, vblank timer, EDID
 * @vgpu: the vGPU
 * @index: head (pipe) number
 * @plane: primary and cursor
 * @running: the pipe runs
 * @start: when it started
 * @period_ns: frame time of the running mode
 * @frames: frame counter at stop (PIPE_FRMCOUNT of a stopped pipe)
 * @timer: vblank timer, armed while the pipe runs and someone listens
 * @timer_on: @timer should keep running
 * @vblanks: vblanks the timer counted and vgpu_display_vblank_work()
 *	has not handled yet
 * @error: VGPU_PV_HEAD_DISPLAY_ERROR
 * @error_count: VGPU_PV_HEAD_DISPLAY_ERROR_COUNT
 * @connected: link up (VGPU_HEAD_STATUS_CONNECTED)
 * @edid: the EDID the guest sees
 * @edid_size: its valid bytes (0 when disconnected)
 * @reg_edid_size: edid_size of the EDID region
 * @link_up: link_state of the EDID region is UP
 * @blob: the EDID region's blob, what the VMM wrote
 * @crc: the pipe CRC
 */
struct vgpu_head {
	struct vgpu *vgpu;
	unsigned int index;
	struct vgpu_plane plane[VGPU_PLANES];
	bool running;
	ktime_t start;
	u64 period_ns;
	u32 frames;
	struct hrtimer timer;
	bool timer_on;
	atomic_t vblanks;
	u32 error;
	u32 error_count;
	bool connected;
	u8 edid[VGPU_PV_EDID_MAX];
	u32 edid_size;
	u32 reg_edid_size;
	bool link_up;
	u8 blob[VGPU_PV_EDID_MAX];
	struct vgpu_crc crc;
};

/* How QUERY_GFX_PLANE hands planes to the VMM (sysfs display_protocol). */
enum vgpu_display_protocol {
	VGPU_PROTOCOL_REGION,
	VGPU_PROTOCOL_DMABUF,
};

/**
 * struct vgpu_dmabuf_count - dma-bufs of a vGPU alive now
 * @ref: the vGPU and each of its dma-buf objects
 * @live: exported dma-bufs not yet released
 */
struct vgpu_dmabuf_count {
	struct kref ref;
	atomic_t live;
};

/**
 * struct vgpu_display_map - the file that plane-region mappings use
 * @lock: see the locking notes at the top of vgpu_drv.h
 * @vgpu: the vGPU, NULL once it is gone (faults then get SIGBUS)
 * @file: a file of our own, so its mapping holds only this vGPU's vmas
 */
struct vgpu_display_map {
	struct mutex lock;		/* see above */
	struct vgpu *vgpu;
	struct file *file;
};

/**
 * struct vgpu_display - the display of a vGPU (vgpu->display)
 * @regs: display registers per pipe, indexed by enum vgpu_disp_reg
 * @head: display heads (the type's heads of VGPU_MAX_PIPES)
 * @fbs: pinned framebuffers (struct vgpu_fb.node)
 * @dmabufs: dma-buf objects of QUERY_GFX_PLANE (struct vgpu_dmabuf.node)
 * @next_dmabuf_id: id of the next dma-buf object
 * @live_dmabufs: exported dma-bufs not yet released; shared with them,
 *	since they may outlive the vGPU
 * @protocol: enum vgpu_display_protocol
 * @map: the plane regions' mapping file
 * @vblank_work: hands vblanks of the timers to the guest
 * @reap_work: unpins framebuffers nobody uses after a dma-buf release
 * @frozen: a migration stopped the device: no vblank timer runs and
 *	queued vblanks are dropped (vgpu->lock)
 * @mig_dirty: the DISPLAY section's state changed since a migration
 *	stream last carried it (vgpu->lock; display.c)
 * @edid_mig_dirty: the same for the EDID section (vgpu->lock; edid.c)
 */
struct vgpu_display {
	u32 regs[VGPU_MAX_PIPES][VGPU_DISP_NR_REGS];
	struct vgpu_head head[VGPU_MAX_PIPES];
	struct list_head fbs;
	struct list_head dmabufs;
	u32 next_dmabuf_id;
	struct vgpu_dmabuf_count *live_dmabufs;
	enum vgpu_display_protocol protocol;
	struct vgpu_display_map *map;
	struct work_struct vblank_work;
	struct work_struct reap_work;
	bool frozen;
	bool mig_dirty;
	bool edid_mig_dirty;
};

/* Whose EDID a head shows (sysfs display_edid_mode). */
enum vgpu_edid_source {
	VGPU_EDID_DISCONNECTED,		/* none: the link is down */
	VGPU_EDID_GENERATED,		/* the device's, for a preferred mode */
	VGPU_EDID_VMM,			/* the VMM's, from the EDID region */
};

/**
 * struct vgpu_plane_cursor - where vgpu_for_each_plane() is
 * @head_var: the loop's head variable
 * @plane_var: the loop's plane variable
 */
struct vgpu_plane_cursor {
	struct vgpu_head **head_var;
	enum vgpu_plane_id *plane_var;
};

/*
 * Walks over the heads of the vGPU's type and their planes. They reach
 * the caller's variables through a pointer, so each argument appears (and
 * is evaluated) once. break and return leave the whole walk; a walk that
 * runs to its end leaves @head NULL.
 */

/* Each head of the vGPU's type, @head pointing at it. */
#define vgpu_for_each_head(vgpu, head)					\
	for (struct vgpu_head **__head = vgpu_head_first(vgpu, &(head));	\
	     *__head; *__head = vgpu_head_next(*__head))

/* Each plane of each head: @head and @p (enum vgpu_plane_id) name it. */
#define vgpu_for_each_plane(vgpu, head, p)				\
	for (struct vgpu_plane_cursor __plane =				\
		vgpu_plane_first(vgpu, &(head), &(p));			\
	     *__plane.head_var; vgpu_plane_next(&__plane))

/* display.c */
struct vgpu_head **vgpu_head_first(struct vgpu *vgpu, struct vgpu_head **head);
struct vgpu_head *vgpu_head_next(struct vgpu_head *head);
struct vgpu_plane_cursor vgpu_plane_first(struct vgpu *vgpu,
					  struct vgpu_head **head,
					  enum vgpu_plane_id *p);
void vgpu_plane_next(struct vgpu_plane_cursor *cursor);
int vgpu_display_init(struct vgpu *vgpu);
void vgpu_display_fini(struct vgpu *vgpu);
void vgpu_display_reset(struct vgpu *vgpu);
void vgpu_display_stop(struct vgpu *vgpu);
void vgpu_display_close(struct vgpu *vgpu);
void vgpu_display_regs_reset(struct vgpu *vgpu);
void vgpu_display_freeze(struct vgpu *vgpu, bool frozen);
void vgpu_display_irq_changed(struct vgpu *vgpu, unsigned int head);
void vgpu_display_gtt_changed(struct vgpu *vgpu, u64 gfx);
void vgpu_display_unmap_iova(struct vgpu *vgpu, u64 iova, u64 length);
void vgpu_display_reap(struct vgpu *vgpu);
void vgpu_display_vblank_work(struct work_struct *work);
void vgpu_display_reap_work(struct work_struct *work);
u64 vgpu_display_region_size(const struct vgpu *vgpu, enum vgpu_plane_id p);

/* display_fb.c */
struct vgpu_fb *vgpu_fb_pin(struct vgpu *vgpu,
			    const struct vgpu_plane_desc *desc, u32 *error);
void vgpu_fb_unpin(struct vgpu *vgpu, struct vgpu_fb *fb);
bool vgpu_fb_uses_iova(const struct vgpu_fb *fb, u64 iova, u64 length);
bool vgpu_fb_matches(struct vgpu *vgpu, const struct vgpu_fb *fb,
		     const struct vgpu_plane_desc *desc);
void vgpu_fb_put(struct vgpu_fb *fb);

static inline struct vgpu_fb *vgpu_fb_get(struct vgpu_fb *fb)
{
	if (fb)
		kref_get(&fb->ref);
	return fb;
}

/* display_crc.c */
void vgpu_crc_init(struct vgpu_head *head);
u32 vgpu_crc_reg_read(struct vgpu *vgpu, struct vgpu_head *head, u32 reg);
u32 vgpu_crc_ctl_write(struct vgpu *vgpu, struct vgpu_head *head, u32 val);
bool vgpu_crc_enabled(const struct vgpu_head *head);
void vgpu_crc_vblank(struct vgpu *vgpu, struct vgpu_head *head, u32 frame);
void vgpu_crc_off(struct vgpu *vgpu, struct vgpu_head *head);
void vgpu_crc_reset(struct vgpu *vgpu, struct vgpu_head *head);
bool vgpu_crc_uses_fb(struct vgpu *vgpu, const struct vgpu_fb *fb);
void vgpu_crc_fb_unpin(struct vgpu *vgpu, const struct vgpu_fb *fb);
void vgpu_crc_flush(struct vgpu *vgpu);

/* display_region.c */
int vgpu_display_map_init(struct vgpu *vgpu);
void vgpu_display_map_fini(struct vgpu *vgpu);
void vgpu_display_map_set(struct vgpu *vgpu, unsigned int head,
			  enum vgpu_plane_id p, struct vgpu_fb *fb);
ssize_t vgpu_display_region_read(struct vgpu *vgpu, u32 index, u64 off,
				 char __user *buf, size_t count);
int vgpu_display_region_mmap(struct vgpu *vgpu, struct vm_area_struct *vma);

/* dmabuf.c */
long vgpu_ioctl_query_plane(struct vgpu *vgpu, unsigned long arg);
long vgpu_ioctl_get_dmabuf(struct vgpu *vgpu, unsigned long arg);
void vgpu_dmabuf_revoke_fb(struct vgpu *vgpu, struct vgpu_fb *fb);
bool vgpu_dmabuf_fb_exported(struct vgpu *vgpu, struct vgpu_fb *fb);
void vgpu_dmabuf_reap(struct vgpu *vgpu);
void vgpu_dmabuf_detach_all(struct vgpu *vgpu);
struct vgpu_dmabuf_count *vgpu_dmabuf_count_alloc(void);
void vgpu_dmabuf_count_put(struct vgpu_dmabuf_count *count);

/* edid.c */
void vgpu_edid_init(struct vgpu_head *head);
int vgpu_edid_set_mode(struct vgpu *vgpu, unsigned int h, u32 width,
		       u32 height);
enum vgpu_edid_source vgpu_edid_mode(struct vgpu *vgpu, unsigned int h,
				     u32 *width, u32 *height);
int vgpu_edid_region_access(struct vgpu *vgpu, unsigned int head, u64 off,
			    u32 size, u64 *val, bool write);

#endif /* _VGPU_DISPLAY_H */
