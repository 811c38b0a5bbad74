// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to and from xenstored: the ring, the thread that reads and
 * writes it, and a request: send one message, wait a bounded time for its
 * reply. xenstore.c, beside it in step 12, connects (maps the ring, binds
 * its port, makes the ring ready) and starts this; the API drivers call
 * (xenstore_api.c, the step above) makes its requests through
 * xevtchn_xs_talk(), and gets the watch events through struct
 * xevtchn_xs_ops.
 *
 * The wire protocol is Xen's io/xs_wire.h, which the kernel carries as
 * <xen/interface/io/xs_wire.h> (MIT licence, as every Xen public header),
 * and Xen's docs/misc/xenstore-ring.txt: two rings of 1 KiB, requests from
 * the guest and replies and watch events from xenstored, each message a
 * 16-byte header (type, req_id, tx_id, len) and at most
 * XENSTORE_PAYLOAD_MAX bytes. The model is Linux's
 * drivers/xen/xenbus/xenbus_comms.c and xenbus_xs.c.
 *
 * In the upcall only the port's handler runs, and it only wakes the
 * thread. The thread writes queued requests as the ring has room, reads
 * whole messages, hands a reply to the request with its req_id and a watch
 * event to the step above. A caller waits for its reply at most
 * XEVTCHN_XS_TIMEOUT, and at most XS_UNLOAD_TIMEOUT once unload has begun;
 * then it gets -ETIMEDOUT, with a line in the log, and its reply, should
 * it come, is dropped. So a xenstored that stops answering costs a caller
 * 30 s, and an unload a few seconds, never a hang. A message that breaks
 * the protocol puts the connection out of step: every request fails from
 * then on.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": xenstore: " fmt

#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <xen/interface/io/xs_wire.h>

#include <xevtchn/events.h>
#include "internal.h"

/* Once unload has begun: its own requests, and any still waiting. */
#define XS_UNLOAD_TIMEOUT	(5 * HZ)

enum xs_req_state { XS_REQ_QUEUED, XS_REQ_SENDING, XS_REQ_SENT, XS_REQ_DONE };

/**
 * struct xs_req - one request and, once it came, its reply
 * @list: on xs.queue while queued, on xs.sent while waiting for its reply
 * @ref: the caller's reference, and the thread's while on a list or being
 *	written
 * @state: where it is; under xs.lock
 * @abandoned: the caller gave up: the reply, if it comes, is dropped
 * @err: no reply will come: -EIO (the ring is out of step), -ESHUTDOWN
 * @id: the request's req_id, which its reply echoes
 * @reply: the reply's header, once XS_REQ_DONE
 * @body: the reply's payload, NUL-terminated, once XS_REQ_DONE
 * @sent: bytes of @out the thread has written
 * @out_len: the length of @out
 * @out: the request's header, then its payload
 */
struct xs_req {
	struct list_head list;
	struct kref ref;
	enum xs_req_state state;
	bool abandoned;
	int err;
	u32 id;
	struct xsd_sockmsg reply;
	char *body;
	unsigned int sent;
	unsigned int out_len;
	char out[];
};

/**
 * struct xs_conn - the connection's traffic
 * @intf: the ring page, mapped (xenstore.c)
 * @port: its event channel
 * @thread: the thread that reads and writes the ring
 * @wq: the thread waits here
 * @reply_wq: callers wait here for their replies
 * @lock: guards @queue, @sent, @next_id, @up, @broken and the requests'
 *	@state, @abandoned, @err, @reply and @body
 * @queue: requests not yet written
 * @sent: requests written, waiting for their replies
 * @sending: the request being written (the thread's)
 * @next_id: the req_id of the next request
 * @up: requests are taken
 * @broken: the ring is out of step; every request fails
 * @unloading: unload has begun: waits are XS_UNLOAD_TIMEOUT at most
 * @ops_mutex: guards @ops against the thread's use
 * @ops: the step above's; NULL while it is not there
 * @in_hdr: the header of the message being read
 * @in_got: bytes of it (header and payload) read so far
 * @in_body: its payload
 */
