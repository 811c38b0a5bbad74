#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-callback, third boot: the race tests' boot (check/races, which
# says what they are) under Xen's callback vector (upcall=callback), the
# guest's two vCPUs in parallel.
UPCALL=callback
. ./ktap.sh
. ./common.sh

races_boot
