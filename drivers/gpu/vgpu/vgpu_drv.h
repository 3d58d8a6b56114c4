/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu.ko - the vGPU parent driver: mediated passthrough of a reference GPU
 * (<vgpu/refgpu.h>) to VFIO users through the mdev framework.
 *
 * One file per object of the model:
 *   main.c       module init, binding to every reference GPU
 *   type.c       vGPU types, slices of the graphics address space
 *   vfio.c       the mdev driver and the VFIO device (regions, ioctls)
 *   cfg_space.c  emulated PCI configuration space
 *   mmio.c       BAR0: the register table and its dispatch (mmio.h)
 *   pv_info.c    the PV info page
 *   gtt.c        GGTT shadowing with vfio_pin_pages(), the GGTT window
 *   ring.c       ring registers, GDRST, engine error registers
 *   submit.c     ring tail writes: shadow ring, audit, workloads
 *   batch_shadow.c  the engine's batch shadow: reserve, commit, free
 *   schedule.c   time-slicing the physical engines with scheduler/
 *   interrupt.c  virtual interrupts, SET_IRQS and eventfds
 *   reset.c      engine, device and watchdog resets
 *   sysfs.c      per-vGPU attributes
 *   display.h    the display's types, iterators and functions
 *   display.c    pipes, planes, vblank (docs/display.md)
 *   display_fb.c framebuffers pinned for display and export
 *   display_crc.c  pipe CRCs of the frames the heads show
 *   display_region.c  plane regions: read and mmap of the shown planes
 *   dmabuf.c     QUERY_GFX_PLANE, GET_GFX_DMABUF and the dma-bufs
 *   edid.c       EDID generation and the VFIO EDID region
 *   migration.c  VFIO migration v2: the FSM and its data files
 *   migration_stream.c  the state stream's framing (portable)
 *   trace.c      tracepoints at the seams (vgpu_trace.h)
 *
 * Locking, outermost first:
 *   vgpu->mig.lock (mutex): the migration FSM and its data transfer
 *	session; held across whole FSM arcs, which take vgpu->lock inside.
 *   vgpu->lock (mutex): guest-visible state of one vGPU: registers, the
 *	GGTT shadow, interrupts, ring configuration. Held by every region
 *	access, ioctl, completion work item and reset.
 *   gpu->sched_lock (spinlock, irqsave): the scheduler, each engine's
 *	occupant, every vGPU's workload queues and batch shadow allocators.
 *	Taken from the reference GPU's callbacks and the slice timers.
 *   vgpu_dmabuf.lock, vgpu_display_map.lock (mutexes): what a page fault
 *	of a dma-buf or plane-region mapping may map. Taken under
 *	vgpu->lock and by the fault handlers (under mmap_lock); nothing is
 *	copied to or from user memory while they are held.
 *   vgpu_crc.walk_lock (mutex): held by a head's CRC work while it reads
 *	framebuffer pages, taken (briefly) under vgpu->lock by whoever
 *	unpins pages that work may read; the work never takes vgpu->lock
 *	while holding it.
 * Nothing sleeps under gpu->sched_lock; the reference GPU's callbacks run
 * without any of our locks held. A RING_TAIL write that must wait for
 * queue room or batch shadow does not wait under vgpu->lock: it leaves
 * the lock, waits, takes it again and is written again (submit.c,
 * vgpu_submit_wait()). Engine kills under vgpu->lock (resets, close) do
 * wait for the engine to stop: the end of the command in progress.
 */
#ifndef _VGPU_DRV_H
#define _VGPU_DRV_H

#include <linux/eventfd.h>
#include <linux/hrtimer.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/vgpu_if.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <vgpu/cmdparser.h>
#include <vgpu/refgpu.h>
#include <vgpu/scheduler.h>

/* Before struct vgpu, which embeds struct vgpu_display. */
#include "display.h"

#define VGPU_DRV_NAME			"vgpu"

