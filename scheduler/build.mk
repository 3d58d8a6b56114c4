# SPDX-License-Identifier: GPL-2.0
#
# scheduler/: the portable scheduler built for userspace, its simulation
# and API tests (IGT protocol) and the fairness benchmark.

VSCHED_DIR	:= $(ROOT)/scheduler
VSCHED_OBJ	:= $(BUILD)/obj/scheduler
include $(VSCHED_DIR)/sources.mk

VSCHED_LIB_OBJS	:= $(addprefix $(VSCHED_OBJ)/,$(VSCHED_SRCS:.c=.o))
VSCHED_SIM_OBJS	:= $(VSCHED_OBJ)/tests/sim.o $(VSCHED_LIB_OBJS)
VSCHED_CFLAGS	:= -iquote $(VSCHED_DIR) -iquote $(VSCHED_DIR)/tests \
		   -iquote $(ROOT)/igt-tests/lib -MMD -MP

VSCHED_TESTS	:= $(BUILD)/bin/tests/sched_sim $(BUILD)/bin/tests/sched_api
VSCHED_BENCH	:= $(BUILD)/bin/sched_bench

USER_BINS	+= $(VSCHED_TESTS) $(VSCHED_BENCH)
UNIT_TESTS	+= $(VSCHED_TESTS)
BENCH_CMDS	+= $(VSCHED_BENCH)

# Subtest bodies take the igt_core data pointer whether they use it or not.
$(VSCHED_OBJ)/tests/%.o: VSCHED_XFLAGS := -Wno-unused-parameter

$(VSCHED_OBJ)/%.o: $(VSCHED_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(VSCHED_CFLAGS) $(VSCHED_XFLAGS) -c -o $@ $<

$(BUILD)/bin/tests/sched_sim: $(VSCHED_OBJ)/tests/sched_sim_test.o \
		$(VSCHED_SIM_OBJS) $(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(BUILD)/bin/tests/sched_api: $(VSCHED_OBJ)/tests/sched_api_test.o \
		$(VSCHED_LIB_OBJS) $(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(VSCHED_BENCH): $(VSCHED_OBJ)/bench/sched_bench.o $(VSCHED_SIM_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

-include $(wildcard $(VSCHED_OBJ)/*.d $(VSCHED_OBJ)/*/*.d)
