# SPDX-License-Identifier: GPL-2.0
#
# tools/vm/guest/: static helpers that run inside nested (L2) test guests
# and are shipped there with tools/vm/nested-guest --file. (pio, the port
# I/O helper of every L2 image, is built by tools/vm/mkinitramfs instead.)
#
#   build/bin/vgpu-fbtest   shows a known picture on a vGPU head from L2
#                           (tools/vm/suites/vgpu-display-nested.sh)

VMG_DIR		:= $(ROOT)/tools/vm/guest
VMG_OBJ		:= $(BUILD)/obj/vm-guest
VMG_CFLAGS	:= -iquote $(VMG_DIR) -MMD -MP

VMG_FBTEST	:= $(BUILD)/bin/vgpu-fbtest

USER_BINS	+= $(VMG_FBTEST)

$(VMG_OBJ)/%.o: $(VMG_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(VMG_CFLAGS) -c -o $@ $<

$(VMG_FBTEST): $(VMG_OBJ)/vgpu-fbtest.o
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

-include $(wildcard $(VMG_OBJ)/*.d)
