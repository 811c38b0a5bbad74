// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_events_test: event channels as Linux IRQs, on a real Xen.
 *
 * At load it runs these suites (suffixed with the upcall mode):
 *   loopback_*   loopback channels on each CPU, ping-pong with exact counts
 *   ipi_*        an IPI to every CPU, each handled on its CPU, exact counts
 *   pending_*    pending bits, SCHEDOP_poll, retrigger on enable
 *   refcount_*   evtchn_make_refcounted / get / put
 *   bad_input_*  every refusal of the API, with its errno
 *   affinity_*   which IRQs move: dynamic ports and global VIRQs do (not
 *                under INTx), per-CPU VIRQs and IPIs never
 *   dom0_*       a channel with dom0 in both directions (remote_port=)
 * and binds VIRQ_DEBUG on every CPU that takes events. The payload then has
 * dom0 run "xl debug-keys q", which raises VIRQ_DEBUG once on every vCPU,
 * and unloads the module: the virq_debug_* suite reports at unload.
 *
 * Parameters: mode= the upcall mode xevtchn runs in (vector, callback or
 * intx: only intx keeps every port on CPU 0), tag=
 * the suites' name suffix (default: the mode),
 * rounds= events per ping-pong, remote_port= dom0's port for the guest,
 * dom0_rounds= round trips with dom0 (its peer must expect as many).
 * The IRQs of the last loopback ping-pong stay bound until unload, named
 * xevtchn-test-pp-a/-b, so the payload can check /proc/interrupts against
 * the "# interrupts" lines printed here.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/interface/xen.h>

#include <xevtchn/events.h>
#include "ktap.h"

static char *mode = "vector";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "xevtchn's upcall mode: vector, callback or intx");
static char *tag;
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix (default: the mode)");
static unsigned int rounds = 1000;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "events per ping-pong");
static unsigned int remote_port;
module_param(remote_port, uint, 0444);
MODULE_PARM_DESC(remote_port, "dom0's port for this guest (0: skip the dom0 suite)");
static unsigned int dom0_rounds = 200;
module_param(dom0_rounds, uint, 0444);
MODULE_PARM_DESC(dom0_rounds, "round trips with dom0");

#define WAIT	(30 * HZ)

static bool intx_mode(void)
{
	return !strcmp(mode, "intx");
}

/* Does xevtchn deliver events to @cpu in this mode? */
static bool cpu_takes_events(unsigned int cpu)
{
	return !intx_mode() || cpu == 0;
}

static void start(struct ktap_suite *s, const char *name, unsigned int plan)
{
	static char full[64];

	snprintf(full, sizeof(full), "%s_%s", name, tag ?: mode);
	ktap_start(s, full, plan);
}

/* ---- loopback ping-pong ------------------------------------------------ */

/*
 * Two loopback ports a and b, both bound: a's handler sends to b, b's
 * handler sends back to a, until a has seen @limit events. Each side waits
 * for the other, so no event can coalesce: exact counts are required.
 */
struct pingpong {
	evtchn_port_t a, b;
	int irq_a, irq_b;
	unsigned int cpu, limit;
	atomic_t count_a, count_b, wrong_cpu, overlap;
	atomic_t in_a;
	struct completion done;
};

static irqreturn_t pp_a_interrupt(int irq, void *data)
{
	struct pingpong *pp = data;

	if (atomic_inc_return(&pp->in_a) != 1)
		atomic_inc(&pp->overlap);
	if (smp_processor_id() != pp->cpu)
		atomic_inc(&pp->wrong_cpu);
	if (atomic_inc_return(&pp->count_a) < pp->limit)
		xevtchn_notify_remote_via_evtchn(pp->a);
	else
		complete(&pp->done);
	atomic_dec(&pp->in_a);
	return IRQ_HANDLED;
}

static irqreturn_t pp_b_interrupt(int irq, void *data)
{
	struct pingpong *pp = data;

	if (smp_processor_id() != pp->cpu)
		atomic_inc(&pp->wrong_cpu);
	atomic_inc(&pp->count_b);
	xevtchn_notify_remote_via_evtchn(pp->b);
	return IRQ_HANDLED;
}

