// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_resume_test: what survives "xl save" + "xl restore" and "xl
 * migrate", counted per epoch.
 *
 * Loaded before dom0 saves and restores (or migrates) the guest, and left
 * loaded across it. An epoch is the life of one domain: 0 at load, one
 * more at each XEVTCHN_RESUMED. Meanwhile a thread keeps up traffic, one
 * event at a time, each with a sequence number, waiting until it is
 * handled before it sends the next:
 *
 * - a loopback ping-pong: both ends bound to IRQs; sent through one end's
 *   IRQ, handled by the other's. After a resume in a new domain both ports
 *   are gone: the resume notifier checks that a send now fails with
 *   -ENOTCONN, opens a new loopback and gives each IRQ its new port
 *   (xevtchn_rebind_evtchn_irq()), as a driver reconnects;
 * - an IPI to each online CPU in turn, bound once at load: xevtchn binds
 *   it again on its own.
 *
 * And VIRQ_DEBUG is bound on every online CPU (per-CPU), for dom0's "xl
 * debug-keys q", which raises it once on every vCPU: counted per CPU and
 * epoch.
 *
 * The notifier stops the loopback at XEVTCHN_SUSPENDING, once the event
 * under way is handled: every loopback event sent in an epoch must be
 * handled in it, exactly once. The IPIs go on across the suspend: a send
 * while the resume has not bound the IPI again fails with -ENOTCONN and
 * counts as not sent (counted apart); one sent just before the domain was
 * suspended may be lost with the old domain, so an epoch that ended in a
 * new domain may have one IPI per CPU sent and not handled, and no more.
 * An event not handled within a second is late: the next on its port
 * waits until it is (else the two would be one event to Xen), and a
 * function call IPI of the kernel's to the event's CPU tells a stalled
 * vCPU from an event left behind.
 * Right after XEVTCHN_RESUMED (the loopback connected again) and
 * XEVTCHN_RESUME_CANCELLED, a burst: one event on every IPI and on the
 * loopback at once, then a wait for all of them, so that each port's
 * first events in the epoch arrive together. XEVTCHN_RESUME_CANCELLED
 * starts the loopback again with nothing rebound (the ports are still
 * there), and counts the cancel.
 *
 * The payload writes a tag to the parameter "report" (after setting
 * expect_epoch, expect_cancels and expect_virq) for the KTAP suite
 * resume_<tag>: the counts of every epoch so far. Unloading unbinds all.
 */

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/smp.h>
#include <linux/wait.h>
#include <xen/interface/xen.h>

#include <xevtchn/events.h>
#include <xevtchn/testing.h>
#include "compat.h"
#include "ktap.h"

MODULE_IMPORT_NS(XEVTCHN_TESTING_NS);

#define MAX_EPOCHS	32
#define MAX_CPUS	8
#define TEST_IPI	3
#define SEND_TIMEOUT	HZ
#define LATE_TIMEOUT	(30 * HZ)
#define PROBE_TIMEOUT	(HZ / 5)

static int expect_epoch;
module_param(expect_epoch, int, 0644);
MODULE_PARM_DESC(expect_epoch, "resumes in a new domain the report expects");
static int expect_cancels;
module_param(expect_cancels, int, 0644);
MODULE_PARM_DESC(expect_cancels, "cancelled suspends the report expects");
static int expect_virq = -1;
module_param(expect_virq, int, 0644);
MODULE_PARM_DESC(expect_virq,
		 "VIRQ_DEBUG events each CPU should have in this epoch; -1: do not check");

/* Under traffic_mutex, read by the handlers with READ_ONCE(). */
static unsigned int epoch;
static unsigned int cancels;
static bool paused;
static DEFINE_MUTEX(traffic_mutex);
static DECLARE_WAIT_QUEUE_HEAD(traffic_wq);
static struct task_struct *thread;

/* The loopback: events sent on end B's IRQ arrive on end A's. */
static int irq_a = -1, irq_b = -1;
static u32 lb_seq, lb_done, lb_last;
static atomic_t lb_sent[MAX_EPOCHS], lb_handled[MAX_EPOCHS];
static atomic_t lb_doubled, lb_on_b, lb_send_errors;
/*
 * Loopbacks connected: Xen marks the connecting end (B) pending once at
 * each connect, "we may have lost notifications on the remote unbound
 * port" (evtchn_bind_interdomain(), Xen 4.17 xen/common/event_channel.c),
 * so B takes exactly one event per connect and none else.
 */
