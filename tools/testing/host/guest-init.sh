#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the HVM guest (a busybox initramfs). Runs /payload/run.sh, the
# payload's guest script, then powers the guest off. Lines starting
# "XTH-GUEST:" mark the stages for the runner.

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

echo "XTH-GUEST: init $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
cd /payload && sh ./run.sh
echo "XTH-GUEST: done rc=$?"
sync
poweroff -f
