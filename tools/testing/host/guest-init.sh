#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the HVM guest (a busybox initramfs). Runs /payload/run.sh, the
# payload's guest script, then powers the guest off. Lines starting
# "XTH-GUEST:" mark the stages for the runner. The guest's test output is
# one KTAP document (ktap.sh), begun and ended here; its plan, the number of
# suites this guest reports, is in /payload/ktap-plan (the runner counts
# them in the payload's expect file).

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

# dom0's replies to dom0_call (ktap.sh) arrive on the second serial port.
if [ -c /dev/ttyS1 ]; then
	stty -F /dev/ttyS1 raw -echo
	exec 3</dev/ttyS1
fi

echo "XTH-GUEST: init $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs," \
	"clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
cd /payload
. ./ktap.sh
ktap_boot "$(cat ktap-plan 2>/dev/null)"
sh ./run.sh
rc=$?
ktap_boot_end
echo "XTH-GUEST: done rc=$rc"
sync
poweroff -f
