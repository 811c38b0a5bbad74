#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, first boot, second guest: every event layer suite under the
# per-vCPU upcall vector in FIFO, the default (2-level: the 6.12 boot and
# make check-more), then a load in 2-level mode after FIFO, and the
# load/unload cycles: vector_boot in common.sh. Then dom0's flood, against
# a plain binding and a lateeoi one (flood_suites, about two minutes):
# here, under the upcall users get by default, and in this boot alone.
. ./ktap.sh
TSC_NATIVE=yes	# guest.cfg: tsc_mode = "native"
. ./common.sh

vector_boot fifo
flood_suites
