/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * The guest-visible interface of the vGPU: PCI identity, BAR0 register map,
 * graphics translation table, paravirtual info page, ring registers,
 * interrupts, display, the command subset with its encodings, and the audit
 * reason codes a guest sees when a submission is refused.
 *
 * The device is a strict subset of the Intel Gen9 programming model: where
 * Gen9 has a register or a command, the offset and the encoding are Gen9's;
 * the few additions (error reporting, EDID, cursor hotspot, mode clock) live
 * in the paravirtual info page. docs/interface.md is the prose companion of
 * this file; every definition here is described there.
 *
 * Shared by the guest driver, the parent driver (vgpu.ko), the command
 * parser, the reference GPU and the tests, in the kernel and in userspace.
 */
#ifndef _UAPI_LINUX_VGPU_IF_H
#define _UAPI_LINUX_VGPU_IF_H

#include <linux/types.h>

/* ------------------------------------------------------------------------
 * PCI configuration space
 */

/*
 * 0x1234 is absent from the PCI ID database and no Linux driver matches
 * 1234:5647 (only 1234:1111, QEMU's standard VGA, is claimed, by bochs).
 * docs/interface.md explains the choice.
 */
#define VGPU_PCI_VENDOR_ID		0x1234
#define VGPU_PCI_DEVICE_ID		0x5647
#define VGPU_PCI_SUBSYSTEM_VENDOR_ID	0x1234
#define VGPU_PCI_SUBSYSTEM_ID		0x0001
#define VGPU_PCI_REVISION		0x01
/* Class code register value: base class display, subclass VGA, prog-if 0. */
#define VGPU_PCI_CLASS			0x030000
#define VGPU_PCI_INTERRUPT_PIN		0x01	/* INTA# */

/* BAR0: 64-bit non-prefetchable memory, registers and the GGTT. */
#define VGPU_PCI_BAR_MMIO		0
#define VGPU_BAR0_SIZE			0x01000000ULL	/* 16 MiB */
/* BAR2: 64-bit prefetchable memory, graphics aperture (optional). */
#define VGPU_PCI_BAR_APERTURE		2

/* Capability list: one MSI capability (single vector, 64-bit address). */
#define VGPU_PCI_CAP_PTR		0x90
#define VGPU_PCI_MSI_CAP_OFFSET		0x90
#define VGPU_PCI_MSI_CAP_SIZE		14
#define VGPU_PCI_CONFIG_SIZE		256

/* ------------------------------------------------------------------------
 * BAR0 layout
 *
 * [0x000000, 0x080000)	registers (Gen9 offsets); the PV info page is the
 *			4 KiB at VGPU_PV_INFO_BASE inside this window.
 * [0x080000, 0x800000)	reserved: reads zero, writes ignored and counted.
 * [0x800000, 0x1000000) GGTT: one 64-bit PTE per 4 KiB of graphics address
 *			space, entry i maps graphics address i << 12.
 */
#define VGPU_MMIO_OFFSET		0x000000
#define VGPU_MMIO_SIZE			0x080000
#define VGPU_GGTT_OFFSET		0x800000
#define VGPU_GGTT_SIZE			0x800000
#define VGPU_GGTT_PTE_SIZE		8
#define VGPU_GGTT_ENTRIES		(VGPU_GGTT_SIZE / VGPU_GGTT_PTE_SIZE)
#define VGPU_GTT_PAGE_SHIFT		12
#define VGPU_GTT_PAGE_SIZE		(1U << VGPU_GTT_PAGE_SHIFT)
/* Size of the graphics address space the GGTT covers: 4 GiB. */
#define VGPU_GFX_ADDR_SPACE_SIZE	\
	((__u64)VGPU_GGTT_ENTRIES << VGPU_GTT_PAGE_SHIFT)

/* GGTT page table entry. */
#define VGPU_GGTT_PTE_PRESENT		0x1ULL
/* Guest physical address of the 4 KiB page, bits 38:12. */
#define VGPU_GGTT_PTE_ADDR_MASK		0x0000007ffffff000ULL
/* Bits 11:1 are stored and ignored; bits 63:39 must be zero. */
#define VGPU_GGTT_PTE_IGNORED_MASK	0x0000000000000ffeULL
#define VGPU_GGTT_PTE_MBZ_MASK		0xffffff8000000000ULL

/* ------------------------------------------------------------------------
 * Engines and per-engine ring registers (Gen8+ offsets)
 */
enum vgpu_engine {
	VGPU_ENGINE_RENDER = 0,
	VGPU_ENGINE_COPY = 1,
	VGPU_ENGINE_COUNT
};

#define VGPU_ENGINE_MASK(e)		(1U << (e))

#define VGPU_RENDER_RING_BASE		0x02000
#define VGPU_COPY_RING_BASE		0x22000
#define VGPU_RING_BASE(e)		\
	((e) == VGPU_ENGINE_RENDER ? VGPU_RENDER_RING_BASE : VGPU_COPY_RING_BASE)

#define VGPU_RING_TAIL(base)		((base) + 0x30)
#define VGPU_RING_HEAD(base)		((base) + 0x34)
#define VGPU_RING_START(base)		((base) + 0x38)
#define VGPU_RING_CTL(base)		((base) + 0x3c)
#define VGPU_RING_HWS_PGA(base)		((base) + 0x80)
#define VGPU_RING_TIMESTAMP(base)	((base) + 0x358)
#define VGPU_RING_TIMESTAMP_UDW(base)	((base) + 0x35c)
/* General purpose registers: 16 x 64 bit, reachable by LRI/SRM only. */
#define VGPU_CS_GPR(base, n)		((base) + 0x600 + (n) * 8)
#define VGPU_CS_GPR_UDW(base, n)	((base) + 0x604 + (n) * 8)
#define VGPU_CS_GPR_COUNT		16

