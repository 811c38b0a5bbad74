// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/xevtchn/ports: every bound port, one line each.
 *
 *   port  irq  type     cpu  masked  pending  events  chip
 *      5   24  evtchn     1  no      no          100  xen-dyn-edge
 *      7   25  evtchn     0  yes     no            3  (closing)
 *
 * "masked" and "pending" are the port's bits at the time of reading;
 * "events" counts the events the upcall took from the port. A port whose
 * IRQ was unbound shows "(closing)" until its deferred close is done. A
 * lateeoi port (lateeoi.c) adds, after its chip, its spurious EOIs in a
 * row, the delay its last EOI got, and whether an EOI is owed ("eoi=owed":
 * the port stays masked until it comes), delayed, or not ("eoi=-"):
 *
 *      9   28  evtchn     0  yes     no            5  xen-dyn-lateeoi ...
 *         ... spurious=3 delay=8ms eoi=delayed
 *
 * /sys/kernel/debug/xevtchn/upcalls: per online CPU, the upcalls it took
 * and the passes that ran out of budget and rested (upcall.c).
 *
 *   # budget 4096 events, 2000 us; rest 4000 us
 *     cpu      upcalls        rests
 *       0        12345            0
 */

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/irq.h>
#include <linux/seq_file.h>

#include "internal.h"

static struct dentry *dir;

static void show_port(struct seq_file *m, struct xevtchn_irq *info)
{
	char type[16];

	switch (info->type) {
	case XEVTCHN_PORT_VIRQ:
		snprintf(type, sizeof(type), "virq %u", info->virq);
		break;
	case XEVTCHN_PORT_IPI:
		snprintf(type, sizeof(type), "ipi %u", info->ipi);
		break;
	case XEVTCHN_PORT_PIRQ:
		snprintf(type, sizeof(type), "pirq %u", info->pirq);
		break;
	default:
		snprintf(type, sizeof(type), "evtchn");
		break;
	}
	if (!info->port) {	/* none since a resume (resume.c) */
		seq_printf(m, "%6s %5u  %-8s %4u  %-6s  %-7s %8ld  %s (no port since the resume)\n",
			   "-", info->irq, type, READ_ONCE(info->cpu), "-",
			   "-", atomic_long_read(&info->events),
			   irq_get_chip(info->irq)->name);
		return;
	}
	seq_printf(m, "%6u %5u  %-8s %4u  %-6s  %-7s %8ld  %s", info->port,
		   info->irq, type, READ_ONCE(info->cpu),
		   xevtchn_abi->is_masked(info->port) ? "yes" : "no",
		   xevtchn_abi->is_pending(info->port) ? "yes" : "no",
		   atomic_long_read(&info->events),
		   info->dying ? "(closing)" : irq_get_chip(info->irq)->name);
	if (info->lateeoi && !info->dying) {
		struct xevtchn_eoi_state eoi;

		xevtchn_lateeoi_state(info, &eoi);
		seq_printf(m, " spurious=%u delay=%ums eoi=%s", eoi.spurious,
			   eoi.delay_ms, eoi.delayed ? "delayed" :
			   eoi.owed ? "owed" : "-");
	}
	seq_putc(m, '\n');
}

static int ports_show(struct seq_file *m, void *unused)
{
	struct xevtchn_irq *info;
	evtchn_port_t port;

	unsigned long irq;

	seq_printf(m, "# upcall=%s abi=%s\n", xevtchn_upcall_mode(),
		   xevtchn_abi->name);
	if (xevtchn_resume_count())
		seq_printf(m, "# resumed in a new domain %u times\n",
			   xevtchn_resume_count());
	seq_puts(m, "  port   irq  type      cpu  masked  pending   events  chip\n");
	mutex_lock(&xevtchn_bind_mutex);
	for (port = 0; (info = xevtchn_next_port(&port, true)); port++)
		show_port(m, info);
	/* Bindings a resume left without a port (resume.c): "-" for it. */
	for (irq = 0; (info = xevtchn_next_binding(&irq)); irq++)
		if (!info->port)
			show_port(m, info);
	mutex_unlock(&xevtchn_bind_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ports);

static int upcalls_show(struct seq_file *m, void *unused)
{
	unsigned int cpu;

	seq_printf(m, "# budget %u events, %ld us; rest %ld us\n",
		   XEVTCHN_BUDGET_EVENTS, XEVTCHN_BUDGET_NS / NSEC_PER_USEC,
		   XEVTCHN_REST_NS / NSEC_PER_USEC);
	seq_puts(m, "  cpu      upcalls        rests\n");
	for_each_online_cpu(cpu)
		seq_printf(m, "%5u %12lu %12lu\n", cpu, xevtchn_upcalls(cpu),
			   xevtchn_upcall_rests(cpu));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(upcalls);

void xevtchn_debugfs_init(void)
{
	dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("ports", 0444, dir, NULL, &ports_fops);
	debugfs_create_file("upcalls", 0444, dir, NULL, &upcalls_fops);
}

void xevtchn_debugfs_exit(void)
{
	debugfs_remove_recursive(dir);
	dir = NULL;
}
