// SPDX-License-Identifier: GPL-2.0
/*
 * The event channel core: the port table, binding ports to Linux IRQs, and
 * the dispatch of events from the upcall to those IRQs.
 *
 *   Xen --upcall--> upcall.c --scan--> events_2l.c --port--> handle_port()
 *                                                               |
 *             flow handler of irq_chips.c <--generic_handle_irq-+
 *
 * Lock order (outermost first):
 *
 *   irq_domain_mutex		genirq's; held when the MSI domain of msi.c
 *				allocates or frees (it takes the bind mutex)
 *   xevtchn_bind_mutex		binding and unbinding; the port table and the
 *				per-CPU VIRQ/IPI tables change only under it
 *     IRQ descriptor lock	genirq's; held around the chip callbacks,
 *				including irq_set_affinity()
 *       xevtchn_irq.lock	a raw spinlock: the mask reasons and the mask bit
 *
 * The upcall takes none of these: it finds ports in the port table under
 * rcu_read_lock(), and the flow handler then takes the descriptor lock and,
 * for masking, the port's lock, in that order. Nothing in the upcall path
 * sleeps. Unbinding, under xevtchn_bind_mutex, clears the port's table entry,
 * waits for an (expedited) RCU grace period, and only then closes the port
 * in Xen and frees the IRQ and the xevtchn_irq. So an upcall that found the
 * port still sees valid memory, and a port number Xen hands out again cannot
 * meet a stale entry.
 *
 * Invariant: table entry for port P is NULL or points to the xevtchn_irq
 * whose .port is P.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
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

/* The most ports any ABI addresses (FIFO: 2^17). */
#define MAX_PORTS	BIT(17)
#define ROW_PORTS	(PAGE_SIZE / sizeof(void *))
#define NR_ROWS		DIV_ROUND_UP(MAX_PORTS, ROW_PORTS)

/* Serializes binding and unbinding; see the lock order above. */
DEFINE_MUTEX(xevtchn_bind_mutex);
const struct xevtchn_abi *xevtchn_abi;

/* Rows of the port table, allocated as ports get bound, freed at unload. */
static struct xevtchn_irq __rcu **port_rows[NR_ROWS];

/* The per-CPU sources bound on each CPU. */
struct cpu_sources {
	struct xevtchn_irq __rcu *virq[NR_VIRQS];
	struct xevtchn_irq __rcu *ipi[XEVTCHN_NR_IPIS];
};

static DEFINE_PER_CPU(struct cpu_sources, cpu_sources);

static bool ready;

/**
 * xevtchn_port_info() - the binding of @port
 * @port: an event channel port
 *
 * Call under rcu_read_lock() or xevtchn_bind_mutex.
 *
 * Return: the port's xevtchn_irq, or NULL when it is not bound.
 */
struct xevtchn_irq *xevtchn_port_info(evtchn_port_t port)
{
	struct xevtchn_irq __rcu **row;

	if (port >= MAX_PORTS)
		return NULL;
	/* Pairs with the release in set_port_info(): the row is zeroed. */
	row = smp_load_acquire(&port_rows[port / ROW_PORTS]);
	if (!row)
		return NULL;
	return rcu_dereference_check(row[port % ROW_PORTS],
				     lockdep_is_held(&xevtchn_bind_mutex));
}

/* Refuse to bind a port that is bound already. */
static int check_port_free(evtchn_port_t port, const char *caller)
{
	struct xevtchn_irq *info = xevtchn_port_info(port);

	if (!info)
		return 0;
	pr_warn_ratelimited("%s: port %u is already bound to IRQ %u\n",
			    caller, port, info->irq);
	return -EBUSY;
}

static int set_port_info(evtchn_port_t port, struct xevtchn_irq *info)
{
	struct xevtchn_irq __rcu **row;

	lockdep_assert_held(&xevtchn_bind_mutex);
	row = port_rows[port / ROW_PORTS];
	if (!row) {
		row = kcalloc(ROW_PORTS, sizeof(*row), GFP_KERNEL);
		if (!row)
			return -ENOMEM;
		/* Publish the zeroed row; see xevtchn_port_info(). */
		smp_store_release(&port_rows[port / ROW_PORTS], row);
	}
	rcu_assign_pointer(row[port % ROW_PORTS], info);
	return 0;
}

/**
 * xevtchn_next_port() - the first bound port at or after *@port
 * @port: where to start; set to the port found
 *
 * Call under xevtchn_bind_mutex. Visit every bound port with
 * for (port = 0; (info = xevtchn_next_port(&port)); port++).
 *
 * Return: the port's binding, or NULL when no bound port follows.
 */
