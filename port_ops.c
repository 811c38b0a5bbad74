// SPDX-License-Identifier: GPL-2.0
/*
 * What a driver does with a port besides binding it (bind.c): open one,
 * or a loopback pair, and close it while it is not bound; send on it, look
 * it up from its IRQ or the other way round, set, clear or test its
 * pending bit, poll it (SCHEDOP_poll, with Xen's clock for the timeout),
 * and set its FIFO priority. Only xevtchn_close_port() takes the bind
 * mutex (a bound or closing port is not closed behind its binding's back):
 * lookups go through the port table or the IRQ's chip data under RCU (an
 * unbinding closes the port a grace period later, and frees the binding a
 * grace period after the descriptor).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <asm/msr.h>
#include <xen/interface/sched.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include "internal.h"

/**
 * xevtchn_alloc_unbound() - open a port that @remote_domain may connect to
 * @remote_domain: the domain allowed to connect (DOMID_SELF for loopback)
 * @port: set to the new port
 *
 * The port is not bound to an IRQ; bind it with xevtchn_bind_evtchn_to_irq()
 * or close it with xevtchn_close_port().
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -EAGAIN while a suspend runs (resume.c); Xen's error
 * (-ESRCH: no such domain; -ENOSPC: no free port).
 */
int xevtchn_alloc_unbound(domid_t remote_domain, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = remote_domain,
	};
	int ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	rcu_read_lock_sched();
	ret = xevtchn_port_gate_check(__func__);
	if (!ret)
		ret = xevtchn_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	rcu_read_unlock_sched();
	if (ret == -EAGAIN)
		return ret;
	if (ret)
		return refuse(ret, "Xen refused a port for domain %u (%d)",
			      remote_domain, ret);
	*port = alloc.port;
	return 0;
}
EXPORT_SYMBOL_GPL(xevtchn_alloc_unbound);

/**
 * xevtchn_alloc_loopback() - open two connected ports of this domain
 * @port_a: set to the first port (allocated unbound for ourselves)
 * @port_b: set to the second, connected to @port_a
 *
 * A send on either port raises an event on the other. Neither is bound to
 * an IRQ yet.
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -EAGAIN while a suspend runs (resume.c); Xen's error. On
 * error no port stays open.
 */
int xevtchn_alloc_loopback(evtchn_port_t *port_a, evtchn_port_t *port_b)
{
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	int ret;

	/* One section: no suspend comes between the two (resume.c). */
	rcu_read_lock_sched();
	ret = xevtchn_alloc_unbound(DOMID_SELF, port_a);
	if (!ret) {
		bind.remote_port = *port_a;
		ret = xevtchn_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
		if (ret)
			xevtchn_close_evtchn(*port_a);
	}
	rcu_read_unlock_sched();
	if (ret && bind.remote_port)
		return refuse(ret, "Xen refused the loopback to port %u (%d)",
			      *port_a, ret);
	if (!ret)
		*port_b = bind.local_port;
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_alloc_loopback);

/**
 * xevtchn_close_port() - close a port that is not bound to an IRQ
 * @port: the port
 *
 * Context: process context; sleeps.
 * Return: 0; -EBUSY when the port is bound (unbind it instead); -EINVAL
 * when its IRQ was unbound, which closes it (the close may still be under
 * way: it is not closed twice); Xen's error.
 */
int xevtchn_close_port(evtchn_port_t port)
{
	int ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	xevtchn_bind_lock();
	ret = xevtchn_check_port_free(port, __func__);
	if (!ret) {
		ret = xevtchn_close_evtchn(port);
		if (ret)
			complain("Xen refused to close port %u (%d)", port, ret);
	}
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_close_port);

static int send_on(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	return xevtchn_event_channel_op(EVTCHNOP_send, &send);
}

/**
 * xevtchn_notify_remote_via_evtchn() - send an event on @port
 * @port: an open port of this domain
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -EAGAIN while a suspend runs (resume.c: the number may mean
 * another port once it is done); Xen's error (-EINVAL for a port that is
 * not open).
 */
int xevtchn_notify_remote_via_evtchn(evtchn_port_t port)
{
	int ret;

	rcu_read_lock_sched();
	ret = xevtchn_port_gate_check(__func__);
	if (!ret)
		ret = send_on(port);
	rcu_read_unlock_sched();
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_notify_remote_via_evtchn);

/**
 * xevtchn_notify_remote_via_irq() - send an event on @irq's port
 * @irq: an xevtchn IRQ
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -EINVAL when @irq is not an xevtchn IRQ; -ENOTCONN when a
 * resume in a new domain left it without a port (interdomain, loopback
 * and unbound ports: Documentation/events.md, "Save, restore and
 * migration"); Xen's error.
 */
