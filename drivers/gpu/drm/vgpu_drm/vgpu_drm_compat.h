/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shims for the kernel API changes between the Linux releases the guest
 * driver builds against (docs/kernels.md): Debian 12's 6.1 and its
 * backports' 6.12. One shim per change, each naming the release that made
 * it, in the style of the host modules' <vgpu/linux_compat.h> (which this
 * driver does not include: it builds with kernel headers alone). Version
 * tests put KERNEL_VERSION() first, as checkpatch wants.
 */
#ifndef _VGPU_DRM_COMPAT_H_
#define _VGPU_DRM_COMPAT_H_

#include <linux/pci.h>
#include <linux/version.h>

#include <drm/drm_prime.h>

/*
 * Linux 6.11: drm_fbdev_generic_setup() is gone; a driver on the GEM
 * shmem helpers sets up fbdev emulation with drm_fbdev_shmem_setup().
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#include <drm/drm_fbdev_shmem.h>
#else
#include <drm/drm_fb_helper.h>

static inline void drm_fbdev_shmem_setup(struct drm_device *dev,
					 unsigned int preferred_bpp)
{
	drm_fbdev_generic_setup(dev, preferred_bpp);
}
#endif

/*
 * Linux 6.8: PCI_IRQ_LEGACY is called PCI_IRQ_INTX (and later removed).
 */
#if KERNEL_VERSION(6, 8, 0) > LINUX_VERSION_CODE
#define PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

/*
 * Linux 6.6: struct drm_driver lost gem_prime_mmap; a dma-buf's mmap goes
 * to the GEM object's own. Before, a driver named drm_gem_prime_mmap()
 * there. Put KCOMPAT_DRM_GEM_PRIME_MMAP, without a comma, in the
 * drm_driver's initializer.
 */
#if KERNEL_VERSION(6, 6, 0) > LINUX_VERSION_CODE
#define KCOMPAT_DRM_GEM_PRIME_MMAP	.gem_prime_mmap = drm_gem_prime_mmap,
#else
#define KCOMPAT_DRM_GEM_PRIME_MMAP
#endif

#endif /* _VGPU_DRM_COMPAT_H_ */
