// SPDX-License-Identifier: GPL-2.0
/*
 * The FIFO event channel ABI (Xen 4.4 and later): up to 2^17 ports and 16
 * priorities per vCPU.
 *
 * Each port has a 32-bit event word in the event array, pages the guest
 * hands to Xen one at a time (EVTCHNOP_expand_array, 1024 words a page):
 *
 *   bit 31 PENDING  bit 30 MASKED  bit 29 LINKED  bit 28 BUSY  bits 0-16 LINK
 *
 * Each vCPU has a control block (EVTCHNOP_init_control) with a ready bit per
 * priority and the head of 16 queues. When an event becomes pending and is
 * not masked, Xen links its word at the tail of the queue of the port's
 * priority on the vCPU it notifies, sets the ready bit and raises the
 * upcall. The guest walks each ready queue from the head, following LINK;
 * taking a word off the queue clears LINKED and LINK. BUSY is set while Xen
 * updates a word, so the guest clears MASKED only while BUSY is clear, and
 * asks Xen (EVTCHNOP_unmask) when the word is pending, so Xen links it.
 *
 * Priorities: the lowest-numbered ready queue is walked first, and after
 * every event the walk looks again for a higher priority, so a
 * high-priority event overtakes a queue of low-priority ones.
 *
 * Lifetime: the first init_control switches the whole domain to FIFO, and
 * Xen keeps every control block and array page mapped until EVTCHNOP_reset,
 * which closes every port of the domain that Xen does not consume itself,
 * the toolstack's xenstore and console channels included, and returns the
 * domain to the 2-level ABI. So at unload, once xevtchn's own ports are
 * closed, this file resets the domain, connects the toolstack's channels
 * again (reconnect_toolstack_ports()) and only then frees the pages. A CPU
 * that goes offline keeps its control block (Xen cannot take it back); its
 * queues are drained before it goes, its dynamic ports having moved away
 * first, and again whenever a port of it is unbound while it is offline.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <asm/sync_bitops.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/params.h>

#include <xevtchn/hypercall.h>
#include "internal.h"

#define WORDS_PER_PAGE	(PAGE_SIZE / sizeof(event_word_t))
#define MAX_PAGES	(EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define WORD_PENDING	BIT(EVTCHN_FIFO_PENDING)
#define WORD_MASKED	BIT(EVTCHN_FIFO_MASKED)
#define WORD_LINKED	BIT(EVTCHN_FIFO_LINKED)
#define WORD_BUSY	BIT(EVTCHN_FIFO_BUSY)

/* The event array; pages are added under xevtchn_bind_mutex, never removed. */
static event_word_t *array_pages[MAX_PAGES];
static unsigned int nr_pages;

/**
 * struct cpu_fifo - a CPU's control block and its walk of the queues
 * @cb: the control block page, registered with Xen for this CPU's vCPU
 * @head: per priority, the next port to take; 0: read the head from @cb
 * @taking: this CPU's upcalls walk its queues (it is online); changes under
 *	xevtchn_bind_mutex, so that an unbind can walk them for an offline
 *	CPU without racing the CPU's own walk
 */
struct cpu_fifo {
	struct evtchn_fifo_control_block *cb;
	u32 head[EVTCHN_FIFO_MAX_QUEUES];
	bool taking;
};

static DEFINE_PER_CPU(struct cpu_fifo, cpu_fifo);

static event_word_t *event_word(evtchn_port_t port)
{
	unsigned int page = port / WORDS_PER_PAGE;

	/* Pairs with the release in expand_array(). */
	if (page >= smp_load_acquire(&nr_pages))
		return NULL;
	return array_pages[page] + port % WORDS_PER_PAGE;
}

/*
 * The sync_* bitops work on unsigned longs; an event word is the low or the
 * high half of one.
 */
static unsigned long *word_long(event_word_t *w)
{
	return (unsigned long *)((unsigned long)w & ~7UL);
}

static unsigned int word_bit(event_word_t *w, unsigned int bit)
{
	return bit + ((unsigned long)w & 4 ? 32 : 0);
}

