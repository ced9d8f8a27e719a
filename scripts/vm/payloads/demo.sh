#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload for `make demo`: load our VFIO modules, show what a user of VFIO
# would see, then run the demo programs packed into /demo, if any.

. /lib/vfio-vm/lib.sh

echo "# demo: loading the $VFIO_VM_MODULES VFIO modules"
vm_load_modules "$VFIO_VM_MODULES" || exit 1
vm_check_modules "$VFIO_VM_MODULES"

echo "# demo: loaded modules:"
tap_diag /proc/modules
echo "# demo: /dev/vfio:"
ls -l /dev/vfio | tap_diag
echo "# demo: IOMMU groups and their devices:"
for group in /sys/kernel/iommu_groups/*; do
	echo "# group ${group##*/}: $(ls "$group/devices" | tr '\n' ' ')"
done

found=""
for prog in /demo/*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	found=1
	echo "# demo: running ${prog##*/}"
	if "$prog"; then
		tap_ok "demo ${prog##*/}"
	else
		tap_not_ok "demo ${prog##*/} exited with status $?"
	fi
done
[ -n "$found" ] || echo "# demo: no demo program built yet"
