/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_guest.h - a minimal guest driver for the vGPU tests: creates a vGPU
 * (an mdev of vgpu.ko), opens it through the VFIO harness, maps "guest
 * memory" into the start of its graphics memory slice through the GGTT,
 * and drives its rings the way a guest kernel driver would (commands in
 * guest memory, a RING_TAIL write to submit, RING_HEAD and the status page
 * to wait). Compiled once into libvg.a (igt-tests/build.mk), which every
 * test binary links; the vgpu_*.c tests include this header by name.
 */
#ifndef VGPU_GUEST_H
#define VGPU_GUEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/vgpu_if.h>

#include "igt_core.h"
#include "mdev_sysfs.h"
#include "vfio_harness.h"
#include "vgpu_cmd.h"

typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;

#define LO(a)		((u32)(a))
#define HI(a)		((u32)((u64)(a) >> 32))
#define RENDER		VGPU_ENGINE_RENDER
#define COPY		VGPU_ENGINE_COPY
#define BAR0		VFIO_PCI_BAR0_REGION_INDEX
#define RGBA		(VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB)
#define PAGE		4096ULL

/* Guest memory every test maps at the start of its slice. */
#define VG_MEM_IOVA	0x40000000ULL
#define VG_MEM_SIZE	(8ULL << 20)
#define VG_RING_SIZE	0x4000

/**
 * struct vg_ring - one engine's ring as the guest sees it
 * @gfx: graphics address of the ring
 * @size: bytes
 * @hws: graphics address of the status page
 * @tail: where the next command goes
 */
struct vg_ring {
	u64 gfx;
	u32 size;
	u64 hws;
	u32 tail;
};

/**
 * struct vg - one vGPU driven by a test
 * @uuid: the mdev
 * @parent: its parent device
 * @type: its type directory name
 * @dev: the VFIO device
 * @mem: guest memory, mapped at @slice_base onwards
 * @mem_size: bytes of guest memory vg_open() allocates (0: VG_MEM_SIZE)
 * @mapped: bytes of @mem mapped through the GGTT
 * @slice_base: first graphics address of the slice (PV info page)
 * @slice_size: bytes in the slice
 * @next: bump allocator over the mapped part of the slice
 * @irq_fd: MSI eventfd, -1 when not enabled
 * @ring: per engine
 */
struct vg {
	char uuid[MDEV_UUID_STRLEN];
	char parent[64];
	char type[64];
	struct vfio_dev dev;
	struct vfio_guest_mem mem;
	u64 mem_size;
	u64 mapped;
	u64 slice_base;
	u64 slice_size;
	u64 next;
	int irq_fd;
	struct vg_ring ring[VGPU_ENGINE_COUNT];
};

double vg_now(void);

/*
 * The kernel function @name from /proc/kallsyms: true if it exists; its
 * address in *@start and the next symbol's in *@end (either may be NULL;
 * both 0 when there is no such function).
 */
bool vg_ksym(const char *name, unsigned long *start, unsigned long *end);

/*
 * The scheduler's watchdog budget per workload, in seconds: vgpu.ko's
 * watchdog_ms parameter (500 ms unless the suite set VGPU_WATCHDOG_MS).
 */
double vg_watchdog_s(void);

/*
 * Unreclaimable slab in KiB (/proc/meminfo), after the dentry and inode
 * caches were dropped: kernfs keeps the nodes of removed sysfs entries
 * that were looked up until memory pressure, which is caching, not a leak
 * (docs/mdev.md, mdev-leak suite).
 */
long vg_slab_kib(void);

/*
 * Unreclaimable slab after a run that started at @before KiB: what is
 * freed after an RCU grace period or from a work item (kernfs nodes, the
 * VFIO cdev's device) gets up to 10 s to go; a leak does not shrink.
 */
long vg_slab_settled(long before);

/*
 * The first mdev parent (in name order) with the type "@driver-@suffix".
 * The mdev core names a type after its parent's driver ("refgpu-small",
 * "mtty-2"); the parent is named after its device, a PCI address for the
 * reference GPU.
 */