/* Most vGPUs on one physical GPU (also the scheduler's table size). */
#define VGPU_MAX_INSTANCES		64
/* Graphics address space the types share; the rest is the host's. */
#define VGPU_GFX_BUDGET			(3ULL << 30)
/* Shadow memory for the batch buffers of one engine's workloads. */
#define VGPU_BATCH_SHADOW_SIZE		CMDPARSER_DEFAULT_BATCH_BYTES
/* Most workloads queued on one engine of a vGPU; a tail write waits. */
#define VGPU_MAX_QUEUED			256
/* Most workloads one run of a vGPU's context covers. */
#define VGPU_RUN_MAX_WORKLOADS		16
/* How long a tail write waits for batch shadow memory to drain. */
#define VGPU_DRAIN_TIMEOUT_MS		5000
/* Audit uevents per vGPU: at most VGPU_UEVENT_BURST per interval. */
#define VGPU_UEVENT_INTERVAL		(5 * HZ)
#define VGPU_UEVENT_BURST		10
/* Config space of the device and its VFIO region. */
#define VGPU_CFG_SIZE			VGPU_PCI_CONFIG_SIZE

/* VFIO region offsets: region index in the upper bits, as vfio-pci. */
#define VGPU_REGION_SHIFT		40
#define VGPU_REGION_OFFSET(index)	((u64)(index) << VGPU_REGION_SHIFT)
#define VGPU_REGION_INDEX(off)		((off) >> VGPU_REGION_SHIFT)
#define VGPU_REGION_MASK		(VGPU_REGION_OFFSET(1) - 1)

struct vgpu;
struct vgpu_gpu;

/**
 * struct vgpu_type_desc - what a vGPU type gives (a row of the type table)
 * @name: sysfs name suffix ("small" -> vgpu-small)
 * @gfx_size: bytes of graphics memory (the slice), a power of two
 * @weight: default scheduler weight
 * @heads: display heads
 * @max_width: largest mode, pixels
 * @max_height: largest mode, lines
 * @engine_mask: VGPU_ENGINE_MASK() bits of the engines the vGPU gets
 */
struct vgpu_type_desc {
	const char *name;
	u64 gfx_size;
	u32 weight;
	u32 heads;
	u32 max_width;
	u32 max_height;
	u32 engine_mask;
};

/**
 * struct vgpu_type - a type registered on one GPU
 * @mtype: the mdev core's view
 * @desc: the type's row of the table
 * @gpu: the GPU it belongs to
 */
struct vgpu_type {
	struct mdev_type mtype;
	const struct vgpu_type_desc *desc;
	struct vgpu_gpu *gpu;
};

/**
 * struct vgpu_sched_engine - one physical engine as the parent drives it
 * @gpu: the GPU
 * @id: the engine
 * @cur: the vGPU whose context was last started on the engine, if any
 * @running: @cur's context occupies the engine (a stopped() will follow)
 * @preempting: @cur was asked to stop at a command boundary
 * @killing: @kill_work is pending for @cur
 * @timer: fires at the scheduler's deadline
 * @kill_work: kills an overstaying workload (sleeps, so not in a callback)
 * @kill_target: the vGPU @kill_work resets
 */
struct vgpu_sched_engine {
	struct vgpu_gpu *gpu;
	enum vgpu_engine id;
	struct vgpu *cur;
	bool running;
	bool preempting;
	bool killing;
	struct hrtimer timer;
	struct work_struct kill_work;
	struct vgpu *kill_target;
};

/**
 * struct vgpu_gpu - the parent's state for one reference GPU
 * @rgpu: the GPU
 * @parent: our registration as mdev parent of @rgpu->dev
 * @types: the types registered on it
 * @type_ptrs: @types as the mdev core takes them
 * @lock: protects @gfx_used, @nr_vgpus and @ids
 * @gfx_used: graphics memory handed out to vGPUs
 * @nr_vgpus: vGPUs created
 * @ids: vGPU numbers (VGPU_PV_VGPU_ID)
 * @sched_lock: see the locking notes at the top of this file
 * @sched: the time-slice scheduler of the GPU's engines
 * @sched_table: storage for the scheduler's entity table
 * @engine: per physical engine
 */
struct vgpu_gpu {
	struct refgpu *rgpu;
	struct mdev_parent parent;
	struct vgpu_type *types;
	struct mdev_type **type_ptrs;
	struct mutex lock;		/* instances and budget */
	u64 gfx_used;
	unsigned int nr_vgpus;
	struct ida ids;
	spinlock_t sched_lock;		/* see above */
	struct vsched sched;
	struct vsched_entity *sched_table[VGPU_MAX_INSTANCES];
	struct vgpu_sched_engine engine[VGPU_ENGINE_COUNT];
};

