// SPDX-License-Identifier: GPL-2.0
/*
 * The toolstack's requests, the first user of the xenstore API: "xl
 * shutdown" and "xl reboot" (without -F) write "poweroff" or "reboot" to
 * the guest's control/shutdown and wait up to 60 s for the guest to
 * acknowledge, by writing "" back (libxl__domain_pvcontrol() and
 * pvcontrol_cb(), tools/libs/light/libxl_domain.c of Xen 4.17). As Linux's
 * drivers/xen/manage.c does, this watches the node, and in one
 * transaction reads the request and acknowledges the ones it carries out,
 * then carries them out: the kernel's orderly poweroff or reboot, which
 * runs /sbin/poweroff or /sbin/reboot, as a power button would.
 *
 * It advertises control/feature-poweroff and control/feature-reboot (libxl
 * makes them for the guest to fill in), and, under upcall=vector, makes
 * HVM_PARAM_CALLBACK_IRQ non-zero: libxl sends its requests through
 * control/shutdown only to a guest whose parameter is set, else it says
 * "PV control interface not available" (upcall.c,
 * xevtchn_upcall_announce(), and upcall_vector.c).
 *
 * Suspend ("xl save", "xl migrate"): acknowledged like the others, then
 * carried out by suspend.c from a work item of this file's, not from the
 * watch thread that runs this callback: the resume registers every watch
 * again, and the drivers' resume notifiers may wait for watch callbacks.
 * libxl, once the node is cleared, waits for the domain to shut down
 * with reason suspend (domain_suspend_common_pvcontrol_suspending() and
 * domain_suspend_common_wait_guest(), tools/libs/light/libxl_dom_suspend.c
 * of Xen 4.17). A suspend xevtchn cannot carry out (an MSI is bound:
 * xevtchn_suspend_refusal()) is not acknowledged, only logged: libxl then
 * waits its 60 s, clears the node and gives up ("guest didn't acknowledge
 * suspend, cancelling request"), and the guest runs on untouched.
 * control/feature-suspend is advertised with the others (libxl does not
 * read it; XAPI's xenopsd does), and again after a resume in a new domain.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include <xevtchn/xenstore.h>
#include "internal.h"

#define SHUTDOWN_NODE	"control/shutdown"

static void do_poweroff(void)
{
	orderly_poweroff(false);
}

static void do_reboot(void)
{
	orderly_reboot();
}

static void advertise(bool on);

/* The suspend, in process context of its own (see the top of the file). */
static void suspend_work_fn(struct work_struct *work)
{
	if (!xevtchn_suspend())
		advertise(true);	/* the new domain's nodes */
}

static DECLARE_WORK(suspend_work, suspend_work_fn);

static void do_suspend(void)
{
	queue_work(system_long_wq, &suspend_work);
}

/**
 * struct shutdown_request - a request this guest carries out
 * @cmd: the value the toolstack writes to control/shutdown
 * @feature: the node that advertises it, or NULL
 * @act: what the guest does
 * @refusal: optional: why it cannot be carried out now, or NULL when it
 *	can; a refused request is not acknowledged
 */
struct shutdown_request {
	const char *cmd;
	const char *feature;
	void (*act)(void);
	const char *(*refusal)(void);
};

static const struct shutdown_request requests[] = {
	{ "poweroff",	"control/feature-poweroff",	do_poweroff },
	{ "halt",	NULL,				do_poweroff },
	{ "reboot",	"control/feature-reboot",	do_reboot },
	{ "suspend",	"control/feature-suspend",	do_suspend,
	  xevtchn_suspend_refusal },
};

static bool watching;
static bool refusal_logged;

static const struct shutdown_request *find_request(const char *cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(requests); i++)
		if (!strcmp(cmd, requests[i].cmd))
			return &requests[i];
	return NULL;
}

/*
 * Say what is not done, and that it is not acknowledged: a request that
 * is refused, once per request; an unknown one, each time.
 */
