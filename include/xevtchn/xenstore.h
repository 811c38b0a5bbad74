/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xevtchn's xenstore client, for drivers that read and write their own
 * xenstore nodes and watch them (a frontend must find its backend again
 * after a migration). Documentation/xenstore.md says what it does and
 * what it does not do yet.
 *
 * Paths are relative to the guest's home, /local/domain/<domid>/ (as
 * "data/mydriver"), or absolute. Values are strings. Every call sleeps:
 * process context only, never in an interrupt handler. Every request
 * waits at most 30 seconds for xenstored's reply, then fails with
 * -ETIMEDOUT (5 seconds while xevtchn unloads).
 *
 * Errors, negative: -ENODEV when the guest has no xenstore connection
 * (none offered, xenstore=off, or xenstored did not answer at load);
 * -EINVAL for a NULL or empty path or a watch without a callback; -E2BIG
 * for a request beyond XENSTORE_PAYLOAD_MAX (4096 bytes of path and value
 * together; nothing is sent); -ETIMEDOUT; -EIO when the ring got out of
 * step (every request fails until xevtchn is loaded again); -ENOMEM; and
 * xenstored's own answers: -ENOENT (no such node), -EACCES (not the
 * guest's to read or write), -EAGAIN (a transaction met a conflicting
 * change: start it again), -E2BIG (beyond xenstored's quota for a value,
 * 2048 bytes by default), -EINVAL, -ENOSPC, ...; an error xevtchn does not
 * know (oxenstored's EQUOTA, say) comes as -EIO, named in the log.
 */
#ifndef _XEVTCHN_XENSTORE_H
#define _XEVTCHN_XENSTORE_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/types.h>

/**
 * struct xevtchn_xs_transaction - a xenstore transaction
 * @id: xenstored's number for it; 0 for none (XEVTCHN_XBT_NIL)
 */
struct xevtchn_xs_transaction {
	u32 id;
};

/* No transaction: the request stands on its own. */
#define XEVTCHN_XBT_NIL	((struct xevtchn_xs_transaction){ 0 })

/**
 * struct xevtchn_xs_watch - a watch on a xenstore path
 * @path: the node watched; changes to it and to every node below it fire
 * @callback: called once for each change, and once just after
 *	xevtchn_xs_watch(), with the path of the node that changed. Runs in
 *	process context, in xevtchn's watch thread, one callback at a time: it
 *	may sleep and make xenstore requests, and may unwatch its own watch.
 * @list: xevtchn's, not the driver's
 * @token: xevtchn's, not the driver's
 * @pending: xevtchn's, not the driver's
 */
struct xevtchn_xs_watch {
	const char *path;
	void (*callback)(struct xevtchn_xs_watch *watch, const char *path);
	struct list_head list;
	u32 token;
	unsigned int pending;
};

void *xevtchn_xs_read(struct xevtchn_xs_transaction t, const char *path,
		      unsigned int *len);
int xevtchn_xs_write(struct xevtchn_xs_transaction t, const char *path,
		     const char *value);
__printf(3, 4)
int xevtchn_xs_printf(struct xevtchn_xs_transaction t, const char *path,
		      const char *fmt, ...);
int xevtchn_xs_rm(struct xevtchn_xs_transaction t, const char *path);
char **xevtchn_xs_directory(struct xevtchn_xs_transaction t,
			    const char *path, unsigned int *num);
int xevtchn_xs_transaction_start(struct xevtchn_xs_transaction *t);
int xevtchn_xs_transaction_end(struct xevtchn_xs_transaction t, bool abort);
int xevtchn_xs_watch(struct xevtchn_xs_watch *watch);
void xevtchn_xs_unwatch(struct xevtchn_xs_watch *watch);

#endif /* _XEVTCHN_XENSTORE_H */
