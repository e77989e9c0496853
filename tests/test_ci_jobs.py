"""The baked CI's jobs that need more than a checkout: the audit and Dependabot's exports.

They run on a bake of the defaults; the lint and test jobs run on every
pairwise bake (test_slow.py), the container job on a Docker engine
(test_docker.py).
"""

from pathlib import Path

import pytest

from tests.github_actions import StepFailed, checkout, ci_environment, project_workflow, run_job, template_workflow
from tests.helpers import AUDIT, commit_everything, git, unauditable


def test_ci_audit_job_finds_no_known_vulnerability(bake, tmp_path):
    project = checkout(bake(), tmp_path)
    workflow = project_workflow(project)
    assert AUDIT in workflow["jobs"]["audit"]["steps"][-1]["run"], "unauditable() runs the same pip-audit"

    try:
        run_job(workflow, "audit", project, ci_environment())
    except StepFailed as failure:
        if "known vulnerabilit" not in failure.result.output and (
            reason := unauditable(project / "requirements-dev.txt")
        ):
            pytest.skip(f"no vulnerability database is reachable from this machine: {reason}")
        raise


# What pip-audit says of a locked package with a published vulnerability, in its markdown format.
FINDING = "| django | 6.1.3 | GHSA-0000-0000-0000 | 6.1.4 |"

# pip-audit, as uvx runs it, finding that vulnerability: exit 1, with its report where --output says.
PIP_AUDIT_FINDING = f"""#!/usr/bin/env python3
import sys
arguments = sys.argv[1:]
if "--output" in arguments:
    open(arguments[arguments.index("--output") + 1], "w").write("{FINDING}\\n")
print("Found 1 known vulnerability in 1 package")
sys.exit(1)
"""


def ci_environment_with_a_vulnerable_lock(tmp_path: Path) -> dict[str, str]:
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    (stubs / "uvx").write_text(PIP_AUDIT_FINDING)
    (stubs / "uvx").chmod(0o755)
    env = ci_environment()
    return {**env, "PATH": f"{stubs}:{env['PATH']}"}


def test_ci_blocking_audit_fails_on_a_known_vulnerability(bake, tmp_path):
    project = checkout(bake(vulnerability_audit="blocking"), tmp_path)

    with pytest.raises(StepFailed, match="Found 1 known vulnerability"):
        run_job(project_workflow(project), "audit", project, ci_environment_with_a_vulnerable_lock(tmp_path))


def test_ci_advisory_audit_reports_a_known_vulnerability_and_passes(bake, tmp_path):
    project = checkout(bake(vulnerability_audit="advisory"), tmp_path)

    (result,) = run_job(project_workflow(project), "audit", project, ci_environment_with_a_vulnerable_lock(tmp_path))

    assert "::warning title=Known vulnerabilities::" in result.output
    assert FINDING in result.summary


def test_ci_pushes_fresh_requirements_files_to_dependabots_pull_request(bake, tmp_path):
    project = bake()
    requirements = (project / "requirements.txt").read_text()
    remote = tmp_path / "remote.git"
    commit_everything(project, "Baked")
    git("clone", "--quiet", "--bare", str(project), str(remote), cwd=tmp_path)
    work = tmp_path / "work"
    git("clone", "--quiet", str(remote), str(work), cwd=tmp_path)
    # Dependabot's branch: uv.lock changed, requirements.txt not (here: made stale).
    git("switch", "--quiet", "--create", "dependabot/uv/django", cwd=work)
    (work / "requirements.txt").write_text(requirements.rsplit("\n", 4)[0] + "\n")
    git("commit", "--quiet", "--all", "--message", "Bump django", cwd=work)
    git("push", "--quiet", "--set-upstream", "origin", "dependabot/uv/django", cwd=work)

    run_job(project_workflow(work), "dependabot-exports", work, ci_environment(), event="dependabot")

    pushed = git("show", "dependabot/uv/django:requirements.txt", cwd=remote)
    message = git("log", "-1", "--format=%s", "dependabot/uv/django", cwd=remote).strip()
    assert pushed == requirements
    assert message == "Export requirements files from uv.lock"


def test_ci_skips_dependabots_exports_job_on_an_ordinary_push():
    assert run_job(template_workflow(), "dependabot-exports", Path("/nonexistent"), ci_environment()) == []
