// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_gem - the buffer-object, context and parameter half of vgpu_drm's
 * render uAPI (<drm/vgpu_drm.h>): parameters, object creation, graphics
 * addresses, CPU mappings, idle waits, contexts, and the refusal of every
 * malformed argument, including those of SUBMIT, each followed by a
 * request that works. Skips on devices that are not vgpu_drm.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "render.h"

#define PAGE		4096ull

static struct vgpu_dev device;

static void setup(void *data)
{
	render_open(data, 0);
}

static void teardown(void *data)
{
	vgpu_dev_close(data);
}

static void subtest_getparam(void *data)
{
	struct vgpu_dev d;
	__u64 v;

	render_reopen(data, &d);
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_ENGINE_MASK, &v));
	igt_assert_neq(v, 0);
	igt_assert_eq_u64(v & ~3ull, 0);
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_NUM_HEADS, &v));
	igt_assert_lte(v, VGPU_MAX_PIPES);
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_GM_SIZE, &v));
	igt_assert_lte(PAGE, v);
	igt_assert_eq_u64(v % PAGE, 0);
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_VGPU_ID, &v));
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_MAX_BOS, &v));
	igt_assert_lte(1, v);
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_TIMESTAMP_HZ, &v));
	igt_assert_eq_u64(v, VGPU_TIMESTAMP_HZ);
	vgpu_dev_close(&d);
}

static void subtest_getparam_invalid(void *data)
{
	static const __u32 bad[] = { 0, DRM_VGPU_PARAM_TIMESTAMP_HZ + 1,
				     0x80000000u, ~0u };
	struct drm_vgpu_getparam p = { .param = DRM_VGPU_PARAM_GM_SIZE,
				       .pad = 1 };
	struct vgpu_dev d;
	unsigned int i;
	__u64 v;

	render_reopen(data, &d);
	for (i = 0; i < IGT_ARRAY_SIZE(bad); i++)
		igt_assert_eq(vgpu_getparam(d.fd, bad[i], &v), -EINVAL);
	igt_assert_eq(vgpu_ioctl(d.fd, DRM_IOCTL_VGPU_GETPARAM, &p), -EINVAL);
	igt_assert_ok(vgpu_getparam(d.fd, DRM_VGPU_PARAM_GM_SIZE, &v));
	vgpu_dev_close(&d);
}

static void subtest_create_info(void *data)
{
	static const __u64 sizes[] = { 1, PAGE - 1, PAGE, PAGE + 1, 1 << 20 };
	struct vgpu_bo bo[IGT_ARRAY_SIZE(sizes)];
	struct drm_vgpu_gem_info again;
	struct vgpu_dev d;
	unsigned int i, j;

	render_reopen(data, &d);
	for (i = 0; i < IGT_ARRAY_SIZE(sizes); i++) {
		igt_assert_ok(vgpu_bo_create(d.fd, sizes[i], &bo[i]));
		igt_assert_eq_u64(bo[i].size,
				  (sizes[i] + PAGE - 1) & ~(PAGE - 1));
		igt_assert_eq_u64(bo[i].gfx_addr % PAGE, 0);
		igt_assert_lte(bo[i].gfx_addr + bo[i].size, 1ull << 32);
		igt_assert_neq(bo[i].mmap_offset, 0);
		igt_assert_eq_u64(bo[i].mmap_offset % PAGE, 0);
		/* The address is the object's for its lifetime. */
		igt_assert_ok(vgpu_gem_info(d.fd, bo[i].handle, &again));
		igt_assert_eq_u64(again.gfx_addr, bo[i].gfx_addr);
		igt_assert_eq_u64(again.size, bo[i].size);
		igt_assert_eq_u64(again.mmap_offset, bo[i].mmap_offset);
	}
	/* No two objects share graphics memory. */
	for (i = 0; i < IGT_ARRAY_SIZE(sizes); i++)
		for (j = i + 1; j < IGT_ARRAY_SIZE(sizes); j++)
			igt_assert_f(bo[i].gfx_addr + bo[i].size <= bo[j].gfx_addr ||
				     bo[j].gfx_addr + bo[j].size <= bo[i].gfx_addr,
				     "objects %u and %u overlap: %#llx+%#llx, %#llx+%#llx\n",
				     i, j, (unsigned long long)bo[i].gfx_addr,
				     (unsigned long long)bo[i].size,
				     (unsigned long long)bo[j].gfx_addr,
				     (unsigned long long)bo[j].size);
	for (i = 0; i < IGT_ARRAY_SIZE(sizes); i++)
		vgpu_bo_free(&bo[i]);
	vgpu_dev_close(&d);
}

