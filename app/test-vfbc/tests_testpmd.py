# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""The stock Debian dpdk-testpmd with the vfbc driver loaded by -d."""

import json
import re
import subprocess

from testpmd import Testpmd, environment
from tests_mp import Agent

# main lcore, service lcore, forwarding lcore on 2 CPUs
SERVICE_LCORES = ["--lcores=0@0,1@1,2@0", "-s", "0x2"]
APP_ARGS = ["--total-num-mbufs=8192", "--nb-cores=1"]


def eal(ctx, lcores):
    return lcores + ["--no-huge", "-m", "512", "--no-pci", "--file-prefix",
                     ctx.unique("tp"), "-d", str(ctx.pmd)]


def vdevs(pf, region_dir, extra_pf="", vfs=(0,)):
    args = ["--vdev=%s,num_vfs=2,region_dir=%s%s" % (pf, region_dir, extra_pf)]
    for vf in vfs:
        args.append("--vdev=%s_vf%d,pf=%s,vf=%d,region_dir=%s" % (
            pf.replace("_pf", "_vf"), vf, pf, vf, region_dir))
    return args


def port_summary(tp):
    """{name: (driver, status)} of testpmd's ports."""
    return {name: (p[2], p[3]) for name, p in tp.ports().items()}


def check_vf1_answered(ctx, pf, region_dir):
    """A VF in a second process writes and reads back a devargs block of the
    testpmd's PF: proof that the PF serves its mailboxes."""
    vdev = "%s,pf=%s,vf=1,region_dir=%s,timeout_ms=2000" % (
        ctx.unique("net_vfbc_vf"), pf, region_dir)
    with Agent(ctx, "vf", vdev) as vf:
        vf.expect("write 0x10 cafe", "OK")
        vf.expect("read 0x10 64", "OK 2 cafe")
        vf.quit()


def test_ports_with_service_lcore(ctx):
    pf = ctx.unique("net_vfbc_pf")
    regions = ctx.region_dir()
    args = eal(ctx, SERVICE_LCORES) + vdevs(pf, regions, ",block=0x10:64:rw")
    with Testpmd(args, APP_ARGS, log_path=ctx.tmp / (pf + ".log")) as tp:
        ports = port_summary(tp)
        vf = pf.replace("_pf", "_vf") + "_vf0"
        assert ports.get(pf) == ("net_vfbc_pf", "up"), ports
        assert ports.get(vf) == ("net_vfbc_vf", "up"), ports
        assert "control thread" not in tp.startup, tp.startup
        out = tp.cmd("show port info all")
        assert "Maximum number of MAC addresses: 1" in out, out
        check_vf1_answered(ctx, pf, regions)
        rc, out = tp.quit()
    assert rc == 0, out
    assert "Bye..." in out, out


def test_fallback_thread_without_service_lcore(ctx):
    pf = ctx.unique("net_vfbc_pf")
    regions = ctx.region_dir()
    args = eal(ctx, ["-l", "0-1"]) + vdevs(pf, regions, ",block=0x10:64:rw")
    with Testpmd(args, APP_ARGS) as tp:
        assert "no service lcore: serving VF mailboxes from control thread" in tp.startup, \
            tp.startup
        check_vf1_answered(ctx, pf, regions)
        rc, out = tp.quit()
    assert rc == 0, out


def test_forwarding_on_ports_does_not_crash(ctx):
    pf = ctx.unique("net_vfbc_pf")
    args = eal(ctx, SERVICE_LCORES) + vdevs(pf, ctx.region_dir())
    with Testpmd(args, APP_ARGS) as tp:
        tp.cmd("set fwd io")
        tp.cmd("start tx_first")
        out = tp.cmd("stop")
        assert "Accumulated forward statistics for all ports" in out, out
        out = tp.cmd("show port stats all")
        assert "NIC statistics for port" in out, out
        tp.cmd("port stop all")
        out = tp.cmd("port start all")
        assert "Fail" not in out, out
        rc, out = tp.quit()
    assert rc == 0, out


