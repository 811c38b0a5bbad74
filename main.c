// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn: Xen event channels as Linux IRQs in an HVM guest, as a module.
 *
 * Module load and unload. The guest must run with the kernel's own Xen
 * support off ("nopv" on the kernel command line).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "internal.h"

static int __init xevtchn_init(void)
{
	int ret;

	ret = xevtchn_testing_init();	/* the test build only */
	if (ret)
		return ret;
	ret = xevtchn_hypervisor_init();
	if (ret)
		return ret;
	ret = xevtchn_events_init();
	if (ret)
		return ret;
	xevtchn_pirq_init();
	ret = xevtchn_msi_init();
	if (ret) {
		xevtchn_events_exit();
		return ret;
	}
	pr_info("ready\n");
	return 0;
}

static void __exit xevtchn_exit(void)
{
	xevtchn_msi_exit();
	xevtchn_events_exit();
	pr_info("unloaded\n");
}

module_init(xevtchn_init);
module_exit(xevtchn_exit);

MODULE_DESCRIPTION("Xen event channels as Linux IRQs in an HVM guest");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.3.0");
