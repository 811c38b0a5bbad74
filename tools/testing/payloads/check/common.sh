# SPDX-License-Identifier: GPL-2.0
#
# What the boots of make check share: the helpers, a full run of every
# event layer suite in one upcall mode and ABI (on the test build), the
# negative controls (test build), the PIRQ suites and the load/unload cycles
# (the module users load). Sourced by each boot's guest.sh after ktap.sh.

# The flood's dialogue with dom0 (also make bench's).
. ./flood.sh

# The test build of xevtchn.ko (negative controls, injection points, the
# test modules' hooks); the module users load is ./xevtchn.ko.
TESTING_KO=testing/xevtchn.ko

# The upcall by vector that the boot's suites beyond run_mode use: vector
# (the per-vCPU vectors), or callback (Xen's callback vector) where the
# guest.sh sets UPCALL=callback before sourcing this file (the callback
# boots of make check-callback). Once a guest has used per-vCPU vectors,
# Xen injects them until the guest reboots, so a boot never mixes both.
UPCALL=${UPCALL:-vector}

# The upcall= of a load that takes the default: none under vector (the
# default, auto, is vector), else UPCALL's.
upcall_arg() {
	[ "$UPCALL" = vector ] || echo "upcall=$UPCALL"
}

# The clock of the bounded upcall's budget (budget_clock.c): the TSC where
# the guest.cfg has Xen run RDTSC natively (tsc_mode = "native": the vector
# boot, whose guest.sh sets TSC_NATIVE=yes before sourcing this file), but
# not under INTx; elsewhere Xen emulates RDTSC here (the emulated host's TSC
# is not reliable enough for its default mode), and it is the clocksource.
TSC_NATIVE=${TSC_NATIVE:-no}
budget_clock() {
	if [ "$TSC_NATIVE" = yes ] && [ "$1" != intx ]; then
		echo "the TSC"
	else
		echo "the clocksource"
	fi
}

ROUNDS=1000
DOM0_ROUNDS=200
CYCLES=25
STORM_SECONDS=10
# MSI enable/disable cycles that must work before Xen runs out of PIRQs; the
# pirq guest's boot gives Xen 232 for MSIs (see Documentation/pirq.md).
MSI_CYCLES=200

# The total count of /proc/interrupts lines named $1, over all CPUs.
irq_count() {
	awk -v name="$1" '$NF == name { s = 0; for (i = 2; i <= NF; i++)
		if ($i ~ /^[0-9]+$/) s += $i; else break; t += s } END { print t + 0 }' \
		/proc/interrupts
}

# The chip shown for the /proc/interrupts line named $1.
irq_chip() {
	awk -v name="$1" '$NF == name { for (i = 2; i <= NF; i++)
		if ($i !~ /^[0-9]+$/) { print $i; exit } }' /proc/interrupts
}

# The number of the (first) IRQ named $1 in /proc/interrupts.
irq_of() {
	awk -v name="$1" '$NF == name { sub(":", "", $1); print $1; exit }' \
		/proc/interrupts
}

# Set IRQ $1's affinity to CPU list $2 from user space, as irqbalance does;
# print "moved" or "refused", then the effective CPU list.
user_move() {
	if echo "$2" >"/proc/irq/$1/smp_affinity_list" 2>/dev/null; then
		echo "moved $(cat "/proc/irq/$1/effective_affinity_list")"
	else
		echo "refused $(cat "/proc/irq/$1/effective_affinity_list")"
	fi
}

# The migration storm (xevtchn_storm_test) with the given parameters.
storm() {
	load_module xevtchn_storm_test.ko seconds=$STORM_SECONDS "$@"
	rmmod xevtchn_storm_test
}

# /proc/interrupts without the counts, and the number of Linux IRQs.
irq_layout() {
	awk '{ $2 = $3 = ""; print }' /proc/interrupts | grep -v -e '^ *[A-Z]*:' -e CPU
	echo "irqs $(ls /sys/kernel/irq | wc -l)"
}

# The PCI address of QEMU's edu device (1234:11e8).
edu_address() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1234 ] &&
		   [ "$(cat "$d/device")" = 0x11e8 ]; then
			basename "$d"
			return
		fi
	done
}

