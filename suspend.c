// SPDX-License-Identifier: GPL-2.0
/*
 * Suspend and resume: what "xl save", "xl restore" and "xl migrate" do to
 * the guest. The toolstack asks through xenstore (control/shutdown =
 * "suspend"; control.c acknowledges and calls xevtchn_suspend(), from a
 * work item of its own, not from the watch thread). The guest then
 * suspends itself with SCHEDOP_shutdown(SHUTDOWN_suspend), and the
 * hypercall returns either in the same domain (1: the toolstack cancelled,
 * everything is as it was; or 0, HVM_PARAM_CALLBACK_IRQ still set: see
 * still_same_domain()) or, after a restore or a migration, in a new
 * domain (0, the parameter 0) that has none of the guest's event channel
 * state: no
 * shared_info at its frame, no upcall, no FIFO control block, no port
 * (Linux: drivers/xen/manage.c, do_suspend() and xen_suspend();
 * arch/x86/xen/suspend_hvm.c, xen_hvm_post_suspend()).
 *
 * The order, from process context:
 *
 *   0. the resume notifiers hear XEVTCHN_SUSPENDING: drivers quiesce
 *   1. the steps above (the xenstore API) hold the drivers' requests back
 *      and let those under way finish (struct xevtchn_suspend_ops)
 *   2. CPU hotplug is disabled (its callbacks take the bind mutex and
 *      change the per-CPU parts), the bind gate is closed (every API call
 *      that binds or unbinds waits outside the bind mutex, resume.c) and
 *      the deferred closes are drained: no binding, unbinding or close is
 *      half done, and none starts
 *   3. stop_machine() on CPU 0, the other CPUs stopped with interrupts
 *      off: the hypercall; then, in a new domain, shared_info mapped again
 *      and the ABI set up again (every port masked), and every port
 *      forgotten (events.c); cancelled or not, the upcall set again
 *      (upcall.c). No other CPU runs meanwhile, so nothing reads an old
 *      port number between the return and the forgetting
 *   4. in a new domain, each binding set up again (resume.c)
 *   5. the gate opens, CPU hotplug is enabled again
 *   6. the steps above: the xenstore connection connects again, the API
 *      registers its watches again (a new domain), then lets the drivers'
 *      requests go
 *   7. the resume notifiers hear XEVTCHN_RESUMED (a new domain: drivers
 *      reconnect what was lost) or XEVTCHN_RESUME_CANCELLED (anything
 *      else, a failed hypercall included: nothing was lost)
 *
 * If Xen refuses to set the upcall or the ABI up again in step 3, no event
 * can arrive any more, and nothing is set up on top of that: step 4 is
 * skipped, the API is closed (every call fails with -ENODEV, as before
 * load; a call that waited at the gate is refused when it would attach),
 * HVM_PARAM_CALLBACK_IRQ is set to 0 (so that the toolstack stops sending
 * control requests nobody can answer, and suspends the domain without
 * asking), the xenstore connection goes, the log says what failed
 * (pr_crit), the notifiers hear XEVTCHN_RESUME_FAILED, and every later
 * suspend is refused. What is left to do is to unload xevtchn: unbinding
 * still works, and closes nothing in a new domain.
 *
 * Lock order: the suspend mutex (one suspend at a time), then CPU
 * hotplug's cpu_add_remove_lock (cpu_hotplug_disable()), then
 * xevtchn_bind_mutex, taken only briefly, never across stop_machine()
 * (which takes cpu_hotplug_lock, which the hotplug callbacks hold around
 * the bind mutex).
 *
 * Not done, unlike mainline: the devices' and syscore's suspend and resume
 * (dpm_suspend_start(), syscore_suspend()): xevtchn is a module beside a
 * kernel that does not know it is on Xen; the emulated devices and the
 * local APIC move with the domain's state. So the wall clock does not
 * catch up with the time the domain spent saved: NTP does.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/stop_machine.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/sched.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include "internal.h"

static DEFINE_MUTEX(suspend_mutex);
static const struct xevtchn_suspend_ops *upper_ops[XEVTCHN_SUSPEND_LEVELS];
static BLOCKING_NOTIFIER_HEAD(resume_chain);
/* A resume failed (see the top of the file); under suspend_mutex. */
static bool broken;

