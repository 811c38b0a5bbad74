// SPDX-License-Identifier: GPL-2.0
/*
 * The test build's hooks: compiled only into the xevtchn.ko of
 * "make testing-build" (CONFIG_XEVTCHN_TESTING), never into the module
 * users load, which has none of these parameters, exports or delays.
 *
 * - test_flow= puts dynamic ports on a flow that loses events, for the
 *   negative controls of the race tests: "level" is handle_level_irq with
 *   the chip semantics Xen events had until 2010 (the upcall took the event
 *   before dispatch, and the "ack" in mask_ack unmasked the port, so it
 *   stayed live while the handler ran); "fasteoi" is handle_fasteoi_irq,
 *   which on Linux 6.1 drops an event that arrives while the handler runs
 *   on another CPU (the resend came in 6.5, IRQD_RESEND_WHEN_IN_PROGRESS).
 *   A migration storm must catch both losing events.
 * - Injection points (enum xevtchn_inject_point) widen the windows in which
 *   the known races happen, so that a test meets them thousands of times
 *   rather than once in a blue moon; a test module sets each one's delay.
 * - xevtchn_testing_hold_closes() holds the deferred closes of unbound
 *   ports before they close anything, so that a test can look at a port
 *   that is closing; unload lets them go. xevtchn_testing_drain_closes()
 *   waits for them.
 * - xevtchn_testing_xenstore() loses the xenstore client's replies (drops
 *   them, or reads nothing at all) and shortens its timeout.
 * - xevtchn_testing_upcall_budget() shrinks the upcall's budget to a few
 *   events, so that a test can have many passes run out of it, or takes
 *   the bound away, or has a pass that runs out withhold the rest, as if
 *   it had lost it, until the test lets it go (the negative controls of
 *   the bounded upcall); xevtchn_testing_upcall_stats() counts upcalls
 *   and the passes that ran out.
 * - xevtchn_testing_lateeoi_state() reads a lateeoi port's spurious count,
 *   delay and EOI state.
 * - refuse_suspend= refuses the toolstack's suspend requests, for a test
 *   that writes "suspend" to control/shutdown with no save behind it.
 * - xevtchn_testing_pause() makes every call fail as before load;
 *   xevtchn_testing_port_state() and xevtchn_testing_port_events() read a
 *   port's bits and event count for a test's verdict.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/wait.h>

#include <xevtchn/testing.h>
#include "internal.h"

static char *test_flow = "edge";
module_param(test_flow, charp, 0444);
MODULE_PARM_DESC(test_flow,
		 "TEST BUILD: edge (the real flow), or level or fasteoi, which lose events (negative controls)");

static bool refuse_suspend;
module_param(refuse_suspend, bool, 0644);
MODULE_PARM_DESC(refuse_suspend,
		 "TEST BUILD: refuse the toolstack's suspend requests (for a test that writes \"suspend\" with no toolstack behind it)");

static struct irq_chip level_chip;
static struct irq_chip fasteoi_chip;

/* The negative controls took the event before dispatch: nothing to ack. */
static void irq_nop(struct irq_data *data)
{
}

/**
 * xevtchn_testing_init() - check test_flow= and build the control chips
 *
 * Context: module load, before any port is bound.
 * Return: 0, or -EINVAL for an unknown flow.
 */
int xevtchn_testing_init(void)
{
	level_chip = xevtchn_dyn_chip;
	level_chip.name = "xen-dyn-level";
	level_chip.irq_ack = NULL;
	level_chip.irq_mask_ack = irq_nop;

	fasteoi_chip = xevtchn_dyn_chip;
	fasteoi_chip.name = "xen-dyn-fasteoi";
	fasteoi_chip.irq_ack = NULL;
	fasteoi_chip.irq_mask_ack = NULL;
	fasteoi_chip.irq_eoi = irq_nop;

	if (!strcmp(test_flow, "edge"))
		return 0;
	if (strcmp(test_flow, "level") && strcmp(test_flow, "fasteoi")) {
		pr_err("test_flow=%s is not one of edge, level, fasteoi\n",
		       test_flow);
		return -EINVAL;
	}
	pr_warn("test_flow=%s: dynamic ports use a flow that LOSES events; for negative-control tests only\n",
		test_flow);
	return 0;
}

