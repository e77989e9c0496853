"""Serve a default bake as in production and measure it against plain Django.

    uv run python benchmarks/served.py                    # about 6 minutes on 2 cores
    uv run python benchmarks/served.py --skip-containers  # the served figures only
    uv run python benchmarks/served.py --smoke            # one short round: the benchmark still works

The template's defaults are baked, installed and given a fixed data set
(200 books, a quarter of them with an owner). gunicorn serves them with the
production image's command (2 sync workers, --preload), production settings
(DEBUG off, HTTPS as a proxy reports it) and the project's real rate limits,
counted in the database, raised out of the way through the documented
API_THROTTLE_ANON and API_THROTTLE_USER. Once on PostgreSQL, once on SQLite,
wrk (from Debian) asks 127.0.0.1, one path at a time, in rounds that
interleave the paths:

- api_list: the API's first page of books (GET /api/books/);
- reference: the same JSON document from a plain Django view: the yardstick,
  added only to this benchmark's copy of the bake (benchmarks/reference/);
- website_list: the website's first page of books (GET /books/);
- api_detail: one book through the API;
- health: /health/.

The reference is measured at the start and at the end of each round, and the
other paths compared with the mean of the two.

Before measuring, the API's document and the reference's are checked equal,
and the queries Django runs for each path are counted. A round in which any
answer was not a 2xx (or any connection failed) is refused: listed with its
statuses, never counted in the figures. Each path's requests a second, p50 and
p99 latency are written per round, with the ratio of the list pages to the
reference in the same round.

Then the production image is built on a Docker engine (tools/docker_engine.py)
and the figures are its size above its base image and the seconds from
`docker compose up` to healthy on a second start (image built, volume present).

Everything goes to the "served" section of benchmarks/results.json; the other
sections (benchmarks/run.py's) are kept.
"""

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TEMPLATE_DIR))

from cookiecutter.main import cookiecutter  # noqa: E402

from tests.helpers import (  # noqa: E402
    NO_RATE_LIMITS,
    fetch,
    free_port,
    manage,
    postgres_database,
    production_env,
    run,
    serving,
    sync_environment,
)
from tests.options import defaults  # noqa: E402
from tools.docker_engine import install_system_packages  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parent
RESULTS = BENCHMARKS / "results.json"
# Where installed environments are kept between runs (keyed by the locked dependencies).
ENVS = Path(tempfile.gettempdir()) / "template-benchmark-envs"

# The production image's command (see the baked Dockerfile) with WEB_CONCURRENCY=2.
WORKERS = 2
CONNECTIONS = 16
PATHS = {
    "api_list": "/api/books/",
    "reference": "/reference/books/",
    "website_list": "/books/",
    "api_detail": "/api/books/{book}/",
    "health": "/health/",
}
# Compared with the reference round by round.
COMPARED = ["api_list", "website_list"]
# As a reverse proxy terminating HTTPS would send it (the settings trust this header).
HTTPS = {"X-Forwarded-Proto": "https"}
SECOND_START_TARGET_S = 10.0
RATIO_TARGET = 0.6


def log(message: str) -> None:
    print(f"[served] {message}", file=sys.stderr, flush=True)


def bake(output: Path) -> Path:
    """The defaults, with the reference views beside them (this copy only)."""
    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, output_dir=str(output)))
    shutil.copytree(BENCHMARKS / "reference", project / "benchmark_reference")
    return project


@contextlib.contextmanager
def database(kind: str, project: Path, venv: Path) -> Iterator[str]:
    """A new, empty database of this kind (its URL), removed afterwards."""
    if kind == "sqlite":
        path = project / f"benchmark-{secrets.token_hex(4)}.sqlite3"
        yield f"sqlite:///{path}"
        return
    with postgres_database(venv) as url:
        yield url


def prepare(project: Path, venv: Path, url: str) -> dict[str, str]:
    """Production settings plus the reference route; migrated, static files collected, data seeded."""
    env = production_env(
        venv,
        DATABASE_URL=url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="benchmark_reference.settings",
        WEB_CONCURRENCY=str(WORKERS),
        **NO_RATE_LIMITS,
    )
    manage(venv, project, env, "migrate", "--noinput")
    manage(venv, project, env, "collectstatic", "--noinput")
    shell(venv, project, env, "from benchmark_reference.seed import seed; seed()")
    return env


def shell(venv: Path, project: Path, env: dict[str, str], code: str) -> str:
    return manage(venv, project, env, "shell", "--no-imports", "-c", code)


def check_documents(base: str, paths: dict[str, str]) -> None:
    """Every path answers 200, and the API's first page is the reference's document."""
    bodies = {}
    for name, path in paths.items():
        status, bodies[name] = fetch(f"{base}{path}", headers=HTTPS)
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200: {bodies[name][:500]}")
    api = json.loads(bodies["api_list"])
    reference = json.loads(bodies["reference"].replace(paths["reference"], paths["api_list"]))
    if api != reference:
        raise SystemExit(f"the reference's document differs from the API's:\n{reference}\n{api}")


