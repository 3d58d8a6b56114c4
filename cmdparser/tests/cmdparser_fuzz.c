// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the command parser.
 *
 * Each input is a ring segment plus the guest memory around a two-range
 * slice (fuzz_format.h). Whatever the parser accepts is then run through
 * an oracle written from docs/interface.md alone, sharing no code with the
 * parser: it walks the (re-pointed) ring and the shadow copies the way the
 * GPU would and checks that every byte any command writes or reads lies
 * inside the slice, that batch starts lead into the shadow, that only
 * whitelisted registers are touched, that commands run on their engine and
 * that execution ends. The memory model also traps any read the parser
 * asks for outside the slice. A violation aborts, which libFuzzer reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>

#include "vgpu/cmdparser.h"
#include "fuzz_format.h"

#define RING_DWORDS	(FZ_RING_SIZE / 4)

static u8 window[FZ_WINDOW_END - FZ_WINDOW_START];
static bool unmapped[FZ_WINDOW_PAGES];
static u32 ring[RING_DWORDS];
static u64 shadow_mem[FZ_SHADOW_SIZE / 8];
static struct cmdparser_range ranges[2] = {
	{ FZ_SLICE0_START, FZ_SLICE0_END },
	{ FZ_SLICE1_START, FZ_SLICE1_END },
};

static u32 nr_ranges;
static struct cmdparser_ctx ctx;

static noreturn void fail(const char *what, u32 hdr)
{
	fprintf(stderr, "cmdparser oracle: %s (command %#010x)\n", what, hdr);
	abort();
}

static bool inside(__int128 first, __int128 end)
{
	u32 i;

	for (i = 0; i < nr_ranges; i++) {
		if (first >= (__int128)ranges[i].start &&
		    end <= (__int128)ranges[i].end)
			return true;
	}
	return false;
}

static int fz_read(void *priv, u64 gfx, void *dst, u32 len)
{
	u64 p;

	if (!len || !inside(gfx, (__int128)gfx + len))
		fail("parser read guest memory outside the slice", 0);
	if (gfx < FZ_WINDOW_START || gfx + len > FZ_WINDOW_END)
		return -EFAULT;
	for (p = gfx >> 12; p <= (gfx + len - 1) >> 12; p++) {
		if (unmapped[p - (FZ_WINDOW_START >> 12)])
			return -EFAULT;
	}
	memcpy(dst, window + (gfx - FZ_WINDOW_START), len);
	return 0;
}

/* ---- the oracle ---- */

struct stream {
	bool in_shadow;
	u32 pos;		/* byte offset in the ring or the shadow */
	u32 level;
};

struct oracle {
	int engine;
	u32 tail;
	const u32 *shadow;
	u32 used;
};

static void check_access(u64 base, __int128 lo, __int128 hi, u32 hdr)
{
	if (hi <= lo)
		fail("empty access", hdr);
	if (!inside((__int128)base + lo, (__int128)base + hi))
		fail("access outside the slice", hdr);
}

static void check_store(u64 addr, u32 size, u32 hdr)
{
	check_access(addr, 0, size, hdr);
}

/* Registers a command may touch, written out from the interface. */
static void check_reg(int engine, u32 reg, bool write, u32 hdr)
{
	u32 base = engine ? 0x22000 : 0x2000;

	if (reg >= base + 0x600 && reg <= base + 0x67c && !(reg & 3))
		return;
	if (!write && (reg == base + 0x358 || reg == base + 0x35c))
		return;
	fail("register outside the whitelist", hdr);
}

/*
 * A rectangle of a linear surface, with the pitch and coordinates read as
 * the signed 16-bit values Gen hardware uses, in 128-bit arithmetic.
 */
