/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What xevtchn found out about the hypervisor it runs on.
 */
#ifndef _XEVTCHN_HYPERVISOR_H
#define _XEVTCHN_HYPERVISOR_H

#include <linux/types.h>

/**
 * struct xevtchn_cpuid_regs - the four registers one CPUID leaf returns
 * @eax: EAX
 * @ebx: EBX
 * @ecx: ECX
 * @edx: EDX
 */
struct xevtchn_cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

/**
 * typedef xevtchn_cpuid_fn - read one CPUID leaf (sub-leaf 0)
 * @leaf: the leaf to read
 * @regs: where to store the result
 * @ctx: the caller's context
 *
 * The module passes the real CPUID instruction; tests pass tables.
 */
typedef void (*xevtchn_cpuid_fn)(u32 leaf, struct xevtchn_cpuid_regs *regs,
				 void *ctx);

/**
 * struct xevtchn_xen_info - the facts found at load time
 * @cpuid_base: the leaf holding the "XenVMMXenVMM" signature
 * @cpuid_max: the highest Xen leaf (EAX of @cpuid_base)
 * @version: Xen's version, major << 16 | minor
 * @extraversion: Xen's extra version string, e.g. ".7-13"
 * @features: XENVER_get_features sub-map 0 (XENFEAT_* bits)
 * @hvm_flags: EAX of the HVM leaf (XEN_HVM_CPUID_* bits)
 * @domid: our domain id, or DOMID_SELF when Xen does not say
 * @vmmcall: true when hypercalls use VMMCALL rather than VMCALL
 * @refusal: why xevtchn_detect() refused to run here, or NULL
 */
struct xevtchn_xen_info {
	u32 cpuid_base;
	u32 cpuid_max;
	u32 version;
	char extraversion[16];
	u32 features;
	u32 hvm_flags;
	u32 domid;
	bool vmmcall;
	const char *refusal;
};

int xevtchn_detect(xevtchn_cpuid_fn cpuid, void *ctx, bool kernel_owns_xen,
		   struct xevtchn_xen_info *info);
const struct xevtchn_xen_info *xevtchn_xen_info(void);

#endif /* _XEVTCHN_HYPERVISOR_H */
