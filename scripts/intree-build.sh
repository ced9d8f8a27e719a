#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build this tree in-tree: put it in place of drivers/vfio and the VFIO
# headers of a copy of Debian's linux-source-6.12, configure that copy
# with Debian's own kernel config, and build drivers/vfio there with W=1.
# Prints TAP; fails on any build error and on any compiler, modpost or
# Kconfig warning.
#
# The extracted source ($KSRC) is never written to: the build runs in a
# copy, $INTREE_CACHE/linux, kept with its modules_prepare outputs and
# made again only for a new release of the source.  The first run takes
# a few minutes (the copy, modules_prepare: objtool, resolve_btfids, ...),
# later ones about a minute, most of it the build of our modules.
# Besides what scripts/setup.sh installs, it needs flex, bison, bc,
# libelf-dev and libssl-dev.
#
# Config: the newest /boot/config-6.12.*+deb12-amd64, plus the options
# only this tree has (the top Makefile's VFIO_OPTIONS), minus what needs
# the mediated-device framework, which this tree does not have (i915
# GVT-g's KVMGT, the mdev samples).
#
# Settings: KSRC, INTREE_CACHE, KCONFIG_BASE (the config to start from),
# PREPARE_TIMEOUT (seconds for modules_prepare, 1800), BUILD_TIMEOUT (600).

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=${KSRC:-/var/cache/vfio/linux-source-6.12}
cache=${INTREE_CACHE:-/var/cache/vfio/intree}
tree=$cache/linux
base=${KCONFIG_BASE:-$(ls /boot/config-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -1)}
prepare_timeout=${PREPARE_TIMEOUT:-1800}
build_timeout=${BUILD_TIMEOUT:-600}
n=0
failed=0

msg()
{
	printf '# %s\n' "$*"
}

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

# bail REASON: stop here; the steps after this one cannot run.
bail()
{
	result 1 "$1"
	echo "1..$n"
	exit 1
}

# show_tail LOG: the end of a failed step's log, as TAP comments.
show_tail()
{
	tail -n 30 "$1" | sed 's/^/# /'
}

# Our options from the top Makefile (VFIO_OPTIONS := CONFIG_X=y ...), so
# the in-tree build compiles what the out-of-tree one does.
vfio_options()
{
	sed -n 's/^VFIO_OPTIONS[[:space:]]*:=[[:space:]]*//p' "$top/Makefile" |
		tr ' ' '\n' | sed -n 's/^CONFIG_\([A-Z0-9_]*=[ym]\)$/\1/p'
}

# Changes to Debian's config, one "SYMBOL=VALUE" (n: off) a line.
config_edits()
{
	vfio_options
	# Users of the mediated-device framework, which this tree lacks.
	echo DRM_I915_GVT_KVMGT=n
	echo SAMPLE_VFIO_MDEV_MTTY=n
	echo SAMPLE_VFIO_MDEV_MDPY=n
	echo SAMPLE_VFIO_MDEV_MDPY_FB=n
	echo SAMPLE_VFIO_MDEV_MBOCHS=n
}

# The files of ours that go into the kernel tree: drivers/vfio and the
# headers, as git sees the working tree (tracked and new, not ignored).
our_files()
{
	git -C "$top" ls-files -co --exclude-standard -- drivers/vfio \
		include/linux/vfio.h include/linux/vfio_pci_core.h \
		include/uapi/linux/vfio.h
}

# `make test` may run as a user who cannot write the cache.
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	echo "ok 1 - in-tree build # SKIP cannot write $cache (make it writable, or set INTREE_CACHE)"
	echo "1..1"
	exit 0
fi
# One build at a time in the cached tree.
exec 9>"$cache/lock"
flock 9

[ -f "$src/Makefile" ] || bail "no kernel source in $src (scripts/setup.sh extracts it)"
[ -r "$base" ] || bail "no Debian kernel config /boot/config-6.12.*+deb12-amd64"
msg "source $src, config $base, tree $tree"

