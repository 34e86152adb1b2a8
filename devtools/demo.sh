#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Set up, build and run the vfbc demo (see devtools/demo.py).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/devtools/build.sh"
exec /usr/bin/python3 "$top/devtools/demo.py" --build "${BUILD_DIR:-$top/build}"
