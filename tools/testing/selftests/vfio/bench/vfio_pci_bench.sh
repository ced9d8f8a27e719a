#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# VM payload (scripts/vm/run.sh --payload): vfio_pci_bench on edu, with our
# VFIO and with Debian's in the same boot, alternating the order over
# several rounds; reports the minimum of each latency per implementation.
# The program is expected in /bench (run.sh --dir DIR:/bench).
#
# Not a test: it passes if both implementations ran.

# shellcheck source=/dev/null
. /lib/vfio-vm/lib.sh

ROUNDS=${VFIO_BENCH_ROUNDS:-4}
# The measuring task and the interrupts on one CPU: TCG timings are
# bimodal otherwise.
echo 1 >/proc/irq/default_smp_affinity

unload_vfio()
{
	for unload_set in ours debian; do
		# Last loaded first, so that nothing still uses what goes.
		awk '{ name[NR] = $1 } END { for (i = NR; i > 0; i--) print name[i] }' \
			"/lib/modules-$unload_set/modules.list" |
		while read -r name; do
			[ ! -d "/sys/module/$name" ] || rmmod "$name"
		done
	done
	return 0
}

# Load a module set; modules another set left loaded (irqbypass) stay.
load_vfio()
{
	while read -r name file _; do
		[ -d "/sys/module/$name" ] || insmod "$file" || return 1
	done <"/lib/modules-$1/modules.list"
}

order="ours debian"
for _ in $(seq "$ROUNDS"); do
	for set in $order; do
		unload_vfio
		if ! load_vfio "$set"; then
			tap_not_ok "bench: load the $set modules"
			exit 0
		fi
		taskset 1 /bench/vfio_pci_bench "$VFIO_TEST_EDU" 3 500 |
			sed "s/^bench /$set /" | tee -a /tmp/bench.txt
	done
	order=$(echo "$order" | awk '{ print $2, $1 }')
done

for set in ours debian; do
	for what in msi_ns pread4_ns; do
		awk -v set="$set" -v what="$what" '
			$1 == set && $2 == what {
				sub(/min=/, "", $3)
				if (min == "" || $3 + 0 < min) min = $3 + 0
			}
			END { printf "# bench %s %s: min %s\n", set, what, min }
		' /tmp/bench.txt
	done
done
for set in ours debian; do
	if grep -q "^$set msi_ns" /tmp/bench.txt; then
		tap_ok "bench ran with the $set modules"
	else
		tap_not_ok "bench ran with the $set modules"
	fi
done
