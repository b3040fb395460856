// SPDX-License-Identifier: GPL-2.0-only
/*
 * potnpu DRM accel driver: the tracepoints' definitions.
 */

#define CREATE_TRACE_POINTS
#include "potnpu_trace.h"
