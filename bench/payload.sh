#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of bench/run.sh: in one boot, run /tests/vfio_type1_bench
# against Debian's VFIO modules and against ours, in alternating order
# (debian, ours, ours, debian, ...), unloading one set before loading the
# other.  The BENCH lines on the console are the results; each phase also
# gets a TAP line.

# shellcheck source=/dev/null # the guest side of the harness
. /lib/vfio-vm/lib.sh

passes=${VFIO_BENCH_PASSES:-2}
rounds=${VFIO_BENCH_ROUNDS:-5}
workloads=""
# shellcheck source=/dev/null # written by bench/run.sh
[ -r /tests/bench.conf ] && . /tests/bench.conf

# vm_unload_modules SET: rmmod the set's modules, last loaded first.
vm_unload_modules()
{
	awk '{ name[NR] = $1 } END { for (i = NR; i > 0; i--) print name[i] }' \
		"/lib/modules-$1/modules.list" |
	while read -r name; do
		rmmod "$name" || return 1
	done
}

# phase SET: load SET, prove it is what runs, time it, unload it.
phase()
{
	if ! vm_load_modules "$1"; then
		tap_not_ok "bench $1: modules did not load"
		return 1
	fi
	vm_check_modules "$1"
	echo "# bench: $1 modules, $(date)"
	# shellcheck disable=SC2086 # no workload list means all of them
	if timeout 3000 /tests/vfio_type1_bench "$1" "$rounds" $workloads; then
		tap_ok "bench $1"
	else
		tap_not_ok "bench $1: exited with status $?"
	fi
	if vm_unload_modules "$1"; then
		tap_ok "unload $1 modules"
	else
		tap_not_ok "unload $1 modules"
		return 1
	fi
}

# Mitigations decide what an indirect call or a system call costs.
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	echo "# cpu: ${f##*/}: $(cat "$f")"
done

pass=0
while [ "$pass" -lt "$passes" ]; do
	if [ $((pass % 2)) = 0 ]; then
		order="debian ours"
	else
		order="ours debian"
	fi
	for set in $order; do
		phase "$set" || exit 0
	done
	pass=$((pass + 1))
done
