#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Payload for `make demo`: load the VFIO modules, hand the test devices to
# vfio-pci the way a user would, list them with lsvfio, drive the NVMe
# controller from userspace with vfio-nvme, and check lsvfio's JSON
# against the VFIO ioctls.  The programs come from /demo; a missing one is
# left out.

. /lib/vfio-vm/lib.sh

echo "# demo: loading the $VFIO_VM_MODULES VFIO modules"
vm_load_modules "$VFIO_VM_MODULES" || exit 1
vm_check_modules "$VFIO_VM_MODULES"

echo "# demo: loaded modules:"
tap_diag /proc/modules

# bind_vfio BDF: name vfio-pci in the device's driver_override, then ask
# the PCI core to probe it again; a bound driver lets go of it first.
bind_vfio()
{
	bind_dev=/sys/bus/pci/devices/$1

	if [ -e "$bind_dev/driver" ]; then
		echo "$1" >"$bind_dev/driver/unbind"
	fi
	echo vfio-pci >"$bind_dev/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	bind_driver=$(readlink "$bind_dev/driver")
	[ "${bind_driver##*/}" = vfio-pci ]
}

echo "# demo: binding edu, e1000e and nvme to vfio-pci"
for bdf in "$VFIO_TEST_EDU" "$VFIO_TEST_E1000E" "$VFIO_TEST_NVME"; do
	if bind_vfio "$bdf"; then
		tap_ok "bind $bdf to vfio-pci"
	else
		tap_not_ok "bind $bdf to vfio-pci (is vfio-pci loaded?)"
	fi
done
echo "# demo: /dev/vfio:"
ls -l /dev/vfio | tap_diag

if [ -x /demo/lsvfio ]; then
	echo "# demo: lsvfio: IOMMU groups, devices, and what VFIO offers for them"
	if /demo/lsvfio; then
		tap_ok "lsvfio"
	else
		tap_not_ok "lsvfio exited with status $?"
	fi
fi

if [ -x /demo/vfio-nvme ]; then
	# A few huge pages let vfio-nvme pin its DMA memory as 2 MiB pages.
	echo 8 >/proc/sys/vm/nr_hugepages
	echo "# demo: vfio-nvme $VFIO_TEST_NVME: a userspace NVMe driver"
	if /demo/vfio-nvme "$VFIO_TEST_NVME"; then
		tap_ok "vfio-nvme"
	else
		tap_not_ok "vfio-nvme exited with status $?"
	fi
fi

if [ -x /demo/vfio_lsvfio_test ]; then
	echo "# demo: does lsvfio --json say what the VFIO ioctls say?"
	vm_run_test /demo/vfio_lsvfio_test
fi
