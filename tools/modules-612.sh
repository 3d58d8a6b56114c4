#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the kernel modules against Debian 12 backports' Linux 6.12
# (tools/kernel-612.sh) in a copy of this tree, build/k612/tree, and print
# the copy's path. Kbuild writes its objects next to the sources: building
# here would replace the 6.1 modules the test VMs load by default. The
# copy is refreshed file by file (cp -u keeps the times, so the build is
# incremental) and is what "run-vm --koroot" loads modules from. The
# kernel's mdev samples are built there too, from 6.12's linux-source.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TREE=$ROOT/build/k612/tree

kdir=$("$ROOT/tools/kernel-612.sh")
mkdir -p "$TREE"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -a -u -t "$TREE")
make -C "$TREE" --no-print-directory KDIR="$kdir" modules >&2
# The kernel's mdev samples from 6.12's own source, against the copy's
# Module.symvers, into build/k612/tree/build/samples.
src=$("$ROOT/tools/kernel-612.sh" --source)
KDIR=$kdir SAMPLES_SRC=$src/samples/vfio-mdev "$TREE/tools/build-samples.sh" >&2
echo "$TREE"
