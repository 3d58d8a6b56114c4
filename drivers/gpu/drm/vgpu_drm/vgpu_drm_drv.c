// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI driver: probe reads and checks the PV info page, balloons the
 * GGTT, builds the KMS objects (one set per head) or, for a type without
 * heads, a render-only device, sets up a ring per engine and tells the
 * host it is ready. Remove turns the display off, unplugs the DRM device
 * (open files stay valid and fail with -ENODEV), fails the work left on the
 * rings, clears every GGTT entry and tells the host it is gone.
 */
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sort.h>
#include <linux/wait.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_module.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_vblank.h>

#include "vgpu_drm_compat.h"
#include "vgpu_drm_drv.h"

/* The largest plane the PLANE_SIZE fields can describe. */
#define VGPU_DRM_MAX_FB_WIDTH	(VGPU_PLANE_SIZE_W_MASK + 1)
#define VGPU_DRM_MAX_FB_HEIGHT	((VGPU_PLANE_SIZE_H_MASK >> \
				  VGPU_PLANE_SIZE_H_SHIFT) + 1)

/* Longest wait for the vblank that retires a replaced cursor image. */
#define VGPU_DRM_FLIP_TIMEOUT_MS	100

DEFINE_DRM_GEM_FOPS(vgpu_drm_fops);

#define VGPU_DRM_DRIVER_COMMON						\
	.fops = &vgpu_drm_fops,						\
	.gem_create_object = vgpu_drm_gem_create_object,		\
	.prime_handle_to_fd = drm_gem_prime_handle_to_fd,		\
	.prime_fd_to_handle = drm_gem_prime_fd_to_handle,		\
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table, \
	KCOMPAT_DRM_GEM_PRIME_MMAP					\
	.open = vgpu_drm_render_open,					\
	.postclose = vgpu_drm_render_postclose,				\
	.ioctls = vgpu_drm_render_ioctls,				\
	.num_ioctls = VGPU_DRM_NUM_IOCTLS,				\
	.debugfs_init = vgpu_drm_debugfs_init,				\
	.name = VGPU_DRM_NAME,						\
	.desc = VGPU_DRM_DESC,						\
	.date = VGPU_DRM_DATE,						\
	.major = VGPU_DRM_MAJOR,					\
	.minor = VGPU_DRM_MINOR

static const struct drm_driver vgpu_drm_kms_driver = {
	.driver_features = DRIVER_GEM | DRIVER_MODESET | DRIVER_ATOMIC |
			   DRIVER_RENDER,
	.dumb_create = vgpu_drm_dumb_create,
	VGPU_DRM_DRIVER_COMMON,
};

/* A type without heads: buffers and PRIME only, no KMS. */
static const struct drm_driver vgpu_drm_render_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	VGPU_DRM_DRIVER_COMMON,
};

static int vgpu_drm_atomic_check(struct drm_device *drm,
				 struct drm_atomic_state *state)
{
	struct drm_crtc_state *cs;
	struct drm_crtc *crtc;
	int i, ret;

	ret = drm_atomic_helper_check_modeset(drm, state);
	if (ret)
		return ret;
	/* A pipe (re)started shows no plane until each is committed again. */
	for_each_new_crtc_in_state(state, crtc, cs, i) {
		if (!cs->active || !drm_atomic_crtc_needs_modeset(cs))
			continue;
		ret = drm_atomic_add_affected_planes(state, crtc);
		if (ret)
			return ret;
	}
	return drm_atomic_helper_check_planes(drm, state);
}

/*
 * Legacy cursor updates have no event and complete at once (userspace
 * expects them unsynchronised), but the image they replaced is shown until
 * the vblank that latches the new one: wait for that vblank before the old
 * image is unbound. Moves keep the image and do not wait.
 */
static void vgpu_drm_wait_replaced_fbs(struct drm_atomic_state *state)
{
	struct drm_plane_state *old, *new;
	struct drm_crtc_state *cs;
	struct drm_plane *plane;
	struct drm_crtc *crtc;
	u64 target;
	int i;

	for_each_oldnew_plane_in_state(state, plane, old, new, i) {
		crtc = old->crtc;
		if (!old->fb || old->fb == new->fb || !crtc)
			continue;
		cs = drm_atomic_get_new_crtc_state(state, crtc);
		if (!cs || !cs->active || drm_crtc_vblank_get(crtc))
			continue;
		/* The first vblank whose count is past the one read now. */
		target = drm_crtc_accurate_vblank_count(crtc) + 1;
		wait_event_timeout(*drm_crtc_vblank_waitqueue(crtc),
				   drm_crtc_vblank_count(crtc) >= target,
				   msecs_to_jiffies(VGPU_DRM_FLIP_TIMEOUT_MS));
		drm_crtc_vblank_put(crtc);
	}
}

