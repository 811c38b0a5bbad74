// SPDX-License-Identifier: GPL-2.0
/*
 * PIRQs: how Xen delivers a device's interrupt to an HVM guest as an event.
 *
 * A GSI (a PCI device's INTx line, as the guest's IOAPIC would see it) is
 * turned into a PIRQ with PHYSDEVOP_map_pirq (MAP_PIRQ_TYPE_GSI). From then
 * on Xen no longer raises the GSI at the emulated IOAPIC: it sets the PIRQ's
 * event channel pending instead, once each time the line goes up. A level
 * line that is still up when the guest says PHYSDEVOP_eoi is sent again.
 * PHYSDEVOP_unmap_pirq gives the GSI back to the IOAPIC.
 *
 * An MSI becomes a PIRQ without a map call: the guest takes a free PIRQ
 * number from Xen (PHYSDEVOP_get_free_pirq) and writes it into the device's
 * MSI message with vector 0; Xen turns such an MSI into an event on that
 * PIRQ (msi.c).
 *
 * Xen maps PIRQs for an HVM guest only when its events arrive by vector,
 * per-vCPU or callback (is_hvm_pv_evtchn_domain(); under the INTx upcall,
 * map_pirq fails with -EINVAL: Xen's own interrupt logic would call back
 * into itself), and only when the toolstack gave the
 * guest PIRQs at all (XENFEAT_hvm_pirqs; off by default from Xen 4.19). We
 * check both first and refuse in words.
 *
 * Mainline binds a PIRQ's event channel when its IRQ starts up, because
 * it creates an IRQ for every GSI at boot, long before a driver asks. Here
 * the IRQ exists only because a driver asked, so the event channel is bound
 * at once (where we may sleep: the port table and the FIFO event array may
 * need memory) and closed when the driver unbinds. Startup sends an EOI,
 * then unmasks (a line already up is heard; irq_chips.c), and shutdown
 * masks.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <xen/interface/features.h>
#include <xen/interface/xen.h>
#include <xen/interface/physdev.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include <xevtchn/hypervisor.h>
#include "internal.h"

static const char no_hvm_pirqs[] =
	"no PIRQs from Xen (XENFEAT_hvm_pirqs is off; Xen 4.19+: hvm_pirq=1 in the guest config)";
static const char no_vector_upcall[] =
	"PIRQs need upcall=vector or callback: under the INTx upcall Xen refuses to map them";

/* Why PIRQs cannot be used here, or NULL when they can. */
static const char *pirqs_refusal;

/**
 * xevtchn_pirq_init() - find out whether Xen lets this guest use PIRQs
 *
 * Called once the upcall is set up. Says in the kernel log whether PIRQs
 * are available, and why not.
 *
 * Return: 0 (a guest without PIRQs is not an error).
 */
int xevtchn_pirq_init(void)
{
	const struct xevtchn_xen_info *xen = xevtchn_xen_info();

	if (!(xen->features & BIT(XENFEAT_hvm_pirqs)))
		pirqs_refusal = no_hvm_pirqs;
	else if (!xevtchn_ports_can_move())
		pirqs_refusal = no_vector_upcall;
	else
		pirqs_refusal = NULL;
	if (pirqs_refusal)
		pr_info("GSIs and MSIs as events: not available: %s\n",
			pirqs_refusal);
	else
		pr_info("GSIs and MSIs as events: available\n");
	return 0;
}

/**
 * xevtchn_pirq_check() - refuse, in the log, PIRQs where Xen allows none
 * @caller: the refusing function's name
 *
 * Return: 0 when PIRQs can be used, else -EOPNOTSUPP.
 */
int xevtchn_pirq_check(const char *caller)
{
	if (!pirqs_refusal)
		return 0;
	pr_warn_ratelimited("%s: %s\n", caller, pirqs_refusal);
	return -EOPNOTSUPP;
}

/* Open an event channel for @pirq (@shared: a level line); Xen's error. */
static int bind_pirq_port(unsigned int pirq, bool shared, evtchn_port_t *port)
{
	struct evtchn_bind_pirq bind = {
		.pirq = pirq,
		.flags = shared ? BIND_PIRQ__WILL_SHARE : 0,
	};
	int ret;

	ret = xevtchn_event_channel_op(EVTCHNOP_bind_pirq, &bind);
	if (ret) {
		pr_warn("Xen refused an event channel for PIRQ %u (%d)\n", pirq,
			ret);
		return ret;
	}
	*port = bind.port;
	return 0;
}

