# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Two-process scenarios: a PF and its VFs in separate vfbc-agent processes.

Each agent is an EAL process with its own file prefix, driven line by line
(see vfbc_agent.c). Every wait has a deadline; nothing sleeps to synchronise.
"""

import os
import pathlib
import queue
import shutil
import signal
import subprocess
import threading
import time

START_TIMEOUT_S = 10.0
ANSWER_TIMEOUT_S = 5.0
EXIT_TIMEOUT_S = 5.0
VF_TIMEOUT_MS = 2000


class AgentError(AssertionError):
    """An agent did not answer as expected."""


class Agent:
    """One vfbc-agent process; a context manager that always ends it."""

    def __init__(self, ctx, mode, vdev, eal_extra=()):
        self.mode = mode
        self.vdev = vdev
        eal = ctx.eal_args("mp" + mode)
        self.prefix = eal[eal.index("--file-prefix") + 1]
        self.log_path = ctx.tmp / ("%s.log" % self.prefix)
        cmd = [str(ctx.app / "vfbc-agent")] + eal + list(eal_extra)
        cmd += ["--vdev", vdev, "--", mode]
        self._lines = queue.Queue()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=log)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = None

    def _read(self):
        for raw in self.proc.stdout:
            self._lines.put(raw.decode(errors="replace").rstrip("\n"))
        self._lines.put(None)

    def __repr__(self):
        return "%s agent %s (pid %d)" % (self.mode.upper(), self.vdev.split(",")[0],
                                         self.proc.pid)

    def stderr(self):
        return self.log_path.read_text(errors="replace")

    def _fail(self, what):
        raise AgentError("%r: %s\n--- its stderr (tail):\n%s"
                         % (self, what, self.stderr()[-2000:]))

    def line(self, timeout=ANSWER_TIMEOUT_S):
        """The next output line, or None at end of output; fails after timeout."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._fail("no output within %.1f s" % timeout)
        if line is None:
            self._lines.put(None)  # stays at end of output
        return line

    def start(self, timeout=START_TIMEOUT_S):
        line = self.line(timeout)
        if line is None:
            self.proc.wait(EXIT_TIMEOUT_S)
            self._fail("exited with status %s before READY" % self.proc.returncode)
        if not line.startswith("READY port="):
            self._fail("expected READY, got %r" % line)
        self.port = int(line.split("=", 1)[1])
        return self

    def send(self, command):
        self.proc.stdin.write(command.encode() + b"\n")
        self.proc.stdin.flush()

    def cmd(self, command, timeout=ANSWER_TIMEOUT_S):
        self.send(command)
        line = self.line(timeout)
        if line is None:
            self._fail("exited (status %s) on %r" % (self.proc.poll(), command))
        return line

    def expect(self, command, answer, timeout=ANSWER_TIMEOUT_S):
        got = self.cmd(command, timeout)
        if got != answer:
            self._fail("%r answered %r, expected %r" % (command, got, answer))

    def expect_silence(self, seconds):
        """Assert that no answer comes within @seconds (a call is blocked)."""
        try:
            line = self._lines.get(timeout=seconds)
        except queue.Empty:
            return
        self._fail("expected a blocked call, got %r" % line)

    def quit(self):
        """End cleanly: BYE and exit status 0."""
        self.expect("quit", "BYE")
        self.proc.stdin.close()
        if self.proc.wait(EXIT_TIMEOUT_S) != 0:
            self._fail("exit status %s after quit" % self.proc.returncode)

    def kill(self):
        """SIGKILL, and reap: its files (and the PF's region lock) are closed."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(EXIT_TIMEOUT_S)

    def wait_exit(self, timeout=START_TIMEOUT_S):
        """Status of an agent expected to exit on its own; fails if it got READY."""
        line = self.line(timeout)
        if line is not None:
            self._fail("expected an exit, got %r" % line)
        return self.proc.wait(EXIT_TIMEOUT_S)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()  # end of input: the agent quits
                self.proc.wait(EXIT_TIMEOUT_S)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(EXIT_TIMEOUT_S)
        self.proc.stdout.close()
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        remove_runtime_dir(self.prefix)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc):
        self.close()


def remove_runtime_dir(prefix):
    """EAL 22.11 leaves /var/run/dpdk/<prefix> behind, even after a clean exit."""
    if os.getuid() == 0:
        base = pathlib.Path("/var/run")
    else:
        base = pathlib.Path(os.environ.get("XDG_RUNTIME_DIR", "/tmp"))
    shutil.rmtree(base / "dpdk" / prefix, ignore_errors=True)


class Setup:
    """Names shared by the PF and VF agents of one scenario."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.region_dir = ctx.region_dir()
        self.pf_name = ctx.unique("net_vfbc_pf")

    def pf(self, stallable=False, num_vfs=2, extra=""):
        """A PF agent. stallable: served by an EAL service lcore only, so that
        the agent's stall command really stops it (see vfbc_agent.c).
        extra: more devargs, ",key=value..."."""
        vdev = "%s,num_vfs=%d,region_dir=%s%s" % (self.pf_name, num_vfs, self.region_dir,
                                                  extra)
        eal = []
        if stallable:
            vdev += ",poll=service"
            eal = ["-s", "0x2"]  # lcore 1 of -l 0-1
        return Agent(self.ctx, "pf", vdev, eal)

    def vf(self, vf=0, timeout_ms=VF_TIMEOUT_MS, pf_name=None, started=True):
        """A VF agent; started=False: its port configured, not started."""
        vdev = "%s,pf=%s,vf=%d,region_dir=%s,timeout_ms=%d" % (
            self.ctx.unique("net_vfbc_vf"), pf_name or self.pf_name, vf, self.region_dir,
            timeout_ms)
        return Agent(self.ctx, "vf" if started else "vf-stopped", vdev)