static atomic_t lb_connects;
static int lb_in_flight_at_suspend;
static int resumed_send[MAX_EPOCHS];	/* a send before the rebind */
static int rebind_err[MAX_EPOCHS];
static int burst_missed[MAX_EPOCHS];	/* burst events not handled in 1 s */

/*
 * Events not handled within SEND_TIMEOUT (late), and what the probe found
 * (await_late()): the event's CPU ran the probe and the event still
 * waited (left behind), or it did not run it in time (stalled); late
 * events not handled within LATE_TIMEOUT either (lost); IPIs not sent
 * because the CPU's last one was still to come (busy).
 */
static unsigned int late, late_stalled, late_left, late_lost, ipi_busy;
static unsigned int late_longest_ms;
static char late_first[128];
/* XEVTCHN_SUSPENDING is waiting for traffic_mutex: stop waiting. */
static bool suspend_asked;

/* Per CPU: its IPI, its VIRQ_DEBUG. */
struct cpu_test {
	unsigned int cpu;
	int ipi_irq, virq_irq;
	u32 seq, done, last;
	atomic_t ipi_sent[MAX_EPOCHS], ipi_handled[MAX_EPOCHS];
	atomic_t ipi_enotconn[MAX_EPOCHS], ipi_errors;
	atomic_t virq[MAX_EPOCHS];
	atomic_t doubled, wrong_cpu;
};

static struct cpu_test cpus[MAX_CPUS];

static unsigned int cur_epoch(void)
{
	return min_t(unsigned int, READ_ONCE(epoch), MAX_EPOCHS - 1);
}

static irqreturn_t lb_a_interrupt(int irq, void *unused)
{
	u32 seq = READ_ONCE(lb_seq);

	if (seq == lb_last) {
		atomic_inc(&lb_doubled);
	} else {
		lb_last = seq;
		atomic_inc(&lb_handled[cur_epoch()]);
	}
	WRITE_ONCE(lb_done, seq);
	wake_up(&traffic_wq);
	return IRQ_HANDLED;
}

/* Nothing is sent towards B: it takes only its connect events. */
static irqreturn_t lb_b_interrupt(int irq, void *unused)
{
	atomic_inc(&lb_on_b);
	return IRQ_HANDLED;
}

static irqreturn_t ipi_interrupt(int irq, void *data)
{
	struct cpu_test *c = data;
	u32 seq = READ_ONCE(c->seq);

	if (smp_processor_id() != c->cpu)
		atomic_inc(&c->wrong_cpu);
	if (seq == c->last) {
		atomic_inc(&c->doubled);
	} else {
		c->last = seq;
		atomic_inc(&c->ipi_handled[cur_epoch()]);
	}
	WRITE_ONCE(c->done, seq);
	wake_up(&traffic_wq);
	return IRQ_HANDLED;
}

static irqreturn_t virq_interrupt(int irq, void *data)
{
	struct cpu_test *c = data;

	if (smp_processor_id() != c->cpu)
		atomic_inc(&c->wrong_cpu);
	atomic_inc(&c->virq[cur_epoch()]);
	return IRQ_HANDLED;
}

/* Send one IPI; true when it was sent. -ENOTCONN: not bound again yet. */
static bool ipi_send(struct cpu_test *c)
{
	u32 seq = c->seq + 1;
	int ret;

	if (c->ipi_irq <= 0)
		return false;
	if (READ_ONCE(c->done) != c->seq) {	/* one event with it, to Xen */
		ipi_busy++;
		return false;
	}
	WRITE_ONCE(c->seq, seq);
	ret = xevtchn_send_ipi(c->cpu, TEST_IPI);
	if (ret) {
		WRITE_ONCE(c->seq, seq - 1);
		atomic_inc(ret == -ENOTCONN ? &c->ipi_enotconn[cur_epoch()] :
			   &c->ipi_errors);
		return false;
	}
	atomic_inc(&c->ipi_sent[cur_epoch()]);
	return true;
}

/* Is every IPI sent handled? */
static bool ipis_done(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		if (READ_ONCE(cpus[cpu].done) != cpus[cpu].seq)
			return false;
	return true;
}

/* The late probe: a function call IPI of the kernel's, not an event. */
static bool probe_ran;

static void probe_fn(void *unused)
{
	WRITE_ONCE(probe_ran, true);
	wake_up(&traffic_wq);
}

