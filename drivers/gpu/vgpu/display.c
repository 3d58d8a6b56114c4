// SPDX-License-Identifier: GPL-2.0
/*
 * The display of a vGPU (docs/display.md): per head a pipe with its mode,
 * a vblank timer, a primary plane and a cursor. Commits (PLANE_SURF,
 * CURBASE) are checked here and their pages pinned at once; they become
 * the shown planes at the next vblank. The vblank timer runs in hard
 * interrupt context and only counts; vgpu_display_vblank_work() does the
 * rest under vgpu->lock and hands frames to the pipe CRC (display_crc.c).
 * Everything else runs under vgpu->lock.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <drm/drm_fourcc.h>
#include <vgpu/migration_stream.h>

#include "mmio.h"

/* Frame rates the device runs at; other modes are clamped. */
#define VGPU_MIN_HZ		1
#define VGPU_MAX_HZ		240
#define VGPU_DEFAULT_HZ		60
#define VGPU_CURSOR_STRIDE	(VGPU_CURSOR_SIZE * 4)
/*
 * Least time between two commits of a plane caused by GGTT writes under
 * it: each may pin a whole framebuffer in our work item, on the host's
 * time rather than the guest's.
 */
#define VGPU_STALE_COMMIT_NS	(100 * NSEC_PER_MSEC)

static u32 vgpu_field_hi(u32 v)
{
	return ((v & VGPU_TIMING_HI_MASK) >> VGPU_TIMING_HI_SHIFT) + 1;
}

static u32 vgpu_field_lo(u32 v)
{
	return (v & VGPU_TIMING_LO_MASK) + 1;
}

static u32 *vgpu_reg(struct vgpu *vgpu, unsigned int head,
		     enum vgpu_disp_reg reg)
{
	return &vgpu->display.regs[head][reg];
}

/* ---- the steps of vgpu_for_each_head() and vgpu_for_each_plane() ---- */

/**
 * vgpu_head_first() - start a walk over the heads of the vGPU's type
 * @vgpu: the vGPU
 * @head: the walk's variable: set to head 0, or NULL without heads
 *
 * Return: @head, through which the walk moves on.
 */
struct vgpu_head **vgpu_head_first(struct vgpu *vgpu, struct vgpu_head **head)
{
	*head = vgpu_heads(vgpu) ? &vgpu->display.head[0] : NULL;
	return head;
}

/**
 * vgpu_head_next() - the head after @head
 * @head: a head of the vGPU's type
 *
 * Return: the next head, NULL after the type's last.
 */
struct vgpu_head *vgpu_head_next(struct vgpu_head *head)
{
	return head->index + 1 < vgpu_heads(head->vgpu) ? head + 1 : NULL;
}

/**
 * vgpu_plane_first() - start a walk over every plane of every head
 * @vgpu: the vGPU
 * @head: the walk's head variable: set to head 0, or NULL without heads
 * @p: the walk's plane variable: set to the primary
 *
 * Return: the cursor through which the walk moves on.
 */
struct vgpu_plane_cursor vgpu_plane_first(struct vgpu *vgpu,
					  struct vgpu_head **head,
					  enum vgpu_plane_id *p)
{
	*p = VGPU_PLANE_PRIMARY;
	return (struct vgpu_plane_cursor) {
		.head_var = vgpu_head_first(vgpu, head),
		.plane_var = p,
	};
}

/**
 * vgpu_plane_next() - move a walk to the next plane, or the next head
 * @cursor: the walk; its head variable becomes NULL after the last head
 */
void vgpu_plane_next(struct vgpu_plane_cursor *cursor)
{
	enum vgpu_plane_id *p = cursor->plane_var;

	if (++*p < VGPU_PLANES)
		return;
	*p = VGPU_PLANE_PRIMARY;
	*cursor->head_var = vgpu_head_next(*cursor->head_var);
}

/*
 * The DISPLAY section's state (registers, pipes, planes, errors) changed:
 * pre-copy sends it again. Called wherever that state changes.
 */
static void vgpu_display_mig_touch(struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu->display.mig_dirty = true;
}

/* Record a refused programming: guest-visible error, count, interrupt. */
static void vgpu_display_refuse(struct vgpu *vgpu, struct vgpu_head *head,
				enum vgpu_display_plane plane, u32 reason)
{
	vgpu_display_mig_touch(vgpu);
	head->error = plane << VGPU_DISPLAY_ERROR_PLANE_SHIFT | reason;
	head->error_count++;
	vgpu->stats.display_errors++;
	vgpu_irq_raise_pipe(vgpu, head->index, VGPU_DE_PIPE_PLANE_FAULT);
}

/* ---- vblank ---- */

/* Does anything wait for the next vblank of @head? */
static bool vgpu_head_listens(struct vgpu *vgpu, struct vgpu_head *head)
{
	unsigned int p;

	if (vgpu_irq_pipe_wanted(vgpu, head->index, VGPU_DE_PIPE_VBLANK) ||
	    vgpu_crc_enabled(head))
		return true;
	for (p = 0; p < VGPU_PLANES; p++)
		if (head->plane[p].update || head->plane[p].stale)
			return true;
	return false;
}

static enum hrtimer_restart vgpu_vblank_timer(struct hrtimer *timer)
{
	struct vgpu_head *head = container_of(timer, struct vgpu_head, timer);

	if (!READ_ONCE(head->timer_on))
		return HRTIMER_NORESTART;
	atomic_inc(&head->vblanks);
	queue_work(vgpu_wq, &head->vgpu->display.vblank_work);
	hrtimer_forward_now(timer, ns_to_ktime(head->period_ns));
	return HRTIMER_RESTART;
}