# What a kernel build needs beyond what scripts/setup.sh installs.
need=""
command -v flex >/dev/null || need="$need flex"
command -v bison >/dev/null || need="$need bison"
command -v bc >/dev/null || need="$need bc"
[ -r /usr/include/libelf.h ] || need="$need libelf-dev"
[ -r /usr/include/openssl/ssl.h ] || need="$need libssl-dev"
[ -z "$need" ] || bail "missing packages: apt-get install$need"

# The cached copy is of one release of the source ($source_key, its
# version lines) and was prepared with one config ($key).
source_key=$(sed -n '1,6p' "$src/Makefile" | sha256sum | cut -d' ' -f1)
key=$( { echo "$source_key"; cat "$base"; config_edits; } | sha256sum | cut -d' ' -f1)

# 1. The copy (cached).
if [ "$(cat "$tree/.vfio-intree-source" 2>/dev/null)" != "$source_key" ]; then
	msg "copying $src (the cached tree is missing or stale)"
	rm -rf "$tree" "$tree.tmp"
	mkdir -p "$cache"
	cp -a "$src" "$tree.tmp"
	echo "$source_key" >"$tree.tmp/.vfio-intree-source"
	mv "$tree.tmp" "$tree"
fi

# 2. Our tree in place of the kernel's VFIO.  Everything under
# drivers/vfio goes: the subdirectories we do not have (mdev, cdx,
# fsl-mc, the PCI variant drivers) are sourced only by the Kconfig and
# Makefile we replace.
rm -rf "$tree/drivers/vfio"
(cd "$top" && our_files | cpio -pdu --quiet "$tree")
grep -q '^source "drivers/vfio/Kconfig"' "$tree/drivers/Kconfig" &&
grep -q '^obj-$(CONFIG_VFIO)[[:space:]]*+= vfio/' "$tree/drivers/Makefile"
result $? "drivers/Kconfig and drivers/Makefile reach our drivers/vfio"
refs=$(grep -rnE 'drivers/vfio/(mdev|cdx|fsl-mc)|drivers/vfio/pci/[a-z0-9_-]+/' \
	--include='Kconfig*' --include=Makefile --include=Kbuild "$tree" || true)
[ -z "$refs" ]
result $? "nothing refers to VFIO subdirectories this tree does not have"
[ -z "$refs" ] || printf '%s\n' "$refs" | sed 's/^/# /'

# Kconfig says nothing about a select of, or a dependency on, a symbol
# nobody declares: look for VFIO symbols the rest of the kernel uses that
# our Kconfig does not declare.  VFIO_MDEV is known to be missing: this
# tree has no mediated-device framework, and config_edits turns its users
# off.
declared=$(find "$tree" -name 'Kconfig*' -not -path '*/Documentation/*' \
	   -exec sed -nE 's/^[[:space:]]*(menu)?config[[:space:]]+([A-Z0-9_]+).*/\2/p' {} + |
	   sort -u)
used=$(find "$tree" -name 'Kconfig*' -not -path "$tree/drivers/vfio/*" \
       -not -path '*/Documentation/*' -exec grep -hE \
       '^[[:space:]]*(select|imply|depends on|default|if|visible if)[[:space:]]' {} + |
       grep -oE '\b[A-Z0-9_]*VFIO[A-Z0-9_]*\b' | sort -u)
undeclared=$(comm -23 <(echo "$used") <(echo "$declared") | { grep -vx VFIO_MDEV || true; } | tr '\n' ' ')
[ -z "$undeclared" ]
result $? "our Kconfig declares the VFIO symbols the kernel uses${undeclared:+ (missing: $undeclared)}"

# 3. Configure: Debian's config, our edits, olddefconfig.  Any Kconfig
# warning (an unmet dependency, a bad value) fails.
log=$cache/olddefconfig.log
cp "$base" "$tree/.config"
config_edits | while IFS='=' read -r sym val; do
	case "$val" in
	n) "$tree/scripts/config" --file "$tree/.config" --disable "$sym" ;;
	*) "$tree/scripts/config" --file "$tree/.config" --set-val "$sym" "$val" ;;
	esac
