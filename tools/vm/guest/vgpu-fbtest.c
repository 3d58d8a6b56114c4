// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu-fbtest - show a known picture on a vGPU's head 0 from a nested
 * guest, without a guest driver.
 *
 * Usage: vgpu-fbtest [--go-port PORT] [--go-timeout SECS] [--wait-only]
 *
 * Run as root in an L2 guest that has the vGPU (PCI 1234:5647) passed
 * through by QEMU (tools/vm/suites/vgpu-display-nested.sh). Through BAR0
 * (sysfs resource0, mmap) it reads the PV info page, maps a 1024x768
 * XRGB8888 framebuffer of its own locked memory into the first pages of
 * the vGPU's slice (one GGTT entry per page, physical addresses from
 * /proc/self/pagemap), draws the picture of fbtest-pattern.h with the CPU,
 * programs pipe 0 for 1024x768 at 60 Hz and commits the primary plane.
 * Once PLANE_SURFLIVE shows the surface it prints FB_READY=1 and waits
 * for the host's go: a 'G' arriving on the 16550 UART at PORT (default
 * 0x3e8, the third serial port, which the suite connects to a socket),
 * polled with port I/O so no driver and no interrupt is involved; at most
 * SECS seconds of the guest's clock (default 180). Then it turns the plane
 * and the pipe off, clears its GGTT entries and exits. --wait-only skips
 * the device: it prints FB_READY=1 and waits for the go, which tests the
 * host side's plumbing in a guest without a vGPU.
 *
 * Output: KEY=value lines on stdout (tests/vgpu_display_nested.c reads
 * them). Exit status 0 when the plane was shown and taken down again.
 * Built static (tools/vm/guest/build.mk) so it starts fast in L2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vgpu_if.h>

#include "fbtest-pattern.h"

#define PAGE		4096UL
#define PCI_DEVICES	"/sys/bus/pci/devices"

/* VESA 1024x768 at 60 Hz (DMT): 65 MHz, 1344x806 total. */
#define MODE_HTOTAL	1344
#define MODE_HSYNC_S	1048
#define MODE_HSYNC_E	1184
#define MODE_VTOTAL	806
#define MODE_VSYNC_S	771
#define MODE_VSYNC_E	777
#define MODE_CLOCK_KHZ	65000

/* 16550 registers (offsets from the base port). */
#define UART_RBR	0
#define UART_IER	1
#define UART_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_LSR_DR	0x01

/*
 * BAR0 through the sysfs resource0 mapping (uncached). Each access is one
 * load or store of its size: relaxed atomics, which the compiler neither
 * splits, merges nor drops.
 */
static __u8 *bar;

static __u32 rd(__u32 off)
{
	return __atomic_load_n((__u32 *)(bar + off), __ATOMIC_RELAXED);
}

static void wr(__u32 off, __u32 val)
{
	__atomic_store_n((__u32 *)(bar + off), val, __ATOMIC_RELAXED);
}

static void wr64(__u32 off, __u64 val)
{
	__atomic_store_n((__u64 *)(bar + off), val, __ATOMIC_RELAXED);
}

static __u64 rd64(__u32 off)
{
	return __atomic_load_n((__u64 *)(bar + off), __ATOMIC_RELAXED);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int fail(const char *what)
{
	printf("FBTEST_ERROR=%s\n", what);
	return 1;
}

static int read_hex(const char *dir, const char *name, unsigned long *val)
{
	char path[600], buf[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = !!fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!ok)
		return -1;
	*val = strtoul(buf, NULL, 0);
	return 0;
}

/* The sysfs directory of the first 1234:5647 device, in @dir. */
static int find_vgpu(char *dir, size_t len)
{
	unsigned long vendor, device;
	struct dirent *e;
	DIR *d;
	int found = -1;

	d = opendir(PCI_DEVICES);
	if (!d)
		return -1;
	while (found && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, len, "%s/%s", PCI_DEVICES, e->d_name);
		if (!read_hex(dir, "vendor", &vendor) &&
		    !read_hex(dir, "device", &device) &&
		    vendor == VGPU_PCI_VENDOR_ID && device == VGPU_PCI_DEVICE_ID)
			found = 0;
	}
	closedir(d);
	return found;
}

static int enable_device(const char *dir)
{
	char path[600];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/enable", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, "1", 1) == 1 ? 0 : -1;
	/* Already enabled (a driver holds it): decoding is on anyway. */
	if (ret && errno == EBUSY)
		ret = 0;
	close(fd);
	return ret;
}

