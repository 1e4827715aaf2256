"""MemeLightningCallback for PyTorch Lightning: `Trainer(callbacks=[MemeLightningCallback()])`.

It subclasses lightning.pytorch.callbacks.Callback (or pytorch_lightning's) when Lightning can be
imported, else it is a plain class with the same hooks.
"""

from .reporter import RunReporter


def _lightning_base():
    for name in ("lightning.pytorch.callbacks", "pytorch_lightning.callbacks"):
        try:
            return __import__(name, fromlist=["Callback"]).Callback
        except Exception:  # not installed, or broken: fall back to duck typing
            continue
    return object


class MemeLightningCallback(_lightning_base()):
    """Posts trainer.callback_metrics after each training epoch (validation has run by then) as
    training.epoch; the end of fit() as training.end with the git commit; an exception as
    training.crash. Only the global-zero process posts in distributed training.

    run, client, flush_timeout: as for memeops.MemeCallback.
    """

    def __init__(self, run=None, client=None, flush_timeout=10.0):
        super().__init__()
        self._reporter = RunReporter(run, client, flush_timeout)
        self.run = self._reporter.run

    def on_train_epoch_end(self, trainer, pl_module):
        if _posts(trainer) and not getattr(trainer, "sanity_checking", False):
            self._reporter.epoch(trainer.current_epoch, dict(getattr(trainer, "callback_metrics", {})))

    def on_train_end(self, trainer, pl_module):
        if _posts(trainer):
            self._reporter.end("success")

    def on_exception(self, trainer, pl_module, exception):
        if _posts(trainer):
            self._reporter.crash(exception)


def _posts(trainer):
    return getattr(trainer, "is_global_zero", True)
