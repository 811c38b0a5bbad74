// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/xen/evtchn's ring of fired ports (evtchn_dev.c is the rest of the
 * device): each opener's ports queue themselves here from their handler,
 * read() returns them and poll() says whether one waits.
 *
 * The ring is indexed by free-running counters: the handler moves
 * ring_prod under ring_lock, read() moves ring_cons under cons_mutex. It
 * keeps a slot for each bound port and for each entry an unbind left
 * (xevtchn_evtchn_ring_reserve()), so an event finds it full only when
 * user space re-enabled a port before reading its entry; that event is
 * lost, and, as in mainline, read() fails with -EFBIG and poll() says
 * EPOLLERR until IOCTL_EVTCHN_RESET (xevtchn_evtchn_ring_reset()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <xevtchn/events.h>
#include "internal.h"
#include "evtchn_dev.h"

#define FIRST_RING_SIZE	64

static evtchn_port_t *ring_entry(struct evtchn_dev *u, unsigned int idx)
{
	return &u->ring[idx & (u->ring_size - 1)];
}

/*
 * An event on one of the opener's ports: keep the port quiet until user
 * space re-enables it, and queue it. @dp is complete before its handler
 * is requested (bind_to_user(), evtchn_dev.c).
 *
 * A per-vCPU VIRQ's handler runs in hard IRQ context even where genirq
 * threads handlers (IRQF_PERCPU is never force-threaded). PREEMPT_RT
 * kernels are therefore not supported by the device: there ring_lock, the
 * wait queue's lock (wake_up_interruptible()) and kill_fasync()'s rwlock
 * all sleep, so making ring_lock a raw_spinlock_t would not be enough.
 * Per-vCPU VIRQs are refused there (evtchn_dev_ioctl_locked(), in
 * evtchn_dev.c); the rest, with threaded handlers, is untested there.
 */
irqreturn_t xevtchn_evtchn_dev_interrupt(int irq, void *data)
{
	struct evtchn_dev_port *dp = data;
	struct evtchn_dev *u = dp->user;
	evtchn_port_t port = dp->port;
	unsigned int prod, cons;

	/* Quiet until write() re-enables it (evtchn_dev_reenable()). */
	if (!dp->late_eoi)
		disable_irq_nosync(irq);
	spin_lock(&u->ring_lock);
	dp->enabled = false;
	prod = u->ring_prod;
	/* Pairs with read()'s release: its copy of a slot is done. */
	cons = smp_load_acquire(&u->ring_cons);
	if (prod - cons < u->ring_size) {
		*ring_entry(u, prod) = port;
		smp_wmb();	/* the entry before the index; see read() */
		WRITE_ONCE(u->ring_prod, prod + 1);
		if (prod == cons) {
			wake_up_interruptible(&u->wait);
			kill_fasync(&u->async, SIGIO, POLL_IN);
		}
	} else if (!u->ring_overflow) {
		WRITE_ONCE(u->ring_overflow, true);
		wake_up_interruptible(&u->wait);
	}
	spin_unlock(&u->ring_lock);
	return IRQ_HANDLED;
}

/*
 * Make room before a bind: a slot for each bound port, the new one
 * included, and one for each entry an unbind left (@ring_stale; stale
 * entries are counted up to the ABI's number of ports, so the ring never
 * grows beyond twice that). A bound port has one entry at most unless user
 * space re-enables it before reading it: so, short of that, no event finds
 * the ring full, whatever the unbinds left. The ring grows to a power of
 * two; copying the old ring into each part of the new one keeps every
 * free-running index pointing at its entry (idx & (kn - 1) is idx & (n - 1)
 * plus a multiple of n).
 */
int xevtchn_evtchn_ring_reserve(struct evtchn_dev *u)
{
	unsigned int need, size, i;
	evtchn_port_t *ring, *old;

	lockdep_assert_held(&u->bind_mutex);
	/* @ring_stale only drops meanwhile (read()): a stale value is safe. */
	need = u->nr_ports + 1 +
	       min(READ_ONCE(u->ring_stale), xevtchn_nr_channels());
	if (need <= u->ring_size)
		return 0;
	size = max_t(unsigned int, roundup_pow_of_two(need), FIRST_RING_SIZE);
	ring = kvmalloc_array(size, sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	mutex_lock(&u->cons_mutex);
	spin_lock_irq(&u->ring_lock);
	old = u->ring;
	for (i = 0; old && i < size; i += u->ring_size)
		memcpy(ring + i, old, u->ring_size * sizeof(*ring));
	u->ring = ring;
	u->ring_size = size;
	spin_unlock_irq(&u->ring_lock);
	mutex_unlock(&u->cons_mutex);
	kvfree(old);
	return 0;
}

/*
 * @port was unbound, its handler gone: its waiting entries stay, as in
 * mainline, to be read as a stray event (Xen's protocols tolerate those;
 * write() skips the port, and until xevtchn closes it no one else can have
 * the number). Count them, so that the ring keeps room for them.
 */
void xevtchn_evtchn_ring_unbound(struct evtchn_dev *u, evtchn_port_t port)
{
	unsigned int idx, prod, stale = 0;

	lockdep_assert_held(&u->bind_mutex);
	mutex_lock(&u->cons_mutex);
	spin_lock_irq(&u->ring_lock);
	prod = u->ring_prod;	/* any later entry is another port's */
	spin_unlock_irq(&u->ring_lock);
	for (idx = u->ring_cons; idx != prod; idx++)
		if (*ring_entry(u, idx) == port)
			stale++;
	if (stale) {
		WRITE_ONCE(u->ring_stale, u->ring_stale + stale);
		u->ring_stale_end = prod;
	}
	mutex_unlock(&u->cons_mutex);
}

ssize_t xevtchn_evtchn_dev_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct evtchn_dev *u = file->private_data;
	unsigned int cons, prod, n, first;
	ssize_t ret;

	if (!count)
		return 0;
	if (count < sizeof(evtchn_port_t))
		return dev_refuse(-EINVAL, "read of %zu bytes: a port is %zu",
				  count, sizeof(evtchn_port_t));
	count = min_t(size_t, count, PAGE_SIZE) / sizeof(evtchn_port_t);
	for (;;) {
		mutex_lock(&u->cons_mutex);
		if (READ_ONCE(u->ring_overflow)) {
			ret = dev_refuse(-EFBIG, "the ring was full: events lost (reset it)");
			goto out;
		}
		cons = u->ring_cons;
		prod = READ_ONCE(u->ring_prod);
		if (cons != prod)
			break;
		mutex_unlock(&u->cons_mutex);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(u->wait,
					       READ_ONCE(u->ring_cons) !=
					       READ_ONCE(u->ring_prod) ||
					       READ_ONCE(u->ring_overflow));
		if (ret)
			return ret;
	}
	smp_rmb();	/* the index before the entries; see the handler */
	n = min_t(unsigned int, prod - cons, count);
	first = min(n, u->ring_size - (cons & (u->ring_size - 1)));
	if (copy_to_user(buf, ring_entry(u, cons), first * sizeof(*u->ring)) ||
	    copy_to_user(buf + first * sizeof(*u->ring), u->ring,
			 (n - first) * sizeof(*u->ring))) {
		ret = dev_refuse(-EFAULT, "read: bad buffer");
		goto out;
	}
	/*
	 * The copies before the index: the handler may overwrite the slots
	 * once it sees it (its acquire pairs with this).
	 */
	smp_store_release(&u->ring_cons, cons + n);
	/* Every stale entry was read: none is left in the ring. */
	if (u->ring_stale && (int)(cons + n - u->ring_stale_end) >= 0)
		WRITE_ONCE(u->ring_stale, 0);
	ret = n * sizeof(evtchn_port_t);
out:
	mutex_unlock(&u->cons_mutex);
	return ret;
}

/* IOCTL_EVTCHN_RESET: empty the ring, clear the overflow; ports stay. */
void xevtchn_evtchn_ring_reset(struct evtchn_dev *u)
{
	mutex_lock(&u->cons_mutex);
	spin_lock_irq(&u->ring_lock);
	WRITE_ONCE(u->ring_cons, 0);
	WRITE_ONCE(u->ring_prod, 0);
	WRITE_ONCE(u->ring_overflow, false);
	WRITE_ONCE(u->ring_stale, 0);
	spin_unlock_irq(&u->ring_lock);
	mutex_unlock(&u->cons_mutex);
}

__poll_t xevtchn_evtchn_dev_poll(struct file *file, poll_table *wait)
{
	struct evtchn_dev *u = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &u->wait, wait);
	if (READ_ONCE(u->ring_cons) != READ_ONCE(u->ring_prod))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(u->ring_overflow))
		mask = EPOLLERR;
	return mask;
}
