// SPDX-License-Identifier: GPL-2.0
/*
 * igt-harness-selftest - unit test of the VFIO harness parts that need no
 * kernel module: capability chain parsing, region accessors (over a plain
 * file standing in for the device fd), the PCI capability walk, guest
 * memory bounds, eventfd waits, error paths that never reach /dev/vfio,
 * and the mdev sysfs helpers against a fake sysfs tree under build/.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "igt_core.h"
#include "selftest_util.h"
#include "vfio_harness.h"

#ifndef IGT_WORK_DIR
#error "IGT_WORK_DIR must name a directory under build/"
#endif

static const char *workdir(void)
{
	char *dir;

	dir = selftest_pathf("%s/harness/%s", IGT_WORK_DIR, igt_subtest_name());
	selftest_fresh_dir(dir);
	return dir;
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char *path;
	int fd;

	path = selftest_pathf("%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	igt_assert_f(fd >= 0, "creating %s\n", path);
	igt_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void get_file(const char *dir, const char *name, char *buf,
		     size_t len)
{
	char *path;

	path = selftest_pathf("%s/%s", dir, name);
	igt_assert_ok(sysfs_read_str(path, buf, len));
}

/* ---------------------------------------------------------------------- */
/* capability chains                                                      */

/*
 * A region info as the kernel would return it: the fixed part, then a
 * type capability, a sparse mmap capability with two areas and an MSI-X
 * mappable capability.
 */
struct fake_sparse_cap {	/* vfio_region_info_cap_sparse_mmap, 2 areas */
	struct vfio_info_cap_header header;
	__u32 nr_areas;
	__u32 reserved;
	struct vfio_region_sparse_mmap_area areas[2];
};

struct fake_region_info {
	struct vfio_region_info info;
	struct vfio_region_info_cap_type type;
	struct fake_sparse_cap sparse;
	struct vfio_info_cap_header msix;
} __igt_attr(aligned(8));

static void fake_region_info(struct fake_region_info *f)
{
	igt_assert_eq(offsetof(struct fake_sparse_cap, areas),
		      offsetof(struct vfio_region_info_cap_sparse_mmap, areas));
	memset(f, 0, sizeof(*f));
	f->info.argsz = sizeof(*f);
	f->info.flags = VFIO_REGION_INFO_FLAG_READ |
			VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
	f->info.index = 9;
	f->info.size = 0x10000;
	f->info.offset = 9ull << 40;
	f->info.cap_offset = offsetof(struct fake_region_info, type);

	f->type.header.id = VFIO_REGION_INFO_CAP_TYPE;
	f->type.header.version = 1;
	f->type.header.next = offsetof(struct fake_region_info, sparse);
	f->type.type = VFIO_REGION_TYPE_GFX;
	f->type.subtype = VFIO_REGION_SUBTYPE_GFX_EDID;

	f->sparse.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	f->sparse.header.version = 1;
	f->sparse.header.next = offsetof(struct fake_region_info, msix);
	f->sparse.nr_areas = 2;
	f->sparse.areas[0].offset = 0;
	f->sparse.areas[0].size = 0x1000;
	f->sparse.areas[1].offset = 0x8000;
	f->sparse.areas[1].size = 0x8000;

	f->msix.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE;
	f->msix.version = 1;
	f->msix.next = 0;
}

