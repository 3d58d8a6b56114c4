// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_migration: VFIO migration v2 of a vGPU, driven through
 * VFIO_DEVICE_FEATURE as a VMM drives it (docs/migration.md). Every legal
 * arc between the states the kernel offers (single and combination arcs)
 * reaches its state and opens a data file exactly when it should; illegal
 * arcs are refused and change nothing; ERROR is left only by
 * VFIO_DEVICE_RESET. STOP really stops a running workload (no guest
 * memory changes while stopped) and loses nothing of it: resumed on the
 * same vGPU, or saved mid-run and loaded into a second vGPU of the type,
 * the workload completes with the results of an uninterrupted run. Where
 * the kernel has PRE_COPY, the GGTT and display go early while the vGPU
 * runs, what the guest changes after is resent, and STOP_COPY carries
 * little more than what changes as the guest runs. A truncated,
 * corrupted, oversized, other-type or other-version stream, and a
 * pre-copy stream with chunks or GGTT deltas out of place, is refused
 * with an error and counted, and the vGPU works after a reset.
 */
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "vfio_mig_uapi.h"
#include "vgpu_display.h"
#include "vgpu_guest.h"

/* The stream format (docs/migration.md): chunk and section headers. */
#define MIG_HEADER_SIZE		48
#define MIG_SECTION_HEADER_SIZE	8
#define MIG_OFF_VERSION		4
#define MIG_OFF_TYPE		12
#define MIG_OFF_KIND		28
#define MIG_OFF_SEQ		32
#define MIG_OFF_NR		36
#define MIG_OFF_PAYLOAD		40
#define MIG_OFF_CHECKSUM	44
#define MIG_KIND_EARLY		1
#define MIG_SEC_SCHED		1
#define MIG_SEC_GGTT		3
#define MIG_SEC_GGTT_DELTA	4
#define MIG_SEC_IRQ		5
#define MIG_SEC_DISPLAY		8
/* IRQ section: master (u8), GT IMR/IER/IIR, then each pipe's (u32). */
#define MIG_IRQ_PIPE_IIR(p)	(1 + 3 * 4 + (p) * 3 * 4 + 2 * 4)
#define MIG_MAX_PIPES		4
#define MIG_CRC_POLY		0xedb88320U

#define MIG_TYPE		"small"
/* A GGTT entry in the stream: its index (u32) and value (u64). */
#define MIG_GGTT_ENTRY		12
/* Entries of a small vGPU's 64 MiB slice, the most its GGTT can send. */
#define MIG_SMALL_ENTRIES	16384
/*
 * The workload: fills that keep the copy engine busy, a row copied out
 * of each and a sequence number stored after it.
 */
#define MIG_WORKLOADS		64
#define MIG_FILL_PITCH		8192
#define MIG_FILL_LINES		512
#define MIG_ROW_PIXELS		256
/* How long a stopped vGPU is watched for changes to guest memory. */
#define MIG_QUIET_US		200000
#define MIG_TIMEOUT_S		120

static const char *mig_name(u32 state)
{
	return vfio_mig_state_name(state);
}

/* VFIO_DEVICE_FEATURE_MIGRATION: the flags, or -errno. */
static long long mig_flags(struct vg *g)
{
	struct vfio_device_feature_migration m = { 0 };
	int ret;

	ret = vfio_dev_feature(&g->dev, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m));
	return ret < 0 ? ret : (long long)m.flags;
}

static bool mig_has_precopy(struct vg *g)
{
	long long flags = mig_flags(g);

	return flags > 0 && (flags & VFIO_MIGRATION_PRE_COPY);
}

static u32 mig_get(struct vg *g)
{
	int state = vfio_mig_get_state(&g->dev);

	igt_assert_lte(0, state);
	return state;
}

/* SET the state: 0 or -errno; *@fd the new data file or -1. */
static int mig_try(struct vg *g, u32 state, int *fd)
{
	return vfio_mig_set_state(&g->dev, state, fd);
}

/* SET a state that must be reached; returns its data file or -1. */
static int mig_set(struct vg *g, u32 state)
{
	int fd, ret = mig_try(g, state, &fd);

	igt_assert_f(!ret, "%s -> %s: %d\n", mig_name(mig_get(g)),
		     mig_name(state), ret);
	igt_assert_eq_u32(mig_get(g), state);
	return fd;
}

/**
 * struct mig_stream - a saved state stream
 * @buf: its bytes
 * @len: how many
 */
struct mig_stream {
	u8 *buf;
	size_t len;
};

/* Read a data file to its end (ENOMSG ends a pre-copy read too). */
static ssize_t mig_read(int fd, struct mig_stream *s, bool precopy)
{
	size_t cap = s->len + (1 << 16);
	ssize_t n;

	for (;;) {
		if (s->len == cap || !s->buf) {
			cap = 2 * cap;
			s->buf = realloc(s->buf, cap);
			igt_assert(s->buf);
		}
		n = read(fd, s->buf + s->len, cap - s->len);
		if (n < 0 && errno == ENOMSG && precopy)
			return -ENOMSG;
		igt_assert_f(n >= 0, "read of the data file: %d\n", errno);
		if (!n)
			return s->len;
		s->len += n;
	}
}

static void mig_save(struct vg *g, struct mig_stream *s)
{
	int fd;

	s->buf = NULL;
	s->len = 0;
	fd = mig_set(g, VFIO_DEVICE_STATE_STOP_COPY);
	igt_assert_lte(0, fd);
	mig_read(fd, s, false);
	close(fd);
	igt_assert_lt(MIG_HEADER_SIZE, s->len);
}

/* Write @len bytes of a stream in pieces: 0 or the first -errno. */
static int mig_write(int fd, const u8 *buf, size_t len)
{
	size_t off = 0, n;
	ssize_t ret;

	while (off < len) {
		/* Odd pieces: the device must not care how it is cut. */
		n = len - off < 4093 ? len - off : 4093;
		ret = write(fd, buf + off, n);
		if (ret < 0)
			return -errno;
		off += ret;
	}
	return 0;
}

/* RESUMING, the whole of @s written, RUNNING: the stream must load. */
static void mig_load(struct vg *g, const struct mig_stream *s)
{
	int fd = mig_set(g, VFIO_DEVICE_STATE_RESUMING);

	igt_assert_lte(0, fd);
	igt_assert_eq(mig_write(fd, s->buf, s->len), 0);
	mig_set(g, VFIO_DEVICE_STATE_RUNNING);
	close(fd);
}

/*
 * A migration on one machine as the VMM does it: @a's guest memory
 * copied, @a removed (its slice is free for @b on the same GPU), @b
 * created with that memory and @s loaded; @b's view of the slice is @a's.
 */
static void mig_move(struct vg *a, struct vg *b, const struct mig_stream *s)
{
	u8 *ram = malloc(a->mem_size);

	igt_assert(ram);
	memcpy(ram, a->mem.vaddr, a->mem_size);
	vg_destroy(a);
	vg_start(b, MIG_TYPE);
	igt_assert_eq(b->mem_size, a->mem_size);
	memcpy(b->mem.vaddr, ram, b->mem_size);
	free(ram);
	mig_load(b, s);
	b->slice_base = a->slice_base;
	b->mapped = a->mapped;
	b->next = a->next;
	memcpy(b->ring, a->ring, sizeof(b->ring));
}

/* Pipe @p runs: its vblank interrupts arrive once someone listens. */
static void mig_assert_vblanks(struct vg *g, int p)
{
	vg_wr(g, VGPU_REG_DE_PIPE_IER(p), VGPU_DE_PIPE_VBLANK);
	vg_wr(g, VGPU_REG_DE_PIPE_IMR(p), ~VGPU_DE_PIPE_VBLANK);
	vg_wr(g, VGPU_REG_DE_PIPE_IIR(p), ~0U);
	igt_assert(vd_wait_iir(g, p, VGPU_DE_PIPE_VBLANK, 2.0));
}

