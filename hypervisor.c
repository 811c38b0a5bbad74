// SPDX-License-Identifier: GPL-2.0
/*
 * Finding Xen and talking to it.
 *
 * Xen announces itself through the hypervisor CPUID leaves. Its signature
 * "XenVMMXenVMM" sits at 0x40000000, or at a later multiple of 0x100 when Xen
 * also offers another interface first (Viridian puts "Microsoft Hv" at
 * 0x40000000 and moves Xen to 0x40000100). Leaf base + 1 holds the version,
 * base + 4 the HVM flags, the vCPU id and the domain id.
 *
 * xevtchn is for HVM guests whose kernel runs with its own Xen support off
 * (booted with "nopv"): two event channel layers in one guest would fight
 * over shared_info and the upcall, so the module refuses to load when the
 * kernel's Xen support is active.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/xen/cpuid.h>
#include <xen/xen.h>
#include <xen/interface/xen.h>	/* xen_ulong_t, which version.h needs */
#include <xen/interface/version.h>
#include <xen/interface/features.h>

#include <xevtchn/hypercall.h>
#include <xevtchn/hypervisor.h>
#include "internal.h"

/* Hypervisor leaves are searched in steps of 0x100, as the kernel does. */
#define XEN_CPUID_SEARCH_END	0x40010000
#define XEN_CPUID_STEP		0x100
/* Xen has had its HVM leaf at base + 4 since 4.1. */
#define XEN_CPUID_HVM_LEAF	4

static struct xevtchn_xen_info xen_info;

static bool is_xen_signature(const struct xevtchn_cpuid_regs *r)
{
	return r->ebx == XEN_CPUID_SIGNATURE_EBX &&
	       r->ecx == XEN_CPUID_SIGNATURE_ECX &&
	       r->edx == XEN_CPUID_SIGNATURE_EDX;
}

/**
 * xevtchn_detect() - decide whether xevtchn can run here
 * @cpuid: reads one CPUID leaf (the real instruction, or a test's table)
 * @ctx: passed to @cpuid
 * @kernel_owns_xen: the running kernel's own Xen support is active
 * @info: filled with what the CPUID leaves say; on refusal @info->refusal
 *	says why in words
 *
 * Pure logic with no side effects, so tests can feed it made-up CPUID tables.
 *
 * Context: any; sleeps only if @cpuid does.
 * Return: 0 when Xen was found and the kernel leaves event channels to us,
 * -ENODEV when not running on Xen, when Xen's leaves are too few, or when
 * the kernel's own Xen support is active.
 */
int xevtchn_detect(xevtchn_cpuid_fn cpuid, void *ctx, bool kernel_owns_xen,
		   struct xevtchn_xen_info *info)
{
	struct xevtchn_cpuid_regs r;
	u32 base;

	memset(info, 0, sizeof(*info));
	info->domid = DOMID_SELF;

	for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_SEARCH_END;
	     base += XEN_CPUID_STEP) {
		cpuid(base, &r, ctx);
		if (is_xen_signature(&r))
			break;
	}
	if (base >= XEN_CPUID_SEARCH_END) {
		info->refusal = "not running on Xen (no Xen CPUID signature)";
		return -ENODEV;
	}
	if (r.eax < base + XEN_CPUID_HVM_LEAF) {
		info->refusal = "Xen's CPUID leaves are too few (Xen older than 4.1?)";
		return -ENODEV;
	}
	info->cpuid_base = base;
	info->cpuid_max = r.eax;

	cpuid(base + 1, &r, ctx);
	info->version = r.eax;

	cpuid(base + XEN_CPUID_HVM_LEAF, &r, ctx);
	info->hvm_flags = r.eax;
	if (r.eax & XEN_HVM_CPUID_DOMID_PRESENT)
		info->domid = r.ecx;

	if (kernel_owns_xen) {
		info->refusal = "the kernel's Xen support is active; boot with \"nopv\"";
		return -ENODEV;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xevtchn_detect);

/**
 * xevtchn_xen_info() - what xevtchn found out about Xen at load time
 *
 * The domain ID changes when the domain is restored or migrated: it is
 * read again after such a resume (before the resume notifiers run).
 *
 * Context: any context, hard IRQ included.
 * Return: the facts, valid from module load to unload.
 */
const struct xevtchn_xen_info *xevtchn_xen_info(void)
{
	return &xen_info;
}
EXPORT_SYMBOL_GPL(xevtchn_xen_info);