static void subtest_create_invalid(void *data)
{
	struct vgpu_dev d;
	__u32 h;

	render_reopen(data, &d);
	igt_assert_eq(vgpu_gem_create(d.fd, 0, 0, &h), -EINVAL);
	igt_assert_eq(vgpu_gem_create(d.fd, d.gm_size + 1, 0, &h), -EINVAL);
	igt_assert_eq(vgpu_gem_create(d.fd, d.gm_size + PAGE, 0, &h),
		      -EINVAL);
	igt_assert_eq(vgpu_gem_create(d.fd, ~0ull, 0, &h), -EINVAL);
	igt_assert_eq(vgpu_gem_create(d.fd, ~0ull - PAGE + 2, 0, &h),
		      -EINVAL);
	igt_assert_eq(vgpu_gem_create(d.fd, PAGE, 1, &h), -EINVAL);
	igt_assert_eq(vgpu_gem_create(d.fd, PAGE, 0x80000000u, &h), -EINVAL);
	/* A valid request still works. */
	igt_assert_ok(vgpu_gem_create(d.fd, PAGE, 0, &h));
	igt_assert_ok(vgpu_gem_close(d.fd, h));
	vgpu_dev_close(&d);
}

static void subtest_create_zeroed(void *data)
{
	const __u64 size = 256 << 10;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	unsigned int i;

	render_reopen(data, &d);
	for (i = 0; i < 4; i++) {
		render_bo(d.fd, size, &bo);
		render_check_dwords(bo.map, size / 4, 0, "a new object");
		memset(bo.map, 0xa5, size);
		vgpu_bo_free(&bo);
	}
	vgpu_dev_close(&d);
}

static void subtest_mmap(void *data)
{
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 *second;
	void *p;

	render_reopen(data, &d);
	render_bo(d.fd, 2 * PAGE, &bo);
	second = mmap(NULL, bo.size, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd,
		      bo.mmap_offset);
	igt_assert(second != MAP_FAILED);
	((__u32 *)bo.map)[1024] = 0x1234abcd;
	igt_assert_eq_u32(second[1024], 0x1234abcd);
	second[7] = 0x600d;
	igt_assert_eq_u32(((__u32 *)bo.map)[7], 0x600d);
	munmap(second, bo.size);
	/* More than the object, or at an offset that names nothing: no. */
	p = mmap(NULL, bo.size + PAGE, PROT_READ, MAP_SHARED, d.fd,
		 bo.mmap_offset);
	igt_assert(p == MAP_FAILED);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, d.fd,
		 bo.mmap_offset + (1ull << 40));
	igt_assert(p == MAP_FAILED);
	/* A mapping outlives its handle. */
	p = bo.map;
	bo.map = NULL;
	vgpu_bo_free(&bo);
	igt_assert_eq_u32(((__u32 *)p)[1024], 0x1234abcd);
	munmap(p, 2 * PAGE);
	vgpu_dev_close(&d);
}

