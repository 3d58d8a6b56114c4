// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts: one MSI vector (INTx when MSI is unavailable) and the
 * Gen8-shaped master/IIR/IMR/IER groups of <linux/vgpu_if.h>. The handler
 * runs in hard interrupt context: vblank and CRC are delivered from here,
 * hotplug goes to a work item (it probes the connectors, which sleeps), and
 * so do engine events (retiring a job drops object references).
 */
#include <linux/interrupt.h>
#include <linux/pci.h>

#include <drm/drm_vblank.h>

#include "vgpu_drm_compat.h"
#include "vgpu_drm_drv.h"

/* Pipe events the driver always wants; vblank and CRC come and go. */
#define VGPU_DRM_PIPE_EVENTS_ALWAYS	VGPU_DE_PIPE_PLANE_FAULT

static u32 vgpu_drm_hotplug_mask(struct vgpu_drm_device *vdev)
{
	u32 mask = 0;
	unsigned int h;

	for (h = 0; h < vdev->pv.num_heads; h++)
		mask |= VGPU_DE_PORT_HOTPLUG(h);
	return mask;
}

/**
 * vgpu_drm_irq_pipe_enable() - deliver (or stop) events of a pipe
 * @vdev: the device, present (callers hold drm_dev_enter() or probe/remove)
 * @pipe: the pipe
 * @events: VGPU_DE_PIPE_* bits
 * @enable: unmask and enable, or mask, disable and drop pending ones
 *
 * An enabled, unmasked vblank is also what keeps the host's vblank timer
 * running, so vblank is enabled only while somebody wants it.
 */
void vgpu_drm_irq_pipe_enable(struct vgpu_drm_device *vdev, unsigned int pipe,
			      u32 events, bool enable)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->irq_lock, flags);
	if (enable) {
		vdev->pipe_ier[pipe] |= events;
		vdev->pipe_imr[pipe] &= ~events;
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IER(pipe),
			       vdev->pipe_ier[pipe]);
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IMR(pipe),
			       vdev->pipe_imr[pipe]);
	} else {
		vdev->pipe_imr[pipe] |= events;
		vdev->pipe_ier[pipe] &= ~events;
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IMR(pipe),
			       vdev->pipe_imr[pipe]);
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IER(pipe),
			       vdev->pipe_ier[pipe]);
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IIR(pipe), events);
	}
	spin_unlock_irqrestore(&vdev->irq_lock, flags);
}

static void vgpu_drm_irq_pipe(struct vgpu_drm_device *vdev,
			      struct vgpu_drm_head *head, u32 iir)
{
	if (iir & VGPU_DE_PIPE_VBLANK)
		drm_crtc_handle_vblank(&head->crtc);
	if (iir & VGPU_DE_PIPE_CRC_DONE)
		vgpu_drm_crtc_handle_crc(vdev, head);
	if (iir & VGPU_DE_PIPE_PLANE_FAULT)
		vgpu_drm_plane_handle_fault(vdev, head);
}

static void vgpu_drm_irq_port(struct vgpu_drm_device *vdev, u32 iir)
{
	unsigned int h;

	for (h = 0; h < vdev->pv.num_heads; h++)
		if (iir & VGPU_DE_PORT_HOTPLUG(h))
			atomic_inc(&vdev->heads[h].hotplugs);
	if (iir & vgpu_drm_hotplug_mask(vdev))
		schedule_work(&vdev->hotplug_work);
}

/* User and error interrupts of the present engines. */
static u32 vgpu_drm_gt_mask(struct vgpu_drm_device *vdev)
{
	u32 mask = 0;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if (vdev->engines[e].present)
			mask |= VGPU_GT_IRQ_USER(e) | VGPU_GT_IRQ_ERROR(e);
	return mask;
}

static void vgpu_drm_irq_gt(struct vgpu_drm_device *vdev, u32 iir)
{
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if (vdev->engines[e].present &&
		    iir & (VGPU_GT_IRQ_USER(e) | VGPU_GT_IRQ_ERROR(e)))
			vgpu_drm_engine_irq(&vdev->engines[e]);
}