/* The vGPU's graphics address range, from the PV info page. */
static u64 mig_slice_base(struct vg *g)
{
	return vg_rd(g, VGPU_PV_GM_BASE_LO(0)) |
	       (u64)vg_rd(g, VGPU_PV_GM_BASE_HI(0)) << 32;
}

/**
 * struct mig_work - the workload and where its results go
 * @fill: the surface the fills write (offset in the slice)
 * @out: one row copied out of each fill
 * @seq: sequence numbers
 */
struct mig_work {
	u64 fill, out, seq;
};

static void mig_work_alloc(struct vg *g, struct mig_work *w)
{
	vg_ring_init(g, COPY);
	w->fill = vg_alloc(g, MIG_FILL_PITCH * MIG_FILL_LINES);
	w->out = vg_alloc(g, MIG_FILL_PITCH * MIG_WORKLOADS);
	w->seq = vg_alloc(g, PAGE);
}

/* Workload @i: fill with a colour of its own, copy a row out, a seqno. */
static void mig_work_emit(struct vg *g, const struct mig_work *w, u32 i)
{
	vg_fill(g, COPY, w->fill, MIG_FILL_PITCH, MIG_FILL_PITCH / 4,
		MIG_FILL_LINES, 0xff000000 | (i * 0x010203));
	vg_copy(g, COPY, w->out + (u64)i * MIG_FILL_PITCH, w->fill,
		MIG_FILL_PITCH, MIG_ROW_PIXELS, 1);
	vg_store(g, COPY, w->seq + 4 * i, i + 1);
	vg_submit(g, COPY);
}

/* Queue the whole workload while the vGPU runs none of it (P2P). */
static void mig_work_queue(struct vg *g, const struct mig_work *w)
{
	u32 i;

	igt_assert_lte(mig_set(g, VFIO_DEVICE_STATE_RUNNING_P2P), -1);
	for (i = 0; i < MIG_WORKLOADS; i++)
		mig_work_emit(g, w, i);
	/* Quiesced: nothing of it ran. */
	igt_assert_eq_u32(((u32 *)vg_ptr(g, g->ring[COPY].hws))
			  [VGPU_HWS_COMPLETED / 4], 0);
	igt_assert_lte(mig_set(g, VFIO_DEVICE_STATE_RUNNING), -1);
}

static u32 mig_completed(struct vg *g)
{
	/* The device writes it behind our back. */
	return __atomic_load_n((u32 *)vg_ptr(g, g->ring[COPY].hws) +
			       VGPU_HWS_COMPLETED / 4, __ATOMIC_ACQUIRE);
}

/* The results as bytes: the out rows, the seqnos, the status page. */
static void mig_results(struct vg *g, const struct mig_work *w, u8 *res)
{
	memcpy(res, vg_ptr(g, w->out), MIG_FILL_PITCH * MIG_WORKLOADS);
	memcpy(res + MIG_FILL_PITCH * MIG_WORKLOADS, vg_ptr(g, w->seq), PAGE);
	memcpy(res + MIG_FILL_PITCH * MIG_WORKLOADS + PAGE,
	       vg_ptr(g, g->ring[COPY].hws), 2 * sizeof(u32));
}

#define MIG_RESULT_BYTES	(MIG_FILL_PITCH * MIG_WORKLOADS + PAGE + 8)

/*
 * The results of an uninterrupted run, on a vGPU of its own; @prep, if
 * given, submits what the tested vGPU submitted before the workload.
 */
static void mig_reference_after(u8 *res, void (*prep)(struct vg *g))
{
	struct mig_work w;
	struct vg r;
	u32 i, base;

	vg_start(&r, MIG_TYPE);
	mig_work_alloc(&r, &w);
	if (prep)
		prep(&r);
	base = mig_completed(&r);
	for (i = 0; i < MIG_WORKLOADS; i++)
		mig_work_emit(&r, &w, i);
	igt_assert_eq(vg_wait(&r, COPY, MIG_TIMEOUT_S), 0);
	mig_results(&r, &w, res);
	igt_assert_eq_u32(mig_completed(&r) - base, MIG_WORKLOADS);
	for (i = 0; i < MIG_WORKLOADS; i++)
		igt_assert_eq_u32(((u32 *)vg_ptr(&r, w.seq))[i], i + 1);
	vg_destroy(&r);
}

static void mig_reference(u8 *res)
{
	mig_reference_after(res, NULL);
}

/*
 * Run the workload and stop it in the middle: some of it done, some not.
 * Returns what had completed when STOP returned. While stopped, guest
 * memory must not change.
 */
static u32 mig_stop_mid_run(struct vg *g, const struct mig_work *w)
{
	double t0 = vg_now(), t_stop;
	u8 *before;
	u32 done;

	mig_work_queue(g, w);
	while (!mig_completed(g)) {
		igt_assert_f(vg_now() - t0 < MIG_TIMEOUT_S, "no progress\n");
		usleep(100);
	}
	t_stop = vg_now();
	igt_assert_lte(mig_set(g, VFIO_DEVICE_STATE_STOP), -1);
	done = mig_completed(g);
	igt_info("stopped after %u of %u workloads; STOP took %.1f ms\n",
		 done, MIG_WORKLOADS, (vg_now() - t_stop) * 1e3);
	igt_assert_f(done < MIG_WORKLOADS,
		     "the workload ended before STOP: not a mid-run test\n");
	before = malloc(g->mem_size);
	igt_assert(before);
	memcpy(before, g->mem.vaddr, g->mem_size);
	usleep(MIG_QUIET_US);
	igt_assert_f(!memcmp(before, g->mem.vaddr, g->mem_size),
		     "guest memory changed while the vGPU was stopped\n");
	/* The guest's writes are ignored while stopped. */
	vg_wr(g, VGPU_RING_TAIL(vg_base(COPY)), 0);
	igt_assert_eq_u32(mig_completed(g), done);
	free(before);
	return done;
}

/* @base: what the vGPU had completed before the workload. */
static void mig_check_results_after(struct vg *g, const struct mig_work *w,
				    const u8 *ref, u32 base)
{
	u8 *res = malloc(MIG_RESULT_BYTES);

	igt_assert(res);
	igt_assert_eq(vg_wait(g, COPY, MIG_TIMEOUT_S), 0);
	mig_results(g, w, res);
	igt_assert_f(!memcmp(res, ref, MIG_RESULT_BYTES),
		     "results differ from an uninterrupted run\n");
	igt_assert_eq_u32(mig_completed(g) - base, MIG_WORKLOADS);
	free(res);
}

static void mig_check_results(struct vg *g, const struct mig_work *w,
			      const u8 *ref)
{
	mig_check_results_after(g, w, ref, 0);
}

static void migration_caps(void *data)
{
	struct vg g;
	long long flags;

	(void)data;
	vg_start(&g, MIG_TYPE);
	flags = mig_flags(&g);
	igt_assert_f(flags > 0, "VFIO_DEVICE_FEATURE_MIGRATION: %lld\n", flags);
	igt_assert(flags & VFIO_MIGRATION_STOP_COPY);
	igt_assert(flags & VFIO_MIGRATION_P2P);
	igt_info("migration flags %#llx (pre-copy %s)\n", flags,
		 flags & VFIO_MIGRATION_PRE_COPY ? "yes" : "no");
	igt_assert_eq_u32(mig_get(&g), VFIO_DEVICE_STATE_RUNNING);
	vg_destroy(&g);
}

/* Reach @state from RUNNING, after a reset; a file it opened in *@fd. */
static int mig_reach(struct vg *g, u32 state)
{
	igt_assert_eq(vfio_dev_reset(&g->dev), 0);
	igt_assert_eq_u32(mig_get(g), VFIO_DEVICE_STATE_RUNNING);
	return mig_set(g, state);
}

