#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the kernel's own side: a guest booted without "nopv" (its
# built-in Xen support and event layer on, FIFO ABI), the same benchmark
# built against the kernel's <xen/events.h>.
. ./ktap.sh

# How the local APIC is driven: every EOI and IPI goes through it.
echo "# bench-info mainline apic: $(dmesg | grep -m1 -o -e 'x2apic enabled' -e 'Switched APIC routing to[^.]*' || echo xAPIC)"
echo "# bench-info mainline abi: $(dmesg | grep -m1 -o 'Using [^ ]* ABI')"
echo "# event layer: $(ls /sys/bus/xen/devices 2>/dev/null | wc -l) xenbus devices, $(grep -c xen-dyn /proc/interrupts) xen-dyn IRQs"
# One answer per event: the module's warmup (200) and samples (2000).
port=$(dom0_call peer-start 2200)
load_module xevtchn_bench_mainline.ko remote_port="${port:-0}"
dom0_call peer-result >/dev/null
rmmod xevtchn_bench_mainline
# The IPI row's smp_call_function_single() went through the kernel's event
# channel: its per-CPU IPI line, "xen-percpu-ipi callfuncsingleN".
echo "# bench-info call-function IPIs: $(grep callfuncsingle /proc/interrupts | tr -s ' ' | tr '\n' ';')"
