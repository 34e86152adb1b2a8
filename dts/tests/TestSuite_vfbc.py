# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors

"""vfbc PF and VF poll mode driver test suite.

Runs dpdk-testpmd-vfbc, the testpmd the vfbc project builds with the vfbc driver commands,
with a ``net_vfbc_pf`` and a ``net_vfbc_vf`` virtual device, and checks that both ports come up,
that the VF's MAC address follows its well-known MAC block, that the PF and the VF read, write
and invalidate configuration blocks through the backchannel, that denied and invalid requests
end with their documented errors, that the VF's link follows its PF port, and that the packets
each side sends reach the other.

The suite needs no physical port. It expects, on the SUT:

* the DPDK tree DTS uses to hold, as ``app/dpdk-testpmd`` of its build directory, the vfbc
  project's ``build/app/test-pmd/dpdk-testpmd-vfbc`` (devtools/dts.sh sets this up);
* the vfbc build directory in the :envvar:`VFBC_BUILD_DIR` environment variable of the DTS
  process (the SUT is the DTS host or shares its paths): testpmd loads
  ``drivers/net/vfbc/librte_net_vfbc.so`` from there with ``-d``.

The test plan is ``test_plans/vfbc_test_plan.rst``.
"""

import os
import re
import time
from pathlib import PurePath

from framework.params import Params
from framework.params.testpmd import EthPeer, SimpleForwardingModes
from framework.remote_session.testpmd_shell import TestPmdShell
from framework.test_suite import TestSuite
from framework.testbed_model.virtual_device import VirtualDevice

#: Port IDs: testpmd numbers the ports in the order of the --vdev arguments.
PF_PORT = 0
VF_PORT = 1
PF_NAME = "net_vfbc_pf0"
VF_NAME = "net_vfbc_vf0"

#: The well-known MAC address block of every VF (RTE_PMD_VFBC_BLOCK_ID_MAC): 6 address bytes
#: in network order, then 2 reserved zero bytes.
MAC_BLOCK = 62
#: The well-known VPort block (RTE_PMD_VFBC_BLOCK_ID_VPORT), 16 bytes; link_up is byte 8.
VPORT_BLOCK = 63

#: A MAC address the PF gives VF 0 at probe with the vf_mac devarg.
DEVARG_VF_MAC = "02:00:5e:00:53:2a"
#: A MAC address the PF writes into VF 0's MAC block at run time.
NEW_VF_MAC = "02:00:5e:10:00:01"

#: Packets per burst: tx_first sends one burst on each port.
BURST = 32

#: Bound of every wait for an asynchronous change (a safety net against hangs, not a
#: performance requirement).
WAIT_S = 10.0


def mac_bytes(mac: str) -> bytes:
    """The 6 bytes of a MAC address written ``aa:bb:cc:dd:ee:ff``."""
    return bytes.fromhex(mac.replace(":", ""))


def mac_str(data: bytes) -> str:
    """The ``aa:bb:cc:dd:ee:ff`` form of 6 bytes, as testpmd prints it but in lower case."""
    return ":".join(f"{b:02x}" for b in data)


