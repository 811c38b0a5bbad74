#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, xevtchn's side: a guest booted with "nopv", xevtchn loaded
# (defaults: per-vCPU vectors, FIFO), the benchmark built against
# <xevtchn/events.h> (tools/testing/bench). Results: "# bench ..." lines.
. ./ktap.sh
. ./common.sh

load_module xevtchn.ko
bench_run xevtchn_bench_ours
rmmod xevtchn