static call_single_data_t probe_csd = CSD_INIT(probe_fn, NULL);

/* The CPU @irq's events go to. */
static unsigned int irq_cpu(int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);
	unsigned int cpu = d ?
		cpumask_first(irq_data_get_effective_affinity_mask(d)) : 0;

	return cpu < nr_cpu_ids ? cpu : 0;
}

/* Has the event come, or a suspend been asked for? */
static bool late_wait_over(const u32 *done, u32 seq)
{
	return READ_ONCE(*done) == seq || READ_ONCE(suspend_asked);
}

/*
 * Event @seq, on @port, for @cpu, was not handled within SEND_TIMEOUT.
 * Wait up to LATE_TIMEOUT more: the next send on the port must not meet
 * it still pending, or Xen makes the two one event, and the count says
 * one was lost when it was only late. A suspend asked for ends the wait
 * (the toolstack gives the guest a minute to suspend): what is still in
 * flight then is counted there. But first look why it is late: the
 * kernel's own IPI to @cpu (no event channel) that runs while the event
 * still waits says the CPU takes interrupts and this event was left
 * behind (a bug); one as late says the vCPU stalled.
 */
static void await_late(const u32 *done, u32 seq, evtchn_port_t port,
		       unsigned int cpu)
{
	unsigned long start = jiffies - SEND_TIMEOUT;
	bool pending = false, masked = false, ran = false, left = false;
	int state;
	unsigned int ms;

	late++;
	state = xevtchn_testing_port_state(port, &pending, &masked);
	WRITE_ONCE(probe_ran, false);
	if (!smp_call_function_single_async(cpu, &probe_csd))
		ran = wait_event_timeout(traffic_wq, READ_ONCE(probe_ran),
					 PROBE_TIMEOUT);
	/* A rest of the upcall lasts 4 ms: give it more than that. */
	if (ran)
		left = !wait_event_timeout(traffic_wq,
					   late_wait_over(done, seq),
					   PROBE_TIMEOUT);
	if (left && !READ_ONCE(suspend_asked))
		late_left++;
	else if (!ran)
		late_stalled++;
	if (!wait_event_timeout(traffic_wq, late_wait_over(done, seq),
				LATE_TIMEOUT))
		late_lost++;
	ms = jiffies_to_msecs(jiffies - start);
	late_longest_ms = max(late_longest_ms, ms);
	if (late_first[0])
		return;
	if (state)
		snprintf(late_first, sizeof(late_first),
			 "port %u (state unknown: %d) after %u ms", port,
			 state, ms);
	else
		snprintf(late_first, sizeof(late_first),
			 "port %u (pending %d, masked %d) on CPU %u after %u ms; the probe %s",
			 port, pending, masked, cpu, ms,
			 !ran ? "late too" : left ? "ran, it waited" : "ran");
}

static void await(const u32 *done, u32 seq, evtchn_port_t port,
		  unsigned int cpu)
{
	/* From XEVTCHN_SUSPENDING on, an IPI may be lost with the domain. */
	if (!wait_event_timeout(traffic_wq, READ_ONCE(*done) == seq,
				SEND_TIMEOUT) && !paused)
		await_late(done, seq, port, cpu);
}

/* One loopback event; the next only once it is handled. */
static void lb_round(void)
{
	u32 seq = lb_seq + 1;

	WRITE_ONCE(lb_seq, seq);
	if (xevtchn_notify_remote_via_irq(irq_b)) {
		atomic_inc(&lb_send_errors);
		WRITE_ONCE(lb_seq, seq - 1);
		return;
	}
	atomic_inc(&lb_sent[cur_epoch()]);
	await(&lb_done, seq, xevtchn_evtchn_from_irq(irq_a), irq_cpu(irq_a));
}

static void ipi_round(struct cpu_test *c)
{
	if (ipi_send(c))
		await(&c->done, c->seq, xevtchn_evtchn_from_irq(c->ipi_irq),
		      c->cpu);
}

/* Is every event the burst sent handled? */
static bool burst_done(bool lb)
{
	return (!lb || READ_ONCE(lb_done) == lb_seq) && ipis_done();
}

