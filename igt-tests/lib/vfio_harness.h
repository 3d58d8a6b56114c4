/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_harness - drive a VFIO device (an mdev vGPU) the way a VMM does.
 *
 * A test plays the guest: it opens the device through its IOMMU group and a
 * type1v2 container (or, with the iommufd backend, through its VFIO cdev
 * bound to /dev/iommu, see enum vfio_backend), maps "guest memory" for DMA, reads and writes the
 * device's regions (config space, BARs), mmaps them, wires interrupts to
 * eventfds, resets the device and closes it again.
 *
 * Conventions: every function returns 0 (or a non-negative count/offset)
 * on success and a negative errno on failure; none prints or aborts, so a
 * test decides what a failure means (igt_assert_ok(), igt_require()).
 * Region accesses are not bounds-checked here: the kernel's checks are
 * what the tests exercise.
 *
 * Extension points for later work (display plane query, dma-buf, migration
 * FSM): vfio_dev_ioctl() issues any device ioctl, vfio_dev_feature() any
 * VFIO_DEVICE_FEATURE, vfio_region_find_by_type() locates device-specific
 * regions, vfio_info_cap_find() walks any info capability chain.
 */
#ifndef VFIO_HARNESS_H
#define VFIO_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "mdev_sysfs.h"

/**
 * struct vfio_region - what VFIO_DEVICE_GET_REGION_INFO says about a region
 * @valid: the query succeeded (false for indexes the device rejected)
 * @index: region index (VFIO_PCI_CONFIG_REGION_INDEX, ...)
 * @flags: VFIO_REGION_INFO_FLAG_{READ,WRITE,MMAP,CAPS}
 * @size: region size in bytes (0: unimplemented)
 * @offset: offset of the region in the device fd (for pread/pwrite/mmap)
 * @has_type: a VFIO_REGION_INFO_CAP_TYPE capability was present
 * @type: its type (VFIO_REGION_TYPE_*)
 * @subtype: its subtype
 * @msix_mappable: a VFIO_REGION_INFO_CAP_MSIX_MAPPABLE capability was present
 * @has_sparse: a VFIO_REGION_INFO_CAP_SPARSE_MMAP capability was present;
 *	only the listed areas may be mmapped
 * @nr_sparse: entries in @sparse
 * @sparse: the mmappable areas (allocated; see vfio_region_cleanup())
 */
struct vfio_region {
	bool valid;
	__u32 index;
	__u32 flags;
	__u64 size;
	__u64 offset;
	bool has_type;
	__u32 type;
	__u32 subtype;
	bool msix_mappable;
	bool has_sparse;
	__u32 nr_sparse;
	struct vfio_region_sparse_mmap_area *sparse;
};

/**
 * enum vfio_backend - how a device is opened and its DMA is mapped
 * @VFIO_BACKEND_TYPE1: the IOMMU group in a container with the type1v2
 *	IOMMU (/dev/vfio/vfio, /dev/vfio/<group>); every kernel has it
 * @VFIO_BACKEND_IOMMUFD: the device's cdev (/dev/vfio/devices/vfioN)
 *	bound to an iommufd (/dev/iommu), DMA mapped in an IOAS; kernels
 *	with CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV (6.6 and later)
 *
 * vfio_dev_open() uses the backend named by the environment variable
 * VFIO_HARNESS_BACKEND ("type1", the default, or "iommufd"), so that one
 * test binary runs over either; vfio_dev_open_backend() picks one.
 */
enum vfio_backend {
	VFIO_BACKEND_TYPE1,
	VFIO_BACKEND_IOMMUFD,
};

