/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdev_compat.h - what the compatibility tests (igt-tests/tests/mdev_*.c)
 * share: code written by others (the kernel's sample mdev drivers,
 * mdevctl, Debian's kvmgt.ko) run against our mdev core inside the test
 * VM (tools/vm/suites/{mdev-compat,mdevctl,kvmgt,nested-mtty}.sh).
 *
 * - Every mdev a test creates has a UUID starting with
 *   COMPAT_UUID_PREFIX, so that compat_cleanup() can remove what a failed
 *   subtest left behind before the next one starts.
 * - Modules are loaded and unloaded with finit_module()/delete_module(),
 *   from the paths under VGPU_ROOT (the suite sets it; without it the
 *   project root is found from the binary's own path).
 * - A NETLINK_KOBJECT_UEVENT listener sees the uevents the kernel sends
 *   (there is no udevd in the test VM, so nothing consumes them first).
 *
 * Everything is static inline: each test is one translation unit and uses
 * a different subset.
 */
#ifndef MDEV_COMPAT_H
#define MDEV_COMPAT_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/elf.h>
#include <linux/netlink.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "igt_core.h"
#include "mdev_sysfs.h"

/* First 8 hex digits of every UUID a compatibility test creates. */
#define COMPAT_UUID_PREFIX	"c0a7e570"

#define COMPAT_SYS_DEVICES	"/sys/bus/mdev/devices"
#define COMPAT_SYS_PARENTS	"/sys/class/mdev_bus"

/* The sample parents: each registers one parent device of its own name. */
#define COMPAT_SAMPLES		{ "mtty", "mdpy", "mbochs" }

/**
 * compat_uuid() - a fresh version 4 UUID starting with COMPAT_UUID_PREFIX
 * @uuid: receives it, lower case
 */
static inline void compat_uuid(char uuid[MDEV_UUID_STRLEN])
{
	unsigned char r[16];

	igt_assert(getrandom(r, sizeof(r), 0) == sizeof(r));
	snprintf(uuid, MDEV_UUID_STRLEN,
		 COMPAT_UUID_PREFIX "-%02x%02x-4%01x%02x-%01x%01x%02x-%02x%02x%02x%02x%02x%02x",
		 r[4], r[5], r[6] & 0xf, r[7], 8 | (r[8] & 3), r[8] >> 4,
		 r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

/**
 * compat_pathf() - format a path; fails the subtest if it does not fit
 * @buf: destination
 * @len: its size
 * @fmt: printf format
 */
static inline void compat_pathf(char *buf, size_t len, const char *fmt, ...)
	__igt_printf(3, 4);
static inline void compat_pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	igt_assert(n >= 0 && (size_t)n < len);
}

/**
 * compat_exists() - whether a path exists (without following a last link)
 * @path: the path
 */
static inline bool compat_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

/**
 * compat_count_mdevs() - how many mdevs exist, of every parent
 *
 * Return: the count (0 when the mdev bus does not exist).
 */
static inline int compat_count_mdevs(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir(COMPAT_SYS_DEVICES);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/**
 * compat_cleanup() - remove every mdev a compatibility test created
 *
 * Used by the fixtures, so that a subtest that failed half-way does not
 * leave devices that change what the next subtest measures.
 */
static inline void compat_cleanup(void)
{
	struct dirent *de;
	DIR *d;

	d = opendir(COMPAT_SYS_DEVICES);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, COMPAT_UUID_PREFIX,
			    strlen(COMPAT_UUID_PREFIX)))
			continue;
		if (mdev_remove(de->d_name))
			igt_debug("cleanup: removing %s failed\n", de->d_name);
		else
			igt_debug("cleanup: removed %s\n", de->d_name);
	}
	closedir(d);
}

/**
 * compat_root() - the project root (VGPU_ROOT)
 *
 * The suites set VGPU_ROOT; without it the root is found from the test
 * binary's path, <root>/build/bin/tests/<name>.
 *
 * Return: a static string.
 */
static inline const char *compat_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("VGPU_ROOT");
	ssize_t n;
	int i;

	if (env && *env)
		return env;
	if (root[0])
		return root;
	n = readlink("/proc/self/exe", root, sizeof(root) - 1);
	igt_assert(n > 0);
	root[n] = '\0';
	for (i = 0; i < 4; i++) {
		char *slash = strrchr(root, '/');

		igt_assert(slash && slash != root);
		*slash = '\0';
	}
	return root;
}

