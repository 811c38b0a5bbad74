// SPDX-License-Identifier: GPL-2.0
/*
 * A binding's end: the unbind API (include/xevtchn/events.h), the unbind
 * itself, and the deferred close of the port it leaves behind.
 *
 * Unbinding frees the handler first, with the bind mutex dropped
 * (release()): free_irq() waits for a threaded handler, and that handler
 * may itself bind or close a port. Then, under the mutex, the binding is
 * detached (events.c: dying, masked, out of the IRQ and per-CPU tables)
 * and its port table entry stays as a closing entry, reserving the
 * number: the port is still open in Xen. RCU work on a workqueue of our
 * own (close_work()) closes it once no upcall can hold the binding any
 * more, gives back what the source holds (a PIRQ) and frees the IRQ; the
 * binding goes a grace period later. xevtchn_drain_closes() waits for the
 * closes queued so far: a bind that needs what a closing binding holds in
 * Xen (a VIRQ, a GSI, a remote port) waits with it, and so does unload.
 *
 * This file uses the port table (events.c, the same bring-up step, which
 * calls nothing here); bind.c, pirq.c and msi.c use it.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <xevtchn/events.h>
#include "internal.h"

/* The deferred closes (close_work()), drained at unload. */
static struct workqueue_struct *close_wq;
/* Unbound ports whose close_work() has not finished. */
static atomic_t closes_pending = ATOMIC_INIT(0);

static void close_work(struct work_struct *work);

/**
 * xevtchn_unbind_port() - unbind a port now; close it and free its IRQ and
 *	binding once no upcall can hold them
 * @info: an attached binding whose IRQ has no handler
 *
 * Stops the chip callbacks from touching the port (xevtchn_mark_dying()),
 * masks it and takes it out of the IRQ and per-CPU tables, so nothing finds
 * the binding any more. Its port table entry stays as a closing entry until
 * close_work() has closed the port: no one binds or closes the number
 * meanwhile, and Xen cannot hand it out, since it is still open. An upcall
 * that found the binding just before may still be running its IRQ, so the
 * IRQ stays allocated (refusing requests) until then too; an irq domain's
 * IRQ (MSIs) is freed by the domain when we return, so for those this waits
 * for an expedited grace period here. The chip data keeps pointing at
 * @info until the descriptor goes, and @info outlives both by a grace
 * period: lookups from an IRQ number (port_ops.c) run under RCU only.
 *
 * Context: process context, under xevtchn_bind_mutex; sleeps for an irq
 * domain's IRQ.
 */
void xevtchn_unbind_port(struct xevtchn_irq *info)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	xevtchn_detach_binding(info);
	atomic_inc(&closes_pending);
	INIT_RCU_WORK(&info->close_work, close_work);
	if (info->ops && info->ops->owned_by_domain) {
		/*
		 * The domain frees the descriptor when we return, under its
		 * irq_domain_mutex and ours (irq_domain_free_irqs(), Linux
		 * 6.1 kernel/irq/irqdomain.c, line 1764), once per vector:
		 * an expedited grace period, and the close is queued at once
		 * rather than after a second one.
		 */
		might_sleep();
		synchronize_rcu_expedited();
		queue_work(close_wq, &info->close_work.work);
		return;
	}
	irq_set_status_flags(info->irq, IRQ_NOREQUEST);
	queue_rcu_work(close_wq, &info->close_work);
}

/*
 * The second half of xevtchn_unbind_port(), a grace period later: no
 * upcall still runs the binding. Close the port in Xen, which clears its
 * pending bit (evtchn_free()) and may hand the number to a new port at
 * once: a user that does not take the bind mutex (xevtchn_alloc_unbound())
 * can open it and have an event on it before the entry is cleared. So
 * nothing here touches the port after the close; its mask bit, which stays
 * with the number, keeps every scan off it until a new binding unmasks it,
 * which needs the bind mutex. Then the source gives back what it holds
 * (->closed: a PIRQ), and the IRQ and the binding go. If Xen refuses the
 * close, the port stays open in Xen: its closing entry (and the binding
 * it points to) stays for good, and the source keeps what it holds. A port
 * kept open (->keep_open) is not closed: it stays open and masked, for the
 * next binder.
 */