/**
 * struct vfio_dev - an open VFIO device and what gives it its DMA
 * @backend: how it was opened
 * @container_fd: type1: /dev/vfio/vfio, with the type1v2 IOMMU set
 * @group_fd: type1: /dev/vfio/<group_id>
 * @device_fd: from VFIO_GROUP_GET_DEVICE_FD or the opened cdev
 * @group_id: the IOMMU group number (type1)
 * @container_set: type1: the group is attached to the container
 * @iommufd: iommufd: /dev/iommu, the device bound to it
 * @ioas_id: iommufd: the IOAS the device is attached to
 * @devid: iommufd: the device's id in the iommufd
 * @name: device name in its group (the UUID for an mdev)
 * @info: VFIO_DEVICE_GET_INFO (num_regions, num_irqs, flags)
 * @regions: @info.num_regions cached region infos, queried at open
 * @irqs: @info.num_irqs cached IRQ infos, queried at open (argsz 0: the
 *	query failed)
 *
 * vfio_dev_open() always leaves the structure in a state vfio_dev_close()
 * accepts, even when it fails.
 */
struct vfio_dev {
	enum vfio_backend backend;
	int container_fd;
	int group_fd;
	int device_fd;
	int group_id;
	bool container_set;
	int iommufd;
	__u32 ioas_id;
	__u32 devid;
	char name[64];
	struct vfio_device_info info;
	struct vfio_region *regions;
	struct vfio_irq_info *irqs;
};

/**
 * struct vfio_guest_mem - anonymous memory mapped for DMA at an IOVA
 * @vaddr: where the test reads and writes it
 * @iova: the guest physical (IO virtual) address the device sees
 * @size: bytes, a multiple of the page size
 * @dma_mapped: VFIO_IOMMU_MAP_DMA succeeded and has not been undone
 */
struct vfio_guest_mem {
	void *vaddr;
	__u64 iova;
	__u64 size;
	bool dma_mapped;
};

/* --- device lifetime ---------------------------------------------------- */

/**
 * vfio_dev_init() - mark every fd closed, so vfio_dev_close() is harmless
 * @dev: the structure (vfio_dev_open() does this itself first)
 */
void vfio_dev_init(struct vfio_dev *dev);

/**
 * vfio_dev_open() - open a VFIO device from its sysfs directory
 * @dev: filled in
 * @sysfs_dir: the device's directory, e.g. /sys/bus/mdev/devices/<uuid>;
 *	its basename is the device name passed to VFIO_GROUP_GET_DEVICE_FD
 *
 * With the type1 backend: reads the iommu_group link, opens the container,
 * checks the API version (-EPROTO) and the type1v2 extension
 * (-EOPNOTSUPP), opens the group, checks it is viable (-EBUSY), attaches
 * it, sets the IOMMU and gets the device fd. The backend is
 * VFIO_HARNESS_BACKEND's (see enum vfio_backend; -EINVAL for a bad value).
 * Then caches the device, region and IRQ infos.
 *
 * Return: 0 or -errno; on failure everything opened so far is closed.
 */
int vfio_dev_open(struct vfio_dev *dev, const char *sysfs_dir);

/**
 * vfio_dev_open_backend() - vfio_dev_open() with a chosen backend
 * @dev: filled in
 * @sysfs_dir: as for vfio_dev_open()
 * @backend: VFIO_BACKEND_TYPE1 as vfio_dev_open() describes, or
 *	VFIO_BACKEND_IOMMUFD: opens /dev/iommu and the cdev named by
 *	<sysfs_dir>/vfio-dev/ (-ENODEV when there is none), binds the device
 *	to the iommufd, allocates an IOAS and attaches the device to it
 *
 * Return: 0 or -errno; on failure everything opened so far is closed.
 */
int vfio_dev_open_backend(struct vfio_dev *dev, const char *sysfs_dir,
			  enum vfio_backend backend);

/**
 * vfio_backend_from_env() - the backend VFIO_HARNESS_BACKEND names
 * @backend: receives it (VFIO_BACKEND_TYPE1 when the variable is unset)
 *
 * Return: 0, or -EINVAL for a value that names no backend.
 */
int vfio_backend_from_env(enum vfio_backend *backend);

