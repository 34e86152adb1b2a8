#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Prepare a Debian bookworm machine to build vfbc:
#  - install Debian's DPDK 22.11 and the build tools;
#  - fetch Debian's dpdk source package of the exact installed version into .deps/,
#    because libdpdk-dev lacks the driver SDK headers (ethdev_driver.h, ...) and
#    the source has buildtools/pmdinfogen.py and app/test-pmd.
# Idempotent: a second run only checks. Nothing from the source package is committed.
#
# Usage: devtools/setup.sh [more Debian packages...]
#   The extra packages are installed too (devtools/build-docs.sh adds its own).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps=${VFBC_DEPS_DIR:-$top/.deps}
pkgs=(dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config gcc libc6-dev
	python3-pyelftools dpkg-dev xz-utils "$@")

log() { echo "vfbc-setup: $*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
	local missing=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	as_root apt-get update -q >/dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
}

# Download the source package with a private sources list, so the system's apt
# configuration stays untouched.
fetch_source() {
	local ver=$1 src=$2 apt_dir=$deps/apt
	local opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
		-o APT::Sandbox::User=root)
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$deps/dl"
	{
		echo "deb-src http://deb.debian.org/debian bookworm main"
		echo "deb-src http://deb.debian.org/debian bookworm-updates main"
		echo "deb-src http://deb.debian.org/debian-security bookworm-security main"
	} >"$apt_dir/sources.list"
	log "fetching Debian source package dpdk=$ver"
	apt-get "${opts[@]}" update -q >/dev/null
	(cd "$deps/dl" && apt-get "${opts[@]}" source --download-only "dpdk=$ver" >/dev/null)
	rm -rf "$src.tmp"
	dpkg-source -x "$deps/dl/dpdk_${ver}.dsc" "$src.tmp" >"$deps/dpkg-source.log" 2>&1 ||
		{ cat "$deps/dpkg-source.log" >&2; return 1; }
	mv "$src.tmp" "$src"
}

# The driver SDK headers, copied alone so that the source tree's own public
# headers never shadow the installed ones.
install_sdk_headers() {
	local src=$1 inc=$deps/sdk/include
	mkdir -p "$inc"
	cp "$src/lib/ethdev/ethdev_driver.h" "$src/lib/ethdev/ethdev_vdev.h" \
		"$src/drivers/bus/vdev/bus_vdev_driver.h" "$src/lib/eal/include/dev_driver.h" "$inc/"
}

install_packages
ver=$(dpkg-query -W -f='${Version}' libdpdk-dev)
src=$deps/dpdk-$ver
if [ ! -f "$src/VERSION" ]; then
	fetch_source "$ver" "$src"
fi
install_sdk_headers "$src"
ln -sfn "dpdk-$ver" "$deps/dpdk-src"
log "DPDK $(pkg-config --modversion libdpdk), source in $deps/dpdk-src"
