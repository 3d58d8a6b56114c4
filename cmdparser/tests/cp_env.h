/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of one vGPU for the parser's userspace tests and benchmark: a
 * graphics address space backed by host memory with pages that can be
 * unmapped, the vGPU's slice, a ring and shadow memory, plus helpers that
 * encode each command of the subset.
 */
#ifndef CP_ENV_H
#define CP_ENV_H

#include "vgpu/cmdparser.h"

/* Graphics memory the model backs: [0, CP_MEM_SIZE). */
#define CP_MEM_SIZE		0x00800000ULL
#define CP_PAGES		(CP_MEM_SIZE / VGPU_GTT_PAGE_SIZE)
/* The vGPU's slice: two ranges with a hole (another vGPU) between. */
#define CP_SLICE0_START		0x00100000ULL
#define CP_SLICE0_END		0x00300000ULL
#define CP_SLICE1_START		0x00400000ULL
#define CP_SLICE1_END		0x00500000ULL
/* Where the GPU sees the shadow memory: far outside the slice. */
#define CP_SHADOW_GFX		0x80000000ULL
#define CP_SHADOW_SIZE		0x00200000U
#define CP_RING_SIZE		0x4000U

struct cp_env {
	u8 *mem;			/* CP_MEM_SIZE bytes */
	bool unmapped[CP_PAGES];	/* pages whose GGTT entry is absent */
	u64 reads;			/* read callback calls */
	u64 read_bytes;
	bool read_outside;		/* the parser asked outside the slice */
	struct cmdparser_range ranges[2];
	u32 nr_ranges;
	u32 *ring;			/* CP_RING_SIZE bytes */
	u8 *shadow;			/* CP_SHADOW_SIZE bytes */
	struct cmdparser_config cfg;
	struct cmdparser_ctx ctx;
	struct cmdparser_result res;
};

extern struct cp_env cp;

/* Allocate the model (once per process); cp_reset() before each case. */
void cp_env_init(void);
void cp_reset(void);
/* (Re)initialise the parser for @engine with the current cp.cfg. */
int cp_parser_init(enum vgpu_engine engine);
/* Put @n dwords at graphics address @gfx. */
void cp_put(u64 gfx, const u32 *dw, u32 n);
/* Write @n dwords into the ring at @head and scan [head, head + 4n). */
int cp_scan_at(enum vgpu_engine engine, u32 head, const u32 *dw, u32 n);
int cp_scan(enum vgpu_engine engine, const u32 *dw, u32 n);
/* The reason the last cp_scan*() returned (checks return/reason agree). */
u32 cp_reason(void);
/* Shadow memory byte at graphics address @gfx (inside the shadow). */
u32 *cp_shadow_ptr(u64 gfx);

/*
 * Field-level encoders, raw on purpose: the parser's negative tests pass
 * values lib/vgpu_cmd refuses (depths, lengths, post-syncs, rectangles).
 * They append to @p and return the number of dwords.
 */
u32 cp_sdi(u32 *p, u64 addr, u32 val);
u32 cp_sdi_qword(u32 *p, u64 addr, u64 val);
u32 cp_lri(u32 *p, u32 reg, u32 val);
u32 cp_srm(u32 *p, u32 reg, u64 addr);
u32 cp_flush_dw(u32 *p, u32 op, u64 addr, u32 len);
u32 cp_pipe_control(u32 *p, u32 op, u64 addr);
u32 cp_bb_start(u32 *p, u64 addr, bool second_level);
u32 cp_color_blt(u32 *p, u32 depth, u32 pitch, u32 x1, u32 y1, u32 x2,
		 u32 y2, u64 dst);
u32 cp_src_copy_blt(u32 *p, u32 depth, u32 dst_pitch, u32 x1, u32 y1,
		    u32 x2, u32 y2, u64 dst, u32 sx, u32 sy, u32 src_pitch,
		    u64 src);
u32 cp_fast_copy_blt(u32 *p, u32 depth, u32 dst_pitch, u32 x1, u32 y1,
		     u32 x2, u32 y2, u64 dst, u32 sx, u32 sy, u32 src_pitch,
		     u64 src);

#endif /* CP_ENV_H */
