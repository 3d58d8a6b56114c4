// SPDX-License-Identifier: GPL-2.0
/*
 * refgpu_native: the reference GPU (refgpu.ko) driven through its native
 * uAPI, the DRM render node of each GPU (<drm/refgpu_drm.h>). Every
 * command kind on the engines that have it with the pixels and values
 * checked, batches, ring wrap, errors and faults, preemption and resume
 * (in the ring and inside a batch, with another client running in
 * between), engine reset, context kill, the hang watchdog (looping batch,
 * endless blit), busy time, both engines at once and several GPUs; then
 * the uAPI itself: what it refuses (padding, flags, engines, addresses,
 * lengths, unprivileged openers), finding the GPU the way libdrm does, and
 * files that outlive their GPU.
 *
 * Runs in the test VM (tools/vm/suites/refgpu.sh) with refgpu.ko loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/types.h>
#include <linux/vgpu_if.h>

#include "igt_core.h"
#include "refgpu_client.h"
#include "vgpu_cmd.h"

typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;

#define RENDER		DRM_REFGPU_ENGINE_RENDER
#define COPY		DRM_REFGPU_ENGINE_COPY
#define PAGE		4096
#define RGBA		(VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB)
#define LO(a)		((u32)(a))
#define HI(a)		((u32)((u64)(a) >> 32))
#define QEMU_EDU_VENDOR	0x1234
#define QEMU_EDU_DEVICE	0x11e8
/* The DRM character devices' major; render minors start at 128. */
#define DRM_CHAR_MAJOR	226
#define DRM_RENDER_MINOR_BASE	128

/* ---- the client ---- */

static int gpu_open(int index)
{
	int fd = refgpu_open(index);

	igt_assert_f(fd >= 0, "cannot open GPU %d's render node: %s\n", index,
		     strerror(-fd));
	return fd;
}

static u64 gpu_alloc(int fd, u64 size)
{
	u64 addr;

	igt_assert_eq(refgpu_bo_alloc(fd, size, &addr), 0);
	return addr;
}

static void gpu_write(int fd, u64 addr, const void *buf, size_t len)
{
	igt_assert_eq(refgpu_bo_write(fd, addr, buf, len), 0);
}

static void gpu_read(int fd, u64 addr, void *buf, size_t len)
{
	igt_assert_eq(refgpu_bo_read(fd, addr, buf, len), 0);
}

static u32 gpu_rd32(int fd, u64 addr)
{
	u32 v;

	gpu_read(fd, addr, &v, 4);
	return v;
}

static u64 gpu_rd64(int fd, u64 addr)
{
	u64 v;

	gpu_read(fd, addr, &v, 8);
	return v;
}

static void gpu_wr32(int fd, u64 addr, u32 v)
{
	gpu_write(fd, addr, &v, 4);
}

static void gpu_fill(int fd, u64 addr, u8 val, size_t len)
{
	u8 *buf = malloc(len);

	igt_assert(buf);
	memset(buf, val, len);
	gpu_write(fd, addr, buf, len);
	free(buf);
}

static int engine_op(int fd, u32 engine, u32 op)
{
	struct drm_refgpu_engine_op o = { .engine = engine, .op = op };

	return refgpu_ioctl(fd, DRM_IOCTL_REFGPU_ENGINE_OP, &o);
}

static void gpu_info(int fd, struct drm_refgpu_info *info)
{
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_INFO, info), 0);
}

static int pte_op(int fd, u64 addr, u32 op, u64 *pte)
{
	struct drm_refgpu_pte p = { .gfx_addr = addr, .op = op };
	int ret = refgpu_ioctl(fd, DRM_IOCTL_REFGPU_PTE, &p);

	if (pte)
		*pte = p.pte;
	return ret;
}

static struct vgpu_surface surf(u64 addr, u32 pitch, u32 cpp)
{
	return (struct vgpu_surface){ .addr = addr, .pitch = pitch,
				      .cpp = cpp };
}

/* Write what @c encoded (all of which must have fitted) at @addr. */
static u64 put_cmds(int fd, u64 addr, const struct vgpu_cmd *c)
{
	igt_assert_eq(c->error, 0);
	gpu_write(fd, addr, c->dw, vgpu_cmd_offset(c));
	return addr + vgpu_cmd_offset(c);
}

/**
 * struct ring - a ring in a buffer, written through BO_WRITE
 * @fd: the client
 * @engine: where it runs
 * @base: graphics address
 * @size: bytes
 * @head: where the next run starts
 * @tail: the end of what was emitted
 * @set: load the ring registers at the next submission
 */
struct ring {
	int fd;
	u32 engine;
	u64 base;
	u32 size;
	u32 head;
	u32 tail;
	bool set;
};

static void ring_init(struct ring *r, int fd, u32 engine, u32 size, u32 head)
{
	r->fd = fd;
	r->engine = engine;
	r->size = size;
	r->base = gpu_alloc(fd, size);
	r->head = head;
	r->tail = head;
	r->set = true;
}

static void ring_emit(struct ring *r, const u32 *dw, u32 n)
{
	u32 bytes = n * 4, used = (r->tail - r->head + r->size) % r->size;
	u32 first = r->size - r->tail < bytes ? r->size - r->tail : bytes;

	/* A full ring would look empty: one dword stays free. */
	igt_assert_lt(used + bytes, r->size);
	gpu_write(r->fd, r->base + r->tail, dw, first);
	if (first < bytes)
		gpu_write(r->fd, r->base, (const u8 *)dw + first, bytes - first);
	r->tail = (r->tail + bytes) % r->size;
}

/* Dwords of the longest command the tests encode at once. */
#define CMD_MAX_DWORDS	16

/*
 * One command into the ring, written by the encoder, which must accept it:
 * RING_CMD(r, vgpu_cmd_store_dword, addr, value).
 */
#define RING_CMD(r, emit, ...) do {					\
	u32 cmd_dw__[CMD_MAX_DWORDS];					\
	struct vgpu_cmd cmd__;						\
									\
	vgpu_cmd_init(&cmd__, cmd_dw__, sizeof(cmd_dw__));		\
	igt_assert_eq(emit(&cmd__, ##__VA_ARGS__), 0);			\
	ring_emit(r, cmd_dw__, cmd__.len);				\
} while (0)

/*
 * Raw dwords into the ring: the field forms the encoder does not write
 * (depths, channel masks, post-sync kinds, multi-register LRI) and
 * commands malformed on purpose. Each use says which.
 */
#define RING_RAW(r, ...) do {						\
	const u32 raw_dw__[] = { __VA_ARGS__ };				\
	ring_emit(r, raw_dw__, IGT_ARRAY_SIZE(raw_dw__));		\
} while (0)

/* Submit what was emitted; returns 0 or -errno. */
static int ring_submit(struct ring *r, u32 flags, u32 watchdog_ms,
		       struct drm_refgpu_submit *out)
{
	struct drm_refgpu_submit s = {
		.engine = r->engine,
		.flags = flags,
		.tail = r->tail,
		.watchdog_ms = watchdog_ms,
	};
	int ret;

	if (r->set) {
		s.flags |= DRM_REFGPU_SUBMIT_SET_RING;
		s.ring_start = r->base;
		s.ring_size = r->size;
		s.head = r->head;
	}
	ret = refgpu_ioctl(r->fd, DRM_IOCTL_REFGPU_SUBMIT, &s);
	if (!ret)
		r->set = false;
	if (out)
		*out = s;
	return ret;
}

static void stop_expect(const struct drm_refgpu_stop *st, u32 reason)
{
	igt_assert_f(st->reason == reason,
		     "stop reason %u (error %u, cmd %#llx, header %#x, fault %#llx, head %#x), expected %u\n",
		     st->reason, st->error, (unsigned long long)st->cmd_addr,
		     st->header, (unsigned long long)st->fault_addr, st->head,
		     reason);
}

/* Submit, wait, expect the run to complete at the tail. */
static struct drm_refgpu_stop ring_run(struct ring *r)
{
	struct drm_refgpu_submit s;

	igt_assert_eq(ring_submit(r, DRM_REFGPU_SUBMIT_WAIT, 0, &s), 0);
	igt_assert_eq(s.started, 1);
	stop_expect(&s.stop, DRM_REFGPU_STOP_COMPLETE);
	igt_assert_eq(s.stop.head, r->tail);
	r->head = r->tail;
	return s.stop;
}

static int gpu_wait_ret(int fd, u32 engine, u32 ms,
			struct drm_refgpu_stop *stop)
{
	struct drm_refgpu_wait w = { .engine = engine, .timeout_ms = ms };
	int ret = refgpu_ioctl(fd, DRM_IOCTL_REFGPU_WAIT, &w);

	if (stop)
		*stop = w.stop;
	return ret;
}

static struct drm_refgpu_stop gpu_wait(int fd, u32 engine, u32 ms)
{
	struct drm_refgpu_stop st;
	int ret = gpu_wait_ret(fd, engine, ms, &st);

