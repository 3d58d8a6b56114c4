// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_iommufd: a vGPU through the iommufd path, as QEMU 10 opens it with
 * -object iommufd: the device's VFIO cdev bound to /dev/iommu, attached
 * to an IO address space, guest memory mapped in that IOAS. GGTT entries
 * pin through the kernel's iommufd access, an IOAS unmap under live
 * entries reaches vgpu.ko's dma_unmap, and the two ways of opening a
 * device exclude each other. Needs a kernel with CONFIG_IOMMUFD and
 * CONFIG_VFIO_DEVICE_CDEV (the vgpu-iommufd suite's, tools/vm/host-
 * kernel.sh); skips elsewhere. The rest of the vGPU tests run over this
 * path too in that suite (VFIO_HARNESS_BACKEND=iommufd).
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "vgpu_guest.h"
#include "vfio_iommufd.h"

#define IOMMUFD_DEV		"/dev/iommu"
/* Outside the guest memory vg_open() maps (VG_MEM_IOVA + VG_MEM_SIZE). */
#define EXTRA_IOVA		0x80000000ULL
#define EXTRA_SIZE		(256ULL << 10)

static void require_iommufd(void)
{
	struct stat st;

	igt_require_f(!stat(IOMMUFD_DEV, &st) && S_ISCHR(st.st_mode),
		      "no %s: the kernel lacks CONFIG_IOMMUFD\n", IOMMUFD_DEV);
}

/* vg_start() over iommufd, whatever VFIO_HARNESS_BACKEND says. */
static void start_iommufd(struct vg *g)
{
	int ret;

	require_iommufd();
	ret = vg_create(g, "small");
	igt_require_f(ret != -ENOENT, "no vGPU type small\n");
	igt_assert_eq(ret, 0);
	igt_assert_eq(setenv("VFIO_HARNESS_BACKEND", "iommufd", 1), 0);
	vg_open(g);
	igt_assert_eq(g->dev.backend, VFIO_BACKEND_IOMMUFD);
}

/* /dev/vfio/devices/<the vGPU's vfio-dev entry>, opened raw. */
static int open_cdev(const char *uuid)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct dirent *de;
	int fd = -ENODEV;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/mdev/devices/%s/vfio-dev", uuid);
	d = opendir(dir);
	igt_assert_f(d, "%s: %s\n", dir, strerror(errno));
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s",
			 de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		igt_assert_f(fd >= 0, "%s: %s\n", path, strerror(errno));
		break;
	}
	closedir(d);
	return fd;
}

static void cdev_and_ioas(void *data)
{
	struct vg g;
	u64 buf;

	(void)data;
	start_iommufd(&g);
	igt_assert(g.dev.iommufd >= 0);
	igt_assert_eq(g.dev.group_fd, -1);
	igt_assert_eq(g.dev.container_fd, -1);
	igt_assert(g.dev.info.flags & VFIO_DEVICE_FLAGS_PCI);
	/* Every mapped page of the slice is pinned through the access. */
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), g.mapped / PAGE);
	vg_ring_init(&g, COPY);
	buf = vg_alloc(&g, 64 << 10);
	vg_fill(&g, COPY, buf, 4096, 1024, 16, 0x5eed1e55);
	vg_run(&g, COPY);
	vg_check_fill(&g, buf, 1024 * 16, 0x5eed1e55);
	vg_destroy(&g);
}

