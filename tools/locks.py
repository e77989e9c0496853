"""Write the one lock every baked project starts from, and what is derived from it.

    uv run python -m tools.locks            # after a pin changes: relock what changed
    uv run python -m tools.locks --upgrade  # also move unpinned (indirect) packages to their newest versions

A bake needs no network. Every bake includes the same three files from
templates/locks/: uv.lock, resolved for every supported Python at once, of
the union of the requirements that any combination of answers writes into
pyproject.toml, and the requirements files exported from it. The
post-generation hook then prunes them to the packages its own pyproject.toml
reaches (hooks/post_gen_project.py), so a new option adds requirements to
this one lock and never another lock file. The template tests check every
combination's pruned lock with `uv lock --check` and its requirements files
against `uv export`, and fail naming this command whenever they disagree.

The command bakes every combination (tests/options.py), takes the union of
their requirements, resolves it with uv (this needs the package index) and
stores the results with the project's name left as a template expression.
It also lists the top-level modules the locked packages install
(templates/locks/modules.txt), which no project_slug may take.
"""

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from cookiecutter.main import cookiecutter

from tests.helpers import load_hook
from tests.options import fast_combinations

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
LOCKS_DIR = TEMPLATE_DIR / "templates" / "locks"
MODULES_FILE = LOCKS_DIR / "modules.txt"
COMMAND = "uv run python -m tools.locks"

# The name the stored files are resolved under, and the template expression
# that puts each project's own name back at bake time.
RESOLVED_NAME = "library-project"
NAME_EXPRESSION = "{{ cookiecutter.project_slug | replace('_', '-') }}"

# The requirements files exported from the lock, for installing with pip.
# --no-annotate leaves out "# via <project>" lines, which would name the project.
EXPORTS = {
    "requirements.txt": ["--no-dev"],
    "requirements-dev.txt": [],
}
FILES = ["uv.lock", *EXPORTS]

# The platforms whose wheels are unpacked to list the modules: a package may
# install on one only (colorama on Windows).
PLATFORMS = ["x86_64-manylinux_2_28", "x86_64-pc-windows-msvc", "aarch64-apple-darwin"]


def export_command(name: str) -> list[str]:
    """The `uv export` arguments that write one requirements file from uv.lock."""
    return ["export", "--locked", "--no-emit-project", "--no-annotate", *EXPORTS[name], "--output-file", name]


def uv() -> str:
    here = Path(sys.executable).parent / "uv"
    return str(here) if here.exists() else shutil.which("uv") or "uv"


def union_of_requirements(pyprojects: list[dict]) -> dict[str, list[str]]:
    """Every combination's requirements, runtime and dev, each package pinned the same everywhere."""
    union: dict[str, dict[str, str]] = {"dependencies": {}, "dev": {}}
    for pyproject in pyprojects:
        lists = {"dependencies": pyproject["project"]["dependencies"], "dev": pyproject["dependency-groups"]["dev"]}
        for kind, requirements in lists.items():
            for requirement in requirements:
                name = load_hook("post_gen_project").requirement_name(requirement)
                known = union[kind].setdefault(name, requirement)
                if known != requirement:
                    raise ValueError(f"{name} is required as {known!r} and as {requirement!r}: pin it once.")
    return {kind: sorted(requirements.values()) for kind, requirements in union.items()}


def union_pyproject(pyprojects: list[dict]) -> str:
    """A pyproject.toml that requires what every combination requires."""
    (requires_python,) = {pyproject["project"]["requires-python"] for pyproject in pyprojects}
    union = union_of_requirements(pyprojects)

    def toml_list(items: list[str]) -> str:
        return "[\n" + "".join(f'    "{item}",\n' for item in items) + "]"

    return (
        f'[project]\nname = "{RESOLVED_NAME}"\nversion = "0.1.0"\nrequires-python = "{requires_python}"\n'
        f"dependencies = {toml_list(union['dependencies'])}\n\n"
        f"[dependency-groups]\ndev = {toml_list(union['dev'])}\n\n"
        "[tool.uv]\npackage = false\n"
    )


