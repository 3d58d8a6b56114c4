// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_bringup: a vGPU as a VMM first meets it. The types and their
 * instance accounting, the VFIO device and IRQ descriptions, emulated
 * config space (IDs, read-only bits, widths, BAR sizing, MSI capability),
 * the PV info page, unknown registers, and GGTT programming with the
 * pinning that backs it. Runs in the test VM (tools/vm/suites/vgpu.sh).
 */
#include <stdint.h>
#include <sys/eventfd.h>

#include "vgpu_guest.h"

static void types_and_instances(void *data)
{
	char parent[64], type[64], buf[512];
	int before, after;
	struct vg g;

	(void)data;
	igt_require_f(!vg_find_type("small", parent, sizeof(parent), type,
				    sizeof(type)), "no vGPU parent\n");
	igt_assert_lt(0, mdev_type_attr_read(parent, type, "description",
					     buf, sizeof(buf)));
	igt_assert(strstr(buf, "graphics memory: 64 MiB"));
	igt_assert_lt(0, mdev_type_attr_read(parent, type, "device_api", buf,
					     sizeof(buf)));
	igt_assert_eq_str(buf, "vfio-pci");
	before = mdev_type_available_instances(parent, type);
	igt_assert_lte(32, before);
	igt_assert_eq(vg_create(&g, "small"), 0);
	after = mdev_type_available_instances(parent, type);
	igt_assert_eq(after, before - 1);
	/* A large vGPU takes 1 GiB: 16 small ones' worth. */
	igt_assert_eq(mdev_remove(g.uuid), 0);
	igt_assert_eq(mdev_type_available_instances(parent, type), before);
}

static void device_and_irq_info(void *data)
{
	struct vfio_irq_info irq;
	struct vg g;

	(void)data;
	vg_start(&g, "small");
	igt_assert(g.dev.info.flags & VFIO_DEVICE_FLAGS_PCI);
	igt_assert(g.dev.info.flags & VFIO_DEVICE_FLAGS_RESET);
	/* The PCI regions, then EDID, primary and cursor of its one head. */
	igt_assert_eq(g.dev.info.num_regions,
		      VFIO_PCI_NUM_REGIONS + VGPU_VFIO_REGIONS_PER_HEAD);
	igt_assert_eq_u64(vfio_dev_region(&g.dev, BAR0)->size, VGPU_BAR0_SIZE);
	igt_assert_eq_u64(vfio_dev_region(&g.dev,
					  VFIO_PCI_CONFIG_REGION_INDEX)->size,
			  VGPU_PCI_CONFIG_SIZE);
	igt_assert_eq_u64(vfio_dev_region(&g.dev,
					  VFIO_PCI_BAR2_REGION_INDEX)->size, 0);
	igt_assert_eq(vfio_irq_info(&g.dev, VFIO_PCI_MSI_IRQ_INDEX, &irq), 0);
	igt_assert_eq(irq.count, 1);
	igt_assert_eq(vfio_irq_info(&g.dev, VFIO_PCI_INTX_IRQ_INDEX, &irq), 0);
	igt_assert_eq(irq.count, 1);
	igt_assert(irq.flags & VFIO_IRQ_INFO_MASKABLE);
	igt_assert_eq(vfio_irq_info(&g.dev, VFIO_PCI_MSIX_IRQ_INDEX, &irq), 0);
	igt_assert_eq(irq.count, 0);
	vg_destroy(&g);
}

