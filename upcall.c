// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPUs, and the upcall: how Xen tells a vCPU that events are pending,
 * and the loop that takes them.
 *
 * vcpu_info: the legacy slots in shared_info (mapped by shared_info.c), so
 * at most 32 vCPUs. VCPUOP_register_vcpu_info would lift that limit, but
 * Xen can never undo it: the registered memory would belong to Xen until
 * the guest reboots, which a module that can be unloaded must not do.
 *
 * The upcall, three ways (upcall=), each in a file of its own above this
 * one, which calls it only through its struct xevtchn_upcall_ops:
 *
 * - "vector" (upcall_vector.c; preferred, when Xen advertises
 *   XEN_HVM_CPUID_UPCALL_VECTOR): a vector of its own for each CPU, which
 *   Xen injects through the local APIC on the vCPU the event is for. Ports
 *   can be bound to any CPU.
 * - "callback" (callback.c; opt-in): Xen's callback vector, one for every
 *   vCPU, injected while the vCPU's evtchn_upcall_pending is set, without
 *   the local APIC: no EOI. Ports can be bound to any CPU.
 * - "intx" (upcall_intx.c): the Xen platform PCI device's interrupt line,
 *   raised while vCPU 0 has an upcall pending: every port lives on CPU 0
 *   and cannot move.
 *
 * Each mode's upcall ends in xevtchn_upcall(), the loop below.
 *
 * The loop is bounded: a pass takes the events until Xen raises no more,
 * or until its budget (internal.h: XEVTCHN_BUDGET_EVENTS events, and what
 * is left of XEVTCHN_BUDGET_NS in the current window of XEVTCHN_BUDGET_NS
 * plus XEVTCHN_REST_NS: passes that end early count together) runs out,
 * or its window's time does. Then the ABI gives what it did not scan
 * back to Xen's flags (the selector or ready bits: nothing is lost) and the
 * CPU rests: for XEVTCHN_REST_NS no upcall scans, and a timer of the CPU's
 * runs the next pass. Without the bound, a peer that sends in a tight loop
 * could keep a vCPU in hard IRQ context for as long as it likes; with it,
 * under upcall=vector the vCPU keeps at least XEVTCHN_REST_NS of every
 * XEVTCHN_BUDGET_NS plus XEVTCHN_REST_NS for everything else (under the
 * other modes, less the upcalls that new events still cost while it
 * rests: rest()). Documentation/events.md, "The bounded upcall", says
 * more.
 *
 * One pass at a time per vCPU: a pass walks the ABI's state of the CPU's
 * scan (2-level: where the fair order goes on; FIFO: each queue's next
 * port), which two passes at once would corrupt, stalling a queue. On
 * its own CPU a pass cannot meet another (the upcall, the rest timer and
 * the test build's IPI are all hard IRQs there), but under upcall=intx
 * the INTx runs CPU 0's pass on whichever CPU takes it, and the rest timer
 * on the CPU that armed it. So passes go through run_passes(): whoever
 * finds one running asks it for one more and leaves, never waiting.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/smp.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/xen.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>

#include <xevtchn/hypercall.h>
#include <xevtchn/hypervisor.h>
#include "internal.h"

static char *upcall = "auto";
module_param(upcall, charp, 0444);
MODULE_PARM_DESC(upcall,
		 "how Xen signals events: auto (vector when Xen offers it), vector (per-vCPU upcall vectors), callback (Xen's callback vector, no EOI), intx (Xen platform PCI device interrupt, CPU 0 only)");

/* The mode upcall= chose (load step 3). */
static const struct xevtchn_upcall_ops *mode = &xevtchn_upcall_vector;

/**
 * struct xevtchn_cpu - per-CPU upcall state
 * @cpu: this CPU
 * @vcpu_id: Xen's id of the vCPU this CPU runs on
 * @vcpu_info: its slot in shared_info
 * @ready: this CPU takes events
 * @pass: PASS_RUNNING while a pass over this vCPU's events runs, on
 *	whichever CPU; PASS_AGAIN when one more was asked for since the
 *	running one last looked (run_passes())
 * @resting: a pass ran out of budget; @rest_timer runs the next one, and
 *	upcalls meanwhile scan nothing
 * @rest_timer: ends the rest (hard IRQ, pinned to the CPU that armed it:
 *	this one, but under upcall=intx, see rest())
 * @upcalls: upcalls taken for this vCPU
 * @rests: passes that ran out of budget
 * @window_start: when the current budget window began (xevtchn_budget_now())
 * @window_used: time spent in passes since then
 *
 * @resting is set by a pass, and cleared by the timer (then a pass runs)
 * and by the CPU's hotplug callback with the upcall stopped; @rests,
 * @window_start and @window_used change in a pass.
 */
struct xevtchn_cpu {
	unsigned int cpu;
	unsigned int vcpu_id;
	struct vcpu_info *vcpu_info;
	bool ready;
	atomic_t pass;
	bool resting;
	struct hrtimer rest_timer;
	unsigned long upcalls;
	unsigned long rests;
	u64 window_start;
	u64 window_used;
};

static DEFINE_PER_CPU(struct xevtchn_cpu, xevtchn_cpu);

/* struct xevtchn_cpu's @pass */
#define PASS_RUNNING	BIT(0)	/* a pass runs */
#define PASS_AGAIN	BIT(1)	/* one more is wanted after it */

unsigned int xevtchn_vcpu_id(unsigned int cpu)
{
	return per_cpu(xevtchn_cpu, cpu).vcpu_id;
}

struct vcpu_info *xevtchn_vcpu_info(unsigned int cpu)
{
	return per_cpu(xevtchn_cpu, cpu).vcpu_info;
}

const char *xevtchn_upcall_mode(void)
{
	return mode->name;
}

/* Under INTx only CPU 0 hears about events, so ports cannot move. */
bool xevtchn_ports_can_move(void)
{
	return !mode->cpu0_only;
}

/* Can ports be bound to @cpu? */
bool xevtchn_cpu_takes_ports(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !READ_ONCE(per_cpu(xevtchn_cpu, cpu).ready))
		return false;
	return xevtchn_ports_can_move() || cpu == 0;
}

