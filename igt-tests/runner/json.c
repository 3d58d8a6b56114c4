// SPDX-License-Identifier: GPL-2.0
/*
 * json - string escaping and a small strict reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH	64

/*
 * Length of the valid UTF-8 sequence at @s (at most @len bytes), or 0 when
 * the bytes there are not one: overlong forms, surrogates and code points
 * above U+10FFFF are invalid.
 */
static size_t utf8_seq_len(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

void json_add_string(struct strbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	sb_addc(sb, '"');
	while (i < len) {
		unsigned char c = p[i];

		switch (c) {
		case '"':
			sb_adds(sb, "\\\"");
			break;
		case '\\':
			sb_adds(sb, "\\\\");
			break;
		case '\b':
			sb_adds(sb, "\\b");
			break;
		case '\f':
			sb_adds(sb, "\\f");
			break;
		case '\n':
			sb_adds(sb, "\\n");
			break;
		case '\r':
			sb_adds(sb, "\\r");
			break;
		case '\t':
			sb_adds(sb, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				sb_addf(sb, "\\u%04x", c);
				break;
			}
			n = utf8_seq_len(p + i, len - i);
			if (!n) {
				sb_addf(sb, "\\u%04x", c);
				break;
			}
			sb_add(sb, p + i, n);
			i += n;
			continue;
		}
		i++;
	}
	sb_addc(sb, '"');
}

/* ---------------------------------------------------------------------- */
/* reader                                                                 */

struct json_parser {
	const char *s;
	size_t len;
	size_t pos;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

static void json_error(struct json_parser *p, const char *what)
{
	if (p->failed)
		return;
	p->failed = true;
	snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos);
}

static void json_skip_ws(struct json_parser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]) &&
	       p->s[p->pos])
		p->pos++;
}

static bool json_peek(struct json_parser *p, char c)
{
	json_skip_ws(p);
	return p->pos < p->len && p->s[p->pos] == c;
}

static bool json_expect(struct json_parser *p, char c)
{
	if (!json_peek(p, c)) {
		char msg[32];

		snprintf(msg, sizeof(msg), "expected '%c'", c);
		json_error(p, msg);
		return false;
	}
	p->pos++;
	return true;
}

