// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_lateeoi_test: late EOI (lateeoi.c), on loopbacks. Needs the test
 * build of xevtchn.ko (xevtchn_testing_port_state() and
 * xevtchn_testing_lateeoi_state() read a port's bits and EOI state).
 *
 * At load it runs the suite lateeoi_<tag>:
 *
 *   bind                  a loopback port bound with the lateeoi binding;
 *                         its chip is xen-dyn-lateeoi
 *   handler_runs_once     one event, one handler run
 *   masked_until_eoi      until the EOI the port stays masked: a second
 *                         event waits, pending, and the handler does not
 *                         run
 *   eoi_delivers_waiting  the EOI (process context) delivers the event
 *                         that waited, exactly once; an EOI with nothing
 *                         owed does nothing
 *   eoi_from_hard_irq     an EOI from an hrtimer (hard IRQ) does the same
 *   eoi_from_handler      a handler that EOIs itself: each of 20 events
 *                         runs it once, and the port ends unmasked
 *   spurious_backoff      each spurious EOI counts, and past the first the
 *                         delay doubles, from 1 jiffy up to a second
 *                         (mainline's figures); every delayed EOI still
 *                         delivers the event that waited; the first ends
 *                         the event at once, and each delay of 20 ms or
 *                         more is seen delayed, the event owed (a shorter
 *                         one may be over before the test looks)
 *   non_spurious_resets   a non-spurious EOI sets the count and delay to 0
 *   unbind_while_delayed  unbinding with a delayed EOI pending returns;
 *                         with the close held, an event sent to the
 *                         closing port waits there, masked and pending,
 *                         past the EOI's time (no EOI unmasks it); let
 *                         go, the port closes, the IRQ is freed, and
 *                         nothing runs (a KASAN or lockdep report would
 *                         fail the run)
 *   move_while_delayed    an IRQ moved to another CPU while its EOI is
 *                         delayed and an event waits: until the delay is
 *                         over the handler does not run and the port
 *                         stays masked and pending, its EOI delayed; then
 *                         the event is delivered once, there, never twice
 *                         at once
 *   virq_lateeoi          a global VIRQ binds with late EOI; a per-CPU
 *                         one and a per-vCPU VIRQ are refused
 *   eoi_elsewhere         an EOI on an IRQ that is not lateeoi, or not
 *                         bound, changes nothing
 *
 * and leaves one lateeoi IRQ bound until unload, "xevtchn-test-lateeoi",
 * after two events and two spurious EOIs: the payload checks its chip in
 * /proc/interrupts and its line in debugfs against the "# lateeoi" line
 * printed here.
 *
 * Parameters: mode= the upcall (vector, callback or intx: under intx
 * nothing moves), tag= suite name suffix.
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include <xevtchn/testing.h>
#include "compat.h"
#include "ktap.h"

MODULE_IMPORT_NS(XEVTCHN_TESTING_NS);

static char *mode = "vector";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "xevtchn's upcall mode: vector, callback or intx");
static char *tag;
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix (default: the mode)");

#define PLAN		12
#define WAIT_MS		5000
#define EVENTS		20	/* events for the handler that EOIs itself */

static void start(struct ktap_suite *s, const char *name, unsigned int plan)
{
	static char full[64];

	snprintf(full, sizeof(full), "%s_%s", name, tag ?: mode);
	ktap_start(s, full, plan);
}

/**
 * struct lt - a loopback whose first port is bound with late EOI
 * @a: the bound port
 * @b: its peer, unbound: a send on it raises @a
 * @irq: @a's IRQ
 * @runs: handler runs
 * @inside: handlers running now
 * @overlap: runs that began while another ran
 * @cpu: the CPU of the last run
 * @eoi_in_handler: the handler ends its own event
 */
struct lt {
	evtchn_port_t a, b;
	int irq;
	atomic_t runs, inside, overlap;
	int cpu;
	bool eoi_in_handler;
};

static irqreturn_t lt_interrupt(int irq, void *data)
{
	struct lt *t = data;

	if (atomic_inc_return(&t->inside) != 1)
		atomic_inc(&t->overlap);
	WRITE_ONCE(t->cpu, smp_processor_id());
	atomic_inc(&t->runs);
	if (READ_ONCE(t->eoi_in_handler))
		xevtchn_irq_lateeoi(irq, 0);
	atomic_dec(&t->inside);
	return IRQ_HANDLED;
}

/* Bind a new loopback's first port with late EOI; its peer stays unbound. */
static int lt_bind(struct lt *t, const char *name)
{
	int ret;

	memset(t, 0, sizeof(*t));
	ret = xevtchn_alloc_loopback(&t->a, &t->b);
	if (ret)
		return ret;
	/* The first port: Xen raises no connection event on it. */
	t->irq = xevtchn_bind_evtchn_to_irqhandler_lateeoi(t->a, lt_interrupt,
							   0, name, t);
	if (t->irq < 0) {
		xevtchn_close_port(t->b);
		t->b = 0;
	}
	return t->irq < 0 ? t->irq : 0;
}

static void lt_unbind(struct lt *t)
{
	if (t->irq > 0)
		xevtchn_unbind_from_irqhandler(t->irq, t);
	if (t->b)
		xevtchn_close_port(t->b);
	t->irq = 0;
	t->b = 0;
}

static void lt_send(struct lt *t)
{
	xevtchn_notify_remote_via_evtchn(t->b);
}

/* Wait up to @ms for @t's runs to reach @want, then 100 ms for one more. */
static int wait_runs(struct lt *t, int want, unsigned int ms)
{
	unsigned int waited;

	for (waited = 0; atomic_read(&t->runs) < want && waited < ms;
	     waited += 10)
		usleep_range(10000, 11000);
	msleep(100);
	return atomic_read(&t->runs);
}

static void port_bits(struct lt *t, bool *pending, bool *masked)
{
	*pending = false;
	*masked = false;
	xevtchn_testing_port_state(t->a, pending, masked);
}

static struct xevtchn_testing_eoi eoi_of(struct lt *t)
{
	struct xevtchn_testing_eoi eoi = {};

	xevtchn_testing_lateeoi_state(t->a, &eoi);
	return eoi;
}

/* What Xen says @port is: EVTCHNSTAT_*, or a negative errno. */
static int port_status(evtchn_port_t port)
{
	struct evtchn_status status = { .dom = DOMID_SELF, .port = port };
	int ret;

	ret = xevtchn_event_channel_op(EVTCHNOP_status, &status);
	return ret ? ret : status.status;
}

/*
 * Mainline's backoff, which xevtchn follows: the spurious count after @n
 * spurious EOIs in a row, and the delay the nth one gets.
 */
static unsigned int model_count(unsigned int n)
{
	unsigned int count = 0;

	while (n--)
		if ((1U << count) < 4 * HZ)
			count++;
	return count;
}

static unsigned int model_delay_ms(unsigned int n)
{
	unsigned int count = model_count(n);

	if (count <= 1)
		return 0;
	return jiffies_to_msecs(min_t(unsigned long, 1UL << (count - 2), HZ));
}

/*
 * Spurious EOIs on @t, one per event, until one is delayed by @min_ms at
 * least. Returns the number of them, 0 when an event did not come or the
 * state was not as modelled.
 */
static unsigned int spurious_until(struct lt *t, unsigned int min_ms)
{
	struct xevtchn_testing_eoi eoi;
	unsigned int n;
	int want;

	for (n = 1; n <= 20; n++) {
		want = atomic_read(&t->runs) + 1;
		lt_send(t);
		if (wait_runs(t, want, WAIT_MS + 1000) != want)
			return 0;
		xevtchn_irq_lateeoi(t->irq, XEVTCHN_EOI_FLAG_SPURIOUS);
		eoi = eoi_of(t);
		if (eoi.spurious != model_count(n) ||
		    eoi.delay_ms != model_delay_ms(n))
			return 0;
		if (eoi.delay_ms >= min_ms)
			return eoi.delayed ? n : 0;
	}
	return 0;
}

static struct hrtimer eoi_timer;
static int eoi_timer_irq;
static bool eoi_timer_in_hardirq;

static enum hrtimer_restart eoi_timer_fn(struct hrtimer *timer)
{
	WRITE_ONCE(eoi_timer_in_hardirq, in_hardirq());
	xevtchn_irq_lateeoi(eoi_timer_irq, 0);
	return HRTIMER_NORESTART;
}

static irqreturn_t count_interrupt(int irq, void *data)
{
	atomic_inc(data);
	return IRQ_HANDLED;
}

static irqreturn_t never_interrupt(int irq, void *data)
{
	return IRQ_HANDLED;
}

/* The first case, a lateeoi binding: the rest use it. */
static struct lt main_lt;
/* Left bound until unload, for the payload. */
static struct lt left_lt;

static void test_basics(struct ktap_suite *s, struct lt *t)
{
	struct xevtchn_testing_eoi eoi;
	bool pending, masked;
	int runs;

	lt_send(t);
	runs = wait_runs(t, 1, WAIT_MS);
	ktap_result(s, runs == 1, "handler_runs_once", "%d runs, want 1", runs);

	eoi = eoi_of(t);
	lt_send(t);
	msleep(200);
	runs = atomic_read(&t->runs);
	port_bits(t, &pending, &masked);
	ktap_result(s, runs == 1 && masked && pending && eoi.owed,
		    "masked_until_eoi",
		    "after a second event: %d runs (want 1), masked %d, pending %d, EOI owed %d (want 1, 1, 1)",
		    runs, masked, pending, eoi.owed);

	xevtchn_irq_lateeoi(t->irq, 0);
	runs = wait_runs(t, 2, WAIT_MS);
	xevtchn_irq_lateeoi(t->irq, 0);		/* nothing waits */
	msleep(200);
	xevtchn_irq_lateeoi(t->irq, 0);		/* nothing owed */
	msleep(100);
	eoi = eoi_of(t);
	port_bits(t, &pending, &masked);
	ktap_result(s, runs == 2 && atomic_read(&t->runs) == 2 && !eoi.owed &&
		    !masked && !atomic_read(&t->overlap), "eoi_delivers_waiting",
		    "runs %d after the EOI (want 2), %d after two more (want 2); owed %d, masked %d, %d overlapping (want 0, 0, 0)",
		    runs, atomic_read(&t->runs), eoi.owed, masked,
		    atomic_read(&t->overlap));
}

static void test_eoi_contexts(struct ktap_suite *s, struct lt *t)
{
	struct xevtchn_testing_eoi eoi;
	bool pending, masked;
	unsigned int i;
	int base, runs;

	lt_send(t);
	wait_runs(t, 3, WAIT_MS);
	lt_send(t);		/* waits for the EOI */
	msleep(100);
	eoi_timer_irq = t->irq;
	xevtchn_hrtimer_setup(&eoi_timer, eoi_timer_fn, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_HARD);
	hrtimer_start(&eoi_timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	runs = wait_runs(t, 4, WAIT_MS);
	hrtimer_cancel(&eoi_timer);
	ktap_result(s, runs == 4 && READ_ONCE(eoi_timer_in_hardirq),
		    "eoi_from_hard_irq",
		    "%d runs (want 4); the timer's EOI in hard IRQ context: %d",
		    runs, READ_ONCE(eoi_timer_in_hardirq));
	xevtchn_irq_lateeoi(t->irq, 0);

	WRITE_ONCE(t->eoi_in_handler, true);
	base = atomic_read(&t->runs);
	for (i = 0; i < EVENTS; i++) {
		lt_send(t);
		for (runs = 0; atomic_read(&t->runs) < base + i + 1 &&
		     runs < WAIT_MS; runs += 10)
			usleep_range(10000, 11000);
	}
	msleep(200);
	WRITE_ONCE(t->eoi_in_handler, false);
	eoi = eoi_of(t);
	port_bits(t, &pending, &masked);
	runs = atomic_read(&t->runs) - base;
	ktap_result(s, runs == EVENTS && !eoi.owed && !masked &&
		    !atomic_read(&t->overlap), "eoi_from_handler",
		    "%d runs for %u events; owed %d, masked %d, %d overlapping (want 0, 0, 0)",
		    runs, EVENTS, eoi.owed, masked, atomic_read(&t->overlap));
}

/*
 * Whether an EOI is still delayed can be told only when its delay is long
 * enough: one of a few jiffies may be over before the state is read (and
 * xevtchn_testing_lateeoi_state() reads what is owed and what is delayed
 * at two moments). An EOI with no delay has ended the event at once; one
 * of DELAY_SURE_MS or more is still delayed, the event owed.
 */
#define DELAY_SURE_MS	20

static bool eoi_state_as_modelled(const struct xevtchn_testing_eoi *eoi,
				  unsigned int delay_ms)
{
	if (!delay_ms)
		return !eoi->delayed && !eoi->owed;
	if (delay_ms >= DELAY_SURE_MS)
		return eoi->delayed && eoi->owed;
	return true;
}

static void test_backoff(struct ktap_suite *s, struct lt *t)
{
	unsigned int n, capped = 0, cap_ms = jiffies_to_msecs(HZ);
	struct xevtchn_testing_eoi eoi;
	char seen[160] = "", *p = seen;
	bool ok = true;
	int want;

	for (n = 1; n <= 20 && capped < 2; n++) {
		want = atomic_read(&t->runs) + 1;
		lt_send(t);
		/* The last EOI was delayed by up to a second: the event waits. */
		if (wait_runs(t, want, WAIT_MS + cap_ms) != want) {
			ok = false;
			break;
		}
		xevtchn_irq_lateeoi(t->irq, XEVTCHN_EOI_FLAG_SPURIOUS);
		eoi = eoi_of(t);
		p += scnprintf(p, seen + sizeof(seen) - p, " %u:%ums%s",
			       eoi.spurious, eoi.delay_ms,
			       eoi.delayed ? "" : "(now)");
		if (eoi.spurious != model_count(n) ||
		    eoi.delay_ms != model_delay_ms(n) ||
		    !eoi_state_as_modelled(&eoi, model_delay_ms(n)))
			ok = false;
		capped += eoi.delay_ms == cap_ms;
	}
	ktap_diag("spurious EOIs (count:delay):%s", seen);
	ktap_result(s, ok && capped == 2, "spurious_backoff",
		    "after %u spurious EOIs, seen (count:delay):%s; want the delay 0 for the first, then doubling from %u ms to %u ms",
		    n - 1, seen, jiffies_to_msecs(1), cap_ms);

	/* The last EOI is delayed by a second; its event comes after it. */
	want = atomic_read(&t->runs) + 1;
	lt_send(t);
	wait_runs(t, want, WAIT_MS + cap_ms);
	xevtchn_irq_lateeoi(t->irq, 0);
	eoi = eoi_of(t);
	ktap_result(s, atomic_read(&t->runs) == want && !eoi.spurious &&
		    !eoi.delay_ms && !eoi.delayed && !eoi.owed,
		    "non_spurious_resets",
		    "%d runs (want %d); count %u, delay %u ms, delayed %d, owed %d (want all 0)",
		    atomic_read(&t->runs), want, eoi.spurious, eoi.delay_ms,
		    eoi.delayed, eoi.owed);
}

/*
 * Unbind with an EOI delayed, the port's close held: an event sent to the
 * closing port must wait there, masked and pending, past the EOI's time
 * (no EOI of the unbound binding may unmask it), and nothing may run;
 * once let go, the close must close the port and free the IRQ.
 */
static void test_unbind_delayed(struct ktap_suite *s)
{
	struct xevtchn_testing_eoi eoi = {};
	unsigned int n = 0;
	int irq, runs = -1, ret = -ENOENT, status = 0;
	bool pending = false, masked = false;
	struct lt t;
	evtchn_port_t a;

	if (!lt_bind(&t, "xevtchn-test-lateeoi-unbind"))
		n = spurious_until(&t, 200);
	if (n)
		eoi = eoi_of(&t);
	irq = t.irq;
	a = t.a;
	if (n && eoi.delayed) {
		xevtchn_testing_hold_closes(true);
		ret = xevtchn_unbind_from_irqhandler(irq, &t);
		t.irq = 0;
		runs = atomic_read(&t.runs);
		lt_send(&t);			/* to the closing port */
		msleep(eoi.delay_ms + 300);	/* past the EOI's time */
		port_bits(&t, &pending, &masked);
		xevtchn_testing_hold_closes(false);
		xevtchn_testing_drain_closes();
		status = port_status(a);
	}
	ktap_result(s, n && eoi.delayed && !ret && masked && pending &&
		    status == EVTCHNSTAT_closed && !irq_get_irq_data(irq) &&
		    atomic_read(&t.runs) == runs, "unbind_while_delayed",
		    "%u spurious EOIs, the last delayed %u ms (%d); unbind %d; closing port %u past the EOI's time: masked %d, pending %d (want 1, 1); then %d (want %d, closed), IRQ %d %s, runs %d then %d",
		    n, eoi.delay_ms, eoi.delayed, ret, a, masked, pending,
		    status, EVTCHNSTAT_closed, irq,
		    irq > 0 && irq_get_irq_data(irq) ? "still there" : "freed",
		    runs, atomic_read(&t.runs));
	lt_unbind(&t);
}

static void test_move_delayed(struct ktap_suite *s)
{
	struct xevtchn_testing_eoi eoi = {}, during = {};
	unsigned int n = 0, from, to = 0, looked_ms = 0;
	int ret = -ENOENT, runs = -1, runs_during = -1;
	bool pending = false, masked = false, waited;
	unsigned long sent;
	struct irq_data *data;
	struct lt t;

	if (!strcmp(mode, "intx") || num_online_cpus() < 2) {
		ktap_skip(s, "move_while_delayed",
			  "needs two CPUs that take events");
		return;
	}
	if (!lt_bind(&t, "xevtchn-test-lateeoi-move"))
		n = spurious_until(&t, 200);
	if (n) {
		data = irq_get_irq_data(t.irq);
		from = cpumask_first(irq_data_get_effective_affinity_mask(data));
		to = cpumask_next(from, cpu_online_mask);
		if (to >= nr_cpu_ids)
			to = cpumask_first(cpu_online_mask);
		eoi = eoi_of(&t);
		runs = atomic_read(&t.runs);
		sent = jiffies;
		lt_send(&t);		/* waits for the delayed EOI */
		ret = irq_set_affinity(t.irq, cpumask_of(to));
		/*
		 * Well within the delay, the move must not have let the event
		 * through: no run, the port masked and pending, the EOI still
		 * delayed.
		 */
		msleep(eoi.delay_ms / 4);
		runs_during = atomic_read(&t.runs);
		port_bits(&t, &pending, &masked);
		during = eoi_of(&t);
		looked_ms = jiffies_to_msecs(jiffies - sent);
		wait_runs(&t, runs + 1, WAIT_MS + eoi.delay_ms);
		msleep(100);
	}
	waited = runs_during == runs && masked && pending && during.delayed;
	ktap_result(s, n && eoi.delayed && !ret && waited &&
		    atomic_read(&t.runs) == runs + 1 &&
		    READ_ONCE(t.cpu) == to && !atomic_read(&t.overlap),
		    "move_while_delayed",
		    "EOI delayed %u ms (%d); moving to CPU %u gave %d; %u ms after the send: %d runs (want 0), masked %d, pending %d, delayed %d (want 1, 1, 1); %d runs after it all (want 1), last on CPU %d, %d overlapping",
		    eoi.delay_ms, eoi.delayed, to, ret, looked_ms,
		    runs_during - runs, masked, pending, during.delayed,
		    atomic_read(&t.runs) - runs, READ_ONCE(t.cpu),
		    atomic_read(&t.overlap));
	if (n)
		xevtchn_irq_lateeoi(t.irq, 0);
	lt_unbind(&t);
}

static void test_virq(struct ktap_suite *s)
{
	int irq, percpu, per_vcpu;
	const char *chip = "none";
	atomic_t dummy;

	/* A global VIRQ (no event comes: dom0 handles VIRQ_CON_RING). */
	irq = xevtchn_bind_virq_to_irqhandler_lateeoi(VIRQ_CON_RING, 0,
						      never_interrupt, 0,
						      "xevtchn-test-virq-lateeoi",
						      &dummy);
	if (irq > 0)
		chip = irq_get_chip(irq)->name;
	ktap_diag("lateeoi VIRQ_CON_RING: IRQ %d, chip %s", irq, chip);
	percpu = xevtchn_bind_virq_to_irqhandler_lateeoi(VIRQ_DEBUG, 0,
							 never_interrupt,
							 IRQF_PERCPU, "bad",
							 &dummy);
	per_vcpu = xevtchn_bind_virq_to_irqhandler_lateeoi(VIRQ_XENOPROF, 0,
							   never_interrupt, 0,
							   "bad", &dummy);
	ktap_result(s, irq > 0 && !strcmp(chip, "xen-dyn-lateeoi") &&
		    percpu == -EINVAL && per_vcpu == -EINVAL, "virq_lateeoi",
		    "global VIRQ: IRQ %d, chip %s; IRQF_PERCPU gave %d, a per-vCPU VIRQ %d (want %d, %d)",
		    irq, chip, percpu, per_vcpu, -EINVAL, -EINVAL);
	if (irq > 0)
		xevtchn_unbind_from_irqhandler(irq, &dummy);
	if (percpu > 0)
		xevtchn_unbind_from_irqhandler(percpu, &dummy);
	if (per_vcpu > 0)
		xevtchn_unbind_from_irqhandler(per_vcpu, &dummy);
}

static void test_eoi_elsewhere(struct ktap_suite *s, struct lt *t)
{
	struct xevtchn_testing_eoi before = eoi_of(t), after;
	atomic_t plain = ATOMIC_INIT(0);
	evtchn_port_t a, b;
	int irq, ret;
	bool pending, masked;

	ret = xevtchn_alloc_loopback(&a, &b);
	irq = ret ?: xevtchn_bind_evtchn_to_irqhandler(a, count_interrupt, 0,
						       "xevtchn-test-plain",
						       &plain);
	if (irq > 0) {
		xevtchn_irq_lateeoi(irq, 0);
		xevtchn_irq_lateeoi(irq, XEVTCHN_EOI_FLAG_SPURIOUS);
		xevtchn_notify_remote_via_evtchn(b);
		msleep(200);
	}
	xevtchn_irq_lateeoi(0, 0);
	xevtchn_irq_lateeoi(100000, XEVTCHN_EOI_FLAG_SPURIOUS);
	after = eoi_of(t);
	port_bits(t, &pending, &masked);
	ktap_result(s, irq > 0 && atomic_read(&plain) == 1 &&
		    before.spurious == after.spurious && !after.owed && !masked,
		    "eoi_elsewhere",
		    "plain IRQ %d: %d runs (want 1); lateeoi port: count %u then %u, owed %d, masked %d",
		    irq, atomic_read(&plain), before.spurious, after.spurious,
		    after.owed, masked);
	if (irq > 0)
		xevtchn_unbind_from_irqhandler(irq, &plain);
	else if (!ret)
		xevtchn_close_port(a);
	if (!ret)
		xevtchn_close_port(b);
}

/* Two events, each ended by a spurious EOI; left bound for the payload. */
static void leave_one_bound(void)
{
	unsigned int i;

	if (lt_bind(&left_lt, "xevtchn-test-lateeoi"))
		return;
	for (i = 1; i <= 2; i++) {
		lt_send(&left_lt);
		wait_runs(&left_lt, i, WAIT_MS);
		xevtchn_irq_lateeoi(left_lt.irq, XEVTCHN_EOI_FLAG_SPURIOUS);
	}
	msleep(200);	/* the second EOI's delay is over */
	ktap_diag("lateeoi xevtchn-test-lateeoi spurious=%u delay=%ums",
		  model_count(2), model_delay_ms(2));
	ktap_diag("interrupts xevtchn-test-lateeoi %d",
		  atomic_read(&left_lt.runs));
}

static int __init lateeoi_test_init(void)
{
	struct ktap_suite s;
	struct lt *t = &main_lt;
	const char *chip = "none";
	int ret;

	start(&s, "lateeoi", PLAN);
	ret = lt_bind(t, "xevtchn-test-lateeoi-main");
	if (!ret)
		chip = irq_get_chip(t->irq)->name;
	ktap_result(&s, !ret && !strcmp(chip, "xen-dyn-lateeoi"), "bind",
		    "binding gave %d, chip %s", ret ?: t->irq, chip);
	if (ret) {
		while (s.number < PLAN)
			ktap_skip(&s, "after_bind", "no binding");
		return 0;
	}
	test_basics(&s, t);
	test_eoi_contexts(&s, t);
	test_backoff(&s, t);
	test_unbind_delayed(&s);
	test_move_delayed(&s);
	test_virq(&s);
	test_eoi_elsewhere(&s, t);
	lt_unbind(t);
	leave_one_bound();
	return 0;
}

static void __exit lateeoi_test_exit(void)
{
	lt_unbind(&left_lt);
}

module_init(lateeoi_test_init);
module_exit(lateeoi_test_exit);

MODULE_DESCRIPTION("xevtchn test: late EOI");
MODULE_LICENSE("GPL");
