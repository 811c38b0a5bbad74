// SPDX-License-Identifier: GPL-2.0
/*
 * The exported binding API: bind ports, VIRQs and IPIs
 * (include/xevtchn/events.h). The port table and the dispatch live in
 * events.c, the unbind API and the deferred close in close.c; this file
 * decides, for each call, what to ask Xen and which binding to make, and
 * refuses bad input with an errno and a line in the log.
 *
 * An unbound port is closed later (close.c): until then it is closing, and
 * a bind that needs what it holds in Xen (a VIRQ; a GSI, pirq.c) waits for
 * the close.
 *
 * The *_lateeoi() variants (lateeoi_api.c) bind through the same
 * functions, with the lateeoi chip (lateeoi.c) in place of xen-dyn-edge.
 *
 * Binding asks Xen only what it must: the bind operation itself, then
 * EVTCHNOP_bind_vcpu only when Xen notifies another vCPU than the one the
 * binding wants (XEVTCHN_NEW_PORT_VCPU: a port Xen just allocated
 * notifies vCPU 0), and EVTCHNOP_status only for a port someone else
 * opened, whose state nothing else tells.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include "internal.h"

/*
 * Bind @port, which Xen already has set up (and notifying @cpu's vCPU for
 * per-CPU sources; vCPU @notify_vcpu for the others), to a new Linux IRQ;
 * a dynamic one with the lateeoi chip when @lateeoi. Returns the IRQ or a
 * negative errno; on failure the port stays as it was, and whoever opened
 * it closes it.
 */
static int bind_port(evtchn_port_t port, enum xevtchn_port_type type,
		     bool percpu, unsigned int cpu, unsigned int notify_vcpu,
		     unsigned int source, bool lateeoi)
{
	struct xevtchn_irq *info;
	int irq;

	info = xevtchn_new_binding(port, type, cpu, notify_vcpu);
	if (IS_ERR(info))
		return PTR_ERR(info);
	info->percpu = percpu;
	info->lateeoi = lateeoi;
	info->virq = source;	/* or .ipi: the same storage */
	if (percpu)
		/*
		 * The "move at once" flag here too (compat.h): without it
		 * genirq before 6.14 would defer a move, report success and
		 * never do it; with it, our chip refuses the move and the
		 * caller hears so.
		 */
		irq = xevtchn_bind_new_irq(info, &xevtchn_percpu_chip,
					   xevtchn_handle_percpu_flow, "percpu",
					   IRQ_PER_CPU | IRQ_NO_BALANCING |
					   XEVTCHN_IRQ_MOVE_PCNTXT);
	else if (lateeoi)
		irq = xevtchn_bind_new_irq(info, &xevtchn_lateeoi_chip,
					   handle_edge_irq, "edge",
					   XEVTCHN_IRQ_MOVE_PCNTXT);
	else
		irq = xevtchn_bind_new_irq(info, NULL, NULL, NULL,
					   XEVTCHN_IRQ_MOVE_PCNTXT);
	if (irq < 0)
		kfree_rcu(info, rcu);	/* its descriptor was briefly visible */
	return irq;
}

/* bind_port() for a port xevtchn opened itself: closed again on failure. */
static int bind_new_port(evtchn_port_t port, enum xevtchn_port_type type,
			 bool percpu, unsigned int cpu, unsigned int notify_vcpu,
			 unsigned int source, bool lateeoi)
{
	int ret = bind_port(port, type, percpu, cpu, notify_vcpu, source,
			    lateeoi);

	if (ret < 0)
		xevtchn_close_evtchn(port);
	return ret;
}

/**
 * xevtchn_request_handler() - request a new binding's handler
 * @irq: the IRQ a bind just returned
 * @handler: the handler
 * @irqflags: request_irq() flags
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie
 *
 * ->unbinding keeps every unbinder off the binding while request_irq()
 * runs without the bind mutex: an unbind in that window would leave our
 * handler on a descriptor the close then frees.
 *
 * Context: process context; sleeps.
 * Return: @irq; or a negative errno, and then the binding is gone.
 */
int xevtchn_request_handler(int irq, irq_handler_t handler,
			    unsigned long irqflags, const char *devname,
			    void *dev_id)
{
	struct xevtchn_irq *info;
	int ret;

	xevtchn_bind_lock();
	info = xevtchn_irq_info(irq);
	if (!info || info->unbinding) {
		/* Someone who guessed the IRQ number unbinds it. */
		mutex_unlock(&xevtchn_bind_mutex);
		return -ENOENT;
	}
	info->unbinding = true;
	mutex_unlock(&xevtchn_bind_mutex);
	ret = request_irq(irq, handler, irqflags, devname, dev_id);
	xevtchn_bind_lock();
	info->unbinding = false;
	if (ret) {
		pr_warn("cannot request IRQ %d for %s (%d)\n", irq, devname,
			ret);
		xevtchn_unbind_port(info);
	} else {
		info->has_handler = true;
		info->dev_id = dev_id;
	}
	mutex_unlock(&xevtchn_bind_mutex);
	return ret ? ret : irq;
}

