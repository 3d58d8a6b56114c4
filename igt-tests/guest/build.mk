# SPDX-License-Identifier: GPL-2.0
#
# igt-tests/guest/: the guest conformance tests. IGT-protocol binaries that
# run inside a Linux guest on a vGPU (or on vkms) against its DRM/KMS driver,
# each named after the upstream IGT binary it mirrors. Every
# igt-tests/guest/<name>.c is built as build/bin/guest/<name>, static, linked
# against the shared KMS helpers (lib/), the guest userspace library
# (tools/vgpu-guest: render uAPI), the command encoder (the top-level lib/)
# and libigt. They need a DRM device, so they are no unit tests;
# guest.testlist says what the guest suite runs.

GUEST_DIR	:= $(ROOT)/igt-tests/guest
GUEST_OBJ	:= $(BUILD)/obj/igt-guest
GUEST_BIN	:= $(BUILD)/bin/guest
# The DRM uAPI from libdrm-dev (drm.h, drm_mode.h, drm_fourcc.h).
GUEST_CFLAGS	:= -iquote $(GUEST_DIR)/lib -iquote $(ROOT)/igt-tests/lib \
		   -iquote $(ROOT)/tools/vgpu-guest -I/usr/include/libdrm \
		   -MMD -MP

GUEST_LIB	:= $(GUEST_OBJ)/libguestkms.a
GUEST_LIB_OBJS	:= $(addprefix $(GUEST_OBJ)/lib/, kms.o crc.o uevent.o render.o)

GUEST_SRCS	:= $(wildcard $(GUEST_DIR)/*.c)
GUEST_TESTS	:= $(patsubst $(GUEST_DIR)/%.c,$(GUEST_BIN)/%,$(GUEST_SRCS))

# The testlist goes next to the binaries: igt-run takes its relative
# entries from the testlist's directory.
GUEST_TESTLIST	:= $(GUEST_BIN)/guest.testlist

USER_BINS	+= $(GUEST_TESTS) $(GUEST_TESTLIST)

$(GUEST_TESTLIST): $(GUEST_DIR)/guest.testlist
	@mkdir -p $(dir $@)
	cp $< $@

$(GUEST_OBJ)/%.o: $(GUEST_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_LIB): $(GUEST_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(GUEST_TESTS): $(GUEST_BIN)/%: $(GUEST_OBJ)/%.o $(GUEST_LIB) $(LIBVGPUGUEST) \
		$(LIBVGPUCMD) $(LIBIGT)
	@mkdir -p $(dir $@)
	$(CC) $(USER_LDFLAGS) -o $@ $^

-include $(wildcard $(GUEST_OBJ)/*.d $(GUEST_OBJ)/lib/*.d)
