#!/bin/sh
# Run checkpatch.pl --strict (from Debian's linux-source) over every C source
# and header of the project, or over the files given as arguments.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
src=$("$ROOT/tools/linux-source.sh")
cd "$ROOT"
if [ $# -eq 0 ]; then
	set -- $(git ls-files '*.c' '*.h')
fi
[ $# -gt 0 ] || exit 0
# Batches of files on every core; fails if any batch has a finding.
printf '%s\0' "$@" | xargs -0 -n 24 -P "$(nproc)" \
	perl "$src/scripts/checkpatch.pl" --no-tree --strict --terse \
	--show-types --ignore FILE_PATH_CHANGES,LINUX_VERSION_CODE -f