	igt_assert_f(!ret, "wait: %s\n", strerror(-ret));
	return st;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* DW1 of a classic blit written raw (a depth or mask the encoder lacks). */
static u32 classic_dw1(u32 depth, u32 rop, u32 pitch)
{
	return depth << VGPU_BLT_DEPTH_SHIFT | rop << VGPU_BLT_ROP_SHIFT |
	       pitch;
}

/* ---- fixture ---- */

static void fixture(void *data)
{
	char bdf[32], node[64];

	(void)data;
	igt_require_f(!refgpu_function(0, bdf, sizeof(bdf)),
		      "refgpu.ko is not loaded (no PCI function bound)\n");
	igt_require_f(!refgpu_render_node(bdf, node, sizeof(node)),
		      "%s has no render node\n", bdf);
}

/* The first line of a sysfs attribute of PCI function @bdf, as a number. */
static unsigned long pci_attr(const char *bdf, const char *attr)
{
	char path[256];
	unsigned long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	f = fopen(path, "r");
	igt_assert_f(f, "cannot open %s\n", path);
	igt_assert_eq(fscanf(f, "%lx", &v), 1);
	fclose(f);
	return v;
}

/*
 * The PCI functions the driver is bound to, each QEMU's edu device
 * (1234:11e8). Returns how many.
 */
static int bound_functions(void)
{
	char bdf[32];
	int n = 0;

	while (!refgpu_function(n, bdf, sizeof(bdf))) {
		igt_assert_eq_u32(pci_attr(bdf, "vendor"), QEMU_EDU_VENDOR);
		igt_assert_eq_u32(pci_attr(bdf, "device"), QEMU_EDU_DEVICE);
		n++;
	}
	return n;
}

/* ---- subtests ---- */

static void device_and_info(void *data)
{
	struct drm_refgpu_info info;
	int fd = gpu_open(0);

	(void)data;
	igt_assert_lt(0, bound_functions());
	gpu_info(fd, &info);
	igt_assert_eq_u64(info.gfx_size, VGPU_GFX_ADDR_SPACE_SIZE);
	igt_assert_eq_u32(info.engine_mask, 3);
	igt_assert_eq_u32(info.pad, 0);
	igt_assert_eq_u64(info.bo_bytes, 0);
	igt_assert_eq_u64(info.bo_bytes_max, DRM_REFGPU_FILE_BYTES_MAX);
	close(fd);
}

static void buffers_and_ptes(void *data)
{
	int fd = gpu_open(0), fd2 = gpu_open(0);
	struct drm_refgpu_info info;
	u64 a, b, c, q, pte;
	u32 v;

	(void)data;
	a = gpu_alloc(fd, 0x3000);
	b = gpu_alloc(fd, 1);
	c = gpu_alloc(fd2, 0x1000);
	igt_assert(a != b && b != c && a != c);
	igt_assert(!(a & 0xfff) && !(b & 0xfff));
	gpu_info(fd, &info);
	igt_assert_eq_u64(info.bo_bytes, 0x4000);
	igt_assert_eq(pte_op(fd, a + 0x2000, DRM_REFGPU_PTE_READ, &pte), 0);
	igt_assert(pte & VGPU_GGTT_PTE_PRESENT);
	/* Buffers start zeroed; a file reaches only its own. */
	igt_assert_eq_u32(gpu_rd32(fd, a + 0x2ffc), 0);
	igt_assert_eq(refgpu_bo_read(fd, c, &v, 4), -ENOENT);
	igt_assert_eq(refgpu_bo_read(fd, a + 0x2ffc, &q, 8), -EINVAL);
	/* Freed: the entries are clear. */
	igt_assert_eq(refgpu_bo_free(fd, a), 0);
	igt_assert_eq(pte_op(fd, a, DRM_REFGPU_PTE_READ, &pte), 0);
	igt_assert_eq_u64(pte, 0);
	igt_assert_eq(refgpu_bo_free(fd, a), -ENOENT);
	gpu_info(fd, &info);
	igt_assert_eq_u64(info.bo_bytes, 0x1000);
	close(fd);
	close(fd2);
}

static void store_both_engines(void *data)
{
	int fd = gpu_open(0);
	struct ring r;
	u64 d;
	u32 e;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	for (e = 0; e < DRM_REFGPU_ENGINE_COUNT; e++) {
		ring_init(&r, fd, e, 0x1000, 0);
		RING_CMD(&r, vgpu_cmd_store_dword, d + 16 * e, 0xa0a0a0a0 + e);
		RING_CMD(&r, vgpu_cmd_store_qword, d + 16 * e + 8,
			 (u64)(0xd0d0d0d0 + e) << 32 | 0xc0c0c0c0);
		RING_CMD(&r, vgpu_cmd_noop);
		RING_CMD(&r, vgpu_cmd_arb_check);
		ring_run(&r);
		igt_assert_eq_u32(gpu_rd32(fd, d + 16 * e), 0xa0a0a0a0 + e);
		igt_assert_eq_u32(gpu_rd32(fd, d + 16 * e + 4), 0);
		igt_assert_eq_u64(gpu_rd64(fd, d + 16 * e + 8),
				  (u64)(0xd0d0d0d0 + e) << 32 | 0xc0c0c0c0);
	}
	close(fd);
}

static void lri_srm_gprs(void *data)
{
	int fd = gpu_open(0);
	struct ring r;
	u32 e, base;
	u64 d;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	for (e = 0; e < DRM_REFGPU_ENGINE_COUNT; e++) {
		base = VGPU_RING_BASE(e);
		ring_init(&r, fd, e, 0x1000, 0);
		/* Raw: an LRI of two registers. */
		RING_RAW(&r, VGPU_MI_LOAD_REGISTER_IMM(2),
			 VGPU_CS_GPR(base, 3), 0x33333333 + e,
			 VGPU_CS_GPR_UDW(base, 3), 0x44444444 + e);
		RING_CMD(&r, vgpu_cmd_store_register, VGPU_CS_GPR(base, 3),
			 d + 8 * e);
		RING_CMD(&r, vgpu_cmd_store_register, VGPU_CS_GPR_UDW(base, 3),
			 d + 8 * e + 4);
		ring_run(&r);
		igt_assert_eq_u64(gpu_rd64(fd, d + 8 * e),
				  (u64)(0x44444444 + e) << 32 |
				  (0x33333333 + e));
	}
	close(fd);
}

static void srm_timestamp_advances(void *data)
{
	u32 base = VGPU_RENDER_RING_BASE;
	int fd = gpu_open(0);
	u64 d, t0, t1;
	struct ring r;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	ring_init(&r, fd, RENDER, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_store_register, VGPU_RING_TIMESTAMP(base), d);
	RING_CMD(&r, vgpu_cmd_store_register, VGPU_RING_TIMESTAMP_UDW(base),
		 d + 4);
	ring_run(&r);
	t0 = gpu_rd64(fd, d);
	usleep(20000);
	/* Raw: a PIPE_CONTROL timestamp post-sync. */
	RING_RAW(&r, VGPU_GFX_PIPE_CONTROL, VGPU_PC_GLOBAL_GTT |
		 VGPU_PC_POST_SYNC_TIMESTAMP << VGPU_PC_POST_SYNC_SHIFT,
		 LO(d + 8), HI(d), 0, 0);
	ring_run(&r);
	t1 = gpu_rd64(fd, d + 8);
	/* 20 ms at 12 MHz is 240000 ticks. */
	igt_assert_f(t1 > t0 + 200000, "t0 %llu t1 %llu\n",
		     (unsigned long long)t0, (unsigned long long)t1);
	close(fd);
}

static void user_interrupts(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct ring r;

	(void)data;
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_user_interrupt);
	RING_CMD(&r, vgpu_cmd_noop);
	RING_CMD(&r, vgpu_cmd_user_interrupt);
	RING_CMD(&r, vgpu_cmd_user_interrupt);
	st = ring_run(&r);
	igt_assert_eq_u64(st.user_interrupts, 3);
	igt_assert_gt(st.busy_ns, 0);
	close(fd);
}

static void flush_dw_post_sync(void *data)
{
	u32 ggtt = VGPU_MI_FLUSH_DW_ADDR_GGTT;
	int fd = gpu_open(0);
	struct ring r;
	u64 d;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	gpu_fill(fd, d, 0xee, 64);
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_flush_dw_store, d, 0x12345678);
	/* Raw: the qword and timestamp post-syncs. */
	RING_RAW(&r, (VGPU_MI_FLUSH_DW + 1) | VGPU_MI_FLUSH_DW_OP_STORE_DATA <<
		 VGPU_MI_FLUSH_DW_OP_SHIFT, LO(d + 8) | ggtt, HI(d),
		 0x9abcdef0, 0x0fedcba9);
	RING_RAW(&r, VGPU_MI_FLUSH_DW | VGPU_MI_FLUSH_DW_OP_TIMESTAMP <<
		 VGPU_MI_FLUSH_DW_OP_SHIFT, LO(d + 16) | ggtt, HI(d), 0);
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, d), 0x12345678);
	igt_assert_eq_u32(gpu_rd32(fd, d + 4), 0xeeeeeeee);
	igt_assert_eq_u64(gpu_rd64(fd, d + 8), 0x0fedcba99abcdef0ULL);
	igt_assert(gpu_rd64(fd, d + 16) != 0xeeeeeeeeeeeeeeeeULL);
	igt_assert(gpu_rd64(fd, d + 16) != 0);
	close(fd);
}

static void pipe_control_post_sync(void *data)
{
	u32 sync = VGPU_PC_GLOBAL_GTT | VGPU_PC_CS_STALL;
	int fd = gpu_open(0);
	struct ring r;
	u64 d;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	gpu_fill(fd, d, 0xee, 64);
	ring_init(&r, fd, RENDER, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_pipe_control_store, d, 0x3333444411112222ULL);
	/* Raw: the depth-count (a zero) and timestamp post-syncs. */
	RING_RAW(&r, VGPU_GFX_PIPE_CONTROL, sync |
		 VGPU_PC_POST_SYNC_DEPTH_COUNT << VGPU_PC_POST_SYNC_SHIFT,
		 LO(d + 8), HI(d), 1, 1);
	RING_RAW(&r, VGPU_GFX_PIPE_CONTROL, sync |
		 VGPU_PC_POST_SYNC_TIMESTAMP << VGPU_PC_POST_SYNC_SHIFT,
		 LO(d + 16), HI(d), 1, 1);
	ring_run(&r);
	igt_assert_eq_u64(gpu_rd64(fd, d), 0x3333444411112222ULL);
	igt_assert_eq_u64(gpu_rd64(fd, d + 8), 0);
	igt_assert(gpu_rd64(fd, d + 16) != 0xeeeeeeeeeeeeeeeeULL);
	igt_assert_eq_u32(gpu_rd32(fd, d + 24), 0xeeeeeeee);
	close(fd);
}

