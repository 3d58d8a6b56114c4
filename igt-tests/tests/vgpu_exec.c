// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_exec: work submitted through a vGPU the way a guest driver submits
 * it (commands in guest memory, a RING_TAIL write) runs on the reference
 * GPU with exact results: stores and post-sync writes on both engines,
 * fills and copies pixel by pixel, batch buffers at both levels, the
 * status page, ring wrap, many submissions in flight, and interrupts
 * arriving on the MSI eventfd. A tail write that must wait for queue room
 * does not hold up the device's other registers.
 */
#include <pthread.h>

#include "vgpu_guest.h"

static void store_dword(void *data)
{
	struct vg g;
	u64 buf;
	int e;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		vg_ring_init(&g, e);
		vg_store(&g, e, buf + 8 * e, 0xc0ffee00 + e);
		VG_CMD(&g, e, vgpu_cmd_store_qword, buf + 16 * e + 32,
		       (u64)(0x22222222 + e) << 32 | 0x11111111);
		vg_run(&g, e);
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[2 * e],
				  0xc0ffee00 + e);
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf + 16 * e + 32))[1],
				  0x22222222 + e);
	}
	vg_destroy(&g);
}

static void post_sync_writes(void *data)
{
	struct vg g;
	u64 buf;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	vg_ring_init(&g, RENDER);
	vg_ring_init(&g, COPY);
	VG_CMD(&g, RENDER, vgpu_cmd_pipe_control_store, buf,
	       0x11223344aabbccddULL);
	vg_run(&g, RENDER);
	VG_CMD(&g, COPY, vgpu_cmd_flush_dw_store, buf + 64, 0x5a5a5a5a);
	vg_run(&g, COPY);
	igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[0], 0xaabbccdd);
	igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[1], 0x11223344);
	igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf + 64))[0], 0x5a5a5a5a);
	vg_destroy(&g);
}

/* A 200 x 50 rectangle filled inside a 256 x 64 surface: exact pixels. */
static void color_fill(void *data)
{
	const u32 pitch = 256 * 4, color = 0xff336699;
	struct vg g;
	u32 x, y, *p;
	u64 surf;

	(void)data;
	vg_start(&g, "small");
	surf = vg_alloc(&g, pitch * 64);
	memset(vg_ptr(&g, surf), 0xee, pitch * 64);
	vg_ring_init(&g, COPY);
	vg_fill(&g, COPY, surf, pitch, 200, 50, color);
	vg_run(&g, COPY);
	p = vg_ptr(&g, surf);
	for (y = 0; y < 64; y++)
		for (x = 0; x < 256; x++)
			igt_assert_f(p[y * 256 + x] ==
				     (x < 200 && y < 50 ? color : 0xeeeeeeee),
				     "pixel %u,%u: %#x\n", x, y, p[y * 256 + x]);
	vg_destroy(&g);
}

static void copies(void *data)
{
	const u32 pitch = 128 * 4, n = 128 * 96;
	struct vgpu_surface fd2, fs;
	u32 i, *src, *dst, *dst2;
	u64 s, d, d2;
	struct vg g;

	(void)data;
	vg_start(&g, "small");
	s = vg_alloc(&g, pitch * 96);
	d = vg_alloc(&g, pitch * 96);
	d2 = vg_alloc(&g, pitch * 96);
	src = vg_ptr(&g, s);
	for (i = 0; i < n; i++)
		src[i] = i * 2654435761U;
	vg_ring_init(&g, COPY);
	vg_copy(&g, COPY, d, s, pitch, 128, 96);
	fd2 = vg_surf32(d2, pitch);
	fs = vg_surf32(s, pitch);
	VG_CMD(&g, COPY, vgpu_cmd_fast_copy_blt, &fd2, 0, 0, &fs, 0, 0, 128, 96);
	vg_run(&g, COPY);
	dst = vg_ptr(&g, d);
	dst2 = vg_ptr(&g, d2);
	for (i = 0; i < n; i++) {
		igt_assert_eq_u32(dst[i], src[i]);
		igt_assert_eq_u32(dst2[i], src[i]);
	}
	vg_destroy(&g);
}

