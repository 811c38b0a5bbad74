// SPDX-License-Identifier: GPL-2.0
/*
 * Connecting to xenstore: the ring page the toolstack shares with the
 * guest (HVM_PARAM_STORE_PFN) and its event channel
 * (HVM_PARAM_STORE_EVTCHN), bound through xevtchn's own binding API, the
 * first real user of it. The traffic, a thread and the requests, is
 * xenstore_comms.c's; this file maps, binds, makes the ring ready and
 * starts it, and undoes that at unload.
 *
 * The port is the toolstack's, for the guest's whole life: it is bound
 * with xevtchn_evtchn_keep_open(), so that unloading xevtchn unbinds it
 * without closing it, for whoever binds it next (xevtchn loaded again).
 *
 * A fresh start. The ring may hold what an earlier user left: hvmloader
 * uses xenstore and hands the ring back clean (xenbus_shutdown() in Xen's
 * tools/firmware/hvmloader/xenbus.c), and so does xevtchn's own unload
 * when xenstored answers, but a request that timed out leaves its reply
 * behind. A quiescent ring gets XS_RESET_WATCHES, as Linux does (watches
 * and transactions of an earlier load go). Otherwise, where xenstored
 * offers it (oxenstored does), the ring is reconnected: xenstored empties
 * both rings and forgets the connection's watches and transactions; else
 * the replies are dropped, as Linux's xb_init_comms() does, and the
 * watches reset.
 *
 * Before a suspend the traffic's thread is parked: nothing notifies the
 * port, whose number means nothing after a resume in a new domain; a
 * cancelled suspend unparks it. After a resume in a new domain
 * (suspend.c) the ring is the same page, which moved with the guest's
 * memory, but xenstored reaches it through a new port: xs_reconnect()
 * reads HVM_PARAM_STORE_EVTCHN again, as Linux's xenbus_resume_cb() does
 * (drivers/xen/xenbus/xenbus_probe.c), gives the IRQ its new port, as
 * xb_init_comms() does with rebind_evtchn_irq() (xenbus_comms.c), and
 * starts the traffic afresh. The step above registers its watches again.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": xenstore: " fmt

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <xen/interface/hvm/params.h>
#include <xen/interface/io/xs_wire.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include "internal.h"

static char *xenstore = "auto";
module_param(xenstore, charp, 0444);
MODULE_PARM_DESC(xenstore,
		 "the xenstore client: auto (when the toolstack offers xenstore; the default), on (or refuse to load), off");

enum xs_choice { XS_AUTO, XS_ON, XS_OFF };

static const char * const xs_choices[] = {
	[XS_AUTO]	= "auto",
	[XS_ON]		= "on",
	[XS_OFF]	= "off",
};

static struct xenstore_domain_interface *intf;
static u64 ring_pfn;
static evtchn_port_t port;
static int irq;		/* 0: not connected */

/*
 * Two helpers of the protocol for xenstore_comms.c, which is long enough.
 * A message type's name, for the log.
 */
const char *xevtchn_xs_type_name(u32 type)
{
	static const char * const names[] = {
		[XS_DIRECTORY]		= "DIRECTORY",
		[XS_READ]		= "READ",
		[XS_WATCH]		= "WATCH",
		[XS_UNWATCH]		= "UNWATCH",
		[XS_TRANSACTION_START]	= "TRANSACTION_START",
		[XS_TRANSACTION_END]	= "TRANSACTION_END",
		[XS_WRITE]		= "WRITE",
		[XS_RM]			= "RM",
		[XS_RESET_WATCHES]	= "RESET_WATCHES",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "?";
}

/* xenstored's error string as an errno (Xen's table, xs_wire.h). */
int xevtchn_xs_errno(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xsd_errors); i++)
		if (!strcmp(name, xsd_errors[i].errstring))
			return -xsd_errors[i].errnum;
	pr_warn_ratelimited("xenstored answered with an error unknown here, \"%s\"; taken as -EIO\n",
			    name);
	return -EIO;
}

static bool req_pending(void)
{
	return READ_ONCE(intf->req_cons) != READ_ONCE(intf->req_prod);
}

static bool rsp_pending(void)
{
	return READ_ONCE(intf->rsp_cons) != READ_ONCE(intf->rsp_prod);
}

/* Wait until xenstored says the ring is connected (it notifies; we look). */
static int wait_connected(void)
{
	unsigned long end = jiffies + XEVTCHN_XS_TIMEOUT;

	while (READ_ONCE(intf->connection) != XENSTORE_CONNECTED) {
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		usleep_range(10000, 20000);
	}
	virt_rmb();	/* the connection state before the indexes */
	return 0;
}

/*
 * Make the ring ready for a fresh start (see the top of the file). Sets
 * *@reset_watches when the watches and transactions of an earlier user
 * are still to be reset.
 */
