// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_storm_test: events while their IRQs move between CPUs.
 *
 * Several loopback channels, each with a sender thread on a home CPU; a
 * mover thread flips every channel's affinity between the CPUs as fast as
 * it can; IPI senders (one per CPU) hammer the per-CPU flow; optionally a thread takes
 * CPU 1 offline and online again and again. Each sender passes a token: it
 * sends the next event as soon as the handler has *started* with the
 * previous one. A handler that runs away from its sender's CPU moves its own
 * IRQ there before it spins on (for a varying time), so the next event
 * arrives on the new CPU while the old one still runs the handler: the race
 * of the 2010 and 2023 bugs, on purpose, thousands of times.
 *
 * Every event must be handled exactly once: sent == handled, and no
 * handler ever runs on two CPUs at once (the handler detects overlaps). A
 * lost event shows as a sender waiting in vain (counted, then the sender
 * goes on) and, at the end, as handled < sent. A doubled one shows as
 * handled > sent or as an overlap.
 *
 * Parameters: tag= suite name suffix; seconds= storm length; channels=;
 * ipis= run the IPI storm; local_ipis= each IPI sender on its target CPU;
 * hotplug= take CPU 1 down and up meanwhile;
 * moves= move IRQs at all (under INTx every move is refused, so there the
 * storm only checks exact counts under load);
 * expect= "exact" (the real flow) or "loss" (a negative control: xevtchn
 * was loaded with test_flow=level or fasteoi, and the test passes only if
 * it sees events lost); events= (make soak) runs until every flow in the
 * run has handled that many events, seconds= then being only the limit.
 */

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <xen/interface/xen.h>

#include <xevtchn/events.h>
#include "ktap.h"

static char *tag = "edge";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix");
static unsigned int seconds = 10;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long the storm lasts");
static unsigned int channels = 4;
module_param(channels, uint, 0444);
MODULE_PARM_DESC(channels, "loopback channels (1..16)");
static bool ipis = true;
module_param(ipis, bool, 0444);
MODULE_PARM_DESC(ipis, "run the IPI storm too");
static bool hotplug;
module_param(hotplug, bool, 0444);
MODULE_PARM_DESC(hotplug, "take CPU 1 offline and online during the storm");
static char *expect = "exact";
module_param(expect, charp, 0444);
MODULE_PARM_DESC(expect, "exact, or loss for a negative control");
static bool moves = true;
module_param(moves, bool, 0444);
MODULE_PARM_DESC(moves, "move IRQs during the storm (off under the INTx upcall, where no move can succeed)");
static bool local_ipis;
module_param(local_ipis, bool, 0444);
MODULE_PARM_DESC(local_ipis, "each IPI sender runs on the CPU it sends to (no vCPU switch per IPI)");
static unsigned long events;
module_param(events, ulong, 0444);
MODULE_PARM_DESC(events, "run until each flow has handled this many events (seconds= is then the limit)");

#define MAX_CHANNELS	16
#define STORM_IPI	2
/* Long enough for any real delivery on the emulated host. */
#define TOKEN_WAIT	(2 * HZ)

/**
 * struct stream - one source of events and its books
 * @irq: the Linux IRQ of the receiving port
 * @port: the port events are sent on (loopback) or 0 (IPI)
 * @cpu: the IPI's CPU, or the channel sender's home CPU
 * @sent: events sent (by the sender thread only)
 * @waits_in_vain: tokens that never came back
 * @handled: handler runs
 * @running: handlers running now
 * @overlaps: handler runs that found another one running
 * @wrong_cpu: IPI handler runs on another CPU
 * @wq: the sender waits here for the token
 */
struct stream {
	int irq;
	evtchn_port_t port;
	unsigned int cpu;
	unsigned long sent, waits_in_vain;
	atomic_t handled, running, overlaps, wrong_cpu;
	wait_queue_head_t wq;
};

static struct stream chan[MAX_CHANNELS];
static evtchn_port_t chan_rx[MAX_CHANNELS];
static struct stream ipi[NR_CPUS];
static bool pin_senders;
static atomic_long_t moved, refused_moves, hotplug_cycles;

