#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compare our vfio_iommu_type1 with Debian's in one VM boot.
#
#   bench/run.sh [--rounds N] [--passes N] [--only W,...] [--record]
#
# Builds the modules and bench/vfio_type1_bench.c, boots the test VM (4 GiB,
# one 1 GiB huge page reserved at boot) with bench/payload.sh, which runs
# the benchmark against Debian's VFIO modules and against ours in turn, and
# prints, per workload and operation, the minimum and the median of each
# with the ratio Debian/ours (above 1: ours is faster).  --record also
# writes the table to bench/RESULTS.md.
#
# Only one VM may run at a time on the shared machines: wrap the call in
# "flock /tmp/vfio-vm.lock".

set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=5 passes=2 record="" workloads=""
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift ;;
	--passes) passes=$2; shift ;;
	--only) workloads=$2; shift ;;
	--record) record=1 ;;
	*) echo "usage: ${0##*/} [--rounds N] [--passes N] [--only W,...] [--record]" >&2
	   exit 2 ;;
	esac
	shift
done

build=$top/build/bench
out=$top/build/vm/bench
mkdir -p "$build"
rm -f "$build"/*

make -C "$top" -j2 modules >"$top/build/bench-modules.log" 2>&1 ||
	{ tail -20 "$top/build/bench-modules.log"; exit 1; }
gcc -static -O2 -Wall -Wextra -D_GNU_SOURCE -I"$top/include/uapi" \
	-I"$top/tools/testing/selftests/vfio/lib/include" \
	-o "$build/vfio_type1_bench" "$top/bench/vfio_type1_bench.c"
printf 'rounds=%s\npasses=%s\nworkloads=%s\n' "$rounds" "$passes" \
	"$workloads" >"$build/bench.conf"
chmod +x "$build/bench.conf"

"$top/scripts/vm/run.sh" --payload "$top/bench/payload.sh" --modules ours \
	--tests "$build" --mem 4G --append "hugepagesz=1G hugepages=1" \
	--timeout 3600 --out "$out" || true

grep -a '^BENCH ' "$out/console.log" | tr -d '\r' >"$out/bench.txt" || true
[ -s "$out/bench.txt" ] || { echo "no results in $out/console.log" >&2; exit 1; }

# One row per workload and operation: min and median per label, in ms.
table=$(awk '
	function field(name,   i, kv) {
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == name)
				return kv[2]
		}
	}
	{
		key = field("workload") " " field("op")
		lab = field("label")
		n = ++count[key, lab]
		v[key, lab, n] = field("ns")
		if (!(key in seen)) {
			seen[key] = 1
			order[++nkeys] = key
		}
	}
	function sorted_stat(key, lab, which,   n, i, j, t, a) {
		n = count[key, lab]
		if (!n)
			return -1
		for (i = 1; i <= n; i++)
			a[i] = v[key, lab, i]
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		if (which == "min")
			return a[1]
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function ms(ns) { return ns < 0 ? "-" : sprintf("%.2f", ns / 1e6) }
	function ratio(a, b) { return a <= 0 || b <= 0 ? "-" : sprintf("%.2fx", a / b) }
	END {
		print "| workload | op | Debian min (ms) | ours min (ms) | min ratio | Debian median (ms) | ours median (ms) | median ratio | runs |"
		print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
		for (k = 1; k <= nkeys; k++) {
			key = order[k]
			split(key, p, " ")
			dmin = sorted_stat(key, "debian", "min")
			omin = sorted_stat(key, "ours", "min")
			dmed = sorted_stat(key, "debian", "median")
			omed = sorted_stat(key, "ours", "median")
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %d+%d |\n",
			       p[1], p[2], ms(dmin), ms(omin), ratio(dmin, omin),
			       ms(dmed), ms(omed), ratio(dmed, omed),
			       count[key, "debian"], count[key, "ours"]
		}
	}' "$out/bench.txt")

echo "$table"
if [ -n "$record" ]; then
	{
		echo "# vfio_iommu_type1: ours against Debian's"
		echo
		echo "Produced by \`flock /tmp/vfio-vm.lock bench/run.sh --rounds $rounds --passes $passes --record\`"
		echo "on $(date -u +%Y-%m-%d), kernel $(grep -a -m1 'vfio-vm: kernel' "$out/console.log" | sed 's/.*kernel \([^,]*\),.*/\1/'),"
		echo "QEMU $(qemu-system-x86_64 --version | head -1 | sed 's/.*version //'), TCG, q35 + intel-iommu (caching mode), 4 GiB, 2 vCPUs;"
		echo "the benchmark runs pinned to one vCPU.  One boot runs Debian's modules and ours"
		echo "in alternating order ($passes passes of $rounds rounds each), unloading one set before"
		echo "loading the other.  Ratio = Debian / ours: above 1 means ours is faster."
		echo
		echo "Workloads: one mapping of 512 MiB backed by 4 KiB pages (\`4k\`), by THP (\`thp\`),"
		echo "by 2 MiB hugetlbfs pages (\`hugetlb2m\`), one of 1 GiB backed by a 1 GiB hugetlbfs"
		echo "page (\`hugetlb1g\`), and 16384 separate 4 KiB mappings made and removed one call each"
		echo "(\`small\`, times for all 16384 calls).  Memory is faulted in before timing."
		echo "Where the time goes, and why small unmaps miss their target: README.md."
		echo
		echo "$table"
	} >"$top/bench/RESULTS.md"
	echo "wrote bench/RESULTS.md"
fi
