#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# shadow-tree.sh SRC DEST: make DEST a tree of symlinks to the kbuild
# sources of SRC (C files, headers, Kbuild/Makefile/Kconfig), so that a
# second build of the same modules, for another architecture, keeps its
# objects in DEST.  Run again to pick up new files; links to files that
# are gone are removed, objects are kept for incremental builds.

set -euo pipefail

[ $# = 2 ] || { echo "usage: ${0##*/} SRC DEST" >&2; exit 2; }
src=$(cd "$1" && pwd)
mkdir -p "$2"
dest=$(cd "$2" && pwd)

cd "$src"
find Kbuild drivers tools/testing/selftests/vfio/mock \
	tools/testing/selftests/vfio/type1_pin -type f \
	\( -name '*.[chS]' ! -name '*.mod.c' -o -name Kbuild -o -name Makefile \
	   -o -name Kconfig \) 2>/dev/null |
while read -r f; do
	mkdir -p "$(dirname "$dest/$f")"
	[ "$(readlink "$dest/$f" 2>/dev/null)" = "$src/$f" ] ||
		ln -sfn "$src/$f" "$dest/$f"
done
find "$dest" -xtype l -delete
