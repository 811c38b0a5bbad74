#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check's resume boot: the guest is saved and restored, and migrated
# within the host, while xevtchn_resume_test counts its events per epoch:
# under the INTx upcall with FIFO, and the per-vCPU vector with 2-level
# (each upcall and each ABI once; make check-resume runs all four, and
# ten moves in a row); and a save and restore without xevtchn; last,
# "xl reboot" and "xl shutdown" answered after a restore
# (resume_check_boot in common.sh).
. ./ktap.sh
. ./common.sh

resume_check_boot
