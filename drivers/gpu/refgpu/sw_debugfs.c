// SPDX-License-Identifier: GPL-2.0
/*
 * <debugfs>/refgpu/refgpu.N/status: the software GPU's GGTT occupancy,
 * contexts and per-engine counters, for tests and for people.
 */
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "sw.h"

static void sw_show_engine(struct seq_file *m, struct sw_gpu *gpu,
			   enum vgpu_engine e)
{
	struct sw_engine *eng = &gpu->engine[e];
	struct sw_engine_stats s;
	bool busy;

	spin_lock_irq(&eng->lock);
	s = eng->stats;
	busy = eng->cur;
	spin_unlock_irq(&eng->lock);
	seq_printf(m, "engine %s: %s busy_ns %llu runs %llu commands %llu user_interrupts %llu completed %llu preempted %llu errors %llu faults %llu hangs %llu killed %llu resets %llu\n",
		   e == VGPU_ENGINE_RENDER ? "render" : "copy",
		   busy ? "busy" : "idle", sw_engine_busy_ns(&gpu->base, e),
		   s.runs, s.commands, s.user_interrupts, s.completed,
		   s.preempted, s.errors, s.faults, s.hangs, s.killed,
		   s.resets);
}

static int sw_status_show(struct seq_file *m, void *unused)
{
	struct sw_gpu *gpu = m->private;
	struct sw_ggtt *g = &gpu->ggtt;
	unsigned int e;

	mutex_lock(&g->lock);
	seq_printf(m, "ggtt: ranges %u reserved_pages %u present %lld leaves %u\n",
		   g->nr_ranges, bitmap_weight(g->used, VGPU_GGTT_ENTRIES),
		   (long long)atomic64_read(&g->present), g->leaves);
	mutex_unlock(&g->lock);
	mutex_lock(&gpu->lock);
	seq_printf(m, "contexts: %u\n", gpu->nr_contexts);
	mutex_unlock(&gpu->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		sw_show_engine(m, gpu, e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sw_status);

void sw_debugfs_init(struct sw_gpu *gpu)
{
	debugfs_create_file("status", 0444, gpu->base.debugfs, gpu,
			    &sw_status_fops);
}
