#!/bin/sh
# Extract the parts of Debian's linux-source tarball the project uses
# (checkpatch and its data files, the vfio-mdev samples) into
# build/linux-source-<ver>/ and print that directory. Nothing from it is
# committed; it is unpacked at build/test time.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tarball=$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
if [ -z "$tarball" ]; then
	echo "linux-source.sh: no /usr/src/linux-source-*.tar.xz (run make deps)" >&2
	exit 1
fi
name=$(basename "$tarball" .tar.xz)
dest="$ROOT/build/$name"
stamp="$dest/.extracted"
if [ ! -e "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
	mkdir -p "$ROOT/build"
	rm -rf "$dest"
	tar -xJf "$tarball" -C "$ROOT/build" \
		"$name/scripts/checkpatch.pl" \
		"$name/scripts/spelling.txt" \
		"$name/scripts/const_structs.checkpatch" \
		"$name/samples/vfio-mdev" \
		"$name/Documentation/driver-api/vfio-mediated-device.rst" \
		"$name/Documentation/ABI/testing/sysfs-bus-vfio-mdev" >&2
	touch "$stamp"
fi
echo "$dest"
