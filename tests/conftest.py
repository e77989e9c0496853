import os
from pathlib import Path

import pytest

from tests.helpers import TEMPLATE_DIR

# The PostgreSQL server the baked projects' tests run against; each bake gets
# its own database name, so parallel bakes never share data.
POSTGRES_URL = os.environ.get("TEMPLATE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture(scope="session")
def envs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Virtual environments shared by every bake (and every xdist worker) of this run."""
    shared = tmp_path_factory.getbasetemp().parent / "envs"
    shared.mkdir(exist_ok=True)
    return shared


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
