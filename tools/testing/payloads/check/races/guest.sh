#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, second boot: the race tests, with the guest's two vCPUs truly
# in parallel, each on its own physical CPU of the test host (the other
# guests put both on one, which makes the emulator fault rarer but leaves
# the vCPUs taking turns). The 6.12 boot runs them too, as its second guest.
#
# - The regression tests of xevtchn_races_test, on the test build, which
#   holds each race window open with its injection points. The first load
#   of the boot must be 2-level: the phantom-port test needs the pending
#   bits hvmloader left behind.
# - The migration storms: the edge flow in both ABIs (the module users
#   load) must lose and double nothing; the level and fasteoi negative
#   controls (test build) must be caught losing events.
# - The deferred close of unbound ports (xevtchn_closing_test, test build):
#   a closing port keeps its number and reaches nobody; a remote port it
#   holds can be connected to again at once; unload with closes
#   pending leaves nothing behind.
# - Last, the tests of unbinding against handlers, threads and moves.
#
# All under UPCALL (common.sh): the per-vCPU vector here, Xen's callback
# vector in make check-callback's copy of this boot (check/callback-races).
. ./ktap.sh
. ./common.sh

races_boot