struct xevtchn_irq *xevtchn_next_port(evtchn_port_t *port)
{
	struct xevtchn_irq *info;

	lockdep_assert_held(&xevtchn_bind_mutex);
	for (; *port < MAX_PORTS; (*port)++) {
		if (!port_rows[*port / ROW_PORTS]) {
			*port = round_up(*port + 1, ROW_PORTS) - 1;
			continue;
		}
		info = xevtchn_port_info(*port);
		if (info)
			return info;
	}
	return NULL;
}

/**
 * xevtchn_handle_port() - an event arrived on @port: run its IRQ
 * @port: a pending, unmasked port of this CPU
 *
 * Called by the ABI's scan, in the upcall, under rcu_read_lock(). The
 * flow handler's ack (or mask_ack) releases the port's gate.
 */
void xevtchn_handle_port(evtchn_port_t port)
{
	struct xevtchn_irq *info = xevtchn_port_info(port);

	if (unlikely(!info)) {
		/* No IRQ to run: mask it, so it cannot raise upcalls forever. */
		xevtchn_abi->mask(port);
		xevtchn_abi->clear_pending(port);
		pr_warn_ratelimited("event on port %u, which is not bound; masked it\n",
				    port);
		return;
	}
	/* Another CPU is taking this event, or already took it. */
	if (xchg(&info->is_active, 1))
		return;
	if (!xevtchn_abi->is_pending(port)) {
		/*
		 * Someone took the event before us. Open the gate the way the
		 * ack does: a new event that another CPU dropped meanwhile,
		 * finding the gate taken, is raised again.
		 */
		xevtchn_gate_open(info);
		return;
	}
	atomic_long_inc(&info->events);
	xevtchn_inject(XEVTCHN_INJECT_DISPATCH);
	xevtchn_testing_take_early(info);
	generic_handle_irq(info->irq);
}

/**
 * xevtchn_irq_info() - the binding behind a Linux IRQ
 * @irq: a Linux IRQ
 *
 * Context: under rcu_read_lock() or xevtchn_bind_mutex: an unbinding frees
 * the descriptor and the binding only after a grace period.
 * Return: the binding, or NULL if @irq is not one of ours.
 */
struct xevtchn_irq *xevtchn_irq_info(unsigned int irq)
{
	struct irq_data *data = irq_get_irq_data(irq);

	if (!data || !xevtchn_is_our_chip(irq_data_get_irq_chip(data)))
		return NULL;
	return irq_data_get_irq_chip_data(data);
}

/*
 * A VIRQ's or IPI's slot in the table of the CPU it was bound on. A global
 * VIRQ keeps its slot there when it moves: Xen binds global VIRQs on vCPU 0
 * only, and the slot stands for that binding, not for where events go.
 */
static struct xevtchn_irq __rcu **cpu_source_slot(struct xevtchn_irq *info)
{
	struct cpu_sources *s = per_cpu_ptr(&cpu_sources, info->bound_cpu);

	if (info->type == XEVTCHN_PORT_VIRQ)
		return &s->virq[info->virq];
	if (info->type == XEVTCHN_PORT_IPI)
		return &s->ipi[info->ipi];
	return NULL;
}

/**
 * xevtchn_close_evtchn() - close a port in Xen, nothing more
 * @port: a port this domain has open and that is not in the port table
 *
 * For the binding paths, under xevtchn_bind_mutex; drivers call
 * xevtchn_close_port(), which checks first.
 *
 * Return: 0, or Xen's error.
 */
int xevtchn_close_evtchn(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };

	return xevtchn_event_channel_op(EVTCHNOP_close, &close);
}

/**
 * xevtchn_default_cpu() - where a new dynamic port goes
 *
 * Return: the first CPU that takes dynamic ports; CPU 0 under INTx.
 */
unsigned int xevtchn_default_cpu(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (xevtchn_cpu_takes_ports(cpu))
			return cpu;
	return 0;
}

/**
 * xevtchn_new_binding() - a binding for @port, not yet visible to the upcall
 * @port: a port Xen has set up for us
 * @type: what the port is bound to
 * @cpu: the CPU whose vCPU Xen notifies (for per-CPU sources: already)
 *
 * Makes the ABI ready for @port and masks it. The caller gives the binding
 * its IRQ (->irq) and chip, then calls xevtchn_attach_binding(), or
 * kfree()s it on failure. Call under xevtchn_bind_mutex.
 *
 * Return: the binding, or an ERR_PTR() with the reason in the kernel log.
 */