static void config_space(void *data)
{
	__u32 v32;
	__u16 v16;
	__u8 v8;
	struct vg g;

	(void)data;
	vg_start(&g, "small");
	igt_assert_eq(vfio_config_read16(&g.dev, 0, &v16), 0);
	igt_assert_eq(v16, VGPU_PCI_VENDOR_ID);
	igt_assert_eq(vfio_config_read16(&g.dev, 2, &v16), 0);
	igt_assert_eq(v16, VGPU_PCI_DEVICE_ID);
	igt_assert_eq(vfio_config_read32(&g.dev, 0, &v32), 0);
	igt_assert_eq_u32(v32, VGPU_PCI_DEVICE_ID << 16 | VGPU_PCI_VENDOR_ID);
	igt_assert_eq(vfio_config_read8(&g.dev, 0x0b, &v8), 0);
	igt_assert_eq(v8, VGPU_PCI_CLASS >> 16);
	igt_assert_eq(vfio_config_read8(&g.dev, 0x08, &v8), 0);
	igt_assert_eq(v8, VGPU_PCI_REVISION);
	igt_assert_eq(vfio_config_read16(&g.dev, 0x2c, &v16), 0);
	igt_assert_eq(v16, VGPU_PCI_SUBSYSTEM_VENDOR_ID);
	igt_assert_eq(vfio_config_read8(&g.dev, 0x3d, &v8), 0);
	igt_assert_eq(v8, VGPU_PCI_INTERRUPT_PIN);
	/* Read-only: the IDs ignore writes. */
	igt_assert_eq(vfio_config_write16(&g.dev, 0, 0xdead), 0);
	igt_assert_eq(vfio_config_read16(&g.dev, 0, &v16), 0);
	igt_assert_eq(v16, VGPU_PCI_VENDOR_ID);
	/* Command: memory, bus master, INTx disable writable; I/O not. */
	igt_assert_eq(vfio_config_write16(&g.dev, 4, 0xffff), 0);
	igt_assert_eq(vfio_config_read16(&g.dev, 4, &v16), 0);
	igt_assert_eq(v16, 0x0406);
	/* Status has the capability list bit. */
	igt_assert_eq(vfio_config_read16(&g.dev, 6, &v16), 0);
	igt_assert(v16 & 0x10);
	igt_assert_eq(vfio_config_find_cap(&g.dev, 0x05),
		      VGPU_PCI_MSI_CAP_OFFSET);
	/* MSI: 64-bit, one vector; address and data writable. */
	igt_assert_eq(vfio_config_read16(&g.dev, 0x92, &v16), 0);
	igt_assert(v16 & 0x80);
	igt_assert_eq(v16 & 0x0e, 0);
	igt_assert_eq(vfio_config_write32(&g.dev, 0x94, 0xfee01234), 0);
	igt_assert_eq(vfio_config_read32(&g.dev, 0x94, &v32), 0);
	igt_assert_eq_u32(v32, 0xfee01234);
	igt_assert_eq(vfio_config_write8(&g.dev, 0x9c, 0x41), 0);
	igt_assert_eq(vfio_config_read16(&g.dev, 0x9c, &v16), 0);
	igt_assert_eq(v16, 0x41);
	/* Past the end is refused. */
	igt_assert_lt(vfio_config_read32(&g.dev, 0x100, &v32), 0);
	vg_destroy(&g);
}

static void bar_sizing(void *data)
{
	__u32 lo, hi;
	struct vg g;

	(void)data;
	vg_start(&g, "small");
	igt_assert_eq(vfio_config_read32(&g.dev, 0x10, &lo), 0);
	igt_assert_eq_u32(lo & 0xf, 0x4);	/* 64-bit memory */
	igt_assert_eq(vfio_config_write32(&g.dev, 0x10, ~0U), 0);
	igt_assert_eq(vfio_config_write32(&g.dev, 0x14, ~0U), 0);
	igt_assert_eq(vfio_config_read32(&g.dev, 0x10, &lo), 0);
	igt_assert_eq(vfio_config_read32(&g.dev, 0x14, &hi), 0);
	igt_assert_eq_u64(~((u64)hi << 32 | (lo & ~0xfU)) + 1, VGPU_BAR0_SIZE);
	/* BAR2 (no aperture on this type) and BAR4/5 read zero. */
	igt_assert_eq(vfio_config_write32(&g.dev, 0x18, ~0U), 0);
	igt_assert_eq(vfio_config_read32(&g.dev, 0x18, &lo), 0);
	igt_assert_eq_u32(lo, 0);
	igt_assert_eq(vfio_config_write32(&g.dev, 0x10, 0xfe000000), 0);
	igt_assert_eq(vfio_config_read32(&g.dev, 0x10, &lo), 0);
	igt_assert_eq_u32(lo, 0xfe000004);
	vg_destroy(&g);
}