/* One event on every IPI and on the loopback at once; then wait. */
static void burst(unsigned int e)
{
	unsigned int cpu, missed = 0;
	bool lb = false;

	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		ipi_send(&cpus[cpu]);
	if (!xevtchn_evtchn_from_irq(irq_a)) {
		missed++;	/* the loopback did not come back */
	} else {
		WRITE_ONCE(lb_seq, lb_seq + 1);
		lb = !xevtchn_notify_remote_via_irq(irq_b);
		if (lb)
			atomic_inc(&lb_sent[cur_epoch()]);
		else
			WRITE_ONCE(lb_seq, lb_seq - 1);
		missed += !lb;
	}
	wait_event_timeout(traffic_wq, burst_done(lb), SEND_TIMEOUT);
	if (lb && READ_ONCE(lb_done) != lb_seq)
		missed++;
	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		missed += READ_ONCE(cpus[cpu].done) != cpus[cpu].seq;
	burst_missed[e] += missed;
}

static int traffic_fn(void *unused)
{
	unsigned int i = 0;

	while (!kthread_should_stop()) {
		mutex_lock(&traffic_mutex);
		if (!paused)
			lb_round();
		ipi_round(&cpus[i++ % MAX_CPUS]);	/* across the suspend too */
		mutex_unlock(&traffic_mutex);
		usleep_range(2000, 4000);
	}
	return 0;
}

/* A new loopback, each end given to its old IRQ. */
static int reconnect_loopback(unsigned int e)
{
	evtchn_port_t a, b;
	int ret;

	resumed_send[e] = xevtchn_notify_remote_via_irq(irq_b);
	ret = xevtchn_alloc_loopback(&a, &b);
	if (ret)
		return ret;
	ret = xevtchn_rebind_evtchn_irq(a, irq_a);
	if (!ret)
		ret = xevtchn_rebind_evtchn_irq(b, irq_b);
	if (!ret)
		atomic_inc(&lb_connects);
	/* Our ports, not bound by now, would be left open: close them. */
	if (ret && xevtchn_irq_from_evtchn(a) < 0)
		xevtchn_close_port(a);
	if (ret && xevtchn_irq_from_evtchn(b) < 0)
		xevtchn_close_port(b);
	return ret;
}

static int resume_event(struct notifier_block *nb, unsigned long action,
			void *unused)
{
	unsigned int cpu;

	if (action == XEVTCHN_SUSPENDING) {
		WRITE_ONCE(suspend_asked, true);
		wake_up(&traffic_wq);
	}
	mutex_lock(&traffic_mutex);
	switch (action) {
	case XEVTCHN_SUSPENDING:
		paused = true;
		WRITE_ONCE(suspend_asked, false);
		lb_in_flight_at_suspend += READ_ONCE(lb_done) != lb_seq;
		break;
	case XEVTCHN_RESUMED:
		/* An IPI still to come went with the old domain. */
		for (cpu = 0; cpu < MAX_CPUS; cpu++)
			WRITE_ONCE(cpus[cpu].done, cpus[cpu].seq);
		WRITE_ONCE(epoch, epoch + 1);
		rebind_err[cur_epoch()] = reconnect_loopback(cur_epoch());
		burst(cur_epoch());
		paused = false;
		break;
	case XEVTCHN_RESUME_CANCELLED:
		cancels++;
		burst(cur_epoch());
		paused = false;
		break;
	}
	mutex_unlock(&traffic_mutex);
	return NOTIFY_OK;
}

static struct notifier_block resume_nb = {
	.notifier_call = resume_event,
};

static int report_set(const char *val, const struct kernel_param *kp);

static const struct kernel_param_ops report_ops = {
	.set = report_set,
};
module_param_cb(report, &report_ops, NULL, 0200);
MODULE_PARM_DESC(report, "write a tag: print the KTAP suite resume_<tag>");

/*
 * Every epoch so far: handled == sent, for the loopback and each IPI;
 * but an epoch that a resume in a new domain ended may have lost the one
 * IPI per CPU that was under way when the domain was suspended.
 */
static bool counts_match(char *why, size_t len)
{
	unsigned int e, cpu;
	int sent, handled;
	bool ended;

	for (e = 0; e <= cur_epoch(); e++) {
		sent = atomic_read(&lb_sent[e]);
		handled = atomic_read(&lb_handled[e]);
		if (sent != handled) {
			snprintf(why, len, "epoch %u: loopback sent %d, handled %d",
				 e, sent, handled);
			return false;
		}
		ended = e < cur_epoch();
		for (cpu = 0; cpu < MAX_CPUS; cpu++) {
			sent = atomic_read(&cpus[cpu].ipi_sent[e]);
			handled = atomic_read(&cpus[cpu].ipi_handled[e]);
			if (handled > sent || sent - handled > ended) {
				snprintf(why, len, "epoch %u: IPI to CPU %u sent %d, handled %d",
					 e, cpu, sent, handled);
				return false;
			}
		}
	}
	return true;
}

