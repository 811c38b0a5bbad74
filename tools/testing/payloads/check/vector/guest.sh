#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, second boot: every event layer suite under the per-vCPU
# upcall vector, in both ABIs (2-level first, then FIFO, then 2-level again:
# the reload in 2-level mode after FIFO), and the load/unload cycles (the
# default ABI, FIFO).
. ./ktap.sh
. ./common.sh

dom0_call lsevtchn boot >/dev/null
irq_layout >/tmp/layout.boot

run_mode vector 2level
run_mode vector fifo
kmsg >/dev/null
insmod xevtchn.ko upcall=vector fifo=off
rc=$?
ktap_start reload_2level_after_fifo 2
ktap_expect loads 0 "$rc"
ktap_expect abi_in_use "# upcall=vector abi=2-level" \
	"$(head -n 1 /sys/kernel/debug/xevtchn/ports)"
rmmod xevtchn
kmsg | ktap_only
leak_canary
unload_cycles
canary
