# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# backports.sh: sourced by the scripts that take packages from Debian 12's
# bookworm-backports suite (tools/kernel-612.sh, tools/qemu-10.sh) without
# installing them: a private apt configuration (its own sources file naming
# the machine's Debian mirror, its own lists and caches) under the project
# cache, downloads with "apt-get download", unpacking with "dpkg -x". The
# machine's apt sources, package state, kernel and QEMU stay as they are.
#
# The caller sets "refresh" (1: refresh the lists now; else once a day) and
# defines die(). Environment: VGPU_CACHE_DIR, VGPU_DEBIAN_MIRROR (default:
# the first http(s) mirror of the bookworm suite in /etc/apt/sources.list*).

SUITE=bookworm-backports
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
CACHE=${VGPU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack}
APTDIR=$CACHE/apt-$SUITE
DEBS=$CACHE/debs

# The mirror the machine uses for bookworm, from one-line (.list) and
# deb822 (.sources) files alike.
debian_mirror() {
	if [ -n "${VGPU_DEBIAN_MIRROR:-}" ]; then
		echo "$VGPU_DEBIAN_MIRROR"
		return
	fi
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		 /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
			/^[ \t]*deb[ \t]/ {
				sub(/\[[^]]*\][ \t]*/, "")
				if ($3 == "bookworm") print $2
			}
			/^URIs:/   { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++)
					if ($i == "bookworm") suite = 1 }
			/^[ \t]*$/ { if (uri != "" && suite) print uri
				     uri = ""; suite = 0 }
			END        { if (uri != "" && suite) print uri }
		' "$f" | grep -m 1 '^https\?://' && return
	done
	return 1
}

# apt-get/apt-cache with the private configuration. Dir::Cache keeps the
# package cache it builds out of /var/cache/apt; the sandbox user is the
# caller, as the cache is in a home directory _apt may not enter.
papt() {
	cmd=$1
	shift
	"$cmd" -q -o Dir::Etc::sourcelist="$APTDIR/sources.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$APTDIR/lists" \
		-o Dir::Cache="$APTDIR/cache" \
		-o APT::Sandbox::User="$(id -un)" "$@"
}

update_lists() {
	mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
	mirror=$(debian_mirror) ||
		die "no bookworm mirror in /etc/apt/sources.list*; set VGPU_DEBIAN_MIRROR"
	line="deb [signed-by=$KEYRING] $mirror $SUITE main"
	if [ "$(cat "$APTDIR/sources.list" 2>/dev/null)" != "$line" ]; then
		echo "$line" >"$APTDIR/sources.list"
		refresh=1
	fi
	stamp=$APTDIR/lists/.updated
	if [ "$refresh" -eq 0 ] && [ -e "$stamp" ] &&
	   [ -z "$(find "$stamp" -mmin +1440)" ]; then
		return 0
	fi
	papt apt-get update --error-on=any >&2 || return 1
	touch "$stamp"
}

# bp_version PACKAGE: the candidate version of PACKAGE in the suite.
bp_version() {
	papt apt-cache show "$1" | sed -n 's/^Version: //p' | sort -V |
		tail -n 1
}

# bp_unpack DIR PACKAGE=VERSION...: download each package once (kept under
# $DEBS/PACKAGE/VERSION/) and unpack them all into DIR, made afresh.
bp_unpack() {
	_dir=$1
	shift
	for _pv in "$@"; do
		_d=$DEBS/${_pv%%=*}/${_pv#*=}
		if ! ls "$_d"/*.deb >/dev/null 2>&1; then
			mkdir -p "$_d"
			(cd "$_d" && papt apt-get download "$_pv" >&2) ||
				return 1
		fi
	done
	rm -rf "$_dir"
	mkdir -p "$_dir"
	for _pv in "$@"; do
		dpkg -x "$(ls "$DEBS/${_pv%%=*}/${_pv#*=}"/*.deb)" "$_dir" ||
			return 1
	done
}
