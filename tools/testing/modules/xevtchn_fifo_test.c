// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_fifo_test: what the FIFO ABI adds, and what 2-level lacks.
 *
 * many_ports_<tag>: binds more ports than the 2-level ABI has (4096) -
 *	loopback pairs, both ends bound - and delivers exactly one event to
 *	each. Under 2-level: opening ports stops at the ABI's limit with
 *	-ENOSPC, and everything opened is closed again.
 * priority_<tag>: two ports on CPU 0, one at the lowest priority, one at
 *	the highest; both raised while CPU 0 cannot take the upcall; the high
 *	one must be handled first. Under 2-level: priorities are refused.
 *
 * Parameters: abi= fifo or 2level (what xevtchn runs), tag= suite suffix,
 * ports= how many ports to bind under FIFO.
 */

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

#include <xevtchn/events.h>
#include "ktap.h"

static char *abi = "fifo";
module_param(abi, charp, 0444);
MODULE_PARM_DESC(abi, "the ABI xevtchn runs: fifo or 2level");
static char *tag = "fifo";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix");
static unsigned int ports = 4500;
module_param(ports, uint, 0444);
MODULE_PARM_DESC(ports, "ports to bind under FIFO (even)");

#define LIMIT_2L	4096

static bool fifo(void)
{
	return !strcmp(abi, "fifo");
}

static void start(struct ktap_suite *s, const char *name, unsigned int plan)
{
	static char full[64];

	snprintf(full, sizeof(full), "%s_%s", name, tag);
	ktap_start(s, full, plan);
}

/* ---- many ports ------------------------------------------------------------ */

struct many {
	evtchn_port_t *port;
	int *irq;
	atomic_t *hits;
	unsigned int n;
};

/* Events handled on all the ports; port i's own count is hits[i]. */
static atomic_t many_total;

static irqreturn_t many_count(int irq, void *hits)
{
	atomic_inc(hits);
	atomic_inc(&many_total);
	return IRQ_HANDLED;
}

static void many_free(struct many *m)
{
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		if (m->irq[i] > 0)
			xevtchn_unbind_from_irqhandler(m->irq[i], &m->hits[i]);
		else if (m->port[i])
			xevtchn_close_port(m->port[i]);
	}
	vfree(m->port);
	vfree(m->irq);
	vfree(m->hits);
}

static int many_alloc(struct many *m, unsigned int n)
{
	memset(m, 0, sizeof(*m));
	m->port = vzalloc(array_size(n, sizeof(*m->port)));
	m->irq = vzalloc(array_size(n, sizeof(*m->irq)));
	m->hits = vzalloc(array_size(n, sizeof(*m->hits)));
	return m->port && m->irq && m->hits ? 0 : -ENOMEM;
}

static void test_many_ports_fifo(void)
{
	struct ktap_suite s;
	struct many m;
	unsigned int i, wrong = 0, highest = 0, waited;
	int ret = 0;

	start(&s, "many_ports", 4);
	if (many_alloc(&m, ports)) {
		ktap_result(&s, false, "bind_all", "no memory");
		goto out;
	}
	for (i = 0; i + 1 < ports && !ret; i += 2) {
		ret = xevtchn_alloc_loopback(&m.port[i], &m.port[i + 1]);
		m.n = ret ? i : i + 2;
	}
	for (i = 0; i < m.n && !ret; i++) {
		m.irq[i] = xevtchn_bind_evtchn_to_irqhandler(m.port[i], many_count,
							     0, "xevtchn-many",
							     &m.hits[i]);
		ret = m.irq[i] < 0 ? m.irq[i] : 0;
		highest = max(highest, m.port[i]);
	}
	ktap_result(&s, !ret && m.n == ports, "bind_all",
		    "bound %u of %u ports, stopped with %d", m.n, ports, ret);
	ktap_result(&s, highest >= LIMIT_2L, "beyond_2level_limit",
		    "the highest port is %u", highest);
	if (ret)
		goto out;

	/* Xen raised the connecting end of each pair: count from zero. */
	msleep(500);
	for (i = 0; i < m.n; i++)
		atomic_set(&m.hits[i], 0);
	atomic_set(&many_total, 0);
	for (i = 0; i < m.n; i++)
		xevtchn_notify_remote_via_evtchn(m.port[i ^ 1]);
	for (waited = 0; atomic_read(&many_total) < m.n && waited < 60000;
	     waited += 20)
		msleep(20);
	msleep(100);	/* a doubled event would show now */
	for (i = 0; i < m.n; i++)
		if (atomic_read(&m.hits[i]) != 1)
			wrong++;
	ktap_result(&s, atomic_read(&many_total) == m.n, "one_event_each_total",
		    "%d events handled for %u sent", atomic_read(&many_total), m.n);
	ktap_result(&s, !wrong, "one_event_each_port",
		    "%u ports did not see exactly one event", wrong);
	ktap_diag("many_ports: %u ports bound, highest %u, %d events handled",
		  m.n, highest, atomic_read(&many_total));
out:
	many_free(&m);
}