/*
 * Drop the bind mutex, wait for the deferred closes (close.c), take it
 * again: for a bind that Xen refused, or would refuse, because of what a
 * closing binding still holds. Once per call (@waited), and only while a
 * close is pending. Returns true when the caller should ask Xen again.
 */
static bool wait_for_closes(bool *waited)
	__must_hold(&xevtchn_bind_mutex)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	if (*waited || !xevtchn_closes_pending())
		return false;
	*waited = true;
	mutex_unlock(&xevtchn_bind_mutex);
	xevtchn_drain_closes();
	xevtchn_bind_lock();
	return true;
}

/* Record the remote end of the port bound to @irq (see ->remote_port). */
static void set_remote(int irq, domid_t dom, evtchn_port_t port)
{
	struct xevtchn_irq *info = xevtchn_irq_info(irq);

	lockdep_assert_held(&xevtchn_bind_mutex);
	info->remote_dom = dom;
	info->remote_port = port;
}

/*
 * Ask Xen what @port is: sets @status, whose .vcpu is the vCPU the port
 * notifies (evtchn_status(), xen/common/event_channel.c, RELEASE-4.17.7,
 * line 1062: status->vcpu = chn->notify_vcpu_id). Returns EVTCHNSTAT_* or a
 * negative errno.
 */
static int port_status(evtchn_port_t port, struct evtchn_status *status)
{
	int ret;

	*status = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
	ret = xevtchn_event_channel_op(EVTCHNOP_status, status);
	return ret ? ret : status->status;
}

/**
 * xevtchn_bind_evtchn() - bind an open port of this domain to an IRQ
 * @port: an unbound or interdomain port of this domain
 * @lateeoi: with the lateeoi chip, else xen-dyn-edge
 *
 * Context: process context; sleeps.
 * Return: as for xevtchn_bind_evtchn_to_irq().
 */
int xevtchn_bind_evtchn(evtchn_port_t port, bool lateeoi)
{
	struct evtchn_status st;
	int status, ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	xevtchn_bind_lock();
	ret = xevtchn_check_port_free(port, __func__);
	if (ret)
		goto out;
	/* Someone else opened it: only Xen knows what it is and where it goes. */
	status = port_status(port, &st);
	if (status < 0) {
		ret = refuse(status, "port %u does not exist in this domain (%d)",
			     port, status);
		goto out;
	}
	if (status != EVTCHNSTAT_unbound && status != EVTCHNSTAT_interdomain) {
		ret = refuse(-EINVAL, "port %u is %s; only unbound or interdomain ports bind here",
			     port, status == EVTCHNSTAT_closed ? "closed" :
			     "a VIRQ, IPI or PIRQ port");
		goto out;
	}
	ret = bind_port(port, XEVTCHN_PORT_EVTCHN, false,
			xevtchn_default_cpu(), st.vcpu, 0, lateeoi);
	if (ret > 0 && status == EVTCHNSTAT_interdomain)
		set_remote(ret, st.u.interdomain.dom, st.u.interdomain.port);
out:
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}

/**
 * xevtchn_bind_evtchn_to_irq() - bind an open port of this domain to an IRQ
 * @port: an unbound or interdomain port of this domain
 *
 * The IRQ uses the xen-dyn-edge chip and starts on CPU 0 (or the first CPU
 * that takes events); irq_set_affinity() moves it. Unbinding closes the
 * port, as in mainline.
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ; -EINVAL for a port that is closed (or closing: its
 * IRQ was unbound), out of range or bound to a VIRQ, IPI or PIRQ; -EBUSY
 * when it is already bound to an IRQ.
 */
int xevtchn_bind_evtchn_to_irq(evtchn_port_t port)
{
	return xevtchn_bind_evtchn(port, false);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_evtchn_to_irq);

/**
 * xevtchn_bind_evtchn_to_irqhandler() - bind a port and request its IRQ
 * @port: as for xevtchn_bind_evtchn_to_irq()
 * @handler: the handler, run in hard IRQ context
 * @irqflags: request_irq() flags
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or a negative errno (nothing stays bound).
 */