static irqreturn_t storm_interrupt(int irq, void *data)
{
	struct stream *st = data;
	int n;

	if (atomic_inc_return(&st->running) > 1)
		atomic_inc(&st->overlaps);
	if (st->port == 0 && smp_processor_id() != st->cpu)
		atomic_inc(&st->wrong_cpu);
	n = atomic_inc_return(&st->handled);
	wake_up(&st->wq);		/* the token: send the next one now */
	if (st->port && pin_senders && smp_processor_id() != st->cpu &&
	    !irq_set_affinity(irq, cpumask_of(st->cpu)))
		atomic_long_inc(&moved);
	udelay(10 + n % 40);		/* while this handler still runs */
	atomic_dec(&st->running);
	return IRQ_HANDLED;
}

/* Send, then wait until the handler has started on it. */
static void send_one(struct stream *st)
{
	int ret;

	st->sent++;
	ret = st->port ? xevtchn_notify_remote_via_evtchn(st->port) :
			 xevtchn_send_ipi(st->cpu, STORM_IPI);
	if (ret) {
		st->sent--;
		msleep(20);
		return;
	}
	if (!wait_event_timeout(st->wq, atomic_read(&st->handled) +
				st->waits_in_vain >= st->sent, TOKEN_WAIT))
		st->waits_in_vain++;
}

static int channel_sender(void *data)
{
	while (!kthread_should_stop())
		send_one(data);
	return 0;
}

/* One per CPU: the IPIs to one CPU wait for their token, not for another's. */
static int ipi_sender(void *data)
{
	struct stream *st = data;

	while (!kthread_should_stop()) {
		if (cpu_online(st->cpu))
			send_one(st);
		else
			msleep(20);
	}
	return 0;
}

static int mover(void *unused)
{
	unsigned int i, cpu = 0;

	while (!kthread_should_stop()) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		for (i = 0; i < channels; i++) {
			struct irq_data *d = irq_get_irq_data(chan[i].irq);
			bool moving = !cpumask_test_cpu(cpu,
					irq_data_get_effective_affinity_mask(d));

			if (irq_set_affinity(chan[i].irq, cpumask_of(cpu)))
				atomic_long_inc(&refused_moves);
			else if (moving)
				atomic_long_inc(&moved);
		}
		cond_resched();
	}
	return 0;
}

static int hotplugger(void *unused)
{
	while (!kthread_should_stop()) {
		if (remove_cpu(1) == 0) {
			msleep(100);
			add_cpu(1);
			atomic_long_inc(&hotplug_cycles);
		}
		msleep(100);
	}
	return 0;
}

static void init_stream(struct stream *st)
{
	memset(st, 0, sizeof(*st));
	init_waitqueue_head(&st->wq);
}

static int bind_channels(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < channels; i++) {
		init_stream(&chan[i]);
		ret = xevtchn_alloc_loopback(&chan_rx[i], &chan[i].port);
		if (ret)
			return ret;
		/* Xen left the sending side pending when it connected it. */
		chan[i].irq = xevtchn_bind_evtchn_to_irqhandler(chan_rx[i],
								storm_interrupt,
								0, "xevtchn-storm",
								&chan[i]);
		if (chan[i].irq < 0)
			return chan[i].irq;
	}
	return 0;
}

static void bind_ipis(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		init_stream(&ipi[cpu]);
		ipi[cpu].cpu = cpu;
		ipi[cpu].irq = xevtchn_bind_ipi_to_irqhandler(STORM_IPI, cpu,
							      storm_interrupt, 0,
							      "xevtchn-storm-ipi",
							      &ipi[cpu]);
	}
}

static void unbind_all(void)
{
	unsigned int i, cpu;

	for (i = 0; i < channels; i++) {
		if (chan[i].irq > 0)
			xevtchn_unbind_from_irqhandler(chan[i].irq, &chan[i]);
		else if (chan_rx[i])
			xevtchn_close_port(chan_rx[i]);
		if (chan[i].port)
			xevtchn_close_port(chan[i].port);
	}
	for_each_possible_cpu(cpu)
		if (ipi[cpu].irq > 0)
			xevtchn_unbind_from_irqhandler(ipi[cpu].irq, &ipi[cpu]);
}

