#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
#
# Fuzz the PF's handling of a hostile VF region: build the libFuzzer harnesses
# app/test-vfbc/fuzz_pf_mbox.c (mailbox) and fuzz_pf_ring.c (packet rings) with
# clang, ASan and UBSan into FUZZ_BUILD_DIR (default: build-fuzz), then run each
# target of FUZZ_TARGETS (default: "pf_mbox pf_ring") on a working corpus
# there, which starts as a copy of the committed seeds
# (app/test-vfbc/fuzz-corpus/<target>) and keeps growing from one run to the next.
#
# Usage: devtools/fuzz.sh [SECONDS | -runs=N] [more libFuzzer options...]
#        devtools/fuzz.sh --build-only
# Default: 60 seconds per target. Prints libFuzzer's final figures. Exits
# non-zero when libFuzzer found a crash, a leak or a sanitizer error; the input
# that caused it is then in FUZZ_BUILD_DIR/artifacts/<target>/, and
#   FUZZ_PF_MBOX_TRACE=1 FUZZ_BUILD_DIR/app/test-vfbc/fuzz-pf-mbox <input>
# replays a mailbox one, printing what it does (fuzz-pf-ring <input> a ring one).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$top/build-fuzz}
targets=${FUZZ_TARGETS:-pf_mbox pf_ring}

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
	ninja -C "$build" app/test-vfbc/fuzz-pf-mbox app/test-vfbc/fuzz-pf-ring \
		>"$top/.deps/ninja-fuzz.log" 2>&1 ||
		{ tail -50 "$top/.deps/ninja-fuzz.log" >&2; exit 1; }
}

limit=(-max_total_time=60)
case "${1:-}" in
--build-only)
	build_fuzzer
	log "built the fuzzers in $build/app/test-vfbc"
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

# Run one target: fuzz_target <target> [libFuzzer options...]
fuzz_target() {
	local target=$1 fuzzer corpus artifacts start rc=0
	shift
	fuzzer=$build/app/test-vfbc/fuzz-${target//_/-}
	corpus=$build/corpus/$target
	artifacts=$build/artifacts/$target
	mkdir -p "$corpus" "$artifacts"
	cp -n "$top"/app/test-vfbc/fuzz-corpus/"$target"/* "$corpus/"
	log "fuzzing $target (${limit[*]}${*:+ $*}), corpus $corpus ($(ls "$corpus" | wc -l) inputs)"
	start=$(date +%s)
	"$fuzzer" "${limit[@]}" -print_final_stats=1 -artifact_prefix="$artifacts/" "$@" \
		"$corpus" >"$build/fuzz-$target.log" 2>&1 || rc=$?
	# The last status line ("#N DONE cov: ... corp: inputs/bytes ...") and the final stats.
	grep -E '^#[0-9]+' "$build/fuzz-$target.log" | tail -1 || true
	grep '^stat::' "$build/fuzz-$target.log" || true
	echo "$target: wall time: $(($(date +%s) - start)) s, working corpus:" \
		"$(ls "$corpus" | wc -l) inputs"
	if [ "$rc" != 0 ]; then
		grep -E -A40 '==ERROR|fuzz-pf-[a-z]+: .*:[0-9]+:|^SUMMARY' \
			"$build/fuzz-$target.log" | head -80 >&2 || true
		log "$target FAILED (exit status $rc): see $build/fuzz-$target.log and $artifacts/"
	fi
	return "$rc"
}

build_fuzzer
status=0
for target in $targets; do
	fuzz_target "$target" "$@" || status=$?
done
exit "$status"