def timed(fn, *args):
    start = time.monotonic()
    fn(*args)
    return time.monotonic() - start


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def test_read_write_across_processes(ctx):
    s = Setup(ctx)
    with s.pf() as pf:
        pf.expect("define 0 7 32 rw", "OK")
        pf.expect("set 0 7 deadbeef", "OK")
        pf.expect("define 0 8 16 rw", "OK")
        with s.vf(0) as vf:
            vf.expect("link", "OK up")
            vf.expect("read 7 32", "OK 4 deadbeef")
            vf.expect("read 7 2", "OK 2 dead")
            vf.expect("write 8 0102030405", "OK")
            pf.expect("get 0 8", "OK 5 0102030405")
            vf.expect("read 8 16", "OK 5 0102030405")
            vf.quit()
        pf.expect("events", "OK 1")  # the one write; reads are not reported
        pf.quit()


def test_denied_write(ctx):
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf:
        pf.expect("define 0 3 8 rw", "OK")
        pf.expect("set 0 3 aaaa", "OK")
        pf.expect("define 0 4 8 rw", "OK")
        pf.expect("deny 3", "OK")
        vf.expect("write 3 bbbb", "ERR -EACCES")
        pf.expect("get 0 3", "OK 2 aaaa")
        vf.expect("read 3 8", "OK 2 aaaa")
        vf.expect("write 4 cccc", "OK")  # only block 3 is denied
        pf.expect("events", "OK 2")
        pf.expect("allow 3", "OK")
        vf.expect("write 3 bbbb", "OK")
        pf.expect("get 0 3", "OK 2 bbbb")


def test_errors_across_processes(ctx):
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf:
        pf.expect("define 0 1 8 w", "OK")
        pf.expect("define 0 2 4 rw", "OK")
        pf.expect("define 0 3 8 r", "OK")
        vf.expect("read 99 8", "ERR -ENOENT")
        vf.expect("write 99 00", "ERR -ENOENT")
        vf.expect("read 1 8", "ERR -EACCES")
        vf.expect("write 3 00", "ERR -EACCES")
        vf.expect("write 2 0102030405", "ERR -EMSGSIZE")
        vf.expect("write 2 " + "00" * 4097, "ERR -EMSGSIZE")  # over max_block_size
        pf.expect("get 0 2", "OK 0")
        vf.expect("write 2 01020304", "OK")  # errors left the mailbox usable
        pf.expect("get 0 2", "OK 4 01020304")
        pf.expect("events", "OK 1")  # requests failing the checks are not reported


