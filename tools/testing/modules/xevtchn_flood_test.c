// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_flood_test: a peer floods ports bound in the guest; the guest
 * must stay responsive (issue 16; Documentation/testing.md, "The flood
 * test").
 *
 * dom0's xth-flood opened the ports (ports=, dom0's numbers) and notifies
 * them round-robin, as fast as dom0's vCPU can, for seconds= seconds.
 * This module binds them, mode=plain with the plain binding
 * (xen-dyn-edge: every event runs the handler), or mode=lateeoi with the
 * lateeoi binding and a handler that reports every event as spurious
 * (XEVTCHN_EOI_FLAG_SPURIOUS: the EOI backs off), all on CPU 0, vCPU 0's
 * CPU, where their upcall lands. On CPU 0 it also runs:
 *
 * - the workload: a thread bound to CPU 0 counting iterations of fixed
 *   work (a fixed number of multiply-adds, then cond_resched()); its rate
 *   before the flood (baseline=, seconds) and during it are compared;
 * - the receiving end of a loopback, bound like the flood ports (mode=
 *   lateeoi: with late EOI, each event EOI'd as not spurious), whose
 *   sender thread on CPU 1 numbers its events: it writes the next number,
 *   notifies, waits (sleeping, up to 5 s) until a handler has read it
 *   and woken it, then sleeps 1 to 2 ms; it does not wait for the flood.
 *   Every number must be read by exactly one handler run (flood_seq.h).
 *   It runs from before the baseline to the flood's end, so that the
 *   baseline carries the same load as the flood but for the flood.
 *
 * The shell (flood_run in payloads/check/common.sh) insmods this in the
 * background and follows the parameter "stage", asking dom0 for each step
 * (dom0.sh's flood-* requests):
 *
 *   stage 1  the baseline is measured: the shell has dom0 start the flood
 *            (flood-start); the module waits for the first flood event
 *   stage 2  the measured window is over, the flood still runs: the shell
 *            reads debugfs, waits for the flood's end (flood-stop), writes
 *            dom0's counts into dom0_notifies=, dom0_ms=, dom0_errors= and
 *            go=1; the module stops the sender and waits until no flood
 *            port has had an event for 1.5 s (a delayed EOI is at most 1 s)
 *   stage 3  each port's count is noted: the shell has dom0 send one more
 *            event on each port (flood-final) and writes go=2; each port
 *            must take exactly that one within 5 s
 *
 * The measured window starts 1 s after the first flood event and lasts
 * seconds= - 4 seconds, so that it lies inside the flood. Then KTAP, and
 * every port is unbound before the module's init returns.
 *
 * Written against mainline's names, and built three times: this test
 * build's module for make check, and make bench's pair against xevtchn and
 * against the kernel's own layer (flood_layer.h).
 */

#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "flood_layer.h"
#include "flood_seq.h"
#include "ktap.h"

static char *mode = "plain";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "plain (bind_interdomain_evtchn_to_irqhandler) or lateeoi (its _lateeoi variant, every flood event spurious)");
static char *tag = "plain";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix");
static char *ports = "";
module_param(ports, charp, 0444);
MODULE_PARM_DESC(ports, "dom0's ports to bind, comma-separated (flood-open's answer)");
static unsigned int remote_domid;
module_param(remote_domid, uint, 0444);
MODULE_PARM_DESC(remote_domid, "the flooding domain (dom0)");
static unsigned int seconds = 30;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long dom0 floods (at least 6); the window measured is 4 s shorter");
static unsigned int baseline = 5;
module_param(baseline, uint, 0444);
MODULE_PARM_DESC(baseline, "seconds of workload measured before the flood");
static unsigned int stage;
module_param(stage, uint, 0444);
MODULE_PARM_DESC(stage, "1: baseline done, waiting for the flood; 2: window measured; 3: counts noted, waiting for the final events; 4: done");
static unsigned int go;
module_param(go, uint, 0644);
MODULE_PARM_DESC(go, "1: the flood is over (dom0_* written); 2: the final events are sent");
static unsigned long dom0_notifies;
module_param(dom0_notifies, ulong, 0644);
MODULE_PARM_DESC(dom0_notifies, "notifies dom0 sent in its flood (flood-stop's answer)");
static unsigned long dom0_ms;
module_param(dom0_ms, ulong, 0644);
MODULE_PARM_DESC(dom0_ms, "how long dom0's flood took, in ms");
static unsigned long dom0_errors = ULONG_MAX;
module_param(dom0_errors, ulong, 0644);
MODULE_PARM_DESC(dom0_errors, "notifies Xen refused dom0 in its flood");

#define MAX_PORTS	16
/* Multiply-adds per iteration of the workload. */
#define WORK_STEPS	1000
/* The waits for the flood, for dom0 (through the shell), for quiet. */
#define FLOOD_WAIT_S	120
#define GO_WAIT_S	300
#define QUIET_MS	1500
#define QUIET_WAIT_S	15
/* How long a port may take with its final event. */
#define FINAL_WAIT	(5 * HZ)
/* The backoff must have got this far: its ceiling is a second. */
#define BACKOFF_MIN_MS	500

/**
 * struct flood_port - one port dom0 floods
 * @remote: dom0's port
 * @irq: its Linux IRQ here, or 0
 * @handled: handler runs
 * @last_ns: when the handler last ran (handler only)
 * @max_gap_ns: the longest time between two handler runs inside the
 *	window (handler only)
 * @window: handler runs when the window began and ended
 * @noted: handler runs when the flood was over (stage 3)
 */
struct flood_port {
	evtchn_port_t remote;
	int irq;
	atomic_long_t handled;
	u64 last_ns;
	u64 max_gap_ns;
	long window[2];
	long noted;
};

static struct flood_port fp[MAX_PORTS];
static unsigned int nports;
static bool lateeoi;
static unsigned int flood_cpu, sender_cpu;
/* The window in which gaps count, ktime_get_ns(); none until it is set. */
static u64 gap_from = U64_MAX, gap_until;

static unsigned long work_done;
static u64 work_sink;

static irqreturn_t flood_interrupt(int irq, void *data)
{
	struct flood_port *p = data;
	u64 now = ktime_get_ns(), last = p->last_ns;

	if (last >= READ_ONCE(gap_from) && now <= READ_ONCE(gap_until) &&
	    now - last > p->max_gap_ns)
		WRITE_ONCE(p->max_gap_ns, now - last);
	p->last_ns = now;
	atomic_long_inc(&p->handled);
	if (lateeoi)
		xen_irq_lateeoi(irq, XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

static int workload(void *unused)
{
	u64 x = 1;
	unsigned int i;

	while (!kthread_should_stop()) {
		for (i = 0; i < WORK_STEPS; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			OPTIMIZER_HIDE_VAR(x);
		}
		WRITE_ONCE(work_done, work_done + 1);
		cond_resched();
	}
	WRITE_ONCE(work_sink, x);
	return 0;
}

static unsigned long flood_handled(void)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < nports; i++)
		n += atomic_long_read(&fp[i].handled);
	return n;
}

/**
 * struct sample - the counters at one moment
 * @ns: ktime_get_ns()
 * @work: workload iterations
 * @handled: flood handler runs
 * @seq: loopback numbers handled
 * @upcalls: upcalls of the flood CPU
 * @rests: its passes that ran out of budget
 */
struct sample {
	u64 ns;
	unsigned long work, handled, seq, upcalls, rests;
};

static void take(struct sample *s)
{
	s->ns = ktime_get_ns();
	s->work = READ_ONCE(work_done);
	s->handled = flood_handled();
	s->seq = READ_ONCE(lb.handled);
#ifdef FLOOD_TESTING
	xevtchn_testing_upcall_stats(flood_cpu, &s->upcalls, &s->rests);
#endif
}

/* Per second, between @a and @b, of a count that went from @x to @y. */
static unsigned long rate(const struct sample *a, const struct sample *b,
			  unsigned long x, unsigned long y)
{
	u64 ns = b->ns - a->ns;

	return ns ? div64_u64((u64)(y - x) * NSEC_PER_SEC, ns) : 0;
}

static int parse_ports(void)
{
	char *list, *cur, *tok;
	unsigned int port;
	int ret = 0;

	list = kstrdup(ports, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((tok = strsep(&cur, ",")) && !ret) {
		if (!*tok)
			continue;
		if (nports == MAX_PORTS || kstrtouint(tok, 0, &port) || !port)
			ret = -EINVAL;
		else
			fp[nports++].remote = port;
	}
	kfree(list);
	return ret ?: nports ? 0 : -EINVAL;
}

static bool on_flood_cpu(int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	irq_set_affinity(irq, cpumask_of(flood_cpu));	/* refused under INTx */
	return d && cpumask_equal(irq_data_get_effective_affinity_mask(d),
				  cpumask_of(flood_cpu));
}

/* Bind the flood ports and the loopback on the flood CPU. */
static int bind_all(unsigned int *elsewhere)
{
	unsigned int i;
	int irq, ret;

	for (i = 0; i < nports; i++) {
		irq = bind_remote(remote_domid, fp[i].remote, lateeoi,
				  flood_interrupt, "xevtchn-flood", &fp[i]);
		if (irq < 0) {
			pr_info("# flood %s: binding dom0's port %u failed (%d)\n",
				tag, fp[i].remote, irq);
			return irq;
		}
		fp[i].irq = irq;
		*elsewhere += !on_flood_cpu(irq);
	}
	ret = open_loopback(&lb.rx, &lb.tx);
	if (ret) {
		pr_info("# flood %s: no loopback (%d)\n", tag, ret);
		return ret;
	}
	lb.lateeoi = lateeoi;
	irq = lateeoi ?
		bind_evtchn_to_irqhandler_lateeoi(lb.rx, seq_interrupt, 0,
						  "xevtchn-flood-seq", NULL) :
		bind_evtchn_to_irqhandler(lb.rx, seq_interrupt, 0,
					  "xevtchn-flood-seq", NULL);
	if (irq < 0) {
		pr_info("# flood %s: binding the loopback failed (%d)\n", tag, irq);
		return irq;
	}
	lb.irq = irq;
	*elsewhere += !on_flood_cpu(irq);
	return 0;
}

static void unbind_all(void)
{
	unsigned int i;

	for (i = 0; i < nports; i++)
		if (fp[i].irq > 0)
			unbind_from_irqhandler(fp[i].irq, &fp[i]);
	if (lb.irq > 0)
		unbind_from_irqhandler(lb.irq, NULL);
	else if (lb.rx)
		close_port(lb.rx);
	if (lb.tx)
		close_port(lb.tx);
}

/* Wait until go= reaches @want; false after @secs seconds. */
static bool wait_go(unsigned int want, unsigned int secs)
{
	unsigned long end = jiffies + secs * HZ;

	while (READ_ONCE(go) < want) {
		if (time_after(jiffies, end))
			return false;
		msleep(100);
	}
	return true;
}

/* Wait for the first flood event; false after FLOOD_WAIT_S. */
static bool wait_flood(void)
{
	unsigned long end = jiffies + FLOOD_WAIT_S * HZ;

	while (!flood_handled()) {
		if (time_after(jiffies, end))
			return false;
		msleep(20);
	}
	return true;
}

/*
 * Wait until no flood port has had an event for QUIET_MS: the flood's
 * last events are in, a delayed EOI included. False after QUIET_WAIT_S.
 */
static bool wait_quiet(void)
{
	unsigned long end = jiffies + QUIET_WAIT_S * HZ;
	unsigned long n = flood_handled(), m;
	unsigned int quiet = 0;

	while (quiet < QUIET_MS) {
		if (time_after(jiffies, end))
			return false;
		msleep(100);
		m = flood_handled();
		quiet = m == n ? quiet + 100 : 0;
		n = m;
	}
	return true;
}

/* Flood ports that have not had one more event than noted at stage 3. */
static unsigned int finals_missing(void)
{
	unsigned int i, missing = 0;

	for (i = 0; i < nports; i++)
		missing += atomic_long_read(&fp[i].handled) == fp[i].noted;
	return missing;
}

/* Sleep @ms, a second at a time (the hung-task detector watches). */
static void sleep_ms(u64 ms)
{
	while (ms) {
		unsigned int now = min_t(u64, ms, 1000);

		msleep(now);
		ms -= now;
	}
}

/**
 * struct outcome - what the run saw, for the report
 * @bound: the ports and the loopback are bound
 * @elsewhere: of them, not on the flood CPU
 * @flood_came: the first flood event came
 * @quiet: the flood ports fell quiet after the flood
 * @base: the baseline's start and end
 * @win: the window's start and end
 * @pending_at_note: flood ports pending when their counts were noted
 * @final_ms: how long the last final event took, in ms
 * @final_missing: ports whose final event never came
 * @final_extra: ports that had more than one event after the note
 */
struct outcome {
	bool bound, flood_came, quiet;
	unsigned int elsewhere;
	struct sample base[2], win[2];
	unsigned int pending_at_note;
	unsigned long final_ms;
	unsigned int final_missing, final_extra;
};

/* The cases, in the order report() prints them. */
static const char * const case_names[] = {
	"bound_on_flood_cpu",
	"flood_reached_every_port",
	"workload_keeps_a_third",
	"loopback_sent_equals_handled",
	"loopback_none_lost",
	"loopback_none_doubled",
	"flood_handled_at_most_sent",
	"final_event_on_every_port",
	"lateeoi_backoff_reached",
};

static void report(struct outcome *o)
{
	unsigned long base_rate, flood_rate, handled_rate, total, dom0_rate = 0;
	unsigned int i, silent = 0, permille;
	u64 max_gap = 0, min_gap = U64_MAX, window_ms;
	unsigned long seq_lost;
	struct ktap_suite s;
	char name[64];

	snprintf(name, sizeof(name), "flood_%s", tag);
	ktap_start(&s, name, ARRAY_SIZE(case_names));
	if (!o->bound) {
		ktap_result(&s, false, case_names[0],
			    "binding failed (ports=%s)", ports);
		for (i = 1; i < ARRAY_SIZE(case_names); i++)
			ktap_result(&s, false, case_names[i],
				    "not run: nothing was bound");
		return;
	}

	base_rate = rate(&o->base[0], &o->base[1], o->base[0].work,
			 o->base[1].work);
	flood_rate = rate(&o->win[0], &o->win[1], o->win[0].work,
			  o->win[1].work);
	handled_rate = rate(&o->win[0], &o->win[1], o->win[0].handled,
			    o->win[1].handled);
	permille = base_rate ? div64_u64((u64)flood_rate * 1000, base_rate) : 0;
	window_ms = div64_u64(o->win[1].ns - o->win[0].ns, NSEC_PER_MSEC);
	if (dom0_ms)
		dom0_rate = div64_u64((u64)dom0_notifies * 1000, dom0_ms);
	total = flood_handled();
	for (i = 0; i < nports; i++) {
		u64 gap = READ_ONCE(fp[i].max_gap_ns);

		silent += fp[i].window[1] == fp[i].window[0];
		max_gap = max(max_gap, gap);
		min_gap = min(min_gap, gap);
	}
	seq_lost = lb.sent > lb.handled ? lb.sent - lb.handled : 0;

	/* The figures first: KTAP's diagnostics come before the last case. */
	ktap_diag("flood %s: dom0: %lu notifies in %lu ms on %u ports: %lu/s, %lu refused",
		  tag, dom0_notifies, dom0_ms, nports, dom0_rate, dom0_errors);
	ktap_diag("flood %s: handled %lu/s in the %llu ms window, %lu in all",
		  tag, handled_rate, window_ms, total);
	ktap_diag("flood %s: workload on CPU %u: %lu/s unflooded, %lu/s flooded: %u.%u %%",
		  tag, flood_cpu, base_rate, flood_rate, permille / 10,
		  permille % 10);
#ifdef FLOOD_TESTING
	ktap_diag("flood %s: upcalls/s on CPU %u: %lu unflooded, %lu flooded; rests/s %lu",
		  tag, flood_cpu,
		  rate(&o->base[0], &o->base[1], o->base[0].upcalls,
		       o->base[1].upcalls),
		  rate(&o->win[0], &o->win[1], o->win[0].upcalls,
		       o->win[1].upcalls),
		  rate(&o->win[0], &o->win[1], o->win[0].rests,
		       o->win[1].rests));
#endif
	ktap_diag("flood %s: backoff seen: longest gap %llu ms, a port's longest at least %llu ms",
		  tag, div64_u64(max_gap, NSEC_PER_MSEC),
		  div64_u64(min_gap, NSEC_PER_MSEC));
	ktap_diag("flood %s: loopback from CPU %u: %lu sent, %lu handled, %lu in the window",
		  tag, sender_cpu, lb.sent, lb.handled,
		  o->win[1].seq - o->win[0].seq);
#ifdef FLOOD_TESTING
	ktap_diag("flood %s: after the flood: %s, %u ports pending; final events in %lu ms",
		  tag, o->quiet ? "quiet" : "still busy", o->pending_at_note,
		  o->final_ms);
#else
	ktap_diag("flood %s: after the flood: %s; final events in %lu ms",
		  tag, o->quiet ? "quiet" : "still busy", o->final_ms);
	/* make bench's figures (tools/testing/bench/bench.py). */
	pr_info("# bench flood_%s kept_permille=%u work_unflooded_per_s=%lu work_flooded_per_s=%lu handled_per_s=%lu dom0_per_s=%lu longest_gap_ms=%llu port_gap_ms=%llu lost=%lu doubled=%lu end\n",
		mode, permille, base_rate, flood_rate,
		handled_rate, dom0_rate, div64_u64(max_gap, NSEC_PER_MSEC),
		div64_u64(min_gap, NSEC_PER_MSEC), seq_lost + lb.skipped,
		lb.repeated);
#endif

	ktap_result(&s, !o->elsewhere, "bound_on_flood_cpu",
		    "%u of %u IRQs not on CPU %u", o->elsewhere, nports + 1,
		    flood_cpu);
	if (o->flood_came)
		ktap_result(&s, !silent, "flood_reached_every_port",
			    "%u of %u ports had no event in the window", silent,
			    nports);
	else
		ktap_result(&s, false, "flood_reached_every_port",
			    "no flood event within %u s of the baseline's end",
			    FLOOD_WAIT_S);
	/*
	 * A third, not the half it was: the bound leaves a flooded vCPU at
	 * least 4 ms of every 6 ms without passes, but not the cost of each
	 * upcall outside its pass (the entry, the emulated EOI), which on the
	 * emulated host is about a pass's own; plain floods kept 49 to 109 %
	 * (Documentation/testing.md). xevtchn_budget_test judges the bound
	 * itself, against its negative control.
	 * A share of time is judged on production kernels only: under KASAN
	 * and lockdep one interrupt costs the emulated guest about a tick
	 * (make check-debug's kernel, build-debug-kernel.sh), and the bench
	 * measures the share rather than judging it.
	 */
	if (flood_judges_timing && !IS_ENABLED(CONFIG_KASAN) &&
	    !IS_ENABLED(CONFIG_PROVE_LOCKING)) {
		ktap_result(&s, o->flood_came && base_rate &&
			    3 * (u64)flood_rate >= base_rate,
			    "workload_keeps_a_third",
			    "%lu/s during the flood, %lu/s without", flood_rate,
			    base_rate);
	} else {
		snprintf(name, sizeof(name), "measured, not judged here: %u.%u %%",
			 permille / 10, permille % 10);
		ktap_skip(&s, "workload_keeps_a_third", name);
	}
	ktap_result(&s, lb.sent && lb.sent == lb.handled && !lb.send_errors,
		    "loopback_sent_equals_handled",
		    "%lu sent, %lu handled, %lu send errors", lb.sent,
		    lb.handled, lb.send_errors);
	ktap_result(&s, !seq_lost && !lb.skipped && !lb.waits_in_vain,
		    "loopback_none_lost",
		    "%lu never handled, %lu skipped, %lu waits in vain",
		    seq_lost, lb.skipped, lb.waits_in_vain);
	ktap_result(&s, !lb.repeated && lb.handled <= lb.sent,
		    "loopback_none_doubled",
		    "%lu handler runs without a new number, %lu handled of %lu sent",
		    lb.repeated, lb.handled, lb.sent);
	ktap_result(&s, dom0_notifies && !dom0_errors &&
		    total <= dom0_notifies + nports,
		    "flood_handled_at_most_sent",
		    "%lu handled, dom0 sent %lu + %u final (%lu refused)",
		    total, dom0_notifies, nports, dom0_errors);
	ktap_result(&s, o->quiet && !o->final_missing && !o->final_extra,
		    "final_event_on_every_port",
		    "%s after the flood; %u of %u ports missed their final event, %u had more",
		    o->quiet ? "quiet" : "still busy", o->final_missing, nports,
		    o->final_extra);
	/* xevtchn's backoff is judged; the bench measures the kernel's. */
	if (lateeoi && flood_judges_timing) {
		ktap_result(&s, o->flood_came &&
			    min_gap >= BACKOFF_MIN_MS * NSEC_PER_MSEC,
			    "lateeoi_backoff_reached",
			    "a port's longest gap was only %llu ms (want %u)",
			    div64_u64(min_gap, NSEC_PER_MSEC), BACKOFF_MIN_MS);
	} else if (lateeoi) {
		snprintf(name, sizeof(name), "measured: a port's longest gap %llu ms",
			 div64_u64(min_gap, NSEC_PER_MSEC));
		ktap_skip(&s, "lateeoi_backoff_reached", name);
	} else {
		ktap_skip(&s, "lateeoi_backoff_reached", "mode=plain");
	}
}

static struct task_struct *flood_thread(int (*fn)(void *), unsigned int cpu,
					const char *name)
{
	struct task_struct *t = kthread_create(fn, NULL, "%s", name);

	if (IS_ERR(t))
		return NULL;
	kthread_bind(t, cpu);
	wake_up_process(t);
	return t;
}

/* The flood's steps, stage by stage (see the top of the file). */
static void run(struct outcome *o)
{
	struct task_struct *worker, *sender;
	unsigned long start;
	unsigned int i;
	u64 from;

	worker = flood_thread(workload, flood_cpu, "flood-work");
	sender = flood_thread(seq_sender, sender_cpu, "flood-seq");
	msleep(500);		/* both threads under way */
	take(&o->base[0]);
	sleep_ms(baseline * 1000ULL);
	take(&o->base[1]);

	WRITE_ONCE(stage, 1);
	o->flood_came = wait_flood();
	if (o->flood_came) {
		from = ktime_get_ns() + NSEC_PER_SEC;
		WRITE_ONCE(gap_until, from + (seconds - 4ULL) * NSEC_PER_SEC);
		WRITE_ONCE(gap_from, from);
		sleep_ms(1000);
		take(&o->win[0]);
		for (i = 0; i < nports; i++)
			fp[i].window[0] = atomic_long_read(&fp[i].handled);
		sleep_ms((seconds - 4ULL) * 1000);
		take(&o->win[1]);
		for (i = 0; i < nports; i++)
			fp[i].window[1] = atomic_long_read(&fp[i].handled);
	}
	if (worker)
		kthread_stop(worker);

	WRITE_ONCE(stage, 2);
	wait_go(1, GO_WAIT_S);
	if (sender)
		kthread_stop(sender);	/* its last number waits for its handler */
	o->quiet = wait_quiet();
	for (i = 0; i < nports; i++) {
		bool pending = false, masked __maybe_unused;

		fp[i].noted = atomic_long_read(&fp[i].handled);
#ifdef FLOOD_TESTING
		xevtchn_testing_port_state(xevtchn_evtchn_from_irq(fp[i].irq),
					   &pending, &masked);
#endif
		o->pending_at_note += pending;
	}

	WRITE_ONCE(stage, 3);
	wait_go(2, GO_WAIT_S);
	start = jiffies;
	while (finals_missing() && time_before(jiffies, start + FINAL_WAIT))
		msleep(20);
	o->final_ms = jiffies_to_msecs(jiffies - start);
	msleep(1000);		/* time for a second delivery to show */
	o->final_missing = finals_missing();
	for (i = 0; i < nports; i++)
		o->final_extra += atomic_long_read(&fp[i].handled) >
				  fp[i].noted + 1;
}

static int __init flood_init(void)
{
	struct outcome *o;
	unsigned int i;

	if (!strcmp(mode, "lateeoi"))
		lateeoi = true;
	else if (strcmp(mode, "plain"))
		return -EINVAL;
	seconds = max(seconds, 6U);
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	flood_cpu = cpumask_first(cpu_online_mask);
	sender_cpu = cpumask_next(flood_cpu, cpu_online_mask);
	if (sender_cpu >= nr_cpu_ids)
		sender_cpu = flood_cpu;

	if (!parse_ports() && !bind_all(&o->elsewhere)) {
		o->bound = true;
		msleep(100);	/* the events Xen raised on connection */
		for (i = 0; i < nports; i++)
			atomic_long_set(&fp[i].handled, 0);
		lb.seen = 0;
		lb.handled = 0;
		lb.skipped = 0;
		lb.repeated = 0;
		run(o);
	}
	WRITE_ONCE(stage, 4);
	report(o);
	unbind_all();
	kfree(o);
	return 0;
}

static void __exit flood_exit(void)
{
}

module_init(flood_init);
module_exit(flood_exit);

MODULE_DESCRIPTION("xevtchn test: a peer floods ports; the guest stays responsive");
MODULE_LICENSE("GPL");
