# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vfbc authors
"""Drive an interactive dpdk-testpmd: send a command, collect its output up to
the next prompt. Waits are bounded by deadlines on the process's own output."""

import os
import re
import subprocess
import threading
import time

PROMPT = "testpmd> "
TESTPMD = "/usr/bin/dpdk-testpmd"


class TestpmdError(Exception):
    pass


def environment():
    """Environment of a testpmd: with the library VFBC_TEST_PRELOAD names first in
    LD_PRELOAD. run_tests.py sets it to the ASan runtime for a sanitizer build,
    whose driver a stock testpmd can only load with the runtime preloaded."""
    env = dict(os.environ)
    preload = env.get("VFBC_TEST_PRELOAD")
    if preload:
        env["LD_PRELOAD"] = ":".join(p for p in (preload, env.get("LD_PRELOAD")) if p)
    return env


class Testpmd:
    """An interactive testpmd; use as a context manager so it always ends."""

    def __init__(self, eal_args, app_args=(), log_path=None, timeout=30.0, binary=TESTPMD):
        """@binary: the testpmd to run, by default Debian's."""
        # testpmd prints with stdio, fully buffered on a pipe, but writes its
        # prompt straight to the fd: unbuffer stdout to keep them in order.
        self.argv = ["stdbuf", "-o0", "-e0", str(binary)] + list(eal_args) + ["--", "-i"] + \
            list(app_args)
        self.timeout = timeout
        self.log_path = log_path
        self.proc = None
        self._buf = ""
        self._cond = threading.Condition()
        self._eof = False
        self.startup = ""

    def __enter__(self):
        # stdbuf appends its own library to LD_PRELOAD, after ours.
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0, env=environment())
        threading.Thread(target=self._reader, daemon=True).start()
        self.startup = self._until_prompt()
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        if self.log_path:
            with open(self.log_path, "w", encoding="utf-8") as f:
                f.write(self.output())

    def _reader(self):
        while True:
            data = os.read(self.proc.stdout.fileno(), 65536)
            with self._cond:
                if not data:
                    self._eof = True
                else:
                    self._buf += data.decode(errors="replace")
                self._cond.notify_all()
            if not data:
                return

    def output(self):
        with self._cond:
            return self._buf

    def _wait_for(self, text, start, timeout):
        """Wait until @text appears in the output after offset @start."""
        deadline = time.monotonic() + (timeout or self.timeout)
        with self._cond:
            while True:
                pos = self._buf.find(text, start)
                if pos >= 0:
                    return pos
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    raise TestpmdError("no %r from testpmd (%s); output:\n%s" % (
                        text, "exited" if self._eof else "timeout", self._buf[-4000:]))
                self._cond.wait(left)

    def _until_prompt(self, start=0, timeout=None):
        pos = self._wait_for(PROMPT, start, timeout)
        return self._buf[start:pos]

    def cmd(self, line, timeout=None):
        """Send one command; return what testpmd printed before the next prompt."""
        with self._cond:
            start = len(self._buf)
        self.proc.stdin.write((line + "\n").encode())
        return self._until_prompt(start, timeout)

    def ports(self):
        """{name: (port id, MAC address, driver, status)} of 'show port summary all'."""
        ports = {}
        for line in self.cmd("show port summary all").splitlines():
            m = re.match(r"^(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(up|down)\b", line)
            if m:
                ports[m.group(3)] = (int(m.group(1)), m.group(2), m.group(4), m.group(5))
        return ports

    def port_ids(self):
        """{name: port id} of the ports testpmd has."""
        return {name: p[0] for name, p in self.ports().items()}

    def quit(self, timeout=None):
        """Send quit; return (exit status, output after the command)."""
        with self._cond:
            start = len(self._buf)
        self.proc.stdin.write(b"quit\n")
        self.proc.stdin.close()
        rc = self.proc.wait(timeout or self.timeout)
        self._wait_for("", start, 1)  # the reader has everything once stdout closed
        with self._cond:
            while not self._eof:
                self._cond.wait(1)
            return rc, self._buf[start:]
