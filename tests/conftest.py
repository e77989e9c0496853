import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter
from playwright.sync_api import Browser, sync_playwright

from tests.chromium import FLAGS as chromium_flags
from tests.helpers import TEMPLATE_DIR, sync_environment
from tests.options import Combo, combo_id, defaults, every_combination
from tools.docker_engine import Engine, install_system_packages, start_engine

BROWSERS = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]


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


@pytest.fixture(scope="session")
def chromium(browser: str) -> Iterator[Browser]:
    """That Chromium, started headless for Playwright."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=browser, args=chromium_flags)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """A Docker engine with compose: the machine's, or a private one (tools/docker_engine.py)."""
    engine = start_engine()
    yield engine
    engine.stop()


@pytest.fixture
def bake(cookies):
    """Bake the template with answers on top of the defaults; assert it worked."""

    def _bake(**answers: str) -> Path:
        result = cookies.bake(extra_context=answers, template=str(TEMPLATE_DIR))
        assert result.exception is None, f"bake failed: {result.exception!r}"
        assert result.exit_code == 0
        return Path(result.project_path)

    return _bake


@pytest.fixture(scope="session")
def baked(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Combo], Path]:
    """Bake a combination once per purpose ("fast", "slow", ...) and share it between tests.

    Tests of one combination run in one xdist worker (see
    pytest_xdist_make_scheduler), so each project is baked once. A purpose keeps read-only scans away from
    projects that other tests write into (databases, caches).
    """
    projects: dict[tuple[str, str], Path] = {}

    def _baked(purpose: str, combo: Combo) -> Path:
        key = (purpose, combo_id(combo))
        if key not in projects:
            output = tmp_path_factory.mktemp(f"{purpose}-{key[1]}")
            answers = {"project_name": "Bake Test", **combo}
            projects[key] = Path(
                cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=str(output))
            )
        return projects[key]

    return _baked


@pytest.fixture(scope="session")
def synced_defaults(baked, envs_dir) -> Callable[[str], tuple[Path, Path]]:
    """The defaults baked for a purpose, and the environment they run in: (project, venv)."""

    def _synced(purpose: str) -> tuple[Path, Path]:
        project = baked(purpose, defaults())
        return project, sync_environment(project, defaults()["python_version"], envs_dir)

    return _synced


def pytest_xdist_make_scheduler(config, log):
    """Send every test of one baked combination (in one module) to the same worker.

    The worker bakes and installs that combination once and its tests share it.
    The tests of a module that bakes no combinations go to one worker too, so
    a module-scoped fixture (a served bake, a compose stack) is made once.
    (xdist's own `xdist_group` marks do nothing under pytest 9: they rename a
    node id attribute pytest no longer reads.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class CombinationScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return combination_scope(nodeid)

    return CombinationScheduling(config, log)


COMBO_IDS = sorted((combo_id(combo) for combo in every_combination()), key=len, reverse=True)


def combination_scope(nodeid: str) -> str:
    """`module::combination` for a test of a combination; the module for any other."""
    module, _, rest = nodeid.partition("::")
    parameters = rest.partition("[")[2].rstrip("]")
    combo = next((combo for combo in COMBO_IDS if parameters == combo or parameters.endswith(f"-{combo}")), None)
    return f"{module}::{combo}" if combo else module


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
    # benchmarks/run.py --suite collects them into benchmarks/results.json.
    if target := os.environ.get("TEMPLATE_FIGURES_FILE"):
        figures = [{"test": nodeid, "name": name, "value": value} for nodeid, name, value in rows]
        Path(target).write_text(json.dumps(figures, indent=2) + "\n")
