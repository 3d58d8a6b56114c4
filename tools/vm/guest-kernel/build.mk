# SPDX-License-Identifier: GPL-2.0
#
# The nested test guests' kernel and the modules built against it:
#
#   make guest-kernel    Linux 6.1 from linux-source with guest-kernel/config,
#                        cached outside the tree (tools/vm/guest-kernel.sh)
#   make guest-modules   the guest driver (drivers/gpu/drm/vgpu_drm) built
#                        against that kernel at W=1, into build/guest-modules;
#                        build/guest-modules/kernel-dir names the kernel
#
# Kbuild writes objects next to the sources, and make modules already
# builds the same driver against Debian's headers there, so the guest
# build works on a copy of the driver's sources (no objects).

GUEST_KERNEL_SH	:= $(ROOT)/tools/vm/guest-kernel.sh
GUEST_MOD_DIR	:= $(BUILD)/guest-modules
GUEST_DRM_SRC	:= $(ROOT)/drivers/gpu/drm/vgpu_drm
GUEST_DRM_KO	:= $(GUEST_MOD_DIR)/vgpu_drm/vgpu_drm.ko

.PHONY: guest-kernel guest-modules

guest-kernel: ## Build the nested guests' kernel (cached outside the tree)
	@$(GUEST_KERNEL_SH) >/dev/null

guest-modules: guest-kernel ## Build the guest driver against the guest kernel
	@rm -rf $(GUEST_MOD_DIR)
	@mkdir -p $(GUEST_MOD_DIR)
	@mkdir -p $(GUEST_MOD_DIR)/vgpu_drm
	cp $(GUEST_DRM_SRC)/Kbuild \
		$(filter-out %.mod.c,$(wildcard $(GUEST_DRM_SRC)/*.[ch])) \
		$(GUEST_MOD_DIR)/vgpu_drm/
	printf '%s\n' \
		'export LINUXINCLUDE := -I$(ROOT)/include/uapi $$(LINUXINCLUDE)' \
		'obj-m += vgpu_drm/' > $(GUEST_MOD_DIR)/Kbuild
	$(MAKE) -C $$($(GUEST_KERNEL_SH) --dir) M=$(GUEST_MOD_DIR) W=1 \
		CONFIG_DRM_VGPU=m modules
	@test -f $(GUEST_DRM_KO)
	@# The kernel the module is for, for VMs (whose HOME differs).
	@$(GUEST_KERNEL_SH) --dir > $(GUEST_MOD_DIR)/kernel-dir
