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
 *	and before the IRQ descriptor is freed (bind mutex dropped; sleeps)
 * @XEVTCHN_NR_INJECT: how many there are
 */
enum xevtchn_inject_point {
	XEVTCHN_INJECT_DISPATCH,
	XEVTCHN_INJECT_ACK,
	XEVTCHN_INJECT_CLOSE,
	XEVTCHN_INJECT_FREE,
	XEVTCHN_NR_INJECT,
};

/**
 * enum xevtchn_xs_test_mode - how the xenstore connection hears xenstored
 * @XEVTCHN_XS_TEST_NORMAL: as in the module users load
 * @XEVTCHN_XS_TEST_DROP_REPLIES: every reply is read and dropped, as if
 *	lost; watch events still arrive
 * @XEVTCHN_XS_TEST_DEAF: nothing is read from the ring: replies and events
 *	stay there, as after a xenstored that stopped answering
 */
enum xevtchn_xs_test_mode {
	XEVTCHN_XS_TEST_NORMAL,
	XEVTCHN_XS_TEST_DROP_REPLIES,
	XEVTCHN_XS_TEST_DEAF,
};

/**
 * enum xevtchn_budget_test - how the upcall's budget behaves
 * @XEVTCHN_BUDGET_TEST_NORMAL: as in the module users load (with the
 *	number of events xevtchn_testing_upcall_budget() set, if any)
 * @XEVTCHN_BUDGET_TEST_UNBOUNDED: no budget: a pass goes on until Xen
 *	raises nothing more, as before the bound (a negative control)
 * @XEVTCHN_BUDGET_TEST_WITHHOLD: a pass that runs out keeps what it did
 *	not scan instead of giving it back to Xen's flags, as if it had lost
 *	it (a negative control); leaving this mode gives it all back, and has
 *	each CPU that had some run a pass
 */
enum xevtchn_budget_test {
	XEVTCHN_BUDGET_TEST_NORMAL,
	XEVTCHN_BUDGET_TEST_UNBOUNDED,
	XEVTCHN_BUDGET_TEST_WITHHOLD,
};

/**
 * struct xevtchn_testing_eoi - a lateeoi port's EOI state
 * @spurious: spurious EOIs in a row
 * @delay_ms: the delay its last EOI got (0: at once)
 * @owed: an event is with the driver, or its EOI is delayed
 * @delayed: its EOI is delayed
 */
struct xevtchn_testing_eoi {
	unsigned int spurious;
	unsigned int delay_ms;
	bool owed;
	bool delayed;
};

void xevtchn_testing_pause(bool pause);
int xevtchn_testing_upcall_budget(unsigned int events,
				  enum xevtchn_budget_test mode);
void xevtchn_testing_upcall_stats(unsigned int cpu, unsigned long *upcalls,
				  unsigned long *rests);
int xevtchn_testing_lateeoi_state(evtchn_port_t port,
				  struct xevtchn_testing_eoi *eoi);
int xevtchn_testing_xenstore(enum xevtchn_xs_test_mode mode,
			     unsigned int timeout_ms);
void xevtchn_testing_hold_closes(bool hold);
void xevtchn_testing_drain_closes(void);
int xevtchn_testing_inject(enum xevtchn_inject_point point,
			   unsigned int usecs);
int xevtchn_testing_port_state(evtchn_port_t port, bool *pending,
			       bool *masked);
long xevtchn_testing_port_events(evtchn_port_t port);

#endif /* _XEVTCHN_TESTING_H */
