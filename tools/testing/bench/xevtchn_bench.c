// SPDX-License-Identifier: GPL-2.0
/*
 * The event channel benchmark, written once against mainline's API names
 * and built twice (Kbuild): xevtchn_bench_ours.ko against
 * <xevtchn/events.h>, for a guest booted with "nopv" and xevtchn loaded, and
 * xevtchn_bench_mainline.ko against the kernel's own <xen/events.h>, for a
 * guest whose kernel runs its built-in Xen support. Only the raw hypercall
 * and the IPI differ (mainline exports no IPI binding to modules; see
 * ipi_call()).
 *
 * Every result is a line "# bench <workload> <key>=<value>... end" for the
 * host-side report (bench.py), which drops a line a console message cut
 * short, and each workload is a KTAP case. Every figure is measured after
 * a warm-up of its own, and its line carries its normalisers, taken in the
 * same guest just before and just after it (norm_begin()). Timestamps come
 * from bench_now(); no wait reads a clock, each is bounded in jiffies.
 */

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/workqueue.h>
#include <asm/apic.h>
#include <asm/tsc.h>

#include "compat.h"

#ifdef BENCH_OURS
#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#define LAYER "xevtchn"
static int evtchn_op(int cmd, void *arg)
{
	return xevtchn_event_channel_op(cmd, arg);
}
#else
#include <xen/events.h>
#include <asm/xen/hypercall.h>
#define LAYER "mainline"
static int evtchn_op(int cmd, void *arg)
{
	return HYPERVISOR_event_channel_op(cmd, arg);
}
#endif
#include "../modules/ktap.h"

#define CHANNELS	64
#define MAX_SAMPLES	4096
/* Normaliser samples per figure, before and after it together. */
#define NORM_MAX	1024

static unsigned int samples = 2000;
module_param(samples, uint, 0444);
MODULE_PARM_DESC(samples, "events per workload (at most 4096)");
static unsigned int warmup = 200;
module_param(warmup, uint, 0444);
MODULE_PARM_DESC(warmup, "events sent before each workload's samples, not counted");
static unsigned int remote_port;
module_param(remote_port, uint, 0444);
MODULE_PARM_DESC(remote_port,
		 "dom0's echoing port (xth-evtchn-peer, answering warmup + samples events), or 0");
static unsigned int ports = 4096;
module_param(ports, uint, 0444);
MODULE_PARM_DESC(ports, "ports bound for the port-count workloads");
static unsigned int unbind_one = 100;
module_param(unbind_one, uint, 0444);
MODULE_PARM_DESC(unbind_one,
		 "ports unbound one at a time, each drained before the next");
static char *label = LAYER;
module_param(label, charp, 0444);
MODULE_PARM_DESC(label,
		 "the layer's name in the results, e.g. for a guest set up differently");
static char *only = "";
module_param(only, charp, 0444);
MODULE_PARM_DESC(only,
		 "run this workload alone, a figure of CPU 0's: latency_same_cpu, throughput_64_channels_busy, ...");
static char *clock_name = "auto";
module_param_named(clock, clock_name, charp, 0444);
MODULE_PARM_DESC(clock, "timestamps: auto, tsc or ktime (see bench_now())");

/*
 * Timestamps. A figure is the difference of two of them, so it holds the
 * cost of about one clock read, and a clock read may leave the guest:
 *
 * - the TSC (rdtsc_ordered()) is read natively unless Xen intercepts RDTSC,
 *   which it does in its default tsc_mode when the host's TSC is not
 *   reliable across its CPUs, as on an emulated host (make bench's guests
 *   ask for tsc_mode "native"). Xen's CPUID time leaf says which, and gives
 *   the TSC's frequency;
 * - the kernel's clocksource (ktime_get_mono_fast_ns()): in make bench's
 *   guests the ACPI PM timer (hpet=disable clocksource=acpi_pm), a port
 *   read that Xen answers itself.
 *
 * clock=auto takes the TSC where Xen lets RDTSC run natively and the TSCs
 * of CPUs 0 and 1 agree (tsc_agrees()), else the clocksource: an
 * intercepted RDTSC is an exit too, and one that Xen must decode without
 * the emulated CPU's next-RIP. Guests on the same Xen and the same guest
 * configuration choose alike; the clock_read line says what was used, what
 * one read of each costs and how far apart the two CPUs' TSCs can be.
 */
#define XEN_TSC_INTERCEPTED	BIT(0)	/* Xen emulates RDTSC (vtsc) */

static bool use_tsc;
static bool have_time_leaf;
static unsigned int xen_tsc_flags, xen_tsc_mode, xen_tsc_khz;

static u64 bench_now(void)
{
	return use_tsc ? rdtsc_ordered() : ktime_get_mono_fast_ns();
}

static u64 to_ns(u64 ticks)
{
	return use_tsc ? mul_u64_u32_div(ticks, 1000000, xen_tsc_khz) : ticks;
}

