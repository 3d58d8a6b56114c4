# SPDX-License-Identifier: GPL-2.0
#
# make igt-guest IGT_DIR=<upstream igt-gpu-tools meson build directory>
#                [IGT_GUEST_DRIVER=vgpu|vkms] [IGT_GUEST_ARGS=...]
#
# Runs that build's vendor-neutral KMS/core tests (docs/igt-guest.testlist)
# with upstream igt_runner inside a guest: on a vGPU with vgpu_drm (default;
# test VM plus nested guest) or on vkms (the baseline, booted directly on
# this machine), and saves results.json under build/igt-guest/. Not part of
# make check (Debian ships no IGT tests); see docs/igt-guest.md.
# IGT_GUEST_ARGS passes options to tools/igt-guest.sh (--list FILE,
# --timeout SECS, --per-test-timeout SECS, --multiple, --name NAME).

IGT_GUEST_DRIVER ?= vgpu
IGT_GUEST_ARGS	 ?=

.PHONY: igt-guest

igt-guest: ## Upstream IGT's KMS/core tests in a guest (IGT_DIR=<igt build>)
	@test -n "$(IGT_DIR)" || { echo "make igt-guest needs IGT_DIR=<an upstream igt-gpu-tools build directory>" >&2; exit 1; }
	$(if $(filter vgpu,$(IGT_GUEST_DRIVER)),$(MAKE) modules guest-modules)
	$(if $(filter vkms,$(IGT_GUEST_DRIVER)),$(MAKE) guest-kernel)
	$(ROOT)/tools/igt-guest.sh --driver $(IGT_GUEST_DRIVER) \
		$(IGT_GUEST_ARGS) $(IGT_DIR)
