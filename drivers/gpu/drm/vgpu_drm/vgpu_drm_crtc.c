// SPDX-License-Identifier: GPL-2.0
/*
 * The CRTC of a head: the pipe's mode, its vblank (interrupt, hardware
 * frame counter, timestamps) and its CRC source.
 *
 * Vblank events are armed with drm_crtc_arm_vblank_event() after the
 * plane registers were written: the event carries the frame counter read
 * after those writes plus one, so it is sent at the first vblank interrupt
 * that finds PIPE_FRMCOUNT past it, which is the vblank at which the
 * device latched the new planes (it latches at every frame end). The old
 * framebuffers are unbound only after that event (vgpu_drm_gem.c).
 *
 * Timestamps come from the mode: the device starts counting frames when
 * PIPECONF is enabled and a frame lasts htotal * vtotal / dotclock, so
 * the last vblank is the last whole frame since the start.
 */
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/string.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_debugfs_crc.h>
#include <drm/drm_drv.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>

#include "vgpu_drm_drv.h"

/* How often the CRC frame/result/frame read is retried before giving up. */
#define VGPU_DRM_CRC_READ_TRIES		3
/*
 * Most frames in a row the host may skip computing a CRC for that are
 * still reported, with the next result (see vgpu_drm_crtc_handle_crc()).
 */
#define VGPU_DRM_CRC_MAX_FILL		8

static const char * const vgpu_drm_crc_sources[] = { "auto", "pipe" };

static struct vgpu_drm_device *crtc_to_vdev(struct drm_crtc *crtc)
{
	return to_vgpu_drm(crtc->dev);
}

/* A timing register: two fields holding value - 1. */
static u32 vgpu_drm_timing(int hi, int lo)
{
	return (((u32)(hi - 1) << VGPU_TIMING_HI_SHIFT) & VGPU_TIMING_HI_MASK) |
	       ((u32)(lo - 1) & VGPU_TIMING_LO_MASK);
}

static void vgpu_drm_crtc_program_mode(struct vgpu_drm_device *vdev,
				       unsigned int p,
				       const struct drm_display_mode *m)
{
	vgpu_drm_write(vdev, VGPU_REG_HTOTAL(p),
		       vgpu_drm_timing(m->crtc_htotal, m->crtc_hdisplay));
	vgpu_drm_write(vdev, VGPU_REG_HBLANK(p),
		       vgpu_drm_timing(m->crtc_hblank_end, m->crtc_hblank_start));
	vgpu_drm_write(vdev, VGPU_REG_HSYNC(p),
		       vgpu_drm_timing(m->crtc_hsync_end, m->crtc_hsync_start));
	vgpu_drm_write(vdev, VGPU_REG_VTOTAL(p),
		       vgpu_drm_timing(m->crtc_vtotal, m->crtc_vdisplay));
	vgpu_drm_write(vdev, VGPU_REG_VBLANK(p),
		       vgpu_drm_timing(m->crtc_vblank_end, m->crtc_vblank_start));
	vgpu_drm_write(vdev, VGPU_REG_VSYNC(p),
		       vgpu_drm_timing(m->crtc_vsync_end, m->crtc_vsync_start));
	vgpu_drm_write(vdev, VGPU_REG_PIPESRC(p),
		       (((u32)(m->crtc_hdisplay - 1) <<
			 VGPU_PIPESRC_WIDTH_SHIFT) & VGPU_PIPESRC_WIDTH_MASK) |
		       ((u32)(m->crtc_vdisplay - 1) & VGPU_PIPESRC_HEIGHT_MASK));
	/* The device derives the frame rate from it. */
	vgpu_drm_write(vdev, VGPU_PV_HEAD_DOTCLOCK_KHZ(p), m->crtc_clock);
}

static void vgpu_drm_crtc_crc_hw(struct vgpu_drm_device *vdev,
				 struct vgpu_drm_head *head, bool enable)
{
	/* Unmask first so that the first result after enabling is seen. */
	if (enable)
		vgpu_drm_irq_pipe_enable(vdev, head->index,
					 VGPU_DE_PIPE_CRC_DONE, true);
	vgpu_drm_write(vdev, VGPU_REG_PIPE_CRC_CTL(head->index),
		       enable ? VGPU_PIPE_CRC_ENABLE | VGPU_PIPE_CRC_SOURCE_PF :
				0);
	if (!enable)
		vgpu_drm_irq_pipe_enable(vdev, head->index,
					 VGPU_DE_PIPE_CRC_DONE, false);
}

