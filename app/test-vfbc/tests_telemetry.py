# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""What users see of the vfbc ports in the stock tools: the xstats in
dpdk-testpmd, and the /vfbc telemetry commands in dpdk-telemetry.py."""

import json
import re
import subprocess
import time

from testpmd import Testpmd
from tests_mp import Agent, remove_runtime_dir
from tests_testpmd import APP_ARGS, eal, vdevs

TELEMETRY = "/usr/bin/dpdk-telemetry.py"
WAIT_S = 5.0
PF_BLOCKS = ",block=0x10:64:rw,block=0x11:8:r"
# A vfbc-agent VF starts its port: configure and start each read the two
# well-known blocks.
AGENT_START_READS = 4


def telemetry(prefix, *commands):
    """Answers of dpdk-telemetry.py to @commands, in order: it prints one JSON
    line per command when its input is no terminal."""
    proc = subprocess.run(["/usr/bin/python3", TELEMETRY, "-f", prefix],
                          input="".join(c + "\n" for c in commands), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=30, check=False)
    assert proc.returncode == 0, proc.stdout
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == len(commands), proc.stdout
    answers = []
    for cmd, line in zip(commands, lines):
        reply = json.loads(line)
        key = cmd.split(",", 1)[0]
        assert list(reply) == [key], (cmd, reply)
        answers.append(reply[key])
    return answers


def xstats(tp, port):
    """{name: value} from 'show port xstats'."""
    out = tp.cmd("show port xstats %d" % port)
    values = {}
    for line in out.splitlines():
        m = re.match(r"^([a-z0-9_]+): (\d+)$", line)
        if m:
            assert m.group(1) not in values, "xstat %s twice:\n%s" % (m.group(1), out)
            values[m.group(1)] = int(m.group(2))
    return values


def wait_attached(prefix, pf_port, vf):
    """The PF answers the attach of a VF port soon after probe."""
    deadline = time.monotonic() + WAIT_S
    while True:
        info = telemetry(prefix, "/vfbc/pf_info,%d" % pf_port)[0]
        if info["vf_attached"][vf] == 1 or time.monotonic() > deadline:
            return info
        time.sleep(0.05)


class Pmd:
    """A testpmd with a PF of 2 VFs and a port of VF 0, in one scenario."""

    def __init__(self, ctx):
        self.pf = ctx.unique("net_vfbc_pf")
        self.regions = ctx.region_dir()
        args = eal(ctx, ["-l", "0-1"]) + vdevs(self.pf, self.regions, PF_BLOCKS)
        self.prefix = args[args.index("--file-prefix") + 1]
        self.tp = Testpmd(args, APP_ARGS, log_path=ctx.tmp / (self.pf + ".log"))
        self.ids = {}

    def __enter__(self):
        self.tp.__enter__()
        self.ids = self.tp.port_ids()
        return self

    def __exit__(self, *exc):
        self.tp.__exit__(*exc)
        remove_runtime_dir(self.prefix)

    @property
    def pf_port(self):
        return self.ids[self.pf]

    @property
    def vf_port(self):
        return self.ids[self.pf.replace("_pf", "_vf") + "_vf0"]


def vf1_requests(ctx, pmd):
    """VF 1 in a second process: 2 writes, 2 reads, of which 2 fail."""
    vdev = "%s,pf=%s,vf=1,region_dir=%s,timeout_ms=2000" % (
        ctx.unique("net_vfbc_vf"), pmd.pf, pmd.regions)
    with Agent(ctx, "vf", vdev) as vf:
        vf.expect("write 0x10 cafe", "OK")
        vf.expect("read 0x10 64", "OK 2 cafe")
        vf.expect("read 0x99 8", "ERR -ENOENT")
        vf.expect("write 0x11 00", "ERR -EACCES")
        vf.quit()


def test_telemetry_commands(ctx):
    with Pmd(ctx) as pmd:
        pf = pmd.pf_port
        info = wait_attached(pmd.prefix, pf, 0)
        pfs, vf0, blocks = telemetry(pmd.prefix, "/vfbc/pfs", "/vfbc/vf_info,%d,0" % pf,
                                     "/vfbc/vf_info,%d,1" % pf)
        assert pfs == [pf], pfs
        # testpmd's VF 0 port read its well-known blocks when it was configured
        # and started: the PF counts exactly what the VF port counts.
        vf0_requests = xstats(pmd.tp, pmd.vf_port)["mbox_requests"]
        assert vf0_requests >= 4, vf0_requests
        for key, value in (("name", pmd.pf), ("port_id", pf), ("num_vfs", 2),
                           ("region_dir", pmd.regions), ("poll", "auto"),
                           ("control_thread", 1), ("max_block_size", 4096),
                           ("vf_attached", [1, 0]), ("vf_blocks", [4, 4]),
                           ("vf_mbox_requests", [vf0_requests, 0])):
            assert info.get(key) == value, (key, info)
        assert vf0["attached"] == 1 and vf0["pf_state"] == "ready", vf0
        assert vf0["region"] == "%s/vfbc.%s.vf0" % (pmd.regions, pmd.pf), vf0
        assert blocks["attached"] == 0 and blocks["nb_blocks"] == 4, blocks
        assert blocks["blocks"] == {
            "0x10": {"id": 16, "capacity": 64, "length": 0, "rights": "rw", "version": 0},
            "0x11": {"id": 17, "capacity": 8, "length": 0, "rights": "r", "version": 0},
            # the well-known MAC and VPort blocks, set once at probe
            "0x3e": {"id": 62, "capacity": 8, "length": 8, "rights": "rw", "version": 1},
            "0x3f": {"id": 63, "capacity": 16, "length": 16, "rights": "rw", "version": 1},
        }, blocks

        vf1_requests(ctx, pmd)
        vf1, info = telemetry(pmd.prefix, "/vfbc/vf_info,%d,1" % pf, "/vfbc/pf_info,%d" % pf)
        assert vf1["blocks"]["0x10"]["length"] == 2, vf1
        for key, value in (("mbox_attaches", 1), ("mbox_requests", 4 + AGENT_START_READS),
                           ("mbox_reads", 2 + AGENT_START_READS),
                           ("mbox_writes", 2), ("mbox_errors", 2),
                           ("mbox_not_found_errors", 1), ("mbox_access_denied_errors", 1)):
            assert vf1[key] == value, (key, vf1)
        assert info["vf_mbox_requests"] == [vf0_requests, 4 + AGENT_START_READS], info
        assert info["vf_mbox_errors"] == [0, 2], info
        rc, out = pmd.tp.quit()
    assert rc == 0, out


def test_telemetry_refuses_bad_parameters(ctx):
    with Pmd(ctx) as pmd:
        pf, vf = pmd.pf_port, pmd.vf_port
        bad = ["/vfbc/pfs,0", "/vfbc/pf_info", "/vfbc/pf_info,", "/vfbc/pf_info,%d" % vf,
               "/vfbc/pf_info,abc", "/vfbc/pf_info,%d,0" % pf, "/vfbc/pf_info,-1",
               "/vfbc/pf_info,99999", "/vfbc/vf_info,%d" % pf, "/vfbc/vf_info,%d,2" % pf,
               "/vfbc/vf_info,%d,0x1" % pf, "/vfbc/vf_info,%d,0" % vf,
               "/vfbc/vf_info,%d,,0" % pf]
        answers = telemetry(pmd.prefix, *bad)
        assert answers == [None] * len(bad), list(zip(bad, answers))
        # Still answering after all that.
        assert telemetry(pmd.prefix, "/vfbc/pfs") == [[pf]]
        rc, out = pmd.tp.quit()
    assert rc == 0, out


def vfbc_xstats_are_zero(values):
    return all(v == 0 for k, v in values.items()
               if "mbox_" in k or k.endswith("ring_dropped_packets"))


def test_testpmd_shows_xstats(ctx):
    with Pmd(ctx) as pmd:
        pf = pmd.pf_port
        wait_attached(pmd.prefix, pf, 0)
        values = xstats(pmd.tp, pf)
        for vf in ("", "vf0_", "vf1_"):
            for name in ("mbox_requests", "mbox_completions", "mbox_reads", "mbox_writes",
                         "mbox_attaches", "mbox_wakeups", "mbox_not_found_errors",
                         "mbox_access_denied_errors", "mbox_too_big_errors",
                         "mbox_invalid_errors", "mbox_protocol_errors",
                         "mbox_denied_by_policy_errors", "mbox_deferred_requests",
                         "mbox_rate_limited_requests", "mbox_outstanding_exceeded_errors",
                         "mbox_quarantines"):
                assert vf + name in values, (vf + name, values)
        assert values["vf0_mbox_attaches"] == 1 and values["vf1_mbox_requests"] == 0, values
        vf_values = xstats(pmd.tp, pmd.vf_port)
        for name in ("mbox_requests", "mbox_completions", "mbox_errors", "mbox_timeouts",
                     "mbox_sleeps", "rx_ring_dropped_packets", "tx_ring_dropped_packets"):
            assert name in vf_values, (name, vf_values)

        vf1_requests(ctx, pmd)
        values = xstats(pmd.tp, pf)
        # VF 0's own requests (its well-known blocks at configure and start),
        # as the VF port counts them.
        vf0_requests = xstats(pmd.tp, pmd.vf_port)["mbox_requests"]
        for name, value in (("vf1_mbox_attaches", 1),
                            ("vf1_mbox_requests", 4 + AGENT_START_READS),
                            ("vf1_mbox_completions", 4 + AGENT_START_READS),
                            ("vf1_mbox_reads", 2 + AGENT_START_READS),
                            ("vf1_mbox_writes", 2), ("vf1_mbox_errors", 2),
                            ("vf1_mbox_not_found_errors", 1),
                            ("vf1_mbox_access_denied_errors", 1),
                            ("vf0_mbox_requests", vf0_requests),
                            ("mbox_requests", 4 + AGENT_START_READS + vf0_requests),
                            ("mbox_attaches", 2)):
            assert values[name] == value, (name, values)

        # Until the datapath exists, a port drops all it is given to send.
        pmd.tp.cmd("set fwd io")
        pmd.tp.cmd("start tx_first")
        pmd.tp.cmd("stop")
        values = xstats(pmd.tp, pf)
        assert values["tx_ring_dropped_packets"] > 0, values
        assert values["tx_ring_dropped_packets"] == values["tx_errors"], values

        pmd.tp.cmd("clear port xstats %d" % pf)
        values = xstats(pmd.tp, pf)
        assert vfbc_xstats_are_zero(values), values
        rc, out = pmd.tp.quit()
    assert rc == 0, out


def test_priv_dump_through_telemetry(ctx):
    with Pmd(ctx) as pmd:
        pf = pmd.pf_port
        wait_attached(pmd.prefix, pf, 0)
        pf_dump, vf_dump = telemetry(pmd.prefix, "/ethdev/dump_priv,%d" % pf,
                                     "/ethdev/dump_priv,%d" % pmd.vf_port)
        for line in ("  num_vfs: 2", "  region_dir: %s" % pmd.regions, "  poll: auto",
                     "  control_thread: running", "  vf0:", "  vf1:",
                     "    region: %s/vfbc.%s.vf1" % (pmd.regions, pmd.pf),
                     "    attached: yes", "    attached: no", "    blocks: 4"):
            assert line + "\n" in pf_dump, (line, pf_dump)
        # The VF port attached when testpmd configured it: it read its
        # well-known blocks then.
        for line in ("  pf: %s" % pmd.pf, "  vf: 0", "  attached: yes", "  pf_state: ready",
                     "  gone: no", "  reconnects: 0"):
            assert line + "\n" in vf_dump, (line, vf_dump)
        rc, out = pmd.tp.quit()
    assert rc == 0, out
