/* SPDX-License-Identifier: MIT */
/*
 * Minimal streaming JSON writer for the potnpu tools' --json output:
 * pretty-printed (two-space indent), strings escaped per RFC 8259, invalid
 * UTF-8 replaced by U+FFFD so the output always parses.
 */
#ifndef POTNPU_TOOLS_JSON_H
#define POTNPU_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *f;
	int depth;
	bool has_items[JSON_MAX_DEPTH];
};

void json_init(struct json_writer *w, FILE *f);
/* @key is the member name inside an object, NULL inside an array or at
 * the top level. */
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);
void json_string(struct json_writer *w, const char *key, const char *s);
void json_uint(struct json_writer *w, const char *key, uint64_t v);
void json_int(struct json_writer *w, const char *key, int64_t v);
void json_double(struct json_writer *w, const char *key, double v);
void json_bool(struct json_writer *w, const char *key, bool v);
void json_null(struct json_writer *w, const char *key);
/* Ends the document with a newline. */
void json_finish(struct json_writer *w);

/* Writes @s as a quoted, escaped JSON string. */
void json_write_string(FILE *f, const char *s);

#endif /* POTNPU_TOOLS_JSON_H */