static void batch_chain_and_second_level(void *data)
{
	int fd = gpu_open(0);
	u64 d, b1, b2, b3;
	struct vgpu_cmd c;
	struct ring r;
	u32 dw[32], n;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	b1 = gpu_alloc(fd, 0x1000);
	b2 = gpu_alloc(fd, 0x1000);
	b3 = gpu_alloc(fd, 0x1000);
	/* L1: store 1, call L2, store 4. L2: store 2, chain to L2'. */
	vgpu_cmd_init(&c, dw, sizeof(dw));
	vgpu_cmd_store_dword(&c, d, 1);
	vgpu_cmd_batch_start(&c, b2, true);
	vgpu_cmd_store_dword(&c, d + 12, 4);
	vgpu_cmd_end(&c);
	put_cmds(fd, b1, &c);
	vgpu_cmd_init(&c, dw, sizeof(dw));
	vgpu_cmd_store_dword(&c, d + 4, 2);
	vgpu_cmd_batch_start(&c, b3, false);
	put_cmds(fd, b2, &c);
	vgpu_cmd_init(&c, dw, sizeof(dw));
	vgpu_cmd_store_dword(&c, d + 8, 3);
	vgpu_cmd_end(&c);
	put_cmds(fd, b3, &c);

	ring_init(&r, fd, RENDER, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_batch_start, b1, false);
	RING_CMD(&r, vgpu_cmd_store_dword, d + 16, 5);
	ring_run(&r);
	for (n = 0; n < 5; n++)
		igt_assert_eq_u32(gpu_rd32(fd, d + 4 * n), n + 1);
	close(fd);
}

static void color_blt_depths(void *data)
{
	static const struct {
		u32 depth, cpp, color, value;
	} cases[] = {
		{ VGPU_BLT_DEPTH_8, 1, 0xffffff5a, 0x5a },
		{ VGPU_BLT_DEPTH_565, 2, 0xffff1234, 0x1234 },
		{ VGPU_BLT_DEPTH_1555, 2, 0x00008421, 0x8421 },
		{ VGPU_BLT_DEPTH_32, 4, 0x80402010, 0x80402010 },
	};
	u32 pitch = 1000, w = 200, h = 50, x, y, i, v, cpp;
	size_t bytes = (size_t)pitch * (h + 20);
	struct vgpu_surface dst;
	int fd = gpu_open(0);
	struct ring r;
	u8 *buf;
	u64 s;

	(void)data;
	s = gpu_alloc(fd, bytes);
	buf = malloc(bytes);
	igt_assert(buf);
	ring_init(&r, fd, COPY, 0x1000, 0);
	for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
		cpp = cases[i].cpp;
		gpu_fill(fd, s, 0x11, bytes);
		dst = surf(s, pitch, cpp);
		if (cases[i].depth == VGPU_BLT_DEPTH_1555)
			/* Raw: the encoder writes 16 bpp as 565. */
			RING_RAW(&r, VGPU_XY_COLOR_BLT,
				 classic_dw1(cases[i].depth,
					     VGPU_BLT_ROP_PATCOPY, pitch),
				 VGPU_BLT_XY(10, 10),
				 VGPU_BLT_XY(10 + w, 10 + h), LO(s), HI(s),
				 cases[i].color);
		else
			RING_CMD(&r, vgpu_cmd_color_blt, &dst, 10, 10, w, h,
				 cases[i].color);
		ring_run(&r);
		gpu_read(fd, s, buf, bytes);
		for (y = 0; y < h + 20; y++) {
			for (x = 0; x < pitch / cpp; x++) {
				v = 0;
				memcpy(&v, buf + y * pitch + x * cpp, cpp);
				if (y >= 10 && y < 10 + h && x >= 10 &&
				    x < 10 + w)
					igt_assert_eq_u32(v, cases[i].value);
				else
					igt_assert_eq_u32(v, cpp == 1 ? 0x11 :
							  cpp == 2 ? 0x1111 :
							  0x11111111);
			}
		}
	}
	free(buf);
	close(fd);
}

/* A 32 bpp block moved over itself by (+5, +3), across pages. */
static void src_copy_overlap(void *data)
{
	u32 pitch = 8192, w = 1500, h = 40, x, y;
	size_t bytes = (size_t)pitch * (h + 4);
	struct vgpu_surface block;
	int fd = gpu_open(0);
	u32 *before, *after;
	struct ring r;
	u64 s;

	(void)data;
	s = gpu_alloc(fd, bytes);
	before = malloc(bytes);
	after = malloc(bytes);
	igt_assert(before && after);
	for (y = 0; y < h + 4; y++)
		for (x = 0; x < pitch / 4; x++)
			before[y * (pitch / 4) + x] = y << 16 | x;
	gpu_write(fd, s, before, bytes);
	ring_init(&r, fd, COPY, 0x1000, 0);
	block = surf(s, pitch, 4);
	RING_CMD(&r, vgpu_cmd_src_copy_blt, &block, 5, 3, &block, 0, 0, w, h);
	ring_run(&r);
	gpu_read(fd, s, after, bytes);
	for (y = 0; y < h + 4; y++)
		for (x = 0; x < pitch / 4; x++) {
			u32 exp = before[y * (pitch / 4) + x];

			if (y >= 3 && y < 3 + h && x >= 5 && x < 5 + w)
				exp = (y - 3) << 16 | (x - 5);
			igt_assert_eq_u32(after[y * (pitch / 4) + x], exp);
		}
	free(before);
	free(after);
	close(fd);
}

static void fast_copy_depths(void *data)
{
	static const u32 cpp[] = { 1, 2, 4, 8, 16 };
	u32 d, i, w = 37, h = 9, spitch = 1024, dpitch = 2048;
	struct vgpu_surface from, to;
	int fd = gpu_open(0);
	u8 src[1024 * 9], row[1024];
	struct ring r;
	u64 s, t;

	(void)data;
	s = gpu_alloc(fd, sizeof(src));
	t = gpu_alloc(fd, (u64)dpitch * h);
	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 7 + 3);
	gpu_write(fd, s, src, sizeof(src));
	ring_init(&r, fd, COPY, 0x1000, 0);
	for (d = 0; d < IGT_ARRAY_SIZE(cpp); d++) {
		gpu_fill(fd, t, 0, (size_t)dpitch * h);
		from = surf(s, spitch, cpp[d]);
		to = surf(t, dpitch, cpp[d]);
		RING_CMD(&r, vgpu_cmd_fast_copy_blt, &to, 3, 1, &from, 2, 0, w,
			 h - 1);
		ring_run(&r);
		for (i = 1; i < h; i++) {
			gpu_read(fd, t + (u64)i * dpitch, row, sizeof(row));
			igt_assert(!memcmp(row + 3 * cpp[d],
					   src + (i - 1) * spitch + 2 * cpp[d],
					   w * cpp[d]));
			igt_assert_eq(row[3 * cpp[d] - 1], 0);
			igt_assert_eq(row[(3 + w) * cpp[d]], 0);
		}
	}
	close(fd);
}

static void blt_write_mask(void *data)
{
	int fd = gpu_open(0);
	struct ring r;
	u64 s;

	(void)data;
	s = gpu_alloc(fd, 0x1000);
	gpu_wr32(fd, s, 0x01020304);
	gpu_wr32(fd, s + 4, 0x01020304);
	ring_init(&r, fd, COPY, 0x1000, 0);
	/* Raw: one channel group per fill (the encoder writes both). */
	RING_RAW(&r, VGPU_XY_COLOR_BLT | VGPU_BLT_WRITE_RGB,
		 classic_dw1(VGPU_BLT_DEPTH_32, VGPU_BLT_ROP_PATCOPY, 64),
		 VGPU_BLT_XY(0, 0), VGPU_BLT_XY(1, 1), LO(s), HI(s),
		 0xaabbccdd);
	RING_RAW(&r, VGPU_XY_COLOR_BLT | VGPU_BLT_WRITE_ALPHA,
		 classic_dw1(VGPU_BLT_DEPTH_32, VGPU_BLT_ROP_PATCOPY, 64),
		 VGPU_BLT_XY(1, 0), VGPU_BLT_XY(2, 1), LO(s), HI(s),
		 0xaabbccdd);
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, s), 0x01bbccdd);
	igt_assert_eq_u32(gpu_rd32(fd, s + 4), 0xaa020304);
	close(fd);
}

static void ring_wrap(void *data)
{
	int fd = gpu_open(0);
	struct ring r;
	u64 d;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	ring_init(&r, fd, COPY, 0x2000, 0x2000 - 8);
	RING_CMD(&r, vgpu_cmd_store_dword, d, 0x77777777);
	RING_CMD(&r, vgpu_cmd_user_interrupt);
	RING_CMD(&r, vgpu_cmd_noop);
	igt_assert_eq(r.tail, 16);
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, d), 0x77777777);
	close(fd);
}

static void extend_running_context(void *data)
{
	struct drm_refgpu_submit s;
	struct vgpu_surface from, to;
	int fd = gpu_open(0);
	struct ring r;
	u64 area, d;
	u32 i;

	(void)data;
	area = gpu_alloc(fd, 0x40000);
	d = gpu_alloc(fd, 0x1000);
	from = surf(area, 0x4000, 4);
	to = surf(area + 0x20000, 0x4000, 4);
	ring_init(&r, fd, COPY, 0x10000, 0);
	/* Enough copying to still run when the tail moves. */
	for (i = 0; i < 200; i++)
		RING_CMD(&r, vgpu_cmd_src_copy_blt, &to, 0, 0, &from, 0, 0,
			 0x1000, 8);
	igt_assert_eq(ring_submit(&r, 0, 0, &s), 0);
	igt_assert_eq(s.started, 1);
	RING_CMD(&r, vgpu_cmd_store_dword, d, 0x5a5a);
	igt_assert_eq(ring_submit(&r, DRM_REFGPU_SUBMIT_WAIT, 0, &s), 0);
	if (!s.started) {
		/* Extended: one stop for the whole run. */
		stop_expect(&s.stop, DRM_REFGPU_STOP_COMPLETE);
		igt_assert_eq(s.stop.head, r.tail);
	}
	igt_assert_eq_u32(gpu_rd32(fd, d), 0x5a5a);
	close(fd);
}