/* Arm or stop the vblank timer of @head as its state requires. */
static void vgpu_head_update_timer(struct vgpu *vgpu, struct vgpu_head *head)
{
	bool want = !vgpu->display.frozen && head->running &&
		    vgpu_head_listens(vgpu, head);
	u64 since, next;

	if (want == head->timer_on)
		return;
	WRITE_ONCE(head->timer_on, want);
	if (!want) {
		hrtimer_cancel(&head->timer);
		return;
	}
	/* Keep vblanks on the pipe's frame boundaries. */
	since = ktime_to_ns(ktime_sub(ktime_get(), head->start));
	next = head->period_ns - div64_u64_rem(since, head->period_ns, &since);
	hrtimer_start(&head->timer, ns_to_ktime(next), HRTIMER_MODE_REL);
}

static u32 vgpu_head_frames(struct vgpu_head *head)
{
	u64 ns;

	if (!head->running)
		return head->frames;
	ns = ktime_to_ns(ktime_sub(ktime_get(), head->start));
	return head->frames + (u32)div64_u64(ns, head->period_ns);
}

/* ---- planes ---- */

/* Make @fb (or nothing) the shown framebuffer of a plane now. */
static void vgpu_plane_show(struct vgpu *vgpu, struct vgpu_head *head,
			    enum vgpu_plane_id p, struct vgpu_fb *fb)
{
	struct vgpu_plane *plane = &head->plane[p];
	struct vgpu_fb *old = plane->shown;

	if (old == fb) {
		vgpu_fb_put(fb);
		return;
	}
	/* Sets plane->shown and removes the old pages from the regions. */
	vgpu_display_map_set(vgpu, head->index, p, fb);
	vgpu_fb_put(old);
}

/* Turn a plane off at once: no vblank wait (disable, refusal, reset). */
static void vgpu_plane_off(struct vgpu *vgpu, struct vgpu_head *head,
			   enum vgpu_plane_id p)
{
	struct vgpu_plane *plane = &head->plane[p];

	vgpu_display_mig_touch(vgpu);
	vgpu_fb_put(plane->pending);
	plane->pending = NULL;
	plane->update = false;
	plane->stale = false;
	vgpu_plane_show(vgpu, head, p, NULL);
}

/* Check the primary plane's registers. Return: enum vgpu_display_error. */
static u32 vgpu_primary_check(struct vgpu *vgpu, unsigned int h,
			      struct vgpu_plane_desc *d)
{
	const struct vgpu_type_desc *t = vgpu->type->desc;
	u32 ctl = *vgpu_reg(vgpu, h, VGPU_DISP_PLANE_CTL);
	u32 size = *vgpu_reg(vgpu, h, VGPU_DISP_PLANE_SIZE);
	u32 pos = *vgpu_reg(vgpu, h, VGPU_DISP_PLANE_POS);
	u32 offset = *vgpu_reg(vgpu, h, VGPU_DISP_PLANE_OFFSET);
	u32 src = *vgpu_reg(vgpu, h, VGPU_DISP_PIPESRC);
	u32 x, y, src_w, src_h, off_x, off_y;
	u64 start;

	switch (ctl & VGPU_PLANE_CTL_ALPHA_MASK) {
	case VGPU_PLANE_CTL_ALPHA_NONE:
		d->drm_format = DRM_FORMAT_XRGB8888;
		break;
	case VGPU_PLANE_CTL_ALPHA_SW_PREMUL:
	case VGPU_PLANE_CTL_ALPHA_HW_PREMUL:
		d->drm_format = DRM_FORMAT_ARGB8888;
		break;
	default:
		return VGPU_DISPLAY_ERR_FORMAT;
	}
	if ((ctl & VGPU_PLANE_CTL_FORMAT_MASK) >> VGPU_PLANE_CTL_FORMAT_SHIFT !=
	    VGPU_PLANE_CTL_FORMAT_8888 ||
	    (ctl & (VGPU_PLANE_CTL_ORDER_RGBX | VGPU_PLANE_CTL_TILED_MASK |
		    VGPU_PLANE_CTL_ROTATE_MASK)))
		return VGPU_DISPLAY_ERR_FORMAT;

	d->width = (size & VGPU_PLANE_SIZE_W_MASK) + 1;
	d->height = ((size & VGPU_PLANE_SIZE_H_MASK) >>
		     VGPU_PLANE_SIZE_H_SHIFT) + 1;
	x = pos & VGPU_PLANE_XY_X_MASK;
	y = (pos & VGPU_PLANE_XY_Y_MASK) >> VGPU_PLANE_XY_Y_SHIFT;
	src_w = ((src & VGPU_PIPESRC_WIDTH_MASK) >>
		 VGPU_PIPESRC_WIDTH_SHIFT) + 1;
	src_h = (src & VGPU_PIPESRC_HEIGHT_MASK) + 1;
	if (d->width > t->max_width || d->height > t->max_height ||
	    x + d->width > src_w || y + d->height > src_h)
		return VGPU_DISPLAY_ERR_SIZE;

	d->stride = (*vgpu_reg(vgpu, h, VGPU_DISP_PLANE_STRIDE) &
		     VGPU_PLANE_STRIDE_MASK) * VGPU_PLANE_STRIDE_UNIT;
	if (d->stride < d->width * 4)
		return VGPU_DISPLAY_ERR_STRIDE;

	off_x = offset & VGPU_PLANE_XY_X_MASK;
	off_y = (offset & VGPU_PLANE_XY_Y_MASK) >> VGPU_PLANE_XY_Y_SHIFT;
	start = (*vgpu_reg(vgpu, h, VGPU_DISP_PLANE_SURF) &
		 VGPU_PLANE_SURF_ADDR_MASK) + (u64)off_y * d->stride +
		off_x * 4;
	if (!PAGE_ALIGNED(start))
		return VGPU_DISPLAY_ERR_ALIGN;
	d->gfx = start;
	d->size = d->stride * d->height;
	if (!vgpu_gtt_range_ok(vgpu, d->gfx, d->size))
		return VGPU_DISPLAY_ERR_RANGE;
	return VGPU_DISPLAY_OK;
}

