#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Check that our include/uapi/linux/vfio.h has the same ABI as Linux's.
#
#   run.sh [-r REFERENCE_HEADER] [-H OUR_HEADER] [-k]
#
#   -r  Linux's uapi vfio.h (default: $VFIO_ABI_REFERENCE, else the newest
#       /usr/src/linux-headers-6.12.*-common/include/uapi/linux/vfio.h)
#   -H  the header to check (default: include/uapi/linux/vfio.h of this tree)
#   -k  keep the work directory and print its path
#
# Steps: take the inventory of both headers (gen_abi_check.sh) and of the
# section of ours that holds the extensions of this tree, turn the
# shared items into a probe (vfio_abi_probe.c), compile the probe with -S
# against each header for every ABI a compiler is available for, and let
# vfio_abi_test compare everything and print TAP.  Nothing needs root or
# VFIO hardware; it takes a few seconds.
#
# CC (default gcc) builds the native and i386 probes and the test program;
# CLANG (default clang) is used for the other ABIs and may be absent.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../../../.." && pwd)
ours=$top/include/uapi/linux/vfio.h
ref=${VFIO_ABI_REFERENCE:-}
keep=

while getopts r:H:k opt; do
	case $opt in
	r) ref=$OPTARG ;;
	H) ours=$OPTARG ;;
	k) keep=1 ;;
	*) echo "usage: $0 [-r REFERENCE_HEADER] [-H OUR_HEADER] [-k]" >&2
	   exit 2 ;;
	esac
done

if [ -n "$ref" ] && [ ! -r "$ref" ]; then
	echo "$0: cannot read reference header $ref" >&2
	exit 2
fi
if [ -z "$ref" ]; then
	ref=$(for f in /usr/src/linux-headers-6.12.*-common/include/uapi/linux/vfio.h; do
		[ -r "$f" ] && echo "$f"
	done | sort -V | tail -n 1)
fi
if [ -z "$ref" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no reference Linux 6.12 uapi vfio.h (use -r)"
	exit 4
fi
ref=$(realpath "$ref")
ours=$(realpath "$ours")

CC=${CC:-gcc}
CLANG=${CLANG:-clang}
export CC

work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-abi.XXXXXX")
if [ -n "$keep" ]; then
	echo "# work directory: $work"
else
	trap 'rm -rf "$work"' EXIT
fi

gen=$here/gen_abi_check.sh
# Linux's header is meant to be installed with __user stripped.
"$gen" inventory "$ref" -D__user= >"$work/ref.inv"
"$gen" inventory "$ours" >"$work/ours.inv"
"$gen" probe "$work/ref.inv" "$work/ours.inv" >"$work/vfio_abi_items.h"
# Our header may define more than Linux's only between its two banners
# around the extensions of this tree (documented in Documentation/vfio.rst).
awk '/^\/\* =+ Extensions of this tree: / { on = 1 }
     on { print }
     /^\/\* =+ End of the extensions of this tree / { on = 0 }' \
	"$ours" >"$work/extensions.h"
"$gen" inventory "$work/extensions.h" >"$work/extensions.inv"

# Compilers for foreign ABIs find no <asm/*.h> for their target on this
# host; the asm-generic versions describe every ABI checked here.
mkdir -p "$work/asm-shim/asm"
for h in types ioctl posix_types bitsperlong; do
	echo "#include <asm-generic/$h.h>" >"$work/asm-shim/asm/$h.h"
done

# probe NAME SIDE HEADER COMPILER...: write $work/NAME.SIDE.rec
probe()
{
	name=$1 side=$2 header=$3
	shift 3
	rec=$work/$name.$side.rec
	extra=
	[ "$side" = ref ] && extra=-D__user=
	if "$@" $extra -S -o "$work/$name.$side.s" -I"$work" \
		-DVFIO_ABI_HEADER="\"$header\"" "$here/vfio_abi_probe.c" \
		2>"$work/$name.$side.err"; then
		sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"@@abi|\(.*\)"$/\1/p' \
			"$work/$name.$side.s" >"$rec"
	elif [ "$side" = ref ]; then
		printf '@build|skip|%s\n' \
			"$(grep -m1 -i error "$work/$name.$side.err" || echo "$1 failed")" >"$rec"
	else
		head -n 20 "$work/$name.$side.err" | sed 's/^/@build|error|/' >"$rec"
	fi
}

# ABI NAME COMPILER...: probe both headers and queue the pair for the test.
abis=
abi()
{
	name=$1
	shift
	if ! command -v "$1" >/dev/null 2>&1; then
		printf '@build|skip|%s not found\n' "$1" >"$work/$name.ref.rec"
		: >"$work/$name.ours.rec"
	else
		probe "$name" ref "$ref" "$@"
		probe "$name" ours "$ours" "$@"
	fi
	abis="$abis $name $work/$name.ref.rec $work/$name.ours.rec"
}

# $CC may carry options ("ccache gcc", "gcc -m64"): split it on purpose.
native=$($CC -dumpmachine | cut -d- -f1)
# shellcheck disable=SC2086
abi "$native" $CC
if [ "$native" = x86_64 ]; then
	# shellcheck disable=SC2086
	abi i386 $CC -m32 -idirafter "/usr/include/$($CC -print-multiarch)"
fi
for target in aarch64-linux-gnu arm-linux-gnueabihf powerpc64le-linux-gnu \
	      s390x-linux-gnu; do
	[ "${target%%-*}" = "$native" ] && continue
	abi "${target%%-*}" "$CLANG" --target="$target" -isystem "$work/asm-shim"
done

$CC -O2 -Wall -o "$work/vfio_abi_test" "$here/../vfio_abi_test.c"
status=0
# shellcheck disable=SC2086 # $abis is a list of words by design
"$work/vfio_abi_test" -r "$ref" -o "$ours" -x "$work/extensions.inv" \
	"$work/ref.inv" "$work/ours.inv" $abis || status=$?
exit $status