def run_expect_probe_error(ctx, vdev_args, message):
    # Not interactive: with stdin at EOF testpmd ends at once after start-up.
    args = ["/usr/bin/dpdk-testpmd"] + eal(ctx, ["-l", "0-1"]) + vdev_args + \
        ["--", "--total-num-mbufs=8192"]
    proc = subprocess.run(args, input="", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60, check=False, env=environment())
    assert message in proc.stdout, "%r not in:\n%s" % (message, proc.stdout[-3000:])
    assert proc.returncode >= 0, "testpmd died of signal %d" % -proc.returncode


def test_bad_pf_devargs_are_refused_clearly(ctx):
    d = ctx.region_dir()
    cases = [
        ("num_vfs=0", "invalid num_vfs=0: expected an integer in [1, 256]"),
        ("num_vfs=300", "invalid num_vfs=300: expected an integer in [1, 256]"),
        ("num_vfs=two", "invalid num_vfs=two"),
        ("mbox_depth=3", "mbox_depth=3 is not a power of two"),
        ("poll=sometimes", "invalid poll=sometimes: expected auto, service or thread"),
        ("block=0x10", "invalid block=0x10: expected <id>:<capacity>[:r|w|rw|none]"),
        ("block=1:64:rx", "invalid block="),
        ("bogus=1", "valid keys are num_vfs, region_dir"),
        ("vf_mac=5/02:00:00:00:00:05", "vf_mac for VF 5, but num_vfs=1"),
        ("vf_mac=0/ff:ff:ff:ff:ff:ff", "invalid vf_mac=0/ff:ff:ff:ff:ff:ff: expected <vf>/"),
        ("vf_mac=0-02:00:00:00:00:05", "invalid vf_mac=0-02:00:00:00:00:05"),
        ("block=62:8", "block 0x3e is reserved for a well-known block"),
        ("max_blocks=2,block=5:8", "1 block= devargs and 2 well-known blocks exceed max_blocks=2"),
    ]
    for arg, message in cases:
        pf = ctx.unique("net_vfbc_pf")
        run_expect_probe_error(ctx, ["--vdev=%s,region_dir=%s,%s" % (pf, d, arg)], message)


def test_bad_vf_devargs_are_refused_clearly(ctx):
    d = ctx.region_dir()
    pf = ctx.unique("net_vfbc_pf")
    pf_arg = "--vdev=%s,num_vfs=2,region_dir=%s" % (pf, d)
    cases = [
        ("vf=0", "devargs need exactly one pf=<PF device name> and one vf=<index>"),
        ("pf=%s" % pf, "devargs need exactly one pf=<PF device name> and one vf=<index>"),
        ("pf=%s,vf=7" % pf, "is PF %s running, with num_vfs > 7" % pf),
        ("pf=nosuchpf,vf=0", "is PF nosuchpf running"),
        ("pf=%s,vf=0,timeout_ms=0" % pf, "invalid timeout_ms=0"),
    ]
    for arg, message in cases:
        vf = ctx.unique("net_vfbc_vf")
        run_expect_probe_error(ctx, [pf_arg, "--vdev=%s,region_dir=%s,%s" % (vf, d, arg)],
                               message)


def test_pmdinfo_lists_drivers_and_devargs(ctx):
    out = subprocess.run(["/usr/bin/python3", "/usr/bin/dpdk-pmdinfo.py", str(ctx.pmd)],
                         stdout=subprocess.PIPE, text=True, check=True, timeout=60).stdout
    drivers = {d["name"]: d.get("params", "") for d in json.loads(out)}
    assert set(drivers) == {"net_vfbc_pf", "net_vfbc_vf"}, drivers
    for key in ("num_vfs=", "region_dir=", "mbox_depth=", "max_block_size=", "poll=",
                "block="):
        assert key in drivers["net_vfbc_pf"], drivers
    for key in ("pf=", "vf=", "timeout_ms=", "region_dir="):
        assert key in drivers["net_vfbc_vf"], drivers


