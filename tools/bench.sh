#!/bin/sh
# make bench: run every benchmark command the build.mk fragments registered
# (BENCH_CMDS) and pass their "key: value" lines and "# how" comments through.
# A benchmark that fails makes the whole run fail, after the others ran.
set -u
rc=0
echo "# vGPU stack figures ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores)"
for cmd in "$@"; do
	if ! $cmd; then
		echo "# FAILED: $cmd"
		rc=1
	fi
done
exit $rc
