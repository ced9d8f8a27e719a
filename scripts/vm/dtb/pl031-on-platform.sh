#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DTB edit for run.sh --dtb-edit: move the virt machine's PL031 RTC from
# the AMBA bus to the platform bus.  The kernel makes an AMBA device of a
# node only when it is compatible with "arm,primecell"; keeping just
# "arm,pl031" makes it a plain platform device, so that the same hardware
# can be tested through vfio-platform as well as vfio-amba.

set -eu
dtb=$1

node=$(fdtget -l "$dtb" / | grep '^pl031@' | head -n 1)
[ -n "$node" ] || { echo "${0##*/}: no pl031 node in $dtb" >&2; exit 1; }
fdtput -t s "$dtb" "/$node" compatible arm,pl031
echo "${0##*/}: /$node is now compatible only with $(fdtget "$dtb" "/$node" compatible)"
