/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refgpu - the hardware interface between the vGPU parent driver and a
 * physical GPU.
 *
 * This is the narrow seam GVT-g has between i915 and gvt: everything the
 * parent driver (and any other host client) needs from the hardware, and
 * nothing else. A GPU is a back end: refgpu.ko's software reference GPU,
 * or a driver for real hardware implementing struct refgpu_ops. Each
 * registered GPU gets one auxiliary device per client kind
 * ("refgpu.vgpu.<id>", "refgpu.native.<id>", children of the GPU's own
 * device); clients (vgpu.ko, the native submission path) are auxiliary
 * drivers of their kind and find the GPU with refgpu_from_auxdev().
 *
 * The model:
 *  - one graphics address space per GPU (4 GiB, VGPU_GFX_ADDR_SPACE_SIZE),
 *    translated by the GGTT, one 64-bit entry per 4 KiB page. Clients
 *    reserve disjoint ranges of it and map host pages into their ranges;
 *  - engines (enum vgpu_engine) execute the command set of
 *    <linux/vgpu_if.h> from a ring in graphics memory. Work runs in a
 *    context: the ring registers plus the engine state (batch position,
 *    GPRs), like an execlist context image. One context occupies an engine
 *    at a time; a context can be preempted at a command boundary and
 *    resumed later, exactly where it stopped, even inside a batch;
 *  - every run of a context ends with exactly one stopped() callback saying
 *    why (completed, preempted, error, fault, hang, reset).
 *
 * See docs/refgpu.md, including what a real-hardware back end implements.
 */
#ifndef _VGPU_REFGPU_H
#define _VGPU_REFGPU_H

#include <linux/auxiliary_bus.h>
#include <linux/types.h>
#include <linux/vgpu_if.h>

struct dentry;
struct device;
struct page;
struct refgpu;

/**
 * struct refgpu_range - a reserved range of graphics address space
 * @gpu: the GPU
 * @start: first graphics address, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB
 *
 * Only its owner maps, clears or releases entries inside it. Back ends
 * embed it in their own range object.
 */
struct refgpu_range {
	struct refgpu *gpu;
	u64 start;
	u64 size;
};

/* refgpu_range_reserve() flags */
#define REFGPU_RANGE_FIXED	0x1	/* at @start exactly, or -EBUSY */

/**
 * enum refgpu_stop_reason - why a context stopped running
 * @REFGPU_STOP_COMPLETE: the head reached the tail (in the ring, outside
 *	any batch); the context is idle and can be submitted again
 * @REFGPU_STOP_PREEMPTED: stopped at a command boundary because
 *	refgpu_preempt() asked; submitting it again resumes where it stopped
 * @REFGPU_STOP_CMD_ERROR: the engine refused a command (@error says why,
 *	an enum vgpu_audit_reason); the context needs refgpu_context_set_ring()
 * @REFGPU_STOP_FAULT: a command touched a graphics page that is not
 *	mapped (@fault_addr); the context needs refgpu_context_set_ring()
 * @REFGPU_STOP_HANG: the context made no progress for its watchdog budget;
 *	the engine was reset; the context needs refgpu_context_set_ring()
 * @REFGPU_STOP_RESET: killed by refgpu_engine_reset() or
 *	refgpu_context_kill(); the context needs refgpu_context_set_ring()
 */
enum refgpu_stop_reason {
	REFGPU_STOP_COMPLETE,
	REFGPU_STOP_PREEMPTED,
	REFGPU_STOP_CMD_ERROR,
	REFGPU_STOP_FAULT,
	REFGPU_STOP_HANG,
	REFGPU_STOP_RESET,
};

/**
 * struct refgpu_stop - how a run of a context ended
 * @reason: see enum refgpu_stop_reason
 * @head: ring offset of the next ring command (for a stop inside a batch,
 *	the offset after the MI_BATCH_BUFFER_START that entered it)
 * @level: batch level the context stopped at (0: in the ring)
 * @batch_addr: with @level > 0, graphics address of the next command of
 *	the current batch
 * @error: enum vgpu_audit_reason, for %REFGPU_STOP_CMD_ERROR
 * @in_batch: @cmd_addr is a graphics address in a batch, else a ring offset
 * @cmd_addr: the command that failed (errors and faults)
 * @header: its first dword, 0 if it could not be read
 * @fault_addr: the graphics address that was not mapped (faults)
 * @busy_ns: engine time this run used
 */
struct refgpu_stop {
	enum refgpu_stop_reason reason;
	u32 head;
	u32 level;
	u64 batch_addr;
	u32 error;
	bool in_batch;
	u64 cmd_addr;
	u32 header;
	u64 fault_addr;
	u64 busy_ns;
};

