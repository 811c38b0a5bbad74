#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The build matrix of "make check": xevtchn.ko, its test build, the test
# modules and the benchmark modules, built with W=1 and sparse (C=2) against
# each supported kernel's generic and cloud headers, each inside a chroot of
# the kernel's own Debian suite (its compiler, its sparse). Any warning
# fails.
#
#   6.1    Debian 12 bookworm's kernel
#   6.12   Debian 13 trixie's kernel
#   bpo    the newest kernel in trixie-backports (7.x)
#
# Sparse runs wherever the suite's sparse can parse the kernel's headers:
# not on 7.x, whose headers need a sparse newer than any Debian suite has
# (0.6.4); there the result says "W=1 only" and why.
#
# The chroots (mmdebstrap; the host's apt sources are not touched) live in
# the cache, in chroots/<suite>-<key>, keyed by what goes into them: created
# once (a few minutes each), then reused. --refresh creates them again, to
# build against a kernel the suite has updated since. A configuration whose
# sources, chroot and commands have passed before is not built again unless
# --force is given.
#
# --guest-out DIR: also make each kernel a guest kernel of the test host:
# DIR/<KERNEL>/ gets that kernel's vmlinuz (from its linux-image package,
# fetched with a private apt state of the suite's sources) and the generic
# flavour's modules in the tree's layout (xevtchn.ko, the test build's,
# the test modules), for "xth run --kernel KERNEL=DIR/KERNEL".
#
# Usage: build-matrix.sh [--refresh] [--force] [--guest-out DIR] [KERNEL...]
#	 (KERNEL: 6.1, 6.12, bpo; all three by default)

set -euo pipefail
# Called from make: the builds in the chroots must not inherit our flags.
unset MAKEFLAGS MFLAGS MAKELEVEL

top=$(cd "$(dirname "$0")/../.." && pwd)
cache_root=${XEVTCHN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xevtchn-testhost}
chroots=$cache_root/chroots
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security

log() { echo "build-matrix: $*" >&2; }

# Per kernel: the chroot's suite, its apt sources, the headers to install.
# A kernel's suite is what its users have: its gcc is the one the kernel
# was built with (kbuild warns about any other).
recipe() {
	base=bookworm
	case $1 in
	6.1)	;;
	6.12)	base=trixie ;;
	bpo)	base=trixie ;;
	*)	log "unknown kernel '$1' (6.1, 6.12 or bpo)"; exit 2 ;;
	esac
	local pkgs="linux-headers-amd64 linux-headers-cloud-amd64"
	suite=$base
	sources=("deb $mirror $base main" "deb $mirror $base-updates main"
		 "deb $security $base-security main")
	if [ "$1" = bpo ]; then
		suite=$base-backports
		sources+=("deb $mirror $base-backports main")
		pkgs="linux-headers-amd64/$suite linux-headers-cloud-amd64/$suite"
	fi
	includes="make gcc libc6-dev sparse ccache $pkgs"
}

