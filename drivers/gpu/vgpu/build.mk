# SPDX-License-Identifier: GPL-2.0
#
# drivers/gpu/vgpu/: the parent driver is built by Kbuild; its tests are
# igt-tests/tests/vgpu_*.c. Here: the VM benchmark of make bench.

BENCH_CMDS	+= $(ROOT)/drivers/gpu/vgpu/vm-bench.sh
