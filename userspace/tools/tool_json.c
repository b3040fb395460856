// SPDX-License-Identifier: MIT
/*
 * The tools' --json output over json-c: UTF-8-safe strings, numbers and
 * the one print format.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tool_json.h"

#define REPLACEMENT_CHAR "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

/* Length of the valid UTF-8 sequence at @s, or 0 if it is invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], min, cp;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* @s with each invalid byte replaced by U+FFFD, NULL if out of memory. */
static char *utf8_repair(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out = malloc(strlen(str) * 3 + 1), *p = out;
	size_t n;

	if (!out)
		return NULL;
	while (*s) {
		n = utf8_len(s);
		if (n) {
			memcpy(p, s, n);
			p += n;
			s += n;
		} else {
			memcpy(p, REPLACEMENT_CHAR, 3);
			p += 3;
			s++;
		}
	}
	*p = '\0';
	return out;
}

struct json_object *tool_json_string(const char *s)
{
	struct json_object *o;
	char *valid;

	if (!s)
		return NULL;
	valid = utf8_repair(s);
	o = valid ? json_object_new_string(valid) : NULL;
	free(valid);
	return o;
}

struct json_object *tool_json_double(double v)
{
	char buf[32];

	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.15g", v);
	return json_object_new_double_s(v, buf);
}

void tool_json_add_uint(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

void tool_json_add_string(struct json_object *o, const char *key,
			  const char *s)
{
	json_object_object_add(o, key, tool_json_string(s));
}

void tool_json_finish(struct json_object *doc, FILE *f)
{
	const char *text;

	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	fputs(text ? text : "null", f);
	fputc('\n', f);
	fflush(f);
	json_object_put(doc);
}
