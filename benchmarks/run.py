"""Measure how long the template takes to bake and to test; write the figures down.

    uv run python benchmarks/run.py            # bake timings only (seconds)
    uv run python benchmarks/run.py --suite    # also the whole test suite (minutes)

Figures go to benchmarks/results.json with the machine they were taken on:
bake times, how many combinations each kind of check bakes (from
tests/options.py), and with --suite the suite's wall time, each test module's
share, and the figures the tests record (load, faults, start-up times, ...).
Targets (checked here, never asserted in tests: these machines are noisy):
a bake with the defaults well under a second, the whole suite well within the
90 minutes CI allows on 2 cores.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {"bake_defaults_median_s": 1.0, "suite_s": 90 * 60.0}


def time_bakes(runs: int, **answers: str) -> list[float]:
    timings = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as output:
            started = time.perf_counter()
            cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=output)
            timings.append(time.perf_counter() - started)
    return timings


def combination_counts() -> dict[str, int]:
    """How many bakes each kind of check makes, as the options table draws them."""
    sys.path.insert(0, str(TEMPLATE_DIR))
    from tests.options import container_combinations, fast_combinations, pairwise_combinations

    return {
        "fast_checks_combinations": len(fast_combinations()),
        "slow_checks_combinations_pairwise": len(pairwise_combinations()),
        "container_combinations": len(container_combinations()),
    }


def time_suite() -> dict:
    """Run the suite as CI does; its wall time, each module's summed test time, its figures."""
    with tempfile.TemporaryDirectory() as scratch:
        figures_file, report = Path(scratch) / "figures.json", Path(scratch) / "report.xml"
        env = {**os.environ, "TEMPLATE_FIGURES_FILE": str(figures_file)}
        started = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"]
        subprocess.run(command, cwd=TEMPLATE_DIR, env=env, check=True)  # noqa: S603 - our own suite
        wall = time.perf_counter() - started
        modules: dict[str, float] = {}
        for case in ElementTree.parse(report).iter("testcase"):  # noqa: S314 - the report pytest just wrote
            module = case.get("classname", "").split(".")[-1]
            modules[module] = modules.get(module, 0.0) + float(case.get("time", 0))
        recorded = json.loads(figures_file.read_text()) if figures_file.exists() else []
    return {
        "suite_s": round(wall, 1),
        "suite_test_seconds_by_module": {name: round(seconds, 1) for name, seconds in sorted(modules.items())},
        "suite_figures": {f"{row['test'].split('::')[-1]}: {row['name']}": row["value"] for row in recorded},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="bakes per option set")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()

    defaults = time_bakes(args.runs)
    plain = time_bakes(args.runs, use_drf="n", example_app="n")
    figures = {
        "bake_defaults_median_s": round(statistics.median(defaults), 3),
        "bake_defaults_max_s": round(max(defaults), 3),
        "bake_plain_django_median_s": round(statistics.median(plain), 3),
    }
    figures.update(combination_counts())
    suite = time_suite() if args.suite else {}
    figures.update({name: value for name, value in suite.items() if name == "suite_s"})

    results = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "figures": figures,
        "targets": {name: limit for name, limit in TARGETS.items() if name in figures},
        "within_targets": all(figures[name] <= limit for name, limit in TARGETS.items() if name in figures),
        **{name: value for name, value in suite.items() if name != "suite_s"},
    }
    # The sections of benchmarks/served.py and benchmarks/pages.py stay as they last wrote them.
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update({name: previous[name] for name in ("served", "pages") if name in previous})
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
