# SPDX-License-Identifier: GPL-2.0
#
# What the target kernel's headers offer, for compat.h: each test looks in
# $(srctree) and defines XEVTCHN_HAVE_<name> when it finds the thing.
# Feature tests, never version tests: distribution kernels carry backports,
# so LINUX_VERSION_CODE would lie. Included by every Kbuild that builds
# against xevtchn's sources (the module, its test build, the test and
# benchmark modules). compat.h says what each one is for.

# $(call xevtchn_grep,FILE,REGEX,NAME) and $(call xevtchn_file,FILE,NAME)
xevtchn_grep = $(shell grep -qs -E '$(2)' $(srctree)/$(1) && echo -DXEVTCHN_HAVE_$(3))
xevtchn_file = $(if $(wildcard $(srctree)/$(1)),-DXEVTCHN_HAVE_$(2))

ccflags-y += $(call xevtchn_grep,include/linux/irq.h,\bIRQ_MOVE_PCNTXT\b,IRQ_MOVE_PCNTXT)
ccflags-y += $(call xevtchn_grep,include/linux/module.h,define MODULE_IMPORT_NS\(ns\)[[:space:]]+MODULE_INFO\(import_ns$(comma) ns\),NS_STRING)
ccflags-y += $(call xevtchn_file,arch/x86/include/asm/cpuid/api.h,ASM_CPUID_API_H)
ccflags-y += $(call xevtchn_grep,arch/x86/include/asm/apic.h,static_call\(apic_call_eoi\),APIC_CALL_EOI)
ccflags-y += $(call xevtchn_grep,include/linux/msi.h,\bpci_msi_create_irq_domain\b,PCI_MSI_CREATE_IRQ_DOMAIN)
ccflags-y += $(call xevtchn_grep,include/linux/msi.h,\(\*msi_teardown\),MSI_TEARDOWN)
ccflags-y += $(call xevtchn_grep,include/linux/msi.h,\bmsi_create_parent_irq_domain\b,MSI_CREATE_PARENT_IRQ_DOMAIN)
ccflags-y += $(call xevtchn_grep,include/linux/hrtimer.h,void hrtimer_setup\b,HRTIMER_SETUP)
