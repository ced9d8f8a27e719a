# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of our VFIO against a Debian 6.12 kernel's headers
# (kbuild reads Kbuild), plus the entry points of the test harness.
#
#   make                  build every module (W=1 and C=1 are passed on)
#   make modules-arm64    cross-build them for arm64 into build/arm64/tree
#   make selftests        build the selftest programs into build/selftests
#   make test             build everything, run the selftests in the VM
#   make demo             set up, build and show our VFIO at work in a VM
#   make checkpatch       checkpatch.pl --strict on every C file and header

# The newest installed Debian 6.12 headers, unless KDIR is given.
KDIR ?= $(shell ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -1)
KSRC ?= /var/cache/vfio/linux-source-6.12

# Options only this tree has: the target kernel's .config leaves them unset.
VFIO_OPTIONS := CONFIG_VFIO_NOIOMMU=y

# Our headers must win over the kernel's own <linux/vfio.h>.
VFIO_INCLUDE := -nostdinc -I$(CURDIR)/include -I$(CURDIR)/include/uapi

KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) $(VFIO_OPTIONS) \
	 NOSTDINC_FLAGS="$(VFIO_INCLUDE)"

# arm64: the newest Debian 6.12 arm64 headers that scripts/setup.sh
# extracted (with the amd64 kbuild as host tools), unless ARM64_KDIR is
# given.  Kbuild of 6.12 writes objects next to the sources, so the build
# runs in a tree of symlinks to them (build/arm64/tree) and leaves the
# native objects alone.
ARM64_ROOT ?= /var/cache/vfio/arm64
ARM64_KDIR ?= $(shell ls -d $(ARM64_ROOT)/usr/src/linux-headers-6.12.*+deb12-arm64 2>/dev/null | sort -V | tail -1)
ARM64_TREE := $(CURDIR)/build/arm64/tree
# The device-tree bus drivers and their reset handlers exist for arm64 only.
ARM64_OPTIONS := CONFIG_VFIO_PLATFORM_BASE=m CONFIG_VFIO_PLATFORM=m \
		 CONFIG_VFIO_AMBA=m CONFIG_VFIO_PLATFORM_PL031_RESET=m \
		 CONFIG_VFIO_PLATFORM_PL061_RESET=m
KBUILD_ARM64 = $(MAKE) -C $(ARM64_KDIR) M=$(ARM64_TREE) ARCH=arm64 \
	       CROSS_COMPILE=aarch64-linux-gnu- $(VFIO_OPTIONS) \
	       $(ARM64_OPTIONS) NOSTDINC_FLAGS="$(VFIO_INCLUDE)"

modules:
	@test -d "$(KDIR)" || { echo "no kernel headers: run scripts/setup.sh or set KDIR" >&2; exit 1; }
	$(KBUILD) modules

modules-arm64:
	@test -d "$(ARM64_KDIR)" || { echo "no arm64 kernel headers under $(ARM64_ROOT): run scripts/setup.sh or set ARM64_KDIR" >&2; exit 1; }
	scripts/shadow-tree.sh $(CURDIR) $(ARM64_TREE)
	$(KBUILD_ARM64) modules

selftests:
	$(MAKE) -C tools/testing/selftests/vfio OUTPUT=$(CURDIR)/build/selftests

# Install what building and testing need (root; a no-op once done).
setup:
	scripts/setup.sh

test:
	scripts/vm/test.sh

demo:
	scripts/demo.sh

checkpatch:
	git ls-files '*.c' '*.h' | grep -v '^tools/testing/selftests/vfio/abi/' | \
		xargs $(KSRC)/scripts/checkpatch.pl --strict --no-tree --terse -f

clean:
	$(KBUILD) clean
	rm -rf build

.PHONY: modules modules-arm64 selftests setup test demo checkpatch clean