static bool mig_saving_group(u32 s)
{
	return s == VFIO_DEVICE_STATE_STOP_COPY ||
	       s == VFIO_DEVICE_STATE_PRE_COPY ||
	       s == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/* Does the arc @from -> @to exist? (<uapi/linux/vfio.h>) */
static bool mig_arc_legal(u32 from, u32 to)
{
	return !(from == VFIO_DEVICE_STATE_STOP_COPY &&
		 (to == VFIO_DEVICE_STATE_PRE_COPY ||
		  to == VFIO_DEVICE_STATE_PRE_COPY_P2P));
}

static void fsm_every_arc(void *data)
{
	static const u32 base_states[] = {
		VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P,
		VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY,
		VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_PRE_COPY,
		VFIO_DEVICE_STATE_PRE_COPY_P2P,
	};
	unsigned int nstates, i, j, arcs = 0, refused = 0;
	struct mig_stream s;
	struct mig_work w;
	int fd, fd2, ret;
	u32 from, to;
	struct vg g;

	(void)data;
	vg_start(&g, MIG_TYPE);
	nstates = mig_has_precopy(&g) ? 7 : 5;
	/* A state worth saving: rings set up, work done. */
	mig_work_alloc(&g, &w);
	mig_work_emit(&g, &w, 0);
	igt_assert_eq(vg_wait(&g, COPY, MIG_TIMEOUT_S), 0);
	mig_set(&g, VFIO_DEVICE_STATE_STOP);
	mig_save(&g, &s);

	for (i = 0; i < nstates; i++) {
		for (j = 0; j < nstates; j++) {
			from = base_states[i];
			to = base_states[j];
			fd = mig_reach(&g, from);
			igt_assert_eq(fd >= 0, from == VFIO_DEVICE_STATE_STOP_COPY ||
				      from == VFIO_DEVICE_STATE_RESUMING ||
				      from == VFIO_DEVICE_STATE_PRE_COPY ||
				      from == VFIO_DEVICE_STATE_PRE_COPY_P2P);
			/* Leaving RESUMING loads what was written. */
			if (from == VFIO_DEVICE_STATE_RESUMING && to != from)
				igt_assert_eq(mig_write(fd, s.buf, s.len), 0);
			ret = mig_try(&g, to, &fd2);
			if (!mig_arc_legal(from, to)) {
				igt_assert_eq(ret, -EINVAL);
				igt_assert_eq_u32(mig_get(&g), from);
				refused++;
			} else {
				igt_assert_f(!ret, "%s -> %s: %d\n",
					     mig_name(from), mig_name(to), ret);
				igt_assert_eq_u32(mig_get(&g), to);
				/* A new file when entering a data state. */
				igt_assert_eq(fd2 >= 0, from != to &&
					      (to == VFIO_DEVICE_STATE_RESUMING ||
					       (mig_saving_group(to) &&
						!mig_saving_group(from))));
				arcs++;
			}
			if (fd2 >= 0)
				close(fd2);
			if (fd >= 0)
				close(fd);
		}
	}
	igt_info("%u arcs taken, %u refused, over %u states\n", arcs, refused,
		 nstates);
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);
	free(s.buf);
	vg_destroy(&g);
}

static void fsm_illegal_arcs(void *data)
{
	static const u32 bad[] = {
		VFIO_DEVICE_STATE_ERROR, VFIO_DEVICE_STATE_PRE_COPY_P2P + 1,
		100, 0xffffffff,
	};
	struct vg g;
	unsigned int i;
	int fd;

	(void)data;
	vg_start(&g, MIG_TYPE);
	for (i = 0; i < (unsigned int)IGT_ARRAY_SIZE(bad); i++) {
		igt_assert_eq(mig_try(&g, bad[i], &fd), -EINVAL);
		igt_assert_eq(fd, -1);
		igt_assert_eq_u32(mig_get(&g), VFIO_DEVICE_STATE_RUNNING);
	}
	if (!mig_has_precopy(&g)) {
		/* Not offered by this kernel: refused like any other. */
		igt_assert_eq(mig_try(&g, VFIO_DEVICE_STATE_PRE_COPY, &fd),
			      -EINVAL);
		igt_assert_eq_u32(mig_get(&g), VFIO_DEVICE_STATE_RUNNING);
	}
	/* RESUMING cannot be left with nothing loaded: ERROR. */
	fd = mig_set(&g, VFIO_DEVICE_STATE_RESUMING);
	igt_assert_lte(0, fd);
	igt_assert_eq(mig_try(&g, VFIO_DEVICE_STATE_RUNNING, &fd),
		      -EINVAL);
	igt_assert_eq_u32(mig_get(&g), VFIO_DEVICE_STATE_ERROR);
	/* Nothing leaves ERROR but a reset. */
	for (i = VFIO_DEVICE_STATE_STOP; i <= VFIO_DEVICE_STATE_RUNNING_P2P;
	     i++) {
		igt_assert_eq(mig_try(&g, i, &fd), -EINVAL);
		igt_assert_eq_u32(mig_get(&g), VFIO_DEVICE_STATE_ERROR);
	}
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);
	igt_assert_eq_u32(mig_get(&g), VFIO_DEVICE_STATE_RUNNING);
	vg_destroy(&g);
}

/* STOP in the middle and back to RUNNING: a cancelled migration. */
static void stop_and_continue(void *data)
{
	u8 *ref = malloc(MIG_RESULT_BYTES);
	struct mig_work w;
	struct vg g;

	(void)data;
	igt_assert(ref);
	mig_reference(ref);
	vg_start(&g, MIG_TYPE);
	mig_work_alloc(&g, &w);
	mig_stop_mid_run(&g, &w);
	mig_set(&g, VFIO_DEVICE_STATE_RUNNING);
	mig_check_results(&g, &w, ref);
	vg_destroy(&g);
	free(ref);
}

/*
 * Stop vGPU A in the middle of the workload, save it, give up A (its
 * graphics addresses are the guest's: the destination takes them over),
 * load the stream into a new vGPU B whose guest memory is a copy of A's,
 * and let B finish: the same results as an uninterrupted run, the GGTT
 * pinned again, nothing left pinned by A.
 */
static void save_restore_mid_workload(void *data)
{
	u8 *ref = malloc(MIG_RESULT_BYTES), *ram;
	struct mig_stream s;
	struct mig_work w;
	struct vg a, b;
	u64 base, pte;
	double t0;
	int fd;

	(void)data;
	igt_assert(ref);
	mig_reference(ref);
	vg_start(&a, MIG_TYPE);
	mig_work_alloc(&a, &w);
	mig_stop_mid_run(&a, &w);
	base = a.slice_base;
	pte = vg_pte_read(&a, w.fill);
	t0 = vg_now();
	mig_save(&a, &s);
	igt_info("state stream: %zu bytes, saved in %.1f ms\n", s.len,
		 (vg_now() - t0) * 1e3);
	/* The VMM copies guest memory, then lets the source go. */
	ram = malloc(a.mem_size);
	igt_assert(ram);
	memcpy(ram, a.mem.vaddr, a.mem_size);
	mig_set(&a, VFIO_DEVICE_STATE_STOP);
	vg_destroy(&a);

	vg_start(&b, MIG_TYPE);
	igt_assert_eq(b.mem_size, a.mem_size);
	memcpy(b.mem.vaddr, ram, b.mem_size);
	fd = mig_set(&b, VFIO_DEVICE_STATE_RESUMING);
	igt_assert_lte(0, fd);
	t0 = vg_now();
	igt_assert_eq(mig_write(fd, s.buf, s.len), 0);
	mig_set(&b, VFIO_DEVICE_STATE_RUNNING);
	close(fd);
	igt_info("loaded in %.1f ms\n", (vg_now() - t0) * 1e3);

	/* B took A's graphics addresses and mapping. */
	igt_assert_eq_u64(mig_slice_base(&b), base);
	b.slice_base = base;
	b.mapped = a.mapped;
	b.next = a.next;
	memcpy(b.ring, a.ring, sizeof(b.ring));
	igt_assert_eq_u64(vg_pte_read(&b, w.fill), pte);
	igt_assert_lt(0, vg_stat(&b, "pinned_pages"));
	mig_check_results(&b, &w, ref);
	igt_assert_eq(vg_stat(&b, "migration_refused"), 0);
	vg_destroy(&b);
	free(ram);
	free(s.buf);
	free(ref);
}

