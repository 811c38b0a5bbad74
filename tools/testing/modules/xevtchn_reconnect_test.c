// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_reconnect_test: a driver with a peer in dom0, which connects to
 * it again after every save and restore or migration, as a Xen frontend
 * does (Linux's xenbus drivers: their resume callback opens a new port and
 * writes it to xenstore for the backend).
 *
 * At load, and at each XEVTCHN_RESUMED (a new domain: the old port went
 * with the old one), the driver opens a port for dom0
 * (xevtchn_alloc_unbound()), gives it its one IRQ (a bind at load,
 * xevtchn_rebind_evtchn_irq() after a resume) and publishes it in its
 * xenstore home: data/xth-peer/port, then data/xth-peer/epoch, the
 * epoch's number, last (dom0's sign that the port is ready). dom0's peer
 * (xth-evtchn-peer --connect, which dom0.sh's "reconnect" starts) binds its
 * end, sends one event, "hello", then answers each event with one.
 *
 * A thread pings once connected: one event, then up to ANSWER_TIMEOUT for
 * the answer, the whole round under traffic_mutex, which XEVTCHN_SUSPENDING
 * takes: no ping is under way when the domain is suspended, and every
 * ping of an epoch has had its answer or its timeout by then. Per epoch
 * (one per domain): hellos, pings, answers, answers beyond the pings. The
 * peer counts the events it answered; the payload compares its count for
 * an epoch with this driver's pings (the parameter "pings": one number per
 * epoch).
 */

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include <xevtchn/events.h>
#include <xevtchn/xenstore.h>
#include "ktap.h"

#define MAX_EPOCHS	32
#define ANSWER_TIMEOUT	(10 * HZ)
#define PEER_DOMAIN	0
#define XS_PORT		"data/xth-peer/port"
#define XS_EPOCH	"data/xth-peer/epoch"

static int expect_epoch;
module_param(expect_epoch, int, 0644);
MODULE_PARM_DESC(expect_epoch, "resumes in a new domain the report expects");

static DEFINE_MUTEX(traffic_mutex);
static DECLARE_WAIT_QUEUE_HEAD(traffic_wq);
static struct task_struct *thread;
static int irq = -1;
/* Under traffic_mutex, but for the handler's reads. */
static unsigned int epoch;
static bool paused;
/* The payload's "hold": no ping until it is released. */
static bool held;
static int publish_err[MAX_EPOCHS];
static int rebind_err[MAX_EPOCHS];

/* Per epoch: the handler's counts, and the thread's. */
static atomic_t hellos[MAX_EPOCHS], answers[MAX_EPOCHS], extra[MAX_EPOCHS];
static unsigned int pings[MAX_EPOCHS], unanswered[MAX_EPOCHS];
static unsigned int send_errors[MAX_EPOCHS];

static unsigned int cur_epoch(void)
{
	return min_t(unsigned int, READ_ONCE(epoch), MAX_EPOCHS - 1);
}

/*
 * An event before the epoch's first ping is a hello (the report wants
 * exactly one); each one after it answers a ping. An answer beyond the
 * epoch's pings (a second hello too, once the pings began) is extra.
 */
static irqreturn_t peer_interrupt(int irq, void *unused)
{
	unsigned int e = cur_epoch();

	if (!READ_ONCE(pings[e]))
		atomic_inc(&hellos[e]);
	else if (atomic_inc_return(&answers[e]) > READ_ONCE(pings[e]))
		atomic_inc(&extra[e]);
	wake_up(&traffic_wq);
	return IRQ_HANDLED;
}

/* One ping and its answer; under traffic_mutex. */
static void ping(unsigned int e)
{
	int want = pings[e] + 1;

	WRITE_ONCE(pings[e], want);
	if (xevtchn_notify_remote_via_irq(irq)) {
		send_errors[e]++;
		WRITE_ONCE(pings[e], want - 1);
		return;
	}
	if (!wait_event_timeout(traffic_wq,
				atomic_read(&answers[e]) >= want ||
				kthread_should_stop(), ANSWER_TIMEOUT))
		unanswered[e]++;
}

