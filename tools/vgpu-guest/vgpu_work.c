// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu-work - GPU work from guest userspace on a vGPU (vgpu_drm): fills and
 * copies checked pixel by pixel, a throughput mode, and a hostile batch the
 * host must refuse. Results are "key: value" lines on stdout; errors go to
 * stderr. Exit status: 0 done (and checked), 1 the work or a check failed,
 * 2 bad arguments, 3 no vgpu_drm device (with the engine asked for).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vgpu/portable.h"
#include "vgpu_guest.h"

/* As the kernel's __noreturn and __printf(). */
#define WORK_ATTR(x)		__attribute__((x))
#define WORK_NORETURN		WORK_ATTR(noreturn)
#define WORK_PRINTF(a, b)	WORK_ATTR(format(printf, a, b))

#define EXIT_FAILED		1
#define EXIT_USAGE		2
#define EXIT_NO_DEVICE		3

#define BORDER			8	/* pixels of canary around a rectangle */
#define CANARY			0xdeadbeefu
#define FENCE_TIMEOUT_MS	60000
#define HANG_TIMEOUT_MS		120000
#define MAX_QUEUE		64
#define MAX_BLT_DIM		0x7fff
#define MAX_COUNT		10000000
#define MAX_SECONDS		86400
#define MAX_REPEAT		256

enum mode { MODE_NONE, MODE_INFO, MODE_FILL, MODE_COPY, MODE_THROUGHPUT,
	    MODE_HOSTILE };

enum hostile_kind { HOSTILE_LRI, HOSTILE_RANGE, HOSTILE_OPCODE,
		    HOSTILE_ENGINE, HOSTILE_HANG };

static const char * const hostile_names[] = {
	[HOSTILE_LRI] = "lri",
	[HOSTILE_RANGE] = "range",
	[HOSTILE_OPCODE] = "opcode",
	[HOSTILE_ENGINE] = "engine",
	[HOSTILE_HANG] = "hang",
};

/**
 * struct work_args - the command line
 * @mode: what to do
 * @device: the DRM node, NULL to search
 * @engine: DRM_VGPU_ENGINE_*, -1 for the mode's default
 * @width: rectangle width in pixels
 * @height: rectangle height in pixels
 * @color: fill colour
 * @count: throughput: submissions (at most, with @seconds)
 * @seconds: throughput: stop after this long, 0 for no limit
 * @repeat: throughput: writes of the object per submission
 * @size: throughput: bytes written per submission
 * @queue: throughput: submissions in flight at most
 * @fast: copy: XY_FAST_COPY_BLT instead of XY_SRC_COPY_BLT
 * @hostile: hostile: the kind of bad batch
 */
struct work_args {
	enum mode mode;
	const char *device;
	int engine;
	__u32 width;
	__u32 height;
	__u32 color;
	__u32 count;
	__u32 seconds;
	__u32 repeat;
	__u64 size;
	__u32 queue;
	bool fast;
	enum hostile_kind hostile;
};