/* RING_TAIL: byte offset of the first free qword in the ring. */
#define VGPU_RING_TAIL_ADDR_MASK	0x001ffff8
/* RING_HEAD: byte offset of the next command; wrap counter above it. */
#define VGPU_RING_HEAD_ADDR_MASK	0x001ffffc
#define VGPU_RING_HEAD_WRAP_SHIFT	21
#define VGPU_RING_HEAD_WRAP_MASK	0xffe00000
/* RING_START: 4 KiB aligned graphics address of the ring. */
#define VGPU_RING_START_ADDR_MASK	0xfffff000
/* RING_CTL: size in pages minus one, and the enable bit. */
#define VGPU_RING_CTL_ENABLE		0x00000001
#define VGPU_RING_CTL_PAGES_SHIFT	12
#define VGPU_RING_CTL_PAGES_MASK	0x001ff000
#define VGPU_RING_CTL_SIZE(ctl)		\
	(((((ctl) & VGPU_RING_CTL_PAGES_MASK) >> VGPU_RING_CTL_PAGES_SHIFT) + 1) \
	 << VGPU_GTT_PAGE_SHIFT)
#define VGPU_RING_CTL_FROM_SIZE(bytes)	\
	((((bytes) >> VGPU_GTT_PAGE_SHIFT) - 1) << VGPU_RING_CTL_PAGES_SHIFT)
#define VGPU_RING_MIN_SIZE		0x1000
#define VGPU_RING_MAX_SIZE		0x200000
/* HWS_PGA: 4 KiB aligned graphics address of the status page. */
#define VGPU_HWS_PGA_ADDR_MASK		0xfffff000

/*
 * Status page, written by the device after each completed submission.
 * Dwords 0-15 belong to the device; dwords 16-1023 are free for the guest.
 */
#define VGPU_HWS_HEAD			0x10	/* RING_HEAD after completion */
#define VGPU_HWS_COMPLETED		0x14	/* completed submissions, +1 each */
#define VGPU_HWS_GUEST_FIRST		0x40

/* Command streamer timestamp frequency (RING_TIMESTAMP, post-sync). */
#define VGPU_TIMESTAMP_HZ		12000000

/* Engine reset request (Gen6+ GDRST): write 1, reads 1 until done. */
#define VGPU_REG_GDRST			0x941c
#define VGPU_GDRST_FULL			0x00000001
#define VGPU_GDRST_RENDER		0x00000002
#define VGPU_GDRST_COPY			0x00000008
#define VGPU_GDRST_ENGINE(e)		\
	((e) == VGPU_ENGINE_RENDER ? VGPU_GDRST_RENDER : VGPU_GDRST_COPY)

/* ------------------------------------------------------------------------
 * Interrupts (Gen8 shape)
 *
 * An event whose IER bit is set latches its IIR bit. A group is pending
 * while (IIR & ~IMR) != 0; the master register shows the pending groups.
 * The device interrupts (MSI message on the rising edge, INTx level) while
 * VGPU_MASTER_IRQ_ENABLE is set and any group is pending. IIR bits are
 * cleared by writing 1. ISR registers read the live event state, which is
 * zero for every event of this device (all are edges).
 */
#define VGPU_REG_MASTER_IRQ		0x44200
#define VGPU_MASTER_IRQ_ENABLE		0x80000000
#define VGPU_MASTER_IRQ_RENDER		0x00000001	/* GT group 0 */
#define VGPU_MASTER_IRQ_COPY		0x00000002	/* GT group 0 */
#define VGPU_MASTER_IRQ_PIPE(p)		(0x00010000U << (p))
#define VGPU_MASTER_IRQ_DE_PORT		0x00100000

/* GT group 0: render engine in bits 15:0, copy engine in bits 31:16. */
#define VGPU_REG_GT_ISR(g)		(0x44300 + (g) * 0x10)
#define VGPU_REG_GT_IMR(g)		(0x44304 + (g) * 0x10)
#define VGPU_REG_GT_IIR(g)		(0x44308 + (g) * 0x10)
#define VGPU_REG_GT_IER(g)		(0x4430c + (g) * 0x10)
#define VGPU_GT_ENGINE_SHIFT(e)		((e) == VGPU_ENGINE_RENDER ? 0 : 16)
#define VGPU_GT_USER_INTERRUPT		0x0001
#define VGPU_GT_ERROR_INTERRUPT		0x0008
#define VGPU_GT_IRQ_USER(e)		\
	(VGPU_GT_USER_INTERRUPT << VGPU_GT_ENGINE_SHIFT(e))
#define VGPU_GT_IRQ_ERROR(e)		\
	(VGPU_GT_ERROR_INTERRUPT << VGPU_GT_ENGINE_SHIFT(e))

/* Display engine, one group per pipe. */
#define VGPU_REG_DE_PIPE_ISR(p)		(0x44400 + (p) * 0x10)
#define VGPU_REG_DE_PIPE_IMR(p)		(0x44404 + (p) * 0x10)
#define VGPU_REG_DE_PIPE_IIR(p)		(0x44408 + (p) * 0x10)
#define VGPU_REG_DE_PIPE_IER(p)		(0x4440c + (p) * 0x10)
#define VGPU_DE_PIPE_VBLANK		0x00000001
#define VGPU_DE_PIPE_FLIP_DONE		0x00000008	/* primary plane */
#define VGPU_DE_PIPE_PLANE_FAULT	0x00000200	/* programming refused */
#define VGPU_DE_PIPE_CRC_DONE		0x10000000	/* a CRC was latched */

/* Display port group: hotplug (EDID or link change) per head. */
#define VGPU_REG_DE_PORT_ISR		0x44440
#define VGPU_REG_DE_PORT_IMR		0x44444
#define VGPU_REG_DE_PORT_IIR		0x44448
#define VGPU_REG_DE_PORT_IER		0x4444c
#define VGPU_DE_PORT_HOTPLUG(head)	(0x00000008U << (head))