static void close_work(struct work_struct *work)
{
	struct xevtchn_irq *info = container_of(to_rcu_work(work),
						struct xevtchn_irq, close_work);
	evtchn_port_t port;
	int ret;

	xevtchn_testing_before_close();
	mutex_lock(&xevtchn_bind_mutex);
	/*
	 * Port 0: the domain was resumed since (resume.c). Nothing of the
	 * binding is in Xen or in the port table any more: its old number
	 * may be someone else's now, so Xen is left alone.
	 */
	port = info->port;
	ret = info->keep_open || !port ? 0 : xevtchn_close_evtchn(port);
	xevtchn_inject(XEVTCHN_INJECT_CLOSE);
	if (ret) {
		/*
		 * Xen keeps the port open: keep its closing entry for good,
		 * so that the number is never handed out as free, and keep
		 * what the source holds (a PIRQ Xen still has bound to it).
		 */
		pr_err("Xen refused to close port %u (%d); keeping it reserved for good (leaked)\n",
		       port, ret);
		info->remote_port = 0;
	} else if (port) {
		xevtchn_abi->remove(port, info->cpu);
		xevtchn_forget_port(port);
		if (info->ops && info->ops->closed)
			info->ops->closed(info);
	}
	mutex_unlock(&xevtchn_bind_mutex);
	/*
	 * The descriptor goes without the mutex. Nothing of ours finds the
	 * binding from its IRQ since the unbind took it out of the IRQ table;
	 * genirq's callbacks (an affinity write) reach it through the chip
	 * data until the descriptor is gone, and leave a dying binding alone.
	 * The number is not handed out before irq_free_desc() returns (it
	 * clears the bitmap last, under sparse_irq_lock, which a bind's
	 * irq_alloc_desc() takes too: a bind still waits for the free, an
	 * unbind no longer does). The free (the /proc, sysfs and debugfs
	 * entries) is the slow part of the close. The close counts as pending
	 * until the descriptor is gone: xevtchn_drain_closes() leaves nothing
	 * of it behind.
	 */
	xevtchn_inject(XEVTCHN_INJECT_FREE);
	if (!(info->ops && info->ops->owned_by_domain))
		irq_free_desc(info->irq);
	atomic_dec(&closes_pending);
	if (!ret)
		kfree_rcu(info, rcu);
}

/**
 * xevtchn_drain_closes() - wait until every port unbound so far is closed
 *
 * The grace period of each queued close ends in an RCU callback that
 * queues its work (queue_rcu_work()): rcu_barrier() waits for those, then
 * the workqueue is flushed.
 *
 * Context: process context, without xevtchn_bind_mutex (the closes take
 * it); sleeps.
 */
void xevtchn_drain_closes(void)
{
	lockdep_assert_not_held(&xevtchn_bind_mutex);
	might_sleep();
	rcu_barrier();
	flush_workqueue(close_wq);
}

/**
 * xevtchn_closes_pending() - is any unbound port not closed yet?
 *
 * Context: any.
 * Return: true while a close is queued or running.
 */
bool xevtchn_closes_pending(void)
{
	return atomic_read(&closes_pending) > 0;
}

/**
 * xevtchn_closing_holds_remote() - does a closing port keep @port busy?
 * @dom: a domain, DOMID_SELF for this one
 * @port: a port of @dom that a bind wants to connect to
 *
 * Xen returns a remote port to ECS_UNBOUND only when our end closes
 * (evtchn_close(), xen/common/event_channel.c, RELEASE-4.17.7, lines
 * 754-757), and refuses to connect to one that is not (evtchn_bind_
 * interdomain(), lines 424-426). So a closing binding connected to @port
 * makes a new connection fail until its close; and so does @port itself,
 * for a loopback, when it is one of our closing ports. Domain IDs match
 * when equal or when either is DOMID_SELF: a false match only costs a wait.
 *
 * Context: under xevtchn_bind_mutex.
 * Return: true when the bind should wait for the closes first.
 */
bool xevtchn_closing_holds_remote(domid_t dom, evtchn_port_t port)
{
	struct xevtchn_irq *info;
	evtchn_port_t p = 0;

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (!xevtchn_closes_pending() || !port)
		return false;
	while ((info = xevtchn_next_port(&p, true))) {
		if (info->dying &&
		    ((dom == DOMID_SELF && info->port == port) ||
		     (info->remote_port == port &&
		      (info->remote_dom == dom || dom == DOMID_SELF ||
		       info->remote_dom == DOMID_SELF))))
			return true;
		p++;
	}
	return false;
}

