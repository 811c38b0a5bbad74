// SPDX-License-Identifier: GPL-2.0
/*
 * The bindings across a suspend (suspend.c runs it): the bind gate, which
 * keeps the API's calls out while the domain is suspended and resumed;
 * each binding set up again in the new domain; and the API that gives an
 * interdomain binding its new port.
 *
 * After a restore or a migration the domain is new: Xen has none of its
 * ports (only those the toolstack opened for it again: xenstore's and the
 * console's, under new numbers), and any number may be someone else's.
 * By then the suspend's stop_machine() callback has set the ABI up again,
 * every port masked, and forgotten every port of every binding
 * (xevtchn_forget_all_ports(), events.c): a binding's port is 0, "none".
 * Here, under the bind mutex, each binding gets what it can get back, as
 * Linux's xen_irq_resume() does (drivers/xen/events/events_base.c:
 * restore_cpu_virqs(), restore_cpu_ipis(), restore_pirqs()), and FreeBSD's
 * xen_intr_resume() (sys/x86/xen/xen_intr.c):
 *
 *   VIRQ	bound again on the vCPU it was bound on; a global one that had
 *		moved goes back where it was
 *   IPI	bound again on its CPU
 *   GSI PIRQ	mapped again, to the same PIRQ, and bound (pirq.c, through
 *		its source ops' ->resume)
 *   MSI PIRQ	none: suspend.c refuses to suspend while one is bound
 *   others	interdomain, loopback and unbound ports: gone with the old
 *		domain. The binding stays, its IRQ and handler too, without a
 *		port: sends fail with -ENOTCONN, unbinding closes nothing.
 *		Its driver hears of the resume (the resume notifier,
 *		suspend.c), connects again, and gives the IRQ its new port
 *		with xevtchn_rebind_evtchn_irq().
 *
 * Each binding keeps its Linux IRQ, its handler, its CPU and its mask
 * reasons: its new port is unmasked only if nothing masks the IRQ.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include "internal.h"

/* A suspend is under way: xevtchn_bind_lock() waits. */
static bool gate_closed;
static DECLARE_WAIT_QUEUE_HEAD(gate_wq);
/* Resumes in a new domain since load, for debugfs and the logs. */
static unsigned int resumes;

/**
 * xevtchn_bind_lock() - take xevtchn_bind_mutex, once no suspend is under
 *	way
 *
 * The API's way to the bind mutex: while a suspend and its resume run,
 * every caller waits here, outside the mutex, so that no binding or
 * unbinding is half done when the domain is suspended, and none starts
 * before the bindings are set up again. The deferred closes and the CPU
 * hotplug callbacks take the mutex directly: the suspend drains the first
 * and disables the second.
 *
 * Context: process context; sleeps.
 */
void xevtchn_bind_lock(void)
{
	for (;;) {
		mutex_lock(&xevtchn_bind_mutex);
		if (likely(!gate_closed))
			return;
		mutex_unlock(&xevtchn_bind_mutex);
		wait_event(gate_wq, !READ_ONCE(gate_closed));
	}
}

/**
 * xevtchn_bind_gate() - make xevtchn_bind_lock() wait, or let it in again
 * @closed: true when a suspend begins; false when its resume is done
 *
 * Closing the gate waits for whoever holds the bind mutex, and for every
 * call that names a port by its number and found the gate open
 * (xevtchn_port_gate_check()): none is under way when the domain is
 * suspended, and none starts until the resume is done.
 *
 * Context: process context, without xevtchn_bind_mutex (suspend.c).
 */
void xevtchn_bind_gate(bool closed)
{
	mutex_lock(&xevtchn_bind_mutex);
	WRITE_ONCE(gate_closed, closed);
	mutex_unlock(&xevtchn_bind_mutex);
	if (closed)
		synchronize_rcu();	/* the sched-RCU readers of the gate */
	else
		wake_up_all(&gate_wq);
}

/**
 * xevtchn_port_gate_check() - refuse a call that names a port by its
 *	number while a suspend runs
 * @caller: the refusing function's name
 *
 * For the calls that cannot wait at the gate (any context): opening a
 * port (xevtchn_alloc_unbound(), xevtchn_alloc_loopback()) and sending on
 * one by number (xevtchn_notify_remote_via_evtchn()). While a suspend and
 * its resume run they fail: a port opened, or a number sent on, just
 * before the domain is suspended means nothing, or someone else's port,
 * after a resume in a new domain. Call it, and make the hypercall, inside
 * one rcu_read_lock_sched() section: closing the gate waits for it.
 *
 * Context: any context, inside rcu_read_lock_sched().
 * Return: 0, or -EAGAIN while the gate is closed (try again after the
 * resume notifier's XEVTCHN_RESUMED or XEVTCHN_RESUME_CANCELLED).
 */