run_mode() {
	mode=$1
	abi=$2
	tag=${mode}_$abi
	fifo=$([ "$abi" = fifo ] && echo on || echo off)

	kmsg >/dev/null
	cascade_chip=$(cat /sys/kernel/irq/2/chip_name 2>/dev/null)
	dom0_call xen-log-clear >/dev/null
	# On vCPU 1: the ABI's set-up must not assume the vCPU it runs on.
	taskset -c 1 insmod $TESTING_KO upcall="$mode" fifo="$fifo"
	rc=$?
	log=$(dmesg -c -r)	# raw: each line starts with its level, <N>
	ktap_start "xevtchn_load_$tag" 8
	ktap_expect module_loads "0 live" "$rc $(cat /sys/module/xevtchn/initstate)"
	# Raw: each line starts with its level, <N>; 0-4 is warning or worse.
	# The first two such lines, if any, say what went wrong.
	ktap_expect no_warnings_or_errors_logged "" \
		"$(echo "$log" | grep -e '^<[0-4]>' -e '\] WARNING' |
		   grep -v 'taints kernel' | head -n 2 | tr '\n' ' ')"
	# A FIFO event array page given before vCPU 0 had its control block
	# made Xen drop the toolstack ports' pending events (events_fifo.c,
	# evtchn_fifo_init()).
	ktap_expect xen_dropped_no_event 0 \
		"$(dom0_call xen-log-count 'has no FIFO event channel control block')"
	ktap_expect upcall_and_abi_in_use \
		"# upcall=$mode abi=$([ "$abi" = fifo ] && echo FIFO || echo 2-level)" \
		"$(head -n 1 /sys/kernel/debug/xevtchn/ports)"
	if [ "$mode" = vector ]; then
		ktap_expect upcall_per_cpu_in_proc_interrupts "APIC APIC" \
			"$(irq_chip xen-upcall-cpu0) $(irq_chip xen-upcall-cpu1)"
	elif [ "$mode" = callback ]; then
		ktap_expect upcall_per_cpu_in_proc_interrupts \
			"xen-callback xen-callback" \
			"$(irq_chip xen-upcall-cpu0) $(irq_chip xen-upcall-cpu1)"
	else
		ktap_expect upcall_intx_in_proc_interrupts 1 \
			"$(grep -c 'xen-upcall-intx$' /proc/interrupts)"
	fi
	ktap_expect upcall_budget_clock "$(budget_clock "$mode")" \
		"$(echo "$log" | sed -n 's/^.*upcall budget timed by //p')"
	ktap_expect xenstore_port_bound 1 "$(grep -c ' xenstore$' /proc/interrupts)"
	ktap_expect nothing_else_in_proc_interrupts "" \
		"$(grep -e xen- -e xevtchn /proc/interrupts | grep -v -e xen-upcall -e ' xenstore$' | awk '{ print $NF }' | tr '\n' ' ')"

	# Once a guest, under the upcall its boot is about.
	if [ "$mode" = "$UPCALL" ] && [ ! -e /tmp/xth-selftest-ran ]; then
		load_module xevtchn_selftest.ko
		rmmod xevtchn_selftest
		: >/tmp/xth-selftest-ran
	fi
	load_module xevtchn_fifo_test.ko abi="$abi" tag="$tag"
	rmmod xevtchn_fifo_test

	port=$(dom0_call peer-start $DOM0_ROUNDS)
	load_module xevtchn_events_test.ko mode="$mode" tag="$tag" rounds=$ROUNDS \
		remote_port="${port:-0}" dom0_rounds=$DOM0_ROUNDS >/tmp/events.log
	cat /tmp/events.log
	dom0_call peer-result >/dev/null
	load_module xevtchn_mainline_style.ko
	echo "# interrupts xevtchn-mainline-style 100" >>/tmp/events.log

	# /proc/interrupts tells the truth: counts and chips.
	ktap_start "proc_interrupts_$tag" 5
	sed -n 's/^.*# interrupts //p' /tmp/events.log >/tmp/expected-counts
	while read -r name want; do
		ktap_expect "count_$name" "$want" "$(irq_count "$name")"
	done </tmp/expected-counts
	ktap_expect chip_dynamic_ports xen-dyn-edge "$(irq_chip xevtchn-test-pp-a)"
	ktap_expect chip_per_cpu_virq xen-percpu "$(irq_chip xevtchn-test-virq-debug)"

	# Moves from user space (/proc/irq/N/smp_affinity_list).
	ktap_start "user_affinity_$tag" 2
	if [ "$mode" != intx ]; then want="moved 1"; else want="refused 0"; fi
	ktap_expect dynamic_port "$want" "$(user_move "$(irq_of xevtchn-test-pp-a)" 1)"
	ktap_expect per_cpu_virq "refused 0" \
		"$(user_move "$(irq_of xevtchn-test-virq-debug)" 1)"

	# VIRQ_DEBUG: dom0 has Xen raise it once on every vCPU.
	dom0_call debug-keys q >/dev/null
	want=$([ "$mode" != intx ] && echo 2 || echo 1)
	for _ in $(seq 60); do
		[ "$(irq_count xevtchn-test-virq-debug)" -ge "$want" ] && break
		sleep 1
	done
	ktap_start "debugfs_$tag" 1
	ktap_check lists_bound_ports grep -q xen-dyn-edge /sys/kernel/debug/xevtchn/ports
	rmmod xevtchn_events_test xevtchn_mainline_style
	kmsg | ktap_only

	# Late EOI; its module leaves one lateeoi IRQ bound, after two
	# spurious EOIs, for /proc/interrupts and debugfs to show.
	load_module xevtchn_lateeoi_test.ko mode="$mode" tag="$tag" >/tmp/lateeoi.log
	cat /tmp/lateeoi.log
	ktap_start "lateeoi_proc_$tag" 3
	ktap_expect chip_in_proc_interrupts xen-dyn-lateeoi \
		"$(irq_chip xevtchn-test-lateeoi)"
	ktap_expect count_in_proc_interrupts \
		"$(sed -n 's/^.*# interrupts xevtchn-test-lateeoi //p' /tmp/lateeoi.log)" \
		"$(irq_count xevtchn-test-lateeoi)"
	ktap_expect debugfs_spurious_and_delay \
		"$(sed -n 's/^.*# lateeoi xevtchn-test-lateeoi //p' /tmp/lateeoi.log) eoi=-" \
		"$(awk -v irq="$(irq_of xevtchn-test-lateeoi)" \
			'$2 == irq { print $(NF - 2), $(NF - 1), $NF }' \
			/sys/kernel/debug/xevtchn/ports)"
	rmmod xevtchn_lateeoi_test
	kmsg | ktap_only

	# The bounded upcall: a small budget, its negative controls, a flood.
	load_module xevtchn_budget_test.ko mode="$mode" abi="$abi" tag="$tag"
	rmmod xevtchn_budget_test
	kmsg | ktap_only

	# Events while their IRQs move: exact counts required.
	if [ "$mode" != intx ]; then
		storm tag="edge_$tag"
		storm tag="edge_${tag}_hotplug" hotplug=1 ipis=0
	else
		storm tag="edge_$tag" moves=0	# under INTx no move can succeed
	fi
	if [ "$mode" = callback ]; then
		ktap_start "callback_cascade_$tag" 4
		ktap_expect irq2_is_the_callback xen-callback \
			"$(cat /sys/kernel/irq/2/chip_name)"
		ktap_expect xen_injects_vector_0x32 0x0200000000000032 \
			"$(dom0_call hvm-param)"
		rmmod xevtchn
		ktap_expect irq2_given_back "$cascade_chip" \
			"$(cat /sys/kernel/irq/2/chip_name)"
		ktap_expect xen_callback_off 0x0000000000000000 \
			"$(dom0_call hvm-param)"
	else
		rmmod xevtchn
	fi
	kmsg | ktap_only
}

# A negative control: xevtchn with a flow that loses events when an IRQ moves
# while its handler runs. The storm must catch it losing events.
negative_control() {
	load_module $TESTING_KO upcall="$UPCALL" fifo=off test_flow="$1"
	storm tag="$1_$UPCALL" expect=loss ipis=0
	rmmod xevtchn
	kmsg | ktap_only
}

# xevtchn_races_test's suites $2 (comma-separated) on the test build in ABI
# $1 (2level or fifo), under UPCALL.
races_suites() {
	load_module $TESTING_KO upcall="$UPCALL" fifo="$([ "$1" = fifo ] && echo on || echo off)"
	load_module xevtchn_races_test.ko suite="$2" tag="$1" abi="$1" \
		seconds=$STORM_SECONDS
	rmmod xevtchn_races_test
	rmmod xevtchn
	kmsg | ktap_only
}

# xevtchn_closing_test's suites $2 (comma-separated) on the test build in
# ABI $1 (2level or fifo), under UPCALL: the deferred close of unbound
# ports.
closing_suites() {
	load_module $TESTING_KO upcall="$UPCALL" fifo="$([ "$1" = fifo ] && echo on || echo off)"
	load_module xevtchn_closing_test.ko suite="$2" tag="$1"
	rmmod xevtchn_closing_test
	rmmod xevtchn
	kmsg | ktap_only
}