static void check_surface(u64 base, u32 pitch_field, u32 xy, s32 w, s32 h,
			  u32 cpp, u32 hdr)
{
	s32 pitch = (s16)(pitch_field & 0xffff);
	s32 x = (s16)(xy & 0xffff), y = (s16)(xy >> 16);
	__int128 r0 = (__int128)y * pitch, r1 = (__int128)(y + h - 1) * pitch;

	if (w <= 0 || h <= 0)
		fail("empty rectangle", hdr);
	if (!cpp)
		fail("undefined colour depth", hdr);
	check_access(base, (r0 < r1 ? r0 : r1) + (__int128)x * cpp,
		     (r0 < r1 ? r1 : r0) + (__int128)(x + w) * cpp, hdr);
}

static void check_blit(const u32 *c, u32 op, u32 len, u32 hdr)
{
	static const u8 classic_cpp[4] = { 1, 2, 2, 4 };
	static const u8 fast_cpp[8] = { 1, 2, 0, 4, 8, 16, 0, 0 };
	s32 x1 = (s16)(c[2] & 0xffff), y1 = (s16)(c[2] >> 16);
	s32 x2 = (s16)(c[3] & 0xffff), y2 = (s16)(c[3] >> 16);
	u64 dst = ((u64)c[5] << 32) | c[4];
	u32 cpp;

	if (op == 0x42) {
		if (len != 10 || (c[0] & 0x00306000) || (c[1] & 0xc0000000))
			fail("fast copy form", hdr);
		cpp = fast_cpp[(c[1] >> 24) & 7];
	} else {
		if (len != (op == 0x50 ? 7u : 10u) || (c[0] & 0x8800) ||
		    (c[1] & 0x40000000))
			fail("blit form", hdr);
		cpp = classic_cpp[(c[1] >> 24) & 3];
	}
	check_surface(dst, c[1], c[2], x2 - x1, y2 - y1, cpp, hdr);
	if (op != 0x50)
		check_surface(((u64)c[9] << 32) | c[8], c[7], c[6], x2 - x1,
			      y2 - y1, cpp, hdr);
}

/*
 * Length in dwords of the command @hdr starts, from the encodings alone;
 * 0 if the command is not valid on @engine.
 */
static u32 decode_length(int engine, u32 hdr)
{
	u32 client = hdr >> 29, op;

	if (client == 0) {
		op = (hdr >> 23) & 0x3f;
		if (op == 0x00 || op == 0x02 || op == 0x05 || op == 0x0a)
			return 1;
		if (op == 0x20 || op == 0x22 || op == 0x24 || op == 0x31 ||
		    (op == 0x26 && engine == VGPU_ENGINE_COPY))
			return (hdr & 0xff) + 2;
	} else if (client == 2 && engine == VGPU_ENGINE_COPY) {
		op = (hdr >> 22) & 0x7f;
		if (op == 0x50 || op == 0x53 || op == 0x42)
			return (hdr & 0xff) + 2;
	} else if (client == 3 && engine == VGPU_ENGINE_RENDER &&
		   (hdr >> 16) == 0x7a00) {
		return (hdr & 0xff) + 2;
	}
	return 0;
}

static u32 cmd_length(int engine, u32 hdr)
{
	u32 len = decode_length(engine, hdr);

	if (!len)
		fail("command not valid on this engine", hdr);
	return len;
}

/* Copy the command at @s (which must fit where it is) into @c. */
static u32 fetch(const struct oracle *o, const struct stream *s, u32 *c)
{
	u32 hdr, len, i, left;

	if (s->in_shadow) {
		if (s->pos + 4 > o->used)
			fail("execution runs off the shadow", 0);
		hdr = o->shadow[s->pos / 4];
		len = cmd_length(o->engine, hdr);
		if (s->pos + len * 4 > o->used)
			fail("command runs off the shadow", hdr);
		memcpy(c, &o->shadow[s->pos / 4], len * 4);
		return len;
	}
	hdr = ring[s->pos / 4];
	len = cmd_length(o->engine, hdr);
	left = (o->tail + FZ_RING_SIZE - s->pos) % FZ_RING_SIZE;
	if (len * 4 > left)
		fail("command runs past the tail", hdr);
	for (i = 0; i < len; i++)
		c[i] = ring[(s->pos / 4 + i) % RING_DWORDS];
	return len;
}

