# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""vfbc-stress at test size: 256 VFs, two threads each, and the PF application
rewriting the same blocks; it must see no torn read, no lost write, no error.

Correctness only: the run's timings are printed, never checked.
"""

import subprocess

TIMEOUT_S = 300


def _stress(ctx, vfs, threads, ops):
    cmd = [str(ctx.app / "vfbc-stress")] + ctx.eal_args("stress") + [
        "--log-level", "pmd.net.vfbc:warning", "--",
        "-d", ctx.region_dir(), "-v", str(vfs), "-t", str(threads), "-n", str(ops)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT_S, check=False)
    out = proc.stdout
    assert proc.returncode == 0 and out.rstrip().endswith("PASS"), \
        "vfbc-stress: exit status %d:\n%s" % (proc.returncode, out[-4000:])
    for line in ("torn reads: 0", "lost writes: 0", "errors: 0"):
        assert line in out, "no %r in:\n%s" % (line, out[-4000:])
    load = [l for l in out.splitlines() if l.startswith("load:")]
    assert load and ("%d VFs x %d threads" % (vfs, threads)) in load[0], out[-4000:]
    return out


def test_256_vfs_no_torn_read_no_lost_write(ctx):
    _stress(ctx, 256, 2, 64)
