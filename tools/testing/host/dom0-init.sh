#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test host's dom0 (a PV dom0 running from its initramfs).
# Starts the Xen toolstack, then creates the boot's HVM guests one after
# another (usually one; "make bench" runs two on the same Xen). Each guest's
# serial console is streamed to dom0's console with a "[guest] " prefix, the
# dom0 payload runs beside it (output prefixed "[dom0] "), and the next guest
# starts once it has powered off. Then the host powers off. Lines starting
# "XTH-DOM0:" mark the stages for the runner. /xth/config (written by the
# runner) sets XTH_* variables, /xth/guest.N/config each guest's GUEST_*.
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

# One guest of the boot: /xth/guest.N/ holds its config (GUEST_*), its
# boot disk (disk.img) and more xl config lines. Its console is
# /tmp/guest.N.A.log for attempt A, a fresh file each time: the device
# model of a destroyed guest may still write to the old one.
run_guest() {
	dir=$1
	n=${dir##*.}
	glog=/tmp/guest.$n.$2.log
	. "$dir/config"
	# The guest boots from disk.img (xth's boot_disk(): SYSLINUX, the
	# kernel, its initramfs and command line) on an AHCI controller, which
	# SeaBIOS reads by DMA: xl's kernel= goes through fw_cfg, a byte an I/O
	# exit. Slot 5 puts its INTA on link 1 (IRQ 10), off the edu device's
	# line (slot 3, link 3); the guest loads no driver for it. QEMU's own
	# -drive, not xl's disk=, so that no PV disk backend is set up.
	cat >/tmp/guest.cfg <<CFG
name = "xth-guest"
type = "hvm"
memory = ${GUEST_MEMORY}
vcpus = ${GUEST_VCPUS}
boot = "c"
serial = [ "file:$glog", "pty" ]
vnc = 0
sdl = 0
vga = "none"
device_model_args_hvm = [ "-device", "edu",
	"-drive", "if=none,id=boot,format=raw,file=$dir/disk.img",
	"-device", "ahci,id=ahci,addr=0x5",
	"-device", "ide-hd,drive=boot,bus=ahci.0" ]
on_poweroff = "destroy"
on_reboot = "preserve"
on_crash = "preserve"
CFG
	# The payload's own lines (extra.cfg) may raise the port limit.
	touch "$dir/extra.cfg"
	$bb grep -q '^max_event_channels' "$dir/extra.cfg" ||
		echo "max_event_channels = 8192" >>/tmp/guest.cfg
	cat "$dir/extra.cfg" >>/tmp/guest.cfg

	: >"$glog"
	rm -f /tmp/xth-moving /tmp/xth-domid
	$bb tail -n +1 -f "$glog" | $bb sed 's/^/[guest] /' &

	xl create -q /tmp/guest.cfg >/tmp/xl-create.log 2>&1 || {
		$bb sed 's/^/xl create: /' /tmp/xl-create.log
		die "xl create failed"
	}
	domid=$(xl domid xth-guest)
	say "guest created domid=$domid ($GUEST_NAME)"

	if [ -x /payload/dom0/run.sh ]; then
		pty=$(guest_pty) || die "the guest's second serial port has no pty"
		exec 4>"$pty"
		serve_guest &
	fi

	payload_pid=
	rm -f /tmp/xth-jobs
	if [ -x /payload/dom0/run.sh ]; then
		(cd /payload/dom0 && GUEST_DOMID=$domid ./run.sh start 2>&1 |
			$bb sed 's/^/[dom0] /') &
		payload_pid=$!
	fi

	waited=0
	lost=0
	# While dom0.sh moves the guest (save and restore, migration:
	# /tmp/xth-moving), there may be no domain for a while, or a
	# suspended one; afterwards, /tmp/xth-domid has its new ID.
	while xl domid xth-guest >/dev/null 2>&1 || [ -e /tmp/xth-moving ]; do
		[ -s /tmp/xth-domid ] && domid=$(cat /tmp/xth-domid)
		if [ ! -e /tmp/xth-moving ] && guest_shut_down; then
			# Powering off after its payload is the normal end.
			if ! $bb grep -q '^XTH-GUEST: done' "$glog"; then
				show_guest_state
				if lost_to_emulator; then
					lost=1
				else
					say "FAILED: the guest shut down without powering off (state above)"
				fi
			fi
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
	# Give the dom0 payload a little time to finish what it reports: its
	# start process, and the jobs its requests left to report once the
	# guest is gone (their pids in /tmp/xth-jobs; dom0.sh xl-shutdown).
	grace=20
	while payload_busy && [ $grace -gt 0 ]; do
		sleep 1
		grace=$((grace - 1))
	done
	sleep 1
	# The console's and the request server's readers of this guest's log.
	pkill -f "tail -n \+1 -f $glog"
	exec 4>&-
	return $lost
}

# Is the dom0 payload still at work for this guest (see run_guest)?
payload_busy() {
	[ -n "$payload_pid" ] && kill -0 "$payload_pid" 2>/dev/null && return 0
	for pid in $(cat /tmp/xth-jobs 2>/dev/null); do
		kill -0 "$pid" 2>/dev/null && return 0
	done
	return 1
}

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
	$bb tail -n +1 -f "$glog" | while IFS= read -r line; do
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
		# The request moved the guest (dom0.sh): its new domain has a
		# new device model, whose pty carries the replies from now on.
		if [ -s /tmp/xth-domid ] && [ "$(cat /tmp/xth-domid)" != "$domid" ]; then
			domid=$(cat /tmp/xth-domid)
			pty=$(guest_pty) && exec 4>"$pty"
		fi
		echo "XTH-REP $id $($bb tail -n 1 "/tmp/rpc.$id")" >&4
	done
}

# A guest that did not power off (a triple fault is a reboot, a panic a
# crash) is kept until its vCPUs' state is on the console, then destroyed.
guest_shut_down() {
	xl list xth-guest 2>/dev/null | $bb awk 'NR == 2 && $5 ~ /[sc]/ { f = 1 }
		END { exit !f }'
}
show_guest_state() {
	say "the guest shut down without powering off; its vCPUs' last state:"
	xen-hvmctx "$domid" 2>&1 | $bb grep -A 30 -e '^ *CPU:' | $bb head -n 70
}

# The emulated CPU's fault (Documentation/testing.md): Xen saw a triple
# fault, and the guest's kernel said nothing was wrong before it (the
# runner's GUEST_ALARM, ktap.py, has the same list).
lost_to_emulator() {
	xl dmesg | $bb grep -q "d${domid}v[0-9]* Triple fault" &&
		! $bb grep -q -E 'Oops|BUG:|Kernel panic|double fault|general protection|kernel BUG at|\[#[0-9]+\]' "$glog"
}

# The guests, one after another, in the order the runner numbered them. A
# guest lost to the emulated CPU is created again, up to XTH_GUEST_ATTEMPTS
# times in all; the runner drops the lost attempt's output (the line below
# marks it).
for dir in $(ls -d /xth/guest.* | $bb sort -t . -k 2 -n); do
	attempt=1
	until run_guest "$dir" "$attempt"; do
		[ "$attempt" -ge "$XTH_GUEST_ATTEMPTS" ] &&
			die "guest $GUEST_NAME lost to the emulated CPU $attempt times"
		attempt=$((attempt + 1))
		say "guest $GUEST_NAME lost to the emulated CPU; creating it again (attempt $attempt of $XTH_GUEST_ATTEMPTS)"
	done
done
finish