static void run_oracle(const struct oracle *o, u32 head)
{
	struct stream cur = { false, head, 0 }, stack[3];
	u32 c[300], len, hdr, op, sp = 0, n, flags;
	u64 steps = 0, target, addr;
	/* Every copy runs once: execution is bounded by what was scanned. */
	const u64 max_steps = RING_DWORDS + o->used / 4 + 1;

	for (;;) {
		if (!cur.in_shadow && cur.pos == o->tail)
			break;
		if (++steps > max_steps)
			fail("execution does not end", 0);
		len = fetch(o, &cur, c);
		hdr = c[0];
		cur.pos += len * 4;
		if (!cur.in_shadow)
			cur.pos %= FZ_RING_SIZE;

		switch (hdr >> 29) {
		case 0:
			op = (hdr >> 23) & 0x3f;
			break;
		case 2:
			check_blit(c, (hdr >> 22) & 0x7f, len, hdr);
			continue;
		default:
			/* PIPE_CONTROL */
			if (len != 6 || (c[1] & ((1u << 23) | (1u << 21))))
				fail("pipe control form", hdr);
			if (c[1] & 0xc000) {
				if (!(c[1] & (1u << 24)))
					fail("post-sync without GGTT", hdr);
				check_store(((u64)c[3] << 32) | c[2], 8, hdr);
			}
			continue;
		}

		switch (op) {
		case 0x20:	/* MI_STORE_DATA_IMM */
			if (!(hdr & (1u << 22)) || len < 4 || len > 5)
				fail("store data form", hdr);
			check_store(((u64)c[2] << 32) | c[1], (len - 3) * 4, hdr);
			break;
		case 0x22:	/* MI_LOAD_REGISTER_IMM */
			if (!(len & 1) || len < 3)
				fail("load register form", hdr);
			for (n = 1; n < len; n += 2)
				check_reg(o->engine, c[n], true, hdr);
			break;
		case 0x24:	/* MI_STORE_REGISTER_MEM */
			if (len != 4 || !(hdr & (1u << 22)))
				fail("store register form", hdr);
			check_reg(o->engine, c[1], false, hdr);
			check_store(((u64)c[3] << 32) | c[2], 4, hdr);
			break;
		case 0x26:	/* MI_FLUSH_DW */
			flags = (hdr >> 14) & 3;
			if (len < 4 || len > 5 || flags == 2 ||
			    (hdr & (1u << 21)))
				fail("flush form", hdr);
			if (!flags)
				break;
			if (!(c[1] & 4))
				fail("flush post-sync without GGTT", hdr);
			addr = ((u64)c[2] << 32) | (c[1] & ~7u);
			check_store(addr, flags == 3 ? 8 : (len - 3) * 4, hdr);
			break;
		case 0x31:	/* MI_BATCH_BUFFER_START */
			target = ((u64)c[2] << 32) | c[1];
			if (len != 3 || (hdr & (1u << 8)))
				fail("batch start form", hdr);
			if (target < FZ_SHADOW_GFX ||
			    target >= FZ_SHADOW_GFX + o->used || (target & 3))
				fail("batch start outside the shadow", hdr);
			if (!cur.in_shadow || (hdr & (1u << 22))) {
				if (cur.in_shadow &&
				    (o->engine != VGPU_ENGINE_RENDER ||
				     cur.level != 1))
					fail("second level not allowed", hdr);
				if (sp == 3)
					fail("too deep", hdr);
				stack[sp++] = cur;
				cur.level++;
			}
			cur.in_shadow = true;
			cur.pos = target - FZ_SHADOW_GFX;
			break;
		case 0x0a:	/* MI_BATCH_BUFFER_END */
			if (!cur.in_shadow || !sp)
				fail("batch end outside a batch", hdr);
			cur = stack[--sp];
			break;
		default:
			break;
		}
	}
	if (sp)
		fail("ring ended inside a batch", 0);
}