/**
 * struct suspend_state - what the stop_machine() callback did
 * @ret: the hypercall's result: 0, a new domain; 1, cancelled; or an
 *	error, not suspended
 * @err: in a new domain, the step that failed to set up (0: none)
 * @what: that step, for the log
 * @same_after_0: the hypercall returned 0 in the same domain (@ret is 1)
 * @param_err: reading HVM_PARAM_CALLBACK_IRQ after a 0 failed with it
 */
struct suspend_state {
	long ret;
	int err;
	const char *what;
	bool same_after_0;
	long param_err;
};

/*
 * A 0 from the hypercall: is this the same domain after all? Only
 * xc_domain_resume()'s cooperative path (fast=1) makes the hypercall
 * return 1; its other path (fast=0, xc_domain_resume_any()) resumes an
 * HVM domain with XEN_DOMCTL_resumedomain and leaves RAX alone, and
 * modify_returncode() skips a domain whose HVM_PARAM_CALLBACK_IRQ is 0
 * (tools/libs/guest/xg_resume.c of Xen 4.17). The parameter tells the two
 * apart: the save does not carry it (it is not in the save stream's list,
 * tools/libs/guest/xg_sr_save_x86_hvm.c), so a restored or migrated
 * domain has 0, while this one set it before asking to be suspended (the
 * toolstack asks only a guest that has it set). If it cannot be read, the
 * domain is taken for new, as before.
 */
static bool still_same_domain(struct suspend_state *s)
{
	u64 via = 0;

	s->param_err = xevtchn_hvm_get_param(HVM_PARAM_CALLBACK_IRQ, &via);
	return !s->param_err && via;
}

/*
 * On CPU 0, the other CPUs stopped, interrupts off (stop_machine()). Linux
 * suspends the same way, from its own stop_machine() callback (manage.c,
 * xen_suspend()). For an HVM guest the hypercall takes no frame; it
 * returns 0 in the restored domain, 1 when the toolstack resumed this one
 * (xc_domain_resume() sets the vCPU's RAX: modify_returncode(),
 * tools/libs/guest/xg_resume.c of Xen 4.17), or 0 again when it resumed
 * this one without setting RAX (still_same_domain()). modify_returncode()
 * sets vCPU 0's RAX: CPU 0 must be vCPU 0.
 */
static int suspend_on_cpu0(void *data)
{
	struct suspend_state *s = data;
	struct sched_shutdown shutdown = { .reason = SHUTDOWN_suspend };

	WARN_ON_ONCE(!irqs_disabled());
	WARN_ON_ONCE(xevtchn_vcpu_id(0) != 0);
	s->ret = xevtchn_sched_op(SCHEDOP_shutdown, &shutdown);
	if (!s->ret && still_same_domain(s)) {
		s->same_after_0 = true;
		s->ret = 1;
	}
	if (!s->ret)	/* whatever fails below, the old numbers mean nothing */
		xevtchn_forget_all_ports();
	s->what = "the upcall";
	s->err = xevtchn_upcall_resume(!s->ret);
	if (s->ret || s->err)
		return 0;
	s->what = "the event channel ABI";
	s->err = xevtchn_abi->resume();
	return 0;
}

/*
 * Every port was forgotten with the other CPUs stopped; but a reader under
 * a preemptible rcu_read_lock() (a send through an IRQ, port_ops.c) may
 * have read an old number before, and send on it after. Wait for such
 * readers before ports are bound again, so that none of the new ones gets
 * an event meant for an old number. (The toolstack's new ports may, as a
 * spurious notification to xenstored or xenconsoled, which they take.)
 */
static void resume_in_new_domain(void)
{
	xevtchn_hypervisor_resume();
	synchronize_rcu();
	xevtchn_resume_bindings();
}