/**
 * xevtchn_close_init() - the workqueue of the deferred closes
 *
 * A workqueue of their own, which unload can drain (a module must not
 * flush the system's).
 *
 * Context: module load, step 4 (main.c), after xevtchn_events_init().
 * Return: 0 or -ENOMEM.
 */
int xevtchn_close_init(void)
{
	/*
	 * WQ_MEM_RECLAIM: bind and unbind calls flush it, and a flush from
	 * a reclaim workqueue of one without it trips
	 * check_flush_dependency() (Linux 6.1 kernel/workqueue.c, lines 2619-2640).
	 */
	close_wq = alloc_ordered_workqueue("xevtchn-close", WQ_MEM_RECLAIM);
	return close_wq ? 0 : -ENOMEM;
}

/**
 * xevtchn_close_exit() - destroy the workqueue of the deferred closes
 *
 * Context: module unload, step 4 undone (main.c), before
 * xevtchn_events_exit(): xevtchn_unbind_all() drained every close.
 */
void xevtchn_close_exit(void)
{
	destroy_workqueue(close_wq);	/* empty: it drains anyway */
	close_wq = NULL;
}

/*
 * Free whatever handlers a leaked binding still has at unload. Their
 * drivers are gone (they could not be loaded without xevtchn's symbols),
 * so free_irq() with each action's own dev_id is all that can be done.
 */
static void free_leftover_handlers(unsigned int irq)
{
	struct irq_desc *desc = irq_data_to_desc(irq_get_irq_data(irq));
	unsigned long flags;
	void *dev_id;

	while (irq_has_action(irq)) {
		raw_spin_lock_irqsave(&desc->lock, flags);
		dev_id = desc->action ? desc->action->dev_id : NULL;
		raw_spin_unlock_irqrestore(&desc->lock, flags);
		pr_warn("IRQ %u still has a handler at unload; freeing it\n",
			irq);
		free_irq(irq, dev_id);
	}
}

/**
 * xevtchn_unbind_all() - refuse calls, unbind what drivers left bound, and
 *	wait until every unbound port is closed
 *
 * After this no close is pending and none can be queued: the module's code
 * is not called from RCU or a workqueue once it is gone.
 *
 * Context: module unload, step 7 undone (main.c), or a failed load.
 */
void xevtchn_unbind_all(void)
{
	struct xevtchn_irq *info;
	evtchn_port_t port;

	xevtchn_set_ready(false);
	mutex_lock(&xevtchn_bind_mutex);
	for (port = 0; (info = xevtchn_next_port(&port, false)); port = 0) {
		pr_warn("port %u (IRQ %u) still bound at unload; unbinding it\n",
			info->port, info->irq);
		info->refcount = 0;
		info->unbinding = true;
		mutex_unlock(&xevtchn_bind_mutex);
		free_leftover_handlers(info->irq);
		mutex_lock(&xevtchn_bind_mutex);
		xevtchn_unbind_port(info);
	}
	mutex_unlock(&xevtchn_bind_mutex);
	xevtchn_testing_unload();	/* a test may hold the closes */
	xevtchn_drain_closes();
}

/* Drop one reference; true when none is left and the binding must go. */
static bool put_ref(struct xevtchn_irq *info)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	return !(info->refcount > 0 && --info->refcount > 0);
}

/*
 * Free @info's handler of @dev_id (if @free_handler), then drop a reference
 * and unbind when none is left. free_irq() waits for a threaded handler to
 * finish, and that handler may be binding or closing a port itself, which
 * takes the bind mutex: so free_irq() runs with the mutex dropped, and
 * ->unbinding keeps every other unbinder off @info meanwhile. Returns true
 * when the caller must wait for the port's close once it has dropped the
 * mutex (the source's ->wait_close).
 */
static bool release(struct xevtchn_irq *info, void *dev_id, bool free_handler)
	__must_hold(&xevtchn_bind_mutex)
{
	bool wait;

	lockdep_assert_held(&xevtchn_bind_mutex);
	info->unbinding = true;
	if (free_handler) {
		mutex_unlock(&xevtchn_bind_mutex);
		free_irq(info->irq, dev_id);
		xevtchn_bind_lock();
	}
	info->has_handler = false;
	info->unbinding = false;
	if (!put_ref(info))
		return false;
	wait = info->ops && info->ops->wait_close;
	xevtchn_unbind_port(info);	/* @info may be gone once we unlock */
	return wait;
}