/**
 * struct vgpu_workload - one audited ring segment waiting for or on the GPU
 * @node: in vgpu_engine.queue
 * @head: ring offset of its first command
 * @tail: ring offset after its last command
 * @shadow_off: where its batch copies start in the batch shadow
 * @shadow_bytes: bytes of batch shadow it uses
 * @started: a run of the context covers it (it may have been preempted)
 */
struct vgpu_workload {
	struct list_head node;
	u32 head;
	u32 tail;
	u32 shadow_off;
	u32 shadow_bytes;
	bool started;
};

/**
 * struct vgpu_engine_error - a guest-visible engine error, in PV layout
 * @status: VGPU_PV_ENGINE_ERROR: active, in-batch, class, reason
 * @addr: offending ring offset or graphics address
 * @cmd: first dword of the offending command
 * @count: errors since creation
 */
struct vgpu_engine_error {
	u32 status;
	u64 addr;
	u32 cmd;
	u32 count;
};

/**
 * struct vgpu_vengine - one engine of a vGPU (its virtual engine)
 * @vgpu: the vGPU
 * @id: the engine
 * @present: the vGPU's type has the engine
 * @ring_start: RING_START
 * @ring_ctl: RING_CTL
 * @ring_head: RING_HEAD: completed offset and wrap count
 * @ring_tail: RING_TAIL as last written
 * @hws_pga: RING_HWS_PGA
 * @completed: submissions completed (status page dword)
 * @submitted: ring offset up to which workloads were queued
 * @loaded: the shadow ring matches the guest's ring and is loaded in @ctx
 * @error: the guest-visible error state
 * @ctx: the reference GPU context running the shadow ring
 * @ring: host memory of the shadow ring (mapped in the host's GGTT range)
 * @batch: host memory for batch buffer copies
 * @parser: the command parser's state for this engine
 * @queue: workloads queued or on the GPU, oldest first (sched_lock)
 * @nr_queued: entries in @queue (sched_lock)
 * @done: workloads the GPU finished, to be published (sched_lock)
 * @stop: how the last failed run ended, to be published (sched_lock)
 * @stop_pending: @stop is valid (sched_lock)
 * @user_irqs: MI_USER_INTERRUPTs not yet published (sched_lock)
 * @blocked: no new run may start while non-zero: resets or a close are in
 *	progress (sched_lock)
 * @quiesced: a migration stopped the engine: a run in flight may finish,
 *	no new one starts, nothing queued is dropped (sched_lock)
 * @shadow_head: oldest batch shadow byte in use (sched_lock)
 * @shadow_tail: first free byte after the newest allocation (sched_lock)
 * @shadow_users: queued workloads that hold batch shadow (sched_lock)
 * @drained: woken when a workload leaves @queue
 * @resets: engine resets so far; a RING_TAIL write that waited across one
 *	is dropped with the ring it was written to
 */
struct vgpu_vengine {
	struct vgpu *vgpu;
	enum vgpu_engine id;
	bool present;
	u32 ring_start;
	u32 ring_ctl;
	u32 ring_head;
	u32 ring_tail;
	u32 hws_pga;
	u32 completed;
	u32 submitted;
	bool loaded;
	struct vgpu_engine_error error;
	struct refgpu_context *ctx;
	struct refgpu_bo *ring;
	struct refgpu_bo *batch;
	struct cmdparser_ctx *parser;
	struct list_head queue;
	unsigned int nr_queued;
	struct list_head done;
	struct refgpu_stop stop;
	bool stop_pending;
	u32 user_irqs;
	unsigned int blocked;
	bool quiesced;
	u32 shadow_head;
	u32 shadow_tail;
	u32 shadow_users;
	wait_queue_head_t drained;
	unsigned int resets;
};

/* What a RING_TAIL write waits for outside vgpu->lock (submit.c). */
enum vgpu_tail_wait {
	VGPU_TAIL_ROOM,		/* a free slot in the engine's queue */
	VGPU_TAIL_SHADOW,	/* all of the batch shadow */
};