/*
 * Step 3 failed: Xen refused to set the upcall or the ABI up again, and no
 * event arrives any more. Set nothing up on top of it (see the top of the
 * file), and say so loudly.
 */
static void resume_failed(const struct suspend_state *s)
{
	WRITE_ONCE(broken, true);
	xevtchn_set_ready(false);
	xevtchn_upcall_announce(false);
	xevtchn_reset_callback_via();
	pr_crit("the resume failed: after the suspend (%s), Xen refused to set %s up again (%d). No event arrives any more: no binding is set up again, every call of the API fails with -ENODEV, HVM_PARAM_CALLBACK_IRQ is 0 (the toolstack's control requests are no longer answered), and xenstore is disconnected; unload xevtchn\n",
		s->ret < 0 ? "refused by Xen" : s->ret ? "cancelled" :
		"in a new domain", s->what, s->err);
}

/* Is an MSI bound? Its PIRQ does not survive (pirq.c). */
static bool msi_bound(void)
{
	struct xevtchn_irq *info;
	unsigned long irq;
	bool found = false;

	mutex_lock(&xevtchn_bind_mutex);
	for (irq = 0; !found && (info = xevtchn_next_binding(&irq)); irq++)
		found = info->ops && info->ops->owned_by_domain;
	mutex_unlock(&xevtchn_bind_mutex);
	return found;
}

/**
 * xevtchn_suspend_refusal() - why this guest cannot suspend now
 *
 * Context: process context; sleeps.
 * Return: the reason, for the log; NULL when it can.
 */
const char *xevtchn_suspend_refusal(void)
{
	const char *why = xevtchn_testing_suspend_refusal();

	if (why)
		return why;
	if (READ_ONCE(broken))
		return "a resume failed, and no event arrives any more; unload xevtchn";
	if (msi_bound())
		return "an MSI is bound (attach=); its PIRQ would not survive";
	return NULL;
}

/**
 * xevtchn_suspend() - suspend the domain for the toolstack, and resume
 *
 * See the top of the file. The toolstack has been told (control.c).
 *
 * Context: process context, no lock of xevtchn held; sleeps, and stops
 * every CPU while the domain is suspended.
 * Return: 0 when the domain resumed in a new domain (restored or
 * migrated); 1 when the suspend was cancelled, or refused once the
 * drivers had quiesced, and the domain goes on as it was; -EOPNOTSUPP,
 * with the reason in the log, when it was refused before anything was
 * done; Xen's error when the hypercall failed (not suspended); -EIO when
 * Xen refused to set the upcall or the ABI up again afterwards (the
 * resume failed: see the top of the file).
 */