struct xevtchn_irq *xevtchn_new_binding(evtchn_port_t port,
					enum xevtchn_port_type type,
					unsigned int cpu)
{
	struct xevtchn_irq *info;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (port >= xevtchn_abi->max_ports)
		return ERR_PTR(refuse(-EINVAL, "port %u is beyond the %s ABI's %u ports",
				      port, xevtchn_abi->name,
				      xevtchn_abi->max_ports));
	if (xevtchn_abi->port_setup) {
		ret = xevtchn_abi->port_setup(port);
		if (ret)
			return ERR_PTR(refuse(ret, "the %s ABI cannot hold port %u (%d)",
					      xevtchn_abi->name, port, ret));
	}
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->port = port;
	info->type = type;
	info->cpu = cpu;
	info->bound_cpu = cpu;
	info->mask_reason = XEVTCHN_MASK_EXPLICIT;
	raw_spin_lock_init(&info->lock);
	xevtchn_abi->mask(port);
	return info;
}

/**
 * xevtchn_attach_binding() - make a new binding visible to the upcall
 * @info: from xevtchn_new_binding(), with its IRQ and chip set
 *
 * Has Xen notify @info->cpu's vCPU (dynamic ports), then publishes the
 * port in the port table. The port stays masked until its IRQ is started.
 * Call under xevtchn_bind_mutex.
 *
 * Return: 0, or a negative errno with the reason in the kernel log; then
 * nothing was published.
 */
int xevtchn_attach_binding(struct xevtchn_irq *info)
{
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (!info->percpu) {
		struct evtchn_bind_vcpu bind = {
			.port = info->port,
			.vcpu = xevtchn_vcpu_id(info->cpu),
		};

		ret = xevtchn_event_channel_op(EVTCHNOP_bind_vcpu, &bind);
		if (ret)
			return refuse(ret, "Xen refused to bind port %u to vCPU %u (%d)",
				      info->port, bind.vcpu, ret);
	}
	irq_data_update_effective_affinity(irq_get_irq_data(info->irq),
					   cpumask_of(info->cpu));
	ret = set_port_info(info->port, info);
	if (ret)
		return ret;
	xevtchn_abi->bind_to_cpu(info->port, info->cpu, info->cpu);
	if (cpu_source_slot(info))
		rcu_assign_pointer(*cpu_source_slot(info), info);
	xevtchn_count_port(info, 1);
	return 0;
}

/**
 * xevtchn_detach_binding() - undo xevtchn_attach_binding() and close the port
 * @info: an attached binding whose IRQ has no handler
 *
 * Stops the chip callbacks from touching the port (xevtchn_mark_dying()),
 * masks it, forgets it, waits until no upcall can still be using it, then
 * closes it in Xen. Xen clears the pending bit of a port it frees
 * (evtchn_free()), and may hand the number to a new port at once: a user
 * that does not take the bind mutex (xevtchn_alloc_unbound()) can open it
 * and have an event on it before we return, so nothing here touches the
 * port after the close. The caller frees the IRQ and @info.
 *
 * Context: process context, under xevtchn_bind_mutex; sleeps.
 */
void xevtchn_detach_binding(struct xevtchn_irq *info)
{
	evtchn_port_t port = info->port;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	might_sleep();
	xevtchn_mark_dying(info);
	xevtchn_count_port(info, -1);
	xevtchn_abi->mask(port);
	set_port_info(port, NULL);	/* the row exists: cannot fail */
	if (cpu_source_slot(info))
		RCU_INIT_POINTER(*cpu_source_slot(info), NULL);
	synchronize_rcu_expedited();

	ret = xevtchn_close_evtchn(port);
	if (ret)
		pr_warn("Xen refused to close port %u (%d)\n", port, ret);
	xevtchn_inject(XEVTCHN_INJECT_CLOSE);
	/* The mask bit, which stays with the number, keeps every scan off it. */
	xevtchn_abi->remove(port, info->cpu);
}

/**
 * xevtchn_bind_new_irq() - give a new binding its Linux IRQ, and attach it
 * @info: from xevtchn_new_binding(), its fields filled in
 * @chip: the IRQ's chip; NULL for a dynamic port's (xevtchn_set_dyn_flow())
 * @handle: the flow handler that goes with @chip
 * @flow: the flow's name in /proc/interrupts, with @chip
 * @status: IRQ_* status flags to set
 *
 * Call under xevtchn_bind_mutex.
 *
 * Return: the IRQ; or a negative errno, and then nothing but @info is left
 * for the caller to free.
 */
