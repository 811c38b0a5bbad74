// SPDX-License-Identifier: GPL-2.0
/*
 * The irq_chips and flow handlers of event channel ports (dynamic and per-CPU),
 * and what every chip shares: masking by reason, the gate, moving.
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
 * The PIRQ chips (xen-pirq-fasteoi, xen-pirq-edge) live in pirq.c and the
 * MSI chips in msi.c, beside their own callbacks; they use the callbacks
 * here for masking, retriggering and moving.
 *
 * One event, one handler run: before an event is dispatched, the CPU takes
 * the port's gate (is_active) with xchg and checks the port is still
 * pending; the ack clears the pending bit and only then opens the gate. Two
 * CPUs can both see a port pending when a move re-raises an event on the
 * new CPU before the old CPU has acked it; without the gate both would run
 * the handler for one event (Linux's 2021 fix, b6622798bc50). A new event
 * that arrives while the gate is held, on a CPU that then finds the gate
 * taken, is raised again when the gate opens (xevtchn_gate_open()): Xen
 * would not notify anyone of it a second time.
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

/*
 * Set @reason; the first reason sets the mask bit. Call under @info->lock.
 * A binding without a port (port 0: a resume disconnected it, resume.c)
 * keeps its reasons only; its next port is masked or not by them.
 */
static void mask_locked(struct xevtchn_irq *info, u8 reason)
{
	lockdep_assert_held(&info->lock);
	if (!info->mask_reason && info->port)
		xevtchn_abi->mask(info->port);
	info->mask_reason |= reason;
}

/*
 * Drop @reason; the last one clears the mask bit, and the ABI re-raises an
 * event that is pending. Call under @info->lock.
 */
static void unmask_locked(struct xevtchn_irq *info, u8 reason)
{
	lockdep_assert_held(&info->lock);
	if (!(info->mask_reason & reason))
		return;
	info->mask_reason &= ~reason;
	if (!info->mask_reason && info->port)
		xevtchn_abi->unmask(info->port);
}

/**
 * xevtchn_mask_reason() - mask a port for @reason
 * @info: the port
 * @reason: an XEVTCHN_MASK_* bit
 *
 * Does nothing to a binding that is being unbound: its port may already
 * be closed, and its number another binding's.
 *
 * Context: any; takes @info->lock.
 */
