// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_xenstore_test: xevtchn's xenstore client, through the API a
 * driver uses (<xevtchn/xenstore.h>), against the real xenstored of the
 * test host's dom0 (oxenstored). Needs the test build of xevtchn.ko for
 * the timeout suites.
 *
 * suite= picks them (a comma-separated list runs several, in that order):
 *
 *   api        the guest's own nodes under data/xevtchn-test: values read
 *              back exactly, a missing node (-ENOENT), a directory, a
 *              removal, absolute paths; a request beyond the protocol's
 *              4096 bytes (-E2BIG, nothing sent) and a value beyond
 *              oxenstored's quota (-E2BIG from xenstored); transactions
 *              committed, aborted and in conflict (-EAGAIN); a watch that
 *              fires once at registration and exactly once per write,
 *              whose callback reads each value, sees children, and stops
 *              at unwatch; a callback that unwatches itself; requests from
 *              four threads at once; bad arguments.
 *   timeout    replies that never come: a request gets -ETIMEDOUT after
 *              the (shortened) timeout, and the late reply is not taken
 *              for the next request's; a reply lost while the request was
 *              carried out.
 *   dom0       the dom0 side: a value dom0 wrote before the load
 *              (dom0_value=) is read exactly; guest_value= is written for
 *              dom0 to read; a watch on data/xevtchn-dom0-watch stays
 *              registered until unload, counting its events in the
 *              parameter dom0_watch_events and the value its callback read
 *              last in dom0_watch_value, for the payload to check after
 *              dom0 writes the node.
 *   in_flight  every reply is dropped from now on, and at this module's
 *              unload xevtchn stops reading the ring at all: the payload
 *              then has control/shutdown written, whose watch callback
 *              waits for a reply that never comes, and unloads xevtchn,
 *              which must not hang.
 *
 * Parameters: suite=, tag= suite name suffix; dom0_value=, guest_value=.
 */

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/interface/xen.h>
#include <xen/interface/io/xs_wire.h>

#include <xevtchn/hypervisor.h>
#include <xevtchn/testing.h>
#include <xevtchn/xenstore.h>
#include "compat.h"
#include "ktap.h"

MODULE_IMPORT_NS(XEVTCHN_TESTING_NS);

static char *suite = "";
module_param(suite, charp, 0444);
MODULE_PARM_DESC(suite, "suites to run, comma-separated (see the top of the file)");
static char *tag = "test";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "suite name suffix");
static char *dom0_value = "";
module_param(dom0_value, charp, 0444);
MODULE_PARM_DESC(dom0_value, "dom0: the value dom0 wrote to data/xevtchn-dom0");
static char *guest_value = "";
module_param(guest_value, charp, 0444);
MODULE_PARM_DESC(guest_value, "dom0: the value to write to data/xevtchn-guest");
static int dom0_watch_events;
module_param(dom0_watch_events, int, 0444);
MODULE_PARM_DESC(dom0_watch_events, "dom0: events of the watch on data/xevtchn-dom0-watch so far");
static char dom0_watch_value[64];
module_param_string(dom0_watch_value, dom0_watch_value,
		    sizeof(dom0_watch_value), 0444);
MODULE_PARM_DESC(dom0_watch_value, "dom0: the value that watch's callback read last");

#define BASE	"data/xevtchn-test"
#define NIL	XEVTCHN_XBT_NIL

static bool in_flight;

static void start(struct ktap_suite *s, const char *name, unsigned int plan)
{
	static char full[64];

	snprintf(full, sizeof(full), "%s_%s", name, tag);
	ktap_start(s, full, plan);
}

/* 0 when @path holds exactly @want; else -errno, or 1 for another value. */
static int check_value(const char *path, const char *want, char *got,
		       size_t size)
{
	unsigned int len;
	char *val;
	int ret;

	val = xevtchn_xs_read(NIL, path, &len);
	if (IS_ERR(val)) {
		snprintf(got, size, "error %ld", PTR_ERR(val));
		return PTR_ERR(val);
	}
	snprintf(got, size, "\"%s\" (%u bytes)", val, len);
	ret = strcmp(val, want) || len != strlen(want);
	kfree(val);
	return ret;
}

static int read_error(const char *path)
{
	char *val = xevtchn_xs_read(NIL, path, NULL);

	if (IS_ERR(val))
		return PTR_ERR(val);
	kfree(val);
	return 0;
}

/* ---- api: the guest's own nodes ------------------------------------- */