int xevtchn_port_gate_check(const char *caller)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_sched_held(),
			 "the port gate checked outside rcu_read_lock_sched()");
	if (likely(!READ_ONCE(gate_closed)))
		return 0;
	pr_warn_ratelimited("%s: a suspend is under way; try again after the resume\n",
			    caller);
	return -EAGAIN;
}

/**
 * xevtchn_resume_count() - resumes in a new domain since load
 *
 * Context: any.
 * Return: the count.
 */
unsigned int xevtchn_resume_count(void)
{
	return READ_ONCE(resumes);
}

/**
 * xevtchn_attach_port() - give a binding without a port a new one
 * @info: an attached binding whose port is 0 (a resume forgot it)
 * @port: a port Xen just opened for it, or one to bind it to
 * @notify_vcpu: the vCPU Xen notifies for @port now
 *
 * Readies the ABI for @port and masks it; then, under @info->lock, as
 * xevtchn_rebind_to_cpu() moves a port: has Xen notify @info->cpu's vCPU
 * (dynamic ports), publishes the port in the port table and the binding,
 * and gives it to @info->cpu in the ABI (2-level: the CPU's owned bit).
 * An affinity change cannot come between the choice of the vCPU and the
 * owned bit: the lock holds @info->cpu still, and a move that ran before
 * (port 0: only noted) is the one followed here. Otherwise Xen could
 * notify the old CPU's vCPU while the new CPU owns the port, and the
 * event would be lost. An event genirq asked to resend while there was
 * no port (xevtchn_irq_retrigger()) is set pending on @port, so that the
 * unmask delivers it. The port stays masked: unmask_if_unmasked()
 * follows.
 *
 * Context: under xevtchn_bind_mutex; takes @info->lock.
 * Return: 0, or a negative errno with the reason in the kernel log
 * (-ENODEV: a resume failed, suspend.c); then @info keeps port 0, and
 * whoever opened @port closes it.
 */
int xevtchn_attach_port(struct xevtchn_irq *info, evtchn_port_t port,
			unsigned int notify_vcpu)
{
	struct evtchn_bind_vcpu bind = { .port = port };
	unsigned long flags;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	ret = xevtchn_check_ready(__func__);	/* a failed resume closed it */
	if (ret)
		return ret;
	if (port >= xevtchn_abi->max_ports || !port)
		return refuse(-EINVAL, "port %u is out of the ABI's range", port);
	ret = xevtchn_check_port_free(port, __func__);
	if (!ret)
		ret = xevtchn_abi_port_setup(port);
	/* The table's row now (it may allocate): no allocation under the lock. */
	if (!ret)
		ret = xevtchn_set_port_info(port, NULL);
	if (ret)
		return ret;
	xevtchn_abi->mask(port);
	raw_spin_lock_irqsave(&info->lock, flags);
	bind.vcpu = info->percpu ? notify_vcpu : xevtchn_vcpu_id(info->cpu);
	if (bind.vcpu != notify_vcpu)
		ret = xevtchn_event_channel_op(EVTCHNOP_bind_vcpu, &bind);
	if (!ret) {
		xevtchn_set_port_info(port, info);	/* the row exists */
		info->notify_vcpu = bind.vcpu;
		WRITE_ONCE(info->port, port);
		xevtchn_abi_bind_to_cpu(port, info->cpu, info->cpu);
		if (info->resend_owed)
			xevtchn_abi->set_pending(port);
		info->resend_owed = false;
	}
	raw_spin_unlock_irqrestore(&info->lock, flags);
	if (ret)
		return refuse(ret, "Xen refused to bind port %u to vCPU %u (%d)",
			      port, bind.vcpu, ret);
	return 0;
}

/* Unmask the new port, unless a reason (the driver, an EOI owed) masks it. */
static void unmask_if_unmasked(struct xevtchn_irq *info)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (!info->mask_reason && info->port)
		xevtchn_abi->unmask(info->port);
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/*
 * Xen answered @ret to binding @info's source (@what @nr) on @vcpu again:
 * give @info the new @port, or close it if that fails.
 */
static int attach_again(struct xevtchn_irq *info, int ret, evtchn_port_t port,
			unsigned int vcpu, const char *what, unsigned int nr)
{
	if (ret)
		return refuse(ret, "Xen refused %s %u on vCPU %u again (%d)",
			      what, nr, vcpu, ret);
	ret = xevtchn_attach_port(info, port, vcpu);
	if (ret)
		xevtchn_close_evtchn(port);
	return ret;
}

static int rebind_virq(struct xevtchn_irq *info)
{
	struct evtchn_bind_virq bind = {
		.virq = info->virq,
		.vcpu = xevtchn_vcpu_id(info->bound_cpu),
	};
	int ret = xevtchn_event_channel_op(EVTCHNOP_bind_virq, &bind);

	return attach_again(info, ret, bind.port, bind.vcpu, "VIRQ", info->virq);
}