def cpu_seconds(marker: str) -> float:
    """CPU time (user + system) used so far by every process whose command line holds `marker`.

    The gunicorn processes carry their bind address, PostgreSQL's backends their
    database's name. Unlike requests a second, CPU time per request hardly moves
    when other programs share the machine: it is the steadier of the two figures.
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if marker.encode() in (stat.parent / "cmdline").read_bytes().replace(b"\0", b" "):
                # Fields 14 and 15, after the parenthesised command name: user and system time in ticks.
                fields = stat.read_text().rpartition(")")[2].split()
                total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: float, markers: list[str]) -> dict:
    """One wrk run against one URL: its figures as load.lua prints them, and the server's CPU time."""
    command = [
        "wrk", "--threads", "2", "--connections", str(CONNECTIONS), "--duration", f"{seconds:g}s",
        "--timeout", "10s", "--script", str(BENCHMARKS / "load.lua"),
        *(argument for name, value in HTTPS.items() for argument in ("--header", f"{name}: {value}")), url,
    ]  # fmt: skip
    before = sum(map(cpu_seconds, markers))
    result = run(command, BENCHMARKS, timeout=seconds + 60)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["cpu_s"] = sum(map(cpu_seconds, markers)) - before
    return figures


def refusal(figures: dict) -> str:
    """Why a run's figures cannot be reported, or "" when every answer was a 2xx."""
    statuses = {int(status): count for status, count in figures["statuses"].items()}
    bad = {status: count for status, count in statuses.items() if not 200 <= status < 300}
    errors = {name: count for name, count in figures["errors"].items() if count and name != "status"}
    if bad or errors or not statuses:
        return f"statuses {bad or statuses}, socket errors {errors}"
    return ""


def figures_of(run: dict) -> dict[str, float | None]:
    return {
        "requests_per_s": round(run["requests"] / (run["duration_us"] / 1e6), 1),
        "p50_ms": round(run["latency_us"]["p50"] / 1000, 2),
        "p99_ms": round(run["latency_us"]["p99"] / 1000, 2),
        # None when a process ended during the run (a database connection renewed), taking its CPU time along.
        "server_cpu_ms_per_request": round(run["cpu_s"] * 1000 / run["requests"], 3) if run["cpu_s"] > 0 else None,
    }


def cpu_ratios_of(reported: list[dict], name: str) -> list[float]:
    return [ratio for row in reported if (ratio := row["cpu_ratio_to_reference"][name]) is not None]


def measure(base: str, paths: dict[str, str], rounds: int, seconds: float, markers: list[str]) -> dict:
    """Interleaved rounds over every path; the ratios to the reference per round."""
    for path in paths.values():  # warm both workers and the database's caches
        wrk(f"{base}{path}", min(seconds, 2), markers)
    reported, refused = [], []
    for number in range(1, rounds + 1):
        # The reference opens and closes each round (the machine's other load drifts),
        # and the other paths take turns going first.
        others = [name for name in paths if name != "reference"]
        others = others[(number - 1) % len(others) :] + others[: (number - 1) % len(others)]
        opening = wrk(f"{base}{paths['reference']}", seconds, markers)
        runs = {name: wrk(f"{base}{paths[name]}", seconds, markers) for name in others}
        closing = wrk(f"{base}{paths['reference']}", seconds, markers)
        problems = {
            name: why
            for name, figures in [("reference", opening), *runs.items(), ("reference", closing)]
            if (why := refusal(figures))
        }
        if problems:
            log(f"round {number} refused: {problems}")
            refused.append({"round": number, "why": problems})
            continue
        row = {name: figures_of(runs[name]) for name in others}
        row["reference"] = {
            key: None if value is None or other is None else round((value + other) / 2, 3)
            for (key, value), other in zip(figures_of(opening).items(), figures_of(closing).values(), strict=True)
        }
        row = {name: row[name] for name in paths}
        ratios = {
            name: round(row[name]["requests_per_s"] / row["reference"]["requests_per_s"], 3) for name in COMPARED
        }
        # The ratio with the machine to the server alone: the reference's CPU per request over this one's.
        cpu = {name: row[name]["server_cpu_ms_per_request"] for name in ["reference", *COMPARED]}
        cpu_ratios = {
            name: None if cpu[name] is None or cpu["reference"] is None else round(cpu["reference"] / cpu[name], 3)
            for name in COMPARED
        }
        log(f"round {number}: " + ", ".join(f"{name} {row[name]['requests_per_s']:.0f}/s" for name in row))
        log(f"round {number}: ratio to the reference {ratios}, by server CPU per request {cpu_ratios}")
        reported.append(
            {"round": number, "paths": row, "ratio_to_reference": ratios, "cpu_ratio_to_reference": cpu_ratios}
        )
    if not reported:
        raise SystemExit(f"every round was refused: {refused}")
    return {
        "rounds": reported,
        "refused_rounds": refused,
        "median_ratio_to_reference": {
            name: round(statistics.median(r["ratio_to_reference"][name] for r in reported), 3) for name in COMPARED
        },
        "median_cpu_ratio_to_reference": {
            name: round(statistics.median(known), 3) if (known := cpu_ratios_of(reported, name)) else None
            for name in COMPARED
        },
        "median_requests_per_s": {
            name: round(statistics.median(r["paths"][name]["requests_per_s"] for r in reported), 1) for name in paths
        },
    }