static int fresh_start(bool *reset_watches)
{
	int ret;

	*reset_watches = true;
	if (READ_ONCE(intf->connection) == XENSTORE_CONNECTED &&
	    !req_pending() && !rsp_pending())
		return 0;
	if (READ_ONCE(intf->server_features) &
	    XENSTORE_SERVER_FEATURE_RECONNECTION) {
		pr_info("the ring holds data of an earlier user (requests %u, replies %u bytes); reconnecting\n",
			READ_ONCE(intf->req_prod) - READ_ONCE(intf->req_cons),
			READ_ONCE(intf->rsp_prod) - READ_ONCE(intf->rsp_cons));
		virt_mb();	/* what we read of the ring, before it goes */
		WRITE_ONCE(intf->connection, XENSTORE_RECONNECT);
		xevtchn_notify_remote_via_evtchn(port);
		ret = wait_connected();
		if (ret)
			pr_warn("xenstored did not answer the reconnection within %d s\n",
				XEVTCHN_XS_TIMEOUT / HZ);
		*reset_watches = false;	/* the reconnection dropped them */
		return ret;
	}
	ret = wait_connected();
	if (ret) {
		pr_warn("the ring is not connected, and xenstored did not connect it within %d s\n",
			XEVTCHN_XS_TIMEOUT / HZ);
		return ret;
	}
	/* As Linux's xb_init_comms(): xenstored reads the requests first. */
	if (req_pending())
		pr_warn("the request ring holds %u bytes of an earlier user's\n",
			READ_ONCE(intf->req_prod) - READ_ONCE(intf->req_cons));
	if (rsp_pending()) {
		pr_warn("the response ring holds %u bytes of an earlier user's; dropping them\n",
			READ_ONCE(intf->rsp_prod) - READ_ONCE(intf->rsp_cons));
		WRITE_ONCE(intf->rsp_cons, READ_ONCE(intf->rsp_prod));
		xevtchn_notify_remote_via_evtchn(port);
	}
	return 0;
}

/*
 * The first requests: is xenstored there at all (-ETIMEDOUT when not)?
 * Then, if @reset, forget the watches and transactions an earlier user
 * left, where the toolstack says xenstored can (libxl writes the node),
 * as Linux's xs_reset_watches() does.
 */
static int first_requests(bool reset)
{
	struct kvec vec = { .iov_base = "control/platform-feature-xs_reset_watches" };
	char *val;

	vec.iov_len = strlen(vec.iov_base) + 1;
	val = xevtchn_xs_talk(0, XS_READ, &vec, 1, NULL);
	if (IS_ERR(val))
		return PTR_ERR(val) == -ETIMEDOUT ? -ETIMEDOUT : 0;
	if (reset && !strcmp(val, "1")) {
		kfree(val);
		vec.iov_base = "";
		vec.iov_len = 1;
		val = xevtchn_xs_talk(0, XS_RESET_WATCHES, &vec, 1, NULL);
		if (IS_ERR(val) && PTR_ERR(val) != -EEXIST)
			pr_warn("XS_RESET_WATCHES failed (%ld)\n", PTR_ERR(val));
	}
	if (!IS_ERR(val))
		kfree(val);
	return 0;
}

/* Free the ring's handler and unbind, with the reference free_irq() drops. */
static void unbind(void)
{
	__module_get(THIS_MODULE);
	xevtchn_unbind_from_irqhandler(irq, &intf);
	irq = 0;
}

/* Map the ring, bind its port, make the ring ready; start the traffic. */
static int xs_connect(void)
{
	u64 pfn, param;
	bool reset;
	int ret;

	ret = xevtchn_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
	if (!ret)
		ret = xevtchn_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &param);
	if (ret)
		return ret;
	if (!pfn || !param)
		return -ENOENT;
	/* x86: Xen's pages are the kernel's. */
	intf = memremap(pfn << PAGE_SHIFT, PAGE_SIZE, MEMREMAP_WB);
	if (!intf)
		return -ENOMEM;
	ring_pfn = pfn;
	port = param;
	ret = xevtchn_bind_evtchn_to_irqhandler(port, xevtchn_xs_interrupt, 0,
						"xenstore", &intf);
	if (ret < 0)
		goto unmap;
	irq = ret;
	/*
	 * request_irq() took a reference on the descriptor's owner, which is
	 * xevtchn itself: with it, rmmod would refuse (-EAGAIN) before our
	 * own exit could unbind. Give it back; unbind() takes it again for
	 * the free_irq() that drops it.
	 */
	module_put(THIS_MODULE);
	ret = xevtchn_evtchn_keep_open(port);
	if (!ret)
		ret = fresh_start(&reset);
	if (!ret)
		ret = xevtchn_xs_comms_start(intf, port);
	if (ret)
		goto unbind_port;
	ret = first_requests(reset);
	if (ret) {
		xevtchn_xs_comms_stop();
		goto unbind_port;
	}
	pr_info("connected: ring at frame %#llx, port %u\n", pfn, port);
	return 0;

unbind_port:
	unbind();
unmap:
	memunmap(intf);
	intf = NULL;
	return ret;
}

static void xs_disconnect(void)
{
	xevtchn_xs_comms_stop();
	unbind();
	memunmap(intf);
	intf = NULL;
}

