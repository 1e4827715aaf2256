"""One training run as a framework callback sees it: epochs, then one end (or a crash)."""

from . import runs
from .events import clean_metrics


class RunReporter:
    """Sends a run's epochs and its single end through `client` (default: runs.default_client()).

    run: the run's name (default runs.default_run_name()). flush_timeout: seconds the end waits
    for the queue to drain. A run whose last epoch had a NaN or infinite loss ends "failure": a
    model that diverged is not a version. Not thread-safe: one training loop drives it.
    """

    def __init__(self, run=None, client=None, flush_timeout=10.0):
        self.run = run or runs.default_run_name()
        self._client = client
        self._flush_timeout = flush_timeout
        self._last = {}
        self._ended = False

    def epoch(self, epoch, metrics):
        """Queues epoch `epoch` (0-based, as the frameworks count) with `metrics`."""
        self._last = clean_metrics(metrics)
        return runs.log_epoch(self.run, epoch, client=self._client, **self._last)

    def end(self, status="success"):
        """Sends training.end once (later calls do nothing) with the last epoch's metrics."""
        if self._ended:
            return True
        self._ended = True
        if status == "success" and self._diverged():
            status = "failure"
        return runs.end_run(self.run, status, client=self._client, flush_timeout=self._flush_timeout,
                            **self._last)

    def crash(self, error):
        """Sends training.crash for `error` and ends the run failed (cancelled for Ctrl-C)."""
        if self._ended:
            return True
        self._ended = True
        return runs.report_crash(self.run, error, client=self._client, flush_timeout=self._flush_timeout)

    def _diverged(self):
        return isinstance(self._last.get("loss"), str)  # "nan", "inf" or "-inf"