static void vgpu_drm_crtc_atomic_enable(struct drm_crtc *crtc,
					struct drm_atomic_state *state)
{
	struct vgpu_drm_device *vdev = crtc_to_vdev(crtc);
	struct vgpu_drm_head *head = crtc_to_head(crtc);
	const struct drm_display_mode *m = &crtc->state->adjusted_mode;
	unsigned int p = head->index;
	ktime_t before, after;
	int idx;

	if (drm_dev_enter(&vdev->drm, &idx)) {
		vgpu_drm_crtc_program_mode(vdev, p, m);
		before = ktime_get();
		vgpu_drm_write(vdev, VGPU_REG_PIPECONF(p), VGPU_PIPECONF_ENABLE);
		after = ktime_get();
		head->period_ns = div_u64((u64)m->crtc_htotal * m->crtc_vtotal *
					  NSEC_PER_MSEC, m->crtc_clock);
		head->start = ktime_add_ns(before,
					   ktime_to_ns(ktime_sub(after, before)) / 2);
		head->start_error_ns = ktime_to_ns(ktime_sub(after, before));
		/* A refusal also raises PLANE_FAULT, which logs it. */
		if (!(vgpu_drm_read(vdev, VGPU_REG_PIPECONF(p)) &
		      VGPU_PIPECONF_STATE))
			drm_dbg_kms(&vdev->drm, "pipe %u did not start\n", p);
		if (READ_ONCE(head->crc_enabled))
			vgpu_drm_crtc_crc_hw(vdev, head, true);
		drm_dev_exit(idx);
	}
	drm_crtc_vblank_on(crtc);
}

static void vgpu_drm_crtc_atomic_disable(struct drm_crtc *crtc,
					 struct drm_atomic_state *state)
{
	struct vgpu_drm_device *vdev = crtc_to_vdev(crtc);
	struct vgpu_drm_head *head = crtc_to_head(crtc);
	int idx;

	drm_crtc_vblank_off(crtc);
	/* Stopping the pipe turns its planes off at once. */
	if (drm_dev_enter(&vdev->drm, &idx)) {
		vgpu_drm_write(vdev, VGPU_REG_PIPECONF(head->index), 0);
		drm_dev_exit(idx);
	}
	head->period_ns = 0;

	/* No vblank will come: the event of this commit goes now. */
	spin_lock_irq(&crtc->dev->event_lock);
	if (crtc->state->event) {
		drm_crtc_send_vblank_event(crtc, crtc->state->event);
		crtc->state->event = NULL;
	}
	spin_unlock_irq(&crtc->dev->event_lock);
}

static void vgpu_drm_crtc_atomic_flush(struct drm_crtc *crtc,
				       struct drm_atomic_state *state)
{
	struct drm_pending_vblank_event *event = crtc->state->event;
	int idx;

	if (!event)
		return;
	crtc->state->event = NULL;

	spin_lock_irq(&crtc->dev->event_lock);
	if (drm_dev_enter(crtc->dev, &idx)) {
		if (drm_crtc_vblank_get(crtc) == 0) {
			/* The vblank reference goes with the event. */
			drm_crtc_arm_vblank_event(crtc, event);
			event = NULL;
		}
		drm_dev_exit(idx);
	}
	if (event)
		drm_crtc_send_vblank_event(crtc, event);
	spin_unlock_irq(&crtc->dev->event_lock);
}

static int vgpu_drm_crtc_atomic_check(struct drm_crtc *crtc,
				      struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs = drm_atomic_get_new_crtc_state(state, crtc);

	if (cs->enable && drm_atomic_crtc_needs_modeset(cs))
		drm_mode_set_crtcinfo(&cs->adjusted_mode, 0);
	return 0;
}

static enum drm_mode_status
vgpu_drm_crtc_mode_valid(struct drm_crtc *crtc,
			 const struct drm_display_mode *mode)
{
	return vgpu_drm_mode_valid(crtc_to_vdev(crtc), mode);
}

static const struct drm_crtc_helper_funcs vgpu_drm_crtc_helper_funcs = {
	.mode_valid = vgpu_drm_crtc_mode_valid,
	.atomic_check = vgpu_drm_crtc_atomic_check,
	.atomic_flush = vgpu_drm_crtc_atomic_flush,
	.atomic_enable = vgpu_drm_crtc_atomic_enable,
	.atomic_disable = vgpu_drm_crtc_atomic_disable,
};

static int vgpu_drm_crtc_enable_vblank(struct drm_crtc *crtc)
{
	struct vgpu_drm_device *vdev = crtc_to_vdev(crtc);
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	vgpu_drm_irq_pipe_enable(vdev, crtc_to_head(crtc)->index,
				 VGPU_DE_PIPE_VBLANK, true);
	drm_dev_exit(idx);
	return 0;
}