# The chroot of kernel $1, created if it is not in the cache yet. Its path
# is the only thing printed.
chroot_for() {
	local kernel=$1 key dir work old
	recipe "$kernel"
	# Bump the last field to recreate every chroot after a change of how
	# they are made that the rest of the recipe does not show.
	key=$(printf '%s\n' "$base" "${sources[@]}" "$includes" 1 |
	      sha256sum | cut -c1-16)
	dir=$chroots/$suite-$key
	if [ -f "$dir/.xevtchn-chroot" ] && [ -z "$refresh" ]; then
		echo "$dir"
		return
	fi
	log "creating the $suite chroot for $kernel in $dir (a few minutes, once)"
	mkdir -p "$chroots"
	work=$(mktemp -d "$chroots/tmp.XXXXXX")
	# mmdebstrap's --include takes "pkg/suite" (the backports headers);
	# its essential packages come from the suite it is given, the base.
	if ! mmdebstrap --mode=root --variant=essential \
		--include="$includes" --aptopt='Acquire::Languages "none"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		"$base" "$work/root" "${sources[@]}" >"$work/log" 2>&1; then
		grep -v '^Get:' "$work/log" | tail -n 30 >&2
		rm -rf "$work"
		log "mmdebstrap failed for $suite"
		exit 1
	fi
	echo "$suite" >"$work/root/.xevtchn-chroot"
	rm -rf "$dir"
	mv "$work/root" "$dir"
	rm -rf "$work"
	# Earlier chroots of this suite, from an older recipe or --refresh.
	for old in "$chroots"/*/.xevtchn-chroot; do
		old=${old%/.xevtchn-chroot}
		if [ "$old" != "$dir" ] &&
		   [ "$(cat "$old/.xevtchn-chroot")" = "$suite" ]; then
			rm -rf "$old"
		fi
	done
	log "$suite chroot ready: $(du -sh "$dir" | cut -f1)"
	echo "$dir"
}

# The sources the build would see: what git tracks and what it would add,
# but the documentation.
source_files() {
	local f
	git -C "$top" ls-files -z --cached --others --exclude-standard -- \
		':!:*.md' ':!:Documentation' |
		sort -zu | while IFS= read -r -d '' f; do
			[ -f "$top/$f" ] && printf '%s\0' "$f"
		done
}

# Run $2... in chroot $1 with a clean environment and /proc; the mount goes
# away with the namespace.
in_chroot() {
	local root=$1
	shift
	# shellcheck disable=SC2016 # $0 and $@ are the inner shell's
	unshare --mount --fork /bin/sh -c \
		'mount -t proc proc "$0/proc" && exec chroot "$0" "$@"' \
		"$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 CCACHE_DIR=/xevtchn/ccache "$@"
}

# Whether the sparse of chroot $1 knows __typeof_unqual__ (sparse exits 0
# on errors: its output says).
sparse_has_typeof_unqual() {
	printf 'int f(const int *p)\n{\n\t__typeof_unqual__(*p) x = *p;\n\n\treturn x;\n}\n' \
		>"$1/tmp/typeof_unqual.c"
	case $(in_chroot "$1" sparse /tmp/typeof_unqual.c 2>&1) in
	*error*) return 1 ;;
	esac
}

# What to add to a result when sparse did not run ($1: "yes" if it did,
# else why not).
sparse_note() {
	[ "$1" = yes ] || echo " (W=1 only: sparse $1)"
}

# The vmlinuz of kernel $2 (its ABI, e.g. 6.12.118+deb13-amd64), from the
# suite of chroot $1: the essential chroot has no apt, so the host's apt
# fetches the package with a state of its own (sources, lists, cache) under
# the chroot's directory; the host's apt sources and lists stay untouched.
# Cached in the chroot's directory; its path is the only thing printed.
vmlinuz_for() {
	local root=$1 kver=$2 apt dir pkg
	dir=$root/xevtchn/guest
	if [ -s "$dir/vmlinuz-$kver" ]; then
		echo "$dir/vmlinuz-$kver"
		return
	fi
	log "fetching the $kver kernel image (once)"
	apt=$dir/apt
	rm -rf "$apt"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	grep -h '^deb ' "$root/etc/apt/sources.list" \
		"$root"/etc/apt/sources.list.d/*.list 2>/dev/null >"$apt/sources.list" || true
	local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list"
		    -o Dir::Etc::SourceParts=/dev/null
		    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		    -o Dir::State::status=/dev/null -o APT::Architecture=amd64
		    -o 'Acquire::Languages=none' -o APT::Sandbox::User=root)
	# Where the vmlinuz is: Debian's 6.x kernels ship it unsigned in
	# linux-image-<abi>-unsigned (the one Secure Boot signs is built from
	# it); its 7.x kernels in linux-binary-<abi>, under /usr/lib/modules.
	# Each step checks itself: this runs where "set -e" does not.
	if ! apt-get "${opts[@]}" update >"$apt/log" 2>&1; then
		tail -n 20 "$apt/log" >&2
		log "apt-get update failed for $kver's suite"
		return 1
	fi
	local try path=
	for try in "linux-image-$kver-unsigned:./boot/vmlinuz-$kver" \
		   "linux-binary-$kver:./usr/lib/modules/$kver/vmlinuz"; do
		pkg=${try%%:*}
		if (cd "$apt" && apt-get "${opts[@]}" download "$pkg") >>"$apt/log" 2>&1; then
			path=${try#*:}
			break
		fi
	done
	if [ -z "$path" ] ||
	   ! dpkg-deb --fsys-tarfile "$apt"/"$pkg"_*.deb |
		tar -x -O "$path" >"$dir/vmlinuz-$kver.tmp" ||
	   [ ! -s "$dir/vmlinuz-$kver.tmp" ]; then
		tail -n 20 "$apt/log" >&2
		rm -f "$dir/vmlinuz-$kver.tmp"
		log "could not fetch the vmlinuz of $kver"
		return 1
	fi
	mv "$dir/vmlinuz-$kver.tmp" "$dir/vmlinuz-$kver"
	rm -rf "$apt"
	echo "$dir/vmlinuz-$kver"
}

# Kernel $1 (chroot $2, headers $3) as a guest kernel: its vmlinuz and the
# generic flavour's modules into $guest_out/$1, in the tree's layout.
guest_files() {
	local kernel=$1 root=$2 kver=${3#/usr/src/linux-headers-} src out
	src=$root/xevtchn/generic
	out=$guest_out/$kernel
	rm -rf "$out"
	mkdir -p "$out/tools/testing/build" "$out/tools/testing/modules"
	# Called after "||", where "set -e" does not hold: each step checks.
	if ! vmlinuz=$(vmlinuz_for "$root" "$kver") ||
	   ! cp "$vmlinuz" "$out/vmlinuz" ||
	   ! cp "$src/xevtchn.ko" "$out/" ||
	   ! cp "$src/tools/testing/build/xevtchn.ko" "$out/tools/testing/build/" ||
	   ! cp "$src"/tools/testing/modules/*.ko "$out/tools/testing/modules/"; then
		rm -rf "$out"
		log "$kernel ($kver): no guest kernel"
		status=1
		return 1
	fi
	echo "$kver" >"$out/kver"
	echo "build-matrix: $kernel ($kver) as a guest kernel: $out"
}

status=0

# Build every module against headers $3 in chroot $2 (kernel $1).
build_one() {
	local kernel=$1 root=$2 kdir=$3 kver flavour src stamp sum start
	kver=${kdir#/usr/src/linux-headers-}
	flavour=generic
	case $kver in *-cloud-amd64) flavour=cloud ;; esac
	src=/xevtchn/$flavour
	# The module, its test build, the test modules, the benchmark;
	# compiled through ccache, as Debian's headers offer it (their
	# .kernelvariables), its cache in the chroot: a file unchanged since
	# the last build is not compiled again, though sparse checks it (C=2)
	# and ccache replays the compiler's warnings.
	local cmd=(make -C "$src" -k -j"$(nproc)" KDIR="$kdir" W=1 C=2
		   DEBIAN_KERNEL_USE_CCACHE=1
		   modules testing-build test-modules bench-modules)
	# The kernel's Makefile asks scripts/checker-valid.sh whether sparse
	# can check it, and if not turns C=2 into C=0 with a note. Debian's
	# 7.x headers lack the script, so the answer is always no: ask the
	# chroot's sparse ourselves. 7.x headers use __typeof_unqual__ under
	# sparse too, which the sparse of every Debian suite (0.6.4) cannot
	# parse: then the kernel builds with W=1 alone, and we say so. Else
	# keep sparse on (the command line overrides the Makefile's C=0) and
	# drop the note.
	local srctree note='^$' sparse=yes
	srctree=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$root$kdir/Makefile")
	srctree=${srctree:-$kdir}
	if grep -qs checker-valid.sh "$root$srctree/Makefile" &&
	   [ ! -e "$root$srctree/scripts/checker-valid.sh" ]; then
		note='C=2 specified, but sparse is not available or not up to date$'
		if grep -qs 'defined(__CHECKER__)' "$root$srctree/include/linux/compiler_types.h" &&
		   grep -qs '__typeof_unqual__' "$root$srctree/include/linux/compiler_types.h" &&
		   ! sparse_has_typeof_unqual "$root"; then
			sparse="$(in_chroot "$root" sparse --version) cannot parse these headers (__typeof_unqual__)"
			cmd=("${cmd[@]/#C=2/C=0}")
		else
			cmd+=(KBUILD_CHECKSRC=2)
		fi
	fi

	sum=$( { source_files | (cd "$top" && xargs -0 sha256sum);
		 echo "$root" "${cmd[*]}"; } | sha256sum | cut -c1-16)
	stamp=$root/xevtchn/$flavour.passed
	if [ -z "$force" ] && [ "$(cut -d' ' -f1 "$stamp" 2>/dev/null)" = "$sum" ]; then
		echo "build-matrix: $kernel $flavour ($kver): no warnings (unchanged since it passed)$(sparse_note "$(cut -d' ' -f2- "$stamp")")"
		return
	fi
	rm -rf "$root$src" "$stamp"
	mkdir -p "$root$src"
	source_files | (cd "$top" && tar -c --null -T -) | tar -x -C "$root$src"
	start=$SECONDS
	if ! in_chroot "$root" "${cmd[@]}" >"$root$src.log" 2>&1; then
		grep -E "warning:|error:" "$root$src.log" ||
			tail -n 30 "$root$src.log"
		log "$kernel $flavour ($kver): build failed; the log is $root$src.log"
		status=1
		return 1
	fi
	if grep -v -e "$note" "$root$src.log" |
	   grep -E "warning:|error:|is not available or not up to date"; then
		log "$kernel $flavour ($kver): warnings above; the log is $root$src.log"
		status=1
		return 1
	fi
	if [ "$sparse" = yes ] && ! grep -q '^  CHECK ' "$root$src.log"; then
		log "$kernel $flavour ($kver): sparse did not run; the log is $root$src.log"
		status=1
		return 1
	fi
	echo "$sum $sparse" >"$stamp"
	echo "build-matrix: $kernel $flavour ($kver): no warnings ($((SECONDS - start)) s)$(sparse_note "$sparse")"
}

refresh=
force=
guest_out=
kernels=()
while [ $# -gt 0 ]; do
	case $1 in
	--refresh) refresh=1 ;;
	--force) force=1 ;;
	--guest-out) guest_out=${2:?--guest-out needs a directory}; shift ;;
	-*) log "usage: build-matrix.sh [--refresh] [--force] [--guest-out DIR] [6.1|6.12|bpo...]"
	    exit 2 ;;
	*) kernels+=("$1") ;;
	esac
	shift
done
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12 bpo)
command -v mmdebstrap >/dev/null || { log "mmdebstrap missing: run 'make deps'"; exit 1; }
[ "$(id -u)" -eq 0 ] || { log "needs root (mmdebstrap, chroot)"; exit 1; }
# One run at a time: two would build in the same chroot directories.
mkdir -p "$chroots"
exec 9>"$chroots/.lock"
flock 9

for kernel in "${kernels[@]}"; do
	root=$(chroot_for "$kernel")
	headers=("$root"/usr/src/linux-headers-*-amd64)
	if [ ${#headers[@]} -ne 2 ]; then
		log "$kernel: expected a generic and a cloud kernel's headers in $root, found: ${headers[*]#"$root"}"
		status=1
		continue
	fi
	for kdir in "${headers[@]}"; do
		build_one "$kernel" "$root" "${kdir#"$root"}" || continue
		case $kdir in
		*-cloud-amd64) ;;
		*) [ -z "$guest_out" ] || guest_files "$kernel" "$root" "${kdir#"$root"}" ;;
		esac
	done
done
exit $status
