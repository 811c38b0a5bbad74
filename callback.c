// SPDX-License-Identifier: GPL-2.0
/*
 * upcall=callback: Xen's callback vector, on the vector of the legacy PIC's
 * cascade (ISA_IRQ_VECTOR(2), 0x32), borrowed from IRQ 2 while xevtchn is
 * loaded.
 *
 * Xen's HVM_PARAM_CALLBACK_IRQ of type vector names one vector for every
 * vCPU. Xen injects it, as an external interrupt, whenever it enters a vCPU
 * whose evtchn_upcall_pending is set and which has interrupts on; it goes
 * through no local APIC register (no IRR, no ISR, no TPR check), so it
 * needs no EOI, and is injected again as long as the flag stays set (Xen
 * 4.17, xen/arch/x86/hvm/irq.c, hvm_vcpu_has_pending_irq(), lines 540-542;
 * hvm_vcpu_ack_pending_irq(), line 579: nothing to acknowledge). The
 * guest's loop clears the flag before interrupts come back on (upcall.c).
 *
 * A module cannot allocate one vector number on every CPU: the vector
 * domain hands out a vector per CPU, and every CPU's may differ. But on a
 * system with an IO-APIC the cascade's vector is free everywhere: it is
 * reserved as a system vector in the vector matrix of every CPU
 * (lapic_assign_system_vectors()), IRQ 2 is the one legacy IRQ the IO-APIC
 * does not take (io_apic_irqs = ~PIC_IRQS, with PIC_IRQS the cascade's bit),
 * so each CPU that comes online points its vector_irq[0x32] at IRQ 2's
 * descriptor (lapic_online(), __setup_vector_irq()), and nothing requests
 * IRQ 2 (native_init_IRQ() does only without an IO-APIC). Linux 6.1,
 * arch/x86/kernel/apic/vector.c, arch/x86/kernel/irqinit.c,
 * arch/x86/kernel/apic/io_apic.c.
 *
 * So, at load, xevtchn checks exactly that (callback_check()): IRQ 2 has
 * the legacy PIC's chip and no action, and some other legacy IRQ goes
 * through an IO-APIC. It then gives IRQ 2 a chip that does nothing (no
 * ack, no EOI) and a flow of its own, and forbids requesting it; the flow
 * hands the upcall to the running CPU's own IRQ, "xen-upcall-cpuN" in
 * /proc/interrupts, which counts it. At unload, once Xen no longer injects
 * the vector, IRQ 2 gets its chip, flow and flags back.
 *
 * The parameter goes back to 0 on unload, so "intx" or "callback" can
 * follow in the same boot. upcall.c calls this file only through
 * xevtchn_upcall_callback.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/i8259.h>
#include <asm/irq_vectors.h>
#include <xen/interface/features.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>

#include <xevtchn/hypercall.h>
#include <xevtchn/hypervisor.h>
#include "internal.h"

/* HVM_PARAM_CALLBACK_IRQ's encoding of the callback vector. */
#define CALLBACK_VECTOR		ISA_IRQ_VECTOR(PIC_CASCADE_IR)
#define CALLBACK_VIA_VECTOR	\
	((u64)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | CALLBACK_VECTOR)
/* xevtchn_upcall_callback.describe names them. */
static_assert(CALLBACK_VECTOR == 0x32 && PIC_CASCADE_IR == 2);

/* What xevtchn changes in IRQ 2's settings, and gives back at unload. */
#define CLAIM_SETTINGS	(IRQ_NOREQUEST | IRQ_NOPROBE)

static void callback_noop(struct irq_data *data)
{
}

/* No ack, no EOI: Xen's callback vector has no APIC state to clear. */
static const struct irq_chip callback_chip = {
	.name		= "xen-callback",
	.irq_mask	= callback_noop,
	.irq_unmask	= callback_noop,
	.flags		= IRQCHIP_SKIP_SET_WAKE,
};

/**
 * struct callback_cpu - a CPU's upcall IRQ behind the callback vector
 * @desc: its descriptor, where IRQ 2's flow sends the vector it took;
 *	NULL while the CPU has none
 * @irq: its Linux IRQ, 0 when it has none
 * @name: its name in /proc/interrupts
 */
struct callback_cpu {
	struct irq_desc *desc;
	int irq;
	char name[24];
};

static DEFINE_PER_CPU(struct callback_cpu, callback_cpu);

/* IRQ 2 as the kernel had it. */
static struct {
	const struct irq_chip *chip;
	irq_flow_handler_t handle;
	const char *name;
	unsigned int settings;
	bool claimed;
} cascade;

/* Xen injects the callback vector (from load step 6 to its undoing). */
static bool callback_on;

static bool ioapic_takes_legacy_irqs(void)
{
	struct irq_chip *chip;
	int irq;

	for (irq = 0; irq < nr_legacy_irqs(); irq++) {
		if (irq == PIC_CASCADE_IR)
			continue;
		chip = irq_get_chip(irq);
		/* "IO-APIC", or "IR-IO-APIC" behind interrupt remapping */
		if (chip && chip->name && strstr(chip->name, "IO-APIC"))
			return true;
	}
	return false;
}

