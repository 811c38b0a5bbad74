// SPDX-License-Identifier: GPL-2.0
/*
 * upcall=intx: the Xen platform PCI device's interrupt line
 * (HVM_PARAM_CALLBACK_IRQ of type PCI INTx). Xen raises it,
 * level-triggered, while vCPU 0 has an upcall pending, and only for vCPU
 * 0: every port lives on CPU 0 and cannot move.
 *
 * upcall.c calls this file only through xevtchn_upcall_intx.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/pci.h>
#include <xen/interface/hvm/params.h>

#include "internal.h"

#define PCI_VENDOR_ID_XEN_PLATFORM	0x5853
#define PCI_DEVICE_ID_XEN_PLATFORM	0x0001

static struct pci_dev *platform_dev;

static irqreturn_t upcall_intx_interrupt(int irq, void *unused)
{
	if (!READ_ONCE(xevtchn_vcpu_info(0)->evtchn_upcall_pending))
		return IRQ_NONE;	/* the line may be shared */
	xevtchn_upcall(0);
	return IRQ_HANDLED;
}

/* HVM_PARAM_CALLBACK_IRQ's encoding of a PCI device's interrupt pin. */
static u64 callback_via_pci_intx(struct pci_dev *pdev)
{
	return (u64)HVM_PARAM_CALLBACK_TYPE_PCI_INTX << 56 |
	       (u64)pci_domain_nr(pdev->bus) << 32 |
	       (u64)pdev->bus->number << 16 | (u64)pdev->devfn << 8 |
	       (u64)((pdev->pin - 1) & 3);
}

/*
 * The messages below name the platform device with pr_*() and pci_name(),
 * not pci_err(): no driver of ours is bound to it, so pci_err() would print
 * "pci 0000:00:02.0: ..." without saying who speaks.
 */
static int intx_start(void)
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
	ret = xevtchn_set_callback_via(callback_via_pci_intx(pdev));
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

/* Xen stops raising the line, then it goes back. */
static void intx_stop(void)
{
	struct pci_dev *pdev = platform_dev;

	xevtchn_reset_callback_via();
	if (!pdev)
		return;
	free_irq(pdev->irq, &platform_dev);
	pci_disable_device(pdev);
	pci_dev_put(pdev);
	platform_dev = NULL;
}

/* After a suspend: the parameter again (the new domain has none). */
static int intx_resume(void)
{
	if (!platform_dev)
		return 0;
	return xevtchn_set_callback_via(callback_via_pci_intx(platform_dev));
}

const struct xevtchn_upcall_ops xevtchn_upcall_intx = {
	.name		= "intx",
	.describe	= "the platform device's INTx (CPU 0 only)",
	.start		= intx_start,
	.stop		= intx_stop,
	.resume		= intx_resume,
	.cpu0_only	= true,
};