static struct json_value *json_new(enum json_type type)
{
	struct json_value *v = xrealloc(NULL, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->type = type;
	return v;
}

static int json_hex4(struct json_parser *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (p->len - p->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p->s[p->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void json_add_utf8(struct strbuf *sb, unsigned int cp)
{
	if (cp < 0x80) {
		sb_addc(sb, cp);
	} else if (cp < 0x800) {
		sb_addc(sb, 0xc0 | (cp >> 6));
		sb_addc(sb, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		sb_addc(sb, 0xe0 | (cp >> 12));
		sb_addc(sb, 0x80 | ((cp >> 6) & 0x3f));
		sb_addc(sb, 0x80 | (cp & 0x3f));
	} else {
		sb_addc(sb, 0xf0 | (cp >> 18));
		sb_addc(sb, 0x80 | ((cp >> 12) & 0x3f));
		sb_addc(sb, 0x80 | ((cp >> 6) & 0x3f));
		sb_addc(sb, 0x80 | (cp & 0x3f));
	}
}

/* A "\u" escape (the backslash and 'u' already consumed). */
static bool json_parse_uescape(struct json_parser *p, struct strbuf *sb)
{
	unsigned int cp, lo;

	if (json_hex4(p, &cp))
		goto bad;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		goto bad;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->len - p->pos < 2 || p->s[p->pos] != '\\' ||
		    p->s[p->pos + 1] != 'u')
			goto bad;
		p->pos += 2;
		if (json_hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
			goto bad;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	json_add_utf8(sb, cp);
	return true;
bad:
	json_error(p, "bad \\u escape");
	return false;
}

static bool json_parse_string_raw(struct json_parser *p, struct strbuf *sb)
{
	const unsigned char *u;
	size_t n;

	if (!json_expect(p, '"'))
		return false;
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		u = (const unsigned char *)p->s + p->pos;
		if (c == '"') {
			p->pos++;
			return true;
		}
		if (*u < 0x20) {
			json_error(p, "control character in string");
			return false;
		}
		if (c != '\\') {
			n = utf8_seq_len(u, p->len - p->pos);
			if (!n) {
				json_error(p, "invalid UTF-8");
				return false;
			}
			sb_add(sb, u, n);
			p->pos += n;
			continue;
		}
		if (++p->pos >= p->len)
			break;
		c = p->s[p->pos++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			sb_addc(sb, c);
			break;
		case 'b':
			sb_addc(sb, '\b');
			break;
		case 'f':
			sb_addc(sb, '\f');
			break;
		case 'n':
			sb_addc(sb, '\n');
			break;
		case 'r':
			sb_addc(sb, '\r');
			break;
		case 't':
			sb_addc(sb, '\t');
			break;
		case 'u':
			if (!json_parse_uescape(p, sb))
				return false;
			break;
		default:
			p->pos--;
			json_error(p, "bad escape");
			return false;
		}
	}
	json_error(p, "unterminated string");
	return false;
}

static struct json_value *json_parse_value(struct json_parser *p);

static struct json_value *json_parse_string(struct json_parser *p)
{
	struct strbuf sb = { };
	struct json_value *v;

	if (!json_parse_string_raw(p, &sb)) {
		sb_free(&sb);
		return NULL;
	}
	v = json_new(JSON_STRING);
	v->string_len = sb.len;
	v->string = sb.buf ? sb.buf : xstrdup("");
	return v;
}

static struct json_value *json_parse_number(struct json_parser *p)
{
	size_t start = p->pos;
	struct json_value *v;
	char buf[64];

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	if (p->pos >= p->len || !strchr("0123456789", p->s[p->pos]) ||
	    !p->s[p->pos])
		goto bad;
	if (p->s[p->pos] == '0')
		p->pos++;
	else
		while (p->pos < p->len && p->s[p->pos] >= '0' &&
		       p->s[p->pos] <= '9')
			p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' ||
		    p->s[p->pos] > '9')
			goto bad;
		while (p->pos < p->len && p->s[p->pos] >= '0' &&
		       p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len &&
		    (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || p->s[p->pos] < '0' ||
		    p->s[p->pos] > '9')
			goto bad;
		while (p->pos < p->len && p->s[p->pos] >= '0' &&
		       p->s[p->pos] <= '9')
			p->pos++;
	}
	if (p->pos - start >= sizeof(buf))
		goto bad;
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	v = json_new(JSON_NUMBER);
	v->number = strtod(buf, NULL);
	return v;
bad:
	json_error(p, "bad number");
	return NULL;
}

static void json_append(struct json_value *v, char *key,
			struct json_value *item)
{
	v->items = xrealloc(v->items, (v->count + 1) * sizeof(*v->items));
	v->keys = xrealloc(v->keys, (v->count + 1) * sizeof(*v->keys));
	v->items[v->count] = item;
	v->keys[v->count] = key;
	v->count++;
}

static struct json_value *json_parse_container(struct json_parser *p,
					       bool object)
{
	struct json_value *v = json_new(object ? JSON_OBJECT : JSON_ARRAY);
	struct json_value *item;
	struct strbuf key = { };

	p->pos++;	/* '{' or '[' */
	if (++p->depth > JSON_MAX_DEPTH) {
		json_error(p, "nesting too deep");
		goto err;
	}
	if (json_peek(p, object ? '}' : ']')) {
		p->pos++;
		p->depth--;
		return v;
	}
	for (;;) {
		sb_reset(&key);
		if (object) {
			json_skip_ws(p);
			if (!json_parse_string_raw(p, &key) ||
			    !json_expect(p, ':'))
				goto err;
		}
		item = json_parse_value(p);
		if (!item)
			goto err;
		json_append(v, object ? xstrdup(sb_str(&key)) : NULL, item);
		if (json_peek(p, ',')) {
			p->pos++;
			continue;
		}
		if (!json_expect(p, object ? '}' : ']'))
			goto err;
		break;
	}
	sb_free(&key);
	p->depth--;
	return v;
err:
	sb_free(&key);
	json_free(v);
	return NULL;
}

static bool json_literal(struct json_parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return false;
	p->pos += n;
	return true;
}

static struct json_value *json_parse_value(struct json_parser *p)
{
	struct json_value *v;
	char c;

	json_skip_ws(p);
	if (p->pos >= p->len) {
		json_error(p, "unexpected end");
		return NULL;
	}
	c = p->s[p->pos];
	if (c == '{' || c == '[')
		return json_parse_container(p, c == '{');
	if (c == '"')
		return json_parse_string(p);
	if (c == '-' || (c >= '0' && c <= '9'))
		return json_parse_number(p);
	if (json_literal(p, "true") || json_literal(p, "false")) {
		v = json_new(JSON_BOOL);
		v->boolean = c == 't';
		return v;
	}
	if (json_literal(p, "null"))
		return json_new(JSON_NULL);
	json_error(p, "unexpected character");
	return NULL;
}

struct json_value *json_parse(const char *text, size_t len, char *err,
			      size_t errlen)
{
	struct json_parser p = {
		.s = text, .len = len, .err = err, .errlen = errlen,
	};
	struct json_value *v;

	if (errlen)
		err[0] = '\0';
	v = json_parse_value(&p);
	if (!v)
		return NULL;
	json_skip_ws(&p);
	if (p.pos != p.len) {
		json_error(&p, "trailing data");
		json_free(v);
		return NULL;
	}
	return v;
}

void json_free(struct json_value *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->count; i++) {
		json_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

const struct json_value *json_get(const struct json_value *obj,
				  const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->count; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}