int xevtchn_suspend(void)
{
	enum xevtchn_woke woke = XEVTCHN_WOKE_SAME;
	struct suspend_state s = {};
	unsigned long event;
	unsigned int level;
	const char *why;
	int ret;

	mutex_lock(&suspend_mutex);
	why = xevtchn_suspend_refusal();
	if (why) {
		pr_warn("not suspending: %s\n", why);
		mutex_unlock(&suspend_mutex);
		return -EOPNOTSUPP;
	}
	/* Drivers quiesce, with the API open to them. */
	blocking_notifier_call_chain(&resume_chain, XEVTCHN_SUSPENDING, NULL);
	for (level = XEVTCHN_SUSPEND_LEVELS; level-- > 0; )
		if (upper_ops[level] && upper_ops[level]->prepare)
			upper_ops[level]->prepare();
	cpu_hotplug_disable();
	xevtchn_bind_gate(true);
	xevtchn_drain_closes();
	why = xevtchn_suspend_refusal();	/* again: binds ran meanwhile */
	if (why) {
		pr_warn("not suspending: %s\n", why);
		ret = 1;	/* the drivers resume as after a cancel */
		goto out;
	}
	pr_info("suspending for the toolstack (save or migration)\n");
	stop_machine(suspend_on_cpu0, &s, cpumask_of(0));
	ret = s.ret;
	if (s.err) {
		resume_failed(&s);
		woke = XEVTCHN_WOKE_BROKEN;
		ret = -EIO;
	} else if (s.ret < 0) {
		pr_err("Xen refused to suspend the domain (%ld)\n", s.ret);
	} else if (s.ret) {
		pr_info("the suspend was cancelled%s; resuming as before\n",
			s.same_after_0 ?
			" (0 from the hypercall, the callback still set)" : "");
	} else {
		if (s.param_err)
			pr_warn("cannot read HVM_PARAM_CALLBACK_IRQ (%ld); taking the domain for a new one\n",
				s.param_err);
		resume_in_new_domain();
		woke = XEVTCHN_WOKE_NEW;
	}
out:
	xevtchn_bind_gate(false);
	cpu_hotplug_enable();
	for (level = 0; level < XEVTCHN_SUSPEND_LEVELS; level++)
		if (upper_ops[level] && upper_ops[level]->resume)
			upper_ops[level]->resume(woke);
	event = woke == XEVTCHN_WOKE_NEW ? XEVTCHN_RESUMED :
		woke == XEVTCHN_WOKE_BROKEN ? XEVTCHN_RESUME_FAILED :
		XEVTCHN_RESUME_CANCELLED;
	blocking_notifier_call_chain(&resume_chain, event, NULL);
	mutex_unlock(&suspend_mutex);
	return ret;
}

/**
 * xevtchn_suspend_set_ops() - what a step above does around a suspend
 * @level: which step
 * @ops: its hooks, or NULL when it goes
 *
 * Context: process context (load steps 12 and 13, and their undoing);
 * waits for a suspend under way.
 */
void xevtchn_suspend_set_ops(enum xevtchn_suspend_level level,
			     const struct xevtchn_suspend_ops *ops)
{
	mutex_lock(&suspend_mutex);
	upper_ops[level] = ops;
	mutex_unlock(&suspend_mutex);
}

/**
 * xevtchn_register_resume_notifier() - hear when the domain resumes after
 *	a suspend for the toolstack
 * @nb: the notifier; its callback gets XEVTCHN_SUSPENDING (the domain is
 *	about to be suspended: quiesce, and expect nothing sent from now on
 *	to arrive before the resume), then XEVTCHN_RESUMED (a new domain:
 *	the interdomain, loopback and unbound ports are gone),
 *	XEVTCHN_RESUME_CANCELLED (the same domain, nothing lost) or
 *	XEVTCHN_RESUME_FAILED (no event arrives any more, and the API
 *	refuses every call but unbinding: give up, and unbind); and NULL
 *
 * The callbacks run in process context, one after the other, with no lock
 * of xevtchn held: they may bind, unbind, rebind
 * (xevtchn_rebind_evtchn_irq()) and use xenstore. XEVTCHN_RESUMED and
 * XEVTCHN_RESUME_CANCELLED come after every VIRQ, IPI and GSI is bound
 * again and the xenstore connection is back, its watches registered
 * again; XEVTCHN_RESUME_FAILED after nothing of that. A callback must not
 * unregister a notifier. Unregister before the driver unloads.
 *
 * Context: process context; sleeps.
 * Return: 0, or -EEXIST when @nb is registered already.
 */
int xevtchn_register_resume_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&resume_chain, nb);
}
EXPORT_SYMBOL_GPL(xevtchn_register_resume_notifier);

/**
 * xevtchn_unregister_resume_notifier() - stop hearing of resumes
 * @nb: a notifier registered with xevtchn_register_resume_notifier()
 *
 * When this returns, its callback does not run any more.
 *
 * Context: process context; sleeps (waits for a running resume's
 * notifiers).
 * Return: 0, or -ENOENT when @nb is not registered.
 */
int xevtchn_unregister_resume_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_unregister(&resume_chain, nb);
}
EXPORT_SYMBOL_GPL(xevtchn_unregister_resume_notifier);
