#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian package's test (make deb-test, part of make check): make the
# xevtchn-dkms package (make deb), install it with apt into a Debian 12
# bookworm chroot that has dkms and two kernels' headers (bookworm's generic
# and cloud 6.1), and show that DKMS built and installed xevtchn.ko for
# both: dkms status, and modinfo of each installed module (in updates/dkms,
# found through depmod's index; its version is main.c's MODULE_VERSION, its
# vermagic that kernel's, no test_ parameter, signed with DKMS's own key).
# Also that the package ships what DKMS builds from and nothing else (no
# Makefile, no testing.c, no tools/). Then remove the package and show that
# DKMS removed the module from both kernels.
#
# In a chroot, uname -r is the host's kernel. The package's postinst (from
# dh-dkms) runs dkms's /usr/lib/dkms/common.postinst, which on a first
# installation builds for the running kernel when /lib/modules has it (plus
# the newest kernel that has a /boot/config-*: none here, the chroot has
# headers only), and otherwise, taking the running kernel for a chroot's
# host's, for every kernel in /lib/modules. So on a host that runs neither
# of the chroot's kernels the postinst builds both; on a bookworm host that
# runs the chroot's generic kernel, only that one. The test says, per
# kernel, which it was, and asks DKMS itself for any kernel the postinst
# left out with "dkms autoinstall -k KERNEL": what the kernel packages'
# hooks (/etc/kernel/header_postinst.d/dkms) run when that kernel's headers
# are installed after the package.
#
# The chroot (mmdebstrap; the host's apt sources are not touched) is made
# once into the cache beside build-matrix.sh's, in
# chroots/bookworm-dkms-<key>, keyed by what goes into it, and is never
# changed: each run works in an overlay of it that goes away with the run.
# --refresh makes the chroot again (a newer kernel of the suite). A run
# whose sources, chroot and host kernel have passed before is not repeated
# (--force repeats it): it prints the lines of the run that passed. The
# log of the last run is deb-test/log in the cache.
#
# Usage: deb-test.sh [--refresh] [--force]

set -euo pipefail
# Called from make: make deb and the builds in the chroot must not inherit
# our flags.
unset MAKEFLAGS MFLAGS MAKELEVEL

top=$(cd "$(dirname "$0")/../.." && pwd)
self=$top/tools/testing/deb-test.sh
cache_root=${XEVTCHN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xevtchn-testhost}
chroots=$cache_root/chroots
state=$cache_root/deb-test
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security

log() { echo "deb-test: $*" >&2; }

# The chroot: bookworm as build-matrix.sh's 6.1 chroot has it, with dkms
# (without its Recommends), openssl (DKMS makes its signing key with it)
# and the two kernels' headers. Its name differs from build-matrix.sh's
# bookworm chroot, which that script would otherwise take for an old one.
name=bookworm-dkms
suite=bookworm
sources=("deb $mirror $suite main" "deb $mirror $suite-updates main"
	 "deb $security $suite-security main")
includes="dkms openssl linux-headers-amd64 linux-headers-cloud-amd64"

