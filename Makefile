# SPDX-License-Identifier: GPL-2.0
#
# Developer entry points for the vGPU stack. Kernel modules are built out of
# tree against KDIR (Kbuild files do the work); userspace tests, fuzzers and
# tools are described by the */build.mk fragments included below and land in
# build/. Run "make help" for the list of targets.

ROOT		:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD		:= $(ROOT)/build

# The Debian 6.1 kernel whose headers are installed (the development machine
# may run a different kernel, so uname -r is no guide).
KVER		?= $(shell $(ROOT)/tools/kver)
KDIR		?= /lib/modules/$(KVER)/build

# Every module of the stack, as =m (out of tree there is no .config of ours).
KCONFIG_OPTS	:= CONFIG_VFIO_MDEV=m CONFIG_VGPU_REFGPU=m CONFIG_VGPU=m \
		   CONFIG_DRM_VGPU=m
KMAKE		= $(MAKE) -C $(KDIR) M=$(ROOT) W=1 $(KCONFIG_OPTS)

CC		?= gcc
USER_CFLAGS	:= -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
		   -iquote $(ROOT)/include -iquote $(ROOT)/lib \
		   -I$(ROOT)/include/uapi
# Test binaries are static: they start fast in nested guests and need
# nothing from the guest's root.
USER_LDFLAGS	:= -static

# The IGT-protocol test library every test binary links (igt-tests/build.mk
# builds it); named here so that any fragment can use it whatever the order
# the fragments are included in.
LIBIGT		:= $(BUILD)/obj/igt-tests/libigt.a
# Guest userspace on a vGPU (tools/vgpu-guest/build.mk builds it), for the
# same reason.
LIBVGPUGUEST	:= $(BUILD)/obj/vgpu-guest/libvgpuguest.a
# The command encoder (lib/build.mk builds it); link it after the libraries
# that use it.
LIBVGPUCMD	:= $(BUILD)/obj/lib/libvgpucmd.a

# Filled in by the build.mk fragments.
USER_BINS	:=
BENCH_CMDS	:=

.DEFAULT_GOAL	:= all

include $(sort $(wildcard $(ROOT)/*/build.mk $(ROOT)/*/*/build.mk \
		$(ROOT)/*/*/*/build.mk))

.PHONY: all modules modules-612 modules-iommufd host-kernel userspace deps check unit vm-check bench \
	soak demo checkpatch sparse clean help print-unit-tests

all: modules userspace ## Build every kernel module and userspace tool

modules: ## Build the kernel modules against KDIR (W=1)
	+$(KMAKE) modules

modules-612: ## The modules against Linux 6.12, in build/k612/tree (cached)
	+$(ROOT)/tools/modules-612.sh

host-kernel: ## Build the host kernel (6.12 + IOMMUFD + the debug profile; cached outside the tree)
	@$(ROOT)/tools/vm/host-kernel.sh --root

modules-iommufd: ## The modules against that host kernel, in build/k612-iommufd/tree
	+$(ROOT)/tools/modules-612.sh --iommufd

userspace: $(USER_BINS) ## Build userspace tests, fuzzers and tools into build/

deps: ## Install the packages the tests need (PROFILE=612|iommufd|all: also fetch/build those stacks)
	$(ROOT)/tools/deps.sh $(if $(PROFILE),--profile $(PROFILE))

check: ## Run every test (unit, VM suites); ends with "N passed, N failed"
	UNIT_TESTS="$(UNIT_TESTS)" $(ROOT)/tools/check.sh

unit: ## Run only the unit tests on this machine
	UNIT_TESTS="$(UNIT_TESTS)" $(ROOT)/tools/check.sh --unit-only

vm-check: ## Run only the VM suites (SUITES, SUITES_612, SUITES_IOMMUFD="a b" pick)
	$(ROOT)/tools/check.sh --vm-only $(if $(SUITES),--suites "$(SUITES)") \
		$(if $(SUITES_612),--suites-612 "$(SUITES_612)") \
		$(if $(SUITES_IOMMUFD),--suites-iommufd "$(SUITES_IOMMUFD)")

bench: deps all ## Print the performance figures as "key: value" lines
	$(ROOT)/tools/bench.sh $(BENCH_CMDS)

soak: ## Mixed load on the debug host kernel for DURATION seconds (default 1800); FUZZ=SECS adds vgpu_fuzz, WATCHDOG_MS sets vgpu.ko's (5000)
	FUZZ=$(FUZZ) WATCHDOG_MS=$(WATCHDOG_MS) $(ROOT)/tools/soak.sh $(DURATION)

demo: ## Boot the host VM with the stack loaded and show it working
	$(ROOT)/tools/demo.sh

checkpatch: ## checkpatch.pl --strict over all C sources and headers
	$(ROOT)/tools/checkpatch.sh

sparse: ## Build the modules under sparse (C=2)
	+$(KMAKE) C=2 modules

clean: ## Remove everything built
	-+$(KMAKE) clean
	rm -rf $(BUILD)

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | \
		sed -E 's/^([a-z0-9-]+):.*## (.*)/  \1\t\2/' | expand -t 19

# Used by tools/check.sh when it runs outside make.
print-unit-tests:
	@echo $(UNIT_TESTS)
