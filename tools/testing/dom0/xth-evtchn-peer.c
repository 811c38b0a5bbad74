// SPDX-License-Identifier: GPL-2.0
/*
 * xth-evtchn-peer: dom0's end of an event channel with the test guest.
 *
 *   xth-evtchn-peer DOMID ROUNDS [TIMEOUT_S]
 *
 * Opens a port that domain DOMID may connect to, prints its number on the
 * first line of standard output, then answers every event from the guest
 * with one event back, until ROUNDS events came or TIMEOUT_S seconds
 * (default 300) passed without one. Prints a KTAP report: events received
 * and sent must both equal ROUNDS. Exit status 0 only then.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenevtchn.h>

static int fail(const char *what)
{
	fprintf(stderr, "xth-evtchn-peer: %s: %s\n", what, strerror(errno));
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long received = 0, sent = 0, rounds;
	xenevtchn_port_or_error_t port, pending;
	struct pollfd pfd = { .events = POLLIN };
	xenevtchn_handle *xce;
	unsigned int domid;
	int timeout_s, ready;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DOMID ROUNDS [TIMEOUT_S]\n", argv[0]);
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	rounds = strtoul(argv[2], NULL, 0);
	timeout_s = argc > 3 ? atoi(argv[3]) : 300;

	xce = xenevtchn_open(NULL, 0);
	if (!xce)
		return fail("xenevtchn_open");
	port = xenevtchn_bind_unbound_port(xce, domid);
	if (port < 0)
		return fail("xenevtchn_bind_unbound_port");
	printf("%d\n", port);
	fflush(stdout);

	pfd.fd = xenevtchn_fd(xce);
	while (received < rounds) {
		ready = poll(&pfd, 1, timeout_s * 1000);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0)
			break;
		pending = xenevtchn_pending(xce);
		if (pending < 0)
			return fail("xenevtchn_pending");
		if (xenevtchn_unmask(xce, pending) < 0)
			return fail("xenevtchn_unmask");
		if (pending != port)
			continue;
		received++;
		if (xenevtchn_notify(xce, port) < 0)
			return fail("xenevtchn_notify");
		sent++;
	}

	printf("KTAP version 1\n# Subtest: dom0_peer\n1..2\n");
	printf("%s 1 received_from_guest # %lu of %lu\n",
	       received == rounds ? "ok" : "not ok", received, rounds);
	printf("%s 2 sent_to_guest # %lu of %lu\n",
	       sent == rounds ? "ok" : "not ok", sent, rounds);
	xenevtchn_unbind(xce, port);
	xenevtchn_close(xce);
	return received == rounds && sent == rounds ? 0 : 1;
}
