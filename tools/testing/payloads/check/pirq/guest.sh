#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-more, second guest (check/more): the PIRQ suites under the
# per-vCPU upcall vector, with QEMU's edu device (its MSI cycles use up the
# guest's MSI PIRQs in Xen for the rest of its life), on the kernel the
# module is built for (make check runs them on 6.12, in kernel-6.12/core).
# A guest of their own keeps each guest short: see "When the emulated CPU
# loses the guest" in Documentation/testing.md. Then
# /dev/xen/evtchn through Debian's libxenevtchn (evtchn_dev_suites), which
# needs no MSI.
. ./ktap.sh
. ./common.sh

unload_during_probe
pirq_suites
evtchn_dev_suites
canary
