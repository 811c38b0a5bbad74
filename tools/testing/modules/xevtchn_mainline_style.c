// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_mainline_style: a driver written against mainline Linux's event
 * channel API, built against xevtchn by including <xevtchn/events.h>
 * instead of <xen/events.h>. Nothing below the includes names xevtchn,
 * except the loopback that stands in for a port from xenbus.
 *
 * It binds a loopback channel, sends 100 events one at a time, and keeps
 * the binding until unload, so its /proc/interrupts line
 * (xevtchn-mainline-style) shows exactly 100.
 */

#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <xevtchn/events.h>
#include <xen/events.h>		/* harmless: <xevtchn/events.h> claimed it */

#include "ktap.h"

#define EVENTS	100

static DECLARE_COMPLETION(arrived);
static evtchn_port_t port, peer;
static int irq;
static unsigned int handled;

static irqreturn_t mainline_style_interrupt(int irq, void *dev_id)
{
	handled++;
	complete(&arrived);
	return IRQ_HANDLED;
}

static int __init mainline_style_init(void)
{
	struct ktap_suite s;
	unsigned int i, lost = 0;

	ktap_start(&s, "mainline_style", 4);
	if (xevtchn_alloc_loopback(&port, &peer)) {
		ktap_result(&s, false, "bind", "no loopback channel");
		return 0;
	}
	irq = bind_evtchn_to_irqhandler(port, mainline_style_interrupt, 0,
					"xevtchn-mainline-style", &arrived);
	ktap_result(&s, irq > 0 && irq_from_evtchn(port) == irq &&
		    evtchn_from_irq(irq) == port, "bind",
		    "bind gave %d; irq_from_evtchn %d, evtchn_from_irq %u", irq,
		    irq_from_evtchn(port), evtchn_from_irq(irq));
	if (irq <= 0)
		return 0;
	ktap_result(&s, xen_evtchn_nr_channels() >= 4096, "nr_channels",
		    "%u", xen_evtchn_nr_channels());

	for (i = 0; i < EVENTS; i++) {
		reinit_completion(&arrived);
		notify_remote_via_evtchn(peer);
		if (!wait_for_completion_timeout(&arrived, 10 * HZ))
			lost++;
	}
	ktap_result(&s, handled == EVENTS && !lost, "events_arrive",
		    "%u of %u handled, %u waits timed out", handled, EVENTS,
		    lost);
	ktap_result(&s, !xen_test_irq_pending(irq), "nothing_left_pending",
		    "port %u still pending", port);
	return 0;
}

static void __exit mainline_style_exit(void)
{
	if (irq > 0)
		unbind_from_irqhandler(irq, &arrived);
	xevtchn_close_port(peer);
}

module_init(mainline_style_init);
module_exit(mainline_style_exit);

MODULE_DESCRIPTION("xevtchn test: a mainline-style driver");
MODULE_LICENSE("GPL");
