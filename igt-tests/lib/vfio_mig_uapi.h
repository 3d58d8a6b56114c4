/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_mig_uapi - the VFIO migration uAPI newer than Debian 12's
 * userspace headers (Linux 6.1): PRE_COPY and VFIO_MIG_GET_PRECOPY_INFO
 * (Linux 6.2), the STOP_COPY size estimate (Linux 6.3). Values from
 * <linux/vfio.h>; defined only where the headers lack them.
 */
#ifndef VFIO_MIG_UAPI_H
#define VFIO_MIG_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>

#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY		0x4
#define VFIO_DEVICE_STATE_PRE_COPY	6
#define VFIO_DEVICE_STATE_PRE_COPY_P2P	7
struct vfio_precopy_info {
	__u32 argsz;
	__u32 flags;
	__aligned_u64 initial_bytes;
	__aligned_u64 dirty_bytes;
};

#define VFIO_MIG_GET_PRECOPY_INFO	_IO(VFIO_TYPE, VFIO_BASE + 21)
#endif

#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#endif

#endif /* VFIO_MIG_UAPI_H */
