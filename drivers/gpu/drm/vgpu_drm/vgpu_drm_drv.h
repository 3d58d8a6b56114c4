/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_drm: the guest DRM/KMS driver of the mediated vGPU
 * (docs/guest-driver.md). The device is described only by
 * <linux/vgpu_if.h>.
 *
 * Lock order: modeset locks -> ggtt.lock -> shmem pages_lock;
 * irq_lock (a spinlock, IMR/IER shadows) is innermost and taken from any
 * context.
 */
#ifndef _VGPU_DRM_DRV_H_
#define _VGPU_DRM_DRV_H_

#include <linux/atomic.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/vgpu_if.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/drm_plane.h>

#define VGPU_DRM_NAME		"vgpu_drm"
#define VGPU_DRM_DESC		"Mediated vGPU guest driver"
#define VGPU_DRM_DATE		"20261201"
#define VGPU_DRM_MAJOR		1
#define VGPU_DRM_MINOR		0

struct pci_dev;

/**
 * struct vgpu_drm_range - one range of the vGPU's graphics memory slice
 * @base: first graphics address
 * @size: bytes, a multiple of the GTT page size
 */
struct vgpu_drm_range {
	u64 base;
	u64 size;
};

/**
 * struct vgpu_drm_pv - the facts of the PV info page, read once at probe
 * @version: major in 31:16, minor in 15:0
 * @vgpu_id: host-assigned vGPU number
 * @caps: VGPU_PV_CAP_* bits
 * @engine_mask: bit e set when engine e exists
 * @num_heads: display heads (pipes), 0 for a render-only type
 * @max_width: widest mode the type can show
 * @max_height: tallest mode the type can show
 * @num_ranges: valid entries of @ranges
 * @ranges: the slice, sorted by base, non-overlapping
 */
struct vgpu_drm_pv {
	u32 version;
	u32 vgpu_id;
	u32 caps;
	u32 engine_mask;
	u32 num_heads;
	u32 max_width;
	u32 max_height;
	unsigned int num_ranges;
	struct vgpu_drm_range ranges[VGPU_PV_GM_RANGES_MAX];
};

/**
 * struct vgpu_drm_ggtt - the guest's view of its graphics address space
 * @lock: protects everything below and the GGTT entries themselves
 * @mm: allocator over the whole 4 GiB space; everything outside the slice
 *	is held by @balloon nodes, so allocations land inside the slice only
 * @balloon: reserved nodes for the gaps between (and around) the ranges
 * @num_balloons: valid entries of @balloon
 * @gsm: the GGTT in BAR0; NULL once the device is gone (no more writes)
 * @bound: every bound &struct vgpu_drm_bo, by vgpu_drm_bo.bound_link
 * @bound_pages: GGTT entries currently written present
 */
struct vgpu_drm_ggtt {
	struct mutex lock; /* see @lock above */
	struct drm_mm mm;
	struct drm_mm_node balloon[VGPU_PV_GM_RANGES_MAX + 1];
	unsigned int num_balloons;
	u64 __iomem *gsm;
	struct list_head bound;
	u64 bound_pages;
};

/**
 * struct vgpu_drm_bo - a GEM object (shmem-backed or an imported dma-buf)
 * @base: the shmem GEM object
 * @node: its place in the GGTT while bound (ggtt.lock)
 * @bind_count: users of the binding: plane states that scan it out or
 *		are about to (ggtt.lock)
 * @bound_link: entry of vgpu_drm_ggtt.bound while bound (ggtt.lock)
 */
struct vgpu_drm_bo {
	struct drm_gem_shmem_object base;
	struct drm_mm_node node;
	unsigned int bind_count;
	struct list_head bound_link;
};

/**
 * struct vgpu_drm_head - one display head: pipe, planes and output
 * @index: the head (and pipe) number
 * @crtc: the pipe
 * @primary: the primary plane
 * @cursor: the 64x64 cursor plane
 * @encoder: the (virtual) encoder feeding @connector
 * @connector: the head's display, with its EDID
 * @crc_enabled: the pipe CRC is on; holds a vblank reference (irq_lock)
 * @last_frame: last PIPE_FRMCOUNT read, returned once the device is gone
 * @start: when the pipe was started (its frame boundaries follow)
 * @start_error_ns: uncertainty of @start (the PIPECONF write took so long)
 * @period_ns: length of a frame of the running mode, 0 while off
 * @plane_faults: PLANE_FAULT interrupts seen
 * @last_error: VGPU_PV_HEAD_DISPLAY_ERROR at the last fault
 * @crc_entries: CRC results handed to the DRM core
 * @crc_last_seq: vblank sequence of the last CRC entry, if @crc_seq_valid
 * @crc_seq_valid: @crc_last_seq holds an entry of the current CRC session;
 *	both belong to the interrupt handler, except that enabling the CRC
 *	clears this before it unmasks the CRC-done interrupt
 * @hotplugs: hotplug interrupts seen
 */
