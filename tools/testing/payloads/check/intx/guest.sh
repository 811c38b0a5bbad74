#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check, first boot, first guest: every event layer suite under the
# INTx upcall in 2-level (make check-more adds FIFO); then under Xen's
# callback vector in FIFO (upcall=callback,
# which leaves HVM_PARAM_CALLBACK_IRQ at 0 behind it, as INTx does); the
# PIRQ refusals, and the xenstore client, ending with the toolstack's
# "xl shutdown". (Once a guest has set a per-vCPU upcall vector, Xen keeps
# using it until the guest reboots: the vector suites get a guest of their
# own, check/vector, the second of this boot (check/intx-vector), and so
# does make check-callback's check/callback.)
# The 2-level-only check of Xen's port
# list against boot comes before the first FIFO unload, whose EVTCHNOP_reset
# also closes the toolstack's xenstore and console channels (xevtchn
# connects them again, but a channel still waiting to be connected stays
# closed).
. ./ktap.sh
. ./common.sh

dom0_call lsevtchn boot >/dev/null
irq_layout >/tmp/layout.boot

run_mode intx 2level
# Everything the 2-level runs opened is closed again, as Xen sees it.
dom0_call lsevtchn after-2level >/dev/null
ktap_start xen_ports_2level 1
ktap_expect xen_ports_as_at_boot same "$(dom0_call lsevtchn-compare boot after-2level)"
run_mode callback fifo
pirq_refusals
xenstore_suites intx
canary
# Last: the guest ends here, as "xl shutdown" asks (the per-vCPU vector,
# the default).
xenstore_xl_shutdown vector
