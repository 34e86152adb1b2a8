#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Fuzz the PF's handling of a hostile VF region: build the libFuzzer harness
# app/test-vfbc/fuzz_pf_mbox.c with clang, ASan and UBSan into FUZZ_BUILD_DIR
# (default: build-fuzz), then run it on a working corpus there, which starts as
# a copy of the committed seeds (app/test-vfbc/fuzz-corpus/pf_mbox) and keeps
# growing from one run to the next.
#
# Usage: devtools/fuzz.sh [SECONDS | -runs=N] [more libFuzzer options...]
#        devtools/fuzz.sh --build-only
# Default: 60 seconds. Prints libFuzzer's final figures. Exits non-zero when
# libFuzzer found a crash, a leak or a sanitizer error; the input that caused
# it is then in FUZZ_BUILD_DIR/artifacts/, and
#   FUZZ_PF_MBOX_TRACE=1 FUZZ_BUILD_DIR/app/test-vfbc/fuzz-pf-mbox <input>
# replays it, printing what it does.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
fuzzer=$build/app/test-vfbc/fuzz-pf-mbox

log() { echo "vfbc-fuzz: $*" >&2; }

# Its own build directory: everything in it is compiled by clang with the
# sanitizers, lib/ included (the harness links a coverage-instrumented copy).
build_fuzzer() {
	"$top/devtools/setup.sh" clang libclang-rt-14-dev
	if [ ! -f "$build/build.ninja" ]; then
		CC=clang meson setup "$build" "$top" -Dpython3=/usr/bin/python3 \
			-Dfuzz=true -Dtests=true -Dtestpmd=false \
			-Db_sanitize=address,undefined -Db_lundef=false \
			>"$top/.deps/meson-setup-fuzz.log" 2>&1 ||
			{ cat "$top/.deps/meson-setup-fuzz.log" >&2; exit 1; }
	fi
	ninja -C "$build" app/test-vfbc/fuzz-pf-mbox >"$top/.deps/ninja-fuzz.log" 2>&1 ||
		{ tail -50 "$top/.deps/ninja-fuzz.log" >&2; exit 1; }
}

limit=(-max_total_time=60)
case "${1:-}" in
--build-only)
	build_fuzzer
	log "built $fuzzer"
	exit 0
	;;
-runs=*)
	limit=("$1")
	shift
	;;
'' | -*)
	;;
*)
	[[ $1 =~ ^[0-9]+$ ]] ||
		{ echo "usage: $0 [SECONDS | -runs=N] [libFuzzer options...]" >&2; exit 2; }
	limit=(-max_total_time="$1")
	shift
	;;
esac

build_fuzzer
corpus=$build/corpus/pf_mbox
mkdir -p "$corpus" "$build/artifacts"
cp -n "$top"/app/test-vfbc/fuzz-corpus/pf_mbox/* "$corpus/"
log "fuzzing (${limit[*]}${*:+ $*}), corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
start=$(date +%s)
rc=0
"$fuzzer" "${limit[@]}" -print_final_stats=1 -artifact_prefix="$build/artifacts/" "$@" \
	"$corpus" >"$build/fuzz.log" 2>&1 || rc=$?
# The last status line ("#N DONE cov: ... corp: inputs/bytes ...") and the final stats.
grep -E '^#[0-9]+' "$build/fuzz.log" | tail -1 || true
grep '^stat::' "$build/fuzz.log" || true
echo "wall time: $(($(date +%s) - start)) s, working corpus: $(ls "$corpus" | wc -l) inputs"
if [ "$rc" != 0 ]; then
	grep -E -A40 '==ERROR|fuzz-pf-mbox: .*:[0-9]+:|^SUMMARY' "$build/fuzz.log" |
		head -80 >&2 || true
	log "FAILED (exit status $rc): see $build/fuzz.log and $build/artifacts/"
	exit "$rc"
fi