int xevtchn_bind_new_irq(struct xevtchn_irq *info, struct irq_chip *chip,
			 irq_flow_handler_t handle, const char *flow,
			 unsigned long status)
{
	int irq, ret;

	irq = irq_alloc_desc(cpu_to_node(info->cpu));
	if (irq < 0)
		return refuse(irq, "no Linux IRQ left for port %u", info->port);
	info->irq = irq;
	if (chip)
		irq_set_chip_and_handler_name(irq, chip, handle, flow);
	else
		xevtchn_set_dyn_flow(info);
	irq_set_status_flags(irq, status);
	irq_clear_status_flags(irq, IRQ_NOREQUEST | IRQ_NOAUTOEN);
	irq_set_chip_data(irq, info);
	ret = xevtchn_attach_binding(info);
	if (ret) {
		irq_free_desc(irq);
		return ret;
	}
	return irq;
}

/*
 * Bind @port, which Xen already has set up (and notifying @cpu's vCPU for
 * per-CPU sources), to a new Linux IRQ. Returns the IRQ or a negative errno;
 * on failure the port stays as it was, and whoever opened it closes it.
 */
static int bind_port(evtchn_port_t port, enum xevtchn_port_type type,
		     bool percpu, unsigned int cpu, unsigned int source)
{
	struct xevtchn_irq *info;
	int irq;

	info = xevtchn_new_binding(port, type, cpu);
	if (IS_ERR(info))
		return PTR_ERR(info);
	info->percpu = percpu;
	info->virq = source;	/* or .ipi: the same storage */
	if (percpu)
		/*
		 * IRQ_MOVE_PCNTXT here too: without it genirq would defer a
		 * move, report success and never do it; with it, our chip
		 * refuses the move and the caller hears so.
		 */
		irq = xevtchn_bind_new_irq(info, &xevtchn_percpu_chip,
					   xevtchn_handle_percpu_flow, "percpu",
					   IRQ_PER_CPU | IRQ_NO_BALANCING |
					   IRQ_MOVE_PCNTXT);
	else
		irq = xevtchn_bind_new_irq(info, NULL, NULL, NULL,
					   IRQ_MOVE_PCNTXT);
	if (irq < 0)
		kfree_rcu(info, rcu);	/* its descriptor was briefly visible */
	return irq;
}

/* bind_port() for a port xevtchn opened itself: closed again on failure. */
static int bind_new_port(evtchn_port_t port, enum xevtchn_port_type type,
			 bool percpu, unsigned int cpu, unsigned int source)
{
	int ret = bind_port(port, type, percpu, cpu, source);

	if (ret < 0)
		xevtchn_close_evtchn(port);
	return ret;
}

/*
 * Undo bind_port(): close the port (and for a PIRQ, give it back to Xen),
 * free the IRQ. The IRQ must have no handler. The chip data keeps pointing
 * at @info until the descriptor goes, and @info outlives both by a grace
 * period: lookups from an IRQ number (port_ops.c) run under RCU only.
 */
static void unbind_port(struct xevtchn_irq *info)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	xevtchn_detach_binding(info);
	if (info->type == XEVTCHN_PORT_PIRQ)
		xevtchn_unmap_pirq(info->pirq);
	xevtchn_inject(XEVTCHN_INJECT_FREE);
	irq_free_desc(info->irq);
	kfree_rcu(info, rcu);
}

/**
 * xevtchn_move_ports_off() - move every dynamic port off a CPU going offline
 * @cpu: the CPU, which takes no new ports any more
 *
 * Each port goes to another CPU of its affinity mask, the least loaded one
 * (the chip chooses); only a port whose mask names no other online CPU
 * loses its affinity, as genirq's own migration does then.
 *
 * Context: the CPU hotplug callback, before the upcall of @cpu stops.
 */
void xevtchn_move_ports_off(unsigned int cpu)
{
	static struct cpumask dest;	/* under xevtchn_bind_mutex */
	struct xevtchn_irq *info;
	struct irq_data *data;
	evtchn_port_t port;
	int ret;

	if (!xevtchn_ports_can_move())
		return;
	mutex_lock(&xevtchn_bind_mutex);
	for (port = 0; (info = xevtchn_next_port(&port)); port++) {
		if (info->percpu || READ_ONCE(info->cpu) != cpu)
			continue;
		data = irq_get_irq_data(info->irq);
		cpumask_and(&dest, irq_data_get_affinity_mask(data),
			    cpu_online_mask);
		cpumask_clear_cpu(cpu, &dest);
		if (cpumask_empty(&dest)) {
			pr_info("IRQ %u (port %u): no other online CPU in its affinity; it may run on any\n",
				info->irq, port);
			cpumask_andnot(&dest, cpu_online_mask, cpumask_of(cpu));
		}
		ret = irq_set_affinity(info->irq, &dest);
		if (ret)
			pr_warn("port %u (IRQ %u) could not leave CPU %u (%d)\n",
				port, info->irq, cpu, ret);
	}
	mutex_unlock(&xevtchn_bind_mutex);
}

