// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual interrupts: the Gen8-shaped IIR/IMR/IER groups and the master
 * register of <linux/vgpu_if.h>, and their delivery to the VFIO user as
 * an eventfd signal: one per rising edge with MSI, level-triggered and
 * automasked with INTx. Also VFIO_DEVICE_SET_IRQS for INTx, MSI and the
 * device request interrupt. Every eventfd taken here is put again on the
 * path that replaces or releases it. The registers are written only here:
 * the rest of the driver raises events with vgpu_irq_raise_*(). Called
 * with vgpu->lock held.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <vgpu/linux_compat.h>
#include <vgpu/migration_stream.h>

#include "mmio.h"

#define VGPU_GT_RENDER_BITS	(0xffffU << VGPU_GT_ENGINE_SHIFT(VGPU_ENGINE_RENDER))
#define VGPU_GT_COPY_BITS	(0xffffU << VGPU_GT_ENGINE_SHIFT(VGPU_ENGINE_COPY))

/**
 * vgpu_irq_reset() - interrupt registers at power-on (eventfds stay)
 * @vgpu: the vGPU
 */
void vgpu_irq_reset(struct vgpu *vgpu)
{
	struct vgpu_irq_state *irq = &vgpu->irq;
	unsigned int p;

	irq->master = false;
	irq->gt_imr = ~0U;
	irq->gt_ier = 0;
	irq->gt_iir = 0;
	for (p = 0; p < VGPU_MAX_PIPES; p++) {
		irq->pipe_imr[p] = ~0U;
		irq->pipe_ier[p] = 0;
		irq->pipe_iir[p] = 0;
	}
	irq->port_imr = ~0U;
	irq->port_ier = 0;
	irq->port_iir = 0;
	irq->asserted = false;
	irq->intx_masked = false;
	vgpu_cfg_set_intx_status(vgpu, false);
}

/* The master register's pending-group bits. */
static u32 vgpu_irq_pending(const struct vgpu_irq_state *irq)
{
	u32 gt = irq->gt_iir & ~irq->gt_imr, pending = 0;
	unsigned int p;

	if (gt & VGPU_GT_RENDER_BITS)
		pending |= VGPU_MASTER_IRQ_RENDER;
	if (gt & VGPU_GT_COPY_BITS)
		pending |= VGPU_MASTER_IRQ_COPY;
	for (p = 0; p < VGPU_MAX_PIPES; p++)
		if (irq->pipe_iir[p] & ~irq->pipe_imr[p])
			pending |= VGPU_MASTER_IRQ_PIPE(p);
	if (irq->port_iir & ~irq->port_imr)
		pending |= VGPU_MASTER_IRQ_DE_PORT;
	return pending;
}

/**
 * vgpu_irq_update() - re-evaluate the interrupt condition and deliver
 * @vgpu: the vGPU
 *
 * Call after any change to the interrupt registers, to config space's
 * MSI enable or INTx disable, or to the INTx mask.
 */
void vgpu_irq_update(struct vgpu *vgpu)
{
	struct vgpu_irq_state *irq = &vgpu->irq;
	bool cond = irq->master && vgpu_irq_pending(irq);
	bool rising = cond && !irq->asserted;
	bool msi = vgpu_cfg_msi_enabled(vgpu);
	bool intx = !msi && cond && !vgpu_cfg_intx_disabled(vgpu);

	vgpu_cfg_set_intx_status(vgpu, intx);
	/*
	 * A stopped device signals nothing (migration.c); an edge that rises
	 * meanwhile stays one until the restart delivers it.
	 */
	if (vgpu->mig.frozen)
		return;
	irq->asserted = cond;
	if (!irq->trigger)
		return;
	if (msi && rising && irq->index == VFIO_PCI_MSI_IRQ_INDEX) {
		kcompat_eventfd_signal(irq->trigger);
	} else if (intx && !irq->intx_masked &&
		   irq->index == VFIO_PCI_INTX_IRQ_INDEX) {
		irq->intx_masked = true;
		kcompat_eventfd_signal(irq->trigger);
	}
}

/* The IMR, IIR or IER of the group at @group_reg, instance @idx. */
static u32 *vgpu_irq_field(struct vgpu *vgpu, u32 group_reg, u32 idx,
			   enum vgpu_irq_reg which)
{
	struct vgpu_irq_state *irq = &vgpu->irq;
	u32 *imr, *iir, *ier;

