"""Measure how long the template takes to bake and to test; write the figures down.

    uv run python benchmarks/run.py            # bake timings only (seconds)
    uv run python benchmarks/run.py --suite    # also the whole test suite (minutes)

Figures go to benchmarks/results.json with the machine they were taken on.
Targets (checked here, never asserted in tests: these machines are noisy):
a bake with the defaults well under a second, the whole suite under 10 minutes
on 2 cores.
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

from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results.json"
TARGETS = {"bake_defaults_median_s": 1.0, "suite_s": 600.0}


def time_bakes(runs: int, **answers: str) -> list[float]:
    timings = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as output:
            started = time.perf_counter()
            cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=answers, output_dir=output)
            timings.append(time.perf_counter() - started)
    return timings


def time_suite() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=TEMPLATE_DIR, check=True)
    return time.perf_counter() - started


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
    if args.suite:
        figures["suite_s"] = round(time_suite(), 1)

    results = {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "figures": figures,
        "targets": {name: limit for name, limit in TARGETS.items() if name in figures},
        "within_targets": all(figures[name] <= limit for name, limit in TARGETS.items() if name in figures),
    }
    # benchmarks/served.py's section stays as it last wrote it.
    if RESULTS.exists() and "served" in (previous := json.loads(RESULTS.read_text())):
        results["served"] = previous["served"]
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
