// SPDX-License-Identifier: GPL-2.0
/*
 * xth-evtchn-user: /dev/xen/evtchn (evtchn_dev.c) through Debian's own
 * libxenevtchn, linked dynamically so that the real library runs, in the
 * test guest. Each suite prints one KTAP document on standard output.
 *
 *   xth-evtchn-user dom0 REMOTE_PORT ROUNDS   evtchn_dev_dom0
 *   xth-evtchn-user loopback ROUNDS           evtchn_dev_loopback
 *   xth-evtchn-user virq READY_FILE           evtchn_dev_virq
 *   xth-evtchn-user restrict DOMID            evtchn_dev_restrict
 *   xth-evtchn-user openers                   evtchn_dev_two_openers
 *   xth-evtchn-user bad                       evtchn_dev_bad_input
 *   xth-evtchn-user hold READY_FILE           (no output; see below)
 *
 * dom0: REMOTE_PORT is dom0's xth-evtchn-peer, which answers each event
 * with one: ROUNDS round trips, with an unbind and a bind again to the
 * same port halfway. virq: binds VIRQ_DEBUG, creates READY_FILE, and waits
 * for dom0's "xl debug-keys q". hold: binds ports of every kind, queues an
 * event, creates READY_FILE and sleeps until killed, so that the caller can
 * see the ports in Xen's list, fail to unload xevtchn, kill it and see
 * the ports gone. Exit status 0 when every case passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xen/sys/evtchn.h>

#ifndef IOCTL_EVTCHN_BIND_STATIC
#define IOCTL_EVTCHN_BIND_STATIC	_IOC(_IOC_NONE, 'E', 7, sizeof(unsigned int))
#endif

/* How long an event may take to arrive, and how long "nothing" lasts. */
#define EVENT_MS	10000
#define QUIET_MS	300

static unsigned int cases, failures;

static void suite(const char *name, unsigned int plan)
{
	printf("KTAP version 1\n# Subtest: %s\n1..%u\n", name, plan);
}

/* One case: ok, or not ok with the reason (printf format) after '#'. */
static void result(bool ok, const char *name, const char *why, ...)
{
	va_list args;

	cases++;
	if (ok) {
		printf("ok %u %s\n", cases, name);
		return;
	}
	failures++;
	printf("not ok %u %s # ", cases, name);
	va_start(args, why);
	vprintf(why, args);
	va_end(args);
	printf("\n");
}

static void expect(const char *name, long want, long got)
{
	result(want == got, name, "want %ld, got %ld", want, got);
}

/* The call returned @ret, then errno was @err: it must have failed with @want. */
static void expect_errno(const char *name, int want, long ret, int err)
{
	result(ret == -1 && err == want, name, "want -1 with %s, got %ld with %s",
	       strerror(want), ret, ret == -1 ? strerror(err) : "no error");
}

/* A call that must succeed (return >= 0), just made: its result. */
static long must(const char *name, long ret)
{
	result(ret >= 0, name, "failed: %s", strerror(errno));
	return ret;
}

/* The next fired port within @ms milliseconds; -1 with errno ETIMEDOUT. */
static int next_port(xenevtchn_handle *h, int ms)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(h), .events = POLLIN };
	int n;

	do {
		n = poll(&pfd, 1, ms);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	if (n <= 0)
		return -1;
	return xenevtchn_pending(h);
}

/* A read that does not block: the port, or -1 (EAGAIN: nothing waits). */
static long read_nonblock(xenevtchn_handle *h)
{
	int fd = xenevtchn_fd(h), flags = fcntl(fd, F_GETFL);
	evtchn_port_t port;
	long ret;
	int err;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	ret = read(fd, &port, sizeof(port));
	err = errno;
	fcntl(fd, F_SETFL, flags);
	errno = err;
	return ret == sizeof(port) ? (long)port : -1;
}

/* Nothing fires on @h for QUIET_MS, and nothing waits: 0, else the port. */
static long quiet(xenevtchn_handle *h)
{
	long port = next_port(h, QUIET_MS);

	return port < 0 && errno == ETIMEDOUT ? 0 : port;
}

