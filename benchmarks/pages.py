"""Measure what one page of the books lists costs as the catalogue grows.

    uv run python benchmarks/pages.py          # about 70 seconds on 2 cores
    uv run python benchmarks/pages.py --smoke  # 200 and 1,000 books, a few requests: the benchmark still works

The template's defaults are baked and installed, with benchmarks/pages_probe.py
beside them (this copy only), on a new PostgreSQL database, with production
settings (DEBUG off, HTTPS as a proxy reports it) and the project's rate limits
raised out of the way through API_THROTTLE_ANON and API_THROTTLE_USER. The
catalogue grows from 200 books to 10,000 and then 100,000 (a quarter of them
with an owner; the table vacuumed and analysed each time), and at each size
the probe asks, in-process through Django's test Client:

- api_first: the API's first page of books (GET /api/books/);
- api_middle: its page in the middle (?page=N//2 of N pages);
- api_search: a search that matches three books (?search=heliotrope);
- api_ordered: the list sorted by another field (?ordering=-published_on);
- website_first, website_middle: the website's list (/books/), first and middle page;
- cursor_first, cursor_middle: the API's list with DRF's CursorPagination
  ordered by ("title", "id"), added to the probe only, first page and the
  page api_middle shows, reached by its cursor.

Each path's figures are medians of its requests after a warm-up, the paths
taking turns: milliseconds by the clock, and in CPU time of the Django process
and its PostgreSQL backend (steadier when the machine is shared); with them,
the queries one request runs and the time spent in them. PostgreSQL's plan
(EXPLAIN ANALYZE) of every query a path runs on the books table shows whether
indexes are used: at each size its first line and how it read each table
(which index, or sequentially, and how many rows), at the largest the whole
plan. The ratio of each path's cost at each size to its cost at 200 books is
the figure to watch: the target is the API's first page at 100,000 books
within 3 times its cost at 200.

Everything goes to the "pages" section of benchmarks/results.json; the other
sections are kept.
"""

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE_DIR))

from cookiecutter.main import cookiecutter  # noqa: E402

from benchmarks.served import ENVS, RESULTS  # noqa: E402
from tests.helpers import NO_RATE_LIMITS, manage, postgres_database, production_env, sync_environment  # noqa: E402
from tests.options import defaults  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent
SIZES = [200, 10_000, 100_000]
SMOKE_SIZES = [200, 1_000]
# The API's first page at the largest size, within this many times its cost at the smallest.
TARGET = {"path": "api_first", "max_ratio": 3.0}
# Pairs compared at each size: a cursor page and the offset page it stands for.
CURSOR_VERSUS_OFFSET = {"first": ("cursor_first", "api_first"), "middle": ("cursor_middle", "api_middle")}


def log(message: str) -> None:
    print(f"[pages] {message}", file=sys.stderr, flush=True)


def bake(output: Path) -> Path:
    """The defaults, with the probe beside them (this copy only)."""
    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(output)))
    shutil.copy(BENCHMARKS / "pages_probe.py", project / "pages_probe.py")
    return project


def probe(venv: Path, project: Path, env: dict[str, str], books: int, options: dict[str, Any]) -> dict[str, Any]:
    """Grow the catalogue to `books` and measure it: the probe's JSON line."""
    code = "from pages_probe import main; main()"
    config = json.dumps({"books": books, **options})
    output = manage(venv, project, {**env, "BENCHMARK_PAGES": config}, "shell", "--no-imports", "-c", code)
    return json.loads(output.strip().splitlines()[-1])


# Each cost is compared twice: by the clock, and in CPU time (steadier when the machine is shared).
COSTS = ["ms", "cpu_ms"]


def ratios(cost: dict[str, float], base: dict[str, float]) -> dict[str, float]:
    return {measure: round(cost[measure] / base[measure], 2) for measure in COSTS}


