// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_harness - drive a VFIO device the way a VMM does (see the header).
 *
 * Guest memory is MAP_SHARED anonymous memory on purpose: igt_core forks a
 * child per subtest, and a private mapping would be copied on the child's
 * first write, leaving the device looking at the parent's pages.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "igt_compiler.h"
#include "vfio_harness.h"
#include "vfio_iommufd.h"
#include "vfio_mig_uapi.h"

#define VFIO_CONTAINER_PATH	"/dev/vfio/vfio"
#define VFIO_BACKEND_ENV	"VFIO_HARNESS_BACKEND"
#define VFIO_GROUP_PATH_FMT	"/dev/vfio/%d"

/* Bounds on what a (possibly buggy) kernel may make us allocate. */
#define VFIO_MAX_INDEXES	4096
#define VFIO_MAX_INFO_SIZE	(64 * 1024)
#define VFIO_MAX_IRQ_SET_COUNT	65536

/* PCI config space: the bits the capability walk needs. */
#define PCI_CFG_STATUS		0x06
#define PCI_CFG_STATUS_CAP_LIST	0x10
#define PCI_CFG_CAP_PTR		0x34
#define PCI_CFG_HEADER_END	0x40
#define PCI_CFG_SPACE_SIZE	256

int vfio_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	if (fd < 0)
		return -EBADF;
	ret = ioctl(fd, request, arg);
	return ret < 0 ? -errno : ret;
}

/* ---------------------------------------------------------------------- */
/* device lifetime                                                        */

void vfio_dev_init(struct vfio_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->container_fd = -1;
	dev->group_fd = -1;
	dev->device_fd = -1;
	dev->group_id = -1;
	dev->iommufd = -1;
}

static const char *const vfio_backend_names[] = {
	[VFIO_BACKEND_TYPE1] = "type1",
	[VFIO_BACKEND_IOMMUFD] = "iommufd",
};

const char *vfio_backend_name(enum vfio_backend backend)
{
	if ((unsigned int)backend >= IGT_ARRAY_SIZE(vfio_backend_names))
		return "unknown";
	return vfio_backend_names[backend];
}

