#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""The vfbc demo: dpdk-testpmd-vfbc (testpmd with the vfbc commands) runs a PF
with two VFs (VF 0 in the same process) and answers from its service lcore,
while VF 1 runs in a second process, as a guest VM's driver would, and reads
and writes config blocks; the PF side reads them back and invalidates them."""

import argparse
import pathlib
import shutil
import sys
import tempfile

TOP = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TOP / "app" / "test-vfbc"))

from run_tests import Context  # noqa: E402
from testpmd import Testpmd  # noqa: E402
from tests_mp import Agent  # noqa: E402

PF = "net_vfbc_pf0"


def step(text):
    print("\n== %s" % text, flush=True)


def show(prompt, command, answer):
    print("%s> %-34s %s" % (prompt, command, answer), flush=True)


def text_hex(s):
    return s.encode().hex()


def decode(answer):
    """'OK <n> <hex>' -> readable."""
    parts = answer.split()
    if len(parts) == 3 and parts[0] == "OK":
        return "%s  (%s bytes: %r)" % (answer[:40] + ("..." if len(answer) > 40 else ""),
                                       parts[1], bytes.fromhex(parts[2]).decode(errors="replace"))
    return answer


def vf_requests(vf):
    greeting = "hello from VF 1 in another process"
    for command in ("write 0x10 " + text_hex(greeting), "read 0x10 64", "read 0x11 16",
                    "write 0x11 " + text_hex("nope"), "read 0x99 16",
                    "write 0x10 " + "ab" * 65, "link"):
        show("VF1", command if len(command) < 34 else command[:31] + "...",
             decode(vf.cmd(command)))
    print("   (0x10 is read-write, 64 bytes; 0x11 read-only and still empty; 0x99 does not\n"
          "    exist; 65 bytes exceed 0x10's capacity)")


def run(build):
    tmp_root = pathlib.Path(build).resolve() / "demo-tmp"
    tmp_root.mkdir(mode=0o700, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=tmp_root)
    ctx = Context(build, tmp)
    regions = ctx.region_dir()
    testpmd = ctx.build / "app" / "test-pmd" / "dpdk-testpmd-vfbc"
    eal = ["--lcores=0@0,1@1,2@0", "-s", "0x2", "--no-huge", "-m", "512", "--no-pci",
           "--file-prefix", ctx.unique("demo"),
           "--vdev=%s,num_vfs=2,region_dir=%s,block=0x10:64:rw,block=0x11:16:r" % (PF, regions),
           "--vdev=net_vfbc_vf0,pf=%s,vf=0,region_dir=%s" % (PF, regions)]
    try:
        step("1. testpmd: PF %s with 2 VFs and blocks 0x10 (rw, 64 B) and 0x11 (r, 16 B);"
             " VF 0 in the same process; the PF's service on service lcore 1" % PF)
        with Testpmd(eal, ["--total-num-mbufs=8192", "--nb-cores=1"], binary=testpmd) as tp:
            print("$ dpdk-testpmd-vfbc " + " ".join(eal) + " -- -i --total-num-mbufs=8192")
            print("testpmd> " + tp.cmd("show port summary all").rstrip())

            step("2. VF 1 attaches from a second process and uses its config blocks")
            vdev = "net_vfbc_vf1,pf=%s,vf=1,region_dir=%s,timeout_ms=2000" % (PF, regions)
            print("$ vfbc-agent <EAL args> --vdev %s -- vf" % vdev)
            with Agent(ctx, "vf", vdev) as vf:
                vf_requests(vf)

                step("3. The PF side, from testpmd: VF 1's blocks, what it wrote, its mailbox")
                for command in ("vfbc pf 0 vf 1 block read 0x10", "vfbc pf 0 vf 1 show",
                                "vfbc pf 0 vf 1 block write 0x11 string set by the PF",
                                "vfbc pf 0 vf 1 invalidate 0x20000"):
                    print("testpmd> " + tp.cmd(command).rstrip())  # testpmd echoes it
                for command in ("read 0x11 16", "inval"):
                    show("VF1", command, decode(vf.cmd(command)))

                step("4. testpmd forwards on the ports (no packet rings yet: nothing moves,"
                     " nothing breaks)")
                tp.cmd("start tx_first")
                out = tp.cmd("stop")
                print("\n".join(l for l in out.splitlines() if "Accumulated" in l or
                                "TX-packets" in l)[:400])

                step("5. testpmd quits: the PF is gone and VF 1 learns it at once")
                rc, _ = tp.quit()
                print("testpmd exited with status %d" % rc)
                for command in ("read 0x10 64", "link"):
                    show("VF1", command, vf.cmd(command))
                vf.quit()
        print("\nDemo done.")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default=str(TOP / "build"))
    return run(ap.parse_args().build)


if __name__ == "__main__":
    sys.exit(main())
