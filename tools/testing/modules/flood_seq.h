/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flood test's numbered loopback (xevtchn_flood_test.c): a sender
 * thread writes a number, notifies, and waits until a handler run has
 * read it; the handler keeps the highest number it read, and counts the
 * numbers it never read (skipped: lost, unless a later one came first)
 * and the runs that read nothing new (repeated: doubled). The flood must
 * change none of that. Included once, after flood_layer.h.
 */
#ifndef XEVTCHN_TEST_FLOOD_SEQ_H
#define XEVTCHN_TEST_FLOOD_SEQ_H

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/wait.h>

/* How long the sender waits for a handler to read its number. */
#define TOKEN_WAIT	(5 * HZ)

/**
 * struct seq_loop - the loopback whose numbered events must all arrive
 * @rx: the bound port (on CPU 0)
 * @tx: the port the sender notifies
 * @irq: @rx's IRQ
 * @last_sent: the sender's last number, written before its notify
 * @seen: the highest number a handler run has read
 * @handled: handler runs that read a new number
 * @skipped: numbers no handler run read (one came after them)
 * @repeated: handler runs that read no new number
 * @sent: numbers sent (sender only)
 * @waits_in_vain: numbers not read within TOKEN_WAIT
 * @send_errors: notifies that failed
 * @lateeoi: bound with late EOI (mode=lateeoi): the handler EOIs each event
 */
struct seq_loop {
	evtchn_port_t rx, tx;
	int irq;
	unsigned long last_sent, seen, handled, skipped, repeated;
	unsigned long sent, waits_in_vain, send_errors;
	bool lateeoi;
};

static struct seq_loop lb;
/* The sender waits here for a handler to read its number. */
static DECLARE_WAIT_QUEUE_HEAD(seq_wq);

/* genirq runs one handler of an IRQ at a time: only the reads race. */
static irqreturn_t seq_interrupt(int irq, void *unused)
{
	unsigned long v = READ_ONCE(lb.last_sent);

	if (v <= lb.seen) {
		WRITE_ONCE(lb.repeated, lb.repeated + 1);
	} else {
		WRITE_ONCE(lb.skipped, lb.skipped + v - lb.seen - 1);
		WRITE_ONCE(lb.handled, lb.handled + 1);
		WRITE_ONCE(lb.seen, v);
		wake_up(&seq_wq);
	}
	if (lb.lateeoi)
		xen_irq_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

static int seq_sender(void *unused)
{
	unsigned long seq;

	while (!kthread_should_stop()) {
		seq = lb.sent + 1;
		WRITE_ONCE(lb.last_sent, seq);
		/* The hypercall orders the write before the event. */
		if (send_event(lb.tx)) {
			lb.send_errors++;
			while (!kthread_should_stop())
				msleep(20);
			break;
		}
		WRITE_ONCE(lb.sent, seq);
		if (!wait_event_timeout(seq_wq, READ_ONCE(lb.seen) >= seq,
					TOKEN_WAIT))
			lb.waits_in_vain++;
		usleep_range(1000, 2000);
	}
	return 0;
}

#endif /* XEVTCHN_TEST_FLOOD_SEQ_H */