# The chroot, created if it is not in the cache yet. Its path is the only
# thing printed.
chroot_for() {
	local key dir work old
	# Bump the last field to recreate the chroot after a change of how it
	# is made that the rest of the recipe does not show.
	key=$(printf '%s\n' "$suite" "${sources[@]}" "$includes" 1 |
	      sha256sum | cut -c1-16)
	dir=$chroots/$name-$key
	if [ -f "$dir/.xevtchn-chroot" ] && [ -z "$refresh" ]; then
		echo "$dir"
		return
	fi
	log "creating the $name chroot in $dir (a few minutes, once)"
	mkdir -p "$chroots"
	work=$(mktemp -d "$chroots/tmp.XXXXXX")
	if ! mmdebstrap --mode=root --variant=apt \
		--include="$includes" --aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		"$suite" "$work/root" "${sources[@]}" >"$work/log" 2>&1; then
		grep -v '^Get:' "$work/log" | tail -n 30 >&2
		rm -rf "$work"
		log "mmdebstrap failed for $name"
		exit 1
	fi
	echo "$name" >"$work/root/.xevtchn-chroot"
	rm -rf "$dir"
	mv "$work/root" "$dir"
	rm -rf "$work"
	# Earlier chroots of this recipe's name, from an older recipe or
	# --refresh.
	for old in "$chroots"/*/.xevtchn-chroot; do
		old=${old%/.xevtchn-chroot}
		if [ "$old" != "$dir" ] &&
		   [ "$(cat "$old/.xevtchn-chroot")" = "$name" ]; then
			rm -rf "$old"
		fi
	done
	log "$name chroot ready: $(du -sh "$dir" | cut -f1)"
	echo "$dir"
}

# The sources the package is made from: what git tracks and what it would
# add, but the documentation (as build-matrix.sh).
source_files() {
	local f
	git -C "$top" ls-files -z --cached --others --exclude-standard -- \
		':!:*.md' ':!:Documentation' |
		sort -zu | while IFS= read -r -d '' f; do
			[ -f "$top/$f" ] && printf '%s\0' "$f"
		done
}

# Inside a mount namespace of its own (the script runs itself there with
# --in-overlay): mount an overlay of chroot $1 (upper layer in $2), install
# package $3 of version $4 in it, check, remove, check. Everything the
# commands print goes to log $5; the results go to stdout, one line each.
# Returns non-zero, its reason last in the log, on the first failure.
in_overlay() {
	local lower=$1 run=$2 deb=$3 version=$4 logf=$5
	local root=$run/root pkg kernels=() k status how out shipped
	local filename vermagic parms signer built
	pkg=$(basename "$deb")
	exec 3>&1 >>"$logf" 2>&1
	fail() {
		local m
		for m in "$root"/var/lib/dkms/xevtchn/*/build/make.log; do
			[ -f "$m" ] && { echo "== ${m#"$root"}"; cat "$m"; }
		done
		echo "deb-test: $*"
		exit 1
	}
	in_root() {
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	}
	result() { echo "deb-test: $*" >&3; }

	mkdir -p "$run/upper" "$run/work" "$root"
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$run/upper,workdir=$run/work" "$root" ||
		fail "cannot mount an overlay of $lower"
	mount -t proc proc "$root/proc" || fail "cannot mount /proc in the overlay"
	cp "$deb" "$root/tmp/"

	for k in "$root"/usr/src/linux-headers-*-amd64; do
		kernels+=("${k#"$root"/usr/src/linux-headers-}")
	done
	[ ${#kernels[@]} -eq 2 ] ||
		fail "expected a generic and a cloud kernel's headers in the chroot, found: ${kernels[*]}"

	echo "== apt-get install ./$pkg (uname -r: $(uname -r))"
	out=$(in_root apt-get install -y -o Dpkg::Use-Pty=0 "/tmp/$pkg" 2>&1) ||
		{ echo "$out"; fail "apt-get install ./$pkg failed"; }
	echo "$out"
	# What the postinst decided (common.postinst: "Building for A and B").
	built=$(echo "$out" | sed -n 's/^Building for //p')

	# The sources DKMS builds from: the package's, and only what the
	# module needs.
	shipped=$(in_root dpkg -L xevtchn-dkms |
		  sed -n "s|^/usr/src/xevtchn-$version/||p")
	for f in dkms.conf Kbuild compat.mk main.c internal.h include/xevtchn/events.h; do
		echo "$shipped" | grep -qx "$f" ||
			fail "the package lacks /usr/src/xevtchn-$version/$f"
	done
	if echo "$shipped" | grep -E '(^|/)(Makefile|testing\.c)$|^tools(/|$)'; then
		fail "the package ships test code or the tree's Makefile (above)"
	fi
	result "$pkg: /usr/src/xevtchn-$version has $(cd "$root/usr/src/xevtchn-$version" && find . -type f | wc -l) files, no Makefile, testing.c or tools/"

	for k in "${kernels[@]}"; do
		echo "== $k"
		status=$(in_root dkms status -m xevtchn -v "$version" -k "$k")
		echo "dkms status: $status"
		if [[ $status == *": installed" ]]; then
			how="by the package's postinst"
		else
			in_root dkms autoinstall -k "$k" ||
				fail "$k: dkms autoinstall -k $k failed"
			status=$(in_root dkms status -m xevtchn -v "$version" -k "$k")
			echo "dkms status: $status"
			how="by the test's 'dkms autoinstall -k' (the postinst's kernels: ${built:-none})"
		fi
		[[ $status == *": installed" ]] ||
			fail "$k: dkms status says '$status', not installed"
		cat "$root/var/lib/dkms/xevtchn/$version/$k/x86_64/log/make.log" || true
		in_root modinfo -k "$k" xevtchn || fail "$k: modinfo finds no xevtchn"
		filename=$(in_root modinfo -k "$k" -F filename xevtchn)
		vermagic=$(in_root modinfo -k "$k" -F vermagic xevtchn)
		parms=$(in_root modinfo -k "$k" -F parm xevtchn | cut -d: -f1 | sort | tr '\n' ' ')
		signer=$(in_root modinfo -k "$k" -F signer xevtchn)
		out=$(in_root modinfo -k "$k" -F version xevtchn)
		[[ $filename == "/lib/modules/$k/updates/dkms/xevtchn.ko"* ]] ||
			fail "$k: the module is $filename, not in updates/dkms"
		[ "$out" = "$version" ] ||
			fail "$k: version '$out', not main.c's MODULE_VERSION $version"
		[ "${vermagic%% *}" = "$k" ] ||
			fail "$k: vermagic '$vermagic' is another kernel's"
		[[ " $parms" != *" test_"* ]] ||
			fail "$k: the module has test parameters: $parms"
		[ "$signer" = "DKMS module signing key" ] ||
			fail "$k: signed by '$signer', not by DKMS's own key"
		result "$k: built and installed $how (dkms status: $status); modinfo: version $out, vermagic ${vermagic%% *}, parameters ${parms% }, signer $signer"
	done

	echo "== apt-get remove xevtchn-dkms"
	in_root apt-get remove -y -o Dpkg::Use-Pty=0 xevtchn-dkms || fail "apt-get remove xevtchn-dkms failed"
	status=$(in_root dkms status -m xevtchn)
	[ -z "$status" ] || fail "after removal, dkms status says: $status"
	for k in "${kernels[@]}"; do
		! in_root modinfo -k "$k" -F filename xevtchn ||
			fail "$k: after removal, modinfo still finds xevtchn"
		! compgen -G "$root/lib/modules/$k/updates/dkms/xevtchn.ko*" ||
			fail "$k: after removal, xevtchn.ko is still in updates/dkms"
	done
	if [ -e "$root/usr/src/xevtchn-$version" ] || [ -e "$root/var/lib/dkms/xevtchn" ]; then
		fail "after removal, /usr/src/xevtchn-$version or /var/lib/dkms/xevtchn is left"
	fi
	result "apt-get remove: dkms status empty, modinfo finds no xevtchn for ${kernels[*]}, /var/lib/dkms/xevtchn gone"
}

if [ "${1:-}" = --in-overlay ]; then
	shift
	in_overlay "$@"
	exit
fi

refresh=
force=
for arg; do
	case $arg in
	--refresh) refresh=1 ;;
	--force) force=1 ;;
	*) log "usage: deb-test.sh [--refresh] [--force]"; exit 2 ;;
	esac