static u32 vgpu_cursor_check(struct vgpu *vgpu, unsigned int h,
			     struct vgpu_plane_desc *d)
{
	u32 mode = *vgpu_reg(vgpu, h, VGPU_DISP_CURCNTR) &
		   VGPU_CURCNTR_MODE_MASK;

	if (mode != VGPU_CURCNTR_MODE_64_ARGB)
		return VGPU_DISPLAY_ERR_FORMAT;
	d->drm_format = DRM_FORMAT_ARGB8888;
	d->width = VGPU_CURSOR_SIZE;
	d->height = VGPU_CURSOR_SIZE;
	d->stride = VGPU_CURSOR_STRIDE;
	d->size = d->stride * d->height;
	d->gfx = *vgpu_reg(vgpu, h, VGPU_DISP_CURBASE) & VGPU_CURBASE_ADDR_MASK;
	if (!vgpu_gtt_range_ok(vgpu, d->gfx, d->size))
		return VGPU_DISPLAY_ERR_RANGE;
	return VGPU_DISPLAY_OK;
}

static bool vgpu_plane_enabled(struct vgpu *vgpu, unsigned int h,
			       enum vgpu_plane_id p)
{
	if (p == VGPU_PLANE_PRIMARY)
		return *vgpu_reg(vgpu, h, VGPU_DISP_PLANE_CTL) &
		       VGPU_PLANE_CTL_ENABLE;
	return (*vgpu_reg(vgpu, h, VGPU_DISP_CURCNTR) &
		VGPU_CURCNTR_MODE_MASK) != VGPU_CURCNTR_MODE_DISABLE;
}

/*
 * The guest armed an update of plane @p of @head: check it, pin it and
 * let the next vblank show it; a refused or disabled plane goes off now.
 */
static void vgpu_plane_commit(struct vgpu *vgpu, struct vgpu_head *head,
			      enum vgpu_plane_id p)
{
	enum vgpu_display_plane which = p == VGPU_PLANE_PRIMARY ?
		VGPU_DISPLAY_PRIMARY : VGPU_DISPLAY_CURSOR;
	struct vgpu_plane *plane = &head->plane[p];
	struct vgpu_plane_desc d = {};
	struct vgpu_fb *fb, *cur;
	u32 err;

	vgpu_display_mig_touch(vgpu);
	plane->stale = false;
	if (!vgpu_plane_enabled(vgpu, head->index, p)) {
		vgpu_plane_off(vgpu, head, p);
		if ((head->error >> VGPU_DISPLAY_ERROR_PLANE_SHIFT) == which)
			head->error = VGPU_DISPLAY_OK;
		goto out;
	}
	if (!head->running)
		err = VGPU_DISPLAY_ERR_PIPE_OFF;
	else if (p == VGPU_PLANE_PRIMARY)
		err = vgpu_primary_check(vgpu, head->index, &d);
	else
		err = vgpu_cursor_check(vgpu, head->index, &d);
	/* The same plane on the same pages: keep its pins and dma-buf id. */
	cur = plane->update ? plane->pending : plane->shown;
	if (err)
		fb = NULL;
	else if (cur && vgpu_fb_matches(vgpu, cur, &d))
		fb = vgpu_fb_get(cur);
	else
		fb = vgpu_fb_pin(vgpu, &d, &err);
	if (!fb) {
		vgpu_plane_off(vgpu, head, p);
		vgpu_display_refuse(vgpu, head, which, err);
		goto out;
	}
	if ((head->error >> VGPU_DISPLAY_ERROR_PLANE_SHIFT) == which)
		head->error = VGPU_DISPLAY_OK;
	vgpu_fb_put(plane->pending);
	plane->pending = fb;
	plane->update = true;
out:
	vgpu_display_reap(vgpu);
	vgpu_head_update_timer(vgpu, head);
}

/* ---- pipe ---- */

/* Start the pipe if its mode is valid. Return: enum vgpu_display_error. */
/* Is @period_ns a frame time a pipe can run at? */
static bool vgpu_pipe_period_valid(u64 period_ns)
{
	return period_ns >= NSEC_PER_SEC / VGPU_MAX_HZ &&
	       period_ns <= NSEC_PER_SEC / VGPU_MIN_HZ;
}

/* Run the pipe at @period_ns a frame (vgpu_pipe_period_valid()). */
static void vgpu_pipe_run(struct vgpu *vgpu, struct vgpu_head *head,
			  u64 period_ns)
{
	vgpu_display_mig_touch(vgpu);
	head->period_ns = period_ns;
	head->start = ktime_get();
	head->running = true;
	atomic_set(&head->vblanks, 0);
}

static u32 vgpu_pipe_start(struct vgpu *vgpu, struct vgpu_head *head)
{
	const struct vgpu_type_desc *t = vgpu->type->desc;
	unsigned int h = head->index;
	u32 htotal_reg = *vgpu_reg(vgpu, h, VGPU_DISP_HTOTAL);
	u32 vtotal_reg = *vgpu_reg(vgpu, h, VGPU_DISP_VTOTAL);
	u32 src = *vgpu_reg(vgpu, h, VGPU_DISP_PIPESRC);
	u32 khz = *vgpu_reg(vgpu, h, VGPU_DISP_DOTCLOCK);
	u32 htotal = vgpu_field_hi(htotal_reg), hactive = vgpu_field_lo(htotal_reg);
	u32 vtotal = vgpu_field_hi(vtotal_reg), vactive = vgpu_field_lo(vtotal_reg);
	u32 src_w = ((src & VGPU_PIPESRC_WIDTH_MASK) >>
		     VGPU_PIPESRC_WIDTH_SHIFT) + 1;
	u32 src_h = (src & VGPU_PIPESRC_HEIGHT_MASK) + 1;
	u64 period, pixels = (u64)htotal * vtotal;

	if (!htotal_reg || !vtotal_reg || htotal < hactive ||
	    vtotal < vactive || hactive > t->max_width ||
	    vactive > t->max_height || src_w > hactive || src_h > vactive)
		return VGPU_DISPLAY_ERR_MODE;
	if (khz)
		period = div64_u64(pixels * NSEC_PER_MSEC, khz);
	else
		period = NSEC_PER_SEC / VGPU_DEFAULT_HZ;
	vgpu_pipe_run(vgpu, head, clamp_t(u64, period,
					  NSEC_PER_SEC / VGPU_MAX_HZ,
					  NSEC_PER_SEC / VGPU_MIN_HZ));
	return VGPU_DISPLAY_OK;
}

