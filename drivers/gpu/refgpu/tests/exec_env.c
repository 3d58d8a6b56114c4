// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fake graphics memory for the executor tests: see exec_env.h.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "exec_env.h"

static void *tenv_map_cb(void *priv, u64 page_addr, bool write)
{
	struct tenv *t = priv;

	igt_assert_f(!(page_addr & (TENV_PAGE - 1)),
		     "map of unaligned address %#llx\n",
		     (unsigned long long)page_addr);
	igt_assert_f(page_addr < VGPU_GFX_ADDR_SPACE_SIZE,
		     "map of %#llx beyond the address space\n",
		     (unsigned long long)page_addr);
	t->map_calls++;
	return t->pages[page_addr / TENV_PAGE];
}

static u64 tenv_clock_cb(void *priv)
{
	struct tenv *t = priv;

	return t->timestamp++;
}

static bool tenv_abort_cb(void *priv)
{
	struct tenv *t = priv;

	t->abort_calls++;
	return t->abort_after && t->abort_calls >= t->abort_after;
}

void tenv_init(struct tenv *t, enum vgpu_engine engine)
{
	struct refgpu_exec_env env = {
		.engine = engine,
		.map = tenv_map_cb,
		.timestamp = tenv_clock_cb,
		.should_abort = tenv_abort_cb,
		.priv = t,
	};

	memset(t, 0, sizeof(*t));
	t->pages = calloc(TENV_PAGES, sizeof(*t->pages));
	igt_assert(t->pages);
	igt_assert_eq(refgpu_exec_init(&t->ex, &env), 0);
	t->timestamp = 0x1122334455667788ULL;
}

void tenv_fini(struct tenv *t)
{
	u64 i;

	for (i = 0; t->mapped && i < TENV_PAGES; i++)
		if (t->pages[i])
			tenv_unmap(t, i * TENV_PAGE);
	free(t->pages);
	t->pages = NULL;
}

void tenv_map(struct tenv *t, u64 addr, u64 size)
{
	u64 first = addr / TENV_PAGE, last = (addr + size - 1) / TENV_PAGE;
	u8 *region;
	u64 i;

	igt_assert(size && last < TENV_PAGES);
	for (i = first; i <= last; i++) {
		if (t->pages[i])
			continue;
		/* Guard page, the page, guard page. */
		region = mmap(NULL, 3 * TENV_PAGE, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(region != MAP_FAILED);
		igt_assert_eq(mprotect(region + TENV_PAGE, TENV_PAGE,
				       PROT_READ | PROT_WRITE), 0);
		t->pages[i] = region + TENV_PAGE;
		t->mapped++;
	}
}

void tenv_unmap(struct tenv *t, u64 addr)
{
	u64 i = addr / TENV_PAGE;

	if (!t->pages[i])
		return;
	igt_assert_eq(munmap(t->pages[i] - TENV_PAGE, 3 * TENV_PAGE), 0);
	t->pages[i] = NULL;
	t->mapped--;
}

u8 *tenv_ptr(struct tenv *t, u64 addr)
{
	u8 *page = t->pages[addr / TENV_PAGE];

	igt_assert_f(page, "graphics address %#llx is not mapped\n",
		     (unsigned long long)addr);
	return page + (addr & (TENV_PAGE - 1));
}

void tenv_write(struct tenv *t, u64 addr, const void *src, u64 len)
{
	const u8 *s = src;
	u64 i;

	for (i = 0; i < len; i++)
		*tenv_ptr(t, addr + i) = s[i];
}

void tenv_read(struct tenv *t, u64 addr, void *dst, u64 len)
{
	u8 *d = dst;
	u64 i;

	for (i = 0; i < len; i++)
		d[i] = *tenv_ptr(t, addr + i);
}

void tenv_fill(struct tenv *t, u64 addr, u8 val, u64 len)
{
	u64 i;

	for (i = 0; i < len; i++)
		*tenv_ptr(t, addr + i) = val;
}

u32 tenv_rd32(struct tenv *t, u64 addr)
{
	u32 v;

	tenv_read(t, addr, &v, 4);
	return v;
}

u64 tenv_rd64(struct tenv *t, u64 addr)
{
	u64 v;

	tenv_read(t, addr, &v, 8);
	return v;
}

void tenv_wr32(struct tenv *t, u64 addr, u32 val)
{
	tenv_write(t, addr, &val, 4);
}

void tenv_ring(struct tenv *t, u64 base, u32 size, u32 head)
{
	tenv_map(t, base, size);
	igt_assert_eq(refgpu_exec_state_init(&t->st, base, size, head), 0);
}

void tenv_emit(struct tenv *t, const u32 *dw, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		tenv_wr32(t, t->st.ring_base + t->st.tail, dw[i]);
		t->st.tail = (t->st.tail + 4) % t->st.ring_size;
	}
}

u64 tenv_put(struct tenv *t, u64 addr, const u32 *dw, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++, addr += 4)
		tenv_wr32(t, addr, dw[i]);
	return addr;
}

u32 tenv_run(struct tenv *t, u32 max_steps, struct refgpu_exec_result *res)
{
	u32 n = 0;

	while (n < max_steps) {
		refgpu_exec_step(&t->ex, &t->st, res);
		if (res->status != REFGPU_EXEC_OK)
			break;
		if (res->events & REFGPU_EXEC_EV_USER_INTERRUPT)
			t->user_interrupts++;
		n++;
	}
	return n;
}

void tenv_expect_refused(struct tenv *t, u32 reason)
{
	struct refgpu_exec_state before = t->st;
	struct refgpu_exec_result res;

	refgpu_exec_step(&t->ex, &t->st, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_ERROR);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_COMMAND);
	igt_assert_eq(res.reason, reason);
	igt_assert(!memcmp(&before, &t->st, sizeof(before)));
}

void tenv_run_ok(struct tenv *t)
{
	struct refgpu_exec_result res;

	tenv_run(t, 1000000, &res);
	igt_assert_f(res.status == REFGPU_EXEC_IDLE,
		     "status %d error %d reason %u fault %#llx at %#llx\n",
		     res.status, res.error, res.reason,
		     (unsigned long long)res.fault_addr,
		     (unsigned long long)res.cmd_addr);
}