static void ignore_request(const char *cmd, const char *why)
{
	if (why && !refusal_logged)
		pr_warn("the toolstack asks for %s, which cannot be done now: %s; not acknowledged, so the toolstack cancels it\n",
			cmd, why);
	else if (!why)
		pr_info("ignoring the toolstack's request \"%.32s\" (control/shutdown)\n",
			cmd);
	refusal_logged = !!why;
}

/* The watch on control/shutdown fired: read it and act. */
static void shutdown_changed(struct xevtchn_xs_watch *watch, const char *path)
{
	const struct shutdown_request *req;
	struct xevtchn_xs_transaction t;
	const char *why;
	char *cmd;
	int ret;

again:
	ret = xevtchn_xs_transaction_start(&t);
	if (ret) {
		pr_warn("cannot read %s: no transaction (%d)\n", SHUTDOWN_NODE,
			ret);
		return;
	}
	cmd = xevtchn_xs_read(t, SHUTDOWN_NODE, NULL);
	if (IS_ERR(cmd) || !*cmd) {
		/* Gone, or empty: nothing asked (or our own acknowledgment). */
		xevtchn_xs_transaction_end(t, true);
		if (!IS_ERR(cmd)) {
			refusal_logged = false;
			kfree(cmd);
		} else if (PTR_ERR(cmd) != -ENOENT) {
			pr_warn("cannot read %s (%ld)\n", SHUTDOWN_NODE,
				PTR_ERR(cmd));
		}
		return;
	}
	req = find_request(cmd);
	why = req && req->refusal ? req->refusal() : NULL;
	if (why)
		req = NULL;
	/* Only what is carried out is acknowledged. */
	ret = req ? xevtchn_xs_write(t, SHUTDOWN_NODE, "") : 0;
	if (ret) {
		xevtchn_xs_transaction_end(t, true);
	} else {
		ret = xevtchn_xs_transaction_end(t, false);
		if (ret == -EAGAIN) {
			kfree(cmd);
			goto again;
		}
	}
	if (ret)
		pr_warn("cannot %s the toolstack's request \"%.32s\" (%d)\n",
			req ? "acknowledge" : "read", cmd, ret);
	else if (req)
		pr_info("the toolstack asks for %s\n", req->cmd);
	else
		ignore_request(cmd, why);
	if (req && !ret)
		req->act();
	kfree(cmd);
}

static struct xevtchn_xs_watch shutdown_watch = {
	.path = SHUTDOWN_NODE,
	.callback = shutdown_changed,
};

/* Advertise what is carried out ("1"), or stop ("", as libxl made them). */
static void advertise(bool on)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(requests); i++) {
		if (!requests[i].feature)
			continue;
		ret = xevtchn_xs_write(XEVTCHN_XBT_NIL, requests[i].feature,
				       on ? "1" : "");
		if (ret)
			pr_warn("cannot write %s (%d)\n", requests[i].feature,
				ret);
	}
}

/**
 * xevtchn_control_init() - answer the toolstack's control requests
 *
 * Without xenstore, or if the watch cannot be set, the guest loads all the
 * same, and the toolstack's requests go unanswered (xl's -F falls back to
 * ACPI).
 *
 * Context: module load, step 14 (main.c).
 */
void xevtchn_control_init(void)
{
	int ret;

	if (!xevtchn_xs_connected())
		return;
	ret = xevtchn_xs_watch(&shutdown_watch);
	if (ret) {
		pr_warn("cannot watch %s (%d); the toolstack's poweroff and reboot requests go unanswered\n",
			SHUTDOWN_NODE, ret);
		return;
	}
	advertise(true);
	ret = xevtchn_upcall_announce(true);
	if (ret)
		pr_warn("Xen refused HVM_PARAM_CALLBACK_IRQ (%d): libxl will not send this guest its requests\n",
			ret);
	watching = true;
}

/**
 * xevtchn_control_exit() - stop answering
 *
 * Context: module unload, step 14 undone (main.c).
 */
void xevtchn_control_exit(void)
{
	if (!watching)
		return;
	xevtchn_upcall_announce(false);
	xevtchn_xs_unwatch(&shutdown_watch);
	cancel_work_sync(&suspend_work);	/* none is queued from now on */
	advertise(false);
	watching = false;
}