/**
 * struct vgpu_gtt_entry - the shadow of one guest GGTT entry in the slice
 * @pte: the entry as the guest wrote it (0 when refused or cleared)
 * @page: the pinned guest page it maps, NULL when not present
 */
struct vgpu_gtt_entry {
	u64 pte;
	struct page *page;
};

/**
 * struct vgpu_gtt - the vGPU's view of the GGTT
 * @range: its slice in the physical GGTT (vgpu->lock: a migration
 *	destination moves it, vgpu_slice_move())
 * @entries: one per page of the slice
 * @nr_entries: pages in the slice
 * @deferred: IOVAs whose pins wait for a GGTT flush before the unpin
 * @nr_deferred: entries used in @deferred
 * @flush_work: does the deferred unpins soon after the first deferral
 * @mig_dirty: one bit per entry whose value changed since a migration
 *	stream last carried it (pre-copy resends only those)
 * @nr_mig_dirty: bits set in @mig_dirty
 */
struct vgpu_gtt {
	struct refgpu_range *range;
	struct vgpu_gtt_entry *entries;
	u32 nr_entries;
	unsigned long *mig_dirty;
	u32 nr_mig_dirty;
	dma_addr_t *deferred;
	u32 nr_deferred;
	struct delayed_work flush_work;
};

/* Unpins batched behind one GGTT flush. */
#define VGPU_GTT_DEFERRED_MAX		256
/* Longest a replaced page stays pinned when no more entries change. */
#define VGPU_GTT_FLUSH_DELAY_MS		10

/**
 * struct vgpu_irq_state - virtual interrupt registers and delivery
 * @master: VGPU_REG_MASTER_IRQ enable bit
 * @gt_imr: GT group 0 IMR
 * @gt_ier: GT group 0 IER
 * @gt_iir: GT group 0 IIR
 * @pipe_imr: per pipe IMR
 * @pipe_ier: per pipe IER
 * @pipe_iir: per pipe IIR
 * @port_imr: display port IMR
 * @port_ier: display port IER
 * @port_iir: display port IIR
 * @asserted: the interrupt condition was true at the last evaluation
 * @index: VFIO_PCI_{INTX,MSI}_IRQ_INDEX wired by SET_IRQS, or -1
 * @trigger: eventfd signalled for @index
 * @intx_masked: INTx masked (by the user or automatically)
 * @req_trigger: eventfd of the device request interrupt
 */
struct vgpu_irq_state {
	bool master;
	u32 gt_imr;
	u32 gt_ier;
	u32 gt_iir;
	u32 pipe_imr[VGPU_MAX_PIPES];
	u32 pipe_ier[VGPU_MAX_PIPES];
	u32 pipe_iir[VGPU_MAX_PIPES];
	u32 port_imr;
	u32 port_ier;
	u32 port_iir;
	bool asserted;
	int index;
	struct eventfd_ctx *trigger;
	bool intx_masked;
	struct eventfd_ctx *req_trigger;
};

/**
 * struct vgpu_stats - per-vGPU counters (read under vgpu->lock)
 * @unhandled: accesses to unknown offsets or with bad widths
 * @gtt_refused: GGTT writes refused (outside the slice, bad entry, unmapped
 *	guest address)
 * @audit_rejections: submissions refused by the audit
 * @resets: engine, device and watchdog resets
 * @pinned: guest pages pinned now
 * @pins: pins ever taken
 * @unpins: pins ever dropped
 * @hws_misses: status page writes skipped (not mapped or outside the slice)
 * @disp_pinned: guest pages pinned for display and export now
 * @display_errors: refused pipe and plane programmings
 * @display_crcs: pipe CRCs computed and latched
 * @display_crc_ns: time spent computing them
 * @mig_refused: migration streams refused (corrupt, truncated, oversized,
 *	another type or version, content out of range)
 * @mig_precopy_bytes: bytes the last saving session wrote before the
 *	device stopped (the preamble and pre-copy's early chunks)
 * @mig_stopcopy_bytes: bytes of its final chunk (written once stopped)
 * @scan_ns: time spent copying and auditing submitted ring segments
 * @scan_bytes: ring and batch bytes those audits read
 */
