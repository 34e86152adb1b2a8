# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""The PF's durable block store (store= devarg), with PF and VF agents.

A restarted PF finds its blocks' definitions and contents again; a PF killed
at any point of a stream of writes, by the application or by a VF, comes back
with a complete store holding at least every acknowledged write; a corrupt or
truncated store file is refused with a clear log line.
"""

import pathlib
import struct

from tests_mp import Agent, Setup, check

BLOCK = 0x30
BLOCK_LEN = 64


class StoreSetup(Setup):
    """A Setup whose PF keeps its blocks in a store directory."""

    def __init__(self, ctx):
        super().__init__(ctx)
        self.store = pathlib.Path(ctx.region_dir())

    def pf(self, stallable=False, num_vfs=2):
        vdev = "%s,num_vfs=%d,region_dir=%s,max_block_size=8192,store=%s" % (
            self.pf_name, num_vfs, self.region_dir, self.store)
        return Agent(self.ctx, "pf", vdev)

    def file(self, vf):
        return self.store / ("vfbc.%s.vf%d.store" % (self.pf_name, vf))


def versioned(n):
    """BLOCK_LEN bytes of a self-checking version n: n in every 32-bit word."""
    return struct.pack("<I", n).hex() * (BLOCK_LEN // 4)


def version_of(answer):
    """The version an 'OK <len> <hex>' answer holds; fails on a torn one."""
    parts = answer.split()
    check(len(parts) == 3 and parts[0] == "OK" and parts[1] == str(BLOCK_LEN),
          "not a whole block: %r" % answer)
    words = {parts[2][i:i + 8] for i in range(0, len(parts[2]), 8)}
    check(len(words) == 1, "a mix of versions: %r" % answer)
    return struct.unpack("<I", bytes.fromhex(words.pop()))[0]


def test_restart_keeps_definitions_and_contents(ctx):
    s = StoreSetup(ctx)
    big = bytes(range(256)) * 20  # 5120 bytes: over a mailbox slot
    with s.pf() as pf:
        pf.expect("define 0 0x20 100 rw", "OK")
        pf.expect("define 1 0x21 5120 r", "OK")
        pf.expect("define 1 0x22 8 none", "OK")
        pf.expect("set 0 0x20 00112233", "OK")
        pf.expect("set 1 0x21 " + big.hex(), "OK")
        with s.vf(0) as vf:
            vf.expect("write 0x20 cafe", "OK")  # through the PF's service
            vf.quit()
        pf.quit()
    with s.pf() as pf:
        pf.expect("get 0 0x20", "OK 2 cafe")
        pf.expect("get 1 0x21", "OK 5120 " + big.hex())
        pf.expect("get 1 0x22", "OK 0")
        pf.expect("define 0 0x20 100 rw", "ERR -EEXIST")
        with s.vf(0) as vf, s.vf(1) as vf1:
            vf.expect("read 0x20 100", "OK 2 cafe")
            vf1.expect("read 0x21 6000", "OK 5120 " + big.hex())
            vf1.expect("write 0x21 00", "ERR -EACCES")  # rights came back too
            vf1.expect("read 0x22 8", "ERR -EACCES")
            vf.quit()
            vf1.quit()
        pf.quit()


def kill_after(writer, commands, acked):
    """Send every command at once; @return the first @acked answers, the PF
    still busy with the next ones, for the caller to SIGKILL it then."""
    for c in commands:
        writer.send(c)
    return [writer.line() for _ in range(acked)]


def check_reload(s, at_least):
    """A restarted PF holds one whole version, at least @at_least."""
    with s.pf() as pf:
        got = version_of(pf.cmd("get 0 %#x" % BLOCK))
        check(got >= at_least, "PF holds version %d, %d was acknowledged" % (got, at_least))
        pf.quit()
    return got


def test_pf_killed_during_pf_writes_loses_no_acknowledged_write(ctx):
    s = StoreSetup(ctx)
    with s.pf() as pf:
        pf.expect("define 0 %#x %d rw" % (BLOCK, BLOCK_LEN), "OK")
        pf.quit()
    n = 0
    for acked in (1, 2, 5, 11, 23, 47, 95):
        with s.pf() as pf:
            cmds = ["set 0 %#x %s" % (BLOCK, versioned(n + i + 1)) for i in range(200)]
            answers = kill_after(pf, cmds, acked)
            pf.kill()
        check(answers == ["OK"] * acked, "answers %r" % answers)
        n = check_reload(s, n + acked)


def test_pf_killed_during_vf_writes_loses_no_acknowledged_write(ctx):
    s = StoreSetup(ctx)
    with s.pf() as pf:
        pf.expect("define 0 %#x %d rw" % (BLOCK, BLOCK_LEN), "OK")
        pf.quit()
    n = 0
    for acked in (1, 4, 13, 40):
        with s.pf() as pf, s.vf(0) as vf:
            cmds = ["write %#x %s" % (BLOCK, versioned(n + i + 1)) for i in range(150)]
            answers = kill_after(vf, cmds, acked)
            pf.kill()
            check(answers == ["OK"] * acked, "answers %r" % answers)
        n = check_reload(s, n + acked)


def refused(s, why):
    """The PF must refuse its store file and say why."""
    pf = s.pf()
    try:
        status = pf.wait_exit()
        log = pf.stderr()
    finally:
        pf.close()
    check(status != 0, "a PF with a bad store file exited with status 0")
    check("is corrupt (%s" % why in log and "refusing it" in log,
          "no refusal (%s) in its log:\n%s" % (why, log[-2000:]))


def test_corrupt_or_truncated_store_is_refused(ctx):
    s = StoreSetup(ctx)
    with s.pf() as pf:
        pf.expect("define 0 0x20 100 rw", "OK")
        pf.expect("set 0 0x20 " + "ab" * 100, "OK")
        pf.quit()
    good0, good1 = s.file(0).read_bytes(), s.file(1).read_bytes()
    cases = [
        ("bad checksum", lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:]),
        ("size out of bounds", lambda b: b[:20]),
        ("size does not match", lambda b: b[:len(b) // 2] + b[-8:]),
        ("bad end magic", lambda b: b[:len(b) // 2]),
        ("bad magic", lambda b: b"X" + b[1:]),
    ]
    for why, corrupt in cases:
        data = corrupt(good0)
        s.file(0).write_bytes(data)
        if why not in ("bad checksum", "bad end magic"):
            # Fix the checksum, so that the next check is the one that fails.
            data = fix_crc(data) if len(data) >= 40 else data
            s.file(0).write_bytes(data)
        refused(s, why)
    s.file(0).write_bytes(good1)  # VF 1's file, CRC and all
    refused(s, "blocks of another VF")
    s.file(0).write_bytes(good0)
    with s.pf() as pf:
        pf.expect("get 0 0x20", "OK 100 " + "ab" * 100)
        pf.quit()


def fix_crc(data):
    """The file with a valid CRC-32C over everything but its last 8 bytes."""
    body = data[:-8]
    return body + struct.pack("<I", crc32c(body)) + data[-4:]


def crc32c(data):
    """rte_hash_crc(data, len, 0xffffffff): CRC-32C without the final inversion."""
    crc = 0xffffffff
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc
