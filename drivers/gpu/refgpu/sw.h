/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The software reference GPU: the back end of <vgpu/refgpu.h> that
 * refgpu.ko provides. One struct sw_gpu, named refgpu.N, per PCI function
 * the driver binds: a GGTT (sw_ggtt.c), one kernel thread per engine
 * executing contexts with the portable executor (sw_engine.c), contexts
 * (sw_context.c) and the PCI driver (sw_dev.c).
 */
#ifndef _REFGPU_SW_H
#define _REFGPU_SW_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/wait.h>
#include <vgpu/refgpu.h>

#include "exec/exec.h"

struct pci_dev;
struct task_struct;

/* GGTT entries per leaf table (one 4 KiB page of 64-bit entries). */
#define SW_LEAF_ENTRIES		512
#define SW_LEAF_SHIFT		9
#define SW_LEAVES		(VGPU_GGTT_ENTRIES / SW_LEAF_ENTRIES)
/* Bits of an entry holding the page's physical address. */
#define SW_PTE_ADDR_MASK	(~(u64)(VGPU_GTT_PAGE_SIZE - 1))

/**
 * struct sw_ggtt - the graphics translation table
 * @leaf: SW_LEAVES pointers to leaf tables, allocated when a range first
 *	covers them and published with release semantics; an entry is the
 *	page's physical address | VGPU_GGTT_PTE_PRESENT, or 0
 * @lock: serialises @used, @ranges and leaf allocation
 * @used: bitmap of reserved pages
 * @ranges: reserved ranges (struct sw_range)
 * @srcu: engines read entries and touch pages inside an SRCU read section
 *	per command; sw_ggtt_flush() waits for it
 * @present: entries currently present
 * @leaves: leaf tables allocated
 * @nr_ranges: ranges reserved
 */
struct sw_ggtt {
	u64 **leaf;
	struct mutex lock;		/* ranges, bitmap, leaves */
	unsigned long *used;
	struct list_head ranges;
	struct srcu_struct srcu;
	atomic64_t present;
	unsigned int leaves;
	unsigned int nr_ranges;
};

/**
 * struct sw_range - a reserved range
 * @base: the interface's view
 * @node: in sw_ggtt.ranges
 */
struct sw_range {
	struct refgpu_range base;
	struct list_head node;
};

/**
 * enum sw_ctx_state - what a context is doing
 * @SW_CTX_UNSET: no ring yet
 * @SW_CTX_IDLE: has a ring; completed, preempted or never run
 * @SW_CTX_RUNNING: occupies its engine
 * @SW_CTX_ERROR: stopped by an error, hang or reset; needs a ring
 */
enum sw_ctx_state {
	SW_CTX_UNSET,
	SW_CTX_IDLE,
	SW_CTX_RUNNING,
	SW_CTX_ERROR,
};

struct sw_engine;

/**
 * struct sw_context - a context of the software GPU
 * @base: the interface's view
 * @eng: its engine
 * @st: the executor state; the engine thread owns it while @state is
 *	%SW_CTX_RUNNING, the engine lock protects it otherwise
 * @next_tail: the tail the client asked for; the thread copies it into
 *	@st at each command boundary (engine lock)
 * @state: see enum sw_ctx_state (engine lock)
 * @kill: stop now, abandoning a long command (engine lock)
 * @watchdog_ns: the hang budget
 * @busy_ns: engine time used (engine lock)
 * @node: in sw_gpu.contexts
 */
struct sw_context {
	struct refgpu_context base;
	struct sw_engine *eng;
	struct refgpu_exec_state st;
	u32 next_tail;
	enum sw_ctx_state state;
	bool kill;
	u64 watchdog_ns;
	u64 busy_ns;
	struct list_head node;
};

/**
 * struct sw_engine_stats - counters of one engine, for debugfs
 * @runs: runs started
 * @commands: commands executed
 * @user_interrupts: MI_USER_INTERRUPT events
 * @completed: runs that reached their tail
 * @preempted: runs preempted
 * @errors: runs stopped by a refused command
 * @faults: runs stopped by an unmapped page
 * @hangs: runs killed by the watchdog
 * @killed: runs killed by reset or kill
 * @resets: engine resets (requested or by the watchdog)
 */
struct sw_engine_stats {
	u64 runs;
	u64 commands;
	u64 user_interrupts;
	u64 completed;
	u64 preempted;
	u64 errors;
	u64 faults;
	u64 hangs;
	u64 killed;
	u64 resets;
};