int xevtchn_bind_evtchn_to_irqhandler(evtchn_port_t port,
				      irq_handler_t handler,
				      unsigned long irqflags,
				      const char *devname, void *dev_id)
{
	int irq;

	might_sleep();
	irq = xevtchn_bind_evtchn_to_irq(port);
	if (irq < 0)
		return irq;
	return xevtchn_request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_evtchn_to_irqhandler);

/**
 * xevtchn_bind_interdomain() - connect to a remote port, and bind ours
 * @remote_domain: the other domain (DOMID_SELF for a loopback)
 * @remote_port: its port, allocated unbound for this domain
 * @lateeoi: with the lateeoi chip, else xen-dyn-edge
 *
 * Context: process context; sleeps.
 * Return: as for xevtchn_bind_interdomain_evtchn_to_irq().
 */
int xevtchn_bind_interdomain(domid_t remote_domain, evtchn_port_t remote_port,
			     bool lateeoi)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = remote_domain,
		.remote_port = remote_port,
	};
	bool waited = false;
	int ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	xevtchn_bind_lock();
	/* Our closing end of @remote_port would make Xen refuse (-EINVAL). */
	if (xevtchn_closing_holds_remote(remote_domain, remote_port))
		wait_for_closes(&waited);
again:
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	/* A closing end we did not know, or Xen's limit: once more. */
	if ((ret == -EINVAL || ret == -ENOSPC) && wait_for_closes(&waited))
		goto again;
	if (ret)
		ret = refuse(ret, "Xen refused to connect to port %u of domain %u (%d)",
			     remote_port, remote_domain, ret);
	else
		ret = bind_new_port(bind.local_port, XEVTCHN_PORT_EVTCHN,
				    false, xevtchn_default_cpu(),
				    XEVTCHN_NEW_PORT_VCPU, 0, lateeoi);
	if (ret > 0)
		set_remote(ret, remote_domain, remote_port);
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}

/**
 * xevtchn_bind_interdomain_evtchn_to_irq() - connect to a remote port
 * @remote_domain: the other domain (DOMID_SELF for a loopback)
 * @remote_port: its port, allocated unbound for this domain
 *
 * Opens a local port connected to @remote_port (EVTCHNOP_bind_interdomain)
 * and binds it like xevtchn_bind_evtchn_to_irq().
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or Xen's error (-EINVAL when @remote_port is not
 * waiting for this domain), with the reason in the kernel log.
 */
int xevtchn_bind_interdomain_evtchn_to_irq(domid_t remote_domain,
					   evtchn_port_t remote_port)
{
	return xevtchn_bind_interdomain(remote_domain, remote_port, false);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_interdomain_evtchn_to_irq);

/**
 * xevtchn_bind_interdomain_evtchn_to_irqhandler() - connect and request
 * @remote_domain: as for xevtchn_bind_interdomain_evtchn_to_irq()
 * @remote_port: as for xevtchn_bind_interdomain_evtchn_to_irq()
 * @handler: the handler, run in hard IRQ context
 * @irqflags: request_irq() flags
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or a negative errno (nothing stays open).
 */
int xevtchn_bind_interdomain_evtchn_to_irqhandler(domid_t remote_domain,
						  evtchn_port_t remote_port,
						  irq_handler_t handler,
						  unsigned long irqflags,
						  const char *devname,
						  void *dev_id)
{
	int irq;

	might_sleep();
	irq = xevtchn_bind_interdomain_evtchn_to_irq(remote_domain,
						     remote_port);
	if (irq < 0)
		return irq;
	return xevtchn_request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_interdomain_evtchn_to_irqhandler);

static int check_cpu(unsigned int cpu, const char *caller)
{
	const char *why = NULL;
	int ret = -EINVAL;

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu)) {
		why = "does not exist";
	} else if (!cpu_online(cpu)) {
		why = "is offline";
	} else if (!xevtchn_cpu_takes_ports(cpu)) {
		why = "takes no events (under the INTx upcall only CPU 0 does)";
		ret = -EOPNOTSUPP;
	}
	if (!why)
		return 0;
	pr_warn_ratelimited("%s: CPU %u %s\n", caller, cpu, why);
	return ret;
}

/*
 * A VIRQ bound without percpu gets the xen-dyn-edge chip and may move,
 * which Xen allows for global VIRQs only: EVTCHNOP_bind_vcpu refuses a
 * per-vCPU one (VIRQ_TIMER, VIRQ_DEBUG, ...) with -EINVAL
 * (evtchn_bind_vcpu(), xen/common/event_channel.c, RELEASE-4.17.7, lines
 * 1098-1102). Ask it now, to the vCPU the port already notifies (nothing
 * changes for a global VIRQ), so that such a binding is refused here and
 * not at its first move.
 */