static void subtest_info_invalid(void *data)
{
	struct drm_vgpu_gem_info info;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 h;

	render_reopen(data, &d);
	igt_assert_eq(vgpu_gem_info(d.fd, 0, &info), -ENOENT);
	igt_assert_eq(vgpu_gem_info(d.fd, 0xdead, &info), -ENOENT);
	igt_assert_ok(vgpu_gem_create(d.fd, PAGE, 0, &h));
	memset(&info, 0, sizeof(info));
	info.handle = h;
	info.pad = 1;
	igt_assert_eq(vgpu_ioctl(d.fd, DRM_IOCTL_VGPU_GEM_INFO, &info),
		      -EINVAL);
	igt_assert_ok(vgpu_gem_close(d.fd, h));
	igt_assert_eq(vgpu_gem_info(d.fd, h, &info), -ENOENT);
	/* Handles are per file. */
	render_bo(d.fd, PAGE, &bo);
	{
		struct vgpu_dev other;

		igt_assert_ok(vgpu_dev_reopen(&d, &other));
		igt_assert_eq(vgpu_gem_info(other.fd, bo.handle, &info),
			      -ENOENT);
		vgpu_dev_close(&other);
	}
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static void subtest_wait_idle(void *data)
{
	struct drm_vgpu_gem_wait w;
	struct vgpu_dev d;
	struct vgpu_bo bo;

	render_reopen(data, &d);
	render_bo(d.fd, PAGE, &bo);
	igt_assert_ok(vgpu_gem_wait(d.fd, bo.handle, 0));
	igt_assert_ok(vgpu_gem_wait(d.fd, bo.handle, 1000000000ll));
	igt_assert_eq(vgpu_gem_wait(d.fd, 0xdead, 0), -ENOENT);
	igt_assert_eq(vgpu_gem_wait(d.fd, bo.handle, -1), -EINVAL);
	w = (struct drm_vgpu_gem_wait){ .handle = bo.handle, .flags = 1 };
	igt_assert_eq(vgpu_ioctl(d.fd, DRM_IOCTL_VGPU_GEM_WAIT, &w), -EINVAL);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static void subtest_ctx(void *data)
{
	struct drm_vgpu_ctx_create cc = { .flags = 1 };
	struct drm_vgpu_ctx_destroy cd;
	struct drm_vgpu_ctx_query q;
	struct vgpu_dev d, other;
	__u32 ctx[3];
	unsigned int i;

	render_reopen(data, &d);
	/* Context 0 is there from the open, with nothing counted. */
	igt_assert_ok(vgpu_ctx_query(d.fd, 0, &q));
	igt_assert_eq_u64(q.submitted, 0);
	igt_assert_eq_u64(q.failed, 0);
	for (i = 0; i < 3; i++) {
		igt_assert_ok(vgpu_ctx_create(d.fd, &ctx[i]));
		igt_assert_neq(ctx[i], 0);
		igt_assert(!i || ctx[i] != ctx[i - 1]);
		igt_assert_ok(vgpu_ctx_query(d.fd, ctx[i], &q));
		igt_assert_eq_u64(q.submitted + q.completed + q.failed, 0);
		igt_assert_eq_u32(q.last_error, 0);
	}
	/* Contexts are per file. */
	igt_assert_ok(vgpu_dev_reopen(&d, &other));
	igt_assert_eq(vgpu_ctx_query(other.fd, ctx[2], &q), -ENOENT);
	igt_assert_eq(vgpu_ctx_destroy(other.fd, ctx[2]), -ENOENT);
	vgpu_dev_close(&other);

	igt_assert_ok(vgpu_ctx_destroy(d.fd, ctx[1]));
	igt_assert_eq(vgpu_ctx_query(d.fd, ctx[1], &q), -ENOENT);
	igt_assert_eq(vgpu_ctx_destroy(d.fd, ctx[1]), -ENOENT);
	igt_assert_eq(vgpu_ctx_destroy(d.fd, 0), -EINVAL);
	igt_assert_eq(vgpu_ctx_destroy(d.fd, 0xdead), -ENOENT);
	igt_assert_eq(vgpu_ioctl(d.fd, DRM_IOCTL_VGPU_CTX_CREATE, &cc),
		      -EINVAL);
	cd = (struct drm_vgpu_ctx_destroy){ .ctx_id = ctx[0], .pad = 1 };
	igt_assert_eq(vgpu_ioctl(d.fd, DRM_IOCTL_VGPU_CTX_DESTROY, &cd),
		      -EINVAL);
	memset(&q, 0, sizeof(q));
	q.pad = 1;
	igt_assert_eq(vgpu_ioctl(d.fd, DRM_IOCTL_VGPU_CTX_QUERY, &q), -EINVAL);
	igt_assert_ok(vgpu_ctx_query(d.fd, ctx[0], &q));
	igt_assert_ok(vgpu_ctx_destroy(d.fd, ctx[0]));
	/* ctx[2] goes with the file. */
	vgpu_dev_close(&d);
}

/*
 * A valid submission on @engine: a store into @target. Each test below
 * breaks one field of a copy of it.
 */
static struct drm_vgpu_submit valid_submit(struct vgpu_batch *b,
					   struct vgpu_bo *target,
					   __u32 engine)
{
	struct drm_vgpu_submit s = { 0 };

	vgpu_batch_reset(b, 0);
	vgpu_batch_use(b, target);
	igt_assert_ok(vgpu_cmd_store_dword(&b->cmd, target->gfx_addr, 0x5eed));
	igt_assert_ok(vgpu_cmd_end(&b->cmd));
	s.bo_handles = (__u64)(unsigned long)b->handles;
	s.bo_count = b->nr_handles;
	s.engine = engine;
	s.batch_handle = b->bo.handle;
	s.fence_fd = -1;
	return s;
}

static void subtest_submit_invalid(void *data)
{
	struct drm_vgpu_submit good, s;
	struct drm_vgpu_ctx_query q;
	struct vgpu_batch b;
	struct vgpu_bo target;
	struct vgpu_dev d;
	__u32 many[2] = { 0, 0xdead };
	__u32 engine;
	int sub;

	render_reopen(data, &d);
	engine = vgpu_has_engine(&d, DRM_VGPU_ENGINE_RENDER) ?
		 DRM_VGPU_ENGINE_RENDER : DRM_VGPU_ENGINE_COPY;
	render_bo(d.fd, PAGE, &target);
	render_batch(d.fd, PAGE, &b);
	good = valid_submit(&b, &target, engine);
	many[0] = target.handle;

#define REFUSED(field, value, err) do {					\
	s = good;							\
	s.field = (value);						\
	igt_assert_eq(vgpu_submit(d.fd, &s), (err));			\
} while (0)
	REFUSED(batch_handle, 0, -ENOENT);
	REFUSED(batch_handle, 0xdead, -ENOENT);
	s = good;
	s.bo_handles = (__u64)(unsigned long)many;
	s.bo_count = 2;
	igt_assert_eq(vgpu_submit(d.fd, &s), -ENOENT);
	REFUSED(bo_handles, 8, -EFAULT);
	REFUSED(bo_count, d.max_bos + 1, -EINVAL);
	REFUSED(bo_count, ~0u, -EINVAL);
	REFUSED(engine, DRM_VGPU_ENGINE_COUNT, -EINVAL);
	REFUSED(engine, ~0u, -EINVAL);
	REFUSED(ctx_id, 0xdead, -ENOENT);
	REFUSED(flags, DRM_VGPU_SUBMIT_FLAGS + 1, -EINVAL);
	REFUSED(flags, 0x80000000u, -EINVAL);
	REFUSED(pad, 1, -EINVAL);
	REFUSED(batch_offset, 2, -EINVAL);
	REFUSED(batch_offset, b.bo.size, -EINVAL);
	REFUSED(batch_offset, b.bo.size + PAGE, -EINVAL);
	REFUSED(batch_offset, ~3u, -EINVAL);
	/* An in-fence that is no sync_file. */
	s = good;
	s.flags = DRM_VGPU_SUBMIT_FENCE_IN;
	s.fence_fd = -1;
	igt_assert_eq(vgpu_submit(d.fd, &s), -EINVAL);
	s = good;
	s.flags = DRM_VGPU_SUBMIT_FENCE_IN;
	s.fence_fd = d.fd;
	igt_assert_eq(vgpu_submit(d.fd, &s), -EINVAL);
#undef REFUSED

	/* Nothing was queued or counted; the valid request works. */
	igt_assert_ok(vgpu_ctx_query(d.fd, 0, &q));
	igt_assert_eq_u64(q.submitted, 0);
	s = good;
	s.flags = DRM_VGPU_SUBMIT_FENCE_OUT;
	igt_assert_ok(vgpu_submit(d.fd, &s));
	sub = render_fence_finish(s.fence_fd, RENDER_FENCE_TIMEOUT_MS);
	igt_assert_eq(sub, 1);
	igt_assert_eq_u32(*(__u32 *)target.map, 0x5eed);
	igt_assert_ok(vgpu_ctx_query(d.fd, 0, &q));
	igt_assert_eq_u64(q.submitted, 1);
	igt_assert_eq_u64(q.completed, 1);
	igt_assert_eq_u64(q.failed, 0);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&target);
	vgpu_dev_close(&d);
}