/* After release(), with the bind mutex dropped. */
static void finish_release(bool wait)
{
	if (wait)
		xevtchn_drain_closes();
}

/*
 * Is @dev_id's the one handler of @irq? 0 when it is, or when @irq has
 * none; -EINVAL when no handler has @dev_id; -EBUSY when another handler
 * is installed too (freeing ours would leave it on a descriptor we free).
 * genirq has no call for this, so the action list is read under the
 * descriptor's lock, as genirq changes it.
 */
static int check_handlers(unsigned int irq, void *dev_id)
{
	struct irq_desc *desc = irq_data_to_desc(irq_get_irq_data(irq));
	unsigned int mine = 0, others = 0;
	struct irqaction *action;
	unsigned long flags;

	raw_spin_lock_irqsave(&desc->lock, flags);
	for (action = desc->action; action; action = action->next) {
		if (action->dev_id == dev_id)
			mine++;
		else
			others++;
	}
	raw_spin_unlock_irqrestore(&desc->lock, flags);
	if (!mine && others)
		return refuse(-EINVAL, "IRQ %u has no handler with dev_id %p",
			      irq, dev_id);
	if (others || mine > 1)
		return refuse(-EBUSY,
			      "IRQ %u has %u handler(s) besides one of dev_id %p; free them first",
			      irq, others + mine - 1, dev_id);
	return 0;
}

/* The binding of @irq for an unbinding call, or NULL with the reason logged. */
static struct xevtchn_irq *binding_to_release(unsigned int irq, int *err,
					      const char *caller)
{
	struct xevtchn_irq *info = xevtchn_irq_info(irq);

	lockdep_assert_held(&xevtchn_bind_mutex);
	*err = 0;
	if (!info) {
		pr_warn_ratelimited("%s: IRQ %u is not bound by xevtchn\n",
				    caller, irq);
		*err = -EINVAL;
	} else if (info->ops && info->ops->owned_by_domain) {
		pr_warn_ratelimited("%s: IRQ %u is an MSI: the PCI core frees it (pci_free_irq_vectors())\n",
				    caller, irq);
		*err = -EINVAL;
	} else if (info->unbinding) {
		pr_warn_ratelimited("%s: IRQ %u is being unbound already, or its handler requested\n",
				    caller, irq);
		*err = -EBUSY;
	}
	return *err ? NULL : info;
}

/**
 * xevtchn_unbind_from_irqhandler() - free the handler and unbind
 * @irq: an IRQ bound by one of the xevtchn bind functions
 * @dev_id: the cookie given when the handler was requested (by an xevtchn
 *	*_irqhandler() function or by the driver's own request_irq())
 *
 * Frees the handler, then unbinds the port and closes it (for a refcounted
 * port: drops the binder's reference). The handler is freed without
 * xevtchn's bind mutex held, so a threaded handler that binds or unbinds
 * ports itself can finish. The close itself follows a grace period later,
 * in the background; until then the port counts as closed (binding or
 * closing it again is refused), though Xen still has it open.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL when @irq is not an xevtchn IRQ or no handler has
 * @dev_id; -EBUSY when another handler is installed too (nothing is freed)
 * or the IRQ is being unbound already.
 */
int xevtchn_unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
	struct xevtchn_irq *info;
	bool wait = false;
	int ret;

	might_sleep();
	xevtchn_bind_lock();
	info = binding_to_release(irq, &ret, __func__);
	if (info)
		ret = check_handlers(irq, dev_id);
	if (info && !ret)
		wait = release(info, dev_id, irq_has_action(irq));
	mutex_unlock(&xevtchn_bind_mutex);
	finish_release(wait);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_unbind_from_irqhandler);

/**
 * xevtchn_unbind_from_irq() - unbind an IRQ that has no handler
 * @irq: an IRQ from xevtchn_bind_evtchn_to_irq() or a sibling
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL when @irq is not an xevtchn IRQ; -EBUSY when it still
 * has a handler (free_irq() it first) or is being unbound already.
 */