static void command_error_reported(void *data)
{
	struct drm_refgpu_submit s;
	struct vgpu_surface dst;
	int fd = gpu_open(0);
	struct ring r;
	u64 d;

	(void)data;
	d = gpu_alloc(fd, 0x1000);
	ring_init(&r, fd, RENDER, 0x1000, 0);
	/* Raw: an opcode that does not exist. */
	RING_RAW(&r, VGPU_MI_NOOP, 0x2bad0000, VGPU_MI_NOOP);
	igt_assert_eq(ring_submit(&r, DRM_REFGPU_SUBMIT_WAIT, 0, &s), 0);
	stop_expect(&s.stop, DRM_REFGPU_STOP_CMD_ERROR);
	igt_assert_eq(s.stop.error, VGPU_AUDIT_UNKNOWN_OPCODE);
	igt_assert_eq(s.stop.head, 4);
	igt_assert_eq_u64(s.stop.cmd_addr, 4);
	igt_assert_eq_u32(s.stop.header, 0x2bad0000);
	/* A blit on the render engine. */
	r.head = r.tail;
	r.set = true;
	dst = surf(d, 64, 4);
	RING_CMD(&r, vgpu_cmd_color_blt, &dst, 0, 0, 1, 1, 0);
	igt_assert_eq(ring_submit(&r, DRM_REFGPU_SUBMIT_WAIT, 0, &s), 0);
	stop_expect(&s.stop, DRM_REFGPU_STOP_CMD_ERROR);
	igt_assert_eq(s.stop.error, VGPU_AUDIT_WRONG_ENGINE);
	/* Stopped in error: nothing runs until the ring is loaded again. */
	igt_assert_eq(ring_submit(&r, 0, 0, NULL), -EIO);
	r.head = r.tail;
	r.set = true;
	RING_CMD(&r, vgpu_cmd_store_dword, d, 9);
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, d), 9);
	close(fd);
}

static void fault_on_unmapped_page(void *data)
{
	struct drm_refgpu_submit s;
	struct vgpu_surface dst;
	int fd = gpu_open(0);
	struct ring r;
	u64 area, pte;

	(void)data;
	area = gpu_alloc(fd, 0x4000);
	igt_assert_eq(pte_op(fd, area + 0x2000, DRM_REFGPU_PTE_CLEAR, &pte),
		      0);
	igt_assert_eq_u64(pte, 0);
	ring_init(&r, fd, COPY, 0x1000, 0);
	/* Four rows of 4 KiB: the third is not mapped. */
	dst = surf(area, 0x1000, 4);
	RING_CMD(&r, vgpu_cmd_color_blt, &dst, 0, 0, 0x400, 4, 0x01010101);
	igt_assert_eq(ring_submit(&r, DRM_REFGPU_SUBMIT_WAIT, 0, &s), 0);
	stop_expect(&s.stop, DRM_REFGPU_STOP_FAULT);
	igt_assert_eq_u64(s.stop.fault_addr, area + 0x2000);
	igt_assert_eq(s.stop.head, 0);
	igt_assert_eq_u32(gpu_rd32(fd, area + 0x1ffc), 0x01010101);
	/* Mapped again, the same command runs to the end. */
	igt_assert_eq(pte_op(fd, area + 0x2000, DRM_REFGPU_PTE_RESTORE, &pte),
		      0);
	igt_assert(pte & VGPU_GGTT_PTE_PRESENT);
	r.set = true;
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, area + 0x3ffc), 0x01010101);
	close(fd);
}

/*
 * A workload of @n overlapping shifts, each followed by a store of its
 * number: row x of the surface holds x + 1 at first; shift i moves every
 * pixel one to the right, so after k shifts pixel x holds max(x - k, 0) + 1.
 * Shifts are not idempotent: a command run twice or skipped shows.
 */
#define SHIFT_W		4096
#define SHIFT_H		4
#define SHIFT_PITCH	(SHIFT_W * 4)
#define SHIFT_CMD_BYTES	56

struct shifts {
	int fd;
	u64 surf;
	u64 counter;
	u64 batch;
	u32 n;
};

static void shifts_init(struct shifts *sh, int fd, u32 n)
{
	u32 *row = malloc(SHIFT_PITCH);
	u32 x, y;

	igt_assert(row);
	sh->fd = fd;
	sh->n = n;
	sh->surf = gpu_alloc(fd, (u64)SHIFT_PITCH * SHIFT_H);
	sh->counter = gpu_alloc(fd, 0x1000);
	sh->batch = 0;
	for (x = 0; x < SHIFT_W; x++)
		row[x] = x + 1;
	for (y = 0; y < SHIFT_H; y++)
		gpu_write(fd, sh->surf + (u64)y * SHIFT_PITCH, row,
			  SHIFT_PITCH);
	free(row);
}

/* Shift @i and the store of its number: SHIFT_CMD_BYTES. */
static void shifts_cmd(struct shifts *sh, struct vgpu_cmd *c, u32 i)
{
	struct vgpu_surface s = surf(sh->surf, SHIFT_PITCH, 4);

	igt_assert_eq(vgpu_cmd_src_copy_blt(c, &s, 1, 0, &s, 0, 0,
					    SHIFT_W - 1, SHIFT_H), 0);
	igt_assert_eq(vgpu_cmd_store_dword(c, sh->counter, i + 1), 0);
}

/* The whole workload into the ring. */
static void shifts_ring(struct shifts *sh, struct ring *r)
{
	u32 dw[SHIFT_CMD_BYTES / 4], i;
	struct vgpu_cmd c;

	for (i = 0; i < sh->n; i++) {
		vgpu_cmd_init(&c, dw, sizeof(dw));
		shifts_cmd(sh, &c, i);
		ring_emit(r, dw, c.len);
	}
}

/* Put the whole workload in a batch (render engine style, no ring). */
static void shifts_batch(struct shifts *sh)
{
	u32 bytes = sh->n * SHIFT_CMD_BYTES + 4, i;
	u32 *dw = malloc(bytes);
	struct vgpu_cmd c;

	igt_assert(dw);
	sh->batch = gpu_alloc(sh->fd, bytes);
	vgpu_cmd_init(&c, dw, bytes);
	for (i = 0; i < sh->n; i++)
		shifts_cmd(sh, &c, i);
	vgpu_cmd_end(&c);
	put_cmds(sh->fd, sh->batch, &c);
	free(dw);
}

/* Check the surface shows exactly @k shifts. */
static void shifts_check(struct shifts *sh, u32 k)
{
	u32 *row = malloc(SHIFT_PITCH);
	u32 x, y;

	igt_assert(row);
	for (y = 0; y < SHIFT_H; y++) {
		gpu_read(sh->fd, sh->surf + (u64)y * SHIFT_PITCH, row,
			 SHIFT_PITCH);
		for (x = 0; x < SHIFT_W; x++)
			igt_assert_f(row[x] == (x >= k ? x - k + 1 : 1),
				     "row %u pixel %u is %u after %u shifts\n",
				     y, x, row[x], k);
	}
	free(row);
}

/* Shifts done by a run stopped at offset @off of the command stream. */
static u32 shifts_done(u64 off)
{
	return off / SHIFT_CMD_BYTES + (off % SHIFT_CMD_BYTES ? 1 : 0);
}

/* Wait until the workload has made some progress. */
static void shifts_wait_progress(struct shifts *sh, u32 min)
{
	double end = now_s() + 20;

	while (gpu_rd32(sh->fd, sh->counter) < min) {
		igt_assert_f(now_s() < end, "no progress\n");
		usleep(1000);
	}
}

static void preempt_resume_ring(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct shifts sh;
	struct ring r;
	u32 k;

	(void)data;
	shifts_init(&sh, fd, 1000);
	ring_init(&r, fd, COPY, 0x10000, 0);
	shifts_ring(&sh, &r);
	igt_assert_eq(ring_submit(&r, 0, 0, NULL), 0);
	shifts_wait_progress(&sh, 20);
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_PREEMPT), 0);
	st = gpu_wait(fd, COPY, 10000);
	stop_expect(&st, DRM_REFGPU_STOP_PREEMPTED);
	igt_assert_eq(st.level, 0);
	igt_assert(st.head > 0 && st.head < r.tail);
	k = shifts_done(st.head);
	igt_info("preempted after %u of %u shifts (head %#x)\n", k, sh.n,
		 st.head);
	igt_assert_gte(k, 20);
	igt_assert(gpu_rd32(fd, sh.counter) == k ||
		   gpu_rd32(fd, sh.counter) + 1 == k);
	shifts_check(&sh, k);
	/* Resume: the same context, same tail. */
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, sh.counter), sh.n);
	shifts_check(&sh, sh.n);
	close(fd);
}

static void preempt_resume_batch(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0), ret;
	struct shifts sh;
	struct ring r;
	u32 k, again;

	(void)data;
	shifts_init(&sh, fd, 1000);
	shifts_batch(&sh);
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_batch_start, sh.batch, false);
	RING_CMD(&r, vgpu_cmd_user_interrupt);
	RING_CMD(&r, vgpu_cmd_noop);
	igt_assert_eq(ring_submit(&r, 0, 0, NULL), 0);
	shifts_wait_progress(&sh, 20);
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_PREEMPT), 0);
	st = gpu_wait(fd, COPY, 10000);
	stop_expect(&st, DRM_REFGPU_STOP_PREEMPTED);
	/* Inside the batch: the ring head is past the start command. */
	igt_assert_eq(st.level, 1);
	igt_assert_eq(st.head, 12);
	igt_assert(st.batch_addr > sh.batch);
	k = shifts_done(st.batch_addr - sh.batch);
	igt_info("preempted inside the batch after %u of %u shifts\n", k,
		 sh.n);
	shifts_check(&sh, k);
	igt_assert_eq_u64(st.user_interrupts, 0);

	/*
	 * Preempt again after resuming, then run to the end. The rest of
	 * the batch may be done by the time the request comes (-EALREADY:
	 * nothing runs).
	 */
	igt_assert_eq(ring_submit(&r, 0, 0, NULL), 0);
	shifts_wait_progress(&sh, k + 20);
	ret = engine_op(fd, COPY, DRM_REFGPU_OP_PREEMPT);
	igt_assert_f(!ret || ret == -EALREADY, "preempt: %s\n",
		     strerror(-ret));
	st = gpu_wait(fd, COPY, 10000);
	if (st.reason == DRM_REFGPU_STOP_PREEMPTED) {
		again = shifts_done(st.batch_addr - sh.batch);
		igt_assert_gt(again, k);
		shifts_check(&sh, again);
		ring_run(&r);
	} else {
		stop_expect(&st, DRM_REFGPU_STOP_COMPLETE);
	}
	st = gpu_wait(fd, COPY, 10000);
	igt_assert_eq_u64(st.user_interrupts, 1);
	igt_assert_eq_u32(gpu_rd32(fd, sh.counter), sh.n);
	shifts_check(&sh, sh.n);
	close(fd);
}