static void report(const char *tag)
{
	unsigned int e, cpu, ipi_cpus = 0, bound = 0, virq_bad = 0;
	unsigned int doubled = 0, wrong = 0;
	struct ktap_suite s;
	char name[64], why[96] = "";
	bool enotconn = true;

	mutex_lock(&traffic_mutex);
	e = cur_epoch();
	snprintf(name, sizeof(name), "resume_%s", tag);
	ktap_start(&s, name, 12);
	ktap_result(&s, epoch == expect_epoch && cancels == expect_cancels,
		    "epoch_and_cancels", "epoch %u (want %d), %u cancels (want %d)",
		    epoch, expect_epoch, cancels, expect_cancels);
	ktap_result(&s, atomic_read(&lb_sent[e]) >= 10, "loopback_traffic_ran",
		    "%d loopback events in epoch %u", atomic_read(&lb_sent[e]), e);
	ktap_result(&s, counts_match(why, sizeof(why)),
		    "every_event_handled_once_per_epoch", "%s", why);
	if (late)
		ktap_diag("%u events late (longest %u ms, %u in a stall); first: %s",
			  late, late_longest_ms, late_stalled, late_first);
	if (ipi_busy)
		ktap_diag("%u IPIs not sent: the last to the CPU still to come",
			  ipi_busy);
	ktap_result(&s, !late_left && !late_lost, "no_event_left_behind",
		    "of %u late events, %u waited while their CPU took an IPI, %u never came",
		    late, late_left, late_lost);
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		doubled += atomic_read(&cpus[cpu].doubled);
		wrong += atomic_read(&cpus[cpu].wrong_cpu);
	}
	ktap_result(&s, !atomic_read(&lb_doubled) && !doubled && !wrong &&
		    atomic_read(&lb_on_b) == atomic_read(&lb_connects),
		    "nothing_doubled_or_misdelivered",
		    "loopback %d doubled, %d on the sending end (want %d, one per connect); IPIs %u doubled; %u on a wrong CPU",
		    atomic_read(&lb_doubled), atomic_read(&lb_on_b),
		    atomic_read(&lb_connects), doubled, wrong);
	for (cpu = 0, wrong = 0; cpu < MAX_CPUS; cpu++)
		wrong += atomic_read(&cpus[cpu].ipi_errors);
	ktap_result(&s, !wrong, "ipi_sends_fail_only_with_enotconn",
		    "%u IPI sends failed otherwise (CPU 0: %d -ENOTCONN in epoch %u)",
		    wrong, atomic_read(&cpus[0].ipi_enotconn[e]), e);
	for (e = 0, wrong = 0; e <= cur_epoch(); e++)
		wrong += burst_missed[e];
	ktap_result(&s, !wrong, "burst_after_resume_handled",
		    "%u events of the bursts after a resume not handled within 1 s",
		    wrong);
	e = cur_epoch();
	ktap_result(&s, !lb_in_flight_at_suspend, "nothing_in_flight_at_suspend",
		    "%d suspends with a loopback event not handled",
		    lb_in_flight_at_suspend);
	for (e = 1; e <= cur_epoch(); e++)
		enotconn &= resumed_send[e] == -ENOTCONN && !rebind_err[e];
	ktap_result(&s, enotconn, "send_enotconn_then_rebound_same_irq",
		    "epoch %u: the send before the rebind gave %d, the rebind %d",
		    cur_epoch(), resumed_send[cur_epoch()], rebind_err[cur_epoch()]);
	e = cur_epoch();
	ktap_result(&s, xevtchn_evtchn_from_irq(irq_a) &&
		    xevtchn_irq_from_evtchn(xevtchn_evtchn_from_irq(irq_a)) == irq_a,
		    "loopback_irq_has_new_port", "IRQ %d has port %u",
		    irq_a, xevtchn_evtchn_from_irq(irq_a));
	/* Under upcall=intx only CPU 0 takes events: the others bind none. */
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpus[cpu].ipi_irq <= 0)
			continue;
		bound++;
		ipi_cpus += !!atomic_read(&cpus[cpu].ipi_sent[e]);
	}
	ktap_result(&s, bound && ipi_cpus == bound, "ipi_traffic_on_every_cpu",
		    "IPIs in epoch %u on %u of the %u CPUs with one", e,
		    ipi_cpus, bound);
	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		if (cpus[cpu].virq_irq > 0 && expect_virq >= 0 &&
		    atomic_read(&cpus[cpu].virq[e]) != expect_virq)
			virq_bad++;
	if (expect_virq < 0)
		ktap_skip(&s, "virq_debug_per_cpu", "expect_virq not set");
	else
		ktap_result(&s, !virq_bad, "virq_debug_per_cpu",
			    "%u CPUs without exactly %d VIRQ_DEBUG in epoch %u (CPU 0: %d)",
			    virq_bad, expect_virq, e, atomic_read(&cpus[0].virq[e]));
	mutex_unlock(&traffic_mutex);
}

