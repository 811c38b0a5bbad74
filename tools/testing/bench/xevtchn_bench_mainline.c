// SPDX-License-Identifier: GPL-2.0
/* The benchmark against the kernel's own Xen event layer (<xen/events.h>). */
#include "xevtchn_bench.c"