/**
 * xevtchn_testing_set_flow() - put a dynamic port on a negative control
 * @info: a dynamic port, its IRQ allocated
 *
 * Context: binding, under xevtchn_bind_mutex.
 * Return: true when test_flow= chose a control flow and set it.
 */
bool xevtchn_testing_set_flow(struct xevtchn_irq *info)
{
	if (!strcmp(test_flow, "level"))
		irq_set_chip_and_handler_name(info->irq, &level_chip,
					      handle_level_irq, "level");
	else if (!strcmp(test_flow, "fasteoi"))
		irq_set_chip_and_handler_name(info->irq, &fasteoi_chip,
					      handle_fasteoi_irq, "fasteoi");
	else
		return false;
	return true;
}

/**
 * xevtchn_testing_is_our_chip() - is @chip one of the control chips?
 * @chip: an IRQ's chip
 *
 * Context: any.
 * Return: true for the level and fasteoi control chips.
 */
bool xevtchn_testing_is_our_chip(const struct irq_chip *chip)
{
	return chip == &level_chip || chip == &fasteoi_chip;
}

/**
 * xevtchn_testing_take_early() - take the event before dispatch, as in 2010
 * @info: the port whose event is being dispatched
 *
 * Context: the upcall, with the port's gate taken.
 */
void xevtchn_testing_take_early(struct xevtchn_irq *info)
{
	if (xevtchn_testing_is_our_chip(irq_get_chip(info->irq)))
		xevtchn_port_taken(info);
}

static unsigned int inject_usecs[XEVTCHN_NR_INJECT];

/* The points that run in hard IRQ context, where only a busy wait will do. */
static bool atomic_point(enum xevtchn_inject_point point)
{
	return point == XEVTCHN_INJECT_DISPATCH || point == XEVTCHN_INJECT_ACK;
}

/**
 * xevtchn_inject() - wait at @point, if a test asked for it
 * @point: where the caller is
 *
 * Context: as the point says (enum xevtchn_inject_point).
 */
void xevtchn_inject(enum xevtchn_inject_point point)
{
	unsigned int usecs = READ_ONCE(inject_usecs[point]);

	if (likely(!usecs))
		return;
	if (atomic_point(point))
		udelay(usecs);
	else
		fsleep(usecs);
}

/**
 * xevtchn_testing_inject() - widen a race window
 * @point: where
 * @usecs: how long to wait there each time; 0 to stop
 *
 * Context: process context.
 * Return: 0; -EINVAL for an unknown point, or a busy wait beyond 1 ms.
 */
int xevtchn_testing_inject(enum xevtchn_inject_point point, unsigned int usecs)
{
	if (point >= XEVTCHN_NR_INJECT)
		return refuse(-EINVAL, "no injection point %u", point);
	if (atomic_point(point) && usecs > 1000)
		return refuse(-EINVAL, "%u us is too long a busy wait in hard IRQ context",
			      usecs);
	WRITE_ONCE(inject_usecs[point], usecs);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_inject, XEVTCHN_TESTING_NS);

static bool closes_held;
static DECLARE_WAIT_QUEUE_HEAD(closes_released);

/**
 * xevtchn_testing_hold_closes() - hold the deferred closes, or let them go
 * @hold: true to hold every close that has not begun, false to let them go
 *
 * A held close waits before it closes its port, without the bind mutex:
 * the port stays closing (bound in Xen, refused by xevtchn) until released.
 * Do not wait for a held close (xevtchn_testing_drain_closes(), or binding
 * a VIRQ whose last binding is still closing) before letting it go.
 *
 * Context: process context.
 */