static void preempt_switch_clients(void *data)
{
	int a = gpu_open(0), b = gpu_open(0);
	struct drm_refgpu_stop st;
	struct ring ra, rb;
	struct shifts sh;
	u32 k;
	u64 d;

	(void)data;
	shifts_init(&sh, a, 600);
	ring_init(&ra, a, COPY, 0x10000, 0);
	shifts_ring(&sh, &ra);
	d = gpu_alloc(b, 0x1000);
	ring_init(&rb, b, COPY, 0x1000, 0);
	RING_CMD(&rb, vgpu_cmd_store_dword, d, 0xb0b0);

	igt_assert_eq(ring_submit(&ra, 0, 0, NULL), 0);
	shifts_wait_progress(&sh, 10);
	/* The engine is taken. */
	igt_assert_eq(ring_submit(&rb, 0, 0, NULL), -EBUSY);
	igt_assert_eq(engine_op(a, COPY, DRM_REFGPU_OP_PREEMPT), 0);
	st = gpu_wait(a, COPY, 10000);
	stop_expect(&st, DRM_REFGPU_STOP_PREEMPTED);
	k = shifts_done(st.head);
	/* B runs while A waits; A is untouched by it. */
	ring_run(&rb);
	igt_assert_eq_u32(gpu_rd32(b, d), 0xb0b0);
	shifts_check(&sh, k);
	ring_run(&ra);
	shifts_check(&sh, sh.n);
	close(a);
	close(b);
}

/* A first-level batch that chains to itself forever. */
static u64 endless_batch(int fd)
{
	u64 b = gpu_alloc(fd, 0x1000);
	struct vgpu_cmd c;
	u32 dw[4];

	vgpu_cmd_init(&c, dw, sizeof(dw));
	vgpu_cmd_noop(&c);
	vgpu_cmd_batch_start(&c, b, false);
	put_cmds(fd, b, &c);
	return b;
}

static void run_after_reset(int fd, u32 engine)
{
	struct ring r;
	u64 d = gpu_alloc(fd, 0x1000);

	ring_init(&r, fd, engine, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_store_dword, d, 0x600d);
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, d), 0x600d);
}

static void engine_reset_kills_running(void *data)
{
	struct drm_refgpu_info info;
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct ring r;
	u64 b;

	(void)data;
	b = endless_batch(fd);
	ring_init(&r, fd, RENDER, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_batch_start, b, false);
	igt_assert_eq(ring_submit(&r, 0, DRM_REFGPU_WATCHDOG_MAX_MS, NULL), 0);
	usleep(100000);
	gpu_info(fd, &info);
	igt_assert_eq(info.context_running[RENDER], 1);
	igt_assert_eq(engine_op(fd, RENDER, DRM_REFGPU_OP_RESET), 0);
	st = gpu_wait(fd, RENDER, 1000);
	stop_expect(&st, DRM_REFGPU_STOP_RESET);
	igt_assert_eq(st.level, 1);
	gpu_info(fd, &info);
	igt_assert_eq(info.context_running[RENDER], 0);
	/* The reset context needs a ring again; the engine works. */
	igt_assert_eq(ring_submit(&r, 0, 0, NULL), -EIO);
	run_after_reset(fd, RENDER);
	/* An idle engine resets too. */
	igt_assert_eq(engine_op(fd, RENDER, DRM_REFGPU_OP_RESET), 0);
	close(fd);
}

/* An endless fill: 16 GiB through 1 MiB of memory (pitch 1, 128 bpp). */
static void emit_endless_blit(struct ring *r, int fd)
{
	struct vgpu_surface s = surf(gpu_alloc(fd, 0x100000), 1, 16);

	RING_CMD(r, vgpu_cmd_fast_copy_blt, &s, 0, 0, &s, 0, 0, 0x7fff,
		 0x7fff);
}

static void kill_long_blit(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct ring r;
	double t;

	(void)data;
	ring_init(&r, fd, COPY, 0x1000, 0);
	emit_endless_blit(&r, fd);
	igt_assert_eq(ring_submit(&r, 0, DRM_REFGPU_WATCHDOG_MAX_MS, NULL), 0);
	usleep(200000);
	t = now_s();
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_KILL), 0);
	igt_assert_lt(now_s() - t, 2.0);
	st = gpu_wait(fd, COPY, 1000);
	stop_expect(&st, DRM_REFGPU_STOP_RESET);
	igt_assert_eq(st.head, 0);
	run_after_reset(fd, COPY);
	close(fd);
}

static void watchdog_endless_batch(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct ring r;
	double t;
	u64 b;

	(void)data;
	b = endless_batch(fd);
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_batch_start, b, false);
	t = now_s();
	igt_assert_eq(ring_submit(&r, 0, 200, NULL), 0);
	st = gpu_wait(fd, COPY, 10000);
	t = now_s() - t;
	stop_expect(&st, DRM_REFGPU_STOP_HANG);
	igt_info("looping batch killed after %.3f s\n", t);
	igt_assert(t >= 0.19 && t < 5);
	igt_assert_eq(st.level, 1);
	run_after_reset(fd, COPY);
	close(fd);
}

static void watchdog_endless_blit(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct ring r;
	double t;

	(void)data;
	ring_init(&r, fd, COPY, 0x1000, 0);
	emit_endless_blit(&r, fd);
	t = now_s();
	igt_assert_eq(ring_submit(&r, 0, 300, NULL), 0);
	st = gpu_wait(fd, COPY, 10000);
	t = now_s() - t;
	stop_expect(&st, DRM_REFGPU_STOP_HANG);
	igt_info("endless blit killed after %.3f s\n", t);
	igt_assert(t >= 0.29 && t < 5);
	run_after_reset(fd, COPY);
	close(fd);
}

static void watchdog_spares_progress(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct shifts sh;
	struct ring r;
	double t;

	(void)data;
	/* Many short ring commands: a long run, but never stuck. */
	shifts_init(&sh, fd, 1000);
	ring_init(&r, fd, COPY, 0x10000, 0);
	shifts_ring(&sh, &r);
	t = now_s();
	igt_assert_eq(ring_submit(&r, 0, 50, NULL), 0);
	st = gpu_wait(fd, COPY, 60000);
	igt_info("1000 shifts took %.3f s with a 50 ms watchdog\n",
		 now_s() - t);
	stop_expect(&st, DRM_REFGPU_STOP_COMPLETE);
	shifts_check(&sh, sh.n);
	close(fd);
}

static void busy_time(void *data)
{
	struct drm_refgpu_info before, after;
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct shifts sh;
	struct ring r;

	(void)data;
	shifts_init(&sh, fd, 200);
	ring_init(&r, fd, COPY, 0x4000, 0);
	shifts_ring(&sh, &r);
	gpu_info(fd, &before);
	st = ring_run(&r);
	gpu_info(fd, &after);
	igt_assert_gt(st.busy_ns, 0);
	igt_assert_eq_u64(after.context_busy_ns[COPY], st.busy_ns);
	igt_assert_gte(after.engine_busy_ns[COPY] - before.engine_busy_ns[COPY],
		       st.busy_ns);
	igt_assert_eq_u64(after.engine_busy_ns[RENDER] -
			  before.engine_busy_ns[RENDER], 0);
	close(fd);
}

static void both_engines_at_once(void *data)
{
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct ring rc, rr;
	u64 b, d;

	(void)data;
	/* The copy engine loops; the render engine is not held up by it. */
	b = endless_batch(fd);
	ring_init(&rc, fd, COPY, 0x1000, 0);
	RING_CMD(&rc, vgpu_cmd_batch_start, b, false);
	igt_assert_eq(ring_submit(&rc, 0, DRM_REFGPU_WATCHDOG_MAX_MS, NULL),
		      0);
	d = gpu_alloc(fd, 0x1000);
	ring_init(&rr, fd, RENDER, 0x1000, 0);
	RING_CMD(&rr, vgpu_cmd_store_dword, d, 0x4e4e);
	ring_run(&rr);
	igt_assert_eq_u32(gpu_rd32(fd, d), 0x4e4e);
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_KILL), 0);
	st = gpu_wait(fd, COPY, 1000);
	stop_expect(&st, DRM_REFGPU_STOP_RESET);
	close(fd);
}

static void second_gpu(void *data)
{
	char bdf[32];
	int fd;

	(void)data;
	igt_require_f(!refgpu_function(1, bdf, sizeof(bdf)),
		      "only one reference GPU (run-vm --refgpus 1)\n");
	igt_assert_lt(1, bound_functions());
	fd = gpu_open(1);
	run_after_reset(fd, COPY);
	run_after_reset(fd, RENDER);
	close(fd);
}

static void close_while_running(void *data)
{
	int fd = gpu_open(0), fd2;
	struct ring r;
	u64 b;

	(void)data;
	/* Closing a file kills its running contexts and frees its memory. */
	b = endless_batch(fd);
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_batch_start, b, false);
	igt_assert_eq(ring_submit(&r, 0, DRM_REFGPU_WATCHDOG_MAX_MS, NULL), 0);
	usleep(50000);
	close(fd);
	fd2 = gpu_open(0);
	run_after_reset(fd2, COPY);
	close(fd2);
}

