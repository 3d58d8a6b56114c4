# SPDX-License-Identifier: GPL-2.0
#
# The scheduler's portable sources, for every build that links them: the
# userspace tests (build.mk) and kernel modules (a Kbuild file includes this
# and adds $(VSCHED_SRCS:.c=.o) with its path prefix to its objects).

VSCHED_SRCS	:= sched_core.c sched_entity.c sched_vtime.c sched_cap.c \
		   sched_policy.c sched_engine.c sched_watchdog.c sched_stats.c
