# SPDX-License-Identifier: GPL-2.0
#
# xevtchn: build the module out of tree, check it, and run it on the Xen
# test host. "make help" lists the targets.

# The kernel to build for: the one Debian's linux-headers-amd64 names, else
# the running kernel, unless KDIR or KVER say otherwise. The test host boots
# the same kernel version (make check and make demo install the package).
KVER ?= $(or $(shell dpkg-query -W -f='$${Depends}' linux-headers-amd64 2>/dev/null | \
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'),$(shell uname -r))
KDIR ?= $(firstword $(wildcard /usr/src/linux-headers-$(KVER) \
		/lib/modules/$(KVER)/build) /usr/src/linux-headers-$(KVER))

TESTING   := $(CURDIR)/tools/testing
TESTMODS  := $(TESTING)/modules
# The test build of xevtchn.ko: the same sources plus testing.c (Kbuild).
TESTBUILD := $(TESTING)/build
BENCHDIR  := $(TESTING)/bench
HOST      := $(TESTING)/host
# make runs a recipe line as a sub-make (sharing its jobserver, for -j) only
# when $(MAKE) is written out in it: the lines that use these say "+".
KMAKE      = $(MAKE) -C $(KDIR) M=$(CURDIR)
KMAKE_TESTBUILD = $(MAKE) -C $(KDIR) M=$(TESTBUILD) CONFIG_XEVTCHN_TESTING=y
KMAKE_TEST = $(MAKE) -C $(KDIR) M=$(TESTMODS) \
	     KBUILD_EXTRA_SYMBOLS=$(TESTBUILD)/Module.symvers
KMAKE_BENCH = $(MAKE) -C $(KDIR) M=$(BENCHDIR) \
	     KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers
# Where make bench puts its report (and the consoles of its boots); set
# once, so that every use names the same directory.
CACHE     := $(or $(XEVTCHN_CACHE),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/xevtchn-testhost)
ifeq ($(origin BENCH_OUT),undefined)
BENCH_OUT := $(CACHE)/bench/$(shell date +%Y%m%d-%H%M%S)
endif

DOM0_TOOLS := $(TESTING)/dom0/xth-evtchn-peer $(TESTING)/dom0/xth-lsevtchn \
	      $(TESTING)/dom0/xth-hvmparam $(TESTING)/dom0/xth-flood
GUEST_TOOLS := $(TESTING)/guest/xth-evtchn-user

.PHONY: kver all modules testing-build test-modules bench-modules dom0-tools guest-tools deps sparse \
	static-checks runner-tests images check demo bench clean help have-kdir \
	check-debug check-debug-run check-bpo check-bpo-run check-callback check-callback-run \
	check-resume check-resume-run check-more check-more-run \
	clean-modules install soak soak-run \
	build-matrix deb deb-test

all: modules

help:
	@echo "make            build xevtchn.ko against $(KDIR)"
	@echo "make deps       install what is missing (apt-get, Debian packages)"
	@echo "make demo       build, boot the Xen test host, show the module in a guest"
	@echo "make check      static checks + the whole test suite on the test host (CHECK_BOOTS=races: one boot)"
	@echo "make check-debug  the make check boots on a lockdep/KASAN guest kernel (built once, ~30 min)"
	@echo "make check-bpo  make check's 6.12 boot on trixie-backports' newest kernel (7.x)"
	@echo "make check-callback  make check's vector, PIRQ and race boots under upcall=callback"
	@echo "make check-resume  save/restore and local migration, every upcall and ABI (about 18 min)"
	@echo "make check-more  what make check leaves out: two upcall/ABI pairs, the PIRQ suites on 6.1"
	@echo "make soak       the storms until each flow has handled a million events (about an hour)"
	@echo "make bench      xevtchn against the kernel's own event layer, on the test host (about 40 min, the floods included)"
	@echo "make testing-build  the test build of xevtchn.ko (negative controls, injection points)"
	@echo "make install    install xevtchn.ko (updates/), its headers and Module.symvers"
	@echo "make sparse     build with sparse (C=2)"
	@echo "make build-matrix  W=1 and sparse builds against each supported kernel (chroots)"
	@echo "make deb        the Debian package xevtchn-dkms, into dist/"
	@echo "make deb-test   install it into a chroot with two kernels' headers: DKMS builds for both"
	@echo "make clean      remove build products"

kver:
	@echo $(KVER)

have-kdir:
	@test -f "$(KDIR)/Makefile" || { echo "no kernel headers at '$(KDIR)'; run 'make deps' first" >&2; exit 1; }

modules: have-kdir
	+$(KMAKE) modules

# The sources, linked into a directory of their own: kbuild builds in the
# source directory, and the two builds must not share object files.
testing-build: have-kdir
	@mkdir -p $(TESTBUILD)
	@find $(TESTBUILD) -maxdepth 1 -type l -delete
	@ln -s $(addprefix $(CURDIR)/,$(filter-out %.mod.c,$(wildcard *.c)) $(wildcard *.h) Kbuild compat.mk include) $(TESTBUILD)/
	+$(KMAKE_TESTBUILD) modules

# The test modules run against the test build (they use its hooks).
test-modules: modules testing-build
	+$(KMAKE_TEST) modules

bench-modules: modules
	+$(KMAKE_BENCH) modules

# Tools that run in the test host's dom0, against Debian's libxen-dev.
dom0-tools: $(DOM0_TOOLS)

$(TESTING)/dom0/%: $(TESTING)/dom0/%.c
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< -lxenevtchn -lxenctrl

# Tools that run in the test guest, against Debian's libxen-dev, linked
# dynamically: the guest runs Debian's own libxenevtchn, which
# build-images.sh puts into every guest's initramfs.
guest-tools: $(GUEST_TOOLS)

$(TESTING)/guest/%: $(TESTING)/guest/%.c
	$(CC) -O2 -Wall -Wextra -Werror -o $@ $< -lxenevtchn

sparse: have-kdir
	+$(KMAKE) C=2 modules

# The kernel's headers by name only where KVER was given (make KVER=...):
# by default KVER is linux-headers-amd64's, which deps.sh installs, and
# before that it is the running kernel's, which need not be Debian's (a
# fresh machine of the kind CI runs on has none to install).
deps:
	@$(TESTING)/deps.sh $(if $(filter command line environment,$(origin KVER)),$(KVER))

# Warnings fail: W=1 and sparse over a clean build, then checkpatch --strict.
static-checks: have-kdir
	$(TESTING)/static-checks.sh "$(KDIR)" "$(KVER)"

# Every module built against each supported kernel's headers (Debian 12's
# 6.1, Debian 13's 6.12, trixie-backports' newest), generic and cloud, in
# chroots of their own suites (cached); any warning fails.
# 6.12 also becomes a guest kernel of the test host (its vmlinuz and the
# modules built for it, in GUEST_KERNELS/6.12), for make check's boot of
# Debian 13's kernel; the others' images are fetched only by the targets
# that boot them (make check-bpo).
GUEST_KERNELS := $(CACHE)/guest-kernels
build-matrix:
	@status=0; \
	$(TESTING)/build-matrix.sh 6.1 || status=1; \
	$(TESTING)/build-matrix.sh --guest-out $(GUEST_KERNELS) 6.12 || status=1; \
	$(TESTING)/build-matrix.sh bpo || status=1; \
	exit $$status

# The package, installed into a bookworm chroot with two kernels' headers:
# DKMS builds and installs xevtchn.ko for both, and removes them with it.
# Makes the package itself (make deb) when its sources changed.
deb-test:
	$(TESTING)/deb-test.sh

runner-tests:
	python3 -m unittest discover -s $(HOST) -p 'test_*.py'
	python3 -m unittest discover -s $(BENCHDIR) -p 'test_*.py'

images: have-kdir
	@KVER=$(KVER) $(HOST)/build-images.sh >/dev/null

# The user-facing commands do their own set-up first, in a sub-make so that
# KVER is derived after the headers are installed.
check demo bench check-debug check-bpo check-callback check-resume check-more soak: deps
	@$(MAKE) --no-print-directory $@-run

CHECK_FILES := --guest-file $(TESTING)/payloads/check/common.sh \
	       --guest-file $(TESTING)/payloads/flood.sh \
	       $(addprefix --guest-file ,$(GUEST_TOOLS)) \
	       $(addprefix --dom0-file ,$(DOM0_TOOLS))

# make check's own builds (the test build and modules after the static
# checks' W=1 ones) go through ccache, which make deps installs, as
# Debian's headers offer it (DEBIAN_KERNEL_USE_CCACHE, their
# .kernelvariables); its cache is the static checks' (static-checks.sh).
check-run: export DEBIAN_KERNEL_USE_CCACHE := 1
check-run: export CCACHE_DIR := $(CACHE)/ccache

# Three boots on the kernel the module is built for (two guests in the
# first), then one on Debian 13's (the payload's "kernel" file names it;
# build-matrix made it). Each upcall and each ABI runs every event layer
# suite, the PIRQ suites run on 6.12; make check-more runs what is left out.
# CHECK_BOOTS= picks some of them, for a quicker turn while working on one
# part (make check CHECK_BOOTS=races: about 11 minutes cached); the
# judgement of a change is the whole make check.
CHECK_BOOTS ?= intx-vector races resume kernel-6.12
check-run: static-checks build-matrix deb-test runner-tests test-modules dom0-tools guest-tools
	$(HOST)/xth run --kver $(KVER) $(CHECK_FILES) \
		--kernel 6.12=$(GUEST_KERNELS)/6.12 \
		$(addprefix --payload $(TESTING)/payloads/check/,$(CHECK_BOOTS))

# What make check leaves out to stay under half an hour with everything
# cached, in one boot of two guests (check/more) on the kernel the module
# is built for: every event layer suite under the two pairs of upcall and
# ABI it does not run (INTx in FIFO, the per-vCPU vector in 2-level:
# check/pairs), then the PIRQ guest (check/pirq), which make check runs on
# 6.12 only.
check-more-run: test-modules dom0-tools guest-tools
	$(HOST)/xth run --kver $(KVER) $(CHECK_FILES) \
		--payload $(TESTING)/payloads/check/more

# make check's sixth boot on the newest kernel of trixie-backports (7.x,
# where attach= takes the MSI-parent path): outside make check, which must
# stay under an hour on a fresh machine.
check-bpo-run: dom0-tools guest-tools
	$(TESTING)/build-matrix.sh --guest-out $(GUEST_KERNELS) bpo
	$(HOST)/xth run --kver $(KVER) $(CHECK_FILES) \
		--kernel bpo=$(GUEST_KERNELS)/bpo --payload $(TESTING)/payloads/check/kernel-7

# The boots of make check that use per-vCPU vectors (vector, pirq, races)
# again under Xen's callback vector (upcall=callback: check/callback,
# callback-pirq, callback-races), each suite as there. make check itself
# runs the callback upcall once, in FIFO, in its intx guest. Not part of make
# check, which must stay under an hour on a fresh machine.
check-callback-run: test-modules dom0-tools guest-tools
	$(HOST)/xth run --kver $(KVER) $(CHECK_FILES) \
		$(addprefix --payload $(TESTING)/payloads/check/,callback callback-pirq callback-races)

# Save, restore and live migration within the host, with traffic, under
# every upcall with every ABI, then ten saves and restores in a row
# (check/resume-all). make check's resume boot runs each upcall and each
# ABI once.
check-resume-run: test-modules dom0-tools guest-tools
	$(HOST)/xth run --kver $(KVER) $(CHECK_FILES) --guest-timeout 3600 \
		--payload $(TESTING)/payloads/check/resume-all

# The same four boots with a debug guest kernel (lockdep, KASAN, no
# CONFIG_XEN; built once, about 30 minutes): the modules are built against
# it, then the runner boots it as the guest's kernel; the race tests first
# (DEBUG_BOOTS= picks the boots).
# Not part of make check, which must stay under an hour on a fresh machine.
DEBUG_BOOTS ?= races vector intx pirq
check-debug-run: dom0-tools guest-tools
	@dkdir=$$($(HOST)/build-debug-kernel.sh) && \
	$(MAKE) --no-print-directory KDIR=$$dkdir test-modules && \
	$(HOST)/xth run --kver $(KVER) --guest-kernel $$dkdir/arch/x86/boot/bzImage \
		--guest-memory 1024 --guest-boot-timeout 1800 --guest-timeout 3600 \
		$(CHECK_FILES) \
		$(addprefix --payload $(TESTING)/payloads/check/,$(DEBUG_BOOTS)); \
	status=$$?; $(MAKE) --no-print-directory -s clean-modules; exit $$status

# Outside make check: the migration storms until each flow (dynamic ports,
# IPIs) has handled SOAK_EVENTS events with none lost or doubled (2-level;
# then the dynamic ports again under FIFO), then the negative controls.
# Prints how long it took.
SOAK_EVENTS ?= 1000000
soak-run: test-modules dom0-tools guest-tools
	@start=$$(date +%s); \
	$(HOST)/xth run --kver $(KVER) $(CHECK_FILES) --guest-timeout 12000 \
		--guest-cmdline "xth.soak_events=$(SOAK_EVENTS)" \
		--payload $(TESTING)/payloads/soak; \
	status=$$?; \
	echo "make soak: $(SOAK_EVENTS) events per flow, $$((($$(date +%s) - start) / 60)) min"; \
	exit $$status

# Built against another kernel (check-debug): rebuild for KDIR next time.
clean-modules:
	-test -f "$(KDIR)/Makefile" && $(KMAKE_TEST) clean
	-test -f "$(KDIR)/Makefile" && test -d $(TESTBUILD) && $(KMAKE_TESTBUILD) clean
	-test -f "$(KDIR)/Makefile" && $(KMAKE) clean

demo-run: test-modules dom0-tools
	$(HOST)/xth run --kver $(KVER) --payload $(TESTING)/payloads/demo --echo \
		$(addprefix --dom0-file ,$(DOM0_TOOLS))

# BENCH_BOOTS boots of the test host, each running four guests one after
# another, xevtchn's (A) and the kernel's own layer's (B): A B B A, then
# B A A B, and so on; the same benchmark module in each
# (tools/testing/bench), then its report over every boot (also from the
# guests of a boot that failed). About 11 to 15.5 minutes a boot, and 2.5
# to 3 more for each guest the emulator loses (README, "Performance").
# BENCH_CLOCK=tsc|ktime overrides the benchmark's choice of clock.
# BENCH_UPCALL=callback (or vector, intx) loads xevtchn with that upcall=
# in its guests (A); the report's notes say which ("# upcall=...").
# After its benchmark, each guest takes dom0's flood (the flood test of
# make check, built against each layer) for BENCH_FLOOD_SECONDS, plain
# then lateeoi: about 45 s a guest; BENCH_FLOOD_SECONDS=0 leaves it out.
BENCH_BOOTS ?= 3
BENCH_FLOOD_SECONDS ?= 12
BENCH_KOS = xevtchn_bench_ours.ko xevtchn_bench_mainline.ko \
	    xevtchn_flood_ours.ko xevtchn_flood_mainline.ko
BENCH_ORDERS = $(foreach n,$(shell seq 1 $(BENCH_BOOTS)),\
	$(if $(filter 0,$(shell echo $$(($(n) % 2)))),baab,abba))
bench-run: bench-modules dom0-tools
	$(HOST)/xth run --kver $(KVER) --logdir $(BENCH_OUT) \
		$(addprefix --payload $(TESTING)/payloads/bench/,$(BENCH_ORDERS)) \
		--guest-cmdline "$(strip $(if $(BENCH_CLOCK),xth.bench_clock=$(BENCH_CLOCK)) \
			$(if $(BENCH_UPCALL),xth.upcall=$(BENCH_UPCALL)) \
			xth.flood_seconds=$(BENCH_FLOOD_SECONDS))" \
		--guest-file $(TESTING)/payloads/bench/common.sh \
		--guest-file $(TESTING)/payloads/flood.sh \
		$(addprefix --ko $(BENCHDIR)/,$(BENCH_KOS)) \
		$(addprefix --dom0-file ,$(DOM0_TOOLS)); \
	status=$$?; \
	$(BENCHDIR)/bench.py --out $(BENCH_OUT) $(BENCH_OUT)/*.log || status=1; \
	exit $$status

# Install for KDIR's kernel: the module into /lib/modules/<it>/updates (then
# depmod), and what a driver built on xevtchn needs into /usr/src/xevtchn:
# the headers (include/xevtchn) and, per kernel, the Module.symvers that
# gives it xevtchn's symbols (KBUILD_EXTRA_SYMBOLS). DESTDIR stages it.
XEVTCHN_SRC := $(DESTDIR)/usr/src/xevtchn
# KDIR's kernel, as its modules directory and its vermagic name it: KVER
# names another one when only KDIR was given.
KDIR_RELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
		 $(KDIR)/include/generated/utsrelease.h)
# The distribution's signing key is not ours: no signing at install (with
# Secure Boot, let DKMS sign with its MOK key); headers packages carry no
# System.map, so kbuild skips depmod and we run it.
install: modules
	$(KMAKE) INSTALL_MOD_DIR=updates CONFIG_MODULE_SIG_ALL= \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KDIR_RELEASE)
	install -d $(XEVTCHN_SRC)/include/xevtchn $(XEVTCHN_SRC)/$(KDIR_RELEASE)
	install -m 644 $(addprefix include/xevtchn/,events.h hypercall.h hypervisor.h xenstore.h) \
		$(XEVTCHN_SRC)/include/xevtchn/
	install -m 644 Module.symvers $(XEVTCHN_SRC)/$(KDIR_RELEASE)/Module.symvers

# The Debian package xevtchn-dkms (debian/): DKMS's sources of the module,
# built from a copy of the files git knows (not the build products) in
# dist/, where the .deb lands, with its .buildinfo and .changes. make deps
# installs the build dependencies.
DIST := $(CURDIR)/dist
deb:
	rm -rf $(DIST)
	mkdir -p $(DIST)/xevtchn
	git ls-files -z --cached --others --exclude-standard | \
		tar -c --null --ignore-failed-read -T - | tar -x -C $(DIST)/xevtchn
	cd $(DIST)/xevtchn && dpkg-buildpackage -b -us -uc
	rm -rf $(DIST)/xevtchn
	@ls $(DIST)/*.deb

clean: clean-modules
	-test -f "$(KDIR)/Makefile" && $(KMAKE_BENCH) clean
	rm -rf $(TESTBUILD) $(DIST)
	rm -f $(DOM0_TOOLS) $(GUEST_TOOLS)