static irqreturn_t vgpu_drm_irq_handler(int irq, void *arg)
{
	struct vgpu_drm_device *vdev = arg;
	u32 master, iir;
	unsigned int p;

	master = vgpu_drm_read(vdev, VGPU_REG_MASTER_IRQ);
	if (!(master & ~VGPU_MASTER_IRQ_ENABLE))
		return IRQ_NONE;

	/*
	 * Gate delivery while the groups are acknowledged; setting the enable
	 * bit again with an event still pending sends a new message, so no
	 * event that arrives meanwhile is lost.
	 */
	vgpu_drm_write(vdev, VGPU_REG_MASTER_IRQ, 0);
	for (p = 0; p < vdev->pv.num_heads; p++) {
		if (!(master & VGPU_MASTER_IRQ_PIPE(p)))
			continue;
		iir = vgpu_drm_read(vdev, VGPU_REG_DE_PIPE_IIR(p));
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IIR(p), iir);
		vgpu_drm_irq_pipe(vdev, &vdev->heads[p], iir);
	}
	if (master & VGPU_MASTER_IRQ_DE_PORT) {
		iir = vgpu_drm_read(vdev, VGPU_REG_DE_PORT_IIR);
		vgpu_drm_write(vdev, VGPU_REG_DE_PORT_IIR, iir);
		vgpu_drm_irq_port(vdev, iir);
	}
	if (master & (VGPU_MASTER_IRQ_RENDER | VGPU_MASTER_IRQ_COPY)) {
		iir = vgpu_drm_read(vdev, VGPU_REG_GT_IIR(0));
		vgpu_drm_write(vdev, VGPU_REG_GT_IIR(0), iir);
		vgpu_drm_irq_gt(vdev, iir);
	}
	vgpu_drm_write(vdev, VGPU_REG_MASTER_IRQ, VGPU_MASTER_IRQ_ENABLE);
	return IRQ_HANDLED;
}

/* Every group masked, disabled and acknowledged. */
static void vgpu_drm_irq_quiesce(struct vgpu_drm_device *vdev)
{
	unsigned long flags;
	unsigned int p;

	spin_lock_irqsave(&vdev->irq_lock, flags);
	vgpu_drm_write(vdev, VGPU_REG_MASTER_IRQ, 0);
	vgpu_drm_write(vdev, VGPU_REG_GT_IMR(0), ~0U);
	vgpu_drm_write(vdev, VGPU_REG_GT_IER(0), 0);
	vgpu_drm_write(vdev, VGPU_REG_GT_IIR(0), ~0U);
	for (p = 0; p < vdev->pv.num_heads; p++) {
		vdev->pipe_imr[p] = ~0U;
		vdev->pipe_ier[p] = 0;
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IMR(p), ~0U);
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IER(p), 0);
		vgpu_drm_write(vdev, VGPU_REG_DE_PIPE_IIR(p), ~0U);
	}
	vgpu_drm_write(vdev, VGPU_REG_DE_PORT_IMR, ~0U);
	vgpu_drm_write(vdev, VGPU_REG_DE_PORT_IER, 0);
	vgpu_drm_write(vdev, VGPU_REG_DE_PORT_IIR, ~0U);
	spin_unlock_irqrestore(&vdev->irq_lock, flags);
}

/**
 * vgpu_drm_irq_init() - request the interrupt and enable the base events
 * @vdev: the device
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_irq_init(struct vgpu_drm_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u32 hotplug = vgpu_drm_hotplug_mask(vdev);
	u32 gt = vgpu_drm_gt_mask(vdev);
	unsigned int p;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	vgpu_drm_irq_quiesce(vdev);
	ret = request_irq(pci_irq_vector(pdev, 0), vgpu_drm_irq_handler,
			  IRQF_SHARED, VGPU_DRM_NAME, vdev);
	if (ret) {
		pci_free_irq_vectors(pdev);
		return ret;
	}
	vdev->irq = pci_irq_vector(pdev, 0);

	for (p = 0; p < vdev->pv.num_heads; p++)
		vgpu_drm_irq_pipe_enable(vdev, p, VGPU_DRM_PIPE_EVENTS_ALWAYS,
					 true);
	vgpu_drm_write(vdev, VGPU_REG_DE_PORT_IER, hotplug);
	vgpu_drm_write(vdev, VGPU_REG_DE_PORT_IMR, ~hotplug);
	vgpu_drm_write(vdev, VGPU_REG_GT_IER(0), gt);
	vgpu_drm_write(vdev, VGPU_REG_GT_IMR(0), ~gt);
	vgpu_drm_write(vdev, VGPU_REG_MASTER_IRQ, VGPU_MASTER_IRQ_ENABLE);
	return 0;
}

/**
 * vgpu_drm_irq_fini() - stop every event and free the interrupt
 * @vdev: the device, still present
 *
 * No hotplug work runs after this.
 */
void vgpu_drm_irq_fini(struct vgpu_drm_device *vdev)
{
	if (vdev->irq < 0)
		return;
	vgpu_drm_irq_quiesce(vdev);
	free_irq(vdev->irq, vdev);
	vdev->irq = -1;
	pci_free_irq_vectors(vdev->pdev);
	cancel_work_sync(&vdev->hotplug_work);
}
