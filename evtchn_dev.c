// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xen/evtchn: event channels for user space, with the ioctl ABI of
 * Linux's <xen/evtchn.h> (include/uapi/xen/evtchn.h), so that libxenevtchn
 * (tools/libs/evtchn/linux.c of Xen) works unchanged over xevtchn. Modelled
 * on Linux's drivers/xen/evtchn.c; each port is bound through xevtchn's own
 * API (bind.c), so it is an ordinary xevtchn IRQ, named "evtchn:<comm>" in
 * /proc/interrupts.
 *
 * Each opener (struct evtchn_dev, evtchn_dev.h) has its own ports and ring
 * of fired ports. A port's handler queues the port and keeps it quiet until
 * user space writes its number: read() returns fired ports (blocking, or
 * -EAGAIN under O_NONBLOCK; poll() says EPOLLIN), write() re-enables them.
 * The ring, its handler, read() and poll() are in evtchn_dev_ring.c; this
 * file has the rest: open and release, the binds and unbinds, write() and
 * the ioctls.
 *
 * An opener reaches only its own ports: unbind, notify and write look the
 * port up in its own table; unbind and notify refuse any other (-ENOTCONN),
 * write skips it, and one out of range (as mainline: see
 * evtchn_dev_write()). Unbinding leaves the port's waiting entry in the
 * ring, as mainline does: read() returns it as a stray event, and the ring
 * keeps room for it (evtchn_dev_ring.c). Closing the file unbinds every
 * port; the module stays while the device is open (the file holds a
 * reference on it). Every refusal says why in the kernel log, ratelimited;
 * how this differs from mainline is in Documentation/events.md.
 *
 * Lock order, per opener: bind_mutex (ioctls, write(), release()), then
 * xevtchn's own locks in the bind API; bind_mutex, then cons_mutex (read(),
 * and whatever moves the ring's entries), then ring_lock (the handler). A
 * bind may wait for xevtchn's deferred closes under bind_mutex: they take
 * none of the opener's locks.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <xen/interface/xen.h>
#include <xen/evtchn.h>

#include <xevtchn/events.h>
#include "internal.h"
#include "evtchn_dev.h"

#define NO_RESTRICTION	((domid_t)-1)

/* What an ioctl asks to bind. */
struct bind_request {
	enum { BIND_VIRQ, BIND_INTERDOMAIN, BIND_UNBOUND, BIND_STATIC } kind;
	unsigned int virq;
	domid_t domid;
	evtchn_port_t port;	/* remote (interdomain) or local (static) */
};

/*
 * VIRQs that Xen delivers per vCPU, which xevtchn binds only per-CPU (Xen's
 * virq_is_global(), xen/common/event_channel.c, RELEASE-4.17.7); any other
 * is global.
 */
static bool virq_is_per_vcpu(unsigned int virq)
{
	return virq == VIRQ_TIMER || virq == VIRQ_DEBUG ||
	       virq == VIRQ_XENOPROF || virq == VIRQ_XENPMU;
}

/* The CPU of vCPU 0, where VIRQs are bound, as mainline's device does. */
static unsigned int vcpu0_cpu(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (xevtchn_vcpu_id(cpu) == 0)
			return cpu;
	return 0;
}

/*
 * A port waiting for user space stays masked, as in mainline since XSA-332:
 * bound with late EOI, its port is masked from the event on until write()
 * ends the EOI (xevtchn_irq_lateeoi()); an event that comes meanwhile
 * stays pending in Xen and is delivered then. A per-vCPU VIRQ has no late
 * EOI (its per-CPU flow has none, and it comes from Xen, not from a peer):
 * its handler disables the IRQ "unlazily", so the port is masked at once,
 * and write() enables it, as mainline's evtchn.c did before XSA-332.
 *
 * Bind what @req asks, without a handler yet (bind_to_user() requests it
 * once the binding is set up): the IRQ, or a negative errno. VIRQs are
 * bound on vCPU 0, as mainline's device does; a per-vCPU VIRQ per-CPU.
 */
