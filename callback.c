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
 * So, at load, xevtchn checks exactly that (xevtchn_callback_check()): IRQ
 * 2 has the legacy PIC's chip and no action, and some other legacy IRQ
 * goes through an IO-APIC. It then gives IRQ 2 a chip that does nothing
 * (no ack, no EOI) and a flow of its own, and forbids requesting it; the
 * flow hands the upcall to the running CPU's own IRQ, "xen-upcall-cpuN"
 * in /proc/interrupts, which counts it. At unload, once Xen no longer
 * injects the vector, IRQ 2 gets its chip, flow and flags back.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/i8259.h>
#include <xen/interface/features.h>

#include <xevtchn/hypervisor.h>
#include "internal.h"

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

/* Each CPU's upcall IRQ, where the flow sends the vector it took. */
static DEFINE_PER_CPU(struct irq_desc *, cpu_upcall);

/* IRQ 2 as the kernel had it, and what to do on a CPU without an upcall. */
static struct {
	const struct irq_chip *chip;
	irq_flow_handler_t handle;
	const char *name;
	unsigned int settings;
	void (*no_upcall)(void);
	bool claimed;
} cascade;

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
 * xevtchn_callback_check() - may upcall=callback borrow the cascade vector?
 *
 * Context: module load, step 3 (upcall.c chooses the mode).
 * Return: 0 if so; -ENODEV with the reason in the kernel log if not.
 */
int xevtchn_callback_check(void)
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

static void callback_flow(struct irq_desc *unused)
{
	struct irq_desc *desc = __this_cpu_read(cpu_upcall);

	if (likely(desc))
		generic_handle_irq_desc(desc);
	else
		cascade.no_upcall();
}

/**
 * xevtchn_callback_claim() - take IRQ 2, so that vector 0x32 reaches us
 * @no_upcall: called from IRQ 2's flow on a CPU that has no upcall IRQ
 *	(xevtchn_callback_cpu_up()); must stop Xen from injecting again
 *
 * Call before Xen is told to inject the vector.
 *
 * Context: module load, step 6 (upcall.c), after xevtchn_callback_check().
 * Return: 0, or -EBUSY when IRQ 2 was requested meanwhile.
 */
int xevtchn_callback_claim(void (*no_upcall)(void))
{
	struct irq_data *data = irq_get_irq_data(PIC_CASCADE_IR);
	struct irq_desc *desc = irq_data_to_desc(data);

	cascade.chip = data->chip;
	cascade.handle = desc->handle_irq;
	cascade.name = desc->name;
	cascade.settings = desc->status_use_accessors & CLAIM_SETTINGS;
	cascade.no_upcall = no_upcall;
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

/**
 * xevtchn_callback_release() - give IRQ 2 back as the kernel had it
 *
 * Xen has stopped injecting the vector (HVM_PARAM_CALLBACK_IRQ is 0) and
 * picks it no more; but a vCPU may have picked it just before, and takes
 * it when it next enters the guest. Xen injects one event per entry, so an
 * IPI sent now reaches each CPU only after that: once every CPU has run
 * one, no vector 0x32 from Xen is on its way.
 *
 * Context: module unload, step 6 undone (upcall.c); process context.
 */
void xevtchn_callback_release(void)
{
	if (!cascade.claimed)
		return;
	on_each_cpu(callback_sync, NULL, 1);
	__irq_set_handler(PIC_CASCADE_IR, cascade.handle, 0, cascade.name);
	irq_set_chip(PIC_CASCADE_IR, cascade.chip);
	irq_modify_status(PIC_CASCADE_IR, CLAIM_SETTINGS, cascade.settings);
	cascade.claimed = false;
}

/**
 * xevtchn_callback_cpu_up() - give @cpu its upcall IRQ
 * @cpu: the CPU coming online; runs on it
 * @handler: the upcall, run as the IRQ's handler
 * @name: the IRQ's name in /proc/interrupts
 *
 * From now on IRQ 2's flow on @cpu runs @handler, through this IRQ.
 *
 * Context: the CPU hotplug callback (upcall.c via cpu.c).
 * Return: the Linux IRQ, or a negative errno with the reason in the log.
 */
int xevtchn_callback_cpu_up(unsigned int cpu, irq_handler_t handler,
			    const char *name)
{
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
	ret = request_irq(irq, handler,
			  IRQF_PERCPU | IRQF_NOBALANCING | IRQF_NO_THREAD |
			  IRQF_NO_SUSPEND, name, NULL);
	if (ret) {
		pr_err("CPU %u: cannot request the upcall IRQ %d (%d)\n",
		       cpu, irq, ret);
		irq_free_desc(irq);
		return ret;
	}
	WRITE_ONCE(per_cpu(cpu_upcall, cpu),
		   irq_data_to_desc(irq_get_irq_data(irq)));
	return irq;
}

/**
 * xevtchn_callback_cpu_down() - take @cpu's upcall IRQ away
 * @cpu: the CPU going offline; runs on it, so no flow of its own is
 *	using the IRQ meanwhile
 * @irq: what xevtchn_callback_cpu_up() returned
 *
 * Context: the CPU hotplug callback (upcall.c via cpu.c).
 */
void xevtchn_callback_cpu_down(unsigned int cpu, int irq)
{
	WRITE_ONCE(per_cpu(cpu_upcall, cpu), NULL);
	free_irq(irq, NULL);
	irq_free_desc(irq);
}
