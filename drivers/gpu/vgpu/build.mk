# SPDX-License-Identifier: GPL-2.0
#
# drivers/gpu/vgpu/: the parent driver is built by Kbuild; its tests are
# igt-tests/tests/vgpu_*.c. Here: the VM benchmarks of make bench.

BENCH_CMDS	+= $(ROOT)/drivers/gpu/vgpu/vm-bench.sh
# QEMU 10 migrating a nested guest with a vGPU (Linux 6.12): mig.*.
BENCH_CMDS	+= $(ROOT)/drivers/gpu/vgpu/mig-bench.sh
# vgpu_fuzz's edges of vgpu.ko on the debug host kernel: fuzz.*.
BENCH_CMDS	+= $(ROOT)/drivers/gpu/vgpu/fuzz-bench.sh

# The migration stream's framing (migration_stream.c) is portable: its
# unit test and libFuzzer target build it for userspace, unchanged.
MS_DIR		:= $(ROOT)/drivers/gpu/vgpu
MS_OBJ		:= $(BUILD)/obj/vgpu-migration
MS_CFLAGS	:= -iquote $(MS_DIR)/tests -iquote $(ROOT)/igt-tests/lib \
		   -Wno-unused-parameter -MMD -MP
MS_TEST		:= $(BUILD)/bin/tests/migration_stream_test
MS_FUZZ_TEST	:= $(BUILD)/bin/tests/migration_stream_fuzz
MS_FUZZER	:= $(BUILD)/bin/migration_stream_fuzzer
MS_SEEDER	:= $(BUILD)/bin/migration_stream_seeds
MS_FUZZ_WORK	:= $(BUILD)/migration-stream-fuzz
MS_SEEDS	:= $(MS_FUZZ_WORK)/seeds

USER_BINS	+= $(MS_TEST) $(MS_FUZZ_TEST) $(MS_FUZZER)
UNIT_TESTS	+= $(MS_TEST) $(MS_FUZZ_TEST)

$(MS_OBJ)/%.o: $(MS_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(MS_CFLAGS) -c -o $@ $<

$(MS_TEST): $(MS_OBJ)/tests/migration_stream_test.o \
		$(MS_OBJ)/migration_stream.o $(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(MS_SEEDER): $(MS_OBJ)/tests/migration_stream_seeds.o \
		$(MS_OBJ)/migration_stream.o
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

# Built like cmdparser's fuzzer: clang, libFuzzer, ASan and UBSan.
MS_FUZZ_SRCS	:= $(MS_DIR)/migration_stream.c \
		   $(MS_DIR)/tests/migration_stream_fuzz.c

$(MS_FUZZER): $(MS_FUZZ_SRCS) $(ROOT)/include/vgpu/migration_stream.h \
		$(ROOT)/include/vgpu/portable.h
	@mkdir -p $(dir $@)
	$(CP_FUZZ_CC) $(filter-out -Dcmdparser_fuzz_one=%,$(CP_FUZZ_CFLAGS)) \
		-Dmig_fuzz_one=LLVMFuzzerTestOneInput -o $@ $(MS_FUZZ_SRCS)

$(MS_SEEDS)/.stamp: $(MS_SEEDER)
	@mkdir -p $(dir $@)
	$(MS_SEEDER) $(dir $@)
	touch $@

$(MS_FUZZ_TEST): $(MS_DIR)/tests/migration_stream_fuzz.sh.in $(MS_FUZZER) \
		$(MS_SEEDS)/.stamp
	@mkdir -p $(dir $@)
	sed -e 's|@FUZZER@|$(MS_FUZZER)|' -e 's|@SEEDS@|$(MS_SEEDS)|' \
	    -e 's|@WORK@|$(MS_FUZZ_WORK)|' \
	    -e 's|@IGT_LIB@|$(ROOT)/igt-tests/lib|' $< > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

-include $(wildcard $(MS_OBJ)/*.d $(MS_OBJ)/*/*.d)