struct vgpu_stats {
	u64 unhandled;
	u64 gtt_refused;
	u64 audit_rejections;
	u64 resets;
	u64 pinned;
	u64 pins;
	u64 unpins;
	u64 hws_misses;
	u64 disp_pinned;
	u64 display_errors;
	u64 display_crcs;
	u64 display_crc_ns;
	u64 mig_refused;
	u64 mig_precopy_bytes;
	u64 mig_stopcopy_bytes;
	u64 scan_ns;
	u64 scan_bytes;
};

struct vgpu_mig_file;
struct vgpu_mig_ggtt;
struct vgpu_mig_reader;
struct vgpu_mig_writer;

/**
 * struct vgpu_migration - the VFIO migration state of a vGPU (migration.c)
 * @lock: see the locking notes at the top of this file
 * @state: enum vfio_device_mig_state (@lock)
 * @file: the data transfer session, NULL when none (@lock)
 * @frozen: the device is stopped: BAR0 and EDID writes are ignored, no
 *	interrupt is delivered, no vblank is handled (vgpu->lock; written
 *	under @lock too)
 */
struct vgpu_migration {
	struct mutex lock;		/* the FSM */
	enum vfio_device_mig_state state;
	struct vgpu_mig_file *file;
	bool frozen;
};

/**
 * struct vgpu - one vGPU: an mdev and the VFIO device on it
 * @vdev: the VFIO device (first: vfio_alloc_device() requires it)
 * @mdev: the mdev
 * @gpu: the physical GPU
 * @type: its type
 * @id: its number on the GPU
 * @lock: see the locking notes at the top of this file
 * @open: the VFIO device is open
 * @cfg: emulated PCI configuration space
 * @gtt: GGTT shadow
 * @engine: per engine
 * @irq: virtual interrupts
 * @stats: counters
 * @entity: the vGPU in the GPU's scheduler
 * @attached: @entity is attached (sched_lock)
 * @watchdog_resets: resets by the scheduler's watchdog (sched_lock)
 * @submit_failures: runs the reference GPU refused to start (sched_lock)
 * @uevent_rs: rate limit of the audit uevents
 * @complete_work: publishes completions and errors to the guest
 * @display: heads, planes, framebuffers, dma-bufs (display.h)
 * @tail_waiter: the engine whose RING_TAIL write, just refused for now,
 *	is to be written again once @tail_wait holds (vgpu->lock)
 * @tail_wait: what it waits for (vgpu->lock)
 * @tail_expired: the write being retried waited its time: refuse it
 *	(vgpu->lock)
 * @mig: VFIO migration
 */
struct vgpu {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	struct vgpu_gpu *gpu;
	struct vgpu_type *type;
	int id;
	struct mutex lock;		/* guest-visible state */
	bool open;
	u8 cfg[VGPU_CFG_SIZE];
	struct vgpu_gtt gtt;
	struct vgpu_vengine engine[VGPU_ENGINE_COUNT];
	struct vgpu_irq_state irq;
	struct vgpu_stats stats;
	struct vsched_entity entity;
	bool attached;
	u64 watchdog_resets;
	u64 submit_failures;
	struct ratelimit_state uevent_rs;
	struct work_struct complete_work;
	struct vgpu_display display;
	struct vgpu_vengine *tail_waiter;
	enum vgpu_tail_wait tail_wait;
	bool tail_expired;
	struct vgpu_migration mig;
};

static inline struct vgpu *vdev_to_vgpu(struct vfio_device *vdev)
{
	return container_of(vdev, struct vgpu, vdev);
}

static inline u64 vgpu_slice_start(const struct vgpu *vgpu)
{
	return vgpu->gtt.range->start;
}

static inline u64 vgpu_slice_size(const struct vgpu *vgpu)
{
	return vgpu->gtt.range->size;
}

/* Heads of the vGPU's type; the display iterators walk these. */
static inline unsigned int vgpu_heads(const struct vgpu *vgpu)
{
	return vgpu->type->desc->heads;
}

/* main.c */
extern struct workqueue_struct *vgpu_wq;

