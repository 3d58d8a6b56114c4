# SPDX-License-Identifier: GPL-2.0
#
# lib/: userspace code every other part links, compiled once into
# build/obj/lib/libvgpucmd.a (the top Makefile names it LIBVGPUCMD):
# vgpu_cmd, the one encoder of the vGPU's command subset. Guest userspace
# (tools/vgpu-guest), the guest tests, the host-side tests and the unit
# tests include "vgpu_cmd.h" by name (USER_CFLAGS has -iquote lib/).

LIB_DIR		:= $(ROOT)/lib
LIB_OBJ		:= $(BUILD)/obj/lib
LIB_CFLAGS	:= -MMD -MP

$(LIB_OBJ)/%.o: $(LIB_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(LIB_CFLAGS) -c -o $@ $<

$(LIBVGPUCMD): $(LIB_OBJ)/vgpu_cmd.o
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

-include $(wildcard $(LIB_OBJ)/*.d)