static struct xs_conn {
	struct xenstore_domain_interface *intf;
	evtchn_port_t port;
	struct task_struct *thread;
	wait_queue_head_t wq;
	wait_queue_head_t reply_wq;
	spinlock_t lock;		/* see above */
	struct list_head queue;
	struct list_head sent;
	struct xs_req *sending;
	u32 next_id;
	bool up;
	bool broken;
	bool unloading;
	struct mutex ops_mutex;		/* see above */
	const struct xevtchn_xs_ops *ops;
	struct xsd_sockmsg in_hdr;
	unsigned int in_got;
	char *in_body;
} xs = {
	.wq = __WAIT_QUEUE_HEAD_INITIALIZER(xs.wq),
	.reply_wq = __WAIT_QUEUE_HEAD_INITIALIZER(xs.reply_wq),
	.lock = __SPIN_LOCK_UNLOCKED(xs.lock),
	.queue = LIST_HEAD_INIT(xs.queue),
	.sent = LIST_HEAD_INIT(xs.sent),
	.ops_mutex = __MUTEX_INITIALIZER(xs.ops_mutex),
};

#ifdef CONFIG_XEVTCHN_TESTING
static enum xevtchn_xs_test_mode test_mode;
static unsigned int test_timeout_ms;

/**
 * xevtchn_xs_testing() - make replies get lost, for the timeout tests
 * @mode: drop every reply, or read nothing at all, or neither
 * @timeout_ms: a request's timeout; 0 for XEVTCHN_XS_TIMEOUT
 *
 * Context: any.
 */
void xevtchn_xs_testing(enum xevtchn_xs_test_mode mode,
			unsigned int timeout_ms)
{
	WRITE_ONCE(test_timeout_ms, timeout_ms);
	WRITE_ONCE(test_mode, mode);
	wake_up(&xs.wq);
}

#define testing(mode)	(READ_ONCE(test_mode) == (mode))
#define test_timeout()	READ_ONCE(test_timeout_ms)
#else
#define testing(mode)	false
#define test_timeout()	0U
#endif

static unsigned long xs_timeout(void)
{
	unsigned int ms = test_timeout();

	return ms ? msecs_to_jiffies(ms) : XEVTCHN_XS_TIMEOUT;
}

static void free_req(struct kref *ref)
{
	struct xs_req *req = container_of(ref, struct xs_req, ref);

	kfree(req->body);
	kfree(req);
}

static void notify_xenstored(void)
{
	xevtchn_notify_remote_via_evtchn(xs.port);
}

/**
 * xevtchn_xs_interrupt() - the handler of xenstore's port: wake the thread
 * @irq: the port's IRQ
 * @unused: its dev_id
 *
 * Context: hard IRQ (the upcall).
 * Return: IRQ_HANDLED.
 */
irqreturn_t xevtchn_xs_interrupt(int irq, void *unused)
{
	wake_up(&xs.wq);
	return IRQ_HANDLED;
}

/* ---- the ring: the thread's alone ------------------------------------ */

static bool ring_indexes_ok(XENSTORE_RING_IDX cons, XENSTORE_RING_IDX prod)
{
	return prod - cons <= XENSTORE_RING_SIZE;
}

/* Copy as much of @len bytes as fits into the request ring. */
static int ring_write(const char *data, unsigned int len)
{
	struct xenstore_domain_interface *intf = xs.intf;
	XENSTORE_RING_IDX cons, prod;
	unsigned int done = 0, chunk;

	while (len) {
		cons = READ_ONCE(intf->req_cons);
		prod = READ_ONCE(intf->req_prod);
		if (!ring_indexes_ok(cons, prod))
			return -EIO;
		chunk = min(XENSTORE_RING_SIZE - (prod - cons),
			    XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod));
		chunk = min(chunk, len);
		if (!chunk)
			break;
		virt_mb();	/* the consumer index before the space is reused */
		memcpy(intf->req + MASK_XENSTORE_IDX(prod), data + done, chunk);
		virt_wmb();	/* the bytes before the producer index */
		WRITE_ONCE(intf->req_prod, prod + chunk);
		done += chunk;
		len -= chunk;
	}
	return done;
}

