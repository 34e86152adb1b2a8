# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""The vfbc driver commands of dpdk-testpmd-vfbc, the testpmd this project
builds (app/test-pmd): a PF with two VFs and VF 0 as a port of the same
process."""

import contextlib
import re
import time

from testpmd import Testpmd

# main lcore, service lcore, forwarding lcore on 2 CPUs
LCORES = ["--lcores=0@0,1@1,2@0", "-s", "0x2"]
APP_ARGS = ["--total-num-mbufs=8192", "--nb-cores=1"]

HELP_SYNTAXES = [
    "vfbc pf (port_id) vf (vf_id) block read (block_id)",
    "vfbc pf (port_id) vf (vf_id) block write (block_id) hex|string (data)",
    "vfbc pf (port_id) vf (vf_id) block define (block_id) (capacity) (r|w|rw|none)",
    "vfbc pf (port_id) vf (vf_id) invalidate (mask)",
    "vfbc pf (port_id) vf (vf_id) show",
    "vfbc vf (port_id) block read (block_id)",
    "vfbc vf (port_id) block read (block_id) (len)",
    "vfbc vf (port_id) block write (block_id) hex|string (data)",
    "vfbc vf (port_id) invalidated",
]


class Ports:
    """An interactive dpdk-testpmd-vfbc with port ids of its PF and VF."""

    def __init__(self, tp, pf, vf):
        self.tp, self.pf, self.vf = tp, pf, vf

    def pf_cmd(self, rest, vf=0):
        return self.tp.cmd("vfbc pf %d vf %d %s" % (self.pf, vf, rest))

    def vf_cmd(self, rest):
        return self.tp.cmd("vfbc vf %d %s" % (self.vf, rest))


@contextlib.contextmanager
def testpmd_vfbc(ctx, pf_extra=""):
    binary = ctx.build / "app" / "test-pmd" / "dpdk-testpmd-vfbc"
    assert binary.exists(), "%s not built (meson option testpmd=false?)" % binary
    pf = ctx.unique("net_vfbc_pf")
    vf = pf.replace("_pf", "_vf") + "_vf0"
    d = ctx.region_dir()
    # No -d: the binary links librte_net_vfbc.so itself.
    args = LCORES + ["--no-huge", "-m", "512", "--no-pci", "--file-prefix", ctx.unique("tpc"),
                     "--vdev=%s,num_vfs=2,region_dir=%s%s" % (pf, d, pf_extra),
                     "--vdev=%s,pf=%s,vf=0,region_dir=%s" % (vf, pf, d)]
    with Testpmd(args, APP_ARGS, log_path=ctx.tmp / (pf + ".log"), binary=binary) as tp:
        ids = tp.port_ids()
        assert pf in ids and vf in ids, ids
        yield Ports(tp, ids[pf], ids[vf])
        rc, out = tp.quit()
        assert rc == 0, out


def dumped(out, header):
    """The bytes of the hex dump following @header in @out."""
    assert header in out, "%r not in:\n%s" % (header, out)
    data = b""
    for line in out[out.index(header) + len(header):].splitlines()[1:]:
        m = re.match(r"^  [0-9a-f]{8} ((?: [0-9a-f]{2})+)\s*\|", line)
        if not m:
            break
        data += bytes.fromhex(m.group(1))
    return data


def pf_read(p, block, vf=0):
    out = p.pf_cmd("block read %#x" % block, vf)
    m = re.search(r"PF port %d VF %d block %#x: (\d+) bytes" % (p.pf, vf, block), out)
    assert m, out
    data = dumped(out, m.group(0))
    assert len(data) == int(m.group(1)), out
    return data


def vf_read(p, block, length=None):
    out = p.vf_cmd("block read %#x%s" % (block, "" if length is None else " %d" % length))
    m = re.search(r"VF port %d block %#x: (\d+) bytes" % (p.vf, block), out)
    assert m, out
    data = dumped(out, m.group(0))
    assert len(data) == int(m.group(1)), out
    return data


# The MAC and VPort blocks every VF has: {id: (capacity, length, rights)}.
WELL_KNOWN = {62: (8, 8, "rw"), 63: (16, 16, "rw")}


def show(p, vf=0):
    """(blocks {id: (capacity, length, rights)}, mailbox dict) of 'vfbc pf .. show'."""
    out = p.pf_cmd("show", vf)
    assert "PF port %d VF %d:" % (p.pf, vf) in out, out
    blocks = {}
    for m in re.finditer(r"^  0x([0-9a-f]{8})\s+(\d+)\s+(\d+)\s+(none|rw|r|w)\s+\d+$", out, re.M):
        blocks[int(m.group(1), 16)] = (int(m.group(2)), int(m.group(3)), m.group(4))
    m = re.search(r"^Mailbox: (attached|not attached), protocol version (\d+), "
                  r"next sequence number (\d+)$", out, re.M)
    assert m, out
    mbox = {"attached": m.group(1) == "attached", "proto": int(m.group(2)),
            "next_seq": int(m.group(3))}
    m = re.search(r"Requests: (\d+) \(reads (\d+), writes (\d+)\)", out)
    mbox.update(requests=int(m.group(1)), reads=int(m.group(2)), writes=int(m.group(3)))
    mbox["completions"] = int(re.search(r"Completions: (\d+)", out).group(1))
    m = re.search(r"By status: (.*)$", out, re.M)
    for name, n in re.findall(r"(\w+) (\d+)", m.group(1)):
        mbox[name] = int(n)
    mbox["pending"] = int(re.search(r"Invalidations not taken by the VF: 0x([0-9a-f]+)",
                                    out).group(1),
                          16)
    assert len(re.findall(r"^  0x", out, re.M)) == len(blocks), out
    return blocks, mbox


def wait_mailbox(p, want, timeout=5.0):
    """The mailbox once every counter in @want has its value: the PF counts a
    completion just after the VF may have seen it."""
    deadline = time.monotonic() + timeout
    while True:
        _, mbox = show(p)
        if all(mbox[k] == v for k, v in want.items()) or time.monotonic() > deadline:
            assert all(mbox[k] == v for k, v in want.items()), (want, mbox)
            return mbox
        time.sleep(0.05)


def expect_error(out, what, name, strerror):
    line = "vfbc: %s failed: -%s (%s)" % (what, name, strerror)
    assert line in out, "%r not in:\n%s" % (line, out)


def test_help_lists_vfbc_commands(ctx):
    with testpmd_vfbc(ctx) as p:
        out = p.tp.cmd("help")
        assert "help drivers" in out, out
        out = p.tp.cmd("help drivers")
        assert "Driver specific:" in out, out
        for syntax in HELP_SYNTAXES:
            assert syntax + "\n" in out, "%r not in:\n%s" % (syntax, out)


def test_define_write_read_from_pf_and_vf(ctx):
    with testpmd_vfbc(ctx) as p:
        out = p.pf_cmd("block define 0x10 64 rw")
        assert "PF port %d VF 0 block 0x10: defined, capacity 64, VF rights rw" % p.pf in out, out
        out = p.pf_cmd("block write 0x10 string hello, backchannel")
        assert "PF port %d VF 0 block 0x10: wrote 18 bytes" % p.pf in out, out
        assert pf_read(p, 0x10) == b"hello, backchannel"
        assert vf_read(p, 0x10) == b"hello, backchannel"
        assert vf_read(p, 0x10, 5) == b"hello"

        out = p.vf_cmd("block write 0x10 hex 00ff10aB7f")
        assert "VF port %d block 0x10: wrote 5 bytes" % p.vf in out, out
        assert pf_read(p, 0x10) == bytes.fromhex("00ff10ab7f")
        out = p.pf_cmd("block write 16 hex %s" % ("5a" * 64))
        assert "wrote 64 bytes" in out, out
        assert vf_read(p, 0x10) == b"Z" * 64

        # The other VF's blocks are its own.
        p.pf_cmd("block define 0x10 8 r", vf=1)
        assert pf_read(p, 0x10, vf=1) == b""
        p.pf_cmd("block write 0x10 string vf1", vf=1)
        assert pf_read(p, 0x10, vf=1) == b"vf1"
        assert vf_read(p, 0x10) == b"Z" * 64


def test_show_lists_blocks_and_counts_requests(ctx):
    with testpmd_vfbc(ctx, pf_extra=",block=0x20:16:r") as p:
        blocks, mbox = show(p)
        assert blocks == {0x20: (16, 0, "r"), **WELL_KNOWN}, blocks
        # testpmd configured and started VF 0's port, which read its well-known
        # blocks each time: reads only, all answered OK.
        base = mbox["requests"]
        assert base >= 4 and mbox["writes"] == 0, mbox
        assert mbox["completions"] == mbox["reads"] == mbox["OK"] == base, mbox

        for bid, cap, rights in ((1, 8, "w"), (2, 32, "rw"), (3, 4, "none")):
            p.pf_cmd("block define %d %d %s" % (bid, cap, rights))
        p.pf_cmd("block write 2 string abc")
        blocks, _ = show(p)
        assert blocks == {1: (8, 0, "w"), 2: (32, 3, "rw"), 3: (4, 0, "none"),
                          0x20: (16, 0, "r"), **WELL_KNOWN}, blocks

        # The VF attaches at its first request at the latest.
        vf_read(p, 2)
        mbox = wait_mailbox(p, {"requests": base + 1, "completions": base + 1,
                                "reads": base + 1, "OK": base + 1})
        assert mbox["attached"] and mbox["proto"] >= 1, mbox
        seq = mbox["next_seq"]

        p.vf_cmd("block write 2 string abcdef")
        p.vf_cmd("block read 0x99")
        p.vf_cmd("block write 0x20 string x")
        p.vf_cmd("block write 2 string %s" % ("y" * 33))
        mbox = wait_mailbox(p, {"requests": base + 5, "completions": base + 5,
                                "reads": base + 2, "writes": 3, "OK": base + 2, "ENOENT": 1,
                                "EACCES": 1, "EMSGSIZE": 1})
        assert mbox["next_seq"] == seq + 4, (seq, mbox)
        blocks, _ = show(p)
        assert blocks[2] == (32, 6, "rw"), blocks


def test_invalidate_then_fetch(ctx):
    with testpmd_vfbc(ctx) as p:
        out = p.vf_cmd("invalidated")
        assert "VF port %d: invalidated blocks 0x0\n" % p.vf in out, out
        out = p.pf_cmd("invalidate 0x11")
        assert "PF port %d VF 0: invalidated blocks 0x11" % p.pf in out, out
        p.pf_cmd("invalidate 0x100")
        p.pf_cmd("invalidate 0x8000000000000000", vf=1)
        # The VF's driver takes invalidations off the region as they come,
        # for its application: the PF sees none left there...
        wait_mailbox(p, {"pending": 0})
        # ...and the application gets them all, once.
        out = p.vf_cmd("invalidated")
        assert "VF port %d: invalidated blocks 0x111\n" % p.vf in out, out
        out = p.vf_cmd("invalidated")
        assert "VF port %d: invalidated blocks 0x0\n" % p.vf in out, out
        _, mbox = show(p)
        assert mbox["pending"] == 0, mbox
        out = p.pf_cmd("invalidate 0")
        expect_error(out, "invalidate", "EINVAL", "Invalid argument")


def test_errors_print_errno_names(ctx):
    with testpmd_vfbc(ctx) as p:
        p.pf_cmd("block define 0x10 8 r")
        p.pf_cmd("block define 0x11 8 rw")
        p.pf_cmd("block write 0x10 string ro")

        expect_error(p.vf_cmd("block read 0x42"), "block read", "ENOENT",
                     "No such file or directory")
        expect_error(p.pf_cmd("block read 0x42"), "block read", "ENOENT",
                     "No such file or directory")
        expect_error(p.pf_cmd("block write 0x42 string x"), "block write", "ENOENT",
                     "No such file or directory")
        expect_error(p.vf_cmd("block write 0x10 string x"), "block write", "EACCES",
                     "Permission denied")
        expect_error(p.vf_cmd("block write 0x11 string 123456789"), "block write", "EMSGSIZE",
                     "Message too long")
        expect_error(p.pf_cmd("block write 0x11 hex 000102030405060708"), "block write",
                     "EMSGSIZE", "Message too long")
        expect_error(p.pf_cmd("block define 0x10 8 rw"), "block define", "EEXIST",
                     "File exists")
        expect_error(p.pf_cmd("block define 0x12 0 rw"), "block define", "EINVAL",
                     "Invalid argument")
        for cmd in ("show", "block read 0x10", "block write 0x10 string x",
                    "block define 0x13 8 rw", "invalidate 1"):
            out = p.pf_cmd(cmd, vf=7)
            assert re.search(r"vfbc: [a-z ]+ failed: -EINVAL \(Invalid argument\)", out), out
        out = p.tp.cmd("vfbc pf %d vf 0 show" % p.vf)
        expect_error(out, "show", "ENOTSUP", "Operation not supported")
        assert "port %d is not a net_vfbc_pf port" % p.vf in out, out
        out = p.tp.cmd("vfbc vf %d block read 0x10" % p.pf)
        expect_error(out, "block read", "ENOTSUP", "Operation not supported")
        assert "port %d is not a net_vfbc_vf port" % p.pf in out, out

        _, before = show(p)
        for bad in ("0", "abc", "0x10", "zz", "00 11", "0g"):
            for out in (p.vf_cmd("block write 0x11 hex %s" % bad),
                        p.pf_cmd("block write 0x11 hex %s" % bad)):
                assert 'vfbc: malformed hex "%s"' % bad in out, out
        _, after = show(p)
        assert after["requests"] == before["requests"], (before, after)
        assert pf_read(p, 0x11) == b"" and pf_read(p, 0x10) == b"ro"
        out = p.pf_cmd("block read")
        assert "Bad arguments" in out, out