def test_vf_mac_follows_its_block(ctx):
    """vf_mac= sets VF 0's MAC block; the VF port shows it in testpmd."""
    pf = ctx.unique("net_vfbc_pf")
    args = eal(ctx, SERVICE_LCORES) + vdevs(pf, ctx.region_dir(),
                                            ",vf_mac=0/02:12:34:56:78:9a")
    with Testpmd(args, APP_ARGS) as tp:
        out = tp.cmd("show port summary all")
        vf = pf.replace("_pf", "_vf") + "_vf0"
        assert re.search(r"^\d+\s+02:12:34:56:78:9A\s+%s\s" % vf, out, re.M), out
        rc, out = tp.quit()
    assert rc == 0, out


def port_stats(tp):
    """{port id: {"RX-packets": n, ...}} of 'show port stats all'."""
    stats = {}
    port = None
    for line in tp.cmd("show port stats all").splitlines():
        m = re.search(r"NIC statistics for port (\d+)", line)
        if m:
            port = int(m.group(1))
            stats[port] = {}
            continue
        if port is not None:
            for key, val in re.findall(r"([A-Za-z-]+):\s+(\d+)", line):
                stats[port].setdefault(key, int(val))
    return stats


def drain(tp, ports, rounds=20):
    """Receive and drop what the rings still hold: rxonly until a whole round
    brings nothing new (nothing sends during rxonly)."""
    tp.cmd("set fwd rxonly")
    last = None
    for _ in range(rounds):
        tp.cmd("start")
        tp.cmd("stop")
        now = [port_stats(tp)[p]["RX-packets"] for p in ports]
        if now == last:
            return
        last = now
    raise AssertionError("rings never drained: %s" % last)


def test_io_forwarding_counters_agree(ctx):
    """PF + 2 VFs in testpmd, io forwarding started with tx_first; the PF's
    frames are addressed to VF 0. Once the rings are drained, what each side
    sent is what the other received, plus what the PF counted as dropped."""
    pf = ctx.unique("net_vfbc_pf")
    mac0, mac1 = "02:00:00:00:00:10", "02:00:00:00:00:11"
    args = eal(ctx, SERVICE_LCORES) + vdevs(pf, ctx.region_dir(),
                                            ",vf_mac=0/%s,vf_mac=1/%s" % (mac0, mac1),
                                            vfs=(0, 1))
    app = APP_ARGS + ["--forward-mode=io", "--eth-peer=0,%s" % mac0]
    with Testpmd(args, app, log_path=ctx.tmp / (pf + ".log")) as tp:
        ids = tp.port_ids()
        p, v0, v1 = ids[pf], ids[pf.replace("_pf", "_vf") + "_vf0"], \
            ids[pf.replace("_pf", "_vf") + "_vf1"]
        tp.cmd("start tx_first")
        out = tp.cmd("stop")
        assert "Accumulated forward statistics for all ports" in out, out
        drain(tp, (p, v0, v1))
        st = port_stats(tp)
        xs = tp.cmd("show port xstats %d" % p)
        pf_tx, pf_drops = st[p]["TX-packets"], st[p]["TX-errors"]
        assert pf_tx >= 32, st
        assert pf_tx == st[v0]["RX-packets"] + st[v1]["RX-packets"], st
        assert st[v1]["RX-packets"] == 0, st  # every PF frame is for VF 0
        m = re.search(r"tx_unknown_unicast_packets: (\d+)", xs)
        full = re.search(r"tx_ring_full_packets: (\d+)", xs)
        down = re.search(r"tx_vf_down_packets: (\d+)", xs)
        assert m and full and down, xs
        assert pf_drops == int(m.group(1)) + int(full.group(1)) + int(down.group(1)), (st, xs)
        assert st[p]["RX-packets"] == st[v0]["TX-packets"] + st[v1]["TX-packets"], st
        assert st[p]["RX-errors"] == 0 and st[v0]["TX-errors"] == 0, st
        assert "rx_ring_errors: 0" in xs, xs
        rc, out = tp.quit()
    assert rc == 0, out