static const char help_text[] =
	"usage: vgpu-work [OPTIONS] MODE\n"
	"GPU work from guest userspace on a vGPU (vgpu_drm).\n"
	"\n"
	"modes:\n"
	"  info          the device: node, engines, graphics memory, heads\n"
	"  fill          fill a WxH rectangle of a surface, check every pixel\n"
	"                (copy engine: XY_COLOR_BLT; render: MI_STORE_DATA_IMM)\n"
	"  copy          blit a CPU-drawn pattern, check every pixel (copy engine)\n"
	"  throughput    COUNT submissions writing SIZE bytes each on ENGINE;\n"
	"                prints submissions_per_s and mb_per_s\n"
	"  hostile       submit a batch the host must refuse (as --hostile)\n"
	"\n"
	"options:\n"
	"  -d, --device PATH   DRM node (default: $VGPU_DEVICE, else the first\n"
	"                      vgpu_drm render node with the engine)\n"
	"  -e, --engine NAME   render or copy (default: copy when the device has\n"
	"                      it, else render)\n"
	"  -W, --width N       rectangle width in pixels (default 256)\n"
	"  -H, --height N      rectangle height in pixels (default 128)\n"
	"  -c, --color X       fill colour, 32 bpp (default 0xff3366cc)\n"
	"      --fast          copy with XY_FAST_COPY_BLT (default XY_SRC_COPY_BLT)\n"
	"  -n, --count N       throughput: submissions (default 200; with\n"
	"                      --seconds at most %d)\n"
	"  -t, --seconds N     throughput: stop submitting after N seconds; the\n"
	"                      object is bound once, so a long run is all work\n"
	"  -s, --size BYTES    throughput: bytes per write, K/M suffixes\n"
	"                      (default 64K; a multiple of 4096)\n"
	"  -r, --repeat N      throughput: writes per submission (default 1, max %d);\n"
	"                      more engine time per submission, the same guest cost\n"
	"  -q, --queue N       throughput: submissions in flight (default 8, max %d)\n"
	"      --hostile[=KIND] submit a bad batch and report the host's refusal:\n"
	"                      lri (a register off the whitelist, the default),\n"
	"                      range (a store outside the slice), opcode (unknown\n"
	"                      command), engine (a blit on the render engine),\n"
	"                      hang (an endless blit the watchdog kills)\n"
	"  -h, --help          this text\n"
	"\n"
	"exit status: 0 done and checked, 1 failed, 2 bad arguments, 3 no device\n";

static void print_help(FILE *f)
{
	fprintf(f, help_text, MAX_COUNT, MAX_REPEAT, MAX_QUEUE);
}

static WORK_NORETURN WORK_PRINTF(1, 2) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vgpu-work: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'vgpu-work --help'.\n");
	exit(EXIT_USAGE);
}

static WORK_NORETURN WORK_PRINTF(1, 2) void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vgpu-work: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILED);
}

/* An unsigned number in [min, max], with an optional K/M/G suffix. */
static __u64 parse_number(const char *opt, const char *s, __u64 min, __u64 max,
			  bool suffix)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s == '-')
		usage_error("%s: '%s' is not a number", opt, s);
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		usage_error("%s: '%s' is not a number", opt, s);
	if (suffix && *end) {
		switch (*end++) {
		case 'k': case 'K':
			v <<= 10;
			break;
		case 'm': case 'M':
			v <<= 20;
			break;
		case 'g': case 'G':
			v <<= 30;
			break;
		default:
			end--;
		}
	}
	if (*end)
		usage_error("%s: '%s' is not a number", opt, s);
	if (v < min || v > max)
		usage_error("%s: %s is out of range (%llu..%llu)", opt, s,
			    (unsigned long long)min, (unsigned long long)max);
	return v;
}

static enum mode parse_mode(const char *s)
{
	if (!strcmp(s, "info"))
		return MODE_INFO;
	if (!strcmp(s, "fill"))
		return MODE_FILL;
	if (!strcmp(s, "copy"))
		return MODE_COPY;
	if (!strcmp(s, "throughput"))
		return MODE_THROUGHPUT;
	if (!strcmp(s, "hostile"))
		return MODE_HOSTILE;
	usage_error("unknown mode '%s'", s);
}

static enum hostile_kind parse_hostile(const char *s)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hostile_names); i++)
		if (!strcmp(s, hostile_names[i]))
			return i;
	usage_error("--hostile: unknown kind '%s' (lri, range, opcode, engine, hang)",
		    s);
}

