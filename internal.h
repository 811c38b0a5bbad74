/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of xevtchn.ko, not for drivers.
 */
#ifndef _XEVTCHN_INTERNAL_H
#define _XEVTCHN_INTERNAL_H

int xevtchn_hypervisor_init(void);

#endif /* _XEVTCHN_INTERNAL_H */