class TestVfbc(TestSuite):
    """net_vfbc_pf and net_vfbc_vf test suite.

    Every test case runs its own testpmd with one PF of two VFs (port 0) and VF 0 of that PF
    (port 1), whose regions live in a directory of their own, created for the test case.
    """

    def set_up_suite(self) -> None:
        """Set up the test suite.

        Setup:
            Find the vfbc driver of the build in :envvar:`VFBC_BUILD_DIR` on the SUT and check
            that the testpmd of the DPDK tree under test has the vfbc commands.
        """
        build_dir = os.environ.get("VFBC_BUILD_DIR")
        self.verify(bool(build_dir), "VFBC_BUILD_DIR is not set: where is the vfbc build?")
        self.driver = PurePath(build_dir, "drivers", "net", "vfbc", "librte_net_vfbc.so")
        result = self.sut_node.main_session.send_command(f"test -f {self.driver}")
        self.verify(result.return_code == 0, f"no vfbc driver at {self.driver} on the SUT")
        self.region_dir: str | None = None
        self.set_up_test_case()
        try:
            with self._testpmd() as testpmd:
                out = testpmd.send_command("help drivers")
        finally:
            self.tear_down_test_case()
        self.verify(
            "vfbc pf (port_id) vf (vf_id) block read (block_id)" in out,
            "the testpmd under test has no vfbc commands: is it dpdk-testpmd-vfbc?",
        )

    def set_up_test_case(self) -> None:
        """Set up a test case.

        Setup:
            Create an empty directory for the regions of the test case's PF on the SUT.
        """
        result = self.sut_node.main_session.send_command(
            "mktemp -d /tmp/vfbc-dts.XXXXXX", verify=True
        )
        self.region_dir = result.stdout.strip()

    def tear_down_test_case(self) -> None:
        """Tear down a test case.

        Teardown:
            Remove the test case's region directory.
        """
        if self.region_dir:
            self.sut_node.main_session.remove_remote_dir(self.region_dir, recursive=True)
            self.region_dir = None

    def _testpmd(self, pf_devargs: str = "", **app_params) -> TestPmdShell:
        """A testpmd shell with the PF (port 0) and VF 0 (port 1) as --vdev devices.

        Args:
            pf_devargs: More devargs of the PF, each preceded by a comma.
            app_params: More testpmd parameters.
        """
        region = f"region_dir={self.region_dir}"
        vdevs = [
            VirtualDevice(f"{PF_NAME},num_vfs=2,{region}{pf_devargs}"),
            VirtualDevice(f"{VF_NAME},pf={PF_NAME},vf=0,{region}"),
        ]
        return TestPmdShell(
            self.sut_node,
            vdevs=vdevs,
            no_pci=True,
            other_eal_param=Params.from_str(f"--no-huge -m 512 -d {self.driver}"),
            total_num_mbufs=8192,
            nb_cores=1,
            **app_params,
        )

    def _pf(self, testpmd: TestPmdShell, rest: str, vf: int = 0) -> str:
        """Send ``vfbc pf <PF port> vf <vf> <rest>`` and return the output."""
        return testpmd.send_command(f"vfbc pf {PF_PORT} vf {vf} {rest}")

    def _vf(self, testpmd: TestPmdShell, rest: str) -> str:
        """Send ``vfbc vf <VF port> <rest>`` and return the output."""
        return testpmd.send_command(f"vfbc vf {VF_PORT} {rest}")

    def _dump(self, out: str, header: str) -> bytes:
        """The bytes of the hex dump that follows the line starting with `header` in `out`.

        A dump line is ``  <offset>  <up to 16 bytes in hex>  |<printable>|``.
        """
        match = re.search(rf"^{re.escape(header)}: (\d+) bytes\r?$", out, re.MULTILINE)
        self.verify(match is not None, f"no '{header}' dump in:\n{out}")
        data = b""
        for line in out[match.end() :].splitlines()[1:]:
            dump = re.match(r"^  [0-9a-f]{8} ((?: [0-9a-f]{2})+)\s+\|", line)
            if not dump:
                break
            data += bytes.fromhex(dump.group(1))
        self.verify(
            len(data) == int(match.group(1)),
            f"'{header}' says {match.group(1)} bytes, dumps {len(data)}:\n{out}",
        )
        return data

    def _pf_read(self, testpmd: TestPmdShell, block: int, vf: int = 0) -> bytes:
        out = self._pf(testpmd, f"block read {block:#x}", vf)
        return self._dump(out, f"PF port {PF_PORT} VF {vf} block {block:#x}")

    def _vf_read(self, testpmd: TestPmdShell, block: int, length: int | None = None) -> bytes:
        out = self._vf(testpmd, f"block read {block:#x}" + ("" if length is None else f" {length}"))
        return self._dump(out, f"VF port {VF_PORT} block {block:#x}")

    def _verify_in(self, text: str, out: str) -> None:
        self.verify(text in out, f"expected '{text}' in:\n{out}")

    def _verify_error(self, out: str, what: str, errno_name: str, strerror: str) -> None:
        """Verify that `out` reports the failure of `what` with -`errno_name`."""
        self._verify_in(f"vfbc: {what} failed: -{errno_name} ({strerror})", out)

    def _wait_port(self, testpmd: TestPmdShell, port_id: int, condition, what: str):
        """Poll the port's information until `condition` holds; fail after WAIT_S seconds."""
        deadline = time.monotonic() + WAIT_S
        while True:
            port = testpmd.show_port_info(port_id)
            if condition(port):
                return port
            if time.monotonic() > deadline:
                self.verify(False, f"port {port_id}: {what} not seen within {WAIT_S} s")
            time.sleep(0.1)

    def test_ports_up(self) -> None:
        """PF and VF ports come up with their vdev arguments.

        Steps:
            Start testpmd with the PF and VF 0 as --vdev devices, show both ports.
        Verify:
            Port 0 is the PF, port 1 the VF, with the drivers and devargs given; both links up.
        """
        with self._testpmd() as testpmd:
            for port_id, name, driver in (
                (PF_PORT, PF_NAME, "net_vfbc_pf"),
                (VF_PORT, VF_NAME, "net_vfbc_vf"),
            ):
                port = testpmd.show_port_info(port_id)
                self.verify(port.device_name == name, f"port {port_id} is {port.device_name}")
                self.verify(port.driver_name == driver, f"port {port_id} has {port.driver_name}")
                self.verify(
                    port.dev_args is not None and f"region_dir={self.region_dir}" in port.dev_args,
                    f"port {port_id} devargs: {port.dev_args}",
                )
                self.verify(
                    testpmd.wait_link_status_up(port_id, WAIT_S), f"port {port_id} link is down"
                )
            vf = testpmd.show_port_info(VF_PORT)
            self.verify(vf.dev_args.startswith(f"pf={PF_NAME},vf=0"), f"VF devargs {vf.dev_args}")
            self.verify(vf.mtu == 1500, f"VF MTU {vf.mtu}, its VPort block says 1500")

    def test_vf_mac_follows_mac_block(self) -> None:
        """The VF's MAC address is the one in its well-known MAC block (ID 62).

        Steps:
            Read the VF's MAC block from the PF; write another address into it from the PF and
            invalidate it; then start a testpmd whose PF sets the address with ``vf_mac``.
        Verify:
            The VF port's MAC address is the block's first 6 bytes (the reserved 2 are 0), a
            locally administered unicast address; it changes to the written address once the
            block is invalidated; with ``vf_mac`` it is that address from the start.
        """
        expected_new = os.environ.get("VFBC_DTS_EXPECT_VF_MAC", NEW_VF_MAC).lower()
        with self._testpmd() as testpmd:
            block = self._pf_read(testpmd, MAC_BLOCK)
            self.verify(len(block) == 8 and block[6:] == b"\0\0", f"MAC block {block.hex()}")
            self.verify(block[0] & 0x03 == 0x02, f"{mac_str(block[:6])}: not local unicast")
            vf = testpmd.show_port_info(VF_PORT)
            self.verify(
                vf.mac_address.lower() == mac_str(block[:6]),
                f"VF MAC {vf.mac_address}, MAC block {mac_str(block[:6])}",
            )
            self.verify(self._vf_read(testpmd, MAC_BLOCK) == block, "the VF reads another block")

            new_block = mac_bytes(NEW_VF_MAC) + b"\0\0"
            out = self._pf(testpmd, f"block write {MAC_BLOCK} hex {new_block.hex()}")
            self._verify_in(f"PF port {PF_PORT} VF 0 block {MAC_BLOCK:#x}: wrote 8 bytes", out)
            out = self._pf(testpmd, f"invalidate {1 << MAC_BLOCK:#x}")
            self._verify_in(f"PF port {PF_PORT} VF 0: invalidated blocks {1 << MAC_BLOCK:#x}", out)
            vf = self._wait_port(
                testpmd,
                VF_PORT,
                lambda p: p.mac_address.lower() != mac_str(block[:6]),
                "a new MAC address",
            )
            self.verify(
                vf.mac_address.lower() == expected_new,
                f"VF MAC {vf.mac_address}, expected {expected_new}",
            )

        with self._testpmd(pf_devargs=f",vf_mac=0/{DEVARG_VF_MAC}") as testpmd:
            vf = testpmd.show_port_info(VF_PORT)
            self.verify(
                vf.mac_address.lower() == DEVARG_VF_MAC,
                f"VF MAC {vf.mac_address}, vf_mac={DEVARG_VF_MAC}",
            )
            block = self._pf_read(testpmd, MAC_BLOCK)
            self.verify(block == mac_bytes(DEVARG_VF_MAC) + b"\0\0", f"MAC block {block.hex()}")

    def test_config_block_read_write_invalidate(self) -> None:
        """Configuration blocks: define, write and read from both sides, invalidate.

        Steps:
            From the PF, define blocks 0x10 (64 bytes, rw) and 0x11 (16 bytes, r), write them;
            read them from the PF and the VF; write 0x10 from the VF; invalidate 0x10 and 0x11.
        Verify:
            Each side reads what the other wrote, a VF read is cut to the length asked, ``show``
            lists the blocks with their lengths and counts the VF's requests, and the VF fetches
            the invalidated blocks once.
        """
        with self._testpmd() as testpmd:
            out = self._pf(testpmd, "block define 0x10 64 rw")
            self._verify_in(
                f"PF port {PF_PORT} VF 0 block 0x10: defined, capacity 64, VF rights rw", out
            )
            self._pf(testpmd, "block define 0x11 16 r")
            out = self._pf(testpmd, "block write 0x11 string vfbc demo")
            self._verify_in(f"PF port {PF_PORT} VF 0 block 0x11: wrote 9 bytes", out)
            out = self._pf(testpmd, "block write 0x10 hex 000102030405060708090a0b0c0d0e0f1011")
            self._verify_in(f"PF port {PF_PORT} VF 0 block 0x10: wrote 18 bytes", out)

            self.verify(self._pf_read(testpmd, 0x10) == bytes(range(18)), "PF reads 0x10")
            self.verify(self._vf_read(testpmd, 0x10) == bytes(range(18)), "VF reads 0x10")
            self.verify(self._vf_read(testpmd, 0x11) == b"vfbc demo", "VF reads 0x11")
            self.verify(self._vf_read(testpmd, 0x11, 4) == b"vfbc", "VF reads 4 bytes of 0x11")

            out = self._vf(testpmd, "block write 0x10 string hello world")
            self._verify_in(f"VF port {VF_PORT} block 0x10: wrote 11 bytes", out)
            self.verify(self._pf_read(testpmd, 0x10) == b"hello world", "PF reads the VF's")
            # VF 1's blocks are its own.
            self._verify_error(
                self._pf(testpmd, "block read 0x10", vf=1),
                "block read",
                "ENOENT",
                "No such file or directory",
            )

            out = self._pf(testpmd, "show")
            self._verify_in(f"PF port {PF_PORT} VF 0: 4 blocks", out)
            for line in (
                r"0x00000010\s+64\s+11\s+rw",
                r"0x00000011\s+16\s+9\s+r",
                r"0x0000003e\s+8\s+8\s+rw",
                r"0x0000003f\s+16\s+16\s+rw",
            ):
                self.verify(re.search(line, out) is not None, f"no '{line}' in:\n{out}")
            self._verify_in("Mailbox: attached", out)

            out = self._vf(testpmd, "invalidated")
            self._verify_in(f"VF port {VF_PORT}: invalidated blocks 0x0\r", out + "\r")
            out = self._pf(testpmd, "invalidate 0x30000")
            self._verify_in(f"PF port {PF_PORT} VF 0: invalidated blocks 0x30000", out)
            out = self._wait_invalidated(testpmd)
            self._verify_in(f"VF port {VF_PORT}: invalidated blocks 0x30000", out)
            out = self._vf(testpmd, "invalidated")
            self.verify(
                re.search(rf"VF port {VF_PORT}: invalidated blocks 0x0\b", out) is not None,
                f"the VF fetched the invalidations twice:\n{out}",
            )

    def _wait_invalidated(self, testpmd: TestPmdShell) -> str:
        """Fetch the VF's invalidated blocks until there are some; fail after WAIT_S seconds.

        The VF driver's thread takes invalidations off the region as the PF rings, so they
        reach the application a moment after the PF's command returned.
        """
        deadline = time.monotonic() + WAIT_S
        while True:
            out = self._vf(testpmd, "invalidated")
            if not re.search(rf"VF port {VF_PORT}: invalidated blocks 0x0\b", out):
                return out
            if time.monotonic() > deadline:
                self.verify(False, f"no invalidation reached the VF within {WAIT_S} s")
            time.sleep(0.1)

    def test_denied_and_invalid_requests(self) -> None:
        """Denied and invalid requests end with their documented errors and change nothing.

        Steps:
            Define a read-only, a write-only and a no-access block; make VF requests the PF must
            refuse, and PF commands with bad arguments.
        Verify:
            Each prints its errno: -EACCES for a right the VF lacks, -ENOENT for an undefined
            block, -EMSGSIZE for data over the capacity, -EEXIST, -EINVAL, -ENOTSUP for a port
            of the other kind; malformed data is refused before any request; the blocks keep
            their contents and ``show`` counts the refused requests by status.
        """
        with self._testpmd() as testpmd:
            self._pf(testpmd, "block define 0x10 8 r")
            self._pf(testpmd, "block define 0x11 8 w")
            self._pf(testpmd, "block define 0x12 8 none")
            self._pf(testpmd, "block define 0x13 8 rw")
            self._pf(testpmd, "block write 0x10 string ro")

            denied = "Permission denied"
            self._verify_error(self._vf(testpmd, "block write 0x10 string x"), "block write",
                               "EACCES", denied)  # fmt: skip
            self._verify_error(self._vf(testpmd, "block read 0x11"), "block read", "EACCES", denied)
            self._verify_error(self._vf(testpmd, "block read 0x12"), "block read", "EACCES", denied)
            self._verify_error(self._vf(testpmd, "block write 0x12 string x"), "block write",
                               "EACCES", denied)  # fmt: skip
            self._verify_error(self._vf(testpmd, "block read 0x42"), "block read", "ENOENT",
                               "No such file or directory")  # fmt: skip
            self._verify_error(self._vf(testpmd, "block write 0x13 string 123456789"),
                               "block write", "EMSGSIZE", "Message too long")  # fmt: skip
            self.verify(self._pf_read(testpmd, 0x10) == b"ro", "a denied write changed 0x10")
            self.verify(self._pf_read(testpmd, 0x13) == b"", "a refused write changed 0x13")

            self._verify_error(self._pf(testpmd, "block read 0x42"), "block read", "ENOENT",
                               "No such file or directory")  # fmt: skip
            self._verify_error(self._pf(testpmd, "block write 0x13 hex 000102030405060708"),
                               "block write", "EMSGSIZE", "Message too long")  # fmt: skip
            self._verify_error(self._pf(testpmd, "block define 0x10 8 rw"), "block define",
                               "EEXIST", "File exists")  # fmt: skip
            self._verify_error(self._pf(testpmd, "block define 0x14 0 rw"), "block define",
                               "EINVAL", "Invalid argument")  # fmt: skip
            self._verify_error(self._pf(testpmd, "invalidate 0"), "invalidate", "EINVAL",
                               "Invalid argument")  # fmt: skip
            self._verify_error(self._pf(testpmd, "show", vf=7), "show", "EINVAL",
                               "Invalid argument")  # fmt: skip
            out = testpmd.send_command(f"vfbc pf {VF_PORT} vf 0 show")
            self._verify_error(out, "show", "ENOTSUP", "Operation not supported")
            self._verify_in(f"port {VF_PORT} is not a net_vfbc_pf port", out)
            out = testpmd.send_command(f"vfbc vf {PF_PORT} block read 0x10")
            self._verify_error(out, "block read", "ENOTSUP", "Operation not supported")
            self._verify_in(f"port {PF_PORT} is not a net_vfbc_vf port", out)

            before = self._pf(testpmd, "show")
            for bad in ("0x10", "abc", "zz"):
                self._verify_in(f'vfbc: malformed hex "{bad}"',
                                self._vf(testpmd, f"block write 0x13 hex {bad}"))  # fmt: skip
            after = self._pf(testpmd, "show")
            requests = re.compile(r"Requests: (\d+)")
            self.verify(
                requests.search(before).group(1) == requests.search(after).group(1),
                f"malformed data reached the PF:\n{before}\n{after}",
            )
            # The VF's own requests, all answered: 4 refused for rights, 1 for the block ID,
            # 1 for the size.
            match = re.search(r"By status: OK \d+, ENOENT (\d+), EACCES (\d+), denied (\d+), "
                              r"EMSGSIZE (\d+)", after)  # fmt: skip
            self.verify(match is not None, f"no status counters in:\n{after}")
            self.verify(
                match.groups() == ("1", "4", "0", "1"),
                f"ENOENT, EACCES, denied, EMSGSIZE counted {match.groups()}, "
                f"expected (1, 4, 0, 1):\n{after}",
            )

    def test_vf_link_follows_pf(self) -> None:
        """The VF sees its PF port stop and start, and its VPort block's link state.

        Steps:
            Stop the PF port, start it again; then clear ``link_up`` in the VF's VPort block from
            the PF and invalidate it, and set it again.
        Verify:
            The VF's link goes down when the PF port stops and up when it starts; it follows
            ``link_up`` the same way, while the PF's link stays up.
        """
        with self._testpmd() as testpmd:
            self.verify(testpmd.wait_link_status_up(VF_PORT, WAIT_S), "VF link down at start")

            testpmd.send_command(f"port stop {PF_PORT}")
            self._wait_port(testpmd, VF_PORT, lambda p: not p.is_link_up, "link down")
            pf = testpmd.show_port_info(PF_PORT)
            self.verify(not pf.is_link_up, "the stopped PF port's link is up")
            testpmd.send_command(f"port start {PF_PORT}")
            self._wait_port(testpmd, VF_PORT, lambda p: p.is_link_up, "link up")

            vport = self._pf_read(testpmd, VPORT_BLOCK)
            self.verify(len(vport) == 16 and vport[8] == 1, f"VPort block {vport.hex()}")
            down = vport[:8] + b"\0" + vport[9:]
            for data, is_up in ((down, False), (vport, True)):
                self._pf(testpmd, f"block write {VPORT_BLOCK} hex {data.hex()}")
                self._pf(testpmd, f"invalidate {1 << VPORT_BLOCK:#x}")
                self._wait_port(
                    testpmd,
                    VF_PORT,
                    lambda p: p.is_link_up == is_up,
                    f"link {'up' if is_up else 'down'} from the VPort block",
                )
            self.verify(testpmd.show_port_info(PF_PORT).is_link_up, "the PF link went down")

    def test_forwarding_counters_agree(self) -> None:
        """What one side sends, the other receives, and the port counters say so.

        Steps:
            Start testpmd with the PF's packets addressed to the VF's MAC address and the VF's
            to the PF's (``--eth-peer``), in rxonly forwarding; ``start tx_first`` sends one
            burst of 32 packets on each port; wait until the counters settle, stop.
        Verify:
            The PF sent 32 packets and the VF received what the PF sent (packets and bytes),
            and the other way round; no errors.
        """
        with self._testpmd() as testpmd:
            pf_mac = testpmd.show_port_info(PF_PORT).mac_address
            vf_mac = testpmd.show_port_info(VF_PORT).mac_address
        with self._testpmd(
            eth_peer=[EthPeer(PF_PORT, vf_mac), EthPeer(VF_PORT, pf_mac)], burst=BURST
        ) as testpmd:
            testpmd.set_forward_mode(SimpleForwardingModes.rxonly)
            testpmd.send_command("start tx_first")
            deadline = time.monotonic() + WAIT_S
            while True:
                pf = testpmd.show_port_stats(PF_PORT)
                vf = testpmd.show_port_stats(VF_PORT)
                if (pf.tx_packets, vf.tx_packets) == (vf.rx_packets, pf.rx_packets):
                    break
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            testpmd.stop()
            for name, stats in (("PF", pf), ("VF", vf)):
                self.verify(
                    stats.tx_packets == BURST,
                    f"the {name} sent {stats.tx_packets} packets of a burst of {BURST}",
                )
                self.verify(stats.tx_errors == 0 and stats.rx_errors == 0, f"{name} errors")
            self.verify(
                (vf.rx_packets, vf.rx_bytes) == (pf.tx_packets, pf.tx_bytes),
                f"PF sent {pf.tx_packets} packets ({pf.tx_bytes} bytes), "
                f"VF received {vf.rx_packets} ({vf.rx_bytes} bytes)",
            )
            self.verify(
                (pf.rx_packets, pf.rx_bytes) == (vf.tx_packets, vf.tx_bytes),
                f"VF sent {vf.tx_packets} packets ({vf.tx_bytes} bytes), "
                f"PF received {pf.rx_packets} ({pf.rx_bytes} bytes)",
            )