static void parse_args(struct work_args *a, int argc, char **argv)
{
	enum { OPT_FAST = 256, OPT_HOSTILE };
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "engine", required_argument, NULL, 'e' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "color", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "queue", required_argument, NULL, 'q' },
		{ "fast", no_argument, NULL, OPT_FAST },
		{ "hostile", optional_argument, NULL, OPT_HOSTILE },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	bool hostile = false, counted = false, repeated = false;
	int c;

	*a = (struct work_args){
		.engine = -1, .width = 256, .height = 128,
		.color = 0xff3366cc, .count = 200, .size = 64 << 10,
		.queue = 8, .repeat = 1, .hostile = HOSTILE_LRI,
	};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:e:W:H:c:n:t:r:s:q:h", opts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			a->device = optarg;
			break;
		case 'e':
			a->engine = vgpu_engine_from_name(optarg);
			if (a->engine < 0)
				usage_error("--engine: unknown engine '%s' (render, copy)",
					    optarg);
			break;
		case 'W':
			a->width = parse_number("--width", optarg, 1,
						MAX_BLT_DIM / 4 - 2 * BORDER,
						false);
			break;
		case 'H':
			a->height = parse_number("--height", optarg, 1,
						 MAX_BLT_DIM - 2 * BORDER, false);
			break;
		case 'c':
			a->color = parse_number("--color", optarg, 0,
						0xffffffffu, false);
			break;
		case 'n':
			a->count = parse_number("--count", optarg, 1,
						MAX_COUNT, false);
			counted = true;
			break;
		case 'r':
			a->repeat = parse_number("--repeat", optarg, 1,
						 MAX_REPEAT, false);
			repeated = true;
			break;
		case 't':
			a->seconds = parse_number("--seconds", optarg, 1,
						  MAX_SECONDS, false);
			break;
		case 's':
			a->size = parse_number("--size", optarg, 4096,
					       (__u64)MAX_BLT_DIM * 4096, true);
			if (a->size % 4096)
				usage_error("--size: %s is not a multiple of 4096",
					    optarg);
			break;
		case 'q':
			a->queue = parse_number("--queue", optarg, 1,
						MAX_QUEUE, false);
			break;
		case OPT_FAST:
			a->fast = true;
			break;
		case OPT_HOSTILE:
			hostile = true;
			if (optarg)
				a->hostile = parse_hostile(optarg);
			break;
		case 'h':
			print_help(stdout);
			exit(0);
		case ':':
			usage_error("option '%s' needs a value",
				    argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		a->mode = parse_mode(argv[optind++]);
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (hostile) {
		if (a->mode != MODE_NONE && a->mode != MODE_HOSTILE)
			usage_error("--hostile is a mode of its own");
		a->mode = MODE_HOSTILE;
	}
	if (a->mode == MODE_NONE)
		usage_error("no mode given (info, fill, copy, throughput, hostile)");
	if (a->seconds && a->mode != MODE_THROUGHPUT)
		usage_error("--seconds is for the throughput mode");
	if (repeated && a->mode != MODE_THROUGHPUT)
		usage_error("--repeat is for the throughput mode");
	if (a->seconds && !counted)
		a->count = MAX_COUNT;
}

/* The engine the mode runs on; exits when the device lacks it. */
static __u32 pick_engine(const struct work_args *a, const struct vgpu_dev *d)
{
	__u32 e;

	if (a->engine >= 0)
		e = a->engine;
	else if (a->mode == MODE_HOSTILE && a->hostile == HOSTILE_ENGINE)
		e = DRM_VGPU_ENGINE_RENDER;
	else if (a->mode == MODE_COPY ||
		 (a->mode == MODE_HOSTILE && a->hostile == HOSTILE_HANG))
		e = DRM_VGPU_ENGINE_COPY;
	else if (vgpu_has_engine(d, DRM_VGPU_ENGINE_COPY))
		e = DRM_VGPU_ENGINE_COPY;
	else
		e = DRM_VGPU_ENGINE_RENDER;
	if (!vgpu_has_engine(d, e)) {
		fprintf(stderr, "vgpu-work: %s has no %s engine\n", d->path,
			vgpu_engine_name(e));
		exit(EXIT_NO_DEVICE);
	}
	return e;
}

static void *checked_map(struct vgpu_bo *bo)
{
	int ret = vgpu_bo_map(bo);

	if (ret)
		fail("mmap of a %llu-byte object: %s",
		     (unsigned long long)bo->size, strerror(-ret));
	return bo->map;
}

static void new_bo(int fd, __u64 size, struct vgpu_bo *bo)
{
	int ret = vgpu_bo_create(fd, size, bo);

	if (ret)
		fail("GEM_CREATE of %llu bytes: %s", (unsigned long long)size,
		     strerror(-ret));
	checked_map(bo);
}