static void test_many_ports_2level(void)
{
	struct ktap_suite s;
	struct many m;
	unsigned int i;
	int ret = 0;

	start(&s, "many_ports", 2);
	if (many_alloc(&m, LIMIT_2L + 2)) {
		ktap_result(&s, false, "open_until_full", "no memory");
		goto out;
	}
	for (i = 0; i < LIMIT_2L + 2 && !ret; i++) {
		ret = xevtchn_alloc_unbound(DOMID_SELF, &m.port[i]);
		m.n = ret ? i : i + 1;
	}
	ktap_result(&s, ret == -ENOSPC && m.n < LIMIT_2L, "open_until_full",
		    "opened %u ports, then %d (want -ENOSPC below %u)", m.n,
		    ret, LIMIT_2L);
	ktap_result(&s, xevtchn_nr_channels() == LIMIT_2L, "nr_channels",
		    "%u", xevtchn_nr_channels());
out:
	many_free(&m);
}

/* ---- priorities ------------------------------------------------------------ */

struct prio {
	evtchn_port_t a[2], b[2];	/* [0] low, [1] high priority */
	int irq[2];
	atomic_t order;
	int seen_at[2];
};

static struct prio prio;

static irqreturn_t prio_interrupt(int irq, void *data)
{
	int *seen_at = data;

	*seen_at = atomic_inc_return(&prio.order);
	return IRQ_HANDLED;
}

/* On CPU 0 with interrupts off: raise the low one, then the high one. */
static void raise_both(void *unused)
{
	xevtchn_notify_remote_via_evtchn(prio.b[0]);
	xevtchn_notify_remote_via_evtchn(prio.b[1]);
}

static void test_priority(void)
{
	struct ktap_suite s;
	unsigned int i;
	int ret = 0;

	start(&s, "priority", 2);
	memset(&prio, 0, sizeof(prio));
	for (i = 0; i < 2 && !ret; i++) {
		ret = xevtchn_alloc_loopback(&prio.a[i], &prio.b[i]);
		if (ret)
			break;
		prio.irq[i] = xevtchn_bind_evtchn_to_irqhandler(prio.a[i],
								prio_interrupt, 0,
								"xevtchn-prio",
								&prio.seen_at[i]);
		ret = prio.irq[i] < 0 ? prio.irq[i] : 0;
	}
	if (!ret)
		ret = xevtchn_set_irq_priority(prio.irq[0], XEN_IRQ_PRIORITY_MIN);
	if (!fifo()) {
		ktap_result(&s, ret == -ENOSYS, "refused_under_2level",
			    "setting a priority gave %d, want %d", ret, -ENOSYS);
		ktap_skip(&s, "high_before_low", "no priorities under 2-level");
		goto out;
	}
	if (!ret)
		ret = xevtchn_set_irq_priority(prio.irq[1], XEN_IRQ_PRIORITY_MAX);
	/* Both on CPU 0: request_irq() may have spread them over the CPUs. */
	for (i = 0; i < 2 && !ret; i++)
		ret = irq_set_affinity(prio.irq[i], cpumask_of(0));
	ktap_result(&s, !ret, "set_priorities", "gave %d", ret);
	atomic_set(&prio.order, 0);
	smp_call_function_single(0, raise_both, NULL, true);
	msleep(500);
	ktap_result(&s, prio.seen_at[1] == 1 && prio.seen_at[0] == 2,
		    "high_before_low",
		    "the high-priority event came %d, the low one %d (want 1, 2)",
		    prio.seen_at[1], prio.seen_at[0]);
out:
	for (i = 0; i < 2; i++) {
		if (prio.irq[i] > 0)
			xevtchn_unbind_from_irqhandler(prio.irq[i],
						       &prio.seen_at[i]);
		if (prio.b[i])
			xevtchn_close_port(prio.b[i]);
	}
}

static int __init fifo_test_init(void)
{
	if (fifo())
		test_many_ports_fifo();
	else
		test_many_ports_2level();
	test_priority();
	return 0;
}

static void __exit fifo_test_exit(void)
{
}

module_init(fifo_test_init);
module_exit(fifo_test_exit);

MODULE_DESCRIPTION("xevtchn test: the FIFO event channel ABI");
MODULE_LICENSE("GPL");
