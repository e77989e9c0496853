import os
import shutil
from pathlib import Path

import pytest

from tests.docker_engine import install_system_packages
from tests.helpers import TEMPLATE_DIR

BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

# The PostgreSQL server the baked projects' tests run against; each bake gets
# its own database name, so parallel bakes never share data.
POSTGRES_URL = os.environ.get("TEMPLATE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture(scope="session")
def envs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Virtual environments shared by every bake (and every xdist worker) of this run."""
    shared = tmp_path_factory.getbasetemp().parent / "envs"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def browser() -> str:
    """A headless-capable Chromium, installed from Debian's packages where none is."""
    found = next(filter(None, map(shutil.which, BROWSERS)), None)
    if not found:
        install_system_packages(["chromium"])
        found = shutil.which("chromium")
    if not found:
        raise RuntimeError("No Chromium or Chrome found, and installing Debian's chromium did not provide one.")
    return found


@pytest.fixture
def bake(cookies):
    """Bake the template with answers on top of the defaults; assert it worked."""

    def _bake(**answers: str) -> Path:
        result = cookies.bake(extra_context=answers, template=str(TEMPLATE_DIR))
        assert result.exception is None, f"bake failed: {result.exception!r}"
        assert result.exit_code == 0
        return Path(result.project_path)

    return _bake


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the figures tests recorded (image sizes, start-up times): facts, not assertions."""
    rows = [
        (report.nodeid, name, value)
        for report in terminalreporter.getreports("passed") + terminalreporter.getreports("failed")
        if report.when == "call"
        for name, value in report.user_properties
    ]
    if rows:
        terminalreporter.section("figures")
        for nodeid, name, value in rows:
            terminalreporter.write_line(f"{nodeid.split('::')[-1]}: {name} = {value}")
