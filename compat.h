/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels xevtchn builds for (Linux 6.1 to 7.x),
 * in one place. The XEVTCHN_HAVE_* come from compat.mk, which looks for
 * each thing in the target kernel's headers: distribution kernels carry
 * backports, so a test of the version would lie. Where the thing is a
 * macro, the test is an #ifdef here.
 *
 * Included by internal.h, and by the test and benchmark modules that need
 * one of these.
 */
#ifndef _XEVTCHN_COMPAT_H
#define _XEVTCHN_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/irq.h>
#include <linux/pci.h>
#include <asm/apic.h>
#include <xen/interface/xen.h>
#include <xen/evtchn.h>

/*
 * cpuid(): <asm/processor.h> had it until Linux 6.15 split <asm/cpuid.h>
 * into <asm/cpuid/api.h> and <asm/cpuid/types.h> ("x86/cpuid: Refactor
 * <asm/cpuid.h>"); by 7.x <asm/processor.h> includes only the types.
 */
#ifdef XEVTCHN_HAVE_ASM_CPUID_API_H
#include <asm/cpuid/api.h>
#else
#include <asm/processor.h>
#endif

/*
 * XEVTCHN_IRQ_MOVE_PCNTXT: before Linux 6.14, genirq on x86
 * (GENERIC_PENDING_IRQ) applies irq_set_affinity() at once only to an IRQ
 * flagged IRQ_MOVE_PCNTXT; any other waits for its next interrupt, and the
 * caller is told it worked. xevtchn's moves must reach the chip at once:
 * they rebind the port with Xen (EVTCHNOP_bind_vcpu), and the caller is to
 * learn whether Xen agreed.
 *
 * 6.14 turned the default round (a648eb3a3f79 "genirq: Provide
 * IRQCHIP_MOVE_DEFERRED", f94a18249b7f "genirq: Remove IRQ_MOVE_PCNTXT and
 * related code"): irq_set_affinity_locked() now moves at once unless the
 * chip of the IRQ's top level has IRQCHIP_MOVE_DEFERRED, which x86 gives
 * only to the chips that must reprogram a vector from its own interrupt.
 * None of xevtchn's chips has it, nor may msi.c's PCI-MSI chip (the top
 * level of an attached device's MSIs): nothing else is needed, and the
 * flag is 0.
 */
#ifdef XEVTCHN_HAVE_IRQ_MOVE_PCNTXT
#define XEVTCHN_IRQ_MOVE_PCNTXT	IRQ_MOVE_PCNTXT
#else
#define XEVTCHN_IRQ_MOVE_PCNTXT	0
#endif

/*
 * XEVTCHN_TESTING_NS, the test build's symbol namespace as
 * EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS() take it: a string literal
 * since Linux 6.13 (cdd30ebb1b9f "module: Convert symbol namespace to
 * string literal"), a bare name that they stringify before.
 */
#ifdef XEVTCHN_HAVE_NS_STRING
#define XEVTCHN_TESTING_NS	"XEVTCHN_TESTING"
#else
#define XEVTCHN_TESTING_NS	XEVTCHN_TESTING
#endif

/*
 * PCI_IRQ_INTX: Linux 6.8 renamed PCI_IRQ_LEGACY, and 6.10 removed the old
 * name (0e1fdd222f0a "PCI: Remove PCI_IRQ_LEGACY").
 */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

/*
 * xevtchn_apic_eoi(): the local APIC's EOI. Since Linux 6.6 apic_eoi() is
 * static_call(apic_call_eoi)() ("x86/apic: Provide static call
 * infrastructure for APIC callbacks"), whose trampoline is not exported to
 * modules; apic->eoi() is the function the call is patched to, and apic is
 * exported.
 */
#ifdef XEVTCHN_HAVE_APIC_CALL_EOI
#define xevtchn_apic_eoi()	apic->eoi()
#else
#define xevtchn_apic_eoi()	apic_eoi()
#endif

/*
 * The MSI domain of attach= (msi.c). Until Linux 6.19 a module could make
 * a global PCI/MSI domain with pci_msi_create_irq_domain(); 6.19 removed
 * it, for the MSI-parent model: a parent domain (msi_create_parent_irq_domain,
 * 6.16) over which the PCI core makes each device its own PCI-MSI domain.
 * msi.c needs the msi_teardown callback on the removal of such a device
 * domain (6.16, "genirq/msi: Engage the .msi_teardown() callback on domain
 * removal") to know when the last one is gone, and the kernel's MSI library
 * (CONFIG_IRQ_MSI_LIB). Without either model, attach= is refused.
 */
#if defined(XEVTCHN_HAVE_PCI_MSI_CREATE_IRQ_DOMAIN)
#define XEVTCHN_MSI_GLOBAL_DOMAIN	1
#elif defined(XEVTCHN_HAVE_MSI_CREATE_PARENT_IRQ_DOMAIN) && \
	defined(XEVTCHN_HAVE_MSI_TEARDOWN) && IS_ENABLED(CONFIG_IRQ_MSI_LIB)
#define XEVTCHN_MSI_PARENT_DOMAIN	1
#endif

/*
 * xevtchn_hrtimer_setup(): hrtimer_setup() came in Linux 6.13 ("hrtimers:
 * Introduce hrtimer_setup() to replace hrtimer_init()"), and hrtimer_init()
 * went in 6.15 ("hrtimers: Delete hrtimer_init()").
 */
static inline void xevtchn_hrtimer_setup(struct hrtimer *timer,
					 enum hrtimer_restart (*function)(struct hrtimer *),
					 clockid_t clock_id,
					 enum hrtimer_mode mode)
{
#ifdef XEVTCHN_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, function, clock_id, mode);
#else
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
#endif
}

/*
 * IOCTL_EVTCHN_BIND_STATIC, for /dev/xen/evtchn (evtchn_dev.c): Linux
 * added it to <xen/evtchn.h> after 6.1 ("xen/evtchn: Introduce new IOCTL
 * to bind static evtchn", 2023); older headers get the same number and
 * layout here.
 */
#ifndef IOCTL_EVTCHN_BIND_STATIC
#define IOCTL_EVTCHN_BIND_STATIC			\
	_IOC(_IOC_NONE, 'E', 7, sizeof(struct ioctl_evtchn_bind))
struct ioctl_evtchn_bind {
	unsigned int port;
};
#endif

#endif /* _XEVTCHN_COMPAT_H */
