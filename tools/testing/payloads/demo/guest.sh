#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "make demo", guest side: load xevtchn in the HVM guest, bind event
# channels of every kind, and show what Linux and xevtchn say about them.
. ./ktap.sh

say() {
	echo
	echo "== $*"
}

# What the kernel logged since the last call, for reading: the lines that
# match the regex $1, and any kernel alarm, without timestamps and indented,
# so that the runner does not take them for the boot's KTAP (this payload
# judges only its own suite, xevtchn_demo; the suites of the modules it
# loads are part of the show). A suite's header becomes "suite NAME:": the
# runner reads "# Subtest:" at any depth as a suite of the boot's document
# (as KUnit's parser does), and would then miss xevtchn_demo. Reads the
# kernel log on stdin if given "-".
show() {
	if [ "$2" = - ]; then cat; else kmsg; fi |
		sed 's/^\[[ 0-9.]*\] //' |
		grep -E "^($1)|WARNING:|BUG:|Oops|panic|UBSAN|KASAN|ODEBUG" |
		sed 's/^# Subtest: \(.*\)/suite \1:/; s/^/   /'
}

# The header of /proc/interrupts and the lines matching the regex $1.
counts() {
	grep -E "CPU0|$1" /proc/interrupts
}

say "the guest: $(uname -r), booted with: $(cat /proc/cmdline)"
say "PCI devices (Xen platform device 5853:0001, QEMU edu 1234:11e8):"
for d in /sys/bus/pci/devices/*; do
	echo "   ${d##*/} $(cat "$d/vendor"):$(cat "$d/device")"
done

edu=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && basename "$d"
done)
say "insmod xevtchn.ko attach=$edu (the edu device's MSIs will arrive as events): what it found"
# Not load_module: that keeps only KTAP lines, and this is the module's own report.
kmsg >/dev/null
insmod xevtchn.ko attach="$edu"
kmsg | sed -n 's/^\[[ 0-9.]*\] //p' | grep -e '^xevtchn' -e ': xevtchn: '
say "each CPU's upcall in /proc/interrupts"
counts xen-upcall

say "a driver written against mainline's <xen/events.h> API binds a loopback channel and sends 100 events"
kmsg >/dev/null
insmod xevtchn_mainline_style.ko
show 'ok|not ok'
counts xevtchn-mainline-style

say "the event channel tests: loopback on each CPU, IPIs, dom0 (xth-evtchn-peer with libxenevtchn), bad input"
port=$(dom0_call peer-start 200)
kmsg >/dev/null
insmod xevtchn_events_test.ko rounds=1000 remote_port="${port:-0}"
kmsg >/tmp/events.log
dom0_call peer-result >/dev/null
grep -c '] ok ' /tmp/events.log | sed 's/^/   /; s/$/ cases passed/'
show 'not ok' - </tmp/events.log
say "dom0 runs 'xl debug-keys q': Xen raises VIRQ_DEBUG once on every vCPU"
dom0_call debug-keys q >/dev/null
sleep 3

say "the edu device's driver: its INTx line as a GSI PIRQ, its MSI as a PIRQ (pci_alloc_irq_vectors), 20 MSI on/off cycles"
kmsg >/dev/null
insmod xevtchn_pirq_test.ko msi_cycles=20 exhaust=0
show 'ok|not ok|# [A-Z0-9e]'

say "/proc/interrupts: one line per source, its chip and flow"
counts 'xen-|xevtchn-'
echo "   expected:"
sed -n 's/^.*# interrupts /     /p' /tmp/events.log
echo "     xevtchn-mainline-style 100"
echo "     xevtchn-test-virq-debug 1 on each CPU"
echo "     xevtchn-test-edu-gsi 5 (xen-pirq-fasteoi)"
echo "     xenstore: xenstored's events to xevtchn's xenstore client"

say "/sys/kernel/debug/xevtchn/ports"
cat /sys/kernel/debug/xevtchn/ports

say "rmmod: everything is closed and freed"
rmmod xevtchn_pirq_test xevtchn_events_test xevtchn_mainline_style xevtchn
show 'xevtchn|[a-z_]+ [0-9a-f:.]+: xevtchn|ok|not ok'

ktap_start xevtchn_demo 2
ktap_expect module_unloaded "" "$(grep '^xevtchn' /proc/modules)"
ktap_expect no_xevtchn_irqs_left 0 "$(grep -c -e 'xen-dyn' -e 'xen-percpu' -e 'xen-upcall' -e 'xen-pirq' /proc/interrupts)"