static void new_batch(int fd, __u64 bytes, struct vgpu_batch *b)
{
	int ret;

	if (bytes > VGPU_BATCH_MAX_BYTES)
		fail("a batch of %llu bytes is over the host's %u: ask for less",
		     (unsigned long long)bytes, VGPU_BATCH_MAX_BYTES);
	ret = vgpu_batch_init(b, fd, bytes);
	if (ret)
		fail("batch object of %llu bytes: %s", (unsigned long long)bytes,
		     strerror(-ret));
}

/* Submit with an out-fence and wait for it; the fence's status. */
static int run_batch(struct vgpu_batch *b, __u32 engine, __u32 ctx,
		     int timeout_ms)
{
	struct vgpu_exec e;
	int ret, status;

	vgpu_exec_init(&e, engine);
	e.ctx_id = ctx;
	e.want_out_fence = true;
	ret = vgpu_batch_submit(b, &e);
	if (ret)
		fail("SUBMIT on the %s engine: %s", vgpu_engine_name(engine),
		     strerror(-ret));
	ret = vgpu_fence_wait(e.out_fence, timeout_ms);
	if (ret < 0)
		fail("poll on the out-fence: %s", strerror(-ret));
	if (!ret)
		fail("the submission did not finish within %d s",
		     timeout_ms / 1000);
	status = vgpu_fence_status(e.out_fence);
	close(e.out_fence);
	return status;
}

static void print_device(const struct vgpu_dev *d)
{
	printf("device: %s\n", d->path);
	printf("vgpu_id: %u\n", d->vgpu_id);
	printf("engines:%s%s\n",
	       vgpu_has_engine(d, DRM_VGPU_ENGINE_RENDER) ? " render" : "",
	       vgpu_has_engine(d, DRM_VGPU_ENGINE_COPY) ? " copy" : "");
}

static int do_info(struct vgpu_dev *d)
{
	__u64 hz = 0;

	print_device(d);
	printf("engine_mask: %#x\n", d->engine_mask);
	printf("gm_size: %llu\n", (unsigned long long)d->gm_size);
	printf("heads: %u\n", d->num_heads);
	printf("max_bos: %u\n", d->max_bos);
	if (!vgpu_getparam(d->fd, DRM_VGPU_PARAM_TIMESTAMP_HZ, &hz))
		printf("timestamp_hz: %llu\n", (unsigned long long)hz);
	return 0;
}

/* A surface of (w + 2 BORDER) x (h + 2 BORDER) pixels, all CANARY. */
static __u32 canvas(int fd, __u32 w, __u32 h, struct vgpu_bo *bo)
{
	__u32 pitch = ((w + 2 * BORDER) * 4 + 63) & ~63u;
	__u64 i, n;
	__u32 *p;

	if (pitch > MAX_BLT_DIM)
		fail("a %u pixel wide surface needs a pitch over %d bytes", w,
		     MAX_BLT_DIM);
	new_bo(fd, (__u64)pitch * (h + 2 * BORDER), bo);
	p = bo->map;
	n = bo->size / 4;
	for (i = 0; i < n; i++)
		p[i] = CANARY;
	return pitch;
}

/* Pixel (x, y) of the copy source pattern. */
static __u32 pattern(__u32 x, __u32 y)
{
	return (x * 0x9e3779b1u) ^ (y * 0x85ebca77u) ^ 0x01000193u;
}

/*
 * Compare the canvas with what is expected: @want(x, y) inside the
 * rectangle at (BORDER, BORDER), CANARY outside. Prints the counts.
 */
static __u64 check_canvas(const struct vgpu_bo *bo, __u32 pitch, __u32 w,
			  __u32 h, __u32 color, bool copied, __u32 sx,
			  __u32 sy)
{
	const __u32 *p = bo->map;
	__u32 x, y, got, want, lines = h + 2 * BORDER;
	__u64 bad = 0;

	for (y = 0; y < lines; y++) {
		for (x = 0; x < w + 2 * BORDER; x++) {
			bool in = x >= BORDER && x < BORDER + w &&
				  y >= BORDER && y < BORDER + h;

			got = p[(__u64)y * pitch / 4 + x];
			if (!in)
				want = CANARY;
			else if (copied)
				want = pattern(sx + x - BORDER, sy + y - BORDER);
			else
				want = color;
			if (got != want && !bad++)
				fprintf(stderr,
					"vgpu-work: pixel (%u, %u): %#010x, want %#010x\n",
					x, y, got, want);
		}
	}
	printf("pixels_checked: %llu\n",
	       (unsigned long long)lines * (w + 2 * BORDER));
	printf("pixels_wrong: %llu\n", (unsigned long long)bad);
	return bad;
}