/*
 * The domain is new (see the top of the file): the same IRQ, a new port.
 * The requests still under way end with -ESHUTDOWN (the API held the
 * drivers' back, and let those under way finish first). On failure the
 * connection is gone, as if xenstored had never answered at load.
 */
static int xs_reconnect(void)
{
	u64 pfn, param;
	bool reset;
	int ret;

	xevtchn_xs_comms_stop();
	ret = xevtchn_hvm_get_param(HVM_PARAM_STORE_PFN, &pfn);
	if (!ret)
		ret = xevtchn_hvm_get_param(HVM_PARAM_STORE_EVTCHN, &param);
	if (!ret && (!pfn || !param))
		ret = -ENOENT;
	if (!ret && pfn != ring_pfn) {
		memunmap(intf);
		intf = memremap(pfn << PAGE_SHIFT, PAGE_SIZE, MEMREMAP_WB);
		ring_pfn = pfn;
		if (!intf)
			ret = -ENOMEM;
	}
	if (!ret) {
		port = param;
		ret = xevtchn_rebind_evtchn_irq(port, irq);
	}
	if (!ret)
		ret = fresh_start(&reset);
	if (!ret)
		ret = xevtchn_xs_comms_start(intf, port);
	if (!ret) {
		ret = first_requests(reset);
		if (ret)
			xevtchn_xs_comms_stop();
	}
	if (ret) {
		unbind();
		if (intf)
			memunmap(intf);
		intf = NULL;
		return ret;
	}
	pr_info("connected again after the resume: ring at frame %#llx, port %u\n",
		pfn, port);
	return 0;
}

/*
 * Before the suspend: the thread stops notifying the port, whose number
 * means nothing in a new domain (and may be the toolstack's next port),
 * until the resume unparks it or starts it again on the new port.
 */
static void xs_prepare(void)
{
	if (irq)
		xevtchn_xs_comms_park(true);
}

static void xs_resume(enum xevtchn_woke woke)
{
	int ret;

	if (!irq)
		return;
	if (woke == XEVTCHN_WOKE_SAME) {
		xevtchn_xs_comms_park(false);
		return;
	}
	if (woke == XEVTCHN_WOKE_BROKEN) {
		/* No event would reach the thread: its requests would hang. */
		xs_disconnect();
		pr_err("disconnected: the resume failed; the xenstore API fails with -ENODEV from now on\n");
		return;
	}
	ret = xs_reconnect();
	if (!ret)
		return;
	/*
	 * Nobody answers control/shutdown any more: under upcall=vector,
	 * withdraw the announce (HVM_PARAM_CALLBACK_IRQ 0), so that libxl
	 * suspends, shuts down or reboots the domain without asking instead
	 * of waiting for an answer that never comes. Under upcall=intx and
	 * upcall=callback the parameter is the upcall itself, and stays.
	 */
	if (xevtchn_upcall_announce(false))
		pr_warn("could not withdraw HVM_PARAM_CALLBACK_IRQ\n");
	pr_err("cannot connect again after the resume (%d); the xenstore API fails with -ENODEV from now on, and the toolstack's control requests go unanswered\n",
	       ret);
}

static const struct xevtchn_suspend_ops xs_suspend_ops = {
	.prepare = xs_prepare,
	.resume = xs_resume,
};

/**
 * xevtchn_xs_init() - connect to xenstore (xenstore=)
 *
 * With xenstore=auto, a guest without xenstore, or whose xenstored does
 * not answer, loads all the same, and the xenstore API fails with -ENODEV.
 *
 * Context: module load, step 12 (main.c), the binding API ready.
 * Return: 0; -EINVAL for a bad xenstore=; with xenstore=on, why there is
 * no connection.
 */
int xevtchn_xs_init(void)
{
	int choice = match_string(xs_choices, ARRAY_SIZE(xs_choices), xenstore);
	int ret;

	if (choice < 0) {
		pr_err("xenstore=%s is not one of auto, on, off\n", xenstore);
		return -EINVAL;
	}
	if (choice == XS_OFF) {
		pr_info("off (xenstore=off)\n");
		return 0;
	}
	ret = xs_connect();
	if (!ret) {
		xevtchn_suspend_set_ops(XEVTCHN_SUSPEND_XS_CONN, &xs_suspend_ops);
		return 0;
	}
	if (choice == XS_ON) {
		pr_err("cannot connect (%d); refusing to load (xenstore=on)\n",
		       ret);
		return ret;
	}
	if (ret == -ENOENT)
		pr_info("the toolstack gave this guest none; going on without it\n");
	else
		pr_warn("cannot connect (%d); going on without it (its calls fail with -ENODEV)\n",
			ret);
	return 0;
}

/**
 * xevtchn_xs_exit() - disconnect: stop the traffic, unbind the port (which
 *	stays open), unmap the ring
 *
 * Context: module unload, step 12 undone (main.c); the step above is gone.
 */
void xevtchn_xs_exit(void)
{
	xevtchn_suspend_set_ops(XEVTCHN_SUSPEND_XS_CONN, NULL);
	if (irq)
		xs_disconnect();
}