/* ------------------------------------------------------------------------
 * Display: pipes, primary plane, cursor (Gen9 offsets, pipe stride 0x1000)
 */
#define VGPU_MAX_PIPES			4

/* Transcoder timings: (value - 1) in each 13-bit field. */
#define VGPU_REG_HTOTAL(p)		(0x60000 + (p) * 0x1000)
#define VGPU_REG_HBLANK(p)		(0x60004 + (p) * 0x1000)
#define VGPU_REG_HSYNC(p)		(0x60008 + (p) * 0x1000)
#define VGPU_REG_VTOTAL(p)		(0x6000c + (p) * 0x1000)
#define VGPU_REG_VBLANK(p)		(0x60010 + (p) * 0x1000)
#define VGPU_REG_VSYNC(p)		(0x60014 + (p) * 0x1000)
#define VGPU_REG_PIPESRC(p)		(0x6001c + (p) * 0x1000)
/* HTOTAL/VTOTAL: total in 28:16, active in 12:0; the others end, start. */
#define VGPU_TIMING_HI_SHIFT		16
#define VGPU_TIMING_HI_MASK		0x1fff0000
#define VGPU_TIMING_LO_MASK		0x00001fff
/* PIPESRC: width - 1 in 28:16, height - 1 in 11:0. */
#define VGPU_PIPESRC_WIDTH_SHIFT	16
#define VGPU_PIPESRC_WIDTH_MASK		0x1fff0000
#define VGPU_PIPESRC_HEIGHT_MASK	0x00000fff

/*
 * Pipe CRC (Gen9 PIPE_CRC_CTL and PIPE_CRC_RES_1 offsets). While enabled,
 * the device computes at each vblank a CRC-32 of the frame the pipe showed:
 * PIPESRC pixels, primary and cursor composited (docs/interface.md). Only
 * the Gen9 "panel fitter" source (the pipe's whole output) exists; enabling
 * with another source is refused like a bad mode (VGPU_DISPLAY_ERR_MODE,
 * plane VGPU_DISPLAY_CRC) and the CRC stays off. Frames may be skipped when
 * the host is busy; VGPU_PV_HEAD_CRC_FRAME names the frame of the result.
 */
#define VGPU_REG_PIPE_CRC_CTL(p)	(0x60050 + (p) * 0x1000)
#define VGPU_PIPE_CRC_ENABLE		0x80000000
#define VGPU_PIPE_CRC_SOURCE_MASK	0x60000000
#define VGPU_PIPE_CRC_SOURCE_PF		0x40000000	/* the pipe's output */
#define VGPU_REG_PIPE_CRC_RES(p)	(0x60064 + (p) * 0x1000)

#define VGPU_REG_PIPECONF(p)		(0x70008 + (p) * 0x1000)
#define VGPU_PIPECONF_ENABLE		0x80000000
#define VGPU_PIPECONF_STATE		0x40000000	/* read only: running */
#define VGPU_REG_PIPE_FRMCOUNT(p)	(0x70040 + (p) * 0x1000)

/* Cursor plane: 64x64 ARGB8888 only. */
#define VGPU_REG_CURCNTR(p)		(0x70080 + (p) * 0x1000)
#define VGPU_REG_CURBASE(p)		(0x70084 + (p) * 0x1000)
#define VGPU_REG_CURPOS(p)		(0x70088 + (p) * 0x1000)
#define VGPU_CURCNTR_MODE_MASK		0x0000003f
#define VGPU_CURCNTR_MODE_DISABLE	0x00
#define VGPU_CURCNTR_MODE_64_ARGB	0x27
#define VGPU_CURSOR_SIZE		64
#define VGPU_CURBASE_ADDR_MASK		0xfffff000
/* CURPOS: sign + magnitude per axis. */
#define VGPU_CURPOS_Y_SIGN		0x80000000
#define VGPU_CURPOS_Y_SHIFT		16
#define VGPU_CURPOS_Y_MASK		0x0fff0000
#define VGPU_CURPOS_X_SIGN		0x00008000
#define VGPU_CURPOS_X_MASK		0x00000fff

/* Primary plane (Gen9 plane 1). */
#define VGPU_REG_PLANE_CTL(p)		(0x70180 + (p) * 0x1000)
#define VGPU_REG_PLANE_STRIDE(p)	(0x70188 + (p) * 0x1000)
#define VGPU_REG_PLANE_POS(p)		(0x7018c + (p) * 0x1000)
#define VGPU_REG_PLANE_SIZE(p)		(0x70190 + (p) * 0x1000)
#define VGPU_REG_PLANE_SURF(p)		(0x7019c + (p) * 0x1000)
#define VGPU_REG_PLANE_OFFSET(p)	(0x701a4 + (p) * 0x1000)
#define VGPU_REG_PLANE_SURFLIVE(p)	(0x701ac + (p) * 0x1000)