static void vgpu_pipe_stop(struct vgpu *vgpu, struct vgpu_head *head)
{
	unsigned int p;

	vgpu_display_mig_touch(vgpu);
	head->frames = vgpu_head_frames(head);
	head->running = false;
	vgpu_crc_off(vgpu, head);
	for (p = 0; p < VGPU_PLANES; p++)
		vgpu_plane_off(vgpu, head, p);
	vgpu_head_update_timer(vgpu, head);
}

static void vgpu_pipeconf_write(struct vgpu *vgpu, struct vgpu_head *head,
				u32 val)
{
	u32 *reg = vgpu_reg(vgpu, head->index, VGPU_DISP_PIPECONF);
	u32 err;

	val &= VGPU_PIPECONF_ENABLE;
	if (val == *reg && (!val || head->running))
		return;
	*reg = val;
	if (head->running)
		vgpu_pipe_stop(vgpu, head);
	if (!val) {
		vgpu_display_reap(vgpu);
		return;
	}
	err = vgpu_pipe_start(vgpu, head);
	if (err) {
		*reg = 0;
		vgpu_display_refuse(vgpu, head, VGPU_DISPLAY_PIPE, err);
	} else if (!(head->error >> VGPU_DISPLAY_ERROR_PLANE_SHIFT)) {
		head->error = VGPU_DISPLAY_OK;
	}
	vgpu_display_reap(vgpu);
	vgpu_head_update_timer(vgpu, head);
}

/**
 * vgpu_display_reg_read() - a display register of pipe @h
 * @vgpu: the vGPU
 * @r: its table entry; @r->arg is the enum vgpu_disp_reg
 * @h: head (below the type's heads)
 * @off: its offset
 *
 * Return: the value the guest reads.
 */
u32 vgpu_display_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r, u32 h,
			  u32 off)
{
	enum vgpu_disp_reg reg = r->arg;
	struct vgpu_head *head = &vgpu->display.head[h];
	struct vgpu_fb *live = head->plane[VGPU_PLANE_PRIMARY].shown;

	switch (reg) {
	case VGPU_DISP_PIPECONF:
		return *vgpu_reg(vgpu, h, reg) |
		       (head->running ? VGPU_PIPECONF_STATE : 0);
	case VGPU_DISP_FRMCOUNT:
		return vgpu_head_frames(head);
	case VGPU_DISP_SURFLIVE:
		return live ? *vgpu_reg(vgpu, h, VGPU_DISP_LIVE_SURF) : 0;
	case VGPU_DISP_HEAD_STATUS:
		return head->connected ? VGPU_HEAD_STATUS_CONNECTED : 0;
	case VGPU_DISP_EDID_SIZE:
		return head->edid_size;
	case VGPU_DISP_ERROR:
		return head->error;
	case VGPU_DISP_ERROR_COUNT:
		return head->error_count;
	case VGPU_DISP_CRC_CTL:
	case VGPU_DISP_CRC_RES:
	case VGPU_DISP_CRC_FRAME:
		return vgpu_crc_reg_read(vgpu, head, reg);
	default:
		return *vgpu_reg(vgpu, h, reg);
	}
}

/**
 * vgpu_display_reg_write() - the guest wrote a display register of pipe @h
 * @vgpu: the vGPU
 * @r: its table entry; @r->arg is the enum vgpu_disp_reg
 * @h: head (below the type's heads)
 * @off: its offset
 * @val: the value, untrusted
 */
void vgpu_display_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r, u32 h,
			    u32 off, u32 val)
{
	enum vgpu_disp_reg reg = r->arg;
	struct vgpu_head *head = &vgpu->display.head[h];
	u32 err;

	vgpu_display_mig_touch(vgpu);
	switch (reg) {
	case VGPU_DISP_PIPECONF:
		vgpu_pipeconf_write(vgpu, head, val);
		return;
	case VGPU_DISP_CRC_CTL:
		err = vgpu_crc_ctl_write(vgpu, head, val);
		if (err)
			vgpu_display_refuse(vgpu, head, VGPU_DISPLAY_CRC, err);
		else if ((head->error >> VGPU_DISPLAY_ERROR_PLANE_SHIFT) ==
			 VGPU_DISPLAY_CRC)
			head->error = VGPU_DISPLAY_OK;
		/* An enabled CRC needs the vblank timer. */
		vgpu_head_update_timer(vgpu, head);
		return;
	case VGPU_DISP_PLANE_SURF:
		*vgpu_reg(vgpu, h, reg) = val & VGPU_PLANE_SURF_ADDR_MASK;
		vgpu_plane_commit(vgpu, head, VGPU_PLANE_PRIMARY);
		return;
	case VGPU_DISP_CURBASE:
		*vgpu_reg(vgpu, h, reg) = val & VGPU_CURBASE_ADDR_MASK;
		vgpu_plane_commit(vgpu, head, VGPU_PLANE_CURSOR);
		return;
	case VGPU_DISP_CURSOR_HOT:
		val &= VGPU_CURSOR_HOT_Y_MASK | VGPU_CURSOR_HOT_X_MASK;
		break;
	default:
		break;
	}
	*vgpu_reg(vgpu, h, reg) = val;
}

