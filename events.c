// SPDX-License-Identifier: GPL-2.0
/*
 * The event channel core: the port table, the life of a binding (a port and
 * its Linux IRQ) from creation to unbind, and the dispatch of events from
 * the upcall to those IRQs. The exported API that uses it is in bind.c.
 *
 *   Xen --upcall--> upcall.c --scan--> events_2l.c --port--> handle_port()
 *                                                               |
 *             flow handler of irq_chips.c <--generic_handle_irq-+
 *
 * Lock order (outermost first):
 *
 *   suspend_mutex		suspend.c; it disables CPU hotplug, then
 *				closes the bind gate (resume.c), taking the
 *				bind mutex only briefly: never across
 *				stop_machine() (cpus_read_lock(), see below)
 *   irq_domain_mutex		genirq's; held when the MSI domain of msi.c
 *				allocates or frees (it takes the bind mutex)
 *   cpu_hotplug_lock		the CPU hotplug callbacks (cpu.c, and the
 *				FIFO ABI's under them) take the bind mutex
 *				under it
 *   xevtchn_bind_mutex		binding and unbinding; the port table, the
 *				IRQ table and the per-CPU VIRQ/IPI tables
 *				change only under it (or in the suspend's
 *				stop_machine()); the API takes it through
 *				xevtchn_bind_lock(), which waits for a suspend
 *     IRQ descriptor lock	genirq's; held around the chip callbacks,
 *				including irq_set_affinity()
 *       xevtchn_irq.lock	a raw spinlock: the mask reasons and the mask
 *				bit, a move from start to end, the dying mark
 *   eoi_lock			lateeoi.c's raw spinlock: the delayed EOIs'
 *				list, the spurious counts; taken under the
 *				bind mutex (unbinding) or alone (an EOI, from
 *				any context), and nothing of ours under it
 *
 * The upcall takes none of these: it finds ports in the port table under
 * rcu_read_lock(), and the flow handler then takes the descriptor lock and,
 * for masking, the port's lock, in that order. Nothing in the upcall path
 * sleeps. Each vCPU's passes are serialised by a flag that is only ever
 * tried, never waited on (upcall.c, run_passes()).
 *
 * A binding's end, in two steps. Unbinding frees the handler with the bind
 * mutex dropped (a threaded handler may take it; bind.c), then, under the
 * mutex, marks the binding dying (no more moves or masks), masks the port
 * and takes it out of the IRQ and per-CPU tables. Its port table entry
 * stays, as a closing entry: the port is still open in Xen, so Xen cannot
 * hand its number out, and the table refuses to bind or close it again.
 * Then RCU work (close.c: close_work()) runs once no upcall can still
 * hold the binding: under the mutex, it closes the port in Xen and clears
 * the entry; then, with the mutex dropped, it frees the IRQ; the
 * xevtchn_irq goes a grace period later. So an upcall that found the
 * binding still sees valid memory, an IRQ that is still ours and a port
 * that is still ours; one that finds the closing entry leaves the port
 * alone; a port number Xen hands out again cannot meet a stale entry; and
 * nothing touches a port after its close.
 * Unload waits for every close (xevtchn_drain_closes()) before the ABI
 * resets the domain and the table is freed.
 *
 * Invariant: table entry for port P is NULL or points to the xevtchn_irq
 * whose .port is P, live or dying (P is closing).
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
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

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

/*
 * Every Linux IRQ bound to a port, to its binding: the one answer to "is
 * this IRQ xevtchn's?", whatever its chip. Changes under the bind mutex;
 * read under RCU.
 */
static DEFINE_XARRAY(irq_bindings);

/* The per-CPU sources bound on each CPU. */
struct cpu_sources {
	struct xevtchn_irq __rcu *virq[NR_VIRQS];
	struct xevtchn_irq __rcu *ipi[XEVTCHN_NR_IPIS];
};

static DEFINE_PER_CPU(struct cpu_sources, cpu_sources);

