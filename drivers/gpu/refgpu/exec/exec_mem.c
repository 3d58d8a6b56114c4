// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Graphics memory access for the executor: every byte goes through the
 * host's page translation, one 4 KiB page at a time, so nothing outside
 * the pages it hands out is ever touched.
 */
#include "exec_internal.h"

/* Host address of graphics address @addr, or NULL with a fault recorded. */
u8 *ex_map(struct refgpu_exec *ex, u64 addr, bool write,
	   struct refgpu_exec_result *res)
{
	u8 *page;

	if (addr < VGPU_GFX_ADDR_SPACE_SIZE) {
		page = ex->env.map(ex->env.priv, addr & ~EX_PAGE_MASK, write);
		if (page)
			return page + (addr & EX_PAGE_MASK);
	}
	res->status = REFGPU_EXEC_ERROR;
	res->error = REFGPU_EXEC_ERR_FAULT;
	res->fault_addr = addr;
	return NULL;
}

/* Copy @len bytes of graphics memory at @addr to @dst. */
bool ex_read(struct refgpu_exec *ex, u64 addr, void *dst, u32 len,
	     struct refgpu_exec_result *res)
{
	u8 *out = dst;
	u8 *p;
	u32 n;

	while (len) {
		n = min_t(u32, len, EX_PAGE_SIZE - (addr & EX_PAGE_MASK));
		p = ex_map(ex, addr, false, res);
		if (!p)
			return false;
		memcpy(out, p, n);
		out += n;
		addr += n;
		len -= n;
	}
	return true;
}

/*
 * Write @len (at most EX_STORE_MAX) bytes at @addr. Both pages are
 * translated before either is written, so a store is all or nothing.
 */
bool ex_write(struct refgpu_exec *ex, u64 addr, const void *src, u32 len,
	      struct refgpu_exec_result *res)
{
	u32 first = min_t(u32, len, EX_PAGE_SIZE - (addr & EX_PAGE_MASK));
	u8 *p1, *p2 = NULL;

	p1 = ex_map(ex, addr, true, res);
	if (!p1)
		return false;
	if (first < len) {
		p2 = ex_map(ex, addr + first, true, res);
		if (!p2)
			return false;
	}
	memcpy(p1, src, first);
	if (p2)
		memcpy(p2, (const u8 *)src + first, len - first);
	return true;
}