/*
 * @port of @h was just connected: Xen sets it pending for its new owner
 * (evtchn_bind_interdomain(), event_channel.c of Xen 4.17, line 447).
 * Take that event (within EVENT_MS, as any event), then nothing else for
 * QUIET_MS: 0, else -1 (also for a bind that failed: @port < 0). Waiting
 * for quiet alone is not enough: on the emulated test host that event has
 * come later than QUIET_MS, and was then taken for a test's own (an extra
 * event on the port, seemingly fired twice).
 */
static int take_connect_event(xenevtchn_handle *h, long port)
{
	if (port < 0 || next_port(h, EVENT_MS) != port ||
	    xenevtchn_unmask(h, port) < 0)
		return -1;
	return quiet(h) ? -1 : 0;
}

/*
 * @rounds times: send on @send (of @from), wait for @recv to fire on @to,
 * re-enable it. Returns how many came; stops at the first that does not.
 */
static unsigned int round_trips(xenevtchn_handle *from, evtchn_port_t send,
				xenevtchn_handle *to, evtchn_port_t recv,
				unsigned int rounds)
{
	unsigned int i;

	for (i = 0; i < rounds; i++) {
		if (xenevtchn_notify(from, send) < 0 ||
		    next_port(to, EVENT_MS) != (int)recv ||
		    xenevtchn_unmask(to, recv) < 0)
			break;
	}
	return i;
}

static xenevtchn_handle *open_handle(void)
{
	xenevtchn_handle *h = xenevtchn_open(NULL, 0);

	if (!h) {
		printf("Bail out! xenevtchn_open: %s\n", strerror(errno));
		exit(1);
	}
	return h;
}

/*
 * A loopback pair on @h: *@a unbound for ourselves, *@b connected to it;
 * Xen's event on *@b taken. 0, else -1.
 */
static int loopback(xenevtchn_handle *h, long *a, long *b)
{
	*a = xenevtchn_bind_unbound_port(h, DOMID_SELF);
	*b = *a < 0 ? -1 : xenevtchn_bind_interdomain(h, DOMID_SELF, *a);
	return take_connect_event(h, *b);
}

static void suite_dom0(evtchn_port_t remote, unsigned int rounds)
{
	unsigned int half = rounds / 2, got;
	xenevtchn_handle *h;
	long port, ret;

	suite("evtchn_dev_dom0", 9);
	h = open_handle();
	port = must("bind_interdomain_to_dom0",
		    xenevtchn_bind_interdomain(h, 0, remote));
	expect("connect_event_once", 0, take_connect_event(h, port));
	got = port < 0 ? 0 : round_trips(h, port, h, port, half);
	expect("round_trips_first_half", half, got);
	expect("unbind", 0, xenevtchn_unbind(h, port));
	ret = xenevtchn_notify(h, port);
	expect_errno("notify_after_unbind_refused", ENOTCONN, ret, errno);
	/* xevtchn waits for the deferred close of our old end first. */
	port = must("bind_again_to_the_same_remote_port",
		    xenevtchn_bind_interdomain(h, 0, remote));
	expect("connect_event_once_again", 0, take_connect_event(h, port));
	if (port >= 0)
		got += round_trips(h, port, h, port, rounds - half);
	expect("round_trips_in_all", rounds, got);
	expect("no_event_beyond_the_answers", 0, quiet(h));
	xenevtchn_close(h);
}

