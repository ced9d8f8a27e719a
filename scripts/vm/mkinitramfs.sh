#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs a test VM boots from: busybox, the guest side of the
# harness, one payload script, two sets of VFIO modules and the programs the
# payload runs.  No root filesystem is involved; the guest lives in RAM.
#
# Layout inside the image:
#   /init                    scripts/vm/guest/init
#   /payload.sh              the payload given with --payload
#   /etc/vfio-vm.conf        run settings given with --conf
#   /lib/vfio-vm/            guest helpers (lib.sh, tap-count.awk)
#   /lib/modules-ours/       our modules plus the Debian modules they need
#   /lib/modules-debian/     Debian's own VFIO modules plus what they need
#   /lib/modules-extra/      Debian modules named with --extra-modules
#   DEST/                    executables of each --dir SRC:DEST
# Each module directory has a modules.list that gives the load order, one
# module per line: "name file origin identity", where identity is the
# SHA-256 of the module's build-id note, which the guest compares with
# /sys/module/NAME/notes to prove which copy of a module is running.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage()
{
	cat <<EOF
usage: ${0##*/} -o OUT --kver KVER --payload FILE --conf FILE [options]
  --sysroot DIR          root holding /lib/modules/KVER and /bin/busybox (/)
  --ours DIR             module tree whose modules.order lists our modules
  --debian-modules LIST  Debian VFIO modules to pack (default: $DEBIAN_MODULES)
  --extra-modules LIST   more Debian modules to pack, not loaded by default
  --dir SRC:DEST         copy the executables in SRC to DEST in the guest
EOF
	exit 2
}

DEBIAN_MODULES="vfio vfio_iommu_type1 vfio_pci"
out="" kver="" sysroot="" payload="" conf="" ours="" extra=""
dirs=()
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=$2; shift ;;
	--kver) kver=$2; shift ;;
	--sysroot) sysroot=$2; shift ;;
	--payload) payload=$2; shift ;;
	--conf) conf=$2; shift ;;
	--ours) ours=$2; shift ;;
	--debian-modules) DEBIAN_MODULES=$2; shift ;;
	--extra-modules) extra=$2; shift ;;
	--dir) dirs+=("$2"); shift ;;
	*) usage ;;
	esac
	shift
done
[ -n "$out" ] && [ -n "$kver" ] && [ -n "$payload" ] && [ -n "$conf" ] || usage

moddir=$sysroot/lib/modules/$kver
busybox=$sysroot/bin/busybox
[ -r "$moddir/modules.dep" ] || die "$moddir/modules.dep missing"
[ -x "$busybox" ] || die "$busybox missing (install busybox-static)"
if readelf -l "$busybox" | grep -q 'program interpreter'; then
	die "$busybox is dynamically linked (install busybox-static)"
fi

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,etc,lib/vfio-vm}

# Module names treat '-' and '_' alike; compare them in one spelling.
normalize()
{
	echo "${1//-/_}"
}

# Path of the Debian module called $1, from modules.dep.
debian_module_file()
{
	local want
	want=$(normalize "$1")
	awk -F: -v want="$want" '{
		base = $1
		sub(/.*\//, "", base)
		sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", base)
		gsub(/-/, "_", base)
		if (base == want) { print $1; exit }
	}' "$moddir/modules.dep"
}

# Copy a module, decompressing it: busybox insmod takes plain ELF only.
install_module()
{
	local src=$1 dest=$2

	case "$src" in
	*.xz) xz -dc "$src" >"$dest" ;;
	*.zst) zstd -qdc "$src" >"$dest" ;;
	*.gz) gzip -dc "$src" >"$dest" ;;
	*) cp "$src" "$dest" ;;
	esac
}

# The host's objcopy may know only its own architecture: modules for
# another one need that architecture's binutils.
build_id_hash()
{
	local note tool

	note=$(mktemp)
	for tool in objcopy aarch64-linux-gnu-objcopy; do
		if command -v "$tool" >/dev/null &&
		   "$tool" -O binary --only-section=.note.gnu.build-id "$1" "$note" 2>/dev/null &&
		   [ -s "$note" ]; then
			sha256sum <"$note" | cut -d' ' -f1
			rm -f "$note"
			return
		fi
	done
	echo -
	rm -f "$note"
}

