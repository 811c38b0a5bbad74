// SPDX-License-Identifier: GPL-2.0
/*
 * The xenstore API drivers call (include/xevtchn/xenstore.h): read, write,
 * remove, list a directory, transactions, and watches, whose callbacks run
 * in a thread of their own. Each call is one request through the
 * connection below (xenstore.c, xevtchn_xs_talk()), which bounds its wait.
 *
 * Watches. Each has a token of its own, a number, that xenstored echoes in
 * the watch's events. The connection's thread hands every event here
 * (xevtchn_xs_ops): it is queued for the watch its token names, and the
 * watch thread runs the callbacks one at a time, with callback_mutex held,
 * as Linux's xenwatch thread does (drivers/xen/xenbus/xenbus_xs.c). An
 * unwatch takes the watch off the list (no new events are queued for it),
 * tells xenstored, drops the events still queued for it and waits, through
 * callback_mutex, for a callback that is running, unless it is called
 * from a callback itself: then nothing of the watch runs after that
 * callback returns.
 *
 * Around a suspend (suspend.c), the drivers' requests are held back: a
 * request waits (at most XEVTCHN_XS_TIMEOUT) until the resume is done,
 * and the suspend waits (at most XS_DRAIN_TIMEOUT) for those under way.
 * The list of watches outlives the connection: in a new domain each one
 * is registered with the new xenstored again, with its token, before the
 * drivers' requests go, as Linux's xs_resume() does
 * (drivers/xen/xenbus/xenbus_xs.c); xenstored fires each once, so every
 * callback runs once after a migration.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": xenstore: " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <xen/interface/io/xs_wire.h>

#include <xevtchn/xenstore.h>
#include "internal.h"

/**
 * struct watch_event - an event waiting for its watch's callback
 * @list: on the events list
 * @watch: the watch it fires
 * @path: the node that changed, in @body
 * @body: the event as xenstored sent it: "path\0token\0"
 */
struct watch_event {
	struct list_head list;
	struct xevtchn_xs_watch *watch;
	const char *path;
	char *body;
};

/* The registered watches and the events to deliver, under watch_lock. */
static LIST_HEAD(watches);
static LIST_HEAD(events);
static DEFINE_SPINLOCK(watch_lock);
static u32 last_token;
/* Held by the watch thread around each callback. */
static DEFINE_MUTEX(callback_mutex);
static struct task_struct *watch_thread;
static DECLARE_WAIT_QUEUE_HEAD(watch_wq);

/* How long a suspend waits for the drivers' requests under way. */
#define XS_DRAIN_TIMEOUT	(5 * HZ)

/* Held back for a suspend; whose requests still pass; those under way. */
static bool paused;
static struct task_struct *resumer;
static atomic_t in_flight = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(pause_wq);

static void *talk(struct xevtchn_xs_transaction t, u32 type,
		  const struct kvec *vec, unsigned int nvec, unsigned int *len)
{
	void *ret;

	for (;;) {
		atomic_inc(&in_flight);
		smp_mb__after_atomic();	/* counted, then paused read */
		if (likely(!READ_ONCE(paused)) || current == READ_ONCE(resumer))
			break;
		if (atomic_dec_and_test(&in_flight))
			wake_up_all(&pause_wq);
		if (!wait_event_timeout(pause_wq, !READ_ONCE(paused),
					XEVTCHN_XS_TIMEOUT))
			return ERR_PTR(refuse(-ETIMEDOUT, "held back by a suspend for %d s",
					      XEVTCHN_XS_TIMEOUT / HZ));
	}
	ret = xevtchn_xs_talk(t.id, type, vec, nvec, len);
	if (atomic_dec_and_test(&in_flight))
		wake_up_all(&pause_wq);
	return ret;
}

/* A request whose payload is @path and its NUL. */
static void *talk_path(struct xevtchn_xs_transaction t, u32 type,
		       const char *path, unsigned int *len)
{
	struct kvec vec;

	if (!path || !*path)
		return ERR_PTR(refuse(-EINVAL, "no path"));
	vec.iov_base = (void *)path;
	vec.iov_len = strlen(path) + 1;
	return talk(t, type, &vec, 1, len);
}