/* Ring -> first-level batch -> second-level batch (render), and back. */
static void batch_buffers(void *data)
{
	struct vgpu_surface surf;
	struct vgpu_cmd c;
	u64 b1, b2, buf;
	struct vg g;
	u32 *p;
	int e;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	b1 = vg_alloc(&g, PAGE);
	b2 = vg_alloc(&g, PAGE);
	/* b1: store, call b2 (second level), store, end. */
	vg_batch_init(&g, &c, b1, PAGE);
	VG_OK(vgpu_cmd_store_dword(&c, buf, 0x1111));
	VG_OK(vgpu_cmd_batch_start(&c, b2, true));
	VG_OK(vgpu_cmd_store_dword(&c, buf + 8, 0x3333));
	VG_OK(vgpu_cmd_end(&c));
	vg_batch_init(&g, &c, b2, PAGE);
	VG_OK(vgpu_cmd_store_dword(&c, buf + 4, 0x2222));
	VG_OK(vgpu_cmd_end(&c));
	vg_ring_init(&g, RENDER);
	VG_CMD(&g, RENDER, vgpu_cmd_batch_start, b1, false);
	vg_store(&g, RENDER, buf + 12, 0x4444);
	vg_run(&g, RENDER);
	p = vg_ptr(&g, buf);
	igt_assert_eq_u32(p[0], 0x1111);
	igt_assert_eq_u32(p[1], 0x2222);
	igt_assert_eq_u32(p[2], 0x3333);
	igt_assert_eq_u32(p[3], 0x4444);

	/* Copy engine: a first-level batch with a fill. */
	e = COPY;
	vg_ring_init(&g, e);
	memset(vg_ptr(&g, b1), 0, PAGE);
	vg_batch_init(&g, &c, b1, PAGE);
	surf = vg_surf32(buf + 1024, 64);
	VG_OK(vgpu_cmd_color_blt(&c, &surf, 0, 0, 16, 4, 0x77777777));
	VG_OK(vgpu_cmd_end(&c));
	VG_CMD(&g, e, vgpu_cmd_batch_start, b1, false);
	vg_run(&g, e);
	vg_check_fill(&g, buf + 1024, 64, 0x77777777);
	vg_destroy(&g);
}

static void status_page_and_wrap(void *data)
{
	u32 *hws, head, i, j, n = 0;
	struct vg g;
	u64 buf;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, 4 * PAGE);
	vg_ring_init(&g, RENDER);
	hws = vg_ptr(&g, g.ring[RENDER].hws);
	/* 5 submissions of 250 stores (4000 bytes): the 16 KiB ring wraps. */
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 250; j++, n++)
			vg_store(&g, RENDER, buf + 4 * (n % 4096), n);
		vg_run(&g, RENDER);
		head = vg_rd(&g, VGPU_RING_HEAD(VGPU_RENDER_RING_BASE));
		igt_assert_eq_u32(hws[VGPU_HWS_HEAD / 4], head);
		igt_assert_eq_u32(hws[VGPU_HWS_COMPLETED / 4], i + 1);
	}
	igt_assert_eq_u32(head >> VGPU_RING_HEAD_WRAP_SHIFT, 1);
	for (i = 0; i < n; i++)
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[i % 4096], i);
	vg_destroy(&g);
}

static void many_in_flight(void *data)
{
	const u32 n = 200;
	struct vg g;
	u32 i, *hws;
	u64 buf, fill;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	fill = vg_alloc(&g, 1 << 20);
	vg_ring_init(&g, COPY);
	hws = vg_ptr(&g, g.ring[COPY].hws);
	for (i = 0; i < n; i++) {
		/* Something to keep the engine busy, then a seqno. */
		vg_fill(&g, COPY, fill, 4096, 1024, 16, i);
		vg_store(&g, COPY, buf + 4 * i, i + 1);
		vg_submit(&g, COPY);
	}
	igt_assert_eq(vg_wait(&g, COPY, 60), 0);
	for (i = 0; i < n; i++)
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[i], i + 1);
	igt_assert_eq_u32(hws[VGPU_HWS_COMPLETED / 4], n);
	vg_check_fill(&g, fill, 1024 * 16, n - 1);
	vg_destroy(&g);
}

/*
 * Batches whose length is an odd number of dwords, each submitted while
 * the earlier ones are still queued: the next batch's shadow copy starts
 * where the last one ended, rounded up to the parser's alignment (a
 * regression: it started unaligned and the audit failed with HOST_ERROR).
 */