static void pv_info(void *data)
{
	char buf[128];
	unsigned long long base, size;
	struct vg g;
	int n;

	(void)data;
	vg_start(&g, "medium");
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_MAGIC_HI), HI(VGPU_PV_MAGIC));
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_VERSION) >> 16,
			  VGPU_PV_VERSION_MAJOR);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_GM_RANGE_COUNT), 1);
	igt_assert_eq_u64(g.slice_size, 256ULL << 20);
	igt_assert_eq_u64(g.slice_base % g.slice_size, 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_NUM_HEADS), 2);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_ENGINE_MASK), 3);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_GM_SIZE_LO(1)), 0);
	igt_assert_lt(0, mdev_attr_read(g.uuid, "vgpu/gfx_range", buf,
					sizeof(buf)));
	n = sscanf(buf, "%llx %llx", &base, &size);
	igt_assert_eq(n, 2);
	igt_assert_eq_u64(base, g.slice_base);
	igt_assert_eq_u64(size, g.slice_size);
	/* Read only. */
	vg_wr(&g, VGPU_PV_GM_BASE_LO(0), 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_GM_BASE_LO(0)), LO(g.slice_base));
	vg_wr(&g, VGPU_PV_G2V_NOTIFY, VGPU_G2V_DRIVER_READY);
	vg_destroy(&g);
}

static void unknown_registers(void *data)
{
	unsigned long long before;
	struct vg g;
	__u16 v16;

	(void)data;
	vg_start(&g, "copy");
	before = vg_stat(&g, "unhandled_accesses");
	igt_assert_eq_u32(vg_rd(&g, 0x1234), 0);
	vg_wr(&g, 0x1234, 0xffffffff);
	igt_assert_eq_u32(vg_rd(&g, 0x1234), 0);
	igt_assert_eq_u32(vg_rd(&g, 0x400000), 0);	/* reserved window */
	/* Wrong width on a register. */
	igt_assert_eq(vfio_region_read16(&g.dev, BAR0, VGPU_REG_MASTER_IRQ,
					 &v16), 0);
	/* The copy type has no render engine: its ring is unhandled. */
	vg_wr(&g, VGPU_RING_START(VGPU_RENDER_RING_BASE), 0x1000);
	igt_assert_eq_u32(vg_rd(&g, VGPU_RING_START(VGPU_RENDER_RING_BASE)),
			  0);
	igt_assert_eq(vg_rd(&g, VGPU_PV_ENGINE_MASK), 1U << COPY);
	igt_assert_lte(before + 7, vg_stat(&g, "unhandled_accesses"));
	igt_assert_lte(before + 7, vg_rd(&g, VGPU_PV_UNHANDLED_ACCESSES));
	vg_destroy(&g);
}

static void ggtt_roundtrip(void *data)
{
	unsigned long long pinned, refused;
	u64 gfx, pte;
	struct vg g;

	(void)data;
	vg_start(&g, "small");
	pinned = vg_stat(&g, "pinned_pages");
	igt_assert_eq_u64(pinned, g.mapped / PAGE);
	gfx = g.slice_base + g.mapped;
	/* 8-byte write, read back whole and in halves. */
	pte = VG_MEM_IOVA | VGPU_GGTT_PTE_PRESENT | 0x6;
	vg_pte(&g, gfx, pte);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), pte);
	igt_assert_eq_u32(vg_rd(&g, VGPU_GGTT_OFFSET + (gfx >> 12) * 8),
			  LO(pte));
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), pinned + 1);
	/* Replace through two 4-byte halves: low first. */
	vg_wr(&g, VGPU_GGTT_OFFSET + (gfx >> 12) * 8,
	      LO(VG_MEM_IOVA + PAGE) | VGPU_GGTT_PTE_PRESENT);
	vg_wr(&g, VGPU_GGTT_OFFSET + (gfx >> 12) * 8 + 4, 0);
	igt_assert_eq_u64(vg_pte_read(&g, gfx),
			  (VG_MEM_IOVA + PAGE) | VGPU_GGTT_PTE_PRESENT);
	/* The replaced page goes after a GGTT flush, soon without help. */
	igt_assert_f(vg_wait_stat(&g, "pinned_pages", pinned + 1,
				  VG_PIN_SETTLE_S),
		     "pinned_pages %llu, want %llu\n",
		     vg_stat(&g, "pinned_pages"), pinned + 1);
	/* Clear: unpinned. */
	vg_pte(&g, gfx, 0);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), 0);
	igt_assert_f(vg_wait_stat(&g, "pinned_pages", pinned, VG_PIN_SETTLE_S),
		     "pinned_pages %llu, want %llu\n",
		     vg_stat(&g, "pinned_pages"), pinned);

	refused = vg_stat(&g, "gtt_refused");
	/* Outside the slice: below and above. */
	vg_pte(&g, g.slice_base + g.slice_size, VG_MEM_IOVA | 1);
	igt_assert_eq_u64(vg_pte_read(&g, g.slice_base + g.slice_size), 0);
	if (g.slice_base) {
		vg_pte(&g, g.slice_base - PAGE, VG_MEM_IOVA | 1);
		igt_assert_eq_u64(vg_pte_read(&g, g.slice_base - PAGE), 0);
	}
	/* A guest address that is not mapped for DMA. */
	vg_pte(&g, gfx, (0x7000000000ULL - PAGE) | 1);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), 0);
	/* Must-be-zero bits. */
	vg_pte(&g, gfx, 1ULL << 40 | VG_MEM_IOVA | 1);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), 0);
	igt_assert_lte(refused + 3, vg_stat(&g, "gtt_refused"));
	igt_assert_f(vg_wait_stat(&g, "pinned_pages", pinned, VG_PIN_SETTLE_S),
		     "pinned_pages %llu, want %llu\n",
		     vg_stat(&g, "pinned_pages"), pinned);

	/* Device reset drops every pin. */
	igt_assert_eq(vfio_dev_reset(&g.dev), 0);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), 0);
	igt_assert_eq_u64(vg_pte_read(&g, g.slice_base), 0);
	vg_destroy(&g);
}