/* type.c */
int vgpu_types_init(struct vgpu_gpu *gpu);
void vgpu_types_fini(struct vgpu_gpu *gpu);
unsigned int vgpu_type_available(struct mdev_type *mtype);
ssize_t vgpu_type_description(struct mdev_type *mtype, char *buf);
int vgpu_slice_alloc(struct vgpu *vgpu);
void vgpu_slice_free(struct vgpu *vgpu);
int vgpu_slice_move(struct vgpu *vgpu, u64 start);

/* vfio.c */
extern struct mdev_driver vgpu_mdev_driver;

/* cfg_space.c */
void vgpu_cfg_init(struct vgpu *vgpu);
int vgpu_cfg_read(struct vgpu *vgpu, u32 off, u32 size, u32 *val);
int vgpu_cfg_write(struct vgpu *vgpu, u32 off, u32 size, u32 val);
bool vgpu_cfg_msi_enabled(const struct vgpu *vgpu);
bool vgpu_cfg_intx_disabled(const struct vgpu *vgpu);
void vgpu_cfg_set_intx_status(struct vgpu *vgpu, bool asserted);

/* mmio.c */
int vgpu_mmio_init(void);
void vgpu_mmio_exit(void);
int vgpu_mmio_read(struct vgpu *vgpu, u64 off, u32 size, u64 *val);
int vgpu_mmio_write(struct vgpu *vgpu, u64 off, u32 size, u64 val);

/* gtt.c */
int vgpu_gtt_init(struct vgpu *vgpu);
void vgpu_gtt_fini(struct vgpu *vgpu);
u64 vgpu_gtt_window_read(struct vgpu *vgpu, u32 off, u32 size);
void vgpu_gtt_window_write(struct vgpu *vgpu, u32 off, u32 size, u64 val);
bool vgpu_gtt_lookup(const struct vgpu *vgpu, u64 gfx, dma_addr_t *iova);
void vgpu_gtt_unmap_iova(struct vgpu *vgpu, u64 iova, u64 length);
void vgpu_gtt_clear_all(struct vgpu *vgpu);
void vgpu_gtt_flush_deferred(struct vgpu *vgpu);
int vgpu_gtt_copy(struct vgpu *vgpu, u64 gfx_addr, void *buf, u32 len,
		  bool write);
int vgpu_gtt_read_cb(void *priv, u64 gfx_addr, void *dst, u32 len);
bool vgpu_gtt_range_ok(const struct vgpu *vgpu, u64 addr, u64 len);

/* submit.c */
void vgpu_engines_init(struct vgpu *vgpu);
int vgpu_submit_init(struct vgpu *vgpu);
void vgpu_submit_fini(struct vgpu *vgpu);
void vgpu_submit_tail(struct vgpu_vengine *ve, u32 tail);
int vgpu_submit_wait(struct vgpu *vgpu, unsigned long *deadline);
void vgpu_complete_work(struct work_struct *work);

/* batch_shadow.c (gpu->sched_lock) */
void vgpu_shadow_reserve(struct vgpu_vengine *ve, u32 *off, u32 *size);
bool vgpu_shadow_drained(struct vgpu_vengine *ve);
void vgpu_shadow_commit_locked(struct vgpu_vengine *ve,
			       struct vgpu_workload *wl);
void vgpu_shadow_free_locked(struct vgpu_vengine *ve, struct vgpu_workload *wl);

/* ring.c (its register handlers: mmio.h) */
void vgpu_ring_reset(struct vgpu_vengine *ve);
void vgpu_ring_power_on(struct vgpu_vengine *ve);

/* schedule.c */
extern const struct attribute_group *vgpu_gpu_groups[];
void vgpu_sched_init(struct vgpu_gpu *gpu);
void vgpu_sched_fini(struct vgpu_gpu *gpu);
int vgpu_sched_attach(struct vgpu *vgpu);
void vgpu_sched_detach(struct vgpu *vgpu);
void vgpu_sched_queue(struct vgpu_vengine *ve, struct vgpu_workload *wl);
void vgpu_sched_block(struct vgpu *vgpu, u32 engine_mask);
void vgpu_sched_cancel(struct vgpu *vgpu, u32 engine_mask,
		       const struct vgpu_sched_engine *overran);
void vgpu_sched_unblock(struct vgpu *vgpu, u32 engine_mask);
void vgpu_sched_quiesce(struct vgpu *vgpu, bool on);
bool vgpu_sched_quiet(struct vgpu_vengine *ve);
extern const struct refgpu_context_ops vgpu_context_ops;