/*
 * The device refuses planes on a stopped pipe, so pipes are enabled before
 * the planes are written; the old framebuffers are unbound only after the
 * flip to the new ones is done.
 */
static void vgpu_drm_atomic_commit_tail(struct drm_atomic_state *state)
{
	struct drm_device *drm = state->dev;

	drm_atomic_helper_commit_modeset_disables(drm, state);
	drm_atomic_helper_commit_modeset_enables(drm, state);
	drm_atomic_helper_commit_planes(drm, state,
					DRM_PLANE_COMMIT_ACTIVE_ONLY);
	drm_atomic_helper_commit_hw_done(state);
	drm_atomic_helper_wait_for_flip_done(drm, state);
	if (state->legacy_cursor_update)
		vgpu_drm_wait_replaced_fbs(state);
	drm_atomic_helper_cleanup_planes(drm, state);
}

static const struct drm_mode_config_funcs vgpu_drm_mode_config_funcs = {
	.fb_create = drm_gem_fb_create,
	.atomic_check = vgpu_drm_atomic_check,
	.atomic_commit = drm_atomic_helper_commit,
};

static const struct drm_mode_config_helper_funcs vgpu_drm_mode_config_helpers = {
	.atomic_commit_tail = vgpu_drm_atomic_commit_tail,
};

static int vgpu_drm_kms_init(struct vgpu_drm_device *vdev)
{
	struct drm_device *drm = &vdev->drm;
	struct vgpu_drm_head *head;
	unsigned int h;
	int ret;

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	drm->mode_config.min_width = 1;
	drm->mode_config.min_height = 1;
	drm->mode_config.max_width = VGPU_DRM_MAX_FB_WIDTH;
	drm->mode_config.max_height = VGPU_DRM_MAX_FB_HEIGHT;
	drm->mode_config.cursor_width = VGPU_CURSOR_SIZE;
	drm->mode_config.cursor_height = VGPU_CURSOR_SIZE;
	drm->mode_config.preferred_depth = 24;
	/* Linear only: clients asking for modifiers fall back to none. */
	drm->mode_config.fb_modifiers_not_supported = true;
	drm->mode_config.funcs = &vgpu_drm_mode_config_funcs;
	drm->mode_config.helper_private = &vgpu_drm_mode_config_helpers;

	for (h = 0; h < vdev->pv.num_heads; h++) {
		head = &vdev->heads[h];
		head->index = h;
		ret = vgpu_drm_planes_init(vdev, head);
		if (ret)
			return ret;
		ret = vgpu_drm_crtc_init(vdev, head);
		if (ret)
			return ret;
		ret = vgpu_drm_output_init(vdev, head);
		if (ret)
			return ret;
	}

	ret = drm_vblank_init(drm, vdev->pv.num_heads);
	if (ret)
		return ret;
	/* PIPE_FRMCOUNT is a full 32-bit counter that never skips a frame. */
	drm->max_vblank_count = U32_MAX;
	drm->vblank_disable_immediate = true;
	drm_mode_config_reset(drm);
	return 0;
}

static int vgpu_drm_range_cmp(const void *a, const void *b)
{
	const struct vgpu_drm_range *ra = a, *rb = b;

	return ra->base < rb->base ? -1 : ra->base > rb->base;
}

static u64 vgpu_drm_read64(void __iomem *mmio, u32 lo, u32 hi)
{
	return (u64)readl(mmio + hi) << 32 | readl(mmio + lo);
}

/* The slice: 1..4 page-aligned ranges inside 4 GiB that do not overlap. */
static int vgpu_drm_pv_read_ranges(struct pci_dev *pdev, void __iomem *mmio,
				   struct vgpu_drm_pv *pv)
{
	struct vgpu_drm_range *r = pv->ranges;
	unsigned int i;

