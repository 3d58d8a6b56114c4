/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refgpu_client - a host program on the reference GPU's render node
 * (<drm/refgpu_drm.h>, docs/refgpu.md): find the node of a GPU the way
 * libdrm does (sysfs), and the calls every test and benchmark makes.
 *
 * GPU N is the N-th PCI function bound to the refgpu driver in PCI
 * address order, which is the order the driver names them refgpu.0,
 * refgpu.1, ... while every function is bound.
 *
 * Every function returns 0 (or a descriptor) on success and a negative
 * errno on failure; none aborts.
 */
#ifndef REFGPU_CLIENT_H
#define REFGPU_CLIENT_H

#include <stddef.h>
#include <linux/types.h>
#include <drm/refgpu_drm.h>

/* The refgpu PCI driver's directory and the name DRM_IOCTL_VERSION gives. */
#define REFGPU_PCI_DRIVER	"/sys/bus/pci/drivers/refgpu"
#define REFGPU_DRM_NAME		"refgpu"

/**
 * refgpu_function() - the PCI address of GPU @index
 * @index: 0, 1, ...
 * @bdf: receives "0000:00:10.0"
 * @len: its size
 *
 * Return: 0, -ENOENT when fewer GPUs are bound, or -errno.
 */
int refgpu_function(int index, char *bdf, size_t len);

/**
 * refgpu_render_node() - the render node of a PCI function's DRM device
 * @bdf: the function
 * @path: receives "/dev/dri/renderD128"
 * @len: its size
 *
 * Return: 0, -ENOENT when the function has no render node, or -errno.
 */
int refgpu_render_node(const char *bdf, char *path, size_t len);

/**
 * refgpu_open() - open GPU @index's render node
 * @index: 0, 1, ...
 *
 * Return: a descriptor (O_RDWR | O_CLOEXEC) or -errno.
 */
int refgpu_open(int index);

/* ioctl() on a render node: 0 or -errno. */
int refgpu_ioctl(int fd, unsigned long cmd, void *arg);

int refgpu_bo_alloc(int fd, __u64 size, __u64 *gfx_addr);
int refgpu_bo_free(int fd, __u64 gfx_addr);
int refgpu_bo_write(int fd, __u64 gfx_addr, const void *buf, __u64 size);
int refgpu_bo_read(int fd, __u64 gfx_addr, void *buf, __u64 size);

#endif /* REFGPU_CLIENT_H */