/*
 * The budget's clock (budget_clock.c), chosen again after a resume in a
 * new domain, with no pass running: each CPU's next pass starts a window,
 * whatever the old clock's units.
 */
static void budget_clock_init(void)
{
	struct xevtchn_cpu *c;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(&xevtchn_cpu, cpu);
		c->window_start = 0;
		c->window_used = 0;
	}
	xevtchn_budget_clock_choose(mode->cpu0_only);
}

/*
 * Under upcall=callback, scan with evtchn_upcall_pending held set: for the
 * callback vector, Xen kicks the vCPU (an IPI, an exit) each time it sets
 * the flag from 0 to 1, where the vLAPIC's IRR bit spares the per-vCPU
 * vector all but the first (Xen 4.17, xen/arch/x86/hvm/irq.c, lines
 * 314-333; xen/arch/x86/hvm/vlapic.c, lines 180-183). The flag is cleared
 * only when a scan found nothing; one more scan then takes what came before
 * the clear, for which Xen, finding the flag set, raised nothing; if it
 * found some, the flag is held again. Documentation/events.md says more.
 * Returns early, the flag still held, when @budget runs out.
 */
static void upcall_held(unsigned int cpu, struct vcpu_info *vi,
			struct xevtchn_budget *budget)
{
	for (;;) {
		while (xevtchn_abi->handle_events(cpu, budget))
			if (budget->spent)
				return;
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		virt_mb();	/* the clear before the scan's reads */
		if (!xevtchn_abi->handle_events(cpu, budget)) {
			virt_rmb();	/* Xen may have set it meanwhile */
			if (!READ_ONCE(vi->evtchn_upcall_pending))
				return;
		} else if (budget->spent) {
			return;
		}
		WRITE_ONCE(vi->evtchn_upcall_pending, 1);	/* held again */
	}
}

/*
 * The pass ran out of budget; what it left is back with Xen's flags. Rest:
 * the timer runs the next pass. Meanwhile Xen may signal new events, and
 * the upcall leaves them for it (xevtchn_upcall()). Under upcall=vector
 * the flag stays set, so Xen signals nothing at all until the timer's pass
 * clears it (an event only sets its bits); under upcall=callback and
 * upcall=intx Xen signals for as long as the flag is set, so it is cleared,
 * and each event that sets it again costs an upcall that only clears it.
 */