/**
 * xevtchn_pirq_query_eoi() - ask Xen whether the PIRQ wants PHYSDEVOP_eoi
 * @info: a PIRQ binding whose IRQ starts up
 *
 * Xen answers only for a PIRQ that is mapped: a GSI's from its
 * PHYSDEVOP_map_pirq, an MSI's of a passed-through device once the device
 * model mapped it. An emulated device's MSI is mapped only by its first
 * message, and needs no EOI (Xen's PHYSDEVOP_eoi does nothing for it): no
 * answer means no EOI, as in mainline's pirq_query_unmask().
 *
 * Context: the IRQ's startup, its descriptor lock held.
 */
void xevtchn_pirq_query_eoi(struct xevtchn_irq *info)
{
	struct physdev_irq_status_query query = { .irq = info->pirq };

	info->pirq_needs_eoi =
		!xevtchn_physdev_op(PHYSDEVOP_irq_status_query, &query) &&
		(query.flags & XENIRQSTAT_needs_eoi);
}

/**
 * xevtchn_new_pirq_binding() - an event channel for a PIRQ, and its binding
 * @pirq: the PIRQ
 * @shared: a level line that may be shared
 *
 * The binding is not yet attached (see xevtchn_new_binding()): the caller
 * gives it its IRQ and chip, then calls xevtchn_attach_binding(), or
 * xevtchn_free_pirq_binding() on failure. Call under xevtchn_bind_mutex.
 *
 * Return: the binding, or an ERR_PTR(); on failure nothing is left open.
 */
struct xevtchn_irq *xevtchn_new_pirq_binding(unsigned int pirq, bool shared)
{
	struct xevtchn_irq *info;
	evtchn_port_t port;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	ret = bind_pirq_port(pirq, shared, &port);
	if (ret)
		return ERR_PTR(ret);
	info = xevtchn_new_binding(port, XEVTCHN_PORT_PIRQ,
				   xevtchn_default_cpu(), XEVTCHN_NEW_PORT_VCPU);
	if (IS_ERR(info)) {
		xevtchn_close_evtchn(port);
		return info;
	}
	info->pirq = pirq;
	return info;
}

/**
 * xevtchn_free_pirq_binding() - undo xevtchn_new_pirq_binding()
 * @info: a binding that was never attached
 */
void xevtchn_free_pirq_binding(struct xevtchn_irq *info)
{
	xevtchn_close_evtchn(info->port);
	kfree_rcu(info, rcu);
}

/**
 * xevtchn_pirq_eoi() - tell Xen the guest has handled the PIRQ
 * @info: a PIRQ binding
 *
 * For a level GSI, Xen sends the PIRQ again if the line is still up. Only
 * when Xen asked for it.
 *
 * Context: hard IRQ context, from the chips' ack and eoi.
 */
void xevtchn_pirq_eoi(struct xevtchn_irq *info)
{
	struct physdev_eoi eoi = { .irq = info->pirq };
	int ret;

	if (!info->pirq_needs_eoi)
		return;
	ret = xevtchn_physdev_op(PHYSDEVOP_eoi, &eoi);
	if (ret)
		pr_warn_ratelimited("Xen refused the EOI of PIRQ %u (%d)\n",
				    info->pirq, ret);
}

/**
 * xevtchn_pirq_startup_eoi() - ask Xen about EOIs, and send one
 * @info: a PIRQ binding whose IRQ starts up, its port still masked
 *
 * The EOI has Xen send the PIRQ again if its line is already up; see the
 * PIRQ chips' irq_startup.
 *
 * Context: the IRQ's descriptor lock held.
 */
void xevtchn_pirq_startup_eoi(struct xevtchn_irq *info)
{
	xevtchn_pirq_query_eoi(info);
	xevtchn_pirq_eoi(info);
}

/**
 * xevtchn_unmap_pirq() - give a PIRQ back to Xen
 * @pirq: a PIRQ whose event channel is closed
 *
 * For a GSI, Xen raises the line at the emulated IOAPIC again.
 */
