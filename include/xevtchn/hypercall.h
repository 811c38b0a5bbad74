/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen hypercalls from an HVM guest, without the kernel's hypercall page.
 *
 * The kernel's own hypercall page (hypercall_page) is not exported to
 * modules, so xevtchn issues hypercalls with the instruction itself:
 * VMMCALL on AMD and Hygon CPUs, VMCALL elsewhere. The choice is patched in
 * at module load by the alternatives mechanism, keyed on
 * X86_FEATURE_VMMCALL, which the kernel sets from the CPU vendor. Xen
 * handles both instructions as hypercalls from a 64-bit HVM guest in ring 0.
 *
 * Register use follows Xen's 64-bit ABI: the hypercall number in RAX,
 * arguments in RDI, RSI, RDX, R10 and R8, the result in RAX. A debug build of
 * Xen deliberately clobbers the argument registers a hypercall does not use,
 * so all five are declared as outputs.
 *
 * These helpers may be called from any context, including hard IRQ context,
 * as long as the hypercall itself may be (most event channel operations can).
 * They return Xen's result: zero or positive on success, a negative Xen errno
 * (which equals the Linux one for the values Xen uses) on failure.
 */
#ifndef _XEVTCHN_HYPERCALL_H
#define _XEVTCHN_HYPERCALL_H

#include <linux/types.h>
#include <asm/alternative.h>
#include <asm/cpufeatures.h>
#include <xen/interface/xen.h>
#include <xen/interface/hvm/hvm_op.h>

static __always_inline long xevtchn_hypercall5(unsigned int op,
					       unsigned long a1,
					       unsigned long a2,
					       unsigned long a3,
					       unsigned long a4,
					       unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long ret;

	asm volatile(ALTERNATIVE("vmcall", "vmmcall", X86_FEATURE_VMMCALL)
		     : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3),
		       "+r" (r10), "+r" (r8)
		     : "0" ((unsigned long)op)
		     : "memory");
	return ret;
}

static __always_inline long xevtchn_hypercall2(unsigned int op,
					       unsigned long a1,
					       unsigned long a2)
{
	return xevtchn_hypercall5(op, a1, a2, 0, 0, 0);
}

static inline long xevtchn_xen_version(int cmd, void *arg)
{
	return xevtchn_hypercall2(__HYPERVISOR_xen_version, cmd,
				  (unsigned long)arg);
}

static inline long xevtchn_memory_op(unsigned int cmd, void *arg)
{
	return xevtchn_hypercall2(__HYPERVISOR_memory_op, cmd,
				  (unsigned long)arg);
}

static inline long xevtchn_event_channel_op(int cmd, void *arg)
{
	return xevtchn_hypercall2(__HYPERVISOR_event_channel_op, cmd,
				  (unsigned long)arg);
}

static inline long xevtchn_hvm_op(int cmd, void *arg)
{
	return xevtchn_hypercall2(__HYPERVISOR_hvm_op, cmd,
				  (unsigned long)arg);
}

/* HVMOP_get_param of this domain: @index is an HVM_PARAM_*. */
static inline long xevtchn_hvm_get_param(unsigned int index, u64 *value)
{
	struct xen_hvm_param param = { .domid = DOMID_SELF, .index = index };
	long ret = xevtchn_hvm_op(HVMOP_get_param, &param);

	*value = ret ? 0 : param.value;
	return ret;
}

/* HVMOP_set_param of this domain (Xen lets a guest set only a few). */
static inline long xevtchn_hvm_set_param(unsigned int index, u64 value)
{
	struct xen_hvm_param param = {
		.domid = DOMID_SELF,
		.index = index,
		.value = value,
	};

	return xevtchn_hvm_op(HVMOP_set_param, &param);
}

static inline long xevtchn_physdev_op(int cmd, void *arg)
{
	return xevtchn_hypercall2(__HYPERVISOR_physdev_op, cmd,
				  (unsigned long)arg);
}

static inline long xevtchn_sched_op(int cmd, void *arg)
{
	return xevtchn_hypercall2(__HYPERVISOR_sched_op, cmd,
				  (unsigned long)arg);
}

static inline long xevtchn_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return xevtchn_hypercall5(__HYPERVISOR_vcpu_op, cmd, vcpu,
				  (unsigned long)arg, 0, 0);
}

#endif /* _XEVTCHN_HYPERCALL_H */
