#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runner self-test (tools/vm/selftest.sh): a suite that never ends. run-vm
# must stop it at its --timeout, fail the run and keep the logs.
echo "selftest-hang: sleeping forever"
while :; do
	sleep 3600
done
