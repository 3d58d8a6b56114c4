// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_fuzz: a coverage-guided fuzzer that drives vGPUs through their VFIO
 * fds and sysfs files the way a hostile VMM and a careless operator would.
 * A program is a short sequence of operations (MMIO, PCI config, GGTT
 * entries, ring and batch contents, tail games, engine resets, DMA unmap
 * and map, display programming, EDID, plane queries, dma-buf exports,
 * short-lived vGPUs, the sysfs knobs, VFIO migration), some of them on
 * helper threads that run beside the main one on the same device.
 *
 * The knobs: the fuzzed vGPU's weight, cap, priority and display_edid_mode
 * and its GPU's sched_slice_us, written in range, at the edges, out of
 * range and as garbage; a value in range must be taken and read back, one
 * just outside refused with -EINVAL. Migration (VFIO migration v2, the
 * uAPI only, nothing of the stream's layout): states set (illegal ones
 * too, refused without a change), the data file read in STOP_COPY and
 * PRE_COPY, VFIO_MIG_GET_PRECOPY_INFO, saved streams written back whole,
 * cut, with bytes changed or spliced into RESUMING of the same vGPU or of
 * a short-lived second one (on the other GPU when there is one), ERROR
 * left by a reset, data files kept past their vGPU's removal. Its own
 * stream, saved with nothing queued and written back unchanged, must
 * load. Every program ends with the fuzzed vGPU RUNNING (or reset) and
 * its knobs and the GPU's slice as they were.
 *
 * Coverage comes from KCOV where the kernel has it (the debug host kernel
 * instruments vgpu.ko only): every thread traces the PCs its system calls
 * reach, consecutive PCs hash into an edge bitmap, and a program that
 * reaches a new edge joins the corpus that is mutated further. Without
 * KCOV the same loop runs as a random generator over the seed corpus and
 * says that coverage feedback is off.
 *
 * While it runs, a victim vGPU fills and checks memory with a deadline;
 * after each program the host kernel log holds no warning; every time the
 * fuzzed vGPU is closed it holds no pin; at the end slab is back.
 *
 * Environment: VGPU_FUZZ_SECONDS (default 60 with KCOV, 20 without; 0
 * skips), VGPU_FUZZ_SEED (random seed), VGPU_FUZZ_CORPUS (seed corpus
 * directory), VGPU_FUZZ_SAVE (a directory to write new-coverage programs
 * to, off by default).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/kcov.h>
#include <linux/pci_regs.h>

#include "vfio_mig_uapi.h"
#include "vgpu_display.h"
#include "vgpu_guest.h"

#ifndef VGPU_FUZZ_CORPUS
#define VGPU_FUZZ_CORPUS	"igt-tests/fuzz/corpus"
#endif

#define FZ_DEFAULT_KCOV_S	60
#define FZ_DEFAULT_S		20
#define FZ_SETUP_S		300
#define FZ_THREADS		3	/* the main thread and two helpers */
#define FZ_MAX_OPS		32
#define FZ_CORPUS_MAX		1024
#define FZ_REOPEN_EVERY		100	/* programs per open of the fuzzed vGPU */
#define FZ_KCOV_PATH		"/sys/kernel/debug/kcov"
#define FZ_KCOV_WORDS		(256 * 1024)
#define FZ_EDGE_BITS		21	/* 2 Mi edge slots, 256 KiB */
#define FZ_VICTIM_DEADLINE_S	30
#define FZ_VICTIM_PITCH		1024
#define FZ_VICTIM_ROWS		16
#define FZ_VICTIM_HANGS_MAX	3
#define FZ_WAIT_MAX_MS		20
#define FZ_MDEV_EVERY		25
#define FZ_HELD_MAX		8	/* dma-bufs outliving a device */
#define FZ_MIG_HELD_MAX		4	/* migration data files outliving one */
#define FZ_MIG_BUF		(256 * 1024)	/* > a small vGPU's longest stream */
#define FZ_MIG_OUT		(1024 * 1024)	/* a mutated stream, oversized too */
#define FZ_KNOB_TEXT_MAX	4400	/* a knob write: past a page too */

/*
 * The fuzzed vGPU's guest memory, by offset from its slice base: the two
 * rings and status pages, batch pages (two per thread), a scratch surface
 * commands write, a framebuffer and a cursor.
 */
#define FZ_MEM_SIZE		0x80000ULL
#define FZ_RING_OFF(e)		((u64)(e) * 0x5000)
#define FZ_HWS_OFF(e)		(FZ_RING_OFF(e) + VG_RING_SIZE)
#define FZ_BATCH_OFF(t)		(0xa000ULL + (u64)(t) * 2 * PAGE)
#define FZ_SCRATCH_OFF		0x10000ULL
#define FZ_SCRATCH_SIZE		0x10000ULL
#define FZ_FB_OFF		0x20000ULL
#define FZ_FB_W			256
#define FZ_FB_H			256
#define FZ_CURSOR_OFF		0x60000ULL

enum fz_kind {
	FZ_MMIO_WR,	/* sel: fz_regs[] row or raw; a: pipe/offset; b: value; c: width */
	FZ_MMIO_RD,
	FZ_CFG_WR,	/* a: offset; b: value; c: width */
	FZ_CFG_RD,
	FZ_PTE,		/* sel: mode; a: page of the slice; b, c: value */
	FZ_CMD,		/* sel: template; a: engine | param << 1; b, c: mutation */
	FZ_BATCH,	/* the same, in a batch the ring calls */
	FZ_GARBAGE,	/* a: engine; b: seed; c: dwords */
	FZ_TAIL,	/* sel: game; a: engine; b: value */
	FZ_RING,	/* sel: register; a: engine; b: value */
	FZ_GDRST,	/* b: value */
	FZ_WAIT,	/* a: engine; b: ms */
	FZ_DMA,		/* sel: 0 unmap guest memory, 1 map it back */
	FZ_PIPE,	/* sel: on, off, raw timing; a: pipe; b, c: size */
	FZ_PLANE,	/* sel: show, raw, flip, cursor; a: pipe; b, c */
	FZ_EDID,	/* sel: link, size, blob, raw; a, b, c */
	FZ_QUERY,	/* a: plane type; sel: flags */
	FZ_DMABUF,	/* sel: 0 the last queried id, else b; c: mmap */
	FZ_IRQ,		/* sel: msi on, off, registers; b */
	FZ_RESET,	/* VFIO_DEVICE_RESET */
	FZ_MDEV,	/* a short-lived vGPU; a: MMIO writes on it */
	FZ_KNOB,	/* sel: enum fz_knob_file, reads; a: enum fz_knob_form; b, c */
	FZ_MIG,		/* sel: enum fz_mig_action; a, b, c */
	FZ_KINDS
};

static const char *const fz_kind_names[FZ_KINDS] = {
	[FZ_MMIO_WR] = "mmio_wr", [FZ_MMIO_RD] = "mmio_rd",
	[FZ_CFG_WR] = "cfg_wr", [FZ_CFG_RD] = "cfg_rd", [FZ_PTE] = "pte",
	[FZ_CMD] = "cmd", [FZ_BATCH] = "batch", [FZ_GARBAGE] = "garbage",
	[FZ_TAIL] = "tail", [FZ_RING] = "ring", [FZ_GDRST] = "gdrst",
	[FZ_WAIT] = "wait", [FZ_DMA] = "dma", [FZ_PIPE] = "pipe",
	[FZ_PLANE] = "plane", [FZ_EDID] = "edid", [FZ_QUERY] = "query",
	[FZ_DMABUF] = "dmabuf", [FZ_IRQ] = "irq", [FZ_RESET] = "reset",
	[FZ_MDEV] = "mdev", [FZ_KNOB] = "knob", [FZ_MIG] = "mig",
};

/* How often a fresh operation is of each kind (per 1000ish). */
static const unsigned int fz_kind_weight[FZ_KINDS] = {
	[FZ_MMIO_WR] = 60, [FZ_MMIO_RD] = 20, [FZ_CFG_WR] = 15,
	[FZ_CFG_RD] = 5, [FZ_PTE] = 40, [FZ_CMD] = 120, [FZ_BATCH] = 80,
	[FZ_GARBAGE] = 30, [FZ_TAIL] = 50, [FZ_RING] = 30, [FZ_GDRST] = 15,
	[FZ_WAIT] = 40, [FZ_DMA] = 6, [FZ_PIPE] = 30, [FZ_PLANE] = 50,
	[FZ_EDID] = 30, [FZ_QUERY] = 40, [FZ_DMABUF] = 30, [FZ_IRQ] = 15,
	[FZ_RESET] = 4, [FZ_MDEV] = 1, [FZ_KNOB] = 12, [FZ_MIG] = 16,
};

/**
 * struct fz_op - one operation of a program
 * @kind: enum fz_kind
 * @thread: 0 for the main thread, else the helper thread that runs it
 * @sel: which register, command or mode
 * @a: @b: @c: arguments, meaning by @kind
 */
struct fz_op {
	u32 kind;
	u32 thread;
	u32 sel;
	u32 a, b, c;
};

struct fz_prog {
	u32 n;
	struct fz_op op[FZ_MAX_OPS];
};

/* BAR0 registers the MMIO operations pick from; display rows by pipe. */
static const u32 fz_regs[] = {
	VGPU_RING_TAIL(VGPU_RENDER_RING_BASE),
	VGPU_RING_HEAD(VGPU_RENDER_RING_BASE),
	VGPU_RING_START(VGPU_RENDER_RING_BASE),
	VGPU_RING_CTL(VGPU_RENDER_RING_BASE),
	VGPU_RING_HWS_PGA(VGPU_RENDER_RING_BASE),
	VGPU_RING_TIMESTAMP(VGPU_RENDER_RING_BASE),
	VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0),
	VGPU_RING_TAIL(VGPU_COPY_RING_BASE),
	VGPU_RING_HEAD(VGPU_COPY_RING_BASE),
	VGPU_RING_START(VGPU_COPY_RING_BASE),
	VGPU_RING_CTL(VGPU_COPY_RING_BASE),
	VGPU_RING_HWS_PGA(VGPU_COPY_RING_BASE),
	VGPU_CS_GPR_UDW(VGPU_COPY_RING_BASE, 15),
	VGPU_REG_GDRST,
	VGPU_REG_MASTER_IRQ,
	VGPU_REG_GT_ISR(0), VGPU_REG_GT_IMR(0), VGPU_REG_GT_IIR(0),
	VGPU_REG_GT_IER(0), VGPU_REG_GT_IER(1),
	VGPU_REG_DE_PORT_IMR, VGPU_REG_DE_PORT_IIR, VGPU_REG_DE_PORT_IER,
	VGPU_PV_G2V_NOTIFY, VGPU_PV_CAPS, VGPU_PV_UNHANDLED_ACCESSES,
	VGPU_PV_ENGINE_ERROR(0), VGPU_PV_ENGINE_ERROR_COUNT(1),
	VGPU_PV_EDID(0), VGPU_PV_EDID(0) + 0x1fc,
	/* per pipe from here: + pipe * 0x1000 */
	VGPU_REG_DE_PIPE_IMR(0), VGPU_REG_DE_PIPE_IIR(0),
	VGPU_REG_DE_PIPE_IER(0),
	VGPU_REG_HTOTAL(0), VGPU_REG_HBLANK(0), VGPU_REG_HSYNC(0),
	VGPU_REG_VTOTAL(0), VGPU_REG_VBLANK(0), VGPU_REG_VSYNC(0),
	VGPU_REG_PIPESRC(0), VGPU_REG_PIPE_CRC_CTL(0),
	VGPU_REG_PIPE_CRC_RES(0), VGPU_REG_PIPECONF(0),
	VGPU_REG_PIPE_FRMCOUNT(0), VGPU_REG_CURCNTR(0), VGPU_REG_CURBASE(0),
	VGPU_REG_CURPOS(0), VGPU_REG_PLANE_CTL(0), VGPU_REG_PLANE_STRIDE(0),
	VGPU_REG_PLANE_POS(0), VGPU_REG_PLANE_SIZE(0), VGPU_REG_PLANE_SURF(0),
	VGPU_REG_PLANE_OFFSET(0), VGPU_REG_PLANE_SURFLIVE(0),
	VGPU_PV_HEAD_STATUS(0), VGPU_PV_HEAD_CURSOR_HOT(0),
	VGPU_PV_HEAD_DOTCLOCK_KHZ(0), VGPU_PV_HEAD_DISPLAY_ERROR(0),
};

#define FZ_REG_FIRST_PIPE	30	/* the row of VGPU_REG_DE_PIPE_IMR(0) */

/* Values mutations like: edges of fields, masks, sizes. */
static const u32 fz_interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 0xf, 0x10, 0x3f, 0x40, 0x7f, 0x80, 0xff, 0x100,
	0xfff, 0x1000, 0x1fff, 0x3ffc, 0x4000, 0x7fff, 0x8000, 0xffff,
	0x10000, 0x1ffff8, 0x200000, 0x7fffffff, 0x80000000, 0xfffff000,
	0xfffffff8, 0xfffffffc, 0xffffffff,
};

/* ---- random numbers ------------------------------------------------- */