/* Guest-visible registers of every section but the GGTT's and rings'. */
static const u32 mig_regs[] = {
	VGPU_REG_MASTER_IRQ, VGPU_REG_GT_IMR(0), VGPU_REG_GT_IER(0),
	VGPU_REG_DE_PIPE_IMR(0), VGPU_REG_DE_PIPE_IER(0),
	VGPU_REG_HTOTAL(0), VGPU_REG_PIPESRC(0), VGPU_REG_PIPECONF(0),
	VGPU_REG_PLANE_CTL(0), VGPU_REG_PLANE_STRIDE(0),
	VGPU_REG_PLANE_SURF(0), VGPU_REG_PLANE_SURFLIVE(0),
	VGPU_REG_CURCNTR(0), VGPU_PV_HEAD_EDID_SIZE(0),
	VGPU_PV_HEAD_DISPLAY_ERROR(0),
};

static const char *const mig_knobs[] = { "weight", "cap", "priority" };

/*
 * The sections besides the rings' and the GGTT's: scheduler knobs, config
 * space (MSI), interrupt registers, a running pipe showing a plane, the
 * EDID. On the destination they read back the same, the plane is shown
 * at once from the destination's own pins and vblanks go on.
 */
static void state_sections(void *data)
{
	struct vd_mode m = vd_mode_simple(1024, 768, 1250, 800, 60);
	u32 regs[IGT_ARRAY_SIZE(mig_regs)], knobs[IGT_ARRAY_SIZE(mig_knobs)];
	struct vfio_device_gfx_plane_info pi;
	struct mig_stream s;
	__u16 msi_a, msi_b;
	struct vd_fb fb;
	struct vg a, b;
	unsigned int i;
	int msi;

	(void)data;
	vg_start(&a, MIG_TYPE);
	vg_set(&a, "weight", 77);
	vg_set(&a, "cap", 1234);
	vg_set(&a, "priority", 3);
	vg_enable_msi(&a);
	vg_ring_init(&a, COPY);
	vd_fb_alloc(&a, &fb, m.w, m.h);
	vd_fb_draw(&a, &fb, 0);
	vd_pipe_on(&a, 0, &m);
	vd_show(&a, 0, &fb);
	mig_set(&a, VFIO_DEVICE_STATE_STOP);
	/* Reads are served while stopped. */
	for (i = 0; i < IGT_ARRAY_SIZE(mig_regs); i++)
		regs[i] = vg_rd(&a, mig_regs[i]);
	for (i = 0; i < IGT_ARRAY_SIZE(mig_knobs); i++)
		knobs[i] = vg_stat(&a, mig_knobs[i]);
	/* Worth saving: the pipe runs and shows the framebuffer. */
	igt_assert(vg_rd(&a, VGPU_REG_PIPECONF(0)) & VGPU_PIPECONF_STATE);
	igt_assert_eq_u32(vg_rd(&a, VGPU_REG_PLANE_SURFLIVE(0)), (u32)fb.gfx);
	msi = vfio_config_find_cap(&a.dev, PCI_CAP_ID_MSI);
	igt_assert_lt(0, msi);
	igt_assert_eq(vfio_config_read16(&a.dev, msi + PCI_MSI_FLAGS, &msi_a),
		      0);
	igt_assert(msi_a & PCI_MSI_FLAGS_ENABLE);
	mig_save(&a, &s);
	mig_move(&a, &b, &s);
	for (i = 0; i < IGT_ARRAY_SIZE(mig_regs); i++)
		igt_assert_f(vg_rd(&b, mig_regs[i]) == regs[i],
			     "register %#x: %#x, was %#x\n", mig_regs[i],
			     vg_rd(&b, mig_regs[i]), regs[i]);
	for (i = 0; i < IGT_ARRAY_SIZE(mig_knobs); i++)
		igt_assert_eq_u32(vg_stat(&b, mig_knobs[i]), knobs[i]);
	igt_assert_eq(vfio_config_read16(&b.dev, msi + PCI_MSI_FLAGS, &msi_b),
		      0);
	igt_assert_eq(msi_b, msi_a);
	vd_query_ok(&b, VD_PLANE_PRIMARY, VFIO_GFX_PLANE_TYPE_REGION, &pi);
	vd_assert_primary(&pi, &fb, 0, 0);
	vd_check_guest(&b, &fb);
	/* The pipe runs on. */
	mig_assert_vblanks(&b, 0);
	vg_destroy(&b);
	free(s.buf);
}

/*
 * Display state a start or a commit would refuse is state like any
 * other: a flip the device refused (its surface has no GGTT entry: the
 * plane is off, the head reports the error) and a running pipe whose
 * timing registers the guest changed since it started (the pipe ignores
 * them until it starts again). The vGPU loads its own stream back, and a
 * second vGPU takes it; the pipe runs on, a flip shows the framebuffer.
 * The fuzzer found streams their own device refused: the load replayed
 * the flip and the pipe start, and took the refusals for a plane and a
 * pipe the source had shown and run.
 */
