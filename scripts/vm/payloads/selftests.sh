#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload: load the VFIO modules this run is about ($VFIO_VM_MODULES: "ours"
# or "debian"), prove they are the ones running, then run every selftest
# program packed into /tests.  /init adds the kernel log check and the
# verdict.

. /lib/vfio-vm/lib.sh

if ! vm_load_modules "$VFIO_VM_MODULES"; then
	echo "Bail out! the $VFIO_VM_MODULES VFIO modules did not load"
	exit 0
fi
vm_check_modules "$VFIO_VM_MODULES"
vm_run_tests /tests
