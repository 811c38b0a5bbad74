#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, second boot: every event layer suite under the per-vCPU
# upcall vector, in both ABIs (2-level first, then FIFO), the negative
# controls (2-level: the reload in 2-level mode after FIFO), and the
# load/unload cycles (the default ABI, FIFO).
. ./ktap.sh
. ./common.sh

dom0_call lsevtchn boot >/dev/null
irq_layout >/tmp/layout.boot

run_mode vector 2level
run_mode vector fifo
negative_control level
negative_control fasteoi
unload_cycles
canary