/* Give Xen array page @i, every word masked; Xen's error. */
static int give_array_page(unsigned int i)
{
	struct evtchn_expand_array expand = {
		.array_gfn = page_to_pfn(virt_to_page(array_pages[i])),
	};
	int ret;

	/* Every new word starts masked; Xen keeps the bit as it finds it. */
	memset32(array_pages[i], WORD_MASKED, WORDS_PER_PAGE);
	ret = xevtchn_event_channel_op(EVTCHNOP_expand_array, &expand);
	if (ret)
		pr_err("Xen refused event array page %u (%d)\n", i, ret);
	return ret;
}

static int expand_array(void)
{
	struct page *page;
	int ret;

	if (nr_pages >= MAX_PAGES)
		return -ENOSPC;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	array_pages[nr_pages] = page_address(page);
	ret = give_array_page(nr_pages);
	if (ret) {
		array_pages[nr_pages] = NULL;
		__free_page(page);
		return ret;
	}
	/* Publish the page; see event_word(). */
	smp_store_release(&nr_pages, nr_pages + 1);
	return 0;
}

/* Grow the event array until it holds @port. Under xevtchn_bind_mutex. */
static int evtchn_fifo_port_setup(evtchn_port_t port)
{
	int ret = 0;

	lockdep_assert_held(&xevtchn_bind_mutex);
	while (!ret && port / WORDS_PER_PAGE >= nr_pages)
		ret = expand_array();
	return ret;
}

/* Register a control block for @cpu's vCPU, once for the domain's life. */
static int init_control(unsigned int cpu, unsigned int vcpu)
{
	struct evtchn_init_control init = { .vcpu = vcpu };
	struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);
	struct page *page;
	int ret;

	if (f->cb)
		return 0;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	init.control_gfn = page_to_pfn(page);
	ret = xevtchn_event_channel_op(EVTCHNOP_init_control, &init);
	if (ret) {
		__free_page(page);
		return ret;
	}
	memset(f->head, 0, sizeof(f->head));
	f->cb = page_address(page);
	return 0;
}

/*
 * Switch the domain to FIFO with the control block of the CPU we run on.
 * Fails, changing nothing, when Xen does not offer FIFO.
 *
 * The first array page waits for the first bind (evtchn_fifo_port_setup()),
 * when every online CPU has its control block (evtchn_fifo_cpu_up()), as in
 * mainline. Adding a page makes Xen link each of its ports found pending
 * (the toolstack's, connected again at the last unload: Xen marks a newly
 * connected port pending) into the queue of that port's vCPU, vCPU 0 for
 * these; a vCPU without a control block drops the event instead, with "d1v0
 * has no FIFO event channel control block" (evtchn_fifo_set_pending(), Xen
 * 4.17 xen/common/event_fifo.c). Given at once, the page lost those events
 * whenever the module loaded on another vCPU than 0.
 */
static int evtchn_fifo_init(void)
{
	unsigned int cpu = get_cpu();
	unsigned int vcpu = xevtchn_this_vcpu_id();

	put_cpu();	/* the vCPU is what matters, not where we run now */
	return init_control(cpu, vcpu);
}

static void free_pages_of_array(void)
{
	unsigned int cpu;

	while (nr_pages) {
		nr_pages--;
		free_page((unsigned long)array_pages[nr_pages]);
		array_pages[nr_pages] = NULL;
	}
	for_each_possible_cpu(cpu) {
		struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);

		if (f->cb)
			free_page((unsigned long)f->cb);
		f->cb = NULL;
	}
}

/*
 * At unload, every xevtchn port is closed: give the domain back its 2-level
 * ABI, and the toolstack its channels, the ports of xenstore's and the PV
 * console's rings, which xenstored and xenconsoled have connected to.
 * EVTCHNOP_reset closes them with every other port, and their remote ends
 * become unbound, waiting for this domain to connect again (evtchn_close(),
 * Xen 4.17 xen/common/event_channel.c, lines 756-757: "chn2->state =
 * ECS_UNBOUND; chn2->u.unbound.remote_domid = d1->domain_id"). So the reset
 * notes where each one led, then connects to the same remote port again and
 * points the HVM parameter at the new local port, which a guest may set
 * (hvm_allow_set_param(), xen/arch/x86/hvm/hvm.c, lines 4144-4145). Without
 * this, a FIFO unload would cut the guest off xenstore until it reboots. Xen
 * hands out the lowest free port, so connecting in the order of the old
 * numbers gives each channel its old number back.
 */
static const unsigned int toolstack_params[] = {
	HVM_PARAM_STORE_EVTCHN,
	HVM_PARAM_CONSOLE_EVTCHN,
};

