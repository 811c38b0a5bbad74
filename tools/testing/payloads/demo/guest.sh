#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "make demo", guest side: load xevtchn in the HVM guest and show what it
# found.
. ./ktap.sh

echo "== the guest: $(uname -r), booted with: $(cat /proc/cmdline)"
echo "== PCI devices (Xen platform device 5853:0001, QEMU edu 1234:11e8):"
for d in /sys/bus/pci/devices/*; do
	echo "   ${d##*/} $(cat "$d/vendor"):$(cat "$d/device")"
done
echo "== insmod xevtchn.ko"
kmsg >/dev/null
insmod xevtchn.ko
echo "== insmod returned $?; the module says:"
kmsg | grep xevtchn
echo "== lsmod"
grep xevtchn /proc/modules
echo "== rmmod xevtchn"
rmmod xevtchn
kmsg | grep xevtchn

ktap_start xevtchn_demo 1
ktap_expect module_unloaded "" "$(grep '^xevtchn ' /proc/modules)"