static int do_fill(struct vgpu_dev *d, const struct work_args *a, __u32 e)
{
	struct vgpu_surface s;
	struct vgpu_batch b;
	struct vgpu_bo bo;
	__u64 bytes;
	__u32 pitch;
	double t0;
	int status;

	pitch = canvas(d->fd, a->width, a->height, &bo);
	s = vgpu_bo_surface(&bo, 0, pitch, 4);
	if (e == DRM_VGPU_ENGINE_COPY)
		bytes = VGPU_XY_COLOR_BLT_LEN * 4;
	else
		bytes = vgpu_cmd_store_fill_rect_size(&s, BORDER, BORDER,
						      a->width, a->height);
	new_batch(d->fd, bytes + 64, &b);
	vgpu_batch_use(&b, &bo);
	if (e == DRM_VGPU_ENGINE_COPY)
		vgpu_cmd_color_blt(&b.cmd, &s, BORDER, BORDER, a->width,
				   a->height, a->color);
	else
		vgpu_cmd_store_fill_rect(&b.cmd, &s, BORDER, BORDER, a->width,
					 a->height, a->color);
	if (b.cmd.error)
		fail("encoding the fill: %s", strerror(-b.cmd.error));
	print_device(d);
	printf("engine: %s\n", vgpu_engine_name(e));
	printf("rectangle: %ux%u\n", a->width, a->height);
	printf("batch_bytes: %u\n", vgpu_cmd_offset(&b.cmd) + 4);
	t0 = vgpu_now();
	status = run_batch(&b, e, 0, FENCE_TIMEOUT_MS);
	printf("seconds: %.6f\n", vgpu_now() - t0);
	printf("fence_status: %d\n", status);
	if (status != 1)
		fail("the fill failed: fence status %d (%s)", status,
		     strerror(-status));
	if (check_canvas(&bo, pitch, a->width, a->height, a->color, false, 0,
			 0))
		fail("the fill left wrong pixels");
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	printf("result: pass\n");
	return 0;
}

static int do_copy(struct vgpu_dev *d, const struct work_args *a, __u32 e)
{
	/* The source rectangle starts inside the source, not at its corner. */
	const __u32 sx = 5, sy = 3;
	struct vgpu_surface ds, ss;
	struct vgpu_bo dst, src;
	struct vgpu_batch b;
	__u32 pitch, spitch, x, y, *p;
	double t0;
	int status, ret;

	if (e != DRM_VGPU_ENGINE_COPY)
		usage_error("copy needs the copy engine (the render engine has no blitter)");
	pitch = canvas(d->fd, a->width, a->height, &dst);
	spitch = ((sx + a->width) * 4 + 63) & ~63u;
	if (spitch > MAX_BLT_DIM)
		fail("a %u pixel wide source needs a pitch over %d bytes",
		     a->width, MAX_BLT_DIM);
	new_bo(d->fd, (__u64)spitch * (sy + a->height), &src);
	p = src.map;
	for (y = 0; y < sy + a->height; y++)
		for (x = 0; x < spitch / 4; x++)
			p[(__u64)y * spitch / 4 + x] = pattern(x, y);
	ds = vgpu_bo_surface(&dst, 0, pitch, 4);
	ss = vgpu_bo_surface(&src, 0, spitch, 4);
	new_batch(d->fd, 4096, &b);
	vgpu_batch_use(&b, &dst);
	vgpu_batch_use(&b, &src);
	if (a->fast)
		ret = vgpu_cmd_fast_copy_blt(&b.cmd, &ds, BORDER, BORDER, &ss,
					     sx, sy, a->width, a->height);
	else
		ret = vgpu_cmd_src_copy_blt(&b.cmd, &ds, BORDER, BORDER, &ss,
					    sx, sy, a->width, a->height);
	if (ret)
		fail("encoding the copy: %s", strerror(-ret));
	print_device(d);
	printf("engine: %s\n", vgpu_engine_name(e));
	printf("command: %s\n", a->fast ? "XY_FAST_COPY_BLT" : "XY_SRC_COPY_BLT");
	printf("rectangle: %ux%u\n", a->width, a->height);
	t0 = vgpu_now();
	status = run_batch(&b, e, 0, FENCE_TIMEOUT_MS);
	printf("seconds: %.6f\n", vgpu_now() - t0);
	printf("fence_status: %d\n", status);
	if (status != 1)
		fail("the copy failed: fence status %d (%s)", status,
		     strerror(-status));
	if (check_canvas(&dst, pitch, a->width, a->height, 0, true, sx, sy))
		fail("the copy left wrong pixels");
	vgpu_batch_fini(&b);
	vgpu_bo_free(&dst);
	vgpu_bo_free(&src);
	printf("result: pass\n");
	return 0;
}

