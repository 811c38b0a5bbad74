#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make check-resume: the guest is saved and restored, and migrated within
# the host, while xevtchn_resume_test counts its events per epoch; under
# the INTx upcall and the per-vCPU vector, in both ABIs; ten saves and
# restores in a row; and a save and restore without xevtchn (resume_boot
# in common.sh). dom0.sh's xl-save-restore, xl-save-cancel and
# xl-migrate-local move the guest; dom0-init.sh follows it to its new
# domain.
. ./ktap.sh
. ./common.sh

resume_boot
