"""Delivery of events to the bot's POST /v1/events from one background thread.

The training loop only puts an encoded event on a bounded queue and goes on: a bot that is
down, slow or refusing costs it nothing. The thread sends each event with its idempotency id
("id"), retrying network errors, 408, 429 and 5xx with exponential backoff and jitter (a 429's
or 503's Retry-After is honoured up to the cap); any other answer means the event or the token
is wrong, and resending cannot help. Events that find the queue full are dropped and counted.
"""

import hashlib
import json
import logging
import os
import queue
import random
import threading
import time
import urllib.error
import urllib.request
import uuid

log = logging.getLogger("memeops")

DEFAULT_URL = "http://127.0.0.1:8088"
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class Client:
    """A connection to one bot. Thread-safe; no public method raises.

    url: the bot's base URL (default $MEMEOPS_BOT_URL, else http://127.0.0.1:8088).
    token: the bearer token of the /v1 API (default $MEMEOPS_TOKEN).
    max_queue: events waiting at most; more are dropped (counted in `dropped`).
    attempts, backoff, max_backoff: tries per event and the delays between them (seconds).
    request_timeout: seconds one HTTP request may take.
    """

    def __init__(self, url=None, token=None, max_queue=1000, attempts=6, backoff=0.5, max_backoff=10.0,
                 request_timeout=5.0):
        base = url or os.environ.get("MEMEOPS_BOT_URL") or DEFAULT_URL
        self.url = base.rstrip("/") + "/v1/events"
        self._token = token if token is not None else os.environ.get("MEMEOPS_TOKEN")
        self._retry = (max(1, attempts), backoff, max_backoff, request_timeout)
        self._queue = queue.Queue(maxsize=max_queue)
        self._session = uuid.uuid4().hex[:12]
        self._idle = threading.Condition()
        self._pending = 0
        self._stop = threading.Event()
        self._thread = None
        self.sent = self.failed = self.dropped = 0

    def event_id(self, *parts):
        """An idempotency id for the event `parts` name in this client's session (≤ 200 bytes).

        The same parts give the same id, so an epoch logged twice, or resent after a timeout
        whose request did arrive, is archived once; another process gets other ids.
        """
        named = "\x1f".join(str(part) for part in parts).encode("utf-8", "replace")
        return "py-%s-%s" % (self._session, hashlib.sha256(named).hexdigest()[:32])

    def submit(self, event):
        """Queues `event` (a dict; an "id" is added when missing). False when it was not queued."""
        try:
            event = dict(event)
            event.setdefault("id", uuid.uuid4().hex)
            body = json.dumps(event, allow_nan=False, default=str).encode()
            return self._enqueue(event["id"], body)
        except Exception as error:  # a value json cannot write, say: log it, never raise into training
            log.warning("memeops: event not queued: %s", error)
            return False

    def flush(self, timeout=10.0):
        """Waits up to `timeout` seconds until every queued event is sent or given up on.

        True when nothing is left waiting.
        """
        deadline = time.monotonic() + max(0.0, timeout)
        with self._idle:
            while self._pending and time.monotonic() < deadline:
                self._idle.wait(deadline - time.monotonic())
            left = self._pending
        if left:
            log.warning("memeops: %d event(s) still unsent after %.1f s", left, timeout)
        return left == 0

    def close(self, timeout=10.0):
        """Flushes (see flush), then stops the thread; what is still unsent is abandoned."""
        flushed = self.flush(timeout)
        self._stop.set()
        return flushed

    def _enqueue(self, event_id, body):
        with self._idle:
            if self._stop.is_set():
                return False
            try:
                self._queue.put_nowait((event_id, body))
            except queue.Full:
                self.dropped += 1
                log.warning("memeops: queue full (%d events), event %s dropped", self._queue.maxsize, event_id)
                return False
            self._pending += 1
            self._start()
        return True

    def _start(self):
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="memeops-client", daemon=True)
            self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                event_id, body = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                delivered = self._deliver(event_id, body)
            except Exception as error:  # a bug here must not leave flush() waiting forever
                log.warning("memeops: event %s not sent: %s", event_id, error)
                delivered = False
            self._done(delivered)

    def _done(self, delivered):
        with self._idle:
            if delivered:
                self.sent += 1
            else:
                self.failed += 1
            self._pending -= 1
            self._idle.notify_all()

    def _deliver(self, event_id, body):
        attempts, backoff, max_backoff, request_timeout = self._retry
        for attempt in range(1, attempts + 1):
            retry, wait, reason = self._post(body, request_timeout)
            if reason is None:
                return True
            if not retry or attempt == attempts or self._stop.is_set():
                log.warning("memeops: event %s not sent: %s", event_id, reason)
                return False
            delay = wait if wait is not None else backoff * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
            log.info("memeops: attempt %d for %s failed (%s); next in %.2f s", attempt, event_id, reason, delay)
            if self._stop.wait(min(delay, max_backoff)):
                return False
        return False

    def _post(self, body, timeout):
        """One request: (retry?, the server's Retry-After or None, None when accepted else why not)."""
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = "Bearer " + self._token
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return False, None, None
        except urllib.error.HTTPError as error:
            return error.code in RETRY_STATUSES, _retry_after(error), "HTTP %d %s" % (error.code, _error_text(error))
        except (urllib.error.URLError, OSError) as error:  # refused, unreachable, timed out
            return True, None, str(getattr(error, "reason", error))


def _retry_after(error):
    try:
        return max(0.0, float(error.headers.get("Retry-After")))
    except (TypeError, ValueError):
        return None


def _error_text(error):
    try:
        return str(json.loads(error.read().decode()).get("error", ""))[:200]
    except Exception:
        return ""
