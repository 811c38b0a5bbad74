#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the kernel's own side: a guest booted without "nopv" (its
# built-in Xen support and event layer on: x2APIC, FIFO), the same
# benchmark built against the kernel's <xen/events.h>.
. ./ktap.sh
. ./common.sh

echo "# bench-info abi: $(echo "$BENCH_BOOT_LOG" | grep -m1 -o 'Using [^ ]* ABI')"
bench_run xevtchn_bench_mainline
# The IPI row's smp_call_function_single() went through the kernel's event
# channel: its per-CPU IPI line, "xen-percpu-ipi callfuncsingleN".
echo "# bench-info call-function IPIs: $(grep callfuncsingle /proc/interrupts | tr -s ' ' | tr '\n' ';')"
bench_flood mainline
bench_end
