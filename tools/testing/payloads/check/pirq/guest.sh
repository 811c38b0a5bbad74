#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, third boot: the PIRQ suites under the per-vCPU upcall vector,
# with QEMU's edu device (its MSI cycles use up Xen's MSI PIRQs for the rest
# of the boot). A boot of their own keeps each boot short: see "When the
# emulated CPU loses the guest" in Documentation/testing.md.
. ./ktap.sh
. ./common.sh

unload_during_probe
pirq_suites
canary