struct refgpu_context;

/**
 * struct refgpu_context_ops - a client's callbacks for one context
 * @user_interrupt: MI_USER_INTERRUPT executed; @head as in struct
 *	refgpu_stop. Optional.
 * @stopped: the run ended; @stop says why. Called exactly once per run
 *	(per submission that returned %REFGPU_SUBMIT_STARTED).
 *
 * Callbacks of one context never run concurrently with each other. They
 * may be called in atomic context (a hardware back end calls them from its
 * interrupt handler): they must not sleep. They may call refgpu_submit(),
 * refgpu_preempt(), refgpu_context_set_ring() and the GGTT entry functions,
 * nothing that sleeps.
 */
struct refgpu_context_ops {
	void (*user_interrupt)(struct refgpu_context *ctx, u32 head);
	void (*stopped)(struct refgpu_context *ctx,
			const struct refgpu_stop *stop);
};

/**
 * struct refgpu_context - an execution context on one engine
 * @gpu: the GPU
 * @engine: the engine it runs on
 * @ops: the owner's callbacks
 * @cookie: the owner's pointer, untouched by the back end
 *
 * Created by refgpu_context_create(); back ends embed it.
 */
struct refgpu_context {
	struct refgpu *gpu;
	enum vgpu_engine engine;
	const struct refgpu_context_ops *ops;
	void *cookie;
};

/**
 * struct refgpu_ring - where a context's ring is
 * @start: graphics address, 4 KiB aligned
 * @size: bytes, a multiple of 4 KiB from VGPU_RING_MIN_SIZE to
 *	VGPU_RING_MAX_SIZE
 * @head: byte offset of the first command, dword aligned, below @size
 */
struct refgpu_ring {
	u64 start;
	u32 size;
	u32 head;
};

/**
 * struct refgpu_context_status - a snapshot of a context
 * @running: it occupies its engine
 * @error: it stopped with an error, hang or reset and needs a new ring
 * @configured: a ring has been set
 * @head: ring offset of the next ring command
 * @tail: where the current or last run stops
 * @level: batch level (0: ring)
 * @busy_ns: engine time used since creation
 */
struct refgpu_context_status {
	bool running;
	bool error;
	bool configured;
	u32 head;
	u32 tail;
	u32 level;
	u64 busy_ns;
};

/* refgpu_submit() results besides errors */
#define REFGPU_SUBMIT_STARTED	0	/* a new run: one stopped() follows */
#define REFGPU_SUBMIT_EXTENDED	1	/* the running run goes on to the tail */

/* Watchdog budget limits (refgpu_context_set_watchdog()). */
#define REFGPU_WATCHDOG_MIN_NS	1000000ULL		/* 1 ms */
#define REFGPU_WATCHDOG_MAX_NS	60000000000ULL		/* 60 s */

/**
 * struct refgpu_ops - what a back end implements
 *
 * @range_reserve: reserve [@start, @start + @size) with
 *	%REFGPU_RANGE_FIXED, else any free range of @size aligned to @align
 *	(a power of two, at least 4 KiB; 0 means 4 KiB). All entries start
 *	clear. Returns the range or an ERR_PTR: -EINVAL, -ENOSPC, -EBUSY,
 *	-ENOMEM. May sleep.
 * @range_release: clear every entry of the range, wait as
 *	@ggtt_flush does, and give the range back. May sleep.
 * @pte_set_page: map the 4 KiB page at graphics address @addr (inside
 *	@range, aligned) to @page, replacing any previous entry. Atomic-safe.
 * @pte_set_dma: the same with a bus address the device can reach (from
 *	dma_map_page() on refgpu's struct device). Atomic-safe.
 * @pte_clear_range: clear the entries of [@addr, @addr + @size) inside
 *	@range. Atomic-safe. (Not "pte_clear": without CONFIG_PARAVIRT
 *	that is a function-like macro of x86's.)
 * @pte_read: the entry for @addr as the interface encodes it (present bit
 *	and the page's address), 0 when clear; for tests. Atomic-safe.
 * @ggtt_flush: wait until no engine can still use an entry cleared or
 *	replaced before the call. A page may be freed or unpinned only after
 *	its entries were changed and this returned. May sleep.
 * @context_create: a context on @engine, without a ring yet. May sleep.
 * @context_destroy: kill it if it runs, wait for its callbacks to finish,
 *	free it. May sleep; not from its own callbacks.
 * @context_set_ring: (re)load the ring registers and clear the engine
 *	state (batch position, GPRs) and any error. -EBUSY while it runs,
 *	-EINVAL for a bad ring. Atomic-safe.
 * @context_set_watchdog: budget without progress (a ring command
 *	completing) before the hang watchdog kills the run, between
 *	%REFGPU_WATCHDOG_MIN_NS and %REFGPU_WATCHDOG_MAX_NS. Atomic-safe.
 * @submit: run the context up to ring offset @tail. Returns
 *	%REFGPU_SUBMIT_STARTED (a new run; resumes a preempted one),
 *	%REFGPU_SUBMIT_EXTENDED (it was running: the tail moved), -EBUSY
 *	(another context occupies the engine), -EIO (stopped in error: set a
 *	ring first), -EINVAL (no ring, or @tail beyond it). Atomic-safe.
 * @preempt: ask a running context to stop at the next command boundary.
 *	0: a stopped() follows (PREEMPTED, or whatever ended the run first);
 *	-EALREADY: it is not running. Atomic-safe.
 * @context_kill: stop it now if it runs (abandoning a long command); its
 *	stopped() says %REFGPU_STOP_RESET. Waits for that. May sleep.
 * @context_status: a snapshot. Atomic-safe.
 * @engine_reset: reset an engine: the running context, if any, is killed
 *	as by @context_kill. Other contexts keep their state. Waits for the
 *	reset. May sleep; not from callbacks.
 * @engine_busy_ns: total time the engine has been occupied. Atomic-safe.
 */
