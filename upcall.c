// SPDX-License-Identifier: GPL-2.0
/*
 * shared_info, the vCPUs, and how Xen tells a vCPU that events are pending.
 *
 * shared_info: Xen's page with the event bitmaps and, for the first 32
 * vCPUs, their vcpu_info, mapped by shared_info.c.
 *
 * vcpu_info: the legacy slots in shared_info, so at most 32 vCPUs.
 * VCPUOP_register_vcpu_info would lift that limit, but Xen can never undo
 * it: the registered memory would belong to Xen until the guest reboots,
 * which a module that can be unloaded must not do.
 *
 * The upcall, three ways:
 *
 * - "vector" (preferred, when Xen advertises XEN_HVM_CPUID_UPCALL_VECTOR):
 *   each CPU gets a vector of its own from x86_vector_domain and tells Xen
 *   with HVMOP_set_evtchn_upcall_vector. Xen injects it on the vCPU the
 *   event is for, as an edge through the local APIC (so it needs an EOI,
 *   which the vector domain's chip sends in its ack). Ports can be bound to
 *   any CPU. Xen refuses vectors below 0x10, so a per-vCPU vector can never
 *   be switched off again: on unload, and when a CPU goes offline, the vCPU's
 *   vector is parked on RESCHEDULE_VECTOR before ours is freed, so an
 *   injection that should never come turns into a harmless spurious
 *   reschedule IPI rather than reaching a device that reuses the vector.
 *   It also means Xen keeps using vectors for the rest of the guest's life:
 *   "intx" mode cannot work after "vector" mode in the same boot, which the
 *   delivery check at load detects.
 *
 * - "callback" (opt-in): Xen's callback vector (HVM_PARAM_CALLBACK_IRQ of
 *   type vector), one for every vCPU, injected while the vCPU's
 *   evtchn_upcall_pending is set, without the local APIC: no EOI. It is the
 *   legacy PIC cascade's vector, borrowed from IRQ 2 (callback.c says why
 *   that is safe); each CPU's upcall is an IRQ of its own behind it. Ports
 *   can be bound to any CPU. The parameter goes back to 0 on unload, so
 *   "intx" or "callback" can follow in the same boot.
 *
 * - "intx": the Xen platform PCI device's interrupt line
 *   (HVM_PARAM_CALLBACK_IRQ). Xen raises it, level-triggered, while vCPU 0
 *   has an upcall pending, and only for vCPU 0: every port lives on CPU 0
 *   and cannot move.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <asm/hw_irq.h>
#include <asm/i8259.h>
#include <asm/irq_vectors.h>
#include <asm/irqdomain.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/xen.h>
#include <xen/interface/hvm/hvm_op.h>
#include <xen/interface/hvm/params.h>

#include <xevtchn/hypercall.h>
#include <xevtchn/hypervisor.h>
#include "internal.h"

#define PCI_VENDOR_ID_XEN_PLATFORM	0x5853
#define PCI_DEVICE_ID_XEN_PLATFORM	0x0001

static char *upcall = "auto";
module_param(upcall, charp, 0444);
MODULE_PARM_DESC(upcall,
		 "how Xen signals events: auto (vector when Xen offers it), vector (per-vCPU upcall vectors), callback (Xen's callback vector, no EOI), intx (Xen platform PCI device interrupt, CPU 0 only)");

enum upcall_mode { UPCALL_VECTOR, UPCALL_CALLBACK, UPCALL_INTX };
static enum upcall_mode mode;

/**
 * struct xevtchn_cpu - per-CPU upcall state
 * @vcpu_id: Xen's id of the vCPU this CPU runs on
 * @vcpu_info: its slot in shared_info
 * @upcall_irq: the Linux IRQ of its upcall (vector and callback modes)
 * @upcall_name: that IRQ's name in /proc/interrupts
 * @ready: this CPU takes events
 * @upcalls: upcalls taken on this CPU
 */
struct xevtchn_cpu {
	unsigned int vcpu_id;
	struct vcpu_info *vcpu_info;
	int upcall_irq;
	char upcall_name[24];
	bool ready;
	unsigned long upcalls;
};

static DEFINE_PER_CPU(struct xevtchn_cpu, xevtchn_cpu);
static struct pci_dev *platform_dev;

