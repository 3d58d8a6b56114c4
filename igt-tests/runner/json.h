/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json - the little JSON the runner needs: string escaping for writing
 * results.json, and a strict reader for --summarize and the self tests.
 */
#ifndef IGT_RUN_JSON_H
#define IGT_RUN_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/**
 * json_add_string() - append @len bytes as a quoted JSON string
 * @sb: destination
 * @s: the bytes (may contain NULs and invalid UTF-8)
 * @len: their number
 *
 * Quotes, backslashes, control characters and DEL are escaped; valid UTF-8
 * sequences are copied; every byte that is not part of a valid UTF-8
 * sequence is written as \u00XX (its Latin-1 reading), so the output is
 * always valid UTF-8 and no byte value is lost.
 */
void json_add_string(struct strbuf *sb, const char *s, size_t len);

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/**
 * struct json_value - a parsed JSON value
 * @type: what it is
 * @boolean: JSON_BOOL value
 * @number: JSON_NUMBER value
 * @string: JSON_STRING value, decoded, NUL-terminated (may contain NULs)
 * @string_len: its length in bytes
 * @count: JSON_ARRAY/JSON_OBJECT entries
 * @keys: JSON_OBJECT keys (decoded)
 * @items: JSON_ARRAY items or JSON_OBJECT values
 */
struct json_value {
	enum json_type type;
	bool boolean;
	double number;
	char *string;
	size_t string_len;
	size_t count;
	char **keys;
	struct json_value **items;
};

/**
 * json_parse() - parse a complete JSON text (RFC 8259, UTF-8 checked)
 * @text: the text
 * @len: its length
 * @err: receives a message with the byte offset on failure
 * @errlen: size of @err
 *
 * Return: the value (free with json_free()) or NULL.
 */
struct json_value *json_parse(const char *text, size_t len, char *err,
			      size_t errlen);

void json_free(struct json_value *v);

/* The value of @key in an object, or NULL (also when @obj is no object). */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);

#endif /* IGT_RUN_JSON_H */
