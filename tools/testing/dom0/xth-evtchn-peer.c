// SPDX-License-Identifier: GPL-2.0
/*
 * xth-evtchn-peer: dom0's end of an event channel with the test guest.
 *
 *   xth-evtchn-peer DOMID ROUNDS [TIMEOUT_S]
 *   xth-evtchn-peer --connect DOMID PORT
 *
 * Opens a port that domain DOMID may connect to, prints its number on the
 * first line of standard output, then answers every event from the guest
 * with one event back, until ROUNDS events came or TIMEOUT_S seconds
 * (default 300) passed without one. Prints a KTAP report: events received
 * and sent must both equal ROUNDS. Exit status 0 only then.
 *
 * With --connect, the other way round, as a Xen backend: connects to PORT,
 * a port domain DOMID opened for dom0 (xevtchn_reconnect_test), prints
 * "connected PORT" once it has sent one event ("hello"), then answers
 * every event with one until SIGTERM, and then prints "answered N".
 */
#define _GNU_SOURCE	/* ppoll() */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenevtchn.h>

static int fail(const char *what)
{
	fprintf(stderr, "xth-evtchn-peer: %s: %s\n", what, strerror(errno));
	return 2;
}

/*
 * Take the event that fired and re-enable its port: 1 when it is @port's,
 * 0 for another port, -1 (errno set) when libxenevtchn failed.
 */
static int take_event(xenevtchn_handle *xce, evtchn_port_t port)
{
	xenevtchn_port_or_error_t pending = xenevtchn_pending(xce);

	if (pending < 0 || xenevtchn_unmask(xce, pending) < 0)
		return -1;
	return pending == (xenevtchn_port_or_error_t)port;
}

/* SIGTERM only interrupts ppoll(): see connect_and_answer(). */
static void on_term(int sig)
{
	(void)sig;
}

/*
 * Take and re-enable what fires on @port within 300 ms: Xen sets a
 * freshly connected port pending (evtchn_bind_interdomain(), Xen 4.17's
 * event_channel.c), which is no event of the guest's.
 */
static int drain(xenevtchn_handle *xce, struct pollfd *pfd)
{
	while (poll(pfd, 1, 300) > 0)
		if (take_event(xce, 0) < 0)
			return -1;
	return 0;
}

static int connect_and_answer(unsigned int domid, evtchn_port_t remote)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct pollfd pfd = { .events = POLLIN };
	xenevtchn_port_or_error_t port;
	unsigned long answered = 0;
	xenevtchn_handle *xce;
	sigset_t term, waiting;
	int ready, ours;

	/*
	 * SIGTERM blocked but in ppoll(), which it interrupts (EINTR): one
	 * that comes while an event is answered is seen at the next ppoll().
	 */
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &waiting);
	sigdelset(&waiting, SIGTERM);
	xce = xenevtchn_open(NULL, 0);
	if (!xce)
		return fail("xenevtchn_open");
	port = xenevtchn_bind_interdomain(xce, domid, remote);
	if (port < 0)
		return fail("xenevtchn_bind_interdomain");
	pfd.fd = xenevtchn_fd(xce);
	if (drain(xce, &pfd) < 0)
		return fail("drain");
	if (xenevtchn_notify(xce, port) < 0)
		return fail("xenevtchn_notify");
	printf("connected %u\n", remote);
	fflush(stdout);

	for (;;) {
		ready = ppoll(&pfd, 1, NULL, &waiting);
		if (ready < 0 && errno == EINTR)
			break;
		if (ready <= 0)
			continue;
		ours = take_event(xce, port);
		if (ours < 0)
			return fail("take the event");
		if (!ours)
			continue;
		if (xenevtchn_notify(xce, port) < 0)
			return fail("xenevtchn_notify");
		answered++;
	}
	printf("answered %lu\n", answered);
	xenevtchn_unbind(xce, port);
	xenevtchn_close(xce);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long received = 0, sent = 0, rounds;
	xenevtchn_port_or_error_t port;
	struct pollfd pfd = { .events = POLLIN };
	xenevtchn_handle *xce;
	unsigned int domid;
	int timeout_s, ready, ours;

	if (argc == 4 && !strcmp(argv[1], "--connect"))
		return connect_and_answer(strtoul(argv[2], NULL, 0),
					  strtoul(argv[3], NULL, 0));
	if (argc < 3) {
		fprintf(stderr, "usage: %s DOMID ROUNDS [TIMEOUT_S]\n"
			"       %s --connect DOMID PORT\n", argv[0], argv[0]);
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
		ours = take_event(xce, port);
		if (ours < 0)
			return fail("take the event");
		if (!ours)
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
