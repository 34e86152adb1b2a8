#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Set up, build and run every vfbc test. Three build directories:
#   BUILD_DIR (default: build)  the normal build;
#   BUILD_DIR-san               the same with ASan and UBSan: the whole suite runs
#                               again against it, any sanitizer report failing a test;
#   BUILD_DIR-fuzz              clang's libFuzzer harnesses of the PF mailbox and rings, of
#                               which tests_fuzz.py makes short runs (devtools/fuzz.sh for
#                               long ones).
# The last line is "N passed, N failed", counting the tests of both builds.
# Usage: devtools/test.sh [--filter SUBSTRING]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build}

"$top/devtools/build.sh"
# -Db_lundef=false: a sanitized shared library leaves the runtime's symbols to
# the executable or LD_PRELOAD.
BUILD_DIR=$build-san "$top/devtools/build.sh" -Db_sanitize=address,undefined -Db_lundef=false
FUZZ_BUILD_DIR=$build-fuzz "$top/devtools/fuzz.sh" --build-only
VFBC_FUZZ_BUILD=$build-fuzz exec /usr/bin/python3 "$top/app/test-vfbc/run_tests.py" \
	--build "$build" --build "$build-san" "$@"