struct toolstack_port {
	evtchn_port_t local;		/* 0: none, or not connected */
	domid_t remote_dom;
	evtchn_port_t remote_port;
};

static void note_toolstack_ports(struct toolstack_port *tp)
{
	struct evtchn_status status;
	unsigned int i;
	u64 port;

	for (i = 0; i < ARRAY_SIZE(toolstack_params); i++) {
		tp[i] = (struct toolstack_port){};
		if (xevtchn_hvm_get_param(toolstack_params[i], &port) ||
		    !port || port >= EVTCHN_FIFO_NR_CHANNELS)
			continue;
		status = (struct evtchn_status){ .dom = DOMID_SELF, .port = port };
		if (xevtchn_event_channel_op(EVTCHNOP_status, &status) ||
		    status.status != EVTCHNSTAT_interdomain)
			continue;	/* nobody connected: nothing to restore */
		tp[i].local = port;
		tp[i].remote_dom = status.u.interdomain.dom;
		tp[i].remote_port = status.u.interdomain.port;
	}
}

static void reconnect_toolstack_ports(struct toolstack_port *tp)
{
	struct evtchn_bind_interdomain bind;
	struct toolstack_port *next;
	unsigned int i;
	long ret;

	for (;;) {
		next = NULL;
		for (i = 0; i < ARRAY_SIZE(toolstack_params); i++)
			if (tp[i].local && (!next || tp[i].local < next->local))
				next = &tp[i];
		if (!next)
			return;
		i = next - tp;
		bind = (struct evtchn_bind_interdomain){
			.remote_dom = next->remote_dom,
			.remote_port = next->remote_port,
		};
		ret = xevtchn_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
		if (!ret)
			ret = xevtchn_hvm_set_param(toolstack_params[i],
						    bind.local_port);
		if (ret)
			pr_warn("after the reset, the toolstack's %s channel (port %u, to port %u of domain %u) could not be connected again (%ld)\n",
				toolstack_params[i] == HVM_PARAM_STORE_EVTCHN ?
				"xenstore" : "console", next->local,
				next->remote_port, next->remote_dom, ret);
		next->local = 0;
	}
}

static void evtchn_fifo_exit(void)
{
	struct toolstack_port tp[ARRAY_SIZE(toolstack_params)];
	struct evtchn_reset reset = { .dom = DOMID_SELF };
	int ret;

	note_toolstack_ports(tp);
	ret = xevtchn_event_channel_op(EVTCHNOP_reset, &reset);
	if (ret) {
		/* Xen still writes into these pages: never hand them back. */
		pr_err("Xen refused EVTCHNOP_reset (%d); keeping the FIFO pages for good\n",
		       ret);
		return;
	}
	reconnect_toolstack_ports(tp);
	free_pages_of_array();
}

static void set_taking(unsigned int cpu, bool taking)
{
	mutex_lock(&xevtchn_bind_mutex);
	per_cpu_ptr(&cpu_fifo, cpu)->taking = taking;
	mutex_unlock(&xevtchn_bind_mutex);
}

/* Before the CPU's upcall is set up: from now on it walks its queues. */
static int evtchn_fifo_cpu_up(unsigned int cpu)
{
	int ret = init_control(cpu, xevtchn_vcpu_id(cpu));

	if (ret) {
		pr_err("CPU %u: Xen refused a FIFO control block for vCPU %u (%d)\n",
		       cpu, xevtchn_vcpu_id(cpu), ret);
		return ret;
	}
	set_taking(cpu, true);
	return 0;
}

static bool evtchn_fifo_handle_events(unsigned int cpu,
				      struct xevtchn_budget *budget);

/*
 * Take what is left in the queues of a CPU going offline, its upcall
 * already stopped (all of it: no budget); from now on an unbind walks them
 * (evtchn_fifo_remove()).
 */
static void evtchn_fifo_cpu_down(unsigned int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	rcu_read_lock();
	evtchn_fifo_handle_events(cpu, NULL);
	rcu_read_unlock();
	local_irq_restore(flags);
	set_taking(cpu, false);
}

static u32 unlink(evtchn_port_t port);
static void evtchn_fifo_mask(evtchn_port_t port);
static bool evtchn_fifo_is_pending(evtchn_port_t port);
static bool evtchn_fifo_is_masked(evtchn_port_t port);

