// SPDX-License-Identifier: GPL-2.0
/*
 * Planes: per head a primary plane (XRGB8888, ARGB8888, linear, covering
 * the whole pipe) and a 64x64 ARGB8888 cursor. prepare_fb waits for the
 * framebuffer's fences and binds its object into the GGTT; cleanup_fb
 * unbinds it once the commit that replaced it has flipped.
 *
 * The device shows a surface only when its first displayed byte is 4 KiB
 * aligned and every byte of stride * height from there is mapped, so
 * atomic_check refuses framebuffers that would be refused later.
 */
#include <linux/mm.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_print.h>

#include "vgpu_drm_drv.h"

#define VGPU_DRM_CPP		4	/* both formats are 8:8:8:8 */
#define VGPU_DRM_CURSOR_BYTES	\
	(VGPU_CURSOR_SIZE * VGPU_CURSOR_SIZE * VGPU_DRM_CPP)

static const u32 vgpu_drm_primary_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
};

static const u32 vgpu_drm_cursor_formats[] = {
	DRM_FORMAT_ARGB8888,
};

static const char * const vgpu_drm_display_errors[VGPU_DISPLAY_ERR_COUNT] = {
	[VGPU_DISPLAY_OK] = "none",
	[VGPU_DISPLAY_ERR_FORMAT] = "format",
	[VGPU_DISPLAY_ERR_SIZE] = "size",
	[VGPU_DISPLAY_ERR_STRIDE] = "stride",
	[VGPU_DISPLAY_ERR_RANGE] = "range",
	[VGPU_DISPLAY_ERR_UNMAPPED] = "unmapped",
	[VGPU_DISPLAY_ERR_ALIGN] = "align",
	[VGPU_DISPLAY_ERR_PIPE_OFF] = "pipe-off",
	[VGPU_DISPLAY_ERR_MODE] = "mode",
	[VGPU_DISPLAY_ERR_HOST] = "host",
};

static const char * const vgpu_drm_display_planes[] = {
	[VGPU_DISPLAY_PIPE] = "pipe",
	[VGPU_DISPLAY_PRIMARY] = "primary",
	[VGPU_DISPLAY_CURSOR] = "cursor",
	[VGPU_DISPLAY_CRC] = "crc",
};

/**
 * vgpu_drm_display_error_str() - name a VGPU_PV_HEAD_DISPLAY_ERROR value
 * @err: plane in 31:16, reason in 15:0
 * @plane: set to the plane's name
 *
 * Return: the reason's name.
 */
const char *vgpu_drm_display_error_str(u32 err, const char **plane)
{
	u32 which = err >> VGPU_DISPLAY_ERROR_PLANE_SHIFT;
	u32 reason = err & VGPU_DISPLAY_ERROR_REASON_MASK;

	*plane = which < ARRAY_SIZE(vgpu_drm_display_planes) ?
		 vgpu_drm_display_planes[which] : "?";
	return reason < ARRAY_SIZE(vgpu_drm_display_errors) ?
	       vgpu_drm_display_errors[reason] : "?";
}

static struct vgpu_drm_device *plane_to_vdev(struct drm_plane *plane)
{
	return to_vgpu_drm(plane->dev);
}

static struct vgpu_drm_bo *plane_state_bo(const struct drm_plane_state *s)
{
	return to_vgpu_bo(s->fb->obj[0]);
}

/* Byte offset of the first displayed pixel inside the object. */
static u64 vgpu_drm_plane_start(const struct drm_plane_state *s)
{
	const struct drm_framebuffer *fb = s->fb;

	return fb->offsets[0] + (u64)(s->src.y1 >> 16) * fb->pitches[0] +
	       (u64)(s->src.x1 >> 16) * fb->format->cpp[0];
}

static int vgpu_drm_plane_prepare_fb(struct drm_plane *plane,
				     struct drm_plane_state *new)
{
	int ret;