/* Clear a page under a running workload, again and again. */
static void pte_churn_while_running(void *data)
{
	u32 iter, faults = 0;
	struct drm_refgpu_stop st;
	int fd = gpu_open(0);
	struct shifts sh;
	struct ring r;
	u64 page, pte;

	(void)data;
	shifts_init(&sh, fd, 1000);
	ring_init(&r, fd, COPY, 0x10000, 0);
	shifts_ring(&sh, &r);
	srand(1);
	for (iter = 0; iter < 20; iter++) {
		r.set = true;
		igt_assert_eq(ring_submit(&r, 0, 0, NULL), 0);
		usleep(rand() % 20000);
		page = sh.surf + (u64)(rand() % (SHIFT_PITCH * SHIFT_H / PAGE)) *
		       PAGE;
		igt_assert_eq(pte_op(fd, page, DRM_REFGPU_PTE_CLEAR, &pte), 0);
		igt_assert_eq_u64(pte, 0);
		st = gpu_wait(fd, COPY, 10000);
		if (st.reason == DRM_REFGPU_STOP_FAULT) {
			igt_assert_eq_u64(st.fault_addr & ~(u64)(PAGE - 1),
					  page);
			faults++;
		} else {
			stop_expect(&st, DRM_REFGPU_STOP_COMPLETE);
		}
		igt_assert_eq(pte_op(fd, page, DRM_REFGPU_PTE_RESTORE, &pte),
			      0);
		igt_assert(pte & VGPU_GGTT_PTE_PRESENT);
	}
	igt_info("%u of 20 runs faulted on the page cleared under them\n",
		 faults);
	igt_assert_gt(faults, 0);
	close(fd);
}

/* One client of the stress test: run, and disturb, its own workloads. */
static void stress_client(int id, u32 engine, int iterations)
{
	u32 dw[SHIFT_CMD_BYTES / 4], i, op;
	struct drm_refgpu_submit s;
	struct drm_refgpu_stop st;
	int fd = gpu_open(0), ret, it;
	struct vgpu_cmd c;
	struct shifts sh;
	struct ring r;

	srand(id * 7919 + 1);
	shifts_init(&sh, fd, 100);
	ring_init(&r, fd, engine, 0x4000, 0);
	for (i = 0; i < sh.n; i++) {
		/* Blits on the copy engine, post-sync writes on render. */
		vgpu_cmd_init(&c, dw, sizeof(dw));
		if (engine == COPY) {
			shifts_cmd(&sh, &c, i);
		} else {
			igt_assert_eq(vgpu_cmd_store_dword(&c, sh.counter, i),
				      0);
			igt_assert_eq(vgpu_cmd_pipe_control_store(&c,
								  sh.counter + 8,
								  i), 0);
		}
		ring_emit(&r, dw, c.len);
	}
	for (it = 0; it < iterations; it++) {
		/* The engine may be taken by another client: retry. */
		r.set = true;
		while ((ret = ring_submit(&r, 0, 0, &s)) == -EBUSY)
			usleep(rand() % 2000);
		igt_assert_eq(ret, 0);
		usleep(rand() % 5000);
		op = rand() % 4;
		if (op <= DRM_REFGPU_OP_RESET)
			ret = engine_op(fd, engine, op);
		st = gpu_wait(fd, engine, 10000);
		/* Another client's engine reset may kill this run too. */
		igt_assert_f(st.reason <= DRM_REFGPU_STOP_PREEMPTED ||
			     st.reason == DRM_REFGPU_STOP_RESET,
			     "client %d: stop reason %u\n", id, st.reason);
		if (st.reason != DRM_REFGPU_STOP_PREEMPTED)
			continue;
		/* Resume the preempted run; it may be reset meanwhile. */
		while ((ret = ring_submit(&r, DRM_REFGPU_SUBMIT_WAIT, 0,
					  &s)) == -EBUSY)
			usleep(rand() % 2000);
		igt_assert_eq(ret, 0);
		igt_assert(s.stop.reason == DRM_REFGPU_STOP_COMPLETE ||
			   s.stop.reason == DRM_REFGPU_STOP_PREEMPTED ||
			   s.stop.reason == DRM_REFGPU_STOP_RESET);
	}
	close(fd);
}

static void stress_controls(void *data)
{
	static const u32 engines[] = { COPY, COPY, COPY, RENDER, RENDER };
	pid_t pid[IGT_ARRAY_SIZE(engines)];
	int status, fd;
	u32 i;

	(void)data;
	for (i = 0; i < IGT_ARRAY_SIZE(engines); i++) {
		pid[i] = fork();
		igt_assert(pid[i] >= 0);
		if (!pid[i]) {
			stress_client(i, engines[i], 100);
			_exit(0);
		}
	}
	for (i = 0; i < IGT_ARRAY_SIZE(engines); i++) {
		igt_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
			     "client %u failed (status %#x)\n", i, status);
	}
	/* Both engines still work. */
	fd = gpu_open(0);
	run_after_reset(fd, COPY);
	run_after_reset(fd, RENDER);
	close(fd);
}

/* ---- the uAPI's refusals ---- */

/* A well-formed submission of @r with @flags, as the kernel expects it. */
static struct drm_refgpu_submit submit_args(const struct ring *r, u32 flags)
{
	return (struct drm_refgpu_submit){
		.engine = r->engine,
		.flags = flags | DRM_REFGPU_SUBMIT_SET_RING,
		.ring_start = r->base,
		.ring_size = r->size,
		.head = r->head,
		.tail = r->tail,
	};
}

static int submit(int fd, struct drm_refgpu_submit *s)
{
	return refgpu_ioctl(fd, DRM_IOCTL_REFGPU_SUBMIT, s);
}

static void uapi_nonzero_padding(void *data)
{
	struct drm_refgpu_bo_alloc a = { .size = PAGE, .pad = 1 };
	struct drm_refgpu_pte p;
	struct drm_refgpu_submit s;
	struct drm_refgpu_info info;
	int fd = gpu_open(0);
	struct ring r;

	(void)data;
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_ALLOC, &a), -EINVAL);
	a = (struct drm_refgpu_bo_alloc){ .size = PAGE, .flags = 1 };
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_ALLOC, &a), -EINVAL);
	ring_init(&r, fd, COPY, 0x1000, 0);
	p = (struct drm_refgpu_pte){ .gfx_addr = r.base, .pad = 1 };
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_PTE, &p), -EINVAL);
	RING_CMD(&r, vgpu_cmd_noop);
	/*
	 * Flags nobody defined; ring fields without SET_RING; a wait time
	 * without WAIT.
	 */
	s = submit_args(&r, DRM_REFGPU_SUBMIT_FLAGS + 1);
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s = submit_args(&r, 0);
	s.flags = 0;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s.ring_start = 0;
	s.ring_size = 0;
	s.head = PAGE / 2;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s = submit_args(&r, 0);
	s.timeout_ms = 1;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	/* Nothing was created by what was refused. */
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_PREEMPT), -ENOENT);
	gpu_info(fd, &info);
	igt_assert_eq_u64(info.bo_bytes, r.size);
	/* The same calls with the fields right work. */
	s = submit_args(&r, DRM_REFGPU_SUBMIT_WAIT);
	igt_assert_eq(submit(fd, &s), 0);
	stop_expect(&s.stop, DRM_REFGPU_STOP_COMPLETE);
	close(fd);
}

static void uapi_bad_values(void *data)
{
	static const u32 bad_engines[] = { DRM_REFGPU_ENGINE_COUNT, 0x80000000,
					   UINT32_MAX };
	int fd = gpu_open(0), fd2 = gpu_open(0);
	struct drm_refgpu_info info;
	struct drm_refgpu_submit s;
	struct drm_refgpu_wait w;
	u64 d, other, addr;
	struct ring r;
	u32 i;

	(void)data;
	gpu_info(fd, &info);
	d = gpu_alloc(fd, PAGE);
	other = gpu_alloc(fd2, PAGE);
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_store_dword, d, 1);
	/* Before the first submission there is nothing to wait for or stop. */
	igt_assert_eq(gpu_wait_ret(fd, COPY, 1, NULL), -ENOENT);
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_PREEMPT), -ENOENT);
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_KILL), -ENOENT);
	/* Engines the GPU does not have, operations that do not exist. */
	for (i = 0; i < IGT_ARRAY_SIZE(bad_engines); i++) {
		s = submit_args(&r, 0);
		s.engine = bad_engines[i];
		igt_assert_eq(submit(fd, &s), -EINVAL);
		igt_assert_eq(gpu_wait_ret(fd, bad_engines[i], 1, NULL),
			      -EINVAL);
		igt_assert_eq(engine_op(fd, bad_engines[i],
					DRM_REFGPU_OP_PREEMPT), -EINVAL);
	}
	igt_assert_eq(engine_op(fd, COPY, DRM_REFGPU_OP_RESET + 1), -EINVAL);
	igt_assert_eq(pte_op(fd, d, DRM_REFGPU_PTE_RESTORE + 1, NULL),
		      -EINVAL);
	/* Entries: page aligned, inside the space, of this file's buffers. */
	igt_assert_eq(pte_op(fd, d + 4, DRM_REFGPU_PTE_READ, NULL), -EINVAL);
	igt_assert_eq(pte_op(fd, info.gfx_size, DRM_REFGPU_PTE_READ, NULL),
		      -EINVAL);
	addr = UINT64_MAX & ~(u64)(PAGE - 1);
	igt_assert_eq(pte_op(fd, addr, DRM_REFGPU_PTE_READ, NULL), -EINVAL);
	igt_assert_eq(pte_op(fd, other, DRM_REFGPU_PTE_CLEAR, NULL), -ENOENT);
	igt_assert_eq(pte_op(fd, other, DRM_REFGPU_PTE_READ, NULL), 0);
	/* Buffers: sizes 1 .. the file's limit; frees of whole buffers. */
	igt_assert_eq(refgpu_bo_alloc(fd, 0, &addr), -EINVAL);
	igt_assert_eq(refgpu_bo_alloc(fd, DRM_REFGPU_FILE_BYTES_MAX + 1, &addr),
		      -EINVAL);
	igt_assert_eq(refgpu_bo_alloc(fd, UINT64_MAX, &addr), -EINVAL);
	igt_assert_eq(refgpu_bo_free(fd, d + 4), -ENOENT);
	igt_assert_eq(refgpu_bo_free(fd, other), -ENOENT);
	/* Budgets and waits within their bounds. */
	s = submit_args(&r, 0);
	s.watchdog_ms = DRM_REFGPU_WATCHDOG_MAX_MS + 1;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s = submit_args(&r, DRM_REFGPU_SUBMIT_WAIT);
	s.timeout_ms = DRM_REFGPU_TIMEOUT_MAX_MS + 1;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	w = (struct drm_refgpu_wait){
		.engine = COPY, .timeout_ms = DRM_REFGPU_TIMEOUT_MAX_MS + 1,
	};
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_WAIT, &w), -EINVAL);
	/* Rings the engine cannot run; a tail beyond the ring. */
	s = submit_args(&r, 0);
	s.ring_size = r.size + 4;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s = submit_args(&r, 0);
	s.ring_start = r.base + 4;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s = submit_args(&r, 0);
	s.head = r.size;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	s = submit_args(&r, 0);
	s.tail = r.size;
	igt_assert_eq(submit(fd, &s), -EINVAL);
	/* Nothing ran; the file works. */
	igt_assert_eq_u32(gpu_rd32(fd, d), 0);
	ring_run(&r);
	igt_assert_eq_u32(gpu_rd32(fd, d), 1);
	close(fd);
	close(fd2);
}