static void pp_unbind(struct pingpong *pp)
{
	if (pp->irq_a > 0)
		xevtchn_unbind_from_irqhandler(pp->irq_a, pp);
	if (pp->irq_b > 0)
		xevtchn_unbind_from_irqhandler(pp->irq_b, pp);
	pp->irq_a = 0;
	pp->irq_b = 0;
}

/*
 * Bind a and b with their IRQs off, put both on @cpu, then turn them on.
 * Xen set b pending when it connected b to a, so turning b on delivers
 * that event, on @cpu, and starts a first ping-pong there, in which a and
 * b each see @limit events.
 *
 * Nothing moves while an event is in flight. Moved then (genirq's start-up
 * of an IRQ places it on the least loaded CPU, so a and b often started on
 * two), an event that reached the new CPU while the old one's flow was
 * still returning is run by that flow, on the old CPU and without a count
 * in /proc/interrupts. That is genirq's rule for a move while a handler
 * runs (the race suites test that it loses nothing), but this suite wants
 * exact counts (make check once saw "1 on a wrong CPU", pp-b 1998 of
 * 1999).
 * Under INTx the move to a CPU other than 0 is refused, and the ports stay
 * off until they are unbound.
 */
static int pp_bind(struct pingpong *pp, unsigned int cpu)
{
	int ret;

	memset(pp, 0, sizeof(*pp));
	init_completion(&pp->done);
	pp->cpu = cpu;
	pp->limit = rounds;
	ret = xevtchn_alloc_loopback(&pp->a, &pp->b);
	if (ret)
		return ret;
	pp->irq_a = xevtchn_bind_evtchn_to_irqhandler(pp->a, pp_a_interrupt,
						      IRQF_NO_AUTOEN,
						      "xevtchn-test-pp-a", pp);
	if (pp->irq_a < 0) {
		xevtchn_close_port(pp->b);
		return pp->irq_a;
	}
	pp->irq_b = xevtchn_bind_evtchn_to_irqhandler(pp->b, pp_b_interrupt,
						      IRQF_NO_AUTOEN,
						      "xevtchn-test-pp-b", pp);
	if (pp->irq_b < 0) {
		ret = pp->irq_b;
		pp_unbind(pp);
		return ret;
	}
	ret = irq_set_affinity(pp->irq_a, cpumask_of(cpu));
	if (!ret)
		ret = irq_set_affinity(pp->irq_b, cpumask_of(cpu));
	if (ret)
		return ret;
	enable_irq(pp->irq_a);
	enable_irq(pp->irq_b);
	if (!wait_for_completion_timeout(&pp->done, WAIT))
		return -ETIMEDOUT;
	return 0;
}

/* One ping-pong started by a send on b: a sees @limit events, b one less. */
static int pp_run(struct pingpong *pp)
{
	atomic_set(&pp->count_a, 0);
	atomic_set(&pp->count_b, 0);
	atomic_set(&pp->wrong_cpu, 0);
	atomic_set(&pp->overlap, 0);
	reinit_completion(&pp->done);
	xevtchn_notify_remote_via_evtchn(pp->b);
	if (!wait_for_completion_timeout(&pp->done, WAIT))
		return -ETIMEDOUT;
	return 0;
}

static struct pingpong last_pp;