# Unload with closes pending, in ABI $1: xevtchn_closing_test's
# closing_unload leaves unbound ports of every kind held before their
# close. The unload must let them go and wait for them, before the FIFO
# reset (which would close them first: "refused to close") and before its
# code is gone; then no IRQ of theirs is left, and in 2-level (where
# unload resets nothing) Xen's list of the guest's ports is as before.
closing_unload() {
	abi=$1
	irqs_before=$(ls /sys/kernel/irq | wc -l)
	[ "$abi" = 2level ] && dom0_call lsevtchn before-closing >/dev/null
	load_module $TESTING_KO upcall="$UPCALL" fifo="$([ "$abi" = fifo ] && echo on || echo off)"
	load_module xevtchn_closing_test.ko suite=closing_unload tag="$abi"
	rmmod xevtchn_closing_test
	rmmod xevtchn
	rc=$?
	log=$(kmsg)
	echo "$log" | ktap_only
	ktap_start "closing_unload_after_$abi" "$([ "$abi" = 2level ] && echo 5 || echo 4)"
	ktap_expect unload_finished "0 gone" \
		"$rc $([ -d /sys/module/xevtchn ] && echo there || echo gone)"
	ktap_expect held_closes_let_go 1 \
		"$(echo "$log" | grep -c 'letting the held closes go')"
	ktap_expect no_close_refused 0 "$(echo "$log" | grep -c 'refused to close')"
	ktap_expect linux_irqs_as_before "$irqs_before" "$(ls /sys/kernel/irq | wc -l)"
	if [ "$abi" = 2level ]; then
		dom0_call lsevtchn after-closing >/dev/null
		ktap_expect xen_ports_as_before same \
			"$(dom0_call lsevtchn-compare before-closing after-closing)"
	fi
}

# A leak check that cannot fail proves nothing: a port left open must show
# in Xen's list of the guest's ports, and be gone once it is closed.
leak_canary() {
	dom0_call lsevtchn before-leak >/dev/null
	load_module $TESTING_KO $(upcall_arg) fifo=off
	load_module xevtchn_races_test.ko suite=leak tag=canary
	dom0_call lsevtchn leak >/dev/null
	rmmod xevtchn_races_test
	rmmod xevtchn
	kmsg | ktap_only
	dom0_call lsevtchn after-leak >/dev/null
	ktap_start lsevtchn_sees_leak 2
	ktap_expect leaked_port_listed differ \
		"$(dom0_call lsevtchn-compare before-leak leak)"
	ktap_expect closed_port_gone same \
		"$(dom0_call lsevtchn-compare before-leak after-leak)"
}

# Load and unload many times (the default: 2-level); nothing may be left
# behind, in the guest or in Xen's view of its ports.
unload_cycles() {
	dom0_call lsevtchn before-cycles >/dev/null
	kmsg | ktap_only
	ktap_start xevtchn_unload 5
	cycles=0
	for i in $(seq $CYCLES); do
		insmod xevtchn.ko $(upcall_arg) && rmmod xevtchn &&
			cycles=$((cycles + 1))
	done
	ktap_expect load_unload_cycles $CYCLES "$cycles"
	ktap_expect module_gone "" "$(grep '^xevtchn' /proc/modules)"
	irq_layout >/tmp/layout.end
	ktap_check proc_interrupts_and_irqs_as_at_boot diff /tmp/layout.boot /tmp/layout.end
	dom0_call lsevtchn after-cycles >/dev/null
	ktap_expect xen_ports_unchanged same \
		"$(dom0_call lsevtchn-compare before-cycles after-cycles)"
	# Raw: each line starts with its level, <N>; 0-4 is warning or worse.
	ktap_expect no_warnings_or_errors_logged "" \
		"$(dmesg -r | grep '^<[0-4]>' | grep -v 'taints kernel' |
		   head -n 2 | tr '\n' ' ')"
}

# The PIRQ suites (xevtchn_pirq_test, a driver for the edu device): under
# UPCALL, GSI and MSI through PIRQs, with xevtchn's MSI domain attached
# to the device; /proc/interrupts shows the GSI's line, and Xen's view of the
# guest's ports is as before. The MSI cycles use up Xen's PIRQs for MSIs:
# nothing after this in a boot can have MSIs as events.
pirq_suites() {
	edu=$(edu_address)
	irqs_before=$(ls /sys/kernel/irq | wc -l)
	dom0_call lsevtchn before-pirq >/dev/null
	# 2-level: a FIFO unload (EVTCHNOP_reset) would close the toolstack's
	# ports too (xevtchn connects again those that were connected, not
	# those that were waiting), and Xen's view could differ for that
	# reason alone.
	load_module xevtchn.ko upcall="$UPCALL" fifo=off attach="$edu"
	load_module xevtchn_pirq_test.ko tag="$UPCALL" msi_cycles=$MSI_CYCLES
	ktap_start pirq_proc_interrupts 3
	ktap_expect gsi_line_chip xen-pirq-fasteoi "$(irq_chip xevtchn-test-edu-gsi)"
	ktap_expect gsi_line_count 5 "$(irq_count xevtchn-test-edu-gsi)"
	ktap_check debugfs_lists_pirq grep -q ' pirq ' /sys/kernel/debug/xevtchn/ports
	rmmod xevtchn_pirq_test
	rmmod xevtchn
	kmsg | ktap_only
	dom0_call lsevtchn after-pirq >/dev/null
	ktap_start pirq_nothing_left 2
	ktap_expect xen_ports_as_before same \
		"$(dom0_call lsevtchn-compare before-pirq after-pirq)"
	ktap_expect linux_irqs_as_before "$irqs_before" "$(ls /sys/kernel/irq | wc -l)"
}

# wait_until SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds;
# fails after SECONDS.
wait_until() {
	_tries=$(($1 * 10))
	shift
	while ! "$@"; do
		_tries=$((_tries - 1))
		[ $_tries -gt 0 ] || return 1
		sleep 0.1
	done
}