/**
 * vgpu_display_irq_changed() - DE_PIPE_IER or _IMR of pipe @h changed
 * @vgpu: the vGPU
 * @h: the pipe
 *
 * Whether anybody listens to vblank decides whether the timer runs.
 */
void vgpu_display_irq_changed(struct vgpu *vgpu, unsigned int h)
{
	if (h < vgpu_heads(vgpu))
		vgpu_head_update_timer(vgpu, &vgpu->display.head[h]);
}

/* The pending update of @plane becomes the shown one (a vblank). */
static bool vgpu_plane_latch(struct vgpu *vgpu, struct vgpu_head *head,
			     enum vgpu_plane_id p)
{
	struct vgpu_plane *plane = &head->plane[p];
	struct vgpu_fb *fb = plane->pending;

	if (!plane->update)
		return false;
	vgpu_display_mig_touch(vgpu);
	plane->pending = NULL;
	plane->update = false;
	if (p == VGPU_PLANE_PRIMARY)
		*vgpu_reg(vgpu, head->index, VGPU_DISP_LIVE_SURF) =
			*vgpu_reg(vgpu, head->index, VGPU_DISP_PLANE_SURF);
	vgpu_plane_show(vgpu, head, p, fb);
	return true;
}

/* A plane whose GGTT pages changed is committed again, at most so often. */
static void vgpu_plane_recommit(struct vgpu *vgpu, struct vgpu_head *head,
				enum vgpu_plane_id p)
{
	struct vgpu_plane *plane = &head->plane[p];
	ktime_t now = ktime_get();

	if (!plane->stale ||
	    ktime_to_ns(ktime_sub(now, plane->recommitted)) <
	    VGPU_STALE_COMMIT_NS)
		return;
	plane->recommitted = now;
	vgpu_plane_commit(vgpu, head, p);
}

/**
 * vgpu_display_vblank_work() - deliver the vblanks the timers counted
 * @work: vgpu->display.vblank_work
 */
void vgpu_display_vblank_work(struct work_struct *work)
{
	struct vgpu *vgpu = container_of(work, struct vgpu,
					 display.vblank_work);
	struct vgpu_head *head;
	enum vgpu_plane_id p;
	u32 events;

	mutex_lock(&vgpu->lock);
	vgpu_for_each_head(vgpu, head) {
		/* A stopped device has no vblanks: the VM is paused. */
		if (!atomic_xchg(&head->vblanks, 0) || !head->running ||
		    vgpu->display.frozen)
			continue;
		for (p = 0; p < VGPU_PLANES; p++)
			vgpu_plane_recommit(vgpu, head, p);
		/* The planes shown until this vblank, before the latch. */
		vgpu_crc_vblank(vgpu, head, vgpu_head_frames(head) - 1);
		events = VGPU_DE_PIPE_VBLANK;
		if (vgpu_plane_latch(vgpu, head, VGPU_PLANE_PRIMARY))
			events |= VGPU_DE_PIPE_FLIP_DONE;
		vgpu_plane_latch(vgpu, head, VGPU_PLANE_CURSOR);
		vgpu_irq_raise_pipe(vgpu, head->index, events);
		vgpu_head_update_timer(vgpu, head);
	}
	vgpu_display_reap(vgpu);
	mutex_unlock(&vgpu->lock);
}

/**
 * vgpu_display_gtt_changed() - the guest rewrote the GGTT entry of @gfx
 * @vgpu: the vGPU
 * @gfx: graphics address of the page
 *
 * A plane showing (or about to show) that page is committed again at the
 * next vblank, so it shows what the GGTT maps then or is refused. Until
 * then it keeps showing the pages it pinned.
 */
void vgpu_display_gtt_changed(struct vgpu *vgpu, u64 gfx)
{
	struct vgpu_head *head;
	struct vgpu_plane *plane;
	enum vgpu_plane_id p;
	struct vgpu_fb *fb;

	vgpu_for_each_plane(vgpu, head, p) {
		plane = &head->plane[p];
		fb = plane->update ? plane->pending : plane->shown;
		if (fb && !plane->stale && gfx >= fb->desc.gfx &&
		    gfx - fb->desc.gfx < fb->desc.size) {
			plane->stale = true;
			vgpu_head_update_timer(vgpu, head);
		}
	}
}

/* Does a plane show @fb or wait to show it? */
static bool vgpu_fb_on_plane(struct vgpu *vgpu, const struct vgpu_fb *fb)
{
	struct vgpu_head *head;
	struct vgpu_plane *plane;
	enum vgpu_plane_id p;

	vgpu_for_each_plane(vgpu, head, p) {
		plane = &head->plane[p];
		if (plane->shown == fb || plane->pending == fb)
			return true;
	}
	return false;
}

/**
 * vgpu_display_reap() - unpin framebuffers nobody uses any more
 * @vgpu: the vGPU (vgpu->lock held)
 *
 * A framebuffer is used while a plane shows it or waits to, while a
 * dma-buf of it is exported, or while a pipe CRC reads it.
 */
void vgpu_display_reap(struct vgpu *vgpu)
{
	struct vgpu_fb *fb, *tmp;

	lockdep_assert_held(&vgpu->lock);
	vgpu_dmabuf_reap(vgpu);
	list_for_each_entry_safe(fb, tmp, &vgpu->display.fbs, node)
		if (!vgpu_fb_on_plane(vgpu, fb) &&
		    !vgpu_dmabuf_fb_exported(vgpu, fb) &&
		    !vgpu_crc_uses_fb(vgpu, fb))
			vgpu_fb_unpin(vgpu, fb);
}