struct vgpu_drm_head {
	unsigned int index;
	struct drm_crtc crtc;
	struct drm_plane primary;
	struct drm_plane cursor;
	struct drm_encoder encoder;
	struct drm_connector connector;
	bool crc_enabled;
	u32 last_frame;
	ktime_t start;
	s64 start_error_ns;
	u64 period_ns;
	atomic_t plane_faults;
	u32 last_error;
	atomic_t crc_entries;
	u32 crc_last_seq;
	bool crc_seq_valid;
	atomic_t hotplugs;
};

/**
 * struct vgpu_drm_device - one vGPU PCI function
 * @drm: the DRM device
 * @pdev: the PCI function
 * @mmio: BAR0 (registers, PV page, GGTT)
 * @pv: what the PV page said at probe
 * @ggtt: the graphics address space
 * @irq_lock: protects @pipe_imr, @pipe_ier and the registers they shadow
 * @pipe_imr: DE_PIPE_IMR of each pipe as written
 * @pipe_ier: DE_PIPE_IER of each pipe as written
 * @irq: Linux interrupt number, or -1 before it is requested
 * @hotplug_work: sends the hotplug uevent outside the interrupt
 * @heads: the first pv.num_heads are used
 */
struct vgpu_drm_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *mmio;
	struct vgpu_drm_pv pv;
	struct vgpu_drm_ggtt ggtt;
	spinlock_t irq_lock; /* see @irq_lock above */
	u32 pipe_imr[VGPU_MAX_PIPES];
	u32 pipe_ier[VGPU_MAX_PIPES];
	int irq;
	struct work_struct hotplug_work;
	struct vgpu_drm_head heads[VGPU_MAX_PIPES];
};

static inline struct vgpu_drm_device *to_vgpu_drm(struct drm_device *drm)
{
	return container_of(drm, struct vgpu_drm_device, drm);
}

static inline struct vgpu_drm_head *crtc_to_head(struct drm_crtc *crtc)
{
	return container_of(crtc, struct vgpu_drm_head, crtc);
}

static inline struct vgpu_drm_head *
connector_to_head(struct drm_connector *connector)
{
	return container_of(connector, struct vgpu_drm_head, connector);
}

static inline struct vgpu_drm_bo *to_vgpu_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct vgpu_drm_bo, base.base);
}

static inline u32 vgpu_drm_read(struct vgpu_drm_device *vdev, u32 reg)
{
	return readl(vdev->mmio + reg);
}

static inline void vgpu_drm_write(struct vgpu_drm_device *vdev, u32 reg,
				  u32 val)
{
	writel(val, vdev->mmio + reg);
}

/* vgpu_drm_ggtt.c */
int vgpu_drm_ggtt_init(struct vgpu_drm_device *vdev);
int vgpu_drm_ggtt_insert(struct vgpu_drm_ggtt *ggtt, struct vgpu_drm_bo *bo,
			 struct sg_table *sgt);
void vgpu_drm_ggtt_remove(struct vgpu_drm_ggtt *ggtt, struct vgpu_drm_bo *bo);
void vgpu_drm_ggtt_hw_fini(struct vgpu_drm_ggtt *ggtt);

/* vgpu_drm_gem.c */
struct drm_gem_object *vgpu_drm_gem_create_object(struct drm_device *drm,
						  size_t size);
int vgpu_drm_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args);
int vgpu_drm_bo_bind(struct vgpu_drm_device *vdev, struct vgpu_drm_bo *bo);
void vgpu_drm_bo_unbind(struct vgpu_drm_device *vdev, struct vgpu_drm_bo *bo);
u64 vgpu_drm_bo_gfx(struct vgpu_drm_device *vdev, struct vgpu_drm_bo *bo);

/* vgpu_drm_irq.c */
int vgpu_drm_irq_init(struct vgpu_drm_device *vdev);
void vgpu_drm_irq_fini(struct vgpu_drm_device *vdev);
void vgpu_drm_irq_pipe_enable(struct vgpu_drm_device *vdev, unsigned int pipe,
			      u32 events, bool enable);

/* vgpu_drm_crtc.c */
int vgpu_drm_crtc_init(struct vgpu_drm_device *vdev,
		       struct vgpu_drm_head *head);
void vgpu_drm_crtc_handle_crc(struct vgpu_drm_device *vdev,
			      struct vgpu_drm_head *head);
void vgpu_drm_crtc_hw_fini(struct vgpu_drm_device *vdev,
			   struct vgpu_drm_head *head);

/* vgpu_drm_plane.c */
int vgpu_drm_planes_init(struct vgpu_drm_device *vdev,
			 struct vgpu_drm_head *head);
void vgpu_drm_plane_handle_fault(struct vgpu_drm_device *vdev,
				 struct vgpu_drm_head *head);
const char *vgpu_drm_display_error_str(u32 err, const char **plane);

/* vgpu_drm_output.c */
int vgpu_drm_output_init(struct vgpu_drm_device *vdev,
			 struct vgpu_drm_head *head);
void vgpu_drm_hotplug_work(struct work_struct *work);
enum drm_mode_status vgpu_drm_mode_valid(struct vgpu_drm_device *vdev,
					 const struct drm_display_mode *mode);

/* vgpu_drm_debugfs.c */
void vgpu_drm_debugfs_init(struct drm_minor *minor);

#endif /* _VGPU_DRM_DRV_H_ */