/* Every vgpu_drm render node, until one lacks an engine. */
static bool open_device_lacking_engine(struct vgpu_dev *d, __u32 *missing)
{
	char path[64];
	__u32 e;
	int i;

	for (i = 128; i < 192; i++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		if (vgpu_dev_open(d, path, 0))
			continue;
		for (e = 0; e < DRM_VGPU_ENGINE_COUNT; e++) {
			if (!vgpu_has_engine(d, e)) {
				*missing = e;
				return true;
			}
		}
		vgpu_dev_close(d);
	}
	return false;
}

static void subtest_submit_missing_engine(void *data)
{
	struct drm_vgpu_submit s;
	struct vgpu_batch b;
	struct vgpu_bo target;
	struct vgpu_dev d;
	__u32 missing;

	(void)data;	/* it looks for another device */
	igt_require_f(open_device_lacking_engine(&d, &missing),
		      "every vgpu_drm device has every engine (a vGPU type with one engine, e.g. copy, has not)\n");
	igt_debug("%s has no %s engine\n", d.path, vgpu_engine_name(missing));
	render_bo(d.fd, PAGE, &target);
	render_batch(d.fd, PAGE, &b);
	s = valid_submit(&b, &target, missing);
	igt_assert_eq(vgpu_submit(d.fd, &s), -EINVAL);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&target);
	vgpu_dev_close(&d);
}

