#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runner self-test (tools/vm/selftest.sh): a suite that logs a kernel-style
# warning through /dev/kmsg and then exits 1. run-vm must fail it and name
# both reasons.
echo "selftest-bad: WARNING: CPU: 0 PID: $$ at selftest_bad+0x0/0x10" \
	> /dev/kmsg
echo "selftest-bad: exiting 1"
exit 1
