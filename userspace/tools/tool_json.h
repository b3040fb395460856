/* SPDX-License-Identifier: MIT */
/*
 * The tools' --json conventions on top of json-c: strings that are always
 * valid UTF-8, numbers printed as "%.15g", and one output format
 * (two-space indent, "key": value, slashes not escaped).
 */
#ifndef POTNPU_TOOLS_TOOL_JSON_H
#define POTNPU_TOOLS_TOOL_JSON_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

/*
 * A JSON string of @s, with invalid UTF-8 replaced by U+FFFD so the output
 * always parses; NULL (JSON null) if @s is NULL.
 */
struct json_object *tool_json_string(const char *s);

/* A JSON number of @v as "%.15g"; NULL (JSON null) if @v is not finite. */
struct json_object *tool_json_double(double v);

/* Member @key of object @o: the number @v. */
void tool_json_add_uint(struct json_object *o, const char *key, uint64_t v);

/* Member @key of object @o: tool_json_string(@s). */
void tool_json_add_string(struct json_object *o, const char *key,
			  const char *s);

/* Print @doc on @f with a final newline, flush @f, and free @doc. */
void tool_json_finish(struct json_object *doc, FILE *f);

#endif /* POTNPU_TOOLS_TOOL_JSON_H */