static void suite_loopback(unsigned int rounds)
{
	struct pollfd pfd = { .events = POLLIN };
	long a, b, ret, port = -1;
	xenevtchn_handle *h;
	unsigned int i;
	int fd;

	suite("evtchn_dev_loopback", 13);
	h = open_handle();
	fd = xenevtchn_fd(h);
	pfd.fd = fd;
	expect("loopback_pair_bound", 0, loopback(h, &a, &b));
	expect("a_to_b_each_once", rounds, round_trips(h, a, h, b, rounds));
	expect("b_to_a_each_once", rounds, round_trips(h, b, h, a, rounds));
	ret = read_nonblock(h);
	expect_errno("nonblocking_read_of_nothing", EAGAIN, ret, errno);

	/* While B waits to be re-enabled, more events coalesce in Xen. */
	xenevtchn_notify(h, a);
	ret = next_port(h, EVENT_MS);
	xenevtchn_notify(h, a);
	xenevtchn_notify(h, a);
	expect("nothing_more_while_not_reenabled", 0, quiet(h) || ret != b);
	xenevtchn_unmask(h, b);
	ret = next_port(h, EVENT_MS);
	xenevtchn_unmask(h, b);
	expect("the_coalesced_event_after_reenabling", b, ret);

	/* Re-enabled before it is read, B queues again: the ring overflows. */
	for (i = 0; i < 10000 && !(pfd.revents & POLLERR); i++) {
		xenevtchn_notify(h, a);
		usleep(2000);
		xenevtchn_unmask(h, b);
		poll(&pfd, 1, 0);
	}
	expect("ring_overflow_polls_pollerr", POLLERR, pfd.revents & POLLERR);
	ret = xenevtchn_pending(h);
	expect_errno("ring_overflow_read_efbig", EFBIG, ret, errno);
	usleep(100000);
	expect("reset", 0, ioctl(fd, IOCTL_EVTCHN_RESET));
	ret = read_nonblock(h);
	expect_errno("ring_empty_after_reset", EAGAIN, ret, errno);
	/* B may still hold an event from before: take it, then one more. */
	xenevtchn_unmask(h, b);
	while ((ret = next_port(h, QUIET_MS)) >= 0)
		xenevtchn_unmask(h, ret);
	expect("events_after_reset", 1, round_trips(h, a, h, b, 1));

	/*
	 * An unbind leaves the port's waiting entry, as mainline does: read
	 * as a stray event (a read that poll() announced must not block), its
	 * write skipped.
	 */
	xenevtchn_notify(h, b);
	if (poll(&pfd, 1, EVENT_MS) == 1 && xenevtchn_unbind(h, a) == 0)
		port = read_nonblock(h);
	expect("unbind_leaves_queued_event", a, port);
	expect("write_of_the_unbound_port_skipped", 0, xenevtchn_unmask(h, a));
	xenevtchn_close(h);
}

static void suite_virq(const char *ready)
{
	xenevtchn_handle *h;
	long port, got;
	FILE *f;

	suite("evtchn_dev_virq", 5);
	h = open_handle();
	port = must("bind_virq_debug", xenevtchn_bind_virq(h, VIRQ_DEBUG));
	f = fopen(ready, "w");
	if (f)
		fclose(f);
	got = next_port(h, 60000);
	expect("debug_keys_q_fires_it", port, got);
	xenevtchn_unmask(h, port);
	/* Xen raises it on every vCPU; the device bound it on vCPU 0 only. */
	expect("once", 0, quiet(h));
	expect("unbind", 0, xenevtchn_unbind(h, port));
	/* Xen binds a VIRQ once per vCPU: xevtchn waits for the old close. */
	port = must("bind_again", xenevtchn_bind_virq(h, VIRQ_DEBUG));
	xenevtchn_close(h);
}

static void suite_restrict(unsigned int domid)
{
	xenevtchn_handle *r, *u, *z;
	unsigned int port = 1;
	long a, b, ret;

	suite("evtchn_dev_restrict", 10);
	r = open_handle();
	u = open_handle();
	expect("restrict_to_own_domain", 0, xenevtchn_restrict(r, domid));
	ret = xenevtchn_restrict(r, domid);
	expect_errno("restrict_again_refused", EACCES, ret, errno);
	ret = xenevtchn_bind_unbound_port(r, domid);
	expect_errno("unbound_port_refused", EACCES, ret, errno);
	ret = xenevtchn_bind_virq(r, VIRQ_DEBUG);
	expect_errno("virq_refused", EACCES, ret, errno);
	ret = xenevtchn_bind_interdomain(r, 0, 1);
	expect_errno("interdomain_to_another_domain_refused", EACCES, ret, errno);
	ret = ioctl(xenevtchn_fd(r), IOCTL_EVTCHN_BIND_STATIC, &port);
	expect_errno("static_refused", EACCES, ret, errno);
	a = xenevtchn_bind_unbound_port(u, domid);
	b = a < 0 ? -1 : xenevtchn_bind_interdomain(r, domid, a);
	must("interdomain_to_own_domain_allowed", b);
	/* Xen's event on b first, so that the second round trip is ours. */
	expect("events_both_ways", 2, take_connect_event(r, b) ? 0 :
	       round_trips(r, b, u, a, 1) + round_trips(u, a, r, b, 1));
	z = open_handle();
	ret = xenevtchn_restrict(z, 0);
	expect_errno("restrict_to_domain_0_refused", EINVAL, ret, errno);
	ret = xenevtchn_restrict(z, DOMID_SELF);
	expect_errno("restrict_to_domid_self_refused", EINVAL, ret, errno);
	xenevtchn_close(z);
	xenevtchn_close(r);
	xenevtchn_close(u);
}

