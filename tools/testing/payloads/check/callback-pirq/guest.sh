#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-callback, second boot: the PIRQ guest (check/pirq) under Xen's
# callback vector (upcall=callback), which Xen also lets map PIRQs.
UPCALL=callback
. ./ktap.sh
. ./common.sh

unload_during_probe
pirq_suites
canary
