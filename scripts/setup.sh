#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything needed to build our modules and run them in the test
# VM, on Debian 12, as root.  Safe to run again: when everything is present
# it returns at once without touching apt.  --refresh updates the package
# lists and installs a newer 6.12 kernel if Debian has one.
#
# The kernel is the newest linux-image-6.12.*+deb12-amd64 Debian offers,
# with its headers; it is the one the VM boots and the modules build
# against.  linux-source-6.12 is unpacked into $SRC_CACHE for
# kselftest_harness.h, checkpatch.pl, kernel-doc and the in-tree build
# (scripts/intree-build.sh, which also needs flex, bison, bc, libelf-dev
# and libssl-dev); python3-docutils renders Documentation/vfio.rst for
# scripts/check-docs.sh.
#
# For the arm64 VM it adds Debian's arm64 architecture to dpkg, installs
# the cross compiler, QEMU for arm64 and libfdt for arm64, and extracts
# (never installs) the newest linux-image-6.12.*+deb12-arm64 with its
# headers, the common headers, the amd64 linux-kbuild they use as host
# tools, and an arm64 busybox-static into $ARM64_ROOT, which then is the
# arm64 VM's sysroot and the cross-build's kernel tree.

set -euo pipefail

SRC_CACHE=${SRC_CACHE:-/var/cache/vfio}
PACKAGES=(qemu-system-x86 busybox-static cpio gzip xz-utils kmod binutils
	  linux-source-6.12 sparse gcc make libc6-dev perl python3-docutils
	  flex bison bc libelf-dev libssl-dev)
ARM64_ROOT=${ARM64_ROOT:-$SRC_CACHE/arm64}
# libfdt-dev cannot be installed for two architectures at once; only the
# arm64 selftests parse device trees.
ARM64_PACKAGES=(qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross
		device-tree-compiler libfdt-dev:arm64)

msg()
{
	printf 'setup: %s\n' "$*" >&2
}

die()
{
	msg "error: $*"
	exit 1
}

installed()
{
	local pkg

	for pkg in "$@"; do
		[ "$(dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null)" = \
		  "install ok installed" ] || return 1
	done
}

# Releases (6.12.N+deb12-amd64) whose image and headers are both installed.
installed_kernels()
{
	local pkg ver

	dpkg-query -W -f '${Package}\n' 'linux-image-6.12.*+deb12-amd64' 2>/dev/null |
	while read -r pkg; do
		ver=${pkg#linux-image-}
		[[ $ver =~ ^6\.12\.[0-9]+\+deb12-amd64$ ]] || continue
		installed "$pkg" "linux-headers-$ver" && [ -r "/boot/vmlinuz-$ver" ] &&
			echo "$ver"
	done | sort -V
}

# The newest release apt can install with its headers.
newest_available_kernel()
{
	local ver versions

	versions=$(apt-cache pkgnames linux-image-6.12. |
		   sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)$/\1/p' |
		   sort -rV)
	for ver in $versions; do
		if has_candidate "linux-image-$ver" &&
		   has_candidate "linux-headers-$ver"; then
			echo "$ver"
			return
		fi
	done
}

has_candidate()
{
	local policy

	policy=$(apt-cache policy "$1")
	[[ $policy == *"Candidate: "[0-9]* ]]
}

source_ready()
{
	[ -r "$SRC_CACHE/linux-source-6.12/tools/testing/selftests/kselftest_harness.h" ] &&
	[ -r "$SRC_CACHE/linux-source-6.12/scripts/checkpatch.pl" ]
}

# Releases (6.12.N+deb12-arm64) completely extracted under $ARM64_ROOT.
arm64_kernels()
{
	local stamp

	for stamp in "$ARM64_ROOT"/.ready-6.12.*+deb12-arm64; do
		[ -e "$stamp" ] && echo "${stamp##*/.ready-}"
	done | sort -V
}