done
command -v mmdebstrap >/dev/null || { log "mmdebstrap missing: run 'make deps'"; exit 1; }
[ "$(id -u)" -eq 0 ] || { log "needs root (mmdebstrap, chroot, mount)"; exit 1; }
# One run at a time: two would share the state directory.
mkdir -p "$chroots" "$state"
exec 9>"$state/.lock"
flock 9

root=$(chroot_for)
version=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$top/main.c")
sum=$( { source_files | (cd "$top" && xargs -0 sha256sum);
	 echo "$root" "$(uname -r)"; } | sha256sum | cut -c1-16)
stamp=$state/passed
if [ -z "$force" ] && [ "$(head -n 1 "$stamp" 2>/dev/null)" = "$sum" ]; then
	tail -n +2 "$stamp" | sed 's/$/ (unchanged since it passed)/'
	exit 0
fi
rm -f "$stamp"
start=$SECONDS
logf=$state/log
: >"$logf"
failed() {
	tail -n 30 "$logf" >&2
	log "$* after $((SECONDS - start)) s; the log is $logf"
	exit 1
}

make -C "$top" --no-print-directory deb >>"$logf" 2>&1 || failed "make deb failed"
deb=$top/dist/xevtchn-dkms_${version}_all.deb
[ -f "$deb" ] || failed "make deb made no $(basename "$deb") (is debian/changelog's version main.c's?)"

run=$(mktemp -d "$state/run.XXXXXX")
trap 'rm -rf "$run"' EXIT
unshare --mount --fork "$self" --in-overlay "$root" "$run" "$deb" "$version" "$logf" \
	>"$run/results" || failed "failed"
{ echo "$sum"; cat "$run/results"; } >"$stamp"
sed "\$s/\$/ ($((SECONDS - start)) s)/" "$run/results"