/* Guest physical frame of the page at @addr, 0 if unknown. */
static __u64 phys_frame(int pagemap, const void *addr)
{
	__u64 ent;
	off_t off = (off_t)((uintptr_t)addr / PAGE) * sizeof(ent);

	if (pread(pagemap, &ent, sizeof(ent), off) != sizeof(ent))
		return 0;
	if (!(ent >> 63))		/* not present */
		return 0;
	return ent & ((1ULL << 55) - 1);
}

/* Best effort: keep compaction from moving our locked pages. */
static void pin_in_place(void)
{
	int fd = open("/proc/sys/vm/compact_unevictable_allowed", O_WRONLY);

	if (fd >= 0) {
		if (write(fd, "0", 1) != 1)
			printf("FBTEST_NOTE=compact_unevictable_allowed not set\n");
		close(fd);
	}
}

static __u32 timing(unsigned int hi, unsigned int lo)
{
	return (hi - 1) << VGPU_TIMING_HI_SHIFT | (lo - 1);
}

/* Wait until (reg & mask) == want, at most @ms milliseconds. */
static int wait_reg(__u32 reg, __u32 mask, __u32 want, unsigned int ms)
{
	double end = now() + ms / 1000.0;

	do {
		if ((rd(reg) & mask) == want)
			return 0;
		nap_ms(2);
	} while (now() < end);
	return (rd(reg) & mask) == want ? 0 : -1;
}

/*
 * The go channel: program the UART at @port (8N1, no interrupts, FIFOs
 * on) before telling the host we are ready, so that a 'G' sent at once is
 * kept; changing the FIFO mode later would drop it. Returns 0, or -1 when
 * nothing answers at @port.
 */
static int go_open(unsigned int port)
{
	if (ioperm(port, 8, 1)) {
		printf("FBTEST_NOTE=ioperm failed: %s\n", strerror(errno));
		return -1;
	}
	outb(0x03, port + UART_LCR);
	outb(0x00, port + UART_IER);
	outb(0x01, port + UART_FCR);
	outb(0x03, port + UART_MCR);
	return inb(port + UART_LSR) == 0xff ? -1 : 0;
}

/*
 * The host's go: a 'G' on the UART at @port, at most @secs seconds.
 * Returns "signal", "timeout" or "no-uart" (nothing answers at @port: then
 * it only waits, bounded, so the host still has its time to look).
 */
static const char *wait_for_go(int uart, unsigned int port, unsigned int secs)
{
	double end = now() + secs;

	if (uart) {
		while (now() < end)
			nap_ms(100);
		return "no-uart";
	}
	while (now() < end) {
		if (inb(port + UART_LSR) & UART_LSR_DR) {
			if (inb(port + UART_RBR) == 'G')
				return "signal";
			continue;
		}
		nap_ms(10);
	}
	return "timeout";
}