def test_invalidate_across_processes(ctx):
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf:
        vf.expect("inval", "OK 0x0")
        pf.expect("invalidate 0 0x1", "OK")
        pf.expect("invalidate 0 0x2", "OK")
        pf.expect("invalidate 1 0x4", "OK")  # another VF's
        vf.expect("inval", "OK 0x3")
        vf.expect("inval", "OK 0x0")
        pf.expect("invalidate 0 0x0", "ERR -EINVAL")
        pf.expect("invalidate 2 0x1", "ERR -EINVAL")


def test_pf_stalled_times_out(ctx):
    s = Setup(ctx)
    with s.pf(stallable=True) as pf, s.vf(0, timeout_ms=300) as vf:
        pf.expect("define 0 5 8 rw", "OK")
        pf.expect("set 0 5 0a0b", "OK")
        vf.expect("read 5 8", "OK 2 0a0b")
        pf.expect("stall", "OK")
        took = timed(vf.expect, "read 5 8", "ERR -ETIMEDOUT")
        check(0.25 <= took < 3.0, "timed out after %.2f s, timeout_ms=300" % took)
        pf.expect("unstall", "OK")
        vf.expect("read 5 8", "OK 2 0a0b")
        vf.expect("write 5 0c", "OK")
        pf.expect("get 0 5", "OK 1 0c")
        vf.quit()
        pf.quit()  # its service lcore hands the service back cleanly


def test_pf_killed(ctx):
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf:
        pf.expect("define 0 1 8 rw", "OK")
        vf.expect("read 1 8", "OK 0")
        vf.expect("link", "OK up")
        pf.kill()
        # -ETIMEDOUT would mean the VF missed the PF's death: answer well
        # before the VF's timeout.
        took = timed(vf.expect, "read 1 8", "ERR -ENOTCONN")
        check(took < VF_TIMEOUT_MS / 2000, "-ENOTCONN after %.2f s" % took)
        vf.expect("write 1 00", "ERR -ENOTCONN")
        vf.expect("link", "OK down")
        vf.expect("inval", "OK 0x0")
        vf.quit()


def test_pf_quit(ctx):
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf:
        pf.expect("define 0 1 8 rw", "OK")
        vf.expect("read 1 8", "OK 0")
        pf.quit()  # a clean close tells the VF at once, no lock needed
        took = timed(vf.expect, "read 1 8", "ERR -ENOTCONN")
        check(took < VF_TIMEOUT_MS / 2000, "-ENOTCONN after %.2f s" % took)
        vf.expect("link", "OK down")
        vf.quit()


def test_pf_killed_during_blocked_call(ctx):
    s = Setup(ctx)
    with s.pf(stallable=True) as pf, s.vf(0, timeout_ms=20000) as vf:
        pf.expect("define 0 1 8 rw", "OK")
        vf.expect("read 1 8", "OK 0")
        pf.expect("stall", "OK")
        vf.send("read 1 8")
        vf.expect_silence(0.3)
        pf.kill()
        start = time.monotonic()
        line = vf.line(timeout=3.0)
        took = time.monotonic() - start
        check(line == "ERR -ENOTCONN", "blocked read answered %r" % line)
        check(took < 3.0, "-ENOTCONN after %.2f s" % took)
        vf.expect("link", "OK down")


def test_pf_restart_reclaims_region(ctx):
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf:
        pf.expect("define 0 1 8 rw", "OK")
        vf.expect("write 1 11", "OK")
        pf.kill()
        with s.pf() as pf2:  # same name and region_dir: the stale region is reclaimed
            pf2.expect("define 0 1 8 rw", "OK")
            pf2.expect("set 0 1 22", "OK")
            # The VF port reconnects to the new PF by itself.
            wait_answer(vf, "read 1 8", "OK 1 22")
            vf.expect("write 1 33", "OK")
            pf2.expect("get 0 1", "OK 1 33")
            # A second live PF of the same name and region_dir must not take over.
            rival = s.pf()
            try:
                status = rival.wait_exit()
                err = rival.stderr()
            finally:
                rival.close()
            check(status > 0, "rival PF exit status %s" % status)
            check("belongs to a running PF" in err, "rival PF stderr:\n%s" % err[-2000:])
            vf.expect("read 1 8", "OK 1 33")  # the live PF's region is untouched


