#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runner self-test (tools/vm/selftest.sh): the kernel panics under the
# suite (sysrq c). The VM resets at once (panic=-1, -no-reboot), so no
# dmesg and no exit status are saved: run-vm must fail the run from the
# serial log alone.
echo "selftest-crash: crashing the kernel"
sync
echo c > /proc/sysrq-trigger
sleep 60
echo "selftest-crash: still alive"
