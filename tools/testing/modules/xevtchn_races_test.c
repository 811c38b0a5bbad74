// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_races_test: regression tests for the races and lifetime bugs of
 * issue 11, each one able to fail on the code that had the bug. Needs the
 * test build of xevtchn.ko (its injection points hold windows open).
 *
 * suite= picks one (a comma-separated list runs several, in that order):
 *
 *   phantom       bind every 2-level port from 2048 to 2143 and send
 *                 nothing: no handler may run. hvmloader leaves shared_info
 *                 in its 32-bit layout, whose wallclock lies on these
 *                 ports' pending bits. Only meaningful at the first load of
 *                 a boot, 2-level.
 *   virq_move     bind a global VIRQ, move it to CPU 1, unbind, bind again:
 *                 twice in one module lifetime.
 *   unbind_checks unbind with a dev_id that is not the handler's, and with
 *                 a second shared handler installed: refused, nothing freed.
 *   threaded      unbind an IRQ whose threaded handler is binding a port at
 *                 that moment: must not deadlock (10 s allowed).
 *   close_reuse   while an unbound port's deferred close is held just after
 *                 Xen closed it, another user opens the same port number
 *                 and sends on it: that first event must not be lost.
 *   unbind_moving unbind an IRQ while another thread keeps moving it, and
 *                 go on moving it while its close is held, and through the
 *                 close: no crash, and the moves made meanwhile are refused.
 *   gate          unsynchronised senders (two per channel, one per CPU) and
 *                 a mover, with the gate's window held open: after every
 *                 burst, each sender's last sequence number must have been
 *                 seen by the handler, and no port may be left pending and
 *                 unmasked. On 2-level each channel has a word of ports to
 *                 itself, so no other channel's event can rescue it.
 *   gate_window   the gate race of the storm above, made to happen step by
 *                 step (see test_gate_window()): every send must be handled.
 *   offline_unbind FIFO: unbind an IPI of an offline CPU with an event
 *                 linked in that vCPU's queue; the port's next owner must
 *                 still hear its events.
 *   not_ready     every call fails with -ENODEV while xevtchn is paused.
 *   leak          open an unbound port above Xen's own and keep it until
 *                 unload (the payload checks the dom0 port lister sees it).
 *
 * Parameters: suite=, tag= suite name suffix, abi= 2level or fifo (what
 * xevtchn runs), seconds= length of the gate storm.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
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
static char *abi = "2level";
module_param(abi, charp, 0444);
MODULE_PARM_DESC(abi, "the ABI xevtchn runs: 2level or fifo");
static unsigned int seconds = 10;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "length of the gate storm");

static void start(struct ktap_suite *s, const char *name, unsigned int plan)
{
	static char full[64];

	snprintf(full, sizeof(full), "%s_%s", name, tag);
	ktap_start(s, full, plan);
}

/* ---- phantom: 2-level ports 2048..2143 ------------------------------------ */

#define PHANTOM_FIRST	2048
#define PHANTOM_LAST	2143

static void test_phantom(void)
{
	static evtchn_port_t ports[PHANTOM_LAST + 1];
	static int irqs[PHANTOM_LAST + 1];
	unsigned int n = 0, bound = 0, i;
	atomic_t runs = ATOMIC_INIT(0);
	struct ktap_suite s;
	evtchn_port_t port;

	start(&s, "phantom", 2);
	/* Open ports until one beyond the range; Xen hands out the lowest. */
	while (n <= PHANTOM_LAST &&
	       !xevtchn_alloc_unbound(DOMID_SELF, &port)) {
		ports[n++] = port;
		if (port >= PHANTOM_LAST)
			break;
	}
	for (i = 0; i < n; i++) {
		irqs[i] = 0;
		if (ports[i] < PHANTOM_FIRST || ports[i] > PHANTOM_LAST)
			continue;
		irqs[i] = xevtchn_bind_evtchn_to_irqhandler(ports[i],
							    count_interrupt, 0,
							    "xevtchn-test-phantom",
							    &runs);
		bound += irqs[i] > 0;
	}
	msleep(1000);	/* nobody sends: any handler run is a phantom */
	ktap_result(&s, bound == PHANTOM_LAST - PHANTOM_FIRST + 1,
		    "whole_range_bound", "%u of %u ports bound (%u opened)",
		    bound, PHANTOM_LAST - PHANTOM_FIRST + 1, n);
	ktap_result(&s, atomic_read(&runs) == 0, "no_event_nobody_sent",
		    "%d handler runs on %u ports nobody sends to",
		    atomic_read(&runs), bound);
	for (i = 0; i < n; i++) {
		if (irqs[i] > 0)
			xevtchn_unbind_from_irqhandler(irqs[i], &runs);
		else
			xevtchn_close_port(ports[i]);
	}
}

