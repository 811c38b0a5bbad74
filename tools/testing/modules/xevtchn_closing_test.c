// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_closing_test: the deferred close of unbound ports. Unbinding takes
 * a port out of use at once and closes it a grace period later, from a
 * workqueue (events.c); meanwhile the port is closing: Xen still has it
 * open, so Xen cannot hand its number out again, and xevtchn refuses to
 * bind or close it. Needs the test build of xevtchn.ko, whose
 * xevtchn_testing_hold_closes() holds the closes so that a test can look.
 *
 * suite= picks them (a comma-separated list runs several, in that order):
 *
 *   closing          a loopback port unbound with the closes held: the
 *                    unbind returns at once; Xen still has the port open;
 *                    binding or closing it again is refused; none of the
 *                    ports opened meanwhile gets its number; an event sent
 *                    to it reaches no handler, old or new. Let go: Xen has
 *                    closed it and cleared its pending bit, its number
 *                    comes back, and its next binding hears its own events.
 *   closing_sources  what a closing binding still holds: a VIRQ (Xen binds
 *                    it to one port per vCPU) is bound again only once the
 *                    old port is closed, the bind waiting until then; an
 *                    IPI's per-CPU slot is free at once (a new IPI port).
 *   closing_rebind   what a closing port still holds in Xen: the remote
 *                    port it is connected to (Xen refuses to connect to
 *                    it until our end closes), so unbinding an
 *                    interdomain binding and at once connecting to the
 *                    same remote port waits for the close and works; a
 *                    loopback to one of our own closing ports waits too,
 *                    and is refused once it is closed; a close Xen
 *                    refuses keeps the number reserved.
 *   closing_unload   unbind ports of every kind with the closes held, and
 *                    leave them held: the payload then unloads xevtchn,
 *                    which must let them go and wait for them before it
 *                    goes (nothing may be left in Xen or among the IRQs).
 *
 * Parameters: suite=, tag= suite name suffix (the ABI xevtchn runs).
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include <xevtchn/testing.h>
#include "compat.h"
#include "ktap.h"
#include "loopbacks.h"

MODULE_IMPORT_NS(XEVTCHN_TESTING_NS);

static char *suite = "";
module_param(suite, charp, 0444);
MODULE_PARM_DESC(suite, "suites to run, comma-separated (see the top of the file)");
static char *tag = "test";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix");

static void start(struct ktap_suite *s, const char *name, unsigned int plan)
{
	static char full[64];

	snprintf(full, sizeof(full), "%s_%s", name, tag);
	ktap_start(s, full, plan);
}

/* Wait up to 1-2 s for @count to reach @want; then 100 ms for more. */
static int wait_count(atomic_t *count, int want)
{
	unsigned int i;

	for (i = 0; i < 100 && atomic_read(count) < want; i++)
		usleep_range(10000, 20000);
	msleep(100);
	return atomic_read(count);
}

/* What Xen says @port is: EVTCHNSTAT_*, or a negative errno. */
static int port_status(evtchn_port_t port)
{
	struct evtchn_status status = { .dom = DOMID_SELF, .port = port };
	int ret;

	ret = xevtchn_event_channel_op(EVTCHNOP_status, &status);
	return ret ? ret : status.status;
}

/* ---- closing: a closing port keeps its number, and nobody hears it ------- */

#define NEW_LOOPS	16	/* loopbacks opened while the port is closing */
#define NEW_BOUND	4	/* of which this many are bound */