static u64 fz_next(u64 *s)
{
	u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static u32 fz_below(u64 *s, u32 n)
{
	return n ? (u32)(fz_next(s) % n) : 0;
}

static u32 fz_min(u32 a, u32 b)
{
	return a < b ? a : b;
}

static u32 fz_value(u64 *s)
{
	switch (fz_below(s, 4)) {
	case 0:
		return fz_interesting[fz_below(s, IGT_ARRAY_SIZE(fz_interesting))];
	case 1:
		return fz_below(s, 0x100);
	case 2:
		return 1U << fz_below(s, 32);
	default:
		return (u32)fz_next(s);
	}
}

/* ---- coverage -------------------------------------------------------- */

/**
 * struct fz_kcov - one thread's KCOV buffer
 * @fd: the kcov fd, -1 without KCOV
 * @area: word 0 counts the PCs that follow
 */
struct fz_kcov {
	int fd;
	unsigned long *area;
};

static bool fz_kcov_open(struct fz_kcov *k)
{
	k->area = NULL;
	k->fd = open(FZ_KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return false;
	if (ioctl(k->fd, KCOV_INIT_TRACE, (unsigned long)FZ_KCOV_WORDS))
		goto fail;
	k->area = mmap(NULL, FZ_KCOV_WORDS * sizeof(unsigned long),
		       PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->area == MAP_FAILED)
		goto fail;
	return true;
fail:
	k->area = NULL;
	close(k->fd);
	k->fd = -1;
	return false;
}

/* Starts tracing the calling thread, or does nothing without KCOV. */
static void fz_kcov_enable(struct fz_kcov *k)
{
	if (k->fd < 0)
		return;
	igt_assert_eq(ioctl(k->fd, KCOV_ENABLE, KCOV_TRACE_PC), 0);
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

static void fz_kcov_disable(struct fz_kcov *k)
{
	if (k->fd >= 0)
		igt_assert_eq(ioctl(k->fd, KCOV_DISABLE, 0), 0);
}

/* ---- the knobs and migration: what the operations drive ---------------- */

/* FZ_KNOB's file: sel % FZ_KNOB_FILES; a quarter of sel / 5 only read. */
enum fz_knob_file {
	FZ_KNOB_WEIGHT,
	FZ_KNOB_CAP,
	FZ_KNOB_PRIORITY,
	FZ_KNOB_SLICE,		/* the GPU's, not the vGPU's */
	FZ_KNOB_EDID_MODE,
	FZ_KNOB_FILES
};

/**
 * struct fz_knob - a sysfs knob
 * @name: vgpu/<name> of the fuzzed vGPU, or the GPU's sched_slice_us
 * @min: @max: the values it takes (docs/vgpu.md, "sysfs"); the head count
 *	and largest mode of display_edid_mode come from the type
 */
struct fz_knob {
	const char *name;
	u32 min, max;
};

static const struct fz_knob fz_knobs[FZ_KNOB_FILES] = {
	[FZ_KNOB_WEIGHT] = { "weight", 1, 10000 },
	[FZ_KNOB_CAP] = { "cap", 0, 10000 },
	[FZ_KNOB_PRIORITY] = { "priority", 0, 3 },
	[FZ_KNOB_SLICE] = { "sched_slice_us", 100, 100000 },
	[FZ_KNOB_EDID_MODE] = { "display_edid_mode", 0, 0 },
};

/* The smallest mode display_edid_mode takes. */
#define FZ_EDID_MIN_W		640
#define FZ_EDID_MIN_H		480

/* How FZ_KNOB writes its value: a % FZ_KF_FORMS. */
enum fz_knob_form {
	FZ_KF_IN_RANGE,		/* from b (and c): taken */
	FZ_KF_MIN,		/* taken */
	FZ_KF_MAX,		/* taken */
	FZ_KF_BELOW,		/* the minimum less one: -EINVAL */
	FZ_KF_ABOVE,		/* the maximum plus one: -EINVAL */
	FZ_KF_RAW,		/* b (and c) as numbers */
	FZ_KF_WIDE,		/* b | c << 32: past 32 bits */
	FZ_KF_SPELLED,		/* in range in hex, octal, with blanks or a sign */
	FZ_KF_GARBAGE,		/* fz_knob_garbage[c] */
	FZ_KF_BYTES,		/* c % 64 bytes (a page and more with c & 0x1000) */
	FZ_KF_FORMS
};

/* What a knob write must return. */
enum fz_knob_expect {
	FZ_KE_ANY,
	FZ_KE_TAKEN,		/* 0, and it reads back */
	FZ_KE_TAKEN_OR_BUSY,	/* display_edid_mode: -EBUSY with the link down */
	FZ_KE_EINVAL,
};

static const char *const fz_knob_garbage[] = {
	"", "\n", " ", "abc", "-1", "-0", "+1", "0x", "0x1g", "1e3", "1.5",
	"4294967296", "18446744073709551616", "99999999999999999999999",
	" 7", "7 ", "7\n\n", "7 7", "\t7", "0 ", "1024x768", "0 1024x",
	"0 x768", "0 1024x768x1", "0  1024x768", "0 1024 x768",
	"-0 1024x768", "+0 1024x768", "0x0 1024x768", " 0 1024x768\n",
	"0 01024x0768", "0 0x400x300", "0 1024X768", "0\n1024x768",
	"000000000000000000000000000001 1x1",
};

/* FZ_MIG's action: sel % FZ_MIG_ACTIONS. */
enum fz_mig_action {
	FZ_MIG_SET,	/* a: fz_mig_states[a % 7], or with a & 0x80 an illegal one */
	FZ_MIG_READ,	/* b: bytes, b & 0x10: to the end; c: pieces */
	FZ_MIG_INFO,	/* VFIO_MIG_GET_PRECOPY_INFO; b & 1: the older file; c: argsz */
	FZ_MIG_WRITE,	/* a saved stream, mutated by b and c, to the data file */
	FZ_MIG_ROUND,	/* save, RESUMING, the stream mutated, a & 1: STOP else RUNNING */
	FZ_MIG_DEST,	/* the same into a short-lived second vGPU */
	FZ_MIG_FEATURE,	/* a: which query (the only action of helper threads) */
	FZ_MIG_CLOSE,	/* the data files closed; c & 1: kept past the vGPU */
	FZ_MIG_ACTIONS
};

static const char *const fz_mig_action_names[FZ_MIG_ACTIONS] = {
	"set", "read", "precopy info", "write", "round", "destination",
	"feature", "close",
};

/* Where FZ_MIG_SET goes: in a fixed order, whatever the kernel offers. */
static const u32 fz_mig_states[] = {
	VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_RUNNING_P2P,
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY,
	VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_PRE_COPY,
	VFIO_DEVICE_STATE_PRE_COPY_P2P,
};

/**
 * struct fz_mig - the fuzzed vGPU's migration, as the main thread drives it
 * @flags: VFIO_DEVICE_FEATURE_MIGRATION's flags, 0 without migration
 * @fd: the data file the last state change opened, or -1
 * @old_fd: the one before it, or -1
 * @cur: what was read of @fd so far (the first FZ_MIG_BUF bytes)
 * @ncur: bytes in @cur
 * @saved: the last stream read to its end
 * @nsaved: bytes in @saved
 * @prev: the stream saved before @saved, for splices
 * @nprev: bytes in @prev
 * @out: a mutated stream being written
 * @held: data files kept open past their vGPU's close and removal
 * @nheld: entries in @held
 * @touched: the program used migration: the state is put back after it
 * @arcs: state changes taken
 * @refused: state changes refused
 * @streams: streams read to their end
 * @loads: streams written into RESUMING and loaded
 * @load_refusals: streams written into RESUMING and refused
 * @dests: second vGPUs resumed
 */
struct fz_mig {
	u64 flags;
	int fd;
	int old_fd;
	u8 *cur;
	u32 ncur;
	u8 *saved;
	u32 nsaved;
	u8 *prev;
	u32 nprev;
	u8 *out;
	int held[FZ_MIG_HELD_MAX];
	u32 nheld;
	bool touched;
	u64 arcs;
	u64 refused;
	u64 streams;
	u64 loads;
	u64 load_refusals;
	u64 dests;
};

/* ---- the fuzzer's state ------------------------------------------------ */

/**
 * struct fz - the fuzzer
 * @g: the fuzzed vGPU
 * @open: @g is open
 * @kcov: per thread
 * @coverage: KCOV works: programs are judged by the edges they reach
 * @edges: bitmap of hashed (previous PC, PC) pairs seen so far
 * @nedges: bits set in @edges
 * @corpus: programs that found edges (and the seeds)
 * @ncorpus: programs in @corpus
 * @rng: the main thread's random state
 * @execs: programs run
 * @save_dir: where new programs go (VGPU_FUZZ_SAVE), or NULL
 * @cur: the program running, for failure reports
 * @dmabuf_id: the last plane id a query returned
 * @kmsg: /dev/kmsg from the start marker on
 * @remap_all: the GGTT must be written again before the next program
 * @unmapped: guest memory is not mapped for DMA
 * @cfg_dirty: PCI config space was written
 * @pte_dirty: GGTT entries that programs changed, by page of the slice
 * @npte_dirty: entries in @pte_dirty (more than fit: @remap_all)
 * @opens: times the fuzzed vGPU was opened
 * @mdevs: short-lived vGPUs created
 * @held: dma-bufs kept open until the fuzzed vGPU is closed
 * @nheld: entries in @held
 * @solo: the program runs on the main thread only
 * @other_parent: another GPU with the fuzzed vGPU's type, or ""
 * @heads: heads of the type
 * @max_w: @max_h: the type's largest mode
 * @knob_path: the knobs' files
 * @knob_orig: the values of weight, cap, priority and the slice before
 * @knob_dirty: a knob (or a loaded stream) may have changed them
 * @knob_writes: knob writes
 * @knob_refused: knob writes refused
 * @mig: migration
 * @mig_log: the last two debug lines of migration.c (dynamic debug on)
 */
struct fz {
	struct vg g;
	bool open;
	struct fz_kcov kcov[FZ_THREADS];
	bool coverage;
	u8 *edges;
	u64 nedges;
	struct fz_prog *corpus;
	u32 ncorpus;
	u64 rng;
	u64 execs;
	const char *save_dir;
	const struct fz_prog *cur;
	u32 dmabuf_id;
	int kmsg;
	bool remap_all;
	bool unmapped;
	bool cfg_dirty;
	u32 pte_dirty[FZ_MAX_OPS];
	u32 npte_dirty;
	u64 opens;
	u64 mdevs;
	int held[FZ_HELD_MAX];
	u32 nheld;
	bool solo;
	char other_parent[64];
	u32 heads;
	u32 max_w, max_h;
	char knob_path[FZ_KNOB_FILES][PATH_MAX];
	u32 knob_orig[FZ_KNOB_SLICE + 1];
	bool knob_dirty;
	u64 knob_writes;
	u64 knob_refused;
	struct fz_mig mig;
	char mig_log[2][160];
};

/* A helper thread's share of a program. */
struct fz_thread {
	struct fz *f;
	const struct fz_prog *p;
	u32 t;
	u64 rng;
	pthread_t tid;
};

static u64 fz_gfx(struct fz *f, u64 off)
{
	return f->g.slice_base + off;
}

/* BAR0 accesses that may fail: the fuzzer judges by invariants, not results. */
static void fz_wr(struct fz *f, u64 off, u32 v)
{
	(void)vfio_region_write32(&f->g.dev, BAR0, off, v);
}

static u32 fz_rd(struct fz *f, u64 off)
{
	u32 v = 0;

	(void)vfio_region_read32(&f->g.dev, BAR0, off, &v);
	return v;
}

/* ---- knob values --------------------------------------------------- */

static u32 fz_knob_file(const struct fz_op *op)
{
	return op->sel % FZ_KNOB_FILES;
}

/* A quarter of the selectors only read the file back. */
static bool fz_knob_read_only(const struct fz_op *op)
{
	return (op->sel / FZ_KNOB_FILES) % 4 == 3;
}

/* Bytes from seed @seed, NULs and all. */
static void fz_bytes(u8 *buf, u32 n, u64 seed)
{
	u64 s = seed | 1;
	u32 i;

	for (i = 0; i < n; i++)
		buf[i] = (u8)fz_next(&s);
}

/* @v spelled another way (FZ_KF_SPELLED): hex, octal, blanks, a sign. */
static size_t fz_spell(char *buf, size_t size, u32 v, u32 how)
{
	switch (how % 6) {
	case 0:
		return snprintf(buf, size, "%#x", v);
	case 1:
		return snprintf(buf, size, "0%o", v);
	case 2:
		return snprintf(buf, size, " %u", v);
	case 3:
		return snprintf(buf, size, "%u ", v);
	case 4:
		return snprintf(buf, size, "%u\n\n", v);
	default:
		return snprintf(buf, size, "+%u", v);
	}
}

/* "H WxH" for display_edid_mode: what @op writes and what it must return. */
static size_t fz_edid_mode_text(const struct fz *f, const struct fz_op *op,
				char *buf, size_t size,
				enum fz_knob_expect *expect)
{
	u32 w = FZ_EDID_MIN_W + (op->b & 0xffff) % (f->max_w - FZ_EDID_MIN_W + 1);
	u32 h = FZ_EDID_MIN_H + (op->c & 0xffff) % (f->max_h - FZ_EDID_MIN_H + 1);
	u32 head = (op->b >> 16) % f->heads;
	size_t n;

	*expect = FZ_KE_TAKEN_OR_BUSY;
	switch (op->a % FZ_KF_FORMS) {
	case FZ_KF_IN_RANGE:
		break;
	case FZ_KF_MIN:
		w = FZ_EDID_MIN_W;
		h = FZ_EDID_MIN_H;
		break;
	case FZ_KF_MAX:
		head = f->heads - 1;
		w = f->max_w;
		h = f->max_h;
		break;
	case FZ_KF_BELOW:
		*expect = FZ_KE_EINVAL;
		if (op->c & 1)
			w = FZ_EDID_MIN_W - 1;
		else
			h = FZ_EDID_MIN_H - 1;
		break;
	case FZ_KF_ABOVE:
		*expect = FZ_KE_EINVAL;
		if (op->c % 3 == 0)
			head = f->heads;
		else if (op->c % 3 == 1)
			w = f->max_w + 1;
		else
			h = f->max_h + 1;
		break;
	case FZ_KF_RAW:
		*expect = FZ_KE_ANY;
		head = op->b >> 28;
		w = op->b & 0x3fff;
		h = op->c & 0x3fff;
		break;
	case FZ_KF_WIDE:
		*expect = FZ_KE_ANY;
		return snprintf(buf, size, "%u %llux%u", head,
				op->b | (u64)op->c << 32, h);
	case FZ_KF_SPELLED:	/* the head spelled oddly */
		*expect = FZ_KE_ANY;
		n = fz_spell(buf, size, head, op->c);
		return n + snprintf(buf + n, size - n, " %ux%u", w, h);
	default:
		return 0;	/* the garbage forms are the caller's */
	}
	return snprintf(buf, size, "%u %ux%u%s", head, w, h,
			op->c & 0x80000000 ? "\n" : "");
}

/*
 * The bytes FZ_KNOB writes to its file, into @buf (FZ_KNOB_TEXT_MAX), and
 * in *@expect what the write must return. A function of @op and the type
 * only, so that a printed program writes the same again.
 */
static size_t fz_knob_text(const struct fz *f, const struct fz_op *op,
			   char *buf, enum fz_knob_expect *expect)
{
	const struct fz_knob *k = &fz_knobs[fz_knob_file(op)];
	const char *nl = op->c & 0x80000000 ? "\n" : "";
	u32 v = k->min + op->b % (k->max - k->min + 1), n;
	const size_t size = FZ_KNOB_TEXT_MAX;

	*expect = FZ_KE_ANY;
	switch (op->a % FZ_KF_FORMS) {
	case FZ_KF_GARBAGE:
		return snprintf(buf, size, "%s",
				fz_knob_garbage[op->c % IGT_ARRAY_SIZE(fz_knob_garbage)]);
	case FZ_KF_BYTES:
		n = op->c & 0x1000 ? 4096 + (op->c & 0xff) : op->c % 64;
		fz_bytes((u8 *)buf, n, op->b);
		return n;
	default:
		break;
	}
	if (fz_knob_file(op) == FZ_KNOB_EDID_MODE)
		return fz_edid_mode_text(f, op, buf, size, expect);
	switch (op->a % FZ_KF_FORMS) {
	case FZ_KF_IN_RANGE:
		*expect = FZ_KE_TAKEN;
		break;
	case FZ_KF_MIN:
		*expect = FZ_KE_TAKEN;
		v = k->min;
		break;
	case FZ_KF_MAX:
		*expect = FZ_KE_TAKEN;
		v = k->max;
		break;
	case FZ_KF_BELOW:
		*expect = FZ_KE_EINVAL;
		if (!k->min)
			return snprintf(buf, size, "-1");
		v = k->min - 1;
		break;
	case FZ_KF_ABOVE:
		*expect = FZ_KE_EINVAL;
		v = k->max + 1;
		break;
	case FZ_KF_RAW:
		v = op->b;
		break;
	case FZ_KF_WIDE:
		return snprintf(buf, size, "%llu", op->b | (u64)op->c << 32);
	default:	/* FZ_KF_SPELLED */
		return fz_spell(buf, size, v, op->c);
	}
	return snprintf(buf, size, "%u%s", v, nl);
}

/* ---- printing and parsing programs ----------------------------------- */

/* What a knob write or a migration state change is, for a reader. */
static void fz_op_note(FILE *out, const struct fz *f, const struct fz_op *op)
{
	enum fz_knob_expect expect;
	char text[FZ_KNOB_TEXT_MAX];
	size_t n, i;
	u32 st;

	if (op->kind == FZ_KNOB) {
		fprintf(out, "\t# %s ", fz_knobs[fz_knob_file(op)].name);
		if (fz_knob_read_only(op)) {
			fprintf(out, "read\n");
			return;
		}
		n = fz_knob_text(f, op, text, &expect);
		fputc('"', out);
		for (i = 0; i < n && i < 48; i++) {
			if (text[i] == '\n')
				fprintf(out, "\\n");
			else if (text[i] < ' ' || (u8)text[i] > '~' ||
				 text[i] == '"' || text[i] == '\\')
				fprintf(out, "\\x%02x", (u8)text[i]);
			else
				fputc(text[i], out);
		}
		fprintf(out, "%s\"\n", i < n ? "..." : "");
		return;
	}
	fprintf(out, "\t# %s", fz_mig_action_names[op->sel % FZ_MIG_ACTIONS]);
	if (op->sel % FZ_MIG_ACTIONS == FZ_MIG_SET && !(op->a & 0x80)) {
		st = fz_mig_states[op->a % IGT_ARRAY_SIZE(fz_mig_states)];
		fprintf(out, " %s", vfio_mig_state_name(st));
	}
	fputc('\n', out);
}

static void fz_prog_print(FILE *out, const struct fz *f,
			  const struct fz_prog *p)
{
	const struct fz_op *op;
	u32 i;

	for (i = 0; i < p->n; i++) {
		op = &p->op[i];
		fprintf(out, "%s %u %u %#x %#x %#x", fz_kind_names[op->kind],
			op->thread, op->sel, op->a, op->b, op->c);
		if (op->kind == FZ_KNOB || op->kind == FZ_MIG)
			fz_op_note(out, f, op);
		else
			fputc('\n', out);
	}
}

static void fz_prog_dump(const struct fz *f, const char *why)
{
	if (!f->cur)
		return;
	fprintf(stderr, "fuzz: %s; the program:\n", why);
	fz_prog_print(stderr, f, f->cur);
}

/* An oracle of the fuzzer: when @ok is false, the program and why, failed. */
static void __igt_printf(3, 4) fz_expect(const struct fz *f, bool ok,
					 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ok)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fz_prog_dump(f, msg);
	igt_assert_f(false, "%s", msg);
}

/*
 * One program per file: "kind thread sel a b c" lines, '#' comments; what
 * follows the sixth field (the printer's notes) is not read.
 */
static bool fz_prog_parse(FILE *in, struct fz_prog *p, const char *name)
{
	char line[256], kind[32];
	unsigned long v[5];
	u32 k;

	p->n = 0;
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %lu %lu %li %li %li", kind, &v[0], &v[1],
			   (long *)&v[2], (long *)&v[3], (long *)&v[4]) != 6) {
			igt_warn("%s: cannot parse: %s", name, line);
			return false;
		}
		for (k = 0; k < FZ_KINDS; k++)
			if (!strcmp(kind, fz_kind_names[k]))
				break;
		if (k == FZ_KINDS || p->n == FZ_MAX_OPS) {
			igt_warn("%s: unknown kind or too long: %s", name, line);
			return false;
		}
		p->op[p->n++] = (struct fz_op){
			.kind = k, .thread = (u32)v[0] % FZ_THREADS,
			.sel = (u32)v[1], .a = (u32)v[2], .b = (u32)v[3],
			.c = (u32)v[4],
		};
	}
	return p->n > 0;
}

