#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, xevtchn's side: a guest booted with "nopv", xevtchn loaded
# (defaults: per-vCPU vectors, FIFO; make bench BENCH_UPCALL=callback loads
# it with upcall=callback), the benchmark built against <xevtchn/events.h>
# (tools/testing/bench). Results: "# bench ..." lines.
. ./ktap.sh
. ./common.sh

# load_module, keeping the module's own line: the upcall, the ABI and the
# clock that times the upcall's budget (a VM exit a read, or the TSC).
kmsg >/dev/null
insmod xevtchn.ko $(bench_upcall_arg)
loaded=$(kmsg)
echo "$loaded" | ktap_only
echo "# bench-info xevtchn: $(head -n 1 /sys/kernel/debug/xevtchn/ports)"
echo "# bench-info xevtchn loaded: $(echo "$loaded" | grep -o 'upcall by .*' | head -n 1)"
bench_run xevtchn_bench_ours
bench_flood ours
rmmod xevtchn
bench_end