/* A request whose reply is only an acknowledgment. */
static int ack(void *reply)
{
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	kfree(reply);
	return 0;
}

/**
 * xevtchn_xs_read() - read a node
 * @t: a transaction, or XEVTCHN_XBT_NIL
 * @path: the node
 * @len: if not NULL, set to the value's length
 *
 * Context: process context; sleeps.
 * Return: the value, kmalloc()ed and NUL-terminated, for the caller to
 * kfree(); or an ERR_PTR(): -ENOENT when there is no such node, or another
 * error of <xevtchn/xenstore.h>.
 */
void *xevtchn_xs_read(struct xevtchn_xs_transaction t, const char *path,
		      unsigned int *len)
{
	return talk_path(t, XS_READ, path, len);
}
EXPORT_SYMBOL_GPL(xevtchn_xs_read);

/**
 * xevtchn_xs_write() - write a node, making it (and its parents) if need be
 * @t: a transaction, or XEVTCHN_XBT_NIL
 * @path: the node
 * @value: its new value, a string (written without its NUL)
 *
 * Context: process context; sleeps.
 * Return: 0; -EACCES when the node is not the guest's to write; -E2BIG
 * when @path and @value are beyond XENSTORE_PAYLOAD_MAX together (nothing
 * is sent), or @value beyond xenstored's quota; another error of
 * <xevtchn/xenstore.h>.
 */
int xevtchn_xs_write(struct xevtchn_xs_transaction t, const char *path,
		     const char *value)
{
	struct kvec vec[2];

	if (!path || !*path || !value)
		return refuse(-EINVAL, "no path or no value");
	vec[0].iov_base = (void *)path;
	vec[0].iov_len = strlen(path) + 1;
	vec[1].iov_base = (void *)value;
	vec[1].iov_len = strlen(value);
	return ack(talk(t, XS_WRITE, vec, ARRAY_SIZE(vec), NULL));
}
EXPORT_SYMBOL_GPL(xevtchn_xs_write);

/**
 * xevtchn_xs_printf() - write a node's value from a format
 * @t: a transaction, or XEVTCHN_XBT_NIL
 * @path: the node
 * @fmt: printf() format of the value, then its arguments
 *
 * Context: process context; sleeps.
 * Return: as xevtchn_xs_write().
 */
int xevtchn_xs_printf(struct xevtchn_xs_transaction t, const char *path,
		      const char *fmt, ...)
{
	va_list args;
	char *value;
	int ret;

	va_start(args, fmt);
	value = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	if (!value)
		return -ENOMEM;
	ret = xevtchn_xs_write(t, path, value);
	kfree(value);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_xs_printf);

/**
 * xevtchn_xs_rm() - remove a node and everything below it
 * @t: a transaction, or XEVTCHN_XBT_NIL
 * @path: the node
 *
 * Context: process context; sleeps.
 * Return: 0; -ENOENT when neither the node nor its parent exists; another
 * error of <xevtchn/xenstore.h>.
 */
int xevtchn_xs_rm(struct xevtchn_xs_transaction t, const char *path)
{
	return ack(talk_path(t, XS_RM, path, NULL));
}
EXPORT_SYMBOL_GPL(xevtchn_xs_rm);

/**
 * xevtchn_xs_directory() - the names of a node's children
 * @t: a transaction, or XEVTCHN_XBT_NIL
 * @path: the node
 * @num: set to the number of children
 *
 * Context: process context; sleeps.
 * Return: an array of @num names, in one kmalloc()ed block for the caller
 * to kfree(); or an ERR_PTR(): -ENOENT when there is no such node, or
 * another error of <xevtchn/xenstore.h>.
 */
char **xevtchn_xs_directory(struct xevtchn_xs_transaction t,
			    const char *path, unsigned int *num)
{
	unsigned int len, n = 0, i;
	char *names, *p, **array;

	names = talk_path(t, XS_DIRECTORY, path, &len);
	if (IS_ERR(names))
		return ERR_PTR(PTR_ERR(names));
	/* "a\0b\0...": each name ends with its NUL. */
	for (p = names; p < names + len; p += strlen(p) + 1)
		n++;
	array = kmalloc(n * sizeof(*array) + len + 1, GFP_KERNEL);
	if (!array) {
		kfree(names);
		return ERR_PTR(-ENOMEM);
	}
	p = memcpy(array + n, names, len + 1);
	kfree(names);
	for (i = 0; i < n; i++, p += strlen(p) + 1)
		array[i] = p;
	*num = n;
	return array;
}
EXPORT_SYMBOL_GPL(xevtchn_xs_directory);

