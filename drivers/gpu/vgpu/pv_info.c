// SPDX-License-Identifier: GPL-2.0
/*
 * The PV info page of <linux/vgpu_if.h>: what the guest driver reads at
 * probe (magic, version, identity, capabilities, engines, heads, its
 * slice of the graphics address space) and the G2V notification
 * register. Everything but G2V is read only and derived from the vGPU's
 * type and slice. Called with vgpu->lock held.
 */
#include "mmio.h"

u32 vgpu_pv_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		 u32 idx, u32 off)
{
	const struct vgpu_type_desc *d = vgpu->type->desc;

	switch (r->arg) {
	case VGPU_PV_FIELD_MAGIC_LO:
		return lower_32_bits(VGPU_PV_MAGIC);
	case VGPU_PV_FIELD_MAGIC_HI:
		return upper_32_bits(VGPU_PV_MAGIC);
	case VGPU_PV_FIELD_VERSION:
		return VGPU_PV_VERSION_MAJOR << VGPU_PV_VERSION_MAJOR_SHIFT |
		       VGPU_PV_VERSION_MINOR;
	case VGPU_PV_FIELD_ID:
		return vgpu->id;
	case VGPU_PV_FIELD_CAPS:
		return d->heads ? VGPU_PV_CAP_DISPLAY : 0;
	case VGPU_PV_FIELD_ENGINES:
		return d->engine_mask;
	case VGPU_PV_FIELD_HEADS:
		return d->heads;
	case VGPU_PV_FIELD_MAX_MODE:
		return d->max_height << 16 | d->max_width;
	case VGPU_PV_FIELD_RANGES:
		return 1;
	default:
		return lower_32_bits(vgpu->stats.unhandled);
	}
}

/* The slice is range 0; ranges 1-3 read zero. */
u32 vgpu_pv_gm_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		    u32 idx, u32 off)
{
	u64 v;

	if (idx)
		return 0;
	v = r->arg <= VGPU_PV_GM_FIELD_BASE_HI ? vgpu_slice_start(vgpu) :
						  vgpu_slice_size(vgpu);
	return r->arg == VGPU_PV_GM_FIELD_BASE_LO ||
	       r->arg == VGPU_PV_GM_FIELD_SIZE_LO ?
	       lower_32_bits(v) : upper_32_bits(v);
}

/* The guest says it bound or unbound; anything else is counted. */
void vgpu_pv_g2v_write(struct vgpu *vgpu, const struct vgpu_reg *r,
		       u32 idx, u32 off, u32 val)
{
	if (val != VGPU_G2V_DRIVER_READY && val != VGPU_G2V_DRIVER_UNLOAD)
		vgpu->stats.unhandled++;
}