# "rmmod xevtchn" while the driver of its attach= device is in its probe
# (xevtchn_unload_race_test, which says why): the probe's MSI must be
# refused, the unload must finish, and xevtchn must load again. Before
# pirq_suites, so that their driver is the edu device's second: the unbind
# of the first turned bus mastering off (pcim_release()), and a driver that
# did not turn it on again would get none of its MSIs.
unload_during_probe() {
	edu=$(edu_address)
	params=/sys/module/xevtchn_unload_race_test/parameters
	kmsg >/dev/null
	insmod xevtchn.ko upcall="$UPCALL" fifo=off attach="$edu"
	insmod xevtchn_unload_race_test.ko &
	probe=$!
	wait_until 30 grep -qsx 1 $params/stage
	rmmod xevtchn &
	unload=$!
	wait_until 30 grep -qsx going /sys/module/xevtchn/initstate
	going=$?
	sleep 1		# the unload now waits for the probe's device lock
	echo 1 >$params/go
	wait $probe
	wait $unload
	unload_rc=$?
	kmsg | ktap_only
	ktap_start unload_during_probe_after 3
	ktap_expect unload_was_going_during_probe 0 "$going"
	ktap_expect unload_finished "0 gone" \
		"$unload_rc $([ -d /sys/module/xevtchn ] && echo there || echo gone)"
	rmmod xevtchn_unload_race_test
	kmsg >/dev/null
	insmod xevtchn.ko upcall="$UPCALL" fifo=off
	ktap_expect loads_again 0 "$?"
	rmmod xevtchn
	kmsg | ktap_only
}

# Where Xen maps no PIRQs (the INTx upcall), each way in must be refused in
# words, and the device must keep its own interrupts.
pirq_refusals() {
	edu=$(edu_address)
	kmsg >/dev/null
	insmod xevtchn.ko upcall=intx attach="$edu"
	rc=$?
	ktap_start pirq_attach_refused_intx 2
	ktap_expect load_refused "not 0" "$([ "$rc" -ne 0 ] && echo "not 0" || echo 0)"
	# (busybox insmod tries twice, so the reason may be logged twice)
	ktap_expect says_why yes \
		"$(kmsg | grep -q 'PIRQs need upcall=vector' && echo yes)"
	[ "$rc" -eq 0 ] && rmmod xevtchn
	load_module xevtchn.ko upcall=intx
	load_module xevtchn_pirq_test.ko tag=intx expect=refused
	rmmod xevtchn_pirq_test
	rmmod xevtchn
	kmsg | ktap_only
}

# vector_boot [ABI...]: the vector guest (check/vector: FIFO; check/callback
# under UPCALL=callback: both ABIs, the default): every event layer suite
# under UPCALL in each ABI given, then a load in 2-level mode after FIFO
# (FIFO loaded and unloaded first where its suites did not run), the leak
# canary and the load/unload cycles.
vector_boot() {
	dom0_call lsevtchn boot >/dev/null
	irq_layout >/tmp/layout.boot

	for abi in ${*:-2level fifo}; do
		run_mode "$UPCALL" "$abi"
	done
	fifo_rc=0
	case " ${*:-fifo} " in
	*" fifo "*) ;;
	*) insmod xevtchn.ko upcall="$UPCALL" fifo=on
	   fifo_rc=$?
	   rmmod xevtchn 2>/dev/null ;;
	esac
	kmsg >/dev/null
	insmod xevtchn.ko upcall="$UPCALL" fifo=off
	rc=$?
	ktap_start reload_2level_after_fifo 2
	ktap_expect loads "0 0" "$fifo_rc $rc"
	ktap_expect abi_in_use "# upcall=$UPCALL abi=2-level" \
		"$(head -n 1 /sys/kernel/debug/xevtchn/ports)"
	rmmod xevtchn
	kmsg | ktap_only
	leak_canary
	unload_cycles
	canary
}

# /dev/xen/evtchn (evtchn_dev.c) through Debian's unmodified libxenevtchn:
# xth-evtchn-user (tools/testing/guest), linked against it, runs each
# suite but the first and the last two, which are the shell's own. Under
# UPCALL, in the default ABI, on the module users load: the device node;
# round trips with dom0's peer; loopbacks; VIRQ_DEBUG raised by dom0; restrict;
# two openers kept apart; bad input, each refusal in the log; then a
# process that holds ports of every kind (an event queued): xevtchn does
# not unload under it, and once it is killed, Xen's list of the guest's
# ports is as before and no IRQ of it is left.
evtchn_dev_suites() {
	user=./xth-evtchn-user
	load_module xevtchn.ko $(upcall_arg)
	ktap_start evtchn_dev_load 2
	ktap_expect misc_device_node "crw------- 10," \
		"$(ls -l /dev/xen/evtchn 2>&1 | awk '{ print $1, $5 }')"
	ktap_expect runs_debians_libxenevtchn \
		"libxenevtchn.so.1 => /lib/x86_64-linux-gnu/libxenevtchn.so.1" \
		"$(LD_TRACE_LOADED_OBJECTS=1 $user | grep -o 'libxenevtchn[^ ]* => [^ ]*')"

	port=$(dom0_call peer-start $DOM0_ROUNDS)
	$user dom0 "${port:-0}" $DOM0_ROUNDS | ktap_relay
	dom0_call peer-result >/dev/null
	$user loopback $ROUNDS | ktap_relay
	rm -f /tmp/virq.ready
	$user virq /tmp/virq.ready >/tmp/virq.out &
	virq=$!
	wait_until 30 test -e /tmp/virq.ready
	dom0_call debug-keys q >/dev/null
	wait $virq
	ktap_relay </tmp/virq.out
	$user restrict "$(dom0_call domid)" | ktap_relay
	$user openers | ktap_relay
	$user bad | ktap_relay
	errors=$(dmesg -r | grep -c '^<[0-3]>')
	log=$(kmsg)
	echo "$log" | ktap_only
	ktap_start evtchn_dev_refusals 2
	ktap_expect refusals_logged yes \
		"$(echo "$log" | grep -q '/dev/xen/evtchn: xth-evtchn-user\[[0-9]*\]: ' && echo yes)"
	ktap_expect no_errors_logged 0 "$errors"

	dom0_call lsevtchn before-evtchn-dev >/dev/null
	rm -f /tmp/hold.ready
	$user hold /tmp/hold.ready &
	holder=$!
	wait_until 30 test -e /tmp/hold.ready
	ready=$?
	dom0_call lsevtchn evtchn-dev-held >/dev/null
	ktap_start evtchn_dev_close 7
	ktap_expect holder_bound_its_ports 0 "$ready"
	ktap_expect xen_lists_them differ \
		"$(dom0_call lsevtchn-compare before-evtchn-dev evtchn-dev-held)"
	ktap_expect their_irqs 4 "$(grep -c ' evtchn:xth-evtchn-user$' /proc/interrupts)"
	rmmod xevtchn 2>/dev/null
	rc=$?
	ktap_expect no_unload_while_open "refused live" \
		"$([ $rc -ne 0 ] && echo refused || echo unloaded) $(cat /sys/module/xevtchn/initstate 2>&1)"
	kill $holder
	wait $holder
	# Xen closes the ports a grace period after the unbinds.
	for _ in 1 2 3 4 5; do
		sleep 1
		dom0_call lsevtchn after-evtchn-dev >/dev/null
		same=$(dom0_call lsevtchn-compare before-evtchn-dev after-evtchn-dev)
		[ "$same" = same ] && break
	done
	ktap_expect xen_ports_as_before same "$same"
	ktap_expect no_irq_left 0 "$(grep -c ' evtchn:' /proc/interrupts)"
	rmmod xevtchn
	ktap_expect unloads_once_closed 0 "$?"
	kmsg | ktap_only
}