/* Events handled so far by the channels (@dynamic) or by the IPIs. */
static unsigned long handled_so_far(bool dynamic)
{
	unsigned long n = 0;
	unsigned int i, cpu;

	if (dynamic) {
		for (i = 0; i < channels; i++)
			n += atomic_read(&chan[i].handled);
	} else if (ipis) {
		for_each_possible_cpu(cpu)
			if (ipi[cpu].irq > 0)
				n += atomic_read(&ipi[cpu].handled);
	}
	return n;
}

static bool target_reached(void)
{
	return events && handled_so_far(true) >= events &&
	       (!ipis || handled_so_far(false) >= events);
}

/*
 * Let the storm blow: seconds= long, or under events= until every flow has
 * handled that many events, seconds= being the limit. A second at a time:
 * a soak lasts longer than the hung-task detector lets a task sleep, and a
 * line a minute shows that it is alive. Returns the seconds it ran.
 */
static unsigned int blow(void)
{
	unsigned int elapsed;

	for (elapsed = 0; elapsed < seconds && !target_reached(); elapsed++) {
		msleep(1000);
		if (events && elapsed % 60 == 59)
			ktap_diag("storm %s: %u s: %lu dynamic, %lu IPI events handled",
				  tag, elapsed + 1, handled_so_far(true),
				  handled_so_far(false));
	}
	return elapsed;
}

struct totals {
	unsigned long sent, handled, overlaps, wrong_cpu, waits_in_vain;
};

static void add_up(struct totals *t, struct stream *st)
{
	t->sent += st->sent;
	t->handled += atomic_read(&st->handled);
	t->overlaps += atomic_read(&st->overlaps);
	t->wrong_cpu += atomic_read(&st->wrong_cpu);
	t->waits_in_vain += st->waits_in_vain;
}

static long lost(const struct totals *t)
{
	return t->handled < t->sent ? t->sent - t->handled : 0;
}

static long doubled(const struct totals *t)
{
	return (t->handled > t->sent ? t->handled - t->sent : 0) + t->overlaps;
}

static void report(struct totals *dyn, struct totals *per_cpu,
		   unsigned int ran)
{
	bool want_loss = !strcmp(expect, "loss");
	struct ktap_suite s;
	char name[48];

	snprintf(name, sizeof(name), "storm_%s", tag);
	ktap_start(&s, name, want_loss ? 1 : events ? 5 : 4);
	ktap_diag("storm %s: dynamic: %lu events, %ld moves (%ld refused), %ld lost, %ld doubled",
		  tag, dyn->sent, atomic_long_read(&moved),
		  atomic_long_read(&refused_moves), lost(dyn), doubled(dyn));
	ktap_diag("storm %s: %lu overlaps, %lu waits in vain, %ld CPU 1 off/on cycles, %u s",
		  tag, dyn->overlaps, dyn->waits_in_vain,
		  atomic_long_read(&hotplug_cycles), ran);
	if (ipis) {
		ktap_diag("storm %s: per-CPU IPIs: %lu events, %ld lost, %ld doubled",
			  tag, per_cpu->sent, lost(per_cpu), doubled(per_cpu));
		ktap_diag("storm %s: per-CPU IPIs: %lu on a wrong CPU", tag,
			  per_cpu->wrong_cpu);
	}
	if (want_loss) {
		/* A negative control: this flow must be caught losing events. */
		ktap_xfail(&s, lost(dyn) > 0, "dynamic_sent_equals_handled",
			   "%ld of %lu events lost in %ld moves", lost(dyn),
			   dyn->sent, atomic_long_read(&moved));
		return;
	}
	ktap_result(&s, dyn->sent > 0 && !lost(dyn) && !doubled(dyn),
		    "dynamic_sent_equals_handled",
		    "%lu sent, %lu handled, %lu overlaps", dyn->sent,
		    dyn->handled, dyn->overlaps);
	ktap_result(&s, !dyn->waits_in_vain, "dynamic_no_token_lost",
		    "%lu tokens never came back", dyn->waits_in_vain);
	if (ipis)
		ktap_result(&s, per_cpu->sent > 0 && !lost(per_cpu) &&
			    !doubled(per_cpu) && !per_cpu->wrong_cpu,
			    "ipi_sent_equals_handled",
			    "%lu sent, %lu handled, %lu overlaps, %lu on a wrong CPU",
			    per_cpu->sent, per_cpu->handled, per_cpu->overlaps,
			    per_cpu->wrong_cpu);
	else
		ktap_skip(&s, "ipi_sent_equals_handled", "no IPI storm in this run");
	if (moves)
		ktap_result(&s, atomic_long_read(&moved) > 0, "ports_moved",
			    "%ld moves, %ld refused", atomic_long_read(&moved),
			    atomic_long_read(&refused_moves));
	else
		ktap_skip(&s, "ports_moved", "no moves in this run");
	if (events)
		ktap_result(&s, dyn->handled >= events &&
			    (!ipis || per_cpu->handled >= events),
			    "handled_the_events_asked_for",
			    "%lu dynamic, %lu IPI events of %lu each in %u s",
			    dyn->handled, per_cpu->handled, events, ran);
}