static void fz_corpus_add(struct fz *f, const struct fz_prog *p)
{
	if (f->ncorpus < FZ_CORPUS_MAX)
		f->corpus[f->ncorpus++] = *p;
	else
		f->corpus[fz_below(&f->rng, FZ_CORPUS_MAX)] = *p;
}

static int fz_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every *.txt of the seed corpus, in name order. */
static u32 fz_corpus_load(struct fz *f, const char *dir)
{
	char *names[256], path[PATH_MAX];
	struct dirent *de;
	struct fz_prog p;
	u32 n = 0, i, loaded = 0;
	size_t len;
	DIR *d = opendir(dir);
	FILE *in;

	if (!d) {
		igt_info("no seed corpus at %s: starting from nothing\n", dir);
		return 0;
	}
	while ((de = readdir(d)) && n < IGT_ARRAY_SIZE(names)) {
		len = strlen(de->d_name);
		if (len > 4 && !strcmp(de->d_name + len - 4, ".txt"))
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), fz_name_cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		in = fopen(path, "r");
		if (in && fz_prog_parse(in, &p, names[i])) {
			fz_corpus_add(f, &p);
			loaded++;
		}
		if (in)
			fclose(in);
		free(names[i]);
	}
	igt_info("seed corpus: %u programs from %s\n", loaded, dir);
	return loaded;
}

static void fz_save(struct fz *f, const struct fz_prog *p)
{
	char path[PATH_MAX];
	FILE *out;

	if (!f->save_dir)
		return;
	snprintf(path, sizeof(path), "%s/new-%06llu.txt", f->save_dir,
		 (unsigned long long)f->execs);
	out = fopen(path, "w");
	if (!out) {
		igt_info("VGPU_FUZZ_SAVE: %s: %s; not saving\n", path,
			 strerror(errno));
		f->save_dir = NULL;
		return;
	}
	fprintf(out, "# vgpu_fuzz: new edges at exec %llu\n",
		(unsigned long long)f->execs);
	fz_prog_print(out, f, p);
	fclose(out);
}

/*
 * VGPU_FUZZ_SAVE: a directory, made if missing; a relative one is under
 * RESULTS_DIR when that is set (the test VMs see the tree read-only).
 */
static void fz_save_setup(struct fz *f, char *path, size_t len)
{
	const char *dir = getenv("VGPU_FUZZ_SAVE");
	const char *results = getenv("RESULTS_DIR");

	f->save_dir = NULL;
	if (!dir || !*dir)
		return;
	if (dir[0] != '/' && results && *results)
		snprintf(path, len, "%s/%s", results, dir);
	else
		snprintf(path, len, "%s", dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		igt_info("VGPU_FUZZ_SAVE: %s: %s; not saving\n", path,
			 strerror(errno));
		return;
	}
	f->save_dir = path;
	igt_info("new-coverage programs go to %s\n", path);
}

/* ---- generating and mutating ----------------------------------------- */

static u32 fz_pick_kind(u64 *s)
{
	unsigned int total = 0, r, k;

	for (k = 0; k < FZ_KINDS; k++)
		total += fz_kind_weight[k];
	r = fz_below(s, total);
	for (k = 0; k < FZ_KINDS; k++) {
		if (r < fz_kind_weight[k])
			return k;
		r -= fz_kind_weight[k];
	}
	return FZ_CMD;
}

static void fz_op_random(u64 *s, struct fz_op *op)
{
	op->kind = fz_pick_kind(s);
	op->thread = fz_below(s, 4) ? 0 : 1 + fz_below(s, FZ_THREADS - 1);
	op->sel = fz_below(s, 4) ? fz_below(s, 16) : fz_below(s, 64);
	op->a = fz_below(s, 2) ? fz_below(s, 64) : fz_value(s);
	op->b = fz_value(s);
	op->c = fz_value(s);
}

static u32 fz_mutate_u32(u64 *s, u32 v)
{
	switch (fz_below(s, 5)) {
	case 0:
		return v ^ (1U << fz_below(s, 32));
	case 1:
		return v + fz_below(s, 33) - 16;
	case 2:
		return fz_value(s);
	case 3:
		return v ^ (fz_below(s, 256) << (8 * fz_below(s, 4)));
	default:
		return fz_below(s, 64);
	}
}

static void fz_mutate(u64 *s, struct fz_prog *p, const struct fz *f)
{
	u32 n = 1 + fz_below(s, 4), i, j;
	const struct fz_prog *o;
	struct fz_op *op, tmp;

	while (n--) {
		i = fz_below(s, p->n);
		op = &p->op[i];
		switch (fz_below(s, 10)) {
		case 0: /* insert */
			if (p->n == FZ_MAX_OPS)
				break;
			i = fz_below(s, p->n + 1);
			memmove(&p->op[i + 1], &p->op[i],
				(p->n - i) * sizeof(p->op[0]));
			fz_op_random(s, &p->op[i]);
			p->n++;
			break;
		case 1: /* remove */
			if (p->n < 2)
				break;
			memmove(&p->op[i], &p->op[i + 1],
				(p->n - i - 1) * sizeof(p->op[0]));
			p->n--;
			break;
		case 2: /* duplicate */
			if (p->n == FZ_MAX_OPS)
				break;
			memmove(&p->op[i + 1], &p->op[i],
				(p->n - i) * sizeof(p->op[0]));
			p->n++;
			break;
		case 3: /* swap */
			j = fz_below(s, p->n);
			tmp = p->op[i];
			p->op[i] = p->op[j];
			p->op[j] = tmp;
			break;
		case 4: /* splice another corpus program's tail */
			if (!f->ncorpus)
				break;
			o = &f->corpus[fz_below(s, f->ncorpus)];
			for (j = fz_below(s, o->n); j < o->n && i < FZ_MAX_OPS;
			     j++)
				p->op[i++] = o->op[j];
			if (i > p->n)
				p->n = i;
			break;
		case 5:
			op->thread = fz_below(s, FZ_THREADS);
			break;
		case 6:
			op->sel = fz_below(s, 2) ? fz_mutate_u32(s, op->sel) :
						   fz_below(s, 16);
			break;
		case 7:
			op->a = fz_mutate_u32(s, op->a);
			break;
		case 8:
			op->b = fz_mutate_u32(s, op->b);
			break;
		default:
			op->c = fz_mutate_u32(s, op->c);
			break;
		}
	}
}

static void fz_generate(struct fz *f, struct fz_prog *p)
{
	u64 *s = &f->rng;
	u32 i;

	if (f->ncorpus && fz_below(s, 8)) {
		*p = f->corpus[fz_below(s, f->ncorpus)];
		fz_mutate(s, p, f);
		return;
	}
	p->n = 1 + fz_below(s, 12);
	for (i = 0; i < p->n; i++)
		fz_op_random(s, &p->op[i]);
}

/* ---- the operations -------------------------------------------------- */

/* Byte widths of sized accesses, by c & 3. */
static const u32 fz_widths[] = { 4, 1, 2, 8 };

static u64 fz_reg(const struct fz_op *op)
{
	u32 row = op->sel % (IGT_ARRAY_SIZE(fz_regs) + 4);

	if (row >= IGT_ARRAY_SIZE(fz_regs))	/* raw, GGTT included */
		return op->a & (VGPU_BAR0_SIZE - 1);
	if (row >= FZ_REG_FIRST_PIPE)
		return fz_regs[row] + (op->a % VGPU_MAX_PIPES) * 0x1000;
	return fz_regs[row];
}

static void fz_op_mmio(struct fz *f, const struct fz_op *op, bool write)
{
	u64 off = fz_reg(op), v = op->b | (u64)op->c << 32;
	u32 w = fz_widths[op->c & 3];
	u8 buf[8];

	if (!write) {
		(void)vfio_region_read(&f->g.dev, BAR0, off, buf, w);
		return;
	}
	memcpy(buf, &v, sizeof(buf));
	if (w == 4)	/* the common case: only b */
		fz_wr(f, off, op->b);
	else
		(void)vfio_region_write(&f->g.dev, BAR0, off, buf, w);
}

static void fz_op_cfg(struct fz *f, const struct fz_op *op, bool write)
{
	u32 off = op->a % (VGPU_PCI_CONFIG_SIZE + 8), w = fz_widths[op->c & 3];
	u8 buf[8] = { };

	if (!write) {
		(void)vfio_region_read(&f->g.dev, VFIO_PCI_CONFIG_REGION_INDEX,
				       off, buf, w);
		return;
	}
	memcpy(buf, &op->b, sizeof(op->b));
	(void)vfio_region_write(&f->g.dev, VFIO_PCI_CONFIG_REGION_INDEX, off,
				buf, w);
	f->cfg_dirty = true;
}

static void fz_pte_dirty(struct fz *f, u32 page)
{
	u32 i;

	for (i = 0; i < f->npte_dirty; i++)
		if (f->pte_dirty[i] == page)
			return;
	if (f->npte_dirty < IGT_ARRAY_SIZE(f->pte_dirty))
		f->pte_dirty[f->npte_dirty++] = page;
	else
		f->remap_all = true;
}

static void fz_op_pte(struct fz *f, const struct fz_op *op)
{
	u32 pages = (u32)(f->g.slice_size / PAGE);
	u32 mem_pages = (u32)(FZ_MEM_SIZE / PAGE);
	u32 page = op->a % (pages + 16);	/* past the slice too */
	u64 off = VGPU_GGTT_OFFSET + ((f->g.slice_base / PAGE) + page) * 8;
	u64 pte;

	switch (op->sel % 5) {
	case 0:	/* a page of guest memory */
		pte = (VG_MEM_IOVA + (u64)(op->b % mem_pages) * PAGE) |
		      VGPU_GGTT_PTE_PRESENT;
		break;
	case 1:
		pte = 0;
		break;
	case 2:
		pte = op->b | (u64)op->c << 32;
		break;
	case 3:	/* an IOVA nothing is mapped at */
		pte = (VG_MEM_IOVA + FZ_MEM_SIZE + (u64)(op->b % 4096) * PAGE) |
		      VGPU_GGTT_PTE_PRESENT;
		break;
	default:
		(void)vfio_region_read64(&f->g.dev, BAR0, off, &pte);
		return;
	}
	(void)vfio_region_write64(&f->g.dev, BAR0, off, pte);
	fz_pte_dirty(f, page);
}