static void test_loopback(void)
{
	struct ktap_suite s;
	struct pingpong *pp = &last_pp;
	unsigned int cpu, last = 0;
	int ret;

	start(&s, "loopback", 2 * num_online_cpus() + 1);
	for_each_online_cpu(cpu) {
		char name[40];

		last = cpu;
		pp_unbind(pp);
		snprintf(name, sizeof(name), "bind_on_cpu%u", cpu);
		ret = pp_bind(pp, cpu);
		if (!cpu_takes_events(cpu)) {
			ktap_result(&s, ret == -EINVAL, name,
				    "moving to CPU %u under INTx gave %d, want %d",
				    cpu, ret, -EINVAL);
			snprintf(name, sizeof(name), "pingpong_cpu%u", cpu);
			ktap_skip(&s, name, "no events on this CPU under INTx");
			continue;
		}
		ktap_result(&s, !ret && atomic_read(&pp->count_a) == rounds &&
			    atomic_read(&pp->count_b) == rounds &&
			    !atomic_read(&pp->wrong_cpu), name,
			    "binding gave %d: its first ping-pong: a handled %d, b %d (want %u each), %d on a wrong CPU",
			    ret, atomic_read(&pp->count_a),
			    atomic_read(&pp->count_b), rounds,
			    atomic_read(&pp->wrong_cpu));
		snprintf(name, sizeof(name), "pingpong_cpu%u", cpu);
		if (ret) {
			ktap_result(&s, false, name, "not bound");
			continue;
		}
		ret = pp_run(pp);
		ktap_result(&s, !ret && atomic_read(&pp->count_a) == rounds &&
			    atomic_read(&pp->count_b) == rounds - 1 &&
			    !atomic_read(&pp->wrong_cpu) &&
			    !atomic_read(&pp->overlap), name,
			    "ret %d: a handled %d (want %u), b %d (want %u), %d on a wrong CPU, %d overlapping",
			    ret, atomic_read(&pp->count_a), rounds,
			    atomic_read(&pp->count_b), rounds - 1,
			    atomic_read(&pp->wrong_cpu),
			    atomic_read(&pp->overlap));
		ktap_diag("loopback on CPU %u: %u events each way", cpu, rounds);
	}
	/* Leave a ping-pong bound on a CPU that takes events, for the payload. */
	if (!cpu_takes_events(last) || pp->irq_a <= 0) {
		pp_unbind(pp);
		ret = pp_bind(pp, 0);
		ret = ret ?: pp_run(pp);
	} else {
		ret = 0;
	}
	ktap_result(&s, !ret, "pingpong_left_bound", "ret %d", ret);
}

/* Lines the payload checks against /proc/interrupts, after all suites. */
static void report_interrupts(void)
{
	if (last_pp.irq_a <= 0)
		return;
	/* The first ping-pong (from binding) and one pp_run(). */
	ktap_diag("interrupts xevtchn-test-pp-a %u", 2 * rounds);
	ktap_diag("interrupts xevtchn-test-pp-b %u", 2 * rounds - 1);
}

/* ---- IPIs ---------------------------------------------------------------- */

struct ipi_state {
	unsigned int cpu;
	atomic_t count, wrong_cpu;
	struct completion done;
};

/* VIRQ_DEBUG, bound on every CPU at load, reported at unload. */
static struct ipi_state virq_state[NR_CPUS];
static int virq_irq[NR_CPUS];

static irqreturn_t ipi_interrupt(int irq, void *data)
{
	struct ipi_state *st = data;

	if (smp_processor_id() != st->cpu)
		atomic_inc(&st->wrong_cpu);
	atomic_inc(&st->count);
	complete(&st->done);
	return IRQ_HANDLED;
}

#define TEST_IPI	1
#define IPIS_PER_CPU	100

static void test_ipi(void)
{
	struct ktap_suite s;
	struct ipi_state st;
	unsigned int cpu, i;
	char name[32];
	int irq, ret;

	start(&s, "ipi", num_online_cpus());
	for_each_online_cpu(cpu) {
		snprintf(name, sizeof(name), "ipi_to_cpu%u", cpu);
		memset(&st, 0, sizeof(st));
		st.cpu = cpu;
		init_completion(&st.done);
		irq = xevtchn_bind_ipi_to_irqhandler(TEST_IPI, cpu, ipi_interrupt,
						     0, "xevtchn-test-ipi", &st);
		if (!cpu_takes_events(cpu)) {
			ktap_result(&s, irq == -EOPNOTSUPP, name,
				    "binding on CPU %u under INTx gave %d, want %d",
				    cpu, irq, -EOPNOTSUPP);
			if (irq > 0)
				xevtchn_unbind_from_irqhandler(irq, &st);
			continue;
		}
		if (irq < 0) {
			ktap_result(&s, false, name, "binding gave %d", irq);
			continue;
		}
		ret = 0;
		for (i = 0; i < IPIS_PER_CPU && !ret; i++) {
			ret = xevtchn_send_ipi(cpu, TEST_IPI);
			if (!ret && !wait_for_completion_timeout(&st.done, WAIT))
				ret = -ETIMEDOUT;
		}
		xevtchn_unbind_from_irqhandler(irq, &st);
		ktap_result(&s, !ret && atomic_read(&st.count) == IPIS_PER_CPU &&
			    !atomic_read(&st.wrong_cpu), name,
			    "ret %d: %d of %u handled, %d on a wrong CPU", ret,
			    atomic_read(&st.count), IPIS_PER_CPU,
			    atomic_read(&st.wrong_cpu));
	}
}

