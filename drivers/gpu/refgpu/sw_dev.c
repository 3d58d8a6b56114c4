// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPUs as devices: a PCI driver, "refgpu", bound to QEMU's
 * emulated "edu" function (1234:11e8). Each function it binds is one
 * GPU: probe checks the function's identification register, builds a
 * struct sw_gpu and registers it (refgpu_register()) under the name
 * refgpu.N (N the lowest free index). The parent driver later registers
 * as mdev parent of the PCI device, so the vGPU types appear under
 * /sys/bus/pci/devices/<BDF>/mdev_supported_types/ as they do for a real
 * GPU. docs/refgpu.md says why that function.
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "module.h"
#include "sw.h"

#define SW_DRIVER_NAME		"refgpu"
#define SW_MAX_DEVICES		8

/* QEMU's educational PCI device (hw/misc/edu.c); no other driver claims it. */
#define SW_PCI_VENDOR_QEMU	0x1234
#define SW_PCI_DEVICE_EDU	0x11e8
/* BAR0 register 0x00: the version in bits 31:8, 0xed in bits 7:0. */
#define SW_EDU_REG_ID		0x00
#define SW_EDU_ID_MAGIC		0xed
#define SW_EDU_ID_MAGIC_MASK	0xff

static const struct refgpu_ops sw_ops = {
	.range_reserve = sw_range_reserve,
	.range_release = sw_range_release,
	.pte_set_page = sw_pte_set_page,
	.pte_set_dma = sw_pte_set_dma,
	.pte_clear_range = sw_pte_clear,
	.pte_read = sw_pte_read,
	.ggtt_flush = sw_ggtt_flush,
	.context_create = sw_context_create,
	.context_destroy = sw_context_destroy,
	.context_set_ring = sw_context_set_ring,
	.context_set_watchdog = sw_context_set_watchdog,
	.submit = sw_submit,
	.preempt = sw_preempt,
	.context_kill = sw_context_kill,
	.context_status = sw_context_status,
	.engine_reset = sw_engine_reset,
	.engine_busy_ns = sw_engine_busy_ns,
};

/* The N of refgpu.N: stable while the function stays bound. */
static DEFINE_IDA(sw_gpu_ids);

/* Free what a client left behind (a bug, logged), then the engines. */
static void sw_gpu_teardown(struct sw_gpu *gpu)
{
	struct sw_context *ctx, *tmp;
	unsigned int e;

	list_for_each_entry_safe(ctx, tmp, &gpu->contexts, node) {
		dev_err(gpu->base.dev, "context on engine %u left behind\n",
			ctx->base.engine);
		sw_context_destroy(&ctx->base);
	}
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		sw_engine_fini(&gpu->engine[e]);
	sw_ggtt_fini(gpu);
}

/* Is BAR0 the edu function's register file? Prints its version. */
static int sw_check_function(struct pci_dev *pdev)
{
	void __iomem *regs;
	u32 id;

	regs = pci_iomap(pdev, 0, SW_EDU_REG_ID + sizeof(u32));
	if (!regs)
		return -ENOMEM;
	id = ioread32(regs + SW_EDU_REG_ID);
	pci_iounmap(pdev, regs);
	if ((id & SW_EDU_ID_MAGIC_MASK) != SW_EDU_ID_MAGIC) {
		dev_err(&pdev->dev, "unexpected identification 0x%08x\n", id);
		return -ENODEV;
	}
	dev_dbg(&pdev->dev, "function version %u.%u\n", id >> 24,
		(id >> 16) & 0xff);
	return 0;
}

static int sw_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct sw_gpu *gpu;
	unsigned int e;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = sw_check_function(pdev);
	if (ret)
		return ret;
	/* The engines reach memory by CPU address: any bus address works. */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	gpu = kzalloc(sizeof(*gpu), GFP_KERNEL);
	if (!gpu)
		return -ENOMEM;
	ret = ida_alloc_max(&sw_gpu_ids, SW_MAX_DEVICES - 1, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	gpu->index = ret;
	snprintf(gpu->name, sizeof(gpu->name), SW_DRIVER_NAME ".%u",
		 gpu->index);
	gpu->pdev = pdev;
	gpu->base.dev = &pdev->dev;
	gpu->base.ops = &sw_ops;
	gpu->base.name = gpu->name;
	gpu->base.gfx_size = VGPU_GFX_ADDR_SPACE_SIZE;
	gpu->base.engine_mask = VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER) |
				VGPU_ENGINE_MASK(VGPU_ENGINE_COPY);
	mutex_init(&gpu->lock);
	INIT_LIST_HEAD(&gpu->contexts);

	ret = sw_ggtt_init(gpu);
	if (ret)
		goto err_id;
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ret = sw_engine_init(gpu, &gpu->engine[e], e);
		if (ret)
			goto err_teardown;
	}
	pci_set_drvdata(pdev, gpu);
	ret = refgpu_register(&gpu->base);
	if (ret)
		goto err_teardown;
	sw_debugfs_init(gpu);
	dev_info(&pdev->dev,
		 "reference GPU %s: %llu MiB graphics address space, render and copy engines\n",
		 gpu->name, gpu->base.gfx_size >> 20);
	return 0;

err_teardown:
	sw_gpu_teardown(gpu);
err_id:
	ida_free(&sw_gpu_ids, gpu->index);
err_free:
	kfree(gpu);
	return ret;
}

static void sw_remove(struct pci_dev *pdev)
{
	struct sw_gpu *gpu = pci_get_drvdata(pdev);

	refgpu_unregister(&gpu->base);
	sw_gpu_teardown(gpu);
	ida_free(&sw_gpu_ids, gpu->index);
	kfree(gpu);
}

static const struct pci_device_id sw_pci_ids[] = {
	{ PCI_DEVICE(SW_PCI_VENDOR_QEMU, SW_PCI_DEVICE_EDU) },
	{ }
};
MODULE_DEVICE_TABLE(pci, sw_pci_ids);

static struct pci_driver sw_pci_driver = {
	.name = SW_DRIVER_NAME,
	.id_table = sw_pci_ids,
	.probe = sw_probe,
	.remove = sw_remove,
};

int sw_dev_init(void)
{
	return pci_register_driver(&sw_pci_driver);
}

void sw_dev_exit(void)
{
	pci_unregister_driver(&sw_pci_driver);
	ida_destroy(&sw_gpu_ids);
}