static void refused_display_state_migrates(void *data)
{
	const u32 err = VGPU_DISPLAY_PRIMARY << VGPU_DISPLAY_ERROR_PLANE_SHIFT |
			VGPU_DISPLAY_ERR_UNMAPPED;
	struct vd_mode m = vd_mode_simple(640, 480, 800, 525, 60);
	struct mig_stream s;
	struct vd_fb fb;
	struct vg a, b;
	u64 hole;

	(void)data;
	vg_start(&a, MIG_TYPE);
	igt_require(a.slice_size > a.mapped);
	hole = a.slice_base + a.mapped;
	vg_ring_init(&a, COPY);
	vd_fb_alloc(&a, &fb, m.w, m.h);
	vd_fb_draw(&a, &fb, 0);
	vd_pipe_on(&a, 0, &m);
	vd_show(&a, 0, &fb);
	vg_wr(&a, VGPU_REG_PLANE_SURF(0), (u32)hole);
	igt_assert_eq_u32(vg_rd(&a, VGPU_PV_HEAD_DISPLAY_ERROR(0)), err);
	/* No total at all: a start now would be refused. */
	vg_wr(&a, VGPU_REG_HTOTAL(0), vd_hi_lo(0, m.w));
	igt_assert(vg_rd(&a, VGPU_REG_PIPECONF(0)) & VGPU_PIPECONF_STATE);
	mig_save(&a, &s);

	/* Into itself: RESUMING resets it, the stream brings it all back. */
	mig_set(&a, VFIO_DEVICE_STATE_STOP);
	mig_load(&a, &s);
	igt_assert_eq_u32(vg_rd(&a, VGPU_PV_HEAD_DISPLAY_ERROR(0)), err);
	igt_assert(vg_rd(&a, VGPU_REG_PIPECONF(0)) & VGPU_PIPECONF_STATE);
	igt_assert_eq_u32(vg_rd(&a, VGPU_REG_HTOTAL(0)), vd_hi_lo(0, m.w));
	vd_flip(&a, 0, fb.gfx);
	igt_assert_eq_u32(vg_rd(&a, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	vd_check_guest(&a, &fb);

	/* Into a second vGPU, which takes the slice over. */
	mig_move(&a, &b, &s);
	igt_assert_eq_u32(vg_rd(&b, VGPU_PV_HEAD_DISPLAY_ERROR(0)), err);
	igt_assert(vg_rd(&b, VGPU_REG_PIPECONF(0)) & VGPU_PIPECONF_STATE);
	vd_flip(&b, 0, fb.gfx);
	igt_assert_eq_u32(vg_rd(&b, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	vd_check_guest(&b, &fb);
	/* The pipe runs on. */
	mig_assert_vblanks(&b, 0);
	vg_destroy(&b);
	free(s.buf);
}

/* Back to work after a reset: GGTT, ring, a fill, exact pixels. */
static void mig_check_usable(struct vg *g)
{
	u64 surf;

	igt_assert_eq_u32(mig_get(g), VFIO_DEVICE_STATE_RUNNING);
	vg_map(g, g->slice_base, VG_MEM_IOVA, g->mapped);
	g->next = g->slice_base;
	surf = vg_alloc(g, PAGE);
	vg_ring_init(g, COPY);
	vg_fill(g, COPY, surf, 1024, 256, 4, 0xff00ff00);
	vg_run(g, COPY);
	vg_check_fill(g, surf, 1024, 0xff00ff00);
}

/*
 * A damaged stream @s (@name in the log) written into RESUMING must be
 * refused: leaving RESUMING fails and ends in ERROR, and after a reset
 * the vGPU works. Returns what the write itself answered.
 */
static int mig_load_refused(struct vg *g, const struct mig_stream *s,
			    const char *name)
{
	int fd, err, ret;

	fd = mig_set(g, VFIO_DEVICE_STATE_RESUMING);
	igt_assert_lte(0, fd);
	err = mig_write(fd, s->buf, s->len);
	ret = mig_try(g, VFIO_DEVICE_STATE_RUNNING, &fd);
	igt_info("%s: write %d, RESUMING -> RUNNING %d\n", name, err, ret);
	igt_assert(ret == -EINVAL || ret == -EPROTONOSUPPORT || ret == -EFBIG);
	igt_assert_eq_u32(mig_get(g), VFIO_DEVICE_STATE_ERROR);
	close(fd);
	igt_assert_eq(vfio_dev_reset(&g->dev), 0);
	mig_check_usable(g);
	return err;
}

enum mig_damage {
	MIG_TRUNCATE,		/* the last byte missing */
	MIG_FLIP_PAYLOAD,	/* one bit of the last section */
	MIG_OTHER_TYPE,		/* the header's type name */
	MIG_OTHER_VERSION,	/* the header's version */
	MIG_OVERSIZE,		/* far more bytes than any stream */
	MIG_BAD_CONTENT,	/* framing intact, a section out of range */
	MIG_ABSENT_PIPE_IRQ,	/* an interrupt pending on a pipe not there */
	MIG_DAMAGES,
};

static const char *const mig_damage_names[MIG_DAMAGES] = {
	"truncated", "bit flip", "other type", "other version", "oversized",
	"bad section content", "absent pipe's interrupt",
};

static u32 mig_u32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Bytes of the chunk at @c: its header and payload. */
static u32 mig_chunk_len(const u8 *c)
{
	return MIG_HEADER_SIZE + mig_u32(c + MIG_OFF_PAYLOAD);
}

/* The payload of section @id of the chunk at @c, NULL if it has none. */
static u8 *mig_chunk_section(u8 *c, __u16 id, u32 *size)
{
	u32 pos = MIG_HEADER_SIZE, end = mig_chunk_len(c), n;
	__u16 sid;

	while (pos + MIG_SECTION_HEADER_SIZE <= end) {
		memcpy(&sid, c + pos, sizeof(sid));
		n = mig_u32(c + pos + 4);
		if (sid == id) {
			if (size)
				*size = n;
			return c + pos + MIG_SECTION_HEADER_SIZE;
		}
		pos += MIG_SECTION_HEADER_SIZE + n;
	}
	return NULL;
}

/* The payload of section @id of a saved stream (one final chunk). */
static u8 *mig_section(struct mig_stream *s, __u16 id)
{
	u8 *p = mig_chunk_section(s->buf, id, NULL);

	igt_assert_f(p, "section %u not in the stream\n", id);
	return p;
}

/* The checksum of the chunk at @c made right after a payload change. */
static void mig_fix_chunk_crc(u8 *c)
{
	u32 crc = 0xffffffff, i, b, end = mig_chunk_len(c);

	for (i = MIG_HEADER_SIZE; i < end; i++) {
		crc ^= c[i];
		for (b = 0; b < 8; b++)
			crc = crc & 1 ? (crc >> 1) ^ MIG_CRC_POLY : crc >> 1;
	}
	crc = ~crc;
	memcpy(c + MIG_OFF_CHECKSUM, &crc, sizeof(crc));
}

static void mig_fix_crc(struct mig_stream *s)
{
	mig_fix_chunk_crc(s->buf);
}

/*
 * The first section's first payload dword (SCHED: the weight) set out of
 * range, the checksum made right again: only the owner can refuse it.
 */
static void mig_bad_content(struct mig_stream *s)
{
	u8 *p = s->buf + MIG_HEADER_SIZE;

	igt_assert_eq(p[0], MIG_SEC_SCHED);	/* saved first */
	memset(p + MIG_SECTION_HEADER_SIZE, 0xff, 4);
	mig_fix_crc(s);
}

/*
 * A vblank pending on the last pipe, which a "small" vGPU (one head) lacks:
 * the guest could never clear it, so the IRQ section's owner refuses it.
 */
static void mig_absent_pipe_irq(struct mig_stream *s)
{
	u32 iir = 1;

	memcpy(mig_section(s, MIG_SEC_IRQ) +
	       MIG_IRQ_PIPE_IIR(MIG_MAX_PIPES - 1), &iir, sizeof(iir));
	mig_fix_crc(s);
}

static void refuse_bad_streams(void *data)
{
	struct mig_stream good, s;
	unsigned long long refused;
	enum mig_damage d;
	struct mig_work w;
	int err;
	struct vg g;

	(void)data;
	vg_start(&g, MIG_TYPE);
	mig_work_alloc(&g, &w);
	mig_work_emit(&g, &w, 0);
	igt_assert_eq(vg_wait(&g, COPY, MIG_TIMEOUT_S), 0);
	mig_set(&g, VFIO_DEVICE_STATE_STOP);
	mig_save(&g, &good);
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);

	for (d = 0; d < MIG_DAMAGES; d++) {
		s.len = d == MIG_OVERSIZE ? 64 << 20 : good.len;
		s.buf = calloc(1, s.len);
		igt_assert(s.buf);
		memcpy(s.buf, good.buf, good.len);
		switch (d) {
		case MIG_TRUNCATE:
			s.len--;
			break;
		case MIG_FLIP_PAYLOAD:
			s.buf[s.len - 3] ^= 0x10;
			break;
		case MIG_OTHER_TYPE:
			memcpy(s.buf + MIG_OFF_TYPE, "large", 5);
			break;
		case MIG_OTHER_VERSION:
			s.buf[MIG_OFF_VERSION]++;
			break;
		case MIG_BAD_CONTENT:
			mig_bad_content(&s);
			break;
		case MIG_ABSENT_PIPE_IRQ:
			mig_absent_pipe_irq(&s);
			break;
		default:
			break;
		}
		refused = vg_stat(&g, "migration_refused");
		err = mig_load_refused(&g, &s, mig_damage_names[d]);
		/* Found at the write already or when leaving RESUMING. */
		if (d == MIG_OVERSIZE)
			igt_assert_eq(err, -EFBIG);
		else if (d == MIG_OTHER_TYPE)
			igt_assert_eq(err, -EINVAL);
		else if (d == MIG_OTHER_VERSION)
			igt_assert_eq(err, -EPROTONOSUPPORT);
		else
			igt_assert_eq(err, 0);
		igt_assert_lt(refused, vg_stat(&g, "migration_refused"));
		free(s.buf);
	}
	free(good.buf);
	vg_destroy(&g);
}

static void mig_precopy_info(int fd, struct vfio_precopy_info *info)
{
	info->argsz = sizeof(*info);
	igt_assert_eq(ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, info), 0);
}

/*
 * PRE_COPY: the preamble and the early state (GGTT, display, EDID) first,
 * as initial_bytes say, then ENOMSG; the rest of the state on the same
 * file in STOP_COPY.
 */
static void precopy_session(void *data)
{
	struct vfio_precopy_info info;
	struct mig_stream s = { 0 };
	struct mig_work w;
	struct vg a;
	int fd;

	(void)data;
	vg_start(&a, MIG_TYPE);
	if (!mig_has_precopy(&a)) {
		/* Nothing of a skipped subtest may stay behind. */
		vg_destroy(&a);
		igt_skip("this kernel has no PRE_COPY\n");
	}
	fd = mig_set(&a, VFIO_DEVICE_STATE_PRE_COPY);
	igt_assert_lte(0, fd);
	mig_precopy_info(fd, &info);
	/* The GGTT of the 8 MiB vg_start() mapped is in it. */
	igt_assert_lt(2 * MIG_HEADER_SIZE + 2048 * MIG_GGTT_ENTRY,
		      info.initial_bytes);
	igt_assert_eq_u64(info.dirty_bytes, 0);
	igt_assert_eq(mig_read(fd, &s, true), -ENOMSG);
	igt_assert_eq_u64(s.len, info.initial_bytes);
	igt_assert(mig_chunk_section(s.buf + MIG_HEADER_SIZE, MIG_SEC_GGTT,
				     NULL));
	mig_precopy_info(fd, &info);
	igt_assert_eq_u64(info.initial_bytes, 0);
	igt_assert_eq_u64(info.dirty_bytes, 0);
	/* Still running: work goes on during pre-copy. */
	mig_work_alloc(&a, &w);
	mig_work_emit(&a, &w, 0);
	igt_assert_eq(vg_wait(&a, COPY, MIG_TIMEOUT_S), 0);
	igt_assert_eq(mig_set(&a, VFIO_DEVICE_STATE_PRE_COPY_P2P), -1);
	igt_assert_eq(mig_set(&a, VFIO_DEVICE_STATE_STOP_COPY), -1);
	/* Outside PRE_COPY the info is refused. */
	igt_assert_eq(ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info), -1);
	igt_assert_eq(errno, EINVAL);
	igt_assert_lt(MIG_HEADER_SIZE, mig_read(fd, &s, false));
	close(fd);
	mig_load(&a, &s);
	igt_assert_eq_u32(((u32 *)vg_ptr(&a, w.seq))[0], 1);
	igt_assert_eq(vg_stat(&a, "migration_refused"), 0);
	free(s.buf);
	vg_destroy(&a);
}

/* GGTT entries the guest rewrites during pre-copy: reversed, and cleared. */
#define MIG_REMAP_PAGES		16
#define MIG_CLEAR_PAGES		4
#define MIG_CHANGED_ENTRIES	(MIG_REMAP_PAGES + MIG_CLEAR_PAGES)

/**
 * struct mig_precopy - a pre-copy session of a running, displaying vGPU
 * @w: the workload
 * @fb: two framebuffers; @fb[0] shown first, then @fb[1]
 * @scratch: pages whose GGTT entries the guest rewrites
 * @pte: those entries after the rewrite
 * @base: copy-engine submissions completed before the workload (drawing)
 * @early: bytes read before the guest changed anything
 * @dirty: bytes read after (dirty_bytes as reported before)
 * @stop: bytes read in STOP_COPY
 */
struct mig_precopy {
	struct mig_work w;
	struct vd_fb fb[2];
	u64 scratch;
	u64 pte[MIG_CHANGED_ENTRIES];
	u32 base;
	size_t early, dirty, stop;
};

#define MIG_FB_W	320
#define MIG_FB_H	240

/* The two framebuffers, drawn: the same submissions on any vGPU. */
static void mig_precopy_fbs(struct vg *g, struct vd_fb *fb)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		vd_fb_alloc(g, &fb[i], MIG_FB_W, MIG_FB_H);
		vd_fb_draw(g, &fb[i], i);
	}
}