	if (group_reg == VGPU_REG_GT_ISR(0)) {
		imr = &irq->gt_imr;
		iir = &irq->gt_iir;
		ier = &irq->gt_ier;
	} else if (group_reg == VGPU_REG_DE_PORT_ISR) {
		imr = &irq->port_imr;
		iir = &irq->port_iir;
		ier = &irq->port_ier;
	} else {
		imr = &irq->pipe_imr[idx];
		iir = &irq->pipe_iir[idx];
		ier = &irq->pipe_ier[idx];
	}
	switch (which) {
	case VGPU_IRQ_IMR:
		return imr;
	case VGPU_IRQ_IIR:
		return iir;
	case VGPU_IRQ_IER:
		return ier;
	default:
		return NULL;
	}
}

/* Instance 0 of the group register @r is at the group's ISR plus 4 * arg. */
static u32 vgpu_irq_group(const struct vgpu_reg *r)
{
	return r->base - r->arg * sizeof(u32);
}

u32 vgpu_irq_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r,
		      u32 idx, u32 off)
{
	u32 *f = vgpu_irq_field(vgpu, vgpu_irq_group(r), idx, r->arg);

	return f ? *f : 0;	/* ISR: every event is an edge */
}

void vgpu_irq_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			u32 idx, u32 off, u32 val)
{
	u32 *f = vgpu_irq_field(vgpu, vgpu_irq_group(r), idx, r->arg);

	if (r->arg == VGPU_IRQ_IIR)
		*f &= ~val;	/* write 1 to clear */
	else
		*f = val;
	/* Whether anybody listens to vblank decides if its timer runs. */
	if (r->flags & VGPU_REG_PIPE)
		vgpu_display_irq_changed(vgpu, idx);
	vgpu_irq_update(vgpu);
}

u32 vgpu_irq_master_reg_read(struct vgpu *vgpu, const struct vgpu_reg *r,
			     u32 idx, u32 off)
{
	return vgpu_irq_pending(&vgpu->irq) |
	       (vgpu->irq.master ? VGPU_MASTER_IRQ_ENABLE : 0);
}

void vgpu_irq_master_reg_write(struct vgpu *vgpu, const struct vgpu_reg *r,
			       u32 idx, u32 off, u32 val)
{
	vgpu->irq.master = val & VGPU_MASTER_IRQ_ENABLE;
	vgpu_irq_update(vgpu);
}

/**
 * vgpu_irq_raise_gt() - GT events happened
 * @vgpu: the vGPU
 * @bits: VGPU_GT_IRQ_USER()/VGPU_GT_IRQ_ERROR() bits
 *
 * Events whose IER bit is set latch in IIR.
 */
void vgpu_irq_raise_gt(struct vgpu *vgpu, u32 bits)
{
	vgpu->irq.gt_iir |= bits & vgpu->irq.gt_ier;
	vgpu_irq_update(vgpu);
}

/**
 * vgpu_irq_raise_pipe() - display events of pipe @pipe happened
 * @vgpu: the vGPU
 * @pipe: the pipe
 * @bits: VGPU_DE_PIPE_* bits
 *
 * Events whose IER bit is set latch in IIR.
 */
void vgpu_irq_raise_pipe(struct vgpu *vgpu, unsigned int pipe, u32 bits)
{
	vgpu->irq.pipe_iir[pipe] |= bits & vgpu->irq.pipe_ier[pipe];
	vgpu_irq_update(vgpu);
}

/**
 * vgpu_irq_raise_port() - display port events happened
 * @vgpu: the vGPU
 * @bits: VGPU_DE_PORT_* bits
 */
void vgpu_irq_raise_port(struct vgpu *vgpu, u32 bits)
{
	vgpu->irq.port_iir |= bits & vgpu->irq.port_ier;
	vgpu_irq_update(vgpu);
}

/**
 * vgpu_irq_pipe_wanted() - would the guest hear of these pipe events?
 * @vgpu: the vGPU
 * @pipe: the pipe
 * @bits: VGPU_DE_PIPE_* bits
 *
 * Return: the bits of @bits that are enabled and not masked.
 */
u32 vgpu_irq_pipe_wanted(const struct vgpu *vgpu, unsigned int pipe, u32 bits)
{
	return bits & vgpu->irq.pipe_ier[pipe] & ~vgpu->irq.pipe_imr[pipe];
}

static void vgpu_irq_put_trigger(struct vgpu *vgpu)
{
	if (vgpu->irq.trigger)
		eventfd_ctx_put(vgpu->irq.trigger);
	vgpu->irq.trigger = NULL;
	vgpu->irq.index = -1;
	vgpu->irq.intx_masked = false;
}