def lsc_count(vf):
    got = vf.cmd("lsc")
    check(got.startswith("OK "), "lsc answered %r" % got)
    return int(got.split()[1])


def test_pf_killed_vf_reconnects(ctx):
    """SIGKILL the PF: the VF's calls fail fast with -ENOTCONN and its link goes
    down; a PF restarted with the same name and region_dir, and another MAC
    for the VF, gets the VF back by itself: link up, the new MAC, every block
    reported invalidated, an LSC event each way."""
    s = Setup(ctx)
    mac1, mac2 = "02:00:00:00:0A:01", "02:00:00:00:0B:02"
    with s.pf(extra=",vf_mac=0/" + mac1) as pf, s.vf(0) as vf, s.vf(1) as vf1:
        pf.expect("define 0 1 8 rw", "OK")
        pf.expect("set 0 1 11", "OK")
        vf.expect("read 1 8", "OK 1 11")
        vf.expect("link", "OK up")
        vf.expect("mac", "OK " + mac1)
        lsc0 = lsc_count(vf)
        pf.kill()
        took = timed(vf.expect, "read 1 8", "ERR -ENOTCONN")
        check(took < VF_TIMEOUT_MS / 2000, "-ENOTCONN after %.2f s" % took)
        wait_answer(vf, "link", "OK down")
        wait_answer(vf, "lsc", "OK %d" % (lsc0 + 1))  # raised after the link changed
        vf.expect("inval", "OK 0x0")
        with s.pf(extra=",vf_mac=0/" + mac2) as pf2:
            pf2.expect("define 0 1 8 rw", "OK")
            pf2.expect("set 0 1 22", "OK")
            wait_answer(vf, "link", "OK up")
            vf.expect("mac", "OK " + mac2)  # the well-known blocks were read again
            vf.expect("inval", "OK 0xffffffffffffffff")
            wait_answer(vf, "lsc", "OK %d" % (lsc0 + 2))
            vf.expect("read 1 8", "OK 1 22")
            vf.expect("write 1 33", "OK")
            pf2.expect("get 0 1", "OK 1 33")
            wait_answer(vf1, "read 62 8", "OK 8 " + vf1_mac_hex(vf1))
            # The link follows the new PF's port, as it did the old one's.
            pf2.expect("port_stop", "OK")
            wait_answer(vf, "link", "OK down")
            pf2.expect("port_start", "OK")
            wait_answer(vf, "link", "OK up")
            # And the new PF is watched in turn: a clean quit is seen too.
            pf2.quit()
            wait_answer(vf, "link", "OK down")
            vf.expect("read 1 8", "ERR -ENOTCONN")
        with s.pf(extra=",vf_mac=0/" + mac1) as pf3:
            wait_answer(vf, "link", "OK up")
            vf.expect("mac", "OK " + mac1)
            pf3.expect("define 0 1 8 rw", "OK")
            vf.expect("read 1 8", "OK 0")
        vf.quit()


def vf1_mac_hex(vf):
    """The MAC block of a VF as the agent prints it: its address, 2 bytes of 0."""
    got = vf.cmd("mac")
    check(got.startswith("OK "), "mac answered %r" % got)
    return got.split()[1].replace(":", "").lower() + "0000"


def test_pf_restart_vf_datapath(ctx):
    """After its PF was killed and restarted, a VF port reconnects, and a stop
    and start of the port moves its queues to the new PF's rings."""
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf0:
        pf_mac = pf.cmd("mac").split()[1]
        vf0.expect("send %s 0 10" % pf_mac, "OK 10")
        pf.expect("recv 10", "OK 10 0 0-9")
        pf.kill()
        with s.pf() as pf2:
            wait_answer(vf0, "link", "OK up")
            vf0.expect("port_stop", "OK")
            vf0.expect("port_start", "OK")
            wait_answer(vf0, "link", "OK up")
            vf0.expect("send %s 100 20" % pf_mac, "OK 20")
            pf2.expect("recv 20", "OK 20 0 100-119")
            mac0 = vf0.cmd("mac").split()[1]
            pf2.expect("send %s 200 5" % mac0, "OK 5")
            vf0.expect("recv 5", "OK 5 0 200-204")
            vf0.quit()
            pf2.quit()


