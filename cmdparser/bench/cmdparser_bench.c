// SPDX-License-Identifier: GPL-2.0
/*
 * cmdparser_bench: scan throughput of the command parser on one core, in
 * MB (10^6 bytes) of command stream per second, for a realistic mix and
 * for the worst cases the command set allows. The bytes counted are those
 * the parser audits: the ring segment plus every batch buffer it copies.
 *
 * Prints "key: value" lines, each after a "# how it was measured" line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cp_env.h"

#define BATCH_GFX	(CP_SLICE0_START + 0x10000)
#define DST		(CP_SLICE0_START + 0x80000)
#define SRC		CP_SLICE1_START
#define RUN_NS		50000000ULL	/* per repetition */
#define REPEATS		15
/*
 * Reading the thread's CPU clock is a system call (about a microsecond in
 * a VM, as long as a small scan): the scans run in groups lasting at least
 * this long between two reads, so that the clock costs under 1 %.
 */
#define GROUP_NS	200000ULL

struct workload {
	const char *name;
	enum vgpu_engine engine;
	u32 ring[CP_RING_SIZE / 4];
	u32 ring_dw;
	u64 bytes;		/* audited per scan */
};

/*
 * CPU time of this thread: the figure is per core, and the machine may be
 * busy with other work that wall-clock time would charge to the parser.
 */
static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One scan of @w, after restoring the @nfix ring dwords it re-pointed. */
static void scan_once(const struct workload *w, const u32 *fix, u32 nfix)
{
	u32 i;

	for (i = 0; i < nfix; i++)
		cp.ring[fix[i]] = w->ring[fix[i]];
	if (cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 0,
				w->ring_dw * 4, &cp.res))
		exit(1);
}

/*
 * Best of REPEATS runs of RUN_NS each, in MB/s. The parser is set up once;
 * between scans only the start commands it re-pointed are restored, as a
 * parent copying the guest's ring would do.
 */
static double measure(struct workload *w)
{
	double best = 0, mbs;
	u64 t0, t, iters, group = 1, g;
	u32 i, nfix = 0, fix[CMDPARSER_MAX_BATCHES * 2];
	int r;

	if (cp_scan(w->engine, w->ring, w->ring_dw)) {
		fprintf(stderr, "%s: refused: %s at %#llx\n", w->name,
			cmdparser_reason_name(cp.res.reason),
			(unsigned long long)cp.res.offset);
		exit(1);
	}
	for (i = 0; i < w->ring_dw; i++) {
		if (cp.ring[i] != w->ring[i] && nfix < ARRAY_SIZE(fix))
			fix[nfix++] = i;
	}
	w->bytes = (u64)w->ring_dw * 4 + cp.res.shadow_bytes;

	/* The group size: doubled until a group lasts GROUP_NS. */
	do {
		group *= 2;
		t0 = now_ns();
		for (g = 0; g < group; g++)
			scan_once(w, fix, nfix);
	} while (now_ns() - t0 < GROUP_NS);

	for (r = 0; r < REPEATS; r++) {
		iters = 0;
		t0 = now_ns();
		do {
			for (g = 0; g < group; g++)
				scan_once(w, fix, nfix);
			iters += group;
			t = now_ns();
		} while (t - t0 < RUN_NS);
		mbs = (double)w->bytes * iters / ((t - t0) / 1e9) / 1e6;
		if (mbs > best)
			best = mbs;
	}
	return best;
}

/* memcpy of the same number of bytes, as a yardstick. */
static double memcpy_mbs(u64 bytes)
{
	static u8 a[1 << 20], b[1 << 20];
	u64 t0, t, done = 0;

	if (bytes > sizeof(a))
		bytes = sizeof(a);
	t0 = now_ns();
	do {
		memcpy(a, b, bytes);
		__asm__ volatile("" : : "r"(a) : "memory");
		done += bytes;
		t = now_ns();
	} while (t - t0 < RUN_NS);
	return done / ((t - t0) / 1e9) / 1e6;
}

/*
 * What a guest driver submits: a ring segment starting a 16 KiB batch of
 * blits with flushes and seqno stores, then its own seqno and interrupt.
 */
static void realistic_copy(struct workload *w)
{
	static u32 b[4096 + 64];
	u32 n = 0, i = 0;

	while (n < 4096) {
		n += cp_src_copy_blt(b + n, 3, 4096, 0, 0, 256, 64, DST,
				     0, 0, 1024, SRC);
		n += cp_color_blt(b + n, 3, 4096, 256, 0, 512, 64, DST);
		n += cp_fast_copy_blt(b + n, 3, 4096, 0, 64, 128, 128, DST,
				      0, 0, 512, SRC + 0x10000);
		n += cp_flush_dw(b + n, VGPU_MI_FLUSH_DW_OP_STORE_DATA,
				 DST - 64, 4);
		n += cp_sdi(b + n, DST - 128 + 4 * (i % 8), i);
		i++;
		b[n++] = VGPU_MI_ARB_CHECK;
		b[n++] = VGPU_MI_NOOP;
	}
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH_GFX, b, n);

	w->name = "realistic-copy";
	w->engine = VGPU_ENGINE_COPY;
	n = cp_bb_start(w->ring, BATCH_GFX, false);
	n += cp_flush_dw(w->ring + n, VGPU_MI_FLUSH_DW_OP_STORE_DATA,
			 DST - 256, 4);
	w->ring[n++] = VGPU_MI_USER_INTERRUPT;
	w->ring[n++] = VGPU_MI_NOOP;
	w->ring_dw = n;
}

