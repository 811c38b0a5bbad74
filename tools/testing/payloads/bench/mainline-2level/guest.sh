#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the kernel's own side with its 2-level ABI
# (xen.fifo_events=0): the port-count workloads only.
. ./ktap.sh

echo "# bench-info mainline abi: $(dmesg | grep -m1 -o 'Using [^ ]* ABI')"
load_module xevtchn_bench_mainline.ko workloads=ports
rmmod xevtchn_bench_mainline
