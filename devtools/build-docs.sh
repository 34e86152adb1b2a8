#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Build the documentation into DOC_BUILD_DIR (default: build-doc): the Doxygen
# HTML of rte_pmd_vfbc.h and the Sphinx HTML of doc/guides, with Debian's
# doxygen and python3-sphinx. Sets the machine up first (devtools/setup.sh,
# then the documentation packages). Exits non-zero on any Doxygen or Sphinx
# warning. Extra arguments go to "meson setup" on first configure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${DOC_BUILD_DIR:-$top/build-doc}
pkgs=(doxygen python3-sphinx python3-sphinx-rtd-theme)

log() { echo "vfbc-docs: $*" >&2; }

# The build configuration needs DPDK and its driver SDK headers too.
"$top/devtools/setup.sh" "${pkgs[@]}"
mkdir -p "$top/.deps"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dpython3=/usr/bin/python3 -Ddocs=true -Dtests=false \
		-Dtestpmd=false "$@" >"$top/.deps/meson-setup-doc.log" 2>&1 ||
		{ cat "$top/.deps/meson-setup-doc.log" >&2; exit 1; }
fi
# Doxygen and Sphinx print nothing but their warnings, which fail the build.
ninja -C "$build" doc >"$top/.deps/ninja-doc.log" 2>&1 ||
	{ cat "$top/.deps/ninja-doc.log" >&2; log "documentation build failed"; exit 1; }
log "API reference: $build/doc/api/index.html"
log "guides:        $build/doc/guides/index.html"
