/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uevent - kernel object uevents (NETLINK_KOBJECT_UEVENT) as the hotplug
 * tests see them: a DRM device's "change" event with HOTPLUG=1.
 */
#ifndef GUEST_UEVENT_H
#define GUEST_UEVENT_H

/* A socket bound to the kernel's uevent multicast group; fd or -errno. */
int uevent_open(void);

/*
 * uevent_wait_hotplug() - wait for HOTPLUG=1 from DRM card @minor
 * @fd: uevent_open()'s socket
 * @minor: N of /dev/dri/cardN (matched as DEVNAME=dri/cardN)
 * @timeout_ms: how long to wait in total
 *
 * Other uevents are read and dropped. Return: 0, -ETIMEDOUT or -errno.
 */
int uevent_wait_hotplug(int fd, int minor, int timeout_ms);

#endif /* GUEST_UEVENT_H */
