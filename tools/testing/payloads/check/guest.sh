#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The test suite, guest side: runs in the HVM guest of the test host.
. ./ktap.sh

log=$(load_module xevtchn.ko)
rc=$?
echo "$log"
logged() { echo "$log" | grep -q "$1"; }

ktap_start xevtchn_load 4
ktap_expect module_loads 0 "$rc"
ktap_check logs_xen_version logged 'xevtchn: Xen 4\.17'
ktap_check logs_xen_features logged 'xevtchn: Xen features 0x'
ktap_check logs_hvm_cpuid_flags logged 'xevtchn: HVM CPUID flags 0x'

load_module xevtchn_selftest.ko
rmmod xevtchn_selftest

ktap_start xevtchn_unload 3
ktap_check module_unloads rmmod xevtchn
ktap_expect module_gone "" "$(grep '^xevtchn ' /proc/modules)"
cycles=0
for i in 1 2 3 4 5; do
	insmod xevtchn.ko && rmmod xevtchn && cycles=$((cycles + 1))
done
ktap_expect five_load_unload_cycles 5 "$cycles"

# The runner must see this suite fail (the payload's expect file says so):
# it shows that a failing guest test makes the run fail.
ktap_start xth_canary 1
ktap_fail deliberately_failing "a canary: the runner must count this as failed"