# pack_set DIR ORIGIN:FILE...: copy the given modules and, from Debian, every
# module they need that the kernel does not have built in, into DIR; then
# write DIR/modules.list in an order insmod can follow.  A dependency is
# taken from the given files first (our modules need each other) and from
# Debian's tree otherwise.
pack_set()
{
	local dir=$1 item origin file name dep f pending progress left ready
	local -A path deps from given
	local -a queue=() order=()
	shift

	mkdir -p "$dir"
	for item in "$@"; do
		file=${item#*:}
		given[$(normalize "$(modinfo -F name "$file")")]=$item
		queue+=("$item")
	done
	while [ ${#queue[@]} -gt 0 ]; do
		item=${queue[0]}
		queue=("${queue[@]:1}")
		origin=${item%%:*}
		file=${item#*:}
		name=$(normalize "$(modinfo -F name "$file")")
		[ -z "${path[$name]:-}" ] || continue
		path[$name]=$dir/$name.ko
		from[$name]=$origin
		order+=("$name")
		install_module "$file" "${path[$name]}"
		deps[$name]=$(modinfo -F depends "$file" | tr , ' ')
		for dep in ${deps[$name]}; do
			dep=$(normalize "$dep")
			[ -z "${path[$dep]:-}" ] || continue
			if [ -n "${given[$dep]:-}" ]; then
				queue+=("${given[$dep]}")
				continue
			fi
			f=$(debian_module_file "$dep")
			[ -n "$f" ] || die "module $name needs $dep, which $moddir does not have"
			queue+=("debian:$moddir/$f")
		done
	done

	# Emit a module only once everything it depends on has been emitted;
	# otherwise keep the order the modules were given in.
	: >"$dir/modules.list"
	pending=${order[*]}
	while [ -n "$pending" ]; do
		progress=""
		left=""
		for name in $pending; do
			ready=1
			for dep in ${deps[$name]}; do
				dep=$(normalize "$dep")
				grep -q "^$dep " "$dir/modules.list" || ready=""
			done
			if [ -n "$ready" ]; then
				echo "$name /${path[$name]#"$stage"/} ${from[$name]}" \
				     "$(build_id_hash "${path[$name]}")" >>"$dir/modules.list"
				progress=1
			else
				left="$left $name"
			fi
		done
		[ -n "$progress" ] || die "circular module dependencies among:$left"
		pending=$left
	done
}

debian_set()
{
	local name f
	local -a files=()

	for name in $1; do
		f=$(debian_module_file "$name")
		[ -n "$f" ] || die "Debian has no module $name in $moddir"
		files+=("debian:$moddir/$f")
	done
	[ ${#files[@]} -eq 0 ] || pack_set "$2" "${files[@]}"
}

# Our modules are what the last build listed in modules.order (kbuild writes
# it at the top of the tree), so stale .ko files of removed modules stay out.
ours_set()
{
	local tree=$1 obj
	local -a files=()

	[ -r "$tree/modules.order" ] || die "$tree/modules.order missing: build the modules first (make modules)"
	while read -r obj; do
		# Entries are .o or .ko, relative to the tree or absolute.
		[ "${obj#/}" != "$obj" ] || obj=$tree/$obj
		obj=${obj%.o}
		obj=${obj%.ko}.ko
		[ -r "$obj" ] || die "$obj listed in modules.order but not built"
		files+=("ours:$obj")
	done <"$tree/modules.order"
	[ ${#files[@]} -gt 0 ] || die "$tree/modules.order lists no module"
	pack_set "$2" "${files[@]}"
}

if [ -n "$ours" ]; then
	ours_set "$ours" "$stage/lib/modules-ours"
fi
debian_set "$DEBIAN_MODULES" "$stage/lib/modules-debian"
debian_set "$extra" "$stage/lib/modules-extra"

# Applets are linked at boot by `busybox --install`: that also works when the
# guest's busybox cannot run on this host.
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"

here=$(dirname "$0")
install -m 755 "$here/guest/init" "$stage/init"
install -m 644 "$here/guest/lib.sh" "$here/tap-count.awk" "$stage/lib/vfio-vm/"
install -m 755 "$payload" "$stage/payload.sh"
install -m 644 "$conf" "$stage/etc/vfio-vm.conf"

for item in "${dirs[@]}"; do
	src=${item%%:*}
	dest=$stage/${item#*:}
	mkdir -p "$dest"
	[ -d "$src" ] || continue
	find "$src" -maxdepth 1 -type f -perm -u+x -exec cp {} "$dest/" \;
done

# Without /dev/console in the archive the kernel starts /init with no output
# until /init mounts devtmpfs; only root may create the node, /init copes
# without it.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --owner=0:0 --quiet) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$stage"
