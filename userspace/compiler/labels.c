// SPDX-License-Identifier: MIT
/*
 * labels.c: --labels-file, one class name a line, line i = class i.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_emit.h"

int pc_labels_read(const char *path, uint32_t want, struct pc_labels *l,
		   struct cg_error *e)
{
	FILE *f = fopen(path, "r");
	char line[256];

	memset(l, 0, sizeof(*l));
	if (!f)
		return cg_fail(e, "%s: %s", path, strerror(errno));
	l->names = calloc(want + 1, sizeof(char *));
	while (l->names && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0])
			continue;
		if (l->n == want)
			break;
		l->names[l->n] = strdup(line);
		if (!l->names[l->n++])
			break;
	}
	fclose(f);
	if (!l->names || l->n != want || !l->names[want - 1]) {
		pc_labels_free(l);
		return cg_fail(e, "%s: needs exactly %u non-empty lines (the output's channels)",
			       path, want);
	}
	return 0;
}

void pc_labels_free(struct pc_labels *l)
{
	uint32_t i;

	for (i = 0; l->names && i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}