static void subtest_region_caps_parsed(void *data)
{
	struct fake_region_info f;
	struct vfio_region r;

	(void)data;
	fake_region_info(&f);
	igt_assert_ok(vfio_region_parse(&f.info, sizeof(f), &r));
	igt_assert(r.valid);
	igt_assert_eq(r.index, 9);
	igt_assert_eq_u64(r.size, 0x10000);
	igt_assert_eq_u64(r.offset, 9ull << 40);
	igt_assert(r.has_type);
	igt_assert_eq(r.type, VFIO_REGION_TYPE_GFX);
	igt_assert_eq(r.subtype, VFIO_REGION_SUBTYPE_GFX_EDID);
	igt_assert(r.has_sparse);
	igt_assert_eq(r.nr_sparse, 2);
	igt_assert_eq_u64(r.sparse[1].offset, 0x8000);
	igt_assert_eq_u64(r.sparse[1].size, 0x8000);
	igt_assert(r.msix_mappable);
	vfio_region_cleanup(&r);
	igt_assert(!r.sparse);

	/* Without the CAPS flag the chain is not looked at. */
	f.info.flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
	igt_assert_ok(vfio_region_parse(&f.info, sizeof(f), &r));
	igt_assert(!r.has_type && !r.has_sparse && !r.msix_mappable);
	vfio_region_cleanup(&r);

	igt_assert(vfio_info_cap_find(&f, sizeof(f), f.info.cap_offset,
				      VFIO_REGION_INFO_CAP_SPARSE_MMAP) ==
		   &f.sparse.header);
	igt_assert(!vfio_info_cap_find(&f, sizeof(f), f.info.cap_offset,
				       0x7777));
	igt_assert(!vfio_info_cap_find(&f, sizeof(f), 0,
				       VFIO_REGION_INFO_CAP_TYPE));
}

static void subtest_region_caps_malformed(void *data)
{
	struct fake_region_info f;
	struct vfio_region r;

	(void)data;
	/* A loop back to an earlier capability. */
	fake_region_info(&f);
	f.msix.next = f.info.cap_offset;
	igt_assert_eq(vfio_region_parse(&f.info, sizeof(f), &r), -EPROTO);
	igt_assert(!vfio_info_cap_find(&f, sizeof(f), f.info.cap_offset,
				       0x7777));

	/* A capability past argsz. */
	fake_region_info(&f);
	igt_assert_eq(vfio_region_parse(&f.info,
					offsetof(struct fake_region_info,
						 msix) + 4, &r), -EPROTO);

	/* More sparse areas than fit. */
	fake_region_info(&f);
	f.sparse.nr_areas = 3;
	igt_assert_eq(vfio_region_parse(&f.info, sizeof(f), &r), -EPROTO);
	igt_assert(!r.sparse);

	/* Misaligned and inside the fixed part. */
	fake_region_info(&f);
	f.type.header.next += 4;
	igt_assert_eq(vfio_region_parse(&f.info, sizeof(f), &r), -EPROTO);
	fake_region_info(&f);
	f.info.cap_offset = 8;
	igt_assert_eq(vfio_region_parse(&f.info, sizeof(f), &r), -EPROTO);

	/* Truncated fixed part. */
	igt_assert_eq(vfio_region_parse(&f.info, 8, &r), -EPROTO);
}

/* ---------------------------------------------------------------------- */
/* region accessors over a plain file                                     */

#define FAKE_CFG_OFFSET		0x1000
#define FAKE_BAR_OFFSET		0x2000

/*
 * A device whose fd is a regular file: config space at 0x1000, BAR0 at
 * 0x2000. pread/pwrite behave as on a device fd, which is all the
 * accessors use.
 */
static void fake_dev(struct vfio_dev *dev, const char *dir)
{
	char *path;

	vfio_dev_init(dev);
	path = selftest_pathf("%s/device", dir);
	dev->device_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	igt_assert(dev->device_fd >= 0);
	igt_assert(!ftruncate(dev->device_fd, FAKE_BAR_OFFSET + 0x1000));

	dev->info.num_regions = VFIO_PCI_NUM_REGIONS;
	dev->regions = calloc(VFIO_PCI_NUM_REGIONS, sizeof(*dev->regions));
	igt_assert(dev->regions);
	dev->regions[VFIO_PCI_CONFIG_REGION_INDEX] = (struct vfio_region) {
		.valid = true, .index = VFIO_PCI_CONFIG_REGION_INDEX,
		.size = 256, .offset = FAKE_CFG_OFFSET,
	};
	dev->regions[VFIO_PCI_BAR0_REGION_INDEX] = (struct vfio_region) {
		.valid = true, .index = VFIO_PCI_BAR0_REGION_INDEX,
		.size = 0x1000, .offset = FAKE_BAR_OFFSET,
	};
}