/* ---- virq_move: a global VIRQ moved, unbound, bound again ---------------- */

static void test_virq_move(void)
{
	atomic_t runs = ATOMIC_INIT(0);
	struct ktap_suite s;
	unsigned int round;
	int irq, ret;

	start(&s, "virq_move", 4);
	for (round = 0; round < 2; round++) {
		/* A global VIRQ nobody raises in a guest (dom0 takes it). */
		irq = xevtchn_bind_virq_to_irqhandler(VIRQ_CON_RING, 0,
						      count_interrupt, 0,
						      "xevtchn-test-virq-move",
						      &runs);
		ktap_result(&s, irq > 0, round ? "bind_again_after_move" :
			    "bind", "binding VIRQ_CON_RING on CPU 0 gave %d", irq);
		if (irq <= 0) {
			ktap_skip(&s, "move_and_unbind", "not bound");
			continue;
		}
		ret = irq_set_affinity(irq, cpumask_of(1));
		ret = ret ?: xevtchn_unbind_from_irqhandler(irq, &runs);
		ktap_result(&s, !ret, "move_and_unbind",
			    "moving to CPU 1 and unbinding gave %d", ret);
	}
}

/* ---- unbind_checks: whose handler is it? ---------------------------------- */

static void test_unbind_checks(void)
{
	atomic_t a = ATOMIC_INIT(0), b = ATOMIC_INIT(0), c = ATOMIC_INIT(0);
	evtchn_port_t rx, tx;
	struct ktap_suite s;
	int irq, ret;

	start(&s, "unbind_checks", 5);
	ret = xevtchn_alloc_loopback(&rx, &tx);
	irq = ret ?: xevtchn_bind_evtchn_to_irq(rx);
	ret = irq < 0 ? irq :
	      request_irq(irq, count_interrupt, IRQF_SHARED, "xevtchn-test-a", &a) ?:
	      request_irq(irq, count_interrupt, IRQF_SHARED, "xevtchn-test-b", &b);
	ktap_result(&s, !ret, "two_shared_handlers", "binding and requesting gave %d",
		    ret);
	if (ret) {
		while (s.number < 5)
			ktap_skip(&s, "after_setup", "no IRQ");
		return;
	}
	ret = xevtchn_unbind_from_irqhandler(irq, &c);
	ktap_result(&s, ret == -EINVAL, "foreign_dev_id_refused",
		    "unbinding with a dev_id nobody registered gave %d, want -EINVAL",
		    ret);
	ret = xevtchn_unbind_from_irqhandler(irq, &a);
	ktap_result(&s, ret == -EBUSY, "other_handler_left_refused",
		    "unbinding a's handler while b's is installed gave %d, want -EBUSY",
		    ret);
	/* Both handlers must still work. */
	xevtchn_notify_remote_via_evtchn(tx);
	msleep(200);
	ktap_result(&s, atomic_read(&a) == 1 && atomic_read(&b) == 1,
		    "handlers_still_installed", "a ran %d times, b %d, want 1 each",
		    atomic_read(&a), atomic_read(&b));
	free_irq(irq, &b);
	ret = xevtchn_unbind_from_irqhandler(irq, &a);
	ktap_result(&s, !ret, "last_handler_unbinds", "gave %d", ret);
	xevtchn_close_port(tx);
}

/* ---- threaded: a threaded handler that binds, while its IRQ is unbound ---- */

struct threaded {
	evtchn_port_t rx, tx, spare;
	int irq;
	struct completion started, unbound;
	int close_ret, unbind_ret;
};

static irqreturn_t threaded_fn(int irq, void *data)
{
	struct threaded *t = data;

	complete(&t->started);
	msleep(300);	/* the unbinder is in free_irq() by now */
	t->close_ret = xevtchn_close_port(t->spare);	/* takes the bind mutex */
	return IRQ_HANDLED;
}

static int threaded_unbinder(void *data)
{
	struct threaded *t = data;

	t->unbind_ret = xevtchn_unbind_from_irqhandler(t->irq, t);
	complete(&t->unbound);
	return 0;
}

