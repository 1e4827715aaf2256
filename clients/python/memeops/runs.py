"""What a training script says to the bot: epochs, the end of a run, a crash.

Every function here logs instead of raising: a wrong argument or an unreachable bot must never
stop a training that may have run for days.
"""

import atexit
import logging
import os
import sys
import threading
import time

from . import events
from .client import Client

log = logging.getLogger("memeops")

_default = None
_default_lock = threading.Lock()


def default_client():
    """The process's shared Client, made from $MEMEOPS_BOT_URL and $MEMEOPS_TOKEN on first use;
    it is flushed (5 s at most) when the interpreter exits."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Client()
            atexit.register(_default.close, 5.0)
        return _default


def default_run_name():
    """$MEMEOPS_RUN, else the script's name and the start time: "train-20261130-040512"."""
    script = os.path.splitext(os.path.basename(sys.argv[0] if sys.argv and sys.argv[0] else ""))[0]
    return os.environ.get("MEMEOPS_RUN") or "%s-%s" % (script or "python", time.strftime("%Y%m%d-%H%M%S"))


def log_epoch(run, epoch, client=None, **metrics):
    """Queues a training.epoch event for `run` with `metrics` (numbers; NaN and infinities
    allowed; anything else is left out). Returns True when queued; never raises."""
    try:
        client = client or default_client()
        event = events.epoch_event(run, epoch, metrics)
        event["id"] = client.event_id(run, "epoch", event["epoch"])
        return client.submit(event)
    except Exception as error:
        log.warning("memeops: epoch %r of run %r not logged: %s", epoch, run, error)
        return False


def end_run(run, status="success", client=None, flush_timeout=10.0, cwd=None, **metrics):
    """Sends training.end for `run` with the git commit being trained (events.source_info), so a
    success makes that commit a model version with its pun tag; then flushes for at most
    `flush_timeout` seconds. True when everything queued was delivered; never raises."""
    try:
        client = client or default_client()
        event = events.end_event(run, status, metrics, events.source_info(cwd))
        event["id"] = client.event_id(run, "end")
        client.submit(event)
        return client.flush(flush_timeout)
    except Exception as error:
        log.warning("memeops: end of run %r not sent: %s", run, error)
        return False


def report_crash(run, error, client=None, flush_timeout=10.0):
    """Sends training.crash naming `error` (an exception or text) and training.end "failure",
    then flushes for at most `flush_timeout` seconds. Never raises."""
    try:
        client = client or default_client()
        text = "%s: %s" % (type(error).__name__, error) if isinstance(error, BaseException) else str(error)
        event = events.crash_event(run, text)
        event["id"] = client.event_id(run, "crash")
        client.submit(event)
        status = "cancelled" if isinstance(error, KeyboardInterrupt) else "failure"
        return end_run(run, status, client=client, flush_timeout=flush_timeout)
    except Exception as failure:
        log.warning("memeops: crash of run %r not sent: %s", run, failure)
        return False