/* ---- pending bits, poll, retrigger ------------------------------------- */

struct counter {
	atomic_t count;
};

static irqreturn_t count_interrupt(int irq, void *data)
{
	atomic_inc(&((struct counter *)data)->count);
	return IRQ_HANDLED;
}

/* Wait up to 5 s for @c to reach @want. */
static void wait_for_count(struct counter *c, int want)
{
	unsigned int ms;

	for (ms = 0; atomic_read(&c->count) < want && ms < 5000; ms++)
		usleep_range(1000, 2000);
}

/* Bind a loopback's port a to count_interrupt; b is left unbound. */
static int bind_counter(struct counter *c, evtchn_port_t *a, evtchn_port_t *b)
{
	int irq, ret;

	atomic_set(&c->count, 0);
	ret = xevtchn_alloc_loopback(a, b);
	if (ret)
		return ret;
	irq = xevtchn_bind_evtchn_to_irqhandler(*a, count_interrupt, 0,
						"xevtchn-test-count", c);
	if (irq < 0)
		xevtchn_close_port(*b);
	return irq;
}

static void test_pending(void)
{
	struct ktap_suite s;
	struct counter c;
	evtchn_port_t a, b;
	u64 t0, elapsed;
	int irq, ret;

	start(&s, "pending", 8);
	irq = bind_counter(&c, &a, &b);
	if (irq < 0) {
		ktap_result(&s, false, "bind", "binding gave %d", irq);
		return;
	}
	ktap_result(&s, true, "bind", " ");
	irq_set_status_flags(irq, IRQ_DISABLE_UNLAZY);
	disable_irq(irq);
	xevtchn_notify_remote_via_evtchn(b);
	ktap_result(&s, xevtchn_test_irq_pending(irq) &&
		    !atomic_read(&c.count), "event_pends_while_disabled",
		    "pending %d, handled %d", xevtchn_test_irq_pending(irq),
		    atomic_read(&c.count));

	t0 = ktime_get_ns();
	ret = xevtchn_poll_irq(irq);
	elapsed = ktime_get_ns() - t0;
	ktap_result(&s, !ret && elapsed < NSEC_PER_SEC, "poll_returns_at_once_when_pending",
		    "ret %d after %llu ns", ret, elapsed);

	xevtchn_clear_irq_pending(irq);
	ktap_result(&s, !xevtchn_test_irq_pending(irq), "clear_pending",
		    "still pending");

	t0 = ktime_get_ns();
	ret = xevtchn_poll_irq_timeout(irq, xevtchn_xen_time() + 20 * NSEC_PER_MSEC);
	elapsed = ktime_get_ns() - t0;
	ktap_result(&s, !ret && elapsed < 10 * NSEC_PER_SEC,
		    "poll_timeout_returns", "ret %d after %llu ns", ret, elapsed);

	enable_irq(irq);
	ktap_result(&s, !atomic_read(&c.count), "cleared_event_not_delivered",
		    "handled %d", atomic_read(&c.count));

	xevtchn_set_irq_pending(irq);
	disable_irq(irq);
	enable_irq(irq);	/* unmask finds it pending: Xen re-raises it */
	wait_for_count(&c, 1);
	ktap_result(&s, atomic_read(&c.count) == 1, "set_pending_delivered_on_unmask",
		    "handled %d, want 1", atomic_read(&c.count));

	ret = xevtchn_unbind_from_irqhandler(irq, &c);
	ktap_result(&s, !ret && xevtchn_irq_from_evtchn(a) == -ENOENT,
		    "unbind", "ret %d, port %u still maps to %d", ret, a,
		    xevtchn_irq_from_evtchn(a));
	xevtchn_close_port(b);
}

/* ---- refcount ------------------------------------------------------------ */