#define VGPU_PLANE_CTL_ENABLE		0x80000000
#define VGPU_PLANE_CTL_FORMAT_SHIFT	24
#define VGPU_PLANE_CTL_FORMAT_MASK	0x0f000000
#define VGPU_PLANE_CTL_FORMAT_8888	0x4	/* XRGB/ARGB 8:8:8:8 */
#define VGPU_PLANE_CTL_ORDER_RGBX	0x00100000	/* unsupported */
#define VGPU_PLANE_CTL_TILED_MASK	0x00001c00	/* 0 = linear */
#define VGPU_PLANE_CTL_ALPHA_MASK	0x00000030
#define VGPU_PLANE_CTL_ALPHA_NONE	0x00000000	/* XRGB8888 */
#define VGPU_PLANE_CTL_ALPHA_SW_PREMUL	0x00000020	/* ARGB8888 */
#define VGPU_PLANE_CTL_ALPHA_HW_PREMUL	0x00000030	/* ARGB8888 */
#define VGPU_PLANE_CTL_ROTATE_MASK	0x00000003	/* 0 = none */
/* PLANE_STRIDE: in units of 64 bytes for linear surfaces. */
#define VGPU_PLANE_STRIDE_MASK		0x000003ff
#define VGPU_PLANE_STRIDE_UNIT		64
/* PLANE_POS / PLANE_OFFSET: y in 28:16, x in 12:0. */
#define VGPU_PLANE_XY_Y_SHIFT		16
#define VGPU_PLANE_XY_Y_MASK		0x1fff0000
#define VGPU_PLANE_XY_X_MASK		0x00001fff
/* PLANE_SIZE: height - 1 in 28:16, width - 1 in 12:0. */
#define VGPU_PLANE_SIZE_H_SHIFT		16
#define VGPU_PLANE_SIZE_H_MASK		0x1fff0000
#define VGPU_PLANE_SIZE_W_MASK		0x00001fff
/* PLANE_SURF: 4 KiB aligned graphics address; a write arms a flip. */
#define VGPU_PLANE_SURF_ADDR_MASK	0xfffff000

/* ------------------------------------------------------------------------
 * Paravirtual info page (vendor block, 4 KiB at BAR0 + 0x78000)
 */
#define VGPU_PV_INFO_BASE		0x78000
#define VGPU_PV_INFO_SIZE		0x1000
#define VGPU_PV(off)			(VGPU_PV_INFO_BASE + (off))

/* "VGPUPVIF" in little-endian byte order. */
#define VGPU_PV_MAGIC			0x4649565055504756ULL
#define VGPU_PV_VERSION_MAJOR		1
#define VGPU_PV_VERSION_MINOR		1

#define VGPU_PV_MAGIC_LO		VGPU_PV(0x000)
#define VGPU_PV_MAGIC_HI		VGPU_PV(0x004)
#define VGPU_PV_VERSION			VGPU_PV(0x008)	/* major 31:16, minor 15:0 */
#define VGPU_PV_VGPU_ID			VGPU_PV(0x00c)
#define VGPU_PV_CAPS			VGPU_PV(0x010)
#define VGPU_PV_ENGINE_MASK		VGPU_PV(0x014)
#define VGPU_PV_NUM_HEADS		VGPU_PV(0x018)
#define VGPU_PV_MAX_MODE		VGPU_PV(0x01c)	/* height 31:16, width 15:0 */
#define VGPU_PV_GM_RANGE_COUNT		VGPU_PV(0x020)
#define VGPU_PV_UNHANDLED_ACCESSES	VGPU_PV(0x024)
#define VGPU_PV_VERSION_MAJOR_SHIFT	16

#define VGPU_PV_CAP_APERTURE		0x00000001	/* BAR2 present */
#define VGPU_PV_CAP_DISPLAY		0x00000002	/* NUM_HEADS > 0 */

/* The vGPU's slice of graphics memory: up to 4 [base, base + size) ranges. */
#define VGPU_PV_GM_RANGES_MAX		4
#define VGPU_PV_GM_BASE_LO(i)		VGPU_PV(0x040 + (i) * 0x10)
#define VGPU_PV_GM_BASE_HI(i)		VGPU_PV(0x044 + (i) * 0x10)
#define VGPU_PV_GM_SIZE_LO(i)		VGPU_PV(0x048 + (i) * 0x10)
#define VGPU_PV_GM_SIZE_HI(i)		VGPU_PV(0x04c + (i) * 0x10)

/* Guest-to-host notification: write a code, reads zero. */
#define VGPU_PV_G2V_NOTIFY		VGPU_PV(0x080)
enum vgpu_g2v_notify {
	VGPU_G2V_NONE = 0,
	VGPU_G2V_DRIVER_READY = 1,	/* ballooning done, rings set up */
	VGPU_G2V_DRIVER_UNLOAD = 2,	/* the guest driver is going away */
};

/* Per-engine error and hang status (read only; cleared by engine reset). */
#define VGPU_PV_ENGINE_STRIDE		0x20
#define VGPU_PV_ENGINE_ERROR(e)		VGPU_PV(0x100 + (e) * 0x20)
#define VGPU_PV_ENGINE_ERROR_ADDR_LO(e)	VGPU_PV(0x104 + (e) * 0x20)
#define VGPU_PV_ENGINE_ERROR_ADDR_HI(e)	VGPU_PV(0x108 + (e) * 0x20)
#define VGPU_PV_ENGINE_ERROR_CMD(e)	VGPU_PV(0x10c + (e) * 0x20)
#define VGPU_PV_ENGINE_ERROR_COUNT(e)	VGPU_PV(0x110 + (e) * 0x20)

#define VGPU_ENGINE_ERROR_ACTIVE	0x80000000	/* engine stopped */
#define VGPU_ENGINE_ERROR_IN_BATCH	0x40000000	/* ADDR is a gfx addr */
#define VGPU_ENGINE_ERROR_CLASS_SHIFT	24
#define VGPU_ENGINE_ERROR_CLASS_MASK	0x0f000000
#define VGPU_ENGINE_ERROR_REASON_MASK	0x0000ffff

enum vgpu_engine_error_class {
	VGPU_ERROR_CLASS_NONE = 0,
	VGPU_ERROR_CLASS_AUDIT = 1,	/* refused by the command audit */
	VGPU_ERROR_CLASS_HANG = 2,	/* killed by the watchdog */
	VGPU_ERROR_CLASS_FAULT = 3,	/* GGTT entry not present at run time */
};

/*
 * Reason field of a VGPU_ERROR_CLASS_HANG error (interface 1.1; 1.0 hosts
 * report 0): whether this engine's own work overran the watchdog, or the
 * engine was stopped because another engine of the vGPU overran (its work
 * is innocent and can be submitted again after the reset).
 */