static void rest(struct xevtchn_cpu *c)
{
	c->rests++;
	WRITE_ONCE(c->resting, true);
	WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending, mode->quiet_while_set);
	/*
	 * Pinned to this CPU, @c's own in every mode, except under
	 * upcall=intx for an INTx taken on another CPU than 0 (its affinity
	 * could not be set, or was changed): an hrtimer is armed on the CPU
	 * that arms it, and arming it on CPU 0 instead would take an IPI
	 * that CPU hotplug and unload must then wait for, with nothing
	 * exported to wait on. The passes being serialised (run_passes()),
	 * a timer on another CPU, or moved off a CPU going offline, runs its
	 * pass as safely.
	 */
	hrtimer_start(&c->rest_timer, ns_to_ktime(XEVTCHN_REST_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/* One pass over @c's events, within a budget; rest if it runs out. */
static void upcall_pass(struct xevtchn_cpu *c)
{
	struct vcpu_info *vi = c->vcpu_info;
	u64 start = xevtchn_budget_now(), len = xevtchn_budget_length();
	struct xevtchn_budget budget = {
		.events = XEVTCHN_BUDGET_EVENTS,
	};

	/*
	 * The time budget is per window, not per pass: a flood whose passes
	 * each end early (Xen raises the next upcall as soon as one returns)
	 * would otherwise never run one out, and keep the vCPU in hard IRQ
	 * context all the same (found on the test host: passes of a few
	 * events, back to back, left a thread nothing). A window is as long
	 * as a budget and a rest; what its passes used comes off the next.
	 */
	/* A clock that went back starts a window too. */
	if (start - c->window_start >= xevtchn_budget_window()) {
		c->window_start = start;
		c->window_used = 0;
	}
	budget.deadline = start + len - min_t(u64, c->window_used, len - 1);
	xevtchn_testing_budget(&budget);
	rcu_read_lock();
	if (mode->hold_pending) {
		upcall_held(c->cpu, vi, &budget);
	} else {
		do {
			WRITE_ONCE(vi->evtchn_upcall_pending, 0);
			xevtchn_abi->handle_events(c->cpu, &budget);
			if (budget.spent)
				break;
			virt_rmb();	/* Xen may set it again meanwhile */
		} while (READ_ONCE(vi->evtchn_upcall_pending));
	}
	rcu_read_unlock();
	c->window_used += xevtchn_budget_since(start, xevtchn_budget_now());
	if (budget.spent ||
	    (budget.deadline && c->window_used >= len))
		rest(c);
}

/*
 * Run passes over @c's events, one at a time, until none more is wanted;
 * or, when one runs already, on whichever CPU, leave ours to it. The
 * running one, before it leaves, looks whether more were asked for
 * meanwhile (PASS_AGAIN) and runs one more if so; every caller sets it
 * before it looks, so nothing asked for is lost, and nobody waits for
 * another CPU's pass. While @c rests, a pass takes nothing: the timer's
 * does (see rest()).
 *
 * Context: hard IRQ context (an upcall, the rest timer, the test build's
 * IPI), on any CPU.
 */
static void run_passes(struct xevtchn_cpu *c)
{
	/*
	 * A pass runs elsewhere (under upcall=intx only): while the flag is
	 * set, Xen keeps the INTx line up, so clear it, as a rest does, and
	 * only then ask for a pass. What Xen flagged before it set the flag
	 * is seen by that pass (x86 orders the store before our atomic);
	 * what comes after the clear sets the flag again.
	 */
	if (!mode->quiet_while_set && (atomic_read(&c->pass) & PASS_RUNNING))
		WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending, 0);
	/* Fully ordered: the running pass's next round sees what we saw. */
	if (atomic_fetch_or(PASS_RUNNING | PASS_AGAIN, &c->pass) &
	    PASS_RUNNING)
		return;
	do {
		/* Fully ordered, unlike atomic_andnot(): before the scan. */
		atomic_fetch_andnot(PASS_AGAIN, &c->pass);
		if (READ_ONCE(c->resting)) {
			/* Leave them to the timer; see rest(). */
			if (!mode->quiet_while_set)
				WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending,
					   0);
		} else {
			upcall_pass(c);
		}
	} while (atomic_cmpxchg(&c->pass, PASS_RUNNING, 0) != PASS_RUNNING);
}

/*
 * The rest is over: the next pass (or, if one runs elsewhere, one more of
 * it). Hard IRQ context, on the CPU that armed the timer.
 */
static enum hrtimer_restart rest_over(struct hrtimer *timer)
{
	struct xevtchn_cpu *c = container_of(timer, struct xevtchn_cpu,
					     rest_timer);

