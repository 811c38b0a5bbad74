// SPDX-License-Identifier: GPL-2.0
/*
 * MSIs as PIRQs: an MSI irq domain that PCI devices can be attached to.
 *
 * A device attached with attach=<PCI address>[,<PCI address>...] at load
 * gets its MSIs from this domain instead of the kernel's: its unmodified
 * driver calls pci_alloc_irq_vectors() as usual and receives IRQs whose
 * interrupts arrive as events. The device must have no driver yet (attach
 * before the driver loads); unloading xevtchn gives it its normal MSI
 * domain back, and is refused while any such IRQ is allocated.
 *
 * Each MSI takes a fresh PIRQ from Xen (PHYSDEVOP_get_free_pirq), every
 * time, never one read back from the device: after the device turns MSI
 * off, that PIRQ may be Xen's to give to another device (the NVMe bug of
 * 2017: "xen: do not re-use pirq number cached in pci device msi msg data").
 * The message written to the device has vector 0 and the PIRQ in its
 * destination ID (bits 0-7 in the address's destination field, the rest
 * in the upper address); Xen turns such an MSI into an event on
 * that PIRQ (hvm_inject_msi). When the IRQ is freed, the event channel is
 * closed and the PIRQ unmapped.
 *
 * Levels of each IRQ: the PCI-MSI chip "xen-pirq-msi" (writes the message,
 * masks at the device where it can), over the parent chip of this domain
 * (pirq.c's xen-pirq-edge: the port's mask, ack, affinity; plus the
 * message's contents, here).
 *
 * Two ways to make the PCI-MSI level, by kernel (compat.h): up to Linux
 * 6.18, one global PCI/MSI domain over ours (pci_msi_create_irq_domain());
 * from 6.19, ours is an MSI parent, and the PCI core makes each attached
 * device a PCI-MSI domain of its own over it the first time the device
 * enables MSI or MSI-X; that device domain lasts until the device's driver
 * unbinds (its MSI state is the driver's devres), and holds a reference to
 * xevtchn until then. With neither, attach= is refused.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#define dev_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/irqdomain.h>
#include <linux/module.h>
#include <linux/msi.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <xen/interface/xen.h>
#include <xen/interface/physdev.h>

#include <xevtchn/events.h>
#include <xevtchn/hypercall.h>
#include "internal.h"

#ifdef XEVTCHN_MSI_PARENT_DOMAIN
#include <linux/irqchip/irq-msi-lib.h>
#endif

#define MAX_ATTACHED	8

static char *attach;
module_param(attach, charp, 0444);
MODULE_PARM_DESC(attach,
		 "PCI devices (e.g. 0000:00:04.0, comma-separated) whose MSIs arrive as events; attach them before their driver loads");

#if defined(XEVTCHN_MSI_GLOBAL_DOMAIN) || defined(XEVTCHN_MSI_PARENT_DOMAIN)

/* A device attached to our domain, and the domain it had before. */
struct attached_dev {
	struct pci_dev *pdev;
	struct irq_domain *old_domain;
};

static struct attached_dev attached[MAX_ATTACHED];
static unsigned int nr_attached;
static struct fwnode_handle *parent_fwnode;
static struct fwnode_handle *pci_fwnode;
static struct irq_domain *parent_domain;
static struct irq_domain *pci_domain;
/* What an attached device's MSI domain becomes: pci_domain or parent_domain. */
static struct irq_domain *attach_domain;

/* Vector 0, ExtINT, edge: the form of message Xen reads as a PIRQ. */
#define PIRQ_MSI_DATA	((7 << 8) | BIT(14))

/* The MSI message that raises this PIRQ (the parent chip's). */
static void compose_msg(struct irq_data *data, struct msi_msg *msg)
{
	struct xevtchn_irq *info = irq_data_get_irq_chip_data(data);

	msg->address_hi = info->pirq & 0xffffff00;
	msg->address_lo = 0xfee00000 | ((info->pirq & 0xff) << 12);
	msg->data = PIRQ_MSI_DATA;
}

