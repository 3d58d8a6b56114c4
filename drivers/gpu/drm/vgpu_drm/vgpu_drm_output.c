// SPDX-License-Identifier: GPL-2.0
/*
 * The output of a head: a virtual encoder and a connector whose status is
 * PV HEAD_STATUS bit 0 and whose modes come from the head's EDID in the PV
 * page. When the host changes the EDID or the link, the DE port hotplug
 * interrupt schedules a uevent; userspace (and the fbdev client) then
 * probe the connectors again.
 */
#include <linux/minmax.h>

#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_edid.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_simple_kms_helper.h>

#include "vgpu_drm_drv.h"

/**
 * vgpu_drm_mode_valid() - can a pipe of this vGPU run @mode?
 * @vdev: the device
 * @mode: the mode
 *
 * The type's largest mode and the register fields bound it; the device
 * has no interlaced or double-scan timings.
 *
 * Return: MODE_OK or why not.
 */
enum drm_mode_status vgpu_drm_mode_valid(struct vgpu_drm_device *vdev,
					 const struct drm_display_mode *mode)
{
	if (mode->flags & (DRM_MODE_FLAG_INTERLACE | DRM_MODE_FLAG_DBLSCAN))
		return MODE_NO_INTERLACE;
	if (mode->flags & DRM_MODE_FLAG_DBLCLK)
		return MODE_NO_DBLESCAN;
	if (mode->clock <= 0)
		return MODE_CLOCK_LOW;
	if (mode->hdisplay > vdev->pv.max_width)
		return MODE_VIRTUAL_X;
	if (mode->vdisplay > vdev->pv.max_height ||
	    mode->vdisplay > VGPU_PIPESRC_HEIGHT_MASK + 1)
		return MODE_VIRTUAL_Y;
	if (mode->htotal > VGPU_TIMING_LO_MASK + 1)
		return MODE_H_ILLEGAL;
	if (mode->vtotal > VGPU_TIMING_LO_MASK + 1)
		return MODE_V_ILLEGAL;
	return MODE_OK;
}

/* drm_edid_read_custom() callback: EDID block @block from the PV page. */
static int vgpu_drm_read_edid_block(void *context, u8 *buf,
				    unsigned int block, size_t len)
{
	struct vgpu_drm_head *head = context;
	struct vgpu_drm_device *vdev = to_vgpu_drm(head->connector.dev);
	size_t off = block * EDID_LENGTH, i;
	u32 size, word = 0;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	size = min_t(u32, vgpu_drm_read(vdev,
					VGPU_PV_HEAD_EDID_SIZE(head->index)),
		     VGPU_PV_EDID_MAX);
	if (off + len > size) {
		drm_dev_exit(idx);
		return -EINVAL;
	}
	/* The page is read a dword at a time, little endian. */
	for (i = 0; i < len; i++) {
		if (i == 0 || (off + i) % sizeof(word) == 0)
			word = vgpu_drm_read(vdev, VGPU_PV_EDID(head->index) +
					     round_down(off + i, sizeof(word)));
		buf[i] = word >> (8 * ((off + i) % sizeof(word)));
	}
	drm_dev_exit(idx);
	return 0;
}

static int vgpu_drm_connector_get_modes(struct drm_connector *connector)
{
	struct vgpu_drm_head *head = connector_to_head(connector);
	const struct drm_edid *edid;
	int count;

	edid = drm_edid_read_custom(connector, vgpu_drm_read_edid_block, head);
	/* NULL clears the EDID property and the display info. */
	count = drm_edid_connector_update(connector, edid);
	drm_edid_free(edid);
	return count;
}

static enum drm_mode_status
vgpu_drm_connector_mode_valid(struct drm_connector *connector,
			      struct drm_display_mode *mode)
{
	return vgpu_drm_mode_valid(to_vgpu_drm(connector->dev), mode);
}

static const struct drm_connector_helper_funcs vgpu_drm_connector_helper_funcs = {
	.get_modes = vgpu_drm_connector_get_modes,
	.mode_valid = vgpu_drm_connector_mode_valid,
};

static enum drm_connector_status
vgpu_drm_connector_detect(struct drm_connector *connector, bool force)
{
	struct vgpu_drm_device *vdev = to_vgpu_drm(connector->dev);
	struct vgpu_drm_head *head = connector_to_head(connector);
	u32 status;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return connector_status_disconnected;
	status = vgpu_drm_read(vdev, VGPU_PV_HEAD_STATUS(head->index));
	drm_dev_exit(idx);
	return status & VGPU_HEAD_STATUS_CONNECTED ?
	       connector_status_connected : connector_status_disconnected;
}

static const struct drm_connector_funcs vgpu_drm_connector_funcs = {
	.detect = vgpu_drm_connector_detect,
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/**
 * vgpu_drm_hotplug_work() - tell userspace a head's display changed
 * @work: vgpu_drm_device.hotplug_work
 */
void vgpu_drm_hotplug_work(struct work_struct *work)
{
	struct vgpu_drm_device *vdev = container_of(work, struct vgpu_drm_device,
						    hotplug_work);
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return;
	drm_kms_helper_hotplug_event(&vdev->drm);
	drm_dev_exit(idx);
}

/**
 * vgpu_drm_output_init() - encoder and connector of @head
 * @vdev: the device
 * @head: the head, its CRTC initialised
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_output_init(struct vgpu_drm_device *vdev,
			 struct vgpu_drm_head *head)
{
	struct drm_connector *connector = &head->connector;
	int ret;

	ret = drm_simple_encoder_init(&vdev->drm, &head->encoder,
				      DRM_MODE_ENCODER_VIRTUAL);
	if (ret)
		return ret;
	head->encoder.possible_crtcs = drm_crtc_mask(&head->crtc);

	ret = drm_connector_init(&vdev->drm, connector,
				 &vgpu_drm_connector_funcs,
				 DRM_MODE_CONNECTOR_VIRTUAL);
	if (ret)
		return ret;
	drm_connector_helper_add(connector, &vgpu_drm_connector_helper_funcs);
	/* The device interrupts on changes: no polling. */
	connector->polled = DRM_CONNECTOR_POLL_HPD;
	return drm_connector_attach_encoder(connector, &head->encoder);
}