static int evtchn_dev_bind(const struct bind_request *req, bool late_eoi)
{
	switch (req->kind) {
	case BIND_VIRQ:
		return xevtchn_bind_virq(req->virq, vcpu0_cpu(), !late_eoi,
					 late_eoi);
	case BIND_INTERDOMAIN:
		return xevtchn_bind_interdomain(req->domid, req->port, true);
	default:	/* a port open already: just allocated, or static */
		return xevtchn_bind_evtchn(req->port, true);
	}
}

static void evtchn_dev_reenable(struct evtchn_dev_port *dp)
{
	if (dp->late_eoi)
		xevtchn_irq_lateeoi(dp->irq, 0);
	else
		enable_irq(dp->irq);
}

/*
 * The opener's binding of @port, for a call (@what) that names it; NULL,
 * with *@err set and the reason logged, for a port out of range or not
 * bound through this file.
 */
static struct evtchn_dev_port *find_port(struct evtchn_dev *u,
					 evtchn_port_t port, const char *what,
					 int *err)
{
	struct evtchn_dev_port *dp;

	lockdep_assert_held(&u->bind_mutex);
	if (port >= xevtchn_nr_channels()) {
		*err = dev_refuse(-EINVAL, "%s: port %u is out of range (0..%u)",
				  what, port, xevtchn_nr_channels() - 1);
		return NULL;
	}
	dp = xa_load(&u->ports, port);
	if (!dp)
		*err = dev_refuse(-ENOTCONN, "%s: port %u is not bound through this file",
				  what, port);
	return dp;
}

static ssize_t evtchn_dev_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct evtchn_dev *u = file->private_data;
	struct evtchn_dev_port *dp;
	evtchn_port_t *ports;
	bool reenable;
	size_t i, n;
	int err;

	if (!count)
		return 0;
	if (count < sizeof(evtchn_port_t))
		return dev_refuse(-EINVAL, "write of %zu bytes: a port is %zu",
				  count, sizeof(evtchn_port_t));
	n = min_t(size_t, count, PAGE_SIZE) / sizeof(evtchn_port_t);
	ports = memdup_user(buf, n * sizeof(evtchn_port_t));
	if (IS_ERR(ports))
		return dev_refuse(PTR_ERR(ports), "write: bad buffer");
	mutex_lock(&u->bind_mutex);
	for (i = 0; i < n; i++) {
		/*
		 * Not this file's port, or out of range: skipped (and logged),
		 * as mainline does, so that an unmask racing the unbind in
		 * another thread of the same program does not fail, and a
		 * program that exits when an unmask fails (xenstored) goes on.
		 */
		dp = find_port(u, ports[i], "write", &err);
		if (!dp)
			continue;
		spin_lock_irq(&u->ring_lock);
		reenable = !dp->enabled;
		dp->enabled = true;
		spin_unlock_irq(&u->ring_lock);
		/* Its handler cannot run until this: no one else enables it. */
		if (reenable)
			evtchn_dev_reenable(dp);
	}
	mutex_unlock(&u->bind_mutex);
	kfree(ports);
	return n * sizeof(evtchn_port_t);
}

/*
 * Unbind @dp's IRQ: its handler, if it has one, is gone when the unbind
 * returns (free_irq() waits for it). On failure (it cannot fail: only this
 * file has the handler's dev_id) the handler may still run with @dp: the
 * opener is leaked, @dp with it.
 */
static int unbind_irq(struct evtchn_dev *u, struct evtchn_dev_port *dp)
{
	int ret;

	lockdep_assert_held(&u->bind_mutex);
	ret = xevtchn_unbind_from_irqhandler(dp->irq, dp);
	if (ret) {
		pr_err("/dev/xen/evtchn: cannot unbind port %u (IRQ %d): %d; leaking its opener\n",
		       dp->port, dp->irq, ret);
		u->leaked = true;
	}
	return ret;
}

/*
 * Unbind @dp (unbind_irq()) and free it. @count_stale: count the entries
 * it leaves in the ring (evtchn_dev_ring.c), which release() does not need.
 * If the unbind fails, @dp stays, listed and counted (its port is still
 * bound, and has its slot in the ring).
 */
