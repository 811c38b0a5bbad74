// SPDX-License-Identifier: GPL-2.0
/*
 * Late EOI: the chip xen-dyn-lateeoi, and the EOI that ends an event of
 * it, at once or delayed (Linux's "xen/events: add a new "late EOI" evtchn
 * framework", XSA-332).
 *
 * A lateeoi port's event is taken as on xen-dyn-edge (handle_edge_irq, the
 * pending bit cleared before the handler runs), but its ack also masks the
 * port, for a reason of its own (XEVTCHN_MASK_EOI), and keeps its gate
 * (is_active) held. The port stays so until the driver says it is done
 * with the event, xevtchn_irq_lateeoi(), from its handler or later from
 * any context: an event the peer sends meanwhile sets the pending bit of a
 * masked port, and Xen raises nothing; the EOI opens the gate and drops
 * the reason, in one step under the binding's lock (xevtchn_end_eoi()),
 * and unmasking re-raises a pending event (EVTCHNOP_unmask), which is
 * delivered once. The held gate keeps a second CPU off the port even when
 * a move re-raises it there (irq_chips.c); the EOI reason stays through
 * moves, masks and retriggers, which only add and drop reasons of their
 * own (a retrigger gives back only an event no handler has seen, below).
 *
 * When genirq does not run the handler at once (lateeoi_mask_ack()), the
 * event is taken the same way, so that the handler genirq runs for it
 * later owes its EOI too. The one thing that can tell such an event from
 * one a handler saw is genirq's resend, which gives it back; interrupt
 * injection through debugfs (CONFIG_GENERIC_IRQ_INJECTION) resends too,
 * and while the handler of a rerun event still owes its EOI, it gives
 * that event back as well: one handler run more, whose EOI the driver's
 * first then ends.
 *
 * An EOI ends whatever event is owed one when it takes the binding's lock.
 * Two EOIs of one event therefore never both end it, but an extra EOI (a
 * driver's second for one event) that comes after the next event was
 * taken ends that event's EOI while its handler may still run, as in
 * mainline. The delayed EOIs' work is no exception: once it has ended
 * the EOI (the port unmasked, the next event perhaps taken at once on
 * this very CPU, whose handler EOIs it), a driver's EOI is the next
 * event's own and must not be ignored (found on the test host: ignoring
 * EOIs while the work ran left every flooded port masked for good).
 *
 * A driver that found nothing to do reports the event as spurious
 * (XEVTCHN_EOI_FLAG_SPURIOUS). As in mainline, each spurious EOI counts,
 * and once a port has had more than SPURIOUS_THRESHOLD in a row, each
 * further one is delayed, 1 jiffy, then 2, 4 and so on up to a second
 * (the count stops growing once the delay would pass 4 s): a peer that
 * floods a port with events its driver does not want gets them taken at a
 * falling rate. A non-spurious EOI resets the count. Unlike mainline's,
 * the delayed EOI itself does not reset the count (mainline's worker ends
 * each delayed EOI as a non-spurious one, so its delay never grows past
 * its first step).
 *
 * Delayed EOIs wait on one list, earliest first, under eoi_lock, and one
 * delayed work on the system workqueue ends those that are due. Unbinding
 * takes a binding off the list (xevtchn_lateeoi_forget(), after it is
 * marked dying: no EOI puts it back); the work ends the EOIs it took off
 * under rcu_read_lock(), and the deferred close frees a binding only a
 * grace period after the unbind (close.c), so the work never touches a
 * freed binding. The EOI of a binding being unbound does nothing; one
 * with no event owed unmasks nothing but counts, as in mainline.
 *
 * This file has no step of its own (like irq_chips.c, whose masking and
 * gate it uses): the port table (events.c) calls it when a binding goes,
 * and at unload, when none is left, to cancel the work.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irq.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "internal.h"

/* Spurious EOIs in a row that are not delayed (mainline's default). */
#define SPURIOUS_THRESHOLD	1
/* The longest delay of an EOI, in jiffies. */
#define MAX_DELAY		HZ

/*
 * The delayed EOIs, earliest first, and each lateeoi binding's count and
 * delay. A leaf: nothing is taken under it but the workqueue's own locks.
 */
