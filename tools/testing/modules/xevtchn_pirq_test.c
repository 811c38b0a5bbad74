// SPDX-License-Identifier: GPL-2.0
/*
 * A driver for QEMU's "edu" PCI device (1234:11e8) that tests PIRQs: the
 * device's INTx line as a GSI PIRQ, and its MSI as a PIRQ through the MSI
 * domain of xevtchn (loaded with attach=<the device's address>).
 *
 * The device raises its interrupt when 0x60 of BAR0 is written; 0x24 reads
 * what raised it and writing that to 0x64 acknowledges it (for INTx: drops
 * the line). Every interrupt is raised one at a time and waited for, so
 * each count is exact: raised == handled, no handler run more, none lost.
 *
 * Suites (KTAP): pirq_gsi_<tag> (INTx through xevtchn_bind_gsi_to_irq(),
 * and 100 bind/unbind cycles that must keep reusing one PIRQ: Xen frees a
 * GSI's PIRQ on unmap), pirq_msi_<tag> (MSI through pci_alloc_irq_vectors(),
 * as any driver does, with affinity flips, then MSI enable/disable cycles
 * until Xen has no PIRQ left: at least msi_cycles=, each with a PIRQ never
 * used before, then -ENOSPC, and the driver falls back to INTx), or with
 * expect=refused, pirq_refused_<tag> (Xen allows no PIRQs here: each way
 * must fail cleanly and leave the device its own interrupts). The GSI stays
 * bound and requested, with 5 interrupts, until the module is removed, for
 * the payload to see in /proc/interrupts.
 *
 * Xen 4.17 gives an HVM guest no way to return an MSI's PIRQ: unmapping
 * one of an emulated device only drops the MSI binding, and the number
 * stays taken until the guest reboots (only dom0 can free it, as QEMU does
 * for a passed-through device). So every MSI enable costs one PIRQ, and
 * PIRQs above 255 do not work with QEMU's emulated devices: the pirq boot's
 * Xen has extra_guest_irqs=232 (PIRQs 24 to 255 for MSIs), and this suite,
 * the last of its boot, uses them up.
 */

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pci.h>

#include <xevtchn/events.h>
#include "compat.h"
#include "ktap.h"

#define EDU_RAISE	0x60
#define EDU_STATUS	0x24
#define EDU_ACK		0x64
#define ROUNDS		200
#define MOVE_ROUNDS	1000
#define GSI_CYCLES	100
#define KEPT_EVENTS	5
/* Cycles past MSI_CYCLES until Xen runs out of PIRQs, at most. */
#define MAX_PIRQ	4096

static char *tag = "vector";
module_param(tag, charp, 0444);
static unsigned int msi_cycles = 1000;
module_param(msi_cycles, uint, 0444);
MODULE_PARM_DESC(msi_cycles, "MSI enable/disable cycles that must work");
static bool exhaust = true;
module_param(exhaust, bool, 0444);
MODULE_PARM_DESC(exhaust, "go on until Xen has no PIRQ left (then INTx)");
static char *expect = "works";
module_param(expect, charp, 0444);
MODULE_PARM_DESC(expect, "works (PIRQs are available) or refused");

/**
 * struct edu - the device and what its handler saw
 * @pdev: the device
 * @bar: its BAR0
 * @raised: interrupts raised
 * @handled: handler runs that found the device's interrupt raised
 * @running: handler runs in progress (must never exceed 1)
 * @overlaps: handler runs that found another one running
 * @done: completed by each handler run
 * @kept_irq: the GSI's IRQ left bound and requested for /proc/interrupts
 *	until the module goes, or 0
 */
struct edu {
	struct pci_dev *pdev;
	void __iomem *bar;
	unsigned long raised;
	atomic_t handled, running, overlaps;
	struct completion done;
	int kept_irq;
};

static struct edu edu;

static irqreturn_t edu_interrupt(int irq, void *dev_id)
{
	struct edu *e = dev_id;
	u32 status;

	if (atomic_inc_return(&e->running) > 1)
		atomic_inc(&e->overlaps);
	status = ioread32(e->bar + EDU_STATUS);
	if (status)
		iowrite32(status, e->bar + EDU_ACK);
	atomic_dec(&e->running);
	if (!status)
		return IRQ_NONE;
	atomic_inc(&e->handled);
	complete(&e->done);
	return IRQ_HANDLED;
}