/**
 * compat_ko_root() - the tree whose kernel modules the VM loads
 *
 * VGPU_KO_ROOT when the suite runs on another kernel than the machine's
 * (a copy of the tree built for it, tools/modules-612.sh), else the
 * project root.
 *
 * Return: a static string.
 */
static inline const char *compat_ko_root(void)
{
	const char *env = getenv("VGPU_KO_ROOT");

	return env && *env ? env : compat_root();
}

/**
 * compat_sample_ko() - path of a sample module built by build-samples.sh
 * @name: "mtty", "mdpy", "mbochs" or "mdpy-fb"
 * @buf: receives <ko root>/build/samples/<name>.ko
 * @len: size of @buf
 */
static inline void compat_sample_ko(const char *name, char *buf, size_t len)
{
	compat_pathf(buf, len, "%s/build/samples/%s.ko", compat_ko_root(),
		     name);
}

/**
 * compat_module_state() - the initstate of a loaded module
 * @name: module name (with '_', as in /sys/module)
 * @buf: receives "live", "coming" or "going"
 * @len: size of @buf
 *
 * Return: 0, or -ENOENT when the module is not loaded.
 */
static inline int compat_module_state(const char *name, char *buf,
				      size_t len)
{
	char path[PATH_MAX];

	compat_pathf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return sysfs_read_str(path, buf, len) < 0 ? -ENOENT : 0;
}

/**
 * compat_module_loaded() - whether a module is loaded (any state)
 * @name: module name
 */
static inline bool compat_module_loaded(const char *name)
{
	char state[16];

	return !compat_module_state(name, state, sizeof(state));
}

/**
 * compat_module_load() - finit_module() a .ko file
 * @path: the file
 * @params: module parameters ("" for none)
 *
 * Return: 0 or -errno.
 */
static inline int compat_module_load(const char *path, const char *params)
{
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		ret = -errno;
	close(fd);
	return ret;
}

/**
 * compat_module_unload() - delete_module() without waiting
 * @name: module name
 *
 * Return: 0 or -errno (-EWOULDBLOCK: other modules use it; -EBUSY: in
 * use, or it has no exit function).
 */
static inline int compat_module_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

/* ELF note type of a GNU build id (in "GNU" notes). */
#define COMPAT_NT_GNU_BUILD_ID	3

/* Hex of a GNU build-id note (header, "GNU\0", id) into @hex. */
static inline int compat_note_hex(const unsigned char *note, size_t len,
				  char *hex, size_t hexlen)
{
	struct elf64_note nh;
	size_t off, i;

	if (len < sizeof(nh))
		return -EPROTO;
	memcpy(&nh, note, sizeof(nh));
	off = sizeof(nh) + ((nh.n_namesz + 3) & ~3u);
	if (nh.n_type != COMPAT_NT_GNU_BUILD_ID || off + nh.n_descsz > len ||
	    2 * nh.n_descsz + 1 > hexlen)
		return -EPROTO;
	for (i = 0; i < nh.n_descsz; i++)
		sprintf(hex + 2 * i, "%02x", note[off + i]);
	return 0;
}

/**
 * compat_ko_build_id() - the GNU build id of a module file
 * @path: the .ko
 * @hex: receives the id in hex
 * @hexlen: size of @hex (at least 41 for SHA-1 ids)
 *
 * Return: 0 or -errno (-EPROTO: no such note).
 */
static inline int compat_ko_build_id(const char *path, char *hex,
				     size_t hexlen)
{
	const struct elf64_shdr *sh, *strtab;
	const struct elf64_hdr *eh;
	unsigned char *img;
	struct stat st;
	int fd, ret = -EPROTO;
	unsigned int i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size < (off_t)sizeof(*eh)) {
		close(fd);
		return -EPROTO;
	}
	img = malloc(st.st_size);
	if (!img || read(fd, img, st.st_size) != st.st_size) {
		free(img);
		close(fd);
		return -EIO;
	}
	close(fd);

	eh = (const struct elf64_hdr *)img;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shoff + (__u64)eh->e_shnum * sizeof(*sh) > (__u64)st.st_size ||
	    eh->e_shstrndx >= eh->e_shnum)
		goto out;
	sh = (const struct elf64_shdr *)(img + eh->e_shoff);
	strtab = &sh[eh->e_shstrndx];
	for (i = 0; i < eh->e_shnum; i++) {
		const char *name = (const char *)img + strtab->sh_offset +
				   sh[i].sh_name;

		if (strtab->sh_offset + sh[i].sh_name >= (__u64)st.st_size ||
		    sh[i].sh_offset + sh[i].sh_size > (__u64)st.st_size)
			continue;
		if (strcmp(name, ".note.gnu.build-id"))
			continue;
		ret = compat_note_hex(img + sh[i].sh_offset, sh[i].sh_size,
				      hex, hexlen);
		break;
	}
