#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: install what is needed, build our VFIO modules, boot a VM and
# show them at work there.  Demo programs come from samples/vfio/ when the
# tree has them (built into build/demo and run in the guest in name order).
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

mkdir -p "$VM_BUILD/demo"
if [ -f "$VM_TOP/samples/vfio/Makefile" ]; then
	msg "step 3/4: building the demo programs"
	timeout 900 make -C "$VM_TOP/samples/vfio" -s -j2 OUTPUT="$VM_BUILD/demo"
else
	msg "step 3/4: no demo programs in this tree yet"
fi

msg "step 4/4: booting the VM (TCG emulation, usually under a minute)"
exec "$VM_TOP/scripts/vm/run.sh" -v --modules "$modules" \
	--payload "$VM_TOP/scripts/vm/payloads/demo.sh" \
	--dir "$VM_BUILD/demo:/demo"
