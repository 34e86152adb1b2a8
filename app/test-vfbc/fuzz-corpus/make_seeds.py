#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Write the seed inputs of fuzz-pf-mbox into pf_mbox/ and those of
fuzz-pf-ring into pf_ring/ beside this file.

Each seed is a small valid session in its harness's input format (enum fz_op
in app/test-vfbc/fuzz_pf_mbox.c and fuzz_pf_ring.c): a layout byte, then
operations. The seeds are committed; run this again after a change of a format.

Usage: make_seeds.py [OUTPUT_DIR]  (pf_mbox/ and pf_ring/ are made in it)
"""

import pathlib
import struct
import sys

# Layouts (index: mailbox depth, slot_data_max): 0: 1, 3776; 1: 4, 896; 2: 8, 100; 3: 16, 1
# Operations, as enum fz_op.
POKE, POKE_SLOT, POKE_VF_CTL, POST, ARM, ATTACH, SERVE, PF_SET, PF_DEFINE, INVALIDATE, \
    POLICY, DECIDE, LIMITS, LIFT = range(14)
# Indexes into fz_ids: block 1 is VF-readable, 2 read-write, 0x3f no rights, 4 undefined,
# 3 read-write with a capacity of two slots.
ID_RO, ID_RW, ID_NONE, ID_MISSING, ID_TWO_SLOTS = 1, 2, 6, 8, 3
READ, WRITE, READ_CHUNK, WRITE_CHUNK, RAW_OP = 0x00, 0x60, 0x80, 0xa0, 0xc0
# Chunk offsets (pick_offset): 0, where the staged write stands, n slots.
OFF_ZERO, OFF_STAGED = 0, 1


def off_slots(n):
    return 2 | n << 2


# Chunk lengths and totals (pick_len): a whole slot, the block's capacity.
LEN_SLOT, LEN_CAP = 1, 5
DESC = 64  # payload offset in a slot


def b8(*vals):
    return bytes(v & 0xff for v in vals)


def attach(nonce, lo=1, hi=1):
    """Ask for an attach and let the PF answer it, as a VF waits for the answer
    before it posts: the attach moves the sequence numbers the PF expects."""
    return b8(ATTACH, lo, hi) + struct.pack("<I", nonce) + serve(0)


def post(k, op, id_index, length, raw_op=None):
    """A request at the PF's next sequence number + k, of length 1..64."""
    out = b8(POST, k, op)
    if raw_op is not None:
        out += struct.pack("<H", raw_op)
    # length class 8: 1 + 8 // 16 + byte % 64 = 1 + byte
    return out + b8(id_index, 8, length - 1, 0)


def chunk(k, op, id_index, off, length=LEN_SLOT, total=LEN_CAP):
    """A chunk request at the PF's next sequence number + k: a slot of the block's
    capacity, by default."""
    return b8(POST, k, op, id_index, length, 0, off, total)


def poke_slot(slot, off, data):
    return b8(POKE_SLOT, slot) + struct.pack("<H", off) + b8(len(data)) + data


def serve(budget):
    return b8(SERVE, budget)


def decide(allow, which=0):
    """The application's verdict on the parked request (which >= 0xc0: a stale one)."""
    return b8(DECIDE, allow, which)


