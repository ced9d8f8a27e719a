#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one test VM with a payload and report its verdict.
#
# The guest's TAP lines are echoed to stdout as they arrive; the whole
# console goes to OUT/console.log.  The result is also left in OUT/result
# (VM_PASS, VM_FAIL, VM_SKIP, VM_STATUS, VM_SECONDS) for scripts that add
# up runs.
# Exit status: 0 when the guest reported no failure, 1 otherwise, including
# a missing verdict or a guest killed at the timeout.
#
# The guest may ask for a QEMU monitor command by printing a console line
# "VFIO-VM-MONITOR: COMMAND"; only commands that stand for something a
# person does to the machine are carried out (system_powerdown: press the
# power button).  The monitor's answers go to OUT/monitor.log.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOF
usage: ${0##*/} [options]
  --arch ARCH          x86_64 (default) or arm64                [VM_ARCH]
  --payload FILE       script run in the guest (payloads/selftests.sh)
  --modules SET        ours or debian: VFIO modules to load     [VFIO_MODULES]
  --tests DIR          test programs for /tests (build/selftests;
                       build/arm64/selftests on arm64)
  --dir SRC:DEST       more executables for the guest (repeatable)
  --extra-modules LIST Debian modules for /lib/modules-extra, not loaded
                       ("nvme e1000e")                    [VM_EXTRA_MODULES]
  --timeout SECS       kill the VM after this long (600)         [VM_TIMEOUT]
  --test-timeout SECS  limit for each test program (120)    [VM_TEST_TIMEOUT]
  --mem SIZE --smp N   guest memory (2G) and CPUs (2)       [VM_MEM, VM_SMP]
  --qemu-arg ARG       extra QEMU argument (repeatable)       [VM_QEMU_ARGS]
  --append ARGS        extra kernel command line                 [VM_APPEND]
  --dtb-edit SCRIPT    device-tree machines: boot a copy of the machine's
                       own DTB after SCRIPT DTB edited it     [VM_DTB_EDIT]
  --out DIR            run directory (build/vm/PAYLOAD)
  -v                   echo the whole console, not only TAP lines
EOF
	exit 2
}

arch=${VM_ARCH:-x86_64}
payload=$VM_TOP/scripts/vm/payloads/selftests.sh
modules=${VFIO_MODULES:-ours}
tests=""
timeout=${VM_TIMEOUT:-600}
test_timeout=${VM_TEST_TIMEOUT:-120}
mem=${VM_MEM:-2G}
smp=${VM_SMP:-2}
append=${VM_APPEND:-}
dtb_edit=${VM_DTB_EDIT:-}
# Host drivers of the test devices, packed (not loaded) so that tests can
# bind a device to a driver other than VFIO.
extra_modules=${VM_EXTRA_MODULES-nvme e1000e}
out="" verbose=""
dirs=()
# shellcheck disable=SC2206 # a string of arguments, split on blanks
qemu_extra=(${VM_QEMU_ARGS:-})
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift ;;
	--payload) payload=$2; shift ;;
	--modules) modules=$2; shift ;;
	--tests) tests=$2; shift ;;
	--dir) dirs+=(--dir "$2"); shift ;;
	--extra-modules) extra_modules=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--test-timeout) test_timeout=$2; shift ;;
	--mem) mem=$2; shift ;;
	--smp) smp=$2; shift ;;
	--qemu-arg) qemu_extra+=("$2"); shift ;;
	--append) append=$2; shift ;;
	--dtb-edit) dtb_edit=$2; shift ;;
	--out) out=$2; shift ;;
	-v) verbose=1 ;;
	*) usage ;;
	esac
	shift
done
case "$modules" in
ours|debian) ;;
*) die "--modules must be 'ours' or 'debian', not '$modules'" ;;
esac
[ -r "$payload" ] || die "payload $payload not found"

