// SPDX-License-Identifier: GPL-2.0
/*
 * uevent - see uevent.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "kms.h"
#include "uevent.h"

int uevent_open(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* the kernel's own events */
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* Does the message (NUL-separated "KEY=value" strings) say what we want? */
static bool uevent_is_hotplug(const char *msg, size_t len, const char *devname)
{
	bool hotplug = false, dev = false, drm = false;
	size_t off = 0;

	while (off < len) {
		const char *s = msg + off;

		if (!strcmp(s, "HOTPLUG=1"))
			hotplug = true;
		else if (!strcmp(s, "SUBSYSTEM=drm"))
			drm = true;
		else if (!strcmp(s, devname))
			dev = true;
		off += strlen(s) + 1;
	}
	return hotplug && dev && drm;
}

int uevent_wait_hotplug(int fd, int minor, int timeout_ms)
{
	__u64 deadline = kms_now_ns() + (__u64)timeout_ms * 1000000ull;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char devname[32], msg[8192];
	__u64 now;
	ssize_t n;
	int ret;

	snprintf(devname, sizeof(devname), "DEVNAME=dri/card%d", minor);
	for (;;) {
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		if (n > 0) {
			msg[n] = '\0';
			if (uevent_is_hotplug(msg, n, devname))
				return 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		now = kms_now_ns();
		if (now >= deadline)
			return -ETIMEDOUT;
		ret = poll(&p, 1, (deadline - now) / 1000000 + 1);
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}
