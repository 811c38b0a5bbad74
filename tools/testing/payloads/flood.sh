# SPDX-License-Identifier: GPL-2.0
#
# The flood's dialogue between the guest's flood module and dom0's
# xth-flood (Documentation/testing.md, "The flood test"), shared by make
# check (payloads/check/common.sh, against the test build) and make bench
# (payloads/bench/common.sh, against xevtchn and the kernel's own layer).
# The runner puts this file in the guest's /payload; sourced after ktap.sh.

# flood_stage N SECONDS: wait until the flood module's stage is N or more;
# false if its insmod ($flood_pid) ended first, or after SECONDS. Once a
# second: the shell's own polling is part of what the workload shares its
# CPU with, the same before and during the flood.
flood_stage() {
	_left=$2
	while [ "$(cat "$flood_params/stage" 2>/dev/null || echo 0)" -lt "$1" ]; do
		kill -0 "$flood_pid" 2>/dev/null || return 1
		_left=$((_left - 1))
		[ $_left -gt 0 ] || return 1
		sleep 1
	done
}

# flood_word NAME LINE: the word after NAME in LINE (dom0's answers).
flood_word() {
	echo "$2" | awk -v name="$1" '{ for (i = 1; i < NF; i++)
		if ($i == name) { print $(i + 1); exit } }'
}

# flood_drive MODULE MODE TAG PORTS SECONDS BASELINE [LOOK]: one flood
# of SECONDS on PORTS ports, the module MODULE (.ko in this directory)
# binding them with MODE (plain or lateeoi), its suite flood_TAG. LOOK, if
# given, names two commands: LOOK_start, run once dom0 floods, and
# LOOK_window, run while the flood still runs, once the module's window is
# measured. Leaves the module's exit status in
# $flood_rc and the kernel log of the run in $flood_log; the module is
# unloaded and dom0's ports closed.
flood_drive() {
	flood_params=/sys/module/$1/parameters
	_answer=$(dom0_call flood-open "$4" "$5")
	_ports=$(echo "${_answer#ports }" | tr ' ' ',')
	[ "${_answer#ports }" != "$_answer" ] || _ports=0
	kmsg >/dev/null
	insmod "$1.ko" mode="$2" tag="$3" ports="$_ports" seconds="$5" \
		baseline="$6" &
	flood_pid=$!
	# Stage 1: the baseline is measured; dom0 floods. (A module that
	# could not bind ends before it: no flood, the module says why.)
	_started=
	if flood_stage 1 $(($6 + 120)); then
		dom0_call flood-start >/dev/null
		_started=yes
		[ -z "$7" ] || "$7"_start
	fi
	# Stage 2: the window is measured, the flood still runs.
	flood_stage 2 $(($5 + 180))
	[ -z "$7" ] || "$7"_window
	if [ -n "$_started" ]; then
		# dom0's answer once its flood is over: "flood notifies N ms T
		# rate R errors E".
		_flood=$(dom0_call flood-stop)
		for _word in notifies ms errors; do
			flood_word $_word "$_flood" 2>/dev/null \
				>"$flood_params/dom0_$_word"
		done
	fi
	echo 1 2>/dev/null >"$flood_params/go"
	# Stage 3: each port's count is noted; one more event on each.
	if flood_stage 3 60 && [ -n "$_started" ]; then
		dom0_call flood-final >/dev/null
	fi
	echo 2 2>/dev/null >"$flood_params/go"
	wait $flood_pid
	flood_rc=$?
	flood_log=$(kmsg)
	echo "$flood_log" | ktap_only
	rmmod "$1" 2>/dev/null
	dom0_call flood-close >/dev/null
}

# kernel_alarms: how many lines of the kernel log on stdin tell of an RCU
# stall, a lockup or a hung task.
kernel_alarms() {
	grep -ci -e 'rcu.*stall' -e 'lockup' -e 'blocked for more than'
}

# flood_stalls: RCU stalls, lockups and hung tasks in $flood_log.
flood_stalls() {
	echo "$flood_log" | kernel_alarms
}