/* Per-CPU VIRQs and IPIs a CPU can have, at most. */
#define MAX_RELINK	64

/*
 * Take every word off the queues of @cpu, which takes no upcalls. A per-CPU
 * VIRQ or IPI stays bound while its CPU is offline, and Xen still links its
 * events into that vCPU's queue. Xen does not hand out again a closed port
 * whose word is still LINKED (evtchn_is_busy()), and no walk of an offline
 * CPU's queue ever unlinks it: without this, each such unbind would lose
 * that port number for good. Mainline drains a dead CPU's queues too
 * (evtchn_fifo_percpu_deinit()). The events of ports that stay bound are
 * linked again (mask, then EVTCHNOP_unmask), to be taken when the CPU is
 * back; only after the walk, or it would never end.
 */
static void drain_offline(unsigned int cpu)
{
	struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);
	evtchn_port_t relink[MAX_RELINK], port;
	struct evtchn_unmask unmask;
	unsigned int q, n = 0, i;
	unsigned long ready;

	while ((ready = xchg(&f->cb->ready, 0))) {
		for_each_set_bit(q, &ready, EVTCHN_FIFO_MAX_QUEUES) {
			port = f->head[q];
			if (!port) {
				virt_rmb();	/* as in take_one() */
				port = READ_ONCE(f->cb->head[q]);
			}
			while (port) {
				if (evtchn_fifo_is_pending(port) &&
				    !evtchn_fifo_is_masked(port) &&
				    n < MAX_RELINK)
					relink[n++] = port;
				port = unlink(port);
			}
			f->head[q] = 0;
		}
	}
	for (i = 0; i < n; i++) {
		unmask.port = relink[i];
		evtchn_fifo_mask(relink[i]);
		xevtchn_event_channel_op(EVTCHNOP_unmask, &unmask);
	}
}

/* @port, last bound to @cpu, was closed; its word may still be linked. */
static void evtchn_fifo_remove(evtchn_port_t port, unsigned int cpu)
{
	struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (f->cb && !f->taking)
		drain_offline(cpu);
}

static void evtchn_fifo_mask(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	if (w)
		sync_set_bit(word_bit(w, EVTCHN_FIFO_MASKED), word_long(w));
}

/*
 * Clear MASKED ourselves only when the word is neither BUSY (Xen is
 * updating it) nor PENDING (Xen must link it); otherwise Xen does it.
 */
static void evtchn_fifo_unmask(evtchn_port_t port)
{
	struct evtchn_unmask unmask = { .port = port };
	event_word_t *w = event_word(port);
	event_word_t old, seen;

	if (!w)
		return;
	old = READ_ONCE(*w);
	while (!(old & (WORD_BUSY | WORD_PENDING))) {
		seen = cmpxchg(w, old, old & ~WORD_MASKED);
		if (seen == old)
			return;
		old = seen;
	}
	xevtchn_event_channel_op(EVTCHNOP_unmask, &unmask);
}

static bool evtchn_fifo_is_masked(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	return !w || sync_test_bit(word_bit(w, EVTCHN_FIFO_MASKED), word_long(w));
}

static void evtchn_fifo_set_pending(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	if (w)
		sync_set_bit(word_bit(w, EVTCHN_FIFO_PENDING), word_long(w));
}

static void evtchn_fifo_clear_pending(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	if (w)
		sync_clear_bit(word_bit(w, EVTCHN_FIFO_PENDING), word_long(w));
}

static bool evtchn_fifo_is_pending(evtchn_port_t port)
{
	event_word_t *w = event_word(port);

	return w && sync_test_bit(word_bit(w, EVTCHN_FIFO_PENDING), word_long(w));
}

/* Take @port's word off its queue; return the next port (0: none). */
static u32 unlink(evtchn_port_t port)
{
	event_word_t *w = event_word(port);
	event_word_t old, seen;

	if (!w)
		return 0;
	old = READ_ONCE(*w);
	for (;;) {
		seen = cmpxchg(w, old, old & ~(WORD_LINKED | EVTCHN_FIFO_LINK_MASK));
		if (seen == old)
			return old & EVTCHN_FIFO_LINK_MASK;
		old = seen;
	}
}