out:
	free(img);
	return ret;
}

/**
 * compat_loaded_build_id() - the GNU build id of a loaded module
 * @name: module name
 * @hex: receives the id in hex
 * @hexlen: size of @hex
 *
 * Return: 0 or -errno.
 */
static inline int compat_loaded_build_id(const char *name, char *hex,
					 size_t hexlen)
{
	unsigned char note[256];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	compat_pathf(path, sizeof(path),
		     "/sys/module/%s/notes/.note.gnu.build-id", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, note, sizeof(note));
	close(fd);
	if (n < 0)
		return -errno;
	return compat_note_hex(note, n, hex, hexlen);
}

/**
 * compat_our_mdev_loaded() - whether the loaded mdev module is ours
 *
 * Compares the GNU build id of the loaded "mdev" with the one of
 * <ko root>/drivers/vfio/mdev/mdev.ko. Only inside a test VM is ours loaded:
 * the tests load nothing unless this holds, so that run by mistake on a
 * development machine they skip instead.
 */
static inline bool compat_our_mdev_loaded(void)
{
	char ko[PATH_MAX], want[129], have[129];

	compat_pathf(ko, sizeof(ko), "%s/drivers/vfio/mdev/mdev.ko",
		     compat_ko_root());
	if (compat_ko_build_id(ko, want, sizeof(want)) ||
	    compat_loaded_build_id("mdev", have, sizeof(have)))
		return false;
	return !strcmp(want, have);
}

/**
 * compat_sample_load() - load a sample module unless it is loaded
 * @name: "mtty", "mdpy" or "mbochs"
 *
 * Return: 0 or -errno.
 */
static inline int compat_sample_load(const char *name)
{
	char ko[PATH_MAX];
	int ret;

	if (compat_module_loaded(name))
		return 0;
	compat_sample_ko(name, ko, sizeof(ko));
	ret = compat_module_load(ko, "");
	return ret == -EEXIST ? 0 : ret;
}

/**
 * compat_require_samples() - skip unless the sample parents can be had
 *
 * Loads the samples that are not loaded (a failed subtest may have left
 * one unloaded); skips unless our mdev core is the one loaded.
 */
static inline void compat_require_samples(void)
{
	static const char * const samples[] = COMPAT_SAMPLES;
	unsigned int i;
	int ret;

	igt_require_f(compat_our_mdev_loaded(),
		      "our mdev.ko is not loaded (run tools/vm/run-vm --suite mdev-compat)\n");
	for (i = 0; i < IGT_ARRAY_SIZE(samples); i++) {
		ret = compat_sample_load(samples[i]);
		igt_assert_f(!ret, "loading sample %s: %s\n", samples[i],
			     strerror(-ret));
	}
}

/**
 * compat_now() - monotonic time in seconds
 */
static inline double compat_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * compat_run() - run a command, capture its stdout and stderr together
 * @argv: the command, NULL-terminated (argv[0] is looked up in PATH)
 * @out: receives the output, NUL-terminated (truncated if too long)
 * @len: size of @out
 *
 * Return: the exit status, 128 + signal if it was killed, -errno if it
 * could not be started.
 */
static inline int compat_run(const char *const argv[], char *out, size_t len)
{
	size_t used = 0;
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (!pid) {
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char scratch[512];
		char *dst = used + 1 < len ? out + used : scratch;
		size_t room = used + 1 < len ? len - used - 1 : sizeof(scratch);
		ssize_t n = read(pipefd[0], dst, room);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst != scratch)
			used += n;
	}
	close(pipefd[0]);
	if (len)
		out[used < len ? used : len - 1] = '\0';
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* --- uevents ------------------------------------------------------------ */

