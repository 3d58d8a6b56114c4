// SPDX-License-Identifier: GPL-2.0
/*
 * The ring registers of each engine (START, CTL, HEAD, TAIL, HWS_PGA,
 * TIMESTAMP), GDRST, the engine error registers of the PV page, and their
 * values at power-on and after an engine reset. A TAIL write hands the
 * new tail to submission (submit.c); everything else only changes the
 * engine's guest-visible state. Called with vgpu->lock held.
 */
#include <linux/math64.h>
#include <linux/ktime.h>
#include <vgpu/migration_stream.h>

#include "mmio.h"

static struct vgpu_vengine *vgpu_ring_vengine(struct vgpu *vgpu, u32 idx)
{
	return &vgpu->engine[idx];
}

/* A ring register kept as is: @r->arg is its offset in the engine. */
u32 vgpu_ring_field_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			 u32 idx, u32 off)
{
	return *(u32 *)((u8 *)vgpu_ring_vengine(vgpu, idx) + r->arg);
}

/* RING_TIMESTAMP(_UDW): @r->arg is enum vgpu_ring_ts_dword. */
u32 vgpu_ring_ts_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		      u32 idx, u32 off)
{
	u64 ts;

	/* VGPU_TIMESTAMP_HZ is 12 MHz: 3 ticks per 250 ns. */
	BUILD_BUG_ON(VGPU_TIMESTAMP_HZ != 12000000);
	ts = mul_u64_u32_div(ktime_get_ns(), 3, 250);
	return r->arg == VGPU_RING_TS_HIGH ? upper_32_bits(ts) :
					     lower_32_bits(ts);
}

void vgpu_ring_tail_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			  u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_ring_vengine(vgpu, idx);

	ve->ring_tail = val;
	vgpu_submit_tail(ve, val);
}

/* The head offset is writable only while the ring is stopped. */
void vgpu_ring_head_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			  u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_ring_vengine(vgpu, idx);

	if (ve->ring_ctl & VGPU_RING_CTL_ENABLE) {
		vgpu->stats.unhandled++;
		return;
	}
	ve->ring_head = (ve->ring_head & VGPU_RING_HEAD_WRAP_MASK) |
			(val & VGPU_RING_HEAD_ADDR_MASK);
	ve->loaded = false;
}

void vgpu_ring_start_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			   u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_ring_vengine(vgpu, idx);

	ve->ring_start = val & VGPU_RING_START_ADDR_MASK;
	ve->loaded = false;
}

void vgpu_ring_ctl_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			 u32 idx, u32 off, u32 val)
{
	struct vgpu_vengine *ve = vgpu_ring_vengine(vgpu, idx);

	val &= VGPU_RING_CTL_ENABLE | VGPU_RING_CTL_PAGES_MASK;
	if ((val ^ ve->ring_ctl) & VGPU_RING_CTL_PAGES_MASK)
		ve->loaded = false;
	ve->ring_ctl = val;
}

void vgpu_ring_hws_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			 u32 idx, u32 off, u32 val)
{
	vgpu_ring_vengine(vgpu, idx)->hws_pga = val & VGPU_HWS_PGA_ADDR_MASK;
}

/* GDRST: resets are synchronous, so the request bits always read 0. */
void vgpu_gdrst_write(struct vgpu *vgpu, const struct vgpu_reg *r,
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

/* The PV page's error registers of engine @idx: @r->arg says which. */
u32 vgpu_engine_error_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			   u32 idx, u32 off)
{
	const struct vgpu_engine_error *err = &vgpu->engine[idx].error;

	if (!vgpu->engine[idx].present)
		return 0;
	switch (r->arg) {
	case VGPU_ENGINE_ERR_STATUS:
		return err->status;
	case VGPU_ENGINE_ERR_ADDR_LO:
		return lower_32_bits(err->addr);
	case VGPU_ENGINE_ERR_ADDR_HI:
		return upper_32_bits(err->addr);
	case VGPU_ENGINE_ERR_CMD:
		return err->cmd;
	default:
		return err->count;
	}
}

/**
 * vgpu_ring_reset() - an engine's registers after an engine reset
 * @ve: the engine
 *
 * HEAD and TAIL become 0 and the ring is disabled; START, the ring size
 * and HWS_PGA are kept; the error state is cleared (not its count, which
 * counts since creation).
 */
void vgpu_ring_reset(struct vgpu_vengine *ve)
{
	ve->ring_head = 0;
	ve->ring_tail = 0;
	ve->ring_ctl &= ~VGPU_RING_CTL_ENABLE;
	ve->submitted = 0;
	ve->loaded = false;
	ve->error.status = 0;
	ve->error.addr = 0;
	ve->error.cmd = 0;
}

/**
 * vgpu_ring_power_on() - an engine's registers at power-on
 * @ve: the engine
 *
 * What an engine reset clears, and START, the ring size, HWS_PGA and the
 * completion count too.
 */
void vgpu_ring_power_on(struct vgpu_vengine *ve)
{
	vgpu_ring_reset(ve);
	ve->ring_start = 0;
	ve->ring_ctl = 0;
	ve->hws_pga = 0;
	ve->completed = 0;
}

/* The RING section: these per engine, every engine, present or not. */
enum vgpu_ring_mig_field {
	VGPU_RING_MIG_START,
	VGPU_RING_MIG_CTL,
	VGPU_RING_MIG_HEAD,
	VGPU_RING_MIG_TAIL,
	VGPU_RING_MIG_HWS,
	VGPU_RING_MIG_COMPLETED,
	VGPU_RING_MIG_ERR_STATUS,
	VGPU_RING_MIG_ERR_CMD,
	VGPU_RING_MIG_ERR_COUNT,
	VGPU_RING_MIG_FIELDS,
};