vm_arch "$arch"
tests=${tests:-$VM_TESTS}
[ -z "$dtb_edit" ] || [ -r "$dtb_edit" ] || die "DTB edit script $dtb_edit not found"
name=${payload##*/}
out=${out:-$VM_BUILD/vm/${name%.sh}}
mkdir -p "$out"
log=$out/console.log
rm -f "$log" "$out/result"

# Settings the guest reads from /etc/vfio-vm.conf.
{
	echo "VFIO_VM_ARCH=$VM_ARCH"
	echo "VFIO_VM_MODULES=$modules"
	echo "VFIO_VM_TEST_TIMEOUT=$test_timeout"
	echo "VFIO_VM_EXIT_PORT=$VM_EXIT_PORT"
	vm_devices | while read -r dev bdf _; do
		echo "VFIO_TEST_$dev=$bdf"
	done
} >"$out/vfio-vm.conf"

ours=()
[ "$modules" != ours ] || ours=(--ours "$VM_MODULE_TREE")
msg "building the initramfs"
"$VM_TOP/scripts/vm/mkinitramfs.sh" -o "$out/initramfs.cpio.gz" \
	--kver "$VM_KVER" --sysroot "$VM_SYSROOT" --payload "$payload" \
	--conf "$out/vfio-vm.conf" "${ours[@]}" --dir "$tests:/tests" \
	"${dirs[@]}" --extra-modules "$extra_modules"

# Blank disks for the NVMe controllers, new on every run.
for disk in nvme0 nvme1; do
	rm -f "$out/$disk.img"
	truncate -s 64M "$out/$disk.img"
done

# The monitor is a pair of FIFOs: OUT/monitor.in takes commands.
rm -f "$out/monitor.in" "$out/monitor.out"
mkfifo "$out/monitor.in" "$out/monitor.out"

# A device-tree machine can boot an edited copy of its own DTB: dumped by
# the same QEMU command line (so memory, CPUs and devices agree), edited
# by the script, then handed to QEMU with -dtb.
dtb=()
if [ -n "$dtb_edit" ]; then
	dtb=(-dtb "$out/machine.dtb")
fi

devices=()
while read -r dev bdf spec; do
	slot=${bdf#*:*:}
	devices+=(-device "$spec,addr=0x${slot%.*}.${slot#*.}")
done < <(vm_devices)

# shellcheck disable=SC2054 # commas belong to QEMU arguments
qemu=("$QEMU" "${QEMU_MACHINE[@]}" -m "$mem" -smp "$smp"
      -nodefaults -display none -monitor "pipe:$out/monitor" -serial stdio
      -no-reboot
      "${QEMU_PLATFORM[@]}"
      # Backends of the devices: blank disks, and a network that leads
      # nowhere (restrict=on) so the NIC has a peer.
      -drive "if=none,id=nvme0,format=raw,file=$out/nvme0.img"
      -drive "if=none,id=nvme1,format=raw,file=$out/nvme1.img"
      -netdev user,id=net0,restrict=on
      "${devices[@]}" "${qemu_extra[@]}"
      -kernel "$VM_KERNEL" -initrd "$out/initramfs.cpio.gz" "${dtb[@]}"
      # panic=-1 turns a panic into a reboot, which -no-reboot turns into
      # an exit: a dead guest ends the run at once instead of at the
      # timeout.  Oopses do not panic: the dmesg check reports them.
      -append "console=$VM_CONSOLE $VM_CMDLINE panic=-1 loglevel=4 $append")
echo "${qemu[*]}" >"$out/qemu.cmdline"

if [ -n "$dtb_edit" ]; then
	dump=()
	for arg in "${qemu[@]}"; do
		case "$arg" in
		-dtb) break ;;
		esac
		if [ "${prev:-}" = -M ]; then
			arg="$arg,dumpdtb=$out/machine.dtb"
		fi
		dump+=("$arg")
		prev=$arg
	done
	rm -f "$out/machine.dtb"
	msg "dumping the machine's DTB and editing it with $dtb_edit"
	timeout 60 "${dump[@]}" </dev/null >"$out/dumpdtb.log" 2>&1 ||
		die "QEMU could not dump the DTB (see $out/dumpdtb.log)"
	"$dtb_edit" "$out/machine.dtb" || die "$dtb_edit failed"
fi

msg "booting $VM_ARCH VM (kernel $VM_KVER, modules: $modules, timeout ${timeout}s); console: $log"
start=$(date +%s)
set +e
cat "$out/monitor.out" >"$out/monitor.log" &
monitor_reader=$!
# Held open for reading and writing, the FIFO always has a reader: the
# filter's writes never block, even once QEMU is gone.
exec {monitor_fd}<>"$out/monitor.in"
# mawk reads its input in large blocks, so a guest's request would wait
# for more console output; make it read line by line.
awk_opts=()
if awk -W version 2>/dev/null | grep -q mawk; then
	awk_opts=(-W interactive)
fi
# The filter keeps the full console in the log, shows TAP lines (or
# everything, with -v) as they come, and passes the guest's monitor
# requests on.
timeout --foreground --kill-after=10 "$timeout" "${qemu[@]}" </dev/null 2>&1 |
	awk "${awk_opts[@]}" -v logfile="$log" -v all="$verbose" -v monitor="/dev/fd/$monitor_fd" '
		{ sub(/\r$/, ""); print >logfile; fflush(logfile) }
		/^VFIO-VM-MONITOR: system_powerdown$/ {
			print "system_powerdown" >monitor; fflush(monitor)
		}
		all || /^(ok|not ok|Bail out!|#|TAP version|[0-9]+\.\.[0-9]+|VFIO-VM-RESULT:)/ {
			print; fflush()
		}'
qemu_rc=${PIPESTATUS[0]}
exec {monitor_fd}>&-
kill "$monitor_reader" 2>/dev/null
wait "$monitor_reader" 2>/dev/null
set -e
seconds=$(($(date +%s) - start))

status=ok
marker=$(grep -a '^VFIO-VM-RESULT: ' "$log" | tail -1 || true)
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	status="timeout: killed after ${timeout}s"
elif [ -z "$marker" ]; then
	status="no verdict from the guest (QEMU exited with status $qemu_rc)"
fi
read -r pass fail skip < <(echo "$marker" |
	sed -n 's/.*pass=\([0-9]*\) fail=\([0-9]*\) skip=\([0-9]*\).*/\1 \2 \3/p';
	echo "0 0 0")

# With an exit device QEMU's status carries the guest's verdict too:
# (byte << 1) | 1, the guest writing 0 for a pass and 1 for a failure.
if [ "$status" = ok ] && [ -n "$VM_EXIT_PORT" ]; then
	want=$(( fail == 0 ? 1 : 3 ))
	[ "$qemu_rc" = "$want" ] ||
		status="verdicts disagree: console says fail=$fail, QEMU exited with $qemu_rc"
fi
if [ "$status" != ok ]; then
	echo "not ok - VM run: $status"
	fail=$((fail + 1))
	msg "last console lines ($log):"
	tail -n 30 "$log" | sed 's/^/# /'
fi
cat >"$out/result" <<EOF
VM_PASS=$pass
VM_FAIL=$fail
VM_SKIP=$skip
VM_STATUS='$status'
VM_SECONDS=$seconds
EOF
msg "VM done in ${seconds}s: $pass passed, $fail failed, $skip skipped; console: $log"
[ "$fail" = 0 ]
