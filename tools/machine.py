"""What this machine's own configuration says about where packages come from.

Nothing here names a host: the Debian archive is the one apt uses (its
sources lists), and Python packages are installed by uv or pip, which read
their own settings (UV_INDEX_URL, uv.toml, pip.conf, ...).
"""

import re
from pathlib import Path

APT_SOURCES = Path("/etc/apt/sources.list")
APT_SOURCES_DIR = Path("/etc/apt/sources.list.d")


def _one_line_sources(text: str) -> list[tuple[str, list[str]]]:
    """(URI, suites) of each `deb` line of a classic sources.list."""
    entries = []
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
        if len(words) >= 3 and words[0] == "deb":
            entries.append((words[1], [words[2]]))
    return entries


def _deb822_sources(text: str) -> list[tuple[str, list[str]]]:
    """(URI, suites) of each enabled `Types: deb` stanza of a .sources file."""
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
            continue
        entries += [(uri, fields.get("suites", "").split()) for uri in fields.get("uris", "").split()]
    return entries


def apt_sources() -> list[tuple[str, list[str]]]:
    """Every (URI, suites) apt on this machine installs from, in the order apt reads them."""
    entries = []
    if APT_SOURCES.is_file():
        entries += _one_line_sources(APT_SOURCES.read_text())
    for path in sorted(APT_SOURCES_DIR.glob("*")) if APT_SOURCES_DIR.is_dir() else []:
        if path.suffix == ".list":
            entries += _one_line_sources(path.read_text())
        elif path.suffix == ".sources":
            entries += _deb822_sources(path.read_text())
    return entries


def debian_mirror() -> str:
    """The Debian archive apt uses here (not its security archive), for debootstrap."""
    for uri, suites in apt_sources():
        if suites and not any(suite.endswith(("-security", "/updates")) for suite in suites):
            return uri.rstrip("/")
    raise RuntimeError(
        f"No Debian archive found in {APT_SOURCES} or {APT_SOURCES_DIR}: debootstrap needs one to build a root."
    )
