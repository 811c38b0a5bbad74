// SPDX-License-Identifier: GPL-2.0
/* The benchmark against xevtchn (<xevtchn/events.h>). */
#define BENCH_OURS
#include "xevtchn_bench.c"