# The race tests' boot (check/races; check/callback-races under
# UPCALL=callback), with the vCPUs truly in parallel: see races/guest.sh.
races_boot() {
	races_suites 2level phantom,virq_move,close_reuse,gate,gate_window,not_ready
	races_suites fifo gate,gate_window,close_reuse,offline_unbind
	closing_suites 2level closing,closing_sources,closing_rebind
	closing_suites fifo closing,closing_sources,closing_rebind
	closing_unload 2level
	closing_unload fifo

	for abi in 2level fifo; do
		load_module xevtchn.ko upcall="$UPCALL" \
			fifo="$([ $abi = fifo ] && echo on || echo off)"
		storm tag="edge_parallel_$abi"
		rmmod xevtchn
		kmsg | ktap_only
	done
	negative_control level
	negative_control fasteoi

	races_suites 2level unbind_checks,threaded,unbind_moving
	canary
}

# /sbin/reboot and /sbin/poweroff, which the kernel's orderly reboot and
# poweroff run (the initramfs has neither): each only leaves a mark, for
# the tests of the toolstack's requests. The guest ends as always, with
# /init's own "poweroff -f".
orderly_helpers() {
	mkdir -p /sbin
	for what in reboot poweroff; do
		printf '#!/bin/sh\ntouch /tmp/xth-orderly-%s\n' "$what" >/sbin/$what
		chmod 755 /sbin/$what
		rm -f /tmp/xth-orderly-$what
	done
}

# The xenstore client (Documentation/xenstore.md), under upcall=$1 (the
# test build, then the module users load): the API on the guest's own
# nodes and its timeouts (xevtchn_xenstore_test); nodes dom0 writes and
# reads; the toolstack's control requests a guest does not carry out (a
# suspend the test build refuses, an unknown request) left
# unacknowledged; an unload while a request waits for a reply that never
# comes, and the load of the module users load after it; "xl reboot"
# (without -F) reaching the kernel's orderly reboot; the feature nodes
# there before, and withdrawn at unload.
xenstore_suites() {
	mode=$1
	orderly_helpers
	load_module $TESTING_KO upcall="$mode"
	load_module xevtchn_xenstore_test.ko suite=api,timeout tag="$mode"
	rmmod xevtchn_xenstore_test

	# dom0 writes a node the guest reads, reads one it writes, and
	# writes one the guest watches.
	rand=$(cut -c1-8 /proc/sys/kernel/random/uuid)
	dom0_value=dom0-$rand
	guest_value=guest-$rand
	watch_value=watched-$rand
	params=/sys/module/xevtchn_xenstore_test/parameters
	dom0_call xs-write data/xevtchn-dom0 "$dom0_value" >/dev/null
	load_module xevtchn_xenstore_test.ko suite=dom0 tag="$mode" \
		dom0_value="$dom0_value" guest_value="$guest_value"
	ktap_start "xenstore_dom0_watch_$mode" 3
	ktap_expect dom0_reads_guest_value "$guest_value" \
		"$(dom0_call xs-read data/xevtchn-guest)"
	dom0_call xs-write data/xevtchn-dom0-watch "$watch_value" >/dev/null
	wait_until 10 grep -qx 2 $params/dom0_watch_events
	sleep 1
	ktap_expect watch_fired_once_for_dom0_write 2 "$(cat $params/dom0_watch_events)"
	ktap_expect callback_read_dom0_value "$watch_value" \
		"$(cat $params/dom0_watch_value)"
	rmmod xevtchn_xenstore_test
	kmsg | ktap_only

	# What it does not carry out, it does not acknowledge. A suspend it
	# would carry out: with no save behind it, the domain would really
	# suspend, with no toolstack to restore or resume it, and the boot
	# would lose the guest. So this runs while the test build is loaded,
	# which refuses it here (refuse_suspend=1), before the unload below
	# loads the module users load, which has no such switch; and the
	# request is written only once the switch is set. resume_suites has
	# the real suspends.
	kmsg >/dev/null
	if echo 1 >/sys/module/xevtchn/parameters/refuse_suspend; then
		dom0_call xs-write control/shutdown suspend >/dev/null
		wait_until 10 sh -c "dmesg | grep -q 'asks for suspend, which cannot be done now'"
		suspend_logged=$?
		sleep 1
		suspend_left=$(dom0_call xs-read control/shutdown)
		dom0_call xs-write control/shutdown >/dev/null	# as libxl cancels it
		echo 0 >/sys/module/xevtchn/parameters/refuse_suspend
	else
		suspend_logged="not the test build: no suspend request written"
		suspend_left=$suspend_logged
	fi
	dom0_call xs-write control/shutdown xth-unknown >/dev/null
	wait_until 10 sh -c "dmesg | grep -q 'ignoring the toolstack.s request \"xth-unknown\"'"
	unknown_logged=$?
	sleep 1
	unknown_left=$(dom0_call xs-read control/shutdown)
	dom0_call xs-write control/shutdown >/dev/null
	ktap_start "xenstore_control_$mode" 5
	ktap_expect features_advertised "1 1 1" \
		"$(dom0_call xs-read control/feature-poweroff) $(dom0_call xs-read control/feature-reboot) $(dom0_call xs-read control/feature-suspend)"
	ktap_expect suspend_logged 0 "$suspend_logged"
	ktap_expect suspend_not_acknowledged suspend "$suspend_left"
	ktap_expect unknown_logged 0 "$unknown_logged"
	ktap_expect unknown_not_acknowledged xth-unknown "$unknown_left"

	# A watch callback waits for a reply that was dropped, and xevtchn
	# stops reading the ring; then it unloads (each wait is then cut to
	# 5 s: without that, 90 s and more) and loads again.
	load_module xevtchn_xenstore_test.ko suite=in_flight tag="$mode"
	dom0_call xs-write control/shutdown xth-in-flight >/dev/null
	sleep 3		# the watch fired; its callback waits
	rmmod xevtchn_xenstore_test
	t0=$(date +%s)
	rmmod xevtchn
	rc=$?
	took=$(($(date +%s) - t0))
	gone=$([ -d /sys/module/xevtchn ] && echo there || echo gone)
	log=$(kmsg)
	echo "$log" | ktap_only
	insmod xevtchn.ko upcall="$mode"
	reload=$?
	relog=$(kmsg)
	dom0_call xs-write control/shutdown >/dev/null
	ktap_start "xenstore_unload_in_flight_$mode" 5
	ktap_expect unload_finished "0 gone" "$rc $gone"
	ktap_expect unload_within_25s yes "$([ $took -le 25 ] && echo yes || echo "$took s")"
	ktap_expect waiting_callback_gave_up yes \
		"$(echo "$log" | grep -q 'cannot read control/shutdown' && echo yes)"
	ktap_expect loads_again 0 "$reload"
	ktap_expect reconnects_over_leftovers yes \
		"$(echo "$relog" | grep -q 'reconnecting' &&
		   echo "$relog" | grep -q 'xenstore: connected' && echo yes)"

	# "xl reboot": dom0 reports its side (dom0_xl_reboot).
	features=$(dom0_call xs-read control/feature-poweroff)
	features="$features $(dom0_call xs-read control/feature-reboot)"
	features="$features $(dom0_call xs-read control/feature-suspend)"
	kmsg >/dev/null
	dom0_call xl-reboot >/dev/null
	wait_until 30 test -e /tmp/xth-orderly-reboot
	rebooted=$?
	log=$(kmsg)
	rmmod xevtchn
	kmsg | ktap_only
	ktap_start "xenstore_xl_reboot_$mode" 4
	ktap_expect features_advertised "1 1 1" "$features"
	ktap_expect orderly_reboot_ran 0 "$rebooted"
	ktap_expect says_so yes \
		"$(echo "$log" | grep -q 'the toolstack asks for reboot' && echo yes)"
	ktap_expect features_withdrawn_at_unload "  " \
		"$(dom0_call xs-read control/feature-poweroff) $(dom0_call xs-read control/feature-reboot) $(dom0_call xs-read control/feature-suspend)"
}