static int parse_uint(const char *s, unsigned long max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int go_port = 0x3e8, go_secs = 180;
	__u32 heads, max_mode, surf, live, err, err_count0, frm0, frm1;
	__u64 base, size, frame;
	unsigned int npages = FBTEST_SIZE / PAGE, i, x, y, mismatches = 0;
	char dir[300], path[400];
	const char *go;
	__u32 *fb;
	double t0, t;
	int fd, pagemap, uart, wait_only = 0, rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < (unsigned int)argc; i += 2) {
		if (i + 1 >= (unsigned int)argc &&
		    strcmp(argv[i], "--wait-only"))
			goto usage;
		if (!strcmp(argv[i], "--wait-only")) {
			wait_only = 1;
			i--;
		} else if (!strcmp(argv[i], "--go-port")) {
			if (parse_uint(argv[i + 1], 0xfff8, &go_port))
				goto usage;
		} else if (!strcmp(argv[i], "--go-timeout")) {
			if (parse_uint(argv[i + 1], 86400, &go_secs))
				goto usage;
		} else {
			goto usage;
		}
	}

	if (wait_only) {
		/* The host side's plumbing without a vGPU (no display). */
		uart = go_open(go_port);
		printf("FB_READY=1\n");
		t = now();
		go = wait_for_go(uart, go_port, go_secs);
		printf("GO=%s\nGO_WAIT_MS=%.0f\n", go, (now() - t) * 1000);
		return 0;
	}

	t0 = now();
	if (find_vgpu(dir, sizeof(dir)))
		return fail("no-device");
	printf("VGPU_DEVICE=%s\n", strrchr(dir, '/') + 1);
	if (enable_device(dir))
		return fail("enable");
	snprintf(path, sizeof(path), "%s/resource0", dir);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return fail("open-resource0");
	bar = mmap(NULL, VGPU_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fd, 0);
	if (bar == MAP_FAILED)
		return fail("mmap-resource0");

	if (rd(VGPU_PV_MAGIC_LO) != (__u32)VGPU_PV_MAGIC ||
	    rd(VGPU_PV_MAGIC_HI) != (__u32)(VGPU_PV_MAGIC >> 32))
		return fail("pv-magic");
	heads = rd(VGPU_PV_NUM_HEADS);
	max_mode = rd(VGPU_PV_MAX_MODE);
	base = rd(VGPU_PV_GM_BASE_LO(0)) |
	       (__u64)rd(VGPU_PV_GM_BASE_HI(0)) << 32;
	size = rd(VGPU_PV_GM_SIZE_LO(0)) |
	       (__u64)rd(VGPU_PV_GM_SIZE_HI(0)) << 32;
	printf("PV_MAGIC_OK=1\nNUM_HEADS=%u\nMAX_MODE=%ux%u\n", heads,
	       max_mode & 0xffff, max_mode >> 16);
	printf("GM_BASE=0x%llx\nGM_SIZE=0x%llx\n", (unsigned long long)base,
	       (unsigned long long)size);
	if (heads < 1)
		return fail("no-heads");
	if ((max_mode & 0xffff) < FBTEST_WIDTH ||
	    (max_mode >> 16) < FBTEST_HEIGHT)
		return fail("max-mode-too-small");
	if (size < FBTEST_SIZE || (base & (PAGE - 1)) ||
	    base + FBTEST_SIZE > (1ULL << 32))
		return fail("slice-too-small");

	/* The framebuffer: locked, no huge pages, every page present. */
	pin_in_place();
	fb = mmap(NULL, FBTEST_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fb == MAP_FAILED)
		return fail("mmap-framebuffer");
	madvise(fb, FBTEST_SIZE, MADV_NOHUGEPAGE);
	if (mlock(fb, FBTEST_SIZE))
		return fail("mlock");
	for (y = 0; y < FBTEST_HEIGHT; y++)
		for (x = 0; x < FBTEST_WIDTH; x++)
			fb[y * (FBTEST_STRIDE / 4) + x] = fbtest_pixel(x, y);
	__sync_synchronize();

	/* One GGTT entry per page, from the slice's first page on. */
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		return fail("open-pagemap");
	for (i = 0; i < npages; i++) {
		frame = phys_frame(pagemap, (char *)fb + i * PAGE);
		if (!frame)
			return fail("pagemap-no-frame");
		wr64(VGPU_GGTT_OFFSET + ((base >> VGPU_GTT_PAGE_SHIFT) + i) *
		     VGPU_GGTT_PTE_SIZE,
		     (frame << VGPU_GTT_PAGE_SHIFT) | VGPU_GGTT_PTE_PRESENT);
	}
	for (i = 0; i < npages; i++) {
		frame = phys_frame(pagemap, (char *)fb + i * PAGE);
		if (rd64(VGPU_GGTT_OFFSET + ((base >> VGPU_GTT_PAGE_SHIFT) + i) *
			 VGPU_GGTT_PTE_SIZE) !=
		    ((frame << VGPU_GTT_PAGE_SHIFT) | VGPU_GGTT_PTE_PRESENT))
			mismatches++;
	}
	printf("GGTT_PAGES=%u\nGGTT_MISMATCH=%u\n", npages, mismatches);
	if (mismatches)
		rc = fail("ggtt-readback");

	/* Pipe 0: 1024x768 at 60 Hz. */
	err_count0 = rd(VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0));
	wr(VGPU_REG_HTOTAL(0), timing(MODE_HTOTAL, FBTEST_WIDTH));
	wr(VGPU_REG_HBLANK(0), timing(MODE_HTOTAL, FBTEST_WIDTH));
	wr(VGPU_REG_HSYNC(0), timing(MODE_HSYNC_E, MODE_HSYNC_S));
	wr(VGPU_REG_VTOTAL(0), timing(MODE_VTOTAL, FBTEST_HEIGHT));
	wr(VGPU_REG_VBLANK(0), timing(MODE_VTOTAL, FBTEST_HEIGHT));
	wr(VGPU_REG_VSYNC(0), timing(MODE_VSYNC_E, MODE_VSYNC_S));
	wr(VGPU_PV_HEAD_DOTCLOCK_KHZ(0), MODE_CLOCK_KHZ);
	wr(VGPU_REG_PIPESRC(0), (FBTEST_WIDTH - 1) << VGPU_PIPESRC_WIDTH_SHIFT |
	   (FBTEST_HEIGHT - 1));
	wr(VGPU_REG_PIPECONF(0), VGPU_PIPECONF_ENABLE);
	if (wait_reg(VGPU_REG_PIPECONF(0), VGPU_PIPECONF_STATE,
		     VGPU_PIPECONF_STATE, 10000))
		rc = fail("pipe-not-running");
	printf("PIPECONF=0x%08x\n", rd(VGPU_REG_PIPECONF(0)));

	/* Primary plane: XRGB8888, linear, full screen; SURF commits. */
	surf = (__u32)base;
	wr(VGPU_REG_PLANE_CTL(0), VGPU_PLANE_CTL_ENABLE |
	   VGPU_PLANE_CTL_FORMAT_8888 << VGPU_PLANE_CTL_FORMAT_SHIFT |
	   VGPU_PLANE_CTL_ALPHA_NONE);
	wr(VGPU_REG_PLANE_STRIDE(0), FBTEST_STRIDE / VGPU_PLANE_STRIDE_UNIT);
	wr(VGPU_REG_PLANE_POS(0), 0);
	wr(VGPU_REG_PLANE_OFFSET(0), 0);
	wr(VGPU_REG_PLANE_SIZE(0), (FBTEST_HEIGHT - 1) << VGPU_PLANE_SIZE_H_SHIFT |
	   (FBTEST_WIDTH - 1));
	wr(VGPU_REG_PLANE_SURF(0), surf);
	t = now();
	if (wait_reg(VGPU_REG_PLANE_SURFLIVE(0), VGPU_PLANE_SURF_ADDR_MASK,
		     surf, 20000))
		rc = fail("surflive-timeout");
	live = rd(VGPU_REG_PLANE_SURFLIVE(0));
	err = rd(VGPU_PV_HEAD_DISPLAY_ERROR(0));
	printf("PLANE_SURF=0x%08x\nPLANE_SURFLIVE=0x%08x\n", surf, live);
	printf("SURFLIVE_WAIT_MS=%.0f\n", (now() - t) * 1000);
	printf("DISPLAY_ERROR=0x%x\nDISPLAY_ERROR_COUNT_DELTA=%u\n", err,
	       rd(VGPU_PV_HEAD_DISPLAY_ERROR_COUNT(0)) - err_count0);
	if (err)
		rc = fail("display-error");
	printf("SETUP_MS=%.0f\n", (now() - t0) * 1000);
	uart = go_open(go_port);
	printf("FB_READY=%d\n", rc ? 0 : 1);

	if (!rc) {
		frm0 = rd(VGPU_REG_PIPE_FRMCOUNT(0));
		t = now();
		go = wait_for_go(uart, go_port, go_secs);
		frm1 = rd(VGPU_REG_PIPE_FRMCOUNT(0));
		printf("GO=%s\nGO_WAIT_MS=%.0f\nFRAMES_WHILE_SHOWN=%u\n", go,
		       (now() - t) * 1000, frm1 - frm0);
		live = rd(VGPU_REG_PLANE_SURFLIVE(0));
		err = rd(VGPU_PV_HEAD_DISPLAY_ERROR(0));
		printf("SURFLIVE_AFTER=0x%08x\nDISPLAY_ERROR_AFTER=0x%x\n",
		       live, err);
		if ((live & VGPU_PLANE_SURF_ADDR_MASK) != surf || err)
			rc = fail("plane-lost-while-shown");
	}

	/* Take it all down: plane, pipe, GGTT entries. */
	wr(VGPU_REG_PLANE_CTL(0), 0);
	wr(VGPU_REG_PLANE_SURF(0), surf);
	frm0 = rd(VGPU_REG_PIPE_FRMCOUNT(0));
	t = now() + 2;
	while (rd(VGPU_REG_PIPE_FRMCOUNT(0)) - frm0 < 2 && now() < t)
		nap_ms(5);
	wr(VGPU_REG_PIPECONF(0), 0);
	if (wait_reg(VGPU_REG_PIPECONF(0), VGPU_PIPECONF_STATE, 0, 10000))
		rc = fail("pipe-not-stopped");
	for (i = 0; i < npages; i++)
		wr64(VGPU_GGTT_OFFSET + ((base >> VGPU_GTT_PAGE_SHIFT) + i) *
		     VGPU_GGTT_PTE_SIZE, 0);
	printf("PLANE_DISABLED=1\nDISPLAY_ERROR_END=0x%x\n",
	       rd(VGPU_PV_HEAD_DISPLAY_ERROR(0)));
	printf("FBTEST_STATUS=%d\nFBTEST_DONE=1\n", rc);
	munmap(bar, VGPU_BAR0_SIZE);
	close(fd);
	close(pagemap);
	return rc;

usage:
	fprintf(stderr,
		"usage: vgpu-fbtest [--go-port PORT] [--go-timeout SECS] [--wait-only]\n");
	return 2;
}