static bool ready;

/* Port @port's table entry: its binding, live or dying (closing), or NULL. */
static struct xevtchn_irq *port_entry(evtchn_port_t port)
{
	struct xevtchn_irq __rcu **row;

	if (port >= MAX_PORTS)
		return NULL;
	/* Pairs with xevtchn_set_port_info()'s release: the row is zeroed. */
	row = smp_load_acquire(&port_rows[port / ROW_PORTS]);
	if (!row)
		return NULL;
	return rcu_dereference_check(row[port % ROW_PORTS],
				     lockdep_is_held(&xevtchn_bind_mutex));
}

/**
 * xevtchn_port_info() - the binding of @port
 * @port: an event channel port
 *
 * Call under rcu_read_lock() or xevtchn_bind_mutex.
 *
 * Return: the port's xevtchn_irq, or NULL when it is not bound (or was
 * unbound, and its close is under way).
 */
struct xevtchn_irq *xevtchn_port_info(evtchn_port_t port)
{
	struct xevtchn_irq *info = port_entry(port);

	return info && !READ_ONCE(info->dying) ? info : NULL;
}

/**
 * xevtchn_port_closing() - was @port's binding unbound, its close not done?
 * @port: an event channel port
 *
 * For a caller that may wait for the close (xevtchn_drain_closes()) rather
 * than be refused: a bind of the port fails with -EINVAL meanwhile.
 *
 * Context: any context.
 * Return: true while @port has a closing entry (xevtchn_check_port_free()).
 */
bool xevtchn_port_closing(evtchn_port_t port)
{
	struct xevtchn_irq *info;
	bool closing;

	rcu_read_lock();
	info = port_entry(port);
	closing = info && READ_ONCE(info->dying);
	rcu_read_unlock();
	return closing;
}

/**
 * xevtchn_check_port_free() - refuse, in the log, a port that is bound or
 *	closing
 * @port: a port
 * @caller: the refusing function's name
 *
 * Context: under xevtchn_bind_mutex.
 * Return: 0; -EBUSY when @port is bound; -EINVAL when it is closing: its
 * binding was unbound, which closes it, and the close is under way.
 */
int xevtchn_check_port_free(evtchn_port_t port, const char *caller)
{
	struct xevtchn_irq *info;

	lockdep_assert_held(&xevtchn_bind_mutex);
	info = port_entry(port);
	if (!info)
		return 0;
	if (info->dying) {
		pr_warn_ratelimited("%s: port %u is closed: its IRQ %u was unbound, and the close is under way\n",
				    caller, port, info->irq);
		return -EINVAL;
	}
	pr_warn_ratelimited("%s: port %u is bound to IRQ %u\n", caller, port,
			    info->irq);
	return -EBUSY;
}

/* Set @port's table entry; 0 or -ENOMEM. Under xevtchn_bind_mutex. */
int xevtchn_set_port_info(evtchn_port_t port, struct xevtchn_irq *info)
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
 * @closing: also the ports whose binding was unbound and whose close is
 *	under way (their binding is dying)
 *
 * Call under xevtchn_bind_mutex. Visit every bound port with
 * for (port = 0; (info = xevtchn_next_port(&port, false)); port++).
 *
 * Return: the port's binding, or NULL when no bound port follows.
 */
struct xevtchn_irq *xevtchn_next_port(evtchn_port_t *port, bool closing)
{
	struct xevtchn_irq *info;