/**
 * callback_check() - may upcall=callback borrow the cascade vector?
 *
 * Context: module load, step 3 (upcall.c chooses the mode).
 * Return: 0 if so; -ENODEV with the reason in the kernel log if not.
 */
static int callback_check(void)
{
	const struct xevtchn_xen_info *xen = xevtchn_xen_info();
	struct irq_chip *chip = NULL;
	const char *why = NULL;

	if (nr_legacy_irqs() > PIC_CASCADE_IR)
		chip = irq_get_chip(PIC_CASCADE_IR);
	if (!(xen->features & BIT(XENFEAT_hvm_callback_vector)))
		why = "Xen offers no callback vector (XENFEAT_hvm_callback_vector)";
	else if (nr_legacy_irqs() <= PIC_CASCADE_IR)
		why = "this machine has no legacy PIC, so vector 0x32 reaches no IRQ";
	else if (!chip || chip != legacy_pic->chip)
		why = "IRQ 2 is not the legacy PIC's cascade";
	else if (irq_has_action(PIC_CASCADE_IR))
		why = "IRQ 2 is in use (without an IO-APIC, it is the PIC's cascade)";
	else if (!ioapic_takes_legacy_irqs())
		why = "no legacy IRQ goes through an IO-APIC";
	if (why) {
		pr_err("upcall=callback refused: %s; use upcall=vector or upcall=intx\n",
		       why);
		return -ENODEV;
	}
	return 0;
}

/*
 * IRQ 2's flow on a CPU without an upcall IRQ (coming or going): clear the
 * flag, or Xen injects again as soon as interrupts are on. The events stay
 * pending in the ABI until callback_cpu_up() kicks the CPU.
 */
static void callback_no_upcall(void)
{
	unsigned int id = xevtchn_this_vcpu_id();

	if (id < MAX_VIRT_CPUS)
		WRITE_ONCE(xevtchn_shared->vcpu_info[id].evtchn_upcall_pending,
			   0);
}

static void callback_flow(struct irq_desc *unused)
{
	struct irq_desc *desc = __this_cpu_read(callback_cpu.desc);

	if (likely(desc))
		generic_handle_irq_desc(desc);
	else
		callback_no_upcall();
}

/*
 * Take IRQ 2, so that vector 0x32 reaches us; before Xen is told to inject
 * the vector. 0, or -EBUSY when IRQ 2 was requested meanwhile.
 */
static int callback_claim(void)
{
	struct irq_data *data = irq_get_irq_data(PIC_CASCADE_IR);
	struct irq_desc *desc = irq_data_to_desc(data);

	cascade.chip = data->chip;
	cascade.handle = desc->handle_irq;
	cascade.name = desc->name;
	cascade.settings = desc->status_use_accessors & CLAIM_SETTINGS;
	irq_modify_status(PIC_CASCADE_IR, 0, CLAIM_SETTINGS);
	if (irq_has_action(PIC_CASCADE_IR)) {
		irq_modify_status(PIC_CASCADE_IR, CLAIM_SETTINGS,
				  cascade.settings);
		pr_err("upcall=callback: IRQ 2 was requested meanwhile\n");
		return -EBUSY;
	}
	irq_set_chip(PIC_CASCADE_IR, &callback_chip);
	__irq_set_handler(PIC_CASCADE_IR, callback_flow, 0, "xen-callback");
	cascade.claimed = true;
	return 0;
}

static void callback_sync(void *unused)
{
}

/*
 * Give IRQ 2 back as the kernel had it. Xen has stopped injecting the
 * vector (HVM_PARAM_CALLBACK_IRQ is 0) and picks it no more; but a vCPU
 * may have picked it just before, and takes it when it next enters the
 * guest. Xen injects one event per entry, so an IPI sent now reaches each
 * CPU only after that: once every CPU has run one, no vector 0x32 from Xen
 * is on its way. Process context.
 */
static void callback_release(void)
{
	if (!cascade.claimed)
		return;
	on_each_cpu(callback_sync, NULL, 1);
	__irq_set_handler(PIC_CASCADE_IR, cascade.handle, 0, cascade.name);
	irq_set_chip(PIC_CASCADE_IR, cascade.chip);
	irq_modify_status(PIC_CASCADE_IR, CLAIM_SETTINGS, cascade.settings);
	cascade.claimed = false;
}

/*
 * Have Xen inject the callback vector on this CPU now (the flag set, then a
 * harmless hypercall, on whose way back Xen injects it) and see it reach
 * the CPU's upcall: it takes what came while the CPU had none, and proves
 * that vector 0x32 leads here. Interrupts on; may sleep.
 */