static void vgpu_drm_crtc_disable_vblank(struct drm_crtc *crtc)
{
	struct vgpu_drm_device *vdev = crtc_to_vdev(crtc);
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return;
	vgpu_drm_irq_pipe_enable(vdev, crtc_to_head(crtc)->index,
				 VGPU_DE_PIPE_VBLANK, false);
	drm_dev_exit(idx);
}

static u32 vgpu_drm_crtc_get_vblank_counter(struct drm_crtc *crtc)
{
	struct vgpu_drm_device *vdev = crtc_to_vdev(crtc);
	struct vgpu_drm_head *head = crtc_to_head(crtc);
	int idx;

	/* Once the device is gone the counter stands still. */
	if (drm_dev_enter(&vdev->drm, &idx)) {
		WRITE_ONCE(head->last_frame,
			   vgpu_drm_read(vdev,
					 VGPU_REG_PIPE_FRMCOUNT(head->index)));
		drm_dev_exit(idx);
	}
	return READ_ONCE(head->last_frame);
}

static bool vgpu_drm_crtc_get_vblank_timestamp(struct drm_crtc *crtc,
					       int *max_error,
					       ktime_t *vblank_time,
					       bool in_vblank_irq)
{
	struct vgpu_drm_head *head = crtc_to_head(crtc);
	u64 period = READ_ONCE(head->period_ns);
	s64 since;

	if (!period)
		return false;
	since = ktime_to_ns(ktime_sub(ktime_get(), head->start));
	if (since < 0)
		since = 0;
	*vblank_time = ktime_add_ns(head->start,
				    div64_u64(since, period) * period);
	*max_error = min_t(s64, head->start_error_ns, INT_MAX);
	return true;
}

/* Parse a CRC source name: NULL or "none" is off. */
static int vgpu_drm_crc_parse(const char *source, bool *enable)
{
	*enable = source && strcmp(source, "none");
	if (*enable && match_string(vgpu_drm_crc_sources,
				    ARRAY_SIZE(vgpu_drm_crc_sources),
				    source) < 0)
		return -EINVAL;
	return 0;
}

static int vgpu_drm_crtc_verify_crc_source(struct drm_crtc *crtc,
					   const char *source,
					   size_t *values_cnt)
{
	bool enable;
	int ret;

	ret = vgpu_drm_crc_parse(source, &enable);
	if (!ret)
		*values_cnt = 1;
	return ret;
}

static const char *const *
vgpu_drm_crtc_get_crc_sources(struct drm_crtc *crtc, size_t *count)
{
	*count = ARRAY_SIZE(vgpu_drm_crc_sources);
	return vgpu_drm_crc_sources;
}

static int vgpu_drm_crtc_set_crc_source(struct drm_crtc *crtc,
					const char *source)
{
	struct vgpu_drm_device *vdev = crtc_to_vdev(crtc);
	struct vgpu_drm_head *head = crtc_to_head(crtc);
	bool enable;
	int idx, ret;

	ret = vgpu_drm_crc_parse(source, &enable);
	if (ret || enable == head->crc_enabled)
		return ret;
	/* The device computes CRCs at vblanks: keep them running. */
	if (enable) {
		ret = drm_crtc_vblank_get(crtc);
		if (ret)
			return ret;
	}
	head->crc_seq_valid = false;
	if (drm_dev_enter(&vdev->drm, &idx)) {
		vgpu_drm_crtc_crc_hw(vdev, head, enable);
		drm_dev_exit(idx);
	}
	WRITE_ONCE(head->crc_enabled, enable);
	if (!enable)
		drm_crtc_vblank_put(crtc);
	return 0;
}

/*
 * The DRM vblank sequence that labels the CRC of hardware frame @frame: as
 * for vblank events, the count of the vblank that ended the frame, which
 * is the one PIPE_FRMCOUNT reads @frame + 1 after. The DRM count follows
 * PIPE_FRMCOUNT at a fixed offset, taken from one reading of both that no
 * frame boundary split.
 */
static bool vgpu_drm_crtc_frame_to_seq(struct vgpu_drm_device *vdev,
				       struct vgpu_drm_head *head, u32 frame,
				       u32 *seq)
{
	u32 reg = VGPU_REG_PIPE_FRMCOUNT(head->index), hw;
	unsigned int tries;
	u64 count;

	for (tries = 0; tries < VGPU_DRM_CRC_READ_TRIES; tries++) {
		hw = vgpu_drm_read(vdev, reg);
		count = drm_crtc_accurate_vblank_count(&head->crtc);
		if (hw == vgpu_drm_read(vdev, reg)) {
			*seq = (u32)count - (hw - (frame + 1));
			return true;
		}
	}
	return false;
}

