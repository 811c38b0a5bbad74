// SPDX-License-Identifier: GPL-2.0
/* The flood test for make bench, against xevtchn's public API. */
#define FLOOD_LAYER_OURS
#include "../modules/xevtchn_flood_test.c"