/*
 * One command from the command table into @dw: a well-formed one from the
 * encoder, with its fields taken from @p; returns its dwords.
 */
static u32 fz_encode(struct fz *f, u32 tmpl, u32 p, int e, u32 t, u32 *dw,
		     u32 max)
{
	u64 scratch = fz_gfx(f, FZ_SCRATCH_OFF);
	u64 addr = scratch + ((p * 8) & (FZ_SCRATCH_SIZE - 1));
	struct vgpu_surface dst = vg_surf32(scratch, 256);
	struct vgpu_surface src = vg_surf32(scratch + 0x8000, 256);
	u32 w = 1 + (p & 63), h = 1 + ((p >> 6) & 15);
	u32 reg = fz_regs[p % IGT_ARRAY_SIZE(fz_regs)];
	struct vgpu_cmd c;
	int ret;

	vgpu_cmd_init(&c, dw, max * 4);
	switch (tmpl % 16) {
	case 0:
		ret = vgpu_cmd_noop(&c);
		break;
	case 1:
		ret = vgpu_cmd_user_interrupt(&c);
		break;
	case 2:
		ret = vgpu_cmd_arb_check(&c);
		break;
	case 3:
		ret = vgpu_cmd_store_dword(&c, addr, p);
		break;
	case 4:
		ret = vgpu_cmd_store_qword(&c, addr, ~(u64)p);
		break;
	case 5:
		ret = vgpu_cmd_load_register(&c, reg, p);
		break;
	case 6:
		ret = vgpu_cmd_store_register(&c, reg, addr);
		break;
	case 7:
		ret = vgpu_cmd_flush_dw_store(&c, addr, p);
		break;
	case 8:
		ret = vgpu_cmd_pipe_control_store(&c, addr, p);
		break;
	case 9:
		ret = vgpu_cmd_color_blt(&c, &dst, 0, 0, w, h, p);
		break;
	case 10:
		ret = vgpu_cmd_src_copy_blt(&c, &dst, 0, 0, &src, 0, 0, w, h);
		break;
	case 11:
		ret = vgpu_cmd_fast_copy_blt(&c, &dst, 0, 0, &src, 0, 0, w, h);
		break;
	case 12:	/* the thread's second batch page */
		ret = vgpu_cmd_batch_start(&c, fz_gfx(f, FZ_BATCH_OFF(t) + PAGE),
					   p & 1);
		break;
	case 13:
		ret = vgpu_cmd_store_fill(&c, addr & ~7ULL, 8 * (1 + (p & 1)), p);
		break;
	case 14:
		ret = vgpu_cmd_end(&c);
		break;
	default:	/* a header from nowhere */
		dw[0] = p * 0x9e3779b9U;
		return 1;
	}
	(void)e;
	if (ret || c.error)
		return 0;
	return c.len;
}

/* Mutates the encoded command: b = kind | dword << 8, c = value. */
static u32 fz_mangle(u32 *dw, u32 n, u32 b, u32 c)
{
	u32 i = n ? (b >> 8) % n : 0;

	if (!n)
		return 0;
	switch (b & 7) {
	case 1:
		dw[i] ^= 1U << (c & 31);
		break;
	case 2:
		dw[i] = c;
		break;
	case 3:
		dw[i] += c;
		break;
	case 4:	/* truncated */
		return i + 1;
	case 5:	/* the length field */
		dw[0] = (dw[0] & ~VGPU_CMD_LEN_MASK) | (c & VGPU_CMD_LEN_MASK);
		break;
	default:
		break;
	}
	return n;
}

static void fz_emit(struct fz *f, int e, const u32 *dw, u32 n)
{
	vg_emit(&f->g, e, dw, n);
}

static void fz_submit(struct fz *f, int e)
{
	struct vg_ring *r = &f->g.ring[e];

	if (r->tail & 7)
		fz_emit(f, e, (const u32[]){ VGPU_MI_NOOP }, 1);
	fz_wr(f, VGPU_RING_TAIL(vg_base(e)), r->tail);
}

static void fz_op_cmd(struct fz *f, const struct fz_op *op, u32 t,
		      bool batch)
{
	int e = op->a & 1;
	u32 dw[VG_CMD_MAX_DWORDS + 2], n;
	u64 bgfx = fz_gfx(f, FZ_BATCH_OFF(t));
	u32 *bp;

	n = fz_encode(f, op->sel, op->a >> 1, e, t, dw, VG_CMD_MAX_DWORDS);
	n = fz_mangle(dw, n, op->b, op->c);
	if (!batch) {
		fz_emit(f, e, dw, n);
		fz_submit(f, e);
		return;
	}
	/* The first batch page holds the command, then the end. */
	bp = vg_ptr(&f->g, bgfx);
	memcpy(bp, dw, n * 4);
	bp[n] = VGPU_MI_BATCH_BUFFER_END;
	if (op->b & 0x80)	/* the second page: a second-level batch */
		((u32 *)vg_ptr(&f->g, bgfx + PAGE))[0] =
			VGPU_MI_BATCH_BUFFER_END;
	n = fz_encode(f, 12, 0, e, t, dw, VG_CMD_MAX_DWORDS);
	if (n) {
		dw[1] = LO(bgfx) + ((op->b & 0x40) ? (op->c & 0xffc) : 0);
		fz_emit(f, e, dw, n);
	}
	fz_submit(f, e);
}

static void fz_op_garbage(struct fz *f, const struct fz_op *op)
{
	int e = op->a & 1;
	u64 s = op->b | 1;
	u32 n = 1 + op->c % 64, dw;

	while (n--) {
		dw = (u32)fz_next(&s);
		fz_emit(f, e, &dw, 1);
	}
	fz_submit(f, e);
}

static void fz_op_tail(struct fz *f, const struct fz_op *op)
{
	int e = op->a & 1;
	struct vg_ring *r = &f->g.ring[e];
	u32 tail;

	switch (op->sel % 5) {
	case 0:
		tail = r->size + 8 * (op->b % 64);
		break;
	case 1:
		tail = (r->tail - 8 * (1 + op->b % 16)) % r->size;
		break;
	case 2:
		tail = r->tail | (1 + op->b % 7);
		break;
	case 3:
		tail = op->b;
		break;
	default:	/* a whole ring of noops behind a valid tail */
		tail = (r->tail + 8 * (op->b % 64)) % r->size;
		break;
	}
	fz_wr(f, VGPU_RING_TAIL(vg_base(e)), tail);
}

/* A ring as vg_ring_init() sets it up, at the fuzzer's fixed place. */
static void fz_ring_setup(struct fz *f, int e)
{
	struct vg_ring *r = &f->g.ring[e];

	r->size = VG_RING_SIZE;
	r->gfx = fz_gfx(f, FZ_RING_OFF(e));
	r->hws = fz_gfx(f, FZ_HWS_OFF(e));
	r->tail = 0;
	fz_wr(f, VGPU_RING_CTL(vg_base(e)), 0);
	fz_wr(f, VGPU_RING_HEAD(vg_base(e)), 0);
	fz_wr(f, VGPU_RING_START(vg_base(e)), (u32)r->gfx);
	fz_wr(f, VGPU_RING_HWS_PGA(vg_base(e)), (u32)r->hws);
	fz_wr(f, VGPU_RING_CTL(vg_base(e)),
	      VGPU_RING_CTL_FROM_SIZE(r->size) | VGPU_RING_CTL_ENABLE);
}

static void fz_op_ring(struct fz *f, const struct fz_op *op)
{
	int e = op->a & 1;
	u32 base = vg_base(e);

	switch (op->sel % 6) {
	case 0:
		fz_wr(f, VGPU_RING_CTL(base), op->b);
		break;
	case 1:
		fz_wr(f, VGPU_RING_START(base),
		      (u32)f->g.slice_base + (op->b & ~0xfffU));
		break;
	case 2:
		fz_wr(f, VGPU_RING_HEAD(base), op->b);
		break;
	case 3:
		fz_wr(f, VGPU_RING_HWS_PGA(base), op->b);
		break;
	case 4:	/* the same ring, a different size */
		fz_wr(f, VGPU_RING_CTL(base),
		      VGPU_RING_CTL_FROM_SIZE(PAGE << (op->b % 10)) |
		      VGPU_RING_CTL_ENABLE);
		break;
	default:
		fz_ring_setup(f, e);
		break;
	}
}

static void fz_op_wait(struct fz *f, const struct fz_op *op)
{
	int e = op->a & 1;
	double end = vg_now() + (op->b % (FZ_WAIT_MAX_MS + 1)) / 1e3;

	do {
		if ((fz_rd(f, VGPU_RING_HEAD(vg_base(e))) &
		     VGPU_RING_HEAD_ADDR_MASK) == f->g.ring[e].tail)
			return;
		usleep(200);
	} while (vg_now() < end);
}

static void fz_op_dma(struct fz *f, const struct fz_op *op, u32 t)
{
	if (t)	/* the main thread owns the mapping */
		return;
	if (!(op->sel & 1) && !f->unmapped) {
		(void)vfio_dma_unmap(&f->g.dev, VG_MEM_IOVA, FZ_MEM_SIZE);
		f->unmapped = true;
		f->remap_all = true;
	} else if ((op->sel & 1) && f->unmapped) {
		igt_assert_eq(vfio_dma_map(&f->g.dev, f->g.mem.vaddr,
					   VG_MEM_IOVA, FZ_MEM_SIZE,
					   VFIO_DMA_MAP_FLAG_READ |
					   VFIO_DMA_MAP_FLAG_WRITE), 0);
		f->unmapped = false;
	}
}

static void fz_op_pipe(struct fz *f, const struct fz_op *op)
{
	int p = op->a % VGPU_MAX_PIPES;
	u32 w = 64 + op->b % 1024, h = 64 + op->c % 768;
	struct vd_mode m = vd_mode_simple(w, h, w + 160, h + 45, 60);

	switch (op->sel % 3) {
	case 0:
		fz_wr(f, VGPU_REG_HTOTAL(p), vd_hi_lo(m.htotal, m.w));
		fz_wr(f, VGPU_REG_HBLANK(p), vd_hi_lo(m.htotal, m.w));
		fz_wr(f, VGPU_REG_HSYNC(p), vd_hi_lo(m.hse, m.hss));
		fz_wr(f, VGPU_REG_VTOTAL(p), vd_hi_lo(m.vtotal, m.h));
		fz_wr(f, VGPU_REG_VBLANK(p), vd_hi_lo(m.vtotal, m.h));
		fz_wr(f, VGPU_REG_VSYNC(p), vd_hi_lo(m.vse, m.vss));
		fz_wr(f, VGPU_REG_PIPESRC(p),
		      (m.w - 1) << VGPU_PIPESRC_WIDTH_SHIFT | (m.h - 1));
		fz_wr(f, VGPU_PV_HEAD_DOTCLOCK_KHZ(p),
		      op->b & 0x80000000 ? op->c : m.clock_khz);
		fz_wr(f, VGPU_REG_PIPECONF(p), VGPU_PIPECONF_ENABLE);
		break;
	case 1:
		fz_wr(f, VGPU_REG_PIPECONF(p), 0);
		break;
	default:
		fz_wr(f, VGPU_REG_HTOTAL(p) + 4 * (op->b % 8), op->c);
		break;
	}
}

static void fz_op_plane(struct fz *f, const struct fz_op *op)
{
	static const u32 regs[] = {
		VGPU_REG_PLANE_CTL(0), VGPU_REG_PLANE_STRIDE(0),
		VGPU_REG_PLANE_POS(0), VGPU_REG_PLANE_SIZE(0),
		VGPU_REG_PLANE_OFFSET(0), VGPU_REG_PLANE_SURF(0),
	};
	int p = op->a % VGPU_MAX_PIPES;
	u32 pipe_off = p * 0x1000;
	u32 w = 1 + op->b % FZ_FB_W, h = 1 + op->c % FZ_FB_H;
	u64 fb = fz_gfx(f, FZ_FB_OFF);

	switch (op->sel % 4) {
	case 0:	/* a plane inside the framebuffer, then a flip */
		fz_wr(f, VGPU_REG_PLANE_CTL(p), VD_PLANE_CTL_XRGB ^
		      (op->a & 0x100 ? op->c & 0x0f301c33 : 0));
		fz_wr(f, VGPU_REG_PLANE_STRIDE(p),
		      FZ_FB_W * 4 / VGPU_PLANE_STRIDE_UNIT);
		fz_wr(f, VGPU_REG_PLANE_POS(p), VD_XY(op->b >> 24, op->c >> 24));
		fz_wr(f, VGPU_REG_PLANE_SIZE(p),
		      (h - 1) << VGPU_PLANE_SIZE_H_SHIFT | (w - 1));
		fz_wr(f, VGPU_REG_PLANE_OFFSET(p), 0);
		fz_wr(f, VGPU_REG_DE_PIPE_IER(p), VGPU_DE_PIPE_FLIP_DONE |
		      VGPU_DE_PIPE_VBLANK | VGPU_DE_PIPE_PLANE_FAULT);
		fz_wr(f, VGPU_REG_PLANE_SURF(p), (u32)fb);
		break;
	case 1:
		fz_wr(f, regs[op->b % IGT_ARRAY_SIZE(regs)] + pipe_off, op->c);
		break;
	case 2:	/* a flip anywhere around the slice */
		fz_wr(f, VGPU_REG_PLANE_SURF(p), (u32)f->g.slice_base +
		      (op->b % 0x400) * PAGE + (op->c & 0xfff));
		break;
	default:
		fz_wr(f, VGPU_REG_CURCNTR(p), op->b & 1 ?
		      VGPU_CURCNTR_MODE_64_ARGB : op->c);
		fz_wr(f, VGPU_REG_CURBASE(p),
		      (u32)fz_gfx(f, FZ_CURSOR_OFF) + (op->c & 0x3000));
		fz_wr(f, VGPU_REG_CURPOS(p), op->b >> 1);
		break;
	}
}

#define FZ_EDID_FIELD(m)	offsetof(struct vfio_region_gfx_edid, m)

