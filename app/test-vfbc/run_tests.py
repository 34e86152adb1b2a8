#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Run every vfbc test and print one closing line "N passed, N failed".

Three kinds of tests:
  - C test programs using vfbc_test.h (vfbc-test-lib, vfbc-test): each prints
    "PASS suite/name" / "FAIL suite/name" lines, which are counted one by one;
  - Python scenarios: functions named test_* in the tests_*.py modules beside
    this file, each called with a Context; an exception is a failure. A module
    that sets BUILD_INDEPENDENT = True does not test the build directory: its
    scenarios run once, with the first one.

With several --build directories every test runs against each, the lines of
all but the first tagged with the directory's name, and the closing line
counts them all. A build made with -Db_sanitize runs with sanitizer findings
fatal, see sanitizer_env().

Usage: run_tests.py --build BUILD_DIR [--build BUILD_DIR...] [--filter SUBSTRING] [--list]
"""

import argparse
import contextlib
import importlib.util
import json
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

    def __init__(self, build, tmp, tag=""):
        self.build = pathlib.Path(build).resolve()
        self.tag = tag  # inserted in the PASS/FAIL lines of this build's tests
        self.app = self.build / "app" / "test-vfbc"
        self.pmd = self.build / "drivers" / "net" / "vfbc" / "librte_net_vfbc.so"
        self.tmp = pathlib.Path(tmp)
        self.reports = self.tmp / "sanitizer-reports"
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
    """[(name, function, build independent)] of the tests_*.py modules."""
    sys.path.insert(0, str(HERE))  # scenario modules share helpers beside them
    tests = []
    for path in sorted(HERE.glob("tests_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        independent = getattr(mod, "BUILD_INDEPENDENT", False)
        for name in sorted(dir(mod)):
            full = "%s/%s" % (path.stem[len("tests_"):], name[len("test_"):])
            if name.startswith("test_") and callable(getattr(mod, name)):
                if flt is None or flt in full:
                    tests.append((full, getattr(mod, name), independent))
    return tests


def build_option(build, name):
    """A meson option of a configured build directory, None if unknown."""
    path = pathlib.Path(build) / "meson-info" / "intro-buildoptions.json"
    try:
        options = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return next((o["value"] for o in options if o["name"] == name), None)


def asan_runtime(lib):
    """Path of the ASan runtime @lib links, None if it links none."""
    out = subprocess.run(["ldd", str(lib)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, check=False).stdout
    m = re.search(r"^\s*lib(?:asan|clang_rt\.asan)\S*\s+=>\s+(/\S+)", out, re.M)
    return m.group(1) if m else None


def sanitizer_env(ctx):
    """Environment for the tests of a build made with -Db_sanitize, {} for others.

    Any finding ends the process with an error, and leaks are reported at exit
    (DPDK keeps what it allocates reachable from globals, so EAL processes do
    not trip LeakSanitizer). Every report goes to a file in ctx.reports, which
    fails the test that made it, even when nobody checks the exit status of the
    process (one killed or left to exit at the end of a scenario).
    A process that loads our sanitized driver without linking the ASan runtime
    itself, like the stock dpdk-testpmd with -d, needs the runtime preloaded,
    first of all libraries: VFBC_TEST_PRELOAD names it, and testpmd.py puts it
    in LD_PRELOAD. Options the caller set in the environment win.
    """
    sanitize = build_option(ctx.build, "b_sanitize")
    if sanitize in (None, "none"):
        return {}
    ctx.reports.mkdir()
    env = {}
    for var, default, name in (("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1", "asan"),
                               ("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1", "ubsan")):
        env[var] = "%s:log_path=%s" % (os.environ.get(var, default), ctx.reports / name)
    runtime = asan_runtime(ctx.pmd)
    if runtime:
        env["VFBC_TEST_PRELOAD"] = os.environ.get("VFBC_TEST_PRELOAD", runtime)
    return env


def sanitizer_reports(ctx):
    """The sanitizer reports written since the last call, as text ('' if none)."""
    if not ctx.reports.is_dir():
        return ""
    text = ""
    for path in sorted(ctx.reports.iterdir()):
        text += "--- %s\n%s" % (path.name, path.read_text(errors="replace")[-6000:])
        path.unlink()
    return text


@contextlib.contextmanager
def environment(env):
    """os.environ updated with @env, for this process's children, then restored."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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
        if line.startswith(("PASS ", "FAIL ")):
            print(line[:5] + ctx.tag + line[5:])
        elif line.startswith("    "):
            print(line)
    reports = sanitizer_reports(ctx)
    if (rc != 0 or reports) and failed == 0:
        # A crash, an exit before any FAIL line or a sanitizer report is a failure of its own.
        print("FAIL %s%s: exit status %s\n%s" % (ctx.tag, prog, rc, text[-3000:]))
        failed += 1
    if reports:
        print(re.sub(r"^", "    ", reports.rstrip(), flags=re.M))
    return passed, failed


def run_scenario(ctx, name, fn):
    start = time.monotonic()
    try:
        fn(ctx)
        reports = sanitizer_reports(ctx)
        assert not reports, "sanitizer reports:\n" + reports
    except Exception:  # pylint: disable=broad-except
        print("FAIL %s%s (%.1fs)" % (ctx.tag, name, time.monotonic() - start))
        print(re.sub(r"^", "    ", (traceback.format_exc() + sanitizer_reports(ctx)).rstrip(),
                     flags=re.M))
        return 0, 1
    print("PASS %s%s (%.1fs)" % (ctx.tag, name, time.monotonic() - start), flush=True)
    return 1, 0


def run_build(build, tag, scenarios, flt):
    """Every test against one build directory; return (passed, failed)."""
    # Not under the system temp directory: EAL refuses -d plugins below a
    # world-writable directory, and region files should not sit there either.
    tmp_root = pathlib.Path(build).resolve() / "test-tmp"
    tmp_root.mkdir(mode=0o700, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="run-", dir=tmp_root)
    ctx = Context(build, tmp, tag)
    env = sanitizer_env(ctx)
    if env:
        print("# %s: %s" % (build, " ".join("%s=%s" % kv for kv in sorted(env.items()))))
    passed = failed = 0
    try:
        with environment(env):
            for prog in C_PROGRAMS:
                p, f = run_c_program(ctx, prog, flt)
                passed, failed = passed + p, failed + f
            for name, fn in scenarios:
                p, f = run_scenario(ctx, name, fn)
                passed, failed = passed + p, failed + f
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, action="append",
                    help="meson build directory; repeat it to test several builds")
    ap.add_argument("--filter", help="run only tests whose name contains this")
    ap.add_argument("--list", action="store_true", help="list the Python scenarios")
    args = ap.parse_args()

    scenarios = load_scenarios(args.filter)
    if args.list:
        for name, _, _ in scenarios:
            print(name)
        return 0
    passed = failed = 0
    for i, build in enumerate(args.build):
        tag = "[%s] " % pathlib.Path(build).resolve().name if i > 0 else ""
        todo = [(name, fn) for name, fn, independent in scenarios if i == 0 or not independent]
        p, f = run_build(build, tag, todo, args.filter)
        passed, failed = passed + p, failed + f
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