SEEDS = {
    "attach_read": b8(1) + attach(1) + post(0, READ, ID_RO, 16) + serve(1),
    "write_read": b8(1) + attach(7) + poke_slot(0, DESC, b"hello vfbc") +
    post(0, WRITE, ID_RW, 10) + post(1, READ, ID_RW, 32) + serve(4),
    "bad_op": b8(2) + attach(3) + post(0, RAW_OP, ID_RW, 12, raw_op=0x0009) +
    post(1, READ, ID_NONE, 12) + post(2, READ, ID_MISSING, 12) + serve(3),
    "garbage": b8(2) + attach(5) + b8(POKE, 0x00, 0x01, 32) + bytes(range(0x40, 0x60)) +
    b8(ARM, 8) + serve(17),
    "policy": b8(1) + b8(POLICY, 3) + struct.pack("<I", 0b10) + struct.pack("<H", DESC) +
    b8(4) + b"evil" + attach(9) + poke_slot(0, DESC, b"approved") +
    post(0, WRITE, ID_RW, 12) + post(1, WRITE, ID_RW, 12) + post(2, READ, ID_RW, 20) +
    serve(9),
    "pf_app": b8(3) + b8(PF_DEFINE, 0x20, 1, 3) + b8(PF_SET, 0, 8, 2, 2) + b"ab" +
    b8(INVALIDATE) + struct.pack("<Q", 0x8000000000000005) + attach(2, 2, 3) + serve(1) +
    attach(3) + b8(ARM, 16) + serve(33),
    # Every decision deferred: park, a stale verdict, the real one, and the
    # next request, which waited behind it.
    "decide": b8(1) + b8(POLICY, 7) + struct.pack("<I", 0) + struct.pack("<H", 0) + b8(0) +
    attach(13) + poke_slot(0, DESC, b"later") + post(0, WRITE, ID_RW, 5) +
    post(1, READ, ID_RW, 8) + serve(4) + serve(4) + decide(1, 0xc0) + decide(1) + serve(4) +
    decide(0) + serve(4) + attach(14) + post(0, WRITE, ID_RW, 4) + serve(2) + attach(15) +
    decide(1) + serve(2),
    # Two requests outstanding at most, quarantine after 2 malformed in a row.
    "limits": b8(2) + b8(LIMITS, 2, 2) + attach(21) + post(2, READ, ID_RW, 8) +
    post(1, READ, ID_RW, 8) + post(0, READ, ID_RW, 8) + serve(4) +
    post(0, RAW_OP, ID_RW, 8, raw_op=0x0009) + post(1, RAW_OP, ID_RW, 8, raw_op=0x0009) +
    post(2, READ, ID_RW, 8) + serve(4) + b8(LIFT) + serve(4),
    "one_slot": b8(0) + attach(11) + post(0, WRITE, ID_RW, 16) + serve(1) +
    post(0, READ, ID_RW, 16) + serve(2) + attach(12) + serve(1),
    # Protocol 2, layout 2 (slot 100): a two-slot write in chunks, read back in chunks.
    "chunk_write_read": b8(2) + attach(21, 1, 2) + poke_slot(0, DESC, b"first half") +
    poke_slot(1, DESC, b"second half") + chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(1, WRITE_CHUNK, ID_TWO_SLOTS, off_slots(1)) + serve(2) +
    chunk(0, READ_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(1, READ_CHUNK, ID_TWO_SLOTS, off_slots(1)) + serve(2),
    # Chunks out of order, a new first chunk, a re-attach, and chunks under protocol 1.
    "chunk_hostile": b8(2) + attach(22, 1, 2) + chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(1, WRITE_CHUNK, ID_TWO_SLOTS, off_slots(2)) +
    chunk(2, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(3, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) + serve(4) +
    chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_STAGED, LEN_SLOT, 1) + serve(1) +
    chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) + serve(1) + attach(23, 1, 2) +
    chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_STAGED) + serve(1) + attach(24, 1, 1) +
    chunk(0, READ_CHUNK, ID_TWO_SLOTS, OFF_ZERO) + serve(1),
    # Decisions deferred for a chunked write as a whole, and for a read chunk.
    "chunk_decide": b8(2) + b8(POLICY, 7) + struct.pack("<I", 0) + struct.pack("<H", 0) +
    b8(0) + attach(26, 1, 2) + chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(1, WRITE_CHUNK, ID_TWO_SLOTS, off_slots(1)) + serve(4) + decide(1) + serve(2) +
    chunk(0, READ_CHUNK, ID_TWO_SLOTS, off_slots(1)) + serve(2) + decide(1) + serve(1),
    # The application denies a chunked write as a whole, then allows the next one.
    "chunk_policy": b8(2) + b8(POLICY, 3) + struct.pack("<I", 0b01) +
    struct.pack("<H", DESC) + b8(3) + b"bad" + attach(25, 1, 2) +
    chunk(0, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(1, WRITE_CHUNK, ID_TWO_SLOTS, off_slots(1)) +
    chunk(2, WRITE_CHUNK, ID_TWO_SLOTS, OFF_ZERO) +
    chunk(3, WRITE_CHUNK, ID_TWO_SLOTS, off_slots(1)) + serve(4) +
    chunk(0, READ_CHUNK, ID_TWO_SLOTS, off_slots(1)) + serve(1),
}

# fuzz-pf-ring operations, as its enum fz_op; geometries 0..3 (slots, buffer):
# 2, 64; 8, 128; 32, 64; 64, 192.
R_POKE, R_SET_PROD, R_SET_CONS, R_SET_LEN, R_RX, R_TX, R_ATTACH, R_VF_CONSUME = range(8)


def r_tx(lens, limit=0):
    """A PF Tx burst of packets (length, segments)."""
    out = b8(R_TX, len(lens), limit)
    for length, segs in lens:
        out += struct.pack("<H", length) + b8(segs - 1)
    return out


def r_rx_of(lens, burst=32):
    """The VF publishes packets of these lengths, then the PF receives."""
    out = b""
    for i, length in enumerate(lens):
        out += b8(R_SET_LEN, i) + struct.pack("<I", length)
    return out + b8(R_SET_PROD) + struct.pack("<I", len(lens)) + b8(R_RX, burst - 1)


RING_SEEDS = {
    "rx_good": b8(1) + r_rx_of([60, 64, 128, 1]) + r_rx_of([100, 100]),
    "rx_bad_lengths": b8(1) + r_rx_of([0, 129, 0xffffffff, 64]),
    "rx_bad_index": b8(2) + b8(R_SET_PROD) + struct.pack("<I", 33) + b8(R_RX, 31) +
    b8(R_ATTACH) + r_rx_of([64]),
    "tx_full": b8(1) + r_tx([(60, 1)] * 8) + r_tx([(64, 1)]) + b8(R_VF_CONSUME, 3) +
    r_tx([(128, 3), (200, 2), (0, 1)]),
    "tx_bad_cons": b8(3) + r_tx([(192, 2)] * 4) + b8(R_SET_CONS) + struct.pack("<I", 100) +
    r_tx([(64, 1)] * 64) + b8(R_ATTACH) + b8(R_VF_CONSUME, 8) + r_tx([(64, 1)], 4),
    "poke": b8(0) + b8(R_POKE, 0, 0, 64) + bytes(range(64)) + b8(R_RX, 7) + r_tx([(10, 1)]),
}


def write(out, seeds):
    out.mkdir(parents=True, exist_ok=True)
    for name, data in seeds.items():
        (out / name).write_bytes(data)


def main():
    top = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
        pathlib.Path(__file__).resolve().parent
    write(top / "pf_mbox", SEEDS)
    write(top / "pf_ring", RING_SEEDS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