int vg_find_type_of(const char *driver, const char *suffix, char *parent,
		    size_t plen, char *type, size_t tlen);

/* The first reference GPU with vGPU type @suffix ("small", ...). */
int vg_find_type(const char *suffix, char *parent, size_t plen, char *type,
		 size_t tlen);

u32 vg_rd(struct vg *g, u64 off);

void vg_wr(struct vg *g, u64 off, u32 v);

void vg_pte(struct vg *g, u64 gfx, u64 pte);

u64 vg_pte_read(struct vg *g, u64 gfx);

/* A u64 attribute of the vGPU's sysfs directory (vgpu/<name>). */
unsigned long long vg_stat(struct vg *g, const char *name);

/*
 * Replaced or cleared GGTT entries' pages are unpinned behind a GGTT flush
 * vgpu.ko does within 10 ms (VGPU_GTT_FLUSH_DELAY_MS); a loaded test VM
 * may run its work item much later.
 */
#define VG_PIN_SETTLE_S		5.0

/* Poll a vgpu/ attribute until it reads @want; false on timeout. */
bool vg_wait_stat(struct vg *g, const char *name, unsigned long long want,
		  double secs);

void vg_set(struct vg *g, const char *name, unsigned int v);

/* Create a vGPU of type @suffix; returns -errno instead of failing. */
int vg_create(struct vg *g, const char *suffix);

/* Map @size bytes of guest memory at graphics address @gfx. */
void vg_map(struct vg *g, u64 gfx, u64 iova, u64 size);

/* Open the vGPU, read its slice and map guest memory into it. */
void vg_open(struct vg *g);

void vg_close(struct vg *g);

void vg_destroy(struct vg *g);

/* Create and open a vGPU of type @suffix. */
void vg_start(struct vg *g, const char *suffix);

/*
 * vg_start() with @mem_size bytes of guest memory (0: VG_MEM_SIZE). Each
 * mapped page is a trapped GGTT write and a pin: tests that open many
 * vGPUs and use little of each map less.
 */
void vg_start_mem(struct vg *g, const char *suffix, u64 mem_size);

/* Memory in the mapped part of the slice, zeroed. */
u64 vg_alloc(struct vg *g, u64 size);

/* The CPU's view of graphics address @gfx (guest memory). */
void *vg_ptr(struct vg *g, u64 gfx);

u32 vg_base(int e);

/* Program engine @e's ring (guest memory) and status page. */
void vg_ring_init(struct vg *g, int e);

void vg_emit(struct vg *g, int e, const u32 *dw, u32 n);

/*
 * Raw dwords into the ring: for commands the device must refuse, which the
 * encoder will not write (vgpu_hostile.c). Well-formed commands go through
 * VG_CMD() or vg_emit_cmd().
 */
#define VG_EMIT(g, e, ...) do {						\
	const u32 vg_dw__[] = { __VA_ARGS__ };				\
	vg_emit(g, e, vg_dw__, sizeof(vg_dw__) / sizeof(u32));		\
} while (0)

/* The commands encoded in @c, all of which must have fitted, into the ring. */
void vg_emit_cmd(struct vg *g, int e, const struct vgpu_cmd *c);

/* An encoder call on the tests' own (well-formed) commands: it must work. */
#define VG_OK(call)	igt_assert_eq(call, 0)

/* Dwords of the longest single command VG_CMD() writes. */
#define VG_CMD_MAX_DWORDS	16

/*
 * One command into engine @e's ring, written by the encoder:
 * VG_CMD(g, e, vgpu_cmd_store_qword, addr, value) calls
 * vgpu_cmd_store_qword(c, addr, value) and fails the test if it refuses.
 */
