/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of xevtchn.ko, not for drivers.
 */
#ifndef _XEVTCHN_INTERNAL_H
#define _XEVTCHN_INTERNAL_H

#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/msi.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>
#include <xevtchn/testing.h>

#include "compat.h"

/* Say in the kernel log why the calling function refuses. */
#define complain(fmt, ...)						\
	pr_warn_ratelimited("%s: " fmt "\n", __func__, ##__VA_ARGS__)

/* complain(), then evaluate to @err. */
#define refuse(err, fmt, ...)						\
	({								\
		complain(fmt, ##__VA_ARGS__);				\
		(err);							\
	})

/* hypervisor.c */
int xevtchn_hypervisor_init(void);
void xevtchn_hypervisor_resume(void);

/* What an event channel port is bound to. */
enum xevtchn_port_type {
	XEVTCHN_PORT_EVTCHN,	/* interdomain, unbound or loopback */
	XEVTCHN_PORT_VIRQ,
	XEVTCHN_PORT_IPI,
	XEVTCHN_PORT_PIRQ,	/* a GSI or MSI that Xen delivers as a PIRQ */
};

/*
 * Why a port is masked. Several actors mask the same port; it is unmasked
 * only when no reason remains.
 */
#define XEVTCHN_MASK_EXPLICIT	BIT(0)	/* genirq or the driver: irq_mask */
#define XEVTCHN_MASK_TEMPORARY	BIT(1)	/* moving to another vCPU */
#define XEVTCHN_MASK_EOI	BIT(2)	/* a lateeoi port's EOI is owed */

struct xevtchn_irq;

/*
 * The upcall's budget (upcall.c; Documentation/events.md, "The bounded
 * upcall"). One pass of the upcall takes at most XEVTCHN_BUDGET_EVENTS
 * events, and the passes of a window of XEVTCHN_BUDGET_NS plus
 * XEVTCHN_REST_NS go on for at most XEVTCHN_BUDGET_NS together, the clock
 * read when a pass starts and ends, and before every XEVTCHN_CLOCK_EVENTS-th
 * event (so a pass may overrun by that many events less one); what is left
 * stays with Xen's flags and waits XEVTCHN_REST_NS for the next pass,
 * which a timer runs.
 */
#define XEVTCHN_BUDGET_EVENTS		4096
#define XEVTCHN_BUDGET_NS		(2 * NSEC_PER_MSEC)
#define XEVTCHN_REST_NS			(4 * NSEC_PER_MSEC)
#define XEVTCHN_CLOCK_EVENTS		4	/* 2 or more; a power of 2 */

/**
 * struct xevtchn_budget - what one pass of the upcall may still take
 * @events: events it may still take
 * @taken: events it took
 * @deadline: the budget's clock (budget_clock.c) at which it stops; 0: no
 *	limit
 * @spent: it ran out, and the scan stopped: the rest waits
 */
struct xevtchn_budget {
	unsigned int events;
	unsigned int taken;
	u64 deadline;
	bool spent;
};

/* budget_clock.c */
void xevtchn_budget_clock_choose(bool cpu0_only);
const char *xevtchn_budget_clock_name(void);
u64 xevtchn_budget_now(void);
u64 xevtchn_budget_since(u64 then, u64 now);
u64 xevtchn_budget_length(void);
u64 xevtchn_budget_window(void);
bool xevtchn_budget_clock(struct xevtchn_budget *budget);

/**
 * xevtchn_budget_take() - may the scan take one more event?
 * @budget: the pass's budget, or NULL for none (take everything)
 *
 * Counts the event when it may; the first event of a pass always may.
 * The time is looked at before every XEVTCHN_CLOCK_EVENTS-th event.
 *
 * Context: the upcall (hard IRQ context, or interrupts off).
 * Return: true to take it; false when the budget has run out: stop and
 * give the rest back.
 */
static inline bool xevtchn_budget_take(struct xevtchn_budget *budget)
{
	if (!budget)
		return true;
	if (unlikely(!budget->events)) {
		budget->spent = true;
		return false;
	}
	budget->events--;
	if (++budget->taken % XEVTCHN_CLOCK_EVENTS != 1 || budget->taken == 1)
		return true;
	return xevtchn_budget_clock(budget);
}

/**
 * struct xevtchn_source_ops - what a kind of event source adds to a binding
 * @closed: optional: the port is closed; give back what the source holds
 *	(a PIRQ). Called from the deferred close, under xevtchn_bind_mutex.
 * @owned_by_domain: the IRQ belongs to an irq domain (msi.c's MSIs), which
 *	alone unbinds it and frees its descriptor; the unbind API refuses it
 * @wait_close: the unbind API returns only once the deferred close is done
 *	and @closed has run: a GSI's driver may use the line through the
 *	IOAPIC next, and while its PIRQ is mapped Xen delivers the line as
 *	the PIRQ's event instead
 * @resume: optional: in a new domain after a suspend, give the binding
 *	(port 0) a new port, with xevtchn_attach_port(); 0 or a negative
 *	errno. Under xevtchn_bind_mutex (resume.c). Without it the binding
 *	stays without a port
 *
 * Event channel ports, VIRQs and IPIs have none; pirq.c and msi.c set theirs.
 */
struct xevtchn_source_ops {
	void (*closed)(struct xevtchn_irq *info);
	int (*resume)(struct xevtchn_irq *info);
	bool owned_by_domain;
	bool wait_close;
};

/**
 * struct xevtchn_irq - one event channel port bound to one Linux IRQ
 * @irq: the Linux IRQ
 * @port: the event channel port
 * @type: what the port is bound to
 * @ops: the source's own part, or NULL
 * @percpu: a per-CPU VIRQ or IPI, fixed to @cpu
 * @cpu: the CPU whose vCPU Xen notifies for this port; changes only under
 *	@lock (a move)
 * @notify_vcpu: the vCPU Xen notifies for this port (Xen's notify_vcpu_id),
 *	as the bind or the last move left it; under @lock
 * @bound_cpu: the CPU the port was bound on; a VIRQ or IPI has its slot in
 *	that CPU's table of per-CPU sources, even after a global VIRQ moved
 * @is_active: a CPU is taking this port's event: set by xchg before the
 *	event is dispatched, cleared after the pending bit (the ack; for a
 *	lateeoi port, its EOI)
 * @mask_reason: XEVTCHN_MASK_* bits, under @lock
 * @eoi_stashed: a lateeoi port's XEVTCHN_MASK_EOI is held for an event
 *	that genirq has not handed to the handler yet (its mask_ack took it,
 *	xevtchn_eoi_stash()); under @lock
 * @resend_owed: genirq asked for a resend (xevtchn_irq_retrigger()) while
 *	the binding had no port since a resume: its next port is set pending
 *	(xevtchn_attach_port()); under @lock
 * @dying: unbound: no more moves, masks or unmasks; set under @lock and
 *	xevtchn_bind_mutex. From then on the port is closing: its port table
 *	entry stays, reserving the number, until @close_work closes it
 * @lock: guards @mask_reason, @dying, @cpu and the port's mask bit
 * @refcount: evtchn_get()/evtchn_put() count; 0 when not refcounted
 * @keep_open: the deferred close leaves the port open in Xen (a port the
 *	toolstack opened for the guest's life: xevtchn_evtchn_keep_open())
 * @has_handler: the handler was requested through an xevtchn *_irqhandler()
 * @dev_id: that handler's dev_id, checked when unbinding
 * @unbinding: an unbind is freeing the handler, or a bind requesting it,
 *	without the bind mutex: nobody else may unbind; under
 *	xevtchn_bind_mutex
 * @remote_dom: for XEVTCHN_PORT_EVTCHN, the domain at the other end (as
 *	the binder named it: DOMID_SELF for a loopback it opened), with
 * @remote_port: that domain's port, or 0 when unknown (a port that was
 *	unbound when it was bound); while the binding is closing, Xen keeps
 *	that remote port connected to ours, and refuses to connect to it
 * @virq: the VIRQ number, for XEVTCHN_PORT_VIRQ
 * @ipi: the IPI number, for XEVTCHN_PORT_IPI
 * @pirq: the PIRQ number, for XEVTCHN_PORT_PIRQ
 * @pirq_needs_eoi: Xen wants PHYSDEVOP_eoi after each event of the PIRQ
 * @pirq_gsi: the GSI of a GSI PIRQ; 0 for an MSI
 * @events: events taken from the port, for debugfs
 * @lateeoi: bound with a *_lateeoi() function: chip xen-dyn-lateeoi, and
 *	each event masks the port until its EOI (lateeoi.c)
 * @spurious: spurious EOIs in a row (lateeoi.c), under its eoi_lock
 * @eoi_delay: the delay, in jiffies, the last EOI got; under eoi_lock
 * @eoi_time: when the delayed EOI is due (jiffies); under eoi_lock
 * @eoi_list: on lateeoi.c's list while an EOI is delayed; under eoi_lock
 * @close_work: the deferred close, a grace period after the unbind
 * @rcu: frees the binding after a grace period (lock-free lookups)
 *
 * Owned by the binding code under xevtchn_bind_mutex; found from the upcall
 * through the port table under RCU, and freed only after a grace period.
 */
struct xevtchn_irq {
	unsigned int irq;
	evtchn_port_t port;
	enum xevtchn_port_type type;
	const struct xevtchn_source_ops *ops;
	bool percpu;
	unsigned int cpu;
	unsigned int notify_vcpu;
	unsigned int bound_cpu;
	int is_active;
	u8 mask_reason;
	bool eoi_stashed;
	bool resend_owed;
	bool dying;
	raw_spinlock_t lock;
	int refcount;
	bool keep_open;
	bool has_handler;
	void *dev_id;
	bool unbinding;
	domid_t remote_dom;
	evtchn_port_t remote_port;
	union {
		unsigned int virq;
		unsigned int ipi;
		unsigned int pirq;
	};
	bool pirq_needs_eoi;
	unsigned int pirq_gsi;
	atomic_long_t events;
	bool lateeoi;
	u8 spurious;
	unsigned int eoi_delay;
	u64 eoi_time;
	struct list_head eoi_list;
	struct rcu_work close_work;
	struct rcu_head rcu;
};

/**
 * struct xevtchn_abi - an event channel ABI (2-level or FIFO)
 * @name: shown in the kernel log and debugfs
 * @max_ports: ports the ABI can address
 * @init: set up after shared_info is mapped; every port masked
 * @exit: undo @init; every port masked
 * @cpu_up: a CPU comes online (its vCPU id is known), before its upcall
 * @cpu_down: optional: a CPU goes offline (its dynamic ports have moved
 *	away and its upcall has stopped)
 * @port_setup: optional: make @port usable before it is bound
 * @bind_to_cpu: optional: @port now notifies @cpu instead of @old_cpu
 * @remove: @port, last bound to @cpu, was closed, its mask bit still set
 *	(under xevtchn_bind_mutex, in the deferred close); must not touch any
 *	bit of it: Xen may have handed the number out again already
 * @mask: set the port's mask bit
 * @unmask: clear it, making sure a pending event is delivered
 * @is_masked: test the mask bit
 * @set_pending: set the pending bit (no upcall by itself)
 * @clear_pending: clear it
 * @is_pending: test it
 * @handle_events: called in the upcall on @cpu; calls
 *	xevtchn_handle_port() for each pending, unmasked port of @cpu, each
 *	one taken from @budget first (xevtchn_budget_take(); NULL: no
 *	budget). When the budget runs out it stops, and gives what it did
 *	not scan back to Xen's flags (2-level: the selector bits; FIFO: the
 *	ready bits), for the next pass. Returns whether Xen had flagged
 *	anything for @cpu (2-level: a selector bit; FIFO: a ready bit):
 *	false means that, as of its first read, nothing had come since the
 *	scan before
 * @give_back: set @bits of Xen's flags of @cpu again (2-level: selector
 *	bits; FIFO: ready bits), as @handle_events does with what it did not
 *	scan when its budget runs out; with interrupts off
 * @resume: the domain is new (a restore or migration): set the ABI up
 *	again, every port masked, no port owned; in the suspend's
 *	stop_machine() callback, shared_info mapped again (suspend.c)
 *
 * Call the optional ones through the xevtchn_abi_*() wrappers below.
 */
struct xevtchn_abi {
	const char *name;
	unsigned int max_ports;
	int (*init)(void);
	void (*exit)(void);
	int (*cpu_up)(unsigned int cpu);
	void (*cpu_down)(unsigned int cpu);
	int (*port_setup)(evtchn_port_t port);
	void (*bind_to_cpu)(evtchn_port_t port, unsigned int cpu,
			    unsigned int old_cpu);
	void (*remove)(evtchn_port_t port, unsigned int cpu);
	void (*mask)(evtchn_port_t port);
	void (*unmask)(evtchn_port_t port);
	bool (*is_masked)(evtchn_port_t port);
	void (*set_pending)(evtchn_port_t port);
	void (*clear_pending)(evtchn_port_t port);
	bool (*is_pending)(evtchn_port_t port);
	bool (*handle_events)(unsigned int cpu, struct xevtchn_budget *budget);
	void (*give_back)(unsigned int cpu, unsigned long bits);
	int (*resume)(void);
};

extern const struct xevtchn_abi *xevtchn_abi;
extern const struct xevtchn_abi xevtchn_abi_2l;
extern const struct xevtchn_abi xevtchn_abi_fifo;

static inline void xevtchn_abi_cpu_down(unsigned int cpu)
{
	if (xevtchn_abi->cpu_down)
		xevtchn_abi->cpu_down(cpu);
}

static inline int xevtchn_abi_port_setup(evtchn_port_t port)
{
	return xevtchn_abi->port_setup ? xevtchn_abi->port_setup(port) : 0;
}

static inline void xevtchn_abi_bind_to_cpu(evtchn_port_t port,
					   unsigned int cpu,
					   unsigned int old_cpu)
{
	if (xevtchn_abi->bind_to_cpu)
		xevtchn_abi->bind_to_cpu(port, cpu, old_cpu);
}

/* shared_info.c: Xen's shared_info page, mapped for upcall.c */
extern struct shared_info *xevtchn_shared;
int xevtchn_map_shared_info(void);
int xevtchn_remap_shared_info(void);
void xevtchn_unmap_shared_info(void);

/**
 * struct xevtchn_upcall_ops - one way Xen tells a vCPU that events are
 *	pending (upcall=), in a file of its own above upcall.c
 * @name: its upcall= value, also in debugfs
 * @describe: how upcalls come, for the kernel log
 * @check: optional: may this mode be used here? At load, step 3, before
 *	anything is set up; says why not in the log
 * @cpu_up: optional: give @cpu its upcall (the CPU hotplug callback, on
 *	@cpu; its vCPU and the ABI's part are set up)
 * @cpu_down: optional: take it away (the CPU hotplug callback, on @cpu)
 * @start: optional: have Xen signal this way, every online CPU's part set
 *	up (load step 6)
 * @stop: undo @start; Xen stops calling back (HVM_PARAM_CALLBACK_IRQ 0)
 * @announce: optional: tell the toolstack whether the guest answers its
 *	control requests (xevtchn_upcall_announce())
 * @resume: have Xen signal this way again after a suspend, cancelled or
 *	not: each online CPU's vector, or HVM_PARAM_CALLBACK_IRQ (which the
 *	save does not carry into the new domain), as @start and @announce
 *	left them; in the suspend's stop_machine() callback, on CPU 0 with
 *	interrupts off. Returns 0 or Xen's error
 * @cpu0_only: Xen signals vCPU 0 only: every port lives on CPU 0
 * @hold_pending: the upcall scans with evtchn_upcall_pending held set
 *	(upcall.c, upcall_held() says why)
 * @quiet_while_set: Xen signals only when it sets evtchn_upcall_pending
 *	from 0 to 1, so a flag left set keeps the vCPU undisturbed; false
 *	when Xen signals for as long as it is set (upcall.c, rest())
 *
 * upcall.c calls the mode's file only through these; the file calls
 * upcall.c's functions below.
 */
struct xevtchn_upcall_ops {
	const char *name;
	const char *describe;
	int (*check)(void);
	int (*cpu_up)(unsigned int cpu);
	void (*cpu_down)(unsigned int cpu);
	int (*start)(void);
	void (*stop)(void);
	int (*announce)(bool answering);
	int (*resume)(void);
	bool cpu0_only;
	bool hold_pending;
	bool quiet_while_set;
};

/* upcall_vector.c, callback.c, upcall_intx.c: the modes */
extern const struct xevtchn_upcall_ops xevtchn_upcall_vector;
extern const struct xevtchn_upcall_ops xevtchn_upcall_callback;
extern const struct xevtchn_upcall_ops xevtchn_upcall_intx;

/* upcall.c: per-vCPU state, the upcall itself */
int xevtchn_upcall_init(void);
void xevtchn_upcall_exit(void);
int xevtchn_upcall_start(void);
void xevtchn_upcall_stop(void);
int xevtchn_upcall_cpu_prepare(unsigned int cpu);
int xevtchn_upcall_cpu_up(unsigned int cpu);
void xevtchn_upcall_cpu_close(unsigned int cpu);
void xevtchn_upcall_cpu_down(unsigned int cpu);
const char *xevtchn_upcall_mode(void);
int xevtchn_upcall_announce(bool answering);
bool xevtchn_cpu_takes_ports(unsigned int cpu);
bool xevtchn_ports_can_move(void);
unsigned int xevtchn_vcpu_id(unsigned int cpu);
unsigned int xevtchn_this_vcpu_id(void);
struct vcpu_info *xevtchn_vcpu_info(unsigned int cpu);
unsigned long xevtchn_upcalls(unsigned int cpu);
unsigned long xevtchn_upcall_rests(unsigned int cpu);
void xevtchn_upcall(unsigned int cpu);
irqreturn_t xevtchn_upcall_interrupt(int irq, void *unused);
int xevtchn_set_callback_via(u64 via);
void xevtchn_reset_callback_via(void);
int xevtchn_upcall_resume(bool new_domain);

/*
 * events.c: the ABI and the port table, the bindings' life cycle, the
 * event dispatch
 */
void xevtchn_handle_port(evtchn_port_t port);
struct xevtchn_irq *xevtchn_port_info(evtchn_port_t port);
bool xevtchn_port_closing(evtchn_port_t port);
struct xevtchn_irq *xevtchn_irq_info(unsigned int irq);
int xevtchn_events_init(void);
void xevtchn_events_exit(void);
void xevtchn_events_start(void);
extern struct mutex xevtchn_bind_mutex;
struct xevtchn_irq *xevtchn_next_port(evtchn_port_t *port, bool closing);
int xevtchn_check_ready(const char *caller);
void xevtchn_set_ready(bool ready);
unsigned int xevtchn_default_cpu(void);

/*
 * The vCPU Xen notifies for a port it has just allocated: 0. A fresh port
 * comes from a zeroed bucket (alloc_evtchn_bucket(): xzalloc_array) or was
 * freed, and evtchn_free() "Reset binding to vcpu0 when the channel is
 * freed" (chn->notify_vcpu_id = 0); EVTCHNOP_bind_interdomain and
 * EVTCHNOP_bind_pirq leave it so (evtchn_bind_interdomain(),
 * evtchn_bind_pirq(): no notify_vcpu_id, and bind_pirq links the port on
 * d->vcpu[0]). xen/common/event_channel.c, RELEASE-4.17.7, lines 176,
 * 300-302, 389-462 and 585-645.
 */
#define XEVTCHN_NEW_PORT_VCPU	0

struct xevtchn_irq *xevtchn_new_binding(evtchn_port_t port,
					enum xevtchn_port_type type,
					unsigned int cpu, unsigned int notify_vcpu);
int xevtchn_attach_binding(struct xevtchn_irq *info);
int xevtchn_close_evtchn(evtchn_port_t port);
int xevtchn_bind_new_irq(struct xevtchn_irq *info, const struct irq_chip *chip,
			 irq_flow_handler_t handle, const char *flow,
			 unsigned long status);
void xevtchn_detach_binding(struct xevtchn_irq *info);
void xevtchn_forget_port(evtchn_port_t port);
int xevtchn_check_port_free(evtchn_port_t port, const char *caller);
int xevtchn_set_port_info(evtchn_port_t port, struct xevtchn_irq *info);
void xevtchn_forget_all_ports(void);
struct xevtchn_irq *xevtchn_next_binding(unsigned long *irq);
struct xevtchn_irq *xevtchn_cpu_source(enum xevtchn_port_type type,
				       unsigned int cpu, unsigned int source);

/* bind.c: the binding API's common part, for lateeoi_api.c */
int xevtchn_bind_evtchn(evtchn_port_t port, bool lateeoi);
int xevtchn_bind_interdomain(domid_t remote_domain, evtchn_port_t remote_port,
			     bool lateeoi);
int xevtchn_bind_virq(unsigned int virq, unsigned int cpu, bool percpu,
		      bool lateeoi);
int xevtchn_request_handler(int irq, irq_handler_t handler,
			    unsigned long irqflags, const char *devname,
			    void *dev_id);

/* close.c: a binding's end: the unbind API, the unbind, the deferred close */
int xevtchn_close_init(void);
void xevtchn_close_exit(void);
void xevtchn_unbind_port(struct xevtchn_irq *info);
void xevtchn_drain_closes(void);
bool xevtchn_closes_pending(void);
bool xevtchn_closing_holds_remote(domid_t dom, evtchn_port_t port);
void xevtchn_unbind_all(void);

/*
 * resume.c: the bind gate, which keeps the API out while a suspend runs;
 * each binding set up again in the new domain; the rebind API
 */
void xevtchn_bind_lock(void);
void xevtchn_bind_gate(bool closed);
int xevtchn_port_gate_check(const char *caller);
int xevtchn_attach_port(struct xevtchn_irq *info, evtchn_port_t port,
			unsigned int notify_vcpu);
void xevtchn_resume_bindings(void);
unsigned int xevtchn_resume_count(void);

/* cpu.c: each CPU's part, through CPU hotplug */
int xevtchn_cpus_init(void);
void xevtchn_cpus_exit(void);

/* pirq.c: PIRQs, the way Xen delivers GSIs and MSIs as events */
int xevtchn_pirq_init(void);
int xevtchn_pirq_check(const char *caller);
struct xevtchn_irq *xevtchn_new_pirq_binding(unsigned int pirq, bool shared);
void xevtchn_free_pirq_binding(struct xevtchn_irq *info);
void xevtchn_pirq_eoi(struct xevtchn_irq *info);
void xevtchn_pirq_startup_eoi(struct xevtchn_irq *info);
void xevtchn_pirq_query_eoi(struct xevtchn_irq *info);
void xevtchn_unmap_pirq(unsigned int pirq);
void xevtchn_pirq_closed(struct xevtchn_irq *info);
extern const struct irq_chip xevtchn_pirq_edge_chip;

/* msi.c: an MSI irq domain that delivers a PCI device's MSIs as PIRQs */
int xevtchn_msi_init(void);
void xevtchn_msi_exit(void);

/* irq_chips.c: chips, flows, masking by reason, affinity */
extern const struct irq_chip xevtchn_percpu_chip;
void xevtchn_handle_percpu_flow(struct irq_desc *desc);
extern const struct irq_chip xevtchn_dyn_chip;
void xevtchn_set_dyn_flow(struct xevtchn_irq *info);
void xevtchn_port_taken(struct xevtchn_irq *info);
void xevtchn_gate_open(struct xevtchn_irq *info);
bool xevtchn_end_eoi(struct xevtchn_irq *info);
bool xevtchn_eoi_stash(struct xevtchn_irq *info);
void xevtchn_mark_dying(struct xevtchn_irq *info);
void xevtchn_count_port(struct xevtchn_irq *info, int delta);
void xevtchn_mask_reason(struct xevtchn_irq *info, u8 reason);
void xevtchn_unmask_reason(struct xevtchn_irq *info, u8 reason);
bool xevtchn_mask_reason_held(struct xevtchn_irq *info, u8 reason);
int xevtchn_rebind_to_cpu(struct xevtchn_irq *info, unsigned int cpu);
void xevtchn_irq_mask(struct irq_data *data);
void xevtchn_irq_unmask(struct irq_data *data);
int xevtchn_irq_retrigger(struct irq_data *data);
int xevtchn_dyn_set_affinity(struct irq_data *data, const struct cpumask *dest,
			     bool force);

/**
 * struct xevtchn_eoi_state - a lateeoi binding's EOI, for debugfs and tests
 * @spurious: spurious EOIs in a row
 * @delay_ms: the delay the last EOI got (0: at once)
 * @owed: an event is with the driver, or its EOI delayed: the port is
 *	masked until the EOI
 * @delayed: its EOI is delayed (or the delayed EOIs' work is ending it)
 */
struct xevtchn_eoi_state {
	unsigned int spurious;
	unsigned int delay_ms;
	bool owed;
	bool delayed;
};

/* lateeoi.c: the lateeoi chip, the EOI and its delay */
extern const struct irq_chip xevtchn_lateeoi_chip;
void xevtchn_lateeoi(struct xevtchn_irq *info, bool spurious);
void xevtchn_lateeoi_forget(struct xevtchn_irq *info);
void xevtchn_lateeoi_state(struct xevtchn_irq *info,
			   struct xevtchn_eoi_state *state);
void xevtchn_lateeoi_exit(void);

/*
 * testing.c: the test build's negative controls and injection points
 * (CONFIG_XEVTCHN_TESTING); in the module users load, these are empty.
 */
#ifdef CONFIG_XEVTCHN_TESTING
int xevtchn_testing_init(void);
bool xevtchn_testing_set_flow(struct xevtchn_irq *info);
bool xevtchn_testing_is_our_chip(const struct irq_chip *chip);
void xevtchn_testing_take_early(struct xevtchn_irq *info);
void xevtchn_inject(enum xevtchn_inject_point point);
void xevtchn_testing_before_close(void);
void xevtchn_testing_unload(void);
void xevtchn_testing_budget(struct xevtchn_budget *budget);
bool xevtchn_testing_withhold(unsigned int cpu, unsigned long bits);
const char *xevtchn_testing_suspend_refusal(void);
#else
static inline int xevtchn_testing_init(void)
{
	return 0;
}

static inline bool xevtchn_testing_set_flow(struct xevtchn_irq *info)
{
	return false;
}

static inline bool xevtchn_testing_is_our_chip(const struct irq_chip *chip)
{
	return false;
}

static inline void xevtchn_testing_take_early(struct xevtchn_irq *info)
{
}

static inline void xevtchn_inject(enum xevtchn_inject_point point)
{
}

static inline void xevtchn_testing_before_close(void)
{
}

static inline void xevtchn_testing_unload(void)
{
}

static inline void xevtchn_testing_budget(struct xevtchn_budget *budget)
{
}

static inline bool xevtchn_testing_withhold(unsigned int cpu,
					    unsigned long bits)
{
	return false;
}

static inline const char *xevtchn_testing_suspend_refusal(void)
{
	return NULL;
}
#endif

/* How a suspend ended, for the steps above (struct xevtchn_suspend_ops). */
enum xevtchn_woke {
	XEVTCHN_WOKE_SAME,	/* cancelled or refused: the same domain */
	XEVTCHN_WOKE_NEW,	/* restored or migrated: a new domain */
	XEVTCHN_WOKE_BROKEN,	/* the event layer could not be set up again */
};

/**
 * struct xevtchn_suspend_ops - what a step above suspend.c does around a
 *	suspend: the xenstore connection (step 12) and its API (step 13)
 * @prepare: optional: before the suspend, the steps above first (the API
 *	holds the drivers' requests back and lets those under way finish,
 *	for a bounded time)
 * @resume: optional: after it, once the bindings are set up again, the
 *	steps below first (the connection connects again in a new domain,
 *	and goes in a broken one; the API registers its watches again in a
 *	new domain, and lets the drivers' requests go whatever @woke)
 */
struct xevtchn_suspend_ops {
	void (*prepare)(void);
	void (*resume)(enum xevtchn_woke woke);
};

/* The steps that give suspend.c their hooks, in load order. */
enum xevtchn_suspend_level {
	XEVTCHN_SUSPEND_XS_CONN,	/* xenstore.c, step 12 */
	XEVTCHN_SUSPEND_XS_API,		/* xenstore_api.c, step 13 */
	XEVTCHN_SUSPEND_LEVELS
};

/* suspend.c: the toolstack's suspend, and the resume (no step of its own) */
void xevtchn_suspend_set_ops(enum xevtchn_suspend_level level,
			     const struct xevtchn_suspend_ops *ops);
const char *xevtchn_suspend_refusal(void);
int xevtchn_suspend(void);

/*
 * xenstore.c: connecting to xenstore; xenstore_comms.c: the traffic, a
 * thread and the requests (step 12, the two of them)
 */
struct kvec;
struct xenstore_domain_interface;

/*
 * How long a request waits for its reply. A xenstored that works answers
 * in milliseconds; one that is busy with the toolstack's transactions, or
 * holds this domain back for its rate limits, in well under a second.
 * Thirty seconds tell "slow" from "gone" with a wide margin, and stay
 * below libxl's own 60 s wait for a guest's answer to control/shutdown.
 */
#define XEVTCHN_XS_TIMEOUT	(30 * HZ)

/**
 * struct xevtchn_xs_ops - what the connection hands to the step above
 * @watch_event: a watch event's payload, "path\0token\0" (@len bytes,
 *	then a NUL), kmalloc()ed, now the callee's. Called from the
 *	connection's thread, so it must not make a request.
 */
struct xevtchn_xs_ops {
	void (*watch_event)(char *body, unsigned int len);
};

int xevtchn_xs_init(void);
void xevtchn_xs_exit(void);
irqreturn_t xevtchn_xs_interrupt(int irq, void *unused);
int xevtchn_xs_comms_start(struct xenstore_domain_interface *intf,
			   evtchn_port_t port);
void xevtchn_xs_comms_stop(void);
void xevtchn_xs_comms_park(bool park);
const char *xevtchn_xs_type_name(u32 type);
int xevtchn_xs_errno(const char *name);
void xevtchn_xs_unloading(void);
bool xevtchn_xs_connected(void);
void xevtchn_xs_set_ops(const struct xevtchn_xs_ops *ops);
void *xevtchn_xs_talk(u32 tx_id, u32 type, const struct kvec *vec,
		      unsigned int nvec, unsigned int *len);
#ifdef CONFIG_XEVTCHN_TESTING
void xevtchn_xs_testing(enum xevtchn_xs_test_mode mode,
			unsigned int timeout_ms);
#endif

/* xenstore_api.c: the exported xenstore API, the watches (step 13) */
int xevtchn_xs_api_init(void);
void xevtchn_xs_api_exit(void);

/* control.c: the toolstack's control requests (step 14) */
void xevtchn_control_init(void);
void xevtchn_control_exit(void);

/* evtchn_dev.c: /dev/xen/evtchn, for user space (step 15) */
int xevtchn_evtchn_dev_init(void);
void xevtchn_evtchn_dev_exit(void);

/* debugfs.c */
void xevtchn_debugfs_init(void);
void xevtchn_debugfs_exit(void);

#endif /* _XEVTCHN_INTERNAL_H */
