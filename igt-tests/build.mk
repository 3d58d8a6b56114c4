# SPDX-License-Identifier: GPL-2.0
#
# igt-tests/: the IGT-protocol test library (libigt: igt_core, the VFIO
# harness, mdev sysfs helpers, the reference GPU's render-node client),
# the vGPU tests' guest driver (libvg: vglib/vgpu_guest.c,
# vglib/vgpu_display.c), the igt-run runner, their self tests, and every
# test dropped in as igt-tests/tests/<name>.c, built as
# build/bin/tests/<name> linked against libvg, the command encoder and
# libigt.

# Not IGT_DIR: that names an upstream IGT build on make igt-guest's command
# line, which would override any makefile assignment of the same name.
IGT_SRC		:= $(ROOT)/igt-tests
IGT_OBJ		:= $(BUILD)/obj/igt-tests
IGT_BIN		:= $(BUILD)/bin
# -I for drm.h, which the DRM uAPI headers of include/uapi/drm include
# (libdrm-dev's copy).
IGT_CFLAGS	:= -iquote $(IGT_SRC)/lib -I/usr/include/libdrm -MMD -MP
# The tests (and libvg itself) include vgpu_guest.h and vgpu_display.h.
$(IGT_OBJ)/tests/%.o $(IGT_OBJ)/vglib/%.o: IGT_CFLAGS += -iquote $(IGT_SRC)/vglib

IGT_LIB		:= $(LIBIGT)
IGT_LIB_OBJS	:= $(addprefix $(IGT_OBJ)/lib/, \
		   igt_core.o vfio_harness.o vfio_iommufd.o mdev_sysfs.o \
		   drm_prime.o refgpu_client.o)

# The vGPU tests' guest driver, compiled once.
IGT_VG_LIB	:= $(IGT_OBJ)/libvg.a
IGT_VG_LIB_OBJS	:= $(addprefix $(IGT_OBJ)/vglib/, vgpu_guest.o vgpu_display.o)

IGT_RUN		:= $(IGT_BIN)/igt-run
IGT_RUN_OBJS	:= $(addprefix $(IGT_OBJ)/runner/, \
		   igt_run.o exec.o kmsg.o results.o summarize.o json.o \
		   strbuf.o)
# The runner pieces the self test links directly (JSON reader and escaping,
# running a process with its output captured, reading kernel log records).
IGT_RUN_SHARED_OBJS := $(addprefix $(IGT_OBJ)/runner/, json.o strbuf.o exec.o \
		       kmsg.o)

# Self tests: the subjects fail on purpose, so they are no unit test.
IGT_SUBJECTS	:= $(IGT_BIN)/igt-selftest-subjects
IGT_SELFTESTS	:= $(IGT_BIN)/igt-runner-selftest \
		   $(IGT_BIN)/igt-harness-selftest
IGT_SELFTEST_WORK := $(BUILD)/igt-selftest

# Tests the coordinator drops in: igt-tests/tests/<name>.c.
IGT_TEST_SRCS	:= $(wildcard $(IGT_SRC)/tests/*.c)
IGT_TESTS	:= $(patsubst $(IGT_SRC)/tests/%.c,$(IGT_BIN)/tests/%, \
		   $(IGT_TEST_SRCS))

USER_BINS	+= $(IGT_RUN) $(IGT_SUBJECTS) $(IGT_SELFTESTS) $(IGT_TESTS)
UNIT_TESTS	+= $(IGT_SELFTESTS)

$(IGT_OBJ)/%.o: $(IGT_SRC)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(IGT_CFLAGS) -c -o $@ $<

# Where the runner self test finds what it drives; paths are the same in
# the test VMs, which see this tree at the same place.
$(IGT_OBJ)/selftest/runner_selftest.o: IGT_CFLAGS += \
	-DIGT_BIN_DIR='"$(IGT_BIN)"' -DIGT_SRC_DIR='"$(IGT_SRC)"' \
	-DIGT_WORK_DIR='"$(IGT_SELFTEST_WORK)"'
$(IGT_OBJ)/selftest/harness_selftest.o: IGT_CFLAGS += \
	-DIGT_WORK_DIR='"$(IGT_SELFTEST_WORK)"'
# vgpu_fuzz's seed corpus, kept in the tree (docs/testing.md, "Fuzzing").
$(IGT_OBJ)/tests/vgpu_fuzz.o: IGT_CFLAGS += \
	-DVGPU_FUZZ_CORPUS='"$(IGT_SRC)/fuzz/corpus"'

$(IGT_LIB): $(IGT_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(IGT_VG_LIB): $(IGT_VG_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(IGT_RUN): $(IGT_RUN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(IGT_SUBJECTS): $(IGT_OBJ)/selftest/subjects.o $(IGT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

# The runner self test drives igt-run and the subjects: build them first.
$(IGT_BIN)/igt-runner-selftest: $(IGT_OBJ)/selftest/runner_selftest.o \
		$(IGT_OBJ)/selftest/selftest_util.o $(IGT_RUN_SHARED_OBJS) $(IGT_LIB) | $(IGT_RUN) $(IGT_SUBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(IGT_BIN)/igt-harness-selftest: $(IGT_OBJ)/selftest/harness_selftest.o \
		$(IGT_OBJ)/selftest/selftest_util.o $(IGT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(IGT_TESTS): $(IGT_BIN)/tests/%: $(IGT_OBJ)/tests/%.o $(IGT_VG_LIB) \
		$(LIBVGPUCMD) $(IGT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

-include $(wildcard $(IGT_OBJ)/*/*.d)