/* Replace *@slot by the eventfd @fd (or nothing for -1). */
static int vgpu_irq_swap_eventfd(struct eventfd_ctx **slot, s32 fd)
{
	struct eventfd_ctx *ctx = NULL;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != -1) {
		return -EINVAL;
	}
	if (*slot)
		eventfd_ctx_put(*slot);
	*slot = ctx;
	return 0;
}

/* ACTION_TRIGGER on INTx or MSI. */
static int vgpu_irq_set_trigger(struct vgpu *vgpu, struct vfio_irq_set *hdr,
				void *data)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	struct eventfd_ctx *ctx = vgpu->irq.index == (int)hdr->index ?
				  vgpu->irq.trigger : NULL;
	int ret;

	if (type == VFIO_IRQ_SET_DATA_NONE && !hdr->count) {
		if (vgpu->irq.index == (int)hdr->index)
			vgpu_irq_put_trigger(vgpu);
		return 0;
	}
	if (type == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (vgpu->irq.index != (int)hdr->index)
			vgpu_irq_put_trigger(vgpu);
		ctx = vgpu->irq.trigger;
		ret = vgpu_irq_swap_eventfd(&ctx, *(s32 *)data);
		if (ret)
			return ret;
		vgpu->irq.trigger = ctx;
		vgpu->irq.index = ctx ? hdr->index : -1;
		vgpu->irq.intx_masked = false;
		vgpu_irq_update(vgpu);
		return 0;
	}
	/* Loopback trigger (DATA_NONE with count 1, or DATA_BOOL true). */
	if (type == VFIO_IRQ_SET_DATA_BOOL && !*(u8 *)data)
		return 0;
	if (ctx)
		kcompat_eventfd_signal(ctx);
	return 0;
}

static int vgpu_irq_set_intx_mask(struct vgpu *vgpu, struct vfio_irq_set *hdr,
				  void *data, bool mask)
{
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	if (type == VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;
	if (type == VFIO_IRQ_SET_DATA_BOOL && !*(u8 *)data)
		return 0;
	vgpu->irq.intx_masked = mask;
	if (!mask)
		vgpu_irq_update(vgpu);
	return 0;
}

/**
 * vgpu_irq_set() - VFIO_DEVICE_SET_IRQS
 * @vgpu: the vGPU
 * @hdr: the validated header
 * @data: its payload (NULL for DATA_NONE)
 *
 * Return: 0 or -errno.
 */
int vgpu_irq_set(struct vgpu *vgpu, struct vfio_irq_set *hdr, void *data)
{
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	u32 type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;

	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_MASK)
			return vgpu_irq_set_intx_mask(vgpu, hdr, data, true);
		if (action == VFIO_IRQ_SET_ACTION_UNMASK)
			return vgpu_irq_set_intx_mask(vgpu, hdr, data, false);
		return vgpu_irq_set_trigger(vgpu, hdr, data);
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -EINVAL;
		return vgpu_irq_set_trigger(vgpu, hdr, data);
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -EINVAL;
		if (type == VFIO_IRQ_SET_DATA_NONE && !hdr->count)
			return vgpu_irq_swap_eventfd(&vgpu->irq.req_trigger,
						     -1);
		if (type == VFIO_IRQ_SET_DATA_EVENTFD)
			return vgpu_irq_swap_eventfd(&vgpu->irq.req_trigger,
						     *(s32 *)data);
		if (vgpu->irq.req_trigger &&
		    (type == VFIO_IRQ_SET_DATA_NONE || *(u8 *)data))
			kcompat_eventfd_signal(vgpu->irq.req_trigger);
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * vgpu_irq_release() - put every eventfd (close)
 * @vgpu: the vGPU
 */
void vgpu_irq_release(struct vgpu *vgpu)
{
	vgpu_irq_put_trigger(vgpu);
	vgpu_irq_swap_eventfd(&vgpu->irq.req_trigger, -1);
}

/**
 * vgpu_irq_request() - the host wants the device back (remove)
 * @vgpu: the vGPU
 * @count: how many times VFIO asked already
 */
void vgpu_irq_request(struct vgpu *vgpu, unsigned int count)
{
	if (vgpu->irq.req_trigger) {
		if (!(count % 10))
			dev_notice(mdev_dev(vgpu->mdev),
				   "asking userspace to release the device (%u)\n",
				   count);
		kcompat_eventfd_signal(vgpu->irq.req_trigger);
	} else if (count == 0) {
		dev_notice(mdev_dev(vgpu->mdev),
			   "no request eventfd; waiting for userspace to close the device\n");
	}
}

/**
 * vgpu_irq_freeze() - a migration stops or restarts the device
 * @vgpu: the vGPU (vgpu->lock held)
 * @frozen: stopped
 *
 * While the device is stopped nothing is signalled; at the restart an
 * edge that rose meanwhile (or a condition a destination loaded) is.
 */
void vgpu_irq_freeze(struct vgpu *vgpu, bool frozen)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu->mig.frozen = frozen;
	if (!frozen)
		vgpu_irq_update(vgpu);
}