/**
 * xevtchn_xs_transaction_start() - start a transaction
 * @t: set to the transaction
 *
 * Until xevtchn_xs_transaction_end(), the requests made with @t see the
 * store as it was at the start, changed only by themselves, and their
 * changes are seen by no one else.
 *
 * Context: process context; sleeps.
 * Return: 0, or an error of <xevtchn/xenstore.h>.
 */
int xevtchn_xs_transaction_start(struct xevtchn_xs_transaction *t)
{
	char *id;
	int ret;

	id = talk(XEVTCHN_XBT_NIL, XS_TRANSACTION_START,
		  &(struct kvec){ .iov_base = "", .iov_len = 1 }, 1, NULL);
	if (IS_ERR(id))
		return PTR_ERR(id);
	ret = kstrtou32(id, 10, &t->id);
	if (ret || !t->id)
		ret = refuse(-EIO, "xenstored gave \"%.16s\" as a transaction", id);
	kfree(id);
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_xs_transaction_start);

/**
 * xevtchn_xs_transaction_end() - commit or abort a transaction
 * @t: the transaction
 * @abort: true to throw its changes away
 *
 * Context: process context; sleeps.
 * Return: 0; -EAGAIN when a change by someone else conflicts with the
 * transaction, which changed nothing: start it again; another error of
 * <xevtchn/xenstore.h>.
 */
int xevtchn_xs_transaction_end(struct xevtchn_xs_transaction t, bool abort)
{
	return ack(talk_path(t, XS_TRANSACTION_END, abort ? "F" : "T", NULL));
}
EXPORT_SYMBOL_GPL(xevtchn_xs_transaction_end);

/* XS_WATCH or XS_UNWATCH of @watch: its path, then its token. */
static int watch_request(u32 type, struct xevtchn_xs_watch *watch)
{
	char token[12];
	struct kvec vec[2] = {
		{ .iov_base = (void *)watch->path,
		  .iov_len = strlen(watch->path) + 1 },
		{ .iov_base = token },
	};

	vec[1].iov_len = snprintf(token, sizeof(token), "%x", watch->token) + 1;
	return ack(talk(XEVTCHN_XBT_NIL, type, vec, ARRAY_SIZE(vec), NULL));
}

static struct xevtchn_xs_watch *find_watch(u32 token)
{
	struct xevtchn_xs_watch *watch;

	lockdep_assert_held(&watch_lock);
	list_for_each_entry(watch, &watches, list)
		if (watch->token == token)
			return watch;
	return NULL;
}

static bool is_registered(struct xevtchn_xs_watch *watch)
{
	struct xevtchn_xs_watch *w;

	lockdep_assert_held(&watch_lock);
	list_for_each_entry(w, &watches, list)
		if (w == watch)
			return true;
	return false;
}

/**
 * xevtchn_xs_watch() - watch a path
 * @watch: the path and the callback, in memory that stays until
 *	xevtchn_xs_unwatch()
 *
 * xenstored fires the watch once at once, then once for each change to
 * the node or below it; each firing calls @watch->callback once (see
 * struct xevtchn_xs_watch).
 *
 * Context: process context; sleeps.
 * Return: 0; -EINVAL without a path or callback; -EBUSY when @watch is
 * registered already; another error of <xevtchn/xenstore.h>.
 */
