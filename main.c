// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn: Xen event channels as Linux IRQs in an HVM guest, as a module.
 *
 * Module load and unload. The guest must run with the kernel's own Xen
 * support off ("nopv" on the kernel command line). Bring-up, in order; each
 * step uses only the ones before it, and unload undoes them in reverse:
 *
 *   1. the test build's switches, test_flow= (testing.c; empty otherwise)
 *   2. find Xen: CPUID, version, features (hypervisor.c)
 *   3. the upcall's kind (upcall=, upcall.c; under upcall=callback,
 *      callback.c checks that IRQ 2's vector is free), the clock of its
 *      budget (budget_clock.c) and shared_info (shared_info.c)
 *   4. the event channel ABI (fifo=: events_2l.c or events_fifo.c) for the
 *      port table (events.c), and the workqueue of the deferred closes
 *      (close.c)
 *   5. every CPU's part: its vCPU, its part of the ABI, its upcall vector
 *      (upcall_vector.c) or IRQ (callback.c); and each CPU's as it comes
 *      and goes (cpu.c)
 *   6. under upcall=intx, the platform device's line (upcall_intx.c);
 *      under upcall=callback, IRQ 2 and Xen's callback vector (callback.c)
 *   7. let the API's calls in (events.c; bind.c, close.c and port_ops.c
 *      are the API)
 *   8. one event through the upcall, before any driver relies on it
 *   9. PIRQs: may Xen deliver GSIs and MSIs as events here? (pirq.c)
 *  10. the MSI domain of the attach= devices (msi.c)
 *  11. debugfs (debugfs.c)
 *  12. the xenstore connection (xenstore=): the ring, its port bound
 *      through the API of step 7 (xenstore.c), the thread that talks to
 *      xenstored (xenstore_comms.c)
 *  13. the xenstore API drivers call, and its watches (xenstore_api.c)
 *  14. the toolstack's control requests: poweroff, reboot, suspend
 *      (control.c)
 *  15. /dev/xen/evtchn, event channels for user space through the API of
 *      step 7 (evtchn_dev.c); no file of it is open at unload, since each
 *      holds a reference on the module
 *
 * irq_chips.c (the chips, flows and masking of every port) has no step:
 * nothing in it needs setting up. Documentation/events.md draws the path of
 * one event through these files.
 *
 * Neither do suspend.c and resume.c: the suspend and resume that "xl
 * save", "xl restore" and "xl migrate" ask for. resume.c sits with the
 * API of step 7 (its bind gate, each binding set up again in a new
 * domain, xevtchn_rebind_evtchn_irq()); suspend.c above step 11 and below
 * step 12: control.c (step 14) calls it, and steps 12 and 13 give it their
 * hooks (struct xevtchn_suspend_ops) for reconnecting xenstore and
 * registering the watches again. It calls down into upcall.c and the ABI
 * (steps 3 to 5) from its stop_machine() callback, and drivers hear of a
 * resume through its notifier (Documentation/events.md, "Save, restore
 * and migration").
 *
 * Unload first tells the xenstore connection that it has begun (its
 * requests then wait 5 s at most, so that a xenstored that stopped
 * answering cannot hold the unload up), then undoes the steps.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include <xevtchn/events.h>
#include "internal.h"

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
 * reaches us, before any driver relies on it. -EIO when none arrived.
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
	xevtchn_drain_closes();	/* nothing of ours is left when load returns */
	return ret;
}

static int __init xevtchn_init(void)
{
	int ret;

	ret = xevtchn_testing_init();
	if (ret)
		return ret;
	ret = xevtchn_hypervisor_init();
	if (ret)
		return ret;
	ret = xevtchn_upcall_init();
	if (ret)
		return ret;
	ret = xevtchn_events_init();
	if (ret)
		goto err_upcall;
	ret = xevtchn_close_init();
	if (ret)
		goto err_events;
	ret = xevtchn_cpus_init();
	if (ret)
		goto err_close;
	ret = xevtchn_upcall_start();
	if (ret)
		goto err_cpus;
	xevtchn_events_start();
	ret = check_delivery();
	if (ret)
		goto err_start;
	xevtchn_pirq_init();
	ret = xevtchn_msi_init();
	if (ret)
		goto err_start;
	xevtchn_debugfs_init();
	ret = xevtchn_xs_init();
	if (ret)
		goto err_debugfs;
	ret = xevtchn_xs_api_init();
	if (ret)
		goto err_xs;
	xevtchn_control_init();
	ret = xevtchn_evtchn_dev_init();
	if (ret)
		goto err_control;
	pr_info("ready\n");
	return 0;

err_control:
	xevtchn_control_exit();
	xevtchn_xs_api_exit();
err_xs:
	xevtchn_xs_exit();
err_debugfs:
	xevtchn_debugfs_exit();
	xevtchn_msi_exit();
err_start:
	xevtchn_unbind_all();
	xevtchn_upcall_stop();
err_cpus:
	xevtchn_cpus_exit();
err_close:
	xevtchn_close_exit();
err_events:
	xevtchn_events_exit();
err_upcall:
	xevtchn_upcall_exit();
	return ret;
}

static void __exit xevtchn_exit(void)
{
	xevtchn_xs_unloading();
	xevtchn_evtchn_dev_exit();
	xevtchn_control_exit();
	xevtchn_xs_api_exit();
	xevtchn_xs_exit();
	xevtchn_debugfs_exit();
	xevtchn_msi_exit();
	xevtchn_unbind_all();
	xevtchn_upcall_stop();
	xevtchn_cpus_exit();
	xevtchn_close_exit();
	xevtchn_events_exit();
	xevtchn_upcall_exit();
	pr_info("unloaded\n");
}

module_init(xevtchn_init);
module_exit(xevtchn_exit);

MODULE_DESCRIPTION("Xen event channels as Linux IRQs in an HVM guest");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.3.0");