static void reset_counts(struct edu *e)
{
	e->raised = 0;
	atomic_set(&e->handled, 0);
	atomic_set(&e->overlaps, 0);
	reinit_completion(&e->done);
}

/* Raise one interrupt and wait for it; false when it never came. */
static bool raise_and_wait(struct edu *e)
{
	e->raised++;
	iowrite32(1, e->bar + EDU_RAISE);
	return wait_for_completion_timeout(&e->done, HZ);
}

/*
 * Raise @rounds interrupts one by one; return how many never came. After
 * LOST_IN_A_ROW losses in a row the path is gone: the rest count as lost
 * without a wait, or a second per round would hold the probe (and with it
 * the device lock, which rmmod and poweroff wait for) for many minutes.
 */
#define LOST_IN_A_ROW	3

static unsigned long raise_rounds(struct edu *e, unsigned long rounds)
{
	unsigned long lost = 0, row = 0, i;

	for (i = 0; i < rounds && row < LOST_IN_A_ROW; i++) {
		if (raise_and_wait(e)) {
			row = 0;
		} else {
			lost++;
			row++;
		}
	}
	return lost + (rounds - i);
}

/* The chip named for @irq at its outermost level. */
static const char *chip_name(unsigned int irq)
{
	struct irq_chip *chip = irq_get_chip(irq);

	return chip ? chip->name : "(none)";
}

/* The GSI of the device's INTx: its pin on Xen's one IOAPIC (base 0). */
static int edu_gsi(struct edu *e)
{
	struct irq_data *data = irq_get_irq_data(e->pdev->irq);

	return data ? (int)irqd_to_hwirq(data) : -ENODEV;
}

/*
 * Bind and unbind the GSI @cycles times, one interrupt each; Xen must hand
 * out the same PIRQ every time. Returns 0 or -EIO (and says why).
 */
static int gsi_cycles(struct edu *e, int gsi, int want_pirq)
{
	unsigned int i, delivered = 0, same_pirq = 0, row = 0;
	bool ok;
	int irq;

	for (i = 0; i < GSI_CYCLES && row < LOST_IN_A_ROW; i++) {
		irq = xevtchn_bind_gsi_to_irq(gsi, true);
		if (irq < 0)
			break;
		same_pirq += xevtchn_pirq_from_irq(irq) == want_pirq;
		reset_counts(e);
		ok = false;
		if (!request_irq(irq, edu_interrupt, 0, "xevtchn-test-edu-gsi",
				 e)) {
			ok = raise_and_wait(e) && atomic_read(&e->handled) == 1;
			free_irq(irq, e);
		}
		delivered += ok;
		row = ok ? 0 : row + 1;
		xevtchn_unbind_from_irq(irq);
	}
	ktap_diag("%u GSI bind/unbind cycles: %u delivered exactly once, %u on PIRQ %d",
		  i, delivered, same_pirq, want_pirq);
	return delivered == GSI_CYCLES && same_pirq == GSI_CYCLES ? 0 : -EIO;
}

/*
 * Raise the device's interrupt while its GSI is still the IOAPIC's (and
 * masked there: nobody requested it), then bind the GSI. Xen sends a GSI's
 * PIRQ on the line's rising edge, and again on PHYSDEVOP_eoi while the line
 * stays up; mapping and binding send nothing. A line that is already up
 * (a pending INTx, or a shared line another device holds) must still reach
 * the handler. Returns 0 or -EIO (and says why).
 */
static int line_high_at_bind(struct edu *e, int gsi)
{
	int irq, ret;

	reset_counts(e);
	e->raised++;
	iowrite32(1, e->bar + EDU_RAISE);
	usleep_range(10000, 20000);
	irq = xevtchn_bind_gsi_to_irq(gsi, true);
	if (irq < 0) {
		ktap_diag("line high at bind: binding GSI %d gave %d", gsi, irq);
		return -EIO;
	}
	ret = request_irq(irq, edu_interrupt, 0, "xevtchn-test-edu-gsi", e);
	if (!ret) {
		wait_for_completion_timeout(&e->done, HZ);
		msleep(100);
		free_irq(irq, e);
	}
	xevtchn_unbind_from_irq(irq);
	ktap_diag("line high at bind: request_irq %d, %d of 1 handled", ret,
		  atomic_read(&e->handled));
	if (atomic_read(&e->handled) != 1) {
		/* Drop the line, so that what follows starts clean. */
		iowrite32(ioread32(e->bar + EDU_STATUS), e->bar + EDU_ACK);
		return -EIO;
	}
	return ret ? -EIO : 0;
}