/* A cdev that is not bound to an iommufd gives no device access. */
static void unbound_cdev_refused(void *data)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct vg g;
	int fd;

	(void)data;
	require_iommufd();
	igt_assert_eq(vg_create(&g, "small"), 0);
	fd = open_cdev(g.uuid);
	igt_assert_lte(0, fd);
	igt_assert_eq(ioctl(fd, VFIO_DEVICE_GET_INFO, &info), -1);
	igt_assert_eq(errno, EINVAL);
	igt_assert_eq(ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach), -1);
	igt_assert_eq(errno, EINVAL);
	close(fd);
	/* Nothing was opened: the vGPU works as usual afterwards. */
	igt_assert_eq(setenv("VFIO_HARNESS_BACKEND", "iommufd", 1), 0);
	vg_open(&g);
	vg_ring_init(&g, RENDER);
	vg_store(&g, RENDER, g.slice_base + 0x100, 0xacce55);
	vg_run(&g, RENDER);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&g, g.slice_base + 0x100), 0xacce55);
	vg_destroy(&g);
}

/*
 * Detaching the device from its IOAS with GGTT entries live: iommufd asks
 * the driver to give up every pin (dma_unmap of the whole address space)
 * before the detach returns. Until the device is attached again, no guest
 * page can be pinned, so GGTT entries are refused and counted; attached
 * again, the same entries take.
 */
static void detach_ioas_live_entries(void *data)
{
	struct vfio_device_detach_iommufd_pt detach = {
		.argsz = sizeof(detach),
	};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	unsigned long long refused;
	struct vg g;

	(void)data;
	start_iommufd(&g);
	igt_assert_lt(0, vg_stat(&g, "pinned_pages"));
	igt_assert_eq(vfio_dev_ioctl(&g.dev, VFIO_DEVICE_DETACH_IOMMUFD_PT,
				     &detach), 0);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), 0);
	igt_assert_eq_u64(vg_pte_read(&g, g.slice_base), 0);

	refused = vg_stat(&g, "gtt_refused");
	vg_pte(&g, g.slice_base, VG_MEM_IOVA | VGPU_GGTT_PTE_PRESENT);
	igt_assert_eq_u64(vg_pte_read(&g, g.slice_base), 0);
	igt_assert_eq_u64(vg_stat(&g, "gtt_refused"), refused + 1);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), 0);

	attach.pt_id = g.dev.ioas_id;
	igt_assert_eq(vfio_dev_ioctl(&g.dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				     &attach), 0);
	vg_map(&g, g.slice_base, VG_MEM_IOVA, g.mapped);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), g.mapped / PAGE);
	vg_ring_init(&g, RENDER);
	vg_store(&g, RENDER, g.slice_base + 0x300, 0xa77ac4);
	vg_run(&g, RENDER);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&g, g.slice_base + 0x300), 0xa77ac4);
	vg_destroy(&g);
}

/* The group path and the cdev path cannot have one device at once. */
static void group_and_cdev_exclusive(void *data)
{
	struct vfio_dev other;
	char dir[PATH_MAX];
	struct vg g;
	int ret;

	(void)data;
	start_iommufd(&g);
	igt_assert_eq(mdev_device_path(g.uuid, dir, sizeof(dir)), 0);
	ret = vfio_dev_open_backend(&other, dir, VFIO_BACKEND_TYPE1);
	igt_assert_f(ret == -EBUSY, "group open beside the cdev: %d\n", ret);
	vg_close(&g);

	/* The other way round. */
	igt_assert_eq(vfio_dev_open_backend(&other, dir, VFIO_BACKEND_TYPE1),
		      0);
	ret = vfio_dev_open_backend(&g.dev, dir, VFIO_BACKEND_IOMMUFD);
	igt_assert_f(ret == -EBUSY, "cdev bind beside the group: %d\n", ret);
	igt_assert_eq(vfio_dev_close(&other), 0);
	igt_assert_eq(mdev_remove(g.uuid), 0);
}

/*
 * The VMM unmaps guest memory that live GGTT entries point into: the
 * IOAS unmap reaches vgpu.ko's dma_unmap, which clears those entries and
 * unpins before the unmap returns. A batch still aimed at that memory
 * writes nowhere that the guest owns; the vGPU keeps working once the
 * memory is mapped and the entries written again.
 */
