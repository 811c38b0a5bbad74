#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, fourth boot, first guest: Debian 13's kernel (6.12) as the
# guest's, with the modules built against its headers (make check-bpo runs
# it on trixie-backports' newest kernel too). Every event layer suite under
# the per-vCPU upcall vector in 2-level (FIFO, the default, runs in the
# first boot's vector guest); then what the PIRQ guest (../../pirq) runs,
# here alone in make check: an unload during an attach= device's probe,
# the PIRQ suites with the edu device attached (attach=), and
# /dev/xen/evtchn through Debian's libxenevtchn. The second guest of the
# boot runs the race tests (../races).
. ./ktap.sh
. ./common.sh

dom0_call lsevtchn boot >/dev/null
irq_layout >/tmp/layout.boot

run_mode vector 2level
unload_during_probe
pirq_suites
evtchn_dev_suites
canary
