/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hooks of xevtchn's test build only ("make testing-build",
 * CONFIG_XEVTCHN_TESTING), exported in the XEVTCHN_TESTING namespace for
 * xevtchn's own test modules. The module users load has none of them.
 */
#ifndef _XEVTCHN_TESTING_H
#define _XEVTCHN_TESTING_H

#include <linux/types.h>
#include <xen/interface/event_channel.h>

/**
 * enum xevtchn_inject_point - where the test build can widen a race window
 * @XEVTCHN_INJECT_DISPATCH: in the upcall, between taking a port's gate
 *	and running its flow handler (hard IRQ; a busy wait)
 * @XEVTCHN_INJECT_ACK: in the ack, between clearing the pending bit and
 *	opening the gate (hard IRQ, descriptor lock held; a busy wait)
 * @XEVTCHN_INJECT_CLOSE: in the deferred close of an unbound port, right
 *	after EVTCHNOP_close (a workqueue, bind mutex held; sleeps)
 * @XEVTCHN_INJECT_FREE: in the deferred close, after the port is closed
 *	and before the IRQ descriptor is freed (bind mutex held; sleeps)
 * @XEVTCHN_NR_INJECT: how many there are
 */
enum xevtchn_inject_point {
	XEVTCHN_INJECT_DISPATCH,
	XEVTCHN_INJECT_ACK,
	XEVTCHN_INJECT_CLOSE,
	XEVTCHN_INJECT_FREE,
	XEVTCHN_NR_INJECT,
};

void xevtchn_testing_pause(bool pause);
void xevtchn_testing_hold_closes(bool hold);
void xevtchn_testing_drain_closes(void);
int xevtchn_testing_inject(enum xevtchn_inject_point point,
			   unsigned int usecs);
int xevtchn_testing_port_state(evtchn_port_t port, bool *pending,
			       bool *masked);
long xevtchn_testing_port_events(evtchn_port_t port);

#endif /* _XEVTCHN_TESTING_H */
