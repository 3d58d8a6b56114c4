// SPDX-License-Identifier: GPL-2.0
/* The definitions of vgpu.ko's tracepoints (vgpu_trace.h). */
#define CREATE_TRACE_POINTS
#include "vgpu_trace.h"
