#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Set up, build and run every vfbc test. The last line is "N passed, N failed".
# Usage: devtools/test.sh [--filter SUBSTRING]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

"$top/devtools/build.sh"
exec /usr/bin/python3 "$top/app/test-vfbc/run_tests.py" --build "$build" "$@"
