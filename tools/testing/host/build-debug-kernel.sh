#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, or reuse from the cache, the test host's debug guest kernel:
# Debian's linux-source-6.1, x86_64_defconfig plus what the test guest
# needs, with the kernel's checkers on (lockdep, RCU and atomic-sleep checks,
# KASAN, debug objects for RCU heads) and without CONFIG_XEN, so that it
# also shows xevtchn running on a kernel with no Xen support at all.
#
# The built tree stays in the cache: xevtchn and its test modules are built
# against it (KDIR=<printed path>), and the guest boots its
# arch/x86/boot/bzImage. The directory is keyed by linux-source's version and
# by this script. Its path is the only thing printed on standard output.
#
# About 30 minutes on a 2-core machine, once.

set -euo pipefail
# Called from make: the kernel's build must not inherit our make's flags.
unset MAKEFLAGS MFLAGS MAKELEVEL

cache_root=${XEVTCHN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xevtchn-testhost}
tarball=/usr/src/linux-source-6.1.tar.xz

log() { echo "build-debug-kernel: $*" >&2; }

[ -f "$tarball" ] || { log "$tarball missing: run 'make deps'"; exit 1; }
# The script's contents, not its path: make calls it by an absolute one.
key=$( { dpkg-query -W -f='${Version}' linux-source-6.1; sha256sum <"$0"; } |
	sha256sum | cut -c1-16)
out=$cache_root/debug-kernel/$key
if [ -s "$out/arch/x86/boot/bzImage" ] && [ -s "$out/Module.symvers" ]; then
	echo "$out"
	exit 0
fi

log "building the debug guest kernel into $out (about 30 minutes, once)"
rm -rf "$out" "$out.tmp"
mkdir -p "$out.tmp"
tar -xJf "$tarball" -C "$out.tmp" --strip-components=1
cd "$out.tmp"

make -s x86_64_defconfig
cfg=scripts/config
# No Xen support at all: xevtchn is the guest's only Xen code.
$cfg --disable XEN --disable XEN_PVHVM --disable XEN_PVH
# What the test guest uses: SMP with CPU hotplug, PCI with MSI, the serial
# ports, an initramfs, devtmpfs, debugfs, loadable modules.
$cfg --enable SMP --enable HOTPLUG_CPU --enable PCI --enable PCI_MSI \
	--enable X86_IO_APIC --enable SERIAL_8250 --enable SERIAL_8250_CONSOLE \
	--enable BLK_DEV_INITRD --enable DEVTMPFS --enable DEBUG_FS \
	--enable MODULES --enable MODULE_UNLOAD --disable MODULE_SIG \
	--enable IKCONFIG --enable IKCONFIG_PROC
# 100 Hz, not defconfig's 1000: under KASAN and lockdep one timer
# interrupt takes the nested emulator about as long as a 1 ms tick period,
# and the guest spent all of its time in the PIT's interrupt (xenctx showed
# vCPU 0 in handle_irq_event for the IO-APIC line at every sample; the boot
# stopped at a different place each time).
$cfg --disable HZ_1000 --enable HZ_100 --set-val HZ 100
# The checkers.
$cfg --enable DEBUG_KERNEL --enable PROVE_LOCKING --enable DEBUG_ATOMIC_SLEEP \
	--enable PROVE_RCU --enable DEBUG_OBJECTS --enable DEBUG_OBJECTS_RCU_HEAD \
	--enable KASAN --enable KASAN_GENERIC --enable KASAN_OUTLINE \
	--enable DEBUG_LIST --enable GENERIC_IRQ_DEBUGFS --enable SOFTLOCKUP_DETECTOR \
	--enable DETECT_HUNG_TASK
# Faster to build, nothing the tests need.
$cfg --disable DEBUG_INFO --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--enable DEBUG_INFO_NONE --disable DRM --disable SOUND --disable USB_SUPPORT \
	--disable WLAN --disable WIRELESS --disable NETDEVICES --disable INPUT_JOYSTICK
make -s olddefconfig </dev/null
for opt in PROVE_LOCKING KASAN DEBUG_ATOMIC_SLEEP DEBUG_OBJECTS_RCU_HEAD HZ_100; do
	grep -q "^CONFIG_$opt=y" .config || { log "CONFIG_$opt did not stick"; exit 1; }
done
grep -q '^CONFIG_XEN=y' .config && { log "CONFIG_XEN is still on"; exit 1; }

make -s -j"$(nproc)" bzImage modules >/dev/null
cd /
mv "$out.tmp" "$out"
log "debug kernel ready: $(du -sh "$out" | cut -f1)"
echo "$out"
