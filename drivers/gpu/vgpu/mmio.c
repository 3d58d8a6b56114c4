// SPDX-License-Identifier: GPL-2.0
/*
 * BAR0: the GGTT window and the register window. Registers are described
 * by one table of (offset, instances, stride, read handler, write handler,
 * flags); an access is looked up in it and handed to the handlers with the
 * instance number. The handlers live with the state they change (mmio.h
 * says where). Offsets that are not in the table read as zero and ignore
 * writes; so do accesses of the wrong width and writes to read-only
 * registers. All of them are counted (sysfs "unhandled", PV
 * UNHANDLED_ACCESSES). Called with vgpu->lock held.
 */
#include <linux/slab.h>
#include <linux/sort.h>

#include "mmio.h"
#include "vgpu_trace.h"

/* The engine whose ring registers (or GPRs) @off is one of. */
static enum vgpu_engine vgpu_reg_engine(u32 off)
{
	return off >= VGPU_COPY_RING_BASE ? VGPU_ENGINE_COPY :
					    VGPU_ENGINE_RENDER;
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
	REGN(reg(0), VGPU_MAX_PIPES, PIPE_STRIDE, vgpu_display_reg_read, \
	     vgpu_display_reg_write, a, VGPU_REG_PIPE)
#define DE_PIPE_STRIDE	(VGPU_REG_DE_PIPE_ISR(1) - VGPU_REG_DE_PIPE_ISR(0))
#define GM_STRIDE	(VGPU_PV_GM_BASE_LO(1) - VGPU_PV_GM_BASE_LO(0))
#define HEAD_STRIDE	(VGPU_PV_HEAD_STATUS(1) - VGPU_PV_HEAD_STATUS(0))
#define HEAD_REG(reg, wr, a) \
	REGN(reg(0), VGPU_MAX_PIPES, HEAD_STRIDE, vgpu_display_reg_read, wr, a, \
	     VGPU_REG_PIPE)
#define IRQ_ISR_REG(reg, n, s, fl) \
	REGN(reg, n, s, vgpu_irq_reg_read, NULL, VGPU_IRQ_ISR, fl)
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
	RING_REG(VGPU_RING_TIMESTAMP, vgpu_ring_ts_read, NULL,
		 VGPU_RING_TS_LOW),
	RING_REG(VGPU_RING_TIMESTAMP_UDW, vgpu_ring_ts_read, NULL,
		 VGPU_RING_TS_HIGH),
	/* GPRs: reachable only from commands; read zero over MMIO. */
	REGN(VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0), 2 * VGPU_CS_GPR_COUNT, 4,
	     NULL, NULL, 0, VGPU_REG_ENGINE),
	REGN(VGPU_CS_GPR(VGPU_COPY_RING_BASE, 0), 2 * VGPU_CS_GPR_COUNT, 4,
	     NULL, NULL, 0, VGPU_REG_ENGINE),
	REG(VGPU_REG_MASTER_IRQ, vgpu_irq_master_reg_read, vgpu_irq_master_reg_write, 0, 0),
	IRQ_ISR_REG(VGPU_REG_GT_ISR(0), 1, 0, 0),
	IRQ_REG(VGPU_REG_GT_IMR(0), 1, 0, VGPU_IRQ_IMR, 0),
	IRQ_REG(VGPU_REG_GT_IIR(0), 1, 0, VGPU_IRQ_IIR, 0),
	IRQ_REG(VGPU_REG_GT_IER(0), 1, 0, VGPU_IRQ_IER, 0),
	IRQ_ISR_REG(VGPU_REG_DE_PIPE_ISR(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		    VGPU_REG_PIPE),
	IRQ_REG(VGPU_REG_DE_PIPE_IMR(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		VGPU_IRQ_IMR, VGPU_REG_PIPE),
	IRQ_REG(VGPU_REG_DE_PIPE_IIR(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		VGPU_IRQ_IIR, VGPU_REG_PIPE),
	IRQ_REG(VGPU_REG_DE_PIPE_IER(0), VGPU_MAX_PIPES, DE_PIPE_STRIDE,
		VGPU_IRQ_IER, VGPU_REG_PIPE),
	IRQ_ISR_REG(VGPU_REG_DE_PORT_ISR, 1, 0, 0),
	IRQ_REG(VGPU_REG_DE_PORT_IMR, 1, 0, VGPU_IRQ_IMR, 0),
	IRQ_REG(VGPU_REG_DE_PORT_IIR, 1, 0, VGPU_IRQ_IIR, 0),
	IRQ_REG(VGPU_REG_DE_PORT_IER, 1, 0, VGPU_IRQ_IER, 0),
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
	     vgpu_display_reg_read, NULL, VGPU_DISP_CRC_RES, VGPU_REG_PIPE),
	REGN(VGPU_REG_PIPE_FRMCOUNT(0), VGPU_MAX_PIPES, PIPE_STRIDE,
	     vgpu_display_reg_read, NULL, VGPU_DISP_FRMCOUNT, VGPU_REG_PIPE),
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
	     vgpu_display_reg_read, NULL, VGPU_DISP_SURFLIVE, VGPU_REG_PIPE),
	REG(VGPU_PV_MAGIC_LO, vgpu_pv_read, NULL, VGPU_PV_FIELD_MAGIC_LO, 0),
	REG(VGPU_PV_MAGIC_HI, vgpu_pv_read, NULL, VGPU_PV_FIELD_MAGIC_HI, 0),
	REG(VGPU_PV_VERSION, vgpu_pv_read, NULL, VGPU_PV_FIELD_VERSION, 0),
	REG(VGPU_PV_VGPU_ID, vgpu_pv_read, NULL, VGPU_PV_FIELD_ID, 0),
	REG(VGPU_PV_CAPS, vgpu_pv_read, NULL, VGPU_PV_FIELD_CAPS, 0),
	REG(VGPU_PV_ENGINE_MASK, vgpu_pv_read, NULL, VGPU_PV_FIELD_ENGINES, 0),
	REG(VGPU_PV_NUM_HEADS, vgpu_pv_read, NULL, VGPU_PV_FIELD_HEADS, 0),
	REG(VGPU_PV_MAX_MODE, vgpu_pv_read, NULL, VGPU_PV_FIELD_MAX_MODE, 0),
	REG(VGPU_PV_GM_RANGE_COUNT, vgpu_pv_read, NULL, VGPU_PV_FIELD_RANGES, 0),
	REG(VGPU_PV_UNHANDLED_ACCESSES, vgpu_pv_read, NULL, VGPU_PV_FIELD_UNHANDLED, 0),
	REGN(VGPU_PV_GM_BASE_LO(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     VGPU_PV_GM_FIELD_BASE_LO, 0),
	REGN(VGPU_PV_GM_BASE_HI(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     VGPU_PV_GM_FIELD_BASE_HI, 0),
	REGN(VGPU_PV_GM_SIZE_LO(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     VGPU_PV_GM_FIELD_SIZE_LO, 0),
	REGN(VGPU_PV_GM_SIZE_HI(0), VGPU_PV_GM_RANGES_MAX,
	     GM_STRIDE, vgpu_pv_gm_read, NULL,
	     VGPU_PV_GM_FIELD_SIZE_HI, 0),
	REG(VGPU_PV_G2V_NOTIFY, NULL, vgpu_pv_g2v_write, 0, 0),
	REGN(VGPU_PV_ENGINE_ERROR(0), VGPU_ENGINE_COUNT, VGPU_PV_ENGINE_STRIDE,
	     vgpu_engine_error_read, NULL, VGPU_ENGINE_ERR_STATUS, 0),
	REGN(VGPU_PV_ENGINE_ERROR_ADDR_LO(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_engine_error_read, NULL, VGPU_ENGINE_ERR_ADDR_LO, 0),
	REGN(VGPU_PV_ENGINE_ERROR_ADDR_HI(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_engine_error_read, NULL, VGPU_ENGINE_ERR_ADDR_HI, 0),
	REGN(VGPU_PV_ENGINE_ERROR_CMD(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_engine_error_read, NULL, VGPU_ENGINE_ERR_CMD, 0),
	REGN(VGPU_PV_ENGINE_ERROR_COUNT(0), VGPU_ENGINE_COUNT,
	     VGPU_PV_ENGINE_STRIDE, vgpu_engine_error_read, NULL, VGPU_ENGINE_ERR_COUNT, 0),
	HEAD_REG(VGPU_PV_HEAD_STATUS, NULL, VGPU_DISP_HEAD_STATUS),
	HEAD_REG(VGPU_PV_HEAD_CURSOR_HOT, vgpu_display_reg_write, VGPU_DISP_CURSOR_HOT),
	HEAD_REG(VGPU_PV_HEAD_DOTCLOCK_KHZ, vgpu_display_reg_write, VGPU_DISP_DOTCLOCK),
	HEAD_REG(VGPU_PV_HEAD_EDID_SIZE, NULL, VGPU_DISP_EDID_SIZE),
	HEAD_REG(VGPU_PV_HEAD_DISPLAY_ERROR, NULL, VGPU_DISP_ERROR),
	HEAD_REG(VGPU_PV_HEAD_DISPLAY_ERROR_COUNT, NULL, VGPU_DISP_ERROR_COUNT),
	HEAD_REG(VGPU_PV_HEAD_CRC_FRAME, NULL, VGPU_DISP_CRC_FRAME),
	REGN(VGPU_PV_EDID(0), VGPU_MAX_PIPES * VGPU_PV_EDID_MAX / 4, 4,
	     vgpu_edid_pv_read, NULL, 0, 0),
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
	const struct vgpu_reg *r = NULL;
	u32 idx;

	*val = 0;
	if (size == 4 && off < VGPU_MMIO_SIZE)
		r = vgpu_reg_find(vgpu, off, &idx);
	if (vgpu_in_ggtt(off) && (size == 4 || size == 8))
		*val = vgpu_gtt_window_read(vgpu, off - VGPU_GGTT_OFFSET, size);
	else if (r && r->read)
		*val = r->read(vgpu, r, idx, off);
	else if (!r)
		vgpu->stats.unhandled++;
	trace_vgpu_trap(vgpu, off, size, *val, false);
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
	u32 idx;

	trace_vgpu_trap(vgpu, off, size, val, true);
	if (vgpu_in_ggtt(off) && (size == 4 || size == 8)) {
		vgpu_gtt_window_write(vgpu, off - VGPU_GGTT_OFFSET, size, val);
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