static int check_global_virq(evtchn_port_t port, unsigned int virq,
			     unsigned int vcpu)
{
	struct evtchn_bind_vcpu bind = { .port = port, .vcpu = vcpu };
	int ret;

	ret = xevtchn_event_channel_op(EVTCHNOP_bind_vcpu, &bind);
	if (ret == -EINVAL)
		return refuse(ret, "VIRQ %u is per-vCPU in Xen: bind it per-CPU (IRQF_PERCPU)",
			      virq);
	if (ret)
		return refuse(ret, "Xen refused to bind VIRQ %u's port %u to vCPU %u (%d)",
			      virq, port, vcpu, ret);
	return 0;
}

/**
 * xevtchn_bind_virq() - bind a virtual IRQ of Xen's to a Linux IRQ
 * @virq: a VIRQ_* number
 * @cpu: the CPU whose vCPU gets it (CPU 0 for a global VIRQ)
 * @percpu: a per-vCPU VIRQ, with the xen-percpu chip
 * @lateeoi: a global VIRQ with the lateeoi chip, else xen-dyn-edge
 *
 * Context: process context; sleeps.
 * Return: as for xevtchn_bind_virq_to_irq(); -EINVAL for @lateeoi with
 * @percpu.
 */
int xevtchn_bind_virq(unsigned int virq, unsigned int cpu, bool percpu,
		      bool lateeoi)
{
	struct evtchn_bind_virq bind = { .virq = virq };
	bool waited = false;
	int ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	if (virq >= NR_VIRQS)
		return refuse(-EINVAL, "VIRQ %u is out of range (0..%u)", virq,
			      NR_VIRQS - 1);
	if (percpu && lateeoi)
		return refuse(-EINVAL, "VIRQ %u: a per-CPU binding cannot be lateeoi",
			      virq);
	xevtchn_bind_lock();
again:
	ret = check_cpu(cpu, __func__);
	if (ret)
		goto out;
	if (xevtchn_cpu_source(XEVTCHN_PORT_VIRQ, cpu, virq)) {
		ret = refuse(-EBUSY, "VIRQ %u is already bound on CPU %u",
			     virq, cpu);
		goto out;
	}
	bind.vcpu = xevtchn_vcpu_id(cpu);
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_virq, &bind);
	/*
	 * Xen binds a VIRQ to one port per vCPU (evtchn_bind_virq(),
	 * xen/common/event_channel.c, RELEASE-4.17.7, lines 490-491), and
	 * until its deferred close, the port of our own last binding of it
	 * still counts (-EEXIST), as every closing port counts against the
	 * domain's limit (-ENOSPC): wait for the closes, then ask once more.
	 */
	if ((ret == -EEXIST || ret == -ENOSPC) && wait_for_closes(&waited))
		goto again;
	if (ret) {
		ret = refuse(ret, "Xen refused VIRQ %u on vCPU %u (%d)%s", virq,
			     bind.vcpu, ret, ret == -EEXIST ?
			     ": someone else bound it" : "");
		goto out;
	}
	ret = percpu ? 0 : check_global_virq(bind.port, virq, bind.vcpu);
	if (ret)
		xevtchn_close_evtchn(bind.port);
	else
		ret = bind_new_port(bind.port, XEVTCHN_PORT_VIRQ, percpu, cpu,
				    bind.vcpu, virq, lateeoi);
out:
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}

/**
 * xevtchn_bind_virq_to_irq() - bind a virtual IRQ of Xen's to a Linux IRQ
 * @virq: a VIRQ_* number
 * @cpu: the CPU whose vCPU gets it (CPU 0 for a global VIRQ)
 * @percpu: true for a per-vCPU VIRQ (VIRQ_TIMER, VIRQ_DEBUG, ...), which
 *	gets the xen-percpu chip and never moves; false for a global VIRQ,
 *	which gets the xen-dyn-edge chip and can move
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ; -EINVAL for a bad VIRQ or CPU, or for a per-vCPU
 * VIRQ without @percpu; -EBUSY when the VIRQ is already bound on @cpu;
 * Xen's error otherwise.
 */
int xevtchn_bind_virq_to_irq(unsigned int virq, unsigned int cpu, bool percpu)
{
	return xevtchn_bind_virq(virq, cpu, percpu, false);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_virq_to_irq);