static void mig_precopy_prep(struct vg *g)
{
	struct vd_fb fb[2];

	mig_precopy_fbs(g, fb);
	igt_assert_eq(vg_wait(g, COPY, MIG_TIMEOUT_S), 0);
}

/* Rewrite the scratch entries: the first pages reversed, the rest cleared. */
static void mig_rewrite_ggtt(struct vg *g, struct mig_precopy *p)
{
	u64 orig[MIG_REMAP_PAGES];
	unsigned int i;

	for (i = 0; i < MIG_REMAP_PAGES; i++)
		orig[i] = vg_pte_read(g, p->scratch + (u64)i * PAGE);
	for (i = 0; i < MIG_CHANGED_ENTRIES; i++) {
		vg_pte(g, p->scratch + (u64)i * PAGE,
		       i < MIG_REMAP_PAGES ? orig[MIG_REMAP_PAGES - 1 - i] : 0);
		p->pte[i] = vg_pte_read(g, p->scratch + (u64)i * PAGE);
		igt_assert_eq_u64(p->pte[i], i < MIG_REMAP_PAGES ?
				  orig[MIG_REMAP_PAGES - 1 - i] : 0);
	}
}

/*
 * Pre-copy of vGPU @a showing @p->fb[0], its workload queued: the early
 * state read while it runs, then the guest rewrites GGTT entries and
 * flips to @p->fb[1], the changes read, then the workload runs and is
 * stopped in the middle (STOP_COPY). The whole stream in @s.
 */
static void mig_precopy_run(struct vg *a, struct mig_precopy *p,
			    struct mig_stream *s)
{
	struct vfio_precopy_info info;
	u32 size, done;
	size_t at;
	double t0;
	u8 *c;
	int fd;

	fd = mig_set(a, VFIO_DEVICE_STATE_PRE_COPY);
	igt_assert_lte(0, fd);
	/* (1) The early state, the vGPU running. */
	igt_assert_eq(mig_read(fd, s, true), -ENOMSG);
	p->early = s->len;
	mig_precopy_info(fd, &info);
	igt_assert_eq_u64(info.initial_bytes, 0);
	igt_assert_eq_u64(info.dirty_bytes, 0);
	/* (2) The guest changes GGTT entries and a plane. */
	mig_rewrite_ggtt(a, p);
	vd_show(a, 0, &p->fb[1]);
	/* (3) Reported as dirty, and read as one chunk of the changes. */
	mig_precopy_info(fd, &info);
	igt_assert_eq_u64(info.initial_bytes, 0);
	igt_assert_lt(0, info.dirty_bytes);
	at = s->len;
	igt_assert_eq(mig_read(fd, s, true), -ENOMSG);
	p->dirty = s->len - at;
	igt_assert_eq_u64(p->dirty, info.dirty_bytes);
	c = s->buf + at;
	igt_assert_eq_u32(mig_u32(c + MIG_OFF_KIND), MIG_KIND_EARLY);
	igt_assert_eq_u32(mig_chunk_len(c), p->dirty);
	igt_assert(mig_chunk_section(c, MIG_SEC_GGTT_DELTA, &size));
	igt_assert_eq_u32(mig_u32(mig_chunk_section(c, MIG_SEC_GGTT_DELTA,
						    NULL)),
			  MIG_CHANGED_ENTRIES);
	igt_assert_eq_u32(size, 4 + MIG_CHANGED_ENTRIES * MIG_GGTT_ENTRY);
	igt_assert(mig_chunk_section(c, MIG_SEC_DISPLAY, NULL));
	igt_assert(!mig_chunk_section(c, MIG_SEC_GGTT, NULL));
	mig_precopy_info(fd, &info);
	igt_assert_eq_u64(info.dirty_bytes, 0);
	igt_assert_eq(mig_read(fd, s, true), -ENOMSG);
	/* Queue the workload quiesced, as mig_work_queue() does. */
	igt_assert_eq(mig_set(a, VFIO_DEVICE_STATE_PRE_COPY_P2P), -1);
	for (done = 0; done < MIG_WORKLOADS; done++)
		mig_work_emit(a, &p->w, done);
	igt_assert_eq(mig_set(a, VFIO_DEVICE_STATE_PRE_COPY), -1);
	t0 = vg_now();
	while (mig_completed(a) == p->base) {
		igt_assert_f(vg_now() - t0 < MIG_TIMEOUT_S, "no progress\n");
		usleep(100);
	}
	/* (4) Stopped mid-run: the rest of the state. */
	igt_assert_eq(mig_set(a, VFIO_DEVICE_STATE_STOP_COPY), -1);
	done = mig_completed(a) - p->base;
	igt_assert_f(done < MIG_WORKLOADS,
		     "the workload ended before STOP: not a mid-run test\n");
	at = s->len;
	mig_read(fd, s, false);
	p->stop = s->len - at;
	close(fd);
	igt_info("pre-copy %zu bytes early, %zu changed; stop-copy %zu bytes; %u of %u workloads done\n",
		 p->early, p->dirty, p->stop, done, MIG_WORKLOADS);
	igt_assert_eq(vg_stat(a, "migration_precopy_bytes"),
		      p->early + p->dirty);
	igt_assert_eq(vg_stat(a, "migration_stopcopy_bytes"), p->stop);
}