static void test_closing(void)
{
	static evtchn_port_t others[2 * MAX_GRABS], opened[2 * NEW_LOOPS];
	atomic_t runs = ATOMIC_INIT(0), news = ATOMIC_INIT(0);
	atomic_t next_runs = ATOMIC_INIT(0);
	unsigned int i, nopened = 0, nothers = 0, same = 0, bound = 0;
	int irq, ret, status, new_irqs[NEW_BOUND] = {};
	evtchn_port_t rx, tx, peer;
	bool pending = false, masked = false;
	struct ktap_suite s;

	start(&s, "closing", 9);
	ret = xevtchn_alloc_loopback(&rx, &tx);
	irq = ret ?: xevtchn_bind_evtchn_to_irqhandler(rx, count_interrupt, 0,
						       "xevtchn-test-closing",
						       &runs);
	if (irq > 0)
		xevtchn_notify_remote_via_evtchn(tx);
	ktap_result(&s, irq > 0 && wait_count(&runs, 1) == 1, "bound_port_delivers",
		    "binding gave %d; the handler ran %d times, want 1", irq,
		    atomic_read(&runs));
	if (irq <= 0) {
		while (s.number < 9)
			ktap_skip(&s, "after_bind", "no binding");
		return;
	}

	xevtchn_testing_hold_closes(true);
	ret = xevtchn_unbind_from_irqhandler(irq, &runs);
	ktap_result(&s, !ret && xevtchn_irq_from_evtchn(rx) == -ENOENT &&
		    !xevtchn_evtchn_from_irq(irq), "unbind_returns",
		    "unbind gave %d; port %u maps to %d, IRQ %d to port %u",
		    ret, rx, xevtchn_irq_from_evtchn(rx), irq,
		    xevtchn_evtchn_from_irq(irq));
	status = port_status(rx);
	ktap_result(&s, status == EVTCHNSTAT_interdomain, "xen_keeps_port_open",
		    "Xen says port %u is %d, want %d (interdomain)", rx, status,
		    EVTCHNSTAT_interdomain);

	ret = xevtchn_bind_evtchn_to_irq(rx);
	ktap_result(&s, ret == -EINVAL, "bind_refused",
		    "binding the closing port gave %d, want %d", ret, -EINVAL);
	if (ret > 0)
		xevtchn_unbind_from_irq(ret);
	ret = xevtchn_close_port(rx);
	status = port_status(rx);
	ktap_result(&s, ret == -EINVAL && status == EVTCHNSTAT_interdomain,
		    "close_refused",
		    "closing it gave %d (want %d); Xen says %d (want %d)", ret,
		    -EINVAL, status, EVTCHNSTAT_interdomain);

	/* Other users open ports meanwhile; some of them bind theirs. */
	for (i = 0; i < NEW_LOOPS; i++) {
		if (xevtchn_alloc_loopback(&opened[nopened],
					   &opened[nopened + 1]))
			break;
		same += opened[nopened] == rx || opened[nopened + 1] == rx;
		/* The first port: Xen raises no connection event on it. */
		if (i < NEW_BOUND) {
			new_irqs[i] = xevtchn_bind_evtchn_to_irqhandler(opened[nopened],
									count_interrupt, 0,
									"xevtchn-test-closing-new",
									&news);
			bound += new_irqs[i] > 0;
		}
		nopened += 2;
	}
	ktap_result(&s, nopened == 2 * NEW_LOOPS && !same &&
		    bound == NEW_BOUND, "number_not_handed_out",
		    "%u ports opened, %u of them port %u; %u of %u bound",
		    nopened, same, rx, bound, NEW_BOUND);

	xevtchn_notify_remote_via_evtchn(tx);	/* to the closing port */
	msleep(200);
	xevtchn_testing_port_state(rx, &pending, &masked);
	ktap_result(&s, atomic_read(&runs) == 1 && !atomic_read(&news) &&
		    pending && masked, "event_reaches_nobody",
		    "old handler ran %d times (want 1), the new ones %d (want 0); port pending %d, masked %d (want 1, 1)",
		    atomic_read(&runs), atomic_read(&news), pending, masked);

	xevtchn_testing_hold_closes(false);
	xevtchn_testing_drain_closes();
	status = port_status(rx);
	xevtchn_testing_port_state(rx, &pending, &masked);
	ktap_result(&s, status == EVTCHNSTAT_closed && !pending,
		    "closed_when_let_go",
		    "Xen says port %u is %d (want %d, closed), pending %d (want 0)",
		    rx, status, EVTCHNSTAT_closed, pending);

	/* The number is free again: its next binding hears its own events. */
	peer = grab_port(rx, others, &nothers);
	irq = peer ? xevtchn_bind_evtchn_to_irqhandler(rx, count_interrupt, 0,
							"xevtchn-test-closing-next",
							&next_runs) : -ENOENT;
	msleep(100);	/* the connection event, if rx is the bound end */
	atomic_set(&next_runs, 0);
	if (irq > 0)
		xevtchn_notify_remote_via_evtchn(peer);
	ktap_result(&s, irq > 0 && wait_count(&next_runs, 1) == 1,
		    "number_reused_after_close",
		    "port %u %s; binding gave %d; its handler ran %d times, want 1",
		    rx, peer ? "reopened" : "not reopened", irq,
		    atomic_read(&next_runs));
	if (irq > 0)
		xevtchn_unbind_from_irqhandler(irq, &next_runs);
	else if (peer)
		xevtchn_close_port(rx);
	if (peer)
		xevtchn_close_port(peer);
	close_ports(others, nothers);
	for (i = 0; i < NEW_BOUND; i++)
		if (new_irqs[i] > 0) {
			xevtchn_unbind_from_irqhandler(new_irqs[i], &news);
			opened[2 * i] = 0;
		}
	for (i = 0; i < nopened; i++)
		if (opened[i])
			xevtchn_close_port(opened[i]);
	xevtchn_close_port(tx);
	xevtchn_testing_drain_closes();
}

