# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Short runs of the PF fuzzers, fuzz-pf-mbox (mailbox) and fuzz-pf-ring
(packet rings), from the committed seeds.

The fuzzers live in its own clang build directory (devtools/fuzz.sh builds it;
devtools/test.sh passes it as VFBC_FUZZ_BUILD). Without VFBC_FUZZ_BUILD this
module has no test at all. Any crash, leak, sanitizer error, hang, or broken
invariant (the harness aborts) fails the test; the input that caused it is
left in VFBC_FUZZ_BUILD/artifacts/tests-<target>/.
"""

import os
import pathlib
import shutil
import subprocess

# It tests lib/ as built in VFBC_FUZZ_BUILD, whatever the build under test.
BUILD_INDEPENDENT = True

HERE = pathlib.Path(__file__).resolve().parent
SEEDS = HERE / "fuzz-corpus"
RUNS = 200000
# A fixed seed: the same inputs every time, so a failure is reproducible.
SEED = 1
TIMEOUT_S = 300


def _fuzz_build():
    build = os.environ.get("VFBC_FUZZ_BUILD")
    return pathlib.Path(build).resolve() if build else None


def _run(ctx, target):
    fuzzer = _fuzz_build() / "app" / "test-vfbc" / ("fuzz-" + target.replace("_", "-"))
    assert fuzzer.exists(), "%s not built (devtools/fuzz.sh --build-only)" % fuzzer
    corpus = ctx.tmp / ("fuzz-corpus-" + target)
    shutil.copytree(SEEDS / target, corpus)
    artifacts = _fuzz_build() / "artifacts" / ("tests-" + target)
    shutil.rmtree(artifacts, ignore_errors=True)
    artifacts.mkdir(parents=True)
    cmd = [str(fuzzer), "-runs=%d" % RUNS, "-seed=%d" % SEED, "-timeout=30",
           "-print_final_stats=1", "-artifact_prefix=%s/" % artifacts, str(corpus)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT_S, check=False)
    found = sorted(str(p) for p in artifacts.iterdir())
    assert proc.returncode == 0 and not found, \
        "%s: exit status %d, inputs %s (replay: %s <input>); output:\n%s" % (
            fuzzer.name, proc.returncode, found, fuzzer, proc.stdout[-4000:])
    assert "Done %d runs" % RUNS in proc.stdout, proc.stdout[-2000:]


if _fuzz_build() is not None:
    def test_pf_mbox_short_run(ctx):
        _run(ctx, "pf_mbox")

    def test_pf_ring_short_run(ctx):
        _run(ctx, "pf_ring")
