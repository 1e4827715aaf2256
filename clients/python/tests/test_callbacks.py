"""MemeCallback and MemeLightningCallback driven as Keras' fit() and Lightning's Trainer drive
them (neither framework is packaged in Debian 12; with one installed the callbacks subclass its
Callback and the same hooks run), against a real `memeops serve`."""

import math
import unittest

from support import BotTestCase, reactions

import memeops
from memeops import keras_callback, lightning_callback


class Optimizer:
    learning_rate = 0.01


class Model:
    optimizer = Optimizer()


def keras_fit(callback, epoch_logs):
    """The hook calls of Keras' Model.fit over `epoch_logs` (one logs dict per epoch)."""
    callback.set_model(Model())
    callback.set_params({"verbose": 0, "epochs": len(epoch_logs), "steps": 2})
    callback.on_train_begin(logs={})
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch, logs={})
        for batch in range(2):
            callback.on_train_batch_begin(batch, logs={})
            callback.on_train_batch_end(batch, logs={"loss": logs["loss"]})
        callback.on_test_begin(logs={})
        callback.on_test_end(logs={"loss": logs.get("val_loss")})
        callback.on_epoch_end(epoch, logs=dict(logs))
    callback.on_train_end(logs=dict(epoch_logs[-1]))


class Trainer:
    """The attributes of a Lightning Trainer the callback reads."""

    def __init__(self):
        self.current_epoch = 0
        self.callback_metrics = {}
        self.is_global_zero = True
        self.sanity_checking = False


class KerasCallbackTest(BotTestCase):
    def test_fit_posts_each_epoch_with_the_learning_rate_and_ends_the_run(self):
        client = memeops.Client(url=self.bot.url)
        callback = memeops.MemeCallback(run="keras-run", client=client, flush_timeout=10)
        logs = [{"loss": 1.0 - 0.1 * e, "val_loss": 1.1 - 0.1 * e, "accuracy": 0.5 + 0.1 * e} for e in range(5)]
        keras_fit(callback, logs)
        self.assertEqual((client.sent, client.failed), (6, 0))  # flushed by on_train_end
        entry = self.bot.run_entry("keras-run")
        self.assertAlmostEqual(entry["metrics"]["accuracy"], 0.9)
        self.assertEqual(entry["metrics"]["lr"], 0.01)
        self.assertIn("training.breakthrough", reactions(entry))
        self.assertIn("training.finished", reactions(entry))

    def test_a_run_whose_loss_went_nan_ends_failed_not_as_a_version(self):
        client = memeops.Client(url=self.bot.url)
        callback = memeops.MemeCallback(run="diverged", client=client)
        keras_fit(callback, [{"loss": 0.9}, {"loss": math.nan}])
        entry = self.bot.run_entry("diverged")
        self.assertIn("training.nan", reactions(entry))
        self.assertNotIn("training.finished", reactions(entry))
        self.assertEqual(self.bot.cli("history", "--kind", "version"), [])

    def test_without_keras_it_is_duck_typed(self):
        if keras_callback._KerasCallback is not None:
            self.skipTest("Keras is installed: the callback subclasses keras.callbacks.Callback")
        self.assertIs(memeops.MemeCallback.__mro__[1], keras_callback._DuckCallback)


class LightningCallbackTest(BotTestCase):
    def test_the_trainer_hooks_post_epochs_then_a_crash(self):
        client = memeops.Client(url=self.bot.url)
        callback = memeops.MemeLightningCallback(run="lightning-run", client=client)
        trainer = Trainer()
        for epoch in range(3):
            trainer.current_epoch = epoch
            trainer.callback_metrics = {"train_loss": 1.0 / (epoch + 1), "val_loss": 2.0 / (epoch + 1)}
            callback.on_train_epoch_end(trainer, None)
        callback.on_exception(trainer, None, RuntimeError("CUDA out of memory"))
        callback.on_train_end(trainer, None)  # ignored: the run has ended
        self.assertEqual((client.sent, client.failed), (5, 0))
        entry = self.bot.run_entry("lightning-run")
        self.assertAlmostEqual(entry["metrics"]["val_loss"], 2.0 / 3)
        self.assertIn("training.crash", reactions(self.bot.cli("history", "--kind", "training")[0]) +
                      reactions(entry))

    def test_only_the_global_zero_process_posts(self):
        client = memeops.Client(url=self.bot.url)
        callback = memeops.MemeLightningCallback(run="rank-1", client=client)
        trainer = Trainer()
        trainer.is_global_zero = False
        callback.on_train_epoch_end(trainer, None)
        callback.on_train_end(trainer, None)
        self.assertEqual(client.sent + client.failed, 0)

    def test_without_lightning_it_is_duck_typed(self):
        if lightning_callback._lightning_base() is not object:
            self.skipTest("Lightning is installed: the callback subclasses its Callback")
        self.assertIs(memeops.MemeLightningCallback.__mro__[1], object)


if __name__ == "__main__":
    unittest.main()
