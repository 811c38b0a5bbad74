# SPDX-License-Identifier: GPL-2.0
#
# What make bench's guests share (the runner puts this file in each guest's
# /payload): the benchmark run, with the same parameters in every guest.
# Sourced by each guest's guest.sh after ktap.sh.

# The flood's dialogue with dom0 (also make check's).
. ./flood.sh

# The kernel's log of the whole guest, boot included: every read of it
# (kmsg, which clears it, also in flood.sh) is kept in BENCH_KMSG, so that
# bench_end counts the kernel's alarms of the whole guest, which its console
# no longer shows (guest-cmdline: loglevel=1, see bench_run). The boot's
# part is also kept in BENCH_BOOT_LOG, for what it says about the guest.
BENCH_KMSG=/tmp/bench-kmsg
dmesg -c >$BENCH_KMSG
BENCH_BOOT_LOG=$(cat $BENCH_KMSG)
kmsg() {
	dmesg -c | tee -a $BENCH_KMSG
}

BENCH_SAMPLES=2000
BENCH_WARMUP=200
BENCH_PORTS=4096

# xth_arg NAME DEFAULT: xth.NAME= on the guest's command line (make bench
# passes its settings so), else DEFAULT.
xth_arg() {
	_value=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^xth\.$1=//p")
	echo "${_value:-$2}"
}

# The benchmark's clock= (auto, tsc or ktime): make bench BENCH_CLOCK=...
bench_clock() {
	xth_arg bench_clock auto
}

# xevtchn's upcall= in this boot (make bench BENCH_UPCALL=...), else none
# (xevtchn's default).
bench_upcall_arg() {
	upcall=$(xth_arg upcall)
	[ -z "$upcall" ] || echo "upcall=$upcall"
}

# bench_run MODULE: what drives this guest's local APIC and its tick, then
# the benchmark module MODULE, with dom0's echoing peer for its round
# trips (one answer per event, warm-up included), and a "# bench run_log"
# line: the module's exit code and the kernel's alarms during its run
# (kernel_alarms). The guests' console shows only the kernel's emergencies
# (guest-cmdline: loglevel=1): an RCU stall printed to it while the shell
# relayed the module's KTAP cut a result line in two (a mainline guest,
# 2026-11-30); the alarms are counted from the log instead (here, and for
# the whole guest by bench_end).
bench_run() {
	echo "# bench-info apic: $(echo "$BENCH_BOOT_LOG" | grep -m1 -o -e 'x2apic enabled' -e 'Switched APIC routing to[^.]*' || echo xAPIC)"
	echo "# bench-info clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "# bench-info tick: $(cat /sys/devices/system/clockevents/clockevent0/current_device 2>/dev/null)"
	port=$(dom0_call peer-start $((BENCH_SAMPLES + BENCH_WARMUP)))
	kmsg >/dev/null
	insmod "$1.ko" remote_port="${port:-0}" samples=$BENCH_SAMPLES \
		warmup=$BENCH_WARMUP ports=$BENCH_PORTS clock="$(bench_clock)"
	_rc=$?
	_log=$(kmsg)
	echo "$_log" | ktap_only
	echo "# bench run_log module_rc=$_rc stalls=$(echo "$_log" | kernel_alarms) end"
	dom0_call peer-result >/dev/null
	rmmod "$1"
}

# The flood: make check's flood test built against this guest's layer, 8
# ports, a 3 s baseline.
BENCH_FLOOD_PORTS=8
BENCH_FLOOD_BASELINE=3

# bench_flood LAYER: dom0 floods ports bound through xevtchn_flood_LAYER
# (ours or mainline), plain then lateeoi: the suites flood_MODE_LAYER,
# and "# bench flood_MODE ..." lines for the report (the module's, and
# the kernel's alarms during it: stalls=). Without a flood, each suite is
# reported skipped. Its length: make bench BENCH_FLOOD_SECONDS=... (12;
# below 6: none).
bench_flood() {
	seconds=$(xth_arg flood_seconds 12)
	for mode in plain lateeoi; do
		if [ "$seconds" -lt 6 ]; then
			ktap_start "flood_${mode}_$1" 1
			echo "ok 1 flood # SKIP xth.flood_seconds=$seconds" | ktap_relay
			continue
		fi
		flood_drive "xevtchn_flood_$1" $mode "${mode}_$1" \
			$BENCH_FLOOD_PORTS "$seconds" $BENCH_FLOOD_BASELINE
		echo "# bench flood_log_$mode module_rc=$flood_rc stalls=$(flood_stalls) end"
	done
}

# bench_end: the guest's last line, "# bench guest_log stalls=N": the
# kernel's alarms (kernel_alarms) over the whole guest, boot to end.
bench_end() {
	kmsg | ktap_only
	echo "# bench guest_log stalls=$(kernel_alarms <$BENCH_KMSG) end"
}