def test_vf_without_pf(ctx):
    s = Setup(ctx)
    vf = s.vf(0, pf_name=ctx.unique("net_vfbc_pfnone"))
    try:
        status = vf.wait_exit()
        err = vf.stderr()
    finally:
        vf.close()
    check(status > 0, "VF without PF: exit status %s (negative: a signal)" % status)
    check("no region" in err and "is PF" in err, "VF without PF, stderr:\n%s" % err[-2000:])


def test_vf_killed_pf_unaffected(ctx):
    s = Setup(ctx)
    with s.pf() as pf:
        for vf in (0, 1):
            pf.expect("define %d 2 8 rw" % vf, "OK")
            pf.expect("set %d 2 0%d" % (vf, vf), "OK")
        with s.vf(0) as vf0, s.vf(1) as vf1:
            vf0.expect("write 2 a0", "OK")
            vf1.expect("read 2 8", "OK 1 01")
            vf0.kill()
            vf1.expect("write 2 b1", "OK")
            vf1.expect("read 2 8", "OK 1 b1")
            pf.expect("get 0 2", "OK 1 a0")
            pf.expect("get 1 2", "OK 1 b1")
            with s.vf(0) as new_vf0:
                new_vf0.expect("read 2 8", "OK 1 a0")
                new_vf0.expect("write 2 c0", "OK")
                pf.expect("get 0 2", "OK 1 c0")
            vf1.expect("read 2 8", "OK 1 b1")


def test_vf_killed_while_request_pending(ctx):
    """SIGKILL a VF whose request sits unserved in its mailbox: the PF serves
    it later for nobody, the other VF never notices, and a new process for
    the same VF attaches and works."""
    s = Setup(ctx)
    with s.pf(stallable=True) as pf:
        for vf in (0, 1):
            pf.expect("define %d 2 8 rw" % vf, "OK")
            pf.expect("set %d 2 0%d" % (vf, vf), "OK")
        with s.vf(0, timeout_ms=20000) as vf0, s.vf(1) as vf1:
            vf0.expect("read 2 8", "OK 1 00")
            vf1.expect("read 2 8", "OK 1 01")
            pf.expect("stall", "OK")
            vf0.send("write 2 a0")
            vf0.expect_silence(0.2)  # blocked: the request is posted, not served
            vf0.kill()
            pf.expect("unstall", "OK")
            vf1.expect("write 2 b1", "OK")
            vf1.expect("read 2 8", "OK 1 b1")
            pf.expect("get 1 2", "OK 1 b1")
            # The dead VF's write was posted: the PF performed it.
            pf.expect("get 0 2", "OK 1 a0")
            with s.vf(0) as new_vf0:
                new_vf0.expect("read 2 8", "OK 1 a0")
                new_vf0.expect("write 2 c0", "OK")
                pf.expect("get 0 2", "OK 1 c0")
            vf1.expect("read 2 8", "OK 1 b1")
        pf.quit()


def test_vf_killed_while_request_served(ctx):
    """SIGKILL a VF while the PF application still decides its request: the
    PF completes it into the dead VF's region, serves the other VF, and a new
    process for the same VF attaches and works."""
    s = Setup(ctx)
    with s.pf() as pf:
        for vf in (0, 1):
            pf.expect("define %d 2 8 rw" % vf, "OK")
        with s.vf(0, timeout_ms=20000) as vf0, s.vf(1) as vf1:
            vf0.expect("write 2 a0", "OK")
            pf.expect("hold 2", "OK")
            vf0.send("write 2 a1")
            wait_answer(pf, "held", "OK 1")  # the callback decides vf0's write
            vf0.kill()
            pf.expect("release", "OK")
            vf1.expect("write 2 b1", "OK")
            vf1.expect("read 2 8", "OK 1 b1")
            pf.expect("get 0 2", "OK 1 a1")  # approved, so performed
            with s.vf(0) as new_vf0:
                new_vf0.expect("read 2 8", "OK 1 a1")
                new_vf0.expect("write 2 c0", "OK")
                pf.expect("get 0 2", "OK 1 c0")
        pf.quit()


