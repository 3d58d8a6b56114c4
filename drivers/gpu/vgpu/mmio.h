/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BAR0 register table: the type of its entries and the handlers it
 * names. mmio.c owns the table and the dispatch; each handler lives in the
 * file that owns the state it reads or changes. Handlers run with
 * vgpu->lock held and get the entry, the instance number and the offset.
 */
#ifndef _VGPU_MMIO_H
#define _VGPU_MMIO_H

#include "vgpu_drv.h"

struct vgpu_reg;

typedef u32 (*vgpu_reg_read_fn)(struct vgpu *vgpu, const struct vgpu_reg *r,
				u32 idx, u32 off);
typedef void (*vgpu_reg_write_fn)(struct vgpu *vgpu, const struct vgpu_reg *r,
				  u32 idx, u32 off, u32 val);

/* Flags of struct vgpu_reg. */
#define VGPU_REG_ENGINE		0x1	/* instance = engine; only if present */
#define VGPU_REG_PIPE		0x2	/* instance = pipe; only < heads */

/**
 * struct vgpu_reg - a register, or a run of registers, of BAR0
 * @base: offset of instance 0
 * @count: instances
 * @stride: bytes between instances (0 when @count is 1)
 * @arg: handler argument (which field of the owner's state)
 * @read: read handler; NULL reads zero
 * @write: write handler; NULL: read only
 * @flags: VGPU_REG_*
 */
struct vgpu_reg {
	u32 base;
	u32 count;
	u32 stride;
	u32 arg;
	vgpu_reg_read_fn read;
	vgpu_reg_write_fn write;
	u32 flags;
};

/* ring.c: ring registers; @r->arg is a field offset or enum below. */
enum vgpu_ring_ts_dword {
	VGPU_RING_TS_LOW,
	VGPU_RING_TS_HIGH,
};

enum vgpu_engine_error_field {
	VGPU_ENGINE_ERR_STATUS,
	VGPU_ENGINE_ERR_ADDR_LO,
	VGPU_ENGINE_ERR_ADDR_HI,
	VGPU_ENGINE_ERR_CMD,
	VGPU_ENGINE_ERR_COUNT,
};

u32 vgpu_ring_field_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			 u32 idx, u32 off);
u32 vgpu_ring_ts_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		      u32 idx, u32 off);
void vgpu_ring_tail_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			  u32 idx, u32 off, u32 val);
void vgpu_ring_head_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			  u32 idx, u32 off, u32 val);
void vgpu_ring_start_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			   u32 idx, u32 off, u32 val);
void vgpu_ring_ctl_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			 u32 idx, u32 off, u32 val);
void vgpu_ring_hws_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			 u32 idx, u32 off, u32 val);
void vgpu_gdrst_write(struct vgpu *vgpu, const struct vgpu_reg *r,
		      u32 idx, u32 off, u32 val);
u32 vgpu_engine_error_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			   u32 idx, u32 off);

/* interrupt.c: @r->arg is which register of an IIR/IMR/IER group. */
enum vgpu_irq_reg {
	VGPU_IRQ_ISR,
	VGPU_IRQ_IMR,
	VGPU_IRQ_IIR,
	VGPU_IRQ_IER,
};

u32 vgpu_irq_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		      u32 idx, u32 off);
void vgpu_irq_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			u32 idx, u32 off, u32 val);
u32 vgpu_irq_master_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			     u32 idx, u32 off);
void vgpu_irq_master_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			       u32 idx, u32 off, u32 val);

/* display.c: @r->arg is the enum vgpu_disp_reg; @idx the pipe. */
u32 vgpu_display_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			  u32 idx, u32 off);
void vgpu_display_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			    u32 idx, u32 off, u32 val);

/* edid.c: the PV EDID window, a dword at a time. */
u32 vgpu_edid_pv_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		      u32 idx, u32 off);

/* pv_info.c: the PV info page; @r->arg is the enum below. */
enum vgpu_pv_field {
	VGPU_PV_FIELD_MAGIC_LO,
	VGPU_PV_FIELD_MAGIC_HI,
	VGPU_PV_FIELD_VERSION,
	VGPU_PV_FIELD_ID,
	VGPU_PV_FIELD_CAPS,
	VGPU_PV_FIELD_ENGINES,
	VGPU_PV_FIELD_HEADS,
	VGPU_PV_FIELD_MAX_MODE,
	VGPU_PV_FIELD_RANGES,
	VGPU_PV_FIELD_UNHANDLED,
};

enum vgpu_pv_gm_field {
	VGPU_PV_GM_FIELD_BASE_LO,
	VGPU_PV_GM_FIELD_BASE_HI,
	VGPU_PV_GM_FIELD_SIZE_LO,
	VGPU_PV_GM_FIELD_SIZE_HI,
};

u32 vgpu_pv_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		 u32 idx, u32 off);
u32 vgpu_pv_gm_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		    u32 idx, u32 off);
void vgpu_pv_g2v_write(struct vgpu *vgpu, const struct vgpu_reg *r,
		       u32 idx, u32 off, u32 val);

#endif /* _VGPU_MMIO_H */