# The last suite of a boot: "xl shutdown -w" (without -F) through the
# module users load under upcall=$1 must reach the kernel's orderly
# poweroff; dom0 reports, once the guest is gone, that xl saw it done and
# the domain went with reason poweroff (dom0_xl_shutdown).
xenstore_xl_shutdown() {
	orderly_helpers
	load_module xevtchn.ko upcall="$1"
	kmsg >/dev/null
	dom0_call xl-shutdown >/dev/null
	wait_until 90 test -e /tmp/xth-orderly-poweroff
	powered_off=$?
	ktap_start "xenstore_xl_shutdown_$1" 2
	ktap_expect orderly_poweroff_ran 0 "$powered_off"
	ktap_expect says_so yes \
		"$(kmsg | grep -q 'the toolstack asks for poweroff' && echo yes)"
}

# The flood test (Documentation/testing.md, "The flood test"): dom0's
# xth-flood notifies FLOOD_PORTS ports bound in the guest as fast as it can
# for FLOOD_SECONDS, while xevtchn_flood_test measures a workload on their
# CPU and a loopback's numbered events (the dialogue: flood.sh).
FLOOD_SECONDS=30
FLOOD_PORTS=8
FLOOD_BASELINE=5

# Once dom0 floods: CPU 0's upcall interrupts so far. While the flood
# still runs, once the window is measured: the flood ports' IRQs, debugfs,
# and CPU 0's upcall interrupts a second since the flood began (each
# upcall interrupt costs the flooded CPU, passes or not).
flood_look_start() {
	upcall_irqs=$(irq_count xen-upcall-cpu0)
	upcall_from=$(date +%s)
}

flood_look_window() {
	irqs=$(awk '$NF == "xevtchn-flood" { sub(":", "", $1); print $1 }' /proc/interrupts)
	debugfs=$(cat /sys/kernel/debug/xevtchn/ports)
	upcall_irqs=$(( ($(irq_count xen-upcall-cpu0) - ${upcall_irqs:-0}) /
		($(date +%s) - ${upcall_from:-0} + 1) ))
}

# flood_run MODE: one flood, against a plain (MODE plain) or a lateeoi
# binding whose handler calls every event spurious (lateeoi), on the test
# build loaded under UPCALL. The module's suite flood_MODE_UPCALL, then
# flood_log_MODE_UPCALL: the module ran, the kernel logged no RCU stall
# and no lockup, and debugfs showed the flood ports as they must be
# during the flood (lateeoi: a spurious count and a delay).
flood_run() {
	tag=$1_$UPCALL
	lateeoi=$([ "$1" = lateeoi ] && echo yes)
	irqs=
	debugfs=
	upcall_irqs=
	flood_drive xevtchn_flood_test "$1" "$tag" $FLOOD_PORTS \
		$FLOOD_SECONDS $FLOOD_BASELINE flood_look

	# The flood ports' lines in debugfs, as the flood left them.
	lines=$(for irq in $irqs; do
		echo "$debugfs" | awk -v irq="$irq" '$2 == irq && $3 == "evtchn"'
	done)
	if [ -n "$lateeoi" ]; then
		backed_off=$(echo "$lines" | awk '$8 == "xen-dyn-lateeoi" &&
			$9 ~ /^spurious=[1-9]/ && $10 ~ /^delay=[1-9][0-9]*ms$/' | wc -l)
	else
		backed_off=$(echo "$lines" | awk '$8 == "xen-dyn-edge"' | wc -l)
	fi
	ktap_start "flood_log_$tag" 4
	[ -n "$lines" ] && echo "$lines" | sed 's/^ */# debugfs: /' | ktap_relay
	echo "# flood $tag: xen-upcall-cpu0 interrupts a second during the flood: ${upcall_irqs:-?}" |
		ktap_relay
	ktap_expect module_ran 0 "$flood_rc"
	ktap_expect no_rcu_stall 0 "$(echo "$flood_log" | grep -ci 'rcu.*stall')"
	ktap_expect no_lockup 0 \
		"$(echo "$flood_log" | grep -ci -e 'lockup' -e 'blocked for more than')"
	if [ -n "$lateeoi" ]; then
		ktap_expect debugfs_spurious_and_delay "$FLOOD_PORTS" "$backed_off"
	else
		ktap_expect debugfs_plain_chip "$FLOOD_PORTS" "$backed_off"
	fi
}

# Both floods on the test build under UPCALL (its default ABI): the plain
# binding, then lateeoi.
flood_suites() {
	load_module $TESTING_KO $(upcall_arg)
	flood_run plain
	flood_run lateeoi
	rmmod xevtchn
	kmsg | ktap_only
}

# The runner must see this suite fail (the payload's expect file says so):
# it shows that a failing guest test makes the run fail.
canary() {
	ktap_start xth_canary 1
	ktap_fail deliberately_failing "a canary: the runner must count this as failed"
}

# ---- Save, restore and live migration (issue 15, item 4) ----------------
# make check's boot check/resume (resume_check_boot) and make
# check-resume's check/resume-all (resume_boot).
# dom0 moves the guest (dom0.sh: xl-save-cancel, xl-save-restore,
# xl-migrate-local) while xevtchn_resume_test keeps traffic up and counts
# it per epoch (one epoch per domain); its report is a suite per move.
# Beside it, xevtchn_reconnect_test pings a peer in dom0 and connects to
# a new one after each move to a new domain, through xenstore.

# How long the guest waits for dom0's answer to a move: above the sum of
# dom0.sh's own timeouts for one (xl save, then xl restore: 300 s each;
# each takes about 17 s on the test host), so that dom0 always answers
# first, with what failed. The payloads' guest-timeout files leave room
# for one such wait.
RESUME_CALL_TIMEOUT=700

# The Linux IRQs that must survive a move, "NAME IRQ" per line, sorted:
# the test's IPIs, VIRQs and loopback ends, and xenstore's.
resume_irqs() {
	awk '$NF ~ /^(xevtchn-resume-(ipi|virq|a|b)|xevtchn-peer|xenstore)$/ {
		sub(":", "", $1); print $NF, $1 }' /proc/interrupts | sort
}