int xevtchn_xs_watch(struct xevtchn_xs_watch *watch)
{
	int ret = 0;

	if (!watch->path || !*watch->path || !watch->callback)
		return refuse(-EINVAL, "a watch needs a path and a callback");
	spin_lock(&watch_lock);
	if (is_registered(watch)) {
		ret = -EBUSY;
	} else {
		watch->token = ++last_token;
		watch->pending = 0;
		list_add_tail(&watch->list, &watches);
	}
	spin_unlock(&watch_lock);
	if (ret)
		return refuse(ret, "the watch on %s is registered already",
			      watch->path);
	/* On the list first: xenstored fires it right after its reply. */
	ret = watch_request(XS_WATCH, watch);
	if (ret) {
		spin_lock(&watch_lock);
		list_del(&watch->list);
		spin_unlock(&watch_lock);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(xevtchn_xs_watch);

/**
 * xevtchn_xs_unwatch() - stop watching
 * @watch: a watch registered with xevtchn_xs_watch()
 *
 * When this returns, the callback does not run any more, and does not run
 * again: unless this is called from a callback (its own or another
 * watch's), it waits for a callback that is running. So it must not be
 * called with a lock held that a callback takes. If xenstored does not
 * answer, the watch is gone all the same, with a line in the log.
 *
 * Context: process context; sleeps.
 */
void xevtchn_xs_unwatch(struct xevtchn_xs_watch *watch)
{
	struct watch_event *ev, *next;
	bool registered;
	LIST_HEAD(dropped);
	int ret;

	spin_lock(&watch_lock);
	registered = is_registered(watch);
	if (registered)
		list_del(&watch->list);
	spin_unlock(&watch_lock);
	if (!registered) {
		complain("the watch on %s is not registered", watch->path);
		return;
	}
	ret = watch_request(XS_UNWATCH, watch);
	if (ret && ret != -ENODEV)
		pr_warn("xenstored did not take back the watch on %s (%d); it is gone here all the same\n",
			watch->path, ret);
	if (current != watch_thread)
		mutex_lock(&callback_mutex);
	spin_lock(&watch_lock);
	list_for_each_entry_safe(ev, next, &events, list) {
		if (!watch->pending)
			break;
		if (ev->watch == watch) {
			list_move(&ev->list, &dropped);
			watch->pending--;
		}
	}
	spin_unlock(&watch_lock);
	if (current != watch_thread)
		mutex_unlock(&callback_mutex);
	list_for_each_entry_safe(ev, next, &dropped, list) {
		kfree(ev->body);
		kfree(ev);
	}
}
EXPORT_SYMBOL_GPL(xevtchn_xs_unwatch);

/*
 * An event from the connection's thread: queue it for its watch. Must not
 * make a request (the thread would wait for itself).
 */
static void watch_event(char *body, unsigned int len)
{
	struct xevtchn_xs_watch *watch;
	unsigned int path_len;
	struct watch_event *ev;
	const char *token;
	u32 id;

	path_len = strnlen(body, len);
	token = body + path_len + 1;
	if (path_len + 1 >= len || strnlen(token, len - path_len - 1) !=
	    len - path_len - 2 || kstrtou32(token, 16, &id)) {
		pr_warn_ratelimited("a watch event not of this client's (%u bytes); dropped\n",
				    len);
		kfree(body);
		return;
	}
	ev = kmalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev) {
		kfree(body);	/* the allocator said so */
		return;
	}
	ev->path = body;
	ev->body = body;
	spin_lock(&watch_lock);
	watch = find_watch(id);
	if (watch) {
		ev->watch = watch;
		watch->pending++;
		list_add_tail(&ev->list, &events);
	}
	spin_unlock(&watch_lock);
	if (watch) {
		wake_up(&watch_wq);
	} else {
		/* Unwatched meanwhile, or an earlier load's. */
		kfree(body);
		kfree(ev);
	}
}

static const struct xevtchn_xs_ops api_ops = {
	.watch_event = watch_event,
};

/* Before a suspend: hold the drivers' requests back, let these finish. */
static void api_suspend_prepare(void)
{
	WRITE_ONCE(resumer, current);
	WRITE_ONCE(paused, true);
	smp_mb();	/* paused set, then the count read; see talk() */
	if (!wait_event_timeout(pause_wq, !atomic_read(&in_flight),
				XS_DRAIN_TIMEOUT))
		pr_warn("%d requests still under way as the domain suspends\n",
			atomic_read(&in_flight));
}

/* Register every watch with xenstored again, in a new domain. */
static void register_again(void)
{
	struct xevtchn_xs_watch *watch, **all;
	unsigned int n = 0, i = 0;
	int ret;

	spin_lock(&watch_lock);
	list_for_each_entry(watch, &watches, list)
		n++;
	spin_unlock(&watch_lock);
	all = kcalloc(n, sizeof(*all), GFP_KERNEL);
	if (!all && n) {
		pr_err("no memory to register %u watches again\n", n);
		return;
	}
	/*
	 * A watch unwatched meanwhile waits in talk() until we are done, so
	 * its memory stays; one added meanwhile is registered by its own
	 * request, which waits too.
	 */
	spin_lock(&watch_lock);
	list_for_each_entry(watch, &watches, list)
		if (i < n)
			all[i++] = watch;
	spin_unlock(&watch_lock);
	for (n = i, i = 0; i < n; i++) {
		ret = watch_request(XS_WATCH, all[i]);
		if (ret)
			pr_err("the watch on %s could not be registered again (%d); its callback will not run\n",
			       all[i]->path, ret);
	}
	kfree(all);
}

static void api_resume(enum xevtchn_woke woke)
{
	if (woke == XEVTCHN_WOKE_NEW && xevtchn_xs_connected())
		register_again();
	WRITE_ONCE(paused, false);
	WRITE_ONCE(resumer, NULL);
	wake_up_all(&pause_wq);
}

static const struct xevtchn_suspend_ops api_suspend_ops = {
	.prepare = api_suspend_prepare,
	.resume = api_resume,
};

static int watch_thread_fn(void *unused)
{
	struct watch_event *ev;

	while (!kthread_should_stop()) {
		wait_event_idle(watch_wq, kthread_should_stop() ||
				!list_empty_careful(&events));
		mutex_lock(&callback_mutex);
		spin_lock(&watch_lock);
		ev = list_first_entry_or_null(&events, struct watch_event, list);
		if (ev) {
			list_del(&ev->list);
			ev->watch->pending--;
		}
		spin_unlock(&watch_lock);
		if (ev)
			ev->watch->callback(ev->watch, ev->path);
		mutex_unlock(&callback_mutex);
		if (ev) {
			kfree(ev->body);
			kfree(ev);
		}
	}
	return 0;
}

/**
 * xevtchn_xs_api_init() - start the watch thread; take the watch events
 *
 * Without a connection there is nothing to start: every call of the API
 * fails with -ENODEV.
 *
 * Context: module load, step 13 (main.c).
 * Return: 0, or the error of starting the thread.
 */
int xevtchn_xs_api_init(void)
{
	if (!xevtchn_xs_connected())
		return 0;
	/* Unlike the tokens of an earlier load's watches, should any be left. */
	last_token = get_random_u32();
	watch_thread = kthread_run(watch_thread_fn, NULL, "xevtchn-xs-watch");
	if (IS_ERR(watch_thread)) {
		int ret = PTR_ERR(watch_thread);

		watch_thread = NULL;
		return ret;
	}
	xevtchn_xs_set_ops(&api_ops);
	xevtchn_suspend_set_ops(XEVTCHN_SUSPEND_XS_API, &api_suspend_ops);
	return 0;
}

/**
 * xevtchn_xs_api_exit() - drop the watches drivers left, stop the thread
 *
 * Drivers unwatch before they unload; a watch still registered here
 * belongs to a driver that did not, and whose callback may be gone with
 * it: it is taken back from xenstored, never called again, and named in
 * the log.
 *
 * Context: module unload, step 13 undone (main.c).
 */
void xevtchn_xs_api_exit(void)
{
	struct xevtchn_xs_watch *watch;
	struct watch_event *ev, *next;

	if (!watch_thread)
		return;
	xevtchn_suspend_set_ops(XEVTCHN_SUSPEND_XS_API, NULL);
	for (;;) {
		spin_lock(&watch_lock);
		watch = list_first_entry_or_null(&watches,
						 struct xevtchn_xs_watch, list);
		spin_unlock(&watch_lock);
		if (!watch)
			break;
		pr_warn("the watch on %s is still registered at unload; taking it back\n",
			watch->path);
		xevtchn_xs_unwatch(watch);
	}
	xevtchn_xs_set_ops(NULL);
	kthread_stop(watch_thread);
	watch_thread = NULL;
	list_for_each_entry_safe(ev, next, &events, list) {
		list_del(&ev->list);
		kfree(ev->body);
		kfree(ev);
	}
}