/**
 * vgpu_display_reap_work() - reap after a dma-buf was released
 * @work: vgpu->display.reap_work
 */
void vgpu_display_reap_work(struct work_struct *work)
{
	struct vgpu *vgpu = container_of(work, struct vgpu, display.reap_work);

	mutex_lock(&vgpu->lock);
	vgpu_display_reap(vgpu);
	mutex_unlock(&vgpu->lock);
}

/* Take @fb away from every plane and dma-buf, then unpin it. */
static void vgpu_fb_revoke(struct vgpu *vgpu, struct vgpu_fb *fb)
{
	struct vgpu_head *head;
	struct vgpu_plane *plane;
	enum vgpu_plane_id p;

	vgpu_for_each_plane(vgpu, head, p) {
		plane = &head->plane[p];
		if (plane->shown == fb || plane->pending == fb)
			vgpu_plane_off(vgpu, head, p);
	}
	vgpu_dmabuf_revoke_fb(vgpu, fb);
	vgpu_fb_unpin(vgpu, fb);
}

/**
 * vgpu_display_unmap_iova() - the VFIO user unmapped guest memory
 * @vgpu: the vGPU (vgpu->lock held)
 * @iova: start of the range
 * @length: bytes
 *
 * Every framebuffer showing a page of the range is taken off its planes
 * and dma-bufs and unpinned before this returns.
 */
void vgpu_display_unmap_iova(struct vgpu *vgpu, u64 iova, u64 length)
{
	struct vgpu_fb *fb, *tmp;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry_safe(fb, tmp, &vgpu->display.fbs, node)
		if (vgpu_fb_uses_iova(fb, iova, length))
			vgpu_fb_revoke(vgpu, fb);
}

/**
 * vgpu_display_stop() - stop every pipe and its vblank timer
 * @vgpu: the vGPU (vgpu->lock held)
 *
 * A vblank work item may still be queued; it finds the pipes off.
 */
void vgpu_display_stop(struct vgpu *vgpu)
{
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head)
		if (head->running)
			vgpu_pipe_stop(vgpu, head);
}

/**
 * vgpu_display_reset() - the display at power-on
 * @vgpu: the vGPU (vgpu->lock held)
 *
 * Pipes off, planes off, every framebuffer unpinned and every dma-buf
 * revoked. EDIDs and link states stay: they are the VMM's.
 */
void vgpu_display_reset(struct vgpu *vgpu)
{
	struct vgpu_fb *fb, *tmp;
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	vgpu_display_mig_touch(vgpu);
	vgpu_display_stop(vgpu);
	list_for_each_entry_safe(fb, tmp, &vgpu->display.fbs, node)
		vgpu_fb_revoke(vgpu, fb);
	vgpu_dmabuf_reap(vgpu);
	vgpu_for_each_head(vgpu, head) {
		vgpu_crc_reset(vgpu, head);
		head->frames = 0;
		head->error = VGPU_DISPLAY_OK;
	}
}

/**
 * vgpu_display_regs_reset() - the display registers at power-on
 * @vgpu: the vGPU
 */
void vgpu_display_regs_reset(struct vgpu *vgpu)
{
	memset(vgpu->display.regs, 0, sizeof(vgpu->display.regs));
}

/**
 * vgpu_display_close() - the VFIO device is being closed
 * @vgpu: the vGPU (vgpu->lock not held)
 */
void vgpu_display_close(struct vgpu *vgpu)
{
	lockdep_assert_not_held(&vgpu->lock);
	mutex_lock(&vgpu->lock);
	vgpu_display_stop(vgpu);
	mutex_unlock(&vgpu->lock);
	cancel_work_sync(&vgpu->display.vblank_work);

	mutex_lock(&vgpu->lock);
	vgpu_display_reset(vgpu);
	vgpu_dmabuf_detach_all(vgpu);
	mutex_unlock(&vgpu->lock);
	/* Every CRC is off; the work items only drop their references. */
	vgpu_crc_flush(vgpu);
	cancel_work_sync(&vgpu->display.reap_work);
}

/**
 * vgpu_display_init() - display state of a new vGPU
 * @vgpu: the vGPU
 *
 * Return: 0 or -ENOMEM.
 */
