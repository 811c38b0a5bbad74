// SPDX-License-Identifier: GPL-2.0
/*
 * The upcall budget's clock (upcall.c, "the bounded upcall"), read when a
 * pass starts, before every XEVTCHN_CLOCK_EVENTS-th event and when it
 * ends.
 *
 * The TSC itself (rdtsc(), unordered: a budget of milliseconds does not
 * care) where Xen says it does not emulate rdtsc (its CPUID leaf 4,
 * sub-leaf 0, EAX bit 0) and the rate is known: the one Xen gives the
 * domain (the same sub-leaf's ECX), else the kernel's tsc_khz. (After a
 * move to a host of another rate under tsc_mode "native", Xen's restore
 * sets ECX back to the first host's rate while rdtsc runs at the new
 * one's: the budget is then off by their ratio, no worse than with the
 * kernel's calibration; a pass still takes at most
 * XEVTCHN_BUDGET_EVENTS.) Not the kernel's alone: where it
 * could not calibrate the TSC, it marks it unstable, runs on acpi_pm and
 * leaves tsc_khz 0 (so do the test host's guests). A read is then an
 * instruction, whatever the clocksource (a guest whose TSCs Linux found
 * unsynchronised runs on hpet or acpi_pm, a VM exit a read).
 * Not where Xen emulates it: that is an exit too, and on an SVM host
 * without next-RIP (the emulated test host) one that has Xen fetch and
 * decode the instruction. Not under upcall=intx, where CPU 0's passes run
 * on either CPU, whose TSCs may differ.
 *
 * Else the clocksource, read without locks (ktime_get_mono_fast_ns()).
 * Not local_clock(): where sched_clock() is unstable, it moves only with
 * the tick, which a hard IRQ does not see (a pass never ran its time out
 * on the test host).
 *
 * The lengths are in the clock's units. The choice is made at load and
 * again after a resume in a new domain (whose host may emulate the TSC
 * where the old one did not); the load's line says which clock it is.
 */

#include <linux/math64.h>
#include <linux/module.h>
#include <linux/timekeeping.h>
#include <asm/tsc.h>

#include <xevtchn/hypervisor.h>
#include "compat.h"
#include "internal.h"

#define XEN_CPUID_TSC_EMULATED	BIT(0)	/* Xen's public/arch-x86/cpuid.h */

static bool use_tsc;
static u64 budget_len = XEVTCHN_BUDGET_NS;
static u64 window_len = XEVTCHN_BUDGET_NS + XEVTCHN_REST_NS;

/*
 * The TSC's rate in kHz where Xen lets rdtsc run natively (its leaf 4
 * known, bit 0 of sub-leaf 0's EAX clear), else 0: the rate Xen gives the
 * domain (sub-leaf 0's ECX), or the kernel's where Xen gives none.
 */
static u32 tsc_native_khz(void)
{
	const struct xevtchn_xen_info *xen = xevtchn_xen_info();
	u32 eax, ebx, ecx, edx;

	if (xen->cpuid_max < xen->cpuid_base + 3)
		return 0;
	cpuid_count(xen->cpuid_base + 3, 0, &eax, &ebx, &ecx, &edx);
	if (eax & XEN_CPUID_TSC_EMULATED)
		return 0;
	return ecx ?: tsc_khz;
}

/**
 * xevtchn_budget_clock_choose() - choose the clock, and the lengths in it
 * @cpu0_only: the upcall is the INTx, whose passes run on either CPU
 *
 * Context: load step 3, or a resume in a new domain, with no pass
 * running (upcall.c).
 */
void xevtchn_budget_clock_choose(bool cpu0_only)
{
	u32 khz = 0;

	if (boot_cpu_has(X86_FEATURE_TSC) && !cpu0_only)
		khz = tsc_native_khz();
	use_tsc = khz >= 1000;
	budget_len = XEVTCHN_BUDGET_NS;
	window_len = XEVTCHN_BUDGET_NS + XEVTCHN_REST_NS;
	if (use_tsc) {
		budget_len = mul_u64_u32_div(budget_len, khz, NSEC_PER_MSEC);
		window_len = mul_u64_u32_div(window_len, khz, NSEC_PER_MSEC);
	}
}

/* For the load's line: which clock. */
const char *xevtchn_budget_clock_name(void)
{
	return use_tsc ? "the TSC" : "the clocksource";
}

u64 xevtchn_budget_now(void)
{
	return use_tsc ? rdtsc() : ktime_get_mono_fast_ns();
}

/* The time from @then to @now; none if the clock went back. */
u64 xevtchn_budget_since(u64 then, u64 now)
{
	return now > then ? now - then : 0;
}

/* XEVTCHN_BUDGET_NS, in the clock's units. */
u64 xevtchn_budget_length(void)
{
	return budget_len;
}

/* A window: XEVTCHN_BUDGET_NS + XEVTCHN_REST_NS, in the clock's units. */
u64 xevtchn_budget_window(void)
{
	return window_len;
}

/**
 * xevtchn_budget_clock() - is the pass's time up?
 * @budget: the pass's budget
 *
 * Context: the upcall, before every XEVTCHN_CLOCK_EVENTS-th event of a
 * pass but its first.
 * Return: true while time is left; false, the budget spent, when not.
 */
bool xevtchn_budget_clock(struct xevtchn_budget *budget)
{
	if (!budget->deadline || xevtchn_budget_now() < budget->deadline)
		return true;
	budget->spent = true;
	return false;
}
