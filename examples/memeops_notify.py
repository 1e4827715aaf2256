"""Send MemeOps events from a training script without ever disturbing the training.

    from memeops_notify import notify

    for epoch in range(epochs):
        loss, val_loss, val_acc = train_one_epoch()
        notify({"kind": "training.epoch", "run": "resnet-7", "epoch": epoch,
                "id": f"resnet-7/{epoch}",
                "metrics": {"loss": loss, "val_loss": val_loss, "val_accuracy": val_acc}})

notify() posts one event to the bot's POST /v1/events with the standard library only, and never
raises: a bot that is down, slow or refusing is logged (logger "memeops") and training goes on.
A failed send is retried a few times with exponential backoff and the same "id", the event's
idempotency key, so the bot counts it once even when an earlier attempt did arrive; then it
gives up quietly. The whole call returns within `timeout` seconds.

A NaN or infinite loss needs nothing special: json.dumps writes NaN and Infinity, which the bot
accepts, and it fires the training.nan meme.
"""

import json
import logging
import os
import time
import urllib.error
import urllib.request
import uuid

log = logging.getLogger("memeops")

# Answers worth another try: the bot is busy, restarting or rate-limiting. Any other 4xx means
# the event itself is wrong (400), or the token (401), and resending cannot help.
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


def notify(event, url=None, token=None, timeout=3.0, attempts=3, backoff=0.25):
    """Sends `event` (a dict) to the bot; True when it was accepted, False otherwise.

    url: the bot's base URL (default $MEMEOPS_BOT_URL, else http://127.0.0.1:8088).
    token: the bearer token (default $MEMEOPS_TOKEN). Never raises; returns within `timeout`
    seconds in all, `attempts` tries with `backoff`, 2 x backoff, ... seconds between them.
    """
    try:
        deadline = time.monotonic() + timeout
        return _send(_with_id(event), _events_url(url), _headers(token), deadline, attempts, backoff)
    except Exception as error:  # a bug or an odd value here must not stop the training either
        log.warning("memeops: event not sent: %s", error)
        return False


def _events_url(url):
    base = url or os.environ.get("MEMEOPS_BOT_URL") or "http://127.0.0.1:8088"
    return base.rstrip("/") + "/v1/events"


def _headers(token):
    headers = {"Content-Type": "application/json"}
    token = token or os.environ.get("MEMEOPS_TOKEN")
    if token:
        headers["Authorization"] = "Bearer " + token
    return headers


def _with_id(event):
    """A copy of `event` with an "id", so that every retry carries the same idempotency key."""
    event = dict(event)
    event.setdefault("id", str(uuid.uuid4()))
    return event


def _plain(value):
    """numpy and torch scalars (float32, 0-d tensors) as plain floats, anything else as text."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _send(event, url, headers, deadline, attempts, backoff):
    body = json.dumps(event, default=_plain).encode()
    for attempt in range(1, attempts + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        retry, reason = _post(url, body, headers, remaining)
        if reason is None:
            return True
        if not retry or attempt == attempts:
            log.warning("memeops: event %s not sent: %s", event["id"], reason)
            return False
        log.info("memeops: attempt %d failed (%s); retrying", attempt, reason)
        time.sleep(max(0.0, min(backoff * 2 ** (attempt - 1), deadline - time.monotonic())))
    log.warning("memeops: event %s not sent within the timeout", event["id"])
    return False


def _post(url, body, headers, timeout):
    """One attempt: (retry?, None when accepted, else why not)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return False, None
    except urllib.error.HTTPError as error:
        return error.code in RETRY_STATUSES, "HTTP %d %s" % (error.code, _error_text(error))
    except (urllib.error.URLError, OSError) as error:  # refused, unreachable, timed out
        return True, str(getattr(error, "reason", error))


def _error_text(error):
    try:
        return json.loads(error.read().decode()).get("error", "")
    except Exception:
        return ""