struct refgpu_ops {
	struct refgpu_range *(*range_reserve)(struct refgpu *gpu, u64 start,
					      u64 size, u64 align, u32 flags);
	void (*range_release)(struct refgpu_range *range);
	int (*pte_set_page)(struct refgpu_range *range, u64 addr,
			    struct page *page);
	int (*pte_set_dma)(struct refgpu_range *range, u64 addr,
			   dma_addr_t dma);
	int (*pte_clear_range)(struct refgpu_range *range, u64 addr,
			       u64 size);
	u64 (*pte_read)(struct refgpu *gpu, u64 addr);
	void (*ggtt_flush)(struct refgpu *gpu);

	struct refgpu_context *(*context_create)(struct refgpu *gpu,
						 enum vgpu_engine engine,
						 const struct refgpu_context_ops *ops,
						 void *cookie);
	void (*context_destroy)(struct refgpu_context *ctx);
	int (*context_set_ring)(struct refgpu_context *ctx,
				const struct refgpu_ring *ring);
	int (*context_set_watchdog)(struct refgpu_context *ctx, u64 ns);
	int (*submit)(struct refgpu_context *ctx, u32 tail);
	int (*preempt)(struct refgpu_context *ctx);
	void (*context_kill)(struct refgpu_context *ctx);
	void (*context_status)(struct refgpu_context *ctx,
			       struct refgpu_context_status *st);
	int (*engine_reset)(struct refgpu *gpu, enum vgpu_engine engine);
	u64 (*engine_busy_ns)(struct refgpu *gpu, enum vgpu_engine engine);
};

/* Auxiliary device names (match these in an auxiliary_device_id table). */
#define REFGPU_AUXDEV_VGPU	"refgpu.vgpu"
#define REFGPU_AUXDEV_NATIVE	"refgpu.native"

/* The client kinds: one auxiliary device of each per GPU. */
enum refgpu_client {
	REFGPU_CLIENT_VGPU,
	REFGPU_CLIENT_NATIVE,
	REFGPU_CLIENT_COUNT
};

/**
 * struct refgpu - one physical GPU
 * @dev: its device; the parent registers as mdev parent of it and maps
 *	pages for it with the DMA API
 * @ops: the back end
 * @name: for logs and debugfs (the device name)
 * @gfx_size: bytes of graphics address space (VGPU_GFX_ADDR_SPACE_SIZE)
 * @engine_mask: VGPU_ENGINE_MASK() bits of the engines it has
 * @debugfs: its directory under <debugfs>/refgpu/, set by refgpu_register()
 * @id: the auxiliary devices' id, set by refgpu_register()
 * @clients: its auxiliary devices, private to refgpu_register()
 */
struct refgpu {
	struct device *dev;
	const struct refgpu_ops *ops;
	const char *name;
	u64 gfx_size;
	u32 engine_mask;
	struct dentry *debugfs;
	u32 id;
	struct auxiliary_device *clients[REFGPU_CLIENT_COUNT];
};

/**
 * struct refgpu_auxdev - the auxiliary device a client driver binds to
 * @adev: the device, a child of the GPU's device
 * @gpu: the GPU; valid while a driver is bound (refgpu_unregister()
 *	deletes the device, which removes the driver, before the GPU goes)
 */
