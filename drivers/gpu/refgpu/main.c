// SPDX-License-Identifier: GPL-2.0
/*
 * refgpu.ko: the reference GPU. Starts the registry, the native submission
 * path (a client driver) and the software GPU devices, in that order, and
 * stops them in reverse.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "module.h"
#include "sw.h"

static unsigned int count = 1;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "Number of software reference GPUs (0-8, default 1)");

unsigned int refgpu_hang_timeout_ms = 2000;
module_param_named(hang_timeout_ms, refgpu_hang_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hang_timeout_ms,
		 "Default watchdog budget of new contexts in ms (default 2000)");

static int __init refgpu_init(void)
{
	int ret;

	ret = refgpu_core_init();
	if (ret)
		return ret;
	ret = refgpu_native_init();
	if (ret)
		goto err_core;
	ret = sw_dev_init(count);
	if (ret)
		goto err_native;
	return 0;

err_native:
	refgpu_native_exit();
err_core:
	refgpu_core_exit();
	return ret;
}
module_init(refgpu_init);

static void __exit refgpu_exit(void)
{
	sw_dev_exit();
	refgpu_native_exit();
	refgpu_core_exit();
}
module_exit(refgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Reference GPU: a software GPU behind the vGPU hardware interface");