static void ioas_unmap_live_entries(void *data)
{
	struct vfio_guest_mem extra;
	unsigned long long base;
	struct vg g;
	u64 gfx;
	__s64 n;
	u32 i;

	(void)data;
	start_iommufd(&g);
	base = vg_stat(&g, "pinned_pages");
	igt_assert_eq(vfio_guest_mem_alloc(&g.dev, &extra, EXTRA_IOVA,
					   EXTRA_SIZE), 0);
	gfx = g.slice_base + g.mapped;
	igt_require(gfx + EXTRA_SIZE <= g.slice_base + g.slice_size);
	vg_map(&g, gfx, extra.iova, extra.size);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"),
			  base + extra.size / PAGE);

	n = vfio_dma_unmap(&g.dev, extra.iova, extra.size);
	igt_assert_eq(n, (__s64)extra.size);
	/* Synchronous: the pins are gone when the unmap returns. */
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), base);
	for (i = 0; i < extra.size / PAGE; i += 16)
		igt_assert_eq_u64(vg_pte_read(&g, gfx + i * PAGE), 0);
	/* An entry naming the unmapped memory is refused now. */
	vg_pte(&g, gfx, extra.iova | VGPU_GGTT_PTE_PRESENT);
	igt_assert_eq_u64(vg_pte_read(&g, gfx), 0);

	/* The rest of the slice is untouched and the engines run. */
	vg_ring_init(&g, RENDER);
	vg_store(&g, RENDER, g.slice_base + 0x200, 0x600d);
	vg_run(&g, RENDER);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&g, g.slice_base + 0x200), 0x600d);

	/* Mapped again, the entries take again. */
	igt_assert_eq(vfio_dma_map(&g.dev, extra.vaddr, extra.iova, extra.size,
				   VFIO_DMA_MAP_FLAG_READ |
				   VFIO_DMA_MAP_FLAG_WRITE), 0);
	vg_map(&g, gfx, extra.iova, extra.size);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"),
			  base + extra.size / PAGE);
	vg_store(&g, RENDER, gfx + 0x40, 0xbac4);
	vg_run(&g, RENDER);
	igt_assert_eq_u32(*(u32 *)((char *)extra.vaddr + 0x40), 0xbac4);
	/* Freeing it unmaps it under live entries once more. */
	igt_assert_eq(vfio_guest_mem_free(&g.dev, &extra), 0);
	igt_assert_eq_u64(vg_stat(&g, "pinned_pages"), base);
	vg_destroy(&g);
}

/* Closing the iommufd with entries live leaves nothing pinned. */
static void close_unpins(void *data)
{
	struct vg g;

	(void)data;
	start_iommufd(&g);
	igt_assert_lt(0, vg_stat(&g, "pinned_pages"));
	vfio_dev_close(&g.dev);
	igt_assert_f(vg_wait_stat(&g, "pinned_pages", 0, VG_PIN_SETTLE_S),
		     "pinned_pages %llu after close\n",
		     vg_stat(&g, "pinned_pages"));
	vg_destroy(&g);
}

static const struct igt_subtest subtests[] = {
	{ "cdev-and-ioas", cdev_and_ioas,
	  "opened through its cdev and an IOAS, the vGPU pins and runs" },
	{ "unbound-cdev-refused", unbound_cdev_refused,
	  "an unbound cdev gives no access and leaves the vGPU usable" },
	{ "detach-ioas-live-entries", detach_ioas_live_entries,
	  "a detach unpins everything; until re-attached entries are refused" },
	{ "group-and-cdev-exclusive", group_and_cdev_exclusive,
	  "the group and the cdev path exclude each other" },
	{ "ioas-unmap-live-entries", ioas_unmap_live_entries,
	  "an IOAS unmap under live entries unpins them synchronously" },
	{ "close-unpins", close_unpins,
	  "closing the device and its iommufd unpins everything" },
};

IGT_TEST_MAIN("A vGPU through iommufd and the VFIO device cdev", subtests);