	pv->num_ranges = readl(mmio + VGPU_PV_GM_RANGE_COUNT);
	if (!pv->num_ranges || pv->num_ranges > VGPU_PV_GM_RANGES_MAX)
		goto bad;
	for (i = 0; i < pv->num_ranges; i++) {
		r[i].base = vgpu_drm_read64(mmio, VGPU_PV_GM_BASE_LO(i),
					    VGPU_PV_GM_BASE_HI(i));
		r[i].size = vgpu_drm_read64(mmio, VGPU_PV_GM_SIZE_LO(i),
					    VGPU_PV_GM_SIZE_HI(i));
		if (!r[i].size || !IS_ALIGNED(r[i].base, VGPU_GTT_PAGE_SIZE) ||
		    !IS_ALIGNED(r[i].size, VGPU_GTT_PAGE_SIZE) ||
		    r[i].base >= VGPU_GFX_ADDR_SPACE_SIZE ||
		    r[i].size > VGPU_GFX_ADDR_SPACE_SIZE - r[i].base)
			goto bad;
	}
	sort(r, pv->num_ranges, sizeof(*r), vgpu_drm_range_cmp, NULL);
	for (i = 1; i < pv->num_ranges; i++)
		if (r[i - 1].base + r[i - 1].size > r[i].base)
			goto bad;
	return 0;

bad:
	dev_err(&pdev->dev, "PV info page: invalid graphics memory ranges (%u)\n",
		pv->num_ranges);
	return -ENODEV;
}

static int vgpu_drm_pv_read(struct pci_dev *pdev, void __iomem *mmio,
			    struct vgpu_drm_pv *pv)
{
	u64 magic = vgpu_drm_read64(mmio, VGPU_PV_MAGIC_LO, VGPU_PV_MAGIC_HI);
	u32 max_mode;

	pv->version = readl(mmio + VGPU_PV_VERSION);
	if (magic != VGPU_PV_MAGIC ||
	    pv->version >> VGPU_PV_VERSION_MAJOR_SHIFT !=
	    VGPU_PV_VERSION_MAJOR) {
		dev_err(&pdev->dev,
			"unknown PV interface (magic %#llx, version %u.%u; driver knows %u.x): refusing the device\n",
			magic, pv->version >> VGPU_PV_VERSION_MAJOR_SHIFT,
			lower_16_bits(pv->version), VGPU_PV_VERSION_MAJOR);
		return -ENODEV;
	}
	pv->vgpu_id = readl(mmio + VGPU_PV_VGPU_ID);
	pv->caps = readl(mmio + VGPU_PV_CAPS);
	pv->engine_mask = readl(mmio + VGPU_PV_ENGINE_MASK);
	pv->num_heads = readl(mmio + VGPU_PV_NUM_HEADS);
	max_mode = readl(mmio + VGPU_PV_MAX_MODE);
	pv->max_width = lower_16_bits(max_mode);
	pv->max_height = upper_16_bits(max_mode);
	if (pv->num_heads > VGPU_MAX_PIPES) {
		dev_err(&pdev->dev, "PV info page: %u heads, at most %u exist\n",
			pv->num_heads, VGPU_MAX_PIPES);
		return -ENODEV;
	}
	return vgpu_drm_pv_read_ranges(pdev, mmio, pv);
}

/**
 * vgpu_drm_slice_size() - bytes of graphics memory the vGPU owns
 * @pv: the PV facts
 *
 * Return: the sum of the slice's ranges.
 */
u64 vgpu_drm_slice_size(const struct vgpu_drm_pv *pv)
{
	u64 size = 0;
	unsigned int i;

	for (i = 0; i < pv->num_ranges; i++)
		size += pv->ranges[i].size;
	return size;
}

