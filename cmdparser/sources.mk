# SPDX-License-Identifier: GPL-2.0
#
# The parser's sources, relative to cmdparser/. Shared by build.mk (the
# userspace build) and by any Kbuild file that links the parser into a
# module (for example: vgpu-y += $(addprefix ../../../cmdparser/,
# $(CMDPARSER_SRCS:.c=.o))). They include only "vgpu/portable.h", the
# command subset ("vgpu/cmd_subset.h" and its rows), <linux/vgpu_if.h> and
# the parser's own headers.

CMDPARSER_SRCS	:= cmd_table.c scan.c policy.c