static void test_gsi(struct edu *e)
{
	struct ktap_suite s;
	char name[48];
	int gsi, irq, ret, first_pirq;
	unsigned long lost;

	snprintf(name, sizeof(name), "pirq_gsi_%s", tag);
	ktap_start(&s, name, 8);
	gsi = edu_gsi(e);
	ktap_diag("edu INTx: Linux IRQ %u (%s), GSI %d", e->pdev->irq,
		  chip_name(e->pdev->irq), gsi);
	irq = xevtchn_bind_gsi_to_irq(gsi, true);
	ktap_result(&s, irq >= 0, "bind_gsi", "xevtchn_bind_gsi_to_irq(%d): %d",
		    gsi, irq);
	if (irq < 0) {
		while (s.number < 8)
			ktap_skip(&s, "after_bind", "no PIRQ");
		return;
	}
	ktap_result(&s, !strcmp(chip_name(irq), "xen-pirq-fasteoi"),
		    "chip_is_pirq_fasteoi", "chip %s", chip_name(irq));
	first_pirq = xevtchn_pirq_from_irq(irq);
	ktap_diag("GSI %d: PIRQ %d, IRQ %d", gsi, first_pirq, irq);
	ret = xevtchn_bind_gsi_to_irq(gsi, true);
	ktap_result(&s, ret == -EBUSY, "second_bind_refused",
		    "got %d, want -EBUSY", ret);

	reset_counts(e);
	ret = request_irq(irq, edu_interrupt, 0, "xevtchn-test-edu-gsi", e);
	if (ret) {
		ktap_result(&s, false, "raised_equals_handled",
			    "request_irq: %d", ret);
	} else {
		lost = raise_rounds(e, ROUNDS);
		msleep(100);	/* a stray extra run would show up by now */
		ktap_result(&s, !lost && atomic_read(&e->handled) == e->raised &&
			    !atomic_read(&e->overlaps),
			    "raised_equals_handled",
			    "%lu raised, %d handled, %lu lost, %d overlaps",
			    e->raised, atomic_read(&e->handled), lost,
			    atomic_read(&e->overlaps));
		ktap_diag("GSI PIRQ: %lu raised, %d handled", e->raised,
			  atomic_read(&e->handled));
		free_irq(irq, e);
	}
	ret = xevtchn_unbind_from_irq(irq);
	ktap_result(&s, !ret, "unbind", "xevtchn_unbind_from_irq: %d", ret);

	/* Unmapped, the GSI reaches the device's own IRQ (IOAPIC) again. */
	reset_counts(e);
	ret = request_irq(e->pdev->irq, edu_interrupt, IRQF_SHARED,
			  "xevtchn-test-edu-ioapic", e);
	if (!ret) {
		lost = raise_rounds(e, 10);
		free_irq(e->pdev->irq, e);
	}
	ktap_result(&s, !ret && !lost && atomic_read(&e->handled) == 10,
		    "gsi_back_to_ioapic", "request_irq %d, %d of 10 handled",
		    ret, atomic_read(&e->handled));

	ret = line_high_at_bind(e, gsi);
	ktap_result(&s, !ret, "line_high_at_bind_delivered",
		    "see the line above");

	ret = gsi_cycles(e, gsi, first_pirq);
	ktap_result(&s, !ret, "cycles_reuse_one_pirq",
		    "see the lines above");
}

/* Leave the GSI bound, with KEPT_EVENTS events, for /proc/interrupts. */
static void keep_gsi(struct edu *e)
{
	int irq = xevtchn_bind_gsi_to_irq(edu_gsi(e), true);

	if (irq < 0)
		return;
	if (request_irq(irq, edu_interrupt, 0, "xevtchn-test-edu-gsi", e)) {
		xevtchn_unbind_from_irq(irq);
		return;
	}
	reset_counts(e);
	raise_rounds(e, KEPT_EVENTS);
	e->kept_irq = irq;
}

/* Flips the MSI's affinity between the CPUs until stopped. */
static int mover(void *data)
{
	unsigned int irq = (uintptr_t)data, cpu = 0;
	unsigned long moves = 0;

	while (!kthread_should_stop()) {
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		if (!irq_set_affinity(irq, cpumask_of(cpu)))
			moves++;
		usleep_range(50, 200);
	}
	return moves;
}

