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


VF0_MAC = "02:56:00:00:00:10"
NEW_MAC = "02:56:00:00:01:01"


def stats_summary(tp):
    """One line per port of 'show port stats all': packets in and out."""
    port = None
    for line in tp.cmd("show port stats all").splitlines():
        if "NIC statistics for port" in line:
            port = line.split("port")[1].split()[0]
        elif port is not None and ("RX-packets" in line or "TX-packets" in line):
            print("   port %s  %s" % (port, " ".join(line.split())))


def wait_for_mac(vf, mac, tries=200):
    """The VF applies a new MAC block from its notice thread: ask until it shows
    (each 'mac' is a round trip to the agent, no sleep)."""
    answer = ""
    for _ in range(tries):
        answer = vf.cmd("mac")
        if answer.split()[-1].lower() == mac.lower():
            break
    return answer


def unknown_unicast(tp):
    xs = tp.cmd("show port xstats 0")
    return int(next(l.split()[-1] for l in xs.splitlines() if "tx_unknown_unicast_packets" in l))


def send_from_pf(tp, vf, mac):
    """testpmd's txonly sends from the PF port to @mac for a moment; the PF
    counts what it could not deliver, VF 1 takes what reached it."""
    before = unknown_unicast(tp)
    tp.cmd("set eth-peer 0 %s" % mac)
    tp.cmd("set fwd txonly")
    tp.cmd("start")
    tp.cmd("stop")
    print("   PF txonly to %s: PF tx_unknown_unicast_packets +%d"
          % (mac, unknown_unicast(tp) - before))
    if mac == NEW_MAC:
        got = vf.cmd("recv 32").split()
        print("   VF1> recv 32  -> %s frames from testpmd" % got[2])


def run(build):
    tmp_root = pathlib.Path(build).resolve() / "demo-tmp"
    tmp_root.mkdir(mode=0o700, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=tmp_root)
    ctx = Context(build, tmp)
    regions = ctx.region_dir()
    testpmd = ctx.build / "app" / "test-pmd" / "dpdk-testpmd-vfbc"
    eal = ["--lcores=0@0,1@1,2@0", "-s", "0x2", "--no-huge", "-m", "512", "--no-pci",
           "--file-prefix", ctx.unique("demo"),
           "--vdev=%s,num_vfs=2,region_dir=%s,block=0x10:64:rw,block=0x11:16:r,vf_mac=0/%s"
           % (PF, regions, VF0_MAC),
           "--vdev=net_vfbc_vf0,pf=%s,vf=0,region_dir=%s" % (PF, regions)]
    try:
        step("1. testpmd: PF %s with 2 VFs and blocks 0x10 (rw, 64 B) and 0x11 (r, 16 B);"
             " VF 0 in the same process; the PF's service on service lcore 1" % PF)
        with Testpmd(eal, ["--total-num-mbufs=8192", "--nb-cores=1", "--forward-mode=io",
                                 "--eth-peer=0,%s" % VF0_MAC], binary=testpmd) as tp:
            print("$ dpdk-testpmd-vfbc " + " ".join(eal) + " -- -i --total-num-mbufs=8192"
                  " --forward-mode=io --eth-peer=0,%s" % VF0_MAC)
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

                step("4. Packets: the PF switches by destination MAC; testpmd's io forwarding"
                     " bounces frames PF <-> VF 0")
                tp.cmd("start tx_first")
                out = tp.cmd("stop")
                stats_summary(tp)

                step("5. The PF gives VF 1 a new MAC: block 62 rewritten, invalidated;"
                     " VF 1 applies it by itself, and frames for its old MAC stop reaching it")
                old_mac = vf.cmd("mac").split()[1]
                show("VF1", "mac", "OK " + old_mac)
                for command in ("vfbc pf 0 vf 1 block write 62 hex " + NEW_MAC.replace(":", "")
                                + "0000", "vfbc pf 0 vf 1 invalidate 0x4000000000000000"):
                    print("testpmd> " + tp.cmd(command).rstrip())
                show("VF1", "mac", wait_for_mac(vf, NEW_MAC))
                send_from_pf(tp, vf, old_mac)
                send_from_pf(tp, vf, NEW_MAC)

                step("6. testpmd quits: the PF is gone and VF 1 learns it at once")
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