/* What each field may hold: the bits a guest write or the device sets. */
static const u32 vgpu_ring_mig_mask[VGPU_RING_MIG_FIELDS] = {
	[VGPU_RING_MIG_START] = VGPU_RING_START_ADDR_MASK,
	[VGPU_RING_MIG_CTL] = VGPU_RING_CTL_ENABLE | VGPU_RING_CTL_PAGES_MASK,
	[VGPU_RING_MIG_HEAD] = VGPU_RING_HEAD_WRAP_MASK |
			       VGPU_RING_HEAD_ADDR_MASK,
	[VGPU_RING_MIG_TAIL] = U32_MAX,
	[VGPU_RING_MIG_HWS] = VGPU_HWS_PGA_ADDR_MASK,
	[VGPU_RING_MIG_COMPLETED] = U32_MAX,
	[VGPU_RING_MIG_ERR_STATUS] = VGPU_ENGINE_ERROR_ACTIVE |
				     VGPU_ENGINE_ERROR_IN_BATCH |
				     VGPU_ENGINE_ERROR_CLASS_MASK |
				     VGPU_ENGINE_ERROR_REASON_MASK,
	[VGPU_RING_MIG_ERR_CMD] = U32_MAX,
	[VGPU_RING_MIG_ERR_COUNT] = U32_MAX,
};

u32 vgpu_ring_mig_size(const struct vgpu *vgpu)
{
	/* The fields, and the 64-bit error address. */
	return VGPU_ENGINE_COUNT *
	       (VGPU_RING_MIG_FIELDS * sizeof(u32) + sizeof(u64));
}

static void vgpu_ring_mig_fields(const struct vgpu_vengine *ve, u32 *f)
{
	f[VGPU_RING_MIG_START] = ve->ring_start;
	f[VGPU_RING_MIG_CTL] = ve->ring_ctl;
	f[VGPU_RING_MIG_HEAD] = ve->ring_head;
	f[VGPU_RING_MIG_TAIL] = ve->ring_tail;
	f[VGPU_RING_MIG_HWS] = ve->hws_pga;
	f[VGPU_RING_MIG_COMPLETED] = ve->completed;
	f[VGPU_RING_MIG_ERR_STATUS] = ve->error.status;
	f[VGPU_RING_MIG_ERR_CMD] = ve->error.cmd;
	f[VGPU_RING_MIG_ERR_COUNT] = ve->error.count;
}

/**
 * vgpu_ring_mig_save() - the RING section: ring and error registers
 * @vgpu: the vGPU, its engines quiet (no run in flight)
 * @w: the stream
 */
void vgpu_ring_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	u32 f[VGPU_RING_MIG_FIELDS];
	unsigned int e, i;

	lockdep_assert_held(&vgpu->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		vgpu_ring_mig_fields(&vgpu->engine[e], f);
		for (i = 0; i < VGPU_RING_MIG_FIELDS; i++)
			vgpu_mig_put_u32(w, f[i]);
		vgpu_mig_put_u64(w, vgpu->engine[e].error.addr);
	}
}

/**
 * vgpu_ring_mig_load() - take the RING section
 * @vgpu: the vGPU, just reset
 * @r: the section, untrusted
 *
 * Each field must be a value the register can hold, and an engine the
 * type lacks must be all zero. The shadow ring is loaded again at the
 * first submission (the WORKLOAD section's, or the guest's).
 *
 * Return: 0 or -EINVAL (nothing changed).
 */
int vgpu_ring_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	u32 f[VGPU_ENGINE_COUNT][VGPU_RING_MIG_FIELDS];
	u64 addr[VGPU_ENGINE_COUNT];
	struct vgpu_vengine *ve;
	unsigned int e, i;

	lockdep_assert_held(&vgpu->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		for (i = 0; i < VGPU_RING_MIG_FIELDS; i++) {
			f[e][i] = vgpu_mig_get_u32(r);
			if (f[e][i] & ~vgpu_ring_mig_mask[i] ||
			    (f[e][i] && !vgpu->engine[e].present))
				return -EINVAL;
		}
		addr[e] = vgpu_mig_get_u64(r);
		if (addr[e] && !vgpu->engine[e].present)
			return -EINVAL;
	}
	if (!vgpu_mig_reader_done(r))
		return -EINVAL;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		ve->ring_start = f[e][VGPU_RING_MIG_START];
		ve->ring_ctl = f[e][VGPU_RING_MIG_CTL];
		ve->ring_head = f[e][VGPU_RING_MIG_HEAD];
		ve->ring_tail = f[e][VGPU_RING_MIG_TAIL];
		ve->hws_pga = f[e][VGPU_RING_MIG_HWS];
		ve->completed = f[e][VGPU_RING_MIG_COMPLETED];
		ve->error.status = f[e][VGPU_RING_MIG_ERR_STATUS];
		ve->error.cmd = f[e][VGPU_RING_MIG_ERR_CMD];
		ve->error.count = f[e][VGPU_RING_MIG_ERR_COUNT];
		ve->error.addr = addr[e];
		ve->submitted = ve->ring_head & VGPU_RING_HEAD_ADDR_MASK;
		ve->loaded = false;
	}
	return 0;
}