done
if make -C "$tree" -s olddefconfig >"$log" 2>&1 && ! grep -qi warning "$log"; then
	result 0 "olddefconfig with Debian's config is clean"
else
	show_tail "$log"
	bail "olddefconfig with Debian's config (log: $log)"
fi
bad=""
for want in VFIO=m VFIO_IOMMU_TYPE1=m VFIO_PCI_CORE=m VFIO_PCI=m $(vfio_options); do
	grep -qx "CONFIG_$want" "$tree/.config" || bad="$bad $want"
done
[ -z "$bad" ]
result $? "the config builds our modules${bad:+ (missing:$bad)}"

log=$cache/modules_prepare.log
if [ "$(cat "$tree/.vfio-intree-key" 2>/dev/null)" = "$key" ]; then
	msg "modules_prepare: cached"
else
	msg "modules_prepare (a few minutes the first time; log: $log)"
fi
# W=1 here too: every make in the tree must see the same flags, or each
# one rebuilds the host tools the one before built.
if timeout "$prepare_timeout" make -C "$tree" -j2 W=1 modules_prepare >"$log" 2>&1; then
	echo "$key" >"$tree/.vfio-intree-key"
	result 0 "modules_prepare"
else
	show_tail "$log"
	bail "modules_prepare (exit status $?; log: $log)"
fi

# The exports of the kernel and of every other module, from the headers
# package of the same release, so that modpost checks our imports; minus
# Debian's own VFIO, whose exports ours replace.
headers=$(ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null | sort -V | tail -1)
if [ -r "$headers/Module.symvers" ]; then
	grep -v '[[:space:]]drivers/vfio/' "$headers/Module.symvers" >"$tree/Module.symvers"
else
	msg "no Module.symvers in the headers: modpost cannot check imports"
fi

# 4. The build.  Every module from scratch, so that each file's warnings
# are seen on every run.
log=$cache/build.log
make -C "$tree" M=drivers/vfio clean >/dev/null 2>&1 || true
if timeout "$build_timeout" make -C "$tree" -j2 M=drivers/vfio W=1 modules >"$log" 2>&1; then
	result 0 "make M=drivers/vfio W=1"
else
	show_tail "$log"
	bail "make M=drivers/vfio W=1 (exit status $?; log: $log)"
fi
warnings=$(grep -iE 'warning|error' "$log" || true)
[ -z "$warnings" ]
result $? "no warnings in the build (log: $log)"
[ -z "$warnings" ] || printf '%s\n' "$warnings" | sed 's/^/# /'

# KVM's VFIO device (CONFIG_KVM_VFIO, built into kvm) is the user of our
# <linux/vfio.h> outside drivers/vfio in Debian's x86 config; it is built
# from arch/x86/kvm.
log=$cache/kvm-vfio.log
if grep -qx 'CONFIG_KVM_VFIO=y' "$tree/.config" && [ -d "$tree/arch/x86/kvm" ]; then
	rm -f "$tree/virt/kvm/vfio.o"
	timeout "$build_timeout" make -C "$tree" -j2 W=1 \
		arch/x86/kvm/../../../virt/kvm/vfio.o >"$log" 2>&1 &&
		! grep -qiE 'warning|error' "$log"
	rc=$?
	result "$rc" "KVM's virt/kvm/vfio.c builds against our <linux/vfio.h> without warnings"
	[ "$rc" = 0 ] || show_tail "$log"
fi

kos=$(cd "$tree" && find drivers/vfio -name '*.ko' | sort | tr '\n' ' ')
for ko in vfio vfio_iommu_type1 pci/vfio-pci-core pci/vfio-pci; do
	[ -f "$tree/drivers/vfio/$ko.ko" ]
	result $? "built drivers/vfio/$ko.ko"
done
msg "modules: $kos"

echo "1..$n"
exit "$failed"