void xevtchn_mask_reason(struct xevtchn_irq *info, u8 reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (!info->dying)
		mask_locked(info, reason);
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/**
 * xevtchn_unmask_reason() - drop @reason; unmask the port if none is left
 * @info: the port
 * @reason: an XEVTCHN_MASK_* bit
 *
 * Unmasking makes sure an event that is already pending gets delivered.
 * Does nothing to a binding that is being unbound.
 *
 * Context: any; takes @info->lock.
 */
void xevtchn_unmask_reason(struct xevtchn_irq *info, u8 reason)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (!info->dying)
		unmask_locked(info, reason);
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/**
 * xevtchn_mask_reason_held() - is the port masked for @reason?
 * @info: the port
 * @reason: an XEVTCHN_MASK_* bit
 *
 * Context: any; takes @info->lock.
 * Return: true when @reason is set and the binding is not being unbound.
 */
bool xevtchn_mask_reason_held(struct xevtchn_irq *info, u8 reason)
{
	unsigned long flags;
	bool held;

	raw_spin_lock_irqsave(&info->lock, flags);
	held = !info->dying && (info->mask_reason & reason);
	raw_spin_unlock_irqrestore(&info->lock, flags);
	return held;
}

/**
 * xevtchn_mark_dying() - no more moves, masks or unmasks of this binding
 * @info: a binding being unbound
 *
 * After this, the chip callbacks leave the port alone: a move or a mask
 * that genirq or user space (/proc/irq/N/smp_affinity) asks for while the
 * port is closing must not touch it: its close may come at any time, and
 * then Xen may hand the number to the next binding. A move in progress
 * finishes first (it holds @info->lock), so @info->cpu is stable from here
 * on.
 *
 * Context: process context, under xevtchn_bind_mutex.
 */
void xevtchn_mark_dying(struct xevtchn_irq *info)
{
	unsigned long flags;

	lockdep_assert_held(&xevtchn_bind_mutex);
	raw_spin_lock_irqsave(&info->lock, flags);
	WRITE_ONCE(info->dying, true);
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/* Dynamic ports bound to each CPU, for choosing where a moved port goes. */
static DEFINE_PER_CPU(atomic_t, dyn_ports);

/**
 * xevtchn_count_port() - count a dynamic port on its CPU, or stop counting
 * @info: a binding
 * @delta: 1 when it is attached, -1 when it is being unbound
 *
 * Context: under xevtchn_bind_mutex.
 */
void xevtchn_count_port(struct xevtchn_irq *info, int delta)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	if (!info->percpu)
		atomic_add(delta, per_cpu_ptr(&dyn_ports, info->cpu));
}

/*
 * Where a port moved to @dest goes: the online CPU of @dest that takes
 * ports and has the fewest, counting the port's own CPU without it (so a
 * tie keeps it where it is). nr_cpu_ids when there is none.
 */
static unsigned int select_target_cpu(struct xevtchn_irq *info,
				      const struct cpumask *dest)
{
	unsigned int cpu, best = nr_cpu_ids;
	int load, least = INT_MAX;

	for_each_cpu_and(cpu, dest, cpu_online_mask) {
		if (!xevtchn_cpu_takes_ports(cpu))
			continue;
		load = atomic_read(per_cpu_ptr(&dyn_ports, cpu));
		if (cpu == READ_ONCE(info->cpu))
			load--;
		if (load < least || (load == least && cpu == info->cpu)) {
			least = load;
			best = cpu;
		}
	}
	return best;
}

/**
 * xevtchn_rebind_to_cpu() - have Xen notify @cpu's vCPU for this port
 * @info: a dynamic port (not a per-CPU VIRQ or IPI)
 * @cpu: an online CPU that takes ports
 *
 * The port is masked while it moves, so no event is delivered to a CPU that
 * does not own it yet; the unmask afterwards re-raises an event that became
 * pending meanwhile, now on the new vCPU. The CPU's ownership changes only
 * when Xen has accepted the move. The whole move holds @info->lock, so it
 * cannot interleave with the start of an unbind (xevtchn_mark_dying()).
 *
 * Context: the IRQ's descriptor lock held (irq_set_affinity()); does not
 * sleep.
 * Return: 0; -ENOENT for a binding being unbound; Xen's error for
 * EVTCHNOP_bind_vcpu.
 */
int xevtchn_rebind_to_cpu(struct xevtchn_irq *info, unsigned int cpu)
{
	struct evtchn_bind_vcpu bind = { .vcpu = xevtchn_vcpu_id(cpu) };
	unsigned long flags;
	int ret = -ENOENT;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (info->dying)
		goto out;
	mask_locked(info, XEVTCHN_MASK_TEMPORARY);
	/* Without a port (resume.c) the move is only noted, for the next. */
	bind.port = info->port;
	ret = bind.port ? xevtchn_event_channel_op(EVTCHNOP_bind_vcpu, &bind) : 0;
	if (!ret) {
		if (bind.port)
			xevtchn_abi_bind_to_cpu(bind.port, cpu, info->cpu);
		atomic_dec(per_cpu_ptr(&dyn_ports, info->cpu));
		atomic_inc(per_cpu_ptr(&dyn_ports, cpu));
		WRITE_ONCE(info->cpu, cpu);
		info->notify_vcpu = bind.vcpu;
	}
	unmask_locked(info, XEVTCHN_MASK_TEMPORARY);
out:
	raw_spin_unlock_irqrestore(&info->lock, flags);
	return ret;
}

/* The chips' irq_mask, for every source type (pirq.c's chips too). */
void xevtchn_irq_mask(struct irq_data *data)
{
	xevtchn_mask_reason(irq_data_info(data), XEVTCHN_MASK_EXPLICIT);
}

/* The chips' irq_unmask. */
void xevtchn_irq_unmask(struct irq_data *data)
{
	xevtchn_unmask_reason(irq_data_info(data), XEVTCHN_MASK_EXPLICIT);
}

/* Deliver the port's pending event again, unless a reason masks it. */
static void reraise(struct xevtchn_irq *info)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (!info->dying && !info->mask_reason) {
		mask_locked(info, XEVTCHN_MASK_TEMPORARY);
		unmask_locked(info, XEVTCHN_MASK_TEMPORARY);
	}
	raw_spin_unlock_irqrestore(&info->lock, flags);
}

