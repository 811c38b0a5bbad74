#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, fourth boot: the migration storms with the guest's two vCPUs
# truly in parallel, each on its own physical CPU of the test host (the
# other boots put both on one, which makes the emulator fault rarer but
# leaves the vCPUs taking turns): the edge flow in both ABIs must lose and
# double nothing, and the level and fasteoi negative controls must be caught
# losing events.
. ./ktap.sh
. ./common.sh

for abi in 2level fifo; do
	load_module xevtchn.ko upcall=vector fifo="$([ $abi = fifo ] && echo on || echo off)"
	storm tag="edge_parallel_$abi"
	rmmod xevtchn
	kmsg | ktap_only
done
negative_control level
negative_control fasteoi
canary