static int request_handler(int irq, irq_handler_t handler,
			   unsigned long irqflags, const char *devname,
			   void *dev_id)
{
	struct xevtchn_irq *info;
	int ret;

	ret = request_irq(irq, handler, irqflags, devname, dev_id);
	mutex_lock(&xevtchn_bind_mutex);
	info = xevtchn_irq_info(irq);
	if (!info || info->unbinding) {
		/* Someone who guessed the IRQ number unbound it meanwhile. */
		ret = ret ?: -ENOENT;
	} else if (ret) {
		pr_warn("cannot request IRQ %d for %s (%d)\n", irq, devname,
			ret);
		unbind_port(info);
	} else {
		info->has_handler = true;
		info->dev_id = dev_id;
	}
	mutex_unlock(&xevtchn_bind_mutex);
	return ret ? ret : irq;
}

/* Ask Xen what @port is. Returns EVTCHNSTAT_* or a negative errno. */
static int port_status(evtchn_port_t port)
{
	struct evtchn_status status = { .dom = DOMID_SELF, .port = port };
	int ret;

	ret = xevtchn_event_channel_op(EVTCHNOP_status, &status);
	return ret ? ret : status.status;
}

/**
 * xevtchn_check_ready() - refuse, in the log, a call before xevtchn is ready
 * @caller: the refusing function's name
 *
 * Return: 0 when ready, else -ENODEV.
 */
int xevtchn_check_ready(const char *caller)
{
	if (likely(READ_ONCE(ready)))
		return 0;
	pr_warn_ratelimited("%s: xevtchn is not ready (loading, unloading or paused)\n",
			    caller);
	return -ENODEV;
}

/**
 * xevtchn_bind_evtchn_to_irq() - bind an open port of this domain to an IRQ
 * @port: an unbound or interdomain port of this domain
 *
 * The IRQ uses the xen-dyn-edge chip and starts on CPU 0 (or the first CPU
 * that takes events); irq_set_affinity() moves it. Unbinding closes the
 * port, as in mainline. May sleep.
 *
 * Return: the Linux IRQ; -EINVAL for a port that is closed, out of range or
 * bound to a VIRQ, IPI or PIRQ; -EBUSY when it is already bound to an IRQ.
 */
int xevtchn_bind_evtchn_to_irq(evtchn_port_t port)
{
	int status, ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	mutex_lock(&xevtchn_bind_mutex);
	ret = check_port_free(port, __func__);
	if (ret)
		goto out;
	status = port_status(port);
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
			xevtchn_default_cpu(), 0);
out:
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
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
 * Return: the Linux IRQ, or a negative errno (nothing stays bound).
 */
int xevtchn_bind_evtchn_to_irqhandler(evtchn_port_t port,
				      irq_handler_t handler,
				      unsigned long irqflags,
				      const char *devname, void *dev_id)
{
	int irq = xevtchn_bind_evtchn_to_irq(port);

	if (irq < 0)
		return irq;
	return request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_evtchn_to_irqhandler);

/**
 * xevtchn_bind_interdomain_evtchn_to_irq() - connect to a remote port
 * @remote_domain: the other domain (DOMID_SELF for a loopback)
 * @remote_port: its port, allocated unbound for this domain
 *
 * Opens a local port connected to @remote_port (EVTCHNOP_bind_interdomain)
 * and binds it like xevtchn_bind_evtchn_to_irq(). May sleep.
 *
 * Return: the Linux IRQ, or Xen's error (-EINVAL when @remote_port is not
 * waiting for this domain), with the reason in the kernel log.
 */
int xevtchn_bind_interdomain_evtchn_to_irq(domid_t remote_domain,
					   evtchn_port_t remote_port)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = remote_domain,
		.remote_port = remote_port,
	};
	int ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	mutex_lock(&xevtchn_bind_mutex);
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (ret)
		ret = refuse(ret, "Xen refused to connect to port %u of domain %u (%d)",
			     remote_port, remote_domain, ret);
	else
		ret = bind_new_port(bind.local_port, XEVTCHN_PORT_EVTCHN,
				    false, xevtchn_default_cpu(), 0);
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
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
 * Return: the Linux IRQ, or a negative errno (nothing stays open).
 */