static void fz_op_edid(struct fz *f, const struct fz_op *op)
{
	const u32 region = VGPU_VFIO_REGION_EDID(0);
	struct vd_dtd dtd = {
		.clock_khz = 25175, .ha = 64 + op->a % 2000, .hb = 160,
		.hso = 16, .hsw = 96, .va = 64 + op->c % 1500, .vb = 45,
		.vso = 10, .vsw = 2,
	};
	u8 blob[VGPU_PV_EDID_MAX + 16];
	u32 len;

	switch (op->sel % 4) {
	case 0:
		(void)vfio_region_write32(&f->g.dev, region,
					  FZ_EDID_FIELD(link_state),
					  op->b & 4 ? op->b :
					  1 + (op->b & 1));
		break;
	case 1:
		(void)vfio_region_write32(&f->g.dev, region,
					  FZ_EDID_FIELD(edid_size),
					  op->b & 4 ? op->c :
					  VD_EDID_BLOCK * (op->c % 5));
		break;
	case 2:	/* a valid block, then maybe one byte changed */
		memset(blob, 0, sizeof(blob));
		vd_edid_build(blob, &dtd, "fuzz");
		if (op->b & 0x10000)
			blob[(op->b >> 8) % sizeof(blob)] ^= op->b & 0xff;
		len = 1 + (op->b >> 20) % sizeof(blob);
		(void)vfio_region_write(&f->g.dev, region,
					VGPU_EDID_BLOB_OFFSET +
					(op->a & 0x8000 ? op->a >> 20 : 0),
					blob, len);
		break;
	default:
		(void)vfio_region_write32(&f->g.dev, region, op->a & 0x3ff,
					  op->b);
		break;
	}
}

static void fz_op_query(struct fz *f, const struct fz_op *op)
{
	static const u32 flags[] = {
		VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_DMABUF,
		VFIO_GFX_PLANE_TYPE_PROBE | VFIO_GFX_PLANE_TYPE_REGION,
		VFIO_GFX_PLANE_TYPE_DMABUF, VFIO_GFX_PLANE_TYPE_REGION,
	};
	struct vfio_device_gfx_plane_info pi;
	u32 fl = op->sel % 5 < 4 ? flags[op->sel % 5] : op->b;

	if (!vd_query(&f->g, op->a % 4, fl, &pi))
		__atomic_store_n(&f->dmabuf_id, pi.dmabuf_id,
				 __ATOMIC_RELAXED);
}

/* Reads the first byte of a dma-buf through a mapping of its own. */
static void fz_dmabuf_touch(int fd)
{
	struct stat st;
	void *map;

	if (fstat(fd, &st) || st.st_size <= 0)
		return;
	map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return;
	(void)__atomic_load_n((u8 *)map, __ATOMIC_RELAXED);
	munmap(map, PAGE);
}

static void fz_op_dmabuf(struct fz *f, const struct fz_op *op, u32 t)
{
	u32 id = op->sel & 1 ? op->b :
		 __atomic_load_n(&f->dmabuf_id, __ATOMIC_RELAXED);
	int fd = vd_get_dmabuf(&f->g, id);

	if (fd < 0)
		return;
	if (op->c & 1)
		fz_dmabuf_touch(fd);
	/* The main thread keeps some past the device's close. */
	if (!t && (op->c & 2) && f->nheld < FZ_HELD_MAX)
		f->held[f->nheld++] = fd;
	else
		close(fd);
}

static void fz_op_irq(struct fz *f, const struct fz_op *op, u32 t)
{
	struct vg *g = &f->g;
	int cap;
	__u16 fl;

	if (t || op->sel % 3 == 2) {	/* helpers only touch registers */
		fz_wr(f, VGPU_REG_GT_IER(0), op->b);
		fz_wr(f, VGPU_REG_GT_IMR(0), ~op->b);
		fz_wr(f, VGPU_REG_MASTER_IRQ, op->c);
		return;
	}
	if (op->sel % 3 == 0 && g->irq_fd < 0) {
		cap = vfio_config_find_cap(&g->dev, 0x05);
		if (cap <= 0 || vfio_config_read16(&g->dev, cap + 2, &fl))
			return;
		(void)vfio_config_write16(&g->dev, cap + 2, fl | 1);
		if (vfio_irq_enable(&g->dev, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				    &g->irq_fd))
			g->irq_fd = -1;
	} else if (op->sel % 3 == 1 && g->irq_fd >= 0) {
		vfio_irq_disable(&g->dev, VFIO_PCI_MSI_IRQ_INDEX);
		close(g->irq_fd);
		g->irq_fd = -1;
	}
}

/* Closes @g and checks it holds no pin before removing it. */
static void fz_close_check(struct fz *f, struct vg *g)
{
	vg_close(g);
	if (vg_stat(g, "pinned_pages") || vg_stat(g, "display_pinned_pages"))
		fz_prog_dump(f, "pins left after close");
	igt_assert_eq_u64(vg_stat(g, "pinned_pages"), 0);
	igt_assert_eq_u64(vg_stat(g, "display_pinned_pages"), 0);
	igt_assert_eq(mdev_remove(g->uuid), 0);
}

/* A short-lived vGPU: create, open, a few writes, close, remove. */
static void fz_op_mdev(struct fz *f, const struct fz_op *op, u32 t)
{
	u64 s = op->b | 1;
	struct vg g;
	u32 n;

	/* The main thread's, at most one per FZ_MDEV_EVERY programs. */
	if (t || f->mdevs * FZ_MDEV_EVERY > f->execs)
		return;
	if (vg_create(&g, "small"))	/* none left is fine */
		return;
	g.mem_size = 64 * 1024;
	vg_open(&g);
	for (n = op->a % 16; n--; )
		(void)vfio_region_write32(&g.dev, BAR0,
				fz_regs[fz_below(&s, IGT_ARRAY_SIZE(fz_regs))],
				fz_value(&s));
	fz_close_check(f, &g);
	f->mdevs++;
}

static void fz_kmsg_check(struct fz *f);

/* ---- the knobs ------------------------------------------------------- */

/* A knob's value as the file reads it; -errno if it does not read. */
static long fz_knob_read(const char *path)
{
	char buf[256], *end;
	unsigned long v;
	int ret = sysfs_read_str(path, buf, sizeof(buf));

	if (ret <= 0)
		return ret ? ret : -ENODATA;
	v = strtoul(buf, &end, 10);
	return *end || v > 0xffffffffUL ? -EPROTO : (long)v;
}

/*
 * A sysfs knob written (or read): a value in range must be taken (and
 * read back, when no other thread writes knobs), one just outside it
 * refused with -EINVAL; display_edid_mode may say -EBUSY while the EDID
 * link is down. The victim's knobs are never written.
 */
static void fz_op_knob(struct fz *f, const struct fz_op *op, u32 t)
{
	u32 k = fz_knob_file(op);
	const char *path = f->knob_path[k];
	enum fz_knob_expect expect;
	char text[FZ_KNOB_TEXT_MAX], back[512];
	size_t n;
	long v;
	int ret;

	if (fz_knob_read_only(op)) {
		ret = sysfs_read_str(path, back, sizeof(back));
		fz_expect(f, ret >= 0, "%s: read: %d", fz_knobs[k].name, ret);
		return;
	}
	n = fz_knob_text(f, op, text, &expect);
	__atomic_store_n(&f->knob_dirty, true, __ATOMIC_RELAXED);
	ret = sysfs_write_raw(path, text, n);
	__atomic_add_fetch(&f->knob_writes, 1, __ATOMIC_RELAXED);
	if (ret)
		__atomic_add_fetch(&f->knob_refused, 1, __ATOMIC_RELAXED);
	switch (expect) {
	case FZ_KE_TAKEN:
		fz_expect(f, !ret, "%s: a value in range refused: %d",
			  fz_knobs[k].name, ret);
		if (t || !f->solo)
			break;
		v = fz_knob_read(path);
		fz_expect(f, v == strtol(text, NULL, 10),
			  "%s: wrote %.*s, reads %ld", fz_knobs[k].name,
			  (int)n, text, v);
		break;
	case FZ_KE_TAKEN_OR_BUSY:
		fz_expect(f, !ret || ret == -EBUSY,
			  "%s: a mode in range refused: %d", fz_knobs[k].name,
			  ret);
		break;
	case FZ_KE_EINVAL:
		fz_expect(f, ret == -EINVAL,
			  "%s: a value out of range: %d, not -EINVAL",
			  fz_knobs[k].name, ret);
		break;
	default:
		break;
	}
}

/*
 * Weight, cap, priority and the GPU's slice as they were before the
 * program: the fuzzed vGPU gets back its share, the victim its slices.
 */
static void fz_knob_restore(struct fz *f)
{
	char v[16];
	u32 k;

	if (!f->knob_dirty)
		return;
	for (k = 0; k <= FZ_KNOB_SLICE; k++) {
		snprintf(v, sizeof(v), "%u", f->knob_orig[k]);
		fz_expect(f, !sysfs_write_str(f->knob_path[k], v),
			  "%s: the value before the program refused",
			  fz_knobs[k].name);
	}
	f->knob_dirty = false;
}

/* ---- migration ------------------------------------------------------- */

/* VFIO_DEVICE_FEATURE_MIGRATION's flags, 0 when the device has none. */
static u64 fz_mig_flags(struct vg *g)
{
	struct vfio_device_feature_migration m = { 0 };

	if (vfio_dev_feature(&g->dev, VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_MIGRATION, &m, sizeof(m)) < 0)
		return 0;
	return m.flags;
}

/* The device state, or -errno. */
static long fz_mig_get(struct vg *g)
{
	return vfio_mig_get_state(&g->dev);
}

/* SET the state: 0 or -errno; *@fd the new data file or -1. */
static int fz_mig_set(struct vg *g, u32 state, int *fd)
{
	return vfio_mig_set_state(&g->dev, state, fd);
}

static bool fz_mig_precopy(const struct fz *f)
{
	return f->mig.flags & VFIO_MIGRATION_PRE_COPY;
}

/* Does the kernel offer @state? */
static bool fz_mig_offered(const struct fz *f, u32 state)
{
	u64 fl = f->mig.flags;

	switch (state) {
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
		return fl & VFIO_MIGRATION_STOP_COPY;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return fl & VFIO_MIGRATION_P2P;
	case VFIO_DEVICE_STATE_PRE_COPY:
		return fl & VFIO_MIGRATION_PRE_COPY;
	case VFIO_DEVICE_STATE_PRE_COPY_P2P:
		return (fl & VFIO_MIGRATION_PRE_COPY) &&
		       (fl & VFIO_MIGRATION_P2P);
	default:
		return false;
	}
}

static bool fz_mig_is_precopy(long state)
{
	return state == VFIO_DEVICE_STATE_PRE_COPY ||
	       state == VFIO_DEVICE_STATE_PRE_COPY_P2P;
}

/*
 * Refused with -EINVAL and nothing changed, says the uAPI: ERROR and
 * unknown states as targets, states not offered, any arc out of ERROR,
 * STOP_COPY -> PRE_COPY(_P2P).
 */
static bool fz_mig_illegal(const struct fz *f, long from, u32 to)
{
	return to == VFIO_DEVICE_STATE_ERROR || !fz_mig_offered(f, to) ||
	       from == VFIO_DEVICE_STATE_ERROR ||
	       (from == VFIO_DEVICE_STATE_STOP_COPY && fz_mig_is_precopy(to));
}

/* A new data file: the one before is kept as the older, its older closed. */
static void fz_mig_adopt(struct fz *f, int fd)
{
	struct fz_mig *m = &f->mig;

	if (fd < 0)
		return;
	if (m->old_fd >= 0)
		close(m->old_fd);
	m->old_fd = m->fd;
	m->fd = fd;
	m->ncur = 0;
}

/*
 * A state change of the fuzzed vGPU, checked against the uAPI: reached
 * when it returns 0; refused with -EINVAL and no change when illegal;
 * a RESUMING that cannot load what it was given ends in ERROR.
 */
static int fz_mig_change(struct fz *f, u32 to)
{
	long from = fz_mig_get(&f->g), now;
	int fd, ret;

	ret = fz_mig_set(&f->g, to, &fd);
	now = fz_mig_get(&f->g);
	if (!ret) {
		fz_expect(f, now == to, "migration: %ld -> %u: reached %ld",
			  from, to, now);
		fz_mig_adopt(f, fd);
		f->mig.arcs++;
		return 0;
	}
	f->mig.refused++;
	if (fz_mig_illegal(f, from, to))
		fz_expect(f, ret == -EINVAL && now == from,
			  "migration: illegal %ld -> %u: %d, now %ld", from,
			  to, ret, now);
	else if (from == VFIO_DEVICE_STATE_RESUMING)
		fz_expect(f, now == VFIO_DEVICE_STATE_ERROR,
			  "migration: a refused RESUMING -> %u left %ld", to,
			  now);
	return ret;
}

/* Targets FZ_MIG_SET tries that no device may take. */
static u32 fz_mig_illegal_target(const struct fz_op *op)
{
	static const u32 bad[] = {
		VFIO_DEVICE_STATE_ERROR, VFIO_DEVICE_STATE_PRE_COPY_P2P + 1,
		100, 0xffffffff,
	};
	u32 i = (op->a >> 8) % (IGT_ARRAY_SIZE(bad) + 1);

	return i < IGT_ARRAY_SIZE(bad) ? bad[i] : op->b;
}

static void fz_mig_op_set(struct fz *f, const struct fz_op *op)
{
	u32 to;

	if (op->a & 0x80) {
		to = fz_mig_illegal_target(op);
	} else {
		to = fz_mig_states[op->a % IGT_ARRAY_SIZE(fz_mig_states)];
		if (!fz_mig_offered(f, to))	/* 6.1: no PRE_COPY */
			return;
	}
	(void)fz_mig_change(f, to);
}

/* A stream read to its end: kept, the one before it too. */
static void fz_mig_keep(struct fz_mig *m)
{
	u8 *tmp = m->prev;

	m->prev = m->saved;
	m->nprev = m->nsaved;
	m->saved = tmp;
	memcpy(m->saved, m->cur, m->ncur);
	m->nsaved = m->ncur;
	m->streams++;
}

/*
 * Reads @fd in pieces of @piece bytes, at most @max, or to its end:
 * 0 at the end (the stream then kept), the bytes read, or -errno
 * (-ENOMSG: pre-copy has nothing more for now).
 */
static long fz_mig_read(struct fz *f, int fd, u32 max, u32 piece,
			bool to_end)
{
	struct fz_mig *m = &f->mig;
	u8 sink[4096];
	bool keep = fd == m->fd;
	long total = 0;
	ssize_t n;
	u32 want;

	piece = 1 + piece % sizeof(sink);
	while (to_end || (u32)total < max) {
		want = to_end ? piece : fz_min(piece, max - total);
		keep = keep && m->ncur + want <= FZ_MIG_BUF;
		n = read(fd, keep ? m->cur + m->ncur : sink, want);
		if (n < 0)
			return total ? total : -errno;
		if (!n) {
			if (keep && m->ncur)
				fz_mig_keep(m);
			return 0;
		}
		if (keep)
			m->ncur += n;
		total += n;
	}
	return total;
}