static void test_threaded(void)
{
	static struct threaded t;
	struct task_struct *task;
	struct ktap_suite s;
	int ret;

	start(&s, "threaded", 2);
	memset(&t, 0, sizeof(t));
	init_completion(&t.started);
	init_completion(&t.unbound);
	ret = xevtchn_alloc_loopback(&t.rx, &t.tx) ?:
	      xevtchn_alloc_unbound(DOMID_SELF, &t.spare);
	t.irq = ret ?: xevtchn_bind_evtchn_to_irq(t.rx);
	ret = t.irq < 0 ? t.irq :
	      request_threaded_irq(t.irq, NULL, threaded_fn, IRQF_ONESHOT,
				   "xevtchn-test-threaded", &t);
	if (!ret) {
		xevtchn_notify_remote_via_evtchn(t.tx);
		if (!wait_for_completion_timeout(&t.started, 5 * HZ))
			ret = -ETIMEDOUT;
	}
	ktap_result(&s, !ret, "thread_runs", "setting up gave %d", ret);
	if (ret) {
		ktap_skip(&s, "unbind_completes", "no thread");
		return;
	}
	task = kthread_run(threaded_unbinder, &t, "xevtchn-test-unbind");
	if (IS_ERR(task) ||
	    !wait_for_completion_timeout(&t.unbound, 10 * HZ)) {
		ktap_result(&s, false, "unbind_completes",
			    "the unbinder is still stuck after 10 s: deadlock (this module stays loaded)");
		__module_get(THIS_MODULE);	/* its threads still run our code */
		return;
	}
	ktap_result(&s, !t.unbind_ret && !t.close_ret, "unbind_completes",
		    "unbind gave %d, the handler's close %d", t.unbind_ret,
		    t.close_ret);
	xevtchn_close_port(t.tx);
}

/* ---- close_reuse: the next owner's first event ----------------------------- */

/* Wait up to 2 s until Xen says @port is closed. */
static bool wait_closed(evtchn_port_t port)
{
	struct evtchn_status status = { .dom = DOMID_SELF, .port = port };
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		if (!xevtchn_event_channel_op(EVTCHNOP_status, &status) &&
		    status.status == EVTCHNSTAT_closed)
			return true;
		usleep_range(1000, 2000);
	}
	return false;
}

static void test_close_reuse(void)
{
	static evtchn_port_t others[2 * MAX_GRABS];
	atomic_t runs = ATOMIC_INIT(0), next_runs = ATOMIC_INIT(0);
	evtchn_port_t rx, tx, peer = 0;
	unsigned int nothers = 0;
	struct ktap_suite s;
	int irq, ret;
	bool closed;

	start(&s, "close_reuse", 2);
	ret = xevtchn_alloc_loopback(&rx, &tx);
	irq = ret ?: xevtchn_bind_evtchn_to_irqhandler(rx, count_interrupt, 0,
						       "xevtchn-test-reuse",
						       &runs);
	if (irq < 0) {
		ktap_result(&s, false, "port_reused", "setting up gave %d", irq);
		ktap_skip(&s, "first_event_kept", "no port");
		return;
	}
	xevtchn_close_port(tx);
	/* Hold the deferred close just after Xen closed rx. */
	xevtchn_testing_inject(XEVTCHN_INJECT_CLOSE, 500 * USEC_PER_MSEC);
	xevtchn_unbind_from_irqhandler(irq, &runs);
	closed = wait_closed(rx);
	/* Another user opens ports (no bind mutex) until it gets rx's number. */
	peer = closed ? grab_port(rx, others, &nothers) : 0;
	if (peer)
		xevtchn_notify_remote_via_evtchn(peer);	/* rx's first event */
	xevtchn_testing_drain_closes();
	xevtchn_testing_inject(XEVTCHN_INJECT_CLOSE, 0);
	ktap_result(&s, peer, "port_reused",
		    "port %u %s, and was not handed out again in %u tries", rx,
		    closed ? "was closed" : "was not closed in 2 s", MAX_GRABS);
	if (!peer) {
		ktap_skip(&s, "first_event_kept", "port not reused");
		goto close;
	}
	irq = xevtchn_bind_evtchn_to_irqhandler(rx, count_interrupt, 0,
						"xevtchn-test-reuse-next",
						&next_runs);
	msleep(1000);
	ktap_result(&s, irq > 0 && atomic_read(&next_runs) == 1,
		    "first_event_kept",
		    "binding gave %d; the new owner's handler ran %d times, want 1",
		    irq, atomic_read(&next_runs));
	if (irq > 0)
		xevtchn_unbind_from_irqhandler(irq, &next_runs);
	else
		xevtchn_close_port(rx);
	xevtchn_close_port(peer);
close:
	close_ports(others, nothers);
}

/* ---- unbind_moving: affinity writes while the IRQ is being unbound -------- */

struct moving {
	int irq;
	atomic_t runs;
	atomic_long_t moves, refused;
	bool stop;
};

static int moving_mover(void *data)
{
	struct moving *m = data;
	unsigned int cpu = 0;

	while (!READ_ONCE(m->stop)) {
		cpu = !cpu;
		if (irq_set_affinity(m->irq, cpumask_of(cpu)))
			atomic_long_inc(&m->refused);
		else
			atomic_long_inc(&m->moves);
		usleep_range(100, 200);
	}
	return 0;
}