static DEFINE_RAW_SPINLOCK(eoi_lock);
static LIST_HEAD(eoi_list);

static void eoi_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(eoi_work, eoi_work_fn);

static struct xevtchn_irq *irq_data_info(struct irq_data *data)
{
	return irq_data_get_irq_chip_data(data);
}

/*
 * The event is taken: mask the port until its EOI and clear its pending
 * bit, but keep the gate held (the EOI opens it). An event that came
 * between the dispatch and the clear is this one: the handler runs after.
 */
static void lateeoi_ack(struct irq_data *data)
{
	struct xevtchn_irq *info = irq_data_info(data);

	xevtchn_mask_reason(info, XEVTCHN_MASK_EOI);
	xevtchn_abi->clear_pending(info->port);
}

/*
 * handle_edge_irq() does not run the handler now (Linux 6.1,
 * kernel/irq/chip.c, lines 781-795): the IRQ is in progress on another
 * CPU, which, seeing IRQS_PENDING, calls unmask_irq() and runs the handler
 * again, with no ack (lines 813-819); or it is disabled or has no handler,
 * and genirq resends the event when it is enabled or requested. Take the
 * event as lateeoi_ack() does, masked explicitly too (genirq marks the IRQ
 * masked): the rerun's unmask_irq() drops only the explicit reason, so the
 * handler runs again with the EOI owed and the port masked until it, as
 * for any event. (Taking it as xen-dyn-edge does, the gate open, would let
 * the rerun run on an unmasked port with no EOI owed, the peer's events
 * coming on.) A resend gives the event back first
 * (xevtchn_irq_retrigger()): no handler owes an EOI for it. A binding being
 * unbound is masked for good; its event is taken as on xen-dyn-edge.
 */
static void lateeoi_mask_ack(struct irq_data *data)
{
	struct xevtchn_irq *info = irq_data_info(data);

	if (!xevtchn_eoi_stash(info))
		xevtchn_port_taken(info);
}

/* The chip name keeps "xen-dyn", which irqbalance matches. */
const struct irq_chip xevtchn_lateeoi_chip = {
	.name			= "xen-dyn-lateeoi",
	.irq_mask		= xevtchn_irq_mask,
	.irq_unmask		= xevtchn_irq_unmask,
	.irq_ack		= lateeoi_ack,
	.irq_mask_ack		= lateeoi_mask_ack,
	.irq_retrigger		= xevtchn_irq_retrigger,
	.irq_set_affinity	= xevtchn_dyn_set_affinity,
};

/* Queue @info's delayed EOI, due at ->eoi_time. Under eoi_lock. */
static void add_delayed(struct xevtchn_irq *info)
{
	struct xevtchn_irq *elem;
	u64 now = get_jiffies_64();

	lockdep_assert_held(&eoi_lock);
	elem = list_first_entry_or_null(&eoi_list, struct xevtchn_irq,
					eoi_list);
	if (!elem || time_before64(info->eoi_time, elem->eoi_time)) {
		list_add(&info->eoi_list, &eoi_list);
		mod_delayed_work(system_wq, &eoi_work,
				 time_after64(info->eoi_time, now) ?
				 info->eoi_time - now : 1);
		return;
	}
	list_for_each_entry_reverse(elem, &eoi_list, eoi_list)
		if (!time_before64(info->eoi_time, elem->eoi_time))
			break;
	list_add(&info->eoi_list, &elem->eoi_list);
}

/*
 * End the delayed EOIs that are due; come back for the next one. Each is
 * ended with eoi_lock dropped (xevtchn_end_eoi() takes the binding's lock,
 * which is never taken under eoi_lock).
 */
