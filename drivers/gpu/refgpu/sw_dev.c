// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPUs as devices: platform devices refgpu.0 .. refgpu.N-1
 * (/sys/devices/platform/refgpu.N), bound to the "refgpu" platform driver,
 * whose probe builds a struct sw_gpu and registers it with the registry.
 * The parent driver later registers as mdev parent of these devices.
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "module.h"
#include "sw.h"

#define SW_DRIVER_NAME		"refgpu"
#define SW_MAX_DEVICES		8

static const struct refgpu_ops sw_ops = {
	.range_reserve = sw_range_reserve,
	.range_release = sw_range_release,
	.pte_set_page = sw_pte_set_page,
	.pte_set_dma = sw_pte_set_dma,
	.pte_clear = sw_pte_clear,
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

static struct platform_device *sw_devices[SW_MAX_DEVICES];
static unsigned int sw_nr_devices;

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

static int sw_probe(struct platform_device *pdev)
{
	struct sw_gpu *gpu;
	unsigned int e;
	int ret;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	gpu = kzalloc(sizeof(*gpu), GFP_KERNEL);
	if (!gpu)
		return -ENOMEM;
	gpu->pdev = pdev;
	gpu->base.dev = &pdev->dev;
	gpu->base.ops = &sw_ops;
	gpu->base.name = dev_name(&pdev->dev);
	gpu->base.gfx_size = VGPU_GFX_ADDR_SPACE_SIZE;
	gpu->base.engine_mask = VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER) |
				VGPU_ENGINE_MASK(VGPU_ENGINE_COPY);
	mutex_init(&gpu->lock);
	INIT_LIST_HEAD(&gpu->contexts);

	ret = sw_ggtt_init(gpu);
	if (ret)
		goto err_free;
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ret = sw_engine_init(gpu, &gpu->engine[e], e);
		if (ret)
			goto err_teardown;
	}
	platform_set_drvdata(pdev, gpu);
	ret = refgpu_register(&gpu->base);
	if (ret)
		goto err_teardown;
	sw_debugfs_init(gpu);
	dev_info(&pdev->dev,
		 "reference GPU: %llu MiB graphics address space, render and copy engines\n",
		 gpu->base.gfx_size >> 20);
	return 0;

err_teardown:
	sw_gpu_teardown(gpu);
err_free:
	kfree(gpu);
	return ret;
}

static int sw_remove(struct platform_device *pdev)
{
	struct sw_gpu *gpu = platform_get_drvdata(pdev);

	refgpu_unregister(&gpu->base);
	sw_gpu_teardown(gpu);
	kfree(gpu);
	return 0;
}

static struct platform_driver sw_platform_driver = {
	.probe = sw_probe,
	.remove = sw_remove,
	.driver = {
		.name = SW_DRIVER_NAME,
	},
};

int sw_dev_init(unsigned int count)
{
	struct platform_device *pdev;
	int ret;

	if (count > SW_MAX_DEVICES)
		return -EINVAL;
	ret = platform_driver_register(&sw_platform_driver);
	if (ret)
		return ret;
	for (sw_nr_devices = 0; sw_nr_devices < count; sw_nr_devices++) {
		pdev = platform_device_register_simple(SW_DRIVER_NAME,
						       sw_nr_devices, NULL, 0);
		if (IS_ERR(pdev)) {
			sw_dev_exit();
			return PTR_ERR(pdev);
		}
		sw_devices[sw_nr_devices] = pdev;
	}
	return 0;
}

void sw_dev_exit(void)
{
	while (sw_nr_devices)
		platform_device_unregister(sw_devices[--sw_nr_devices]);
	platform_driver_unregister(&sw_platform_driver);
}
