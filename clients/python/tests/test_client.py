"""memeops.Client, log_epoch and end_run against a real `memeops serve` on loopback."""

import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

import support
from support import Bot, BotTestCase, reactions

import memeops


def archived_epochs(db):
    """{epoch: metrics JSON} of every epoch the archive holds, read from the SQLite file."""
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as connection:
        return dict(connection.execute("SELECT epoch, metrics FROM epochs ORDER BY epoch"))


class NumpyLikeScalar:
    """A float32 scalar as numpy and torch hand them out: only float() makes it a number."""

    def __init__(self, value):
        self._value = value

    def __float__(self):
        return self._value


class ClientTest(BotTestCase):
    def test_nan_and_infinite_metrics_arrive_and_fire_the_nan_meme(self):
        client = memeops.Client(url=self.bot.url)
        self.assertTrue(memeops.log_epoch("nan-run", 0, client=client, loss=0.7, accuracy=NumpyLikeScalar(0.5)))
        self.assertTrue(memeops.log_epoch("nan-run", 1, client=client, loss=float("nan"), val_loss=float("-inf"),
                                          note="text is not a metric", flag=True))
        self.assertTrue(client.flush(10))
        self.assertEqual((client.sent, client.failed), (2, 0))
        entry = self.bot.run_entry("nan-run")
        self.assertEqual(entry["metrics"], {"loss": "nan", "val_loss": "-inf", "accuracy": 0.5})
        self.assertIn("training.nan", reactions(entry))
        self.assertEqual(sorted(archived_epochs(self.bot.db)), [0, 1])

    def test_an_epoch_logged_twice_is_archived_once(self):
        client = memeops.Client(url=self.bot.url)
        for _ in range(2):
            memeops.log_epoch("twice", 4, client=client, loss=0.25)
        self.assertTrue(client.flush(10))
        self.assertEqual(client.sent, 2)  # both accepted, the second as a duplicate
        with urllib.request.urlopen(self.bot.url + "/metrics", timeout=5) as response:
            metrics = response.read().decode()
        self.assertIn('memeops_duplicate_events_total{kind="training.epoch"} 1', metrics)
        self.assertEqual(list(archived_epochs(self.bot.db)), [4])

    def test_bad_arguments_are_logged_not_raised(self):
        client = memeops.Client(url=self.bot.url)
        with self.assertLogs("memeops", "WARNING") as logged:
            self.assertFalse(memeops.log_epoch("r", -1, client=client, loss=1.0))
            self.assertFalse(memeops.log_epoch("r", "seven", client=client, loss=1.0))
            self.assertFalse(memeops.end_run("r", "exploded", client=client))
        self.assertEqual(len(logged.output), 3)
        self.assertEqual(client.sent + client.failed, 0)

    def test_end_run_makes_the_trained_commit_a_version_with_its_pun_tag(self):
        repo = tempfile.mkdtemp(prefix="memeops-py-repo-", dir=self.bot.folder)
        git = ["git", "-C", repo, "-c", "user.name=T", "-c", "user.email=t@example.com"]
        subprocess.run(git[:3] + ["init", "-q", "-b", "main"], check=True)
        subprocess.run(git[:3] + ["remote", "add", "origin", "https://alice:s3cret@example.com/ml/vision.git"],
                       check=True)
        subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "train"], check=True)
        sha = subprocess.run(git[:3] + ["rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        client = memeops.Client(url=self.bot.url)
        memeops.log_epoch("versioned", 0, client=client, loss=0.3, val_accuracy=0.91)
        self.assertTrue(memeops.end_run("versioned", client=client, cwd=repo, val_accuracy=0.91))
        version = self.bot.cli("history", "--kind", "version")[0]
        self.assertEqual(version["commit"], sha)
        self.assertEqual(version["tag"], self.bot.cli("name", sha, cwd=repo)["tag"])
        self.assertEqual(version["repo"], "example.com/ml/vision")
        self.assertEqual(version["branch"], "main")
        self.assertNotIn("s3cret", str(self.bot.cli("show", "#%d" % version["id"])))

    def test_a_wrong_token_fails_at_once_without_retries(self):
        bot = Bot(token="right-token")
        self.addCleanup(bot.stop)
        client = memeops.Client(url=bot.url, token="wrong", backoff=5)
        started = time.monotonic()
        with self.assertLogs("memeops", "WARNING") as logged:
            memeops.log_epoch("denied", 0, client=client, loss=1.0)
            client.flush(10)
        self.assertLess(time.monotonic() - started, 3)  # a 401 is not retried after 5 s
        self.assertEqual((client.sent, client.failed), (0, 1))
        self.assertIn("HTTP 401", logged.output[0])
        self.assertNotIn("right-token", logged.output[0])
        ok = memeops.Client(url=bot.url, token="right-token")
        memeops.log_epoch("allowed", 0, client=ok, loss=1.0)
        self.assertTrue(ok.flush(10))
        self.assertEqual(ok.sent, 1)


class UnreachableBotTest(unittest.TestCase):
    def test_events_wait_and_retry_until_the_bot_comes_up(self):
        port = support.free_port()
        client = memeops.Client(url="http://127.0.0.1:%d" % port, backoff=0.2, max_backoff=0.5, attempts=20)
        memeops.log_epoch("late-bot", 0, client=client, loss=0.5)
        time.sleep(0.6)  # a few refused attempts
        bot = Bot(port=port)
        self.addCleanup(bot.stop)
        self.assertTrue(client.flush(10))
        self.assertEqual((client.sent, client.failed), (1, 0))
        self.assertEqual(list(archived_epochs(bot.db)), [0])

    def test_a_silent_bot_never_blocks_training_and_the_queue_stays_bounded(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)  # accepts (the kernel does) but never answers
        self.addCleanup(silent.close)
        client = memeops.Client(url="http://127.0.0.1:%d" % silent.getsockname()[1], max_queue=3,
                                request_timeout=0.5, attempts=2, backoff=0.1)
        started = time.monotonic()
        with self.assertLogs("memeops", "WARNING"):
            queued = [memeops.log_epoch("silent", epoch, client=client, loss=1.0) for epoch in range(10)]
            self.assertLess(time.monotonic() - started, 0.5)  # the loop never waited for the bot
            self.assertIn(client.dropped, (6, 7))  # 3 waiting, perhaps 1 taken by the thread
            self.assertEqual(queued.count(False), client.dropped)
            self.assertFalse(client.flush(0.3))  # gives up waiting, on time
            self.assertLess(time.monotonic() - started, 1.5)
            self.assertFalse(client.close(0))
        self.assertFalse(memeops.log_epoch("silent", 11, client=client, loss=1.0))  # closed: not queued

    def test_submissions_from_many_threads_all_arrive(self):
        bot = Bot()
        self.addCleanup(bot.stop)
        client = memeops.Client(url=bot.url)
        threads = [threading.Thread(target=lambda k=k: [memeops.log_epoch("threads", k * 10 + e, client=client,
                                                                         loss=1.0) for e in range(10)])
                   for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertTrue(client.flush(20))
        self.assertEqual(sorted(archived_epochs(bot.db)), list(range(40)))


if __name__ == "__main__":
    unittest.main()
