"""Checks the CI integrations offline: action.yml, examples/github/memeops.yml and
deploy/gitlab/memeops.gitlab-ci.yml parse as YAML and fit the JSON schemas in schemas/ (the
fields MemeOps relies on), and hold together: the inputs the action uses are the ones it
declares, no `run:` script interpolates ${{ }} (values reach scripts through env, so a branch
name cannot inject shell), the example passes only inputs that exist, the GitLab jobs extend
what exists. Then broken copies must fail, so the checks can. actionlint runs too when it is
installed (Debian 12 does not package it).

Usage: validate_ci.py SOURCE_DIR. Exits 1 naming the problems.
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ACTION_REPO = "OWNER/memeops"


def load(path):
    with open(path) as file:
        return yaml.safe_load(file)


def schema_problems(document, schema_name):
    with open(os.path.join(HERE, "schemas", schema_name)) as file:
        validator = jsonschema.Draft202012Validator(json.load(file))
    return ["%s: %s" % ("/".join(map(str, error.absolute_path)) or "(top)", error.message)
            for error in validator.iter_errors(document)]


def action_problems(action):
    problems = schema_problems(action, "github-action.schema.json")
    text = json.dumps(action)
    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
    declared = set(action.get("inputs", {}))
    problems += ["input %s is used but not declared" % name for name in sorted(used - declared)]
    problems += ["input %s is declared but never used" % name for name in sorted(declared - used)]
    steps = action.get("runs", {}).get("steps", [])
    problems += ["step %d interpolates ${{ }} in its script: pass it through env" % i
                 for i, step in enumerate(steps) if "${{" in step.get("run", "")]
    ids = {step.get("id") for step in steps}
    for name, output in action.get("outputs", {}).items():
        problems += ["output %s names an unknown step %s" % (name, step)
                     for step in re.findall(r"steps\.([A-Za-z0-9_-]+)\.", output.get("value", "")) if step not in ids]
    return problems


def workflow_problems(workflow, action):
    problems = schema_problems(workflow, "github-workflow.schema.json")
    inputs = action.get("inputs", {})
    required = {name for name, spec in inputs.items() if spec.get("required")}
    uses = [step for job in workflow.get("jobs", {}).values() for step in job.get("steps", [])
            if str(step.get("uses", "")).startswith(ACTION_REPO + "@")]
    if not uses:
        problems.append("the example does not use %s" % ACTION_REPO)
    for step in uses:
        given = set(step.get("with", {}))
        problems += ["the example passes unknown input %s" % name for name in sorted(given - set(inputs))]
        problems += ["the example misses required input %s" % name for name in sorted(required - given)]
    problems += ["a run script interpolates ${{ }}: %s" % step["run"][:60]
                 for job in workflow.get("jobs", {}).values() for step in job.get("steps", [])
                 if "${{" in step.get("run", "")]
    return problems


def gitlab_problems(template):
    problems = schema_problems(template, "gitlab-ci.schema.json")
    jobs = {name: job for name, job in template.items() if isinstance(job, dict) and name != "variables"}
    for name, job in jobs.items():
        for parent in [job["extends"]] if isinstance(job.get("extends"), str) else job.get("extends", []):
            if parent not in jobs:
                problems.append("%s extends %s, which does not exist" % (name, parent))
    whens = {rule.get("when") for job in jobs.values() for rule in job.get("rules", [])}
    problems += ["no job runs %s" % when for when in ("on_success", "on_failure") if when not in whens]
    scripts = json.dumps([job.get("script", []) for job in jobs.values()])
    problems += ["no job runs %s" % command for command in ("memeops.ci", "memeops docker-tag") if command not in scripts]
    return problems


def broken_copies(action, workflow, template):
    """(what is broken, the problems found in it) for copies with one mistake each."""
    bad_action = copy.deepcopy(action)
    bad_action["runs"]["steps"][0]["run"] += '\necho "${{ inputs.name }}"\n'
    bad_workflow = copy.deepcopy(workflow)
    next(s for j in bad_workflow["jobs"].values() for s in j["steps"]
         if s.get("uses", "").startswith(ACTION_REPO))["with"]["bot_url"] = "x"
    bad_template = copy.deepcopy(template)
    bad_template["memeops:failure"]["when"] = "on_failure"
    bad_schema = copy.deepcopy(action)
    bad_schema["runs"]["using"] = "node20"
    return [("a run script with ${{ }}", action_problems(bad_action)),
            ("an unknown input in the example", workflow_problems(bad_workflow, action)),
            ("a GitLab job with both when and rules", gitlab_problems(bad_template)),
            ("an action that is not composite", action_problems(bad_schema))]


def actionlint(path):
    if not shutil.which("actionlint"):
        print("actionlint: not installed, skipped")
        return []
    done = subprocess.run(["actionlint", path], capture_output=True, text=True)
    return [] if done.returncode == 0 else ["actionlint: " + done.stdout + done.stderr]


def main(source):
    action = load(os.path.join(source, "action.yml"))
    workflow_path = os.path.join(source, "examples", "github", "memeops.yml")
    workflow = load(workflow_path)
    if True in workflow:  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
        workflow["on"] = workflow.pop(True)
    template = load(os.path.join(source, "deploy", "gitlab", "memeops.gitlab-ci.yml"))
    problems = ["action.yml: " + p for p in action_problems(action)]
    problems += ["examples/github/memeops.yml: " + p for p in workflow_problems(workflow, action)]
    problems += ["deploy/gitlab/memeops.gitlab-ci.yml: " + p for p in gitlab_problems(template)]
    problems += actionlint(workflow_path)
    problems += ["a broken copy passed: " + what for what, found in broken_copies(action, workflow, template) if not found]
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print("CI templates valid; broken copies rejected")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