static void native_cpuid_leaf(u32 leaf, struct xevtchn_cpuid_regs *r,
			      void *ctx)
{
	cpuid(leaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

/**
 * xevtchn_hypervisor_resume() - the domain is new: read its ID again
 *
 * Context: process context, after a resume in a new domain (suspend.c).
 */
void xevtchn_hypervisor_resume(void)
{
	struct xevtchn_cpuid_regs r;
	domid_t old = xen_info.domid;

	native_cpuid_leaf(xen_info.cpuid_base + XEN_CPUID_HVM_LEAF, &r, NULL);
	if (r.eax & XEN_HVM_CPUID_DOMID_PRESENT)
		WRITE_ONCE(xen_info.domid, r.ecx);
	if (xen_info.domid != old)
		pr_info("now domain %u (was %u)\n", xen_info.domid, old);
}

static bool kernel_xen_active(void)
{
#ifdef CONFIG_XEN
	return xen_domain_type != XEN_NATIVE;
#else
	return false;
#endif
}

struct flag_name {
	unsigned int bit;
	const char *name;
};

static const struct flag_name xen_feature_names[] = {
	{ XENFEAT_writable_page_tables,		"writable_page_tables" },
	{ XENFEAT_auto_translated_physmap,	"auto_translated_physmap" },
	{ XENFEAT_supervisor_mode_kernel,	"supervisor_mode_kernel" },
	{ XENFEAT_hvm_callback_vector,		"hvm_callback_vector" },
	{ XENFEAT_hvm_safe_pvclock,		"hvm_safe_pvclock" },
	{ XENFEAT_hvm_pirqs,			"hvm_pirqs" },
	{ XENFEAT_dom0,				"dom0" },
	{ XENFEAT_memory_op_vnode_supported,	"memory_op_vnode" },
	{ XENFEAT_linux_rsdp_unrestricted,	"linux_rsdp_unrestricted" },
};

static const struct flag_name hvm_flag_names[] = {
	{ 0, "apic_access_virt" },
	{ 1, "x2apic_virt" },
	{ 2, "iommu_mappings" },
	{ 3, "vcpu_id" },
	{ 4, "domid" },
	{ 5, "ext_dest_id" },
	{ 6, "upcall_vector" },
};

/* Spell out the set bits of @val that @names knows, for the kernel log. */
static const char *flag_names(char *buf, size_t len, u32 val,
			      const struct flag_name *names, size_t count)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < count && used < len; i++)
		if (val & BIT(names[i].bit))
			used += scnprintf(buf + used, len - used, "%s%s",
					  used ? " " : "", names[i].name);
	return used ? buf : "none";
}

/**
 * xevtchn_hypervisor_init() - find Xen, set up hypercalls, log what we found
 *
 * Return: 0 on success; -ENODEV, with the reason in the kernel log, when
 * xevtchn cannot run here; a hypercall's error when Xen refuses the version
 * queries.
 */
int xevtchn_hypervisor_init(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	char flags[160];
	long ret;
	u32 version;

	ret = xevtchn_detect(native_cpuid_leaf, NULL, kernel_xen_active(),
			     &xen_info);
	if (ret) {
		pr_err("refusing to load: %s\n", xen_info.refusal);
		return ret;
	}
	xen_info.vmmcall = boot_cpu_has(X86_FEATURE_VMMCALL);

	ret = xevtchn_xen_version(XENVER_version, NULL);
	if (ret < 0) {
		pr_err("Xen refused the version hypercall (%ld); hypercalls do not work here\n",
		       ret);
		return ret;
	}
	version = ret;
	if (version != xen_info.version)
		pr_warn("Xen version by hypercall (%u.%u) differs from CPUID (%u.%u)\n",
			version >> 16, version & 0xffff,
			xen_info.version >> 16, xen_info.version & 0xffff);
	xen_info.version = version;

	ret = xevtchn_xen_version(XENVER_extraversion, xen_info.extraversion);
	if (ret < 0)
		return ret;
	xen_info.extraversion[sizeof(xen_info.extraversion) - 1] = '\0';

	ret = xevtchn_xen_version(XENVER_get_features, &fi);
	if (ret < 0)
		return ret;
	xen_info.features = fi.submap;

	pr_info("Xen %u.%u%s, CPUID leaves at 0x%x..0x%x, hypercalls by %s, domain %u\n",
		version >> 16, version & 0xffff, xen_info.extraversion,
		xen_info.cpuid_base, xen_info.cpuid_max,
		xen_info.vmmcall ? "VMMCALL" : "VMCALL", xen_info.domid);
	pr_info("Xen features 0x%08x: %s\n", xen_info.features,
		flag_names(flags, sizeof(flags), xen_info.features,
			   xen_feature_names, ARRAY_SIZE(xen_feature_names)));
	pr_info("HVM CPUID flags 0x%08x: %s\n", xen_info.hvm_flags,
		flag_names(flags, sizeof(flags), xen_info.hvm_flags,
			   hvm_flag_names, ARRAY_SIZE(hvm_flag_names)));
	return 0;
}
