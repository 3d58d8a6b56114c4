/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints at the seams of a submission's path and of guest memory:
 * a trapped BAR0 access, the audit's verdict, queueing, a run starting,
 * a preemption request, a run ending, and GGTT pins and unpins. Every
 * event names the vGPU by its number on the GPU (sysfs gfx_range and the
 * PV page's VGPU_ID tell which is which). docs/vgpu.md has the recipe.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vgpu

#if !defined(_VGPU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VGPU_TRACE_H

#include <linux/tracepoint.h>

#include "vgpu_drv.h"

TRACE_EVENT(vgpu_trap,
	    TP_PROTO(const struct vgpu *vgpu, u64 off, u32 size, u64 val,
		     bool write),
	    TP_ARGS(vgpu, off, size, val, write),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u64, off)
			     __field(u64, val)
			     __field(u32, size)
			     __field(bool, write)
	    ),
	    TP_fast_assign(__entry->id = vgpu->id;
			   __entry->off = off;
			   __entry->val = val;
			   __entry->size = size;
			   __entry->write = write;
	    ),
	    TP_printk("vgpu=%d %s off=%#llx size=%u val=%#llx", __entry->id,
		      __entry->write ? "write" : "read", __entry->off,
		      __entry->size, __entry->val)
);

TRACE_EVENT(vgpu_scan,
	    TP_PROTO(const struct vgpu_vengine *ve, u32 from, u32 to, int ret,
		     const struct cmdparser_result *res),
	    TP_ARGS(ve, from, to, ret, res),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, engine)
			     __field(u32, from)
			     __field(u32, to)
			     __field(int, ret)
			     __field(u32, reason)
			     __field(u32, commands)
			     __field(u32, batches)
			     __field(u32, shadow_bytes)
	    ),
	    TP_fast_assign(__entry->id = ve->vgpu->id;
			   __entry->engine = ve->id;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->ret = ret;
			   __entry->reason = res->reason;
			   __entry->commands = res->commands;
			   __entry->batches = res->batches;
			   __entry->shadow_bytes = res->shadow_bytes;
	    ),
	    TP_printk("vgpu=%d engine=%u ring=[%#x,%#x) ret=%d reason=%u commands=%u batches=%u shadow=%u",
		      __entry->id, __entry->engine, __entry->from, __entry->to,
		      __entry->ret, __entry->reason, __entry->commands,
		      __entry->batches, __entry->shadow_bytes)
);

TRACE_EVENT(vgpu_queue,
	    TP_PROTO(const struct vgpu_vengine *ve, u32 tail),
	    TP_ARGS(ve, tail),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, engine)
			     __field(u32, tail)
			     __field(u32, queued)
	    ),
	    TP_fast_assign(__entry->id = ve->vgpu->id;
			   __entry->engine = ve->id;
			   __entry->tail = tail;
			   __entry->queued = ve->nr_queued;
	    ),
	    TP_printk("vgpu=%d engine=%u tail=%#x queued=%u", __entry->id,
		      __entry->engine, __entry->tail, __entry->queued)
);

TRACE_EVENT(vgpu_run,
	    TP_PROTO(const struct vgpu_vengine *ve, u32 tail, unsigned int workloads,
		     bool resumed),
	    TP_ARGS(ve, tail, workloads, resumed),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, engine)
			     __field(u32, tail)
			     __field(u32, workloads)
			     __field(bool, resumed)
	    ),
	    TP_fast_assign(__entry->id = ve->vgpu->id;
			   __entry->engine = ve->id;
			   __entry->tail = tail;
			   __entry->workloads = workloads;
			   __entry->resumed = resumed;
	    ),
	    TP_printk("vgpu=%d engine=%u tail=%#x workloads=%u%s", __entry->id,
		      __entry->engine, __entry->tail, __entry->workloads,
		      __entry->resumed ? " resumed" : "")
);

TRACE_EVENT(vgpu_preempt,
	    TP_PROTO(const struct vgpu_vengine *ve),
	    TP_ARGS(ve),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, engine)
	    ),
	    TP_fast_assign(__entry->id = ve->vgpu->id;
			   __entry->engine = ve->id;
	    ),
	    TP_printk("vgpu=%d engine=%u", __entry->id, __entry->engine)
);

TRACE_EVENT(vgpu_complete,
	    TP_PROTO(const struct vgpu_vengine *ve, const struct refgpu_stop *stop),
	    TP_ARGS(ve, stop),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, engine)
			     __field(u32, reason)
			     __field(u32, head)
			     __field(u32, error)
			     __field(u64, busy_ns)
	    ),
	    TP_fast_assign(__entry->id = ve->vgpu->id;
			   __entry->engine = ve->id;
			   __entry->reason = stop->reason;
			   __entry->head = stop->head;
			   __entry->error = stop->error;
			   __entry->busy_ns = stop->busy_ns;
	    ),
	    TP_printk("vgpu=%d engine=%u reason=%u head=%#x error=%u busy_ns=%llu",
		      __entry->id, __entry->engine, __entry->reason, __entry->head,
		      __entry->error, __entry->busy_ns)
);

DECLARE_EVENT_CLASS(vgpu_pin_class,
		    TP_PROTO(const struct vgpu *vgpu, u64 iova),
		    TP_ARGS(vgpu, iova),
		    TP_STRUCT__entry(__field(int, id)
				     __field(u64, iova)
				     __field(u64, pinned)
		    ),
		    TP_fast_assign(__entry->id = vgpu->id;
				   __entry->iova = iova;
				   __entry->pinned = vgpu->stats.pinned;
		    ),
		    TP_printk("vgpu=%d iova=%#llx pinned=%llu", __entry->id,
			      __entry->iova, __entry->pinned)
);

DEFINE_EVENT(vgpu_pin_class, vgpu_pin,
	     TP_PROTO(const struct vgpu *vgpu, u64 iova),
	     TP_ARGS(vgpu, iova)
);

DEFINE_EVENT(vgpu_pin_class, vgpu_unpin,
	     TP_PROTO(const struct vgpu *vgpu, u64 iova),
	     TP_ARGS(vgpu, iova)
);

#endif /* _VGPU_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vgpu_trace
#include <trace/define_trace.h>