/* ---- closing_sources: a VIRQ waits for its close; an IPI slot does not ---- */

#define TEST_IPI	6

struct rebind {
	int irq;
	atomic_t runs;
	struct completion done;
};

static int virq_rebinder(void *data)
{
	struct rebind *r = data;

	r->irq = xevtchn_bind_virq_to_irqhandler(VIRQ_CON_RING, 0,
						 count_interrupt, 0,
						 "xevtchn-test-closing-virq",
						 &r->runs);
	complete(&r->done);
	return 0;
}

static void test_closing_sources(void)
{
	atomic_t runs = ATOMIC_INIT(0), ipi_runs = ATOMIC_INIT(0);
	unsigned int cpu = cpumask_last(cpu_online_mask);
	evtchn_port_t virq_port = 0, ipi_port = 0, new_port = 0;
	struct task_struct *task;
	static struct rebind r;
	struct ktap_suite s;
	int irq, irq2, ret, status;
	bool waited;

	start(&s, "closing_sources", 6);
	memset(&r, 0, sizeof(r));
	init_completion(&r.done);
	/* A global VIRQ nobody raises in a guest (dom0 takes it). */
	irq = xevtchn_bind_virq_to_irqhandler(VIRQ_CON_RING, 0, count_interrupt,
					      0, "xevtchn-test-closing-virq",
					      &runs);
	if (irq > 0)
		virq_port = xevtchn_evtchn_from_irq(irq);
	xevtchn_testing_hold_closes(true);
	if (irq > 0)
		xevtchn_unbind_from_irqhandler(irq, &runs);
	task = irq > 0 ? kthread_run(virq_rebinder, &r, "xevtchn-test-rebind") :
			 ERR_PTR(-ENOENT);
	msleep(300);
	waited = !IS_ERR(task) && !completion_done(&r.done);
	status = virq_port ? port_status(virq_port) : -ENOENT;
	ktap_result(&s, waited && status == EVTCHNSTAT_virq,
		    "virq_bind_waits_for_close",
		    "binding gave %d; after 300 ms the second bind %s; Xen says the old port %u is %d (want %d, VIRQ)",
		    irq, waited ? "still waits" : "is done", virq_port,
		    status, EVTCHNSTAT_virq);
	xevtchn_testing_hold_closes(false);
	if (!IS_ERR(task) && !wait_for_completion_timeout(&r.done, 10 * HZ)) {
		ktap_result(&s, false, "virq_bound_after_close",
			    "the second bind still waits 10 s after the close was let go (this module stays loaded)");
		__module_get(THIS_MODULE);	/* its thread still runs our code */
		while (s.number < 6)
			ktap_skip(&s, "after_virq", "stuck");
		return;
	}
	ktap_result(&s, r.irq > 0, "virq_bound_after_close",
		    "the second bind gave %d", IS_ERR(task) ? -ENOENT : r.irq);
	if (!IS_ERR(task) && r.irq > 0)
		xevtchn_unbind_from_irqhandler(r.irq, &r.runs);

	/* An IPI's per-CPU slot is free as soon as the unbind returns. */
	xevtchn_testing_hold_closes(true);
	irq = xevtchn_bind_ipi_to_irqhandler(TEST_IPI, cpu, count_interrupt, 0,
					     "xevtchn-test-closing-ipi", &runs);
	if (irq > 0) {
		ipi_port = xevtchn_evtchn_from_irq(irq);
		xevtchn_unbind_from_irqhandler(irq, &runs);
	}
	ret = xevtchn_send_ipi(cpu, TEST_IPI);
	ktap_result(&s, irq > 0 && ret == -ENOENT, "ipi_slot_free_at_once",
		    "binding IPI %u on CPU %u gave %d; sending after the unbind gave %d, want %d",
		    TEST_IPI, cpu, irq, ret, -ENOENT);
	irq2 = xevtchn_bind_ipi_to_irqhandler(TEST_IPI, cpu, count_interrupt, 0,
					      "xevtchn-test-closing-ipi",
					      &ipi_runs);
	if (irq2 > 0)
		new_port = xevtchn_evtchn_from_irq(irq2);
	ktap_result(&s, irq2 > 0 && new_port != ipi_port,
		    "ipi_bound_again_at_once",
		    "binding it again gave %d, port %u (the closing one: %u)",
		    irq2, new_port, ipi_port);
	ret = irq2 > 0 ? xevtchn_send_ipi(cpu, TEST_IPI) : irq2;
	status = ipi_port ? port_status(ipi_port) : -ENOENT;
	ktap_result(&s, !ret && wait_count(&ipi_runs, 1) == 1 &&
		    !atomic_read(&runs) && status == EVTCHNSTAT_ipi,
		    "new_ipi_hears_once",
		    "send gave %d; the new handler ran %d times (want 1), the old one %d (want 0); Xen says the old port is %d (want %d, IPI)",
		    ret, atomic_read(&ipi_runs), atomic_read(&runs), status,
		    EVTCHNSTAT_ipi);
	xevtchn_testing_hold_closes(false);
	if (irq2 > 0)
		xevtchn_unbind_from_irqhandler(irq2, &ipi_runs);
	xevtchn_testing_drain_closes();
	status = ipi_port ? port_status(ipi_port) : -ENOENT;
	ktap_result(&s, status == EVTCHNSTAT_closed, "closed_when_let_go",
		    "Xen says the old IPI port %u is %d, want %d (closed)",
		    ipi_port, status, EVTCHNSTAT_closed);
}

