# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034,SC2054
# (the variables are for the scripts that source this; commas in QEMU
# arguments are not array separators)
#
# Host-side helpers shared by the VM scripts; sourced, never run.
#
# Everything that differs between architectures lives in vm_arch() below, so
# that bringing up another architecture means adding one case there and
# nothing else.

VM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VM_BUILD=${VM_BUILD:-$VM_TOP/build}

msg()
{
	printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die()
{
	msg "error: $*"
	exit 1
}

# The newest Debian 6.12 kernel release of a flavour under a root directory,
# chosen from the installed headers: that is what the modules are built
# against, so it is also what must boot.  VM_KVER overrides the choice.
vm_kernel_release()
{
	local flavour=$1 root=$2 hdr

	if [ -n "${VM_KVER:-}" ]; then
		echo "$VM_KVER"
		return
	fi
	hdr=$(ls -d "$root"/usr/src/linux-headers-6.12.*+deb12-"$flavour" 2>/dev/null |
	      sort -V | tail -1)
	[ -n "$hdr" ] || die "no linux-headers-6.12.*+deb12-$flavour under $root (run scripts/setup.sh)"
	echo "${hdr##*/linux-headers-}"
}

# vm_arch ARCH: set the variables that describe how to boot one architecture.
#   QEMU            emulator binary
#   QEMU_MACHINE    machine, accelerator and CPU arguments (array)
#   QEMU_PLATFORM   IOMMU and verdict devices the harness relies on (array)
#   VM_CONSOLE      the guest's serial console device
#   VM_CMDLINE      arch-specific kernel arguments
#   VM_EXIT_PORT    I/O port of isa-debug-exit (decimal), empty if none
#   VM_SYSROOT      where /boot, /lib/modules and busybox of the guest live
#   VM_KVER         kernel release; VM_KERNEL the image to boot
#   VM_MODULE_TREE  the module tree whose modules.order lists our modules
#   VM_TESTS        the selftest programs built for this architecture
# VM_MACHINE, if set, replaces QEMU_MACHINE (a string split on blanks).
vm_arch()
{
	local flavour

	case "$1" in
	x86_64|amd64)
		VM_ARCH=x86_64
		flavour=amd64
		QEMU=qemu-system-x86_64
		# q35 gives a PCIe root bus and works with the emulated VT-d;
		# KVM is unusable on these hosts, so always TCG.
		QEMU_MACHINE=(-accel tcg,thread=multi -cpu max
			      -M q35,kernel-irqchip=split)
		# intremap=on lets type1 attach without unsafe interrupts.
		QEMU_PLATFORM=(-device intel-iommu,intremap=on,caching-mode=on
			       -device isa-debug-exit,iobase=0xf4,iosize=0x04)
		VM_CONSOLE=ttyS0
		# Debian leaves INTEL_IOMMU_DEFAULT_ON unset; no iommu=pt, the
		# tests need DMA translated by the IOMMU.
		VM_CMDLINE="intel_iommu=on"
		VM_EXIT_PORT=244
		VM_SYSROOT=${VM_SYSROOT:-}
		VM_MODULE_TREE=$VM_TOP
		VM_TESTS=$VM_BUILD/selftests
		;;
	arm64|aarch64)
		VM_ARCH=arm64
		flavour=arm64
		QEMU=qemu-system-aarch64
		# SMMUv3 gives the PCI devices IOMMU groups; GICv3 provides the
		# MSI isolation type1 insists on.  The platform and AMBA devices
		# sit behind no IOMMU: tests use them in no-IOMMU mode.
		QEMU_MACHINE=(-accel tcg,thread=multi -cpu max
			      -M virt,iommu=smmuv3,gic-version=3)
		QEMU_PLATFORM=()
		VM_CONSOLE=ttyAMA0
		# pl061_gpio must not bind at boot: once it has, its interrupt
		# cannot be handed to userspace (gpiolib keeps a chained
		# handler on it).
		VM_CMDLINE="initcall_blacklist=pl061_gpio_driver_init"
		VM_EXIT_PORT=""
		# The arm64 kernel, its headers and busybox, extracted from the
		# arm64 .debs by scripts/setup.sh.
		VM_SYSROOT=${VM_SYSROOT:-${ARM64_ROOT:-/var/cache/vfio/arm64}}
		# Cross-built by `make modules-arm64` and
		# `make -C tools/testing/selftests/vfio CROSS_COMPILE=...`.
		VM_MODULE_TREE=$VM_BUILD/arm64/tree
		VM_TESTS=$VM_BUILD/arm64/selftests
		;;
	*)
		die "unknown architecture '$1' (known: x86_64, arm64)"
		;;
	esac
	if [ -n "${VM_MACHINE:-}" ]; then
		# shellcheck disable=SC2206 # split on blanks on purpose
		QEMU_MACHINE=($VM_MACHINE)
	fi
	VM_KVER=$(vm_kernel_release "$flavour" "$VM_SYSROOT")
	VM_KERNEL=$VM_SYSROOT/boot/vmlinuz-$VM_KVER
	[ -r "$VM_KERNEL" ] || die "kernel image $VM_KERNEL missing (run scripts/setup.sh)"
	[ -d "$VM_SYSROOT/lib/modules/$VM_KVER" ] || die "$VM_SYSROOT/lib/modules/$VM_KVER missing"
}

# The PCI devices every test VM gets, the same on each architecture, at fixed
# addresses so that tests can name them.  One line per device:
#   NAME  BDF  QEMU -device argument (without addr=)
# NAME becomes VFIO_TEST_<NAME>=<BDF> in the guest's environment; run.sh
# creates the backends named here (drives nvme0 and nvme1, netdev net0).
#
# Slot 8 holds a two-function device whose functions share an IOMMU group,
# as the group viability tests need.  Linux puts functions together when
# they lack ACS and both carry the multifunction bit, hence multifunction=on
# on each.  An Intel device cannot be one of them: Linux treats Intel
# root-complex integrated endpoints as isolated.
vm_devices()
{
	cat <<'DEVICES'
EDU        0000:00:04.0  edu
E1000E     0000:00:05.0  e1000e,netdev=net0
NVME       0000:00:06.0  nvme,serial=deadbeef,drive=nvme0
SHARED_A   0000:00:08.0  edu,multifunction=on
SHARED_B   0000:00:08.1  nvme,serial=feedface,drive=nvme1,multifunction=on
DEVICES
}