/*
 * The parent chip of our MSIs: xen-pirq-edge (pirq.c) plus the message.
 * Filled in at init.
 */
static struct irq_chip msi_parent_chip;

/*
 * An MSI's binding belongs to the domain: only the MSI core frees it, and
 * its PIRQ goes back to Xen after its port's (deferred) close.
 */
static const struct xevtchn_source_ops msi_ops = {
	.closed = xevtchn_pirq_closed,
	.owned_by_domain = true,
};

/*
 * Undo alloc_one() for @virq: unbind it (its port, then its PIRQ, go back
 * to Xen in the deferred close; the unbind waits until no upcall can still
 * run the IRQ, which the domain frees once we return). Call under
 * xevtchn_bind_mutex.
 */
static void free_one(struct irq_domain *domain, unsigned int virq)
{
	struct irq_data *data = irq_domain_get_irq_data(domain, virq);
	struct xevtchn_irq *info = data ? irq_data_get_irq_chip_data(data) :
					  NULL;

	lockdep_assert_held(&xevtchn_bind_mutex);
	if (!info)
		return;
	xevtchn_unbind_port(info);
	irq_domain_reset_irq_data(data);
	module_put(THIS_MODULE);
}

/*
 * A fresh PIRQ and event channel for @virq. @wide: the device's MSI address
 * has upper bits (64-bit MSI, or MSI-X), so it can carry a PIRQ above 255.
 * Call under xevtchn_bind_mutex.
 */
static int alloc_one(struct irq_domain *domain, unsigned int virq, bool wide)
{
	struct physdev_get_free_pirq get = { .type = MAP_PIRQ_TYPE_MSI };
	struct xevtchn_irq *info;
	int ret;

	lockdep_assert_held(&xevtchn_bind_mutex);
	/*
	 * No unload while a driver holds one of these IRQs; and none for a
	 * driver whose probe races an unload that has begun (the domain
	 * goes away with the module, so it must hand out nothing more).
	 */
	if (!try_module_get(THIS_MODULE))
		return refuse(-ENODEV, "xevtchn is being unloaded");
	ret = xevtchn_physdev_op(PHYSDEVOP_get_free_pirq, &get);
	if (ret == -ENOSPC)
		ret = refuse(ret, "Xen has no free PIRQ for an MSI (Xen's extra_guest_irqs=)");
	else if (ret)
		ret = refuse(ret, "Xen gave no PIRQ for an MSI (%d)", ret);
	if (ret)
		goto put;
	if (get.pirq > 0xff && !wide) {
		ret = refuse(-ENOSPC, "PIRQ %u does not fit the device's 32-bit MSI address",
			     get.pirq);
		goto unmap;
	}
	info = xevtchn_new_pirq_binding(get.pirq, false);
	if (IS_ERR(info)) {
		ret = PTR_ERR(info);
		goto unmap;
	}
	if (get.pirq > 0xff)
		pr_warn_once("PIRQ %u needs the upper address bits of an MSI, which QEMU's emulated devices drop: keep Xen's PIRQs below 256 (extra_guest_irqs=)\n",
			     get.pirq);
	info->irq = virq;
	info->ops = &msi_ops;
	irq_domain_set_info(domain, virq, get.pirq, &msi_parent_chip, info,
			    handle_edge_irq, NULL, "edge");
	irq_set_status_flags(virq, XEVTCHN_IRQ_MOVE_PCNTXT);
	ret = xevtchn_attach_binding(info);
	if (ret) {
		irq_domain_reset_irq_data(irq_domain_get_irq_data(domain, virq));
		xevtchn_free_pirq_binding(info);
		goto unmap;
	}
	return 0;

unmap:
	xevtchn_unmap_pirq(get.pirq);
put:
	module_put(THIS_MODULE);
	return ret;
}