/*
 * Copy up to @len bytes out of the response ring; set *@was_full when it
 * was full before, so that xenstored, which may wait for room, hears of it.
 */
static int ring_read(char *data, unsigned int len, bool *was_full)
{
	struct xenstore_domain_interface *intf = xs.intf;
	XENSTORE_RING_IDX cons, prod;
	unsigned int done = 0, chunk;

	while (len) {
		cons = READ_ONCE(intf->rsp_cons);
		prod = READ_ONCE(intf->rsp_prod);
		if (!ring_indexes_ok(cons, prod))
			return -EIO;
		chunk = min(prod - cons,
			    XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons));
		chunk = min(chunk, len);
		if (!chunk)
			break;
		*was_full |= prod - cons == XENSTORE_RING_SIZE;
		virt_rmb();	/* the producer index before the bytes */
		memcpy(data + done, intf->rsp + MASK_XENSTORE_IDX(cons), chunk);
		virt_mb();	/* the bytes out before the room is given back */
		WRITE_ONCE(intf->rsp_cons, cons + chunk);
		done += chunk;
		len -= chunk;
	}
	return done;
}

static bool rsp_pending(void)
{
	return READ_ONCE(xs.intf->rsp_cons) != READ_ONCE(xs.intf->rsp_prod);
}

/* Give a whole message to whoever waits for it. */
static void dispatch(const struct xsd_sockmsg *hdr, char *body)
{
	struct xs_req *req, *found = NULL;

	if (hdr->type == XS_WATCH_EVENT) {
		mutex_lock(&xs.ops_mutex);
		if (xs.ops)
			xs.ops->watch_event(body, hdr->len);
		else
			kfree(body);
		mutex_unlock(&xs.ops_mutex);
		return;
	}
	if (testing(XEVTCHN_XS_TEST_DROP_REPLIES)) {
		kfree(body);
		return;
	}
	spin_lock(&xs.lock);
	list_for_each_entry(req, &xs.sent, list) {
		if (req->id == hdr->req_id) {
			found = req;
			list_del(&req->list);
			break;
		}
	}
	if (found && !found->abandoned) {
		found->reply = *hdr;
		found->body = body;
		body = NULL;
		/* The reply, then the state: req_done() pairs with it. */
		smp_store_release(&found->state, XS_REQ_DONE);
	}
	spin_unlock(&xs.lock);
	kfree(body);		/* abandoned, or nobody asked (an earlier load) */
	if (found) {
		wake_up_all(&xs.reply_wq);
		kref_put(&found->ref, free_req);
	}
}

/* Read what the ring holds; dispatch each message once it is whole. */
static int process_input(void)
{
	unsigned int hdr_len = sizeof(xs.in_hdr), want;
	bool was_full = false;
	int n = 0;

	while (!testing(XEVTCHN_XS_TEST_DEAF)) {
		if (xs.in_got < hdr_len) {
			n = ring_read((char *)&xs.in_hdr + xs.in_got,
				      hdr_len - xs.in_got, &was_full);
			if (n <= 0)
				break;
			xs.in_got += n;
			if (xs.in_got < hdr_len)
				break;
			if (xs.in_hdr.len > XENSTORE_PAYLOAD_MAX) {
				n = -EPROTO;
				break;
			}
		}
		if (!xs.in_body) {
			xs.in_body = kmalloc(xs.in_hdr.len + 1, GFP_KERNEL);
			if (!xs.in_body) {
				n = -ENOMEM;
				break;
			}
		}
		want = hdr_len + xs.in_hdr.len - xs.in_got;
		if (want) {
			n = ring_read(xs.in_body + xs.in_got - hdr_len, want,
				      &was_full);
			if (n <= 0)
				break;
			xs.in_got += n;
			if (n < want)
				break;
		}
		xs.in_body[xs.in_hdr.len] = '\0';
		dispatch(&xs.in_hdr, xs.in_body);
		xs.in_body = NULL;
		xs.in_got = 0;
	}
	if (was_full)
		notify_xenstored();
	return n < 0 ? n : 0;
}

