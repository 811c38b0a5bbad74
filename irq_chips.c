// SPDX-License-Identifier: GPL-2.0
/*
 * irq_chips and flow handlers, one per kind of event source.
 *
 * xen-dyn-edge (handle_edge_irq): interdomain, unbound and loopback ports
 *	and global VIRQs. Xen events are edges: the event is the moment the
 *	pending bit goes from 0 to 1. The ack clears the pending bit before
 *	the handler runs, so an event that arrives while the handler runs sets
 *	it again and is delivered again. If it arrives on another CPU (the port
 *	moved meanwhile), handle_edge_irq there finds the IRQ in progress,
 *	marks it pending and masks it, and the first CPU runs the handler once
 *	more before it returns: nothing is lost and the handler never runs
 *	twice at once. A level flow (handle_level_irq) drops that second event,
 *	the bug Linux fixed in 2010 by moving Xen events to the edge flow.
 *
 * xen-percpu (xevtchn_handle_percpu_flow): per-CPU VIRQs and IPIs. Each is
 *	one Linux IRQ per CPU, bound to that CPU's vCPU for good, so its events
 *	never race between CPUs. The flow clears the pending bit and hands over
 *	to handle_simple_irq(), which counts the event in /proc/interrupts and
 *	runs the handler; the kernel's handle_percpu_irq() is not exported to
 *	modules.
 *
 * xen-pirq-fasteoi (handle_fasteoi_irq): level GSIs delivered as PIRQs. The
 *	eoi clears the pending bit and tells Xen (PHYSDEVOP_eoi), which sends
 *	the PIRQ again while the device still holds its line. A level source
 *	cannot lose an event this way: what another CPU drops while the
 *	handler runs comes back with the eoi. The flow is safe here, and only
 *	here, because the source is a level.
 *
 * xen-pirq-edge (handle_edge_irq): edge GSIs and MSIs delivered as PIRQs;
 *	as xen-dyn-edge, plus PHYSDEVOP_eoi in the ack where Xen asks for it.
 *	MSIs use it as the parent chip under the PCI-MSI chip "xen-pirq-msi"
 *	(msi.c); its irq_compose_msi_msg gives their message.
 *
 * One event, one handler run: before an event is dispatched, the CPU takes
 * the port's is_active flag with xchg and checks the port is still pending;
 * the ack clears the pending bit and only then the flag. Two CPUs can both
 * see a port pending when a move re-raises an event on the new CPU before
 * the old CPU has acked it; without the flag both would run the handler for
 * one event (Linux's 2021 fix, b6622798bc50). An event that arrives after
 * the ack sets the pending bit anew and is delivered as a new event.
 *
 * Masking is a set of reasons (internal.h): the port's mask bit is set while
 * any reason remains, so a temporary mask for a move cannot unmask a port
 * that genirq or the driver masked.
 *
 * Negative controls, which lose events on purpose, exist only in the test
 * build (testing.c).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <xen/interface/event_channel.h>

#include <xevtchn/hypercall.h>
#include "internal.h"

static struct xevtchn_irq *irq_data_info(struct irq_data *data)
{
	return irq_data_get_irq_chip_data(data);
}

/**
 * xevtchn_mask_reason() - mask a port for @reason
 * @info: the port
 * @reason: an XEVTCHN_MASK_* bit
 *
 * May be called from any context.
 */