/**
 * struct counted_watch - a watch whose callback counts and reads
 * @w: the watch
 * @events: its events so far
 * @last_path: the path of the last event
 * @last_value: what the callback read at that path (or "error N")
 * @self_unwatch: unwatch from the callback at this event count (0: never)
 * @unwatched: completed when it did
 */
struct counted_watch {
	struct xevtchn_xs_watch w;
	atomic_t events;
	char last_path[96];
	char last_value[96];
	int self_unwatch;
	struct completion unwatched;
};

static void counted_callback(struct xevtchn_xs_watch *w, const char *path)
{
	struct counted_watch *cw = container_of(w, struct counted_watch, w);
	char *val;
	int n;

	strscpy(cw->last_path, path, sizeof(cw->last_path));
	val = xevtchn_xs_read(NIL, path, NULL);	/* a request from a callback */
	if (IS_ERR(val)) {
		snprintf(cw->last_value, sizeof(cw->last_value), "error %ld",
			 PTR_ERR(val));
	} else {
		strscpy(cw->last_value, val, sizeof(cw->last_value));
		kfree(val);
	}
	n = atomic_inc_return(&cw->events);
	if (cw->self_unwatch && n == cw->self_unwatch) {
		xevtchn_xs_unwatch(w);
		complete(&cw->unwatched);
	}
}

static void init_counted(struct counted_watch *cw, const char *path)
{
	memset(cw, 0, sizeof(*cw));
	cw->w.path = path;
	cw->w.callback = counted_callback;
	init_completion(&cw->unwatched);
}

/* Wait up to about 5 s for @cw to reach @want events; then 500 ms for more. */
static int wait_events(struct counted_watch *cw, int want)
{
	unsigned int i;

	for (i = 0; i < 250 && atomic_read(&cw->events) < want; i++)
		usleep_range(10000, 20000);
	msleep(500);
	return atomic_read(&cw->events);
}

static void api_values(struct ktap_suite *s)
{
	const struct xevtchn_xen_info *xi = xevtchn_xen_info();
	char got[128], path[96];
	unsigned int num = 0;
	char **names;
	int ret;

	ret = xevtchn_xs_write(NIL, BASE "/a", "value one");
	ret = ret ?: check_value(BASE "/a", "value one", got, sizeof(got));
	ktap_result(s, !ret, "write_read_exact", "%d, read %s", ret, got);

	ret = xevtchn_xs_write(NIL, BASE "/a", "second, longer value");
	ret = ret ?: check_value(BASE "/a", "second, longer value", got,
				 sizeof(got));
	ktap_result(s, !ret, "overwrite_read_exact", "%d, read %s", ret, got);

	ret = xevtchn_xs_write(NIL, BASE "/e", "");
	ret = ret ?: check_value(BASE "/e", "", got, sizeof(got));
	ktap_result(s, !ret, "empty_value", "%d, read %s", ret, got);

	ret = read_error(BASE "/missing");
	ktap_result(s, ret == -ENOENT, "read_missing_enoent", "gave %d", ret);

	if (xi->domid == DOMID_SELF) {
		ktap_skip(s, "absolute_path", "Xen does not say our domid");
	} else {
		snprintf(path, sizeof(path), "/local/domain/%u/" BASE "/a",
			 xi->domid);
		ret = check_value(path, "second, longer value", got,
				  sizeof(got));
		ktap_result(s, !ret, "absolute_path", "%s: %d, read %s", path,
			    ret, got);
	}

	ret = xevtchn_xs_write(NIL, BASE "/dir/x", "1");
	ret = ret ?: xevtchn_xs_write(NIL, BASE "/dir/y", "2");
	names = ret ? ERR_PTR(ret) : xevtchn_xs_directory(NIL, BASE "/dir",
							   &num);
	ret = IS_ERR(names) ? PTR_ERR(names) : 0;
	ktap_result(s, !ret && num == 2 &&
		    ((!strcmp(names[0], "x") && !strcmp(names[1], "y")) ||
		     (!strcmp(names[0], "y") && !strcmp(names[1], "x"))),
		    "directory_lists_children", "%d, %u names: %s %s", ret,
		    num, !ret && num > 0 ? names[0] : "",
		    !ret && num > 1 ? names[1] : "");
	if (!IS_ERR(names))
		kfree(names);

	ret = xevtchn_xs_rm(NIL, BASE "/dir");
	ret = ret ?: read_error(BASE "/dir/x");
	ktap_result(s, ret == -ENOENT, "rm_removes_subtree",
		    "reading a child afterwards gave %d", ret);
}

