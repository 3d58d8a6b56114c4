/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pieces of refgpu.ko and how main.c starts and stops them: the
 * GPUs' auxiliary devices for their clients (core.c), the software GPUs' PCI
 * driver (sw_dev.c) and the native path (native_drv.c: a DRM render node
 * per GPU; native.c: its clients).
 */
#ifndef _REFGPU_MODULE_H
#define _REFGPU_MODULE_H

#include <linux/atomic.h>

struct dentry;

/* core.c */
int refgpu_core_init(void);
void refgpu_core_exit(void);
struct dentry *refgpu_debugfs_root(void);

/* bo.c: pages held by every struct refgpu_bo, for leak checks */
extern atomic64_t refgpu_bo_pages;

/* sw_dev.c */
int sw_dev_init(void);
void sw_dev_exit(void);

/* native_drv.c */
int refgpu_native_init(void);
void refgpu_native_exit(void);

#endif /* _REFGPU_MODULE_H */