int xevtchn_notify_remote_via_irq(int irq)
{
	struct xevtchn_irq *info;
	evtchn_port_t port = 0;
	int ret = -EINVAL;

	/*
	 * Send inside the read section: an unbind racing this closes the
	 * port only a grace period later, so the event reaches our port,
	 * never one Xen handed out again meanwhile.
	 */
	rcu_read_lock();
	info = irq < 0 ? NULL : xevtchn_irq_info(irq);
	if (info)
		port = READ_ONCE(info->port);
	if (port)	/* the binding's: no gate (the resume sets it to 0) */
		ret = send_on(port);
	rcu_read_unlock();
	if (!info)
		return refuse(-EINVAL, "IRQ %d is not bound by xevtchn", irq);
	if (!port)
		return refuse(-ENOTCONN, "IRQ %d has no port since the resume; rebind it",
			      irq);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_notify_remote_via_irq);

/**
 * xevtchn_irq_from_evtchn() - the IRQ @port is bound to
 * @port: a port
 *
 * Context: any context, hard IRQ included.
 * Return: the Linux IRQ, or -ENOENT when the port is not bound.
 */
int xevtchn_irq_from_evtchn(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int irq;

	rcu_read_lock();
	info = xevtchn_port_info(port);
	irq = info ? info->irq : -ENOENT;
	rcu_read_unlock();
	return irq;
}
EXPORT_SYMBOL_GPL(xevtchn_irq_from_evtchn);

/**
 * xevtchn_evtchn_from_irq() - the port bound to @irq
 * @irq: a Linux IRQ
 *
 * Context: any context, hard IRQ included.
 * Return: the port, or 0 (never a valid port) when @irq is not ours, or
 * has no port since a resume in a new domain.
 */
evtchn_port_t xevtchn_evtchn_from_irq(unsigned int irq)
{
	struct xevtchn_irq *info;
	evtchn_port_t port;

	rcu_read_lock();	/* against an unbind freeing the binding */
	info = xevtchn_irq_info(irq);
	port = info ? READ_ONCE(info->port) : 0;
	rcu_read_unlock();
	return port;
}
EXPORT_SYMBOL_GPL(xevtchn_evtchn_from_irq);

/* The port of @irq for the pending-bit helpers, or 0 with a message. */
static evtchn_port_t pending_port(int irq, const char *caller)
{
	evtchn_port_t port = irq < 0 ? 0 : xevtchn_evtchn_from_irq(irq);

	if (!port)
		pr_warn_ratelimited("%s: IRQ %d is not bound by xevtchn\n",
				    caller, irq);
	return port;
}

/*
 * Run @op on @irq's pending bit inside the read section: an unbind racing
 * this closes the port only a grace period later, so the bit is our
 * port's (closing at worst), never that of a port Xen handed out again.
 * Returns the bit (@op NULL), 1 when @op ran, 0 when @irq is not ours.
 */
static int on_pending_bit(int irq, void (*op)(evtchn_port_t port),
			  const char *caller)
{
	struct xevtchn_irq *info;
	int ret = 0;

	rcu_read_lock();
	info = irq < 0 ? NULL : xevtchn_irq_info(irq);
	if (info && !READ_ONCE(info->port))
		info = NULL;	/* none since a resume: as if not bound */
	if (info && op) {
		op(info->port);
		ret = 1;
	} else if (info) {
		ret = xevtchn_abi->is_pending(info->port);
	}
	rcu_read_unlock();
	if (!info)
		pr_warn_ratelimited("%s: IRQ %d is not bound by xevtchn\n",
				    caller, irq);
	return ret;
}

/**
 * xevtchn_set_irq_pending() - set @irq's pending bit (raises no upcall)
 * @irq: an xevtchn IRQ
 *
 * Context: any context, hard IRQ included.
 * Return: 0, or -EINVAL when @irq is not an xevtchn IRQ.
 */
