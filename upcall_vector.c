// SPDX-License-Identifier: GPL-2.0
/*
 * upcall=vector: a vector of its own for each CPU, from x86_vector_domain,
 * given to Xen with HVMOP_set_evtchn_upcall_vector. Xen injects it on the
 * vCPU the event is for, as an edge through the local APIC (so it needs an
 * EOI, which the vector domain's chip sends in its ack). Ports can be bound
 * to any CPU.
 *
 * Xen refuses vectors below 0x10, so a per-vCPU vector can never be
 * switched off again: on unload, and when a CPU goes offline, the vCPU's
 * vector is parked on RESCHEDULE_VECTOR before ours is freed, so an
 * injection that should never come turns into a harmless spurious
 * reschedule IPI rather than reaching a device that reuses the vector. It
 * also means Xen keeps using vectors for the rest of the guest's life:
 * "intx" mode cannot work after "vector" mode in the same boot, which the
 * delivery check at load detects.
 *
 * Xen raises the vector only when it sets the vCPU's evtchn_upcall_pending
 * from 0 to 1 (vcpu_mark_events_pending(), xen/arch/x86/domain.c), so
 * while the flag stays set no event interrupts the vCPU: the upcall's rest
 * leaves it set (quiet_while_set, upcall.c).
 *
 * upcall.c calls this file only through xevtchn_upcall_vector.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/irqdomain.h>
#include <linux/percpu.h>
#include <asm/hw_irq.h>
#include <asm/irq_vectors.h>
#include <asm/irqdomain.h>
#include <xen/interface/hvm/hvm_op.h>

#include <xevtchn/hypercall.h>
#include "internal.h"

/**
 * struct vector_cpu - a CPU's upcall vector
 * @irq: its Linux IRQ, 0 when it has none
 * @name: that IRQ's name in /proc/interrupts
 */
struct vector_cpu {
	int irq;
	char name[24];
};

static DEFINE_PER_CPU(struct vector_cpu, vector_cpu);

static int set_upcall_vector(unsigned int vcpu, u8 vector)
{
	struct xen_hvm_evtchn_upcall_vector op = {
		.vcpu = vcpu,
		.vector = vector,
	};

	return xevtchn_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);
}

/* Give @cpu an upcall vector of its own and tell Xen to use it. */
static int vector_cpu_up(unsigned int cpu)
{
	struct vector_cpu *c = per_cpu_ptr(&vector_cpu, cpu);
	struct irq_affinity_desc affinity = {};
	struct irq_alloc_info info = {};
	unsigned int vcpu = xevtchn_vcpu_id(cpu);
	struct irq_data *data;
	int irq, ret;
	u8 vector;

	cpumask_copy(&affinity.mask, cpumask_of(cpu));
	info.mask = cpumask_of(cpu);
	irq = __irq_domain_alloc_irqs(x86_vector_domain, -1, 1, cpu_to_node(cpu),
				      &info, false, &affinity);
	if (irq < 0) {
		pr_err("CPU %u: no interrupt vector for the upcall (%d)\n",
		       cpu, irq);
		return irq;
	}
	__irq_set_handler(irq, handle_edge_irq, 0, "edge");
	snprintf(c->name, sizeof(c->name), "xen-upcall-cpu%u", cpu);
	ret = request_irq(irq, xevtchn_upcall_interrupt,
			  IRQF_NOBALANCING | IRQF_NO_THREAD | IRQF_NO_SUSPEND,
			  c->name, NULL);
	if (ret) {
		pr_err("CPU %u: cannot request the upcall IRQ %d (%d)\n",
		       cpu, irq, ret);
		goto dispose;
	}
	data = irq_get_irq_data(irq);
	vector = irqd_cfg(data)->vector;
	if (!cpumask_equal(irq_data_get_effective_affinity_mask(data),
			   cpumask_of(cpu))) {
		pr_err("CPU %u: the upcall vector landed on another CPU\n", cpu);
		ret = -EIO;
		goto free;
	}
	ret = set_upcall_vector(vcpu, vector);
	if (ret) {
		pr_err("CPU %u: Xen refused upcall vector 0x%x for vCPU %u (%d)\n",
		       cpu, vector, vcpu, ret);
		goto free;
	}
	c->irq = irq;
	return 0;

free:
	free_irq(irq, NULL);
dispose:
	irq_dispose_mapping(irq);
	return ret;
}

static void vector_cpu_down(unsigned int cpu)
{
	struct vector_cpu *c = per_cpu_ptr(&vector_cpu, cpu);
	unsigned int vcpu = xevtchn_vcpu_id(cpu);

	if (!c->irq)
		return;
	/* Park Xen's vector before ours goes away (see the top of the file). */
	if (set_upcall_vector(vcpu, RESCHEDULE_VECTOR))
		pr_warn("vCPU %u: could not park the upcall vector\n", vcpu);
	free_irq(c->irq, NULL);
	irq_dispose_mapping(c->irq);
	c->irq = 0;
}

/*
 * libxl takes a non-zero HVM_PARAM_CALLBACK_IRQ to mean "PV drivers"
 * (xevtchn_upcall_announce() says more). Under upcall=vector the parameter
 * is 0, and set to 1 (GSI 1) while xevtchn answers, as Linux does to "trick
 * toolstack to think we are enlightened" (xen_set_upcall_vector(),
 * arch/x86/xen/enlighten_hvm.c): Xen never raises the callback via for a
 * vCPU that has an upcall vector (hvm_assert_evtchn_irq(),
 * xen/arch/x86/hvm/irq.c of Xen 4.17, lines 314-333), and vCPU 0 keeps
 * one, parked at worst, until the guest reboots.
 */
static bool announced;

static int vector_announce(bool answering)
{
	int ret = xevtchn_set_callback_via(answering ? 1 : 0);

	if (!ret)
		announced = answering;
	return ret;
}

/*
 * After a suspend: every online CPU's vector again, from CPU 0 (Xen takes
 * HVMOP_set_evtchn_upcall_vector for any vCPU of the domain,
 * hvmop_set_evtchn_upcall_vector(), xen/arch/x86/hvm/hvm.c), as Linux's
 * xen_hvm_post_suspend() does; then the parameter as announced. A CPU
 * that is offline has its vector parked, and gets a new one when it comes
 * back (vector_cpu_up()).
 */
static int vector_resume(void)
{
	struct vector_cpu *c;
	unsigned int cpu;
	int ret;

	for_each_online_cpu(cpu) {
		c = per_cpu_ptr(&vector_cpu, cpu);
		if (!c->irq)
			continue;
		ret = set_upcall_vector(xevtchn_vcpu_id(cpu),
					irqd_cfg(irq_get_irq_data(c->irq))->vector);
		if (ret) {
			pr_err("CPU %u: Xen refused its upcall vector after the suspend (%d)\n",
			       cpu, ret);
			return ret;
		}
	}
	return xevtchn_set_callback_via(announced ? 1 : 0);
}

const struct xevtchn_upcall_ops xevtchn_upcall_vector = {
	.name		= "vector",
	.describe	= "per-vCPU vectors",
	.cpu_up		= vector_cpu_up,
	.cpu_down	= vector_cpu_down,
	.stop		= xevtchn_reset_callback_via,
	.announce	= vector_announce,
	.resume		= vector_resume,
	.quiet_while_set = true,
};
