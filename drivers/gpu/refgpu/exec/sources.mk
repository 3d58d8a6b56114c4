# SPDX-License-Identifier: GPL-2.0
#
# The executor's portable sources, relative to drivers/gpu/refgpu/exec/.
# Shared by ../build.mk (userspace tests) and ../Kbuild (refgpu.ko).

REFGPU_EXEC_SRCS	:= exec_step.c exec_mi.c exec_blt.c exec_mem.c