/*
 * Write one throughput submission into @b: @repeat times @size bytes of
 * @bo := @value.
 */
static void throughput_batch(struct vgpu_batch *b, struct vgpu_bo *bo,
			     __u32 e, __u64 size, __u32 repeat, __u32 value)
{
	struct vgpu_surface s = vgpu_bo_surface(bo, 0, 4096, 4);
	__u32 r;

	vgpu_batch_reset(b, 0);
	vgpu_batch_use(b, bo);
	for (r = 0; r < repeat; r++) {
		if (e == DRM_VGPU_ENGINE_COPY)
			vgpu_cmd_color_blt(&b->cmd, &s, 0, 0, 1024,
					   size / 4096, value);
		else
			vgpu_cmd_store_fill(&b->cmd, bo->gfx_addr, size,
					    value);
	}
	if (b->cmd.error)
		fail("encoding a submission: %s", strerror(-b->cmd.error));
}

static int do_throughput(struct vgpu_dev *d, const struct work_args *a,
			 __u32 e)
{
	struct vgpu_batch b[MAX_QUEUE];
	int fences[MAX_QUEUE];
	struct vgpu_exec ex;
	__u64 bytes, i, bad = 0;
	struct vgpu_bo bo;
	__u32 q = a->queue, last, done, *p;
	double t0, secs;
	int ret, status;

	if (e == DRM_VGPU_ENGINE_COPY)
		bytes = VGPU_XY_COLOR_BLT_LEN * 4;
	else
		bytes = vgpu_cmd_store_fill_size(0, a->size);
	if (a->size > d->gm_size / 2)
		fail("--size %llu is more than half the vGPU's graphics memory",
		     (unsigned long long)a->size);
	new_bo(d->fd, a->size, &bo);
	for (i = 0; i < q; i++) {
		new_batch(d->fd, bytes * a->repeat + 64, &b[i]);
		fences[i] = -1;
	}
	t0 = vgpu_now();
	for (i = 0; i < a->count; i++) {
		__u32 slot = i % q;

		if (a->seconds && vgpu_now() - t0 >= a->seconds)
			break;

		if (fences[slot] >= 0) {
			ret = vgpu_fence_wait(fences[slot], FENCE_TIMEOUT_MS);
			if (ret <= 0)
				fail("submission %llu did not finish: %s",
				     (unsigned long long)(i - q),
				     ret ? strerror(-ret) : "timeout");
			status = vgpu_fence_status(fences[slot]);
			if (status != 1)
				fail("submission %llu failed: fence status %d",
				     (unsigned long long)(i - q), status);
			close(fences[slot]);
			fences[slot] = -1;
			/* The object is bound: from here on it is all work. */
			if (i == q) {
				printf("first_done_s: %.6f\n", vgpu_now() - t0);
				fflush(stdout);
			}
		}
		throughput_batch(&b[slot], &bo, e, a->size, a->repeat,
				 (__u32)i + 1);
		vgpu_exec_init(&ex, e);
		ex.want_out_fence = true;
		ret = vgpu_batch_submit(&b[slot], &ex);
		if (ret)
			fail("SUBMIT %llu: %s", (unsigned long long)i,
			     strerror(-ret));
		fences[slot] = ex.out_fence;
	}
	done = i;
	for (i = 0; i < q; i++) {
		if (fences[i] < 0)
			continue;
		ret = vgpu_fence_wait(fences[i], FENCE_TIMEOUT_MS);
		if (ret <= 0 || vgpu_fence_status(fences[i]) != 1)
			fail("a last submission did not finish cleanly");
		close(fences[i]);
	}
	secs = vgpu_now() - t0;
	/* A run too short to reuse a slot: its first one is done by now. */
	if (done <= q)
		printf("first_done_s: %.6f\n", secs);
	/* Submissions run in order on one engine: the last value stays. */
	last = done;
	p = bo.map;
	for (i = 0; i < a->size / 4; i++)
		if (p[i] != last && !bad++)
			fprintf(stderr, "vgpu-work: dword %llu: %#x, want %#x\n",
				(unsigned long long)i, p[i], last);
	print_device(d);
	printf("engine: %s\n", vgpu_engine_name(e));
	printf("submissions: %u\n", done);
	printf("bytes_per_submission: %llu\n",
	       (unsigned long long)a->size * a->repeat);
	printf("writes_per_submission: %u\n", a->repeat);
	printf("batch_bytes: %llu\n",
	       (unsigned long long)bytes * a->repeat + 4);
	printf("queue: %u\n", q);
	printf("seconds: %.6f\n", secs);
	printf("submissions_per_s: %.1f\n", done / secs);
	printf("mb_per_s: %.2f\n",
	       done * (double)a->size * a->repeat / secs / 1e6);
	printf("dwords_wrong: %llu\n", (unsigned long long)bad);
	for (i = 0; i < q; i++)
		vgpu_batch_fini(&b[i]);
	vgpu_bo_free(&bo);
	if (bad)
		fail("the surface does not hold the last submission's value");
	printf("result: pass\n");
	return 0;
}

