#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, fourth boot, first guest: Debian 13's kernel (6.12) as the
# guest's, with the modules built against its headers (make check-bpo runs
# it on trixie-backports' newest kernel too). Every event layer suite under
# the per-vCPU upcall vector in 2-level (FIFO, the default, runs in the
# first boot's vector guest), then the PIRQ suites with the edu device
# attached (attach=). The
# second guest of the boot runs the race tests (../races).
. ./ktap.sh
. ./common.sh

dom0_call lsevtchn boot >/dev/null
irq_layout >/tmp/layout.boot

run_mode vector 2level
pirq_suites
canary
