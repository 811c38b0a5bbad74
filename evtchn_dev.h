/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/xen/evtchn, shared by its two files and nothing else: evtchn_dev.c
 * (open and release, the binds and unbinds, write() and the ioctls) and
 * evtchn_dev_ring.c (the ring of fired ports: the handler that fills it,
 * read() and poll() that empty it, the room it keeps). The lock order is
 * at the top of evtchn_dev.c.
 */
#ifndef _XEVTCHN_EVTCHN_DEV_H
#define _XEVTCHN_EVTCHN_DEV_H

#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>

/* Say in the log why the calling process is refused, then evaluate to @err. */
#define dev_refuse(err, fmt, ...)					\
	({								\
		pr_warn_ratelimited("/dev/xen/evtchn: %s[%d]: " fmt "\n", \
				    current->comm, task_pid_nr(current), \
				    ##__VA_ARGS__);			\
		(err);							\
	})

/**
 * struct evtchn_dev - one opener of /dev/xen/evtchn
 * @bind_mutex: serializes the ioctls, write() and release(); guards @ports,
 *	@nr_ports and @restrict_domid
 * @ports: the opener's ports, by number (struct evtchn_dev_port)
 * @nr_ports: how many; the ring has at least as many slots
 * @ring: fired ports, @ring_size of them (a power of two), indexed by the
 *	free-running @ring_cons and @ring_prod
 * @ring_size: the ring's slots
 * @ring_cons: the next entry read() returns; moves under @cons_mutex,
 *	with release (read()) and acquire (the handler) ordering
 * @ring_prod: where the next entry goes; moves under @ring_lock
 * @ring_overflow: an event found the ring full and was lost; until
 *	IOCTL_EVTCHN_RESET, read() fails with -EFBIG
 * @ring_stale: entries that unbinds left in the ring (ports no longer
 *	bound), at most: the ring keeps room for them
 *	(xevtchn_evtchn_ring_reserve()).
 *	Counted by UNBIND, under @bind_mutex and @cons_mutex; back to 0 once
 *	read() passes @ring_stale_end (every one was read), and at
 *	IOCTL_EVTCHN_RESET
 * @ring_stale_end: every entry counted in @ring_stale lies before this
 *	index (@ring_prod at the last unbind that counted one)
 * @cons_mutex: read(), and whatever moves or replaces the ring's entries
 * @ring_lock: the handler's side of the ring; irq-safe
 * @wait: read() and poll() wait here for an entry
 * @async: SIGIO, for fasync
 * @name: "evtchn:<comm>", the IRQs' name in /proc/interrupts
 * @restrict_domid: the one domain this file may connect to
 *	(IOCTL_EVTCHN_RESTRICT_DOMID), or NO_RESTRICTION (evtchn_dev.c)
 * @leaked: a port could not be unbound (a bug): its handler may still run,
 *	so release() leaves this structure allocated
 */
struct evtchn_dev {
	struct mutex bind_mutex;	/* see above */
	struct xarray ports;
	unsigned int nr_ports;
	evtchn_port_t *ring;
	unsigned int ring_size;
	unsigned int ring_cons;
	unsigned int ring_prod;
	bool ring_overflow;
	unsigned int ring_stale;
	unsigned int ring_stale_end;
	struct mutex cons_mutex;	/* see above */
	spinlock_t ring_lock;		/* see above */
	wait_queue_head_t wait;
	struct fasync_struct *async;
	char *name;
	domid_t restrict_domid;
	bool leaked;
};

/**
 * struct evtchn_dev_port - a port bound through /dev/xen/evtchn
 * @user: its opener
 * @port: the port
 * @irq: its Linux IRQ
 * @enabled: its handler may run; cleared by the handler, set again by a
 *	write() of the port; under @user->ring_lock
 * @late_eoi: bound with late EOI (all but per-vCPU VIRQs); see
 *	evtchn_dev_bind() (evtchn_dev.c)
 */
struct evtchn_dev_port {
	struct evtchn_dev *user;
	evtchn_port_t port;
	int irq;
	bool enabled;
	bool late_eoi;
};

/* evtchn_dev_ring.c */
irqreturn_t xevtchn_evtchn_dev_interrupt(int irq, void *data);
int xevtchn_evtchn_ring_reserve(struct evtchn_dev *u);
void xevtchn_evtchn_ring_unbound(struct evtchn_dev *u, evtchn_port_t port);
void xevtchn_evtchn_ring_reset(struct evtchn_dev *u);
ssize_t xevtchn_evtchn_dev_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos);
__poll_t xevtchn_evtchn_dev_poll(struct file *file, poll_table *wait);

#endif /* _XEVTCHN_EVTCHN_DEV_H */