int vfio_backend_from_env(enum vfio_backend *backend)
{
	const char *name = getenv(VFIO_BACKEND_ENV);
	unsigned int i;

	*backend = VFIO_BACKEND_TYPE1;
	if (!name || !*name)
		return 0;
	for (i = 0; i < IGT_ARRAY_SIZE(vfio_backend_names); i++) {
		if (!strcmp(name, vfio_backend_names[i])) {
			*backend = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The group number from <sysfs_dir>/iommu_group -> .../iommu_groups/<N>. */
static int vfio_read_group_id(const char *sysfs_dir)
{
	char path[PATH_MAX], target[PATH_MAX], *end;
	const char *base;
	ssize_t n;
	long id;

	if (snprintf(path, sizeof(path), "%s/iommu_group", sysfs_dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	errno = 0;
	id = strtol(base, &end, 10);
	if (errno || end == base || *end || id < 0 || id > INT_MAX)
		return -EPROTO;
	return id;
}

static int vfio_open_container(struct vfio_dev *dev)
{
	int ret;

	dev->container_fd = open(VFIO_CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (dev->container_fd < 0)
		return -errno;

	ret = vfio_ioctl(dev->container_fd, VFIO_GET_API_VERSION, NULL);
	if (ret < 0)
		return ret;
	if (ret != VFIO_API_VERSION)
		return -EPROTO;

	ret = ioctl(dev->container_fd, VFIO_CHECK_EXTENSION,
		    VFIO_TYPE1v2_IOMMU);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -EOPNOTSUPP;
	return 0;
}

static int vfio_attach_group(struct vfio_dev *dev)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int ret;

	snprintf(path, sizeof(path), VFIO_GROUP_PATH_FMT, dev->group_id);
	dev->group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->group_fd < 0)
		return -errno;

	ret = vfio_ioctl(dev->group_fd, VFIO_GROUP_GET_STATUS, &status);
	if (ret < 0)
		return ret;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;

	ret = vfio_ioctl(dev->group_fd, VFIO_GROUP_SET_CONTAINER,
			 &dev->container_fd);
	if (ret < 0)
		return ret;
	dev->container_set = true;

	ret = ioctl(dev->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	return ret < 0 ? -errno : 0;
}

/* Cache the region and IRQ infos; a rejected index is only marked. */
static int vfio_cache_infos(struct vfio_dev *dev)
{
	__u32 i;
	int ret;

	if (dev->info.num_regions > VFIO_MAX_INDEXES ||
	    dev->info.num_irqs > VFIO_MAX_INDEXES)
		return -EPROTO;

	dev->regions = calloc(dev->info.num_regions + 1,
			      sizeof(*dev->regions));
	dev->irqs = calloc(dev->info.num_irqs + 1, sizeof(*dev->irqs));
	if (!dev->regions || !dev->irqs)
		return -ENOMEM;

	for (i = 0; i < dev->info.num_regions; i++) {
		ret = vfio_region_info(dev, i, &dev->regions[i]);
		if (ret == -ENOMEM)
			return ret;
	}
	for (i = 0; i < dev->info.num_irqs; i++) {
		if (vfio_irq_info(dev, i, &dev->irqs[i]))
			memset(&dev->irqs[i], 0, sizeof(dev->irqs[i]));
	}
	return 0;
}

/* type1: the group in a new container, the device fd from the group. */
static int vfio_type1_open(struct vfio_dev *dev, const char *sysfs_dir)
{
	int ret;

	ret = vfio_read_group_id(sysfs_dir);
	if (ret < 0)
		return ret;
	dev->group_id = ret;

	ret = vfio_open_container(dev);
	if (ret)
		return ret;
	ret = vfio_attach_group(dev);
	if (ret)
		return ret;

	ret = vfio_ioctl(dev->group_fd, VFIO_GROUP_GET_DEVICE_FD, dev->name);
	if (ret < 0)
		return ret;
	dev->device_fd = ret;
	return 0;
}

int vfio_dev_open(struct vfio_dev *dev, const char *sysfs_dir)
{
	enum vfio_backend backend;
	int ret;

	vfio_dev_init(dev);
	ret = vfio_backend_from_env(&backend);
	if (ret)
		return ret;
	return vfio_dev_open_backend(dev, sysfs_dir, backend);
}

int vfio_dev_open_backend(struct vfio_dev *dev, const char *sysfs_dir,
			  enum vfio_backend backend)
{
	const char *name;
	int ret;

	vfio_dev_init(dev);
	dev->backend = backend;

	name = strrchr(sysfs_dir, '/');
	name = name ? name + 1 : sysfs_dir;
	if (!*name)
		return -EINVAL;
	if (strlen(name) >= sizeof(dev->name))
		return -ENAMETOOLONG;
	strcpy(dev->name, name);

	switch (backend) {
	case VFIO_BACKEND_TYPE1:
		ret = vfio_type1_open(dev, sysfs_dir);
		break;
	case VFIO_BACKEND_IOMMUFD:
		ret = vfio_iommufd_open(dev, sysfs_dir);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret)
		goto err;

	dev->info.argsz = sizeof(dev->info);
	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_GET_INFO, &dev->info);
	if (ret < 0)
		goto err;

	ret = vfio_cache_infos(dev);
	if (ret)
		goto err;
	return 0;

err:
	vfio_dev_close(dev);
	return ret;
}

int vfio_dev_open_mdev(struct vfio_dev *dev, const char *uuid)
{
	char dir[PATH_MAX];
	int ret;

	vfio_dev_init(dev);
	if (!mdev_uuid_valid(uuid))
		return -EINVAL;
	ret = mdev_device_path(uuid, dir, sizeof(dir));
	if (ret)
		return ret;
	return vfio_dev_open(dev, dir);
}

static void vfio_close_fd(int *fd, int *ret)
{
	if (*fd < 0)
		return;
	if (close(*fd) < 0 && !*ret)
		*ret = -errno;
	*fd = -1;
}

int vfio_dev_close(struct vfio_dev *dev)
{
	int ret = 0, err;
	__u32 i;

	if (dev->backend == VFIO_BACKEND_IOMMUFD)
		vfio_iommufd_close(dev, &ret);
	vfio_close_fd(&dev->device_fd, &ret);

	if (dev->group_fd >= 0 && dev->container_set) {
		err = vfio_ioctl(dev->group_fd, VFIO_GROUP_UNSET_CONTAINER,
				 NULL);
		/*
		 * EINVAL: the group is in no container any more. Once the
		 * device fd is closed, a remove that waited for it may tear
		 * the group down and detach it first; that is the state
		 * asked for.
		 */
		if (err < 0 && err != -EINVAL && !ret)
			ret = err;
	}
	dev->container_set = false;
	vfio_close_fd(&dev->group_fd, &ret);
	vfio_close_fd(&dev->container_fd, &ret);

	if (dev->regions) {
		for (i = 0; i < dev->info.num_regions; i++)
			vfio_region_cleanup(&dev->regions[i]);
		free(dev->regions);
		dev->regions = NULL;
	}
	free(dev->irqs);
	dev->irqs = NULL;
	return ret;
}

int vfio_dev_reset(struct vfio_dev *dev)
{
	return vfio_ioctl(dev->device_fd, VFIO_DEVICE_RESET, NULL);
}

int vfio_dev_ioctl(struct vfio_dev *dev, unsigned long request, void *arg)
{
	return vfio_ioctl(dev->device_fd, request, arg);
}

int vfio_dev_feature(struct vfio_dev *dev, __u32 flags, void *data,
		     size_t size)
{
	struct vfio_device_feature *feature;
	int ret;

	if (size > VFIO_MAX_INFO_SIZE || (size && !data))
		return -EINVAL;
	feature = calloc(1, sizeof(*feature) + size);
	if (!feature)
		return -ENOMEM;
	feature->argsz = sizeof(*feature) + size;
	feature->flags = flags;
	if (size)
		memcpy(feature->data, data, size);

	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, feature);
	if (ret >= 0 && size && (flags & VFIO_DEVICE_FEATURE_GET))
		memcpy(data, feature->data, size);
	free(feature);
	return ret;
}

int vfio_mig_set_state(struct vfio_dev *dev, __u32 state, int *data_fd)
{
	union {
		struct vfio_device_feature f;
		__u8 raw[sizeof(struct vfio_device_feature) +
			 sizeof(struct vfio_device_feature_mig_state)];
	} u = { 0 };
	struct vfio_device_feature_mig_state *s = (void *)u.f.data;
	int ret;

	u.f.argsz = sizeof(u.raw);
	u.f.flags = VFIO_DEVICE_FEATURE_SET |
		    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	s->device_state = state;
	s->data_fd = -1;
	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_FEATURE, &u.f);
	*data_fd = ret < 0 ? -1 : s->data_fd;
	return ret < 0 ? ret : 0;
}

static const char *const vfio_mig_state_names[] = {
	[VFIO_DEVICE_STATE_ERROR] = "ERROR",
	[VFIO_DEVICE_STATE_STOP] = "STOP",
	[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
	[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
	[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
	[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
	[VFIO_DEVICE_STATE_PRE_COPY] = "PRE_COPY",
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = "PRE_COPY_P2P",
};

const char *vfio_mig_state_name(__u32 state)
{
	if (state < sizeof(vfio_mig_state_names) /
		    sizeof(vfio_mig_state_names[0]) &&
	    vfio_mig_state_names[state])
		return vfio_mig_state_names[state];
	return "?";
}

int vfio_mig_get_state(struct vfio_dev *dev)
{
	struct vfio_device_feature_mig_state s = { 0 };
	int ret;

	ret = vfio_dev_feature(dev, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &s,
			       sizeof(s));
	return ret < 0 ? ret : (int)s.device_state;
}

/* ---------------------------------------------------------------------- */
/* guest memory                                                           */

int vfio_dma_map(struct vfio_dev *dev, void *vaddr, __u64 iova, __u64 size,
		 __u32 flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (__u64)(uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	if (dev->backend == VFIO_BACKEND_IOMMUFD)
		return vfio_iommufd_map(dev, vaddr, iova, size, flags);
	return vfio_ioctl(dev->container_fd, VFIO_IOMMU_MAP_DMA, &map);
}

__s64 vfio_dma_unmap(struct vfio_dev *dev, __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};
	int ret;

	if (dev->backend == VFIO_BACKEND_IOMMUFD)
		return vfio_iommufd_unmap(dev, iova, size);
	ret = vfio_ioctl(dev->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap);
	if (ret < 0)
		return ret;
	if (unmap.size > INT64_MAX)
		return -EOVERFLOW;
	return unmap.size;
}

int vfio_guest_mem_alloc(struct vfio_dev *dev, struct vfio_guest_mem *mem,
			 __u64 iova, __u64 size)
{
	__u64 page = sysconf(_SC_PAGESIZE);
	void *p;
	int ret;

	memset(mem, 0, sizeof(*mem));
	if (!size || iova & (page - 1) || size > SIZE_MAX - page)
		return -EINVAL;
	size = (size + page - 1) & ~(page - 1);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;

	ret = vfio_dma_map(dev, p, iova, size,
			   VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	if (ret < 0) {
		munmap(p, size);
		return ret;
	}

	mem->vaddr = p;
	mem->iova = iova;
	mem->size = size;
	mem->dma_mapped = true;
	return 0;
}

int vfio_guest_mem_free(struct vfio_dev *dev, struct vfio_guest_mem *mem)
{
	__s64 unmapped;
	int ret = 0;

	if (mem->dma_mapped) {
		unmapped = vfio_dma_unmap(dev, mem->iova, mem->size);
		if (unmapped < 0)
			ret = unmapped;
		else if ((__u64)unmapped != mem->size)
			ret = -EIO;
	}
	if (mem->vaddr && munmap(mem->vaddr, mem->size) < 0 && !ret)
		ret = -errno;
	memset(mem, 0, sizeof(*mem));
	return ret;
}

void *vfio_guest_mem_ptr(const struct vfio_guest_mem *mem, __u64 iova,
			 __u64 len)
{
	if (!mem->vaddr || iova < mem->iova || len > mem->size ||
	    iova - mem->iova > mem->size - len)
		return NULL;
	return (char *)mem->vaddr + (iova - mem->iova);
}

/* ---------------------------------------------------------------------- */
/* regions                                                                */

/*
 * Walk a capability chain. Return: 0 with *found set to the first @id
 * capability (or NULL), -EPROTO if any header is out of bounds, misaligned
 * or does not move forward.
 */
static int vfio_cap_walk(const void *info, size_t argsz, __u32 offset,
			 __u16 id, const struct vfio_info_cap_header **found)
{
	const struct vfio_info_cap_header *hdr;
	__u32 prev = 0;

	*found = NULL;
	while (offset) {
		if (offset <= prev || offset % 8 ||
		    offset > argsz ||
		    argsz - offset < sizeof(*hdr))
			return -EPROTO;
		hdr = (const void *)((const char *)info + offset);
		if (hdr->id == id && !*found)
			*found = hdr;
		prev = offset;
		offset = hdr->next;
	}
	return 0;
}

const struct vfio_info_cap_header *
vfio_info_cap_find(const void *info, size_t argsz, __u32 cap_offset, __u16 id)
{
	const struct vfio_info_cap_header *hdr;

	if (vfio_cap_walk(info, argsz, cap_offset, id, &hdr))
		return NULL;
	return hdr;
}

/* Bytes from @hdr to the end of the info structure. */
static size_t vfio_cap_room(const void *info, size_t argsz,
			    const struct vfio_info_cap_header *hdr)
{
	return argsz - ((const char *)hdr - (const char *)info);
}

static int vfio_region_parse_sparse(const struct vfio_region_info *info,
				    size_t argsz,
				    const struct vfio_info_cap_header *hdr,
				    struct vfio_region *region)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t room = vfio_cap_room(info, argsz, hdr);

	if (room < sizeof(*sparse))
		return -EPROTO;
	sparse = (const void *)hdr;
	if ((room - sizeof(*sparse)) / sizeof(sparse->areas[0]) <
	    sparse->nr_areas)
		return -EPROTO;

	region->has_sparse = true;
	region->nr_sparse = sparse->nr_areas;
	if (!sparse->nr_areas)
		return 0;
	region->sparse = calloc(sparse->nr_areas, sizeof(*region->sparse));
	if (!region->sparse)
		return -ENOMEM;
	memcpy(region->sparse, sparse->areas,
	       sparse->nr_areas * sizeof(*region->sparse));
	return 0;
}

int vfio_region_parse(const struct vfio_region_info *info, size_t argsz,
		      struct vfio_region *region)
{
	const struct vfio_region_info_cap_type *type;
	const struct vfio_info_cap_header *hdr;
	int ret;

	memset(region, 0, sizeof(*region));
	if (argsz < sizeof(*info))
		return -EPROTO;
	region->index = info->index;
	region->flags = info->flags;
	region->size = info->size;
	region->offset = info->offset;

	if ((info->flags & VFIO_REGION_INFO_FLAG_CAPS) && info->cap_offset) {
		if (info->cap_offset < sizeof(*info))
			return -EPROTO;

		ret = vfio_cap_walk(info, argsz, info->cap_offset,
				    VFIO_REGION_INFO_CAP_TYPE, &hdr);
		if (ret)
			return ret;
		if (hdr) {
			if (vfio_cap_room(info, argsz, hdr) < sizeof(*type))
				return -EPROTO;
			type = (const void *)hdr;
			region->has_type = true;
			region->type = type->type;
			region->subtype = type->subtype;
		}

		hdr = vfio_info_cap_find(info, argsz, info->cap_offset,
					 VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
		region->msix_mappable = hdr;

		hdr = vfio_info_cap_find(info, argsz, info->cap_offset,
					 VFIO_REGION_INFO_CAP_SPARSE_MMAP);
		if (hdr) {
			ret = vfio_region_parse_sparse(info, argsz, hdr,
						       region);
			if (ret) {
				vfio_region_cleanup(region);
				return ret;
			}
		}
	}
	region->valid = true;
	return 0;
}

void vfio_region_cleanup(struct vfio_region *region)
{
	free(region->sparse);
	region->sparse = NULL;
	region->nr_sparse = 0;
}

int vfio_region_info(struct vfio_dev *dev, __u32 index,
		     struct vfio_region *region)
{
	struct vfio_region_info *info, *bigger;
	size_t argsz = sizeof(*info);
	int ret;

	memset(region, 0, sizeof(*region));
	info = calloc(1, argsz);
	if (!info)
		return -ENOMEM;

	for (;;) {
		memset(info, 0, argsz);
		info->argsz = argsz;
		info->index = index;
		ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_GET_REGION_INFO,
				 info);
		if (ret < 0)
			goto out;
		/* The kernel asks for room for the capability chain. */
		if (info->argsz <= argsz)
			break;
		if (info->argsz > VFIO_MAX_INFO_SIZE) {
			ret = -EPROTO;
			goto out;
		}
		argsz = info->argsz;
		bigger = realloc(info, argsz);
		if (!bigger) {
			ret = -ENOMEM;
			goto out;
		}
		info = bigger;
	}
	ret = vfio_region_parse(info, argsz, region);
out:
	free(info);
	return ret;
}

const struct vfio_region *vfio_dev_region(const struct vfio_dev *dev,
					  __u32 index)
{
	if (!dev->regions || index >= dev->info.num_regions ||
	    !dev->regions[index].valid)
		return NULL;
	return &dev->regions[index];
}

int vfio_region_find_by_type(const struct vfio_dev *dev, __u32 type,
			     __u32 subtype)
{
	const struct vfio_region *r;
	__u32 i;

	for (i = 0; i < dev->info.num_regions; i++) {
		r = vfio_dev_region(dev, i);
		if (r && r->has_type && r->type == type &&
		    r->subtype == subtype)
			return i;
	}
	return -ENOENT;
}

/* Device fd offset of @offset inside region @index. */
static int vfio_region_pos(const struct vfio_dev *dev, __u32 index,
			   __u64 offset, off_t *pos)
{
	const struct vfio_region *r = vfio_dev_region(dev, index);

	if (dev->device_fd < 0)
		return -EBADF;
	if (!r)
		return -EINVAL;
	if (offset > (__u64)INT64_MAX - r->offset)
		return -EOVERFLOW;
	*pos = r->offset + offset;
	return 0;
}

ssize_t vfio_region_read(struct vfio_dev *dev, __u32 index, __u64 offset,
			 void *buf, size_t len)
{
	ssize_t n;
	off_t pos;
	int ret;

	ret = vfio_region_pos(dev, index, offset, &pos);
	if (ret)
		return ret;
	n = pread(dev->device_fd, buf, len, pos);
	return n < 0 ? -errno : n;
}

ssize_t vfio_region_write(struct vfio_dev *dev, __u32 index, __u64 offset,
			  const void *buf, size_t len)
{
	ssize_t n;
	off_t pos;
	int ret;

	ret = vfio_region_pos(dev, index, offset, &pos);
	if (ret)
		return ret;
	n = pwrite(dev->device_fd, buf, len, pos);
	return n < 0 ? -errno : n;
}

static int vfio_region_read_exact(struct vfio_dev *dev, __u32 index,
				  __u64 offset, void *buf, size_t len)
{
	ssize_t n = vfio_region_read(dev, index, offset, buf, len);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

static int vfio_region_write_exact(struct vfio_dev *dev, __u32 index,
				   __u64 offset, const void *buf, size_t len)
{
	ssize_t n = vfio_region_write(dev, index, offset, buf, len);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

int vfio_region_read8(struct vfio_dev *dev, __u32 index, __u64 offset,
		      __u8 *val)
{
	return vfio_region_read_exact(dev, index, offset, val, sizeof(*val));
}

int vfio_region_read16(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u16 *val)
{
	__u16 le;
	int ret;

	ret = vfio_region_read_exact(dev, index, offset, &le, sizeof(le));
	if (!ret)
		*val = le16toh(le);
	return ret;
}

int vfio_region_read32(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u32 *val)
{
	__u32 le;
	int ret;

	ret = vfio_region_read_exact(dev, index, offset, &le, sizeof(le));
	if (!ret)
		*val = le32toh(le);
	return ret;
}

int vfio_region_read64(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u64 *val)
{
	__u64 le;
	int ret;

	ret = vfio_region_read_exact(dev, index, offset, &le, sizeof(le));
	if (!ret)
		*val = le64toh(le);
	return ret;
}

int vfio_region_write8(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u8 val)
{
	return vfio_region_write_exact(dev, index, offset, &val, sizeof(val));
}

int vfio_region_write16(struct vfio_dev *dev, __u32 index, __u64 offset,
			__u16 val)
{
	__u16 le = htole16(val);

	return vfio_region_write_exact(dev, index, offset, &le, sizeof(le));
}

int vfio_region_write32(struct vfio_dev *dev, __u32 index, __u64 offset,
			__u32 val)
{
	__u32 le = htole32(val);

	return vfio_region_write_exact(dev, index, offset, &le, sizeof(le));
}

int vfio_region_write64(struct vfio_dev *dev, __u32 index, __u64 offset,
			__u64 val)
{
	__u64 le = htole64(val);

	return vfio_region_write_exact(dev, index, offset, &le, sizeof(le));
}

int vfio_config_read8(struct vfio_dev *dev, __u32 offset, __u8 *val)
{
	return vfio_region_read8(dev, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				 val);
}

int vfio_config_read16(struct vfio_dev *dev, __u32 offset, __u16 *val)
{
	return vfio_region_read16(dev, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				  val);
}

int vfio_config_read32(struct vfio_dev *dev, __u32 offset, __u32 *val)
{
	return vfio_region_read32(dev, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				  val);
}

int vfio_config_write8(struct vfio_dev *dev, __u32 offset, __u8 val)
{
	return vfio_region_write8(dev, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				  val);
}

int vfio_config_write16(struct vfio_dev *dev, __u32 offset, __u16 val)
{
	return vfio_region_write16(dev, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				   val);
}

int vfio_config_write32(struct vfio_dev *dev, __u32 offset, __u32 val)
{
	return vfio_region_write32(dev, VFIO_PCI_CONFIG_REGION_INDEX, offset,
				   val);
}

int vfio_config_find_cap(struct vfio_dev *dev, __u8 cap_id)
{
	/* Each capability takes at least 4 bytes of the 192 after the header. */
	int budget = (PCI_CFG_SPACE_SIZE - PCI_CFG_HEADER_END) / 4;
	__u16 status;
	__u8 ptr, id;
	int ret;

	ret = vfio_config_read16(dev, PCI_CFG_STATUS, &status);
	if (ret)
		return ret;
	if (!(status & PCI_CFG_STATUS_CAP_LIST))
		return -ENOENT;
	ret = vfio_config_read8(dev, PCI_CFG_CAP_PTR, &ptr);
	if (ret)
		return ret;

	while ((ptr &= ~3) && budget--) {
		if (ptr < PCI_CFG_HEADER_END)
			return -EPROTO;
		ret = vfio_config_read8(dev, ptr, &id);
		if (ret)
			return ret;
		if (id == cap_id)
			return ptr;
		ret = vfio_config_read8(dev, ptr + 1, &ptr);
		if (ret)
			return ret;
	}
	return ptr ? -EPROTO : -ENOENT;
}

int vfio_region_mmap(struct vfio_dev *dev, __u32 index, __u64 offset,
		     size_t len, int prot, void **addr)
{
	off_t pos;
	void *p;
	int ret;

	ret = vfio_region_pos(dev, index, offset, &pos);
	if (ret)
		return ret;
	p = mmap(NULL, len, prot, MAP_SHARED, dev->device_fd, pos);
	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

int vfio_region_munmap(void *addr, size_t len)
{
	return munmap(addr, len) < 0 ? -errno : 0;
}

/* ---------------------------------------------------------------------- */
/* interrupts                                                             */

int vfio_irq_info(struct vfio_dev *dev, __u32 index,
		  struct vfio_irq_info *info)
{
	int ret;

	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_GET_IRQ_INFO, info);
	return ret < 0 ? ret : 0;
}

/* VFIO_DEVICE_SET_IRQS with @data_size bytes of payload. */
static int vfio_set_irqs(struct vfio_dev *dev, __u32 flags, __u32 index,
			 __u32 start, __u32 count, const void *data,
			 size_t data_size)
{
	struct vfio_irq_set *set;
	int ret;

	set = calloc(1, sizeof(*set) + data_size);
	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + data_size;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_size)
		memcpy(set->data, data, data_size);

	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_SET_IRQS, set);
	free(set);
	return ret < 0 ? ret : 0;
}

int vfio_irq_set_eventfds(struct vfio_dev *dev, __u32 index, __u32 start,
			  __u32 count, const __s32 *fds)
{
	if (count > VFIO_MAX_IRQ_SET_COUNT || (count && !fds))
		return -EINVAL;
	return vfio_set_irqs(dev, VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER, index, start, count,
			     fds, count * sizeof(*fds));
}

int vfio_irq_enable(struct vfio_dev *dev, __u32 index, __u32 start,
		    __u32 count, int *fds)
{
	__s32 *efds;
	__u32 i, made;
	int ret;

	if (!count || count > VFIO_MAX_IRQ_SET_COUNT)
		return -EINVAL;
	efds = calloc(count, sizeof(*efds));
	if (!efds)
		return -ENOMEM;

	for (made = 0; made < count; made++) {
		ret = vfio_eventfd_create();
		if (ret < 0)
			goto err;
		efds[made] = ret;
	}

	ret = vfio_irq_set_eventfds(dev, index, start, count, efds);
	if (ret)
		goto err;
	for (i = 0; i < count; i++)
		fds[i] = efds[i];
	free(efds);
	return 0;

err:
	for (i = 0; i < made; i++)
		close(efds[i]);
	free(efds);
	return ret;
}

int vfio_irq_disable(struct vfio_dev *dev, __u32 index)
{
	return vfio_set_irqs(dev, VFIO_IRQ_SET_DATA_NONE |
			     VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 0, NULL, 0);
}

int vfio_irq_action(struct vfio_dev *dev, __u32 index, __u32 start,
		    __u32 count, __u32 action, const __u8 *bools)
{
	if (action & ~VFIO_IRQ_SET_ACTION_TYPE_MASK ||
	    count > VFIO_MAX_IRQ_SET_COUNT)
		return -EINVAL;
	if (!bools)
		return vfio_set_irqs(dev, VFIO_IRQ_SET_DATA_NONE | action,
				     index, start, count, NULL, 0);
	return vfio_set_irqs(dev, VFIO_IRQ_SET_DATA_BOOL | action, index,
			     start, count, bools, count);
}

int vfio_irq_mask(struct vfio_dev *dev, __u32 index, __u32 start,
		  __u32 count)
{
	return vfio_irq_action(dev, index, start, count,
			       VFIO_IRQ_SET_ACTION_MASK, NULL);
}

int vfio_irq_unmask(struct vfio_dev *dev, __u32 index, __u32 start,
		    __u32 count)
{
	return vfio_irq_action(dev, index, start, count,
			       VFIO_IRQ_SET_ACTION_UNMASK, NULL);
}

int vfio_irq_trigger(struct vfio_dev *dev, __u32 index, __u32 start,
		     __u32 count)
{
	return vfio_irq_action(dev, index, start, count,
			       VFIO_IRQ_SET_ACTION_TRIGGER, NULL);
}

int vfio_irq_unmask_eventfd(struct vfio_dev *dev, __u32 index, __u32 start,
			    int fd)
{
	__s32 efd = fd;

	return vfio_set_irqs(dev, VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_UNMASK, index, start, 1,
			     &efd, sizeof(efd));
}

int vfio_req_irq_enable(struct vfio_dev *dev, int *fd)
{
	return vfio_irq_enable(dev, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, fd);
}

int vfio_eventfd_create(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

int vfio_eventfd_wait(int fd, int timeout_ms, __u64 *count)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	__u64 value;
	ssize_t n;
	int ret;

	if (fd < 0)
		return -EBADF;
	for (;;) {
		ret = poll(&pfd, 1, timeout_ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;

		n = read(fd, &value, sizeof(value));
		if (n == sizeof(value))
			break;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n >= 0)
			return -EIO;
		/* Someone else consumed it: wait again. */
	}
	if (count)
		*count = value;
	return 0;
}