int xevtchn_unbind_from_irq(unsigned int irq)
{
	struct xevtchn_irq *info;
	bool wait = false;
	int ret;

	might_sleep();
	xevtchn_bind_lock();
	info = binding_to_release(irq, &ret, __func__);
	if (info && (info->has_handler || irq_has_action(irq)))
		ret = refuse(-EBUSY, "IRQ %u still has a handler; free it first",
			     irq);
	else if (info)
		wait = release(info, NULL, false);
	mutex_unlock(&xevtchn_bind_mutex);
	finish_release(wait);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_unbind_from_irq);

/**
 * xevtchn_evtchn_make_refcounted() - let evtchn_get()/evtchn_put() hold
 *	@port's binding
 * @port: a bound port
 *
 * The binder holds the first reference; xevtchn_unbind_from_irqhandler()
 * drops it; the last xevtchn_evtchn_put() unbinds.
 *
 * Context: process context; sleeps.
 * Return: 0, or -ENOENT when @port is not bound.
 */
int xevtchn_evtchn_make_refcounted(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int ret = 0;

	might_sleep();
	xevtchn_bind_lock();
	info = xevtchn_port_info(port);
	if (info)
		info->refcount = 1;
	else
		ret = refuse(-ENOENT, "port %u is not bound", port);
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_evtchn_make_refcounted);

/**
 * xevtchn_evtchn_keep_open() - leave @port open in Xen when it is unbound
 * @port: a bound port from xevtchn_bind_evtchn_to_irq() or
 *	xevtchn_bind_interdomain_evtchn_to_irq() (or their *_irqhandler())
 *
 * For a port that outlives its binding: one the toolstack opened for the
 * guest's whole life, such as xenstore's (HVM_PARAM_STORE_EVTCHN), which
 * whoever binds it next (a driver, or xevtchn loaded again) must find
 * open. Unbinding then masks the port and forgets it as usual, but does
 * not close it: it stays open, and masked until it is bound again.
 *
 * Context: process context; sleeps.
 * Return: 0; -ENOENT when @port is not bound; -EINVAL when it is bound to
 * a VIRQ, IPI or PIRQ, which exist only while bound.
 */
int xevtchn_evtchn_keep_open(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int ret = 0;

	might_sleep();
	xevtchn_bind_lock();
	info = xevtchn_port_info(port);
	if (!info)
		ret = refuse(-ENOENT, "port %u is not bound", port);
	else if (info->type != XEVTCHN_PORT_EVTCHN)
		ret = refuse(-EINVAL, "port %u is a VIRQ, IPI or PIRQ port",
			     port);
	else
		info->keep_open = true;
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_evtchn_keep_open);

/**
 * xevtchn_evtchn_get() - take a reference on a refcounted port's binding
 * @port: a port made refcounted
 *
 * Context: process context; sleeps.
 * Return: 0; -ENOENT when @port is not bound or not refcounted.
 */
int xevtchn_evtchn_get(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int ret = 0;

	might_sleep();
	xevtchn_bind_lock();
	info = xevtchn_port_info(port);
	if (!info || info->refcount <= 0 || info->unbinding)
		ret = refuse(-ENOENT, "port %u is not bound, not refcounted or being unbound",
			     port);
	else
		info->refcount++;
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_evtchn_get);

/**
 * xevtchn_evtchn_put() - drop a reference taken with xevtchn_evtchn_get()
 * @port: the port
 *
 * The last reference unbinds the port and closes it.
 *
 * Context: process context; sleeps.
 */
void xevtchn_evtchn_put(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	bool wait = false;

	might_sleep();
	xevtchn_bind_lock();
	info = xevtchn_port_info(port);
	if (!info || info->refcount <= 0)
		complain("port %u is not bound or not refcounted", port);
	else if (info->refcount > 1)
		info->refcount--;
	else if (info->unbinding)
		complain("port %u is being unbound already", port);
	else if (irq_has_action(info->irq) &&
		 (!info->has_handler ||
		  check_handlers(info->irq, info->dev_id)))
		complain("port %u: IRQ %u has a handler xevtchn did not request; free it first",
			 port, info->irq);
	else
		wait = release(info, info->dev_id, irq_has_action(info->irq));
	mutex_unlock(&xevtchn_bind_mutex);
	finish_release(wait);
}
EXPORT_SYMBOL_GPL(xevtchn_evtchn_put);