/* A register no engine's whitelist has: the reset request register. */
#define HOSTILE_REG	VGPU_REG_GDRST

static void hostile_batch(struct vgpu_batch *b, struct vgpu_bo *target,
			  enum hostile_kind kind)
{
	struct vgpu_surface s = vgpu_bo_surface(target, 0, 4096, 4);

	vgpu_batch_use(b, target);
	switch (kind) {
	case HOSTILE_LRI:
		vgpu_cmd_load_register(&b->cmd, HOSTILE_REG, 1);
		break;
	case HOSTILE_RANGE:
		/* The high dword is all address: 4 GiB is past any slice. */
		vgpu_cmd_store_dword(&b->cmd, 1ULL << 32, 0xbad);
		break;
	case HOSTILE_OPCODE: {
		const __u32 dw = VGPU_MI_INSTR(0x3f, 0);

		vgpu_cmd_emit(&b->cmd, &dw, 1);
		break;
	}
	case HOSTILE_ENGINE:
		vgpu_cmd_color_blt(&b->cmd, &s, 0, 0, 16, 16, 0xbad);
		break;
	case HOSTILE_HANG: {
		/* 128 bpp with a pitch of 1: 0x7fff lines over one MiB. */
		const __u32 dw[] = {
			VGPU_XY_FAST_COPY_BLT,
			VGPU_FAST_COPY_DEPTH_128 << VGPU_FAST_COPY_DEPTH_SHIFT | 1,
			VGPU_BLT_XY(0, 0), VGPU_BLT_XY(MAX_BLT_DIM, MAX_BLT_DIM),
			(__u32)target->gfx_addr, (__u32)(target->gfx_addr >> 32),
			VGPU_BLT_XY(0, 0), 1,
			(__u32)target->gfx_addr, (__u32)(target->gfx_addr >> 32),
		};

		vgpu_cmd_emit(&b->cmd, dw, sizeof(dw) / 4);
		break;
	}
	}
}