def test_slow_decision_other_vfs_served(ctx):
    """The PF application holds its decision on VF 0's write: VF 1's reads and
    writes (decided too) go through meanwhile, VF 0's next request waits
    behind the held one, and both complete once the decision is made."""
    s = Setup(ctx)
    with s.pf() as pf:
        pf.expect("define 0 2 8 rw", "OK")
        pf.expect("define 1 3 8 rw", "OK")  # the agent holds decisions by block
        with s.vf(0, timeout_ms=20000) as vf0, s.vf(1) as vf1:
            pf.expect("hold 2", "OK")
            vf0.send("write 2 a0")
            wait_answer(pf, "held", "OK 1")
            for i in range(4):
                vf1.expect("write 3 b%d" % i, "OK")
                vf1.expect("read 3 8", "OK 1 b%d" % i)
            pf.expect("held", "OK 1")  # still deciding VF 0's write
            pf.expect("get 0 2", "OK 0")
            pf.expect("release", "OK")
            check(vf0.line() == "OK", "VF 0's held write")
            vf0.expect("read 2 8", "OK 1 a0")
        pf.quit()


def test_second_process_for_same_vf_refused(ctx):
    """Two processes attached as one VF would reset each other's mailbox: the
    second is refused at probe, and the first keeps working."""
    s = Setup(ctx)
    with s.pf() as pf:
        pf.expect("define 0 3 8 rw", "OK")
        with s.vf(0) as first:
            first.expect("write 3 c0ffee", "OK")
            rival = s.vf(0)
            try:
                status = rival.wait_exit()
                err = rival.stderr()
            finally:
                rival.close()
            check(status > 0, "rival VF: exit status %s" % status)
            check("VF 0 of %s is attached by another process" % s.pf_name in err,
                  "rival VF stderr:\n%s" % err[-2000:])
            first.expect("read 3 8", "OK 3 c0ffee")


def wait_answer(agent, command, answer, timeout=ANSWER_TIMEOUT_S):
    """Ask until @agent gives @answer: the VF follows the PF's notices in a
    thread of its own, so the change is seen when it has happened."""
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        got = agent.cmd(command)
        if got == answer:
            return
    raise AgentError("%r: %r kept answering %r, expected %r" % (agent, command, got, answer))


def test_vf_link_follows_pf_port(ctx):
    """Stopping the PF port takes its VFs' links down in their own processes;
    starting it brings them up."""
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf0, s.vf(1) as vf1:
        vf0.expect("link", "OK up")
        pf.expect("port_stop", "OK")
        wait_answer(vf0, "link", "OK down")
        wait_answer(vf1, "link", "OK down")
        # The link is down, the mailbox still works: the MAC block is 8 bytes.
        got = vf0.cmd("read 62 8")
        check(got.startswith("OK 8 02"), "VF 0 reads its MAC block: %r" % got)
        pf.expect("port_start", "OK")
        wait_answer(vf0, "link", "OK up")
        wait_answer(vf1, "link", "OK up")


def test_datapath_across_processes(ctx):
    """Frames go both ways between a PF process and VF processes, whole, and
    the PF switches by destination MAC across processes."""
    s = Setup(ctx)
    with s.pf() as pf, s.vf(0) as vf0, s.vf(1) as vf1:
        pf_mac = pf.cmd("mac").split()[1]
        mac0 = vf0.cmd("mac").split()[1]
        mac1 = vf1.cmd("mac").split()[1]
        vf0.expect("send %s 0 100" % pf_mac, "OK 100")
        pf.expect("recv 100", "OK 100 0 0-99")
        vf1.expect("send %s 1000 30" % pf_mac, "OK 30")
        pf.expect("recv 30", "OK 30 0 1000-1029")
        pf.expect("send %s 200 100" % mac0, "OK 100")
        pf.expect("send %s 300 20" % mac1, "OK 20")
        vf0.expect("recv 100", "OK 100 0 200-299")
        vf1.expect("recv 20", "OK 20 0 300-319")
        pf.expect("send ff:ff:ff:ff:ff:ff 400 5", "OK 5")
        vf0.expect("recv 5", "OK 5 0 400-404")
        vf1.expect("recv 5", "OK 5 0 400-404")
        pf.expect("send 02:00:00:00:00:99 500 7", "OK 7")
        pf.expect("xstat tx_unknown_unicast_packets", "OK 7")
        # ipackets opackets ierrors oerrors on each side agree.
        pf.expect("stats", "OK 130 125 0 7")
        vf0.expect("stats", "OK 105 100 0 0")
        vf1.expect("stats", "OK 25 30 0 0")
        vf1.quit()
        vf0.quit()
        pf.quit()