static int traffic_fn(void *unused)
{
	unsigned int e;

	while (!kthread_should_stop()) {
		wait_event_timeout(traffic_wq, kthread_should_stop() ||
				   (!READ_ONCE(paused) && !READ_ONCE(held) &&
				    atomic_read(&hellos[cur_epoch()])), HZ);
		mutex_lock(&traffic_mutex);
		e = cur_epoch();
		if (!paused && !held && atomic_read(&hellos[e]) &&
		    !kthread_should_stop())
			ping(e);
		mutex_unlock(&traffic_mutex);
		usleep_range(5000, 10000);
	}
	return 0;
}

/* Tell dom0 which port to connect to: the port first, then the epoch. */
static int publish(evtchn_port_t port, unsigned int e)
{
	int ret;

	ret = xevtchn_xs_printf(XEVTCHN_XBT_NIL, XS_PORT, "%u", port);
	if (!ret)
		ret = xevtchn_xs_printf(XEVTCHN_XBT_NIL, XS_EPOCH, "%u", e);
	return ret;
}

/* In a new domain: a new port for dom0, given to our IRQ, published. */
static void reconnect(unsigned int e)
{
	evtchn_port_t port;
	int ret;

	ret = xevtchn_alloc_unbound(PEER_DOMAIN, &port);
	if (!ret) {
		ret = xevtchn_rebind_evtchn_irq(port, irq);
		if (ret)
			xevtchn_close_port(port);
	}
	rebind_err[e] = ret;
	if (!ret)
		publish_err[e] = publish(port, e);
}

static int resume_event(struct notifier_block *nb, unsigned long action,
			void *unused)
{
	mutex_lock(&traffic_mutex);
	switch (action) {
	case XEVTCHN_SUSPENDING:
		paused = true;
		break;
	case XEVTCHN_RESUMED:
		WRITE_ONCE(epoch, epoch + 1);
		reconnect(cur_epoch());
		paused = false;
		break;
	case XEVTCHN_RESUME_CANCELLED:
		paused = false;
		break;
	case XEVTCHN_RESUME_FAILED:	/* no event arrives any more */
		paused = true;
		break;
	}
	mutex_unlock(&traffic_mutex);
	wake_up(&traffic_wq);
	return NOTIFY_OK;
}

static struct notifier_block resume_nb = {
	.notifier_call = resume_event,
};

/* The port xenstore names, or 0. */
static evtchn_port_t published_port(void)
{
	unsigned int len, port = 0;
	char *val;

	val = xevtchn_xs_read(XEVTCHN_XBT_NIL, XS_PORT, &len);
	if (IS_ERR(val))
		return 0;
	if (kstrtouint(val, 10, &port))
		port = 0;
	kfree(val);
	return port;
}

static void report(const char *tag)
{
	unsigned int e, last, bad_e = 0, hello_bad = 0, count_bad = 0;
	unsigned int errors = 0;
	struct ktap_suite s;
	evtchn_port_t port;
	char name[64];

	mutex_lock(&traffic_mutex);
	last = cur_epoch();
	for (e = 0; e <= last; e++) {
		if (atomic_read(&hellos[e]) != 1)
			hello_bad++;
		if (atomic_read(&answers[e]) != pings[e] || unanswered[e] ||
		    atomic_read(&extra[e])) {
			if (!count_bad)
				bad_e = e;
			count_bad++;
		}
		errors += send_errors[e] + !!rebind_err[e] + !!publish_err[e];
	}
	port = xevtchn_evtchn_from_irq(irq);
	snprintf(name, sizeof(name), "reconnect_%s", tag);
	ktap_start(&s, name, 5);
	ktap_result(&s, epoch == expect_epoch, "epoch", "%u, want %d", epoch,
		    expect_epoch);
	ktap_result(&s, !hello_bad, "peer_connected_once_per_epoch",
		    "%u epochs without exactly one hello (epoch %u: %d)",
		    hello_bad, last, atomic_read(&hellos[last]));
	ktap_result(&s, pings[last] >= 5, "pings_in_this_epoch",
		    "%u pings in epoch %u", pings[last], last);
	ktap_result(&s, !count_bad, "every_ping_answered_once",
		    "epoch %u: %u pings, %d answers, %u unanswered, %d extra",
		    bad_e, pings[bad_e], atomic_read(&answers[bad_e]),
		    unanswered[bad_e], atomic_read(&extra[bad_e]));
	ktap_result(&s, !errors && port && published_port() == port,
		    "published_port_is_bound",
		    "IRQ %d has port %u, xenstore says %u; %u errors (epoch %u: rebind %d, publish %d)",
		    irq, port, published_port(), errors, last, rebind_err[last],
		    publish_err[last]);
	mutex_unlock(&traffic_mutex);
}