/* ---- closing_rebind: a closing port's remote end waits for its close ---- */

struct connect {
	domid_t dom;
	evtchn_port_t port;
	int irq;
	atomic_t runs;
	struct completion done;
};

static int connector(void *data)
{
	struct connect *c = data;

	c->irq = xevtchn_bind_interdomain_evtchn_to_irqhandler(c->dom, c->port,
							       count_interrupt, 0,
							       "xevtchn-test-closing-rebind",
							       &c->runs);
	complete(&c->done);
	return 0;
}

/*
 * Connect to (@dom, @port) from a thread while the closes are held: true
 * when it still waits after 300 ms. Lets the closes go, waits for it.
 * False (and the module kept loaded) when it never finishes.
 */
static bool connect_held(struct connect *c, domid_t dom, evtchn_port_t port,
			 bool *waited)
{
	struct task_struct *task;

	memset(c, 0, sizeof(*c));
	init_completion(&c->done);
	c->dom = dom;
	c->port = port;
	task = kthread_run(connector, c, "xevtchn-test-connect");
	if (IS_ERR(task)) {
		c->irq = PTR_ERR(task);
		complete(&c->done);
	}
	msleep(300);
	*waited = !completion_done(&c->done);
	xevtchn_testing_hold_closes(false);
	if (wait_for_completion_timeout(&c->done, 10 * HZ))
		return true;
	__module_get(THIS_MODULE);	/* its thread still runs our code */
	return false;
}

