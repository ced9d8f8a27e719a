#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS round trip, by hand, as root: add this tree as a DKMS package, build
# and install it for a Debian 6.12 kernel, check that modinfo now finds our
# modules under updates/dkms, then remove it again.  Prints TAP.
#
#   scripts/dkms-check.sh [KERNEL_VERSION]
#
# The kernel is the newest 6.12.*+deb12-amd64 with headers unless named.
# Needs dkms (apt-get install --no-install-recommends dkms: its
# recommends would pull in the 6.1 headers).  The package's sources go to
# /usr/src/vfio-ours-<version> (the files git sees in the working tree);
# the machine is left as it was: the package removed from every kernel,
# its sources deleted, and the module signing key DKMS generates on first
# use deleted again if this run created it.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kver=${1:-$(ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null |
	    sort -V | tail -1 | sed 's|.*/linux-headers-||')}
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
srcdir=/usr/src/$name-$version
log=$top/build/dkms.log
modules="vfio vfio_iommu_type1 vfio-pci-core vfio-pci"
mok_key=/var/lib/dkms/mok.key
mok_cert=/var/lib/dkms/mok.pub
n=0
failed=0

result()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

# step NAME COMMAND...: one result line; the command's output goes to the
# log, and its end to the screen if it fails.
step()
{
	local name=$1 rc
	shift

	echo "### $*" >>"$log"
	"$@" >>"$log" 2>&1
	rc=$?
	result "$rc" "$name"
	[ "$rc" = 0 ] || tail -n 20 "$log" | sed 's/^/# /'
	return "$rc"
}

remove_package()
{
	dkms remove -m "$name" -v "$version" --all >>"$log" 2>&1
	rm -rf "$srcdir"
}

echo "TAP version 13"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
if ! command -v dkms >/dev/null; then
	echo "1..0 # SKIP no dkms (apt-get install --no-install-recommends dkms)"
	exit 0
fi
if [ -z "$kver" ] || [ ! -d "/lib/modules/$kver/build" ]; then
	echo "1..0 # SKIP no headers for a 6.12 kernel${kver:+ ($kver)}"
	exit 0
fi
mkdir -p "$top/build"
: >"$log"
echo "# $name $version for $kver; log: $log"

# A package of the same version left from an earlier run goes first.
[ -e "/var/lib/dkms/$name/$version" ] || [ -e "$srcdir" ] && remove_package
had_key=0
[ -e "$mok_key" ] || [ -e "$mok_cert" ] && had_key=1

mkdir -p "$srcdir"
(cd "$top" && git ls-files -co --exclude-standard | grep -v '^build/' |
	cpio -pdm --quiet "$srcdir")
result $? "sources copied to $srcdir"

step "dkms add" dkms add -m "$name" -v "$version" &&
step "dkms build -k $kver" dkms build -m "$name" -v "$version" -k "$kver" &&
step "dkms install -k $kver" dkms install -m "$name" -v "$version" -k "$kver"

for mod in $modules; do
	path=$(modinfo -k "$kver" -n "$mod" 2>/dev/null)
	case "$path" in
	/lib/modules/"$kver"/updates/dkms/*) rc=0 ;;
	*) rc=1 ;;
	esac
	result "$rc" "modinfo -k $kver $mod: ${path:-not found}"
done
# Our vfio, not Debian's: only ours has no-IOMMU mode always built in.
modinfo -k "$kver" -p vfio 2>/dev/null | grep -q '^enable_unsafe_noiommu_mode:'
result $? "the vfio modinfo finds has our parameters"

remove_package
[ ! -e "/var/lib/dkms/$name" ] && [ ! -e "$srcdir" ]
result $? "dkms remove --all left no trace"
path=$(modinfo -k "$kver" -n vfio 2>/dev/null)
case "$path" in
/lib/modules/"$kver"/kernel/drivers/vfio/*) rc=0 ;;
*) rc=1 ;;
esac
result "$rc" "modinfo -k $kver vfio is Debian's again: ${path:-not found}"
if [ "$had_key" = 0 ]; then
	rm -f "$mok_key" "$mok_cert"
fi

echo "1..$n"
exit "$failed"
