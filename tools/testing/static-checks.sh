#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The static checks of "make check": a clean build of the module, the test
# modules and the benchmark modules with W=1 and sparse (C=1 on a clean
# tree checks every file), then checkpatch.pl --strict (from Debian's
# linux-source) on every C file and header. Any compiler or sparse warning, or any checkpatch complaint,
# fails. Also: the module users load carries no test code, and its version
# is the same in main.c, dkms.conf, debian/changelog and the README.
# Usage: static-checks.sh KDIR KVER
set -euo pipefail

kdir=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XEVTCHN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xevtchn-testhost}
# Our own -j for each build, as build-matrix.sh does: not make's jobserver,
# whose absence under a plain "make" would not matter but whose presence
# under -j makes a sub-make warn, which counts as a warning here.
unset MAKEFLAGS MFLAGS MAKELEVEL
jobs=-j$(nproc)
# Through ccache, as Debian's headers offer it (their .kernelvariables),
# its cache beside the test host's: the clean build below then compiles
# only what changed since the last one, sparse still checks every file
# (C=1 after the clean), and ccache replays the compiler's warnings.
ccache=
if command -v ccache >/dev/null; then
	ccache=DEBIAN_KERNEL_USE_CCACHE=1
	export CCACHE_DIR=$cache/ccache
fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
status=0

# $1: what; the rest: the make command. Fails on any warning in its output.
warning_free() {
	local what=$1
	shift
	if ! "$@" >"$logs/out" 2>&1; then
		cat "$logs/out"
		echo "static-checks: $what: build failed" >&2
		status=1
		return
	fi
	if grep -E "warning:|error:" "$logs/out"; then
		echo "static-checks: $what: warnings above" >&2
		status=1
	else
		echo "static-checks: $what: no warnings"
	fi
}

make -s -C "$kdir" M="$top" clean >/dev/null 2>&1 || true
make -s -C "$top" testing-build >/dev/null 2>&1 || true	# its links
make -s -C "$kdir" M="$top/tools/testing/build" clean >/dev/null 2>&1 || true
make -s -C "$kdir" M="$top/tools/testing/modules" clean >/dev/null 2>&1 || true
make -s -C "$kdir" M="$top/tools/testing/bench" clean >/dev/null 2>&1 || true
warning_free "W=1 + sparse, xevtchn.ko" \
	make $jobs $ccache -C "$kdir" M="$top" W=1 C=1 modules
warning_free "W=1 + sparse, xevtchn.ko's test build" \
	make $jobs $ccache -C "$kdir" M="$top/tools/testing/build" W=1 C=1 \
	CONFIG_XEVTCHN_TESTING=y modules
warning_free "W=1 + sparse, test modules" \
	make $jobs $ccache -C "$kdir" M="$top/tools/testing/modules" W=1 C=1 \
	KBUILD_EXTRA_SYMBOLS="$top/tools/testing/build/Module.symvers" modules
warning_free "W=1 + sparse, benchmark modules" \
	make $jobs $ccache -C "$kdir" M="$top/tools/testing/bench" W=1 C=1 \
	KBUILD_EXTRA_SYMBOLS="$top/Module.symvers" modules

# checkpatch.pl and the data files it reads, from Debian's linux-source.
cp_dir=$cache/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$cp_dir" \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
# Justified exceptions to checkpatch --strict, as "FILE TYPE[,TYPE]":
#
# - ENOSYS: it is Xen's answer, not ours. Xen returns -ENOSYS for an
#   unknown hypercall (the self-test checks that) and for
#   EVTCHNOP_set_priority under the 2-level ABI (port_ops.c says so in its
#   message; the FIFO test checks it). Nothing here returns it on its own.
exceptions=(
	"tools/testing/modules/xevtchn_selftest.c ENOSYS"
	"tools/testing/modules/xevtchn_fifo_test.c ENOSYS"
	"port_ops.c ENOSYS"
)

ignored_types() {
	local e
	for e in "${exceptions[@]}"; do
		if [ "${e%% *}" = "$1" ]; then
			echo "${e#* }"
		fi
	done
}

# The module users load carries no test code: no test parameter, no
# export of the test build's namespace.
if modinfo -F parm "$top/xevtchn.ko" | grep -q '^test_' ||
   modinfo -F import_ns "$top/xevtchn.ko" | grep -q . ||
   grep -q XEVTCHN_TESTING "$top/Module.symvers"; then
	echo "static-checks: xevtchn.ko carries test code (a test_ parameter or the XEVTCHN_TESTING exports)" >&2
	status=1
else
	echo "static-checks: xevtchn.ko carries no test parameter or test export"
fi

# One version everywhere: main.c's MODULE_VERSION (what modinfo shows),
# dkms.conf's PACKAGE_VERSION (where DKMS and the package put the sources),
# debian/changelog's (the package's; its upstream part) and the README's
# commands that name it.
version=$(sed -n 's/^MODULE_VERSION("\(.*\)");$/\1/p' "$top/main.c")
dkms_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
deb_version=$(sed -n '1s/^xevtchn (\([^)]*\)).*/\1/p' "$top/debian/changelog")
deb_version=${deb_version#*:}
readme_versions=$(grep -oE 'xevtchn(-dkms)?[-/_][0-9]+(\.[0-9]+)+' "$top/README.md" |
		  sed -E 's/^xevtchn(-dkms)?[-/_]//' | sort -u | tr '\n' ' ')
if [ -n "$version" ] && [ "$dkms_version" = "$version" ] &&
   [ "${deb_version%-*}" = "$version" ] &&
   { [ -z "$readme_versions" ] || [ "${readme_versions% }" = "$version" ]; }; then
	echo "static-checks: version $version in main.c, dkms.conf, debian/changelog and README.md"
else
	echo "static-checks: versions differ: main.c '$version', dkms.conf '$dkms_version', debian/changelog '$deb_version', README.md '${readme_versions% }'" >&2
	status=1
fi

# One checkpatch per file, as many at once as there are CPUs; its
# complaints on stderr, and a line on stdout for each file with any.
mapfile -t sources < <(cd "$top" && git ls-files -- '*.c' '*.h')
complaints=$(cd "$top" &&
	for f in "${sources[@]}"; do
		printf '%s\t%s\n' "$f" "$(ignored_types "$f")"
	done | xargs -d '\n' -n 1 -P "$(nproc)" sh -c '
		f=${1%%	*}
		ignore=${1#*	}
		"$0" --no-tree --strict --quiet --show-types \
			${ignore:+--ignore "$ignore"} -f "$f" >&2 || echo "$f"
	' "$cp_dir/scripts/checkpatch.pl" | wc -l)
if [ $complaints -eq 0 ]; then
	echo "static-checks: checkpatch --strict: clean (${#sources[@]} files)"
else
	echo "static-checks: checkpatch --strict: $complaints file(s) with complaints above" >&2
	status=1
fi
exit $status