static void bo_bytes_limit(void *data)
{
	int fd = gpu_open(0), fd2 = gpu_open(0);
	struct drm_refgpu_info info;
	u64 big, small, addr;

	(void)data;
	big = gpu_alloc(fd, DRM_REFGPU_FILE_BYTES_MAX - PAGE);
	igt_assert_eq(refgpu_bo_alloc(fd, 2 * PAGE, &addr), -ENOSPC);
	small = gpu_alloc(fd, 1);
	gpu_info(fd, &info);
	igt_assert_eq_u64(info.bo_bytes, DRM_REFGPU_FILE_BYTES_MAX);
	igt_assert_eq(refgpu_bo_alloc(fd, 1, &addr), -ENOSPC);
	/* The limit is the file's: another file still allocates. */
	gpu_alloc(fd2, PAGE);
	/* Freeing gives the bytes back. */
	igt_assert_eq(refgpu_bo_free(fd, small), 0);
	igt_assert_eq(refgpu_bo_free(fd, big), 0);
	gpu_alloc(fd, 2 * PAGE);
	gpu_info(fd, &info);
	igt_assert_eq_u64(info.bo_bytes, 2 * PAGE);
	close(fd);
	close(fd2);
}

static void bo_read_write_bounds(void *data)
{
	int fd = gpu_open(0), fd2 = gpu_open(0);
	u8 out[2 * PAGE], in[2 * PAGE + 8];
	struct drm_refgpu_info info;
	u64 a, other;
	void *ro;
	u32 i;

	(void)data;
	gpu_info(fd, &info);
	a = gpu_alloc(fd, 2 * PAGE);
	other = gpu_alloc(fd2, PAGE);
	for (i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 13 + 1);
	/* The whole buffer, both ways. */
	gpu_write(fd, a, out, sizeof(out));
	memset(in, 0, sizeof(in));
	gpu_read(fd, a, in, sizeof(out));
	igt_assert(!memcmp(in, out, sizeof(out)));
	/* Empty, or running past the end of the buffer. */
	igt_assert_eq(refgpu_bo_read(fd, a, in, 0), -EINVAL);
	igt_assert_eq(refgpu_bo_write(fd, a, in, 0), -EINVAL);
	igt_assert_eq(refgpu_bo_read(fd, a + 2 * PAGE - 4, in, 8), -EINVAL);
	igt_assert_eq(refgpu_bo_write(fd, a + 2 * PAGE - 4, in, 8), -EINVAL);
	igt_assert_eq(refgpu_bo_read(fd, a, in, 2 * PAGE + 1), -EINVAL);
	igt_assert_eq(refgpu_bo_read(fd, a + 4, in, UINT64_MAX), -EINVAL);
	igt_assert_eq(refgpu_bo_write(fd, a + 4, in, UINT64_MAX), -EINVAL);
	/* Outside the file's buffers, or the graphics address space. */
	igt_assert_eq(refgpu_bo_read(fd, a + 2 * PAGE, in, 4), -ENOENT);
	igt_assert_eq(refgpu_bo_read(fd, other, in, 4), -ENOENT);
	igt_assert_eq(refgpu_bo_write(fd, other, in, 4), -ENOENT);
	igt_assert_eq(refgpu_bo_read(fd, info.gfx_size, in, 4), -EINVAL);
	igt_assert_eq(refgpu_bo_write(fd, UINT64_MAX - 3, in, 4), -EINVAL);
	/* User memory the kernel cannot write to. */
	igt_assert_eq(refgpu_bo_read(fd, a, (void *)(uintptr_t)PAGE, 4),
		      -EFAULT);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);
	igt_assert_eq(refgpu_bo_read(fd, a, ro, 4), -EFAULT);
	munmap(ro, PAGE);
	/* What was refused changed nothing. */
	gpu_read(fd, a, in, sizeof(out));
	igt_assert(!memcmp(in, out, sizeof(out)));
	gpu_read(fd2, other, in, 4);
	igt_assert_eq_u32(*(u32 *)in, 0);
	/* User memory it cannot read (the range's contents are undefined). */
	igt_assert_eq(refgpu_bo_write(fd, a, (void *)(uintptr_t)PAGE, 4),
		      -EFAULT);
	/* A freed buffer is gone. */
	igt_assert_eq(refgpu_bo_free(fd, a), 0);
	igt_assert_eq(refgpu_bo_read(fd, a, in, 4), -ENOENT);
	close(fd);
	close(fd2);
}

/* Drop CAP_SYS_ADMIN from this process's effective set. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct cap[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, cap))
		return -errno;
	cap[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &=
		~CAP_TO_MASK(CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, cap) ? -errno : 0;
}

static void open_needs_cap_sys_admin(void *data)
{
	struct drm_refgpu_info info;
	char bdf[32], node[64];
	int fd, status;
	pid_t pid;

	(void)data;
	igt_assert_eq(refgpu_function(0, bdf, sizeof(bdf)), 0);
	igt_assert_eq(refgpu_render_node(bdf, node, sizeof(node)), 0);
	fd = gpu_open(0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		/* Still root to the file's mode, not to the driver. */
		igt_assert_eq(drop_sys_admin(), 0);
		igt_assert_eq(open(node, O_RDWR), -1);
		igt_assert_eq(errno, EPERM);
		/* The check is the opener's: a file opened before works. */
		gpu_info(fd, &info);
		_exit(0);
	}
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
		     "unprivileged child failed (status %#x)\n", status);
	close(fd);
}

/* ---- discovery ---- */

/* @path with every link followed, into @buf (PATH_MAX bytes). */
static const char *resolve(const char *path, char *buf)
{
	igt_assert_f(realpath(path, buf), "no path %s: %s\n", path,
		     strerror(errno));
	return buf;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

/* Whether the uevent file @path has the line @line. */
static bool uevent_has(const char *path, const char *line)
{
	char buf[256];
	bool found = false;
	FILE *f = fopen(path, "r");

	igt_assert_f(f, "cannot open %s\n", path);
	while (!found && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		found = !strcmp(buf, line);
	}
	fclose(f);
	return found;
}

/*
 * What libdrm's drmGetDevice2() reads for a render node (its character
 * device's sysfs directory: the device link, its subsystem, the PCI slot
 * and IDs), and what DRM_IOCTL_VERSION says the driver is.
 */
static void check_node(const char *bdf, const char *node)
{
	char dev[128], path[192], got[PATH_MAX], want[PATH_MAX];
	char name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
	struct stat st;
	int fd;

	igt_assert_eq(stat(node, &st), 0);
	igt_assert(S_ISCHR(st.st_mode));
	igt_assert_eq(major(st.st_rdev), DRM_CHAR_MAJOR);
	igt_assert_lte(DRM_RENDER_MINOR_BASE, minor(st.st_rdev));
	snprintf(dev, sizeof(dev), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	/* The node's device is the GPU's PCI function, on the PCI bus. */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	resolve(path, want);
	igt_assert_eq_str(resolve(dev, got), want);
	snprintf(path, sizeof(path), "%s/subsystem", dev);
	igt_assert_f(ends_with(resolve(path, got), "/bus/pci"), "%s\n", got);
	snprintf(path, sizeof(path), "%s/driver", dev);
	igt_assert_f(ends_with(resolve(path, got), "/drivers/refgpu"), "%s\n",
		     got);
	snprintf(path, sizeof(path), "%s/uevent", dev);
	snprintf(want, sizeof(want), "PCI_SLOT_NAME=%s", bdf);
	igt_assert_f(uevent_has(path, want), "%s lacks %s\n", path, want);
	igt_assert_eq_u32(pci_attr(bdf, "vendor"), QEMU_EDU_VENDOR);
	igt_assert_eq_u32(pci_attr(bdf, "device"), QEMU_EDU_DEVICE);
	/* The node is the device's, under the device's drm directory. */
	snprintf(path, sizeof(path), "%s/drm/%s", dev, strrchr(node, '/') + 1);
	igt_assert_eq(access(path, F_OK), 0);
	/* DRM_IOCTL_VERSION names the driver. */
	fd = open(node, O_RDWR | O_CLOEXEC);
	igt_assert_lte(0, fd);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_VERSION, &v), 0);
	igt_assert_eq_str(name, REFGPU_DRM_NAME);
	igt_assert_eq(v.version_major, 1);
	close(fd);
}

static void render_node_discovery(void *data)
{
	char bdf[32], node[64];
	int i;

	(void)data;
	for (i = 0; !refgpu_function(i, bdf, sizeof(bdf)); i++) {
		igt_assert_eq(refgpu_render_node(bdf, node, sizeof(node)), 0);
		igt_info("GPU %d: %s at %s\n", i, node, bdf);
		check_node(bdf, node);
	}
	igt_assert_lt(0, i);
	igt_assert_eq(i, bound_functions());
}