void xevtchn_testing_hold_closes(bool hold)
{
	WRITE_ONCE(closes_held, hold);
	if (!hold)
		wake_up_all(&closes_released);
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_hold_closes, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_before_close() - wait while a test holds the closes
 *
 * Context: the deferred close (events.c), a workqueue; sleeps.
 */
void xevtchn_testing_before_close(void)
{
	/* Idle: a hold of seconds is not a hung task. */
	wait_event_idle(closes_released, !READ_ONCE(closes_held));
}

/**
 * xevtchn_testing_unload() - let held closes go: unload waits for them;
 *	give back what passes withheld
 *
 * Context: module unload, or a failed load (xevtchn_unbind_all()).
 */
void xevtchn_testing_unload(void)
{
	if (READ_ONCE(closes_held))
		pr_info("unload: letting the held closes go\n");
	xevtchn_testing_hold_closes(false);
	xevtchn_testing_upcall_budget(0, XEVTCHN_BUDGET_TEST_NORMAL);
}

/**
 * xevtchn_testing_drain_closes() - wait until every unbound port is closed
 *
 * Context: process context, closes not held; sleeps.
 */
void xevtchn_testing_drain_closes(void)
{
	xevtchn_drain_closes();
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_drain_closes, XEVTCHN_TESTING_NS);

static unsigned int budget_events;
static enum xevtchn_budget_test budget_mode;
static DEFINE_MUTEX(budget_mutex);
/* What passes that ran out withheld, per CPU, under ..._TEST_WITHHOLD. */
static DEFINE_PER_CPU(atomic_long_t, withheld);

/* On each CPU that has some: give what was withheld back, and run a pass. */
static void give_withheld_back(void *unused)
{
	unsigned int cpu = smp_processor_id();
	unsigned long bits;

	bits = atomic_long_xchg(per_cpu_ptr(&withheld, cpu), 0);
	if (!bits)
		return;
	xevtchn_abi->give_back(cpu, bits);
	xevtchn_upcall(cpu);
}

/**
 * xevtchn_testing_upcall_budget() - change the upcall's budget
 * @events: events per pass; 0 for the built-in XEVTCHN_BUDGET_EVENTS
 * @mode: NORMAL, or a negative control (enum xevtchn_budget_test)
 *
 * It stays so until changed, or until xevtchn unloads. Leaving
 * XEVTCHN_BUDGET_TEST_WITHHOLD gives back, on each online CPU, what was
 * withheld, and runs a pass there (an IPI: a CPU that rests leaves it to
 * its timer).
 *
 * Context: process context.
 * Return: 0, or -EINVAL for an unknown mode.
 */
int xevtchn_testing_upcall_budget(unsigned int events,
				  enum xevtchn_budget_test mode)
{
	if (mode > XEVTCHN_BUDGET_TEST_WITHHOLD)
		return refuse(-EINVAL, "no budget test mode %u", mode);
	if (mode != XEVTCHN_BUDGET_TEST_NORMAL)
		pr_warn("upcall budget: %s; for negative-control tests only\n",
			mode == XEVTCHN_BUDGET_TEST_UNBOUNDED ? "unbounded" :
			"leftovers WITHHELD");
	mutex_lock(&budget_mutex);
	WRITE_ONCE(budget_events, events);
	WRITE_ONCE(budget_mode, mode);
	if (mode != XEVTCHN_BUDGET_TEST_WITHHOLD)
		on_each_cpu(give_withheld_back, NULL, 1);
	mutex_unlock(&budget_mutex);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_upcall_budget, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_budget() - apply the test's budget to a pass
 * @budget: the pass's budget, as built
 *
 * Context: the upcall, hard IRQ context.
 */
void xevtchn_testing_budget(struct xevtchn_budget *budget)
{
	unsigned int events = READ_ONCE(budget_events);

	if (READ_ONCE(budget_mode) == XEVTCHN_BUDGET_TEST_UNBOUNDED) {
		budget->events = UINT_MAX;
		budget->deadline = 0;
	} else if (events) {
		budget->events = events;
	}
}

/**
 * xevtchn_testing_withhold() - keep what a pass did not scan, as if lost?
 * @cpu: the CPU whose pass ran out
 * @bits: what the ABI would give back (enum xevtchn_abi's give_back)
 *
 * Context: the upcall, hard IRQ context.
 * Return: true, @bits kept until the mode changes, under
 * XEVTCHN_BUDGET_TEST_WITHHOLD; false otherwise: give them back.
 */
bool xevtchn_testing_withhold(unsigned int cpu, unsigned long bits)
{
	if (READ_ONCE(budget_mode) != XEVTCHN_BUDGET_TEST_WITHHOLD)
		return false;
	atomic_long_or(bits, per_cpu_ptr(&withheld, cpu));
	return true;
}

/**
 * xevtchn_testing_upcall_stats() - a CPU's upcalls, and passes out of budget
 * @cpu: a possible CPU
 * @upcalls: set to the upcalls it took
 * @rests: set to its passes that ran out of budget
 *
 * Context: any.
 */
void xevtchn_testing_upcall_stats(unsigned int cpu, unsigned long *upcalls,
				  unsigned long *rests)
{
	*upcalls = xevtchn_upcalls(cpu);
	*rests = xevtchn_upcall_rests(cpu);
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_upcall_stats, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_lateeoi_state() - a lateeoi port's EOI state
 * @port: a port bound by a *_lateeoi() function
 * @eoi: set to its spurious count, delay and what it owes
 *
 * Context: any.
 * Return: 0; -ENOENT when @port is not bound; -EINVAL when it is not
 * lateeoi.
 */
int xevtchn_testing_lateeoi_state(evtchn_port_t port,
				  struct xevtchn_testing_eoi *eoi)
{
	struct xevtchn_eoi_state state;
	struct xevtchn_irq *info;
	int ret = 0;

	rcu_read_lock();
	info = xevtchn_port_info(port);
	if (!info)
		ret = -ENOENT;
	else if (!info->lateeoi)
		ret = -EINVAL;
	else
		xevtchn_lateeoi_state(info, &state);
	rcu_read_unlock();
	if (ret)
		return ret;
	*eoi = (struct xevtchn_testing_eoi){
		.spurious = state.spurious,
		.delay_ms = state.delay_ms,
		.owed = state.owed,
		.delayed = state.delayed,
	};
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_lateeoi_state, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_suspend_refusal() - refuse the suspend, if a test says so
 *
 * Context: process context.
 * Return: the reason, or NULL (suspend.c's own reasons then decide).
 */
const char *xevtchn_testing_suspend_refusal(void)
{
	return READ_ONCE(refuse_suspend) ?
	       "the test build refuses it (refuse_suspend=1)" : NULL;
}

/**
 * xevtchn_testing_pause() - make every call fail as before load
 * @pause: true to pause, false to resume
 *
 * Context: process context.
 */
void xevtchn_testing_pause(bool pause)
{
	xevtchn_set_ready(!pause);
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_pause, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_xenstore() - make xenstore's replies get lost
 * @mode: how the connection hears xenstored (enum xevtchn_xs_test_mode);
 *	it stays so until changed, or until xevtchn unloads
 * @timeout_ms: how long a request waits for its reply; 0 for the usual
 *
 * Context: any.
 * Return: 0, or -EINVAL for an unknown mode.
 */
int xevtchn_testing_xenstore(enum xevtchn_xs_test_mode mode,
			     unsigned int timeout_ms)
{
	if (mode > XEVTCHN_XS_TEST_DEAF)
		return refuse(-EINVAL, "no xenstore test mode %u", mode);
	xevtchn_xs_testing(mode, timeout_ms);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_xenstore, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_port_state() - read a port's pending and mask bits
 * @port: a port
 * @pending: set to its pending bit
 * @masked: set to its mask bit
 *
 * Context: any.
 * Return: 0, or -EINVAL for a port beyond the ABI's range.
 */
int xevtchn_testing_port_state(evtchn_port_t port, bool *pending,
			       bool *masked)
{
	if (port >= xevtchn_abi->max_ports)
		return -EINVAL;
	*pending = xevtchn_abi->is_pending(port);
	*masked = xevtchn_abi->is_masked(port);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_port_state, XEVTCHN_TESTING_NS);

/**
 * xevtchn_testing_port_events() - events the upcall took from a port
 * @port: a bound port
 *
 * The count goes up when a CPU has taken the port's gate, just before the
 * DISPATCH injection point: a test can tell that a CPU is in that window.
 *
 * Context: any.
 * Return: the count, or -ENOENT when @port is not bound.
 */
long xevtchn_testing_port_events(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	long events = -ENOENT;

	rcu_read_lock();
	info = xevtchn_port_info(port);
	if (info)
		events = atomic_long_read(&info->events);
	rcu_read_unlock();
	return events;
}
EXPORT_SYMBOL_NS_GPL(xevtchn_testing_port_events, XEVTCHN_TESTING_NS);
