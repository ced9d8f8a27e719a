# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of our VFIO modules against the newest Debian 6.12
# kernel headers, plus the entry points of the test harness.

ifneq ($(KERNELRELEASE),)

# kbuild part: descend into the module directories.
obj-y += drivers/vfio/

else

KDIR ?= $(shell ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -1)

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) NOSTDINC_FLAGS="-nostdinc -I$(CURDIR)/include -I$(CURDIR)/include/uapi" modules

selftests:
	$(MAKE) -C tools/testing/selftests/vfio OUTPUT=$(CURDIR)/build/selftests

# Install what building and testing need (root; a no-op once done).
setup:
	scripts/setup.sh

# Build everything, boot the test VM, print TAP and a closing count line.
test:
	scripts/vm/test.sh

# Set up, build and show our VFIO at work in a VM.
demo:
	scripts/demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

.PHONY: modules selftests setup test demo clean

endif
