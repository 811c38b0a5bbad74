// SPDX-License-Identifier: GPL-2.0
/*
 * The exported late EOI API (include/xevtchn/events.h): bind a port or a
 * global VIRQ with the lateeoi chip, and end an event with
 * xevtchn_irq_lateeoi(). What lateeoi does, and its delayed EOIs, are in
 * lateeoi.c; the binding itself goes through bind.c's common part, as for
 * the other bindings, and is unbound with the same unbind API (close.c).
 *
 * Use it for a port whose peer is not trusted: every event masks the port
 * until the driver's EOI, so a flood of events costs the guest at most one
 * handler run per EOI, and spurious EOIs delay the next one more and more.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include <xevtchn/events.h>
#include "internal.h"

/**
 * xevtchn_bind_evtchn_to_irq_lateeoi() - bind an open port, with late EOI
 * @port: an unbound or interdomain port of this domain
 *
 * As xevtchn_bind_evtchn_to_irq(), but the IRQ uses the xen-dyn-lateeoi
 * chip: after each event the port stays masked until
 * xevtchn_irq_lateeoi().
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or a negative errno as for
 * xevtchn_bind_evtchn_to_irq().
 */
int xevtchn_bind_evtchn_to_irq_lateeoi(evtchn_port_t port)
{
	might_sleep();
	return xevtchn_bind_evtchn(port, true);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_evtchn_to_irq_lateeoi);

/**
 * xevtchn_bind_evtchn_to_irqhandler_lateeoi() - bind a port with late EOI,
 *	and request its IRQ
 * @port: an unbound or interdomain port of this domain
 * @handler: the handler, run in hard IRQ context; it, or the driver later,
 *	calls xevtchn_irq_lateeoi() for each event
 * @irqflags: request_irq() flags
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or a negative errno (nothing stays bound).
 */
int xevtchn_bind_evtchn_to_irqhandler_lateeoi(evtchn_port_t port,
					      irq_handler_t handler,
					      unsigned long irqflags,
					      const char *devname,
					      void *dev_id)
{
	int irq;

	might_sleep();
	irq = xevtchn_bind_evtchn(port, true);
	if (irq < 0)
		return irq;
	return xevtchn_request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_evtchn_to_irqhandler_lateeoi);

/**
 * xevtchn_bind_interdomain_evtchn_to_irq_lateeoi() - connect to a remote
 *	port, with late EOI
 * @remote_domain: the other domain (DOMID_SELF for a loopback)
 * @remote_port: its port, allocated unbound for this domain
 *
 * As xevtchn_bind_interdomain_evtchn_to_irq(), with the xen-dyn-lateeoi
 * chip.
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or Xen's error, with the reason in the kernel log.
 */
int xevtchn_bind_interdomain_evtchn_to_irq_lateeoi(domid_t remote_domain,
						   evtchn_port_t remote_port)
{
	might_sleep();
	return xevtchn_bind_interdomain(remote_domain, remote_port, true);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_interdomain_evtchn_to_irq_lateeoi);

/**
 * xevtchn_bind_interdomain_evtchn_to_irqhandler_lateeoi() - connect with
 *	late EOI, and request the IRQ
 * @remote_domain: the other domain (DOMID_SELF for a loopback)
 * @remote_port: its port, allocated unbound for this domain
 * @handler: the handler, run in hard IRQ context; it, or the driver later,
 *	calls xevtchn_irq_lateeoi() for each event
 * @irqflags: request_irq() flags
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ, or a negative errno (nothing stays open).
 */
int xevtchn_bind_interdomain_evtchn_to_irqhandler_lateeoi(domid_t remote_domain,
							  evtchn_port_t remote_port,
							  irq_handler_t handler,
							  unsigned long irqflags,
							  const char *devname,
							  void *dev_id)
{
	int irq;

	might_sleep();
	irq = xevtchn_bind_interdomain(remote_domain, remote_port, true);
	if (irq < 0)
		return irq;
	return xevtchn_request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_interdomain_evtchn_to_irqhandler_lateeoi);

/**
 * xevtchn_bind_virq_to_irqhandler_lateeoi() - bind a global VIRQ with late
 *	EOI, and request its IRQ
 * @virq: a global VIRQ_* number (VIRQ_CON_RING, VIRQ_DOM_EXC, ...)
 * @cpu: the CPU whose vCPU gets it at first (CPU 0 for a global VIRQ)
 * @handler: the handler, run in hard IRQ context; it, or the driver later,
 *	calls xevtchn_irq_lateeoi() for each event
 * @irqflags: request_irq() flags, without IRQF_PERCPU
 * @devname: the name in /proc/interrupts
 * @dev_id: the handler's cookie, also needed to unbind
 *
 * Only global VIRQs: a per-vCPU VIRQ comes from Xen itself, not from a
 * peer, and its per-CPU flow has no late EOI.
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ; -EINVAL with IRQF_PERCPU, for a per-vCPU VIRQ, or
 * as for xevtchn_bind_virq_to_irq().
 */
int xevtchn_bind_virq_to_irqhandler_lateeoi(unsigned int virq,
					    unsigned int cpu,
					    irq_handler_t handler,
					    unsigned long irqflags,
					    const char *devname, void *dev_id)
{
	int irq;

	might_sleep();
	irq = xevtchn_bind_virq(virq, cpu, irqflags & IRQF_PERCPU, true);
	if (irq < 0)
		return irq;
	return xevtchn_request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_virq_to_irqhandler_lateeoi);

/**
 * xevtchn_irq_lateeoi() - the driver is done with an event of a lateeoi IRQ
 * @irq: an IRQ bound by one of the *_lateeoi() functions
 * @eoi_flags: 0, or XEVTCHN_EOI_FLAG_SPURIOUS when the event brought
 *	nothing to do
 *
 * Unmasks the port, so that the next event (or one that came meanwhile,
 * which waited) is delivered. A spurious EOI counts; past one in a row,
 * each further one is delayed, 1 jiffy, then twice as long each time up to
 * a second, before the port is unmasked; a non-spurious EOI resets the
 * count. An EOI with no event owed (called twice) unmasks nothing, but
 * counts as any; one called twice after the next event came ends that
 * event's EOI, as in mainline. After the IRQ was unbound, or while it is
 * being unbound, or while an EOI of it is delayed (or being ended by the
 * delayed EOIs' work), an EOI is ignored. An IRQ of xevtchn's that is not
 * lateeoi is refused, with a line in the log.
 *
 * Context: any context, hard IRQ included (the handler itself may call it).
 */
void xevtchn_irq_lateeoi(unsigned int irq, unsigned int eoi_flags)
{
	struct xevtchn_irq *info;

	rcu_read_lock();
	info = xevtchn_irq_info(irq);
	if (info && info->lateeoi)
		xevtchn_lateeoi(info, eoi_flags & XEVTCHN_EOI_FLAG_SPURIOUS);
	else if (info)
		complain("IRQ %u was not bound by an xevtchn *_lateeoi() function",
			 irq);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(xevtchn_irq_lateeoi);