static void fz_mig_op_read(struct fz *f, const struct fz_op *op)
{
	int fd = op->b & 0x100 ? f->mig.old_fd : f->mig.fd;

	if (fd < 0)
		return;
	(void)fz_mig_read(f, fd, 1 + (op->b % 16) * 1024, op->c,
			  op->b & 0x10);
}

/*
 * VFIO_MIG_GET_PRECOPY_INFO: answered in PRE_COPY and PRE_COPY_P2P on
 * their own file, refused with -EINVAL in every other state.
 */
static void fz_mig_op_info(struct fz *f, const struct fz_op *op)
{
	struct {
		struct vfio_precopy_info info;
		u8 more[64];
	} u = { 0 };
	int fd = op->b & 1 ? f->mig.old_fd : f->mig.fd, ret;
	long state;

	if (!fz_mig_precopy(f) || fd < 0)
		return;
	switch (op->c % 3) {
	case 0:
		u.info.argsz = sizeof(u.info);
		break;
	case 1:	/* too short */
		u.info.argsz = sizeof(u.info) - 1 - op->c % 8;
		break;
	default:
		u.info.argsz = sizeof(u);
		break;
	}
	u.info.flags = op->a & 0x10 ? op->b : 0;
	ret = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &u) ? -errno : 0;
	if (op->b & 1 || op->c % 3 == 1 || u.info.flags)
		return;
	state = fz_mig_get(&f->g);
	if (fz_mig_is_precopy(state))
		fz_expect(f, !ret, "precopy info in %ld: %d", state, ret);
	else
		fz_expect(f, ret == -EINVAL, "precopy info in %ld: %d, not -EINVAL",
			  state, ret);
}

/*
 * A stream to write, in f->mig.out: the last one saved (or what was read
 * so far), by @b % 8 as it is, cut, a bit flipped, a byte set, bytes
 * zeroed, extended (past the longest stream too), spliced with the one
 * saved before it, or garbage. Bytes only: nothing of the layout.
 */
static u32 fz_mig_mutate(struct fz *f, u32 b, u32 c)
{
	struct fz_mig *m = &f->mig;
	const u8 *src = m->nsaved ? m->saved : m->cur;
	u32 len = m->nsaved ? m->nsaved : m->ncur, i, n;
	u8 *out = m->out;

	memcpy(out, src, len);
	i = len ? c % len : 0;
	switch (b % 8) {
	case 0:
		break;
	case 1:
		len = c % (len + 1);
		break;
	case 2:
		if (len)
			out[i] ^= 1U << ((c >> 24) & 7);
		break;
	case 3:
		if (len)
			out[i] = b >> 8;
		break;
	case 4:
		n = fz_min(1 + (b >> 8) % 256, len - i);
		memset(out + i, 0, n);
		break;
	case 5:
		n = 1 + (b >> 8) % (FZ_MIG_OUT - len);
		fz_bytes(out + len, n, c);
		len += n;
		break;
	case 6:
		memcpy(out, m->prev, fz_min(i, m->nprev));
		break;
	default:
		len = c % 8192;
		fz_bytes(out, len, b);
		break;
	}
	return len;
}

/* @len bytes in pieces of @piece (0: at once): 0 or the first -errno. */
static int fz_mig_write(int fd, const u8 *buf, u32 len, u32 piece)
{
	u32 off = 0, n;
	ssize_t ret;

	while (off < len) {
		n = piece ? fz_min(piece, len - off) : len - off;
		ret = write(fd, buf + off, n);
		if (ret < 0)
			return -errno;
		if (!ret)
			return -EIO;
		off += ret;
	}
	return 0;
}

/* How FZ_MIG_WRITE, ROUND and DEST cut what they write: from b's top bits. */
static u32 fz_mig_piece(u32 b)
{
	return b >> 28 ? 1U << (b >> 28) : 0;
}

static void fz_mig_op_write(struct fz *f, const struct fz_op *op)
{
	int fd = op->a & 1 ? f->mig.old_fd : f->mig.fd;
	u32 len;

	if (fd < 0)
		return;
	len = fz_mig_mutate(f, op->b, op->c);
	(void)fz_mig_write(fd, f->mig.out, len, fz_mig_piece(op->b));
}

/* Both engines idle: nothing queued that a load would audit again. */
static bool fz_engines_idle(struct fz *f)
{
	double end = vg_now() + FZ_WAIT_MAX_MS / 1e3;
	u32 head, tail;
	int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		do {
			head = fz_rd(f, VGPU_RING_HEAD(vg_base(e))) &
			       VGPU_RING_HEAD_ADDR_MASK;
			tail = fz_rd(f, VGPU_RING_TAIL(vg_base(e))) &
			       VGPU_RING_TAIL_ADDR_MASK;
			if (head == tail)
				break;
			usleep(200);
		} while (vg_now() < end);
		if (head != tail)
			return false;
	}
	return true;
}

/* STOP_COPY and its stream read to the end: true when kept. */
static bool fz_mig_save(struct fz *f)
{
	if (fz_mig_change(f, VFIO_DEVICE_STATE_STOP_COPY) || f->mig.fd < 0)
		return false;
	f->mig.ncur = 0;
	return !fz_mig_read(f, f->mig.fd, 0, 4096, true);
}

/*
 * Saved and written back into RESUMING of the same vGPU, mutated by b
 * and c, then STOP or RUNNING. Its own stream unchanged, saved with no
 * other thread running and nothing queued, must load: the device must
 * take every state it reached itself (docs/migration.md).
 */
static void fz_mig_op_round(struct fz *f, const struct fz_op *op)
{
	struct fz_mig *m = &f->mig;
	bool own = f->solo && !(op->b % 8) && fz_engines_idle(f);
	u64 refused = vg_stat(&f->g, "migration_refused");
	u32 len, to = op->a & 1 ? VFIO_DEVICE_STATE_STOP :
			      VFIO_DEVICE_STATE_RUNNING;
	int err, ret;

	if (!fz_mig_save(f))
		return;
	if (fz_mig_change(f, VFIO_DEVICE_STATE_RESUMING) || m->fd < 0)
		return;
	len = fz_mig_mutate(f, op->b, op->c);
	err = fz_mig_write(m->fd, m->out, len, fz_mig_piece(op->b));
	ret = fz_mig_change(f, to);
	if (err || ret)
		m->load_refusals++;
	else
		m->loads++;
	if (!own || (!err && !ret &&
		     vg_stat(&f->g, "migration_refused") == refused))
		return;
	fz_kmsg_check(f);	/* the reason, with dynamic debug on */
	fz_expect(f, false,
		  "its own %u-byte stream refused: write %d, RESUMING -> %u %d; kernel: \"%s\" \"%s\"",
		  len, err, to, ret, f->mig_log[0], f->mig_log[1]);
}

/* Another GPU with the type if there is one and @other, else the same. */
static int fz_dest_create(struct fz *f, struct vg *d, bool other)
{
	memset(d, 0, sizeof(*d));
	vfio_dev_init(&d->dev);
	d->irq_fd = -1;
	snprintf(d->parent, sizeof(d->parent), "%s",
		 other && f->other_parent[0] ? f->other_parent : f->g.parent);
	snprintf(d->type, sizeof(d->type), "%s", f->g.type);
	igt_assert_eq(mdev_uuid_generate(d->uuid), 0);
	return mdev_create(d->parent, d->type, d->uuid);
}

static void fz_mig_hold(struct fz *f, int fd)
{
	struct fz_mig *m = &f->mig;

	if (fd < 0)
		return;
	if (m->nheld < FZ_MIG_HELD_MAX)
		m->held[m->nheld++] = fd;
	else
		close(fd);
}

/*
 * A short-lived second vGPU (on the other GPU with a & 1) resumed from
 * the fuzzed vGPU's stream, mutated by b and c, with a copy of its guest
 * memory (a & 2), then a & 4: STOP, else RUNNING. On the same GPU the
 * source's slice is in use and the load is refused (-EBUSY); on another
 * one it moves there. Refused, it is in ERROR and a reset makes it
 * RUNNING; closed, it holds no pin.
 */
static void fz_mig_op_dest(struct fz *f, const struct fz_op *op)
{
	struct fz_mig *m = &f->mig;
	u32 len, to = op->a & 4 ? VFIO_DEVICE_STATE_STOP :
			      VFIO_DEVICE_STATE_RUNNING;
	int fd, fd2, ret;
	struct vg d;
	long st;

	if (m->dests * FZ_MDEV_EVERY > f->execs)
		return;
	if (!m->nsaved && !fz_mig_save(f))
		return;
	if (fz_dest_create(f, &d, op->a & 1))	/* none left is fine */
		return;
	m->dests++;
	d.mem_size = FZ_MEM_SIZE;
	vg_open(&d);
	if (op->a & 2)
		memcpy(d.mem.vaddr, f->g.mem.vaddr, FZ_MEM_SIZE);
	ret = fz_mig_set(&d, VFIO_DEVICE_STATE_RESUMING, &fd);
	fz_expect(f, !ret && fd >= 0, "a new vGPU: RUNNING -> RESUMING %d",
		  ret);
	len = fz_mig_mutate(f, op->b, op->c);
	(void)fz_mig_write(fd, m->out, len, fz_mig_piece(op->b));
	ret = fz_mig_set(&d, to, &fd2);
	st = fz_mig_get(&d);
	if (ret) {
		m->load_refusals++;
		fz_expect(f, st == VFIO_DEVICE_STATE_ERROR,
			  "second vGPU: a refused RESUMING -> %u left %ld", to,
			  st);
		fz_expect(f, !vfio_dev_reset(&d.dev) &&
			  fz_mig_get(&d) == VFIO_DEVICE_STATE_RUNNING,
			  "second vGPU: not RUNNING after a reset from ERROR");
	} else {
		m->loads++;
		fz_expect(f, st == to, "second vGPU: RESUMING -> %u reached %ld",
			  to, st);
		if (to != VFIO_DEVICE_STATE_RUNNING)
			fz_expect(f, !fz_mig_set(&d, VFIO_DEVICE_STATE_RUNNING,
						 &fd2),
				  "second vGPU: STOP -> RUNNING refused");
		/* What it loaded runs for a moment; then it is closed. */
		usleep(1000 * (op->c % (FZ_WAIT_MAX_MS + 1)));
	}
	if (op->c & 0x100)
		fz_mig_hold(f, fd);
	else
		close(fd);
	fz_close_check(f, &d);
}

/* Feature queries: the one action helper threads take too. */
static void fz_mig_op_feature(struct fz *f, const struct fz_op *op)
{
	struct vfio_device_feature_mig_data_size ds = { 0 };
	u8 buf[sizeof(struct vfio_device_feature) + 16] = { 0 };
	struct vfio_device_feature *hdr = (void *)buf;
	static const u32 features[] = {
		VFIO_DEVICE_FEATURE_MIGRATION,
		VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
	};
	int ret;

	switch (op->a % 5) {
	case 0:
		fz_expect(f, fz_mig_flags(&f->g) == f->mig.flags,
			  "the migration flags changed");
		break;
	case 1:
		fz_expect(f, fz_mig_get(&f->g) >= 0, "GET of the state failed");
		break;
	case 2:
		if (fz_mig_precopy(f))
			(void)vfio_dev_feature(&f->g.dev, VFIO_DEVICE_FEATURE_GET |
					       VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
					       &ds, sizeof(ds));
		break;
	case 3:	/* PROBE with GET and SET as b says */
		(void)vfio_dev_feature(&f->g.dev, VFIO_DEVICE_FEATURE_PROBE |
				       (op->b & (VFIO_DEVICE_FEATURE_GET |
						 VFIO_DEVICE_FEATURE_SET)) |
				       features[op->c % IGT_ARRAY_SIZE(features)],
				       NULL, 0);
		break;
	default:	/* a SET of the state too short to hold one */
		hdr->argsz = sizeof(*hdr) + op->b %
			     sizeof(struct vfio_device_feature_mig_state);
		hdr->flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
		ret = vfio_dev_ioctl(&f->g.dev, VFIO_DEVICE_FEATURE, hdr);
		fz_expect(f, ret == -EINVAL, "a short SET of the state: %d",
			  ret);
		break;
	}
}

/* The data files closed, or (c & 1) the newer one kept past the vGPU. */
static void fz_mig_op_close(struct fz *f, const struct fz_op *op)
{
	struct fz_mig *m = &f->mig;

	if (op->c & 1)
		fz_mig_hold(f, m->fd);
	else if (m->fd >= 0)
		close(m->fd);
	if (m->old_fd >= 0)
		close(m->old_fd);
	m->fd = -1;
	m->old_fd = -1;
}

static void fz_op_mig(struct fz *f, const struct fz_op *op, u32 t)
{
	u32 action = op->sel % FZ_MIG_ACTIONS;

	if (!f->mig.flags)	/* no migration on this device */
		return;
	if (action == FZ_MIG_FEATURE) {
		fz_mig_op_feature(f, op);
		return;
	}
	if (t)	/* the state and the data files are the main thread's */
		return;
	f->mig.touched = true;
	switch (action) {
	case FZ_MIG_SET:
		fz_mig_op_set(f, op);
		break;
	case FZ_MIG_READ:
		fz_mig_op_read(f, op);
		break;
	case FZ_MIG_INFO:
		fz_mig_op_info(f, op);
		break;
	case FZ_MIG_WRITE:
		fz_mig_op_write(f, op);
		break;
	case FZ_MIG_ROUND:
		fz_mig_op_round(f, op);
		break;
	case FZ_MIG_DEST:
		fz_mig_op_dest(f, op);
		break;
	default:
		fz_mig_op_close(f, op);
		break;
	}
}

/*
 * After a program that used migration: its data files closed, the
 * fuzzed vGPU RUNNING again (or reset, from ERROR or when RUNNING is
 * refused), on its own slice, with what a loaded stream set redone.
 */
