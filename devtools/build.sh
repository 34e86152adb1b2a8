#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Set the machine up (devtools/setup.sh) and build vfbc into BUILD_DIR
# (default: build). Extra arguments go to "meson setup" on first configure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

"$top/devtools/setup.sh"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dpython3=/usr/bin/python3 "$@" >"$top/.deps/meson-setup.log" 2>&1 ||
		{ cat "$top/.deps/meson-setup.log" >&2; exit 1; }
fi
ninja -C "$build" >"$top/.deps/ninja.log" 2>&1 || { tail -50 "$top/.deps/ninja.log" >&2; exit 1; }
echo "vfbc: built in $build: $build/drivers/net/vfbc/librte_net_vfbc.so" >&2