int vgpu_display_init(struct vgpu *vgpu)
{
	struct vgpu_display *display = &vgpu->display;
	struct vgpu_head *head;
	unsigned int h;

	display->live_dmabufs = vgpu_dmabuf_count_alloc();
	if (!display->live_dmabufs)
		return -ENOMEM;
	INIT_LIST_HEAD(&display->fbs);
	INIT_LIST_HEAD(&display->dmabufs);
	INIT_WORK(&display->vblank_work, vgpu_display_vblank_work);
	INIT_WORK(&display->reap_work, vgpu_display_reap_work);
	display->next_dmabuf_id = 1;
	for (h = 0; h < VGPU_MAX_PIPES; h++) {
		head = &display->head[h];
		head->vgpu = vgpu;
		head->index = h;
		hrtimer_init(&head->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		head->timer.function = vgpu_vblank_timer;
		vgpu_crc_init(head);
		if (h < vgpu_heads(vgpu))
			vgpu_edid_init(head);
	}
	return 0;
}

/**
 * vgpu_display_fini() - the vGPU is freed (its dma-bufs may live on)
 * @vgpu: the vGPU
 */
void vgpu_display_fini(struct vgpu *vgpu)
{
	if (vgpu->display.live_dmabufs)
		vgpu_dmabuf_count_put(vgpu->display.live_dmabufs);
	vgpu->display.live_dmabufs = NULL;
}

/**
 * vgpu_display_region_size() - bytes of a plane region
 * @vgpu: the vGPU
 * @p: the plane
 *
 * Return: the largest framebuffer the plane can show.
 */
u64 vgpu_display_region_size(const struct vgpu *vgpu, enum vgpu_plane_id p)
{
	const struct vgpu_type_desc *t = vgpu->type->desc;
	u64 stride;

	if (p == VGPU_PLANE_CURSOR)
		return VGPU_CURSOR_STRIDE * VGPU_CURSOR_SIZE;
	/* The longest stride PLANE_STRIDE can hold, every line shown. */
	stride = (u64)VGPU_PLANE_STRIDE_MASK * VGPU_PLANE_STRIDE_UNIT;
	return PAGE_ALIGN(stride * t->max_height);
}

/**
 * vgpu_display_freeze() - a migration stops or restarts the device
 * @vgpu: the vGPU (vgpu->lock held)
 * @frozen: stopped
 *
 * Stopped, no vblank timer runs and vblanks already counted are dropped:
 * no plane latches, no interrupt is raised, no CRC is started. The pipes
 * keep their state; their frame counters go on with the clock.
 */
void vgpu_display_freeze(struct vgpu *vgpu, bool frozen)
{
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	vgpu->display.frozen = frozen;
	vgpu_for_each_head(vgpu, head)
		vgpu_head_update_timer(vgpu, head);
}

/*
 * Per head in the DISPLAY section, after its registers. The frame counter
 * goes on with the clock, so it is not here but in the VBLANK section,
 * which only a stopped device sends: pre-copy sends DISPLAY early and
 * again only when the guest changed it.
 */
enum vgpu_display_mig_field {
	VGPU_DISPLAY_MIG_RUNNING,
	VGPU_DISPLAY_MIG_PERIOD_NS,	/* a running pipe's frame time */
	VGPU_DISPLAY_MIG_ERROR,
	VGPU_DISPLAY_MIG_ERROR_COUNT,
	VGPU_DISPLAY_MIG_PENDING,	/* VGPU_PLANES of them */
	/* Per plane: on (shown or pending), not off or refused. */
	VGPU_DISPLAY_MIG_ON = VGPU_DISPLAY_MIG_PENDING + VGPU_PLANES,
	VGPU_DISPLAY_MIG_FIELDS = VGPU_DISPLAY_MIG_ON + VGPU_PLANES,
};

/* Registers the load writes last, in this order: they act on the rest. */
static const enum vgpu_disp_reg vgpu_display_mig_late[] = {
	VGPU_DISP_PIPECONF, VGPU_DISP_PLANE_SURF, VGPU_DISP_CURBASE,
};

static bool vgpu_display_mig_is_late(enum vgpu_disp_reg reg)
{
	unsigned int i;

	/* The shown surface follows from the planes; never written. */
	if (reg == VGPU_DISP_LIVE_SURF)
		return true;
	for (i = 0; i < ARRAY_SIZE(vgpu_display_mig_late); i++)
		if (reg == vgpu_display_mig_late[i])
			return true;
	return false;
}

u32 vgpu_display_mig_size(const struct vgpu *vgpu)
{
	return sizeof(u32) + vgpu_heads(vgpu) * sizeof(u32) *
	       (VGPU_DISP_NR_REGS + VGPU_DISPLAY_MIG_FIELDS);
}

/**
 * vgpu_display_mig_save() - the DISPLAY section: pipes and planes
 * @vgpu: the vGPU
 * @w: the stream
 *
 * The head count, then per head its stored registers, whether the pipe
 * runs and at which frame time, its error registers and, per plane,
 * whether an update waits for the next vblank and whether the plane is
 * on (an enabled plane whose programming was refused is off). Frame
 * counters are the VBLANK section's, EDIDs are edid.c's. What is saved
 * is clean until the display changes again.
 */
void vgpu_display_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	const struct vgpu_plane *plane;
	struct vgpu_head *head;
	unsigned int i;

	lockdep_assert_held(&vgpu->lock);
	vgpu_mig_put_u32(w, vgpu_heads(vgpu));
	vgpu_for_each_head(vgpu, head) {
		for (i = 0; i < VGPU_DISP_NR_REGS; i++)
			vgpu_mig_put_u32(w, *vgpu_reg(vgpu, head->index, i));
		vgpu_mig_put_u32(w, head->running);
		vgpu_mig_put_u32(w, head->running ? head->period_ns : 0);
		vgpu_mig_put_u32(w, head->error);
		vgpu_mig_put_u32(w, head->error_count);
		for (i = 0; i < VGPU_PLANES; i++)
			vgpu_mig_put_u32(w, head->plane[i].update);
		for (i = 0; i < VGPU_PLANES; i++) {
			plane = &head->plane[i];
			vgpu_mig_put_u32(w, plane->shown || plane->pending);
		}
	}
	vgpu->display.mig_dirty = false;
}

/* Did the DISPLAY section's state change since it was saved? */
bool vgpu_display_mig_changed(const struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return vgpu->display.mig_dirty;
}

/* Replay one saved register through the guest's write path. */
static void vgpu_display_mig_write(struct vgpu *vgpu, unsigned int h,
				   enum vgpu_disp_reg reg, u32 val)
{
	const struct vgpu_reg r = { .arg = reg };

	vgpu_display_reg_write(vgpu, &r, h, 0, val);
}

/*
 * Load one head: its registers are written as the guest would write them
 * (the same checks, the planes pinned through the GGTT just loaded), the
 * pipe and plane enables last.
 */
/* A DISPLAY section refused: why, at debug level only (guest input). */
static int vgpu_display_mig_refuse(struct vgpu *vgpu, unsigned int h,
				   const char *why)
{
	dev_dbg(mdev_dev(vgpu->mdev), "migration: DISPLAY head %u: %s\n", h,
		why);
	return -EINVAL;
}