static void test_refcount(void)
{
	struct ktap_suite s;
	struct counter c;
	evtchn_port_t a, b;
	int irq, ret;

	start(&s, "refcount", 6);
	irq = bind_counter(&c, &a, &b);
	ktap_result(&s, irq > 0, "bind", "binding gave %d", irq);
	if (irq < 0)
		return;
	ret = xevtchn_evtchn_make_refcounted(a);
	ktap_result(&s, !ret, "make_refcounted", "ret %d", ret);
	ret = xevtchn_evtchn_get(a);
	ktap_result(&s, !ret, "get", "ret %d", ret);
	ret = xevtchn_unbind_from_irqhandler(irq, &c);
	ktap_result(&s, !ret && xevtchn_irq_from_evtchn(a) == irq,
		    "unbind_keeps_referenced_port", "ret %d, port maps to %d",
		    ret, xevtchn_irq_from_evtchn(a));
	xevtchn_evtchn_put(a);
	ktap_result(&s, xevtchn_irq_from_evtchn(a) == -ENOENT,
		    "last_put_unbinds", "port still maps to %d",
		    xevtchn_irq_from_evtchn(a));
	ret = xevtchn_evtchn_get(a);
	ktap_result(&s, ret == -ENOENT, "get_after_unbind_fails",
		    "ret %d, want %d", ret, -ENOENT);
	xevtchn_close_port(b);
}

/* ---- bad input ----------------------------------------------------------- */

/* Report whether @got equals @want (each evaluated once). */
#define EXPECT(s, name, got, want)					\
	do {								\
		int _got = (got), _want = (want);			\
									\
		ktap_result(s, _got == _want, name, "got %d, want %d",	\
			    _got, _want);				\
	} while (0)

static irqreturn_t never_interrupt(int irq, void *data)
{
	return IRQ_HANDLED;
}

static void test_bad_input(void)
{
	struct ktap_suite s;
	struct counter c, other;
	evtchn_port_t a, b;
	int irq, ret, offline_ret;

	start(&s, "bad_input", 20);
	EXPECT(&s, "port_zero", xevtchn_bind_evtchn_to_irq(0), -EINVAL);
	EXPECT(&s, "closed_port", xevtchn_bind_evtchn_to_irq(4000), -EINVAL);
	EXPECT(&s, "port_beyond_abi", xevtchn_bind_evtchn_to_irq(1 << 20),
	       -EINVAL);
	EXPECT(&s, "foreign_port_of_dom0",
	       xevtchn_bind_interdomain_evtchn_to_irq(0, 1), -EINVAL);
	EXPECT(&s, "loopback_to_closed_port",
	       xevtchn_bind_interdomain_evtchn_to_irq(DOMID_SELF, 4000),
	       -EINVAL);

	irq = bind_counter(&c, &a, &b);
	ktap_result(&s, irq > 0, "bind_for_checks", "binding gave %d", irq);
	if (irq < 0)
		return;
	EXPECT(&s, "same_port_twice", xevtchn_bind_evtchn_to_irq(a), -EBUSY);
	EXPECT(&s, "close_bound_port", xevtchn_close_port(a), -EBUSY);
	EXPECT(&s, "unbind_wrong_dev_id",
	       xevtchn_unbind_from_irqhandler(irq, &other), -EINVAL);
	EXPECT(&s, "unbind_irq_with_handler", xevtchn_unbind_from_irq(irq),
	       -EBUSY);
	/* The binding survived the refusals: an event still gets through. */
	xevtchn_notify_remote_via_evtchn(b);
	wait_for_count(&c, 1);
	ktap_result(&s, atomic_read(&c.count) >= 1, "still_works_after_refusals",
		    "handled %d", atomic_read(&c.count));
	EXPECT(&s, "unbind_right_dev_id",
	       xevtchn_unbind_from_irqhandler(irq, &c), 0);
	xevtchn_close_port(b);

	EXPECT(&s, "unbind_unknown_irq", xevtchn_unbind_from_irqhandler(1, NULL),
	       -EINVAL);
	EXPECT(&s, "unbind_nonexistent_irq",
	       xevtchn_unbind_from_irqhandler(100000, NULL), -EINVAL);
	EXPECT(&s, "virq_out_of_range",
	       xevtchn_bind_virq_to_irq(NR_VIRQS, 0, true), -EINVAL);
	/* A per-vCPU VIRQ (Xen's virq_is_global() says no) without percpu. */
	irq = xevtchn_bind_virq_to_irq(VIRQ_XENOPROF, 0, false);
	ktap_result(&s, irq == -EINVAL, "per_vcpu_virq_not_percpu",
		    "binding VIRQ_XENOPROF with percpu=false gave %d, want %d",
		    irq, -EINVAL);
	if (irq > 0)
		xevtchn_unbind_from_irq(irq);
	EXPECT(&s, "ipi_out_of_range",
	       xevtchn_bind_ipi_to_irqhandler(XEVTCHN_NR_IPIS, 0, never_interrupt,
					      0, "bad", NULL), -EINVAL);
	EXPECT(&s, "nonexistent_cpu",
	       xevtchn_bind_ipi_to_irqhandler(0, nr_cpu_ids, never_interrupt, 0,
					      "bad", NULL), -EINVAL);

	/* An offline CPU, if this guest may take one down. */
	offline_ret = num_online_cpus() > 1 ? remove_cpu(1) : -ENODEV;
	ret = offline_ret ? -EINVAL :
	      xevtchn_bind_ipi_to_irqhandler(0, 1, never_interrupt, 0, "bad",
					     NULL);
	if (!offline_ret)
		add_cpu(1);
	ktap_result(&s, ret == -EINVAL && !offline_ret, "offline_cpu",
		    "offlining CPU 1 gave %d, binding to it %d", offline_ret,
		    ret);

	EXPECT(&s, "send_ipi_not_bound", xevtchn_send_ipi(0, XEVTCHN_NR_IPIS - 1),
	       -ENOENT);
}