enum vgpu_hang_reason {
	VGPU_HANG_UNKNOWN = 0,
	VGPU_HANG_OVERRAN = 1,
	VGPU_HANG_COLLATERAL = 2,
};

/* Per-head block. */
#define VGPU_PV_HEAD_STATUS(h)		VGPU_PV(0x200 + (h) * 0x20)
#define VGPU_PV_HEAD_CURSOR_HOT(h)	VGPU_PV(0x204 + (h) * 0x20)
#define VGPU_PV_HEAD_DOTCLOCK_KHZ(h)	VGPU_PV(0x208 + (h) * 0x20)
#define VGPU_PV_HEAD_EDID_SIZE(h)	VGPU_PV(0x20c + (h) * 0x20)
/*
 * Why the last plane or pipe programming of a head was refused: plane in
 * 31:16 (enum vgpu_display_plane), reason in 15:0 (enum vgpu_display_error).
 * Kept until the next accepted programming of that plane; the count only
 * grows.
 */
#define VGPU_PV_HEAD_DISPLAY_ERROR(h)	VGPU_PV(0x210 + (h) * 0x20)
#define VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(h) VGPU_PV(0x214 + (h) * 0x20)
/*
 * PIPE_FRMCOUNT of the frame whose CRC PIPE_CRC_RES holds. Both change
 * together at a CRC latch: read FRAME, RES, FRAME and retry if the two
 * frame reads differ.
 */
#define VGPU_PV_HEAD_CRC_FRAME(h)	VGPU_PV(0x218 + (h) * 0x20)
#define VGPU_DISPLAY_ERROR_PLANE_SHIFT	16
#define VGPU_DISPLAY_ERROR_REASON_MASK	0x0000ffff
#define VGPU_HEAD_STATUS_CONNECTED	0x00000001
/* Cursor hotspot: y in 21:16, x in 5:0 (pixels inside the 64x64 image). */
#define VGPU_CURSOR_HOT_Y_SHIFT		16
#define VGPU_CURSOR_HOT_Y_MASK		0x003f0000
#define VGPU_CURSOR_HOT_X_MASK		0x0000003f

enum vgpu_display_plane {
	VGPU_DISPLAY_PIPE = 0,		/* PIPECONF / timings */
	VGPU_DISPLAY_PRIMARY = 1,
	VGPU_DISPLAY_CURSOR = 2,
	VGPU_DISPLAY_CRC = 3,		/* PIPE_CRC_CTL */
};

enum vgpu_display_error {
	VGPU_DISPLAY_OK = 0,
	VGPU_DISPLAY_ERR_FORMAT = 1,	/* format, order, tiling, rotation */
	VGPU_DISPLAY_ERR_SIZE = 2,	/* zero, over the max mode or the pipe */
	VGPU_DISPLAY_ERR_STRIDE = 3,	/* zero or shorter than a line */
	VGPU_DISPLAY_ERR_RANGE = 4,	/* bytes outside the vGPU's slice */
	VGPU_DISPLAY_ERR_UNMAPPED = 5,	/* a page has no GGTT entry */
	VGPU_DISPLAY_ERR_ALIGN = 6,	/* first displayed byte not 4 KiB aligned */
	VGPU_DISPLAY_ERR_PIPE_OFF = 7,	/* pipe off or in reset */
	VGPU_DISPLAY_ERR_MODE = 8,	/* timings invalid or over the max mode */
	VGPU_DISPLAY_ERR_HOST = 9,	/* host could not pin the pages */
	VGPU_DISPLAY_ERR_COUNT
};

/* EDID of each head, read only, 512 bytes (base block + 3 extensions). */
#define VGPU_PV_EDID(h)			VGPU_PV(0x800 + (h) * 0x200)
#define VGPU_PV_EDID_MAX		0x200

/* ------------------------------------------------------------------------
 * VFIO regions a vGPU with display adds after the PCI ones (host side)
 *
 * Per head h, three device-specific regions, in this order from index
 * VGPU_VFIO_REGION_FIRST (= VFIO_PCI_NUM_REGIONS):
 *   EDID(h)     VFIO_REGION_TYPE_GFX / VFIO_REGION_SUBTYPE_GFX_EDID,
 *		 struct vfio_region_gfx_edid at 0, the blob at
 *		 VGPU_EDID_BLOB_OFFSET; read/write.
 *   PRIMARY(h)  vendor type (VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
 *		 VGPU_PCI_VENDOR_ID), subtype VGPU_REGION_SUBTYPE_PRIMARY(h):
 *		 the pages of the head's displayed primary plane from offset
 *		 0 (zero pages when nothing is shown); read and mmap.
 *   CURSOR(h)   same, subtype VGPU_REGION_SUBTYPE_CURSOR(h), the cursor.
 */
#define VGPU_VFIO_REGION_FIRST		9	/* VFIO_PCI_NUM_REGIONS */
#define VGPU_VFIO_REGIONS_PER_HEAD	3
#define VGPU_VFIO_REGION_EDID(h)	\
	(VGPU_VFIO_REGION_FIRST + VGPU_VFIO_REGIONS_PER_HEAD * (h))
#define VGPU_VFIO_REGION_PRIMARY(h)	(VGPU_VFIO_REGION_EDID(h) + 1)
#define VGPU_VFIO_REGION_CURSOR(h)	(VGPU_VFIO_REGION_EDID(h) + 2)
#define VGPU_REGION_SUBTYPE_HEAD_SHIFT	8
#define VGPU_REGION_SUBTYPE_PRIMARY(h)	\
	(((h) << VGPU_REGION_SUBTYPE_HEAD_SHIFT) | 1)
#define VGPU_REGION_SUBTYPE_CURSOR(h)	\
	(((h) << VGPU_REGION_SUBTYPE_HEAD_SHIFT) | 2)
