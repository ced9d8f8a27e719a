# SPDX-License-Identifier: GPL-2.0
#
# Helpers for payloads running inside the test VM (busybox sh); sourced by
# /init and by payloads.  Everything a helper reports is a TAP line on
# stdout; /init counts those lines, so a payload never keeps its own score.

VM_LIB=/lib/vfio-vm

tap_ok()
{
	echo "ok - $*"
}

tap_not_ok()
{
	echo "not ok - $*"
}

tap_skip()
{
	echo "ok - $1 # SKIP $2"
}

# Print a file as TAP diagnostics.
tap_diag()
{
	sed 's/^/# /' "$@"
}

# vm_load_modules SET: insmod every module of /lib/modules-SET in the order
# its modules.list gives.  SET is ours, debian or extra (host drivers of
# the test devices, which no payload loads by itself).  Stops at the first failure: later modules would
# only fail for want of their dependencies.
vm_load_modules()
{
	local set=$1 list=/lib/modules-$1/modules.list name file origin id out

	if [ ! -s "$list" ]; then
		tap_not_ok "load modules: no module set '$set' in this image"
		return 1
	fi
	while read -r name file origin id; do
		if out=$(insmod "$file" 2>&1); then
			tap_ok "insmod $name ($origin)"
		else
			tap_not_ok "insmod $name ($origin): $out"
			return 1
		fi
	done <"$list"
}

# vm_check_modules SET: prove that the running modules are the copies packed
# for SET: each module's build-id note in sysfs must hash to the value
# recorded when the image was built, and no module outside SET may be
# loaded (so Debian's VFIO cannot stand in for ours, nor the reverse).
vm_check_modules()
{
	local set=$1 list=/lib/modules-$1/modules.list name file origin id note got
	local extra=""

	while read -r name file origin id; do
		note=/sys/module/$name/notes/.note.gnu.build-id
		if [ "$id" = - ]; then
			tap_skip "$name is the packed $origin module" "no build-id recorded"
		elif [ ! -r "$note" ]; then
			tap_not_ok "$name is the packed $origin module: $note missing"
		else
			got=$(sha256sum <"$note" | cut -d' ' -f1)
			if [ "$got" = "$id" ]; then
				tap_ok "$name is the packed $origin module"
			else
				tap_not_ok "$name is the packed $origin module: build-id differs"
			fi
		fi
	done <"$list"

	for name in $(cut -d' ' -f1 /proc/modules); do
		grep -q "^$name " "$list" || extra="$extra $name"
	done
	if [ -z "$extra" ]; then
		tap_ok "only modules of set '$set' are loaded"
	else
		tap_not_ok "only modules of set '$set' are loaded: also$extra"
	fi
}

# vm_run_test PROGRAM: run one TAP-speaking test program under a timeout and
# pass its output through.  Failures the program cannot report itself
# (crash, hang, wrong exit status, no results) add a result line of their
# own.  kselftest exit codes: 0 pass, 4 skip, anything else fail.
vm_run_test()
{
	local prog=$1 name log rc results fails

	name=${prog##*/}
	log=/tmp/$name.tap
	echo "# vfio-vm: running $name"
	{
		timeout "${VFIO_VM_TEST_TIMEOUT:-120}" "$prog" 2>&1
		echo $? >"$log.rc"
	} | tee "$log"
	rc=$(cat "$log.rc")
	results=$(grep -cE '^(not )?ok( |$)' "$log")
	fails=$(grep -cE '^not ok( |$)' "$log")

	# busybox timeout ends the program with SIGTERM.
	if [ "$rc" = 143 ]; then
		tap_not_ok "$name: killed after ${VFIO_VM_TEST_TIMEOUT:-120} s (timeout)"
	elif [ "$rc" -gt 128 ]; then
		tap_not_ok "$name: died of signal $((rc - 128))"
	elif [ "$results" = 0 ] && [ "$rc" = 4 ]; then
		tap_skip "$name" "the program skipped all its tests"
	elif [ "$results" = 0 ]; then
		tap_not_ok "$name: exited with status $rc and reported no result"
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$fails" = 0 ]; then
		tap_not_ok "$name: exited with status $rc but reported no failure"
	fi
}

# vm_run_tests DIR: run every executable in DIR, in name order.
vm_run_tests()
{
	local dir=$1 prog found=""

	for prog in "$dir"/*; do
		[ -f "$prog" ] && [ -x "$prog" ] || continue
		found=1
		vm_run_test "$prog"
	done
	[ -n "$found" ] || tap_not_ok "no test program in $dir"
}

# Messages that mean the kernel went wrong, whatever the tests thought.
VM_DMESG_BAD='Oops|WARNING:|BUG:|sleeping function called from invalid context|general protection|Call Trace|kernel BUG|lockdep|KASAN|hung_task|blocked for more than'

# vm_check_dmesg: one result for the whole kernel log since boot.
vm_check_dmesg()
{
	dmesg >/tmp/dmesg.txt
	if grep -qE "$VM_DMESG_BAD" /tmp/dmesg.txt; then
		tap_not_ok "kernel log is clean"
		echo "# offending kernel messages (with 20 lines of context):"
		grep -E -A 20 "$VM_DMESG_BAD" /tmp/dmesg.txt | tap_diag
	else
		tap_ok "kernel log is clean"
	fi
}

# Describe the machine the tests see: useful in every log.
vm_describe()
{
	local g d

	echo "# vfio-vm: kernel $(uname -r), modules '$VFIO_VM_MODULES', $(nproc) CPUs"
	for g in /sys/kernel/iommu_groups/*; do
		[ -d "$g/devices" ] || continue
		echo "# iommu group ${g##*/}:$(for d in "$g"/devices/*; do
			printf ' %s' "${d##*/}"; done)"
	done
	env | grep '^VFIO_TEST_' | sort | sed 's/^/# /'
}