static int unbind_port(struct evtchn_dev *u, struct evtchn_dev_port *dp,
		       bool count_stale)
{
	int ret;

	ret = unbind_irq(u, dp);
	if (ret)
		return ret;
	xa_erase(&u->ports, dp->port);
	u->nr_ports--;
	if (count_stale)
		xevtchn_evtchn_ring_unbound(u, dp->port);
	kfree(dp);
	return 0;
}

/*
 * Wait for xevtchn's deferred closes (close.c), if any is pending: true
 * when the caller should ask Xen again. Under the opener's bind_mutex,
 * which no close takes (they take xevtchn_bind_mutex, not held here).
 */
static bool wait_for_closes(void)
{
	if (!xevtchn_closes_pending())
		return false;
	xevtchn_drain_closes();
	return true;
}

/*
 * Bind what @req says for opener @u: the port, or a negative errno.
 *
 * The binding is set up before its handler is requested, so that neither
 * an event nor an error path meets it half done: a static port is marked
 * to stay open first (any unbind below must leave it open in Xen), @dp is
 * complete and listed, and a per-vCPU VIRQ has IRQ_DISABLE_UNLAZY (its
 * handler's disable must mask the port at once). A failed request unbinds
 * the port itself (xevtchn_request_handler()): xevtchn closes it a grace
 * period later, or leaves it open if static.
 */
static long bind_to_user(struct evtchn_dev *u, struct bind_request *req)
{
	struct evtchn_dev_port *dp;
	int irq, ret;

	lockdep_assert_held(&u->bind_mutex);
	/* A slot for each bound port, before the handler may run. */
	ret = xevtchn_evtchn_ring_reserve(u);
	if (ret)
		return ret;
	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return -ENOMEM;
	dp->user = u;
	dp->enabled = true;
	dp->late_eoi = !(req->kind == BIND_VIRQ && virq_is_per_vcpu(req->virq));
	if (req->kind == BIND_UNBOUND) {
		ret = xevtchn_alloc_unbound(req->domid, &req->port);
		/* Closing ports count against Xen's limit, as in bind.c. */
		if (ret == -ENOSPC && wait_for_closes())
			ret = xevtchn_alloc_unbound(req->domid, &req->port);
		if (ret)
			goto free;
	}
	/* One unbound a moment ago is closing; if static, it stays open. */
	if (req->kind == BIND_STATIC && xevtchn_port_closing(req->port))
		wait_for_closes();
	irq = evtchn_dev_bind(req, dp->late_eoi);
	if (irq < 0) {
		ret = irq;
		/* The bind left the port as it was: ours to close. */
		if (req->kind == BIND_UNBOUND)
			xevtchn_close_port(req->port);
		goto free;
	}
	dp->irq = irq;
	dp->port = xevtchn_evtchn_from_irq(irq);
	/* A static port stays open for the guest's life (mainline's is_static). */
	if (req->kind == BIND_STATIC) {
		ret = xevtchn_evtchn_keep_open(dp->port);
		if (ret)	/* -ENOENT: someone else unbound the IRQ already */
			goto free;
	}
	ret = xa_insert(&u->ports, dp->port, dp, GFP_KERNEL);
	if (ret) {
		/* As for UNBIND: on failure @dp stays, and the opener leaks. */
		if (!unbind_irq(u, dp))
			kfree(dp);
		return ret;
	}
	u->nr_ports++;
	if (!dp->late_eoi)
		irq_set_status_flags(irq, IRQ_DISABLE_UNLAZY);
	ret = xevtchn_request_handler(irq, xevtchn_evtchn_dev_interrupt,
				      dp->late_eoi ? 0 : IRQF_PERCPU, u->name,
				      dp);
	if (ret >= 0)
		return dp->port;
	/* The binding is gone, its close (if any) queued; the handler never ran. */
	xa_erase(&u->ports, dp->port);
	u->nr_ports--;
free:
	kfree(dp);
	return ret;
}

