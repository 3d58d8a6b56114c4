// SPDX-License-Identifier: GPL-2.0
/*
 * BAR0: the GGTT window and the register window. Registers are described
 * by one table of (offset, instances, stride, read handler, write handler,
 * flags); an access is looked up in it and handed to the handlers with the
 * instance number. Offsets that are not in the table read as zero and
 * ignore writes; so do accesses of the wrong width and writes to read-only
 * registers. All of them are counted (sysfs "unhandled", PV
 * UNHANDLED_ACCESSES). Called with vgpu->lock held.
 */
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/ktime.h>

#include "vgpu_drv.h"

struct vgpu_reg;

typedef u32 (*vgpu_reg_read_fn)(struct vgpu *vgpu, const struct vgpu_reg *r,
				u32 idx, u32 off);
typedef void (*vgpu_reg_write_fn)(struct vgpu *vgpu, const struct vgpu_reg *r,
				  u32 idx, u32 off, u32 val);

/* Flags of struct vgpu_reg. */
#define VGPU_REG_ENGINE		0x1	/* exists only if the engine does */
#define VGPU_REG_PIPE		0x2	/* instance = pipe; only < heads */

/**
 * struct vgpu_reg - a register, or a run of registers, of BAR0
 * @base: offset of instance 0
 * @count: instances
 * @stride: bytes between instances (0 when @count is 1)
 * @arg: handler argument (which field, which engine)
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

static enum vgpu_engine vgpu_reg_engine(u32 off)
{
	return off >= VGPU_COPY_RING_BASE ? VGPU_ENGINE_COPY :
					    VGPU_ENGINE_RENDER;
}

/* ---- rings ---- */

static struct vgpu_vengine *vgpu_reg_vengine(struct vgpu *vgpu, u32 off)
{
	return &vgpu->engine[vgpu_reg_engine(off)];
}

/* A ring register kept as is: @r->arg is its offset in the engine. */
static u32 vgpu_ring_field_read(struct vgpu *vgpu, const struct vgpu_reg *r,
				u32 idx, u32 off)
{
	return *(u32 *)((u8 *)vgpu_reg_vengine(vgpu, off) + r->arg);
}

/* RING_TIMESTAMP(_UDW): @r->arg is 0 for the low dword, 1 for the high. */
static u32 vgpu_ring_ts_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			     u32 idx, u32 off)
{
	u64 ts;

	/* VGPU_TIMESTAMP_HZ is 12 MHz: 3 ticks per 250 ns. */
	BUILD_BUG_ON(VGPU_TIMESTAMP_HZ != 12000000);
	ts = mul_u64_u32_div(ktime_get_ns(), 3, 250);
	return r->arg ? upper_32_bits(ts) : lower_32_bits(ts);
}

static void vgpu_ring_tail_write(struct vgpu *vgpu, const struct vgpu_reg *r,
				 u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_reg_vengine(vgpu, off);

	ve->ring_tail = val;
	vgpu_submit_tail(ve, val);
}

/* The head offset is writable only while the ring is stopped. */
static void vgpu_ring_head_write(struct vgpu *vgpu, const struct vgpu_reg *r,
				 u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_reg_vengine(vgpu, off);

	if (ve->ring_ctl & VGPU_RING_CTL_ENABLE) {
		vgpu->stats.unhandled++;
		return;
	}
	ve->ring_head = (ve->ring_head & VGPU_RING_HEAD_WRAP_MASK) |
			(val & VGPU_RING_HEAD_ADDR_MASK);
	ve->loaded = false;
}

static void vgpu_ring_start_write(struct vgpu *vgpu, const struct vgpu_reg *r,
				  u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_reg_vengine(vgpu, off);

	ve->ring_start = val & VGPU_RING_START_ADDR_MASK;
	ve->loaded = false;
}

static void vgpu_ring_ctl_write(struct vgpu *vgpu, const struct vgpu_reg *r,
				u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_reg_vengine(vgpu, off);

	val &= VGPU_RING_CTL_ENABLE | VGPU_RING_CTL_PAGES_MASK;
	if ((val ^ ve->ring_ctl) & VGPU_RING_CTL_PAGES_MASK)
		ve->loaded = false;
	ve->ring_ctl = val;
}