/**
 * xevtchn_bind_virq_to_irqhandler() - bind a VIRQ and request its IRQ
 * @virq: a VIRQ_* number
 * @cpu: as for xevtchn_bind_virq_to_irq()
 * @handler: the handler, run in hard IRQ context
 * @irqflags: request_irq() flags; IRQF_PERCPU asks for a per-CPU binding
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or a negative errno (nothing stays bound).
 */
int xevtchn_bind_virq_to_irqhandler(unsigned int virq, unsigned int cpu,
				    irq_handler_t handler,
				    unsigned long irqflags,
				    const char *devname, void *dev_id)
{
	int irq;

	might_sleep();
	irq = xevtchn_bind_virq_to_irq(virq, cpu, irqflags & IRQF_PERCPU);
	if (irq < 0)
		return irq;
	return xevtchn_request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_virq_to_irqhandler);

/**
 * xevtchn_bind_ipi_to_irqhandler() - bind an inter-processor event
 * @ipi: 0 .. XEVTCHN_NR_IPIS - 1 (mainline's enum ipi_vector values fit)
 * @cpu: the CPU that receives it
 * @handler: the handler, run in hard IRQ context on @cpu
 * @irqflags: request_irq() flags (IRQF_PERCPU is implied)
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Send it with xevtchn_send_ipi(). The IRQ uses the xen-percpu chip.
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ; -EINVAL for a bad IPI number or CPU; -EBUSY when
 * @ipi is already bound on @cpu; -EOPNOTSUPP for a CPU other than 0 under
 * the INTx upcall; Xen's error otherwise.
 */
int xevtchn_bind_ipi_to_irqhandler(unsigned int ipi, unsigned int cpu,
				   irq_handler_t handler,
				   unsigned long irqflags,
				   const char *devname, void *dev_id)
{
	struct evtchn_bind_ipi bind = {};
	bool waited = false;
	int ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	if (ipi >= XEVTCHN_NR_IPIS)
		return refuse(-EINVAL, "IPI %u is out of range (0..%u)", ipi,
			      XEVTCHN_NR_IPIS - 1);
	xevtchn_bind_lock();
again:
	ret = check_cpu(cpu, __func__);
	if (ret)
		goto unlock;
	if (xevtchn_cpu_source(XEVTCHN_PORT_IPI, cpu, ipi)) {
		ret = refuse(-EBUSY, "IPI %u is already bound on CPU %u", ipi,
			     cpu);
		goto unlock;
	}
	bind.vcpu = xevtchn_vcpu_id(cpu);
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_ipi, &bind);
	/* Closing ports count against the domain's limit. */
	if (ret == -ENOSPC && wait_for_closes(&waited))
		goto again;
	if (ret) {
		ret = refuse(ret, "Xen refused an IPI port on vCPU %u (%d)",
			     bind.vcpu, ret);
		goto unlock;
	}
	ret = bind_new_port(bind.port, XEVTCHN_PORT_IPI, true, cpu, bind.vcpu,
			    ipi, false);
unlock:
	mutex_unlock(&xevtchn_bind_mutex);
	if (ret < 0)
		return ret;
	return xevtchn_request_handler(ret, handler, irqflags | IRQF_PERCPU,
				       devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_ipi_to_irqhandler);

/**
 * xevtchn_send_ipi() - raise IPI @ipi on @cpu
 * @cpu: the target CPU
 * @ipi: an IPI bound there with xevtchn_bind_ipi_to_irqhandler()
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -ENOENT when @ipi is not bound on @cpu; -ENOTCONN while a
 * resume in a new domain binds it again; Xen's error.
 */
int xevtchn_send_ipi(unsigned int cpu, unsigned int ipi)
{
	struct xevtchn_irq *info = NULL;
	struct evtchn_send send;
	int ret = 0;

	if (cpu < nr_cpu_ids && cpu_possible(cpu) && ipi < XEVTCHN_NR_IPIS) {
		/*
		 * Send inside the read section: a racing unbind closes the
		 * port only a grace period later, so the send reaches our
		 * port (closing at worst), never one Xen handed out again.
		 */
		rcu_read_lock();
		info = xevtchn_cpu_source(XEVTCHN_PORT_IPI, cpu, ipi);
		if (info) {
			send.port = READ_ONCE(info->port);
			/* 0: a resume is setting it up again (resume.c) */
			ret = send.port ?
			      xevtchn_event_channel_op(EVTCHNOP_send, &send) :
			      -ENOTCONN;
		}
		rcu_read_unlock();
	}
	if (!info)
		return refuse(-ENOENT, "IPI %u is not bound on CPU %u", ipi, cpu);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_send_ipi);