struct refgpu_auxdev {
	struct auxiliary_device adev;
	struct refgpu *gpu;
};

static inline struct refgpu *refgpu_from_auxdev(struct auxiliary_device *adev)
{
	return container_of(adev, struct refgpu_auxdev, adev)->gpu;
}

/*
 * Back ends: make a GPU available to the client drivers, and take it
 * away. refgpu_unregister() returns once no client uses the GPU.
 */
int refgpu_register(struct refgpu *gpu);
void refgpu_unregister(struct refgpu *gpu);

/* The interface, dispatched to the back end (see struct refgpu_ops). */

static inline struct refgpu_range *
refgpu_range_reserve(struct refgpu *gpu, u64 start, u64 size, u64 align,
		     u32 flags)
{
	return gpu->ops->range_reserve(gpu, start, size, align, flags);
}

static inline void refgpu_range_release(struct refgpu_range *range)
{
	range->gpu->ops->range_release(range);
}

static inline int refgpu_pte_set_page(struct refgpu_range *range, u64 addr,
				      struct page *page)
{
	return range->gpu->ops->pte_set_page(range, addr, page);
}

static inline int refgpu_pte_set_dma(struct refgpu_range *range, u64 addr,
				     dma_addr_t dma)
{
	return range->gpu->ops->pte_set_dma(range, addr, dma);
}

static inline int refgpu_pte_clear(struct refgpu_range *range, u64 addr,
				   u64 size)
{
	return range->gpu->ops->pte_clear_range(range, addr, size);
}

static inline u64 refgpu_pte_read(struct refgpu *gpu, u64 addr)
{
	return gpu->ops->pte_read(gpu, addr);
}

static inline void refgpu_ggtt_flush(struct refgpu *gpu)
{
	gpu->ops->ggtt_flush(gpu);
}

static inline struct refgpu_context *
refgpu_context_create(struct refgpu *gpu, enum vgpu_engine engine,
		      const struct refgpu_context_ops *ops, void *cookie)
{
	return gpu->ops->context_create(gpu, engine, ops, cookie);
}

static inline void refgpu_context_destroy(struct refgpu_context *ctx)
{
	ctx->gpu->ops->context_destroy(ctx);
}

static inline int refgpu_context_set_ring(struct refgpu_context *ctx,
					  const struct refgpu_ring *ring)
{
	return ctx->gpu->ops->context_set_ring(ctx, ring);
}

static inline int refgpu_context_set_watchdog(struct refgpu_context *ctx,
					      u64 ns)
{
	return ctx->gpu->ops->context_set_watchdog(ctx, ns);
}

static inline int refgpu_submit(struct refgpu_context *ctx, u32 tail)
{
	return ctx->gpu->ops->submit(ctx, tail);
}

static inline int refgpu_preempt(struct refgpu_context *ctx)
{
	return ctx->gpu->ops->preempt(ctx);
}

static inline void refgpu_context_kill(struct refgpu_context *ctx)
{
	ctx->gpu->ops->context_kill(ctx);
}

static inline void refgpu_context_status(struct refgpu_context *ctx,
					 struct refgpu_context_status *st)
{
	ctx->gpu->ops->context_status(ctx, st);
}

static inline int refgpu_engine_reset(struct refgpu *gpu,
				      enum vgpu_engine engine)
{
	return gpu->ops->engine_reset(gpu, engine);
}

static inline u64 refgpu_engine_busy_ns(struct refgpu *gpu,
					enum vgpu_engine engine)
{
	return gpu->ops->engine_busy_ns(gpu, engine);
}

/**
 * struct refgpu_bo - host memory mapped into a GPU (native clients)
 * @gpu: the GPU
 * @range: the graphics address range it occupies
 * @gfx_addr: its graphics address (@range->start)
 * @size: bytes, a multiple of 4 KiB
 * @vaddr: CPU address of the whole buffer
 * @pages: its pages
 * @npages: number of @pages
 *
 * The building block of the native submission path: a host client
 * allocates buffers for its ring, batches and surfaces, writes commands
 * through @vaddr and submits a context whose ring lies in one of them.
 */
struct refgpu_bo {
	struct refgpu *gpu;
	struct refgpu_range *range;
	u64 gfx_addr;
	size_t size;
	void *vaddr;
	struct page **pages;
	unsigned int npages;
};

struct refgpu_bo *refgpu_bo_create(struct refgpu *gpu, size_t size);
void refgpu_bo_destroy(struct refgpu_bo *bo);

#endif /* _VGPU_REFGPU_H */