void xevtchn_unmap_pirq(unsigned int pirq)
{
	struct physdev_unmap_pirq unmap = { .domid = DOMID_SELF, .pirq = pirq };
	int ret;

	ret = xevtchn_physdev_op(PHYSDEVOP_unmap_pirq, &unmap);
	if (ret)
		pr_warn("Xen refused to unmap PIRQ %u (%d)\n", pirq, ret);
}

/*
 * A PIRQ's event is done: take it, and tell Xen if it asked to hear. The
 * ack of the edge chip, before the handler; the eoi of the level chip,
 * after it (Xen then raises the PIRQ again if the line is still up).
 */
static void pirq_done(struct irq_data *data)
{
	struct xevtchn_irq *info = irq_data_get_irq_chip_data(data);

	xevtchn_port_taken(info);
	xevtchn_pirq_eoi(info);
}

static void pirq_mask_ack(struct irq_data *data)
{
	xevtchn_irq_mask(data);
	pirq_done(data);
}

/*
 * Start a PIRQ's IRQ: EOI first, then unmask. Xen sends a level GSI's PIRQ
 * only when the line rises, and again on PHYSDEVOP_eoi while it is up;
 * mapping and binding send nothing. A line that is already up (a pending
 * INTx, a shared line) would otherwise never be heard. The EOI, while the
 * port is still masked, has Xen set it pending; the unmask delivers it.
 * As mainline's __startup_pirq() does.
 */
static unsigned int pirq_startup(struct irq_data *data)
{
	xevtchn_pirq_startup_eoi(irq_data_get_irq_chip_data(data));
	xevtchn_irq_unmask(data);
	return 0;
}

/*
 * xen-pirq-fasteoi (handle_fasteoi_irq): level GSIs. The eoi clears the
 * pending bit and tells Xen (PHYSDEVOP_eoi), which sends the PIRQ again
 * while the device still holds its line. A level source cannot lose an
 * event this way: what another CPU drops while the handler runs comes back
 * with the eoi. The flow is safe here, and only here, because the source
 * is a level.
 */
static const struct irq_chip pirq_fasteoi_chip = {
	.name			= "xen-pirq-fasteoi",
	.irq_startup		= pirq_startup,
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_eoi		= pirq_done,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
};

/*
 * xen-pirq-edge (handle_edge_irq): edge GSIs and MSIs; as xen-dyn-edge,
 * plus PHYSDEVOP_eoi in the ack where Xen asks for it. msi.c's parent chip
 * is a copy of it with the MSI message added.
 */
const struct irq_chip xevtchn_pirq_edge_chip = {
	.name			= "xen-pirq-edge",
	.irq_startup		= pirq_startup,
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= pirq_done,
	.irq_mask_ack		= pirq_mask_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
};

/**
 * xevtchn_pirq_closed() - a PIRQ's port is closed: give the PIRQ back
 * @info: a GSI's or an MSI's binding, its port closed
 *
 * The source ops' ->closed of GSIs and MSIs: after the port's close, in the
 * deferred close (events.c). Unmapping first would leave the port bound to
 * a PIRQ Xen no longer has. For a GSI, the line goes back to the IOAPIC.
 *
 * Context: process context, under xevtchn_bind_mutex.
 */
void xevtchn_pirq_closed(struct xevtchn_irq *info)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	xevtchn_unmap_pirq(info->pirq);
}

/**
 * gsi_resume() - map a GSI's PIRQ again in a new domain, and bind it
 * @info: a GSI's binding left without a port by the resume (resume.c)
 *
 * As Linux's restore_pirqs() (drivers/xen/events/events_base.c): the GSI
 * is mapped again to the same PIRQ, so the IRQ keeps its PIRQ number as
 * well, then a port is bound to it; and, as its startup does, an EOI with
 * the port still masked has Xen send again a level line that is up. The
 * source ops' ->resume of GSIs. An MSI has none: the device's message
 * names a PIRQ that the new domain has not allocated (suspend.c refuses
 * while one is bound, as mainline restores GSIs only).
 *
 * Context: under xevtchn_bind_mutex.
 * Return: 0, or a negative errno with the reason in the kernel log; then
 * the binding stays without a port, and the GSI goes to the IOAPIC again;
 * the binding still holds the GSI (gsi_binding()) until it is unbound.
 */