static int vgpu_display_mig_load_head(struct vgpu *vgpu,
				      struct vgpu_head *head,
				      const u32 *regs, const u32 *f)
{
	unsigned int h = head->index, i;
	bool refused_here = false;
	enum vgpu_plane_id p;

	for (i = 0; i < VGPU_DISP_NR_REGS; i++)
		if (!vgpu_display_mig_is_late(i))
			vgpu_display_mig_write(vgpu, h, i, regs[i]);
	/*
	 * A pipe runs exactly when PIPECONF enables it (a start that fails
	 * clears it). It runs on at the source's frame time, not through a
	 * start: its timing registers may have changed since it started,
	 * which a running pipe ignores and a start would refuse.
	 */
	if (!!(regs[VGPU_DISP_PIPECONF] & VGPU_PIPECONF_ENABLE) !=
	    f[VGPU_DISPLAY_MIG_RUNNING])
		return vgpu_display_mig_refuse(vgpu, h,
					       "PIPECONF and running disagree");
	if (f[VGPU_DISPLAY_MIG_RUNNING]) {
		if (!vgpu_pipe_period_valid(f[VGPU_DISPLAY_MIG_PERIOD_NS]))
			return vgpu_display_mig_refuse(vgpu, h,
						       "frame time out of range");
		*vgpu_reg(vgpu, h, VGPU_DISP_PIPECONF) = VGPU_PIPECONF_ENABLE;
		vgpu_pipe_run(vgpu, head, f[VGPU_DISPLAY_MIG_PERIOD_NS]);
		vgpu_head_update_timer(vgpu, head);
	}
	for (i = 0; i < ARRAY_SIZE(vgpu_display_mig_late); i++)
		if (vgpu_display_mig_late[i] != VGPU_DISP_PIPECONF)
			vgpu_display_mig_write(vgpu, h,
					       vgpu_display_mig_late[i],
					       regs[vgpu_display_mig_late[i]]);
	for (p = 0; p < VGPU_PLANES; p++) {
		if (!vgpu_plane_enabled(vgpu, h, p) || !head->running)
			continue;
		/*
		 * Refused here: refused on the source too (the same registers
		 * on the same GGTT), or on there and the source would refuse
		 * it at its next commit (the GGTT changed under it since) or
		 * this side cannot pin its pages. Off, with this refusal's
		 * error then: the guest sees a display error, not a failed
		 * migration.
		 */
		if (!head->plane[p].pending) {
			if (f[VGPU_DISPLAY_MIG_ON + p])
				refused_here = true;
			continue;
		}
		/* Refused on the source only: off, as there. */
		if (!f[VGPU_DISPLAY_MIG_ON + p]) {
			vgpu_plane_off(vgpu, head, p);
			continue;
		}
		/* Shown on the source: show it now; a flip waits its vblank. */
		if (!f[VGPU_DISPLAY_MIG_PENDING + p])
			vgpu_plane_latch(vgpu, head, p);
	}
	if (refused_here) {
		dev_dbg(mdev_dev(vgpu->mdev),
			"migration: DISPLAY head %u: a plane on there refused here (%#x)\n",
			h, head->error);
	} else {
		head->error = f[VGPU_DISPLAY_MIG_ERROR];
	}
	head->error_count = f[VGPU_DISPLAY_MIG_ERROR_COUNT] + refused_here;
	return 0;
}

/**
 * vgpu_display_mig_load() - take the DISPLAY section
 * @vgpu: the vGPU, just reset, its GGTT loaded
 * @r: the section, untrusted
 *
 * Return: 0 or -EINVAL; on an error the caller resets the device.
 */
int vgpu_display_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	u32 regs[VGPU_DISP_NR_REGS], f[VGPU_DISPLAY_MIG_FIELDS];
	struct vgpu_head *head;
	unsigned int i;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	if (vgpu_mig_get_u32(r) != vgpu_heads(vgpu))
		return -EINVAL;
	vgpu_for_each_head(vgpu, head) {
		for (i = 0; i < VGPU_DISP_NR_REGS; i++)
			regs[i] = vgpu_mig_get_u32(r);
		for (i = 0; i < VGPU_DISPLAY_MIG_FIELDS; i++)
			f[i] = vgpu_mig_get_u32(r);
		if (r->bad || f[VGPU_DISPLAY_MIG_RUNNING] > 1)
			return vgpu_display_mig_refuse(vgpu, head->index,
						       "short or not a flag");
		for (i = 0; i < VGPU_PLANES; i++)
			if (f[VGPU_DISPLAY_MIG_PENDING + i] > 1 ||
			    f[VGPU_DISPLAY_MIG_ON + i] > 1)
				return vgpu_display_mig_refuse(vgpu,
							       head->index,
							       "not a flag");
		ret = vgpu_display_mig_load_head(vgpu, head, regs, f);
		if (ret)
			return ret;
	}
	return vgpu_mig_reader_done(r) ? 0 : -EINVAL;
}

u32 vgpu_vblank_mig_size(const struct vgpu *vgpu)
{
	return vgpu_heads(vgpu) * sizeof(u32);
}

/**
 * vgpu_vblank_mig_save() - the VBLANK section: per head its frame counter
 * @vgpu: the vGPU, stopped (the counters of running pipes go on with the
 *	clock, so only the final chunk carries them)
 * @w: the stream
 */
void vgpu_vblank_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head)
		vgpu_mig_put_u32(w, vgpu_head_frames(head));
}

/**
 * vgpu_vblank_mig_load() - take the VBLANK section
 * @vgpu: the vGPU, its DISPLAY section loaded (a running pipe counts on
 *	from here)
 * @r: the section, untrusted (any count is one a pipe can reach)
 *
 * Return: 0 or -EINVAL.
 */
int vgpu_vblank_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	struct vgpu_head *head;

	lockdep_assert_held(&vgpu->lock);
	vgpu_for_each_head(vgpu, head)
		head->frames = vgpu_mig_get_u32(r);
	return vgpu_mig_reader_done(r) ? 0 : -EINVAL;
}
