// SPDX-License-Identifier: MIT
/*
 * scheme_arg.c: --scheme names (uniform8, uniform4, potN, apotN, nhotN).
 */
#include <stdlib.h>
#include <string.h>

#include "pc.h"

int pc_scheme_parse(const char *s, struct potnpu_scheme *sc,
		    struct cg_error *e)
{
	static const struct { const char *prefix; enum potnpu_scheme_kind k; }
	named[] = { { "pot", POTNPU_SCHEME_POT }, { "apot", POTNPU_SCHEME_APOT },
		    { "nhot", POTNPU_SCHEME_NHOT } };
	size_t i;

	if (!strcmp(s, "uniform8"))
		return potnpu_scheme_build(POTNPU_SCHEME_UNIFORM8, 0, NULL, 0, sc) ?
			cg_fail(e, "scheme 'uniform8' cannot be built") : 0;
	if (!strcmp(s, "uniform4"))
		return potnpu_scheme_build(POTNPU_SCHEME_UNIFORM4, 0, NULL, 0, sc) ?
			cg_fail(e, "scheme 'uniform4' cannot be built") : 0;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t len = strlen(named[i].prefix);
		char *end;
		unsigned long v;

		if (strncmp(s, named[i].prefix, len) || !s[len])
			continue;
		v = strtoul(s + len, &end, 10);
		if (*end || v > 16 ||
		    potnpu_scheme_build(named[i].k, (unsigned int)v, NULL, 0, sc))
			break;
		return 0;
	}
	return cg_fail(e, "scheme '%s' not supported (supported: uniform8, uniform4, pot2..pot5, apot3..apot6, nhot1..nhot3, fitted, fitted2..fitted6, progressive[:S1,S2,...])",
		       s);
}

int pc_scheme_is_fitted(const char *s, unsigned int *bits)
{
	char *end;
	unsigned long v;

	if (strncmp(s, "fitted", 6))
		return 0;
	if (!s[6]) {
		*bits = 4;
		return 1;
	}
	v = strtoul(s + 6, &end, 10);
	if (*end || end == s + 6 || v < 2 || v > 6)
		return 0;
	*bits = (unsigned int)v;
	return 1;
}

int pc_scheme_is_progressive(const char *s)
{
	return !strncmp(s, "progressive", 11) && (!s[11] || s[11] == ':');
}
