"""Write the pre-resolved locks that baked projects ship, one per dependency set.

    uv run python -m tools.locks            # after a pin changes: relock what changed
    uv run python -m tools.locks --upgrade  # also move unpinned (indirect) packages to their newest versions

A bake needs no network: its uv.lock, requirements.txt and requirements-dev.txt
are included from templates/locks/<set>/, where <set> is the name
`local_extensions.dependency_set` gives its answers (py3.13-drf-jwt, ...). This
command bakes one project per set, resolves it with uv (this needs the package
index), and stores the results with the project's name left as a template
expression. The template tests fail, naming this command, whenever a bake's
requirements and its lock disagree.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

from local_extensions import dependency_set
from tests.options import every_combination

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
LOCKS_DIR = TEMPLATE_DIR / "templates" / "locks"
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


def export_command(name: str) -> list[str]:
    """The `uv export` arguments that write one requirements file from uv.lock."""
    return ["export", "--locked", "--no-emit-project", "--no-annotate", *EXPORTS[name], "--output-file", name]


def representatives() -> dict[str, dict[str, str]]:
    """One combination of answers for each dependency set."""
    sets: dict[str, dict[str, str]] = {}
    for combo in every_combination():
        sets.setdefault(dependency_set(combo), combo)
    return sets


def uv() -> str:
    here = Path(sys.executable).parent / "uv"
    return str(here) if here.exists() else shutil.which("uv") or "uv"


def resolve(name: str, combo: dict[str, str], scratch: Path, upgrade: bool) -> None:
    """Bake the set's representative, lock and export it, and store the results.

    The bake includes the set's current lock, so uv keeps every version it can:
    only what the changed pins require moves (everything, with --upgrade).
    """
    target = LOCKS_DIR / name
    target.mkdir(parents=True, exist_ok=True)
    for file in FILES:
        (target / file).touch()  # a new set: empty files, so the bake can include them
    project = Path(cookiecutter(str(TEMPLATE_DIR), no_input=True, extra_context=combo, output_dir=str(scratch)))
    if project.name.replace("_", "-") != RESOLVED_NAME:
        raise RuntimeError(f"The default project name changed: set RESOLVED_NAME to {project.name!r} with dashes.")
    if not (project / "uv.lock").read_text().strip():
        (project / "uv.lock").unlink()
    lock = ["lock", "--python", combo["python_version"]] + (["--upgrade"] if upgrade else [])
    for arguments in [lock] + [export_command(export) for export in EXPORTS]:
        subprocess.run([uv(), *arguments], cwd=project, check=True, stdout=subprocess.DEVNULL)
    for file in FILES:
        text = (project / file).read_text()
        if file == "uv.lock":
            text = text.replace(f'name = "{RESOLVED_NAME}"', f'name = "{NAME_EXPRESSION}"', 1)
        (target / file).write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="also upgrade packages the project does not pin")
    args = parser.parse_args()
    sets = representatives()
    for stale in sorted(path for path in LOCKS_DIR.glob("*") if path.name not in sets):
        shutil.rmtree(stale)
    for name, combo in sorted(sets.items()):
        print(f"{name}: resolving", flush=True)
        with tempfile.TemporaryDirectory() as scratch:
            resolve(name, combo, Path(scratch), args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
