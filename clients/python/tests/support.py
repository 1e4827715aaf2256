"""A real `memeops serve` on 127.0.0.1 with its own archive, and the memeops CLI to read it.

The binary is $MEMEOPS_BINARY (CTest sets it to the one CMake built), else build/memeops.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # the package from the source tree, installed or not

SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
BINARY = os.environ.get("MEMEOPS_BINARY") or os.path.join(SOURCE_DIR, "build", "memeops")


def free_port():
    """A loopback port nobody listens on (free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Bot:
    """`memeops serve` on `port` (0: any) with an archive in a fresh temp folder; stop() ends it."""

    def __init__(self, port=0, token=None, folder=None):
        self.folder = folder or tempfile.mkdtemp(prefix="memeops-py-")
        self.db = os.path.join(self.folder, "archive.db")
        env = dict(os.environ, MEMEOPS_DB=self.db, HOME=self.folder, MEMEOPS_LOG="info")
        for name in ("MEMEOPS_BOT_URL", "MEMEOPS_SLACK_WEBHOOK", "MEMEOPS_DISCORD_WEBHOOK", "MEMEOPS_TOKEN"):
            env.pop(name, None)
        if token:
            env["MEMEOPS_TOKEN"] = token
        self.env = env
        self._err = open(os.path.join(self.folder, "serve.err"), "w+")
        self._process = subprocess.Popen([BINARY, "serve", "--listen", "127.0.0.1:%d" % port], env=env,
                                         stdout=subprocess.DEVNULL, stderr=self._err)
        self.url = "http://127.0.0.1:%d" % self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(self._err.name) as err:
                match = re.search(r"serving on http://127\.0\.0\.1:(\d+)", err.read())
            if match:
                return int(match.group(1))
            if self._process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("memeops serve did not start: " + open(self._err.name).read())

    def stop(self):
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._err.close()

    def cli(self, *args, cwd=None):
        """Runs `memeops ARGS… --json` on this archive and returns the parsed JSON."""
        done = subprocess.run([BINARY, *args, "--json"], env=self.env, cwd=cwd, capture_output=True, text=True,
                              timeout=30)
        if done.returncode != 0:
            raise AssertionError("memeops %s failed: %s" % (" ".join(args), done.stderr))
        return json.loads(done.stdout)

    def run_entry(self, run):
        """The archive's entry for training run `run` (with its metrics and memes)."""
        for entry in self.cli("history", "--kind", "training", "--limit", "1000"):
            if entry["run"] == run:
                return self.cli("show", "#%d" % entry["id"])
        raise AssertionError("no training entry for run %r" % run)


class BotTestCase(unittest.TestCase):
    """A test with a fresh bot in self.bot, stopped and its folder removed afterwards."""

    def setUp(self):
        self.bot = Bot()
        self.addCleanup(shutil.rmtree, self.bot.folder, True)
        self.addCleanup(self.bot.stop)


def reactions(entry):
    return [meme["reaction"] for meme in entry.get("memes") or []]
