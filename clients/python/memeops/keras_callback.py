"""MemeCallback for Keras: `model.fit(..., callbacks=[MemeCallback(run="resnet-7")])`.

It subclasses keras.callbacks.Callback (Keras 3, or tf.keras) when Keras can be imported; without
Keras it is a plain class with the same hooks, so anything that drives callbacks the Keras way
can use it.
"""

from .reporter import RunReporter


def _keras_base():
    for name in ("keras.callbacks", "tensorflow.keras.callbacks"):
        try:
            module = __import__(name, fromlist=["Callback"])
            return module.Callback
        except Exception:  # not installed, or broken: fall back to duck typing
            continue
    return None


_KerasCallback = _keras_base()


class _DuckCallback:
    """The hooks Keras' CallbackList calls, all doing nothing unless overridden."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def _nothing(self, *args, **kwargs):
        return None

    on_batch_begin = on_batch_end = on_epoch_begin = on_epoch_end = _nothing
    on_train_batch_begin = on_train_batch_end = on_test_batch_begin = on_test_batch_end = _nothing
    on_predict_batch_begin = on_predict_batch_end = on_train_begin = on_train_end = _nothing
    on_test_begin = on_test_end = on_predict_begin = on_predict_end = _nothing


class MemeCallback(_KerasCallback or _DuckCallback):
    """Posts every epoch's logs (loss, val_loss, accuracy, lr, ...) as training.epoch and the end
    of fit() as training.end with the git commit, so the trained commit becomes a version.

    run: the run's name (default $MEMEOPS_RUN, else the script and the time); client: a
    memeops.Client (default the shared one); flush_timeout: seconds the end of fit() waits at most.
    """

    def __init__(self, run=None, client=None, flush_timeout=10.0):
        super().__init__()
        self._reporter = RunReporter(run, client, flush_timeout)
        self.run = self._reporter.run

    def on_epoch_end(self, epoch, logs=None):
        metrics = dict(logs or {})
        if "lr" not in metrics and "learning_rate" not in metrics:
            metrics.update(self._learning_rate())
        self._reporter.epoch(epoch, metrics)

    def on_train_end(self, logs=None):
        self._reporter.end("success")

    def _learning_rate(self):
        """{"lr": the optimizer's learning rate} when it is a plain number, else {}."""
        try:
            return {"lr": float(self.model.optimizer.learning_rate)}
        except Exception:  # no model, or a schedule object: the bot does without
            return {}