int xevtchn_set_irq_pending(int irq)
{
	return on_pending_bit(irq, xevtchn_abi->set_pending, __func__) ?
	       0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(xevtchn_set_irq_pending);

/**
 * xevtchn_clear_irq_pending() - clear @irq's pending bit
 * @irq: an xevtchn IRQ
 *
 * Context: any context, hard IRQ included.
 * Return: 0, or -EINVAL when @irq is not an xevtchn IRQ.
 */
int xevtchn_clear_irq_pending(int irq)
{
	return on_pending_bit(irq, xevtchn_abi->clear_pending, __func__) ?
	       0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(xevtchn_clear_irq_pending);

/**
 * xevtchn_test_irq_pending() - is @irq's pending bit set?
 * @irq: an xevtchn IRQ
 *
 * Context: any context, hard IRQ included.
 * Return: the bit; false when @irq is not an xevtchn IRQ.
 */
bool xevtchn_test_irq_pending(int irq)
{
	return on_pending_bit(irq, NULL, __func__);
}
EXPORT_SYMBOL_GPL(xevtchn_test_irq_pending);

/**
 * xevtchn_xen_time() - Xen's system time, in ns since Xen booted
 *
 * The clock of SCHEDOP_poll's timeout, computed from this vCPU's time info.
 *
 * Context: any context, hard IRQ included.
 * Return: the time in nanoseconds.
 */
u64 xevtchn_xen_time(void)
{
	struct pvclock_vcpu_time_info *t;
	u32 version, mul;
	u64 delta, now;

	preempt_disable();
	t = &xevtchn_vcpu_info(smp_processor_id())->time;
	do {
		version = READ_ONCE(t->version);
		smp_rmb();	/* the fields after the version */
		delta = rdtsc_ordered() - READ_ONCE(t->tsc_timestamp);
		if (t->tsc_shift >= 0)
			delta <<= t->tsc_shift;
		else
			delta >>= -t->tsc_shift;
		mul = READ_ONCE(t->tsc_to_system_mul);
		now = READ_ONCE(t->system_time) + mul_u64_u32_shr(delta, mul, 32);
		smp_rmb();	/* then the version again */
	} while ((version & 1) || version != READ_ONCE(t->version));
	preempt_enable();
	return now;
}
EXPORT_SYMBOL_GPL(xevtchn_xen_time);

/**
 * xevtchn_poll_irq_timeout() - block this vCPU until @irq is pending
 * @irq: an xevtchn IRQ (usually disabled, so no handler takes the event)
 * @timeout: Xen system time (xevtchn_xen_time()) to give up at; 0: never
 *
 * Returns at once if the port is already pending.
 *
 * Context: any, interrupts off included; blocks the vCPU in Xen.
 * Return: 0 when the port is pending or the timeout passed; -EINVAL when
 * @irq is not an xevtchn IRQ; Xen's error.
 */
int xevtchn_poll_irq_timeout(int irq, u64 timeout)
{
	evtchn_port_t port = pending_port(irq, __func__);
	struct sched_poll poll = { .nr_ports = 1, .timeout = timeout };

	if (!port)
		return -EINVAL;
	set_xen_guest_handle(poll.ports, &port);
	return xevtchn_sched_op(SCHEDOP_poll, &poll);
}
EXPORT_SYMBOL_GPL(xevtchn_poll_irq_timeout);

/**
 * xevtchn_poll_irq() - block this vCPU until @irq is pending
 * @irq: an xevtchn IRQ
 *
 * Context: any, interrupts off included; blocks the vCPU in Xen.
 * Return: as for xevtchn_poll_irq_timeout().
 */
int xevtchn_poll_irq(int irq)
{
	return xevtchn_poll_irq_timeout(irq, 0);
}
EXPORT_SYMBOL_GPL(xevtchn_poll_irq);
/**
 * xevtchn_set_irq_priority() - set the priority of @irq's port (FIFO ABI)
 * @irq: an xevtchn IRQ
 * @priority: XEN_IRQ_PRIORITY_MAX (0, highest) .. XEN_IRQ_PRIORITY_MIN (15)
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -EINVAL for an IRQ that is not xevtchn's or a priority out of
 * range; -ENOTCONN for one without a port since a resume; Xen's error
 * otherwise (-ENOSYS under the 2-level ABI).
 */
int xevtchn_set_irq_priority(unsigned int irq, unsigned int priority)
{
	struct evtchn_set_priority set = { .priority = priority };
	struct xevtchn_irq *info;
	int ret = 0;

	if (priority > EVTCHN_FIFO_PRIORITY_MIN)
		return refuse(-EINVAL, "priority %u is out of range (%u..%u)",
			      priority, EVTCHN_FIFO_PRIORITY_MAX,
			      EVTCHN_FIFO_PRIORITY_MIN);
	/* Inside the read section, as xevtchn_notify_remote_via_irq(). */
	rcu_read_lock();
	info = xevtchn_irq_info(irq);
	if (info)
		set.port = READ_ONCE(info->port);
	if (set.port)
		ret = xevtchn_event_channel_op(EVTCHNOP_set_priority, &set);
	rcu_read_unlock();
	if (!info)
		return refuse(-EINVAL, "IRQ %u is not bound by xevtchn", irq);
	if (!set.port)
		return refuse(-ENOTCONN, "IRQ %u has no port since the resume",
			      irq);
	if (ret)
		complain("Xen refused priority %u for port %u (%d)%s", priority,
			 set.port, ret, ret == -ENOSYS ?
			 ": priorities need the FIFO ABI" : "");
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_set_irq_priority);

/**
 * xevtchn_nr_channels() - how many ports the event channel ABI addresses
 *
 * Context: any context, hard IRQ included.
 * Return: 4096 for the 2-level ABI on a 64-bit guest, 131072 for FIFO.
 */
unsigned int xevtchn_nr_channels(void)
{
	return xevtchn_abi ? xevtchn_abi->max_ports : 0;
}
EXPORT_SYMBOL_GPL(xevtchn_nr_channels);
