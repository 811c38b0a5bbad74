#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make soak: the migration storm of make check, run until each flow has
# handled a million events (or xth.soak_events=N on the guest's command
# line: make soak SOAK_EVENTS=N), in both ABIs, on the module users load;
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

for abi in 2level fifo; do
	load_module xevtchn.ko upcall=vector fifo="$([ $abi = fifo ] && echo on || echo off)"
	storm_soak "soak_$abi"
	rmmod xevtchn
	kmsg | ktap_only
done
negative_control level
negative_control fasteoi
