/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the race and closing tests share: a handler that counts, and a way
 * to take a given port number from Xen as a user that takes no bind mutex
 * would (loopbacks, since Xen hands out the lowest free number).
 */
#ifndef XEVTCHN_TEST_LOOPBACKS_H
#define XEVTCHN_TEST_LOOPBACKS_H

#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <xevtchn/events.h>

static inline irqreturn_t count_interrupt(int irq, void *data)
{
	atomic_inc(data);
	return IRQ_HANDLED;
}

#define MAX_GRABS	64

/*
 * Open loopbacks until one of their ports is @want. Returns the port
 * connected to @want, or 0; the other ports opened on the way are in
 * @others (room for 2 * MAX_GRABS), to close afterwards.
 */
static inline evtchn_port_t grab_port(evtchn_port_t want,
				      evtchn_port_t *others,
				      unsigned int *nothers)
{
	evtchn_port_t x, y;
	unsigned int i;

	for (i = 0; i < MAX_GRABS; i++) {
		if (xevtchn_alloc_loopback(&x, &y))
			return 0;
		if (x == want)
			return y;
		if (y == want)
			return x;
		others[(*nothers)++] = x;
		others[(*nothers)++] = y;
	}
	return 0;
}

static inline void close_ports(const evtchn_port_t *ports, unsigned int n)
{
	while (n--)
		xevtchn_close_port(ports[n]);
}

#endif