unsigned int xevtchn_vcpu_id(unsigned int cpu)
{
	return per_cpu(xevtchn_cpu, cpu).vcpu_id;
}

struct vcpu_info *xevtchn_vcpu_info(unsigned int cpu)
{
	return per_cpu(xevtchn_cpu, cpu).vcpu_info;
}

static const char *const mode_names[] = {
	[UPCALL_VECTOR] = "vector",
	[UPCALL_CALLBACK] = "callback",
	[UPCALL_INTX] = "intx",
};

const char *xevtchn_upcall_mode(void)
{
	return mode_names[mode];
}

/* Under INTx only CPU 0 hears about events, so ports cannot move. */
bool xevtchn_ports_can_move(void)
{
	return mode != UPCALL_INTX;
}

/* Can ports be bound to @cpu? */
bool xevtchn_cpu_takes_ports(unsigned int cpu)
{
	if (cpu >= nr_cpu_ids || !READ_ONCE(per_cpu(xevtchn_cpu, cpu).ready))
		return false;
	return xevtchn_ports_can_move() || cpu == 0;
}

/*
 * Under upcall=callback, scan with evtchn_upcall_pending held set: for the
 * callback vector, Xen kicks the vCPU (an IPI, an exit) each time it sets
 * the flag from 0 to 1, where the vLAPIC's IRR bit spares the per-vCPU
 * vector all but the first (Xen 4.17, xen/arch/x86/hvm/irq.c, lines
 * 314-333; xen/arch/x86/hvm/vlapic.c, lines 180-183). The flag is cleared
 * only when a scan found nothing; one more scan then takes what came before
 * the clear, for which Xen, finding the flag set, raised nothing; if it
 * found some, the flag is held again. Documentation/events.md says more.
 */
static void upcall_held(unsigned int cpu, struct vcpu_info *vi)
{
	for (;;) {
		while (xevtchn_abi->handle_events(cpu))
			;
		WRITE_ONCE(vi->evtchn_upcall_pending, 0);
		virt_mb();	/* the clear before the scan's reads */
		if (!xevtchn_abi->handle_events(cpu)) {
			virt_rmb();	/* Xen may have set it meanwhile */
			if (!READ_ONCE(vi->evtchn_upcall_pending))
				return;
		}
		WRITE_ONCE(vi->evtchn_upcall_pending, 1);	/* held again */
	}
}

/*
 * The upcall: take the events pending for @cpu's vCPU until Xen stops
 * raising more. Runs in hard IRQ context; the port table is read under RCU.
 */
static void xevtchn_upcall(unsigned int cpu)
{
	struct vcpu_info *vi = xevtchn_vcpu_info(cpu);

	per_cpu(xevtchn_cpu, cpu).upcalls++;
	rcu_read_lock();
	if (mode == UPCALL_CALLBACK) {
		upcall_held(cpu, vi);
	} else {
		do {
			WRITE_ONCE(vi->evtchn_upcall_pending, 0);
			xevtchn_abi->handle_events(cpu);
			virt_rmb();	/* Xen may set it again meanwhile */
		} while (READ_ONCE(vi->evtchn_upcall_pending));
	}
	rcu_read_unlock();
}

unsigned long xevtchn_upcalls(unsigned int cpu)
{
	return per_cpu(xevtchn_cpu, cpu).upcalls;
}

/* A CPU's own upcall IRQ: its vector (vector mode) or callback.c's. */
static irqreturn_t upcall_cpu_interrupt(int irq, void *unused)
{
	xevtchn_upcall(smp_processor_id());
	return IRQ_HANDLED;
}

static irqreturn_t upcall_intx_interrupt(int irq, void *unused)
{
	if (!READ_ONCE(xevtchn_vcpu_info(0)->evtchn_upcall_pending))
		return IRQ_NONE;	/* the line may be shared */
	xevtchn_upcall(0);
	return IRQ_HANDLED;
}

static int set_upcall_vector(unsigned int vcpu, u8 vector)
{
	struct xen_hvm_evtchn_upcall_vector op = {
		.vcpu = vcpu,
		.vector = vector,
	};

	return xevtchn_hvm_op(HVMOP_set_evtchn_upcall_vector, &op);
}