def ratios_to_smallest(catalogues: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """For each path, its cost at each larger size over its cost at the smallest."""
    smallest, *larger = catalogues
    return {
        name: {str(found["books"]): ratios(found["paths"][name], figures) for found in larger}
        for name, figures in smallest["paths"].items()
    }


def cursor_versus_offset(catalogues: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """A cursor page's cost over the offset page's, at each size."""
    return {
        str(found["books"]): {
            kind: ratios(found["paths"][cursor], found["paths"][offset])
            for kind, (cursor, offset) in CURSOR_VERSUS_OFFSET.items()
        }
        for found in catalogues
    }


def without_plan_text(paths: dict[str, Any]) -> dict[str, Any]:
    """The paths' figures, each plan reduced to its first line and its scans."""
    return {
        name: {
            **figures,
            "plans": [{key: value for key, value in plan.items() if key != "plan"} for plan in figures["plans"]],
        }
        for name, figures in paths.items()
    }


def plan_texts(paths: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Each path's plans in full, by query ("count", "page")."""
    return {name: {plan["query"]: plan["plan"] for plan in figures["plans"]} for name, figures in paths.items()}


def section_of(catalogues: list[dict[str, Any]], options: dict[str, Any], load: list[float]) -> dict[str, Any]:
    largest = catalogues[-1]
    growth = ratios_to_smallest(catalogues)
    reached = growth[TARGET["path"]][str(largest["books"])]
    return {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
        # The 1-minute load average as the run began and ended: how much else the machine was doing.
        "load_average": [round(value, 2) for value in load],
        "database": f"PostgreSQL {largest['postgresql']}",
        "method": (
            f"in-process, Django's test Client, production settings; the median of {options['repetitions']} "
            f"requests per path after {options['warmup']} warm-up rounds, the paths taking turns; "
            "ms by the clock, cpu_ms the CPU time of the Django process and its PostgreSQL backend"
        ),
        "catalogues": [{"books": found["books"], "paths": without_plan_text(found["paths"])} for found in catalogues],
        "ratio_to_smallest": growth,
        "target": {
            **TARGET,
            "books": largest["books"],
            "ratio": reached["ms"],
            "cpu_ratio": reached["cpu_ms"],
            "met": reached["ms"] <= TARGET["max_ratio"],
        },
        "cursor_over_offset": cursor_versus_offset(catalogues),
        f"plans_at_{largest['books']}": plan_texts(largest["paths"]),
    }


def both(figures: dict[str, float], unit: str) -> str:
    """A cost by the clock, with its CPU time in brackets."""
    return f"{figures['ms']:.2f}{unit} ({figures['cpu_ms']:.2f}{unit})"


def summary(section: dict[str, Any]) -> str:
    """A table of ms (CPU ms) per path and size with the ratios at the largest; the plans there."""
    sizes = [found["books"] for found in section["catalogues"]]
    largest = str(sizes[-1])
    header = "".join(f"{books:>18,} books" for books in sizes)
    lines = [f"{'path':<15}{header}  queries  ratio at {int(largest):,}"]
    for name, growth in section["ratio_to_smallest"].items():
        costs = "".join(f"{both(found['paths'][name], ' ms'):>24}" for found in section["catalogues"])
        queries = section["catalogues"][-1]["paths"][name]["queries"]
        lines.append(f"{name:<15}{costs}{queries:>9}  {both(growth[largest], 'x')}")
    target = section["target"]
    lines.append(
        f"target: {target['path']} at {target['books']:,} books within {target['max_ratio']}x its cost at "
        f"{sizes[0]}: {target['ratio']}x ({target['cpu_ratio']}x), {'met' if target['met'] else 'missed'}"
    )
    for books, kinds in section["cursor_over_offset"].items():
        compared = ", ".join(f"{kind} page {both(found, 'x')}" for kind, found in kinds.items())
        lines.append(f"cursor over offset at {int(books):,} books: {compared}")
    for name, figures in section["catalogues"][-1]["paths"].items():
        for plan in figures["plans"]:
            lines.append(f"{name} {plan['query']} query, {plan['execution_ms']} ms: " + "; ".join(plan["scans"]))
    return "\n".join(lines)


def write_results(section: dict[str, Any]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["pages"] = section
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repetitions", type=int, default=40, help="timed requests per path and size")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds over every path first")
    parser.add_argument("--smoke", action="store_true", help="200 and 1,000 books, 3 requests per path, write nothing")
    args = parser.parse_args()
    sizes = SMOKE_SIZES if args.smoke else SIZES
    options = {"repetitions": 3 if args.smoke else args.repetitions, "warmup": 1 if args.smoke else args.warmup}

    started, load = time.monotonic(), [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as scratch:
        project = bake(Path(scratch))
        ENVS.mkdir(exist_ok=True)
        venv = sync_environment(project, defaults()["python_version"], ENVS)
        with postgres_database(venv) as url:
            env = production_env(venv, DATABASE_URL=url, DJANGO_ALLOWED_HOSTS="127.0.0.1", **NO_RATE_LIMITS)
            manage(venv, project, env, "migrate", "--noinput")
            # The website's pages name their static files by the manifest collectstatic writes.
            manage(venv, project, env, "collectstatic", "--noinput")
            catalogues = []
            for books in sizes:
                log(f"{books:,} books ...")
                catalogues.append(probe(venv, project, env, books, options))
    section = {
        **section_of(catalogues, options, [*load, os.getloadavg()[0]]),
        "seconds": round(time.monotonic() - started),
    }
    print(summary(section))
    if not args.smoke:
        write_results(section)
        print(f"written to {RESULTS.relative_to(TEMPLATE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