static void test_unbind_moving(void)
{
	static struct moving m;
	struct task_struct *task;
	evtchn_port_t rx, tx;
	struct ktap_suite s;
	long refused_before;
	int ret;

	start(&s, "unbind_moving", 2);
	memset(&m, 0, sizeof(m));
	ret = xevtchn_alloc_loopback(&rx, &tx);
	m.irq = ret ?: xevtchn_bind_evtchn_to_irqhandler(rx, count_interrupt, 0,
							 "xevtchn-test-moving",
							 &m.runs);
	if (m.irq < 0) {
		ktap_result(&s, false, "unbind", "setting up gave %d", m.irq);
		ktap_skip(&s, "moves_in_window_refused", "no IRQ");
		return;
	}
	task = kthread_run(moving_mover, &m, "xevtchn-test-mover");
	msleep(100);
	refused_before = atomic_long_read(&m.refused);
	/* The IRQ stays allocated, its binding dying, while its close waits, */
	xevtchn_testing_hold_closes(true);
	ret = xevtchn_unbind_from_irqhandler(m.irq, &m.runs);
	msleep(100);
	/* and through the close, held after it before the descriptor goes. */
	xevtchn_testing_inject(XEVTCHN_INJECT_FREE, 200 * USEC_PER_MSEC);
	xevtchn_testing_hold_closes(false);
	xevtchn_testing_drain_closes();
	WRITE_ONCE(m.stop, true);
	xevtchn_testing_inject(XEVTCHN_INJECT_FREE, 0);
	if (!IS_ERR(task))
		kthread_stop(task);
	ktap_result(&s, !ret, "unbind", "unbinding gave %d", ret);
	ktap_result(&s, atomic_long_read(&m.refused) > refused_before,
		    "moves_in_window_refused",
		    "%ld moves, %ld refused before the unbind, %ld after",
		    atomic_long_read(&m.moves), refused_before,
		    atomic_long_read(&m.refused));
	xevtchn_close_port(tx);
}

/* ---- gate: unsynchronised senders, a mover, the gate's window open ------- */

#define GATE_CHANNELS	4
#define GATE_SENDERS	2	/* per channel: one per CPU */
#define WORD_PORTS	64	/* ports per 2-level word (64-bit guest) */

/**
 * struct gate_chan - one loopback channel of the gate storm
 * @rx: the bound port
 * @tx: the port senders send on
 * @irq: @rx's IRQ
 * @last_sent: per sender, the sequence number of its last send, written
 *	before the send
 * @seen: per sender, the highest number a handler run has read
 * @running: handler runs in progress (overlap detector)
 * @overlaps: handler runs that found another one running
 * @handled: handler runs
 */
struct gate_chan {
	evtchn_port_t rx, tx;
	int irq;
	unsigned long last_sent[GATE_SENDERS];
	unsigned long seen[GATE_SENDERS];
	atomic_t running, overlaps;
	atomic_long_t handled;
};

struct gate_sender {
	struct gate_chan *ch;
	unsigned int index;
	unsigned long seq;
};

static struct gate_chan gate_chans[GATE_CHANNELS];
static struct gate_sender gate_senders[GATE_CHANNELS * GATE_SENDERS];
static evtchn_port_t gate_fillers[GATE_CHANNELS * WORD_PORTS];
static unsigned int gate_nfillers;
/* 0: run; 1: senders and mover stop at their next turn. */
static atomic_t gate_paused;
static atomic_t gate_idle;	/* threads that saw the pause */

static irqreturn_t gate_interrupt(int irq, void *data)
{
	struct gate_chan *ch = data;
	unsigned long v;
	unsigned int i;

	if (atomic_inc_return(&ch->running) > 1)
		atomic_inc(&ch->overlaps);
	for (i = 0; i < GATE_SENDERS; i++) {
		v = READ_ONCE(ch->last_sent[i]);
		if (v > ch->seen[i])
			WRITE_ONCE(ch->seen[i], v);
	}
	atomic_long_inc(&ch->handled);
	udelay(get_random_u32() % 20);	/* handlers of varying length */
	atomic_dec(&ch->running);
	return IRQ_HANDLED;
}

/* Wait here while paused; false when the thread should stop. */
static bool gate_turn(void)
{
	if (!atomic_read(&gate_paused))
		return !kthread_should_stop();
	atomic_inc(&gate_idle);
	while (atomic_read(&gate_paused) && !kthread_should_stop())
		usleep_range(500, 1000);
	atomic_dec(&gate_idle);
	return !kthread_should_stop();
}

/*
 * A sender does not wait for the other sender of its channel, but it does
 * not flood the receiver either: before its next send it waits (sleeping)
 * until a handler has read its last number, or 10 ms. Without that bound,
 * the senders of one CPU can keep the other CPU in its upcall for good,
 * each event slowed by the injected windows (nothing bounds an upcall yet),
 * and the test thread that pauses them never runs again.
 */
