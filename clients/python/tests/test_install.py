"""`pip install ./clients/python` gives a working package: installed from a copy of the source
(pip builds in place) into a temp folder, offline, then used from there against a real bot."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import support


class InstallTest(unittest.TestCase):
    def test_pip_installs_a_package_that_reaches_the_bot(self):
        folder = tempfile.mkdtemp(prefix="memeops-pip-")
        self.addCleanup(shutil.rmtree, folder, True)
        source = shutil.copytree(os.path.dirname(support.HERE), os.path.join(folder, "src"),
                                 ignore=shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__"))
        target = os.path.join(folder, "site")
        done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                               "--no-build-isolation", "--target", target, source],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        bot = support.Bot()
        self.addCleanup(bot.stop)
        script = ("import memeops, sys\n"
                  "assert memeops.__file__.startswith(sys.argv[1]), memeops.__file__\n"
                  "memeops.log_epoch('installed', 0, loss=0.5)\n"
                  "sys.exit(0 if memeops.default_client().flush(10) else 1)\n")
        env = dict(os.environ, PYTHONPATH=target, MEMEOPS_BOT_URL=bot.url)
        env.pop("MEMEOPS_TOKEN", None)
        done = subprocess.run([sys.executable, "-c", script, target], env=env, cwd=folder, capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(bot.run_entry("installed")["metrics"], {"loss": 0.5})


if __name__ == "__main__":
    unittest.main()
