"""A real PyTorch training loop (tests/overfit_torch.py, run as a script) gets its overfitting meme."""

import os
import subprocess
import sys
import unittest

import support
from support import BotTestCase, reactions

# Debian's python3-torch lives beside Debian's python3; use the interpreter that has it.
PYTHON = os.environ.get("MEMEOPS_TORCH_PYTHON", sys.executable)


class TorchTrainingTest(BotTestCase):
    def test_an_overfitting_pytorch_run_gets_its_overfitting_meme(self):
        env = dict(os.environ, MEMEOPS_BOT_URL=self.bot.url, MEMEOPS_RUN="torch-overfit", MEMEOPS_COMMIT="",
                   MEMEOPS_REPO="")
        env.pop("MEMEOPS_TOKEN", None)
        done = subprocess.run([PYTHON, os.path.join(support.HERE, "overfit_torch.py")], env=env, cwd=self.bot.folder,
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(done.returncode, 0, done.stderr)
        best_epoch = int(done.stdout)
        entry = self.bot.run_entry("torch-overfit")
        self.assertIn("training.overfitting", reactions(entry))
        overfitting = next(m for m in entry["memes"] if m["reaction"] == "training.overfitting")
        self.assertIn("epoch %d" % best_epoch, overfitting["caption_en"])
        self.assertIn("training.finished", reactions(entry))
        self.assertEqual(done.stderr, "")  # nothing went wrong on the way


if __name__ == "__main__":
    unittest.main()