static void test_closing_rebind(void)
{
	static evtchn_port_t others[2 * MAX_GRABS];
	atomic_t runs = ATOMIC_INIT(0), a_runs = ATOMIC_INIT(0);
	struct evtchn_close close = {};
	unsigned int nothers = 0;
	static struct connect c;
	struct ktap_suite s;
	evtchn_port_t a = 0, x = 0, y = 0, peer;
	int irq_a, irq_b, irq, ret;
	bool waited;

	start(&s, "closing_rebind", 5);
	/* a: unbound for ourselves, bound; b: connected to it, bound. */
	ret = xevtchn_alloc_unbound(DOMID_SELF, &a);
	irq_a = ret ?: xevtchn_bind_evtchn_to_irqhandler(a, count_interrupt, 0,
							 "xevtchn-test-closing-rebind",
							 &a_runs);
	irq_b = irq_a > 0 ?
		xevtchn_bind_interdomain_evtchn_to_irqhandler(DOMID_SELF, a,
							      count_interrupt, 0,
							      "xevtchn-test-closing-rebind",
							      &runs) : irq_a;
	if (irq_b <= 0) {
		ktap_result(&s, false, "rebind_at_once",
			    "binding the loopback gave %d, %d", irq_a, irq_b);
		while (s.number < 5)
			ktap_skip(&s, "after_bind", "no binding");
		goto out_a;
	}

	/* Unbind b, connect to a again at once: waits for b's close. */
	xevtchn_unbind_from_irqhandler(irq_b, &runs);
	irq = xevtchn_bind_interdomain_evtchn_to_irqhandler(DOMID_SELF, a,
							    count_interrupt, 0,
							    "xevtchn-test-closing-rebind",
							    &runs);
	/*
	 * Xen sets a freshly connected port pending, in case the other end
	 * sent before the connect (evtchn_bind_interdomain()): let that one
	 * pass before counting.
	 */
	msleep(100);
	atomic_set(&runs, 0);
	ret = irq > 0 ? xevtchn_notify_remote_via_evtchn(a) : irq;
	ktap_result(&s, irq > 0 && !ret && wait_count(&runs, 1) == 1,
		    "rebind_at_once",
		    "connecting to port %u right after the unbind gave %d, the send %d; the handler ran %d times, want 1",
		    a, irq, ret, atomic_read(&runs));
	if (irq <= 0)
		goto out_a;

	/* The same with the close held: the connect waits for it. */
	xevtchn_testing_hold_closes(true);
	xevtchn_unbind_from_irqhandler(irq, &runs);
	if (!connect_held(&c, DOMID_SELF, a, &waited)) {
		ktap_result(&s, false, "rebind_waits_for_close",
			    "the connect still waits 10 s after the close was let go (this module stays loaded)");
		while (s.number < 5)
			ktap_skip(&s, "after_rebind", "stuck");
		return;
	}
	ktap_result(&s, waited && c.irq > 0, "rebind_waits_for_close",
		    "after 300 ms the connect %s; it gave %d",
		    waited ? "still waited" : "was done", c.irq);
	msleep(100);			/* the connect's own event, as above */
	atomic_set(&c.runs, 0);
	ret = c.irq > 0 ? xevtchn_notify_remote_via_evtchn(a) : c.irq;
	ktap_result(&s, !ret && wait_count(&c.runs, 1) == 1,
		    "rebind_hears_once", "send gave %d; the handler ran %d times, want 1",
		    ret, atomic_read(&c.runs));
	if (c.irq > 0)
		xevtchn_unbind_from_irqhandler(c.irq, &c.runs);

	/* A loopback to our own closing (unbound) port: refused once closed. */
	xevtchn_testing_hold_closes(true);
	xevtchn_unbind_from_irqhandler(irq_a, &a_runs);
	irq_a = 0;
	if (!connect_held(&c, DOMID_SELF, a, &waited)) {
		ktap_result(&s, false, "connect_to_closing_refused",
			    "the connect still waits 10 s after the close was let go (this module stays loaded)");
		ktap_skip(&s, "failed_close_keeps_number", "stuck");
		return;
	}
	ktap_result(&s, waited && c.irq == -EINVAL,
		    "connect_to_closing_refused",
		    "connecting to our closing port %u: after 300 ms it %s; it gave %d, want %d",
		    a, waited ? "still waited" : "was done", c.irq, -EINVAL);
	if (c.irq > 0)
		xevtchn_unbind_from_irqhandler(c.irq, &c.runs);
	a = 0;

	/*
	 * A close Xen refuses: close the port behind xevtchn's back while
	 * its close is held. Xen's number may then be handed out again, but
	 * xevtchn must keep it reserved (the close failed: for all it knows
	 * Xen still has it open), not bind it as free.
	 */
	ret = xevtchn_alloc_loopback(&x, &y);
	irq = ret ?: xevtchn_bind_evtchn_to_irqhandler(x, count_interrupt, 0,
						       "xevtchn-test-closing-rebind",
						       &runs);
	if (irq > 0) {
		xevtchn_testing_hold_closes(true);
		xevtchn_unbind_from_irqhandler(irq, &runs);
		close.port = x;
		xevtchn_event_channel_op(EVTCHNOP_close, &close);
		xevtchn_testing_hold_closes(false);
		xevtchn_testing_drain_closes();
	}
	peer = irq > 0 ? grab_port(x, others, &nothers) : 0;
	ret = peer ? xevtchn_bind_evtchn_to_irq(x) : -ENOENT;
	ktap_result(&s, ret == -EINVAL, "failed_close_keeps_number",
		    "binding gave %d; port %u %s; binding it again gave %d, want %d (reserved)",
		    irq, x, peer ? "reopened by Xen" : "not reopened", ret,
		    -EINVAL);
	if (ret > 0)
		xevtchn_unbind_from_irq(ret);
	if (peer) {
		close.port = x;		/* xevtchn refuses it: reserved */
		if (ret <= 0)
			xevtchn_event_channel_op(EVTCHNOP_close, &close);
		xevtchn_close_port(peer);
	}
	close_ports(others, nothers);
	if (y)
		xevtchn_close_port(y);
out_a:
	if (irq_a > 0)
		xevtchn_unbind_from_irqhandler(irq_a, &a_runs);
	if (a && irq_a <= 0)
		xevtchn_close_port(a);
	xevtchn_testing_drain_closes();
}