# The newest arm64 release apt can fetch with everything a cross-build
# needs: arm64 image and headers, the common headers, the amd64 kbuild.
newest_available_arm64_kernel()
{
	local ver versions

	versions=$(apt-cache pkgnames linux-image-6.12. |
		   sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-arm64\)$/\1/p' |
		   sort -rV)
	for ver in $versions; do
		if has_candidate "linux-image-$ver:arm64" &&
		   has_candidate "linux-headers-$ver:arm64" &&
		   has_candidate "linux-headers-${ver%-arm64}-common" &&
		   has_candidate "linux-kbuild-${ver%-arm64}:amd64"; then
			echo "$ver"
			return
		fi
	done
}

# extract_arm64 KVER: unpack the arm64 kernel KVER into $ARM64_ROOT.
extract_arm64()
{
	local kver=$1 base=${1%-arm64} tmp deb hdr

	tmp=$(mktemp -d)
	# apt drops privileges for downloads: let its user write there.
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && timeout 900 apt-get download -qq \
		"linux-image-$kver:arm64" "linux-headers-$kver:arm64" \
		"linux-headers-$base-common" "linux-kbuild-$base:amd64" \
		busybox-static:arm64)
	mkdir -p "$ARM64_ROOT"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$ARM64_ROOT"
	done
	rm -rf "$tmp"

	# The flavour's Makefile includes the common headers by absolute
	# path: point it at the extracted copy.
	hdr=$ARM64_ROOT/usr/src/linux-headers-$kver
	sed -i "s|^include /usr/src/|include $ARM64_ROOT/usr/src/|" "$hdr/Makefile"
	grep -q "^include $ARM64_ROOT/" "$hdr/Makefile" ||
		die "unexpected $hdr/Makefile"
	# The package leaves modules.dep to its postinst; the initramfs
	# builder needs it.
	depmod -b "$ARM64_ROOT" "$kver"
	touch "$ARM64_ROOT/.ready-$kver"
}

refresh=""
case "${1:-}" in
--refresh) refresh=1 ;;
"") ;;
*) die "usage: ${0##*/} [--refresh]" ;;
esac

if [ -z "$refresh" ] && installed "${PACKAGES[@]}" "${ARM64_PACKAGES[@]}" &&
   [ -n "$(installed_kernels)" ] && [ -n "$(arm64_kernels)" ] && source_ready; then
	msg "everything is installed (kernel $(installed_kernels | tail -1), arm64 $(arm64_kernels | tail -1))"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root to install packages"
export DEBIAN_FRONTEND=noninteractive

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	msg "adding the arm64 architecture to dpkg"
	dpkg --add-architecture arm64
fi

# Generous limits: a stalled mirror must not hold CI for its whole budget.
msg "updating the package lists"
timeout 900 apt-get update -qq

kver=$(newest_available_kernel)
[ -n "$kver" ] || die "apt offers no linux-image-6.12.*+deb12-amd64 with headers"
msg "installing kernel $kver and the build and VM tools (may take a few minutes)"
timeout 1800 apt-get install -y -qq --no-install-recommends \
	"linux-image-$kver" "linux-headers-$kver" "${PACKAGES[@]}" \
	"${ARM64_PACKAGES[@]}"

if ! source_ready; then
	msg "unpacking linux-source-6.12 into $SRC_CACHE (about a minute)"
	tarball=$(ls /usr/src/linux-source-6.12.tar.* | head -1)
	mkdir -p "$SRC_CACHE"
	rm -rf "$SRC_CACHE/.unpack"
	mkdir "$SRC_CACHE/.unpack"
	timeout 900 tar -C "$SRC_CACHE/.unpack" -xf "$tarball"
	rm -rf "$SRC_CACHE/linux-source-6.12"
	mv "$SRC_CACHE/.unpack/linux-source-6.12" "$SRC_CACHE/linux-source-6.12"
	rmdir "$SRC_CACHE/.unpack"
fi
arm64_kver=$(newest_available_arm64_kernel)
[ -n "$arm64_kver" ] || die "apt offers no linux-image-6.12.*+deb12-arm64 with headers and kbuild"
if [ ! -e "$ARM64_ROOT/.ready-$arm64_kver" ]; then
	msg "extracting arm64 kernel $arm64_kver into $ARM64_ROOT (about a minute)"
	extract_arm64 "$arm64_kver"
fi
msg "done: kernel $kver, arm64 kernel $arm64_kver"