static int rebind_ipi(struct xevtchn_irq *info)
{
	struct evtchn_bind_ipi bind = {
		.vcpu = xevtchn_vcpu_id(info->bound_cpu),
	};
	int ret = xevtchn_event_channel_op(EVTCHNOP_bind_ipi, &bind);

	return attach_again(info, ret, bind.port, bind.vcpu, "IPI", info->ipi);
}

/**
 * xevtchn_resume_bindings() - set every binding up again in the new domain
 *
 * See the top of the file. A binding that cannot get its port back (Xen
 * refuses) stays without one, as an interdomain one does, and the log
 * says so: its IRQ never fires again, but nothing else is harmed.
 *
 * Context: process context, after the suspend's stop_machine() in a new
 * domain; the bind gate closed, the bind mutex not held (taken here).
 */
void xevtchn_resume_bindings(void)
{
	unsigned int virqs = 0, ipis = 0, pirqs = 0, gone = 0, failed = 0;
	struct xevtchn_irq *info;
	unsigned long irq;
	int ret;

	mutex_lock(&xevtchn_bind_mutex);
	for (irq = 0; (info = xevtchn_next_binding(&irq)); irq++) {
		switch (info->type) {
		case XEVTCHN_PORT_VIRQ:
			ret = rebind_virq(info);
			virqs += !ret;
			break;
		case XEVTCHN_PORT_IPI:
			ret = rebind_ipi(info);
			ipis += !ret;
			break;
		case XEVTCHN_PORT_PIRQ:
			ret = info->ops && info->ops->resume ?
			      info->ops->resume(info) :
			      refuse(-EOPNOTSUPP, "IRQ %u: PIRQ %u cannot be bound again",
				     info->irq, info->pirq);
			pirqs += !ret;
			break;
		default:
			gone++;
			continue;
		}
		if (ret)
			failed++;
		else
			unmask_if_unmasked(info);
	}
	WRITE_ONCE(resumes, resumes + 1);
	mutex_unlock(&xevtchn_bind_mutex);
	pr_info("resumed in a new domain: %u VIRQs, %u IPIs, %u PIRQs bound again; %u interdomain, loopback or unbound ports gone with the old domain%s\n",
		virqs, ipis, pirqs, gone,
		failed ? "; some bindings could not be set up again (above)" : "");
}

/**
 * xevtchn_rebind_evtchn_irq() - give an IRQ whose port is gone a new one
 * @port: an open port of this domain, unbound or interdomain, not bound
 *	to an IRQ (from xevtchn_alloc_unbound(), or the local port of a new
 *	connection: see Documentation/events.md, "Save, restore and
 *	migration")
 * @irq: an IRQ from one of the bind functions for event channel ports
 *	(not a VIRQ, IPI or PIRQ), left without a port by a resume in a new
 *	domain
 *
 * After a restore or a migration an interdomain, loopback or unbound
 * binding keeps its IRQ and handler but has no port. Its driver connects
 * again (a new unbound port for its peer, or a bind to the peer's new
 * one) and hands the new port to the same IRQ: its handler, name, CPU and
 * mask state stay. Mainline's rebind_evtchn_irq(), which returns nothing,
 * does the same for its own console and xenstore.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL when @irq is not such an IRQ of xevtchn, or @port is
 * not an unbound or interdomain port of this domain; -EBUSY when @irq
 * still has a port, or is being unbound, or @port is bound; -ENODEV before
 * xevtchn is ready.
 */
int xevtchn_rebind_evtchn_irq(evtchn_port_t port, unsigned int irq)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
	struct xevtchn_irq *info;
	int ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	xevtchn_bind_lock();
	info = xevtchn_irq_info(irq);
	if (!info || info->type != XEVTCHN_PORT_EVTCHN) {
		ret = refuse(-EINVAL, "IRQ %u is not an event channel IRQ of xevtchn",
			     irq);
		goto out;
	}
	if (info->port || info->unbinding) {
		ret = refuse(-EBUSY, "IRQ %u has port %u, or is being unbound",
			     irq, info->port);
		goto out;
	}
	ret = xevtchn_event_channel_op(EVTCHNOP_status, &st);
	if (!ret && st.status != EVTCHNSTAT_unbound &&
	    st.status != EVTCHNSTAT_interdomain)
		ret = -EINVAL;
	if (ret) {
		ret = refuse(ret, "port %u is not an unbound or interdomain port of this domain",
			     port);
		goto out;
	}
	ret = xevtchn_attach_port(info, port, st.vcpu);
	if (ret)
		goto out;
	if (st.status == EVTCHNSTAT_interdomain) {
		info->remote_dom = st.u.interdomain.dom;
		info->remote_port = st.u.interdomain.port;
	} else {
		info->remote_port = 0;
	}
	unmask_if_unmasked(info);
out:
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_rebind_evtchn_irq);