static int report_set(const char *val, const struct kernel_param *kp)
{
	char tag[32], *t;

	strscpy(tag, val, sizeof(tag));
	t = strim(tag);
	report(t[0] ? t : "report");
	return 0;
}

static void unbind_all(void)
{
	unsigned int cpu;

	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (cpus[cpu].ipi_irq > 0)
			xevtchn_unbind_from_irqhandler(cpus[cpu].ipi_irq,
						       &cpus[cpu]);
		if (cpus[cpu].virq_irq > 0)
			xevtchn_unbind_from_irqhandler(cpus[cpu].virq_irq,
						       &cpus[cpu]);
		cpus[cpu].ipi_irq = 0;
		cpus[cpu].virq_irq = 0;
	}
	if (irq_a > 0)
		xevtchn_unbind_from_irqhandler(irq_a, &irq_a);
	if (irq_b > 0)
		xevtchn_unbind_from_irqhandler(irq_b, &irq_b);
	irq_a = -1;
	irq_b = -1;
}

static int __init resume_test_init(void)
{
	evtchn_port_t a, b;
	unsigned int cpu;
	int ret;

	for_each_online_cpu(cpu) {
		struct cpu_test *c;

		if (cpu >= MAX_CPUS)
			break;
		c = &cpus[cpu];
		c->cpu = cpu;
		c->ipi_irq = xevtchn_bind_ipi_to_irqhandler(TEST_IPI, cpu,
							    ipi_interrupt, 0,
							    "xevtchn-resume-ipi",
							    c);
		c->virq_irq = xevtchn_bind_virq_to_irqhandler(VIRQ_DEBUG, cpu,
							      virq_interrupt,
							      IRQF_PERCPU,
							      "xevtchn-resume-virq",
							      c);
	}
	ret = xevtchn_alloc_loopback(&a, &b);
	if (ret)
		goto fail;
	irq_a = xevtchn_bind_evtchn_to_irqhandler(a, lb_a_interrupt, 0,
						  "xevtchn-resume-a", &irq_a);
	irq_b = xevtchn_bind_evtchn_to_irqhandler(b, lb_b_interrupt, 0,
						  "xevtchn-resume-b", &irq_b);
	if (irq_a < 0 || irq_b < 0) {
		ret = irq_a < 0 ? irq_a : irq_b;
		if (irq_a < 0)
			xevtchn_close_port(a);
		if (irq_b < 0)
			xevtchn_close_port(b);
		goto fail;
	}
	atomic_inc(&lb_connects);
	ret = xevtchn_register_resume_notifier(&resume_nb);
	if (ret)
		goto fail;
	thread = kthread_run(traffic_fn, NULL, "xevtchn-resume-test");
	if (IS_ERR(thread)) {
		ret = PTR_ERR(thread);
		xevtchn_unregister_resume_notifier(&resume_nb);
		goto fail;
	}
	pr_info("xevtchn_resume_test: loopback IRQs %d and %d, IPI %u and VIRQ_DEBUG on each CPU\n",
		irq_a, irq_b, TEST_IPI);
	return 0;

fail:
	unbind_all();
	pr_err("xevtchn_resume_test: cannot set up (%d)\n", ret);
	return ret;
}

static void __exit resume_test_exit(void)
{
	kthread_stop(thread);
	xevtchn_unregister_resume_notifier(&resume_nb);
	unbind_all();
}

module_init(resume_test_init);
module_exit(resume_test_exit);

MODULE_DESCRIPTION("xevtchn test: events per epoch across save, restore and migration");
MODULE_LICENSE("GPL");