static void dma_unmap_live_ptes(void *data)
{
	unsigned long long pins, unpins;
	struct vfio_guest_mem extra;
	struct vg g;
	u64 gfx;

	(void)data;
	vg_start(&g, "small");
	igt_assert_eq(vfio_guest_mem_alloc(&g.dev, &extra, 0x80000000ULL,
					   1 << 20), 0);
	gfx = g.slice_base + g.mapped;
	vg_map(&g, gfx, extra.iova, 1 << 20);
	/* Two entries pointing at one page: two pins of it. */
	vg_pte(&g, gfx + (1 << 20), extra.iova | 1);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"),
			  g.mapped / PAGE + 256 + 1);
	pins = vg_stat(&g, "pins");
	unpins = vg_stat(&g, "unpins");
	/* Unmapping guest memory under live entries: every one goes. */
	igt_assert_eq(vfio_guest_mem_free(&g.dev, &extra), 0);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), g.mapped / PAGE);
	igt_assert_eq_u64(vg_stat(&g, "unpins") - unpins, 257);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), 0);
	igt_assert_eq_u64(vg_pte_read(&g, gfx + (1 << 20)), 0);
	igt_info("dma_unmap: %llu pins taken, %llu dropped by the unmap\n",
		 pins, vg_stat(&g, "unpins") - unpins);
	/* The rest of the slice still works. */
	igt_assert_eq_u64(vg_pte_read(&g, g.slice_base),
			  VG_MEM_IOVA | VGPU_GGTT_PTE_PRESENT);
	vg_destroy(&g);
}

static const struct igt_subtest subtests[] = {
	{ "types-and-instances", types_and_instances,
	  "types describe themselves; create and remove account instances" },
	{ "device-and-irq-info", device_and_irq_info,
	  "GET_INFO, GET_REGION_INFO and GET_IRQ_INFO describe a PCI device" },
	{ "config-space", config_space,
	  "IDs, read-only bits, 1/2/4-byte access and the MSI capability" },
	{ "bar-sizing", bar_sizing,
	  "BAR0 sizes to 16 MiB as a 64-bit BAR; absent BARs read zero" },
	{ "pv-info", pv_info,
	  "the PV info page gives magic, version and the slice" },
	{ "unknown-registers", unknown_registers,
	  "unknown offsets and bad widths read zero and are counted" },
	{ "ggtt-roundtrip", ggtt_roundtrip,
	  "GGTT entries in the slice pin and read back; others are refused" },
	{ "dma-unmap-live-ptes", dma_unmap_live_ptes,
	  "unmapping guest memory under live GGTT entries drops every pin" },
};

IGT_TEST_MAIN("vGPU bring-up: types, VFIO device, config space, PV page, GGTT",
	      subtests);