static void odd_length_batches(void *data)
{
	const u32 n = 16;
	u64 buf, fill, batches;
	struct vg g;
	struct vgpu_surface surf;
	struct vgpu_cmd c;
	u32 i;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	fill = vg_alloc(&g, 1 << 20);
	surf = vg_surf32(fill, 4096);
	batches = vg_alloc(&g, n * PAGE);
	vg_ring_init(&g, COPY);
	for (i = 0; i < n; i++) {
		/* A fill to keep the engine busy, a no-op, a store: 13 dwords. */
		vg_batch_init(&g, &c, batches + i * PAGE, PAGE);
		VG_OK(vgpu_cmd_color_blt(&c, &surf, 0, 0, 1024, 64, i));
		VG_OK(vgpu_cmd_noop(&c));
		VG_OK(vgpu_cmd_store_dword(&c, buf + 4 * i, i + 1));
		VG_OK(vgpu_cmd_end(&c));
		VG_CMD(&g, COPY, vgpu_cmd_batch_start, batches + i * PAGE,
		       false);
		vg_submit(&g, COPY);
		igt_assert_eq_u32(vg_error(&g, COPY), 0);
	}
	igt_assert_eq(vg_wait(&g, COPY, 60), 0);
	for (i = 0; i < n; i++)
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[i], i + 1);
	vg_check_fill(&g, fill, 1024 * 64, n - 1);
	vg_destroy(&g);
}

static void msi_interrupts(void *data)
{
	struct vg g;
	__u64 count;
	u64 buf;
	int e;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	vg_enable_msi(&g);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		vg_ring_init(&g, e);
		vg_store(&g, e, buf, e);
		VG_CMD(&g, e, vgpu_cmd_user_interrupt);
		vg_submit(&g, e);
		igt_assert_eq(vfio_eventfd_wait(g.irq_fd, 10000, &count), 0);
		igt_assert_eq(vg_wait(&g, e, 10), 0);
		igt_assert(vg_rd(&g, VGPU_REG_MASTER_IRQ) &
			   (e == RENDER ? VGPU_MASTER_IRQ_RENDER :
					  VGPU_MASTER_IRQ_COPY));
		igt_assert(vg_rd(&g, VGPU_REG_GT_IIR(0)) &
			   VGPU_GT_IRQ_USER(e));
		/* Clear; with nothing pending no further message comes. */
		vg_wr(&g, VGPU_REG_GT_IIR(0), ~0U);
		igt_assert_eq_u32(vg_rd(&g, VGPU_REG_GT_IIR(0)), 0);
		vfio_eventfd_wait(g.irq_fd, 0, NULL);
	}
	/* Masked: the event latches but no interrupt is sent. */
	vg_wr(&g, VGPU_REG_GT_IMR(0), ~0U);
	vg_store(&g, COPY, buf, 7);
	VG_CMD(&g, COPY, vgpu_cmd_user_interrupt);
	vg_run(&g, COPY);
	usleep(100000);
	igt_assert_eq(vfio_eventfd_wait(g.irq_fd, 0, NULL), -ETIMEDOUT);
	igt_assert(vg_rd(&g, VGPU_REG_GT_IIR(0)) & VGPU_GT_IRQ_USER(COPY));
	/* Unmasking a pending event sends the message. */
	vg_wr(&g, VGPU_REG_GT_IMR(0), 0);
	igt_assert_eq(vfio_eventfd_wait(g.irq_fd, 1000, NULL), 0);
	vg_destroy(&g);
}