static void vgpu_ring_hws_write(struct vgpu *vgpu, const struct vgpu_reg *r,
				u32 idx, u32 off, u32 val)
{
	vgpu_reg_vengine(vgpu, off)->hws_pga = val & VGPU_HWS_PGA_ADDR_MASK;
}

/* GDRST: resets are synchronous, so the request bits always read 0. */
static void vgpu_gdrst_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			     u32 idx, u32 off, u32 val)
{
	u32 mask = 0;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if ((val & (VGPU_GDRST_FULL | VGPU_GDRST_ENGINE(e))) &&
		    vgpu->engine[e].present)
			mask |= VGPU_ENGINE_MASK(e);
	if (mask)
		vgpu_reset_engines(vgpu, mask);
}

/* ---- interrupts ---- */

enum {
	IRQ_ISR,
	IRQ_IMR,
	IRQ_IIR,
	IRQ_IER,
};

static u32 *vgpu_irq_field(struct vgpu *vgpu, u32 group_reg, u32 idx)
{
	struct vgpu_irq_state *irq = &vgpu->irq;
	u32 off = group_reg & 0xf, grp = group_reg & ~0xfU;
	u32 *imr, *iir, *ier;

	if (grp == VGPU_REG_GT_ISR(0)) {
		imr = &irq->gt_imr;
		iir = &irq->gt_iir;
		ier = &irq->gt_ier;
	} else if (grp == VGPU_REG_DE_PORT_ISR) {
		imr = &irq->port_imr;
		iir = &irq->port_iir;
		ier = &irq->port_ier;
	} else {
		imr = &irq->pipe_imr[idx];
		iir = &irq->pipe_iir[idx];
		ier = &irq->pipe_ier[idx];
	}
	switch (off >> 2) {
	case IRQ_IMR:
		return imr;
	case IRQ_IIR:
		return iir;
	case IRQ_IER:
		return ier;
	default:
		return NULL;
	}
}

static u32 vgpu_irq_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			     u32 idx, u32 off)
{
	u32 *f = vgpu_irq_field(vgpu, off - idx * r->stride, idx);

	return f ? *f : 0;	/* ISR: every event is an edge */
}

static void vgpu_irq_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			       u32 idx, u32 off, u32 val)
{
	u32 *f = vgpu_irq_field(vgpu, off - idx * r->stride, idx);

	if (r->arg == IRQ_IIR)
		*f &= ~val;	/* write 1 to clear */
	else
		*f = val;
	/* Whether anybody listens to vblank decides if its timer runs. */
	if (r->flags & VGPU_REG_PIPE)
		vgpu_display_irq_changed(vgpu, idx);
	vgpu_irq_update(vgpu);
}

static u32 vgpu_master_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			    u32 idx, u32 off)
{
	return vgpu_irq_master_read(vgpu);
}

static void vgpu_master_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			      u32 idx, u32 off, u32 val)
{
	vgpu->irq.master = val & VGPU_MASTER_IRQ_ENABLE;
	vgpu_irq_update(vgpu);
}

/* ---- display (display.c): @r->arg is the enum vgpu_disp_reg ---- */

static u32 vgpu_disp_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			  u32 idx, u32 off)
{
	return vgpu_display_reg_read(vgpu, idx, r->arg);
}

static void vgpu_disp_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			    u32 idx, u32 off, u32 val)
{
	vgpu_display_reg_write(vgpu, idx, r->arg, val);
}

/* PV EDID: one 512-byte block per head, read a dword at a time. */
static u32 vgpu_pv_edid_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			     u32 idx, u32 off)
{
	u32 rel = off - VGPU_PV_EDID(0);
	u32 head = rel / VGPU_PV_EDID_MAX;

	if (head >= vgpu_heads(vgpu))
		return 0;
	return vgpu_edid_pv_read(vgpu, head, rel % VGPU_PV_EDID_MAX);
}

/* ---- PV info page ---- */

enum {
	PV_MAGIC_LO,
	PV_MAGIC_HI,
	PV_VERSION,
	PV_ID,
	PV_CAPS,
	PV_ENGINES,
	PV_HEADS,
	PV_MAX_MODE,
	PV_RANGES,
	PV_UNHANDLED,
};