	if (!new->fb)
		return 0;
	ret = drm_gem_plane_helper_prepare_fb(plane, new);
	if (ret)
		return ret;
	return vgpu_drm_bo_bind(plane_to_vdev(plane), plane_state_bo(new));
}

static void vgpu_drm_plane_cleanup_fb(struct drm_plane *plane,
				      struct drm_plane_state *old)
{
	if (old->fb)
		vgpu_drm_bo_unbind(plane_to_vdev(plane), plane_state_bo(old));
}

static struct drm_crtc_state *
vgpu_drm_plane_crtc_state(struct drm_atomic_state *state,
			  struct drm_plane_state *new)
{
	return new->crtc ? drm_atomic_get_new_crtc_state(state, new->crtc) :
			   NULL;
}

static int vgpu_drm_primary_atomic_check(struct drm_plane *plane,
					 struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct drm_framebuffer *fb = new->fb;
	u64 start, pitch;
	int ret;

	ret = drm_atomic_helper_check_plane_state(new,
						  vgpu_drm_plane_crtc_state(state, new),
						  DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING,
						  false, true);
	if (ret || !new->visible)
		return ret;

	pitch = fb->pitches[0];
	start = vgpu_drm_plane_start(new);
	if (pitch % VGPU_PLANE_STRIDE_UNIT ||
	    pitch / VGPU_PLANE_STRIDE_UNIT > VGPU_PLANE_STRIDE_MASK) {
		drm_dbg_kms(plane->dev, "pitch %llu: not a multiple of %u up to %u\n",
			    pitch, VGPU_PLANE_STRIDE_UNIT,
			    VGPU_PLANE_STRIDE_MASK * VGPU_PLANE_STRIDE_UNIT);
		return -EINVAL;
	}
	if (!PAGE_ALIGNED(start)) {
		drm_dbg_kms(plane->dev, "first pixel at %llu: not page aligned\n",
			    start);
		return -EINVAL;
	}
	/* The device maps every line in full, the padding of the last too. */
	if (start + pitch * drm_rect_height(&new->dst) > fb->obj[0]->size) {
		drm_dbg_kms(plane->dev, "last line ends past the object\n");
		return -EINVAL;
	}
	return 0;
}

static void vgpu_drm_primary_atomic_update(struct drm_plane *plane,
					   struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct vgpu_drm_device *vdev = plane_to_vdev(plane);
	struct vgpu_drm_head *head = container_of(plane, struct vgpu_drm_head,
						  primary);
	struct drm_framebuffer *fb = new->fb;
	unsigned int p = head->index;
	u32 ctl, w, h;
	u64 surf;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return;
	if (!new->visible) {
		/* Writing PLANE_SURF commits the disable, which is immediate. */
		vgpu_drm_write(vdev, VGPU_REG_PLANE_CTL(p), 0);
		vgpu_drm_write(vdev, VGPU_REG_PLANE_SURF(p), 0);
		goto out;
	}

	w = drm_rect_width(&new->dst);
	h = drm_rect_height(&new->dst);
	ctl = VGPU_PLANE_CTL_ENABLE |
	      (VGPU_PLANE_CTL_FORMAT_8888 << VGPU_PLANE_CTL_FORMAT_SHIFT) |
	      (fb->format->has_alpha ? VGPU_PLANE_CTL_ALPHA_SW_PREMUL :
				       VGPU_PLANE_CTL_ALPHA_NONE);
	surf = vgpu_drm_bo_gfx(vdev, plane_state_bo(new)) +
	       vgpu_drm_plane_start(new);
	vgpu_drm_write(vdev, VGPU_REG_PLANE_CTL(p), ctl);
	vgpu_drm_write(vdev, VGPU_REG_PLANE_STRIDE(p),
		       fb->pitches[0] / VGPU_PLANE_STRIDE_UNIT);
	vgpu_drm_write(vdev, VGPU_REG_PLANE_POS(p),
		       ((new->dst.y1 << VGPU_PLANE_XY_Y_SHIFT) &
			VGPU_PLANE_XY_Y_MASK) |
		       (new->dst.x1 & VGPU_PLANE_XY_X_MASK));
	vgpu_drm_write(vdev, VGPU_REG_PLANE_SIZE(p),
		       (((h - 1) << VGPU_PLANE_SIZE_H_SHIFT) &
			VGPU_PLANE_SIZE_H_MASK) |
		       ((w - 1) & VGPU_PLANE_SIZE_W_MASK));
	/* The first displayed byte is the surface: no offset inside it. */
	vgpu_drm_write(vdev, VGPU_REG_PLANE_OFFSET(p), 0);
	vgpu_drm_write(vdev, VGPU_REG_PLANE_SURF(p),
		       lower_32_bits(surf) & VGPU_PLANE_SURF_ADDR_MASK);
out:
	drm_dev_exit(idx);
}

