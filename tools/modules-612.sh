#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# modules-612.sh [--iommufd]: build the kernel modules against a Linux 6.12
# in a copy of this tree and print the copy's path. Kbuild writes its
# objects next to the sources: building here would replace the 6.1 modules
# the test VMs load by default. The copy is refreshed file by file (cp -u
# keeps the times, so the build is incremental) and is what "run-vm
# --koroot" loads modules from.
#
#   (default)   Debian 12 backports' 6.12 (tools/kernel-612.sh), in
#               build/k612/tree, with the kernel's mdev samples from that
#               release's source (the mdev-compat suite runs them)
#   --iommufd   the iommufd host kernel built from its source
#               (tools/vm/host-kernel.sh), in build/k612-iommufd/tree; no
#               samples (mdpy-fb needs fbdev, which that kernel leaves
#               out) and no guest driver (no DRM KMS helpers)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)

case ${1:-} in
'')
	TREE=$ROOT/build/k612/tree
	kdir=$("$ROOT/tools/kernel-612.sh")
	samples=$("$ROOT/tools/kernel-612.sh" --source)/samples/vfio-mdev
	;;
--iommufd)
	TREE=$ROOT/build/k612-iommufd/tree
	kdir=$("$ROOT/tools/vm/host-kernel.sh")
	samples=
	;;
*)
	echo "usage: modules-612.sh [--iommufd]" >&2
	exit 2
	;;
esac

mkdir -p "$TREE"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -a -u -t "$TREE")
make -C "$TREE" --no-print-directory KDIR="$kdir" modules >&2
# The kernel's mdev samples, against the copy's Module.symvers, into
# <copy>/build/samples.
[ -z "$samples" ] ||
	KDIR=$kdir SAMPLES_SRC=$samples "$TREE/tools/build-samples.sh" >&2
echo "$TREE"