/**
 * struct compat_uevent - one kernel uevent
 * @action: "add", "remove", "change", "bind", "unbind", ...
 * @devpath: the kobject path under /sys
 * @env: the KEY=value strings, one after the other, each NUL-terminated
 * @env_len: bytes used in @env
 */
struct compat_uevent {
	char action[32];
	char devpath[PATH_MAX];
	char env[4096];
	size_t env_len;
};

/**
 * compat_uevent_open() - a socket that receives the kernel's uevents
 *
 * Return: the socket (the caller closes it).
 */
static inline int compat_uevent_open(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,	/* the kernel's own broadcasts */
	};
	int fd, size = 1 << 20;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	igt_assert_f(fd >= 0, "netlink uevent socket: %s\n", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	igt_assert_f(!bind(fd, (struct sockaddr *)&addr, sizeof(addr)),
		     "bind netlink uevent socket: %s\n", strerror(errno));
	return fd;
}

/**
 * compat_uevent_get() - look up KEY in a uevent's environment
 * @ev: the uevent
 * @key: e.g. "MDEV_STATE"
 *
 * Return: the value, or NULL.
 */
static inline const char *compat_uevent_get(const struct compat_uevent *ev,
					    const char *key)
{
	size_t klen = strlen(key), off = 0;

	while (off < ev->env_len) {
		const char *s = ev->env + off;

		if (!strncmp(s, key, klen) && s[klen] == '=')
			return s + klen + 1;
		off += strlen(s) + 1;
	}
	return NULL;
}

/**
 * compat_uevent_recv() - receive the next uevent
 * @fd: from compat_uevent_open()
 * @ev: filled in
 * @timeout_ms: how long to wait
 *
 * Return: 0, or -ETIMEDOUT.
 */
static inline int compat_uevent_recv(int fd, struct compat_uevent *ev,
				     int timeout_ms)
{
	char buf[8192];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *at, *end;
	ssize_t n;
	size_t hlen;

	for (;;) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "ACTION@DEVPATH\0KEY=value\0...". */
		at = strchr(buf, '@');
		hlen = strlen(buf);
		if (!at || (size_t)n <= hlen)
			continue;
		break;
	}
	memset(ev, 0, sizeof(*ev));
	snprintf(ev->action, sizeof(ev->action), "%.*s", (int)(at - buf), buf);
	snprintf(ev->devpath, sizeof(ev->devpath), "%s", at + 1);
	end = buf + n;
	at = buf + hlen + 1;
	ev->env_len = end - at;
	if (ev->env_len > sizeof(ev->env) - 1)
		ev->env_len = sizeof(ev->env) - 1;
	memcpy(ev->env, at, ev->env_len);
	return 0;
}

/**
 * compat_uevent_wait() - wait for a uevent matching what is given
 * @fd: from compat_uevent_open()
 * @action: required action, or NULL for any
 * @devpath_end: required end of the devpath (e.g. "/mtty" or a UUID), or
 *	NULL for any
 * @key: a required environment key, or NULL
 * @value: its required value, or NULL for any value
 * @timeout_ms: overall time allowed
 * @ev: receives the match
 *
 * Uevents that do not match are dropped.
 *
 * Return: 0, or -ETIMEDOUT.
 */
static inline int compat_uevent_wait(int fd, const char *action,
				     const char *devpath_end, const char *key,
				     const char *value, int timeout_ms,
				     struct compat_uevent *ev)
{
	double deadline = compat_now() + timeout_ms / 1000.0;

	for (;;) {
		int left = (int)((deadline - compat_now()) * 1000);
		const char *v;
		size_t dl, el;

		if (left < 0 || compat_uevent_recv(fd, ev, left))
			return -ETIMEDOUT;
		igt_debug("uevent %s@%s\n", ev->action, ev->devpath);
		if (action && strcmp(ev->action, action))
			continue;
		if (devpath_end) {
			dl = strlen(ev->devpath);
			el = strlen(devpath_end);
			if (dl < el ||
			    strcmp(ev->devpath + dl - el, devpath_end))
				continue;
		}
		if (key) {
			v = compat_uevent_get(ev, key);
			if (!v || (value && strcmp(v, value)))
				continue;
		}
		return 0;
	}
}

#endif /* MDEV_COMPAT_H */