/* HVM_PARAM_CALLBACK_IRQ's encoding of a PCI device's interrupt pin. */
static u64 callback_via_pci_intx(struct pci_dev *pdev)
{
	return (u64)HVM_PARAM_CALLBACK_TYPE_PCI_INTX << 56 |
	       (u64)pci_domain_nr(pdev->bus) << 32 |
	       (u64)pdev->bus->number << 16 | (u64)pdev->devfn << 8 |
	       (u64)((pdev->pin - 1) & 3);
}

static int set_callback_via(u64 via)
{
	struct xen_hvm_param param = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = via,
	};

	return xevtchn_hvm_op(HVMOP_set_param, &param);
}

/* HVM_PARAM_CALLBACK_IRQ's encoding of the callback vector (callback.c). */
#define CALLBACK_VECTOR		ISA_IRQ_VECTOR(PIC_CASCADE_IR)
#define CALLBACK_VIA_VECTOR	\
	((u64)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 | CALLBACK_VECTOR)

/* Give @cpu an upcall vector of its own and tell Xen to use it. */
static int vector_cpu_up(unsigned int cpu, struct xevtchn_cpu *c)
{
	struct irq_affinity_desc affinity = {};
	struct irq_alloc_info info = {};
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
	snprintf(c->upcall_name, sizeof(c->upcall_name), "xen-upcall-cpu%u",
		 cpu);
	ret = request_irq(irq, upcall_cpu_interrupt,
			  IRQF_NOBALANCING | IRQF_NO_THREAD | IRQF_NO_SUSPEND,
			  c->upcall_name, NULL);
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
	ret = set_upcall_vector(c->vcpu_id, vector);
	if (ret) {
		pr_err("CPU %u: Xen refused upcall vector 0x%x for vCPU %u (%d)\n",
		       cpu, vector, c->vcpu_id, ret);
		goto free;
	}
	c->upcall_irq = irq;
	return 0;

free:
	free_irq(irq, NULL);
dispose:
	irq_dispose_mapping(irq);
	return ret;
}

static void vector_cpu_down(struct xevtchn_cpu *c)
{
	if (!c->upcall_irq)
		return;
	/* Park Xen's vector before ours goes away (see the top of the file). */
	if (set_upcall_vector(c->vcpu_id, RESCHEDULE_VECTOR))
		pr_warn("vCPU %u: could not park the upcall vector\n",
			c->vcpu_id);
	free_irq(c->upcall_irq, NULL);
	irq_dispose_mapping(c->upcall_irq);
	c->upcall_irq = 0;
}

/* Xen injects the callback vector (from load step 6 to its undoing). */
static bool callback_on;

/*
 * Have Xen inject the callback vector on this CPU now (the flag set, then a
 * harmless hypercall, on whose way back Xen injects it) and see it reach
 * the CPU's upcall: it takes what came while the CPU had none, and proves
 * that vector 0x32 leads here. Interrupts on; may sleep.
 */
static int callback_kick(void *unused)
{
	struct xevtchn_cpu *c = this_cpu_ptr(&xevtchn_cpu);
	unsigned long before = READ_ONCE(c->upcalls);
	struct xen_hvm_param param = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
	};
	int i;

	for (i = 0; i < 10; i++) {
		WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending, 1);
		xevtchn_hvm_op(HVMOP_get_param, &param);
		if (READ_ONCE(c->upcalls) != before)
			return 0;
		usleep_range(1000, 2000);
	}
	WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending, 0);
	pr_err("CPU %u: Xen's callback vector 0x%x never reached IRQ %u\n",
	       smp_processor_id(), CALLBACK_VECTOR, PIC_CASCADE_IR);
	return -EIO;
}

static void callback_cpu_down(unsigned int cpu, struct xevtchn_cpu *c)
{
	if (!c->upcall_irq)
		return;
	xevtchn_callback_cpu_down(cpu, c->upcall_irq);
	c->upcall_irq = 0;
}

/*
 * Give @cpu its upcall IRQ behind the callback vector (callback.c), and
 * kick it if Xen injects the vector already (else the flag set has it
 * injected when it starts). Runs on @cpu: an AP state's hotplug callback.
 */