	WRITE_ONCE(c->resting, false);
	run_passes(c);
	return HRTIMER_NORESTART;
}

/**
 * xevtchn_upcall() - take the events pending for @cpu's vCPU
 * @cpu: the CPU whose vCPU Xen signalled (CPU 0 under upcall=intx)
 *
 * Takes them until Xen stops raising more, or until the pass's budget runs
 * out (the rest then waits for a timer, see the top of the file). While
 * the CPU rests, takes none. When a pass over them runs already (under
 * upcall=intx, on another CPU), leaves them to it. The port table is read
 * under RCU.
 *
 * Context: hard IRQ context: a mode's upcall interrupt
 * (xevtchn_upcall_interrupt(), on @cpu; under upcall=intx,
 * upcall_intx_interrupt(), on whichever CPU takes the INTx), or, in the
 * test build, the IPI that gives back what passes withheld
 * (give_withheld_back(), testing.c, on @cpu). The rest timer runs its
 * pass too, through run_passes(), not through this function.
 */
void xevtchn_upcall(unsigned int cpu)
{
	struct xevtchn_cpu *c = per_cpu_ptr(&xevtchn_cpu, cpu);

	c->upcalls++;
	run_passes(c);
}

unsigned long xevtchn_upcalls(unsigned int cpu)
{
	return READ_ONCE(per_cpu(xevtchn_cpu, cpu).upcalls);
}

/* Passes of @cpu's upcall that ran out of budget, for debugfs and tests. */
unsigned long xevtchn_upcall_rests(unsigned int cpu)
{
	return READ_ONCE(per_cpu(xevtchn_cpu, cpu).rests);
}

/**
 * xevtchn_upcall_interrupt() - a CPU's own upcall IRQ: its vector
 *	(upcall=vector) or callback.c's IRQ behind the callback vector
 * @irq: the IRQ
 * @unused: no cookie
 *
 * Context: hard IRQ context, on the CPU whose vCPU Xen signalled.
 * Return: IRQ_HANDLED.
 */
irqreturn_t xevtchn_upcall_interrupt(int irq, void *unused)
{
	xevtchn_upcall(smp_processor_id());
	return IRQ_HANDLED;
}

/**
 * xevtchn_set_callback_via() - set HVM_PARAM_CALLBACK_IRQ
 * @via: its value: 0 for none, or a GSI, a PCI INTx, a vector
 *
 * Context: process context.
 * Return: 0, or Xen's error.
 */
int xevtchn_set_callback_via(u64 via)
{
	struct xen_hvm_param param = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = via,
	};

	return xevtchn_hvm_op(HVMOP_set_param, &param);
}

/**
 * xevtchn_reset_callback_via() - set HVM_PARAM_CALLBACK_IRQ to 0, warning
 *	if Xen refuses
 *
 * Context: process context.
 */
void xevtchn_reset_callback_via(void)
{
	if (xevtchn_set_callback_via(0))
		pr_warn("could not reset HVM_PARAM_CALLBACK_IRQ\n");
}

/**
 * xevtchn_this_vcpu_id() - Xen's id of the vCPU we run on
 *
 * Call with preemption off, or on a CPU-bound thread.
 *
 * Return: the id from the HVM CPUID leaf, or the CPU number when Xen does
 * not say.
 */
unsigned int xevtchn_this_vcpu_id(void)
{
	const struct xevtchn_xen_info *xen = xevtchn_xen_info();
	u32 eax, ebx, ecx, edx;

	cpuid(xen->cpuid_base + 4, &eax, &ebx, &ecx, &edx);
	return (eax & XEN_HVM_CPUID_VCPU_ID_PRESENT) ? ebx : smp_processor_id();
}

/**
 * xevtchn_upcall_cpu_prepare() - find @cpu's vCPU and its vcpu_info slot
 * @cpu: the CPU coming online; runs on it
 *
 * Context: the CPU hotplug callback (cpu.c), before the ABI's cpu_up.
 * Return: 0, or -EINVAL for a vCPU without a slot in shared_info.
 */
