#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, second boot: every event layer suite under the per-vCPU
# upcall vector, in both ABIs (2-level first, then FIFO, then 2-level again:
# the reload in 2-level mode after FIFO), and the load/unload cycles (the
# default ABI, FIFO): vector_boot in common.sh. Then dom0's flood, against
# a plain binding and a lateeoi one (flood_suites, about two minutes):
# here, under the upcall users get by default, and in this boot alone.
. ./ktap.sh
TSC_NATIVE=yes	# guest.cfg: tsc_mode = "native"
. ./common.sh

vector_boot
flood_suites