/* ---- a file that outlives its GPU ---- */

static void pci_driver_write(const char *attr, const char *bdf)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), REFGPU_PCI_DRIVER "/%s", attr);
	fd = open(path, O_WRONLY);
	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(errno));
	igt_assert_eq(write(fd, bdf, strlen(bdf)), (ssize_t)strlen(bdf));
	close(fd);
}

/* Calls on the file until the GPU goes; after that, only -ENODEV. */
static void unbind_hammer(int fd, int id)
{
	u8 buf[64];
	u64 addr;
	int ret;

	for (;;) {
		ret = refgpu_bo_alloc(fd, PAGE * (id + 1), &addr);
		if (!ret) {
			ret = refgpu_bo_write(fd, addr, buf, sizeof(buf));
			if (!ret)
				ret = refgpu_bo_read(fd, addr, buf,
						     sizeof(buf));
			if (!ret)
				ret = refgpu_bo_free(fd, addr);
		}
		if (ret == -ENODEV)
			break;
		igt_assert_eq(ret, 0);
	}
	igt_assert_eq(refgpu_bo_alloc(fd, PAGE, &addr), -ENODEV);
	igt_assert_eq(refgpu_bo_read(fd, addr, buf, 4), -ENODEV);
}

#define UNBIND_HAMMERS	3

/*
 * The client side of fd-after-unbind: a run in flight, a waiter and
 * hammering clients on one file; after @go, every call fails -ENODEV.
 */
static void unbind_client(int index, const char *node, int ready, int go)
{
	struct drm_refgpu_submit s = { .engine = COPY };
	struct drm_refgpu_engine_op op = { .engine = COPY };
	struct drm_refgpu_wait w = { .engine = COPY };
	struct drm_refgpu_bo_rw rw = { .size = 4 };
	struct drm_refgpu_bo_free f = { 0 };
	struct drm_refgpu_bo_alloc a = { .size = PAGE };
	struct drm_refgpu_pte p = { 0 };
	struct drm_version version = { 0 };
	struct drm_refgpu_info info;
	int fd = gpu_open(index), i, status;
	pid_t pid[UNBIND_HAMMERS + 1];
	struct stat st;
	struct ring r;
	u64 d, b;
	char c;

	d = gpu_alloc(fd, PAGE);
	b = endless_batch(fd);
	ring_init(&r, fd, COPY, 0x1000, 0);
	RING_CMD(&r, vgpu_cmd_batch_start, b, false);
	igt_assert_eq(ring_submit(&r, 0, DRM_REFGPU_WATCHDOG_MAX_MS, NULL), 0);
	for (i = 0; i <= UNBIND_HAMMERS; i++) {
		pid[i] = fork();
		igt_assert(pid[i] >= 0);
		if (pid[i])
			continue;
		if (i == UNBIND_HAMMERS)
			/* The waiter learns the GPU is gone. */
			igt_assert_eq(gpu_wait_ret(fd, COPY,
						   DRM_REFGPU_TIMEOUT_MAX_MS,
						   NULL), -ENODEV);
		else
			unbind_hammer(fd, i);
		_exit(0);
	}
	igt_assert_eq(write(ready, "r", 1), 1);
	igt_assert_eq(read(go, &c, 1), 1);

	for (i = 0; i <= UNBIND_HAMMERS; i++) {
		igt_assert_eq(waitpid(pid[i], &status, 0), pid[i]);
		igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
			     "client %d failed (status %#x)\n", i, status);
	}
	/* Every call, the driver's and DRM's own. */
	a.size = PAGE;
	f.gfx_addr = d;
	rw.gfx_addr = d;
	rw.data = (uintptr_t)&c;
	p.gfx_addr = d;
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_INFO, &info), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_ALLOC, &a), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_FREE, &f), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_READ, &rw), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_WRITE, &rw),
		      -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_PTE, &p), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_SUBMIT, &s), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_WAIT, &w), -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_ENGINE_OP, &op),
		      -ENODEV);
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_VERSION, &version), -ENODEV);
	/* The node went with the device. */
	igt_assert_eq(stat(node, &st), -1);
	igt_assert_eq(errno, ENOENT);
	close(fd);
}

static void fd_after_unbind(void *data)
{
	int ready[2], go[2], index, status;
	char bdf[32], node[64], c;
	pid_t pid;

	(void)data;
	/* The last GPU: the others keep their numbers while it is gone. */
	index = bound_functions() - 1;
	igt_assert_lte(0, index);
	igt_assert_eq(refgpu_function(index, bdf, sizeof(bdf)), 0);
	igt_assert_eq(refgpu_render_node(bdf, node, sizeof(node)), 0);
	igt_assert(!pipe(ready) && !pipe(go));
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		unbind_client(index, node, ready[1], go[0]);
		_exit(0);
	}
	igt_assert_eq(read(ready[0], &c, 1), 1);
	/* Let the waiter block and the clients get going. */
	usleep(200000);
	pci_driver_write("unbind", bdf);
	igt_assert_eq(write(go[1], "g", 1), 1);
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	/* Bound again whatever the client saw, then judged. */
	pci_driver_write("bind", bdf);
	igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
		     "client of the unbound GPU failed (status %#x)\n", status);
	igt_assert_eq(refgpu_render_node(bdf, node, sizeof(node)), 0);
	status = gpu_open(index);
	run_after_reset(status, COPY);
	close(status);
}

static const struct igt_subtest subtests[] = {
	{ "device-and-info", device_and_info,
	  "refgpu.0 is a bound PCI function with 4 GiB and two engines" },
	{ "buffers-and-ptes", buffers_and_ptes,
	  "buffers get disjoint mapped ranges; freeing clears them" },
	{ "store-both-engines", store_both_engines,
	  "MI_STORE_DATA_IMM dword and qword on render and copy" },
	{ "lri-srm-gprs", lri_srm_gprs,
	  "LRI to GPRs and SRM back on both engines" },
	{ "srm-timestamp-advances", srm_timestamp_advances,
	  "the timestamp runs at 12 MHz (SRM and PIPE_CONTROL)" },
	{ "user-interrupts", user_interrupts,
	  "each MI_USER_INTERRUPT reaches the client" },
	{ "flush-dw-post-sync", flush_dw_post_sync,
	  "MI_FLUSH_DW stores dword, qword and timestamp" },
	{ "pipe-control-post-sync", pipe_control_post_sync,
	  "PIPE_CONTROL stores immediate, zero and timestamp" },
	{ "batch-chain-and-second-level", batch_chain_and_second_level,
	  "first-level batch calls a second level that chains" },
	{ "color-blt-depths", color_blt_depths,
	  "XY_COLOR_BLT at 8, 565, 1555 and 32 bpp, exact pixels" },
	{ "src-copy-overlap", src_copy_overlap,
	  "an overlapping XY_SRC_COPY_BLT reads before it writes" },
	{ "fast-copy-depths", fast_copy_depths,
	  "XY_FAST_COPY_BLT at 8 to 128 bpp, exact pixels" },
	{ "blt-write-mask", blt_write_mask,
	  "32 bpp write enables keep the other channels" },
	{ "ring-wrap", ring_wrap,
	  "a command wrapping the end of the ring executes" },
	{ "extend-running-context", extend_running_context,
	  "moving the tail of a running context extends its run" },
	{ "command-error-reported", command_error_reported,
	  "refused commands stop the context with reason and position" },
	{ "fault-on-unmapped-page", fault_on_unmapped_page,
	  "an unmapped page stops a blit with the faulting address" },
	{ "preempt-resume-ring", preempt_resume_ring,
	  "preemption stops at a command boundary and resumes exactly" },
	{ "preempt-resume-batch", preempt_resume_batch,
	  "preemption inside a batch resumes inside the batch" },
	{ "preempt-switch-clients", preempt_switch_clients,
	  "another client runs while a preempted one waits" },
	{ "engine-reset-kills-running", engine_reset_kills_running,
	  "an engine reset stops a looping context; the engine works" },
	{ "kill-long-blit", kill_long_blit,
	  "killing a context cuts a 16 GiB blit short" },
	{ "watchdog-endless-batch", watchdog_endless_batch,
	  "the watchdog stops a batch that chains to itself" },
	{ "watchdog-endless-blit", watchdog_endless_blit,
	  "the watchdog stops a blit that would run for minutes" },
	{ "watchdog-spares-progress", watchdog_spares_progress,
	  "a long run of short commands outlives a short watchdog" },
	{ "busy-time", busy_time,
	  "engine and context busy time account for a run" },
	{ "both-engines-at-once", both_engines_at_once,
	  "render runs while copy is busy" },
	{ "second-gpu", second_gpu,
	  "the second reference GPU (a second PCI function) works too" },
	{ "close-while-running", close_while_running,
	  "closing a file with a running context cleans up" },
	{ "pte-churn-while-running", pte_churn_while_running,
	  "entries cleared under a run fault exactly there, nothing else" },
	{ "stress-controls", stress_controls,
	  "five clients submit, preempt, kill and reset concurrently" },
	{ "uapi-nonzero-padding", uapi_nonzero_padding,
	  "padding, undefined flags and fields a call does not use must be zero" },
	{ "uapi-bad-values", uapi_bad_values,
	  "engines, operations, entries, sizes, budgets and rings out of range are refused" },
	{ "bo-bytes-limit", bo_bytes_limit,
	  "a file holds at most 256 MiB of buffers" },
	{ "bo-read-write-bounds", bo_read_write_bounds,
	  "reads and writes stay inside one buffer of the file" },
	{ "open-needs-cap-sys-admin", open_needs_cap_sys_admin,
	  "a process without CAP_SYS_ADMIN cannot open the render node" },
	{ "render-node-discovery", render_node_discovery,
	  "each GPU's render node leads libdrm-style to its PCI function; the driver is refgpu" },
	{ "fd-after-unbind", fd_after_unbind,
	  "an open file whose GPU is unbound gets -ENODEV from every call" },
};

IGT_TEST_MAIN("The reference GPU through its native uAPI", subtests,
	      .setup = fixture);