static int gate_send(void *data)
{
	struct gate_sender *gs = data;
	unsigned long deadline;

	while (gate_turn()) {
		gs->seq++;
		WRITE_ONCE(gs->ch->last_sent[gs->index], gs->seq);
		/* The hypercall orders the write before the event. */
		xevtchn_notify_remote_via_evtchn(gs->ch->tx);
		deadline = jiffies + msecs_to_jiffies(10);
		while (READ_ONCE(gs->ch->seen[gs->index]) < gs->seq &&
		       time_before(jiffies, deadline) && !kthread_should_stop())
			usleep_range(20, 50);
		udelay(get_random_u32() % 30);
		/* A handler on this CPU may have read it at once: no sleep. */
		cond_resched();
	}
	return 0;
}

static atomic_long_t gate_moves;

static int gate_move(void *unused)
{
	unsigned int i, cpu = 0;

	while (gate_turn()) {
		cpu = !cpu;
		for (i = 0; i < GATE_CHANNELS; i++)
			if (!irq_set_affinity(gate_chans[i].irq, cpumask_of(cpu)))
				atomic_long_inc(&gate_moves);
		usleep_range(200, 400);
	}
	return 0;
}

/*
 * Open a loopback for each channel; on 2-level, first fill the rest of the
 * current word with unbound ports, so that each channel's rx port starts a
 * word of its own (Xen hands out the lowest free port).
 */
static int gate_open(struct gate_chan *ch)
{
	bool two_level = !strcmp(abi, "2level");
	evtchn_port_t p;
	int ret;

	for (;;) {
		ret = xevtchn_alloc_loopback(&ch->rx, &ch->tx);
		if (ret)
			return ret;
		if (!two_level || ch->rx % WORD_PORTS == 0 ||
		    gate_nfillers + 2 > ARRAY_SIZE(gate_fillers))
			return 0;
		gate_fillers[gate_nfillers++] = ch->rx;
		gate_fillers[gate_nfillers++] = ch->tx;
		while (gate_nfillers < ARRAY_SIZE(gate_fillers) &&
		       !xevtchn_alloc_unbound(DOMID_SELF, &p)) {
			gate_fillers[gate_nfillers++] = p;
			if ((p + 1) % WORD_PORTS == 0)
				break;
		}
	}
}

/* Unbind and close every channel and filler port of the gate tests. */
static void gate_close_all(void)
{
	unsigned int i;

	for (i = 0; i < GATE_CHANNELS; i++) {
		struct gate_chan *ch = &gate_chans[i];

		if (ch->irq > 0) {
			xevtchn_unbind_from_irqhandler(ch->irq, ch);
			xevtchn_close_port(ch->tx);
		} else if (ch->rx) {
			xevtchn_close_port(ch->rx);
			xevtchn_close_port(ch->tx);
		}
	}
	for (i = 0; i < gate_nfillers; i++)
		xevtchn_close_port(gate_fillers[i]);
}

/* Pause the threads and let every event in flight arrive. */
static void gate_quiesce(unsigned int threads)
{
	unsigned int waited = 0;

	atomic_set(&gate_paused, 1);
	while (atomic_read(&gate_idle) < threads && waited++ < 1000)
		usleep_range(1000, 2000);
	msleep(50);
}

/* After a quiet spell: did every sender's last event reach a handler? */
static unsigned int gate_check(struct gate_chan *ch, unsigned long *stuck)
{
	bool pending, masked;
	unsigned int i, lost = 0;

	for (i = 0; i < GATE_SENDERS; i++)
		lost += READ_ONCE(ch->seen[i]) != READ_ONCE(ch->last_sent[i]);
	if (!xevtchn_testing_port_state(ch->rx, &pending, &masked) &&
	    pending && !masked)
		(*stuck)++;
	if (lost) {
		/* Rescue it for the next burst: a move re-raises the event. */
		irq_set_affinity(ch->irq, cpumask_of(0));
		irq_set_affinity(ch->irq, cpumask_of(1));
		msleep(20);
	}
	return lost;
}

