#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Run every vfbc test and print one closing line "N passed, N failed".

Three kinds of tests:
  - C test programs using vfbc_test.h (vfbc-test-lib, vfbc-test): each prints
    "PASS suite/name" / "FAIL suite/name" lines, which are counted one by one;
  - Python scenarios: functions named test_* in the tests_*.py modules beside
    this file, each called with a Context; an exception is a failure.

Usage: run_tests.py --build BUILD_DIR [--filter SUBSTRING] [--list]
"""

import argparse
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
C_PROGRAMS = ["vfbc-test-lib", "vfbc-test"]
C_TIMEOUT_S = 600


class Context:
    """What a Python scenario needs: where things are, and unique names."""

    def __init__(self, build, tmp):
        self.build = pathlib.Path(build).resolve()
        self.app = self.build / "app" / "test-vfbc"
        self.pmd = self.build / "drivers" / "net" / "vfbc" / "librte_net_vfbc.so"
        self.tmp = pathlib.Path(tmp)
        self._seq = 0

    def unique(self, stem):
        """A name unique within this run, for --file-prefix and PF names."""
        self._seq += 1
        return "%s%d_%d" % (stem, os.getpid() % 100000, self._seq)

    def region_dir(self):
        """A fresh directory for region files, not world-writable."""
        d = self.tmp / self.unique("regions")
        d.mkdir(mode=0o700)
        return str(d)

    def eal_args(self, prefix, lcores="0-1", mem_mb=256):
        return ["-l", lcores, "--no-huge", "-m", str(mem_mb), "--no-pci",
                "--file-prefix", self.unique(prefix), "--log-level", "lib.eal:error"]


def load_scenarios(flt):
    sys.path.insert(0, str(HERE))  # scenario modules share helpers beside them
    tests = []
    for path in sorted(HERE.glob("tests_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in sorted(dir(mod)):
            full = "%s/%s" % (path.stem[len("tests_"):], name[len("test_"):])
            if name.startswith("test_") and callable(getattr(mod, name)):
                if flt is None or flt in full:
                    tests.append((full, getattr(mod, name)))
    return tests


def run_c_program(ctx, prog, flt):
    """Run one C test program; return (passed, failed) as counted from its lines."""
    exe = ctx.app / prog
    cmd = [str(exe)]
    if prog != "vfbc-test-lib":
        cmd += ctx.eal_args("ct") + ["--"]
    if flt:
        cmd.append(flt)
    print("# %s" % " ".join(cmd), flush=True)
    try:
        env = dict(os.environ, VFBC_TEST_TMP=str(ctx.tmp))
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=C_TIMEOUT_S, text=True, check=False, env=env)
        text, rc = out.stdout, out.returncode
    except subprocess.TimeoutExpired as e:
        text, rc = (e.stdout or b"").decode(errors="replace"), "timeout"
    passed = len(re.findall(r"^PASS ", text, re.M))
    failed = len(re.findall(r"^FAIL ", text, re.M))
    for line in text.splitlines():
        if line.startswith(("PASS ", "FAIL ", "    ")):
            print(line)
    if rc != 0 and failed == 0:
        # A crash or an exit before any FAIL line is a failure of its own.
        print("FAIL %s: exit status %s\n%s" % (prog, rc, text[-3000:]))
        failed += 1
    return passed, failed


def run_scenario(ctx, name, fn):
    start = time.monotonic()
    try:
        fn(ctx)
    except Exception:  # pylint: disable=broad-except
        print("FAIL %s (%.1fs)" % (name, time.monotonic() - start))
        print(re.sub(r"^", "    ", traceback.format_exc().rstrip(), flags=re.M))
        return 0, 1
    print("PASS %s (%.1fs)" % (name, time.monotonic() - start), flush=True)
    return 1, 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="meson build directory")
    ap.add_argument("--filter", help="run only tests whose name contains this")
    ap.add_argument("--list", action="store_true", help="list the Python scenarios")
    args = ap.parse_args()

    scenarios = load_scenarios(args.filter)
    if args.list:
        for name, _ in scenarios:
            print(name)
        return 0
    # Not under the system temp directory: EAL refuses -d plugins below a
    # world-writable directory, and region files should not sit there either.
    tmp_root = pathlib.Path(args.build).resolve() / "test-tmp"
    tmp_root.mkdir(mode=0o700, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="run-", dir=tmp_root)
    ctx = Context(args.build, tmp)
    passed = failed = 0
    try:
        for prog in C_PROGRAMS:
            p, f = run_c_program(ctx, prog, args.filter)
            passed, failed = passed + p, failed + f
        for name, fn in scenarios:
            p, f = run_scenario(ctx, name, fn)
            passed, failed = passed + p, failed + f
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