static void fz_mig_restore(struct fz *f)
{
	struct fz_mig *m = &f->mig;
	long st;
	u64 base;
	int fd;

	if (!m->touched)
		return;
	m->touched = false;
	fz_mig_op_close(f, &(struct fz_op){ .c = 0 });
	st = fz_mig_get(&f->g);
	if (st != VFIO_DEVICE_STATE_RUNNING && st != VFIO_DEVICE_STATE_ERROR) {
		if (!fz_mig_set(&f->g, VFIO_DEVICE_STATE_RUNNING, &fd) &&
		    fd >= 0)
			close(fd);
		st = fz_mig_get(&f->g);
	}
	if (st != VFIO_DEVICE_STATE_RUNNING) {
		fz_expect(f, !vfio_dev_reset(&f->g.dev),
			  "VFIO_DEVICE_RESET failed in state %ld", st);
		st = fz_mig_get(&f->g);
	}
	fz_expect(f, st == VFIO_DEVICE_STATE_RUNNING,
		  "the fuzzed vGPU is not RUNNING after a reset: %ld", st);
	base = fz_rd(f, VGPU_PV_GM_BASE_LO(0)) |
	       (u64)fz_rd(f, VGPU_PV_GM_BASE_HI(0)) << 32;
	fz_expect(f, base == f->g.slice_base,
		  "its own stream moved the slice: %#llx, was %#llx",
		  (unsigned long long)base,
		  (unsigned long long)f->g.slice_base);
	f->remap_all = true;
	f->cfg_dirty = true;
	f->knob_dirty = true;	/* a loaded stream sets them */
}

/*
 * Data files kept past their vGPU's close and removal: their sessions
 * ended, they refuse reads and writes with -ENODEV (and pre-copy info
 * with -EINVAL) without touching what is gone.
 */
static void fz_mig_poke_held(struct fz *f)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	struct fz_mig *m = &f->mig;
	int fd, mode;
	u8 buf[64] = { 0 };
	ssize_t n;
	u32 i;

	for (i = 0; i < m->nheld; i++) {
		fd = m->held[i];
		mode = fcntl(fd, F_GETFL) & O_ACCMODE;
		if (mode == O_RDONLY || mode == O_RDWR) {
			n = read(fd, buf, sizeof(buf));
			fz_expect(f, n < 0 && errno == ENODEV,
				  "a data file past its vGPU: read %zd (%d)",
				  n, n < 0 ? errno : 0);
		}
		if (mode == O_WRONLY || mode == O_RDWR) {
			n = write(fd, buf, sizeof(buf));
			fz_expect(f, n < 0 && errno == ENODEV,
				  "a data file past its vGPU: write %zd (%d)",
				  n, n < 0 ? errno : 0);
		}
		if (fz_mig_precopy(f))
			fz_expect(f, ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO,
					   &info) && errno == EINVAL,
				  "a data file past its vGPU: precopy info");
		close(fd);
	}
	m->nheld = 0;
}

static void fz_op(struct fz *f, const struct fz_op *op, u32 t, u64 *rng)
{
	(void)rng;
	switch (op->kind) {
	case FZ_MMIO_WR:
		fz_op_mmio(f, op, true);
		break;
	case FZ_MMIO_RD:
		fz_op_mmio(f, op, false);
		break;
	case FZ_CFG_WR:
		fz_op_cfg(f, op, true);
		break;
	case FZ_CFG_RD:
		fz_op_cfg(f, op, false);
		break;
	case FZ_PTE:
		if (!t)	/* the dirty list is the main thread's */
			fz_op_pte(f, op);
		break;
	case FZ_CMD:
		fz_op_cmd(f, op, t, false);
		break;
	case FZ_BATCH:
		fz_op_cmd(f, op, t, true);
		break;
	case FZ_GARBAGE:
		fz_op_garbage(f, op);
		break;
	case FZ_TAIL:
		fz_op_tail(f, op);
		break;
	case FZ_RING:
		fz_op_ring(f, op);
		break;
	case FZ_GDRST:
		fz_wr(f, VGPU_REG_GDRST, op->b & 0xff);
		break;
	case FZ_WAIT:
		fz_op_wait(f, op);
		break;
	case FZ_DMA:
		fz_op_dma(f, op, t);
		break;
	case FZ_PIPE:
		fz_op_pipe(f, op);
		break;
	case FZ_PLANE:
		fz_op_plane(f, op);
		break;
	case FZ_EDID:
		fz_op_edid(f, op);
		break;
	case FZ_QUERY:
		fz_op_query(f, op);
		break;
	case FZ_DMABUF:
		fz_op_dmabuf(f, op, t);
		break;
	case FZ_IRQ:
		fz_op_irq(f, op, t);
		break;
	case FZ_RESET:
		if (!t) {
			(void)vfio_dev_reset(&f->g.dev);
			f->remap_all = true;
		}
		break;
	case FZ_MDEV:
		fz_op_mdev(f, op, t);
		break;
	case FZ_KNOB:
		fz_op_knob(f, op, t);
		break;
	default:
		fz_op_mig(f, op, t);
		break;
	}
}

/* ---- running a program ----------------------------------------------- */

/* Folds the PCs thread @t's KCOV buffer holds into the edge bitmap. */
static u64 fz_collect(struct fz *f, u32 t)
{
	struct fz_kcov *k = &f->kcov[t];
	unsigned long n, i, prev = 0, pc;
	u64 h, fresh = 0;

	if (k->fd < 0)
		return 0;
	n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);
	if (n > FZ_KCOV_WORDS - 1)
		n = FZ_KCOV_WORDS - 1;
	for (i = 1; i <= n; i++) {
		pc = k->area[i];
		h = ((u64)prev * 0x9e3779b97f4a7c15ULL) ^ pc;
		h ^= h >> 29;
		h = (h * 0xbf58476d1ce4e5b9ULL) >> (64 - FZ_EDGE_BITS);
		if (!(f->edges[h / 8] & (1U << (h % 8)))) {
			f->edges[h / 8] |= 1U << (h % 8);
			fresh++;
		}
		prev = pc;
	}
	return fresh;
}

static void *fz_helper(void *arg)
{
	struct fz_thread *th = arg;
	struct fz *f = th->f;
	u32 i;

	fz_kcov_enable(&f->kcov[th->t]);
	for (i = 0; i < th->p->n; i++)
		if (th->p->op[i].thread == th->t)
			fz_op(f, &th->p->op[i], th->t, &th->rng);
	fz_kcov_disable(&f->kcov[th->t]);
	return NULL;
}

/* Puts the fuzzed vGPU back where every program starts. */
static void fz_restore(struct fz *f)
{
	struct vg *g = &f->g;
	u32 i;
	int e;

	fz_mig_restore(f);
	if (f->unmapped) {
		igt_assert_eq(vfio_dma_map(&g->dev, g->mem.vaddr, VG_MEM_IOVA,
					   FZ_MEM_SIZE,
					   VFIO_DMA_MAP_FLAG_READ |
					   VFIO_DMA_MAP_FLAG_WRITE), 0);
		f->unmapped = false;
	}
	if (f->cfg_dirty) {
		(void)vfio_config_write16(&g->dev, PCI_COMMAND,
					  PCI_COMMAND_MEMORY |
					  PCI_COMMAND_MASTER);
		f->cfg_dirty = false;
	}
	if (f->remap_all) {
		vg_map(g, g->slice_base, VG_MEM_IOVA, g->mapped);
	} else {
		for (i = 0; i < f->npte_dirty; i++) {
			u64 page = f->pte_dirty[i];
			u64 pte = page * PAGE < g->mapped ?
				  (VG_MEM_IOVA + page * PAGE) |
				  VGPU_GGTT_PTE_PRESENT : 0;

			(void)vfio_region_write64(&g->dev, BAR0,
						  VGPU_GGTT_OFFSET +
						  (g->slice_base / PAGE + page) * 8,
						  pte);
		}
	}
	f->remap_all = false;
	f->npte_dirty = 0;
	fz_wr(f, VGPU_REG_GDRST, VGPU_GDRST_RENDER | VGPU_GDRST_COPY);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		fz_ring_setup(f, e);
	fz_knob_restore(f);
}

/*
 * A warning the guest may have caused: from our modules or VFIO, or a
 * kernel WARNING or BUG. The others at that level are the test VM's
 * (TCG stalls: "hrtimer: interrupt took", "clocksource: Long readout").
 */
static bool fz_kmsg_ours(const char *rec)
{
	static const char *const ours[] = {
		"vgpu", "refgpu", "mdev", "vfio", "iommufd", "WARNING:",
		"BUG", "UBSAN", "KASAN", "kmemleak",
	};
	unsigned int i;

	for (i = 0; i < IGT_ARRAY_SIZE(ours); i++)
		if (strstr(rec, ours[i]))
			return true;
	return false;
}

/* A debug line of migration.c, without its prefix, for failure reports. */
static void fz_kmsg_keep(struct fz *f, const char *rec)
{
	const char *text = strchr(rec, ';');

	memcpy(f->mig_log[0], f->mig_log[1], sizeof(f->mig_log[0]));
	snprintf(f->mig_log[1], sizeof(f->mig_log[1]), "%.*s",
		 (int)strcspn(text ? text + 1 : rec, "\n"), text ? text + 1 : rec);
}

/*
 * Reads the kernel log from the marker on: any error record, or a warning
 * fz_kmsg_ours() takes for the guest's, fails the run with the program
 * that was running.
 */
static void fz_kmsg_check(struct fz *f)
{
	char rec[2048];
	ssize_t n;
	int level;

	for (;;) {
		n = read(f->kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* overwritten records */
			continue;
		if (n <= 0)
			return;
		rec[n] = '\0';
		level = atoi(rec) & 7;
		if (level == 7 && strstr(rec, "migration"))
			fz_kmsg_keep(f, rec);
		if (level > 4 || (level == 4 && !fz_kmsg_ours(rec)))
			continue;
		fz_prog_dump(f, "kernel log warning");
		igt_assert_f(false, "kernel log: %s", rec);
	}
}

/* Runs @p on the fuzzed vGPU; returns the new edges it reached. */
static u64 fz_exec(struct fz *f, const struct fz_prog *p)
{
	struct fz_thread th[FZ_THREADS];
	bool used[FZ_THREADS] = { };
	u64 fresh = 0;
	u32 i, t;

	f->cur = p;
	for (i = 0; i < p->n; i++)
		used[p->op[i].thread] = true;
	f->solo = true;
	for (t = 1; t < FZ_THREADS; t++)
		f->solo = f->solo && !used[t];
	for (t = 1; t < FZ_THREADS; t++) {
		if (!used[t])
			continue;
		th[t] = (struct fz_thread){ .f = f, .p = p, .t = t,
					     .rng = fz_next(&f->rng) };
		igt_assert_eq(pthread_create(&th[t].tid, NULL, fz_helper,
					     &th[t]), 0);
	}
	if (f->kcov[0].fd >= 0)
		__atomic_store_n(&f->kcov[0].area[0], 0, __ATOMIC_RELAXED);
	for (i = 0; i < p->n; i++)
		if (!p->op[i].thread)
			fz_op(f, &p->op[i], 0, &f->rng);
	fresh += fz_collect(f, 0);
	for (t = 1; t < FZ_THREADS; t++) {
		if (!used[t])
			continue;
		igt_assert_eq(pthread_join(th[t].tid, NULL), 0);
		fresh += fz_collect(f, t);
	}
	f->execs++;
	fz_restore(f);
	fz_kmsg_check(f);
	return fresh;
}

/* ---- the fuzzed vGPU and the victim ---------------------------------- */

/*
 * The fuzzed vGPU's knob files and their values now (the type's), which
 * every program that changed them gets back; the GPU's slice the caller
 * set up once.
 */
static void fz_knob_setup(struct fz *f)
{
	char dir[512];
	long v;
	u32 k;

	igt_assert_eq(mdev_device_path(f->g.uuid, dir, sizeof(dir)), 0);
	for (k = 0; k < FZ_KNOB_FILES; k++) {
		if (k == FZ_KNOB_SLICE)
			continue;
		snprintf(f->knob_path[k], sizeof(f->knob_path[k]), "%s/vgpu/%s",
			 dir, fz_knobs[k].name);
		if (k == FZ_KNOB_EDID_MODE)
			continue;
		v = fz_knob_read(f->knob_path[k]);
		igt_assert_f(v >= 0, "%s: %ld\n", f->knob_path[k], v);
		f->knob_orig[k] = v;
	}
	f->knob_dirty = false;
}

static void fz_device_open(struct fz *f)
{
	struct vg *g = &f->g;
	int ret = vg_create(g, "small");

	igt_require_f(ret != -ENOENT, "no vGPU type small\n");
	igt_assert_eq(ret, 0);
	/* Half the opens show planes as dma-bufs, half as regions. */
	igt_assert_eq(vd_set_protocol(g, f->opens & 1 ? "region\n" :
				      "dmabuf\n"), 0);
	g->mem_size = FZ_MEM_SIZE;
	vg_open(g);
	igt_assert_eq_u64(g->mapped, FZ_MEM_SIZE);
	fz_knob_setup(f);
	f->mig.flags = fz_mig_flags(g);
	f->open = true;
	f->opens++;
	fz_restore(f);
}

static void fz_device_close(struct fz *f)
{
	u32 i;

	fz_close_check(f, &f->g);
	/* Exports outlive the device: their pages are still readable. */
	for (i = 0; i < f->nheld; i++) {
		fz_dmabuf_touch(f->held[i]);
		close(f->held[i]);
	}
	f->nheld = 0;
	fz_mig_poke_held(f);
	/* The next vGPU may sit elsewhere: its streams are its own. */
	f->mig.ncur = 0;
	f->mig.nsaved = 0;
	f->mig.nprev = 0;
	f->open = false;
	fz_kmsg_check(f);
}

/**
 * struct fz_victim - what the victim did, in memory shared with the parent
 * @stop: set by the parent
 * @ready: the victim is set up
 * @rounds: verified rounds
 * @hangs: rounds the watchdog killed
 * @worst_ms: the slowest round
 */
struct fz_victim {
	int stop;
	int ready;
	unsigned long long rounds;
	unsigned long long hangs;
	double worst_ms;
};

/*
 * Waits for the victim's engine @e. A watchdog kill is tolerated (the
 * engines are reset and false returned) FZ_VICTIM_HANGS_MAX times plus
 * one per 20 verified rounds: under TCG on a loaded machine the VM's
 * vCPUs stall for a second at times, and the watchdog charges that to
 * whatever engine ran, even with no fuzzing yet (docs/testing.md,
 * "Fuzzing"); a kill storm still fails. Any other error or a round past
 * the deadline fails.
 */
static bool fz_victim_wait(struct fz_victim *v, struct vg *g, int e,
			   double t)
{
	int ret = vg_wait(g, e, FZ_VICTIM_DEADLINE_S);
	u32 err = vg_error(g, e), class;
	int i;

	if (!ret)
		return true;
	class = (err & VGPU_ENGINE_ERROR_CLASS_MASK) >>
		VGPU_ENGINE_ERROR_CLASS_SHIFT;
	igt_assert_f(ret == -EIO && class == VGPU_ERROR_CLASS_HANG &&
		     v->hangs < FZ_VICTIM_HANGS_MAX + v->rounds / 20,
		     "victim: engine %d: %d after %.1f s (error %#x, %llu watchdog kills before)\n",
		     e, ret, vg_now() - t, err, v->hangs);
	v->hangs++;
	igt_info("victim: engine %d killed by the watchdog after %.1f s (error %#x); reset\n",
		 e, vg_now() - t, err);
	for (i = 0; i < VGPU_ENGINE_COUNT; i++)
		if (vg_error(g, i) & VGPU_ENGINE_ERROR_ACTIVE)
			vg_reset_engine(g, i);
	return false;
}

/* A fill on the copy engine and a store on render, checked, on time. */
static void fz_victim_run(struct fz_victim *v)
{
	const u32 bytes = FZ_VICTIM_PITCH * FZ_VICTIM_ROWS;
	u64 fill, store;
	double t, ms;
	u32 color, r;
	struct vg g;

	vg_start(&g, "small");
	fill = vg_alloc(&g, bytes);
	store = vg_alloc(&g, PAGE);
	vg_ring_init(&g, COPY);
	vg_ring_init(&g, RENDER);
	__atomic_store_n(&v->ready, 1, __ATOMIC_RELEASE);
	for (r = 0; !__atomic_load_n(&v->stop, __ATOMIC_ACQUIRE); r++) {
		color = 0x5a000000U ^ r;
		t = vg_now();
		vg_fill(&g, COPY, fill, FZ_VICTIM_PITCH, FZ_VICTIM_PITCH / 4,
			FZ_VICTIM_ROWS, color);
		vg_submit(&g, COPY);
		vg_store(&g, RENDER, store, ~color);
		vg_submit(&g, RENDER);
		if (!fz_victim_wait(v, &g, COPY, t) ||
		    !fz_victim_wait(v, &g, RENDER, t))
			continue;	/* reset: the next round checks */
		vg_check_fill(&g, fill, bytes / 4, color);
		igt_assert_eq_u32(*(u32 *)vg_ptr(&g, store), ~color);
		ms = (vg_now() - t) * 1e3;
		if (ms > v->worst_ms)
			v->worst_ms = ms;
		v->rounds = r + 1;
	}
	vg_close(&g);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), 0);
	igt_assert_eq(mdev_remove(g.uuid), 0);
}