static int gsi_resume(struct xevtchn_irq *info)
{
	struct physdev_map_pirq map = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI,
		.index = info->pirq_gsi,
		.pirq = info->pirq,
	};
	struct physdev_irq_status_query query = { .irq = info->pirq };
	evtchn_port_t port;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	ret = xevtchn_physdev_op(PHYSDEVOP_map_pirq, &map);
	if (ret)
		return refuse(ret, "Xen refused GSI %u as PIRQ %u again (%d)",
			      info->pirq_gsi, info->pirq, ret);
	/*
	 * For an emulated GSI, Xen leaves map.pirq as asked, and answers 0
	 * without mapping anything when the GSI or the PIRQ is mapped
	 * already ("already mapped": physdev_hvm_map_pirq() and
	 * map_domain_emuirq_pirq(), xen/arch/x86/physdev.c and irq.c of Xen
	 * 4.17). PHYSDEVOP_irq_status_query refuses a PIRQ that is mapped to
	 * nothing (-EINVAL): the GSI went to another PIRQ, and ours is not
	 * ours to unmap. (Ours mapped to another GSI cannot be: in a new
	 * domain only this loop maps, each GSI to the PIRQ it had, and no
	 * two had the same.)
	 */
	ret = xevtchn_physdev_op(PHYSDEVOP_irq_status_query, &query);
	if (ret)
		return refuse(-EBUSY, "GSI %u or PIRQ %u is mapped already (%d)",
			      info->pirq_gsi, info->pirq, ret);
	ret = bind_pirq_port(info->pirq,
			     irq_get_chip(info->irq) == &pirq_fasteoi_chip,
			     &port);
	if (!ret) {
		ret = xevtchn_attach_port(info, port, XEVTCHN_NEW_PORT_VCPU);
		if (ret)
			xevtchn_close_evtchn(port);
	}
	if (ret) {
		xevtchn_unmap_pirq(info->pirq);
		return ret;
	}
	xevtchn_pirq_startup_eoi(info);
	return 0;
}

static const struct xevtchn_source_ops gsi_ops = {
	.closed = xevtchn_pirq_closed,
	.resume = gsi_resume,
	.wait_close = true,
};

/*
 * The binding of @gsi, if a driver bound it: attached (found by its IRQ,
 * with a port or without one since a resume that could not map the GSI
 * again: gsi_resume(); a bind must not map it a second time), or closing
 * (out of the IRQ table, found by its port until the close).
 */
static struct xevtchn_irq *gsi_binding(unsigned int gsi)
{
	struct xevtchn_irq *info;
	evtchn_port_t port;
	unsigned long irq;

	for (irq = 0; (info = xevtchn_next_binding(&irq)); irq++)
		if (info->type == XEVTCHN_PORT_PIRQ && info->pirq_gsi == gsi)
			return info;
	for (port = 0; (info = xevtchn_next_port(&port, true)); port++)
		if (info->type == XEVTCHN_PORT_PIRQ && info->pirq_gsi == gsi)
			return info;
	return NULL;
}

/* Map @gsi to a PIRQ; returns the PIRQ or a negative errno. */
static int map_gsi(unsigned int gsi)
{
	struct physdev_map_pirq map = {
		.domid = DOMID_SELF,
		.type = MAP_PIRQ_TYPE_GSI,
		.index = gsi,
		.pirq = -1,	/* Xen picks a free one */
	};
	int ret;

	ret = xevtchn_physdev_op(PHYSDEVOP_map_pirq, &map);
	if (ret == -ENOSPC)
		return refuse(ret, "Xen has no free PIRQ left for GSI %u",
				   gsi);
	if (ret)
		return refuse(ret, "Xen refused to map GSI %u to a PIRQ (%d)",
			      gsi, ret);
	return map.pirq;
}

