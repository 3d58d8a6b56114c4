# SPDX-License-Identifier: GPL-2.0
#
# cmdparser/: the portable command parser built for userspace, its unit
# tests (IGT protocol), the libFuzzer target with its seed corpus and
# IGT-protocol wrapper, the throughput benchmark, and a compile check of
# the sources with the kernel's flags (make cmdparser-kcheck; the module it
# builds under build/ is never loaded).

CP_DIR		:= $(ROOT)/cmdparser
CP_OBJ		:= $(BUILD)/obj/cmdparser
include $(CP_DIR)/sources.mk

CP_LIB_OBJS	:= $(addprefix $(CP_OBJ)/,$(CMDPARSER_SRCS:.c=.o))
CP_ENV_OBJ	:= $(CP_OBJ)/tests/cp_env.o
# Audit callbacks and subtests take arguments they do not all use; the
# kernel build does not warn about that either.
CP_CFLAGS	:= -iquote $(CP_DIR) -iquote $(CP_DIR)/tests \
		   -iquote $(ROOT)/igt-tests/lib -Wno-unused-parameter -MMD -MP

CP_TEST		:= $(BUILD)/bin/tests/cmdparser_test
CP_FUZZ_TEST	:= $(BUILD)/bin/tests/cmdparser_fuzz
CP_FUZZER	:= $(BUILD)/bin/cmdparser_fuzzer
CP_SEEDER	:= $(BUILD)/bin/cmdparser_fuzz_seeds
CP_BENCH	:= $(BUILD)/bin/cmdparser_bench
CP_FUZZ_WORK	:= $(BUILD)/cmdparser-fuzz
CP_SEEDS	:= $(CP_FUZZ_WORK)/seeds

USER_BINS	+= $(CP_TEST) $(CP_FUZZ_TEST) $(CP_FUZZER) $(CP_BENCH)
UNIT_TESTS	+= $(CP_TEST) $(CP_FUZZ_TEST)
BENCH_CMDS	+= $(CP_BENCH)

$(CP_OBJ)/%.o: $(CP_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(CP_CFLAGS) -c -o $@ $<

$(CP_TEST): $(CP_OBJ)/tests/cmdparser_test.o $(CP_ENV_OBJ) $(CP_LIB_OBJS) \
		$(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(CP_BENCH): $(CP_OBJ)/bench/cmdparser_bench.o $(CP_ENV_OBJ) $(CP_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(CP_SEEDER): $(CP_OBJ)/tests/cmdparser_fuzz_seeds.o $(CP_ENV_OBJ) \
		$(CP_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

# The fuzzer: clang with libFuzzer, ASan and UBSan, parser included. Not
# static (the sanitizer runtimes need the dynamic loader).
CP_FUZZ_CC	:= clang
CP_FUZZ_CFLAGS	:= -O1 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		   -Wno-unused-parameter \
		   -fsanitize=fuzzer,address,undefined \
		   -Dcmdparser_fuzz_one=LLVMFuzzerTestOneInput \
		   -fno-sanitize-recover=undefined \
		   -iquote $(ROOT)/include -I$(ROOT)/include/uapi \
		   -iquote $(CP_DIR) -iquote $(CP_DIR)/tests
CP_FUZZ_SRCS	:= $(addprefix $(CP_DIR)/,$(CMDPARSER_SRCS)) \
		   $(CP_DIR)/tests/cmdparser_fuzz.c

$(CP_FUZZER): $(CP_FUZZ_SRCS) $(wildcard $(CP_DIR)/*.h $(CP_DIR)/tests/*.h) \
		$(wildcard $(ROOT)/include/vgpu/*.h) \
		$(ROOT)/include/uapi/linux/vgpu_if.h
	@mkdir -p $(dir $@)
	$(CP_FUZZ_CC) $(CP_FUZZ_CFLAGS) -o $@ $(CP_FUZZ_SRCS)

$(CP_SEEDS)/.stamp: $(CP_SEEDER)
	@mkdir -p $(dir $@)
	$(CP_SEEDER) $(dir $@)
	touch $@

$(CP_FUZZ_TEST): $(CP_DIR)/tests/cmdparser_fuzz.sh.in $(CP_FUZZER) \
		$(CP_SEEDS)/.stamp
	@mkdir -p $(dir $@)
	sed -e 's|@FUZZER@|$(CP_FUZZER)|' -e 's|@SEEDS@|$(CP_SEEDS)|' \
	    -e 's|@WORK@|$(CP_FUZZ_WORK)|' \
	    -e 's|@IGT_LIB@|$(ROOT)/igt-tests/lib|' $< > $@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

# Compile the parser with the kernel's flags at W=1 as a throwaway module
# (never loaded): proves the sources build in the kernel unchanged.
CP_KCHECK	:= $(BUILD)/cmdparser-kcheck
.PHONY: cmdparser-kcheck
cmdparser-kcheck:
	rm -rf $(CP_KCHECK)
	mkdir -p $(CP_KCHECK)
	for f in $(CMDPARSER_SRCS); do ln -s $(CP_DIR)/$$f $(CP_KCHECK)/$$f; done
	printf '%s\n' '// SPDX-License-Identifier: GPL-2.0' \
		'#include <linux/module.h>' '#include "vgpu/cmdparser.h"' \
		'static int __init kcheck_init(void)' '{' \
		'	return cmdparser_reason_name(VGPU_AUDIT_OK) ? 0 : -EINVAL;' \
		'}' 'module_init(kcheck_init);' 'MODULE_LICENSE("GPL");' \
		> $(CP_KCHECK)/kcheck_main.c
	printf '%s\n' 'obj-m := cmdparser_kcheck.o' \
		'cmdparser_kcheck-y := kcheck_main.o $(CMDPARSER_SRCS:.c=.o)' \
		'ccflags-y := -I$(CP_DIR) -I$(ROOT)/include -I$(ROOT)/include/uapi' \
		> $(CP_KCHECK)/Kbuild
	$(MAKE) -C $(KDIR) M=$(CP_KCHECK) W=1 $(if $(C),C=$(C)) modules

-include $(wildcard $(CP_OBJ)/*.d $(CP_OBJ)/*/*.d)
