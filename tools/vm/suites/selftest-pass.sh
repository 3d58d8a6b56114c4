#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runner self-test (tools/vm/selftest.sh): a suite that does everything
# right. It checks its environment, leaves a file in RESULTS_DIR for the
# host to find and exits 0; run-vm must pass it.
set -u
[ -f "$VGPU_ROOT/tools/vm/lib.sh" ] || { echo "bad VGPU_ROOT"; exit 1; }
[ "$KVER" = "$(uname -r)" ] || { echo "bad KVER"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "not root"; exit 1; }
echo "selftest-pass $KVER" > "$RESULTS_DIR/selftest-pass.txt"
echo "selftest-pass: done"