/*
 * (1)-(5) of pre-copy: the GGTT and display go early with the vGPU
 * running; the guest's GGTT rewrites and plane flip are reported as dirty
 * and resent; STOP_COPY carries a fraction of a full stream; loaded into
 * a second vGPU the GGTT, the display and the workload's results are the
 * source's.
 */
static void precopy_resends_changes(void *data)
{
	struct vd_mode m = vd_mode_simple(640, 480, 800, 525, 60);
	u8 *ref = malloc(MIG_RESULT_BYTES), *ram;
	struct vfio_device_gfx_plane_info pi;
	struct mig_stream full, s = { 0 };
	struct mig_precopy p;
	struct vg a, b;
	unsigned int i;

	(void)data;
	igt_assert(ref);
	vg_start(&a, MIG_TYPE);
	if (!mig_has_precopy(&a)) {
		vg_destroy(&a);
		free(ref);
		igt_skip("this kernel has no PRE_COPY\n");
	}
	mig_work_alloc(&a, &p.w);
	mig_precopy_fbs(&a, p.fb);
	igt_assert_eq(vg_wait(&a, COPY, MIG_TIMEOUT_S), 0);
	p.base = mig_completed(&a);
	p.scratch = vg_alloc(&a, MIG_CHANGED_ENTRIES * PAGE);
	vd_pipe_on(&a, 0, &m);
	vd_show(&a, 0, &p.fb[0]);
	/* A full stream of the same vGPU, for scale; then on it runs. */
	mig_set(&a, VFIO_DEVICE_STATE_STOP);
	mig_save(&a, &full);
	mig_set(&a, VFIO_DEVICE_STATE_RUNNING);

	mig_precopy_run(&a, &p, &s);
	/* Little changed: STOP_COPY is a small part of a full stream. */
	igt_info("full stream %zu bytes; stop-copy is %.1f %% of it\n",
		 full.len, 100.0 * p.stop / full.len);
	igt_assert_f(p.stop * 8 < full.len,
		     "stop-copy %zu bytes, a full stream %zu\n", p.stop,
		     full.len);
	igt_assert_lt(p.dirty, p.early);

	/* (5) Into a second vGPU whose guest memory is a copy. */
	ram = malloc(a.mem_size);
	igt_assert(ram);
	memcpy(ram, a.mem.vaddr, a.mem_size);
	mig_set(&a, VFIO_DEVICE_STATE_STOP);
	vg_destroy(&a);
	mig_reference_after(ref, mig_precopy_prep);
	vg_start(&b, MIG_TYPE);
	memcpy(b.mem.vaddr, ram, b.mem_size);
	mig_load(&b, &s);
	igt_assert_eq_u64(mig_slice_base(&b), a.slice_base);
	b.slice_base = a.slice_base;
	b.mapped = a.mapped;
	b.next = a.next;
	memcpy(b.ring, a.ring, sizeof(b.ring));
	for (i = 0; i < MIG_CHANGED_ENTRIES; i++)
		igt_assert_eq_u64(vg_pte_read(&b, p.scratch + (u64)i * PAGE),
				  p.pte[i]);
	vd_query_ok(&b, VD_PLANE_PRIMARY, VFIO_GFX_PLANE_TYPE_REGION, &pi);
	vd_assert_primary(&pi, &p.fb[1], 0, 0);
	vd_check_guest(&b, &p.fb[1]);
	mig_check_results_after(&b, &p.w, ref, p.base);
	igt_assert_eq(vg_stat(&b, "migration_refused"), 0);
	vg_destroy(&b);
	free(ram);
	free(s.buf);
	free(full.buf);
	free(ref);
}

enum mig_precopy_damage {
	MIG_PD_DELTA_FIRST,	/* the base's chunk gone: a delta before it */
	MIG_PD_DELTA_OUTSIDE,	/* a delta entry past the slice's end */
	MIG_PD_DELTA_REPEATED,	/* a delta entry twice */
	MIG_PD_CHUNK_REPEATED,	/* the chunk of changes sent twice */
	MIG_PD_NO_FINAL,	/* pre-copy only: the stop never came */
	MIG_PD_CHUNK_OVERSIZED,	/* an early chunk longer than any */
	MIG_PD_OLD_VERSION,	/* a preamble of version 1 */
	MIG_PD_DAMAGES,
};

static const char *const mig_pd_names[MIG_PD_DAMAGES] = {
	"delta before its base", "delta outside the slice",
	"delta entry repeated", "chunk repeated", "no final chunk",
	"oversized early chunk", "version 1",
};

/*
 * A pre-copy stream: preamble and early chunk, a chunk of changes (two
 * GGTT entries cleared), the final chunk. @ends: where each chunk ends.
 */
static void mig_precopy_stream(struct vg *g, struct mig_stream *s,
			       size_t ends[4])
{
	u64 gfx = g->slice_base + g->mapped - 4 * PAGE;
	unsigned int i;
	int fd;

	s->buf = NULL;
	s->len = 0;
	fd = mig_set(g, VFIO_DEVICE_STATE_PRE_COPY);
	igt_assert_eq(mig_read(fd, s, true), -ENOMSG);
	vg_pte(g, gfx, 0);
	vg_pte(g, gfx + 2 * PAGE, 0);
	igt_assert_eq(mig_read(fd, s, true), -ENOMSG);
	mig_set(g, VFIO_DEVICE_STATE_STOP_COPY);
	mig_read(fd, s, false);
	close(fd);
	mig_set(g, VFIO_DEVICE_STATE_STOP);
	ends[0] = mig_chunk_len(s->buf);
	for (i = 1; i < 4; i++)
		ends[i] = ends[i - 1] + mig_chunk_len(s->buf + ends[i - 1]);
	igt_assert_eq(ends[3], s->len);
}

/* Damage @d of a pre-copy stream @good into @s. */
static void mig_precopy_damage(const struct mig_stream *good,
			       const size_t ends[4],
			       enum mig_precopy_damage d,
			       struct mig_stream *s)
{
	size_t n1 = ends[1] - ends[0], n2 = ends[2] - ends[1];
	u32 v, i;
	u8 *c, *t;

