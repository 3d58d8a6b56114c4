// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_display_nested: a nested guest's picture reaches QEMU's display
 * (tools/vm/suites/vgpu-display-nested.sh). The L2 program vgpu-fbtest
 * draws the picture of tools/vm/guest/fbtest-pattern.h into its own
 * memory, maps it through the vGPU's GGTT and shows it on head 0; QEMU
 * (vfio-pci display=on, region protocol, VNC) takes a screendump as PNG.
 * This binary reads what the suite left in $VGPU_DISPLAY_NESTED_DIR:
 *
 *   output.log  the L2 script's KEY=value lines (vgpu-fbtest's among them)
 *   screen.png  QEMU's screendump while the plane was shown
 *   qemu.log    QEMU's own messages
 *   host.log    KEY=value lines of the suite: QMP answers, sysfs of the
 *               vGPU while the plane was shown and after QEMU ended
 *
 * The PNG is decoded here (inflate and the PNG filters, no library) and
 * every pixel is compared with the pattern.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/vgpu_if.h>

#include "igt_core.h"
#include "../../tools/vm/guest/fbtest-pattern.h"

static const char *dir;

/* ------------------------------------------------------------------ */
/* Files */

/* The whole file @name in @dir, NUL terminated, or NULL; size in @len. */
static unsigned char *slurp(const char *name, size_t *len)
{
	char path[1024];
	unsigned char *buf = NULL, *nbuf;
	size_t cap = 0, n = 0, got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536 * 2;
			nbuf = realloc(buf, cap + 1);
			if (!nbuf) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nbuf;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* The last value of KEY in the KEY=value text @text, or NULL. */
static const char *fact_in(const char *text, const char *key)
{
	static char val[256];
	size_t n = strlen(key), m;
	const char *p = text, *e, *found = NULL;

	if (!text)
		return NULL;
	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == '\n') && p[n] == '=')
			found = p + n + 1;
		p += n;
	}
	if (!found)
		return NULL;
	e = strchr(found, '\n');
	m = e ? (size_t)(e - found) : strlen(found);
	m = m < sizeof(val) - 1 ? m : sizeof(val) - 1;
	memcpy(val, found, m);
	val[m] = 0;
	while (m && isspace((unsigned char)val[m - 1]))
		val[--m] = 0;
	return val;
}

static unsigned long long fact_num(const char *text, const char *what,
				   const char *key)
{
	const char *v = fact_in(text, key);
	char *end;
	unsigned long long n;

	igt_assert_f(v, "%s reported no %s\n", what, key);
	n = strtoull(v, &end, 0);
	igt_assert_f(*v && !*end, "%s: %s=%s is no number\n", what, key, v);
	return n;
}

/* ------------------------------------------------------------------ */
/* Inflate (RFC 1951) */

struct bits {
	const unsigned char *in;
	size_t len, pos;	/* pos in bytes */
	unsigned int bitbuf, bitcnt;
	unsigned char *out;
	size_t cap, n;
};

struct huff {
	unsigned short count[16];	/* codes of each length */
	unsigned short sym[320];	/* symbols ordered by code */
};

static int getbits(struct bits *b, unsigned int need, unsigned int *val)
{
	while (b->bitcnt < need) {
		if (b->pos >= b->len)
			return -1;
		b->bitbuf |= (unsigned int)b->in[b->pos++] << b->bitcnt;
		b->bitcnt += 8;
	}
	*val = b->bitbuf & ((1U << need) - 1);
	b->bitbuf >>= need;
	b->bitcnt -= need;
	return 0;
}