static void subtest_region_accessors(void *data)
{
	const char *dir = workdir();
	struct vfio_dev dev;
	__u8 raw[8], v8;
	__u16 v16;
	__u32 v32;
	__u64 v64;

	(void)data;
	fake_dev(&dev, dir);

	igt_assert_ok(vfio_region_write32(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					  0x10, 0x11223344));
	igt_assert_eq(pread(dev.device_fd, raw, 4, FAKE_BAR_OFFSET + 0x10),
		      4);
	igt_assert_f(raw[0] == 0x44 && raw[3] == 0x11,
		     "not little endian: %02x %02x\n", raw[0], raw[3]);
	igt_assert_ok(vfio_region_read32(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					 0x10, &v32));
	igt_assert_eq_u32(v32, 0x11223344);
	igt_assert_ok(vfio_region_read16(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					 0x12, &v16));
	igt_assert_eq_u32(v16, 0x1122);
	igt_assert_ok(vfio_region_read8(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					0x10, &v8));
	igt_assert_eq_u32(v8, 0x44);

	igt_assert_ok(vfio_region_write64(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					  0x20, 0x0102030405060708ull));
	igt_assert_ok(vfio_region_read64(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					 0x20, &v64));
	igt_assert_eq_u64(v64, 0x0102030405060708ull);
	igt_assert_ok(vfio_region_write16(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					  0x30, 0xbeef));
	igt_assert_ok(vfio_region_write8(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					 0x32, 0x5a));
	igt_assert_ok(vfio_region_read32(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					 0x30, &v32));
	igt_assert_eq_u32(v32, 0x005abeef);

	/* Config helpers go to the config region. */
	igt_assert_ok(vfio_config_write16(&dev, 0x04, 0x0406));
	igt_assert_eq(pread(dev.device_fd, raw, 2, FAKE_CFG_OFFSET + 4), 2);
	igt_assert(raw[0] == 0x06 && raw[1] == 0x04);

	/* A short transfer is -EIO; an unknown region -EINVAL. */
	igt_assert_eq(vfio_region_read64(&dev, VFIO_PCI_BAR0_REGION_INDEX,
					 0xffc, &v64), -EIO);
	igt_assert_eq(vfio_region_read32(&dev, VFIO_PCI_BAR1_REGION_INDEX, 0,
					 &v32), -EINVAL);
	igt_assert_eq(vfio_region_read32(&dev, 1000, 0, &v32), -EINVAL);
	igt_assert(!vfio_dev_region(&dev, VFIO_PCI_BAR1_REGION_INDEX));
	igt_assert(vfio_dev_region(&dev, VFIO_PCI_BAR0_REGION_INDEX));
	igt_assert_eq(vfio_region_find_by_type(&dev, VFIO_REGION_TYPE_GFX,
					       VFIO_REGION_SUBTYPE_GFX_EDID),
		      -ENOENT);

	igt_assert_ok(vfio_dev_close(&dev));
	igt_assert(!dev.regions && dev.device_fd == -1);
	igt_assert_ok(vfio_dev_close(&dev));	/* twice is harmless */
}

static void put_cfg8(struct vfio_dev *dev, __u32 off, __u8 val)
{
	igt_assert_ok(vfio_config_write8(dev, off, val));
}

static void subtest_config_cap_walk(void *data)
{
	const char *dir = workdir();
	struct vfio_dev dev;

	(void)data;
	fake_dev(&dev, dir);

	/* No capability list bit: nothing to find. */
	igt_assert_eq(vfio_config_find_cap(&dev, 0x05), -ENOENT);

	/* Status.CAP_LIST, then 0x40 (PM) -> 0x50 (MSI) -> end. */
	igt_assert_ok(vfio_config_write16(&dev, 0x06, 0x0010));
	put_cfg8(&dev, 0x34, 0x40);
	put_cfg8(&dev, 0x40, 0x01);
	put_cfg8(&dev, 0x41, 0x50);
	put_cfg8(&dev, 0x50, 0x05);
	put_cfg8(&dev, 0x51, 0x00);
	igt_assert_eq(vfio_config_find_cap(&dev, 0x01), 0x40);
	igt_assert_eq(vfio_config_find_cap(&dev, 0x05), 0x50);
	igt_assert_eq(vfio_config_find_cap(&dev, 0x11), -ENOENT);

	/* A loop and a pointer into the header are malformed. */
	put_cfg8(&dev, 0x51, 0x40);
	igt_assert_eq(vfio_config_find_cap(&dev, 0x11), -EPROTO);
	put_cfg8(&dev, 0x51, 0x10);
	igt_assert_eq(vfio_config_find_cap(&dev, 0x11), -EPROTO);

	vfio_dev_close(&dev);
}

