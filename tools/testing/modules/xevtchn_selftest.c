// SPDX-License-Identifier: GPL-2.0
/*
 * xevtchn_selftest: how xevtchn finds Xen, and hypercall round trips.
 *
 * Loaded in the test host's guest after xevtchn.ko. The detection cases feed
 * made-up CPUID tables to xevtchn_detect(); the hypercall cases compare what
 * Xen answers by hypercall with what it says through CPUID, and check that
 * Xen's errors come back as errors.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/xen/cpuid.h>
#include <xen/interface/xen.h>
#include <xen/interface/version.h>

#include <xevtchn/hypercall.h>
#include <xevtchn/hypervisor.h>
#include "compat.h"
#include "ktap.h"

struct fake_leaf {
	u32 leaf;
	struct xevtchn_cpuid_regs regs;
};

struct fake_cpuid {
	const struct fake_leaf *leaves;
	size_t count;
};

#define XEN_4_17	0x00040011

/* A max-leaf value and a 12-character signature, as one CPUID leaf. */
#define XEN_SIG(max)	{ (max), XEN_CPUID_SIGNATURE_EBX, \
			  XEN_CPUID_SIGNATURE_ECX, XEN_CPUID_SIGNATURE_EDX }
#define HYPERV_SIG(max)	{ (max), 0x7263694d, 0x666f736f, 0x76482074 }
#define KVM_SIG(max)	{ (max), 0x4b4d564b, 0x564b4d56, 0x0000004d }

static void fake_cpuid_leaf(u32 leaf, struct xevtchn_cpuid_regs *r, void *ctx)
{
	const struct fake_cpuid *t = ctx;
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < t->count; i++)
		if (t->leaves[i].leaf == leaf)
			*r = t->leaves[i].regs;
}

static void real_cpuid_leaf(u32 leaf, struct xevtchn_cpuid_regs *r, void *ctx)
{
	cpuid(leaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
}

static int detect_fake(const struct fake_leaf *leaves, size_t count,
		       struct xevtchn_xen_info *info)
{
	struct fake_cpuid t = { .leaves = leaves, .count = count };

	return xevtchn_detect(fake_cpuid_leaf, &t, false, info);
}

static const struct fake_leaf xen_behind_viridian[] = {
	{ 0x40000000, HYPERV_SIG(0x40000006) },
	{ 0x40000100, XEN_SIG(0x40000105) },
	{ 0x40000101, { XEN_4_17, 0, 0, 0 } },
	{ 0x40000104, { 0x58, 1, 7, 0 } },	/* vcpu id, domid present */
};

static const struct fake_leaf kvm_only[] = {
	{ 0x40000000, KVM_SIG(0x40000001) },
};

static const struct fake_leaf xen_too_few_leaves[] = {
	{ 0x40000000, XEN_SIG(0x40000002) },
};

static void test_detection(struct ktap_suite *s)
{
	const struct xevtchn_xen_info *loaded = xevtchn_xen_info();
	struct xevtchn_xen_info info;
	int ret;

	ret = xevtchn_detect(real_cpuid_leaf, NULL, false, &info);
	ktap_result(s, !ret && info.cpuid_base == loaded->cpuid_base,
		    "detect_finds_real_xen", "ret %d base 0x%x, module has 0x%x",
		    ret, info.cpuid_base, loaded->cpuid_base);

	ret = detect_fake(xen_behind_viridian, ARRAY_SIZE(xen_behind_viridian),
			  &info);
	ktap_result(s, !ret && info.cpuid_base == 0x40000100 &&
		    info.version == XEN_4_17 && info.domid == 7,
		    "detect_xen_behind_viridian",
		    "ret %d base 0x%x version 0x%x domid %u", ret,
		    info.cpuid_base, info.version, info.domid);

	ret = detect_fake(NULL, 0, &info);
	ktap_result(s, ret == -ENODEV && info.refusal &&
		    strstr(info.refusal, "not running on Xen"),
		    "detect_refuses_bare_metal", "ret %d refusal \"%s\"", ret,
		    info.refusal ?: "");

	ret = detect_fake(kvm_only, ARRAY_SIZE(kvm_only), &info);
	ktap_result(s, ret == -ENODEV, "detect_refuses_other_hypervisor",
		    "ret %d", ret);

	ret = detect_fake(xen_too_few_leaves, ARRAY_SIZE(xen_too_few_leaves),
			  &info);
	ktap_result(s, ret == -ENODEV, "detect_refuses_too_few_leaves",
		    "ret %d", ret);

	ret = xevtchn_detect(real_cpuid_leaf, NULL, true, &info);
	ktap_result(s, ret == -ENODEV && info.refusal &&
		    strstr(info.refusal, "nopv"),
		    "detect_refuses_when_kernel_xen_active",
		    "ret %d refusal \"%s\"", ret, info.refusal ?: "");
}

static void test_hypercalls(struct ktap_suite *s)
{
	const struct xevtchn_xen_info *xen = xevtchn_xen_info();
	struct xen_feature_info fi = { .submap_idx = 0 };
	u32 eax, ebx, ecx, edx;
	long ret;

	cpuid(xen->cpuid_base + 1, &eax, &ebx, &ecx, &edx);
	ret = xevtchn_xen_version(XENVER_version, NULL);
	ktap_result(s, ret == eax, "hypercall_version_matches_cpuid",
		    "hypercall 0x%lx, CPUID 0x%x", ret, eax);

	ret = xevtchn_xen_version(XENVER_get_features, &fi);
	ktap_result(s, !ret && fi.submap == xen->features,
		    "hypercall_features_match_load_time",
		    "ret %ld submap 0x%x, at load 0x%x", ret, fi.submap,
		    xen->features);

	fi.submap_idx = 1;
	ret = xevtchn_xen_version(XENVER_get_features, &fi);
	ktap_result(s, ret == -EINVAL, "hypercall_error_comes_back",
		    "XENVER_get_features(submap 1) returned %ld, want %d",
		    ret, -EINVAL);

	ret = xevtchn_hypercall2(63, 0, 0);
	ktap_result(s, ret == -ENOSYS, "unknown_hypercall_is_enosys",
		    "hypercall 63 returned %ld, want %d", ret, -ENOSYS);
}

static int __init selftest_init(void)
{
	struct ktap_suite s;

	ktap_start(&s, "xevtchn_hypervisor", 10);
	test_detection(&s);
	test_hypercalls(&s);
	return 0;
}

static void __exit selftest_exit(void)
{
}

module_init(selftest_init);
module_exit(selftest_exit);

MODULE_DESCRIPTION("xevtchn self-test: Xen detection and hypercalls");
MODULE_LICENSE("GPL");
