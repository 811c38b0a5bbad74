/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks for xevtchn's own test modules only, exported in the
 * XEVTCHN_TESTING namespace. Drivers have no use for them.
 */
#ifndef _XEVTCHN_TESTING_H
#define _XEVTCHN_TESTING_H

#include <linux/types.h>

void xevtchn_testing_pause(bool pause);

#endif /* _XEVTCHN_TESTING_H */