/**
 * vfio_backend_name() - "type1" or "iommufd"
 * @backend: the backend
 *
 * Return: its name, as VFIO_HARNESS_BACKEND spells it.
 */
const char *vfio_backend_name(enum vfio_backend backend);

/**
 * vfio_dev_open_mdev() - vfio_dev_open() for bus/mdev/devices/<uuid>
 * @dev: filled in
 * @uuid: the mdev's UUID
 *
 * Return: 0 or -errno.
 */
int vfio_dev_open_mdev(struct vfio_dev *dev, const char *uuid);

/**
 * vfio_dev_close() - close the device, detach the group, close the container
 * @dev: a device vfio_dev_open() filled in (successfully or not), or one
 *	set up with vfio_dev_init()
 *
 * Order: device fd, VFIO_GROUP_UNSET_CONTAINER, group fd, container fd
 * (which drops the remaining DMA mappings); for iommufd the device fd,
 * then the iommufd (which drops the IOAS). Safe to call twice.
 *
 * Return: 0, or the first -errno met (everything is closed regardless).
 */
int vfio_dev_close(struct vfio_dev *dev);

/**
 * vfio_dev_reset() - VFIO_DEVICE_RESET
 * @dev: the device
 *
 * Return: 0 or -errno.
 */
int vfio_dev_reset(struct vfio_dev *dev);

/**
 * vfio_ioctl() - an ioctl on any fd of the harness (device, container,
 *	group, iommufd) in its return convention
 * @fd: the fd; negative (not open) gives -EBADF without a system call
 * @request: the ioctl number
 * @arg: its argument
 *
 * Return: the ioctl's non-negative return value, or -errno.
 */
int vfio_ioctl(int fd, unsigned long request, void *arg);

/**
 * vfio_mig_set_state() - VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, SET: move
 *	the device's migration FSM to @state
 * @dev: the device
 * @state: enum vfio_device_mig_state
 * @data_fd: the data transfer file the arc opened, else -1
 *
 * Return: 0 or -errno.
 */
int vfio_mig_set_state(struct vfio_dev *dev, __u32 state, int *data_fd);

/**
 * vfio_mig_get_state() - the device's migration state (GET)
 * @dev: the device
 *
 * Return: enum vfio_device_mig_state, or -errno.
 */
int vfio_mig_get_state(struct vfio_dev *dev);

/* The name of migration state @state (enum vfio_device_mig_state), or "?". */
const char *vfio_mig_state_name(__u32 state);

/**
 * vfio_dev_ioctl() - any ioctl on the device fd
 * @dev: the device
 * @request: the ioctl number
 * @arg: its argument
 *
 * Return: the ioctl's non-negative return value, or -errno.
 */
int vfio_dev_ioctl(struct vfio_dev *dev, unsigned long request, void *arg);

/**
 * vfio_dev_feature() - VFIO_DEVICE_FEATURE with a payload
 * @dev: the device
 * @flags: feature index | VFIO_DEVICE_FEATURE_{GET,SET,PROBE}
 * @data: payload in (SET) or out (GET); may be NULL when @size is 0
 * @size: payload size
 *
 * Return: the ioctl's non-negative return value, or -errno.
 */
int vfio_dev_feature(struct vfio_dev *dev, __u32 flags, void *data,
		     size_t size);

/* --- guest memory (the container's IOMMU or the IOAS) ------------------ */

/**
 * vfio_dma_map() - VFIO_IOMMU_MAP_DMA, or IOMMU_IOAS_MAP at a fixed IOVA
 * @dev: the device whose container is used
 * @vaddr: process memory backing the mapping
 * @iova: device-visible address
 * @size: bytes
 * @flags: VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE
 *
 * Return: 0 or -errno.
 */
int vfio_dma_map(struct vfio_dev *dev, void *vaddr, __u64 iova, __u64 size,
		 __u32 flags);

