#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: install what is needed, build our VFIO modules, boot a VM and
# show them at work there: the test devices bound to vfio-pci, listed by
# lsvfio (tools/vfio), and the NVMe controller driven from userspace by
# vfio-nvme (samples/vfio).  The programs are built into build/demo; the
# payload (scripts/vm/payloads/demo.sh) runs the ones it finds.
#
# VFIO_MODULES=debian shows Debian's VFIO instead of ours.

set -euo pipefail
. "$(dirname "$0")/vm/lib.sh"

modules=${VFIO_MODULES:-ours}

msg "step 1/4: checking the tools (installs them the first time, a few minutes)"
"$VM_TOP/scripts/setup.sh"

if [ "$modules" = ours ]; then
	msg "step 2/4: building our VFIO modules (about a minute the first time)"
	timeout 900 make -C "$VM_TOP" -s -j2 modules
else
	msg "step 2/4: using Debian's VFIO modules, nothing to build"
fi

# Start empty: the VM gets every program found here.
rm -rf "$VM_BUILD/demo"
mkdir -p "$VM_BUILD/demo"
msg "step 3/4: building the demo programs"
build_demo()
{
	[ -f "$1/Makefile" ] || return 0
	timeout 900 make -C "$1" -s -j2 OUTPUT="$VM_BUILD/demo" "${@:2}"
}
build_demo "$VM_TOP/samples/vfio"
build_demo "$VM_TOP/tools/vfio"
if [ -f "$VM_TOP/tools/testing/selftests/vfio/vfio_lsvfio_test.c" ]; then
	build_demo "$VM_TOP/tools/testing/selftests/vfio" \
		"$VM_BUILD/demo/vfio_lsvfio_test"
fi

msg "step 4/4: booting the VM (TCG emulation, usually under a minute)"
exec "$VM_TOP/scripts/vm/run.sh" -v --modules "$modules" \
	--payload "$VM_TOP/scripts/vm/payloads/demo.sh" \
	--dir "$VM_BUILD/demo:/demo"