/**
 * struct sw_engine - one engine and the kernel thread that is its hardware
 * @gpu: the GPU
 * @id: which engine
 * @thread: executes the running context
 * @exec: the executor (thread only)
 * @lock: protects the fields below and the contexts' control fields
 * @work_wq: the thread sleeps here while there is nothing to do
 * @idle_wq: kill, reset and destroy wait here for the thread
 * @cur: the running context, NULL when idle
 * @delivering: the context whose stopped() callback is being called
 * @preempt: stop @cur at the next command boundary
 * @reset_req: engine resets requested (a sequence number)
 * @reset_done: engine resets completed
 * @run_start: clock time the current run was submitted
 * @hang_deadline: clock time at which the current run hangs (thread)
 * @busy_ns: time occupied by finished runs
 * @stats: counters
 */
struct sw_engine {
	struct sw_gpu *gpu;
	enum vgpu_engine id;
	struct task_struct *thread;
	struct refgpu_exec exec;
	spinlock_t lock;		/* occupancy and controls */
	wait_queue_head_t work_wq;
	wait_queue_head_t idle_wq;
	struct sw_context *cur;
	struct sw_context *delivering;
	bool preempt;
	u64 reset_req;
	u64 reset_done;
	u64 run_start;
	u64 hang_deadline;
	u64 busy_ns;
	struct sw_engine_stats stats;
};

/**
 * struct sw_gpu - one software reference GPU
 * @base: the interface's view
 * @pdev: the PCI function it is bound to
 * @index: the N of its name, refgpu.N
 * @name: its name in logs, debugfs and engine threads ("refgpu.%u",
 *	sized for any index so that -Wformat-truncation can prove it fits)
 * @ggtt: the GGTT
 * @engine: the engines
 * @lock: protects @contexts
 * @contexts: every context (struct sw_context), for teardown and debugfs
 * @nr_contexts: entries in @contexts
 */
struct sw_gpu {
	struct refgpu base;
	struct pci_dev *pdev;
	unsigned int index;
	char name[24];
	struct sw_ggtt ggtt;
	struct sw_engine engine[VGPU_ENGINE_COUNT];
	struct mutex lock;		/* the context list */
	struct list_head contexts;
	unsigned int nr_contexts;
};

static inline struct sw_gpu *to_sw_gpu(struct refgpu *gpu)
{
	return container_of(gpu, struct sw_gpu, base);
}

static inline struct sw_context *to_sw_context(struct refgpu_context *ctx)
{
	return container_of(ctx, struct sw_context, base);
}

/* Default hang budget in ms (module parameter hang_timeout_ms). */
extern unsigned int refgpu_hang_timeout_ms;

/* sw_ggtt.c */
int sw_ggtt_init(struct sw_gpu *gpu);
void sw_ggtt_fini(struct sw_gpu *gpu);
void *sw_ggtt_lookup(struct sw_gpu *gpu, u64 page_addr);
struct refgpu_range *sw_range_reserve(struct refgpu *gpu, u64 start, u64 size,
				      u64 align, u32 flags);
void sw_range_release(struct refgpu_range *range);
int sw_pte_set_page(struct refgpu_range *range, u64 addr, struct page *page);
int sw_pte_set_dma(struct refgpu_range *range, u64 addr, dma_addr_t dma);
int sw_pte_clear(struct refgpu_range *range, u64 addr, u64 size);
u64 sw_pte_read(struct refgpu *gpu, u64 addr);
void sw_ggtt_flush(struct refgpu *gpu);

/* sw_engine.c */
int sw_engine_init(struct sw_gpu *gpu, struct sw_engine *eng,
		   enum vgpu_engine id);
void sw_engine_fini(struct sw_engine *eng);
int sw_submit(struct refgpu_context *ctx, u32 tail);
int sw_preempt(struct refgpu_context *ctx);
void sw_context_kill(struct refgpu_context *ctx);
int sw_engine_reset(struct refgpu *gpu, enum vgpu_engine engine);
u64 sw_engine_busy_ns(struct refgpu *gpu, enum vgpu_engine engine);

/* sw_context.c */
struct refgpu_context *sw_context_create(struct refgpu *gpu,
					 enum vgpu_engine engine,
					 const struct refgpu_context_ops *ops,
					 void *cookie);
void sw_context_destroy(struct refgpu_context *ctx);
int sw_context_set_ring(struct refgpu_context *ctx,
			const struct refgpu_ring *ring);
int sw_context_set_watchdog(struct refgpu_context *ctx, u64 ns);
void sw_context_status(struct refgpu_context *ctx,
		       struct refgpu_context_status *st);

/* sw_debugfs.c */
void sw_debugfs_init(struct sw_gpu *gpu);

#endif /* _REFGPU_SW_H */