/**
 * vfio_dma_unmap() - VFIO_IOMMU_UNMAP_DMA, or IOMMU_IOAS_UNMAP
 * @dev: the device whose container is used
 * @iova: start of the range
 * @size: bytes
 *
 * Return: the number of bytes the kernel unmapped, or -errno (an IOAS
 * answers -ENOENT for a range without mappings, type1 unmaps 0 bytes).
 */
__s64 vfio_dma_unmap(struct vfio_dev *dev, __u64 iova, __u64 size);

/**
 * vfio_guest_mem_alloc() - anonymous memory, zeroed, mapped for DMA
 * @dev: the device whose container is used
 * @mem: filled in
 * @iova: device-visible address (page aligned)
 * @size: bytes, rounded up to the page size
 *
 * Return: 0 or -errno; on failure nothing stays allocated.
 */
int vfio_guest_mem_alloc(struct vfio_dev *dev, struct vfio_guest_mem *mem,
			 __u64 iova, __u64 size);

/**
 * vfio_guest_mem_free() - unmap from the IOMMU, then free
 * @dev: the device whose container is used
 * @mem: from vfio_guest_mem_alloc(); cleared
 *
 * Return: 0, or -errno from the unmap (-EIO if the kernel unmapped less
 * than the whole range); the memory is freed regardless.
 */
int vfio_guest_mem_free(struct vfio_dev *dev, struct vfio_guest_mem *mem);

/**
 * vfio_guest_mem_ptr() - the process address of a guest address range
 * @mem: the guest memory
 * @iova: start of the range
 * @len: its length
 *
 * Return: the pointer, or NULL when the range is not inside @mem.
 */
void *vfio_guest_mem_ptr(const struct vfio_guest_mem *mem, __u64 iova,
			 __u64 len);

/* --- regions ------------------------------------------------------------ */

/**
 * vfio_region_info() - query a region, walking its capability chain
 * @dev: the device
 * @index: region index
 * @region: filled in; release with vfio_region_cleanup()
 *
 * Return: 0, -EPROTO for a malformed capability chain, or -errno.
 */
int vfio_region_info(struct vfio_dev *dev, __u32 index,
		     struct vfio_region *region);

/**
 * vfio_region_parse() - fill a struct vfio_region from a raw region info
 * @info: a struct vfio_region_info followed by its capabilities
 * @argsz: bytes valid at @info
 * @region: filled in; release with vfio_region_cleanup()
 *
 * Used by vfio_region_info(); public so the parsing can be unit tested.
 *
 * Return: 0, -EPROTO for a malformed chain, or -ENOMEM.
 */
int vfio_region_parse(const struct vfio_region_info *info, size_t argsz,
		      struct vfio_region *region);

/**
 * vfio_region_cleanup() - free what vfio_region_info() allocated
 * @region: the region
 */
void vfio_region_cleanup(struct vfio_region *region);

/**
 * vfio_dev_region() - the region info cached at open
 * @dev: the device
 * @index: region index
 *
 * Return: the region, or NULL if @index is out of range or was rejected.
 */
const struct vfio_region *vfio_dev_region(const struct vfio_dev *dev,
					  __u32 index);

/**
 * vfio_region_find_by_type() - find a device-specific region
 * @dev: the device
 * @type: VFIO_REGION_TYPE_* from the region's type capability
 * @subtype: its subtype
 *
 * Return: the region index, or -ENOENT.
 */
int vfio_region_find_by_type(const struct vfio_dev *dev, __u32 type,
			     __u32 subtype);

/**
 * vfio_info_cap_find() - find a capability in an info structure's chain
 * @info: the info structure (region, device or IRQ info) as the kernel
 *	filled it
 * @argsz: bytes valid at @info
 * @cap_offset: offset of the first capability (0: no chain)
 * @id: the capability id
 *
 * Every header must lie inside @argsz and each next offset must be larger
 * than the current one, so a malformed chain cannot loop.
 *
 * Return: the capability header, or NULL if absent or the chain is
 * malformed.
 */
