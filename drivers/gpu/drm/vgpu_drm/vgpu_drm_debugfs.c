// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: vgpu_info shows what the PV page says, the slice, the heads'
 * state and error counts, and what is bound in the GGTT.
 */
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "vgpu_drm_drv.h"

static void vgpu_drm_info_pv(struct seq_file *m, struct vgpu_drm_device *vdev)
{
	const struct vgpu_drm_pv *pv = &vdev->pv;
	unsigned int i;

	seq_printf(m, "pv_version: %u.%u\n",
		   pv->version >> VGPU_PV_VERSION_MAJOR_SHIFT,
		   lower_16_bits(pv->version));
	seq_printf(m, "vgpu_id: %u\n", pv->vgpu_id);
	seq_printf(m, "caps: %#x\n", pv->caps);
	seq_printf(m, "engine_mask: %#x\n", pv->engine_mask);
	seq_printf(m, "heads: %u\n", pv->num_heads);
	seq_printf(m, "max_mode: %ux%u\n", pv->max_width, pv->max_height);
	for (i = 0; i < pv->num_ranges; i++)
		seq_printf(m, "gm_range%u: [%#llx, %#llx) %llu KiB\n", i,
			   pv->ranges[i].base,
			   pv->ranges[i].base + pv->ranges[i].size,
			   pv->ranges[i].size >> 10);
}

static void vgpu_drm_info_head(struct seq_file *m,
			       struct vgpu_drm_device *vdev,
			       struct vgpu_drm_head *head, bool present)
{
	unsigned int h = head->index;
	const char *plane, *reason;
	u32 err;

	seq_printf(m, "head%u:\n", h);
	if (present) {
		err = vgpu_drm_read(vdev, VGPU_PV_HEAD_DISPLAY_ERROR(h));
		reason = vgpu_drm_display_error_str(err, &plane);
		seq_printf(m, "  status: %#x\n",
			   vgpu_drm_read(vdev, VGPU_PV_HEAD_STATUS(h)));
		seq_printf(m, "  edid_size: %u\n",
			   vgpu_drm_read(vdev, VGPU_PV_HEAD_EDID_SIZE(h)));
		seq_printf(m, "  pipeconf: %#x\n",
			   vgpu_drm_read(vdev, VGPU_REG_PIPECONF(h)));
		seq_printf(m, "  frame: %u\n",
			   vgpu_drm_read(vdev, VGPU_REG_PIPE_FRMCOUNT(h)));
		seq_printf(m, "  surflive: %#x\n",
			   vgpu_drm_read(vdev, VGPU_REG_PLANE_SURFLIVE(h)));
		seq_printf(m, "  display_error: %#x (%s: %s)\n", err, plane,
			   reason);
		seq_printf(m, "  display_error_count: %u\n",
			   vgpu_drm_read(vdev,
					 VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(h)));
	}
	err = READ_ONCE(head->last_error);
	reason = vgpu_drm_display_error_str(err, &plane);
	seq_printf(m, "  plane_faults: %d (last %s: %s)\n",
		   atomic_read(&head->plane_faults), plane, reason);
	seq_printf(m, "  hotplugs: %d\n", atomic_read(&head->hotplugs));
	seq_printf(m, "  crc: %s, %d entries\n",
		   READ_ONCE(head->crc_enabled) ? "on" : "off",
		   atomic_read(&head->crc_entries));
}

static void vgpu_drm_info_ggtt(struct seq_file *m, struct vgpu_drm_ggtt *ggtt)
{
	struct vgpu_drm_bo *bo;
	unsigned int n = 0;

	mutex_lock(&ggtt->lock);
	list_for_each_entry(bo, &ggtt->bound, bound_link)
		n++;
	seq_printf(m, "bound_objects: %u\n", n);
	seq_printf(m, "bound_pages: %llu\n", ggtt->bound_pages);
	list_for_each_entry(bo, &ggtt->bound, bound_link)
		seq_printf(m, "  [%#llx, %#llx) users %u%s\n", bo->node.start,
			   bo->node.start + bo->node.size, bo->bind_count,
			   bo->base.base.import_attach ? " imported" : "");
	mutex_unlock(&ggtt->lock);
}

static void vgpu_drm_info_engine(struct seq_file *m,
				 struct vgpu_drm_engine *engine, bool present)
{
	mutex_lock(&engine->lock);
	seq_printf(m, "%s engine:\n", vgpu_drm_engine_name(engine->id));
	seq_printf(m, "  ring: %#llx tail %#x\n", engine->ring_gfx,
		   engine->tail);
	seq_printf(m, "  seqno: %u, completed %u\n", engine->seqno,
		   engine->hws_vaddr ? vgpu_drm_engine_hws_seqno(engine) : 0);
	seq_printf(m, "  inflight: %u%s\n", engine->inflight,
		   engine->wedged ? ", wedged" : "");
	seq_printf(m, "  submitted: %llu\n", engine->submitted);
	seq_printf(m, "  failed: %llu\n", engine->failed);
	seq_printf(m, "  replayed: %llu\n", engine->replayed);
	seq_printf(m, "  resets: %llu\n", engine->resets);
	if (present)
		seq_printf(m, "  error: %#x (count %u)\n",
			   vgpu_drm_read(engine->vdev,
					 VGPU_PV_ENGINE_ERROR(engine->id)),
			   vgpu_drm_read(engine->vdev,
					 VGPU_PV_ENGINE_ERROR_COUNT(engine->id)));
	mutex_unlock(&engine->lock);
}

static int vgpu_drm_info_show(struct seq_file *m, void *data)
{
	struct drm_info_node *node = m->private;
	struct vgpu_drm_device *vdev = to_vgpu_drm(node->minor->dev);
	unsigned int h, e;
	bool present;
	int idx;

	vgpu_drm_info_pv(m, vdev);
	present = drm_dev_enter(&vdev->drm, &idx);
	if (present)
		seq_printf(m, "unhandled_accesses: %u\n",
			   vgpu_drm_read(vdev, VGPU_PV_UNHANDLED_ACCESSES));
	else
		seq_puts(m, "device: gone\n");
	for (h = 0; h < vdev->pv.num_heads; h++)
		vgpu_drm_info_head(m, vdev, &vdev->heads[h], present);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if (vdev->engines[e].present)
			vgpu_drm_info_engine(m, &vdev->engines[e], present);
	if (present)
		drm_dev_exit(idx);
	vgpu_drm_info_ggtt(m, &vdev->ggtt);
	return 0;
}

static const struct drm_info_list vgpu_drm_debugfs_list[] = {
	{ "vgpu_info", vgpu_drm_info_show, 0 },
};

/**
 * vgpu_drm_debugfs_init() - the driver's debugfs files of a minor
 * @minor: the DRM minor
 */
void vgpu_drm_debugfs_init(struct drm_minor *minor)
{
	drm_debugfs_create_files(vgpu_drm_debugfs_list,
				 ARRAY_SIZE(vgpu_drm_debugfs_list),
				 minor->debugfs_root, minor);
}