/* Write queued requests while the ring has room. */
static int process_output(void)
{
	struct xs_req *req;
	bool wrote = false;
	int n = 0;

	for (;;) {
		if (!xs.sending) {
			spin_lock(&xs.lock);
			req = list_first_entry_or_null(&xs.queue, struct xs_req,
						       list);
			if (req) {
				list_del(&req->list);
				req->state = XS_REQ_SENDING;
			}
			spin_unlock(&xs.lock);
			if (!req)
				break;
			xs.sending = req;
		}
		req = xs.sending;
		n = ring_write(req->out + req->sent, req->out_len - req->sent);
		if (n < 0)
			break;
		wrote |= n > 0;
		req->sent += n;
		if (req->sent < req->out_len)
			break;		/* the ring is full */
		spin_lock(&xs.lock);
		req->state = XS_REQ_SENT;
		list_add_tail(&req->list, &xs.sent);
		spin_unlock(&xs.lock);
		xs.sending = NULL;
	}
	if (wrote)
		notify_xenstored();
	return n < 0 ? n : 0;
}

/* End every request that waits, with @err; the thread's part of them goes. */
static void fail_requests(int err)
{
	struct xs_req *req, *next;
	LIST_HEAD(ended);

	spin_lock(&xs.lock);
	list_splice_init(&xs.queue, &ended);
	list_splice_init(&xs.sent, &ended);
	if (xs.sending)
		list_add(&xs.sending->list, &ended);
	xs.sending = NULL;
	list_for_each_entry(req, &ended, list) {
		req->err = err;
		/* The error, then the state: req_done() pairs with it. */
		smp_store_release(&req->state, XS_REQ_DONE);
	}
	spin_unlock(&xs.lock);
	wake_up_all(&xs.reply_wq);
	list_for_each_entry_safe(req, next, &ended, list)
		kref_put(&req->ref, free_req);
}

static void go_broken(int err)
{
	pr_err("the ring is out of step with xenstored (%d); every request fails from now on (unload and load xevtchn to start again)\n",
	       err);
	spin_lock(&xs.lock);
	xs.broken = true;
	spin_unlock(&xs.lock);
	fail_requests(-EIO);
}

static bool thread_has_work(void)
{
	struct xenstore_domain_interface *intf = xs.intf;

	if (READ_ONCE(xs.broken))
		return false;
	if (!testing(XEVTCHN_XS_TEST_DEAF) && rsp_pending())
		return true;
	if (READ_ONCE(intf->req_prod) - READ_ONCE(intf->req_cons) >=
	    XENSTORE_RING_SIZE)
		return false;
	return xs.sending || !list_empty_careful(&xs.queue);
}

static int xs_thread(void *unused)
{
	int ret;

	while (!kthread_should_stop()) {
		/* Idle: a xenstored that says nothing for long is no hung task. */
		wait_event_idle(xs.wq, kthread_should_stop() ||
				kthread_should_park() || thread_has_work());
		if (kthread_should_park())
			kthread_parkme();	/* xevtchn_xs_comms_park() */
		if (kthread_should_stop())
			break;
		ret = process_input();
		if (!ret)
			ret = process_output();
		if (ret == -ENOMEM)
			schedule_timeout_idle(HZ / 10);
		else if (ret)
			go_broken(ret);
	}
	return 0;
}

/* ---- requests --------------------------------------------------------- */

static bool req_done(struct xs_req *req)
{
	/* The state, then the reply or error it says is there. */
	return smp_load_acquire(&req->state) == XS_REQ_DONE;
}

/*
 * Wait for @req's reply: xs_timeout() at most, and XS_UNLOAD_TIMEOUT from
 * the moment unload has begun. True when it came.
 */