/* Bind PIRQ @pirq of @gsi to a new Linux IRQ; returns it or an errno. */
static int bind_gsi_pirq(unsigned int gsi, unsigned int pirq, bool level)
{
	struct xevtchn_irq *info;
	int irq;

	info = xevtchn_new_pirq_binding(pirq, level);
	if (IS_ERR(info))
		return PTR_ERR(info);
	info->pirq_gsi = gsi;
	info->ops = &gsi_ops;
	if (level)
		irq = xevtchn_bind_new_irq(info, &pirq_fasteoi_chip,
					   handle_fasteoi_irq, "fasteoi",
					   XEVTCHN_IRQ_MOVE_PCNTXT);
	else
		irq = xevtchn_bind_new_irq(info, &xevtchn_pirq_edge_chip,
					   handle_edge_irq, "edge",
					   XEVTCHN_IRQ_MOVE_PCNTXT);
	if (irq < 0) {
		xevtchn_free_pirq_binding(info);
		return irq;
	}
	pr_info("GSI %u (%s): PIRQ %u, port %u, IRQ %d\n", gsi,
		level ? "level" : "edge", pirq, info->port, irq);
	return irq;
}

/**
 * xevtchn_bind_gsi_to_irq() - have a GSI delivered as an event, as an IRQ
 * @gsi: the GSI, as the guest's ACPI tables number it (a PCI device's INTx
 *	line: its IOAPIC pin on Xen's single IOAPIC)
 * @level: the line is level-triggered (PCI INTx is); an edge GSI gets the
 *	xen-pirq-edge chip
 *
 * Maps the GSI to a PIRQ (PHYSDEVOP_map_pirq) and binds an event channel to
 * it. The IRQ's chip is xen-pirq-fasteoi for a level line (the eoi tells
 * Xen, which sends the PIRQ again while the line is up), xen-pirq-edge for
 * an edge. Xen stops raising the GSI at the emulated IOAPIC until the IRQ
 * is unbound (xevtchn_unbind_from_irq() or _irqhandler()), which closes the
 * port and unmaps the PIRQ. Needs upcall=vector or callback and a Xen that
 * gives the guest PIRQs.
 *
 * Context: process context; sleeps.
 * Return: the Linux IRQ; -EOPNOTSUPP when PIRQs are not available here;
 * -EBUSY when the GSI is bound already; -ENOSPC when Xen has no PIRQ left;
 * another negative errno when Xen refuses. The log says why.
 */
int xevtchn_bind_gsi_to_irq(unsigned int gsi, bool level)
{
	struct xevtchn_irq *info;
	int pirq, ret;

	might_sleep();
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	ret = xevtchn_pirq_check(__func__);
	if (ret)
		return ret;
	xevtchn_bind_lock();
	info = gsi_binding(gsi);
	if (info && info->dying) {
		/*
		 * Unbound, its close under way: until then Xen keeps the GSI
		 * mapped to the old PIRQ, and map_pirq of an emulated GSI would
		 * take another PIRQ and succeed without mapping it ("already
		 * mapped", 0: physdev_hvm_map_pirq() and
		 * map_domain_emuirq_pirq(), RELEASE-4.17.7: xen/arch/x86/physdev.c
		 * line 75, xen/arch/x86/irq.c lines 2810-2816): the new
		 * binding would never hear the line. Wait for the close.
		 */
		mutex_unlock(&xevtchn_bind_mutex);
		xevtchn_drain_closes();
		xevtchn_bind_lock();
		info = gsi_binding(gsi);
	}
	if (info) {
		ret = refuse(-EBUSY, "GSI %u is bound already, to IRQ %u",
			     gsi, info->irq);
		goto out;
	}
	pirq = map_gsi(gsi);
	if (pirq < 0) {
		ret = pirq;
		goto out;
	}
	ret = bind_gsi_pirq(gsi, pirq, level);
	if (ret < 0)
		xevtchn_unmap_pirq(pirq);
out:
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_bind_gsi_to_irq);

/**
 * xevtchn_pirq_from_irq() - the PIRQ behind an IRQ
 * @irq: an IRQ from xevtchn_bind_gsi_to_irq(), or an MSI of a device
 *	attached to xevtchn's MSI domain
 *
 * Context: any context, hard IRQ included.
 * Return: the PIRQ number, or -EINVAL when @irq is not a PIRQ of xevtchn.
 */
int xevtchn_pirq_from_irq(unsigned int irq)
{
	struct xevtchn_irq *info;
	int pirq = -EINVAL;

	rcu_read_lock();	/* against an unbind freeing the binding */
	info = xevtchn_irq_info(irq);
	if (info && info->type == XEVTCHN_PORT_PIRQ)
		pirq = info->pirq;
	rcu_read_unlock();
	return pirq;
}
EXPORT_SYMBOL_GPL(xevtchn_pirq_from_irq);