static void api_limits(struct ktap_suite *s)
{
	char *big = kmalloc(XENSTORE_PAYLOAD_MAX + 1, GFP_KERNEL);
	char got[128];
	int ret, after;

	if (!big) {
		ktap_skip(s, "request_beyond_protocol_e2big", "no memory");
		ktap_skip(s, "value_beyond_xenstored_quota_e2big", "no memory");
		return;
	}
	/* Path and value together beyond the 4096 bytes a message may carry. */
	memset(big, 'v', XENSTORE_PAYLOAD_MAX);
	big[XENSTORE_PAYLOAD_MAX] = '\0';
	ret = xevtchn_xs_write(NIL, BASE "/big", big);
	after = check_value(BASE "/a", "second, longer value", got,
			    sizeof(got));
	ktap_result(s, ret == -E2BIG && !after, "request_beyond_protocol_e2big",
		    "gave %d; the next request read %s", ret, got);
	/* Within the protocol, beyond oxenstored's quota-maxsize (2048). */
	big[3000] = '\0';
	ret = xevtchn_xs_write(NIL, BASE "/big", big);
	ktap_result(s, ret == -E2BIG, "value_beyond_xenstored_quota_e2big",
		    "a 3000-byte value gave %d", ret);
	kfree(big);
}

static void api_transactions(struct ktap_suite *s)
{
	struct xevtchn_xs_transaction t;
	char got[128];
	int ret, outside, end;

	ret = xevtchn_xs_transaction_start(&t);
	ret = ret ?: xevtchn_xs_write(t, BASE "/tx", "in-tx");
	outside = read_error(BASE "/tx");
	end = ret ? ret : xevtchn_xs_transaction_end(t, false);
	ret = end ?: check_value(BASE "/tx", "in-tx", got, sizeof(got));
	ktap_result(s, outside == -ENOENT && !ret, "transaction_commit",
		    "outside before the commit %d (want -ENOENT), end %d, then read %s",
		    outside, end, got);

	ret = xevtchn_xs_transaction_start(&t);
	ret = ret ?: xevtchn_xs_write(t, BASE "/tx", "aborted");
	ret = ret ?: xevtchn_xs_transaction_end(t, true);
	ret = ret ?: check_value(BASE "/tx", "in-tx", got, sizeof(got));
	ktap_result(s, !ret, "transaction_abort", "%d, read %s", ret, got);

	/* It reads and writes what another write changes meanwhile. */
	ret = xevtchn_xs_transaction_start(&t);
	if (!ret) {
		char *val = xevtchn_xs_read(t, BASE "/tx", NULL);

		ret = IS_ERR(val) ? PTR_ERR(val) : 0;
		if (!ret)
			kfree(val);
	}
	ret = ret ?: xevtchn_xs_write(NIL, BASE "/tx", "outside");
	ret = ret ?: xevtchn_xs_write(t, BASE "/tx", "inside");
	end = ret ? ret : xevtchn_xs_transaction_end(t, false);
	ret = check_value(BASE "/tx", "outside", got, sizeof(got));
	ktap_result(s, end == -EAGAIN && !ret, "transaction_conflict_eagain",
		    "end gave %d (want -EAGAIN), then read %s", end, got);
}

static void api_watches(struct ktap_suite *s)
{
	static struct counted_watch cw, self;
	char value[32], want_path[64];
	int n, i, bad = 0;

	init_counted(&cw, BASE "/w");
	n = xevtchn_xs_watch(&cw.w);
	n = n ?: wait_events(&cw, 1);
	ktap_result(s, n == 1 && !strcmp(cw.last_path, BASE "/w"),
		    "watch_fires_at_registration",
		    "%d events, last on %s", n, cw.last_path);

	for (i = 1; i <= 5; i++) {
		snprintf(value, sizeof(value), "write %d", i);
		if (xevtchn_xs_write(NIL, BASE "/w", value) ||
		    wait_events(&cw, 1 + i) != 1 + i ||
		    strcmp(cw.last_value, value))
			bad++;
	}
	n = atomic_read(&cw.events);
	ktap_result(s, n == 6 && !bad, "watch_once_per_write",
		    "%d events for 5 writes and the registration (want 6), %d writes went wrong",
		    n, bad);
	ktap_result(s, !strcmp(cw.last_value, "write 5"),
		    "callback_reads_each_value", "read \"%s\" last",
		    cw.last_value);

	snprintf(want_path, sizeof(want_path), "%s/child", BASE "/w");
	n = xevtchn_xs_write(NIL, want_path, "c");
	n = n ?: wait_events(&cw, 7);
	ktap_result(s, n == 7 && !strcmp(cw.last_path, want_path),
		    "watch_sees_child", "%d events (want 7), last on %s", n,
		    cw.last_path);

	xevtchn_xs_unwatch(&cw.w);
	n = xevtchn_xs_write(NIL, BASE "/w", "after unwatch");
	msleep(500);
	ktap_result(s, !n && atomic_read(&cw.events) == 7,
		    "unwatch_stops_events", "write %d, %d events (want 7)", n,
		    atomic_read(&cw.events));

	/* Its callback unwatches it at its second event. */
	init_counted(&self, BASE "/self");
	self.self_unwatch = 2;
	n = xevtchn_xs_watch(&self.w);
	n = n ?: (wait_events(&self, 1) == 1 ? 0 : -EIO);
	n = n ?: xevtchn_xs_write(NIL, BASE "/self", "one");
	if (!n && !wait_for_completion_timeout(&self.unwatched, 5 * HZ))
		n = -ETIMEDOUT;
	if (!completion_done(&self.unwatched))
		xevtchn_xs_unwatch(&self.w);	/* it failed: not left behind */
	n = n ?: xevtchn_xs_write(NIL, BASE "/self", "two");
	msleep(500);
	ktap_result(s, !n && atomic_read(&self.events) == 2,
		    "callback_unwatches_itself",
		    "%d, %d events (want 2: registration, first write)", n,
		    atomic_read(&self.events));
}