/**
 * vgpu_drm_crtc_handle_crc() - a CRC was latched (interrupt context)
 * @vdev: the device
 * @head: its head
 *
 * The frame number and the result change together on the device; a pair
 * of frame reads around the result read that agree proves a consistent
 * snapshot. A busy host skips frames; like vkms, whose composer does the
 * same when it falls behind, the frames skipped since the last entry (up
 * to VGPU_DRM_CRC_MAX_FILL) get the new result, so that readers see one
 * CRC per frame. Results older than the last entry are dropped.
 */
void vgpu_drm_crtc_handle_crc(struct vgpu_drm_device *vdev,
			      struct vgpu_drm_head *head)
{
	unsigned int h = head->index, tries;
	u32 frame, again = 0, crc = 0, seq;

	for (tries = 0; tries < VGPU_DRM_CRC_READ_TRIES; tries++) {
		frame = vgpu_drm_read(vdev, VGPU_PV_HEAD_CRC_FRAME(h));
		crc = vgpu_drm_read(vdev, VGPU_REG_PIPE_CRC_RES(h));
		again = vgpu_drm_read(vdev, VGPU_PV_HEAD_CRC_FRAME(h));
		if (frame == again)
			break;
	}
	if (frame != again || !READ_ONCE(head->crc_enabled) ||
	    !vgpu_drm_crtc_frame_to_seq(vdev, head, frame, &seq)) {
		drm_dbg_kms(&vdev->drm, "pipe %u: CRC of frame %u dropped\n",
			    h, frame);
		return;
	}
	if (head->crc_seq_valid) {
		s32 ahead = (s32)(seq - head->crc_last_seq);
		u32 fill;

		if (ahead <= 0)
			return;
		for (fill = head->crc_last_seq + 1;
		     ahead <= VGPU_DRM_CRC_MAX_FILL + 1 && fill != seq; fill++)
			drm_crtc_add_crc_entry(&head->crtc, true, fill, &crc);
	}
	head->crc_last_seq = seq;
	head->crc_seq_valid = true;
	drm_crtc_add_crc_entry(&head->crtc, true, seq, &crc);
	atomic_inc(&head->crc_entries);
}

/**
 * vgpu_drm_crtc_hw_fini() - turn the pipe, its planes and its CRC off
 * @vdev: the device, still present
 * @head: the head
 *
 * For remove: whatever the atomic state says, the device shows nothing
 * afterwards, so every GGTT entry may be cleared.
 */
void vgpu_drm_crtc_hw_fini(struct vgpu_drm_device *vdev,
			   struct vgpu_drm_head *head)
{
	unsigned int p = head->index;

	vgpu_drm_write(vdev, VGPU_REG_PIPE_CRC_CTL(p), 0);
	vgpu_drm_write(vdev, VGPU_REG_PLANE_CTL(p), 0);
	vgpu_drm_write(vdev, VGPU_REG_PLANE_SURF(p), 0);
	vgpu_drm_write(vdev, VGPU_REG_CURCNTR(p), VGPU_CURCNTR_MODE_DISABLE);
	vgpu_drm_write(vdev, VGPU_REG_CURBASE(p), 0);
	vgpu_drm_write(vdev, VGPU_REG_PIPECONF(p), 0);
}

static const struct drm_crtc_funcs vgpu_drm_crtc_funcs = {
	.reset = drm_atomic_helper_crtc_reset,
	.destroy = drm_crtc_cleanup,
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.atomic_duplicate_state = drm_atomic_helper_crtc_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_crtc_destroy_state,
	.enable_vblank = vgpu_drm_crtc_enable_vblank,
	.disable_vblank = vgpu_drm_crtc_disable_vblank,
	.get_vblank_counter = vgpu_drm_crtc_get_vblank_counter,
	.get_vblank_timestamp = vgpu_drm_crtc_get_vblank_timestamp,
	.set_crc_source = vgpu_drm_crtc_set_crc_source,
	.verify_crc_source = vgpu_drm_crtc_verify_crc_source,
	.get_crc_sources = vgpu_drm_crtc_get_crc_sources,
};

/**
 * vgpu_drm_crtc_init() - the CRTC of @head with its two planes
 * @vdev: the device
 * @head: the head, planes initialised
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_crtc_init(struct vgpu_drm_device *vdev,
		       struct vgpu_drm_head *head)
{
	int ret;

	ret = drm_crtc_init_with_planes(&vdev->drm, &head->crtc,
					&head->primary, &head->cursor,
					&vgpu_drm_crtc_funcs, "pipe-%u",
					head->index);
	if (ret)
		return ret;
	drm_crtc_helper_add(&head->crtc, &vgpu_drm_crtc_helper_funcs);
	return 0;
}