static int __init storm_init(void)
{
	struct task_struct **threads;
	struct totals dyn = {}, per_cpu = {};
	unsigned int i, n = 0, cpu, ran;
	int ret;

	channels = clamp(channels, 1U, (unsigned int)MAX_CHANNELS);
	threads = kcalloc(channels + nr_cpu_ids + 2, sizeof(*threads),
			  GFP_KERNEL);
	if (!threads)
		return -ENOMEM;
	ret = bind_channels();
	if (ret) {
		pr_info("# storm %s: binding failed (%d)\n", tag, ret);
		unbind_all();
		kfree(threads);
		return ret;
	}
	if (ipis)
		bind_ipis();
	msleep(100);	/* let the events Xen raised on connection pass */
	for (i = 0; i < channels; i++)
		atomic_set(&chan[i].handled, 0);

	/* Pinned senders can be the target of a move; not while CPUs go. */
	pin_senders = moves && !hotplug && num_online_cpus() > 1;
	for (i = 0; i < channels; i++) {
		chan[i].cpu = pin_senders ? i % num_online_cpus() : 0;
		threads[n] = kthread_create(channel_sender, &chan[i],
					    "storm-send/%u", i);
		if (!IS_ERR(threads[n])) {
			if (pin_senders)
				kthread_bind(threads[n], chan[i].cpu);
			wake_up_process(threads[n]);
		}
		n++;
	}
	if (ipis)
		for_each_online_cpu(cpu) {
			if (ipi[cpu].irq <= 0)
				continue;
			threads[n] = kthread_create(ipi_sender, &ipi[cpu],
						    "storm-ipi/%u", cpu);
			if (!IS_ERR(threads[n])) {
				if (local_ipis)
					kthread_bind(threads[n], cpu);
				wake_up_process(threads[n]);
			}
			n++;
		}
	if (moves)
		threads[n++] = kthread_run(mover, NULL, "storm-move");
	if (hotplug)
		threads[n++] = kthread_run(hotplugger, NULL, "storm-hotplug");

	ran = blow();
	while (n--)
		if (!IS_ERR(threads[n]))
			kthread_stop(threads[n]);
	msleep(500);	/* late deliveries still count as handled */

	for (i = 0; i < channels; i++)
		add_up(&dyn, &chan[i]);
	for_each_possible_cpu(cpu)
		if (ipis && ipi[cpu].irq > 0)
			add_up(&per_cpu, &ipi[cpu]);
	report(&dyn, &per_cpu, ran);
	unbind_all();
	kfree(threads);
	return 0;
}

static void __exit storm_exit(void)
{
}

module_init(storm_init);
module_exit(storm_exit);

MODULE_DESCRIPTION("xevtchn test: no lost and no doubled events while IRQs move");
MODULE_LICENSE("GPL");