int xevtchn_upcall_cpu_prepare(unsigned int cpu)
{
	struct xevtchn_cpu *c = per_cpu_ptr(&xevtchn_cpu, cpu);

	c->vcpu_id = xevtchn_this_vcpu_id();
	if (c->vcpu_id >= MAX_VIRT_CPUS) {
		pr_err("CPU %u is Xen vCPU %u; only vCPUs below %u have a vcpu_info slot in shared_info\n",
		       cpu, c->vcpu_id, MAX_VIRT_CPUS);
		return -EINVAL;
	}
	c->vcpu_info = &xevtchn_shared->vcpu_info[c->vcpu_id];
	c->cpu = cpu;
	atomic_set(&c->pass, 0);
	c->resting = false;
	xevtchn_hrtimer_setup(&c->rest_timer, rest_over, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_PINNED_HARD);
	return 0;
}

/**
 * xevtchn_upcall_cpu_up() - start @cpu's upcall; from now on it takes ports
 * @cpu: the CPU coming online
 *
 * Under upcall=vector, gives the CPU its upcall vector; under
 * upcall=callback, its IRQ behind Xen's callback vector; under INTx, the
 * platform device's line serves CPU 0 (xevtchn_upcall_start()).
 *
 * Context: the CPU hotplug callback (cpu.c), after the ABI's cpu_up.
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_upcall_cpu_up(unsigned int cpu)
{
	int ret;

	ret = mode->cpu_up ? mode->cpu_up(cpu) : 0;
	if (ret)
		return ret;
	WRITE_ONCE(per_cpu_ptr(&xevtchn_cpu, cpu)->ready, true);
	return 0;
}

/**
 * xevtchn_upcall_cpu_close() - @cpu takes no new ports from now on
 * @cpu: the CPU going offline
 *
 * Its upcall still runs, for the ports that are about to move away.
 *
 * Context: the CPU hotplug callback (cpu.c).
 */
void xevtchn_upcall_cpu_close(unsigned int cpu)
{
	WRITE_ONCE(per_cpu_ptr(&xevtchn_cpu, cpu)->ready, false);
}

/**
 * xevtchn_upcall_cpu_down() - stop @cpu's upcall, and its rest
 * @cpu: the CPU going offline, its dynamic ports moved away
 *
 * Once the mode's upcall is gone only the rest timer can run a pass, and a
 * pass can arm it again: hrtimer_cancel() waits for a pass that runs and
 * cancels what it armed. A rest cut short leaves the flag clear, as an
 * upcall would; what it left stays with Xen's flags (the FIFO ABI's
 * cpu_down takes it from the queues).
 *
 * Context: the CPU hotplug callback (cpu.c), before the ABI's cpu_down.
 */
void xevtchn_upcall_cpu_down(unsigned int cpu)
{
	struct xevtchn_cpu *c = per_cpu_ptr(&xevtchn_cpu, cpu);

	if (mode->cpu_down)
		mode->cpu_down(cpu);
	hrtimer_cancel(&c->rest_timer);
	local_irq_disable();
	if (c->resting) {
		WRITE_ONCE(c->resting, false);
		WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending, 0);
	}
	local_irq_enable();
}

static int choose_mode(void)
{
	bool offered = xevtchn_xen_info()->hvm_flags &
		       XEN_HVM_CPUID_UPCALL_VECTOR;

	if (!strcmp(upcall, "intx")) {
		mode = &xevtchn_upcall_intx;
	} else if (!strcmp(upcall, "callback")) {
		mode = &xevtchn_upcall_callback;
	} else if (!strcmp(upcall, "vector") || !strcmp(upcall, "auto")) {
		mode = offered ? &xevtchn_upcall_vector : &xevtchn_upcall_intx;
		if (!offered && upcall[0] == 'v') {
			pr_err("upcall=vector, but this Xen offers no per-vCPU upcall vector (XEN_HVM_CPUID_UPCALL_VECTOR); try upcall=intx\n");
			return -ENODEV;
		}
	} else {
		pr_err("upcall=%s is not one of auto, vector, callback, intx\n",
		       upcall);
		return -EINVAL;
	}
	return mode->check ? mode->check() : 0;
}

/**
 * xevtchn_upcall_init() - choose the upcall (upcall=) and map shared_info
 *
 * Context: module load, step 3 (main.c).
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_upcall_init(void)
{
	int ret;

	ret = choose_mode();
	if (ret)
		return ret;
	budget_clock_init();
	/*
	 * Xen lays shared_info out for 32- or 64-bit guests, latching the
	 * guest's mode when it sets HVM_PARAM_CALLBACK_IRQ. hvmloader runs in
	 * 32-bit mode and leaves the 32-bit layout behind: Xen would then look
	 * for mask bits and write selector bits where a 64-bit guest has
	 * other fields, and events get lost. Setting the parameter from here,
	 * in 64-bit mode, latches the 64-bit layout. 0 means "no callback";
	 * the mode's start sets the real one.
	 */
	ret = xevtchn_set_callback_via(0);
	if (ret) {
		pr_err("Xen refused HVM_PARAM_CALLBACK_IRQ (%d)\n", ret);
		return ret;
	}
	return xevtchn_map_shared_info();
}

