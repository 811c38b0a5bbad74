#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-more, first guest (check/more): every event layer suite under
# the two pairs of upcall and ABI that make check leaves out, INTx in FIFO
# and the per-vCPU vector in 2-level on the kernel the module is built for. (make check runs INTx
# in 2-level, the callback vector in FIFO, the per-vCPU vector in FIFO
# there and in 2-level on Debian 13's kernel.) INTx first: once a guest has
# used per-vCPU vectors, Xen injects them until the guest reboots.
. ./ktap.sh
TSC_NATIVE=yes	# guest.cfg: tsc_mode = "native"
. ./common.sh

dom0_call lsevtchn boot >/dev/null
irq_layout >/tmp/layout.boot

run_mode intx fifo
run_mode vector 2level
canary
