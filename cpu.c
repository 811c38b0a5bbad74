// SPDX-License-Identifier: GPL-2.0
/*
 * Each CPU's part of the event layer, set up as the CPU comes online (and
 * for every online CPU at load) and taken down as it goes offline: the
 * CPU hotplug callbacks, in the order each part needs the one before.
 *
 *   online:  its vCPU and vcpu_info slot (upcall.c), its part of the ABI
 *            (a FIFO control block), its upcall (the mode's, through
 *            upcall.c); from then on it takes ports
 *   offline: it takes no new ports, its dynamic ports move to other CPUs,
 *            its upcall stops, the ABI takes what is left in its queues
 *
 * This file sits above upcall.c and the ABI and calls down into both; it
 * is the only caller of their per-CPU parts.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/irq.h>
#include <linux/mutex.h>

#include "internal.h"

static enum cpuhp_state hotplug_state;

/*
 * Move every dynamic port off @cpu, which is going offline: it takes no new
 * ports any more, and its upcall still runs. Each port goes to another CPU
 * of its affinity mask, the least loaded one (the chip chooses); only a
 * port whose mask names no other online CPU loses its affinity, as genirq's
 * own migration does then.
 */
static void move_ports_off(unsigned int cpu)
{
	static struct cpumask dest;	/* under xevtchn_bind_mutex */
	struct xevtchn_irq *info;
	struct irq_data *data;
	evtchn_port_t port;
	int ret;

	if (!xevtchn_ports_can_move())
		return;
	mutex_lock(&xevtchn_bind_mutex);
	for (port = 0; (info = xevtchn_next_port(&port, false)); port++) {
		if (info->percpu || READ_ONCE(info->cpu) != cpu)
			continue;
		data = irq_get_irq_data(info->irq);
		cpumask_and(&dest, irq_data_get_affinity_mask(data),
			    cpu_online_mask);
		cpumask_clear_cpu(cpu, &dest);
		if (cpumask_empty(&dest)) {
			pr_info("IRQ %u (port %u): no other online CPU in its affinity; it may run on any\n",
				info->irq, port);
			cpumask_andnot(&dest, cpu_online_mask, cpumask_of(cpu));
		}
		ret = irq_set_affinity(info->irq, &dest);
		if (ret)
			pr_warn("port %u (IRQ %u) could not leave CPU %u (%d)\n",
				port, info->irq, cpu, ret);
	}
	mutex_unlock(&xevtchn_bind_mutex);
}

static int xevtchn_cpu_online(unsigned int cpu)
{
	int ret;

	ret = xevtchn_upcall_cpu_prepare(cpu);
	if (ret)
		return ret;
	ret = xevtchn_abi->cpu_up(cpu);
	if (ret)
		return ret;
	ret = xevtchn_upcall_cpu_up(cpu);
	if (ret)
		xevtchn_abi_cpu_down(cpu);
	return ret;
}

/*
 * Take no new ports, move ours away, stop the upcall, then take what is
 * left (the ABI then knows no upcall of this CPU walks its events).
 */
static int xevtchn_cpu_offline(unsigned int cpu)
{
	xevtchn_upcall_cpu_close(cpu);
	move_ports_off(cpu);
	xevtchn_upcall_cpu_down(cpu);
	xevtchn_abi_cpu_down(cpu);
	return 0;
}

/**
 * xevtchn_cpus_init() - set up every online CPU's part, and each CPU's as
 *	it comes online
 *
 * Context: module load, step 5 (main.c), the ABI chosen.
 * Return: 0, or a negative errno with the reason in the kernel log; then
 * no CPU has a part set up.
 */
int xevtchn_cpus_init(void)
{
	int ret;

	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "xevtchn:online",
				xevtchn_cpu_online, xevtchn_cpu_offline);
	if (ret < 0) {
		pr_err("cannot set up the upcall on every CPU (%d)\n", ret);
		return ret;
	}
	hotplug_state = ret;
	return 0;
}

/**
 * xevtchn_cpus_exit() - take every CPU's part down
 *
 * Context: module unload, step 5 undone (main.c): every port is closed.
 */
void xevtchn_cpus_exit(void)
{
	cpuhp_remove_state(hotplug_state);
}