void xevtchn_mask_reason(struct xevtchn_irq *info, u8 reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (!info->mask_reason)
		xevtchn_abi->mask(info->port);
	info->mask_reason |= reason;
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/**
 * xevtchn_unmask_reason() - drop @reason; unmask the port if none is left
 * @info: the port
 * @reason: an XEVTCHN_MASK_* bit
 *
 * May be called from any context. Unmasking makes sure an event that is
 * already pending gets delivered.
 */
void xevtchn_unmask_reason(struct xevtchn_irq *info, u8 reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (info->mask_reason & reason) {
		info->mask_reason &= ~reason;
		if (!info->mask_reason)
			xevtchn_abi->unmask(info->port);
	}
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/**
 * xevtchn_rebind_to_cpu() - have Xen notify @cpu's vCPU for this port
 * @info: a dynamic port (not a per-CPU VIRQ or IPI)
 * @cpu: an online CPU that takes ports
 *
 * The port is masked while it moves, so no event is delivered to a CPU that
 * does not own it yet; the unmask afterwards re-raises an event that became
 * pending meanwhile, now on the new vCPU. The CPU's ownership changes only
 * when Xen has accepted the move. Called with the IRQ's descriptor lock
 * held (from irq_set_affinity()); does not sleep.
 *
 * Return: 0, or Xen's error for EVTCHNOP_bind_vcpu.
 */
int xevtchn_rebind_to_cpu(struct xevtchn_irq *info, unsigned int cpu)
{
	struct evtchn_bind_vcpu bind = {
		.port = info->port,
		.vcpu = xevtchn_vcpu_id(cpu),
	};
	int ret;

	xevtchn_mask_reason(info, XEVTCHN_MASK_TEMPORARY);
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_vcpu, &bind);
	if (!ret) {
		xevtchn_abi->bind_to_cpu(info->port, cpu, info->cpu);
		WRITE_ONCE(info->cpu, cpu);
	}
	xevtchn_unmask_reason(info, XEVTCHN_MASK_TEMPORARY);
	return ret;
}

static void xevtchn_irq_mask(struct irq_data *data)
{
	xevtchn_mask_reason(irq_data_info(data), XEVTCHN_MASK_EXPLICIT);
}

static void xevtchn_irq_unmask(struct irq_data *data)
{
	xevtchn_unmask_reason(irq_data_info(data), XEVTCHN_MASK_EXPLICIT);
}

/**
 * xevtchn_port_taken() - the event is taken: clear pending, then the gate
 * @info: the port
 *
 * The order matters: a CPU that takes the gate after this sees the port
 * pending only for a new event.
 */
void xevtchn_port_taken(struct xevtchn_irq *info)
{
	xevtchn_abi->clear_pending(info->port);
	xevtchn_inject(XEVTCHN_INJECT_ACK);
	/* Release: the cleared pending bit is seen before the open gate. */
	smp_store_release(&info->is_active, 0);
}

static void xevtchn_irq_ack(struct irq_data *data)
{
	xevtchn_port_taken(irq_data_info(data));
}

static void xevtchn_irq_mask_ack(struct irq_data *data)
{
	xevtchn_irq_mask(data);
	xevtchn_irq_ack(data);
}

/* Deliver the event again: set it pending on a masked port, then unmask. */
static int xevtchn_irq_retrigger(struct irq_data *data)
{
	struct xevtchn_irq *info = irq_data_info(data);

	xevtchn_mask_reason(info, XEVTCHN_MASK_TEMPORARY);
	xevtchn_abi->set_pending(info->port);
	xevtchn_unmask_reason(info, XEVTCHN_MASK_TEMPORARY);
	return 1;
}

/*
 * A PIRQ's event is done: take it, and tell Xen if it asked to hear. The
 * ack of the edge chip, before the handler; the eoi of the level chip,
 * after it (Xen then raises the PIRQ again if the line is still up).
 */
static void xevtchn_pirq_done(struct irq_data *data)
{
	struct xevtchn_irq *info = irq_data_info(data);

	xevtchn_port_taken(info);
	xevtchn_pirq_eoi(info);
}

static void xevtchn_pirq_mask_ack(struct irq_data *data)
{
	xevtchn_irq_mask(data);
	xevtchn_pirq_done(data);
}

static int xevtchn_dyn_set_affinity(struct irq_data *data,
				    const struct cpumask *dest, bool force)
{
	struct xevtchn_irq *info = irq_data_info(data);
	unsigned int cpu;
	int ret;

	if (!xevtchn_ports_can_move()) {
		if (cpumask_test_cpu(info->cpu, dest))
			return IRQ_SET_MASK_OK;	/* it stays where it is */
		pr_info_ratelimited("IRQ %u (port %u) cannot move: under the INTx upcall every port stays on CPU 0\n",
				    info->irq, info->port);
		return -EINVAL;
	}
	for_each_cpu_and(cpu, dest, cpu_online_mask)
		if (xevtchn_cpu_takes_ports(cpu))
			break;
	if (cpu >= nr_cpu_ids) {
		pr_info_ratelimited("IRQ %u (port %u) cannot move to CPUs %*pbl: none is online and taking events\n",
				    info->irq, info->port, cpumask_pr_args(dest));
		return -EINVAL;
	}
	if (cpu != info->cpu) {
		ret = xevtchn_rebind_to_cpu(info, cpu);
		if (ret) {
			pr_warn_ratelimited("IRQ %u (port %u): Xen refused the move to vCPU %u (%d)\n",
					    info->irq, info->port,
					    xevtchn_vcpu_id(cpu), ret);
			return ret;
		}
	}
	irq_data_update_effective_affinity(data, cpumask_of(cpu));
	/*
	 * _DONE: nothing above us needs to change. An MSI's message names
	 * its PIRQ, not a CPU, so the PCI-MSI level must not rewrite it
	 * (a config space write to the device on every move).
	 */
	return IRQ_SET_MASK_OK_DONE;
}

static int xevtchn_percpu_set_affinity(struct irq_data *data,
				       const struct cpumask *dest, bool force)
{
	struct xevtchn_irq *info = irq_data_info(data);

	pr_info_ratelimited("IRQ %u (port %u) is a per-CPU %s of CPU %u and cannot move\n",
			    info->irq, info->port,
			    info->type == XEVTCHN_PORT_IPI ? "IPI" : "VIRQ",
			    info->cpu);
	return -EINVAL;
}

/**
 * xevtchn_handle_percpu_flow() - flow handler of the per-CPU ports
 * @desc: the IRQ's descriptor
 *
 * Clears the pending bit (the edge is taken), then lets handle_simple_irq()
 * count the event and run the handler. If the IRQ is disabled at that
 * moment, handle_simple_irq() marks it pending and genirq calls our
 * irq_retrigger when it is enabled again.
 */
void xevtchn_handle_percpu_flow(struct irq_desc *desc)
{
	xevtchn_irq_ack(irq_desc_get_irq_data(desc));
	handle_simple_irq(desc);
}

struct irq_chip xevtchn_dyn_chip = {
	.name			= "xen-dyn-edge",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= xevtchn_irq_ack,
	.irq_mask_ack		= xevtchn_irq_mask_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
};

struct irq_chip xevtchn_percpu_chip = {
	.name			= "xen-percpu",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= xevtchn_irq_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_percpu_set_affinity,
};

struct irq_chip xevtchn_pirq_fasteoi_chip = {
	.name			= "xen-pirq-fasteoi",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_eoi		= xevtchn_pirq_done,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
};

/* Edge GSIs; also the parent, under the PCI-MSI chip, of msi.c's MSIs. */
struct irq_chip xevtchn_pirq_edge_chip = {
	.name			= "xen-pirq-edge",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= xevtchn_pirq_done,
	.irq_mask_ack		= xevtchn_pirq_mask_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
	.irq_compose_msi_msg	= xevtchn_msi_compose_msg,
};

bool xevtchn_is_our_chip(const struct irq_chip *chip)
{
	return chip == &xevtchn_dyn_chip || chip == &xevtchn_percpu_chip ||
	       chip == &xevtchn_pirq_fasteoi_chip ||
	       chip == &xevtchn_pirq_edge_chip ||
	       xevtchn_testing_is_our_chip(chip);
}

/**
 * xevtchn_set_dyn_flow() - give a dynamic port its chip and flow handler
 * @info: a port that is not per-CPU, its IRQ allocated
 */
void xevtchn_set_dyn_flow(struct xevtchn_irq *info)
{
	if (!xevtchn_testing_set_flow(info))
		irq_set_chip_and_handler_name(info->irq, &xevtchn_dyn_chip,
					      handle_edge_irq, "edge");
}
