/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drm_prime - import dma-bufs into vgem, the kernel's virtual GEM driver,
 * the way a host GPU driver would import a vGPU's framebuffer: PRIME
 * import, for which the exporter maps its pages for DMA. (DRM refuses to
 * map imported objects for user space; map the dma-buf itself.)
 *
 * The few DRM uapi facts used (include/uapi/drm/drm.h, drm_mode.h) are
 * spelled out here, so the host tests need no DRM headers; the guest tests
 * (igt-tests/guest) use libdrm-dev's. Functions return a negative errno on
 * failure and never abort.
 */
#ifndef DRM_PRIME_H
#define DRM_PRIME_H

#include <linux/types.h>

/**
 * vgem_open() - open vgem's DRM device, loading the module if need be
 *
 * Return: a file descriptor, -ENOENT if there is no vgem, or -errno.
 */
int vgem_open(void);

/**
 * vgem_import() - PRIME-import a dma-buf
 * @vgem: vgem_open()'s descriptor
 * @dmabuf: the dma-buf
 * @handle: receives the GEM handle (the same one for the same dma-buf)
 *
 * Return: 0 or -errno.
 */
int vgem_import(int vgem, int dmabuf, __u32 *handle);

/**
 * vgem_close_handle() - drop a GEM handle
 * @vgem: vgem_open()'s descriptor
 * @handle: the handle
 *
 * Return: 0 or -errno.
 */
int vgem_close_handle(int vgem, __u32 handle);

#endif /* DRM_PRIME_H */