static int vgpu_drm_cursor_atomic_check(struct drm_plane *plane,
					struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct drm_framebuffer *fb = new->fb;
	int ret;

	ret = drm_atomic_helper_check_plane_state(new,
						  vgpu_drm_plane_crtc_state(state, new),
						  DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING,
						  true, true);
	if (ret || !fb)
		return ret;

	/*
	 * The device shows one 64x64 image with a 256-byte stride: the first
	 * 64 lines of a 64 pixel wide framebuffer. Taller ones are fine (IGT
	 * draws its cursors in 64x65 framebuffers), other sources are not.
	 */
	if (fb->width != VGPU_CURSOR_SIZE || fb->height < VGPU_CURSOR_SIZE ||
	    new->crtc_w != VGPU_CURSOR_SIZE ||
	    new->crtc_h != VGPU_CURSOR_SIZE ||
	    new->src_x || new->src_y ||
	    new->src_w != VGPU_CURSOR_SIZE << 16 ||
	    new->src_h != VGPU_CURSOR_SIZE << 16) {
		drm_dbg_kms(plane->dev, "cursor must be %ux%u\n",
			    VGPU_CURSOR_SIZE, VGPU_CURSOR_SIZE);
		return -EINVAL;
	}
	if (fb->pitches[0] != VGPU_CURSOR_SIZE * VGPU_DRM_CPP ||
	    !PAGE_ALIGNED(fb->offsets[0]) ||
	    fb->offsets[0] + VGPU_DRM_CURSOR_BYTES > fb->obj[0]->size) {
		drm_dbg_kms(plane->dev, "cursor image not packed and aligned\n");
		return -EINVAL;
	}
	return 0;
}

/* CURPOS: sign and magnitude per axis. */
static u32 vgpu_drm_curpos(int x, int y)
{
	u32 pos = 0;

	if (x < 0) {
		pos |= VGPU_CURPOS_X_SIGN;
		x = -x;
	}
	if (y < 0) {
		pos |= VGPU_CURPOS_Y_SIGN;
		y = -y;
	}
	return pos | (((u32)y << VGPU_CURPOS_Y_SHIFT) & VGPU_CURPOS_Y_MASK) |
	       ((u32)x & VGPU_CURPOS_X_MASK);
}