static void intx_interrupts(void *data)
{
	struct vg g;
	__u16 status;
	u64 buf;
	int fd, i;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	igt_assert_eq(vfio_irq_enable(&g.dev, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				      &fd), 0);
	vg_wr(&g, VGPU_REG_GT_IER(0), ~0U);
	vg_wr(&g, VGPU_REG_GT_IMR(0), 0);
	vg_wr(&g, VGPU_REG_MASTER_IRQ, VGPU_MASTER_IRQ_ENABLE);
	vg_ring_init(&g, RENDER);
	for (i = 0; i < 3; i++) {
		vg_store(&g, RENDER, buf, i);
		VG_CMD(&g, RENDER, vgpu_cmd_user_interrupt);
		vg_submit(&g, RENDER);
		igt_assert_eq(vfio_eventfd_wait(fd, 10000, NULL), 0);
		igt_assert_eq(vg_wait(&g, RENDER, 10), 0);
		/* Level: the status bit is set while the line is asserted. */
		igt_assert_eq(vfio_config_read16(&g.dev, 6, &status), 0);
		igt_assert(status & 0x08);
		/* Automasked: no second signal until the unmask. */
		igt_assert_eq(vfio_eventfd_wait(fd, 50, NULL), -ETIMEDOUT);
		vg_wr(&g, VGPU_REG_GT_IIR(0), ~0U);
		igt_assert_eq(vfio_config_read16(&g.dev, 6, &status), 0);
		igt_assert(!(status & 0x08));
		igt_assert_eq(vfio_irq_unmask(&g.dev, VFIO_PCI_INTX_IRQ_INDEX,
					      0, 1), 0);
		igt_assert_eq(vfio_eventfd_wait(fd, 50, NULL), -ETIMEDOUT);
	}
	igt_assert_eq(vfio_irq_disable(&g.dev, VFIO_PCI_INTX_IRQ_INDEX), 0);
	close(fd);
	vg_destroy(&g);
}

static void both_engines_at_once(void *data)
{
	struct vg g;
	u64 a, b;

	(void)data;
	vg_start(&g, "small");
	a = vg_alloc(&g, 1 << 20);
	b = vg_alloc(&g, PAGE);
	vg_ring_init(&g, RENDER);
	vg_ring_init(&g, COPY);
	vg_fill(&g, COPY, a, 4096, 1024, 256, 0x12345678);
	vg_submit(&g, COPY);
	vg_store(&g, RENDER, b, 0xabcdef);
	vg_submit(&g, RENDER);
	igt_assert_eq(vg_wait(&g, RENDER, 30), 0);
	igt_assert_eq(vg_wait(&g, COPY, 30), 0);
	vg_check_fill(&g, a, 1024 * 256, 0x12345678);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&g, b), 0xabcdef);
	vg_destroy(&g);
}

/* More workloads than an engine's queue takes (256 in vgpu.ko). */
#define FLOOD_WORKLOADS		400
/*
 * Each a batch of fills of up to 32 MiB (fewer rows on a slow engine),
 * about 100 ms of engine (well within the watchdog's 500 ms): room in a
 * full queue comes only when a whole run of 16 is done, a second or two
 * after the queue filled, well within the 5 s a tail write waits. The
 * batch shadow (1 MiB) holds 256 batches of up to 4 KiB: at most 140
 * fills.
 */
#define FLOOD_FILL_PITCH	16384
#define FLOOD_FILL_W		4096
#define FLOOD_FILL_H		2048
#define FLOOD_FILL_BYTES	(FLOOD_FILL_PITCH * FLOOD_FILL_H)
#define FLOOD_FILLS_MAX		140
#define FLOOD_FILL_ROWS_MIN	16
#define FLOOD_BATCH_SIZE	(2 * PAGE)
/*
 * Single fills timed, after one to warm the pages up, to learn the
 * engine's speed: the slowest sizes the workloads (a debug kernel's
 * engine varies by 2-3 times from one fill to the next).
 */
#define FLOOD_SPEED_TRIES	3
#define FLOOD_WORKLOAD_S	0.1
#define FLOOD_RUN_WORKLOADS	16
#define FLOOD_RUN_MAX_S		3.0
/* The submitting thread counts as waiting after this long without a write. */
#define FLOOD_STALL_US		100000
/* Tries to catch the thread inside a waiting write. */
#define FLOOD_CATCH_TRIES	5

/**
 * struct flood - a thread submitting workloads as fast as it can
 * @g: the vGPU
 * @batch: the batch every workload starts
 * @written: tail writes that returned
 * @stop: submit no more
 * @begin: when each tail write began (flood_ns()), 0 before
 * @end: when each tail write returned, 0 before
 */
struct flood {
	struct vg *g;
	u64 batch;
	int written;
	int stop;
	u64 begin[FLOOD_WORKLOADS];
	u64 end[FLOOD_WORKLOADS];
};

/* vg_now() in nanoseconds, for the flood's atomic time stamps. */
static u64 flood_ns(void)
{
	return (u64)(vg_now() * 1e9);
}

