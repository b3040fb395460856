// SPDX-License-Identifier: MIT
/* cg_error.c: the front end's single error reporting path. */
#include <stdarg.h>
#include <stdio.h>

#include "cg.h"

int cg_fail(struct cg_error *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}