static int do_hostile(struct vgpu_dev *d, const struct work_args *a, __u32 e)
{
	struct drm_vgpu_ctx_query q;
	struct vgpu_batch b;
	struct vgpu_bo target;
	__u32 ctx, cls, reason;
	int status, ret, after;
	bool recovered;
	double t0;

	if (a->hostile == HOSTILE_HANG && e != DRM_VGPU_ENGINE_COPY)
		usage_error("--hostile=hang needs the copy engine");
	if (a->hostile == HOSTILE_ENGINE && e != DRM_VGPU_ENGINE_RENDER)
		usage_error("--hostile=engine needs the render engine");
	new_bo(d->fd, 1 << 20, &target);
	new_batch(d->fd, 4096, &b);
	ret = vgpu_ctx_create(d->fd, &ctx);
	if (ret)
		fail("CTX_CREATE: %s", strerror(-ret));
	hostile_batch(&b, &target, a->hostile);
	print_device(d);
	printf("engine: %s\n", vgpu_engine_name(e));
	printf("hostile: %s\n", hostile_names[a->hostile]);
	t0 = vgpu_now();
	status = run_batch(&b, e, ctx, a->hostile == HOSTILE_HANG ?
			   HANG_TIMEOUT_MS : FENCE_TIMEOUT_MS);
	printf("seconds: %.6f\n", vgpu_now() - t0);
	printf("fence_status: %d (%s)\n", status,
	       status < 0 ? strerror(-status) : "no error");
	ret = vgpu_ctx_query(d->fd, ctx, &q);
	if (ret)
		fail("CTX_QUERY: %s", strerror(-ret));
	cls = vgpu_error_class(q.last_error);
	reason = vgpu_error_reason(q.last_error);
	printf("ctx_submitted: %llu\n", (unsigned long long)q.submitted);
	printf("ctx_completed: %llu\n", (unsigned long long)q.completed);
	printf("ctx_failed: %llu\n", (unsigned long long)q.failed);
	printf("error_status: %#010x\n", q.last_error);
	printf("error_class: %s\n", vgpu_error_class_name(cls));
	if (cls == VGPU_ERROR_CLASS_AUDIT)
		printf("audit_reason: %s (%u)\n",
		       vgpu_audit_reason_name(reason), reason);
	else
		printf("reason: %u\n", reason);
	printf("error_cmd: %#010x\n", q.last_error_cmd);
	printf("error_addr: %#llx\n", (unsigned long long)q.last_error_addr);

	/* The engine was reset: the same file's next batch runs. */
	vgpu_batch_reset(&b, 0);
	vgpu_batch_use(&b, &target);
	vgpu_cmd_store_dword(&b.cmd, target.gfx_addr, 0x600d);
	after = run_batch(&b, e, 0, FENCE_TIMEOUT_MS);
	recovered = after == 1 && *(__u32 *)target.map == 0x600d;
	printf("recovered: %s\n", recovered ? "yes" : "no");
	vgpu_ctx_destroy(d->fd, ctx);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&target);
	if (status >= 0 || q.failed != 1)
		fail("the host did not refuse the batch (fence status %d, failed %llu)",
		     status, (unsigned long long)q.failed);
	if (!recovered)
		fail("the engine did not recover: a good batch after it gave %d",
		     after);
	printf("result: refused\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct work_args a;
	struct vgpu_dev d;
	__u32 engines = 0;
	int ret;
	__u32 e;

	parse_args(&a, argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (a.engine >= 0)
		engines = 1u << a.engine;
	ret = vgpu_dev_open(&d, a.device, engines);
	if (ret) {
		if (a.device)
			fprintf(stderr, "vgpu-work: %s: %s\n", a.device,
				ret == -ENODEV ? "not a vgpu_drm device with that engine" :
				strerror(-ret));
		else
			fprintf(stderr, "vgpu-work: no vgpu_drm device%s\n",
				engines ? " with that engine" : "");
		return EXIT_NO_DEVICE;
	}
	if (a.mode == MODE_INFO)
		return do_info(&d);
	e = pick_engine(&a, &d);
	switch (a.mode) {
	case MODE_FILL:
		return do_fill(&d, &a, e);
	case MODE_COPY:
		return do_copy(&d, &a, e);
	case MODE_THROUGHPUT:
		return do_throughput(&d, &a, e);
	case MODE_HOSTILE:
		return do_hostile(&d, &a, e);
	default:
		return EXIT_USAGE;
	}
}