/* The ioctls of <xen/evtchn.h>, by name for the log. */
static const struct {
	unsigned int cmd;
	const char *name;
} ioctls[] = {
	{ IOCTL_EVTCHN_BIND_VIRQ,		"BIND_VIRQ" },
	{ IOCTL_EVTCHN_BIND_INTERDOMAIN,	"BIND_INTERDOMAIN" },
	{ IOCTL_EVTCHN_BIND_UNBOUND_PORT,	"BIND_UNBOUND_PORT" },
	{ IOCTL_EVTCHN_UNBIND,			"UNBIND" },
	{ IOCTL_EVTCHN_NOTIFY,			"NOTIFY" },
	{ IOCTL_EVTCHN_RESET,			"RESET" },
	{ IOCTL_EVTCHN_RESTRICT_DOMID,		"RESTRICT_DOMID" },
	{ IOCTL_EVTCHN_BIND_STATIC,		"BIND_STATIC" },
};

static long evtchn_dev_ioctl_locked(struct evtchn_dev *u, unsigned int cmd,
				    void __user *uarg)
{
	union {
		struct ioctl_evtchn_bind_virq virq;
		struct ioctl_evtchn_bind_interdomain interdomain;
		struct ioctl_evtchn_bind_unbound_port unbound;
		struct ioctl_evtchn_unbind unbind;
		struct ioctl_evtchn_notify notify;
		struct ioctl_evtchn_restrict_domid domid;
		struct ioctl_evtchn_bind bind;
	} arg;
	bool restricted = u->restrict_domid != NO_RESTRICTION;
	struct bind_request req = {};
	struct evtchn_dev_port *dp;
	const char *what = NULL;
	unsigned int i, domid = 0;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(ioctls); i++)
		if (ioctls[i].cmd == cmd)
			what = ioctls[i].name;
	if (!what)	/* a known one with another size is unknown too */
		return dev_refuse(-ENOTTY, "unknown ioctl 0x%08x (type 0x%02x, nr %u, %u bytes)",
				  cmd, _IOC_TYPE(cmd), _IOC_NR(cmd), _IOC_SIZE(cmd));
	if (copy_from_user(&arg, uarg, _IOC_SIZE(cmd)))
		return dev_refuse(-EFAULT, "%s: bad argument pointer", what);

	switch (cmd) {
	case IOCTL_EVTCHN_BIND_VIRQ:
		req.kind = BIND_VIRQ;
		req.virq = arg.virq.virq;
		break;
	case IOCTL_EVTCHN_BIND_INTERDOMAIN:
		req.kind = BIND_INTERDOMAIN;
		domid = arg.interdomain.remote_domain;
		req.port = arg.interdomain.remote_port;
		restricted = restricted && domid != u->restrict_domid;
		break;
	case IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		req.kind = BIND_UNBOUND;
		domid = arg.unbound.remote_domain;
		break;
	case IOCTL_EVTCHN_BIND_STATIC:
		req.kind = BIND_STATIC;
		req.port = arg.bind.port;
		if (req.port >= xevtchn_nr_channels())
			return dev_refuse(-EINVAL, "%s: port %u is out of range",
					  what, req.port);
		if (xa_load(&u->ports, req.port))
			return dev_refuse(-EISCONN, "%s: port %u is bound here already",
					  what, req.port);
		break;
	case IOCTL_EVTCHN_UNBIND:
		dp = find_port(u, arg.unbind.port, what, &ret);
		if (dp)
			ret = unbind_port(u, dp, true);
		return ret;
	case IOCTL_EVTCHN_NOTIFY:
		dp = find_port(u, arg.notify.port, what, &ret);
		/*
		 * By the IRQ, not the number: after a resume in a new domain
		 * the number is only this file's name for the binding, and
		 * may be another port's in Xen (-ENOTCONN for an interdomain
		 * one, whose port is gone; events.md, "/dev/xen/evtchn").
		 */
		if (dp)
			ret = xevtchn_notify_remote_via_irq(dp->irq);
		if (dp && ret)
			ret = dev_refuse(ret, "%s: Xen refused to send on port %u (%d)",
					 what, dp->port, ret);
		return ret;
	case IOCTL_EVTCHN_RESET:
		xevtchn_evtchn_ring_reset(u);
		return 0;
	case IOCTL_EVTCHN_RESTRICT_DOMID:
		if (restricted)
			break;
		if (arg.domid.domid == 0 || arg.domid.domid >= DOMID_FIRST_RESERVED)
			return dev_refuse(-EINVAL, "%s: domain %u: only 1..%u",
					  what, arg.domid.domid, DOMID_FIRST_RESERVED - 1);
		u->restrict_domid = arg.domid.domid;
		return 0;
	}
	/* The binds, and RESTRICT_DOMID once restricted. */
	if (restricted)
		return dev_refuse(-EACCES, "%s: this file is restricted to domain %u",
				  what, u->restrict_domid);
	/* Its handler would sleep in hard IRQ context (evtchn_dev_ring.c). */
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && cmd == IOCTL_EVTCHN_BIND_VIRQ &&
	    virq_is_per_vcpu(req.virq))
		return dev_refuse(-EOPNOTSUPP, "%s: per-vCPU VIRQ %u: not under PREEMPT_RT",
				  what, req.virq);
	if (req.kind == BIND_INTERDOMAIN || req.kind == BIND_UNBOUND) {
		if (domid > U16_MAX)
			return dev_refuse(-EINVAL, "%s: domain %u is out of range",
					  what, domid);
		req.domid = domid;
	}
	return bind_to_user(u, &req);
}