def test_vf_killed_port_started_is_down(ctx):
    """SIGKILL a VF process with its port started: its ring still says it is
    polled, yet the PF detaches the VF, counts what it would switch to it as
    VF down (not ring full), keeps switching to the other VF, and switches
    to the VF again once a new process attached it and started its port."""
    s = Setup(ctx)
    # Rings smaller than the frames sent: a ring left polled would fill.
    with s.pf(extra=",ring_size=128") as pf, s.vf(0) as vf0, s.vf(1) as vf1:
        mac0 = vf0.cmd("mac").split()[1]
        mac1 = vf1.cmd("mac").split()[1]
        pf.expect("send %s 0 10" % mac0, "OK 10")
        vf0.expect("recv 10", "OK 10 0 0-9")
        pf.expect("attached 0", "OK 1")
        vf0.kill()
        wait_answer(pf, "attached 0", "OK 0")
        pf.expect("send %s 100 300" % mac0, "OK 300")
        pf.expect("xstat tx_vf_down_packets", "OK 300")
        pf.expect("xstat tx_ring_full_packets", "OK 0")
        pf.expect("attached 1", "OK 1")
        pf.expect("send %s 300 20" % mac1, "OK 20")
        vf1.expect("recv 20", "OK 20 0 300-319")
        with s.vf(0) as new_vf0:
            check(new_vf0.cmd("mac").split()[1] == mac0, "VF 0 keeps its MAC")
            pf.expect("attached 0", "OK 1")
            pf.expect("send %s 400 30" % mac0, "OK 30")
            new_vf0.expect("recv 30", "OK 30 0 400-429")
            pf.expect("xstat tx_vf_down_packets", "OK 300")
            new_vf0.quit()
        vf1.quit()
        pf.quit()


def vport_mtus(pf, vf):
    """(mtu, max_mtu) of a VF's VPort block as the PF has it."""
    got = pf.cmd("get %d 63" % vf).split()
    check(got[0] == "OK" and got[1] == "16", "VPort block of VF %d: %r" % (vf, got))
    raw = bytes.fromhex(got[2])
    return int.from_bytes(raw[2:4], "little"), int.from_bytes(raw[4:6], "little")


def test_vf_mtu_within_pkt_buf_size(ctx):
    """The MTU a VF may have follows the PF's pkt_buf_size: a frame is the MTU
    plus an Ethernet header and a VLAN tag (18 bytes), so 1600-byte buffers
    carry an MTU of 1582 at most; a larger one is refused, and a larger one
    the PF application wrote in the block is clamped."""
    s = Setup(ctx)
    with s.pf(num_vfs=1, extra=",pkt_buf_size=1600") as pf, s.vf(0) as vf0:
        check(vport_mtus(pf, 0) == (1500, 1582), "VPort defaults: %r" % (vport_mtus(pf, 0),))
        vf0.expect("mtu_info", "OK 1582 1600 1500")
        vf0.expect("mtu 1583", "ERR -EINVAL")
        vf0.expect("mtu 1582", "OK")
        check(vport_mtus(pf, 0) == (1582, 1582), "VF's MTU in its block")
        vf0.expect("mtu_info", "OK 1582 1600 1582")
        pf_mac = pf.cmd("mac").split()[1]
        vf0.expect("send %s 0 40" % pf_mac, "OK 40")
        pf.expect("recv 40", "OK 40 0 0-39")
        # The PF application may write a larger max_mtu: the VF keeps to its buffers.
        pf.expect("set 0 63 0100dc05d007000001%s" % ("00" * 7), "OK")
        vf0.expect("port_stop", "OK")
        vf0.expect("port_start", "OK")
        vf0.expect("mtu_info", "OK 1582 1600 1500")
        vf0.expect("mtu 1583", "ERR -EINVAL")
        vf0.quit()
        pf.quit()