static void suite_openers(void)
{
	xenevtchn_handle *x, *y;
	long a, b, c, d, ret;
	unsigned int port;

	suite("evtchn_dev_two_openers", 9);
	x = open_handle();
	y = open_handle();
	expect("both_bind_loopbacks", 0, loopback(x, &a, &b) | loopback(y, &c, &d));
	ret = xenevtchn_unbind(y, a);
	expect_errno("unbind_of_the_others_port_refused", ENOTCONN, ret, errno);
	ret = xenevtchn_notify(y, a);
	expect_errno("notify_of_the_others_port_refused", ENOTCONN, ret, errno);
	expect("write_of_the_others_port_ignored", 0, xenevtchn_unmask(y, a));
	port = a;
	ret = ioctl(xenevtchn_fd(y), IOCTL_EVTCHN_BIND_STATIC, &port);
	expect_errno("static_bind_of_the_others_port_refused", EBUSY, ret, errno);
	expect("x_events_reach_x", 1, round_trips(x, a, x, b, 1));
	expect("only_x", 0, quiet(y));
	expect("y_events_reach_y_only", 1, round_trips(y, c, y, d, 1) - quiet(x));
	xenevtchn_close(y);
	expect("x_works_after_y_closed", 1, round_trips(x, b, x, a, 1));
	xenevtchn_close(x);
}

/* A raw ioctl: its result, with errno in *@err. */
static long raw(int fd, unsigned long cmd, void *arg, int *err)
{
	long ret = ioctl(fd, cmd, arg);

	*err = errno;
	return ret;
}

static void suite_bad(void)
{
	struct pollfd pfd = { .events = POLLIN };
	unsigned int arg[2] = { 1000, 0 };
	evtchn_port_t ports[3], other;
	xenevtchn_handle *h;
	long a, b, ret;
	char buf[8];
	int fd, err;
	/* A page that is not readable or writable: a bad buffer. */
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	suite("evtchn_dev_bad_input", 28);
	h = open_handle();
	fd = xenevtchn_fd(h);
	pfd.fd = fd;
	ret = raw(fd, _IOC(_IOC_NONE, 'E', 0, 8), arg, &err);
	expect_errno("ioctl_of_the_wrong_size", ENOTTY, ret, err);
	ret = raw(fd, _IOC(_IOC_NONE, 'E', 42, 4), arg, &err);
	expect_errno("ioctl_unknown_number", ENOTTY, ret, err);
	ret = raw(fd, _IOC(_IOC_NONE, 'X', 0, 4), arg, &err);
	expect_errno("ioctl_other_type", ENOTTY, ret, err);
	ret = raw(fd, _IOC(_IOC_NONE, 'E', 5, 4), arg, &err);
	expect_errno("reset_with_an_argument", ENOTTY, ret, err);
	ret = raw(fd, IOCTL_EVTCHN_BIND_VIRQ, NULL, &err);
	expect_errno("null_argument", EFAULT, ret, err);
	ret = raw(fd, IOCTL_EVTCHN_BIND_VIRQ, arg, &err);
	expect_errno("virq_out_of_range", EINVAL, ret, err);
	arg[0] = 0xffffffff;
	ret = raw(fd, IOCTL_EVTCHN_UNBIND, arg, &err);
	expect_errno("unbind_port_out_of_range", EINVAL, ret, err);
	ret = raw(fd, IOCTL_EVTCHN_NOTIFY, arg, &err);
	expect_errno("notify_port_out_of_range", EINVAL, ret, err);
	ret = raw(fd, IOCTL_EVTCHN_BIND_STATIC, arg, &err);
	expect_errno("static_port_out_of_range", EINVAL, ret, err);
	arg[0] = 1;
	ret = raw(fd, IOCTL_EVTCHN_UNBIND, arg, &err);
	expect_errno("unbind_port_not_bound_here", ENOTCONN, ret, err);
	ret = raw(fd, IOCTL_EVTCHN_NOTIFY, arg, &err);
	expect_errno("notify_port_not_bound_here", ENOTCONN, ret, err);
	arg[0] = 0x10000;
	arg[1] = 1;
	ret = raw(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, arg, &err);
	expect_errno("interdomain_domain_out_of_range", EINVAL, ret, err);
	ret = raw(fd, IOCTL_EVTCHN_BIND_UNBOUND_PORT, arg, &err);
	expect_errno("unbound_domain_out_of_range", EINVAL, ret, err);
	arg[0] = 0;
	arg[1] = 0xfffffff0;
	ret = raw(fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, arg, &err);
	expect_errno("interdomain_remote_port_out_of_range", EINVAL, ret, err);

	expect("loopback_pair_bound", 0, loopback(h, &a, &b));
	for (other = 1; other == a || other == b; other++)
		;
	arg[0] = a;
	ret = raw(fd, IOCTL_EVTCHN_BIND_STATIC, arg, &err);
	expect_errno("static_bind_of_own_port", EISCONN, ret, err);
	ret = read(fd, buf, 3);
	expect_errno("read_of_3_bytes", EINVAL, ret, errno);
	expect("read_of_0_bytes", 0, read(fd, buf, 0));
	xenevtchn_notify(h, a);
	poll(&pfd, 1, EVENT_MS);	/* B is in the ring */
	ret = read(fd, bad, 4);
	expect_errno("read_to_a_bad_buffer", EFAULT, ret, errno);
	ret = read(fd, buf, 6);
	expect("read_of_6_bytes_gets_one_port", 4, ret);
	expect("the_port_kept_after_the_bad_read", b, ret == 4 ? (long)*(evtchn_port_t *)buf : -1);
	ret = write(fd, buf, 3);
	expect_errno("write_of_3_bytes", EINVAL, ret, errno);
	ret = write(fd, bad, 4);
	expect_errno("write_from_a_bad_buffer", EFAULT, ret, errno);
	/* Skipped, as mainline: xenstored exits when an unmask fails. */
	ports[0] = 0xffffffff;
	expect("write_port_out_of_range_ignored", 4, write(fd, ports, 4));
	ports[0] = other;
	expect("write_port_not_bound_here_ignored", 4, write(fd, ports, 4));
	/* B comes after both: still_works sees it re-enabled. */
	ports[1] = 0xffffffff;
	ports[2] = b;
	expect("write_goes_on_past_skipped_ports", 12, write(fd, ports, 12));
	ret = lseek(fd, 0, SEEK_SET);
	expect_errno("lseek", ESPIPE, ret, errno);
	expect("still_works", 1, round_trips(h, a, h, b, 1));
	xenevtchn_close(h);
}