	lockdep_assert_held(&xevtchn_bind_mutex);
	for (; *port < MAX_PORTS; (*port)++) {
		if (!port_rows[*port / ROW_PORTS]) {
			*port = round_up(*port + 1, ROW_PORTS) - 1;
			continue;
		}
		info = port_entry(*port);
		if (info && (closing || !info->dying))
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
	struct xevtchn_irq *info = port_entry(port);

	if (unlikely(!info)) {
		/* No IRQ to run: mask it, so it cannot raise upcalls forever. */
		xevtchn_abi->mask(port);
		xevtchn_abi->clear_pending(port);
		pr_warn_ratelimited("event on port %u, which is not bound; masked it\n",
				    port);
		return;
	}
	/*
	 * Closing: masked, and nobody wants its event. Touch nothing: its
	 * close may be running on another CPU (the grace period it waited
	 * for need not cover an upcall that began after it did), and after
	 * the close the number may be someone else's.
	 */
	if (unlikely(READ_ONCE(info->dying)))
		return;
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
	return xa_load(&irq_bindings, irq);
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
 * xevtchn_cpu_source() - the VIRQ or IPI bound on a CPU
 * @type: XEVTCHN_PORT_VIRQ or XEVTCHN_PORT_IPI
 * @cpu: a possible CPU
 * @source: the VIRQ or IPI number, in range
 *
 * Context: under rcu_read_lock() or xevtchn_bind_mutex.
 * Return: its binding, or NULL.
 */
struct xevtchn_irq *xevtchn_cpu_source(enum xevtchn_port_type type,
				       unsigned int cpu, unsigned int source)
{
	struct cpu_sources *s = per_cpu_ptr(&cpu_sources, cpu);

	if (type == XEVTCHN_PORT_VIRQ)
		return rcu_dereference_check(s->virq[source],
					     lockdep_is_held(&xevtchn_bind_mutex));
	return rcu_dereference_check(s->ipi[source],
				     lockdep_is_held(&xevtchn_bind_mutex));
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
 * @cpu: the CPU whose vCPU Xen is to notify (for per-CPU sources: already)
 * @notify_vcpu: the vCPU Xen notifies for @port now: as the bind operation
 *	set it, or XEVTCHN_NEW_PORT_VCPU for a port it just allocated
 *
 * Makes the ABI ready for @port and masks it. The caller gives the binding
 * its IRQ (->irq) and chip, then calls xevtchn_attach_binding(), or
 * kfree()s it on failure. Call under xevtchn_bind_mutex.
 *
 * Return: the binding, or an ERR_PTR() with the reason in the kernel log.
 */
struct xevtchn_irq *xevtchn_new_binding(evtchn_port_t port,
					enum xevtchn_port_type type,
					unsigned int cpu, unsigned int notify_vcpu)
{
	struct xevtchn_irq *info;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (port >= xevtchn_abi->max_ports)
		return ERR_PTR(refuse(-EINVAL, "port %u is beyond the %s ABI's %u ports",
				      port, xevtchn_abi->name,
				      xevtchn_abi->max_ports));
	ret = xevtchn_abi_port_setup(port);
	if (ret)
		return ERR_PTR(refuse(ret, "the %s ABI cannot hold port %u (%d)",
				      xevtchn_abi->name, port, ret));
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);
	info->port = port;
	info->type = type;
	info->cpu = cpu;
	info->notify_vcpu = notify_vcpu;
	info->bound_cpu = cpu;
	info->mask_reason = XEVTCHN_MASK_EXPLICIT;
	raw_spin_lock_init(&info->lock);
	INIT_LIST_HEAD(&info->eoi_list);
	xevtchn_abi->mask(port);
	return info;
}

/**
 * xevtchn_attach_binding() - make a new binding visible to the upcall
 * @info: from xevtchn_new_binding(), with its IRQ and chip set
 *
 * Has Xen notify @info->cpu's vCPU (dynamic ports; EVTCHNOP_bind_vcpu only
 * when Xen notifies another one now), then publishes the port in the port
 * table. The port stays masked until its IRQ is started. Call under
 * xevtchn_bind_mutex.
 *
 * Return: 0, or a negative errno with the reason in the kernel log
 * (-ENODEV: a resume failed meanwhile, suspend.c); then nothing was
 * published.
 */
int xevtchn_attach_binding(struct xevtchn_irq *info)
{
	unsigned int vcpu = xevtchn_vcpu_id(info->cpu);
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	if (!info->percpu && info->notify_vcpu != vcpu) {
		struct evtchn_bind_vcpu bind = {
			.port = info->port,
			.vcpu = vcpu,
		};

		ret = xevtchn_event_channel_op(EVTCHNOP_bind_vcpu, &bind);
		if (ret)
			return refuse(ret, "Xen refused to bind port %u to vCPU %u (%d)",
				      info->port, bind.vcpu, ret);
		info->notify_vcpu = vcpu;
	}
	irq_data_update_effective_affinity(irq_get_irq_data(info->irq),
					   cpumask_of(info->cpu));
	ret = xa_err(xa_store(&irq_bindings, info->irq, info, GFP_KERNEL));
	if (!ret)
		ret = xevtchn_set_port_info(info->port, info);
	if (ret) {
		xa_erase(&irq_bindings, info->irq);
		return ret;
	}
	xevtchn_abi_bind_to_cpu(info->port, info->cpu, info->cpu);
	if (cpu_source_slot(info))
		rcu_assign_pointer(*cpu_source_slot(info), info);
	xevtchn_count_port(info, 1);
	return 0;
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
int xevtchn_bind_new_irq(struct xevtchn_irq *info, const struct irq_chip *chip,
			 irq_flow_handler_t handle, const char *flow,
			 unsigned long status)
{
	int irq, ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
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

/**
 * xevtchn_detach_binding() - take a binding out of use; its port table
 *	entry stays, as a closing entry
 * @info: an attached binding whose IRQ has no handler
 *
 * Marks it dying (the chip callbacks and EOIs leave it alone), takes it off
 * the delayed EOIs' list, out of the IRQ table and its CPU's VIRQ or IPI
 * slot, and masks its port. The first half of xevtchn_unbind_port()
 * (close.c).
 *
 * Context: under xevtchn_bind_mutex.
 */
void xevtchn_detach_binding(struct xevtchn_irq *info)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	xevtchn_mark_dying(info);
	xevtchn_lateeoi_forget(info);
	xa_erase(&irq_bindings, info->irq);
	xevtchn_count_port(info, -1);
	if (info->port)		/* 0: none since a resume (resume.c) */
		xevtchn_abi->mask(info->port);
	if (cpu_source_slot(info))
		RCU_INIT_POINTER(*cpu_source_slot(info), NULL);
}

/**
 * xevtchn_forget_port() - clear a closed port's table entry
 * @port: a port whose binding was detached, and that Xen has closed
 *
 * Context: under xevtchn_bind_mutex (the deferred close, close.c).
 */
void xevtchn_forget_port(evtchn_port_t port)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	xevtchn_set_port_info(port, NULL);	/* the row exists: cannot fail */
}

/**
 * xevtchn_forget_all_ports() - the domain is new: no port of ours exists
 *
 * Empties the port table (its rows stay) and sets every binding's port to
 * 0, "none": an old number may be another port's now. A closing binding's
 * close then leaves Xen alone (close.c).
 *
 * Context: the suspend's stop_machine() callback, every other CPU stopped;
 * the bind gate closed and the closes drained: nobody holds the mutex.
 */
void xevtchn_forget_all_ports(void)
{
	struct xevtchn_irq *info;
	unsigned long irq;
	unsigned int row, i;

	rcu_read_lock();
	for (row = 0; row < NR_ROWS; row++) {
		if (!port_rows[row])
			continue;
		for (i = 0; i < ROW_PORTS; i++) {
			info = rcu_dereference(port_rows[row][i]);
			if (!info)
				continue;
			WRITE_ONCE(info->port, 0);
			RCU_INIT_POINTER(port_rows[row][i], NULL);
		}
	}
	xa_for_each(&irq_bindings, irq, info)
		WRITE_ONCE(info->port, 0);
	rcu_read_unlock();
}

/**
 * xevtchn_next_binding() - the attached binding of the first IRQ at or
 *	after *@irq
 * @irq: where to start; set to the IRQ found
 *
 * Visit every binding with
 * for (irq = 0; (info = xevtchn_next_binding(&irq)); irq++).
 *
 * Context: under xevtchn_bind_mutex.
 * Return: the binding, or NULL when none follows.
 */
struct xevtchn_irq *xevtchn_next_binding(unsigned long *irq)
{
	lockdep_assert_held(&xevtchn_bind_mutex);
	return xa_find(&irq_bindings, irq, ULONG_MAX, XA_PRESENT);
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
	pr_warn_ratelimited("%s: xevtchn is not ready (loading, unloading, paused, or a resume failed)\n",
			    caller);
	return -ENODEV;
}

/**
 * xevtchn_set_ready() - let calls in, or refuse them as before load
 * @on: true to let them in
 */
void xevtchn_set_ready(bool on)
{
	WRITE_ONCE(ready, on);
}

/* As mainline: FIFO where Xen offers it. */
static char *fifo = "auto";
module_param(fifo, charp, 0444);
MODULE_PARM_DESC(fifo,
		 "event channel ABI: auto (FIFO when Xen offers it, else 2-level; the default), on (FIFO or fail), off (2-level)");

enum fifo_choice { FIFO_AUTO, FIFO_ON, FIFO_OFF };

static const char * const fifo_choices[] = {
	[FIFO_AUTO]	= "auto",
	[FIFO_ON]	= "on",
	[FIFO_OFF]	= "off",
};

/* fifo=: the FIFO ABI where Xen offers it, else the 2-level one. */
static int choose_abi(void)
{
	int choice = match_string(fifo_choices, ARRAY_SIZE(fifo_choices), fifo);
	int ret;

	if (choice < 0) {
		pr_err("fifo=%s is not one of auto, on, off\n", fifo);
		return -EINVAL;
	}
	if (choice != FIFO_OFF) {
		ret = xevtchn_abi_fifo.init();
		if (!ret) {
			xevtchn_abi = &xevtchn_abi_fifo;
			return 0;
		}
		if (choice == FIFO_ON) {
			pr_err("fifo=on, but Xen refused the FIFO event channel ABI (%d)\n",
			       ret);
			return -ENODEV;
		}
		pr_info("Xen refused the FIFO event channel ABI (%d); using the 2-level one\n",
			ret);
	}
	xevtchn_abi = &xevtchn_abi_2l;
	return xevtchn_abi->init();
}

/**
 * xevtchn_events_init() - choose the event channel ABI for the port table
 *
 * Starts the FIFO ABI if fifo= asks for it and Xen offers it, else the
 * 2-level one; either leaves every port masked. The port table needs
 * nothing more: its rows come as ports get bound.
 *
 * Context: module load, step 4 (main.c), shared_info mapped.
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_events_init(void)
{
	return choose_abi();
}

/**
 * xevtchn_events_exit() - stop the ABI and free the port table
 *
 * Context: module unload, step 4 undone (main.c): every port is closed
 * (xevtchn_unbind_all() drained the deferred closes) and no upcall runs
 * any more, so nothing reads the table. The FIFO ABI's exit resets the
 * domain (EVTCHNOP_reset), which must come after the last close. No
 * lateeoi binding is left either: the delayed EOIs' work is cancelled.
 */
void xevtchn_events_exit(void)
{
	unsigned int row;

	xevtchn_lateeoi_exit();
	xevtchn_abi->exit();
	for (row = 0; row < NR_ROWS; row++) {
		kfree(port_rows[row]);
		port_rows[row] = NULL;
	}
}

/**
 * xevtchn_events_start() - let the API's calls in
 *
 * Context: module load, step 7 (main.c), every CPU taking upcalls.
 */
void xevtchn_events_start(void)
{
	WRITE_ONCE(ready, true);
}
