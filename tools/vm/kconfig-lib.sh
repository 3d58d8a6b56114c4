# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kconfig-lib.sh: sourced by the scripts that build a purpose-built kernel
# from a Debian linux-source tarball (tools/vm/host-kernel.sh): the
# configuration step they share. The caller defines die().

# kconfig_tiny FRAGMENT: in the current kernel tree, "make tinyconfig",
# merge FRAGMENT, resolve the dependencies, and fail if an option of the
# fragment did not survive: a silently dropped one would show up as a
# missing feature deep inside a VM run.
kconfig_tiny() {
	local fragment=$1 missing want
	make -s tinyconfig >/dev/null
	scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null
	make -s olddefconfig >/dev/null
	missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" |
		while read -r want; do
			grep -qxF "$want" .config ||
				echo "$want (got: $(grep -E "^(# )?${want%%=*}[= ]" .config || echo unset))"
		done)
	[ -z "$missing" ] || die "options dropped by olddefconfig:
$missing"
}