/* ---------------------------------------------------------------------- */
/* everything else that needs no kernel module                            */

static void subtest_closed_device_errors(void *data)
{
	const char *dir = workdir();
	struct vfio_irq_info irq;
	struct vfio_region r;
	struct vfio_dev dev;
	char *path;
	__u32 v;
	int fd;

	(void)data;
	/* Fails at the iommu_group link, before /dev/vfio is touched. */
	path = selftest_pathf("%s/no-such-device", dir);
	igt_assert_eq(vfio_dev_open(&dev, path), -ENOENT);
	igt_assert_eq(dev.device_fd, -1);
	igt_assert_eq(dev.container_fd, -1);
	igt_assert_ok(vfio_dev_close(&dev));

	path = selftest_pathf("%s/dev0", dir);
	selftest_mkdir_p(path);
	path = selftest_pathf("%s/dev0/iommu_group", dir);
	igt_assert(!symlink("../kernel/iommu_groups/not-a-number", path));
	path = selftest_pathf("%s/dev0", dir);
	igt_assert_eq(vfio_dev_open(&dev, path), -EPROTO);

	igt_assert_eq(vfio_dev_open_mdev(&dev, "not-a-uuid"), -EINVAL);

	/* Every operation on a closed device says so. */
	vfio_dev_init(&dev);
	igt_assert_eq(vfio_dev_reset(&dev), -EBADF);
	igt_assert_eq(vfio_irq_info(&dev, 0, &irq), -EBADF);
	igt_assert_eq(vfio_region_info(&dev, 0, &r), -EBADF);
	igt_assert_eq(vfio_region_read32(&dev, 0, 0, &v), -EBADF);
	igt_assert_eq(vfio_dma_map(&dev, path, 0, 4096,
				   VFIO_DMA_MAP_FLAG_READ), -EBADF);
	igt_assert_eq(vfio_dma_unmap(&dev, 0, 4096), -EBADF);
	igt_assert_eq(vfio_irq_disable(&dev, 0), -EBADF);
	igt_assert_eq(vfio_irq_mask(&dev, 0, 0, 1), -EBADF);
	igt_assert_eq(vfio_dev_feature(&dev, VFIO_DEVICE_FEATURE_PROBE, NULL,
				       0), -EBADF);
	igt_assert_eq(vfio_irq_action(&dev, 0, 0, 1, 1u << 30, NULL),
		      -EINVAL);
	fd = -1;
	igt_assert_eq(vfio_req_irq_enable(&dev, &fd), -EBADF);
	igt_assert_eq(fd, -1);
	igt_assert_ok(vfio_dev_close(&dev));
}

static void subtest_guest_mem_ptr(void *data)
{
	static char backing[8192];
	struct vfio_guest_mem mem = {
		.vaddr = backing, .iova = 0x100000, .size = sizeof(backing),
	};

	(void)data;
	igt_assert(vfio_guest_mem_ptr(&mem, 0x100000, 16) == backing);
	igt_assert(vfio_guest_mem_ptr(&mem, 0x101ff0, 16) == backing + 0x1ff0);
	igt_assert(vfio_guest_mem_ptr(&mem, 0x100000, 8192) == backing);
	igt_assert(!vfio_guest_mem_ptr(&mem, 0x101ff8, 16));
	igt_assert(!vfio_guest_mem_ptr(&mem, 0xff000, 16));
	igt_assert(!vfio_guest_mem_ptr(&mem, 0x100000, 8193));
	igt_assert(!vfio_guest_mem_ptr(&mem, ~0ull, 2));
}