static bool wait_for_reply(struct xs_req *req)
{
	unsigned long end = jiffies + xs_timeout();
	bool unloading = false;
	long left;

	for (;;) {
		if (!unloading && READ_ONCE(xs.unloading)) {
			unloading = true;
			if (time_after(end, jiffies + XS_UNLOAD_TIMEOUT))
				end = jiffies + XS_UNLOAD_TIMEOUT;
		}
		left = (long)(end - jiffies);
		if (left <= 0)
			return req_done(req);
		wait_event_timeout(xs.reply_wq, req_done(req) ||
				   (!unloading && READ_ONCE(xs.unloading)), left);
		if (req_done(req))
			return true;
	}
}

/**
 * xevtchn_xs_talk() - send one request to xenstored and wait for its reply
 * @tx_id: the transaction, or 0 for none
 * @type: XS_READ, XS_WRITE, ...
 * @vec: the payload, in pieces
 * @nvec: how many
 * @len: if not NULL, set to the reply's length (without the NUL added)
 *
 * Context: process context; sleeps, at most XEVTCHN_XS_TIMEOUT (5 s once
 * unload has begun).
 * Return: the reply's payload, kmalloc()ed and NUL-terminated, for the
 * caller to kfree(); or an ERR_PTR(): -ENODEV when there is no connection,
 * -E2BIG for a payload beyond XENSTORE_PAYLOAD_MAX (nothing is sent),
 * -ETIMEDOUT when no reply came in time, -EIO when the ring is out of step
 * or the reply is of another type, xenstored's own error (-ENOENT, -EACCES,
 * -EAGAIN, ...), -ENOMEM.
 */
void *xevtchn_xs_talk(u32 tx_id, u32 type,
		      const struct kvec *vec, unsigned int nvec,
		      unsigned int *len)
{
	struct xsd_sockmsg hdr = { .type = type, .tx_id = tx_id };
	unsigned long start = jiffies;
	size_t size = 0, at;
	struct xs_req *req;
	unsigned int i;
	void *ret;
	int err;

	might_sleep();
	for (i = 0; i < nvec; i++)
		size += vec[i].iov_len;
	if (size > XENSTORE_PAYLOAD_MAX)
		return ERR_PTR(refuse(-E2BIG, "a %s request of %zu bytes is beyond %u; not sent",
				      xevtchn_xs_type_name(type), size,
				      XENSTORE_PAYLOAD_MAX));
	req = kzalloc(struct_size(req, out, sizeof(hdr) + size), GFP_KERNEL);
	if (!req)
		return ERR_PTR(-ENOMEM);
	kref_init(&req->ref);
	req->out_len = sizeof(hdr) + size;
	for (i = 0, at = sizeof(hdr); i < nvec; at += vec[i].iov_len, i++)
		memcpy(req->out + at, vec[i].iov_base, vec[i].iov_len);
	hdr.len = size;

	spin_lock(&xs.lock);
	err = !xs.up ? -ENODEV : xs.broken ? -EIO : 0;
	if (!err) {
		req->id = xs.next_id++;
		hdr.req_id = req->id;
		memcpy(req->out, &hdr, sizeof(hdr));
		kref_get(&req->ref);	/* the thread's */
		list_add_tail(&req->list, &xs.queue);
	}
	spin_unlock(&xs.lock);
	if (err) {
		kref_put(&req->ref, free_req);
		return ERR_PTR(err);
	}
	wake_up(&xs.wq);

	if (!wait_for_reply(req)) {
		spin_lock(&xs.lock);
		if (!req_done(req)) {
			req->abandoned = true;
			if (req->state == XS_REQ_QUEUED) {
				list_del(&req->list);
				kref_put(&req->ref, free_req);	/* not the last */
			}
		}
		spin_unlock(&xs.lock);
	}
	if (!req_done(req)) {
		pr_warn_ratelimited("no reply to %s \"%.64s\" after %u ms; giving up (-ETIMEDOUT)\n",
				    xevtchn_xs_type_name(type),
				    size ? req->out + sizeof(hdr) : "",
				    jiffies_to_msecs(jiffies - start));
		ret = ERR_PTR(-ETIMEDOUT);
	} else if (req->err) {
		ret = ERR_PTR(req->err);
	} else if (req->reply.type == XS_ERROR) {
		ret = ERR_PTR(xevtchn_xs_errno(req->body));
	} else if (req->reply.type != type) {
		pr_warn_ratelimited("xenstored answered %s with message type %u\n",
				    xevtchn_xs_type_name(type), req->reply.type);
		ret = ERR_PTR(-EIO);
	} else {
		ret = req->body;
		req->body = NULL;
		if (len)
			*len = req->reply.len;
	}
	kref_put(&req->ref, free_req);
	return ret;
}