/* The IRQ section: master, GT, per pipe, port, then the INTx mask. */
u32 vgpu_irq_mig_size(const struct vgpu *vgpu)
{
	return sizeof(u8) + 3 * sizeof(u32) * (2 + VGPU_MAX_PIPES) +
	       sizeof(u8);
}

static void vgpu_irq_put_group(struct vgpu_mig_writer *w, u32 imr, u32 ier,
			       u32 iir)
{
	vgpu_mig_put_u32(w, imr);
	vgpu_mig_put_u32(w, ier);
	vgpu_mig_put_u32(w, iir);
}

static void vgpu_irq_get_group(struct vgpu_mig_reader *r, u32 *imr, u32 *ier,
			       u32 *iir)
{
	*imr = vgpu_mig_get_u32(r);
	*ier = vgpu_mig_get_u32(r);
	*iir = vgpu_mig_get_u32(r);
}

/**
 * vgpu_irq_mig_save() - the IRQ section
 * @vgpu: the vGPU
 * @w: the stream
 *
 * The MSI address, data and enable are config space's (CONFIG section);
 * eventfds are the destination VMM's own.
 */
void vgpu_irq_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	struct vgpu_irq_state *irq = &vgpu->irq;
	unsigned int p;

	lockdep_assert_held(&vgpu->lock);
	vgpu_mig_put_u8(w, irq->master);
	vgpu_irq_put_group(w, irq->gt_imr, irq->gt_ier, irq->gt_iir);
	for (p = 0; p < VGPU_MAX_PIPES; p++)
		vgpu_irq_put_group(w, irq->pipe_imr[p], irq->pipe_ier[p],
				   irq->pipe_iir[p]);
	vgpu_irq_put_group(w, irq->port_imr, irq->port_ier, irq->port_iir);
	vgpu_mig_put_u8(w, irq->intx_masked);
}

/**
 * vgpu_irq_mig_load() - take the IRQ section
 * @vgpu: the vGPU
 * @r: the section, untrusted
 *
 * Every register value is one the device can hold: the flags 0 or 1,
 * the pipes the type lacks at their reset values. A pending condition
 * is signalled once when the device runs again: a duplicate MSI is
 * harmless where a lost one is not.
 *
 * Return: 0 or -EINVAL (nothing changed).
 */
int vgpu_irq_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	struct vgpu_irq_state in = {}, *irq = &vgpu->irq;
	u8 master, intx_masked;
	unsigned int p;

	lockdep_assert_held(&vgpu->lock);
	master = vgpu_mig_get_u8(r);
	vgpu_irq_get_group(r, &in.gt_imr, &in.gt_ier, &in.gt_iir);
	for (p = 0; p < VGPU_MAX_PIPES; p++)
		vgpu_irq_get_group(r, &in.pipe_imr[p], &in.pipe_ier[p],
				   &in.pipe_iir[p]);
	vgpu_irq_get_group(r, &in.port_imr, &in.port_ier, &in.port_iir);
	intx_masked = vgpu_mig_get_u8(r);
	if (!vgpu_mig_reader_done(r) || master > 1 || intx_masked > 1)
		return -EINVAL;
	/*
	 * The registers of a pipe the type lacks are not in BAR0: the guest
	 * can neither see nor clear them, so they keep their reset values.
	 * A pending bit there would be an interrupt nobody can acknowledge.
	 */
	for (p = vgpu_heads(vgpu); p < VGPU_MAX_PIPES; p++)
		if (in.pipe_imr[p] != ~0U || in.pipe_ier[p] || in.pipe_iir[p])
			return -EINVAL;

	irq->master = master;
	irq->gt_imr = in.gt_imr;
	irq->gt_ier = in.gt_ier;
	irq->gt_iir = in.gt_iir;
	memcpy(irq->pipe_imr, in.pipe_imr, sizeof(irq->pipe_imr));
	memcpy(irq->pipe_ier, in.pipe_ier, sizeof(irq->pipe_ier));
	memcpy(irq->pipe_iir, in.pipe_iir, sizeof(irq->pipe_iir));
	irq->port_imr = in.port_imr;
	irq->port_ier = in.port_ier;
	irq->port_iir = in.port_iir;
	irq->intx_masked = intx_masked;
	vgpu_irq_update(vgpu);
	return 0;
}