static int report_set(const char *val, const struct kernel_param *kp)
{
	char tag[32], *t;

	strscpy(tag, val, sizeof(tag));
	t = strim(tag);
	report(t[0] ? t : "report");
	return 0;
}

static const struct kernel_param_ops report_ops = {
	.set = report_set,
};
module_param_cb(report, &report_ops, NULL, 0200);
MODULE_PARM_DESC(report, "write a tag: print the KTAP suite reconnect_<tag>");

/*
 * "hold": 1 stops the pings (once the one under way has its answer), so
 * that the payload can compare the counts with dom0's; 0 lets them go on.
 */
static int hold_set(const char *val, const struct kernel_param *kp)
{
	bool hold;
	int ret;

	ret = kstrtobool(val, &hold);
	if (ret)
		return ret;
	mutex_lock(&traffic_mutex);
	held = hold;
	mutex_unlock(&traffic_mutex);
	wake_up(&traffic_wq);
	return 0;
}

static const struct kernel_param_ops hold_ops = {
	.set = hold_set,
};
module_param_cb(hold, &hold_ops, NULL, 0200);
MODULE_PARM_DESC(hold, "1: no more pings until 0 is written");

/* "epoch": resumes in a new domain since load. */
static int epoch_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(epoch));
}

static const struct kernel_param_ops epoch_ops = {
	.get = epoch_get,
};
module_param_cb(epoch, &epoch_ops, NULL, 0444);
MODULE_PARM_DESC(epoch, "resumes in a new domain since load");

/* "pings": the pings of each epoch so far, space-separated. */
static int pings_get(char *buf, const struct kernel_param *kp)
{
	unsigned int e, last;
	int len = 0;

	mutex_lock(&traffic_mutex);
	last = cur_epoch();
	for (e = 0; e <= last; e++)
		len += sysfs_emit_at(buf, len, "%s%u", e ? " " : "", pings[e]);
	mutex_unlock(&traffic_mutex);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static const struct kernel_param_ops pings_ops = {
	.get = pings_get,
};
module_param_cb(pings, &pings_ops, NULL, 0444);
MODULE_PARM_DESC(pings, "the pings of each epoch so far");

static int __init reconnect_test_init(void)
{
	evtchn_port_t port;
	int ret;

	ret = xevtchn_alloc_unbound(PEER_DOMAIN, &port);
	if (ret)
		goto fail;
	irq = xevtchn_bind_evtchn_to_irqhandler(port, peer_interrupt, 0,
						"xevtchn-peer", &irq);
	if (irq < 0) {
		ret = irq;
		xevtchn_close_port(port);
		goto fail;
	}
	/*
	 * Under traffic_mutex: a resume from here on waits in our notifier
	 * until epoch 0's port is published, then publishes its own.
	 */
	mutex_lock(&traffic_mutex);
	ret = xevtchn_register_resume_notifier(&resume_nb);
	if (!ret) {
		ret = publish(port, 0);
		if (ret)
			xevtchn_unregister_resume_notifier(&resume_nb);
	}
	mutex_unlock(&traffic_mutex);
	if (ret)
		goto unbind;
	thread = kthread_run(traffic_fn, NULL, "xevtchn-reconnect-test");
	if (IS_ERR(thread)) {
		ret = PTR_ERR(thread);
		xevtchn_unregister_resume_notifier(&resume_nb);
		goto unbind;
	}
	pr_info("xevtchn_reconnect_test: port %u for dom0, IRQ %d\n", port, irq);
	return 0;

unbind:
	xevtchn_xs_rm(XEVTCHN_XBT_NIL, "data/xth-peer");
	xevtchn_unbind_from_irqhandler(irq, &irq);
fail:
	pr_err("xevtchn_reconnect_test: cannot set up (%d)\n", ret);
	return ret;
}

static void __exit reconnect_test_exit(void)
{
	kthread_stop(thread);
	xevtchn_unregister_resume_notifier(&resume_nb);
	xevtchn_unbind_from_irqhandler(irq, &irq);
	xevtchn_xs_rm(XEVTCHN_XBT_NIL, "data/xth-peer");
}

module_init(reconnect_test_init);
module_exit(reconnect_test_exit);

MODULE_DESCRIPTION("xevtchn test: a dom0 peer connected again after each move");
MODULE_LICENSE("GPL");