const struct vfio_info_cap_header *
vfio_info_cap_find(const void *info, size_t argsz, __u32 cap_offset, __u16 id);

/**
 * vfio_region_read() - pread() at an offset inside a region
 * @dev: the device
 * @index: region index
 * @offset: offset inside the region
 * @buf: destination
 * @len: bytes
 *
 * Return: bytes read (may be short), or -errno.
 */
ssize_t vfio_region_read(struct vfio_dev *dev, __u32 index, __u64 offset,
			 void *buf, size_t len);

/**
 * vfio_region_write() - pwrite() at an offset inside a region
 * @dev: the device
 * @index: region index
 * @offset: offset inside the region
 * @buf: source
 * @len: bytes
 *
 * Return: bytes written (may be short), or -errno.
 */
ssize_t vfio_region_write(struct vfio_dev *dev, __u32 index, __u64 offset,
			  const void *buf, size_t len);

/*
 * Sized accessors: one access of exactly that width, little endian (the
 * byte order of PCI config space and of vfio-pci BAR accesses). A short
 * transfer is -EIO.
 */
int vfio_region_read8(struct vfio_dev *dev, __u32 index, __u64 offset,
		      __u8 *val);
int vfio_region_read16(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u16 *val);
int vfio_region_read32(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u32 *val);
int vfio_region_read64(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u64 *val);
int vfio_region_write8(struct vfio_dev *dev, __u32 index, __u64 offset,
		       __u8 val);
int vfio_region_write16(struct vfio_dev *dev, __u32 index, __u64 offset,
			__u16 val);
int vfio_region_write32(struct vfio_dev *dev, __u32 index, __u64 offset,
			__u32 val);
int vfio_region_write64(struct vfio_dev *dev, __u32 index, __u64 offset,
			__u64 val);

/* PCI config space (VFIO_PCI_CONFIG_REGION_INDEX) accessors. */
int vfio_config_read8(struct vfio_dev *dev, __u32 offset, __u8 *val);
int vfio_config_read16(struct vfio_dev *dev, __u32 offset, __u16 *val);
int vfio_config_read32(struct vfio_dev *dev, __u32 offset, __u32 *val);
int vfio_config_write8(struct vfio_dev *dev, __u32 offset, __u8 val);
int vfio_config_write16(struct vfio_dev *dev, __u32 offset, __u16 val);
int vfio_config_write32(struct vfio_dev *dev, __u32 offset, __u32 val);

/**
 * vfio_config_find_cap() - walk the PCI capability list in config space
 * @dev: the device
 * @cap_id: PCI capability id (e.g. 0x05 for MSI)
 *
 * Return: config space offset of the capability, -ENOENT if absent,
 * -EPROTO if the list is malformed (loops, points into the header), or
 * -errno.
 */
int vfio_config_find_cap(struct vfio_dev *dev, __u8 cap_id);

/**
 * vfio_region_mmap() - mmap part of a region
 * @dev: the device
 * @index: region index
 * @offset: offset inside the region (page aligned)
 * @len: bytes
 * @prot: PROT_READ | PROT_WRITE
 * @addr: receives the mapping
 *
 * Return: 0 or -errno (the kernel decides whether the range may be mapped).
 */
int vfio_region_mmap(struct vfio_dev *dev, __u32 index, __u64 offset,
		     size_t len, int prot, void **addr);

/**
 * vfio_region_munmap() - undo vfio_region_mmap()
 * @addr: the mapping
 * @len: its length
 *
 * Return: 0 or -errno.
 */
int vfio_region_munmap(void *addr, size_t len);

/* --- interrupts ---------------------------------------------------------- */

/**
 * vfio_irq_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @dev: the device
 * @index: IRQ index (VFIO_PCI_INTX_IRQ_INDEX, ...)
 * @info: filled in
 *
 * Return: 0 or -errno.
 */
