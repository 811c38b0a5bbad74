#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-callback, first boot: the vector guest (check/vector) under
# Xen's callback vector (upcall=callback): every event layer suite in both
# ABIs, the reload in 2-level mode after FIFO, the leak canary and the
# load/unload cycles, each load with upcall=callback. No load of the boot
# may use per-vCPU vectors: Xen would inject them until the guest reboots.
UPCALL=callback
. ./ktap.sh
. ./common.sh

vector_boot