static long evtchn_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct evtchn_dev *u = file->private_data;
	long ret;

	mutex_lock(&u->bind_mutex);
	ret = evtchn_dev_ioctl_locked(u, cmd, (void __user *)arg);
	mutex_unlock(&u->bind_mutex);
	return ret;
}

static int evtchn_dev_fasync(int fd, struct file *file, int on)
{
	struct evtchn_dev *u = file->private_data;

	return fasync_helper(fd, file, on, &u->async);
}

static int evtchn_dev_open(struct inode *inode, struct file *file)
{
	struct evtchn_dev *u;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	u->name = kasprintf(GFP_KERNEL, "evtchn:%s", current->comm);
	if (!u->name) {
		kfree(u);
		return -ENOMEM;
	}
	mutex_init(&u->bind_mutex);
	mutex_init(&u->cons_mutex);
	spin_lock_init(&u->ring_lock);
	xa_init(&u->ports);
	init_waitqueue_head(&u->wait);
	u->restrict_domid = NO_RESTRICTION;
	file->private_data = u;
	return stream_open(inode, file);
}

/* The last close: unbind every port (Xen closes them a grace period on). */
static int evtchn_dev_release(struct inode *inode, struct file *file)
{
	struct evtchn_dev *u = file->private_data;
	struct evtchn_dev_port *dp;
	unsigned long port;

	mutex_lock(&u->bind_mutex);
	xa_for_each(&u->ports, port, dp)
		unbind_port(u, dp, false);
	mutex_unlock(&u->bind_mutex);
	if (u->leaked)
		return 0;
	xa_destroy(&u->ports);
	kvfree(u->ring);
	kfree(u->name);
	kfree(u);
	return 0;
}

static const struct file_operations evtchn_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= evtchn_dev_open,
	.release	= evtchn_dev_release,
	.read		= xevtchn_evtchn_dev_read,
	.write		= evtchn_dev_write,
	.poll		= xevtchn_evtchn_dev_poll,
	.fasync		= evtchn_dev_fasync,
	.unlocked_ioctl	= evtchn_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,	/* the same layout in 32 bits */
};

static struct miscdevice evtchn_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "xen/evtchn",
	.fops	= &evtchn_dev_fops,
};

/**
 * xevtchn_evtchn_dev_init() - create /dev/xen/evtchn
 *
 * Context: module load, step 15 (main.c): the bind API is up.
 * Return: 0, or misc_register()'s error, with a message.
 */
int xevtchn_evtchn_dev_init(void)
{
	int ret = misc_register(&evtchn_miscdev);

	if (ret)
		pr_err("cannot register /dev/xen/evtchn (%d)\n", ret);
	return ret;
}

/**
 * xevtchn_evtchn_dev_exit() - remove /dev/xen/evtchn
 *
 * No file is open: each holds a reference on the module.
 *
 * Context: module unload, step 15 undone (main.c).
 */
void xevtchn_evtchn_dev_exit(void)
{
	misc_deregister(&evtchn_miscdev);
}
