// SPDX-License-Identifier: GPL-2.0
/* The flood test for make bench, against the kernel's own event layer. */
#define FLOOD_LAYER_MAINLINE
#include "../modules/xevtchn_flood_test.c"