/* Xen's CPUID time leaf (base + 3, subleaf 0); it answers a nopv guest too. */
static void read_time_leaf(void)
{
	unsigned int base, eax, sig[3], incarnation;

	for (base = 0x40000000; base < 0x40010000; base += 0x100) {
		cpuid(base, &eax, &sig[0], &sig[1], &sig[2]);
		if (memcmp(sig, "XenVMMXenVMM", sizeof(sig)) || eax < base + 3)
			continue;
		cpuid_count(base + 3, 0, &xen_tsc_flags, &xen_tsc_mode,
			    &xen_tsc_khz, &incarnation);
		have_time_leaf = true;
		return;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The @pct-th percentile of @n sorted samples. */
static u64 pct(const u64 *v, unsigned int n, unsigned int p)
{
	return v[min(n - 1, n * p / 100)];
}

/* The median of @n samples (sorts them), in ns. */
static u64 median_ns(u64 *v, unsigned int n)
{
	if (!n)
		return 0;
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	return to_ns(pct(v, n, 50));
}

/* t1 - t0, or 0 should a clock read on another CPU be behind. */
static u64 elapsed(u64 t0, u64 t1)
{
	return t1 > t0 ? t1 - t0 : 0;
}

/* Start @fn in a thread bound to @cpu; NULL when it cannot. */
static struct task_struct *start_on(unsigned int cpu, int (*fn)(void *),
				    const char *name)
{
	struct task_struct *t;

	t = kthread_create(fn, NULL, "%s", name);
	if (IS_ERR(t))
		return NULL;
	kthread_bind(t, cpu);
	wake_up_process(t);
	return t;
}

static int keep_busy(void *unused)
{
	while (!kthread_should_stop())
		cond_resched();
	return 0;
}

/*
 * Keep @cpu out of idle with a thread that only yields: an event then
 * interrupts a running vCPU, and the figure leaves out what it costs the
 * guest to leave idle and restart its tick (in a "nopv" guest through the
 * local APIC timer, emulated; in the kernel's own Xen guest through Xen's
 * timer hypercall). NULL when it cannot.
 */
static struct task_struct *busy_start(unsigned int cpu)
{
	return start_on(cpu, keep_busy, "xevtchn-bench-busy");
}

static void busy_stop(struct task_struct *t)
{
	if (t)
		kthread_stop(t);
}

/*
 * Whether the TSCs of CPUs 0 and 1 agree, found by passing a stamp back
 * and forth through memory, TSC_ROUNDS times. CPU 1's TSC on receipt less
 * CPU 0's stamp is the offset of CPU 1's TSC plus the passing time; on the
 * way back it is minus the offset plus the passing time. The offset lies
 * within [-min_back, min_there], and a negative minimum shows the TSCs
 * apart by more than a passing: then they cannot time an event sent from
 * one CPU to the other.
 */
#define TSC_ROUNDS	1000

static struct {
	u64 stamp;
	int turn;		/* whose turn to read and stamp: CPU 0 or 1 */
	s64 min_there, min_back;
	bool measured;
} tsc_pass;

static bool wait_turn(int cpu)
{
	unsigned long deadline = jiffies + HZ;

	/* Pairs with pass_to(): the stamp is there once the turn is ours. */
	while (smp_load_acquire(&tsc_pass.turn) != cpu) {
		if (time_after(jiffies, deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static void pass_to(int cpu)
{
	WRITE_ONCE(tsc_pass.stamp, rdtsc_ordered());
	/* The stamp before the turn: pairs with wait_turn(). */
	smp_store_release(&tsc_pass.turn, cpu);
}

static s64 since_stamp(void)
{
	return (s64)(rdtsc_ordered() - READ_ONCE(tsc_pass.stamp));
}

static int tsc_pass_cpu1(void *unused)
{
	unsigned int i;

	for (i = 0; i < TSC_ROUNDS && wait_turn(1); i++) {
		tsc_pass.min_there = min(tsc_pass.min_there, since_stamp());
		pass_to(0);
	}
	while (!kthread_should_stop())
		cond_resched();
	return 0;
}

/* Run on CPU 0. */
static bool tsc_agrees(void)
{
	struct task_struct *t;
	unsigned int i;
	bool ok = true;

	tsc_pass.turn = 0;
	tsc_pass.min_there = S64_MAX;
	tsc_pass.min_back = S64_MAX;
	t = start_on(1, tsc_pass_cpu1, "xevtchn-bench-tsc");
	if (!t)
		return false;
	for (i = 0; i < TSC_ROUNDS && ok; i++) {
		pass_to(1);
		ok = wait_turn(0);
		if (ok)
			tsc_pass.min_back = min(tsc_pass.min_back,
						since_stamp());
	}
	kthread_stop(t);
	tsc_pass.measured = ok;
	return ok && tsc_pass.min_there >= 0 && tsc_pass.min_back >= 0;
}

/* TSC cycles in ns, either sign. */
static s64 cycles_ns(s64 c)
{
	u64 ns = mul_u64_u32_div(c < 0 ? -c : c, 1000000, xen_tsc_khz);

	return c < 0 ? -(s64)ns : (s64)ns;
}

/* Run on CPU 0 (work_on_cpu()). */
static long clock_setup(void *unused)
{
	bool tsc_known, tsc_synced = false;

	read_time_leaf();
	tsc_known = have_time_leaf && xen_tsc_khz;
	if (tsc_known)
		tsc_synced = tsc_agrees();
	if (!strcmp(clock_name, "auto")) {
		use_tsc = tsc_known && tsc_synced &&
			  !(xen_tsc_flags & XEN_TSC_INTERCEPTED);
	} else if (!strcmp(clock_name, "tsc")) {
		if (!tsc_known) {
			pr_err("xevtchn_bench: clock=tsc: Xen gives no TSC frequency\n");
			return -EINVAL;
		}
		use_tsc = true;
	} else if (strcmp(clock_name, "ktime")) {
		pr_err("xevtchn_bench: clock=%s: say auto, tsc or ktime\n",
		       clock_name);
		return -EINVAL;
	}
	return 0;
}

/**
 * struct chan - a loopback: events sent on @send_port arrive on @port
 * @port: the bound end
 * @send_port: the other end, not bound to an IRQ
 * @irq: @port's IRQ
 * @handled: handler runs
 * @entry: bench_now() at the latest handler entry
 */
struct chan {
	evtchn_port_t port, send_port;
	int irq;
	atomic_t handled;
	u64 entry;
};

static struct chan chans[CHANNELS];
/* Sent to with its IRQ disabled (the port masked): the floor. */
static struct chan floor_chan;
static u64 *lat;

static irqreturn_t chan_interrupt(int irq, void *data)
{
	struct chan *c = data;

	WRITE_ONCE(c->entry, bench_now());
	atomic_inc(&c->handled);
	return IRQ_HANDLED;
}

/* Open a loopback and bind its receiving end to an IRQ on @cpu. */
static int chan_open(struct chan *c, unsigned int cpu)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF, .remote_dom = DOMID_SELF,
	};
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	struct evtchn_close close = {};
	int ret;

	ret = evtchn_op(EVTCHNOP_alloc_unbound, &alloc);
	if (ret)
		return ret;
	bind.remote_port = alloc.port;
	ret = evtchn_op(EVTCHNOP_bind_interdomain, &bind);
	if (ret)
		goto close_port;
	c->port = alloc.port;
	c->send_port = bind.local_port;
	atomic_set(&c->handled, 0);
	c->irq = bind_evtchn_to_irqhandler(c->port, chan_interrupt, 0,
					   "xevtchn-bench", c);
	if (c->irq < 0) {
		ret = c->irq;
		close.port = c->send_port;
		evtchn_op(EVTCHNOP_close, &close);
		goto close_port;
	}
	ret = irq_set_affinity(c->irq, cpumask_of(cpu));
	if (ret)
		pr_info("# bench: IRQ %d cannot move to CPU %u (%d)\n", c->irq,
			cpu, ret);
	return 0;
close_port:
	close.port = alloc.port;
	evtchn_op(EVTCHNOP_close, &close);
	return ret;
}

static void chan_close(struct chan *c)
{
	struct evtchn_close close = { .port = c->send_port };

	unbind_from_irqhandler(c->irq, c);	/* closes c->port */
	evtchn_op(EVTCHNOP_close, &close);
}

static void chan_send(struct chan *c)
{
	notify_remote_via_evtchn(c->send_port);
}

/* Wait until @c has been handled @n times; false after a second. */
static bool wait_handled(struct chan *c, int n)
{
	unsigned long deadline = jiffies + HZ;

	while (atomic_read(&c->handled) < n) {
		if (time_after(jiffies, deadline))
			return false;
		cpu_relax();
	}
	return true;
}

/*
 * The normalisers of a figure: single EVTCHNOP_send hypercalls to a masked
 * port (the floor: what one exit to Xen and back costs this guest now) and
 * single local APIC EOIs (what every upcall pays at its end: an MSR write
 * in x2APIC mode, an MMIO write Xen decodes and emulates in xAPIC mode),
 * each timed alone with interrupts off, alternately, just before the
 * figure (norm_begin()) and just after it (norm_end()). The line carries
 * their medians, floor_ns and eoi_ns.
 */
static u64 norm_floor[NORM_MAX], norm_eoi[NORM_MAX];
static unsigned int norm_n;

static u64 time_floor(void)
{
	unsigned long flags;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = bench_now();
	chan_send(&floor_chan);
	t1 = bench_now();
	local_irq_restore(flags);
	return elapsed(t0, t1);
}

static u64 time_eoi(void)
{
	unsigned long flags;
	u64 t0, t1;

	local_irq_save(flags);
	t0 = bench_now();
	xevtchn_apic_eoi();
	t1 = bench_now();
	local_irq_restore(flags);
	return elapsed(t0, t1);
}

/*
 * samples / 20 of each, before and after: enough for a steady median, few
 * enough not to add many emulated EOIs, after each of which the emulated
 * CPU may lose a nopv guest (Documentation/testing.md).
 */
static void norm_take(void)
{
	unsigned int i, n = min(samples / 20, NORM_MAX / 2U);

	for (i = 0; i < 8; i++) {	/* warm-up */
		time_floor();
		time_eoi();
	}
	for (i = 0; i < n && norm_n < NORM_MAX; i++, norm_n++) {
		norm_floor[norm_n] = time_floor();
		norm_eoi[norm_n] = time_eoi();
	}
}

static void norm_begin(void)
{
	norm_n = 0;
	norm_take();
}

/* Take the samples after the figure; " floor_ns=F eoi_ns=E" into @buf. */
static const char *norm_end(char *buf, size_t len)
{
	unsigned int n;

	norm_take();
	n = norm_n;
	scnprintf(buf, len, " floor_ns=%llu eoi_ns=%llu",
		  median_ns(norm_floor, n), median_ns(norm_eoi, n));
	return buf;
}

#define NORM_LEN	64

/*
 * Sort @n samples (in bench_now() ticks) and print the percentiles with
 * the normalisers @norm, then p1..p100 for the plot.
 */
static void report_latency(const char *name, u64 *v, unsigned int n,
			   const char *norm)
{
	unsigned int i;

	sort(v, n, sizeof(*v), cmp_u64, NULL);
	pr_info("# bench %s samples=%u p50_ns=%llu p99_ns=%llu max_ns=%llu%s end\n",
		name, n, to_ns(pct(v, n, 50)), to_ns(pct(v, n, 99)),
		to_ns(v[n - 1]), norm);
	for (i = 1; i <= 100; i += 10) {
		unsigned int j, end = min(i + 10, 101U);
		char line[200];
		int len = 0;

		for (j = i; j < end; j++)
			len += scnprintf(line + len, sizeof(line) - len, " %llu",
					 to_ns(v[min(n - 1, j * n / 100)]));
		pr_info("# bench-cdf %s from=%u%s\n", name, i, line);
	}
}

/*
 * Send on @c and wait for its handler, @n times; the times from just
 * before EVTCHNOP_send to the handler's entry go to @out (when given).
 * Returns how many events were handled.
 */
static unsigned int sample_latency(struct chan *c, u64 *out, unsigned int n)
{
	unsigned int i;
	int before;
	u64 t0;

	for (i = 0; i < n; i++) {
		before = atomic_read(&c->handled);
		t0 = bench_now();
		chan_send(c);
		if (!wait_handled(c, before + 1))
			break;
		if (out)
			out[i] = elapsed(t0, READ_ONCE(c->entry));
	}
	return i;
}

/*
 * Latency from just before EVTCHNOP_send to the handler's entry, with the
 * handler on @cpu and the sender on CPU 0; with @busy, @cpu kept running.
 */
static int latency(struct ktap_suite *s, const char *name, unsigned int cpu,
		   bool busy)
{
	struct task_struct *spinner = NULL;
	struct chan *c = &chans[0];
	char norm[NORM_LEN];
	unsigned int got = 0;
	int ret;

	if (busy) {
		spinner = busy_start(cpu);
		if (!spinner) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = chan_open(c, cpu);
	if (ret)
		goto stop;
	if (sample_latency(c, NULL, warmup) == warmup) {
		norm_begin();
		got = sample_latency(c, lat, samples);
		norm_end(norm, sizeof(norm));
	}
	chan_close(c);
	if (got)
		report_latency(name, lat, got, norm);
	ret = got == samples ? 0 : -ETIMEDOUT;
stop:
	busy_stop(spinner);
out:
	ktap_result(s, !ret, name, "%d (%u of %u events)", ret, got, samples);
	return ret;
}

/*
 * The cost of one EOI to the local APIC, which each upcall pays (both
 * layers get their upcall as a per-vCPU vector). With nothing in service
 * the EOI changes nothing, but Xen still has to take it.
 */
static int eoi_cost(struct ktap_suite *s)
{
	unsigned int i;

	for (i = 0; i < warmup; i++)
		time_eoi();
	for (i = 0; i < samples; i++)
		lat[i] = time_eoi();
	sort(lat, samples, sizeof(*lat), cmp_u64, NULL);
	pr_info("# bench apic_eoi samples=%u p50_ns=%llu p99_ns=%llu x2apic=%d end\n",
		samples, to_ns(pct(lat, samples, 50)),
		to_ns(pct(lat, samples, 99)), x2apic_mode);
	ktap_result(s, true, "apic_eoi", "%s", x2apic_mode ? "x2APIC" : "xAPIC");
	return 0;
}

static irqreturn_t idle_port_interrupt(int irq, void *unused)
{
	return IRQ_HANDLED;
}

/*
 * Open and bind ports until Xen's highest port of this guest is @top, each
 * timed (EVTCHNOP_alloc_unbound and the binding) into @times; their IRQs
 * go to @irqs, their numbers to @nr. Return how many were bound, or a
 * negative errno when the first one failed.
 */
static int bind_idle_ports(int *irqs, evtchn_port_t *nr, u64 *times,
			   unsigned int max, evtchn_port_t top)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF, .remote_dom = DOMID_SELF,
	};
	struct evtchn_close close = {};
	unsigned int n = 0;
	int ret = 0;
	u64 t0;

	while (n < max) {
		t0 = bench_now();
		ret = evtchn_op(EVTCHNOP_alloc_unbound, &alloc);
		if (ret)
			break;
		irqs[n] = bind_evtchn_to_irqhandler(alloc.port,
						    idle_port_interrupt, 0,
						    "xevtchn-bench-idle", irqs);
		if (irqs[n] < 0) {
			ret = irqs[n];
			close.port = alloc.port;
			evtchn_op(EVTCHNOP_close, &close);
			break;
		}
		times[n] = elapsed(t0, bench_now());
		nr[n++] = alloc.port;
		if (alloc.port >= top)
			break;
		cond_resched();
	}
	if (ret)
		pr_info("# bench: binding port %u of %u failed (%d)\n", n + 1,
			top + 1, ret);
	return n ? n : ret;
}

/* Ask Xen until @port is closed; 0, or an error after two seconds. */
static int wait_closed(evtchn_port_t port)
{
	unsigned long deadline = jiffies + 2 * HZ;
	struct evtchn_status status = { .dom = DOMID_SELF };
	int ret;

	for (;;) {
		status.port = port;
		ret = evtchn_op(EVTCHNOP_status, &status);
		if (ret || status.status == EVTCHNSTAT_closed)
			return ret;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		cond_resched();	/* the work that closes it may be ours to let run */
	}
}

/*
 * Unbind @n bound ports and report two ways of timing it, each as the call
 * returned and with its deferred work drained: after the call, rcu_barrier()
 * (every RCU callback queued so far has run, so RCU work is queued) and
 * then EVTCHNOP_status until Xen says the port is closed. A layer that
 * closes the port in the call is drained at once; one that closes it from
 * RCU work is drained when that work has run. System workqueues are not
 * flushed: what they free after the port is closed is not counted.
 *
 * - one at a time: the first @unbind_one ports, each drained before the
 *   next; medians of the call and of the call with its drain;
 * - back to back: the rest, one call after another, then one drain for
 *   all of them; the median call, and the whole time to the last port
 *   closed divided by the ports.
 *
 * @returned and @drained take the per-port times.
 */
static int unbind_ports(const char *abi, unsigned int count, int *irqs,
			const evtchn_port_t *nr, u64 *returned, u64 *drained,
			unsigned int n)
{
	unsigned int i, one = min(unbind_one, n), batch = n - one;
	char norm[NORM_LEN];
	u64 t0, t1, start, batch_ns = 0;
	int ret = 0, err;

	norm_begin();
	for (i = 0; i < one; i++) {
		t0 = bench_now();
		unbind_from_irqhandler(irqs[i], irqs);
		t1 = bench_now();
		rcu_barrier();
		err = wait_closed(nr[i]);
		ret = ret ?: err;
		returned[i] = elapsed(t0, t1);
		drained[i] = elapsed(t0, bench_now());
	}
	start = bench_now();
	for (i = one; i < n; i++) {
		t0 = bench_now();
		unbind_from_irqhandler(irqs[i], irqs);
		returned[i] = elapsed(t0, bench_now());
		cond_resched();
	}
	if (batch) {
		rcu_barrier();
		for (i = one; i < n; i++) {
			err = wait_closed(nr[i]);
			ret = ret ?: err;
		}
		batch_ns = div_u64(to_ns(elapsed(start, bench_now())), batch);
	}
	norm_end(norm, sizeof(norm));
	if (one)
		pr_info("# bench unbind_one_%s_ports_%u ports=%u returned_p50_ns=%llu drained_p50_ns=%llu%s end\n",
			abi, count, one, median_ns(returned, one),
			median_ns(drained, one), norm);
	if (batch)
		pr_info("# bench unbind_batch_%s_ports_%u ports=%u returned_p50_ns=%llu drained_ns_per_port=%llu%s end\n",
			abi, count, batch, median_ns(returned + one, batch),
			batch_ns, norm);
	return ret;
}

/*
 * Bind a few ports and unbind them again, drained, so that the measured
 * binding does not meet first-time costs.
 */
static void ports_warmup(int *irqs, evtchn_port_t *nr, u64 *times)
{
	int i, n = bind_idle_ports(irqs, nr, times, 32, U32_MAX);

	for (i = 0; i < n; i++)
		unbind_from_irqhandler(irqs[i], irqs);
	rcu_barrier();
	for (i = 0; i < n; i++)
		wait_closed(nr[i]);
}

/* The KTAP cases of ports_workload(): three with ports bound, else one. */
static unsigned int ports_cases(unsigned int count)
{
	return count > 1 ? 3 : 1;
}

/*
 * The port-count workloads: the send-to-handler latency on one CPU,
 * measured on a loopback opened first, while the rest of the ports, up to
 * port @count - 1, are bound to IRQs and quiet; with more than one port,
 * also what binding and unbinding each of those cost (cases bind_... and
 * unbind_...).
 */
static int ports_workload(struct ktap_suite *s, const char *abi,
			  unsigned int count)
{
	char upcall[48], bind[48], unbind[48], norm[NORM_LEN];
	struct chan *c = &chans[0];
	unsigned int got = 0, n = 0;
	u64 *times = NULL, *drained = NULL;
	evtchn_port_t *nr = NULL;
	int *irqs = NULL;
	int ret = 0, bind_ret = 0, unbind_ret = 0;

	snprintf(upcall, sizeof(upcall), "upcall_%s_ports_%u", abi, count);
	snprintf(bind, sizeof(bind), "bind_%s_ports_%u", abi, count);
	snprintf(unbind, sizeof(unbind), "unbind_%s_ports_%u", abi, count);
	if (count > 1) {
		irqs = kvcalloc(count, sizeof(*irqs), GFP_KERNEL);
		nr = kvcalloc(count, sizeof(*nr), GFP_KERNEL);
		times = kvcalloc(count, sizeof(*times), GFP_KERNEL);
		drained = kvcalloc(count, sizeof(*drained), GFP_KERNEL);
		if (!irqs || !nr || !times || !drained) {
			ret = -ENOMEM;
			goto out;
		}
		ports_warmup(irqs, nr, times);
	}
	ret = chan_open(c, 0);
	if (ret)
		goto out;
	if (count > 1 && c->send_port < count - 1) {
		norm_begin();
		bind_ret = bind_idle_ports(irqs, nr, times, count, count - 1);
		if (bind_ret > 0) {
			n = bind_ret;
			bind_ret = 0;
			norm_end(norm, sizeof(norm));
			pr_info("# bench %s ports=%u p50_ns=%llu%s end\n", bind, n,
				median_ns(times, n), norm);
		}
	}
	if (sample_latency(c, NULL, warmup) == warmup) {
		norm_begin();
		got = sample_latency(c, lat, samples);
		norm_end(norm, sizeof(norm));
	}
	if (got) {
		sort(lat, got, sizeof(*lat), cmp_u64, NULL);
		pr_info("# bench %s bound=%u samples=%u p50_ns=%llu p99_ns=%llu%s end\n",
			upcall, n + 1, got, to_ns(pct(lat, got, 50)),
			to_ns(pct(lat, got, 99)), norm);
	}
	ret = got == samples ? 0 : -ETIMEDOUT;
	if (n)
		unbind_ret = unbind_ports(abi, count, irqs, nr, times, drained,
					  n);
	chan_close(c);
out:
	if (count > 1) {
		ktap_result(s, !ret && !bind_ret && n, bind, "%d (%u ports bound)",
			    ret ?: bind_ret, n);
		ktap_result(s, !ret && !unbind_ret && n, unbind,
			    "%d (a port not closed in time, or none bound)",
			    ret ?: unbind_ret);
	}
	kvfree(drained);
	kvfree(times);
	kvfree(nr);
	kvfree(irqs);
	ktap_result(s, !ret, upcall, "%d (%u ports bound)", ret, n + 1);
	return ret;
}

/*
 * Events per second through CHANNELS channels handled on CPU 1, kept
 * running, sent from CPU 0: each round sends one event on every channel,
 * then waits for all of them. The figure is the median round's rate.
 */
static int throughput(struct ktap_suite *s, const char *name)
{
	unsigned int i, opened = 0, round, rounds = max(samples / CHANNELS, 20U);
	unsigned int warm = max(warmup / CHANNELS, 2U);
	struct task_struct *spinner;
	char norm[NORM_LEN];
	u64 t0, p50 = 0;
	int ret = 0;

	spinner = busy_start(1);
	if (!spinner)
		ret = -ENOMEM;
	for (i = 0; i < CHANNELS && !ret; i++) {
		ret = chan_open(&chans[i], 1);
		opened += !ret;
	}
	for (round = 1; round <= warm + rounds && !ret; round++) {
		if (round == warm + 1)
			norm_begin();
		t0 = bench_now();
		for (i = 0; i < CHANNELS; i++)
			chan_send(&chans[i]);
		for (i = 0; i < CHANNELS && !ret; i++)
			if (!wait_handled(&chans[i], round))
				ret = -ETIMEDOUT;
		if (round > warm)
			lat[round - warm - 1] = elapsed(t0, bench_now());
	}
	for (i = 0; i < opened; i++)
		chan_close(&chans[i]);
	busy_stop(spinner);
	if (!ret) {
		norm_end(norm, sizeof(norm));
		p50 = median_ns(lat, rounds);
		pr_info("# bench %s channels=%u rounds=%u round_p50_ns=%llu events_per_s=%llu%s end\n",
			name, CHANNELS, rounds, p50,
			div64_u64((u64)CHANNELS * NSEC_PER_SEC, max(p50, 1ULL)),
			norm);
	}
	ktap_result(s, !ret, name, "%d", ret);
	return ret;
}

/*
 * The cost of one timestamp (two back-to-back reads, interrupts off), of
 * the clock in use and of both candidates; what Xen says of the TSC, and
 * the bounds tsc_agrees() found on the offset of CPU 1's TSC from CPU 0's.
 */
static int clock_cost(struct ktap_suite *s)
{
	static const char * const source[] = { "ktime", "tsc" };
	u64 p50[2];
	bool was = use_tsc;
	unsigned long flags;
	unsigned int i, k;
	u64 t0;

	for (k = 0; k < 2; k++) {
		use_tsc = k && have_time_leaf && xen_tsc_khz;
		if (k && !use_tsc) {
			p50[k] = 0;
			continue;
		}
		for (i = 0; i < 16 + 256; i++) {
			local_irq_save(flags);
			t0 = bench_now();
			lat[i % 256] = elapsed(t0, bench_now());
			local_irq_restore(flags);
		}
		p50[k] = median_ns(lat, 256);
	}
	use_tsc = was;
	pr_info("# bench clock_read source=%s p50_ns=%llu ktime_p50_ns=%llu tsc_p50_ns=%llu xen_tsc_flags=%#x xen_tsc_mode=%u xen_tsc_khz=%u end\n",
		source[use_tsc], p50[use_tsc], p50[0], p50[1], xen_tsc_flags,
		xen_tsc_mode, xen_tsc_khz);
	if (tsc_pass.measured)
		pr_info("# bench tsc_cpu1_offset low_ns=%lld high_ns=%lld end\n",
			cycles_ns(-tsc_pass.min_back),
			cycles_ns(tsc_pass.min_there));
	ktap_result(s, true, "clock_read", "%s", source[use_tsc]);
	return 0;
}

/* The floor on its own: @samples single sends to the masked port. */
static int floor_cost(struct ktap_suite *s)
{
	unsigned int i;

	for (i = 0; i < warmup; i++)
		time_floor();
	for (i = 0; i < samples; i++)
		lat[i] = time_floor();
	sort(lat, samples, sizeof(*lat), cmp_u64, NULL);
	pr_info("# bench send_masked_floor samples=%u p50_ns=%llu p99_ns=%llu end\n",
		samples, to_ns(pct(lat, samples, 50)),
		to_ns(pct(lat, samples, 99)));
	ktap_result(s, true, "send_masked_floor", "%s", "");
	return 0;
}

static atomic_t ipi_seen;

/* What the IPI asks the other CPU to do, in both layers. */
static void ipi_function(void *unused)
{
	atomic_inc(&ipi_seen);
}

#ifdef BENCH_OURS
static int ipi_irq;
static int ipi_pending;

static irqreturn_t ipi_interrupt(int irq, void *unused)
{
	ipi_function(NULL);
	/* The function's effects before the sender sees it done (csd_unlock()). */
	smp_store_release(&ipi_pending, 0);
	return IRQ_HANDLED;
}

static int ipi_setup(void)
{
	ipi_irq = bind_ipi_to_irqhandler(0, 1, ipi_interrupt, 0,
					 "xevtchn-bench-ipi", NULL);
	return ipi_irq < 0 ? ipi_irq : 0;
}

static void ipi_teardown(void)
{
	unbind_from_irqhandler(ipi_irq, NULL);
}

/*
 * What smp_call_function_single(1, ipi_function, NULL, 1) does in the
 * kernel's own Xen guest, through xevtchn's IPI: mark the call pending,
 * send the IPI (EVTCHNOP_send on CPU 1's IPI port), and spin until the
 * handler, having run the function, clears the mark (csd_lock_wait()).
 */
static int ipi_call(void)
{
	unsigned long deadline = jiffies + HZ;
	int ret;

	preempt_disable();
	WRITE_ONCE(ipi_pending, 1);
	smp_mb();	/* the mark before the IPI, as the csd's queueing */
	ret = xevtchn_send_ipi(1, 0);
	/* Pairs with ipi_interrupt(): the function has run once this is 0. */
	while (!ret && smp_load_acquire(&ipi_pending)) {
		if (time_after(jiffies, deadline))
			ret = -ETIMEDOUT;
		cpu_relax();
	}
	preempt_enable();
	return ret;
}
#else
static int ipi_setup(void)
{
	return 0;
}

static void ipi_teardown(void)
{
}

/*
 * Mainline exports no IPI binding to modules. In a Xen HVM guest with a
 * vector callback, smp_call_function_single() sends its IPI through the
 * kernel's event channel (XEN_CALL_FUNCTION_SINGLE_VECTOR, EVTCHNOP_send),
 * and the other CPU runs the function from that event's handler: the same
 * path as ours above, plus the generic call-function queue.
 */
static int ipi_call(void)
{
	return smp_call_function_single(1, ipi_function, NULL, 1);
}
#endif

/*
 * An event-channel IPI from CPU 0 to CPU 1, kept running, whose handler
 * runs a function; the sender waits for it, as smp_call_function_single()
 * with wait=1 does.
 */
static int ipi_round_trip(struct ktap_suite *s, const char *name)
{
	struct task_struct *spinner;
	unsigned int i, got = 0;
	char norm[NORM_LEN];
	int ret;
	u64 t0;

	spinner = busy_start(1);
	if (!spinner) {
		ret = -ENOMEM;
		goto out;
	}
	ret = ipi_setup();
	if (ret)
		goto stop;
	for (i = 0; i < warmup && !ret; i++)
		ret = ipi_call();
	norm_begin();
	for (i = 0; i < samples && !ret; i++) {
		t0 = bench_now();
		ret = ipi_call();
		if (!ret)
			lat[got++] = elapsed(t0, bench_now());
	}
	norm_end(norm, sizeof(norm));
	ipi_teardown();
	if (got)
		report_latency(name, lat, got, norm);
stop:
	busy_stop(spinner);
out:
	ktap_result(s, !ret, name, "%d (%u of %u)", ret, got, samples);
	return ret;
}

/*
 * Round trips with dom0's echoing peer, from CPU 1 with the event bound
 * there: dom0 runs on the first physical CPU with the guest's vCPU 0 (the
 * bench payload's xen-cmdline and guest.cfg), so that vCPU 1 waits alone.
 */
static int dom0_round_trip(struct ktap_suite *s)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = 0, .remote_port = remote_port,
	};
	struct chan *c = &chans[0];
	unsigned int i, got = 0;
	char norm[NORM_LEN];
	int ret;
	u64 t0;

	if (!remote_port) {
		ktap_skip(s, "dom0_round_trip", "no dom0 peer");
		return 0;
	}
	ret = evtchn_op(EVTCHNOP_bind_interdomain, &bind);
	if (ret)
		goto out;
	c->port = bind.local_port;
	c->send_port = bind.local_port;
	atomic_set(&c->handled, 0);
	c->irq = bind_evtchn_to_irqhandler(c->port, chan_interrupt, 0,
					   "xevtchn-bench-dom0", c);
	if (c->irq < 0) {
		struct evtchn_close close = { .port = c->port };

		ret = c->irq;
		evtchn_op(EVTCHNOP_close, &close);
		goto out;
	}
	irq_set_affinity(c->irq, cpumask_of(1));
	/* Xen marks a newly connected port pending: let that one pass. */
	msleep(20);
	atomic_set(&c->handled, 0);
	if (sample_latency(c, NULL, warmup) != warmup)
		ret = -ETIMEDOUT;
	norm_begin();
	for (i = 0; i < samples && !ret; i++) {
		int before = atomic_read(&c->handled);

		t0 = bench_now();
		notify_remote_via_evtchn(c->port);
		if (!wait_handled(c, before + 1)) {
			ret = -ETIMEDOUT;
			break;
		}
		lat[got++] = elapsed(t0, bench_now());
	}
	norm_end(norm, sizeof(norm));
	unbind_from_irqhandler(c->irq, c);
	if (got)
		report_latency("dom0_round_trip", lat, got, norm);
out:
	ktap_result(s, !ret, "dom0_round_trip", "%d (%u of %u)", ret, got,
		    samples);
	return ret;
}

/* The suite, shared by the steps below. */
static struct ktap_suite suite;

/* Whether to run the workload @name: all of them, or only= alone. */
static bool wanted(const char *name)
{
	return !*only || !strcmp(only, name);
}

/*
 * The workloads whose sender is CPU 0 (work_on_cpu()); with only=, the one
 * it names, without the costs of the clock, the floor and the EOI.
 */
static long bench_cpu0(void *unused)
{
	struct ktap_suite *s = &suite;

	if (!*only) {
		clock_cost(s);
		floor_cost(s);
		eoi_cost(s);
	}
	if (wanted("latency_same_cpu"))
		latency(s, "latency_same_cpu", 0, false);
	if (wanted("latency_cross_cpu_busy"))
		latency(s, "latency_cross_cpu_busy", 1, true);
	if (wanted("latency_cross_cpu_idle"))
		latency(s, "latency_cross_cpu_idle", 1, false);
	if (wanted("ipi_round_trip_busy"))
		ipi_round_trip(s, "ipi_round_trip_busy");
	if (wanted("throughput_64_channels_busy"))
		throughput(s, "throughput_64_channels_busy");
	return 0;
}

/* dom0_round_trip() runs on CPU 1. */
static long bench_cpu1(void *unused)
{
	return *only ? 0 : dom0_round_trip(&suite);
}

static const char *abi_name(void)
{
	/* The 2-level ABI addresses 4096 ports, FIFO many more. */
	return xen_evtchn_nr_channels() > 4096 ? "fifo" : "2level";
}

static long bench_ports(void *unused)
{
	if (*only)
		return 0;
	ports_workload(&suite, abi_name(), 1);
	ports_workload(&suite, abi_name(), ports);
	return 0;
}

/* The masked port of the floor, bound on CPU 0, its IRQ disabled at once. */
static int floor_open(void)
{
	int ret = chan_open(&floor_chan, 0);

	if (ret)
		return ret;
	irq_set_status_flags(floor_chan.irq, IRQ_DISABLE_UNLAZY);
	disable_irq(floor_chan.irq);
	return 0;
}

static void floor_close(void)
{
	enable_irq(floor_chan.irq);
	irq_clear_status_flags(floor_chan.irq, IRQ_DISABLE_UNLAZY);
	chan_close(&floor_chan);
}

static int __init bench_init(void)
{
	int ret;

	if (!cpu_online(0) || !cpu_online(1)) {
		pr_err("xevtchn_bench: needs CPUs 0 and 1 online\n");
		return -ENODEV;
	}
	ret = work_on_cpu(0, clock_setup, NULL);
	if (ret)
		return ret;
	samples = clamp(samples, 100U, (unsigned int)MAX_SAMPLES);
	warmup = min_t(unsigned int, warmup, MAX_SAMPLES);
	ports = clamp(ports, 2U, 1U << 17);
	lat = kcalloc(MAX_SAMPLES, sizeof(*lat), GFP_KERNEL);
	if (!lat)
		return -ENOMEM;
	ret = floor_open();
	if (ret) {
		pr_err("xevtchn_bench: cannot open the floor's port (%d)\n",
		       ret);
		goto free;
	}
	/* With only=, one case: none if it names no workload of CPU 0's. */
	ktap_start(&suite, "bench_" LAYER,
		   *only ? 1 : 9 + ports_cases(1) + ports_cases(ports));
	pr_info("# bench layer=%s samples=%u warmup=%u abi=%s ports=%u clock=%s end\n",
		label, samples, warmup, abi_name(), ports,
		use_tsc ? "tsc" : "ktime");
	work_on_cpu(0, bench_cpu0, NULL);
	work_on_cpu(1, bench_cpu1, NULL);
	work_on_cpu(0, bench_ports, NULL);
	floor_close();
free:
	kfree(lat);
	return ret;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("xevtchn benchmark: " LAYER " event channel layer");
MODULE_LICENSE("GPL");
