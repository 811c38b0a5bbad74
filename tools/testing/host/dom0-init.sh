#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test host's dom0 (a PV dom0 running from its initramfs).
# Starts the Xen toolstack, creates the HVM guest, streams the guest's serial
# console to dom0's console with a "[guest] " prefix, runs the dom0 payload
# (output prefixed "[dom0] "), waits for the guest to power off, then powers
# the host off. Lines starting "XTH-DOM0:" mark the stages for the runner.
# /xth/config (written by the runner) sets GUEST_* and XTH_* variables.
#
# Requests from the guest: a line "XTH-REQ <id> <cmd> <args>" on the guest's
# console runs "/payload/dom0/run.sh <cmd> <args>" here; its output goes to
# dom0's console and its last line back to the guest, as "XTH-REP <id>
# <line>", on the guest's second serial port (a pty; ttyS1 in the guest).

PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
bb=/usr/bin/busybox

say() { echo "XTH-DOM0: $*"; }
die() {
	say "FAILED: $*"
	finish
}
finish() {
	say "done"
	sync
	$bb poweroff -f
	sleep 60
}

$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
$bb mkdir -p /dev/pts /dev/shm
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs tmpfs /run
$bb mount -t tmpfs tmpfs /tmp
say "init $(uname -r)"

. /xth/config

modprobe -a xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs ||
	die "cannot load the Xen dom0 drivers"
$bb mount -t xenfs xenfs /proc/xen || die "cannot mount xenfs"
mkdir -p /run/xen /run/xenstored /var/lib/xen /var/log/xen /var/lib/xenstored
oxenstored --pid-file /run/xenstored.pid || die "oxenstored did not start"
xen-init-dom0 >/dev/null || die "xen-init-dom0 failed"
xenconsoled --pid-file=/run/xenconsoled.pid || die "xenconsoled did not start"
say "toolstack ready"

cat >/tmp/guest.cfg <<CFG
name = "xth-guest"
type = "hvm"
memory = ${GUEST_MEMORY}
vcpus = ${GUEST_VCPUS}
max_event_channels = 8192
kernel = "/xth/vmlinuz"
ramdisk = "/xth/guest-initrd.gz"
cmdline = "${GUEST_CMDLINE}"
serial = [ "file:/tmp/guest.log", "pty" ]
vnc = 0
sdl = 0
vga = "none"
device_model_args_hvm = [ "-device", "edu" ]
on_poweroff = "destroy"
on_reboot = "preserve"
on_crash = "preserve"
CFG
[ -f /xth/guest-extra.cfg ] && cat /xth/guest-extra.cfg >>/tmp/guest.cfg

: >/tmp/guest.log
$bb tail -n +1 -f /tmp/guest.log | $bb sed 's/^/[guest] /' &
tail_pid=$!

xl create -q /tmp/guest.cfg >/tmp/xl-create.log 2>&1 || {
	$bb sed 's/^/xl create: /' /tmp/xl-create.log
	die "xl create failed"
}
domid=$(xl domid xth-guest)
say "guest created domid=$domid"

# The pty of the guest's second serial port, once QEMU has made it.
guest_pty() {
	for _ in $(seq 30); do
		xenstore-read "/local/domain/$domid/serial/1/tty" 2>/dev/null &&
			return 0
		sleep 1
	done
	return 1
}

serve_guest() {
	$bb tail -n +1 -f /tmp/guest.log | while IFS= read -r line; do
		line=$(printf '%s' "$line" | $bb tr -d '\r')
		case "$line" in
		"XTH-REQ "*) ;;
		*) continue ;;
		esac
		# shellcheck disable=SC2086
		set -- $line
		id=$2
		shift 2
		(cd /payload/dom0 && GUEST_DOMID=$domid ./run.sh "$@") \
			>"/tmp/rpc.$id" 2>&1
		$bb sed 's/^/[dom0] /' "/tmp/rpc.$id"
		echo "XTH-REP $id $($bb tail -n 1 "/tmp/rpc.$id")" >&4
	done
}

if [ -x /payload/dom0/run.sh ]; then
	pty=$(guest_pty) || die "the guest's second serial port has no pty"
	exec 4>"$pty"
	serve_guest &
fi

payload_pid=
if [ -x /payload/dom0/run.sh ]; then
	(cd /payload/dom0 && GUEST_DOMID=$domid ./run.sh start 2>&1 |
		$bb sed 's/^/[dom0] /') &
	payload_pid=$!
fi

# A guest that did not power off (a triple fault is a reboot, a panic a
# crash) is kept until its vCPUs' state is on the console, then destroyed.
guest_shut_down() {
	xl list xth-guest 2>/dev/null | $bb awk 'NR == 2 && $5 ~ /[sc]/ { f = 1 }
		END { exit !f }'
}
show_dead_guest() {
	say "the guest shut down without powering off; its vCPUs' last state:"
	xen-hvmctx "$domid" 2>&1 | $bb grep -A 30 -e '^ *CPU:' | $bb head -n 70
	say "FAILED: the guest shut down without powering off (state above)"
}

waited=0
while xl domid xth-guest >/dev/null 2>&1; do
	if guest_shut_down; then
		# Powering off after its payload is the normal end.
		$bb grep -q '^XTH-GUEST: done' /tmp/guest.log || show_dead_guest
		xl destroy xth-guest 2>/dev/null
		break
	fi
	if [ "$waited" -ge "$XTH_GUEST_TIMEOUT" ]; then
		say "guest still running after ${XTH_GUEST_TIMEOUT}s; destroying it"
		xl destroy xth-guest
		break
	fi
	sleep 1
	waited=$((waited + 1))
done
say "guest gone after ${waited}s"
# Give the dom0 payload a little time to finish what it reports.
grace=10
while [ -n "$payload_pid" ] && kill -0 "$payload_pid" 2>/dev/null &&
      [ $grace -gt 0 ]; do
	sleep 1
	grace=$((grace - 1))
done
sleep 1
kill "$tail_pid" 2>/dev/null
finish
