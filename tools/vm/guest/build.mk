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

# Mesa, kmscube and weston for the nested guest of the vgpu-guest suite
# (tools/vm/guest/mesa-payload.sh, docs/guest-mesa.md): an archive cached
# outside the tree; build/guest-mesa/payload-path names it for the test
# VM, whose HOME differs. make check packs it (tools/check.sh) before the
# VM suites.
MESA_PAYLOAD_SH	:= $(ROOT)/tools/vm/guest/mesa-payload.sh
MESA_PAYLOAD_REF := $(BUILD)/guest-mesa/payload-path

.PHONY: guest-mesa

guest-mesa: ## Pack Mesa, kmscube and weston for nested guests (cached)
	@mkdir -p $(dir $(MESA_PAYLOAD_REF))
	@rm -f $(MESA_PAYLOAD_REF)
	@$(MESA_PAYLOAD_SH) > $(MESA_PAYLOAD_REF).tmp
	@mv $(MESA_PAYLOAD_REF).tmp $(MESA_PAYLOAD_REF)