static void subtest_eventfd_wait(void *data)
{
	__u64 one = 1, count = 0;
	int fd;

	(void)data;
	fd = vfio_eventfd_create();
	igt_assert_ok(fd);
	igt_assert_eq(vfio_eventfd_wait(fd, 0, NULL), -ETIMEDOUT);
	igt_assert_eq(write(fd, &one, sizeof(one)), sizeof(one));
	igt_assert_eq(write(fd, &one, sizeof(one)), sizeof(one));
	igt_assert_ok(vfio_eventfd_wait(fd, 1000, &count));
	igt_assert_eq(count, 2);
	igt_assert_eq(vfio_eventfd_wait(fd, 10, &count), -ETIMEDOUT);
	close(fd);
	igt_assert_eq(vfio_eventfd_wait(-1, 10, NULL), -EBADF);
}

static void subtest_uuid(void *data)
{
	char seen[64][MDEV_UUID_STRLEN];
	int i, j;

	(void)data;
	for (i = 0; i < 64; i++) {
		igt_assert_ok(mdev_uuid_generate(seen[i]));
		igt_assert_f(mdev_uuid_valid(seen[i]), "bad uuid %s\n",
			     seen[i]);
		igt_assert_eq(seen[i][14], '4');
		igt_assert(strchr("89ab", seen[i][19]));
		for (j = 0; j < i; j++)
			igt_assert(strcmp(seen[i], seen[j]));
	}
	igt_assert(mdev_uuid_valid("83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"));
	igt_assert(mdev_uuid_valid("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001"));
	igt_assert(!mdev_uuid_valid("83b8f4f2-509f-382f-3c1e-e6bfe0fa100"));
	igt_assert(!mdev_uuid_valid("83b8f4f2-509f-382f-3c1e-e6bfe0fa10011"));
	igt_assert(!mdev_uuid_valid("83b8f4f2x509f-382f-3c1e-e6bfe0fa1001"));
	igt_assert(!mdev_uuid_valid("83b8f4f2-509f-382f-3c1e-e6bfe0fa100g"));
	igt_assert(!mdev_uuid_valid(""));
}

#define TYPES_DIR	"class/mdev_bus/parent0/mdev_supported_types"