int xevtchn_bind_interdomain_evtchn_to_irqhandler(domid_t remote_domain,
						  evtchn_port_t remote_port,
						  irq_handler_t handler,
						  unsigned long irqflags,
						  const char *devname,
						  void *dev_id)
{
	int irq = xevtchn_bind_interdomain_evtchn_to_irq(remote_domain,
							 remote_port);

	if (irq < 0)
		return irq;
	return request_handler(irq, handler, irqflags, devname, dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_interdomain_evtchn_to_irqhandler);

/**
 * xevtchn_alloc_unbound() - open a port that @remote_domain may connect to
 * @remote_domain: the domain allowed to connect (DOMID_SELF for loopback)
 * @port: set to the new port
 *
 * The port is not bound to an IRQ; bind it with xevtchn_bind_evtchn_to_irq()
 * or close it with xevtchn_close_port().
 *
 * Return: 0, or Xen's error (-ESRCH: no such domain; -ENOSPC: no free port).
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
	ret = xevtchn_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
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
 * Return: 0, or Xen's error; on error no port stays open.
 */
int xevtchn_alloc_loopback(evtchn_port_t *port_a, evtchn_port_t *port_b)
{
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	int ret;

	ret = xevtchn_alloc_unbound(DOMID_SELF, port_a);
	if (ret)
		return ret;
	bind.remote_port = *port_a;
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (ret) {
		xevtchn_close_evtchn(*port_a);
		return refuse(ret, "Xen refused the loopback to port %u (%d)",
			      *port_a, ret);
	}
	*port_b = bind.local_port;
	return 0;
}
EXPORT_SYMBOL_GPL(xevtchn_alloc_loopback);

/**
 * xevtchn_close_port() - close a port that is not bound to an IRQ
 * @port: the port
 *
 * Return: 0; -EBUSY when the port is bound (unbind it instead); Xen's error.
 */
int xevtchn_close_port(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	mutex_lock(&xevtchn_bind_mutex);
	info = xevtchn_port_info(port);
	if (info) {
		ret = refuse(-EBUSY, "port %u is bound to IRQ %u; unbind it instead",
			     port, info->irq);
	} else {
		ret = xevtchn_close_evtchn(port);
		if (ret)
			complain("Xen refused to close port %u (%d)", port, ret);
	}
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_close_port);

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

/**
 * xevtchn_bind_virq_to_irq() - bind a virtual IRQ of Xen's to a Linux IRQ
 * @virq: a VIRQ_* number
 * @cpu: the CPU whose vCPU gets it (CPU 0 for a global VIRQ)
 * @percpu: true for a per-vCPU VIRQ (VIRQ_TIMER, VIRQ_DEBUG, ...), which
 *	gets the xen-percpu chip and never moves; false for a global VIRQ,
 *	which gets the xen-dyn-edge chip and can move
 *
 * May sleep.
 *
 * Return: the Linux IRQ; -EINVAL for a bad VIRQ or CPU; -EBUSY when the
 * VIRQ is already bound on @cpu; Xen's error otherwise.
 */
int xevtchn_bind_virq_to_irq(unsigned int virq, unsigned int cpu, bool percpu)
{
	struct evtchn_bind_virq bind = { .virq = virq };
	int ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	if (virq >= NR_VIRQS)
		return refuse(-EINVAL, "VIRQ %u is out of range (0..%u)", virq,
			      NR_VIRQS - 1);
	mutex_lock(&xevtchn_bind_mutex);
	ret = check_cpu(cpu, __func__);
	if (ret)
		goto out;
	if (rcu_access_pointer(per_cpu(cpu_sources, cpu).virq[virq])) {
		ret = refuse(-EBUSY, "VIRQ %u is already bound on CPU %u",
			     virq, cpu);
		goto out;
	}
	bind.vcpu = xevtchn_vcpu_id(cpu);
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_virq, &bind);
	if (ret) {
		ret = refuse(ret, "Xen refused VIRQ %u on vCPU %u (%d)%s", virq,
			     bind.vcpu, ret, ret == -EEXIST ?
			     ": someone else bound it" : "");
		goto out;
	}
	ret = bind_new_port(bind.port, XEVTCHN_PORT_VIRQ, percpu, cpu, virq);
out:
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
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
 * Return: the Linux IRQ, or a negative errno (nothing stays bound).
 */
int xevtchn_bind_virq_to_irqhandler(unsigned int virq, unsigned int cpu,
				    irq_handler_t handler,
				    unsigned long irqflags,
				    const char *devname, void *dev_id)
{
	int irq = xevtchn_bind_virq_to_irq(virq, cpu, irqflags & IRQF_PERCPU);

	if (irq < 0)
		return irq;
	return request_handler(irq, handler, irqflags, devname, dev_id);
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
 * Send it with xevtchn_send_ipi(). The IRQ uses the xen-percpu chip. May
 * sleep.
 *
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
	int ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	if (ipi >= XEVTCHN_NR_IPIS)
		return refuse(-EINVAL, "IPI %u is out of range (0..%u)", ipi,
			      XEVTCHN_NR_IPIS - 1);
	mutex_lock(&xevtchn_bind_mutex);
	ret = check_cpu(cpu, __func__);
	if (ret)
		goto unlock;
	if (rcu_access_pointer(per_cpu(cpu_sources, cpu).ipi[ipi])) {
		ret = refuse(-EBUSY, "IPI %u is already bound on CPU %u", ipi,
			     cpu);
		goto unlock;
	}
	bind.vcpu = xevtchn_vcpu_id(cpu);
	ret = xevtchn_event_channel_op(EVTCHNOP_bind_ipi, &bind);
	if (ret) {
		ret = refuse(ret, "Xen refused an IPI port on vCPU %u (%d)",
			     bind.vcpu, ret);
		goto unlock;
	}
	ret = bind_new_port(bind.port, XEVTCHN_PORT_IPI, true, cpu, ipi);
unlock:
	mutex_unlock(&xevtchn_bind_mutex);
	if (ret < 0)
		return ret;
	return request_handler(ret, handler, irqflags | IRQF_PERCPU, devname,
			       dev_id);
}
EXPORT_SYMBOL_GPL(xevtchn_bind_ipi_to_irqhandler);

/**
 * xevtchn_send_ipi() - raise IPI @ipi on @cpu
 * @cpu: the target CPU
 * @ipi: an IPI bound there with xevtchn_bind_ipi_to_irqhandler()
 *
 * May be called from any context.
 *
 * Return: 0; -ENOENT when @ipi is not bound on @cpu; Xen's error.
 */
int xevtchn_send_ipi(unsigned int cpu, unsigned int ipi)
{
	struct xevtchn_irq *info = NULL;
	struct evtchn_send send;

	if (cpu < nr_cpu_ids && cpu_possible(cpu) && ipi < XEVTCHN_NR_IPIS) {
		rcu_read_lock();
		info = rcu_dereference(per_cpu(cpu_sources, cpu).ipi[ipi]);
		send.port = info ? info->port : 0;
		rcu_read_unlock();
	}
	if (!info)
		return refuse(-ENOENT, "IPI %u is not bound on CPU %u", ipi, cpu);
	return xevtchn_event_channel_op(EVTCHNOP_send, &send);
}
EXPORT_SYMBOL_GPL(xevtchn_send_ipi);

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
 * ->unbinding keeps every other unbinder off @info meanwhile.
 */
static void release(struct xevtchn_irq *info, void *dev_id, bool free_handler)
	__must_hold(&xevtchn_bind_mutex)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	info->unbinding = true;
	if (free_handler) {
		mutex_unlock(&xevtchn_bind_mutex);
		free_irq(info->irq, dev_id);
		mutex_lock(&xevtchn_bind_mutex);
	}
	info->has_handler = false;
	info->unbinding = false;
	if (put_ref(info))
		unbind_port(info);
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
	} else if (info->unbinding) {
		pr_warn_ratelimited("%s: IRQ %u is being unbound already\n",
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
 * ports itself can finish.
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL when @irq is not an xevtchn IRQ or no handler has
 * @dev_id; -EBUSY when another handler is installed too (nothing is freed)
 * or the IRQ is being unbound already.
 */
int xevtchn_unbind_from_irqhandler(unsigned int irq, void *dev_id)
{
	struct xevtchn_irq *info;
	int ret;

	might_sleep();
	mutex_lock(&xevtchn_bind_mutex);
	info = binding_to_release(irq, &ret, __func__);
	if (info)
		ret = check_handlers(irq, dev_id);
	if (info && !ret)
		release(info, dev_id, irq_has_action(irq));
	mutex_unlock(&xevtchn_bind_mutex);
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
	int ret;

	might_sleep();
	mutex_lock(&xevtchn_bind_mutex);
	info = binding_to_release(irq, &ret, __func__);
	if (info && (info->has_handler || irq_has_action(irq)))
		ret = refuse(-EBUSY, "IRQ %u still has a handler; free it first",
			     irq);
	else if (info)
		release(info, NULL, false);
	mutex_unlock(&xevtchn_bind_mutex);
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
 * Return: 0, or -ENOENT when @port is not bound.
 */
int xevtchn_evtchn_make_refcounted(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int ret = 0;

	mutex_lock(&xevtchn_bind_mutex);
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
 * xevtchn_evtchn_get() - take a reference on a refcounted port's binding
 * @port: a port made refcounted
 *
 * Return: 0; -ENOENT when @port is not bound or not refcounted.
 */
int xevtchn_evtchn_get(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	int ret = 0;

	mutex_lock(&xevtchn_bind_mutex);
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
 * The last reference unbinds the port and closes it. May sleep.
 */
void xevtchn_evtchn_put(evtchn_port_t port)
{
	struct xevtchn_irq *info;

	might_sleep();
	mutex_lock(&xevtchn_bind_mutex);
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
		release(info, info->dev_id, irq_has_action(info->irq));
	mutex_unlock(&xevtchn_bind_mutex);
}
EXPORT_SYMBOL_GPL(xevtchn_evtchn_put);

/**
 * xevtchn_set_ready() - let calls in, or refuse them as before load
 * @on: true to let them in
 */
void xevtchn_set_ready(bool on)
{
	WRITE_ONCE(ready, on);
}

static irqreturn_t delivery_check_interrupt(int irq, void *done)
{
	complete(done);
	return IRQ_HANDLED;
}

/* What the delivery check saw, for the kernel log. */
static void report_port_state(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	unsigned int cpu;

	rcu_read_lock();
	info = xevtchn_port_info(port);
	pr_err("port %u: pending %d, masked %d, CPU %u, mask reasons 0x%x\n",
	       port, xevtchn_abi->is_pending(port), xevtchn_abi->is_masked(port),
	       info ? info->cpu : -1, info ? info->mask_reason : 0);
	rcu_read_unlock();
	for_each_online_cpu(cpu)
		if (xevtchn_vcpu_info(cpu))
			pr_err("CPU %u (vCPU %u): upcall pending %u, selector 0x%lx, %lu upcalls\n",
			       cpu, xevtchn_vcpu_id(cpu),
			       READ_ONCE(xevtchn_vcpu_info(cpu)->evtchn_upcall_pending),
			       (unsigned long)READ_ONCE(xevtchn_vcpu_info(cpu)->evtchn_pending_sel),
			       xevtchn_upcalls(cpu));
}

/*
 * Send one event over a loopback and wait for it: proves that the upcall
 * reaches us, before any driver relies on it.
 */
static int check_delivery(void)
{
	DECLARE_COMPLETION_ONSTACK(done);
	evtchn_port_t a, b;
	int irq, ret;

	ret = xevtchn_alloc_loopback(&a, &b);
	if (ret)
		return ret;
	irq = xevtchn_bind_evtchn_to_irqhandler(a, delivery_check_interrupt,
						0, "xevtchn-check", &done);
	if (irq < 0) {
		xevtchn_close_port(b);
		return irq;
	}
	ret = xevtchn_notify_remote_via_evtchn(b);
	if (!ret && !wait_for_completion_timeout(&done, HZ)) {
		pr_err("no event arrived within a second through upcall=%s; if this guest ran xevtchn with upcall=vector before, Xen keeps using the vector until the guest reboots\n",
		       xevtchn_upcall_mode());
		report_port_state(a);
		ret = -EIO;
	}
	xevtchn_unbind_from_irqhandler(irq, &done);
	xevtchn_close_port(b);
	return ret;
}

/**
 * xevtchn_events_init() - start the event channel layer
 *
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_events_init(void)
{
	int ret;

	ret = xevtchn_upcall_init();
	if (ret)
		return ret;
	WRITE_ONCE(ready, true);
	ret = check_delivery();
	if (ret) {
		WRITE_ONCE(ready, false);
		xevtchn_upcall_exit();
		return ret;
	}
	xevtchn_debugfs_init();
	return 0;
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
 * xevtchn_events_exit() - close every port and stop the upcall
 */
void xevtchn_events_exit(void)
{
	struct xevtchn_irq *info;
	evtchn_port_t port;
	unsigned int row;

	xevtchn_debugfs_exit();
	WRITE_ONCE(ready, false);
	mutex_lock(&xevtchn_bind_mutex);
	for (port = 0; (info = xevtchn_next_port(&port)); port = 0) {
		pr_warn("port %u (IRQ %u) still bound at unload; unbinding it\n",
			info->port, info->irq);
		info->refcount = 0;
		info->unbinding = true;
		mutex_unlock(&xevtchn_bind_mutex);
		free_leftover_handlers(info->irq);
		mutex_lock(&xevtchn_bind_mutex);
		unbind_port(info);
	}
	mutex_unlock(&xevtchn_bind_mutex);
	xevtchn_upcall_exit();
	for (row = 0; row < NR_ROWS; row++) {
		kfree(port_rows[row]);
		port_rows[row] = NULL;
	}
}
