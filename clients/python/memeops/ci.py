"""`python -m memeops.ci --status STATUS`: the current CI job's result as a ci.pipeline event.

What the GitHub action (action.yml) and the GitLab template (deploy/gitlab/) run. The event is
read from the CI's own variables (GitHub Actions or GitLab CI; otherwise from the flags) and sent
with a Client: retried while the bot is unreachable, with an id that makes a rerun of the same
step count once. It exits 0 even when the bot could not be reached, so that a chat post never
fails a build, unless --strict.
"""

import argparse
import datetime
import json
import os
import sys

from .client import Client


def github_event(env):
    """The ci.pipeline event of the GitHub Actions job described by `env`."""
    repo_url = "%s/%s" % (env.get("GITHUB_SERVER_URL", "https://github.com"), env["GITHUB_REPOSITORY"])
    run = "%s/actions/runs/%s/attempts/%s" % (repo_url, env["GITHUB_RUN_ID"], env.get("GITHUB_RUN_ATTEMPT", "1"))
    job = env.get("GITHUB_JOB", "")
    return {
        "id": "github-action:%s:%s:%s:%s" % (env["GITHUB_REPOSITORY"], env["GITHUB_RUN_ID"],
                                             env.get("GITHUB_RUN_ATTEMPT", "1"), job),
        "provider": "github",
        "name": "%s / %s" % (env.get("GITHUB_WORKFLOW", "workflow"), job) if job else env.get("GITHUB_WORKFLOW"),
        "url": run,
        "repo": repo_url,
        "branch": env.get("GITHUB_HEAD_REF") or env.get("GITHUB_REF_NAME"),
        "commit": env.get("GITHUB_SHA"),
    }


def gitlab_event(env, now):
    """The ci.pipeline event of the GitLab pipeline described by `env`, at time `now`."""
    event = {
        "id": "gitlab-ci:%s:%s" % (env.get("CI_PROJECT_ID", env.get("CI_PROJECT_PATH")), env["CI_PIPELINE_ID"]),
        "provider": "gitlab",
        "name": env.get("CI_PIPELINE_NAME") or "pipeline",
        "url": env.get("CI_PIPELINE_URL"),
        "repo": env.get("CI_PROJECT_URL"),
        "branch": env.get("CI_COMMIT_BRANCH") or env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or
                  env.get("CI_COMMIT_REF_NAME"),
        "commit": env.get("CI_COMMIT_SHA"),
    }
    created = _parse_time(env.get("CI_PIPELINE_CREATED_AT"))
    if created:
        event["duration_s"] = max(0.0, (now - created).total_seconds())
    return event


def pipeline_event(status, env=None, now=None, **overrides):
    """The ci.pipeline event for `status` in the CI that `env` (default os.environ) describes;
    `overrides` (name, url, ...) win over what the variables say, None values are left out."""
    env = os.environ if env is None else env
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if env.get("GITHUB_ACTIONS") == "true":
        event = github_event(env)
    elif env.get("GITLAB_CI") == "true":
        event = gitlab_event(env, now)
    else:
        event = {"provider": "other"}
    event.update({key: value for key, value in overrides.items() if value})
    event.update(kind="ci.pipeline", status=status)
    if event.get("provider") == "gitlab" and "id" in event:
        # A pipeline that fails, then passes after a job is retried, keeps its id: the status is
        # part of the key, or the pass would be dropped as a duplicate and never say "fixed".
        event["id"] = "%s:%s" % (event["id"], status)
    return {key: value for key, value in event.items() if value is not None and value != ""}


def _parse_time(text):
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m memeops.ci", description=__doc__.split("\n\n")[0])
    parser.add_argument("--status", required=True, help="success, failure, failed, cancelled, ...")
    parser.add_argument("--name", help="the pipeline's name (default: the CI's workflow or pipeline name)")
    parser.add_argument("--url", help="the run's URL (default: the CI's)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to keep trying (default 30)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the bot did not accept the event")
    args = parser.parse_args(argv)
    try:
        event = pipeline_event(args.status, name=args.name, url=args.url)
    except KeyError as missing:
        parser.error("the CI variable %s is not set" % missing)
    if "name" not in event:
        parser.error("--name is required outside GitHub Actions and GitLab CI")
    client = Client()
    client.submit(event)
    delivered = client.close(args.timeout) and client.sent == 1
    print("memeops: %s %s" % ("posted" if delivered else "could not post", json.dumps(event, ensure_ascii=False)),
          file=sys.stderr)
    return 1 if args.strict and not delivered else 0


if __name__ == "__main__":
    sys.exit(main())