/* ---- closing_unload: leave closes held for the unload --------------------- */

#define UNLOAD_LOOPS	3
#define UNLOAD_PORTS	(UNLOAD_LOOPS + 2)	/* and an IPI, a VIRQ */
#define UNLOAD_IPI	7

static void test_closing_unload(void)
{
	evtchn_port_t ports[UNLOAD_PORTS] = {}, peers[UNLOAD_LOOPS] = {};
	unsigned int i, open = 0, irqs = 0;
	int irq[UNLOAD_PORTS];
	atomic_t runs = ATOMIC_INIT(0);
	struct ktap_suite s;

	start(&s, "closing_unload", 2);
	for (i = 0; i < UNLOAD_LOOPS; i++) {
		irq[i] = xevtchn_alloc_loopback(&ports[i], &peers[i]) ?:
			 xevtchn_bind_evtchn_to_irqhandler(ports[i],
							   count_interrupt, 0,
							   "xevtchn-test-closing-unload",
							   &runs);
	}
	irq[i++] = xevtchn_bind_ipi_to_irqhandler(UNLOAD_IPI, 0, count_interrupt,
						  0, "xevtchn-test-closing-unload",
						  &runs);
	irq[i++] = xevtchn_bind_virq_to_irqhandler(VIRQ_CON_RING, 0,
						   count_interrupt, 0,
						   "xevtchn-test-closing-unload",
						   &runs);
	/* Bound first: a VIRQ's bind would wait for a held close. */
	xevtchn_testing_hold_closes(true);
	for (i = 0; i < UNLOAD_PORTS; i++) {
		if (irq[i] <= 0)
			continue;
		ports[i] = xevtchn_evtchn_from_irq(irq[i]);
		xevtchn_unbind_from_irqhandler(irq[i], &runs);
	}
	/* The peers are not bound: they close at once. */
	for (i = 0; i < UNLOAD_LOOPS; i++)
		if (peers[i])
			xevtchn_close_port(peers[i]);
	for (i = 0; i < UNLOAD_PORTS; i++) {
		if (irq[i] <= 0)
			continue;
		open += port_status(ports[i]) > EVTCHNSTAT_closed;
		irqs += !!irq_get_irq_data(irq[i]);
	}
	ktap_result(&s, open == UNLOAD_PORTS, "closes_held",
		    "%u of %u unbound ports still open in Xen", open,
		    UNLOAD_PORTS);
	ktap_result(&s, irqs == UNLOAD_PORTS, "irqs_kept_until_close",
		    "%u of %u IRQs still allocated", irqs, UNLOAD_PORTS);
	ktap_diag("leaving %u ports closing for the unload of xevtchn", open);
}

static const struct {
	const char *name;
	void (*run)(void);
} suites[] = {
	{ "closing", test_closing },
	{ "closing_sources", test_closing_sources },
	{ "closing_rebind", test_closing_rebind },
	{ "closing_unload", test_closing_unload },
};

static int __init closing_test_init(void)
{
	char *list, *cursor, *name;
	unsigned int i;

	list = kstrdup(suite, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cursor = list;
	while ((name = strsep(&cursor, ","))) {
		for (i = 0; i < ARRAY_SIZE(suites); i++)
			if (!strcmp(name, suites[i].name))
				break;
		if (i < ARRAY_SIZE(suites))
			suites[i].run();
		else if (*name)
			pr_info("# closing test: no suite '%s'\n", name);
	}
	kfree(list);
	return 0;
}

static void __exit closing_test_exit(void)
{
}

module_init(closing_test_init);
module_exit(closing_test_exit);

MODULE_DESCRIPTION("xevtchn test: the deferred close of unbound ports");
MODULE_LICENSE("GPL");
