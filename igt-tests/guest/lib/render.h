/* SPDX-License-Identifier: GPL-2.0 */
/*
 * render - what the guest render tests (vgpu_gem, vgpu_gem_exec) share on
 * top of the guest userspace library (tools/vgpu-guest/vgpu_guest.h): open
 * a vgpu_drm device or skip, and create, fill, submit and check with
 * assertions instead of error returns.
 */
#ifndef GUEST_RENDER_H
#define GUEST_RENDER_H

#include <stdbool.h>
#include <linux/types.h>

#include "vgpu_guest.h"

/* Every wait of the render tests is bounded (TCG-in-TCG is slow). */
#define RENDER_FENCE_TIMEOUT_MS	60000
/* The host's watchdog kills a hang after ~500 ms of engine time. */
#define RENDER_HANG_TIMEOUT_MS	120000

#define RENDER_ENGINE_BIT(e)	(1u << (e))

/*
 * render_open() - open a vgpu_drm device whose engines include @engines,
 * or skip the subtest (or the fixture) saying why.
 */
void render_open(struct vgpu_dev *dev, __u32 engines);
/* Another file of the device the fixture opened: a client of its own. */
void render_reopen(const struct vgpu_dev *dev, struct vgpu_dev *out);
/*
 * A client of a device with @engines: the fixture's device when it has
 * them, else the first that has (render_open()), else skip.
 */
void render_client(const struct vgpu_dev *dev, __u32 engines,
		   struct vgpu_dev *out);

/* A new, mapped object of @size bytes. */
void render_bo(int fd, __u64 size, struct vgpu_bo *bo);
/* A new batch of @size bytes. */
void render_batch(int fd, __u32 size, struct vgpu_batch *b);

/*
 * Submit @b on @engine for context @ctx with an out-fence, waiting for
 * @in_fence first when >= 0. Returns the out-fence.
 */
int render_submit(struct vgpu_batch *b, __u32 engine, __u32 ctx,
		  int in_fence);
/* Wait for @fence (bounded) and return its status; closes it. */
int render_fence_finish(int fence, int timeout_ms);
/* Submit, wait, and assert that the submission succeeded. */
void render_run(struct vgpu_batch *b, __u32 engine);

/* Assert @n dwords at @p all equal @value. */
void render_check_dwords(const void *p, __u64 n, __u32 value,
			 const char *what);

#endif /* GUEST_RENDER_H */