/*
 * Open the gate a lateeoi port's EOI holds, then drop XEVTCHN_MASK_EOI.
 * Call under @info->lock, with the reason held.
 */
static void release_eoi_locked(struct xevtchn_irq *info)
{
	lockdep_assert_held(&info->lock);
	info->eoi_stashed = false;
	/* Release: the cleared pending bit is seen before the open gate, */
	smp_store_release(&info->is_active, 0);
	/* and the open gate before the unmask that lets events in. */
	smp_mb();
	unmask_locked(info, XEVTCHN_MASK_EOI);
}

/**
 * xevtchn_end_eoi() - end the event a lateeoi port owes an EOI for, in one
 *	step
 * @info: a lateeoi binding
 *
 * If the EOI is owed (XEVTCHN_MASK_EOI is held) and the binding is not
 * being unbound: open the gate, then drop the reason, all under
 * @info->lock. The port is masked while the gate opens, so nothing is
 * dispatched in between; dropping the last reason unmasks it, and the
 * ABI's unmask re-raises an event that came meanwhile (with other reasons
 * left, whoever drops the last one does). While the gate was held the port
 * was masked for the EOI, so no event of it was dropped at the gate
 * (xevtchn_gate_open() has nothing more to raise).
 *
 * One step, so that two callers cannot both find the reason held: the
 * second would end the EOI of the next event, taken on another CPU as soon
 * as the first had unmasked, while that event's handler runs (lateeoi.c).
 *
 * Context: any; takes @info->lock.
 * Return: true when an EOI was owed and is now ended.
 */
bool xevtchn_end_eoi(struct xevtchn_irq *info)
{
	unsigned long flags;
	bool owed;

	raw_spin_lock_irqsave(&info->lock, flags);
	owed = !info->dying && (info->mask_reason & XEVTCHN_MASK_EOI);
	if (owed)
		release_eoi_locked(info);
	raw_spin_unlock_irqrestore(&info->lock, flags);
	return owed;
}

/**
 * xevtchn_eoi_stash() - take an event that genirq does not hand to the
 *	handler now, as owing an EOI
 * @info: a lateeoi binding
 *
 * The lateeoi chip's mask_ack (lateeoi.c says when genirq calls it): mask
 * the port explicitly, as genirq expects of mask_ack, and for the EOI;
 * clear its pending bit; keep the gate held; and note that the EOI reason
 * is held for an event no handler has seen yet (->eoi_stashed), for
 * xevtchn_irq_retrigger(). All under @info->lock.
 *
 * Context: hard IRQ context, the descriptor lock held.
 * Return: false, having done nothing, for a binding being unbound.
 */
bool xevtchn_eoi_stash(struct xevtchn_irq *info)
{
	unsigned long flags;
	bool live;

	raw_spin_lock_irqsave(&info->lock, flags);
	live = !info->dying;
	if (live) {
		mask_locked(info, XEVTCHN_MASK_EXPLICIT | XEVTCHN_MASK_EOI);
		info->eoi_stashed = true;
		xevtchn_abi->clear_pending(info->port);
	}
	raw_spin_unlock_irqrestore(&info->lock, flags);
	return live;
}

/**
 * xevtchn_gate_open() - let the next CPU take this port's events
 * @info: a port whose gate (is_active) this CPU holds
 *
 * While the gate was held, an event may have arrived and been dropped by a
 * CPU that found the gate taken: the port moved there, and that CPU spent
 * its notification (2-level: its selector bit; FIFO: the word's place in
 * its queue) on it. Xen notifies only when the pending bit goes from 0 to
 * 1, so nothing would raise that event again. After opening the gate, a
 * port found pending is therefore raised again (mask, then EVTCHNOP_unmask
 * through the ABI). Whoever then takes the gate and still finds it pending
 * takes it: one pending bit, one handler run. Costs a hypercall only when
 * an event came in the window.
 *
 * Context: the upcall or the flow handler, hard IRQ context. (A lateeoi
 * port's EOI opens its gate with xevtchn_end_eoi().)
 */
