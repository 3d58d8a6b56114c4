/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shims for the kernel API changes between the Linux releases the host
 * modules build against (docs/kernels.md): Debian 12's 6.1 and its
 * backports' 6.12. One shim per change, each naming the release that made
 * it; nothing else forks on the kernel version.
 *
 * The code is written against the newer API. Where the newer kernel added
 * a name the older one lacks, the older one gets that name here
 * (vm_flags_set(), get_file_active()); where a name changed its meaning,
 * the shim has a kcompat_ name of its own. A shim goes when the older
 * kernel is no longer supported. The version tests put KERNEL_VERSION()
 * first, "6.12 <= this kernel": checkpatch takes an upper-case name left
 * of a comparison for a misplaced constant.
 *
 * The shims are macros, and apart from the unaligned accessors (the one
 * shim that is an include) this header includes nothing that defines a
 * struct: the file that uses a shim includes what the shim expands to, as
 * it would without it. That matters for mdev_driver.c, whose includes
 * decide the CRCs of the mdev exports (genksyms expands every struct the
 * unit defines); one more definition there changes them.
 *
 * The guest driver, which builds without this tree's headers, has its own
 * shims in drivers/gpu/drm/vgpu_drm/vgpu_drm_compat.h.
 */
#ifndef _VGPU_LINUX_COMPAT_H
#define _VGPU_LINUX_COMPAT_H

#include <linux/version.h>

/* Linux 6.12: <asm/unaligned.h> moved to <linux/unaligned.h>. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Linux 6.12: a file whose offsets may exceed LLONG_MAX (a DRM file's mmap
 * offsets) says so in its file_operations' fop_flags, and DRM refuses to
 * open a device whose file operations lack FOP_UNSIGNED_OFFSET; before,
 * drm_open() set FMODE_UNSIGNED_OFFSET on each file itself. Put
 * KCOMPAT_FOP_UNSIGNED_OFFSET, without a comma, in the initializer.
 */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#define KCOMPAT_FOP_UNSIGNED_OFFSET	.fop_flags = FOP_UNSIGNED_OFFSET,
#else
#define KCOMPAT_FOP_UNSIGNED_OFFSET
#endif

/*
 * Linux 6.11: the match() callback of struct bus_type takes a const
 * struct device_driver *. Declare the parameter as
 * "kcompat_bus_match_driver *drv".
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define kcompat_bus_match_driver	const struct device_driver
#else
#define kcompat_bus_match_driver	struct device_driver
#endif

/*
 * Linux 6.8: eventfd_signal() lost its count argument; it always adds 1,
 * the only count this tree uses.
 */
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
#define kcompat_eventfd_signal(ctx)	eventfd_signal(ctx)
#else
#define kcompat_eventfd_signal(ctx)	eventfd_signal(ctx, 1)
#endif

/*
 * Linux 6.7: get_file_rcu() takes a struct file __rcu ** (files are freed
 * by RCU); get_file_active() does what get_file_rcu() did for a pointer
 * kept valid by other means: it returns the file with a reference taken,
 * or NULL if its count already reached zero.
 */
#if KERNEL_VERSION(6, 7, 0) > LINUX_VERSION_CODE
#define get_file_active(f) ({						\
	struct file *__file = *(f);					\
									\
	__file && get_file_rcu(__file) ? __file : NULL;			\
})
#endif

/*
 * Linux 6.2: the migration FSM's PRE_COPY and PRE_COPY_P2P states, the
 * VFIO_MIGRATION_PRE_COPY flag and the data file's
 * VFIO_MIG_GET_PRECOPY_INFO. KCOMPAT_VFIO_MIGRATION_PRE_COPY is that flag,
 * or 0 where the kernel has no PRE_COPY; there the two states get their
 * numbers, for tables that list their arcs (the core never asks for them).
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define KCOMPAT_VFIO_MIGRATION_PRE_COPY	VFIO_MIGRATION_PRE_COPY
#else
#define KCOMPAT_VFIO_MIGRATION_PRE_COPY	0
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
#endif

/*
 * Linux 6.2: vfio_migration_ops.migration_get_data_size, which the core
 * calls without a NULL check from then on. Put
 * KCOMPAT_VFIO_MIG_DATA_SIZE(fn), without a comma, in the ops' initializer.
 */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define KCOMPAT_VFIO_MIG_DATA_SIZE(fn)	.migration_get_data_size = (fn),
#else
#define KCOMPAT_VFIO_MIG_DATA_SIZE(fn)
#endif

/*
 * Linux 6.3: vma->vm_flags is read-only; vm_flags_set() and
 * vm_flags_clear() change it (with the VMA write-locked).
 */
#if KERNEL_VERSION(6, 3, 0) > LINUX_VERSION_CODE
#define vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#define vm_flags_clear(vma, flags)	((vma)->vm_flags &= ~(flags))
#endif

/*
 * Linux 6.2: the vfio core frees a vfio_device itself after its release()
 * callback (and no longer exports vfio_free_device()); before, release()
 * had to end with vfio_free_device(). Call this at the end of release().
 */
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
#define kcompat_vfio_free_device(vdev)	vfio_free_device(vdev)
#else
#define kcompat_vfio_free_device(vdev)	do { } while (0)
#endif

/*
 * Linux 6.2: with CONFIG_IOMMUFD the vfio core registers a device only if
 * its vfio_device_ops have the iommufd callbacks; a device without an IOMMU
 * of its own (an mdev) takes the core's emulated ones. Linux 6.6 added
 * detach_ioas. Put KCOMPAT_VFIO_EMULATED_IOMMUFD_OPS, without a comma, in
 * the ops' initializer. 6.1 has no such callbacks.
 */
#if IS_ENABLED(CONFIG_IOMMUFD) && \
	KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define KCOMPAT_VFIO_EMULATED_IOMMUFD_OPS				\
	.bind_iommufd = vfio_iommufd_emulated_bind,			\
	.unbind_iommufd = vfio_iommufd_emulated_unbind,			\
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,		\
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#elif IS_ENABLED(CONFIG_IOMMUFD) && \
	KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define KCOMPAT_VFIO_EMULATED_IOMMUFD_OPS				\
	.bind_iommufd = vfio_iommufd_emulated_bind,			\
	.unbind_iommufd = vfio_iommufd_emulated_unbind,			\
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
#else
#define KCOMPAT_VFIO_EMULATED_IOMMUFD_OPS
#endif

#endif /* _VGPU_LINUX_COMPAT_H */
