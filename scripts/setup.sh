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
# kselftest_harness.h and checkpatch.pl.

set -euo pipefail

SRC_CACHE=${SRC_CACHE:-/var/cache/vfio}
PACKAGES=(qemu-system-x86 busybox-static cpio gzip xz-utils kmod binutils
	  linux-source-6.12 sparse gcc make libc6-dev perl)

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

refresh=""
case "${1:-}" in
--refresh) refresh=1 ;;
"") ;;
*) die "usage: ${0##*/} [--refresh]" ;;
esac

if [ -z "$refresh" ] && installed "${PACKAGES[@]}" &&
   [ -n "$(installed_kernels)" ] && source_ready; then
	msg "everything is installed (kernel $(installed_kernels | tail -1))"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root to install packages"
export DEBIAN_FRONTEND=noninteractive

# Generous limits: a stalled mirror must not hold CI for its whole budget.
msg "updating the package lists"
timeout 900 apt-get update -qq

kver=$(newest_available_kernel)
[ -n "$kver" ] || die "apt offers no linux-image-6.12.*+deb12-amd64 with headers"
msg "installing kernel $kver and the build and VM tools (may take a few minutes)"
timeout 1800 apt-get install -y -qq --no-install-recommends \
	"linux-image-$kver" "linux-headers-$kver" "${PACKAGES[@]}"

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
msg "done: kernel $kver"
