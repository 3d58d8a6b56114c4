// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_trace: the tracepoints at the seams of vgpu.ko (docs/vgpu.md). With
 * the "vgpu" event group on, a fill, a refused command and a close leave
 * one event of each kind for this vGPU in the trace buffer: the trapped
 * accesses, both audit verdicts, the queueing, the run and its end, the
 * GGTT pins and their unpins.
 */
#include <fcntl.h>

#include "vgpu_guest.h"

static const char * const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static const char *tracefs;

static bool trace_write(const char *file, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return false;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val);
}

/* The trace buffer as text, NUL-terminated; free() it. */
static char *trace_read(void)
{
	size_t len = 0, cap = 1 << 20;
	char path[256], *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	fd = open(path, O_RDONLY);
	igt_assert_lte(0, fd);
	buf = malloc(cap);
	igt_assert(buf);
	while ((n = read(fd, buf + len, cap - 1 - len)) > 0) {
		len += n;
		if (cap - 1 - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			igt_assert(buf);
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Is there a line holding both "@event: " and @fields? */
static bool trace_has(const char *trace, const char *event,
		      const char *fields)
{
	char key[64];
	const char *p = trace, *eol;

	snprintf(key, sizeof(key), "%s: ", event);
	while ((p = strstr(p, key))) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		if (!fields || (memmem(p, eol - p, fields, strlen(fields))))
			return true;
		p = eol;
	}
	return false;
}

static void setup(void *data)
{
	char path[256];
	unsigned int i;

	(void)data;
	for (i = 0; i < IGT_ARRAY_SIZE(tracefs_dirs); i++) {
		snprintf(path, sizeof(path), "%s/events", tracefs_dirs[i]);
		if (access(path, R_OK) == 0) {
			tracefs = tracefs_dirs[i];
			return;
		}
	}
	igt_skip("no tracefs mounted\n");
}

static void events_at_the_seams(void *data)
{
	char id_field[32], copy_field[48];
	u64 surf;
	struct vg g;
	char *trace;
	u32 id;

	(void)data;
	igt_assert_f(trace_write("events/vgpu/enable", "1"),
		     "cannot enable %s/events/vgpu: vgpu.ko has no events\n",
		     tracefs);
	igt_assert(trace_write("trace", ""));

	vg_start(&g, "small");
	id = vg_rd(&g, VGPU_PV_VGPU_ID);
	surf = vg_alloc(&g, PAGE);
	vg_ring_init(&g, COPY);
	vg_fill(&g, COPY, surf, 256, 64, 4, 0x7ace);
	vg_run(&g, COPY);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&g, surf), 0x7ace);
	/* Refused: an opcode outside the command subset (raw dwords). */
	VG_EMIT(&g, COPY, VGPU_MI_INSTR(0x3e, 0), 0);
	vg_submit(&g, COPY);
	igt_assert_eq(vg_wait(&g, COPY, 60), -EIO);
	vg_destroy(&g);

	igt_assert(trace_write("events/vgpu/enable", "0"));
	trace = trace_read();
	snprintf(id_field, sizeof(id_field), "vgpu=%u ", id);
	snprintf(copy_field, sizeof(copy_field), "vgpu=%u engine=%d ", id,
		 COPY);
	igt_assert_f(trace_has(trace, "vgpu_trap", id_field),
		     "no vgpu_trap event\n");
	igt_assert_f(trace_has(trace, "vgpu_pin", id_field),
		     "no vgpu_pin event\n");
	igt_assert_f(trace_has(trace, "vgpu_scan", copy_field) &&
		     strstr(trace, "ret=0 reason=0 commands="),
		     "no vgpu_scan event with an accepted segment\n");
	igt_assert_f(trace_has(trace, "vgpu_scan", "reason=1 "),
		     "no vgpu_scan event with the refusal (reason 1)\n");
	igt_assert_f(trace_has(trace, "vgpu_queue", copy_field),
		     "no vgpu_queue event\n");
	igt_assert_f(trace_has(trace, "vgpu_run", copy_field),
		     "no vgpu_run event\n");
	igt_assert_f(trace_has(trace, "vgpu_complete", copy_field) &&
		     trace_has(trace, "vgpu_complete", "reason=0 "),
		     "no vgpu_complete event for the finished run\n");
	igt_assert_f(trace_has(trace, "vgpu_unpin", id_field),
		     "no vgpu_unpin event at close\n");
	igt_info("trace: %zu bytes for vGPU %u\n", strlen(trace), id);
	free(trace);
}

static void teardown(void *data)
{
	(void)data;
	if (tracefs)
		trace_write("events/vgpu/enable", "0");
}

static const struct igt_subtest subtests[] = {
	{ "events-at-the-seams", events_at_the_seams,
	  "A fill, a refusal and a close leave each tracepoint's event" },
};

IGT_TEST_MAIN("vgpu.ko's tracepoints", subtests, .setup = setup,
	      .teardown = teardown);