void xevtchn_gate_open(struct xevtchn_irq *info)
{
	/* Release: the cleared pending bit is seen before the open gate, */
	smp_store_release(&info->is_active, 0);
	/* and the open gate before the pending bit is read again. */
	smp_mb();
	if (unlikely(xevtchn_abi->is_pending(info->port)))
		reraise(info);
}

/**
 * xevtchn_port_taken() - the event is taken: clear pending, open the gate
 * @info: the port
 *
 * Clearing first means a CPU that takes the gate afterwards finds the port
 * pending only for a new event (never a second run for this one); opening
 * through xevtchn_gate_open() means a new event that came in between and
 * was dropped elsewhere is raised again (never lost).
 *
 * Context: hard IRQ context, from the chips' ack and eoi.
 */
void xevtchn_port_taken(struct xevtchn_irq *info)
{
	xevtchn_abi->clear_pending(info->port);
	xevtchn_inject(XEVTCHN_INJECT_ACK);
	xevtchn_gate_open(info);
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

/*
 * Deliver the event again: set it pending on a masked port, then unmask.
 * genirq resends an event that mask_ack took while the IRQ was disabled or
 * had no handler (enable_irq(), request_irq()), or one whose rerun a
 * disable cut short. A lateeoi port's mask_ack kept such an event owing an
 * EOI that no handler will end (xevtchn_eoi_stash()): give it back first,
 * opening the gate and dropping the EOI reason, so that it is taken anew
 * and its handler owes the EOI.
 *
 * A binding without a port since a resume (resume.c) cannot be set
 * pending now: the resend is owed (@resend_owed), and its next port is
 * set pending before it is unmasked (xevtchn_attach_port()). Returning 0
 * instead would not keep the event with genirq: check_irq_resend()
 * (kernel/irq/resend.c, Linux 6.1) clears IRQS_PENDING before it asks
 * the chip, and on 0 falls back to its software resend, which runs the
 * flow handler from a tasklet on a binding with no port, or, where that
 * is not built in, drops the event. 1 is the truth: the event will come.
 */
int xevtchn_irq_retrigger(struct irq_data *data)
{
	struct xevtchn_irq *info = irq_data_info(data);
	unsigned long flags;

	raw_spin_lock_irqsave(&info->lock, flags);
	if (!info->dying) {
		mask_locked(info, XEVTCHN_MASK_TEMPORARY);
		if (info->eoi_stashed)
			release_eoi_locked(info);
		if (info->port)
			xevtchn_abi->set_pending(info->port);
		else
			info->resend_owed = true;
		unmask_locked(info, XEVTCHN_MASK_TEMPORARY);
	}
	raw_spin_unlock_irqrestore(&info->lock, flags);
	return 1;
}

/* irq_set_affinity of every chip whose ports can move (pirq.c's too). */
int xevtchn_dyn_set_affinity(struct irq_data *data, const struct cpumask *dest,
			     bool force)
{
	struct xevtchn_irq *info = irq_data_info(data);
	unsigned int cpu;
	int ret;

	if (READ_ONCE(info->dying))
		return -ENOENT;	/* being unbound (rechecked under its lock) */
	if (!xevtchn_ports_can_move()) {
		if (cpumask_test_cpu(info->cpu, dest))
			return IRQ_SET_MASK_OK;	/* it stays where it is */
		pr_info_ratelimited("IRQ %u (port %u) cannot move: under the INTx upcall every port stays on CPU 0\n",
				    info->irq, info->port);
		return -EINVAL;
	}
	cpu = select_target_cpu(info, dest);
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

const struct irq_chip xevtchn_dyn_chip = {
	.name			= "xen-dyn-edge",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= xevtchn_irq_ack,
	.irq_mask_ack		= xevtchn_irq_mask_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
};

const struct irq_chip xevtchn_percpu_chip = {
	.name			= "xen-percpu",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= xevtchn_irq_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_percpu_set_affinity,
};

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
