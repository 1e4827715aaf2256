"""memeops.ci, and the steps of action.yml and deploy/gitlab/memeops.gitlab-ci.yml that run it,
against a real `memeops serve`: a failing pipeline then a passing one give ci.failed, ci.fixed."""

import datetime
import os
import subprocess
import sys

import yaml

import support
from support import BotTestCase, reactions

from memeops import ci

GITHUB = {"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "ml/vision",
          "GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_JOB": "build", "GITHUB_WORKFLOW": "CI",
          "GITHUB_REF_NAME": "main", "GITHUB_SHA": "a" * 40}
GITLAB = {"GITLAB_CI": "true", "CI_PROJECT_ID": "7", "CI_PIPELINE_ID": "99",
          "CI_PIPELINE_URL": "https://gitlab.example.com/ml/vision/-/pipelines/99",
          "CI_PROJECT_URL": "https://gitlab.example.com/ml/vision", "CI_COMMIT_BRANCH": "main",
          "CI_COMMIT_SHA": "b" * 40, "CI_PIPELINE_CREATED_AT": "2026-11-30T10:00:00Z"}


def ci_environment(bot, ci_variables):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "CI_", "GITLAB"))}
    env.update(ci_variables, MEMEOPS_BOT_URL=bot.url, PYTHONPATH=os.path.dirname(support.HERE))
    env.pop("MEMEOPS_TOKEN", None)
    return env


def action_post_script():
    with open(os.path.join(support.SOURCE_DIR, "action.yml")) as file:
        steps = yaml.safe_load(file)["runs"]["steps"]
    return next(step["run"] for step in steps if "memeops.ci" in step.get("run", ""))


class PipelineEventTest(BotTestCase):
    def test_events_from_github_and_gitlab_variables(self):
        now = datetime.datetime(2026, 11, 30, 10, 5, tzinfo=datetime.timezone.utc)
        github = ci.pipeline_event("failure", GITHUB, now)
        self.assertEqual(github["url"], "https://github.com/ml/vision/actions/runs/4242/attempts/1")
        self.assertEqual((github["name"], github["provider"], github["branch"]), ("CI / build", "github", "main"))
        gitlab = ci.pipeline_event("failed", GITLAB, now, name="nightly")
        self.assertEqual((gitlab["name"], gitlab["duration_s"], gitlab["commit"]), ("nightly", 300.0, "b" * 40))
        self.assertEqual(ci.pipeline_event("success", {}, now, name="x"),
                         {"kind": "ci.pipeline", "provider": "other", "name": "x", "status": "success"})

    def test_the_actions_step_posts_a_failure_then_its_fix(self):
        for attempt, status in (("1", "failure"), ("2", "success")):
            env = ci_environment(self.bot, dict(GITHUB, GITHUB_RUN_ATTEMPT=attempt))
            env.update(STATUS=status, NAME="", STRICT="true")
            done = subprocess.run(["bash", "-c", action_post_script()], env=env, capture_output=True, text=True,
                                  timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
        entries = self.bot.cli("history", "--kind", "ci")
        self.assertEqual([reactions(e) for e in entries], [["ci.fixed"], ["ci.failed"]])
        self.assertEqual(entries[1]["details"]["event"]["url"],
                         "https://github.com/ml/vision/actions/runs/4242/attempts/1")
        self.assertEqual(entries[0]["repo"], "github.com/ml/vision")

    def test_the_gitlab_jobs_post_their_status_once(self):
        with open(os.path.join(support.SOURCE_DIR, "deploy", "gitlab", "memeops.gitlab-ci.yml")) as file:
            template = yaml.safe_load(file)
        command = template[".memeops:post"]["script"][-1]
        status = template["memeops:failure"]["variables"]["MEMEOPS_STATUS"]
        env = ci_environment(self.bot, dict(GITLAB, MEMEOPS_STATUS=status))
        for _ in range(2):  # a retried job: the same pipeline id, counted once
            done = subprocess.run(["sh", "-c", command.replace("python3", sys.executable, 1)], env=env,
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
        entries = self.bot.cli("history", "--kind", "ci")
        self.assertEqual(len(entries), 1)
        self.assertEqual(reactions(entries[0]), ["ci.failed"])
        self.assertEqual(entries[0]["branch"], "main")

    def test_an_unreachable_bot_does_not_fail_the_build_unless_strict(self):
        env = ci_environment(self.bot, GITHUB)
        env["MEMEOPS_BOT_URL"] = "http://127.0.0.1:%d" % support.free_port()
        base = [sys.executable, "-m", "memeops.ci", "--status", "success", "--timeout", "1"]
        self.assertEqual(subprocess.run(base, env=env, capture_output=True, timeout=30).returncode, 0)
        self.assertEqual(subprocess.run(base + ["--strict"], env=env, capture_output=True, timeout=30).returncode, 1)


if __name__ == "__main__":
    import unittest
    unittest.main()