/* ---- steering addresses onto range edges ---- */

#define RING_DW(pos, i)	ring[((pos) / 4 + (i)) % RING_DWORDS]

/* Extent [*lo, *hi) of a blit surface relative to its base. */
static bool surface_extent(u32 pitch_field, u32 xy, s32 w, s32 h, u32 cpp,
			   __int128 *lo, __int128 *hi)
{
	s32 pitch = (s16)(pitch_field & 0xffff);
	s32 x = (s16)(xy & 0xffff), y = (s16)(xy >> 16);
	__int128 r0 = (__int128)y * pitch, r1 = (__int128)(y + h - 1) * pitch;

	if (w <= 0 || h <= 0 || !cpp)
		return false;
	*lo = (r0 < r1 ? r0 : r1) + (__int128)x * cpp;
	*hi = (r0 < r1 ? r1 : r0) + (__int128)(x + w) * cpp;
	return true;
}

/*
 * Exact edges are where off-by-one bugs live, and random inputs seldom hit
 * them. With snapping on, every store and blit of the ring gets its
 * address rewritten so that its first byte (or its end) lands @delta
 * bytes from the start (or end) of a range; the fuzzer still chooses the
 * rectangles, pitches, sizes and everything else.
 */
static void snap_ring(int engine, u32 head, u32 n, u8 snap)
{
	static const u8 classic_cpp[4] = { 1, 2, 2, 4 };
	static const u8 fast_cpp[8] = { 1, 2, 0, 4, 8, 16, 0, 0 };
	const struct cmdparser_range *r = &ranges[(snap >> 4) & 1];
	bool at_end = snap & 8, src = snap & 32;
	s32 delta = (snap & 7) - 4;
	u32 pos = head * 4, end = ((head + n) % RING_DWORDS) * 4;
	u32 hdr, len, op, dw, cpp;
	__int128 lo, hi, base;
	s32 w, h;

	while (pos != end) {
		hdr = RING_DW(pos, 0);
		len = decode_length(engine, hdr);
		if (!len || len * 4 > (end + FZ_RING_SIZE - pos) % FZ_RING_SIZE)
			return;
		dw = 0;
		op = 0;
		lo = 0;
		switch (hdr >> 29) {
		case 0:
			op = (hdr >> 23) & 0x3f;
			if (op == 0x20 && len >= 4) {
				dw = 1;
				hi = (len - 3) * 4;
			} else if (op == 0x24 && len == 4) {
				dw = 2;
				hi = 4;
			} else if (op == 0x26 && len >= 4) {
				dw = 1;
				hi = ((hdr >> 14) & 3) == 3 ? 8 : (len - 3) * 4;
			}
			break;
		case 2:
			if (len < 7)
				break;
			op = (hdr >> 22) & 0x7f;
			cpp = op == 0x42 ? fast_cpp[(RING_DW(pos, 1) >> 24) & 7] :
				classic_cpp[(RING_DW(pos, 1) >> 24) & 3];
			w = (s16)(RING_DW(pos, 3) & 0xffff) -
			    (s16)(RING_DW(pos, 2) & 0xffff);
			h = (s16)(RING_DW(pos, 3) >> 16) -
			    (s16)(RING_DW(pos, 2) >> 16);
			if (src && op != 0x50 && len >= 10) {
				if (surface_extent(RING_DW(pos, 7),
						   RING_DW(pos, 6), w, h, cpp,
						   &lo, &hi))
					dw = 8;
			} else if (surface_extent(RING_DW(pos, 1), RING_DW(pos, 2),
						  w, h, cpp, &lo, &hi)) {
				dw = 4;
			}
			break;
		default:
			if (len == 6) {
				dw = 2;
				hi = 8;
			}
			break;
		}
		if (dw) {
			base = at_end ? (__int128)r->end + delta - hi :
					(__int128)r->start + delta - lo;
			if (op == 0x26)
				base |= 4;	/* keep the GGTT bit */
			RING_DW(pos, dw) = (u32)base;
			RING_DW(pos, dw + 1) = (u32)((u64)base >> 32);
		}
		pos = (pos + len * 4) % FZ_RING_SIZE;
	}
}

