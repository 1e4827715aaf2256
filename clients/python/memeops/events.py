"""The events of the MemeOps contract (section 3) as plain dicts, ready for json.dumps.

Everything here is pure apart from source_info(), which asks git. Metric values are made
JSON-safe: NaN and the infinities travel as the strings "nan", "inf" and "-inf", which the bot
reads as NaN and infinities (they fire the training.nan meme), so the body is strict JSON that
any proxy between the script and the bot can parse.
"""

import math
import os
import re
import subprocess

STATUSES = ("success", "failure", "cancelled")
_NON_FINITE = ("nan", "inf", "-inf")

# A git remote's user and password ("https://user:token@host/..."): never sent to the bot.
_CREDENTIALS = re.compile(r"^([a-z][a-z0-9+.-]*://)[^/@]*@", re.IGNORECASE)


def metric_value(value):
    """`value` as a JSON-safe number, "nan", "inf" or "-inf"; None when it is not a number.

    Accepts Python, numpy and torch scalars (anything float() takes, 0-d tensors included);
    the bot's own spellings "nan", "inf" and "-inf" stay as they are; booleans, other text and
    tensors of several elements are not metrics.
    """
    if isinstance(value, str) and value in _NON_FINITE:
        return value
    if isinstance(value, (bool, str, bytes)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, RuntimeError):  # RuntimeError: a tensor of several elements
        return None
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return number


def clean_metrics(metrics):
    """The numeric entries of `metrics` (a mapping), JSON-safe; the rest is left out."""
    cleaned = {}
    for name, value in (metrics or {}).items():
        number = metric_value(value)
        if number is not None:
            cleaned[str(name)] = number
    return cleaned


def epoch_event(run, epoch, metrics):
    """A training.epoch event. Raises ValueError for an epoch that is not an integer >= 0."""
    epoch = int(epoch)
    if epoch < 0:
        raise ValueError("epoch must be an integer >= 0, not %d" % epoch)
    return {"kind": "training.epoch", "run": str(run), "epoch": epoch, "metrics": clean_metrics(metrics)}


def end_event(run, status, metrics=None, source=None):
    """A training.end event; `source` (see source_info) names the commit a success makes a version."""
    if status not in STATUSES:
        raise ValueError("status must be one of %s, not %r" % (", ".join(STATUSES), status))
    event = {"kind": "training.end", "run": str(run), "status": status, "metrics": clean_metrics(metrics)}
    event.update({key: value for key, value in (source or {}).items() if value})
    return event


def crash_event(run, text):
    """A training.crash event carrying the error's text."""
    return {"kind": "training.crash", "run": str(run), "text": str(text)[:4000]}


def source_info(cwd=None):
    """{"commit", "repo", "branch"} of the code being trained, each None when unknown.

    MEMEOPS_COMMIT, MEMEOPS_REPO and MEMEOPS_BRANCH win (a training image without .git); else
    git in `cwd`: HEAD, the origin URL without credentials (else the top folder), the branch.
    """
    return {
        "commit": os.environ.get("MEMEOPS_COMMIT") or _git(cwd, "rev-parse", "HEAD"),
        "repo": os.environ.get("MEMEOPS_REPO") or _repo(cwd),
        "branch": os.environ.get("MEMEOPS_BRANCH") or _branch(cwd),
    }


def _repo(cwd):
    origin = _git(cwd, "remote", "get-url", "origin")
    return _CREDENTIALS.sub(r"\1", origin) if origin else _git(cwd, "rev-parse", "--show-toplevel")


def _branch(cwd):
    branch = _git(cwd, "rev-parse", "--abbrev-ref", "HEAD")
    return None if branch == "HEAD" else branch  # a detached HEAD has no branch


def _git(cwd, *args):
    """git's one-line answer, or None (no git, not a repository, or slower than 5 s)."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    answer = done.stdout.strip()
    return answer if done.returncode == 0 and answer else None