/* Ports of every kind left bound, one event queued, until killed. */
static int hold(const char *ready)
{
	xenevtchn_handle *h = open_handle();
	long a, b;
	FILE *f;

	if (xenevtchn_bind_unbound_port(h, 0) < 0 || loopback(h, &a, &b) < 0 ||
	    xenevtchn_bind_virq(h, VIRQ_DEBUG) < 0 ||
	    xenevtchn_notify(h, a) < 0 || next_port(h, EVENT_MS) != b ||
	    xenevtchn_unmask(h, b) < 0 || xenevtchn_notify(h, a) < 0) {
		fprintf(stderr, "xth-evtchn-user: cannot bind the ports to keep: %s\n",
			strerror(errno));
		return 1;
	}
	f = fopen(ready, "w");
	if (f)
		fclose(f);
	for (;;)
		pause();
}

static int bad_usage(const char *me)
{
	fprintf(stderr, "usage: see the top of %s.c\n", me);
	return 2;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(what, "hold") && argc == 3)
		return hold(argv[2]);
	if (!strcmp(what, "dom0") && argc == 4)
		suite_dom0(strtoul(argv[2], NULL, 0), strtoul(argv[3], NULL, 0));
	else if (!strcmp(what, "loopback") && argc == 3)
		suite_loopback(strtoul(argv[2], NULL, 0));
	else if (!strcmp(what, "virq") && argc == 3)
		suite_virq(argv[2]);
	else if (!strcmp(what, "restrict") && argc == 3)
		suite_restrict(strtoul(argv[2], NULL, 0));
	else if (!strcmp(what, "openers") && argc == 2)
		suite_openers();
	else if (!strcmp(what, "bad") && argc == 2)
		suite_bad();
	else
		return bad_usage(argv[0]);
	return failures ? 1 : 0;
}