/* Render engine: pipe controls, stores, register moves. */
static void realistic_render(struct workload *w)
{
	static u32 b[4096 + 64];
	u32 n = 0, i = 0;
	const u32 gpr = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0);

	while (n < 4096) {
		n += cp_pipe_control(b + n, VGPU_PC_POST_SYNC_WRITE_IMM,
				     DST + 8 * (i % 16));
		n += cp_sdi(b + n, DST + 0x100 + 4 * (i % 16), i);
		n += cp_lri(b + n, gpr + 4 * (i % 32), i);
		n += cp_srm(b + n, gpr + 4 * (i % 32), DST + 0x200);
		n += cp_pipe_control(b + n, VGPU_PC_POST_SYNC_NONE, 0);
		b[n++] = VGPU_MI_NOOP;
		i++;
	}
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH_GFX, b, n);

	w->name = "realistic-render";
	w->engine = VGPU_ENGINE_RENDER;
	n = cp_bb_start(w->ring, BATCH_GFX, false);
	n += cp_pipe_control(w->ring + n, VGPU_PC_POST_SYNC_WRITE_IMM, DST);
	w->ring[n++] = VGPU_MI_USER_INTERRUPT;
	w->ring[n++] = VGPU_MI_NOOP;
	w->ring_dw = n;
}

/* A ring full of one-dword commands that take the full decode path. */
static void worst_small(struct workload *w)
{
	u32 i;

	w->name = "one-dword-commands";
	w->engine = VGPU_ENGINE_RENDER;
	w->ring_dw = CP_RING_SIZE / 4 - 1;
	for (i = 0; i < w->ring_dw; i++)
		w->ring[i] = i & 1 ? VGPU_MI_ARB_CHECK : VGPU_MI_USER_INTERRUPT;
}

/* Longest LRIs, every register looked up in the whitelist. */
static void worst_lri(struct workload *w)
{
	u32 n = 0, i;

	w->name = "long-lri";
	w->engine = VGPU_ENGINE_COPY;
	while (n + VGPU_CMD_MAX_DWORDS < CP_RING_SIZE / 4) {
		w->ring[n] = VGPU_MI_LOAD_REGISTER_IMM(VGPU_MI_LRI_MAX_REGS);
		for (i = 0; i < VGPU_MI_LRI_MAX_REGS; i++) {
			w->ring[n + 1 + 2 * i] =
				VGPU_CS_GPR(VGPU_COPY_RING_BASE, i % 16);
			w->ring[n + 2 + 2 * i] = i;
		}
		n += VGPU_CMD_MAX_DWORDS;
	}
	w->ring_dw = n;
}

/* As many tiny batches as the limit allows: fetch and bookkeeping. */
static void worst_batches(struct workload *w)
{
	u32 b[2] = { VGPU_MI_ARB_CHECK, VGPU_MI_BATCH_BUFFER_END };
	u32 n = 0, i;

	w->name = "tiny-batches";
	w->engine = VGPU_ENGINE_COPY;
	for (i = 0; i < CMDPARSER_MAX_BATCHES; i++) {
		cp_put(BATCH_GFX + 0x1000 * i, b, 2);
		n += cp_bb_start(w->ring + n, BATCH_GFX + 0x1000 * i, false);
	}
	w->ring_dw = n;
}

int main(void)
{
	static struct workload w[2], worst[3];
	double mix[2], bad[3], low;
	u32 i, lowest = 0;

	cp_env_init();
	realistic_copy(&w[0]);
	mix[0] = measure(&w[0]);
	cp_reset();
	realistic_render(&w[1]);
	mix[1] = measure(&w[1]);

	cp_reset();
	worst_small(&worst[0]);
	worst_lri(&worst[1]);
	worst_batches(&worst[2]);
	for (i = 0; i < 3; i++) {
		bad[i] = measure(&worst[i]);
		if (bad[i] < bad[lowest])
			lowest = i;
	}
	low = bad[lowest];

	printf("# userspace, one core, thread CPU time, best of %d x %.2f s;",
	       REPEATS, RUN_NS / 1e9);
	printf(" MB = 10^6 bytes of ring + batch commands audited, batches");
	printf(" copied to the shadow; realistic mix = mean of a copy-engine");
	printf(" blit batch (%.0f MB/s, %llu bytes per scan) and a",
	       mix[0], (unsigned long long)w[0].bytes);
	printf(" render-engine store/register batch (%.0f MB/s, %llu bytes);",
	       mix[1], (unsigned long long)w[1].bytes);
	printf(" memcpy of the same bytes: %.0f MB/s\n",
	       memcpy_mbs(w[0].bytes));
	printf("cmdparser.scan_mb_s: %.0f\n", (mix[0] + mix[1]) / 2);
	printf("# userspace, one core, thread CPU time, slowest of:");
	printf(" one-dword commands %.0f MB/s, 126-register LRIs %.0f MB/s,",
	       bad[0], bad[1]);
	printf(" %d tiny batches per ring %.0f MB/s (worst: %s)\n",
	       CMDPARSER_MAX_BATCHES, bad[2], worst[lowest].name);
	printf("cmdparser.scan_worst_mb_s: %.0f\n", low);
	return 0;
}