static int pirq_domain_alloc(struct irq_domain *domain, unsigned int virq,
			     unsigned int nr_irqs, void *arg)
{
	msi_alloc_info_t *alloc = arg;
	struct msi_desc *desc = alloc ? alloc->desc : NULL;
	bool wide = !desc || desc->pci.msi_attrib.is_msix ||
		    desc->pci.msi_attrib.is_64;
	unsigned int i;
	int ret;

	ret = xevtchn_check_ready(__func__);
	if (ret)
		return ret;
	xevtchn_bind_lock();
	for (i = 0; i < nr_irqs; i++) {
		ret = alloc_one(domain, virq + i, wide);
		if (ret) {
			while (i--)
				free_one(domain, virq + i);
			break;
		}
	}
	mutex_unlock(&xevtchn_bind_mutex);
	return ret;
}

static void pirq_domain_free(struct irq_domain *domain, unsigned int virq,
			     unsigned int nr_irqs)
{
	unsigned int i;

	xevtchn_bind_lock();
	for (i = 0; i < nr_irqs; i++)
		free_one(domain, virq + i);
	mutex_unlock(&xevtchn_bind_mutex);
}

static const struct irq_domain_ops pirq_domain_ops = {
	.alloc	= pirq_domain_alloc,
	.free	= pirq_domain_free,
};

/* Mask at the device (where it can) and the port. */
static void xevtchn_pci_msi_mask(struct irq_data *data)
{
	pci_msi_mask_irq(data);
	irq_chip_mask_parent(data);
}

static void xevtchn_pci_msi_unmask(struct irq_data *data)
{
	irq_chip_unmask_parent(data);
	pci_msi_unmask_irq(data);
}

/*
 * The parent's irq_startup is not called for a hierarchy's IRQ: ask Xen
 * here whether the PIRQ needs EOIs (the device's message is written by
 * now), then unmask.
 */
static unsigned int xevtchn_pci_msi_startup(struct irq_data *data)
{
	xevtchn_pirq_query_eoi(irq_data_get_irq_chip_data(data->parent_data));
	xevtchn_pci_msi_unmask(data);
	return 0;
}

#if defined(XEVTCHN_MSI_GLOBAL_DOMAIN)

static struct irq_chip xevtchn_pci_msi_chip = {
	.name		= "xen-pirq-msi",
	.irq_startup	= xevtchn_pci_msi_startup,
	.irq_mask	= xevtchn_pci_msi_mask,
	.irq_unmask	= xevtchn_pci_msi_unmask,
	.irq_ack	= irq_chip_ack_parent,
	.irq_retrigger	= irq_chip_retrigger_hierarchy,
	.flags		= IRQCHIP_SKIP_SET_WAKE,
};

static struct msi_domain_info xevtchn_msi_domain_info = {
	.flags	= MSI_FLAG_USE_DEF_DOM_OPS | MSI_FLAG_USE_DEF_CHIP_OPS |
		  MSI_FLAG_PCI_MSIX,
	.chip	= &xevtchn_pci_msi_chip,
};

/* Our PIRQ domain, and one global PCI/MSI domain over it. */
static int create_domains(void)
{
	pci_fwnode = irq_domain_alloc_named_fwnode("xevtchn-pci-msi");
	if (!pci_fwnode)
		return -ENOMEM;
	parent_domain = irq_domain_create_hierarchy(NULL, 0, 0, parent_fwnode,
						    &pirq_domain_ops, NULL);
	if (!parent_domain)
		return -ENOMEM;
	pci_domain = pci_msi_create_irq_domain(pci_fwnode,
					       &xevtchn_msi_domain_info,
					       parent_domain);
	if (!pci_domain) {
		pr_err("cannot create the PCI MSI domain\n");
		return -ENOMEM;
	}
	attach_domain = pci_domain;
	return 0;
}

/* Nothing stands in the way of the global domain. */
static int check_msi_state(struct pci_dev *pdev)
{
	return 0;
}