#define VGPU_EDID_BLOB_OFFSET		0x100

/* ------------------------------------------------------------------------
 * Commands (Gen9 encodings)
 *
 * Header dword: client in bits 31:29. MI commands (client 0) carry the
 * opcode in 28:23; blitter commands (client 2) in 28:22; 3D commands
 * (client 3) a type in 28:27, opcode in 26:24, sub-opcode in 23:16.
 * Multi-dword commands carry "total dwords - 2" in bits 7:0.
 * Graphics addresses are 64 bit: low dword, then high dword.
 */
#define VGPU_CMD_CLIENT_SHIFT		29
#define VGPU_CMD_CLIENT_MASK		0xe0000000
#define VGPU_CMD_CLIENT_MI		0x0
#define VGPU_CMD_CLIENT_BLT		0x2
#define VGPU_CMD_CLIENT_GFX		0x3
#define VGPU_CMD_MI_OPCODE_SHIFT	23
#define VGPU_CMD_MI_OPCODE_MASK		0x1f800000
#define VGPU_CMD_BLT_OPCODE_SHIFT	22
#define VGPU_CMD_BLT_OPCODE_MASK	0x1fc00000
#define VGPU_CMD_GFX_OPCODE_MASK	0x1fff0000	/* type, opcode, sub */
#define VGPU_CMD_LEN_MASK		0x000000ff
#define VGPU_CMD_LEN_BIAS		2
/* Total command length in dwords from a header with a length field. */
#define VGPU_CMD_LEN(hdr)		\
	(((hdr) & VGPU_CMD_LEN_MASK) + VGPU_CMD_LEN_BIAS)

#define VGPU_MI_INSTR(op, flags)	\
	(((__u32)(op) << VGPU_CMD_MI_OPCODE_SHIFT) | (flags))
#define VGPU_BLT_INSTR(op, flags)	\
	(((__u32)VGPU_CMD_CLIENT_BLT << VGPU_CMD_CLIENT_SHIFT) | \
	 ((__u32)(op) << VGPU_CMD_BLT_OPCODE_SHIFT) | (flags))

/* MI opcodes. */
#define VGPU_MI_OP_NOOP			0x00
#define VGPU_MI_OP_USER_INTERRUPT	0x02
#define VGPU_MI_OP_ARB_CHECK		0x05
#define VGPU_MI_OP_BATCH_BUFFER_END	0x0a
#define VGPU_MI_OP_STORE_DATA_IMM	0x20
#define VGPU_MI_OP_LOAD_REGISTER_IMM	0x22
#define VGPU_MI_OP_STORE_REGISTER_MEM	0x24
#define VGPU_MI_OP_FLUSH_DW		0x26
#define VGPU_MI_OP_BATCH_BUFFER_START	0x31

/* MI_NOOP: 1 dword; bits 22:0 are ignored. Both engines. */
#define VGPU_MI_NOOP			VGPU_MI_INSTR(VGPU_MI_OP_NOOP, 0)
/* MI_USER_INTERRUPT: 1 dword; raises the engine's user interrupt. */
#define VGPU_MI_USER_INTERRUPT		VGPU_MI_INSTR(VGPU_MI_OP_USER_INTERRUPT, 0)
/* MI_ARB_CHECK: 1 dword; a preemption point. Both engines. */
#define VGPU_MI_ARB_CHECK		VGPU_MI_INSTR(VGPU_MI_OP_ARB_CHECK, 0)
/* MI_BATCH_BUFFER_END: 1 dword; ends the current batch level. */
#define VGPU_MI_BATCH_BUFFER_END	\
	VGPU_MI_INSTR(VGPU_MI_OP_BATCH_BUFFER_END, 0)

/*
 * MI_STORE_DATA_IMM: 4 dwords (one data dword) or 5 dwords (two data dwords
 * or one qword). DW1 address low (bits 1:0 zero; bits 2:0 zero when
 * storing 8 bytes), DW2 address high, DW3.. data. Both engines.
 */
#define VGPU_MI_STORE_DATA_IMM		VGPU_MI_INSTR(VGPU_MI_OP_STORE_DATA_IMM, 0)
#define VGPU_MI_SDI_USE_GGTT		0x00400000	/* must be set */
#define VGPU_MI_SDI_STORE_QWORD		0x00200000	/* needs 5 dwords */
#define VGPU_MI_SDI_LEN_DWORD		2	/* length field, 4 dwords */
#define VGPU_MI_SDI_LEN_QWORD		3	/* length field, 5 dwords */
#define VGPU_MI_STORE_DWORD_GGTT	\
	(VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT | VGPU_MI_SDI_LEN_DWORD)
#define VGPU_MI_STORE_QWORD_GGTT	\
	(VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT | \
	 VGPU_MI_SDI_STORE_QWORD | VGPU_MI_SDI_LEN_QWORD)

/*
 * MI_LOAD_REGISTER_IMM: 1 + 2n dwords, n register/value pairs (1..126).
 * Register dwords hold the offset in bits 22:2. Both engines; registers
 * must be on the engine's whitelist.
 */
#define VGPU_MI_LOAD_REGISTER_IMM(n)	\
	VGPU_MI_INSTR(VGPU_MI_OP_LOAD_REGISTER_IMM, 2 * (n) - 1)
#define VGPU_MI_LRI_FORCE_POSTED	0x00001000	/* allowed, no effect */
#define VGPU_MI_LRI_MAX_REGS		126
#define VGPU_MI_REG_OFFSET_MASK		0x007ffffc

/*
 * MI_STORE_REGISTER_MEM: 4 dwords: DW1 register, DW2/DW3 address (dword
 * aligned). Writes 4 bytes. Both engines; register must be whitelisted.
 */
