# SPDX-License-Identifier: GPL-2.0
#
# What make bench's guests share (the runner puts this file in each guest's
# /payload): the benchmark run, with the same parameters in every guest.
# Sourced by each guest's guest.sh after ktap.sh.

BENCH_SAMPLES=2000
BENCH_WARMUP=200
BENCH_PORTS=4096

# The benchmark's clock= (auto, tsc or ktime): xth.bench_clock= on the
# guest's command line (make bench BENCH_CLOCK=...), else auto.
bench_clock() {
	clock=$(sed -n 's/.*xth\.bench_clock=\([a-z]*\).*/\1/p' /proc/cmdline)
	echo "${clock:-auto}"
}

# xevtchn's upcall= in this boot: xth.upcall= on the guest's command line
# (make bench BENCH_UPCALL=...), else none (xevtchn's default).
bench_upcall_arg() {
	upcall=$(sed -n 's/.*xth\.upcall=\([a-z]*\).*/\1/p' /proc/cmdline)
	[ -z "$upcall" ] || echo "upcall=$upcall"
}

# bench_run MODULE: what drives this guest's local APIC and its tick, then
# the benchmark module MODULE, with dom0's echoing peer for its round
# trips (one answer per event, warm-up included).
bench_run() {
	echo "# bench-info apic: $(dmesg | grep -m1 -o -e 'x2apic enabled' -e 'Switched APIC routing to[^.]*' || echo xAPIC)"
	echo "# bench-info clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	echo "# bench-info tick: $(cat /sys/devices/system/clockevents/clockevent0/current_device 2>/dev/null)"
	port=$(dom0_call peer-start $((BENCH_SAMPLES + BENCH_WARMUP)))
	load_module "$1.ko" remote_port="${port:-0}" samples=$BENCH_SAMPLES \
		warmup=$BENCH_WARMUP ports=$BENCH_PORTS clock="$(bench_clock)"
	dom0_call peer-result >/dev/null
	rmmod "$1"
}