def poll_until_answered(vf, token, length):
    """Poll a token until the PF answered it (the service runs on its own)."""
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    while time.monotonic() < deadline:
        got = vf.cmd("poll %s %d" % (token, length))
        if got != "ERR -EAGAIN":
            return got
    raise AgentError("%r: token %s never answered" % (vf, token))


def test_post_fails_at_once_on_own_tokens(ctx):
    """A VF thread holding every mailbox slot with tokens it has not collected
    gets -ENOBUFS from its next post at once, whether the PF answered them or
    not, instead of waiting for a slot only it can free until -ETIMEDOUT."""
    s = Setup(ctx)
    with s.pf(stallable=True, num_vfs=1, extra=",mbox_depth=4") as pf, \
            s.vf(0, timeout_ms=3000) as vf0:
        pf.expect("define 0 2 8 rw", "OK")
        pf.expect("set 0 2 5a", "OK")
        vf0.expect("read 2 8", "OK 1 5a")
        done = int(pf.cmd("xstat vf0_mbox_completions").split()[1])
        pf.expect("stall", "OK")
        tokens = []
        for _ in range(4):
            got = vf0.cmd("post_read 2 8").split()
            check(got[0] == "OK", "post_read: %r" % got)
            tokens.append(got[1])
        # Not answered yet: the PF would answer, only a poll would free a slot.
        vf0.expect("post_read 2 8", "ERR -ENOBUFS", timeout=10)
        pf.expect("unstall", "OK")
        wait_answer(pf, "xstat vf0_mbox_completions", "OK %d" % (done + 4))
        # Answered, not collected: still the thread's own slots.
        vf0.expect("post_read 2 8", "ERR -ENOBUFS", timeout=10)
        for token in tokens:
            vf0.expect("poll %s 8" % token, "OK 1 5a")
        got = vf0.cmd("post_read 2 8").split()
        check(got[0] == "OK", "post after collecting: %r" % got)
        check(poll_until_answered(vf0, got[1], 8) == "OK 1 5a", "new token")
        # The blocking calls still work beside the pipelined ones.
        vf0.expect("read 2 8", "OK 1 5a")
        vf0.quit()
        pf.quit()


def test_vf_starts_with_stalled_pf_waits_once(ctx):
    """A VF port configured and started while its PF is stalled waits for the
    well-known blocks once (at configure), not again at start; once the PF
    serves again, the next start reads them."""
    s = Setup(ctx)
    with s.pf(stallable=True, num_vfs=1) as pf:
        pf.expect("stall", "OK")
        with s.vf(0, timeout_ms=1000) as vf0:
            vf0.expect("xstat mbox_timeouts", "OK 1")
            check("not waiting again" in vf0.stderr(), "the skipped read is logged")
            pf.expect("unstall", "OK")
            vf0.expect("port_stop", "OK")
            vf0.expect("port_start", "OK")
            wait_answer(vf0, "link", "OK up")
            vf0.expect("mtu_info", "OK 2030 2048 1500")
            vf0.expect("xstat mbox_timeouts", "OK 1")
            vf0.quit()
        pf.quit()


def test_new_vf_process_down_until_started(ctx):
    """A VF process that died with its port started left its rings saying
    they are polled: a new process for that VF takes them back at probe, so
    the PF counts frames to it as VF down until its port starts."""
    s = Setup(ctx)
    with s.pf(num_vfs=1) as pf, s.vf(0) as vf0:
        mac0 = vf0.cmd("mac").split()[1]
        vf0.kill()
        wait_answer(pf, "attached 0", "OK 0")
        with s.vf(0, started=False) as new_vf0:
            pf.expect("attached 0", "OK 1")
            pf.expect("send %s 0 10" % mac0, "OK 10")
            pf.expect("xstat tx_vf_down_packets", "OK 10")
            new_vf0.expect("port_start", "OK")
            pf.expect("send %s 100 10" % mac0, "OK 10")
            new_vf0.expect("recv 10", "OK 10 0 100-109")
            pf.expect("xstat tx_vf_down_packets", "OK 10")
            new_vf0.quit()
        pf.quit()