def served_figures(project: Path, venv: Path, kind: str, rounds: int, seconds: float) -> dict:
    with database(kind, project, venv) as url:
        env = prepare(project, venv, url)
        book = shell(venv, project, env, "from library.models import Book; print(Book.objects.order_by('pk')[0].pk)")
        paths = {name: path.format(book=book.strip()) for name, path in PATHS.items()}
        probe = "from benchmark_reference.probe import main; main()"
        queries = json.loads(shell(venv, project, {**env, "BENCHMARK_PATHS": json.dumps(paths)}, probe))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [
            str(venv / "bin" / "gunicorn"), "config.wsgi", "--preload", "--workers", str(WORKERS),
            "--bind", f"127.0.0.1:{port}",
        ]  # fmt: skip
        with serving(command, project, env, base):
            check_documents(base, paths)
            log(f"{kind}: serving on {base}; queries per request {queries}")
            # The server's processes: gunicorn's, and PostgreSQL's backends for this database.
            markers = [f"--bind 127.0.0.1:{port}"] + ([url.rsplit("/", 1)[1]] if kind == "postgresql" else [])
            figures = measure(base, paths, rounds, seconds, markers)
    return {
        "database": kind,
        "queries_per_request": {name: found["queries"] for name, found in queries.items()},
        **figures,
    }


def container_figures(project: Path) -> dict:
    """The production image's size above its base, and a second start's seconds to healthy."""
    from tests.helpers import images_named
    from tools.docker_engine import compose_binary, ensure_image, start_engine

    engine = start_engine()
    for image in images_named(project, compose_binary()):
        ensure_image(engine, image)
    env = {**engine.env, "COMPOSE_PROJECT_NAME": f"bench{secrets.token_hex(4)}", "WEB_PORT": str(free_port())}
    tag = f"{project.name.replace('_', '-')}:production"
    base = "python:{}-slim".format(defaults()["python_version"])

    def compose(*args: str) -> None:
        run(["docker", "compose", "-f", "compose.yaml", *args], project, env, timeout=900)

    def size(image: str) -> int:
        output = run(["docker", "image", "inspect", "--format", "{{.Size}}", image], project, env).stdout
        return int(output.strip())

    def up() -> float:
        started = time.monotonic()
        compose("up", "--detach", "--wait", "--wait-timeout", "180")
        return round(time.monotonic() - started, 1)

    try:
        compose("build")
        above_base = round((size(tag) - size(base)) / 1e6, 1)
        first = up()
        compose("stop", "--timeout", "10")
        second = up()
    finally:
        with contextlib.suppress(AssertionError):
            compose("down", "--volumes", "--timeout", "10")
            run(["docker", "image", "rm", "--force", tag], project, env)
        engine.stop()
    log(f"containers: first start {first} s, second {second} s")
    return {
        "image_mb_above_base": above_base,
        "first_start_s": first,
        "second_start_s": second,
    }


def write_results(section: dict) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["served"] = section
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3, help="of load per path and round")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--skip-containers", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="one round of one second, PostgreSQL, no containers")
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.seconds, args.databases, args.skip_containers = 1, 1, "postgresql", True

    if shutil.which("wrk") is None:
        install_system_packages(["wrk"])
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        project = bake(Path(scratch))
        ENVS.mkdir(exist_ok=True)
        venv = sync_environment(project, defaults()["python_version"], ENVS)
        section = {
            "taken": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores",
            "load": f"wrk, {CONNECTIONS} connections, {args.seconds:g} s per path and round, {args.rounds} rounds",
            "server": f"gunicorn, {WORKERS} sync workers, production settings",
            "databases": [
                served_figures(project, venv, kind, args.rounds, args.seconds)
                for kind in args.databases.split(",")
                if kind
            ],
        }
        if not args.skip_containers:
            section["containers"] = container_figures(project)
    section["seconds"] = round(time.monotonic() - started)
    for figures in section["databases"]:
        print(
            f"{figures['database']}: ratio to the reference, median of {len(figures['rounds'])} rounds: "
            f"{figures['median_ratio_to_reference']} (by server CPU per request: "
            f"{figures['median_cpu_ratio_to_reference']}); queries per request {figures['queries_per_request']}"
        )
    if "containers" in section:
        print(f"containers: {section['containers']}")
    if not args.smoke:
        write_results(section)
        print(f"written to {RESULTS.relative_to(TEMPLATE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