/* ---- affinity -------------------------------------------------------------- */

/* Move @irq to CPU 1 and report; under INTx the move must be refused. */
static void expect_move(struct ktap_suite *s, const char *name, int irq)
{
	const struct cpumask *eff;
	int ret, want = intx_mode() ? -EINVAL : 0;

	ret = irq_set_affinity(irq, cpumask_of(1));
	eff = irq_data_get_effective_affinity_mask(irq_get_irq_data(irq));
	ktap_result(s, ret == want && cpumask_test_cpu(intx_mode() ? 0 : 1, eff),
		    name, "moving IRQ %d to CPU 1 gave %d (want %d), effective CPUs %*pbl",
		    irq, ret, want, cpumask_pr_args(eff));
}

static void test_affinity(void)
{
	struct ktap_suite s;
	struct ipi_state st = {};
	struct counter c;
	evtchn_port_t a, b;
	int irq, ret;

	start(&s, "affinity", 4);
	if (num_online_cpus() < 2) {
		ktap_skip(&s, "dynamic_port_moves", "one CPU");
		ktap_skip(&s, "global_virq_moves", "one CPU");
		ktap_skip(&s, "per_cpu_ipi_stays", "one CPU");
		ktap_skip(&s, "per_cpu_virq_stays", "one CPU");
		return;
	}
	irq = bind_counter(&c, &a, &b);
	if (irq > 0) {
		expect_move(&s, "dynamic_port_moves", irq);
		xevtchn_unbind_from_irqhandler(irq, &c);
		xevtchn_close_port(b);
	} else {
		ktap_result(&s, false, "dynamic_port_moves", "binding gave %d", irq);
	}

	/* A global VIRQ (no event comes: dom0 handles VIRQ_CON_RING). */
	irq = xevtchn_bind_virq_to_irqhandler(VIRQ_CON_RING, 0, never_interrupt, 0,
					      "xevtchn-test-global-virq", &c);
	if (irq > 0) {
		expect_move(&s, "global_virq_moves", irq);
		xevtchn_unbind_from_irqhandler(irq, &c);
	} else {
		ktap_result(&s, false, "global_virq_moves", "binding gave %d", irq);
	}

	irq = xevtchn_bind_ipi_to_irqhandler(TEST_IPI, 0, ipi_interrupt, 0,
					     "xevtchn-test-ipi", &st);
	ret = irq > 0 ? irq_set_affinity(irq, cpumask_of(1)) : irq;
	ktap_result(&s, irq > 0 && ret < 0, "per_cpu_ipi_stays",
		    "IRQ %d: moving it gave %d", irq, ret);
	if (irq > 0)
		xevtchn_unbind_from_irqhandler(irq, &st);

	irq = virq_irq[0];
	ret = irq > 0 ? irq_set_affinity(irq, cpumask_of(1)) : irq;
	ktap_result(&s, irq > 0 && ret < 0, "per_cpu_virq_stays",
		    "IRQ %d: moving it gave %d", irq, ret);
}