static int vgpu_drm_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct drm_driver *driver;
	struct vgpu_drm_device *vdev;
	struct vgpu_drm_pv pv = {};
	void __iomem *mmio;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (pci_resource_len(pdev, VGPU_PCI_BAR_MMIO) < VGPU_BAR0_SIZE) {
		dev_err(&pdev->dev, "BAR0 smaller than %llu bytes\n",
			VGPU_BAR0_SIZE);
		return -ENODEV;
	}
	ret = pcim_iomap_regions(pdev, BIT(VGPU_PCI_BAR_MMIO), VGPU_DRM_NAME);
	if (ret)
		return ret;
	mmio = pcim_iomap_table(pdev)[VGPU_PCI_BAR_MMIO];

	ret = vgpu_drm_pv_read(pdev, mmio, &pv);
	if (ret)
		return ret;
	/* GGTT entries hold the page address in bits 38:12. */
	ret = dma_set_mask_and_coherent(&pdev->dev,
					DMA_BIT_MASK(fls64(VGPU_GGTT_PTE_ADDR_MASK)));
	if (ret)
		return ret;
	pci_set_master(pdev);

	driver = pv.num_heads ? &vgpu_drm_kms_driver : &vgpu_drm_render_driver;
	vdev = devm_drm_dev_alloc(&pdev->dev, driver, struct vgpu_drm_device,
				  drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	vdev->pdev = pdev;
	vdev->mmio = mmio;
	vdev->pv = pv;
	vdev->irq = -1;
	spin_lock_init(&vdev->irq_lock);
	INIT_WORK(&vdev->hotplug_work, vgpu_drm_hotplug_work);
	pci_set_drvdata(pdev, vdev);

	ret = vgpu_drm_ggtt_init(vdev);
	if (ret)
		return ret;
	if (pv.num_heads) {
		ret = vgpu_drm_kms_init(vdev);
		if (ret)
			return ret;
	}
	ret = vgpu_drm_engines_init(vdev);
	if (ret)
		return ret;
	ret = vgpu_drm_irq_init(vdev);
	if (ret)
		goto err_engines;
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_irq;

	vgpu_drm_write(vdev, VGPU_PV_G2V_NOTIFY, VGPU_G2V_DRIVER_READY);
	drm_info(&vdev->drm, "vGPU %u: PV %u.%u, %u heads, %llu MiB of graphics memory%s\n",
		 pv.vgpu_id, pv.version >> VGPU_PV_VERSION_MAJOR_SHIFT,
		 lower_16_bits(pv.version), pv.num_heads,
		 vgpu_drm_slice_size(&pv) >> 20,
		 pv.num_heads ? "" : ", render only");
	if (pv.num_heads)
		drm_fbdev_shmem_setup(&vdev->drm, 32);
	return 0;

err_irq:
	vgpu_drm_irq_fini(vdev);
err_engines:
	vgpu_drm_engines_fini(vdev);
	return ret;
}

static void vgpu_drm_remove(struct pci_dev *pdev)
{
	struct vgpu_drm_device *vdev = pci_get_drvdata(pdev);
	unsigned int h;

	/* Turn the display off the normal way while the device still works. */
	if (vdev->pv.num_heads)
		drm_atomic_helper_shutdown(&vdev->drm);
	/* From here on nothing reaches the device through DRM. */
	drm_dev_unplug(&vdev->drm);
	/* A client may have turned something on again in between. */
	for (h = 0; h < vdev->pv.num_heads; h++)
		vgpu_drm_crtc_hw_fini(vdev, &vdev->heads[h]);
	vgpu_drm_irq_fini(vdev);
	/* Work still on the rings fails; its objects are released. */
	vgpu_drm_engines_fini(vdev);
	vgpu_drm_ggtt_hw_fini(&vdev->ggtt);
	vgpu_drm_write(vdev, VGPU_PV_G2V_NOTIFY, VGPU_G2V_DRIVER_UNLOAD);
}

static void vgpu_drm_shutdown(struct pci_dev *pdev)
{
	struct vgpu_drm_device *vdev = pci_get_drvdata(pdev);

	if (vdev->pv.num_heads)
		drm_atomic_helper_shutdown(&vdev->drm);
}

static const struct pci_device_id vgpu_drm_pci_ids[] = {
	{ PCI_DEVICE(VGPU_PCI_VENDOR_ID, VGPU_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vgpu_drm_pci_ids);

static struct pci_driver vgpu_drm_pci_driver = {
	.name = VGPU_DRM_NAME,
	.id_table = vgpu_drm_pci_ids,
	.probe = vgpu_drm_probe,
	.remove = vgpu_drm_remove,
	.shutdown = vgpu_drm_shutdown,
};

drm_module_pci_driver(vgpu_drm_pci_driver);

MODULE_DESCRIPTION("DRM/KMS driver for the mediated vGPU (guest side)");
MODULE_LICENSE("GPL");