static u32 vgpu_pv_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			u32 idx, u32 off)
{
	const struct vgpu_type_desc *d = vgpu->type->desc;

	switch (r->arg) {
	case PV_MAGIC_LO:
		return lower_32_bits(VGPU_PV_MAGIC);
	case PV_MAGIC_HI:
		return upper_32_bits(VGPU_PV_MAGIC);
	case PV_VERSION:
		return VGPU_PV_VERSION_MAJOR << VGPU_PV_VERSION_MAJOR_SHIFT |
		       VGPU_PV_VERSION_MINOR;
	case PV_ID:
		return vgpu->id;
	case PV_CAPS:
		return d->heads ? VGPU_PV_CAP_DISPLAY : 0;
	case PV_ENGINES:
		return d->engine_mask;
	case PV_HEADS:
		return d->heads;
	case PV_MAX_MODE:
		return d->max_height << 16 | d->max_width;
	case PV_RANGES:
		return 1;
	default:
		return lower_32_bits(vgpu->stats.unhandled);
	}
}

enum {
	GM_BASE_LO,
	GM_BASE_HI,
	GM_SIZE_LO,
	GM_SIZE_HI,
};

/* The slice is range 0; ranges 1-3 read zero. */
static u32 vgpu_pv_gm_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			   u32 idx, u32 off)
{
	u64 v;

	if (idx)
		return 0;
	v = r->arg <= GM_BASE_HI ? vgpu_slice_start(vgpu) :
				   vgpu_slice_size(vgpu);
	return r->arg == GM_BASE_LO || r->arg == GM_SIZE_LO ?
	       lower_32_bits(v) : upper_32_bits(v);
}

static void vgpu_g2v_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			   u32 idx, u32 off, u32 val)
{
	if (val != VGPU_G2V_DRIVER_READY && val != VGPU_G2V_DRIVER_UNLOAD)
		vgpu->stats.unhandled++;
}

enum {
	ERR_STATUS,
	ERR_ADDR_LO,
	ERR_ADDR_HI,
	ERR_CMD,
	ERR_COUNT,
};

static u32 vgpu_pv_error_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			      u32 idx, u32 off)
{
	const struct vgpu_engine_error *err = &vgpu->engine[idx].error;

	if (!vgpu->engine[idx].present)
		return 0;
	switch (r->arg) {
	case ERR_STATUS:
		return err->status;
	case ERR_ADDR_LO:
		return lower_32_bits(err->addr);
	case ERR_ADDR_HI:
		return upper_32_bits(err->addr);
	case ERR_CMD:
		return err->cmd;
	default:
		return err->count;
	}
}

#define REG(b, rd, wr, a, fl) \
	{ .base = (b), .count = 1, .read = (rd), .write = (wr), .arg = (a), \
	  .flags = (fl) }
#define REGN(b, n, s, rd, wr, a, fl) \
	{ .base = (b), .count = (n), .stride = (s), .read = (rd), \
	  .write = (wr), .arg = (a), .flags = (fl) }
#define RING_STRIDE	(VGPU_COPY_RING_BASE - VGPU_RENDER_RING_BASE)
#define RING_REG(reg, rd, wr, a) \
	REGN(reg(VGPU_RENDER_RING_BASE), VGPU_ENGINE_COUNT, RING_STRIDE, \
	     rd, wr, a, VGPU_REG_ENGINE)
#define RING_FIELD(f)	offsetof(struct vgpu_vengine, f)
#define PIPE_STRIDE	(VGPU_REG_PLANE_CTL(1) - VGPU_REG_PLANE_CTL(0))
#define DISP_REG(reg, a) \
	REGN(reg(0), VGPU_MAX_PIPES, PIPE_STRIDE, vgpu_disp_read, \
	     vgpu_disp_write, a, VGPU_REG_PIPE)
#define DE_PIPE_STRIDE	(VGPU_REG_DE_PIPE_ISR(1) - VGPU_REG_DE_PIPE_ISR(0))
#define GM_STRIDE	(VGPU_PV_GM_BASE_LO(1) - VGPU_PV_GM_BASE_LO(0))
#define HEAD_STRIDE	(VGPU_PV_HEAD_STATUS(1) - VGPU_PV_HEAD_STATUS(0))
#define HEAD_REG(reg, wr, a) \
	REGN(reg(0), VGPU_MAX_PIPES, HEAD_STRIDE, vgpu_disp_read, wr, a, \
	     VGPU_REG_PIPE)
