// SPDX-License-Identifier: GPL-2.0
/*
 * render - shared pieces of the guest render tests (render.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"
#include "render.h"

static const char *engines_str(__u32 engines)
{
	switch (engines) {
	case 0:
		return "";
	case RENDER_ENGINE_BIT(DRM_VGPU_ENGINE_RENDER):
		return " with the render engine";
	case RENDER_ENGINE_BIT(DRM_VGPU_ENGINE_COPY):
		return " with the copy engine";
	default:
		return " with the render and copy engines";
	}
}

void render_open(struct vgpu_dev *dev, __u32 engines)
{
	int ret = vgpu_dev_open(dev, NULL, engines);

	igt_require_f(ret != -ENODEV, "no %s device%s\n", VGPU_DRIVER_NAME,
		      engines_str(engines));
	igt_assert_f(!ret, "opening the vGPU device: %s\n", strerror(-ret));
	igt_debug("device %s, engines %#x, %llu bytes of graphics memory\n",
		  dev->path, dev->engine_mask,
		  (unsigned long long)dev->gm_size);
}

void render_reopen(const struct vgpu_dev *dev, struct vgpu_dev *out)
{
	int ret = vgpu_dev_reopen(dev, out);

	igt_assert_f(!ret, "opening %s again: %s\n", dev->path, strerror(-ret));
}

void render_bo(int fd, __u64 size, struct vgpu_bo *bo)
{
	int ret = vgpu_bo_create(fd, size, bo);

	igt_assert_f(!ret, "GEM_CREATE/INFO of %llu bytes: %s\n",
		     (unsigned long long)size, strerror(-ret));
	ret = vgpu_bo_map(bo);
	igt_assert_f(!ret, "mmap of object %u: %s\n", bo->handle,
		     strerror(-ret));
}

void render_batch(int fd, __u32 size, struct vgpu_batch *b)
{
	int ret = vgpu_batch_init(b, fd, size);

	igt_assert_f(!ret, "a batch of %u bytes: %s\n", size, strerror(-ret));
}

int render_submit(struct vgpu_batch *b, __u32 engine, __u32 ctx,
		  int in_fence)
{
	struct vgpu_exec e;
	int ret;

	vgpu_exec_init(&e, engine);
	e.ctx_id = ctx;
	e.in_fence = in_fence;
	e.want_out_fence = true;
	ret = vgpu_batch_submit(b, &e);
	igt_assert_f(!ret, "SUBMIT on the %s engine: %s\n",
		     vgpu_engine_name(engine), strerror(-ret));
	igt_assert_lte(0, e.out_fence);
	return e.out_fence;
}

int render_fence_finish(int fence, int timeout_ms)
{
	int ret = vgpu_fence_wait(fence, timeout_ms);

	igt_assert_f(ret >= 0, "poll on a fence: %s\n", strerror(-ret));
	igt_assert_f(ret == 1, "a submission did not finish within %d ms\n",
		     timeout_ms);
	ret = vgpu_fence_status(fence);
	close(fence);
	return ret;
}

void render_run(struct vgpu_batch *b, __u32 engine)
{
	int status = render_fence_finish(render_submit(b, engine, 0, -1),
					 RENDER_FENCE_TIMEOUT_MS);

	igt_assert_f(status == 1, "a submission on the %s engine failed: %d (%s)\n",
		     vgpu_engine_name(engine), status,
		     status < 0 ? strerror(-status) : "pending");
}

void render_check_dwords(const void *p, __u64 n, __u32 value,
			 const char *what)
{
	const __u32 *d = p;
	__u64 i;

	for (i = 0; i < n; i++)
		igt_assert_f(d[i] == value, "%s: dword %llu is %#x, want %#x\n",
			     what, (unsigned long long)i, d[i], value);
}

void render_client(const struct vgpu_dev *dev, __u32 engines,
		   struct vgpu_dev *out)
{
	if ((dev->engine_mask & engines) == engines)
		render_reopen(dev, out);
	else
		render_open(out, engines);
}
