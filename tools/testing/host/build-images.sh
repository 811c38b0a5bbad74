#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, or reuse from the cache, the images of the Xen test host:
#
#   xen              the Xen 4.17 hypervisor (multiboot ELF for QEMU -kernel)
#   vmlinuz          Debian's kernel whose version matches the module's headers;
#                    dom0 and the HVM guest both boot it (the runner puts
#                    it on the guest's boot disk)
#   dom0-base.cpio.gz  dom0's root file system (Xen toolstack, device model),
#                    used as dom0's initramfs
#   guest-libs.cpio.gz  Debian's libxenevtchn, what it needs and the dynamic
#                    loader, from that root file system, for the guest
#                    programs that use it (tools/testing/guest); the
#                    runner adds it to every guest's initramfs
#
# Everything comes from Debian packages. The images live outside the work tree,
# in a directory keyed by the package versions and by this script, so a new
# package version or a change here builds a fresh set. The directory's path is
# the only thing printed on standard output.
#
# Usage: KVER=6.1.0-NN-amd64 build-images.sh

set -euo pipefail

: "${KVER:?KVER (the kernel ABI, e.g. 6.1.0-56-amd64) must be set}"
cache_root=${XEVTCHN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xevtchn-testhost}
here=$(cd "$(dirname "$0")" && pwd)

xen_pkg=xen-hypervisor-4.17-amd64
dom0_pkgs="xen-utils-4.17,xenstore-utils,qemu-system-xen,kmod,busybox,procps,libxenevtchn1,linux-image-$KVER"

log() { echo "build-images: $*" >&2; }

candidate() {
	local v
	v=$(apt-cache policy "$1" | sed -n 's/^ *Candidate: //p')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		log "package $1 is not available from apt; run 'make deps' (apt-get update) first"
		exit 1
	fi
	echo "$1=$v"
}

key_material() {
	local p
	for p in "$xen_pkg" xen-utils-4.17 qemu-system-xen "linux-image-$KVER"; do
		candidate "$p"
	done
	sha256sum "$0" | cut -d' ' -f1
}

key=$(key_material | sha256sum | cut -c1-16)
out="$cache_root/$key"
if [ -s "$out/dom0-base.cpio.gz" ] && [ -s "$out/xen" ] && [ -s "$out/vmlinuz" ] &&
   [ -s "$out/guest-libs.cpio.gz" ]; then
	echo "$out"
	exit 0
fi

log "building test host images for $KVER into $out (a few minutes, once)"
mkdir -p "$cache_root"
work=$(mktemp -d "$cache_root/tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The hypervisor: a gzip'd multiboot ELF that QEMU loads with -kernel.
(cd "$work" && apt-get download -q "$xen_pkg" >/dev/null)
dpkg -x "$work"/"$xen_pkg"_*.deb "$work/xenpkg"
gunzip -c "$work"/xenpkg/boot/xen-4.17-amd64.gz >"$work/xen"

# dom0's root file system, from the machine's own apt sources.
log "mmdebstrap dom0 root file system"
mmdebstrap --quiet --variant=essential --include="$dom0_pkgs" \
	bookworm "$work/rootfs" >&2
root=$work/rootfs
cp "$root/boot/vmlinuz-$KVER" "$work/vmlinuz"

# The guest's libraries: libxenevtchn, every library it needs (readelf's
# NEEDED, recursively) and the dynamic loader, as Debian installs them in
# /lib/x86_64-linux-gnu (the loader's default path, so no ld.so.cache is
# needed), with /lib64/ld-linux-x86-64.so.2, the programs' interpreter.
# The guest's initramfs is busybox and nothing else: without these, a
# program linked against Debian's libxenevtchn cannot run there.
log "collecting the guest's libraries"
glibs=$work/guest-libs
mkdir -p "$glibs/lib/x86_64-linux-gnu" "$glibs/lib64"
need=(libxenevtchn.so.1 ld-linux-x86-64.so.2)
while [ ${#need[@]} -gt 0 ]; do
	lib=${need[0]}
	need=("${need[@]:1}")
	[ -e "$glibs/lib/x86_64-linux-gnu/$lib" ] && continue
	# /lib is /usr/lib in a merged-/usr root; look in both all the same.
	src=$root/usr/lib/x86_64-linux-gnu/$lib
	[ -e "$src" ] || src=$root/lib/x86_64-linux-gnu/$lib
	if [ ! -e "$src" ]; then
		log "the guest needs $lib, which dom0's root file system lacks"
		exit 1
	fi
	cp -L "$src" "$glibs/lib/x86_64-linux-gnu/$lib"
	mapfile -t more < <(readelf -d "$src" |
		sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
	need+=("${more[@]}")
done
ln -s ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$glibs/lib64/"
(cd "$glibs" && find . -print0 | cpio --null --quiet -o -H newc | gzip -1) \
	>"$work/guest-libs.cpio.gz"

# Trim: dom0 needs only the Xen drivers among the kernel's modules.
moddir=$root/lib/modules/$KVER
find "$moddir/kernel" -name '*.ko' ! -path '*/drivers/xen/*' -delete
find "$moddir/kernel" -type d -empty -delete
depmod -b "$root" "$KVER"
rm -rf "$root/boot" "$root/usr/share/doc" "$root/usr/share/man" \
	"$root/usr/share/locale" "$root/usr/share/info" \
	"$root/var/cache/apt" "$root/var/lib/apt/lists"
mkdir -p "$root/var/lib/apt/lists"

log "packing dom0 initramfs"
(cd "$root" && find . -print0 | cpio --null --quiet -o -H newc | gzip -1) \
	>"$work/dom0-base.cpio.gz"

mkdir -p "$out"
mv "$work/xen" "$work/vmlinuz" "$work/dom0-base.cpio.gz" \
	"$work/guest-libs.cpio.gz" "$out/"
key_material >"$out/versions"
log "images ready: $(du -sh "$out" | cut -f1)"
echo "$out"