static void test_gate(void)
{
	struct task_struct *threads[GATE_CHANNELS * GATE_SENDERS + 1] = {};
	unsigned long lost = 0, stuck = 0, bursts = 0, sent = 0, handled = 0;
	unsigned int i, n = 0, overlaps = 0, bound = 0;
	unsigned long end;
	struct ktap_suite s;

	start(&s, "gate", 3);
	memset(gate_chans, 0, sizeof(gate_chans));
	gate_nfillers = 0;
	atomic_set(&gate_paused, 1);
	atomic_set(&gate_idle, 0);
	atomic_long_set(&gate_moves, 0);
	for (i = 0; i < GATE_CHANNELS; i++) {
		struct gate_chan *ch = &gate_chans[i];

		if (gate_open(ch))
			break;
		ch->irq = xevtchn_bind_evtchn_to_irqhandler(ch->rx,
							    gate_interrupt, 0,
							    "xevtchn-test-gate",
							    ch);
		if (ch->irq <= 0) {
			xevtchn_close_port(ch->rx);
			xevtchn_close_port(ch->tx);
			break;
		}
		bound++;
	}
	msleep(100);	/* the connection events Xen raised */
	if (bound < GATE_CHANNELS || num_online_cpus() < 2) {
		ktap_result(&s, false, "every_last_event_seen",
			    "%u of %u channels bound, %u CPUs", bound,
			    GATE_CHANNELS, num_online_cpus());
		ktap_skip(&s, "nothing_left_pending", "no storm");
		ktap_skip(&s, "never_two_at_once", "no storm");
		goto unbind;
	}
	/* Widen the windows: after the gate is taken, and inside the ack. */
	xevtchn_testing_inject(XEVTCHN_INJECT_DISPATCH, 30);
	xevtchn_testing_inject(XEVTCHN_INJECT_ACK, 100);
	for (i = 0; i < GATE_CHANNELS * GATE_SENDERS; i++) {
		struct gate_sender *gs = &gate_senders[i];

		gs->ch = &gate_chans[i / GATE_SENDERS];
		gs->index = i % GATE_SENDERS;
		gs->seq = 0;
		threads[n] = kthread_create(gate_send, gs, "gate-send/%u", i);
		if (IS_ERR(threads[n]))
			continue;
		kthread_bind(threads[n], gs->index % num_online_cpus());
		wake_up_process(threads[n++]);
	}
	threads[n] = kthread_run(gate_move, NULL, "gate-move");
	if (!IS_ERR(threads[n]))
		n++;

	end = jiffies + seconds * HZ;
	while (time_before(jiffies, end)) {
		atomic_set(&gate_paused, 0);
		msleep(40);
		gate_quiesce(n);
		bursts++;
		for (i = 0; i < GATE_CHANNELS; i++)
			lost += gate_check(&gate_chans[i], &stuck);
	}
	while (n--)
		kthread_stop(threads[n]);
	xevtchn_testing_inject(XEVTCHN_INJECT_DISPATCH, 0);
	xevtchn_testing_inject(XEVTCHN_INJECT_ACK, 0);
	for (i = 0; i < GATE_CHANNELS * GATE_SENDERS; i++)
		sent += gate_senders[i].seq;
	for (i = 0; i < GATE_CHANNELS; i++) {
		handled += atomic_long_read(&gate_chans[i].handled);
		overlaps += atomic_read(&gate_chans[i].overlaps);
	}
	ktap_diag("gate %s: %lu bursts, %lu sends, %lu handler runs, %ld moves, %u filler ports",
		  tag, bursts, sent, handled, atomic_long_read(&gate_moves),
		  gate_nfillers);
	ktap_result(&s, !lost && sent, "every_last_event_seen",
		    "%lu times a sender's last event never reached a handler (%lu bursts)",
		    lost, bursts);
	ktap_result(&s, !stuck, "nothing_left_pending",
		    "%lu times a port was left pending and unmasked after a burst",
		    stuck);
	ktap_result(&s, !overlaps, "never_two_at_once",
		    "%u handler runs overlapped another", overlaps);
unbind:
	gate_close_all();
}

/* ---- gate_window: the gate race, step by step ------------------------------ */

/*
 * The race, made to happen on purpose, round after round:
 *
 *   CPU 0 (the port's CPU)           CPU 1 (this thread)
 *                                    send #1
 *   upcall: takes the gate,
 *   waits (DISPATCH window)          move the port to CPU 1: its unmask
 *                                    re-raises #1 here, which finds the
 *                                    gate taken (fine: CPU 0 has it)
 *   ack: clears pending,
 *   waits (ACK window)               sees pending clear; send #2: Xen
 *                                    notifies CPU 1, which finds the gate
 *                                    taken and drops it
 *   opens the gate, runs the handler
 *
 * #2 must still reach the handler: two sends, two handler runs. Without
 * the re-raise when the gate opens, #2 stays pending and unmasked with no
 * notification left (2-level: no selector bit; FIFO: off every queue), and
 * Xen never notifies for a port that is already pending.
 */
#define WINDOW_ROUNDS	80