/**
 * xevtchn_upcall_exit() - give shared_info back
 *
 * Context: module unload, step 3 undone (main.c); no upcall runs any more.
 */
void xevtchn_upcall_exit(void)
{
	xevtchn_unmap_shared_info();
}

/**
 * xevtchn_upcall_start() - under upcall=intx, start the platform device's
 *	line; under upcall=callback, Xen's callback vector; say how upcalls
 *	come
 *
 * Every CPU's part is set up by now (cpu.c); under upcall=vector that
 * included its vector, under upcall=callback its IRQ.
 *
 * Context: module load, step 6 (main.c).
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_upcall_start(void)
{
	int ret;

	ret = mode->start ? mode->start() : 0;
	if (ret)
		return ret;
	pr_info("upcall by %s, %s event channel ABI, upcall budget timed by %s\n",
		mode->describe, xevtchn_abi->name,
		xevtchn_budget_clock_name());
	return 0;
}

/**
 * xevtchn_upcall_announce() - tell the toolstack whether the guest answers
 *	its control requests
 * @answering: true while control.c watches control/shutdown
 *
 * libxl takes a non-zero HVM_PARAM_CALLBACK_IRQ to mean "PV drivers", and
 * only then sends poweroff, reboot and suspend through control/shutdown
 * instead of failing without -F (libxl__domain_pvcontrol_available(),
 * tools/libs/light/libxl_domain.c of Xen 4.17) and instead of suspending
 * the domain behind the guest's back (domain_suspend_callback_common(),
 * libxl_dom_suspend.c). Under upcall=intx and upcall=callback the
 * parameter is set anyway; under upcall=vector the mode sets it while
 * xevtchn answers (upcall_vector.c).
 *
 * Context: process context, after every CPU's upcall is set up (step 5).
 * Return: 0, or Xen's error.
 */
int xevtchn_upcall_announce(bool answering)
{
	return mode->announce ? mode->announce(answering) : 0;
}

/**
 * xevtchn_upcall_resume() - have Xen signal again after a suspend
 * @new_domain: the suspend was not cancelled: the domain is new
 *
 * In a new domain shared_info is mapped again first, at the same frame,
 * so the vcpu_info slots (the legacy ones: nothing was registered with
 * VCPUOP_register_vcpu_info, so there is nothing to register again) stay
 * where the per-CPU state points, and the budget's clock is chosen again
 * (the new host may emulate the TSC). Then, cancelled or not, the mode sets
 * its upcall again, as Linux's xen_hvm_post_suspend() does either way
 * (arch/x86/xen/suspend_hvm.c): every online CPU's vector, or
 * HVM_PARAM_CALLBACK_IRQ, which the save does not carry (libxl's save
 * stream keeps only a list of HVM parameters, and not this one:
 * tools/libs/guest/xg_sr_save_x86_hvm.c of Xen 4.17). Setting it from
 * 64-bit mode also latches the 64-bit shared_info layout again (see
 * xevtchn_upcall_init()).
 *
 * Context: the suspend's stop_machine() callback (suspend.c), on CPU 0
 * with the other CPUs stopped and interrupts off.
 * Return: 0, or Xen's error; the log says which step failed.
 */
int xevtchn_upcall_resume(bool new_domain)
{
	int ret;

	if (new_domain) {
		ret = xevtchn_remap_shared_info();
		if (ret)
			return ret;
		budget_clock_init();	/* the new host's TSC */
	}
	return mode->resume ? mode->resume() : 0;
}

/**
 * xevtchn_upcall_stop() - Xen stops calling back; the INTx line or IRQ 2
 *	goes back
 *
 * Every port is closed by now. Per-CPU vectors and upcall IRQs go with
 * their CPU's part (cpu.c).
 *
 * Context: module unload, step 6 undone (main.c).
 */
void xevtchn_upcall_stop(void)
{
	mode->stop();
}