/* Canonical code from code lengths; -1 if over-subscribed. */
static int huff_build(struct huff *h, const unsigned char *lens,
		      unsigned int n)
{
	unsigned short offs[16];
	unsigned int i;
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[lens[i]]++;
	for (i = 1; i < 16; i++) {
		left = left * 2 - h->count[i];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (i = 1; i < 15; i++)
		offs[i + 1] = offs[i] + h->count[i];
	for (i = 0; i < n; i++)
		if (lens[i])
			h->sym[offs[lens[i]]++] = i;
	return 0;
}

/* Next symbol: walk the code one bit at a time, length by length. */
static int huff_decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0, count;
	unsigned int len, bit;

	for (len = 1; len < 16; len++) {
		if (getbits(b, 1, &bit))
			return -1;
		code |= bit;
		count = h->count[len];
		if (code - first < count)
			return h->sym[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -1;
}

static const unsigned short len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const unsigned char len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const unsigned short dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577 };
static const unsigned char dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int inflate_codes(struct bits *b, const struct huff *lit,
			 const struct huff *dist)
{
	unsigned int extra, len, d;
	int sym;

	for (;;) {
		sym = huff_decode(b, lit);
		if (sym < 0)
			return -1;
		if (sym < 256) {
			if (b->n >= b->cap)
				return -1;
			b->out[b->n++] = sym;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29 || getbits(b, len_extra[sym], &extra))
			return -1;
		len = len_base[sym] + extra;
		sym = huff_decode(b, dist);
		if (sym < 0 || sym >= 30 ||
		    getbits(b, dist_extra[sym], &extra))
			return -1;
		d = dist_base[sym] + extra;
		if (d > b->n || len > b->cap - b->n)
			return -1;
		while (len--) {
			b->out[b->n] = b->out[b->n - d];
			b->n++;
		}
	}
}

static int inflate_stored(struct bits *b)
{
	unsigned int len;

	b->bitbuf = 0;		/* to the byte boundary */
	b->bitcnt = 0;
	if (b->len - b->pos < 4)
		return -1;
	len = b->in[b->pos] | b->in[b->pos + 1] << 8;
	if ((len ^ 0xffff) != (unsigned int)(b->in[b->pos + 2] |
					     b->in[b->pos + 3] << 8))
		return -1;
	b->pos += 4;
	if (len > b->len - b->pos || len > b->cap - b->n)
		return -1;
	memcpy(b->out + b->n, b->in + b->pos, len);
	b->pos += len;
	b->n += len;
	return 0;
}

static int inflate_fixed(struct bits *b)
{
	unsigned char lens[288 + 30];
	struct huff lit, dist;
	unsigned int i;

	for (i = 0; i < 288; i++)
		lens[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	for (i = 0; i < 30; i++)
		lens[288 + i] = 5;
	huff_build(&lit, lens, 288);
	huff_build(&dist, lens + 288, 30);
	return inflate_codes(b, &lit, &dist);
}

static int inflate_dynamic(struct bits *b)
{
	static const unsigned char order[19] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14,
		1, 15 };
	unsigned int nlen, ndist, ncode, i, v, rep;
	unsigned char lens[320], fill;
	struct huff lit, dist;
	int sym;

	if (getbits(b, 5, &nlen) || getbits(b, 5, &ndist) ||
	    getbits(b, 4, &ncode))
		return -1;
	nlen += 257;
	ndist += 1;
	ncode += 4;
	if (nlen > 286 || ndist > 30)
		return -1;
	memset(lens, 0, sizeof(lens));
	for (i = 0; i < ncode; i++) {
		if (getbits(b, 3, &v))
			return -1;
		lens[order[i]] = v;
	}
	if (huff_build(&lit, lens, 19))
		return -1;
	for (i = 0; i < nlen + ndist;) {
		sym = huff_decode(b, &lit);
		if (sym < 0)
			return -1;
		if (sym < 16) {
			lens[i++] = sym;
			continue;
		}
		if (sym == 16) {
			if (!i || getbits(b, 2, &rep))
				return -1;
			fill = lens[i - 1];
			rep += 3;
		} else if (sym == 17) {
			if (getbits(b, 3, &rep))
				return -1;
			fill = 0;
			rep += 3;
		} else {
			if (getbits(b, 7, &rep))
				return -1;
			fill = 0;
			rep += 11;
		}
		if (i + rep > nlen + ndist)
			return -1;
		while (rep--)
			lens[i++] = fill;
	}
	if (!lens[256])
		return -1;
	if (huff_build(&lit, lens, nlen) || huff_build(&dist, lens + nlen, ndist))
		return -1;
	return inflate_codes(b, &lit, &dist);
}

/* Inflate the zlib stream @in into @out (exactly @cap bytes expected). */
static const char *zlib_inflate(const unsigned char *in, size_t len,
				unsigned char *out, size_t cap)
{
	struct bits b = { .in = in, .len = len, .pos = 2, .out = out,
			  .cap = cap };
	unsigned int final, type;
	__u32 s1 = 1, s2 = 0, adler;
	size_t i;
	int ret;

	if (len < 6 || (in[0] & 0x0f) != 8 || (in[0] >> 4) > 7 ||
	    (in[0] << 8 | in[1]) % 31 || (in[1] & 0x20))
		return "bad zlib header";
	do {
		if (getbits(&b, 1, &final) || getbits(&b, 2, &type))
			return "truncated deflate stream";
		if (type == 0)
			ret = inflate_stored(&b);
		else if (type == 1)
			ret = inflate_fixed(&b);
		else if (type == 2)
			ret = inflate_dynamic(&b);
		else
			ret = -1;
		if (ret)
			return "corrupt deflate stream";
	} while (!final);
	if (b.n != cap)
		return "wrong amount of image data";
	if (b.len - b.pos < 4)
		return "no adler-32";
	for (i = 0; i < b.n; i++) {
		s1 = (s1 + out[i]) % 65521;
		s2 = (s2 + s1) % 65521;
	}
	adler = (__u32)in[b.pos] << 24 | in[b.pos + 1] << 16 |
		in[b.pos + 2] << 8 | in[b.pos + 3];
	if (adler != (s2 << 16 | s1))
		return "adler-32 mismatch";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* PNG */

struct image {
	unsigned int width, height;
	unsigned char *rgb;	/* 3 bytes a pixel */
};

static __u32 crc32_of(const unsigned char *p, size_t n)
{
	static __u32 table[256];
	__u32 c = 0xffffffff, k;
	unsigned int i, j;

	if (!table[1]) {
		for (i = 0; i < 256; i++) {
			k = i;
			for (j = 0; j < 8; j++)
				k = k & 1 ? 0xedb88320 ^ (k >> 1) : k >> 1;
			table[i] = k;
		}
	}
	while (n--)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffff;
}

static __u32 be32(const unsigned char *p)
{
	return (__u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static unsigned char paeth(unsigned char a, unsigned char b, unsigned char c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Decode 8-bit RGB or RGBA, not interlaced, into @img; NULL or why not. */
static const char *png_decode(const unsigned char *png, size_t len,
			      struct image *img)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
					      0x1a, '\n' };
	unsigned char *idat = NULL, *raw, *line, *prev;
	size_t pos = 8, nidat = 0, rawlen, rowlen;
	unsigned int bpp = 0, x, y, c, i;
	const char *why = NULL;
	bool seen_end = false;
	__u32 clen;

	memset(img, 0, sizeof(*img));
	if (len < 8 || memcmp(png, sig, 8))
		return "no PNG signature";
	while (!seen_end) {
		if (len - pos < 12)
			return "truncated chunk";
		clen = be32(png + pos);
		if (clen > len - pos - 12)
			return "chunk runs past the end";
		if (crc32_of(png + pos + 4, clen + 4) != be32(png + pos + 8 + clen))
			return "chunk CRC mismatch";
		if (!memcmp(png + pos + 4, "IHDR", 4)) {
			const unsigned char *h = png + pos + 8;

			if (clen != 13)
				return "bad IHDR";
			img->width = be32(h);
			img->height = be32(h + 4);
			if (h[8] != 8 || (h[9] != 2 && h[9] != 6) ||
			    h[10] || h[11] || h[12])
				return "not 8-bit RGB/RGBA, plain, non-interlaced";
			bpp = h[9] == 2 ? 3 : 4;
			if (!img->width || !img->height ||
			    img->width > 8192 || img->height > 8192)
				return "unreasonable image size";
		} else if (!memcmp(png + pos + 4, "IDAT", 4)) {
			unsigned char *n = realloc(idat, nidat + clen + 1);

			if (!n) {
				free(idat);
				return "out of memory";
			}
			idat = n;
			memcpy(idat + nidat, png + pos + 8, clen);
			nidat += clen;
		} else if (!memcmp(png + pos + 4, "IEND", 4)) {
			seen_end = true;
		} else if (!(png[pos + 4] & 0x20)) {
			free(idat);
			return "unknown critical chunk";
		}
		pos += 12 + clen;
	}
	if (!bpp || !idat) {
		free(idat);
		return "no IHDR or no IDAT";
	}
	rowlen = (size_t)img->width * bpp;
	rawlen = (rowlen + 1) * img->height;
	raw = malloc(rawlen);
	img->rgb = malloc((size_t)img->width * img->height * 3);
	if (!raw || !img->rgb) {
		why = "out of memory";
		goto out;
	}
	why = zlib_inflate(idat, nidat, raw, rawlen);
	if (why)
		goto out;
	for (y = 0; y < img->height; y++) {
		line = raw + y * (rowlen + 1) + 1;
		prev = y ? line - (rowlen + 1) : NULL;
		for (i = 0; i < rowlen; i++) {
			unsigned char a = i >= bpp ? line[i - bpp] : 0;
			unsigned char b = prev ? prev[i] : 0;
			unsigned char cc = prev && i >= bpp ? prev[i - bpp] : 0;

			switch (line[-1]) {
			case 0:
				break;
			case 1:
				line[i] += a;
				break;
			case 2:
				line[i] += b;
				break;
			case 3:
				line[i] += (a + b) / 2;
				break;
			case 4:
				line[i] += paeth(a, b, cc);
				break;
			default:
				why = "unknown filter type";
				goto out;
			}
		}
		for (x = 0; x < img->width; x++)
			for (c = 0; c < 3; c++)
				img->rgb[((size_t)y * img->width + x) * 3 + c] =
					line[x * bpp + c];
	}
out:
	free(idat);
	free(raw);
	if (why) {
		free(img->rgb);
		img->rgb = NULL;
	}
	return why;
}

/* ------------------------------------------------------------------ */
/* Subtests */

static void setup(void *data)
{
	(void)data;
	dir = getenv("VGPU_DISPLAY_NESTED_DIR");
	igt_require_f(dir && *dir,
		      "VGPU_DISPLAY_NESTED_DIR not set (run the vgpu-display-nested suite)\n");
}

static void l2_programmed_display(void *data)
{
	unsigned char *out = slurp("output.log", NULL);
	const char *o = (const char *)out, *v;

	(void)data;
	igt_assert_f(out, "no output.log in %s\n", dir);
	v = fact_in(o, "FBTEST_ERROR");
	igt_assert_f(!v, "vgpu-fbtest failed: %s\n", v);
	igt_assert_f(fact_in(o, "VGPU_DEVICE"), "L2 found no vGPU\n");
	igt_assert_eq_u64(fact_num(o, "L2", "NUM_HEADS") >= 1, 1);
	igt_assert_eq_u64(fact_num(o, "L2", "GGTT_MISMATCH"), 0);
	igt_assert_eq_u64(fact_num(o, "L2", "FB_READY"), 1);
	igt_assert_eq_u64(fact_num(o, "L2", "DISPLAY_ERROR"), 0);
	igt_assert_eq_u64(fact_num(o, "L2", "DISPLAY_ERROR_COUNT_DELTA"), 0);
	igt_assert_eq_u64(fact_num(o, "L2", "PLANE_SURFLIVE"),
			  fact_num(o, "L2", "PLANE_SURF"));
	igt_assert_eq_u64(fact_num(o, "L2", "PLANE_SURF"),
			  fact_num(o, "L2", "GM_BASE"));
	igt_assert_f(fact_num(o, "L2", "PIPECONF") & VGPU_PIPECONF_STATE,
		     "pipe 0 is not running\n");
	/* The picture stayed up until the host had its screendump. */
	igt_assert_eq_str(fact_in(o, "GO"), "signal");
	igt_assert_eq_u64(fact_num(o, "L2", "SURFLIVE_AFTER"),
			  fact_num(o, "L2", "PLANE_SURF"));
	igt_assert_eq_u64(fact_num(o, "L2", "DISPLAY_ERROR_AFTER"), 0);
	igt_assert_f(fact_num(o, "L2", "FRAMES_WHILE_SHOWN") > 0,
		     "no vblank while the plane was shown\n");
	igt_assert_eq_u64(fact_num(o, "L2", "PLANE_DISABLED"), 1);
	igt_assert_eq_u64(fact_num(o, "L2", "FBTEST_STATUS"), 0);
	free(out);
}

static void screendump_matches(void *data)
{
	unsigned int x, y, bad = 0, first_x = 0, first_y = 0;
	unsigned char *png, *host;
	const unsigned char *p;
	__u32 want, got, first_want = 0, first_got = 0;
	struct image img;
	const char *why;
	size_t len;

	(void)data;
	host = slurp("host.log", NULL);
	igt_assert_f(host, "no host.log in %s\n", dir);
	igt_assert_f(fact_in((char *)host, "SCREENDUMP"),
		     "the suite took no screendump\n");
	igt_assert_eq_str(fact_in((char *)host, "SCREENDUMP"), "ok");
	free(host);
	png = slurp("screen.png", &len);
	igt_assert_f(png, "no screen.png in %s\n", dir);
	why = png_decode(png, len, &img);
	igt_assert_f(!why, "screen.png: %s\n", why);
	igt_info("screen.png: %ux%u, %zu bytes\n", img.width, img.height, len);
	igt_assert_eq_u32(img.width, FBTEST_WIDTH);
	igt_assert_eq_u32(img.height, FBTEST_HEIGHT);
	for (y = 0; y < FBTEST_HEIGHT; y++) {
		for (x = 0; x < FBTEST_WIDTH; x++) {
			p = img.rgb + ((size_t)y * FBTEST_WIDTH + x) * 3;
			got = (__u32)p[0] << 16 | p[1] << 8 | p[2];
			want = fbtest_pixel(x, y) & 0xffffff;
			if (got == want)
				continue;
			if (!bad++) {
				first_x = x;
				first_y = y;
				first_want = want;
				first_got = got;
			}
		}
	}
	igt_assert_f(!bad,
		     "%u of %u pixels differ; first at (%u, %u): 0x%06x, expected 0x%06x\n",
		     bad, FBTEST_WIDTH * FBTEST_HEIGHT, first_x, first_y,
		     first_got, first_want);
	free(img.rgb);
	free(png);
}

/*
 * A QEMU message about VFIO or the display. QEMU says two things about
 * every mdev it is given that concern neither: an mdev has no error
 * (AER) interrupt, and a device without FLR or PM reset has "no available
 * reset mechanism" for a bus reset.
 */
static bool qemu_complaint(const char *line, size_t n)
{
	static const char *const words[] = {
		"vfio", "display", "region", "plane", "dmabuf", "edid",
		"vnc", "screendump", "error",
	};
	static const char *const benign[] = {
		"Could not enable error recovery for the device",
		"no available reset mechanism",
	};
	char buf[1024];
	unsigned int i;

	n = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
	memcpy(buf, line, n);
	buf[n] = 0;
	for (i = 0; i < IGT_ARRAY_SIZE(benign); i++)
		if (strstr(buf, benign[i]))
			return false;
	for (i = 0; i < IGT_ARRAY_SIZE(words); i++)
		if (strcasestr(buf, words[i]))
			return true;
	return false;
}

static void qemu_display_region(void *data)
{
	unsigned char *log, *host;
	const char *p, *e, *h;
	unsigned int bad = 0;

	(void)data;
	log = slurp("qemu.log", NULL);
	igt_assert_f(log, "no qemu.log in %s\n", dir);
	for (p = (const char *)log; *p; p = *e ? e + 1 : e) {
		e = strchrnul(p, '\n');
		if (e > p && qemu_complaint(p, e - p)) {
			if (bad < 5)
				igt_warn("qemu.log: %.*s\n", (int)(e - p), p);
			bad++;
		}
	}
	igt_assert_f(!bad, "QEMU logged %u display/VFIO error line(s)\n", bad);
	host = slurp("host.log", NULL);
	igt_assert_f(host, "no host.log in %s\n", dir);
	h = (const char *)host;
	igt_assert_eq_str(fact_in(h, "DISPLAY_PROTOCOL"), "region");
	igt_assert_eq_str(fact_in(h, "QMP_CAPABILITIES"), "ok");
	igt_assert_eq_str(fact_in(h, "SCREENDUMP"), "ok");
	free(log);
	free(host);
}

static void display_pages_pinned_and_released(void *data)
{
	unsigned char *host;
	const char *h;

	(void)data;
	host = slurp("host.log", NULL);
	igt_assert_f(host, "no host.log in %s\n", dir);
	h = (const char *)host;
	igt_assert_f(fact_num(h, "host", "PINNED_PAGES_SHOWN") >=
		     FBTEST_SIZE / VGPU_GTT_PAGE_SIZE,
		     "fewer pages pinned than the shown surface has\n");
	igt_assert_eq_u64(fact_num(h, "host", "DISPLAY_ERRORS_END"), 0);
	igt_assert_eq_u64(fact_num(h, "host", "PINNED_PAGES_END"), 0);
	igt_assert_eq_u64(fact_num(h, "host", "DMABUFS_END"), 0);
	free(host);
}

/*
 * The same vGPU switched to the DMABUF protocol: QEMU 7.2 takes the dmabuf
 * probe, needs OpenGL for it and stops at once; it must neither start nor
 * hang (exit 124 is the suite's timeout), and nothing stays pinned.
 */
static void qemu_dmabuf_needs_opengl(void *data)
{
	unsigned char *host;
	const char *h;

	(void)data;
	host = slurp("host.log", NULL);
	igt_assert_f(host, "no host.log in %s\n", dir);
	h = (const char *)host;
	igt_assert_f(fact_num(h, "host", "QEMU_DMABUF_EXIT") != 0 &&
		     fact_num(h, "host", "QEMU_DMABUF_EXIT") != 124,
		     "QEMU with the dmabuf protocol did not stop by itself\n");
	igt_assert_eq_u64(fact_num(h, "host", "QEMU_DMABUF_NEEDS_OPENGL"), 1);
	igt_assert_eq_u64(fact_num(h, "host", "DMABUF_PINNED_AFTER"), 0);
	free(host);
}

/*
 * QEMU opened the vGPU the way the suite asked (VFIO_HARNESS_BACKEND, as
 * tools/vm/lib.sh's vm_qemu_vfio passed it on): through its IOMMU group,
 * or through its VFIO cdev with an iommufd (-object iommufd).
 */
static void qemu_vfio_path(void *data)
{
	const char *backend = getenv("VFIO_HARNESS_BACKEND");
	bool iommufd = backend && !strcmp(backend, "iommufd");
	unsigned char *host;
	const char *h;

	(void)data;
	host = slurp("host.log", NULL);
	igt_assert_f(host, "no host.log in %s\n", dir);
	h = (const char *)host;
	igt_assert_eq_str(fact_in(h, "QEMU_VFIO_PATH"),
			  iommufd ? "cdev" : "group");
	igt_assert_eq_u64(fact_num(h, "host", "QEMU_IOMMUFD"), iommufd);
	free(host);
}

static const struct igt_subtest subtests[] = {
	{ "l2-programmed-display", l2_programmed_display,
	  "L2 mapped a framebuffer through the GGTT and head 0 shows it without error" },
	{ "screendump-matches", screendump_matches,
	  "QEMU's PNG screendump equals the drawn picture, every pixel" },
	{ "qemu-dmabuf-needs-opengl", qemu_dmabuf_needs_opengl,
	  "the DMABUF protocol makes QEMU 7.2 without OpenGL refuse to start" },
	{ "qemu-display-region", qemu_display_region,
	  "QEMU used the region protocol and logged no VFIO display error" },
	{ "qemu-vfio-path", qemu_vfio_path,
	  "QEMU holds the vGPU through its group, or its cdev and /dev/iommu" },
	{ "display-pages-pinned-and-released", display_pages_pinned_and_released,
	  "the host pinned the shown surface and released every page at the end" },
};

IGT_TEST_MAIN("A nested guest's vGPU picture in QEMU's VNC display", subtests,
	      .setup = setup);