def baked_pyprojects(scratch: Path) -> list[dict]:
    """The pyproject.toml of the fast checks' combinations: every combination of the options that shape the code."""
    pyprojects = []
    for number, combo in enumerate(fast_combinations()):
        output = scratch / f"bake-{number}"
        project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=combo, output_dir=str(output)))
        if project.name.replace("_", "-") != RESOLVED_NAME:
            raise RuntimeError(f"The default project name changed: set RESOLVED_NAME to {project.name!r} with dashes.")
        pyprojects.append(tomllib.loads((project / "pyproject.toml").read_text()))
        shutil.rmtree(output)
    return pyprojects


def top_level_modules(folder: Path) -> set[str]:
    """The names `import` finds in a folder packages were installed into."""
    names = set()
    for entry in folder.iterdir():
        if entry.name.endswith((".dist-info", ".data", ".pth")) or entry.name in ("bin", "__pycache__"):
            continue
        name = entry.name.split(".", 1)[0] if entry.is_file() else entry.name
        if name.isidentifier():
            names.add(name)
    return names


def locked_modules(project: Path, scratch: Path) -> list[str]:
    """The top-level modules of every locked package, on every platform a package may install on."""
    modules: set[str] = set()
    for platform in PLATFORMS:
        target = scratch / f"modules-{platform}"
        command = [uv(), "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        command += ["--python-platform", platform, "--python-version", "3.12", "-r", "requirements-dev.txt"]
        subprocess.run(command, cwd=project, check=True)
        modules |= top_level_modules(target)
    return sorted(modules)


def resolve(scratch: Path, upgrade: bool) -> None:
    """Lock the union of every combination's requirements, export it, and store the results.

    The current lock is the starting point, so uv keeps every version it can:
    only what the changed pins require moves (everything, with --upgrade).
    """
    LOCKS_DIR.mkdir(parents=True, exist_ok=True)
    for file in FILES:
        (LOCKS_DIR / file).touch()  # a first run: empty files, so the bakes can include them
    project = scratch / "union"
    project.mkdir()
    (project / "pyproject.toml").write_text(union_pyproject(baked_pyprojects(scratch)))
    current = (LOCKS_DIR / "uv.lock").read_text()
    if current.strip():
        (project / "uv.lock").write_text(current.replace(f'name = "{NAME_EXPRESSION}"', f'name = "{RESOLVED_NAME}"'))
    lock = ["lock"] + (["--upgrade"] if upgrade else [])
    for arguments in [lock] + [export_command(export) for export in EXPORTS]:
        subprocess.run([uv(), *arguments], cwd=project, check=True, stdout=subprocess.DEVNULL)
    for file in FILES:
        text = (project / file).read_text()
        if file == "uv.lock":
            text = text.replace(f'name = "{RESOLVED_NAME}"', f'name = "{NAME_EXPRESSION}"', 1)
        (LOCKS_DIR / file).write_text(text)
    MODULES_FILE.write_text(modules_header() + "".join(f"{name}\n" for name in locked_modules(project, scratch)))


def modules_header() -> str:
    """modules.txt's first line: what it is, and the lock it was made from (a test checks they still agree)."""
    digest = hashlib.sha256((LOCKS_DIR / "uv.lock").read_bytes()).hexdigest()
    return f"# The modules the packages of uv.lock (sha256 {digest}) install. Written by `{COMMAND}`.\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="also upgrade packages the project does not pin")
    args = parser.parse_args()
    for stale in sorted(path for path in LOCKS_DIR.iterdir() if path.is_dir()):
        shutil.rmtree(stale)  # the per-combination locks of earlier versions
    with tempfile.TemporaryDirectory() as scratch:
        resolve(Path(scratch), args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