static int callback_cpu_up(unsigned int cpu, struct xevtchn_cpu *c)
{
	int irq, ret = 0;

	snprintf(c->upcall_name, sizeof(c->upcall_name), "xen-upcall-cpu%u",
		 cpu);
	irq = xevtchn_callback_cpu_up(cpu, upcall_cpu_interrupt,
				      c->upcall_name);
	if (irq < 0)
		return irq;
	c->upcall_irq = irq;
	if (READ_ONCE(callback_on))
		ret = callback_kick(NULL);
	else
		WRITE_ONCE(c->vcpu_info->evtchn_upcall_pending, 1);
	if (ret)
		callback_cpu_down(cpu, c);
	return ret;
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

/**
 * xevtchn_this_vcpu_id() - Xen's id of the vCPU we run on
 *
 * Call with preemption off, or on a CPU-bound thread.
 *
 * Return: the id from the HVM CPUID leaf, or the CPU number when Xen does
 * not say.
 */
unsigned int xevtchn_this_vcpu_id(void)
{
	const struct xevtchn_xen_info *xen = xevtchn_xen_info();
	u32 eax, ebx, ecx, edx;

	cpuid(xen->cpuid_base + 4, &eax, &ebx, &ecx, &edx);
	return (eax & XEN_HVM_CPUID_VCPU_ID_PRESENT) ? ebx : smp_processor_id();
}

/**
 * xevtchn_upcall_cpu_prepare() - find @cpu's vCPU and its vcpu_info slot
 * @cpu: the CPU coming online; runs on it
 *
 * Context: the CPU hotplug callback (cpu.c), before the ABI's cpu_up.
 * Return: 0, or -EINVAL for a vCPU without a slot in shared_info.
 */
int xevtchn_upcall_cpu_prepare(unsigned int cpu)
{
	struct xevtchn_cpu *c = per_cpu_ptr(&xevtchn_cpu, cpu);

	c->vcpu_id = xevtchn_this_vcpu_id();
	if (c->vcpu_id >= MAX_VIRT_CPUS) {
		pr_err("CPU %u is Xen vCPU %u; only vCPUs below %u have a vcpu_info slot in shared_info\n",
		       cpu, c->vcpu_id, MAX_VIRT_CPUS);
		return -EINVAL;
	}
	c->vcpu_info = &xevtchn_shared->vcpu_info[c->vcpu_id];
	return 0;
}

/**
 * xevtchn_upcall_cpu_up() - start @cpu's upcall; from now on it takes ports
 * @cpu: the CPU coming online
 *
 * Under upcall=vector, gives the CPU its upcall vector; under
 * upcall=callback, its IRQ behind Xen's callback vector; under INTx, the
 * platform device's line serves CPU 0 (xevtchn_upcall_start()).
 *
 * Context: the CPU hotplug callback (cpu.c), after the ABI's cpu_up.
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_upcall_cpu_up(unsigned int cpu)
{
	struct xevtchn_cpu *c = per_cpu_ptr(&xevtchn_cpu, cpu);
	int ret;

	if (mode == UPCALL_VECTOR)
		ret = vector_cpu_up(cpu, c);
	else if (mode == UPCALL_CALLBACK)
		ret = callback_cpu_up(cpu, c);
	else
		ret = 0;
	if (ret)
		return ret;
	WRITE_ONCE(c->ready, true);
	return 0;
}

/**
 * xevtchn_upcall_cpu_close() - @cpu takes no new ports from now on
 * @cpu: the CPU going offline
 *
 * Its upcall still runs, for the ports that are about to move away.
 *
 * Context: the CPU hotplug callback (cpu.c).
 */
void xevtchn_upcall_cpu_close(unsigned int cpu)
{
	WRITE_ONCE(per_cpu_ptr(&xevtchn_cpu, cpu)->ready, false);
}

/**
 * xevtchn_upcall_cpu_down() - stop @cpu's upcall
 * @cpu: the CPU going offline, its dynamic ports moved away
 *
 * Context: the CPU hotplug callback (cpu.c), before the ABI's cpu_down.
 */
void xevtchn_upcall_cpu_down(unsigned int cpu)
{
	struct xevtchn_cpu *c = per_cpu_ptr(&xevtchn_cpu, cpu);

	if (mode == UPCALL_VECTOR)
		vector_cpu_down(c);
	else if (mode == UPCALL_CALLBACK)
		callback_cpu_down(cpu, c);
}

static int choose_mode(void)
{
	bool offered = xevtchn_xen_info()->hvm_flags &
		       XEN_HVM_CPUID_UPCALL_VECTOR;

	if (!strcmp(upcall, "intx")) {
		mode = UPCALL_INTX;
	} else if (!strcmp(upcall, "callback")) {
		mode = UPCALL_CALLBACK;
		return xevtchn_callback_check();
	} else if (!strcmp(upcall, "vector") || !strcmp(upcall, "auto")) {
		mode = offered ? UPCALL_VECTOR : UPCALL_INTX;
		if (!offered && upcall[0] == 'v') {
			pr_err("upcall=vector, but this Xen offers no per-vCPU upcall vector (XEN_HVM_CPUID_UPCALL_VECTOR); try upcall=intx\n");
			return -ENODEV;
		}
	} else {
		pr_err("upcall=%s is not one of auto, vector, callback, intx\n",
		       upcall);
		return -EINVAL;
	}
	return 0;
}

/*
 * The messages below name the platform device with pr_*() and pci_name(),
 * not pci_err(): no driver of ours is bound to it, so pci_err() would print
 * "pci 0000:00:02.0: ..." without saying who speaks.
 */
static int intx_init(void)
{
	struct pci_dev *pdev;
	int ret;

	pdev = pci_get_device(PCI_VENDOR_ID_XEN_PLATFORM,
			      PCI_DEVICE_ID_XEN_PLATFORM, NULL);
	if (!pdev) {
		pr_err("upcall=intx needs the Xen platform PCI device (5853:0001), and there is none\n");
		return -ENODEV;
	}
	ret = pci_enable_device(pdev);
	if (ret) {
		pr_err("cannot enable the Xen platform PCI device %s (%d)\n",
		       pci_name(pdev), ret);
		goto put;
	}
	if (!pdev->irq || !pdev->pin) {
		pr_err("the Xen platform PCI device %s has no interrupt line\n",
		       pci_name(pdev));
		ret = -ENODEV;
		goto disable;
	}
	/*
	 * No IRQF_NO_SUSPEND: the line may be shared, and genirq warns about
	 * sharers that disagree on it.
	 */
	ret = request_irq(pdev->irq, upcall_intx_interrupt,
			  IRQF_SHARED | IRQF_NOBALANCING, "xen-upcall-intx",
			  &platform_dev);
	if (ret) {
		pr_err("cannot request IRQ %u of %s (%d)\n", pdev->irq,
		       pci_name(pdev), ret);
		goto disable;
	}
	/* Xen raises it for vCPU 0's events; take them on CPU 0. */
	ret = irq_set_affinity(pdev->irq, cpumask_of(0));
	if (ret)
		pr_warn("cannot keep IRQ %u of %s on CPU 0 (%d); events are taken wherever it lands\n",
			pdev->irq, pci_name(pdev), ret);
	ret = set_callback_via(callback_via_pci_intx(pdev));
	if (ret) {
		pr_err("Xen refused the callback via %s INTx (%d)\n",
		       pci_name(pdev), ret);
		goto free;
	}
	platform_dev = pdev;
	return 0;

free:
	free_irq(pdev->irq, &platform_dev);
disable:
	pci_disable_device(pdev);
put:
	pci_dev_put(pdev);
	return ret;
}

/* Xen stops injecting the vector, then IRQ 2 goes back. */
static void callback_stop(void)
{
	WRITE_ONCE(callback_on, false);
	if (set_callback_via(0))
		pr_warn("could not reset HVM_PARAM_CALLBACK_IRQ\n");
	xevtchn_callback_release();
}

/* Borrow IRQ 2 for the callback vector, then have Xen inject it. */
static int callback_start(void)
{
	unsigned int cpu;
	int ret;

	ret = xevtchn_callback_claim(callback_no_upcall);
	if (ret)
		return ret;
	ret = set_callback_via(CALLBACK_VIA_VECTOR);
	if (ret) {
		pr_err("Xen refused the callback vector 0x%x (%d)\n",
		       CALLBACK_VECTOR, ret);
		xevtchn_callback_release();
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

static void intx_exit(void)
{
	struct pci_dev *pdev = platform_dev;

	if (!pdev)
		return;
	free_irq(pdev->irq, &platform_dev);
	pci_disable_device(pdev);
	pci_dev_put(pdev);
	platform_dev = NULL;
}

/**
 * xevtchn_upcall_init() - choose the upcall (upcall=) and map shared_info
 *
 * Context: module load, step 3 (main.c).
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_upcall_init(void)
{
	int ret;

	ret = choose_mode();
	if (ret)
		return ret;
	/*
	 * Xen lays shared_info out for 32- or 64-bit guests, latching the
	 * guest's mode when it sets HVM_PARAM_CALLBACK_IRQ. hvmloader runs in
	 * 32-bit mode and leaves the 32-bit layout behind: Xen would then look
	 * for mask bits and write selector bits where a 64-bit guest has
	 * other fields, and events get lost. Setting the parameter from here,
	 * in 64-bit mode, latches the 64-bit layout. 0 means "no callback";
	 * intx_init() sets the real one.
	 */
	ret = set_callback_via(0);
	if (ret) {
		pr_err("Xen refused HVM_PARAM_CALLBACK_IRQ (%d)\n", ret);
		return ret;
	}
	return xevtchn_map_shared_info();
}

/**
 * xevtchn_upcall_exit() - give shared_info back
 *
 * Context: module unload, step 3 undone (main.c); no upcall runs any more.
 */
void xevtchn_upcall_exit(void)
{
	xevtchn_unmap_shared_info();
}

/**
 * xevtchn_upcall_start() - under upcall=intx, start the platform device's
 *	line; under upcall=callback, Xen's callback vector; say how upcalls
 *	come
 *
 * Every CPU's part is set up by now (cpu.c); under upcall=vector that
 * included its vector, under upcall=callback its IRQ.
 *
 * Context: module load, step 6 (main.c).
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_upcall_start(void)
{
	int ret;

	if (mode == UPCALL_INTX)
		ret = intx_init();
	else if (mode == UPCALL_CALLBACK)
		ret = callback_start();
	else
		ret = 0;
	if (ret)
		return ret;
	if (mode == UPCALL_CALLBACK)
		pr_info("upcall by Xen's callback vector 0x%x (IRQ %u's), %s event channel ABI\n",
			CALLBACK_VECTOR, PIC_CASCADE_IR, xevtchn_abi->name);
	else
		pr_info("upcall by %s, %s event channel ABI\n",
			mode == UPCALL_VECTOR ? "per-vCPU vectors" :
			"the platform device's INTx (CPU 0 only)",
			xevtchn_abi->name);
	return 0;
}

/**
 * xevtchn_upcall_announce() - tell the toolstack whether the guest answers
 *	its control requests
 * @answering: true while control.c watches control/shutdown
 *
 * libxl takes a non-zero HVM_PARAM_CALLBACK_IRQ to mean "PV drivers", and
 * only then sends poweroff, reboot and suspend through control/shutdown
 * instead of failing without -F (libxl__domain_pvcontrol_available(),
 * tools/libs/light/libxl_domain.c of Xen 4.17) and instead of suspending
 * the domain behind the guest's back (domain_suspend_callback_common(),
 * libxl_dom_suspend.c). Under upcall=intx the parameter names the platform
 * device's line anyway. Under upcall=vector xevtchn leaves it 0 and sets
 * it to 1 (GSI 1) while answering, as Linux does to "trick toolstack to
 * think we are enlightened" (xen_set_upcall_vector(),
 * arch/x86/xen/enlighten_hvm.c): Xen never raises the callback via for a
 * vCPU that has an upcall vector (hvm_assert_evtchn_irq(),
 * xen/arch/x86/hvm/irq.c of Xen 4.17, lines 314-333), and vCPU 0 keeps one,
 * parked at worst, until the guest reboots.
 *
 * Context: process context, after every CPU's upcall is set up (step 5).
 * Return: 0, or Xen's error.
 */
int xevtchn_upcall_announce(bool answering)
{
	if (mode != UPCALL_VECTOR)
		return 0;
	return set_callback_via(answering ? 1 : 0);
}

/**
 * xevtchn_upcall_stop() - Xen stops calling back; the INTx line or IRQ 2
 *	goes back
 *
 * Every port is closed by now. Per-CPU vectors and upcall IRQs go with
 * their CPU's part (cpu.c).
 *
 * Context: module unload, step 6 undone (main.c).
 */
void xevtchn_upcall_stop(void)
{
	if (mode == UPCALL_CALLBACK) {
		callback_stop();
		return;
	}
	if (set_callback_via(0))
		pr_warn("could not reset HVM_PARAM_CALLBACK_IRQ\n");
	intx_exit();
}