#define VGPU_MI_STORE_REGISTER_MEM	\
	VGPU_MI_INSTR(VGPU_MI_OP_STORE_REGISTER_MEM, 2)
#define VGPU_MI_SRM_USE_GGTT		0x00400000	/* must be set */
#define VGPU_MI_STORE_REGISTER_MEM_GGTT	\
	(VGPU_MI_STORE_REGISTER_MEM | VGPU_MI_SRM_USE_GGTT)

/*
 * MI_FLUSH_DW: 4 or 5 dwords: DW1 address low (bit 2 selects the GGTT and
 * must be set when a post-sync write is requested; bits 31:3 address),
 * DW2 address high, DW3 (and DW4) immediate data. Copy engine only.
 */
#define VGPU_MI_FLUSH_DW		VGPU_MI_INSTR(VGPU_MI_OP_FLUSH_DW, 2)
#define VGPU_MI_FLUSH_DW_LEN_DWORD	2
#define VGPU_MI_FLUSH_DW_LEN_QWORD	3
#define VGPU_MI_FLUSH_DW_STORE_INDEX	0x00200000	/* unsupported */
#define VGPU_MI_FLUSH_DW_INVALIDATE_TLB	0x00040000
#define VGPU_MI_FLUSH_DW_OP_SHIFT	14
#define VGPU_MI_FLUSH_DW_OP_MASK	0x0000c000
#define VGPU_MI_FLUSH_DW_OP_NONE	0
#define VGPU_MI_FLUSH_DW_OP_STORE_DATA	1	/* 4 or 8 bytes by length */
#define VGPU_MI_FLUSH_DW_OP_TIMESTAMP	3	/* 8 bytes */
#define VGPU_MI_FLUSH_DW_NOTIFY		0x00000100	/* allowed, no effect */
#define VGPU_MI_FLUSH_DW_ADDR_GGTT	0x00000004
#define VGPU_MI_FLUSH_DW_ADDR_MASK	0xfffffff8

/*
 * MI_BATCH_BUFFER_START: 3 dwords: DW1 address low (bits 31:2), DW2
 * address high. From the ring it starts a first-level batch; inside a
 * batch it chains (jumps) to another batch at the same level, or with
 * SECOND_LEVEL (render engine, from a first-level batch only) calls a
 * second-level batch whose MI_BATCH_BUFFER_END returns to the caller.
 */
#define VGPU_MI_BATCH_BUFFER_START	\
	VGPU_MI_INSTR(VGPU_MI_OP_BATCH_BUFFER_START, 1)
#define VGPU_MI_BB_START_SECOND_LEVEL	0x00400000
#define VGPU_MI_BB_START_PPGTT		0x00000100	/* unsupported */
#define VGPU_MI_BB_START_ADDR_MASK	0xfffffffc

/*
 * PIPE_CONTROL: 6 dwords, render engine only. DW1 flags, DW2/DW3
 * post-sync address (dword aligned, 8 bytes written), DW4/DW5 immediate.
 */
#define VGPU_GFX_PIPE_CONTROL		0x7a000004
#define VGPU_PIPE_CONTROL_LEN		6
#define VGPU_PC_GLOBAL_GTT		0x01000000	/* must be set if post-sync */
#define VGPU_PC_MMIO_WRITE		0x00800000	/* unsupported */
#define VGPU_PC_STORE_DATA_INDEX	0x00200000	/* unsupported */
#define VGPU_PC_CS_STALL		0x00100000
#define VGPU_PC_TLB_INVALIDATE		0x00040000
#define VGPU_PC_POST_SYNC_SHIFT		14
#define VGPU_PC_POST_SYNC_MASK		0x0000c000
#define VGPU_PC_POST_SYNC_NONE		0
#define VGPU_PC_POST_SYNC_WRITE_IMM	1
#define VGPU_PC_POST_SYNC_DEPTH_COUNT	2	/* writes 0 on this device */
#define VGPU_PC_POST_SYNC_TIMESTAMP	3
#define VGPU_PC_NOTIFY			0x00000100	/* allowed, no effect */
#define VGPU_PC_WRITE_SIZE		8
#define VGPU_PC_ADDR_MASK		0xfffffffc

/* Blitter opcodes. */
#define VGPU_BLT_OP_XY_FAST_COPY	0x42
#define VGPU_BLT_OP_XY_COLOR		0x50
#define VGPU_BLT_OP_XY_SRC_COPY		0x53

/*
 * XY_COLOR_BLT: 7 dwords, copy engine only. DW1 depth/ROP/pitch, DW2
 * (y1, x1), DW3 (y2, x2) exclusive, DW4/DW5 destination address, DW6
 * fill colour.
 */
#define VGPU_XY_COLOR_BLT		VGPU_BLT_INSTR(VGPU_BLT_OP_XY_COLOR, 5)
#define VGPU_XY_COLOR_BLT_LEN		7
/*
 * XY_SRC_COPY_BLT: 10 dwords, copy engine only. DW1-DW5 as XY_COLOR_BLT,
 * DW6 source (y1, x1), DW7 source pitch, DW8/DW9 source address.
 */
#define VGPU_XY_SRC_COPY_BLT		VGPU_BLT_INSTR(VGPU_BLT_OP_XY_SRC_COPY, 8)
#define VGPU_XY_SRC_COPY_BLT_LEN	10
/*
 * XY_FAST_COPY_BLT: 10 dwords, copy engine only, same dword layout as
 * XY_SRC_COPY_BLT; DW1 carries the fast-copy depth field and no ROP.
 */
#define VGPU_XY_FAST_COPY_BLT		VGPU_BLT_INSTR(VGPU_BLT_OP_XY_FAST_COPY, 8)
#define VGPU_XY_FAST_COPY_BLT_LEN	10

