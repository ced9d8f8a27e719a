#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Documentation checks, on the host, in a few seconds; prints TAP:
#  - Documentation/vfio.rst renders with docutils (rst2html from
#    python3-docutils) without an error or a warning;
#  - scripts/kernel-doc -none finds nothing wrong in the kernel-doc of
#    every C file under drivers/vfio and of the VFIO headers;
#  - every exported symbol has kernel-doc (data, which kernel-doc cannot
#    describe, a comment right above its definition), and so has every
#    struct, union and enum of include/linux/vfio*.h and of the uapi.
#
# kernel-doc is the one of the extracted linux-source-6.12 ($KSRC), else
# the one of the newest 6.12 headers package.

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=${KSRC:-/var/cache/vfio/linux-source-6.12}
n=0
failed=0

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

skip()
{
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# comment TEXT: TEXT, if any, as TAP comment lines.
comment()
{
	[ -z "$1" ] || printf '%s\n' "$1" | sed 's/^/# /'
}

kerneldoc=$src/scripts/kernel-doc
if [ ! -x "$kerneldoc" ]; then
	kerneldoc=$(ls -d /usr/src/linux-headers-6.12.*+deb12-common 2>/dev/null |
		    sort -V | tail -1)/scripts/kernel-doc
fi
rst2html=$(command -v rst2html || true)

cd "$top" || exit 1
mapfile -t sources < <(git ls-files -co --exclude-standard 'drivers/vfio/*.c' |
		       sort -u)
headers=(include/linux/vfio.h include/linux/vfio_pci_core.h
	 include/uapi/linux/vfio.h)

echo "TAP version 13"
[ "${#sources[@]}" -gt 0 ]
result $? "git lists the C files under drivers/vfio (${#sources[@]})"

# The HTML itself is not kept: only the verdict matters here.
if [ -z "$rst2html" ]; then
	skip "Documentation/vfio.rst renders cleanly" "no rst2html (python3-docutils)"
else
	out=$("$rst2html" --halt=warning --report=warning \
	      Documentation/vfio.rst 2>&1 >/dev/null)
	rc=$?
	[ "$rc" = 0 ] && [ -z "$out" ]
	result $? "Documentation/vfio.rst renders cleanly with docutils"
	comment "$out"
fi

if [ ! -x "$kerneldoc" ]; then
	skip "kernel-doc" "no scripts/kernel-doc in $src or the 6.12 headers"
	echo "1..$n"
	exit "$failed"
fi

for file in "${sources[@]}" "${headers[@]}"; do
	out=$("$kerneldoc" -none -Wall "$file" 2>&1)
	[ -z "$out" ]
	result $? "kernel-doc -none $file"
	comment "$out"
done

# What kernel-doc documents, by name: it prints a ".. c:<kind>:: ..."
# line for each, where the name is the last word before " (", the
# parameter list of a function or macro, or the only word of a type.
documented()
{
	"$kerneldoc" -rst -sphinx-version 3 "$@" 2>/dev/null |
		sed -n 's/^\.\. c:[a-z]*:: //p' | sed 's/ (.*//' |
		awk '{ sub(/^[*]+/, "", $NF); print $NF }' | sort -u
}

# Exported data (a const struct, a table) cannot carry kernel-doc: it
# counts as documented with a comment ending right above its definition.
data_commented()
{
	local sym=$1 file line

	for file in "${sources[@]}"; do
		line=$(grep -nE "^[a-z].*[^a-z0-9_]$sym( =|\\[|;)" "$file" | head -1 | cut -d: -f1)
		[ -n "$line" ] || continue
		[ "$line" -gt 1 ] &&
			sed -n "$((line - 1))p" "$file" | grep -qx ' \*/'
		return
	done
	return 1
}

docs=$(documented -export "${sources[@]}" "${headers[@]}")
missing=""
for sym in $(grep -ho 'EXPORT_SYMBOL[A-Z_]*([a-zA-Z0-9_]*' "${sources[@]}" |
	     sed 's/.*(//' | sort -u); do
	grep -qx "$sym" <<<"$docs" || data_commented "$sym" ||
		missing="$missing $sym"
done
[ -z "$missing" ]
result $? "every exported symbol has kernel-doc${missing:+ (missing:$missing)}"

for file in "${headers[@]}"; do
	docs=$(documented "$file")
	missing=""
	for type in $(grep -oE '^(struct|union|enum) [a-zA-Z0-9_]+ \{' "$file" |
		      awk '{ print $2 }' | sort -u); do
		grep -qx "$type" <<<"$docs" || missing="$missing $type"
	done
	[ -z "$missing" ]
	result $? "every struct, union and enum of $file has kernel-doc${missing:+ (missing:$missing)}"
done

echo "1..$n"
exit "$failed"
