#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite, as `make test` runs it: build the modules and the
# selftests, run the host-side ABI checks if the tree has them, boot the
# test VM with the selftests payload, and close with one line
# "N passed, N failed, N skipped".  Exits non-zero on any failure, on a
# missing verdict and on a timeout.
#
# Every result line is TAP; the closing line adds up all of them, counted
# as scripts/vm/tap-count.awk describes (one per kselftest test, plus the
# harness's own checks: module loading and identity, the kernel log).
#
# Settings: VFIO_MODULES=ours|debian (which VFIO the VM loads),
# BUILD_TIMEOUT (seconds for each build step, 900), ABI_TIMEOUT (600), and
# everything scripts/vm/run.sh reads (VM_TIMEOUT, VM_ARCH, ...).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

modules=${VFIO_MODULES:-ours}
build_timeout=${BUILD_TIMEOUT:-900}
abi_timeout=${ABI_TIMEOUT:-600}
abi=$VM_TOP/tools/testing/selftests/vfio/abi/run.sh
pass=0 fail=0 skip=0

# add_counts FILE: add the TAP results in FILE to the totals.
add_counts()
{
	local p f s

	read -r p f s < <(awk -f "$VM_TOP/scripts/vm/tap-count.awk" "$1" |
			  sed 's/[a-z]*=//g')
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
}

finish()
{
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" = 0 ]
	exit
}

# build NAME COMMAND...: one result line for a build step; its output is
# kept in build/NAME.log and its end shown when it fails.
build()
{
	local name=$1 log=$VM_BUILD/$1.log
	shift

	msg "$name: $*"
	if timeout "$build_timeout" "$@" >"$log" 2>&1; then
		echo "ok - $name"
		pass=$((pass + 1))
	else
		echo "not ok - $name (exit status $?; log: $log)"
		tail -n 40 "$log" | sed 's/^/# /'
		fail=$((fail + 1))
		return 1
	fi
}

mkdir -p "$VM_BUILD"
echo "TAP version 13"
if [ "$modules" = ours ]; then
	build build-modules make -C "$VM_TOP" -j2 modules || finish
fi
# Start from an empty directory: the VM runs every program found there.
# One program that does not compile fails the run but does not keep the
# others from running (-k).
rm -rf "$VM_BUILD/selftests"
build build-selftests make -C "$VM_TOP/tools/testing/selftests/vfio" -k -j2 \
	OUTPUT="$VM_BUILD/selftests" || true

if [ -f "$abi" ]; then
	msg "host ABI checks: $abi"
	log=$VM_BUILD/abi.log
	set +e
	# Its own closing count becomes a comment: ours must be the only one.
	timeout "$abi_timeout" bash "$abi" 2>&1 | tee "$log" |
		sed -E 's/^([0-9]+ passed, [0-9]+ failed.*)/# abi: \1/'
	rc=${PIPESTATUS[0]}
	set -e
	# A failure the checks did not report themselves still fails.
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$log"; then
		echo "not ok - host ABI checks exited with status $rc" | tee -a "$log"
	fi
	add_counts "$log"
fi

set +e
"$VM_TOP/scripts/vm/run.sh" --modules "$modules" --tests "$VM_BUILD/selftests" \
	--out "$VM_BUILD/vm/selftests"
set -e
if [ -r "$VM_BUILD/vm/selftests/result" ]; then
	. "$VM_BUILD/vm/selftests/result"
	pass=$((pass + VM_PASS))
	fail=$((fail + VM_FAIL))
	skip=$((skip + VM_SKIP))
else
	echo "not ok - the VM run left no result"
	fail=$((fail + 1))
fi
finish
