# SPDX-License-Identifier: GPL-2.0
#
# tools/vgpu-guest/: guest userspace on a vGPU. libvgpuguest.a (the render
# uAPI helpers vgpu_guest, with cmdparser's audit reason names; batches are
# written with the command encoder of lib/, LIBVGPUCMD), the vgpu-work tool
# and vgpu-show (a picture drawn by the vGPU on its display, for the demo),
# built static into build/bin/guest/ so that the guest suite packs it with
# the guest tests. The guest tests (igt-tests/guest/build.mk) link the
# library too. The unit test vgpu_cmd_test runs the encoder's output
# through the host's command parser (cmdparser/ and its userspace model
# cp_env).

VGG_DIR		:= $(ROOT)/tools/vgpu-guest
VGG_OBJ		:= $(BUILD)/obj/vgpu-guest
# drm.h, which <drm/vgpu_drm.h> includes, from libdrm-dev.
VGG_CFLAGS	:= -iquote $(VGG_DIR) -iquote $(ROOT)/cmdparser \
		   -I/usr/include/libdrm -MMD -MP

VGG_LIB		:= $(LIBVGPUGUEST)
VGG_LIB_OBJS	:= $(VGG_OBJ)/vgpu_guest.o $(CP_OBJ)/policy.o
VGG_WORK	:= $(BUILD)/bin/guest/vgpu-work
VGG_SHOW	:= $(BUILD)/bin/guest/vgpu-show
VGG_TEST	:= $(BUILD)/bin/tests/vgpu_cmd_test

USER_BINS	+= $(VGG_WORK) $(VGG_SHOW) $(VGG_TEST)
BENCH_CMDS	+= $(VGG_DIR)/bench.sh
UNIT_TESTS	+= $(VGG_TEST)

# Subtests take a data pointer they do not all use.
$(VGG_OBJ)/tests/%.o: VGG_CFLAGS += -iquote $(CP_DIR)/tests \
	-iquote $(ROOT)/igt-tests/lib -Wno-unused-parameter

$(VGG_OBJ)/%.o: $(VGG_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(VGG_CFLAGS) -c -o $@ $<

$(VGG_LIB): $(VGG_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(VGG_WORK): $(VGG_OBJ)/vgpu_work.o $(VGG_LIB) $(LIBVGPUCMD)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(VGG_SHOW): $(VGG_OBJ)/vgpu_show.o $(VGG_LIB) $(LIBVGPUCMD)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

$(VGG_TEST): $(VGG_OBJ)/tests/vgpu_cmd_test.o $(CP_ENV_OBJ) \
		$(CP_LIB_OBJS) $(LIBVGPUCMD) $(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

-include $(wildcard $(VGG_OBJ)/*.d $(VGG_OBJ)/tests/*.d)
