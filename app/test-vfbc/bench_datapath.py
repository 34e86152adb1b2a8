#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Datapath benchmark: stock dpdk-testpmd io forwarding of 64-byte frames
between a vfbc PF and its VF, next to the same run between a net_memif server
and client in copy mode (the baseline), on the same lcores.

  1proc: both ports in one testpmd, --lcores=0@0,1@1: one forwarding lcore on
         CPU 1 moves frames both ways (PF Rx -> VF Tx, VF Rx -> PF Tx).
  2proc: one port per testpmd, each forwarding its port to itself: the PF's
         forwarding lcore on CPU 1, the VF's on CPU 0 (the main lcores only
         read commands).

Frames go round in a closed loop started by tx_first; the rate is the sum of
the ports' RX-packets over a fixed interval, from testpmd's own counters.
Numbers taken while other work shares the CPUs say little: rerun on an idle
machine before drawing conclusions.

Usage: bench_datapath.py [--build DIR] [--seconds N] [--warmup N] [--mode 1proc|2proc|all]
"""

import argparse
import os
import pathlib
import re
import shutil
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from testpmd import Testpmd  # noqa: E402

VF_MAC = "02:00:00:00:00:10"
APP = ["--total-num-mbufs=16384", "--forward-mode=io", "--burst=32", "--txpkts=64"]


def rx_total(tp):
    """RX-packets summed over the ports of @tp."""
    out = tp.cmd("show port stats all")
    return sum(int(n) for n in re.findall(r"RX-packets:\s+(\d+)", out))


def measure(tps, warmup, seconds):
    """Start forwarding everywhere, then Mpps over @seconds after @warmup."""
    for tp in tps:
        tp.cmd("start tx_first")
    time.sleep(warmup)
    before = sum(rx_total(tp) for tp in tps)
    t0 = time.monotonic()
    time.sleep(seconds)
    after = sum(rx_total(tp) for tp in tps)
    elapsed = time.monotonic() - t0
    for tp in tps:
        tp.cmd("stop")
    return (after - before) / elapsed / 1e6


class Env:
    def __init__(self, build):
        self.build = pathlib.Path(build).resolve()
        self.pmd = self.build / "drivers" / "net" / "vfbc" / "librte_net_vfbc.so"
        # Not world-writable: region files and memif sockets live here.
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="vfbc-bench-dp.",
                                                 dir=os.environ.get("TMPDIR", "/tmp")))
        self.seq = 0

    def eal(self, lcores, plugin=True):
        self.seq += 1
        args = ["--lcores=" + lcores, "--no-huge", "-m", "1024", "--no-pci",
                "--file-prefix", "bdp%d_%d" % (os.getpid(), self.seq),
                "--log-level", "lib.eal:error"]
        return args + (["-d", str(self.pmd)] if plugin else [])

    def vfbc_vdevs(self, vf=True, pf=True):
        pf_name = "net_vfbc_pf_bdp%d" % os.getpid()
        regions = self.tmp / "regions"
        regions.mkdir(mode=0o700, exist_ok=True)
        args = []
        if pf:
            args.append("--vdev=%s,num_vfs=1,region_dir=%s,vf_mac=0/%s" % (
                pf_name, regions, VF_MAC))
        if vf:
            args.append("--vdev=net_vfbc_vf_bdp,pf=%s,vf=0,region_dir=%s" % (pf_name, regions))
        return args

    def memif_vdevs(self, server=True, client=True):
        sock = self.tmp / "memif.sock"
        args = []
        if server:
            args.append("--vdev=net_memif0,role=server,id=0,socket=%s" % sock)
        if client:
            args.append("--vdev=net_memif1,role=client,id=0,socket=%s" % sock)
        return args


def run_1proc(env, kind, warmup, seconds):
    if kind == "vfbc":
        args = env.eal("0@0,1@1") + env.vfbc_vdevs()
        app = APP + ["--eth-peer=0,%s" % VF_MAC, "--eth-peer=1,%s" % VF_MAC]
    else:
        args = env.eal("0@0,1@1", plugin=False) + env.memif_vdevs()
        app = APP
    with Testpmd(args, app, timeout=60) as tp:
        return measure([tp], warmup, seconds)


def run_2proc(env, kind, warmup, seconds):
    if kind == "vfbc":
        first = (env.eal("0@0,1@1") + env.vfbc_vdevs(vf=False),
                 APP + ["--eth-peer=0,%s" % VF_MAC])
        second = (env.eal("0@1,1@0") + env.vfbc_vdevs(pf=False),
                  APP + ["--eth-peer=0,%s" % VF_MAC])
    else:
        first = (env.eal("0@0,1@1", plugin=False) + env.memif_vdevs(client=False), APP)
        second = (env.eal("0@1,1@0", plugin=False) + env.memif_vdevs(server=False), APP)
    with Testpmd(first[0], first[1], timeout=60) as a:
        with Testpmd(second[0], second[1], timeout=60) as b:
            if kind == "memif":
                # The client connects in the background: wait for its link.
                deadline = time.monotonic() + 10
                while "Link status: up" not in b.cmd("show port info 0") and \
                        time.monotonic() < deadline:
                    time.sleep(0.1)
            return measure([a, b], warmup, seconds)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(HERE.parent.parent / "build"))
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--mode", choices=("1proc", "2proc", "all"), default="all")
    opt = ap.parse_args()
    env = Env(opt.build)
    modes = ("1proc", "2proc") if opt.mode == "all" else (opt.mode,)
    runners = {"1proc": run_1proc, "2proc": run_2proc}
    print("testpmd io forwarding, 64-byte frames, %.0f s after %.0f s warm-up"
          % (opt.seconds, opt.warmup))
    try:
        for mode in modes:
            memif = runners[mode](env, "memif", opt.warmup, opt.seconds)
            vfbc = runners[mode](env, "vfbc", opt.warmup, opt.seconds)
            ratio = vfbc / memif if memif > 0 else float("inf")
            print("%s: vfbc %.2f Mpps, memif %.2f Mpps, ratio %.2fx (target >= 1.2x)"
                  % (mode, vfbc, memif, ratio))
            sys.stdout.flush()
    finally:
        shutil.rmtree(env.tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
