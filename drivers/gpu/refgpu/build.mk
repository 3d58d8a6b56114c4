# SPDX-License-Identifier: GPL-2.0
#
# drivers/gpu/refgpu/: the reference GPU's portable command executor built
# for userspace, its unit tests with golden results (IGT protocol), and a
# compile check of the test interface header used by the VM test.

RG_DIR		:= $(ROOT)/drivers/gpu/refgpu
RG_OBJ		:= $(BUILD)/obj/refgpu
include $(RG_DIR)/exec/sources.mk

RG_EXEC_OBJS	:= $(addprefix $(RG_OBJ)/exec/,$(REFGPU_EXEC_SRCS:.c=.o))
RG_TEST_OBJS	:= $(RG_OBJ)/tests/exec_env.o $(RG_OBJ)/tests/exec_model.o
# Handlers and subtests take arguments they do not all use; the kernel
# build does not warn about that either.
RG_CFLAGS	:= -iquote $(RG_DIR)/exec -iquote $(RG_DIR)/tests \
		   -iquote $(ROOT)/igt-tests/lib -Wno-unused-parameter -MMD -MP

RG_TESTS	:= $(BUILD)/bin/tests/refgpu_exec_test
RG_FUZZ_TEST	:= $(BUILD)/bin/tests/refgpu_exec_fuzz
RG_FUZZER	:= $(BUILD)/bin/refgpu_exec_fuzzer
RG_FUZZ_WORK	:= $(BUILD)/refgpu-fuzz

USER_BINS	+= $(RG_TESTS) $(RG_FUZZ_TEST) $(RG_FUZZER)
UNIT_TESTS	+= $(RG_TESTS) $(RG_FUZZ_TEST)

$(RG_OBJ)/%.o: $(RG_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(RG_CFLAGS) -c -o $@ $<

$(BUILD)/bin/tests/refgpu_exec_test: $(RG_OBJ)/tests/refgpu_exec_test.o \
		$(RG_TEST_OBJS) $(RG_EXEC_OBJS) $(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

# The fuzzer: clang with libFuzzer, ASan and UBSan, executor included. Not
# static (the sanitizer runtimes need the dynamic loader).
RG_FUZZ_CC	:= clang
RG_FUZZ_CFLAGS	:= -O1 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		   -Wno-unused-parameter \
		   -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=undefined \
		   -Drefgpu_exec_fuzz_one=LLVMFuzzerTestOneInput \
		   -iquote $(ROOT)/include -I$(ROOT)/include/uapi \
		   -iquote $(RG_DIR)/exec
RG_FUZZ_SRCS	:= $(addprefix $(RG_DIR)/exec/,$(REFGPU_EXEC_SRCS)) \
		   $(RG_DIR)/tests/refgpu_exec_fuzz.c

$(RG_FUZZER): $(RG_FUZZ_SRCS) $(wildcard $(RG_DIR)/exec/*.h) \
		$(wildcard $(ROOT)/include/vgpu/*.h) \
		$(ROOT)/include/uapi/linux/vgpu_if.h
	@mkdir -p $(dir $@)
	$(RG_FUZZ_CC) $(RG_FUZZ_CFLAGS) -o $@ $(RG_FUZZ_SRCS)

$(RG_FUZZ_TEST): $(RG_DIR)/tests/refgpu_exec_fuzz.sh.in $(RG_FUZZER)
	@mkdir -p $(dir $@)
	sed -e 's|@FUZZER@|$(RG_FUZZER)|' -e 's|@WORK@|$(RG_FUZZ_WORK)|' \
	    -e 's|@IGT_LIB@|$(ROOT)/igt-tests/lib|' $< > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

-include $(wildcard $(RG_OBJ)/*/*.d)