#elif defined(XEVTCHN_MSI_PARENT_DOMAIN)

/* A device domain is gone (its driver unbound): it held the module. */
static void device_domain_gone(struct irq_domain *domain,
			       msi_alloc_info_t *arg)
{
	module_put(THIS_MODULE);
}

/*
 * The PCI core makes a device its PCI-MSI (or PCI-MSIX) domain from its
 * template, over ours: the MSI library fits the template to what we
 * support, then the chip gets the callbacks the global domain's chip has.
 * No IRQCHIP_MOVE_DEFERRED: a move must reach xevtchn_dyn_set_affinity()
 * at once (compat.h). The device domain outlives the MSIs, and calls our
 * ops until it goes, so it holds the module (msi_teardown gives it back;
 * should the core fail to make the domain after this, the reference
 * stays, and so does the module: the safe side).
 */
static bool init_dev_msi_info(struct device *dev, struct irq_domain *domain,
			      struct irq_domain *real_parent,
			      struct msi_domain_info *info)
{
	struct irq_chip *chip = info->chip;

	if (!try_module_get(THIS_MODULE))
		return false;
	if (!msi_lib_init_dev_msi_info(dev, domain, real_parent, info)) {
		module_put(THIS_MODULE);
		return false;
	}
	info->ops->msi_teardown = device_domain_gone;
	info->handler = handle_edge_irq;
	info->handler_name = "edge";
	chip->name = "xen-pirq-msi";
	chip->irq_startup = xevtchn_pci_msi_startup;
	chip->irq_mask = xevtchn_pci_msi_mask;
	chip->irq_unmask = xevtchn_pci_msi_unmask;
	chip->irq_ack = irq_chip_ack_parent;
	chip->irq_retrigger = irq_chip_retrigger_hierarchy;
	chip->flags |= IRQCHIP_SKIP_SET_WAKE;
	return true;
}

static const struct msi_parent_ops xevtchn_msi_parent_ops = {
	.required_flags		= MSI_FLAG_USE_DEF_DOM_OPS |
				  MSI_FLAG_USE_DEF_CHIP_OPS,
	.supported_flags	= MSI_GENERIC_FLAGS_MASK | MSI_FLAG_PCI_MSIX,
	.bus_select_token	= DOMAIN_BUS_NEXUS,
	.init_dev_msi_info	= init_dev_msi_info,
};

/* Our PIRQ domain, an MSI parent. */
static int create_domains(void)
{
	struct irq_domain_info info = {
		.fwnode		= parent_fwnode,
		.ops		= &pirq_domain_ops,
	};

	parent_domain = msi_create_parent_irq_domain(&info,
						     &xevtchn_msi_parent_ops);
	if (!parent_domain)
		return -ENOMEM;
	attach_domain = parent_domain;
	return 0;
}

/*
 * A device with MSI state already (it used MSIs without a driver, or its
 * driver has not let go) keeps its device domain over the kernel's
 * parent, whatever we set: refuse it rather than attach it in name only.
 */
static int check_msi_state(struct pci_dev *pdev)
{
	if (!pdev->dev.msi.data)
		return 0;
	pci_err(pdev, "the device has MSI state from an earlier user; attach it before anything enables its MSIs\n");
	return -EBUSY;
}

#endif