# The ports the guest has bound, as debugfs lists them, ascending.
guest_ports() {
	awk '$1 ~ /^[0-9]+$/ { print $1 }' /sys/kernel/debug/xevtchn/ports |
		sort -n | tr '\n' ' ' | sed 's/ $//'
}

# resume_report TAG EPOCH CANCELS VIRQ: xevtchn_resume_test's suite
# resume_TAG, expecting EPOCH resumes, CANCELS cancels and VIRQ
# VIRQ_DEBUG events on each CPU in this epoch.
resume_report() {
	_p=/sys/module/xevtchn_resume_test/parameters
	echo "$2" >$_p/expect_epoch
	echo "$3" >$_p/expect_cancels
	echo "$4" >$_p/expect_virq
	kmsg | ktap_only
	echo "$1" >$_p/report
	kmsg | ktap_only
}

RECONNECT=/sys/module/xevtchn_reconnect_test/parameters

# reconnect_pings EPOCH: xevtchn_reconnect_test's pings in that epoch.
reconnect_pings() {
	awk -v e="$1" '{ print $(e + 1) }' $RECONNECT/pings
}

# reconnect_moved_on EPOCH: xevtchn_reconnect_test has left that epoch.
reconnect_moved_on() {
	[ "$(cat $RECONNECT/epoch)" != "$1" ]
}

# reconnect_dom0 TAG EPOCH: after a move to a new domain (epoch EPOCH),
# dom0's peer of the last epoch stops, having answered every ping the
# driver sent in that epoch, and a new peer connects to the port the
# driver published for this one (suite reconnect_dom0_TAG).
reconnect_dom0() {
	_answered=$(dom0_call reconnect-stop)
	_pings=$(reconnect_pings $(($2 - 1)))
	_connected=$(dom0_call reconnect-start "$2")
	ktap_start "reconnect_dom0_$1" 2
	ktap_expect dom0_answered_every_ping "answered $_pings" "$_answered"
	case "$_connected" in
	connected*) ktap_ok peer_connected_again ;;
	*) ktap_fail peer_connected_again "dom0: $_connected" ;;
	esac
}

# reconnect_report TAG EPOCH: xevtchn_reconnect_test's suite reconnect_TAG.
reconnect_report() {
	echo "$2" >$RECONNECT/expect_epoch
	kmsg | ktap_only
	echo "$1" >$RECONNECT/report
	kmsg | ktap_only
}

# reconnect_end TAG EPOCH: the pings held, the driver's last report
# (reconnect_held_TAG) and dom0's peer of the last epoch has answered
# each (reconnect_end_TAG); the driver unloads.
reconnect_end() {
	echo 1 >$RECONNECT/hold
	reconnect_report "held_$1" "$2"
	_pings=$(reconnect_pings "$(cat $RECONNECT/epoch)")
	_answered=$(dom0_call reconnect-stop)
	rmmod xevtchn_reconnect_test
	ktap_start "reconnect_end_$1" 1
	ktap_expect dom0_answered_every_ping "answered $_pings" "$_answered"
}

# "xl debug-keys q": VIRQ_DEBUG once on every vCPU.
resume_virq() {
	dom0_call debug-keys q >/dev/null
	sleep 2
}

# resume_move HOW TAG EPOCH CANCELS VIRQ: dom0 moves the guest (HOW, a
# dom0.sh request), then the counts (resume_TAG) and the guest's view
# (resume_guest_TAG): the same IRQs, Xen's ports those bound, the callback
# parameter set for the next move, the log saying what happened.
resume_move() {
	case "$1" in
	xl-save-cancel) _want='the suspend was cancelled' ;;
	*) _want='resumed in a new domain: .* VIRQs' ;;
	esac
	_before=$(resume_irqs)
	kmsg | ktap_only	# (dmesg -c: what follows is this move's)
	_said=$(dmesg | grep -c "$_want")
	_answer=$(DOM0_CALL_TIMEOUT=$RESUME_CALL_TIMEOUT dom0_call "$1")
	# The toolstack may be done before the guest's resume has said so.
	for _ in $(seq 30); do
		[ "$(dmesg | grep -c "$_want")" -gt "$_said" ] && break
		sleep 1
	done
	_log=$(dmesg)
	[ "$1" = xl-save-cancel ] || reconnect_dom0 "$2" "$3"
	sleep 3		# traffic in the new epoch
	resume_virq
	resume_report "$2" "$3" "$4" "$5"
	reconnect_report "$2" "$3"
	ktap_start "resume_guest_$2" 5
	case "$_answer" in
	restored*|migrated*|continued*) ktap_ok toolstack_done ;;
	*) ktap_fail toolstack_done "dom0: $_answer" ;;
	esac
	ktap_expect same_irqs "$_before" "$(resume_irqs)"
	ktap_expect xen_ports_are_the_bound_ones "$(dom0_call ports-open)" \
		"$(guest_ports)"
	ktap_expect callback_param_set yes \
		"$([ "$(dom0_call hvm-param)" != 0x0000000000000000 ] && echo yes)"
	ktap_expect log_says_so yes "$([ "$(echo "$_log" | grep -c "$_want")" -gt "$_said" ] &&
		! echo "$_log" | grep -q -e 'refused to set' -e 'cannot connect again' &&
		echo yes)"
}

