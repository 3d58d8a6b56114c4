// SPDX-License-Identifier: GPL-2.0
/*
 * refgpu.ko: the reference GPU. Starts the GPU core, the native submission
 * path (a client driver) and the software GPUs' PCI driver, in that order,
 * and stops them in reverse. There are as many GPUs as PCI functions the
 * driver binds.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "module.h"
#include "sw.h"

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
	ret = sw_dev_init();
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