/* Allocate the MSI as any driver does and request it; returns the IRQ. */
static int msi_on(struct edu *e)
{
	int ret;

	ret = pci_alloc_irq_vectors(e->pdev, 1, 1, PCI_IRQ_MSI);
	if (ret < 0)
		return ret;
	ret = pci_irq_vector(e->pdev, 0);
	if (ret < 0)
		goto free;
	if (request_irq(ret, edu_interrupt, 0, "xevtchn-test-edu-msi", e)) {
		ret = -EBUSY;
		goto free;
	}
	return ret;
free:
	pci_free_irq_vectors(e->pdev);
	return ret;
}

static void msi_off(struct edu *e, int irq)
{
	free_irq(irq, e);
	pci_free_irq_vectors(e->pdev);
}

/*
 * Enable and disable MSI until Xen has no PIRQ left: each enable must get a
 * PIRQ never used before (never one read back from the device), and deliver
 * exactly one interrupt; then the failure must be -ENOSPC, and the driver
 * must still get its interrupt, through INTx.
 */
static void run_msi_cycles(struct edu *e, struct ktap_suite *s, int first_pirq)
{
	unsigned long *seen, cycles = 0, delivered = 0, fresh = 0, row = 0;
	int irq = 0, pirq, ret;

	seen = bitmap_zalloc(MAX_PIRQ, GFP_KERNEL);
	if (!seen) {
		ktap_result(s, false, "cycles_fresh_pirq_each", "no memory");
		ktap_skip(s, "exhaustion_is_enospc", "no memory");
		ktap_skip(s, "intx_after_exhaustion", "no memory");
		return;
	}
	if (first_pirq > 0 && first_pirq < MAX_PIRQ)
		set_bit(first_pirq, seen);
	while (cycles < (exhaust ? MAX_PIRQ : msi_cycles) && row < LOST_IN_A_ROW) {
		irq = msi_on(e);
		if (irq < 0)
			break;
		cycles++;
		pirq = xevtchn_pirq_from_irq(irq);
		if (pirq > 0 && pirq < MAX_PIRQ && !test_and_set_bit(pirq, seen))
			fresh++;
		reset_counts(e);
		if (raise_and_wait(e) && atomic_read(&e->handled) == 1) {
			delivered++;
			row = 0;
		} else {
			row++;
		}
		msi_off(e, irq);
	}
	bitmap_free(seen);
	ktap_diag("%lu MSI on/off cycles (last: %d): %lu fresh PIRQs, %lu delivered once",
		  cycles, irq, fresh, delivered);
	ktap_result(s, cycles >= msi_cycles && fresh == cycles &&
		    delivered == cycles, "cycles_fresh_pirq_each",
		    "%lu cycles (want %u or more), %lu fresh PIRQs, %lu delivered",
		    cycles, msi_cycles, fresh, delivered);
	if (!exhaust) {
		ktap_skip(s, "exhaustion_is_enospc", "exhaust=0");
		ktap_skip(s, "intx_after_exhaustion", "exhaust=0");
		return;
	}
	ktap_result(s, irq == -ENOSPC, "exhaustion_is_enospc",
		    "the last enable returned %d", irq);

	/* Out of PIRQs, the driver still gets an interrupt: INTx. */
	reset_counts(e);
	ret = pci_alloc_irq_vectors(e->pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	irq = ret == 1 ? pci_irq_vector(e->pdev, 0) : ret;
	if (irq >= 0 && !request_irq(irq, edu_interrupt, IRQF_SHARED,
				     "xevtchn-test-edu-intx", e)) {
		raise_and_wait(e);
		free_irq(irq, e);
	}
	if (ret == 1)
		pci_free_irq_vectors(e->pdev);
	ktap_result(s, irq == e->pdev->irq && atomic_read(&e->handled) == 1,
		    "intx_after_exhaustion", "IRQ %d (INTx is %u), %d handled",
		    irq, e->pdev->irq, atomic_read(&e->handled));
}

static void test_msi(struct edu *e)
{
	struct task_struct *thread;
	struct ktap_suite s;
	char name[48];
	int irq, first_pirq;
	unsigned long lost;
	long moves = 0;

	snprintf(name, sizeof(name), "pirq_msi_%s", tag);
	ktap_start(&s, name, 7);
	irq = msi_on(e);
	ktap_result(&s, irq >= 0, "alloc_irq_vectors", "%d", irq);
	if (irq < 0) {
		while (s.number < 7)
			ktap_skip(&s, "after_alloc", "no MSI");
		return;
	}
	first_pirq = xevtchn_pirq_from_irq(irq);
	ktap_result(&s, !strcmp(chip_name(irq), "xen-pirq-msi") &&
		    first_pirq > 0, "chip_is_pirq_msi", "chip %s, PIRQ %d",
		    chip_name(irq), first_pirq);

	reset_counts(e);
	lost = raise_rounds(e, ROUNDS);
	ktap_result(&s, !lost && atomic_read(&e->handled) == e->raised,
		    "raised_equals_handled", "%lu raised, %d handled",
		    e->raised, atomic_read(&e->handled));

	/* Interrupts while the IRQ keeps moving between the vCPUs. */
	reset_counts(e);
	thread = kthread_run(mover, (void *)(uintptr_t)irq, "edu-msi-mover");
	lost = raise_rounds(e, MOVE_ROUNDS);
	if (!IS_ERR(thread))
		moves = kthread_stop(thread);
	msleep(100);
	ktap_diag("MSI while moving: %lu raised, %d handled, %lu lost, %ld moves, %d overlaps",
		  e->raised, atomic_read(&e->handled), lost, moves,
		  atomic_read(&e->overlaps));
	ktap_result(&s, !lost && atomic_read(&e->handled) == e->raised &&
		    !atomic_read(&e->overlaps) && moves > 0,
		    "moves_lose_nothing",
		    "%lu raised, %d handled, %ld moves, %d overlaps",
		    e->raised, atomic_read(&e->handled), moves,
		    atomic_read(&e->overlaps));
	msi_off(e, irq);

	run_msi_cycles(e, &s, first_pirq);
}

static void test_refused(struct edu *e)
{
	struct ktap_suite s;
	char name[48];
	int irq, ret;

	snprintf(name, sizeof(name), "pirq_refused_%s", tag);
	ktap_start(&s, name, 2);
	irq = xevtchn_bind_gsi_to_irq(edu_gsi(e), true);
	ktap_result(&s, irq == -EOPNOTSUPP, "bind_gsi_refused",
		    "got %d, want -EOPNOTSUPP", irq);

	/* The device keeps its own MSI. */
	reset_counts(e);
	irq = msi_on(e);
	ret = irq >= 0 && raise_and_wait(e);
	ktap_result(&s, ret && strcmp(chip_name(irq), "xen-pirq-msi"),
		    "device_keeps_its_msi", "irq %d, chip %s, %d handled", irq,
		    irq >= 0 ? chip_name(irq) : "-", atomic_read(&e->handled));
	if (irq >= 0)
		msi_off(e, irq);
}

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	/*
	 * An MSI is a write by the device: QEMU drops it while bus mastering
	 * is off, and the unbind of any earlier driver of this device turned
	 * it off (pcim_release() -> pci_disable_device()).
	 */
	pci_set_master(pdev);
	ret = pcim_iomap_regions(pdev, BIT(0), "xevtchn-edu");
	if (ret)
		return ret;
	edu.pdev = pdev;
	edu.bar = pcim_iomap_table(pdev)[0];
	init_completion(&edu.done);
	if (!strcmp(expect, "refused")) {
		test_refused(&edu);
	} else {
		test_gsi(&edu);
		test_msi(&edu);
		keep_gsi(&edu);
	}
	return 0;
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static void edu_remove(struct pci_dev *pdev)
{
	if (edu.kept_irq > 0) {
		free_irq(edu.kept_irq, &edu);
		xevtchn_unbind_from_irq(edu.kept_irq);
		edu.kept_irq = 0;
	}
}

static struct pci_driver edu_driver = {
	.name		= "xevtchn_pirq_test",
	.id_table	= edu_ids,
	.probe		= edu_probe,
	.remove		= edu_remove,
};

static int __init pirq_test_init(void)
{
	int ret = pci_register_driver(&edu_driver);

	if (!ret && !edu.pdev) {
		pr_info("xevtchn_pirq_test: no edu device (1234:11e8) here\n");
		pci_unregister_driver(&edu_driver);
		return -ENODEV;
	}
	return ret;
}

static void __exit pirq_test_exit(void)
{
	pci_unregister_driver(&edu_driver);
}

module_init(pirq_test_init);
module_exit(pirq_test_exit);
MODULE_DESCRIPTION("xevtchn tests: the edu device's INTx and MSI as PIRQs");
MODULE_LICENSE("GPL");