/* interrupt.c */
void vgpu_irq_reset(struct vgpu *vgpu);
void vgpu_irq_raise_gt(struct vgpu *vgpu, u32 bits);
void vgpu_irq_raise_pipe(struct vgpu *vgpu, unsigned int pipe, u32 bits);
void vgpu_irq_raise_port(struct vgpu *vgpu, u32 bits);
u32 vgpu_irq_pipe_wanted(const struct vgpu *vgpu, unsigned int pipe, u32 bits);
void vgpu_irq_update(struct vgpu *vgpu);
int vgpu_irq_set(struct vgpu *vgpu, struct vfio_irq_set *hdr, void *data);
void vgpu_irq_release(struct vgpu *vgpu);
void vgpu_irq_request(struct vgpu *vgpu, unsigned int count);
void vgpu_irq_freeze(struct vgpu *vgpu, bool frozen);

/* reset.c */
void vgpu_stop_engines(struct vgpu *vgpu, u32 engine_mask,
		       const struct vgpu_sched_engine *overran);
void vgpu_reset_engines(struct vgpu *vgpu, u32 engine_mask);
void vgpu_reset_device(struct vgpu *vgpu);
void vgpu_reset_registers(struct vgpu *vgpu);
void vgpu_kill_work(struct work_struct *work);

/* migration.c */
void vgpu_mig_init(struct vgpu *vgpu);
void vgpu_mig_fini(struct vgpu *vgpu);
void vgpu_mig_close(struct vgpu *vgpu);
void vgpu_mig_device_reset(struct vgpu *vgpu);

/*
 * The sections of the migration stream (docs/migration.md), each saved and
 * loaded by the file that owns the state: the size is the most its
 * section's payload can be; save and load run with vgpu->lock held (save
 * may run while the guest runs, for the sections pre-copy sends early); a
 * load checks its section as untrusted input.
 */
#define VGPU_MIG_SECTION_FNS(owner)					\
u32 vgpu_##owner##_mig_size(const struct vgpu *vgpu);			\
void vgpu_##owner##_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w); \
int vgpu_##owner##_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)

VGPU_MIG_SECTION_FNS(sched);		/* schedule.c */
VGPU_MIG_SECTION_FNS(cfg);		/* cfg_space.c */
VGPU_MIG_SECTION_FNS(irq);		/* interrupt.c */
VGPU_MIG_SECTION_FNS(ring);		/* ring.c */
VGPU_MIG_SECTION_FNS(workload);		/* submit.c */
VGPU_MIG_SECTION_FNS(display);		/* display.c */
VGPU_MIG_SECTION_FNS(vblank);		/* display.c */
VGPU_MIG_SECTION_FNS(edid);		/* edid.c */
/*
 * The sections pre-copy sends early: saving one marks its state clean;
 * changed() says whether it changed since (vgpu->lock held).
 */
bool vgpu_display_mig_changed(const struct vgpu *vgpu);
bool vgpu_edid_mig_changed(const struct vgpu *vgpu);
/*
 * gtt.c: the GGTT section (the slice and every entry set) and the
 * GGTT_DELTA section (the entries changed since a stream carried them).
 * The destination's receiver assembles both into one GGTT, loaded whole.
 */
u32 vgpu_gtt_mig_size(const struct vgpu *vgpu);
u32 vgpu_gtt_mig_estimate(const struct vgpu *vgpu);
void vgpu_gtt_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w);
int vgpu_gtt_mig_load(struct vgpu *vgpu, const struct vgpu_mig_ggtt *g);
u32 vgpu_gtt_delta_mig_size(const struct vgpu *vgpu);
u32 vgpu_gtt_delta_mig_estimate(const struct vgpu *vgpu);
void vgpu_gtt_delta_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w);
bool vgpu_gtt_mig_changed(const struct vgpu *vgpu);

/* sysfs.c */
extern const struct attribute_group *vgpu_dev_groups[];
void vgpu_notify_audit(struct vgpu *vgpu, enum vgpu_engine engine,
		       u32 reason);

#endif /* _VGPU_DRV_H */