static void eoi_work_fn(struct work_struct *work)
{
	struct xevtchn_irq *info;
	unsigned long flags;
	u64 now = get_jiffies_64();

	rcu_read_lock();	/* the bindings taken off the list stay */
	raw_spin_lock_irqsave(&eoi_lock, flags);
	for (;;) {
		info = list_first_entry_or_null(&eoi_list, struct xevtchn_irq,
						eoi_list);
		if (!info)
			break;
		if (time_before64(now, info->eoi_time)) {
			mod_delayed_work(system_wq, &eoi_work,
					 info->eoi_time - now);
			break;
		}
		list_del_init(&info->eoi_list);
		info->eoi_time = 0;
		raw_spin_unlock_irqrestore(&eoi_lock, flags);
		xevtchn_end_eoi(info);
		raw_spin_lock_irqsave(&eoi_lock, flags);
	}
	raw_spin_unlock_irqrestore(&eoi_lock, flags);
	rcu_read_unlock();
}

/**
 * xevtchn_lateeoi() - the driver is done with @info's event
 * @info: a lateeoi binding
 * @spurious: the event brought nothing to do
 *
 * Counts a spurious EOI and, past SPURIOUS_THRESHOLD in a row, delays it
 * (see the top of the file); else ends the event now, if one is owed.
 * Does nothing while an EOI of the port is delayed already, or when the
 * binding is being unbound.
 *
 * Context: any context, hard IRQ included; under rcu_read_lock() or with
 * the binding held otherwise (the caller found it).
 */
void xevtchn_lateeoi(struct xevtchn_irq *info, bool spurious)
{
	bool owed = xevtchn_mask_reason_held(info, XEVTCHN_MASK_EOI);
	unsigned int delay = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&eoi_lock, flags);
	if (READ_ONCE(info->dying) || !list_empty(&info->eoi_list)) {
		raw_spin_unlock_irqrestore(&eoi_lock, flags);
		return;
	}
	if (spurious) {
		if ((1U << info->spurious) < 4 * HZ)
			info->spurious++;
		if (info->spurious > SPURIOUS_THRESHOLD)
			delay = min_t(unsigned int, MAX_DELAY,
				      1U << (info->spurious - 1 -
					     SPURIOUS_THRESHOLD));
	} else {
		info->spurious = 0;
	}
	info->eoi_delay = delay;
	if (delay && owed) {
		info->eoi_time = get_jiffies_64() + delay;
		add_delayed(info);
		owed = false;
	}
	raw_spin_unlock_irqrestore(&eoi_lock, flags);
	if (owed)
		xevtchn_end_eoi(info);
}

/**
 * xevtchn_lateeoi_forget() - take a binding being unbound off the list
 * @info: a binding marked dying
 *
 * Its delayed EOI, if any, will not run: the port is masked for good and
 * closes. Every later EOI sees it dying and does nothing.
 *
 * Context: under xevtchn_bind_mutex (xevtchn_detach_binding()).
 */
void xevtchn_lateeoi_forget(struct xevtchn_irq *info)
{
	unsigned long flags;

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (!info->lateeoi)
		return;
	raw_spin_lock_irqsave(&eoi_lock, flags);
	list_del_init(&info->eoi_list);
	info->eoi_time = 0;
	raw_spin_unlock_irqrestore(&eoi_lock, flags);
}

/**
 * xevtchn_lateeoi_state() - a lateeoi binding's EOI state, for debugfs
 * @info: a lateeoi binding
 * @state: set to its spurious count, its last delay and what it owes
 *
 * Context: any; takes eoi_lock.
 */
void xevtchn_lateeoi_state(struct xevtchn_irq *info,
			   struct xevtchn_eoi_state *state)
{
	unsigned long flags;

	state->owed = xevtchn_mask_reason_held(info, XEVTCHN_MASK_EOI);
	raw_spin_lock_irqsave(&eoi_lock, flags);
	state->spurious = info->spurious;
	state->delay_ms = jiffies_to_msecs(info->eoi_delay);
	state->delayed = !list_empty(&info->eoi_list);
	raw_spin_unlock_irqrestore(&eoi_lock, flags);
}

/**
 * xevtchn_lateeoi_exit() - cancel the delayed EOIs' work
 *
 * Context: module unload, or a failed load: every binding is gone
 * (xevtchn_events_exit()), so the list is empty.
 */
void xevtchn_lateeoi_exit(void)
{
	cancel_delayed_work_sync(&eoi_work);
	WARN_ON(!list_empty(&eoi_list));
}
