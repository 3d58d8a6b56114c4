/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_cmd - an encoder for the vGPU's command subset (docs/interface.md
 * section 7), from the macros of <linux/vgpu_if.h>. It writes dwords into
 * memory the caller owns (a mapped buffer object, a ring, an array) and
 * knows nothing about devices, so guest userspace, host-side tests and
 * unit tests can share it.
 *
 * Every vgpu_cmd_*() emitter returns 0, or a negative errno and writes
 * nothing: -ENOSPC when the command does not fit (the buffer also remembers
 * it in @error, so a sequence of emits can be checked once at the end),
 * -EINVAL when the arguments break a rule the device would refuse the
 * command for (a misaligned address, an empty rectangle, a pitch or
 * coordinate that does not fit its field). Commands the device must refuse
 * on purpose are written with vgpu_cmd_emit().
 */
#ifndef VGPU_CMD_H
#define VGPU_CMD_H

#include <stdbool.h>
#include <linux/types.h>
#include <linux/vgpu_if.h>

/**
 * struct vgpu_cmd - a command buffer being written
 * @dw: the buffer
 * @cap: its size in dwords
 * @len: dwords written so far
 * @error: the first -ENOSPC seen, 0 while everything fitted
 */
struct vgpu_cmd {
	__u32 *dw;
	__u32 cap;
	__u32 len;
	int error;
};

/**
 * struct vgpu_surface - a linear surface in graphics memory
 * @addr: graphics address of pixel (0, 0)
 * @pitch: bytes from one line to the next (1..0x7fff)
 * @cpp: bytes per pixel: 1, 2 or 4 (all blits), 8 or 16 (fast copy only)
 */
struct vgpu_surface {
	__u64 addr;
	__u32 pitch;
	__u32 cpp;
};

/* Start writing @bytes of @buf (4-aligned) from its beginning. */
void vgpu_cmd_init(struct vgpu_cmd *c, void *buf, __u32 bytes);

/* Bytes written so far: the offset the next command lands at. */
static inline __u32 vgpu_cmd_offset(const struct vgpu_cmd *c)
{
	return c->len * 4;
}

/* Raw dwords, unchecked (for commands the device has to refuse). */
int vgpu_cmd_emit(struct vgpu_cmd *c, const __u32 *dw, __u32 n);

int vgpu_cmd_noop(struct vgpu_cmd *c);
int vgpu_cmd_user_interrupt(struct vgpu_cmd *c);
int vgpu_cmd_arb_check(struct vgpu_cmd *c);
/* MI_BATCH_BUFFER_END. */
int vgpu_cmd_end(struct vgpu_cmd *c);
/* MI_NOOPs up to a multiple of @align bytes (a power of two, >= 4). */
int vgpu_cmd_align(struct vgpu_cmd *c, __u32 align);

/* MI_STORE_DATA_IMM of one dword at a 4-aligned address. */
int vgpu_cmd_store_dword(struct vgpu_cmd *c, __u64 addr, __u32 value);
/* MI_STORE_DATA_IMM of a qword at an 8-aligned address. */
int vgpu_cmd_store_qword(struct vgpu_cmd *c, __u64 addr, __u64 value);
/*
 * @bytes (a multiple of 4) at a 4-aligned @addr, all dwords @value, in
 * qword stores (a dword store at each unaligned end). Either engine; on
 * the render engine, which has no blitter, this is how memory is filled.
 */
int vgpu_cmd_store_fill(struct vgpu_cmd *c, __u64 addr, __u64 bytes,
			__u32 value);
/* Bytes of commands vgpu_cmd_store_fill() needs for @bytes at @addr. */
__u64 vgpu_cmd_store_fill_size(__u64 addr, __u64 bytes);

/* MI_LOAD_REGISTER_IMM of one register. */
int vgpu_cmd_load_register(struct vgpu_cmd *c, __u32 reg, __u32 value);
/* MI_STORE_REGISTER_MEM: 4 bytes of @reg to a 4-aligned @addr. */
int vgpu_cmd_store_register(struct vgpu_cmd *c, __u32 reg, __u64 addr);

/* MI_FLUSH_DW with a post-sync dword write (copy engine). */
int vgpu_cmd_flush_dw_store(struct vgpu_cmd *c, __u64 addr, __u32 value);
/* PIPE_CONTROL with a post-sync write of @value (render engine). */
int vgpu_cmd_pipe_control_store(struct vgpu_cmd *c, __u64 addr, __u64 value);

/*
 * MI_BATCH_BUFFER_START of the batch at @addr: from a ring it starts a
 * first-level batch; in a batch it chains, or with @second_level (render
 * engine) calls a second-level batch that returns.
 */
int vgpu_cmd_batch_start(struct vgpu_cmd *c, __u64 addr, bool second_level);

/*
 * Blits (copy engine). Rectangles are x, y, w, h in pixels of the surface;
 * XY_COLOR_BLT and XY_SRC_COPY_BLT take cpp 1, 2 (RGB565) or 4 (all
 * channels written); XY_FAST_COPY_BLT takes 1, 2, 4, 8 or 16.
 */
int vgpu_cmd_color_blt(struct vgpu_cmd *c, const struct vgpu_surface *dst,
		       __u32 x, __u32 y, __u32 w, __u32 h, __u32 color);
int vgpu_cmd_src_copy_blt(struct vgpu_cmd *c, const struct vgpu_surface *dst,
			  __u32 dx, __u32 dy, const struct vgpu_surface *src,
			  __u32 sx, __u32 sy, __u32 w, __u32 h);
int vgpu_cmd_fast_copy_blt(struct vgpu_cmd *c,
			   const struct vgpu_surface *dst, __u32 dx, __u32 dy,
			   const struct vgpu_surface *src, __u32 sx, __u32 sy,
			   __u32 w, __u32 h);

/*
 * A rectangle of a 32 bpp surface filled with MI_STORE_DATA_IMM, one run
 * of stores per line: the render engine's XY_COLOR_BLT.
 */
int vgpu_cmd_store_fill_rect(struct vgpu_cmd *c,
			     const struct vgpu_surface *dst, __u32 x, __u32 y,
			     __u32 w, __u32 h, __u32 color);
__u64 vgpu_cmd_store_fill_rect_size(const struct vgpu_surface *dst, __u32 x,
				    __u32 y, __u32 w, __u32 h);

#endif /* VGPU_CMD_H */