# resume_suites MODE ABI [no-migrate]: load, then a cancelled suspend, a
# save and restore, a local migration (unless no-migrate); then unload.
resume_suites() {
	_tag=${1}_$2
	_fifo=$([ "$2" = fifo ] && echo on || echo off)
	kmsg >/dev/null
	insmod $TESTING_KO upcall="$1" fifo="$_fifo"
	load_module xevtchn_resume_test.ko
	load_module xevtchn_reconnect_test.ko
	dom0_call reconnect-start 0 >/dev/null
	sleep 3
	resume_virq
	resume_report "start_$_tag" 0 0 1
	reconnect_report "start_$_tag" 0
	resume_move xl-save-cancel "cancelled_$_tag" 0 1 2
	resume_move xl-save-restore "restored_$_tag" 1 1 1
	_epochs=1
	if [ "$3" != no-migrate ]; then
		resume_move xl-migrate-local "migrated_$_tag" 2 1 1
		_epochs=2
	fi
	reconnect_end "$_tag" $_epochs
	rmmod xevtchn_resume_test
	rmmod xevtchn
	kmsg | ktap_only
	ktap_start "resume_unload_$_tag" 2
	ktap_expect unloads gone \
		"$([ -d /sys/module/xevtchn ] && echo there || echo gone)"
	ktap_expect callback_param_reset 0x0000000000000000 "$(dom0_call hvm-param)"
}

# Ten saves and restores in a row, FIFO: every one counted, dom0's peer
# connected again after each, nothing leaked (Xen's ports in the last
# domain are exactly those bound).
resume_cycles() {
	insmod $TESTING_KO $(upcall_arg) fifo=on
	load_module xevtchn_resume_test.ko
	load_module xevtchn_reconnect_test.ko
	dom0_call reconnect-start 0 >/dev/null
	_ok=0
	_peer_ok=0
	_e=0
	for _ in $(seq 10); do
		case "$(DOM0_CALL_TIMEOUT=$RESUME_CALL_TIMEOUT dom0_call xl-save-restore)" in
		restored*)
			_ok=$((_ok + 1))
			# The toolstack may be done before the guest's
			# resume has reached the driver's notifier.
			wait_until 30 reconnect_moved_on "$_e"
			;;
		esac
		# A new domain: the peer of the last one answered each ping
		# of its epoch, and a new peer connects.
		if [ "$(cat $RECONNECT/epoch)" != "$_e" ]; then
			_answered=$(dom0_call reconnect-stop)
			_pings=$(reconnect_pings $_e)
			_e=$(cat $RECONNECT/epoch)
			case "$(dom0_call reconnect-start $_e)" in
			connected*)
				[ "$_answered" = "answered $_pings" ] &&
					_peer_ok=$((_peer_ok + 1)) ;;
			esac
		fi
		sleep 1
	done
	sleep 2
	resume_virq
	resume_report cycles 10 0 1
	reconnect_report cycles 10
	reconnect_end cycles 10
	ktap_start resume_cycles_guest 4
	ktap_expect all_restored 10 "$_ok"
	ktap_expect dom0_peer_answered_and_connected_again 10 "$_peer_ok"
	ktap_expect xen_ports_are_the_bound_ones "$(dom0_call ports-open)" \
		"$(guest_ports)"
	ktap_expect debugfs_counts_them "# resumed in a new domain 10 times" \
		"$(sed -n 2p /sys/kernel/debug/xevtchn/ports)"
	rmmod xevtchn_resume_test
	rmmod xevtchn
	kmsg | ktap_only
}

# Without xevtchn the guest saves and restores as before: the parameter is
# 0, so libxl suspends the domain without asking, and xevtchn loads in the
# restored domain.
resume_without_xevtchn() {
	ktap_start resume_without_xevtchn 3
	ktap_expect callback_param_zero 0x0000000000000000 "$(dom0_call hvm-param)"
	case "$(DOM0_CALL_TIMEOUT=$RESUME_CALL_TIMEOUT dom0_call xl-save-restore)" in
	restored*) ktap_ok restored ;;
	*) ktap_fail restored "dom0 could not save and restore the guest" ;;
	esac
	insmod xevtchn.ko upcall=intx	# vectors would stay for the boot
	ktap_expect loads_in_the_restored_domain 0 "$?"
	rmmod xevtchn 2>/dev/null
	kmsg | ktap_only
}

# The toolstack's requests after a restore: the control watch is back in
# the new domain (xenstore.c registers the API's watches again). The
# module users load under upcall=$1, "xl save" and "xl restore", then
# "xl reboot" (without -F; dom0 reports dom0_xl_reboot) and "xl shutdown"
# (dom0_xl_shutdown, once the guest is gone) reach the kernel's orderly
# reboot and poweroff (orderly_helpers stand in for them). The last suite
# of a boot: the guest powers off.
resume_then_xl_shutdown() {
	orderly_helpers
	load_module xevtchn.ko upcall="$1"
	_answer=$(DOM0_CALL_TIMEOUT=$RESUME_CALL_TIMEOUT dom0_call xl-save-restore)
	kmsg >/dev/null
	dom0_call xl-reboot >/dev/null
	wait_until 30 test -e /tmp/xth-orderly-reboot
	_rebooted=$?
	_log=$(kmsg)
	dom0_call xl-shutdown >/dev/null
	wait_until 90 test -e /tmp/xth-orderly-poweroff
	_powered_off=$?
	_log="$_log
$(kmsg)"
	ktap_start "resume_then_xl_shutdown_$1" 4
	case "$_answer" in
	restored*) ktap_ok restored ;;
	*) ktap_fail restored "dom0: $_answer" ;;
	esac
	ktap_expect orderly_reboot_ran 0 "$_rebooted"
	ktap_expect orderly_poweroff_ran 0 "$_powered_off"
	ktap_expect says_so "yes yes" \
		"$(echo "$_log" | grep -q 'the toolstack asks for reboot' && echo yes) $(echo "$_log" | grep -q 'the toolstack asks for poweroff' && echo yes)"
}

# make check's boot check/resume: each upcall and each ABI once. INTx
# first: once a guest has used per-vCPU vectors, Xen injects them until it
# reboots. Last, "xl reboot" and "xl shutdown" after a restore.
resume_check_boot() {
	resume_without_xevtchn
	resume_suites intx fifo no-migrate
	resume_suites "$UPCALL" 2level
	resume_then_xl_shutdown "$UPCALL"
}

# make check-resume's boot check/resume-all: every upcall with every ABI,
# then ten saves and restores in a row; last, "xl reboot" and "xl
# shutdown" after a restore.
resume_boot() {
	resume_without_xevtchn
	resume_suites intx fifo
	resume_suites intx 2level
	resume_suites "$UPCALL" 2level
	resume_suites "$UPCALL" fifo
	resume_cycles
	resume_then_xl_shutdown "$UPCALL"
}
