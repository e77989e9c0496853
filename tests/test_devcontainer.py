"""The baked devcontainer, brought up by the devcontainers CLI on a real engine.

`devcontainer up` does what VS Code's "Reopen in Container" and Codespaces do
with .devcontainer/devcontainer.json: it builds the development image and
starts the compose stack. `devcontainer exec` then runs commands where the
editor and its terminal run them. The bake is used unchanged; only .env
values (ids, port) are set as a user would.
"""

import json
import re
import secrets
import subprocess
import time

import pytest

from tests.helpers import (
    HOST_UID,
    ensure_images,
    fetch,
    free_port,
    npm_command,
    owned_by_host_user,
    remove_project_images,
    run,
)
from tests.options import defaults

pytestmark = pytest.mark.docker

# The devcontainers CLI, pinned, from npm.
CLI_PACKAGE = "@devcontainers/cli"
CLI_VERSION = "0.89.0"


@pytest.fixture(scope="session")
def devcontainer_cli() -> str:
    return str(npm_command(CLI_PACKAGE, CLI_VERSION, "devcontainer"))


def test_devcontainer_comes_up_and_runs_the_project_tests(bake, engine, devcontainer_cli, record_property):
    project = bake(project_slug="devcontainer_defaults", **defaults())
    ensure_images(engine, project)
    owned_by_host_user(project)
    port = free_port()
    # The CLI names the compose project like `docker compose` (the folder's name) unless told.
    env = {**engine.env, "COMPOSE_PROJECT_NAME": f"tpldev{secrets.token_hex(4)}", "WEB_PORT": str(port)}
    config = json.loads((project / ".devcontainer" / "devcontainer.json").read_text())

    def inside(*command: str) -> str:
        return run([devcontainer_cli, "exec", "--workspace-folder", str(project), *command], project, env).stdout

    try:
        started = time.monotonic()
        up = run([devcontainer_cli, "up", "--workspace-folder", str(project)], project, env, timeout=900)
        record_property("seconds for devcontainer up", round(time.monotonic() - started, 1))
        outcome = json.loads(up.stdout.strip().splitlines()[-1])
        assert outcome["outcome"] == "success", outcome
        assert outcome["composeProjectName"] == env["COMPOSE_PROJECT_NAME"]
        assert (outcome["remoteUser"], outcome["remoteWorkspaceFolder"]) == ("app", "/app")

        # The editor works as the .env user, in the bind-mounted project, with the interpreter its settings name.
        assert inside("id", "-u").strip() == str(HOST_UID)
        assert inside("pwd").strip() == "/app"
        assert (project / "manage.py").read_text() == inside("cat", "manage.py")
        interpreter = config["customizations"]["vscode"]["settings"]["python.defaultInterpreterPath"]
        assert inside("sh", "-c", "command -v python").strip() == interpreter
        # What VS Code itself needs there: a home it can write, a login shell for its terminal, git.
        assert inside("bash", "-lc", 'test -w "$HOME" && echo "$0" && git --version').startswith("bash\ngit version")
        # Its extensions take ruff and mypy from that environment.
        inside(interpreter, "-m", "ruff", "--version")
        inside(interpreter, "-m", "mypy", "--version")

        # The database is the compose PostgreSQL.
        database = inside(
            "python", "manage.py", "shell", "--verbosity", "0", "-c",
            "from django.db import connection; print(connection.vendor, connection.settings_dict['HOST'])",
        )  # fmt: skip
        assert database.split() == ["postgresql", "db"]

        # The project's own tests pass there.
        output = inside("python", "-m", "pytest", "-p", "no:cacheprovider")
        assert re.search(r"\d+ passed", output), output

        # runserver is still the service's command: the site is served at once, on the forwarded port.
        (forwarded,) = config["forwardPorts"]
        health = f"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{forwarded}/health/').status)"
        assert inside("python", "-c", health).strip() == "200"
        assert fetch(f"http://127.0.0.1:{port}/health/")[0] == 200
    finally:
        subprocess.run(
            ["docker", "compose", "down", "--volumes", "--remove-orphans", "--timeout", "5"],
            cwd=project,
            env=env,
            capture_output=True,
            check=False,
        )
        remove_project_images(env, project)
