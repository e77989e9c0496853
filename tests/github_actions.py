"""Run the shell steps of a GitHub Actions job here, as the runner would.

GitHub itself cannot run here, so a workflow is checked twice: its file by
actionlint and the workflow schema, and its commands by running every `run:`
step of a job in order, in a git checkout of the project, with bash as
GitHub runs it (`bash --noprofile --norc -eo pipefail`). What the runner
provides is provided here:

- `uses:` steps are what this machine already has: the checkout is the
  working directory, uv is on PATH;
- `$GITHUB_ENV` works: what a step appends is in the environment of the next;
  `$GITHUB_STEP_SUMMARY` too: what a step writes there is in its result;
- `if:` conditions are looked up in CONDITIONS (a job that adds another
  condition must add it there), for an ordinary push unless told otherwise;
- service containers are the services already running here: the caller
  passes the environment that points at them (`overrides`).
"""

import dataclasses
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from cookiecutter.main import cookiecutter

from tests.helpers import commit_everything, git
from tests.options import TEMPLATE_DIR

# Each `if:` the workflows use, for an ordinary push and for Dependabot's pull request.
CONDITIONS: dict[str, dict[str, bool]] = {
    "github.actor != 'dependabot[bot]'": {"push": True, "dependabot": False},
    "github.actor == 'dependabot[bot]' && github.event_name == 'pull_request'": {"push": False, "dependabot": True},
    "failure()": {"push": False, "dependabot": False},
    "always()": {"push": True, "dependabot": True},
}
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


@dataclasses.dataclass
class StepResult:
    name: str
    command: str
    returncode: int
    output: str
    # What the step wrote to the job's summary ($GITHUB_STEP_SUMMARY).
    summary: str = ""


class StepFailed(AssertionError):
    def __init__(self, job: str, result: StepResult) -> None:
        self.result = result
        heading = f"job {job!r}, step {result.name!r} exited {result.returncode}"
        super().__init__(f"{heading}:\n$ {result.command}\n{result.output[-6000:]}")


def load_workflow(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


WORKFLOW_PATH = Path(".github") / "workflows" / "ci.yml"


@functools.cache
def template_workflow() -> dict:
    """The CI workflow of a bake of the defaults, made once per process:
    enough to list its jobs and steps when tests are collected."""
    with tempfile.TemporaryDirectory() as scratch:
        project = cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=scratch)
        return load_workflow(Path(project) / WORKFLOW_PATH)


def project_workflow(project: Path) -> dict:
    """A baked project's own CI workflow: the one whose steps run."""
    return load_workflow(project / WORKFLOW_PATH)


def ci_environment() -> dict[str, str]:
    """This machine's environment as a fresh CI runner's: uv on PATH, no project settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in {"VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"}
    }
    env.pop("DATABASE_URL", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    return env


def condition_holds(condition: str | None, event: str, failed: bool) -> bool:
    if condition is None:
        return not failed
    if condition not in CONDITIONS:
        raise KeyError(f"Unknown `if:` condition {condition!r}: add it to CONDITIONS in {__file__}.")
    if condition == "failure()":
        return failed
    return CONDITIONS[condition][event]


def read_github_env(path: Path) -> dict[str, str]:
    """The variables a step appended to $GITHUB_ENV (NAME=value lines and NAME<<EOF blocks)."""
    values: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delimiter = line.split("<<", 1)
            block = []
            for item in lines:
                if item == delimiter:
                    break
                block.append(item)
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def step_names(workflow: dict, job_name: str) -> list[str]:
    """The names of the job's `run:` steps that run on an ordinary push."""
    return [
        step["name"]
        for step in workflow["jobs"][job_name]["steps"]
        if "run" in step and condition_holds(step.get("if"), "push", failed=False)
    ]


def writes_github_env(step: dict) -> bool:
    return "GITHUB_ENV" in step.get("run", "")


def run_job(
    workflow: dict,
    job_name: str,
    workdir: Path,
    env: dict[str, str],
    overrides: dict[str, str] | None = None,
    event: str = "push",
    only: str | None = None,
    timeout: float = 900,
) -> list[StepResult]:
    """Run the job's `run:` steps in order; raise StepFailed at the first that fails.

    `env` is the machine's environment (PATH with uv, the Docker engine, ...);
    the workflow's, job's and step's `env:` come on top, then `overrides`,
    which point the job at this machine's services. With `only`, run that step
    alone, after the steps before it that set variables for it ($GITHUB_ENV).
    """
    job = workflow["jobs"][job_name]
    if not condition_holds(job.get("if"), event, failed=False):
        return []
    if only is not None and only not in [step.get("name") for step in job["steps"]]:
        raise KeyError(f"Job {job_name!r} has no step named {only!r}.")
    base = {**env, **workflow.get("env", {}), **job.get("env", {})}
    results: list[StepResult] = []
    failed: StepResult | None = None
    with tempfile.TemporaryDirectory() as scratch:
        github_env = Path(scratch) / "github_env"
        github_env.touch()
        for index, step in enumerate(job["steps"]):
            if "run" not in step or not condition_holds(step.get("if"), event, failed=failed is not None):
                continue
            if only is not None and step.get("name") != only and not writes_github_env(step):
                continue
            step_env = {**base, **step.get("env", {}), **read_github_env(github_env), **(overrides or {})}
            summary = Path(scratch) / f"step{index}-summary.md"
            summary.touch()
            step_env.update(GITHUB_ENV=str(github_env), GITHUB_STEP_SUMMARY=str(summary))
            step_env.update(CI="true", GITHUB_ACTIONS="true")
            script = Path(scratch) / f"step{index}.sh"
            script.write_text(step["run"])
            done = subprocess.run(
                [*BASH, str(script)],
                cwd=workdir,
                env={key: str(value) for key, value in step_env.items()},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=timeout,
                check=False,
            )
            name = step.get("name", step["run"].splitlines()[0])
            output = ANSI_ESCAPE.sub("", done.stdout)
            result = StepResult(name, step["run"], done.returncode, output, summary.read_text())
            results.append(result)
            if done.returncode != 0 and failed is None:
                failed = result
            if step.get("name") == only:
                break
    if failed:
        raise StepFailed(job_name, failed)
    return results


def checkout(project: Path, into: Path) -> Path:
    """A git repository of the project, as CI checks it out: committed files only (no .env)."""
    source = into / "origin"
    shutil.copytree(project, source)
    commit_everything(source, "Baked")
    clone = into / "checkout"
    git("clone", "--quiet", str(source), str(clone), cwd=into)
    return clone
