// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the reference GPU's executor.
 *
 * An input is an engine, a map of which of the 16 pages of graphics memory
 * [0, 64 KiB) are mapped, a ring position, and the contents of that memory
 * (the ring is its first page). Each mapped page is a separate allocation,
 * so AddressSanitizer reports any access beyond what the translation
 * callback handed out. The executor then runs up to 64 commands, skipping
 * refused ones, and the checks below abort on anything the rules of
 * docs/refgpu.md forbid.
 */
#include <stdio.h>
#include <stdlib.h>

#include "exec.h"

#define FZ_PAGES	16
#define FZ_PAGE		4096u
#define FZ_STEPS	64
#define FZ_HEADER	4

static u8 *pages[FZ_PAGES];
static u32 abort_calls;

static void fz_fail(const char *what)
{
	fprintf(stderr, "refgpu exec fuzz: %s\n", what);
	abort();
}

static void *fz_map(void *priv, u64 page_addr, bool write)
{
	if (page_addr & (FZ_PAGE - 1))
		fz_fail("unaligned page translation");
	if (page_addr >= VGPU_GFX_ADDR_SPACE_SIZE)
		fz_fail("translation beyond the address space");
	return page_addr < FZ_PAGES * FZ_PAGE ? pages[page_addr / FZ_PAGE] :
						NULL;
}

static u64 fz_timestamp(void *priv)
{
	return 0x0123456789abcdefULL;
}

/* Bound the work of one command: about 1 MiB of pixels. */
static bool fz_abort(void *priv)
{
	return ++abort_calls > 4;
}

static bool fz_sane(const struct refgpu_exec_state *st)
{
	return st->level <= REFGPU_EXEC_MAX_LEVEL && st->head < st->ring_size &&
	       !(st->head & 3) && st->tail < st->ring_size;
}

int refgpu_exec_fuzz_one(const u8 *data, size_t size);

int refgpu_exec_fuzz_one(const u8 *data, size_t size)
{
	const struct refgpu_exec_env env = {
		.engine = size ? data[0] & 1 : 0,
		.map = fz_map,
		.timestamp = fz_timestamp,
		.should_abort = fz_abort,
	};
	struct refgpu_exec_result res;
	struct refgpu_exec_state st;
	static struct refgpu_exec ex;
	u32 mapped, i, head, tail;
	size_t off, n;

	if (size < FZ_HEADER)
		return 0;
	/* The ring page is always mapped. */
	mapped = (data[1] | (u32)data[2] << 8) | 1;
	head = (data[3] & 0x3f) * 64;
	for (i = 0; i < FZ_PAGES; i++) {
		pages[i] = NULL;
		if (!(mapped & (1u << i)))
			continue;
		pages[i] = calloc(1, FZ_PAGE);
		if (!pages[i])
			fz_fail("out of memory");
		off = FZ_HEADER + (size_t)i * FZ_PAGE;
		if (off < size) {
			n = size - off < FZ_PAGE ? size - off : FZ_PAGE;
			memcpy(pages[i], data + off, n);
		}
	}
	/* The tail is the end of the data in the ring page. */
	n = size - FZ_HEADER < FZ_PAGE ? size - FZ_HEADER : FZ_PAGE - 4;
	tail = (head + (u32)(n & ~(size_t)3)) % FZ_PAGE;

	if (refgpu_exec_init(&ex, &env) ||
	    refgpu_exec_state_init(&st, 0, FZ_PAGE, head))
		fz_fail("setup refused");
	st.tail = tail;

	for (i = 0; i < FZ_STEPS; i++) {
		abort_calls = 0;
		refgpu_exec_step(&ex, &st, &res);
		if (!fz_sane(&st))
			fz_fail("state corrupted");
		if (res.status == REFGPU_EXEC_IDLE)
			break;
		if (res.status == REFGPU_EXEC_OK)
			continue;
		if (res.status == REFGPU_EXEC_ERROR &&
		    res.error == REFGPU_EXEC_ERR_FAULT &&
		    res.fault_addr < FZ_PAGES * FZ_PAGE &&
		    pages[res.fault_addr / FZ_PAGE])
			fz_fail("fault on a mapped page");
		if (res.status == REFGPU_EXEC_ERROR &&
		    res.error == REFGPU_EXEC_ERR_NONE)
			fz_fail("error without a kind");
		/* Skip the command, as a reset and a new ring would. */
		st.level = 0;
		st.head = (st.head + 4) % FZ_PAGE;
	}
	for (i = 0; i < FZ_PAGES; i++)
		free(pages[i]);
	return 0;
}
