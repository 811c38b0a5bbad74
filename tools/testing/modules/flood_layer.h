/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which event layer the flood test (xevtchn_flood_test.c) runs on, and
 * the few calls that differ between them; the test itself uses mainline's
 * names, which <xevtchn/events.h> gives too:
 *
 * - xevtchn's test build (neither FLOOD_LAYER_* defined): make check's
 *   xevtchn_flood_test.ko, with the test build's hooks (FLOOD_TESTING);
 * - FLOOD_LAYER_OURS: xevtchn's public API only, make bench's
 *   xevtchn_flood_ours.ko;
 * - FLOOD_LAYER_MAINLINE: the kernel's own <xen/events.h>, make bench's
 *   xevtchn_flood_mainline.ko, in a guest booted without "nopv".
 *
 * The two bench modules print a "# bench" line for
 * tools/testing/bench/bench.py (which takes the layer from the benchmark
 * module's line in the same guest); only make check's module judges
 * the workload's share and the backoff (flood_judges_timing): the bench
 * measures both, for the kernel's own layer too.
 */
#ifndef XEVTCHN_TEST_FLOOD_LAYER_H
#define XEVTCHN_TEST_FLOOD_LAYER_H

#include <linux/interrupt.h>
#include <linux/module.h>
#include "compat.h"

#if defined(FLOOD_LAYER_MAINLINE)
#include <xen/events.h>
#include <asm/xen/hypercall.h>
#elif defined(FLOOD_LAYER_OURS)
#include <xevtchn/events.h>
#else
#include <xevtchn/events.h>
#include <xevtchn/testing.h>
#define FLOOD_TESTING
MODULE_IMPORT_NS(XEVTCHN_TESTING_NS);
#endif

#ifdef FLOOD_TESTING
static const bool flood_judges_timing = true;
#else
static const bool flood_judges_timing;
#endif

#ifdef FLOOD_LAYER_MAINLINE
static inline void close_port(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };

	HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
}

/* notify_remote_via_evtchn()'s hypercall: the inline returns no error. */
static inline int send_event(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	return HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/*
 * Bind @domid's port @remote to @handler, with late EOI if @lateeoi.
 * Linux 6.1's interdomain bindings take a PV driver's xenbus device:
 * connect the port here, then bind it as a local one (the same chips and
 * flows), as the benchmark does. Returns the IRQ, or a -errno.
 */
static inline int bind_remote(domid_t domid, evtchn_port_t remote,
			      bool lateeoi, irq_handler_t handler,
			      const char *name, void *dev_id)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = domid,
		.remote_port = remote,
	};
	int irq;

	irq = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (irq)
		return irq;
	irq = lateeoi ? bind_evtchn_to_irqhandler_lateeoi(bind.local_port,
							  handler, 0, name,
							  dev_id) :
			bind_evtchn_to_irqhandler(bind.local_port, handler, 0,
						  name, dev_id);
	if (irq < 0)
		close_port(bind.local_port);
	return irq;
}

/* A loopback: events sent on @tx arrive on @rx. Returns 0 or a -errno. */
static inline int open_loopback(evtchn_port_t *rx, evtchn_port_t *tx)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	int ret;

	ret = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (ret)
		return ret;
	bind.remote_port = alloc.port;
	ret = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (ret) {
		close_port(alloc.port);
		return ret;
	}
	*rx = alloc.port;
	*tx = bind.local_port;
	return 0;
}
#else
static inline void close_port(evtchn_port_t port)
{
	xevtchn_close_port(port);
}

static inline int send_event(evtchn_port_t port)
{
	return notify_remote_via_evtchn(port);
}

static inline int bind_remote(domid_t domid, evtchn_port_t remote,
			      bool lateeoi, irq_handler_t handler,
			      const char *name, void *dev_id)
{
	if (lateeoi)
		return xevtchn_bind_interdomain_evtchn_to_irqhandler_lateeoi(domid,
				remote, handler, 0, name, dev_id);
	return bind_interdomain_evtchn_to_irqhandler(domid, remote, handler,
						     0, name, dev_id);
}

static inline int open_loopback(evtchn_port_t *rx, evtchn_port_t *tx)
{
	return xevtchn_alloc_loopback(rx, tx);
}
#endif

#endif
