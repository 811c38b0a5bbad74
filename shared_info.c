// SPDX-License-Identifier: GPL-2.0
/*
 * shared_info: Xen's page with the 2-level event bitmaps and, for the
 * first 32 vCPUs, their vcpu_info. It is mapped (XENMEM_add_to_physmap)
 * over a RAM page the module allocates; Xen frees the RAM behind that
 * frame. On unload the frame is unmapped (XENMEM_remove_from_physmap),
 * given RAM again (XENMEM_populate_physmap) and only then returned to the
 * page allocator.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <xen/interface/xen.h>
#include <xen/interface/memory.h>

#include <xevtchn/hypercall.h>
#include "internal.h"

struct shared_info *xevtchn_shared;
static struct page *shared_page;

/**
 * xevtchn_map_shared_info() - map Xen's shared_info over a page of ours
 *
 * Context: module load, step 3 (upcall.c); process context.
 * Return: 0, or a negative errno with the reason in the kernel log.
 */
int xevtchn_map_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
	};
	int ret;

	shared_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!shared_page)
		return -ENOMEM;
	xatp.gpfn = page_to_pfn(shared_page);
	ret = xevtchn_memory_op(XENMEM_add_to_physmap, &xatp);
	if (ret) {
		pr_err("Xen refused to map shared_info at frame 0x%lx (%d)\n",
		       (unsigned long)xatp.gpfn, ret);
		__free_page(shared_page);
		return ret;
	}
	xevtchn_shared = page_address(shared_page);
	return 0;
}

/**
 * xevtchn_remap_shared_info() - map the new domain's shared_info at the
 *	same frame
 *
 * After a restore or a migration the domain is new, and its shared_info
 * is mapped nowhere: the frame holds whatever the save carried. Map it
 * over the same page again, as Linux's xen_hvm_init_shared_info() does
 * after a resume (arch/x86/xen/enlighten_hvm.c, called from
 * xen_hvm_post_suspend(), arch/x86/xen/suspend_hvm.c), so that every
 * pointer into it (the vcpu_info slots) stays valid.
 *
 * Context: the suspend's stop_machine() callback, interrupts off.
 * Return: 0, or Xen's error.
 */
int xevtchn_remap_shared_info(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = page_to_pfn(shared_page),
	};

	return xevtchn_memory_op(XENMEM_add_to_physmap, &xatp);
}

/**
 * xevtchn_unmap_shared_info() - unmap it; the frame gets RAM back
 *
 * If Xen gives no RAM back, the page is leaked on purpose, with a message.
 *
 * Context: module unload, step 3 undone (upcall.c); no upcall runs.
 */
void xevtchn_unmap_shared_info(void)
{
	xen_pfn_t pfn = page_to_pfn(shared_page);
	struct xen_remove_from_physmap xrfp = {
		.domid = DOMID_SELF,
		.gpfn = pfn,
	};
	struct xen_memory_reservation reservation = {
		.nr_extents = 1,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};
	int ret;

	xevtchn_shared = NULL;
	ret = xevtchn_memory_op(XENMEM_remove_from_physmap, &xrfp);
	if (ret)
		pr_err("Xen refused to unmap shared_info from frame 0x%lx (%d)\n",
		       (unsigned long)pfn, ret);
	set_xen_guest_handle(reservation.extent_start, &pfn);
	ret = xevtchn_memory_op(XENMEM_populate_physmap, &reservation);
	if (ret != 1) {
		/* The frame has no RAM behind it: never hand it out again. */
		pr_err("Xen gave no RAM back for frame 0x%lx (%d); leaking that page\n",
		       (unsigned long)pfn, ret);
		return;
	}
	__free_page(shared_page);
}