static void subtest_mdev_sysfs(void *data)
{
	static const char uuid[] = "0b3a4c6e-2d4f-4a8b-9c1d-2e3f4a5b6c7d";
	const char *root = workdir();
	char *dir, buf[256], **list;
	int n;

	(void)data;
	/* class/mdev_bus/parent0 with two types, one existing device. */
	dir = selftest_pathf("%s/%s/vgpu-b", root, TYPES_DIR);
	selftest_mkdir_p(dir);
	put_file(dir, "create", "");
	put_file(dir, "name", "big vGPU\n");
	put_file(dir, "available_instances", "2\n");
	dir = selftest_pathf("%s/%s/vgpu-a", root, TYPES_DIR);
	selftest_mkdir_p(dir);
	put_file(dir, "available_instances", "lots\n");
	dir = selftest_pathf("%s/class/mdev_bus/parent1", root);
	selftest_mkdir_p(dir);
	dir = selftest_pathf("%s/bus/mdev/devices/%s", root, uuid);
	selftest_mkdir_p(dir);
	put_file(dir, "remove", "");
	igt_assert(!symlink(selftest_pathf("../../../%s/vgpu-b", TYPES_DIR),
			    selftest_pathf("%s/mdev_type", dir)));

	mdev_sysfs_set_root(root);
	igt_assert_eq_str(mdev_sysfs_root(), root);

	n = mdev_list_parents(&list);
	igt_assert_eq(n, 2);
	igt_assert_eq_str(list[0], "parent0");
	igt_assert_eq_str(list[1], "parent1");
	mdev_list_free(list, n);

	n = mdev_list_types("parent0", &list);
	igt_assert_eq(n, 2);
	igt_assert_eq_str(list[0], "vgpu-a");
	igt_assert_eq_str(list[1], "vgpu-b");
	mdev_list_free(list, n);
	igt_assert_eq(mdev_list_types("parent1", &list), -ENOENT);
	igt_assert(!list);

	igt_assert_eq(mdev_type_attr_read("parent0", "vgpu-b", "name", buf,
					  sizeof(buf)), 8);
	igt_assert_eq_str(buf, "big vGPU");
	igt_assert_eq(mdev_type_attr_read("parent0", "vgpu-b", "name", buf,
					  4), -EOVERFLOW);
	igt_assert_eq(mdev_type_available_instances("parent0", "vgpu-b"), 2);
	igt_assert_eq(mdev_type_available_instances("parent0", "vgpu-a"),
		      -EPROTO);
	igt_assert_eq(mdev_type_available_instances("parent0", "vgpu-c"),
		      -ENOENT);

	dir = selftest_pathf("%s/%s/vgpu-b", root, TYPES_DIR);
	igt_assert_ok(mdev_create("parent0", "vgpu-b", uuid));
	get_file(dir, "create", buf, sizeof(buf));
	igt_assert_eq_str(buf, uuid);
	igt_assert_eq(mdev_create("parent0", "vgpu-b", "bogus"), -EINVAL);
	igt_assert_eq(mdev_create("parent0", "vgpu-z", uuid), -ENOENT);

	igt_assert(mdev_exists(uuid));
	igt_assert(!mdev_exists("00000000-0000-4000-8000-000000000000"));
	igt_assert_eq(mdev_type_of(uuid, buf, sizeof(buf)), 6);
	igt_assert_eq_str(buf, "vgpu-b");
	igt_assert_ok(mdev_device_path(uuid, buf, sizeof(buf)));
	dir = selftest_pathf("%s/bus/mdev/devices/%s", root, uuid);
	igt_assert_eq_str(buf, dir);

	igt_assert_ok(mdev_remove(uuid));
	get_file(dir, "remove", buf, sizeof(buf));
	igt_assert_eq_str(buf, "1");
	igt_assert_eq(mdev_remove("bogus"), -EINVAL);
	igt_assert_ok(mdev_attr_write(uuid, "remove", "0"));
	igt_assert_eq(mdev_attr_read(uuid, "remove", buf, sizeof(buf)), 1);
	igt_assert_eq_str(buf, "0");

	mdev_sysfs_set_root(NULL);
	igt_assert_eq_str(mdev_sysfs_root(), "/sys");
}

static const struct igt_subtest subtests[] = {
	{ "region-caps-parsed", subtest_region_caps_parsed,
	  "Type, sparse mmap and MSI-X capabilities are read from the chain." },
	{ "region-caps-malformed", subtest_region_caps_malformed,
	  "Loops, out-of-bounds and misaligned chains are -EPROTO." },
	{ "region-accessors", subtest_region_accessors,
	  "Sized region accessors are little endian at the region offset." },
	{ "config-cap-walk", subtest_config_cap_walk,
	  "The PCI capability list walk finds caps and rejects loops." },
	{ "closed-device-errors", subtest_closed_device_errors,
	  "Failed opens and closed devices give errnos, never crashes." },
	{ "guest-mem-ptr", subtest_guest_mem_ptr,
	  "Guest address translation honours the mapping's bounds." },
	{ "eventfd-wait", subtest_eventfd_wait,
	  "Eventfd waits return the count or time out." },
	{ "uuid", subtest_uuid,
	  "Generated UUIDs are valid, version 4 and distinct." },
	{ "mdev-sysfs", subtest_mdev_sysfs,
	  "The mdev sysfs helpers against a fake sysfs tree." },
};

static const struct igt_test test = {
	.description = "Unit test of the VFIO harness without a kernel.",
	.subtests = subtests,
	.num_subtests = IGT_ARRAY_SIZE(subtests),
};

int main(int argc, char **argv)
{
	setenv("IGT_NO_KMSG", "1", 1);
	return igt_main(&test, argc, argv);
}