/* DW0 of XY_COLOR_BLT / XY_SRC_COPY_BLT. */
#define VGPU_BLT_WRITE_ALPHA		0x00200000
#define VGPU_BLT_WRITE_RGB		0x00100000
#define VGPU_BLT_SRC_TILED		0x00008000	/* unsupported */
#define VGPU_BLT_DST_TILED		0x00000800	/* unsupported */
/* DW1 of XY_COLOR_BLT / XY_SRC_COPY_BLT. */
#define VGPU_BLT_CLIP_ENABLE		0x40000000	/* unsupported */
#define VGPU_BLT_DEPTH_SHIFT		24
#define VGPU_BLT_DEPTH_MASK		0x03000000
#define VGPU_BLT_DEPTH_8		0	/* 1 byte per pixel */
#define VGPU_BLT_DEPTH_565		1	/* 2 */
#define VGPU_BLT_DEPTH_1555		2	/* 2 */
#define VGPU_BLT_DEPTH_32		3	/* 4 */
#define VGPU_BLT_ROP_SHIFT		16
#define VGPU_BLT_ROP_MASK		0x00ff0000
#define VGPU_BLT_ROP_PATCOPY		0xf0	/* the XY_COLOR_BLT ROP */
#define VGPU_BLT_ROP_SRCCOPY		0xcc	/* the XY_SRC_COPY_BLT ROP */
/* Pitch in bytes, bits 15:0, must be positive (bit 15 clear, non-zero). */
#define VGPU_BLT_PITCH_MASK		0x0000ffff
#define VGPU_BLT_PITCH_SIGN		0x00008000
/* Coordinates: y in 31:16, x in 15:0; must be non-negative (sign clear). */
#define VGPU_BLT_Y_SHIFT		16
#define VGPU_BLT_COORD_MASK		0x0000ffff
#define VGPU_BLT_COORD_SIGN		0x00008000
#define VGPU_BLT_XY(x, y)		\
	(((__u32)(y) << VGPU_BLT_Y_SHIFT) | ((__u32)(x) & VGPU_BLT_COORD_MASK))

/* DW0 and DW1 of XY_FAST_COPY_BLT. */
#define VGPU_FAST_COPY_SRC_TILING_MASK	0x00300000	/* must be 0 */
#define VGPU_FAST_COPY_DST_TILING_MASK	0x00006000	/* must be 0 */
#define VGPU_FAST_COPY_SRC_TILE_YF	0x80000000	/* must be 0 */
#define VGPU_FAST_COPY_DST_TILE_YF	0x40000000	/* must be 0 */
#define VGPU_FAST_COPY_DEPTH_SHIFT	24
#define VGPU_FAST_COPY_DEPTH_MASK	0x07000000
#define VGPU_FAST_COPY_DEPTH_8		0	/* 1 byte per pixel */
#define VGPU_FAST_COPY_DEPTH_16		1	/* 2 */
#define VGPU_FAST_COPY_DEPTH_32		3	/* 4 */
#define VGPU_FAST_COPY_DEPTH_64		4	/* 8 */
#define VGPU_FAST_COPY_DEPTH_128	5	/* 16 */

/* Longest command of the subset, in dwords (LRI with 126 pairs). */
#define VGPU_CMD_MAX_DWORDS		(1 + 2 * VGPU_MI_LRI_MAX_REGS)

/* ------------------------------------------------------------------------
 * Audit reason codes: why a submission was refused. The guest reads the
 * code in VGPU_PV_ENGINE_ERROR (class VGPU_ERROR_CLASS_AUDIT); the offending
 * command's ring offset or graphics address is in ERROR_ADDR.
 */
enum vgpu_audit_reason {
	VGPU_AUDIT_OK = 0,
	VGPU_AUDIT_UNKNOWN_OPCODE = 1,	/* not in the command subset */
	VGPU_AUDIT_WRONG_ENGINE = 2,	/* valid on the other engine only */
	VGPU_AUDIT_BAD_LENGTH = 3,	/* length field not allowed */
	VGPU_AUDIT_TRUNCATED = 4,	/* command runs past tail or batch */
	VGPU_AUDIT_RESERVED_BITS = 5,	/* must-be-zero bits set */
	VGPU_AUDIT_UNSUPPORTED = 6,	/* Gen9 feature outside the subset */
	VGPU_AUDIT_REG_DENIED = 7,	/* LRI/SRM register not whitelisted */
	VGPU_AUDIT_ADDR_RANGE = 8,	/* address or extent outside slice */
	VGPU_AUDIT_ADDR_ALIGN = 9,	/* misaligned address */
	VGPU_AUDIT_ADDR_SPACE = 10,	/* PPGTT selected; only GGTT exists */
	VGPU_AUDIT_BLT_RECT = 11,	/* x1 >= x2, y1 >= y2 or negative */
	VGPU_AUDIT_BLT_PITCH = 12,	/* zero or negative pitch */
	VGPU_AUDIT_BLT_DEPTH = 13,	/* colour depth value not defined */
	VGPU_AUDIT_BATCH_CONTEXT = 14,	/* batch end in ring, bad level */
	VGPU_AUDIT_BATCH_DEPTH = 15,	/* nesting deeper than allowed */
	VGPU_AUDIT_BATCH_LOOP = 16,	/* jump back into a running batch */
	VGPU_AUDIT_BATCH_COUNT = 17,	/* too many batch buffers */
	VGPU_AUDIT_BATCH_SIZE = 18,	/* batch bytes over the limit */
	VGPU_AUDIT_BATCH_FETCH = 19,	/* batch memory not readable */
	VGPU_AUDIT_RING_CONFIG = 20,	/* ring start/size/enable invalid */
	VGPU_AUDIT_RING_OFFSET = 21,	/* head or tail outside the ring */
	VGPU_AUDIT_HOST_ERROR = 22,	/* host out of resources */
	VGPU_AUDIT_REASON_COUNT
};

#endif /* _UAPI_LINUX_VGPU_IF_H */