#define IRQ_ISR_REG(reg, n, s, fl) \
	REGN(reg, n, s, vgpu_irq_reg_read, NULL, IRQ_ISR, fl)
#define IRQ_REG(reg, n, s, a, fl) \
	REGN(reg, n, s, vgpu_irq_reg_read, vgpu_irq_reg_write, a, fl)

/* The register map; vgpu_mmio_init() indexes it by offset. */
static const struct vgpu_reg vgpu_regs[] = {
	RING_REG(VGPU_RING_TAIL, vgpu_ring_field_read, vgpu_ring_tail_write,
		 RING_FIELD(ring_tail)),
	RING_REG(VGPU_RING_HEAD, vgpu_ring_field_read, vgpu_ring_head_write,
		 RING_FIELD(ring_head)),
	RING_REG(VGPU_RING_START, vgpu_ring_field_read, vgpu_ring_start_write,
		 RING_FIELD(ring_start)),
	RING_REG(VGPU_RING_CTL, vgpu_ring_field_read, vgpu_ring_ctl_write,
		 RING_FIELD(ring_ctl)),
	RING_REG(VGPU_RING_HWS_PGA, vgpu_ring_field_read, vgpu_ring_hws_write,
		 RING_FIELD(hws_pga)),
	RING_REG(VGPU_RING_TIMESTAMP, vgpu_ring_ts_read, NULL, 0),
	RING_REG(VGPU_RING_TIMESTAMP_UDW, vgpu_ring_ts_read, NULL, 1),
	/* GPRs: reachable only from commands; read zero over MMIO. */
	REGN(VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0), 2 * VGPU_CS_GPR_COUNT, 4,
	     NULL, NULL, 0, VGPU_REG_ENGINE),
	REGN(VGPU_CS_GPR(VGPU_COPY_RING_BASE, 0), 2 * VGPU_CS_GPR_COUNT, 4,
	     NULL, NULL, 0, VGPU_REG_ENGINE),
	REG(VGPU_REG_MASTER_IRQ, vgpu_master_read, vgpu_master_write, 0, 0),
	IRQ_ISR_REG(VGPU_REG_GT_ISR(0), 1, 0, 0),
	IRQ_REG(VGPU_REG_GT_IMR(0), 1, 0, IRQ_IMR, 0),
	IRQ_REG(VGPU_REG_GT_IIR(0), 1, 0, IRQ_IIR, 0),
	IRQ_REG(VGPU_REG_GT_IER(0), 1, 0, IRQ_IER, 0),
	IRQ_ISR_REG(VGPU_REG_DE_PIPE_ISR(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		    VGPU_REG_PIPE),
	IRQ_REG(VGPU_REG_DE_PIPE_IMR(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		IRQ_IMR, VGPU_REG_PIPE),
	IRQ_REG(VGPU_REG_DE_PIPE_IIR(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		IRQ_IIR, VGPU_REG_PIPE),
	IRQ_REG(VGPU_REG_DE_PIPE_IER(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		IRQ_IER, VGPU_REG_PIPE),
	IRQ_ISR_REG(VGPU_REG_DE_PORT_ISR, 1, 0, 0),
	IRQ_REG(VGPU_REG_DE_PORT_IMR, 1, 0, IRQ_IMR, 0),
	IRQ_REG(VGPU_REG_DE_PORT_IIR, 1, 0, IRQ_IIR, 0),
	IRQ_REG(VGPU_REG_DE_PORT_IER, 1, 0, IRQ_IER, 0),
	REG(VGPU_REG_GDRST, NULL, vgpu_gdrst_write, 0, 0),
	DISP_REG(VGPU_REG_HTOTAL, VGPU_DISP_HTOTAL),
	DISP_REG(VGPU_REG_HBLANK, VGPU_DISP_HBLANK),
	DISP_REG(VGPU_REG_HSYNC, VGPU_DISP_HSYNC),
	DISP_REG(VGPU_REG_VTOTAL, VGPU_DISP_VTOTAL),
	DISP_REG(VGPU_REG_VBLANK, VGPU_DISP_VBLANK),
	DISP_REG(VGPU_REG_VSYNC, VGPU_DISP_VSYNC),
	DISP_REG(VGPU_REG_PIPESRC, VGPU_DISP_PIPESRC),
	DISP_REG(VGPU_REG_PIPECONF, VGPU_DISP_PIPECONF),
	DISP_REG(VGPU_REG_PIPE_CRC_CTL, VGPU_DISP_CRC_CTL),
	REGN(VGPU_REG_PIPE_CRC_RES(0), VGPU_MAX_PIPES, PIPE_STRIDE,
	     vgpu_disp_read, NULL, VGPU_DISP_CRC_RES, VGPU_REG_PIPE),
	REGN(VGPU_REG_PIPE_FRMCOUNT(0), VGPU_MAX_PIPES, PIPE_STRIDE,
	     vgpu_disp_read, NULL, VGPU_DISP_FRMCOUNT, VGPU_REG_PIPE),
	DISP_REG(VGPU_REG_CURCNTR, VGPU_DISP_CURCNTR),
	DISP_REG(VGPU_REG_CURBASE, VGPU_DISP_CURBASE),
	DISP_REG(VGPU_REG_CURPOS, VGPU_DISP_CURPOS),
	DISP_REG(VGPU_REG_PLANE_CTL, VGPU_DISP_PLANE_CTL),
	DISP_REG(VGPU_REG_PLANE_STRIDE, VGPU_DISP_PLANE_STRIDE),
	DISP_REG(VGPU_REG_PLANE_POS, VGPU_DISP_PLANE_POS),
	DISP_REG(VGPU_REG_PLANE_SIZE, VGPU_DISP_PLANE_SIZE),
	DISP_REG(VGPU_REG_PLANE_SURF, VGPU_DISP_PLANE_SURF),
	DISP_REG(VGPU_REG_PLANE_OFFSET, VGPU_DISP_PLANE_OFFSET),
	REGN(VGPU_REG_PLANE_SURFLIVE(0), VGPU_MAX_PIPES, PIPE_STRIDE,
	     vgpu_disp_read, NULL, VGPU_DISP_SURFLIVE, VGPU_REG_PIPE),
	REG(VGPU_PV_MAGIC_LO, vgpu_pv_read, NULL, PV_MAGIC_LO, 0),
	REG(VGPU_PV_MAGIC_HI, vgpu_pv_read, NULL, PV_MAGIC_HI, 0),
	REG(VGPU_PV_VERSION, vgpu_pv_read, NULL, PV_VERSION, 0),
	REG(VGPU_PV_VGPU_ID, vgpu_pv_read, NULL, PV_ID, 0),
	REG(VGPU_PV_CAPS, vgpu_pv_read, NULL, PV_CAPS, 0),
	REG(VGPU_PV_ENGINE_MASK, vgpu_pv_read, NULL, PV_ENGINES, 0),
	REG(VGPU_PV_NUM_HEADS, vgpu_pv_read, NULL, PV_HEADS, 0),
	REG(VGPU_PV_MAX_MODE, vgpu_pv_read, NULL, PV_MAX_MODE, 0),
	REG(VGPU_PV_GM_RANGE_COUNT, vgpu_pv_read, NULL, PV_RANGES, 0),
	REG(VGPU_PV_UNHANDLED_ACCESSES, vgpu_pv_read, NULL, PV_UNHANDLED, 0),
	REGN(VGPU_PV_GM_BASE_LO(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     GM_BASE_LO, 0),
	REGN(VGPU_PV_GM_BASE_HI(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     GM_BASE_HI, 0),
	REGN(VGPU_PV_GM_SIZE_LO(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     GM_SIZE_LO, 0),
	REGN(VGPU_PV_GM_SIZE_HI(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     GM_SIZE_HI, 0),
	REG(VGPU_PV_G2V_NOTIFY, NULL, vgpu_g2v_write, 0, 0),
	REGN(VGPU_PV_ENGINE_ERROR(0), VGPU_ENGINE_COUNT, VGPU_PV_ENGINE_STRIDE,
	     vgpu_pv_error_read, NULL, ERR_STATUS, 0),
	REGN(VGPU_PV_ENGINE_ERROR_ADDR_LO(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_pv_error_read, NULL, ERR_ADDR_LO, 0),
	REGN(VGPU_PV_ENGINE_ERROR_ADDR_HI(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_pv_error_read, NULL, ERR_ADDR_HI, 0),
	REGN(VGPU_PV_ENGINE_ERROR_CMD(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_pv_error_read, NULL, ERR_CMD, 0),
	REGN(VGPU_PV_ENGINE_ERROR_COUNT(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_pv_error_read, NULL, ERR_COUNT, 0),
	HEAD_REG(VGPU_PV_HEAD_STATUS, NULL, VGPU_DISP_HEAD_STATUS),
	HEAD_REG(VGPU_PV_HEAD_CURSOR_HOT, vgpu_disp_write, VGPU_DISP_CURSOR_HOT),
	HEAD_REG(VGPU_PV_HEAD_DOTCLOCK_KHZ, vgpu_disp_write, VGPU_DISP_DOTCLOCK),
	HEAD_REG(VGPU_PV_HEAD_EDID_SIZE, NULL, VGPU_DISP_EDID_SIZE),
	HEAD_REG(VGPU_PV_HEAD_DISPLAY_ERROR, NULL, VGPU_DISP_ERROR),
	HEAD_REG(VGPU_PV_HEAD_DISPLAY_ERROR_COUNT, NULL, VGPU_DISP_ERROR_COUNT),
	HEAD_REG(VGPU_PV_HEAD_CRC_FRAME, NULL, VGPU_DISP_CRC_FRAME),
	REGN(VGPU_PV_EDID(0), VGPU_MAX_PIPES * VGPU_PV_EDID_MAX / 4, 4,
	     vgpu_pv_edid_read, NULL, 0, 0),
};

/**
 * struct vgpu_reg_slot - one register instance of the table, for lookup
 * @off: its BAR0 offset
 * @reg: index of its entry in vgpu_regs[]
 * @idx: its instance number
 */
struct vgpu_reg_slot {
	u32 off;
	u16 reg;
	u16 idx;
};

/* Every instance of every table entry, sorted by offset (module init). */
static struct vgpu_reg_slot *vgpu_reg_slots;
static unsigned int vgpu_nr_reg_slots;

static int vgpu_reg_slot_cmp(const void *a, const void *b)
{
	const struct vgpu_reg_slot *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/**
 * vgpu_mmio_init() - index the register table by offset
 *
 * Return: 0, -ENOMEM, or -EINVAL if two entries claim one offset.
 */
int vgpu_mmio_init(void)
{
	const struct vgpu_reg *r;
	unsigned int i, j, n = 0;

	BUILD_BUG_ON(ARRAY_SIZE(vgpu_regs) > U16_MAX);
	for (i = 0; i < ARRAY_SIZE(vgpu_regs); i++)
		n += vgpu_regs[i].count;
	vgpu_reg_slots = kcalloc(n, sizeof(*vgpu_reg_slots), GFP_KERNEL);
	if (!vgpu_reg_slots)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < ARRAY_SIZE(vgpu_regs); i++) {
		r = &vgpu_regs[i];
		for (j = 0; j < r->count; j++) {
			vgpu_reg_slots[n].off = r->base + j * r->stride;
			vgpu_reg_slots[n].reg = i;
			vgpu_reg_slots[n].idx = j;
			n++;
		}
	}
	sort(vgpu_reg_slots, n, sizeof(*vgpu_reg_slots), vgpu_reg_slot_cmp,
	     NULL);
	for (i = 1; i < n; i++) {
		if (WARN_ON(vgpu_reg_slots[i].off ==
			    vgpu_reg_slots[i - 1].off)) {
			vgpu_mmio_exit();
			return -EINVAL;
		}
	}
	vgpu_nr_reg_slots = n;
	return 0;
}

void vgpu_mmio_exit(void)
{
	kfree(vgpu_reg_slots);
	vgpu_reg_slots = NULL;
	vgpu_nr_reg_slots = 0;
}

/* The table entry and instance of register @off, NULL if there is none. */
static const struct vgpu_reg *vgpu_reg_find(struct vgpu *vgpu, u32 off,
					    u32 *idx)
{
	unsigned int lo = 0, hi = vgpu_nr_reg_slots, mid;
	const struct vgpu_reg_slot *slot;
	const struct vgpu_reg *r;

	/* Binary search, open-coded: no indirect call per step. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (vgpu_reg_slots[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == vgpu_nr_reg_slots || vgpu_reg_slots[lo].off != off)
		return NULL;
	slot = &vgpu_reg_slots[lo];
	r = &vgpu_regs[slot->reg];
	*idx = slot->idx;
	if ((r->flags & VGPU_REG_ENGINE) &&
	    !vgpu->engine[vgpu_reg_engine(off)].present)
		return NULL;
	if ((r->flags & VGPU_REG_PIPE) && *idx >= vgpu->type->desc->heads)
		return NULL;
	return r;
}

/**
 * vgpu_mmio_reset() - registers at power-on
 * @vgpu: the vGPU
 *
 * Engine error counters are kept (they count since creation).
 */
void vgpu_mmio_reset(struct vgpu *vgpu)
{
	struct vgpu_vengine *ve;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		ve->ring_start = 0;
		ve->ring_ctl = 0;
		ve->ring_head = 0;
		ve->ring_tail = 0;
		ve->hws_pga = 0;
		ve->completed = 0;
		ve->submitted = 0;
		ve->loaded = false;
		ve->error.status = 0;
		ve->error.addr = 0;
		ve->error.cmd = 0;
	}
	memset(vgpu->disp, 0, sizeof(vgpu->disp));
}

static bool vgpu_in_ggtt(u64 off)
{
	return off >= VGPU_GGTT_OFFSET && off - VGPU_GGTT_OFFSET < VGPU_GGTT_SIZE;
}

/**
 * vgpu_mmio_read() - a read of BAR0
 * @vgpu: the vGPU
 * @off: offset in BAR0, below VGPU_BAR0_SIZE
 * @size: 1, 2, 4 or 8 bytes, naturally aligned
 * @val: the value read
 *
 * Return: 0 (unknown offsets and bad widths read zero).
 */
int vgpu_mmio_read(struct vgpu *vgpu, u64 off, u32 size, u64 *val)
{
	const struct vgpu_reg *r;
	u32 idx, index;
	u64 pte;

	*val = 0;
	if (vgpu_in_ggtt(off) && (size == 4 || size == 8)) {
		index = (off - VGPU_GGTT_OFFSET) / VGPU_GGTT_PTE_SIZE;
		pte = vgpu_gtt_read_pte(vgpu, index);
		*val = size == 8 ? pte : (u32)(pte >> ((off & 4) * 8));
		return 0;
	}
	if (size == 4 && off < VGPU_MMIO_SIZE) {
		r = vgpu_reg_find(vgpu, off, &idx);
		if (r) {
			if (r->read)
				*val = r->read(vgpu, r, idx, off);
			return 0;
		}
	}
	vgpu->stats.unhandled++;
	return 0;
}

/**
 * vgpu_mmio_write() - a write to BAR0
 * @vgpu: the vGPU
 * @off: offset in BAR0, below VGPU_BAR0_SIZE
 * @size: 1, 2, 4 or 8 bytes, naturally aligned
 * @val: the value, untrusted
 *
 * Return: 0 (unknown offsets, bad widths and read-only registers ignore
 * the write).
 */
int vgpu_mmio_write(struct vgpu *vgpu, u64 off, u32 size, u64 val)
{
	const struct vgpu_reg *r;
	u32 idx, index, shift;
	u64 pte, old;

	if (vgpu_in_ggtt(off) && (size == 4 || size == 8)) {
		index = (off - VGPU_GGTT_OFFSET) / VGPU_GGTT_PTE_SIZE;
		old = vgpu_gtt_read_pte(vgpu, index);
		if (size == 4) {
			shift = (off & 4) * 8;
			pte = old & ~((u64)U32_MAX << shift);
			val = pte | (val & U32_MAX) << shift;
		}
		vgpu_gtt_write_pte(vgpu, index, val);
		/* A shown plane cares only when the page behind it changes. */
		if ((old ^ vgpu_gtt_read_pte(vgpu, index)) &
		    (VGPU_GGTT_PTE_ADDR_MASK | VGPU_GGTT_PTE_PRESENT))
			vgpu_display_gtt_changed(vgpu, (u64)index <<
						 VGPU_GTT_PAGE_SHIFT);
		return 0;
	}
	if (size == 4 && off < VGPU_MMIO_SIZE) {
		r = vgpu_reg_find(vgpu, off, &idx);
		if (r && r->write) {
			r->write(vgpu, r, idx, off, val);
			return 0;
		}
	}
	vgpu->stats.unhandled++;
	return 0;
}
