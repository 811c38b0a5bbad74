#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the control: the kernel's own Xen support again, but with its
# local APIC in xAPIC mode (nox2apic), as a "nopv" guest has to run it. The
# gap between this guest and the x2APIC one is what the APIC mode costs;
# the gap between this guest and xevtchn's is the event layer's own.
. ./ktap.sh

echo "# bench-info mainline-xapic apic: $(dmesg | grep -m1 -o -e 'x2apic enabled' -e 'Switched APIC routing to[^.]*' || echo xAPIC)"
# One answer per event: the module's warmup (200) and samples (2000).
port=$(dom0_call peer-start 2200)
load_module xevtchn_bench_mainline.ko remote_port="${port:-0}" \
	workloads=core label=mainline-xapic
dom0_call peer-result >/dev/null
rmmod xevtchn_bench_mainline
# The IPI row's smp_call_function_single() went through the kernel's event
# channel: its per-CPU IPI line, "xen-percpu-ipi callfuncsingleN".
echo "# bench-info call-function IPIs: $(grep callfuncsingle /proc/interrupts | tr -s ' ' | tr '\n' ';')"
