#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, xevtchn's side: a guest booted with "nopv", xevtchn loaded
# (defaults: per-vCPU vectors, FIFO), the benchmark built against
# <xevtchn/events.h>; then xevtchn again with the 2-level ABI for the
# port-count workloads. Results: "# bench ..." lines (tools/testing/bench).
. ./ktap.sh

# How the local APIC is driven: every EOI and IPI goes through it.
echo "# bench-info xevtchn apic: $(dmesg | grep -m1 -o -e 'x2apic enabled' -e 'Switched APIC routing to[^.]*' || echo xAPIC)"
load_module xevtchn.ko
# One answer per event: the module's warmup (200) and samples (2000).
port=$(dom0_call peer-start 2200)
load_module xevtchn_bench_ours.ko remote_port="${port:-0}"
dom0_call peer-result >/dev/null
rmmod xevtchn_bench_ours xevtchn

load_module xevtchn.ko fifo=off
load_module xevtchn_bench_ours.ko workloads=ports
rmmod xevtchn_bench_ours xevtchn