#define THREADS		4
#define ROUNDS		25

static atomic_t concurrent_bad;

static int concurrent_fn(void *data)
{
	long i = (long)data;
	char path[48], value[32], got[96];
	int n;

	snprintf(path, sizeof(path), BASE "/c%ld", i);
	for (n = 0; n < ROUNDS; n++) {
		snprintf(value, sizeof(value), "%ld-%d", i, n);
		if (xevtchn_xs_write(NIL, path, value) ||
		    check_value(path, value, got, sizeof(got)))
			atomic_inc(&concurrent_bad);
	}
	return 0;
}

static void api_concurrent(struct ktap_suite *s)
{
	struct task_struct *t[THREADS];
	long i;

	atomic_set(&concurrent_bad, 0);
	for (i = 0; i < THREADS; i++) {
		t[i] = kthread_create(concurrent_fn, (void *)i, "xs-test-%ld", i);
		if (IS_ERR(t[i])) {
			t[i] = NULL;
			atomic_inc(&concurrent_bad);
			continue;
		}
		get_task_struct(t[i]);	/* it may end before kthread_stop() */
		wake_up_process(t[i]);
	}
	for (i = 0; i < THREADS; i++) {
		if (!t[i])
			continue;
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
	ktap_result(s, !atomic_read(&concurrent_bad), "concurrent_requests",
		    "%d of %d write-and-read rounds went wrong",
		    atomic_read(&concurrent_bad), THREADS * ROUNDS);
}

static void api_bad_arguments(struct ktap_suite *s)
{
	static struct xevtchn_xs_watch no_callback = { .path = BASE "/n" };
	static struct counted_watch twice;
	int read, watch, again;

	read = read_error(NULL);
	watch = xevtchn_xs_watch(&no_callback);
	init_counted(&twice, BASE "/twice");
	again = xevtchn_xs_watch(&twice.w);
	again = again ?: xevtchn_xs_watch(&twice.w);
	xevtchn_xs_unwatch(&twice.w);
	ktap_result(s, read == -EINVAL && watch == -EINVAL && again == -EBUSY,
		    "bad_arguments",
		    "no path %d, no callback %d, registered twice %d", read,
		    watch, again);
}

static void test_api(void)
{
	struct ktap_suite s;

	start(&s, "xenstore_api", 20);
	api_values(&s);
	api_limits(&s);
	api_transactions(&s);
	api_watches(&s);
	api_concurrent(&s);
	api_bad_arguments(&s);
	xevtchn_xs_rm(NIL, BASE);
}

/* ---- timeout: replies that never come ----------------------------------- */

static void test_timeout(void)
{
	unsigned long t0, ms;
	struct ktap_suite s;
	char got[128];
	int ret;

	start(&s, "xenstore_timeout", 4);
	ret = xevtchn_xs_write(NIL, BASE "/t", "stale");

	/* xenstored answers, and nobody reads the answer. */
	xevtchn_testing_xenstore(XEVTCHN_XS_TEST_DEAF, 1000);
	t0 = jiffies;
	ret = ret ?: read_error(BASE "/t");
	ms = jiffies_to_msecs(jiffies - t0);
	ktap_result(&s, ret == -ETIMEDOUT && ms >= 900 && ms < 10000,
		    "lost_reply_times_out",
		    "gave %d after %lu ms (want -ETIMEDOUT after 1000)", ret, ms);

	/* The late reply ("stale") must not be taken for this read's. */
	xevtchn_testing_xenstore(XEVTCHN_XS_TEST_NORMAL, 0);
	ret = xevtchn_xs_write(NIL, BASE "/t", "fresh");
	ret = ret ?: check_value(BASE "/t", "fresh", got, sizeof(got));
	ktap_result(&s, !ret, "late_reply_dropped", "%d, read %s", ret, got);

	/* The write is carried out; only its reply is lost. */
	xevtchn_testing_xenstore(XEVTCHN_XS_TEST_DROP_REPLIES, 1000);
	ret = xevtchn_xs_write(NIL, BASE "/t", "unacknowledged");
	xevtchn_testing_xenstore(XEVTCHN_XS_TEST_NORMAL, 0);
	ktap_result(&s, ret == -ETIMEDOUT, "dropped_reply_times_out",
		    "gave %d", ret);
	ret = check_value(BASE "/t", "unacknowledged", got, sizeof(got));
	ktap_result(&s, !ret, "request_done_though_reply_lost",
		    "%d, read %s", ret, got);
	xevtchn_xs_rm(NIL, BASE);
}

/* ---- dom0: nodes dom0 writes and reads ---------------------------------- */

static void dom0_callback(struct xevtchn_xs_watch *w, const char *path)
{
	char *val = xevtchn_xs_read(NIL, path, NULL);

	if (IS_ERR(val)) {
		snprintf(dom0_watch_value, sizeof(dom0_watch_value),
			 "error %ld", PTR_ERR(val));
	} else {
		strscpy(dom0_watch_value, val, sizeof(dom0_watch_value));
		kfree(val);
	}
	WRITE_ONCE(dom0_watch_events, dom0_watch_events + 1);
}

static struct xevtchn_xs_watch dom0_watch = {
	.path = "data/xevtchn-dom0-watch",
	.callback = dom0_callback,
};

static bool dom0_watching;

static void test_dom0(void)
{
	struct ktap_suite s;
	unsigned int i;
	char got[128];
	int ret;

	start(&s, "xenstore_dom0", 3);
	ret = check_value("data/xevtchn-dom0", dom0_value, got, sizeof(got));
	ktap_result(&s, !ret, "reads_dom0_value", "want \"%s\", read %s",
		    dom0_value, got);
	ret = xevtchn_xs_write(NIL, "data/xevtchn-guest", guest_value);
	ktap_result(&s, !ret, "writes_guest_value", "gave %d", ret);
	ret = xevtchn_xs_watch(&dom0_watch);
	dom0_watching = !ret;
	for (i = 0; !ret && i < 250 && !READ_ONCE(dom0_watch_events); i++)
		usleep_range(10000, 20000);
	ktap_result(&s, !ret && READ_ONCE(dom0_watch_events) == 1,
		    "watch_registered", "gave %d, %d events (want 1)", ret,
		    READ_ONCE(dom0_watch_events));
}

/* ---- in_flight: see the top of the file ---------------------------------- */

static void test_in_flight(void)
{
	struct ktap_suite s;
	int ret;

	start(&s, "xenstore_in_flight", 1);
	ret = xevtchn_testing_xenstore(XEVTCHN_XS_TEST_DROP_REPLIES, 0);
	in_flight = !ret;
	ktap_result(&s, !ret, "replies_dropped_from_now_on", "gave %d", ret);
}

static const struct {
	const char *name;
	void (*run)(void);
} suites[] = {
	{ "api", test_api },
	{ "timeout", test_timeout },
	{ "dom0", test_dom0 },
	{ "in_flight", test_in_flight },
};

static int __init xenstore_test_init(void)
{
	char *list, *cursor, *name;
	unsigned int i;

	list = kstrdup(suite, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cursor = list;
	while ((name = strsep(&cursor, ","))) {
		for (i = 0; i < ARRAY_SIZE(suites); i++)
			if (!strcmp(name, suites[i].name))
				suites[i].run();
	}
	kfree(list);
	return 0;
}

static void __exit xenstore_test_exit(void)
{
	if (dom0_watching)
		xevtchn_xs_unwatch(&dom0_watch);
	if (in_flight)
		xevtchn_testing_xenstore(XEVTCHN_XS_TEST_DEAF, 0);
}

module_init(xenstore_test_init);
module_exit(xenstore_test_exit);

MODULE_DESCRIPTION("xevtchn test: the xenstore client against the real xenstored");
MODULE_LICENSE("GPL");
