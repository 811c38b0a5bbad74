// SPDX-License-Identifier: GPL-2.0
/*
 * xth-flood: dom0 floods event channels bound in the test guest, as a
 * buggy or hostile peer would (the flood test, Documentation/testing.md).
 *
 *   xth-flood DOMID PORTS SECONDS
 *
 * Runs in the background, driven by dom0.sh's flood-* requests through
 * signals, and writes one line per step to its standard output (a file
 * dom0.sh reads):
 *
 * 1. opens PORTS ports (at most 64) that domain DOMID may connect to, and
 *    prints "ports P1 P2 ...";
 * 2. on SIGUSR1 (flood-start) prints "flooding", then notifies the ports
 *    round-robin, as fast as it can, for SECONDS seconds, and prints
 *    "flood notifies N ms T rate R errors E": N notifies sent in T ms
 *    (R a second), E of them refused;
 * 3. on SIGUSR2 (flood-final) notifies each port once more, the event the
 *    guest must still see after the flood, and prints "final K errors E";
 * 4. keeps its ports open until SIGTERM (flood-close), or 600 s.
 *
 * Each wait for a signal gives up after 600 s (exit status 1); a port Xen
 * does not open is exit status 2. Otherwise SIGTERM ends it, and its ports
 * close with it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenevtchn.h>

#define MAX_PORTS	64
#define WAIT_S		600
/* Notifies between two looks at the clock. */
#define CLOCK_EVERY	64

static int fail(const char *what)
{
	printf("xth-flood: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	return 2;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Wait for @sig (blocked), for at most WAIT_S seconds. */
static int wait_for(int sig)
{
	struct timespec timeout = { .tv_sec = WAIT_S };
	sigset_t set;
	int got;

	sigemptyset(&set);
	sigaddset(&set, sig);
	do {
		got = sigtimedwait(&set, NULL, &timeout);
	} while (got < 0 && errno == EINTR);
	if (got == sig)
		return 0;
	printf("xth-flood: no %s within %d s\n",
	       sig == SIGUSR1 ? "SIGUSR1" : "SIGUSR2", WAIT_S);
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long notifies = 0, errors = 0, final_errors = 0;
	xenevtchn_port_or_error_t ports[MAX_PORTS];
	double start, end, elapsed;
	unsigned int domid, nports, seconds, i, next = 0;
	xenevtchn_handle *xce;
	sigset_t blocked;

	if (argc != 4) {
		fprintf(stderr, "usage: %s DOMID PORTS SECONDS\n", argv[0]);
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	nports = strtoul(argv[2], NULL, 0);
	seconds = strtoul(argv[3], NULL, 0);
	if (nports < 1 || nports > MAX_PORTS || seconds < 1) {
		printf("xth-flood: PORTS must be 1 to %d, SECONDS at least 1\n",
		       MAX_PORTS);
		return 2;
	}

	/* The signals are taken by sigtimedwait() only; SIGTERM ends it. */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	sigaddset(&blocked, SIGUSR2);
	sigprocmask(SIG_BLOCK, &blocked, NULL);

	xce = xenevtchn_open(NULL, 0);
	if (!xce)
		return fail("xenevtchn_open");
	for (i = 0; i < nports; i++) {
		ports[i] = xenevtchn_bind_unbound_port(xce, domid);
		if (ports[i] < 0)
			return fail("xenevtchn_bind_unbound_port");
	}
	printf("ports");
	for (i = 0; i < nports; i++)
		printf(" %d", ports[i]);
	printf("\n");
	fflush(stdout);

	if (wait_for(SIGUSR1))
		return 1;
	printf("flooding\n");
	fflush(stdout);
	start = now_ms();
	end = start + seconds * 1000.0;
	for (;;) {
		for (i = 0; i < CLOCK_EVERY; i++) {
			if (xenevtchn_notify(xce, ports[next]) < 0)
				errors++;
			else
				notifies++;
			next = next + 1 < nports ? next + 1 : 0;
		}
		if (now_ms() >= end)
			break;
	}
	elapsed = now_ms() - start;
	printf("flood notifies %lu ms %.0f rate %.0f errors %lu\n", notifies,
	       elapsed, notifies / (elapsed / 1000.0), errors);
	fflush(stdout);

	if (wait_for(SIGUSR2))
		return 1;
	for (i = 0; i < nports; i++)
		if (xenevtchn_notify(xce, ports[i]) < 0)
			final_errors++;
	printf("final %u errors %lu\n", nports, final_errors);
	fflush(stdout);

	/* The guest unbinds its ends first; then SIGTERM (or SIGALRM). */
	alarm(WAIT_S);
	for (;;)
		pause();
}
