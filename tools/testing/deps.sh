#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's packages, whatever the build, the static checks and
# the Xen test host need and this machine lacks. Quiet and quick when all is
# there. Usage: deps.sh KVER
set -euo pipefail

kver=${1:-}
packages=(
	make gcc libc6-dev bc flex bison libelf-dev	# module build
	ccache						# the static checks' builds
	libssl-dev					# the debug guest kernel
	linux-headers-amd64				# the target kernel's headers
	sparse linux-source-6.1 xz-utils perl		# sparse, checkpatch.pl
	python3						# the test runner
	qemu-system-x86 seabios				# the test host's machine
	mmdebstrap cpio busybox-static kmod		# its root file systems (depmod)
	binutils					# readelf, strip: the guest's files
	syslinux mtools dosfstools			# the guest's boot disk
	git						# the build matrix's list of sources
	libxen-dev pkg-config				# dom0 and guest test tools
	gnuplot-nox					# make bench: the latency plot
	dpkg-dev debhelper dh-dkms			# make deb
	build-essential					# dpkg-buildpackage's check
)
# The kernel the module is built for must be fetchable for dom0 and the guest.
[ -n "$kver" ] && packages+=("linux-headers-$kver")

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