static void test_gate_window(void)
{
	struct gate_chan *ch = &gate_chans[0];
	unsigned int round, lost = 0, stuck = 0, extra = 0, raced = 0;
	unsigned int inconclusive = 0;
	bool pending = false, masked;
	long before, runs, taken;
	unsigned int spin;
	struct ktap_suite s;
	int ret;

	start(&s, "gate_window", 3);
	memset(gate_chans, 0, sizeof(gate_chans));
	gate_nfillers = 0;
	ret = gate_open(ch);
	ch->irq = ret ?: xevtchn_bind_evtchn_to_irqhandler(ch->rx, gate_interrupt,
							   0, "xevtchn-test-gate",
							   ch);
	if (ch->irq <= 0 || num_online_cpus() < 2 ||
	    set_cpus_allowed_ptr(current, cpumask_of(1))) {
		ktap_result(&s, false, "every_send_handled",
			    "binding gave %d, %u CPUs", ch->irq,
			    num_online_cpus());
		ktap_skip(&s, "nothing_left_pending", "no test");
		ktap_skip(&s, "window_met", "no test");
		goto out;
	}
	msleep(100);	/* the connection event Xen raised */
	xevtchn_testing_inject(XEVTCHN_INJECT_DISPATCH, 1000);
	xevtchn_testing_inject(XEVTCHN_INJECT_ACK, 1000);
	for (round = 0; round < WINDOW_ROUNDS; round++) {
		if (irq_set_affinity(ch->irq, cpumask_of(0)))
			break;
		msleep(20);
		before = atomic_long_read(&ch->handled);
		taken = xevtchn_testing_port_events(ch->rx);
		xevtchn_notify_remote_via_evtchn(ch->tx);		/* #1 */
		/* Wait for CPU 0 to take the gate (its DISPATCH window). */
		for (spin = 0; spin < 5000; spin++) {
			if (xevtchn_testing_port_events(ch->rx) != taken)
				break;
			udelay(1);
		}
		irq_set_affinity(ch->irq, cpumask_of(1));
		/* Wait for CPU 0's ack to clear the pending bit. */
		for (spin = 0; spin < 5000; spin++) {
			if (!xevtchn_testing_port_state(ch->rx, &pending,
							&masked) && !pending)
				break;
			udelay(1);
		}
		if (pending) {
			/* #2 would merge with #1: this round proves nothing. */
			inconclusive++;
			msleep(100);
			continue;
		}
		if (atomic_long_read(&ch->handled) == before)
			raced++;	/* still before CPU 0's handler run */
		xevtchn_notify_remote_via_evtchn(ch->tx);		/* #2 */
		/* Handled within a second, however slow the emulator is. */
		for (spin = 0; spin < 100; spin++) {
			usleep_range(10000, 20000);
			if (atomic_long_read(&ch->handled) - before >= 2)
				break;
		}
		msleep(20);	/* a third run would show up by now */
		runs = atomic_long_read(&ch->handled) - before;
		if (runs < 2)
			lost++;
		if (runs > 2)
			extra++;
		if (!xevtchn_testing_port_state(ch->rx, &pending, &masked) &&
		    pending && !masked)
			stuck++;
	}
	xevtchn_testing_inject(XEVTCHN_INJECT_DISPATCH, 0);
	xevtchn_testing_inject(XEVTCHN_INJECT_ACK, 0);
	ktap_diag("gate window %s: %u rounds, %u with send #2 in the window, %u inconclusive",
		  tag, round, raced, inconclusive);
	ktap_diag("gate window %s: %u lost, %u left pending, %u extra runs",
		  tag, lost, stuck, extra);
	ktap_result(&s, round == WINDOW_ROUNDS && !lost && !extra,
		    "every_send_handled",
		    "%u of %u rounds lost an event, %u ran the handler more than twice",
		    lost, round, extra);
	ktap_result(&s, !stuck, "nothing_left_pending",
		    "%u rounds left the port pending and unmasked", stuck);
	ktap_result(&s, raced > 0, "window_met",
		    "send #2 never landed inside CPU 0's window: the test proved nothing");
out:
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	gate_close_all();
}

/* ---- offline_unbind: a port of an offline CPU, closed while linked -------- */

#define OFFLINE_IPI	5

/*
 * FIFO: an IPI of CPU 1 stays bound while CPU 1 is offline; an IPI sent
 * then is linked into vCPU 1's queue, which nobody walks. Unbinding the IPI
 * closes its port; the next owner of that port number, bound on CPU 0,
 * must still hear its events (Xen never links a word that is still
 * LINKED).
 */