/* Attach the device at @addr ("DDDD:BB:DD.F"). */
static int attach_one(const char *addr)
{
	unsigned int domain, bus, dev, fn;
	struct pci_dev *pdev;
	int ret;

	if (sscanf(addr, "%x:%x:%x.%x", &domain, &bus, &dev, &fn) != 4 ||
	    dev > 31 || fn > 7) {
		pr_err("attach=%s: not a PCI address like 0000:00:04.0\n",
		       addr);
		return -EINVAL;
	}
	if (nr_attached == MAX_ATTACHED) {
		pr_err("attach=: at most %d devices\n", MAX_ATTACHED);
		return -E2BIG;
	}
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(dev, fn));
	if (!pdev) {
		pr_err("attach=%s: no such PCI device\n", addr);
		return -ENODEV;
	}
	if (!pdev->msi_cap && !pdev->msix_cap) {
		pci_err(pdev, "the device has no MSI or MSI-X capability\n");
		goto put;
	}
	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		device_unlock(&pdev->dev);
		pci_err(pdev, "the device has a driver (%s) already; unbind it or attach before it loads\n",
			pdev->dev.driver->name);
		pci_dev_put(pdev);
		return -EBUSY;
	}
	ret = check_msi_state(pdev);
	if (ret) {
		device_unlock(&pdev->dev);
		pci_dev_put(pdev);
		return ret;
	}
	attached[nr_attached].pdev = pdev;
	attached[nr_attached].old_domain = dev_get_msi_domain(&pdev->dev);
	dev_set_msi_domain(&pdev->dev, attach_domain);
	nr_attached++;
	device_unlock(&pdev->dev);
	pci_info(pdev, "MSIs of this device arrive as events\n");
	return 0;
put:
	pci_dev_put(pdev);
	return -EINVAL;
}

static void detach_all(void)
{
	struct attached_dev *a;

	while (nr_attached) {
		a = &attached[--nr_attached];
		device_lock(&a->pdev->dev);
		dev_set_msi_domain(&a->pdev->dev, a->old_domain);
		device_unlock(&a->pdev->dev);
		pci_info(a->pdev, "MSIs back to the kernel's own domain\n");
		pci_dev_put(a->pdev);
	}
}

static void remove_domains(void)
{
	if (pci_domain)
		irq_domain_remove(pci_domain);
	if (parent_domain)
		irq_domain_remove(parent_domain);
	if (pci_fwnode)
		irq_domain_free_fwnode(pci_fwnode);
	if (parent_fwnode)
		irq_domain_free_fwnode(parent_fwnode);
	attach_domain = NULL;
	pci_domain = NULL;
	parent_domain = NULL;
	pci_fwnode = NULL;
	parent_fwnode = NULL;
}

/**
 * xevtchn_msi_init() - create the MSI domain and attach the attach= devices
 *
 * Nothing to do without attach=. Called once PIRQs are known to work.
 *
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_msi_init(void)
{
	char *list, *cursor, *addr;
	int ret;

	if (!attach || !*attach)
		return 0;
	ret = xevtchn_pirq_check(__func__);
	if (ret)
		return ret;
	msi_parent_chip = xevtchn_pirq_edge_chip;
	msi_parent_chip.irq_compose_msi_msg = compose_msg;
	parent_fwnode = irq_domain_alloc_named_fwnode("xevtchn-pirq");
	if (!parent_fwnode) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = create_domains();
	if (ret)
		goto fail;
	list = kstrdup(attach, GFP_KERNEL);
	if (!list) {
		ret = -ENOMEM;
		goto fail;
	}
	cursor = list;
	while ((addr = strsep(&cursor, ",")) && !ret)
		if (*addr)
			ret = attach_one(addr);
	kfree(list);
	if (ret)
		goto fail;
	return 0;

fail:
	detach_all();
	remove_domains();
	return ret;
}

/**
 * xevtchn_msi_exit() - give attached devices their MSI domain back
 *
 * The module cannot be unloading while one of our MSI IRQs exists: each
 * holds a module reference, and none is handed out once the unload began.
 */
void xevtchn_msi_exit(void)
{
	detach_all();
	remove_domains();
}

#else /* no MSI domain for a module on this kernel (compat.h) */

int xevtchn_msi_init(void)
{
	if (!attach || !*attach)
		return 0;
	pr_err("attach=%s: this kernel lets no module make an MSI domain (neither pci_msi_create_irq_domain() nor MSI parents with CONFIG_IRQ_MSI_LIB)\n",
	       attach);
	return -EOPNOTSUPP;
}

void xevtchn_msi_exit(void)
{
}

#endif
