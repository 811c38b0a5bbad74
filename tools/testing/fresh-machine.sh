#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's two commands as a new user runs them: on a fresh Debian
# bookworm system with nothing of the project's installed, from a fresh
# clone, each timed. The fresh system is a chroot (mmdebstrap, Debian's
# default "important" package set plus git, make and gcc, as on a new
# machine) with an empty home, so nothing this machine has installed or
# cached for the project is seen: the commands' own set-up (deps.sh, the
# build matrix's chroots, the test host's images) runs in full. The
# machine's kernel stays; the test host needs no hardware virtualization.
#
# usage: fresh-machine.sh DIR [TARGET...]   (as root; default: demo check)
# DIR must not exist; it is left behind (a few GB) for a look afterwards.
set -euo pipefail

dir=${1:?usage: fresh-machine.sh DIR [TARGET...]}
shift
if [ $# -eq 0 ]; then targets=(demo check); else targets=("$@"); fi
top=$(cd "$(dirname "$0")/../.." && pwd)

if [ -e "$dir" ]; then
	echo "fresh-machine: $dir exists" >&2
	exit 1
fi
mirror=http://deb.debian.org
start=$(date +%s)
mmdebstrap --mode=root --variant=important --include=git,make,gcc \
	bookworm "$dir" \
	"deb $mirror/debian bookworm main" \
	"deb $mirror/debian bookworm-updates main" \
	"deb $mirror/debian-security bookworm-security main" >"$dir.log" 2>&1 ||
	{ tail -n 20 "$dir.log" >&2; exit 1; }
echo "fresh-machine: system ready in $(($(date +%s) - start)) s"
git clone -q "$top" "$dir/root/xevtchn"

# Each target in the chroot, /proc, /sys and /dev from the machine (the
# test host's QEMU and the build matrix's own chroots need them), in a
# mount namespace of its own: nothing stays mounted after. The chroot is
# first bound onto itself, so that its / is a mount point, as a machine's
# is: else the build matrix's "unshare --mount" fails ("cannot change root
# filesystem propagation").
status=0
for target in "${targets[@]}"; do
	t0=$(date +%s)
	rc=0
	unshare --mount --fork /bin/sh -c '
		mount --bind "$0" "$0"
		for d in proc sys dev; do
			mount --rbind "/$d" "$0/$d"
		done
		exec chroot "$0" /usr/bin/env -i HOME=/root TERM=dumb \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			/bin/sh -c "cd /root/xevtchn && make $1"' \
		"$dir" "$target" || rc=$?
	[ $rc -eq 0 ] || status=1
	echo "fresh-machine: make $target: rc=$rc," \
	     "$((($(date +%s) - t0) / 60)) min $((($(date +%s) - t0) % 60)) s"
done
exit $status