/* The victim failed if it ended before it was told to. */
static void fz_victim_check(struct fz *f, pid_t pid)
{
	int status;

	if (waitpid(pid, &status, WNOHANG) != pid)
		return;
	fz_prog_dump(f, "the victim failed");
	igt_assert_f(false, "victim ended early: status %#x\n", status);
}

/* ---- the subtest ----------------------------------------------------- */

static unsigned int fz_seconds(bool coverage)
{
	const char *s = getenv("VGPU_FUZZ_SECONDS");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return coverage ? FZ_DEFAULT_KCOV_S : FZ_DEFAULT_S;
	v = strtoul(s, &end, 10);
	igt_assert_f(!*end && v <= 7 * 24 * 3600,
		     "VGPU_FUZZ_SECONDS=%s: want 0 to 604800\n", s);
	return v;
}

static void fz_kcov_setup(struct fz *f)
{
	u32 t;

	f->coverage = true;
	for (t = 0; t < FZ_THREADS; t++)
		if (!fz_kcov_open(&f->kcov[t]))
			f->coverage = false;
	if (!f->coverage) {
		igt_info("coverage feedback off: no KCOV (%s: %s); random generation over the seed corpus\n",
			 FZ_KCOV_PATH, strerror(errno));
		for (t = 0; t < FZ_THREADS; t++) {
			if (f->kcov[t].fd < 0)
				continue;
			munmap(f->kcov[t].area,
			       FZ_KCOV_WORDS * sizeof(unsigned long));
			close(f->kcov[t].fd);
			f->kcov[t].fd = -1;
		}
		return;
	}
	igt_info("coverage feedback on: KCOV, %u threads\n", FZ_THREADS);
	fz_kcov_enable(&f->kcov[0]);
}

/* The type's heads and largest mode, from its description. */
static void fz_type_limits(struct fz *f, const char *parent, const char *type)
{
	char desc[512], *p;

	igt_assert_lt(0, mdev_type_attr_read(parent, type, "description", desc,
					     sizeof(desc)));
	p = strstr(desc, "heads:");
	igt_assert_f(p && sscanf(p, "heads: %u", &f->heads) == 1,
		     "no heads in the description of %s\n", type);
	p = strstr(desc, "max resolution:");
	igt_assert_f(p && sscanf(p, "max resolution: %ux%u", &f->max_w,
				 &f->max_h) == 2,
		     "no max resolution in the description of %s\n", type);
	igt_require_f(f->heads && f->max_w >= FZ_EDID_MIN_W &&
		      f->max_h >= FZ_EDID_MIN_H, "type %s has no display\n",
		      type);
}

/* Another GPU with @type, where a second vGPU's slice is elsewhere. */
static void fz_other_gpu(struct fz *f, const char *parent, const char *type)
{
	char **parents = NULL, **types = NULL;
	int np, nt, i, j;

	f->other_parent[0] = '\0';
	np = mdev_list_parents(&parents);
	for (i = 0; i < np && !f->other_parent[0]; i++) {
		if (!strcmp(parents[i], parent))
			continue;
		nt = mdev_list_types(parents[i], &types);
		for (j = 0; j < nt; j++)
			if (!strcmp(types[j], type))
				snprintf(f->other_parent,
					 sizeof(f->other_parent), "%s",
					 parents[i]);
		mdev_list_free(types, nt > 0 ? nt : 0);
	}
	mdev_list_free(parents, np > 0 ? np : 0);
}

/*
 * What the knob and migration operations need: the type's display, the
 * GPU's slice file and its value, another GPU, the stream buffers.
 */
static void fz_targets_setup(struct fz *f, const char *parent,
			     const char *type)
{
	struct fz_mig *m = &f->mig;
	char *slice = f->knob_path[FZ_KNOB_SLICE];
	long v;

	fz_type_limits(f, parent, type);
	fz_other_gpu(f, parent, type);
	igt_assert_eq(vg_slice_path(parent, slice, PATH_MAX), 0);
	v = vg_slice_read(slice);
	igt_assert_lt(0, v);
	f->knob_orig[FZ_KNOB_SLICE] = v;
	m->fd = -1;
	m->old_fd = -1;
	m->cur = malloc(FZ_MIG_BUF);
	m->saved = malloc(FZ_MIG_BUF);
	m->prev = malloc(FZ_MIG_BUF);
	m->out = malloc(FZ_MIG_OUT);
	igt_assert(m->cur && m->saved && m->prev && m->out);
	igt_info("knobs: %u head(s) up to %ux%u, slice %ld us; second GPU: %s\n",
		 f->heads, f->max_w, f->max_h, v,
		 f->other_parent[0] ? f->other_parent : "none");
}

static void fz_targets_free(struct fz *f)
{
	free(f->mig.cur);
	free(f->mig.saved);
	free(f->mig.prev);
	free(f->mig.out);
}

static void vfio_fuzz(void *data)
{
	const char *corpus = getenv("VGPU_FUZZ_CORPUS");
	const char *seed_env = getenv("VGPU_FUZZ_SEED");
	char save_path[PATH_MAX];
	char parent[64], type[64];
	struct fz_victim *v;
	long slab_before, slab_after;
	double start, end, elapsed;
	unsigned int secs;
	struct fz_prog p;
	struct fz f = { .kmsg = -1 };
	u64 fresh;
	int avail;
	pid_t pid;
	u32 i;

	(void)data;
	igt_require(!vg_find_type("small", parent, sizeof(parent), type,
				  sizeof(type)));
	fz_targets_setup(&f, parent, type);
	fz_kcov_setup(&f);
	secs = fz_seconds(f.coverage);
	igt_require_f(secs, "VGPU_FUZZ_SECONDS=0: the fuzzer is off here\n");
	igt_set_timeout(secs + FZ_SETUP_S + 600, "the fuzzer");
	f.rng = seed_env && *seed_env ? strtoull(seed_env, NULL, 0) :
		(u64)time(NULL) ^ ((u64)getpid() << 32);
	if (!f.rng)
		f.rng = 1;
	igt_info("seed: VGPU_FUZZ_SEED=%#llx\n", (unsigned long long)f.rng);
	fz_save_setup(&f, save_path, sizeof(save_path));
	f.edges = calloc(1, (1U << FZ_EDGE_BITS) / 8);
	f.corpus = calloc(FZ_CORPUS_MAX, sizeof(*f.corpus));
	igt_assert(f.edges && f.corpus);
	avail = mdev_type_available_instances(parent, type);

	/* A warm-up open and close before slab is measured. */
	fz_device_open(&f);
	fz_device_close(&f);
	slab_before = vg_slab_kib();

	f.kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	igt_assert_lte(0, f.kmsg);
	igt_assert_lte(0, lseek(f.kmsg, 0, SEEK_END));

	v = mmap(NULL, sizeof(*v), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(v != MAP_FAILED);
	memset(v, 0, sizeof(*v));
	pid = fork();
	igt_assert_lte(0, pid);
	if (!pid) {
		fz_victim_run(v);
		_exit(IGT_EXIT_SUCCESS);
	}
	while (!__atomic_load_n(&v->ready, __ATOMIC_ACQUIRE)) {
		fz_victim_check(&f, pid);
		usleep(10000);
	}

	fz_device_open(&f);
	/* The seeds run first; those that reach edges stay. */
	fz_corpus_load(&f, corpus && *corpus ? corpus : VGPU_FUZZ_CORPUS);
	start = vg_now();
	for (i = 0; i < f.ncorpus; i++)
		fz_exec(&f, &f.corpus[i]);
	end = vg_now() + secs;
	while (vg_now() < end) {
		fz_generate(&f, &p);
		fresh = fz_exec(&f, &p);
		if (fresh) {
			f.nedges += fresh;
			fz_corpus_add(&f, &p);
			fz_save(&f, &p);
		}
		if (f.execs % FZ_REOPEN_EVERY == 0) {
			fz_device_close(&f);
			fz_device_open(&f);
		}
		fz_victim_check(&f, pid);
	}
	f.cur = NULL;
	fz_device_close(&f);
	elapsed = vg_now() - start;
	/* The seeds' edges count too. */
	f.nedges = 0;
	for (i = 0; i < (1U << FZ_EDGE_BITS) / 8; i++)
		f.nedges += __builtin_popcount(f.edges[i]);

	__atomic_store_n(&v->stop, 1, __ATOMIC_RELEASE);
	{
		int status;

		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
			     "victim: status %#x\n", status);
	}
	igt_info("victim: %llu verified rounds, slowest %.0f ms, %llu watchdog kills\n",
		 v->rounds, v->worst_ms, v->hangs);
	igt_assert_f(v->rounds > 0, "the victim did no work\n");
	igt_info("fuzzed vGPU opened %llu times, %llu short-lived vGPUs\n",
		 (unsigned long long)f.opens, (unsigned long long)f.mdevs);
	igt_info("fuzz: %.1f s, %.1f execs/s, coverage %s\n", elapsed,
		 f.execs / elapsed, f.coverage ? "on (KCOV)" : "off");
	igt_info("fuzz: knob writes %llu (%llu refused); migration: %llu arcs (%llu refused), %llu streams saved, %llu loaded, %llu refused, %llu second vGPUs; flags %#llx\n",
		 (unsigned long long)f.knob_writes,
		 (unsigned long long)f.knob_refused,
		 (unsigned long long)f.mig.arcs,
		 (unsigned long long)f.mig.refused,
		 (unsigned long long)f.mig.streams,
		 (unsigned long long)f.mig.loads,
		 (unsigned long long)f.mig.load_refusals,
		 (unsigned long long)f.mig.dests,
		 (unsigned long long)f.mig.flags);
	igt_info("fuzz: execs=%llu edges=%llu corpus=%u\n",
		 (unsigned long long)f.execs, (unsigned long long)f.nedges,
		 f.ncorpus);

	igt_assert_eq(mdev_type_available_instances(parent, type), avail);
	igt_assert_eq(vg_slice_read(f.knob_path[FZ_KNOB_SLICE]),
		      f.knob_orig[FZ_KNOB_SLICE]);
	fz_kmsg_check(&f);
	slab_after = vg_slab_settled(slab_before);
	igt_info("unreclaimable slab: %ld kB before, %ld kB after\n",
		 slab_before, slab_after);
	if (vg_ksym("kasan_report", NULL, NULL))
		igt_info("KASAN quarantine: the growth is kmemleak's to judge\n");
	else
		igt_assert_f(slab_after - slab_before < 1024,
			     "slab grew by %ld kB\n", slab_after - slab_before);
	munmap(v, sizeof(*v));
	close(f.kmsg);
	fz_targets_free(&f);
	free(f.corpus);
	free(f.edges);
}

/**
 * struct fz_fixture - the GPU's slice as the fuzzer found it
 * @path: its sched_slice_us
 * @slice: its value, or -errno when there is none to keep
 */
struct fz_fixture {
	char path[PATH_MAX];
	long slice;
};

static struct fz_fixture fz_fixture = { .slice = -ENOENT };

/* Where a refused stream says why (migration.c's dev_dbg lines). */
#define FZ_DYNDBG	"/sys/kernel/debug/dynamic_debug/control"

static void fz_fixture_setup(void *data)
{
	struct fz_fixture *x = data;
	char parent[64], type[64];

	if (!sysfs_write_str(FZ_DYNDBG, "module vgpu file migration.c +p"))
		igt_info("dynamic debug on for migration.c: refusals say why\n");
	if (vg_find_type("small", parent, sizeof(parent), type, sizeof(type)) ||
	    vg_slice_path(parent, x->path, sizeof(x->path)))
		return;
	x->slice = vg_slice_read(x->path);
}

/* Whatever became of the subtest, later tests get the slice back. */
static void fz_fixture_teardown(void *data)
{
	struct fz_fixture *x = data;

	(void)sysfs_write_str(FZ_DYNDBG, "module vgpu file migration.c -p");
	if (x->slice > 0 && vg_slice_read(x->path) != x->slice)
		igt_assert_eq(vg_slice_write(x->path, x->slice), 0);
}

static const struct igt_subtest subtests[] = {
	{ "vfio-fuzz", vfio_fuzz,
	  "hostile VMM, knobs, migration (KCOV-guided): victim on time, no pin, no warning" },
};

IGT_TEST_MAIN("vGPU fuzzing through VFIO and sysfs: a hostile VMM, guided by KCOV",
	      subtests, .setup = fz_fixture_setup,
	      .teardown = fz_fixture_teardown, .data = &fz_fixture);