/* A batch at @gfx of @n fills of the flood's surface at @surf. */
static void flood_batch(struct vg *g, u64 gfx, u64 surf, u32 n, u32 rows)
{
	struct vgpu_surface s = vg_surf32(surf, FLOOD_FILL_PITCH);
	struct vgpu_cmd c;
	u32 k;

	vg_batch_init(g, &c, gfx, FLOOD_BATCH_SIZE);
	for (k = 0; k < n; k++)
		VG_OK(vgpu_cmd_color_blt(&c, &s, 0, 0, FLOOD_FILL_W, rows, k));
	VG_OK(vgpu_cmd_end(&c));
}

static void *flood_thread(void *data)
{
	struct flood *f = data;
	int i;

	for (i = 0; i < FLOOD_WORKLOADS; i++) {
		if (__atomic_load_n(&f->stop, __ATOMIC_SEQ_CST))
			break;
		VG_CMD(f->g, COPY, vgpu_cmd_batch_start, f->batch, false);
		__atomic_store_n(&f->begin[i], flood_ns(), __ATOMIC_SEQ_CST);
		vg_submit(f->g, COPY);
		__atomic_store_n(&f->end[i], flood_ns(), __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&f->written, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/*
 * Submissions faster than the engine runs them: once the queue is full a
 * tail write waits for room, and meanwhile the device's other registers
 * answer (a VMM's other vCPUs keep working; the write used to wait holding
 * the vGPU's lock). An engine reset ends the wait: the waiting write goes
 * with the ring it was written to, and the engine works again.
 */
static void full_queue_leaves_device_usable(void *data)
{
	int before, stalled, waits, tries;
	u64 surf, buf, a0, a1, b, e;
	struct flood *f;
	double t, slowest, run;
	pthread_t thr;
	u32 fills, rows, k, imr;
	struct vg g;
	int ret;

	(void)data;
	igt_set_timeout(120, "a flooded queue");
	ret = vg_create(&g, "small");
	igt_require_f(ret != -ENOENT, "no vGPU type small\n");
	igt_assert_eq(ret, 0);
	g.mem_size = FLOOD_FILL_BYTES + (4 << 20);
	vg_open(&g);
	f = calloc(1, sizeof(*f));
	igt_assert(f);
	surf = vg_alloc(&g, FLOOD_FILL_BYTES);
	buf = vg_alloc(&g, PAGE);
	f->batch = vg_alloc(&g, FLOOD_BATCH_SIZE);
	vg_ring_init(&g, COPY);
	/*
	 * The engine's speed here: a few fills, alone, after one that pays
	 * for cold pages. Sized by the slowest, a run stays well within the
	 * 5 s a tail write waits for room, and takes long enough at the
	 * fastest for the thread to be caught waiting.
	 */
	flood_batch(&g, f->batch, surf, 1, FLOOD_FILL_H);
	VG_CMD(&g, COPY, vgpu_cmd_batch_start, f->batch, false);
	vg_run(&g, COPY);
	for (k = 0, t = 1e9, slowest = 0; k < FLOOD_SPEED_TRIES; k++) {
		double one = vg_now();

		VG_CMD(&g, COPY, vgpu_cmd_batch_start, f->batch, false);
		vg_run(&g, COPY);
		one = vg_now() - one;
		t = one < t ? one : t;
		slowest = one > slowest ? one : slowest;
	}
	/* A slow engine (a debug kernel's) gets fewer rows per fill. */
	fills = FLOOD_WORKLOAD_S / slowest;
	fills = fills < 1 ? 1 : fills > FLOOD_FILLS_MAX ? FLOOD_FILLS_MAX : fills;
	rows = slowest > FLOOD_WORKLOAD_S ?
	       FLOOD_FILL_H * FLOOD_WORKLOAD_S / slowest : FLOOD_FILL_H;
	rows = rows < FLOOD_FILL_ROWS_MIN ? FLOOD_FILL_ROWS_MIN : rows;
	run = FLOOD_RUN_WORKLOADS * fills * slowest * rows / FLOOD_FILL_H;
	igt_info("one fill: %.2f-%.2f ms; %u of %u rows per batch, a run up to %.2f s\n",
		 t * 1e3, slowest * 1e3, fills, rows, run);
	if (run > FLOOD_RUN_MAX_S) {
		vg_destroy(&g);
		free(f);
	}
	igt_require_f(run <= FLOOD_RUN_MAX_S,
		      "the engine is too slow here: a run would outlast a tail write's wait\n");
	flood_batch(&g, f->batch, surf, fills, rows);
	f->g = &g;
	igt_assert_eq(pthread_create(&thr, NULL, flood_thread, f), 0);
	/*
	 * Until the thread sits in a write for the second time: the first
	 * room may come from a short first run, later room only with a
	 * whole run of 16 workloads. A thread slow between two writes can
	 * look the same: then the write it is in has not begun yet, and
	 * the next wait counts.
	 */
	before = -1;
	for (waits = 0, tries = 0; waits < 2; waits++) {
		for (stalled = 0; stalled < FLOOD_STALL_US;) {
			usleep(10000);
			k = __atomic_load_n(&f->written, __ATOMIC_SEQ_CST);
			stalled = (int)k == before ? stalled + 10000 : 0;
			before = k;
			igt_assert_f(before < FLOOD_WORKLOADS,
				     "every write went through: the queue never filled\n");
		}
		if (waits && !__atomic_load_n(&f->begin[before],
					      __ATOMIC_SEQ_CST)) {
			igt_assert_f(++tries < FLOOD_CATCH_TRIES,
				     "the thread never sat in a tail write\n");
			waits--;
			continue;
		}
		while (!waits &&
		       __atomic_load_n(&f->written, __ATOMIC_SEQ_CST) == before)
			usleep(1000);
	}
	igt_info("the thread waits after %d tail writes\n", before);
	/* Another register, written and read back, while the write waits. */
	a0 = flood_ns();
	vg_wr(&g, VGPU_REG_GT_IMR(0), 0x5a5a);
	imr = vg_rd(&g, VGPU_REG_GT_IMR(0));
	a1 = flood_ns();
	igt_assert_eq_u32(imr, 0x5a5a);
	igt_assert_eq_u32(vg_error(&g, COPY), 0);

	/* The reset ends the wait; then the ring is set up again. */
	__atomic_store_n(&f->stop, 1, __ATOMIC_SEQ_CST);
	vg_wr(&g, VGPU_REG_GDRST, VGPU_GDRST_ENGINE(COPY));
	igt_assert_eq(pthread_join(thr, NULL), 0);
	/*
	 * Had the access waited for the tail write, it would have returned
	 * only after the write did.
	 */
	b = f->begin[before];
	e = f->end[before];
	igt_info("tail write %d: %.1f ms in it before the access, %.3f ms access, %.1f ms in it after\n",
		 before, (a0 - b) / 1e6, (a1 - a0) / 1e6,
		 ((double)e - (double)a1) / 1e6);
	igt_assert_f(b < a0 && e > a1,
		     "the register access waited for the tail write\n");
	vg_reset_engine(&g, COPY);
	vg_store(&g, COPY, buf, 0x600d);
	vg_run(&g, COPY);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&g, buf), 0x600d);
	vg_destroy(&g);
	free(f);
}

static const struct igt_subtest subtests[] = {
	{ "store-dword", store_dword,
	  "MI_STORE_DATA_IMM (dword and qword) on both engines" },
	{ "post-sync-writes", post_sync_writes,
	  "PIPE_CONTROL (render) and MI_FLUSH_DW (copy) post-sync writes" },
	{ "color-fill", color_fill,
	  "XY_COLOR_BLT fills exactly its rectangle" },
	{ "copies", copies,
	  "XY_SRC_COPY_BLT and XY_FAST_COPY_BLT copy pixel-exact" },
	{ "batch-buffers", batch_buffers,
	  "first- and second-level batch buffers run and return" },
	{ "status-page-and-wrap", status_page_and_wrap,
	  "the status page tracks head and completions; the ring wraps" },
	{ "many-in-flight", many_in_flight,
	  "200 submissions queued without waiting all complete in order" },
	{ "odd-length-batches-in-flight", odd_length_batches,
	  "batches of an odd number of dwords queued back to back all pass the audit" },
	{ "msi-interrupts", msi_interrupts,
	  "user interrupts arrive on the MSI eventfd; IMR masks them" },
	{ "intx-interrupts", intx_interrupts,
	  "INTx is level-triggered, automasked and unmasked by SET_IRQS" },
	{ "full-queue-leaves-device-usable", full_queue_leaves_device_usable,
	  "a tail write waiting for queue room holds up no other register" },
	{ "both-engines-at-once", both_engines_at_once,
	  "render and copy work of one vGPU run side by side" },
};

IGT_TEST_MAIN("vGPU execution: commands through a vGPU, exact results",
	      subtests);