static void vgpu_drm_cursor_atomic_update(struct drm_plane *plane,
					  struct drm_atomic_state *state)
{
	struct drm_plane_state *old = drm_atomic_get_old_plane_state(state,
								     plane);
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state,
								     plane);
	struct vgpu_drm_device *vdev = plane_to_vdev(plane);
	struct vgpu_drm_head *head = container_of(plane, struct vgpu_drm_head,
						  cursor);
	unsigned int p = head->index;
	u64 base;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return;
	if (!new->visible) {
		vgpu_drm_write(vdev, VGPU_REG_CURCNTR(p),
			       VGPU_CURCNTR_MODE_DISABLE);
		vgpu_drm_write(vdev, VGPU_REG_CURBASE(p), 0);
		goto out;
	}
	/* CURPOS applies at once; CURBASE commits the image at a vblank. */
	vgpu_drm_write(vdev, VGPU_REG_CURPOS(p),
		       vgpu_drm_curpos(new->crtc_x, new->crtc_y));
	/* A moved cursor keeps its image, unless the pipe was restarted. */
	if (old->visible && old->fb == new->fb &&
	    !drm_atomic_crtc_needs_modeset(drm_atomic_get_new_crtc_state(state,
									  new->crtc)))
		goto out;
	base = vgpu_drm_bo_gfx(vdev, plane_state_bo(new)) + new->fb->offsets[0];
	vgpu_drm_write(vdev, VGPU_REG_CURCNTR(p), VGPU_CURCNTR_MODE_64_ARGB);
	vgpu_drm_write(vdev, VGPU_REG_CURBASE(p),
		       lower_32_bits(base) & VGPU_CURBASE_ADDR_MASK);
out:
	drm_dev_exit(idx);
}

static const struct drm_plane_helper_funcs vgpu_drm_primary_helper_funcs = {
	.prepare_fb = vgpu_drm_plane_prepare_fb,
	.cleanup_fb = vgpu_drm_plane_cleanup_fb,
	.atomic_check = vgpu_drm_primary_atomic_check,
	.atomic_update = vgpu_drm_primary_atomic_update,
};

static const struct drm_plane_helper_funcs vgpu_drm_cursor_helper_funcs = {
	.prepare_fb = vgpu_drm_plane_prepare_fb,
	.cleanup_fb = vgpu_drm_plane_cleanup_fb,
	.atomic_check = vgpu_drm_cursor_atomic_check,
	.atomic_update = vgpu_drm_cursor_atomic_update,
};

static const struct drm_plane_funcs vgpu_drm_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
};

/**
 * vgpu_drm_plane_handle_fault() - the device refused a pipe or plane
 *				   programming (interrupt context)
 * @vdev: the device
 * @head: the head
 *
 * The atomic checks should have prevented it, so it is worth a
 * (ratelimited) line; debugfs counts them.
 */
void vgpu_drm_plane_handle_fault(struct vgpu_drm_device *vdev,
				 struct vgpu_drm_head *head)
{
	u32 err = vgpu_drm_read(vdev, VGPU_PV_HEAD_DISPLAY_ERROR(head->index));
	const char *plane, *reason;

	WRITE_ONCE(head->last_error, err);
	atomic_inc(&head->plane_faults);
	reason = vgpu_drm_display_error_str(err, &plane);
	dev_info_ratelimited(vdev->drm.dev, "head %u: %s refused: %s\n",
			     head->index, plane, reason);
}

/**
 * vgpu_drm_planes_init() - the primary and cursor planes of @head
 * @vdev: the device
 * @head: the head; its CRTC will have index head->index
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_planes_init(struct vgpu_drm_device *vdev,
			 struct vgpu_drm_head *head)
{
	u32 crtcs = BIT(head->index);
	int ret;

	ret = drm_universal_plane_init(&vdev->drm, &head->primary, crtcs,
				       &vgpu_drm_plane_funcs,
				       vgpu_drm_primary_formats,
				       ARRAY_SIZE(vgpu_drm_primary_formats),
				       NULL, DRM_PLANE_TYPE_PRIMARY,
				       "primary-%u", head->index);
	if (ret)
		return ret;
	drm_plane_helper_add(&head->primary, &vgpu_drm_primary_helper_funcs);

	ret = drm_universal_plane_init(&vdev->drm, &head->cursor, crtcs,
				       &vgpu_drm_plane_funcs,
				       vgpu_drm_cursor_formats,
				       ARRAY_SIZE(vgpu_drm_cursor_formats),
				       NULL, DRM_PLANE_TYPE_CURSOR,
				       "cursor-%u", head->index);
	if (ret)
		return ret;
	drm_plane_helper_add(&head->cursor, &vgpu_drm_cursor_helper_funcs);
	return 0;
}