/**
 * xevtchn_xs_connected() - does this guest talk to xenstore?
 *
 * Context: any.
 * Return: true between a successful connection at load and unload.
 */
bool xevtchn_xs_connected(void)
{
	return READ_ONCE(xs.up);
}

/**
 * xevtchn_xs_set_ops() - where watch events go
 * @ops: the step above's, or NULL while it is not there
 *
 * Context: process context; waits for the thread to finish with the old.
 */
void xevtchn_xs_set_ops(const struct xevtchn_xs_ops *ops)
{
	mutex_lock(&xs.ops_mutex);
	xs.ops = ops;
	mutex_unlock(&xs.ops_mutex);
}

/**
 * xevtchn_xs_unloading() - unload has begun: waits get shorter
 *
 * From now on a request waits at most XS_UNLOAD_TIMEOUT for its reply,
 * those already waiting included, so that a xenstored that stopped
 * answering cannot hold the unload up for long.
 *
 * Context: module unload, first of all (main.c).
 */
void xevtchn_xs_unloading(void)
{
	WRITE_ONCE(xs.unloading, true);
	wake_up_all(&xs.reply_wq);
}

/**
 * xevtchn_xs_comms_start() - take requests: start the thread
 * @intf: the ring, mapped, ready (no earlier user's bytes in it)
 * @port: its event channel, bound to xevtchn_xs_interrupt()
 *
 * Request ids count up from a random number, so that not even a late
 * reply to an earlier load's request is taken for one of this load's.
 *
 * Context: process context (step 12, xenstore.c).
 * Return: 0, or the error of starting the thread.
 */
int xevtchn_xs_comms_start(struct xenstore_domain_interface *intf,
			   evtchn_port_t port)
{
	struct task_struct *thread;

	xs.intf = intf;
	xs.port = port;
	xs.next_id = get_random_u32();
	xs.broken = false;
	thread = kthread_run(xs_thread, NULL, "xevtchn-xs");
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	xs.thread = thread;
	spin_lock(&xs.lock);
	xs.up = true;
	spin_unlock(&xs.lock);
	return 0;
}

/**
 * xevtchn_xs_comms_park() - leave the ring and the port alone for a
 *	suspend (@park), or go on after a cancelled one
 * @park: true to park the thread, false to unpark it
 *
 * Parking returns once the thread's pass is done: it notifies the port no
 * more, whose number means nothing after a resume in a new domain, until
 * it is unparked, or stopped (xevtchn_xs_comms_stop() ends a parked
 * thread too) and started again on the new port. The ring's state stays.
 *
 * Context: process context, the thread started (xenstore.c).
 */
void xevtchn_xs_comms_park(bool park)
{
	if (park)
		kthread_park(xs.thread);
	else
		kthread_unpark(xs.thread);
}

/**
 * xevtchn_xs_comms_stop() - refuse requests, end those waiting, stop the
 *	thread
 *
 * Context: process context (step 12 undone, xenstore.c); the port is still
 * bound and the ring mapped.
 */
void xevtchn_xs_comms_stop(void)
{
	spin_lock(&xs.lock);
	xs.up = false;
	spin_unlock(&xs.lock);
	kthread_stop(xs.thread);
	xs.thread = NULL;
	fail_requests(-ESHUTDOWN);
	kfree(xs.in_body);
	xs.in_body = NULL;
	xs.in_got = 0;
	xs.intf = NULL;
}