#define VG_CMD(g, e, emit, ...) do {					\
	u32 vg_cmd_dw__[VG_CMD_MAX_DWORDS];				\
	struct vgpu_cmd vg_cmd__;					\
									\
	vgpu_cmd_init(&vg_cmd__, vg_cmd_dw__, sizeof(vg_cmd_dw__));	\
	VG_OK(emit(&vg_cmd__, ##__VA_ARGS__));				\
	vg_emit_cmd(g, e, &vg_cmd__);					\
} while (0)

/* A vgpu_cmd writing the batch at @gfx (guest memory), @bytes long. */
void vg_batch_init(struct vg *g, struct vgpu_cmd *c, u64 gfx, u32 bytes);

/* Pad to a qword and write RING_TAIL. */
void vg_submit(struct vg *g, int e);

u32 vg_error(struct vg *g, int e);

/*
 * Wait until RING_HEAD reaches the tail. Returns 0, -EIO when the engine
 * stopped in error, -ETIMEDOUT.
 */
int vg_wait(struct vg *g, int e, double timeout_s);

/*
 * vg_wait() sleeping on the MSI eventfd (vg_enable_msi()) instead of
 * polling, as a guest driver waits: each completion raises the engine's
 * user interrupt.
 */
int vg_wait_irq(struct vg *g, int e, double timeout_s);

void vg_run(struct vg *g, int e);

/* Engine reset through GDRST, then re-enable the ring from offset 0. */
void vg_reset_engine(struct vg *g, int e);

/* MSI with an eventfd, every GT interrupt enabled. */
void vg_enable_msi(struct vg *g);

/* A 32 bpp surface at @gfx, @pitch bytes a line, for the blit encoders. */
struct vgpu_surface vg_surf32(u64 gfx, u32 pitch);

/*
 * DW1 of a 32 bpp XY_COLOR_BLT / XY_SRC_COPY_BLT, for blits written raw on
 * purpose (vgpu_hostile.c); the encoder writes every well-formed one.
 */
u32 vg_blt_dw1(u32 rop, u32 pitch);

/* XY_COLOR_BLT of a w x h rectangle at 32 bpp, in the ring. */
void vg_fill(struct vg *g, int e, u64 dst, u32 pitch, u32 w, u32 h, u32 color);

/* XY_SRC_COPY_BLT of a w x h rectangle at 32 bpp. */
void vg_copy(struct vg *g, int e, u64 dst, u64 src, u32 pitch, u32 w, u32 h);

/* MI_STORE_DATA_IMM of one dword. */
void vg_store(struct vg *g, int e, u64 addr, u32 val);

/* Check @n dwords at @gfx are all @val. */
void vg_check_fill(struct vg *g, u64 gfx, u32 n, u32 val);

/* Saturating load: fills per submission, submissions kept queued. */
#define VG_LOAD_FILLS		8
#define VG_LOAD_IN_FLIGHT	24

/**
 * struct vg_loader - a vGPU kept busy on its copy engine
 * @g: the vGPU
 * @surf: the 1 MiB surface its fills write
 * @submitted: submissions so far
 */
struct vg_loader {
	struct vg g;
	u64 surf;
	u32 submitted;
};

void vg_loader_start(struct vg_loader *l);

/* Keep VG_LOAD_IN_FLIGHT submissions queued on @l's copy engine. */
void vg_loader_top_up(struct vg_loader *l);

/* Top up while fewer than @in_flight - 1 submissions are queued. */
void vg_loader_top_up_to(struct vg_loader *l, u32 in_flight);

u64 vg_busy_copy(struct vg_loader *l);

/* Run @n loaders for @secs; @share: each one's share of the copy engine, %. */
void vg_measure_shares(struct vg_loader *l, int n, double secs, double *share);

/* Largest distance of @share (%) from the shares of weights @w, in pp. */
double vg_share_error(const double *share, const unsigned int *w, int n);

/* vgpu.ko's slice when nobody set one (VSCHED_SLICE_DEFAULT_NS). */
#define VG_SLICE_DEFAULT_US	5000

/*
 * The sched_slice_us file of the GPU that is mdev parent @parent (its
 * refgpu.vgpu.N auxiliary device is a child of that device).
 * Return: 0 or -ENOENT.
 */
int vg_slice_path(const char *parent, char *path, size_t len);

/* The slice in the file @path, in us, or -errno. */
long vg_slice_read(const char *path);

/* Write @us to the slice file @path. Return: 0 or -errno. */
int vg_slice_write(const char *path, long us);

#endif /* VGPU_GUEST_H */