int vfio_irq_info(struct vfio_dev *dev, __u32 index,
		  struct vfio_irq_info *info);

/**
 * vfio_irq_set_eventfds() - SET_IRQS DATA_EVENTFD | ACTION_TRIGGER
 * @dev: the device
 * @index: IRQ index
 * @start: first vector
 * @count: vectors
 * @fds: @count eventfds; -1 de-assigns that vector
 *
 * Return: 0 or -errno.
 */
int vfio_irq_set_eventfds(struct vfio_dev *dev, __u32 index, __u32 start,
			  __u32 count, const __s32 *fds);

/**
 * vfio_irq_enable() - create eventfds and attach them as triggers
 * @dev: the device
 * @index: IRQ index
 * @start: first vector
 * @count: vectors
 * @fds: receives @count new eventfds (the caller closes them after
 *	vfio_irq_disable())
 *
 * Return: 0 or -errno; on failure no eventfd stays open.
 */
int vfio_irq_enable(struct vfio_dev *dev, __u32 index, __u32 start,
		    __u32 count, int *fds);

/**
 * vfio_irq_disable() - SET_IRQS DATA_NONE | ACTION_TRIGGER, count 0
 * @dev: the device
 * @index: IRQ index
 *
 * Return: 0 or -errno.
 */
int vfio_irq_disable(struct vfio_dev *dev, __u32 index);

/**
 * vfio_irq_action() - SET_IRQS with DATA_NONE or DATA_BOOL
 * @dev: the device
 * @index: IRQ index
 * @start: first vector
 * @count: vectors
 * @action: VFIO_IRQ_SET_ACTION_{MASK,UNMASK,TRIGGER}
 * @bools: NULL for DATA_NONE, else @count booleans (DATA_BOOL)
 *
 * Return: 0 or -errno.
 */
int vfio_irq_action(struct vfio_dev *dev, __u32 index, __u32 start,
		    __u32 count, __u32 action, const __u8 *bools);

/* vfio_irq_action() shorthands with DATA_NONE. */
int vfio_irq_mask(struct vfio_dev *dev, __u32 index, __u32 start,
		  __u32 count);
int vfio_irq_unmask(struct vfio_dev *dev, __u32 index, __u32 start,
		    __u32 count);
int vfio_irq_trigger(struct vfio_dev *dev, __u32 index, __u32 start,
		     __u32 count);

/**
 * vfio_irq_unmask_eventfd() - SET_IRQS DATA_EVENTFD | ACTION_UNMASK
 * @dev: the device
 * @index: IRQ index
 * @start: the vector
 * @fd: an eventfd whose signal unmasks the vector; -1 de-assigns
 *
 * Return: 0 or -errno.
 */
int vfio_irq_unmask_eventfd(struct vfio_dev *dev, __u32 index, __u32 start,
			    int fd);

/**
 * vfio_req_irq_enable() - an eventfd for the device-request interrupt
 * @dev: the device
 * @fd: receives the eventfd, signalled when the host wants the device back
 *	(e.g. an mdev remove while the device is open)
 *
 * Return: 0 or -errno.
 */
int vfio_req_irq_enable(struct vfio_dev *dev, int *fd);

/**
 * vfio_eventfd_create() - a non-blocking, close-on-exec eventfd
 *
 * Return: the fd, or -errno.
 */
int vfio_eventfd_create(void);

/**
 * vfio_eventfd_wait() - wait for an eventfd to be signalled and consume it
 * @fd: the eventfd
 * @timeout_ms: how long to wait; 0 polls, -1 waits forever
 * @count: if not NULL, receives the counter value (signals since the last
 *	read)
 *
 * Return: 0 when signalled, -ETIMEDOUT, or -errno.
 */
int vfio_eventfd_wait(int fd, int timeout_ms, __u64 *count);

#endif /* VFIO_HARNESS_H */