static void test_offline_unbind(void)
{
	static evtchn_port_t others[2 * MAX_GRABS];
	atomic_t ipi_runs = ATOMIC_INIT(0), runs = ATOMIC_INIT(0);
	evtchn_port_t ipi_port = 0, rx = 0, peer = 0;
	unsigned int nothers = 0;
	struct ktap_suite s;
	int irq, ret;

	start(&s, "offline_unbind", 2);
	irq = xevtchn_bind_ipi_to_irqhandler(OFFLINE_IPI, 1, count_interrupt, 0,
					     "xevtchn-test-offline-ipi",
					     &ipi_runs);
	if (irq > 0)
		ipi_port = xevtchn_evtchn_from_irq(irq);
	ret = irq < 0 ? irq : remove_cpu(1);
	if (ret) {
		ktap_result(&s, false, "port_reused", "binding the IPI or offlining CPU 1 gave %d",
			    ret);
		ktap_skip(&s, "next_owner_hears", "no setup");
		if (irq > 0)
			xevtchn_unbind_from_irqhandler(irq, &ipi_runs);
		return;
	}
	xevtchn_send_ipi(1, OFFLINE_IPI);	/* linked in vCPU 1's queue */
	msleep(50);
	xevtchn_unbind_from_irqhandler(irq, &ipi_runs);
	xevtchn_testing_drain_closes();		/* the port is closed now */
	peer = grab_port(ipi_port, others, &nothers);
	rx = peer ? ipi_port : 0;
	ktap_result(&s, rx, "port_reused", "port %u not handed out again",
		    ipi_port);
	if (rx) {
		irq = xevtchn_bind_evtchn_to_irqhandler(rx, count_interrupt, 0,
							"xevtchn-test-offline-next",
							&runs);
		msleep(100);	/* the connection event, if Xen raised it here */
		atomic_set(&runs, 0);
		xevtchn_notify_remote_via_evtchn(peer);
		msleep(1000);
		ktap_result(&s, irq > 0 && atomic_read(&runs) == 1,
			    "next_owner_hears",
			    "binding gave %d; with CPU 1 still offline, the new owner's handler ran %d times, want 1",
			    irq, atomic_read(&runs));
		if (irq > 0)
			xevtchn_unbind_from_irqhandler(irq, &runs);
		else
			xevtchn_close_port(rx);
		xevtchn_close_port(peer);
	} else {
		ktap_skip(&s, "next_owner_hears", "port not reused");
	}
	close_ports(others, nothers);
	add_cpu(1);
}

/* ---- not_ready, leak --------------------------------------------------------- */

static void test_not_ready(void)
{
	struct ktap_suite s;
	evtchn_port_t port;
	int ret;

	start(&s, "not_ready", 1);
	xevtchn_testing_pause(true);
	ret = xevtchn_alloc_unbound(DOMID_SELF, &port);
	xevtchn_testing_pause(false);
	ktap_result(&s, ret == -ENODEV, "call_while_not_ready",
		    "gave %d, want -ENODEV", ret);
	if (!ret)
		xevtchn_close_port(port);
}

static evtchn_port_t leaked_port;

#define LEAK_ABOVE	16

/*
 * Leave a port open, above the ports Xen consumes itself (3 and up for an
 * HVM guest: its ioreq channels), where a lister that stops at the first
 * refused port would miss it.
 */
static void test_leak(void)
{
	evtchn_port_t ports[LEAK_ABOVE];
	struct ktap_suite s;
	unsigned int n;
	int ret = 0;

	start(&s, "leak", 1);
	for (n = 0; n < LEAK_ABOVE && !ret; n++)
		ret = xevtchn_alloc_unbound(DOMID_SELF, &ports[n]);
	if (!ret)
		leaked_port = ports[--n];
	while (n--)
		xevtchn_close_port(ports[n]);
	ktap_result(&s, !ret && leaked_port > LEAK_ABOVE, "port_kept_open",
		    "opening ports gave %d, the last is %u", ret, leaked_port);
	ktap_diag("keeping port %u open until unload", leaked_port);
}

static const struct {
	const char *name;
	void (*run)(void);
} suites[] = {
	{ "phantom", test_phantom },
	{ "virq_move", test_virq_move },
	{ "unbind_checks", test_unbind_checks },
	{ "threaded", test_threaded },
	{ "close_reuse", test_close_reuse },
	{ "unbind_moving", test_unbind_moving },
	{ "gate", test_gate },
	{ "gate_window", test_gate_window },
	{ "offline_unbind", test_offline_unbind },
	{ "not_ready", test_not_ready },
	{ "leak", test_leak },
};

static int __init races_test_init(void)
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
			pr_info("# races test: no suite '%s'\n", name);
	}
	kfree(list);
	return 0;
}

static void __exit races_test_exit(void)
{
	if (leaked_port)
		xevtchn_close_port(leaked_port);
}

module_init(races_test_init);
module_exit(races_test_exit);

MODULE_DESCRIPTION("xevtchn test: regressions of known races and lifetime bugs");
MODULE_LICENSE("GPL");