/*
 * The libFuzzer entry point; build.mk maps the name onto the one libFuzzer
 * calls (-Dcmdparser_fuzz_one=...), keeping its spelling out of the code.
 */
int cmdparser_fuzz_one(const u8 *data, size_t size);

int cmdparser_fuzz_one(const u8 *data, size_t size)
{
	struct cmdparser_config cfg = { 0 };
	struct cmdparser_result res;
	struct oracle o;
	u32 head, n, i, count, rest;
	int ret;

	if (size < FZ_HEADER_BYTES)
		return 0;
	head = (data[2] | (u32)data[3] << 8) % RING_DWORDS;
	n = data[4] | (u32)data[5] << 8;
	n = min_t(u32, n, RING_DWORDS - 1);
	n = min_t(u32, n, (size - FZ_HEADER_BYTES) / 4);

	memset(ring, 0, sizeof(ring));
	for (i = 0; i < n; i++)
		memcpy(&ring[(head + i) % RING_DWORDS],
		       data + FZ_HEADER_BYTES + 4 * i, 4);
	memset(window, 0, sizeof(window));
	rest = size - FZ_HEADER_BYTES - 4 * n;
	rest = min_t(u32, rest, FZ_WINDOW_END - FZ_SLICE0_START);
	memcpy(window + (FZ_SLICE0_START - FZ_WINDOW_START),
	       data + FZ_HEADER_BYTES + 4 * n, rest);
	if (data[6] & 0x80)
		snap_ring(data[0] & 1, head, n, data[6]);
	memset(unmapped, 0, sizeof(unmapped));
	if (data[1] < FZ_WINDOW_PAGES)
		unmapped[data[1]] = true;
	nr_ranges = (data[0] & 4) ? 1 : 2;

	cfg.engine = (data[0] & 1) ? VGPU_ENGINE_COPY : VGPU_ENGINE_RENDER;
	cfg.ranges = ranges;
	cfg.nr_ranges = nr_ranges;
	cfg.whitelist = cmdparser_default_whitelist(cfg.engine, &count);
	cfg.nr_whitelist = count;
	cfg.limits.max_depth = (data[0] & 2) ? 1 : 2;
	cfg.limits.max_batches = CMDPARSER_MAX_BATCHES;
	cfg.limits.max_batch_bytes = FZ_BATCH_BYTES;
	cfg.read = fz_read;
	cfg.shadow.cpu = shadow_mem;
	cfg.shadow.gfx_addr = FZ_SHADOW_GFX;
	cfg.shadow.size = FZ_SHADOW_SIZE;
	if (cmdparser_init(&ctx, &cfg))
		fail("configuration refused", 0);

	ret = cmdparser_scan_ring(&ctx, ring, FZ_RING_SIZE, head * 4,
				  ((head + n) % RING_DWORDS) * 4, &res);
	if (!ret != !res.reason || res.reason >= VGPU_AUDIT_REASON_COUNT)
		fail("inconsistent result", res.reason);
	if (res.shadow_bytes > FZ_BATCH_BYTES ||
	    res.batches > CMDPARSER_MAX_BATCHES)
		fail("limits exceeded", res.reason);
	if (ret)
		return 0;

	/* What runs must not depend on guest memory any more. */
	memset(window, 0xff, sizeof(window));
	o.engine = cfg.engine;
	o.tail = ((head + n) % RING_DWORDS) * 4;
	o.shadow = (const u32 *)shadow_mem;
	o.used = res.shadow_bytes;
	run_oracle(&o, head * 4);
	return 0;
}
