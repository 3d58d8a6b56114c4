/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_drm: the guest DRM/KMS driver of the mediated vGPU
 * (docs/guest-driver.md). The device is described only by
 * <linux/vgpu_if.h>.
 *
 * Lock order: modeset locks -> ggtt.lock -> shmem pages_lock;
 * bo reservations -> engine.lock -> ggtt.lock;
 * irq_lock (a spinlock, IMR/IER shadows) is innermost and taken from any
 * context.
 */
#ifndef _VGPU_DRM_DRV_H_
#define _VGPU_DRM_DRV_H_

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/vgpu_if.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_device.h>
#include <drm/drm_encoder.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <drm/drm_plane.h>
#include <drm/vgpu_drm.h>

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
 * @render_bound: one of @bind_count is the render uAPI's, which keeps the
 *		  object at its address until it is freed (ggtt.lock)
 */
struct vgpu_drm_bo {
	struct drm_gem_shmem_object base;
	struct drm_mm_node node;
	unsigned int bind_count;
	struct list_head bound_link;
	bool render_bound;
};

/* Jobs one engine has on its ring at most; more submissions wait. */
#define VGPU_DRM_MAX_INFLIGHT	64
/* Objects one submission may list. */
#define VGPU_DRM_MAX_BOS	256

/**
 * struct vgpu_drm_ctx - a render context: the error accounting of a
 *	client's work stream (the device has one address space)
 * @ref: held by the file's table and by each job on a ring
 * @id: its number in the file
 * @submitted: jobs queued
 * @completed: jobs finished without error
 * @failed: jobs that failed (refused, hung, faulted)
 * @error_lock: protects the three fields below
 * @last_error: VGPU_PV_ENGINE_ERROR of the last failure
 * @last_error_cmd: its offending command's first dword
 * @last_error_addr: where that command was
 */
struct vgpu_drm_ctx {
	struct kref ref;
	u32 id;
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t failed;
	spinlock_t error_lock; /* see @error_lock above */
	u32 last_error;
	u32 last_error_cmd;
	u64 last_error_addr;
};

/**
 * struct vgpu_drm_file - per-open state of the render uAPI
 * @ctxs: the file's contexts by id; 0 exists from open to close
 */
struct vgpu_drm_file {
	struct xarray ctxs;
};

struct vgpu_drm_engine;

/**
 * struct vgpu_drm_job - one submission on an engine's ring
 * @fence: signalled when it finishes; its release frees the job
 * @engine: where it runs
 * @ctx: the context it is accounted to (a reference)
 * @bos: the objects it uses, batch included, each once (references)
 * @bo_count: entries of @bos
 * @batch_gfx: graphics address of the batch's first command
 * @link: entry of engine.jobs, oldest first (engine.lock)
 */
struct vgpu_drm_job {
	struct dma_fence fence;
	struct vgpu_drm_engine *engine;
	struct vgpu_drm_ctx *ctx;
	struct drm_gem_object **bos;
	unsigned int bo_count;
	u64 batch_gfx;
	struct list_head link;
};

/**
 * struct vgpu_drm_engine - one engine's ring and the jobs on it
 * @vdev: the device
 * @id: enum vgpu_engine
 * @present: the vGPU has the engine and its ring is set up
 * @lock: protects the ring, the fields below and the engine's registers
 * @ring: the ring's object, bound and mapped for the driver's life
 * @ring_vaddr: its kernel mapping
 * @ring_gfx: its graphics address
 * @hws: the status page's object
 * @hws_vaddr: its kernel mapping
 * @hws_gfx: its graphics address
 * @tail: ring offset where the next job goes
 * @seqno: the last seqno given to a job
 * @jobs: jobs on the ring, oldest first
 * @inflight: entries of @jobs (read unlocked by waiters)
 * @wedged: a reset failed or the device is gone: submissions fail
 * @space_wq: submitters waiting for @inflight to drop
 * @fence_context: the engine's dma-fence timeline
 * @fence_lock: the lock of the jobs' fences
 * @work: retires and recovers after the engine's interrupts
 * @submitted: jobs queued
 * @failed: jobs that failed
 * @replayed: jobs put on the ring again after a reset
 * @resets: engine resets after an error
 */
struct vgpu_drm_engine {
	struct vgpu_drm_device *vdev;
	unsigned int id;
	bool present;
	struct mutex lock; /* see @lock above */
	struct vgpu_drm_bo *ring;
	u32 *ring_vaddr;
	u64 ring_gfx;
	struct vgpu_drm_bo *hws;
	u32 *hws_vaddr;
	u64 hws_gfx;
	u32 tail;
	u32 seqno;
	struct list_head jobs;
	unsigned int inflight;
	bool wedged;
	wait_queue_head_t space_wq;
	u64 fence_context;
	spinlock_t fence_lock; /* see @fence_lock above */
	struct work_struct work;
	u64 submitted;
	u64 failed;
	u64 replayed;
	u64 resets;
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
 * @engines: indexed by enum vgpu_engine; those of pv.engine_mask present
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
	struct vgpu_drm_engine engines[VGPU_ENGINE_COUNT];
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

/* vgpu_drm_drv.c */
u64 vgpu_drm_slice_size(const struct vgpu_drm_pv *pv);

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
int vgpu_drm_bo_bind_render(struct vgpu_drm_device *vdev,
			    struct vgpu_drm_bo *bo, u64 *gfx);

/* vgpu_drm_engine.c */
int vgpu_drm_engines_init(struct vgpu_drm_device *vdev);
void vgpu_drm_engines_fini(struct vgpu_drm_device *vdev);
int vgpu_drm_engine_queue(struct vgpu_drm_engine *engine,
			  struct vgpu_drm_job *job);
void vgpu_drm_jobs_release(struct list_head *done);
void vgpu_drm_engine_irq(struct vgpu_drm_engine *engine);
const char *vgpu_drm_engine_name(unsigned int id);
u32 vgpu_drm_engine_hws_seqno(struct vgpu_drm_engine *engine);

/* vgpu_drm_render.c */
#define VGPU_DRM_NUM_IOCTLS	(DRM_VGPU_SUBMIT + 1)
extern const struct drm_ioctl_desc vgpu_drm_render_ioctls[VGPU_DRM_NUM_IOCTLS];
int vgpu_drm_render_open(struct drm_device *drm, struct drm_file *file);
void vgpu_drm_render_postclose(struct drm_device *drm, struct drm_file *file);
void vgpu_drm_ctx_put(struct vgpu_drm_ctx *ctx);

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
