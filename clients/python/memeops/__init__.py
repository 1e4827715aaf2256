"""MemeOps for training scripts: epochs and results go to the team's MemeOps bot, which answers
with memes in chat (overfitting, NaN losses, plateaus, a new model version with its pun tag).

    import memeops
    for epoch in range(epochs):
        memeops.log_epoch("resnet-7", epoch, loss=loss, val_loss=val_loss, val_accuracy=acc)
    memeops.end_run("resnet-7")          # training.end with the git commit: a model version

    model.fit(..., callbacks=[memeops.MemeCallback(run="resnet-7")])        # Keras
    Trainer(callbacks=[memeops.MemeLightningCallback(run="resnet-7")])      # PyTorch Lightning

The bot is $MEMEOPS_BOT_URL (default http://127.0.0.1:8088) with $MEMEOPS_TOKEN. Sending happens
on a background thread; nothing here raises into the training loop.
"""

from .client import Client
from .events import source_info
from .runs import default_client, default_run_name, end_run, log_epoch, report_crash

__all__ = ["Client", "MemeCallback", "MemeLightningCallback", "default_client", "default_run_name", "end_run",
           "log_epoch", "report_crash", "source_info"]
__version__ = "0.1.0"


def __getattr__(name):
    """The callbacks import Keras or Lightning only when asked for: importing memeops stays cheap."""
    if name == "MemeCallback":
        from .keras_callback import MemeCallback
        return MemeCallback
    if name == "MemeLightningCallback":
        from .lightning_callback import MemeLightningCallback
        return MemeLightningCallback
    raise AttributeError("module 'memeops' has no attribute %r" % name)