	s->buf = malloc(good->len + n2);
	igt_assert(s->buf);
	memcpy(s->buf, good->buf, good->len);
	s->len = good->len;
	c = s->buf + ends[1];	/* the chunk of changes */
	t = mig_chunk_section(c, MIG_SEC_GGTT_DELTA, NULL);
	igt_assert(t);
	igt_assert_eq_u32(mig_u32(t), 2);
	switch (d) {
	case MIG_PD_DELTA_FIRST:
		memmove(s->buf + ends[0], s->buf + ends[1],
			good->len - ends[1]);
		s->len -= n1;
		/* Numbered as if the base's chunk never was. */
		for (c = s->buf + ends[0]; c < s->buf + s->len;
		     c += mig_chunk_len(c)) {
			v = mig_u32(c + MIG_OFF_SEQ) - 1;
			memcpy(c + MIG_OFF_SEQ, &v, sizeof(v));
		}
		break;
	case MIG_PD_DELTA_OUTSIDE:
		v = MIG_SMALL_ENTRIES;
		memcpy(t + 4 + MIG_GGTT_ENTRY, &v, sizeof(v));
		mig_fix_chunk_crc(c);
		break;
	case MIG_PD_DELTA_REPEATED:
		memcpy(t + 4 + MIG_GGTT_ENTRY, t + 4, 4);
		mig_fix_chunk_crc(c);
		break;
	case MIG_PD_CHUNK_REPEATED:
		memmove(s->buf + ends[2], s->buf + ends[1],
			good->len - ends[1]);
		s->len += n2;
		break;
	case MIG_PD_NO_FINAL:
		s->len = ends[2];
		break;
	case MIG_PD_CHUNK_OVERSIZED:
		v = 64 << 20;
		memcpy(c + MIG_OFF_PAYLOAD, &v, sizeof(v));
		break;
	case MIG_PD_OLD_VERSION:
		i = 1;
		memcpy(s->buf + MIG_OFF_VERSION, &i, sizeof(i));
		break;
	default:
		break;
	}
}

/*
 * Pre-copy streams with their chunks or GGTT deltas out of place: each
 * refused, with an errno, counted; the vGPU works after a reset.
 */
static void refuse_bad_precopy_streams(void *data)
{
	struct mig_stream good, s;
	unsigned long long refused;
	enum mig_precopy_damage d;
	size_t ends[4];
	int err;
	struct vg g;

	(void)data;
	vg_start(&g, MIG_TYPE);
	if (!mig_has_precopy(&g)) {
		vg_destroy(&g);
		igt_skip("this kernel has no PRE_COPY\n");
	}
	mig_precopy_stream(&g, &good, ends);
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);
	/* Undamaged, it loads. */
	mig_load(&g, &good);
	igt_assert_eq(vg_stat(&g, "migration_refused"), 0);
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);

	for (d = 0; d < MIG_PD_DAMAGES; d++) {
		mig_precopy_damage(&good, ends, d, &s);
		refused = vg_stat(&g, "migration_refused");
		err = mig_load_refused(&g, &s, mig_pd_names[d]);
		/* Early chunks are checked as they arrive, the end at STOP. */
		if (d == MIG_PD_NO_FINAL)
			igt_assert_eq(err, 0);
		else if (d == MIG_PD_CHUNK_OVERSIZED)
			igt_assert_eq(err, -EFBIG);
		else if (d == MIG_PD_OLD_VERSION)
			igt_assert_eq(err, -EPROTONOSUPPORT);
		else
			igt_assert_eq(err, -EINVAL);
		igt_assert_eq(vg_stat(&g, "migration_refused"), refused + 1);
		free(s.buf);
	}
	free(good.buf);
	vg_destroy(&g);
}

/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: the estimate, or -errno. */
static long long mig_data_size(struct vg *g)
{
	struct vfio_device_feature_mig_data_size d = { 0 };
	int ret;

	ret = vfio_dev_feature(&g->dev, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &d, sizeof(d));
	return ret < 0 ? ret : (long long)d.stop_copy_length;
}

/*
 * QEMU adds the estimate to the guest memory left to copy when it decides
 * to stop the guest, and sizes its read buffer by it: it must follow the
 * GGTT entries the guest has set (the section that grows with guest
 * memory), never fall below the stream a stop writes, and not be the
 * longest stream of the type.
 */
static void data_size_estimate(void *data)
{
	struct mig_stream s1, s2;
	long long e0, e1, e2;
	u64 gfx, off;
	struct vg a;

	(void)data;
	vg_start(&a, MIG_TYPE);
	if (!mig_has_precopy(&a)) {
		vg_destroy(&a);
		igt_skip("this kernel has no migration_get_data_size\n");
	}
	/* vg_start() set the entries of 8 MiB; clear the last 1 MiB. */
	e0 = mig_data_size(&a);
	igt_assert_lt(0, e0);
	igt_assert_lt(e0, MIG_SMALL_ENTRIES * MIG_GGTT_ENTRY);
	gfx = a.slice_base + a.mapped - (1 << 20);
	for (off = 0; off < 1 << 20; off += PAGE)
		vg_pte(&a, gfx + off, 0);
	e1 = mig_data_size(&a);
	igt_assert_eq(e0 - e1, 256 * MIG_GGTT_ENTRY);
	mig_save(&a, &s1);
	igt_assert_lte((long long)s1.len, e1);
	mig_set(&a, VFIO_DEVICE_STATE_RUNNING);
	vg_map(&a, gfx, VG_MEM_IOVA + a.mapped - (1 << 20), 1 << 20);
	e2 = mig_data_size(&a);
	igt_assert_eq(e2, e0);
	mig_save(&a, &s2);
	/* The stream grew by the entries set again, the estimate too. */
	igt_assert_eq((long long)(s2.len - s1.len), 256 * MIG_GGTT_ENTRY);
	igt_assert_eq(e2 - (long long)s2.len, e1 - (long long)s1.len);
	free(s1.buf);
	free(s2.buf);
	vg_destroy(&a);
}

static const struct igt_subtest subtests[] = {
	{ "migration-caps", migration_caps,
	  "STOP_COPY and P2P offered; a new vGPU is RUNNING" },
	{ "fsm-every-arc", fsm_every_arc,
	  "every legal arc reaches its state; a file opens on entering a data state" },
	{ "fsm-illegal-arcs", fsm_illegal_arcs,
	  "bad states refused; a failed RESUMING ends in ERROR, left by reset only" },
	{ "stop-and-continue", stop_and_continue,
	  "STOP mid-workload freezes memory; RUNNING again ends it as if never stopped" },
	{ "save-restore-mid-workload", save_restore_mid_workload,
	  "saved mid-workload, loaded into a second vGPU: an uninterrupted run's results" },
	{ "state-sections", state_sections,
	  "knobs, MSI, interrupts, a shown plane, EDID: the same on the destination" },
	{ "refused-display-state-migrates", refused_display_state_migrates,
	  "a refused flip, a running pipe's changed timings: loaded into itself and a 2nd vGPU" },
	{ "refuse-bad-streams", refuse_bad_streams,
	  "damaged streams refused and counted; the vGPU works after a reset" },
	{ "precopy-session", precopy_session,
	  "PRE_COPY: preamble and early state, ENOMSG, then the rest on the same file" },
	{ "precopy-resends-changes", precopy_resends_changes,
	  "GGTT and display early; changes dirty and resent; small STOP_COPY; same on a 2nd vGPU" },
	{ "refuse-bad-precopy-streams", refuse_bad_precopy_streams,
	  "deltas before their base or outside the slice, chunks repeated or missing: refused" },
	{ "data-size-estimate", data_size_estimate,
	  "the STOP_COPY estimate follows the GGTT entries set, never below the stream" },
};

IGT_TEST_MAIN("VFIO migration v2 of a vGPU, through VFIO_DEVICE_FEATURE.",
	      subtests);