static const struct igt_subtest subtests[] = {
	{ "getparam", subtest_getparam,
	  "Every parameter answers with a plausible value." },
	{ "getparam-invalid", subtest_getparam_invalid,
	  "Unknown parameters and a non-zero pad are EINVAL." },
	{ "create-info", subtest_create_info,
	  "Objects are page-rounded, disjoint, mappable, at a fixed address." },
	{ "create-invalid", subtest_create_invalid,
	  "Sizes 0, over the slice or overflowing and any flag are EINVAL." },
	{ "create-zeroed", subtest_create_zeroed,
	  "New objects read as zero even after dirty ones were freed." },
	{ "mmap", subtest_mmap,
	  "Mappings share pages; bad lengths and offsets fail; they outlive handles." },
	{ "info-invalid", subtest_info_invalid,
	  "Unknown, closed and other files' handles ENOENT, a pad EINVAL." },
	{ "wait-idle", subtest_wait_idle,
	  "Idle objects wait at once; bad handles, flags, timeouts refused." },
	{ "ctx", subtest_ctx,
	  "Contexts are distinct, empty, per file, destroyed once; 0 stays." },
	{ "submit-invalid", subtest_submit_invalid,
	  "Every malformed SUBMIT field is refused and counts nothing." },
	{ "submit-missing-engine", subtest_submit_missing_engine,
	  "On a vGPU without an engine, SUBMIT on it is EINVAL." },
};

IGT_TEST_MAIN("vgpu_drm render uAPI: objects, contexts, parameters and refusals.",
	      subtests, .setup = setup, .teardown = teardown, .data = &device);