/* ---- dom0 ---------------------------------------------------------------- */

static irqreturn_t dom0_interrupt(int irq, void *data)
{
	struct ipi_state *st = data;

	atomic_inc(&st->count);
	complete(&st->done);
	return IRQ_HANDLED;
}

static void test_dom0(void)
{
	struct ktap_suite s;
	struct ipi_state st = {};
	unsigned int i;
	int irq, ret = 0;

	start(&s, "dom0", 2);
	init_completion(&st.done);
	irq = xevtchn_bind_interdomain_evtchn_to_irqhandler(0, remote_port,
							    dom0_interrupt, 0,
							    "xevtchn-test-dom0",
							    &st);
	ktap_result(&s, irq > 0, "connect_to_dom0_port",
		    "connecting to port %u of dom0 gave %d", remote_port, irq);
	if (irq < 0)
		return;
	/* Xen raised one event on our side when it connected us. */
	wait_for_completion_timeout(&st.done, HZ);
	atomic_set(&st.count, 0);
	reinit_completion(&st.done);
	for (i = 0; i < dom0_rounds && !ret; i++) {
		ret = xevtchn_notify_remote_via_irq(irq);
		if (!ret && !wait_for_completion_timeout(&st.done, WAIT))
			ret = -ETIMEDOUT;
	}
	xevtchn_unbind_from_irqhandler(irq, &st);
	ktap_result(&s, !ret && atomic_read(&st.count) == dom0_rounds,
		    "round_trips", "ret %d: %d replies to %u events", ret,
		    atomic_read(&st.count), dom0_rounds);
}

/* ---- VIRQ_DEBUG, reported at unload --------------------------------------- */

static void bind_virq_debug(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		virq_state[cpu].cpu = cpu;
		init_completion(&virq_state[cpu].done);
		virq_irq[cpu] = xevtchn_bind_virq_to_irqhandler(VIRQ_DEBUG, cpu,
								ipi_interrupt,
								IRQF_PERCPU,
								"xevtchn-test-virq-debug",
								&virq_state[cpu]);
	}
}

static void report_virq_debug(void)
{
	struct ktap_suite s;
	unsigned int cpu;
	char name[32];

	start(&s, "virq_debug", num_online_cpus());
	for_each_online_cpu(cpu) {
		struct ipi_state *st = &virq_state[cpu];

		snprintf(name, sizeof(name), "virq_debug_cpu%u", cpu);
		if (!cpu_takes_events(cpu)) {
			ktap_result(&s, virq_irq[cpu] == -EOPNOTSUPP, name,
				    "binding gave %d, want %d", virq_irq[cpu],
				    -EOPNOTSUPP);
			continue;
		}
		ktap_result(&s, virq_irq[cpu] > 0 &&
			    atomic_read(&st->count) == 1 &&
			    !atomic_read(&st->wrong_cpu), name,
			    "IRQ %d: %d events (want 1), %d on a wrong CPU",
			    virq_irq[cpu], atomic_read(&st->count),
			    atomic_read(&st->wrong_cpu));
		if (virq_irq[cpu] > 0)
			xevtchn_unbind_from_irqhandler(virq_irq[cpu], st);
	}
}

static int __init events_test_init(void)
{
	bind_virq_debug();
	test_loopback();
	test_ipi();
	test_pending();
	test_refcount();
	test_bad_input();
	test_affinity();
	if (remote_port)
		test_dom0();
	report_interrupts();
	return 0;
}

static void __exit events_test_exit(void)
{
	report_virq_debug();
	pp_unbind(&last_pp);
}

module_init(events_test_init);
module_exit(events_test_exit);

MODULE_DESCRIPTION("xevtchn test: event channels as Linux IRQs");
MODULE_LICENSE("GPL");