/* Take the first event of queue @q of @cpu; clear @q in @ready when empty. */
static void take_one(unsigned int cpu, unsigned int q, unsigned long *ready)
{
	struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);
	evtchn_port_t port = f->head[q];
	u32 next;

	if (!port) {
		virt_rmb();	/* the words Xen linked before it wrote the head */
		port = READ_ONCE(f->cb->head[q]);
	}
	next = unlink(port);
	if (!next)
		__clear_bit(q, ready);
	f->head[q] = next;
	if (evtchn_fifo_is_pending(port) && !evtchn_fifo_is_masked(port))
		xevtchn_handle_port(port);
}

/*
 * Set the ready bits @queues of @cpu's control block again, for the next
 * walk: the queues a walk whose budget ran out did not take to their end.
 * Their words stay linked, and f->head[] says where each walk goes on.
 * Xen sets a ready bit only when it links a word into an empty queue, so
 * it never sets these again.
 */
static void evtchn_fifo_give_back(unsigned int cpu, unsigned long queues)
{
	struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);
	u32 old, seen;

	old = READ_ONCE(f->cb->ready);
	while ((seen = cmpxchg(&f->cb->ready, old, old | (u32)queues)) != old)
		old = seen;
}

static bool evtchn_fifo_handle_events(unsigned int cpu,
				      struct xevtchn_budget *budget)
{
	struct cpu_fifo *f = per_cpu_ptr(&cpu_fifo, cpu);
	unsigned long ready;

	if (!f->cb)
		return false;
	ready = xchg(&f->cb->ready, 0);
	if (!ready)
		return false;
	do {
		if (!xevtchn_budget_take(budget)) {
			if (!xevtchn_testing_withhold(cpu, ready))
				evtchn_fifo_give_back(cpu, ready);
			break;
		}
		take_one(cpu, __ffs(ready), &ready);
		ready |= xchg(&f->cb->ready, 0);	/* higher ones overtake */
	} while (ready);
	return true;
}

/*
 * The domain is new (suspend.c): it has the 2-level ABI, the toolstack's
 * ports and no control block. As Linux's evtchn_fifo_resume() (in its
 * drivers/xen/events/) and FreeBSD's resume of its event layer: each
 * control block again, cleared (the first switches the domain
 * to FIFO), then the array's pages, each masked again, so that every port
 * the ABI held keeps a word. Offline CPUs keep theirs too (see the top of
 * the file; Xen takes one for any vCPU of the domain). Interrupts are off
 * and nothing is allocated.
 */
static int evtchn_fifo_resume(void)
{
	struct evtchn_init_control init;
	struct cpu_fifo *f;
	unsigned int cpu, i;
	int ret;

	for_each_possible_cpu(cpu) {
		f = per_cpu_ptr(&cpu_fifo, cpu);
		if (!f->cb)
			continue;
		clear_page(f->cb);
		memset(f->head, 0, sizeof(f->head));
		init = (struct evtchn_init_control){
			.control_gfn = page_to_pfn(virt_to_page(f->cb)),
			.vcpu = xevtchn_vcpu_id(cpu),
		};
		ret = xevtchn_event_channel_op(EVTCHNOP_init_control, &init);
		if (ret) {
			pr_err("CPU %u: Xen refused its FIFO control block after the suspend (%d)\n",
			       cpu, ret);
			return ret;
		}
	}
	for (i = 0; i < nr_pages; i++) {
		ret = give_array_page(i);
		if (ret)
			return ret;
	}
	return 0;
}

const struct xevtchn_abi xevtchn_abi_fifo = {
	.name		= "FIFO",
	.max_ports	= EVTCHN_FIFO_NR_CHANNELS,
	.init		= evtchn_fifo_init,
	.exit		= evtchn_fifo_exit,
	.cpu_up		= evtchn_fifo_cpu_up,
	.cpu_down	= evtchn_fifo_cpu_down,
	.port_setup	= evtchn_fifo_port_setup,
	/* No bind_to_cpu: Xen links events into the notified vCPU's queue. */
	.remove		= evtchn_fifo_remove,
	.mask		= evtchn_fifo_mask,
	.unmask		= evtchn_fifo_unmask,
	.is_masked	= evtchn_fifo_is_masked,
	.set_pending	= evtchn_fifo_set_pending,
	.clear_pending	= evtchn_fifo_clear_pending,
	.is_pending	= evtchn_fifo_is_pending,
	.handle_events	= evtchn_fifo_handle_events,
	.give_back	= evtchn_fifo_give_back,
	.resume		= evtchn_fifo_resume,
};
