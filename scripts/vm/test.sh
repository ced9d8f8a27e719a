#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole test suite, as `make test` runs it: build the modules and the
# selftests, run the host-side checks (the ABI checks if the tree has
# them, scripts/check-docs.sh, scripts/intree-build.sh), boot the x86
# test VM with the selftests payload, then the same for arm64 (cross-built
# modules and selftests; one VM with the machine's own DTB, one whose DTB
# puts the PL031 on the platform bus, which runs only the platform
# selftests), and close with one line
# "N passed, N failed, N skipped".  Exits non-zero on any failure, on a
# missing verdict and on a timeout.
#
# Every result line is TAP; the closing line adds up all of them, counted
# as scripts/vm/tap-count.awk describes (one per kselftest test, plus the
# harness's own checks: module loading and identity, the kernel log).
#
# Settings: VFIO_MODULES=ours|debian (which VFIO the VM loads),
# VFIO_ARCHES (the VMs to run, "x86_64 arm64"; Debian's arm64 kernel has
# no vfio-platform, so arm64 runs only with our modules), BUILD_TIMEOUT
# (seconds for each build step, 900), ABI_TIMEOUT (600), VFIO_INTREE=0
# (no in-tree build), and everything scripts/vm/run.sh reads
# (VM_TIMEOUT, ...).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

modules=${VFIO_MODULES:-ours}
build_timeout=${BUILD_TIMEOUT:-900}
abi_timeout=${ABI_TIMEOUT:-600}
abi=$VM_TOP/tools/testing/selftests/vfio/abi/run.sh
arches=${VFIO_ARCHES:-x86_64 arm64}
selftests=$VM_TOP/tools/testing/selftests/vfio
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

# vm_result NAME ARGS...: boot one VM (scripts/vm/run.sh ARGS) and add
# its verdict to the totals.
vm_result()
{
	local out=$VM_BUILD/vm/$1
	shift

	set +e
	"$VM_TOP/scripts/vm/run.sh" --modules "$modules" --out "$out" "$@"
	set -e
	if [ -r "$out/result" ]; then
		. "$out/result"
		pass=$((pass + VM_PASS))
		fail=$((fail + VM_FAIL))
		skip=$((skip + VM_SKIP))
		timings="$timings ${out##*/}=${VM_SECONDS}s"
	else
		echo "not ok - the VM run ${out##*/} left no result"
		fail=$((fail + 1))
	fi
}

run_x86_64()
{
	if [ "$modules" = ours ]; then
		build build-modules make -C "$VM_TOP" -j2 modules || return 0
	fi
	# Start from an empty directory: the VM runs every program found
	# there.  One program that does not compile fails the run but does
	# not keep the others from running (-k).
	rm -rf "$VM_BUILD/selftests"
	build build-selftests make -C "$selftests" -k -j2 \
		OUTPUT="$VM_BUILD/selftests" || true
	vm_result selftests --arch x86_64 --tests "$VM_BUILD/selftests"
}

run_arm64()
{
	local dtb_tests=$VM_BUILD/arm64/selftests-dtb

	if [ "$modules" != ours ]; then
		echo "ok - arm64 VMs # SKIP Debian's arm64 kernel has no vfio-platform or vfio-amba"
		skip=$((skip + 1))
		return 0
	fi
	build build-modules-arm64 make -C "$VM_TOP" -j2 modules-arm64 || return 0
	rm -rf "$VM_BUILD/arm64/selftests" "$dtb_tests"
	build build-selftests-arm64 make -C "$selftests" -k -j2 \
		CROSS_COMPILE=aarch64-linux-gnu- \
		OUTPUT="$VM_BUILD/arm64/selftests" || true
	vm_result arm64-selftests --arch arm64 \
		--tests "$VM_BUILD/arm64/selftests"

	# The PL031 moved to the platform bus: only the platform programs
	# have anything new to test there.
	mkdir -p "$dtb_tests"
	cp "$VM_BUILD"/arm64/selftests/vfio_platform*_test "$dtb_tests/" 2>/dev/null || true
	vm_result arm64-pl031-platform --arch arm64 --tests "$dtb_tests" \
		--dtb-edit "$VM_TOP/scripts/vm/dtb/pl031-on-platform.sh"
}

mkdir -p "$VM_BUILD"
echo "TAP version 13"
timings=""
start=$(date +%s)

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

# Documentation: vfio.rst renders, kernel-doc is clean and complete (a
# few seconds).  Its header and plan become comments inside our stream.
msg "host documentation checks: scripts/check-docs.sh"
log=$VM_BUILD/docs.log
set +e
timeout "$abi_timeout" bash "$VM_TOP/scripts/check-docs.sh" 2>&1 | tee "$log" |
	sed -E 's/^(TAP version |1\.\.)/# docs: &/'
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" != 0 ] && ! grep -q '^not ok' "$log"; then
	echo "not ok - host documentation checks exited with status $rc" | tee -a "$log"
fi
add_counts "$log"

# The in-tree build (scripts/intree-build.sh): about 25 s once its copy
# of the kernel source is cached, one to two minutes the first time.
# VFIO_INTREE=0 leaves it out.
if [ "${VFIO_INTREE:-1}" != 0 ]; then
	msg "in-tree build: scripts/intree-build.sh"
	log=$VM_BUILD/intree.log
	set +e
	timeout "$build_timeout" bash "$VM_TOP/scripts/intree-build.sh" 2>&1 |
		tee "$log" | sed -E 's/^1\.\./# intree: &/'
	rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$log"; then
		echo "not ok - in-tree build exited with status $rc" | tee -a "$log"
	fi
	add_counts "$log"
fi

for arch in $arches; do
	case "$arch" in
	x86_64|amd64) run_x86_64 ;;
	arm64|aarch64) run_arm64 ;;
	*) echo "not ok - unknown architecture '$arch' in VFIO_ARCHES"
	   fail=$((fail + 1)) ;;
	esac
done
echo "# timings: total $(($(date +%s) - start))s;$timings"
finish
