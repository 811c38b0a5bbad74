#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the migration storm of make check, run until each flow has
# handled a million events (or xth.soak_events=N on the guest's command
# line: make soak SOAK_EVENTS=N), on the module users load;
# then the negative controls, which must still be caught. Each storm prints
# its progress once a minute.
. ./ktap.sh
. ./common.sh

SOAK_EVENTS=$(sed -n 's/.*xth\.soak_events=\([0-9]*\).*/\1/p' /proc/cmdline)
SOAK_EVENTS=${SOAK_EVENTS:-1000000}
# A storm that has not got there in this many seconds fails.
SOAK_LIMIT=5400

# storm_soak TAG ARGS...: xevtchn_storm_test until SOAK_EVENTS per flow,
# its KTAP and progress shown while it runs.
storm_soak() {
	_tag=$1
	shift
	kmsg >/dev/null
	_start=$(date +%s)
	insmod xevtchn_storm_test.ko tag="$_tag" events=$SOAK_EVENTS \
		seconds=$SOAK_LIMIT "$@" &
	_pid=$!
	while kill -0 $_pid 2>/dev/null; do
		sleep 10
		kmsg | ktap_only
	done
	wait $_pid
	kmsg | ktap_only
	echo "# soak $_tag: $(($(date +%s) - _start)) s"
	rmmod xevtchn_storm_test
}

# 2-level: the dynamic ports (edge flow) and the IPIs (per-CPU flow), each
# IPI sent from the CPU it goes to: across CPUs, each IPI waits for Xen to
# switch between the two vCPUs of one physical CPU (about 300 a second;
# make check's storms send them across). FIFO: the dynamic ports alone (the
# per-CPU flow is the same code in both ABIs).
load_module xevtchn.ko upcall=vector fifo=off
storm_soak soak_2level local_ipis=1
rmmod xevtchn
load_module xevtchn.ko upcall=vector fifo=on
storm_soak soak_fifo ipis=0
rmmod xevtchn
kmsg | ktap_only
negative_control level
negative_control fasteoi

# The last command above is a pipeline ending in grep, which says 1 when
# no line was left to relay: the verdict is the KTAP above, not that.
exit 0
