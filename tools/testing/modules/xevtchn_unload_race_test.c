// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_unload_race_test: "rmmod xevtchn" while the driver of an attach=
 * device is in its probe.
 *
 * A plain PCI driver for QEMU's edu device, which xevtchn was loaded to
 * attach (attach=<edu>). It uses no symbol of xevtchn, as a real driver of
 * an attached device does not (a dependency would make rmmod refuse). Its
 * probe waits until user space writes 1 to its "go" parameter; guest.sh
 * does that once "rmmod xevtchn" has begun (/sys/module/xevtchn/initstate
 * says "going"), while the unload waits for the device lock the probe
 * holds. Then the probe asks for an MSI. The MSI domain goes away with
 * xevtchn, so xevtchn must refuse: before the fix its module reference
 * came from __module_get(), which succeeds during an unload, the probe got
 * its IRQ, and the unload removed the domain under it.
 *
 * The probe reports KTAP; the parameter "stage" tells user space where it
 * is: 1 waiting for "go", 2 done.
 */

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>
#include "ktap.h"

static int stage;
module_param(stage, int, 0444);
MODULE_PARM_DESC(stage, "1: the probe waits for go=1; 2: the probe is done");
static bool go;
module_param(go, bool, 0644);
MODULE_PARM_DESC(go, "let the waiting probe ask for its MSI");

/* The longest the probe waits for "go" (guest.sh needs a few seconds). */
#define GO_WAIT_MS	60000

static int nr_vectors;

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ktap_suite s;
	unsigned int waited;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);	/* as any driver of a device with MSIs */
	WRITE_ONCE(stage, 1);
	for (waited = 0; !READ_ONCE(go) && waited < GO_WAIT_MS; waited += 20)
		msleep(20);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	ktap_start(&s, "unload_during_probe", 2);
	ktap_result(&s, READ_ONCE(go), "unload_began_during_probe",
		    "no go after %u ms", waited);
	ktap_result(&s, ret < 0, "msi_refused_while_unloading",
		    "got %d vector(s), IRQ %d, from a domain being removed",
		    ret, ret > 0 ? pci_irq_vector(pdev, 0) : -1);
	if (ret > 0)
		nr_vectors = ret;
	WRITE_ONCE(stage, 2);
	return 0;
}

static void edu_remove(struct pci_dev *pdev)
{
	if (nr_vectors)
		pci_free_irq_vectors(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name		= "xevtchn_unload_race_test",
	.id_table	= edu_ids,
	.probe		= edu_probe,
	.remove		= edu_remove,
};
module_pci_driver(edu_driver);

MODULE_DESCRIPTION("xevtchn test: unloading xevtchn during an attached device's probe");
MODULE_LICENSE("GPL");