static int callback_kick(void *unused)
{
	unsigned int cpu = smp_processor_id();
	struct vcpu_info *vi = xevtchn_vcpu_info(cpu);
	unsigned long before = xevtchn_upcalls(cpu);
	struct xen_hvm_param param = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
	};
	int i;

	for (i = 0; i < 10; i++) {
		WRITE_ONCE(vi->evtchn_upcall_pending, 1);
		xevtchn_hvm_op(HVMOP_get_param, &param);
		if (xevtchn_upcalls(cpu) != before)
			return 0;
		usleep_range(1000, 2000);
	}
	WRITE_ONCE(vi->evtchn_upcall_pending, 0);
	pr_err("CPU %u: Xen's callback vector 0x%x never reached IRQ %u\n",
	       smp_processor_id(), CALLBACK_VECTOR, PIC_CASCADE_IR);
	return -EIO;
}

/*
 * Take @cpu's upcall IRQ away. Runs on @cpu (an AP state's hotplug
 * callback), so no flow of its own is using the IRQ meanwhile.
 */
static void callback_cpu_down(unsigned int cpu)
{
	struct callback_cpu *c = per_cpu_ptr(&callback_cpu, cpu);

	if (!c->irq)
		return;
	WRITE_ONCE(c->desc, NULL);
	free_irq(c->irq, NULL);
	irq_free_desc(c->irq);
	c->irq = 0;
}

/*
 * Give @cpu its upcall IRQ behind the callback vector: from now on IRQ 2's
 * flow on @cpu runs the upcall through it. Then kick it if Xen injects the
 * vector already (else the flag set has it injected when it starts). Runs
 * on @cpu: an AP state's hotplug callback.
 */
static int callback_cpu_up(unsigned int cpu)
{
	struct callback_cpu *c = per_cpu_ptr(&callback_cpu, cpu);
	int irq, ret;

	/*
	 * No owner: request_irq() takes a reference on a descriptor's owner,
	 * and with xevtchn as the owner (irq_alloc_desc() names the caller's
	 * module) rmmod would refuse (-EAGAIN) before our own exit could free
	 * the IRQ. The per-vCPU vector's descriptors, from the vector domain,
	 * have none either.
	 */
	irq = __irq_alloc_descs(-1, 0, 1, cpu_to_node(cpu), NULL, NULL);
	if (irq < 0) {
		pr_err("CPU %u: no IRQ for the upcall (%d)\n", cpu, irq);
		return irq;
	}
	irq_set_chip_and_handler_name(irq, &callback_chip, handle_simple_irq,
				      "simple");
	snprintf(c->name, sizeof(c->name), "xen-upcall-cpu%u", cpu);
	ret = request_irq(irq, xevtchn_upcall_interrupt,
			  IRQF_PERCPU | IRQF_NOBALANCING | IRQF_NO_THREAD |
			  IRQF_NO_SUSPEND, c->name, NULL);
	if (ret) {
		pr_err("CPU %u: cannot request the upcall IRQ %d (%d)\n",
		       cpu, irq, ret);
		irq_free_desc(irq);
		return ret;
	}
	c->irq = irq;
	WRITE_ONCE(c->desc, irq_data_to_desc(irq_get_irq_data(irq)));
	if (READ_ONCE(callback_on))
		ret = callback_kick(NULL);
	else
		WRITE_ONCE(xevtchn_vcpu_info(cpu)->evtchn_upcall_pending, 1);
	if (ret)
		callback_cpu_down(cpu);
	return ret;
}

/* Xen stops injecting the vector, then IRQ 2 goes back. */
static void callback_stop(void)
{
	WRITE_ONCE(callback_on, false);
	xevtchn_reset_callback_via();
	callback_release();
}

/* Borrow IRQ 2 for the callback vector, then have Xen inject it. */
static int callback_start(void)
{
	unsigned int cpu;
	int ret;

	ret = callback_claim();
	if (ret)
		return ret;
	ret = xevtchn_set_callback_via(CALLBACK_VIA_VECTOR);
	if (ret) {
		pr_err("Xen refused the callback vector 0x%x (%d)\n",
		       CALLBACK_VECTOR, ret);
		callback_release();
		return ret;
	}
	/* Does vector 0x32 reach us on every CPU? Those to come check too. */
	cpus_read_lock();
	WRITE_ONCE(callback_on, true);
	for_each_online_cpu(cpu) {
		ret = smp_call_on_cpu(cpu, callback_kick, NULL, false);
		if (ret)
			break;
	}
	cpus_read_unlock();
	if (ret)
		callback_stop();
	return ret;
}

/*
 * After a suspend: the parameter again (the new domain has none). Each
 * CPU keeps its upcall IRQ, and IRQ 2 stays ours. Interrupts are off: no
 * kick; Xen injects the vector once a CPU's flag is set.
 */
static int callback_resume(void)
{
	if (!READ_ONCE(callback_on))
		return 0;
	return xevtchn_set_callback_via(CALLBACK_VIA_VECTOR);
}

const struct xevtchn_upcall_ops xevtchn_upcall_callback = {
	.name		= "callback",
	.describe	= "Xen's callback vector 0x32 (IRQ 2's)",
	.check		= callback_check,
	.cpu_up		= callback_cpu_up,
	.cpu_down	= callback_cpu_down,
	.start		= callback_start,
	.stop		= callback_stop,
	.resume		= callback_resume,
	.hold_pending	= true,
};
